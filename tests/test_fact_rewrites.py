"""Cheaper computations of the facts (issue 15, twenty-third round) against the ones they replaced,
on every cell of the fixture corpus: `CallFact.arg` without a set made per call, and a call's
receiver cut from its dotted callee instead of read from the tree again. (`_Call`'s one `ArgFact`
per argument is compared with libcst's facts by tests/test_ast_facts.py.)"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterable, Optional

from nbrefactor.audit.analysis import analyse_notebook, cell_python_tree
from nbrefactor.audit.facts import ArgFact, CallFact, dotted_name, nodes_of
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.types import Notebook

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks"


def _cells():
    for path in sorted(CORPUS.rglob("*.ipynb")):
        notebook = read_notebook(path)
        if isinstance(notebook, Notebook):
            yield from analyse_notebook(notebook).cells


def _arg_before(call: CallFact, position: Optional[int], keywords: Iterable[str] = ()) -> Optional[ArgFact]:
    """`CallFact.arg` as it was."""
    keys = set(keywords)
    for a in call.args:
        if a.keyword is not None and a.keyword in keys:
            return a
    if position is not None:
        for a in call.args:
            if a.position == position:
                return a
    return None


def test_call_arg_answers_as_the_set_lookup():
    asked = 0
    for ca in _cells():
        for call in ca.facts.calls:
            given = [a.keyword for a in call.args if a.keyword is not None]
            for keywords in ((), tuple(given), tuple(reversed(given)), ("nope", *given[:1]), ["nope"], frozenset(given)):
                for position in (None, 0, 1, 5):
                    assert call.arg(position, keywords) is _arg_before(call, position, keywords)
                    asked += 1
            # an iterator is read once, as the set made of it was
            assert call.arg(None, iter(given)) is _arg_before(call, None, given)
            assert call.arg(None, (k for k in given)) is _arg_before(call, None, given)
    assert asked > 10_000


def test_receiver_is_the_callee_without_its_last_name():
    """Each call fact's receiver is `dotted_name(func.value)` of a call starting where it does
    (ASCII cells: CPython's columns are the facts' there; `f()()` has two calls at one place)."""
    seen = 0
    for ca in _cells():
        tree = cell_python_tree(ca)
        if tree is None or not ca.masked.python.isascii():
            continue
        expected: dict[tuple[int, int], list[tuple[str, str]]] = {}
        for node in nodes_of(tree, ast.Call):
            receiver = dotted_name(node.func.value) if isinstance(node.func, ast.Attribute) else ""
            expected.setdefault((node.lineno, node.col_offset + 1), []).append((dotted_name(node.func), receiver))
        for call in ca.facts.calls:
            assert (call.func, call.receiver) in expected[(call.line, call.column)], (ca.masked.python, call)
            seen += 1
    assert seen > 1_000
