"""Shared test set-up. Notebooks are built with `nbfactory` (tests/nbfactory.py: `write_notebook`,
`notebook_json`, `project`); the fixtures here are the ones more than one test file needs.

Fixtures keep module scope: each test file gets its own copy, as when each file built its own, so
a test that writes into a package (an MLflow store, a build folder) cannot affect another file.

`nbrefactor migrate` climbs the proof ladder by default (installs each package into an environment
of its own, imports it, runs its tests, its pipeline step by step, and verify): minutes per model,
and the default `clean` environments come from the package index. Tests of other features run
migrate with the ladder off (as `--no-prove`, whose outputs say the packages are not proven);
the ladder's own tests (tests/test_prove.py) turn it on, offline (`--prove-env current`).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("NBREFACTOR_PROVE", "0")

# Every server a test talks to is on this machine (an MLflow tracking server, a kfp.local run):
# a proxy named by the environment (a CI machine reaching its package registries through one) must
# never carry that traffic, or each request waits on the proxy and the MLflow client's retries.
_LOOPBACK = ("localhost", "127.0.0.1", "::1")
for _variable in ("NO_PROXY", "no_proxy"):
    _listed = [h for h in os.environ.get(_variable, "").split(",") if h.strip()]
    os.environ[_variable] = ",".join(_listed + [h for h in _LOOPBACK if h not in _listed])
# MLflow's usage telemetry posts to the internet from a thread of every process that imports it;
# the tests and the processes they start never do (it is also off where PYTEST_CURRENT_TEST is set,
# which a child started outside a test's call does not inherit).
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "notebooks"


@dataclass(frozen=True)
class MlflowServer:
    uri: str  # http://127.0.0.1:<port>
    artifacts: Path  # the server's --artifacts-destination


@pytest.fixture
def mlflow_server(tmp_path: Path):
    """A real MLflow tracking server on 127.0.0.1 (sqlite backend and an artifacts folder in
    tmp_path), answering /health before the test starts; stopped with its process group after.
    Used by the tests that need what only a server does (mlflow-artifacts:/ URIs, a run logged from
    another process)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    artifacts = tmp_path / "server-artifacts"
    server = subprocess.Popen(
        [sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--backend-store-uri", f"sqlite:///{tmp_path / 'server.db'}", "--artifacts-destination", str(artifacts)],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    uri = f"http://127.0.0.1:{port}"
    try:
        # A guard against a hang, not a speed test: start-up (imports, store migrations) took 94 s
        # at load average 11-13 on 2 cores.
        deadline = time.monotonic() + 240
        while True:
            try:
                with urllib.request.urlopen(uri + "/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None, "mlflow server exited"
            assert time.monotonic() < deadline, "mlflow server did not answer /health"
            time.sleep(0.5)
        yield MlflowServer(uri, artifacts)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


@pytest.fixture(scope="module")
def churn_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The churn fixture notebook, migrated in this process (used by the Dockerfile and MLflow tests)."""
    from nbrefactor.config import Settings
    from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths

    out = tmp_path_factory.mktemp("churn")
    results, _ = migrate_paths([str(CORPUS / "churn")], Settings(), MigrateOptions(out=out))
    assert [r.status for r in results] == ["migrated"]
    return out / "churn"


@pytest.fixture(scope="module")
def churn_runtime(churn_package: Path):
    """The churn package's `RUNTIME` (nbrefactor-runtime bound to it), imported from its `src/`
    (used by the runtime validation and drift tests)."""
    import importlib
    import sys

    old_path = list(sys.path)
    for key in [k for k in sys.modules if k == "churn" or k.startswith("churn.")]:
        del sys.modules[key]
    sys.path.insert(0, str(churn_package / "src"))
    try:
        yield importlib.import_module("churn.runtime").RUNTIME
    finally:
        sys.path[:] = old_path


@pytest.fixture(scope="module")
def report_corpus_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/reportcorpus.py's corpus migrated by the command line: packages, migration-report.json
    and the HTML report (used by the HTML report and browser tests)."""
    from nbrefactor.cli.app import main
    from reportcorpus import build_corpus

    root = build_corpus(tmp_path_factory.mktemp("corpus"))
    out = tmp_path_factory.mktemp("out")
    main(["migrate", str(root), "--out", str(out)])
    return out



@pytest.fixture(autouse=True, scope="session")
def _run_from_the_repository_root():
    """nbrefactor shows a path under the working folder relative to it (as ruff does), so a
    message a test expects would depend on where pytest was started: from /tmp, which holds
    `tmp_path`, every temporary path is shown relative. `.ci/run` starts pytest at the root; every
    run does, wherever it was started (tests that need another folder change to it and back)."""
    before = os.getcwd()
    os.chdir(ROOT)
    yield
    os.chdir(before)


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


# The test files that take longest, longest first (wall time measured one file at a time, in
# docs/testing.md). CI runs `-n auto --dist loadfile --no-loadscope-reorder`: the workers take whole
# files from one queue in collection order. xdist's default order (most tests first) put
# test_fidelity.py (one test, a third of the suite's CPU: ~100 models migrated, then each verified)
# last, running on alone at the end; collected first, it runs beside everything else and short
# files fill in at the end. xdist queues the next file
# behind a worker that has 2 tests or fewer left: the first file goes to one worker, the second to
# the other, and the third waits behind test_fidelity.py (its one test), so the third is a quick
# one (test_ipython.py: 134 tests, seconds). Tests inside a file keep their order; a file not named
# here keeps its place after these.
SLOWEST_FILES_FIRST = (
    "test_fidelity.py", "test_kfp.py", "test_ipython.py",
    "test_batch.py", "test_device_config.py", "test_drift_parameters.py", "test_generated_packages.py",
    "test_random_state.py", "test_compiler_fidelity.py", "test_mlflow_tracking.py", "test_chained_fit.py",
    "test_kfp_cluster.py", "test_prove.py", "test_dvc.py", "test_runtime_drift.py", "test_search_model.py",
    "test_verify.py", "test_credential_flow.py", "test_runtime_validation.py", "test_recorded_values.py",
    "test_report_browser.py", "test_verify_limits.py", "test_model_tracking.py", "test_verify_hermetic.py",
    "test_framework_flavours.py", "test_verify_chance.py", "test_verify_displays.py", "test_prove_cache.py",
    "test_golden_packages.py",
)


def pytest_terminal_summary(terminalreporter) -> None:
    """What a test recorded as its `summary` (`record_property("summary", text)`), at the end of the
    run: under pytest-xdist a test's own prints never reach this terminal, its properties do (the
    fidelity test's slowest models and the notebooks that failed while running)."""
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", None) != "call":
                continue
            for name, value in getattr(report, "user_properties", ()):
                if name == "summary":
                    terminalreporter.write_sep("-", f"{outcome}: {report.nodeid}")
                    terminalreporter.write_line(str(value))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {name: position for position, name in enumerate(SLOWEST_FILES_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # a stable sort
