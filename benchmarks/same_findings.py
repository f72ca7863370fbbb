"""Record `nbrefactor audit DIR --format json --no-cache` (stdout, stderr, exit code) for a list of
folders, `-j 1` and the default `-j`, so that two source trees can be compared byte for byte
(issue 15: a speed change must not change a single finding).

    python benchmarks/same_findings.py --src TREE --out OUT [--with-cache] DIR [DIR ...]
    diff -r OUT_BEFORE OUT_AFTER          # empty: the same findings, messages and exit codes

Runs from the current directory (displayed paths are relative to it: run both trees from the
same one). Folders are audited as given; nothing is written into them. `--with-cache` also records,
for both `-j` settings, a run on an empty cache (`NBREFACTOR_CACHE_DIR`, a fresh temporary folder)
and the re-run answered from it: all three outputs of a setting must be the same bytes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", required=True, help="the source tree whose nbrefactor runs")
    parser.add_argument("--out", required=True, help="folder for the recorded outputs")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--with-cache", action="store_true", help="also a cold run with the cache and its re-run")
    parser.add_argument("dirs", nargs="+")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(Path(args.src).resolve())}
    for folder in args.dirs:
        name = Path(folder).resolve().name
        for label, jobs in (("j1", ["-j", "1"]), ("jdefault", [])):
            cmd = [args.python, "-m", "nbrefactor", "audit", folder, "--format", "json", *jobs]
            _record(out, f"{name}.{label}", [*cmd, "--no-cache"], env)
            if args.with_cache:
                with tempfile.TemporaryDirectory(prefix="same-findings-cache-") as cache:
                    cached = {**env, "NBREFACTOR_CACHE_DIR": cache}
                    _record(out, f"{name}.{label}-cache-cold", cmd, cached)
                    _record(out, f"{name}.{label}-cache-hit", cmd, cached)
    return 0


def _record(out: Path, stem: str, cmd: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run(cmd, env=env, capture_output=True)
    (out / f"{stem}.stdout").write_bytes(proc.stdout)
    (out / f"{stem}.stderr").write_bytes(proc.stderr + f"\nexit {proc.returncode}\n".encode())
    print(f"{stem}: exit {proc.returncode}, {len(proc.stdout)} bytes", flush=True)


if __name__ == "__main__":
    sys.exit(main())
