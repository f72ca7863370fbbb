"""`nbrefactor verify NOTEBOOK PACKAGE`: prove that a migrated package computes what its notebook did.

(docs/verify.md is the user's account: verdicts, the hermetic run, the volatile catalogue.)

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
4. At the same time the notebook runs a second time in a third copy (unless `repeat=False`); what
   differs between its two runs is its own nondeterminism, a verdict of its own.
5. Afterwards: what each step printed, every file the notebook wrote (against the package's copy)
   and, at the end, every name a step returns are compared too.
6. Report, per step and per name: matched, mismatched (with the path to the first difference and
   the reason), skipped (with why) or nondeterministic, plus any cell that raised and any failure
   of the package; the verdict is OK, FAILED or NOT VERIFIED (nothing compared, or the notebook
   is nondeterministic).

The original folder is only read. Both sides get `PYTHONHASHSEED=0`, so the order of sets of
strings cannot make two correct runs disagree; nothing else is seeded unless `seed` is given.
Hermetic: environment commands (`!pip install`…) are not executed, the network is blocked on both
sides (`hermetic_env`). Exit codes: 0 OK; 1 FAILED or NOT VERIFIED; 2 a usage error (missing
notebook, package or plan).

This module's top level imports only the standard library (and `compile.plan_document`, which does
the same): it also runs, as `_runner_main`, inside the package's interpreter.
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
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence, Union

from nbrefactor.compile.plan_document import SCHEMA as PLAN_SCHEMA, PlanDocument, PlanFormatError, StepRecord
from nbrefactor.compile.shown_errors import gone_past

# The plan as `nbrefactor migrate` wrote it, read by the compiler's own (standard-library) serialiser.
Plan = PlanDocument
PlanStep = StepRecord
PLAN_FILE = Path(".nbrefactor") / "plan.json"
KERNEL_NAME = "python3"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

MATCHED, MISMATCHED, SKIPPED, NOT_COMPARED = "matched", "mismatched", "skipped", "not compared"
# A value, text or file the notebook itself gave differently in two runs of its own: not the
# package's fault, and not a proof either (its own verdict, "NOT VERIFIED").
NONDETERMINISTIC = "nondeterministic"
STATUSES = (MATCHED, MISMATCHED, SKIPPED, NOT_COMPARED, NONDETERMINISTIC)

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


def load_plan(package_dir: Union[str, os.PathLike[str]]) -> Plan:
    path = Path(package_dir) / PLAN_FILE
    if not path.is_file():
        raise VerifyError(f"{path}: no plan; is {package_dir} a folder written by `nbrefactor migrate`?")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise VerifyError(f"{path}: cannot read the plan: {exc}") from None
    try:
        return PlanDocument.from_dict(raw)
    except PlanFormatError as exc:
        raise VerifyError(f"{path}: {exc}") from None


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
class Execution:
    """What verify ran, as the report says it: both sides' commands, the interpreter, the limits."""

    kernel: str  # the kernel's name (`python3`, or the package environment's)
    kernel_command: tuple[str, ...]  # how the kernel was started (jupyter's `{connection_file}` left as is)
    package_command: tuple[str, ...]  # how the package's pipeline was started
    python: str  # the interpreter both sides ran in
    timeout_seconds: float  # for each side
    memory_limit_bytes: Optional[int]  # RLIMIT_DATA of each side; None: not limited
    network: str  # how the network was kept out
    notebook_runs: int
    skipped_lines: tuple[str, ...]  # install/apt lines not executed (`<notebook> cell <n>: <line>`)
    containment: str  # what happens to the processes when verify ends or dies


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
    files: tuple[ValueCheck, ...] = ()  # every file the notebook wrote, by its path in the folder
    displayed: tuple[ValueCheck, ...] = ()  # text/plain of a cell's result (`display of <notebook> cell <n>`)
    printed: tuple[ValueCheck, ...] = ()  # per step, what its cells printed (`stdout-<step>`)
    not_executed: tuple[str, ...] = ()  # install/apt lines left out of the notebook run (requirements)
    seed: Optional[int] = None
    notebook_runs: int = 1  # 2: the notebook ran twice to tell its own nondeterminism apart
    hermetic: str = ""  # how the network was kept out
    execution: Optional[Execution] = None  # what was run, with which limits

    def checks(self) -> Iterable[tuple[str, ValueCheck]]:
        for step in self.steps:
            for check in step.checks:
                yield step.name, check
        for check in self.final:
            yield "final", check
        for check in self.printed:
            yield "printed", check
        for check in self.displayed:
            yield "displayed", check
        for check in self.files:
            yield "files", check

    def counts(self) -> dict[str, int]:
        counts = {status: 0 for status in STATUSES}
        for _, check in self.checks():
            counts[check.status] += 1
        return counts

    @property
    def verdict(self) -> str:
        """OK | FAILED | NOT VERIFIED: nothing compared | NOT VERIFIED: the notebook is nondeterministic."""
        counts = self.counts()
        if self.errors or counts[MISMATCHED] or counts[NOT_COMPARED]:
            return "FAILED"
        if counts[NONDETERMINISTIC]:
            return "NOT VERIFIED: the notebook itself gives different results from run to run"
        if not counts[MATCHED]:
            return "NOT VERIFIED: nothing was compared"
        return "OK"

    @property
    def ok(self) -> bool:
        """A pass is a claim that something was compared: nothing compared is not OK."""
        return self.verdict == "OK"

    def check(self, step: str, name: str) -> ValueCheck:
        for step_name, check in self.checks():
            if step_name == step and check.name == name:
                return check
        raise KeyError((step, name))

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        data["ok"] = self.ok
        data["verdict"] = self.verdict
        data["counts"] = self.counts()
        return json.dumps(data, indent=2, sort_keys=True) + "\n"


def exit_code(report: VerifyReport) -> int:
    return EXIT_OK if report.ok else EXIT_FAILED


# ---------------------------------------------------------------------------------------------
# verify()
# ---------------------------------------------------------------------------------------------


# The temporary folder of one verify run (`mkdtemp`); its name is masked in printed text (VOLATILE_TEXT).
WORK_PREFIX = "nbrefactor-verify-"

# The seed of the re-check below: any fixed value; both sides get the same one.
RECHECK_SEED = 0


def verify(
    notebook_path: Union[str, os.PathLike[str], Sequence[Union[str, os.PathLike[str]]]],
    package_dir: Union[str, os.PathLike[str]],
    timeout: float = 600,
    rtol: float = 1e-7,
    atol: float = 0.0,
    keep_temp: bool = False,
    seed: Optional[int] = None,
    repeat: bool = True,
    python: Optional[str] = None,
    record: bool = False,
) -> VerifyReport:
    """Run the notebook(s) and the package side by side and compare what crosses each step, what
    each step printed, every file the notebook wrote and the final value of every name.

    `seed`: None (the default) runs both sides as they are; an int seeds Python's and NumPy's
    global random generators with it on both sides first, and PyTorch's and TensorFlow's when the
    code imports them. Seeding is the package's business (its
    config carries the seed); verify only seeds when asked, so an unseeded notebook is not
    turned into an "OK".
    `repeat`: run the notebook a second time (at the same time, in its own copy) and report any
    value, text or file that differs between its two runs as nondeterministic: the notebook's own
    verdict, not a package mismatch.
    `python`: the interpreter of the package's environment; the notebook's kernel and the
    package both run in it (default: the interpreter of the `python3` kernel).
    `record`: write the notebook's values (as JSON fingerprints, `compile/recorded_values.py`)
    into the package's `tests/notebook_values.json`, which its generated tests assert. Only
    values the notebook gave alike in both of its runs, from a notebook that ran to the end
    unseeded (the generated tests do not seed: values recorded under `--seed` would be wrong).
    Hermetic: install/apt lines are not executed (they are requirements), and the network is
    blocked on both sides (see `hermetic_env`).

    `notebook_path` may be a list: the notebooks of one model, run in order (each in a fresh
    kernel, in the same temporary folder, so files one writes are there for the next).
    `timeout` is in seconds for each side: the whole notebook run, and the whole package run.

    Chance agreement: an unseeded notebook's random value can agree between
    its two runs by chance (two cluster labelings out of two possible, say) and then differ in the
    package, which reads as a mismatch though nothing is wrong. So when the notebook shows itself
    unseeded (some value differs between its own runs) and values mismatch, both sides run once
    more under one seed; a mismatch that matches there is the notebook's chance, not the package's
    fault (`settle_by_seeded_run`). A value that still differs under one seed stays a mismatch.
    Every mismatch of an unseeded run is re-checked so, not only those of a notebook that showed
    itself unseeded: its random values can all agree by chance (fixture estimator_tour: a k-means
    labelling and an SGD fit, each with a few possible outcomes, agreed in both notebook runs and
    the fresh-clone CI of integ3 said the package computed something else). A deterministic value
    is the same seeded or not, so a real mismatch stands either way.
    """
    report = _verify_once(notebook_path, package_dir, timeout, rtol, atol, keep_temp, seed, repeat, python, record)
    counts = report.counts()
    if seed is not None or not repeat or report.errors or not counts[MISMATCHED]:
        return report
    seeded = _verify_once(notebook_path, package_dir, timeout, rtol, atol, keep_temp, RECHECK_SEED, False, python, False)
    return settle_by_seeded_run(report, seeded)


