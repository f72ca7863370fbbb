"""Code of a notebook that runs in a container, not in the notebook's kernel.

A Kubeflow Pipelines notebook defines functions that become pipeline components:
`step_op = func_to_container_op(step, base_image=...)`, `create_component_from_func(step)`, or
`@dsl.component def step(...)`. The body of such a function is serialised and runs inside the
component's image, with the mounts the pipeline gives it (`.add_pvolumes({...})`, a PodDefault);
its paths, imports and installs are the container's, not the notebook machine's. Likewise the
values of `dsl.ContainerOp(file_outputs=..., command=..., arguments=...)` and a kubeflow-fairing
preprocessor's `path_prefix=` (the destination folder inside the built image).

Rules about the notebook's own machine (absolute paths, missing dependencies) skip this code;
this module finds it once, from the cells' CPython trees, for every family that needs it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from nbrefactor.audit.analysis import CellAnalysis, NotebookFacts, cell_python_tree
from nbrefactor.audit.facts import dotted_name, tree_nodes

# Calls that turn a Python function into a KFP component (kfp v1 `components.*`, kfp v2 `dsl.*`):
# the function is their first argument or `func=`.
COMPONENT_FACTORIES = frozenset({"func_to_container_op", "create_component_from_func", "component"})
# Decorators that do the same (`@dsl.component`, `@component(base_image=...)`, `@func_to_container_op`).
COMPONENT_DECORATORS = COMPONENT_FACTORIES
# Keywords whose values name places inside a container or built image, not on this machine.
CONTAINER_CALL_KEYWORDS = {
    "ContainerOp": frozenset({"file_outputs", "command", "arguments", "output_artifact_paths"}),
}
IMAGE_PATH_KEYWORDS = frozenset({"path_prefix"})  # kubeflow-fairing preprocessors: folder inside the image


@dataclass(frozen=True)
class ContainerSpan:
    """A stretch of one cell (1-based lines, 0-based columns as CPython counts them) whose code or
    literals belong to a container: a component function's body, or a container-spec argument."""

    cell: int  # the cell's index in the notebook (Cell.index)
    start: tuple[int, int]
    end: tuple[int, int]
    reason: str  # "component function `step`", "`file_outputs=` of ContainerOp", …

    def holds(self, cell: int, line: int, column: int = 0) -> bool:
        return cell == self.cell and self.start <= (line, column) <= self.end


def component_function_names(facts: NotebookFacts) -> frozenset[str]:
    """Names of the notebook's functions handed to a KFP component factory, anywhere in the
    notebook (`func_to_container_op(step)`, `create_component_from_func(func=step)`)."""
    names: set[str] = set()
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for node in tree_nodes(tree):
            if not isinstance(node, ast.Call) or _last_part(node.func) not in COMPONENT_FACTORIES:
                continue
            given = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "func"), None)
            if isinstance(given, ast.Name):
                names.add(given.id)
    return frozenset(names)


def container_spans(facts: NotebookFacts) -> tuple[ContainerSpan, ...]:
    """Every stretch of the notebook that runs in (or describes) a container: bodies of component
    functions (by factory call or decorator) and container-spec keyword values."""
    # `@component` alone is also Haystack's and others': KFP's only when the notebook imports kfp.
    kfp = _imports(facts, "kfp")
    fairing = _imports(facts, "kubeflow.fairing") or _imports(facts, "fairing")
    if not kfp and not fairing:
        return ()
    given = component_function_names(facts) if kfp else frozenset()
    keywords: dict[str, frozenset[str]] = dict(CONTAINER_CALL_KEYWORDS) if kfp else {}
    spans: list[ContainerSpan] = []
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        spans.extend(_cell_spans(ca, tree, given, keywords, IMAGE_PATH_KEYWORDS if fairing else frozenset()))
    return tuple(spans)


def _imports(facts: NotebookFacts, package: str) -> bool:
    """The notebook imports `package` or one of its modules (`from kfp import dsl`, `import kfp.components`)."""
    for _, imp in facts.imports:
        # `from kubeflow import fairing` imports the module `kubeflow.fairing`.
        for name in (imp.module, f"{imp.module}.{imp.imported}" if imp.imported else ""):
            if name == package or name.startswith(package + "."):
                return True
    return False


def in_container(spans: tuple[ContainerSpan, ...], cell: int, line: int, column: int = 0) -> bool:
    return any(span.holds(cell, line, column) for span in spans)


def _cell_spans(
    ca: CellAnalysis,
    tree: ast.Module,
    given: frozenset[str],
    call_keywords: dict[str, frozenset[str]],
    image_keywords: frozenset[str],
) -> list[ContainerSpan]:
    index = ca.cell.index
    spans: list[ContainerSpan] = []
    for node in tree_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name in given or (call_keywords and any(_is_component_decorator(d) for d in node.decorator_list)):
                spans.append(_span(index, node, f"component function `{node.name}`"))
        elif isinstance(node, ast.Call):
            callee = _last_part(node.func)
            wanted = call_keywords.get(callee, frozenset()) | image_keywords
            for keyword in node.keywords:
                if keyword.arg in wanted:
                    spans.append(_span(index, keyword.value, f"`{keyword.arg}=` of {callee or 'a call'}"))
    return spans


def _is_component_decorator(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return _last_part(target) in COMPONENT_DECORATORS


def _last_part(node: ast.AST) -> str:
    return dotted_name(node).rpartition(".")[2]


def _span(cell: int, node: ast.AST, reason: str) -> ContainerSpan:
    end_line = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
    end_column = getattr(node, "end_col_offset", None) or 0
    # A whole def from column 0 of its `def` line (its decorators sit above and are notebook code);
    # a keyword's value from its own first column.
    start_column = 0 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else node.col_offset  # type: ignore[attr-defined]
    return ContainerSpan(cell, (node.lineno, start_column), (end_line, end_column), reason)  # type: ignore[attr-defined]
