"""Hosted-runtime tests read from CPython's tree: is an `if`'s test true only on Colab or Kaggle,
or only off them?

Shared by the path rules (a literal in a Colab set-up branch) and DEP003 (an install that runs
only on the hosted runtime). An `if`'s body runs where its test holds, its `else:` where it does not:
`if "COLAB_" not in "".join(os.environ.keys()): !pip install x` / `else: <Colab set-up>` installs
`x` everywhere but Colab, and the `else:` only there.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from typing import Optional

from nbrefactor.audit.analysis import CellAnalysis, cell_python_tree, nodes_of

# `'google.colab' in sys.modules`, `IN_COLAB`, `IS_KAGGLE`, `os.environ.get("COLAB_GPU") is not None`,
# `os.path.exists("/kaggle/input")`: a test that holds only on a hosted runtime. Names say so by
# their words; strings only as the runtime's module, variables or folders (`"kaggle.json"`, the API
# key a local run also has, is no such test). `"COLAB_"` alone is the prefix a test looks for among the
# environment's names (`"COLAB_" in "".join(os.environ.keys())`).
_HOSTED_NAME = re.compile(r"colab|kaggle", re.IGNORECASE)
_HOSTED_STRING = re.compile(r"^(?:google\.colab\b|kaggle_secrets$|kaggle_web_client$|COLAB_\w*$|KAGGLE_\w*$|/kaggle(?:/|$)|/content(?:/|$))")


def mentions_hosted(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and _HOSTED_NAME.search(sub.id):
            return True
        if isinstance(sub, ast.Attribute) and _HOSTED_NAME.search(sub.attr):
            return True
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and _HOSTED_STRING.match(sub.value):
            return True
    return False


def hosted_test(node: ast.expr) -> bool:
    """Is `node` true only on Colab or Kaggle? `not IN_COLAB`, `'google.colab' not in sys.modules`
    and `IN_COLAB == False` are the local branch's tests and are not; in an `and`, one hosted
    conjunct is enough (`'google.colab' in sys.modules and not os.path.exists('.setup_complete')`)."""
    if isinstance(node, ast.BoolOp):
        # `IS_COLAB or IS_KAGGLE`: every alternative hosted.
        hosted = [hosted_test(v) for v in node.values]
        return any(hosted) if isinstance(node.op, ast.And) else all(hosted)
    if isinstance(node, ast.UnaryOp):
        return False
    if isinstance(node, ast.Compare):
        negated = sum(isinstance(op, (ast.NotIn, ast.NotEq, ast.IsNot)) for op in node.ops)
        negated += sum(isinstance(c, ast.Constant) and c.value in (None, False, 0, "") for c in node.comparators)
        if negated % 2:
            return False
    return mentions_hosted(node)


def local_test(node: ast.expr) -> bool:
    """Is `node` false only on Colab or Kaggle, so that an `if`'s `else:` runs only there? The
    negations `hosted_test` refuses: `not IN_COLAB`, `"COLAB_" not in "".join(os.environ.keys())`,
    `IN_COLAB == False`, `os.environ.get("COLAB_GPU") is None`. De Morgan for the others: `not IS_COLAB
    and not IS_KAGGLE` (every conjunct local), `not IN_COLAB or FORCE` (one alternative local is enough
    for the `else:` to need the hosted runtime). `find_spec("torch") is None or IN_COLAB` is neither:
    its `else:` runs wherever torch is installed."""
    if isinstance(node, ast.BoolOp):
        local = [local_test(v) for v in node.values]
        return all(local) if isinstance(node.op, ast.And) else any(local)
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, ast.Not) and hosted_test(node.operand)
    if isinstance(node, ast.Compare) and mentions_hosted(node):
        negated = sum(isinstance(op, (ast.NotIn, ast.NotEq, ast.IsNot)) for op in node.ops)
        negated += sum(isinstance(c, ast.Constant) and c.value in (None, False, 0, "") for c in node.comparators)
        return negated % 2 == 1
    return False


@lru_cache(maxsize=256)
def if_branch_spans(tree: ast.Module) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """(hosted-only, local) line spans of a cell's `if` branches whose test names the hosted runtime:
    the body of `if IN_KAGGLE:` and the `else:` of `if not ON_KAGGLE:` run only there; the body of
    `if not ON_KAGGLE:` and the `else:` of `if IN_KAGGLE:` are the local branch (fair check 37,
    items 94-100: `if not ON_KAGGLE: <download into data/>` / `else: path = f"/kaggle/input/{c}/x.csv"`).
    An `elif` is an `if` inside the `else:`, so it is in the `else:`'s span too."""
    hosted: list[tuple[int, int]] = []
    local: list[tuple[int, int]] = []
    for node in nodes_of(tree, ast.If):
        if not isinstance(node, ast.If) or not mentions_hosted(node.test):
            continue
        body = (node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno)
        other = (node.orelse[0].lineno, node.orelse[-1].end_lineno or node.orelse[-1].lineno) if node.orelse else None
        if hosted_test(node.test):
            hosted.append(body)
            if other:
                local.append(other)
        elif local_test(node.test):
            local.append(body)
            if other:
                hosted.append(other)
    return tuple(hosted), tuple(local)


