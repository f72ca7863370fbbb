"""Cross-cell name flow: where each notebook global is defined, changed, deleted and read.

`def_use(facts) -> NameFlow` resolves every read recorded by `analysis` twice:

* **top-down** (the order a clean "Restart & Run All" uses, and the order the compiler keeps):
  the definition that reaches the read from a cell above — or, when none does, the later cell
  that defines it, or nothing;
* **by execution count** (the order the saved outputs were actually produced in): the definition
  made by the cell that ran most recently *before* the reading cell.

The hidden-state rules (HID003–HID005, HID008) read it, and so does the compiler: a step's
inputs and outputs (compile/plan.py) are `NameFlow.groups` (what each group of cells reads from
outside it, binds, and changes in place) joined by `link_groups`, with the compiler's policy
applied on top (which names are data, the final values, fitted models, shared references). There
is no second def-use engine.

`def_use(facts, package=True)` resolves the bindings a *compiled package* makes instead of the
ones the kernel made: `%run script.py` binds the names read at or after it that no cell defines
(the package takes them from the script's namespace, `DefKind.RUN`), while `%store -r`,
`%%capture`, `%pylab` and functions that assign a `global` bind nothing a step hands to another
(the package compiles them to a review comment, plain Python, module-level imports and a module
global of the step's own process), nor does a module-level `exec(code)` (in a step's function body
it binds into `locals()`, not the step's names).

Choices, made once here so every consumer agrees:

* Cells are numbered as in reports: 1-based over *all* cells, markdown and raw included.
* `del x` kills `x` top-down: a read after it (with no new definition in between) has no
  provider. Its `deleted_by` names the deletion; its flow is `BELOW` when a later cell defines `x`
  again, `DELETED` otherwise. Deferred reads (inside function bodies) ignore deletions: they are
  looked up when the function is called, which this analysis does not follow.
* A function that declares `global x` and assigns it defines `x` *when called*: the definition is
  placed at each module-level call of that function (`DefKind.GLOBAL`, `via` = the function), or
  at the assignment itself when the notebook never calls it at module level. So does
  `globals()['x'] = …` with a literal key inside a function; at module level it is a `GLOBAL`
  definition where it stands (`via` = `globals`).
* A name bound further down the *same* cell only (`try: cache` / `except NameError: cache = {}`,
  loop-carried values) is `LATER_IN_CELL`; the binding statement itself does not count
  (`x += 1` and `x = x + 1` read `x` before they bind it), which no rule reports: telling the idiom from a bug
  needs control flow this analysis does not model.
* A builtin (Python's, IPython's `display`/`get_ipython`/`In`/`Out`/`_`/`_3`/`_i3`, and any
  `extra_builtins`) is `BUILTIN` unless a notebook definition reaches the read first.
* Magics: `files = !ls` arrives from the masker as `files = None` (a `MAGIC` definition);
  `%store -r a b` defines `a` and `b`; `%%capture out` and `%%bigquery out` define `out`; rpy2's
  `%R … -o out`/`%%R -o out` and `%Rpull out` define `out`; `%pylab` defines `np` and
  `plt` and star-imports the rest. Star imports, `%pylab`, `%run`, a bare
  `%store -r`, module-level `exec(...)` and cells that do not parse may define names nobody can
  list: they are `opaque` injectors, and `NameFlow.may_inject` tells a consumer not to call any
  name undefined. A module-level `exec(code)` whose code the cell spells out (a literal, an
  f-string, a `+` of pieces, through a name the cell binds once) also defines the names that code
  binds, where the call ends (`DefKind.EXEC`, `_exec_bindings`); it stays an opaque injector.

Pure: no I/O, no globals, frozen values in and out.
"""

from __future__ import annotations

import ast
import enum
import posixpath
import re
import shlex
import string
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from typing import Collection, Iterable, Optional, Sequence, Union

from nbrefactor.audit.analysis import BUILTIN_NAMES, CallFact, CellAnalysis, NotebookFacts, cell_python_tree, session_name_tests
from nbrefactor.audit.facts import character_column

# `_3` / `_i3` (output and input history) and `_exit_code` (set by `!cmd`) exist in every kernel.
IPYTHON_HISTORY = re.compile(r"^_i{0,3}\d+$")
_IPYTHON_EXTRA = frozenset({"_exit_code", "_sh", "_i", "_ii", "_iii"})
_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")


def is_builtin(name: str, extra: frozenset[str] = frozenset()) -> bool:
    return name in BUILTIN_NAMES or name in _IPYTHON_EXTRA or name in extra or bool(IPYTHON_HISTORY.match(name))


class DefKind(str, enum.Enum):
    ASSIGN = "assign"  # any Python binding: =, +=, for, with … as, except … as, walrus, match
    IMPORT = "import"
    FUNCTION = "function"
    CLASS = "class"
    MAGIC = "magic"  # `files = !ls`, `x = %who_ls`, `%store -r x`, `%%capture out`
    GLOBAL = "global"  # a call of a function whose body assigns the global (`global x; x = …`)
    RUN = "run"  # package=True only: a name `%run script.py` provides (read later, defined nowhere)
    EXEC = "exec"  # package=False only: a name a module-level `exec(code)` binds, its code known (`_exec_bindings`)


class Flow(str, enum.Enum):
    """Where a read finds its value when the notebook runs top to bottom."""

    ABOVE = "above"  # a definition reaches it from a cell above (deferred reads: or the same cell)
    BUILTIN = "builtin"
    LATER_IN_CELL = "later-in-cell"  # only its own cell binds it, after the read
    BELOW = "below"  # only cells below define it: `provider` is the first of them
    DELETED = "deleted"  # defined above, but `del`-eted before the read and never redefined
    UNDEFINED = "undefined"  # no cell defines it


