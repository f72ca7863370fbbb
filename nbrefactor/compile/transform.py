"""Transform: one cell's code → the statements of a step function (libcst, pure).

What changes, and why:
- hardcoded paths, URLs and seeds → `cfg.<field>` (the config replaces them; defaults reproduce);
- import statements → hoisted to the module (rebuilt per module, unused ones dropped);
- definitions that move to the functions module → removed here, imported there;
- display-only expressions (`df.head()`, a bare name) → dropped: they computed nothing;
- `plt.show()` and plotting cells → the figure is saved into the artifacts folder;
- magics and shell lines → explicit Python (`os.chdir`, `subprocess.run`, `_run_program` for `%run`,
  `Path.write_text`), moved to requirements (`%pip install`), dropped when notebook-only
  (`%matplotlib`), or kept as a comment and listed for review — never silently dropped.
Statements are moved as libcst nodes, so multi-line strings keep their exact content when the
code is indented into a function.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Optional, Sequence, Union

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from nbrefactor.audit.analysis import NAMESPACE_CALLS, CellAnalysis, dotted_name
from nbrefactor.audit.dataflow import IPYTHON_HISTORY
from nbrefactor.compile.expansion import expanded
from nbrefactor.compile.literals import py_comment_text
from nbrefactor.compile.shown_errors import gone_past
from nbrefactor.compile.run_magic import HELPER as RUN_HELPER, read_run_line
from nbrefactor.audit.ipython import PYTHON_BODY_CELL_MAGICS as IPYTHON_BODY_CELL_MAGICS, MagicLine, read_cd_line

NOTEBOOK_ONLY_MAGICS = frozenset(
    {"matplotlib", "load_ext", "reload_ext", "autoreload", "aimport", "config", "who", "whos", "who_ls", "lsmagic",
     "pdb", "xmode", "precision", "pprint", "history", "notebook", "time", "timeit", "prun", "magic", "page",
     "pinfo", "pinfo2", "psearch", "qtconsole", "colors", "doctest_mode", "clear", "reset_selective", "pylab",
     "ls", "pwd", "dirs", "dhist", "bookmark", "lmagic", "capture", "debug", "memit", "mprun", "skip", "ipytest"}
)
DISPLAY_CELL_MAGICS = frozenset({"html", "HTML", "javascript", "js", "markdown", "latex", "svg", "md"})
PYTHON_BODY_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit", "mprun", "ipytest", "skip"})
# Methods that only look at data: an expression statement made of these shows, and changes nothing.
PURE_DISPLAY_METHODS = frozenset(
    {"head", "tail", "describe", "info", "value_counts", "nunique", "unique", "isnull", "isna", "notnull", "notna",
     "sum", "mean", "median", "count", "corr", "cov", "memory_usage", "to_string", "max", "min", "std", "var",
     "idxmax", "idxmin", "any", "all", "round", "mode", "quantile", "keys", "values", "items", "get_params",
     "summary", "duplicated", "nlargest", "nsmallest", "sort_values", "sort_index", "reset_index", "groupby",
     "agg", "aggregate", "first", "last", "size", "dtype", "astype", "to_frame", "style", "format", "plot_"}
)
PURE_DISPLAY_FUNCTIONS = frozenset({"display", "len", "type", "repr", "dir", "vars", "id", "sorted", "list", "set", "tuple", "dict", "str"})
PLOT_MODULES = ("matplotlib.pyplot.", "seaborn.", "plotly.", "pandas.plotting.")
PLOT_METHODS = frozenset({"plot", "hist", "scatter", "imshow", "bar", "barh", "boxplot", "heatmap", "pie", "matshow", "plot_tree"})


@dataclass
class CellOutcome:
    """The statements of one cell, ready to become part of a function body."""

    items: list[Union[cst.BaseStatement, str]] = field(default_factory=list)  # str = a comment line
    imports: list[cst.SimpleStatementLine] = field(default_factory=list)
    needs: set[str] = field(default_factory=set)  # helper imports the module needs: os, subprocess, pathlib, save_figure, run_program (`%run`'s helper)
    review: list[tuple[int, str]] = field(default_factory=list)  # (line, what) for MIGRATION.md
    changes: list[tuple[int, str]] = field(default_factory=list)  # (line, what was done)
    replaced: set[tuple[int, int]] = field(default_factory=set)  # literal positions that became config
    injected: tuple[str, ...] = ()  # names a `%run` in this cell provides to later cells
    runs: int = 0  # the `%run` lines of the cell: with several, each binds only the names its program defined
    # imports of modules a cell writes or downloads, kept in place (later steps repeat them)
    local_imports: list[cst.SimpleStatementLine] = field(default_factory=list)


def plotting_functions(cells: Sequence[CellAnalysis], moved: frozenset[str], resolve) -> frozenset[str]:  # noqa: ANN001
    """The notebook's own functions (moved to the functions module) that draw a figure and do not
    show it: `def show_grid(images): fig, axes = plt.subplots(...); ...; fig.savefig(...)`, and
    those calling one. A notebook's inline backend closes every figure at the end of the cell that
    called one, whether or not the cell itself names matplotlib; the package saves (and so
    closes) it there too, or a later cell's `plt.plot` draws into that figure (fidelity: fair
    check 15's sample_grid wrote its loss curve into the last panel of the grid)."""
    draws: dict[str, bool] = {}
    calls: dict[str, set[str]] = {}
    for ca in cells:
        if not ca.masked.is_python or ca.facts.syntax_error is not None or "def " not in ca.masked.python:
            continue
        try:
            module = cst.parse_module(ca.masked.python)
        except cst.ParserSyntaxError:
            continue
        for statement in module.body:
            if not isinstance(statement, cst.FunctionDef) or statement.name.value not in moved:
                continue
            finder = _PlotCalls(resolve)
            statement.body.visit(finder)
            draws[statement.name.value] = finder.plotted and not finder.showed
            calls[statement.name.value] = finder.names
    plotting = {name for name, drew in draws.items() if drew}
    grown = True
    while grown:  # a helper calling a plotting helper draws too
        grown = False
        for name, called in calls.items():
            if name not in plotting and called & plotting and name in draws:
                plotting.add(name)
                grown = True
    return frozenset(plotting)


