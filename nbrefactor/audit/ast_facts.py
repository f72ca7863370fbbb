"""A cell's facts from CPython's tree, for the cells where they are certainly the facts libcst's
tree gives (`analysis._Walker`), without libcst: its parse and its position pass were ~30 % of a
cold audit's CPU (docs/benchmarks.md, tenth round), and the syntax check has built this tree
already.

Same walk, same order, same positions. CPython's positions are libcst's syntactic ones (a
parenthesised expression's range leaves its parentheses out, in both) except where this module
corrects them (a call argument's range starts at its own parentheses in libcst; a generator
argument sharing the call's parentheses starts inside them) or looks names up on their line
(`def NAME`, `class NAME`, `except … as NAME`, `global A, B`: CPython keeps them as strings).
`facts_from_ast` answers None — the caller then takes libcst's way — for every cell it does not
read exactly the same: non-ASCII names (CPython's columns are UTF-8 bytes, libcst's characters:
other non-ASCII cells are read from a tree of their own whose columns are turned into characters,
`_with_character_columns`), `\\r` line breaks, `match` statements, names not found where expected,
and the f-strings `_place_fstring` cannot read exactly. Implicitly concatenated literals (one node
for CPython, a `ConcatenatedString` of parts for libcst) are read part by part (`_concatenation`).

F-strings: on CPython 3.11 the expressions inside one have positions relative to the f-string
(or wrong), and libcst keeps the f-string's raw text. So this module reads each f-string's
source itself, as CPython's own f-string parser does: the raw text between the replacement
fields (libcst's fact, `{}` for each field) and each field's expression, parsed again on its
own and moved to where it stands in the cell. libcst walks the expression only, not the format
spec (`{x:>{width}}` reads `x`, not `width`): so does this module. tests/test_ast_facts.py
compares both ways on edge cases and on every cell of the fixtures.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from functools import lru_cache
from typing import Optional, Sequence

from nbrefactor.audit.facts import (
    MUTATING_METHODS,
    ArgFact,
    CallFact,
    CellFacts,
    GlobalWrite,
    ImportFact,
    NameRef,
    StringFact,
    character_column,
    dotted_name,
    nodes_of,
    walk_nodes,
)


class _NotTheSame(Exception):
    """This cell is read by libcst: something here might come out differently."""


# One string (or bytes) literal token, nothing else: not `"a" "b"` or `'''a''' '''b'''`, which
# libcst reads as two (a triple-quoted body holds no unescaped triple quote of its kind).
_ONE_LITERAL = re.compile(
    r"""[rRbBuU]{0,2}(?:'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")""",
    re.DOTALL,
)


class _FString:
    """One f-string as libcst reads it: its raw text with `{}` for each replacement field, and
    the fields' expressions (parsed again, at their places in the cell)."""

    __slots__ = ("text", "expressions")

    def __init__(self, text: str, expressions: list[ast.expr]):
        self.text = text
        self.expressions = expressions


