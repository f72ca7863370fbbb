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

A verdict file has no column: two findings of one code on one line (`TASK_DIR='data'; OUT_DIR=
'repairs'; REF='arc_dsl_ref'`, each folder a finding) are one place, and when a fix folds one into
the other the folded one still reads kept (fair check 52, item 125). `--judged AUDIT.json
--worksheet WORKSHEET.md` (the audit the sample was drawn from, and adjudicate.py's worksheet,
which gives each item's message) recover the judged finding's column where the judged audit had
more than one finding at its place; that finding is then kept only at its own column, related
where a finding relates that column, and moved when only another column of its line is reported.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
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
    # The same places with their column (a place and "" where a location has none).
    exact_columns: set[tuple[Place, str]] = field(default_factory=set)
    related_columns: set[tuple[Place, str]] = field(default_factory=set)


def index_audit(report: dict) -> AuditIndex:
    index = AuditIndex()
    for finding in report["findings"]:
        where = finding["location"]
        repo, path = split_repository(where["path"])
        place = (finding["code"], repo, path, _field(where.get("cell")), _field(where.get("line")))
        index.exact.add(place)
        index.exact_columns.add((place, _field(where.get("column"))))
        index.cells.add(place[:4])
        for other in finding.get("related") or []:
            other = other.get("location", other)
            other_repo, other_path = split_repository(other.get("path") or where["path"])
            related = (finding["code"], other_repo, other_path, _field(other.get("cell")), _field(other.get("line")))
            index.related.add(related)
            index.related_columns.add((related, _field(other.get("column"))))
    return index


def row_place(row: dict[str, str]) -> Place:
    return (row["code"], row["repo"], row["path"], _field(row["cell"]), _field(row["line"]))


def fate(row: dict[str, str], index: AuditIndex, column: str = "") -> str:
    """`column`: the judged finding's, when its place held more than one finding (`judged_columns`)."""
    place = row_place(row)
    if column:
        if (place, column) in index.exact_columns:
            return "kept"
        if (place, column) in index.related_columns:
            return "related"
        if place in index.exact:
            return "moved"  # (only another column of its line is reported)
    if place in index.exact:
        return "kept"
    if place in index.related:
        return "related"
    if place[:4] in index.cells:
        return "moved"
    return "gone"


_ITEM = re.compile(r"^## (\d+)\. (\S+) (.+?) cell (\S+) line (\S+)$")


def worksheet_messages(text: str) -> dict[str, str]:
    """Each item's message in an adjudicate.py worksheet ("## 125. PTH006 owner/repo:path cell 3
    line 9", a blank line, the message), by item number."""
    lines = text.splitlines()
    found: dict[str, str] = {}
    for i, line in enumerate(lines):
        if _ITEM.match(line) and i + 2 < len(lines):
            found[_ITEM.match(line).group(1)] = lines[i + 2]
    return found


def judged_columns(rows: list[dict[str, str]], judged: dict, messages: dict[str, str]) -> dict[str, str]:
    """item -> the judged finding's column, for the items whose place held several findings of their
    code in the judged audit, told apart by the worksheet's message (one of them matching exactly)."""
    at: dict[Place, list[dict]] = {}
    for finding in judged["findings"]:
        where = finding["location"]
        repo, path = split_repository(where["path"])
        at.setdefault((finding["code"], repo, path, _field(where.get("cell")), _field(where.get("line"))), []).append(finding)
    columns: dict[str, str] = {}
    for row in rows:
        found = at.get(row_place(row), [])
        if len(found) < 2:
            continue
        same = [f for f in found if f["message"] == messages.get(row["item"])]
        if len(same) == 1:
            columns[row["item"]] = _field(same[0]["location"].get("column"))
    return columns


def tally(rows: list[dict[str, str]], index: AuditIndex, columns: dict[str, str] | None = None) -> Counter:
    columns = columns or {}
    return Counter((row["verdict"].strip()[:1], fate(row, index, columns.get(row["item"], ""))) for row in rows)


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
    parser.add_argument("--judged", type=Path, help="the audit the sample was drawn from (with --worksheet)")
    parser.add_argument("--worksheet", type=Path, help="adjudicate.py's worksheet of the sample (with --judged)")
    args = parser.parse_args(argv)
    if (args.judged is None) != (args.worksheet is None):
        parser.error("--judged and --worksheet go together")
    rows = read_verdicts(args.verdicts)
    index = index_audit(json.loads(args.audit.read_text(encoding="utf-8")))
    columns: dict[str, str] = {}
    if args.judged is not None:
        columns = judged_columns(rows, json.loads(args.judged.read_text(encoding="utf-8")),
                                 worksheet_messages(args.worksheet.read_text(encoding="utf-8")))
    if args.items:
        for row in rows:
            where = fate(row, index, columns.get(row["item"], ""))
            if where != "kept":
                print(row["item"], row["verdict"].strip()[:1], row["code"], row["repo"], row["path"], row["cell"], row["line"], where)
    print("\n".join(format_tally(tally(rows, index, columns))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
