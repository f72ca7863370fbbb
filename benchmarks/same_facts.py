"""Compare, on every distinct code cell of folders of notebooks, the facts read from CPython's tree
(`ast_facts.facts_from_ast`) with libcst's (`analysis.libcst_facts`, the reference), and say why
the other cells are left to libcst (docs/benchmarks.md, tenth round):

    PYTHONPATH=TREE python benchmarks/same_facts.py DIR [DIR ...]

Prints one JSON line (cells, read from CPython's tree, equal, mismatched, left to libcst by
reason) and the first mismatches, if any. Exit code 1 when any cell differs.
"""

from __future__ import annotations

import ast
import json
import sys
from collections import Counter
from pathlib import Path

from nbrefactor.audit import analysis
from nbrefactor.audit.ast_facts import facts_from_ast
from nbrefactor.audit.ipython import mask_cell
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.types import Notebook


def main() -> int:
    sources: dict[str, str] = {}
    for folder in sys.argv[1:]:
        for path in sorted(Path(folder).rglob("*.ipynb")):
            notebook = read_notebook(path)
            if not isinstance(notebook, Notebook):
                continue
            for cell in notebook.code_cells:
                masked = mask_cell(cell.source, frozenset(), frozenset())
                if masked.is_python and masked.python.strip():
                    sources.setdefault(masked.python, str(path))
    counts: Counter[str] = Counter()
    mismatches: list[dict] = []
    for python, where in sources.items():
        if analysis._cpython_syntax_error(python) is not None or analysis.too_complex(python) is not None:
            continue
        counts["cells"] += 1
        tree = analysis.python_tree(python)
        from_ast = facts_from_ast(python, tree)
        if from_ast is None:
            counts["libcst: " + _why(python, tree)] += 1
            continue
        counts["from CPython's tree"] += 1
        if from_ast == analysis.libcst_facts(python):
            counts["equal"] += 1
        else:
            mismatches.append({"notebook": where, "cell": python[:400]})
    counts["mismatched"] = len(mismatches)
    print(json.dumps(dict(counts)))
    for m in mismatches[:10]:
        print(json.dumps(m))
    return 1 if mismatches else 0


def _why(python: str, tree: ast.Module) -> str:
    if not python.isascii():
        return "non-ASCII"
    if "\r" in python:
        return "\\r"
    nodes = analysis.tree_nodes(tree)
    if any(isinstance(n, ast.JoinedStr) for n in nodes):
        return "f-string"
    if any(isinstance(n, ast.Match) for n in nodes):
        return "match"
    return "concatenated literal or a name or parenthesis not placed"


if __name__ == "__main__":
    raise SystemExit(main())
