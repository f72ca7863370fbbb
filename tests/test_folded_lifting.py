"""A finding the audit folds into another rule's to cut noise is still fixed by the compiler.

Fair check 14 folded the root of a `download=True` dataset into PTH007's download finding (PTH006
no longer reports `datasets.MNIST("../data", …, download=True)`'s root). Before that fold the
compiler lifted the root into the package config; the fold must not change the generated package.
Expected texts are written by hand from the fixture notebook (fixtures/notebooks/fair14/dataset_root).
"""

from __future__ import annotations

import json
from pathlib import Path

from nbfactory import project, write_notebook
from nbrefactor.audit.catalog import load_catalog
from nbrefactor.audit.engine import audit_notebook
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.project import discover_project
from nbrefactor.cli.app import main
from nbrefactor.config import Settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks" / "fair14" / "dataset_root"


def test_the_dataset_root_is_not_reported_but_handed_to_the_compiler():
    path = FIXTURES / "digits_only.ipynb"
    analysis = audit_notebook(read_notebook(path, "digits_only.ipynb"), Settings(), discover_project(path), load_catalog())
    # The report: the download only (fair check 14's fold, unchanged).
    assert [(d.code, d.location.cell, d.location.line) for d in analysis.result.diagnostics] == [("PTH007", 2, 2)]
    # The compiler's: the root at its three places (train and test download, a later re-read).
    folded = [(d.code, d.location.cell, d.location.line, tuple((r.cell, r.line) for r in d.related)) for d in analysis.folded]
    assert folded == [("PTH006", 2, 2, ((2, 3), (2, 4)))]


def test_the_folded_dataset_root_is_still_read_from_config(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["migrate", str(FIXTURES / "digits_only.ipynb"), "--out", str(out), "--no-prove", "--no-cache"]) == 0
    capsys.readouterr()
    package = out / "digits_only" / "src" / "digits_only"
    steps = (package / "steps.py").read_text(encoding="utf-8")
    assert 'train = datasets.MNIST(cfg.data_dir, train=True, download=True)' in steps
    assert 'test = datasets.MNIST(cfg.data_dir, train=False, download=True)' in steps
    assert 'again = datasets.MNIST(cfg.data_dir, train=True)' in steps
    assert '"../data"' not in steps
    assert 'data_dir: str = "../data"' in (package / "config.py").read_text(encoding="utf-8")
    # Not listed as a fixed finding: the report never showed it (PTH007 stands for it).
    assert "PTH006" not in (out / "digits_only" / "MIGRATION.md").read_text(encoding="utf-8")


def test_a_root_two_datasets_share_is_reported_and_lifted_as_before(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["migrate", str(FIXTURES / "digits_and_clothes.ipynb"), "--out", str(out), "--no-prove", "--no-cache"]) == 0
    capsys.readouterr()
    steps = (out / "digits_and_clothes" / "src" / "digits_and_clothes" / "steps.py").read_text(encoding="utf-8")
    assert 'digits = datasets.MNIST(cfg.data_dir, train=True, download=True)' in steps
    assert 'clothes = datasets.FashionMNIST(cfg.data_dir, train=True, download=True)' in steps
    assert "`PTH006`" in (out / "digits_and_clothes" / "MIGRATION.md").read_text(encoding="utf-8")


def test_the_root_is_lifted_beside_a_file_read_under_it(tmp_path, capsys):
    # Before the fold the root led PTH006's finding for the folder `../data`; now that finding is
    # the file's, and the root is folded into the download: both literals are still config.
    cells = [
        "from torchvision import datasets\nimport pandas as pd\n"
        "train = datasets.MNIST('../data', train=True, download=True)\nextra = pd.read_csv('../data/extra.csv')",
    ]
    path = write_notebook(project(tmp_path) / "under_root.ipynb", cells)
    out = tmp_path / "out"
    assert main(["migrate", str(path), "--out", str(out), "--no-prove", "--no-cache"]) == 0
    capsys.readouterr()
    steps = (out / "under_root" / "src" / "under_root" / "steps.py").read_text(encoding="utf-8")
    assert "train = datasets.MNIST(cfg.data_dir, train=True, download=True)" in steps
    assert "extra = pd.read_csv(cfg.extra_csv_path)" in steps
    # MIGRATION.md lists each lift once: the file's PTH006 (reported) as a finding, then the
    # dataset root (folded into PTH007's finding), named by its field.
    fixed = _section((out / "under_root" / "MIGRATION.md").read_text(encoding="utf-8"), "Fixed automatically")
    assert len(fixed) == 2, fixed
    reported, folded = fixed
    assert reported.startswith("- `PTH006` ") and "cell 1 line 4" in reported and reported.endswith("→ now a config field")
    assert "cell 1 line 3" in folded and folded.endswith("→ now the config field `data_dir` (reported within `PTH007`'s finding)")


def _section(markdown: str, title: str) -> list[str]:
    """The non-blank lines under `## title` in MIGRATION.md, up to the next heading."""
    lines = markdown.split("\n")
    start = lines.index(f"## {title}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [line for line in lines[start:end] if line.strip()]


def test_migration_md_lists_the_lifted_root_of_a_folded_finding(tmp_path, capsys):
    # MIGRATION.md said "Fixed automatically: nothing" while the package read `cfg.data_dir`: the
    # literal the compiler lifted was a folded finding's, which no report lists.
    out = tmp_path / "out"
    assert main(["migrate", str(FIXTURES / "digits_only.ipynb"), "--out", str(out), "--no-prove", "--no-cache"]) == 0
    capsys.readouterr()
    fixed = _section((out / "digits_only" / "MIGRATION.md").read_text(encoding="utf-8"), "Fixed automatically")
    assert len(fixed) == 1, fixed
    (line,) = fixed
    assert line.startswith("- ") and "digits_only.ipynb cell 2 line 2: " in line
    assert "'../data'" in line
    assert line.endswith("→ now the config field `data_dir` (reported within `PTH007`'s finding)")
    assert "`PTH006`" not in line  # no finding of that code was reported
    # The migration report's JSON says the same as data: the lift is not a key of `fixed` (no
    # reported finding has its fingerprint), it is listed under `fixed_folded` with its field.
    document = json.loads((out / "migration-report.json").read_text(encoding="utf-8"))
    (model,) = document["models"]
    assert model["fixed"] == {}
    (lift,) = model["fixed_folded"]
    assert (lift["code"], lift["notebook"], lift["cell"], lift["line"]) == ("PTH006", model["notebooks"][0], 2, 2)
    assert lift["notebook"].endswith("digits_only.ipynb")
    assert (lift["field"], lift["folded_into"], lift["file"]) == ("data_dir", "PTH007", "src/digits_only/config.py")
    assert lift["fingerprint"] not in {f["fingerprint"] for f in model["findings"]}
