"""One step of a generated package as a DVC stage (its dvc.yaml):
`python -m nbrefactor_runtime.dvc_stage PACKAGE STEP`.

The step reads the values earlier stages saved under `artifacts/dvc/` and saves what it returns
there; its config is the package's (the notebook's values; `<ENV_PREFIX>_<FIELD>` environment
variables override them). The training step starts the MLflow run (input data with its sha256 and
DVC md5) and leaves its id in `artifacts/dvc/mlflow_run_id`; later steps log into that run.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import sys
from typing import Optional, Sequence

VALUES = os.path.join("artifacts", "dvc")
RUN_ID = os.path.join(VALUES, "mlflow_run_id")


def tracked_steps(steps: Sequence[str], training_step: str) -> tuple[str, ...]:
    """The training step and every step after it log into the run (as in the kfp pipeline)."""
    if not training_step or training_step not in steps:
        return ()
    return tuple(steps[list(steps).index(training_step):])


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m nbrefactor_runtime.dvc_stage PACKAGE STEP", file=sys.stderr)
        return 2
    package, name = args
    binding = importlib.import_module(f"{package}.runtime")
    runtime = binding.RUNTIME
    steps = runtime.spec.steps
    if name not in steps:
        print(f"usage: python -m nbrefactor_runtime.dvc_stage {package} STEP (one of: {', '.join(steps)})", file=sys.stderr)
        return 2
    training = runtime.spec.training_step
    tracked = tracked_steps(list(steps), training)
    cfg = runtime.config_class.from_env()
    run_id = ""
    if name in tracked and name != training and os.path.isfile(RUN_ID):
        with open(RUN_ID, encoding="utf-8") as handle:
            run_id = handle.read().strip()
    run_id = runtime.run_step(
        name,
        {f.name: getattr(cfg, f.name) for f in dataclasses.fields(cfg)},
        {n: os.path.join(VALUES, f"{n}.pkl") for n in steps[name].inputs},
        {n: os.path.join(VALUES, f"{n}.pkl") for n in steps[name].outputs},
        track=name in tracked,
        run_id=run_id,
    )
    if name == training:
        os.makedirs(VALUES, exist_ok=True)
        with open(RUN_ID, "w", encoding="utf-8") as handle:
            handle.write(run_id + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
