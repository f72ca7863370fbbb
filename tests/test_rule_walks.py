"""The whole-tree walks the rules made per cell or per statement (docs/benchmarks.md, "What would
close the gap", item 1; twenty-third round), each replaced by a cheaper reading that must give
what the walk gave: HID006's session-name tests screened by the cell's comparisons
(`analysis.may_hold_session_name_tests`), HID009's walker reading a statement's value, a loop's
iterable, a test and an augmented assignment's value from one walk each, PTH003's Python
downloads screened by the cell's calls (`paths._may_fetch`), the single-assignment index
(`analysis.index_single_assignments`) and PTH001's settings changes reading their node classes
from `nodes_of`. Each test compares the two on the fixture cells (and a few written here for
the shapes the fixtures lack)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from nbrefactor.audit import analysis
from nbrefactor.audit.analysis import analyse_notebook, cell_python_tree, session_name_tests
from nbrefactor.audit.catalog import load_catalog
from nbrefactor.audit.facts import dotted_name, tree_nodes
from nbrefactor.audit.loader import parse_notebook, read_notebook
from nbrefactor.audit.project import ProjectContext
from nbrefactor.audit.rules import Example, RuleContext
from nbrefactor.audit.rules import hidden_state, paths, rerun
from nbrefactor.audit.types import Notebook

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"

SESSION_SOURCES = (
    "if 'daily_stats' in dir() and len(daily_stats) > 0:\n    print(daily_stats)\n",
    "x = 1\nif \"model\" not in globals():\n    model = build()\n",
    "names = [n for n in ['a', 'b'] if n in locals()]\nok = 'w' in vars()\n",
    "def f():\n    return 'x' in dir()\ng = lambda: 'y' in locals()\nclass C:\n    z = 'z' in vars()\n",
    "if 'a' in dir(obj) or 'b' in dir(None) or 1 in dir() or 'not an id' in dir() or 'c' < dir():\n    pass\n",
)

HID009_SOURCES = (
    "w['ratio'] = w.a / w.b\nw['ratio'] = w['ratio'] * 1e6\nsc.tl.score_genes(adata, genes, score_name='B')\ndel adata.obs['B']\n",
    "for i, b in enumerate(batches):\n    r += (b - r) / (i + 1)\nlow = min(labels)\ndata -= low\nx -= x.min()\n",
    "while n < limit and ok(n):\n    n += step(n)\nif df is not None:\n    df = df.dropna()\ntotal += len(rows)\n",
    "for k, v in zip(keys, table[keys]):\n    seen.update(v.tolist())\n    counts[k] += v\n",
)


def _notebook(*cells: str) -> Notebook:
    nb = parse_notebook("nb.ipynb", json.dumps(Example(cells=cells).notebook_json()).encode("utf-8"))
    assert isinstance(nb, Notebook)
    return nb


def _fixture_notebooks() -> list[Notebook]:
    found = []
    for path in sorted(FIXTURES.rglob("*.ipynb")):
        nb = read_notebook(path)
        if isinstance(nb, Notebook):  # fixtures include broken files on purpose
            found.append(nb)
    return found


@pytest.fixture(scope="module")
def fixture_contexts() -> list[RuleContext]:
    catalog = load_catalog()
    notebooks = [
        *_fixture_notebooks(), *(_notebook(s) for s in (*SESSION_SOURCES, *HID009_SOURCES)),
        # names bound in another cell, on some paths only: one finding, the second test related
        _notebook("if ready:\n    daily_stats = load()\n    model = None", *SESSION_SOURCES),
        _notebook("if ready:\n    stats = compute()", "x = 1", "summary = stats if 'stats' in globals() else None"),  # the last cell's
    ]
    return [RuleContext(analyse_notebook(nb), catalog, ProjectContext()) for nb in notebooks]


def _trees(contexts: list[RuleContext]) -> list[ast.Module]:
    return [tree for ctx in contexts for ca in ctx.cells if (tree := cell_python_tree(ca)) is not None]


# --- HID006: the session-name tests --------------------------------------------------------------


def test_a_cell_the_screen_refuses_has_no_session_name_test(fixture_contexts):
    """Wherever `may_hold_session_name_tests` says no, `session_name_tests` finds none in any
    statement of the cell; and it says yes for the cells that hold one."""
    refused = admitted = 0
    for tree in _trees(fixture_contexts):
        found = [t for statement in tree.body for t in session_name_tests(statement)]
        if analysis.may_hold_session_name_tests(tree):
            admitted += 1
        else:
            assert found == [], ast.unparse(tree)
            refused += 1
    assert refused > 1000 and admitted >= 4  # SESSION_SOURCES' first three, and their fixtures


def test_the_screen_reads_only_the_shape_of_a_test():
    """A comparison inside a function, a lambda or a class passes the screen (the walk then finds
    none there); comparisons of other shapes do not."""
    inside = ast.parse(SESSION_SOURCES[3])
    assert analysis.may_hold_session_name_tests(inside)
    assert [t for s in inside.body for t in session_name_tests(s)] == []
    assert not analysis.may_hold_session_name_tests(ast.parse(SESSION_SOURCES[4]))
    comprehension = ast.parse(SESSION_SOURCES[2])
    assert list(session_name_tests(comprehension.body[0])) == []  # `n in locals()`: `n` is no constant
    assert [(t.name, t.call, t.negated, t.in_comprehension) for t in session_name_tests(comprehension.body[1])] == [
        ("w", "vars", False, False)
    ]
    assert [(t.name, t.call, t.negated) for s in ast.parse(SESSION_SOURCES[1]).body for t in session_name_tests(s)] == [
        ("model", "globals", True)
    ]


def test_hid006_finds_the_same_with_and_without_the_screen(fixture_contexts, monkeypatch):
    rule = hidden_state.StateInjection()
    screened = [[_hit(h) for h in rule.check(_fresh(ctx))] for ctx in fixture_contexts]
    monkeypatch.setattr(hidden_state, "may_hold_session_name_tests", lambda tree: True)
    walked = [[_hit(h) for h in rule.check(_fresh(ctx))] for ctx in fixture_contexts]
    assert screened == walked
    assert [h[:2] for h in screened[-2]] == [(2, 1)] and screened[-2][0][3] == ((3, 2, 3),)
    assert [h[:2] for h in screened[-1]] == [(3, 1)]


def _hit(h) -> tuple:
    return (h.cell.index if h.cell else None, h.line, h.message, h.related and tuple((c.index, l, col) for c, l, col in h.related))


def _fresh(ctx: RuleContext) -> RuleContext:
    return RuleContext(ctx.facts, ctx.catalog, ctx.project)


# --- the single-assignment index (RND002, DEP005) -----------------------------------------------


def _single_assignments_by_full_walk(facts) -> dict:
    """`index_single_assignments` as it was before the twenty-third round: every node of every cell."""
    assigned: dict[str, list] = {}
    other: set[str] = {imp.bound for _, imp in facts.imports}
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        plain_targets: set[int] = set()
        for node in analysis.nodes_of(tree, ast.Assign, ast.AnnAssign):
            for target in node.targets if isinstance(node, ast.Assign) else (node.target,):
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node)
                    plain_targets.add(id(target))
        for node in tree_nodes(tree):
            if isinstance(node, ast.Name):
                if not isinstance(node.ctx, ast.Load) and id(node) not in plain_targets:
                    other.add(node.id)
            elif isinstance(node, ast.arg):
                other.add(node.arg)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                other.add(node.name)
            elif isinstance(node, ast.alias):
                other.add((node.asname or node.name).split(".")[0])
            elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
                other.add(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                other.add(node.rest)
    return {name: tuple(nodes) for name, nodes in assigned.items() if name not in other}


def test_the_single_assignment_index_is_the_full_walks(fixture_contexts):
    catalog = load_catalog()
    binding = _notebook(
        "import os.path as osp, numpy\nfrom x import y as z\nclass K: pass\nasync def g(p, *q, r, **s): pass\n"
        "try:\n    pass\nexcept E as err:\n    pass\nmatch v:\n    case [h, *t]: pass\n    case {**rest}: pass\n    case C(a=w): pass\n"
        "def h():\n    import json as js\n    return js\n"
        "K = 1\ng = 2\np = 3\nt = 4\nrest = 5\nw = 6\nerr = 7\nosp = 8\nz = 9\nnumpy = 10\nkept = 11\nalso: int = 12\njs = 13\n"
    )
    nonempty = 0
    for ctx in [*fixture_contexts, RuleContext(analyse_notebook(binding), catalog, ProjectContext())]:
        index = analysis.index_single_assignments(ctx.facts)
        assert index == _single_assignments_by_full_walk(ctx.facts)
        nonempty += bool(index)
    assert nonempty > 50
    assert set(analysis.index_single_assignments(analyse_notebook(binding))) == {"kept", "also"}


# --- HID009: one walk of a value, an iterable, a test --------------------------------------------


class _WalkingAgain(rerun._Walker):
    """HID009's walker as it was before the twenty-third round, where it changed: `_note_set_items`
    walks the value again (no memo); an augmented assignment's value, a loop's iterable and an
    `if`/`while` test are walked once for their calls and again for the names they read."""

    def statement(self, stmt: ast.stmt) -> None:
        self._statement(stmt)
        self._value_walk = None
        self._note_set_items(stmt)

    def _statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, rerun._ARITHMETIC):
            name = rerun._base(stmt.target)
            if isinstance(stmt.op, ast.Add) and self._restarts_running_mean(stmt.value, stmt.target):
                self.calls(stmt.value)
                self._derive(stmt.target, stmt.value, stmt.target)
                self.bound.add(stmt.target.id)
                return
            if (
                name is not None and not self._statistic_of_itself(stmt.value, stmt.target, stmt.op)
                and not (not isinstance(stmt.target, ast.Name) and self._sets_item_here(stmt.target))
            ):
                shown = "an item of " if not isinstance(stmt.target, ast.Name) else ""
                self.report(stmt, name, f"updates {shown}`{name}` from its previous value")
            self.calls(stmt.value)
            self._derive(stmt.target, stmt.value, stmt.target)
            return
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            self.calls(stmt.iter)
            self._derive(stmt.target, stmt.iter)
            resumes = rerun._resumable_loop(stmt, self.step_bars) and rerun._names_in(stmt.target).isdisjoint(self.bound)
            self.bound |= rerun._names_in(stmt.target)
            self.resuming += resumes
            self.enclosing.append(rerun._loop_counter(stmt) or ("", 0))
            self.block(stmt.body)
            self.enclosing.pop()
            self.resuming -= resumes
            self.block(stmt.orelse)
            return
        if isinstance(stmt, (ast.If, ast.While)) and not (isinstance(stmt.test, ast.Constant) and not stmt.test.value):
            self.calls(stmt.test)
            self.guarded += 1
            self.enclosing.append(None)
            self.tested.append(frozenset(n.id for n in rerun._walk(stmt.test) if isinstance(n, ast.Name)))
            self.block(stmt.body)
            self.block(stmt.orelse)
            self.tested.pop()
            self.enclosing.pop()
            self.guarded -= 1
            return
        super()._statement(stmt)


def _state(walker: rerun._Walker) -> tuple:
    return (
        walker.found, walker.bound, walker.derived, walker.statistics, walker.set_items, walker.named_keys,
        walker.whole_reads, walker.reported,
    )


def test_hid009s_walker_reads_each_value_once_and_finds_the_same(fixture_contexts, monkeypatch):
    """The walker against the walker as it was (`_WalkingAgain`): the same hazards and the same
    state after every cell of the fixtures."""
    cells = hazards = 0
    for ctx in fixture_contexts:
        modules = frozenset(imp.bound for _, imp in ctx.facts.imports if imp.bound != "*")
        for ca in ctx.cells:
            tree = cell_python_tree(ca)
            if tree is None:
                continue
            states = []
            for kind in (rerun._Walker, _WalkingAgain):
                walker = kind(modules, resolve=ctx.facts.resolve)
                walker.tree = tree
                walker.block(tree.body)
                states.append(_state(walker))
            assert states[0] == states[1], ast.unparse(tree)
            cells += 1
            hazards += len(states[0][0])
    assert cells > 1000 and hazards > 20


def test_a_walks_names_read_are_the_sources_reads():
    """`_derive(target, source)` and `_derive(target, reads_of_value=_loads(_walk(source)))` leave
    the same derivations, on every loop, augmented assignment and `if` of the fixtures' shapes."""
    checked = 0
    for source in HID009_SOURCES:
        for node in ast.walk(ast.parse(source)):
            pairs = []
            if isinstance(node, (ast.For, ast.AsyncFor)):
                pairs.append((node.target, node.iter))
            elif isinstance(node, ast.AugAssign):
                pairs.append((node.target, node.value))
            for target, value in pairs:
                one, two = rerun._Walker(), rerun._Walker()
                one.derived = {"b": {"batches"}, "v": {"table"}}
                two.derived = {"b": {"batches"}, "v": {"table"}}
                one._derive(target, value, target)
                two._derive(target, target, reads_of_value=rerun._loads(rerun._walk(value)))
                assert (one.derived, one.statistics) == (two.derived, two.statistics)
                checked += 1
    assert checked >= 6


