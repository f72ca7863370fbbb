"""A cell's facts read from libcst's concrete syntax tree (`libcst_facts`): the reference walker
(`_Walker`) that `ast_facts` is held to, and the way for the cells `ast_facts` leaves alone
(non-ASCII names, `\\r` line breaks, `match` statements, ...: 269 of 35,579 distinct cells of 15
corpora of real notebooks and the fixtures, benchmarks/same_facts.py).

Its own module so that libcst, ~0.4 s of CPU to import, is imported only when a cell needs it:
`analysis.libcst_facts` imports this module on first use (thirteenth round of docs/benchmarks.md).
Nothing here imports `analysis`.

Why no `ScopeProvider`: on 100 real notebooks it cost 18 s against 1.6 s for parsing alone, and it
misses what matters here anyway (`x += 1` as a read, `del x`, mutation through `df.drop(inplace=True)`
or `lst.append`). This walker does its own, notebook-shaped scoping: module-level statements in
evaluation order (right-hand side before targets), function bodies recorded as *deferred* reads of
globals (they run when called, not when defined), comprehension and lambda scopes kept local.
Only `PositionProvider`'s ranges are computed (measured on 100 notebooks: parse 0.93 s, parse + positions
3.8 s, + ScopeProvider 18.2 s; see docs/architecture.md and benchmarks/bench_libcst.py), and not through
`MetadataWrapper`: `node_positions` runs the same position-recording code generation, ~5x cheaper.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Iterable, Optional, Sequence

import libcst as cst
from libcst._nodes.base import CSTNode
from libcst.metadata.position_provider import PositionProvidingCodegenState

from nbrefactor.audit.facts import (
    MUTATING_METHODS,
    ArgFact,
    CallFact,
    CellFacts,
    GlobalWrite,
    ImportFact,
    NameRef,
    StringFact,
    SyntaxProblem,
    _first_line,
)


def libcst_facts(python: str) -> CellFacts:
    """The facts of valid Python read from libcst's tree (`_Walker`): the reference `ast_facts`
    is held to, and the way for the cells it leaves alone."""
    try:
        module = _parse_module(python)
    except cst.ParserSyntaxError as exc:
        return CellFacts(syntax_error=_syntax_problem(python, exc))
    except RecursionError:
        problem = SyntaxProblem("expression nested too deeply to parse", 1, 1)
        return CellFacts(syntax_error=problem)
    walker = _Walker(node_positions(module))
    walker.walk_block(module.body)
    return walker.facts()


def _parse_module(python: str) -> cst.Module:
    """`cst.parse_module(python)` without re-validating each node the native parser builds.
    libcst checks every node it constructs (`CSTNode.__post_init__` → `_validate`: balanced
    parentheses, required whitespace, well-formed literals), which is for trees built by hand;
    the parser's nodes come from its grammar (libcst's own note there: validation "would allow
    us to avoid validating the tree when parsing a file" if moved). It was ~30 % of the parse:
    on PythonDataScienceHandbook's 1,505 distinct cells 1.45-1.8 s against 0.9-1.4 s (load 8).
    The tree is the same object graph either way. Single-threaded: the audit builds no other
    libcst node meanwhile (the hook is put back before returning, whatever happens)."""
    CSTNode.__post_init__ = _NOT_VALIDATED
    try:
        return cst.parse_module(python)
    finally:
        CSTNode.__post_init__ = _VALIDATED


def f_string_spans(python: str) -> Optional[list[Span]]:
    """The spans of the outermost f-strings of `python` as libcst's grammar reads them (the
    Python 3.12 one of PEP 701: a replacement field may reuse the string's own quotes, hold a
    backslash, a comment or a line break), or None when libcst does not parse the cell. Only for
    a cell the running CPython refused (`analysis._valid_from_python_312`)."""
    try:
        module = _parse_module(python)
    except (cst.ParserSyntaxError, RecursionError):
        return None
    positions = node_positions(module)
    found: list[Span] = []
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.FormattedString):
            found.append(positions[id(node)])
            continue  # (an f-string nested in one is replaced with it)
        stack.extend(node.children)
    return sorted(found)


def python_312_f_strings(python: str) -> list[tuple[int, int, str]]:
    """The f-strings of `python` that only Python 3.12 and later read (PEP 701), as (line,
    0-based column, what 3.11 refuses in it), the same on every interpreter running the audit: a
    replacement field holding the string's own quote (`f"{d["a"]}"`), a backslash, a comment, or
    a line break in a single-quoted f-string. Empty when libcst does not parse the cell. For a
    notebook that declares an older Python (fair check 44, T-3.5)."""
    try:
        module = _parse_module(python)
    except (cst.ParserSyntaxError, RecursionError):
        return []
    found: list[tuple[int, int, str]] = []
    positions: Optional[dict[int, Span]] = None
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        if not isinstance(node, cst.FormattedString):
            stack.extend(node.children)
            continue
        refused = _refused_before_312(module, node.quote, node.parts)
        if refused:
            positions = positions or node_positions(module)
            line, column = positions[id(node)][:2]
            found.append((line, column, refused))
        # (an f-string nested in a replacement field is inside the outer one's text, checked with it)
    return sorted(found)


def _holds_comment(nodes: Iterable[cst.CSTNode]) -> bool:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Comment):
            return True
        stack.extend(node.children)
    return False


def _refused_before_312(module: cst.Module, quote: str, parts: Sequence[cst.CSTNode]) -> str:
    """What Python 3.11's tokenizer refuses in the replacement fields `parts` of an f-string
    quoted with `quote` ("" when nothing)."""
    for part in parts:
        if not isinstance(part, cst.FormattedStringExpression):
            continue
        code = module.code_for_node(part.expression)
        spaces = module.code_for_node(part.whitespace_before_expression) + module.code_for_node(part.whitespace_after_expression)
        if quote in code:
            return f"reuses its own quote {quote} inside a replacement field"
        if "\\" in code:
            return "holds a backslash inside a replacement field"
        if "#" in code + spaces and _holds_comment((part.whitespace_before_expression, part.expression, part.whitespace_after_expression)):
            return "holds a comment inside a replacement field"  # (a `#` in a string there is read by 3.11 too)
        if len(quote) == 1 and "\n" in module.code_for_node(part):
            return "breaks a line inside a replacement field of a single-quoted f-string"
        if part.format_spec:
            nested = _refused_before_312(module, quote, part.format_spec)
            if nested:
                return nested
    return ""


def _not_validated(self: cst.CSTNode) -> None:
    return None


_VALIDATED = CSTNode.__post_init__
_NOT_VALIDATED = _not_validated


def _reachable(statements: Sequence[cst.CSTNode]) -> Sequence[cst.CSTNode]:
    """A function body's statements up to its first top-level `raise` or `return`: what follows
    never runs (a course's retired `submit()` that raises on its first line), so its reads and
    calls are no facts of the notebook."""
    for i, stmt in enumerate(statements):
        if isinstance(stmt, cst.SimpleStatementLine) and any(isinstance(small, (cst.Raise, cst.Return)) for small in stmt.body):
            return statements[: i + 1]
    return statements


_NEWLINE = re.compile(r"\r\n?|\n")  # libcst's own definition of a line break


# A node's range: (start line, start column, end line, end column); lines 1-based, columns 0-based
# (libcst's `CodeRange` values as a tuple).
Span = tuple[int, int, int, int]


@dataclass(frozen=False)
class _PositionState(PositionProvidingCodegenState):
    """libcst's position-recording code generation (`PositionProvider`) with the same algorithm,
    so the same ranges, kept as tuples in `spans`, with a fast path for tokens without a line
    break and a plain context manager for the syntactic ranges. (The token list is kept:
    `Module` reads it.)"""

    spans: dict = field(default_factory=dict)
    _starts: list = field(default_factory=list)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            segments = _NEWLINE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        line, column = self._starts.pop()
        key = id(node)  # (libcst's own `__hash__` is a Python call per lookup)
        if key not in self.spans:  # a syntactic range recorded inside wins, as in libcst
            self.spans[key] = (line, column, self.line, self.column)

    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: Optional[cst.CSTNode] = None, end_node: Optional[cst.CSTNode] = None
    ) -> "_SyntacticRange":
        return _SyntacticRange(self, node, start_node, end_node)


class _SyntacticRange:
    __slots__ = ("state", "node", "start_node", "end_node", "line", "column")

    def __init__(self, state: _PositionState, node: cst.CSTNode, start_node: Optional[cst.CSTNode], end_node: Optional[cst.CSTNode]):
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node
        self.line, self.column = state.line, state.column

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        state = self.state
        start = (self.line, self.column) if self.start_node is None else state.spans[id(self.start_node)][:2]
        end = (state.line, state.column) if self.end_node is None else state.spans[id(self.end_node)][2:]
        state.spans[id(self.node)] = (*start, *end)


def node_positions(module: cst.Module) -> dict[int, Span]:
    """Every node's `PositionProvider` range as a `Span`, keyed by `id(node)` (valid while `module`
    is alive; libcst nodes hash by identity anyway, through a Python-level `__hash__`), at about a fifth of
    `MetadataWrapper(module).resolve(PositionProvider)`'s cost: the wrapper also walks the whole
    tree once with an empty visitor list, and builds two dataclasses per node. Measured on 100
    fixture copies (docs/benchmarks.md); tests/test_positions.py compares both, node for node."""
    state = _PositionState(default_indent=module.default_indent, default_newline=module.default_newline, provider=None)
    module._codegen(state)
    return state.spans


def _syntax_problem(python: str, exc: cst.ParserSyntaxError) -> SyntaxProblem:
    """CPython's message and position when it agrees the cell is invalid ("Missing parentheses in
    call to 'print'" says more than libcst's list of expected tokens); libcst's otherwise. Only
    cells that failed to parse pay for this second parse."""
    try:
        compile(python, "<cell>", "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError as err:
        if err.lineno:
            return SyntaxProblem(_first_line(err.msg or "invalid syntax"), err.lineno, max(1, err.offset or 1))
    except (ValueError, RecursionError, MemoryError):
        pass
    return SyntaxProblem(_first_line(exc.message), exc.raw_line, exc.raw_column + 1)


@lru_cache(maxsize=4096)
def _string_value(literal: str) -> "str | bytes":
    """`cst.SimpleString.evaluated_value` (libcst's is `ast.literal_eval(self.value)`), remembered:
    the same literals recur across cells and notebooks, and each evaluation is a parse. Failures
    are not remembered (they raise again)."""
    return ast.literal_eval(literal)


def _nfkc(name: str) -> str:
    """Python reads identifiers in NFKC form: `ｄｆ` (full-width) is the name `df`."""
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


# ---------------------------------------------------------------------------


class _Scope:
    def __init__(self, kind: str, local_names: set[str]):
        self.kind = kind  # module | function | class | comprehension
        # NFKC, as every name read and stored here: `def f(ϕ): return ϕ` binds the `φ` it reads
        # (fair check 26: QuantEcon's `ϕ` parameters were reported undefined).
        self.local_names = {_nfkc(name) for name in local_names}
        self.declared_global: set[str] = set()  # `global x` seen in this function


class _Walker:
    def __init__(self, positions: dict[int, Span]):
        self.positions = positions
        self.scopes: list[_Scope] = [_Scope("module", set())]
        self.defined: list[NameRef] = []
        self.reads: list[NameRef] = []
        self.deferred: list[NameRef] = []
        self.mutated: list[NameRef] = []
        self.deleted: list[NameRef] = []
        self.imports: list[ImportFact] = []
        self.functions: list[NameRef] = []
        self.classes: list[NameRef] = []
        self.calls: list[CallFact] = []
        self.strings: list[StringFact] = []
        self.globals_declared: list[NameRef] = []
        self.global_writes: list[GlobalWrite] = []
        self.owners: list[str] = []  # enclosing def/class names, outermost first

    def facts(self) -> CellFacts:
        return CellFacts(
            defined=tuple(self.defined),
            reads=tuple(self.reads),
            deferred_reads=tuple(self.deferred),
            mutated=tuple(self.mutated),
            deleted=tuple(self.deleted),
            imports=tuple(self.imports),
            functions=tuple(self.functions),
            classes=tuple(self.classes),
            calls=tuple(self.calls),
            strings=tuple(self.strings),
            globals_declared=tuple(self.globals_declared),
            global_writes=tuple(self.global_writes),
        )

    # -- positions ---------------------------------------------------------

    def _at(self, node: cst.CSTNode) -> tuple[int, int]:
        span = self.positions.get(id(node))
        if span is None:
            return (0, 0)
        return (span[0], span[1] + 1)

    def _end_line(self, node: cst.CSTNode) -> int:
        span = self.positions.get(id(node))
        return span[2] if span is not None else 0

    @property
    def _at_module(self) -> bool:
        return all(s.kind in ("module",) for s in self.scopes)

    @property
    def _in_function(self) -> bool:
        return any(s.kind == "function" for s in self.scopes)

    # -- names ---------------------------------------------------------------

    def _load(self, node: cst.Name) -> None:
        name = _nfkc(node.value)
        line, col = self._at(node)
        for depth, scope in enumerate(reversed(self.scopes[1:])):
            # A class body's names are visible in the body itself, never in the functions (or
            # comprehensions) nested in it: `helper` in a method is a global even if the class
            # body binds `helper`.
            if scope.kind == "class" and depth > 0:
                continue
            if name in scope.local_names:
                return
        if self._in_function:
            # A function looks globals up when it is called, even if the cell binds them later.
            self.deferred.append(NameRef(name, line, col))
        elif name not in self.scopes[0].local_names:
            # Module level, class bodies and comprehensions run as the cell runs.
            self.reads.append(NameRef(name, line, col))

    def _store(self, name: str, node: cst.CSTNode) -> None:
        name = _nfkc(name)
        line, col = self._at(node)
        scope = self.scopes[-1]
        if len(self.scopes) == 1:
            scope.local_names.add(name)
            self.defined.append(NameRef(name, line, col))
        else:
            if scope.kind == "function" and name in scope.declared_global:
                self.global_writes.append(GlobalWrite(self.owners[0] if self.owners else "", name, line, col))
            scope.local_names.add(name)

    def _mutate_base(self, node: cst.BaseExpression) -> None:
        base = node
        while isinstance(base, (cst.Attribute, cst.Subscript)):
            base = base.value
        if isinstance(base, cst.Name) and not self._is_local(base.value):
            line, col = self._at(base)
            self.mutated.append(NameRef(base.value, line, col))

    def _is_local(self, name: str) -> bool:
        inner = self.scopes[1:]
        return any(name in s.local_names for i, s in enumerate(inner) if s.kind != "class" or i == len(inner) - 1)

    # -- traversal -----------------------------------------------------------

    def walk_block(self, statements: Sequence[cst.CSTNode]) -> None:
        for stmt in statements:
            self.walk(stmt)

    def walk(self, node: Optional[cst.CSTNode]) -> None:
        if node is None:
            return
        kind = type(node)
        handler = _HANDLERS.get(kind, _UNSEEN)
        if handler is _UNSEEN:  # the method named after the node type, looked up once per type
            handler = _HANDLERS[kind] = getattr(_Walker, "_" + kind.__name__, None)
        if handler is not None:
            handler(self, node)
            return
        for child in child_nodes(node, self.positions):
            self.walk(child)

    def _Name(self, node: cst.Name) -> None:
        if node.value not in ("True", "False", "None"):
            self._load(node)

    def _Attribute(self, node: cst.Attribute) -> None:
        self.walk(node.value)

    def _Arg(self, node: cst.Arg) -> None:
        self.walk(node.value)

    def _SimpleString(self, node: cst.SimpleString) -> None:
        try:
            value = _string_value(node.value)
        except Exception:  # noqa: BLE001 - odd escapes must not stop analysis
            return
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        line, col = self._at(node)
        self.strings.append(StringFact(value, line, col, self._end_line(node)))

    def _FormattedString(self, node: cst.FormattedString) -> None:
        text = "".join(p.value if isinstance(p, cst.FormattedStringText) else "{}" for p in node.parts)
        line, col = self._at(node)
        self.strings.append(StringFact(text, line, col, self._end_line(node), formatted=True))
        for part in node.parts:
            if isinstance(part, cst.FormattedStringExpression):
                self.walk(part.expression)

    def _ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self.walk(node.left)
        self.walk(node.right)

    # statements that bind ----------------------------------------------------

    def _Assign(self, node: cst.Assign) -> None:
        self.walk(node.value)
        for target in node.targets:
            self._bind(target.target)

    def _AnnAssign(self, node: cst.AnnAssign) -> None:
        if not self._in_function:
            # Module and class annotations are evaluated when the statement runs (`x: np.ndarray`).
            self.walk(node.annotation.annotation)
        if node.value is not None:
            self.walk(node.value)
            self._bind(node.target)
        elif not isinstance(node.target, cst.Name):
            self._bind(node.target)

    def _AugAssign(self, node: cst.AugAssign) -> None:
        self.walk(node.value)
        target = node.target
        if isinstance(target, cst.Name):
            self._load(target)
            self._store(target.value, target)
        else:
            self._bind(target)

    def _NamedExpr(self, node: cst.NamedExpr) -> None:
        self.walk(node.value)
        # The walrus binds in the enclosing non-comprehension scope.
        if isinstance(node.target, cst.Name):
            saved = self.scopes
            while len(self.scopes) > 1 and self.scopes[-1].kind == "comprehension":
                self.scopes = self.scopes[:-1]
            self._store(node.target.value, node.target)
            self.scopes = saved

    def _For(self, node: cst.For) -> None:
        self.walk(node.iter)
        self._bind(node.target)
        self.walk(node.body)
        self.walk(node.orelse)

    def _With(self, node: cst.With) -> None:
        for item in node.items:
            self.walk(item.item)
            if item.asname is not None:
                self._bind(item.asname.name)
        self.walk(node.body)

    def _ExceptHandler(self, node: cst.ExceptHandler | cst.ExceptStarHandler) -> None:
        self.walk(node.type)
        if node.name is not None:
            self._bind(node.name.name)
        self.walk(node.body)
        if node.name is not None and isinstance(node.name.name, cst.Name):
            # Python deletes `except ... as e` at the end of the handler: `e` is unbound after it.
            self.scopes[-1].local_names.discard(node.name.name.value)

    _ExceptStarHandler = _ExceptHandler

    def _Del(self, node: cst.Del) -> None:
        self._delete(node.target)

    def _delete(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            line, col = self._at(target)
            if len(self.scopes) == 1:
                self.deleted.append(NameRef(target.value, line, col))
                self.scopes[0].local_names.discard(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._delete(element.value)
        else:
            self.walk(target)
            self._mutate_base(target)

    def _Global(self, node: cst.Global) -> None:
        for item in node.names:
            line, col = self._at(item.name)
            self.globals_declared.append(NameRef(item.name.value, line, col))
            # A function that declares `global x` and assigns it defines x when it runs.
            if self.scopes[-1].kind == "function":
                self.scopes[-1].local_names.discard(item.name.value)
                self.scopes[-1].declared_global.add(_nfkc(item.name.value))

    def _Nonlocal(self, node: cst.Nonlocal) -> None:
        return

    def _bind(self, target: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self._store(target.value, target)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value)
        elif isinstance(target, (cst.Attribute, cst.Subscript)):
            # `df["c"] = …` / `model.coef_ = …`: the base object must exist, and changes in place.
            self.walk(target)
            self._mutate_base(target)
        else:
            self.walk(target)

    # `match` patterns: capture names bind, a class pattern's keywords are attribute names --------

    def _MatchAs(self, node: cst.MatchAs) -> None:
        self.walk(node.pattern)
        if node.name is not None:
            self._store(node.name.value, node.name)

    def _MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self._store(node.name.value, node.name)

    def _MatchMapping(self, node: cst.MatchMapping) -> None:
        for element in node.elements:
            self.walk(element.key)
            self.walk(element.pattern)
        if node.rest is not None:
            self._store(node.rest.value, node.rest)

    def _MatchKeywordElement(self, node: cst.MatchKeywordElement) -> None:
        self.walk(node.pattern)

    # imports ----------------------------------------------------------------

    def _Import(self, node: cst.Import) -> None:
        for alias in node.names:
            module = _dotted(alias.name)
            line, col = self._at(alias)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                bound = alias.asname.name.value
                self.imports.append(ImportFact(module, None, bound, line, col))
            else:
                bound = module.split(".")[0]
                self.imports.append(ImportFact(module, None, bound, line, col))
            self._store(bound, alias)

    def _ImportFrom(self, node: cst.ImportFrom) -> None:
        module = _dotted(node.module) if node.module is not None else ""
        level = len(node.relative)
        line, col = self._at(node)
        if isinstance(node.names, cst.ImportStar):
            self.imports.append(ImportFact(module, "*", "*", line, col, level))
            return
        for alias in node.names:
            name = _dotted(alias.name)
            a_line, a_col = self._at(alias)
            bound = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                bound = alias.asname.name.value
            self.imports.append(ImportFact(module, name, bound, a_line, a_col, level))
            self._store(bound, alias)

    # definitions --------------------------------------------------------------

    def _FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            self.walk(decorator.decorator)
        self._walk_param_defaults(node.params)
        self.walk(node.returns)
        line, col = self._at(node.name)
        if len(self.scopes) == 1:
            self.functions.append(NameRef(node.name.value, line, col))
        self._store(node.name.value, node.name)
        local = _param_names(node.params) | _assigned_names(node.body)
        self.scopes.append(_Scope("function", local))
        self.owners.append(node.name.value)
        if isinstance(node.body, cst.IndentedBlock):
            self.walk_block(_reachable(node.body.body))
        else:
            self.walk(node.body)
        self.owners.pop()
        self.scopes.pop()

    def _Lambda(self, node: cst.Lambda) -> None:
        self._walk_param_defaults(node.params)
        self.scopes.append(_Scope("function", _param_names(node.params)))
        self.walk(node.body)
        self.scopes.pop()

    def _walk_param_defaults(self, params: cst.Parameters) -> None:
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            self.walk(param.default)
            if param.annotation is not None:
                self.walk(param.annotation.annotation)

    def _ClassDef(self, node: cst.ClassDef) -> None:
        for decorator in node.decorators:
            self.walk(decorator.decorator)
        for arg in (*node.bases, *node.keywords):
            self.walk(arg.value)
        line, col = self._at(node.name)
        if len(self.scopes) == 1:
            self.classes.append(NameRef(node.name.value, line, col))
        self.scopes.append(_Scope("class", set()))
        self.owners.append(node.name.value)
        self.walk(node.body)
        self.owners.pop()
        self.scopes.pop()
        self._store(node.name.value, node.name)

    # comprehensions -------------------------------------------------------------

    def _comprehension(self, node: cst.BaseComprehension, results: Sequence[cst.CSTNode]) -> None:
        clauses: list[cst.CompFor] = []
        clause: Optional[cst.CompFor] = node.for_in
        while clause is not None:
            clauses.append(clause)
            clause = clause.inner_for_in
        # The first iterable is evaluated in the enclosing scope.
        self.walk(clauses[0].iter)
        self.scopes.append(_Scope("comprehension", set()))
        for i, comp in enumerate(clauses):
            if i > 0:
                self.walk(comp.iter)
            self._bind(comp.target)
            for condition in comp.ifs:
                self.walk(condition.test)
        for result in results:
            self.walk(result)
        self.scopes.pop()

    def _ListComp(self, node: cst.ListComp) -> None:
        self._comprehension(node, [node.elt])

    def _SetComp(self, node: cst.SetComp) -> None:
        self._comprehension(node, [node.elt])

    def _GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._comprehension(node, [node.elt])

    def _DictComp(self, node: cst.DictComp) -> None:
        self._comprehension(node, [node.key, node.value])

    # calls ---------------------------------------------------------------------

    def _Call(self, node: cst.Call) -> None:
        func = dotted_name(node.func)
        method = ""
        receiver = ""
        if isinstance(node.func, cst.Attribute):
            method = node.func.attr.value
            receiver = dotted_name(node.func.value)
        elif isinstance(node.func, cst.Name):
            method = node.func.value
        args: list[ArgFact] = []
        position = 0
        for arg in node.args:
            line, col = self._at(arg)
            keyword = arg.keyword.value if arg.keyword is not None else None
            pos: Optional[int] = None
            if keyword is None and not arg.star:
                pos = position
                position += 1
            value = arg.value
            fact = ArgFact(pos, keyword, line=line, column=col)
            if isinstance(value, cst.SimpleString):
                try:
                    evaluated = _string_value(value.value)
                    fact = ArgFact(pos, keyword, string=evaluated if isinstance(evaluated, str) else None, line=line, column=col)
                except Exception:  # noqa: BLE001
                    pass
            elif isinstance(value, cst.FormattedString):
                text = "".join(p.value if isinstance(p, cst.FormattedStringText) else "{}" for p in value.parts)
                fact = ArgFact(pos, keyword, string=text, line=line, column=col)
            elif isinstance(value, (cst.Integer, cst.Float)):
                fact = ArgFact(pos, keyword, number=value.value, line=line, column=col)
            elif isinstance(value, cst.UnaryOperation) and isinstance(value.expression, (cst.Integer, cst.Float)):
                fact = ArgFact(pos, keyword, number="-" + value.expression.value, line=line, column=col)
            elif isinstance(value, cst.Name):
                if value.value in ("True", "False", "None"):
                    fact = ArgFact(pos, keyword, constant=value.value, line=line, column=col)
                else:
                    fact = ArgFact(pos, keyword, name=value.value, line=line, column=col)
            if arg.star == "**":
                fact = replace(fact, double_star=True)
            args.append(fact)
        line, col = self._at(node)
        self.calls.append(
            CallFact(
                func, method, receiver, tuple(args), line, col, self._end_line(node),
                in_function=self._in_function, owner=self.owners[0] if self.owners else "",
            )
        )
        self.walk(node.func)
        for arg in node.args:
            self.walk(arg)
        if isinstance(node.func, cst.Attribute):
            inplace = any(a.keyword == "inplace" and a.constant == "True" for a in args)
            if method in MUTATING_METHODS or inplace:
                self._mutate_base(node.func.value)


_HANDLERS: dict[type, object] = {}  # node type -> `_Walker` method (None: walk the children)
_UNSEEN = object()


# Whitespace, comments and punctuation: nothing in them is a name, a call or a literal.
_INERT = (
    cst.BaseParenthesizableWhitespace, cst.Newline, cst.TrailingWhitespace, cst.EmptyLine, cst.Comment,
    cst.Comma, cst.Dot, cst.Colon, cst.Semicolon, cst.AssignEqual, cst.LeftParen, cst.RightParen,
    cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace, cst.RightCurlyBrace,
    cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp,
)
_NODE_FIELDS: dict[type, tuple[str, ...]] = {}
# What a field value's type is to a traversal: 1 node, 2 sequence, 3 anything else, 4 inert node.
# Cached by type: libcst's base classes are ABCs, and isinstance against them is slow.
_VALUE_KIND: dict[type, int] = {}


def _value_kind(kind: type) -> int:
    found = _VALUE_KIND.get(kind)
    if found is None:
        if issubclass(kind, cst.CSTNode):
            found = 4 if issubclass(kind, _INERT) else 1
        else:
            found = 2 if issubclass(kind, (tuple, list)) else 3
        _VALUE_KIND[kind] = found
    return found


def _fields_of(node: cst.CSTNode) -> tuple[str, ...]:
    names = _NODE_FIELDS.get(type(node))
    if names is None:
        names = _NODE_FIELDS[type(node)] = tuple(f.name for f in fields(node))
    return names


def child_nodes(node: cst.CSTNode, positions: dict[int, Span]) -> list[cst.CSTNode]:
    """`node.children` in the same (source) order, without the inert ones. libcst builds
    `children` by re-creating the node through a visitor, which cost a third of the walk; this
    reads the dataclass fields and orders them by their positions (already computed). Falls back
    to `children` for a child without a position. tests/test_positions.py compares both."""
    found: list[cst.CSTNode] = []
    for name in _fields_of(node):
        value = getattr(node, name)
        kind = _VALUE_KIND.get(type(value)) or _value_kind(type(value))
        if kind == 1:
            found.append(value)
        elif kind == 2:
            found.extend(v for v in value if (_VALUE_KIND.get(type(v)) or _value_kind(type(v))) == 1)
    if len(found) < 2:
        return found
    try:
        starts = [positions[id(child)][:2] for child in found]
    except KeyError:
        return [c for c in node.children if not isinstance(c, _INERT)]
    order = sorted(range(len(found)), key=starts.__getitem__)
    return [found[i] for i in order]


def _dotted(node: cst.CSTNode) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def dotted_name(node: cst.CSTNode) -> str:
    """`pd.read_csv` for a Name/Attribute chain; "" when any part is not a plain name."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def _param_names(params: cst.Parameters) -> set[str]:
    names = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)
    return names