def facts_from_ast(python: str, tree: ast.Module) -> Optional[CellFacts]:
    """The cell's facts, or None when this module cannot promise libcst's."""
    if "\r" in python:
        return None
    if python.isascii():
        # Only the three classes `_readable` reads, in `ast.walk`'s order, from the class index the
        # rules share (the other nodes it only stepped over).
        nodes: Sequence[ast.AST] = nodes_of(tree, *_READ_CLASSES)
    else:
        tree = _with_character_columns(python)
        if tree is None:
            return None
        nodes = walk_nodes(tree)
    lines = python.split("\n")
    fstrings: dict[int, _FString] = {}
    try:
        if not _readable(nodes, lines, fstrings):
            return None
    except (_NotTheSame, IndexError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    walker = _AstWalker(lines, fstrings)
    try:
        walker.walk_block(tree.body)
    except (_NotTheSame, IndexError, RecursionError):
        return None  # libcst's way decides (and reports a tree too deep its own way)
    return walker.facts()


def _with_character_columns(python: str) -> Optional[ast.Module]:
    """A tree of its own for a cell with non-ASCII text, whose columns count characters as
    libcst's do (CPython's count UTF-8 bytes: `"é"` is two), or None for the cells left to libcst:
    a name that is not ASCII (CPython keeps it NFKC-normalised, its width on the line is not the
    name's). So non-ASCII text stands only in comments and string literals, whose values CPython's
    tree has decoded already. The nodes inside an f-string are left as they are: its fields are
    placed again from its text by `_place_fstring` (`_reparse` turns their columns into characters). The shared tree (`python_tree`) is not touched: the rules
    read its byte columns."""
    try:
        if _may_hold_non_ascii_name(python) and any(
            t.type == tokenize.NAME and not t.string.isascii() for t in tokenize.generate_tokens(io.StringIO(python).readline)
        ):
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(python)
    except (tokenize.TokenError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    lines = python.split("\n")
    wide = {number for number, line in enumerate(lines, 1) if not line.isascii()}
    fields: set[int] = set()  # the nodes inside f-strings: placed again from the text (`_place_fstring`)
    try:
        for node in walk_nodes(tree):  # (breadth-first: an f-string before the nodes inside it)
            if id(node) in fields:
                continue
            if isinstance(node, ast.JoinedStr):
                fields.update(id(n) for n in walk_nodes(node) if n is not node)
            if getattr(node, "col_offset", None) is None:
                continue
            if node.lineno in wide:
                node.col_offset = character_column(lines[node.lineno - 1], node.col_offset)
            if node.end_lineno in wide and node.end_col_offset is not None:
                node.end_col_offset = character_column(lines[node.end_lineno - 1], node.end_col_offset)
    except (UnicodeError, IndexError):
        return None
    return tree


# A character `tokenize` may put in a NAME token (its `\w+`) that is not ASCII.
_NON_ASCII_WORD_CHARACTER = re.compile(r"(?![\x00-\x7f])\w")


def _may_hold_non_ascii_name(python: str) -> bool:
    r"""False when no NAME token of the cell (`tokenize`'s `\w+` runs outside strings and comments)
    can hold a non-ASCII character, so `_with_character_columns` need not tokenize it (~1.5 % of
    fair check 43's audit, whose cells are commented in other languages): every line holding one
    is either a comment line without quotes (a comment to its end, or text inside a string that no
    quote on it can close) or holds no non-ASCII word character (`—`, `…`, emoji, curly quotes).
    The cell parsed (its CPython tree is given), so `tokenize` reads it without error."""
    for line in python.split("\n"):
        if line.isascii():
            continue
        stripped = line.lstrip(" \t\f")
        if stripped.startswith("#") and "'" not in stripped and '"' not in stripped:
            continue
        if _NON_ASCII_WORD_CHARACTER.search(line) is not None:
            return True
    return False


# The node classes `_readable` looks at (CPython's parser makes no subclasses of them).
_READ_CLASSES = (ast.Match, ast.JoinedStr, ast.Constant)


def _readable(nodes: Sequence[ast.AST], lines: Sequence[str], fstrings: dict[int, "_FString | _Concatenation"]) -> bool:
    """Whether every node reads as libcst's would; places the f-strings among them in `fstrings`
    (by the id of their `JoinedStr`), and the implicitly concatenated literals (`"a" "b"`,
    `f"{x} " f"{y}"`: one node for CPython, a `ConcatenatedString` of parts for libcst) by the id of
    their node, and checks the fields' expressions the same way."""
    inside: set[int] = set()  # the nodes of an f-string's own subtree: positions not to be trusted
    for node in nodes:
        if isinstance(node, ast.Match):
            return False
        placed: "_FString | _Concatenation | None"
        if isinstance(node, ast.JoinedStr):
            if id(node) in inside:
                continue
            inside.update(id(n) for n in walk_nodes(node))
            placed = _place_fstring(node, lines) or _concatenation(node, lines)
        elif isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)) and id(node) not in inside:
            if _ONE_LITERAL.fullmatch(_source(node, lines)) is not None:
                continue  # one plain literal: CPython's node is libcst's
            placed = _concatenation(node, lines)
        else:
            continue
        if placed is None:
            return False
        fstrings[id(node)] = placed
        if not all(_readable(walk_nodes(expression), lines, fstrings) for expression in placed.expressions):
            return False
    return True


class _Place:
    """Where one literal of an implicit concatenation stands (the attributes `_source`,
    `_place_fstring` and `_reparse` read of a node)."""

    __slots__ = ("lineno", "col_offset", "end_lineno", "end_col_offset")

    def __init__(self, lineno: int, col_offset: int, end_lineno: int, end_col_offset: int):
        self.lineno, self.col_offset, self.end_lineno, self.end_col_offset = lineno, col_offset, end_lineno, end_col_offset


class _Concatenation:
    """Implicitly concatenated literals as libcst reads them: each part a string of its own, in
    order (a plain literal's value, an f-string's raw text with `{}` per field), with its place;
    `expressions` are the f-string parts' fields, in order."""

    __slots__ = ("parts", "expressions")

    def __init__(self, parts: list[tuple[str, bool, int, int, int, list[ast.expr]]]):
        self.parts = parts  # (text, formatted, line, column (1-based), end line, field expressions)
        self.expressions = [e for part in parts for e in part[5]]


