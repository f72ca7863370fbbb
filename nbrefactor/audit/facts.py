"""The facts one code cell yields (`CellFacts` and its parts), shared by the two readers that make
them: `analysis._Walker` over libcst's tree (the reference) and `ast_facts` over CPython's tree
(most cells). In a module of its own so that neither reader imports the other's module."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Callable, Iterable, KeysView, Optional, Sequence

# Methods that change their receiver in place. `fit` and friends mutate an estimator: a later
# section that reads the model depends on the section that fitted it.
MUTATING_METHODS = frozenset(
    {"append", "extend", "insert", "pop", "remove", "clear", "update", "sort", "reverse", "setdefault",
     "popitem", "add", "discard", "difference_update", "intersection_update", "symmetric_difference_update",
     "fit", "partial_fit", "fit_transform", "fit_predict", "fit_resample", "train", "compile", "load_state_dict",
     "set_params", "resize", "fill", "put", "itemset", "setflags", "sort_values_", "__setitem__", "__delitem__",
     "zero_grad", "step", "backward", "to_", "apply_", "requires_grad_", "set_index_", "insert_"}
)


# A cell's facts are made by the ten thousand (PDSH, -j 1: ~37,000 a run: 18,000 arguments, 7,700
# names, 5,300 calls, 3,400 strings, 1,500 cells) and read far more often. A frozen dataclass's
# `__init__` sets each field through `object.__setattr__`, a call of ~1,000 instructions a field
# (twenty-third round); storing into the instance's dict instead keeps the construction cheap but
# makes every later read slower (the attribute no longer sits in the object's inline values).
# So the facts are plain dataclasses, whose `__init__` stores each field as `self.x = x`, with the
# equality and hash of the frozen ones (`unsafe_hash`: the hash of the fields' tuple, as frozen +
# eq gives) and the same pickling (the instance's dict). They are never changed once made (the
# cell memo shares them between notebooks): tests/test_facts_immutable.py audits the fixtures and
# the rule examples with every write to a fact's field after its `__init__` refused.
fact = dataclass(unsafe_hash=True)


@fact
class NameRef:
    """A name at a position of a cell."""

    name: str
    line: int
    column: int


@fact
class ImportFact:
    """One name an import statement binds."""

    module: str  # absolute dotted module ("sklearn.model_selection"); "" for a relative import's base
    imported: Optional[str]  # the imported attribute for `from m import x`; None for `import m`
    bound: str  # the name the import binds in the namespace ("*" for a star import)
    line: int
    column: int
    level: int = 0  # leading dots of a relative import

    @property
    def top_level(self) -> str:
        return self.module.split(".")[0] if self.module else ""

    @property
    def qualified(self) -> str:
        """The dotted name the bound name stands for."""
        if self.imported is None:
            return self.module if self.bound != self.module.split(".")[0] else self.bound
        return f"{self.module}.{self.imported}" if self.module else self.imported


@fact
class ArgFact:
    """One argument of a call, with its literal value when it has one."""

    position: Optional[int]  # positional index, None for keywords
    keyword: Optional[str]
    string: Optional[str] = None  # the value of a string literal argument
    number: Optional[str] = None  # the literal text of a number argument
    constant: Optional[str] = None  # True / False / None
    name: Optional[str] = None  # a bare name argument
    line: int = 0
    column: int = 0
    # `**kwargs` (a mapping that may carry any keyword); `*args` has no position either, but
    # carries positional arguments only.
    double_star: bool = False


@fact
class CallFact:
    """A call of a cell: its callee as written, its arguments and where it stands."""

    func: str  # dotted callee as written ("pd.read_csv", "df.to_csv", "open"); "" when not a dotted name
    method: str  # last attribute of the callee ("read_csv"); the function name for a bare call
    receiver: str  # dotted receiver ("pd", "df"), "" for a bare call
    args: tuple[ArgFact, ...]
    line: int
    column: int
    end_line: int
    in_function: bool = False  # inside a def/lambda body: runs when called, not when the cell runs
    owner: str = ""  # the module-level def/class whose body holds the call ("" at module level or in a lambda there)

    def arg(self, position: Optional[int], keywords: Iterable[str] = ()) -> Optional[ArgFact]:
        # The callers' keywords are a tuple of a few names, searched as they are: a set made per
        # call cost more than it saved (~72,000 calls on PDSH); any other iterable is read once.
        keys = keywords if isinstance(keywords, (tuple, list, set, frozenset)) else set(keywords)
        if keys:
            for a in self.args:
                if a.keyword is not None and a.keyword in keys:
                    return a
        if position is not None:
            for a in self.args:
                if a.position == position:
                    return a
        return None

    def has_keyword(self, keyword: str) -> bool:
        return any(a.keyword == keyword for a in self.args)


@fact
class StringFact:
    """A string literal of a cell and where it stands."""

    value: str  # the literal's value; f-string holes are shown as "{}"
    line: int
    column: int
    end_line: int
    formatted: bool = False


@fact
class SyntaxProblem:
    """Why a cell does not compile, and where."""

    message: str
    line: int
    column: int
    # The cell parses; CPython's symbol table or compiler refused it (`'return' outside function`):
    # Python by construction, never text of another language or an exercise blank.
    parsed: bool = False


@fact
class GlobalWrite:
    """`global x` then `x = …` inside a function: the function binds the notebook global `x` when
    it is *called*, so data flow places the definition at the call sites of `function`."""

    function: str  # the module-level def (or class) whose body does the write
    name: str
    line: int
    column: int


@fact
class CellFacts:
    """What one cell binds, reads, changes, imports and calls."""

    defined: tuple[NameRef, ...] = ()  # module-level bindings, in order
    reads: tuple[NameRef, ...] = ()  # names read at module level before this cell binds them
    deferred_reads: tuple[NameRef, ...] = ()  # globals read inside function/class bodies
    mutated: tuple[NameRef, ...] = ()  # names changed in place (`df["c"] = …`, `lst.append`, inplace=True)
    deleted: tuple[NameRef, ...] = ()
    imports: tuple[ImportFact, ...] = ()
    functions: tuple[NameRef, ...] = ()
    classes: tuple[NameRef, ...] = ()
    calls: tuple[CallFact, ...] = ()
    strings: tuple[StringFact, ...] = ()
    globals_declared: tuple[NameRef, ...] = ()  # `global x` inside functions: the function binds x
    global_writes: tuple[GlobalWrite, ...] = ()  # assignments to those globals, with their function
    syntax_error: Optional[SyntaxProblem] = None


def dotted_name(node: ast.AST) -> str:
    """`tf.keras.datasets.mnist` for a Name/Attribute chain of CPython's tree; "" when any part is
    not a plain name (`f().x`, `a[0].b`)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))


