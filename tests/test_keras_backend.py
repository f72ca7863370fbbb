"""A Keras 3 notebook runs on the backend it set before `import keras` (or on Keras' default,
TensorFlow): the generated package carries that backend to every place it runs — the package's
`__init__` (imported before any step, component or console run imports Keras), the Dockerfile's
`ENV`, each kfp step task's environment, and the KServe predictor of the deploy gate (from the
registered model's recorded `keras_backend`). The value reaches files only through serializers."""

from __future__ import annotations

import ast

import pytest
import yaml

from generated_suite import finish_kfp_local_run, kfp_local_outputs, start_kfp_local_run
from nbfactory import project, write_notebook

TORCH_MISSING = "torch is not installed (scripts/venv.sh installs torch==2.13.0+cpu with the test extras and warns when it cannot)"


def _cells(setting: str) -> list:
    return [
        ("md", "# Setup"),
        f"import os\n{setting}" if setting else "import os",
        "import numpy as np\nimport keras",
        ("md", "# Data"),
        "keras.utils.set_random_seed(0)\nX = np.linspace(-1, 1, 64, dtype='float32').reshape(32, 2)\ny = (X.sum(axis=1) > 0).astype('int64')",
        ("md", "# Train"),
        "model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation='relu'), keras.layers.Dense(2, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\nmodel.fit(X, y, epochs=2, batch_size=8, verbose=0)",
        ("md", "# Evaluate"),
        "predictions = model.predict(X, verbose=0).argmax(axis=1)",
    ]


TORCH_NOTEBOOK = _cells('os.environ["KERAS_BACKEND"] = "torch"')


def _backend(tmp_path, cells, keras_pin=""):
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.engine import audit_notebook
    from nbrefactor.audit.loader import read_notebook
    from nbrefactor.audit.project import discover_project
    from nbrefactor.compile.keras_backend import keras_backend
    from nbrefactor.compile.plan import plan_model
    from nbrefactor.config import Settings

    tmp_path.mkdir(parents=True, exist_ok=True)
    path = write_notebook(project(tmp_path) / "kb.ipynb", cells)
    analysis = audit_notebook(read_notebook(path, path.name), Settings(), discover_project(path), load_catalog())
    return keras_backend(plan_model("kb", [(analysis.facts, analysis.result.diagnostics)]), keras_pin)


@pytest.mark.parametrize(
    ("setting", "value", "explicit"),
    [
        ('os.environ["KERAS_BACKEND"] = "torch"', "torch", True),
        ('os.environ.setdefault("KERAS_BACKEND", "jax")', "jax", True),
        ('os.environ["KERAS_BACKEND"] = "jax"\nos.environ["KERAS_BACKEND"] = "torch"', "torch", True),
        ("", "tensorflow", False),  # relies on Keras' default
        ('os.environ["KERAS_BACKEND"] = "theano"', "tensorflow", False),  # no Keras 3 backend: import keras fails on it
        ("%env KERAS_BACKEND=torch", "torch", True),
    ],
)
def test_the_backend_is_the_notebooks_literal_before_import_keras(tmp_path, setting, value, explicit):
    backend = _backend(tmp_path, _cells(setting))
    assert (backend.value, backend.explicit) == (value, explicit)


def test_the_pins_decide_keras_3_or_keras_2(tmp_path):
    cells = _cells('os.environ["KERAS_BACKEND"] = "torch"')
    assert _backend(tmp_path / "k3", cells, "3.8.0").value == "torch"
    assert _backend(tmp_path / "k2", cells, "2.15.0") is None  # Keras 2 runs on TensorFlow only


def test_a_setting_after_import_keras_changes_nothing_and_tf_keras_needs_none(tmp_path):
    late = [("md", "# A"), "import keras\nimport os", 'os.environ["KERAS_BACKEND"] = "torch"']
    assert _backend(tmp_path / "late", late).value == "tensorflow"
    tf_keras = [("md", "# A"), "import os\nimport tensorflow as tf", 'os.environ["KERAS_BACKEND"] = "torch"\nm = tf.keras.Sequential()']
    assert _backend(tmp_path / "tf", tf_keras) is None


def _migrate(tmp_path, cells, name="kerastorch"):
    from nbrefactor.config import Settings
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    path = write_notebook(project(tmp_path) / f"{name}.ipynb", cells)
    results, _ = migrate_paths([str(path)], Settings(), MigrateOptions(out=tmp_path / "out"))
    assert [r.status for r in results] in (["migrated"], ["migrated-with-review"]), results[0].problems
    return tmp_path / "out" / name


