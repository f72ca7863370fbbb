"""Typed, frozen values that flow through the pipeline.

load → parse → analyse → diagnose: every stage takes and returns these values, none does I/O.
"""

from __future__ import annotations

import enum
import posixpath
import re
from dataclasses import dataclass, field, replace
from typing import Optional


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 1, "warning": 2, "error": 3}[self.value]


class Family(str, enum.Enum):
    PATHS = "paths"
    HIDDEN_STATE = "hidden-state"
    DEPENDENCIES = "dependencies"
    RANDOMNESS = "randomness"
    SECURITY = "security"
    STRUCTURE = "structure"
    GPU = "gpu"


# ---------------------------------------------------------------------------
# Loaded notebook (nbformat v4 shape, whatever version was on disk)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    """A code cell's output, as much of it as the rules read."""

    output_type: str  # stream | execute_result | display_data | error
    text: str = ""  # stream text, text/plain data, or the traceback joined
    name: str = ""  # stream name, or the exception name for errors
    mime_types: tuple[str, ...] = ()
    data: tuple[tuple[str, str], ...] = ()  # textual mime bundle entries, for later stages


@dataclass(frozen=True)
class Cell:
    """A notebook cell."""

    index: int  # 1-based position among *all* cells, markdown and raw included
    cell_type: str  # code | markdown | raw
    source: str
    cell_id: Optional[str] = None
    execution_count: Optional[int] = None
    tags: tuple[str, ...] = ()
    outputs: tuple[Output, ...] = ()
    # Another language the cell's own metadata names for it, run by the editor, not the kernel
    # (DataCamp DataLab's SQL cells, `customType: "sql"`; VS Code's `vscode.languageId`); "" for the
    # kernel's language.
    language: str = ""


# Kernel languages whose programs include every Python 3 program: Coconut compiles to Python and
# accepts plain Python 3. A notebook saved under one is Python when all its code cells parse as
# Python (an editor's default kernel on a plain-Python notebook); the engine decides that.
PYTHON_SUPERSETS = frozenset({"coconut"})


@dataclass(frozen=True)
class Notebook:
    """A notebook as read: its cells and its metadata."""

    path: str  # as given by the user, POSIX separators
    cells: tuple[Cell, ...]
    nbformat: int = 4
    nbformat_minor: int = 0
    original_nbformat: int = 4
    kernel_name: str = ""
    kernel_display_name: str = ""  # kernelspec.display_name (`ml-tutorials`, `Python [conda env:ml]`)
    kernel_language: str = ""  # from kernelspec.language or language_info.name
    language_version: str = ""
    # Set by the engine: the kernel's language is a Python superset (`PYTHON_SUPERSETS`) and every
    # code cell parses as Python, so the notebook is analysed as Python.
    plain_python_cells: bool = False
    # The notebook's metadata records a Kaggle run without an accelerator (`kaggle.isGpuEnabled`
    # false or `kaggle.accelerator` "none"): its saved outputs were computed on a CPU.
    saved_on_cpu_kernel: bool = False
    # The notebook is a Databricks export (`notebookId` or Databricks' own notebook metadata): its
    # runtime predefines `spark`, `sc`, `sqlContext`, `display`, `dbutils`.
    databricks_export: bool = False

    @property
    def python_superset(self) -> bool:
        """The kernel's language (or, without one, its name) is a superset of Python (Coconut)."""
        return (self.kernel_language or self.kernel_name or "").lower() in PYTHON_SUPERSETS

    @property
    def code_cells(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.cell_type == "code")

    @property
    def is_python(self) -> bool:
        lang = (self.kernel_language or "").lower()
        name = (self.kernel_name or "").lower()
        # Spark kernels that run Python (sparkmagic's `pysparkkernel`, language_info `pyspark`,
        # Synapse's `synapse_pyspark`) are Python: their cells are Python with a `spark` global.
        if self.plain_python_cells:
            return True
        if lang:
            return lang.startswith("python") or lang in {"ipython", "ipython3", "pyspark", "pyspark3"}
        if name:
            return "python" in name or name.startswith("ipy") or "pyspark" in name
        return True  # no metadata at all: Jupyter's default kernel is Python


