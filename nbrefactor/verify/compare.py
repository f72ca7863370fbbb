"""Compare two Python values the way `nbrefactor verify` needs: structurally, with a tolerance.

`compare(expected, actual, rtol=..., atol=..., name="df")` returns one of three frozen results:

- `Match(path, skipped)` — equal (floating point within tolerance). `skipped` lists the parts
  inside the value that could not be compared (a figure inside a dict), so a match never hides them.
- `Mismatch(reason, path)` — the first difference found, with a path to it such as
  `df['price'][3]`, `model.coef_[0, 2]` or `results['scores'][1]`.
- `Skipped(reason, path)` — nothing in the value could be compared (figures, modules, functions,
  objects that neither compare equal nor expose their state).

Rules (docs/verify.md explains the why):
- Integers, booleans, strings, bytes, None: exact. Floats and complex numbers: within
  `|actual - expected| <= atol + rtol * |expected|` (numpy's `isclose`, with the notebook's value as
  the reference); NaN equals NaN, inf equals inf of the same sign.
- Containers recursively: lists and tuples by position (a list is not a tuple), dicts by key (order
  ignored), sets by membership.
- numpy arrays: shape, dtype kind, then values (integers exactly, floats within tolerance).
- torch tensors: dtype, then as numpy arrays (never by their pickled state, which holds a storage
  key that differs from process to process).
- pandas DataFrame / Series / Index: columns, index, dtype kind per column, then values; missing
  values (NaN, None, NA, NaT) are equal to each other.
- scikit-learn-style estimators (anything with `get_params` and `fit`): same class, equal
  `get_params(deep=False)`, the same set of fitted attributes (public names ending in `_`) and equal
  fitted values.
- Anything else: `==`; when that is False or unusable, the state the object would be pickled with
  (`__reduce_ex__`) compared structurally; when there is none, "not comparable".

numpy and pandas are never imported here: a value of their types can only exist when its library is
already loaded, so the module is looked up in `sys.modules`.
"""

from __future__ import annotations

import math
import numbers
import reprlib
import sys
import types
from dataclasses import dataclass
from typing import Any, Optional, Union

__all__ = ["Match", "Mismatch", "Skipped", "Result", "compare", "describe", "VOLATILE_FIELDS", "volatile_reason"]


@dataclass(frozen=True)
class Match:
    path: str = ""
    skipped: tuple[str, ...] = ()  # "path: reason" of parts that could not be compared

    status = "matched"


@dataclass(frozen=True)
class Mismatch:
    reason: str
    path: str = ""

    status = "mismatched"


@dataclass(frozen=True)
class Skipped:
    reason: str
    path: str = ""

    status = "skipped"


Result = Union[Match, Mismatch, Skipped]

# Libraries whose objects are pictures, not data: comparing them would only compare memory layout.
_PLOT_MODULES = ("matplotlib", "seaborn", "plotly", "bokeh", "altair", "PIL.Image", "IPython.core.display")
_NOT_COMPARABLE_TYPES = (
    types.ModuleType,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    types.LambdaType,
    types.GeneratorType,
    types.CoroutineType,
    types.FrameType,
    types.CodeType,
)
_MAX_DEPTH = 60

# The volatile catalogue (docs/verify.md, "Volatile fields"): values that differ between any two
# correct runs because they measure the run itself (how long it took, when, in which process), not
# the computation. A part whose key, attribute or name is listed is reported as skipped, with the
# reason, never as a mismatch; everything around it is still compared.
VOLATILE_FIELDS: dict[str, str] = {
    # scikit-learn searches (cv_results_) and cross_validate results: wall-clock timings
    "mean_fit_time": "timing",
    "std_fit_time": "timing",
    "mean_score_time": "timing",
    "std_score_time": "timing",
    "fit_time": "timing",
    "score_time": "timing",
    "refit_time_": "timing",
    # names a notebook gives to clocks it reads
    "elapsed": "timing",
    "elapsed_time": "timing",
    "duration": "timing",
    "start_time": "timestamp",
    "end_time": "timestamp",
    "timestamp": "timestamp",
    "created_at": "timestamp",
    "run_id": "identifier of one run",
    # processes
    "pid": "process id",
    "process_id": "process id",
}


def volatile_reason(key: Any) -> str:
    """Why a part named `key` is volatile ("" when it is not in the catalogue)."""
    if not isinstance(key, str):
        return ""
    kind = VOLATILE_FIELDS.get(key)
    return f"volatile ({kind}): differs between any two runs; see the volatile catalogue" if kind else ""
_MISSING = object()

_repr = reprlib.Repr()
_repr.maxstring = 60
_repr.maxother = 60
_repr.maxlist = 6
_repr.maxdict = 6


