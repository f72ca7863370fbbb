"""MLflow tracking of a generated package: the run records the config as params, the metrics the
notebook computed, the input data with a full sha256 digest, and the trained model (registered
under the package's model name with the alias `candidate`).

Tracking only observes: it never changes a value the steps compute. It is skipped when mlflow is
not installed, when `<ENV_PREFIX>_NO_TRACKING` or `NBREFACTOR_NO_TRACKING` is set to 1/true,
or when `pipeline.run(..., tracking=False)` is called. The tracking URI is `MLFLOW_TRACKING_URI`,
else a sqlite database in the run's artifacts folder (`sqlite:///<artifacts_dir>/mlflow.db`).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import math
import numbers
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any, Callable, Optional

from .spec import PackageSpec

ALIAS = "candidate"
DIGEST_CHARS = 36  # the longest dataset digest MLflow's store accepts
# A value named like a metric (`accuracy`, `test_auc`, `rmse`…) is logged when it is a number.
METRIC_NAME = re.compile(r"(?:^|_)(acc|accuracy|auc|roc_auc|f1|f1_score|precision|recall|rmse|mse|mae|mape|r2|loss|logloss|log_loss|score|error|err)(?:$|_)", re.I)
# Functions from sklearn.metrics whose results are recorded when a step calls them.
METRIC_FUNCTION = re.compile(r"(_score|_error|_loss|^r2_score)$")


def disabled_by_environment(spec: PackageSpec) -> bool:
    for key in (f"{spec.env_prefix}_NO_TRACKING", "NBREFACTOR_NO_TRACKING"):
        if os.environ.get(key, "").strip().lower() in ("1", "true", "yes", "on"):
            return True
    return False


def enabled(spec: PackageSpec, flag: Optional[bool] = None) -> bool:
    if flag is False or (flag is None and disabled_by_environment(spec)):
        return False
    try:
        importlib.import_module("mlflow")
    except ImportError:
        if flag:
            raise
        warnings.warn("mlflow is not installed: the run is not tracked", stacklevel=2)
        return False
    return True


def tracking_uri(artifacts_dir: str, explicit: str = "") -> str:
    if explicit:
        return explicit
    if os.environ.get("MLFLOW_TRACKING_URI"):
        return os.environ["MLFLOW_TRACKING_URI"]
    folder = Path(artifacts_dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'mlflow.db'}"


def sha256_of(path: str, algorithm: str = "sha256") -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def as_number(value: Any) -> Optional[float]:
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real):
        number = float(value)
    else:
        try:  # numpy scalars and 0-d arrays, torch scalars
            if getattr(value, "shape", None) not in ((), None) or not hasattr(value, "item"):
                return None
            number = float(value.item())
        except (TypeError, ValueError):
            return None
    return number if math.isfinite(number) else None


class MetricRecorder:
    """Wraps sklearn.metrics functions that the step modules call, for the duration of the run,
    to record what they return (unchanged) as metrics."""

    def __init__(self, spec: PackageSpec) -> None:
        self.spec = spec
        self.values: list[tuple[str, float]] = []
        self._patched: list[tuple[Any, str, Any]] = []

    def _wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        name = original.__name__

        @functools.wraps(original)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            number = as_number(result)
            if number is not None:
                self.values.append((name, number))
            return result

        recorded.__nbrefactor_recorded__ = True  # type: ignore[attr-defined]
        return recorded

    def _is_metric(self, value: Any) -> bool:
        return (
            callable(value)
            and getattr(value, "__module__", "").startswith("sklearn.metrics")
            and METRIC_FUNCTION.search(getattr(value, "__name__", "")) is not None
            and not getattr(value, "__nbrefactor_recorded__", False)
        )

    def __enter__(self) -> "MetricRecorder":
        targets = [importlib.import_module(f"{self.spec.package}.{m}") for m in sorted(set(self.spec.step_modules.values()))]
        if "sklearn.metrics" in sys.modules:
            targets.append(sys.modules["sklearn.metrics"])
        for module in targets:
            for attr, value in list(vars(module).items()):
                if self._is_metric(value):
                    self._patched.append((module, attr, value))
                    setattr(module, attr, self._wrap(value))
        return self

    def __exit__(self, *exc: Any) -> None:
        for module, attr, value in reversed(self._patched):
            setattr(module, attr, value)
        self._patched.clear()

    def take(self) -> list[tuple[str, float]]:
        taken, self.values = self.values, []
        return taken


def named_metrics(values: dict[str, Any]) -> dict[str, Any]:
    """Scalars named like metrics, and Keras `History` objects, among a step's values."""
    found: dict[str, Any] = {}
    for name, value in values.items():
        history = getattr(value, "history", None)
        if isinstance(history, dict) and history and all(isinstance(v, (list, tuple)) for v in history.values()):
            found.update({f"{name}.{k}": list(v) for k, v in history.items()})
            continue
        number = as_number(value)
        if number is not None and METRIC_NAME.search(name):
            found[name] = number
    return found


