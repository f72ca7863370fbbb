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
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    try:
        verified = subprocess.run([sys.executable, "-m", "nbrefactor", "verify", "nbs/limits.ipynb", "out/limits"],
                                  cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
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
