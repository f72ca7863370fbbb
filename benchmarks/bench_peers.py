"""nbrefactor against fawltydeps and ruff on the same generated notebooks, in one run (issue 15).

    pip install -e '.[bench]'          # fawltydeps and ruff, benchmark-only
    python benchmarks/bench_peers.py [--sizes 100] [--repeat 3] [--scaling 10,100,1000] [--corpus DIR]

For each size N it writes N notebooks (varied copies of `fixtures/notebooks/`, see synth.py) and
runs, interleaved, `--repeat` times each, in an order rotated from repeat to repeat (`rotations`:
no command always runs first, so a load that falls or rises during a repeat favours none):

- `nbrefactor audit DIR --format json` cold: an empty cache directory (so the run also writes it),
  default `-j` (one worker per core, fewer for small runs); and with `-j 1`;
- the same command again on the warm cache (every notebook unchanged: a cache hit), and the same
  through the `nbrefactor` console script beside the interpreter, when installed (no `runpy`);
- `fawltydeps --check --json DIR` (imports and declared dependencies only);
- `ruff check --no-cache DIR` and `ruff check DIR` on ruff's own warm cache;
- with `--baseline-src DIR`, nbrefactor from another source tree (an older commit), cold.

Each command is a fresh process (interpreter start included). For each it records the median wall
time and the median CPU time (user + system of the process and everything it waited for, from
`os.wait4`), the peak RSS of its largest process, and the 1-minute load average before each run
(and its median), and the order of each repeat (`orders`). The
ratios nbrefactor / peer are of medians measured in the same run; on a shared machine prefer the
CPU ratios (wall times include waiting for a core). `--scaling` then runs the cold audit alone for
each size to show growth and peak memory. Writes benchmarks/results/peers.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from synth import corpus  # noqa: E402


GNU_TIME = "/usr/bin/time"


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> dict:
    """Wall time, CPU time (self + reaped children) and peak RSS of one command.

    The peak RSS comes from GNU time (`%M`, the largest process of the tree) when installed: a
    child forked from this (larger) Python process would otherwise report our own RSS."""
    load = os.getloadavg()[0]
    rss_file = cwd / ".maxrss"
    wrapped = [GNU_TIME, "-f", "%M", "-o", str(rss_file), *cmd] if Path(GNU_TIME).exists() else cmd
    start = time.perf_counter()
    proc = subprocess.Popen(wrapped, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stderr and proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    maxrss = usage.ru_maxrss / 1024
    if wrapped is not cmd:
        try:
            maxrss = int(rss_file.read_text().split()[-1]) / 1024
        except (OSError, ValueError, IndexError):
            pass
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "maxrss_mib": maxrss,
        "load": load,
        "returncode": proc.returncode,
        "stderr_tail": stderr[-200:],
    }


def summary(samples: list[dict]) -> dict:
    return {
        "wall_s": round(statistics.median(s["wall"] for s in samples), 3),
        "cpu_s": round(statistics.median(s["cpu"] for s in samples), 3),
        "maxrss_mib": round(max(s["maxrss_mib"] for s in samples), 1),
        "load_1min": [round(s["load"], 2) for s in samples],
        "load_1min_median": round(statistics.median(s["load"] for s in samples), 2),
        "runs": len(samples),
        "returncodes": sorted({s["returncode"] for s in samples}),
    }


def tools() -> dict[str, str]:
    found = {}
    for name in ("fawltydeps", "ruff"):
        exe = shutil.which(name) or (str(Path(sys.executable).parent / name) if (Path(sys.executable).parent / name).exists() else None)
        if exe:
            found[name] = exe
    return found


def compare(
    n: int, repeat: int, work: Path, peers: dict[str, str], baseline_src: Path | None = None, given: Path | None = None,
) -> dict:
    if given is not None:  # an existing folder of notebooks (real ones), audited where it is
        folder = given.resolve()
        n = sum(1 for _ in folder.rglob("*.ipynb"))
    else:
        folder = work / f"n{n}"
        corpus(n, folder)
    env = bench_env()
    nbr = [sys.executable, "-m", "nbrefactor", "audit", str(folder), "--format", "json"]
    script = Path(sys.executable).parent / "nbrefactor"
    script = script if script.exists() else None
    commands: dict[str, list[str]] = {}
    samples: dict[str, list[dict]] = {}

    def sample(name: str, cmd: list[str], extra_env: dict[str, str] | None = None) -> None:
        commands[name] = cmd
        samples.setdefault(name, []).append(run(cmd, {**env, **(extra_env or {})}, work))

    # Once each, outside the timings: byte-code compiled (as after a pip install), ruff's own
    # cache (in the current folder) warm, and the cache the hit rows read written (so a hit does
    # not have to follow its cold run, and every command can take any place in a repeat).
    hit_cache = work / f"cache-{n}-hit"
    run([*nbr, "--no-cache"], env, work)
    run(nbr, {**env, "NBREFACTOR_CACHE_DIR": str(hit_cache)}, work)
    if script is not None:  # the console script records its own invocation in the cache once
        run([str(script), *nbr[3:]], {**env, "NBREFACTOR_CACHE_DIR": str(hit_cache)}, work)
    if baseline_src is not None:
        run(nbr, {**env, "PYTHONPATH": str(baseline_src)}, work)
    if "fawltydeps" in peers:
        run([peers["fawltydeps"], "--check", "--json", str(folder)], env, work)
    if "ruff" in peers:
        run([peers["ruff"], "check", "--exit-zero", "--quiet", str(folder)], env, work)

    def plan(i: int) -> dict[str, tuple[list[str], dict[str, str]]]:
        """Repeat i's commands by name: each cold run gets its own empty cache directory."""
        steps: dict[str, tuple[list[str], dict[str, str]]] = {
            "nbrefactor cold": (nbr, {"NBREFACTOR_CACHE_DIR": str(work / f"cache-{n}-{i}")}),
            "nbrefactor cold -j1": ([*nbr, "-j", "1"], {"NBREFACTOR_CACHE_DIR": str(work / f"cache-{n}-{i}-j1")}),
            "nbrefactor cache hit": (nbr, {"NBREFACTOR_CACHE_DIR": str(hit_cache)}),
        }
        if script is not None:  # the `nbrefactor` console script: no `runpy` (4-5 ms of `python -m`)
            steps["nbrefactor cache hit (console script)"] = ([str(script), *nbr[3:]], {"NBREFACTOR_CACHE_DIR": str(hit_cache)})
        if baseline_src is not None:  # an older checkout, cold (its own empty cache, if it has one): what the changes bought
            steps["nbrefactor baseline"] = (
                nbr, {"PYTHONPATH": str(baseline_src), "NBREFACTOR_CACHE_DIR": str(work / f"cache-{n}-{i}-baseline")},
            )
        if "fawltydeps" in peers:
            steps["fawltydeps"] = ([peers["fawltydeps"], "--check", "--json", str(folder)], {})
        if "ruff" in peers:
            steps["ruff --no-cache"] = ([peers["ruff"], "check", "--no-cache", "--exit-zero", "--quiet", str(folder)], {})
            steps["ruff (warm cache)"] = ([peers["ruff"], "check", "--exit-zero", "--quiet", str(folder)], {})
        return steps

    orders = []
    for i, order in enumerate(rotations(list(plan(0)), repeat)):
        steps = plan(i)
        orders.append(order)
        for name in order:
            sample(name, *steps[name])
    rows = {name: summary(s) for name, s in samples.items()}
    ratios = {}
    for ours, peer in (
        ("nbrefactor cold", "nbrefactor baseline"),
        ("nbrefactor cold", "fawltydeps"),
        ("nbrefactor cold -j1", "fawltydeps"),
        ("nbrefactor cache hit", "ruff --no-cache"),
        ("nbrefactor cache hit", "ruff (warm cache)"),
        ("nbrefactor cache hit (console script)", "ruff --no-cache"),
    ):
        if ours in rows and peer in rows:
            ratios[f"{ours} / {peer}"] = {
                "wall": round(rows[ours]["wall_s"] / rows[peer]["wall_s"], 2),
                "cpu": round(rows[ours]["cpu_s"] / rows[peer]["cpu_s"], 2),
            }
    return {"n": n, "commands": {k: " ".join(Path(c[0]).name if j == 0 else c[j] for j in range(len(c))) for k, c in commands.items()},
            "results": rows, "ratios": ratios, "orders": orders}


