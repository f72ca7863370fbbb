"""Build small notebooks on disk for tests (as Jupyter writes them: indent=1, deterministic ids)."""

from __future__ import annotations

import json
import os
import subprocess
import time
import warnings
from pathlib import Path
from typing import Iterable, Optional, Union

CellSpec = Union[str, tuple]


def notebook_json(
    cells: Iterable[CellSpec], executed: bool = False, python_version: str = "3.11.7", kernel: str = "python3", language: str = "python"
) -> dict:
    """Cells are code strings, `("md", text)`, or `("code", text, {"count":…, "tags":…, "outputs":…})`.
    `executed`: code cells get counts 1, 2, … (unless given). `kernel`/`language`: another kernel (`"ir"`, `"R"`)."""
    out = []
    count = 0
    for i, spec in enumerate(cells, start=1):
        if isinstance(spec, str):
            spec = ("code", spec, {})
        kind, text = spec[0], spec[1]
        extra = spec[2] if len(spec) > 2 else {}
        kind = "markdown" if kind == "md" else kind
        cell: dict = {"cell_type": kind, "id": f"cell-{i:02d}", "metadata": {}, "source": text}
        if extra.get("tags"):
            cell["metadata"]["tags"] = list(extra["tags"])
        if kind == "code":
            if "count" in extra:
                cell["execution_count"] = extra["count"]
            elif executed:
                count += 1
                cell["execution_count"] = count
            else:
                cell["execution_count"] = None
            cell["outputs"] = list(extra.get("outputs", []))
        out.append(cell)
    return {
        "cells": out,
        "metadata": {
            "kernelspec": {"display_name": "Python 3" if kernel == "python3" else kernel, "language": language, "name": kernel},
            "language_info": {"name": language, "version": python_version} if language == "python" else {"name": language},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write_notebook(path: Path, cells: Iterable[CellSpec], executed: bool = False, kernel: str = "python3", language: str = "python") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook_json(cells, executed, kernel=kernel, language=language), indent=1) + "\n", encoding="utf-8")
    return path


def project(tmp_path: Path, files: Optional[dict[str, str]] = None) -> Path:
    """A project root (so manifest discovery stops here) with optional files."""
    (tmp_path / "pyproject.toml").write_text("[tool.nbrefactor]\n", encoding="utf-8")
    for name, text in (files or {}).items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return tmp_path


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` with a fixed identity and no user or system configuration (nor any `GIT_*`
    variable of the environment pytest runs in, such as a hook's `GIT_DIR`)."""
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("GIT_")},
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    if done.returncode != 0 and args[:1] == ("init",):
        # Two fresh-clone CIs (stop 38) had `git init` exit 128 in 18 consecutive tests of one
        # worker, unexplained and not reproduced since (a CI alone and test runs under load passed).
        # `init` in a fresh folder changes nothing when it fails, so it is tried again, and the
        # warning (in the run's summary) carries git's own message for the next look.
        for pause in (1.0, 3.0):
            warnings.warn(f"git {' '.join(args)} in {repo} exited {done.returncode} ({done.stderr.strip()}): tried again")
            time.sleep(pause)
            done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
            if done.returncode == 0:
                break
    if done.returncode != 0:
        # git's own message, so a failure says why
        raise AssertionError(f"git {' '.join(args)} in {repo} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout
