"""MLOps files of a generated package: a kfp v2 pipeline module, MLflow tracking, data validation,
drift monitoring, the register/deploy gate and a Dockerfile. Pure: `ModelPlan` + what the edge
gathered (`MlopsInputs`) → extra files for the package's `FileTree`. The edge compiles
`pipeline/kfp_pipeline.py` into `pipeline/pipeline.yaml` afterwards (`nbrefactor.migrate.pipeline_build`).

Training step and model (the rule, documented in docs/pipelines.md):
1. a step with a `.fit(...)`-like call (`fit`, `fit_predict`, `fit_generator`, `partial_fit`,
   `train_on_batch`) whose receiver is a name the step returns: the first such step trains, and
   the last such receiver in it is the model;
2. otherwise the first step with a `.fit(...)`-like call or a training loop (`.backward()`), and
   the model is a name it returns that is used like a model (`.fit/.train/.eval/.predict…`);
3. otherwise no step trains: the run still records config, data and metrics, nothing is registered.
A def's body trains where the def is called; a call of the notebook's own trainer function
(`trained = train(model, loader)`, `_trainer_functions`) is a fit of its argument and of the name
bound to the model it returns, and `training_target` starts the run at the first such step.
At run time the model value decides the MLflow flavour (sklearn, xgboost, lightgbm, catboost,
pytorch, keras/tensorflow, statsmodels, else pyfunc when it has `predict`).
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import posixpath
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from nbrefactor.audit.facts import dotted_name
from nbrefactor.compile.ascii_names import ascii_spellings
from nbrefactor.compile.plan import ModelPlan, StepPlan
from nbrefactor.compile.image_ref import InvalidImageReference, check_registry
from nbrefactor.compile.image_ref import image_reference as checked_image_reference
from nbrefactor.compile.runtime_wheel import runtime_wheel, wheel_name
from nbrefactor.compile.templates import render

FIT_METHODS = frozenset({"fit", "fit_predict", "fit_generator", "partial_fit", "train_on_batch"})
LOOP_METHODS = frozenset({"backward"})
MODEL_METHODS = ("fit", "train", "eval", "evaluate", "predict", "predict_proba", "score", "fit_predict", "save_model", "state_dict")
MODEL_NAMES = ("model", "clf", "estimator", "regressor", "classifier", "pipe", "pipeline", "net")

# Exact base image tags per Python minor version (a tag, not `3.11-slim`: rebuilds stay reproducible).
BASE_IMAGES = {
    "3.9": "python:3.9.20-slim-bookworm",
    "3.10": "python:3.10.15-slim-bookworm",
    "3.11": "python:3.11.10-slim-bookworm",
    "3.12": "python:3.12.7-slim-bookworm",
    "3.13": "python:3.13.0-slim-bookworm",
}


def image_pythons() -> dict[str, str]:
    """Minor version → the exact Python version of its base image (`python:3.11.10-slim…` → 3.11.10)."""
    return {minor: tag.split(":", 1)[1].split("-", 1)[0] for minor, tag in BASE_IMAGES.items()}


RESERVED_PARAMETERS = frozenset({
    "mlflow_tracking_uri", "mlflow_run_id", "drift_threshold", "drift_share", "drift_stattest", "drift_stattest_threshold",
    "monitor_data", "serving_alias", "deploy_metric", "model_name", "storage_uri_map",
})


class MlopsSettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Toleration:
    key: str
    operator: str = "Exists"  # Exists | Equal
    value: str = ""
    effect: str = "NoSchedule"


@dataclass(frozen=True)
class GpuSettings:
    """`[tool.nbrefactor.gpu]`; `[tool.nbrefactor.gpu.models.<model>]` overrides it per model."""

    accelerator: str = "nvidia.com/gpu"
    count: int = 1
    node_label_key: str = "nvidia.com/gpu.present"
    node_label_value: str = "true"
    tolerations: tuple[Toleration, ...] = (Toleration("nvidia.com/gpu"),)
    cpu_request: str = "4"
    memory_request: str = "16G"
    steps: Optional[tuple[str, ...]] = None  # explicit GPU steps: replaces detection when set


@dataclass(frozen=True)
class ResourceSettings:
    """`[tool.nbrefactor.resources]`: requests (and optional limits) of every task without a GPU;
    `[tool.nbrefactor.resources.models.<model>]` overrides it per model. GPU steps use
    `[tool.nbrefactor.gpu]`'s cpu-request / memory-request."""

    cpu_request: str = "1"
    memory_request: str = "2G"
    cpu_limit: str = ""
    memory_limit: str = ""


_RESOURCE_KEYS = {"cpu-request", "memory-request", "cpu-limit", "memory-limit", "models"}


def _with_model_override(table: Mapping[str, Any], model: str, keys: set[str], name: str) -> dict[str, Any]:
    """`[tool.nbrefactor.<name>]` with `[tool.nbrefactor.<name>.models.<model>]` laid over it; an
    unknown key in either is an error (`keys` includes "models")."""
    table = dict(table or {})
    unknown = sorted(set(table) - keys)
    if unknown:
        raise MlopsSettingsError(f"[tool.nbrefactor.{name}]: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(keys))})")
    per_model = dict(table.pop("models", {}) or {}).get(model, {})
    unknown = sorted(set(per_model) - (keys - {"models"}))
    if unknown:
        raise MlopsSettingsError(f"[tool.nbrefactor.{name}.models.{model}]: unknown key(s) {', '.join(unknown)}")
    return {**table, **per_model}


def resource_settings(table: Mapping[str, Any], model: str) -> ResourceSettings:
    """Read `[tool.nbrefactor.resources]`; unknown keys are errors."""
    merged = _with_model_override(table, model, _RESOURCE_KEYS, "resources")
    return ResourceSettings(**{key.replace("-", "_"): str(value) for key, value in merged.items()})


# Evidently 0.7's stat tests for tabular columns (its registry, less the text-only ones).
EVIDENTLY_STATTESTS = frozenset({
    "TVD", "anderson", "chisquare", "cramer_von_mises", "ed", "empirical_mmd", "es", "fisher_exact", "g_test",
    "hellinger", "jensenshannon", "kl_div", "ks", "mannw", "psi", "t_test", "wasserstein", "z",
})


@dataclass(frozen=True)
class DriftSettings:
    """`[tool.nbrefactor.drift]`: the defaults of the pipeline parameters that decide a drift alert;
    `[tool.nbrefactor.drift.models.<model>]` overrides it per model."""

    psi_threshold: float = 0.2  # pipeline parameter drift_threshold: a column's PSI above it fails
    drift_share: float = 0.5  # drift_share: Evidently's dataset drift, this share of columns drifted
    stattest: str = ""  # drift_stattest: Evidently's test for every column ("" = its choice per column)
    stattest_threshold: float = 0.0  # drift_stattest_threshold: that test's threshold (0 = its default)


