"""STR005: `await` at a cell's top level, which only IPython's autoawait runs."""

from __future__ import annotations

import ast
from typing import Iterator

from nbrefactor.audit.analysis import cell_python_tree
from nbrefactor.audit.types import Family, Severity
from nbrefactor.audit.rules import Example, Hit, Rule, RuleContext

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _top_level_awaits(tree: ast.AST) -> Iterator[ast.AST]:
    """`await x`, `async for`, `async with` outside any function body, in source order."""
    found: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith)):
            found.append(node)
        stack.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, _SCOPES))
    yield from sorted(found, key=lambda n: (n.lineno, n.col_offset))


class TopLevelAwait(Rule):
    code = "STR005"
    name = "top-level-await"
    family = Family.STRUCTURE
    severity = Severity.WARNING
    # The compiler moves cells into plain step functions, where an `await` does not compile: the
    # package would not import (until the compiler writes async steps).
    blocks_compile = True
    summary = "`await` at a cell's top level: it runs only under IPython's autoawait, never in a Python module."
    what_it_does = (
        "Reports the first `await` (or `async for`/`async with`) outside any function body in a code cell, once per "
        "notebook (the others are related locations). IPython runs such a cell in its own event loop "
        "(autoawait); Python does not."
    )
    why_bad = (
        "A module cannot hold a top-level `await`: the notebook exported as a script, or its cells moved into a "
        "package's step function, stop with `SyntaxError: 'await' outside async function`, and the pipeline step "
        "never runs."
    )
    example = "result = await optimizer.arun(prompts)"
    use_instead = (
        "import asyncio\n\n\nasync def optimise(prompts):\n    return await optimizer.arun(prompts)\n\n\n"
        "result = asyncio.run(optimise(prompts))  # in Jupyter, where a loop already runs: `await optimise(prompts)`"
    )
    passing = (
        Example(cells=(
            "import asyncio\nasync def double(n):\n    await asyncio.sleep(0)\n    return n * 2",
            "value = asyncio.run(double(3))",
        )),
    )
    failing = (
        Example(
            cells=(
                "import asyncio\nasync def double(n):\n    await asyncio.sleep(0)\n    return n * 2",
                "value = await double(3)",
                "print(await double(value))",
            ),
            expect=((2, 1),),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        found: list[tuple] = []
        for ca in ctx.facts.cells:
            # `await`, `async for` and `async with` are keywords of the cell's text: a cell whose
            # text names neither holds none of them, and its tree need not be walked (most cells).
            python = ca.masked.python
            if "await" not in python and "async" not in python:
                continue
            tree = cell_python_tree(ca)
            if tree is None:
                continue
            for node in _top_level_awaits(tree):
                found.append((ca.cell, node.lineno, node.col_offset + 1, ca.lines[node.lineno - 1].strip() if 0 < node.lineno <= len(ca.lines) else ""))
        if not found:
            return
        cell, line, column, shown = found[0]
        yield Hit(
            cell,
            line,
            column,
            f"`{shown[:100]}` awaits at the cell's top level, which only IPython's autoawait runs: as a script or in a "
            "package's step function it is a `SyntaxError` ('await' outside async function)",
            fix=("Put the asynchronous part in an `async def` and run it with `asyncio.run(…)` (in Jupyter, where an "
                 "event loop already runs, `await` that one function in one cell)."),
            key="top-level-await",
            related=tuple((c, ln, col) for c, ln, col, _ in found[1:]),
        )
