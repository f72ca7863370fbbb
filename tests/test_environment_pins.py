"""Pins taken from the environment nbrefactor ran in (no manifest, no `%pip install` line): a local
build variant such as PyTorch's `2.13.0+cpu` exists only on its vendor's index, so the package pins
the public release and says so."""

from __future__ import annotations

from nbfactory import project, write_notebook
from nbrefactor.config import Settings
from nbrefactor.migrate import one_model
from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths


def test_a_local_build_variant_is_pinned_as_its_public_release_with_a_review_item(tmp_path, monkeypatch):
    installed = {"numpy": "1.26.4+cpu", "pandas": "2.2.2"}
    monkeypatch.setattr(one_model, "_installed_version", lambda name: installed.get(name.lower()))
    notebook = write_notebook(project(tmp_path) / "nb.ipynb", [
        "import numpy as np\nimport pandas as pd",
        "frame = pd.DataFrame({'a': np.arange(3)})\nprint(frame['a'].sum())",
    ])
    out = tmp_path / "out"
    results, _ = migrate_paths([str(notebook)], Settings(), MigrateOptions(out=out))
    assert [r.status for r in results] == ["migrated-with-review"]
    requirements = (out / "nb" / "requirements.txt").read_text().splitlines()
    assert "numpy==1.26.4" in [line.split("#")[0].strip() for line in requirements]
    assert not any("+cpu" in line for line in requirements)
    assert "pandas==2.2.2" in [line.split("#")[0].strip() for line in requirements]
    migration = (out / "nb" / "MIGRATION.md").read_text()
    assert "`numpy` was installed here as the local build `1.26.4+cpu`; pinned as the public release `1.26.4`" in migration
    assert "pandas` was installed here" not in migration