def _draws_or_shows(call: cst.Call, resolve) -> tuple[bool, bool]:  # noqa: ANN001
    """(whether the call draws: `PLOT_MODULES`, `PLOT_METHODS`; whether it is matplotlib's `show`)."""
    dotted = dotted_name(call.func)
    resolved = resolve(dotted) if dotted else ""
    method = call.func.attr.value if isinstance(call.func, cst.Attribute) else dotted
    draws = resolved.startswith(PLOT_MODULES) or method in PLOT_METHODS
    shows = resolved == "matplotlib.pyplot.show" or (dotted.endswith(".show") and resolved.startswith("matplotlib"))
    return draws, shows


class _PlotCalls(cst.CSTVisitor):
    """What a function body calls: whether it draws (`PLOT_MODULES`, `PLOT_METHODS`), whether it
    shows, and the plain names it calls."""

    def __init__(self, resolve):  # noqa: ANN001
        super().__init__()
        self.resolve = resolve
        self.plotted = False
        self.showed = False
        self.names: set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        draws, shows = _draws_or_shows(node, self.resolve)
        self.plotted |= draws
        self.showed |= shows
        if isinstance(node.func, cst.Name):
            self.names.add(node.func.value)


def transform_cell(
    ca: CellAnalysis,
    replacements: dict[tuple[int, int], str],
    moved: frozenset[str],
    figure_prefix: str,
    resolve,  # noqa: ANN001 - NotebookFacts.resolve
    config_name: str = "cfg",
    injected: tuple[str, ...] = (),
    written: frozenset[str] = frozenset(),
    environment_names: frozenset[str] = frozenset(),
    logged_name: Optional[str] = None,
    bound_names: Optional[frozenset[str]] = None,
    plotting: frozenset[str] = frozenset(),
    module_names: frozenset[str] = frozenset(),
) -> CellOutcome:
    """`plotting`: the notebook's functions that draw a figure without showing it
    (`plotting_functions`); `module_names`: names the package binds at a module's level, not in a
    step (imports, moved definitions); `written`: modules a cell downloads or writes (their imports stay where they are, after the
    download); `environment_names`: names bound by environment-only imports (`google.colab`);
    `bound_names`: the names the notebook binds, which a line's `{expr}` expansion may read
    (compile/expansion.py; None: any name)."""
    outcome = CellOutcome()
    outcome.injected = injected
    masked = ca.masked
    outcome.runs = sum(1 for m in masked.magics if m.name == "run" and m.kind in ("line_magic", "automagic"))
    magic_by_line = {m.line: m for m in masked.magics}
    if not masked.is_python or (masked.cell_magic is not None and masked.cell_magic not in IPYTHON_BODY_CELL_MAGICS):
        # Also the notebook's own cell magic (`%%backend torch`): the audit reads its body as the
        # Python it runs, but whether it runs is the magic's decision; a person translates it.
        _non_python_cell(ca, outcome)
        return outcome
    if masked.cell_magic is not None:
        header = next(m for m in masked.magics if m.kind == "cell_magic")
        note = f"%%{header.name} {header.args}".strip()
        if header.name == "timeit":
            outcome.changes.append((header.line, f"`{note}`: the body runs once instead of being timed"))
        else:
            outcome.changes.append((header.line, f"`{note}` dropped: the body runs as plain Python"))
    if not masked.python.strip():
        for m in masked.magics:
            _magic(m, outcome, bound_names)
        return outcome
    module = cst.parse_module(masked.python)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    rewriter = _Rewriter(positions, replacements, resolve, figure_prefix, outcome, config_name, plotting,
                         _SessionNames(module_names, bound_names))
    new_module = module.visit(rewriter)
    # A cell of definitions only (a plotting helper) draws nothing when it runs: the notebook
    # showed no figure under it, so the package saves none (an empty image, before).
    only_definitions = all(
        isinstance(s, (cst.FunctionDef, cst.ClassDef))
        or (isinstance(s, cst.SimpleStatementLine) and all(isinstance(x, (cst.Import, cst.ImportFrom)) for x in s.body))
        for s in module.body
    )
    plots_without_show = rewriter.plotted and not rewriter.showed and not only_definitions
    if module.header:
        for line in module.header:
            if line.comment is not None:
                outcome.items.append(line.comment.value)
    for original, updated in zip(module.body, new_module.body):
        line = positions[original].start.line
        magic = magic_by_line.get(line)
        if magic is not None and _is_placeholder(original, magic):
            if magic.kind != "cell_magic":
                _magic(magic, outcome, bound_names)
            continue
        first_line = module.code_for_node(original).strip().splitlines()[0] if module.code_for_node(original).strip() else ""
        if isinstance(updated, cst.SimpleStatementLine) and all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in updated.body):
            modules = {m for s in updated.body for m in _imported_modules(s)}
            if any(m == "google.colab" or m.startswith("google.colab.") for m in modules):
                outcome.review.append((line, f"environment-only `{first_line}` removed: the package does not run in Colab"))
                continue
            if {m.split(".")[0] for m in modules} & written:
                # The module is a file an earlier cell downloads or writes: import it here, after that.
                outcome.items.append(_stmt("if os.getcwd() not in sys.path:  # the kernel imported from its working directory\n    sys.path.insert(0, os.getcwd())\n"))
                outcome.items.append(updated)
                outcome.local_imports.append(updated)
                outcome.needs |= {"os", "sys"}
                outcome.changes.append((line, f"`{first_line}` kept in place: the module is a file a cell writes or downloads"))
                continue
            outcome.imports.append(updated)
            continue
        main_body = _main_guard_body(updated)
        if main_body is not None:
            # The kernel runs every cell in the module `__main__`: the guard held and its body ran.
            # In a step, `__name__` is the package module's name and the body would never run.
            outcome.items.extend(main_body)
            outcome.changes.append((line, f"`{first_line}` unwrapped: a notebook's cells run as `__main__`, so its body ran; "
                                          "in a step `__name__` is the module's name, and the body would not run"))
            continue
        colab_fallback = _colab_detection_fallback(original, updated)
        if colab_fallback is not None:
            # `try: from google.colab import drive … COLAB = True / except ImportError: COLAB = False`:
            # outside Colab the import fails and the handler runs; the package runs that branch.
            outcome.items.extend(colab_fallback)
            outcome.changes.append((line, "Colab detection `try` replaced by its `except ImportError` branch: the package does not run in Colab"))
            continue
        system = _ipython_system_call(updated)
        if system is not None:
            command, literal = system
            outcome.items.append(_stmt(f"subprocess.run({command}, shell=True)"))
            outcome.needs.add("subprocess")
            outcome.changes.append((line, f"`{first_line}` became `subprocess.run` (the package has no IPython)"))
            if literal is None or "{" in literal or "$" in literal:
                outcome.review.append((line, f"`{first_line}`: IPython expands variables in the command; check the generated command"))
            continue
        colab_branch = _colab_branch_fallback(original, updated, environment_names)
        if colab_branch is not None:
            # `if "google.colab" in sys.modules: <Colab set-up> / else: token = os.environ[...]`:
            # outside Colab the `else` runs; the package runs that branch (fixture
            # fair12/hosted_only_import: the whole `if` was removed, and the package failed on `token`).
            outcome.items.extend(colab_branch)
            outcome.changes.append((line, "Colab-only `if` replaced by its `else` branch: the package does not run in Colab"))
            continue
        environment = _environment_only(original, environment_names, resolve)
        if environment:
            outcome.review.append((line, f"environment-only `{first_line}` removed ({environment}); do it outside the package"))
            continue
        interactive = _interactive_input(updated, resolve)
        if interactive is not None:
            outcome.items.append(interactive[0])
            outcome.needs.add("os")
            outcome.review.append((line, interactive[1]))
            continue
        if isinstance(updated, (cst.FunctionDef, cst.ClassDef)) and updated.name.value in moved:
            outcome.changes.append((line, f"`{updated.name.value}` moved to the functions module"))
            continue
        if _display_only(updated):
            outcome.changes.append((line, "display-only expression dropped"))
            continue
        if original is module.body[-1] and logged_name is not None:
            expression = updated.body[0].value  # type: ignore[attr-defined]
            outcome.items.append(cst.SimpleStatementLine(body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(logged_name))], value=expression)]))
            outcome.changes.append((line, f"`{first_line}` showed a number: it is now the step's value `{logged_name}` (logged as a metric)"))
            continue
        if dead_display(original, resolve):
            outcome.changes.append((line, f"`{first_line}` dropped: it computed a value that was only displayed, and changes nothing"))
            continue
        outcome.items.append(updated)
    # Magic lines inside blocks (masked to `pass`) cannot be translated in place: list them.
    listed: set[int] = set()  # (`%time !cmd` is two magics of one line: a timing and its shell command)
    for m in masked.magics:
        if m.kind != "cell_magic" and m.text[:1] in (" ", "\t") and m.kind in ("shell", "line_magic", "automagic") and m.line not in listed:
            listed.add(m.line)
            outcome.review.append((m.line, f"`{m.text.strip()}` inside a block was replaced by `pass`; translate it by hand"))
    if plots_without_show:
        outcome.items.append(_save_figure_statement(f"{figure_prefix}_{rewriter.figure_count + 1}"))
        outcome.needs.add("save_figure")
        outcome.changes.append((1, "figure saved to the artifacts folder"))
    outcome.replaced = rewriter.replaced
    return outcome


