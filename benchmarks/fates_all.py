"""Fates of the hand-judged findings of every fair check at once, on a regression run (issue 11).

    python benchmarks/fates_all.py AUDIT_DIR [CORPUS ...] [--results DIR]

AUDIT_DIR holds one `nbrefactor audit --format json` report per corpus, `<corpus>.json` (as
benchmarks/regress.sh writes them). For each corpus with a verdict file
`benchmarks/results/adjudication-<corpus>.tsv` it prints one line of fates.py's R/N/W tallies,
then every R finding "gone" in full (item verdict code repo path cell line fate): the line a rule
change must explain. `--kept-noise FILE` also writes every judged N or W finding the audits still
report at its place, one tab-separated row each (corpus item verdict code repo path cell line class
reason): the work list of the next precision round. CORPUS defaults to every corpus with both a report and a verdict file; a
named corpus without its report is said, and the exit status is then 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fates import fate, format_tally, index_audit, read_verdicts, tally  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def _order(name: str) -> tuple:
    digits = "".join(ch for ch in name if ch.isdigit())
    return (0, int(digits), name) if digits else (1, 0, name)


def _one_line(text: str) -> str:
    """A reason as one TSV field: judges' reasons may hold tabs or line breaks."""
    return " ".join(text.split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("audits", type=Path, help="folder of <corpus>.json audits")
    parser.add_argument("corpora", nargs="*", help="corpus names, e.g. fair30 (default: every one with a report and verdicts)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder of adjudication-<corpus>.tsv (default: benchmarks/results)")
    parser.add_argument("--kept-noise", type=Path, metavar="FILE", help="write the judged N/W findings still kept (TSV)")
    args = parser.parse_args(argv)
    names = args.corpora or sorted(
        (path.stem for path in args.audits.glob("*.json") if (args.results / f"adjudication-{path.stem}.tsv").is_file()), key=_order
    )
    status = 0
    gone: list[str] = []
    noise: list[str] = []
    for name in names:
        verdicts, audit = args.results / f"adjudication-{name}.tsv", args.audits / f"{name}.json"
        if not verdicts.is_file() or not audit.is_file():
            print(f"{name:<7} (no {verdicts if not verdicts.is_file() else audit})")
            status = 1
            continue
        rows = read_verdicts(verdicts)
        index = index_audit(json.loads(audit.read_text(encoding="utf-8")))
        print(f"{name:<7} " + " | ".join(format_tally(tally(rows, index))))
        lost = [row for row in rows if row["verdict"].strip()[:1] == "R" and fate(row, index) == "gone"]
        if lost:
            gone.append(f"{name}:")
            gone += [" ".join((row["item"], "R", row["code"], row["repo"], row["path"], row["cell"], row["line"], "gone")) for row in lost]
        noise += [
            "\t".join((name, row["item"], row["verdict"].strip()[:1], row["code"], row["repo"], row["path"], row["cell"], row["line"],
                       row.get("class") or "", _one_line(row.get("reason") or "")))
            for row in rows
            if row["verdict"].strip()[:1] in ("N", "W") and fate(row, index) == "kept"
        ]
    print()
    if args.kept_noise:
        args.kept_noise.write_text("".join(line + "\n" for line in noise), encoding="utf-8")
    print("\n".join(["R gone (item verdict code repo path cell line fate):", *gone]) if gone else "no R gone")
    return status


if __name__ == "__main__":
    sys.exit(main())
