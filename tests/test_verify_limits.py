"""verify runs notebook code on this machine: each side runs with a memory cap (RLIMIT_DATA, a
share of the machine's memory) and whatever the package's pipeline leaves running in the
background is killed when verify ends (issue 16). A real kernel, a real migrated package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from nbrefactor.verify.runner import memory_cap
from deadlines import HANG_GUARD

REPO = Path(__file__).resolve().parent.parent


def _sleepers(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if marker in cmd and "sleep" in cmd and state != "Z":
                found.append(int(entry.name))
    return found


def test_each_side_runs_under_a_memory_cap_and_background_processes_die_with_verify(tmp_path: Path):
    limits = tmp_path / "limits.txt"
    marker = "299.123"
    source_1 = (
        "import resource, subprocess\n"
        f"open({str(limits)!r}, 'a').write(str(resource.getrlimit(resource.RLIMIT_DATA)[0]) + '\\n')\n"
        f"background = subprocess.Popen(['sleep', '{marker}'])\n"
        "n = 3"
    )
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# Start"},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [], "source": source_1},
        {"cell_type": "markdown", "metadata": {}, "source": "# Use"},
        {"cell_type": "code", "metadata": {}, "execution_count": 2, "outputs": [], "source": "total = n * 2\nprint(total)"},
    ]
    (tmp_path / "nbs").mkdir()
    notebook = tmp_path / "nbs" / "limits.ipynb"
    notebook.write_text(json.dumps({"cells": cells, "metadata": {"kernelspec": {"name": "python3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}))
    env = dict(os.environ, PYTHONPATH=str(REPO))
    migrated = subprocess.run([sys.executable, "-m", "nbrefactor", "migrate", "nbs", "--out", "out", "-j", "1", "--progress", "lines"],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    try:
        verified = subprocess.run([sys.executable, "-m", "nbrefactor", "verify", "nbs/limits.ipynb", "out/limits"],
                                  cwd=tmp_path, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
        assert "Traceback" not in verified.stderr, verified.stderr
        cap = memory_cap()
        # the notebook runs twice (verify checks its own run-to-run nondeterminism), the package once
        assert cap and limits.read_text().split() == [str(cap)] * 3, (limits.read_text(), verified.stdout)
        deadline = time.monotonic() + 10
        while _sleepers(marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _sleepers(marker) == [], "a process the notebook or the package started outlived verify"
    finally:
        for pid in _sleepers(marker):
            os.kill(pid, 9)


# --- hand-written package (no migrate): what was run, and a SIGKILLed verify -------------------


def _write_case(root: Path, notebook_cells: list[str], pipeline: str, outputs: list[str]) -> tuple[Path, Path]:
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": i + 1, "outputs": [], "source": src, "id": f"c{i}"} for i, src in enumerate(notebook_cells)]
    (root / "nbs").mkdir(parents=True)
    notebook = root / "nbs" / "nb.ipynb"
    notebook.write_text(json.dumps({"cells": cells, "metadata": {"kernelspec": {"name": "python3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}))
    package = root / "out" / "leash"
    plan = {"schema": "nbrefactor-plan/1", "model": "leash", "package": "leash", "notebooks": ["nb.ipynb"],
            "steps": [{"name": "a", "notebook": "nb.ipynb", "cells": list(range(1, len(cells) + 1)), "outputs": outputs}], "final": []}
    (package / ".nbrefactor").mkdir(parents=True)
    (package / ".nbrefactor" / "plan.json").write_text(json.dumps(plan))
    (package / "src" / "leash").mkdir(parents=True)
    (package / "src" / "leash" / "__init__.py").write_text("")
    (package / "src" / "leash" / "pipeline.py").write_text(pipeline)
    return notebook, package


def test_the_report_says_what_was_run_in_text_and_json(tmp_path: Path):
    where = tmp_path / "executables.txt"
    record = f"import sys\nopen({str(where)!r}, 'a').write(sys.executable + '\\n')\n"
    notebook, package = _write_case(
        tmp_path, [f"!pip install not-a-real-distribution-nbrefactor\n{record}x = 1"], f"def run(cfg=None, on_step=None):\n    {record.replace(chr(10), chr(10) + '    ')}on_step('a', {{'x': 1}})\n    return {{'x': 1}}\n", ["x"]
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    runs = {}
    for fmt in ("json", "text"):
        proc = subprocess.run([sys.executable, "-m", "nbrefactor", "verify", str(notebook), str(package), "--timeout", "77", "--once", "--format", fmt],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        runs[fmt] = proc.stdout
    executables = set(where.read_text().split())
    assert len(executables) == 1, executables  # both sides, both runs: one interpreter
    python = executables.pop()
    run = json.loads(runs["json"])["execution"]
    assert run["python"] == python and run["package_command"][0] == python
    assert run["kernel"] == "python3" and "ipykernel_launcher" in " ".join(run["kernel_command"])
    assert run["timeout_seconds"] == 77 and run["memory_limit_bytes"] == memory_cap() and run["notebook_runs"] == 1
    assert run["network"].startswith("network blocked for both sides")
    assert run["skipped_lines"] == ["nbs/nb.ipynb cell 1: !pip install not-a-real-distribution-nbrefactor"] or run["skipped_lines"][0].endswith("cell 1: !pip install not-a-real-distribution-nbrefactor")
    assert "parent-death signal" in run["containment"] and "watchdog" in run["containment"]
    text = runs["text"]
    cap_gib = f"{memory_cap() / 2**30:.1f} GiB"
    for expected in (f"python: {python}", "ran: notebook in kernel python3 (", f"ran: package as {python} -c ", f"limits: 77 s and {cap_gib} of data memory",
                     "network: network blocked for both sides", "install lines skipped: 1", "parent-death signal"):
        assert expected in text, (expected, text)


def _marked(mark: str) -> list[int]:
    """Live processes whose environment carries `mark` (zombies have none)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_nothing_verify_started_survives_a_sigkill_of_verify(tmp_path: Path):
    import signal
    import uuid

    marker = "287.654"
    start = (
        "import subprocess, time\n"
        f"kids = [subprocess.Popen(['sleep', '{marker}']), subprocess.Popen(['sleep', '{marker}'], start_new_session=True)]\n"
    )
    notebook, package = _write_case(
        tmp_path, [start + "x = 1", "time.sleep(280)"],
        "def run(cfg=None, on_step=None):\n    " + start.replace("\n", "\n    ") + "time.sleep(280)\n    on_step('a', {'x': 1})\n", ["x"],
    )
    mark = f"NBREFACTOR_TEST_LEASH={uuid.uuid4().hex}"
    env = dict(os.environ, PYTHONPATH=str(REPO), NBREFACTOR_TEST_LEASH=mark.split("=", 1)[1])
    verify_process = subprocess.Popen([sys.executable, "-m", "nbrefactor", "verify", str(notebook), str(package), "--timeout", "290", "--once"],
                                      cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(_sleepers(marker)) < 4:  # two from the kernel, two from the package
            time.sleep(0.2)
        assert len(_sleepers(marker)) == 4, "the sides did not start"
        before = set(_marked(mark)) - {verify_process.pid}
        assert len(before) >= 6, before  # kernel, package interpreter, 4 sleeps (and the watchdog)
        verify_process.send_signal(signal.SIGKILL)
        verify_process.wait()
        deadline = time.monotonic() + 15
        while _marked(mark) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _marked(mark) == [], "a process verify started outlived a SIGKILLed verify"
    finally:
        for pid in _marked(mark):
            os.kill(pid, 9)
        if verify_process.poll() is None:
            verify_process.kill()