def _short(value: Any) -> str:
    try:
        return _repr.repr(value)
    except Exception:  # a broken __repr__ must not break the report
        return f"<{_type_name(value)}>"


def _type_name(value: Any) -> str:
    cls = value if isinstance(value, type) else type(value)
    module = getattr(cls, "__module__", "") or ""
    name = getattr(cls, "__qualname__", cls.__name__)
    return name if module in ("builtins", "__main__") else f"{module}.{name}"


def describe(value: Any) -> str:
    """A short description for reports: type, and shape or length where it has one."""
    name = _type_name(value)
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple) and all(isinstance(n, int) for n in shape):
        dtype = getattr(value, "dtype", None)
        inner = f"{dtype}, " if dtype is not None and not _is_pandas_frame(value) else ""
        return f"{name}({inner}shape={shape})"
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        return f"{name}(len={len(value)})"
    if isinstance(value, (bool, int, float, complex, str)) or value is None:
        return f"{name} {_short(value)}"
    return name


def compare(
    expected: Any,
    actual: Any,
    *,
    rtol: float = 1e-7,
    atol: float = 0.0,
    name: str = "value",
    labels: tuple[str, str] = ("expected", "actual"),
) -> Result:
    """Compare `actual` against the reference `expected`; `name` starts every path."""
    if rtol < 0 or atol < 0:
        raise ValueError("rtol and atol must be non-negative")
    reason = volatile_reason(name)
    if reason:
        return Skipped(reason, name)
    return _Comparer(rtol, atol, labels).compare(expected, actual, name, 0)


def _is_pandas_frame(value: Any) -> bool:
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(value, pd.DataFrame)


