"""The image's and environment.yml's Python satisfies every pin (issue #12, "Images that build and run").

Hermetic part: the rule (`nbrefactor.compile.python_choice`) on hand-written metadata, and a
migrated notebook whose kernel said 3.9 (or 3.6) while its environment pins need 3.11 — checked
against the installed distributions' own `Requires-Python`, read here with importlib.metadata.

Registry part (marked `registry`; CI has the package index): both requirement files of a generated
package resolve *with their dependencies* for its image's exact Python and platform, wheels only
(`nbrefactor.migrate.image_resolution`, `uv pip compile --python-version X --python-platform
x86_64-manylinux_2_36 --only-binary :all:`; metadata only, nothing installed); a pin whose
dependency has no wheel for that Python is caught (`pip download --no-deps` passed it), and the
proof ladder's "installs" rung fails on it, so the migration says so. Without a reachable index
these are skipped, with the reason.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from nbfactory import notebook_json, project
from nbrefactor.compile.mlops import BASE_IMAGES
from nbrefactor.compile.python_choice import PinPython, choose_python, wheel_pythons
from deadlines import HANG_GUARD

IMAGES = {"3.9": "3.9.20", "3.10": "3.10.15", "3.11": "3.11.10", "3.12": "3.12.7", "3.13": "3.13.0"}
PANDAS_3 = PinPython("pandas", "3.1.1", ">=3.11", ("3.11",))
SKLEARN_19 = PinPython("scikit-learn", "1.9.1", ">=3.11", ("3.11",))
MLFLOW = PinPython("mlflow", "3.17.2", ">=3.10", None)


def test_image_pythons_match_the_base_image_tags():
    assert {m: BASE_IMAGES[m] for m in IMAGES} == {m: f"python:{v}-slim-bookworm" for m, v in IMAGES.items()}


def test_wheel_tags_name_the_pythons_a_binary_wheel_is_for():
    assert wheel_pythons(["cp311-cp311-manylinux_2_28_x86_64", "cp311-cp311-manylinux_2_24_x86_64"]) == ("3.11",)
    assert wheel_pythons(["py3-none-any"]) is None
    assert wheel_pythons(["cp38-abi3-manylinux_2_17_x86_64"]) is None
    assert wheel_pythons([]) is None


def test_notebook_python_kept_when_every_pin_allows_it():
    choice = choose_python("3.11", [PANDAS_3, MLFLOW], IMAGES)
    assert (choice.version, choice.changed, choice.conflict) == ("3.11", False, False)


def test_pins_that_need_a_newer_python_move_the_image_off_the_notebook_python():
    choice = choose_python("3.9", [PANDAS_3, SKLEARN_19, MLFLOW], IMAGES)
    assert choice.version == "3.11"  # the lowest allowed, and the one the installed wheels are built for
    assert choice.changed and not choice.conflict
    assert "pandas==3.1.1 requires Python >=3.11" in choice.why and "scikit-learn==1.9.1" in choice.why


def test_a_python_with_proven_wheels_wins_over_a_closer_one():
    # Requires-Python allows 3.10, but the installed binary wheel was built for 3.12 only: 3.12 is proven.
    numpy = PinPython("numpy", "9.0", ">=3.10", ("3.12",))
    assert choose_python("3.9", [numpy, MLFLOW], IMAGES).version == "3.12"
    assert choose_python("3.9", [PinPython("numpy", "9.0", ">=3.10", None)], IMAGES).version == "3.10"


def test_a_python_without_a_base_image_is_replaced():
    assert choose_python("3.6", [], IMAGES).version == "3.9"
    assert choose_python("3.6", [PANDAS_3], IMAGES).version == "3.11"
    assert choose_python("3.14", [], IMAGES).version == "3.13"
    assert choose_python(None, [], IMAGES).version == "3.11"


def test_unsatisfiable_pins_are_a_conflict_not_a_guess():
    old = PinPython("oldlib", "1.0", "<3.9", None)
    choice = choose_python("3.11", [PANDAS_3, old], IMAGES)
    assert choice.conflict and choice.version == "3.11"
    assert "oldlib==1.0 requires Python <3.9" in choice.excluded


def test_pins_without_local_metadata_are_named_unchecked():
    unknown = PinPython("numpy", "1.26.4", None, None, read=False)
    choice = choose_python("3.9", [unknown], IMAGES)
    assert choice.version == "3.9" and choice.unchecked == ("numpy==1.26.4",)


# --- a migrated package ---------------------------------------------------------------------------

NOTEBOOK = [
    "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression",
    "df = pd.DataFrame({'x': [0.0, 1.0, 2.0, 3.0], 'y': [0, 0, 1, 1]})",
    "model = LogisticRegression().fit(df[['x']], df['y'])",
]


def migrate_notebook(root: Path, cells: list[str], kernel: str) -> Path:
    """One notebook (kernel Python `kernel`, no manifest: pins come from this environment), migrated."""
    from nbrefactor.config import Settings
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    root.mkdir(parents=True, exist_ok=True)
    project(root)
    (root / "model.ipynb").write_text(json.dumps(notebook_json(cells, executed=True, python_version=kernel), indent=1))
    results, _ = migrate_paths([str(root / "model.ipynb")], Settings(), MigrateOptions(out=root / "out"))
    assert [r.status for r in results] in (["migrated"], ["migrated-with-review"]), [r.problems for r in results]
    return root / "out" / "model"


def pins(package: Path) -> list[tuple[str, str]]:
    out = []
    for name in ("requirements.txt", "requirements-pipeline.txt"):
        for line in (package / name).read_text().splitlines():
            match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s#]+)", line)
            if match and match.group(1) == "nbrefactor-runtime":
                # Not on the index: its wheel is in vendor/ (py3-none-any, Requires-Python >=3.9).
                assert any((package / "vendor").glob("nbrefactor_runtime-*-py3-none-any.whl"))
            elif match:
                out.append((match.group(1), match.group(2)))
    return out


def image_python(package: Path) -> str:
    base = re.search(r"^FROM python:(\d+\.\d+\.\d+)-", (package / "Dockerfile").read_text(), re.M)
    assert base, "the Dockerfile's base image is not an exact python tag"
    return base.group(1)


@pytest.mark.parametrize("kernel", ["3.9.18", "3.6.9"])
def test_old_kernel_with_environment_pins_gets_a_python_every_installed_pin_allows(tmp_path, kernel):
    package = migrate_notebook(tmp_path, NOTEBOOK, kernel)
    python = image_python(package)
    minor = ".".join(python.split(".")[:2])
    assert re.search(rf"^  - python={re.escape(minor)}$", (package / "environment.yml").read_text(), re.M)
    assert f'requires-python = ">={minor}"' in (package / "pyproject.toml").read_text()
    checked = 0
    for name, version in pins(package):
        dist = importlib.metadata.distribution(name)
        if dist.version != version:
            continue
        requires = dist.metadata.get("Requires-Python") or ""
        assert SpecifierSet(requires).contains(Version(python)), f"{name}=={version} requires {requires}, the image has {python}"
        checked += 1
    assert checked >= 3  # pandas, scikit-learn (environment pins) and the pipeline tools
    # The installed pandas here requires 3.11 or newer: the notebook's 3.9/3.6 is not kept silently.
    if not SpecifierSet(importlib.metadata.metadata("pandas")["Requires-Python"] or "").contains(Version(kernel)):
        assert minor != ".".join(kernel.split(".")[:2])
        migration = (package / "MIGRATION.md").read_text()
        assert f"Python {minor} for the image and environment.yml (the notebook ran" in migration
        # A Python every pin allows is a decision with its reason, proven by the ladder on that
        # Python, not an item for a person: it stays out of the review list.
        environment, review = migration.split("## Environment", 1)[1].split("## For a person to review", 1)
        assert f"Python {minor} for the image" in environment and "Python" not in review.split("## Findings")[0]


def test_migration_md_names_the_pins_it_could_not_check(tmp_path):
    # A pin of a release that is not installed here has no local metadata: the Python chosen was
    # not checked against it, and MIGRATION.md says so by name (before, it said only "satisfies
    # every pin with known metadata and has wheels for every binary pin", and a 2019 pin failed
    # to install on that Python in the proof).
    root = tmp_path / "nb"
    root.mkdir()
    (root / "requirements.txt").write_text("numpy==1.16.6\npandas==" + importlib.metadata.version("pandas") + "\n")
    package = migrate_notebook(root, ["import numpy as np\nimport pandas as pd", "print(pd.Series(np.arange(3)).sum())"], "3.11.7")
    environment = (package / "MIGRATION.md").read_text().split("## Environment", 1)[1].split("## For a person to review", 1)[0]
    assert "Not checked against Python" in environment and "numpy==1.16.6" in environment
    assert "pandas==" not in environment.split("Not checked against Python", 1)[1]


# --- the registry check ---------------------------------------------------------------------------


def _index_url() -> str:
    url = os.environ.get("PIP_INDEX_URL")
    if not url:
        done = subprocess.run([sys.executable, "-m", "pip", "config", "get", "global.index-url"], capture_output=True, text=True)
        url = done.stdout.strip() if done.returncode == 0 else ""
    return url or "https://pypi.org/simple/"


def _registry_or_skip() -> str:
    url = _index_url().rstrip("/") + "/pip/"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the configured index
            response.read(1)
    except Exception as exc:  # noqa: BLE001 - any failure means: no registry here
        pytest.skip(f"package registry unreachable ({url}: {type(exc).__name__}: {exc}); the pip download check needs it")
    return url


def pip_download(python: str, requirements: list[str], folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pip", "download", "--python-version", python, "--only-binary=:all:", "--no-deps",
         "--no-input", "--dest", str(folder), *requirements],
        capture_output=True, text=True, timeout=900,
    )


def _package(folder: Path, python: str, requirements: list[str]) -> Path:
    """A package as the resolution reads it: a Dockerfile on the image's Python, its requirements."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Dockerfile").write_text(f"FROM python:{python}-slim-bookworm\nWORKDIR /app\n")
    (folder / "requirements.txt").write_text("\n".join(requirements) + "\n")
    return folder


