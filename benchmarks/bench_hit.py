"""The cache hit (an unchanged re-run, answered by the run replay) against ruff, interleaved (issue 15).

    python benchmarks/bench_hit.py [--n 100] [--runs 15] [--src TREE ...] [--output FILE]

Writes N generated notebooks (synth.py) twice: in a folder with no project root above it, under
the system's temporary folder (as `bench_peers.py` does: discovery then reads every folder up to
`/`), and under a folder holding `.git` (a repository: discovery stops there). For each source tree
(`--src`, default this checkout; e.g. an export of an older commit) it records a run of
`nbrefactor audit DIR --format json` for each folder and each way of starting it (`python -m
nbrefactor` and the `nbrefactor` console script beside the interpreter), in a cache of its own,
then runs, interleaved, `--runs` times: every replay, `ruff check --no-cache` on the same folder and
`python -c pass`. Every command is a fresh process; CPU = user + system from `os.wait4`. Reports
medians (ms) and the 1-minute load average; every replay's output is checked against the recorded
run's (byte for byte) and its log line must say `replayed`.
"""

from __future__ import annotations

import argparse
import json
import os
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


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, bytes]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read() if proc.stdout else b""
    _, _, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stdout and proc.stdout.close()
    return (usage.ru_utime + usage.ru_stime) * 1000, wall * 1000, out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--src", action="append", type=Path, help="source trees to compare (default: this checkout)")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "hit.json")
    args = parser.parse_args(argv)
    sources = [s.resolve() for s in (args.src or [ROOT])]
    python = sys.executable
    script = Path(python).parent / "nbrefactor"
    ruff = shutil.which("ruff") or str(Path(python).parent / "ruff")
    work = Path(tempfile.mkdtemp(prefix="nbrefactor_bench_hit_"))  # an identifier: a folder any import could name
    try:
        rootless = work / f"n{args.n}"
        corpus(args.n, rootless)
        repo = work / "repo"
        (repo / ".git").mkdir(parents=True)
        shutil.copytree(rootless, repo / f"n{args.n}")
        past = time.time() - 3600  # not "racy": a recorded run trusts files older than 2 s
        for folder, dirs, files in os.walk(work):
            for name in dirs + files:
                os.utime(os.path.join(folder, name), (past, past))
        base = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "NBREFACTOR_REPLAY_LOG")}
        commands: dict[str, tuple[list[str], dict[str, str], bytes | None]] = {}
        for i, src in enumerate(sources):
            tag = "" if len(sources) == 1 else f" [{src.name}]"
            for where, folder in (("no project root", rootless), ("in a repository", repo / f"n{args.n}")):
                env = {**base, "PYTHONPATH": str(src), "NBREFACTOR_CACHE_DIR": str(work / f"cache{i}"),
                       "NBREFACTOR_REPLAY_LOG": str(work / f"log{i}")}
                # The installed distributions' listing stored first (by a run of another command):
                # every tree's recorded runs then read it, as every run but a cache's first does.
                subprocess.run([python, "-m", "nbrefactor", "audit", str(folder), "--format", "concise"], env=env, cwd=work,
                               capture_output=True, check=False)
                for how, start in (("python -m", [python, "-m", "nbrefactor"]), ("console script", [str(script)])):
                    cmd = [*start, "audit", str(folder), "--format", "json"]
                    subprocess.run(cmd, env=env, cwd=work, capture_output=True, check=False)  # records
                    commands[f"hit, {how}, {where}{tag}"] = (cmd, env, None)
        # Every hit command replays before timing starts (a run that read a file modified within
        # the last 2 s is not recorded: run it again until it is, then check that it replays).
        for name, (cmd, env, _) in list(commands.items()):
            for _attempt in range(4):
                log = Path(env["NBREFACTOR_REPLAY_LOG"])
                log.write_text("", encoding="utf-8")
                _, _, out = timed(cmd, env, work)
                if log.read_text(encoding="utf-8").split("\n")[0] == "replayed":
                    break
                time.sleep(2.1)
            else:
                raise SystemExit(f"{name}: never replayed ({log.read_text(encoding='utf-8').strip()})")
            commands[name] = (cmd, env, out)
        for where, folder in (("no project root", rootless), ("in a repository", repo / f"n{args.n}")):
            commands[f"ruff --no-cache, {where}"] = ([ruff, "check", "--no-cache", "--exit-zero", "--quiet", str(folder)], base, None)
        commands["python -c pass"] = ([python, "-c", "pass"], base, None)
        for i in range(len(sources)):
            (work / f"log{i}").write_text("", encoding="utf-8")
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        loads = [os.getloadavg()[0]]
        for _ in range(args.runs):
            for name, (cmd, env, expected) in commands.items():
                cpu, wall, out = timed(cmd, env, work)
                if expected is not None and out != expected:
                    raise SystemExit(f"{name}: the replay's output differs from the recorded run's")
                samples[name].append((cpu, wall))
        loads.append(os.getloadavg()[0])
        for i in range(len(sources)):
            said = (work / f"log{i}").read_text(encoding="utf-8").splitlines()
            if set(said) != {"replayed"}:
                raise SystemExit(f"not every run was a replay: {sorted(set(said))}")
        rows = {
            name: {"cpu_ms": round(statistics.median(c for c, _ in s), 1), "wall_ms": round(statistics.median(w for _, w in s), 1)}
            for name, s in samples.items()
        }
        result = {"n": args.n, "runs": args.runs, "load": [round(x, 2) for x in loads],
                  "sources": [str(s) for s in sources], "results": rows}
        for name, row in rows.items():
            print(f"{name:60s} {row['cpu_ms']:7.1f} ms CPU {row['wall_ms']:8.1f} ms wall")
        print("load average", result["load"])
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
