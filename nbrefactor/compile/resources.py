"""Names bound to resources of the process (open files, locks, connections, pools, generators): they
can never be step outputs (issue 9, point 4).

Every value a step returns is pickled: by each kfp component for the next one, and when the
pipeline's final values are saved. An open file handle, a lock, a database connection or a
generator cannot be pickled (and a closed `with open(...) as handle` handle is no result either).
So a resource name is never a final value, and steps that would pass one across a boundary are
merged into one (the planner does it, with a review note), as for shared references.

What counts as a resource: the target of `with … as name`; a name assigned the result of a call
listed in rules/resources.toml (`open`, `sqlite3.connect`, `threading.Lock`, …) or of one of its
methods (`conn.cursor()`); a generator expression; a call of a generator function the notebook
defines. Read from the cells' source with `ast` (no execution).
"""

from __future__ import annotations

import ast
from fnmatch import fnmatchcase
from typing import Optional

from nbrefactor.audit.catalog import Catalog, load_catalog
from nbrefactor.audit.facts import dotted_name


def resource_names(facts, catalog: Optional[Catalog] = None) -> dict[str, str]:  # noqa: ANN001 - NotebookFacts
    """name → what makes it a resource (for the review note), over the whole notebook."""
    data = (catalog if catalog is not None else load_catalog()).section("resources") or {}
    calls = tuple(data.get("calls", ()))
    methods = frozenset(data.get("methods", ()))
    trees = []
    for ca in facts.cells:
        if ca.facts.syntax_error is not None or not ca.masked.is_python:
            continue
        try:
            trees.append(ast.parse(ca.masked.python))
        except (SyntaxError, ValueError):
            continue
    generators = {
        node.name for tree in trees for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and any(isinstance(inner, (ast.Yield, ast.YieldFrom)) for inner in ast.walk(node))
    }
    found: dict[str, str] = {}
    for tree in trees:
        for node in _module_level(tree):
            if isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if isinstance(item.optional_vars, ast.Name):
                        found.setdefault(item.optional_vars.id, f"the target of `with {ast.unparse(item.context_expr)[:40]} as {item.optional_vars.id}`")
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                what = _resource_value(node.value, facts, calls, methods, generators)
                if what:
                    found.setdefault(node.targets[0].id, what)
    return found


def _module_level(tree: ast.Module):  # noqa: ANN202 - iterator of statements
    """Statements that run at the cell's top level (inside if/for/while/try/with too, not in defs)."""
    stack = list(tree.body)
    while stack:
        node = stack.pop(0)
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        for field in ("body", "orelse", "finalbody"):
            stack.extend(getattr(node, field, ()) or ())
        for handler in getattr(node, "handlers", ()) or ():
            stack.extend(handler.body)


def _resource_value(value: ast.expr, facts, calls: tuple[str, ...], methods: frozenset[str], generators: set[str]) -> str:  # noqa: ANN001
    if isinstance(value, ast.GeneratorExp):
        return "a generator expression"
    if not isinstance(value, ast.Call):
        return ""
    func = value.func
    dotted = dotted_name(func)
    if dotted:
        head = dotted.split(".")[0]
        qualified = facts.resolve(dotted) if head in facts.aliases else dotted
        if any(fnmatchcase(qualified, pattern) for pattern in calls):
            return f"`{dotted}(…)`, a resource of the process"
        if dotted in generators:
            return f"a generator (`{dotted}` yields)"
    if isinstance(func, ast.Attribute) and func.attr in methods:
        return f"`….{func.attr}()`, a resource of the process"
    return ""


def resource_span(sections, flow, resources: dict[str, str]):  # noqa: ANN001, ANN201 - (first, last, name, what) | None
    """The first run of steps a resource crosses: bound in step C and read by a later step (before
    it is bound again). Those steps, from C to the last reader, must be one step."""
    for c, names in enumerate(flow.defines):
        for name in names:
            if name not in resources:
                continue
            later = []
            for j in range(c + 1, len(flow.reads)):
                if name in flow.reads[j]:
                    later.append(j)
                if name in flow.defines[j]:
                    break
            if later:
                return c, max(later), name, resources[name]
    return None


__all__ = ["resource_names", "resource_span"]