def test_the_image_target_is_read_from_the_base_image():
    from nbrefactor.migrate.image_resolution import image_target

    for minor, tag in BASE_IMAGES.items():
        assert image_target(f"FROM {tag}\n") == (tag.split(":")[1].split("-")[0], "x86_64-manylinux_2_36")
    assert image_target("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n") == (None, None)


@pytest.mark.registry
def test_registry_resolves_every_pin_with_its_dependencies_for_the_image_python(tmp_path, churn_package):
    """The real check: every pin of the package (requirements.txt and requirements-pipeline.txt,
    what the Dockerfile installs, the vendored runtime wheel included) resolves with all its
    dependencies for the image's Python and platform, wheels only."""
    from nbrefactor.migrate.image_resolution import resolve_for_image

    _registry_or_skip()
    for package in (churn_package, migrate_notebook(tmp_path / "old", NOTEBOOK, "3.9.18")):
        python = image_python(package)
        assert len(pins(package)) >= 5
        result = resolve_for_image(package)
        assert result.resolved, f"{package.name} (Python {python}): {result.detail}"
        assert result.python == python and f"for Python {python} on x86_64-manylinux_2_36" in result.detail
        count = int(result.detail.split(" distributions")[0])
        assert count > len(pins(package)) + 20  # the dependencies were resolved too, not only the pins
        # kfp's API client publishes no wheel at all: built from its source, as pip in the image does.
        assert result.built_from_source == ("kfp-server-api",)


