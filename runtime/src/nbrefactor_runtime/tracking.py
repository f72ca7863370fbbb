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
import types
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
    to record what they return (unchanged) as metrics, each under the name of the model it
    evaluates when the call shows it (`<model>.accuracy_score`, see `evaluated_model`). Also reads
    the numbers the steps print as `name: number` / `name=number` with a metric-like name
    (`loss`, `val_accuracy`…): the step modules' `print` is the builtin behind a reader."""

    def __init__(self, spec: PackageSpec) -> None:
        self.spec = spec
        self.values: list[tuple[str, float]] = []
        self._patched: list[tuple[Any, str, Any]] = []
        self._printed_modules: list[Any] = []
        self._since_print: list[float] = []

    def _wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        name = original.__name__

        @functools.wraps(original)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            number = as_number(result)
            caller = sys._getframe(1)
            # Only the package's own calls: a library's internal ones (GridSearchCV scoring each
            # fold, `estimator.score`) are not the notebook's numbers.
            if number is not None and caller.f_globals.get("__name__", "").startswith(self.spec.package + "."):
                model = evaluated_model(caller, self.spec.package)
                if model:
                    self.values.append((f"{model}.{name}", number))
                    if model == self.spec.model_output:  # the registered model's keeps the plain name too
                        self.values.append((name, number))
                else:
                    self.values.append((name, number))
                self._since_print.append(number)
            return result

        recorded.__nbrefactor_recorded__ = True  # type: ignore[attr-defined]
        return recorded

    def _print(self, *args: Any, **kwargs: Any) -> None:
        import builtins

        builtins.print(*args, **kwargs)
        if kwargs.get("file") not in (None, sys.stdout):
            return
        recent, self._since_print = self._since_print, []
        text = str(kwargs.get("sep", " ")).join(str(a) for a in args)
        for label, number, digits in printed_metrics(text):
            if any(round(v, digits) == number for v in recent):
                continue  # `print("AUC", round(roc_auc_score(…), 3))`: recorded by the wrapper already
            self.values.append((f"printed.{label}", number))

    def _is_metric(self, value: Any) -> bool:
        return (
            callable(value)
            and getattr(value, "__module__", "").startswith("sklearn.metrics")
            and METRIC_FUNCTION.search(getattr(value, "__name__", "")) is not None
            and not getattr(value, "__nbrefactor_recorded__", False)
        )

    def __enter__(self) -> "MetricRecorder":
        steps = [importlib.import_module(f"{self.spec.package}.{m}") for m in sorted(set(self.spec.step_modules.values()))]
        targets = list(steps)
        if "sklearn.metrics" in sys.modules:
            targets.append(sys.modules["sklearn.metrics"])
        for module in targets:
            for attr, value in list(vars(module).items()):
                if self._is_metric(value):
                    self._patched.append((module, attr, value))
                    setattr(module, attr, self._wrap(value))
        for module in steps:
            if "print" not in vars(module):  # a module's own `print` is left alone
                module.print = self._print  # type: ignore[attr-defined]
                self._printed_modules.append(module)
        return self

    def __exit__(self, *exc: Any) -> None:
        for module, attr, value in reversed(self._patched):
            setattr(module, attr, value)
        self._patched.clear()
        for module in self._printed_modules:
            if vars(module).get("print") == self._print:
                del module.print  # type: ignore[attr-defined]
        self._printed_modules.clear()

    def take(self) -> list[tuple[str, float]]:
        taken, self.values = self.values, []
        return taken


# `loss: 0.31`, `val_accuracy=0.9`, `RMSE 12.5`: a name, then `:`/`=`/a space, then a number, on one line.
PRINTED_METRIC = re.compile(r"(?P<name>[A-Za-z][A-Za-z0-9_ ]{0,40}?)[ \t]*(?::|=|[ \t])[ \t]*(?P<value>[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?![\d.])")


