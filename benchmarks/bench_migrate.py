"""Migrate speed and memory for N = 10 and 100 notebooks, and a second run on unchanged input
(not a timed test: run it by hand).

    python benchmarks/bench_migrate.py [--sizes 10,100] [--jobs 0]

For each N it writes N notebooks (varied copies of `fixtures/notebooks/`, see synth.py) and runs
`python -m nbrefactor migrate DIR --out OUT` as a user does (cold start included) twice: the first
run compiles every model; the second, on unchanged input, should be near-instant (the batch cache
skips unchanged models; without it, every package would be rebuilt and found identical). Reports
wall time, notebooks per second and the peak RSS of the process tree; writes
benchmarks/results/migrate.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synth import corpus  # noqa: E402

CHILD = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "returncode": proc.returncode, "stderr": proc.stderr.decode()[-300:],
                  "maxrss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def measure(command: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, *command], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100")
    parser.add_argument("--jobs", type=int, default=0, help="-j for nbrefactor (0: its default, the number of cores)")
    args = parser.parse_args()
    rows = []
    for n in [int(s) for s in args.sizes.split(",") if s]:
        work = Path(tempfile.mkdtemp(prefix=f"nbr-bench-migrate-{n}-"))
        try:
            (work / "in").mkdir()
            (work / "in" / "pyproject.toml").write_text("[tool.nbrefactor]\n", encoding="utf-8")
            _, origin = corpus(n, work / "in")
            command = [sys.executable, "-m", "nbrefactor", "migrate", str(work / "in"), "--out", str(work / "out")]
            if args.jobs:
                command += ["-j", str(args.jobs)]
            first = measure(command)
            second = measure(command)
            packages = sum(1 for p in (work / "out").glob("*/.nbrefactor/plan.json"))  # the report folder has no plan
            row = {
                "notebooks": n,
                "origin": origin,
                "packages_written": packages,
                "first_seconds": round(first["seconds"], 2),
                "first_notebooks_per_second": round(n / first["seconds"], 2),
                "first_peak_rss_mib": round(first["maxrss_mib"], 1),
                "second_seconds": round(second["seconds"], 2),
                "second_notebooks_per_second": round(n / second["seconds"], 2),
                "exit_codes": [first["returncode"], second["returncode"]],
            }
            rows.append(row)
            print(
                f"N={n:>5}  first {row['first_seconds']:>7.2f} s ({row['first_notebooks_per_second']:>6.2f} nb/s, "
                f"peak {row['first_peak_rss_mib']:.0f} MiB)  second {row['second_seconds']:>6.2f} s  packages {packages}",
                flush=True,
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
    results = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
        "rows": rows,
    }
    target = HERE / "results" / "migrate.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
