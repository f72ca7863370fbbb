"""Cold CLI audits of two source trees, alternately and in alternating order (issue 15): CPU
(user + system of the process and its workers), wall and the load before each run, one JSON line
per run, appended to OUT (docs/benchmarks.md, sixteenth round):

    python benchmarks/cold.py --base TREE --round TREE [--jobs N|default] [--runs 4] [--empty-cache] --out OUT DIR

Each run is `python -m nbrefactor audit DIR --format json --no-cache`, with byte-code as installed
(PYTHONDONTWRITEBYTECODE dropped); with `--empty-cache`, without `--no-cache` and with a fresh empty
cache folder (`NBREFACTOR_CACHE_DIR`) each run: the cold run `bench_peers.py` times, which keys every
notebook and writes the cache (eighteenth round). Compare the medians of the CPU column; at a high load read the
pairs (a base run and a round run in the same minute) too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--round", required=True)
    parser.add_argument("--jobs", default="default")
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--out", required=True)
    parser.add_argument("--empty-cache", action="store_true", help="a fresh empty cache each run instead of --no-cache")
    parser.add_argument("corpus")
    args = parser.parse_args()
    trees = {"base": args.base, "round": args.round}
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    jobs = [] if args.jobs == "default" else ["-j", args.jobs]
    for i in range(args.runs):
        for name in (("base", "round") if i % 2 == 0 else ("round", "base")):
            cmd = [sys.executable, "-m", "nbrefactor", "audit", args.corpus, "--format", "json", *jobs]
            run_env = {**env, "PYTHONPATH": trees[name]}
            scratch = tempfile.TemporaryDirectory() if args.empty_cache else None
            if scratch is not None:
                run_env["NBREFACTOR_CACHE_DIR"] = scratch.name
            else:
                cmd.append("--no-cache")
            load = os.getloadavg()[0]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(cmd, env=run_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall = time.perf_counter() - start
            if scratch is not None:
                scratch.cleanup()
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            row = {"tree": name, "corpus": args.corpus, "jobs": args.jobs, "cache": "empty" if args.empty_cache else "none",
                   "run": i, "cpu": round(cpu, 3),
                   "wall": round(wall, 3), "load": round(load, 2)}
            print(json.dumps(row), flush=True)
            with open(args.out, "a", encoding="utf-8") as out:
                out.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
