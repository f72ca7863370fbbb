"""Values recorded from a real run of the notebook, as JSON, and their comparison.

`nbrefactor verify --record` (and rung 6 of the proof ladder) fingerprints each value the notebook
held at a step boundary and at the end, and writes the fingerprints to the package's
`tests/notebook_values.json`. The generated tests run the package, fingerprint its values with this
same module (`nbrefactor_runtime.recorded`, the version the package pins; the compiler records with
the runtime installed beside it, the one it vendors) and compare. The expected values therefore come from the notebook's run, never from the code under
test, and reach the generated files only as JSON.

A fingerprint is plain JSON: exact for scalars, strings and small containers; for arrays, frames
and series: shape, dtype kind, and the values (small) or a summary (large: sum, sum of squares,
min, max, NaN count for numbers; a SHA-256 of the text of the values otherwise). Estimators: class,
the parameters they were built with (`get_params(deep=False)`) and fitted attributes, a fitted
scikit-learn tree's structure as summaries. Anything else has no fingerprint (`None`) and is not recorded.

Standard library only (numpy, pandas and scikit-learn objects are recognised by their shape), so the
generated package's tests need nothing but what the package already imports.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any, Callable, Iterable, Optional

SCHEMA = 1
MAX_ITEMS = 1000  # containers and arrays up to this many elements are recorded value by value
MAX_DEPTH = 4
RTOL = 1e-6
ATOL = 1e-9


def fingerprint(value: Any, depth: int = 0) -> Optional[dict[str, Any]]:
    """A JSON-serialisable description of `value` that two equal values share, or None."""
    if depth > MAX_DEPTH:
        return None
    if value is None:
        return {"t": "none"}
    if isinstance(value, bool):
        return {"t": "bool", "v": value}
    if isinstance(value, int):
        return {"t": "int", "v": value} if abs(value) < 2**53 else {"t": "bigint", "v": str(value)}
    if isinstance(value, float):
        return {"t": "float", "v": _float(value)}
    if isinstance(value, str):
        return {"t": "str", "v": value} if len(value) <= 10_000 else {"t": "str", "sha256": _sha(value), "len": len(value)}
    module = type(value).__module__.split(".")[0]
    if module == "numpy" and getattr(value, "shape", None) == () and hasattr(value, "item"):
        return fingerprint(value.item(), depth)  # a numpy scalar: np.float64(0.5) is 0.5
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_ITEMS:
            return None
        items = [fingerprint(v, depth + 1) for v in value]
        if any(i is None for i in items):
            return None
        return {"t": type(value).__name__ if type(value) in (list, tuple) else "list", "v": items}
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS or not all(isinstance(k, str) for k in value):
            return None
        entries = {k: fingerprint(v, depth + 1) for k, v in value.items()}
        if any(e is None for e in entries.values()):
            return None
        return {"t": "dict", "v": dict(sorted(entries.items()))}
    if module == "numpy" and hasattr(value, "dtype") and hasattr(value, "shape") and hasattr(value, "ravel"):
        return _array(value)
    if module == "pandas" and hasattr(value, "columns") and hasattr(value, "dtypes"):
        columns = [str(c) for c in value.columns]
        described = []  # in the order of `columns` (a column's name is the notebook's text)
        for position in range(len(columns)):
            column = _array(value.iloc[:, position].to_numpy())
            if column is None:
                return None
            described.append(column)
        return {"t": "DataFrame", "shape": list(value.shape), "columns": columns, "index": _array(value.index.to_numpy()), "v": described}
    if module == "pandas" and hasattr(value, "dtype") and hasattr(value, "index") and hasattr(value, "to_numpy"):
        values = _array(value.to_numpy())
        index = _array(value.index.to_numpy()) if type(value).__name__ == "Series" else None
        if values is None:
            return None
        return {"t": type(value).__name__, "name": str(getattr(value, "name", None)), "index": index, "v": values}
    if module == "sklearn" and all(hasattr(value, a) for a in ("node_count", "children_left", "feature", "threshold", "value")):
        # A fitted tree's structure (`DecisionTreeClassifier.tree_`, each tree of a forest): the
        # splits it learned. Summaries only: a forest holds hundreds of trees.
        parts = {name: _array(getattr(value, name), summary=True) for name in ("children_left", "feature", "threshold", "value")}
        if any(p is None for p in parts.values()):
            return None
        return {"t": "tree", "node_count": int(value.node_count), "max_depth": int(getattr(value, "max_depth", -1)), "v": parts}
    if hasattr(value, "get_params") and hasattr(value, "fit") and not isinstance(value, type):
        fitted = {}
        for name in sorted(vars(value)):
            if name.endswith("_") and not name.startswith("_"):
                described = fingerprint(getattr(value, name), depth + 1)
                if described is not None:
                    fitted[name] = described
        # The parameters it was built with (`max_depth=3`): a model fitted with another setting
        # can share every fitted attribute's shape and classes, and passed as the notebook's.
        params = {}
        try:
            given = value.get_params(deep=False)
        except Exception:  # noqa: BLE001 - a broken get_params: the fitted attributes still speak
            given = {}
        for name in sorted(given):
            described = fingerprint(given[name], depth + 1)
            if described is not None:
                params[str(name)] = described
        return {"t": "estimator", "class": type(value).__name__, "params": params, "v": fitted}
    return None


def _float(value: float) -> Any:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _array(array: Any, summary: bool = False) -> Optional[dict[str, Any]]:
    kind = array.dtype.kind
    shape = [int(n) for n in array.shape]
    flat = array.ravel()
    size = int(flat.size)
    out: dict[str, Any] = {"t": "array", "shape": shape, "kind": kind}
    if kind in "biuf":
        items = [_float(float(x)) if kind == "f" else (bool(x) if kind == "b" else int(x)) for x in flat.tolist()] if size <= MAX_ITEMS and not summary else None
        if items is not None:
            out["v"] = items
            return out
        numbers = [float(x) for x in flat.tolist()]
        finite = [x for x in numbers if math.isfinite(x)]
        out["summary"] = {
            "sum": math.fsum(finite),
            "sumsq": math.fsum(x * x for x in finite),
            "min": min(finite) if finite else None,
            "max": max(finite) if finite else None,
            "nan": sum(1 for x in numbers if math.isnan(x)),
            "inf": sum(1 for x in numbers if math.isinf(x)),
        }
        return out
    if kind in "OUSMm":
        texts = []
        for x in flat.tolist():
            if x is None or isinstance(x, float) and math.isnan(x) or type(x).__name__ in ("NAType", "NaTType"):
                texts.append("<missing>")
            elif isinstance(x, (str, int, bool)) or type(x).__module__.split(".")[0] in ("datetime", "numpy", "pandas"):
                texts.append(str(x))
            elif isinstance(x, float):
                texts.append(repr(x))
            else:
                return None  # an object with no stable text
        if size <= MAX_ITEMS and kind in "OU":
            out["v"] = texts
        else:
            out["sha256"] = _sha("\x1f".join(texts))
        return out
    return None


def differences(expected: Any, actual: Any, path: str = "", rtol: float = RTOL, atol: float = ATOL) -> Optional[str]:
    """None when two fingerprints agree (floats within rtol/atol), else where and how they differ."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        kinds = {expected.get("t"), actual.get("t")}
        if len(kinds) != 1 and kinds != {"int", "float"}:
            return f"{path or 'value'}: the notebook had a {expected.get('t')}, the package a {actual.get('t')}"
        if kinds == {"dict"}:  # a dict of the notebook's: its keys are its own, any text
            return _mapping(expected.get("v", {}), actual.get("v", {}), path, "keys ", lambda key: f"{path}[{key!r}]", rtol, atol)
        for key in sorted(set(expected) | set(actual)):
            if key == "t":
                continue  # checked above (an int the package computes as a float is compared as a number)
            if key not in actual or key not in expected:
                return f"{path}.{key}: present on one side only"
            found = _plain(expected[key], actual[key], path if key == "v" else f"{path}.{key}", rtol, atol)
            if found:
                return found
        return None
    return _plain(expected, actual, path, rtol, atol)


