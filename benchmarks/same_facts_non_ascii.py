"""Non-ASCII variants of every distinct code cell of folders of notebooks: facts read from
CPython's tree (`ast_facts.facts_from_ast`, which turns a non-ASCII cell's byte columns into
characters) against libcst's (the reference), sixteenth round of docs/benchmarks.md:

    PYTHONPATH=TREE python benchmarks/same_facts_non_ascii.py DIR [DIR ...]

Each variant puts `é日` at the start of every plain string literal's body, `✓ñ` at the end of every
comment and a `# día` comment at the end of every other logical line, so the columns after them
differ in bytes and characters. Prints one JSON line (variants, equal, left to libcst, mismatches)
and the first mismatches; exit code 1 when any differs.
"""
from __future__ import annotations

import io
import json
import sys
import tokenize
from collections import Counter
from pathlib import Path

from nbrefactor.audit import analysis
from nbrefactor.audit.ast_facts import facts_from_ast
from nbrefactor.audit.ipython import mask_cell
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.types import Notebook


def variant(python: str) -> str | None:
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(python).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    lines = python.split("\n")
    edits = []  # (row, col, text)
    for t in toks:
        if t.type == tokenize.STRING:
            prefix = t.string[:len(t.string) - len(t.string.lstrip("rRbBuUfF"))]
            if "b" in prefix.lower() or "f" in prefix.lower():
                continue
            q = t.string[len(prefix):]
            ql = 3 if q[:3] in ('"""', "'''") else 1
            edits.append((t.start[0], t.start[1] + len(prefix) + ql, "é日"))
        elif t.type == tokenize.COMMENT:
            edits.append((t.end[0], t.end[1], " ✓ñ"))
        elif t.type == tokenize.NEWLINE and t.string == "\n" and t.start[0] % 2 == 0:
            edits.append((t.start[0], t.start[1], "  # día"))
    if not edits:
        return None
    for row, col, text in sorted(edits, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + text + line[col:]
    return "\n".join(lines)


def main() -> int:
    sources: dict[str, str] = {}
    for folder in sys.argv[1:]:
        for path in sorted(Path(folder).rglob("*.ipynb")):
            nb = read_notebook(path)
            if not isinstance(nb, Notebook):
                continue
            for cell in nb.code_cells:
                m = mask_cell(cell.source, frozenset(), frozenset())
                if m.is_python and m.python.strip():
                    sources.setdefault(m.python, str(path))
    counts = Counter(); bad = []
    for python, where in sources.items():
        v = variant(python)
        if v is None or v.isascii():
            continue
        if analysis._cpython_syntax_error(v) is not None or analysis.too_complex(v) is not None:
            counts["variant invalid"] += 1
            continue
        counts["variants"] += 1
        got = facts_from_ast(v, analysis.python_tree(v))
        if got is None:
            counts["left to libcst"] += 1
            continue
        if got == analysis.libcst_facts(v):
            counts["equal"] += 1
        else:
            counts["MISMATCH"] += 1
            bad.append({"where": where, "cell": v[:300]})
    print(json.dumps(dict(counts)))
    for b in bad[:5]:
        print(json.dumps(b, ensure_ascii=False))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
