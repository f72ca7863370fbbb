"""The download catalogue (rules/downloads.toml): each entry's consequence and fix travel with the
fetches that entry finds (`downloads.FetchKind`), so an entry's own sentence is said of its
findings only, even when other entries share its `what` (it was once looked up by the `what` text,
and a shap-specific sentence could have reached torchvision's CIFAR10). The code names entries by
their `id`, which stays when a message's wording changes."""

import tomllib
from collections import Counter
from pathlib import Path

from nbrefactor.audit.catalog import Catalog
from nbrefactor.audit.rules import downloads

CATALOGUE = Path(__file__).resolve().parent.parent / "rules" / "downloads.toml"
GENERAL_CONSEQUENCE = "the input is whatever the remote side serves on the day"


def _entries() -> list[dict]:
    data = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    return [*data.get("call", ()), *data.get("shell_fetch", ()), *data.get("method", ()), *data.get("chain", ())]


def test_no_two_entries_share_an_id() -> None:
    ids = Counter(str(e["id"]) for e in _entries() if "id" in e)
    assert ids and [i for i, n in ids.items() if n > 1] == []


def test_an_entry_with_its_own_consequence_or_fix_has_an_id() -> None:
    assert [e.get("what") for e in _entries() if ("consequence" in e or "fix" in e) and not e.get("id")] == []


def test_the_metric_id_the_code_names_is_the_metric_entry() -> None:
    # PTH007 groups metrics and folds the canonical ones into one pin by this id: renaming it in
    # the catalogue alone would silently end that.
    named = [e for e in _entries() if e.get("id") == downloads._METRIC_ID]
    assert len(named) == 1 and "evaluate.load" in named[0]["calls"]


def test_a_consequence_reaches_only_its_own_entry_even_under_a_shared_what() -> None:
    # Two made-up entries sharing a `what`, the second with its own consequence and fix.
    built = downloads._build(Catalog({"downloads": {"call": [
        {"calls": ["lib_a.fetch"], "what": "downloads a dataset"},
        {"calls": ["lib_b.fetch"], "what": "downloads a dataset", "id": "lib-b", "consequence": "b's own", "fix": "b's fix"},
    ], "shell_fetch": [{"program": "git clone", "what": "clones a repository"}]}}))
    plain, own = (c.kind for c in built.calls)
    assert (plain.what, plain.consequence, plain.id) == ("downloads a dataset", GENERAL_CONSEQUENCE, "")
    assert (own.what, own.consequence, own.fix, own.id) == ("downloads a dataset", "b's own", "b's fix", "lib-b")
    assert built.shell_kind(("git", "clone")).what == "clones a repository"
    assert built.shell_kind(("gdown",)).what == "downloads data in a shell command"
