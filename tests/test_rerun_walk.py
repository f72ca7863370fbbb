"""HID009's `_walk` must visit what `ast.walk` visits, in the same order (its reports are
deduplicated in visiting order)."""

import ast

from nbrefactor.audit.rules.rerun import _walk

SOURCE = '''
import os
x = [f(i) for i in range(3) if g(i)]
df["a"] = df["a"].map({"N": 0}) + h(lambda z: z * 2, *args, key=k(1))
async def run(a, /, b=1, *c, d, **e):
    async with s() as t:
        await u(v[1:2, ...], w if y else q)
match point:
    case {"x": 1, **rest} | [1, *others]:
        print(f"{rest!r:>{width}}")
'''


def test_walk_visits_the_nodes_of_ast_walk_in_its_order():
    tree = ast.parse(SOURCE)
    expected = list(ast.walk(tree))
    found = _walk(tree)
    assert len(found) == len(expected) > 100
    assert all(a is b for a, b in zip(found, expected))