@pytest.mark.registry
def test_a_pin_whose_dependency_has_no_wheel_for_the_image_python_is_caught(tmp_path):
    """mlflow 2.9.2 is a pure wheel any Python 3 takes (`pip download --no-deps` passes it), but it
    needs numpy<2 and pyarrow<15, which have no wheel for Python 3.13: the image would not build."""
    from nbrefactor.migrate.image_resolution import resolve_for_image

    _registry_or_skip()
    assert pip_download("3.13", ["mlflow==2.9.2"], tmp_path / "wheels").returncode == 0  # the old check passed it
    bad = resolve_for_image(_package(tmp_path / "py313", "3.13.0", ["mlflow==2.9.2"]))
    assert not bad.resolved
    assert bad.detail.startswith("the pins do not resolve for the image's Python 3.13.0 (x86_64-manylinux_2_36, wheels only):")
    assert "no usable wheels" in bad.detail and ("numpy" in bad.detail or "pyarrow" in bad.detail), bad.detail
    # The same pin on a Python its dependencies have wheels for resolves.
    good = resolve_for_image(_package(tmp_path / "py311", "3.11.10", ["mlflow==2.9.2"]))
    assert good.resolved, good.detail


@pytest.mark.registry
def test_a_pin_that_needs_a_newer_python_than_the_image_fails_the_proof_ladder(tmp_path):
    """The migration says so: the "installs" rung of the proof ladder (clean environments, from the
    package index) fails with the resolution's reason when the image's Python cannot take a pin,
    even though the pin installs here."""
    from nbrefactor.migrate.prove import Environments, ProveOptions, prove_package

    _registry_or_skip()
    package = _package(tmp_path / "tiny", "3.9.20", ["click==8.3.0"])  # click 8.3 requires Python >=3.10
    (package / "pyproject.toml").write_text('[project]\nname = "tiny"\nversion = "0.1.0"\n[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n')
    (package / "src" / "tiny").mkdir(parents=True)
    (package / "src" / "tiny" / "__init__.py").write_text("")
    options = ProveOptions(env_mode="clean", verify=False, env_cache=tmp_path / "envs", use_cache=False, timeout=HANG_GUARD)
    proof = prove_package(package, "tiny", [], options, Environments(options))
    installs = next(r for r in proof.rungs if r.rung == 2)
    assert installs.status == "failed", installs
    assert installs.detail.startswith("the pins do not resolve for the image's Python 3.9.20"), installs.detail
    assert "click==8.3.0" in installs.detail and "3.10" in installs.detail, installs.detail


@pytest.mark.registry
def test_registry_check_fails_for_a_pin_without_a_wheel_for_the_python(tmp_path):
    """The check can fail: pandas 3 has no wheel for Python 3.9 (what the old images pinned)."""
    from nbrefactor.migrate.image_resolution import resolve_for_image

    _registry_or_skip()
    result = resolve_for_image(_package(tmp_path / "py39", "3.9.20", ["pandas==3.0.0"]))
    assert not result.resolved and "pandas==3.0.0" in result.detail, result.detail