def _main_guard_body(node: cst.CSTNode) -> Optional[list[cst.BaseStatement]]:
    """The body of a top-level `if __name__ == "__main__":` (either side; any quotes), whose
    `else` never ran in a notebook; None for any other statement."""
    if not isinstance(node, cst.If):
        return None
    test = node.test
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1 or not isinstance(test.comparisons[0].operator, cst.Equal):
        return None
    sides = (test.left, test.comparisons[0].comparator)
    names = [side for side in sides if isinstance(side, cst.Name) and side.value == "__name__"]
    strings = [side for side in sides if isinstance(side, cst.SimpleString) and side.evaluated_value == "__main__"]
    if len(names) != 1 or len(strings) != 1:
        return None
    if isinstance(node.body, cst.SimpleStatementSuite):  # `if __name__ == "__main__": main()`
        return [cst.SimpleStatementLine(body=list(node.body.body))]
    return list(node.body.body)


def _colab_detection_fallback(original: cst.CSTNode, updated: cst.CSTNode) -> Optional[list[cst.BaseStatement]]:
    """The statements of the `except ImportError:` (or ModuleNotFoundError, Exception, bare)
    handler of a top-level `try` whose body imports google.colab; None for any other statement."""
    if not isinstance(original, cst.Try) or not isinstance(updated, cst.Try) or updated.orelse or updated.finalbody:
        return None
    if not _imports_colab(original.body.body):
        return None
    for handler in updated.handlers:
        caught = "" if handler.type is None else cst.Module(body=[]).code_for_node(handler.type)
        if handler.name is None and caught in ("", "ImportError", "ModuleNotFoundError", "Exception"):
            return list(handler.body.body)
    return None


def _colab_branch_fallback(original: cst.CSTNode, updated: cst.CSTNode, environment_names: frozenset[str]) -> Optional[list[cst.BaseStatement]]:
    """The statements of the `else:` of a top-level `if` whose body imports google.colab or uses
    a name an environment-only import bound (`userdata`), when that `else` does neither; None for
    any other statement (an `elif` chain stays what it is: a person reads it)."""
    if not isinstance(original, cst.If) or not isinstance(updated, cst.If):
        return None
    if not isinstance(original.orelse, cst.Else) or not isinstance(updated.orelse, cst.Else):
        return None

    def colab_only(block: cst.CSTNode) -> bool:
        return _imports_colab(_statements(block)) or bool(_names_in(block) & environment_names)

    if not colab_only(original.body) or colab_only(original.orelse.body):
        return None
    body = updated.orelse.body
    if isinstance(body, cst.IndentedBlock):
        return list(body.body)
    return [cst.SimpleStatementLine(body=list(body.body))]  # `else: x = 1` on one line


def _imports_colab(statements: Sequence[cst.CSTNode]) -> bool:
    """Does one of these statements import google.colab (or a module under it)?"""
    return any(
        isinstance(s, cst.SimpleStatementLine)
        and any(m == "google.colab" or m.startswith("google.colab.") for x in s.body for m in _imported_modules(x))
        for s in statements
    )


def _statements(block: cst.CSTNode) -> list[cst.SimpleStatementLine]:
    """Every statement inside a block, at any depth (an import under a nested `if` counts)."""
    found: list[cst.SimpleStatementLine] = []

    class Collector(cst.CSTVisitor):
        def visit_SimpleStatementLine(self, n: cst.SimpleStatementLine) -> None:
            found.append(n)

    block.visit(Collector())
    return found


