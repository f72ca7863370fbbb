"""Analyse: each code cell → `CellFacts`; the notebook → `NotebookFacts`. Most cells are read from
CPython's tree (`ast_facts.py`, tenth round of docs/benchmarks.md); the others, and the reference
those are held to, from libcst's concrete syntax tree (`cst_facts.py`, imported only when a cell
needs it: importing libcst is ~0.4 s of CPU, and most runs have no such cell).
"""

from __future__ import annotations

import ast
import builtins
import io
import re
import sys
import tokenize
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import Collection, Iterable, Iterator, Mapping, Optional, Sequence

from nbrefactor.audit.guards import NOT_ANALYSED, deep_recursion, interpreter_recursion, too_complex
from nbrefactor.audit.ipython import EXTENSION_MAGICS, MagicLine, MaskedCell, mask_cell
from nbrefactor.audit.types import Cell, Notebook
from nbrefactor.audit.facts import (  # noqa: F401 - re-exported: rules and tests import them from here
    MUTATING_METHODS,
    NameRef,
    ImportFact,
    ArgFact,
    CallFact,
    StringFact,
    SyntaxProblem,
    GlobalWrite,
    CellFacts,
    tree_nodes,
    nodes_of,
    node_classes,
    walk_nodes,
    _NODES,
    _first_line,
    assigned_name,
)

# Names a Jupyter kernel provides without any cell defining them.
IPYTHON_BUILTINS = frozenset(
    {"display", "get_ipython", "In", "Out", "_", "__", "___", "_i", "_ii", "_iii", "_ih", "_oh", "_dh",
     "exit", "quit", "__builtins__", "__name__", "__doc__", "__spec__", "__loader__", "__package__"}
)
BUILTIN_NAMES = frozenset(dir(builtins)) | IPYTHON_BUILTINS

_LINES: dict[str, list[str]] = {}  # a code cell's text -> its lines (`CellAnalysis.lines`); never handed out
_LINES_KEPT = 512  # texts: a notebook's worth (PDSH: 13.5 code cells a notebook), so memory stays flat over a batch


@dataclass(frozen=True)
class CellAnalysis:
    """A code cell with its masked Python and the facts read from it."""

    cell: Cell
    masked: MaskedCell
    facts: CellFacts

    @property
    def magics(self) -> tuple[MagicLine, ...]:
        return self.masked.magics

    @property
    def lines(self) -> list[str]:
        """The cell's source split at each `\n`: a new list every call (a caller may change it),
        copied from the split made on the first (the rules asked 22,729 times for PDSH's 1,836
        code cells, each call making and freeing a string per line: issue 15, twenty-eighth round).
        Kept by the text, not on the instance: an attribute only some instances hold costs every
        attribute read of every `CellAnalysis` more than the splits (CPython's shared-key
        instance dictionaries; measured: +189 M instructions on PDSH)."""
        source = self.cell.source
        kept = _LINES.get(source)
        if kept is None:
            if len(_LINES) >= _LINES_KEPT:
                _LINES.clear()
            kept = _LINES[source] = source.split("\n")
        return kept.copy()


@dataclass(frozen=True)
class NotebookFacts:
    """A notebook's analysed code cells, with the names its imports bind."""

    notebook: Notebook
    cells: tuple[CellAnalysis, ...]  # code cells only, in notebook order
    aliases: dict[str, str] = field(default_factory=dict)  # bound name → qualified dotted name
    # The names imports bind to more than one thing (`import random` then `from jax import random`),
    # each with its bindings in notebook order: ((cell index, line), qualified). `aliases` keeps the
    # first; `resolve_at` the one a top-to-bottom run has in effect at a place.
    rebound: dict[str, tuple[tuple[tuple[int, int], str], ...]] = field(default_factory=dict)

    def resolve_at(self, dotted: str, cell_index: int, line: int) -> str:
        """`resolve`, with a name imports bind to several modules read as the last import of it
        above the place (`import random` … `from jax import random`; `random.PRNGKey(0)` is JAX's),
        the first one when none is above (a function body that runs after a later cell)."""
        head = dotted.partition(".")[0]
        bindings = self.rebound.get(head)
        if not bindings:
            return self.resolve(dotted)
        target = bindings[0][1]
        for where, qualified in bindings:
            if where >= (cell_index, line):
                break
            target = qualified
        rest = dotted[len(head):]
        return target + rest

    def resolve(self, dotted: str) -> str:
        """`pd.read_csv` → `pandas.read_csv` using the notebook's imports."""
        if not dotted:
            return dotted
        head, _, rest = dotted.partition(".")
        target = self.aliases.get(head)
        if target is None:
            return dotted
        return f"{target}.{rest}" if rest else target

    @property
    def imports(self) -> tuple[tuple[CellAnalysis, ImportFact], ...]:
        return tuple((ca, imp) for ca in self.cells for imp in ca.facts.imports)

    def definers(self, name: str) -> tuple[CellAnalysis, ...]:
        return tuple(ca for ca in self.cells if any(d.name == name for d in ca.facts.defined))

    @property
    def has_star_import(self) -> bool:
        return any(imp.bound == "*" for _, imp in self.imports)


# ---------------------------------------------------------------------------


def analyse_notebook(notebook: Notebook) -> NotebookFacts:
    # The engine runs the whole audit under this limit; a direct caller (a plugin, a script,
    # a test) gets the same answer for a 1,000-term sum instead of a RecursionError.
    with deep_recursion():
        return _analyse_notebook(notebook)


def _analyse_notebook(notebook: Notebook) -> NotebookFacts:
    taken: set[int] = set()
    cells = tuple(_remembered_cell(c, frozenset(), taken) for c in notebook.code_cells)
    # IPython runs `history` or `env` alone in a cell as a magic only while no variable of that
    # name exists. Cells whose automagic names the notebook also binds are read again as Python.
    bound = {d.name for ca in cells for d in ca.facts.defined}
    bound |= {t for ca in cells for m in ca.magics for t in m.assigned_to}
    if any(m.kind == "automagic" and m.name in bound for ca in cells for m in ca.magics):
        shadowed = frozenset(bound)
        cells = tuple(
            _remembered_cell(ca.cell, shadowed, taken)
            if any(m.kind == "automagic" and m.name in bound for m in ca.magics)
            else ca
            for ca in cells
        )
    # `%%backend torch` of the notebook's own `@register_cell_magic def backend(line, cell): …
    # get_ipython().run_cell(cell)`: the body is Python the notebook runs; read it as such.
    own_magics = _python_cell_magics(cells)
    if own_magics and any(ca.masked.cell_magic in own_magics for ca in cells):
        shadowed = frozenset(bound) if any(m.kind == "automagic" and m.name in bound for ca in cells for m in ca.magics) else frozenset()
        cells = tuple(
            _remembered_cell(ca.cell, shadowed, taken, own_magics) if ca.masked.cell_magic in own_magics else ca
            for ca in cells
        )
    cells = _with_extension_magics(cells, bound, taken)
    aliases: dict[str, str] = {}
    rebound: dict[str, tuple[tuple[tuple[int, int], str], ...]] = {}
    for ca in cells:
        for imp in ca.facts.imports:
            if imp.bound == "*":
                continue
            first = aliases.get(imp.bound)
            if first is None:
                aliases[imp.bound] = imp.qualified
            elif first != imp.qualified and imp.bound not in rebound:
                rebound[imp.bound] = tuple(sorted(
                    ((c.cell.index, i.line), i.qualified) for c in cells for i in c.facts.imports if i.bound == imp.bound
                ))
    # A cell that does not parse (a line of prose above its code: `Loading images to PyTorch`, then
    # `from torchvision.datasets import ImageFolder`) still shows its one-line top-level imports,
    # which ran in the author's kernel: a call below through a name only they bind is that
    # module's (fair check 51, recall T-9.4: `ImageFolder("clouds_train")`'s root was unread). A
    # name a parsed cell's import binds keeps that binding.
    for ca in cells:
        if ca.facts.syntax_error is None:
            continue
        for imp in cell_imports(ca):
            if imp.bound != "*" and imp.bound not in aliases:
                aliases[imp.bound] = imp.qualified
    return NotebookFacts(notebook=notebook, cells=cells, aliases=aliases, rebound=rebound)


