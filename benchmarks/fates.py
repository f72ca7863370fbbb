"""What became of hand-judged findings on a later audit of the same notebooks (issue 11).

    python benchmarks/fates.py benchmarks/results/adjudication-fair40.tsv AUDIT.json [--items]

A fair check's verdict file (columns item, code, repo, path, cell, line, verdict, ...: see
docs/precision.md) names each judged finding by rule code and place. After a rule change, each
judged finding is, on the new audit of the same corpus (`nbrefactor audit ROOT --format json`,
ROOT holding one `<owner>+<repo>/` folder per repository, as adjudicate.py expects):

- kept:    a finding of the same code at the same notebook, cell and line;
- related: a finding of the same code lists that place among its related locations (one finding
           per root cause now, this place one of its occurrences);
- moved:   a finding of the same code in the same cell, at another line;
- gone:    none of these.

It prints one line per verdict (R, N, W) with the count of each fate, so "no R gone, N and W gone"
can be re-checked from a clone; `--items` also lists every judged finding not kept.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

FATES = ("kept", "related", "moved", "gone")
VERDICTS = ("R", "N", "W")

Place = tuple[str, str | None, str, str, str]  # code, repo, path inside it, cell, line


def split_repository(path: str) -> tuple[str | None, str]:
    """`repos/owner+name/dir/nb.ipynb` -> (`owner/name`, `dir/nb.ipynb`): the first folder holding a `+`."""
    parts = path.replace("\\", "/").split("/")
    for i, part in enumerate(parts):
        if "+" in part:
            return part.replace("+", "/", 1), "/".join(parts[i + 1:])
    return None, "/".join(parts)


def _field(value: object) -> str:
    """Cells and lines as the verdict files write them: a notebook-level finding has neither."""
    return "" if value is None or value in ("None", "-") else str(value)


@dataclass
class AuditIndex:
    exact: set[Place] = field(default_factory=set)
    related: set[Place] = field(default_factory=set)
    cells: set[tuple[str, str | None, str, str]] = field(default_factory=set)


def index_audit(report: dict) -> AuditIndex:
    index = AuditIndex()
    for finding in report["findings"]:
        where = finding["location"]
        repo, path = split_repository(where["path"])
        place = (finding["code"], repo, path, _field(where.get("cell")), _field(where.get("line")))
        index.exact.add(place)
        index.cells.add(place[:4])
        for other in finding.get("related") or []:
            other = other.get("location", other)
            other_repo, other_path = split_repository(other.get("path") or where["path"])
            index.related.add((finding["code"], other_repo, other_path, _field(other.get("cell")), _field(other.get("line"))))
    return index


def fate(row: dict[str, str], index: AuditIndex) -> str:
    place = (row["code"], row["repo"], row["path"], _field(row["cell"]), _field(row["line"]))
    if place in index.exact:
        return "kept"
    if place in index.related:
        return "related"
    if place[:4] in index.cells:
        return "moved"
    return "gone"


def tally(rows: list[dict[str, str]], index: AuditIndex) -> Counter:
    return Counter((row["verdict"].strip()[:1], fate(row, index)) for row in rows)


def format_tally(counts: Counter) -> list[str]:
    lines = []
    for verdict in VERDICTS:
        parts = [f"{name}={counts[(verdict, name)]}" for name in FATES if counts[(verdict, name)]]
        lines.append(f"{verdict} {' '.join(parts)}".rstrip())
    return lines


def read_verdicts(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("verdicts", type=Path, help="a fair check's verdict file (TSV)")
    parser.add_argument("audit", type=Path, help="`nbrefactor audit --format json` of the same corpus")
    parser.add_argument("--items", action="store_true", help="also list every judged finding not kept")
    args = parser.parse_args(argv)
    rows = read_verdicts(args.verdicts)
    index = index_audit(json.loads(args.audit.read_text(encoding="utf-8")))
    if args.items:
        for row in rows:
            where = fate(row, index)
            if where != "kept":
                print(row["item"], row["verdict"].strip()[:1], row["code"], row["repo"], row["path"], row["cell"], row["line"], where)
    print("\n".join(format_tally(tally(rows, index))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