def if_branch(ca: CellAnalysis, line: int) -> Optional[bool]:
    """Is `line` of the cell in an `if` branch that runs only on Colab or Kaggle (True), in the
    local branch of such a test and in no hosted-only one (False), or in neither (None)? Read from
    the tree, so that a negated test's `else:` is the hosted branch and its body the local one, which
    the line-based `_HOSTED_GUARD` (any `if` line naming Colab or Kaggle) reads the other way round."""
    tree = cell_python_tree(ca)
    if tree is None:
        return None
    hosted, local = if_branch_spans(tree)
    if any(start <= line <= end for start, end in hosted):
        return True
    if any(start <= line <= end for start, end in local):
        return False
    return None


# The exceptions a Colab detection `try` catches when `from google.colab import files` fails
# (a bare `except:` too): the compiler runs such a handler in place of the `try` (transform.py,
# `_colab_detection_fallback`).
_IMPORT_FAILURES = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def _catches_import_failure(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(t, ast.Name) and t.id in _IMPORT_FAILURES for t in types)


def _imports_colab(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.ImportFrom):
        return statement.level == 0 and (statement.module or "").split(".")[:2] == ["google", "colab"]
    if isinstance(statement, ast.Import):
        return any(a.name.split(".")[:2] == ["google", "colab"] for a in statement.names)
    return False


@lru_cache(maxsize=256)
def colab_detection_spans(tree: ast.Module) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """(Colab-only, local) line spans of a cell's Colab detection `try`s: `try:` / `from google.colab
    import files` / `uploaded = files.upload()` / `df = read_csv("x.csv")` / `except ModuleNotFoundError:`
    / `df = read_csv("Data/x.csv")`. Outside Colab the import fails, so the rest of the `try` body (the
    Colab-only span, from the line after the import to the body's end) never runs, and the handler that
    catches the failure (the local span) is what runs locally and in a pipeline; the compiler replaces
    such a `try` by that handler. Lines of the body above the import run everywhere and are in neither.
    A `try` with no handler catching `ImportError` is no detection (the cell fails outside Colab)."""
    colab: list[tuple[int, int]] = []
    local: list[tuple[int, int]] = []
    # Only the `try` nodes, in `ast.walk`'s order: the cell's nodes sorted by class are shared with
    # the rules (`nodes_of`), so no walk of the whole tree per cell here (`ast.TryStar`, `try:` /
    # `except*`, is another class, which `isinstance(node, ast.Try)` never matched either).
    for node in nodes_of(tree, ast.Try):
        handlers = [h for h in node.handlers if _catches_import_failure(h)]
        first = next((i for i, s in enumerate(node.body) if _imports_colab(s)), None)
        if first is None or not handlers:
            continue
        after = node.body[first].end_lineno + 1
        end = node.body[-1].end_lineno
        if after <= end:
            colab.append((after, end))
        local.extend((h.body[0].lineno, h.body[-1].end_lineno) for h in handlers)
    return tuple(colab), tuple(local)


def colab_detection_branch(ca: CellAnalysis, line: int) -> Optional[bool]:
    """Is `line` of the cell in the Colab-only part of a Colab detection `try` (True), in the handler
    that runs instead outside Colab (False), or in neither (None)? See `colab_detection_spans`."""
    tree = cell_python_tree(ca)
    if tree is None:
        return None
    colab, local = colab_detection_spans(tree)
    if not colab and not local:
        return None  # (most cells: no detection `try`)
    if any(start <= line <= end for start, end in colab):
        return True
    if any(start <= line <= end for start, end in local):
        return False
    return None