_DRIFT_KEYS = {"psi-threshold", "drift-share", "stattest", "stattest-threshold", "models"}


def drift_settings(table: Mapping[str, Any], model: str) -> DriftSettings:
    """Read `[tool.nbrefactor.drift]`; unknown keys and values out of range are errors."""
    merged = _with_model_override(table, model, _DRIFT_KEYS, "drift")
    values: dict[str, Any] = {}
    for key in ("psi-threshold", "drift-share", "stattest-threshold"):
        if key in merged:
            value = merged[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0 or value != value:
                raise MlopsSettingsError(f"[tool.nbrefactor.drift] {key}: a number >= 0 is needed, not {value!r}")
            values[key.replace("-", "_")] = float(value)
    if "drift_share" in values and not 0 < values["drift_share"] <= 1:
        raise MlopsSettingsError(f"[tool.nbrefactor.drift] drift-share: a share in (0, 1] is needed, not {values['drift_share']!r}")
    if "stattest" in merged:
        stattest = merged["stattest"]
        if not isinstance(stattest, str) or (stattest and stattest not in EVIDENTLY_STATTESTS):
            raise MlopsSettingsError(
                f"[tool.nbrefactor.drift] stattest: one of Evidently's tests ({', '.join(sorted(EVIDENTLY_STATTESTS))}) or \"\", not {stattest!r}")
        values["stattest"] = stattest
    return DriftSettings(**values)


@dataclass(frozen=True)
class ImageSettings:
    """`[tool.nbrefactor.image]`: the image every pipeline component runs."""

    registry: str = "localhost:5000"
    name: str = ""  # a full reference ("{registry}", "{dist}", "{version}" are filled in)
    base: str = ""  # the Dockerfile's base image; default an exact python tag for the notebook's Python


@dataclass(frozen=True)
class FileAccess:
    """A step reading or writing a file (the edge finds them with the paths rules' I/O catalogue)."""

    step: str
    path: str  # the literal path as written; "" when not a literal: it may be any file
    mode: str  # read | write


@dataclass(frozen=True)
class MlopsInputs:
    """What the edge gathered for the MLOps files."""

    data_profile: Mapping[str, Any] = field(default_factory=dict)
    gpu_steps: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (step name, reasons) from `gpu_needs`
    gpu: GpuSettings = GpuSettings()
    image: ImageSettings = ImageSettings()
    resources: ResourceSettings = ResourceSettings()
    tool_versions: tuple[tuple[str, Optional[str]], ...] = ()  # (distribution, installed version)
    # (config field, path as the config says it, DVC md5, size) of each data file found beside the notebook
    data_versions: tuple[tuple[str, str, str, int], ...] = ()
    registered_model: str = ""  # `[tool.nbrefactor.mlflow]` model: the name of the model to register
    # `[tool.nbrefactor.mlflow]` trainer: callees (as written, `engine.train`) whose call trains its
    # model argument — a function imported from a module has no body here to read
    trainers: tuple[str, ...] = ()
    drift: DriftSettings = DriftSettings()
    file_accesses: tuple[FileAccess, ...] = ()


_GPU_KEYS = {"accelerator", "count", "node-label-key", "node-label-value", "tolerations", "cpu-request", "memory-request", "steps", "models"}
_IMAGE_KEYS = {"registry", "name", "base"}


_MLFLOW_KEYS = {"model", "models", "trainer", "trainers"}
_CALLEE = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")


def registered_model_setting(mlflow_table: Mapping[str, Any], model: str) -> str:
    """`[tool.nbrefactor.mlflow] model = "<name>"`, or per model `[tool.nbrefactor.mlflow.models]
    <model> = "<name>"`: the step value to register instead of the one the rule finds."""
    table = dict(mlflow_table or {})
    unknown = sorted(set(table) - _MLFLOW_KEYS)
    if unknown:
        raise MlopsSettingsError(f"[tool.nbrefactor.mlflow]: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_MLFLOW_KEYS))})")
    per_model = dict(table.get("models", {}) or {})
    name = per_model.get(model, table.get("model", ""))
    if not isinstance(name, str) or (name and not name.isidentifier()):
        raise MlopsSettingsError(f"[tool.nbrefactor.mlflow] model for {model}: a Python name is needed, not {name!r}")
    return name


def trainer_setting(mlflow_table: Mapping[str, Any], model: str) -> tuple[str, ...]:
    """`[tool.nbrefactor.mlflow] trainer = "engine.train"` (a name or a list of names), or per
    model `[tool.nbrefactor.mlflow.trainers] <model> = "engine.train"`: functions, named as the
    notebook calls them, whose call trains the model passed to them (`engine.train(model, loader)`;
    the first argument, or `model=`). For a trainer imported from a module, whose body the
    compiler cannot read; the model is then registered by the same rules as any fitted one."""
    table = dict(mlflow_table or {})
    registered_model_setting(table, model)  # the same table: unknown keys are errors
    per_model = dict(table.get("trainers", {}) or {})
    value = per_model.get(model, table.get("trainer", ()))
    names = (value,) if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) and _CALLEE.match(n) for n in names):
        raise MlopsSettingsError(f"[tool.nbrefactor.mlflow] trainer for {model}: a function name as the notebook calls it is needed "
                                 f"(`train`, `engine.train`), or a list of them, not {value!r}")
    return tuple(dict.fromkeys(names))


def settings_from_tables(gpu_table: Mapping[str, Any], image_table: Mapping[str, Any], model: str) -> tuple[GpuSettings, ImageSettings]:
    """Read `[tool.nbrefactor.gpu]` and `[tool.nbrefactor.image]`; unknown keys are errors."""
    merged = _with_model_override(gpu_table, model, _GPU_KEYS, "gpu")
    gpu = GpuSettings()
    kwargs: dict[str, Any] = {}
    for key in ("accelerator", "node-label-key", "node-label-value", "cpu-request", "memory-request"):
        if key in merged:
            kwargs[key.replace("-", "_")] = str(merged[key])
    if "count" in merged:
        if not isinstance(merged["count"], int) or merged["count"] < 1:
            raise MlopsSettingsError("[tool.nbrefactor.gpu] count must be a positive integer")
        kwargs["count"] = merged["count"]
    if "tolerations" in merged:
        tolerations = []
        for item in merged["tolerations"]:
            if not isinstance(item, Mapping) or "key" not in item:
                raise MlopsSettingsError("[tool.nbrefactor.gpu] tolerations: each needs a `key` (and optional operator, value, effect)")
            tolerations.append(Toleration(str(item["key"]), str(item.get("operator", "Exists")), str(item.get("value", "")), str(item.get("effect", "NoSchedule"))))
        kwargs["tolerations"] = tuple(tolerations)
    if "steps" in merged:
        kwargs["steps"] = tuple(str(s) for s in merged["steps"])
    gpu = GpuSettings(**{**gpu.__dict__, **kwargs})
    image_table = dict(image_table or {})
    unknown = sorted(set(image_table) - _IMAGE_KEYS)
    if unknown:
        raise MlopsSettingsError(f"[tool.nbrefactor.image]: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_IMAGE_KEYS))})")
    image = ImageSettings(**{k: str(v) for k, v in image_table.items()})
    try:  # checked here, where the user's configuration is read: one clear line, before any file is written
        check_registry(image.registry)
        if image.base:
            checked_image_reference(image.base)
        if image.name:
            checked_image_reference(_fill_image_name(image.name, image.registry, "dist", "0.1.0"))
    except InvalidImageReference as exc:
        raise MlopsSettingsError(f"[tool.nbrefactor.image]: {exc}") from None
    return gpu, image