def printed_metrics(text: str) -> list[tuple[str, float, int]]:
    """(name, number, decimals shown) for each `name: number` in printed text whose name is
    metric-like (`epoch 3 loss: 0.31` → loss; `epoch 3` is not a metric)."""
    found = []
    for match in PRINTED_METRIC.finditer(text):
        label = re.sub(r"[^0-9a-z]+", "_", match.group("name").strip().lower()).strip("_")
        if not METRIC_NAME.search(label):
            continue
        value = match.group("value")
        number = float(value)
        if math.isfinite(number):
            found.append((label, number, len(value.split(".")[1]) if "." in value else 0))
    return found
PREDICT_METHODS = frozenset({"predict", "predict_proba", "predict_log_proba", "decision_function", "score", "evaluate"})
_CALLS: dict[str, dict[tuple[int, int], tuple[Any, Any]]] = {}


def evaluated_model(frame: Any, package: str) -> str:
    """The model a metric call in the package's own code evaluates, read from the call in the
    source: `accuracy_score(y, rf.predict(X))` → `rf`; `accuracy_score(y, pred)` where the
    function last assigned `pred = rf.predict(X)` before the call → `rf`; a model bound by a loop
    over a mapping (`for name, m in models.items(): … m.predict(X)`) → the loop key's value
    (`name`) at the time of the call. "" when the call shows no model (then the plain name)."""
    if not frame.f_globals.get("__name__", "").startswith(package + "."):
        return ""
    code = frame.f_code
    try:
        positions = list(code.co_positions())[frame.f_lasti // 2]
    except (AttributeError, IndexError):  # Python < 3.11: the line only
        positions = (frame.f_lineno, None, None, None)
    calls = _calls_in(code.co_filename)
    found = calls.get((positions[0], positions[2])) if positions[2] is not None else None
    if found is None:
        on_line = [v for (line, _), v in calls.items() if line == positions[0]]
        if len(on_line) != 1:
            return ""
        found = on_line[0]
    call, function = found
    for argument in call.args:
        model = _model_in(argument, function, call.lineno)
        if model:
            return _model_label(model, function, frame)
    return ""


def _calls_in(filename: str) -> dict[tuple[int, int], tuple[Any, Any]]:
    """Every call in a source file by (line, column), with its innermost enclosing function."""
    if filename not in _CALLS:
        import ast

        table: dict[tuple[int, int], tuple[Any, Any]] = {}
        try:
            with open(filename, encoding="utf-8") as handle:
                tree = ast.parse(handle.read())
        except (OSError, SyntaxError, ValueError):
            tree = None

        def visit(node: Any, function: Any) -> None:
            for child in ast.iter_child_nodes(node):
                inner = child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
                if isinstance(child, ast.Call):
                    table[(child.lineno, child.col_offset)] = (child, function)
                visit(child, inner)

        if tree is not None:
            visit(tree, tree)
        _CALLS[filename] = table
    return _CALLS[filename]


def _model_in(node: Any, function: Any, before: int) -> str:
    import ast

    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr in PREDICT_METHODS and isinstance(sub.func.value, ast.Name):
            return sub.func.value.id
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Name):
        assigned = None
        for sub in ast.walk(function):
            if (isinstance(sub, ast.Assign) and sub.lineno < before
                    and any(isinstance(t, ast.Name) and t.id == node.id for t in sub.targets)
                    and (assigned is None or sub.lineno > assigned.lineno)):
                assigned = sub
        if assigned is not None:
            return _model_in(assigned.value, function, assigned.lineno)
    return ""


def _model_label(model: str, function: Any, frame: Any) -> str:
    import ast

    for sub in ast.walk(function):
        if isinstance(sub, ast.For) and isinstance(sub.target, ast.Tuple) and len(sub.target.elts) == 2:
            key, value = sub.target.elts
            if isinstance(value, ast.Name) and value.id == model and isinstance(key, ast.Name):
                label = frame.f_locals.get(key.id)
                if isinstance(label, str) and label.strip():
                    return metric_label(label)
    return metric_label(model)


