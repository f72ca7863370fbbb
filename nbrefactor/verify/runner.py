"""`nbrefactor verify NOTEBOOK PACKAGE`: prove that a migrated package computes what its notebook did.

1. Read `PACKAGE/.nbrefactor/plan.json` (written by `nbrefactor migrate`): the steps, the notebook
   cells each one came from, the names that cross each step boundary, and the final values.
2. Copy the notebook's folder into a temporary directory and run the notebook there, top to bottom,
   in a fresh `python3` (ipykernel) kernel driven by nbclient. After each step's boundary cell (its
   last code cell) a *silent* snapshot is executed (no execution count, no history, no `_`), which
   pickles that step's outputs from the kernel's namespace; at the end it pickles the final values.
3. Copy the folder again and run `<package>.pipeline.run(on_step=...)` there in a fresh interpreter
   (the kernel's own interpreter, so both sides use the same libraries) with the package's `src`
   first on `PYTHONPATH`. `on_step` compares each step's returned values with the notebook's
   snapshot as soon as the step returns (so later in-place mutation cannot blur the picture), and
   streams the results to a file, so a crash or a timeout half way keeps what was already compared.
4. Report, per step and per name: matched, mismatched (with the path to the first difference and
   the reason) or skipped (with why), plus any cell that raised and any failure of the package.

The original folder is only read. Both sides get `PYTHONHASHSEED=0`, so the order of sets of
strings cannot make two correct runs disagree. Exit codes: 0 every compared value matched and both
sides ran; 1 a mismatch or a failing side; 2 a usage error (missing notebook, package or plan).

This module's top level imports only the standard library: it also runs, as `_runner_main`, inside
the package's interpreter.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence, Union

PLAN_SCHEMA = "nbrefactor-plan/1"
PLAN_FILE = Path(".nbrefactor") / "plan.json"
KERNEL_NAME = "python3"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

MATCHED, MISMATCHED, SKIPPED, NOT_COMPARED = "matched", "mismatched", "skipped", "not compared"

# Folders never copied into the temporary run directories: tooling and environments, not data.
_IGNORED_DIRS = {".git", ".hg", ".svn", ".ipynb_checkpoints", "__pycache__", ".venv", "venv", "node_modules", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox", ".nbrefactor"}
# How far up relative paths in a notebook may climb (`../data/x.csv`) before we stop following.
_MAX_PARENT_DEPTH = 3
_TAIL_LINES = 30
_MAX_COPY_BYTES = 4 << 30
_MAX_COPY_FILES = 100_000


class VerifyError(Exception):
    """A usage problem: the notebook, the package or its plan is missing or does not fit."""


# ---------------------------------------------------------------------------------------------
# The plan written by `nbrefactor migrate`
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanStep:
    name: str
    module: str
    function: str
    notebook: str
    cells: tuple[int, ...]  # 1-based over all cells of the notebook
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    model: str
    package: str
    notebooks: tuple[str, ...]
    steps: tuple[PlanStep, ...]
    final: tuple[str, ...]


def load_plan(package_dir: Union[str, os.PathLike[str]]) -> Plan:
    path = Path(package_dir) / PLAN_FILE
    if not path.is_file():
        raise VerifyError(f"{path}: no plan; is {package_dir} a folder written by `nbrefactor migrate`?")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise VerifyError(f"{path}: cannot read the plan: {exc}") from None
    if not isinstance(raw, dict) or raw.get("schema") != PLAN_SCHEMA:
        raise VerifyError(f"{path}: expected schema {PLAN_SCHEMA!r}, found {raw.get('schema') if isinstance(raw, dict) else type(raw).__name__!r}")
    try:
        steps = tuple(
            PlanStep(
                name=str(s["name"]),
                module=str(s.get("module", "")),
                function=str(s.get("function", "")),
                notebook=str(s["notebook"]),
                cells=tuple(int(c) for c in s["cells"]),
                inputs=tuple(str(n) for n in s.get("inputs", ())),
                outputs=tuple(str(n) for n in s.get("outputs", ())),
            )
            for s in raw["steps"]
        )
        plan = Plan(
            model=str(raw.get("model", raw["package"])),
            package=str(raw["package"]),
            notebooks=tuple(str(n) for n in raw.get("notebooks", ())) or tuple(dict.fromkeys(s.notebook for s in steps)),
            steps=steps,
            final=tuple(str(n) for n in raw.get("final", ())),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise VerifyError(f"{path}: malformed plan: {exc!r}") from None
    names = [s.name for s in plan.steps]
    if len(set(names)) != len(names):
        raise VerifyError(f"{path}: step names are not unique: {names}")
    return plan


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueCheck:
    name: str
    status: str  # matched | mismatched | skipped | not compared
    reason: str = ""
    path: str = ""  # where the first difference is, e.g. df['price'][3]
    notebook: str = ""  # short description of the notebook's value
    package: str = ""  # short description of the package's value
    skipped_parts: tuple[str, ...] = ()  # parts of a matched value that could not be compared


@dataclass(frozen=True)
class StepResult:
    name: str
    notebook: str
    cells: tuple[int, ...]
    boundary: int  # the cell after which the notebook's values were taken
    checks: tuple[ValueCheck, ...]
    extra_outputs: tuple[str, ...] = ()  # returned by the package but not in the plan: not compared


@dataclass(frozen=True)
class RunError:
    side: str  # notebook | package
    message: str
    notebook: str = ""
    cell: Optional[int] = None  # 1-based over all cells
    step: Optional[str] = None
    exception: str = ""
    traceback: str = ""


@dataclass(frozen=True)
class VerifyReport:
    notebooks: tuple[str, ...]
    package: str
    model: str
    rtol: float
    atol: float
    steps: tuple[StepResult, ...]
    final: tuple[ValueCheck, ...]
    errors: tuple[RunError, ...]
    notes: tuple[str, ...] = ()
    notebook_seconds: float = 0.0
    package_seconds: float = 0.0

    def checks(self) -> Iterable[tuple[str, ValueCheck]]:
        for step in self.steps:
            for check in step.checks:
                yield step.name, check
        for check in self.final:
            yield "final", check

    def counts(self) -> dict[str, int]:
        counts = {MATCHED: 0, MISMATCHED: 0, SKIPPED: 0, NOT_COMPARED: 0}
        for _, check in self.checks():
            counts[check.status] += 1
        return counts

    @property
    def ok(self) -> bool:
        counts = self.counts()
        return not self.errors and counts[MISMATCHED] == 0 and counts[NOT_COMPARED] == 0

    def check(self, step: str, name: str) -> ValueCheck:
        for step_name, check in self.checks():
            if step_name == step and check.name == name:
                return check
        raise KeyError((step, name))

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        data["ok"] = self.ok
        data["counts"] = self.counts()
        return json.dumps(data, indent=2, sort_keys=True) + "\n"


def exit_code(report: VerifyReport) -> int:
    return EXIT_OK if report.ok else EXIT_FAILED


# ---------------------------------------------------------------------------------------------
# verify()
# ---------------------------------------------------------------------------------------------


def verify(
    notebook_path: Union[str, os.PathLike[str], Sequence[Union[str, os.PathLike[str]]]],
    package_dir: Union[str, os.PathLike[str]],
    timeout: float = 600,
    rtol: float = 1e-7,
    atol: float = 0.0,
    keep_temp: bool = False,
    seed: Optional[int] = 0,
) -> VerifyReport:
    """Run the notebook(s) and the package side by side and compare what crosses each step.

    `seed`: both sides start with Python's and NumPy's global random generators seeded with it
    (None: left as they are). Unseeded randomness then draws the same numbers on both sides as
    long as the package makes the same draws in the same order, which is what fidelity means; the
    audit still reports the missing seed (RND001).

    `notebook_path` may be a list: the notebooks of one model, run in order (each in a fresh
    kernel, in the same temporary folder, so files one writes are there for the next).
    `timeout` is in seconds for each side: the whole notebook run, and the whole package run.
    """
    if rtol < 0 or atol < 0 or timeout <= 0:
        raise VerifyError("--rtol and --atol must be >= 0 and --timeout > 0")
    paths = [Path(notebook_path)] if isinstance(notebook_path, (str, os.PathLike)) else [Path(p) for p in notebook_path]
    if not paths:
        raise VerifyError("no notebook given")
    for path in paths:
        if not path.is_file():
            raise VerifyError(f"{path}: no such notebook")
    package = Path(package_dir)
    if not package.is_dir():
        raise VerifyError(f"{package}: no such package folder")
    plan = load_plan(package)
    src = _source_root(package, plan)
    _check_kernel()
    notes: list[str] = []
    selected = _select_notebooks(plan, paths, notes)
    notebooks = [_read_notebook(path) for path in paths]
    steps = [step for plan_name in selected for step in plan.steps if step.notebook == plan_name]
    boundaries = {step.name: _boundary(step, notebooks[selected.index(step.notebook)], paths[selected.index(step.notebook)]) for step in steps}
    last_notebook = plan.notebooks[-1] if plan.notebooks else (plan.steps[-1].notebook if plan.steps else "")
    compare_final = bool(plan.final) and selected[-1] == last_notebook
    if plan.final and not compare_final:
        notes.append(f"final values not compared: they come from {last_notebook}, which was not run")

    work = Path(tempfile.mkdtemp(prefix="nbrefactor-verify-"))
    try:
        root, relative = _copy_root(paths, notebooks)
        ignore = _ignore_for(root, [package.resolve(), work.resolve()])
        _check_size(root, ignore)
        nb_root, pkg_root, snapshots = work / "notebook" / root.name, work / "package" / root.name, work / "snapshots"
        # Symbolic links are followed and their targets copied: a link kept as a link would let
        # a side write through it into the original.
        try:
            shutil.copytree(root, nb_root, ignore=ignore, symlinks=False, ignore_dangling_symlinks=True)
            shutil.copytree(root, pkg_root, ignore=ignore, symlinks=False, ignore_dangling_symlinks=True)
        except (OSError, shutil.Error) as exc:
            raise VerifyError(f"{root}: cannot copy the notebook's folder: {exc}") from None
        snapshots.mkdir()
        env = _child_env()
        if seed is not None:
            env[SEED_VARIABLE] = str(int(seed))

        # Both sides start together: the package's interpreter imports its libraries while the
        # kernel starts, and its `on_step` waits for the notebook's snapshot of the same step.
        started = time.monotonic()
        package_run = _start_package(plan, src, steps, compare_final, snapshots, pkg_root / relative[0].parent, rtol, atol, env, work)
        try:
            nb_errors = _run_notebooks(
                [nb_root / r for r in relative], [str(p) for p in paths], selected, steps, boundaries, plan.final if compare_final else (), snapshots, timeout, env
            )
        except BaseException:
            package_run.kill()
            raise
        finally:
            (snapshots / _NOTEBOOK_DONE).write_text("", encoding="utf-8")
        notebook_seconds = time.monotonic() - started
        # The package gets its own `timeout`, not counting the time it spent waiting for the notebook.
        events, pkg_errors = package_run.finish(timeout + notebook_seconds - (time.monotonic() - started), timeout)
        package_seconds = time.monotonic() - started

        if keep_temp:
            notes.append(f"temporary files kept in {work}")
        return _build_report(plan, paths, package, steps, boundaries, compare_final, events, nb_errors + pkg_errors, notes, rtol, atol, notebook_seconds, package_seconds)
    finally:
        if not keep_temp:
            shutil.rmtree(work, ignore_errors=True)


def _check_kernel() -> None:
    try:
        import nbclient  # noqa: F401
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError as exc:
        raise VerifyError(f"verify runs notebooks with nbclient and ipykernel: `pip install nbclient ipykernel` ({exc})") from None
    try:
        KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        raise VerifyError(f"no {KERNEL_NAME!r} Jupyter kernel: install ipykernel, or run `python -m ipykernel install --user`") from None


def _source_root(package: Path, plan: Plan) -> Path:
    for candidate in (package / "src", package):
        if (candidate / plan.package / "pipeline.py").is_file() or (candidate / plan.package / "pipeline" / "__init__.py").is_file():
            return candidate.resolve()
    raise VerifyError(f"{package}: no {plan.package}/pipeline.py under src/ (the plan names package {plan.package!r})")


def _select_notebooks(plan: Plan, paths: list[Path], notes: list[str]) -> list[str]:
    """Map each notebook given on the command line to the plan's name for it.

    The plan records paths relative to where `migrate` ran, which need not be where `verify`
    runs: match the resolved path first, then the longest common tail of path components."""
    names = list(dict.fromkeys(list(plan.notebooks) + [s.notebook for s in plan.steps]))
    if not names:
        raise VerifyError("the plan lists no notebooks")
    selected: list[str] = []
    for path in paths:
        resolved = path.resolve()
        exact = [n for n in names if Path(n).resolve() == resolved]
        if exact:
            selected.append(exact[0])
            continue
        scored = sorted(((_common_tail(resolved.parts, Path(n).parts), n) for n in names), reverse=True)
        if scored[0][0] > 0 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
            selected.append(scored[0][1])
        elif len(names) == 1 and len(paths) == 1:
            notes.append(f"{path} is compared with the plan's only notebook, {names[0]}")
            selected.append(names[0])
        else:
            raise VerifyError(f"{path}: not one of the plan's notebooks: {', '.join(names)}")
    if len(set(selected)) != len(selected):
        raise VerifyError("the same notebook is given twice")
    order = [n for n in names if n in selected]
    if order != selected:
        raise VerifyError(f"give the notebooks in the model's order: {', '.join(order)}")
    return selected


def _common_tail(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _read_notebook(path: Path) -> Any:
    import nbformat

    try:
        with warnings_silenced():
            return nbformat.read(str(path), as_version=4)
    except Exception as exc:
        raise VerifyError(f"{path}: cannot read the notebook: {exc}") from None


class warnings_silenced:
    def __enter__(self) -> None:
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc: Any) -> None:
        self._ctx.__exit__(*exc)


def _boundary(step: PlanStep, notebook: Any, path: Path) -> int:
    cells = notebook.cells
    if not step.cells:
        return 0  # a step made of no cell (a notebook of markdown only): its values exist before cell 1
    out_of_range = [c for c in step.cells if not 1 <= c <= len(cells)]
    if out_of_range:
        raise VerifyError(f"{path}: step {step.name!r} names cells {out_of_range} but the notebook has {len(cells)} cells; was it edited after `migrate`?")
    code = [c for c in step.cells if cells[c - 1].cell_type == "code"]
    return max(code) if code else max(step.cells)


def _copy_root(paths: list[Path], notebooks: list[Any]) -> tuple[Path, list[Path]]:
    """The folder to copy: the notebooks' common folder, raised by as many levels as the deepest
    `../` in their string literals, so `pd.read_csv("../data/x.csv")` finds its file in the copy."""
    folders = [p.resolve().parent for p in paths]
    root = Path(os.path.commonpath([str(f) for f in folders]))
    depth = 0
    for notebook in notebooks:
        for cell in notebook.cells:
            if cell.cell_type == "code":
                depth = max(depth, _parent_depth(cell.source))
    depth = min(depth, _MAX_PARENT_DEPTH)
    for _ in range(depth):
        if root.parent == root or root.parent == Path.home().parent or root.parent == Path(root.anchor):
            break
        root = root.parent
    return root, [p.resolve().relative_to(root) for p in paths]


def _check_size(root: Path, ignore: Any) -> None:
    """Refuse to copy a folder that is obviously not a project (a notebook lying in a home folder)."""
    total = files = 0
    for directory, dirnames, filenames in os.walk(root, followlinks=True):
        skipped = ignore(directory, dirnames + filenames)
        dirnames[:] = [d for d in dirnames if d not in skipped]
        for name in filenames:
            if name in skipped:
                continue
            files += 1
            try:
                total += os.stat(os.path.join(directory, name)).st_size
            except OSError:
                pass
            if total > _MAX_COPY_BYTES or files > _MAX_COPY_FILES:
                raise VerifyError(
                    f"{root}: more than {_MAX_COPY_BYTES >> 30} GiB or {_MAX_COPY_FILES} files to copy; "
                    "verify runs each side in a copy of the notebook's folder: move the notebook and its data into a folder of their own"
                )


def _parent_depth(source: str) -> int:
    import re

    depth = 0
    for match in re.finditer(r"""["']((?:\.\.[/\\])+|\.\.["'])""", source):
        depth = max(depth, max(1, match.group(1).count("..")))
    return depth


def _ignore_for(root: Path, excluded: list[Path]) -> Any:
    def ignore(directory: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n in _IGNORED_DIRS}
        here = Path(directory).resolve()
        for path in excluded:
            if path.parent == here:
                skip.add(path.name)
        return skip

    return ignore


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"
    # MLflow tracking records, it does not compute: leave it out of the comparison (its own tests
    # show tracked and untracked runs give the same values) and save each run the store set-up.
    env["NBREFACTOR_NO_TRACKING"] = "1"
    env.pop(SEED_VARIABLE, None)
    return env


SEED_VARIABLE = "NBREFACTOR_VERIFY_SEED"
# Run first on both sides, in a namespace of its own (the notebook's globals stay untouched).
# Each side (the notebook's kernel, the package's process) may use at most this share of the
# machine's memory (RLIMIT_DATA: heap and anonymous mappings, not address space reserved by
# CUDA or BLAS): a notebook that allocates without end gets a MemoryError, not the OOM killer
# choosing which process on the machine dies.
MEMORY_SHARE = 0.8


def memory_cap() -> Optional[int]:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * MEMORY_SHARE)
    except (AttributeError, ValueError, OSError):
        return None


