"""Generated kfp pipelines run on a cluster, not only on a laptop (issue 12): the steps form a DAG
(data flow, Kale `prev:` tags, file order) that kfp.local runs to the same values as the package in
one process; a GPU only for steps running GPU code, modest requests elsewhere; a cluster run needs
an MLflow tracking server; `kfp dsl compile` and `python pipeline/kfp_pipeline.py` both compile.

Every expectation below was worked out by reading the notebooks, not by running the compiler."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")
pytest.importorskip("kfp")

from nbfactory import project, write_notebook  # noqa: E402
from nbrefactor.config import Settings, load_settings  # noqa: E402
from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths  # noqa: E402
from deadlines import HANG_GUARD

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "notebooks"
KFP_CLI = Path(sys.executable).parent / "kfp"

# Two models trained on the same data, then compared: the two training steps only need `load`.
TWO_MODELS = [
    ("md", "# Load"),
    'import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\nfrom sklearn.tree import DecisionTreeClassifier\n'
    'from sklearn.metrics import accuracy_score\ndf = pd.read_csv("data/points.csv")\nX = df[["a", "b"]].values\ny = df["label"].values',
    ("md", "# Logistic regression"),
    "logreg = LogisticRegression()\nlogreg.fit(X, y)\nlogreg_accuracy = accuracy_score(y, logreg.predict(X))",
    ("md", "# Decision tree"),
    "tree = DecisionTreeClassifier(random_state=0)\ntree.fit(X, y)\ntree_accuracy = accuracy_score(y, tree.predict(X))",
    ("md", "# Compare"),
    "best = max(logreg_accuracy, tree_accuracy)\nprint(best)",
]
# label is a function of (a, b) and every (a, b) pair occurs: a fully grown tree is exact (1.0).
POINTS = "a,b,label\n" + "".join(f"{i % 7},{(i * 3) % 5},{int(i % 7 + (i * 3) % 5 > 5)}\n" for i in range(70))


# Kale tags in the shape Kale's own examples take: load → split → two models in parallel → compare
# → announce. `announce` takes no value and touches no file: its `prev:compare` tag is the only
# thing ordering it, so the edge exists only if the compiler reads `prev:`.
KALE_LEVELS = [
    ("md", "# Wine quality, two models (Kale)"),
    ("code", "import pandas as pd\nfrom sklearn.neighbors import KNeighborsRegressor\nfrom sklearn.ensemble import RandomForestRegressor\n"
             "from sklearn.model_selection import train_test_split\nfrom sklearn.metrics import mean_absolute_error", {"tags": ["imports"]}),
    ("code", 'DATA_PATH = "data/wine.csv"\nN_NEIGHBORS = 5\nN_TREES = 20', {"tags": ["pipeline-parameters"]}),
    ("code", "wine = pd.read_csv(DATA_PATH)", {"tags": ["block:load"]}),
    ("code", 'X = wine.drop(columns=["quality"]).values\ny = wine["quality"].values\n'
             "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)", {"tags": ["block:split", "prev:load"]}),
    ("code", "knn = KNeighborsRegressor(n_neighbors=N_NEIGHBORS)\nknn.fit(X_train, y_train)\n"
             "knn_mae = mean_absolute_error(y_test, knn.predict(X_test))", {"tags": ["block:knn", "prev:split"]}),
    ("code", "forest = RandomForestRegressor(n_estimators=N_TREES, random_state=0)\nforest.fit(X_train, y_train)\n"
             "forest_mae = mean_absolute_error(y_test, forest.predict(X_test))", {"tags": ["block:forest", "prev:split"]}),
    ("code", 'best = "knn" if knn_mae <= forest_mae else "forest"\nprint(best)', {"tags": ["block:compare", "prev:knn", "prev:forest"]}),
    ("code", 'print("pipeline finished")', {"tags": ["block:announce", "prev:compare"]}),
]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    src = project(tmp_path_factory.mktemp("src"))
    write_notebook(src / "two_models" / "two_models.ipynb", TWO_MODELS, executed=True)
    (src / "two_models" / "data").mkdir()
    (src / "two_models" / "data" / "points.csv").write_text(POINTS, encoding="utf-8")
    write_notebook(src / "kale_levels" / "kale_levels.ipynb", KALE_LEVELS, executed=True)
    shutil.copytree(CORPUS / "kale_pipeline" / "data", src / "kale_levels" / "data")
    out = tmp_path_factory.mktemp("out")
    paths = [str(src / "two_models"), str(src / "kale_levels"), str(CORPUS / "kale_pipeline"), str(CORPUS / "mnist_cnn"), str(CORPUS / "gpu")]
    results, _ = migrate_paths(paths, Settings(), MigrateOptions(out=out))
    assert {r.status for r in results} <= {"migrated", "migrated-with-review"}, [(r.model, r.status, r.problems) for r in results]
    return out


def tasks_of(package_dir: Path) -> dict:
    return list(yaml.safe_load_all((package_dir / "pipeline" / "pipeline.yaml").read_text(encoding="utf-8")))[0]["root"]["dag"]["tasks"]


def dependencies(package_dir: Path) -> dict[str, set[str]]:
    return {name: set(task.get("dependentTasks", [])) for name, task in tasks_of(package_dir).items()}


# --- DAG, not a chain -------------------------------------------------------------------------------


def test_two_models_on_the_same_data_train_in_parallel(migrated):
    deps = dependencies(migrated / "two_models")
    assert deps["step-load"] == {"validate-data"}
    # both only wait for the data (and the MLflow run they log into), not for each other
    assert deps["step-logistic-regression"] == {"step-load", "start-run"}
    assert deps["step-decision-tree"] == {"step-load", "start-run"}
    assert deps["step-compare"] == {"step-logistic-regression", "step-decision-tree", "start-run"}
    assert deps["start-run"] == {"validate-data"}
    # registered once every step that logs into the run has finished
    assert deps["register-model"] == {"step-compare", "step-logistic-regression"}
    assert deps["monitor-drift"] == {"deploy-gate", "start-run"}  # its drift numbers go into the run


def test_kale_prev_tags_and_data_flow_give_the_dag(migrated):
    deps = dependencies(migrated / "kale_pipeline")
    assert deps["step-parameters"] == {"validate-data"}
    assert deps["step-load"] == {"step-parameters"}  # DATA_PATH
    assert deps["step-train"] == {"step-load", "step-parameters", "start-run"}  # prev:load; X, y; N_NEIGHBORS
    assert deps["step-metrics"] == {"step-train", "start-run"}


def test_a_prev_tag_alone_orders_a_step(migrated, tmp_path):
    """`announce` shares no value and no file with any step: `prev:compare` is its only link, in
    the plan's DAG and in the compiled pipeline."""
    from nbrefactor.compile.mlops import MlopsInputs, step_dependencies

    plan, _ = _plan(tmp_path, "kale_levels", KALE_LEVELS)
    deps = step_dependencies(plan, MlopsInputs())
    assert [s.name for s in plan.steps][-1] == "announce"
    assert not [s for s in plan.steps if s.name == "announce"][0].inputs
    assert deps["announce"] == ("compare",), deps
    # compiled: after compare (and the run it logs into), not straight after data validation
    assert dependencies(migrated / "kale_levels")["step-announce"] == {"step-compare", "start-run"}