def _init_setting(package) -> tuple[str, str]:
    """(how, value) of the KERAS_BACKEND statement in the package's __init__.py, read as Python."""
    tree = ast.parse((package / "src" / package.name / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript) and node.targets[0].slice.value == "KERAS_BACKEND":
            return "assign", node.value.value
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and node.value.args and getattr(node.value.args[0], "value", None) == "KERAS_BACKEND":
            return node.value.func.attr, node.value.args[1].value
    return "", ""


def _task_env(package) -> dict[str, dict[str, str]]:
    spec = next(yaml.safe_load_all((package / "pipeline" / "pipeline.yaml").read_text()))
    executors = spec["deploymentSpec"]["executors"]
    return {name: {e["name"]: e["value"] for e in ex["container"].get("env", [])} for name, ex in executors.items()}


def test_the_generated_files_carry_the_notebooks_backend(tmp_path):
    package = _migrate(tmp_path, TORCH_NOTEBOOK)
    assert _init_setting(package) == ("assign", "torch")
    docker = (package / "Dockerfile").read_text().splitlines()
    assert 'ENV KERAS_BACKEND="torch"' in docker
    envs = _task_env(package)
    steps = {name for name in envs if name.startswith("exec-step-")}
    assert steps and all(envs[name].get("KERAS_BACKEND") == "torch" for name in steps)


def test_a_notebook_on_the_default_backend_keeps_it_and_lets_the_environment_decide(tmp_path):
    package = _migrate(tmp_path, _cells(""), "kerasdefault")
    assert _init_setting(package) == ("setdefault", "tensorflow")
    assert 'ENV KERAS_BACKEND="tensorflow"' in (package / "Dockerfile").read_text().splitlines()


def test_a_package_without_keras_sets_no_backend(tmp_path):
    cells = [("md", "# A"), "import numpy as np", "x = np.arange(3)"]
    package = _migrate(tmp_path, cells, "nokeras")
    assert "KERAS_BACKEND" not in (package / "src" / "nokeras" / "__init__.py").read_text()
    assert "KERAS_BACKEND" not in (package / "Dockerfile").read_text()


def test_a_keras_on_torch_pipeline_runs_with_kfp_local_and_serves_on_torch(tmp_path):
    pytest.importorskip("torch", reason=f"Keras runs on its PyTorch backend here: {TORCH_MISSING}")
    import importlib.util

    if importlib.util.find_spec("keras") is None:  # not imported here: its backend is the package's business
        pytest.skip("keras is not installed")
    package = _migrate(tmp_path, TORCH_NOTEBOOK)
    workdir = tmp_path / "run"
    workdir.mkdir()
    # No KERAS_BACKEND from outside: TensorFlow is not installed here, so Keras' default backend
    # fails at import; only the package's own setting lets the steps run.
    _, client = finish_kfp_local_run(start_kfp_local_run(package, workdir, unset=("KERAS_BACKEND",)), workdir)
    version = client.get_model_version_by_alias("kerastorch", "candidate")
    assert client.get_run(version.run_id).info.status == "FINISHED"
    manifests = kfp_local_outputs(workdir, "deploy-gate/manifest")
    assert len(manifests) == 1
    predictor = yaml.safe_load(manifests[0].read_text())["spec"]["predictor"]["model"]
    assert predictor["env"] == [{"name": "KERAS_BACKEND", "value": "torch"}]


def _requirement_lines(package) -> dict[str, str]:
    lines = (package / "requirements.txt").read_text().splitlines()
    return {line.split("==")[0].split()[0].lower(): line for line in lines if line and not line.startswith(("#", "-"))}


def test_a_package_on_keras_default_backend_declares_tensorflow(tmp_path):
    """susanli2016's Autoencoder notebook: `import keras` with no KERAS_BACKEND runs on TensorFlow,
    which the notebook never imports; the package's imports failed "No module named 'tensorflow'"."""
    package = _migrate(tmp_path, _cells(""), "kerasdefault")
    requirements = _requirement_lines(package)
    assert "tensorflow" in requirements and "keras" in requirements
    assert "torch" not in requirements and "jax" not in requirements
    if "==" not in requirements["tensorflow"]:  # not installed here: said, not silently unpinned
        assert "`tensorflow` is Keras' backend (Keras' default: the notebook sets no `KERAS_BACKEND`)" in (package / "MIGRATION.md").read_text()


def test_a_package_on_a_chosen_backend_declares_that_one_only(tmp_path):
    requirements = _requirement_lines(_migrate(tmp_path, TORCH_NOTEBOOK))
    assert "torch" in requirements and "tensorflow" not in requirements


def test_a_package_pinning_keras_2_declares_tensorflow(tmp_path):
    cells = [("md", "# A"), "%pip install keras==2.15.0", "import numpy as np\nimport keras", "x = keras.utils.to_categorical(np.arange(3))"]
    requirements = _requirement_lines(_migrate(tmp_path, cells, "keras2"))
    assert requirements["keras"].startswith("keras==2.15.0") and "tensorflow" in requirements
