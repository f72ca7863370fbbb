"""Audit speed and memory for N = 10, 100, 1000 notebooks (not a timed test: run it by hand).

    python benchmarks/bench_audit.py [--sizes 10,100,1000] [--jobs 0] [--no-peers]

For each N it writes N notebooks (copies of `fixtures/notebooks/` varied so none is byte-identical,
or synthetic ones from `synth.py` when there are no fixtures) and measures:

- in-process: `audit_paths(..., jobs=1)` in a fresh interpreter (import included), wall time and
  peak RSS (`resource.getrusage(RUSAGE_SELF).ru_maxrss`); for N <= 100 also the tracemalloc peak
  (Python allocations only; tracemalloc slows the run, so it is a separate pass);
- CLI: `python -m nbrefactor audit DIR --format json -j J` as a user runs it (cold start included),
  wall time and peak RSS of the process tree (`RUSAGE_CHILDREN`, largest single process);
- peers on the same files where installed: `ruff check` and `jupyter nbconvert --to script`
  (nbconvert only up to N = 100: it takes ~0.1 s a notebook), and the ratios to our CLI.

Prints a table and writes benchmarks/results/audit.json.
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

IN_PROCESS = r"""
import json, resource, sys, time, tracemalloc
trace = sys.argv[2] == "1"
start = time.perf_counter()
if trace:
    tracemalloc.start()
from nbrefactor.config import Settings
from nbrefactor.audit.engine import audit_paths
select = tuple(s for s in sys.argv[3].split(",") if s) or ("ALL",)
result = audit_paths([sys.argv[1]], Settings(select=select), jobs=1)
elapsed = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1] if trace else None
print(json.dumps({"seconds": elapsed, "findings": len(result.diagnostics), "errors": len(result.errors),
                  "notebooks": len(result.notebooks), "tracemalloc_peak_mib": peak and peak / 2**20,
                  "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# Runs a command and reports the largest resident set of any process it started.
CHILD = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "returncode": proc.returncode, "stderr": proc.stderr.decode()[-300:],
                  "maxrss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def run_json(args: list[str], cwd: Path) -> dict:
    out = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(n: int, jobs: int, peers: bool, work: Path, select: str = "") -> dict:
    folder = work / f"n{n}"
    paths, origin = corpus(n, folder)
    size_mib = sum(p.stat().st_size for p in paths) / 2**20
    row: dict = {"n": n, "origin": origin, "corpus_mib": round(size_mib, 1)}

    inproc = run_json([sys.executable, "-c", IN_PROCESS, str(folder), "0", select], work)
    row["in_process"] = {
        "seconds": round(inproc["seconds"], 3),
        "notebooks_per_second": round(n / inproc["seconds"], 1),
        "maxrss_mib": round(inproc["maxrss_mib"], 1),
        "findings": inproc["findings"],
    }
    if n <= 100:
        traced = run_json([sys.executable, "-c", IN_PROCESS, str(folder), "1", select], work)
        row["in_process"]["tracemalloc_peak_mib"] = round(traced["tracemalloc_peak_mib"], 1)

    cli_jobs = {}
    for j in sorted({1, jobs}):
        cmd = [sys.executable, "-m", "nbrefactor", "audit", str(folder), "--format", "json", "--fail-on", "never", "--no-cache", "-j", str(j)] + (["--select", select] if select else [])
        res = run_json([sys.executable, "-c", CHILD, *cmd], work)
        if res["returncode"] not in (0, 1, 2):
            raise RuntimeError(res["stderr"])
        cli_jobs[str(j)] = {
            "seconds": round(res["seconds"], 3),
            "notebooks_per_second": round(n / res["seconds"], 1),
            "maxrss_mib": round(res["maxrss_mib"], 1),
        }
    row["cli"] = cli_jobs

    if peers:
        ours = cli_jobs[str(jobs)]["seconds"]
        row["peers"] = {}
        ruff = shutil.which("ruff")
        if ruff:
            res = run_json([sys.executable, "-c", CHILD, ruff, "check", "--no-cache", "--exit-zero", "--quiet", str(folder)], work)
            row["peers"]["ruff check"] = {"seconds": round(res["seconds"], 3), "ours_over_theirs": round(ours / res["seconds"], 1)}
        jupyter = shutil.which("jupyter")
        if jupyter and n <= 100:
            out = work / f"scripts{n}"
            res = run_json(
                [sys.executable, "-c", CHILD, jupyter, "nbconvert", "--to", "script", "--output-dir", str(out), *map(str, paths)], work
            )
            row["peers"]["jupyter nbconvert --to script"] = {"seconds": round(res["seconds"], 3), "ours_over_theirs": round(ours / res["seconds"], 2)}
    return row


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--jobs", type=int, default=0, help="CLI -j (0: one per core)")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--select", default="", help="rules to run (default: all), e.g. STR for the engine alone")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "audit.json")
    args = parser.parse_args(argv)
    jobs = args.jobs or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            rows.append(measure(n, jobs, not args.no_peers, Path(tmp), args.select))
            print(f"measured N={n}", file=sys.stderr)
    # Growth: seconds per notebook at each N, relative to the smallest N (1.0 = linear).
    base = rows[0]
    for row in rows:
        for key, value in (("in_process", row["in_process"]), ("cli", row["cli"][str(jobs)])):
            per = value["seconds"] / row["n"]
            ref = (base["in_process"] if key == "in_process" else base["cli"][str(jobs)])["seconds"] / base["n"]
            value["seconds_per_notebook_ms"] = round(per * 1000, 2)
            value["per_notebook_vs_smallest"] = round(per / ref, 2)
    result = {
        "machine": {"python": platform.python_version(), "cores": jobs, "platform": platform.platform()},
        "jobs": jobs,
        "select": args.select or "ALL",
        "rows": rows,
    }
    out = args.output
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print_table(result)
    return result


def print_table(result: dict) -> None:
    jobs = str(result["jobs"])
    print(f"\nnbrefactor audit benchmark (Python {result['machine']['python']}, {result['jobs']} cores; rules: {result['select']}; source: {result['rows'][0]['origin']})")
    head = f"{'N':>5} {'MiB':>6} | {'in-proc s':>9} {'nb/s':>7} {'RSS MiB':>8} {'tracemalloc':>11} | {'CLI -j1 s':>9} {'CLI -j' + jobs + ' s':>9} {'nb/s':>7} {'RSS MiB':>8} {'ms/nb':>6} | peers (ours / theirs)"
    print(head)
    print("-" * len(head))
    for r in result["rows"]:
        ip, c1, cj = r["in_process"], r["cli"]["1"], r["cli"][jobs]
        tm = f"{ip['tracemalloc_peak_mib']:.1f}" if "tracemalloc_peak_mib" in ip else "-"
        peers = ", ".join(f"{k}: {v['seconds']:.2f} s ({v['ours_over_theirs']}x)" for k, v in r.get("peers", {}).items())
        print(
            f"{r['n']:>5} {r['corpus_mib']:>6} | {ip['seconds']:>9.2f} {ip['notebooks_per_second']:>7.1f} {ip['maxrss_mib']:>8.1f} {tm:>11} | "
            f"{c1['seconds']:>9.2f} {cj['seconds']:>9.2f} {cj['notebooks_per_second']:>7.1f} {cj['maxrss_mib']:>8.1f} {cj['seconds_per_notebook_ms']:>6.1f} | {peers}"
        )


if __name__ == "__main__":
    main()