def settle_by_seeded_run(report: VerifyReport, seeded: VerifyReport) -> VerifyReport:
    """`report`'s mismatches that matched in `seeded` (both sides under one seed) become
    nondeterministic: the unseeded notebook agreed with itself by chance. Pure: reports in, out."""
    if seeded.errors:
        return dataclasses.replace(report, notes=report.notes + ("mismatches re-checked with both sides seeded: that run failed, so they stand",))
    matched_there = {(where, check.name) for where, check in seeded.checks() if check.status == MATCHED}
    settled: list[str] = []
    # What shows the notebook unseeded: other values differing between its own two runs, or only
    # this value changing once both sides are seeded.
    shown = ("other values differ between its own two runs" if report.counts()[NONDETERMINISTIC]
             else "this value changes when both sides are seeded")

    def settle(where: str, check: ValueCheck) -> ValueCheck:
        if check.status != MISMATCHED or (where, check.name) not in matched_there:
            return check
        settled.append(f"{where}.{check.name}")
        return dataclasses.replace(
            check, status=NONDETERMINISTIC,
            reason=f"differs by chance: the notebook is unseeded ({shown}) and its two runs "
            f"happened to agree here; with both sides seeded (--seed {seeded.seed}) the package gives the notebook's value "
            f"(unseeded: {check.reason})",
        )

    steps = tuple(dataclasses.replace(step, checks=tuple(settle(step.name, c) for c in step.checks)) for step in report.steps)
    final = tuple(settle("final", c) for c in report.final)
    printed = tuple(settle("printed", c) for c in report.printed)
    displayed = tuple(settle("displayed", c) for c in report.displayed)
    files = tuple(settle("files", c) for c in report.files)
    note = (
        f"{len(settled)} mismatch(es) re-checked with both sides seeded (--seed {seeded.seed}) matched there: {', '.join(settled)}"
        if settled else f"mismatches re-checked with both sides seeded (--seed {seeded.seed}): they differ there too, so they stand"
    )
    return dataclasses.replace(
        report, steps=steps, final=final, printed=printed, displayed=displayed, files=files, notes=report.notes + (note,),
    )


