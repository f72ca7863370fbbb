"""`paths._value_at`: the string an expression spells where it runs, one function for the two
readings the path rules had written twice: the value itself (an f-string's path, PTH001's shown
value) and, with `from_cwd`, a path built on the working directory (`_cwd_rest`). Held here to
the two functions it replaced, written as they were, on every expression of the fixture corpus,
and to hand-written cases."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Optional

from nbrefactor.audit.analysis import analyse_notebook, cell_python_tree, tree_nodes
from nbrefactor.audit.catalog import load_catalog
from nbrefactor.audit.facts import dotted_name
from nbrefactor.audit.loader import LoadError, parse_notebook, read_notebook
from nbrefactor.audit.project import ProjectContext
from nbrefactor.audit.rules import Example, RuleContext
from nbrefactor.audit.rules import paths
from nbrefactor.audit.types import Notebook

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks"


def reference_value_at(ctx, node: ast.AST, cell: int, line: int, depth: int) -> Optional[str]:
    """The former `paths._value_at`."""
    if depth > 8:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        bound = paths._last_binding(ctx, node.id, cell, line)
        return None if bound is None else reference_value_at(ctx, bound[0], bound[1], bound[2], depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = reference_value_at(ctx, node.left, cell, line, depth + 1), reference_value_at(ctx, node.right, cell, line, depth + 1)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.JoinedStr):
        parts = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                if part.format_spec is not None or part.conversion != -1:
                    return None
                part = part.value
            value = reference_value_at(ctx, part, cell, line, depth + 1)
            if value is None:
                return None
            parts.append(value)
        return "".join(parts)
    if (
        isinstance(node, ast.Subscript) and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "split"
        and len(node.value.args) == 1 and not node.value.keywords
        and isinstance(node.slice, (ast.Constant, ast.UnaryOp))
    ):
        index = ast.literal_eval(node.slice) if isinstance(node.slice, (ast.Constant, ast.UnaryOp)) else None
        sep = node.value.args[0]
        whole = reference_value_at(ctx, node.value.func.value, cell, line, depth + 1)
        if whole is None or not isinstance(index, int) or not (isinstance(sep, ast.Constant) and isinstance(sep.value, str) and sep.value):
            return None
        pieces = whole.split(sep.value)
        return pieces[index] if -len(pieces) <= index < len(pieces) else None
    return None


def reference_spelled_from_cwd(ctx, node: ast.AST, cell: int, line: int, depth: int) -> Optional[str]:
    """The former `paths._spelled_from_cwd`."""
    if depth > 8:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        bound = paths._last_binding(ctx, node.id, cell, line)
        return None if bound is None else reference_spelled_from_cwd(ctx, bound[0], bound[1], bound[2], depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
        left = reference_spelled_from_cwd(ctx, node.left, cell, line, depth + 1)
        right = reference_spelled_from_cwd(ctx, node.right, cell, line, depth + 1)
        if left is None or right is None:
            return None
        return left + right if isinstance(node.op, ast.Add) else left + "/" + right
    if isinstance(node, ast.JoinedStr):
        parts = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                if part.format_spec is not None or part.conversion != -1:
                    return None
                part = part.value
            value = reference_spelled_from_cwd(ctx, part, cell, line, depth + 1)
            if value is None:
                return None
            parts.append(value)
        return "".join(parts)
    if isinstance(node, ast.Call) and not node.keywords:
        dotted = dotted_name(node.func)
        if dotted in paths._CWD_CALLS and not node.args:
            return paths._CWD
        if (dotted in paths._JOIN_CALLS or dotted in paths._PATH_WRAPPERS) and node.args:
            if dotted in paths._PATH_WRAPPERS and dotted not in ("Path", "pathlib.Path") and len(node.args) > 1:
                return None
            pieces = [reference_spelled_from_cwd(ctx, a, cell, line, depth + 1) for a in node.args]
            if any(p is None for p in pieces):
                return None
            return "/".join(pieces)
    return None


def _context(notebook: Notebook) -> RuleContext:
    return RuleContext(analyse_notebook(notebook), load_catalog(), ProjectContext())


def _made(*cells: str) -> RuleContext:
    nb = parse_notebook("nb.ipynb", json.dumps(Example(cells=cells).notebook_json()).encode("utf-8"))
    assert isinstance(nb, Notebook)
    return _context(nb)


# The expressions either reading follows: a name, `+`/`/`, an f-string, a call, a subscript.
_READ = (ast.Name, ast.BinOp, ast.JoinedStr, ast.Call, ast.Subscript, ast.Constant)


def test_one_function_answers_as_the_two_it_replaced_on_the_fixture_corpus():
    compared = known = from_cwd = 0
    for path in sorted(FIXTURES.rglob("*.ipynb")):
        try:
            notebook = read_notebook(path)
        except (LoadError, OSError, ValueError):
            continue
        if not isinstance(notebook, Notebook):
            continue
        ctx = _context(notebook)
        for ca in ctx.cells:
            tree = cell_python_tree(ca)
            if tree is None:
                continue
            for node in tree_nodes(tree):
                if not isinstance(node, _READ) or not hasattr(node, "lineno"):
                    continue
                at = (ctx, node, ca.cell.index, node.lineno)
                value = paths._value_at(*at, 0)
                assert value == reference_value_at(*at, 0), (path, ca.cell.index, node.lineno)
                spelled = paths._value_at(*at, 0, from_cwd=True)
                assert spelled == reference_spelled_from_cwd(*at, 0), (path, ca.cell.index, node.lineno)
                compared += 1
                known += value is not None and not isinstance(node, ast.Constant)
                from_cwd += spelled is not None and spelled.startswith(paths._CWD)
    assert compared > 10_000 and known > 100 and from_cwd > 5


def test_what_each_reading_follows():
    ctx = _made(
        "import os\nfrom pathlib import Path\nckpt = 'org/model-7b'\nroot = os.getcwd()\nbase = 'data'",
        "a = ckpt.split('/')[-1]\nb = os.path.join(root, 'train.csv')\nc = Path(base) / 'x.csv'\nd = f'{base}/y.csv'",
    )
    second = ctx.cells[1].cell.index
    statements = cell_python_tree(ctx.cells[1]).body
    values = [paths._value_at(ctx, s.value, second, s.lineno, 0) for s in statements]
    from_cwd = [paths._value_at(ctx, s.value, second, s.lineno, 0, from_cwd=True) for s in statements]
    # The value: a split piece, not a join, a `Path(…) /`, nor the working directory.
    assert values == ["model-7b", None, None, "data/y.csv"]
    # Built on the working directory ("\x00" stands for it): joins and `/` followed, a split piece not.
    assert from_cwd == [None, "\x00/train.csv", "data/x.csv", "data/y.csv"]
    assert paths._cwd_rest(ctx, statements[1].value, second, statements[1].lineno) == "train.csv"
