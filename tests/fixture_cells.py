"""The code cells of the fixture corpus, as tests that compare a rewrite with the computation it
replaced read them: every distinct cell once, in a stable order, broken fixture files skipped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from nbrefactor.audit.ipython import mask_cell
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.types import Notebook

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


def raw_code_sources(limit: Optional[int] = None) -> list[str]:
    """Each distinct code-cell source as the file holds it (magics included: nothing masked), in
    path order; read from the JSON directly so cells of notebooks the loader refuses count too.
    `limit` stops after the notebook that reaches that many distinct cells."""
    found: dict[str, None] = {}
    for path in sorted(FIXTURES.rglob("*.ipynb")):
        try:  # the corpus holds broken files on purpose
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (ValueError, UnicodeDecodeError, AttributeError):
            continue
        for cell in cells if isinstance(cells, list) else []:
            if isinstance(cell, dict) and cell.get("cell_type") == "code":
                source = cell.get("source", "")
                text = "".join(source) if isinstance(source, list) else source
                if isinstance(text, str):
                    found[text] = None
        if limit is not None and len(found) >= limit:
            break
    return list(found)


def masked_code_sources() -> list[str]:
    """The Python of every code cell of every notebook the loader reads (magics masked as the
    analysis masks them), repeats kept: what the analysis itself is given."""
    sources: list[str] = []
    for path in sorted(FIXTURES.rglob("*.ipynb")):
        notebook = read_notebook(path)
        if isinstance(notebook, Notebook):
            sources.extend(mask_cell(c.source).python for c in notebook.code_cells)
    return sources
