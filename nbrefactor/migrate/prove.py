"""The proof ladder: what a written package was shown to do, rung by rung (docs/compiler.md,
"The proof ladder").

1. emitted            the files were written
2. installs           the package installs, with its pins, into an environment of its own
3. imports            every module of the package imports (in a subprocess of that environment)
4. tests pass         its generated tests pass (pytest, in that environment), the data-run test among them
                      (skipped for want of the notebook's data: `unavailable`)
5. runs as a pipeline each step in its own process, values passed through the artifact
                      serialisation the kfp components use (the package's `runtime.run_step`), and every
                      value equals the in-process run's (how many were compared is recorded)
6. verified           `nbrefactor verify` ran the notebook and the package in that environment,
                      compared at least one value and found no difference

A model's rung is the highest one reached in order; the first failure stops the climb and its
one-line reason is recorded. "migrated" means rung 5 at least, with at least one value compared
(by rung 5, or by rung 6); a model below it is reported as "emitted, not proven: <rung> failed:
<reason>". Rung 6 needs the notebook's data and packages; where the notebook itself cannot run here
the model stays at rung 5, with the reason, provided rung 5 compared a value: steps that return
nothing (a one-step model) are shown to run, not to compute anything, so the model is then
"emitted, not proven: runs as a pipeline, but no value was compared (…)".

Environments (rung 2), one per distinct requirement set, reused across models and runs
(`$NBREFACTOR_ENV_CACHE`, default `~/.cache/nbrefactor/envs`):
- `clean`: `uv venv` + `uv pip install -r requirements.txt` from the package index, then the
  package itself (`--no-deps`) and the tools the later rungs run (pytest, ipykernel,
  cloudpickle). Proves the pins resolve and install; then both requirement files the Dockerfile
  installs are resolved with their dependencies for the image's own Python and platform, wheels
  only (`image_resolution.resolve_for_image`): a pin that cannot resolve there fails this rung.
- `current` (offline): a venv layered on the environment nbrefactor runs in (a `.pth` file), the
  runtime library's wheel this nbrefactor builds and the package installed into it with
  `--no-deps --no-index`, and every pin checked against the version installed there. Proves the package builds and installs and that its pins are what is
  installed here; it does not prove the pins can be downloaded.

Side effects only here (subprocesses, the environment cache, temporary folders); the record this
module returns is plain data with no timings and no absolute paths, so the report stays
byte-identical from run to run. Timings are returned beside it, for the terminal and benchmarks.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Optional, Sequence

from nbrefactor.compile.runtime_wheel import runtime_wheel, wheel_name
from nbrefactor.report.migration import with_proof

RUNGS = ("emitted", "installs", "imports", "tests pass", "runs as a pipeline", "verified")
MIGRATED_RUNG = 5  # "migrated" means this rung at least
ENV_MODES = ("clean", "current")
PROVE_VARIABLE = "NBREFACTOR_PROVE"  # "0": as --no-prove
ENV_MODE_VARIABLE = "NBREFACTOR_PROVE_ENV"  # clean | current
ENV_CACHE_VARIABLE = "NBREFACTOR_ENV_CACHE"
# What the later rungs need in the environment besides the package's own requirements.
TOOLS = ("pytest", "ipykernel", "cloudpickle")
_DETAIL_CAP = 300


@dataclass(frozen=True)
class ProveOptions:
    env_mode: str = "clean"
    timeout: float = 600.0  # seconds per rung
    verify: bool = True
    env_cache: Optional[Path] = None
    # Rung 5: "steps" runs each step in its own process through runtime.run_step (what every
    # component calls); "kfp" runs the generated kfp pipeline with kfp.local's SubprocessRunner
    # (every component, validate/register/deploy/monitor included, in its own process); "auto"
    # uses kfp where the package's environment has kfp.
    pipeline_runner: str = "steps"
    # Proof cache: a package whose files, notebooks, requirements, environment and nbrefactor
    # version are unchanged is not proven again (`migrate --no-cache` turns it off).
    use_cache: bool = True

    @property
    def cache(self) -> Path:
        if self.env_cache is not None:
            return self.env_cache
        configured = os.environ.get(ENV_CACHE_VARIABLE)
        return Path(configured) if configured else Path.home() / ".cache" / "nbrefactor" / "envs"


@dataclass(frozen=True)
class RungResult:
    rung: int
    status: str  # passed | failed | unavailable (could not be attempted here) | not run
    detail: str = ""
    seconds: float = 0.0
    # Rung 5: how many values it compared step by step against the in-process run (None for the
    # other rungs, and for a rung 5 that did not get as far as comparing).
    compared: Optional[int] = None


@dataclass(frozen=True)
class Proof:
    rungs: tuple[RungResult, ...]
    cached: bool = False  # taken from the proof cache (said in the terminal, not in the report)

    @property
    def rung(self) -> int:
        reached = 0
        for result in self.rungs:
            if result.status != "passed":
                break
            reached = result.rung
        return reached

    @property
    def proven(self) -> bool:
        """Rung 5 reached, no rung above it failed, and at least one value was compared. A verify
        that ran and found the package differing from the notebook (or could not confirm it)
        refutes what rung 5 showed, so the model is not "migrated" (fair check 14: a package whose
        guarded `main()` never ran was migrated, with rung 6 saying "the notebook wrote
        submission.csv; the package did not"). A rung 5 that compared no value (steps that return
        nothing: mig14's seven one-step Kaggle packages, "1 steps …, 0 values equal", whose step
        did nothing) shows the steps run, not that they compute anything: the model is migrated
        only when rung 6 then verified it (a passed verify compared at least one value)."""
        return self.rung >= MIGRATED_RUNG and not any(r.status == "failed" for r in self.rungs) and (self.compared_nothing is None)

    @property
    def compared_nothing(self) -> Optional[RungResult]:
        """Rung 5, when it passed having compared no value and no passed rung 6 compared one."""
        pipeline = next((r for r in self.rungs if r.rung == MIGRATED_RUNG), None)
        if pipeline is None or pipeline.status != "passed" or (pipeline.compared or 0) > 0:
            return None
        if any(r.rung == 6 and r.status == "passed" for r in self.rungs):
            return None
        return pipeline

    @property
    def stopped(self) -> Optional[RungResult]:
        return next((r for r in self.rungs if r.status != "passed"), None)

    def label(self) -> str:
        stopped = self.stopped
        if self.proven:
            text = f"migrated: {RUNGS[self.rung - 1]} (rung {self.rung} of {len(RUNGS)})"
            if stopped is not None:
                text += f"; {RUNGS[stopped.rung - 1]} {stopped.status}: {stopped.detail}"
            return text
        nothing = self.compared_nothing
        if nothing is not None and (stopped is None or stopped.status != "failed"):
            text = f"emitted, not proven: {RUNGS[nothing.rung - 1]}, but no value was compared ({nothing.detail})"
            return text + (f"; {RUNGS[stopped.rung - 1]} {stopped.status}: {stopped.detail}" if stopped is not None else "")
        assert stopped is not None
        # (`unavailable`: rung 4 whose data-run test was skipped; the status, never "failed" for it)
        return f"emitted, not proven: {RUNGS[stopped.rung - 1]} {stopped.status}: {stopped.detail}"

    def record(self) -> dict[str, Any]:
        """Plain, run-independent data for migration-report.json (no timings, no paths)."""
        return {
            "rung": self.rung,
            "reached": RUNGS[self.rung - 1] if self.rung else None,
            "proven": self.proven,
            "skipped": False,
            "label": self.label(),
            "compared": next((r.compared for r in self.rungs if r.rung == MIGRATED_RUNG), None),
            "rungs": [{"rung": r.rung, "name": RUNGS[r.rung - 1], "status": r.status, "detail": r.detail} for r in self.rungs],
        }


def skipped_record() -> dict[str, Any]:
    """`--no-prove`: rung 1 only, and every output says so."""
    return {
        "rung": 1,
        "reached": RUNGS[0],
        "proven": False,
        "skipped": True,
        "label": "emitted; not proven (--no-prove: rungs 2-6 skipped)",
        "compared": None,
        "rungs": [{"rung": 1, "name": RUNGS[0], "status": "passed", "detail": ""}]
        + [{"rung": n, "name": RUNGS[n - 1], "status": "not run", "detail": "--no-prove"} for n in range(2, len(RUNGS) + 1)],
    }


def one_line(text: str) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= _DETAIL_CAP else line[: _DETAIL_CAP - 1] + "…"


# --- environments ---------------------------------------------------------------------------------


def requirement_lines(package_dir: Path) -> list[str]:
    try:
        text = (package_dir / "requirements.txt").read_text(encoding="utf-8")
    except OSError:
        return []
    lines = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):  # options (`--find-links vendor`) are the installer's, below
            lines.append(line)
    return sorted(set(lines))


class Environments:
    """One environment per distinct requirement set (and mode and interpreter), built once and
    reused across models and runs; a lock per set, so parallel models wait for the same build."""

    def __init__(self, options: ProveOptions) -> None:
        self.options = options
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._built: dict[str, tuple[Optional[Path], str]] = {}

    def key(self, requirements: Sequence[str]) -> str:
        basis = json.dumps({"mode": self.options.env_mode, "python": sys.version.split()[0], "base": sys.prefix if self.options.env_mode == "current" else "", "requirements": list(requirements), "tools": TOOLS, "runtime": hashlib.sha256(runtime_wheel()).hexdigest(),
                            # a `current` layer holds the runtime's wheel (not the base's install) since mig15
                            "layer": "runtime-wheel" if self.options.env_mode == "current" else ""})
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]

    def get(self, requirements: Sequence[str]) -> tuple[Optional[Path], str]:
        """(python of the environment, "") or (None, why it could not be built)."""
        key = self.key(requirements)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._built:
                self._built[key] = self._build(key, requirements)
            return self._built[key]

    def _build(self, key: str, requirements: Sequence[str]) -> tuple[Optional[Path], str]:
        folder = self.options.cache / key
        python = folder / "bin" / "python"
        ready = folder / ".nbrefactor-ready"
        if ready.is_file() and python.exists():
            return python, ""
        if folder.exists():  # a build that was cut short: never reuse half an environment
            shutil.rmtree(folder, ignore_errors=True)
        self.options.cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=self.options.cache))
        try:
            env_python = staging / "bin" / "python"
            ok, out = _run([sys.executable, "-m", "uv", "venv", "--quiet", "--python", sys.executable, str(staging)], timeout=self.options.timeout)
            if not ok:
                return None, f"could not create an environment: {out}"
            if self.options.env_mode == "current":
                site = _site_packages(env_python)
                if site is None:
                    return None, "could not find the new environment's site-packages"
                import site as _site

                paths = [p for p in _site.getsitepackages() if Path(p).is_dir()]
                # addsitedir, not bare paths: the .pth files there (editable installs such as the
                # runtime library's) are read too.
                lines = [f"import site; site.addsitedir({p!r})" for p in paths]
                (site / "_nbrefactor_current_environment.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
                # The runtime every package pins is the wheel this nbrefactor builds, installed into
                # the layer (offline, it is a local file), ahead of whatever the current environment
                # holds: an editable install keeps the version it had when it was installed, so a
                # runtime bump (0.3.1) failed every pin check with "0.3.0 installed" (mig15).
                wheels = staging / "wheels"
                wheels.mkdir()
                (wheels / wheel_name()).write_bytes(runtime_wheel())
                ok, out = _run([sys.executable, "-m", "uv", "pip", "install", "--quiet", "--python", str(env_python), "--no-index", "--no-deps", str(wheels / wheel_name())], timeout=self.options.timeout)
                if not ok:
                    return None, f"could not install the runtime library's wheel: {_install_error(out)}"
            else:
                req = staging / "requirements.txt"
                req.write_text("\n".join([*requirements, *TOOLS]) + "\n", encoding="utf-8")
                # The runtime library every package pins is not on the index yet: the wheel each
                # package vendors is the one this nbrefactor builds (same version, same bytes).
                wheels = staging / "wheels"
                wheels.mkdir()
                (wheels / wheel_name()).write_bytes(runtime_wheel())
                ok, out = _run([sys.executable, "-m", "uv", "pip", "install", "--quiet", "--python", str(env_python), "--find-links", str(wheels), "-r", str(req)], timeout=self.options.timeout)
                if not ok:
                    return None, f"`pip install -r requirements.txt` failed: {_install_error(out)}"
            (staging / ".nbrefactor-ready").write_text(json.dumps(list(requirements)), encoding="utf-8")
            # venvs are not relocatable: rebuild at the final path when renaming would break it.
            # uv venvs use relative symlinks for bin/python and absolute paths only in pyvenv.cfg
            # (home, which stays valid), so a rename is safe.
            try:
                os.replace(staging, folder)
            except OSError:
                if not (ready.is_file() and python.exists()):  # another process won the race: use its
                    raise
            return python, ""
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _site_packages(python: Path) -> Optional[Path]:
    for candidate in sorted((python.parent.parent / "lib").glob("python*/site-packages")):
        return candidate
    return None


def _run(argv: Sequence[str], timeout: float, cwd: Optional[Path] = None, env: Optional[dict[str, str]] = None, stdout_only: bool = False) -> tuple[bool, str]:
    """(succeeded, output). `stdout_only`: the scripts below print their verdict on stdout;
    stderr (library warnings) only speaks when stdout is silent about a failure."""
    try:
        done = subprocess.run(list(argv), cwd=str(cwd) if cwd else None, env=env, capture_output=True, text=True, timeout=timeout, errors="replace")
    except subprocess.TimeoutExpired:
        return False, f"timed out after {timeout:g} s"
    except OSError as exc:
        return False, f"could not start {argv[0]}: {exc}"
    ok = done.returncode == 0
    if stdout_only and (ok or done.stdout.strip()):
        return ok, done.stdout.strip()
    return ok, (done.stdout + done.stderr).strip()


def _install_error(text: str) -> str:
    """The installer's own error line (uv: `error: Failed to build `pandas==1.3.5``; pip: `ERROR: Could
    not find a version…`), which names the pin that failed; its output's last lines when it has none
    (they were a hint's tail: `pandas = ["pkg_resources"] / or `uv pip install …`` said nothing of
    which pin failed)."""
    found = next((line.strip() for line in text.splitlines() if re.match(r"\s*(?:error|ERROR)\b|\s*×", line)), None)
    return found if found is not None else _last_lines(text)


def _last_lines(text: str, count: int = 2) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return " / ".join(lines[-count:]) if lines else "(no output)"


# --- the rungs --------------------------------------------------------------------------------------


def _hermetic(work: Path) -> dict[str, str]:
    from nbrefactor.verify.runner import hermetic_env

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update({"NBREFACTOR_NO_TRACKING": "1", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"})
    env, _ = hermetic_env(env, work / "hermetic")
    return env


def _pinned(requirements: Sequence[str]) -> list[tuple[str, Any]]:
    """(distribution name, specifier set) of each requirement line; a line packaging cannot read
    keeps its name and no specifier (it is still checked to be installed)."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.specifiers import SpecifierSet

    pinned = []
    for line in requirements:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            name = re.split(r"[\[<>=!~;@ ]", line.strip(), maxsplit=1)[0]
            if name:
                pinned.append((name, SpecifierSet()))
            continue
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue  # not for this Python or platform: nothing installs it here
        pinned.append((requirement.name, requirement.specifier))
    return pinned


def unsatisfied_pins(requirements: Sequence[str], installed: dict[str, Optional[str]]) -> list[str]:
    """The requirement lines the environment does not satisfy, one phrase each. Versions compare
    as PEP 440 says, as pip and uv do: `torch==2.13.0` is satisfied by `2.13.0+cpu` (a local
    label, which the CPU wheels of the PyTorch index carry) and `==1.4` by `1.4.0`."""
    from packaging.version import InvalidVersion

    problems = []
    for name, specifier in _pinned(requirements):
        have = installed.get(name)
        if have is None:
            problems.append(f"{name} is not installed")
            continue
        try:
            satisfied = specifier.contains(have, prereleases=True)
        except InvalidVersion:
            satisfied = all(spec.operator == "==" and spec.version == have for spec in specifier)
        if not satisfied:
            problems.append(f"{name}{specifier} pinned, {have} installed")
    return problems


def _installs(package_dir: Path, python: Path, requirements: Sequence[str], options: ProveOptions, work: Optional[Path] = None) -> tuple[bool, str]:
    source = package_dir
    if work is not None:
        # Built from a copy: a build in place (`--no-build-isolation` writes build/ and
        # *.egg-info beside the sources) must not change the package migrate wrote.
        source = work / "install-source"
        shutil.copytree(package_dir, source, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    argv = [sys.executable, "-m", "uv", "pip", "install", "--quiet", "--python", str(python), "--no-deps", "--reinstall-package", _distribution(package_dir), str(source)]
    if options.env_mode == "current":
        argv[6:6] = ["--no-index", "--no-build-isolation"]
    ok, out = _run(argv, timeout=options.timeout)
    if not ok:
        return False, f"`pip install` of the package failed: {_last_lines(out)}"
    # Every requirement is installed, at its pinned version where it has one: the environment
    # reports what it holds, the comparison is PEP 440's (unsatisfied_pins, below).
    names = sorted({name for name, _ in _pinned(requirements)})
    check = (
        "import json, sys, importlib.metadata as m\n"
        "have = {}\n"
        "for name in json.loads(sys.argv[1]):\n"
        "    try:\n"
        "        have[name] = m.version(name)\n"
        "    except m.PackageNotFoundError:\n"
        "        have[name] = None\n"
        "print(json.dumps(have))\n"
    )
    ok, out = _run([str(python), "-c", check, json.dumps(names)], timeout=options.timeout, stdout_only=True)
    if not ok:
        return False, f"could not check the pins: {_last_lines(out)}"
    try:
        installed = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return False, f"could not check the pins: {_last_lines(out)}"
    out = "; ".join(unsatisfied_pins(requirements, installed))
    if out.strip():
        return False, f"pins not satisfied: {out.strip()}"
    mode = "from the package index into a clean environment" if options.env_mode == "clean" else "offline, resolved from the current environment; every pin matches what is installed"
    return True, f"installed {mode}"


def _distribution(package_dir: Path) -> str:
    try:
        text = (package_dir / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return package_dir.name
    match = re.search(r'^name\s*=\s*"([^"]+)"', text, re.MULTILINE)
    return match.group(1) if match else package_dir.name


# The failure names the package's module whose line raised (the deepest frame in the package),
# not the first module that happened to import it.
_IMPORT_ALL = """
import importlib, os, pkgutil, sys, traceback
names = [sys.argv[1]]
try:
    package = importlib.import_module(sys.argv[1])
    names += sorted(m.name for m in pkgutil.walk_packages(package.__path__, sys.argv[1] + "."))
    root = os.path.dirname(os.path.abspath(package.__file__))
except BaseException:
    root = None
for name in names:
    try:
        importlib.import_module(name)
    except BaseException as exc:
        where, line = name, None
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            filename = os.path.abspath(frame.f_code.co_filename)
            if root and filename.startswith(root + os.sep):
                module = os.path.relpath(filename, os.path.dirname(root))[:-3].replace(os.sep, ".")
                where, line = (module[:-9] if module.endswith(".__init__") else module), lineno
        # The detail is one line: a message of several (scikit-learn's removed `load_boston` ends
        # with a reference URL) is named by its first, which says what went wrong.
        said = [text.strip() for text in str(exc).splitlines() if text.strip()]
        print("%s%s: %s: %s" % (where, " line %d" % line if line else "", type(exc).__name__, said[0] if said else ""))
        sys.exit(1)
print("%d modules" % len(names))
"""


def _imports(package: str, python: Path, work: Path, env: dict[str, str], timeout: float) -> tuple[bool, str]:
    ok, out = _run([str(python), "-c", _IMPORT_ALL, package], timeout=timeout, cwd=work, env=env, stdout_only=True)
    if ok:
        return True, f"{_last_lines(out, 1)} import"
    return False, _last_lines(out, 1)


def _tests(
    package_dir: Path, python: Path, work: Path, env: dict[str, str], timeout: float, copy: Optional[Path] = None, junit: Optional[Path] = None
) -> tuple[bool, str]:
    copy = copy or work / "tests-run"
    shutil.copytree(package_dir, copy, ignore=shutil.ignore_patterns(".nbrefactor", "__pycache__"))
    # A wide terminal: pytest cuts its short summary to the width, and the reason then read
    # "ERROR …test_every_step_runs_on_the_notebook_data - File..." (a real notebook's missing data).
    wide = dict(env, COLUMNS="4000")
    argv = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "tests"]
    if junit is not None:
        argv.append(f"--junitxml={junit}")
    ok, out = _run(argv, timeout=timeout, cwd=copy, env=wide, stdout_only=True)
    summary = next((line for line in reversed(out.splitlines()) if re.search(r"\d+ (passed|failed|error)", line)), _last_lines(out, 1))
    summary = re.sub(r" in [0-9.]+s( \([0-9:]+\))?$", "", summary.strip("= "))  # no timings in the record
    if ok:
        return True, summary
    failed = next((line for line in out.splitlines() if line.startswith(("FAILED", "ERROR"))), "")
    if len(failed) > 400:
        failed = failed[:399] + "…"
    return False, f"{summary}" + (f"; {failed}" if failed else "")


# The generated test that runs every step on the notebook's data (templates/test_package.py.j2):
# the one test of rung 4 that runs what the package computes. The others check that the modules
# import (rung 3 did) and that the config reads the environment.
DATA_RUN_TEST = "test_every_step_runs_on_the_notebook_data"


def _tests_rung(package_dir: Path, python: Path, work: Path, env: dict[str, str], timeout: float, notebooks: Sequence[Path]) -> tuple[str, str]:
    """Rung 4: the generated tests pass, and the data-run test is one that passed. When it was
    skipped (the notebook's data is not beside it: `MISSING` of the generated tests) the rung ran
    nothing of what the package computes, so it is `unavailable` with the reason, not `passed`
    (session 34: "Rung 4 passes with the data-run test skipped; the detail says so"). A package
    whose tests have no such test (written by hand) is judged on its tests passing alone."""
    junit = work / "rung-4-junit.xml"
    ok, summary = _tests(package_dir, python, work, env, timeout, junit=junit)
    if not ok:
        return "failed", summary
    skipped = _skipped_test(junit, DATA_RUN_TEST)
    if skipped is None:
        return "passed", summary
    missing = _missing_data(package_dir)
    why = _why_missing(missing, [p.parent for p in notebooks]) if missing else skipped
    return "unavailable", f"{summary}, but {DATA_RUN_TEST}, which runs the steps on the notebook's data, was skipped: {why}"


def _skipped_test(junit: Path, name: str) -> Optional[str]:
    """The skip reason of the test called `name` in pytest's JUnit XML report (a parametrized one
    counts when any of its cases was skipped), or None when it was not skipped or is absent."""
    import xml.etree.ElementTree as ElementTree

    try:
        root = ElementTree.parse(junit).getroot()
    except (OSError, ElementTree.ParseError):
        return None
    for case in root.iter("testcase"):
        if case.get("name", "").split("[", 1)[0] != name:
            continue
        skip = case.find("skipped")
        if skip is not None:
            return one_line(skip.get("message") or "skipped")
    return None


# How a proof process imports nbrefactor (its comparer): from the very tree that runs the proof
# (`nbrefactor_dir`, its package folder), never another nbrefactor the environment can import — one
# installed there, or, in a git worktree, the main checkout an editable install points at (rung 5
# appended the source root to sys.path, so the environment's nbrefactor came first).
OWN_NBREFACTOR_IMPORT = r"""
import importlib.util as _util
for _name in [m for m in sys.modules if m == "nbrefactor" or m.startswith("nbrefactor.")]:
    del sys.modules[_name]
_spec = _util.spec_from_file_location("nbrefactor", os.path.join(nbrefactor_dir, "__init__.py"), submodule_search_locations=[nbrefactor_dir])
_own = _util.module_from_spec(_spec)
sys.modules["nbrefactor"] = _own
_spec.loader.exec_module(_own)
"""

# Runs in the package's environment: every step in its own process through `runtime.run_step`
# (what each kfp component calls, with the same typed artifacts), then the whole pipeline in
# one process; every value crossing each step is compared (nbrefactor's comparer, from sys.argv).
_PIPELINE_DRIVER = r"""
import glob, json, os, pickle, subprocess, sys
package, work, nbrefactor_dir, runner, kfp_file = sys.argv[1:6]
import importlib
runtime = importlib.import_module(package + ".runtime")
STEPS = {n: (s.module, tuple(s.inputs), tuple(s.outputs)) for n, s in runtime.SPEC.steps.items()}
pipeline = importlib.import_module(package + ".pipeline")
order = list(pipeline.STEPS)
artifacts = os.path.join(work, "artifacts")
os.makedirs(artifacts, exist_ok=True)
where = {}  # (step, output) -> the saved artifact
if runner == "kfp":
    # The generated kfp pipeline itself, every component in its own process (kfp.local).
    import importlib.util, logging
    logging.disable(logging.INFO)
    from kfp import local
    root = os.path.join(work, "kfp-root")
    local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=root)
    spec = importlib.util.spec_from_file_location("nbrefactor_kfp_pipeline", kfp_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        getattr(module, package + "_pipeline")()
    except Exception as exc:
        print("kfp.local: the pipeline failed: %s: %s" % (type(exc).__name__, str(exc).splitlines()[0] if str(exc) else ""))
        sys.exit(1)
    [run] = sorted(glob.glob(os.path.join(root, "*")))[-1:]
    spelled = getattr(module, "KFP_NAMES", {})  # a value's kfp parameter is ASCII: out_<spelling>
    for step in order:
        for name in STEPS[step][2]:
            param = "out_" + spelled.get(name, name)
            found = glob.glob(os.path.join(run, "step-" + step.replace("_", "-"), param)) or glob.glob(os.path.join(run, "*", param))
            if not found:
                print("kfp.local: no artifact %s of step %s" % (param, step))
                sys.exit(1)
            where[(step, name)] = found[0]
    how = "run by kfp.local (SubprocessRunner)"
else:
    produced = {}
    for step in order:
        module, inputs, outputs = STEPS[step]
        inp = {n: produced[n] for n in inputs}
        out = {n: os.path.join(artifacts, "%s.%s.pkl" % (step, n)) for n in outputs}
        code = "import json, sys; from %s.runtime import run_step; run_step(%r, {}, json.loads(sys.argv[1]), json.loads(sys.argv[2]))" % (package, step)
        done = subprocess.run([sys.executable, "-c", code, json.dumps(inp), json.dumps(out)], capture_output=True, text=True, errors="replace")
        if done.returncode != 0:
            lines = [l for l in (done.stdout + done.stderr).splitlines() if l.strip()]
            print("step %s failed in its own process: %s" % (step, lines[-1] if lines else "exit %d" % done.returncode))
            sys.exit(1)
        produced.update(out)
        where.update({(step, n): path for n, path in out.items()})
    how = "in separate processes (runtime.run_step)"
try:
    import cloudpickle as dumper
except ImportError:
    dumper = pickle
frozen = {}
def on_step(name, values):
    # frozen as returned: a later step changing an object in place must not blur the comparison
    frozen[name] = {k: dumper.dumps(v) for k, v in values.items()}
final = pipeline.run(on_step=on_step, tracking=False)
""" + OWN_NBREFACTOR_IMPORT + r"""
from nbrefactor.verify.compare import Match, Mismatch, compare
from nbrefactor_runtime import artifacts as runtime_artifacts
checked = 0
for step in order:
    module, inputs, outputs = STEPS[step]
    for name in outputs:
        separate = runtime_artifacts.load(where[(step, name)])  # Parquet, .npy, torch or pickle
        together = pickle.loads(frozen[step][name])
        result = compare(together, separate, name=name, labels=("in one process", "step by step"))
        if isinstance(result, Mismatch):
            # Aliasing split across steps, or a pipeline that differs from run to run anyway
            # (unseeded randomness)? A second run in one process tells them apart.
            first = frozen
            frozen = {}
            pipeline.run(on_step=on_step, tracking=False)
            again = compare(pickle.loads(first[step][name]), pickle.loads(frozen[step][name]), name=name, labels=("first run", "second run"))
            if isinstance(again, Mismatch):
                print("not deterministic: two runs in one process differ at step %s, %s at %s (unseeded randomness?): %s" % (step, name, again.path, again.reason))
            else:
                print("step %s: %s differs at %s: %s" % (step, name, result.path, result.reason))
            sys.exit(1)
        checked += 1
# The count is the proof's: 0 compared is said as such (mig14: "1 steps ..., 0 values equal" read
# as a pass; Proof.proven then asks rung 6 for a comparison). The last line is read by _pipeline.
steps_run = "%d step%s %s" % (len(order), "" if len(order) == 1 else "s", how)
if checked:
    print("%s, %d values equal to the in-process run" % (steps_run, checked))
else:
    print("%s, 0 values compared: no step returns a value" % steps_run)
"""
_COMPARED = re.compile(r", (\d+) values (?:equal to the in-process run|compared: )")


def values_compared(passed: bool, detail: str) -> Optional[int]:
    """How many values a passed rung 5 compared, read from the driver's last line (None where it
    did not pass, or the line does not say)."""
    counted = _COMPARED.search(detail) if passed else None
    return int(counted.group(1)) if counted else None


def _pipeline(package: str, package_dir: Path, python: Path, work: Path, env: dict[str, str], timeout: float, runner: str = "steps", notebooks: Sequence[Path] = ()) -> tuple[bool, str]:
    run_dir = work / "pipeline-run"
    data = package_dir / "tests" / "data"
    if data.is_dir():
        shutil.copytree(data, run_dir)
    else:
        run_dir.mkdir()
    missing = _missing_data(package_dir)
    if missing:
        return False, _why_missing(missing, [p.parent for p in notebooks])
    nbrefactor_dir = str(Path(__file__).resolve().parent.parent)  # this nbrefactor's package folder
    kfp_file = package_dir / "pipeline" / "kfp_pipeline.py"
    if runner == "auto":
        has_kfp, _ = _run([str(python), "-c", "import kfp.local"], timeout=timeout, env=env)
        runner = "kfp" if has_kfp and kfp_file.is_file() else "steps"
    ok, out = _run([str(python), "-c", _PIPELINE_DRIVER, package, str(run_dir), nbrefactor_dir, runner, str(kfp_file)], timeout=timeout, cwd=run_dir, env=env, stdout_only=True)
    return ok, _last_lines(out, 1)


def _why_missing(missing: Sequence[str], folders: Sequence[Path]) -> str:
    """Why the package's tests have no copy of the files the notebook read. "Not available beside
    the notebook" was said of files that were there (mig15: a 3.9 MB `train.parquet` left out of
    tests/data as too large; a CSV read from `../chapter-03-…/`, outside the notebook's folder)."""
    here, outside, absent = [], [], []
    for path in missing:
        found = next((folder for folder in folders if "://" not in path and (folder / path).is_file()), None)
        if found is None:
            absent.append(path)
        elif PurePosixPath(path).parts[:1] == ("..",):
            outside.append(path)
        else:
            here.append(path)
    parts = []
    if here:
        parts.append(f"beside the notebook but too large to copy into tests/data: {', '.join(here[:3])}")
    if outside:
        parts.append(f"read from outside the notebook's folder, which tests/data does not hold: {', '.join(outside[:3])}")
    if absent:
        parts.append(f"data not available beside the notebook: {', '.join(absent[:3])}")
    return "; ".join(parts)


def _missing_data(package_dir: Path) -> list[str]:
    """The generated tests list the files the notebook read that are not beside it."""
    try:
        text = (package_dir / "tests" / "test_package.py").read_text(encoding="utf-8")
    except OSError:
        return []
    match = re.search(r"^MISSING = (\[.*?\])$", text, re.MULTILINE | re.DOTALL)
    if not match:
        return []
    import ast

    try:
        return [str(x) for x in ast.literal_eval(match.group(1))]
    except (ValueError, SyntaxError):
        return []


def _verified(notebooks: Sequence[Path], package_dir: Path, python: Path, timeout: float, work: Optional[Path] = None, env: Optional[dict[str, str]] = None) -> tuple[str, str]:
    """verify, recording the notebook's values into the package's tests/notebook_values.json;
    then the generated tests run again and must pass on those recorded values."""
    from nbrefactor.verify.runner import VerifyError, verify

    present = [p for p in notebooks if p.is_file()]
    if not present or len(present) != len(notebooks):
        return "unavailable", "the notebook is not where migrate read it"
    try:
        report = verify([str(p) for p in present], str(package_dir), timeout=timeout, python=str(python), record=True)
    except VerifyError as exc:
        return "failed", one_line(str(exc))
    notebook_errors = [e for e in report.errors if e.side == "notebook"]
    if notebook_errors:
        return "unavailable", f"the notebook cannot run here: {one_line(notebook_errors[0].message)}"
    counts = report.counts()
    if report.ok:
        recorded = next((n for n in report.notes if n.startswith("recorded ")), "")
        if work is not None and env is not None and recorded:
            copy = work / "recorded-tests"
            ok, summary = _tests(package_dir, python, work, env, timeout, copy)
            if not ok:
                return "failed", f"the generated tests fail on the values recorded from the notebook: {summary}"
            return "passed", f"{counts['matched']} values, texts and files compared, no difference; {recorded.split(' into ')[0]}, asserted by the generated tests ({summary})"
        return "passed", f"{counts['matched']} values, texts and files compared, no difference"
    if report.verdict != "FAILED":
        return "failed", report.verdict
    if report.errors:
        return "failed", one_line(report.errors[0].message)
    first = next(((where, c) for where, c in report.checks() if c.status in ("mismatched", "not compared")), None)
    if first is None:
        return "failed", report.verdict
    where, check = first
    return "failed", one_line(f"{counts['mismatched']} mismatched; first: {where} {check.name}: {check.reason}")


# --- the proof cache ------------------------------------------------------------------------------

RECORDED_VALUES = Path("tests") / "notebook_values.json"  # written by rung 6 (verify --record)
_CACHE_SCHEMA = 3  # 2: rung 5 records how many values it compared (a schema-1 proof did not); 3: a `current` layer holds the runtime wheel (mig15: proofs that failed on the base's stale runtime version were reused)


_KEY_FILE_LIMIT = 20_000  # files beside the notebooks looked at for a key; beyond it: no caching
_SKIPPED_DIRS = {".git", "__pycache__", ".ipynb_checkpoints", ".venv", "venv", "node_modules", ".nbrefactor"}


def proof_key(package_dir: Path, notebooks: Sequence[Path], options: ProveOptions) -> Optional[str]:
    """What a proof depends on: every file of the package as it is on disk (a hand edit counts; the
    values rung 6 records are its output, not its input), the notebooks (bytes) and the files
    beside them that rung 6 runs on (size and modification time), the requirements, the
    environment (mode, interpreter, every distribution installed where nbrefactor runs: the base
    of `current` environments and of verify's kernel), the rungs asked for and nbrefactor's
    version. None (no caching) when the notebooks' folders hold too many files to look at."""
    import importlib.metadata

    from nbrefactor import __version__

    digest = hashlib.sha256()
    package_root = package_dir.resolve()
    for path in sorted(p for p in package_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(package_dir).as_posix()
        if "__pycache__" in path.parts or relative == RECORDED_VALUES.as_posix():
            continue
        digest.update(relative.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    seen = 0
    for notebook in notebooks:
        digest.update(b"notebook\0" + notebook.name.encode("utf-8") + b"\0")
        try:
            digest.update(hashlib.sha256(notebook.read_bytes()).digest())
        except OSError:
            digest.update(b"absent")
        folder = notebook.parent
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not _generated_folder(Path(root, d), package_root, options))
            for name in sorted(files):
                seen += 1
                if seen > _KEY_FILE_LIMIT:
                    return None
                path = Path(root, name)
                try:
                    stat = path.stat()
                except OSError:
                    continue
                digest.update(path.relative_to(folder).as_posix().encode("utf-8") + f"\0{stat.st_size}:{stat.st_mtime_ns}".encode())
    installed = sorted({f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions() if d.metadata["Name"]})
    basis = {
        "schema": _CACHE_SCHEMA,
        "nbrefactor": __version__,
        "tree": digest.hexdigest(),
        "requirements": requirement_lines(package_dir),
        "mode": options.env_mode,
        "python": sys.version,
        "base": sys.prefix,
        "installed": installed,
        "tools": TOOLS,
        "verify": options.verify,
        "runner": options.pipeline_runner,
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode("utf-8")).hexdigest()


def _generated_folder(folder: Path, package_root: Path, options: ProveOptions) -> bool:
    """Folders nbrefactor writes itself (a migrate output, a package, the environment cache): a
    run of migrate changes them, so they are not what a proof depends on."""
    resolved = folder.resolve()
    if resolved == package_root or resolved == options.cache.resolve():
        return True
    return (folder / "migration-report.json").is_file() or (folder / ".nbrefactor").is_dir() or (folder / ".nbrefactor-ready").is_file()


def _cache_file(options: ProveOptions, key: str) -> Path:
    return options.cache / "proofs" / f"{key}.json"


def cached_proof(package_dir: Path, key: str, options: ProveOptions) -> Optional[Proof]:
    """The stored proof of an unchanged package (its recorded values put back), or None."""
    try:
        data = json.loads(_cache_file(options, key).read_text(encoding="utf-8"))
        rungs = tuple(RungResult(int(r["rung"]), str(r["status"]), str(r["detail"]), compared=_count(r.get("compared"))) for r in data["rungs"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    recorded = data.get("recorded")
    if isinstance(recorded, str):
        from nbrefactor.fileio import write_text_atomic

        target = package_dir / RECORDED_VALUES
        if not target.is_file() or target.read_text(encoding="utf-8") != recorded:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(target, recorded)
    return Proof(rungs, cached=True)


def _count(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def store_proof(package_dir: Path, key: str, proof: Proof, options: ProveOptions) -> None:
    """Kept unless a rung timed out (a busy machine is no property of the package)."""
    if any("timed out" in r.detail for r in proof.rungs):
        return
    from nbrefactor.fileio import write_text_atomic

    recorded = package_dir / RECORDED_VALUES
    data = {
        "rungs": [{"rung": r.rung, "status": r.status, "detail": r.detail, "compared": r.compared} for r in proof.rungs],
        "recorded": recorded.read_text(encoding="utf-8") if recorded.is_file() and proof.rung >= 6 else None,
    }
    target = _cache_file(options, key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(target, json.dumps(data, sort_keys=True) + "\n")
    except OSError:
        pass  # a cache that cannot be written only costs time


def prove_package(package_dir: Path, package: str, notebooks: Sequence[Path], options: ProveOptions, environments: Environments) -> Proof:
    """Climb the ladder for one written package, or take its proof from the cache when nothing it
    depends on changed (`proof_key`)."""
    key = proof_key(package_dir, notebooks, options)
    if key is None:
        return _climb(package_dir, package, notebooks, options, environments)
    if options.use_cache:
        cached = cached_proof(package_dir, key, options)
        if cached is not None:
            return cached
    proof = _climb(package_dir, package, notebooks, options, environments)
    store_proof(package_dir, key, proof, options)  # --no-cache still updates the cache
    return proof


def _climb(package_dir: Path, package: str, notebooks: Sequence[Path], options: ProveOptions, environments: Environments) -> Proof:
    """Climb the ladder for one written package; stops at the first rung that fails."""
    results: list[RungResult] = [RungResult(1, "passed", "files written")]
    work = Path(tempfile.mkdtemp(prefix="nbrefactor-prove-"))
    try:
        env = _hermetic(work)

        def climb(rung: int, attempt: Any) -> bool:
            started = time.monotonic()
            try:
                outcome = attempt()
            except Exception as exc:  # noqa: BLE001 - a rung that cannot even be attempted failed
                outcome = (False, f"{type(exc).__name__}: {exc}")
            status, detail = outcome[:2] if isinstance(outcome[0], str) else ("passed" if outcome[0] else "failed", outcome[1])
            compared = outcome[2] if len(outcome) > 2 else None  # rung 5: values compared
            # The record is the same from run to run: no temporary paths in it.
            detail = str(detail).replace(str(work), "<temporary folder>")
            results.append(RungResult(rung, status, one_line(detail), round(time.monotonic() - started, 3), compared))
            return status == "passed"

        requirements = requirement_lines(package_dir)
        state: dict[str, Path] = {}

        def install() -> tuple[bool, str]:
            python, problem = environments.get(requirements)
            if python is None:
                return False, problem
            state["python"] = python
            ok, detail = _installs(package_dir, python, requirements, options, work)
            if ok and options.env_mode == "clean":
                # The environment above runs this machine's Python; the image runs its own.
                from nbrefactor.migrate.image_resolution import resolve_for_image

                image = resolve_for_image(package_dir, timeout=options.timeout)
                if not image.resolved:
                    return False, image.detail
                detail = f"{detail}; image: {image.detail}"
            return ok, detail

        steps = [
            (2, install),
            (3, lambda: _imports(package, state["python"], work, env, options.timeout)),
            (4, lambda: _tests_rung(package_dir, state["python"], work, env, options.timeout, notebooks)),
            (5, lambda: _with_count(*_pipeline(package, package_dir, state["python"], work, env, options.timeout, options.pipeline_runner, notebooks))),
        ]
        if options.verify:
            steps.append((6, lambda: _verified(notebooks, package_dir, state["python"], options.timeout, work, env)))
        for rung, attempt in steps:
            if not climb(rung, attempt):
                break
        climbed = list(results)
        done = {r.rung for r in climbed}
        for rung in range(2, len(RUNGS) + 1):
            if rung not in done:
                results.append(RungResult(rung, "not run", why_not_run(rung, climbed, options.verify)))
        return Proof(tuple(sorted(results, key=lambda r: r.rung)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def why_not_run(rung: int, results: list[RungResult], verify: bool) -> str:
    """Why `rung` was not climbed: the highest rung climbed stopped the ladder, by failing or by
    being unavailable (rung 4 whose data-run test was skipped could not run, it did not fail:
    review of session 35, rung 5 said "tests pass did not pass")."""
    if rung == 6 and not verify:
        return "verify not requested"
    stopped = max(results, key=lambda r: r.rung)
    name = RUNGS[stopped.rung - 1]
    return f"{name} was unavailable" if stopped.status == "unavailable" else f"{name} did not pass"


def _with_count(passed: bool, detail: str) -> tuple[bool, str, Optional[int]]:
    return passed, detail, values_compared(passed, detail)


def prove_records(
    records: Sequence[dict[str, Any]], out: Path, notebook_paths: dict[str, Sequence[Path]], options: ProveOptions, jobs: int = 1, on_proof: Any = None
) -> tuple[list[dict[str, Any]], dict[str, list[RungResult]]]:
    """Each written model's record with its `proof`, its status and readiness from it
    (`report.migration.with_proof`: "emitted" below rung 5); models that were not written keep
    their status and get no proof. A record of a `--no-prove` run (already "emitted") is proven
    like any written package. Returns the new records and the timings per model (for the terminal
    and benchmarks, never the report)."""
    from concurrent.futures import ThreadPoolExecutor

    environments = Environments(options)
    todo = [r for r in records if _written(r)]
    proofs: dict[str, Proof] = {}

    def one(record: dict[str, Any]) -> None:
        proof = prove_package(out / record["package_dir"], record["package"], notebook_paths.get(record["name"], ()), options, environments)
        proofs[record["name"]] = proof
        if on_proof is not None:
            on_proof(record, proof)

    if jobs > 1 and len(todo) > 1:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(one, todo))
    else:
        for record in todo:
            one(record)
    updated = []
    for record in records:
        proof = proofs.get(record["name"])
        updated.append(with_proof(record, proof.record()) if proof is not None else record)
    return updated, {name: list(p.rungs) for name, p in proofs.items()}


def skip_records(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """`--no-prove`: every written package is "emitted" with the proof "not run (--no-prove)"; its
    review items stay in the record (and in its readiness score, in the emitted band)."""
    return [with_proof(r, skipped_record()) if _written(r) else dict(r) for r in records]


def _written(record: dict[str, Any]) -> bool:
    # `package_dir` is only set where the compiler wrote a package (report.migration.model_record).
    return bool(record.get("package_dir")) and record.get("status") in ("migrated", "migrated-with-review", "emitted")


__all__ = ["RUNGS", "ProveOptions", "Proof", "RungResult", "prove_package", "prove_records", "unsatisfied_pins", "skip_records", "Environments", "proof_key", "cached_proof", "store_proof"]