def rotations(names: list[str], repeat: int) -> list[list[str]]:
    """The order of the commands in each repeat: the list rotated, each repeat starting further on.

    A fixed order lets a falling or rising load favour whichever command runs first (the
    thirteenth round's row); rotating by about len/repeat places spreads the first place, and each
    command's place, over the repeats (every command first once when repeat == len(names))."""
    if not names:
        return [[] for _ in range(repeat)]
    step = max(1, len(names) // max(1, repeat))
    return [names[(i * step) % len(names):] + names[:(i * step) % len(names)] for i in range(repeat)]


def bench_env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure as installed: with compiled byte-code
    return env


def scaling(sizes: list[int], work: Path) -> list[dict]:
    rows = []
    env = bench_env()
    for n in sizes:
        folder = work / f"scale{n}"
        if not folder.exists():
            corpus(n, folder)
        cold = run([sys.executable, "-m", "nbrefactor", "audit", str(folder), "--format", "json", "--no-cache"], env, work)
        rows.append({
            "n": n,
            "wall_s": round(cold["wall"], 2),
            "cpu_s": round(cold["cpu"], 2),
            "cpu_ms_per_notebook": round(1000 * cold["cpu"] / n, 1),
            "maxrss_mib": round(cold["maxrss_mib"], 1),
            "load_1min": round(cold["load"], 2),
        })
    return rows


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100", help="comma-separated corpus sizes compared with the peers")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scaling", default="", help="comma-separated sizes for the growth table (e.g. 10,100,1000)")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "peers.json")
    parser.add_argument(
        "--baseline-src", type=Path,
        help="also run nbrefactor from this source tree (e.g. `git worktree add /tmp/base <commit>`), cold, for a before/after ratio",
    )
    parser.add_argument(
        "--corpus", type=Path,
        help="compare on this folder of notebooks (e.g. a checkout of real ones) instead of generated copies",
    )
    args = parser.parse_args(argv)
    peers = tools()
    missing = {"fawltydeps", "ruff"} - peers.keys()
    if missing:
        print(f"not installed: {', '.join(sorted(missing))} (pip install -e '.[bench]'); compared without them", file=sys.stderr)
    result: dict = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "versions": {name: subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip() for name, exe in peers.items()},
        "compare": [],
        "scaling": [],
    }
    with tempfile.TemporaryDirectory(prefix="nbr-bench-") as tmp:
        work = Path(tmp)
        baseline = args.baseline_src.resolve() if args.baseline_src else None
        if args.corpus is not None:
            row = compare(0, args.repeat, work, peers, baseline, args.corpus)
            row["corpus"] = str(args.corpus)
            result["compare"].append(row)
            print_compare(row)
        for n in [int(s) for s in args.sizes.split(",") if s]:
            row = compare(n, args.repeat, work, peers, baseline)
            result["compare"].append(row)
            print_compare(row)
        sizes = [int(s) for s in args.scaling.split(",") if s]
        if sizes:
            result["scaling"] = scaling(sizes, work)
            print_scaling(result["scaling"])
    result["finished"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def print_compare(row: dict) -> None:
    print(f"\nN = {row['n']} notebooks (median of {next(iter(row['results'].values()))['runs']} runs)")
    print(f"{'command':<24} {'wall s':>8} {'CPU s':>8} {'peak RSS':>9}  load (1 min) per run")
    for name, r in row["results"].items():
        print(f"{name:<24} {r['wall_s']:>8.3f} {r['cpu_s']:>8.3f} {r['maxrss_mib']:>6.0f} MiB  {r['load_1min']}")
    for name, ratio in row["ratios"].items():
        print(f"  {name}: wall {ratio['wall']:.2f}x, CPU {ratio['cpu']:.2f}x")


def print_scaling(rows: list[dict]) -> None:
    print(f"\n{'N':>6} {'wall s':>8} {'CPU s':>8} {'CPU ms/nb':>10} {'peak RSS':>9} {'load':>6}")
    for r in rows:
        print(f"{r['n']:>6} {r['wall_s']:>8.2f} {r['cpu_s']:>8.2f} {r['cpu_ms_per_notebook']:>10.1f} {r['maxrss_mib']:>6.0f} MiB {r['load_1min']:>6.2f}")


if __name__ == "__main__":
    main()
