"""Compiler defects of issue 9 (points 1-7 and 9), each reproduced by a small notebook written here.

Every test builds its notebook in a temporary folder, compiles it with the real compiler and, where
the defect is about behaviour, runs the generated package (in this process or, for point 3, step by
step in separate processes through pickle files, as the kfp components pass values).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from nbfactory import project, write_notebook
from nbrefactor.audit.catalog import load_catalog
from nbrefactor.audit.engine import audit_notebook
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.project import discover_project
from nbrefactor.cli.app import main
from nbrefactor.compile.plan import model_names, package_name, plan_model
from nbrefactor.config import Settings
from nbrefactor.migrate.one_model import group_models


def plan_for(path: Path, allow: bool = False):
    nb = read_notebook(path, path.name)
    analysis = audit_notebook(nb, Settings(), discover_project(path), load_catalog())
    return plan_model(path.stem, [(analysis.facts, analysis.result.diagnostics)], allow)


def migrate(path: Path, out: Path, *extra: str) -> int:
    return main(["migrate", str(path), "--out", str(out), "--no-cache", *extra])


def run_package(src: Path, code: str, cwd: Path, package: str = "nb") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src), "NBREFACTOR_NO_TRACKING": "1", f"{package.upper()}_NO_TRACKING": "1"}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


# --- 1. package names: unique, stable, readable -------------------------------------------------------


def long_similar_names(n: int = 200) -> list[str]:
    topics = ["Introducing-Pandas-Objects", "Data-Indexing-and-Selection", "Operations-in-Pandas", "Missing-Values"]
    return [
        f"repo/notebooks/{i // 10:02d}.{i % 10:02d}-{topics[i % 4]}-and-a-Very-Long-Common-Suffix-Part-{i % 7}.ipynb"
        for i in range(n)
    ] + [f"repo/other/{i // 10:02d}.{i % 10:02d}-{topics[i % 4]}-and-a-Very-Long-Common-Suffix-Part-{i % 7}.ipynb" for i in range(20)]


def test_two_hundred_long_similar_names_give_distinct_readable_stable_packages():
    paths = long_similar_names()
    names = model_names(paths)
    packages = [package_name(names[p]) for p in paths]
    assert len(set(packages)) == len(paths)  # no two models share a folder
    assert all(package_name(p) == p for p in packages)  # the plan keeps the name it is given
    assert all(len(p) <= 40 and p.isidentifier() for p in packages)
    # Readable: the cut falls at a word boundary, the words are the notebook's.
    lone = "repo/03.01-Introducing-Pandas-Objects-and-a-Very-Long-Common-Suffix.ipynb"
    first = model_names([lone])[lone]
    assert first.startswith("introducing_pandas_objects_and_a_") and len(first.split("_")[-1]) == 6
    assert set(first.split("_")[:-1]) <= {"introducing", "pandas", "objects", "and", "a", "very", "long"}
    # Two stems that are equal after sanitising are told apart by their folder first.
    assert names[paths[0]].startswith("notebooks_00_00_introducing") and names[paths[200]].startswith("other_00_00_introducing")
    # Stable: the same notebook gets the same name whatever else is in the batch, in any order.
    assert model_names(list(reversed(paths))) == names
    # A notebook no other one collides with keeps its name whatever else is in the batch.
    assert model_names([*paths, lone])[lone] == first
    # Grouping through the batch keeps them distinct too, with declared groups in the mix.
    files = [(Path(p), p) for p in paths]
    groups = group_models(files, {names[paths[3]]: [paths[3]], "report": [paths[4]]})
    folders = [package_name(name) for name, _ in groups]
    assert len(folders) == len(set(folders)) == len(paths)
    assert "report" not in folders


def test_short_names_stay_as_they_were():
    names = model_names(["b/train.ipynb", "a/train.ipynb", "Churn Model (v2).ipynb"])
    assert names == {"b/train.ipynb": "b_train", "a/train.ipynb": "a_train", "Churn Model (v2).ipynb": "churn_model_v2"}


def test_a_batch_of_long_similar_notebooks_writes_one_folder_per_model(tmp_path):
    root = project(tmp_path)
    paths = [f"03.{i:02d}-Introducing-Pandas-Objects-and-Their-Many-Uses-Part-{i}.ipynb" for i in range(3)]
    for i, name in enumerate(paths):
        write_notebook(root / name, [f"value = {i}"])
    out = tmp_path / "out"
    assert main(["migrate", str(root), "--out", str(out), "-j", "1", "--no-cache"]) == 0
    plans = [json.loads(p.read_text()) for p in sorted(out.glob("*/.nbrefactor/plan.json"))]
    assert len(plans) == len(paths)
    assert sorted(Path(p["notebooks"][0]).name for p in plans) == sorted(paths)
