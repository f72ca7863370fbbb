"""Jinja2 templates of the generated package's files (Python output is black-formatted afterwards)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # these are Python/TOML/Markdown sources, not HTML
    )


def render(name: str, context: dict[str, Any]) -> str:
    return _environment().get_template(name).render(**context)