class ExecFlow(str, enum.Enum):
    """Where a module-level read found its value in the run that produced the saved outputs."""

    NOT_RUN = "not-run"  # the reading cell has no execution count
    DEFERRED = "deferred"  # a read inside a function body: resolved at call time, not tracked
    DEFINED = "defined"  # a cell that ran before it (lower count) defined it: `exec_provider`
    BUILTIN = "builtin"
    DELETED = "deleted"  # the last thing done to it before this cell ran was a `del`
    UNDEFINED = "undefined"  # no cell that ran before it defined it


class InjectorKind(str, enum.Enum):
    STAR_IMPORT = "star-import"  # from m import *
    RUN = "run"  # %run script.py / notebook.ipynb
    STORE = "store"  # %store -r [names]
    LOAD = "load"  # %load file.py (pastes code into the cell; not executed as such)
    EXEC_FILE = "exec-file"  # exec(open(path).read())
    EXEC = "exec"  # any other module-level exec(...)
    UNPARSED = "unparsed"  # a cell with a syntax error: its names are unknown
    PYLAB = "pylab"  # %pylab: `from numpy import *` and `from matplotlib.pylab import *`, plus np, plt


# Injections that are themselves a finding (HID006), as opposed to merely making names unknowable.
STATE_INJECTIONS = frozenset(
    {InjectorKind.STAR_IMPORT, InjectorKind.RUN, InjectorKind.STORE, InjectorKind.LOAD, InjectorKind.EXEC_FILE}
)


@dataclass(frozen=True)
class Definition:
    """A binding of a name at module level: where, how, and the execution count of its cell."""

    name: str
    cell: int  # 1-based over all cells
    line: int  # 1-based inside the cell
    column: int
    kind: DefKind
    count: Optional[int]  # the defining cell's execution count
    via: str = ""  # GLOBAL: the function whose call binds the name


@dataclass(frozen=True)
class Mutation:
    """`df["c"] = …`, `lst.append(…)`, `df.drop(…, inplace=True)`, `model.fit(…)`."""

    name: str
    cell: int
    line: int
    column: int
    count: Optional[int]


@dataclass(frozen=True)
class Deletion:
    """A `del` of a name at module level."""

    name: str
    cell: int
    line: int
    column: int
    count: Optional[int]


Write = Union[Definition, Mutation]


@dataclass(frozen=True)
class Read:
    """A read of a name, with what it reads from (its flow) top to bottom and in execution order."""

    name: str
    cell: int
    line: int
    column: int
    count: Optional[int]
    deferred: bool  # read inside a function/lambda body: happens when it is called
    flow: Flow
    # ABOVE: the definition that reaches the read; BELOW: the first definition below;
    # LATER_IN_CELL: the binding further down the same cell; otherwise None.
    provider: Optional[Definition]
    # The last definition *or in-place change* above the read (ABOVE only): where the value a
    # section boundary must carry was last written.
    writer: Optional[Write]
    deleted_by: Optional[Deletion]  # the `del` that killed the definition above, if any
    exec_flow: ExecFlow
    exec_provider: Optional[Definition]  # DEFINED: the definition from the cell that ran last before
    exec_deleted_by: Optional[Deletion]  # DELETED: that `del`


@dataclass(frozen=True)
class Injector:
    """What may bind names the analysis cannot see: a star import, `%run`, `exec`, a cell that does not parse."""

    cell: int
    line: int
    column: int
    kind: InjectorKind
    text: str  # the line as written
    count: Optional[int]
    opaque: bool  # may bind names this analysis cannot list
    # RUN: the code cell whose `%%writefile` wrote the file it runs, last above it (its text is on
    # the page, and its module-level names are the `%run`'s definitions); None for a file from outside.
    written_by: Optional[int] = None


# `%%bigquery` options that take a value (`--project p`, `--params '{…}'`); the others are flags.
_BIGQUERY_VALUED = frozenset({
    "--project", "--max_results", "--maximum_bytes_billed", "--params", "--destination_table", "--location",
    "--engine", "--bigquery_api_endpoint", "--bqstorage_api_endpoint", "--progress_bar_type", "--dry_run_output",
})


def _bigquery_destination(args: str) -> Optional[str]:
    """The destination variable of a `%%bigquery` cell magic (`%%bigquery df --project p` → `df`),
    or None when the query's result is only shown."""
    words = args.split()
    i = 0
    while i < len(words):
        word = words[i]
        if word.startswith("-"):
            i += 2 if word.split("=", 1)[0] in _BIGQUERY_VALUED and "=" not in word else 1
            continue
        return word if _IDENTIFIER.match(word) else None
    return None


# rpy2's `-o name` / `--output name` (also `-o a,b`, `--output=a`): a variable an R cell or line
# hands back to Python (rmagic pushes it into the user namespace).
_BRIDGE_OUTPUT_FLAGS = ("-o", "--output")


def bridge_outputs(args: str) -> list[str]:
    """The Python names a bridge magic's options hand back (`%%R -o forecast,fit` → forecast, fit;
    `%R -i data -o out out <- f(data)` → out). Shared by STR006 and the name flow."""
    try:
        words = shlex.split(args)
    except ValueError:
        words = args.split()
    names: list[str] = []
    for i, word in enumerate(words):
        flag, eq, attached = word.partition("=")
        if flag in _BRIDGE_OUTPUT_FLAGS:
            value = attached if eq else (words[i + 1] if i + 1 < len(words) else "")
            names.extend(n for n in value.split(",") if n.isidentifier())
    return list(dict.fromkeys(names))


def import_only_names(definitions: Iterable["Definition"]) -> frozenset[str]:
    """Names only imports bind (`np`, `lgb`, never rebound to a value): a call on one uses a
    module, it does not change a value a cell made."""
    imported: set[str] = set()
    other: set[str] = set()
    for d in definitions:
        (imported if d.kind is DefKind.IMPORT else other).add(d.name)
    return frozenset(imported - other)


