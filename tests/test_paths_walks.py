"""The path rules' literal reads (`paths._concatenations`, `paths._suffix_literals`) walk each
cell's tree once, from a node list shared by both: the same answers as the walks they replaced,
written here as they were (`ast.walk` per question), on every cell of the fixture corpus and on
cases made to exercise f-string parts, format specs, implicit concatenation and suffixes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from nbrefactor.audit import analysis
from nbrefactor.audit.loader import LoadError, read_notebook
from nbrefactor.audit.rules import paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks"


def reference_concatenations(ca, lines):
    tree = analysis.cell_python_tree(ca)
    joined, continued = {}, set()
    if tree is None:
        return joined, continued
    by_line = {}
    for fact in ca.facts.strings:
        by_line.setdefault(fact.line, []).append(fact.column)
    inside_fstring = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    for node in ast.walk(tree):
        if id(node) in inside_fstring:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
        elif isinstance(node, ast.JoinedStr) and not any(
            isinstance(inner, ast.Constant) and isinstance(inner.value, str)
            for part in node.values if isinstance(part, ast.FormattedValue) for inner in ast.walk(part)
        ):
            value = "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
        else:
            continue
        end_line, end_col = node.end_lineno or node.lineno, node.end_col_offset or 0
        start = (node.lineno, paths._char_column(lines, node.lineno, node.col_offset))
        end = (end_line, paths._char_column(lines, end_line, end_col))
        parts = sorted((line, column) for line in range(start[0], end[0] + 1) for column in by_line.get(line, ())
                       if start <= (line, column) < end)
        if len(parts) > 1 and parts[0] == start:
            joined[start] = (value, end_line)
            continued.update(parts[1:])
    return joined, continued


def reference_suffixes(cells):
    right_only, bound = {}, {}
    for ca in cells:
        tree = analysis.cell_python_tree(ca)
        if tree is None:
            continue
        lines = ca.masked.python.split("\n")
        appended = {id(n.right) for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add)}
        appended |= {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.AugAssign) and isinstance(n.op, ast.Add)}
        for n in ast.walk(tree):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                right_only[n.id] = right_only.get(n.id, True) and id(n) in appended
        for stmt in tree.body:
            if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                    and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)):
                where = (ca.cell.index, stmt.value.lineno, paths._char_column(lines, stmt.value.lineno, stmt.value.col_offset))
                bound.setdefault(stmt.targets[0].id, []).append(where)
    return {where for name, places in bound.items() if right_only.get(name) for where in places}


class Ctx:
    def __init__(self, cells):
        self.cells = cells


MADE = [
    'url = ("https://host/x" "/raw/y.csv")\nname = f"{a:>{w}}" "tail/" f"{b!r}.csv"\n',
    'suffix = "/posts/1"\nfull = base + suffix\nsuffix2 = "/a"\nx = suffix2\nacc = ""\nacc += suffix2\n',
    'p = f"{\'/data\'}/x.csv" + "/y"\nq = ("a" "b"\n     "c/d.txt")\nr = f"{x}" f"{y:{z}}" "/e.parquet"\n',
    'tail = "/posts"\ns = "http://h" + tail\ns += tail\n',
]


def cell_sets():
    yield "made", analysis.analyse_notebook(load_notebook_from_sources(MADE)).cells
    for path in sorted(FIXTURES.rglob("*.ipynb")):
        notebook = read_notebook(path)
        if isinstance(notebook, LoadError):  # an unreadable fixture (on purpose): nothing to compare
            continue
        yield path.name, analysis.analyse_notebook(notebook).cells


def load_notebook_from_sources(sources):
    import json
    import tempfile

    cells = [{"cell_type": "code", "source": s, "metadata": {}, "outputs": [], "execution_count": None} for s in sources]
    data = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "made.ipynb"
        path.write_text(json.dumps(data), encoding="utf-8")
        return read_notebook(path)


def test_one_walk_reads_what_the_five_walks_read():
    compared = joined = 0
    for name, cells in cell_sets():
        assert paths._suffix_literals(Ctx(cells)) == reference_suffixes(cells), name
        for ca in cells:
            lines = ca.masked.python.split("\n")
            found = paths._concatenations(ca, lines)
            assert found == reference_concatenations(ca, lines), (name, ca.cell.index)
            compared += 1
            joined += len(found[0])
    assert compared > 200 and joined >= 4
    made = dict(cell_sets())["made"]
    assert paths._suffix_literals(Ctx(made))  # `suffix`, `tail`: bound, read only after a `+`


# The node lists these reads share are `analysis.tree_nodes`' bounded memo (256 trees, the oldest
# dropped first), tested in tests/test_rule_indexes.py.
