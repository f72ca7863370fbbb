"""Proof of fidelity: every fixture model is migrated, then `nbrefactor verify` runs the notebook
in a real kernel (twice, unseeded, hermetic: no install line runs, no network) and the generated
package side by side and compares every value that crosses a step boundary, what each step
printed, every file the notebook wrote, and the final values.

A model whose verdict is NOT VERIFIED (nothing compared, or the notebook itself differs between
two runs) is listed apart: it is neither a match nor a package mismatch.

A model whose notebook cannot run here (a package not installed, data that is not in the
repository, an absolute path of someone's machine) is listed, not counted. Of the models that do
run, at least 90% must match; each one that does not must be explained below, and an explanation
that is no longer needed fails the test too.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from nbrefactor.cli.app import main
from nbrefactor.verify.runner import verify

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "notebooks"

# model → why its package does not compute what the notebook computed.
EXPLAINED_MISMATCHES: dict[str, str] = {
    # verify compares printed text since the package's steps print what the cells printed.
    "edge_cases": "cell 4 is `%%capture`: the notebook hides what the cell prints, the package (the compiler drops the magic) prints 'this output is captured'",
}

# Rendering hundreds of inline figures takes minutes on both sides and proves nothing more than
# the smaller plotting fixtures do.
TOO_SLOW = {"huge_outputs"}

# Audit fixtures whose notebook needs the network to do anything (verify runs hermetic): the
# notebook cannot run here, so it is listed with the others that cannot, not counted. fair6/
# cloned_tool clones a repository and `%cd`s into it; offline IPython's `%cd` to the missing folder
# only prints an error and the notebook goes on in the wrong folder, where the package stops.
NEEDS_NETWORK = {"train_detector": "its first cell clones a repository (`!git clone`) and enters it"}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    work = tmp_path_factory.mktemp("fidelity")
    corpus = work / "notebooks"
    shutil.copytree(FIXTURES, corpus)
    out = work / "packages"
    main(["migrate", str(corpus), "--out", str(out), "-j", "2"])
    models = {}
    for plan_file in sorted(out.glob("*/.nbrefactor/plan.json")):
        plan = json.loads(plan_file.read_text())
        package = plan_file.parent.parent
        notebooks = [_resolve(corpus, nb) for nb in plan["notebooks"]]
        models[plan["package"]] = (notebooks, package)
    return models


def _resolve(corpus: Path, shown: str) -> Path:
    marker = "fixtures/notebooks/"
    relative = shown.split("notebooks/", 1)[1] if "notebooks/" in shown else shown
    if marker in shown:
        relative = shown.split(marker, 1)[1]
    return corpus / relative


# A notebook is run to the end in a real kernel; a fixture notebook takes seconds on an idle machine.
# A side over this is a hang (it was a cloud tool retrying without the network for minutes: see
# hermetic_env). Not a speed claim: the CI machine's load passes 10 on 2 cores while this test's two
# verifies and the other worker run side by side (see tests/deadlines.py), so a few seconds idle
# can be minutes there.
VERIFY_TIMEOUT = 420
# Cell magics whose body is not Python: their lines are not imports.
_NOT_PYTHON_CELL = ("%%bash", "%%sh", "%%script", "%%writefile", "%%html", "%%javascript", "%%latex", "%%markdown", "%%sql", "%%bigquery", "%%R", "%%perl", "%%ruby", "%%svg", "%%file")


def missing_modules(notebooks: list[Path]) -> list[str]:
    """Modules the notebooks import unconditionally (an `import` at the top level of a code cell)
    that this environment cannot import and the notebook's folder does not hold: the first such
    cell raises ModuleNotFoundError in any kernel here, so the notebook cannot run and running it
    (twice) beside its package would only spend the suite's time to find that out."""
    missing: list[str] = []
    for path in notebooks:
        raw = path.read_text(encoding="utf-8")
        document = json.loads(raw)
        if not isinstance(document, dict):
            return []
        local = {p.stem for p in path.parent.glob("*.py")} | {p.name for p in path.parent.iterdir() if p.is_dir()}
        for cell in document.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if source.lstrip().startswith(_NOT_PYTHON_CELL):
                continue
            python = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))
            try:
                tree = ast.parse(python)
            except SyntaxError:
                continue
            for statement in tree.body:  # top level only: an import under `try`/`if` may be optional
                if isinstance(statement, ast.Import):
                    names = [alias.name for alias in statement.names]
                elif isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module:
                    names = [statement.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    # a module the notebook writes itself (`%%writefile helpers.py`) is no dependency
                    if top in local or f"{top}.py" in raw or top in missing:
                        continue
                    try:
                        found = importlib.util.find_spec(top) is not None
                    except (ImportError, ValueError):
                        found = False
                    if not found:
                        missing.append(top)
    return missing


def _verify_model(model: str, notebooks: list[Path], package: Path):
    """The notebook runs once beside its package; only a model that does not match so runs again
    as `nbrefactor verify` runs by default (the notebook twice, and a mismatch once more under one
    seed), which tells the notebook's own nondeterminism and chance agreement from a package that
    computes something else. A match on one run is a match: every value compared was equal. What
    the second run would add to it is calling a value on which the notebook's two runs differ
    "nondeterministic" although the package gave what the compared run gave: such a model counts
    as matched here where `verify` says NOT VERIFIED. Neither a model that compared nothing (a
    second run compares no more) nor a notebook that failed (it cannot run here) runs again.
    Why: a third of the test's processes (it verifies ~500 models), and the CI's time, went to
    second runs of notebooks that matched on the first."""
    started = time.monotonic()
    paths = [str(n) for n in notebooks]
    report = verify(paths, str(package), timeout=VERIFY_TIMEOUT, repeat=False)
    compared_nothing = report.verdict == "NOT VERIFIED: nothing was compared"
    notebook_failed = any(e.side == "notebook" for e in report.errors)
    if not (report.ok or compared_nothing or notebook_failed):
        report = verify(paths, str(package), timeout=VERIFY_TIMEOUT)
    return model, report, time.monotonic() - started


def test_the_import_screen_finds_what_a_kernel_would_fail_on(tmp_path):
    """The screen above decides which models are listed as unable to run without running them:
    it must name a module that is not installed, and nothing the notebook can import."""
    cells = [
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [], "source": "import os, json\nfrom collections import Counter\nimport helpers\n"},
        {"cell_type": "code", "metadata": {}, "execution_count": 2, "outputs": [], "source": "try:\n    import surely_absent_optional\nexcept ImportError:\n    pass\n"},
        {"cell_type": "code", "metadata": {}, "execution_count": 3, "outputs": [], "source": "%%bash\nimport nothing_here\n"},
        {"cell_type": "code", "metadata": {}, "execution_count": 4, "outputs": [], "source": "!pip install surely_absent_pkg\nimport surely_absent_pkg.sub as s\n"},
    ]
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    (tmp_path / "helpers.py").write_text("X = 1\n")
    assert missing_modules([notebook]) == ["surely_absent_pkg"]
    cells.pop()
    notebook.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert missing_modules([notebook]) == []


