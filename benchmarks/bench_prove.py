"""Time per rung of the proof ladder over the fixture corpus (not a timed test: run it by hand).

    python benchmarks/bench_prove.py [--keep-manifests] [--jobs 2] [--no-verify-rung] [--copies 1]

Copies `fixtures/notebooks/` (`--copies N`: N copies, for a bigger batch), migrates it with
`--no-prove` (timed), then climbs the ladder for every written package exactly as `migrate` does
(`prove_records`, offline `current` environments in a fresh cache, `--jobs` models in parallel)
and reports, per rung, how many models attempted it, passed it, and the total, median and
maximum seconds; plus the wall time of the whole ladder and the environments built. Writes
benchmarks/results/prove.json.

By default the manifests beside the fixtures (requirements.txt, environment.yml) are removed from
the copy: their pins name versions that are not installed here, so offline every such model stops
at rung 2 and the later rungs would go unmeasured. `--keep-manifests` measures the corpus as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--keep-manifests", action="store_true")
    parser.add_argument("--no-verify-rung", action="store_true")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    from nbrefactor.cli.app import main as cli
    from nbrefactor.migrate.prove import RUNGS, ProveOptions, prove_records

    work = Path(tempfile.mkdtemp(prefix="nbr-bench-prove-"))
    try:
        corpus = work / "in"
        for copy in range(args.copies):
            shutil.copytree(ROOT / "fixtures" / "notebooks", corpus / f"c{copy}", ignore=shutil.ignore_patterns("*.expected.json"))
        if not args.keep_manifests:
            for pattern in ("requirements*.txt", "environment.y*ml"):
                for manifest in corpus.rglob(pattern):
                    manifest.unlink()
        os.chdir(work)
        started = time.perf_counter()
        os.environ["NBREFACTOR_PROVE"] = "0"
        cli(["migrate", "in", "--out", "out", "-j", str(args.jobs), "--progress", "lines", "--no-cache"])
        migrate_seconds = time.perf_counter() - started
        records = json.loads((work / "out" / "migration-report.json").read_text())["models"]
        options = ProveOptions(env_mode="current", timeout=args.timeout, verify=not args.no_verify_rung, env_cache=work / "envs")
        started = time.perf_counter()
        proved, timings = prove_records(
            records, work / "out", {r["name"]: [Path(n) for n in r["notebooks"]] for r in records}, options, jobs=args.jobs,
            on_proof=lambda record, proof: print(f"proof  {record['name']}: {proof.label()[:150]}", flush=True),
        )
        ladder_seconds = time.perf_counter() - started
        rungs = []
        for number, name in enumerate(RUNGS, start=1):
            attempted = [r for rs in timings.values() for r in rs if r.rung == number and r.status != "not run"]
            seconds = [r.seconds for r in attempted]
            rungs.append({
                "rung": number,
                "name": name,
                "attempted": len(attempted),
                "passed": sum(1 for r in attempted if r.status == "passed"),
                "total_seconds": round(sum(seconds), 1),
                "median_seconds": round(statistics.median(seconds), 1) if seconds else None,
                "max_seconds": round(max(seconds), 1) if seconds else None,
            })
        highest = {}
        for record in proved:
            if record.get("proof"):
                highest[record["proof"]["reached"]] = highest.get(record["proof"]["reached"], 0) + 1
        result = {
            "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "load_average": os.getloadavg()},
            "models": len(records),
            "packages_proved": len(timings),
            "jobs": args.jobs,
            "manifests": "kept" if args.keep_manifests else "removed (pins from the environment)",
            "verify_rung": not args.no_verify_rung,
            "migrate_no_prove_seconds": round(migrate_seconds, 1),
            "ladder_wall_seconds": round(ladder_seconds, 1),
            "environments_built": len(list((work / "envs").glob("*/.nbrefactor-ready"))),
            "rungs": rungs,
            "highest_rung": dict(sorted(highest.items())),
        }
        print(json.dumps(result, indent=1))
        (HERE / "results").mkdir(exist_ok=True)
        (HERE / "results" / "prove.json").write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    finally:
        os.chdir(ROOT)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