# ---------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Location:
    """Where a finding is: a file, and in it a cell, a line and a column."""

    path: str
    cell: Optional[int] = None  # 1-based index among all cells; None for notebook-level findings
    line: Optional[int] = None  # 1-based line inside the cell (or inside `path` when cell is None)
    column: Optional[int] = None  # 1-based
    end_line: Optional[int] = None
    end_column: Optional[int] = None
    cell_id: Optional[str] = None
    execution_count: Optional[int] = None


@dataclass(frozen=True)
class Diagnostic:
    """One finding of a rule."""

    code: str
    name: str
    family: Family
    severity: Severity
    message: str
    location: Location
    # The offending source line, secrets already redacted; shown by reporters.
    snippet: str = ""
    # Stable across cells moving or re-execution; used by baselines and SARIF fingerprints.
    fingerprint: str = ""
    fix: str = ""  # a suggested fix, in words
    # Other places the same root cause shows (the cells a late re-run made stale, the other draws
    # of a library never seeded): one finding, many places; SARIF `relatedLocations`.
    related: tuple[Location, ...] = ()
    # Facts of the finding as data, (key, value) pairs in a fixed order (DEP002's `distribution` and
    # `module`): what a message says in words, for tools that read the JSON report.
    data: tuple[tuple[str, str], ...] = ()

    def sort_key(self) -> tuple:
        loc = self.location
        return (
            loc.path,
            loc.cell if loc.cell is not None else -1,
            loc.line if loc.line is not None else -1,
            loc.column if loc.column is not None else -1,
            self.code,
            self.message,
        )


@dataclass(frozen=True)
class LoadError:
    """A file that could not be read as a notebook: one line naming the file and the problem."""

    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass(frozen=True)
class NotAnalysed:
    """A notebook that was read but whose code was not analysed (its kernel is not Python): a
    notice of the run, like a file a linter skipped, not a finding. `code` is the rule that
    reports it (STR002), so `ignore = ["STR002"]` silences it."""

    path: str
    kernel: str  # the kernelspec's name ("ir"), or ""
    language: str  # the kernel's language ("R"), or ""
    reason: str
    code: str = "STR002"

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class NotebookResult:
    """One notebook's findings, or why it was not audited."""

    path: str
    diagnostics: tuple[Diagnostic, ...] = ()
    error: Optional[LoadError] = None
    suppressed: int = 0
    not_analysed: Optional[NotAnalysed] = None


# What a DEP001/DEP002 message says of a distribution a notebook runs as a command-line tool, not an import.
_SHELL_RUN = " is run as a shell command"


def _shared_manifest_line(d: Diagnostic) -> Optional[tuple[str, str, str]]:
    """(code, manifest, distribution) for a finding whose fix is one line of a manifest the
    notebooks share (its `data` names both), else None."""
    data = dict(d.data)
    manifest, distribution = data.get("manifest"), data.get("distribution")
    if not manifest or not distribution:
        return None
    # (normalised: `pinecone_notebooks`, a guess from the import, and `pinecone-notebooks`, spelt by another
    # notebook's install line, are one line to add)
    return d.code, manifest, re.sub(r"[-_.]+", "-", distribution).lower()


def _missing_manifest(d: Diagnostic, notebook: str, top: str) -> Optional[tuple[str, str, str]]:
    """(code, folder, distribution) for a DEP002 finding whose fix is a line of a manifest the
    project lacks: the folder is the project root its `data` names, or, with none found (a checkout
    without `.git`), the notebook's top folder below the folder above all audited notebooks (`top`):
    a batch of unrelated checkouts is never one project, and a notebook directly in `top` shares
    that folder with the others there."""
    data = dict(d.data)
    distribution, root = data.get("distribution"), data.get("project_root")
    if d.code != "DEP002" or not distribution or root is None:
        return None
    if not root:
        folder = posixpath.dirname(notebook)
        inside = posixpath.relpath(folder or ".", top or ".")
        root = posixpath.join(top, inside.split("/")[0]) if inside not in (".", "") else (top or ".")
    return d.code, root, re.sub(r"[-_.]+", "-", distribution).lower()