def writefile_imports(ca: CellAnalysis) -> tuple[ImportFact, ...]:
    """The imports of the Python script a `%%writefile name.py` cell writes (`%%writefile app.py`
    then `import cv2`), at their lines in the cell (the header is line 1): the script is a module the
    project ships and runs, so what it imports needs the same declaration as the notebook's own
    imports (fair check 53, recall T-10.4; fair check 24, T-4.4). Not an appending cell's (`-a`: a
    part of a text this cell does not hold), nor a file of another kind, nor a body that does not
    parse."""
    if ca.masked.cell_magic != "writefile":
        return ()
    header, _, body = ca.cell.source.lstrip().partition("\n")
    words = header.split()[1:]
    if not words or not words[-1].strip("'\"").endswith(".py") or any(w.startswith("-") for w in words[:-1]):
        return ()
    try:
        tree = ast.parse(body)
    except (SyntaxError, ValueError):
        return ()
    skipped = len(ca.cell.source) - len(ca.cell.source.lstrip())
    offset = 1 + ca.cell.source[:skipped].count("\n")  # the header's line, and blank lines above it
    found: list[ImportFact] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [ImportFact(a.name, None, a.asname or a.name.split(".")[0], node.lineno + offset, node.col_offset + 1)
                      for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            found += [ImportFact(node.module or "", a.name, a.asname or a.name, node.lineno + offset, node.col_offset + 1,
                                 node.level or 0) for a in node.names]
    return tuple(sorted(found, key=lambda i: (i.line, i.column)))


# A whole import statement on one line at the top level of a cell (no continuation).
_IMPORT_LINE = re.compile(r"^(?:import|from)\s+[A-Za-z_.][^\\(]*$")


def cell_imports(ca: CellAnalysis) -> tuple[ImportFact, ...]:
    """The cell's imports; for a cell that does not parse (a Python 2 cell: `print "..."` after
    `from pyspark.mllib.stat import Statistics`), the one-line imports at its top level, each read
    on its own. The import still runs in the kernel the notebook was written for: a distribution's
    first import is there, not in the first cell that happens to parse (fair check 13 located
    pyspark at cell 55 of a notebook importing it in cell 17). What such an import binds is in
    `NotebookFacts.aliases` too (`analyse_notebook`)."""
    if ca.facts.syntax_error is None or not ca.masked.is_python:
        return ca.facts.imports
    found: list[ImportFact] = []
    for number, text in enumerate(ca.masked.python.split("\n"), start=1):
        if not _IMPORT_LINE.match(text):
            continue
        try:
            node = ast.parse(text.split("#", 1)[0]).body[0]
        except (SyntaxError, ValueError, IndexError):
            continue
        if isinstance(node, ast.Import):
            found += [ImportFact(a.name, None, a.asname or a.name.split(".")[0], number, 1) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            found += [ImportFact(node.module or "", a.name, a.asname or a.name, number, 1, node.level) for a in node.names]
    return tuple(found)



def _with_extension_magics(cells: tuple[CellAnalysis, ...], bound: set[str], taken: set[int]) -> tuple[CellAnalysis, ...]:
    """Cells below a `%load_ext watermark` (an extension of `EXTENSION_MAGICS`) that use one of its
    magics without `%` (`watermark`, `watermark -v -p numpy`), read again with it as an automagic,
    as IPython runs them; a name the notebook binds shadows the magic, as in IPython."""
    loaded: set[str] = set()
    out: list[CellAnalysis] = []
    for ca in cells:
        candidates = loaded - bound
        if candidates and ca.masked.cell_magic is None and any(
            (m := _LEADING_NAME.match(line)) and m.group(1) in candidates for line in ca.cell.source.splitlines()
        ):
            ca = _remembered_cell(ca.cell, frozenset(), taken, loaded_magics=frozenset(candidates))
        out.append(ca)
        for magic in ca.magics:
            if magic.kind in ("line_magic", "automagic") and magic.name == "load_ext":
                for extension in magic.args.split():
                    loaded.update(EXTENSION_MAGICS.get(extension, ()))
    return tuple(out)


_LEADING_NAME = re.compile(r"\s*([A-Za-z_]\w*)\s*(?:$|[-\w])")


_REGISTERS_CELL_MAGIC = ("register_cell_magic", "register_line_cell_magic")


def _python_cell_magics(cells: Sequence[CellAnalysis]) -> frozenset[str]:
    """Cell magics a cell of the notebook registers (`@register_cell_magic`, optionally with a
    name: `@register_cell_magic("backend")`) whose function passes its cell argument to
    `run_cell(…)` (IPython runs it as a cell of its own) or `exec(…)`: their bodies are Python."""
    found: set[str] = set()
    for ca in cells:
        if not ca.masked.is_python or "register_" not in ca.cell.source or ca.facts.syntax_error is not None:
            continue
        try:
            tree = python_tree(ca.masked.python)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef) or len(node.args.args) < 2:
                continue
            name = _registered_cell_magic(node)
            body = node.args.args[1].arg
            if name and any(
                isinstance(call, ast.Call) and call.args and isinstance(call.args[0], ast.Name) and call.args[0].id == body
                and ((isinstance(call.func, ast.Attribute) and call.func.attr == "run_cell") or (isinstance(call.func, ast.Name) and call.func.id == "exec"))
                for call in ast.walk(node)
            ):
                found.add(name)
    return frozenset(found)


def _registered_cell_magic(function: ast.FunctionDef) -> Optional[str]:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        named = target.attr if isinstance(target, ast.Attribute) else target.id if isinstance(target, ast.Name) else ""
        if named not in _REGISTERS_CELL_MAGIC:
            continue
        if isinstance(decorator, ast.Call) and decorator.args and isinstance(decorator.args[0], ast.Constant) and isinstance(decorator.args[0].value, str):
            return decorator.args[0].value
        return function.name
    return None


def analyse_cell(cell: Cell, shadowed: frozenset[str] = frozenset()) -> CellAnalysis:
    masked, facts = _analyse_source(cell.source, shadowed)
    return CellAnalysis(cell, masked, facts)


def _remembered_cell(
    cell: Cell, shadowed: frozenset[str], taken: set[int], python_magics: frozenset[str] = frozenset(),
    loaded_magics: frozenset[str] = frozenset(),
) -> CellAnalysis:
    """`analyse_cell`, remembered for the rest of the process. A cell's facts depend on its source
    (and `shadowed`) alone, and repositories hold copies: the 136 notebooks of
    PythonDataScienceHandbook have 1,520 distinct code cells in 2,326 (the book's three editions;
    elsewhere exercise and solution notebooks, `import numpy as np` cells). The memo is bounded by
    the characters of source it holds (`_CELL_MEMO_CHARS`), so memory stays flat over a batch.
    Within one notebook no two cells share fact objects (`taken`: ids of the facts handed out for
    it): rules find a fact's cell by identity (`paths._cell_of`), so a repeated cell is analysed
    afresh there. The memo also keeps the cell's CPython tree, which goes back into `python_tree`'s
    memo when the cell is answered from it: the rules read the tree of most cells, and without it
    they parsed again the cells of earlier notebooks (526 of fair-check 8's 4,753 parses)."""
    global _cells_chars
    key = (cell.source, shadowed, python_magics, loaded_magics)
    found = _CELLS.get(key)
    if found is None or id(found[1]) in taken:
        masked, facts = _analyse_source(cell.source, shadowed, python_magics, loaded_magics)
        fresh = (masked, facts, _TREES.get(masked.python))  # (the syntax check's tree, if it made one)
        if found is None:
            if _cells_chars + len(cell.source) > _CELL_MEMO_CHARS:
                _CELLS.clear()
                _cells_chars = 0
            _CELLS[key] = fresh
            _cells_chars += len(cell.source)
        found = fresh
    elif found[2] is not None and found[0].python not in _TREES:
        _remember_tree(found[0].python, found[2])
    taken.add(id(found[1]))
    return CellAnalysis(cell, found[0], found[1])


_CELLS: dict[tuple[str, frozenset[str], frozenset[str], frozenset[str]], tuple[MaskedCell, "CellFacts", Optional[ast.Module]]] = {}
_cells_chars = 0
# ~40 bytes of facts and ~35 of CPython's tree per character of source (measured on real
# notebooks): ~22 MiB at most.
_CELL_MEMO_CHARS = 300_000


def _analyse_source(
    source: str, shadowed: frozenset[str], python_magics: frozenset[str] = frozenset(), loaded_magics: frozenset[str] = frozenset()
) -> tuple[MaskedCell, CellFacts]:
    masked = mask_cell(source, shadowed, python_magics, loaded_magics)
    if masked.cell_magic == "cython":
        return masked, CellFacts(defined=_cython_names(source), functions=_cython_names(source))
    if not masked.is_python or not masked.python.strip():
        return masked, CellFacts()
    # libcst's grammar is a superset across Python versions (it accepts Python 2's
    # `except E, e:`, valid again only from 3.14): CPython, the interpreter that will run the
    # code, has the last word. Its AST-only compile costs ~10% of the libcst parse, and it goes
    # first because it is also the depth guard: CPython refuses 200+ nested brackets (on which
    # libcst's native parser overflows its stack and kills the process) and expressions too deep
    # to compile (on which libcst takes minutes), so libcst only ever sees code Python can run.
    interpreter_says = _cpython_syntax_error(masked.python)
    if interpreter_says is not None:
        # A cell with a Python 3.12 f-string (PEP 701) refused by an older interpreter running the
        # audit is read as 3.12 reads it: valid, with libcst alone (no CPython tree: the rules
        # reading one pass the cell by, as any cell they cannot parse), or its error elsewhere.
        interpreter_says = _python_312_error(masked.python, interpreter_says)
    if interpreter_says is None and masked.python in _TREES:
        interpreter_says = kernel_compile_error(masked.python, _TREES[masked.python])
    if interpreter_says is not None:
        return masked, CellFacts(syntax_error=interpreter_says)
    heavy = too_complex(masked.python)  # valid, but libcst would take minutes, uninterruptibly
    if heavy is not None:
        return masked, CellFacts(syntax_error=SyntaxProblem(f"{NOT_ANALYSED}{heavy[0]}", heavy[1], 1))
    tree = _TREES.get(masked.python)  # the syntax check's, just made
    if tree is not None:
        # Most cells: the same facts from CPython's tree, without libcst's parse and position
        # pass (ast_facts: None for anything it would not read exactly as libcst's tree does).
        from nbrefactor.audit.ast_facts import facts_from_ast

        facts = facts_from_ast(masked.python, tree)
        if facts is not None:
            return masked, facts
    return masked, libcst_facts(masked.python)


# A `%%cython` cell is compiled and imported into the notebook's namespace: the Python-visible
# names of its top level (`def f`, `cpdef int f`, `class C`, `cdef class C`) are bound by it.
_CYTHON_DEF = re.compile(
    r"^(?:def|class|cdef\s+class|cpdef(?:\s+(?:inline|public|api))*(?:\s+[\w.\[\]:, ]+?)?)\s+([A-Za-z_]\w*)\s*[(:]",
    re.MULTILINE,
)


def _cython_names(source: str) -> tuple[NameRef, ...]:
    return tuple(
        NameRef(m.group(1), source.count("\n", 0, m.start()) + 1, m.start(1) - (source.rfind("\n", 0, m.start()) + 1) + 1)
        for m in _CYTHON_DEF.finditer(source)
    )


def python_tree(python: str) -> ast.Module:
    """`ast.parse(python)` (warnings ignored), shared by the rules that read CPython's tree of a
    cell: each cell is parsed once per run instead of once per rule, and the syntax check's own
    tree is reused. Raises what `ast.parse` raises. The tree is shared: never modify it."""
    tree = _TREES.get(python)
    if tree is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(python)
        _remember_tree(python, tree)
    return tree


def cell_python_tree(ca: "CellAnalysis") -> Optional[ast.Module]:
    """CPython's tree of an analysed cell (`python_tree`), or None for a cell that is not Python,
    is empty, or does not parse: the guard every rule reading a cell's `ast` shares."""
    python = ca.masked.python
    # (`not python or python.isspace()` is `not python.strip()` without copying the cell's text:
    # the rules ask this ~80,000 times on PDSH's 2,326 cells)
    if not ca.masked.is_python or ca.facts.syntax_error is not None or not python or python.isspace():
        return None
    tree = _TREES.get(python)  # (`python_tree`'s look-up written out: ~100,000 questions on PDSH, nearly all kept)
    if tree is not None:
        return tree
    try:
        return python_tree(python)
    except (SyntaxError, ValueError, RecursionError):
        return None




# The line a saved traceback's outermost frame (the cell's own) stopped at: `----> 2 x = f()`.
_TRACEBACK_ARROW = re.compile(r"^-+>\s*(\d+)(?: (.*))?$", re.MULTILINE)
TRACEBACK_ARROW = _TRACEBACK_ARROW  # (HID007 reads the same arrow: `_stale_frame_error`)
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def saved_error_line(ca: CellAnalysis) -> Optional[int]:
    """The line of the cell at which its saved run raised: the outermost frame of its last saved
    traceback, whose text is the cell's line there now (the cell was not edited since). None when
    the cell saved no error, when the error is a stop by hand (a KeyboardInterrupt interrupts a
    line that works: the lines after it ran before, fair check 45), when the cell printed anything
    before the error inside a loop that holds that line (earlier rounds may have run the lines
    below it), or when the cell went on after the error (a warning printed through the
    excepthook)."""
    outputs = list(ca.cell.outputs)
    errors = [i for i, o in enumerate(outputs) if o.output_type == "error"]
    if not errors:
        return None
    error = outputs[errors[-1]]
    if error.name.split(":", 1)[0].strip() in ("KeyboardInterrupt", "SystemExit") or errors[-1] != len(outputs) - 1:
        return None
    arrow = _TRACEBACK_ARROW.search(_ANSI_ESCAPE.sub("", error.text))
    if arrow is None:
        return None
    line = int(arrow.group(1))
    lines = ca.cell.source.splitlines()
    if not 1 <= line <= len(lines) or not arrow.group(2) or arrow.group(2).strip() != lines[line - 1].strip():
        return None
    tree = cell_python_tree(ca)
    in_loop = tree is not None and any(
        isinstance(node, (ast.For, ast.AsyncFor, ast.While)) and node.lineno < line <= (node.end_lineno or node.lineno)
        for node in ast.walk(tree)
    )
    if in_loop and errors[-1] > 0:
        return None  # something shown before the error: earlier rounds of the loop may have gone past the line
    return line

def module_level_assignments(cells: Iterable["CellAnalysis"]) -> Iterator[tuple["CellAnalysis", ast.Assign, str]]:
    """Every plain `name = value` statement at the top level of a cell (`facts.assigned_name`), as
    (cell, statement, name), cells in the order given and statements in cell order. Cells that are
    not Python or do not parse (`cell_python_tree` is None) bind nothing. The rules that fold a
    notebook's module-level constants (saved start folders, `~/` folders made, configuration dicts,
    frames read by pandas) all start from this walk."""
    for ca in cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for statement in tree.body:
            name = assigned_name(statement)
            if name is not None:
                yield ca, statement, name


# The builtins whose result, called with no argument, is the session's namespace at a notebook's
# module level (`dir()`, `locals()` and `vars()` are a comprehension's own names inside one).
NAMESPACE_CALLS = frozenset({"dir", "globals", "locals", "vars"})


@dataclass(frozen=True)
class SessionNameTest:
    """`'daily_stats' in dir()` at a cell's module level: code asking the session whether it holds
    a name. `call` is the namespace builtin; `in_comprehension`: inside a comprehension, where only
    `globals()` is still the session's."""

    node: ast.Compare
    name: str
    call: str
    negated: bool
    in_comprehension: bool

    @property
    def line(self) -> int:
        return self.node.lineno


def session_name_tests(statement: ast.stmt) -> Iterator[SessionNameTest]:
    """The session-name tests of one module-level statement, in source order, not inside a function,
    a class or a lambda (there the namespace is theirs, in the notebook and in a package alike).
    Read by HID006 and by the compiler, which turns them into tests of a step's own names."""
    stack: list[tuple[ast.AST, bool]] = [(statement, False)]
    while stack:
        node, in_comprehension = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        inner = in_comprehension or isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp))
        stack.extend((child, inner) for child in reversed(list(ast.iter_child_nodes(node))))
        if isinstance(node, ast.Compare) and _is_session_name_test(node):
            yield SessionNameTest(node, node.left.value, node.comparators[0].func.id, isinstance(node.ops[0], ast.NotIn), in_comprehension)


