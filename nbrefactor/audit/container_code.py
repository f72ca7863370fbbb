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
import re
from dataclasses import dataclass
from typing import Optional

from nbrefactor.audit.analysis import CellAnalysis, NotebookFacts, cell_python_tree
from nbrefactor.audit.facts import dotted_name, globals_bound_once, nodes_of

# The KFP factories that turn a Python function into a pipeline step run in its own container
# (v1 `create_component_from_func`/`func_to_container_op`, v2 `@dsl.component`), by last name
# under a `kfp` import. Both families read it: the path rules and DEP003 (installs in a step's body).
_KFP_COMPONENT_FACTORIES = frozenset({
    "create_component_from_func", "create_component_from_func_v2", "func_to_container_op",
    "func_to_component_text", "component",
})
# Keywords whose values name places inside a container or built image, not on this machine.
CONTAINER_CALL_KEYWORDS = {
    "ContainerOp": frozenset({"file_outputs", "command", "arguments", "output_artifact_paths"}),
}
IMAGE_PATH_KEYWORDS = frozenset({"path_prefix"})  # kubeflow-fairing preprocessors: folder inside the image
# A SageMaker job spec's arguments that name places on the job's side (fair check 24): where the
# service mounts an input inside the processing container (`ProcessingInput(destination=…)`, the
# old `S3Input(local_path=…)`), the container folder it uploads after the job
# (`ProcessingOutput(source=…)`), a file inside that output that the pipeline service reads
# (`PropertyFile(path="evaluation.json")`, and `JsonGet`'s key in it), and a training container's
# checkpoint folder. The API
# requires them under `/opt/ml/`, the same for every user; nothing on the notebook's machine is
# touched. By class name (keyword, and position when given positionally), under a `sagemaker` import.
SAGEMAKER_JOB_SIDE_ARGUMENTS: dict[str, tuple[tuple[str, int], ...]] = {
    "ProcessingInput": (("destination", 1),),
    "ProcessingOutput": (("source", 0),),
    "S3Input": (("local_path", 0),),
    "PropertyFile": (("path", 2),),
    # (`JsonGet(step_name=…, property_file=report, json_path="regression_metrics.mse.value")`: a key
    # inside that file, read by the pipeline service)
    "JsonGet": (("json_path", 2),),
}
SAGEMAKER_JOB_SIDE_KEYWORDS = frozenset({"checkpoint_local_path"})  # any estimator's
# Azure ML's (v1 SDK) arguments that name places in a run's artifacts or a datastore, not on this
# machine (fair check 27): `Run.register_model(model_name, model_path=…)` (a path inside the run's
# outputs, written by the remote job), the remote name of `Run.download_file(name, output_file_path)`,
# `download_files(prefix=…)` and `upload_file(name, path_or_stream)`, the datastore folder of
# `Datastore.upload(src_dir, target_path=…)`, `upload_files(files, relative_root, target_path=…)`,
# `Datastore.download(target_path, prefix=…)` and `Datastore.path(path)`, and a `DataReference`'s
# `path_on_datastore=` (and `path_on_compute=`, on the compute target). The other arguments of the
# same calls (`output_file_path`, `path_or_stream`, `src_dir`, `Datastore.download`'s
# `target_path`) are this machine's. By method or class name (keyword, position when given
# positionally, and the most positional arguments the call takes: boto3's `upload_file(Filename,
# Bucket, Key)` takes three, its first a local file), under an `azureml` import.
AZUREML_REMOTE_ARGUMENTS: dict[str, tuple[tuple[str, int, int], ...]] = {
    "register_model": (("model_path", 1, 99),),
    "download_file": (("name", 0, 2),),
    "download_files": (("prefix", 0, 99),),
    "upload_file": (("name", 0, 2),),
    "upload": (("target_path", 1, 4),),
    "upload_files": (("target_path", 2, 5),),
    "download": (("prefix", 1, 4),),
    "path": (("path", 0, 2),),
    "DataReference": (("path_on_datastore", 2, 6), ("path_on_compute", 4, 6)),
}


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


