"""Data validation of a generated package: the input files exist, their sha256 digests, and their schema
and null rates against the profile nbrefactor recorded from the notebook's own data at migration
time (`data_profile.json`).

Tables are checked with pandera (`schema_for`: a `DataFrameSchema` built from the profile, validated
lazily so every violation is listed). Fails (raises `DataValidationError`) on: a missing input file;
a profiled column that is gone; a column whose values are no longer of its profiled dtype family
(int, float, bool, datetime, string, category — `dtype_family`, `family_problem`); a numeric
value outside the profiled [min, max] widened by `range_tolerance` of its span (never below 0 for
a column that had no negative value); nulls in a column that had none, or a null share more than
`null_tolerance` above the profile's; an empty table. Without pandera installed, the built-in
checks run (no range check; the null share may grow by `null_tolerance` everywhere) and the report
says so. A different sha256 than at migration is reported, not a failure: new data is the point
of re-running the pipeline.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import resources
from typing import Any, Mapping, Optional

NULL_TOLERANCE = 0.05
# A numeric column's values may leave the profiled [min, max] by this share of its span on either
# side (new data is expected to reach a little beyond what the notebook saw), but never below 0
# when the profile had no negative value: a negative age or price is an error, not a new extreme.
RANGE_TOLERANCE = 0.25
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


FAMILIES = ("int", "float", "bool", "datetime", "string", "category")


def dtype_family(dtype: str) -> str:
    """The family of a recorded pandas dtype name: "int64"/"Int32"/"uint8" → int, "float64" →
    float, "bool"/"boolean" → bool, "datetime64[ns]"/"datetime64[ns, UTC]" → datetime, "category"
    → category, anything else ("object", "str", "string") → string."""
    name = str(dtype).lower()
    if name.startswith(("int", "uint")):
        return "int"
    if name.startswith("float"):
        return "float"
    if name in ("bool", "boolean"):
        return "bool"
    if name.startswith("datetime"):
        return "datetime"
    if name == "category":
        return "category"
    return "string"


def profiled_family(stats: Mapping[str, Any]) -> str:
    """The family the profile recorded (`family`), else the one of its dtype (older profiles)."""
    family = stats.get("family")
    return family if family in FAMILIES else dtype_family(str(stats.get("dtype", "")))


def parses_as_datetimes(values: Any) -> bool:
    """Every value is an ISO 8601 date or timestamp (the profile calls such a text column datetime)."""
    import pandas as pd

    present = values.dropna()
    if len(present) == 0:
        return False
    try:
        pd.to_datetime(present.astype(str), format="ISO8601")
    except (ValueError, TypeError, OverflowError):
        return False
    return True


def family_problem(series: Any, expected: str) -> Optional[str]:
    """None when `series` (as read now) holds values of the `expected` family, else what it holds.
    Tolerated, as a CSV reader produces them: an int column read as float because of nulls (its
    values still whole), an int column for a float one, a bool column with nulls read as text of
    True/False, datetimes and categories read as text (parsed / any text)."""
    import pandas as pd

    api = pd.api.types
    present = series.dropna()
    if expected in ("int", "float"):
        if api.is_bool_dtype(series) or not api.is_numeric_dtype(series):
            return f"now {series.dtype}"
        if expected == "int" and api.is_float_dtype(series) and not bool((present == present.round()).all()):
            return f"now {series.dtype} with fractions"
        return None
    if expected == "bool":
        if api.is_bool_dtype(series):
            return None
        if series.dtype == object and all(isinstance(v, bool) or str(v) in ("True", "False") for v in present):
            return None
        return f"now {series.dtype}"
    if expected == "datetime":
        if api.is_datetime64_any_dtype(series) or (api.is_string_dtype(series) and not api.is_numeric_dtype(series) and parses_as_datetimes(series)):
            return None
        return f"now {series.dtype}, not all ISO 8601 dates"
    # string / category: text (a category read from a file arrives as text)
    if isinstance(series.dtype, pd.CategoricalDtype) or (api.is_string_dtype(series) or series.dtype == object) and not api.is_numeric_dtype(series):
        if all(isinstance(v, str) for v in present):
            return None
        return f"now {series.dtype} holding non-text values"
    return f"now {series.dtype}"


def validate(
    paths: Mapping[str, str],
    profile: Mapping[str, Any],
    null_tolerance: float = NULL_TOLERANCE,
    range_tolerance: float = RANGE_TOLERANCE,
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
        if pandera_version() is not None:
            entry["validator"] = f"pandera {pandera_version()}"
            problems.extend(f"{name}: {p}" for p in pandera_problems(frame, columns, null_tolerance, range_tolerance))
        else:
            entry["validator"] = "built-in (pandera is not installed: no range checks)"
            problems.extend(f"{name}: {p}" for p in builtin_problems(frame, columns, null_tolerance))
        extra = sorted(set(map(str, frame.columns)) - set(columns))
        if extra:
            report["notes"].append(f"{name}: new columns {', '.join(extra)}")
    report["ok"] = not problems
    if problems:
        raise DataValidationError("data validation failed:\n- " + "\n- ".join(problems))
    return report


def pandera_version() -> Optional[str]:
    try:
        import pandera
    except ImportError:
        return None
    return str(pandera.__version__)


def allowed_range(stats: Mapping[str, Any], range_tolerance: float) -> Optional[tuple[float, float]]:
    """The values a numeric column may take: the profile's [min, max] widened by
    `range_tolerance` × span on each side, the lower end kept at 0 for a never-negative column."""
    low, high = stats.get("min"), stats.get("max")
    if low is None or high is None:
        return None
    margin = range_tolerance * (float(high) - float(low))
    lower = float(low) - margin
    if float(low) >= 0:
        lower = max(lower, 0.0)
    return lower, float(high) + margin


def schema_for(columns: Mapping[str, Any], null_tolerance: float = NULL_TOLERANCE, range_tolerance: float = RANGE_TOLERANCE) -> Any:
    """The pandera schema of a profiled table: every profiled column required; its dtype family
    as recorded (`family_problem`); numeric values inside `allowed_range`; no nulls where the profile had
    none, else a null share at most `null_tolerance` above the profile's. Extra columns pass
    (they are noted)."""
    import pandera.pandas as pa

    schema_columns = {}
    for column, stats in sorted(columns.items()):
        family = profiled_family(stats)
        numeric = family in ("int", "float")
        expected_nulls = float(stats.get("nulls") or 0.0)
        checks = [
            pa.Check(
                lambda s, family=family: family_problem(s, family) is None,
                ignore_na=False,
                name=f"type {family}",
                error=f"{family} values expected, as at migration ({stats.get('dtype')})",
            )
        ]
        if numeric:
            bounds = allowed_range(stats, range_tolerance)
            if bounds is not None:
                # Only meaningful on numbers; a column that turned into text fails the check above.
                checks.append(pa.Check(
                    lambda s, lo=bounds[0], hi=bounds[1]: s.between(lo, hi) if is_numeric(s) else True,
                    name="in_range", error=f"values in [{bounds[0]:.6g}, {bounds[1]:.6g}] expected (profile: [{stats.get('min')}, {stats.get('max')}])",
                ))
        if expected_nulls > 0:
            limit = expected_nulls + null_tolerance
            checks.append(pa.Check(
                lambda s, limit=limit: float(s.isna().mean()) <= limit if len(s) else True,
                ignore_na=False, name="null_share", error=f"a null share at most {limit:.1%} expected (profile: {expected_nulls:.1%})",
            ))
        schema_columns[column] = pa.Column(checks=checks, nullable=expected_nulls > 0, required=True, name=column)
    return pa.DataFrameSchema(schema_columns, strict=False, coerce=False, name="data_profile")


def pandera_problems(frame: Any, columns: Mapping[str, Any], null_tolerance: float, range_tolerance: float = RANGE_TOLERANCE) -> list[str]:
    """Every violation of `schema_for(columns)` in `frame` (pandera's lazy validation), one line
    per column and check with up to five failing values."""
    import pandera.errors

    frame = frame.rename(columns=str)
    try:
        schema_for(columns, null_tolerance, range_tolerance).validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        return describe_failures(errors.failure_cases, frame)
    return []


def describe_failures(cases: Any, frame: Any) -> list[str]:
    lines: list[str] = []
    grouped: dict[tuple[str, str], list[str]] = {}
    for row in cases.itertuples(index=False):
        column = "" if row.column is None or (isinstance(row.column, float) and row.column != row.column) else str(row.column)
        key = (column, str(row.check))
        grouped.setdefault(key, []).append(repr(row.failure_case))
    for (column, check), values in sorted(grouped.items()):
        if check == "column_in_dataframe":
            missing = [v.strip("'\"") for v in values]
            lines.extend(f"column {m!r} is missing" for m in missing)
            continue
        if check == "not_nullable":
            lines.append(f"column {column!r} has nulls, none at migration")
            continue
        if values == ["False"] and column in frame.columns:
            # a check on the whole column (type, null share): say what the column is now
            series = frame[column]
            family = check.split(" ", 1)[0]
            if family in FAMILIES and check.startswith(f"{family} values expected"):
                lines.append(f"column {column!r}: {check}; {family_problem(series, family)}")
                continue
            lines.append(f"column {column!r}: {check}; now {series.dtype} with {float(series.isna().mean()):.1%} nulls")
            continue
        shown = ", ".join(values[:5]) + (f" … ({len(values)} values)" if len(values) > 5 else "")
        lines.append(f"column {column!r}: {check}; failing: {shown}")
    return lines


def builtin_problems(frame: Any, columns: Mapping[str, Any], null_tolerance: float) -> list[str]:
    """Without pandera: columns present, dtype family unchanged, null share within the tolerance."""
    problems: list[str] = []
    for column, stats in sorted(columns.items()):
        if column not in frame.columns:
            problems.append(f"column {column!r} is missing")
            continue
        family = profiled_family(stats)
        wrong = family_problem(frame[column], family)
        if wrong is not None:
            problems.append(f"column {column!r}: {family} values expected ({stats.get('dtype')} at migration); {wrong}")
        nulls = float(frame[column].isna().mean()) if len(frame) else 0.0
        if nulls > float(stats.get("nulls", 0.0)) + null_tolerance:
            problems.append(f"column {column!r} has {nulls:.1%} nulls (profile: {float(stats.get('nulls', 0.0)):.1%})")
    return problems
