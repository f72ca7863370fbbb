"""The cyclic garbage collector's thresholds for an audit, shared by the process entry point
(`cli.replay`) and the in-process audit (`cli.app.run_audit`); a leaf module, so neither imports
the other for it."""

from __future__ import annotations


def audit_gc_thresholds(thresholds: tuple[int, int, int]) -> tuple[int, int, int]:
    """The cyclic garbage collector's thresholds for an audit (`gc.set_threshold`), from the ones
    set before (`gc.get_threshold()`): a young collection every 10,000 new objects (twenty-fifth
    round and before), and one of the middle generation after 100 young ones, not 10 (thirty-second
    round: it holds what survived the young collections, most of it the run's memos, and each of its
    collections walked all that again; PythonDataScienceHandbook -j 1, 4 of the 54 collections,
    ~40 % of the collector's time). The oldest generation's as before."""
    return (10_000, max(thresholds[1], 100), thresholds[2])
