"""The package layout keeps its layers: no import cycles between nbrefactor's modules, and no module
imports a layer above its own (the compiler and the reports never drive the orchestration).

The graph is read from the source with `ast` (every `import` and `from … import`, including the
ones inside functions), so a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "nbrefactor"

# Lower number = lower layer. A module may import its own layer or any lower one.
LAYERS = {
    "nbrefactor": 0,  # __init__ (the version), __main__ is special-cased below
    "nbrefactor.config": 1,  # the audit settings ([tool.nbrefactor]); reads severities from audit.types
    "nbrefactor.fileio": 0,
    "nbrefactor.audit": 1,
    "nbrefactor.compile": 2,
    "nbrefactor.verify": 2,
    "nbrefactor.report": 3,
    "nbrefactor.migrate": 4,
    "nbrefactor.cli": 5,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, source: str | None = None) -> set[str]:
    """The nbrefactor modules `path` imports (a `from pkg import name` counts as `pkg.name` when
    that is a module, else as `pkg`)."""
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source)
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "nbrefactor")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "nbrefactor":
                continue
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
    found.discard(own)
    return {m for m in found if m in MODULES}


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def graph() -> dict[str, set[str]]:
    return {name: imports_of(path) for name, path in MODULES.items()}


def layer_of(module: str) -> int:
    best = max((prefix for prefix in LAYERS if module == prefix or module.startswith(prefix + ".")), key=len)
    return LAYERS[best]


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if colour.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in colour:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        colour[node] = 2
        return None

    for node in sorted(edges):
        if node not in colour:
            found = visit(node)
            if found:
                return found
    return None


def test_import_graph_of_nbrefactor_has_no_cycle():
    edges = graph()
    # A package's __init__ may re-export from its own modules (rules discover their classes
    # through it); those edges point down into the package and are not cycles of meaning.
    cycle = find_cycle({m: {t for t in targets if not (MODULES[m].name == "__init__.py" and t.startswith(m + "."))} for m, targets in edges.items()})
    assert cycle is None, "import cycle: " + " → ".join(cycle)


def test_no_module_imports_a_layer_above_its_own():
    upward = sorted(
        f"{source} ({layer_of(source)}) imports {target} ({layer_of(target)})"
        for source, targets in graph().items()
        if source != "nbrefactor.__main__"
        for target in targets
        if layer_of(target) > layer_of(source)
    )
    assert upward == []


@pytest.mark.parametrize(
    "edges, expected",
    [
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
    ],
)
def test_find_cycle_detects_cycles_and_only_cycles(edges, expected):
    assert find_cycle(edges) == expected


def test_layer_check_sees_a_lazy_upward_import():
    """The graph includes imports made inside functions, as a lazy import of the orchestration
    from a report module would be, and relative imports resolve to the module they name."""
    html = PACKAGE / "report" / "html.py"
    lazy = "def f():\n    from nbrefactor.migrate.one_model import migrate_model\n"
    assert "nbrefactor.migrate.one_model" in imports_of(html, lazy)
    assert layer_of("nbrefactor.migrate.one_model") > layer_of("nbrefactor.report.html")
    assert imports_of(html, "from ..audit import types\nfrom .sarif import render\n") == {"nbrefactor.audit.types", "nbrefactor.report.sarif"}
