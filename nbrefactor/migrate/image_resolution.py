"""Do the pins a generated image installs resolve, with all their dependencies, for the image's
Python and platform? (issue 12, "Images that build and run").

`pip download --no-deps` only shows that each pin has a wheel; a pin whose *dependency* has no wheel
for the image's Python (mlflow 2.9.2 is a pure wheel, its pyarrow<15 has no cp313 wheel) passed
that and failed in `docker build`. Here the two requirement files the Dockerfile installs
(requirements.txt, requirements-pipeline.txt, the vendored runtime wheel through its
`--find-links vendor`) are resolved together by `uv pip compile` for the base image's exact Python
(`FROM python:3.11.10-slim-bookworm` → 3.11.10) and its platform (Debian bookworm: glibc 2.36,
x86_64 → manylinux_2_36), wheels only: the slim image has no compiler. A distribution that
publishes no wheel at all for any platform (kfp-server-api is a pure-Python sdist) is allowed to
build from its source, as `pip install` in the image does, and named in the result.

Side effects only here: a subprocess asking the package index (the proof ladder's clean mode
already installs from it; offline runs never call this). Nothing installed, nothing downloaded
but the index's metadata (uv's cache).
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

REQUIREMENT_FILES = ("requirements.txt", "requirements-pipeline.txt")
# The base images (compile.mlops.BASE_IMAGES) are Debian bookworm: glibc 2.36.
DEBIAN_PLATFORMS = {"bookworm": "x86_64-manylinux_2_36", "bullseye": "x86_64-manylinux_2_31"}
_FROM = re.compile(r"^FROM\s+(?:--platform=\S+\s+)?python:(\d+\.\d+\.\d+)-(?:slim-)?(\w+)\s*$", re.MULTILINE)
_NEEDS_WHEEL = re.compile(r"Wheels are required for `([^`]+)`")
_MAX_SDIST_ONLY = 5  # distributions allowed to build from source before the resolution gives up


@dataclass(frozen=True)
class ImageResolution:
    resolved: bool
    python: Optional[str]  # "3.11.10"; None: the base image is not a python:X.Y.Z image
    platform: Optional[str]
    detail: str  # one line: what resolved (how many distributions) or why not
    built_from_source: tuple[str, ...] = ()  # distributions with no wheel anywhere (sdists)


def image_target(dockerfile: str) -> tuple[Optional[str], Optional[str]]:
    """(exact Python, uv platform) of a `FROM python:X.Y.Z-slim-<debian>` base image, else (None, None)."""
    match = _FROM.search(dockerfile)
    if not match or match.group(2) not in DEBIAN_PLATFORMS:
        return None, None
    return match.group(1), DEBIAN_PLATFORMS[match.group(2)]


def _compile(package_dir: Path, python: str, platform: str, from_source: Sequence[str], extra: Sequence[str], timeout: float) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "uv", "pip", "compile", "--no-python-downloads", "--no-header", "--no-annotate",
            "--python-version", python, "--python-platform", platform, "--only-binary", ":all:"]
    for name in from_source:
        argv += ["--no-binary", name]
    argv += [*extra]
    for name in REQUIREMENT_FILES:
        if (package_dir / name).is_file():
            argv.append(name)
    return subprocess.run(argv, cwd=str(package_dir), capture_output=True, text=True, timeout=timeout, errors="replace")


def _publishes_no_wheel(package_dir: Path, name: str, extra: Sequence[str], timeout: float) -> bool:
    """True when `name` has no wheel usable anywhere this machine could install it (any version):
    a source-only distribution, not a missing wheel for the image's Python."""
    argv = [sys.executable, "-m", "uv", "pip", "compile", "--no-python-downloads", "--no-header", "--no-annotate",
            "--no-deps", "--only-binary", ":all:", *extra, "-"]
    done = subprocess.run(argv, input=name + "\n", cwd=str(package_dir), capture_output=True, text=True, timeout=timeout, errors="replace")
    return done.returncode != 0 and "no usable wheels" in done.stderr + done.stdout


def _cause(text: str) -> str:
    """uv's explanation, on one line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith(("warning:", "Resolved", "hint:"))]
    for index, line in enumerate(lines):
        if line.startswith("cause:") or line.startswith("× No solution") or line.startswith("error:"):
            return " ".join(lines[index:])[:600]
    return " / ".join(lines[-3:])[:600] if lines else "(no output)"


def resolve_for_image(package_dir: Path, timeout: float = 600.0, extra: Sequence[str] = ()) -> ImageResolution:
    """Resolve the image's requirement files for its Python and platform. `extra`: more uv options
    (a test's `--cache-dir`, an `--index-url`)."""
    try:
        dockerfile = (package_dir / "Dockerfile").read_text(encoding="utf-8")
    except OSError as exc:
        return ImageResolution(False, None, None, f"no Dockerfile to read the image's Python from ({exc.strerror})")
    python, platform = image_target(dockerfile)
    if python is None or platform is None:
        return ImageResolution(True, None, None, "not checked: the base image is not a python:X.Y.Z-slim-bookworm image")
    from_source: list[str] = []
    while True:
        try:
            done = _compile(package_dir, python, platform, from_source, extra, timeout)
        except subprocess.TimeoutExpired:
            return ImageResolution(False, python, platform, f"resolving the pins for Python {python} timed out after {timeout:g} s")
        if done.returncode == 0:
            count = sum(1 for line in done.stdout.splitlines() if re.match(r"^[A-Za-z0-9]", line))
            built = f"; built from source (no wheel published): {', '.join(from_source)}" if from_source else ""
            return ImageResolution(True, python, platform, f"{count} distributions resolve, wheels only, for Python {python} on {platform}{built}", tuple(from_source))
        needs = _NEEDS_WHEEL.findall(done.stderr)
        name = needs[0] if needs else None
        if name is None or name in from_source or len(from_source) >= _MAX_SDIST_ONLY or not _publishes_no_wheel(package_dir, name, extra, timeout):
            return ImageResolution(False, python, platform, f"the pins do not resolve for the image's Python {python} ({platform}, wheels only): {_cause(done.stderr)}", tuple(from_source))
        from_source.append(name)
