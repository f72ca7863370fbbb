"""Which names are definitely bound at the end of a step function: bound on every path that
reaches its `return`.

A notebook cell may bind a name only on some paths (`if os.path.exists(f): data = load(f)`, a
`for` body that ran zero times, a `try` body that raised before the binding, `del name` on one
branch). The notebook then simply goes on without the name; a step that returns it would raise
UnboundLocalError at its `return`. The emitter returns a sentinel for each name this analysis
cannot prove bound (`emit._unbound_return`), and a step receiving such a value deletes its
parameter, so a later read raises NameError as the notebook's cell did.

The analysis is a forward "must" data flow over the function's statements (CPython `ast`, the
code as emitted): sound — a name reported bound is bound on every path — and precise over
if/elif/else, for/while with else and break/continue, try/except/else/finally, with, match,
return/raise, `del`, and the name an `except ... as e:` handler unbinds at its end. What it
cannot prove stays unproven, which costs only the sentinel check, never a wrong value.

`with` is taken not to swallow exceptions, except for the context managers that exist to do so
(`contextlib.suppress`, `pytest.raises`, unittest's `assertRaises*`): with those the body may
stop at any statement and the code after the `with` still runs.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

Bound = frozenset[str]

# Context managers whose `__exit__` swallows the exception that stopped the body.
SWALLOWING = frozenset({"suppress", "raises", "assertRaises", "assertRaisesRegex", "assertWarns", "assertWarnsRegex"})


def definitely_bound_at_end(function: ast.FunctionDef, bound_at_start: Iterable[str]) -> Optional[Bound]:
    """Names bound on every path that falls off the end of `function`'s body, or reaches a final
    `return` (the last statement, whose value the emitter builds), given `bound_at_start` (the
    parameters that hold a value). None when no path gets there (every path raises or returns)."""
    body = list(function.body)
    if body and isinstance(body[-1], ast.Return):
        body = body[:-1]
    return _Flow().block(body, frozenset(bound_at_start))


def unbound_outputs(source: str, outputs: Sequence[str], maybe_unbound_inputs: Iterable[str] = ()) -> tuple[str, ...]:
    """The `outputs` of the (single) function in `source` not definitely bound at its final
    `return`; parameters named in `maybe_unbound_inputs` count as unbound at its start."""
    module = ast.parse(source)
    function = next(n for n in module.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
    args = function.args
    params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    bound = definitely_bound_at_end(function, params - set(maybe_unbound_inputs))  # type: ignore[arg-type]
    declared = _declared_outside(function)
    if bound is None:  # the return is never reached: nothing to guard
        return ()
    return tuple(o for o in outputs if o not in bound and o not in declared)


@dataclass
class _Loop:
    """The states at the `break`s and `continue`s of the innermost loop being walked."""

    breaks: list[Bound] = field(default_factory=list)
    continues: list[Bound] = field(default_factory=list)


class _Flow:
    """Walks statements; each method returns the state after normal completion (None: none)."""

    def __init__(self) -> None:
        self.loops: list[_Loop] = []
        # kills of the `finally` blocks a break/continue passes through on its way to its loop
        self.finally_kills: list[tuple[int, frozenset[str]]] = []

    def block(self, statements: Sequence[ast.stmt], state: Optional[Bound]) -> Optional[Bound]:
        for statement in statements:
            if state is None:
                return None
            state = self.statement(statement, state)
        return state

    def statement(self, node: ast.stmt, state: Bound) -> Optional[Bound]:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is not None:
            return method(node, state)
        # Simple statements: whatever their expressions bind (`:=`) on every evaluation.
        return state | _expression_binds(node)

    # --- simple statements ------------------------------------------------------------------
    def _Assign(self, node: ast.Assign, state: Bound) -> Bound:
        state = state | _expression_binds(node.value)
        for target in node.targets:
            state |= _target_names(target)
        return state

    def _AnnAssign(self, node: ast.AnnAssign, state: Bound) -> Bound:
        if node.value is None:  # `x: int` binds nothing
            return state
        return state | _expression_binds(node.value) | _target_names(node.target)

    def _AugAssign(self, node: ast.AugAssign, state: Bound) -> Bound:
        # `x += 1` on an unbound `x` raises; after it, `x` is bound
        return state | _expression_binds(node.value) | _target_names(node.target)

    def _TypeAlias(self, node: ast.AST, state: Bound) -> Bound:
        return state | _target_names(node.name)  # type: ignore[attr-defined]

    def _Delete(self, node: ast.Delete, state: Bound) -> Bound:
        return state - _target_names_all(node.targets)

    def _Import(self, node: ast.Import, state: Bound) -> Bound:
        return state | {(a.asname or a.name.split(".")[0]) for a in node.names}

    def _ImportFrom(self, node: ast.ImportFrom, state: Bound) -> Bound:
        return state | {(a.asname or a.name) for a in node.names if a.name != "*"}

    def _FunctionDef(self, node: ast.FunctionDef, state: Bound) -> Bound:
        return state | {node.name}

    _AsyncFunctionDef = _FunctionDef
    _ClassDef = _FunctionDef  # type: ignore[assignment]

    def _Return(self, node: ast.Return, state: Bound) -> None:
        return None

    def _Raise(self, node: ast.Raise, state: Bound) -> None:
        return None

    def _Break(self, node: ast.Break, state: Bound) -> None:
        if self.loops:
            self.loops[-1].breaks.append(self._through_finally(state))
        return None

    def _Continue(self, node: ast.Continue, state: Bound) -> None:
        if self.loops:
            self.loops[-1].continues.append(self._through_finally(state))
        return None

    def _through_finally(self, state: Bound) -> Bound:
        """A jump out of `try` bodies runs their `finally` blocks: what those delete is gone."""
        depth = len(self.loops)
        for loop_depth, kills in self.finally_kills:
            if loop_depth == depth:
                state = state - kills
        return state

    # --- compound statements ----------------------------------------------------------------
    def _If(self, node: ast.If, state: Bound) -> Optional[Bound]:
        state = state | _expression_binds(node.test)
        return _meet(self.block(node.body, state), self.block(node.orelse, state))

    def _For(self, node: ast.For, state: Bound) -> Optional[Bound]:
        state = state | _expression_binds(node.iter)
        return self._loop(node.body, node.orelse, state, _target_names(node.target), never_ends=False,
                          runs_once=_never_empty(node.iter))

    _AsyncFor = _For  # type: ignore[assignment]

    def _While(self, node: ast.While, state: Bound) -> Optional[Bound]:
        # `while True:` ends only by `break`; its `else` never runs
        forever = isinstance(node.test, ast.Constant) and bool(node.test.value)
        # the test runs before the first iteration; later evaluations add nothing it did not
        tested = state | _expression_binds(node.test)
        return self._loop(node.body, node.orelse, tested, frozenset(), never_ends=forever, runs_once=forever)

    def _loop(self, body: Sequence[ast.stmt], orelse: Sequence[ast.stmt], state: Bound, per_iteration: Bound,
              never_ends: bool, runs_once: bool) -> Optional[Bound]:
        """The loop head holds what holds before the loop and after every iteration (its end,
        each `continue`): a fixed point, reached because the sets only shrink. A loop whose body
        surely runs (`for k in range(2, 7)`, `while True`) leaves it only after an iteration."""
        head = state
        while True:
            self.loops.append(_Loop())
            end = self.block(body, head | per_iteration)
            loop = self.loops.pop()
            again = _meet_all([state, end, *loop.continues])
            if again == head:
                break
            head = again  # type: ignore[assignment]
        exhausted = _meet_all([end, *loop.continues]) if runs_once else head
        exit_state = None if never_ends or exhausted is None else self.block(orelse, exhausted)
        return _meet_all([exit_state, *loop.breaks])

    def _Try(self, node: ast.Try, state: Bound) -> Optional[Bound]:
        finally_kills = _killed(node.finalbody)
        self.finally_kills.append((len(self.loops), finally_kills))
        try:
            body_end = self.block(node.body, state)
            # An exception may leave the body before any of its statements: a handler starts
            # with what held before it, less what the body deleted on the way.
            raised = state - _killed(node.body)
            outcomes = [self.block(node.orelse, body_end)]
            for handler in node.handlers:
                start = raised | ({handler.name} if handler.name else frozenset())
                end = self.block(handler.body, start)
                if handler.name and end is not None:
                    end = end - {handler.name}  # Python deletes `e` when the handler ends
                outcomes.append(end)
        finally:
            self.finally_kills.pop()
        after = _meet_all(outcomes)
        if not node.finalbody:
            return after
        if after is None:
            # the `finally` runs, then the exception or return goes on
            self.block(node.finalbody, raised)
            return None
        return self.block(node.finalbody, after)

    _TryStar = _Try  # type: ignore[assignment]

    def _With(self, node: ast.With, state: Bound) -> Optional[Bound]:
        for item in node.items:
            state = state | _expression_binds(item.context_expr)
            if item.optional_vars is not None:
                state = state | _target_names(item.optional_vars)
        end = self.block(node.body, state)
        if any(_swallows(item.context_expr) for item in node.items):
            return _meet(end, state - _killed(node.body))
        return end

    _AsyncWith = _With  # type: ignore[assignment]

    def _Match(self, node: ast.AST, state: Bound) -> Optional[Bound]:
        state = state | _expression_binds(node.subject)  # type: ignore[attr-defined]
        outcomes: list[Optional[Bound]] = []
        exhaustive = False
        for case in node.cases:  # type: ignore[attr-defined]
            start = state | _pattern_names(case.pattern)
            if case.guard is not None:
                start = start | _expression_binds(case.guard)
            outcomes.append(self.block(case.body, start))
            if case.guard is None and _irrefutable(case.pattern):
                exhaustive = True
                break
        if not exhaustive:
            outcomes.append(state)  # no case matched
        return _meet_all(outcomes)


def _meet(a: Optional[Bound], b: Optional[Bound]) -> Optional[Bound]:
    if a is None:
        return b
    if b is None:
        return a
    return a & b


def _meet_all(states: Iterable[Optional[Bound]]) -> Optional[Bound]:
    result: Optional[Bound] = None
    for s in states:
        result = _meet(result, s)
    return result


def _target_names(target: ast.AST) -> Bound:
    """Names an assignment target binds (`a`, `a, (b, *c)`); attributes and subscripts bind none."""
    if isinstance(target, ast.Name):
        return frozenset({target.id})
    if isinstance(target, (ast.Tuple, ast.List)):
        return frozenset().union(*(_target_names(e) for e in target.elts))
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return frozenset()


def _target_names_all(targets: Iterable[ast.AST]) -> Bound:
    return frozenset().union(*(_target_names(t) for t in targets))


def _killed(statements: Sequence[ast.stmt]) -> Bound:
    """Names a block may unbind: `del` targets and `except ... as` names (nested functions and
    classes are other scopes)."""
    killed: set[str] = set()
    stack: list[ast.AST] = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Delete):
            killed |= _target_names_all(node.targets)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            killed.add(node.name)
        stack.extend(ast.iter_child_nodes(node))
    return frozenset(killed)


def _expression_binds(node: ast.AST) -> Bound:
    """Names an expression (or a simple statement's expressions) binds with `:=` whenever it is
    evaluated to the end: not inside the right of `and`/`or`, a branch of `x if c else y`, a
    comprehension's later parts, a lambda."""
    bound: set[str] = set()
    stack: list[ast.AST] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.NamedExpr):
            bound |= _target_names(n.target)
            stack.append(n.value)
        elif isinstance(n, ast.BoolOp):
            stack.append(n.values[0])
        elif isinstance(n, ast.IfExp):
            stack.append(n.test)
        elif isinstance(n, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            stack.append(n.generators[0].iter)
        elif isinstance(n, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        else:
            stack.extend(ast.iter_child_nodes(n))
    return frozenset(bound)


def _never_empty(iterable: ast.expr) -> bool:
    """A literal the `for` surely iterates over at least once: `range(3)`, `range(2, 7)` (integer
    constants), `["hr"]`, `(a, b)`, `"abc"`; nothing starred."""
    if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
        return bool(iterable.elts) and not any(isinstance(e, ast.Starred) for e in iterable.elts)
    if isinstance(iterable, ast.Dict):
        return bool(iterable.keys) and all(k is not None for k in iterable.keys)
    if isinstance(iterable, ast.Constant):
        return isinstance(iterable.value, (str, bytes)) and len(iterable.value) > 0
    if (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "range"
            and not iterable.keywords and 1 <= len(iterable.args) <= 3):
        values = [_int_constant(a) for a in iterable.args]
        if any(v is None for v in values):
            return False
        try:
            return len(range(*values)) > 0  # type: ignore[arg-type]
        except ValueError:  # a step of 0
            return False
    return False


def _int_constant(node: ast.expr) -> Optional[int]:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _int_constant(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _swallows(expression: ast.expr) -> bool:
    """`suppress(...)`, `contextlib.suppress(...)`, `pytest.raises(...)`, `self.assertRaises(...)`."""
    func = expression.func if isinstance(expression, ast.Call) else expression
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return name in SWALLOWING


def _pattern_names(pattern: ast.AST) -> Bound:
    names: set[str] = set()
    for n in ast.walk(pattern):
        if type(n).__name__ in ("MatchAs", "MatchStar") and getattr(n, "name", None):
            names.add(n.name)  # type: ignore[attr-defined]
        elif type(n).__name__ == "MatchMapping" and getattr(n, "rest", None):
            names.add(n.rest)  # type: ignore[attr-defined]
    return frozenset(names)


def _irrefutable(pattern: ast.AST) -> bool:
    """`case _:`, `case name:`, `case (a | _)`: matches anything."""
    kind = type(pattern).__name__
    if kind == "MatchAs":
        return pattern.pattern is None or _irrefutable(pattern.pattern)  # type: ignore[attr-defined]
    if kind == "MatchOr":
        return any(_irrefutable(p) for p in pattern.patterns)  # type: ignore[attr-defined]
    return False


def _declared_outside(function: ast.AST) -> Bound:
    """Names the function declares `global`/`nonlocal`: not its locals, left as they are."""
    names: set[str] = set()
    for n in ast.walk(function):
        if isinstance(n, (ast.Global, ast.Nonlocal)):
            names |= set(n.names)
    return frozenset(names)


__all__ = ["definitely_bound_at_end", "unbound_outputs", "SWALLOWING"]
