"""The facts (`audit/facts.py`) are plain dataclasses since the twenty-third round of issue 15: a
frozen dataclass's `__init__` set each field through `object.__setattr__`, ~1,000 instructions a
field, for ~37,000 facts a PythonDataScienceHandbook run. What the frozen classes gave must still
hold: the same equality, hash and pickled state (compared here with frozen twins made by
`dataclasses` from the same fields), and no fact changed once made (the cell memo shares them
between notebooks), checked by auditing the fixture corpus and every rule example with each
write to an already-set field refused."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest

from nbrefactor.audit import facts as facts_module
from nbrefactor.audit.analysis import analyse_notebook
from nbrefactor.audit.engine import audit_paths
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.rule_examples import run_example
from nbrefactor.audit.rules import all_rules
from nbrefactor.audit.types import Notebook
from nbrefactor.config import load_settings

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "fixtures" / "notebooks"

FACT_CLASSES = [
    value for value in vars(facts_module).values()
    if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == facts_module.__name__
]


def test_every_fact_class_is_a_plain_dataclass_with_the_frozen_hash():
    names = {cls.__name__ for cls in FACT_CLASSES}
    assert {"NameRef", "ImportFact", "ArgFact", "CallFact", "StringFact", "CellFacts", "SyntaxProblem", "GlobalWrite"} <= names
    for cls in FACT_CLASSES:
        params = cls.__dataclass_params__
        assert params.eq and params.unsafe_hash and not params.frozen, cls
        assert "__setattr__" not in vars(cls), cls  # `self.x = x` in `__init__`, not `object.__setattr__`


def _frozen_twin(cls: type) -> type:
    """What `@dataclass(frozen=True)` made of `cls` before: the same fields, defaults, order."""
    fields = [
        (f.name, f.type, dataclasses.field(default=f.default, default_factory=f.default_factory))
        for f in dataclasses.fields(cls)
    ]
    return dataclasses.make_dataclass(cls.__name__, fields, frozen=True)


def _all_facts(value: object, found: list) -> None:
    if isinstance(value, tuple):
        for item in value:
            _all_facts(item, found)
    elif dataclasses.is_dataclass(value) and type(value) in FACT_CLASSES:
        found.append(value)
        for f in dataclasses.fields(value):
            _all_facts(getattr(value, f.name), found)


def _fixture_facts() -> list:
    found: list = []
    for path in sorted(CORPUS.rglob("*.ipynb")):
        notebook = read_notebook(path)
        if isinstance(notebook, Notebook):
            for ca in analyse_notebook(notebook).cells:
                _all_facts(ca.facts, found)
    return found


def test_facts_hash_compare_and_pickle_as_their_frozen_twins():
    twins = {cls: _frozen_twin(cls) for cls in FACT_CLASSES}
    facts = _fixture_facts()
    assert {type(f).__name__ for f in facts} >= {"NameRef", "ImportFact", "ArgFact", "CallFact", "StringFact", "CellFacts"}
    for fact in facts:
        values = {f.name: getattr(fact, f.name) for f in dataclasses.fields(fact)}
        twin = twins[type(fact)](**values)
        assert hash(fact) == hash(twin)
        assert repr(fact) == repr(twin)
        assert type(fact)(**values) == fact and not (type(fact)(**values) != fact)
        assert fact != twin  # another class: not equal, as between two dataclasses
        # The pickled state is the instance's dict, in field order, as the frozen class's was.
        assert list(fact.__reduce_ex__(4)[2].items()) == list(twin.__reduce_ex__(4)[2].items())
        again = pickle.loads(pickle.dumps(fact))
        assert again == fact and hash(again) == hash(fact)
    # Facts equal by value are one key of a set, whichever object made them.
    assert len({*facts, *(dataclasses.replace(f) for f in facts)}) == len(set(facts))


# Every refused write, also when the engine turns the error into a notebook's internal error.
_REFUSED: list[str] = []


def _refuse_rewrite(self, name, value):
    if name in self.__dict__:
        _REFUSED.append(f"{type(self).__name__}.{name}")
        raise AssertionError(f"{type(self).__name__}.{name} changed after it was made")
    object.__setattr__(self, name, value)


def _refuse_delete(self, name):
    _REFUSED.append(f"{type(self).__name__}.{name}")
    raise AssertionError(f"{type(self).__name__}.{name} deleted")


@pytest.fixture
def facts_refuse_writes(monkeypatch):
    _REFUSED.clear()
    for cls in FACT_CLASSES:
        monkeypatch.setattr(cls, "__setattr__", _refuse_rewrite, raising=False)
        monkeypatch.setattr(cls, "__delattr__", _refuse_delete, raising=False)
    yield _REFUSED


def test_the_guard_refuses_a_write(facts_refuse_writes):
    name = facts_module.NameRef("x", 1, 1)  # `__init__`'s own writes pass
    with pytest.raises(AssertionError, match="NameRef.line changed"):
        name.line = 2
    with pytest.raises(AssertionError):
        del name.column
    assert facts_refuse_writes == ["NameRef.line", "NameRef.column"]


def test_no_fact_changes_while_the_fixtures_are_audited(facts_refuse_writes, monkeypatch):
    monkeypatch.chdir(REPO)
    result = audit_paths([str(CORPUS)], load_settings(CORPUS / "pyproject.toml"))
    assert len(result.notebooks) > 50
    assert facts_refuse_writes == []


def test_no_fact_changes_in_the_rule_examples(facts_refuse_writes, tmp_path):
    ran = 0
    for rule in all_rules():
        for n, example in enumerate([*rule.passing, *rule.failing]):
            run_example(rule, example, tmp_path / f"{rule.code}-{n}")
            ran += 1
    assert ran > 500
    assert facts_refuse_writes == []
