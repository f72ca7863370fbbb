"""benchmarks/bench_peers.py runs its commands in an order rotated from repeat to repeat
(docs/benchmarks.md, fourteenth round): a fixed order let a falling load favour whichever command ran
first in each repeat (the thirteenth round's row)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _bench_peers():
    sys.path.insert(0, str(BENCH))  # bench_peers imports its sibling synth.py
    try:
        spec = importlib.util.spec_from_file_location("bench_peers_under_test", BENCH / "bench_peers.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


def test_every_repeat_runs_every_command_once():
    rotations = _bench_peers().rotations
    names = [f"c{i}" for i in range(8)]
    for repeat in (1, 2, 3, 5, 8, 11):
        orders = rotations(names, repeat)
        assert len(orders) == repeat
        assert all(sorted(order) == sorted(names) for order in orders)


def test_no_command_always_runs_first():
    rotations = _bench_peers().rotations
    names = [f"c{i}" for i in range(8)]
    for repeat in (2, 3, 5, 8):
        firsts = [order[0] for order in rotations(names, repeat)]
        assert len(set(firsts)) == repeat  # a different command first in every repeat
    assert {order[0] for order in rotations(names, 8)} == set(names)  # each first once
    # Each command's place moves: with 3 repeats of 8 commands, no command keeps its place.
    orders = rotations(names, 3)
    assert all(len({order.index(name) for order in orders}) == 3 for name in names)


def test_small_lists():
    rotations = _bench_peers().rotations
    assert rotations([], 2) == [[], []]
    assert rotations(["a"], 3) == [["a"], ["a"], ["a"]]
    assert rotations(["a", "b", "c"], 5) == [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"], ["a", "b", "c"], ["b", "c", "a"]]
