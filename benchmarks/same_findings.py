"""Record `nbrefactor audit DIR --format json --no-cache` (stdout, stderr, exit code) for a list of
folders, `-j 1` and the default `-j`, so that two source trees can be compared byte for byte
(issue 15: a speed change must not change a single finding).

    python benchmarks/same_findings.py --src TREE --out OUT DIR [DIR ...]
    diff -r OUT_BEFORE OUT_AFTER          # empty: the same findings, messages and exit codes

Runs from the current directory (displayed paths are relative to it: run both trees from the
same one). Folders are audited as given; nothing is written into them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", required=True, help="the source tree whose nbrefactor runs")
    parser.add_argument("--out", required=True, help="folder for the recorded outputs")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("dirs", nargs="+")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(Path(args.src).resolve())}
    for folder in args.dirs:
        name = Path(folder).resolve().name
        for label, jobs in (("j1", ["-j", "1"]), ("jdefault", [])):
            cmd = [args.python, "-m", "nbrefactor", "audit", folder, "--format", "json", "--no-cache", *jobs]
            proc = subprocess.run(cmd, env=env, capture_output=True)
            (out / f"{name}.{label}.stdout").write_bytes(proc.stdout)
            (out / f"{name}.{label}.stderr").write_bytes(proc.stderr + f"\nexit {proc.returncode}\n".encode())
            print(f"{name} {label}: exit {proc.returncode}, {len(proc.stdout)} bytes", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
