"""Every rule's embedded examples, run as tests: failing examples must be reported at exactly the
expected (cell, line) positions, passing examples must not be reported at all. What each failing
example reports — position up to the end column, and the message text — is pinned in
tests/golden/rule_examples.json (`NBREFACTOR_UPDATE_GOLDEN=1` rewrites it), so a change to a rule's
wording or span shows up as a diff."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from nbrefactor.audit.rules import all_rules
from nbrefactor.audit.rule_examples import positions, run_example, snippet_example

CASES = [
    pytest.param(rule, kind, n, example, id=f"{rule.code}-{rule.name}-{kind}{n}")
    for rule in all_rules()
    for kind, examples in (("failing", rule.failing), ("passing", rule.passing))
    for n, example in enumerate(examples, start=1)
]


@pytest.mark.parametrize(("rule", "kind", "n", "example"), CASES)
def test_rule_example(rule, kind, n, example, tmp_path):
    found = positions(run_example(rule, example, tmp_path))
    expected = sorted(example.expect, key=lambda p: (p[0] if p[0] is not None else -1, p[1] if p[1] is not None else -1))
    if kind == "passing":
        assert found == [], f"{rule.code} reported a passing example at {found}"
    else:
        assert expected, f"{rule.code} failing example {n} names no expected finding"
        assert found == expected


PINNED = Path(__file__).parent / "golden" / "rule_examples.json"
FAILING = [(rule, n, example) for rule, kind, n, example in (c.values for c in CASES) if kind == "failing"]


def _reported(rule, n, example, workdir):  # noqa: ANN001, ANN202 - the pinned form of one example's findings
    folder = workdir / f"{rule.code}-{n}"
    found = run_example(rule, example, folder)
    rows = [
        [d.location.cell, d.location.line, d.location.column, d.location.end_line, d.location.end_column,
         d.message.replace(str(folder), "<example>")]
        for d in found
    ]
    return sorted(rows, key=lambda r: tuple((v is not None, v) for v in r))


def test_failing_examples_pin_message_and_span(tmp_path):
    reported = {f"{rule.code}-{rule.name}-failing{n}": _reported(rule, n, example, tmp_path) for rule, n, example in FAILING}
    if os.environ.get("NBREFACTOR_UPDATE_GOLDEN") == "1":
        PINNED.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"  {json.dumps(key)}: [" + ",".join(f"\n    {json.dumps(row, ensure_ascii=False)}" for row in rows) + "]" for key, rows in sorted(reported.items())]
        PINNED.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
        pytest.skip(f"{PINNED} rewritten: review the diff")
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    assert sorted(pinned) == sorted(reported), "failing examples added or removed: NBREFACTOR_UPDATE_GOLDEN=1 rewrites the pins"
    for key, rows in reported.items():
        assert rows == pinned[key], f"{key}: message or span changed (NBREFACTOR_UPDATE_GOLDEN=1 rewrites the pins)"


def test_every_rule_is_documented_and_has_examples():
    codes = set()
    for rule in all_rules():
        assert rule.code[:3].isalpha() and rule.code[3:].isdigit(), rule.code
        assert rule.code not in codes
        codes.add(rule.code)
        assert rule.name == rule.name.lower() and " " not in rule.name
        for text in (rule.summary, rule.what_it_does, rule.why_bad, rule.example, rule.use_instead):
            assert text.strip(), f"{rule.code} lacks documentation"
        assert rule.failing, f"{rule.code} has no failing example"
        assert rule.passing, f"{rule.code} has no passing example"


# --- the documentation's own snippets ---------------------------------------------------------------

# Snippets that draw something other than notebook code: a manifest, a saved output, a kernelspec,
# cells labelled in comments, or prose. They are documentation only; every other `example` must be
# reported by its rule and every other `use_instead` must not be.
NOT_CODE = {
    ("DEP001", "example"): "the manifest is drawn in comments",
    ("DEP001", "use_instead"): "the manifest is drawn in comments",
    ("DEP002", "use_instead"): "the manifest is drawn in comments",
    ("DEP004", "example"): "requirements.txt text",
    ("DEP004", "use_instead"): "requirements.txt text",
    ("DEP007", "example"): "requirements.txt text",
    ("DEP007", "use_instead"): "requirements.txt text",
    ("HID004", "example"): "cells drawn as `# cell N` comments",
    ("HID004", "use_instead"): "cells drawn as `# cell N` comments",
    ("HID007", "example"): "the saved traceback is drawn as a comment",
    ("HID007", "use_instead"): "the saved output is drawn as a comment",
    ("SEC002", "example"): "the saved output is drawn as a comment",
    ("SEC002", "use_instead"): "prose",
    ("STR002", "example"): "a kernelspec",
    ("STR002", "use_instead"): "prose",
    ("STR003", "example"): "prose",
    ("STR003", "use_instead"): "prose",
}
# Snippets of rules that report only under settings their documentation names: run under them.
SNIPPET_SETTINGS = {
    # With HID001 on, HID001 reports the same cells (one finding per root cause).
    "HID005": '[tool.nbrefactor]\nignore = ["HID001"]\n',
}
SNIPPETS = [
    pytest.param(rule, kind, id=f"{rule.code}-{kind}")
    for rule in all_rules()
    for kind in ("example", "use_instead")
    if (rule.code, kind) not in NOT_CODE
]


@pytest.mark.parametrize(("rule", "kind"), SNIPPETS)
def test_documentation_snippet_runs(rule, kind, tmp_path):
    """`# [n]` lines in a snippet start a cell with that execution count (see `snippet_example`)."""
    example = snippet_example(getattr(rule, kind))
    if rule.code in SNIPPET_SETTINGS:
        example = dataclasses.replace(example, files={"pyproject.toml": SNIPPET_SETTINGS[rule.code]})
    found = run_example(rule, example, tmp_path)
    if kind == "example":
        assert found, f"{rule.code}: the documented example is not reported"
    else:
        assert found == [], f"{rule.code}: the documented fix is still reported at {positions(found)}"


def test_snippets_listed_as_not_code_are_not_reported(tmp_path):
    """The list stays honest: an entry whose `example` starts being reported (the doc was fixed)
    must leave the list and be run above."""
    codes = {rule.code: rule for rule in all_rules()}
    for (code, kind), why in NOT_CODE.items():
        assert code in codes and kind in ("example", "use_instead") and why
        if kind == "example":
            found = run_example(codes[code], snippet_example(codes[code].example), tmp_path / code)
            assert found == [], f"{code} example is reported now: remove it from NOT_CODE"


def test_snippet_cells_follow_the_execution_count_marks():
    example = snippet_example("# [3]\nx = 1\n# [ ]\ny = 2\n# [1]\nz = x")
    assert [(c.source, c.count) for c in example.cells] == [("x = 1", 3), ("y = 2", None), ("z = x", 1)]
    assert [(c.source, c.count) for c in snippet_example("a = 1\nb = a").cells] == [("a = 1\nb = a", None)]
