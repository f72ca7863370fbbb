"""Settings: `[tool.nbrefactor]` in pyproject.toml, overridden by the command line.

Frozen, and unknown keys are rejected with the list of known ones: a misspelt `ingore` must not
silently turn a CI gate off.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

from nbrefactor.audit.types import Severity
from nbrefactor.lazy_tomllib import tomllib

DEFAULT_EXCLUDE = (".ipynb_checkpoints", ".git", "__pycache__", ".venv", "venv", "node_modules", "site-packages")


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    """The `[tool.nbrefactor]` settings."""

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    fail_on: str = "warning"  # error | warning | info | never
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    rules_dirs: tuple[str, ...] = ()
    baseline: Optional[str] = None
    config_file: Optional[str] = None
    extra: tuple[tuple[str, Any], ...] = ()  # tables owned by later stages: models, gpu, migrate…

    def fail_threshold(self) -> Optional[Severity]:
        return None if self.fail_on == "never" else Severity(self.fail_on)

    def table(self, name: str) -> Any:
        return dict(self.extra).get(name, {})

    def rule_option(self, family: str, key: str) -> Any:
        """A rule option from `[tool.nbrefactor.<family>]`, or its default (see RULE_OPTIONS)."""
        _, default = RULE_OPTIONS[family][key]
        return self.table(family).get(key, default)

    def is_excluded(self, relative: str) -> bool:
        parts = Path(relative).parts
        for pattern in (*self.exclude, *self.extend_exclude):
            if any(fnmatch.fnmatch(part, pattern) for part in parts) or fnmatch.fnmatch(relative, pattern):
                return True
        return False

    def ignored_for(self, path: str) -> tuple[str, ...]:
        out: list[str] = []
        for pattern, codes in self.per_file_ignores:
            if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(Path(path).name, pattern):
                out.extend(codes)
        return tuple(out)


_LIST_KEYS = {"select", "ignore", "extend-select", "exclude", "extend-exclude", "rules-dirs"}
_STRING_KEYS = {"fail-on", "baseline"}
_TABLE_KEYS = {"per-file-ignores"}
# Tables read by the compiler and the batch runner; accepted here so one schema covers the file.
_OWNED_ELSEWHERE = {"models", "gpu", "migrate", "report", "mlflow", "image", "pipeline", "resources", "drift"}
# Options of the rules, one table per rule family (as ruff's per-plugin tables): each key with its
# type and default. Checked here, so a misspelt option is an error, not a silently default rule.
RULE_OPTIONS: dict[str, dict[str, tuple[type, Any]]] = {
    # DEP004: a `~=1.2.3` compatible-release pin (patch releases only) counts as pinned.
    "dependencies": {"allow-patch-ranges": (bool, True)},
}
KNOWN_KEYS = _LIST_KEYS | _STRING_KEYS | _TABLE_KEYS | _OWNED_ELSEWHERE | set(RULE_OPTIONS)


def find_pyproject(start: Path) -> Optional[Path]:
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for folder in (current, *current.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue
            except tomllib.TOMLDecodeError as exc:
                # It may hold the [tool.nbrefactor] table nobody can read: silently auditing with
                # defaults (every rule, no excludes) would turn a CI gate's settings off.
                raise ConfigError(_toml_problem(candidate, exc)) from exc
            if "nbrefactor" in data.get("tool", {}):
                return candidate
    return None


_TOML_AT = re.compile(r"\(at line (?P<line>\d+), column (?P<column>\d+)\)")


def _toml_problem(path: Path, exc: tomllib.TOMLDecodeError) -> str:
    """`pyproject.toml:12: invalid TOML: Expected '=' after a key (column 7)`: the file and line first,
    as editors and CI logs link them."""
    text = " ".join(str(exc).split())
    m = _TOML_AT.search(text)
    if m is None:
        return f"{path}: invalid TOML: {text}"
    message = (text[: m.start()] + text[m.end():]).strip()
    return f"{path}:{m.group('line')}: invalid TOML: {message} (column {m.group('column')})"


def load_settings(pyproject: Optional[Path]) -> Settings:
    if pyproject is None:
        return Settings()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_toml_problem(pyproject, exc)) from exc
    table = data.get("tool", {}).get("nbrefactor", {})
    return settings_from_table(table, str(pyproject), base=pyproject.parent)


def settings_from_table(table: Mapping[str, Any], source: str = "[tool.nbrefactor]", base: Optional[Path] = None) -> Settings:
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"{source}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} in [tool.nbrefactor] "
            f"(known: {', '.join(sorted(KNOWN_KEYS))})"
        )
    kwargs: dict[str, Any] = {"config_file": source}
    for key in _LIST_KEYS & set(table):
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{source}: [tool.nbrefactor] {key} must be a list of strings")
        if key == "rules-dirs" and base is not None:
            value = [str((base / v).resolve()) for v in value]
        kwargs[key.replace("-", "_")] = tuple(value)
    for key in _STRING_KEYS & set(table):
        value = table[key]
        if not isinstance(value, str):
            raise ConfigError(f"{source}: [tool.nbrefactor] {key} must be a string")
        kwargs[key.replace("-", "_")] = value
    if "fail_on" in kwargs and kwargs["fail_on"] not in ("error", "warning", "info", "never"):
        raise ConfigError(f"{source}: fail-on must be one of error, warning, info, never")
    if "per-file-ignores" in table:
        pfi = table["per-file-ignores"]
        if not isinstance(pfi, dict) or not all(isinstance(v, list) for v in pfi.values()):
            raise ConfigError(f"{source}: per-file-ignores must map a glob to a list of codes")
        kwargs["per_file_ignores"] = tuple(sorted((k, tuple(v)) for k, v in pfi.items()))
    for family in RULE_OPTIONS.keys() & set(table):
        _check_rule_options(source, family, table[family])
    kwargs["extra"] = tuple(sorted((k, table[k]) for k in (_OWNED_ELSEWHERE | set(RULE_OPTIONS)) & set(table)))
    return Settings(**kwargs)


def _check_rule_options(source: str, family: str, options: Any) -> None:
    known = RULE_OPTIONS[family]
    if not isinstance(options, dict):
        raise ConfigError(f"{source}: [tool.nbrefactor.{family}] must be a table")
    for key, value in options.items():
        if key not in known:
            raise ConfigError(
                f"{source}: unknown key {key} in [tool.nbrefactor.{family}] (known: {', '.join(sorted(known))})"
            )
        kind, _ = known[key]
        if not isinstance(value, kind):
            raise ConfigError(f"{source}: [tool.nbrefactor.{family}] {key} must be a {'boolean' if kind is bool else kind.__name__}")


def with_overrides(settings: Settings, **overrides: Any) -> Settings:
    clean = {k: v for k, v in overrides.items() if v is not None}
    return replace(settings, **clean)


def matches_selector(selector: str, code: str, name: str, family: str) -> bool:
    s = selector.strip()
    if not s:
        return False
    if s.upper() == "ALL":
        return True
    return code.startswith(s.upper()) or s.lower() == name or s.lower() == family


def rule_enabled(settings: Settings, code: str, name: str, family: str, path: Optional[str] = None) -> bool:
    selected = any(matches_selector(s, code, name, family) for s in (*settings.select, *settings.extend_select))
    if not selected:
        return False
    ignores = settings.ignore + (settings.ignored_for(path) if path else ())
    return not any(matches_selector(s, code, name, family) for s in ignores)



def check_selectors(settings: Settings, rules: Iterable[tuple[str, str, str]]) -> None:
    """Every selector in select / extend-select / ignore / per-file-ignores must name some rule
    (a code or code prefix, a rule name, a family, or ALL), else a `ConfigError` with the closest
    known spellings: `--ignore PTH999` silently ignoring nothing is how a gate goes wrong.
    `rules` are (code, name, family) triples."""
    known = list(rules)
    codes = sorted(c for c, _, _ in known)
    words = sorted({n for _, n, _ in known} | {f for _, _, f in known})

    def valid(selector: str) -> bool:
        s = selector.strip()
        return (
            not s
            or s.upper() == "ALL"
            or any(code.startswith(s.upper()) for code in codes)
            or s.lower() in words
        )

    where = [("select", settings.select), ("extend-select", settings.extend_select), ("ignore", settings.ignore)]
    where += [(f"per-file-ignores {pattern!r}", selectors) for pattern, selectors in settings.per_file_ignores]
    for option, selectors in where:
        for selector in selectors:
            if valid(selector):
                continue
            s = selector.strip()
            looks_like_code = re.fullmatch(r"[A-Za-z]{3}\d*", s) is not None
            same_prefix = [c for c in codes if c.startswith(s[:3].upper())] if looks_like_code else []
            close = same_prefix[:8] or difflib.get_close_matches(s.upper(), codes, n=2, cutoff=0.5)
            close += difflib.get_close_matches(s.lower(), words, n=2, cutoff=0.6)
            hint = f"; did you mean {', '.join(close[:-1]) + ' or ' if len(close) > 1 else ''}{close[-1]}?" if close else ""
            raise ConfigError(
                f"unknown rule {s!r} in {option}{hint} (a rule code or prefix such as PTH or PTH001, "
                "a rule name, a family, or ALL; `nbrefactor rules` lists them)"
            )