def _kfp_factory(facts: NotebookFacts, node: ast.AST) -> bool:
    name = facts.resolve(dotted_name(node))
    return name.startswith("kfp.") and name.rsplit(".", 1)[-1] in _KFP_COMPONENT_FACTORIES


def pipeline_step_bodies(facts: NotebookFacts) -> tuple[tuple[int, int, int], ...]:
    """(cell index, first line, last line) of each module-level function the notebook makes a KFP
    component of: passed by name to a factory (`comp.create_component_from_func(train,
    base_image=…)`, `func_to_container_op(func=train)`, anywhere, a pipeline function included) or
    decorated with one (`@dsl.component`, `@func_to_container_op`, `@partial(func_to_container_op, …)`).
    Its body runs in the step's container, not in the notebook's kernel. DEP's container checks
    and `component_steps` both ask for every notebook (the screen below passes most of them:
    `component` is in `n_components`): the last notebook's answer is kept."""
    if _LAST_STEP_BODIES and _LAST_STEP_BODIES[0] is facts:
        return _LAST_STEP_BODIES[1]
    found = _pipeline_step_bodies(facts)
    _LAST_STEP_BODIES[:] = [facts, found]  # (the reference keeps `facts` alive: identity cannot match a newer one)
    return found


_LAST_STEP_BODIES: list = []  # [facts, their step bodies]


def _pipeline_step_bodies(facts: NotebookFacts) -> tuple[tuple[int, int, int], ...]:
    if not any(name in ca.cell.source for ca in facts.cells for name in _KFP_COMPONENT_FACTORIES):
        return ()  # cheap: most notebooks never name one
    trees = [(ca, cell_python_tree(ca)) for ca in facts.cells]
    passed: set[str] = set()
    for _, tree in trees:
        for node in nodes_of(tree, ast.Call) if tree is not None else ():
            if isinstance(node, ast.Call) and _kfp_factory(facts, node.func):
                arguments = node.args[:1] + [k.value for k in node.keywords if k.arg == "func"]
                passed.update(a.id for a in arguments if isinstance(a, ast.Name))
    bodies: list[tuple[int, int, int]] = []
    for ca, tree in trees:
        for node in tree.body if tree is not None else ():
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            decorated = False
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(decorator, ast.Call) and facts.resolve(dotted_name(target)) in {"functools.partial", "partial"}:
                    target = decorator.args[0] if decorator.args else target
                decorated = decorated or _kfp_factory(facts, target)
            if decorated or node.name in passed:
                bodies.append((ca.cell.index, node.lineno, node.end_lineno or node.lineno))
    return tuple(bodies)


# The stock Python images (Docker Hub's official `python`): nothing but the interpreter and pip. KFP's
# factories default to one when no `base_image=` is given (v1 `python:3.7`, v2 `python:3.9`).
_STOCK_PYTHON_IMAGE = re.compile(r"^(?:docker\.io/)?(?:library/)?python(?::[\w.-]+)?$")
_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class ComponentStep:
    """One way the notebook makes a KFP component of a module-level function: the function's body
    (cell index, first and last line) and what the factory call or decorator says of the image.
    `image` is None when no `base_image=` is given (the factory's stock Python image) and "?" when
    it is not a literal; `packages` is the `packages_to_install=` list (empty when absent), None
    when it is not a literal list (nor a notebook global bound once to one)."""

    cell: int
    first: int
    last: int
    function: str
    factory: str
    image: Optional[str]
    packages: Optional[tuple[str, ...]]

    @property
    def on_stock_python(self) -> bool:
        return self.image is None or bool(_STOCK_PYTHON_IMAGE.match(self.image))

    def installs(self) -> frozenset[str]:
        """The project names `packages_to_install` lists (`pandas==1.3.5` → pandas), lower case."""
        names = (_REQUIREMENT_NAME.match(p) for p in self.packages or ())
        return frozenset(re.sub(r"[-_.]+", "-", m.group(1)).lower() for m in names if m)