class _Comparer:
    def __init__(self, rtol: float, atol: float, labels: tuple[str, str]) -> None:
        self.rtol = rtol
        self.atol = atol
        self.left, self.right = labels
        # Pairs being compared further up the stack: a cycle (a list containing itself) is equal
        # where it closes, so recursion always ends.
        self.active: set[tuple[int, int]] = set()

    # -- helpers ---------------------------------------------------------------------------------

    def differ(self, path: str, what: str, a: Any, b: Any) -> Mismatch:
        return Mismatch(f"{what}: {self.left} {_short(a)}, {self.right} {_short(b)}", path)

    def tolerance(self) -> str:
        return f"rtol={self.rtol:g}, atol={self.atol:g}"

    def floats_close(self, a: complex, b: complex) -> bool:
        if isinstance(a, complex) or isinstance(b, complex):
            a, b = complex(a), complex(b)
            return self.floats_close(a.real, b.real) and self.floats_close(a.imag, b.imag)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if math.isinf(a) or math.isinf(b):
            return a == b
        return abs(b - a) <= self.atol + self.rtol * abs(a)

    def combine(self, path: str, results: list[Result], empty_ok: bool = True) -> Result:
        """Fold the children of a container: first mismatch wins; skipped parts are carried."""
        skipped: list[str] = []
        matched = 0
        for result in results:
            if isinstance(result, Mismatch):
                return result
            if isinstance(result, Skipped):
                skipped.append(f"{result.path}: {result.reason}")
            else:
                matched += 1
                skipped.extend(result.skipped)
        if results and not matched and len(skipped) == len(results):
            return Skipped(f"nothing comparable inside ({len(results)} parts skipped)", path)
        return Match(path, tuple(skipped))

    # -- dispatch --------------------------------------------------------------------------------

    def compare(self, a: Any, b: Any, path: str, depth: int) -> Result:
        if depth > _MAX_DEPTH:
            return Skipped(f"nested deeper than {_MAX_DEPTH} levels", path)
        for value in (a, b):
            reason = _not_comparable(value)
            if reason:
                return Skipped(reason, path)
        if a is None or b is None:
            return Match(path) if a is None and b is None else self.differ(path, "value", a, b)
        key = (id(a), id(b))
        if key in self.active:
            return Match(path)
        self.active.add(key)
        try:
            return self._dispatch(a, b, path, depth + 1)
        finally:
            self.active.discard(key)

    def _dispatch(self, a: Any, b: Any, path: str, depth: int) -> Result:
        np = sys.modules.get("numpy")
        pd = sys.modules.get("pandas")
        if isinstance(a, type) or isinstance(b, type):
            if isinstance(a, type) and isinstance(b, type) and _same_class(a, b):
                return Match(path)
            return self.differ(path, "class", a, b)
        if _is_bool(a, np) or _is_bool(b, np):
            if _is_bool(a, np) and _is_bool(b, np):
                return Match(path) if bool(a) == bool(b) else self.differ(path, "value", a, b)
            return self.differ(path, "type", _type_name(a), _type_name(b))
        if _is_number(a) and _is_number(b):
            return self.numbers(a, b, path)
        if isinstance(a, (str, bytes)) or isinstance(b, (str, bytes)):
            return self.strings(a, b, path)
        if pd is not None:
            if isinstance(a, pd.DataFrame) or isinstance(b, pd.DataFrame):
                return self.both(a, b, pd.DataFrame, path) or self.frames(pd, np, a, b, path, depth)
            if isinstance(a, pd.Series) or isinstance(b, pd.Series):
                return self.both(a, b, pd.Series, path) or self.series(pd, np, a, b, path, depth, top=True)
            if isinstance(a, pd.Index) or isinstance(b, pd.Index):
                return self.both(a, b, pd.Index, path) or self.index(pd, np, a, b, path, depth)
            if _is_na_scalar(pd, a) or _is_na_scalar(pd, b):
                if _is_na_scalar(pd, a) and _is_na_scalar(pd, b):
                    return Match(path)
                return self.differ(path, "value", a, b)
        if np is not None and (isinstance(a, np.ndarray) or isinstance(b, np.ndarray)):
            return self.both(a, b, np.ndarray, path) or self.arrays(np, a, b, path, depth)
        torch = sys.modules.get("torch")
        if np is not None and torch is not None and (isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor)):
            return self.both(a, b, torch.Tensor, path) or self.tensors(np, a, b, path, depth)
        if _is_sparse(a) or _is_sparse(b):
            if not (_is_sparse(a) and _is_sparse(b)):
                return self.differ(path, "type", _type_name(a), _type_name(b))
            return self.sparse(np, a, b, path, depth)
        if np is not None and (isinstance(a, _RANDOM(np)) or isinstance(b, _RANDOM(np))):
            return self.generators(np, a, b, path, depth)
        if _is_estimator(a) or _is_estimator(b):
            return self.estimators(a, b, path, depth)
        if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
            return self.sequences(a, b, path, depth)
        if isinstance(a, dict) or isinstance(b, dict):
            return self.mappings(a, b, path, depth)
        if isinstance(a, (set, frozenset)) or isinstance(b, (set, frozenset)):
            return self.sets(a, b, path)
        return self.objects(a, b, path, depth)

    def both(self, a: Any, b: Any, cls: type, path: str) -> Optional[Mismatch]:
        if isinstance(a, cls) and isinstance(b, cls):
            return None
        return self.differ(path, "type", _type_name(a), _type_name(b))

    # -- scalars ---------------------------------------------------------------------------------

    def numbers(self, a: Any, b: Any, path: str) -> Result:
        if isinstance(a, numbers.Integral) and isinstance(b, numbers.Integral):
            return Match(path) if int(a) == int(b) else self.differ(path, "value", a, b)
        try:
            if isinstance(a, numbers.Complex) and not isinstance(a, numbers.Real) or isinstance(b, numbers.Complex) and not isinstance(b, numbers.Real):
                close = self.floats_close(complex(a), complex(b))
            else:
                close = self.floats_close(float(a), float(b))
        except (TypeError, ValueError, OverflowError):
            close = bool(a == b)
        if close:
            return Match(path)
        return self.differ(path, f"value beyond tolerance ({self.tolerance()})", a, b)

    def strings(self, a: Any, b: Any, path: str) -> Result:
        if type(a) is not type(b) and not (isinstance(a, str) and isinstance(b, str)) and not (isinstance(a, bytes) and isinstance(b, bytes)):
            return self.differ(path, "type", _type_name(a), _type_name(b))
        if a == b:
            return Match(path)
        at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        return Mismatch(
            f"strings differ at character {at}: {self.left} {_short(a[max(0, at - 20):at + 40])}, "
            f"{self.right} {_short(b[max(0, at - 20):at + 40])} (lengths {len(a)} and {len(b)})",
            path,
        )

    # -- containers ------------------------------------------------------------------------------

    def sequences(self, a: Any, b: Any, path: str, depth: int) -> Result:
        if type(a) is not type(b) and not _same_class(type(a), type(b)) and not _notebook_flavour(a, b):
            return self.differ(path, "type", _type_name(a), _type_name(b))
        if len(a) != len(b):
            return self.differ(path, "length", len(a), len(b))
        results: list[Result] = []
        for i, (x, y) in enumerate(zip(a, b)):
            result = self.compare(x, y, f"{path}[{i}]", depth)
            if isinstance(result, Mismatch):
                return result
            results.append(result)
        return self.combine(path, results)

    def mappings(self, a: Any, b: Any, path: str, depth: int) -> Result:
        if not (isinstance(a, dict) and isinstance(b, dict)):
            return self.differ(path, "type", _type_name(a), _type_name(b))
        only_a = [k for k in a if k not in b]
        only_b = [k for k in b if k not in a]
        if only_a or only_b:
            parts = []
            if only_a:
                parts.append(f"only in {self.left}: {_short(sorted(only_a, key=repr))}")
            if only_b:
                parts.append(f"only in {self.right}: {_short(sorted(only_b, key=repr))}")
            return Mismatch("keys differ: " + "; ".join(parts), path)
        return self.entries(a, b, path, depth, [(key, f"{path}[{_scalar(key)!r}]") for key in a])

    def entries(self, a: Any, b: Any, path: str, depth: int, keys: list[tuple[Any, str]]) -> Result:
        """Entry by entry (`keys`: each key with its path): volatile ones skipped with their reason,
        the first mismatch returned as it is."""
        results: list[Result] = []
        for key, where in keys:
            reason = volatile_reason(key)
            if reason:
                results.append(Skipped(reason, where))
                continue
            result = self.compare(a[key], b[key], where, depth)
            if isinstance(result, Mismatch):
                return result
            results.append(result)
        return self.combine(path, results)

    def sets(self, a: Any, b: Any, path: str) -> Result:
        if not (isinstance(a, (set, frozenset)) and isinstance(b, (set, frozenset))):
            return self.differ(path, "type", _type_name(a), _type_name(b))
        if a == b:
            return Match(path)
        only_a, only_b = a - b, b - a
        parts = []
        if only_a:
            parts.append(f"only in {self.left}: {_short(sorted(only_a, key=repr))}")
        if only_b:
            parts.append(f"only in {self.right}: {_short(sorted(only_b, key=repr))}")
        return Mismatch("set members differ: " + "; ".join(parts), path)

    # -- torch -----------------------------------------------------------------------------------

    def tensors(self, np: Any, a: Any, b: Any, path: str, depth: int) -> Result:
        """torch tensors as arrays: dtype, then shape and values on the CPU. Never by `==` (a
        tensor of booleans) nor by their pickled state: a storage pickles as `torch.save` bytes
        holding a key that differs from process to process, so two equal tensors differed."""
        if str(a.dtype) != str(b.dtype):
            return self.differ(path + ".dtype", "dtype", str(a.dtype), str(b.dtype))
        try:
            x, y = _tensor_array(a), _tensor_array(b)
        except Exception:  # noqa: BLE001 - sparse, quantized or meta tensors: their state, as before
            return self.objects(a, b, path, depth)
        return self.arrays(np, x, y, path, depth)

    # -- numpy -----------------------------------------------------------------------------------

    def arrays(self, np: Any, a: Any, b: Any, path: str, depth: int) -> Result:
        if a.shape != b.shape:
            return self.differ(path + ".shape", "shape", a.shape, b.shape)
        ka, kb = a.dtype.kind, b.dtype.kind
        if ka != kb:
            return self.differ(path + ".dtype", "dtype kind", str(a.dtype), str(b.dtype))
        if ka in "Mm" and a.dtype != b.dtype:
            return self.differ(path + ".dtype", "dtype", str(a.dtype), str(b.dtype))
        if a.size == 0:
            return Match(path)
        if ka == "O":
            results: list[Result] = []
            for index in np.ndindex(a.shape):
                result = self.compare(a[index], b[index], _index_path(path, index), depth)
                if isinstance(result, Mismatch):
                    return result
                results.append(result)
            return self.combine(path, results)
        if ka in "fc":
            equal = np.isclose(b, a, rtol=self.rtol, atol=self.atol, equal_nan=True)
            what = f"values beyond tolerance ({self.tolerance()})"
        elif ka in "Mm":
            equal = a.view("i8") == b.view("i8")  # NaT is the same integer on both sides
            what = "values differ"
        elif ka == "V":
            equal = np.asarray(a == b)
            what = "records differ"
        else:  # integers, booleans, strings: exact
            equal = a == b
            what = "values differ"
        equal = np.asarray(equal)
        if equal.all():
            return Match(path)
        bad = np.argwhere(~equal)
        index = tuple(int(i) for i in bad[0])
        x, y = a[index], b[index]
        detail = ""
        if ka in "fc":
            try:
                diff = abs(complex(y) - complex(x))
                detail = f" (abs diff {diff:.3g})"
            except (TypeError, ValueError):
                pass
        return Mismatch(
            f"{len(bad)} of {a.size} {what}; first at {list(index)}: {self.left} {_short(_scalar(x))}, "
            f"{self.right} {_short(_scalar(y))}{detail}",
            _index_path(path, index),
        )

    def sparse(self, np: Any, a: Any, b: Any, path: str, depth: int) -> Result:
        if a.shape != b.shape:
            return self.differ(path + ".shape", "shape", a.shape, b.shape)
        a, b = a.tocsr(), b.tocsr()
        if a.dtype.kind != b.dtype.kind:
            return self.differ(path + ".dtype", "dtype kind", str(a.dtype), str(b.dtype))
        diff = abs(b - a) - self.rtol * abs(a)
        bad = diff > self.atol if self.atol > 0 else diff > 0
        if bad.nnz == 0:
            return Match(path)
        rows, cols = bad.nonzero()
        index = (int(rows[0]), int(cols[0]))
        return Mismatch(
            f"{bad.nnz} of {a.shape[0] * a.shape[1]} values beyond tolerance ({self.tolerance()}); first at "
            f"{list(index)}: {self.left} {_short(_scalar(a[index]))}, {self.right} {_short(_scalar(b[index]))}",
            _index_path(path, index),
        )

    # -- pandas ----------------------------------------------------------------------------------

    def frames(self, pd: Any, np: Any, a: Any, b: Any, path: str, depth: int) -> Result:
        if a.shape != b.shape and list(a.columns) == list(b.columns):
            return self.differ(path + ".shape", "shape", a.shape, b.shape)
        if not a.columns.equals(b.columns):
            return self.labels(a.columns, b.columns, path + ".columns", "columns")
        if a.shape != b.shape:
            return self.differ(path + ".shape", "shape", a.shape, b.shape)
        if not a.index.equals(b.index):
            return self.labels(a.index, b.index, path + ".index", "index")
        for position, column in enumerate(a.columns):
            ka, kb = _kind(a.dtypes.iloc[position]), _kind(b.dtypes.iloc[position])
            if ka != kb:
                return self.differ(f"{path}[{_scalar(column)!r}].dtype", "dtype kind", str(a.dtypes.iloc[position]), str(b.dtypes.iloc[position]))
        if a.equals(b):
            return Match(path)
        results: list[Result] = []
        for position, column in enumerate(a.columns):
            reason = volatile_reason(_scalar(column))
            if reason:
                results.append(Skipped(reason, f"{path}[{_scalar(column)!r}]"))
                continue
            result = self.values(pd, np, a.iloc[:, position], b.iloc[:, position], f"{path}[{_scalar(column)!r}]", depth)
            if isinstance(result, Mismatch):
                return result
            results.append(result)
        return self.combine(path, results)

    def series(self, pd: Any, np: Any, a: Any, b: Any, path: str, depth: int, top: bool = False) -> Result:
        if len(a) != len(b):
            return self.differ(path + ".shape", "length", len(a), len(b))
        if not a.index.equals(b.index):
            return self.labels(a.index, b.index, path + ".index", "index")
        if a.name != b.name and not (_is_na_scalar(pd, a.name) and _is_na_scalar(pd, b.name)):
            return self.differ(path + ".name", "name", a.name, b.name)
        if _kind(a.dtype) != _kind(b.dtype):
            return self.differ(path + ".dtype", "dtype kind", str(a.dtype), str(b.dtype))
        return self.values(pd, np, a, b, path, depth)

    def index(self, pd: Any, np: Any, a: Any, b: Any, path: str, depth: int) -> Result:
        if a.equals(b) and _kind(a.dtype) == _kind(b.dtype):
            return Match(path)
        if len(a) != len(b):
            return self.differ(path + ".shape", "length", len(a), len(b))
        if _kind(a.dtype) != _kind(b.dtype):
            return self.differ(path + ".dtype", "dtype kind", str(a.dtype), str(b.dtype))
        return self.values(pd, np, pd.Series(a, copy=False), pd.Series(b, copy=False), path, depth, positional=True)

    def labels(self, a: Any, b: Any, path: str, what: str) -> Mismatch:
        """Index or columns that are not identical: say which labels are missing, or where they part."""
        la, lb = list(a), list(b)
        try:
            only_a = [x for x in la if x not in set(lb)]
            only_b = [x for x in lb if x not in set(la)]
        except TypeError:  # unhashable labels
            only_a = only_b = []
        if only_a or only_b:
            parts = []
            if only_a:
                parts.append(f"{len(only_a)} only in {self.left}: {_short(only_a)}")
            if only_b:
                parts.append(f"{len(only_b)} only in {self.right}: {_short(only_b)}")
            return Mismatch(f"{what} differ: " + "; ".join(parts), path)
        if len(la) != len(lb):
            return self.differ(path, f"{what} length", len(la), len(lb))
        at = next((i for i, (x, y) in enumerate(zip(la, lb)) if not _label_equal(x, y)), None)
        if at is not None:
            return Mismatch(f"{what} order differs at position {at}: {self.left} {_short(_scalar(la[at]))}, {self.right} {_short(_scalar(lb[at]))}", f"{path}[{at}]")
        return self.differ(path, f"{what} dtype", str(getattr(a, "dtype", "?")), str(getattr(b, "dtype", "?")))

    def values(self, pd: Any, np: Any, a: Any, b: Any, path: str, depth: int, positional: bool = False) -> Result:
        """Values of two aligned Series of the same length and dtype kind."""
        kind = _kind(a.dtype)
        label = (lambda i: i) if positional else (lambda i: _scalar(a.index[i]))
        missing_a, missing_b = a.isna().to_numpy(), b.isna().to_numpy()
        if (missing_a != missing_b).any():
            i = int(np.argmax(missing_a != missing_b))
            return Mismatch(
                f"missing values differ ({int((missing_a != missing_b).sum())} of {len(a)}); first at row {label(i)!r}: "
                f"{self.left} {_short(a.iloc[i])}, {self.right} {_short(b.iloc[i])}",
                f"{path}[{label(i)!r}]",
            )
        present = ~missing_a
        if kind in "iufcbmM":
            try:
                if kind in "fc":
                    dtype = complex if kind == "c" else float
                    x = a.to_numpy(dtype=dtype, na_value=np.nan)[present]
                    y = b.to_numpy(dtype=dtype, na_value=np.nan)[present]
                    equal = np.isclose(y, x, rtol=self.rtol, atol=self.atol, equal_nan=True)
                    what = f"values beyond tolerance ({self.tolerance()})"
                elif kind in "mM":
                    x = a.to_numpy()[present]
                    y = b.to_numpy()[present]
                    equal = x == y
                    what = "values differ"
                else:
                    x = a.to_numpy(dtype=object)[present]
                    y = b.to_numpy(dtype=object)[present]
                    equal = np.asarray(x == y, dtype=bool)
                    what = "values differ"
            except (TypeError, ValueError):
                equal = None
            if equal is not None:
                if equal.all():
                    return Match(path)
                rows = np.flatnonzero(present)
                i = int(rows[int(np.argmin(equal))])
                return Mismatch(
                    f"{int((~equal).sum())} of {len(a)} {what}; first at row {label(i)!r}: "
                    f"{self.left} {_short(_scalar(a.iloc[i]))}, {self.right} {_short(_scalar(b.iloc[i]))}",
                    f"{path}[{label(i)!r}]",
                )
        results: list[Result] = []
        for i in np.flatnonzero(present):
            i = int(i)
            result = self.compare(a.iloc[i], b.iloc[i], f"{path}[{label(i)!r}]", depth)
            if isinstance(result, Mismatch):
                return result
            results.append(result)
        return self.combine(path, results)

    # -- estimators and other objects -------------------------------------------------------------

    def generators(self, np: Any, a: Any, b: Any, path: str, depth: int) -> Result:
        """numpy random generators: equal when their states are; a different state means the two
        runs drew different random numbers, which deserves a plain explanation."""
        if type(a) is not type(b):
            return self.differ(path, "type", _type_name(a), _type_name(b))
        state_a = a.get_state(legacy=False) if isinstance(a, np.random.RandomState) else a.bit_generator.state
        state_b = b.get_state(legacy=False) if isinstance(b, np.random.RandomState) else b.bit_generator.state
        if isinstance(self.compare(state_a, state_b, path, depth), Match):
            return Match(path)
        return Mismatch("random generator states differ: the two runs drew different random numbers (is this randomness seeded?)", path)

    def estimators(self, a: Any, b: Any, path: str, depth: int) -> Result:
        if not (_is_estimator(a) and _is_estimator(b)) or not _same_class(type(a), type(b)):
            return self.differ(path, "class", _type_name(a), _type_name(b))
        try:
            pa, pb = a.get_params(deep=False), b.get_params(deep=False)
        except Exception as exc:  # a broken get_params: fall back to the object's state
            return self.objects(a, b, path, depth, note=f"get_params failed: {exc!r}")
        results: list[Result] = []
        if set(pa) != set(pb):
            return Mismatch(f"parameter names differ: {sorted(set(pa) ^ set(pb))}", path)
        for key in sorted(pa):
            result = self.compare(pa[key], pb[key], f"{path}.{key}", depth)
            if isinstance(result, Mismatch):
                # Deeper paths (a nested estimator's fitted state) speak for themselves.
                return Mismatch(f"parameter {key!r}: {result.reason}", result.path) if result.path == f"{path}.{key}" else result
            results.append(result)
        fa, fb = _fitted(a), _fitted(b)
        if fa != fb:
            if not fa or not fb:
                which = self.left if fa else self.right
                return Mismatch(f"fitted only in the {which} (fitted attributes: {sorted(fa or fb)[:6]})", path)
            parts = []
            if fa - fb:
                parts.append(f"only in {self.left}: {sorted(fa - fb)}")
            if fb - fa:
                parts.append(f"only in {self.right}: {sorted(fb - fa)}")
            return Mismatch("fitted attributes differ: " + "; ".join(parts), path)
        for key in sorted(fa):
            reason = volatile_reason(key)
            if reason:
                results.append(Skipped(reason, f"{path}.{key}"))
                continue
            result = self.compare(vars(a)[key], vars(b)[key], f"{path}.{key}", depth)
            if isinstance(result, Mismatch):
                return result
            results.append(result)
        return self.combine(path, results)

    def objects(self, a: Any, b: Any, path: str, depth: int, note: str = "") -> Result:
        equal: Optional[bool]
        try:
            outcome = a == b
            equal = outcome if isinstance(outcome, bool) else None
            if equal is None and type(outcome).__name__ in ("bool_", "bool"):
                equal = bool(outcome)
        except Exception:
            equal = None
        if equal:
            return Match(path)
        # `==` is identity for most classes, and exact for dataclasses: compare what pickling
        # would save instead, which also gives a tolerance and a path.
        state_a, state_b = _reduced(a), _reduced(b)
        if state_a is _MISSING or state_b is _MISSING:
            if equal is False and type(a).__eq__ is not object.__eq__:
                return self.differ(path, "values are not equal (==)", a, b)
            reason = f"not comparable: {_type_name(a)} (no equality, no picklable state)"
            return Skipped(reason + (f"; {note}" if note else ""), path)
        ctor_a, args_a, rest_a = state_a
        ctor_b, args_b, rest_b = state_b
        if not _same_callable(ctor_a, ctor_b):
            return self.differ(path, "type", _type_name(a), _type_name(b))
        results: list[Result] = []
        if args_a or args_b:
            results.append(self.compare(list(args_a), list(args_b), path, depth))
        for part_a, part_b in zip(rest_a, rest_b):
            results.append(self.state(part_a, part_b, path, depth))
        result = self.combine(path, results)
        if isinstance(result, Mismatch) and equal is False and type(a).__eq__ is not object.__eq__:
            if not result.path.startswith(path + "."):  # a difference in constructor arguments
                return self.differ(path, "not equal (==)", a, b)
            return Mismatch(f"not equal (==): {self.left} {_short(a)}, {self.right} {_short(b)}; {result.reason}", result.path)
        return result

    def state(self, a: Any, b: Any, path: str, depth: int) -> Result:
        """An object's pickled state: a `__dict__` compares as attributes (`obj.x`)."""
        if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) == 2 and all(isinstance(p, (dict, type(None))) for p in a + b):
            return self.combine(path, [self.state(x, y, path, depth) for x, y in zip(a, b)])
        if isinstance(a, dict) and isinstance(b, dict) and all(isinstance(k, str) for k in list(a) + list(b)):
            if set(a) != set(b):
                return Mismatch(f"attributes differ: {sorted(set(a) ^ set(b))}", path)
            return self.entries(a, b, path, depth, [(key, f"{path}.{key}") for key in sorted(a)])
        return self.compare(a, b, path, depth)


