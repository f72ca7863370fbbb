"""STR001's deliberate error demonstrations (fair check 31, item 160; fair check 42, item 159)."""

from __future__ import annotations

from nbrefactor.audit.catalog import load_catalog
from nbrefactor.audit.engine import audit_notebook
from nbrefactor.audit.project import ProjectContext
from nbrefactor.audit.rules.structure import SyntaxErrorInCell
from nbrefactor.audit.types import Cell, Diagnostic, Notebook, Output
from nbrefactor.config import Settings


def audit(*cells, rules) -> list[Diagnostic]:
    """Each cell: ("md", source) or (source, count[, outputs])."""
    built = [Cell(i, "markdown", spec[1]) if spec[0] == "md" else
             Cell(i, "code", spec[0], execution_count=spec[1], outputs=tuple(spec[2]) if len(spec) > 2 else ())
             for i, spec in enumerate(cells, start=1)]
    result = audit_notebook(Notebook("nb.ipynb", tuple(built)), Settings(), ProjectContext(), load_catalog(), rules=rules)
    return list(result.result.diagnostics)


def test_str001_a_keyword_demo_written_with_pep8_s_underscore_below_is_a_deliberate_error():
    # Fair check 31, item 160: `class='cats'` saved with its SyntaxError, then `class_='cats'` in the next cell.
    shown = Output("error", "", "SyntaxError")
    demo = audit(("class='cats'\nprint(class)", 1, (shown,)), ("class_='cats'\nprint(class_)", 2), rules=[SyntaxErrorInCell])
    (finding,) = [d for d in demo if d.code == "STR001"]
    assert finding.severity.value == "info" and "cell 2" in finding.message
    # Another name below (not the keyword with its underscore): a plain syntax error.
    plain = audit(("class='cats'\nprint(class)", 1, (shown,)), ("kind='cats'\nprint(kind)", 2), rules=[SyntaxErrorInCell])
    assert [d.severity.value for d in plain if d.code == "STR001"] == ["error"]


def test_str001_a_cell_the_lesson_says_raises_errors_is_a_deliberate_error():
    # Fair check 42, item 159: "These patters will raise errors." above, `# Errors` as the cell's first line.
    shown = Output("error", "", "SyntaxError")
    cell = ("def function_e(a, b, c):\n    print(a, b, c)\n\nfunction_e(1, b=3, 2)", 1, (shown,))
    above = audit(("md", "#### Mixing positional and keyword arguments. These patterns will raise errors."), cell,
                  rules=[SyntaxErrorInCell])
    (finding,) = [d for d in above if d.code == "STR001"]
    assert finding.severity.value == "info" and "Markdown cell above says so" in finding.message
    commented = audit(("# Errors\n" + cell[0], 1, (shown,)), rules=[SyntaxErrorInCell])
    assert [d.severity.value for d in commented if d.code == "STR001"] == ["info"]
    # A Markdown cell above saying nothing of an error, or a cell run without the SyntaxError saved: a plain one.
    other = audit(("md", "#### Mixing positional and keyword arguments."), cell, rules=[SyntaxErrorInCell])
    assert [d.severity.value for d in other if d.code == "STR001"] == ["error"]
    unsaved = audit(("md", "These patterns will raise errors."), (cell[0], None), rules=[SyntaxErrorInCell])
    assert [d.severity.value for d in unsaved if d.code == "STR001"] == ["error"]


def test_str001_the_same_cell_magic_below_line_1_in_several_cells_is_one_finding():
    # Fair check 51, item 171: four disabled INSERT cells, `#DO NOT RUN AGAIN` above `%%sql`.
    sql = "#DO NOT RUN AGAIN\n%%sql\nINSERT INTO t VALUES (1, 'a');"
    found = audit((sql, 1), ("x = 1", 2), (sql, 3), (sql, 4),
                  ("# render\n%%html\n<b>x</b> <i>y</i>", 5), rules=[SyntaxErrorInCell])
    by_cell = {d.location.cell: d for d in found if d.code == "STR001"}
    assert sorted(by_cell) == [1, 5]  # (another magic is another finding)
    assert [(r.cell, r.line) for r in by_cell[1].related] == [(3, 3), (4, 3)]
    assert "cells 3 and 4 have it below line 1 too" in by_cell[1].message
