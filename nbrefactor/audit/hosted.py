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
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

from nbrefactor.audit.analysis import CellAnalysis, cell_python_tree, nodes_of
from nbrefactor.audit.facts import dotted_name, globals_bound_once

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


def missing_module_test(test: ast.expr) -> bool:
    """`importlib.util.find_spec(x) is None`, `not find_spec(x)`: true only where the module is not
    installed."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
        return isinstance(test, ast.Call) and dotted_name(test.func).split(".")[-1] == "find_spec"
    return (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is)
            and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None
            and isinstance(test.left, ast.Call) and dotted_name(test.left.func).split(".")[-1] == "find_spec")


# --- the hosted set-up cell that fetches the notebook's own repository ------------------------

# `os.path.isdir("data")`, `os.path.exists("data")`, `Path("data").is_dir()`, `Path("data").exists()`.
_EXISTS_CALLS = frozenset({"os.path.isdir", "os.path.exists", "path.isdir", "path.exists", "isdir", "exists"})
_EXISTS_METHODS = frozenset({"is_dir", "exists"})


@dataclass(frozen=True)
class OwnFolderBootstrap:
    """A module-level `if not os.path.isdir("data"):` (no `else:`) of a cell whose body clones a
    repository and changes into `os.path.join(<the clone>, "portfolio", PROJECT)`, which names the
    folders the notebook lies in (`portfolio/ml/b2_house_prices/`): the set-up cell a repository
    injects into its notebooks for Colab or Kaggle (fair check 43, items 98-103, 135-144). Run from
    the notebook's folder, which holds `data/`, it does nothing; anywhere else it fetches the
    notebook's own repository (the clone holds the notebook's folders) and enters the notebook's own
    folder in it, where `data/` is; run again, the test no longer holds. Every relative path under
    `data/` after it resolves against the notebook's folder either way."""

    cell: int  # the cell's index
    start: int  # the `if`'s lines
    end: int
    folder: str  # the folder the test looks for ("data")
    chdir_line: int  # the change of directory's line
    clone_lines: frozenset[int]  # the lines of the clone in the body


def _tested_folder(test: ast.expr) -> Optional[str]:
    """`not os.path.isdir("data")` (also `exists`, `Path("data").is_dir()`): "data", a relative
    folder without `..`; None for any other test."""
    if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Call)):
        return None
    call = test.operand
    argument: Optional[ast.expr] = None
    if dotted_name(call.func) in _EXISTS_CALLS and len(call.args) == 1 and not call.keywords:
        argument = call.args[0]
    elif (isinstance(call.func, ast.Attribute) and call.func.attr in _EXISTS_METHODS and not call.args
          and isinstance(call.func.value, ast.Call) and dotted_name(call.func.value.func) in ("Path", "pathlib.Path")
          and len(call.func.value.args) == 1):
        argument = call.func.value.args[0]
    if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
        return None
    parts = [p for p in argument.value.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or argument.value.startswith(("/", "\\", "~")) or any(p == ".." or ":" in p for p in parts):
        return None
    return "/".join(parts)


def _clone_lines(body: list[ast.stmt]) -> frozenset[int]:
    """Lines of the body that clone a repository: `subprocess.run(["git", "clone", …])` (a list or
    tuple of words), a command string `"git clone …"`, `Repo.clone_from(…)`."""
    found: set[int] = set()
    for statement in body:
        for node in ast.walk(statement):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Attribute) and node.func.attr == "clone_from":
                found.add(node.lineno)
                continue
            for argument in node.args[:1]:
                if isinstance(argument, (ast.List, ast.Tuple)) and len(argument.elts) >= 2 and all(
                        isinstance(e, ast.Constant) and e.value == w for e, w in zip(argument.elts, ("git", "clone"))):
                    found.add(node.lineno)
                elif (isinstance(argument, ast.Constant) and isinstance(argument.value, str)
                      and argument.value.split()[:2] == ["git", "clone"]):
                    found.add(node.lineno)
    return frozenset(found)


def _joined_tail(target: ast.expr, constants: dict[str, str]) -> Optional[list[str]]:
    """`os.path.join(_clone, "portfolio", PROJECT)` with `PROJECT = "ml/b2_house_prices"`: the folders
    after the first piece (`portfolio`, `ml`, `b2_house_prices`), each piece a literal or a name bound
    once to one; None when a piece is neither, climbs (`..`) or is absolute, or there is none."""
    if not (isinstance(target, ast.Call) and dotted_name(target.func) in ("os.path.join", "path.join", "join")
            and len(target.args) >= 2 and not target.keywords and isinstance(target.args[0], ast.Name)):
        return None
    parts: list[str] = []
    for piece in target.args[1:]:
        if isinstance(piece, ast.Constant) and isinstance(piece.value, str):
            value = piece.value
        elif isinstance(piece, ast.Name) and piece.id in constants:
            value = constants[piece.id]
        else:
            return None
        if value.startswith(("/", "\\", "~")):
            return None
        parts.extend(p for p in value.replace("\\", "/").split("/") if p not in ("", "."))
    if not parts or any(p == ".." for p in parts):
        return None
    return parts


def own_folder_bootstraps(notebook_path: str, cells: Sequence[CellAnalysis]) -> tuple[OwnFolderBootstrap, ...]:
    """The notebook's `OwnFolderBootstrap`s (most notebooks: none; a cell is read only when its
    source names both `chdir` and `clone`). Known only when the notebook's path, as audited, names
    the folders the change enters below the clone."""
    candidates = [ca for ca in cells if "chdir" in ca.cell.source and "clone" in ca.cell.source]
    if not candidates:
        return ()
    folders = [p for p in notebook_path.replace("\\", "/").split("/")[:-1] if p not in ("", ".")]
    constants: dict[str, str] = globals_bound_once(
        (cell_python_tree(ca) for ca in cells),
        lambda node, _found: node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None,
    )
    found: list[OwnFolderBootstrap] = []
    for ca in candidates:
        tree = cell_python_tree(ca)
        for statement in tree.body if tree is not None else ():
            if not isinstance(statement, ast.If) or statement.orelse:
                continue
            folder = _tested_folder(statement.test)
            clones = _clone_lines(statement.body) if folder is not None else frozenset()
            if not clones:
                continue
            for inner in statement.body:
                if not (isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Call)
                        and dotted_name(inner.value.func) in ("os.chdir", "chdir") and len(inner.value.args) == 1):
                    continue
                parts = _joined_tail(inner.value.args[0], constants)
                if parts is not None and len(folders) >= len(parts) and folders[-len(parts):] == parts:
                    found.append(OwnFolderBootstrap(
                        ca.cell.index, statement.lineno, statement.end_lineno or statement.lineno, folder, inner.lineno,
                        clones))
                    break
    return tuple(found)


def under_bootstrap_folder(bootstraps: Sequence[OwnFolderBootstrap], cell: int, line: int, path: str) -> bool:
    """Is the relative `path` ("data/x.csv"), named at `line` of `cell`, under the folder an own-folder
    bootstrap above it tests for? Such a path resolves against the notebook's own folder whether the
    bootstrap changed directory or not (fair check 43, items 110-112, 125)."""
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    for b in bootstraps:
        wanted = b.folder.split("/")
        if (b.cell, b.end) < (cell, line) and len(parts) > len(wanted) and parts[:len(wanted)] == wanted:
            return True
    return False
