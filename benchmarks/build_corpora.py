"""Rebuild the fair checks' regression corpora from fetched snapshots (issue 11), per corpora.json.

    python benchmarks/build_corpora.py MIRROR_ROOT OUT_ROOT [CORPUS ...] [--corpora FILE]
    python benchmarks/build_corpora.py --list [CORPUS ...] [--corpora FILE]

`benchmarks/results/corpora.json` names, for each corpus (fair27 ... fair48, pdsh), its repositories
at full commits, how they were extracted and the folders cut afterwards:

- "whole-tree": every blob of the commit (data files too: checks 27-37 were measured so);
- "filtered": `extract_snapshot.py`'s selection (notebooks, .py files, manifests).

Each repository's snapshot is read from MIRROR_ROOT/<owner>+<repo>/repo (or repo/.git), a git
directory without a work tree, and written to OUT_ROOT/<corpus>/repos/<owner>+<repo>/ (replaced
if present); a blob the snapshot lacks is counted, not fatal. One line per repository: `ok` with
files, missing blobs and notebooks, `missing snapshot`, or `commit not in snapshot` (nothing is
written for those two, and the exit status is 1). No network: `--list` prints the `owner/repo`
names to fetch first (de-duplicated, in file order). CORPUS defaults to every corpus.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract_snapshot import extract, wanted  # noqa: E402

DEFAULT_CORPORA = Path(__file__).resolve().parent / "results" / "corpora.json"
MODES = {"whole-tree": lambda path: True, "filtered": wanted}


def folder(repo: str) -> str:
    """`owner/name` -> `owner+name`, the folder name fates.py and adjudicate.py expect."""
    return repo.replace("/", "+", 1)


def snapshot(mirror_root: Path, repo: str) -> Path | None:
    """The git directory of REPO's fetched snapshot, or None."""
    base = mirror_root / folder(repo) / "repo"
    for git_dir in (base, base / ".git"):
        if (git_dir / "HEAD").is_file() and (git_dir / "objects").is_dir():
            return git_dir
    return None


def has_commit(git_dir: Path, commit: str) -> bool:
    done = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True)
    return done.returncode == 0


def build_repo(mirror_root: Path, dest: Path, entry: dict, mode: str) -> str:
    """Extract one repository into DEST; its status line (without the names)."""
    git_dir = snapshot(mirror_root, entry["repo"])
    if git_dir is None:
        return "missing snapshot"
    if not has_commit(git_dir, entry["commit"]):
        return "commit not in snapshot"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    written, missing = extract(git_dir, dest, entry["commit"], keep=MODES[mode])
    for cut in entry.get("cuts", []):
        shutil.rmtree(dest / cut, ignore_errors=True)
    notebooks = sum(1 for _ in dest.rglob("*.ipynb"))
    return f"ok: {written} files, {missing} blobs missing, {notebooks} notebooks after cuts"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("args", nargs="*", metavar="MIRROR_ROOT OUT_ROOT [CORPUS]", help="snapshots folder, output folder, corpus names")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="default: benchmarks/results/corpora.json")
    parser.add_argument("--list", action="store_true", help="only print the owner/repo names to fetch (arguments: corpus names)")
    args = parser.parse_args(argv)
    corpora = json.loads(args.corpora.read_text(encoding="utf-8"))["corpora"]
    if args.list:
        names = args.args
    elif len(args.args) < 2:
        parser.error("MIRROR_ROOT and OUT_ROOT are required (or --list)")
    else:
        names = args.args[2:]
    unknown = [name for name in names if name not in corpora]
    if unknown:
        parser.error(f"unknown corpus {', '.join(unknown)} (known: {', '.join(corpora)})")
    names = names or list(corpora)
    if args.list:
        print("\n".join(dict.fromkeys(entry["repo"] for name in names for entry in corpora[name]["repos"])))
        return 0
    mirror_root, out_root = Path(args.args[0]), Path(args.args[1])
    status = 0
    for name in names:
        corpus = corpora[name]
        for entry in corpus["repos"]:
            line = build_repo(mirror_root, out_root / name / "repos" / folder(entry["repo"]), entry, corpus["mode"])
            status |= not line.startswith("ok")
            print(f"{name}\t{entry['repo']}\t{entry['commit'][:12]}\t{line}", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