# --- what the plan says ---------------------------------------------------------------------------


# --- which model is registered --------------------------------------------------------------------

# Calls that evaluate or use a fitted model on data: the last one names the model the notebook ends with.
PREDICT_METHODS = frozenset({"predict", "predict_proba", "predict_log_proba", "decision_function", "score", "evaluate"})
# Calls of a fitted transformer whose result feeds the model (its preprocessing).
TRANSFORM_METHODS = frozenset({"transform", "fit_transform"})


@dataclass(frozen=True)
class Training:
    step: Optional[str]  # the step that starts the MLflow run: the first step that trains
    model: Optional[str]  # the registered model's name among the step values
    model_step: Optional[str] = None  # the step whose values hold it: where it is last evaluated, else fitted
    preprocessing: tuple[str, ...] = ()  # fitted transformers applied to the data before it, in order
    example: Optional[str] = None  # the data it is evaluated (else fitted) on: the input example's rows
    reason: str = ""  # why this model (written as a comment into runtime.py)


@dataclass(frozen=True)
class _Use:
    step: str
    model: str
    data: Optional[ast.expr]  # the first argument of the call (the data), when there is one
    kind: str  # "predict" | "fit" | "call"
    via: str = ""  # the notebook's own function that trains it (`trained = train(model, loader)`)


@dataclass(frozen=True)
class _Trainer:
    """A notebook function that trains a model: `position` is the parameter it trains in place
    (None when it trains a model it builds itself); `returned` says where the trained model is in
    what it returns: -1 the whole value, i ≥ 0 element i of a returned tuple, None not returned."""

    position: Optional[int]
    returned: Optional[int]
    parameter: str = ""  # the trained parameter's name (`train(model=model_0, ...)` passes it by keyword)


def _function_trains(fn: ast.FunctionDef | ast.AsyncFunctionDef, trainers: Mapping[str, _Trainer]) -> Optional[tuple[str, bool]]:
    """The name a function's body trains, and whether it is one of its parameters: the receiver of
    a `.fit(...)`-like call on a parameter or on a model the body builds; else, in a loop with
    `.backward()`, the parameter whose `.parameters()` the optimizer takes (else the parameter
    called on data); else the argument it passes to another trainer at the trained position."""
    params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
    built: set[str] = set()
    fitted: list[str] = []
    optimised: list[str] = []
    called: list[str] = []
    passed: list[str] = []
    backward = False
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            built.update(t.id for t in node.targets if isinstance(t, ast.Name))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = func.value
            while isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):
                receiver = receiver.func.value  # `model.compile(...).fit` is rare; `x.y().fit` reads x
            if func.attr in FIT_METHODS and isinstance(receiver, ast.Name):
                fitted.append(receiver.id)
            elif func.attr in LOOP_METHODS:
                backward = True
            elif func.attr == "parameters" and isinstance(receiver, ast.Name) and receiver.id in params:
                optimised.append(receiver.id)
        if isinstance(func, (ast.Name, ast.Attribute)):
            if isinstance(func, ast.Name) and func.id in params:
                called.append(func.id)
            trainer = trainers.get(dotted_name(func))
            if trainer is not None and trainer.position is not None:
                by_keyword = [k.value for k in node.keywords if trainer.parameter and k.arg == trainer.parameter]
                arg = by_keyword[0] if by_keyword else (node.args[trainer.position] if trainer.position < len(node.args) else None)
                if isinstance(arg, ast.Name) and arg.id in params:
                    passed.append(arg.id)
    for name in fitted:
        if name in params or name in built:
            return name, name in params
    if backward and (optimised or called):
        return (optimised or called)[0], True
    if passed:
        return passed[0], True
    return None


