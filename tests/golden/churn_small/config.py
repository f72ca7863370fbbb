"""Configuration of churn_small: every hardcoded path, URL and seed the notebook used.

Defaults reproduce the notebook: relative paths resolve against the working directory, as they
did in Jupyter, so running `churn-small` from the notebook's folder reads and writes the same files.
Override a field with a command-line flag (`--field-name`) or an environment variable
(`CHURN_SMALL_FIELD_NAME`).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any, Mapping, Optional

ENV_PREFIX = "CHURN_SMALL_"


@dataclass(frozen=True)
class Config:
    # path (read): notebooks/churn_small.ipynb cell 4 line 2
    churn_csv_path: str = "data/churn.csv"
    # path (write): notebooks/churn_small.ipynb cell 10 line 2
    metrics_csv_path: str = "out/metrics.csv"
    # random_state: notebooks/churn_small.ipynb cell 8 line 1
    random_state: int = 42
    # seed: notebooks/churn_small.ipynb cell 4 line 1
    seed: int = 7
    # where figures and other artifacts are written
    artifacts_dir: str = "artifacts"

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Config":
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            key = ENV_PREFIX + field.name.upper()
            if key in env:
                values[field.name] = convert(field.type, env[key])
        return cls(**values)

    def replace(self, **changes: Any) -> "Config":
        return dataclasses.replace(self, **changes)


def convert(type_name: Any, raw: str) -> Any:
    if type_name in ("bool", bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if type_name in ("int", int):
        return int(raw)
    if type_name in ("float", float):
        return float(raw)
    return raw
