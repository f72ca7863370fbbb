"""What a Kubeflow component of a generated package runs (`pipeline/kfp_pipeline.py` of the
package): one step per component, its inputs and outputs passed as files through
`artifacts.save` / `artifacts.load`, its config as parameters. Plain Python: it runs without kfp,
which only calls it.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
from typing import Any, Optional

from . import artifacts, tracking
from .spec import PackageSpec


def run_step(
    spec: PackageSpec,
    config_class: Any,
    name: str,
    config: dict[str, Any],
    inputs: dict[str, Any],
    outputs: dict[str, Any],
    track: bool = False,
    tracking_uri: str = "",
    run_id: str = "",
) -> str:
    """Run step `name` with `config_class(**config)` on the saved `inputs` (name → path), save its
    return values to `outputs` (name → path, or a kfp artifact: its `path`, and its `metadata`
    records the format written, e.g. `{"format": "parquet"}`). A tracked step logs into the MLflow run `run_id`
    (a new run when empty); returns the run id ("" when not tracked)."""
    step = spec.steps[name]
    # Fields the component does not pass (secrets, which are no pipeline parameters) come from the
    # pod's environment (`<ENV_PREFIX>_<FIELD>`), as `Config.from_env` reads them; only those.
    from_env = getattr(config_class, "from_env", None)
    if callable(from_env) and dataclasses.is_dataclass(config_class):
        keys = [f"{spec.env_prefix}_{f.name.upper()}" for f in dataclasses.fields(config_class) if f.name not in config]
        cfg = from_env({k: os.environ[k] for k in keys if k in os.environ}).replace(**config)
    else:
        cfg = config_class(**config)
    artifacts.reset(cfg.artifacts_dir)
    function = getattr(importlib.import_module(f"{spec.package}.{step.module}"), name)
    # A step loads values onto its own device (config field `spec.device_field`, when the notebook
    # names a CUDA device): a CPU step reads what a GPU step wrote.
    device = getattr(cfg, spec.device_field) if spec.device_field else None
    arguments = [artifacts.load(_path(inputs[n]), device) for n in step.inputs]
    tracked_run: Optional[tracking.TrackedRun] = None
    if track and tracking.enabled(spec):
        tracked_run = tracking.TrackedRun(spec, cfg, run_id=run_id, uri=tracking_uri)
        tracked_run.__enter__()
    try:
        result = function(cfg, *arguments)
        outputs_named = step.outputs
        values = dict(zip(outputs_named, result if len(outputs_named) > 1 else (result,))) if outputs_named else {}
        if tracked_run is not None:
            tracked_run.observe(name, values, dict(zip(step.inputs, arguments)))
    except BaseException as exc:
        if tracked_run is not None:
            tracked_run.__exit__(type(exc), exc, exc.__traceback__)
        raise
    if tracked_run is not None:
        tracked_run.__exit__(None, None, None)
    for output in step.outputs:
        target = outputs[output]
        fmt = artifacts.save(values[output], _path(target))
        metadata = getattr(target, "metadata", None)
        if isinstance(metadata, dict):
            metadata["format"] = fmt
    return tracked_run.run_id if tracked_run is not None else ""


def _path(target: Any) -> str:
    """A path, or a kfp artifact's path."""
    return target if isinstance(target, str) else str(target.path)
