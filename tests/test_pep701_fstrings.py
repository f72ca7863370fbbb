"""Python 3.12's f-strings (PEP 701) are valid Python whatever interpreter runs the audit: a cell
reusing the string's quotes inside a replacement field, or holding a backslash there, is no syntax
error (fair check 43, item 156: a 3.12.10 notebook whose cell ran, reported by an audit on 3.11),
its names are read as in any cell, and a real error beside such an f-string is still reported at
its own line. The same answers on every Python the audit runs on (3.10 and later)."""

from __future__ import annotations

import pytest

from nbrefactor.audit.analysis import analyse_cell
from nbrefactor.audit.types import Cell


def _facts(source: str):
    return analyse_cell(Cell(index=1, cell_type="code", source=source)).facts


VALID = (
    'd = -0.43\nprint(f"effect is {"small" if abs(d) < 0.5 else "large"}")',
    "rows = ['a', 'b']\nprint(f\"{'\\n'.join(rows)}\")",
    'label = "x" f"{"y"}" "z"\nnote = f"""{label}\n{"q"}"""\nsize = 1',
    'width = 3\nprint(f"{width # the column\n}")',
)


@pytest.mark.parametrize("source", VALID)
def test_a_python_312_f_string_is_no_syntax_error(source):
    assert _facts(source).syntax_error is None


def test_the_names_of_a_python_312_f_string_cell_are_read():
    facts = _facts('import numpy as np\nd = np.mean(xs)\nprint(f"{"small" if abs(d) < 0.5 else "large"}")')
    assert {n.name for n in facts.defined} >= {"d"}
    assert {n.name for n in facts.reads} >= {"xs", "abs", "print"}
    assert [i.module for i in facts.imports] == ["numpy"]


# (cell, the line of its error): errors Python 3.12 reports too, at the same line; None: a cell
# libcst does not parse either, whose f-strings cannot be found (an interpreter older than 3.12 may
# name the f-string's line instead of the error's).
INVALID = (
    ('print(f"{a b}")', 1),
    ('print(f"{}")', 1),
    ('print(f"{"a"}")\nreturn 1', 2),
    ('x = f"{"a"}"\ny = (1,', None),
)


@pytest.mark.parametrize(("source", "line"), INVALID)
def test_a_real_error_beside_a_python_312_f_string_is_still_one(source, line):
    problem = _facts(source).syntax_error
    assert problem is not None and line in (None, problem.line)


# (cell, (line, column) of the f-string only Python 3.12 and later read, or None): decided from the
# text, the same on every interpreter, for a notebook declaring an older Python (fair check 44, T-3.5).
ONLY_312 = (
    ('n = 1\nprint(f"{len(d["train"])} rows")', (2, 7)),
    ("print(f'{\"\\n\".join(rows)}')", (1, 7)),
    ('x = f"""{d["a"]}"""', None),
    ("print(f\"{d['# rows']:#x} {d!r:>{len(d)}}\")", None),
    ('print(f"{x:{"a"}}")', (1, 7)),
    ('print("plain {"quoted"}")', None),
)


@pytest.mark.parametrize(("source", "where"), ONLY_312)
def test_an_f_string_only_python_312_reads_is_found_from_its_text(source, where):
    from nbrefactor.audit.analysis import python_312_only_f_string

    found = python_312_only_f_string(source)
    assert (found[:2] if found else None) == where