# --- PTH003's Python downloads, PTH001's settings changes ------------------------------------------


def _fetches(ctx: RuleContext) -> list:
    return list(paths._find_python_fetches(_fresh(ctx)))


FETCH_SOURCES = (
    "import urllib.request\n"
    "def fetch(url, dest):\n    urllib.request.urlretrieve(url, dest)\n"
    "fetch('https://example.org/a.csv', 'data/a.csv')\n",
    "import common\nURL = 'https://example.org/naip.tif'\ncommon.download_file(URL, 'naip.tif')\n"
    "common.Download_File('https://example.org/b.tif', destination='b.tif')\n",
)


def test_pth003s_call_screen_admits_every_call_the_search_reads(fixture_contexts, monkeypatch):
    """`_may_fetch` refuses only calls `_find_python_fetches` passes over: the search with the
    screen gives the fetches of the search without it (every call admitted), in the same order."""
    catalog = load_catalog()
    contexts = [*fixture_contexts, *(RuleContext(analyse_notebook(_notebook(s)), catalog, ProjectContext()) for s in FETCH_SOURCES)]
    screened = [_fetches(ctx) for ctx in contexts]
    monkeypatch.setattr(paths, "_may_fetch", lambda call, destinations: True)
    assert screened == [_fetches(ctx) for ctx in contexts]
    assert sum(bool(f) for f in screened) >= 3