def metric_label(text: str) -> str:
    """MLflow metric names allow letters, digits, `_ - . / ` and spaces."""
    return re.sub(r"[^A-Za-z0-9_\-./ ]+", "_", text).strip()[:120] or "model"


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
    # Before sklearn: LGBMClassifier and XGBClassifier are scikit-learn estimators too, but their
    # own MLflow flavours save them in their native formats.
    for name in ("xgboost", "lightgbm", "catboost"):
        if root == name or name in mro:
            return name
    if "sklearn" in mro:
        return "sklearn"
    if root == "statsmodels" or "statsmodels" in mro:
        return "statsmodels"
    # Before torch: on Keras 3's PyTorch backend every Keras layer and model is a torch.nn.Module.
    if "keras" in mro or "tf_keras" in mro or root == "tensorflow":
        return "keras"
    if "torch" in mro:
        return "pytorch"
    if callable(getattr(model, "predict", None)):
        return "pyfunc"
    return ""


EXAMPLE_ROWS = 5


def example_rows(value: Any, rows: int = EXAMPLE_ROWS) -> Any:
    """The first rows of the data a model is evaluated on, as MLflow takes an input example
    (a DataFrame, a numpy array, a sparse matrix); None when the value is none of those. A
    PyTorch tensor becomes its numpy array; a DataLoader or Dataset its first items' inputs."""
    module = type(value).__module__.split(".")[0]
    if module == "pandas":
        frame = value.to_frame() if hasattr(value, "to_frame") and not hasattr(value, "columns") else value
        return frame.head(rows)
    if module == "numpy" and hasattr(value, "shape") and getattr(value, "ndim", 0) >= 1:
        return value[:rows]
    if module == "scipy" and hasattr(value, "tocsr"):
        return value.tocsr()[:rows]
    if module == "torch":
        if hasattr(value, "detach"):
            return value[:rows].detach().cpu().numpy()
        dataset = getattr(value, "dataset", value)  # a DataLoader's data
        try:
            import numpy as np

            items = [dataset[i] for i in range(min(rows, len(dataset)))]
            first = [item[0] if isinstance(item, (tuple, list)) else item for item in items]
            return np.stack([x.detach().cpu().numpy() if hasattr(x, "detach") else np.asarray(x) for x in first])
        except Exception:  # noqa: BLE001 - not an indexable dataset of arrays: no example
            return None
    return None


def searched_model(model: Any) -> Any:
    """A fitted scikit-learn search (GridSearchCV, RandomizedSearchCV, the halving searches, any
    `BaseSearchCV` refit on the whole data) → its `best_estimator_`, the model its `predict` uses:
    what is registered and served is the estimator, not the search with its folds and results
    (`best_score_` / `best_params_` are logged as a metric and params). Anything else unchanged;
    a search without refit has no `best_estimator_` and stays the object it is."""
    if flavour_of(model) != "sklearn" or not hasattr(model, "best_params_"):
        return model
    best = getattr(model, "best_estimator_", None)  # absent (AttributeError) when refit=False
    return model if best is None else best


def with_preprocessing(model: Any, preprocessing: list[Any], names: tuple[str, ...] = ()) -> Any:
    """The model with the fitted transformers the notebook applied before it: a scikit-learn
    `Pipeline` when all are scikit-learn, else a pyfunc wrapper that applies them in order."""
    if not preprocessing:
        return model
    if flavour_of(model) == "sklearn" and all(flavour_of(t) == "sklearn" or "sklearn" in type(t).__module__ for t in preprocessing):
        from sklearn.pipeline import Pipeline

        labels = [(n or f"step{i}").replace("__", "_") for i, n in enumerate(names or [""] * len(preprocessing))]
        return Pipeline([*zip(labels, preprocessing), ("model", model)])
    wrapper = sys.modules[__name__].PredictWrapper
    return wrapper(model, list(preprocessing))


