"""STR009: a function reads a name before it assigns it (`grid = copy.deepcopy(grid)` where `grid` is
no parameter): the assignment makes the name local to the whole function, so the read raises
UnboundLocalError instead of seeing the notebook's variable of that name."""

from __future__ import annotations

import ast
from typing import Iterator, Optional, Sequence

from nbrefactor.audit.analysis import cell_python_tree
from nbrefactor.audit.facts import character_column, walk_nodes
from nbrefactor.audit.types import Family, Severity
from nbrefactor.audit.rules import Example, Hit, Rule, RuleContext

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Scopes of their own: what they read runs later (a nested def, a lambda) or binds nothing here (a class body).
_DEFERRED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
# Handlers that catch the UnboundLocalError a read of an unbound local raises (it is a NameError).
_CATCHING = frozenset({"NameError", "UnboundLocalError", "Exception", "BaseException"})


class _Order(ast.NodeVisitor):
    """The reads and bindings of a function's own scope, in the order the function evaluates them
    (an assignment's value before its targets, `x += 1` a read then a binding), each with the loops
    and the catching `try` bodies around it. Nested defs, lambdas and classes are not entered
    (their reads run later or in a scope of their own); a comprehension's reads are the function's
    except its own loop names."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, ast.AST, tuple[int, ...], bool]] = []  # (kind, name, node, loops, caught)
        self.declared: set[str] = set()  # global / nonlocal
        self.walrus = False
        self._loops: list[int] = []
        self._caught = 0
        self._shadowed: list[set[str]] = []

    def _event(self, kind: str, name: str, node: ast.AST) -> None:
        if any(name in s for s in self._shadowed):
            return
        self.events.append((kind, name, node, tuple(self._loops), self._caught > 0))

    def visit_Name(self, node: ast.Name) -> None:
        self._event("read" if isinstance(node.ctx, ast.Load) else "bind", node.id, node)

    def visit_Global(self, node: ast.Global) -> None:
        self.declared.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.declared.update(node.names)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.walrus = True
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            self.visit(target)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
        self.visit(node.target)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        if isinstance(node.target, ast.Name):
            self._event("read", node.target.id, node.target)
        self.visit(node.target)

    def _loop(self, node: ast.AST, head: Sequence[ast.AST], body: Sequence[ast.AST]) -> None:
        for part in head:
            self.visit(part)
        self._loops.append(id(node))
        for statement in body:
            self.visit(statement)
        self._loops.pop()
        for statement in getattr(node, "orelse", ()):
            self.visit(statement)

    def visit_For(self, node: ast.For) -> None:
        self._loops.append(id(node))  # the target is bound at each turn, before the body
        self.visit(node.target)
        self._loops.pop()
        self._loop(node, (node.iter,), node.body)

    def visit_AsyncFor(self, node: ast.AsyncFor) -> None:
        self.visit_For(node)  # type: ignore[arg-type]

    def visit_While(self, node: ast.While) -> None:
        self._loops.append(id(node))  # the test runs again after each turn
        self.visit(node.test)
        for statement in node.body:
            self.visit(statement)
        self._loops.pop()
        for statement in node.orelse:
            self.visit(statement)

    def visit_Try(self, node: ast.Try) -> None:
        catches = any(_catches_name_error(h) for h in node.handlers)
        self._caught += catches
        for statement in node.body:
            self.visit(statement)
        self._caught -= catches
        for handler in node.handlers:
            self.visit(handler)
        for statement in (*node.orelse, *node.finalbody):
            self.visit(statement)

    visit_TryStar = visit_Try

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self._event("bind", node.name, node)
        for statement in node.body:
            self.visit(statement)

    def visit_alias(self, node: ast.alias) -> None:
        if node.name != "*":
            self._event("bind", (node.asname or node.name).split(".")[0], node)

    def _comprehension(self, node: ast.AST, results: Sequence[ast.AST]) -> None:
        generators: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        self.visit(generators[0].iter)  # evaluated in the enclosing scope
        names = {n.id for g in generators for n in walk_nodes(g.target) if isinstance(n, ast.Name)}
        self._shadowed.append(names)
        self._loops.append(id(node))
        for i, generator in enumerate(generators):
            if i:
                self.visit(generator.iter)
            for condition in generator.ifs:
                self.visit(condition)
        for result in results:
            self.visit(result)
        self._loops.pop()
        self._shadowed.pop()

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._comprehension(node, (node.elt,))

    visit_SetComp = visit_ListComp
    visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node, (node.key, node.value))

    def _deferred(self, node: ast.AST) -> None:
        # The defaults and decorators run now; the name is bound here.
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for default in (*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)):
                self.visit(default)
        for decorator in getattr(node, "decorator_list", ()):
            self.visit(decorator)
        if isinstance(node, ast.ClassDef):
            for base in (*node.bases, *(k.value for k in node.keywords)):
                self.visit(base)
        if not isinstance(node, ast.Lambda):
            self._event("bind", node.name, node)  # type: ignore[attr-defined]

    visit_FunctionDef = _deferred
    visit_AsyncFunctionDef = _deferred
    visit_Lambda = _deferred
    visit_ClassDef = _deferred

    def visit_MatchAs(self, node: ast.AST) -> None:
        self.walrus = True  # (match captures: left alone)
        self.generic_visit(node)

    visit_MatchStar = visit_MatchAs
    visit_MatchMapping = visit_MatchAs


def _catches_name_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else "") in _CATCHING for t in types)


def unbound_reads(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[str, ast.AST]]:
    """(name, node) of each name the function reads where it cannot yet be bound: the name is local
    (bound somewhere in the function, no parameter, not declared `global` or `nonlocal`), nothing
    binds it earlier in the order the function runs, and the read is in no loop that binds it after
    the read (a later turn would see that binding: `if i: use(prev)` then `prev = x`), nor in a `try`
    body that catches NameError (a deliberate probe). Such a read raises UnboundLocalError whenever
    it runs. The first such read per name."""
    order = _Order()
    for statement in function.body:
        order.visit(statement)
    if order.walrus:
        return []
    arguments = function.args
    parameters = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    parameters |= {a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None}
    local = {name for kind, name, *_ in order.events if kind == "bind"} - parameters - order.declared
    # `del x` makes `x` local too, but a read after it is a NameError the name's history explains: left alone.
    deleted = {n.id for n in walk_nodes(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Del)}
    found: list[tuple[str, ast.AST]] = []
    bound: set[str] = set()
    reported: set[str] = set()
    for position, (kind, name, node, loops, caught) in enumerate(order.events):
        if name not in local or name in deleted:
            continue
        if kind == "bind":
            bound.add(name)
            continue
        if name in bound or name in reported or caught:
            continue
        later_in_loop = any(
            k == "bind" and n == name and set(loops) & set(other_loops)
            for k, n, _, other_loops, _ in order.events[position + 1:]
        )
        if later_in_loop:
            continue
        reported.add(name)
        found.append((name, node))
    return found


class LocalReadBeforeAssignment(Rule):
    code = "STR009"
    name = "local-read-before-assignment"
    family = Family.STRUCTURE
    severity = Severity.ERROR
    summary = "A function reads a name before it assigns it (`grid = copy.deepcopy(grid)`): UnboundLocalError when it runs."
    what_it_does = (
        "Reports, in a function defined at a cell's top level that runs (top-level code, a class or a function that runs "
        "calls it, passes it to a call, a callback: `button.on_click(count_click)`, or decorates it; or the notebook "
        "calls it only as an attribute of its name, `train_set.mini_batch(…)`, that no class of the notebook defines: "
        "methods moved out of a class), the first read of "
        "a name the function itself assigns (so Python makes it local to the whole function) where nothing in the "
        "function can have bound it yet: not a parameter, not declared `global` or `nonlocal`, no binding earlier in "
        "the order the function runs (an assignment's value is read before its target is bound, so `grid = "
        "copy.deepcopy(grid)` and `count += 1` read first). Not a read inside a loop that binds the name after it (a "
        "later turn sees that binding: `if i: use(prev)` then `prev = x`), nor one in a `try` whose handler catches "
        "NameError (a deliberate probe), nor a name the function deletes, nor in a function using `:=` or `match` "
        "(left alone). Reads in nested functions, lambdas and classes run later and are not judged here."
    )
    why_bad = (
        "Python decides a name's scope for the whole function when it compiles it: one assignment anywhere in the body "
        "makes the name local everywhere in it. A read before that assignment does not fall back to the notebook's "
        "variable of the same name; it raises `UnboundLocalError: cannot access local variable 'grid' where it is not "
        "associated with a value` when the line runs. A notebook often hides this: the function was last run in an "
        "older form, or its name differs from the parameter by one letter (`grille` passed, `grid` read)."
    )
    example = "def play(grille, move):\n    grid = copy.deepcopy(grid)\n    grid[move] = 1\n    return grid\n\nboard = play(board, 3)"
    use_instead = "def play(grid, move):\n    grid = copy.deepcopy(grid)\n    grid[move] = 1\n    return grid\n\nboard = play(board, 3)"
    passing = (
        Example(cells=(
            "import copy\ngrid = [0, 0]",
            "def play(grid, move):\n    grid = copy.deepcopy(grid)\n    grid[move] = 1\n    return grid",
            "def count():\n    global total\n    total += 1",
            "def previous(values):\n    for i, v in enumerate(values):\n        if i:\n            print(v - prev)\n        prev = v",
            "def probe():\n    try:\n        cache\n    except NameError:\n        cache = {}\n    return cache",
            "def later():\n    def inner():\n        return state\n    state = 1\n    return inner()",
            "print(play(grid, 0), count(), previous([1, 2]), probe(), later())",
        )),
        # Never called: dead code, not an error that runs.
        Example(cells=("def unused(moves):\n    board = board + moves\n    return board",)),
        # Called only from a function nothing calls: dead too (fair check 47, item 165).
        Example(cells=("def total(x):\n    count = count + x\n    return count\n\ndef unused():\n    return total(1)",)),
    )
    failing = (
        # A parameter renamed (`grille`) while the body still reads `grid` (fair check 40, recall T-8.5).
        Example(
            cells=(
                "import copy\ngrid = [[0] * 7 for _ in range(6)]",
                "def make_move(grille, column):\n    grid = copy.deepcopy(grid)\n    grid[0][column] = 1\n    return grid",
                "new_grid = make_move(grid, 3)",
            ),
            expect=((2, 2),),
        ),
        # A global counter changed inside a function without `global`.
        Example(
            cells=("clicks = 0", "def on_click(event):\n    clicks += 1\n    print(clicks)", "on_click(None)"),
            expect=((2, 2),),
        ),
        # The same counter in a callback the notebook never calls itself: the widget calls it.
        Example(
            cells=(
                "import ipywidgets as widgets\nclicks = 0\nbutton = widgets.Button(description='+1')",
                "def count_click(b):\n    clicks += 1\n    print(clicks)\n\nbutton.on_click(count_click)",
            ),
            expect=((2, 2),),
        ),
        # Methods moved out of a class, their caller not updated (`loader.next_batch(…)`, no class of the notebook defines
        # it): both run when that call does, the first one's read first (fair check 47, item 165).
        Example(
            cells=(
                "iters = 0\n\ndef cut(begin, end):\n    y = y[begin:end]\n    return y\n\n"
                "def next_batch(size):\n    begin = iters\n    iters = begin + size\n    return cut(begin, iters)",
                "loader = None",
                "for _ in range(3):\n    batch = loader.next_batch(2)",
            ),
            expect=((1, 4), (1, 8)),
        ),
        # A decorated function runs when what registered it calls it.
        Example(
            cells=("import atexit\nsaved = 0", "@atexit.register\ndef flush():\n    saved = saved + 1"),
            expect=((2, 3),),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        calls: Optional[dict[str, str]] = None
        defined: Optional[set[str]] = None
        for ca in ctx.facts.cells:
            if "def " not in ca.masked.python:
                continue
            tree = cell_python_tree(ca)
            if tree is None:
                continue
            for function in tree.body:
                if not isinstance(function, _FUNCTIONS):
                    continue
                found = unbound_reads(function)
                if not found:
                    continue
                if calls is None:
                    calls = _reached_functions(ctx)
                if function.name not in calls and not function.decorator_list:
                    continue  # never runs: nothing that runs calls it, passes it on or registers it
                how = calls.get(function.name, "")
                lines = ca.masked.python.split("\n")
                if defined is None:
                    defined = {d.name for c in ctx.facts.cells for d in c.facts.defined}
                for name, node in found:
                    line = node.lineno  # type: ignore[attr-defined]
                    column = character_column(lines[line - 1], node.col_offset) + 1  # type: ignore[attr-defined]
                    yield Hit(
                        ca.cell,
                        line,
                        column,
                        f"`{name}` is read in `{function.name}()` before the function assigns it: the assignment makes "
                        f"`{name}` local to the whole function, so this read raises UnboundLocalError when it runs"
                        + (f" (it does not see the notebook's `{name}`)" if name in defined else "")
                        + (f"; `{function.name}()` {how}" if how else ""),
                        fix=f"Pass `{name}` in as a parameter (or read the parameter meant), or bind it before this line; "
                        f"`global {name}` only if the function is meant to change the notebook's variable.",
                        key=f"local-read-before-assignment:{function.name}:{name}",
                    )


def _reached_functions(ctx: RuleContext) -> dict[str, str]:
    """The notebook's top-level functions that run, each with how when not plainly ("" for a call, a callback or a
    decorator at the top level or in a class). A function runs when top-level code (or a class) calls it by name or
    passes it to a call that may run it (`button.on_click(on_click)`, `df.apply(clean)`), when it is decorated, or
    when a function that runs calls it: a call from a function nothing calls is no call (fair check 47, item 165:
    `slice()` was counted as called by `mini_batch()`, which no cell calls). A function's calls of itself are none.
    A function called only as an attribute of that name (`train_set.mini_batch(…)`) that no class of the notebook
    defines as a method runs too: methods moved out of a class whose callers were not updated (the same item)."""
    functions: dict[str, bool] = {}  # name: decorated
    methods: set[str] = set()
    for ca in ctx.facts.cells:
        tree = cell_python_tree(ca) if "def " in ca.masked.python else None
        for node in tree.body if tree is not None else ():
            if isinstance(node, _FUNCTIONS):
                functions[node.name] = functions.get(node.name, False) or bool(node.decorator_list)
            elif isinstance(node, ast.ClassDef):
                methods |= {n.name for n in walk_nodes(node) if isinstance(n, _FUNCTIONS)}
    reached: dict[str, str] = {name: "" for name, decorated in functions.items() if decorated}
    callees: dict[str, list[str]] = {}
    attributes: dict[str, str] = {}
    for ca in ctx.facts.cells:
        for call in ca.facts.calls:
            names = [call.func] if call.func and "." not in call.func and call.owner != call.func else []
            names += [arg.name for arg in call.args if arg.name and arg.name != call.owner]
            for name in names:
                if call.owner in functions:
                    callees.setdefault(call.owner, []).append(name)
                else:
                    reached[name] = ""
            method = call.func.rsplit(".", 1)[-1] if call.func and "." in call.func else ""
            if method in functions and method not in methods and call.owner not in functions:
                attributes.setdefault(method, f"runs only as `{call.func}(…)` (cell {ca.cell.index}), an attribute call of "
                                              "its name: no class of the notebook defines that method")
    for name, how in attributes.items():
        reached.setdefault(name, how)
    queue = list(reached)
    while queue:
        caller = queue.pop(0)
        for name in callees.get(caller, ()):
            if name not in reached:
                # (the callers that run, all of them, once the walk is done: said below)
                reached[name] = "\x00"
                queue.append(name)
    for name in [n for n, how in reached.items() if how == "\x00"]:
        callers = [c for c in reached if name in callees.get(c, ()) and c != name]
        via = reached[callers[0]] if len(callers) == 1 and reached[callers[0]] != "\x00" else ""
        reached[name] = ("runs only from " + " and ".join(f"`{c}()`" for c in callers[:3])
                         + (f", which {via}" if via else ""))
    return reached
