"""What a person sees in a terminal: grouped findings, concise lines, per-rule statistics,
grammatical counts, no internal placeholders, and progress (in a real pseudo-terminal, 80 columns
wide) that keeps the count and the elapsed time visible and never reaches JSON or SARIF."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from nbrefactor.cli import app as cli
from nbrefactor.report.text import count, severity_counts
from nbrefactor.audit.types import Diagnostic, Family, Location, Severity
from deadlines import HANG_GUARD

REPO = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def notebook(*sources: str, language: str = "python") -> str:
    cells = [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": i + 1, "outputs": [], "source": s} for i, s in enumerate(sources)]
    kernel = {"name": "python3" if language == "python" else "ir", "language": language, "display_name": language}
    return json.dumps({"cells": cells, "metadata": {"kernelspec": kernel}, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.nbrefactor]\nselect = ["PTH", "STR"]\n', encoding="utf-8")
    # One rule firing three times in one notebook with one shared fix; a syntax error; an R notebook.
    (tmp_path / "paths.ipynb").write_text(
        notebook('import pandas as pd\na = pd.read_csv("/home/ana/a.csv")', 'b = pd.read_csv("/home/ana/b.csv")', 'c = pd.read_csv("/home/ana/c.csv")'),
        encoding="utf-8",
    )
    (tmp_path / "py2.ipynb").write_text(notebook("print 'x'"), encoding="utf-8")
    (tmp_path / "r.ipynb").write_text(notebook("x <- 1", language="R"), encoding="utf-8")
    return tmp_path


def run(*args: str, cwd: Path) -> tuple[int, str, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    before = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(args))
    finally:
        os.chdir(before)
    return code, out.getvalue(), err.getvalue()


def diag(severity: Severity) -> Diagnostic:
    return Diagnostic("X001", "x", Family.PATHS, severity, "m", Location("a.ipynb", 1, 1, 1))


def test_counts_are_grammatical():
    assert count(1, "error") == "1 error"
    assert count(0, "error") == "0 errors"
    assert count(7, "warning") == "7 warnings"
    assert count(3, "info") == "3 info"
    assert severity_counts([diag(Severity.ERROR)] + [diag(Severity.WARNING)] * 7) == "1 error, 7 warnings"


def test_text_groups_a_rule_per_notebook_and_shows_its_fix_once(project):
    code, out, _ = run("audit", ".", "--color", "never", cwd=project)
    assert code == 1
    block = out.split("paths.ipynb")[1].split("\n\n")[0]
    assert "(3 findings: 3 errors)" in block
    assert re.search(r"PTH\d{3} [a-z-]+ \(error\) × 3", block), block
    assert block.count("└ fix:") == 1, block  # one fix for the three findings of the rule
    for cell in (1, 2, 3):
        assert f"cell {cell} [{cell}] line " in block
    assert "/home/ana/c.csv" in block
    assert "cell None" not in out and "None" not in out
    # The R notebook is not a finding (nothing in it to fix): a notice of the run under the counts.
    assert out.rstrip().endswith("3 notebooks audited: 4 findings (4 errors)\n"
                                 "not analysed: 1 notebook (R kernel: r.ipynb); nbrefactor analyses Python only, their execution counts were checked (STR002)")
    assert "STR002" not in out.split("3 notebooks audited")[0]


def test_concise_is_one_clickable_line_per_finding(project):
    code, out, _ = run("audit", ".", "--format", "concise", "--color", "never", cwd=project)
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[-2:] == ["3 notebooks audited: 4 findings (4 errors)", "not analysed: 1 notebook (R kernel: r.ipynb); nbrefactor analyses Python only, their execution counts were checked (STR002)"]
    findings = lines[:-2]
    assert len(findings) == 4  # the R notebook's STR002 is the notice above, not a finding line
    assert re.fullmatch(r"paths\.ipynb:cell_2:1:\d+: PTH\d{3} .+", findings[1]), findings
    assert re.fullmatch(r"py2\.ipynb:cell_1:1:1: STR001 Syntax error.*", findings[3]), findings


def test_statistics_counts_per_rule_most_frequent_first(project):
    code, out, _ = run("audit", ".", "--statistics", "--color", "never", cwd=project)
    assert code == 1
    *table, summary, notice = out.strip().splitlines()
    rows = [line.split() for line in table]
    assert [r[0] for r in rows] == ["3", "1"]
    assert rows[0][1].startswith("PTH") and rows[0][3] == "error"
    assert [r[1] for r in rows[1:]] == ["STR001"]  # STR002 is not counted as a finding: it is the notice
    assert (summary, notice) == ("3 notebooks audited: 4 findings (4 errors)", "not analysed: 1 notebook (R kernel: r.ipynb); nbrefactor analyses Python only, their execution counts were checked (STR002)")
    code, _, err = run("audit", ".", "--statistics", "--format", "json", cwd=project)
    assert code == 2 and "--statistics works with --format text or concise" in err


# --- pseudo-terminal ------------------------------------------------------------------------


def in_terminal(args: list[str], cwd: Path, columns: int = 80, stdout_tty: bool = True, timeout: float = HANG_GUARD) -> tuple[int, str, str]:
    """Run `python -m nbrefactor ARGS` with standard error (and standard output unless
    stdout_tty is False) on a pseudo-terminal COLUMNS wide; returns (code, tty text, piped stdout)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "CI", "GITHUB_ACTIONS")}
    env.update(TERM="xterm-256color", PYTHONPATH=str(REPO))
    import tempfile

    piped_to = tempfile.TemporaryFile()  # a file, not a pipe: a big SARIF cannot block the child
    proc = subprocess.Popen(
        [sys.executable, "-m", "nbrefactor", *args], cwd=cwd, env=env,
        stdin=subprocess.DEVNULL, stdout=slave if stdout_tty else piped_to, stderr=slave,
    )
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    code = proc.wait(timeout=HANG_GUARD)
    piped_to.seek(0)
    piped = piped_to.read().decode()
    piped_to.close()
    os.close(master)
    return code, b"".join(chunks).decode("utf-8", "replace"), piped