def _limit_memory(cap: Optional[int]) -> None:
    """In the process that runs notebook or package code, at its start."""
    if not cap:
        return
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        limit = cap if hard == resource.RLIM_INFINITY else min(cap, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass


def _limit_source(cap: Optional[int]) -> str:
    return (
        "import resource as _r\n"
        "try:\n"
        f"    _h = _r.getrlimit(_r.RLIMIT_DATA)[1]\n"
        f"    _r.setrlimit(_r.RLIMIT_DATA, ({cap} if _h == _r.RLIM_INFINITY else min({cap}, _h), _h))\n"
        "except (ValueError, OSError):\n"
        "    pass\n"
        "del _r\n"
    ) if cap else ""


_SEED_SOURCE = """
import os, random
seed = os.environ.get("NBREFACTOR_VERIFY_SEED")
if seed is not None:
    random.seed(int(seed))
    try:
        import numpy
    except ImportError:
        numpy = None
    if numpy is not None:
        numpy.random.seed(int(seed))
"""


def seed_globals() -> None:
    exec(compile(_SEED_SOURCE, "nbrefactor-seed", "exec"), {})


# ---------------------------------------------------------------------------------------------
# Notebook side
# ---------------------------------------------------------------------------------------------

# Runs inside the kernel, silently, in a namespace of its own: it reads the user's namespace and
# writes one pickle per name plus a manifest; nothing is left behind in the notebook's globals.
_SNAPSHOT_SOURCE = r'''
import json, os, sys
try:
    import cloudpickle as _pickler
except ImportError:
    import pickle as _pickler
entries = {}
for i, name in enumerate(args["names"]):
    if name not in ns:
        entries[name] = {"status": "undefined"}
        continue
    value = ns[name]
    kind = type(value).__module__ + "." + type(value).__qualname__
    try:
        data = _pickler.dumps(value, protocol=4)
    except Exception as exc:
        entries[name] = {"status": "unpicklable", "type": kind, "reason": (type(exc).__name__ + ": " + str(exc))[:300]}
        continue
    file = os.path.join(args["dir"], "%s-%d.pkl" % (args["prefix"], i))
    with open(file, "wb") as handle:
        handle.write(data)
    entries[name] = {"status": "ok", "type": kind, "file": file}
manifest = os.path.join(args["dir"], args["prefix"] + ".json")
with open(manifest + ".tmp", "w") as handle:
    json.dump({"entries": entries, "executable": sys.executable, "cell": args["cell"]}, handle)
os.replace(manifest + ".tmp", manifest)  # the package side polls for it: never a half-written file
'''


def _snapshot_code(script: Path, snapshots: Path, prefix: str, names: Sequence[str], cell: int) -> str:
    args = {"dir": str(snapshots), "prefix": prefix, "names": list(names), "cell": cell}
    # Builtins through `__import__("builtins")`: a notebook may well have its own `open` (a stock
    # price column) or `compile`, and this line runs in the notebook's namespace.
    b = "__import__('builtins')"
    return (
        f"{b}.exec({b}.compile({b}.open({str(script)!r}).read(), 'nbrefactor-snapshot', 'exec'), "
        f"{{'ns': {b}.globals(), 'args': __import__('json').loads({json.dumps(args)!r})}})\n"
    )


def _run_notebooks(
    copies: list[Path],
    display: list[str],
    selected: list[str],
    steps: list[PlanStep],
    boundaries: dict[str, int],
    final: Sequence[str],
    snapshots: Path,
    timeout: float,
    env: dict[str, str],
) -> list[RunError]:
    """Run each notebook copy in a fresh kernel; returns the errors."""
    script = snapshots / "_snapshot.py"
    script.write_text(_SNAPSHOT_SOURCE, encoding="utf-8")
    deadline = time.monotonic() + timeout
    errors: list[RunError] = []
    for position, (copy, shown, plan_name) in enumerate(zip(copies, display, selected)):
        after: dict[int, list[PlanStep]] = {}
        for step in steps:
            if step.notebook == plan_name:
                after.setdefault(boundaries[step.name], []).append(step)
        final_names = final if position == len(copies) - 1 else ()
        error = _run_one_notebook(copy, shown, after, final_names, script, snapshots, deadline, env, timeout)
        if error is not None:
            errors.append(error)
            break  # the next notebook would start from a state the model never has
    return errors


def _run_one_notebook(
    copy: Path,
    shown: str,
    after: dict[int, list[PlanStep]],
    final: Sequence[str],
    script: Path,
    snapshots: Path,
    deadline: float,
    env: dict[str, str],
    timeout: float,
) -> Optional[RunError]:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    try:
        from jupyter_client.kernelspec import NoSuchKernel
    except ImportError:  # pragma: no cover - jupyter_client always ships it
        NoSuchKernel = LookupError  # type: ignore[misc,assignment]

    with warnings_silenced():
        notebook = nbformat.read(str(copy), as_version=4)
    client = NotebookClient(
        notebook,
        timeout=max(1, int(timeout)),
        startup_timeout=120,
        kernel_name=KERNEL_NAME,
        allow_errors=False,
        resources={"metadata": {"path": str(copy.parent)}},
    )
    client.shutdown_kernel = "immediate"  # the kernel's state is thrown away: no need to wait ~3 s
    current: Optional[int] = None
    # The kernel's own stderr (start-up warnings, C-level crashes) goes to a file, not the
    # terminal; its tail is reported if the kernel dies.
    kernel_log = snapshots / f"kernel-{copy.stem}.stderr"
    log = open(kernel_log, "wb")
    try:
        with client.setup_kernel(env=env, stderr=log):
            b = "__import__('builtins')"
            limit = _limit_source(memory_cap())
            if limit:
                _silent(client, f"{b}.exec({limit!r}, {{}})\n", 0, deadline)
            _silent(client, f"{b}.exec({_SEED_SOURCE!r}, {{}})\n", 0, deadline)
            for step in after.get(0, ()):
                _silent(client, _snapshot_code(script, snapshots, f"step-{step.name}", step.outputs, 0), 0, deadline)
            for index, cell in enumerate(notebook.cells):
                number = index + 1
                if cell.cell_type == "code":
                    current = number
                    client.timeout = _remaining(deadline)
                    client.execute_cell(cell, index)
                for step in after.get(number, ()):
                    current = None
                    _silent(client, _snapshot_code(script, snapshots, f"step-{step.name}", step.outputs, number), index, deadline)
            if final:
                current = None
                _silent(client, _snapshot_code(script, snapshots, "final", final, len(notebook.cells)), len(notebook.cells) - 1, deadline)
    except CellTimeoutError as exc:
        where = f"cell {current}" if current else "a snapshot"
        return RunError("notebook", f"timed out in {where} (--timeout {timeout:g} s for the whole notebook)", shown, current, exception="TimeoutError", traceback=str(exc)[-2000:])
    except CellExecutionError as exc:
        if current is None:
            return RunError("notebook", f"taking the snapshot failed: {exc.ename}: {exc.evalue}", shown, None, exception=exc.ename, traceback=_strip_ansi(exc.traceback))
        return RunError("notebook", f"cell {current} raised {exc.ename}: {exc.evalue}", shown, current, exception=exc.ename, traceback=_strip_ansi(exc.traceback))
    except DeadKernelError as exc:
        log.flush()
        return RunError("notebook", f"the kernel died in cell {current}: {exc}", shown, current, exception="DeadKernelError", traceback=_tail(kernel_log))
    except NoSuchKernel:
        return RunError("notebook", f"no {KERNEL_NAME!r} kernel: install one with `python -m ipykernel install --user`", shown, exception="NoSuchKernel")
    except Exception as exc:  # the kernel failed to start, timed out starting, or lost its channels
        log.flush()
        return RunError("notebook", f"the kernel could not run: {type(exc).__name__}: {exc}", shown, current, exception=type(exc).__name__, traceback=_tail(kernel_log))
    finally:
        log.close()
    return None


def _remaining(deadline: float) -> int:
    left = deadline - time.monotonic()
    if left <= 0:
        from nbclient.exceptions import CellTimeoutError

        raise CellTimeoutError("the notebook ran out of time")
    return max(1, int(left + 0.999))


def _silent(client: Any, code: str, index: int, deadline: float) -> None:
    """Execute code the notebook never sees: not stored in history, so execution counts, `In`,
    `Out` and `_` stay exactly as in a plain run."""
    import nbformat

    cell = nbformat.v4.new_code_cell(code)
    client.timeout = _remaining(deadline)
    # nbclient stores the executed cell at `cells[index]`: put the notebook's own cell back, or
    # a snapshot taken before cell 1 would replace cell 1 and it would never run.
    cells = client.nb["cells"]
    original = cells[index] if 0 <= index < len(cells) else None
    try:
        client.execute_cell(cell, index, store_history=False)
    finally:
        if original is not None:
            cells[index] = original


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text or "")


