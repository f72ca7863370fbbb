"""The image runs as a non-root user that owns its working directory (issue #12).

Static part (always runs): the generated Dockerfile is read instruction by instruction, following
who owns what (WORKDIR, COPY --chown, RUN mkdir/chown, USER), and the user the image ends as must
be created in it, not be root, and own WORKDIR, WORKDIR/artifacts and HOME.

Container part (marked `container`): with a working docker or podman the churn package's image is
built and run as it ships: the pipeline runs in /app with the notebook's data mounted read-only and
writes artifacts/ and the MLflow store there. Without an engine the test is skipped and says why.
"""

from __future__ import annotations

import posixpath
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from test_dockerfile import instructions
from deadlines import HANG_GUARD


@dataclass
class ImageState:
    user: str = "0"
    workdir: str = "/"
    owners: dict[str, str] = field(default_factory=lambda: {"/": "0"})
    users: dict[str, str] = field(default_factory=lambda: {"root": "0"})  # name → uid
    groups: dict[str, str] = field(default_factory=lambda: {"root": "0"})
    env: dict[str, str] = field(default_factory=dict)

    def uid(self, who: str) -> str:
        name = who.split(":")[0]
        return self.users.get(name, name)

    def path(self, p: str) -> str:
        return posixpath.normpath(posixpath.join(self.workdir, p))

    def own(self, p: str, uid: str, recursive: bool = False) -> None:
        self.owners[p] = uid
        if recursive:
            for known in list(self.owners):
                if known.startswith(p.rstrip("/") + "/"):
                    self.owners[known] = uid


def follow(dockerfile: str) -> ImageState:
    """Who owns which folder once the Dockerfile's instructions ran (the subset it uses)."""
    state = ImageState()
    for keyword, args in instructions(dockerfile):
        if keyword == "WORKDIR":
            state.workdir = state.path(args)
            state.owners.setdefault(state.workdir, "0")  # WORKDIR creates folders as root
        elif keyword == "USER":
            state.user = state.uid(args)
        elif keyword == "ENV":
            for word in shlex.split(args):
                if "=" in word:
                    key, _, value = word.partition("=")
                    state.env[key] = value
        elif keyword == "COPY":
            words = args.split()
            flags = [w for w in words if w.startswith("--")]
            chown = next((f.split("=", 1)[1] for f in flags if f.startswith("--chown=")), None)
            paths = [w for w in words if not w.startswith("--")]
            destination = paths[-1]
            for source in paths[:-1]:
                # A folder's contents go into the destination; files into it when it ends with "/".
                target = destination if source.endswith("/") or not destination.endswith("/") else posixpath.join(destination, posixpath.basename(source))
                state.own(state.path(target), state.uid(chown) if chown else state.user)
        elif keyword == "RUN":
            for command in re.split(r"&&|;", args):
                words = shlex.split(command)
                if not words:
                    continue
                if words[0] == "useradd":
                    uid = words[words.index("--uid") + 1]
                    state.users[words[-1]] = uid
                    if "--create-home" in words or "-m" in words:
                        home = words[words.index("--home-dir") + 1] if "--home-dir" in words else f"/home/{words[-1]}"
                        state.own(home, uid)
                elif words[0] == "groupadd":
                    state.groups[words[-1]] = words[words.index("--gid") + 1]
                elif words[0] == "mkdir":
                    for p in (w for w in words[1:] if not w.startswith("-")):
                        state.owners.setdefault(state.path(p), state.user)
                elif words[0] == "chown":
                    recursive = "-R" in words
                    rest = [w for w in words[1:] if not w.startswith("-")]
                    for p in rest[1:]:
                        state.own(state.path(p), state.uid(rest[0]), recursive)
    return state


def ownership_problems(dockerfile: str) -> list[str]:
    state = follow(dockerfile)
    problems = []
    if state.user in ("0", "root"):
        problems.append("the image runs as root")
    if not state.user.isdigit():
        problems.append(f"USER {state.user} is not numeric (Kubernetes runAsNonRoot cannot check a name)")
    if state.user not in state.users.values():
        problems.append(f"uid {state.user} is not created in the image (no useradd)")
    artifacts = posixpath.join(state.workdir, "artifacts")
    home = state.env.get("HOME")
    for what, p in (("WORKDIR", state.workdir), ("artifacts dir", artifacts), ("HOME", home)):
        if p is None:
            problems.append(f"{what} is not set")
        elif state.owners.get(p) != state.user:
            problems.append(f"{what} {p} is owned by uid {state.owners.get(p, 'nobody (missing)')}, the image runs as {state.user}")
    return problems


