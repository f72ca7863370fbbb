"""The per-process memo of cell analyses (`analysis._remembered_cell`, used by `analyse_notebook`):
a source seen again gives the facts a fresh analysis gives, `shadowed` is part of the key, no two
cells of one notebook share fact objects (rules find a fact's cell by identity), and the memo
stays bounded."""

from nbrefactor.audit import analysis
from nbrefactor.audit.analysis import analyse_cell, analyse_notebook
from nbrefactor.audit.types import Cell, Notebook

SOURCE = "import pandas as pd\ndf = pd.read_csv('data.csv')\nx += 1\n"


def _notebook(*sources: str, path: str = "nb.ipynb") -> Notebook:
    return Notebook(path, tuple(Cell(index=i, cell_type="code", source=s) for i, s in enumerate(sources)))


def _forget() -> None:
    analysis._CELLS.clear()
    analysis._cells_chars = 0


def test_a_source_seen_in_another_notebook_gives_the_facts_of_a_fresh_analysis():
    _forget()
    first = analyse_notebook(_notebook(SOURCE, path="a.ipynb")).cells[0]
    again = analyse_notebook(_notebook("y = 2", SOURCE, path="b.ipynb")).cells[1]
    assert again.facts is first.facts  # answered from the memo
    assert again.facts == analyse_cell(Cell(index=0, cell_type="code", source=SOURCE)).facts
    assert again.facts.calls[0].func == "pd.read_csv"
    assert again.cell.index == 1  # the memo keeps facts, never the cell they came with


def test_cells_of_one_notebook_never_share_fact_objects():
    _forget()
    analyse_notebook(_notebook(SOURCE, path="a.ipynb"))  # in the memo already
    cells = analyse_notebook(_notebook(SOURCE, SOURCE, SOURCE, "", "")).cells
    assert len({id(ca.facts) for ca in cells}) == 5
    assert len({id(ca.facts.calls[0]) for ca in cells[:3]}) == 3
    assert cells[0].facts == cells[1].facts == cells[2].facts


def test_shadowed_names_are_part_of_the_key():
    _forget()
    # `history` alone is an automagic, unless the notebook binds `history`: then it is Python.
    alone = analyse_notebook(_notebook("history", path="a.ipynb")).cells[0]
    bound = analyse_notebook(_notebook("history = fit()", "history", path="b.ipynb")).cells[1]
    assert [m.name for m in alone.magics] == ["history"]
    assert bound.magics == ()
    assert [r.name for r in bound.facts.reads] == ["history"]
    assert analyse_notebook(_notebook("history", path="c.ipynb")).cells[0].magics == alone.magics


def test_the_memo_holds_a_bounded_number_of_characters(monkeypatch):
    monkeypatch.setattr(analysis, "_CELL_MEMO_CHARS", 200)
    _forget()
    for i in range(100):
        analyse_notebook(_notebook(f"value_{i} = {i} * 2", path=f"{i}.ipynb"))
        assert 0 < analysis._cells_chars <= 200
        assert sum(len(source) for source, *_ in analysis._CELLS) == analysis._cells_chars
    assert len(analysis._CELLS) < 20


def test_a_cell_answered_from_the_memo_brings_back_its_tree(monkeypatch):
    """Fifteenth round: the memo keeps the cell's CPython tree, and a cell answered from it puts the
    tree back into `python_tree`'s memo: the rules do not parse it again."""
    _forget()
    first = analyse_notebook(_notebook(SOURCE, "print 'python 2'", path="a.ipynb")).cells
    tree = analysis.python_tree(first[0].masked.python)
    monkeypatch.setattr(analysis, "_TREES", {})  # as if 256 other cells came since
    parses: list[str] = []
    real = analysis.ast.parse
    monkeypatch.setattr(analysis.ast, "parse", lambda text, *a, **k: parses.append(text) or real(text, *a, **k))
    again = analyse_notebook(_notebook("y = 2", SOURCE, "print 'python 2'", path="b.ipynb")).cells
    assert again[1].facts is first[0].facts
    assert analysis.cell_python_tree(again[1]) is tree and parses == []
    assert analysis.cell_python_tree(again[2]) is None  # a cell that does not parse has no tree to bring back
    assert list(analysis._TREES) == ["y = 2", SOURCE]
