"""Jinja2 templates of the generated package's files (Python output is black-formatted afterwards).

Input text reaches a template only through a serialiser (`literals.py`): the filters `py` (a Python
literal), `doc` (docstring text), `comment` (comment text), `md` / `code` (Markdown text / inline
code), `toml` and `yaml` (quoted scalars), `image` (a validated OCI image reference). Anything
else pasted with `{{ … }}` must be a plain token (an identifier, a version); `literals.finalize`
refuses the rest when the file is generated.
"""

from __future__ import annotations

import json

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from nbrefactor.compile import literals
from nbrefactor.compile.image_ref import image_reference



@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # these are Python/TOML/YAML/Markdown sources, not HTML: see finalize
        finalize=literals.finalize,
    )
    env.filters.update(
        py=literals.py_literal,
        doc=literals.py_docstring_text,
        comment=literals.py_comment_text,
        md=literals.md_text,
        code=literals.md_code,
        toml=literals.toml_str,
        yaml=literals.yaml_str,
        image=image_reference,
        mdmsg=literals.md_message,
        join_text=literals.join_text,
        requirement_name=literals.requirement_name,
        requirement_version=literals.requirement_version,
        index_url=literals.index_url,
        join=_safe_join,
        dq=_double_quoted,
    )
    env.globals["repr"] = literals.py_literal
    return env


def _double_quoted(value: Any) -> str:
    """A double-quoted string (JSON escapes), which Dockerfile `ENV` and shells read as one word."""
    return literals.Serialised(json.dumps(str(value)))


def _safe_join(values: Any, separator: str = ", ") -> str:
    """`join` that keeps serialised items serialised (and refuses raw text like `finalize`)."""
    items = [literals.finalize(v) for v in values]  # raises on raw text
    return literals.Serialised(str(separator).join(str(v) for v in items))  # the separator is template text


def render(name: str, context: dict[str, Any]) -> str:
    return _environment().get_template(name).render(**context)