@pytest.fixture(scope="module")
def package(churn_package: Path) -> Path:
    return churn_package  # tests/conftest.py


def test_generated_image_user_owns_workdir_artifacts_and_home(package):
    assert ownership_problems((package / "Dockerfile").read_text()) == []
    state = follow((package / "Dockerfile").read_text())
    assert (state.user, state.workdir, state.env["HOME"]) == ("1000", "/app", "/home/app")


def test_the_check_finds_the_root_owned_workdir_of_the_old_image():
    old = "FROM python:3.9.20-slim-bookworm\nWORKDIR /app\nCOPY src/ ./src/\nRUN pip install --no-deps . && useradd --create-home --uid 1000 runner\nUSER 1000\n"
    problems = ownership_problems(old)
    assert "WORKDIR /app is owned by uid 0, the image runs as 1000" in problems
    assert any(p.startswith("artifacts dir /app/artifacts is owned by uid nobody") for p in problems)
    assert "HOME is not set" in problems
    assert ownership_problems("FROM python:3.11.10-slim-bookworm\nWORKDIR /app\n") [0] == "the image runs as root"


# --- the real image -------------------------------------------------------------------------------


def container_engine() -> tuple[str | None, str]:
    """(engine, "") when docker or podman answers `info`; else (None, why not)."""
    reasons = []
    for name in ("docker", "podman"):
        path = shutil.which(name)
        if path is None:
            reasons.append(f"no {name} on PATH")
            continue
        try:
            done = subprocess.run([path, "info"], capture_output=True, text=True, timeout=HANG_GUARD)
        except subprocess.TimeoutExpired:
            reasons.append(f"{path} info timed out")
            continue
        if done.returncode == 0:
            return path, ""
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        reasons.append(f"{path} info failed: {last[:200]}")
    return None, "; ".join(reasons)


@pytest.mark.container
def test_image_builds_and_runs_the_pipeline_as_its_user(package):
    engine, why = container_engine()
    if engine is None:
        pytest.skip(f"no working container engine ({why}); the static ownership test above still ran")
    tag = "nbrefactor-test/churn:ownership"
    build = subprocess.run([engine, "build", "-t", tag, str(package)], capture_output=True, text=True, timeout=1800)
    assert build.returncode == 0, build.stderr[-3000:]
    try:
        help_run = subprocess.run([engine, "run", "--rm", tag, "--help"], capture_output=True, text=True, timeout=HANG_GUARD)
        assert help_run.returncode == 0 and "usage: churn" in help_run.stdout, help_run.stderr[-2000:]
        who = subprocess.run([engine, "run", "--rm", "--entrypoint", "sh", tag, "-c", "id -u; pwd; test -w /app/artifacts && test -w \"$HOME\" && echo writable"],
                             capture_output=True, text=True, timeout=HANG_GUARD)
        assert who.stdout.split() == ["1000", "/app", "writable"], who.stdout + who.stderr
        # The pipeline as it ships: data mounted read-only where the config reads it, run in /app.
        mounts = []
        for entry in sorted((package / "tests" / "data").iterdir()):
            if entry.name.endswith(".expected.json"):
                continue
            mounts += ["-v", f"{entry.resolve()}:/app/{entry.name}:ro"]
        run = subprocess.run([engine, "run", "--rm", *mounts, "--entrypoint", "sh", tag, "-c", "churn && ls artifacts"],
                             capture_output=True, text=True, timeout=1800)
        assert run.returncode == 0, run.stderr[-3000:]
        # What a local run writes there (measured outside the image): the MLflow store and its artifacts.
        assert {"mlflow.db", "mlartifacts"} <= set(run.stdout.split()), run.stdout
    finally:
        subprocess.run([engine, "rmi", "-f", tag], capture_output=True, timeout=HANG_GUARD)