@dataclass(frozen=True)
class NameFlow:
    """The notebook's definitions, changes, deletions and reads of names, each read resolved."""

    definitions: tuple[Definition, ...]  # notebook order (cell, line, column)
    mutations: tuple[Mutation, ...]
    deletions: tuple[Deletion, ...]
    reads: tuple[Read, ...]  # notebook order
    injectors: tuple[Injector, ...]
    counts: tuple[tuple[int, Optional[int]], ...]  # (code cell, execution count), notebook order

    @property
    def may_inject(self) -> bool:
        """True when some cell may bind names nobody can list (star import, %run, exec, …)."""
        return any(i.opaque for i in self.injectors)

    def definers(self, name: str) -> tuple[int, ...]:
        """Cells that define `name`, in notebook order, each once."""
        return tuple(dict.fromkeys(d.cell for d in self.definitions if d.name == name))

    def definitions_of(self, name: str) -> tuple[Definition, ...]:
        return tuple(d for d in self.definitions if d.name == name)

    def reads_in(self, cell: int) -> tuple[Read, ...]:
        return tuple(r for r in self.reads if r.cell == cell)

    def reads_of(self, name: str) -> tuple[Read, ...]:
        return tuple(r for r in self.reads if r.name == name)

    def run_bindings(self) -> dict[int, tuple[str, ...]]:
        """`%run` cell → the names it binds (package=True; empty otherwise), every `%run` cell listed."""
        cells = dict.fromkeys(i.cell for i in self.injectors if i.kind is InjectorKind.RUN)
        return {cell: tuple(d.name for d in self.definitions if d.kind is DefKind.RUN and d.cell == cell) for cell in cells}

    def groups(self, groups: Sequence[Iterable[int]]) -> tuple[GroupFlow, ...]:
        """What each group of cells (a compiled step) reads from outside itself, binds, and
        changes in place. Groups are given in the order the package runs them, each group's cells
        in its own order — not necessarily the notebook's (Kale `pipeline-metrics` cells run last,
        and cells of one `block:` run together), so reads are resolved against the group's own
        earlier cells, not top-down through the notebook: each step has a namespace of its own.

        A module-level read comes from outside unless an earlier cell of the group binds the name
        (or a `%run` in its own cell does: `DefKind.RUN`); an in-place change inside the group
        before the read does not make the value the group's own. A read inside a function body
        comes from outside when the group binds the name nowhere: a function kept in a step sees
        that step's binding when it is called. Builtins and names nothing defines are listed too:
        `link_groups` and the consumer's filter decide which reads are inputs."""
        cell_lists = [tuple(g) for g in groups]
        wanted = {cell for cells in cell_lists for cell in cells}
        defs_in: dict[int, list[Definition]] = defaultdict(list)
        reads_in: dict[int, list[Read]] = defaultdict(list)
        changes_in: dict[int, list[str]] = defaultdict(list)
        for d in self.definitions:
            if d.cell in wanted:
                defs_in[d.cell].append(d)
        for r in self.reads:
            if r.cell in wanted:
                reads_in[r.cell].append(r)
        for m in self.mutations:
            if m.cell in wanted:
                changes_in[m.cell].append(m.name)
        out = []
        for cells in cell_lists:
            anywhere = {d.name for cell in cells for d in defs_in[cell]}
            bound: set[str] = set()
            reads: dict[str, None] = {}
            for cell in cells:
                run_here = {d.name for d in defs_in[cell] if d.kind is DefKind.RUN}
                for r in reads_in[cell]:
                    inside = r.name in anywhere if r.deferred else (r.name in bound or r.name in run_here)
                    if not inside:
                        reads[r.name] = None
                bound.update(d.name for d in defs_in[cell])
            defines = dict.fromkeys(d.name for cell in cells for d in defs_in[cell])
            changes = dict.fromkeys(n for cell in cells for n in changes_in[cell])
            out.append(GroupFlow(cells, tuple(reads), tuple(defines), tuple(changes)))
        return tuple(out)


@dataclass(frozen=True)
class GroupFlow:
    """`NameFlow.groups`' answer for one group of cells (names each once, in the group's order)."""

    cells: tuple[int, ...]
    reads: tuple[str, ...]  # read from outside the group
    defines: tuple[str, ...]  # bound inside the group (any kind: assignment, import, def, …)
    changes: tuple[str, ...]  # changed in place inside the group (`df["c"] = …`, `model.fit(…)`)

    @property
    def writes(self) -> frozenset[str]:
        return frozenset(self.defines) | frozenset(self.changes)


def link_groups(
    reads: Sequence[Iterable[str]], writes: Sequence[Collection[str]]
) -> tuple[tuple[tuple[str, ...], ...], tuple[frozenset[str], ...]]:
    """Groups run in order, each handing values to the later ones: a name group `i` reads is an
    *input* of `i` when an earlier group writes it, and an *output* of the latest such group.
    A name no earlier group writes is not an input (the hidden-state rules report it).
    Returns (inputs per group, in read order; outputs per group)."""
    inputs: list[tuple[str, ...]] = []
    outputs: list[set[str]] = [set() for _ in writes]
    for i, names in enumerate(reads):
        found: list[str] = []
        for name in names:
            provider = next((j for j in range(i - 1, -1, -1) if name in writes[j]), None)
            if provider is None:
                continue
            found.append(name)
            outputs[provider].add(name)
        inputs.append(tuple(found))
    return tuple(inputs), tuple(frozenset(o) for o in outputs)


# ---------------------------------------------------------------------------------------------