def _verify_once(
    notebook_path: Union[str, os.PathLike[str], Sequence[Union[str, os.PathLike[str]]]],
    package_dir: Union[str, os.PathLike[str]],
    timeout: float,
    rtol: float,
    atol: float,
    keep_temp: bool,
    seed: Optional[int],
    repeat: bool,
    python: Optional[str],
    record: bool,
) -> VerifyReport:
    """One verification run: `verify`'s parameters, no defaults (`verify` owns them and their
    documentation)."""
    if rtol < 0 or atol < 0 or timeout <= 0:
        raise VerifyError("--rtol and --atol must be >= 0 and --timeout > 0")
    if record and seed is not None:
        raise VerifyError("--record records the notebook as it runs: it cannot be combined with --seed (the generated tests do not seed)")
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
    if python is None:
        _check_kernel()
    elif not Path(python).exists():
        raise VerifyError(f"{python}: no such interpreter")
    notes: list[str] = []
    selected = _select_notebooks(plan, paths, notes)
    notebooks = [_read_notebook(path) for path in paths]
    steps = [step for plan_name in selected for step in plan.steps if step.notebook == plan_name]
    boundaries = {step.name: _boundary(step, notebooks[selected.index(step.notebook)], paths[selected.index(step.notebook)]) for step in steps}
    last_notebook = plan.notebooks[-1] if plan.notebooks else (plan.steps[-1].notebook if plan.steps else "")
    compare_final = bool(plan.final or plan.steps) and selected[-1] == last_notebook
    if plan.final and not compare_final:
        notes.append(f"final values not compared: they come from {last_notebook}, which was not run")
    # The final value of every name a step returns, not only the pipeline's result: a later
    # in-place change the package misses shows here. `origins`: the step that returned it last.
    origins: dict[str, str] = {}
    for step in plan.steps:
        if step.notebook != last_notebook:
            continue  # another notebook's kernel: its names do not reach the end of this one
        for name in step.outputs:
            origins[name] = step.name
    final_names = tuple(dict.fromkeys([*plan.final, *origins]))

    work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX))
    leash = _Leash(None)
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
        before = _file_states(nb_root, ignore)
        env, hermetic = hermetic_env(_child_env(), work / "hermetic")
        if seed is not None:
            env[SEED_VARIABLE] = str(int(seed))
        leash = _Leash.start(env)
        manager = _kernel_manager_class(python) if python else None
        final_spec = (final_names, set(plan.final), origins) if compare_final else None

        # Both sides start together: the package's interpreter imports its libraries while the
        # kernel starts, and its `on_step` waits for the notebook's snapshot of the same step.
        # The notebook's second run (its own copy, its own snapshots) goes at the same time.
        started = time.monotonic()
        clocked = clock_names([c.source for nb in notebooks for c in nb.cells if c.cell_type == "code"])
        package_run = _start_package(plan, src, steps, final_spec, snapshots, pkg_root / relative[0].parent, rtol, atol, env, work, python, record, _probes(steps, selected, notebooks), clocked)
        second: dict[str, Any] = {}
        thread = None
        if repeat:
            import threading

            nb2_root, snapshots2 = work / "notebook2" / root.name, work / "snapshots2"
            try:
                shutil.copytree(root, nb2_root, ignore=ignore, symlinks=False, ignore_dangling_symlinks=True)
            except (OSError, shutil.Error) as exc:
                raise VerifyError(f"{root}: cannot copy the notebook's folder: {exc}") from None
            snapshots2.mkdir()

            def run_again() -> None:
                try:
                    second["errors"] = _run_notebooks(
                        [nb2_root / r for r in relative], [str(p) for p in paths], selected, steps, boundaries, final_names if compare_final else (), snapshots2, timeout, env, manager
                    )
                except BaseException as exc:  # noqa: BLE001 - reported as "could not tell"
                    second["errors"] = [RunError("notebook", f"second run failed to start: {type(exc).__name__}: {exc}")]

            thread = threading.Thread(target=run_again, name="nbrefactor-verify-second-run", daemon=True)
            thread.start()
        try:
            nb_errors = _run_notebooks(
                [nb_root / r for r in relative], [str(p) for p in paths], selected, steps, boundaries, final_names if compare_final else (), snapshots, timeout, env, manager
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
        if thread is not None:
            thread.join(max(1.0, timeout + notebook_seconds - (time.monotonic() - started)))

        outputs = _read_json(snapshots / _OUTPUTS)
        clock_cells = _clock_cells(selected, notebooks)
        step_clocks = _step_clocks(steps, clock_cells)
        extra = _Observed(
            printed=_compare_printed(steps, outputs, events, step_clocks),
            displayed=_compare_displayed(steps, outputs, events, rtol, atol),
            files=_compare_files(nb_root, pkg_root, before, ignore, rtol, atol),
            unreached=_unreached_names(snapshots / "final.json", final_names),
        )
        if repeat:
            if thread is not None and thread.is_alive():
                notes.append("the notebook's second run did not finish in time: its determinism was not checked")
            elif second.get("errors"):
                notes.append(f"the notebook's second run failed ({second['errors'][0].message}): its determinism was not checked")
            else:
                extra.nondeterministic = _nondeterminism(snapshots, work / "snapshots2", outputs, _read_json(work / "snapshots2" / _OUTPUTS), nb_root, work / "notebook2" / root.name, before, ignore, rtol, atol, clock_cells, clocked)
        not_executed = tuple(_read_json(snapshots / _NOT_EXECUTED).get("lines", ()))

        if keep_temp:
            notes.append(f"temporary files kept in {work}")
        report = _build_report(plan, paths, package, steps, boundaries, compare_final, events, nb_errors + pkg_errors, notes, rtol, atol, notebook_seconds, package_seconds, extra)
        kernel_command = _kernel_command(python)
        execution = Execution(
            kernel=KERNEL_NAME if python is None else "nbrefactor verify (the --python environment)",
            kernel_command=kernel_command,
            package_command=package_run.command,
            python=python or _kernel_interpreter(),
            timeout_seconds=float(timeout),
            memory_limit_bytes=memory_cap(),
            network=hermetic,
            notebook_runs=2 if repeat else 1,
            skipped_lines=not_executed,
            containment=CONTAINMENT if leash.watching else CONTAINMENT_WITHOUT_WATCHDOG,
        )
        if record:
            # A step that reads the clock is left out: its text matched this once, perhaps by chance
            printed = {s.name: _step_text(s, outputs, "stdout") for s in steps if s.name not in step_clocks}
            notes.append(record_values(package, report, events, paths, nb_errors, repeat, {k: v for k, v in printed.items() if v}))
            report = dataclasses.replace(report, notes=tuple(notes))
        return dataclasses.replace(report, not_executed=not_executed, seed=seed, notebook_runs=2 if repeat else 1, hermetic=hermetic, execution=execution)
    finally:
        leash.release()
        if not keep_temp:
            shutil.rmtree(work, ignore_errors=True)


RECORDED_FILE = Path("tests") / "notebook_values.json"


def record_values(
    package: Path, report: VerifyReport, events: list[dict[str, Any]], paths: Sequence[Path], nb_errors: Sequence[RunError], repeat: bool,
    printed: Optional[dict[str, str]] = None,
) -> str:
    """Write the notebook's values (fingerprints taken in the package's interpreter from the
    notebook's snapshots) to the package's tests/notebook_values.json; returns the note for the
    report. Left out: values the notebook gave differently in its two runs, values a volatile or
    unloadable snapshot skipped, values with no fingerprint. Nothing is written when the notebook
    did not run to the end (its values would be partial).

    `printed` is what each step's cells printed in the notebook. It is recorded (under "printed")
    for the steps whose printed text verify found equal to the package's, whole, and that holds
    nothing volatile: a computation whose result is only printed (a score over data a later cell
    replaces) is then asserted by the generated tests too, not only by verify."""
    from nbrefactor.compile.recorded_values import SCHEMA
    from nbrefactor.fileio import write_text_atomic

    target = package / RECORDED_FILE
    if nb_errors:
        return f"values not recorded: the notebook did not run to the end ({nb_errors[0].message})"
    statuses = {(where, check.name): check.status for where, check in report.checks()}
    recorded: dict[str, dict[str, Any]] = {}
    left_out = 0
    for event in events:
        if event.get("event") == "step" and not event.get("ignored"):
            where = event["step"]
        elif event.get("event") == "final":
            where = "final"
        else:
            continue
        for check in event.get("checks", ()):
            value = check.get("recorded")
            if value is None or statuses.get((where, check["name"])) in (NONDETERMINISTIC, SKIPPED, NOT_COMPARED):
                left_out += 1
                continue
            recorded.setdefault(where, {})[check["name"]] = value
    count = sum(len(v) for v in recorded.values())
    same_text = {
        check.name[len("stdout of step "):] for check in report.printed if check.status == MATCHED and not check.skipped_parts
    }
    printed_texts = {step: text for step, text in sorted((printed or {}).items()) if step in same_text and mask_volatile(text) == text}
    data = {
        "schema": SCHEMA,
        "comment": "Values recorded from a run of the notebook by `nbrefactor verify --record`; tests/test_package.py asserts them. Re-record after changing the notebook.",
        "notebooks": [p.name for p in paths],
        "notebook_runs": 2 if repeat else 1,  # 2: a value that differed between the runs was left out
        "values": recorded,
    }
    if printed_texts:
        data["printed"] = printed_texts
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(target, json.dumps(data, indent=1, sort_keys=True, allow_nan=False) + "\n")
    except (OSError, ValueError) as exc:
        return f"values not recorded: {target}: {exc}"
    texts = f" and the printed text of {len(printed_texts)} steps" if printed_texts else ""
    return f"recorded {count} notebook values{texts} into {RECORDED_FILE.as_posix()} ({left_out} left out: nondeterministic, skipped or without a fingerprint)"


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


# `"../data"`, `'../..'`: a string literal starting with parent steps; `%cd ../..`, `cd ..`
# (automagic): a working folder that many levels up (fair check 14's repository tour `%cd`s to its
# repository root and back; a copy of the notebook's folder alone had no way back).
_PARENT_LITERAL = re.compile(r"""["']((?:\.\.[/\\])*\.\.)(?=[/\\"'])""")
_PARENT_CD = re.compile(r"""(?m)^[ \t]*%?cd[ \t]+["']?((?:\.\.[/\\])*\.\.)(?=[/\\"'\s]|$)""")


def _parent_depth(source: str) -> int:
    depth = 0
    for pattern in (_PARENT_LITERAL, _PARENT_CD):
        for match in pattern.finditer(source):
            depth = max(depth, match.group(1).count(".."))
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
    env.pop(NETWORK_VARIABLE, None)
    return env


NETWORK_VARIABLE = "NBREFACTOR_NO_NETWORK"
# A proxy nobody listens on: tools outside Python (`!curl`, `!wget`, pip's subprocesses) that
# honour the proxy variables fail at once instead of reaching the network.
_DEAD_PROXY = "http://127.0.0.1:9"
# Loaded by every Python process of both sides (the kernel, the package, `!python x.py`), through
# PYTHONPATH: connecting to anything but loopback, or resolving a name that is not local, raises.
# Loopback stays open: the kernel talks to verify over it. It then hands over to the
# sitecustomize the interpreter would have loaded otherwise, if any.
_SITECUSTOMIZE = r"""
import os as _os
if _os.environ.get("NBREFACTOR_NO_NETWORK") == "1":
    import errno as _errno
    import ipaddress as _ipaddress
    import socket as _socket

    _LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}

    def _is_local(host):
        if host is None:
            return True
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        host = str(host).split("%", 1)[0].strip("[]").lower()
        if host in _LOCAL_NAMES:
            return True
        try:
            return _ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    def _blocked(what):
        return OSError(_errno.ENETUNREACH, "network blocked by nbrefactor verify (a hermetic run): " + what)

    _connect, _connect_ex, _getaddrinfo = _socket.socket.connect, _socket.socket.connect_ex, _socket.getaddrinfo

    def connect(self, address):
        if self.family in (_socket.AF_INET, _socket.AF_INET6) and isinstance(address, tuple) and not _is_local(address[0]):
            raise _blocked("connect to %r" % (address,))
        return _connect(self, address)

    def connect_ex(self, address):
        if self.family in (_socket.AF_INET, _socket.AF_INET6) and isinstance(address, tuple) and not _is_local(address[0]):
            return _errno.ENETUNREACH
        return _connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if not _is_local(host):
            raise _socket.gaierror(_socket.EAI_NONAME, "network blocked by nbrefactor verify (a hermetic run): resolve %r" % (host,))
        return _getaddrinfo(host, *args, **kwargs)

    _socket.socket.connect, _socket.socket.connect_ex, _socket.getaddrinfo = connect, connect_ex, getaddrinfo

    def _chain():
        import importlib.machinery, importlib.util, sys
        here = _os.path.dirname(_os.path.abspath(__file__))
        path = [p for p in sys.path if _os.path.abspath(p or ".") != here]
        spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)

    _chain()
"""


def hermetic_env(env: dict[str, str], folder: Path) -> tuple[dict[str, str], str]:
    """The environment of both sides, with the network kept out: a `sitecustomize` that makes
    Python refuse any non-loopback connection and name lookup, dead proxies for tools outside
    Python, and the offline switches of pip and the model hubs. Returns (env, description)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(_SITECUSTOMIZE, encoding="utf-8")
    env = dict(env)
    env[NETWORK_VARIABLE] = "1"
    env["PYTHONPATH"] = os.pathsep.join([str(folder)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy", "ftp_proxy"):
        env[name] = _DEAD_PROXY
    env["NO_PROXY"] = env["no_proxy"] = "localhost,127.0.0.1,::1"
    env.update({"PIP_NO_INDEX": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"})
    # Cloud command-line tools retry a refused connection with back-off for minutes (gsutil:
    # 13 attempts in 6 minutes, measured), so a notebook's `!gsutil cp` ran into the time limit
    # on both sides. Without the network a retry can only fail again: one attempt each.
    (folder / "boto.cfg").write_text(_NO_RETRY_BOTO, encoding="utf-8")
    (folder / "wgetrc").write_text("tries = 1\ntimeout = 10\n", encoding="utf-8")
    env.update({
        "BOTO_CONFIG": str(folder / "boto.cfg"),  # gsutil
        "CLOUDSDK_CORE_DISABLE_PROMPTS": "1", "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK": "1",  # gcloud
        "AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard", "AWS_EC2_METADATA_DISABLED": "true",  # aws, boto3
        "WGETRC": str(folder / "wgetrc"),
        # The MLflow client retries a refused request 7 times with back-off doubling from 2 s:
        # a notebook logging to its team's tracking server sat 253 s in those retries on each side
        # (fixture team_tracking, measured) to fail as it fails at once. Two quick retries stay
        # for a server the notebook itself starts on this machine (loopback is not blocked).
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2", "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    })
    return env, "network blocked for both sides (Python sockets refuse non-loopback connections and name lookups; proxies point nowhere; cloud tools and the MLflow client make one attempt or two quick retries)"


_NO_RETRY_BOTO = "[Boto]\nnum_retries = 0\nmax_retry_delay = 1\n\n[GSUtil]\nsoftware_update_check_period = 0\n"


# An environment command in a notebook cell: installs and removals through pip, conda, apt…
# They are requirements of the package now; executing them would reach the network and change
# the environment both sides are supposed to share.
_ENVIRONMENT_LINE = re.compile(
    r"^(?P<indent>\s*)(?:[!%]{1,2})\s*(?:sudo\s+)?(?:\S*python[0-9.]*\s+-m\s+)?"
    r"(?:pip[0-9.]*|conda|mamba|micromamba|apt|apt-get|yum|dnf|brew|uv\s+pip|npm)\b.*$"
)


def hermetic_source(source: str) -> tuple[str, list[str]]:
    """The cell's source with its environment commands replaced by `pass`; returns the lines
    left out. Line numbers stay the same, so tracebacks still point at the notebook's lines."""
    lines = source.split("\n")
    removed = []
    for i, line in enumerate(lines):
        match = _ENVIRONMENT_LINE.match(line)
        if match and not line.rstrip().endswith("\\"):
            removed.append(line.strip())
            lines[i] = f"{match.group('indent')}pass  # nbrefactor verify: environment command not executed (a requirement)"
    return "\n".join(lines), removed


def _kernel_manager_class(python: str) -> Any:
    """A kernel manager that starts ipykernel in `python` (the package's environment)."""
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    spec = KernelSpec(argv=[python, "-m", "ipykernel_launcher", "-f", "{connection_file}"], display_name="nbrefactor verify", language="python", env={})

    class PackageEnvironmentKernel(AsyncKernelManager):
        @property
        def kernel_spec(self) -> Any:  # type: ignore[override]
            return spec

    return PackageEnvironmentKernel


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


# PyTorch and TensorFlow keep generators of their own, which no Python or NumPy seed reaches. They
# are seeded when the notebook (or the package) imports them, not imported here: importing torch
# costs seconds, and a library the code never imports must stay unimported. Without this the
# seeded re-check compared two unseeded torch draws: fixture flow_layers' notebook agreed with
# itself by chance (both runs printed 0.53), the package printed 0.77, and the re-check "under one
# seed" differed too, so the fresh-clone CI of stop 36 said FAILED for a faithful package.
_SEED_SOURCE = """
import os, random, sys
seed = os.environ.get("NBREFACTOR_VERIFY_SEED")
if seed is not None:
    seed = int(seed)
    random.seed(seed)
    try:
        import numpy
    except ImportError:
        numpy = None
    if numpy is not None:
        numpy.random.seed(seed)

    import importlib.abc, importlib.util

    def _seed_torch(module):
        module.manual_seed(seed)

    def _seed_tensorflow(module):
        module.random.set_seed(seed)

    class _SeedOnImport(importlib.abc.MetaPathFinder):
        seeders = {"torch": _seed_torch, "tensorflow": _seed_tensorflow}

        def find_spec(self, name, path=None, target=None):
            seeder = self.seeders.get(name)
            if seeder is None:
                return None
            sys.meta_path.remove(self)  # the real finders find it; each library is seeded once
            spec = importlib.util.find_spec(name)
            remaining = {k: v for k, v in self.seeders.items() if k != name}
            if remaining:
                self.seeders = remaining
                sys.meta_path.insert(0, self)
            if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
                return spec
            load = spec.loader.exec_module

            def exec_module(module):
                load(module)
                try:
                    seeder(module)
                except Exception:
                    pass  # a library too old or too odd to seed so: it runs as it is, unseeded on both sides alike

            spec.loader.exec_module = exec_module
            return spec

    for _name, _seeder in list(_SeedOnImport.seeders.items()):
        if _name in sys.modules:  # imported before the seed (a kernel's startup): seed it now
            _seeder(sys.modules[_name])
            del _SeedOnImport.seeders[_name]
    if _SeedOnImport.seeders:
        sys.meta_path.insert(0, _SeedOnImport())
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
        entries[name] = {"status": "unpicklable", "type": kind, "reason": (type(exc).__name__ + ": " + str(exc))[:300], "id": id(value)}
        continue
    file = os.path.join(args["dir"], "%s-%d.pkl" % (args["prefix"], i))
    with open(file, "wb") as handle:
        handle.write(data)
    entries[name] = {"status": "ok", "type": kind, "file": file, "id": id(value)}
import types as _types
held = sorted(
    k for k, v in ns.items()
    if not k.startswith("_") and k not in ("In", "Out", "exit", "quit", "get_ipython")
    and not isinstance(v, (_types.ModuleType, _types.FunctionType, _types.BuiltinFunctionType, type))
)
manifest = os.path.join(args["dir"], args["prefix"] + ".json")
with open(manifest + ".tmp", "w") as handle:
    json.dump({"entries": entries, "executable": sys.executable, "cell": args["cell"], "held": held}, handle)
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
    manager: Any = None,
) -> list[RunError]:
    """Run each notebook copy in a fresh kernel; returns the errors. What each cell printed and
    displayed is written to `snapshots/outputs.json` (notebook → cell → texts), the environment
    commands left out to `snapshots/not-executed.json`."""
    script = snapshots / "_snapshot.py"
    script.write_text(_SNAPSHOT_SOURCE, encoding="utf-8")
    deadline = time.monotonic() + timeout
    errors: list[RunError] = []
    outputs: dict[str, dict[str, dict[str, str]]] = {}
    not_executed: list[str] = []
    try:
        for position, (copy, shown, plan_name) in enumerate(zip(copies, display, selected)):
            after: dict[int, list[PlanStep]] = {}
            for step in steps:
                if step.notebook == plan_name:
                    after.setdefault(boundaries[step.name], []).append(step)
            final_names = final if position == len(copies) - 1 else ()
            texts: dict[str, dict[str, str]] = {}
            outputs[plan_name] = texts
            error = _run_one_notebook(copy, shown, after, final_names, script, snapshots, deadline, env, timeout, manager, texts, not_executed)
            if error is not None:
                errors.append(error)
                break  # the next notebook would start from a state the model never has
    finally:
        _write_json(snapshots / _OUTPUTS, outputs)
        _write_json(snapshots / _NOT_EXECUTED, {"lines": not_executed})
    return errors


_OUTPUTS = "outputs.json"
_NOT_EXECUTED = "not-executed.json"


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _cell_texts(cell: Any) -> dict[str, str]:
    """What a cell printed (stdout) and displayed as text (text/plain of its results)."""
    printed, shown, result = [], [], ""
    for output in cell.get("outputs", ()):
        kind = output.get("output_type")
        if kind == "stream" and output.get("name") == "stdout":
            text = output.get("text", "")
            printed.append(text if isinstance(text, str) else "".join(text))
        elif kind in ("execute_result", "display_data"):
            text = output.get("data", {}).get("text/plain")
            if text:
                shown.append(text if isinstance(text, str) else "".join(text))
                if kind == "execute_result":  # the cell's own result (its last expression)
                    result = shown[-1]
    return {"stdout": "".join(printed), "display": "\n".join(shown), "result": result}


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
    manager: Any = None,
    texts: Optional[dict[str, dict[str, str]]] = None,
    not_executed: Optional[list[str]] = None,
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
    texts = {} if texts is None else texts
    # A cell the saved notebook shows raising, past which its kernel went on: allowed to raise that
    # exception here too (the package catches it there: compile/shown_errors.py), read before the
    # run replaces the saved outputs.
    gone_past_in: dict[int, str] = {}
    for number, cell in enumerate(notebook.cells, start=1):
        saved = next((o for o in cell.get("outputs", ()) if o.get("output_type") == "error"), None) if cell.cell_type == "code" else None
        expected = gone_past(str(saved.get("ename", ""))) if saved is not None else None
        if expected is not None:
            gone_past_in[number] = expected
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "code":
            cell.source, removed = hermetic_source(cell.source)
            if not_executed is not None:
                not_executed.extend(f"{shown} cell {number}: {line}" for line in removed)
    extra = {"kernel_manager_class": manager} if manager is not None else {}
    for attempt in (1, 2):
        client = NotebookClient(
            notebook,
            timeout=max(1, int(timeout)),
            startup_timeout=120,
            kernel_name=KERNEL_NAME,
            allow_errors=False,
            resources={"metadata": {"path": str(copy.parent)}},
            **extra,
        )
        client.shutdown_kernel = "immediate"  # the kernel's state is thrown away: no need to wait ~3 s
        current: Optional[int] = None
        started = False  # the kernel replied to kernel_info: the notebook's own run began
        # The kernel's own stderr (start-up warnings, C-level crashes) goes to a file, not the
        # terminal; its tail is reported if the kernel dies.
        kernel_log = snapshots / f"kernel-{copy.stem}.stderr"
        log = open(kernel_log, "wb")
        try:
            from nbrefactor.audit.guards import parent_death_signal

            # The kernel dies with verify, even a SIGKILLed verify (its own session is jupyter's doing).
            with client.setup_kernel(env=env, stderr=log, preexec_fn=parent_death_signal()):
                started = True
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
                        try:
                            client.execute_cell(cell, index)
                        except CellExecutionError as exc:
                            if exc.ename != gone_past_in.get(number):
                                raise
                        finally:
                            texts[str(number)] = _cell_texts(cell)
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
            if not started and attempt == 1:
                # A kernel that died before replying to kernel_info ran nothing of the notebook (a
                # fresh-clone CI saw it once among parallel kernel starts): start a new one, once.
                continue
            return RunError("notebook", f"the kernel could not run: {type(exc).__name__}: {exc}", shown, current, exception=type(exc).__name__, traceback=_tail(kernel_log))
        finally:
            log.close()
        return None
    return None  # not reached: the second attempt returns


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

    def __init__(self, process: Optional[subprocess.Popen[bytes]], error: Optional[RunError], results: Path, stderr: Path, command: tuple[str, ...] = ()) -> None:
        self.process, self.error, self.results, self.stderr, self.command = process, error, results, stderr, command

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
    final_spec: Optional[tuple[tuple[str, ...], set[str], dict[str, str]]],
    snapshots: Path,
    cwd: Path,
    rtol: float,
    atol: float,
    env: dict[str, str],
    work: Path,
    python: Optional[str] = None,
    record: bool = False,
    displays: Optional[dict[str, list[dict[str, Any]]]] = None,
    clocked: Optional[dict[str, str]] = None,
) -> _PackageRun:
    results = work / "results.jsonl"
    final = None
    if final_spec is not None:
        names, required, origins = final_spec
        final = {
            "names": list(names),
            "manifest": str(snapshots / "final.json"),
            "required": sorted(required),
            "origins": {n: {"step": s, "manifest": str(snapshots / f"step-{s}.json")} for n, s in origins.items()},
        }
    spec = {
        "package": plan.package,
        "steps": {s.name: {"names": list(s.outputs), "manifest": str(snapshots / f"step-{s.name}.json"), "module": s.module, "displays": (displays or {}).get(s.name, [])} for s in steps},
        "final": final,
        "notebook_done": str(snapshots / _NOTEBOOK_DONE),
        "results": str(results),
        "rtol": rtol,
        "atol": atol,
        "memory": memory_cap(),
        "record": record,
        "clock_names": clocked or {},
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
    interpreter = python or _kernel_interpreter()
    err_path = work / "package.stderr"
    from nbrefactor.audit.guards import parent_death_signal

    # As the report shows it: the runner's code is nbrefactor's, the spec a temporary file.
    command = (interpreter, "-c", f"nbrefactor.verify.runner._runner_main (runs {plan.package}.pipeline.run)", "<spec.json>")
    try:
        with open(work / "package.stdout", "wb") as out, open(err_path, "wb") as err:
            process = subprocess.Popen(
                [interpreter, "-c", code, str(spec_path)], cwd=str(cwd), env=child_env, stdout=out, stderr=err, start_new_session=True, preexec_fn=parent_death_signal()
            )
    except OSError as exc:
        return _PackageRun(None, RunError("package", f"cannot start {interpreter}: {exc}"), results, err_path, command)
    return _PackageRun(process, None, results, err_path, command)


CONTAINMENT = (
    "each side in its own process group, killed at the end; the kernel and the package's interpreter die with verify "
    "(parent-death signal), and every process either side started is killed when verify ends or dies (a watchdog)"
)
CONTAINMENT_WITHOUT_WATCHDOG = "each side in its own process group, killed at the end (no watchdog on this system: a killed verify may leave processes behind)"
RUN_VARIABLE = "NBREFACTOR_VERIFY_RUN"
# The watchdog: a tiny interpreter (standard library only, no site) holding the read end of a pipe
# only verify writes to. End of file (verify finished, or died however it died) means: kill every
# process that carries this run's mark in its environment, the kernel's and the package's
# descendants included, wherever their sessions went, until none is left.
_WATCHDOG = r"""
import os, signal, sys, time
mark = ("%s=" % sys.argv[1] + sys.argv[2]).encode()
sys.stdin.buffer.read()
me = os.getpid()
for _ in range(50):
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != me:
            try:
                with open("/proc/%s/environ" % name, "rb") as handle:
                    if mark in handle.read().split(b"\0"):
                        found.append(int(name))
            except OSError:
                pass
    if not found:
        break
    for pid in found:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    time.sleep(0.05)
"""


class _Leash:
    """Marks both sides' environment with this run and starts the watchdog (Linux: it reads
    /proc); `release` at the end lets it sweep and waits for it."""

    def __init__(self, process: Optional[subprocess.Popen[bytes]]) -> None:
        self.process = process

    @property
    def watching(self) -> bool:
        return self.process is not None

    @classmethod
    def start(cls, env: dict[str, str]) -> "_Leash":
        import secrets

        token = secrets.token_hex(8)
        env[RUN_VARIABLE] = token
        if not Path("/proc/self/environ").exists():
            return cls(None)
        quiet = {k: v for k, v in os.environ.items() if k != RUN_VARIABLE}
        try:
            process = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _WATCHDOG, RUN_VARIABLE, token], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=quiet, start_new_session=True
            )
        except OSError:
            return cls(None)
        return cls(process)

    def release(self) -> None:
        if self.process is None:
            return
        try:
            self.process.stdin.close()  # type: ignore[union-attr]
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass


def _kernel_command(python: Optional[str]) -> tuple[str, ...]:
    if python is not None:
        return (python, "-m", "ipykernel_launcher", "-f", "{connection_file}")
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        return tuple(KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv)
    except Exception:
        return (KERNEL_NAME,)


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
    latest: dict[str, Any] = {}  # the last value each name was returned as, for the final comparison
    # What each step prints, for the comparison with what its cells printed in the notebook.
    tee = _Tee(sys.stdout)
    sys.stdout = tee
    # Seeded before the package is imported, as the kernel is seeded before the notebook's first
    # cell: importing a library can draw from the global generators (`import sklearn.datasets`
    # draws from `random`), and the notebook's imports drew after the seed. Seeded after the import,
    # a `random.sample` the seed should have settled differed from the notebook (fair check 13:
    # a k-means lesson's cluster centres, FAILED under --seed for a faithful package).
    seed_globals()
    try:
        pipeline = importlib.import_module(f"{spec['package']}.pipeline")
        run = pipeline.run
        from nbrefactor.verify.displays import pandas_as_in_a_kernel

        pandas_as_in_a_kernel()  # the notebook printed and displayed with a kernel's pandas defaults
    except BaseException as exc:
        emit({"event": "error", "stage": "import", "message": f"cannot import {spec['package']}.pipeline.run: {type(exc).__name__}: {exc}", "exception": type(exc).__name__, "traceback": traceback.format_exc()})
        return 1

    def on_step(step: str, outputs: dict[str, Any]) -> None:
        ran.append(step)
        printed = tee.take()
        if isinstance(outputs, dict):
            latest.update(outputs)
        entry = spec["steps"].get(step)
        if entry is None:  # a step of another notebook of the model
            emit({"event": "step", "step": step, "ignored": True})
            return
        checks = _check_values(entry, outputs, spec["rtol"], spec["atol"], spec["notebook_done"], spec.get("record", False), spec.get("clock_names"))
        extra = sorted(str(k) for k in outputs if k not in entry["names"])
        shown = []
        if entry.get("displays"):
            from nbrefactor.verify.displays import evaluate

            try:
                namespace = dict(vars(importlib.import_module(entry["module"]))) if entry.get("module") else {}
            except Exception:  # noqa: BLE001 - the step ran, so its module imports; be safe anyway
                namespace = {}
            shown = [e for e in (evaluate(probe, namespace, latest) for probe in entry["displays"]) if e is not None]
            tee.take()  # a displayed value's formatting must not count as the next step's output
        emit({"event": "step", "step": step, "checks": checks, "extra": extra, "stdout": printed, "displays": shown})

    try:
        final = run(on_step=on_step)
    except BaseException as exc:
        where = f" in the step after {ran[-1]!r}" if ran else " in its first step"
        emit({"event": "error", "message": f"the pipeline raised {type(exc).__name__}: {exc}{where}", "step": None, "after": ran[-1] if ran else None, "exception": type(exc).__name__, "traceback": traceback.format_exc()})
        return 1
    if spec["final"] is not None:
        if not isinstance(final, dict):
            emit({"event": "error", "message": f"pipeline.run returned {type(final).__name__}, not a dict of final values", "exception": "TypeError"})
            return 1
        emit({"event": "final", "checks": _check_values(spec["final"], {**latest, **final}, spec["rtol"], spec["atol"], spec["notebook_done"], spec.get("record", False), spec.get("clock_names"))})
    emit({"event": "done"})
    sink.close()
    return 0


class _Tee:
    """stdout that also keeps what was written since the last `take()`."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.real.write(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


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


