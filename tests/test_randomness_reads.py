"""RND001/RND003's `_global_load_lines`: per name, the lines where a cell reads it as a global,
leaving out functions and lambdas in which it is local (what "only feeds a timing" asks of every
read of a drawn value's name). Expected lines written by hand."""

import ast

from nbrefactor.audit.rules.randomness import _global_load_lines

SOURCE = '''\
L = make()
print(L)
def f(L):
    return L + M
def g():
    L = 1
    return L
def h():
    global L
    return L
k = lambda L: L
j = lambda: L
@deco(L)
def w(x=L):
    return M
class C:
    y = L
'''


def test_reads_are_kept_only_where_the_name_is_global():
    found = _global_load_lines(ast.parse(SOURCE))
    # line 4 (`L` a parameter), 7 (bound in g), 11 (lambda parameter) are local reads; `global L`
    # keeps h's read; w does not bind L, so its decorator and default read the global (the rule
    # asks yes/no questions of all reads: their order is not part of the answer).
    assert sorted(found["L"]) == [2, 10, 12, 13, 14, 17]
    assert found["M"] == [4, 15]
    assert found["print"] == [2]
    assert "x" not in found and "y" not in found  # stores are not reads


def test_a_function_that_binds_the_name_hides_its_decorator_and_defaults_too():
    found = _global_load_lines(ast.parse("@deco(L)\ndef f(a=L):\n    L = 2\n    return L\n"))
    assert "L" not in found
    assert found["deco"] == [1]  # (f does not bind `deco`)


def _reference(node: ast.AST, name: str, local: frozenset = frozenset()):
    """The per-name recursive walk `_global_load_lines` replaced (RND001 and `_plotted_only`
    walked every cell once per name with it), kept here as the reference."""
    for child in ast.iter_child_nodes(node):
        inner = local
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = child.args
            params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a}
            stores = {n.id for n in ast.walk(child) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            declared = {d for n in ast.walk(child) if isinstance(n, (ast.Global, ast.Nonlocal)) for d in n.names}
            if name in (params | stores) - declared:
                continue
        if isinstance(child, ast.Name) and child.id == name and isinstance(child.ctx, ast.Load):
            yield child.lineno
        yield from _reference(child, name, inner)


def test_the_one_walk_index_equals_the_per_name_walk_on_every_fixture_cell():
    import warnings

    from fixture_cells import raw_code_sources

    compared = 0
    for source in raw_code_sources():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        index = _global_load_lines(tree)
        for name in {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}:
            assert index.get(name, []) == list(_reference(tree, name)), (source, name)
            compared += 1
    assert compared > 1000
