"""Running a generated package from a test: its own pytest suite, the mutation check that proves
that suite can fail: change one constant in a generated step, run the suite again, and let the
caller assert which generated tests now FAIL; its whole pipeline, tracked into a sqlite MLflow
store; and its compiled kfp pipeline run with `kfp.local` (tasks as subprocesses), read back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from deadlines import HANG_GUARD


def run_generated_suite(package: Path) -> subprocess.CompletedProcess:
    """The package's tests in a fresh interpreter (its `src/` importable, tracking off; the outer
    pytest's PYTEST_* variables removed so the inner run is not mistaken for a worker of it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    # (a runtime/src checkout after `src/`, when the caller's PYTHONPATH has one)
    env.update({"NBREFACTOR_NO_TRACKING": "1", "NB_NO_TRACKING": "1", "PYTHONPATH": str(package / "src") + os.pathsep + env.get("PYTHONPATH", "")})
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA"], cwd=package, env=env,
                          capture_output=True, text=True, timeout=HANG_GUARD)


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
    env["PYTHONPATH"] = str(package / "src") + os.pathsep + env.get("PYTHONPATH", "")
    script = f"from {name} import config, pipeline\npipeline.run(config.Config(artifacts_dir='artifacts'))\n"
    done = subprocess.run([sys.executable, "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr[-3000:]
    uri = f"sqlite:///{work / 'artifacts' / 'mlflow.db'}"
    client = MlflowClient(uri)
    return uri, client, client.get_model_version_by_alias(name, "candidate")


KFP_LOCAL_RUN = """
import importlib.util, os, sys
from kfp import local
package_dir, workdir = sys.argv[1], sys.argv[2]
local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=os.path.join(workdir, "kfp_root"))
spec = importlib.util.spec_from_file_location("kfp_pipeline_local", os.path.join(package_dir, "pipeline", "kfp_pipeline.py"))
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
getattr(module, os.path.basename(package_dir) + "_pipeline")(artifacts_dir=os.path.join(workdir, "artifacts"))
"""


def start_kfp_local_run(package: Path, workdir: Path, unset: tuple[str, ...] = ()) -> subprocess.Popen:
    """Start the package's kfp pipeline under `kfp.local` in its own process (kfp.local runs tasks
    one by one, so callers may start several), working in `workdir`, with the package's `src/`
    first on PYTHONPATH and MLFLOW_TRACKING_URI and `unset` removed from the environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("MLFLOW_TRACKING_URI", *unset)}
    env["PYTHONPATH"] = str(package / "src") + os.pathsep + env.get("PYTHONPATH", "")  # (a runtime/src checkout after it)
    return subprocess.Popen([sys.executable, "-c", KFP_LOCAL_RUN, str(package), str(workdir)],
                            cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish_kfp_local_run(process: subprocess.Popen, workdir: Path, timeout: int = 900):
    """Wait for a run `start_kfp_local_run` started (the timeout guards against a hang; it is no
    speed test), assert it succeeded, and return its output and a client on the MLflow store it
    left under `workdir/artifacts`."""
    from mlflow import MlflowClient

    output, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, output[-4000:]
    return output, MlflowClient(f"sqlite:///{workdir / 'artifacts' / 'mlflow.db'}")


def kfp_local_outputs(workdir: Path, pattern: str) -> list[Path]:
    """The output artifacts of a kfp.local run under `workdir/kfp_root` (`deploy-gate/manifest`)."""
    return sorted((workdir / "kfp_root").rglob(pattern))