def _ipython_system_call(stmt: cst.CSTNode) -> Optional[tuple[str, Optional[str]]]:
    """`get_ipython().system(<command>)` as a statement: (the command's code, its literal value
    when it is a plain string), else None."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr)):
        return None
    call = stmt.body[0].value
    if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "system"
            and len(call.args) == 1 and call.args[0].keyword is None and call.args[0].star == ""):
        return None
    owner = call.func.value
    if not (isinstance(owner, cst.Call) and isinstance(owner.func, cst.Name) and owner.func.value == "get_ipython" and not owner.args):
        return None
    argument = call.args[0].value
    literal = argument.evaluated_value if isinstance(argument, cst.SimpleString) else None
    return cst.Module(body=[]).code_for_node(argument), literal if isinstance(literal, str) else None


def _imported_modules(stmt: cst.BaseSmallStatement) -> list[str]:
    empty = cst.Module(body=[])
    if isinstance(stmt, cst.Import):
        return [empty.code_for_node(a.name) for a in stmt.names]
    if isinstance(stmt, cst.ImportFrom) and not stmt.relative and stmt.module is not None:
        base = empty.code_for_node(stmt.module)
        if isinstance(stmt.names, cst.ImportStar):
            return [base]
        return [base, *(f"{base}.{empty.code_for_node(a.name)}" for a in stmt.names)]
    return []


def _names_in(node: cst.CSTNode) -> set[str]:
    names: set[str] = set()

    class Collector(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            names.add(n.value)

    node.visit(Collector())
    return names


_DRIVE_MARKERS = ("drive/", "/content/drive", "/content/gdrive", "gdrive/", "MyDrive")


def _environment_only(stmt: cst.BaseStatement, environment_names: frozenset[str], resolve) -> str:  # noqa: ANN001
    """Why a top-level statement only sets up the notebook's environment ("" when it does not):
    it uses a Colab module (`auth.authenticate_user()`, `drive.mount(…)`), or moves into a mounted
    Drive folder (`os.chdir("drive/My Drive/…")`)."""
    used = _names_in(stmt) & environment_names
    if used:
        return "uses " + ", ".join(f"`{n}`" for n in sorted(used)) + " from google.colab"
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr):
        call = stmt.body[0].value
        if isinstance(call, cst.Call):
            dotted = dotted_name(call.func)
            if dotted and resolve(dotted) == "os.chdir":
                text = cst.Module(body=[]).code_for_node(call)
                if any(marker in text for marker in _DRIVE_MARKERS):
                    return "a Google Drive folder"
    return ""


_INPUT_CALLS = ("getpass.getpass", "input", "builtins.input")


def _interactive_input(stmt: cst.BaseStatement, resolve):  # noqa: ANN001, ANN202 - (statement, review text) | None
    """`token = getpass.getpass()` / `name = input("…")` → read from the environment variable
    `TOKEN` / `NAME` (a package cannot stop and ask); a bare `input()` → nothing."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    small = stmt.body[0]
    value = small.value if isinstance(small, (cst.Assign, cst.Expr)) else None
    if not isinstance(value, cst.Call):
        return None
    dotted = dotted_name(value.func)
    if not dotted or (resolve(dotted) not in _INPUT_CALLS and dotted not in ("input", "getpass")):
        return None
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        target = small.targets[0].target.value
        variable = target.upper()
        replacement = _stmt(f"{target} = os.environ.get({variable!r}, '')\n")
        return replacement, f"interactive `{dotted}()` replaced by the environment variable `{variable}`: a package cannot stop and ask"
    return _stmt("pass\n"), f"interactive `{dotted}()` removed: a package cannot stop and ask"


def _is_placeholder(node: cst.CSTNode, magic: MagicLine) -> bool:
    """The masker put `pass` (or `x = None` for `x = !cmd`) where the magic was."""
    if not isinstance(node, cst.SimpleStatementLine) or len(node.body) != 1:
        return False
    stmt = node.body[0]
    if isinstance(stmt, cst.Pass):
        return True
    if isinstance(stmt, cst.Assign) and magic.assigned_to:
        value = stmt.value
        if isinstance(value, cst.Name) and value.value == "None":
            return True
        if isinstance(value, cst.Tuple) and all(isinstance(e.value, cst.Name) and e.value.value == "None" for e in value.elements):
            return True
    return False


def _save_figure_statement(name: str) -> cst.SimpleStatementLine:
    return cst.parse_statement(f'save_figure("{name}")')  # type: ignore[return-value]


@dataclass(frozen=True)
class _SessionNames:
    """What a cell's `'x' in globals()` can be translated against: the names the package binds at
    a module's level (a step's own names do not include them), and the names the notebook binds
    (None: unknown), which tell whether it rebinds `globals`/`dir` itself."""

    module_level: frozenset[str] = frozenset()
    bound: Optional[frozenset[str]] = None


# Names the kernel's namespace holds that no step has: `'In' in globals()` is True in a notebook.
_KERNEL_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit", "_", "__", "___", "_i", "_ii", "_iii", "_ih", "_oh", "_dh",
                           "_exit_code", "_sh"})
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


