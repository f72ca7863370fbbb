"""Configuration of kale_small: every hardcoded path, URL and seed the notebook used.

Defaults reproduce the notebook: relative paths resolve against the working directory, as they
did in Jupyter, so running `kale-small` from the notebook's folder reads and writes the same files.
Override a field with a command-line flag (`--field-name`) or an environment variable
(`KALE_SMALL_FIELD_NAME`).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any, Mapping, Optional

ENV_PREFIX = "KALE_SMALL_"


@dataclass(frozen=True)
class Config:
    # path (write): notebooks/kale_small.ipynb cell 6 line 2
    summary_json_path: str = "summary.json"
    # parameter: notebooks/kale_small.ipynb cell 2 line 2
    name: str = "scores"
    # parameter: notebooks/kale_small.ipynb cell 2 line 1
    threshold: float = 0.5
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
