"""What a cell displayed as text (`text/plain` of its result: `df.head()`, a bare `accuracy`), compared
with the same expression evaluated in the package when the step that holds the cell returns.

The package does not display anything (the compiler logs or drops display statements), so verify
asks it: after the step returns, the cell's last expression is evaluated in the stage module's
namespace plus the values the package's steps returned so far, and formatted as IPython formats a
result (`PlainTextFormatter`, falling back to `repr`). Only where that shows the notebook's state
at the display:
- the expression is made of names, constants, attribute and item reads, operators and calls of a
  fixed list of reading functions and methods (`len`, `.head()`, `.describe()`, `.mean()` …): it is
  never a computation re-run for the comparison, and it changes nothing;
- no later cell of the same step mentions a name the expression reads (it could change it before
  the step returns);
- the cell's source parses as Python (a cell with magics is left out) and does not end with `;`.
Volatile parts (object addresses, timestamps, `%time` lines) are masked on both sides; numbers are
equal within the run's tolerance.
"""

from __future__ import annotations

import ast
import math
import re
import sys
from typing import Any, Callable, Optional, Sequence

READING_FUNCTIONS = frozenset({"len", "round", "sorted", "sum", "min", "max", "abs", "list", "tuple", "repr", "str", "int", "float", "bool", "type", "dict", "set", "frozenset"})
READING_METHODS = frozenset({
    "head", "tail", "describe", "sum", "mean", "median", "std", "var", "min", "max", "count", "value_counts",
    "nunique", "unique", "round", "sort_values", "sort_index", "copy", "to_string", "get_params", "isnull",
    "isna", "notnull", "notna", "corr", "cov", "idxmax", "idxmin", "argmax", "argmin", "cumsum", "abs", "any",
    "all", "astype", "reshape", "tolist", "keys", "values", "items", "get", "score", "predict", "predict_proba",
    "select_dtypes", "memory_usage", "equals", "format", "upper", "lower", "strip", "split", "join", "ravel",
    "flatten", "transpose", "item", "prod", "nlargest", "nsmallest", "rank", "quantile", "drop_duplicates",
})
_ALLOWED = (ast.Name, ast.Load, ast.Constant, ast.Attribute, ast.Subscript, ast.Slice, ast.Tuple, ast.List, ast.BinOp,
            ast.UnaryOp, ast.Compare, ast.BoolOp, ast.operator, ast.unaryop, ast.cmpop, ast.boolop, ast.keyword, ast.Call)


def _reads_only(expression: ast.expr) -> bool:
    for node in ast.walk(expression):
        if not isinstance(node, _ALLOWED):
            return False
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in READING_FUNCTIONS:
                continue
            if isinstance(func, ast.Attribute) and func.attr in READING_METHODS and not any(k.arg == "inplace" for k in node.keywords):
                continue
            return False
    return True


def _mentions(source: str) -> Optional[set[str]]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def display_probes(cells: Sequence[int], source_of: Callable[[int], Optional[str]]) -> list[dict[str, Any]]:
    """For the cells of one step (1-based numbers, in order): the displays the package can be asked
    about, as {"cell", "expression", "names"}. `source_of(n)` is a code cell's source (None for a
    markdown cell)."""
    probes = []
    ordered = sorted(cells)
    for position, number in enumerate(ordered):
        source = source_of(number)
        if not source or source.rstrip().endswith(";"):
            continue
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        if not tree.body or not isinstance(tree.body[-1], ast.Expr) or not _reads_only(tree.body[-1].value):
            continue
        names = {n.id for n in ast.walk(tree.body[-1].value) if isinstance(n, ast.Name)}
        changed_later = False
        for later in ordered[position + 1:]:
            text = source_of(later)
            if not text:
                continue
            mentioned = _mentions(text)
            # A later cell that does not parse (magics): any word of it may touch the names.
            if mentioned is None:
                mentioned = set(re.findall(r"[A-Za-z_]\w*", text))
            if names & mentioned:
                changed_later = True
                break
        if not changed_later:
            probes.append({"cell": number, "expression": ast.unparse(tree.body[-1].value), "names": sorted(names)})
    return probes