def log_model(model: Any, requirements: list[str], example: Any = None) -> Optional[str]:
    """Log the model with its flavour, explicit pip requirements and (when given) an input
    example — a few rows of the data it was evaluated on, from which MLflow also infers the
    signature; returns its model URI."""
    import mlflow

    flavour = flavour_of(model)
    options: dict[str, Any] = {"name": "model", "pip_requirements": list(requirements)}
    if example is not None:
        options["input_example"] = example
    if flavour == "sklearn":
        # MLflow's default sklearn format is skops, which refuses types it does not trust. This
        # run made the model, so the types it contains are trusted; cloudpickle when skops fails.
        try:
            import skops.io

            trusted = skops.io.get_untrusted_types(data=skops.io.dumps(model))
            options["pip_requirements"] = list(requirements) + _pins("skops")
            info = mlflow.sklearn.log_model(model, skops_trusted_types=trusted, **options)
        except Exception as exc:  # noqa: BLE001 - any skops failure: the portable format instead
            from nbrefactor_runtime.artifacts import skops_fallback

            print(skops_fallback(exc), file=sys.stderr)
            options["pip_requirements"] = list(requirements) + _pins("cloudpickle")
            info = mlflow.sklearn.log_model(model, serialization_format="cloudpickle", **options)
            mlflow.set_tag("nbrefactor.model_format", "cloudpickle")
    elif flavour in ("xgboost", "lightgbm", "catboost", "statsmodels"):
        info = importlib.import_module(f"mlflow.{flavour}").log_model(model, **options)
    elif flavour == "pytorch":
        # MLflow 3 defaults to the "pt2" (torch.export) format, which needs an example and traces
        # the model (refusing data-dependent control flow); pickle loads every nn.Module back.
        info = importlib.import_module("mlflow.pytorch").log_model(model, serialization_format="pickle", **options)
    elif flavour == "keras":
        info = _log_keras(model, options)
    elif flavour == "pyfunc":
        wrapper = model if isinstance(model, sys.modules[__name__].PredictWrapper) else sys.modules[__name__].PredictWrapper(model)
        info = mlflow.pyfunc.log_model(python_model=wrapper, **options)
    else:
        return None
    mlflow.set_tag("nbrefactor.model_flavour", flavour)
    mlflow.set_tag("nbrefactor.model_uri", info.model_uri)
    if example is not None:
        mlflow.set_tag("nbrefactor.input_example_rows", str(len(example) if hasattr(example, "__len__") else example.shape[0]))
    return info.model_uri