def test_kale_tags_give_levels_with_two_models_trained_in_parallel(migrated):
    deps = dependencies(migrated / "kale_levels")
    steps = {name: d for name, d in deps.items() if name.startswith("step-")}
    # `knn` and `forest` are also variable names, so their steps are named knn_step / forest_step
    assert steps == {
        "step-parameters": {"validate-data"},
        "step-load": {"step-parameters"},  # DATA_PATH
        "step-split": {"step-load"},  # prev:load; wine
        "step-knn-step": {"step-split", "step-parameters", "start-run"},  # prev:split; X_train…; N_NEIGHBORS
        "step-forest-step": {"step-split", "step-parameters", "start-run"},  # prev:split; X_train…; N_TREES
        "step-compare": {"step-knn-step", "step-forest-step", "start-run"},  # prev:knn, prev:forest; the two MAEs
        "step-announce": {"step-compare", "start-run"},  # prev:compare only
    }
    # levels of the step DAG: the two models share one level, each level waits for the one before
    level: dict[str, int] = {}
    while len(level) < len(steps):
        for name, needs in steps.items():
            inner = needs & set(steps)
            if name not in level and inner <= set(level):
                level[name] = 1 + max((level[n] for n in inner), default=-1)
    assert level == {"step-parameters": 0, "step-load": 1, "step-split": 2, "step-knn-step": 3, "step-forest-step": 3,
                     "step-compare": 4, "step-announce": 5}


