"""Drift monitoring of a generated package: new data against the training profile recorded at migration.

With Evidently installed and the training data at hand, its `DataDriftPreset` report is used
(its share of drifted columns against `threshold`). Otherwise the documented test is the
Population Stability Index per column, PSI = sum((a - e) * ln(a / e)) over bins, with e the
profile's fraction per bin (numeric columns: the training deciles; categorical columns: the 20
most frequent values and "other") and a the new data's; fractions are floored at 1e-4. PSI < 0.1
is usually read as stable, 0.1-0.25 as a moderate shift, > 0.25 as a large one. Any column above
`threshold` fails the step (`DriftError`).
"""

from __future__ import annotations

import json
import math
import os
from typing import Any, Mapping, Optional

from .validate import is_numeric, read_table

DEFAULT_THRESHOLD = 0.2
FLOOR = 1e-4


class DriftError(RuntimeError):
    pass


def bin_fractions(values: Any, edges: list[float]) -> list[float]:
    """Fractions of non-null `values` per bin: (-inf, e0], (e0, e1], ..., (e_last, inf)."""
    import numpy as np

    data = np.asarray(values, dtype="float64")
    data = data[~np.isnan(data)]
    if data.size == 0:
        return [0.0] * (len(edges) + 1)
    index = np.searchsorted(np.asarray(edges, dtype="float64"), data, side="left")
    counts = np.bincount(index, minlength=len(edges) + 1)
    return [float(c) / data.size for c in counts]


def category_fractions(values: Any, categories: list[str]) -> list[float]:
    present = [str(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not present:
        return [0.0] * (len(categories) + 1)
    known = set(categories)
    counts = {c: 0 for c in categories}
    other = 0
    for v in present:
        if v in known:
            counts[v] += 1
        else:
            other += 1
    return [counts[c] / len(present) for c in categories] + [other / len(present)]


def psi(expected: list[float], actual: list[float]) -> float:
    total = 0.0
    for e, a in zip(expected, actual):
        e, a = max(e, FLOOR), max(a, FLOOR)
        total += (a - e) * math.log(a / e)
    return total


def column_drift(frame: Any, columns: Mapping[str, Any]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for column, stats in sorted(columns.items()):
        if column not in frame.columns:
            continue
        series = frame[column]
        if stats.get("kind") == "numeric" and is_numeric(series):
            scores[column] = psi(list(stats["fractions"]), bin_fractions(series.to_numpy(dtype="float64", na_value=float("nan")), list(stats["edges"])))
        elif stats.get("kind") == "categorical" and not stats.get("identifier"):
            categories = list(stats.get("top", {}))
            expected = [stats["top"][c] for c in categories] + [stats.get("other", 0.0)]
            scores[column] = psi(expected, category_fractions(series.tolist(), categories))
    return scores


def _evidently(current: Any, reference: Any, threshold: float) -> Optional[dict[str, Any]]:
    try:
        from evidently import Report
        from evidently.presets import DataDriftPreset
    except ImportError:
        return None
    snapshot = Report([DataDriftPreset(drift_share=threshold)]).run(current_data=current, reference_data=reference)
    result = snapshot.dict()
    share = None
    for metric in result.get("metrics", []):
        value = metric.get("value")
        if isinstance(value, dict) and "share" in value:
            share = float(value["share"])
            break
    return {"method": "evidently DataDriftPreset", "drift_share": share, "drifted": share is not None and share >= threshold}


def monitor(
    paths: Mapping[str, str],
    profile: Mapping[str, Any],
    threshold: float = DEFAULT_THRESHOLD,
    references: Optional[Mapping[str, str]] = None,
    report_path: Optional[str] = None,
) -> dict[str, Any]:
    """`paths`: config field → new data; `references`: field → training data (for Evidently)."""
    report: dict[str, Any] = {"threshold": threshold, "files": {}, "drifted": []}
    for name, path in sorted(paths.items()):
        recorded = profile.get("files", {}).get(name, {})
        columns = recorded.get("columns")
        if not columns or "://" in path or not os.path.isfile(path):
            report["files"][name] = {"path": path, "checked": False}
            continue
        frame = read_table(path)
        entry: dict[str, Any] = {"path": path, "checked": True, "method": "psi", "psi": column_drift(frame, columns)}
        reference = (references or {}).get(name)
        if reference and os.path.isfile(reference):
            try:
                evidently = _evidently(frame, read_table(reference), threshold)
            except Exception as exc:  # noqa: BLE001 - the documented test still decides
                entry["evidently_error"] = f"{type(exc).__name__}: {exc}"
                evidently = None
            if evidently is not None:
                entry["evidently"] = evidently
        drifted = sorted(c for c, score in entry["psi"].items() if score > threshold)
        if entry.get("evidently", {}).get("drifted"):
            drifted = drifted or ["(evidently: dataset drift)"]
        entry["drifted"] = drifted
        report["files"][name] = entry
        report["drifted"].extend(f"{name}.{c}" for c in drifted)
    if report_path:
        os.makedirs(os.path.dirname(os.path.abspath(report_path)), exist_ok=True)
        with open(report_path, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2, sort_keys=True)
    if report["drifted"]:
        raise DriftError(f"drift above {threshold} (PSI) in: {', '.join(report['drifted'])}")
    return report