def _read_manifest(path: str) -> Optional[dict[str, Any]]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# Names the compiler made: a value the notebook only displayed (`shown_cell<N>`), or the global
# random state carried from step to step (`_nbrefactor_numpy_random_state`, compile/random_state.py).
_COMPILER_NAMED = re.compile(r"shown_cell\d+(?:_\d+)?|_nbrefactor_\w+")


def _is_unbound(value: Any) -> bool:
    """The UNBOUND sentinel of a generated package (its runtime.py): a name the step's path left
    unbound. Recognised by its class's marker, as each package defines its own."""
    return getattr(type(value), "nbrefactor_unbound", False) is True


def _check_values(entry: dict[str, Any], outputs: Any, rtol: float, atol: float, done: str, record: bool = False, clocked: Optional[dict[str, str]] = None) -> list[dict[str, Any]]:
    import pickle

    from nbrefactor.verify.compare import Match, Mismatch, compare, describe

    manifest = _wait_for_manifest(Path(entry["manifest"]), Path(done))
    # Final values: the pipeline's result must be there; any other name is compared where it is
    # still the object the notebook had when the step returned it (rebinding it later happened in
    # code whose result the package does not return, so there is nothing to compare it with).
    required = set(entry.get("required", entry["names"]))
    origins = entry.get("origins", {})
    checks = []
    for name in entry["names"]:
        check: dict[str, Any] = {"name": name}
        snapshot = None if manifest is None else manifest["entries"].get(name)
        optional = name not in required
        origin = origins.get(name)
        if isinstance(outputs, dict) and name in outputs and _is_unbound(outputs[name]) and snapshot is not None:
            # The step returned the package's UNBOUND sentinel: the path it took left the name
            # unbound, which is right exactly when the notebook's path left it unbound too.
            if snapshot["status"] == "undefined":
                check.update(status=MATCHED, notebook="not bound", package="not bound")
            else:
                check.update(status=MISMATCHED, reason=f"the package left it unbound; the notebook bound it ({snapshot.get('type', 'a value')})", package="not bound")
            checks.append(check)
            continue
        if optional and snapshot is not None and origin is not None:
            before = (_read_manifest(origin["manifest"]) or {}).get("entries", {}).get(name, {})
            if snapshot.get("status") == "undefined":
                checks.append({"name": name, "status": SKIPPED, "reason": "deleted by the notebook before the end"})
                continue
            if before.get("id") is not None and snapshot.get("id") is not None and before["id"] != snapshot["id"]:
                checks.append({"name": name, "status": SKIPPED, "reason": f"rebound by the notebook after step {origin['step']}, in code whose result the package does not return"})
                continue
        if not isinstance(outputs, dict) or name not in outputs:
            check.update(status=MISMATCHED, reason="the package's step did not return it")
        elif name in (clocked or {}) and snapshot is not None and snapshot["status"] == "ok":
            check.update(status=SKIPPED, reason=f"volatile (clock read): bound from {clocked[name]}, the moment or the duration of a run", package=describe(outputs[name]))
        elif snapshot is None:
            check.update(status=NOT_COMPARED, reason="the notebook did not reach this point", package=describe(outputs[name]))
        elif snapshot["status"] == "undefined" and _COMPILER_NAMED.fullmatch(name):
            # The compiler named a value the notebook only displayed (`shown_cell<N>`, logged as
            # a metric) or carries the random state: the notebook has no such variable.
            why = "the global random state, carried between steps by the compiler" if name.startswith("_nbrefactor_") else "a value the notebook only displayed, named by the compiler"
            check.update(status=SKIPPED, reason=why, package=describe(outputs[name]))
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
                if record:
                    # The notebook's value, as JSON, for the generated tests (`--record`).
                    from nbrefactor.compile.recorded_values import fingerprint

                    try:
                        check["recorded"] = fingerprint(expected)
                    except Exception:  # noqa: BLE001 - a value with no fingerprint is not recorded
                        pass
                del expected
        checks.append(check)
    return checks


