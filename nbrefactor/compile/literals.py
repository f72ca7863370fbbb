"""Input text enters generated files only through these serialisers.

A notebook's file name, its headings, tags, metadata and configuration values are data written by
someone else. Pasted into generated source they could close a docstring, break out of a comment or
a YAML value, and run on the machine that imports the package (or on the one that migrates it).
Every function here turns text into a token of one target language that can only ever be a value:

- `py_literal` — a Python literal (`repr` for text; `float("inf")` for infinities; containers
  element by element);
- `py_docstring_text` / `py_comment_text` — text that cannot end the docstring or comment it sits
  in (quotes and backslashes escaped, line breaks and control characters removed);
- `md_text` / `md_code` — Markdown text and inline code that cannot open a link, an HTML tag or
  a new block;
- `toml_str` / `yaml_str` — quoted scalars with every escape those formats need.

The template environment (`templates.py`) refuses to paste any other string that is not plainly
an identifier, a dotted name or a version number, so a new template cannot forget to use them.
"""

from __future__ import annotations

import json
import keyword
import math
import re
import unicodedata
from typing import Any


class Serialised(str):
    """Text already serialised for the language of the file it goes into (safe to paste)."""


# Characters that end a line for some reader (Python's tokenizer, `str.splitlines`, YAML, editors),
# or that a terminal or a parser treats specially: never left in a one-line context.
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def clean_text(text: str) -> str:
    """Text with lone surrogates replaced (they cannot be written as UTF-8) and control
    characters other than tab and the line breaks removed."""
    text = _no_surrogates(text)
    return "".join(ch for ch in text if ch in "\t" + _LINE_BREAKS or unicodedata.category(ch) != "Cc")


def one_line(text: str) -> str:
    """`clean_text` on one line: every line break becomes a space, tabs too."""
    text = clean_text(text)
    for ch in _LINE_BREAKS + "\t":
        text = text.replace(ch, " ")
    return text


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


# --- Python ---------------------------------------------------------------------------------------


def py_literal(value: Any) -> Serialised:
    """A Python expression that evaluates to `value` (str, bytes, numbers, bools, None, and lists,
    tuples, dicts and sets of them). Raises TypeError for anything else: no `repr` of an arbitrary
    object ever reaches generated code."""
    return Serialised(_py(value))


def _py(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float):
        if math.isnan(value):
            return 'float("nan")'
        if math.isinf(value):
            return 'float("inf")' if value > 0 else '-float("inf")'
        return repr(float(value))
    if isinstance(value, str):
        # repr escapes quotes, backslashes, line breaks, control and unprintable characters; a lone
        # surrogate becomes an escape sequence, so the file stays valid UTF-8.
        return repr(str(value))
    if isinstance(value, bytes):
        return repr(bytes(value))
    if isinstance(value, tuple):
        items = [_py(v) for v in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(_py(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_py(k)}: {_py(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(_py(v) for v in value)) + "}" if value else "set()"
    raise TypeError(f"no Python literal for a {type(value).__name__}")


def py_docstring_text(text: str) -> Serialised:
    """Text for the inside of a `\"\"\"…\"\"\"` docstring, on one line: backslashes and double quotes
    are escaped, so the text can neither close the docstring nor start an escape sequence."""
    return Serialised(one_line(text).replace("\\", "\\\\").replace('"', '\\"'))


def py_comment_text(text: str) -> Serialised:
    """Text for the rest of a `#` comment line: one line, so nothing after it is code."""
    return Serialised(one_line(text))


def py_name(name: str) -> Serialised:
    """A Python identifier, checked: names from the plan are identifiers by construction, and
    this is where that construction is verified before one is pasted into code. Unicode letters
    are identifiers (PEP 3131: `μ`, `données`), in the NFKC form Python reads them in (`fi`, not
    `ﬁ`), so the name pasted as code and the same name quoted as a key are one name."""
    if not (isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name) and unicodedata.normalize("NFKC", name) == name):
        raise UnsafeTemplateValue(f"{name!r} is not a Python identifier")
    return Serialised(name)


# --- Markdown -------------------------------------------------------------------------------------

# What Markdown could read as syntax in the middle of a line: code spans, emphasis, links and
# images, raw HTML and entities, table cell borders. (Block syntax such as `#`, `-` or `1.` only
# acts at the start of a line, and these texts never start one: templates put them after a bullet
# or a heading marker.) Underscores inside words and dots are left alone so names stay readable.
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>&|])")


def md_text(text: str) -> Serialised:
    """Markdown text shown as written, on one line."""
    return Serialised(_MD_SPECIAL.sub(r"\\\1", one_line(text)))


