"""verify's verdicts beyond "values match": a check that compared nothing is NOT VERIFIED, an
unseeded notebook is its own verdict (run twice, no seeding unless --seed), install lines are not
executed and the network is blocked for both sides, printed text and written files are compared,
and the final value of every name a step returns is compared at the end.

Real kernels (nbclient + ipykernel), real subprocesses; hand-written packages obeying the plan
contract, so each expectation is written here, not computed by the code under test.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest

from nbrefactor.cli.app import main
from nbrefactor.verify.runner import MATCHED, MISMATCHED, NONDETERMINISTIC, SKIPPED, hermetic_env, hermetic_source, render_text, verify
from deadlines import HANG_GUARD


def write_notebook(path: Path, cells: list[str]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i + 1}"
    path.write_text(nbformat.writes(nb), encoding="utf-8")


def write_package(root: Path, name: str, steps: list[dict], pipeline: str, final: list[str]) -> Path:
    plan = {"schema": "nbrefactor-plan/1", "model": name, "package": name, "notebooks": ["nb.ipynb"], "steps": steps, "final": final}
    (root / ".nbrefactor").mkdir(parents=True)
    (root / ".nbrefactor" / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    (root / "src" / name).mkdir(parents=True)
    (root / "src" / name / "__init__.py").write_text("", encoding="utf-8")
    (root / "src" / name / "pipeline.py").write_text(pipeline, encoding="utf-8")
    return root


def test_a_check_that_compared_nothing_is_not_verified_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    write_notebook(folder / "nb.ipynb", ["1 + 1"])  # displays, binds nothing, writes nothing
    package = write_package(
        tmp_path / "out" / "empty", "empty",
        [{"name": "only", "notebook": "nb.ipynb", "cells": [1], "outputs": []}],
        "def run(cfg=None, on_step=None):\n    on_step('only', {})\n    return {}\n",
        [],
    )
    code = main(["verify", str(folder / "nb.ipynb"), str(package), "--once", "--timeout", "120"])
    out = capsys.readouterr().out
    assert code == 1
    assert "NOT VERIFIED: nothing was compared" in out
    assert "0 matched" in out


def test_unseeded_notebook_is_reported_nondeterministic_and_seed_makes_it_verifiable(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    write_notebook(folder / "nb.ipynb", ["import random\ndraw = random.random()", "total = 1 + 2"])
    steps = [
        {"name": "draw_step", "notebook": "nb.ipynb", "cells": [1], "outputs": ["draw"]},
        {"name": "add", "notebook": "nb.ipynb", "cells": [2], "outputs": ["total"]},
    ]
    pipeline = (
        "import random\n"
        "def run(cfg=None, on_step=None):\n"
        "    draw = random.random()\n"
        "    on_step('draw_step', {'draw': draw})\n"
        "    total = 1 + 2\n"
        "    on_step('add', {'total': total})\n"
        "    return {'total': total}\n"
    )
    package = write_package(tmp_path / "out" / "dice", "dice", steps, pipeline, ["total"])

    report = verify(folder / "nb.ipynb", package, timeout=HANG_GUARD)
    assert report.seed is None and report.notebook_runs == 2
    assert report.check("draw_step", "draw").status == NONDETERMINISTIC, render_text(report)
    assert report.check("add", "total").status == MATCHED
    assert not report.ok
    assert report.verdict.startswith("NOT VERIFIED: the notebook itself")

    seeded = verify(folder / "nb.ipynb", package, timeout=HANG_GUARD, seed=3)
    assert seeded.check("draw_step", "draw").status == MATCHED, render_text(seeded)
    assert seeded.ok and "seeded with --seed 3" in render_text(seeded)


def test_install_lines_are_not_executed_and_the_network_is_blocked_in_the_kernel(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    probe = (
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('192.0.2.1', 80), timeout=5)\n"
        "    outcome = 'connected'\n"
        "except OSError as exc:\n"
        "    outcome = 'blocked' if 'network blocked by nbrefactor verify' in str(exc) else 'other: %s' % exc\n"
    )
    write_notebook(folder / "nb.ipynb", ["!pip install definitely-not-a-real-distribution-nbrefactor\nx = 1", "%pip install also-not-real\ny = x + 1", probe])
    steps = [
        {"name": "a", "notebook": "nb.ipynb", "cells": [1, 2], "outputs": ["y"]},
        {"name": "b", "notebook": "nb.ipynb", "cells": [3], "outputs": ["outcome"]},
    ]
    pipeline = (
        "import socket\n"
        "def run(cfg=None, on_step=None):\n"
        "    on_step('a', {'y': 2})\n"
        "    try:\n"
        "        socket.create_connection(('192.0.2.1', 80), timeout=5)\n"
        "        outcome = 'connected'\n"
        "    except OSError as exc:\n"
        "        outcome = 'blocked' if 'network blocked by nbrefactor verify' in str(exc) else 'other: %s' % exc\n"
        "    on_step('b', {'outcome': outcome})\n"
        "    return {'outcome': outcome}\n"
    )
    package = write_package(tmp_path / "out" / "net", "net", steps, pipeline, ["outcome"])
    report = verify(folder / "nb.ipynb", package, timeout=HANG_GUARD, repeat=False)
    text = render_text(report)
    assert report.errors == (), text
    # Both sides saw the block (the package's 'blocked' matched the notebook's 'blocked').
    assert report.check("b", "outcome").status == MATCHED, text
    assert report.check("b", "outcome").notebook == "str 'blocked'"
    assert [line.split(": ", 1)[1] for line in report.not_executed] == [
        "!pip install definitely-not-a-real-distribution-nbrefactor",
        "%pip install also-not-real",
    ]
    assert "not executed (a requirement, not a computation)" in text and report.ok


def test_hermetic_source_keeps_line_numbers_and_indentation() -> None:
    source = "import os\nif True:\n    !pip install torch\n!apt-get install -y libgl1\nprint('pip install is just text')\n!sudo apt install x"
    cleaned, removed = hermetic_source(source)
    lines = cleaned.split("\n")
    assert len(lines) == 6
    assert lines[2].startswith("    pass  # nbrefactor verify")
    assert lines[3].startswith("pass  #") and lines[5].startswith("pass  #")
    assert lines[4] == "print('pip install is just text')"
    assert removed == ["!pip install torch", "!apt-get install -y libgl1", "!sudo apt install x"]


def test_network_guard_blocks_remote_connections_and_lookups_but_not_loopback(tmp_path: Path) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    threading.Thread(target=lambda: server.accept()[0].close(), daemon=True).start()
    env, _ = hermetic_env({k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, tmp_path / "hermetic")
    code = (
        "import socket, urllib.request\n"
        f"socket.create_connection(('127.0.0.1', {port}), timeout=5).close()\n"
        "for target in (lambda: socket.create_connection(('192.0.2.1', 443), timeout=5), lambda: socket.getaddrinfo('pypi.org', 443)):\n"
        "    try:\n"
        "        target()\n"
        "        print('REACHED')\n"
        "    except OSError as exc:\n"
        "        print('blocked' if 'network blocked' in str(exc) else 'other')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    server.close()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["blocked", "blocked"]


def test_cloud_tools_make_one_attempt_when_the_network_is_blocked(tmp_path: Path) -> None:
    """gsutil retried a refused connection 13 times over 6 minutes, so a fixture's `!gsutil cp`
    ran into verify's time limit on both sides: the hermetic environment tells the cloud tools
    (gsutil via its boto config, aws, gcloud, wget) to try once."""
    import configparser

    env, description = hermetic_env({"PATH": "/usr/bin:/bin"}, tmp_path / "hermetic")
    boto = configparser.ConfigParser()
    assert boto.read(env["BOTO_CONFIG"]) == [env["BOTO_CONFIG"]]
    assert boto.getint("Boto", "num_retries") == 0 and boto.getint("Boto", "max_retry_delay") >= 1
    assert env["AWS_MAX_ATTEMPTS"] == "1" and env["AWS_EC2_METADATA_DISABLED"] == "true"
    assert env["CLOUDSDK_CORE_DISABLE_PROMPTS"] == "1"
    assert "tries = 1" in Path(env["WGETRC"]).read_text().splitlines()
    assert "one attempt" in description


def test_the_mlflow_client_gives_up_after_two_quick_retries_when_the_network_is_blocked(tmp_path: Path) -> None:
    """A notebook that logs to a remote tracking server (fixture team_tracking) spent 253 s in the
    MLflow client's default retries on each side before failing as it must without the network.
    Here the proxy the hermetic environment names is replaced by a local one that answers every
    request 503 and counts them: the client asks three times (one attempt, two retries), not eight."""
    import http.server

    asked = []

    class Unavailable(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            asked.append(self.path)
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args):
            pass

    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Unavailable)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    env, description = hermetic_env({k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, tmp_path / "hermetic")
    for name in ("http_proxy", "HTTP_PROXY"):
        env[name] = f"http://127.0.0.1:{proxy.server_address[1]}"
    code = (
        "import mlflow\n"
        "try:\n"
        "    mlflow.MlflowClient('http://mlflow.team.example.org:5000').search_experiments()\n"
        "    print('REACHED')\n"
        "except Exception as exc:\n"
        "    print('failed', type(exc).__name__)\n"
    )
    try:
        result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    finally:
        proxy.shutdown()
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[:1] == ["failed"], result.stdout
    assert len(asked) == 3, asked
    assert "MLflow client" in description


def test_printed_text_written_files_and_late_in_place_changes_are_compared(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    write_notebook(folder / "nb.ipynb", [
        "values = [3, 1, 2]\nprint('loaded', len(values))",
        "values.sort()\nwith open('out.txt', 'w') as f:\n    f.write(','.join(map(str, values)))\nwith open('only_nb.txt', 'w') as f:\n    f.write('x')",
        "values.append(10)",  # an in-place change after the last step that returns `values`
    ])
    steps = [
        {"name": "load", "notebook": "nb.ipynb", "cells": [1], "outputs": ["values"]},
        {"name": "save", "notebook": "nb.ipynb", "cells": [2, 3], "outputs": []},
    ]
    pipeline = (
        "def run(cfg=None, on_step=None):\n"
        "    values = [3, 1, 2]\n"
        "    print('loaded', len(values), 'rows')\n"  # prints something else
        "    on_step('load', {'values': values})\n"
        "    values.sort()\n"
        "    with open('out.txt', 'w') as f:\n"
        "        f.write(','.join(map(str, values)) + ',')\n"  # writes something else
        "    on_step('save', {})\n"  # and forgets the append and only_nb.txt
        "    return {}\n"
    )
    package = write_package(tmp_path / "out" / "sorter", "sorter", steps, pipeline, [])
    report = verify(folder / "nb.ipynb", package, timeout=HANG_GUARD, repeat=False)
    text = render_text(report)
    assert report.errors == (), text
    assert report.check("load", "values").status == MATCHED  # equal at the boundary
    final = report.check("final", "values")
    assert final.status == MISMATCHED and final.path == "values" and "length" in final.reason, text
    printed = report.check("printed", "stdout of step load")
    assert printed.status == MISMATCHED and "'loaded 3'" in printed.reason and "'loaded 3 rows'" in printed.reason
    assert report.check("files", "out.txt").status == MISMATCHED
    assert "'1,2,3'" in report.check("files", "out.txt").reason
    assert report.check("files", "only_nb.txt").reason == "the notebook wrote this file; the package did not"
    assert report.verdict == "FAILED"


def test_volatile_files_are_skipped_with_their_reason(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    write_notebook(folder / "nb.ipynb", ["import os, time\nos.makedirs('mlruns', exist_ok=True)\nopen('mlruns/meta.yaml', 'w').write(str(time.time()))\nopen('train.log', 'w').write(str(time.time()))\nn = 5"])
    package = write_package(
        tmp_path / "out" / "vol", "vol",
        [{"name": "only", "notebook": "nb.ipynb", "cells": [1], "outputs": ["n"]}],
        "def run(cfg=None, on_step=None):\n    on_step('only', {'n': 5})\n    return {'n': 5}\n",
        ["n"],
    )
    report = verify(folder / "nb.ipynb", package, timeout=HANG_GUARD, repeat=False)
    assert report.check("files", "mlruns/meta.yaml").status == SKIPPED
    assert "MLflow" in report.check("files", "mlruns/meta.yaml").reason
    assert report.check("files", "train.log").status == SKIPPED
    assert report.ok, render_text(report)


def test_printed_text_rules_without_a_kernel() -> None:
    """Timing lines of %time are the magic's, not the computation's; a package that prints part of
    what the notebook printed, in order, matched (the rest is named); anything else is a mismatch."""
    from nbrefactor.verify.runner import PlanStep, _compare_printed

    step = PlanStep("s", "m.steps", "s", "nb.ipynb", (1, 2), (), ())
    outputs = {"nb.ipynb": {"1": {"stdout": "CPU times: user 1 ms, sys: 0 ns\nWall time: 2 ms\nrows 3\n", "display": ""}, "2": {"stdout": "<class 'DataFrame'>\nacc 0.9\n", "display": ""}}}

    def check(printed: str):
        [result] = _compare_printed([step], outputs, [{"event": "step", "step": "s", "stdout": printed}])
        return result

    assert check("rows 3\n<class 'DataFrame'>\nacc 0.9\n").status == MATCHED
    partial = check("rows 3\nacc 0.9\n")
    assert partial.status == MATCHED and partial.skipped_parts[0].startswith("1 lines the notebook printed that the package does not print")
    assert "<class 'DataFrame'>" in partial.skipped_parts[0]
    wrong = check("rows 3\nacc 0.8\n")
    assert wrong.status == MISMATCHED and wrong.reason == "printed text differs at the package's line 2: package 'acc 0.8', where the notebook printed \"<class 'DataFrame'>\""
    nothing = check("")  # nothing printed: nothing compared, so neither a match nor a mismatch
    assert nothing.status == SKIPPED and nothing.reason.startswith("the package printed nothing in this step; the notebook printed 3 lines")


def test_text_that_is_volatile_through_and_through_is_skipped_never_matched(tmp_path: Path) -> None:
    """A step that printed only a `%time` report, a cell that displayed only a timestamp, a file
    that holds only a timestamp: once masked, both sides are equal because nothing is left, and
    equal-on-nothing is not a match (before, such a step was MATCHED on 0 lines)."""
    from nbrefactor.verify.runner import PlanStep, _compare_displayed, _compare_printed, _same_file

    step = PlanStep("s", "m.steps", "s", "nb.ipynb", (1,), (), ())
    outputs = {"nb.ipynb": {"1": {"stdout": "CPU times: user 1 ms, sys: 0 ns\nWall time: 2 ms\n", "result": "2026-12-04 19:30:00"}}}
    [printed] = _compare_printed([step], outputs, [{"event": "step", "step": "s", "stdout": "CPU times: user 3 ms, sys: 0 ns\nWall time: 5 ms\n"}])
    assert printed.status == SKIPPED and printed.reason.startswith("all 2 lines printed in this step are volatile (first: 'CPU times: user 1 ms")
    # one line that is not volatile is enough to compare, and to match
    outputs["nb.ipynb"]["1"]["stdout"] += "rows 3\n"
    [compared] = _compare_printed([step], outputs, [{"event": "step", "step": "s", "stdout": "Wall time: 5 ms\nrows 3\n"}])
    assert compared.status == MATCHED
    shown = {"event": "step", "step": "s", "displays": [{"cell": 1, "text": "2026-12-04 19:31:07"}]}
    [display] = _compare_displayed([step], outputs, [shown], 1e-7, 0.0)
    assert display.status == SKIPPED and "only volatile text" in display.reason
    shown["displays"][0]["text"] = "2026-12-04 19:31:07 rows 3"
    [other] = _compare_displayed([step], outputs, [shown], 1e-7, 0.0)
    assert other.status == MISMATCHED
    (tmp_path / "a.txt").write_text("written at 2026-12-04 19:30:00\n")
    (tmp_path / "b.txt").write_text("written at 2026-12-04 19:31:07\n")
    assert _same_file(tmp_path / "a.txt", tmp_path / "b.txt", 1e-7, 0.0)[0] == MATCHED  # "written at" was compared
    (tmp_path / "a.txt").write_text("2026-12-04 19:30:00\n")
    (tmp_path / "b.txt").write_text("2026-12-04 19:31:07\n")
    assert _same_file(tmp_path / "a.txt", tmp_path / "b.txt", 1e-7, 0.0) == (SKIPPED, "the file holds only volatile text (timestamps, addresses; docs/verify.md): nothing compared")

def test_a_step_that_reads_the_clock_does_not_compare_lines_that_differ_only_in_numbers() -> None:
    """Stop 39's CI: a loader benchmark printed '0.002 s' in the notebook and '0.005 s' in the
    package on a loaded machine, and a faithful package FAILED. In a step whose cells read the
    clock, such lines are named as not compared; its other lines are still compared, and a step
    with nothing else is skipped, never matched."""
    from nbrefactor.verify.runner import PlanStep, _compare_printed

    step = PlanStep("bench", "m.steps", "bench", "nb.ipynb", (1,), (), ())
    outputs = {"nb.ipynb": {"1": {"stdout": "rows 32\n0.002 s\n", "display": ""}}}
    timed = {"bench": "time()"}

    def check(printed: str, clocks=timed):
        [result] = _compare_printed([step], outputs, [{"event": "step", "step": "bench", "stdout": printed}], clocks)
        return result

    slower = check("rows 32\n0.005 s\n")
    assert slower.status == MATCHED and len(slower.skipped_parts) == 1
    assert slower.skipped_parts[0].startswith("1 timing lines differ only in their numbers, in a step whose cells read the clock (time())")
    assert "'0.002 s'" in slower.skipped_parts[0] and "'0.005 s'" in slower.skipped_parts[0]
    # the line that is not a timing is still compared, though it differs only in a number
    assert check("rows 31\n0.005 s\n").status == MISMATCHED
    # a bare number is a result, clock or not: `print(round(sample.mean(), 3))` beside a `%timeit`
    # (stop 40's CI: an unseeded mean, '0.026' in the notebook, '-0.009' in the package)
    bare = PlanStep("b", "m.steps", "b", "nb.ipynb", (3,), (), ())
    outputs["nb.ipynb"]["3"] = {"stdout": "0.026\n", "display": ""}
    [number] = _compare_printed([bare], outputs, [{"event": "step", "step": "b", "stdout": "-0.009\n"}], {"b": "%timeit"})
    assert number.status == MISMATCHED
    # text that differs in more than numbers is a mismatch, clock or not
    assert check("rows 32\n0.005 ms\n").status == MISMATCHED
    # without a clock read in the step, a different number is a different result
    assert check("rows 32\n0.005 s\n", clocks={}).status == MISMATCHED
    only_timing = PlanStep("t", "m.steps", "t", "nb.ipynb", (2,), (), ())
    outputs["nb.ipynb"]["2"] = {"stdout": "took 1.5 s\n", "display": ""}
    [alone] = _compare_printed([only_timing], outputs, [{"event": "step", "step": "t", "stdout": "took 2.25 s\n"}], {"t": "perf_counter()"})
    assert alone.status == SKIPPED and "read the clock (perf_counter())" in alone.reason


def test_clock_reads_are_read_from_the_cell_source() -> None:
    from nbrefactor.verify.runner import clock_reads

    assert clock_reads("start = time.time()\nfor b in loader:\n    pass\nprint(time.time() - start)") == ("time()",)
    assert clock_reads("t0 = perf_counter(); stamp = datetime.datetime.now()") == ("perf_counter()", "now()")
    assert clock_reads("%timeit model.predict(X)") == ("%timeit",)
    assert clock_reads("%%time\nmodel.fit(X, y)") == ("%time",)
    # a name that only contains a clock's name is not a clock read
    assert clock_reads("d = datetime(2020, 1, 1)\nruntime(3)\nx.timestamp") == ()


def test_timeit_reports_are_masked_like_time_reports() -> None:
    from nbrefactor.verify.runner import mask_volatile

    printed = "before\n1.23 ms ± 45.6 µs per loop (mean ± std. dev. of 7 runs, 1,000 loops each)\nafter\n"
    assert mask_volatile(printed) == "before\nafter\n"


def test_lightgbms_measured_overhead_is_masked_and_the_rest_of_its_line_compared() -> None:
    # Session 52's CI: the fixture boosting_lab's package "computed something else" than its
    # notebook only in LightGBM's self-timing, "the overhead of testing was 0.000135 seconds".
    from nbrefactor.verify.runner import mask_volatile

    line = "[LightGBM] [Info] Auto-choosing {} multi-threading, the overhead of testing was {} seconds.\n"
    assert mask_volatile(line.format("col-wise", "0.000135")) == mask_volatile(line.format("col-wise", "0.002871"))
    assert mask_volatile(line.format("col-wise", "0.000135")) != mask_volatile(line.format("row-wise", "0.000135"))
    assert mask_volatile("[LightGBM] [Info] Number of positive: 30, number of negative: 30\n") == (
        "[LightGBM] [Info] Number of positive: 30, number of negative: 30\n")


def test_the_notebooks_two_runs_differing_in_a_timing_are_not_nondeterminism(tmp_path: Path) -> None:
    from nbrefactor.verify.runner import _nondeterminism

    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second, tmp_path / "r1", tmp_path / "r2"):
        folder.mkdir()
    timeit = "3.2 µs ± 12.1 ns per loop (mean ± std. dev. of 7 runs, 100,000 loops each)\n"
    run1 = {"nb.ipynb": {"1": {"stdout": "0.002 s\n", "result": ""}, "2": {"stdout": "acc 0.91\n", "result": ""}, "3": {"stdout": "acc 0.91\n", "result": ""},
                         "4": {"stdout": timeit + "0.026\n", "result": ""}}}
    run2 = {"nb.ipynb": {"1": {"stdout": "0.004 s\n", "result": ""}, "2": {"stdout": "acc 0.87\n", "result": ""}, "3": {"stdout": "acc 0.87\n", "result": ""},
                         "4": {"stdout": timeit.replace("3.2", "3.9") + "-0.009\n", "result": ""}}}
    ignore = shutil.ignore_patterns()
    clocks = {("nb.ipynb", "1"): ("time()",), ("nb.ipynb", "3"): ("time()",), ("nb.ipynb", "4"): ("%timeit",)}
    found = _nondeterminism(first, second, run1, run2, tmp_path / "r1", tmp_path / "r2", {}, ignore, 1e-7, 0.0, clocks)
    # cell 1 printed a timing; cell 2 did not read the clock; cells 3 and 4 did, but their lines
    # are a score and an unseeded mean (the %timeit report line is masked)
    assert set(found) == {("printed", "nb.ipynb cell 2"), ("printed", "nb.ipynb cell 3"), ("printed", "nb.ipynb cell 4")}
    without = _nondeterminism(first, second, run1, run2, tmp_path / "r1", tmp_path / "r2", {}, ignore, 1e-7, 0.0)
    assert set(without) == {("printed", "nb.ipynb cell 1"), ("printed", "nb.ipynb cell 2"), ("printed", "nb.ipynb cell 3"), ("printed", "nb.ipynb cell 4")}


def test_names_bound_from_a_clock_read_are_known_across_cells() -> None:
    """`start = time.time()` is a moment of the run: at rtol 1e-7 a timestamp of 1.8e9 s 'matched'
    another taken three minutes later, so such names are skipped as volatile, never matched."""
    from nbrefactor.verify.runner import clock_names

    cells = [
        "import time, datetime\nstart = time.time()",
        "%%time\nfor batch in loader:\n    pass\nelapsed = time.time() - start\nrate: float = 32 / elapsed",
        "stamp = datetime.datetime.now(datetime.timezone.utc).isoformat()\nnoon = datetime.time(12, 0)\nrows = len(data)",
        "total = 0\ntotal += elapsed",
    ]
    assert clock_names(cells) == {"start": "time()", "elapsed": "time()", "rate": "time()", "stamp": "now()", "total": "time()"}
    assert clock_names(["t = model.time_step(3)\nnow_playing = tracks[0]"]) == {}


def test_a_name_bound_from_the_clock_is_skipped_as_volatile_on_the_package_side(tmp_path: Path) -> None:
    import pickle

    from nbrefactor.verify.runner import _check_values

    snapshot = tmp_path / "start.pkl"
    snapshot.write_bytes(pickle.dumps(1796399036.11))
    manifest = tmp_path / "step-s.json"
    manifest.write_text(json.dumps({"cell": 2, "entries": {"start": {"status": "ok", "type": "float", "file": str(snapshot), "id": 1}, "rows": {"status": "ok", "type": "int", "file": str(snapshot), "id": 2}}}))
    entry = {"names": ["start"], "manifest": str(manifest)}
    done = tmp_path / "done"
    done.write_text("")
    [clocked] = _check_values(entry, {"start": 1796399120.5}, 1e-7, 0.0, str(done), clocked={"start": "time()"})
    assert clocked["status"] == SKIPPED and clocked["reason"].startswith("volatile (clock read): bound from time()")
    [plain] = _check_values(entry, {"start": 1796399120.5}, 1e-7, 0.0, str(done))
    assert plain["status"] == MATCHED  # what the tolerance alone said before: a false "ok"
