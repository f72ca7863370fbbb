"""Session-wide test settings."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_result_cache(tmp_path_factory):
    """`nbrefactor audit` caches results in the user's cache directory; the tests (and the
    subprocesses they start, which inherit the environment) use a private one instead, so a run
    leaves nothing behind and never reads what another run wrote."""
    previous = os.environ.get("NBREFACTOR_CACHE_DIR")
    os.environ["NBREFACTOR_CACHE_DIR"] = str(tmp_path_factory.mktemp("nbrefactor-cache"))
    yield
    if previous is None:
        os.environ.pop("NBREFACTOR_CACHE_DIR", None)
    else:
        os.environ["NBREFACTOR_CACHE_DIR"] = previous
