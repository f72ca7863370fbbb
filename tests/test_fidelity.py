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

import shutil
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
    main(["migrate", str(corpus), "--out", str(out), "-j", "1"])
    models = {}
    for plan_file in sorted(out.glob("*/.nbrefactor/plan.json")):
        import json

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


def test_every_runnable_fixture_model_computes_what_its_notebook_computed(migrated, capsys):
    matched, mismatched, cannot_run, not_verified = [], {}, {}, {}
    for model, (notebooks, package) in sorted(migrated.items()):
        if model in TOO_SLOW:
            continue
        if model in NEEDS_NETWORK:
            cannot_run[model] = NEEDS_NETWORK[model]
            continue
        report = verify([str(n) for n in notebooks], str(package), timeout=300)
        if model == "mnist_cnn":  # hermetic: its `!pip install torch …` is a requirement, never run
            assert any(line.endswith("!pip install torch torchvision tqdm") for line in report.not_executed), report.not_executed
        notebook_errors = [e for e in report.errors if e.side == "notebook"]
        if notebook_errors:
            cannot_run[model] = notebook_errors[0].message
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
    with capsys.disabled():
        print(f"\nfidelity: {len(matched)} matched: {', '.join(matched)}")
        for model, why in sorted(mismatched.items()):
            print(f"fidelity: MISMATCH {model}: {why}")
        for model, why in sorted(not_verified.items()):
            print(f"fidelity: NOT VERIFIED {model}: {why[:200]}")
        for model, why in sorted(cannot_run.items()):
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
    report = verify([str(corpus / "modular" / "train_modular.ipynb")], str(package), timeout=300)
    assert report.ok, (report.verdict, [e.message for e in report.errors])
    assert report.verdict == "OK"