def _concatenation(node: ast.expr, lines: Sequence[str]) -> Optional[_Concatenation]:
    """The literals of `node`'s source read one by one (CPython's tokenizer: on 3.11 an f-string
    is one STRING token), or None when that is not certain: one literal only, anything but
    literals, comments and line breaks between them, a part `_place_fstring` cannot read."""
    source = _source(node, lines)
    tokens: list[tokenize.TokenInfo] = []
    try:
        # In parentheses, so that a break between parts is no statement's end (no INDENT tokens).
        for token in tokenize.generate_tokens(io.StringIO("(" + source + ")").readline):
            if token.type == tokenize.STRING:
                tokens.append(token)
            elif token.type not in (tokenize.NL, tokenize.COMMENT, tokenize.NEWLINE, tokenize.ENDMARKER) and token.string not in "()":
                return None
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    if len(tokens) < 2:
        return None
    parts = []
    for token in tokens:
        (row, column), (end_row, end_column) = token.start, token.end
        # back to the cell: the first row of `source` starts at the node's column, after the "("
        place = _Place(
            node.lineno + row - 1, column - 1 + node.col_offset if row == 1 else column,
            node.lineno + end_row - 1, end_column - 1 + node.col_offset if end_row == 1 else end_column,
        )
        head = _FSTRING_HEAD.match(token.string)
        if head is not None and "f" in head.group(1).lower():
            placed = _place_fstring(place, lines)  # type: ignore[arg-type]
            if placed is None:
                return None
            parts.append((placed.text, True, place.lineno, place.col_offset + 1, place.end_lineno, placed.expressions))
        else:
            try:
                value = _literal_value(token.string)
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                return None
            if isinstance(value, bytes):
                value = value.decode("latin-1")  # as libcst's walker reads a bytes literal
            parts.append((value, False, place.lineno, place.col_offset + 1, place.end_lineno, []))
    return _Concatenation(parts)


@lru_cache(maxsize=4096)
def _literal_value(literal: str) -> "str | bytes":
    """One plain literal's value, remembered (the same literals recur across cells)."""
    return ast.literal_eval(literal)


def _source(node: ast.AST, lines: Sequence[str]) -> str:
    if node.lineno != node.end_lineno:
        return "\n".join([lines[node.lineno - 1][node.col_offset:], *lines[node.lineno:node.end_lineno - 1], lines[node.end_lineno - 1][: node.end_col_offset]])
    return lines[node.lineno - 1][node.col_offset : node.end_col_offset]


_FSTRING_HEAD = re.compile(r"([rRfF]{1,2})('''|\"\"\"|'|\")")


def _place_fstring(node: ast.JoinedStr, lines: Sequence[str]) -> Optional[_FString]:
    """The f-string at `node` read from its source as CPython 3.11's f-string parser reads it
    (Parser/string_parser.c, `fstring_find_expr`), or None where this reading is not certain:
    implicit concatenation (libcst sees each part), a backslash or `#` in a field, a triple quote
    in one, `\\N{…}` or a backslash before a brace in the text of a non-raw one."""
    source = _source(node, lines)
    head = _FSTRING_HEAD.match(source)
    if head is None or "f" not in head.group(1).lower():
        return None
    quote = head.group(2)
    start, end = head.end(), len(source) - len(quote)
    if end < start or not source.endswith(quote):
        return None
    raw = "r" in head.group(1).lower()
    text: list[str] = []
    expressions: list[ast.expr] = []
    i = start
    while i < end:
        c = source[i]
        if c == "\\":
            if raw and source[i + 1 : i + 2] in ("{", "}"):
                text.append(c)  # a raw f-string's backslash is text; the brace after it is read on its own
                i += 1
                continue
            if i + 1 >= end or source[i + 1] in "{}" or (not raw and source[i + 1] == "N"):
                return None
            text.append(source[i : i + 2])
            i += 2
        elif c == quote[0] and (len(quote) == 1 or source.startswith(quote, i)):
            return None  # the literal ends here: implicit concatenation
        elif c in "{}" and source.startswith(c + c, i):
            text.append(c + c)  # `{{`, `}}`: libcst's raw text keeps both
            i += 2
        elif c == "}":
            return None
        elif c == "{":
            i = _field(source, i + 1, end, quote, node, expressions)
            if i < 0:
                return None
            text.append("{}")
        else:
            text.append(c)
            i += 1
    return _FString("".join(text), expressions)


