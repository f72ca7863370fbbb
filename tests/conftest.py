"""Shared test set-up. Notebooks are built with `nbfactory` (tests/nbfactory.py: `write_notebook`,
`notebook_json`, `project`); the fixtures here are the ones more than one test file needs.

Fixtures keep module scope: each test file gets its own copy, as when each file built its own, so
a test that writes into a package (an MLflow store, a build folder) cannot affect another file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "notebooks"


@pytest.fixture(scope="module")
def churn_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The churn fixture notebook, migrated in this process (used by the Dockerfile and MLflow tests)."""
    from nbrefactor.config import Settings
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    out = tmp_path_factory.mktemp("churn")
    results, _ = migrate_paths([str(CORPUS / "churn")], Settings(), MigrateOptions(out=out))
    assert [r.status for r in results] == ["migrated"]
    return out / "churn"


@pytest.fixture(scope="module")
def report_corpus_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/reportcorpus.py's corpus migrated by the command line: packages, migration-report.json
    and the HTML report (used by the HTML report and browser tests)."""
    from nbrefactor.cli.app import main
    from reportcorpus import build_corpus

    root = build_corpus(tmp_path_factory.mktemp("corpus"))
    out = tmp_path_factory.mktemp("out")
    main(["migrate", str(root), "--out", str(out)])
    return out