class _Rewriter(cst.CSTTransformer):
    def __init__(self, positions, replacements, resolve, figure_prefix: str, outcome: CellOutcome, config_name: str,  # noqa: ANN001
                 plotting: frozenset[str] = frozenset(), session: _SessionNames = _SessionNames()):
        super().__init__()
        self.session = session
        self.scope_depth = 0  # inside a def, class or lambda: their own namespace
        self.comprehension_depth = 0
        self.config_name = config_name
        self.plotting = plotting
        self.positions = positions
        self.replacements = replacements
        self.resolve = resolve
        self.figure_prefix = figure_prefix
        self.outcome = outcome
        self.concat_depth = 0
        self.plotted = False
        self.showed = False
        self.figure_count = 0
        self.replaced: set[tuple[int, int]] = set()
        # Other uses of the session's namespace (`globals()['x'] = 1`, `print(dir())`), by line:
        # listed for review once per line, after the cell, unless a session-name test of that line
        # already has its own review item.
        self.session_test_calls: set[cst.Call] = set()
        self.namespace_uses: dict[int, str] = {}
        self.session_test_review_lines: set[int] = set()

    def _position(self, node: cst.CSTNode) -> tuple[int, int]:
        rng = self.positions.get(node)
        return (rng.start.line, rng.start.column + 1) if rng is not None else (0, 0)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scope_depth += 1

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        self.scope_depth -= 1
        return updated

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scope_depth += 1

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        self.scope_depth -= 1
        return updated

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.scope_depth += 1

    def leave_Lambda(self, original: cst.Lambda, updated: cst.Lambda) -> cst.BaseExpression:
        self.scope_depth -= 1
        return updated

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, _COMPREHENSIONS):
            self.comprehension_depth += 1
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # noqa: ANN201 - libcst's own signature
        if isinstance(original_node, _COMPREHENSIONS):
            self.comprehension_depth -= 1
        return super().on_leave(original_node, updated_node)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if _session_test(node, self.session.bound) is not None:
            comparator = node.comparisons[0].comparator
            assert isinstance(comparator, cst.Call)
            self.session_test_calls.add(comparator)

    def _namespace_call(self, original: cst.Call) -> None:
        """Note `globals()` anywhere, and `dir()`, `locals()` or `vars()` at a cell's top level, used
        otherwise than in a session-name test: in a kernel they read (or, `globals()[name] = …`,
        `locals().update(…)`, write) the session's one namespace; in a package `globals()` is a
        module's and the others a step's own names, so the code reads or writes something else."""
        func = original.func
        if original.args or not isinstance(func, cst.Name) or func.value not in NAMESPACE_CALLS:
            return
        if original in self.session_test_calls or (self.session.bound is not None and func.value in self.session.bound):
            return
        if func.value != "globals" and (self.scope_depth > 0 or self.comprehension_depth > 0):
            return  # a function's or comprehension's own names: the same in a step
        line = self._position(original)[0]
        self.namespace_uses.setdefault(line, func.value)

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        for line, call in sorted(self.namespace_uses.items()):
            if line in self.session_test_review_lines:
                continue
            self.outcome.review.append((line, f"`{call}()` reads the notebook's session namespace, which a package has no "
                                              "counterpart for (a module's globals are not the session's; a step's names are its "
                                              "own): what this line reads or writes differs in the package: check it by hand"))
        return updated

    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison) -> cst.BaseExpression:
        """`'stats' in globals()` at a cell's top level asks the kernel's namespace whether a cell
        bound `stats`. In a step the notebook's names are the step's own (its parameters and
        variables; an input the notebook left unbound is deleted on entry), so `globals()` becomes
        `locals()`; `dir()`, `locals()` and `vars()` already read the step's names. A name a step
        has no counterpart for (the kernel's `In`, an import the package hoists) is left for review."""
        test = _session_test(original, self.session.bound)
        if test is None:
            return updated
        name, call = test
        line = self._position(original)[0]
        text = f"'{name}' in {call}()"  # an identifier (`_session_test`): safe in the review's markdown
        nested = self.scope_depth > 0 or self.comprehension_depth > 0
        if nested:
            if call == "globals" and name not in self.session.module_level:
                self.session_test_review_lines.add(line)
                self.outcome.review.append((line, f"`{text}` inside a function or comprehension asks the notebook's namespace, which a "
                                                  "package has no counterpart for (a module's globals are not the session's): check it by hand"))
            return updated
        if name in _KERNEL_NAMES or IPYTHON_HISTORY.match(name) or (name.startswith("__") and name.endswith("__") and name != "__file__"):
            self.session_test_review_lines.add(line)
            self.outcome.review.append((line, f"`{text}` asks about a name the kernel provides and a step does not have: check it by hand"))
            return updated
        if name in self.session.module_level:
            self.session_test_review_lines.add(line)
            self.outcome.review.append((line, f"`{text}`: the package binds `{name}` at its module's level (an import or a moved "
                                              "definition), not in the step, so the test cannot be translated: check it by hand"))
            return updated
        if name == "__file__":
            self.session_test_review_lines.add(line)
            self.outcome.review.append((line, f"`{text}` was False in the notebook (a kernel has no `__file__`) and stays False in "
                                              "the step, which tests its own names: edit it if the package should take the script's branch"))
        if call != "globals":
            return updated
        self.outcome.changes.append((line, f"`{text}` now tests the step's own names (`locals()`): the names the notebook's "
                                           "session held are the step's parameters and variables"))
        comparison = updated.comparisons[0]
        call_node = comparison.comparator
        assert isinstance(call_node, cst.Call)
        locals_call = call_node.with_changes(func=cst.Name("locals"))
        return updated.with_changes(comparisons=[comparison.with_changes(comparator=locals_call)])

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self.concat_depth += 1

    def leave_ConcatenatedString(self, original: cst.ConcatenatedString, updated: cst.ConcatenatedString) -> cst.BaseExpression:
        self.concat_depth -= 1
        return updated

    def _field(self, original: cst.CSTNode) -> Optional[str]:
        if self.concat_depth:
            return None
        return self.replacements.get(self._position(original))

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString) -> cst.BaseExpression:
        name = self._field(original)
        if name is None:
            return updated
        self.replaced.add(self._position(original))
        return cst.Attribute(value=cst.Name(self.config_name), attr=cst.Name(name))

    def leave_Integer(self, original: cst.Integer, updated: cst.Integer) -> cst.BaseExpression:
        name = self._field(original)
        if name is None:
            return updated
        self.replaced.add(self._position(original))
        return cst.Attribute(value=cst.Name(self.config_name), attr=cst.Name(name))

    def leave_Float(self, original: cst.Float, updated: cst.Float) -> cst.BaseExpression:
        name = self._field(original)
        if name is None:
            return updated
        self.replaced.add(self._position(original))
        return cst.Attribute(value=cst.Name(self.config_name), attr=cst.Name(name))

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if original.value not in ("True", "False"):
            return updated
        name = self._field(original)
        if name is None:
            return updated
        self.replaced.add(self._position(original))
        return cst.Attribute(value=cst.Name(self.config_name), attr=cst.Name(name))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        self._namespace_call(original)
        if isinstance(original.func, cst.Attribute) and original.func.attr.value == "cuda" and not original.args:
            name = self._field(original)
            if name is not None and isinstance(updated.func, cst.Attribute):
                # `.cuda()` → `.to(cfg.device)`: the device is configuration, with a CPU fallback
                self.replaced.add(self._position(original))
                self.outcome.changes.append((self._position(original)[0], f"`.cuda()` now moves to `{self.config_name}.{name}` (the GPU when there is one, else the CPU)"))
                device = cst.Attribute(value=cst.Name(self.config_name), attr=cst.Name(name))
                return updated.with_changes(func=updated.func.with_changes(attr=cst.Name("to")), args=[cst.Arg(device)])
        draws, shows = _draws_or_shows(original, self.resolve)
        if draws or isinstance(original.func, cst.Name) and original.func.value in self.plotting:
            self.plotted = True
        if shows:
            self.showed = True
            self.figure_count += 1
            self.outcome.needs.add("save_figure")
            self.outcome.changes.append((self._position(original)[0], "`plt.show()` now saves the figure to the artifacts folder"))
            return cst.Call(func=cst.Name("save_figure"), args=[cst.Arg(cst.SimpleString(f'"{self.figure_prefix}_{self.figure_count}"'))])
        return updated