def def_use(facts: NotebookFacts, extra_builtins: Iterable[str] = (), package: bool = False) -> NameFlow:
    """`package`: the bindings a compiled package makes (see the module docs), for the compiler."""
    extra = frozenset(extra_builtins)
    definitions, injectors = _definitions_and_injectors(facts, package)
    # `model = lgb.train(...)`, `plt.show()`-style calls on a name only ever bound by an import
    # call a module's function; they do not change the module in place.
    module_names = import_only_names(definitions)
    mutations = tuple(
        sorted(
            (
                Mutation(m.name, ca.cell.index, m.line, m.column, ca.cell.execution_count)
                for ca in facts.cells
                for m in ca.facts.mutated
                if m.name not in module_names
            ),
            key=_pos,
        )
    )
    deletions = tuple(
        sorted(
            (Deletion(d.name, ca.cell.index, d.line, d.column, ca.cell.execution_count) for ca in facts.cells for d in ca.facts.deleted),
            key=_pos,
        )
    )
    resolver = _Resolver(definitions, mutations, deletions, extra)
    reads: list[Read] = []
    for ca in facts.cells:
        for ref in ca.facts.reads:
            reads.append(resolver.resolve(ref.name, ca.cell.index, ref.line, ref.column, ca.cell.execution_count, deferred=False))
        for ref in ca.facts.deferred_reads:
            reads.append(resolver.resolve(ref.name, ca.cell.index, ref.line, ref.column, ca.cell.execution_count, deferred=True))
    if package:
        # The compiled step puts the values of a shell or `%cd` line's `{expr}` fields into the
        # command, as IPython's expansion does (compile/expansion.py): the names they read are the step's reads.
        for ca in facts.cells:
            for magic in ca.magics:
                if magic.kind == "shell" or (magic.kind in ("line_magic", "automagic") and magic.name == "cd"):
                    bound_above = {d.name for d in ca.facts.defined if d.line < magic.line}
                    for name in sorted(_expansion_reads(magic.args) - bound_above):
                        reads.append(resolver.resolve(name, ca.cell.index, magic.line, 1, ca.cell.execution_count, deferred=False))
        # A step asks its own names whether the notebook's session held one (`'stats' in dir()`
        # becomes `'stats' in locals()`, compile/transform.py): the name is the step's read, so a
        # value an earlier step bound reaches it as a parameter, as it reached the kernel's namespace.
        for ca in facts.cells:
            tree = cell_python_tree(ca) if "()" in ca.masked.python else None
            for statement in tree.body if tree is not None else ():
                for test in session_name_tests(statement):
                    if test.in_comprehension and test.call != "globals":
                        continue  # the comprehension's own names, in the notebook too
                    if any(d.name == test.name and d.line < test.line for d in ca.facts.defined):
                        continue
                    reads.append(resolver.resolve(test.name, ca.cell.index, test.line, test.node.col_offset + 1,
                                                  ca.cell.execution_count, deferred=False))
    reads.sort(key=lambda r: (r.cell, r.line, r.column, r.deferred, r.name))
    counts = tuple((ca.cell.index, ca.cell.execution_count) for ca in facts.cells)
    return NameFlow(definitions, mutations, deletions, tuple(reads), injectors, counts)


_DOLLAR_FIELD = re.compile(r"(.*?)\$(\$?[\w\.]+)(?=([^']*'[^']*')*[^']*$)")


def _expansion_reads(text: str) -> frozenset[str]:
    """The names the `{expr}` fields of a magic or shell line read (IPython evaluates each field as
    an expression in the notebook's namespace before the line runs); none when the line has no
    field or IPython's formatter cannot read it."""
    if "{" not in text and "$" not in text:
        return frozenset()
    try:
        pieces = list(string.Formatter().parse(text))
    except ValueError:
        return frozenset()
    fields = [(f, spec) for _, f, spec, _ in pieces if f is not None]
    # `$name`/`$name.attr` outside single quotes (IPython's DollarFormatter; `$$` is its escape).
    fields += [(m.group(2), "") for literal, _, _, _ in pieces for m in _DOLLAR_FIELD.finditer(literal) if not m.group(2).startswith("$")]
    names: set[str] = set()
    for field, spec in fields:
        try:
            tree = ast.parse((f"{field}:{spec}" if spec else field).strip(), mode="eval")
        except (SyntaxError, ValueError):
            continue
        names.update(n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))
    return frozenset(names)