def _field(source: str, i: int, end: int, quote: str, node: ast.JoinedStr, expressions: list[ast.expr]) -> int:
    """Reads the replacement field whose expression starts at `i`; appends the expression,
    answers where the field ends (after its `}`), or -1."""
    first = i
    depth = 0
    while i < end:
        c = source[i]
        if c in "\\#":
            return -1
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                if c != "}":
                    return -1
                break
            depth -= 1
        elif c in "'\"":
            if c == quote[0] or source.startswith(c * 3, i):
                return -1
            close = source.find(c, i + 1, end)
            if close < 0:
                return -1
            i = close
        elif depth == 0 and c in "!:=<>":
            if c in "!=<>" and source.startswith("=", i + 1):
                i += 2  # `!=`, `==`, `<=`, `>=`
                continue
            if c not in "<>":
                break
        i += 1
    if i >= end or not source[first:i].strip():
        return -1
    expression = _reparse(source[first:i], source, first, node)
    if source[i] == "=":  # `{x=}`: the text of the expression goes into the value, not a fact of libcst's
        i += 1
    if i < end and source[i] == "!":
        if source[i + 1 : i + 2] not in ("r", "s", "a"):
            return -1
        i += 2
    if i < end and source[i] == ":":  # the format spec: libcst does not walk it
        nested = 0
        i += 1
        while i < end:
            c = source[i]
            if c in "\\'\"":
                return -1
            if c == "{":
                nested += 1
            elif c == "}":
                if nested == 0:
                    break
                nested -= 1
            i += 1
    if i >= end or source[i] != "}":
        return -1
    expressions.append(expression)
    return i + 1


def _reparse(expression: str, source: str, at: int, node: ast.JoinedStr) -> ast.expr:
    """`expression` (which starts at offset `at` of the f-string's source) parsed as CPython
    parses a field's, in parentheses, its nodes moved to their places in the cell."""
    text = "(" + expression + ")"
    tree = ast.parse(text, mode="eval").body
    if not text.isascii():  # CPython's columns count UTF-8 bytes: characters, as the cell's
        rows = text.split("\n")
        for n in ast.walk(tree):
            if "lineno" in n._attributes:
                n.col_offset = character_column(rows[n.lineno - 1], n.col_offset)
                if n.end_col_offset is not None:
                    n.end_col_offset = character_column(rows[n.end_lineno - 1], n.end_col_offset)
    newlines = source.count("\n", 0, at)
    line = node.lineno + newlines
    column = at - (source.rfind("\n", 0, at) + 1) + (node.col_offset if newlines == 0 else 0)
    for n in ast.walk(tree):
        if "lineno" in n._attributes:
            if n.lineno == 1:
                n.col_offset += column - 1
            if n.end_lineno == 1:
                n.end_col_offset += column - 1
            n.lineno += line - 1
            n.end_lineno += line - 1
    return tree


class _Scope:
    def __init__(self, kind: str, local_names: set[str]):
        self.kind = kind
        self.local_names = local_names
        self.declared_global: set[str] = set()


