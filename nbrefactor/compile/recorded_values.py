"""The fingerprints of recorded values live in the runtime library (`nbrefactor_runtime.recorded`),
so the compiler that records a notebook's values (`verify --record`, rung 6 of the proof ladder) and
the generated tests that compare them run the same code: the runtime version the package pins and
the compiler vendors. This name stays for the compiler's callers."""

from __future__ import annotations

from nbrefactor_runtime.recorded import (
    ATOL,
    MAX_DEPTH,
    MAX_ITEMS,
    RTOL,
    SCHEMA,
    differences,
    fingerprint,
)

__all__ = ["ATOL", "MAX_DEPTH", "MAX_ITEMS", "RTOL", "SCHEMA", "differences", "fingerprint"]
