"""Session-wide test settings.

`nbrefactor migrate` climbs the proof ladder by default (installs each package into an environment
of its own, imports it, runs its tests, its pipeline step by step, and verify): minutes per model,
and the default `clean` environments come from the package index. Tests of other features run
migrate with the ladder off (as `--no-prove`, whose outputs say the packages are not proven);
the ladder's own tests (tests/test_prove.py) turn it on, offline (`--prove-env current`).
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("NBREFACTOR_PROVE", "0")


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