class _AstWalker:
    """`analysis._Walker` over CPython's tree: the same handlers, in the same order."""

    def __init__(self, lines: Sequence[str], fstrings: dict[int, _FString]):
        self.lines = lines
        self.fstrings = fstrings
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
        self.owners: list[str] = []

    def facts(self) -> CellFacts:
        return CellFacts(
            defined=tuple(self.defined), reads=tuple(self.reads), deferred_reads=tuple(self.deferred),
            mutated=tuple(self.mutated), deleted=tuple(self.deleted), imports=tuple(self.imports),
            functions=tuple(self.functions), classes=tuple(self.classes), calls=tuple(self.calls),
            strings=tuple(self.strings), globals_declared=tuple(self.globals_declared),
            global_writes=tuple(self.global_writes),
        )

    # -- positions ---------------------------------------------------------

    @staticmethod
    def _at(node: ast.AST) -> tuple[int, int]:
        return (node.lineno, node.col_offset + 1)

    def _named(self, node: ast.stmt, pattern: str, name: str) -> tuple[int, int]:
        """Where `name` stands after `pattern` on the statement's first line."""
        line = self.lines[node.lineno - 1]
        m = _name_after(pattern, name).match(line, node.col_offset)
        if m is None:
            raise _NotTheSame
        return (node.lineno, m.start(1) + 1)

    @property
    def _in_function(self) -> bool:
        # (The first scope is the module's: at module level, the usual case, nothing to look through.)
        return len(self.scopes) > 1 and any(s.kind == "function" for s in self.scopes)

    # -- names ---------------------------------------------------------------

    def _load(self, name: str, at: tuple[int, int]) -> None:
        scopes = self.scopes
        if len(scopes) == 1:  # module level (most reads): the loop and the function test below find nothing
            if name not in scopes[0].local_names:
                self.reads.append(NameRef(name, *at))
            return
        for depth, scope in enumerate(reversed(self.scopes[1:])):
            if scope.kind == "class" and depth > 0:
                continue
            if name in scope.local_names:
                return
        if self._in_function:
            self.deferred.append(NameRef(name, *at))
        elif name not in self.scopes[0].local_names:
            self.reads.append(NameRef(name, *at))

    def _store(self, name: str, at: tuple[int, int]) -> None:
        scope = self.scopes[-1]
        if len(self.scopes) == 1:
            scope.local_names.add(name)
            self.defined.append(NameRef(name, *at))
        else:
            if scope.kind == "function" and name in scope.declared_global:
                self.global_writes.append(GlobalWrite(self.owners[0] if self.owners else "", name, *at))
            scope.local_names.add(name)

    def _mutate_base(self, node: ast.expr) -> None:
        base = node
        while isinstance(base, (ast.Attribute, ast.Subscript)):
            base = base.value
        if isinstance(base, ast.Name) and not self._is_local(base.id):
            self.mutated.append(NameRef(base.id, *self._at(base)))

    def _is_local(self, name: str) -> bool:
        inner = self.scopes[1:]
        return any(name in s.local_names for i, s in enumerate(inner) if s.kind != "class" or i == len(inner) - 1)

    # -- traversal -----------------------------------------------------------

    def walk_block(self, statements: Sequence[ast.AST]) -> None:
        for stmt in statements:
            self.walk(stmt)

    def walk(self, node: Optional[ast.AST]) -> None:
        if node is None:
            return
        handler = _HANDLERS.get(type(node), _UNSEEN)
        if handler is _UNSEEN:
            handler = _HANDLERS[type(node)] = getattr(_AstWalker, "_" + type(node).__name__, None)
        if handler is not None:
            handler(self, node)
            return
        for child in _children(node):
            self.walk(child)

    def _Name(self, node: ast.Name) -> None:
        self._load(node.id, self._at(node))

    def _Attribute(self, node: ast.Attribute) -> None:
        self.walk(node.value)

    def _Constant(self, node: ast.Constant) -> None:
        concatenation = self.fstrings.get(id(node))
        if concatenation is not None:
            self._concatenated(concatenation)  # type: ignore[arg-type]
            return
        value = node.value
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if isinstance(value, str):
            self.strings.append(StringFact(value, node.lineno, node.col_offset + 1, node.end_lineno or node.lineno))

    def _JoinedStr(self, node: ast.JoinedStr) -> None:
        placed = self.fstrings[id(node)]
        if isinstance(placed, _Concatenation):
            self._concatenated(placed)
            return
        self.strings.append(StringFact(placed.text, node.lineno, node.col_offset + 1, node.end_lineno or node.lineno, formatted=True))
        for expression in placed.expressions:
            self.walk(expression)

    def _concatenated(self, concatenation: _Concatenation) -> None:
        """libcst's `ConcatenatedString`: each part in turn, an f-string part's fields after it."""
        for text, formatted, line, column, end_line, expressions in concatenation.parts:
            self.strings.append(StringFact(text, line, column, end_line, formatted=formatted))
            for expression in expressions:
                self.walk(expression)

    # statements that bind ----------------------------------------------------

    def _Assign(self, node: ast.Assign) -> None:
        self.walk(node.value)
        for target in node.targets:
            self._bind(target)

    def _AnnAssign(self, node: ast.AnnAssign) -> None:
        if not self._in_function:
            self.walk(node.annotation)
        if node.value is not None:
            self.walk(node.value)
            self._bind(node.target)
        elif not isinstance(node.target, ast.Name):
            self._bind(node.target)

    def _AugAssign(self, node: ast.AugAssign) -> None:
        self.walk(node.value)
        target = node.target
        if isinstance(target, ast.Name):
            self._load(target.id, self._at(target))
            self._store(target.id, self._at(target))
        else:
            self._bind(target)

    def _NamedExpr(self, node: ast.NamedExpr) -> None:
        self.walk(node.value)
        saved = self.scopes
        while len(self.scopes) > 1 and self.scopes[-1].kind == "comprehension":
            self.scopes = self.scopes[:-1]
        self._store(node.target.id, self._at(node.target))
        self.scopes = saved

    def _For(self, node: ast.For) -> None:
        self.walk(node.iter)
        self._bind(node.target)
        self.walk_block(node.body)
        self.walk_block(node.orelse)

    _AsyncFor = _For

    def _With(self, node: ast.With) -> None:
        for item in node.items:
            self.walk(item.context_expr)
            if item.optional_vars is not None:
                self._bind(item.optional_vars)
        self.walk_block(node.body)

    _AsyncWith = _With

    def _ExceptHandler(self, node: ast.ExceptHandler) -> None:
        self.walk(node.type)
        if node.name is not None:
            if node.type is None:
                raise _NotTheSame
            line = self.lines[node.type.end_lineno - 1]
            m = re.compile(r"[\s)]*as\s+(" + re.escape(node.name) + r")\b").match(line, node.type.end_col_offset)
            if m is None:
                raise _NotTheSame
            self._store(node.name, (node.type.end_lineno, m.start(1) + 1))
        self.walk_block(node.body)
        if node.name is not None:
            self.scopes[-1].local_names.discard(node.name)

    def _Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._delete(target)

    def _delete(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            if len(self.scopes) == 1:
                self.deleted.append(NameRef(target.id, *self._at(target)))
                self.scopes[0].local_names.discard(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._delete(element)
        else:
            self.walk(target)
            self._mutate_base(target)

    def _Global(self, node: ast.Global) -> None:
        line = self.lines[node.lineno - 1]
        m = re.compile(r"global\b").match(line, node.col_offset)
        if m is None:
            raise _NotTheSame
        at = m.end()
        for name in node.names:
            found = re.compile(r"\s*,?\s*(" + re.escape(name) + r")\b").match(line, at)
            if found is None:
                raise _NotTheSame
            at = found.end()
            self.globals_declared.append(NameRef(name, node.lineno, found.start(1) + 1))
            if self.scopes[-1].kind == "function":
                self.scopes[-1].local_names.discard(name)
                self.scopes[-1].declared_global.add(name)

    def _Nonlocal(self, node: ast.Nonlocal) -> None:
        return

    def _bind(self, target: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self._store(target.id, self._at(target))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind(element)
        elif isinstance(target, ast.Starred):
            self._bind(target.value)
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            self.walk(target)
            self._mutate_base(target)
        else:
            self.walk(target)

    # imports ----------------------------------------------------------------

    def _Import(self, node: ast.Import) -> None:
        for alias in node.names:
            at = self._at(alias)
            bound = alias.asname if alias.asname is not None else alias.name.split(".")[0]
            self.imports.append(ImportFact(alias.name, None, bound, *at))
            self._store(bound, at)

    def _ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        level = node.level or 0
        line, col = self._at(node)
        if len(node.names) == 1 and node.names[0].name == "*":
            self.imports.append(ImportFact(module, "*", "*", line, col, level))
            return
        for alias in node.names:
            at = self._at(alias)
            bound = alias.asname if alias.asname is not None else alias.name
            self.imports.append(ImportFact(module, alias.name, bound, *at, level))
            self._store(bound, at)

    # definitions --------------------------------------------------------------

    def _FunctionDef(self, node: ast.FunctionDef) -> None:
        for decorator in node.decorator_list:
            self.walk(decorator)
        self._walk_param_defaults(node.args, annotations=True)
        self.walk(node.returns)
        at = self._named(node, r"(?:async\s+)?def" if isinstance(node, ast.AsyncFunctionDef) else r"def", node.name)
        if len(self.scopes) == 1:
            self.functions.append(NameRef(node.name, *at))
        self._store(node.name, at)
        local = _param_names(node.args) | _assigned_names(node.body)
        self.scopes.append(_Scope("function", local))
        self.owners.append(node.name)
        # An indented body loses its unreachable tail (as libcst's `_reachable`); a one-line
        # suite (`def f(): return 1; g()`) is walked whole, as libcst walks it.
        self.walk_block(_reachable(node.body) if self._on_own_line(node.body[0]) else node.body)
        self.owners.pop()
        self.scopes.pop()

    _AsyncFunctionDef = _FunctionDef

    def _on_own_line(self, first: ast.stmt) -> bool:
        """Whether a body starts on a line of its own (libcst's indented block, whose unreachable
        tail is cut) or after the colon (a one-line suite, walked whole)."""
        return not self.lines[first.lineno - 1][: first.col_offset].strip()

    def _Lambda(self, node: ast.Lambda) -> None:
        self._walk_param_defaults(node.args, annotations=False)
        self.scopes.append(_Scope("function", _param_names(node.args)))
        self.walk(node.body)
        self.scopes.pop()

    def _walk_param_defaults(self, args: ast.arguments, annotations: bool) -> None:
        positional = [*args.posonlyargs, *args.args]
        defaults: list[Optional[ast.expr]] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        for param, default in (*zip(positional, defaults), *zip(args.kwonlyargs, args.kw_defaults)):
            self.walk(default)
            if annotations and param.annotation is not None:
                self.walk(param.annotation)

    def _ClassDef(self, node: ast.ClassDef) -> None:
        for decorator in node.decorator_list:
            self.walk(decorator)
        for base in node.bases:
            self.walk(base)
        for keyword in node.keywords:
            self.walk(keyword.value)
        at = self._named(node, r"class", node.name)
        if len(self.scopes) == 1:
            self.classes.append(NameRef(node.name, *at))
        self.scopes.append(_Scope("class", set()))
        self.owners.append(node.name)
        self.walk_block(node.body)
        self.owners.pop()
        self.scopes.pop()
        self._store(node.name, at)

    # comprehensions -------------------------------------------------------------

    def _comprehension(self, generators: Sequence[ast.comprehension], results: Sequence[ast.expr]) -> None:
        self.walk(generators[0].iter)
        self.scopes.append(_Scope("comprehension", set()))
        for i, comp in enumerate(generators):
            if i > 0:
                self.walk(comp.iter)
            self._bind(comp.target)
            for condition in comp.ifs:
                self.walk(condition)
        for result in results:
            self.walk(result)
        self.scopes.pop()

    def _ListComp(self, node: ast.ListComp) -> None:
        self._comprehension(node.generators, [node.elt])

    _SetComp = _ListComp

    def _GeneratorExp(self, node: ast.GeneratorExp) -> None:
        self._comprehension(node.generators, [node.elt])

    def _DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node.generators, [node.key, node.value])

    # calls ---------------------------------------------------------------------

    def _Call(self, node: ast.Call) -> None:
        func = dotted_name(node.func)
        method = ""
        receiver = ""
        if isinstance(node.func, ast.Attribute):
            method = node.func.attr
            # `dotted_name(node.func.value)`: the chain without its last name, which is "" exactly
            # when the whole chain's is (both end at the same base, a `Name` or not)
            receiver = func[: -len(method) - 1] if func else ""
        elif isinstance(node.func, ast.Name):
            method = node.func.id
        arguments = [*node.args, *node.keywords]
        if len(arguments) > 1:
            arguments.sort(key=lambda a: (a.lineno, a.col_offset))
        args: list[ArgFact] = []
        position = 0
        for index, arg in enumerate(arguments):
            if isinstance(arg, ast.keyword):  # `k=v`, `**kw`: libcst's range starts at the keyword or `**`
                keyword, value, star, at = arg.arg, arg.value, arg.arg is None, self._at(arg)
            elif isinstance(arg, ast.Starred):  # `*xs`: at the star; libcst's value is `xs`
                keyword, value, star, at = None, arg.value, True, self._at(arg)
            else:
                keyword, value, star, at = None, arg, False, self._argument_start(node, arg, first=index == 0)
            pos: Optional[int] = None
            if keyword is None and not star:
                pos = position
                position += 1
            # What the argument's value is, then one `ArgFact` (not one, then another with the value)
            string = number = constant = name = None
            if id(value) in self.fstrings and isinstance(self.fstrings[id(value)], _Concatenation):
                pass  # libcst's `ConcatenatedString` argument: no `string`
            elif isinstance(value, ast.Constant):
                literal = value.value
                if isinstance(literal, str):
                    string = literal
                elif isinstance(literal, bytes):
                    pass  # a bytes literal: no `string`
                elif literal is True or literal is False or literal is None:
                    constant = repr(literal)
                elif isinstance(literal, (int, float)):
                    number = self._text(value)
            elif (
                isinstance(value, ast.UnaryOp) and isinstance(value.operand, ast.Constant)
                and isinstance(value.operand.value, (int, float)) and not isinstance(value.operand.value, bool)
            ):
                # libcst's `UnaryOperation` of a number, whatever the operator (`+1`, `~1`): "-" + its text
                number = "-" + self._text(value.operand)
            elif isinstance(value, ast.JoinedStr):
                string = self.fstrings[id(value)].text
            elif isinstance(value, ast.Name):
                name = value.id
            double_star = keyword is None and isinstance(arg, ast.keyword)
            args.append(ArgFact(pos, keyword, string, number, constant, name, at[0], at[1], double_star))
        self.calls.append(
            CallFact(
                func, method, receiver, tuple(args), node.lineno, node.col_offset + 1, node.end_lineno or node.lineno,
                in_function=self._in_function, owner=self.owners[0] if self.owners else "",
            )
        )
        self.walk(node.func)
        for arg in arguments:
            self.walk(arg.value if isinstance(arg, ast.keyword) else arg)
        if isinstance(node.func, ast.Attribute):
            inplace = any(a.keyword == "inplace" and a.constant == "True" for a in args)
            if method in MUTATING_METHODS or inplace:
                self._mutate_base(node.func.value)

    def _text(self, node: ast.AST) -> str:
        if node.lineno != node.end_lineno:
            raise _NotTheSame
        return self.lines[node.lineno - 1][node.col_offset : node.end_col_offset]

    def _argument_start(self, call: ast.Call, arg: ast.expr, first: bool) -> tuple[int, int]:
        """Where libcst's positional argument starts: at its own parentheses, which CPython's
        range leaves out (`f((a))`, `f(x, (y + 1))`); a generator that is the only argument shares
        the call's parentheses in CPython's range, not in libcst's."""
        if isinstance(arg, ast.GeneratorExp) and (arg.end_lineno, arg.end_col_offset) == (call.end_lineno, call.end_col_offset):
            line, col = arg.lineno, arg.col_offset + 1  # just inside the shared parenthesis
            text = self.lines[line - 1]
            while True:
                while col < len(text) and text[col] in " \t":
                    col += 1
                if col == len(text) - 1 and text[col] == "\\" and line < len(self.lines):
                    line, col = line + 1, 0  # a backslash continuation: libcst's argument starts on the next line
                    text = self.lines[line - 1]
                    continue
                break
            if col >= len(text) or text[col] in "#\\":
                raise _NotTheSame
            return (line, col + 1)
        line, i = arg.lineno, arg.col_offset - 1
        text = self.lines[line - 1]
        opened: list[tuple[int, int]] = []  # the `(` passed going back, nearest first
        while True:
            while i >= 0 and text[i] in " \t":
                i -= 1
            if i < 0:  # on to the line above (a comment or a continuation there: not worth reading)
                line -= 1
                if line < 1:
                    raise _NotTheSame
                text = self.lines[line - 1]
                if "#" in text or text.endswith("\\"):
                    raise _NotTheSame
                i = len(text) - 1
                continue
            if text[i] == "(":
                opened.append((line, i))
                i -= 1
                continue
            break
        start = (arg.lineno, arg.col_offset)
        if text[i] == ",":
            start = opened[-1] if opened else start
        elif first and opened:
            start = opened[-2] if len(opened) > 1 else start  # the farthest `(` is the call's own
        else:
            raise _NotTheSame
        return (start[0], start[1] + 1)


_HANDLERS: dict[type, object] = {}
_UNSEEN = object()
_INERT = (ast.expr_context, ast.operator, ast.boolop, ast.cmpop, ast.unaryop)


def _children(node: ast.AST) -> list[ast.AST]:
    """The node's children in source order, as `analysis.child_nodes` orders libcst's."""
    found: list[ast.AST] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            if not isinstance(value, _INERT):
                found.append(value)
        elif isinstance(value, list):
            found.extend(v for v in value if isinstance(v, ast.AST) and not isinstance(v, _INERT))
    if len(found) > 1 and isinstance(node, (ast.Dict, ast.IfExp)):
        found.sort(key=lambda n: (n.lineno, n.col_offset))
    return found


def _param_names(args: ast.arguments) -> set[str]:
    names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    for star in (args.vararg, args.kwarg):
        if star is not None:
            names.add(star.arg)
    return names


_OWN_SCOPES = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _assigned_names(body: Sequence[ast.stmt]) -> set[str]:
    """`analysis._assigned_names` over CPython's tree."""
    found: set[str] = set()
    declared_global: set[str] = set()
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
            continue
        if isinstance(node, _OWN_SCOPES):
            continue
        if isinstance(node, ast.Global):
            declared_global.update(node.names)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                found.update(_target_names(target))
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
            found.update(_target_names(node.target))
        elif isinstance(node, ast.NamedExpr):
            found.update(_target_names(node.target))
        elif isinstance(node, ast.withitem):
            if node.optional_vars is not None:
                found.update(_target_names(node.optional_vars))
        elif isinstance(node, ast.ExceptHandler):
            if node.name is not None:
                found.add(node.name)
        elif isinstance(node, ast.alias):
            if node.name != "*":
                found.add(node.asname if node.asname is not None else node.name.split(".")[0])
        # The children `ast.iter_child_nodes` gives, without its two generators per node (the
        # order does not matter: the names are a set).
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, ast.AST) and not isinstance(v, _INERT))
            elif isinstance(value, ast.AST) and not isinstance(value, _INERT):
                stack.append(value)
    return found - declared_global