def _is_session_name_test(node: ast.Compare) -> bool:
    """`'name' in dir()` (`not in`, `globals()`, `locals()`, `vars()`): the shape of a session-name test."""
    if not (len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn))):
        return False
    left, right = node.left, node.comparators[0]
    return (
        isinstance(left, ast.Constant) and isinstance(left.value, str) and left.value.isidentifier()
        and isinstance(right, ast.Call) and isinstance(right.func, ast.Name) and right.func.id in NAMESPACE_CALLS
        and not right.args and not right.keywords
    )


def read_guarded_by_name_test(tree: ast.AST, name: str, line: int, column: int) -> bool:
    """Is the read of `name` at (`line`, 1-based `column`) reached only when the session holds the
    name: in the body of `if 'name' in locals():` (or `globals()`, `dir()`, `vars()`; the `else` of
    `not in`), in the value of such a test's conditional expression, or after it in an `and`
    (`'spark' in locals() and spark.stop()`)? Such a read cannot raise NameError: top to bottom
    the test is false and the line does not run (fair check 38, item 48: `if 'spark' in locals():
    spark.stop()` before the cell below makes `spark`)."""
    position = (line, column - 1)

    def inside(nodes: Sequence[ast.AST]) -> bool:
        return any(
            (n.lineno, n.col_offset) <= position < (n.end_lineno or n.lineno, n.end_col_offset or 0)
            for n in nodes if hasattr(n, "lineno")
        )

    def tests(test: ast.AST) -> Optional[bool]:
        """True: the test holds when `name` is bound; False: when it is not; None: not such a test."""
        if isinstance(test, ast.Compare) and _is_session_name_test(test) and test.left.value == name:
            return not isinstance(test.ops[0], ast.NotIn)
        return None

    for node in ast.walk(tree):
        if isinstance(node, (ast.If, ast.IfExp)):
            held = tests(node.test)
            if held is None:
                continue
            body = node.body if isinstance(node.body, list) else [node.body]
            orelse = node.orelse if isinstance(node.orelse, list) else [node.orelse]
            if inside(body if held else orelse):
                return True
        elif isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
            for i, value in enumerate(node.values):
                if tests(value) is True and inside(node.values[i + 1:]):
                    return True
    return False