def _assigned_names(body: cst.CSTNode) -> set[str]:
    """Names a function body binds (Python makes them local for the whole body). Nested defs and
    classes bind their name; lambdas and comprehensions are scopes of their own. (A plain stack
    over the dataclass fields: a libcst visitor per function cost a tenth of the analysis.)"""
    found: set[str] = set()
    declared_global: set[str] = set()
    stack: list[cst.CSTNode] = [body]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is cst.FunctionDef or kind is cst.ClassDef:
            found.add(node.name.value)
            continue
        if kind in _OWN_SCOPES:
            continue
        if kind is cst.Global:
            declared_global.update(n.name.value for n in node.names)
        elif kind is cst.AssignTarget or kind is cst.AnnAssign or kind is cst.AugAssign or kind is cst.For:
            found.update(_target_names(node.target))
        elif kind is cst.NamedExpr:
            found.update(_target_names(node.target))
        elif kind is cst.AsName:
            found.update(_target_names(node.name))
        elif kind is cst.ImportAlias:
            if node.asname is None:
                found.add(_dotted(node.name).split(".")[0])
        elif kind is cst.MatchAs or kind is cst.MatchStar:
            if node.name is not None:
                found.add(node.name.value)
        elif kind is cst.MatchMapping:
            if node.rest is not None:
                found.add(node.rest.value)
        stack.extend(_all_children(node))
    return found - declared_global


_OWN_SCOPES = frozenset({cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp})


def _all_children(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """Every child node but the inert ones, in no particular order (for set-building traversals)."""
    for name in _fields_of(node):
        value = getattr(node, name)
        kind = _VALUE_KIND.get(type(value)) or _value_kind(type(value))
        if kind == 1:
            yield value
        elif kind == 2:
            for v in value:
                if (_VALUE_KIND.get(type(v)) or _value_kind(type(v))) == 1:
                    yield v


def _target_names(target: cst.CSTNode) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        out: set[str] = set()
        for element in target.elements:
            out |= _target_names(element.value)
        return out
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return set()
