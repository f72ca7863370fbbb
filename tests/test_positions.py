"""`node_positions` (analysis' own position pass) must give libcst's `PositionProvider` ranges,
node for node: every line and column in a finding comes from it. The oracle is libcst's provider
run through its public `MetadataWrapper`, over hand-picked edge cases and every code cell of the
fixture corpus."""

from __future__ import annotations

import re

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from nbrefactor.audit.analysis import analyse_cell, node_positions
from nbrefactor.audit.types import Cell

from fixture_cells import masked_code_sources

EDGE_CASES = [
    "",
    "\n",
    "x = 1",  # no trailing newline
    "x = 1\r\ny = (2,\r\n 3)\rz = 4\n",  # Windows and old-Mac line breaks
    "def f():\n\tif x:\n\t\treturn 'a\\\nb'\n",  # tabs, a backslash continuation inside a string
    '"""doc\nstring"""\nf(x,\n  y)  # comment\n',
    "total = (1 +\n         2) \\\n    + 3\n",
    "class A:\n    def m(self):\n        pass\n\n\n# trailing comment",
    "é = 'ü'; print(f'{é!r:>{10}}')\n",  # non-ASCII: columns count characters
    "match p:\n    case [1, *rest]:\n        pass\n    case {'k': v, **kw}:\n        pass\n",
]


def libcst_positions(module: cst.Module) -> dict:
    ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    # keyed as `node_positions` keys them: by the node's identity
    return {id(node): (r.start.line, r.start.column, r.end.line, r.end.column) for node, r in ranges.items()}


def corpus_cells() -> list[str]:
    return masked_code_sources()


@pytest.mark.parametrize("source", EDGE_CASES)
def test_edge_cases_match_position_provider(source):
    module = cst.parse_module(source)
    assert node_positions(module) == libcst_positions(module)


def test_every_fixture_cell_matches_position_provider():
    compared = 0
    for source in corpus_cells():
        try:
            module = cst.parse_module(source)
        except cst.ParserSyntaxError:
            continue
        assert node_positions(module) == libcst_positions(module), source
        compared += 1
    assert compared > 100  # the corpus really was read


def test_positions_in_facts_are_one_based_columns_in_characters():
    # Written by hand: `é` (read, not bound here) is one character but two UTF-8 bytes.
    facts = analyse_cell(Cell(1, "code", "s = 'é'\nprint(é, 'x')\n")).facts
    assert [(r.name, r.line, r.column) for r in facts.reads] == [("print", 2, 1), ("é", 2, 7)]
    call = facts.calls[0]
    assert (call.line, call.column, call.end_line) == (2, 1, 2)
    assert [(a.line, a.column) for a in call.args] == [(2, 7), (2, 10)]


def test_child_nodes_are_libcsts_children_in_order_without_whitespace():
    from nbrefactor.audit.analysis import _INERT, child_nodes

    compared = 0
    for source in [*EDGE_CASES, *corpus_cells(), "y = a if b else c\nd = {k: v for k, v in e if k}\n"]:
        try:
            module = cst.parse_module(source)
        except cst.ParserSyntaxError:
            continue
        positions = node_positions(module)
        stack: list[cst.CSTNode] = [module]
        while stack:
            node = stack.pop()
            expected = [c for c in node.children if not isinstance(c, _INERT)]
            assert [id(c) for c in child_nodes(node, positions)] == [id(c) for c in expected], (type(node).__name__, source)
            stack.extend(node.children)
            compared += 1
    assert compared > 10_000


def test_function_locals_cover_every_binding_form():
    # Written by hand from Python's scoping rules: what the body binds (so reads of it are local),
    # minus `global g`; lambda and comprehension variables belong to their own scopes.
    from nbrefactor.audit.analysis import _assigned_names

    source = (
        "def f(a):\n    global g\n    g = 1\n    x, *y = z\n    [w for w in q]\n    lambda u: u\n"
        "    import os.path\n    from m import n as o\n    with p as (r, s): pass\n    for t in v: pass\n"
        "    try: pass\n    except E as e: pass\n    match k:\n        case [h, *rest]: pass\n"
        "        case {'a': aa, **kw}: pass\n        case Pt(x=xx) as pt: pass\n    class C: pass\n"
        "    def g2(): inner = 1\n    (ww := 3)\n    i += 1\n    j: int = 2\n    obj.attr = 5\n"
    )
    function = cst.parse_module(source).body[0]
    assert _assigned_names(function.body) == {
        "x", "y", "os", "o", "r", "s", "t", "e", "h", "rest", "aa", "kw", "xx", "pt", "C", "g2", "ww", "i", "j",
    }


_EXCEPT_SPACE = re.compile(r"^(\s*except\b[^\n]*?)[ \t]+:", re.M)


def test_the_unvalidated_parse_builds_the_same_tree_and_puts_validation_back():
    """`_parse_module` skips libcst's per-node validation while the native parser builds the
    tree: the same tree (`deep_equals`, same code, same positions), and validation is on again
    afterwards, also after a syntax error."""
    from nbrefactor.audit.analysis import _parse_module

    compared = 0
    for source in [*EDGE_CASES, *corpus_cells()]:
        try:
            expected = cst.parse_module(source)
        except cst.ParserSyntaxError:
            with pytest.raises(cst.ParserSyntaxError):
                _parse_module(source)
            continue
        module = _parse_module(source)
        assert module.deep_equals(expected) and module.code == expected.code, source
        # libcst's own round trip, which the compiler relies on; its one known gap (libcst 1.9) is
        # the space in `except E :`, which its ExceptHandler does not keep (a fair check 16 fixture).
        assert expected.code == source or _EXCEPT_SPACE.sub(r"\1:", source) == expected.code, source
        assert list(node_positions(module).values()) == list(node_positions(expected).values()), source
        compared += 1
    assert compared > 100
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")  # a node built by hand is checked again
    with pytest.raises(cst.CSTValidationError):
        cst.Integer("1.5")