def may_hold_session_name_tests(tree: ast.AST) -> bool:
    """Does any comparison of the tree have a session-name test's shape? False means
    `session_name_tests` finds none in any of its statements (it reads only such comparisons,
    and only some of them: not inside a function, a class or a lambda). Its own walk visits every
    node of every statement in Python (HID006 asks of each of PDSH's 6,319 module-level
    statements, and almost none holds one); this reads the cell's comparisons from `nodes_of`."""
    return any(_is_session_name_test(node) for node in nodes_of(tree, ast.Compare))


def print_statement_python(python: str) -> Optional[str]:
    """`python` read as Python 3 when its Python 2 `print x, y` statements are its only obstacle:
    each written as a call, `print(x, y)`, every other character where it was (the one space
    after `print` becomes `(`, and `)` closes the statement after its last token; a bare `print`
    becomes `print()`), so every position in the result is the cell's own. None when the text has
    no such statement, when that cannot keep the positions (`print"x"`, `print  x`), for
    `print >>f, x`, or when the result still does not parse (any other Python 2 syntax).
    Shared by DEP005 and RND001 (fair check 19); for analysis only: nothing generated reads it.
    Remembered per text: each rule asks for the same cells."""
    return _print_statement_python(python)


@lru_cache(maxsize=256)  # a notebook's worth, like `_TREES`
def _print_statement_python(python: str) -> Optional[str]:
    # Tokens, not lines: a `print` inside a string or after a comment is not a statement, and a
    # statement continued over lines (brackets, backslash) closes after its last token.
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(python).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    edits: list[tuple[int, int, int, str]] = []  # (row, column, characters replaced, text)
    starts = True  # at the start of a statement
    for i, token in enumerate(tokens):
        if token.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT) or (token.type == tokenize.OP and token.string == ";"):
            starts = True
            continue
        if token.type in (tokenize.NL, tokenize.COMMENT, tokenize.ENCODING):
            continue
        if not (starts and token.type == tokenize.NAME and token.string == "print"):
            starts = False
            continue
        starts = False
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if following is None or following.type in (tokenize.NEWLINE, tokenize.COMMENT, tokenize.ENDMARKER) or following.string == ";":
            edits.append((token.end[0], token.end[1], 0, "()"))
            continue
        if following.type == tokenize.OP and following.string in ("(", "=", ".", "[", ")", ",", ":"):
            continue  # already a call (or not the statement): left as it is
        if following.string in (">>", "<<") or following.start != (token.end[0], token.end[1] + 1):
            return None
        depth, last = 0, following
        for later in tokens[i + 1:]:
            if later.type == tokenize.OP and later.string in "([{":
                depth += 1
            elif later.type == tokenize.OP and later.string in ")]}":
                depth -= 1
            if depth == 0 and (later.type in (tokenize.NEWLINE, tokenize.ENDMARKER) or (later.type == tokenize.OP and later.string == ";")):
                break
            if later.type not in (tokenize.NL, tokenize.COMMENT):
                last = later
        edits.append((token.end[0], token.end[1], 1, "("))
        edits.append((last.end[0], last.end[1], 0, ")"))
    if not edits:
        return None
    lines = python.splitlines(keepends=True)
    for row, column, replaced, text in sorted(edits, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:column] + text + line[column + replaced:]
    result = "".join(lines)
    try:
        python_tree(result)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return result


def print_statement_tree(ca: "CellAnalysis") -> Optional[ast.Module]:
    """CPython's tree of a Python cell that does not parse only because of its Python 2 print
    statements, read with them as calls (`print_statement_python`), else None."""
    python = ca.masked.python
    if not ca.masked.is_python or ca.facts.syntax_error is None or not python or python.isspace():
        return None
    reading = print_statement_python(python)
    return python_tree(reading) if reading is not None else None


# One read of a name: the `ast.Name` (Load), its cell's tree, the cell's index.
NameLoad = tuple[ast.Name, ast.Module, int]


def index_name_loads(facts: "NotebookFacts") -> dict[str, tuple[NameLoad, ...]]:
    """Every read of a name in the notebook, by name: in cell order, and in `tree_nodes` order
    within a cell. Over every cell CPython parses, also one whose facts libcst could not read (too
    complex, or a grammar libcst lacks): the rules ask "is every read of `x` such a read", and a
    read left out would answer yes wrongly. Rules take it once per notebook through
    `rules.name_loads(ctx)`."""
    found: dict[str, list[NameLoad]] = {}
    for ca in facts.cells:
        try:  # (a non-Python cell's masked text is blank lines: no reads)
            tree = python_tree(ca.masked.python)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        index = ca.cell.index
        for node in nodes_of(tree, ast.Name):
            if isinstance(node.ctx, ast.Load):
                found.setdefault(node.id, []).append((node, tree, index))
    return {name: tuple(reads) for name, reads in found.items()}


# A plain assignment of a name: `x = …` (one target or several), `x: T = …`, `x: T`.
PlainAssignment = ast.Assign | ast.AnnAssign


def index_single_assignments(facts: "NotebookFacts") -> dict[str, tuple[PlainAssignment, ...]]:
    """The names the notebook binds only by plain assignments with the name itself as a target
    (`vec = CountVectorizer()`, `transform = TSNE`, `a = b = f()`, `x: int = 0`), each with those
    statements, in cell order and `tree_nodes` order within a cell. A name bound any other way
    anywhere is left out, because its value at a use is then unknown: an unpacking (`a, b = …`), a
    loop, comprehension, `with` or `except … as` target, `+=`, `:=`, `del`, a parameter, a `def` or
    `class`, an import, a `match` capture. Cells CPython cannot parse are skipped. RND002's class
    aliases and DEP005's receivers read it once per notebook through `rules.single_assignments(ctx)`;
    each rule keeps the values it can read. RND's switches (`randomness._switches`) read it too,
    outside any rule's context: the last notebook's answer is kept, so it is built once."""
    if _LAST_SINGLE_ASSIGNMENTS and _LAST_SINGLE_ASSIGNMENTS[0] is facts:
        return _LAST_SINGLE_ASSIGNMENTS[1]
    found = _index_single_assignments(facts)
    _LAST_SINGLE_ASSIGNMENTS[:] = [facts, found]  # (the reference keeps `facts` alive: identity cannot match a newer one)
    return found


_LAST_SINGLE_ASSIGNMENTS: list = []  # [facts, their index]


def _index_single_assignments(facts: "NotebookFacts") -> dict[str, tuple[PlainAssignment, ...]]:
    assigned: dict[str, list[PlainAssignment]] = {}
    other: set[str] = {imp.bound for _, imp in facts.imports}
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        plain_targets: set[int] = set()
        for node in nodes_of(tree, ast.Assign, ast.AnnAssign):
            for target in node.targets if isinstance(node, ast.Assign) else (node.target,):
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node)
                    plain_targets.add(id(target))
        # (`other` is a set: the binding nodes are read class by class from `nodes_of`, not
        # sorted out of every node of the cell)
        for node in nodes_of(tree, ast.Name):
            if not isinstance(node.ctx, ast.Load) and id(node) not in plain_targets:
                other.add(node.id)
        other.update(node.arg for node in nodes_of(tree, ast.arg))
        for kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            other.update(node.name for node in nodes_of(tree, kind))
        other.update((node.asname or node.name).split(".")[0] for node in nodes_of(tree, ast.alias))
        for kind in (ast.ExceptHandler, ast.MatchAs, ast.MatchStar):
            other.update(node.name for node in nodes_of(tree, kind) if node.name)
        other.update(node.rest for node in nodes_of(tree, ast.MatchMapping) if node.rest)
    return {name: tuple(nodes) for name, nodes in assigned.items() if name not in other}


# (a screen; the tree decides: `if 0:`, `if (False):`, `if 0 == 1:`, `if not True:`)
_DEAD_TEST = re.compile(r"^\s*(?:el)?if\s*\(?\s*(?:not\s+)?(?:False|None|True|\d+)\b[^:\n]*:", re.MULTILINE)


def constant_test(test: ast.expr) -> Optional[bool]:
    """The truth of an `if` test made only of constants — `False`, `0`, `None`, `1 == 0`,
    `not True` — or None when it depends on anything else. An author's "train it yourself" switch
    is often written `if 0 == 1:` (fair check 17)."""
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = constant_test(test.operand)
        return None if inner is None else not inner
    if (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.NotEq))
            and isinstance(test.left, ast.Constant) and isinstance(test.comparators[0], ast.Constant)
            and isinstance(test.left.value, (int, float)) and isinstance(test.comparators[0].value, (int, float))):
        equal = test.left.value == test.comparators[0].value
        return equal if isinstance(test.ops[0], ast.Eq) else not equal
    return None


