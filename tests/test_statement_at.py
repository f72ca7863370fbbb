"""`facts.statement_at` / `statement_index_at`: the one lookup of "the top-level statement of a
cell that holds this line" that the rules share (randomness.py wrote it by hand seven times,
paths.py and rerun.py once each); and a guard that no rule writes it by hand again, so that a
change to what "holds a line" means is made in one place."""

from __future__ import annotations

import ast
from pathlib import Path

from nbrefactor.audit.facts import statement_at, statement_index_at

RULES = Path(__file__).resolve().parents[1] / "nbrefactor" / "audit" / "rules"

CELL = (
    "import numpy as np\n"            # 1
    "# a comment between statements\n"  # 2
    "x = np.random.rand(\n"           # 3
    "    3)\n"                         # 4
    "a = 1; b = f(a)\n"               # 5
    "for i in range(3):\n"            # 6
    "    y = g(i)\n"                   # 7
)


def test_the_statement_whose_lines_hold_the_line() -> None:
    tree = ast.parse(CELL)
    assert statement_index_at(tree.body, 1) == 0
    assert statement_index_at(tree.body, 2) is None  # a comment belongs to no statement
    assert statement_index_at(tree.body, 4) == 1  # the second line of `x = np.random.rand(\n 3)`
    assert statement_index_at(tree.body, 5) == 2  # `a = 1; b = f(a)`: the first of the line
    assert statement_index_at(tree.body, 7) == 4  # inside the `for`: the `for` itself, not `y = g(i)`
    assert statement_index_at(tree.body, 8) is None
    assert isinstance(statement_at(tree, 4), ast.Assign) and statement_at(tree, 4).lineno == 3
    assert isinstance(statement_at(tree, 7), ast.For)
    assert statement_at(tree, 2) is None
    assert statement_at(None, 1) is None  # a cell that does not parse


def _hand_written_lookups(source: str) -> list[int]:
    """Lines of `(st for st in X.body if st.lineno <= L <= (st.end_lineno or st.lineno))` (also
    over `enumerate(X.body)`, as a `for` whose only statement is `if <that>:`, and as
    `any(<that> for st in X.body)`, also over `(*X.body, *X.orelse)`): the lookup with no other
    condition, which `statement_at` / `statement_index_at(…) is not None` is."""

    def holds(test: ast.expr, var: str) -> bool:
        if not (isinstance(test, ast.Compare) and len(test.ops) == 2 and all(isinstance(o, ast.LtE) for o in test.ops)):
            return False
        first, last = test.left, test.comparators[1]
        return (
            isinstance(first, ast.Attribute) and first.attr == "lineno" and isinstance(first.value, ast.Name)
            and first.value.id == var and isinstance(last, ast.BoolOp)
            and any(isinstance(v, ast.Attribute) and v.attr == "end_lineno" for v in last.values)
        )

    def over_a_body(iterable: ast.expr) -> bool:
        if isinstance(iterable, ast.Call) and getattr(iterable.func, "id", "") == "enumerate" and iterable.args:
            iterable = iterable.args[0]
        if isinstance(iterable, ast.IfExp):  # `(parsed.body if parsed else ())`
            iterable = iterable.body
        if isinstance(iterable, ast.Tuple) and iterable.elts:  # `(*node.body, *node.orelse)`
            return all(isinstance(e, ast.Starred) and over_a_body(e.value) for e in iterable.elts) and any(
                isinstance(e.value, ast.Attribute) and e.value.attr == "body" for e in iterable.elts
            )
        return (isinstance(iterable, ast.Attribute) and iterable.attr in {"body", "orelse"}) or (
            isinstance(iterable, ast.Name) and iterable.id == "body"  # `body = parsed.body if parsed else []`
        )

    def loop_variable(target: ast.expr) -> str:
        if isinstance(target, ast.Tuple) and target.elts:
            target = target.elts[-1]
        return target.id if isinstance(target, ast.Name) else ""

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.GeneratorExp) and len(node.generators) == 1:
            generator = node.generators[0]
            var = loop_variable(generator.target)
            if over_a_body(generator.iter) and len(generator.ifs) == 1 and holds(generator.ifs[0], var):
                found.append(node.lineno)
            elif over_a_body(generator.iter) and not generator.ifs and holds(node.elt, var):
                found.append(node.lineno)  # `any(st.lineno <= L <= (…) for st in X.body)`
        elif isinstance(node, ast.For) and isinstance(node.iter, ast.Attribute) and over_a_body(node.iter) and len(node.body) == 1:
            # (over `X.body` only: randomness's `statement_of(body, line)` descends into the
            # statement it finds, another lookup)
            only = node.body[0]
            if isinstance(only, ast.If) and holds(only.test, loop_variable(node.target)):
                found.append(node.lineno)
    return sorted(found)


def test_the_guard_finds_the_hand_written_forms() -> None:
    written = (
        "s = next((st for st in tree.body if st.lineno <= line <= (st.end_lineno or st.lineno)), None)\n"
        "i = next((i for i, st in enumerate(body) if st.lineno <= n <= (st.end_lineno or st.lineno)), None)\n"
        "t = next((st for st in (p.body if p else ()) if st.lineno <= n <= (st.end_lineno or st.lineno)), None)\n"
        "for statement in tree.body:\n"
        "    if statement.lineno <= line <= (statement.end_lineno or statement.lineno):\n"
        "        pass\n"
        "b = any(st.lineno <= n <= (st.end_lineno or st.lineno) for st in (*node.body, *node.orelse))\n"
        # A filtered search is another question (the def named so-and-so that holds the line): not flagged.
        "d = next((d for d in tree.body if isinstance(d, ast.FunctionDef) and d.lineno <= n <= (d.end_lineno or 0)), None)\n"
    )
    assert _hand_written_lookups(written) == [1, 2, 3, 4, 7]


def test_no_rule_writes_the_lookup_by_hand() -> None:
    found = {
        path.name: lines
        for path in sorted(RULES.glob("*.py"))
        if (lines := _hand_written_lookups(path.read_text(encoding="utf-8")))
    }
    assert found == {}, f"use nbrefactor.audit.facts.statement_at / statement_index_at: {found}"
