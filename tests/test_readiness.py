"""The readiness score never contradicts the status: the status decides the band, the findings left
and the review items where in it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nbrefactor.report.migration import readiness

ORDER = ["migrated", "migrated-with-review", "emitted", "blocked", "failed"]


def record(status: str, errors: int = 0, warnings: int = 0, infos: int = 0, review: int = 0, fixed: int = 0) -> dict:
    findings = [{"severity": s, "fingerprint": f"{s}{i}"} for s, n in (("error", errors), ("warning", warnings), ("info", infos)) for i in range(n)]
    findings += [{"severity": "error", "fingerprint": f"fixed{i}"} for i in range(fixed)]
    return {"status": status, "findings": findings, "fixed": {f"fixed{i}": {} for i in range(fixed)}, "review": [{}] * review}


counts = st.integers(min_value=0, max_value=30)


@settings(max_examples=200)
@given(counts, counts, counts, counts, counts, counts, counts, counts)
def test_a_better_status_always_scores_higher(e1, w1, i1, r1, e2, w2, i2, r2):
    for better, worse in zip(ORDER, ORDER[1:]):
        review_better = r1 if better != "migrated" else 0  # a clean migration has no review items
        high = readiness(record(better, e1, w1, i1, review_better))["score"]
        low = readiness(record(worse, e2, w2, i2, r2 if worse != "migrated" else 0))["score"]
        assert high > low, (better, worse, high, low)


def test_scores_by_hand():
    assert readiness(record("migrated"))["score"] == 100
    assert readiness(record("migrated", warnings=1))["score"] == 100 - 5
    assert readiness(record("migrated", errors=5))["score"] == 90  # floor of its band
    assert readiness(record("migrated-with-review", review=2))["score"] == 89 - 10
    assert readiness(record("blocked", errors=1))["score"] == 39 - 15
    assert readiness(record("blocked", errors=9))["score"] == 1
    assert readiness(record("failed"))["score"] == 0
    assert readiness(record("skipped"))["score"] == 0
    # fixed findings cost nothing; "unchanged" scores as the migration it repeats
    assert readiness(record("unchanged", fixed=4))["score"] == 100
    assert readiness(record("unchanged", review=1))["score"] == 89 - 5
