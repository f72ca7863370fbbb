"""The download catalogue (rules/downloads.toml) explains a fetch by its `what`: PTH007 looks a
consequence up by that text, so two entries sharing a `what` share their consequence. An entry
that brings its own consequence under a shared `what` would rewrite the message of every other
entry with that text (a shap-specific sentence on torchvision's CIFAR10, seen once)."""

import tomllib
from collections import defaultdict
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "rules" / "downloads.toml"


def _entries() -> list[dict]:
    data = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    return [*data.get("call", ()), *data.get("shell_fetch", ())]


def _clashes(entries: list[dict]) -> dict[str, list[str]]:
    by_what: dict[str, set] = defaultdict(set)
    for entry in entries:
        by_what[str(entry.get("what", ""))].add((entry.get("consequence"), entry.get("fix")))
    return {what: sorted(map(str, told)) for what, told in by_what.items() if len(told) > 1}


def test_a_consequence_is_never_shared_through_a_what_of_other_entries() -> None:
    assert _clashes(_entries()) == {}, "entries share a `what` but explain it differently"


def test_the_check_sees_a_clash() -> None:
    # Two made-up entries sharing a `what`, one with its own consequence: the guard above can fail.
    entries = [{"what": "downloads a dataset"}, {"what": "downloads a dataset", "consequence": "x"}]
    assert list(_clashes(entries)) == ["downloads a dataset"]
