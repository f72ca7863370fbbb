"""The data half of the rules: what a migration team extends without writing Python.

Every `*.toml` file in the shipped `rules/` folder is read, then every file in the folders named by
`[tool.nbrefactor] rules-dirs`. Tables merge: lists are concatenated, mappings updated, so a user's
file adds to the shipped catalogue rather than replacing it.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from nbrefactor.config import ConfigError
from nbrefactor.lazy_tomllib import tomllib


def shipped_rules_dir() -> Path:
    """`rules/` is shipped inside the wheel as `nbrefactor/rules_data`; in a checkout it is `../rules`."""
    package = Path(__file__).resolve().parent.parent  # nbrefactor/
    packaged = package / "rules_data"
    return packaged if packaged.is_dir() else package.parent / "rules"


class CatalogueError(ConfigError):
    """A catalogue folder that is not there: an audit without it would run its rules with empty
    tables (no path calls, no distributions, no seeds) and report far less, saying nothing."""


def check_catalogue_folders(extra_dirs: Iterable[str] = ()) -> None:
    """Raise CatalogueError, naming the folder, when the shipped `rules/` is missing or holds no
    `*.toml` file (a copy of the source tree without `rules/`), or a `rules-dirs` folder is not a
    folder (a typo in `[tool.nbrefactor] rules-dirs`)."""
    shipped = shipped_rules_dir()
    if not shipped.is_dir() or not any(shipped.glob("*.toml")):
        raise CatalogueError(
            f"{shipped}: nbrefactor's rule catalogue (rules/*.toml) is missing; "
            "reinstall nbrefactor, or run it from a checkout that has its rules/ folder")
    for folder in extra_dirs:  # (an empty one is fine: a team's folder before its first file)
        if not Path(folder).is_dir():
            what = "not a folder" if Path(folder).exists() else "no such folder"
            raise CatalogueError(f"{folder}: {what} (named by [tool.nbrefactor] rules-dirs)")


@dataclass(frozen=True)
class Catalog:
    """The parsed catalogue (rules/*.toml), with the structures derived from it once."""

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
        for stem, content in _parsed_folder(Path(folder)):
            data[stem] = merge(data.get(stem, {}), content)
    return data


# The parsed catalogue of a folder, kept beside nbrefactor's byte-code (issue 15, twenty-first
# round): parsing the shipped TOML files was ~7 % of a process's fixed cost, paid again by every
# run. An entry holds the exact bytes of every file it was parsed from and is used only when they
# equal the bytes read now (names and contents, in order): any change to any file, or a file
# added or removed, misses and parses the TOML again. Like byte-code, it is written only when
# Python may write byte-code, atomically, and any failure to read or write it falls back to
# parsing. `marshal` keeps dicts in their order and floats exactly; a file holding what marshal
# cannot store (TOML dates) is simply not kept.
_CACHE_FORMAT = 1
_CACHE_FOLDER = Path(__file__).resolve().parent / "__pycache__"


def _parsed_folder(folder: Path) -> list[tuple[str, Any]]:
    sources = [(file.stem, file.read_bytes()) for file in sorted(folder.glob("*.toml"))]
    entry = _CACHE_FOLDER / f"catalog-{zlib.crc32(marshal.dumps(sources)):08x}.{sys.implementation.cache_tag}.marshal"
    try:
        kept = marshal.loads(entry.read_bytes())
        if kept[0] == _CACHE_FORMAT and kept[1] == sources:
            return kept[2]
    except Exception:  # absent, unreadable, truncated or another format: parse
        pass
    parsed = [(stem, tomllib.loads(raw.decode("utf-8"))) for stem, raw in sources]
    if not sys.dont_write_bytecode:
        scratch = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
        try:
            blob = marshal.dumps((_CACHE_FORMAT, sources, parsed))
            entry.parent.mkdir(exist_ok=True)
            scratch.write_bytes(blob)
            os.replace(scratch, entry)  # readers see the whole entry or none
        except (OSError, ValueError):  # a read-only install, or a value marshal cannot store
            try:
                scratch.unlink(missing_ok=True)
            except OSError:
                pass
    return parsed


@lru_cache(maxsize=16)
def load_catalog(extra_dirs: tuple[str, ...] = ()) -> Catalog:
    check_catalogue_folders(extra_dirs)
    folders = [shipped_rules_dir(), *(Path(d) for d in extra_dirs)]
    return Catalog(read_catalog_files(folders))