def test_file_written_then_read_orders_steps_that_share_no_value():
    """Two steps sharing no value: the one reading the file the other writes waits for it."""
    from nbrefactor.compile.mlops import FileAccess, MlopsInputs, step_dependencies
    from nbrefactor.compile.plan import plan_model
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.engine import audit_notebook
    from nbrefactor.audit.loader import read_notebook
    from nbrefactor.audit.project import discover_project
    from nbrefactor.migrate.pipeline_build import file_accesses
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = write_notebook(Path(folder) / "files.ipynb", [
            ("md", "# Write"), 'import pandas as pd\npd.DataFrame({"a": [1, 2]}).to_csv("out/table.csv")',
            ("md", "# Other"), "x = sum([1, 2])\nprint(x)",
            ("md", "# Read"), 'back = pd.read_csv("out/table.csv")',
            ("md", "# Read elsewhere"), 'other = pd.read_csv("data/other.csv")',
        ])
        catalog = load_catalog()
        analysis = audit_notebook(read_notebook(path, "files.ipynb"), Settings(), discover_project(path), catalog)
        plan = plan_model("files", [(analysis.facts, analysis.result.diagnostics)], catalog=catalog)
    accesses = file_accesses(plan, catalog)
    assert set(accesses) >= {FileAccess("write", "out/table.csv", "write"), FileAccess("read", "out/table.csv", "read")}
    deps = step_dependencies(plan, MlopsInputs(file_accesses=accesses))
    assert deps == {"write": (), "other_step": (), "read": ("write",), "read_elsewhere": ()}, deps
    assert deps["read_elsewhere"] == ()
    # A path that is not a literal may be any file: ordered after the write.
    deps = step_dependencies(plan, MlopsInputs(file_accesses=(*accesses, FileAccess("read_elsewhere", "", "read"))))
    assert deps["read_elsewhere"] == ("write",)


LOCAL_RUN_DRIVER = """
import sys
from pathlib import Path
from nbrefactor.migrate.prove import _pipeline
package_dir, work = Path(sys.argv[1]), Path(sys.argv[2])
ok, line = _pipeline(package_dir.name, package_dir, Path(sys.executable), work, dict(__import__("os").environ), 300.0, runner="kfp")
print(line)
sys.exit(0 if ok else 1)
"""


