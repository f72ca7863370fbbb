"""Findings removed and added between two audits of the same corpora (issue 11's regression check).

    python benchmarks/audit_diff.py BASE_DIR NEW_DIR [CORPUS ...] [-v]

Each folder holds one `nbrefactor audit ... --format json` report per corpus (`<corpus>.json`),
made by two trees on the same notebooks. Per corpus it prints the counts before and after, the
findings removed, added, and those whose place stayed but whose message changed (a reworded fix
text is not a finding lost); `-v` lists every removed (`-`) and added (`+`) place.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

Place = tuple[str, str, object, object]  # code, notebook path, cell, line


@dataclass(frozen=True)
class AuditDiff:
    before: int
    after: int
    removed: Counter  # of places
    added: Counter
    message_changed: int


def _findings(report: dict) -> Counter:
    return Counter(
        (f["code"], f["location"]["path"], f["location"].get("cell"), f["location"].get("line"), f["message"])
        for f in report["findings"]
    )


def diff(base: dict, new: dict) -> AuditDiff:
    before, after = _findings(base), _findings(new)
    gone, came = before - after, after - before
    gone_places = Counter(key[:4] for key in gone.elements())
    new_places = Counter(key[:4] for key in came.elements())
    reworded = gone_places & new_places  # same place, other message
    return AuditDiff(
        before=sum(before.values()),
        after=sum(after.values()),
        removed=gone_places - reworded,
        added=new_places - reworded,
        message_changed=sum(reworded.values()),
    )


def _sort_key(place: Place) -> tuple:
    return tuple("" if part is None else str(part).zfill(6) if isinstance(part, int) else str(part) for part in place)


def report_lines(name: str, change: AuditDiff, verbose: bool) -> list[str]:
    lines = [
        f"{name}: {change.before} -> {change.after}  removed {sum(change.removed.values())}, "
        f"added {sum(change.added.values())}, message changed {change.message_changed}"
    ]
    if verbose:
        lines += ["   - " + " ".join(map(str, place)) for place in sorted(change.removed.elements(), key=_sort_key)]
        lines += ["   + " + " ".join(map(str, place)) for place in sorted(change.added.elements(), key=_sort_key)]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("corpora", nargs="*", help="corpus names (default: every <name>.json in BASE_DIR)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every removed and added place")
    args = parser.parse_args(argv)
    names = args.corpora or sorted(path.stem for path in args.base.glob("*.json"))
    status = 0
    for name in names:
        try:
            base = json.loads((args.base / f"{name}.json").read_text(encoding="utf-8"))
            new = json.loads((args.new / f"{name}.json").read_text(encoding="utf-8"))
        except FileNotFoundError as missing:
            print(f"{name}: missing {missing.filename}")
            status = 1
            continue
        print("\n".join(report_lines(name, diff(base, new), args.verbose)))
    return status


if __name__ == "__main__":
    sys.exit(main())