def pandas_as_in_a_kernel() -> None:
    """pandas' defaults as a Jupyter kernel has them, for a package run compared with a notebook.

    pandas registers `display.max_columns` as 20 in a kernel and as 0 ("fit the terminal") in a
    plain interpreter, so a frame wider than the terminal prints and displays as other text: the
    kernel wraps 20 columns (`\\` at each line's end), the package fits a few with `...`
    (mig15: a football statistics notebook's four displays of a 35-column frame, verify FAILED for a
    faithful package). Only a value still at the interpreter's default is changed: an option the
    package set itself stays, and a `pd.set_option` a step runs later wins as in the notebook."""
    pandas = sys.modules.get("pandas")
    try:
        if pandas is not None and pandas.get_option("display.max_columns") == 0:
            pandas.set_option("display.max_columns", 20)
    except Exception:  # noqa: BLE001 - a pandas without these options: nothing to align
        pass


def plain_text(value: Any) -> str:
    """How IPython shows a result as text/plain."""
    try:
        from IPython.core.formatters import PlainTextFormatter
    except ImportError:  # pragma: no cover - the package's environment has ipykernel
        return repr(value)
    return PlainTextFormatter()(value)


def evaluate(probe: dict[str, Any], module: dict[str, Any], values: dict[str, Any]) -> Optional[dict[str, Any]]:
    """In the package's interpreter: {"cell", "text"} or {"cell", "skipped": why}; None when the
    expression reads no value the package computed (`1 + 1`, `np.pi`): comparing it would prove
    nothing about the package, so it is not a comparison."""
    import builtins

    missing = [n for n in probe["names"] if n not in values and n not in module and not hasattr(builtins, n)]
    if missing:
        return {"cell": probe["cell"], "skipped": f"{', '.join(missing)} not returned by the package's steps so far (local to a step)"}
    if not any(n in values for n in probe["names"]):
        return None
    try:
        value = eval(probe["expression"], {**module, **values})  # noqa: S307 - a reading expression of the notebook's (see display_probes)
        return {"cell": probe["cell"], "text": plain_text(value)}
    except Exception as exc:  # noqa: BLE001 - reported, never a crash of the run
        return {"cell": probe["cell"], "skipped": f"evaluating `{probe['expression'][:60]}` in the package raised {type(exc).__name__}: {exc}"}


# A default object repr names the class by its module: `__main__.Box` in the notebook is the
# package's `<pkg>.functions.Box` (the compiler moved it). The address is masked as volatile.
_DEFAULT_REPR = re.compile(r"<(?:[A-Za-z_][\w]*\.)+([A-Za-z_]\w*)( object)? at <address>>")


def unqualified(text: str) -> str:
    """Default object reprs without their module (after the volatile catalogue masked the address)."""
    return _DEFAULT_REPR.sub(r"<\1 at <address>>", text)


_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def same_text(notebook: str, package: str, rtol: float, atol: float) -> Optional[str]:
    """None when equal (numbers within rtol/atol), else the first differing line."""
    if notebook == package:
        return None
    if _NUMBER.sub("#", notebook) == _NUMBER.sub("#", package):
        pairs = zip(_NUMBER.findall(notebook), _NUMBER.findall(package))
        if all(a == b or _close(a, b, rtol, atol) for a, b in pairs):
            return None
    mine, theirs = notebook.splitlines(), package.splitlines()
    for index in range(max(len(mine), len(theirs))):
        a = mine[index] if index < len(mine) else "(nothing)"
        b = theirs[index] if index < len(theirs) else "(nothing)"
        if a != b:
            return f"line {index + 1}: notebook {a[:80]!r}, package {b[:80]!r}"
    return "texts differ"  # pragma: no cover - equal line lists mean equal texts (but for a final newline)


def _close(a: str, b: str, rtol: float, atol: float) -> bool:
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return math.isclose(y, x, rel_tol=rtol, abs_tol=atol) if rtol or atol else x == y


__all__ = ["display_probes", "evaluate", "pandas_as_in_a_kernel", "same_text", "plain_text", "READING_FUNCTIONS", "READING_METHODS"]