def _session_test(node: cst.Comparison, bound: Optional[frozenset[str]]) -> Optional[tuple[str, str]]:
    """(name, namespace builtin) of `'name' in dir()` / `not in globals()` (also `locals()`,
    `vars()`) when the builtin is Python's own (the notebook does not bind that name), else None."""
    if len(node.comparisons) != 1 or not isinstance(node.comparisons[0].operator, (cst.In, cst.NotIn)):
        return None
    left, right = node.left, node.comparisons[0].comparator
    if not isinstance(left, cst.SimpleString) or not isinstance(right, cst.Call) or right.args:
        return None
    if not isinstance(right.func, cst.Name) or right.func.value not in NAMESPACE_CALLS:
        return None
    if bound is not None and right.func.value in bound:
        return None
    name = left.evaluated_value
    if not isinstance(name, str) or not name.isidentifier():
        return None
    return name, right.func.value


def _pure(node: cst.CSTNode) -> bool:
    if isinstance(node, (cst.Name, cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary, cst.Ellipsis)):
        return True
    if isinstance(node, cst.Attribute):
        return _pure(node.value)
    if isinstance(node, cst.Subscript):
        return _pure(node.value) and all(_pure_slice(s.slice) for s in node.slice)
    if isinstance(node, (cst.Tuple, cst.List)):
        return all(_pure(e.value) for e in node.elements)
    if isinstance(node, cst.BinaryOperation):
        return _pure(node.left) and _pure(node.right)
    if isinstance(node, cst.UnaryOperation):
        return _pure(node.expression)
    if isinstance(node, cst.Comparison):
        return _pure(node.left) and all(_pure(c.comparator) for c in node.comparisons)
    if isinstance(node, cst.BooleanOperation):
        return _pure(node.left) and _pure(node.right)
    if isinstance(node, cst.Call):
        args_pure = all(_pure(a.value) for a in node.args)
        if isinstance(node.func, cst.Name):
            return node.func.value in PURE_DISPLAY_FUNCTIONS and args_pure
        if isinstance(node.func, cst.Attribute):
            return node.func.attr.value in PURE_DISPLAY_METHODS and _pure(node.func.value) and args_pure
    return False


def _pure_slice(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.Index):
        return _pure(node.value)
    if isinstance(node, cst.Slice):
        return all(part is None or _pure(part) for part in (node.lower, node.upper, node.step))
    return False


# Calls that compute a value and change nothing: a bare expression made only of these, whose value
# was shown and then lost, is dead code in the package (`knn.predict(…)`, `np.average(cross_val_score(…))`).
READING_MODULES = ("numpy.", "pandas.", "math.", "statistics.", "sklearn.metrics.", "sklearn.model_selection.cross_val",
                   "scipy.stats.")
READING_METHODS = frozenset({"predict", "predict_proba", "predict_log_proba", "decision_function", "score", "transform",
                             "inverse_transform", "evaluate", "mean", "sum", "std", "var", "min", "max", "median",
                             "tolist", "item", "copy", "corr", "describe"}) | PURE_DISPLAY_METHODS
READING_FUNCTIONS = frozenset({"len", "round", "sum", "min", "max", "abs", "float", "int", "str", "sorted", "list", "tuple",
                               "dict", "set", "repr", "type", "zip", "range", "enumerate", "all", "any"})