# ---------------------------------------------------------------------------------------------
# Package side
# ---------------------------------------------------------------------------------------------


_NOTEBOOK_DONE = "notebook.done"  # written when the notebook side has finished, however it ended


def _kernel_interpreter() -> str:
    """The interpreter the `python3` kernel runs, resolved as jupyter_client resolves it, so the
    package runs with the very libraries the notebook used."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        argv = KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv
    except Exception:
        return sys.executable
    if not argv or argv[0] in {"python", f"python{sys.version_info[0]}", "python%d.%d" % sys.version_info[:2]}:
        return sys.executable
    return argv[0]


class _PackageRun:
    """The pipeline running in its own interpreter and process group."""

    def __init__(self, process: Optional[subprocess.Popen[bytes]], error: Optional[RunError], results: Path, stderr: Path) -> None:
        self.process, self.error, self.results, self.stderr = process, error, results, stderr

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            _kill_group(self.process)

    def finish(self, wait: float, timeout: float) -> tuple[list[dict[str, Any]], list[RunError]]:
        if self.process is None:
            return [], [self.error] if self.error else []
        try:
            returncode: Optional[int] = self.process.wait(timeout=max(0.1, wait))
        except subprocess.TimeoutExpired:
            _kill_group(self.process)
            returncode = None
        except BaseException:  # Ctrl-C: the pipeline runs in its own session and would outlive us
            _kill_group(self.process)
            raise
        else:
            _kill_group(self.process)  # what the pipeline left running in the background goes too
        events = _read_events(self.results)
        finished = any(e.get("event") == "done" for e in events)
        failure = next((e for e in events if e.get("event") == "error"), None)
        tail = _tail(self.stderr)
        errors: list[RunError] = []
        if returncode is None:
            ran = [e["step"] for e in events if e.get("event") == "step"]
            errors.append(RunError("package", f"timed out after {timeout:g} s" + (f" (after step {ran[-1]!r})" if ran else ""), traceback=tail))
        elif failure is not None:
            errors.append(RunError("package", failure["message"], step=failure.get("step"), exception=failure.get("exception", ""), traceback=failure.get("traceback", "")))
        elif returncode != 0 or not finished:
            errors.append(RunError("package", f"the pipeline process exited with code {returncode}", traceback=tail))
        return events, errors


def _start_package(
    plan: Plan,
    src: Path,
    steps: list[PlanStep],
    compare_final: bool,
    snapshots: Path,
    cwd: Path,
    rtol: float,
    atol: float,
    env: dict[str, str],
    work: Path,
) -> _PackageRun:
    results = work / "results.jsonl"
    spec = {
        "package": plan.package,
        "steps": {s.name: {"names": list(s.outputs), "manifest": str(snapshots / f"step-{s.name}.json")} for s in steps},
        "final": {"names": list(plan.final), "manifest": str(snapshots / "final.json")} if compare_final else None,
        "notebook_done": str(snapshots / _NOTEBOOK_DONE),
        "results": str(results),
        "rtol": rtol,
        "atol": atol,
        "memory": memory_cap(),
    }
    spec_path = work / "spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    here = str(Path(__file__).resolve().parent.parent.parent)  # the folder holding nbrefactor/
    child_env = dict(env)
    child_env["PYTHONPATH"] = os.pathsep.join([str(src)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []) + [here])
    child_env.setdefault("MPLBACKEND", "Agg")  # plt.show() must not wait for a window
    # `python -c` puts the working directory first on sys.path; drop it, so a module lying beside
    # the notebook cannot stand in for one the package forgot to ship.
    code = "import sys; del sys.path[0]; from nbrefactor.verify.runner import _runner_main; sys.exit(_runner_main(sys.argv[1:]))"
    interpreter = _kernel_interpreter()
    err_path = work / "package.stderr"
    try:
        with open(work / "package.stdout", "wb") as out, open(err_path, "wb") as err:
            process = subprocess.Popen([interpreter, "-c", code, str(spec_path)], cwd=str(cwd), env=child_env, stdout=out, stderr=err, start_new_session=True)
    except OSError as exc:
        return _PackageRun(None, RunError("package", f"cannot start {interpreter}: {exc}"), results, err_path)
    return _PackageRun(process, None, results, err_path)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the pipeline and anything it started (it runs in a session of its own)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            process.kill()
    except (ProcessLookupError, PermissionError):
        process.kill()
    process.wait()


def _read_events(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    events = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            continue  # a line cut short by a kill
    return events


def _tail(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-_TAIL_LINES:])


def _runner_main(argv: Sequence[str]) -> int:
    """Inside the package's interpreter: run the pipeline and compare as each step returns."""
    import importlib
    import traceback

    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    _limit_memory(spec.get("memory"))
    sink = open(spec["results"], "a", encoding="utf-8")

    def emit(event: dict[str, Any]) -> None:
        sink.write(json.dumps(event, default=repr) + "\n")
        sink.flush()

    ran: list[str] = []
    try:
        pipeline = importlib.import_module(f"{spec['package']}.pipeline")
        run = pipeline.run
    except BaseException as exc:
        emit({"event": "error", "stage": "import", "message": f"cannot import {spec['package']}.pipeline.run: {type(exc).__name__}: {exc}", "exception": type(exc).__name__, "traceback": traceback.format_exc()})
        return 1

    def on_step(step: str, outputs: dict[str, Any]) -> None:
        ran.append(step)
        entry = spec["steps"].get(step)
        if entry is None:  # a step of another notebook of the model
            emit({"event": "step", "step": step, "ignored": True})
            return
        checks = _check_values(entry, outputs, spec["rtol"], spec["atol"], spec["notebook_done"])
        extra = sorted(str(k) for k in outputs if k not in entry["names"])
        emit({"event": "step", "step": step, "checks": checks, "extra": extra})

    try:
        seed_globals()
        final = run(on_step=on_step)
    except BaseException as exc:
        where = f" in the step after {ran[-1]!r}" if ran else " in its first step"
        emit({"event": "error", "message": f"the pipeline raised {type(exc).__name__}: {exc}{where}", "step": None, "after": ran[-1] if ran else None, "exception": type(exc).__name__, "traceback": traceback.format_exc()})
        return 1
    if spec["final"] is not None:
        if not isinstance(final, dict):
            emit({"event": "error", "message": f"pipeline.run returned {type(final).__name__}, not a dict of final values", "exception": "TypeError"})
            return 1
        emit({"event": "final", "checks": _check_values(spec["final"], final, spec["rtol"], spec["atol"], spec["notebook_done"])})
    emit({"event": "done"})
    sink.close()
    return 0


