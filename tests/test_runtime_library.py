"""nbrefactor-runtime: the library generated packages share instead of carrying copies of it.

The wheel nbrefactor vendors into each package is reproducible and installs offline; the library
never imports the compiler; the installed library is the one in this repository; a generated
package holds only its own code and binds the library in `runtime.py`."""

from __future__ import annotations

import ast
import hashlib
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

import nbrefactor_runtime
from nbrefactor.compile.runtime_wheel import runtime_requirement, runtime_wheel, wheel_name
from deadlines import HANG_GUARD

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "runtime" / "src" / "nbrefactor_runtime"


def test_the_installed_runtime_is_this_repository_s_source():
    # A stale install would make every generated package run other code than the repo holds.
    installed = Path(nbrefactor_runtime.__file__).parent
    for source in sorted(SOURCE.glob("*.py")):
        assert (installed / source.name).read_bytes() == source.read_bytes(), f"{source.name}: reinstall ./runtime"


def test_the_runtime_never_imports_the_compiler():
    for source in sorted(SOURCE.glob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            assert not any(n == "nbrefactor" or n.startswith("nbrefactor.") for n in names), f"{source.name} imports {names}"


def test_the_vendored_wheel_is_reproducible_and_complete():
    first = runtime_wheel()
    runtime_wheel.cache_clear()
    second = runtime_wheel()
    assert first == second
    archive = zipfile.ZipFile(BytesIO(first))
    names = archive.namelist()
    for source in sorted(SOURCE.glob("*.py")):
        assert archive.read(f"nbrefactor_runtime/{source.name}") == source.read_bytes()
    version = nbrefactor_runtime.__version__
    assert wheel_name() == f"nbrefactor_runtime-{version}-py3-none-any.whl"
    assert runtime_requirement() == f"nbrefactor-runtime=={version}"
    record = archive.read(f"nbrefactor_runtime-{version}.dist-info/RECORD").decode()
    assert len(record.splitlines()) == len(names)
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())