# ---------------------------------------------------------------------------------------------
# Classification helpers
# ---------------------------------------------------------------------------------------------


def _not_comparable(value: Any) -> str:
    if isinstance(value, _NOT_COMPARABLE_TYPES):
        return f"not comparable: {_type_name(value)}"
    module = getattr(type(value), "__module__", "") or ""
    if any(module == m or module.startswith(m + ".") for m in _PLOT_MODULES):
        return f"not comparable: {_type_name(value)}"
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.ufunc):
        return ""  # compared by equality: np.log1p == np.log1p
    if callable(value) and type(value).__name__ in ("builtin_function_or_method", "method-wrapper", "cython_function_or_method"):
        return f"not comparable: {_type_name(value)}"
    if hasattr(value, "read") and hasattr(value, "close") and hasattr(value, "fileno"):
        return f"not comparable: {_type_name(value)} (an open file or stream)"
    return ""


def _tensor_array(tensor: Any) -> Any:
    """A torch tensor's values as a numpy array (types numpy lacks, such as bfloat16, as float32)."""
    value = tensor.detach().cpu()
    try:
        return value.numpy()
    except TypeError:
        return value.float().numpy()


def _RANDOM(np: Any) -> tuple[type, ...]:
    return (np.random.RandomState, np.random.Generator)


