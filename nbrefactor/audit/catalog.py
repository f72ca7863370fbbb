"""The data half of the rules: what a migration team extends without writing Python.

Every `*.toml` file in the shipped `rules/` folder is read, then every file in the folders named by
`[tool.nbrefactor] rules-dirs`. Tables merge: lists are concatenated, mappings updated, so a user's
file adds to the shipped catalogue rather than replacing it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping


def shipped_rules_dir() -> Path:
    """`rules/` is shipped inside the wheel as `nbrefactor/rules_data`; in a checkout it is `../rules`."""
    package = Path(__file__).resolve().parent.parent  # nbrefactor/
    packaged = package / "rules_data"
    return packaged if packaged.is_dir() else package.parent / "rules"


@dataclass(frozen=True)
class Catalog:
    data: Mapping[str, Any]
    # Structures derived from the data (compiled regexes, lookup tables), built once per catalogue.
    _derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def derived(self, key: str, build: Callable[["Catalog"], Any]) -> Any:
        """`build(self)`, computed on first use and kept with this catalogue: rules call it per
        notebook, so anything costly to derive from the TOML data is derived once."""
        if key not in self._derived:
            self._derived[key] = build(self)
        return self._derived[key]

    def section(self, name: str) -> Any:
        return self.data.get(name, {})

    def table(self, file: str, key: str, default: Any = None) -> Any:
        return self.data.get(file, {}).get(key, default)


def merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if key in out and isinstance(out[key], list) and isinstance(value, list):
            out[key] = out[key] + value
        elif key in out and isinstance(out[key], dict) and isinstance(value, Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def read_catalog_files(folders: Iterable[Path]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for folder in folders:
        for file in sorted(Path(folder).glob("*.toml")):
            with file.open("rb") as handle:
                content = tomllib.load(handle)
            data[file.stem] = merge(data.get(file.stem, {}), content)
    return data


@lru_cache(maxsize=16)
def load_catalog(extra_dirs: tuple[str, ...] = ()) -> Catalog:
    folders = [shipped_rules_dir(), *(Path(d) for d in extra_dirs)]
    return Catalog(read_catalog_files(folders))
