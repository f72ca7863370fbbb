"""IPython's variable expansion of a magic or shell line, written as Python (pure: text in, code out).

Before a line magic or a `!` shell line runs, IPython expands it (`InteractiveShell.var_expand`
with its `DollarFormatter`, IPython/utils/text.py): each `{…}` field is evaluated as a Python
expression in the notebook's namespace (the text after a `:` is part of the expression, so
`{xs[1:3]}` slices; `!r`/`!s`/`!a` convert) and formatted with an empty spec; `$name` and
`$name.attr` are replaced by the value of that name; `$$` and `{{`/`}}` are escapes. When any
field fails to evaluate, the whole line is left as written.

`expanded(text)` is a Python expression (an f-string) that computes the expanded line in the step,
where the notebook's names are the step's: `mkdir -p {HOME}/datasets` → `f"mkdir -p {HOME}/datasets"`.
It answers only when the expansion is known from the text and the notebook's names (`bound`):
None for a line with nothing to expand (the literal is the line), with a `$NAME` or a `{…}` field
reading a name the notebook never binds (the kernel's formatter fails on it and runs the line as
written: `$HOME` is the shell's), with a field that is not a Python expression, or with text an
f-string cannot hold; `--data $DATASET_NAME` of a notebook that binds `DATASET_NAME` becomes
`f"--data {DATASET_NAME}"`. One difference is kept on purpose: a field that fails to evaluate raises in
the step (the kernel would have run the line unexpanded, a command the notebook did not mean).
"""

from __future__ import annotations

import ast
import builtins
import re
import string
from typing import Collection, Optional

# IPython's DollarFormatter pattern: `$name` outside single quotes (`$$name` is the escape).
_DOLLAR = re.compile(r"(.*?)\$(\$?[\w\.]+)(?=([^']*'[^']*')*[^']*$)")
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_BUILTINS = frozenset(dir(builtins))


def expanded(text: str, bound: Optional[Collection[str]] = None) -> Optional[str]:
    """The f-string that computes what IPython makes of `text`, or None (see the module doc).
    `bound`: the names the notebook binds; a field reading another name (not a builtin) fails in
    the kernel, which then runs the line as written (`!echo ${HOME}` with no Python `HOME`: the
    shell's variable), so the line stays a literal."""
    try:
        pieces = list(string.Formatter().parse(text))
    except ValueError:
        return None  # IPython's formatter fails too and leaves the line as written
    out: list[str] = []
    fields = 0
    for literal, field, spec, conversion in pieces:
        kept, end = "", 0
        for match in _DOLLAR.finditer(literal):
            before, name = match.group(1, 2)
            if name.startswith("$"):
                kept += before + name  # `$$x` → `$x`
            else:
                # `$name`: the value of a name the notebook binds (IPython evaluates it); any other
                # `$NAME` is left to the shell, which only holds when no field fails: not known here.
                if bound is None or not _f_string_expression(name) or not _names_read(name) <= set(bound):
                    return None
                text_before = _literal(kept + before)
                if text_before is None:
                    return None
                out.append(text_before + "{" + name + "}")
                fields += 1
                kept = ""
            end = match.end()
        literal_text = _literal(kept + literal[end:])
        if literal_text is None:
            return None
        out.append(literal_text)
        if field is None:
            continue
        expression = f"{field}:{spec}" if spec else field  # IPython joins the spec back: slicing
        if not _f_string_expression(expression) or literal.endswith("$"):
            return None  # `${NAME}`: the shell's variable syntax, expanded by IPython only if NAME is Python's
        if bound is not None and not _names_read(expression) <= set(bound) | _BUILTINS:
            return None
        fields += 1
        shown = expression.strip() if _DOTTED.fullmatch(expression.strip()) else f"({expression})"
        out.append("{" + shown + (f"!{conversion}" if conversion else "") + "}")
    return 'f"' + "".join(out) + '"' if fields else None


def _names_read(expression: str) -> set[str]:
    tree = ast.parse(expression.strip(), mode="eval")
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _literal(text: str) -> Optional[str]:
    """Text as the literal part of a double-quoted f-string; None for control characters."""
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        return None
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
            .replace("{", "{{").replace("}", "}}"))


def _f_string_expression(expression: str) -> bool:
    """A Python expression an f-string of Python 3.8-3.11 can hold (no backslash, `#` or double quote)."""
    if not expression.strip() or any(c in expression for c in '\\#"\n'):
        return False
    try:
        ast.parse(expression.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return False
    return True
