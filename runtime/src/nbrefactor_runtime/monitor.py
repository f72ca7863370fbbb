"""Drift monitoring of a generated package: new data against the training profile recorded at migration.

Always computed: the Population Stability Index per column, PSI = sum((a - e) * ln(a / e)) over bins, with e the
profile's fraction per bin (numeric columns: the training deciles; categorical columns: the 20
most frequent values and "other") and a the new data's; fractions are floored at 1e-4. PSI < 0.1
is usually read as stable, 0.1-0.25 as a moderate shift, > 0.25 as a large one. Any column above
`threshold` fails the step (`DriftError`).

With Evidently installed and the training data at hand, its `DataDriftPreset` runs as well (per
column: K-S / chi-square / Z-test p-values or distances, Evidently's choice by column type and
size, or `stattest` with `stattest_threshold` for every column when given): its HTML report is
written, its share and number of drifted columns join the report's `metrics`, and a dataset drift
(share >= `drift_share`) fails the step too. An error inside Evidently is recorded in the report
and the PSI decides; a `stattest` Evidently does not know, or cannot apply to a column, is an
error of the settings and fails the step (`DriftSettingsError`).
"""

from __future__ import annotations

import html
import importlib.metadata
import json
import math
import os
from typing import Any, Mapping, Optional

from .validate import is_numeric, read_table

DEFAULT_THRESHOLD = 0.2
# Evidently's dataset drift: at least this share of the compared columns drifted (its default).
DRIFT_SHARE = 0.5
FLOOR = 1e-4


class DriftError(RuntimeError):
    pass


class DriftSettingsError(ValueError):
    """A drift setting Evidently refuses (an unknown stat test, or one a column's type does not allow)."""


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


def evidently_version() -> Optional[str]:
    try:
        return importlib.metadata.version("evidently")
    except importlib.metadata.PackageNotFoundError:
        return None


def _pandas3_compatibility() -> None:
    """Evidently 0.7.23 (its newest release) imports `pandas.core.dtypes.common.infer_dtype_from_object`
    at import time, which pandas 3.0 removed (measured: ImportError with pandas 3.1.1). Its only use
    is the legacy `TestColumnsType`, which the drift report does not run; pandas 2's function gave a
    dtype's scalar type, as this stand-in does. Set only where pandas lacks it."""
    from pandas.core.dtypes import common

    if not hasattr(common, "infer_dtype_from_object"):
        import numpy as np
        import pandas as pd

        def infer_dtype_from_object(dtype: Any) -> Any:
            if isinstance(dtype, type) and issubclass(dtype, np.generic):
                return dtype
            return pd.api.types.pandas_dtype(dtype).type

        common.infer_dtype_from_object = infer_dtype_from_object  # type: ignore[attr-defined]


def _column_drifted(method: str, value: float, threshold: float) -> bool:
    """Evidently's per-column rule: a statistical test drifts below its p-value threshold, a
    distance (Wasserstein, PSI, Jensen-Shannon…) at or above its threshold."""
    return value < threshold if "p_value" in method else value >= threshold


def evidently_drift(
    current: Any,
    reference: Any,
    columns: Mapping[str, Any],
    drift_share: float = DRIFT_SHARE,
    html_path: Optional[str] = None,
    stattest: str = "",
    stattest_threshold: float = 0.0,
) -> dict[str, Any]:
    """Evidently's `DataDriftPreset` on the profiled columns (identifier-like columns left out:
    Evidently would treat them as text and train a classifier on them), typed as the profile says.
    Returns the share and number of drifted columns, each column's method, score and verdict, and
    whether the dataset drifted (share of drifted columns ≥ `drift_share`, Evidently's rule);
    writes the HTML report to `html_path`. `stattest` (an Evidently stat test name: `psi`, `ks`,
    `wasserstein`, `jensenshannon`…; "" = Evidently's choice per column) and `stattest_threshold`
    (its p-value or distance threshold; 0 = the test's own default) decide each column's drift."""
    _pandas3_compatibility()
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    numeric = [c for c, st in sorted(columns.items()) if st.get("kind") == "numeric" and c in current.columns and c in reference.columns]
    categorical = [
        c for c, st in sorted(columns.items())
        if st.get("kind") == "categorical" and not st.get("identifier") and c in current.columns and c in reference.columns
    ]
    used = numeric + categorical
    definition = DataDefinition(numerical_columns=numeric, categorical_columns=categorical)
    options: dict[str, Any] = {"drift_share": drift_share}
    if stattest:
        options["method"] = stattest
    if stattest_threshold:
        options["threshold"] = float(stattest_threshold)
    try:
        snapshot = Report([DataDriftPreset(**options)]).run(
            current_data=Dataset.from_pandas(current[used], data_definition=definition),
            reference_data=Dataset.from_pandas(reference[used], data_definition=definition),
        )
    except Exception as exc:
        from evidently.legacy.calculations.stattests.registry import StatTestInvalidFeatureTypeError, StatTestNotFoundError

        if stattest and isinstance(exc, (StatTestNotFoundError, StatTestInvalidFeatureTypeError)):
            raise DriftSettingsError(f"drift stattest {stattest!r}: {exc}") from exc  # the settings' error, not Evidently's
        raise
    result: dict[str, Any] = {"method": "evidently DataDriftPreset", "version": evidently_version(), "columns": {}}
    for metric in snapshot.dict().get("metrics", []):
        value = metric.get("value")
        config = metric.get("config", {})
        if isinstance(value, dict) and "share" in value and "count" in value:
            result["drift_share"] = float(value["share"])
            result["drifted_columns"] = int(value["count"])
        elif "column" in config and isinstance(value, (int, float)):
            method, threshold = str(config.get("method", "")), float(config.get("threshold", 0.0))
            result["columns"][str(config["column"])] = {
                "method": method, "score": float(value), "threshold": threshold,
                "drifted": _column_drifted(method, float(value), threshold),
            }
    result["dataset_drift"] = result.get("drift_share", 0.0) >= drift_share
    if html_path:
        folder = os.path.dirname(os.path.abspath(html_path))
        os.makedirs(folder, exist_ok=True)
        snapshot.save_html(html_path)
        result["html"] = html_path
    return result