# pytest-timeout's limit for this one test (set-up included: the whole corpus migrated, then ~500
# models verified), above the 900 s every other test gets: 11 min idle here, a hang guard only.
@pytest.mark.timeout(3600)
def test_every_runnable_fixture_model_computes_what_its_notebook_computed(migrated, capsys, record_property):
    matched, mismatched, cannot_run, not_verified = [], {}, {}, {}
    failed_running = {}  # the part of cannot_run whose notebook ran and failed (a time limit is one)
    to_verify = []
    for model, (notebooks, package) in sorted(migrated.items()):
        if model in TOO_SLOW:
            continue
        if model in NEEDS_NETWORK:
            cannot_run[model] = NEEDS_NETWORK[model]
            continue
        absent = missing_modules(notebooks)
        if absent and model not in EXPLAINED_MISMATCHES:
            cannot_run[model] = f"imports {', '.join(absent)}, not installed here (not run)"
            continue
        to_verify.append((model, notebooks, package))
    # Two models at a time: each verify runs three processes (the notebook twice, the package)
    # that spend much of their time starting up; the suite's other worker shares the two cores.
    durations = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda job: _verify_model(*job), to_verify))
    for model, report, seconds in results:
        durations[model] = seconds
        if model == "mnist_cnn":  # hermetic: its `!pip install torch …` is a requirement, never run
            assert any(line.endswith("!pip install torch torchvision tqdm") for line in report.not_executed), report.not_executed
        notebook_errors = [e for e in report.errors if e.side == "notebook"]
        if notebook_errors:
            cannot_run[model] = failed_running[model] = notebook_errors[0].message
        elif report.ok:
            matched.append(model)
        elif report.verdict.startswith("NOT VERIFIED"):
            odd = [f"{step}.{c.name}" for step, c in report.checks() if c.status == "nondeterministic"]
            not_verified[model] = report.verdict + (f" ({', '.join(odd[:5])})" if odd else "")
        else:
            problems = [e.message for e in report.errors] + [
                f"{step}.{check.name}: {check.reason} at {check.path}" for step, check in report.checks() if check.status in ("mismatched", "not compared")
            ]
            mismatched[model] = "; ".join(problems)[:500]
    matched.sort()
    slowest = ", ".join(f"{m} {s:.0f} s" for m, s in sorted(durations.items(), key=lambda item: -item[1])[:10])
    not_run = {m: why for m, why in cannot_run.items() if m not in failed_running}
    # For the run's last page (tests/conftest.py `pytest_terminal_summary`, with or without xdist):
    # a CI that is slow or fails needs the slowest models and every notebook that failed while
    # running (a time limit reached is one) named.
    record_property("summary", "\n".join([
        f"{len(matched)} matched, {len(mismatched)} mismatched, {len(not_verified)} not verified, {len(cannot_run)} cannot run here ({len(failed_running)} of them failed while running)",
        f"{len(durations)} verified in {sum(durations.values()):.0f} s; slowest: {slowest}",
        *(f"MISMATCH {model}: {why[:300]}" for model, why in sorted(mismatched.items())),
        *(f"NOT VERIFIED {model}: {why[:160]}" for model, why in sorted(not_verified.items())),
        *(f"failed while running: {model}: {why[:160]}" for model, why in sorted(failed_running.items())),
    ]))
    # What the summary leaves out, for a reader running this test alone with -s: the models that
    # matched and those not run here (imports not installed, or the network needed).
    with capsys.disabled():
        print(f"\nfidelity: {len(matched)} matched: {', '.join(matched)}")
        for model, why in sorted(not_run.items()):
            print(f"fidelity: cannot run offline here: {model}: {why[:160]}")
    ran = len(matched) + len(mismatched) + len(not_verified)
    assert ran >= 8, f"only {ran} fixture models run offline here: {cannot_run}"
    runnable = len(matched) + len(mismatched)  # the verdicts that say something about the package
    unexplained = {m: why for m, why in mismatched.items() if m not in EXPLAINED_MISMATCHES}
    assert not unexplained, f"packages that compute something else than their notebook: {unexplained}"
    stale = sorted(m for m in EXPLAINED_MISMATCHES if m in matched)
    assert not stale, f"explained mismatches that now match (remove them): {stale}"
    # NOT VERIFIED models (the notebook itself differs between two runs, or nothing was compared)
    # are not in the rate either way: they say nothing about the package. Measured: 13 of 14
    # (0.93; the explained %%capture difference is the one below), since the seeded state is
    # carried between steps and displayed results are compared; the bar is back at 0.9.
    assert len(matched) / runnable >= 0.9


