"""Draw a re-runnable, stratified-by-rule sample of findings on real public notebooks for hand
adjudication (issue 11). The notebooks themselves are never committed: fetch and extract them
first, e.g. into /tmp/nb/<owner>+<repo>/ (one folder per public repository).

    python benchmarks/adjudicate.py /tmp/nb --size 100 --seed 11 > /tmp/worksheet.md
    python benchmarks/adjudicate.py /tmp/nb --report before.json ...   # reuse a saved JSON audit

It runs `nbrefactor audit --format json` on the folder (or reads `--report`), then picks from
every rule a share of the sample proportional to its number of findings (at least `--min-per-rule`,
or all of a rule's findings when it has fewer), with `random.Random(seed)`, so the same audit and
seed draw the same findings. It prints a worksheet: per finding, the rule, the notebook path inside
its public repository, cell and line, the message, and the cell's source, for a person to judge
right and worth acting on / right but noise / wrong. The verdicts are written by hand into
docs/precision.md. `--keys` prints only the sampled (code, path, cell, line) keys, to compare two
versions of the tool on the same sample.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path


def audit(root: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "nbrefactor", "audit", str(root), "--format", "json", "--fail-on", "never", "--no-cache"],
        capture_output=True, text=True, check=False,
    )
    return json.loads(proc.stdout)


def allocate(counts: dict[str, int], size: int, minimum: int) -> dict[str, int]:
    """Proportional allocation with a floor per rule; rounding left-overs go to the largest rules."""
    total = sum(counts.values())
    share = {code: min(n, max(minimum, int(size * n / total))) for code, n in counts.items()}
    for code in sorted(counts, key=lambda c: (-counts[c], c)):
        if sum(share.values()) >= size:
            break
        if share[code] < counts[code]:
            share[code] += 1
    return share


def public_path(path: str, root: Path) -> str:
    rel = Path(path).resolve().relative_to(root.resolve()).as_posix()
    repo, _, inside = rel.partition("/")
    return f"{repo.replace('+', '/')}:{inside}"


def cell_source(path: str, cell: int | None) -> str:
    """The cell's source with every secret masked as the audit masks it in its own messages (a
    worksheet is read, shared and pasted into verdict files: a live API key in a public notebook
    must not travel further from it)."""
    if cell is None:
        return ""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        sources = ["".join(c["source"]) if isinstance(c["source"], list) else str(c["source"]) for c in nb["cells"]]
        src = sources[cell - 1]
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return ""
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.secrets import notebook_secrets, redact

    catalog = load_catalog()
    return redact(src, catalog, notebook_secrets(sources, catalog))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", type=Path)
    ap.add_argument("--report", type=Path, help="a saved `audit --format json` of ROOT")
    ap.add_argument("--size", type=int, default=100)
    ap.add_argument("--min-per-rule", type=int, default=3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--keys", action="store_true")
    args = ap.parse_args()
    report = json.loads(args.report.read_text()) if args.report else audit(args.root)
    by_code: dict[str, list[dict]] = defaultdict(list)
    for f in report["findings"]:
        by_code[f["code"]].append(f)
    rng = random.Random(args.seed)
    share = allocate({c: len(v) for c, v in by_code.items()}, args.size, args.min_per_rule)
    picked = []
    for code in sorted(by_code):
        found = sorted(by_code[code], key=lambda f: (f["location"]["path"], f["location"]["cell"] or 0, f["location"]["line"] or 0, f["message"]))
        picked.extend(rng.sample(found, share[code]))
    print(f"# {len(picked)} of {len(report['findings'])} findings, seed {args.seed}\n")
    for i, f in enumerate(picked, 1):
        loc = f["location"]
        where = public_path(loc["path"], args.root)
        if args.keys:
            print(f"{i}\t{f['code']}\t{where}\t{loc['cell']}\t{loc['line']}")
            continue
        print(f"## {i}. {f['code']} {where} cell {loc['cell']} line {loc['line']}\n\n{f['message']}\n")
        src = cell_source(loc["path"], loc["cell"])
        if src:
            print("```python\n" + src[:1500] + "\n```\n")


if __name__ == "__main__":
    main()