def character_column(line: str, byte_offset: int) -> int:
    """The column, in characters, of a UTF-8 byte offset into `line` (CPython's `col_offset` counts
    bytes; libcst and the findings count characters). Raises UnicodeError for an offset inside a
    character."""
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8"))


def statement_index_at(body: Sequence[ast.stmt], line: int) -> Optional[int]:
    """The index in `body` of the first statement whose lines hold `line` (with `a = f(); b = g()`
    on one line, the first), or None when none does (a line of a comment between statements,
    or out of the block). Only `body` itself is searched: a line inside a `for` of a module's
    body gives the `for`."""
    for index, statement in enumerate(body):
        if statement.lineno <= line <= (statement.end_lineno or statement.lineno):
            return index
    return None


def statement_at(tree: Optional[ast.Module], line: int) -> Optional[ast.stmt]:
    """The top-level statement of a cell's tree (None for a cell that does not parse) whose lines
    hold `line`, as `statement_index_at`: the statement a fact found at `line` belongs to."""
    if tree is None:
        return None
    index = statement_index_at(tree.body, line)
    return None if index is None else tree.body[index]


def _first_line(message: str) -> str:
    """A syntax error's message as one line (both readers, `analysis` and `cst_facts`, report it)."""
    return message.strip().splitlines()[0] if message.strip() else "invalid syntax"