def md_code(text: str) -> Serialised:
    """An inline code span holding `text` exactly: fenced by more backticks than any run inside."""
    body = one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or not body.strip() else ""
    return Serialised(f"{fence}{pad}{body}{pad}{fence}")


# --- TOML and YAML --------------------------------------------------------------------------------


def toml_str(text: str) -> Serialised:
    """A TOML basic string. JSON's escapes are TOML's (`\\"`, `\\\\`, `\\n`, `\\uXXXX`); lone
    surrogates, which neither allows, were replaced by `clean_text`."""
    quoted = json.dumps(_no_surrogates(text), ensure_ascii=False)
    return Serialised("".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) == "Cc" else ch for ch in quoted))


def yaml_str(text: str) -> Serialised:
    """A YAML double-quoted scalar (a JSON string is one). Characters YAML does not print or reads
    as line breaks (C1 controls, U+2028/2029, BOM…) are written as `\\uXXXX` escapes; the rest
    stays as is (PyYAML does not join surrogate-pair escapes, so astral characters stay literal)."""
    quoted = json.dumps(_no_surrogates(text), ensure_ascii=False)
    return Serialised("".join(_yaml_escape(ch) if _yaml_unprintable(ch) else ch for ch in quoted))


def _yaml_escape(ch: str) -> str:
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


def _yaml_unprintable(ch: str) -> bool:
    code = ord(ch)
    return 0x7F <= code <= 0x9F or code in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF) or unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and code > 0x7E


def _no_surrogates(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text


# --- requirements ---------------------------------------------------------------------------------

_DISTRIBUTION = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def is_distribution_name(name: str) -> bool:
    """A PEP 508 distribution name (what pip accepts before any specifier)."""
    return isinstance(name, str) and _DISTRIBUTION.fullmatch(name) is not None


def is_version(version: str) -> bool:
    """A PEP 440 version, as `packaging` parses it."""
    from packaging.version import InvalidVersion, Version

    try:
        Version(version)
    except (InvalidVersion, TypeError):
        return False
    return _PLAIN.fullmatch(version) is not None


def requirement_name(name: str) -> Serialised:
    if not is_distribution_name(name):
        raise UnsafeTemplateValue(f"{name!r} is not a distribution name")
    return Serialised(name)


def requirement_version(version: str) -> Serialised:
    if not is_version(version):
        raise UnsafeTemplateValue(f"{version!r} is not a version")
    return Serialised(version)


_INDEX_URL = re.compile(r"https://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?:/[A-Za-z0-9._~/-]*)?")


def index_url(url: str) -> Serialised:
    """A package index's URL for an `--extra-index-url` line: https, a host and a plain path, nothing
    pip or a shell could read as another option or a second line."""
    if not isinstance(url, str) or _INDEX_URL.fullmatch(url) is None:
        raise UnsafeTemplateValue(f"{url!r} is not a plain https package index URL")
    return Serialised(url)


def md_message(text: str) -> Serialised:
    """A finding's message in Markdown: its `code spans` stay code spans (nothing inside one is
    interpreted), the text between them is escaped like `md_text`."""
    parts = re.split(r"(`[^`]*`)", one_line(text))
    return Serialised("".join(part if part.startswith("`") and part.endswith("`") and len(part) > 1 else md_text(part) for part in parts))


def join_text(values: Any, separator: str = ", ") -> str:
    """Raw text joined, for a serialiser to quote next (`|join_text(", ")|py`)."""
    return str(separator).join(str(v) for v in values)


# --- what may be pasted without a serialiser ------------------------------------------------------

# Identifiers, dotted module names, distribution names, version numbers and specifiers, file
# names without spaces: characters that mean nothing special to Python, TOML, YAML, Markdown
# or a Dockerfile in the places templates paste them.
_PLAIN = re.compile(r"[A-Za-z0-9_.\-+=<>!~,/]*")


def is_plain(text: str) -> bool:
    return _PLAIN.fullmatch(text) is not None and not text.startswith(("-", "/"))


class UnsafeTemplateValue(TypeError):
    """A template tried to paste text that is not plain and went through no serialiser."""


def finalize(value: Any) -> Any:
    """Jinja's `finalize` hook: every `{{ … }}` passes through here. Serialised text, numbers and
    plain tokens pass; any other text is refused, naming it, so a template that forgot its filter
    fails at generation time instead of writing input text into code."""
    if isinstance(value, Serialised) or value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, str) and (value == "" or is_plain(value)):
        return value
    raise UnsafeTemplateValue(f"a template pasted {value!r} without a serialiser (py, doc, comment, md, code, toml, yaml)")