# `if IS_COLAB:`, `if "google.colab" in sys.modules:`, `if IS_KAGGLE or IS_COLAB:`: the body runs
# only on a hosted runtime, where the project's manifest is not installed.
_HOSTED_GUARD = re.compile(r"^\s*(?:el)?if\b.*(?:colab|kaggle)", re.IGNORECASE)
# `try: import fastkaggle` / `except ModuleNotFoundError: !pip install fastkaggle`: the install
# runs only where the import fails, which the installed manifest prevents.
_IMPORT_FALLBACK = re.compile(r"^\s*except\b.*\b(?:ImportError|ModuleNotFoundError)\b")
# `except:` / `except Exception:` catch the failed import too: a fallback when the `try` body imports
# (fair check 28: `try: import openai` / `except: !pip install openai==0.28`).
_BROAD_EXCEPT = re.compile(r"^\s*except\s*(?::|\(?\s*(?:Exception|BaseException)\s*\)?\s*(?:as\s+\w+\s*)?:)")
_IMPORT_LINE = re.compile(r"^\s*(?:import\s+(?!google\.colab\b)[A-Za-z_]|from\s+(?!google\.colab\b)[A-Za-z_][\w.]*\s+import\b)")


def _broad_import_fallback(lines: list[str], at: int) -> bool:
    """Is `lines[at]` an `except:` (or `except Exception:`) handler of a `try:` whose body imports a
    module (not Colab's own, whose handler is the local branch)?"""
    if not _BROAD_EXCEPT.match(lines[at]):
        return False
    level = len(lines[at]) - len(lines[at].lstrip())
    body: list[str] = []
    for above in reversed(lines[:at]):
        if not above.strip() or above.lstrip().startswith("#"):
            continue
        indent = len(above) - len(above.lstrip())
        if indent > level:
            body.append(above)
        elif indent < level:
            return False
        elif re.match(r"\s*try\s*:", above):
            return any(_IMPORT_LINE.match(b) for b in body)
        elif re.match(r"\s*except\b", above):
            body = []  # an earlier handler of the same `try`
        else:
            return False
    return False


# `try:` / `    from google.colab import drive` / `    drive.mount(…)`: outside Colab the import
# fails and the lines after it in the `try` body never run (the usual Colab detection cell).
_COLAB_IMPORT = re.compile(r"^\s*(?:from\s+google\.colab\b|import\s+google\.colab\b)")


# `# !!! RUN THIS CELL ONLY ON GOOGLE COLAB !!!`, `# Colab only`: the author says, at the top of
# the cell, that it is the hosted runtime's setup; run locally or in a pipeline it is skipped.
_COLAB_ONLY_COMMENT = re.compile(r"^\s*#.*(?:\bonly\s+(?:on|in)\s+(?:google\s+)?colab\b|\bcolab[\s-]+only\b)", re.IGNORECASE)


def _colab_only_cell(lines: list[str]) -> bool:
    """Does the cell open with a comment saying it runs only on Colab?"""
    for text in lines:
        if not text.strip():
            continue
        if not text.lstrip().startswith("#"):
            return False
        if _COLAB_ONLY_COMMENT.match(text):
            return True
    return False


def hosted_only(lines: list[str], line: int, import_fallback: bool = True, if_guards: bool = True) -> bool:
    """Is source line `line` (1-based) inside an `if` block guarded by a Colab/Kaggle test (with
    `if_guards`; a caller reading the tree judges the `if` itself), after `from google.colab import …`
    in the same `try:` or function body, in a cell whose opening comment says it runs only on Colab,
    or (with `import_fallback`) inside an `except ImportError:` block (or a bare `except:`/`except
    Exception:` of a `try:` that imports)?"""
    if not 0 < line <= len(lines):
        return False
    if _colab_only_cell(lines):
        return True
    text = lines[line - 1]
    indent = len(text) - len(text.lstrip())
    body: list[str] = []  # the lines between `line` and the block opening above it
    for at in range(line - 2, -1, -1):
        above = lines[at]
        if not above.strip() or above.lstrip().startswith("#"):
            continue
        level = len(above) - len(above.lstrip())
        if level < indent:
            if (if_guards and _HOSTED_GUARD.match(above)) or (import_fallback and (
                    _IMPORT_FALLBACK.match(above) or _broad_import_fallback(lines, at))):
                return True
            if above.strip() == "try:" and any(_COLAB_IMPORT.match(b) for b in body):
                return True
            # `def mount_drive():` / `    from google.colab import drive` / `    drive.mount("/content/gdrive")`:
            # the lines after the import run only where it succeeds, on Colab.
            if re.match(r"\s*(?:async\s+)?def\b", above) and any(_COLAB_IMPORT.match(b) for b in body):
                return True
            indent = level
            body = []
            if level == 0:
                return False
        else:
            body.append(above)
    return False