def _spec_key(spec: str) -> str:
    """A requirement as written, its name normalised (`comet_ml==3.4` is `comet-ml==3.4`), spaces gone."""
    name = re.match(r"[A-Za-z0-9._-]*", spec).group(0)
    return re.sub(r"[-_.]+", "-", name).lower() + re.sub(r"\s+", "", spec[len(name):])


def _pins_disagree(specs: dict[str, list[str]]) -> bool:
    """The specs notebooks' install lines give one distribution (spec → its notebooks) ask for different
    versions, one of them exactly (`openai==0.28` and `openai`): no one pin serves them all."""
    return len({_spec_key(spec) for spec in specs}) > 1 and any("==" in spec for spec in specs)


def _some_paths(paths: list[str]) -> str:
    """The first three paths in backquotes, and how many more."""
    return ", ".join(f"`{p}`" for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def _top_folder(paths: list[str]) -> str:
    """The deepest folder above every notebook path ("" when they share none)."""
    folders = [posixpath.dirname(p) for p in paths]
    try:
        return posixpath.commonpath(folders) if folders else ""
    except ValueError:  # absolute and relative paths mixed
        return ""


@dataclass(frozen=True)
class AuditResult:
    """The results of an audit, one per notebook."""

    notebooks: tuple[NotebookResult, ...] = field(default_factory=tuple)

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Every finding of the batch. A finding located in a file the notebooks share (DEP004 on
        a requirements.txt line that every notebook of a folder imports from) is one root cause:
        it is kept once, from the first notebook that reports it, with every notebook reporting
        it as a related location (a path without a cell), and the cells of each that the finding relates
        (DEP007: the import of what an uninstallable line meant), instead of once per notebook (the
        message and fix of a later notebook's finding naming more files' lines, the copies it sees, win). So is a
        finding whose fix is one line of a shared manifest (DEP001: `scikit-learn` missing from
        the requirements.txt that 22 lecture notebooks import it against, its `data` naming the
        `manifest` and the `distribution`): kept from the first notebook, the others' import lines
        related. Each notebook's own result keeps its finding, so a baseline still records one
        fingerprint per notebook and a new notebook's import is new (`baseline.filter_new` runs on
        the notebooks' results, before this fold). So are DEP002 findings of one project (its root,
        or without one the top folder of the batch they are in) for the same distribution: no
        manifest anywhere, one line of a new one declares it for all of them."""
        out: list[Diagnostic] = []
        shared: dict[tuple, int] = {}
        folded: dict[int, int] = {}  # position in `out` -> how many notebooks' findings it stands for
        top = _top_folder([nb.path for nb in self.notebooks])
        keys: dict[int, tuple] = {}  # position in `out` -> its fold key
        installs: dict[int, dict[str, list[str]]] = {}  # position in `out` -> spec a notebook installs -> its notebooks
        # position in `out` -> whether each folded finding is a shell command's (`!kaggle …`), not an import
        shell_run: dict[int, set[bool]] = {}
        # position in `out` -> the notebooks whose findings it stands for: `folded` counts notebooks, not
        # findings (one notebook's `!huggingface-cli login` and `import huggingface_hub` are two findings
        # of one distribution, and no other notebook: fair check 51, "1 other notebook … ()")
        members: dict[int, set[str]] = {}
        for nb in self.notebooks:
            for d in nb.diagnostics:
                loc = d.location
                line_key = _shared_manifest_line(d) or _missing_manifest(d, nb.path, top)
                if line_key is not None:
                    spec = dict(d.data).get("installs") if line_key[0] == "DEP002" else None
                    if line_key not in shared:
                        shared[line_key] = len(out)
                        keys[len(out)] = line_key
                        shell_run.setdefault(len(out), set()).add(_SHELL_RUN in d.message)
                        if spec:
                            installs.setdefault(len(out), {}).setdefault(spec, []).append(nb.path)
                        members[len(out)] = {nb.path}
                        out.append(d)
                        continue
                    at = shared[line_key]
                    shell_run.setdefault(at, set()).add(_SHELL_RUN in d.message)
                    if spec:
                        installs.setdefault(at, {}).setdefault(spec, []).append(nb.path)
                    if nb.path not in members[at]:
                        members[at].add(nb.path)
                        folded[at] = folded.get(at, 1) + 1
                    out[at] = replace(out[at], related=out[at].related + (loc,))
                    continue
                if loc.cell is not None or loc.path == nb.path:
                    out.append(d)
                    continue
                # The rule's key, not the message: notebooks reach one manifest line through
                # different imports (`matplotlib` in one, `pylab` in another) and the message names it.
                key = (d.code, loc.path, loc.line, loc.column, d.fingerprint or d.message)
                if key not in shared:
                    shared[key] = len(out)
                    out.append(replace(d, related=d.related + (Location(path=nb.path),)))
                    continue
                first = out[shared[key]]
                # A notebook that sees more of the file's copies (a subfolder's requirements.txt identical to
                # the root one, beside that notebook only) tells the line with them: its message and fix,
                # naming every file's line, are kept (fair check 44, items 35 and 40).
                files = {r for r in d.related if r.cell is None and r.line is not None}
                if files > {r for r in first.related if r.cell is None and r.line is not None}:
                    first = replace(first, message=d.message, fix=d.fix,
                                    related=first.related + tuple(r for r in d.related if r in files and r not in first.related))
                    out[shared[key]] = first
                # Each notebook once, and the cells of its own that the finding relates (DEP007: the import
                # of what an uninstallable manifest line meant), so no notebook's place is lost in the fold.
                added = () if any(r.path == nb.path and r.cell is None for r in first.related) else (Location(path=nb.path),)
                added += tuple(r for r in d.related if r.cell is not None and r not in first.related)
                if added:
                    out[shared[key]] = replace(first, related=first.related + added)
        # The notebooks of each project that lack a manifest (any DEP002 of theirs): one new
        # requirements.txt serves them all, so every DEP002 of the project names the same folder, the
        # one above all of them (fair check 19: numpy's fix said `code/` and mxnet's, in the same cell,
        # "beside the notebook": two files for one environment, neither complete).
        lacking: dict[str, list[str]] = {}
        # Per project, the distributions its notebooks' install lines pin differently (one of them exactly): no
        # one file serves all of them, whichever distribution a finding is about (fair check 29, items 16 and 20).
        disagree: dict[str, list[str]] = {}
        for at, key in keys.items():
            if key[0] == "DEP002":
                notebooks = [out[at].location.path] + [r.path for r in out[at].related if r.path and r.path != out[at].location.path]
                lacking.setdefault(key[1], [])
                lacking[key[1]] += [p for p in notebooks if p not in lacking[key[1]]]
                if _pins_disagree(installs.get(at, {})):
                    disagree.setdefault(key[1], []).append(dict(out[at].data).get("distribution", ""))
        for at, key in keys.items():
            own = out[at].location.path
            paths = list(dict.fromkeys(r.path for r in out[at].related if r.path and r.path != own))
            if at not in folded and (key[0] != "DEP002" or len(lacking[key[1]]) < 2):
                continue  # a single notebook's finding, in a project where it alone lacks a manifest
            fix = out[at].fix
            split = False  # the project's notebooks need a file per group: their pins of other distributions disagree
            if key[0] == "DEP002":
                # One manifest for all of them: where each notebook finds it (discovery looks
                # beside and above a notebook), not beside the first one.
                project = lacking[key[1]]
                folder = posixpath.commonpath([posixpath.dirname(p) for p in project]) \
                    if all(p.startswith("/") == own.startswith("/") for p in project) else key[1]
                where = ("beside or above all of these notebooks" if set(project) == {own, *paths} else
                         "beside or above both notebooks of the project without a manifest" if len(project) == 2 else
                         f"beside or above all {len(project)} notebooks of the project without a manifest")
                specs = installs.get(at, {})
                apart = [d for d in disagree.get(key[1], ()) if re.sub(r"[-_.]+", "-", d).lower() != key[2]]
                split = bool(apart) and not _pins_disagree(specs)
                if split:
                    # This distribution's line is one for all, but the file is not: the notebooks pin transformers
                    # 4.26.0 … 4.48.1 (fair check 29: optimum's and evaluate's fixes proposed one requirements.txt in
                    # `training/` for 18 notebooks whose install lines cannot share one).
                    told = (" and ".join(f"`{d}`" for d in apart) if len(apart) <= 2 else
                            ", ".join(f"`{d}`" for d in apart[:3]) + (f" and {len(apart) - 3} more" if len(apart) > 3 else ""))
                    fix = fix.replace("Add a requirements.txt beside the notebook",
                                      "Add a requirements.txt for each group of the project's notebooks whose install lines "
                                      f"agree on versions, each group in a folder of its own (one file in `{folder or '.'}/` "
                                      f"cannot serve all {len(project)} notebooks without a manifest: their install lines pin "
                                      f"{told} to different versions),")
                else:
                    fix = fix.replace("Add a requirements.txt beside the notebook",
                                      f"Add a requirements.txt in `{folder or '.'}/` ({where})")
                if _pins_disagree(specs):
                    # The first notebook's pin is no pin of the others when their install lines ask for other
                    # versions (fair check 28: `openai==0.28` in ten notebooks, `openai` unpinned in seven
                    # written for its 1.x client): one line for all of them would break some.
                    distribution = dict(out[at].data).get("distribution", "")
                    told = "; ".join(f"`{spec}` in {_some_paths(notebooks)}" for spec, notebooks in specs.items())
                    fix = (f"Add a requirements.txt in `{folder or '.'}/` ({where}) with a pinned line for `{distribution}` "
                           f"once the notebooks agree on a version: their install lines ask for different ones ({told}), so "
                           "no one pin runs them all; pin the version each group needs, in a manifest of its own if they "
                           "cannot share one")
            if at not in folded:
                out[at] = replace(out[at], fix=fix)
                continue
            others = folded[at] - 1
            named = ", ".join(f"`{p}`" for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
            # (a tool the notebooks run only in shell lines, `!kaggle datasets download …`, is not imported: fair check 52, item 14)
            ran = shell_run.get(at, {False})
            verb = ("import" if ran == {False} else "run" if ran == {True} else "use")
            tail = " as a shell command" if ran == {True} else ""
            out[at] = replace(
                out[at],
                message=f"{out[at].message}; {others} other notebook{'s' if others > 1 else ''} of the project "
                f"{verb}{'' if others > 1 else 's'} it{tail} too ({named}): "
                # (a helper module the repository lacks is one file to commit, no manifest line: fair check 31)
                + ("commit it beside each of them" if dict(out[at].data).get("helper") else
                   "one line to add" + (" to each group's file" if split else "")),
                fix=fix,
            )
        return tuple(out)

    @property
    def errors(self) -> tuple[LoadError, ...]:
        return tuple(nb.error for nb in self.notebooks if nb.error is not None)

    @property
    def not_analysed(self) -> tuple[NotAnalysed, ...]:
        """The notebooks read but not analysed (STR002: a kernel that is not Python), by path."""
        return tuple(sorted((nb.not_analysed for nb in self.notebooks if nb.not_analysed is not None), key=lambda n: n.path))