def test_the_vendored_wheel_installs_offline_and_imports(tmp_path):
    wheels = tmp_path / "vendor"
    wheels.mkdir()
    (wheels / wheel_name()).write_bytes(runtime_wheel())
    (tmp_path / "requirements.txt").write_text(f"--find-links vendor\n{runtime_requirement()}\n")
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True, timeout=HANG_GUARD)
    python = env / "bin" / "python"
    # pip reads `--find-links vendor` relative to the requirements file, from any working directory.
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index", "-q", "-r", str(tmp_path / "requirements.txt")],
        cwd="/", capture_output=True, text=True, timeout=HANG_GUARD,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # Without PYTHONPATH: a runtime/src checkout on it (while editing the runtime) is not the install.
    clean = {k: v for k, v in __import__("os").environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([str(python), "-c", "import nbrefactor_runtime as r, sys; print(r.__version__, r.__file__)"], capture_output=True, text=True, timeout=HANG_GUARD, env=clean)
    version, location = out.stdout.split()
    assert version == nbrefactor_runtime.__version__ and str(env) in location


def test_a_generated_package_keeps_only_its_own_code(churn_package):
    source = sorted(p.name for p in (churn_package / "src" / "churn").iterdir() if p.name != "__pycache__")
    assert source == ["__init__.py", "__main__.py", "config.py", "data_profile.json", "functions.py", "pipeline.py", "runtime.py", "steps.py"]
    # The vendored wheel is the runtime's, and requirements.txt and pyproject.toml pin it.
    assert (churn_package / "vendor" / wheel_name()).read_bytes() == runtime_wheel()
    requirements = (churn_package / "requirements.txt").read_text().splitlines()
    assert "--find-links vendor" in requirements and runtime_requirement() in requirements
    assert f'"{runtime_requirement()}"' in (churn_package / "pyproject.toml").read_text()
    # The binding is data: no function of the library is redefined in the package.
    binding = ast.parse((churn_package / "src" / "churn" / "runtime.py").read_text())
    assert not [n for n in ast.walk(binding) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]

    # tests/ and pipeline/ too: no module of nbrefactor's copied in (the fingerprints of recorded
    # values are the runtime's), and compiling/submitting the kfp pipeline is the runtime's, the
    # package's module only naming its pipeline.
    tests = sorted(p.name for p in (churn_package / "tests").iterdir() if p.suffix == ".py")
    assert tests == ["test_package.py"], tests
    assert "from nbrefactor_runtime import recorded" in (churn_package / "tests" / "test_package.py").read_text()
    pipeline = sorted(p.name for p in (churn_package / "pipeline").iterdir() if p.suffix == ".py")
    assert pipeline == ["kfp_pipeline.py"], pipeline
    kfp_module = ast.parse((churn_package / "pipeline" / "kfp_pipeline.py").read_text())
    defined = {n.name: n for n in kfp_module.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    assert not [n for n in defined.values() if isinstance(n, ast.ClassDef)], "a class in kfp_pipeline.py: the runtime's"
    for name in ("compile_pipeline", "submit", "main"):
        calls = [c for c in ast.walk(defined[name]) if isinstance(c, ast.Call)]
        assert len(defined[name].body) <= 2 and [ast.unparse(c.func) for c in calls] == [f"kfp_submit.{name}"], ast.unparse(defined[name])
    assert "cluster_tracking_uri" not in defined and "TrackingServerRequired" not in defined
    # pipeline.py: the tracked run around the steps is the runtime's (Runtime.run_pipeline).
    run = next(n for n in ast.parse((churn_package / "src" / "churn" / "pipeline.py").read_text()).body if getattr(n, "name", "") == "run")
    assert [ast.unparse(c.func) for c in ast.walk(run) if isinstance(c, ast.Call)][0] == "RUNTIME.run_pipeline"
    assert not [n for n in ast.walk(run) if isinstance(n, (ast.With, ast.FunctionDef)) and n is not run]


def test_the_binding_runs_a_step_through_the_library(churn_package, tmp_path):
    # One step in its own process, as a kfp component runs it: through the package's runtime.py.
    script = (
        "import sys; from churn.runtime import run_step, SPEC; "
        "run_step('load_data', {'artifacts_dir': sys.argv[1]}, {}, {'df': sys.argv[1] + '/df'}); "
        "from nbrefactor_runtime import artifacts; print(len(artifacts.load(sys.argv[1] + '/df')), SPEC.model_name)"
    )
    env = {"PYTHONPATH": str(churn_package / "src"), "NBREFACTOR_NO_TRACKING": "1", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "a")], cwd=churn_package / "tests" / "data", env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr[-2000:]
    rows, model = done.stdout.split()
    assert int(rows) > 0 and model == "churn"


def test_the_wheel_declares_the_runtime_s_optional_dependencies():
    import tomllib

    from nbrefactor.compile.runtime_wheel import EXTRAS

    declared = tomllib.loads((ROOT / "runtime" / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert {k: tuple(v) for k, v in declared.items()} == EXTRAS
    metadata = zipfile.ZipFile(BytesIO(runtime_wheel())).read(f"nbrefactor_runtime-{nbrefactor_runtime.__version__}.dist-info/METADATA").decode()
    assert 'Requires-Dist: pandera>=0.24; extra == "validate"' in metadata.splitlines()
    assert "Provides-Extra: monitor" in metadata.splitlines()


def test_the_runtime_imports_without_kfp_and_checks_the_tracking_server_first():
    # A component image without kfp still imports the runtime: kfp_submit imports kfp only inside
    # compile_pipeline/submit, and submit refuses a missing tracking server before importing it.
    script = (
        "import sys; sys.modules['kfp'] = None\n"
        "import nbrefactor_runtime, nbrefactor_runtime.kfp_submit as k, nbrefactor_runtime.recorded as r\n"
        "assert r.differences(r.fingerprint([1, 2.0]), r.fingerprint([1, 2.0])) is None\n"
        "assert k.cluster_tracking_uri('http://mlflow:5000') == 'http://mlflow:5000'\n"
        "try:\n    k.submit(print, 'http://127.0.0.1:9', 'sqlite:///m.db')\nexcept k.TrackingServerRequired as e:\n    print('refused:', e)\n"
        "try:\n    k.compile_pipeline(print, 'x.yaml')\nexcept ImportError:\n    print('compile needs kfp')\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "MLFLOW_TRACKING_URI"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=HANG_GUARD, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "refused: a pipeline run on a cluster needs an MLflow tracking server, got 'sqlite:///m.db'" in done.stdout
    assert "compile needs kfp" in done.stdout