def side_effect_free(node: cst.CSTNode, resolve) -> bool:  # noqa: ANN001
    """Every call in the expression is a reading one (catalogue above), nothing is assigned."""
    ok = True

    class Checker(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            nonlocal ok
            dotted = dotted_name(call.func)
            resolved = resolve(dotted) if dotted else ""
            if isinstance(call.func, cst.Name) and call.func.value in READING_FUNCTIONS:
                return
            if resolved.startswith(READING_MODULES) and not resolved.startswith(PLOT_MODULES):
                if not any(part in resolved for part in (".to_", ".read_", ".save", ".load", ".random.", ".plot")):
                    return
            if isinstance(call.func, cst.Attribute) and call.func.attr.value in READING_METHODS:
                return
            ok = False

        def visit_NamedExpr(self, n: cst.NamedExpr) -> None:
            nonlocal ok
            ok = False

        def visit_Lambda(self, n: cst.Lambda) -> bool:
            return False

    node.visit(Checker())
    return ok


def displayed_number(ca: CellAnalysis) -> bool:
    """The cell's saved result (its last expression's value, as shown) is a number."""
    import ast
    import re

    result = next((o for o in ca.cell.outputs if o.output_type == "execute_result"), None)
    if result is None:
        return False
    text = result.text.strip()
    match = re.match(r"^np\.(?:float|int|uint)\w*\((.*)\)$", text)
    if match:
        text = match.group(1)
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return False
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def dead_display(stmt: cst.BaseStatement, resolve) -> bool:  # noqa: ANN001
    """A bare expression statement that computes without side effects: its value was only shown."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Expr):
        return False
    value = stmt.body[0].value
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.Name)):
        return False
    return side_effect_free(value, resolve)


def logged_display(ca: CellAnalysis, resolve) -> bool:  # noqa: ANN001
    """The cell ends in a dead display whose shown value was a number: it becomes a logged value."""
    if ca.facts.syntax_error is not None or not ca.masked.is_python or not ca.masked.python.strip() or ca.masked.magics:
        return False
    try:
        module = cst.parse_module(ca.masked.python)
    except cst.ParserSyntaxError:
        return False
    if not module.body:
        return False
    last = module.body[-1]
    if isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1].semicolon, cst.Semicolon):
        return False  # `expr;` showed nothing
    return dead_display(last, resolve) and not _display_only(last) and displayed_number(ca)


def _display_only(stmt: cst.BaseStatement) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    expr = stmt.body[0]
    if not isinstance(expr, cst.Expr):
        return False
    value = expr.value
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
        return False  # a docstring-like string is harmless; keep it as written
    return _pure(value)


# --- magics -------------------------------------------------------------------------------------


def _stmt(code: str) -> cst.BaseStatement:
    return cst.parse_statement(code)


def _install_line(m: MagicLine) -> bool:
    words = m.args.split()
    if m.name in ("pip", "conda", "mamba", "uv") and "install" in words:
        return True
    if m.kind == "shell" and words[:1] in (["pip"], ["pip3"], ["conda"], ["mamba"]) and "install" in words:
        return True
    if m.kind == "shell" and len(words) > 3 and words[1:3] == ["-m", "pip"] and "install" in words:
        return True
    return False


def _system_install(m: MagicLine) -> bool:
    # `sudo DEBIAN_FRONTEND=noninteractive apt install …`: the prefix and environment assignments aside.
    words = [w for w in (m.name + " " + m.args).split() if w != "sudo" and not re.match(r"^[A-Za-z_]\w*=", w)]
    return bool(words) and words[0] in ("apt", "apt-get", "add-apt-repository", "yum", "dnf", "apk", "brew")


def _magic(m: MagicLine, outcome: CellOutcome, bound_names: Optional[frozenset[str]] = None) -> None:
    original = m.text.strip()
    if m.kind == "help":
        outcome.changes.append((m.line, f"help `{original}` dropped"))
        return
    if _install_line(m):
        outcome.items.append(f"# nbrefactor: `{original}` moved to requirements.txt")
        outcome.changes.append((m.line, f"`{original}` moved to requirements.txt"))
        return
    if m.kind == "shell" and _system_install(m):
        outcome.items.append(f"# nbrefactor: `{original}` removed: install system packages in the image (Dockerfile)")
        outcome.review.append((m.line, f"environment-only `{original}` removed: a system package install belongs in the image, not in a step"))
        return
    if m.kind == "shell":
        command = m.args
        # IPython puts the values of `{expr}` fields into the line before the shell sees it.
        code = expanded(command, bound_names)
        if code is None and ("{" in command or "$" in command):
            outcome.review.append((m.line, f"`{original}` uses IPython variable expansion; check the generated command"))
        code = code if code is not None else repr(command)
        if m.assigned_to:
            target = ", ".join(m.assigned_to)
            outcome.items.append(
                # IPython's `x = !cmd` captures stderr with stdout (getoutput runs it with
                # stderr=STDOUT): `!ls missing` gives the error line, not an empty list.
                _stmt(f"{target} = subprocess.run({code}, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout.splitlines()")
            )
        else:
            outcome.items.append(_stmt(f"subprocess.run({code}, shell=True)"))
        outcome.needs.add("subprocess")
        outcome.changes.append((m.line, f"shell line `{original}` became `subprocess.run`" + (
            " (IPython's `{…}` expansion as an f-string: the command gets the values, as in the kernel)" if code.startswith("f") else "")))
        return
    name = m.name
    if name == "cd":
        _cd(m, outcome, bound_names)
        return
    if name in ("env", "set_env") and ("=" in m.args or " " in m.args.strip()):
        key, _, value = m.args.partition("=") if "=" in m.args else m.args.strip().partition(" ")
        outcome.items.append(_stmt(f"os.environ[{key.strip()!r}] = {value.strip()!r}"))
        outcome.needs.add("os")
        outcome.changes.append((m.line, f"`{original}` became `os.environ[...]`"))
        return
    if name == "run":
        _run(m, outcome)
        return
    if name == "pylab" and not m.assigned_to:
        # What IPython's %pylab binds (star imports of numpy and matplotlib.pylab, plus np and
        # plt), as module-level imports of the steps module: a star import cannot live in a step.
        for code in ("import numpy as np", "import matplotlib.pyplot as plt", "from matplotlib.pylab import *", "from numpy import *"):
            outcome.imports.append(cst.parse_statement(code))  # type: ignore[arg-type]
        outcome.changes.append((m.line, f"`{original}` became numpy and matplotlib.pylab imports"))
        return
    if name in NOTEBOOK_ONLY_MAGICS and not m.assigned_to:
        outcome.items.append(f"# nbrefactor: dropped notebook-only `{original}`")
        outcome.changes.append((m.line, f"notebook-only `{original}` dropped"))
        return
    outcome.items.append(f"# nbrefactor: review: `{original}`")
    outcome.review.append((m.line, f"`{original}` has no automatic translation"))


# `%cd`'s options (IPython/core/magics/osm.py, `OSMagics.cd`: getopt with "qb", before the folder).
def _cd(m: MagicLine, outcome: CellOutcome, bound_names: Optional[frozenset[str]]) -> None:
    """`%cd` as IPython's `OSMagics.cd` runs it: an OSError is printed and the cell goes on in the
    same folder (`except OSError: print(sys.exc_info()[1])`: a bare os.chdir raised where the
    notebook went on, the fixture zoo_runs' Colab folder absent off Colab); no folder is the home
    folder (whose error is not caught); then, unless `-q`, the folder it is in is printed, as the
    kernel printed it (`print(_dh[-1])`: the folder the last `%cd` reached, the current one unless
    the notebook's own code changed folder since). The notebook's stdout holds that line and verify
    compares what each step printed: without it the line was counted as left out, as if it came
    from a display statement. The history and bookmark forms are refused (`read_cd_line`)."""
    original = m.text.strip()
    cd = read_cd_line(m.args)
    options, target, refused = cd.options, cd.folder, cd.refused
    if refused is not None:
        outcome.items.append(f"# nbrefactor: review: `{original}`")
        outcome.review.append((m.line, f"`{original}` could not be translated: it {refused}"))
        return
    code = expanded(target, bound_names) if target else None  # `%cd {HOME}`: the folder the value names, as IPython expands it
    if code is None and ("{" in target or "$" in target):
        outcome.review.append((m.line, f"`{original}` uses IPython variable expansion; check the generated folder"))
    if not target:
        statement = 'os.chdir(os.path.expanduser("~"))\n'
    else:
        # The name is one a notebook does not use: `except … as name` unbinds it afterwards.
        folder = code if code is not None else repr(target)
        statement = f"try:\n    os.chdir(os.path.expanduser({folder}))\nexcept OSError as _ipython_cd_error:\n    print(_ipython_cd_error)\n"
    outcome.items.append(_stmt(statement))
    if "q" not in options:
        outcome.items.append(_stmt("print(os.getcwd())\n"))
    outcome.needs.add("os")
    what = "`os.chdir`" + ("" if "q" in options else " and prints the folder, as IPython does")
    outcome.changes.append((m.line, f"`{original}` became {what}" + (" (its `{…}` expansion as an f-string)" if code is not None else "")))
    outcome.review.append((m.line, f"`{original}` changes the working directory; prefer config paths"))


def _run(m: MagicLine, outcome: CellOutcome) -> None:
    """`%run`: the program runs as the kernel ran it (`run_magic`), its names bound for the cells below."""
    original = m.text.strip()
    command = read_run_line(m.args) if not m.assigned_to else "its result is assigned"
    if isinstance(command, str):
        outcome.items.append(f"# nbrefactor: review: `{original}`")
        outcome.review.append((m.line, f"`{original}` could not be translated: {command}"))
        return
    call = command.call()
    outcome.items.append(_stmt(f"_run_namespace = {call}" if outcome.injected else call))
    for bound in outcome.injected:
        if outcome.runs > 1:  # IPython adds what each program defined; a name may come from another one
            outcome.items.append(_stmt(f"if {bound!r} in _run_namespace:\n    {bound} = _run_namespace[{bound!r}]\n"))
        else:
            outcome.items.append(_stmt(f"{bound} = _run_namespace[{bound!r}]"))
    outcome.needs.add("run_program")
    what = "module" if command.module else "script"
    outcome.changes.append((m.line, f"`{original}` became `{RUN_HELPER}(…)`: the {what} runs as a program with its arguments in sys.argv, as in IPython"))
    if command.timed:
        outcome.changes.append((m.line, f"`{original}`: IPython's CPU timings after the run dropped"))
    if outcome.injected:
        names = ", ".join(f"`{n}`" for n in outcome.injected)
        outcome.review.append(
            (m.line, f"`{original}` injected the {what}'s names ({names}); the package runs it from the working directory — consider importing them instead")
        )


def _non_python_cell(ca: CellAnalysis, outcome: CellOutcome) -> None:
    masked = ca.masked
    header = next((m for m in masked.magics if m.kind == "cell_magic"), None)
    if header is None:
        return
    lines = ca.cell.source.split("\n")
    body = "\n".join(lines[header.line:])
    name = header.name
    if name == "writefile":
        args = shlex.split(header.args) if header.args else []
        append = "-a" in args or "--append" in args
        target = next((a for a in args if not a.startswith("-")), "")
        if target:
            mode = "a" if append else "w"
            # IPython ends the cell with one newline (TransformerManager.transform_cell) and writes the body after the magic line.
            text = body if body.endswith("\n") else body + "\n"
            outcome.items.append(_stmt(f"with open({target!r}, {mode!r}) as _handle:\n    _handle.write({text!r})\n"))
            outcome.changes.append((header.line, f"`%%writefile {header.args}` became a file write"))
            return
    if name in ("bash", "sh", "script"):
        shell = "bash" if name != "sh" else "sh"
        if name == "script":
            shell = header.args.split()[0] if header.args.split() else "sh"
        outcome.items.append(_stmt(f"subprocess.run([{shell!r}, '-c', {body!r}])"))
        outcome.needs.add("subprocess")
        outcome.changes.append((header.line, f"`%%{name}` cell became `subprocess.run`"))
        return
    if name in DISPLAY_CELL_MAGICS:
        outcome.items.append(f"# nbrefactor: dropped display-only `%%{name}` cell")
        outcome.changes.append((header.line, f"display-only `%%{name}` cell dropped"))
        return
    outcome.items.append(f"# nbrefactor: review: `%%{name} {header.args}`".rstrip() + " cell not translated")
    outcome.review.append((header.line, f"`%%{name}` cell has no automatic translation"))


def function_body(items: Sequence[Union[cst.BaseStatement, str]], trailing: Sequence[cst.BaseStatement] = ()) -> cst.IndentedBlock:
    """Statements and comment lines → an indented block; comments attach to the next statement."""
    body: list[cst.BaseStatement] = []
    pending: list[cst.EmptyLine] = []
    for item in [*items, *trailing]:
        if isinstance(item, str):
            # Comments carry magic-line text from the notebook: one line, so nothing after it is code.
            text = py_comment_text(item)
            pending.append(cst.EmptyLine(indent=True, comment=cst.Comment(text if text.startswith("#") else f"# {text}")))
            continue
        if pending:
            item = item.with_changes(leading_lines=[*pending, *item.leading_lines])
            pending = []
        body.append(item)
    if not body:
        body.append(cst.SimpleStatementLine(body=[cst.Pass()]))
    return cst.IndentedBlock(body=body, footer=pending)


# --- a cell the notebook shows raising ------------------------------------------------------------

def shown_exception(cell) -> Optional[str]:  # noqa: ANN001 - an audit Cell
    """The exception the saved notebook shows this cell raising (its first error output) when the
    kernel went on past it (compile/shown_errors.py), else None."""
    error = next((o for o in cell.outputs if o.output_type == "error"), None)
    return gone_past(error.name) if error is not None else None


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_RAISING_LINE = re.compile(r"^-+>\s*(\d+) ?(.*)$", re.MULTILINE)
_TOP_LEVEL_IMPORT = re.compile(r"^(?:import|from)\s")


def raised_at_top_level_import(cell) -> bool:  # noqa: ANN001 - an audit Cell
    """Whether the saved error came from a top-level `import`/`from … import` line of the cell:
    the traceback's first `---> N` line (the cell's own frame) is line N of the cell as saved, and
    that line is an unindented import. Such an import is hoisted to the module's head, so a
    `try` around the rest of the cell would not hold it: the package imports the module at import
    time (a `skimage` the author's kernel lacked on that run fails there, loudly), and the review
    item must not claim the step catches it."""
    error = next((o for o in cell.outputs if o.output_type == "error"), None)
    if error is None:
        return False
    match = _RAISING_LINE.search(_ANSI.sub("", error.text))
    if match is None:
        return False
    lines = cell.source.splitlines()
    number = int(match.group(1))
    if not 1 <= number <= len(lines):
        return False
    line = lines[number - 1]
    # The saved traceback shows the line it ran; a cell edited since is not judged from it.
    return bool(_TOP_LEVEL_IMPORT.match(line)) and line.strip() == match.group(2).strip()


def catching(items: Sequence[Union[cst.BaseStatement, str]], exception: str) -> list[Union[cst.BaseStatement, str]]:
    """The cell's statements inside `try: … except <exception>: pass`, so the step ends in the state
    the kernel was left in: the statements before the raise ran, the rest did not, and the steps
    after it go on, as the notebook's cells below did. Any other exception still propagates. A
    builtin exception is caught by name; another (a library's `ParserError`) by its class name,
    which is all the saved output records."""
    import builtins

    builtin = isinstance(getattr(builtins, exception, None), type) and issubclass(getattr(builtins, exception), BaseException)
    if builtin:
        handler = f"except {exception}:\n    pass\n"
    else:
        handler = f"except Exception as _shown_error:\n    if type(_shown_error).__name__ != {exception!r}:\n        raise\n"
    statement = cst.parse_statement("try:\n    pass\n" + handler)
    assert isinstance(statement, cst.Try)
    comment = f"# nbrefactor: the notebook shows this cell raising {exception} and goes on: caught here, as the kernel did"
    return [comment, statement.with_changes(body=function_body(items))]