def component_steps(facts: NotebookFacts) -> tuple[ComponentStep, ...]:
    """Every (component function, factory call or decorator) pair of the notebook: the bodies of
    `pipeline_step_bodies` with the `base_image=` and `packages_to_install=` that decide what the
    body's imports find in the container (a function given to two factories has two steps)."""
    bodies = pipeline_step_bodies(facts)
    if not bodies:
        return ()
    trees = [(ca, cell_python_tree(ca)) for ca in facts.cells]
    literals = _literal_globals(trees)
    calls: dict[str, list[tuple[str, ast.Call | None]]] = {}
    defs: dict[tuple[int, int], ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for ca, tree in trees:
        if tree is None:
            continue
        for node in nodes_of(tree, ast.Call):
            if isinstance(node, ast.Call) and _kfp_factory(facts, node.func):
                arguments = node.args[:1] + [k.value for k in node.keywords if k.arg == "func"]
                for argument in arguments:
                    if isinstance(argument, ast.Name):
                        calls.setdefault(argument.id, []).append((_last_part(node.func), node))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defs[(ca.cell.index, node.lineno)] = node
    steps: list[ComponentStep] = []
    for cell, first, last in bodies:
        node = defs[(cell, first)]
        ways = list(calls.get(node.name, ()))
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            call = decorator if isinstance(decorator, ast.Call) else None
            if call is not None and facts.resolve(dotted_name(target)) in {"functools.partial", "partial"} and call.args:
                target = call.args[0]
            if _kfp_factory(facts, target):
                ways.append((_last_part(target), call))
        for factory, call in ways:
            keywords = {k.arg: k.value for k in call.keywords} if call is not None else {}
            image = keywords.get("base_image")
            packages = keywords.get("packages_to_install")
            steps.append(ComponentStep(
                cell, first, last, node.name, factory,
                None if image is None else _literal(image, literals, str) or "?",
                () if packages is None else _literal(packages, literals, tuple),
            ))
    return tuple(steps)


def _literal_globals(trees: list) -> dict[str, object]:
    """Notebook globals bound once, at a cell's top level, to a literal (`image = "python:3.10"`,
    `PACKAGES = ["pandas==2.2.2"]`); a name bound twice is left out (which value a call sees depends
    on the order the cells ran)."""
    return globals_bound_once((tree for _, tree in trees), lambda node, _found: _literal_value(node))


def _literal_value(node: ast.AST) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _literal(node: ast.AST, literals: dict[str, object], kind: type) -> object:
    """A keyword's value when it is a literal of `kind` (a string; a list or tuple of strings) or a
    global bound once to one, else None."""
    if isinstance(node, ast.Name):
        value = literals.get(node.id)
    else:
        try:
            value = ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None
    if kind is str:
        return value if isinstance(value, str) else None
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def container_spans(facts: NotebookFacts) -> tuple[ContainerSpan, ...]:
    """Every stretch of the notebook that runs in (or describes) a container: bodies of component
    functions (by factory call or decorator) and container-spec keyword values."""
    spans = [
        ContainerSpan(cell, (first, 0), (last, 1 << 30), "component function")
        for cell, first, last in pipeline_step_bodies(facts)
    ]
    kfp = _imports(facts, "kfp")
    fairing = _imports(facts, "kubeflow.fairing") or _imports(facts, "fairing")
    sagemaker = _imports(facts, "sagemaker")
    azureml = _imports(facts, "azureml")
    if not kfp and not fairing and not sagemaker and not azureml:
        return tuple(spans)
    keywords: dict[str, frozenset[str]] = dict(CONTAINER_CALL_KEYWORDS) if kfp else {}
    any_call = (IMAGE_PATH_KEYWORDS if fairing else frozenset()) | (SAGEMAKER_JOB_SIDE_KEYWORDS if sagemaker else frozenset())
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        spans.extend(_keyword_spans(ca, tree, keywords, any_call))
        if sagemaker:
            spans.extend(_job_side_spans(ca, tree))
            spans.extend(_remote_function_spans(facts, ca, tree))
        if azureml:
            spans.extend(_azureml_remote_spans(ca, tree))
    return tuple(spans)


# SageMaker's decorators that run a function as a job in its own container: a pipeline's `@step`
# (`sagemaker.workflow.function_step.step`) and `@remote` (`sagemaker.remote_function.remote`).
_SAGEMAKER_REMOTE_DECORATORS = frozenset({"step", "remote"})


def _remote_function_spans(facts: NotebookFacts, ca: CellAnalysis, tree: ast.Module) -> list[ContainerSpan]:
    """Module-level functions decorated with SageMaker's `@step(…)` or `@remote(…)`: their bodies run
    in the job's container (its working directory, its files), not in the notebook's kernel."""
    spans: list[ContainerSpan] = []
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            qualified = facts.resolve(dotted_name(target))
            if qualified.startswith("sagemaker.") and qualified.rpartition(".")[2] in _SAGEMAKER_REMOTE_DECORATORS:
                spans.append(_span(ca.cell.index, node, f"SageMaker `@{qualified.rpartition('.')[2]}` function `{node.name}`"))
                break
    return spans


def _job_side_spans(ca: CellAnalysis, tree: ast.Module) -> list[ContainerSpan]:
    """Values of a SageMaker job spec's job-side arguments (`SAGEMAKER_JOB_SIDE_ARGUMENTS`)."""
    spans: list[ContainerSpan] = []
    for node in nodes_of(tree, ast.Call):
        callee = _last_part(node.func)
        for keyword, position in SAGEMAKER_JOB_SIDE_ARGUMENTS.get(callee, ()):
            values = [k.value for k in node.keywords if k.arg == keyword]
            if not values and len(node.args) > position and not any(isinstance(a, ast.Starred) for a in node.args[: position + 1]):
                values = [node.args[position]]
            spans.extend(_span(ca.cell.index, value, f"`{keyword}=` of SageMaker's {callee} (the job's side)") for value in values)
    return spans


def _azureml_remote_spans(ca: CellAnalysis, tree: ast.Module) -> list[ContainerSpan]:
    """Arguments of Azure ML calls that name places in a run's artifacts or a datastore
    (`AZUREML_REMOTE_ARGUMENTS`). A keyword's span is the whole `keyword=value`, so that both the
    literal in it and the argument as a call's fact (which starts at the keyword) lie in it."""
    spans: list[ContainerSpan] = []
    for node in nodes_of(tree, ast.Call):
        callee = _last_part(node.func)
        wanted = AZUREML_REMOTE_ARGUMENTS.get(callee, ())
        if not wanted or any(isinstance(a, ast.Starred) for a in node.args):
            continue
        for keyword, position, most in wanted:
            if len(node.args) > most:
                continue
            given = [k for k in node.keywords if k.arg == keyword]
            where = f"`{keyword}` of Azure ML's {callee} (a place in a run's artifacts or a datastore)"
            if given:
                spans.extend(_span(ca.cell.index, k, where) for k in given)
            elif len(node.args) > position:
                spans.append(_span(ca.cell.index, node.args[position], where))
    return spans


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


def _keyword_spans(
    ca: CellAnalysis,
    tree: ast.Module,
    call_keywords: dict[str, frozenset[str]],
    image_keywords: frozenset[str],
) -> list[ContainerSpan]:
    """Values of container-spec keywords (`ContainerOp(file_outputs={...})`, `path_prefix="/app"`)."""
    spans: list[ContainerSpan] = []
    for node in nodes_of(tree, ast.Call):
        if isinstance(node, ast.Call):
            callee = _last_part(node.func)
            wanted = call_keywords.get(callee, frozenset()) | image_keywords
            for keyword in node.keywords:
                if keyword.arg in wanted:
                    spans.append(_span(ca.cell.index, keyword.value, f"`{keyword.arg}=` of {callee or 'a call'}"))
    return spans


def _last_part(node: ast.AST) -> str:
    return dotted_name(node).rpartition(".")[2]


def _span(cell: int, node: ast.AST, reason: str) -> ContainerSpan:
    end_line = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
    end_column = getattr(node, "end_col_offset", None) or 0
    # A whole def from column 0 of its `def` line (its decorators sit above and are notebook code);
    # a keyword's value from its own first column.
    start_column = 0 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else node.col_offset  # type: ignore[attr-defined]
    return ContainerSpan(cell, (node.lineno, start_column), (end_line, end_column), reason)  # type: ignore[attr-defined]