def _returned_position(fn: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> Optional[int]:
    for node in ast.walk(fn):
        if isinstance(node, ast.Return) and node.value is not None:
            if isinstance(node.value, ast.Name) and node.value.id == name:
                return -1
            if isinstance(node.value, ast.Tuple):
                for i, element in enumerate(node.value.elts):
                    if isinstance(element, ast.Name) and element.id == name:
                        return i
    return None


def _trainer_functions(plan: ModelPlan) -> dict[str, _Trainer]:
    """The notebook's module-level functions that train a model (see `_function_trains`), found
    from their bodies (a function calling a trainer on its parameter trains it too)."""
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for stage in plan.stages:
        for ca in stage.facts.cells:
            if ca.facts.syntax_error is not None or not ca.masked.is_python:
                continue
            tree = _cell_tree(ca.masked.python)
            for node in tree.body if tree is not None else ():
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    functions[node.name] = node  # the last definition is the one later cells call
    trainers: dict[str, _Trainer] = {}
    for _ in range(4):  # trainers calling trainers, a few levels deep
        found: dict[str, _Trainer] = {}
        for name, fn in functions.items():
            trained = _function_trains(fn, trainers)
            if trained is None:
                continue
            target, is_param = trained
            params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
            position = params.index(target) if is_param else None
            returned = _returned_position(fn, target)
            if position is None and returned is None:
                continue  # trains a model of its own and keeps it: nothing reaches the notebook
            found[name] = _Trainer(position, returned, target if is_param else "")
        if found == trainers:
            break
        trainers = found
    return trainers


def _trainer_uses(step: str, node: ast.AST, trainers: Mapping[str, _Trainer]) -> list[_Use]:
    """`trained = train(model, loader, epochs)`: the argument trained in place (model) and the name
    bound to the returned model (trained), in that order (the last is what later cells use)."""
    value = node.value if isinstance(node, ast.Assign) else node
    if not isinstance(value, ast.Call) or dotted_name(value.func) not in trainers:
        return []
    callee = dotted_name(value.func)
    trainer = trainers[callee]
    uses: list[_Use] = []
    data = None
    keyword = next((k.value for k in value.keywords if trainer.parameter and k.arg == trainer.parameter), None)
    if trainer.position is not None and (keyword is not None or trainer.position < len(value.args)):
        arg = keyword if keyword is not None else value.args[trainer.position]
        data = next((a for i, a in enumerate(value.args) if i != trainer.position), None)
        if isinstance(arg, ast.Name):
            uses.append(_Use(step, arg.id, data, "fit", callee))
    elif value.args:
        data = value.args[0]
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and trainer.returned is not None:
        target = node.targets[0]
        if trainer.returned >= 0 and isinstance(target, ast.Tuple) and trainer.returned < len(target.elts):
            target = target.elts[trainer.returned]
        if isinstance(target, ast.Name) and (trainer.returned < 0 or target is not node.targets[0]):
            uses.append(_Use(step, target.id, data, "fit", callee))
    return uses


def _cell_tree(source: str) -> Optional[ast.Module]:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def _model_uses(plan: ModelPlan, trainers: Optional[Mapping[str, _Trainer]] = None) -> tuple[list[_Use], dict[str, tuple[str, Optional[ast.expr]]], dict[str, str], dict[str, str]]:
    """In notebook order: fits (also through the notebook's own trainer functions), evaluations
    and direct calls of named models; the names computed
    by a fitted transformer (`X_s = scaler.transform(X)`: X_s → (scaler, X)); loop variables over
    a loader (`for xb, yb in loader`: xb → loader); and the model a Kale-style `model`/`model:NAME`
    cell tag names (tag → name)."""
    uses: list[_Use] = []
    derived: dict[str, tuple[str, Optional[ast.expr]]] = {}
    loops: dict[str, str] = {}
    tagged: dict[str, str] = {}
    for stage in plan.stages:
        by_index = {ca.cell.index: ca for ca in stage.facts.cells}
        for step in stage.steps:
            for index in step.cells:
                ca = by_index.get(index)
                if ca is None or ca.facts.syntax_error is not None or not ca.masked.is_python:
                    continue
                tree = _cell_tree(ca.masked.python)
                if tree is None:
                    continue
                fitted_here: list[str] = []
                for statement in tree.body:  # module level: what runs when the cell runs
                    if isinstance(statement, (ast.Assign, ast.Expr)):
                        trained = _trainer_uses(step.name, statement if isinstance(statement, ast.Assign) else statement.value, trainers or {})
                        uses.extend(trained)
                        fitted_here.extend(u.model for u in trained)
                for node in ast.walk(tree):
                    if isinstance(node, ast.For) and isinstance(node.iter, ast.Name):
                        targets = node.target.elts if isinstance(node.target, ast.Tuple) else [node.target]
                        if targets and isinstance(targets[0], ast.Name):
                            loops[targets[0].id] = node.iter.id
                    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                        value = node.value
                        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
                            receiver = value.func.value
                            if value.func.attr in TRANSFORM_METHODS and isinstance(receiver, ast.Name):
                                derived[node.targets[0].id] = (receiver.id, value.args[0] if value.args else None)
                            elif value.func.attr in FIT_METHODS and isinstance(receiver, ast.Call):
                                # `model = Estimator(...).fit(X, y)`
                                uses.append(_Use(step.name, node.targets[0].id, value.args[0] if value.args else None, "fit"))
                                fitted_here.append(node.targets[0].id)
                    if not isinstance(node, ast.Call):
                        continue
                    data = node.args[0] if node.args else None
                    if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
                        name, method = node.func.value.id, node.func.attr
                        if method in FIT_METHODS:
                            uses.append(_Use(step.name, name, data, "fit"))
                            fitted_here.append(name)
                        elif method in PREDICT_METHODS:
                            uses.append(_Use(step.name, name, data, "predict"))
                    elif isinstance(node.func, ast.Name) and data is not None:
                        uses.append(_Use(step.name, node.func.id, data, "call"))  # `model(xb)` (PyTorch, Keras)
                for tag in ca.cell.tags:
                    if tag == "model" and fitted_here:
                        tagged[tag] = fitted_here[-1]
                    elif tag.startswith("model:") and tag[6:].strip().isidentifier():
                        tagged["model"] = tag[6:].strip()
    return uses, derived, loops, tagged


def _first_training(plan: ModelPlan, trainers: frozenset[str] = frozenset()) -> Training:
    """The first step that trains, and the model in it (the rule of releases before the final-model
    choice; it still decides where the MLflow run starts and the model when nothing is evaluated).
    A function's body trains where the function is called, not where it is defined."""
    fit_steps: list[tuple[StepPlan, list[str], bool]] = []
    training_bodies = set(trainers)
    body_calls = [c for stage in plan.stages for ca in stage.facts.cells for c in ca.facts.calls if c.in_function and c.owner]
    training_bodies.update(c.owner for c in body_calls if c.method in FIT_METHODS or c.method in LOOP_METHODS)
    for _ in range(4):  # `def run(): train_epoch()`: a function calling a training function trains
        more = {c.owner for c in body_calls if c.func in training_bodies} - training_bodies
        if not more:
            break
        training_bodies |= more
    for stage in plan.stages:
        by_index = {ca.cell.index: ca for ca in stage.facts.cells}
        for step in stage.steps:
            cell_calls = [c for i in step.cells if i in by_index for c in by_index[i].facts.calls]
            # calls in a def's body count where the def is called (in this step or another one)
            called_here = {c.func for c in cell_calls if not c.in_function}
            calls = [c for c in cell_calls if not c.in_function or not c.owner or c.owner in called_here]
            fit_receivers = [c.receiver for c in calls if c.method in FIT_METHODS and c.receiver]
            trains = bool(fit_receivers) or any(c.method in LOOP_METHODS for c in calls) or bool(called_here & training_bodies)
            if not trains:
                continue
            for receiver in reversed(fit_receivers):  # the last model fitted in the step
                if receiver in step.outputs:
                    return Training(step.name, receiver, step.name)
            users = [c.receiver for c in calls if c.method in MODEL_METHODS and c.receiver in step.outputs]
            fit_steps.append((step, users, trains))
    for step, users, _ in fit_steps:
        named = [n for n in MODEL_NAMES if n in step.outputs]
        model = users[0] if users else (named[0] if named else None)
        return Training(step.name, model, step.name if model else None)
    return Training(None, None)


def named_trainers(plan: ModelPlan, configured: tuple[str, ...] = ()) -> dict[str, _Trainer]:
    """Trainers the user names, for functions whose body is not in the notebook (`engine.train`
    from a module): `[tool.nbrefactor.mlflow] trainer` (`configured`) and Kale-style cell tags
    `trainer:<name>`. A call of one trains its first argument (or its `model=` keyword)."""
    names = list(configured)
    for stage in plan.stages:
        for ca in stage.facts.cells:
            names += [tag[8:].strip() for tag in ca.cell.tags if tag.startswith("trainer:") and _CALLEE.match(tag[8:].strip())]
    return {name: _Trainer(0, None, "model") for name in dict.fromkeys(names)}


def training_target(plan: ModelPlan, named: str = "", trainers_named: tuple[str, ...] = ()) -> Training:
    """The MLflow run starts at the first step that trains; the registered model is the one the
    notebook ends with: `named` (the `[tool.nbrefactor.mlflow]` setting) or a `model` cell tag, else
    the model of the last evaluation (`predict`, `predict_proba`, `score`, `evaluate`…) of a
    fitted model, else the last model fitted, else the first rule's model. Its preprocessing: the
    fitted transformers the evaluated data went through (`m.predict(scaler.transform(X))`).
    `trainers_named`: functions the user names as trainers (`named_trainers`)."""
    trainers = {**named_trainers(plan, trainers_named), **_trainer_functions(plan)}
    first = _first_training(plan, frozenset(trainers))
    uses, derived, loops, tagged = _model_uses(plan, trainers)
    order = [s.name for s in plan.steps]
    through = next((u for u in uses if u.via), None)
    if through is not None and (first.step is None or order.index(through.step) < order.index(first.step)):
        # `trained = train(model, loader)`: the notebook's own function trains where it is called.
        first = Training(through.step, through.model, through.step)
    if first.step is None:
        # No step fits a named receiver: `clf = LogisticRegression().fit(X, y)`, a chained fit,
        # still trains `clf` (a fitted transformer, `X_s = scaler.transform(X)`, is no model).
        transformers = {r for r, _ in derived.values()}
        chained = next((u for u in uses if u.kind == "fit" and u.model not in transformers), None)
        if chained is None:
            return first
        first = Training(chained.step, chained.model, chained.step)
    by_name = {s.name: s for s in plan.steps}
    start = order.index(first.step)
    fitted = {u.model for u in uses if u.kind == "fit"} - {r for r, _ in derived.values()}
    known = fitted | ({first.model} if first.model else set())
    chosen: Optional[_Use] = None
    reason = ""
    wanted = named or tagged.get("model", "")
    earlier = [u for u in uses if wanted and u.model == wanted and u.kind == "fit" and order.index(u.step) < start]
    if earlier:
        # The named model is fitted before the step the rules start at (`first =
        # LogisticRegression().fit(X, y)`, a chained fit, then `second.fit(X, y)`): the run starts
        # where it trains, so it is logged and registered.
        first = Training(earlier[0].step, wanted, earlier[0].step)
        start = order.index(first.step)
    if wanted:
        candidates = [u for u in uses if u.model == wanted and order.index(u.step) >= start]
        chosen = next((u for u in reversed(candidates) if u.kind != "fit"), candidates[-1] if candidates else None)
        reason = f"named by {'[tool.nbrefactor.mlflow] model' if named else 'a `model` cell tag'}"
        if chosen is None:
            steps = [s for s in plan.steps[start:] if wanted in s.outputs or wanted in s.inputs]
            if not steps:
                raise MlopsSettingsError(f"{plan.model}: the registered model `{wanted}` ({reason}) is no value of a step from `{first.step}` on")
            return Training(first.step, wanted, steps[-1].name, reason=reason)
    if chosen is None:
        evaluated = [u for u in uses if u.kind in ("predict", "call") and u.model in known and order.index(u.step) >= start]
        if evaluated:
            chosen, reason = evaluated[-1], "the last model the notebook evaluates"
    if chosen is None:
        fits = [u for u in uses if u.kind == "fit" and u.model in known and order.index(u.step) >= start]
        if fits:
            chosen, reason = fits[-1], "the last model the notebook fits"
    if chosen is None:
        return dataclasses.replace(first, reason="the model of the first training step")
    step = by_name[chosen.step]
    available = set(step.inputs) | set(step.outputs)
    model_step = chosen.step
    if chosen.model not in available:  # used only inside the step: the last step that returns it
        producers = [s.name for s in plan.steps[start : order.index(chosen.step) + 1] if chosen.model in s.outputs]
        if not producers:
            return dataclasses.replace(first, reason="the model of the first training step")
        model_step, available = producers[-1], set(by_name[producers[-1]].inputs) | set(by_name[producers[-1]].outputs)
    preprocessing: list[str] = []
    data = chosen.data
    for _ in range(8):  # `m.predict(scaler.transform(X))`, `X_s = scaler.transform(X)`, chained
        if isinstance(data, ast.Call) and isinstance(data.func, ast.Attribute) and data.func.attr in TRANSFORM_METHODS and isinstance(data.func.value, ast.Name):
            preprocessing.insert(0, data.func.value.id)
            data = data.args[0] if data.args else None
        elif isinstance(data, ast.Name) and data.id in derived:
            transformer, data = derived[data.id]
            preprocessing.insert(0, transformer)
        else:
            break
    example = data.id if isinstance(data, ast.Name) else None
    if example in loops:  # `for xb, yb in loader: model(xb)`: rows of the loader's data
        example = loops[example]
    if any(p not in available for p in preprocessing):
        preprocessing, example = [], (chosen.data.id if isinstance(chosen.data, ast.Name) else None)
    if example not in available:
        example = None
    return Training(first.step, chosen.model, model_step, tuple(dict.fromkeys(preprocessing)), example, reason)


# sklearn.metrics functions: their results are recorded by the runtime's wrapper already.
_METRIC_FUNCTION = re.compile(r"(_score|_error|_loss)$")


def shown_metrics(plan: ModelPlan) -> dict[str, str]:
    """`shown_cell<N>` values (a number the notebook displayed) → the metric name they are logged
    under: the dotted callee chain of the displayed expression (`rf.score`,
    `np.average/cross_val_score`), a displayed name as itself; none for a sklearn metric call,
    which the runtime records (and attributes to its model) anyway."""
    out: dict[str, str] = {}
    for stage in plan.stages:
        by_index = {ca.cell.index: ca for ca in stage.facts.cells}
        for cell, name in sorted((stage.logged or {}).items()):
            ca = by_index.get(cell)
            tree = _cell_tree(ca.masked.python) if ca is not None else None
            if tree is None or not tree.body or not isinstance(tree.body[-1], ast.Expr):
                continue
            expr = tree.body[-1].value
            chain: list[str] = []
            while isinstance(expr, ast.Call):
                callee = dotted_name(expr.func)
                if not callee:
                    break
                chain.append(callee)
                if callee.split(".")[-1] in PREDICT_METHODS:
                    break  # `final_model.score(X, y)`: the model's own measure, its argument is data
                expr = expr.args[0] if expr.args else None  # type: ignore[assignment]
            if chain and _METRIC_FUNCTION.search(chain[0].split(".")[-1]):
                continue
            label = "/".join(chain) if chain else (expr.id if isinstance(expr, ast.Name) else "")
            out[name] = label or name
    return out


def input_fields(plan: ModelPlan, profile: Mapping[str, Any]) -> list[str]:
    """Config fields that name data the model reads: read paths, and whatever the profile covers."""
    profiled = set(profile.get("files", {})) if profile else set()
    names = []
    for f in plan.config_fields:
        if f.name in profiled or (f.kind == "path" and f.direction == "read"):
            names.append(f.name)
    return names


def _fill_image_name(template: str, registry: str, dist: str, version: str) -> str:
    # Plain replacement, not str.format: a format string from configuration could reach into
    # attributes (`{registry.__class__}`).
    return template.replace("{registry}", registry.rstrip("/")).replace("{dist}", dist).replace("{version}", version)


def image_reference(plan: ModelPlan, image: ImageSettings, version: str = "0.1.0") -> str:
    """The image every component runs, validated against the OCI reference grammar."""
    dist = plan.package.replace("_", "-")
    return str(checked_image_reference(_fill_image_name(image.name or "{registry}/{dist}:{version}", image.registry, dist, version)))


def base_image(image: ImageSettings, python_version: str) -> str:
    return str(checked_image_reference(image.base or BASE_IMAGES.get(python_version, BASE_IMAGES["3.11"])))


def _gpu_steps(plan: ModelPlan, inputs: MlopsInputs) -> dict[str, tuple[str, ...]]:
    names = {s.name for s in plan.steps}
    if inputs.gpu.steps is not None:
        unknown = sorted(set(inputs.gpu.steps) - names)
        if unknown:
            raise MlopsSettingsError(f"[tool.nbrefactor.gpu] steps: no step named {', '.join(unknown)} in {plan.model} (steps: {', '.join(sorted(names))})")
        return {s: ("listed in [tool.nbrefactor.gpu] steps",) for s in inputs.gpu.steps}
    return {name: reasons for name, reasons in inputs.gpu_steps if name in names}


def _same_file(a: str, b: str) -> bool:
    """Two accesses may touch the same file: equal paths, one inside the other, or either unknown."""
    if not a or not b:
        return True
    a, b = posixpath.normpath(a.replace("\\", "/")), posixpath.normpath(b.replace("\\", "/"))
    return a == b or a.startswith(b.rstrip("/") + "/") or b.startswith(a.rstrip("/") + "/")


def step_dependencies(plan: ModelPlan, inputs: MlopsInputs) -> dict[str, tuple[str, ...]]:
    """Step → the earlier steps it must run after (the pipeline's DAG; documented in docs/pipelines.md):
    1. data: the last earlier step returning a value the step takes;
    2. Kale `prev:` tags: the named blocks;
    3. files: an earlier step touching a file this step touches, when either writes it (a path
       that is not a literal may be any file);
    4. tracking: none between steps — the `start_run` component opens the MLflow run the training
       step and the steps after it log into;
    5. notebooks: a model of several notebooks ran them one after the other, sharing only files
       the compiler may not see, so a step of notebook k+1 with no other dependency runs after the
       last steps of notebook k.
    Steps with no dependency start right after data validation: independent steps run in parallel."""
    order = [s.name for s in plan.steps]
    position = {name: i for i, name in enumerate(order)}
    deps: dict[str, set[str]] = {name: set() for name in order}
    producer: dict[str, str] = {}
    for step in plan.steps:
        deps[step.name] |= {producer[n] for n in step.inputs if n in producer}
        for n in step.outputs:
            producer[n] = step.name
    for stage in plan.stages:
        by_title = {sec.title: sec.name for sec in stage.sectioning.sections}
        for sec in stage.sectioning.sections:
            if sec.name in deps:
                deps[sec.name] |= {by_title[t] for t in sec.prev if by_title.get(t) in deps and position[by_title[t]] < position[sec.name]}
    accesses = [a for a in inputs.file_accesses if a.step in position]
    for later in accesses:
        for earlier in accesses:
            if position[earlier.step] < position[later.step] and "write" in (earlier.mode, later.mode) and _same_file(earlier.path, later.path):
                deps[later.step].add(earlier.step)
    previous_sinks: set[str] = set()
    for stage in plan.stages:
        names = [s.name for s in stage.steps]
        for name in names:
            if not deps[name] and previous_sinks:
                deps[name] |= previous_sinks
        used = {d for name in names for d in deps[name]}
        previous_sinks = {name for name in names if name not in used} or previous_sinks
    return {name: tuple(sorted(deps[name], key=position.__getitem__)) for name in order}


def _parameter_name(name: str) -> str:
    return f"cfg_{name}" if name in RESERVED_PARAMETERS or name.startswith(("in_", "out_")) else name


# --- the files ------------------------------------------------------------------------------------


def mlops_files(plan: ModelPlan, inputs: MlopsInputs, context: Mapping[str, Any]) -> dict[str, str | bytes]:
    """Files to add to the package tree. `context` is the emitter's template context."""
    pkg = plan.package
    training = training_target(plan, inputs.registered_model, inputs.trainers)
    profile = dict(inputs.data_profile) if inputs.data_profile else {"schema": "nbrefactor-data-profile/1", "files": {}}
    data_fields = input_fields(plan, profile)
    gpu_steps = _gpu_steps(plan, inputs)
    image = image_reference(plan, inputs.image)
    # A secret config field is no pipeline parameter (kfp shows and stores parameters with the run):
    # each step's pod reads it from its environment variable, filled from a Kubernetes secret.
    fields = [
        {"name": f.name, "param": _parameter_name(f.name), "type": f.type, "default": f.default}
        for f in plan.config_fields if f.kind != "secret"
    ] + [{"name": "artifacts_dir", "param": "artifacts_dir", "type": "str", "default": "artifacts"}]
    secret_fields = [{"name": f.name, "env": f"{context['env_prefix']}_{f.name.upper()}"} for f in plan.config_fields if f.kind == "secret"]
    trained = False
    steps = []
    dependencies = step_dependencies(plan, inputs)
    used = {d for ds in dependencies.values() for d in ds}
    # kfp parameter names are ASCII: `in_μ` is spelled `in_mu` (the values keep their names).
    spelled = ascii_spellings(n for s in plan.steps for n in (*s.inputs, *s.outputs))
    for s in plan.steps:
        is_training = s.name == training.step
        trained = trained or is_training
        steps.append(
            {
                "name": s.name,
                "title": s.title,
                "module": s.module,
                "inputs": list(s.inputs),
                "outputs": list(s.outputs),
                "kinds": {n: ("Model" if n == training.model else "Dataset") for n in (*s.inputs, *s.outputs)},
                "param": {n: spelled[n] for n in (*s.inputs, *s.outputs)},
                "training": is_training,
                "tracked": trained,  # the training step and every step after it log into the run
                "gpu": gpu_steps.get(s.name, ()),
                "after": [f"{d}_task" for d in dependencies[s.name]] or ["validate"],
                "after_tasks": [f"step-{d.replace('_', '-')}" for d in dependencies[s.name]] or ["validate-data"],
            }
        )
    requirements = [f"{r.distribution}=={r.version}" if r.version else r.distribution for r in context["requirements"]]
    tools = [f"{name}=={version}" if version else name for name, version in inputs.tool_versions]
    ctx = {
        **context,
        "mlops_steps": steps,
        "kfp_names": {n: a for n, a in spelled.items() if n != a},
        "sink_tasks": [f"{s.name}_task" for s in plan.steps if s.name not in used] or ["validate"],
        "mlops_fields": fields,
        "data_fields": data_fields,
        "training": training,
        "shown_metrics": shown_metrics(plan),
        "image": image,
        "base_image": base_image(inputs.image, context["python_version"]),
        "gpu": inputs.gpu,
        "resources": inputs.resources,
        "drift": inputs.drift,
        "device_field": next((f.name for f in plan.config_fields if f.kind == "device"), None),
        "gpu_steps": gpu_steps,
        "any_gpu": bool(gpu_steps),
        "secret_fields": secret_fields,
        "credentials_secret": f"{plan.package.replace('_', '-').lower()}-credentials",
        "pinned_requirements": requirements,
        "tool_requirements": tools,
        "tool_names": [name for name, _ in inputs.tool_versions],
        "model_name": plan.model,
        "json": json.dumps,
        "pipeline_name": plan.package.replace("_", "-").lower(),
    }
    files = {
        f"src/{pkg}/runtime.py": render("runtime.py.j2", ctx),
        f"vendor/{wheel_name()}": runtime_wheel(),
        f"src/{pkg}/data_profile.json": json.dumps(profile, indent=2, sort_keys=True) + "\n",
        "pipeline/kfp_pipeline.py": render("kfp_pipeline.py.j2", ctx),
        "pipeline/README.md": render("kfp_README.md.j2", ctx),
        "requirements-pipeline.txt": render("kfp_requirements.txt.j2", ctx),
        "Dockerfile": render("Dockerfile.j2", ctx),
        ".dockerignore": render("Dockerfile.dockerignore.j2", ctx),
        "MANIFEST.in": f"include src/{pkg}/*.json\n",
        "dvc.yaml": dvc_yaml(plan, steps, bool(context.get("has_functions"))),
        ".github/workflows/ci.yml": ci_workflow(plan, image, context["python_version"]),
    }
    for _field, path, md5, size in inputs.data_versions:
        if dvc_path(path) is not None:
            files[f"{dvc_path(path)}.dvc"] = dvc_file(path, md5, size)
    return files


# --- DVC ------------------------------------------------------------------------------------------

DVC_VALUES = "artifacts/dvc"  # where a DVC stage saves the values its step returns (dvc.yaml outs)
DVC_RUN_ID = f"{DVC_VALUES}/mlflow_run_id"


def dvc_path(value: Any) -> Optional[str]:
    """A data path DVC can track inside the package: relative, normalised, not leaving it, not a glob."""
    from pathlib import PurePosixPath

    if not isinstance(value, str) or not value or "://" in value or "\\" in value or value.startswith("~") or "*" in value or "?" in value:
        return None
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts or ":" in value[:3] or path.parts[:1] in (("artifacts",), (".dvc",)):
        return None
    text = str(path)
    return text if text not in (".", "") and "\n" not in text and "\r" not in text else None


def dvc_data_deps(plan: ModelPlan) -> dict[str, list[str]]:
    """Step name → the data files it depends on: a file read through a config field belongs to the
    step holding the field's cell and to every step downstream of it (the value read may travel as
    a path string, whose pickle does not change when the file does)."""
    fields = [f for f in plan.config_fields if f.kind == "path" and f.direction == "read" and dvc_path(f.default)]
    by_cell = {(stage.notebook, cell): step.name for stage in plan.stages for step in stage.steps for cell in step.cells}
    producers: dict[str, str] = {}
    downstream: dict[str, set[str]] = {}
    for step in plan.steps:
        downstream[step.name] = {step.name}
        for name in step.inputs:
            if name in producers:
                for reached in downstream.values():
                    if producers[name] in reached:
                        reached.add(step.name)
        for name in step.outputs:
            producers[name] = step.name
    deps: dict[str, list[str]] = {s.name: [] for s in plan.steps}
    for f in fields:
        origins = {by_cell.get((nb, cell)) for nb, cell, _ in f.origins} - {None}
        reached = set().union(*(downstream[o] for o in origins)) if origins else {s.name for s in plan.steps}
        for step in plan.steps:
            path = dvc_path(f.default)
            if step.name in reached and path not in deps[step.name]:
                deps[step.name].append(path)
    return deps


def dvc_yaml(plan: ModelPlan, steps: list[dict[str, Any]], has_functions: bool) -> str:
    """dvc.yaml: one stage per step, in the notebook's order. deps: the step's module, the config,
    the data files it reads, the values earlier stages saved; outs: the values it returns (and,
    for the training step, the MLflow run id later tracked stages log into). Serialised with
    yaml.safe_dump: data paths are input text."""
    import yaml

    pkg = plan.package
    data = dvc_data_deps(plan)
    stages: dict[str, Any] = {}
    for step in steps:
        deps = [f"src/{pkg}/{step['module']}.py", f"src/{pkg}/config.py", f"src/{pkg}/runtime.py"]
        if has_functions:
            deps.append(f"src/{pkg}/functions.py")
        deps += data[step["name"]]
        deps += [f"{DVC_VALUES}/{n}.pkl" for n in step["inputs"]]
        if step["tracked"] and not step["training"]:
            deps.append(DVC_RUN_ID)
        outs = [f"{DVC_VALUES}/{n}.pkl" for n in step["outputs"]]
        if step["training"]:
            outs.append({DVC_RUN_ID: {"cache": False}})
        stage: dict[str, Any] = {"cmd": f"python -m nbrefactor_runtime.dvc_stage {pkg} {step['name']}", "deps": deps}
        if outs:
            stage["outs"] = outs
        stages[step["name"]] = stage
    header = (
        f"# DVC pipeline of {pkg}, generated by nbrefactor: one stage per step (`dvc repro` runs them with the package\n"
        "# installed, from this folder). Each data file the notebook reads is a dependency, and a DVC-tracked\n"
        "# input through its `.dvc` file; the MLflow run records its DVC md5 (tag nbrefactor.dvc_md5.<field>).\n"
    )
    return header + yaml.safe_dump({"stages": stages}, sort_keys=False, allow_unicode=True, width=1000)


def dvc_file(path: str, md5: str, size: int) -> str:
    """The `.dvc` file `dvc add` would write for the data file as nbrefactor found it (its md5 is
    the version the package was migrated with; `dvc status` says when the data differs)."""
    import yaml
    from pathlib import PurePosixPath

    entry = {"md5": md5, "size": size, "hash": "md5", "path": PurePosixPath(path).name}
    return yaml.safe_dump({"outs": [entry]}, sort_keys=False, allow_unicode=True, width=1000)


# --- CI/CD ----------------------------------------------------------------------------------------

# Actions pinned to a release's commit (a tag can be moved; a commit cannot), the release named beside it.
CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"  # v4.2.2
SETUP_PYTHON = "actions/setup-python@0b93645e9fea7318ecaed2b359559ac225c90a2b"  # v5.3.0
RUNNER = "ubuntu-24.04"


def ci_workflow(plan: ModelPlan, image: str, python_version: str) -> str:
    """`.github/workflows/ci.yml`: install the pins, run the package's tests, compile the pipeline,
    build and run the image; a `deploy` job (push the image, submit a run) that runs only when
    started by hand with `deploy` ticked. Serialised with yaml.safe_dump."""
    import yaml

    dist = plan.package.replace("_", "-")
    prefix = plan.package.upper()
    first = image.split("/", 1)[0]
    # A first component with a dot, a port or `localhost` is a registry host; else Docker Hub (no host to name).
    registry = first if "/" in image and ("." in first or ":" in first or first == "localhost") else ""
    setup = [
        {"uses": CHECKOUT},
        {"uses": SETUP_PYTHON, "with": {"python-version": python_version}},
    ]
    install = {
        "name": "Install the pinned requirements and the package",
        "run": "python -m pip install -r requirements.txt -r requirements-pipeline.txt\npython -m pip install --no-deps -e .\npython -m pip install pytest\n",
    }
    workflow = {
        "name": f"{dist} CI",
        "on": {
            "push": {"branches": ["main"]},
            "pull_request": {},
            "workflow_dispatch": {
                "inputs": {
                    "deploy": {
                        "description": "Also push the image and submit a pipeline run (needs the secrets and variables named in the deploy job)",
                        "type": "boolean",
                        "default": False,
                    }
                }
            },
        },
        "permissions": {"contents": "read"},
        "jobs": {
            "test": {
                "runs-on": RUNNER,
                "steps": [
                    *setup,
                    install,
                    {"name": "Run the package's tests", "run": "python -m pytest -q tests\n"},
                    {"name": "Compile the pipeline", "run": "python pipeline/kfp_pipeline.py\n"},
                ],
            },
            "image": {
                "needs": "test",
                "runs-on": RUNNER,
                "steps": [
                    {"uses": CHECKOUT},
                    {"name": "Build the image", "run": f"docker build -t {image} .\n"},
                    {"name": "Run the image", "run": f"docker run --rm {image} --help\n"},
                ],
            },
            "deploy": {
                "needs": ["test", "image"],
                # Disabled by default: only a manual run with `deploy` ticked pushes and submits.
                "if": "github.event_name == 'workflow_dispatch' && inputs.deploy",
                "runs-on": RUNNER,
                "environment": "deploy",
                "env": {
                    "REGISTRY_USER": "${{ secrets.REGISTRY_USER }}",
                    "REGISTRY_PASSWORD": "${{ secrets.REGISTRY_PASSWORD }}",
                    "KFP_ENDPOINT": "${{ vars.KFP_ENDPOINT }}",
                    "MLFLOW_TRACKING_URI": "${{ vars.MLFLOW_TRACKING_URI }}",
                    f"{prefix}_IMAGE": image,
                },
                "steps": [
                    *setup,
                    {"name": "Install the pipeline tools", "run": "python -m pip install -r requirements-pipeline.txt\n"},
                    {
                        "name": "Push the image",
                        "run": f'echo "$REGISTRY_PASSWORD" | docker login {registry + " " if registry else ""}--username "$REGISTRY_USER" --password-stdin\n'
                        f"docker build -t {image} .\ndocker push {image}\n",
                    },
                    {
                        "name": "Compile the pipeline for the pushed image and submit a run",
                        "run": "python pipeline/kfp_pipeline.py\n"
                        f'kfp --endpoint "$KFP_ENDPOINT" run create --experiment-name {dist} --package-file pipeline/pipeline.yaml '
                        'mlflow_tracking_uri="$MLFLOW_TRACKING_URI"\n',
                    },
                ],
            },
        },
    }
    text = yaml.dump(workflow, Dumper=_workflow_dumper(), sort_keys=False, allow_unicode=True, width=1000)
    for action, release in ((CHECKOUT, "v4.2.2"), (SETUP_PYTHON, "v5.3.0")):
        text = text.replace(f"uses: {action}\n", f"uses: {action}  # {release}\n")
    header = (
        f"# CI/CD of {dist}, generated by nbrefactor. On every push and pull request: install the pinned\n"
        "# requirements, run the package's tests, compile the Kubeflow pipeline, build and run the image.\n"
        "# The deploy job is off by default: start the workflow by hand (Actions > Run workflow) with\n"
        "# `deploy` ticked, after setting the `deploy` environment's secrets REGISTRY_USER and\n"
        "# REGISTRY_PASSWORD and variables KFP_ENDPOINT and MLFLOW_TRACKING_URI. It pushes the image and\n"
        "# submits a run of pipeline/pipeline.yaml. GitHub reads workflows from the repository root: when\n"
        "# this package is a subfolder, move this file there and set `defaults.run.working-directory`.\n"
    )
    return header + text


def _workflow_dumper():  # noqa: ANN202 - a yaml.SafeDumper subclass
    import yaml

    class Dumper(yaml.SafeDumper):
        """SafeDumper without anchors (`&id001`), multi-line strings as literal blocks (`run: |`)."""

        def ignore_aliases(self, data: Any) -> bool:
            return True

    def text(dumper: yaml.SafeDumper, value: str) -> Any:
        style = "|" if "\n" in value and not any(c in value for c in "\r\t") and value == value.rstrip(" ") else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return Dumper