def dead_branch_lines(ca: "CellAnalysis") -> frozenset[int]:
    """The lines of a cell that never run, as the compiler sees them: the body of `if False:`
    (`if 0:`, `if None:`, `if 0 == 1:`) and the `else` of `if True:`. Generated templates keep their optional
    variants there ("set False to True to save the merged model"): what the notebook would do if
    edited, not what it does. Used by the path and download rules (PTH001–PTH007) and the
    randomness rules (RND001–RND003)."""
    python = ca.masked.python
    # The path, download and randomness rules ask this of every cell, ~6 times each (13,956 on
    # PDSH's 2,326 cells), and the screen's search reads the whole cell: a cell without `if`
    # cannot match it, and the answer of a cell's text is kept (it depends on the text alone:
    # the tree is `python_tree`'s of the same text, when the cell parses).
    if "if" not in python:
        return frozenset()
    if not ca.masked.is_python or ca.facts.syntax_error is not None:
        return _dead_branch_lines(ca, python)  # (no tree: nothing kept)
    found = _DEAD_LINES.get(python)
    if found is None:
        found = _dead_branch_lines(ca, python)
        if len(_DEAD_LINES) >= 1024:
            _DEAD_LINES.clear()
        _DEAD_LINES[python] = found
    return found


_DEAD_LINES: dict[str, frozenset[int]] = {}


def _dead_branch_lines(ca: "CellAnalysis", python: str) -> frozenset[int]:
    if not _DEAD_TEST.search(python):
        return frozenset()
    tree = cell_python_tree(ca)
    if tree is None:
        return frozenset()
    dead: set[int] = set()
    for node in nodes_of(tree, ast.If):  # (only `if` statements are read: the shared class index)
        truth = constant_test(node.test)
        if truth is None:
            continue
        branch = node.orelse if truth else node.body
        for stmt in branch:
            dead.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return frozenset(dead)


_WORD_BOUNDARY = re.compile(r"\b")


