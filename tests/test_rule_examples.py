"""Every rule's embedded examples, run as tests: failing examples must be reported at exactly the
expected (cell, line) positions, passing examples must not be reported at all."""

from __future__ import annotations

import pytest

from nbrefactor.audit.rules import all_rules
from nbrefactor.audit.rule_examples import positions, run_example

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