def test_train_modular_carries_its_local_package_and_computes_what_its_notebook_computed(tmp_path):
    """Fair check 2's fixture: the notebook imports `course_scripts.course_scripts.engine`, a code
    folder beside it (a namespace package, code one level down). The package vendors it under
    src/<pkg>/ and the real kernel comparison matches (it failed with "No module named
    'course_scripts'" before)."""
    corpus = tmp_path / "notebooks"
    shutil.copytree(FIXTURES / "fair2" / "modular", corpus / "modular")
    out = tmp_path / "packages"
    assert main(["migrate", str(corpus / "modular" / "train_modular.ipynb"), "--out", str(out), "--no-cache"]) == 0
    package = out / "train_modular"
    vendored = package / "src" / "train_modular" / "course_scripts" / "course_scripts" / "engine.py"
    assert vendored.read_text() == (FIXTURES / "fair2" / "modular" / "course_scripts" / "course_scripts" / "engine.py").read_text()
    assert "from .course_scripts.course_scripts import engine" in (package / "src" / "train_modular" / "steps.py").read_text()
    assert "course" not in (package / "requirements.txt").read_text()  # never a distribution
    report = verify([str(corpus / "modular" / "train_modular.ipynb")], str(package), timeout=VERIFY_TIMEOUT)
    assert report.ok, (report.verdict, [e.message for e in report.errors])
    assert report.verdict == "OK"