def test_the_dag_run_by_kfp_local_computes_what_the_package_computes_in_one_process(migrated, tmp_path):
    """kfp.local runs every component in its own process, in the DAG's order; each value crossing
    each step is compared with the package's own `pipeline.run` (one process, notebook order)."""
    package_dir = migrated / "two_models"
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    # This repository's runtime, not whichever copy is installed (the package vendors this one).
    env["PYTHONPATH"] = os.pathsep.join([str(package_dir / "src"), str(ROOT / "runtime" / "src"), str(ROOT)])
    done = subprocess.run([sys.executable, "-c", LOCAL_RUN_DRIVER, str(package_dir), str(tmp_path)],
                          capture_output=True, text=True, timeout=HANG_GUARD, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "4 steps run by kfp.local" in done.stdout and "values equal to the in-process run" in done.stdout, done.stdout
    import pickle

    [tree_accuracy] = (tmp_path / "pipeline-run" / "kfp-root").rglob("step-decision-tree/out_tree_accuracy")
    assert pickle.loads(tree_accuracy.read_bytes()) == 1.0
    # A model crosses as its MLflow flavour's folder (runtime 0.3.0), which MLflow itself loads as
    # the native estimator predicting what the same model fitted here predicts.
    import io

    import mlflow.sklearn
    import numpy as np
    import pandas as pd
    import yaml as _yaml
    from sklearn.linear_model import LogisticRegression

    [logreg] = (tmp_path / "pipeline-run" / "kfp-root").rglob("step-logistic-regression/out_logreg")
    assert logreg.is_dir() and "sklearn" in _yaml.safe_load((logreg / "MLmodel").read_text())["flavors"]
    points = pd.read_csv(io.StringIO(POINTS))
    X, y = points[["a", "b"]].values, points["label"].values
    loaded = mlflow.sklearn.load_model(str(logreg))
    assert type(loaded) is LogisticRegression
    assert np.array_equal(loaded.predict_proba(X), LogisticRegression().fit(X, y).predict_proba(X))
    # One MLflow run: opened by start-run, the model logged into it by the training step.
    from mlflow import MlflowClient

    client = MlflowClient(f"sqlite:///{tmp_path / 'pipeline-run' / 'artifacts' / 'mlflow.db'}")
    runs = client.search_runs([client.get_experiment_by_name("two_models").experiment_id])
    assert len(runs) == 1 and runs[0].info.status == "FINISHED"
    assert {"nbrefactor.step.logistic_regression", "nbrefactor.step.decision_tree", "nbrefactor.step.compare"} <= set(runs[0].data.tags)
    assert client.get_model_version_by_alias("two_models", "candidate").run_id == runs[0].info.run_id


# --- kfp dsl compile ------------------------------------------------------------------------------


def test_kfp_cli_and_python_both_compile_the_module(migrated, tmp_path):
    package_dir = migrated / "two_models"
    shipped = (package_dir / "pipeline" / "pipeline.yaml").read_text(encoding="utf-8")
    done = subprocess.run([str(KFP_CLI), "dsl", "compile", "--py", "pipeline/kfp_pipeline.py", "--output", str(tmp_path / "cli.yaml")],
                          cwd=package_dir, capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "cli.yaml").read_text(encoding="utf-8") == shipped
    done = subprocess.run([sys.executable, "pipeline/kfp_pipeline.py", "--output", str(tmp_path / "py.yaml")],
                          cwd=package_dir, capture_output=True, text=True, timeout=HANG_GUARD, env={k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "py.yaml").read_text(encoding="utf-8") == shipped


# --- a tracking server for cluster runs -------------------------------------------------------------


_MODULES: dict = {}


def load_module(package_dir: Path):
    """The generated pipeline module, imported once per package (importing kfp takes seconds)."""
    if package_dir in _MODULES:
        return _MODULES[package_dir]
    spec = importlib.util.spec_from_file_location(f"kfp_{package_dir.name}_cluster", package_dir / "pipeline" / "kfp_pipeline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    _MODULES[package_dir] = module
    return module


@pytest.mark.parametrize("uri", ["", "   ", "sqlite:///artifacts/mlflow.db", "file:///tmp/mlruns", "./mlruns", "/tmp/mlruns", "C:\\mlruns"])
def test_a_cluster_run_refuses_an_empty_or_local_tracking_uri(migrated, monkeypatch, uri):
    module = load_module(migrated / "two_models")
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    with pytest.raises(module.TrackingServerRequired, match="needs an MLflow tracking server"):
        module.cluster_tracking_uri(uri)
    with pytest.raises(module.TrackingServerRequired):  # before any connection is attempted
        module.submit("http://127.0.0.1:9", uri)
    # the environment variable is read too, and checked the same way
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:///x.db")
    with pytest.raises(module.TrackingServerRequired):
        module.cluster_tracking_uri("")


def test_a_tracking_server_is_accepted_and_compiled_in(migrated, monkeypatch, tmp_path):
    package_dir = migrated / "two_models"
    module = load_module(package_dir)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert module.cluster_tracking_uri("http://mlflow.mlflow.svc:5000") == "http://mlflow.mlflow.svc:5000"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "https://mlflow.example.org")
    assert module.cluster_tracking_uri("") == "https://mlflow.example.org"
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    done = subprocess.run([sys.executable, "pipeline/kfp_pipeline.py", "--output", str(tmp_path / "c.yaml"), "--tracking-uri", "http://mlflow:5000"],
                          cwd=package_dir, capture_output=True, text=True, timeout=HANG_GUARD, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    spec = yaml.safe_load((tmp_path / "c.yaml").read_text(encoding="utf-8"))
    assert spec["root"]["inputDefinitions"]["parameters"]["mlflow_tracking_uri"]["defaultValue"] == "http://mlflow:5000"
    # A local URI on the command line: one clear line, exit 2, nothing written.
    done = subprocess.run([sys.executable, "pipeline/kfp_pipeline.py", "--output", str(tmp_path / "d.yaml"), "--tracking-uri", "sqlite:///m.db"],
                          cwd=package_dir, capture_output=True, text=True, timeout=HANG_GUARD, env=env)
    assert done.returncode == 2 and "needs an MLflow tracking server" in done.stderr and not (tmp_path / "d.yaml").exists()
    # The shipped YAML (for kfp.local) keeps the empty default: the sqlite store of local runs.
    shipped = yaml.safe_load((package_dir / "pipeline" / "pipeline.yaml").read_text(encoding="utf-8"))
    assert shipped["root"]["inputDefinitions"]["parameters"]["mlflow_tracking_uri"]["defaultValue"] == ""


def test_the_run_refuses_a_local_store_inside_a_cluster_pod(migrated, monkeypatch):
    """The YAML may be uploaded without a URI: the start-run component, in a pod, stops the run."""
    package_dir = migrated / "two_models"
    module = load_module(package_dir)
    monkeypatch.syspath_prepend(str(package_dir / "src"))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("KFP_POD_NAME", "two-models-abc-123")
    with pytest.raises(ValueError, match="needs an MLflow tracking server"):
        module.start_run.python_func(points_csv_path="data/points.csv", random_state=0, artifacts_dir="artifacts", mlflow_tracking_uri="")


# --- GPU only where needed ------------------------------------------------------------------------

# From reading the notebooks: cuda_no_fallback calls `.cuda()` with no fallback (GPU001);
# cuda_with_fallback only moves a layer to a device that falls back to the CPU and trains nothing;
# yolo_cli asks for `--device 0` on a `!` line (GPU001); mnist_cnn defines `device = "cuda"` in its
# first step (a definition runs nothing) and trains on it in `model_step`.
EXPECTED_GPU = {"cuda_no_fallback": {"step-cuda-no-fallback"}, "cuda_with_fallback": set(), "yolo_cli": {"step-yolo-cli"}, "mnist_cnn": {"step-model-step"}}


@pytest.mark.parametrize("package", sorted(EXPECTED_GPU))
def test_a_gpu_only_for_steps_running_gpu_code_and_modest_requests_elsewhere(migrated, package):
    docs = list(yaml.safe_load_all((migrated / package / "pipeline" / "pipeline.yaml").read_text(encoding="utf-8")))
    spec = docs[0]
    executors = spec["deploymentSpec"]["executors"]
    with_gpu = set()
    for name, task in spec["root"]["dag"]["tasks"].items():
        label = spec["components"][task["componentRef"]["name"]]["executorLabel"]
        # kfp writes both the older numeric fields and the resource* strings; the strings are the settings
        resources = {k: v for k, v in executors[label]["container"]["resources"].items() if k.startswith(("resource", "accelerator"))}
        if "accelerator" in resources:
            with_gpu.add(name)
            accelerator = resources["accelerator"]
            assert (accelerator["resourceType"], accelerator["resourceCount"]) == ("nvidia.com/gpu", "1")
            assert (resources["resourceCpuRequest"], resources["resourceMemoryRequest"]) == ("4", "16G")
        else:
            assert resources == {"resourceCpuRequest": "1", "resourceMemoryRequest": "2G"}, (name, resources)
    assert with_gpu == EXPECTED_GPU[package]
    assert (len(docs) == 2) == bool(with_gpu)  # node selector and tolerations only with a GPU step


def test_cpu_step_resources_come_from_settings(tmp_path):
    from nbrefactor.compile.mlops import MlopsSettingsError, resource_settings

    (tmp_path / "proj").mkdir()
    root = project(tmp_path / "proj")
    (root / "pyproject.toml").write_text(
        "[tool.nbrefactor.resources]\ncpu-request = '500m'\nmemory-request = '1G'\nmemory-limit = '3G'\n"
        "[tool.nbrefactor.resources.models.kale_pipeline]\ncpu-request = '2'\n", encoding="utf-8")
    import shutil

    shutil.copytree(CORPUS / "kale_pipeline", root / "kale_pipeline")
    settings = load_settings(root / "pyproject.toml")
    results, _ = migrate_paths([str(root / "kale_pipeline")], settings, MigrateOptions(out=tmp_path / "out"))
    assert [r.status for r in results] in (["migrated"], ["migrated-with-review"]), results[0].problems
    spec = yaml.safe_load((tmp_path / "out" / "kale_pipeline" / "pipeline" / "pipeline.yaml").read_text(encoding="utf-8"))
    resources = spec["deploymentSpec"]["executors"]["exec-step-train"]["container"]["resources"]
    resources = {k: v for k, v in resources.items() if k.startswith("resource")}
    assert resources == {"resourceCpuRequest": "2", "resourceMemoryRequest": "1G", "resourceMemoryLimit": "3G"}
    with pytest.raises(MlopsSettingsError, match="cpu-requst"):
        resource_settings({"cpu-requst": "1"}, "m")


def _plan(tmp_path: Path, name: str, cells: list):
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.engine import audit_notebook
    from nbrefactor.audit.loader import read_notebook
    from nbrefactor.audit.project import discover_project
    from nbrefactor.compile.plan import plan_model

    path = write_notebook(tmp_path / f"{name}.ipynb", cells)
    catalog = load_catalog()
    analysis = audit_notebook(read_notebook(path, f"{name}.ipynb"), Settings(), discover_project(path), catalog)
    return plan_model(name, [(analysis.facts, analysis.result.diagnostics)], catalog=catalog), catalog


def test_with_a_cpu_fallback_only_the_training_step_asks_for_a_gpu(tmp_path):
    """The device falls back to the CPU (no GPU001): setting up, training and evaluating all touch
    the GPU when there is one, but only training is worth a GPU node — also when the model and the
    data were moved to the device in an earlier step."""
    from nbrefactor.migrate.pipeline_build import gpu_steps

    plan, catalog = _plan(tmp_path, "fallback", [
        ("md", "# Setup"),
        'import torch\nfrom torch import nn\ndevice = torch.device("cuda" if torch.cuda.is_available() else "cpu")\n'
        "model = nn.Linear(2, 1).to(device)\nx = torch.randn(8, 2).to(device)",
        ("md", "# Train"),
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\nfor _ in range(3):\n    loss = model(x).pow(2).mean()\n"
        "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()",
        ("md", "# Evaluate"),
        "with torch.no_grad():\n    y = model(x.to(device))\nprint(y.mean())",
    ])
    found = dict(gpu_steps(plan, catalog))
    assert set(found) == {"train"}, found
    assert any("`model`" in r or "`x`" in r for r in found["train"]), found