def _wait_for_manifest(path: Path, done: Path) -> Optional[dict[str, Any]]:
    """The notebook runs at the same time: wait until it has passed this step, or has stopped."""
    while True:
        finished = done.exists()  # checked first: the manifest may appear just before `done`
        if path.exists():
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
        if finished or not path.parent.is_dir():  # done, or verify itself went away
            return None
        time.sleep(0.05)


def _check_values(entry: dict[str, Any], outputs: Any, rtol: float, atol: float, done: str) -> list[dict[str, Any]]:
    import pickle

    from nbrefactor.verify.compare import Match, Mismatch, compare, describe

    manifest = _wait_for_manifest(Path(entry["manifest"]), Path(done))
    checks = []
    for name in entry["names"]:
        check: dict[str, Any] = {"name": name}
        snapshot = None if manifest is None else manifest["entries"].get(name)
        if not isinstance(outputs, dict) or name not in outputs:
            check.update(status=MISMATCHED, reason="the package's step did not return it")
        elif snapshot is None:
            check.update(status=NOT_COMPARED, reason="the notebook did not reach this point", package=describe(outputs[name]))
        elif snapshot["status"] == "undefined":
            check.update(status=MISMATCHED, reason=f"not defined in the notebook after cell {manifest['cell']}", package=describe(outputs[name]))
        elif snapshot["status"] == "unpicklable":
            check.update(status=SKIPPED, reason=f"the notebook's value ({snapshot['type']}) cannot be pickled: {snapshot['reason']}", package=describe(outputs[name]))
        else:
            try:
                with open(snapshot["file"], "rb") as handle:
                    expected = pickle.load(handle)
            except Exception as exc:
                check.update(status=SKIPPED, reason=f"the notebook's value ({snapshot['type']}) cannot be loaded here: {type(exc).__name__}: {exc}", package=describe(outputs[name]))
            else:
                actual = outputs[name]
                try:
                    result = compare(expected, actual, rtol=rtol, atol=atol, name=name, labels=("notebook", "package"))
                except Exception as exc:  # a comparison must never take the run down
                    check.update(status=SKIPPED, reason=f"comparison failed: {type(exc).__name__}: {exc}")
                else:
                    if isinstance(result, Match):
                        check.update(status=MATCHED, skipped_parts=list(result.skipped))
                    elif isinstance(result, Mismatch):
                        check.update(status=MISMATCHED, reason=result.reason, path=result.path)
                    else:
                        check.update(status=SKIPPED, reason=result.reason, path=result.path)
                check.update(notebook=describe(expected), package=describe(actual))
                del expected
        checks.append(check)
    return checks


