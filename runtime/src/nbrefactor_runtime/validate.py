"""Data validation of a generated package: the input files exist, their sha256 digests, and their schema
and null rates against the profile nbrefactor recorded from the notebook's own data at migration
time (`data_profile.json`).

Fails (raises `DataValidationError`) on: a missing input file; a profiled column that is gone; a
column that changed between numeric and non-numeric; a column whose share of nulls grew by more
than `null_tolerance`; an empty table. A different sha256 than at migration is reported, not a
failure: new data is the point of re-running the pipeline.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import resources
from typing import Any, Mapping, Optional

NULL_TOLERANCE = 0.05
TABLE_SUFFIXES = (".csv", ".tsv", ".txt")


class DataValidationError(ValueError):
    pass


def load_profile(package: str) -> dict[str, Any]:
    """The profile nbrefactor recorded at migration: `data_profile.json` inside the package."""
    text = resources.files(package).joinpath("data_profile.json").read_text(encoding="utf-8")
    return json.loads(text)


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_table(path: str) -> Any:
    import pandas as pd

    return pd.read_csv(path, sep="\t" if path.lower().endswith(".tsv") else ",")


def is_numeric(series: Any) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series))


def validate(
    paths: Mapping[str, str],
    profile: Mapping[str, Any],
    null_tolerance: float = NULL_TOLERANCE,
) -> dict[str, Any]:
    """`paths`: config field → the file to check now. Returns the report; raises on problems."""
    recorded = profile.get("files", {})
    report: dict[str, Any] = {"files": {}, "problems": [], "notes": []}
    problems: list[str] = report["problems"]
    for name, path in sorted(paths.items()):
        entry: dict[str, Any] = {"path": path}
        report["files"][name] = entry
        if "://" in path:
            report["notes"].append(f"{name}: {path} is remote, not checked here")
            continue
        if not os.path.exists(path):
            problems.append(f"{name}: {path} does not exist")
            continue
        if os.path.isdir(path):
            entry["directory"] = True
            continue
        entry["sha256"] = sha256_of(path)
        entry["bytes"] = os.path.getsize(path)
        expected = recorded.get(name)
        if not expected:
            report["notes"].append(f"{name}: no profile recorded at migration; existence checked only")
            continue
        entry["digest_matches_migration"] = entry["sha256"] == expected.get("sha256")
        if not entry["digest_matches_migration"]:
            report["notes"].append(f"{name}: content differs from the data profiled at migration")
        columns = expected.get("columns")
        if not columns or not path.lower().endswith(TABLE_SUFFIXES):
            continue
        try:
            frame = read_table(path)
        except Exception as exc:  # noqa: BLE001 - unreadable is a validation failure
            problems.append(f"{name}: cannot be read as a table ({type(exc).__name__}: {exc})")
            continue
        entry["rows"] = int(len(frame))
        if len(frame) == 0:
            problems.append(f"{name}: no rows")
        for column, stats in sorted(columns.items()):
            if column not in frame.columns:
                problems.append(f"{name}: column {column!r} is missing")
                continue
            numeric = is_numeric(frame[column])
            if numeric != (stats.get("kind") == "numeric"):
                problems.append(f"{name}: column {column!r} was {stats.get('kind')} ({stats.get('dtype')}), now {frame[column].dtype}")
            nulls = float(frame[column].isna().mean()) if len(frame) else 0.0
            if nulls > float(stats.get("nulls", 0.0)) + null_tolerance:
                problems.append(f"{name}: column {column!r} has {nulls:.1%} nulls (profile: {float(stats.get('nulls', 0.0)):.1%})")
        extra = sorted(set(map(str, frame.columns)) - set(columns))
        if extra:
            report["notes"].append(f"{name}: new columns {', '.join(extra)}")
    report["ok"] = not problems
    if problems:
        raise DataValidationError("data validation failed:\n- " + "\n- ".join(problems))
    return report