def assigned_name(statement: ast.AST) -> Optional[str]:
    """The name a plain `name = value` statement binds; None for any other statement (`a = b = v`,
    `obj.attr = v`, `a, b = v`, `x += v`, `x: int = v`). The shape every "module-level constant"
    reading of the cells starts from."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if isinstance(target, ast.Name):
            return target.id
    return None


def globals_bound_once(trees: Iterable[Optional[ast.Module]], value_of: Callable[[ast.AST, dict], Any]) -> dict[str, Any]:
    """Notebook globals bound once, by `name = <value>` at a cell's top level, to a value
    `value_of(node, found_so_far)` knows (None: unknown) → that value. A name bound twice, or once
    to an unknown value, is left out: which value a later cell sees depends on the order the cells
    ran. Cells in notebook order; a None tree (a cell that does not parse) binds nothing."""
    found: dict[str, Any] = {}
    rebound: set[str] = set()
    for tree in trees:
        for stmt in tree.body if tree is not None else ():
            name = assigned_name(stmt)
            if name is not None:
                value = value_of(stmt.value, found)
                if name in found or name in rebound or value is None:
                    found.pop(name, None)
                    rebound.add(name)
                else:
                    found[name] = value
    return found


def walk_nodes(node: ast.AST) -> list[ast.AST]:
    """`list(ast.walk(node))`: the same nodes in the same (breadth-first) order, without its
    generator per node and per field. The fields the grammar types as an identifier, a number,
    a string or a constant (`Name.id`, `Attribute.attr`, `Constant.value`, `alias.name`, …:
    `_NEVER_NODES`) are not looked at: in a tree CPython made they never hold a node (`compile`
    refuses a tree where one does), and they are a third of the fields read (walks of PDSH's
    cells: 0.19 → 0.14 s)."""
    found = [node]
    append = found.append
    child_fields = _CHILD_FIELDS
    for current in found:  # (a list iterator sees what is appended meanwhile)
        names = child_fields.get(current.__class__)
        if names is None:
            names = _child_fields(current.__class__)
        for name in names:
            value = getattr(current, name, None)
            if isinstance(value, ast.AST):
                append(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        append(item)
    return found


# Fields of CPython's grammar (Parser/Python.asdl, 3.11) typed `identifier`, `string`, `int` or
# `constant`, by node class: never a node, nor a list of nodes (`Global.names` is `identifier*`).
_NEVER_NODES: dict[str, frozenset[str]] = {
    "FunctionDef": frozenset({"name", "type_comment"}),
    "AsyncFunctionDef": frozenset({"name", "type_comment"}),
    "ClassDef": frozenset({"name"}),
    "Assign": frozenset({"type_comment"}),
    "AnnAssign": frozenset({"simple"}),
    "For": frozenset({"type_comment"}),
    "AsyncFor": frozenset({"type_comment"}),
    "With": frozenset({"type_comment"}),
    "AsyncWith": frozenset({"type_comment"}),
    "ImportFrom": frozenset({"module", "level"}),
    "Global": frozenset({"names"}),
    "Nonlocal": frozenset({"names"}),
    "Attribute": frozenset({"attr"}),
    "Name": frozenset({"id"}),
    "Constant": frozenset({"value", "kind"}),
    "FormattedValue": frozenset({"conversion"}),
    "keyword": frozenset({"arg"}),
    "alias": frozenset({"name", "asname"}),
    "arg": frozenset({"arg", "type_comment"}),
    "ExceptHandler": frozenset({"name"}),
    "comprehension": frozenset({"is_async"}),
    "MatchSingleton": frozenset({"value"}),
    "MatchStar": frozenset({"name"}),
    "MatchAs": frozenset({"name"}),
    "MatchMapping": frozenset({"rest"}),
    "MatchClass": frozenset({"kwd_attrs"}),
    "TypeIgnore": frozenset({"lineno", "tag"}),
}
# node class -> the names of its fields that may hold a node or a list of nodes, in `_fields` order
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(kind: type) -> tuple[str, ...]:
    never = _NEVER_NODES.get(kind.__name__, frozenset()) if kind.__module__ == "ast" else frozenset()
    names = tuple(name for name in kind._fields if name not in never)
    _CHILD_FIELDS[kind] = names
    return names


def tree_nodes(tree: ast.AST) -> tuple[ast.AST, ...]:
    """`tuple(ast.walk(tree))` (the same nodes, the same breadth-first order), remembered for the
    trees `python_tree` shares: several rules walk every cell's whole tree (DEP005 three times),
    and `ast.walk` is a Python generator over `iter_child_nodes`, ~1 µs a node. Never modify it."""
    found = _NODES.get(id(tree))
    if found is not None and found[0] is tree:
        return found[1]
    nodes = tuple(walk_nodes(tree))
    if len(_NODES) >= 256:  # as `_TREES`: the oldest goes
        del _NODES[next(iter(_NODES))]
    _NODES[id(tree)] = (tree, nodes)  # the tree is held, so its id is not reused meanwhile
    return nodes


_NODES: dict[int, tuple[ast.AST, tuple[ast.AST, ...]]] = {}


def nodes_of(tree: ast.AST, *types: type) -> tuple[ast.AST, ...]:
    """The nodes of `tree_nodes(tree)` whose class is one of `types`, in the same (breadth-first)
    order: `tuple(n for n in tree_nodes(tree) if isinstance(n, types))` for concrete node classes
    (`ast.Call`, `ast.Assign`; never a base class such as `ast.expr`: CPython's parser makes
    only concrete nodes, so a class test and `isinstance` agree). The nodes of each class are
    sorted out in ONE pass over the cell's node list, remembered with it, and so is each mix of
    classes asked for; the rules that looked at every node of every cell for the few calls,
    assignments or loops they read (PTH001's `_produced_paths` four passes per notebook, a
    dozen others one or two) then read only those. Never modify what it returns."""
    # (`_by_class`'s look-up written out: the rules ask ~90,000 times on PDSH, nearly always for a
    # tree already indexed, and a second function call per question was a third of its cost)
    known = _BY_CLASS.get(id(tree))
    by_class = known[1] if known is not None and known[0] is tree else _by_class(tree)
    if len(types) == 1:
        return by_class.get(types[0], ())
    found = by_class.get(types)  # (a tuple of classes is a key no single class is)
    if found is None:
        present = [kind for kind in types if kind in by_class]
        if len(present) < 2:
            found = by_class[present[0]] if present else ()
        else:
            wanted = frozenset(present)
            found = tuple([node for node in tree_nodes(tree) if node.__class__ in wanted])
        by_class[types] = found
    return found


def node_classes(tree: ast.AST) -> KeysView:
    """The node classes `tree` holds (with the class mixes `nodes_of` was asked for): a screen
    that tests a set of classes against it in one C-level intersection, from the index
    `nodes_of` builds once per tree anyway."""
    return _by_class(tree).keys()


def _by_class(tree: ast.AST) -> dict:
    found = _BY_CLASS.get(id(tree))
    if found is not None and found[0] is tree:
        return found[1]
    lists: dict = {}
    for node in tree_nodes(tree):
        kind = node.__class__
        same = lists.get(kind)
        if same is None:
            lists[kind] = [node]
        else:
            same.append(node)
    by_class = {kind: tuple(same) for kind, same in lists.items()}
    if len(_BY_CLASS) >= 256:  # as `_NODES`: the oldest goes
        del _BY_CLASS[next(iter(_BY_CLASS))]
    _BY_CLASS[id(tree)] = (tree, by_class)  # the tree is held, so its id is not reused meanwhile
    return by_class


# id(tree) -> (tree, {node class: its nodes, (class, class, …): their nodes, merged})
_BY_CLASS: dict[int, tuple[ast.AST, dict]] = {}