# ---------------------------------------------------------------------------------------------
# Assembling and rendering the report
# ---------------------------------------------------------------------------------------------


def _build_report(
    plan: Plan,
    paths: list[Path],
    package: Path,
    steps: list[PlanStep],
    boundaries: dict[str, int],
    compare_final: bool,
    events: list[dict[str, Any]],
    errors: list[RunError],
    notes: list[str],
    rtol: float,
    atol: float,
    notebook_seconds: float,
    package_seconds: float,
) -> VerifyReport:
    by_step = {e["step"]: e for e in events if e.get("event") == "step" and not e.get("ignored")}
    final_event = next((e for e in events if e.get("event") == "final"), None)
    # A pipeline that raised or ran out of time is blamed on the first planned step after the
    # last one it finished; an import error belongs to no step.
    order = [s.name for s in plan.steps]
    ran = [e["step"] for e in events if e.get("event") == "step"]
    failure = next((e for e in events if e.get("event") == "error"), None)
    fixed: list[RunError] = []
    for error in errors:
        if error.side == "package" and error.step is None and not (failure and failure.get("stage") == "import"):
            index = order.index(ran[-1]) + 1 if ran and ran[-1] in order else (0 if not ran else None)
            if index is not None and index < len(order) and not any(e.get("event") == "final" for e in events):
                error = dataclasses.replace(error, step=order[index])
        fixed.append(error)
    results = []
    for step in steps:
        event = by_step.get(step.name)
        if event is None:
            reason = "the package did not run this step" if not errors else "not reached: a side failed before this step"
            checks = tuple(ValueCheck(name, NOT_COMPARED, reason) for name in step.outputs)
            extra: tuple[str, ...] = ()
        else:
            checks = tuple(_value_check(c) for c in event["checks"])
            extra = tuple(event.get("extra", ()))
        results.append(StepResult(step.name, step.notebook, step.cells, boundaries[step.name], checks, extra))
    final: tuple[ValueCheck, ...] = ()
    if compare_final:
        if final_event is None:
            final = tuple(ValueCheck(name, NOT_COMPARED, "not reached: a side failed before the end") for name in plan.final)
        else:
            final = tuple(_value_check(c) for c in final_event["checks"])
    return VerifyReport(
        notebooks=tuple(str(p) for p in paths),
        package=str(package),
        model=plan.model,
        rtol=rtol,
        atol=atol,
        steps=tuple(results),
        final=final,
        errors=tuple(fixed),
        notes=tuple(notes),
        notebook_seconds=round(notebook_seconds, 3),
        package_seconds=round(package_seconds, 3),
    )