def _plain(expected: Any, actual: Any, path: str, rtol: float, atol: float) -> Optional[str]:
    """Parts of a fingerprint: nested fingerprints, lists, summaries and JSON scalars."""
    if isinstance(expected, dict) and isinstance(actual, dict) and "t" in expected and "t" in actual:
        return differences(expected, actual, path, rtol, atol)
    if isinstance(expected, dict) and isinstance(actual, dict):  # a summary, or a frame's columns
        return _mapping(expected, actual, path, "", lambda key: f"{path}.{key}", rtol, atol)
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{path}: {len(expected)} items in the notebook, {len(actual)} in the package"
        return _first(_plain(e, a, f"{path}[{index}]", rtol, atol) for index, (e, a) in enumerate(zip(expected, actual)))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return None if expected is actual else f"{path}: notebook {expected!r}, package {actual!r}"
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        if isinstance(expected, int) and isinstance(actual, int):
            return None if expected == actual else f"{path}: notebook {expected!r}, package {actual!r}"
        return None if math.isclose(actual, expected, rel_tol=rtol, abs_tol=atol) else f"{path}: notebook {expected!r}, package {actual!r}"
    return None if expected == actual else f"{path}: notebook {_short(expected)}, package {_short(actual)}"


def _mapping(expected: dict, actual: dict, path: str, label: str, where: Callable[[Any], str], rtol: float, atol: float) -> Optional[str]:
    """Two mappings: the same keys, then the first key whose values differ (`where` names its place)."""
    if sorted(expected) != sorted(actual):
        return f"{path}: {label}{sorted(expected)} in the notebook, {sorted(actual)} in the package"
    return _first(_plain(expected[key], actual[key], where(key), rtol, atol) for key in sorted(expected))


def _first(found: Iterable[Optional[str]]) -> Optional[str]:
    """The first difference reported, or None (lazily: comparison stops at the first)."""
    return next((difference for difference in found if difference), None)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


__all__ = ["fingerprint", "differences", "SCHEMA", "RTOL", "ATOL"]
