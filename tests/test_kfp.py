"""kfp pipelines of generated packages: compiled by the real kfp compiler at migration, loaded back
into kfp's protobuf messages, every reference resolving, GPU settings on exactly the steps that
need them; two CPU fixture pipelines run end to end with `kfp.local` and leave a usable MLflow store.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")
pytest.importorskip("kfp")
from google.protobuf import json_format  # noqa: E402
from kfp.pipeline_spec import pipeline_spec_pb2  # noqa: E402

from nbrefactor.audit.catalog import load_catalog  # noqa: E402
from nbrefactor.compile.mlops import MlopsInputs, MlopsSettingsError, settings_from_tables  # noqa: E402
from nbrefactor.config import Settings  # noqa: E402
from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "notebooks"

# Worked out by reading the notebooks (not by running the GPU detector): mnist_cnn moves its
# model to "cuda" and trains it in the `model` section; the Keras notebook fits in `model`.
# Every other fixture is CPU-only (scikit-learn, pandas, numpy, LightGBM without GPU settings).
EXPECTED_GPU_TASKS = {"mnist_cnn": {"step-model-step"}, "sentiment_keras": {"step-model-step"}}  # `## Model` over a notebook that binds `model`
EXPECTED_PACKAGES = {
    "churn", "customer_segments", "demand_forecast", "edge_cases", "fraud_features", "house_prices",
    "huge_outputs", "kale_pipeline", "loan_approval", "matrix_factorisation", "mnist_cnn", "no_language_info",
    "sales_cleaning", "schema_invalid", "sentiment_keras", "ticket_classifier",
    "transaction_anomalies", "v3_notebook",
}


def folders_of(packages: set[str]) -> list[Path]:
    """The fixture folders that hold these models' notebooks (a model of several notebooks is named
    in fixtures/notebooks/pyproject.toml, any other after its notebook)."""
    import tomllib

    grouped = tomllib.loads((CORPUS / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["nbrefactor"]["models"]
    folders: set[Path] = set()
    for package in packages:
        found = {CORPUS / Path(notebook).parent for notebook in grouped[package]} if package in grouped else {nb.parent for nb in CORPUS.rglob(f"{package}.ipynb")}
        assert found, f"no fixture notebook for {package}"
        folders |= found
    return sorted(folders)


@pytest.fixture(scope="module")
def corpus_out(tmp_path_factory) -> Path:
    """The folders of the expected models migrated by the command line (its process pool). Not the
    whole corpus: the tests below read these models only, and the 290 fixture notebooks took more
    than this fixture's time limit to migrate on a loaded 2-core machine (test_fidelity.py migrates
    them all)."""
    import subprocess

    out = tmp_path_factory.mktemp("migrated")
    done = subprocess.run([sys.executable, "-m", "nbrefactor", "migrate", *map(str, folders_of(EXPECTED_PACKAGES)), "--out", str(out), "--no-cache"],
                          capture_output=True, text=True, timeout=900)
    migrated = {p.name for p in out.iterdir() if (p / ".nbrefactor" / "plan.json").is_file()}
    assert migrated >= EXPECTED_PACKAGES, done.stdout[-3000:] + done.stderr[-3000:]
    return out


def load_documents(path: Path) -> tuple[pipeline_spec_pb2.PipelineSpec, pipeline_spec_pb2.PlatformSpec | None, dict, dict | None]:
    docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
    assert 1 <= len(docs) <= 2
    spec = json_format.ParseDict(docs[0], pipeline_spec_pb2.PipelineSpec())
    platform = json_format.ParseDict(docs[1], pipeline_spec_pb2.PlatformSpec()) if len(docs) == 2 else None
    return spec, platform, docs[0], docs[1] if len(docs) == 2 else None


def dangling_references(spec: pipeline_spec_pb2.PipelineSpec, platform: pipeline_spec_pb2.PlatformSpec | None) -> list[str]:
    problems: list[str] = []
    executors = set(spec.deployment_spec.fields["executors"].struct_value.fields)
    components = dict(spec.components)

    def check_dag(where: str, dag: pipeline_spec_pb2.DagSpec) -> None:
        tasks = dict(dag.tasks)
        for name, task in tasks.items():
            ref = task.component_ref.name
            if ref not in components:
                problems.append(f"{where}/{name}: component {ref} missing")
            for dep in task.dependent_tasks:
                if dep not in tasks:
                    problems.append(f"{where}/{name}: depends on missing task {dep}")
            declared = components[ref].input_definitions if ref in components else None
            for key, value in task.inputs.artifacts.items():
                if value.HasField("task_output_artifact"):
                    producer = value.task_output_artifact.producer_task
                    if producer not in tasks:
                        problems.append(f"{where}/{name}: artifact {key} from missing task {producer}")
                    else:
                        produced = components[tasks[producer].component_ref.name].output_definitions.artifacts
                        if value.task_output_artifact.output_artifact_key not in produced:
                            problems.append(f"{where}/{name}: {producer} has no artifact {value.task_output_artifact.output_artifact_key}")
                if declared is not None and key not in declared.artifacts:
                    problems.append(f"{where}/{name}: input artifact {key} not declared by {ref}")
            for key, value in task.inputs.parameters.items():
                if value.HasField("task_output_parameter"):
                    producer = value.task_output_parameter.producer_task
                    if producer not in tasks:
                        problems.append(f"{where}/{name}: parameter {key} from missing task {producer}")
                    else:
                        produced = components[tasks[producer].component_ref.name].output_definitions.parameters
                        if value.task_output_parameter.output_parameter_key not in produced:
                            problems.append(f"{where}/{name}: {producer} has no parameter {value.task_output_parameter.output_parameter_key}")
                if value.HasField("component_input_parameter") and value.component_input_parameter not in spec.root.input_definitions.parameters:
                    problems.append(f"{where}/{name}: pipeline has no parameter {value.component_input_parameter}")
                if declared is not None and key not in declared.parameters:
                    problems.append(f"{where}/{name}: input parameter {key} not declared by {ref}")
            if declared is not None:
                missing = set(declared.parameters) - set(task.inputs.parameters)
                missing = {m for m in missing if not declared.parameters[m].HasField("default_value")}
                if missing:
                    problems.append(f"{where}/{name}: parameters {sorted(missing)} not given")

    check_dag("root", spec.root.dag)
    for name, component in components.items():
        if component.executor_label and component.executor_label not in executors:
            problems.append(f"component {name}: executor {component.executor_label} missing")
    if platform is not None:
        platform_executors = json_format.MessageToDict(platform.platforms["kubernetes"].deployment_spec).get("executors", {})
        for label in platform_executors:
            if label not in executors:
                problems.append(f"platform spec: executor {label} missing")
    return problems


def test_every_migrated_model_has_a_compiled_pipeline_whose_references_resolve(corpus_out):
    checked = 0
    for package in sorted(EXPECTED_PACKAGES):
        yaml_path = corpus_out / package / "pipeline" / "pipeline.yaml"
        assert yaml_path.is_file(), package
        spec, platform, raw, _ = load_documents(yaml_path)
        assert dangling_references(spec, platform) == [], package
        tasks = set(spec.root.dag.tasks)
        plan = json.loads((corpus_out / package / ".nbrefactor" / "plan.json").read_text())
        steps = {"step-" + s["name"].replace("_", "-") for s in plan["steps"]}
        assert steps <= tasks and {"validate-data", "monitor-drift"} <= tasks, package
        # Pipeline parameters mirror the package config, except credentials (kfp stores and shows
        # parameters with each run: the pods read those from a Kubernetes secret).
        parameters = set(spec.root.input_definitions.parameters)
        assert {c["name"] for c in plan["config"] if c["kind"] != "secret"} | {"artifacts_dir"} <= parameters, package
        assert not {c["name"] for c in plan["config"] if c["kind"] == "secret"} & parameters, package
        # Every component runs the package image, with no pip installs at run time.
        for executor in raw["deploymentSpec"]["executors"].values():
            container = executor["container"]
            assert container["image"] == f"localhost:5000/{package.replace('_', '-')}:0.1.0"
            assert "pip install" not in " ".join(container.get("command", []))
        checked += 1
    assert checked == len(EXPECTED_PACKAGES)


def test_gpu_settings_appear_on_exactly_the_steps_that_need_them(corpus_out):
    for package in sorted(EXPECTED_PACKAGES):
        spec, platform, raw, _ = load_documents(corpus_out / package / "pipeline" / "pipeline.yaml")
        expected = EXPECTED_GPU_TASKS.get(package, set())
        executors = raw["deploymentSpec"]["executors"]
        with_accelerator = set()
        for task_name, task in spec.root.dag.tasks.items():
            label = spec.components[task.component_ref.name].executor_label
            resources = executors[label]["container"].get("resources", {})
            if "accelerator" in resources:
                with_accelerator.add(task_name)
                assert resources["accelerator"]["resourceType"] == "nvidia.com/gpu"
                assert resources["accelerator"]["resourceCount"] == "1"
                assert resources["resourceCpuRequest"] == "4" and resources["resourceMemoryRequest"] == "16G"
            else:  # modest requests ([tool.nbrefactor.resources] defaults) on every task without a GPU
                sized = {k: v for k, v in resources.items() if k.startswith("resource")}
                assert sized == {"resourceCpuRequest": "1", "resourceMemoryRequest": "2G"}, (package, task_name)
        assert with_accelerator == expected, package
        # The platform spec holds the GPU node selectors and tolerations, and (for a package with
        # credential config fields) the Kubernetes secret its steps read them from; nothing else.
        plan = json.loads((corpus_out / package / ".nbrefactor" / "plan.json").read_text())
        has_secrets = any(c["kind"] == "secret" for c in plan["config"])
        if not expected and not has_secrets:
            assert platform is None, package
            continue
        k8s = json_format.MessageToDict(platform.platforms["kubernetes"].deployment_spec)["executors"]
        selected = {label for label, settings in k8s.items() if "nodeSelector" in settings}
        assert selected == {spec.components[spec.root.dag.tasks[t].component_ref.name].executor_label for t in expected}, package
        for label, settings in k8s.items():
            assert set(settings) <= {"nodeSelector", "tolerations", "secretAsEnv"}, (package, label)
            assert ("secretAsEnv" in settings) == (has_secrets and label.startswith("exec-step-")), (package, label)
            if label in selected:
                assert settings["nodeSelector"]["labels"] == {"nvidia.com/gpu.present": "true"}
                assert settings["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
            else:
                assert "tolerations" not in settings, (package, label)


def test_gpu_defaults_and_per_model_overrides_come_from_settings(tmp_path):
    table = {
        "accelerator": "nvidia.com/gpu", "count": 2, "node-label-key": "cloud.google.com/gke-accelerator",
        "node-label-value": "nvidia-l4", "tolerations": [{"key": "gpu", "operator": "Equal", "value": "yes", "effect": "NoExecute"}],
        "models": {"mnist_cnn": {"count": 4, "memory-request": "32G"}},
    }
    gpu, image = settings_from_tables(table, {"registry": "ghcr.io/acme"}, "mnist_cnn")
    assert (gpu.count, gpu.memory_request, gpu.node_label_value) == (4, "32G", "nvidia-l4")
    other, _ = settings_from_tables(table, {}, "other_model")
    assert other.count == 2 and other.memory_request == "16G"
    with pytest.raises(MlopsSettingsError, match="acelerator"):
        settings_from_tables({"acelerator": "x"}, {}, "m")
    with pytest.raises(MlopsSettingsError, match="no step named"):
        from nbrefactor.compile.mlops import _gpu_steps

        _gpu_steps(_plan_of_mnist(), MlopsInputs(gpu=settings_from_tables({"steps": ["nope"]}, {}, "m")[0]))
    # Compiled with these settings: count, label and an Equal toleration reach the YAML.
    project = tmp_path / "proj"
    shutil.copytree(CORPUS / "mnist_cnn", project / "mnist_cnn")
    (project / "pyproject.toml").write_text(
        "[tool.nbrefactor.gpu]\ncount = 2\nnode-label-key = 'cloud.google.com/gke-accelerator'\nnode-label-value = 'nvidia-l4'\n"
        "tolerations = [{key = 'gpu', operator = 'Equal', value = 'yes', effect = 'NoExecute'}]\n"
        "[tool.nbrefactor.gpu.models.mnist_cnn]\nmemory-request = '32G'\n"
        "[tool.nbrefactor.image]\nregistry = 'ghcr.io/acme'\n",
        encoding="utf-8",
    )
    from nbrefactor.config import load_settings

    settings = load_settings(project / "pyproject.toml")
    results, _ = migrate_paths([str(project / "mnist_cnn")], settings, MigrateOptions(out=tmp_path / "out"))
    # with review items where torch is not installed here (its pin is then a review item)
    assert [r.status for r in results] in (["migrated"], ["migrated-with-review"]), results[0].problems
    docs = list(yaml.safe_load_all((tmp_path / "out" / "mnist_cnn" / "pipeline" / "pipeline.yaml").read_text()))
    executor = docs[0]["deploymentSpec"]["executors"]["exec-step-model-step"]["container"]
    assert executor["resources"]["accelerator"]["resourceCount"] == "2"
    assert executor["resources"]["resourceMemoryRequest"] == "32G"
    assert executor["image"] == "ghcr.io/acme/mnist-cnn:0.1.0"
    k8s = docs[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"]["exec-step-model-step"]
    assert k8s["nodeSelector"]["labels"] == {"cloud.google.com/gke-accelerator": "nvidia-l4"}
    assert k8s["tolerations"] == [{"key": "gpu", "operator": "Equal", "value": "yes", "effect": "NoExecute"}]


def _plan_of_mnist():
    from nbrefactor.compile.plan import plan_model
    from nbrefactor.audit.engine import audit_notebook
    from nbrefactor.audit.loader import read_notebook
    from nbrefactor.audit.project import discover_project

    path = CORPUS / "mnist_cnn" / "mnist_cnn.ipynb"
    analysis = audit_notebook(read_notebook(path, "mnist_cnn.ipynb"), Settings(), discover_project(path), load_catalog())
    return plan_model("mnist_cnn", [(analysis.facts, analysis.result.diagnostics)])


def test_compiled_yaml_is_deterministic_and_matches_the_module(corpus_out, tmp_path):
    """Recompiling the shipped module (as a user would) gives the shipped bytes; so does a rerun."""
    package = corpus_out / "churn"
    shipped = (package / "pipeline" / "pipeline.yaml").read_bytes()
    spec = importlib.util.spec_from_file_location("churn_kfp_recompile", package / "pipeline" / "kfp_pipeline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    again = Path(module.compile_pipeline(str(tmp_path / "again.yaml"))).read_bytes()
    assert again == shipped
    results, _ = migrate_paths([str(CORPUS / "churn")], Settings(), MigrateOptions(out=corpus_out))
    assert [r.status for r in results] == ["unchanged"]


# --- kfp.local end to end ----------------------------------------------------------------------------

LOCAL_PACKAGES = ("churn", "customer_segments")


@pytest.fixture(scope="module")
def local_runs(corpus_out, tmp_path_factory) -> dict[str, Path]:
    """Both CPU pipelines run at once (one process each: kfp.local runs tasks one by one), each
    in a working folder holding the notebook's data, as the notebook's folder would."""
    from generated_suite import finish_kfp_local_run, start_kfp_local_run

    processes = {}
    workdirs = {}
    for package in LOCAL_PACKAGES:
        workdir = tmp_path_factory.mktemp(f"kfp-{package}")
        shutil.copytree(corpus_out / package / "tests" / "data", workdir, dirs_exist_ok=True)
        processes[package] = start_kfp_local_run(corpus_out / package, workdir)
        workdirs[package] = workdir
    for package, process in processes.items():
        # A guard against a hang, not a speed test: monitor-drift imports and runs Evidently
        # (measured ~60 s of one pipeline at load 17).
        output, _ = finish_kfp_local_run(process, workdirs[package])
        assert "finished with status \x1b[92mSUCCESS" in output or "SUCCESS" in output
    return workdirs


@pytest.mark.parametrize(("package", "metric", "features"), [("churn", "roc_auc_score", "out_X_test"), ("customer_segments", "silhouette_score", "out_Z")])
def test_cpu_pipeline_runs_end_to_end_locally_and_leaves_a_usable_mlflow_store(corpus_out, local_runs, package, metric, features):
    import hashlib
    from importlib import import_module

    from generated_suite import kfp_local_outputs

    import mlflow.pyfunc
    from mlflow import MlflowClient

    package_dir = corpus_out / package
    workdir = local_runs[package]
    uri = f"sqlite:///{workdir / 'artifacts' / 'mlflow.db'}"
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name(package)
    runs = client.search_runs([experiment.experiment_id])
    assert len(runs) == 1
    run = runs[0]
    assert run.info.status == "FINISHED"
    plan = json.loads((package_dir / ".nbrefactor" / "plan.json").read_text())
    for field in plan["config"]:
        assert run.data.params[field["name"]] == str(field["default"])
    assert metric in run.data.metrics and -1.0 <= run.data.metrics[metric] <= 1.0
    data_file = next(iter(sorted((package_dir / "tests" / "data" / "data").glob("*.csv"))))
    full = hashlib.sha256(data_file.read_bytes()).hexdigest()
    inputs = run.inputs.dataset_inputs
    assert len(inputs) == 1
    assert inputs[0].dataset.digest == full[:36]  # MLflow's limit; the full digest is the input tag
    assert {t.key: t.value for t in inputs[0].tags}["sha256"] == full
    version = client.get_model_version_by_alias(package, "candidate")
    assert version.run_id == run.info.run_id
    assert str(client.get_model_version_by_alias(package, "champion").version) == str(version.version)
    # The deploy gate's KServe manifest names the promoted version.
    manifests = kfp_local_outputs(workdir, "deploy-gate/manifest")
    assert len(manifests) == 1
    manifest = yaml.safe_load(manifests[0].read_text())
    assert manifest["kind"] == "InferenceService"
    assert manifest["metadata"]["annotations"]["nbrefactor/model-version"] == str(version.version)
    assert manifest["spec"]["predictor"]["model"]["modelFormat"]["name"] == "mlflow"
    # Drift of the run's own data against the migration-time profile: zero on every column.
    report = json.loads(kfp_local_outputs(workdir, "monitor-drift/report")[0].read_text())
    scores = next(iter(report["files"].values()))["psi"]
    assert scores and max(scores.values()) < 1e-9
    evidently = next(iter(report["files"].values()))["evidently"]  # Evidently ran, and agrees
    assert evidently["drift_share"] == 0.0 and evidently["drifted_columns"] == 0
    assert any(k.startswith("drift.") and k.endswith(".evidently_drift_share") for k in client.get_run(run.info.run_id).data.metrics)
    assert kfp_local_outputs(workdir, "monitor-drift/evidently_report")[0].stat().st_size > 10_000
    # Values crossed the steps in typed formats, recorded in the artifacts' metadata.
    formats = {
        key: artifact["metadata"]["format"]
        for output in (workdir / "kfp_root").rglob("step-*/executor_output.json")
        for key, value in json.loads(output.read_text()).get("artifacts", {}).items()
        for artifact in value["artifacts"]
    }
    assert formats and set(formats.values()) <= {"parquet", "npy", "pickle", "mlflow.sklearn"}
    assert "parquet" in formats.values()
    # Both fixtures fit scikit-learn models, which cross as the flavour's folder (runtime 0.3.0).
    assert "mlflow.sklearn" in formats.values(), formats
    # The registered model loads and predicts on the features the pipeline passed between steps.
    old_path = list(sys.path)
    sys.path.insert(0, str(package_dir / "src"))
    try:
        # The registered version's own artifacts (no global tracking URI is set in this process).
        model = mlflow.pyfunc.load_model(client.get_model_version_download_uri(package, version.version))
        from nbrefactor_runtime import artifacts

        x = artifacts.load(str(next((workdir / "kfp_root").rglob(features))))
    finally:
        sys.path[:] = old_path
    predictions = model.predict(x)
    assert len(predictions) == len(x)