def flavour_of(model: Any) -> str:
    root = type(model).__module__.split(".")[0]
    mro = {c.__module__.split(".")[0] for c in type(model).__mro__}
    if "sklearn" in mro:
        return "sklearn"
    for name in ("xgboost", "lightgbm", "catboost", "statsmodels"):
        if root == name or name in mro:
            return name
    if "torch" in mro:
        return "pytorch"
    if "keras" in mro or "tf_keras" in mro or root == "tensorflow":
        return "keras"
    if callable(getattr(model, "predict", None)):
        return "pyfunc"
    return ""


def log_model(model: Any, requirements: list[str]) -> Optional[str]:
    """Log the model with its flavour and explicit pip requirements; returns its model URI."""
    import mlflow

    flavour = flavour_of(model)
    options = {"name": "model", "pip_requirements": list(requirements)}
    if flavour == "sklearn":
        # MLflow's default sklearn format is skops, which refuses types it does not trust. This
        # run made the model, so the types it contains are trusted; cloudpickle when skops fails.
        try:
            import skops.io

            trusted = skops.io.get_untrusted_types(data=skops.io.dumps(model))
            options["pip_requirements"] = list(requirements) + _pins("skops")
            info = mlflow.sklearn.log_model(model, skops_trusted_types=trusted, **options)
        except Exception:  # noqa: BLE001 - any skops failure: the portable format instead
            options["pip_requirements"] = list(requirements) + _pins("cloudpickle")
            info = mlflow.sklearn.log_model(model, serialization_format="cloudpickle", **options)
    elif flavour == "xgboost":
        info = importlib.import_module("mlflow.xgboost").log_model(model, **options)
    elif flavour == "lightgbm":
        info = importlib.import_module("mlflow.lightgbm").log_model(model, **options)
    elif flavour == "catboost":
        info = importlib.import_module("mlflow.catboost").log_model(model, **options)
    elif flavour == "statsmodels":
        info = importlib.import_module("mlflow.statsmodels").log_model(model, **options)
    elif flavour == "pytorch":
        info = importlib.import_module("mlflow.pytorch").log_model(model, **options)
    elif flavour == "keras":
        info = importlib.import_module("mlflow.tensorflow").log_model(model, **options)
    elif flavour == "pyfunc":
        info = mlflow.pyfunc.log_model(python_model=sys.modules[__name__].PredictWrapper(model), **options)
    else:
        return None
    mlflow.set_tag("nbrefactor.model_flavour", flavour)
    mlflow.set_tag("nbrefactor.model_uri", info.model_uri)
    return info.model_uri


def _pins(*distributions: str) -> list[str]:
    from importlib.metadata import PackageNotFoundError, version

    pins = []
    for name in distributions:
        try:
            pins.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            pins.append(name)
    return pins


def __getattr__(name: str) -> Any:
    """`PredictWrapper`, a pyfunc wrapper for models with `predict` but no MLflow flavour, made on
    first use: importing mlflow.pyfunc takes seconds, and every step process imports this module."""
    if name != "PredictWrapper":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        import mlflow.pyfunc as _pyfunc
    except ImportError:  # pragma: no cover - only used when mlflow is installed
        wrapper = None
    else:

        class PredictWrapper(_pyfunc.PythonModel):
            def __init__(self, model: Any) -> None:
                self.model = model

            def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
                return self.model.predict(model_input)

        wrapper = PredictWrapper
    globals()["PredictWrapper"] = wrapper
    return wrapper


def input_digests(spec: PackageSpec, cfg: Any) -> dict[str, str]:
    """sha256 of each local input file the config names (read only)."""
    digests: dict[str, str] = {}
    for name in spec.input_fields:
        path = str(getattr(cfg, name, ""))
        if path and "://" not in path and os.path.isfile(path):
            digests[name] = sha256_of(path)
    return digests


def log_datasets(spec: PackageSpec, cfg: Any, digests: Optional[dict[str, str]] = None) -> dict[str, str]:
    """Each input file as an MLflow dataset whose digest is the file's sha256."""
    import mlflow
    import mlflow.data

    digests = input_digests(spec, cfg) if digests is None else digests
    for name, full in digests.items():
        path = str(getattr(cfg, name))
        # MLflow stores at most 36 characters of a dataset digest (its sqlite schema refuses
        # more): the digest field holds the sha256's first 36 hex digits, the input tag
        # `sha256` and the run tag `nbrefactor.sha256.<field>` the full one.
        digest = full[:DIGEST_CHARS]
        source = str(Path(path).resolve())
        dataset = None
        if path.lower().endswith((".csv", ".tsv", ".txt")):
            try:
                import pandas as pd

                frame = pd.read_csv(path, sep="\t" if path.lower().endswith(".tsv") else ",")
                dataset = mlflow.data.from_pandas(frame, source=source, name=name, digest=digest)
            except Exception:  # noqa: BLE001 - not a table: logged by digest only
                dataset = None
        if dataset is None:
            from mlflow.data.dataset_source_registry import resolve_dataset_source
            from mlflow.data.meta_dataset import MetaDataset

            dataset = MetaDataset(resolve_dataset_source(source), name=name, digest=digest)
        mlflow.log_input(dataset, context="training", tags={"sha256": full, "config_field": name})
        mlflow.set_tag(f"nbrefactor.sha256.{name}", full)
        # The version DVC knows the file by (its md5, as in dvc.lock and the file's `.dvc`).
        mlflow.set_tag(f"nbrefactor.dvc_md5.{name}", sha256_of(path, "md5"))
    return digests