def _value_check(raw: dict[str, Any]) -> ValueCheck:
    return ValueCheck(
        name=raw["name"],
        status=raw["status"],
        reason=raw.get("reason", ""),
        path=raw.get("path", ""),
        notebook=raw.get("notebook", ""),
        package=raw.get("package", ""),
        skipped_parts=tuple(raw.get("skipped_parts", ())),
    )


_MARKS = {MATCHED: "ok      ", MISMATCHED: "MISMATCH", SKIPPED: "skipped ", NOT_COMPARED: "n/a     "}


def render_text(report: VerifyReport) -> str:
    lines = [f"verify {', '.join(report.notebooks)} against {report.package} (model {report.model}; rtol={report.rtol:g}, atol={report.atol:g})"]
    lines.append(f"both sides ran at the same time: notebook {report.notebook_seconds:.1f} s, package {report.package_seconds:.1f} s")
    for error in report.errors:
        where = f" [{error.notebook}, cell {error.cell}]" if error.cell else (f" [step {error.step}]" if error.step else "")
        lines.append(f"ERROR {error.side}{where}: {error.message}")
        if error.traceback:
            lines.extend("    " + line for line in _traceback_excerpt(error.traceback))
    for step in report.steps:
        taken = f"values taken after cell {step.boundary}" if step.boundary else "values taken before cell 1"
        lines.append(f"step {step.name} (cells {_cells(step.cells)}, {taken})")
        lines.extend(_check_lines(step.checks))
        if step.extra_outputs:
            lines.append(f"  also returned, not in the plan (not compared): {', '.join(step.extra_outputs)}")
        if not step.checks:
            lines.append("  (no values cross this boundary)")
    if report.final:
        lines.append("final values")
        lines.extend(_check_lines(report.final))
    for note in report.notes:
        lines.append(f"note: {note}")
    counts = report.counts()
    verdict = "OK: every compared value matches" if report.ok else "FAILED"
    if report.ok and not counts[MATCHED] and not counts[SKIPPED]:
        verdict = "OK: nothing crosses a step boundary, nothing to compare"
    lines.append(
        f"{counts[MATCHED]} matched, {counts[MISMATCHED]} mismatched, {counts[SKIPPED]} skipped, "
        f"{counts[NOT_COMPARED]} not compared, {len(report.errors)} errors: {verdict}"
    )
    return "\n".join(lines) + "\n"


