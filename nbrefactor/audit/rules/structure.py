"""Structure: notebooks that cannot be analysed (or compiled) as Python at all."""

from __future__ import annotations

from typing import Iterator

from nbrefactor.audit.guards import NOT_ANALYSED
from nbrefactor.audit.types import Family, Severity
from nbrefactor.audit.rules import Example, Hit, Rule, RuleContext, md


class SyntaxErrorInCell(Rule):
    code = "STR001"
    blocks_compile = True
    name = "syntax-error"
    family = Family.STRUCTURE
    severity = Severity.ERROR
    summary = "A code cell is not valid Python 3 (IPython magics aside)."
    what_it_does = (
        "Parses every code cell, after masking IPython magics and shell escapes, and reports the "
        "first syntax error of each cell. The rest of the notebook is still analysed."
    )
    why_bad = (
        "A cell that does not parse cannot run, cannot be compiled into a module and hides its names "
        "from every other check. Python 2 `print x` statements and half-typed lines are the usual causes."
    )
    example = "print 'accuracy', acc"
    use_instead = "print('accuracy', acc)"
    passing = (Example(cells=("print('ok')", "%matplotlib inline\nx = 1")),)
    failing = (
        Example(cells=("x = 1", "print 'x is', x"), expect=((2, 1),)),
        Example(cells=(md("# Title"), "import os\nfor f in os.listdir('.'):\n    print(f"), expect=((2, 3),)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        for ca in ctx.cells:
            problem = ca.facts.syntax_error
            if problem is not None:
                line = max(1, min(problem.line, len(ca.lines)))
                # Valid code too big for the analyser is said as such, not as a syntax error.
                text = problem.message[0].upper() + problem.message[1:] if problem.message.startswith(NOT_ANALYSED) else f"Syntax error: {problem.message}"
                yield Hit(ca.cell, line, problem.column, text, key=problem.message)


class NonPythonKernel(Rule):
    code = "STR002"
    blocks_compile = True
    name = "non-python-kernel"
    family = Family.STRUCTURE
    # Info: nothing in the notebook was found wrong, it is only out of scope; so an R notebook in
    # the repository does not fail the default gate (`--fail-on warning`) of every pull request.
    severity = Severity.INFO
    summary = "The notebook runs on a kernel that is not Python; it is not analysed."
    applies_to_any_language = True
    what_it_does = "Reads the notebook's kernelspec and language_info and reports a kernel that is not Python."
    why_bad = (
        "nbrefactor analyses and compiles Python. An R, Julia or Scala notebook in the batch is reported "
        "once instead of as a wall of syntax errors, so you can route it to its own migration."
    )
    example = '{"kernelspec": {"name": "ir", "language": "R"}}'
    use_instead = "Migrate it with that language's tooling, or exclude it with `extend-exclude`."
    passing = (Example(cells=("x = 1",)),)
    failing = (Example(cells=("x <- c(1, 2, 3)",), kernel="ir", language="R", expect=((None, None),)),)

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        nb = ctx.facts.notebook
        if not nb.is_python:
            language = nb.kernel_language or nb.kernel_name or "unknown"
            yield Hit(None, None, None, f"Kernel language is {language!r}, not Python: the notebook is not analysed", key=language)


class EmptyNotebook(Rule):
    code = "STR003"
    name = "empty-notebook"
    family = Family.STRUCTURE
    severity = Severity.INFO
    summary = "The notebook has no code."
    what_it_does = "Reports a notebook with no cells, or whose code cells are all empty."
    why_bad = "There is nothing to migrate; it is usually a leftover that clutters the batch."
    example = "A notebook with only empty cells."
    use_instead = "Delete it, or add the code it was meant to hold."
    passing = (Example(cells=(md("# Notes"), "x = 1")),)
    failing = (Example(cells=(), expect=((None, None),)), Example(cells=(md("# TODO"), "   "), expect=((None, None),)))

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        if not any(c.source.strip() for c in ctx.facts.notebook.code_cells):
            yield Hit(None, None, None, "Notebook has no code", key="empty")