def _globals_subscript_writes(ca: CellAnalysis) -> list[tuple[str, str, int, int]]:
    """(module-level function whose body does it, or "" at module level; name; line; 1-based column)
    of each `globals()['name'] = …` of the cell with a literal identifier key (a computed key,
    `globals()[f'df_{i}']`, names nothing one can list)."""
    if "globals()" not in ca.masked.python:
        return []
    tree = cell_python_tree(ca)
    if tree is None:
        return []
    found: list[tuple[str, str, int, int]] = []

    def visit(node: ast.AST, owner: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = owner
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not owner:
                inner = child.name
            if isinstance(child, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = child.targets if isinstance(child, ast.Assign) else [child.target]
                for t in targets:
                    if (
                        isinstance(t, ast.Subscript) and isinstance(t.value, ast.Call) and isinstance(t.value.func, ast.Name)
                        and t.value.func.id == "globals" and not t.value.args and not t.value.keywords
                        and isinstance(t.slice, ast.Constant) and isinstance(t.slice.value, str) and _IDENTIFIER.match(t.slice.value)
                    ):
                        found.append((owner, t.slice.value, t.lineno, t.col_offset + 1))
            visit(child, inner)

    visit(tree, "")
    return found


def _pos(item: Union[Definition, Mutation, Deletion, Injector]) -> tuple[int, int, int]:
    return (item.cell, item.line, item.column)


def _definitions_and_injectors(facts: NotebookFacts, package: bool = False) -> tuple[tuple[Definition, ...], tuple[Injector, ...]]:
    defs: list[Definition] = []
    # package=True: only what the compiled code binds (no magic-bound names, no function-set globals).
    magic_defs: list[Definition] = []
    injectors: list[Injector] = []
    # Functions that assign notebook globals, and which globals.
    global_writers: dict[str, list[tuple[CellAnalysis, str, int, int]]] = defaultdict(list)
    # `globals()['name'] = …` binds the global `name` as an assignment does (fair check 38, item 45): at
    # module level where it stands, inside a function when the function is called.
    subscript_writes: list[tuple[CellAnalysis, str, str, int, int]] = []
    for ca in facts.cells:
        for gw in ca.facts.global_writes:
            global_writers[gw.function].append((ca, gw.name, gw.line, gw.column))
        for function, name, line, column in _globals_subscript_writes(ca):
            if function:
                global_writers[function].append((ca, name, line, column))
            else:
                subscript_writes.append((ca, function, name, line, column))
    for ca, _, name, line, column in subscript_writes:
        # (GLOBAL: a call binds it, so it counts from its line in its own cell too, as `exec`'s names do.)
        magic_defs.append(Definition(name, ca.cell.index, line, column, DefKind.GLOBAL, ca.cell.execution_count, via="globals"))

    called: set[str] = set()
    written: dict[str, tuple[int, Optional[frozenset[str]]]] = {}  # path → (writing cell, its names), so far
    for ca in facts.cells:
        index, count = ca.cell.index, ca.cell.execution_count
        if ca.masked.cell_magic == "writefile":
            _note_written_file(ca, written)
        f = ca.facts
        imports = {(i.bound, i.line, i.column) for i in f.imports}
        functions = {(n.name, n.line, n.column) for n in f.functions}
        classes = {(n.name, n.line, n.column) for n in f.classes}
        magic_targets = {(t, m.line) for m in ca.magics for t in m.assigned_to}
        for d in f.defined:
            if (d.name, d.line, d.column) in imports:
                kind = DefKind.IMPORT
            elif (d.name, d.line, d.column) in functions:
                kind = DefKind.FUNCTION
            elif (d.name, d.line, d.column) in classes:
                kind = DefKind.CLASS
            elif (d.name, d.line) in magic_targets:
                kind = DefKind.MAGIC
            else:
                kind = DefKind.ASSIGN
            defs.append(Definition(d.name, index, d.line, d.column, kind, count))
        for imp in f.imports:
            if imp.bound == "*":
                injectors.append(Injector(index, imp.line, imp.column, InjectorKind.STAR_IMPORT, _line(ca, imp.line), count, True))
        exec_seen = False
        for call in f.calls:
            if call.in_function:
                continue
            if call.func == "exec":
                from_file = _reads_a_file(call, f.calls)
                kind = InjectorKind.EXEC_FILE if from_file else InjectorKind.EXEC
                injectors.append(Injector(index, call.line, call.column, kind, _line(ca, call.line), count, True))
                if not from_file and call.owner == "" and not exec_seen:
                    # Once per cell: `_exec_bindings` reads every module-level exec of it.
                    exec_seen = True
                    magic_defs.extend(Definition(name, index, line, column, DefKind.EXEC, count)
                                      for line, column, name in _exec_bindings(ca))
            elif call.receiver == "" and call.method in global_writers:
                called.add(call.method)
                if any(fn.name == call.method and fn.line < call.line for fn in f.functions) and not any(
                    w[0].cell.index == index for w in global_writers[call.method]
                ):
                    # The cell's own `def` above the call, which writes no global, is the function
                    # called: another cell's `global epsilon` version binds nothing here (fair check
                    # 49, item 59: cell 20 redefines `replay` without the epsilon decay and calls it).
                    continue
                for _, name, _, _ in global_writers[call.method]:
                    magic_defs.append(Definition(name, index, call.line, call.column, DefKind.GLOBAL, count, via=call.method))
        for magic in ca.magics:
            column = len(magic.text) - len(magic.text.lstrip()) + 1
            text = magic.text.strip()
            if magic.kind in ("line_magic", "automagic"):
                args = magic.args.split()
                if magic.name == "pylab":
                    # Star-imports numpy and matplotlib.pylab and binds `np`, `plt`…: defined names
                    # nobody can list, like a star import (deprecated, but not state from outside).
                    injectors.append(Injector(index, magic.line, column, InjectorKind.PYLAB, text, count, True))
                    magic_defs.extend(Definition(n, index, magic.line, column, DefKind.MAGIC, count) for n in ("np", "plt", "mpl", "pylab"))
                elif magic.name == "run":
                    source = written.get(_run_target(magic.args) or "")
                    if source is None:
                        injectors.append(Injector(index, magic.line, column, InjectorKind.RUN, text, count, True))
                    else:
                        # A file this notebook's own `%%writefile` cell wrote above: the `%run`
                        # binds that text's module-level names (unknown only if it does not parse).
                        writer, names = source
                        injectors.append(Injector(index, magic.line, column, InjectorKind.RUN, text, count, names is None, writer))
                        magic_defs.extend(Definition(n, index, magic.line, column, DefKind.MAGIC, count) for n in sorted(names or ()))
                elif magic.name == "load":
                    injectors.append(Injector(index, magic.line, column, InjectorKind.LOAD, text, count, False))
                elif magic.name == "R" or magic.name == "Rpull":
                    # rpy2: `%R -i x -o y y <- f(x)` pushes `y` into the user namespace (inside a
                    # function too, as a global), `%Rpull a b` pulls R's `a` and `b` (fair check 20).
                    names = bridge_outputs(magic.args) if magic.name == "R" else [a for a in args if _IDENTIFIER.match(a)]
                    magic_defs.extend(Definition(n, index, magic.line, column, DefKind.MAGIC, count) for n in names)
                elif magic.name == "store" and args and args[0] == "-r":
                    names = [a for a in args[1:] if _IDENTIFIER.match(a)]
                    injectors.append(Injector(index, magic.line, column, InjectorKind.STORE, text, count, not names))
                    magic_defs.extend(Definition(n, index, magic.line, column, DefKind.MAGIC, count) for n in names)
            elif magic.kind == "cell_magic" and magic.name == "capture":
                # `%%capture out` binds the captured output object to `out`.
                names = [a for a in magic.args.split() if not a.startswith("-")]
                if names and _IDENTIFIER.match(names[0]):
                    magic_defs.append(Definition(names[0], index, magic.line, column, DefKind.MAGIC, count))
            elif magic.kind == "cell_magic" and magic.name == "R":
                # `%%R -o fitted`: rpy2 hands `fitted` back to Python when the cell ends.
                magic_defs.extend(Definition(n, index, magic.line, column, DefKind.MAGIC, count) for n in bridge_outputs(magic.args))
            elif magic.kind == "cell_magic" and magic.name == "bigquery":
                # `%%bigquery df` (google-cloud-bigquery) binds the query's result, a DataFrame, to
                # its destination variable: the first argument that is not an option or its value.
                destination = _bigquery_destination(magic.args)
                if destination is not None:
                    magic_defs.append(Definition(destination, index, magic.line, column, DefKind.MAGIC, count))
        if f.syntax_error is not None:
            injectors.append(Injector(index, 1, 1, InjectorKind.UNPARSED, _line(ca, 1), count, True))

    # A global-writing function never called at module level still defines its globals somewhere
    # (it may be called from another function): place the definition at the assignment.
    for function, writes in global_writers.items():
        if function in called:
            continue
        for ca, name, line, column in writes:
            magic_defs.append(Definition(name, ca.cell.index, line, column, DefKind.GLOBAL, ca.cell.execution_count, via=function))
    if package:
        defs.extend(_run_definitions(facts, injectors, magic_defs))
    else:
        defs.extend(magic_defs)
    return tuple(sorted(defs, key=_pos)), tuple(sorted(injectors, key=_pos))


# `%run` options that take a value; the other options are flags.
_RUN_VALUED = frozenset({"-m", "-N", "-G", "-D", "-T"})


def _file_key(path: str) -> str:
    """A path as `%run` and `%%writefile` name it, for comparing: unquoted, `./` and `a/../` folded."""
    path = path.strip().strip("'\"")
    return posixpath.normpath(path.replace("\\", "/")) if path else ""


def _run_target(args: str) -> Optional[str]:
    """The script `%run [-i] [-e] path args…` runs, as `_file_key`; None for `%run -m module`."""
    words = args.split()
    i = 0
    while i < len(words) and words[i].startswith("-"):
        if words[i] == "-m":
            return None
        i += 2 if words[i] in _RUN_VALUED else 1
    return _file_key(words[i]) if i < len(words) else None


def _note_written_file(ca: CellAnalysis, written: dict[str, tuple[int, Optional[frozenset[str]]]]) -> None:
    """Record what a `%%writefile path` cell wrote: its module-level names, or None when the text
    does not parse or may bind names nobody can list (a star import, `exec`, a magic). `-a`
    (append) adds to a text this analysis does not hold: the path is forgotten, so a `%run` of it
    stays a file from outside."""
    header, _, body = ca.cell.source.lstrip().partition("\n")
    words = header.split()[1:]
    if not words:
        return
    target = _file_key(words[-1])
    if any(w in ("-a", "--append") for w in words[:-1]):
        written.pop(target, None)
        return
    names: Optional[frozenset[str]]
    try:
        tree = ast.parse(body)
    except (SyntaxError, ValueError):
        names = None
    else:
        names = _module_names(tree)
    written[target] = (ca.cell.index, names)


def _module_names(tree: ast.Module) -> Optional[frozenset[str]]:
    """The names a script's module level binds (not those inside its functions and classes), or
    None when it may bind names nobody can list (`from m import *`, `exec`, `globals()`)."""
    found: set[str] = set()
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
            continue
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
        elif isinstance(node, ast.alias):
            if node.name == "*":
                return None
            found.add(node.asname if node.asname is not None else node.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name is not None:
            found.add(node.name)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("exec", "globals", "get_ipython"):
            return None
        stack.extend(ast.iter_child_nodes(node))
    return frozenset(found)


# What an `exec`'d text holds where it is built from something this analysis does not know (an
# f-string's field, a concatenated variable): read as this name, so the text still parses, and a
# binding whose name holds it (`'y_pred_' + name + ' = …'`) binds a name nobody can list.
_EXEC_HOLE = "_nbrefactor_exec_hole_"
_EXEC_NAMESPACES = frozenset({"globals", "locals", "vars"})  # at module level: the notebook's namespace


def _exec_bindings(ca: CellAnalysis) -> list[tuple[int, int, str]]:
    """(line, column, name) for each name a module-level `exec(code)` of the cell binds in the
    notebook's namespace, placed where the call ends (fair check 34, items 56 and 57: `cmd = 'clf = '
    + model_name + '(random_state=0)'` then `exec(cmd)` binds `clf` before the next line reads it).
    The code is known when it is a string literal, an f-string, a `+` of such pieces, or a name the
    cell binds once, by a plain assignment ending before the reference, to one of these; an unknown
    piece is a hole (`_EXEC_HOLE`). The text must parse, and its module-level names are those
    `_module_names` lists (none when it may bind names nobody can list, like a star import).
    Not read: an exec inside a function or class body (it binds into that body's `locals()`, not
    the notebook's), in a comprehension, with a namespace other than `globals()`/`locals()`/`vars()`,
    code built by `.format`, `%` or `join`, or a name bound in another cell or more than once: the
    exec stays an opaque injector (names nobody can list), as before."""
    tree = cell_python_tree(ca)
    if tree is None:
        return []
    assigned: dict[str, list[ast.stmt]] = defaultdict(list)  # name → the statements binding it
    calls: list[ast.Call] = []
    stack: list[tuple[ast.AST, Optional[ast.stmt]]] = [(statement, statement) for statement in reversed(tree.body)]
    while stack:
        node, statement = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            assigned[node.name].append(node)
            continue  # (decorators and defaults: no exec worth reading)
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue
        if isinstance(node, ast.stmt):
            statement = node
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            assigned[node.id].append(statement)
        elif isinstance(node, ast.alias):
            assigned[node.asname or node.name.split(".")[0]].append(statement)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "exec":
            calls.append(node)
        stack.extend((child, statement) for child in reversed(list(ast.iter_child_nodes(node))))

    def value_of(name: ast.Name) -> Optional[ast.expr]:
        """The string a name holds at `name`: its cell's only binding of it, `name = <expr>`, above."""
        binders = assigned.get(name.id, [])
        if len(binders) != 1 or not isinstance(binders[0], ast.Assign) or len(binders[0].targets) != 1:
            return None
        binder = binders[0]
        if not isinstance(binder.targets[0], ast.Name) or (binder.end_lineno, binder.end_col_offset) > (name.lineno, name.col_offset):
            return None
        return binder.value

    def text(node: ast.expr, depth: int = 0) -> str:
        if depth > 20:
            return _EXEC_HOLE
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else _EXEC_HOLE
        if isinstance(node, ast.JoinedStr):
            return "".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else _EXEC_HOLE for v in node.values)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return text(node.left, depth + 1) + text(node.right, depth + 1)
        if isinstance(node, ast.Name):
            value = value_of(node)
            return text(value, depth + 1) if value is not None else _EXEC_HOLE
        return _EXEC_HOLE

    lines = ca.lines
    found: list[tuple[int, int, str]] = []
    for call in calls:
        if not call.args or call.keywords or isinstance(call.args[0], ast.Starred) or len(call.args) > 3:
            continue
        if not all(isinstance(a, ast.Call) and isinstance(a.func, ast.Name) and a.func.id in _EXEC_NAMESPACES
                   and not a.args and not a.keywords for a in call.args[1:]):
            continue  # `exec(code, ns)`: binds in `ns`
        code = text(call.args[0])
        if not code.replace(_EXEC_HOLE, "").strip():
            continue  # nothing of it known
        try:
            names = _module_names(ast.parse(code))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        line = call.end_lineno or call.lineno
        column = call.end_col_offset if call.end_col_offset is not None else call.col_offset
        try:
            column = character_column(lines[line - 1], column) if 0 < line <= len(lines) else column
        except UnicodeError:
            pass
        found.extend((line, column + 1, name) for name in sorted(names or ()) if _EXEC_HOLE not in name)
    return found


def _run_definitions(facts: NotebookFacts, injectors: list[Injector], magic_defs: Sequence[Definition] = ()) -> list[Definition]:
    """The names each `%run` cell provides in a package: those read (at module level or in a
    function body) in it or below it that no cell defines or imports (a function body's import
    included) and that are not builtins, each bound by the first `%run` cell that reaches it.
    A `%run` of a file the notebook's own `%%writefile` cell wrote above binds every name its text
    binds at module level (`magic_defs` at its position), as IPython copies the program's globals
    into the notebook's: a name a cell also binds is the script's until that cell rebinds it."""
    written = defaultdict(set)
    for d in magic_defs:
        written[(d.cell, d.line, d.column)].add(d.name)
    defined_anywhere = {d.name for ca in facts.cells for d in ca.facts.defined}
    defined_anywhere |= {i.bound for ca in facts.cells for i in ca.facts.imports}
    run_at = {}
    for inj in injectors:
        if inj.kind is InjectorKind.RUN:
            run_at.setdefault(inj.cell, inj)
    taken: set[str] = set()
    out: list[Definition] = []
    for position, ca in enumerate(facts.cells):
        inj = run_at.get(ca.cell.index)
        if inj is None:
            continue
        later = {r.name for c in facts.cells[position:] for r in (*c.facts.reads, *c.facts.deferred_reads)}
        if inj.written_by is not None and not inj.opaque:
            names = sorted(written[(inj.cell, inj.line, inj.column)])
            out.extend(Definition(n, inj.cell, inj.line, inj.column, DefKind.RUN, inj.count) for n in names)
            continue
        names = sorted(later - defined_anywhere - BUILTIN_NAMES - taken)
        taken.update(names)
        out.extend(Definition(n, inj.cell, inj.line, inj.column, DefKind.RUN, inj.count) for n in names)
    return out


def _line(ca: CellAnalysis, line: int) -> str:
    lines = ca.lines
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def _reads_a_file(call: CallFact, calls: tuple[CallFact, ...]) -> bool:
    """`exec(open(p).read())`, `exec(compile(open(p).read(), p, "exec"))`, `exec(Path(p).read_text())`."""
    return any(
        c is not call
        and (c.line, c.column) > (call.line, call.column)
        and c.end_line <= call.end_line
        and c.method in ("read", "read_text")
        for c in calls
    )


# ---------------------------------------------------------------------------------------------


class _Resolver:
    """Per name, events sorted by position (and executed ones by count), searched by bisection, so a
    notebook of thousands of cells that all rebind `df` stays linear-logarithmic."""

    def __init__(
        self,
        definitions: tuple[Definition, ...],
        mutations: tuple[Mutation, ...],
        deletions: tuple[Deletion, ...],
        extra_builtins: frozenset[str],
    ):
        self.extra = extra_builtins
        self.defs: dict[str, list[Definition]] = defaultdict(list)
        self.muts: dict[str, list[Mutation]] = defaultdict(list)
        # Definitions and deletions together, by position and, for executed cells, by count.
        self.events: dict[str, list[Union[Definition, Deletion]]] = defaultdict(list)
        self.by_count: dict[str, list[tuple[tuple[int, int, int, int], Union[Definition, Deletion]]]] = defaultdict(list)
        for d in definitions:
            self.defs[d.name].append(d)
        for m in mutations:
            self.muts[m.name].append(m)
        for item in sorted((*definitions, *deletions), key=_pos):
            self.events[item.name].append(item)
            if item.count is not None:
                self.by_count[item.name].append(((item.count, *_pos(item)), item))
        for entries in self.by_count.values():
            entries.sort(key=lambda e: e[0])
        self.def_keys = {n: [_pos(d) for d in ds] for n, ds in self.defs.items()}
        self.mut_keys = {n: [_pos(m) for m in ms] for n, ms in self.muts.items()}
        self.event_keys = {n: [_pos(e) for e in es] for n, es in self.events.items()}
        self.count_keys = {n: [k for k, _ in es] for n, es in self.by_count.items()}

    @staticmethod
    def _counts_in_cell(item: Union[Definition, Deletion]) -> bool:
        """Inside the reading cell only deletions and call-like definitions (GLOBAL, RUN, EXEC) count by
        position: the walker records a read only when no plain binding precedes it in evaluation
        order (`x = x + 1` reads before it binds, though its target comes first on the line)."""
        return isinstance(item, Deletion) or item.kind in (DefKind.GLOBAL, DefKind.RUN, DefKind.EXEC)

    def _in_cell_before(self, name: str, cell: int, at: tuple[int, int, int]) -> Optional[Union[Definition, Deletion]]:
        events, keys = self.events.get(name, []), self.event_keys.get(name, [])
        found = None
        for i in range(bisect_left(keys, (cell, 0, 0)), bisect_left(keys, at)):
            if self._counts_in_cell(events[i]):
                found = events[i]
        return found

    def resolve(self, name: str, cell: int, line: int, column: int, count: Optional[int], deferred: bool) -> Read:
        if deferred:
            return self._deferred(name, cell, line, column, count)
        at = (cell, line, column)
        events, keys = self.events.get(name, []), self.event_keys.get(name, [])

        # Top-down: the last definition/deletion before the read (cells above, then this cell).
        last = self._in_cell_before(name, cell, at)
        if last is None:
            above = bisect_left(keys, (cell, 0, 0))
            last = events[above - 1] if above else None
        provider = last if isinstance(last, Definition) else None
        deleted_by = last if isinstance(last, Deletion) else None

        writer: Optional[Write] = None
        defs, def_keys = self.defs.get(name, []), self.def_keys.get(name, [])
        if provider is not None:
            flow = Flow.ABOVE
            writer = provider
            # The last in-place change between the definition and the read, if any.
            muts, mut_keys = self.muts.get(name, []), self.mut_keys.get(name, [])
            before = bisect_left(mut_keys, at)
            if before and mut_keys[before - 1] > _pos(provider):
                writer = muts[before - 1]
        else:
            # Strictly after the read: `x += 1` and `x = x + 1` bind where they read, too late for it.
            after = bisect_right(def_keys, at)
            later_here = defs[after] if after < len(defs) and defs[after].cell == cell else None
            first_below = bisect_left(def_keys, (cell + 1, 0, 0))
            below = defs[first_below] if first_below < len(defs) else None
            if is_builtin(name, self.extra):
                flow = Flow.BUILTIN
            elif later_here is not None:
                flow, provider = Flow.LATER_IN_CELL, later_here
            elif below is not None:
                flow, provider = Flow.BELOW, below
            elif deleted_by is not None:
                flow = Flow.DELETED
            else:
                flow = Flow.UNDEFINED

        exec_flow, exec_provider, exec_deleted = self._by_count(name, cell, at, count)
        return Read(name, cell, line, column, count, False, flow, provider, writer, deleted_by, exec_flow, exec_provider, exec_deleted)

    def _by_count(
        self, name: str, cell: int, at: tuple[int, int, int], count: Optional[int]
    ) -> tuple[ExecFlow, Optional[Definition], Optional[Deletion]]:
        if count is None:
            return ExecFlow.NOT_RUN, None, None
        # Events in the reading cell itself come after everything that ran before it.
        last = self._in_cell_before(name, cell, at)
        if last is None:
            entries, keys = self.by_count.get(name, []), self.count_keys.get(name, [])
            # Strictly lower counts: a cell sharing this count (a restarted kernel) did not run before it.
            earlier = bisect_left(keys, (count, 0, 0, 0))
            last = entries[earlier - 1][1] if earlier else None
        if isinstance(last, Definition):
            return ExecFlow.DEFINED, last, None
        if is_builtin(name, self.extra):
            return ExecFlow.BUILTIN, None, None
        if isinstance(last, Deletion):
            return ExecFlow.DELETED, None, last
        return ExecFlow.UNDEFINED, None, None

    def _deferred(self, name: str, cell: int, line: int, column: int, count: Optional[int]) -> Read:
        defs, def_keys = self.defs.get(name, []), self.def_keys.get(name, [])
        split = bisect_left(def_keys, (cell + 1, 0, 0))  # definitions at or above the reading cell
        provider: Optional[Definition] = None
        writer: Optional[Write] = None
        if split:
            flow, provider = Flow.ABOVE, defs[split - 1]
            writer = provider
            muts, mut_keys = self.muts.get(name, []), self.mut_keys.get(name, [])
            upto = bisect_left(mut_keys, (cell + 1, 0, 0))
            if upto and mut_keys[upto - 1] > _pos(provider):
                writer = muts[upto - 1]
        elif is_builtin(name, self.extra):
            flow = Flow.BUILTIN
        elif split < len(defs):
            flow, provider = Flow.BELOW, defs[split]
        else:
            flow = Flow.UNDEFINED
        return Read(name, cell, line, column, count, True, flow, provider, writer, None, ExecFlow.DEFERRED, None, None)
