"""The GitHub Actions workflow of a generated package (issue #12, "CI/CD per package").

It parses; every `uses:` is pinned (a release commit, named by a `# vX.Y.Z` comment); every command
of its steps names files the package has, the test job's own commands run here and pass (the
package's tests, the pipeline compilation), the kfp submission parses with the real kfp CLI; the
deploy job runs only when started by hand with `deploy` ticked. The install steps need the package
index and are not run here (the files they install from are checked).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nbfactory import notebook_json, project
from test_dvc import NOTEBOOK, POINTS

PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@(?P<ref>[0-9a-f]{40}|v\d+(\.\d+){0,2})$")


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from nbrefactor.config import Settings
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    root = project(tmp_path_factory.mktemp("ci"))
    (root / "data").mkdir()
    (root / "data" / "points.csv").write_text(POINTS)
    (root / "slope.ipynb").write_text(json.dumps(notebook_json(NOTEBOOK, executed=True), indent=1))
    results, _ = migrate_paths([str(root / "slope.ipynb")], Settings(), MigrateOptions(out=root / "out"))
    assert [r.status for r in results] in (["migrated"], ["migrated-with-review"])
    return root / "out" / "slope"


def workflow(package: Path) -> dict:
    data = yaml.safe_load((package / ".github" / "workflows" / "ci.yml").read_text())
    data["on"] = data.pop("on", None) or data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def commands(job: dict) -> list[str]:
    return [line for step in job["steps"] if "run" in step for line in step["run"].splitlines() if line.strip()]


def test_workflow_triggers_and_jobs(package):
    flow = workflow(package)
    assert set(flow["on"]) == {"push", "pull_request", "workflow_dispatch"}
    assert list(flow["jobs"]) == ["test", "image", "deploy"]
    assert flow["permissions"] == {"contents": "read"}
    assert flow["jobs"]["image"]["needs"] == "test" and flow["jobs"]["deploy"]["needs"] == ["test", "image"]


def test_every_action_is_pinned_to_a_release(package):
    text = (package / ".github" / "workflows" / "ci.yml").read_text()
    uses = [step["uses"] for job in workflow(package)["jobs"].values() for step in job["steps"] if "uses" in step]
    assert uses
    for action in uses:
        match = PINNED.match(action)
        assert match, f"{action} is not pinned to a release or commit"
        if len(match.group("ref")) == 40:
            assert re.search(rf"uses: {re.escape(action)}  # v\d+\.\d+\.\d+$", text, re.M), f"{action}: which release?"


def test_deploy_job_is_off_unless_started_by_hand_with_deploy(package):
    flow = workflow(package)
    deploy = flow["jobs"]["deploy"]
    assert deploy["if"] == "github.event_name == 'workflow_dispatch' && inputs.deploy"
    assert flow["on"]["workflow_dispatch"]["inputs"]["deploy"] == {**flow["on"]["workflow_dispatch"]["inputs"]["deploy"], "type": "boolean", "default": False}
    assert all("if" not in job for name, job in flow["jobs"].items() if name != "deploy")
    # Credentials come from secrets, never from the file; the job is documented at the top.
    assert deploy["env"]["REGISTRY_PASSWORD"] == "${{ secrets.REGISTRY_PASSWORD }}"
    header = (package / ".github" / "workflows" / "ci.yml").read_text().split("\nname:")[0]
    assert "deploy job is off by default" in header and "REGISTRY_PASSWORD" in header
    assert any(c.startswith("docker push ") for c in commands(deploy))
    assert any(" run create " in c for c in commands(deploy))


def test_python_and_image_are_the_package_s(package):
    flow = workflow(package)
    image = re.search(r"^\s+image: (\S+)$", (package / "pipeline" / "pipeline.yaml").read_text(), re.M).group(1)
    base = re.search(r"^FROM python:(\d+\.\d+)\.", (package / "Dockerfile").read_text(), re.M).group(1)
    versions = {step["with"]["python-version"] for job in flow["jobs"].values() for step in job["steps"] if "setup-python" in step.get("uses", "")}
    assert versions == {base}
    assert f"docker build -t {image} ." in commands(flow["jobs"]["image"])
    assert f"docker run --rm {image} --help" in commands(flow["jobs"]["image"])
    assert flow["jobs"]["deploy"]["env"]["SLOPE_IMAGE"] == image


def test_every_command_names_what_the_package_has(package):
    """Each command line is one the test knows, and the files it names exist in the package."""
    for name, job in workflow(package)["jobs"].items():
        for line in commands(job):
            words = shlex.split(line)
            if words[:4] == ["python", "-m", "pip", "install"]:
                for i, w in enumerate(words):
                    if w == "-r":
                        assert (package / words[i + 1]).is_file(), line
                    if w == "-e":
                        assert (package / words[i + 1] / "pyproject.toml").is_file(), line
            elif words[:3] == ["python", "-m", "pytest"]:
                assert (package / words[-1]).is_dir() and list((package / words[-1]).glob("test_*.py")), line
            elif words[0] == "python":
                assert (package / words[1]).is_file(), line
            elif words[:2] == ["docker", "build"]:
                assert words[-1] == "." and (package / "Dockerfile").is_file(), line
            elif words[:2] in (["docker", "run"], ["docker", "push"], ["echo", "$REGISTRY_PASSWORD"]):
                continue
            elif words[0] == "kfp":
                assert (package / words[words.index("--package-file") + 1]).is_file(), line
            else:
                raise AssertionError(f"{name}: a command this test does not know: {line}")


def test_the_test_job_commands_run_and_pass(package, tmp_path):
    """What the test job runs after installing: the package's tests, then the pipeline compilation."""
    work = tmp_path / "slope"
    shutil.copytree(package, work)
    (work / "pipeline" / "pipeline.yaml").unlink()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}", "PYTHONPATH": str(work / "src")}
    ran = 0
    for line in commands(workflow(package)["jobs"]["test"]):
        if "pip install" in line:
            continue  # needs the package index; the files it installs from are checked above
        done = subprocess.run(shlex.split(line), cwd=work, env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"{line}: {done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        ran += 1
    assert ran == 2
    assert (work / "pipeline" / "pipeline.yaml").is_file()


def test_the_submission_parses_with_the_kfp_cli(package, monkeypatch):
    """`kfp … run create …` of the deploy job, parsed by kfp's own click commands (no server)."""
    import warnings

    from kfp.cli.cli import cli

    monkeypatch.chdir(package)  # the job runs in the package; kfp checks the package file exists
    line = next(c for c in commands(workflow(package)["jobs"]["deploy"]) if c.startswith("kfp "))
    words = [w.replace("$KFP_ENDPOINT", "http://kfp.example:8888").replace("$MLFLOW_TRACKING_URI", "http://mlflow.example:5000") for w in shlex.split(line)]
    context = cli.make_context("kfp", words[1:], resilient_parsing=False)
    assert context.params["endpoint"] == "http://kfp.example:8888"
    with warnings.catch_warnings():  # click 8.2 deprecates protected_args; it still holds the subcommand
        warnings.simplefilter("ignore", DeprecationWarning)
        group_name, *rest = [*context.protected_args, *context.args]
    group = cli.get_command(context, group_name)
    command_name, *rest = rest
    command = group.get_command(context, command_name)
    params = command.make_context(command_name, list(rest), parent=context).params
    assert params["experiment_name"] == "slope" and params["package_file"] == "pipeline/pipeline.yaml"
    assert params["args"] == ("mlflow_tracking_uri=http://mlflow.example:5000",)


@pytest.mark.parametrize(
    "image, login",
    [
        ("ghcr.io/acme/churn:0.1.0", "docker login ghcr.io --username"),
        ("localhost:5000/churn:0.1.0", "docker login localhost:5000 --username"),
        ("acme/churn:0.1.0", "docker login --username"),  # Docker Hub: no host named
    ],
)
def test_deploy_logs_in_to_the_image_s_registry(image, login):
    from types import SimpleNamespace

    from nbrefactor.compile.mlops import ci_workflow

    flow = yaml.safe_load(ci_workflow(SimpleNamespace(package="churn"), image, "3.11"))
    lines = commands(flow["jobs"]["deploy"])
    assert any(login in line for line in lines), lines
    assert f"docker push {image}" in lines