def monitor(
    paths: Mapping[str, str],
    profile: Mapping[str, Any],
    threshold: float = DEFAULT_THRESHOLD,
    references: Optional[Mapping[str, str]] = None,
    report_path: Optional[str] = None,
    html_path: Optional[str] = None,
    drift_share: float = DRIFT_SHARE,
    run_id: str = "",
    tracking_uri: str = "",
    stattest: str = "",
    stattest_threshold: float = 0.0,
) -> dict[str, Any]:
    """`paths`: config field → new data; `references`: field → training data (for Evidently).

    The report (also written to `report_path` as JSON) holds per file the PSI per column and, with
    Evidently installed and the training data at hand, Evidently's DataDriftPreset result; its
    `metrics` are the numbers an alert reads (`<field>.psi_max`, `<field>.psi_drifted_columns`,
    `<field>.evidently_drift_share`, `<field>.evidently_drifted_columns`), logged as MLflow
    metrics `drift.<name>` of run `run_id` when one is given, with the HTML report as the run's
    artifact `monitoring/evidently-<field>.html`. Evidently's HTML goes to `html_path` (several data files: one page
    each, `<html_path>.<field>.html` after the first); without Evidently that page says why."""
    report: dict[str, Any] = {
        "threshold": threshold, "drift_share": drift_share, "stattest": stattest, "stattest_threshold": stattest_threshold,
        "files": {}, "drifted": [], "metrics": {},
    }
    pages: list[tuple[str, str]] = []  # (field, Evidently's HTML page)
    missing = None if evidently_version() is not None else "evidently is not installed: PSI only"
    for name, path in sorted(paths.items()):
        recorded = profile.get("files", {}).get(name, {})
        columns = recorded.get("columns")
        if not columns or "://" in path or not os.path.isfile(path):
            report["files"][name] = {"path": path, "checked": False}
            continue
        frame = read_table(path)
        entry: dict[str, Any] = {"path": path, "checked": True, "method": "psi", "psi": column_drift(frame, columns)}
        drifted = sorted(c for c, score in entry["psi"].items() if score > threshold)
        report["metrics"][f"{name}.psi_max"] = max(entry["psi"].values(), default=0.0)
        report["metrics"][f"{name}.psi_drifted_columns"] = float(len(drifted))
        reference = (references or {}).get(name)
        if missing:
            entry["evidently_skipped"] = missing
        elif not reference or not os.path.isfile(reference):
            entry["evidently_skipped"] = "no training data at hand to compare with"
        else:
            page = None
            if html_path:
                page = html_path if not pages else f"{html_path}.{name}.html"
            try:
                evidently = evidently_drift(frame, read_table(reference), columns, drift_share, page, stattest, stattest_threshold)
            except DriftSettingsError:
                raise
            except Exception as exc:  # noqa: BLE001 - recorded; the PSI still decides
                entry["evidently_error"] = f"{type(exc).__name__}: {exc}"
            else:
                entry["evidently"] = evidently
                if page:
                    pages.append((name, page))
                report["metrics"][f"{name}.evidently_drift_share"] = evidently.get("drift_share", 0.0)
                report["metrics"][f"{name}.evidently_drifted_columns"] = float(evidently.get("drifted_columns", 0))
                if evidently["dataset_drift"]:
                    drifted = drifted or [f"(evidently: {evidently.get('drifted_columns')} of {len(evidently['columns'])} columns drifted)"]
        entry["drifted"] = drifted
        report["files"][name] = entry
        report["drifted"].extend(f"{name}.{c}" for c in drifted)
    if html_path and not pages:
        reasons = sorted({e.get("evidently_skipped") or e.get("evidently_error") or "no profiled table" for e in report["files"].values()} or {"no data file"})
        _write_text(html_path, "<!doctype html><title>drift</title><p>No Evidently report: " + html.escape("; ".join(reasons)) + "</p>\n")
    if run_id:
        _log_to_mlflow(run_id, tracking_uri, report["metrics"], pages)
        report["mlflow_run_id"] = run_id
    if report_path:
        _write_text(report_path, json.dumps(report, indent=2, sort_keys=True))
    if report["drifted"]:
        raise DriftError(f"drift above {threshold} (PSI) or Evidently dataset drift in: {', '.join(report['drifted'])}")
    return report


def _write_text(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def _log_to_mlflow(run_id: str, tracking_uri: str, metrics: Mapping[str, float], pages: list[tuple[str, str]]) -> None:
    """The drift numbers as metrics `drift.<name>` of the training run (finished runs accept them),
    and Evidently's pages as its artifacts `monitoring/evidently-<field>.html` (kfp names the
    page's file without a suffix; MLflow's UI renders `.html`)."""
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri or None)
    for key, value in sorted(metrics.items()):
        client.log_metric(run_id, f"drift.{key}", float(value))
    for name, page in pages:
        with open(page, encoding="utf-8") as handle:
            client.log_text(run_id, handle.read(), f"monitoring/evidently-{name}.html")