def test_pth003s_call_screen_is_a_superset_of_the_callee_test(fixture_contexts):
    """Every call whose dotted callee is a known helper or a library's `…download…` passes."""
    destinations = {"fetch": None, "get_data": None}
    checked = 0
    for tree in _trees(fixture_contexts) + [ast.parse(s) for s in FETCH_SOURCES]:
        for call in analysis.nodes_of(tree, ast.Call):
            callee = dotted_name(call.func) or ""
            if callee in destinations or ("download" in callee.rsplit(".", 1)[-1].lower() and "." in callee):
                assert paths._may_fetch(call, destinations), ast.unparse(call)
                checked += 1
    assert checked >= 5

def _settings_changes_by_full_walk(tree: ast.AST, candidates) -> tuple[set, set]:
    changed: set[str] = set()
    wholesale: set[str] = set()
    for node in tree_nodes(tree):
        if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.value, ast.Name) and node.value.id in candidates:
            if isinstance(node, ast.Attribute) and node.attr == "__dict__":
                wholesale.add(node.value.id)
            elif isinstance(node.ctx, (ast.Store, ast.Del)):
                key = paths.settings_key(node)
                if key is None:
                    wholesale.add(node.value.id)
                else:
                    changed.add(key)
        elif isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute) and func.attr in paths._MUTATING_METHODS
                and isinstance(func.value, ast.Name) and func.value.id in candidates
            ):
                wholesale.add(func.value.id)
            elif (
                isinstance(func, ast.Name) and func.id in ("setattr", "delattr", "vars") and node.args
                and isinstance(node.args[0], ast.Name) and node.args[0].id in candidates
            ):
                wholesale.add(node.args[0].id)
    return changed, wholesale


SETTINGS_SOURCE = (
    "args.save_dir = 'x'\ndel config['data']\nconfig[key] = 1\nopts.__dict__\ncfg.update(a=1)\n"
    "setattr(ns, 'a', 1)\nvars(other)\nprint(args.model_dir, config['ok'])\n"
    "def f():\n    params['lr'] = 0.1\n"
)


def test_pth001s_settings_changes_are_the_full_walks(fixture_contexts):
    candidates = {"args", "config", "opts", "cfg", "ns", "other", "params", "df", "x", "self", "model"}
    found = 0
    for tree in [*_trees(fixture_contexts), ast.parse(SETTINGS_SOURCE)]:
        changed, wholesale = paths._settings_changes(tree, candidates)
        assert (changed, wholesale) == _settings_changes_by_full_walk(tree, candidates)
        found += bool(changed or wholesale)
    assert paths._settings_changes(ast.parse(SETTINGS_SOURCE), candidates) == (
        {"args.save_dir", 'config["data"]', 'params["lr"]'}, {"config", "opts", "cfg", "ns", "other"}
    )
    assert found > 10
