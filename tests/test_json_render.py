"""The JSON report rendered without the pure-Python encoder's generators
(`json_report.dumps_indented`, issue 15, twenty-eighth round), against `json.dumps(…, indent=2,
sort_keys=True, ensure_ascii=False)`, which it replaces: on the report of every fixture notebook,
on written values of every kind the encoder meets, and on values hypothesis makes; what it leaves
to `json.dumps` (a subclass, a key that is no string, a circular structure) answers or raises as
`json.dumps` does."""

from __future__ import annotations

import json
from collections import OrderedDict
from enum import Enum
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbrefactor.audit.engine import audit_paths
from nbrefactor.config import Settings
from nbrefactor.report.json_report import dumps_indented, render, to_dict

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


def _reference(value):
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def test_the_report_of_the_fixture_notebooks_is_the_same_text():
    result = audit_paths([str(FIXTURES)], Settings())
    document = to_dict(result)
    assert len(document["findings"]) > 500
    assert render(result) == _reference(document) + "\n"
    for finding in document["findings"]:
        assert dumps_indented(finding) == _reference(finding)


class _Colour(str, Enum):
    RED = "red"


WRITTEN = [
    {}, [], (), "", 0, -1, 10**40, 0.0, -0.0, 1.5, 1e300, 1e-300, float("nan"), float("inf"), float("-inf"), None, True, False,
    "é \u2028 \u00a0 \x00 \x1f \" \\ / \n\t 𝔘", {"b": 1, "a": [1, {"z": (), "y": {}}, []], "": None},
    [[[]], [{}], ({"a": (1, 2)},)], {"k": {"k": {"k": [True, False, None]}}},
    # left to json.dumps: subclasses, keys that are no strings
    {"a": _Colour.RED}, [_Colour.RED], {_Colour.RED: 1}, OrderedDict(b=1, a=2), {1: "x", 2: "y"}, {None: 1}, {1.5: 2, 0.5: 1},
    {"a": True, "b": 1}, [True, 1, 1.0],
]


@pytest.mark.parametrize("value", WRITTEN, ids=range(len(WRITTEN)))
def test_written_values_are_the_same_text(value):
    assert dumps_indented(value) == _reference(value)


def test_what_json_refuses_is_refused_the_same_way():
    circular: list = []
    circular.append(circular)
    for value in (circular, {"a": {1, 2}}, {"a": object()}, {("t",): 1}, {1: 1, "a": 2}):
        with pytest.raises(Exception) as expected:
            _reference(value)
        with pytest.raises(type(expected.value)):
            dumps_indented(value)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.lists(children, max_size=3).map(tuple)
    | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_values_hypothesis_makes_are_the_same_text(value):
    assert dumps_indented(value) == _reference(value)