def _target_names(target: ast.AST) -> set[str]:
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        out: set[str] = set()
        for element in target.elts:
            out |= _target_names(element)
        return out
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return set()


def _reachable(statements: Sequence[ast.stmt]) -> Sequence[ast.stmt]:
    """`analysis._reachable`: up to the first `return` or `raise`, and the rest of its line
    (libcst's statement line holds every `;`-separated statement of it)."""
    for i, stmt in enumerate(statements):
        if isinstance(stmt, (ast.Return, ast.Raise)):
            end = i + 1
            while end < len(statements) and statements[end].lineno == statements[end - 1].end_lineno and isinstance(
                statements[end], _SMALL
            ):
                end += 1
            return statements[:end]
    return statements


_SMALL = (
    ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Raise, ast.Pass, ast.Break, ast.Continue,
    ast.Delete, ast.Global, ast.Nonlocal, ast.Import, ast.ImportFrom, ast.Assert,
)


@lru_cache(maxsize=2048)
def _name_after(pattern: str, name: str) -> re.Pattern[str]:
    """`pattern` then `name` as a whole word, compiled once per pair: `re`'s own cache holds 512
    patterns, fewer than a batch's distinct function and class names, so each `def` recompiled."""
    return re.compile(pattern + r"\s+(" + re.escape(name) + r")\b")
