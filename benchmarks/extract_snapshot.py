"""Extract what an audit reads from a bare git snapshot of a public repository (issue 11's fair checks).

    python benchmarks/extract_snapshot.py GIT_DIR DEST [COMMIT]

A fetched snapshot is a git directory without a work tree, and its largest files may be absent.
This writes, blob by blob, the notebooks, Python files and dependency manifests of COMMIT (default
HEAD) under DEST, keeping their paths, and skips everything else (data, images, models), so a
corpus of dozens of repositories stays small. A blob the snapshot lacks is counted, not fatal.
Checkout by `git archive` would fail on the first missing blob.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path, PurePosixPath

# What nbrefactor's project layer reads beside notebooks: manifests, lock files, READMEs, configs.
MANIFEST = re.compile(
    r"(^|/)("
    r"[^/]*requirements[^/]*\.(txt|in)|pyproject\.toml|setup\.py|setup\.cfg|"
    r"environment[^/]*\.ya?ml|conda[^/]*\.ya?ml|Pipfile(\.lock)?|pixi\.(toml|lock)|poetry\.lock|uv\.lock|"
    r"\.python-version|runtime\.txt|Dockerfile[^/]*|install\.sh|apt\.txt|Makefile|README[^/]*|[^/]*\.cfg|[^/]*\.ini"
    r")$",
    re.IGNORECASE,
)


def wanted(path: str) -> bool:
    return path.endswith((".ipynb", ".py")) or MANIFEST.search(path) is not None


def _git(git_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True)


def tree(git_dir: Path, commit: str) -> list[tuple[str, str]]:
    """(blob id, path) of every file of COMMIT."""
    listing = _git(git_dir, "ls-tree", "-r", "-z", commit)
    if listing.returncode != 0:
        raise SystemExit(f"{git_dir}: cannot list {commit}: {listing.stderr.decode(errors='replace').strip()}")
    files = []
    for entry in listing.stdout.decode("utf-8", errors="surrogateescape").split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        _mode, kind, blob = meta.split()
        if kind == "blob":
            files.append((blob, path))
    return files


def extract(git_dir: Path, dest: Path, commit: str = "HEAD", keep: Callable[[str], bool] = wanted) -> tuple[int, int]:
    """Write the files of COMMIT that KEEP selects (default: `wanted`) under DEST; (written, missing blobs)."""
    written = missing = 0
    for blob, path in tree(git_dir, commit):
        relative = PurePosixPath(path)
        if not keep(path) or relative.is_absolute() or ".." in relative.parts:
            continue
        content = _git(git_dir, "cat-file", "blob", blob)
        if content.returncode != 0:
            missing += 1
            continue
        target = dest.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.stdout)
        written += 1
    return written, missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("git_dir", type=Path)
    parser.add_argument("dest", type=Path)
    parser.add_argument("commit", nargs="?", default="HEAD")
    args = parser.parse_args(argv)
    written, missing = extract(args.git_dir, args.dest, args.commit)
    print(f"{args.dest}: {written} files, {missing} blobs missing", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
