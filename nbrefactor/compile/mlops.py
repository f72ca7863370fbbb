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
At run time the model value decides the MLflow flavour (sklearn, xgboost, lightgbm, catboost,
pytorch, keras/tensorflow, statsmodels, else pyfunc when it has `predict`).
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from nbrefactor.compile.plan import ModelPlan, StepPlan
from nbrefactor.compile.image_ref import InvalidImageReference, check_registry
from nbrefactor.compile.image_ref import image_reference as checked_image_reference
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
RESERVED_PARAMETERS = frozenset({"mlflow_tracking_uri", "mlflow_run_id", "drift_threshold", "monitor_data", "serving_alias", "deploy_metric", "model_name"})


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


def resource_settings(table: Mapping[str, Any], model: str) -> ResourceSettings:
    """Read `[tool.nbrefactor.resources]`; unknown keys are errors."""
    table = dict(table or {})
    unknown = sorted(set(table) - _RESOURCE_KEYS)
    if unknown:
        raise MlopsSettingsError(f"[tool.nbrefactor.resources]: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_RESOURCE_KEYS))})")
    per_model = dict(table.pop("models", {}) or {}).get(model, {})
    unknown = sorted(set(per_model) - (_RESOURCE_KEYS - {"models"}))
    if unknown:
        raise MlopsSettingsError(f"[tool.nbrefactor.resources.models.{model}]: unknown key(s) {', '.join(unknown)}")
    merged = {**table, **per_model}
    return ResourceSettings(**{key.replace("-", "_"): str(value) for key, value in merged.items()})


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
    file_accesses: tuple[FileAccess, ...] = ()


_GPU_KEYS = {"accelerator", "count", "node-label-key", "node-label-value", "tolerations", "cpu-request", "memory-request", "steps", "models"}
_IMAGE_KEYS = {"registry", "name", "base"}


def settings_from_tables(gpu_table: Mapping[str, Any], image_table: Mapping[str, Any], model: str) -> tuple[GpuSettings, ImageSettings]:
    """Read `[tool.nbrefactor.gpu]` and `[tool.nbrefactor.image]`; unknown keys are errors."""
    gpu_table = dict(gpu_table or {})
    unknown = sorted(set(gpu_table) - _GPU_KEYS)
    if unknown:
        raise MlopsSettingsError(f"[tool.nbrefactor.gpu]: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_GPU_KEYS))})")
    per_model = dict(gpu_table.pop("models", {}) or {}).get(model, {})
    unknown = sorted(set(per_model) - (_GPU_KEYS - {"models"}))
    if unknown:
        raise MlopsSettingsError(f"[tool.nbrefactor.gpu.models.{model}]: unknown key(s) {', '.join(unknown)}")
    merged = {**gpu_table, **per_model}
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


@dataclass(frozen=True)
class Training:
    step: Optional[str]
    model: Optional[str]


def training_target(plan: ModelPlan) -> Training:
    fit_steps: list[tuple[StepPlan, list[str], bool]] = []
    for stage in plan.stages:
        by_index = {ca.cell.index: ca for ca in stage.facts.cells}
        for step in stage.steps:
            calls = [c for i in step.cells if i in by_index for c in by_index[i].facts.calls]
            fit_receivers = [c.receiver for c in calls if c.method in FIT_METHODS and c.receiver]
            trains = bool(fit_receivers) or any(c.method in LOOP_METHODS for c in calls)
            if not trains:
                continue
            for receiver in reversed(fit_receivers):  # the last model fitted in the step
                if receiver in step.outputs:
                    return Training(step.name, receiver)
            users = [c.receiver for c in calls if c.method in MODEL_METHODS and c.receiver in step.outputs]
            fit_steps.append((step, users, trains))
    for step, users, _ in fit_steps:
        named = [n for n in MODEL_NAMES if n in step.outputs]
        model = users[0] if users else (named[0] if named else None)
        return Training(step.name, model)
    return Training(None, None)


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


def mlops_files(plan: ModelPlan, inputs: MlopsInputs, context: Mapping[str, Any]) -> dict[str, str]:
    """Files to add to the package tree. `context` is the emitter's template context."""
    pkg = plan.package
    training = training_target(plan)
    profile = dict(inputs.data_profile) if inputs.data_profile else {"schema": "nbrefactor-data-profile/1", "files": {}}
    data_fields = input_fields(plan, profile)
    gpu_steps = _gpu_steps(plan, inputs)
    image = image_reference(plan, inputs.image)
    fields = [
        {"name": f.name, "param": _parameter_name(f.name), "type": f.type, "default": f.default}
        for f in plan.config_fields
    ] + [{"name": "artifacts_dir", "param": "artifacts_dir", "type": "str", "default": "artifacts"}]
    trained = False
    steps = []
    dependencies = step_dependencies(plan, inputs)
    used = {d for ds in dependencies.values() for d in ds}
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
        "sink_tasks": [f"{s.name}_task" for s in plan.steps if s.name not in used] or ["validate"],
        "mlops_fields": fields,
        "data_fields": data_fields,
        "training": training,
        "image": image,
        "base_image": base_image(inputs.image, context["python_version"]),
        "gpu": inputs.gpu,
        "resources": inputs.resources,
        "device_field": next((f.name for f in plan.config_fields if f.kind == "device"), None),
        "gpu_steps": gpu_steps,
        "any_gpu": bool(gpu_steps),
        "pinned_requirements": requirements,
        "tool_requirements": tools,
        "model_name": plan.model,
        "json": json.dumps,
        "pipeline_name": plan.package.replace("_", "-").lower(),
    }
    files = {
        f"src/{pkg}/tracking.py": render("tracking.py.j2", ctx),
        f"src/{pkg}/validate.py": render("validate.py.j2", ctx),
        f"src/{pkg}/monitor.py": render("monitor.py.j2", ctx),
        f"src/{pkg}/serving.py": render("serving.py.j2", ctx),
        f"src/{pkg}/kfp_runtime.py": render("kfp_runtime.py.j2", ctx),
        f"src/{pkg}/data_profile.json": json.dumps(profile, indent=2, sort_keys=True) + "\n",
        "pipeline/kfp_pipeline.py": render("kfp_pipeline.py.j2", ctx),
        "pipeline/README.md": render("kfp_README.md.j2", ctx),
        "requirements-pipeline.txt": render("kfp_requirements.txt.j2", ctx),
        "Dockerfile": render("Dockerfile.j2", ctx),
        ".dockerignore": render("Dockerfile.dockerignore.j2", ctx),
        "MANIFEST.in": f"include src/{pkg}/*.json\n",
    }
    return files