def _is_bool(value: Any, np: Any) -> bool:
    return isinstance(value, bool) or (np is not None and isinstance(value, np.bool_))


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _is_na_scalar(pd: Any, value: Any) -> bool:
    if value is None or isinstance(value, (list, tuple, dict, set, str, bytes)):
        return value is None
    try:
        return bool(pd.api.types.is_scalar(value) and pd.isna(value))
    except (TypeError, ValueError):
        return False


def _notebook_flavour(a: Any, b: Any) -> bool:
    """IPython's list and string subclasses (`files = !ls` gives an SList) are what a package's
    plain list or str stands for."""
    for x, y in ((a, b), (b, a)):
        if (getattr(type(x), "__module__", "") or "").startswith("IPython.") and type(y) in type(x).__mro__:
            return True
    return False


def _is_sparse(value: Any) -> bool:
    module = getattr(type(value), "__module__", "") or ""
    return module.startswith("scipy.sparse") and hasattr(value, "tocsr") and hasattr(value, "nnz")


def _is_estimator(value: Any) -> bool:
    cls = type(value)
    return not isinstance(value, type) and callable(getattr(cls, "get_params", None)) and callable(getattr(cls, "fit", None))


def _fitted(estimator: Any) -> set[str]:
    try:
        names = vars(estimator)
    except TypeError:
        return set()
    return {k for k in names if k.endswith("_") and not k.startswith("_") and not k.endswith("__")}


