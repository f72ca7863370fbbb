"""`%run -i` of a script the notebook itself wrote above: its text, inlined at the `%run` (pure).

A book that builds each step as a script (`%%writefile prepare.py`, then `%run -i prepare.py`)
runs the script in the notebook's namespace: IPython's `%run -i` executes the file with the
notebook's globals as its globals (it sees the notebook's names and binds its own there), with
`__name__` set to `"__main__"` (the file's stem under `-n`), `__file__` to the path as written and
`sys.argv` to `[path, *args]`. The `%%writefile` cell's body is the file's text, known statically,
so the compiler does what the kernel did: the `%run` line becomes the script's statements, as if
they were the cell's, and every later stage (the def-use flow, hoisted imports, config, the step's
inputs and outputs) reads them as the cell's own code.

Left as it is (the `%run` stays a review item, as before): a file the notebook did not write
(`written_by` is None: on disk beside it, or unknown), an append (`%%writefile -a`), a script that
does not parse as Python, one that reads `sys.argv` or parses arguments (the package's own
command line would be its argv), a `from __future__` import (only legal at a module's top), a
`%run` inside a block (indented) or with options other than `-i`/`-n`/`-G` or with arguments, and a
`%run` whose cell has a config literal below it (inlining moves that line; the literal's position
is the config's key).

A plain `%run F` of a written file is not inlined: it runs F in a fresh namespace as a program
(`run_magic`'s helper does that faithfully) and the flow binds the names F's text defines.
"""

from __future__ import annotations

import ast
import getopt
import shlex
from dataclasses import dataclass, replace
from typing import Iterable, Optional

from nbrefactor.audit.analysis import NotebookFacts, analyse_notebook
from nbrefactor.audit.dataflow import InjectorKind, def_use
from nbrefactor.compile.run_magic import RUN_OPTIONS

# Modules whose use means the script reads its command line.
_ARGUMENT_PARSERS = frozenset({"argparse", "optparse", "getopt", "click", "typer", "fire", "absl", "docopt"})


@dataclass(frozen=True)
class InlinedRun:
    """One `%run -i` replaced by the text its `%%writefile` cell wrote."""

    cell: int  # the `%run` cell (1-based over all cells)
    line: int  # the `%run` line in it, as in the notebook
    writer: int  # the `%%writefile` cell
    text: str  # the `%run` line as written
    lines: int  # lines inserted in place of the `%run` line (its comment included)


def inline_written_runs(facts: NotebookFacts, config_lines: Iterable[tuple[int, int]] = ()) -> tuple[NotebookFacts, tuple[InlinedRun, ...]]:
    """The notebook with each inlinable `%run -i` line replaced by its script's text, analysed
    again, and what was inlined. `config_lines`: (cell, line) of the literals the config lifts."""
    lifted: dict[int, int] = {}
    for cell, line in config_lines:
        lifted[cell] = max(lifted.get(cell, 0), line)
    by_index = {ca.cell.index: ca for ca in facts.cells}
    done: list[InlinedRun] = []
    new_sources: dict[int, list[str]] = {}
    # Bottom-up within a cell, so earlier lines keep their numbers while the later ones are replaced.
    injectors = sorted(
        (i for i in def_use(facts).injectors if i.kind is InjectorKind.RUN and i.written_by is not None and not i.opaque),
        key=lambda i: (i.cell, -i.line),
    )
    for inj in injectors:
        ca = by_index[inj.cell]
        magic = next((m for m in ca.magics if m.line == inj.line and m.name == "run"), None)
        if magic is None or magic.assigned_to or lifted.get(inj.cell, 0) > inj.line:
            continue
        lines = new_sources.setdefault(inj.cell, ca.cell.source.split("\n"))
        raw = lines[inj.line - 1]
        if raw != raw.lstrip():
            continue  # inside a block: the script's text would need its indentation
        run = _inline_run(magic.args)
        if run is None:
            continue
        target, run_name = run
        text = _written_text(by_index[inj.written_by])
        script = _script_text(text, target, run_name)
        if script is None:
            continue
        comment = (f"# nbrefactor: `{raw.strip()}` inlined: the text cell {inj.written_by} wrote to {target}, "
                   "run in the notebook's namespace as IPython's -i does")
        inserted = [comment, *script.rstrip("\n").split("\n")]
        lines[inj.line - 1:inj.line] = inserted
        done.append(InlinedRun(inj.cell, inj.line, inj.written_by, raw.strip(), len(inserted)))
    if not done:
        return facts, ()
    cells = tuple(replace(c, source="\n".join(new_sources[c.index])) if c.index in new_sources else c for c in facts.notebook.cells)
    # The analyses are of the inlined cells (the code the package runs); the notebook stays the
    # one on disk, which the report shows and the findings' lines point into.
    inlined = analyse_notebook(replace(facts.notebook, cells=cells))
    return replace(inlined, notebook=facts.notebook), tuple(sorted(done, key=lambda r: (r.cell, r.line)))


def _inline_run(args: str) -> Optional[tuple[str, str]]:
    """`-i [-n] [-G] path` with no arguments → (path, the script's `__name__`); None otherwise."""
    try:
        opts, rest = getopt.getopt(shlex.split(args), RUN_OPTIONS)
    except (ValueError, getopt.GetoptError):
        return None
    given = {o[1:] for o, _ in opts}
    if "i" not in given or given - {"i", "n", "G"} or len(rest) != 1:
        return None
    target = rest[0]
    if target.lower().endswith((".ipy", ".ipynb")):
        return None
    stem = target.rsplit("/", 1)[-1]
    stem = stem[:-3] if stem.endswith(".py") else stem
    return target, stem if "n" in given else "__main__"


def _written_text(ca) -> str:  # noqa: ANN001 - the `%%writefile` cell's CellAnalysis
    """What `%%writefile` wrote: the lines after its header, ending in one newline (as IPython)."""
    header = next(m for m in ca.magics if m.kind == "cell_magic")
    body = "\n".join(ca.cell.source.split("\n")[header.line:])
    return body if body.endswith("\n") else body + "\n"


def _script_text(text: str, target: str, run_name: str) -> Optional[str]:
    """The script's text as the cell's statements: `__name__` and `__file__` (which `%run` set for
    the run) become their values; None when the script cannot be inlined faithfully."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    spots: list[tuple[int, int, int, str]] = []  # (line, start, end, replacement)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            return None
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if any(m.split(".")[0] in _ARGUMENT_PARSERS for m in modules):
                return None
        if isinstance(node, ast.Attribute) and node.attr == "argv" or isinstance(node, ast.Name) and node.id == "argv":
            return None
        if isinstance(node, ast.Name) and node.id in ("__name__", "__file__"):
            if not isinstance(node.ctx, ast.Load) or node.lineno != node.end_lineno:
                return None
            value = run_name if node.id == "__name__" else target
            spots.append((node.lineno, node.col_offset, node.end_col_offset, repr(value)))
    lines = text.split("\n")
    for line, start, end, value in sorted(spots, reverse=True):
        encoded = lines[line - 1].encode("utf-8")  # ast's columns are UTF-8 byte offsets
        lines[line - 1] = (encoded[:start] + value.encode("utf-8") + encoded[end:]).decode("utf-8")
    return "\n".join(lines)
