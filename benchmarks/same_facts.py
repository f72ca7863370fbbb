"""Compare, on every distinct code cell of folders of notebooks, the facts read from CPython's tree
(`ast_facts.facts_from_ast`) with libcst's (`analysis.libcst_facts`, the reference), and say why
the other cells are left to libcst (docs/benchmarks.md, tenth round):

    PYTHONPATH=TREE python benchmarks/same_facts.py DIR [DIR ...]

Prints one JSON line (cells, read from CPython's tree, equal, mismatched, left to libcst by
reason; an f-string's own reason after `f-string:`) and the first mismatches, if any. Exit code 1 when any cell differs.
"""

from __future__ import annotations

import ast
import io
import json
import tokenize
import sys
from collections import Counter
from pathlib import Path

from nbrefactor.audit import analysis
from nbrefactor.audit.ast_facts import _place_fstring, _source, facts_from_ast
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
    for node in nodes:
        if isinstance(node, ast.JoinedStr) and _place_fstring(node, python.split("\n")) is None:
            return "f-string: " + _fstring_why(_source(node, python.split("\n")))
    if any(isinstance(n, ast.Match) for n in nodes):
        return "match"
    return "concatenated literal or a name or parenthesis not placed"


def _fstring_why(source: str) -> str:
    """Why `ast_facts._place_fstring` leaves this f-string (twelfth round)."""
    try:
        parts = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.STRING]
    except (tokenize.TokenError, SyntaxError):
        return "not tokenized"
    if len(parts) > 1:
        return "implicit concatenation"
    if "\\N{" in source or "\\{" in source or "\\}" in source:
        return "a backslash before a brace"
    if "#" in source or "\\" in source:
        return "a backslash or # in a field"
    if "'''" in source[4:-4] or '\"\"\"' in source[4:-4]:
        return "a triple quote in a field"
    return "other"


if __name__ == "__main__":
    raise SystemExit(main())