# ---------------------------------------------------------------------------------------------
# What the notebook printed and wrote, and whether it does so twice alike
# ---------------------------------------------------------------------------------------------

# Text that differs between any two correct runs (part of the volatile catalogue, docs/verify.md):
# masked on both sides before printed text and text files are compared.
VOLATILE_TEXT = (
    # `%time`/`%%time` report lines: printed by the magic, not by the computation, so removed
    (re.compile(r"^(CPU times|Wall time|Elapsed|Time taken)\b.*(\n|$)", re.MULTILINE | re.IGNORECASE), ""),
    # `%timeit`'s report ("1.2 ms ± 3.4 µs per loop (mean ± std. dev. of 7 runs, 1,000 loops each)"):
    # the magic's measurement, its units included, so removed like `%time`'s
    (re.compile(r"^.* per loop \(mean ± std\. dev\. of .*(\n|$)", re.MULTILINE), ""),
    # LightGBM's own log line when it picks a threading layout ("[LightGBM] [Info] Auto-choosing
    # col-wise multi-threading, the overhead of testing was 0.000135 seconds."): the library's
    # measurement of itself, which differs run to run (session 52's CI: the package's run
    # "differed" from the notebook's only there). The rest of the line, and the choice, stay compared.
    (re.compile(r"(the overhead of testing was )\d+(?:\.\d+)?( seconds)"), "\\1<duration>\\2"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\b"), "<timestamp>"),
    (re.compile(r"\bat 0x[0-9a-fA-F]+\b"), "at <address>"),
    (re.compile(r"\b(pid|process id)[ =:]+\d+\b", re.IGNORECASE), "\\1 <pid>"),
    # The folder each side runs in (`work/notebook`, `work/notebook2`, `work/package`, in a
    # temporary folder of its own): `%cd` prints it, so does `print(os.getcwd())`. Not a value the
    # notebook computed; unmasked, two runs of one notebook "differed" by where verify put them.
    (re.compile(r"""[^\s'"]*""" + re.escape(WORK_PREFIX) + r"""[A-Za-z0-9_]+[/\\](?:notebook2?|package)(?=[/\\\s'"]|$)"""), "<the run's folder>"),
)
# Files and folders a run writes about itself (experiment trackers, logs, caches), not results.
VOLATILE_FILES = {
    "mlruns": "MLflow's run store (ids and times of the run)",
    "mlflow.db": "MLflow's run store (ids and times of the run)",
    "wandb": "Weights & Biases run folder",
    "lightning_logs": "PyTorch Lightning logs",
    "catboost_info": "CatBoost's training log",
    "__pycache__": "compiled bytecode",
    ".ipynb_checkpoints": "Jupyter checkpoints",
}
_VOLATILE_SUFFIXES = {".log": "a log (times of the run)", ".pyc": "compiled bytecode"}
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".json", ".jsonl", ".md", ".html", ".htm", ".yaml", ".yml", ".xml", ".py", ".tex", ".svg"}


