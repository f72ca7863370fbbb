"""STR001 reports what a kernel refuses after parsing (CPython's symbol table and compiler), as
IPython compiles a cell: statement by statement, with top-level `await` allowed; the screen that
compiles only the statements holding a node that can fail this way agrees with compiling them all;
and `migrate` leaves such a cell out of a package as it does a cell that does not parse."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path
from typing import Optional

import pytest

from nbfactory import project, write_notebook
from nbrefactor.audit.analysis import analyse_cell, kernel_compile_error, mask_cell
from nbrefactor.audit.catalog import load_catalog
from nbrefactor.audit.engine import audit_notebook
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.project import discover_project
from nbrefactor.audit.types import Cell
from nbrefactor.cli.app import main
from nbrefactor.compile.plan import plan_model
from nbrefactor.config import Settings

from fixture_cells import raw_code_sources

# (cell, the kernel's message, line, column): CPython 3.11's words, as IPython shows them.
REFUSED = (
    ("scores = model.evaluate(X, y)\nreturn scores", "'return' outside function", 2, 1),
    ("for batch in loader:\n    loss = step(batch)\nyield loss", "'yield' outside function", 3, 1),
    ("best = None\nfor epoch in range(3):\n    loss = step(epoch)\nif loss < 0.1:\n    break", "'break' outside loop", 5, 5),
    ("if skip:\n    continue", "'continue' not properly in loop", 2, 5),
    ("nonlocal counter", "nonlocal declaration not allowed at module level", 1, 1),
    ("def tick():\n    nonlocal counter\n    counter += 1", "no binding for nonlocal 'counter' found", 2, 5),
    ("def decay():\n    lr = lr * 0.9\n    global lr", "name 'lr' is used prior to global declaration", 3, 5),
    ("def reset():\n    total = 0\n    global total", "name 'total' is assigned to before global declaration", 3, 5),
    ("def scale(frame, column, column):\n    return frame", "duplicate argument 'column' in function definition", 1, 26),
    ("key = lambda row, row: row[0]", "duplicate argument 'row' in function definition", 1, 19),
    ("plt.plot(x, y, color='r', color='b')", "keyword argument repeated: color", 1, 27),
    ("def fetch(url):\n    return await session.get(url)", "'await' outside async function", 2, 12),
    ("def read(stream):\n    async for event in stream:\n        print(event)", "'async for' outside async function", 2, 5),
    ("def fetch(url):\n    async with session.get(url) as response:\n        return response", "'async with' outside async function", 2, 5),
    ("def load():\n    from pylab import *", "import * only allowed at module level", 2, 23),
    ("*columns", "can't use starred expression here", 1, 1),
    ("first, *middle, *last = row", "multiple starred expressions in assignment", 1, 1),
    ("try:\n    x = f()\nexcept:\n    x = None\nexcept ValueError:\n    x = 0", "default 'except:' must be last", 3, 1),
    ("from __future__ import braces", "not a chance", 1, 1),
    ("__debug__ = False", "cannot assign to __debug__", 1, 1),
    ("squares = [i := i * i for i in range(3)]", "assignment expression cannot rebind comprehension iteration variable 'i'", 1, 12),
    ("class Plot:\n    return None", "'return' outside function", 2, 5),
    # A `return` in a `def` is refused where a class body stands between them, or with a value in
    # an async generator (the screen compiles a `def` holding only returns in those cells only).
    ("def make():\n    class Plot:\n        return None\n    return Plot", "'return' outside function", 3, 9),
    ("async def stream():\n    yield 1\n    return 2", "'return' with value in async generator", 3, 5),
    # The first statement the kernel cannot compile is the one it stops at.
    ("x = 1\ndef f(a, a):\n    pass\nreturn x", "duplicate argument 'a' in function definition", 2, 10),
    # Round 25's screens (a name repeated among the cell's parameters or keywords, a call's starred
    # argument left out): a repeat inside one call or definition beside others that are not.
    ("fig = figure(dpi=100)\nplot(x, y, label='a', color=c(dpi=2), color='b')", "keyword argument repeated: color", 2, 39),
    ("plot(x, color='r')\nclass Model(Base, metaclass=Meta, metaclass=Other):\n    pass", "keyword argument repeated: metaclass", 2, 35),
    ("def f(x):\n    return lambda y, x, y: x\ndef g(x):\n    return x", "duplicate argument 'y' in function definition", 2, 25),
    ("print(*row)\n*rest", "can't use starred expression here", 2, 1),
    ("print(*row, *(a for a in [*b]))\nx = *row", "can't use starred expression here", 2, 5),
)

# What IPython runs: top-level `await`/`async for`/`async with` (autoawait), and what is refused
# only when a whole cell is one module, since IPython compiles each top-level statement alone.
ACCEPTED = (
    "import asyncio\nawait asyncio.sleep(0)",
    "async for event in stream():\n    print(event)",
    "async with lock:\n    total += 1",
    "events = [e async for e in stream()]",
    "import os\nfrom __future__ import print_function",
    "x = 1\nglobal x",
    "def f(*args, **kwargs):\n    for a in args:\n        if a:\n            break\n        yield a\n    return [*args, *kwargs]",
    "head, *rest = row\nprint(*rest, sep=', ')\nplot(**style, **{'color': 'r'})",
    "async def main():\n    async with lock:\n        return await fetch()",
    "def counter():\n    count = 0\n    def tick():\n        nonlocal count\n        count += 1\n    return tick",
    "from pylab import *",
    "class Point:\n    def norm(self):\n        return abs(self.x)\n\ndef origin():\n    return Point()",
    "print(__debug__)",
    "plot(x, color='r')\nplot(y, color='b', **style, **more)\nfig(dpi=1, size=f(dpi=2))",
    "def f(x, *a, y=1, **k):\n    return lambda x, y: x\ndef g(x, y):\n    return x\nkey = lambda x: x",
    "print(*row, sep=' ')\nf(*a, *b, **k)\nclass C(*bases, metaclass=M):\n    pass\nprint(*[*x, *y])",
)


@pytest.mark.parametrize("source,message,line,column", REFUSED)
def test_a_cell_the_compiler_refuses_is_a_syntax_error_with_the_kernels_words(source, message, line, column):
    problem = analyse_cell(Cell(0, "code", source)).facts.syntax_error
    assert problem is not None
    assert (problem.message, problem.line, problem.column, problem.parsed) == (message, line, column, True)


@pytest.mark.parametrize("source", ACCEPTED)
def test_what_ipython_compiles_is_not_a_syntax_error(source):
    assert analyse_cell(Cell(0, "code", source)).facts.syntax_error is None


def test_a_cell_that_does_not_parse_keeps_the_parsers_error():
    problem = analyse_cell(Cell(0, "code", "return (1,")).facts.syntax_error
    assert problem is not None and not problem.parsed and problem.line == 1


def _every_statement_compiled(python: str, tree: ast.Module) -> Optional[tuple[str, int, int]]:
    """The unscreened check: IPython's `run_ast_nodes`, every top-level statement compiled alone."""
    for statement in tree.body:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(ast.Module([statement], []), "<cell>", "exec", ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
        except SyntaxError as err:
            return (err.msg, err.lineno, err.offset)
    return None



def test_the_screen_agrees_with_compiling_every_statement():
    sources = raw_code_sources() + [s for s, *_ in REFUSED] + list(ACCEPTED)
    compared = refused = 0
    for source in sources:
        python = mask_cell(source).python
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(python)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        expected = _every_statement_compiled(python, tree)
        problem = kernel_compile_error(python, tree)
        assert (None if problem is None else (problem.message, problem.line, problem.column)) == expected, source
        compared += 1
        refused += expected is not None
    assert compared > 1000 and refused >= len(REFUSED)


def _plan_for(path: Path):
    nb = read_notebook(path, path.name)
    analysis = audit_notebook(nb, Settings(), discover_project(path), load_catalog())
    return analysis.result.diagnostics, plan_model(path.stem, [(analysis.facts, analysis.result.diagnostics)], False)


def test_migrate_leaves_no_package_from_a_cell_the_kernel_cannot_compile(tmp_path, capsys):
    cells = ["import math", "def area(r):\n    return math.pi * r * r", "radius = 2.0\nreturn area(radius)"]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    diagnostics, plan = _plan_for(path)
    str001 = [d for d in diagnostics if d.code == "STR001"]
    assert [(d.location.cell, d.location.line, d.message) for d in str001] == [(3, 2, "Syntax error: 'return' outside function")]
    assert [d.code for d in plan.blocking] == ["STR001"]
    out = tmp_path / "out"
    assert main(["migrate", str(path), "--out", str(out)]) == 1
    assert "blocked" in capsys.readouterr().out
    assert not (out / "nb").exists()
