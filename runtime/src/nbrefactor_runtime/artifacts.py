"""Files a generated package's steps produce besides their values: figures the notebook displayed
inline (saved here instead), and the serialisation of values that cross a step boundary: typed
formats where one round-trips the value exactly (Parquet, `.npy`, a model's MLflow flavour, torch),
pickle for the rest.

A fitted model of scikit-learn, XGBoost, LightGBM, CatBoost or Keras crosses as the folder its
MLflow flavour's `save_model` writes (an `MLmodel` file and the model in the library's own format:
skops for scikit-learn, JSON/UBJ for XGBoost, text for a LightGBM Booster, `.cbm` for CatBoost,
`.keras` for Keras), and the next step gets the native model back from the flavour's `load_model`
(not a pyfunc wrapper).

PyTorch values are written with `torch.save` wherever they are — a tensor or module, and any value
holding one (a list of tensors, a dict with a model and its optimizer, a notebook's object with a
module inside) — so `load` maps every tensor onto the loading step's device (`map_location`): a
CPU step reads what a GPU step wrote."""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import sys
import tempfile
import types
from pathlib import Path
from typing import Any, Optional

# Set by the package's `pipeline.run` (and the step runner) from the config's `artifacts_dir`.
OUTPUT_DIR = "artifacts"
_saved: dict[str, int] = {}
_figures: list[str] = []  # saved since the tracked run last took them (logged as MLflow artifacts)


def reset(output_dir: str) -> None:
    global OUTPUT_DIR
    OUTPUT_DIR = output_dir
    _saved.clear()
    _figures.clear()


def take_figures() -> list[str]:
    """The figures saved since the last call (the tracked run logs them as artifacts)."""
    taken = list(_figures)
    _figures.clear()
    return taken


