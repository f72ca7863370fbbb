"""The per-process memo of cell analyses (`analysis.analyse_cell`): a source seen again gives the
facts a fresh analysis gives, `shadowed` is part of the key, and the memo stays bounded."""

from nbrefactor.audit import analysis
from nbrefactor.audit.analysis import analyse_cell
from nbrefactor.audit.types import Cell


def _fresh(cell, shadowed=frozenset()):
    analysis._CELLS.clear()
    analysis._cells_chars = 0
    return analyse_cell(cell, shadowed)


def test_a_repeated_source_gives_the_facts_of_a_fresh_analysis_and_its_own_cell():
    source = "import pandas as pd\ndf = pd.read_csv('data.csv')\nx += 1\n"
    first = _fresh(Cell(index=0, cell_type="code", source=source))
    again = analyse_cell(Cell(index=7, cell_type="code", source=source))
    assert again.facts == first.facts
    assert again.facts.calls[0].func == "pd.read_csv"
    assert again.cell.index == 7  # the memo keeps facts, never the cell they came with


def test_shadowed_names_are_part_of_the_key():
    cell = Cell(index=0, cell_type="code", source="history")
    as_magic = _fresh(cell)
    as_python = analyse_cell(cell, frozenset({"history"}))
    assert [m.name for m in as_magic.magics] == ["history"]
    assert as_python.magics == ()
    assert [r.name for r in as_python.facts.reads] == ["history"]
    assert analyse_cell(cell).magics == as_magic.magics


def test_the_memo_holds_a_bounded_number_of_characters(monkeypatch):
    monkeypatch.setattr(analysis, "_CELL_MEMO_CHARS", 200)
    _fresh(Cell(index=0, cell_type="code", source="y = 0"))
    for i in range(100):
        analyse_cell(Cell(index=i, cell_type="code", source=f"value_{i} = {i} * 2"))
        assert analysis._cells_chars <= 200
        assert sum(len(source) for source, _ in analysis._CELLS) == analysis._cells_chars
    assert len(analysis._CELLS) < 20