class TrackedRun:
    """One MLflow run around the training step and the steps after it (the metrics the notebook
    computes often come after the fit). Use `observe(step, values)` after each step.

    Nothing is written while the steps run: digests are taken before the first step (read only),
    metrics and the model are collected as the steps return, and the run is written to MLflow when
    the block ends (FAILED if a step raised). The steps see exactly the files they would see
    untracked — no store or folder appears beside them mid-run."""

    def __init__(self, spec: PackageSpec, cfg: Any, run_id: str = "", uri: str = "") -> None:
        self.spec = spec
        self.cfg = cfg
        self.run_id = run_id
        self.explicit_uri = uri
        self.uri = ""
        self.model_uri: Optional[str] = None
        self.recorder = MetricRecorder(spec)
        self._metrics: list[tuple[str, float]] = []
        self._model: Any = None
        self._steps: list[str] = []
        self._digests: dict[str, str] = {}

    def __enter__(self) -> "TrackedRun":
        if not self.run_id:
            self._digests = input_digests(self.spec, self.cfg)
        self.recorder.__enter__()
        return self

    def observe(self, step: str, values: dict[str, Any]) -> None:
        self._metrics.extend(self.recorder.take())
        for name, value in named_metrics(values).items():
            for v in value if isinstance(value, list) else [value]:
                number = as_number(v)
                if number is not None:
                    self._metrics.append((name, number))
        model_output = self.spec.model_output
        if step == self.spec.training_step and model_output and model_output in values:
            self._model = values[model_output]
        self._steps.append(step)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.recorder.__exit__()
        self._write(failed=exc_type is not None)

    def _write(self, failed: bool) -> None:
        import dataclasses

        import mlflow

        # Decided before mlflow.set_tracking_uri, which exports MLFLOW_TRACKING_URI itself.
        previous = os.environ.get("MLFLOW_TRACKING_URI")
        embedded = not self.explicit_uri and not previous
        self.uri = tracking_uri(self.cfg.artifacts_dir, self.explicit_uri)
        mlflow.set_tracking_uri(self.uri)
        try:
            if self.run_id:
                mlflow.start_run(run_id=self.run_id)
            else:
                experiment = mlflow.get_experiment_by_name(self.spec.model_name)
                if experiment is None:
                    location = None
                    if embedded:  # keep the artifacts beside the sqlite file
                        location = (Path(self.cfg.artifacts_dir).resolve() / "mlartifacts").as_uri()
                    experiment_id = mlflow.create_experiment(self.spec.model_name, artifact_location=location)
                else:
                    experiment_id = experiment.experiment_id
                run = mlflow.start_run(experiment_id=experiment_id, run_name=f"{self.spec.model_name}-{self.spec.training_step or 'run'}")
                self.run_id = run.info.run_id
                mlflow.log_params({f.name: getattr(self.cfg, f.name) for f in dataclasses.fields(self.cfg)})
                mlflow.set_tags({"nbrefactor.audit.types": self.spec.model_name, "nbrefactor.training_step": str(self.spec.training_step)})
                log_datasets(self.spec, self.cfg, self._digests)
            counters: dict[str, int] = {}
            for name, value in self._metrics:
                index = counters.get(name, 0)
                counters[name] = index + 1
                mlflow.log_metric(name, value, step=index)
            mlflow.set_tags({f"nbrefactor.step.{step}": "done" for step in self._steps})
            if self._model is not None and not failed:
                self.model_uri = log_model(self._model, list(self.spec.requirements))
            mlflow.end_run(status="FAILED" if failed else "FINISHED")
        except BaseException:
            mlflow.end_run(status="FAILED")
            raise
        finally:
            _restore_environment(previous)


def _restore_environment(previous: Optional[str]) -> None:
    """mlflow.set_tracking_uri exports MLFLOW_TRACKING_URI: undo it, so the next run in this
    process picks its own default store instead of inheriting this one."""
    if previous is None:
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    else:
        os.environ["MLFLOW_TRACKING_URI"] = previous


def register(spec: PackageSpec, run_id: str, uri: str, alias: str = ALIAS) -> Optional[str]:
    """Register the run's model under the package's model name and point `alias` at it; returns
    the version."""
    import mlflow
    from mlflow import MlflowClient

    previous = os.environ.get("MLFLOW_TRACKING_URI")
    mlflow.set_tracking_uri(uri)
    try:
        client = MlflowClient(uri)
        model_uri = client.get_run(run_id).data.tags.get("nbrefactor.model_uri")
        if not model_uri:
            return None
        version = mlflow.register_model(model_uri, spec.model_name)
        client.set_registered_model_alias(spec.model_name, alias, version.version)
        return str(version.version)
    finally:
        _restore_environment(previous)
