"""Running a generated package from a test: its own pytest suite, the mutation check that proves
that suite can fail: change one constant in a generated step, run the suite again, and let the
caller assert which generated tests now FAIL; and its whole pipeline, tracked into a sqlite MLflow
store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_generated_suite(package: Path) -> subprocess.CompletedProcess:
    """The package's tests in a fresh interpreter (its `src/` importable, tracking off; the outer
    pytest's PYTEST_* variables removed so the inner run is not mistaken for a worker of it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update({"NBREFACTOR_NO_TRACKING": "1", "NB_NO_TRACKING": "1", "PYTHONPATH": str(package / "src")})
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA"], cwd=package, env=env,
                          capture_output=True, text=True, timeout=300)


def run_with_step_constant_changed(package: Path, old: str, new: str) -> subprocess.CompletedProcess:
    """Replace the one occurrence of `old` in the package's steps.py by `new` (the mutation), then
    run the generated suite; the suite must exit non-zero, or the mutation went unnoticed."""
    steps = package / "src" / package.name / "steps.py"
    source = steps.read_text(encoding="utf-8")
    assert source.count(old) == 1, f"expected exactly one {old!r} in {steps}"
    steps.write_text(source.replace(old, new), encoding="utf-8")
    broken = run_generated_suite(package)
    assert broken.returncode != 0, f"the generated tests did not notice {old!r} -> {new!r}:\n{broken.stdout[-3000:]}"
    return broken


def run_tracked_pipeline(package: Path, work: Path):
    """Run a generated package's whole pipeline in its own process, tracked into the sqlite store
    under `work/artifacts` (the MLflow variables of this process removed), and return the store's
    URI, a client on it, and the registered model's `candidate` version."""
    from mlflow import MlflowClient

    name = package.name
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("MLFLOW_TRACKING_URI", "NBREFACTOR_NO_TRACKING", "NB_NO_TRACKING")}
    env["PYTHONPATH"] = str(package / "src")
    script = f"from {name} import config, pipeline\npipeline.run(config.Config(artifacts_dir='artifacts'))\n"
    done = subprocess.run([sys.executable, "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    uri = f"sqlite:///{work / 'artifacts' / 'mlflow.db'}"
    client = MlflowClient(uri)
    return uri, client, client.get_model_version_by_alias(name, "candidate")
