"""The installed distributions' listing begun in a forked process while the pool's warm-up goes on
(`distributions.list_installed_aside`, round 24): its answer is the listing this process would make,
in the same order; the store and the replay's recording events are as without it; a failed
process leaves the listing to this one; none is begun when nothing would be listed."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from nbrefactor.audit import distributions


@pytest.fixture
def listing(monkeypatch):
    """installed_distributions with nothing memoised or begun before or after, no store set."""
    from nbrefactor import fileio  # noqa: F401  (imported before sys.path is replaced)

    distributions.installed_distributions.cache_clear()
    distributions._listing_aside()
    monkeypatch.setattr(distributions, "INSTALLED_STORE", None)
    yield distributions
    distributions._listing_aside()
    distributions.installed_distributions.cache_clear()


def _fake_site(root: Path) -> Path:
    """A folder with three distributions: one naming its modules in RECORD only, one with
    top_level.txt, and two distributions sharing a top-level name (the order of their names shows)."""
    site = root / "site"
    for name, record, top_level in (
        ("zzq_plotlib-1.0", "zzq_pylab.py,,\nzzq_plotlib/__init__.py,,\n", None),
        ("zzq_b_extra-2.0", "zzq_shared/b.py,,\n", "zzq_shared\n"),
        ("zzq_a_core-3.0", "zzq_shared/__init__.py,,\n", None),
    ):
        info = site / f"{name}.dist-info"
        info.mkdir(parents=True)
        dist = name.split("-")[0].replace("_", "-")
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n", encoding="utf-8")
        (info / "RECORD").write_text(record + f"{info.name}/RECORD,,\n", encoding="utf-8")
        if top_level is not None:
            (info / "top_level.txt").write_text(top_level, encoding="utf-8")
    return site


def _refuse_here(monkeypatch):
    """From now on this process cannot list: an answer can only come from the other process."""

    def refuse(*args, **kwargs):
        raise AssertionError("listed in this process")

    monkeypatch.setattr(distributions, "_listed", refuse)
    monkeypatch.setattr(distributions, "_half_installed", refuse)


def test_the_listing_begun_aside_is_the_one_made_here_in_the_same_order(listing, monkeypatch):
    made_here = listing._listed()  # this environment's own distributions (~300 top-level names)
    listing.list_installed_aside()
    assert listing._ASIDE is not None
    _refuse_here(monkeypatch)
    found = listing.installed_distributions()
    assert list(found.items()) == list(made_here.items())
    assert listing._ASIDE is None  # the process was waited for


def test_with_a_store_the_aside_listing_is_kept_and_recorded_as_one_made_here(listing, monkeypatch, tmp_path):
    site = _fake_site(tmp_path)
    monkeypatch.setattr(sys, "path", [str(site)])
    events: list[str] = []
    monkeypatch.setattr(listing, "RECORDING", events.append)

    here_store = tmp_path / "here.json"
    monkeypatch.setattr(listing, "INSTALLED_STORE", here_store)
    made_here = listing.installed_distributions()
    assert made_here["zzq_shared"] == ("zzq-a-core", "zzq-b-extra") and made_here["zzq_pylab"] == ("zzq-plotlib",)
    assert events == ["listing", "stored"]

    events.clear()
    listing.installed_distributions.cache_clear()
    aside_store = tmp_path / "aside.json"
    monkeypatch.setattr(listing, "INSTALLED_STORE", aside_store)
    listing.list_installed_aside()
    assert listing._ASIDE is not None
    _refuse_here(monkeypatch)
    assert list(listing.installed_distributions().items()) == list(made_here.items())
    assert events == ["listing", "stored"]
    assert aside_store.read_bytes() == here_store.read_bytes()


def test_a_half_installed_distribution_seen_aside_keeps_the_listing_out_of_the_store(listing, monkeypatch, tmp_path):
    site = _fake_site(tmp_path)
    (site / "zzq_plotlib-1.0.dist-info" / "RECORD").unlink()  # being installed: RECORD comes last
    monkeypatch.setattr(sys, "path", [str(site)])
    store = tmp_path / "installed.json"
    monkeypatch.setattr(listing, "INSTALLED_STORE", store)
    events: list[str] = []
    monkeypatch.setattr(listing, "RECORDING", events.append)
    listing.list_installed_aside()
    _refuse_here(monkeypatch)
    assert "zzq_pylab" not in listing.installed_distributions()
    assert events == ["listing", "not stored"] and not store.exists()


def test_a_failed_listing_process_leaves_the_listing_to_this_one(listing, monkeypatch, tmp_path):
    site = _fake_site(tmp_path)
    monkeypatch.setattr(sys, "path", [str(site)])
    parent = os.getpid()
    real = listing._listed

    def fails_in_the_other_process():
        if os.getpid() != parent:
            raise MemoryError
        return real()

    monkeypatch.setattr(listing, "_listed", fails_in_the_other_process)
    listing.list_installed_aside()
    assert listing._ASIDE is not None
    assert listing.installed_distributions()["zzq_pylab"] == ("zzq-plotlib",)


def test_none_is_begun_when_nothing_would_be_listed(listing, monkeypatch, tmp_path):
    site = _fake_site(tmp_path)
    monkeypatch.setattr(sys, "path", [str(site)])
    listing.installed_distributions()  # memoised: the next call lists nothing
    listing.list_installed_aside()
    assert listing._ASIDE is None

    store = tmp_path / "installed.json"
    monkeypatch.setattr(listing, "INSTALLED_STORE", store)
    listing.installed_distributions.cache_clear()
    listing.installed_distributions()  # listed and kept
    assert json.loads(store.read_text(encoding="utf-8"))["listing"]
    listing.installed_distributions.cache_clear()
    listing.list_installed_aside()  # kept for this environment: read, not listed
    assert listing._ASIDE is None


def test_the_pool_warm_up_begins_the_listing_first_and_takes_it_last(listing, monkeypatch):
    """The order that makes it pay: begun before the rules are imported, taken after the warm-up
    audit, so the other process lists while this one does all the rest of the warm-up."""
    from nbrefactor.audit import engine, rules
    from nbrefactor.config import Settings

    calls: list[str] = []
    real_aside, real_taken, real_rules = listing.list_installed_aside, listing._listing_aside, rules.all_rules
    real_audit = engine.audit_notebook
    monkeypatch.setattr(listing, "list_installed_aside", lambda: (calls.append("begun"), real_aside())[1])
    monkeypatch.setattr(listing, "_listing_aside", lambda: (calls.append("taken"), real_taken())[1])
    monkeypatch.setattr(rules, "all_rules", lambda: (calls.append("rules"), real_rules())[1])
    monkeypatch.setattr(engine, "audit_notebook", lambda *args: (calls.append("warm-up audit"), real_audit(*args))[1])
    engine._warm_up(Settings())
    assert [c for c in calls if c != "rules"] == ["begun", "warm-up audit", "taken"] and calls[1] == "rules"
    assert listing._ASIDE is None and listing.installed_distributions.cache_info().currsize == 1
