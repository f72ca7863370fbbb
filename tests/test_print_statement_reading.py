"""The one Python 3 reading of a Python 2 cell whose only obstacle is its `print x` statements
(`analysis.print_statement_python`), shared by DEP005 and RND001: positions stay the cell's own,
and a cell with any other Python 2 syntax stays unread. Expected texts are written by hand."""

from __future__ import annotations

import ast

from nbrefactor.audit.analysis import analyse_cell, print_statement_python, print_statement_tree
from nbrefactor.audit.types import Cell


def test_print_statements_become_calls_with_every_other_character_in_place():
    python = (
        "x = 1\n"
        "print 'a', x  # shown\n"
        "if x:\n"
        "    print\n"
        "print 'b', (x,\n"
        "           x)\n"
        "print 'c', \\\n"
        "    x; y = 2\n"
    )
    assert print_statement_python(python) == (
        "x = 1\n"
        "print('a', x)  # shown\n"
        "if x:\n"
        "    print()\n"
        "print('b', (x,\n"
        "           x))\n"
        "print('c', \\\n"
        "    x); y = 2\n"
    )


def test_positions_in_the_reading_are_the_cells_own():
    cell = Cell(index=1, cell_type="code", source="import numpy as np\nprint 'mean', np.random.rand(3).mean()")
    tree = print_statement_tree(analyse_cell(cell))
    assert tree is not None
    (draw,) = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "rand"]
    # `np.random.rand` starts at column 14 of line 2 of the cell as written (0-based offsets).
    assert (draw.lineno, draw.col_offset) == (2, 14)
    assert cell.source.split("\n")[1][14:28] == "np.random.rand"


def test_any_other_python2_syntax_leaves_the_cell_unread():
    for python in (
        "print 'a'\nn = 0777",              # an old octal literal
        "print 'a'\nr = `n`",               # backquotes
        "print 'a'\nif n <> 1:\n    pass",  # `<>`
        "print >>f, 'a'",                   # print to a file
        "print'a'",                         # no space to turn into the parenthesis
        "try:\n    print 'a'\nexcept ValueError, e:\n    pass",
    ):
        assert print_statement_python(python) is None, python
    cell = Cell(index=1, cell_type="code", source="print 'a'\nr = `n`")
    assert print_statement_tree(analyse_cell(cell)) is None


def test_a_cell_that_parses_or_has_no_print_statement_is_not_rewritten():
    assert print_statement_python("print('a')\nx = [1]") is None
    assert print_statement_tree(analyse_cell(Cell(index=1, cell_type="code", source="print('a')"))) is None