def live_frames(raw: str) -> list[str]:
    """Every redraw of the live progress line, without escape codes. A redraw is ended by the
    next carriage return (the line is drawn again in place); a line ended by a newline is text
    printed above the bar, not the bar."""
    pieces = re.split(r"(\r\n|\n|\r)", raw)
    frames = []
    for text, end in zip(pieces[0::2], pieces[1::2] + [""]):
        if end in ("\r\n", "\n"):
            continue
        plain = ANSI.sub("", text)
        if plain.strip():
            frames.append(plain)
    return frames


@pytest.fixture()
def long_names(tmp_path: Path) -> Path:
    for i in range(2):
        name = f"{i:02d}_customer_lifetime_value_feature_engineering_and_training_{i}.ipynb"
        (tmp_path / name).write_text(notebook(f"x{i} = {i}\nprint(x{i})"), encoding="utf-8")
    return tmp_path


def test_migrate_progress_keeps_count_and_elapsed_time_at_80_columns(long_names, tmp_path):
    code, raw, _ = in_terminal(["migrate", ".", "--out", str(tmp_path / "out"), "--dry-run", "-j", "1", "--progress", "bar"], long_names)
    assert code == 0, raw
    bars = live_frames(raw)
    assert len(bars) >= 2, raw
    for line in bars:
        assert len(line.rstrip()) <= 80, line
        assert "migrating" in line, line
        assert re.search(r"\b[0-2]/2\b", line), line  # count
        assert re.search(r"\b\d:\d\d:\d\d\b", line), line  # elapsed
        assert "eta" in line, line
    assert any("customer_lifetime" in line for line in bars), bars  # the notebook in hand, cut to fit


def test_audit_progress_on_a_terminal_and_only_for_text(long_names):
    code, raw, _ = in_terminal(["audit", ".", "-j", "1"], long_names)
    assert code == 0, raw
    bars = live_frames(raw)
    assert bars, raw
    for line in bars:
        assert line.startswith("auditing") and len(line.rstrip()) <= 80, line
        assert re.search(r"\b[0-2]/2\b", line) and re.search(r"\b\d:\d\d:\d\d\b", line), line
    # JSON (and SARIF) on the same terminal: no progress at all, standard output is pure JSON.
    for fmt in ("json", "sarif"):
        code, raw, piped = in_terminal(["audit", ".", "-j", "1", "--format", fmt], long_names, stdout_tty=False)
        assert code == 0
        assert "auditing" not in raw and raw.strip() == "", raw
        json.loads(piped)