def _log_keras(model: Any, options: dict[str, Any]) -> Any:
    """`mlflow.keras` is the Keras 3 flavour and redirects to `mlflow.tensorflow` for Keras 2.
    With an input example, the Keras 3 flavour's `save_model` (MLflow 3.17) fails: it writes the
    example before it creates the model's folder (FileNotFoundError on `input_example.json`), and it
    never infers a signature from the example. So the signature is inferred here (the model's
    predictions on the example) and the folder made before the flavour saves into it."""
    import mlflow.keras
    from mlflow.models import Model, infer_signature

    example = options.get("input_example")
    keras_major = int(str(getattr(sys.modules.get("keras"), "__version__", "3")).split(".")[0] or 3)
    if example is None or keras_major < 3:
        return mlflow.keras.log_model(model, **options)

    def save_model(path: str, **kwargs: Any) -> Any:
        os.makedirs(path, exist_ok=True)
        return mlflow.keras.save_model(path=path, **kwargs)

    flavour = types.SimpleNamespace(__name__="mlflow.keras", save_model=save_model)
    signature = infer_signature(example, model.predict(example, verbose=0))
    return Model.log(artifact_path=None, name=options["name"], flavor=flavour, model=model, signature=signature,
                     input_example=example, pip_requirements=options["pip_requirements"])


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
            """A model with `predict` and no MLflow flavour, after the fitted transformers the
            notebook applied to its data (in that order)."""

            def __init__(self, model: Any, preprocessing: Optional[list[Any]] = None) -> None:
                self.model = model
                self.preprocessing = list(preprocessing or [])

            def predict(self, context, model_input, params=None):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN201 - MLflow reads type hints as a schema
                for transformer in self.preprocessing:
                    model_input = transformer.transform(model_input)
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
        self._params: dict[str, str] = {}
        self._seen: dict[str, Any] = {}
        self._preprocessing: list[Any] = []
        self._example: Any = None
        self._figures: list[str] = []

    def __enter__(self) -> "TrackedRun":
        if not self.run_id:
            self._digests = input_digests(self.spec, self.cfg)
        self.recorder.__enter__()
        return self

    def observe(self, step: str, values: dict[str, Any], inputs: Optional[dict[str, Any]] = None) -> None:
        """After step `step` returned `values` (`inputs`: what it was given, when the caller has
        them — the step runner does; `pipeline.run` observes every step, so earlier values are seen)."""
        self._metrics.extend(self.recorder.take())
        for name, value in named_metrics(values).items():
            for v in value if isinstance(value, list) else [value]:
                number = as_number(v)
                if number is not None:
                    self._metrics.append((name, number))
        for name, label in self.spec.shown_metrics.items():
            number = as_number(values.get(name)) if name in values else None
            if number is not None:
                self._metrics.append((metric_label(label), number))
        for name, value in values.items():  # GridSearchCV / RandomizedSearchCV after fit
            best_score, best_params = getattr(value, "best_score_", None), getattr(value, "best_params_", None)
            if as_number(best_score) is not None and isinstance(best_params, dict):
                self._metrics.append((f"{metric_label(name)}.best_score_", as_number(best_score)))  # type: ignore[arg-type]
                self._params.update({f"{name}.best_params_.{k}"[:250]: str(v)[:6000] for k, v in best_params.items()})
        self._seen.update(inputs or {})
        self._seen.update(values)
        model_output = self.spec.model_output
        if step == (self.spec.model_step or self.spec.training_step) and model_output and model_output in self._seen:
            self._model = self._seen[model_output]
            self._preprocessing = [self._seen[n] for n in self.spec.preprocessing if n in self._seen]
            if len(self._preprocessing) != len(self.spec.preprocessing):
                self._preprocessing = []
            example = self._seen.get(self.spec.example_input) if self.spec.example_input else None
            self._example = example_rows(example) if example is not None else None
        from . import artifacts

        self._figures.extend(artifacts.take_figures())
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
                secret = set(self.spec.secret_fields)  # a credential is never a param: stored and shown with the run
                mlflow.log_params({f.name: getattr(self.cfg, f.name) for f in dataclasses.fields(self.cfg) if f.name not in secret})
                mlflow.set_tags({"nbrefactor.model": self.spec.model_name, "nbrefactor.training_step": str(self.spec.training_step)})
                log_datasets(self.spec, self.cfg, self._digests)
            counters: dict[str, int] = {}
            for name, value in self._metrics:
                index = counters.get(name, 0)
                counters[name] = index + 1
                mlflow.log_metric(name, value, step=index)
            if self._params:
                mlflow.log_params(self._params)
            for path in self._figures:  # save_figure's files, beside the local copy
                if os.path.isfile(path):
                    mlflow.log_artifact(path, artifact_path="figures")
            mlflow.set_tags({f"nbrefactor.step.{step}": "done" for step in self._steps})
            if self._model is not None and not failed:
                estimator = searched_model(self._model)
                model = with_preprocessing(estimator, self._preprocessing, self.spec.preprocessing)
                mlflow.set_tag("nbrefactor.model_output", self.spec.model_output)
                if estimator is not self._model:
                    mlflow.set_tag("nbrefactor.model_attribute", "best_estimator_")
                if self._preprocessing:
                    mlflow.set_tag("nbrefactor.preprocessing", ",".join(self.spec.preprocessing))
                self.model_uri = log_model(model, list(self.spec.requirements), self._example)
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