def _traceback_excerpt(traceback: str) -> list[str]:
    """The notebook's own cell first (IPython prints it as `Cell In[n]`), then the exception;
    a plain Python traceback ends with the frames that matter, so its tail."""
    lines = [line for line in traceback.strip().splitlines()]
    start = next((i for i, line in enumerate(lines) if "Cell In[" in line or "<ipython-input" in line), None)
    if start is None:
        return lines[-12:]
    head = lines[start:start + 8]
    return head + (["    ..."] if start + 8 < len(lines) - 1 else []) + ([lines[-1]] if lines[-1] not in head else [])


def _check_lines(checks: Sequence[ValueCheck]) -> list[str]:
    lines = []
    for check in checks:
        text = f"  {_MARKS[check.status]} {check.name}"
        if check.status == MATCHED:
            text += f"  ({check.notebook})" if check.notebook else ""
            if check.skipped_parts:
                text += f"; not compared inside: {'; '.join(check.skipped_parts[:3])}" + (" ..." if len(check.skipped_parts) > 3 else "")
        else:
            if check.path and check.path != check.name:
                text += f" at {check.path}"
            text += f": {check.reason}"
        lines.append(text)
    return lines


def _cells(cells: Sequence[int]) -> str:
    ordered = sorted(cells)
    if not ordered:
        return "none"
    if ordered and ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 1:
        return f"{ordered[0]}-{ordered[-1]}"
    return ", ".join(str(c) for c in ordered)


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def register_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "verify",
        help="run a notebook and its migrated package side by side and compare their values",
        description="Execute NOTEBOOK top to bottom in a fresh kernel (in a temporary copy of its folder) and the "
        "package's pipeline (in another copy), then compare every value that crosses a step boundary and the "
        "final values. Several notebooks of one model may be given, in order.",
        epilog="exit codes: 0 every compared value matches, 1 a mismatch or a side that failed, 2 usage error.",
    )
    parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", help="the notebook(s) the package was migrated from")
    parser.add_argument("package", metavar="PACKAGE", help="the folder `nbrefactor migrate` wrote (holds .nbrefactor/plan.json)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed for each side (default: 600)")
    parser.add_argument("--rtol", type=float, default=1e-7, help="relative tolerance for floating point values (default: 1e-7)")
    parser.add_argument("--atol", type=float, default=0.0, help="absolute tolerance for floating point values (default: 0)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    parser.add_argument("--keep-temp", action="store_true", help="keep the temporary copies and snapshots (their folder is printed)")
    parser.add_argument("--seed", type=int, default=0, help="seed Python's and NumPy's global random generators on both sides first (default: 0)")
    parser.add_argument("--no-seed", dest="seed", action="store_const", const=None, help="leave the global random generators unseeded")
    parser.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    try:
        report = verify(args.notebooks, args.package, timeout=args.timeout, rtol=args.rtol, atol=args.atol, keep_temp=args.keep_temp, seed=args.seed)
    except VerifyError as exc:
        print(f"nbrefactor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(report.to_json() if args.format == "json" else render_text(report))
    return exit_code(report)
