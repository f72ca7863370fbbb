"""The Dockerfile of a generated package (no Docker engine here: the file is checked, not built):
base image pinned, requirements copied and installed, entry point = the console script; the
image is the one the kfp pipeline runs; the package it installs carries its data profile."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from nbrefactor.compile.mlops import BASE_IMAGES, ImageSettings, base_image
from nbrefactor.config import settings_from_table
from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths
from deadlines import HANG_GUARD

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks"


def instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", dockerfile)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def copied(arguments: str) -> list[str]:
    """The sources of a COPY (its `--chown=…`-style flags and destination left out)."""
    words = [w for w in arguments.split() if not w.startswith("--")]
    return words[:-1]


@pytest.fixture(scope="module")
def package(churn_package: Path) -> Path:
    return churn_package  # tests/conftest.py


def test_base_image_is_pinned_to_an_exact_tag_or_digest(package):
    steps = instructions((package / "Dockerfile").read_text())
    froms = [args for keyword, args in steps if keyword == "FROM"]
    assert len(froms) == 1
    image = froms[0]
    assert re.fullmatch(r"[\w.\-/]+(:\d+\.\d+\.\d+[\w.\-]*|@sha256:[0-9a-f]{64})", image), image
    assert "latest" not in image


def test_requirements_are_copied_and_installed_before_the_package(package):
    steps = instructions((package / "Dockerfile").read_text())
    copies = [args for keyword, args in steps if keyword == "COPY"]
    assert any("requirements.txt" in c.split() and "requirements-pipeline.txt" in c.split() for c in copies)
    install_requirements = next(i for i, (k, a) in enumerate(steps) if k == "RUN" and "-r requirements.txt" in a)
    install_package = next(i for i, (k, a) in enumerate(steps) if k == "RUN" and re.search(r"pip install .*--no-deps \.", a))
    copy_src = next(i for i, (k, a) in enumerate(steps) if k == "COPY" and copied(a)[0] == "src/")
    assert install_requirements < copy_src < install_package
    assert "-r requirements-pipeline.txt" in steps[install_requirements][1]
    # Every file the Dockerfile copies exists in the package.
    for c in copies:
        for name in copied(c):
            assert (package / name.rstrip("/")).exists(), name
    pipeline_requirements = (package / "requirements-pipeline.txt").read_text()
    for tool in ("kfp", "mlflow", "cloudpickle"):
        assert re.search(rf"^{tool}==[\w.]+$", pipeline_requirements, re.M), tool


def test_the_image_carries_skops_for_the_scikit_learn_models_its_components_pass(package):
    """nbrefactor-runtime 0.3.0 writes a scikit-learn model in MLflow's skops format between steps
    and in the registry; the components install nothing of their own (they run the image), so
    skops must be among what the image installs, pinned to the version installed here."""
    import importlib.metadata

    assert re.search(r"^scikit-learn==", (package / "requirements.txt").read_text(), re.M)
    pipeline_requirements = (package / "requirements-pipeline.txt").read_text()
    assert f"\nskops=={importlib.metadata.version('skops')}\n" in pipeline_requirements
    assert "skops holds the scikit-learn models" in pipeline_requirements
    compiled = (package / "pipeline" / "pipeline.yaml").read_text()
    installs = re.findall(r"packages_to_install=(\[[^\]]*\])", (package / "pipeline" / "kfp_pipeline.py").read_text())
    assert installs and set(installs) == {"[]"} and "pip install" not in compiled


def test_skops_is_a_pipeline_tool_only_where_scikit_learn_is_a_requirement():
    from nbrefactor.migrate.pipeline_build import TOOLS, pipeline_tools

    assert pipeline_tools(["pandas", "numpy"]) == TOOLS
    assert pipeline_tools(["pandas", "scikit-learn"]) == (*TOOLS, "skops")
    assert pipeline_tools(["scikit_learn"])[-1] == "skops"


def test_entry_point_is_the_console_script(package):
    steps = instructions((package / "Dockerfile").read_text())
    entry = [args for keyword, args in steps if keyword == "ENTRYPOINT"]
    scripts = tomllib.loads((package / "pyproject.toml").read_text())["project"]["scripts"]
    assert entry == [f'["{next(iter(scripts))}"]']
    assert scripts["churn"] == "churn.__main__:main"


def test_the_pipeline_runs_the_image_the_dockerfile_builds(package):
    dockerfile = (package / "Dockerfile").read_text()
    pipeline = (package / "pipeline" / "pipeline.yaml").read_text()
    images = set(re.findall(r"^\s+image: (\S+)$", pipeline, re.M))
    assert images == {"localhost:5000/churn:0.1.0"}
    assert "docker build -t localhost:5000/churn:0.1.0 ." in dockerfile


def test_installed_package_carries_its_data_profile(package, tmp_path):
    """What `pip install --no-deps .` puts in the image: the wheel holds data_profile.json."""
    source = tmp_path / "src-copy"
    shutil.copytree(package, source)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path / "wheel"), str(source)],
                          capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr[-2000:]
    wheel = next((tmp_path / "wheel").glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "churn/data_profile.json" in names and "churn/runtime.py" in names


def test_image_settings_choose_name_and_base(tmp_path):
    settings = settings_from_table({"image": {"registry": "ghcr.io/acme", "base": "python@sha256:" + "a" * 64}})
    assert dict(settings.extra)["image"]["registry"] == "ghcr.io/acme"
    assert base_image(ImageSettings(), "3.12") == BASE_IMAGES["3.12"]
    assert base_image(ImageSettings(base="python@sha256:" + "a" * 64), "3.12").endswith("a" * 64)
    project = tmp_path / "proj"
    shutil.copytree(CORPUS / "churn", project / "churn")
    (project / "pyproject.toml").write_text("[tool.nbrefactor.image]\nname = 'registry.example.com/ml/{dist}:{version}'\nbase = 'python@sha256:" + "b" * 64 + "'\n")
    from nbrefactor.config import load_settings

    results, _ = migrate_paths([str(project / "churn")], load_settings(project / "pyproject.toml"), MigrateOptions(out=tmp_path / "out"))
    assert [r.status for r in results] == ["migrated"]
    out = tmp_path / "out" / "churn"
    assert ("FROM", "python@sha256:" + "b" * 64) in instructions((out / "Dockerfile").read_text())
    assert "image: registry.example.com/ml/churn:0.1.0" in (out / "pipeline" / "pipeline.yaml").read_text()