def save_figure(name: str) -> str:
    """Save the current figure as `<name>.png` (`<name>-2.png`… when a loop shows several)."""
    import matplotlib.pyplot as plt

    folder = Path(OUTPUT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    _saved[name] = _saved.get(name, 0) + 1
    suffix = "" if _saved[name] == 1 else f"-{_saved[name]}"
    path = folder / f"{name}{suffix}.png"
    plt.gcf().savefig(path)
    plt.close("all")
    _figures.append(str(path))
    return str(path)


PARQUET, NPY, TORCH, PICKLE = "parquet", "npy", "torch", "pickle"
# A model saved by its MLflow flavour: the format is "mlflow.<flavour>" (`MODEL_FLAVOURS`).
MLFLOW = "mlflow"
MODEL_FLAVOURS = ("sklearn", "xgboost", "lightgbm", "catboost", "keras")
FORMATS = (PARQUET, NPY, TORCH, PICKLE, *(f"{MLFLOW}.{f}" for f in MODEL_FLAVOURS))


def save(value: Any, path: str) -> str:
    """Write a value that crosses a step boundary to `path` in the best format it round-trips
    through exactly; returns the format's name (`FORMATS`).

    - a pandas DataFrame or Series: Parquet, when reading it back gives the same value (values,
      dtypes, index and column labels with their types and names, `attrs`); checked on the bytes
      written;
    - a numpy ndarray (not object dtype, not a subclass): `.npy` (`numpy.save`, no pickle);
    - a fitted model of a library with an MLflow flavour (`model_flavour`): the flavour's
      `save_model` folder at `path` ("mlflow.<flavour>"), when it saves and loads back as a value
      of the same class; a model inside another value (a list of models, a dict with a model) is
      not one: the whole value is pickled, so what it shares stays shared;
    - a torch Tensor or Module, or any value that holds one (found while pickling it):
      `torch.save` (cloudpickle inside, for classes the notebook defined), so `load` maps a GPU
      step's tensors onto the loading step's device;
    - anything else, and a frame Parquet would change: cloudpickle (functions the notebook
      defined travel with their values), else pickle.

    The file is the format itself (a `.npy` or Parquet reader opens it; kfp names the file, so no
    suffix): `load` tells the formats apart by their leading bytes, and a model folder by its
    `MLmodel` file."""
    flavour = _save_model_folder(value, path)
    if flavour:
        return f"{MLFLOW}.{flavour}"
    data, fmt = encode(value)
    _write_atomically(path, data)
    return fmt


def encode(value: Any) -> tuple[bytes, str]:
    """The bytes `save` writes for `value`, and their format's name."""
    for fmt, encoder in ((PARQUET, _parquet), (NPY, _npy), (TORCH, _torch)):
        data = encoder(value)
        if data is not None:
            return data, fmt
    data, holds_tensors = _pickle_noting_tensors(value)
    if holds_tensors:  # a container of tensors, a model inside an object: mapped on load
        return _torch_save(value), TORCH
    return data, PICKLE


def load(path: str, device: Optional[str] = None) -> Any:
    """The value saved at `path`. `device`: the device the loading step runs on (its config's
    device field): PyTorch values inside a pickled value land there, so a CPU step reads what a
    GPU step wrote."""
    if os.path.isdir(path):
        return load_model_folder(path)
    with open(path, "rb") as handle:
        data = handle.read()
    return decode(data, device)


def decode(data: bytes, device: Optional[str] = None) -> Any:
    fmt = format_of(data)
    if fmt == PARQUET:
        return _read_parquet(data)
    if fmt == NPY:
        import numpy as np

        return np.load(io.BytesIO(data), allow_pickle=False)
    if fmt == TORCH:
        return _read_torch(data, device)
    if device is not None:
        return _DeviceUnpickler(io.BytesIO(data), device).load()
    return pickle.loads(data)


class _DeviceUnpickler(pickle.Unpickler):
    """Unpickles PyTorch values onto `device`: tensor storages through `torch.load(map_location=)`
    (a pickle holding tensors, as earlier runtime versions wrote), `torch.device` values as
    `device`, so every value a step gets lives where the step runs."""

    def __init__(self, handle: Any, device: str, **options: Any) -> None:
        super().__init__(handle, **options)
        self.device = device

    def find_class(self, module: str, name: str) -> Any:
        if module == "torch.storage" and name == "_load_from_bytes":
            import torch

            return lambda data: torch.load(io.BytesIO(data), map_location=self.device, weights_only=False)
        if module == "torch" and name == "device":
            import torch

            return lambda *_: torch.device(self.device)
        return super().find_class(module, name)


def format_of(data: bytes) -> str:
    """The format of bytes `save` wrote, from their leading bytes (Parquet: `PAR1`; `.npy`:
    `\\x93NUMPY`; torch.save's zip archive: `PK\\x03\\x04`; else pickle)."""
    if data[:4] == b"PAR1" and data[-4:] == b"PAR1":
        return PARQUET
    if data[:6] == b"\x93NUMPY":
        return NPY
    if data[:4] == b"PK\x03\x04":
        return TORCH
    return PICKLE


def _write_atomically(path: str, data: bytes) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if os.path.isdir(path):  # a model folder saved there before
            shutil.rmtree(path)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


# --- models through their MLflow flavour ------------------------------------------------------------

_MLMODEL = "MLmodel"
_FLAVOUR_KEY = "nbrefactor.flavour"  # in the MLmodel's metadata: the flavour to load it with
_PARAMS = "nbrefactor-params.json"  # a scikit-learn wrapper's parameters as the notebook set them


def model_flavour(value: Any) -> str:
    """The MLflow flavour a value crossing steps is saved with: "sklearn" for a scikit-learn
    estimator (a fitted transformer too), "xgboost" / "lightgbm" / "catboost" for their models
    (boosters and scikit-learn wrappers: their own flavours keep their native formats), "keras"
    for a Keras model; "" for anything else (also a value holding models). Only libraries already
    imported are asked: a value can only be one of their models when its library is loaded."""
    modules = sys.modules
    xgboost, lightgbm, catboost = modules.get("xgboost"), modules.get("lightgbm"), modules.get("catboost")
    if xgboost is not None and isinstance(value, (xgboost.Booster, xgboost.XGBModel)):
        return "xgboost"
    if lightgbm is not None and isinstance(value, (lightgbm.Booster, lightgbm.LGBMModel)):
        return "lightgbm"
    if catboost is not None and isinstance(value, catboost.CatBoost):
        return "catboost"
    keras = modules.get("keras")
    if keras is not None and isinstance(value, getattr(keras, "Model", ())):
        return "keras"
    base = modules.get("sklearn.base")
    if base is not None and isinstance(value, base.BaseEstimator):
        return "sklearn"
    return ""


def _save_model_folder(value: Any, path: str) -> str:
    """Save `value` with its MLflow flavour into a folder at `path` (replacing what is there);
    returns the flavour, or "" when it has none, or saving or loading it back fails, or the loaded
    value is of another class — the caller then writes one of the file formats. The folder is
    written beside `path` and moved there whole."""
    flavour = model_flavour(value)
    if not flavour:
        return ""
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(dir=parent, prefix=".tmp-")
    written = os.path.join(staging, "model")
    try:
        _FLAVOUR_SAVERS[flavour](value, written)
        if flavour != "sklearn" and callable(getattr(value, "get_params", None)):
            # A scikit-learn wrapper of a native model (XGBClassifier, LGBMClassifier, CatBoost…):
            # its flavour restores it from the native file, which fills in parameters the user
            # left unset (`base_score=None` comes back as the booster's value). The parameters as
            # given are kept beside it and set again on load.
            with open(os.path.join(written, _PARAMS), "w", encoding="utf-8") as out:
                json.dump(value.get_params(deep=False), out, sort_keys=True)
        back = load_model_folder(written)
        if type(back) is not type(value) or not _same_params(value, back):
            return ""
    except Exception:  # noqa: BLE001 - a model the flavour cannot save: a file format instead
        return ""
    else:
        if os.path.isdir(path):
            old = os.path.join(staging, "old")
            os.replace(path, old)
        elif os.path.exists(path):
            os.unlink(path)
        os.replace(written, path)
        return flavour
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def load_model_folder(path: str) -> Any:
    """The native model in a folder `save` wrote with an MLflow flavour (its `load_model`, not
    pyfunc)."""
    from mlflow.models import Model

    flavours = Model.load(os.path.join(path, _MLMODEL))
    flavour = (flavours.metadata or {}).get(_FLAVOUR_KEY) or next(f for f in MODEL_FLAVOURS if f in flavours.flavors)
    import importlib

    model = importlib.import_module(f"mlflow.{flavour}").load_model(path)
    params = os.path.join(path, _PARAMS)
    if os.path.exists(params):
        with open(params, encoding="utf-8") as handle:
            given = json.load(handle)
        init_params = getattr(model, "_init_params", None)
        if isinstance(init_params, dict):
            # CatBoost keeps its parameters there and refuses `set_params` once fitted; its loader
            # filled in more than were given (`loss_function`).
            init_params.clear()
            init_params.update(given)
        else:
            model.set_params(**given)
    return model


def _same_params(left: Any, right: Any) -> bool:
    """A model with parameters (`get_params`) has the same ones after the round trip (compared by
    their repr: estimators nested in them compare by their own parameters)."""
    if not callable(getattr(left, "get_params", None)):
        return True
    try:
        return repr(sorted(left.get_params(deep=True).items())) == repr(sorted(right.get_params(deep=True).items()))
    except Exception:  # noqa: BLE001 - parameters that cannot be read or compared: not the same
        return False


def _save_options(flavour: str) -> dict[str, Any]:
    # Explicit (empty) requirements: inferring them starts a process that loads the model again.
    return {"pip_requirements": [], "metadata": {_FLAVOUR_KEY: flavour}}


def _save_sklearn(model: Any, path: str) -> None:
    """skops (no pickle) with the model's own types trusted — this run made it —, cloudpickle
    inside the flavour's folder when skops cannot hold it."""
    import mlflow.sklearn

    try:
        import skops.io

        trusted = skops.io.get_untrusted_types(data=skops.io.dumps(model))
        mlflow.sklearn.save_model(model, path, serialization_format="skops", skops_trusted_types=trusted, **_save_options("sklearn"))
    except Exception as exc:  # noqa: BLE001 - any skops failure: the flavour's cloudpickle format
        shutil.rmtree(path, ignore_errors=True)
        print(skops_fallback(exc), file=sys.stderr)
        mlflow.sklearn.save_model(model, path, serialization_format="cloudpickle", **_save_options("sklearn"))


def skops_fallback(exc: BaseException) -> str:
    """The one line said when a scikit-learn model is written with cloudpickle instead of skops:
    never silently (a missing skops means the image lacks a pin requirements-pipeline.txt has)."""
    if isinstance(exc, ImportError) and (getattr(exc, "name", "") or "").split(".")[0] == "skops":
        why = "skops is not installed (requirements-pipeline.txt pins it)"
    else:
        why = f"skops could not write it ({type(exc).__name__}: {exc})"
    return f"nbrefactor-runtime: scikit-learn model saved with cloudpickle, not skops: {why}"


def _save_with(flavour: str) -> Any:
    def save_model(model: Any, path: str) -> None:
        import importlib

        importlib.import_module(f"mlflow.{flavour}").save_model(model, path, **_save_options(flavour))

    return save_model


_FLAVOUR_SAVERS = {
    "sklearn": _save_sklearn,
    "xgboost": _save_with("xgboost"),
    "lightgbm": _save_with("lightgbm"),
    "catboost": _save_with("catboost"),
    "keras": _save_with("keras"),
}


def _pickle(value: Any) -> bytes:
    try:
        import cloudpickle as dumper
    except ImportError:  # pragma: no cover - cloudpickle comes with mlflow
        dumper = pickle  # type: ignore[assignment]
    return dumper.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


# A Series travels as a one-column frame; its name and attrs ride in the frame's attrs, which
# pandas keeps in the Parquet metadata.
_SERIES_KEY = "nbrefactor.series"
_SERIES_COLUMN = "__series__"


def _parquet(value: Any) -> Optional[bytes]:
    pd = sys.modules.get("pandas")  # a value can only be a DataFrame when pandas is imported
    if pd is None or type(value) not in (pd.DataFrame, pd.Series):
        return None
    try:
        import pyarrow  # noqa: F401 - pandas' Parquet engine
    except ImportError:
        return None
    if type(value) is pd.Series:
        frame = value.to_frame(name=_SERIES_COLUMN)
        frame.attrs = {_SERIES_KEY: {"name": value.name, "attrs": value.attrs}}
    else:
        frame = value
    buffer = io.BytesIO()
    try:
        frame.to_parquet(buffer, engine="pyarrow")
        data = buffer.getvalue()
        back = _read_parquet(data)
    except Exception:  # noqa: BLE001 - what Parquet cannot hold (mixed object columns, duplicate labels…) is pickled
        return None
    if type(value) is pd.Series:
        return data if type(back) is pd.Series and same_series(value, back) else None
    return data if same_frame(value, back) else None


def _read_parquet(data: bytes) -> Any:
    # Not `pd.read_parquet`: it reads through Arrow's dataset scanner, which starts Arrow's C++
    # thread pools, and a process that exits with those threads alive aborts now and then
    # ("terminate called without an active exception", exit -6; apache/arrow#34314). A kfp step
    # that wrote every output and then died that way is a failed step. A single-threaded read of
    # one in-memory file starts no thread; the attrs are restored as pandas restores them.
    import json

    import pyarrow
    import pyarrow.parquet

    table = pyarrow.parquet.ParquetFile(pyarrow.BufferReader(data)).read(use_threads=False, use_pandas_metadata=True)
    frame = table.to_pandas(use_threads=False)
    attrs = (table.schema.metadata or {}).get(b"PANDAS_ATTRS")
    if attrs is not None:
        frame.attrs = json.loads(attrs)
    series = frame.attrs.get(_SERIES_KEY)
    if isinstance(series, dict) and list(frame.columns) == [_SERIES_COLUMN]:
        value = frame[_SERIES_COLUMN].rename(series.get("name"))
        value.attrs = dict(series.get("attrs") or {})
        return value
    return frame


def same_series(left: Any, right: Any) -> bool:
    """`same_frame` for a Series: values, dtype, index, name (and its type), attrs."""
    from pandas.testing import assert_series_equal

    try:
        assert_series_equal(left, right, check_exact=True, check_dtype=True, check_index_type=True,
                            check_names=True, check_freq=True, check_flags=True)
    except AssertionError:
        return False
    return (
        str(left.dtype) == str(right.dtype) and left.dtype == right.dtype
        and type(left.name) is type(right.name) and left.name == right.name
        and _same_labels(left.index, right.index) and left.attrs == right.attrs
    )


def same_frame(left: Any, right: Any) -> bool:
    """`right` is `left` exactly: values (NaN where NaN), each column's dtype (object is not str),
    index and column labels with their classes, dtypes (each level's too), names and freq, attrs."""
    from pandas.testing import assert_frame_equal

    try:
        assert_frame_equal(left, right, check_exact=True, check_dtype=True, check_index_type=True,
                           check_column_type=True, check_names=True, check_freq=True, check_flags=True)
    except AssertionError:
        return False
    if [str(d) for d in left.dtypes] != [str(d) for d in right.dtypes] or list(left.dtypes) != list(right.dtypes):
        return False
    return (
        _same_labels(left.index, right.index)
        and _same_labels(left.columns, right.columns)
        and left.attrs == right.attrs
    )


def _same_labels(left: Any, right: Any) -> bool:
    if type(left) is not type(right) or list(left.names) != list(right.names):
        return False
    if getattr(left, "nlevels", 1) > 1:
        return all(str(a.dtype) == str(b.dtype) and a.dtype == b.dtype for a, b in zip(left.levels, right.levels))
    return str(left.dtype) == str(right.dtype) and left.dtype == right.dtype and getattr(left, "freq", None) == getattr(right, "freq", None)


def _npy(value: Any) -> Optional[bytes]:
    np = sys.modules.get("numpy")
    if np is None or type(value) is not np.ndarray or value.dtype.hasobject:
        return None
    buffer = io.BytesIO()
    np.save(buffer, value, allow_pickle=False)
    return buffer.getvalue()


def _torch(value: Any) -> Optional[bytes]:
    torch = sys.modules.get("torch")
    if torch is None or not isinstance(value, (torch.Tensor, torch.nn.Module)):
        return None
    return _torch_save(value)


def _torch_save(value: Any) -> bytes:
    import torch

    try:
        import cloudpickle as pickle_module
    except ImportError:  # pragma: no cover
        pickle_module = pickle  # type: ignore[assignment]
    buffer = io.BytesIO()
    torch.save(value, buffer, pickle_module=pickle_module)
    return buffer.getvalue()


class _HoldsTensors(Exception):
    """Raised while pickling a value on meeting its first tensor: the value goes to torch.save."""


def _pickle_noting_tensors(value: Any) -> tuple[bytes, bool]:
    """The pickle of `value` (`_pickle`'s bytes) and False; or b"" and True as soon as a torch
    Tensor is met while writing it (at any depth: in a container, an object's attributes, a
    module's parameters) — pickling stops there, before any storage is copied, and the value is
    written once, with `torch.save`."""
    torch = sys.modules.get("torch")  # a value can only hold a tensor when torch is imported
    if torch is None:
        return _pickle(value), False
    try:
        import cloudpickle

        base: Any = cloudpickle.Pickler
    except ImportError:  # pragma: no cover - cloudpickle comes with mlflow
        base = pickle.Pickler

    class NotingPickler(base):  # type: ignore[misc, valid-type]
        def persistent_id(self, obj: Any) -> None:  # called for every object written; None: pickle it as usual
            if isinstance(obj, torch.Tensor):
                raise _HoldsTensors

    buffer = io.BytesIO()
    try:
        NotingPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    except _HoldsTensors:
        return b"", True
    return buffer.getvalue(), False


def _read_torch(data: bytes, device: Optional[str] = None) -> Any:
    """A GPU step's tensors and models open on a machine without one: every storage, wherever it
    sits in the value, is loaded onto `device` (`map_location`), and `torch.device` values become
    `device` too. Without a device, storages saved on a CUDA device are mapped to the CPU when no
    CUDA device is available (else they stay where they were)."""
    import torch

    location = device if device is not None else (None if torch.cuda.is_available() else "cpu")
    options: dict[str, Any] = {}
    if device is not None:
        options["pickle_module"] = _device_pickle_module(device)
    # weights_only=False: the file was written by this package's previous step (`save`), which
    # the pipeline trusts as it trusts its pickles; weights_only=True would refuse the whole
    # modules and objects of classes the notebook defined, which are what steps pass.
    return torch.load(io.BytesIO(data), map_location=location, weights_only=False, **options)


def _device_pickle_module(device: str) -> Any:
    """A stand-in for the `pickle` module that `torch.load` unpickles with (`pickle_module=`): its
    Unpickler turns `torch.device` values into `device`, as `_DeviceUnpickler` does for pickles."""

    class Unpickler(_DeviceUnpickler):
        def __init__(self, handle: Any, **options: Any) -> None:
            super().__init__(handle, device, **options)

    module = types.ModuleType("nbrefactor_device_pickle")
    module.Unpickler = Unpickler  # type: ignore[attr-defined]
    module.load = pickle.load  # type: ignore[attr-defined]
    return module