def mask_volatile(text: str) -> str:
    for pattern, replacement in VOLATILE_TEXT:
        text = pattern.sub(replacement, text)
    return text


# What masking puts in place of a volatile part ("<timestamp>", "<address>", ...), read off
# VOLATILE_TEXT so that the two cannot drift apart.
_PLACEHOLDER = re.compile("|".join(sorted({re.escape(p) for _, r in VOLATILE_TEXT for p in re.findall(r"<[^>]+>", r)})))


def only_volatile(masked: str) -> bool:
    """True when masked text holds nothing but placeholders and white space: every part of it
    was volatile (a `%time` report, a timestamp), so two such texts being equal compares nothing.
    A check on it is skipped, never matched: an "ok" is a claim about something compared."""
    return not _PLACEHOLDER.sub("", masked).strip()


@dataclass
class _Observed:
    printed: list[ValueCheck]
    displayed: list[ValueCheck]
    files: list[ValueCheck]
    unreached: list[str]  # names the notebook holds at the end that no step returns
    nondeterministic: dict[tuple[str, str], str] = dataclasses.field(default_factory=dict)  # (where, name) → how


def _file_states(root: Path, ignore: Any) -> dict[str, tuple[int, int]]:
    """Relative path → (size, mtime_ns) of every file under `root` (copies keep their mtime)."""
    states: dict[str, tuple[int, int]] = {}
    for directory, dirnames, filenames in os.walk(root):
        skipped = ignore(directory, dirnames + filenames)
        dirnames[:] = sorted(d for d in dirnames if d not in skipped)
        for name in sorted(filenames):
            if name in skipped:
                continue
            path = Path(directory) / name
            try:
                stat = path.stat()
            except OSError:
                continue
            states[path.relative_to(root).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return states


def _written(root: Path, before: dict[str, tuple[int, int]], ignore: Any) -> list[str]:
    after = _file_states(root, ignore)
    return sorted(p for p, state in after.items() if before.get(p) != state and not p.endswith(".ipynb"))


def _volatile_file(relative: str) -> str:
    parts = relative.split("/")
    for part in parts:
        if part in VOLATILE_FILES:
            return VOLATILE_FILES[part]
    if parts[-1].startswith("events.out.tfevents"):
        return "TensorBoard event file (times of the run)"
    return _VOLATILE_SUFFIXES.get(Path(relative).suffix.lower(), "")


def _same_file(a: Path, b: Path, rtol: float, atol: float) -> tuple[str, str]:
    """(status, reason) of two files: equal bytes, equal text once volatile parts are masked, or
    equal values for pickles; else the first difference."""
    try:
        da, db = a.read_bytes(), b.read_bytes()
    except OSError as exc:
        return MISMATCHED, f"cannot read: {exc}"
    if da == db:
        return MATCHED, ""
    suffix = a.suffix.lower()
    if suffix in _TEXT_SUFFIXES:
        ta, tb = mask_volatile(da.decode("utf-8", "replace")), mask_volatile(db.decode("utf-8", "replace"))
        if ta == tb and only_volatile(ta):
            return SKIPPED, "the file holds only volatile text (timestamps, addresses; docs/verify.md): nothing compared"
        if ta == tb:
            return MATCHED, ""
        la, lb = ta.splitlines(), tb.splitlines()
        at = next((i for i, (x, y) in enumerate(zip(la, lb)) if x != y), min(len(la), len(lb)))
        shown = lambda lines: repr(lines[at][:80]) if at < len(lines) else "(end of file)"  # noqa: E731
        return MISMATCHED, f"contents differ at line {at + 1}: notebook {shown(la)}, package {shown(lb)}"
    if suffix in (".pkl", ".pickle", ".joblib"):
        from nbrefactor.verify.compare import Match, Mismatch, compare

        try:
            if suffix == ".joblib":
                import joblib

                va, vb = joblib.load(a), joblib.load(b)
            else:
                import pickle

                va, vb = pickle.loads(da), pickle.loads(db)
        except Exception as exc:  # noqa: BLE001 - cannot interpret: the bytes speak
            return MISMATCHED, f"bytes differ ({len(da)} and {len(db)} bytes) and the files cannot be loaded here to compare values: {type(exc).__name__}"
        result = compare(va, vb, rtol=rtol, atol=atol, name=a.name, labels=("notebook", "package"))
        if isinstance(result, Match):
            return MATCHED, ""
        if isinstance(result, Mismatch):
            return MISMATCHED, f"values differ at {result.path}: {result.reason}"
        return SKIPPED, result.reason
    return MISMATCHED, f"bytes differ ({len(da)} and {len(db)} bytes)"


def _compare_files(nb_root: Path, pkg_root: Path, before: dict[str, tuple[int, int]], ignore: Any, rtol: float, atol: float) -> list[ValueCheck]:
    """Every file the notebook wrote (new or changed in its copy), against the same path in the
    package's copy."""
    checks = []
    for relative in _written(nb_root, before, ignore):
        volatile = _volatile_file(relative)
        if volatile:
            checks.append(ValueCheck(relative, SKIPPED, f"volatile: {volatile}"))
            continue
        theirs = pkg_root / relative
        if not theirs.is_file():
            checks.append(ValueCheck(relative, MISMATCHED, "the notebook wrote this file; the package did not"))
            continue
        status, reason = _same_file(nb_root / relative, theirs, rtol, atol)
        checks.append(ValueCheck(relative, status, reason))
    return checks


def _step_text(step: PlanStep, outputs: dict[str, Any], kind: str) -> Optional[str]:
    cells = outputs.get(step.notebook)
    if cells is None:
        return None
    texts = [cells[str(c)][kind] for c in sorted(step.cells) if str(c) in cells]
    return "".join(texts)


def _probes(steps: list[PlanStep], selected: list[str], notebooks: list[Any]) -> dict[str, list[dict[str, Any]]]:
    """Per step, the cells whose displayed result the package is asked for (verify/displays.py)."""
    from nbrefactor.verify.displays import display_probes

    found = {}
    for step in steps:
        cells = notebooks[selected.index(step.notebook)].cells

        def source_of(number: int, cells: Any = cells) -> Optional[str]:
            if not 1 <= number <= len(cells) or cells[number - 1].cell_type != "code":
                return None
            return cells[number - 1].source

        found[step.name] = display_probes(step.cells, source_of)
    return found


def _compare_displayed(steps: list[PlanStep], outputs: dict[str, Any], events: list[dict[str, Any]], rtol: float, atol: float) -> list[ValueCheck]:
    """A cell's displayed result (text/plain) against the same expression in the package, volatile
    parts masked. A cell that displayed nothing in the notebook is not a comparison."""
    from nbrefactor.verify.displays import same_text, unqualified

    by_step = {e["step"]: e for e in events if e.get("event") == "step" and not e.get("ignored")}
    checks = []
    for step in steps:
        event = by_step.get(step.name)
        cells = outputs.get(step.notebook, {})
        for shown in (event or {}).get("displays", ()):
            expected = cells.get(str(shown["cell"]), {}).get("result", "")
            if not expected:
                continue
            name = f"display of {step.notebook} cell {shown['cell']}"
            if "skipped" in shown:
                checks.append(ValueCheck(name, SKIPPED, shown["skipped"]))
                continue
            masked = mask_volatile(expected)
            difference = same_text(unqualified(masked), unqualified(mask_volatile(shown["text"])), rtol, atol)
            lines = f"{len(expected.splitlines())} lines"
            if difference is None and only_volatile(masked):
                checks.append(ValueCheck(name, SKIPPED, f"the notebook displayed only volatile text ({expected.splitlines()[0][:60]!r}; docs/verify.md): nothing compared"))
            elif difference is None:
                checks.append(ValueCheck(name, MATCHED, notebook=lines))
            else:
                checks.append(ValueCheck(name, MISMATCHED, f"displayed text differs at {difference}", notebook=lines, package=f"{len(shown['text'].splitlines())} lines"))
    return checks


# Calls that read a clock (`time.time()`, `time.perf_counter()`, `timeit.default_timer()`,
# `datetime.now()`, `date.today()`) and the magics that time a cell: a number printed by a cell that
# reads one may be a duration or a date, which differs between any two correct runs.
_CLOCK_FUNCTIONS = frozenset({
    "time", "time_ns", "perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns", "process_time",
    "process_time_ns", "default_timer", "now", "utcnow", "today",
})
# A call of one of them in a cell's text, or a timing magic (`clock_names` reads the calls in the tree).
_CLOCK_READ = re.compile(
    r"\b(" + "|".join(sorted(_CLOCK_FUNCTIONS, key=lambda n: (-len(n), n))) + r")\s*\("
    r"|^\s*%%?(time|timeit)\b",
    re.MULTILINE,
)
_NUMBER = re.compile(r"-?\d+(?:[.,:]\d+)*(?:[eE][-+]?\d+)?")
# What a printed duration or date looks like: a time unit after a number, a word about time, or a
# clock time (12:03). Only such lines may differ in their numbers in a step that reads the clock;
# `rows 31` is still a result, and so is a bare number: `print(round(sample.mean(), 3))` in a cell
# that also runs `%timeit` printed an unseeded draw's mean (stop 40's CI: '0.026' vs '-0.009' was
# taken for a timing, so the notebook's own nondeterminism was missed and the package "mismatched").
_TIMING_LINE = re.compile(
    r"\d\s*(?:s|sec|secs|seconds?|ms|µs|us|ns|mins?|minutes?|h|hrs?|hours?|it/s|s/it)\b"
    r"|\b(?:time|times|timing|took|elapsed|duration|seconds?|speed|per second|date|today|now)\b"
    r"|\d:\d\d",
    re.IGNORECASE,
)


def clock_reads(source: str) -> tuple[str, ...]:
    """The clock reads a cell's source mentions, in order of first mention (`time(`, `%timeit`)."""
    found: dict[str, None] = {}
    for match in _CLOCK_READ.finditer(source):
        found[f"{match.group(1)}()" if match.group(1) else f"%{match.group(2)}"] = None
    return tuple(found)


def _clock_cells(selected: Sequence[str], notebooks: Sequence[Any]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(notebook, cell number as text) → the clock reads of that code cell, for the cells that read one."""
    found = {}
    for name, notebook in zip(selected, notebooks):
        for number, cell in enumerate(notebook.cells, start=1):
            if cell.cell_type == "code":
                reads = clock_reads(cell.source)
                if reads:
                    found[(name, str(number))] = reads
    return found


def clock_names(sources: Sequence[str]) -> dict[str, str]:
    """Name → the clock read it is bound from, over code cells in notebook order: `start =
    time.time()`, and `elapsed = time.time() - start` through a name bound so before. Such a value
    is the moment or the duration of a run, equal between two runs only within a tolerance meant
    for results (a timestamp of 1.8e9 s "matched" at rtol 1e-7 across three minutes). A cell that
    does not parse once its magic and shell lines are dropped binds nothing here."""
    import ast

    found: dict[str, str] = {}
    for source in sources:
        if not clock_reads(source) and not found:
            continue
        try:
            tree = ast.parse(source)
        except SyntaxError:
            kept = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
            try:
                tree = ast.parse(kept)
            except SyntaxError:
                continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                continue
            read = _clock_read_in(value, found)
            if read:
                for target in targets:
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, read)
    return found


def _clock_read_in(value: Any, known: dict[str, str]) -> str:
    """The clock read an expression makes directly (`time.time()`) or through a name bound from
    one; "" when none."""
    import ast

    for node in ast.walk(value):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            # `time()` without arguments: `datetime.time(12, 0)` builds a time of day
            if called in _CLOCK_FUNCTIONS and not (called == "time" and (node.args or node.keywords)):
                return f"{called}()"
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in known:
            return known[node.id]
    return ""


def _step_clocks(steps: Sequence[PlanStep], clock_cells: dict[tuple[str, str], tuple[str, ...]]) -> dict[str, str]:
    """Step name → the clock reads of its cells, as text ("time(), perf_counter()"), for the steps
    whose cells read one."""
    found = {}
    for step in steps:
        reads = dict.fromkeys(r for c in sorted(step.cells) for r in clock_cells.get((step.notebook, str(c)), ()))
        if reads:
            found[step.name] = ", ".join(reads)
    return found


def _differ_in_numbers_only(a: str, b: str) -> Optional[list[tuple[str, str]]]:
    """The (a, b) line pairs that differ, when the two texts have as many lines and every pair is
    equal, or a timing line (`_TIMING_LINE`) equal once its numbers are masked; None when any line
    differs otherwise."""
    la, lb = a.splitlines(), b.splitlines()
    if len(la) != len(lb):
        return None
    differing = []
    for x, y in zip(la, lb):
        if x == y:
            continue
        if _NUMBER.sub("#", x) != _NUMBER.sub("#", y) or not (_TIMING_LINE.search(x) and _TIMING_LINE.search(y)):
            return None
        differing.append((x, y))
    return differing


def _compare_printed(steps: list[PlanStep], outputs: dict[str, Any], events: list[dict[str, Any]], clocks: Optional[dict[str, str]] = None) -> list[ValueCheck]:
    """What each step's cells printed in the notebook against what the step printed in the
    package (volatile parts masked). A step whose cells printed nothing and that printed nothing
    is not a comparison and is not counted.

    `clocks` (step name → the clock reads of its cells): in such a step, lines that look like a
    duration or a date (`_TIMING_LINE`) and differ only in their numbers are timings or dates, which differ between any two correct runs (fidelity CI of
    stop 39: a loader benchmark printed '0.002 s' in the notebook and '0.005 s' in the package on a
    loaded machine). They are named as not compared; the step's other lines still are, and a step
    with no other line is skipped, not matched."""
    by_step = {e["step"]: e for e in events if e.get("event") == "step" and not e.get("ignored")}
    checks = []
    for step in steps:
        expected = _step_text(step, outputs, "stdout")
        event = by_step.get(step.name)
        name = f"stdout of step {step.name}"
        if expected is None or event is None:
            continue
        actual = event.get("stdout", "")
        if not expected and not actual:
            continue
        a, b = mask_volatile(expected), mask_volatile(actual)
        if a == b and only_volatile(a):
            printed = (expected or actual).splitlines() or [""]
            checks.append(ValueCheck(name, SKIPPED, f"all {len(printed)} lines printed in this step are volatile (first: {printed[0][:60]!r}; docs/verify.md): nothing compared"))
            continue
        if a == b:
            checks.append(ValueCheck(name, MATCHED, notebook=f"{len(a.splitlines())} lines"))
            continue
        la, lb = a.splitlines(), b.splitlines()
        timed = _differ_in_numbers_only(a, b) if (clocks or {}).get(step.name) else None
        if timed:
            first_a, first_b = timed[0]
            why = (f"{len(timed)} timing lines differ only in their numbers, in a step whose cells read the clock ({clocks[step.name]}): "
                   f"timings or dates, not compared (first: notebook {first_a[:60]!r}, package {first_b[:60]!r})")
            if len(timed) == len(la):
                checks.append(ValueCheck(name, SKIPPED, why))
            else:
                checks.append(ValueCheck(name, MATCHED, notebook=f"{len(la)} lines", skipped_parts=(why,)))
            continue
        left_out, matched, after = _left_out(la, lb)
        if matched == len(lb) and lb:
            # The package printed a part of what the notebook printed, in order, and nothing else:
            # the rest came from display statements the compiler logs or drops (df.info()).
            shown = "; ".join(repr(line[:60]) for line in left_out[:3]) + (" …" if len(left_out) > 3 else "")
            checks.append(ValueCheck(name, MATCHED, notebook=f"{len(la)} lines", package=f"{len(lb)} lines",
                                     skipped_parts=(f"{len(left_out)} lines the notebook printed that the package does not print (display statements the compiler logs or drops): {shown}",)))
            continue
        if not lb:
            # Nothing to compare: not a match, not a mismatch (the values behind it still are).
            checks.append(ValueCheck(name, SKIPPED, f"the package printed nothing in this step; the notebook printed {len(la)} lines (first: {la[0][:80]!r}), from display statements the compiler logs or drops?"))
            continue
        expected_next = repr(la[after][:80]) if after < len(la) else "nothing more"
        checks.append(ValueCheck(name, MISMATCHED, f"printed text differs at the package's line {matched + 1}: package {lb[matched][:80]!r}, where the notebook printed {expected_next}"))
    return checks


def _left_out(notebook: list[str], package: list[str]) -> tuple[list[str], int, int]:
    """Match the package's lines, in order, against the notebook's: (the notebook's lines left
    out, how many package lines matched, the notebook line after the last match). Every package
    line matched: the package printed a part of the notebook's text and nothing else."""
    left: list[str] = []
    matched = after = 0
    for position, line in enumerate(notebook):
        if matched < len(package) and line == package[matched]:
            matched += 1
            after = position + 1
        else:
            left.append(line)
    return left, matched, after


def _unreached_names(final_manifest: Path, compared: Sequence[str]) -> list[str]:
    held = _read_json(final_manifest).get("held", [])
    return sorted(set(held) - set(compared))


def _load_snapshot(entry: dict[str, Any]) -> Any:
    import pickle

    with open(entry["file"], "rb") as handle:
        return pickle.load(handle)


def _nondeterminism(
    first: Path, second: Path, outputs1: dict[str, Any], outputs2: dict[str, Any], root1: Path, root2: Path,
    before: dict[str, tuple[int, int]], ignore: Any, rtol: float, atol: float,
    clock_cells: Optional[dict[tuple[str, str], tuple[str, ...]]] = None,
    clocked: Optional[dict[str, str]] = None,
) -> dict[tuple[str, str], str]:
    """What differs between the notebook's two runs: (where, name) → how. `where` is a step name,
    "final", "printed" (cell texts) or "files". A cell that reads the clock (`clock_cells`) and
    printed timing lines that differ only in their numbers measured the run, not the computation: that is
    not nondeterminism (the package comparison names those lines as not compared); nor is a name
    bound from a clock read (`clocked`), which the package comparison skips as volatile."""
    from nbrefactor.verify.compare import Mismatch, compare

    found: dict[tuple[str, str], str] = {}
    for manifest in sorted(first.glob("*.json")):
        if manifest.name in (_OUTPUTS, _NOT_EXECUTED):
            continue
        other = _read_json(second / manifest.name)
        where = manifest.stem[len("step-"):] if manifest.stem.startswith("step-") else manifest.stem
        for name, entry in _read_json(manifest).get("entries", {}).items():
            twin = other.get("entries", {}).get(name)
            if entry.get("status") != "ok" or not twin or twin.get("status") != "ok" or name in (clocked or {}):
                continue
            try:
                result = compare(_load_snapshot(entry), _load_snapshot(twin), rtol=rtol, atol=atol, name=name, labels=("first run", "second run"))
            except Exception:  # noqa: BLE001 - a value this interpreter cannot load: cannot tell
                continue
            if isinstance(result, Mismatch):
                found[(where, name)] = f"at {result.path}: {result.reason}"
    for notebook, cells in outputs1.items():
        for cell, texts in cells.items():
            twin = outputs2.get(notebook, {}).get(cell)
            one, two = mask_volatile(texts.get("stdout", "")), mask_volatile(twin.get("stdout", "")) if twin is not None else ""
            timed = (notebook, cell) in (clock_cells or {}) and _differ_in_numbers_only(one, two) is not None
            if twin is not None and one != two and not timed:
                found[("printed", f"{notebook} cell {cell}")] = "printed different text in the two runs"
            if twin is not None and mask_volatile(texts.get("result", "")) != mask_volatile(twin.get("result", "")):
                found[("displayed", f"display of {notebook} cell {cell}")] = "displayed different text in the two runs"
    written = set(_written(root1, before, ignore)) | set(_written(root2, before, ignore))
    for relative in sorted(written):
        if _volatile_file(relative):
            continue
        a, b = root1 / relative, root2 / relative
        if a.is_file() and b.is_file():
            status, reason = _same_file(a, b, rtol, atol)
            if status == MISMATCHED:
                found[("files", relative)] = reason.replace("notebook", "first run").replace("package", "second run")
    return found


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
    observed: Optional[_Observed] = None,
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
    printed: tuple[ValueCheck, ...] = ()
    files: tuple[ValueCheck, ...] = ()
    displayed: tuple[ValueCheck, ...] = ()
    if observed is not None:
        odd = observed.nondeterministic
        printed_odd = {name for (where, name) in odd if where == "printed"}  # "<notebook> cell <n>"

        def settle(where: str, check: ValueCheck, notebook_cells: Sequence[str] = ()) -> ValueCheck:
            how = odd.get((where, check.name)) or next((odd[("printed", c)] for c in notebook_cells if ("printed", c) in odd), None)
            if how is None:
                return check
            return dataclasses.replace(check, status=NONDETERMINISTIC, reason=f"the notebook itself differs between two runs: {how}")

        results = [dataclasses.replace(r, checks=tuple(settle(r.name, c) for c in r.checks)) for r in results]
        final = tuple(settle("final", c) for c in final)
        cells_of = {f"stdout of step {s.name}": [f"{s.notebook} cell {c}" for c in s.cells] for s in steps}
        printed = tuple(settle("printed", c, [x for x in cells_of.get(c.name, ()) if x in printed_odd]) for c in observed.printed)
        displayed = tuple(settle("displayed", c) for c in observed.displayed)
        files = tuple(settle("files", c) for c in observed.files)
        if observed.unreached:
            shown = ", ".join(observed.unreached[:12]) + (" …" if len(observed.unreached) > 12 else "")
            notes.append(f"{len(observed.unreached)} names the notebook holds at the end are local to a step of the package (no step returns them), so they have no package value to compare: {shown}")
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
        printed=printed,
        files=files,
        displayed=displayed,
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


_MARKS = {MATCHED: "ok      ", MISMATCHED: "MISMATCH", SKIPPED: "skipped ", NOT_COMPARED: "n/a     ", NONDETERMINISTIC: "NONDET  "}


def render_text(report: VerifyReport) -> str:
    lines = [f"verify {', '.join(report.notebooks)} against {report.package} (model {report.model}; rtol={report.rtol:g}, atol={report.atol:g})"]
    lines.append(f"both sides ran at the same time: notebook {report.notebook_seconds:.1f} s, package {report.package_seconds:.1f} s")
    lines.append(
        ("seeded with --seed %d on both sides" % report.seed if report.seed is not None else "not seeded: both sides ran as they are")
        + ("; the notebook ran twice to tell its own nondeterminism apart" if report.notebook_runs > 1 else "; the notebook ran once (--once)")
    )
    if report.execution is not None:
        lines.extend(_execution_lines(report.execution))
    elif report.hermetic:
        lines.append(report.hermetic)
    for line in report.not_executed:
        lines.append(f"not executed (a requirement, not a computation): {line}")
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
        lines.append("final values (every name a step returns, at the end)")
        lines.extend(_check_lines(report.final))
    if report.printed:
        lines.append("printed text")
        lines.extend(_check_lines(report.printed))
    if report.displayed:
        lines.append("displayed text (a cell's result, text/plain)")
        lines.extend(_check_lines(report.displayed))
    if report.files:
        lines.append("files the notebook wrote")
        lines.extend(_check_lines(report.files))
    for note in report.notes:
        lines.append(f"note: {note}")
    counts = report.counts()
    verdict = report.verdict
    if verdict == "OK":
        verdict = "OK: every compared value, text and file matches"
    lines.append(
        f"{counts[MATCHED]} matched, {counts[MISMATCHED]} mismatched, {counts[SKIPPED]} skipped, "
        f"{counts[NOT_COMPARED]} not compared, {counts[NONDETERMINISTIC]} nondeterministic in the notebook, {len(report.errors)} errors: {verdict}"
    )
    return "\n".join(lines) + "\n"


def _execution_lines(run: Execution) -> list[str]:
    memory = f"{run.memory_limit_bytes / 2**30:.1f} GiB of data memory (RLIMIT_DATA)" if run.memory_limit_bytes else "memory not limited"
    return [
        f"ran: notebook in kernel {run.kernel} ({' '.join(run.kernel_command)}), {run.notebook_runs} time{'s' if run.notebook_runs != 1 else ''}",
        f"ran: package as {' '.join(run.package_command)}",
        f"python: {run.python}",
        f"limits: {run.timeout_seconds:g} s and {memory} for each side",
        f"network: {run.network}",
        f"processes: {run.containment}",
        f"install lines skipped: {len(run.skipped_lines)}" + (" (listed below)" if run.skipped_lines else ""),
    ]


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
        epilog="exit codes: 0 every compared value matches (and at least one was compared), 1 a mismatch, a side that failed, "
        "or NOT VERIFIED (nothing compared, or the notebook itself is nondeterministic), 2 usage error.",
    )
    parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", help="the notebook(s) the package was migrated from")
    parser.add_argument("package", metavar="PACKAGE", help="the folder `nbrefactor migrate` wrote (holds .nbrefactor/plan.json)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed for each side (default: 600)")
    parser.add_argument("--rtol", type=float, default=1e-7, help="relative tolerance for floating point values (default: 1e-7)")
    parser.add_argument("--atol", type=float, default=0.0, help="absolute tolerance for floating point values (default: 0)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    parser.add_argument("--keep-temp", action="store_true", help="keep the temporary copies and snapshots (their folder is printed)")
    parser.add_argument("--seed", type=int, default=None, metavar="N", help="seed Python's and NumPy's global random generators (and PyTorch's and TensorFlow's, when imported) on both sides first (default: no seeding; both sides run as they are)")
    parser.add_argument("--once", dest="repeat", action="store_false", help="run the notebook once (default: twice, to report its own run-to-run nondeterminism)")
    parser.add_argument("--record", action="store_true", help="write the notebook's values into PACKAGE/tests/notebook_values.json, which the generated tests assert (not with --seed)")
    parser.add_argument("--python", metavar="PATH", help="the interpreter of the package's environment: the notebook's kernel and the package run in it (default: the python3 kernel's)")
    parser.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    try:
        report = verify(args.notebooks, args.package, timeout=args.timeout, rtol=args.rtol, atol=args.atol, keep_temp=args.keep_temp, seed=args.seed, repeat=args.repeat, python=args.python, record=args.record)
    except VerifyError as exc:
        print(f"nbrefactor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(report.to_json() if args.format == "json" else render_text(report))
    return exit_code(report)
