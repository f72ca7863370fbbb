"""What libcst costs per stage, on a realistic notebook set (the decision in docs/architecture.md).

    python benchmarks/bench_libcst.py [N]      # N notebooks (default 100)

Measures, over every code cell (magics masked): stdlib `ast.parse`; `libcst.parse_module`; parse +
`PositionProvider`; parse + `ScopeProvider` (+ positions); and nbrefactor's full `analyse_notebook`
(masking, parse, positions, the walker). Writes benchmarks/results/libcst.json.
"""

from __future__ import annotations

import ast
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider, ScopeProvider

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import corpus  # noqa: E402

from nbrefactor.audit.analysis import analyse_notebook  # noqa: E402
from nbrefactor.audit.ipython import mask_cell  # noqa: E402
from nbrefactor.audit.loader import read_notebook  # noqa: E402
from nbrefactor.audit.types import Notebook  # noqa: E402


def timed(fn, items) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - start


def main(n: int = 100) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        paths, origin = corpus(n, Path(tmp))
        notebooks = [nb for nb in (read_notebook(p) for p in paths) if isinstance(nb, Notebook)]
    sources = []
    for nb in notebooks:
        for cell in nb.code_cells:
            masked = mask_cell(cell.source)
            if masked.is_python and masked.python.strip():
                try:
                    cst.parse_module(masked.python)
                except cst.ParserSyntaxError:
                    continue
                sources.append(masked.python)
    lines = sum(s.count("\n") + 1 for s in sources)

    def positions(src: str) -> None:
        MetadataWrapper(cst.parse_module(src), unsafe_skip_copy=True).resolve(PositionProvider)

    def scope(src: str) -> None:
        wrapper = MetadataWrapper(cst.parse_module(src), unsafe_skip_copy=True)
        wrapper.resolve(PositionProvider)
        wrapper.resolve(ScopeProvider)

    timed(cst.parse_module, sources[:20])  # warm the parser
    result = {
        "notebooks": len(notebooks),
        "origin": origin,
        "cells": len(sources),
        "lines": lines,
        "python": platform.python_version(),
        "seconds": {
            "ast.parse": round(timed(ast.parse, sources), 3),
            "libcst.parse_module": round(timed(cst.parse_module, sources), 3),
            "parse + PositionProvider": round(timed(positions, sources), 3),
            "parse + PositionProvider + ScopeProvider": round(timed(scope, sources), 3),
            "nbrefactor analyse_notebook (mask, parse, positions, walk)": round(timed(analyse_notebook, notebooks), 3),
        },
    }
    out = Path(__file__).resolve().parent / "results" / "libcst.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    width = max(len(k) for k in result["seconds"])
    print(f"{result['notebooks']} notebooks ({origin}), {result['cells']} code cells, {lines} lines")
    base = result["seconds"]["libcst.parse_module"]
    for key, seconds in result["seconds"].items():
        print(f"  {key:<{width}}  {seconds:7.3f} s  ({seconds / base:4.1f}x parse)")
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