def _at_word_start(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`re.compile(r"\b" + pattern.pattern).finditer(text)`, for a pattern whose matches are not
    empty. With `\b` first the regex engine tries the pattern at every character of every line of
    the notebook; without it, it skips to the characters that can start a match, and the boundary
    is tested at each match after. As `finditer`, a match refused for its boundary is passed by
    one character (another may start inside it) and a kept one by its length."""
    at = 0
    while True:
        match = pattern.search(text, at)
        if match is None:
            return
        if _WORD_BOUNDARY.match(text, match.start()):  # (`\b` reads the character before `pos` too)
            yield match
            at = match.end()
        else:
            at = match.start() + 1


def uncalled_function_lines(facts: "NotebookFacts") -> dict[int, frozenset[int]]:
    """By cell index, the lines of the module-level functions the notebook never uses: a plain
    (undecorated) `def` whose name appears nowhere else in the notebook's code, or only inside
    other such functions (followed through). A utility cell of post-processing variants no cell
    calls names paths the notebook never reads (fair check 13), like an `if False:` body. Only in
    a notebook that calls at least one of its own functions: one that calls none may be a library
    other notebooks `%run` or import. Used by the path rules (PTH001–PTH007).

    A mention is code (`_code_mentions`): a name read, bound or declared, a string that is the
    name or calls it (`getattr(m, "train")`, `timeit("train()")`), a magic or shell line. The
    name in a comment or in prose is none: `train()` called only on a commented-out line
    (`# model = train(...)`) and a title `"Selected train AOI"` left a fastai `train()` and the
    weights download in its body reported as run (fair check 25, item 129)."""
    if _UNCALLED and _UNCALLED[0][0] is facts:
        return _UNCALLED[0][1]
    spans, mentions = _function_mentions(facts)
    result: dict[int, frozenset[int]] = {}
    if spans:
        dead = _mentioned_only_in(spans, mentions, {}, set())
        if dead and len(dead) < len(spans):
            result = _function_lines(spans, dead)
    _UNCALLED[:] = [(facts, result)]
    return result


def unmentioned_function_lines(facts: "NotebookFacts") -> dict[int, frozenset[int]]:
    """By cell index, the lines of the module-level functions nothing in the notebook mentions
    (followed through, as `uncalled_function_lines`), also in a notebook that calls none of its
    own: what such a body does to the kernel's state (`sys.path.insert(0, …)` in a
    `go_up_from_current_directory()` no cell calls) never happens in this notebook, whichever other
    notebook might import it (fair check 48, item 98: sys-path-edit-in-never-called-function)."""
    spans, mentions = _function_mentions(facts)
    return _function_lines(spans, _mentioned_only_in(spans, mentions, {}, set())) if spans else {}


def off_branch_function_lines(facts: "NotebookFacts") -> dict[int, frozenset[int]]:
    """By cell index, the lines of the module-level functions called only from lines no run of the
    notebook as saved reaches: every mention of the name outside its own body is in an `if False:`
    body (`dead_branch_lines`), in the branch a setting bound once turns off (`configured_off_lines`:
    the `else:` of `if RUN_DOWNLOAD:` below `RUN_DOWNLOAD = True`), or inside another such function
    or one nothing calls (followed through). At least one mention is needed: a function nothing
    mentions is `uncalled_function_lines`'. `def resolve_data_paths_fallback(): … Path("/kaggle/input/…")`
    called only in that `else:` never runs (fair check 44, items 99, 109, 110:
    setting-on-else-branch-not-taken). Used by the path rules (`paths.never_run_lines`)."""
    if _OFF_BRANCH_FUNCTIONS and _OFF_BRANCH_FUNCTIONS[0][0] is facts:
        return _OFF_BRANCH_FUNCTIONS[0][1]
    result: dict[int, frozenset[int]] = {}
    off: dict[int, frozenset[int]] = {}
    for ca in facts.cells:
        lines = dead_branch_lines(ca)
        if lines:
            off[ca.cell.index] = lines
    for index, lines in configured_off_lines(facts).items():
        off[index] = off.get(index, frozenset()) | lines
    if off:
        spans, mentions = _function_mentions(facts)
        # (the functions `uncalled_function_lines` takes are followed through, not said again)
        uncalled = _mentioned_only_in(spans, mentions, {}, set())
        if not (uncalled and len(uncalled) < len(spans)):
            uncalled = set()
        dead = _mentioned_only_in(spans, mentions, off, uncalled, mentioned=True) - uncalled
        if dead:
            result = _function_lines(spans, dead)
    _OFF_BRANCH_FUNCTIONS[:] = [(facts, result)]
    return result


_OFF_BRANCH_FUNCTIONS: list = []  # [(the notebook's facts, its result)]


def _function_mentions(facts: "NotebookFacts") -> tuple[dict[str, tuple[int, int, int]], dict[str, list[tuple[int, int]]]]:
    """The notebook's plain module-level functions defined once, name → (cell, first line, last line),
    and where each name is mentioned outside its own body: (cell, line) of every mention
    (`_code_mentions`). Shared by `uncalled_function_lines` and `off_branch_function_lines`."""
    if _MENTIONS and _MENTIONS[0][0] is facts:
        return _MENTIONS[0][1]
    spans: dict[str, tuple[int, int, int]] = {}  # name → (cell, first line, last line)
    repeated: set[str] = set()
    for ca in facts.cells:
        if "def " not in ca.masked.python:
            continue
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.name in spans or node.decorator_list:
                    repeated.add(node.name)  # defined twice, or registered by a decorator: live
                spans[node.name] = (ca.cell.index, node.lineno, node.end_lineno or node.lineno)
    for name in repeated:
        spans.pop(name, None)
    mentions: dict[str, list[tuple[int, int]]] = {n: [] for n in spans}
    if spans:
        words = re.compile(r"(" + "|".join(re.escape(n) for n in sorted(spans)) + r")\b")  # (`\b` before: `_at_word_start`)
        # Where each name is mentioned outside its own body: (cell, line) of every mention.
        for ca in facts.cells:
            if words.search(ca.cell.source) is None:  # (a screen: no name, no mention)
                continue
            for number, name in _code_mentions(ca, words):
                cell, first, last = spans[name]
                if cell == ca.cell.index and first <= number <= last:
                    continue
                mentions[name].append((ca.cell.index, number))
    _MENTIONS[:] = [(facts, (spans, mentions))]
    return spans, mentions


_MENTIONS: list = []  # [(the notebook's facts, (spans, mentions))]


def _mentioned_only_in(spans: Mapping[str, tuple[int, int, int]], mentions: Mapping[str, list[tuple[int, int]]],
                       off: Mapping[int, frozenset[int]], dead: set[str], mentioned: bool = False) -> set[str]:
    """`dead` and the functions every mention of which is on an `off` line or inside a dead function
    (followed through until nothing more is added); with `mentioned`, only functions mentioned somewhere."""
    def inside(place: tuple[int, int], names: set[str]) -> bool:
        return place[1] in off.get(place[0], ()) or any(
            spans[n][0] == place[0] and spans[n][1] <= place[1] <= spans[n][2] for n in names)
    dead = set(dead)
    while True:
        more = {n for n in spans if n not in dead and (mentions[n] or not mentioned) and all(inside(p, dead) for p in mentions[n])}
        if not more:
            return dead
        dead |= more


def _function_lines(spans: Mapping[str, tuple[int, int, int]], names: Collection[str]) -> dict[int, frozenset[int]]:
    lines: dict[int, set[int]] = {}
    for n in names:
        cell, first, last = spans[n]
        lines.setdefault(cell, set()).update(range(first, last + 1))
    return {cell: frozenset(v) for cell, v in lines.items()}



def configured_off_lines(facts: "NotebookFacts") -> dict[int, frozenset[int]]:
    """By cell index, the lines of a branch that a setting the notebook binds once turns off: the
    body of `if use_gdrive == 'yes':` below Colab's form field `use_gdrive = 'no'  #@param ["yes",
    "no"]` (or a configuration cell's `MODE = "local"` above `if MODE == "colab":`), the `else`
    when the comparison holds. A setting is a module-level name bound by one plain assignment in the
    whole notebook, at the top level of a cell that is no papermill `parameters` cell, to a string,
    number, bool or None literal, and bound no other way (`index_single_assignments`; not by a
    magic's `x = !cmd` either); the test compares it (`==`, `!=`, `in`, `not in` a tuple of
    literals; `is`/`is not` True, False or None; the bare name of a bool/None setting, `if
    save_model:`; `not`, `and`, `or` of such tests) and comes after the binding. As saved, the
    branch never runs (fair check 28, item 71: PTH001's `/gdrive/My Drive/…` root and PTH004's
    `os.chdir(root)` in the opt-in Drive branch a form cell leaves off); a branch the setting turns
    on stays. Nothing when a code cell does not parse (a binding may hide there). Used by the path
    rules (PTH001–PTH006), with `dead_branch_lines` and `uncalled_function_lines`."""
    if _CONFIGURED_OFF and _CONFIGURED_OFF[0][0] is facts:
        return _CONFIGURED_OFF[0][1]
    result: dict[int, frozenset[int]] = {}
    if any(_SETTING_TEST.search(ca.masked.python) for ca in facts.cells if ca.masked.is_python):
        result = _configured_off_lines(facts)
    _CONFIGURED_OFF[:] = [(facts, result)]
    return result


_CONFIGURED_OFF: list = []  # [(facts, their lines)]

# (a screen; the tree decides: an `if` comparing something with `==`, `!=` or `in`)
_SETTING_TEST = re.compile(r"^[ \t]*(?:el)?if\b(?:[^\n]*(?:==|!=|\bin\b|\bis\b)|[ \t]+(?:not[ \t]+)?[A-Za-z_]\w*[ \t]*:)", re.MULTILINE)


def _configured_off_lines(facts: "NotebookFacts") -> dict[int, frozenset[int]]:
    trees = []
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            if ca.masked.is_python and ca.masked.python.strip():
                return {}
            continue
        trees.append((ca, tree))
    tops: dict[int, tuple[int, bool]] = {}
    for ca, tree in trees:
        for stmt in tree.body:
            tops[id(stmt)] = (ca.cell.index, "parameters" in ca.cell.tags)
    by_magic = {t for ca in facts.cells for m in ca.magics for t in m.assigned_to}
    settings: dict[str, tuple[tuple[int, int], object]] = {}
    for name, statements in index_single_assignments(facts).items():
        if len(statements) != 1 or name in by_magic:
            continue
        (stmt,) = statements
        value = stmt.value
        where = tops.get(id(stmt))
        if where is None or where[1] or not isinstance(value, ast.Constant) \
                or type(value.value) not in (str, int, float, bool, type(None)):
            continue
        settings[name] = ((where[0], stmt.end_lineno or stmt.lineno), value.value)
    if not settings:
        return {}
    found: dict[int, set[int]] = {}
    for ca, tree in trees:
        for node in nodes_of(tree, ast.If):
            names = {n.id for n in ast.walk(node.test) if isinstance(n, ast.Name) and n.id in settings}
            if not names or any(settings[n][0] >= (ca.cell.index, node.lineno) for n in names):
                continue
            truth = _setting_test(node.test, {n: settings[n][1] for n in names})
            if truth is None:
                continue
            for stmt in node.orelse if truth else node.body:
                found.setdefault(ca.cell.index, set()).update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return {index: frozenset(lines) for index, lines in found.items()}


def _setting_test(test: ast.expr, settings: dict[str, object]) -> Optional[bool]:
    """The truth of a test comparing settings with literals (`configured_off_lines`), or None."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _setting_test(test.operand, settings)
        return None if inner is None else not inner
    if isinstance(test, ast.BoolOp):
        values = [_setting_test(v, settings) for v in test.values]
        decisive = isinstance(test.op, ast.Or)  # (`or`: one True decides; `and`: one False)
        if decisive in values:
            return decisive
        return None if None in values else not decisive
    if isinstance(test, ast.Name) and test.id in settings and type(settings[test.id]) in (bool, type(None)):
        # `if save_model:` below `save_model = False`: a flag bound once to a literal False (or
        # None) and never rebound, its opt-in branch never runs (fair check 33, item 75).
        return bool(settings[test.id])
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]

    def literal(node: ast.expr) -> tuple[bool, object]:
        if isinstance(node, ast.Name) and node.id in settings:
            return True, settings[node.id]
        if isinstance(node, ast.Constant):
            return True, node.value
        return False, None

    if isinstance(op, (ast.Eq, ast.NotEq)):
        (known_left, a), (known_right, b) = literal(left), literal(right)
        if not (known_left and known_right) or not (isinstance(left, ast.Name) or isinstance(right, ast.Name)):
            return None
        if type(a) is not type(b) and not (type(a) in (int, float) and type(b) in (int, float)):
            return None  # (`True == 1`, `'1' == 1`: left to the run)
        return (a == b) == isinstance(op, ast.Eq)
    if isinstance(op, (ast.Is, ast.IsNot)):
        # `if save_model is True:` below `save_model = False` (fair check 33, item 75): identity
        # of the singletons True, False and None only (`x is 1` is left to the run).
        (known_left, a), (known_right, b) = literal(left), literal(right)
        if not (known_left and known_right) or not (isinstance(left, ast.Name) or isinstance(right, ast.Name)):
            return None
        if type(a) not in (bool, type(None)) or type(b) not in (bool, type(None)):
            return None
        return (a is b) == isinstance(op, ast.Is)
    if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
        known, a = literal(left)
        if not known or not isinstance(left, ast.Name) or not all(isinstance(e, ast.Constant) for e in right.elts):
            return None
        if any(type(e.value) is not type(a) for e in right.elts):  # type: ignore[attr-defined]
            return None
        return any(e.value == a for e in right.elts) == isinstance(op, ast.In)  # type: ignore[attr-defined]
    return None

def _code_mentions(ca: "CellAnalysis", words: re.Pattern[str]) -> Iterator[tuple[int, str]]:
    """(line, name) of each mention in the cell's code of a name `words` matches whole: an
    `ast.Name` (read, bound or deleted), a `global`/`nonlocal` declaration, code in a string that
    calls it (`timeit("train()")`, `eval("train(data)")`), the name looked up as a string
    (`getattr(module, "train")`, `globals()["train"]`, `eval("train")`), and any match on a magic
    or shell line (`%time train()`). Not a comment, nor a string of prose or a key (`"Selected
    train AOI"`, `ds["train"]`, `split="train"`), nor an attribute (`model.train()` is the model's
    method). A cell CPython cannot read (a `%%bash` body, a syntax error) is searched as text, each
    match a mention."""
    tree = cell_python_tree(ca)
    if tree is None:
        for number, text in enumerate(ca.cell.source.split("\n"), start=1):
            for m in _at_word_start(words, text):
                yield number, m.group(1)
        return
    for node in nodes_of(tree, ast.Name):
        if words.fullmatch(node.id):
            yield node.lineno, node.id
    for node in nodes_of(tree, ast.Global, ast.Nonlocal):
        for name in node.names:
            if words.fullmatch(name):
                yield node.lineno, name
    for node in nodes_of(tree, ast.Constant):
        if isinstance(node.value, str) and words.search(node.value) is not None:
            for m in _at_word_start(words, node.value):
                if node.value[m.end():].lstrip().startswith("("):
                    yield node.lineno, m.group(1)
    for node in nodes_of(tree, ast.Call, ast.Subscript):
        if isinstance(node, ast.Call):
            func = node.func.id if isinstance(node.func, ast.Name) else None
            looked_up = node.args[1:2] if func in _LOOK_UPS else node.args[:1] if func in _RUNNERS else ()
        else:
            namespace = node.value
            looked_up = (node.slice,) if (isinstance(namespace, ast.Call) and isinstance(namespace.func, ast.Name)
                                          and namespace.func.id in _NAMESPACE_BUILTINS) else ()
        for arg in looked_up:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and words.fullmatch(arg.value):
                yield arg.lineno, arg.value
    for magic in ca.magics:
        for m in _at_word_start(words, magic.text):
            yield magic.line, m.group(1)


def switched_off_method_lines(facts: "NotebookFacts") -> dict[int, frozenset[int]]:
    """By cell index, the lines of the methods of the notebook's own classes that no run of the notebook
    reaches: a method `m` of a class `C` (at the top level of a cell) whose name appears in the notebook only
    in its own body and as `self.m(...)` in the body of `if flag:` in `C.__init__`, where `flag` is a
    parameter of `__init__` whose default is False or None, and every appearance of `C` elsewhere is a call
    `C(...)` passing neither `flag=` nor as many positional arguments as reach it (nor `*args`/`**kwargs`).
    The opt-in `ExpectedOpportunityLoss(…, run_default_script=False)` whose `main_script` no cell turns on
    (fair check 42, item 24). Names are searched as text, comments and strings included, so any other
    mention (`obj.m()`, `getattr(obj, "m")`, `class D(C)`, `partial(C, …)`) leaves the method reached."""
    classes: list[tuple[int, ast.ClassDef]] = []
    for ca in facts.cells:
        if "class " in ca.masked.python and "__init__" in ca.masked.python and (tree := cell_python_tree(ca)) is not None:
            classes += [(ca.cell.index, node) for node in tree.body if isinstance(node, ast.ClassDef)]
    result: dict[int, set[int]] = {}
    for cell, cls in classes:
        init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
        if init is None or cls.decorator_list:
            continue
        positional = [a.arg for a in (*init.args.posonlyargs, *init.args.args)][1:]  # (after `self`)
        defaults = dict(zip([a.arg for a in (*init.args.posonlyargs, *init.args.args)][-len(init.args.defaults):],
                            init.args.defaults)) if init.args.defaults else {}
        defaults.update({a.arg: d for a, d in zip(init.args.kwonlyargs, init.args.kw_defaults) if d is not None})
        flags = {name for name, d in defaults.items() if isinstance(d, ast.Constant) and (d.value is False or d.value is None)}
        if not flags:
            continue
        # `if flag:` bodies of `__init__`: (flag, first line, last line)
        switched = [(node.test.id, node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno)
                    for node in ast.walk(init) if isinstance(node, ast.If) and isinstance(node.test, ast.Name)
                    and node.test.id in flags]
        if not switched:
            continue
        off = {flag for flag, _, _ in switched if _never_passed(facts, cell, cls, flag, positional)}
        for method in cls.body:
            if (not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or method.decorator_list
                    or method.name.startswith("__")):
                continue
            first, last = method.lineno, method.end_lineno or method.lineno
            within = [(a, b) for flag, a, b in switched if flag in off]
            word = re.compile(r"\b" + re.escape(method.name) + r"\b")
            if not within or not all(
                    index == cell and (first <= number <= last or any(a <= number <= b for a, b in within))
                    for index, number in _text_mentions(facts, word)):
                continue
            result.setdefault(cell, set()).update(range(first, last + 1))
    return {cell: frozenset(lines) for cell, lines in result.items()}


def _text_mentions(facts: "NotebookFacts", word: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """(cell, line) of each match of `word` in the notebook's code cells' text, comments and strings included."""
    for ca in facts.cells:
        if word.search(ca.cell.source) is None:
            continue
        for number, text in enumerate(ca.cell.source.split("\n"), start=1):
            for _ in word.finditer(text):
                yield ca.cell.index, number


def _never_passed(facts: "NotebookFacts", cell: int, cls: ast.ClassDef, flag: str, positional: list[str]) -> bool:
    """Every mention of the class `cls` (of cell `cell`) other than its `class` line is a call `C(...)` that
    passes neither `flag=` nor a positional argument at its place, nor `*args`/`**kwargs`."""
    reach = positional.index(flag) if flag in positional else None
    calls: dict[tuple[int, int], int] = {}  # (cell, line) → how many such calls have their name there
    for ca in facts.cells:
        if cls.name not in ca.cell.source or (tree := cell_python_tree(ca)) is None:
            continue
        for node in nodes_of(tree, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id == cls.name):
                continue
            if (any(k.arg in (flag, None) for k in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args)
                    or (reach is not None and len(node.args) > reach)):
                return False
            calls[(ca.cell.index, node.func.lineno)] = calls.get((ca.cell.index, node.func.lineno), 0) + 1
    mentions: dict[tuple[int, int], int] = {}
    for place in _text_mentions(facts, re.compile(r"\b" + re.escape(cls.name) + r"\b")):
        mentions[place] = mentions.get(place, 0) + 1
    mentions[(cell, cls.lineno)] = mentions.get((cell, cls.lineno), 0) - 1
    return all(count <= calls.get(place, 0) for place, count in mentions.items())


_LOOK_UPS = frozenset({"getattr", "hasattr"})  # (the name is the second argument)
_RUNNERS = frozenset({"eval", "exec"})  # (the code is the first)
_NAMESPACE_BUILTINS = frozenset({"globals", "locals", "vars"})


_UNCALLED: list = []  # [(the notebook's facts, its result)]: asked once per literal pass


_TREES: dict[str, ast.Module] = {}


def _remember_tree(python: str, tree: ast.Module) -> None:
    if len(_TREES) >= 256:  # a notebook's worth: memory stays flat over a batch
        # The oldest goes, not all of them: clearing the memo when it filled up in the middle of
        # a notebook dropped that notebook's earlier trees too, which its rules then parsed again
        # (1,102 of 4,873 parses on 216 real notebooks).
        del _TREES[next(iter(_TREES))]
    _TREES[python] = tree


def _cpython_syntax_error(python: str) -> Optional[SyntaxProblem]:
    try:
        with warnings.catch_warnings():
            # `"\d"` in a cell is the notebook's business (and PTH rules explain Windows paths).
            warnings.simplefilter("ignore")
            with interpreter_recursion():  # the limit the notebook's kernel runs with
                tree = compile(python, "<cell>", "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        # The same tree as `ast.parse` (the flag changes what compiles, not the tree), and a tree
        # built under the kernel's recursion limit builds under the audit's higher one.
        _remember_tree(python, tree)
    except SyntaxError as err:
        return SyntaxProblem(_first_line(err.msg or "invalid syntax"), err.lineno or 1, max(1, err.offset or 1))
    except (RecursionError, MemoryError):
        return SyntaxProblem("expression nested too deeply for Python to compile (RecursionError in CPython's parser)", 1, 1)
    except ValueError:
        return None
    return None


# Python 3.12 reads f-strings with its own grammar (PEP 701): a replacement field may reuse the
# string's quotes (`f"{"small" if d else "large"}"`), hold a backslash, a comment or a line break.
# Older interpreters refuse those cells, 3.12 and later run them (fair check 43, item 156: a 3.12.10
# notebook whose cell ran, reported as a syntax error by an audit run on 3.11). `F_STRING_START`:
# an f-string prefix, the cheap gate. `_LIBCST_BRACKETS`: at most so many brackets in a cell given
# to libcst before CPython parsed it (libcst's native parser overflows the stack and kills the
# process on some thousands of nested brackets; CPython, which refuses 200, is the guard elsewhere).
F_STRING_START = re.compile(r"(?<![\w])(?:[fF][rR]?|[rR][fF])(['\"])")  # group 1: its quote
_LIBCST_BRACKETS = 500
_LINE_BREAK = re.compile(r"\r\n?|\n")  # (libcst's definition of a line break: its spans count so)


# An f-string prefix, then on its line a `{` followed, before any `}`, by the same quote, a
# backslash, a `#` or a line break: the cheap gate of `python_312_only_f_string` (loose: libcst decides).
_F_STRING_312_SUSPECT = re.compile(r"(?<![\w])(?:[fF][rR]?|[rR][fF])(?P<q>['\"])[^\n]*?\{[^}]*?(?:(?P=q)|[\\#\n])")


def _libcst_may_read(python: str) -> bool:
    """Whether libcst is given the cell: few enough brackets (its parser crashes on deep nesting)
    and not too complex for it."""
    return sum(map(python.count, "([{")) <= _LIBCST_BRACKETS and too_complex(python) is None


def python_312_only_f_string(python: str) -> Optional[tuple[int, int, str]]:
    """The first f-string of a cell that only Python 3.12 and later read (PEP 701: its own quote,
    a backslash, a comment or a line break inside a replacement field), as (line, 1-based column,
    what older Pythons refuse in it); None when there is none or the cell is not read. Decided by
    libcst's reading of the text, so the same on every interpreter running the audit (fair check
    44, T-3.5: a notebook declaring Python 3.11 whose kernel refuses such a cell)."""
    if not _F_STRING_312_SUSPECT.search(python):
        return None
    if not _libcst_may_read(python):
        return None
    from nbrefactor.audit.cst_facts import python_312_f_strings

    found = python_312_f_strings(python)
    if not found:
        return None
    line, column, what = found[0]
    return line, column + 1, what


def _python_312_error(python: str, refused: SyntaxProblem) -> Optional[SyntaxProblem]:
    """The error Python 3.12+ finds in a cell the running CPython `refused`: None when its
    f-strings are what was refused, libcst parses the cell (its grammar has PEP 701's f-strings)
    and CPython accepts the cell once each f-string is a plain string literal spanning the same
    lines; CPython's error in that reading when only the f-strings parse (a real error beside a
    new f-string is still one, at its own line); `refused` otherwise, and always on Python 3.12
    and later, whose CPython reads these f-strings itself: the same cells are reported, at the
    same lines, on every Python the audit runs on."""
    if sys.version_info >= (3, 12) or not F_STRING_START.search(python):
        return refused
    if not _libcst_may_read(python):
        return refused
    from nbrefactor.audit.cst_facts import f_string_spans

    spans = f_string_spans(python)
    if not spans:
        return refused
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(python)]
    pieces: list[str] = []
    done = 0
    for first, first_column, last, last_column in spans:
        begin, end = starts[first - 1] + first_column, starts[last - 1] + last_column
        breaks = _LINE_BREAK.findall(python, begin, end)
        # A plain literal on the same lines: `""` padded to the f-string's width, or a triple-quoted
        # one holding its line breaks.
        pieces += [python[done:begin], '"""' + "".join(breaks) + '"""' if breaks else '""'.ljust(end - begin)]
        done = end
    plain = "".join(pieces) + python[done:]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with interpreter_recursion():
                tree = compile(plain, "<cell>", "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError as err:
        return SyntaxProblem(_first_line(err.msg or "invalid syntax"), err.lineno or 1, max(1, err.offset or 1))
    except (RecursionError, MemoryError, ValueError):
        return refused
    return kernel_compile_error(plain, tree)


# The node classes CPython checks the place of only after parsing, in its symbol table and
# compiler: `return`/`yield`/`await` outside a function, `break`/`continue` outside a loop,
# `global`/`nonlocal` declared late or binding nothing, a `*` expression where none may stand, a
# walrus rebinding a comprehension's variable, a `match` pattern binding a name twice.
_PLACED_CLASSES = frozenset({
    ast.Return, ast.Yield, ast.YieldFrom, ast.Await, ast.AsyncFor, ast.AsyncWith, ast.Break, ast.Continue,
    ast.Global, ast.Nonlocal, ast.Starred, ast.NamedExpr, ast.Match,
})
_SCOPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})  # where `import *` is refused
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def kernel_compile_error(python: str, tree: ast.Module) -> Optional[SyntaxProblem]:
    """The SyntaxError a kernel raises compiling a cell that parses (None for most cells), as
    IPython compiles it: each top-level statement on its own (`run_ast_nodes`), top-level `await`,
    `async for` and `async with` allowed (autoawait). So `x = 1` then `global x`, or a late
    `from __future__ import …`, both refused in one module, run in a cell. Only the statements
    holding a node that can fail this way are compiled, found from the class index the rules
    share (`node_classes`, `nodes_of`): 18 of PDSH's 1,516 distinct cells that parse have such a
    statement, 45 of fair check 21's 2,283 (a `return` in a `def` is one only beside a class)."""
    present = node_classes(tree)
    suspects: list[ast.AST] = [n for kind in _PLACED_CLASSES & present for n in nodes_of(tree, kind)]
    if ast.Starred in present and ast.Call in present:
        # `print(*row)`, `f(*args)`: a starred argument of a call compiles wherever the call stands
        # (8 of the 19 statements PDSH's cells had compiled held no other suspect).
        passed = {id(a) for call in nodes_of(tree, ast.Call) for a in call.args if a.__class__ is ast.Starred}
        suspects = [n for n in suspects if id(n) not in passed]
    if ast.ImportFrom in present:
        # `import *` is refused inside a def or class; a `__future__` feature must exist.
        star_refused = not _SCOPES.isdisjoint(present)
        suspects.extend(n for n in nodes_of(tree, ast.ImportFrom)
                        if n.module == "__future__" or (star_refused and n.names[0].name == "*"))
    # A name repeated in one function's parameters, or in one call's (or class statement's)
    # keywords, is a name repeated among all the cell's parameters (`ast.arg`: only ever in a
    # def's or lambda's `arguments`), or keywords (`ast.keyword`: only in calls and class
    # statements): each definition and call is looked at only then, and the cell-wide test is
    # one pass in C (PDSH: 5,248 calls, 3,056 keywords; 132 of 1,505 cells repeat a keyword).
    if ast.arg in present and _repeats(nodes_of(tree, ast.arg)):
        for kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda):
            for n in nodes_of(tree, kind) if kind in present else ():
                a = n.args
                names = [p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)]
                names += [p.arg for p in (a.vararg, a.kwarg) if p is not None]
                if len(set(names)) < len(names):
                    suspects.append(n)  # duplicate argument
    if ast.keyword in present and _repeats(nodes_of(tree, ast.keyword)):
        for kind in (ast.Call, ast.ClassDef):
            for n in nodes_of(tree, kind) if kind in present else ():
                if len(n.keywords) > 1:
                    names = [k.arg for k in n.keywords if k.arg is not None]  # (None: `**options`)
                    if len(set(names)) < len(names):
                        suspects.append(n)  # keyword argument repeated
    if ast.comprehension in present:
        suspects.extend(n.target for n in nodes_of(tree, ast.comprehension) if n.is_async)
    if ast.Try in present:
        suspects.extend(n for n in nodes_of(tree, ast.Try) if any(h.type is None for h in n.handlers[:-1]))
    if "__debug__" in python:  # `__debug__ = …`, as an argument or keyword name: refused by the compiler
        suspects.extend(tree.body)
    if not suspects:
        return None
    # The commonest suspect, a `return` in a cell's `def`, is in a function unless a class body
    # stands between them: a top-level `def` whose only suspects are returns is compiled only in a
    # cell that holds a class. (An async generator's `return 2`, refused, comes with its `yield`.)
    returns_placed = ast.ClassDef not in present
    lines = {n.lineno for n in suspects if not (returns_placed and n.__class__ is ast.Return)}
    return_lines = {n.lineno for n in suspects if returns_placed and n.__class__ is ast.Return}
    for statement in tree.body:
        first, last = statement.lineno, statement.end_lineno or statement.lineno
        if not any(first <= line <= last for line in lines) and (
            statement.__class__ in _FUNCTIONS or not any(first <= line <= last for line in return_lines)
        ):
            continue  # (nothing in it can fail to compile)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with interpreter_recursion():
                    compile(ast.Module([statement], []), "<cell>", "exec", ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
        except SyntaxError as err:
            return SyntaxProblem(_first_line(err.msg or "invalid syntax"), err.lineno or first, max(1, err.offset or 1), parsed=True)
        except (RecursionError, MemoryError, ValueError):
            return None  # (the parse check already guards depth; nothing to say beyond it)
    return None


_ARG = attrgetter("arg")


def _repeats(nodes: Sequence[ast.AST]) -> bool:
    """Whether two of `nodes` (`ast.arg` or `ast.keyword`) have the same `arg` (a keyword's None,
    `**options`, counts too: the calls are then looked at, which leave it out)."""
    return len(set(map(_ARG, nodes))) < len(nodes)


def libcst_facts(python: str) -> CellFacts:
    """The facts of valid Python read from libcst's tree (`cst_facts.libcst_facts`, the reference
    `ast_facts` is held to); libcst is imported on the first call."""
    from nbrefactor.audit.cst_facts import libcst_facts as read

    return read(python)


# The libcst walker's names, once defined here (tests, `compile.plan`'s `dotted_name`): still
# importable from this module, each loading `cst_facts` (and libcst) on first use only.
_CST_NAMES = frozenset({
    "_parse_module", "_not_validated", "_VALIDATED", "_NOT_VALIDATED", "_reachable", "_NEWLINE", "Span",
    "_PositionState", "_SyntacticRange", "node_positions", "_syntax_problem", "_string_value", "_nfkc",
    "_Scope", "_Walker", "_UNSEEN", "_INERT", "_value_kind", "_fields_of", "child_nodes", "_dotted",
    "dotted_name", "_param_names", "_assigned_names", "_OWN_SCOPES", "_all_children", "_target_names",
})


def __getattr__(name: str):  # PEP 562: called only for names this module does not define
    if name in _CST_NAMES:
        from nbrefactor.audit import cst_facts

        return getattr(cst_facts, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