def _same_class(a: type, b: type) -> bool:
    """Same class across processes: same qualified name, and same module unless one side is the
    notebook's `__main__` (the package defines the notebook's classes in a module of its own)."""
    if a is b:
        return True
    if _outer_name(getattr(a, "__qualname__", None)) != _outer_name(getattr(b, "__qualname__", None)):
        return False
    ma, mb = getattr(a, "__module__", None), getattr(b, "__module__", None)
    return ma == mb or "__main__" in (ma, mb)


def _outer_name(qualname: Optional[str]) -> Optional[str]:
    """A qualified name without the function that defined it: a class a step function defines
    (`example.<locals>.Perceptron`) comes back from cloudpickle in another process as `Perceptron`,
    and the notebook defines it at the top (`Perceptron`); all three are the same class."""
    return qualname.rsplit("<locals>.", 1)[-1] if isinstance(qualname, str) else qualname


def _same_callable(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if isinstance(a, type) and isinstance(b, type):
        return _same_class(a, b)
    return _outer_name(getattr(a, "__qualname__", None)) == _outer_name(getattr(b, "__qualname__", None)) is not None and (
        getattr(a, "__module__", None) == getattr(b, "__module__", None) or "__main__" in (getattr(a, "__module__", None), getattr(b, "__module__", None))
    )


def _reduced(value: Any) -> Any:
    """(constructor, args, rest) from `__reduce_ex__(4)`, iterators materialised; _MISSING if the
    object cannot be pickled."""
    try:
        reduced = value.__reduce_ex__(4)
    except Exception:
        return _MISSING
    if isinstance(reduced, str):
        return (reduced, (), None)
    if not isinstance(reduced, tuple) or len(reduced) < 2:
        return _MISSING
    ctor, args = reduced[0], reduced[1]
    state = reduced[2] if len(reduced) > 2 else None
    items = list(reduced[3]) if len(reduced) > 3 and reduced[3] is not None else None
    pairs = list(reduced[4]) if len(reduced) > 4 and reduced[4] is not None else None
    args = tuple(args)
    # copyreg.__newobj__ carries the class first; compare classes by name (see _same_class).
    if args and isinstance(args[0], type):
        if not isinstance(value, args[0]):
            return _MISSING
        args = args[1:]
    return (ctor if not getattr(ctor, "__name__", "").startswith("__newobj") else type(value), args, (state, items, pairs))


def _kind(dtype: Any) -> str:
    return getattr(dtype, "kind", "O") or "O"


def _label_equal(x: Any, y: Any) -> bool:
    try:
        return bool(x == y) or (x != x and y != y)
    except Exception:
        return False


def _scalar(value: Any) -> Any:
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "ndim", None) == 0:
        try:
            return item()
        except Exception:
            return value
    return value


def _index_path(path: str, index: tuple[int, ...]) -> str:
    if len(index) == 1:
        return f"{path}[{index[0]}]"
    return f"{path}[{', '.join(str(i) for i in index)}]"
