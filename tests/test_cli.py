"""The command line as users run it: help, exit codes, JSON determinism and completeness."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nbrefactor.cli import app as cli
from nbrefactor.cli.common import EXIT_ERROR
from deadlines import HANG_GUARD

GOOD = {"cells": [{"cell_type": "code", "id": "a", "metadata": {}, "execution_count": 1, "outputs": [], "source": "x = 1"}],
        "metadata": {"kernelspec": {"name": "python3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}


def nb(*sources: str, markdown_first: bool = False) -> dict:
    cells = [{"cell_type": "markdown", "id": "m", "metadata": {}, "source": "# Title"}] if markdown_first else []
    for i, s in enumerate(sources):
        cells.append({"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": i + 1, "outputs": [], "source": s})
    return {**GOOD, "cells": cells}


def spawn(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """A real process (fresh hash seed): for what must hold across separate runs."""
    env = {**os.environ, "PYTHONHASHSEED": "random", "COLUMNS": "120"}
    return subprocess.run([sys.executable, "-m", "nbrefactor", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=HANG_GUARD)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`nbrefactor ARGS` in this process (fast); returns what a process would."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    before = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        os.chdir(before)
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.nbrefactor]\nselect = ["STR"]\n')
    (tmp_path / "clean.ipynb").write_text(json.dumps(nb("x = 1")))
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "broken.ipynb").write_text(json.dumps(nb("x = 1", "print 'x'", markdown_first=True)))
    (tmp_path / "models" / "empty.ipynb").write_text(json.dumps(nb()))
    return tmp_path


def subcommands() -> list[str]:
    parser = cli.build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(action.choices)


def test_top_level_help_and_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "usage: nbrefactor" in out and "exit codes" in out and "audit" in out
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert capsys.readouterr().out.startswith("nbrefactor ")


@pytest.mark.parametrize("command", subcommands())
def test_every_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: nbrefactor {command}")
    assert len(out.splitlines()) > 3


def test_audit_help_documents_jobs_and_cell_numbering(capsys):
    with pytest.raises(SystemExit):
        cli.main(["audit", "--help"])
    out = capsys.readouterr().out
    assert "-j N, --jobs N" in out
    assert "numbered from 1 and every cell counts" in out


def test_no_command_prints_help_and_fails(capsys):
    assert cli.main([]) == EXIT_ERROR
    assert "usage: nbrefactor" in capsys.readouterr().out


def test_json_is_sorted_complete_and_byte_identical(project):
    first = spawn("audit", ".", "--format", "json", "-j", "1", cwd=project)
    second = spawn("audit", ".", "--format", "json", "-j", "2", cwd=project)
    assert first.returncode == second.returncode == 1, first.stderr
    assert first.stdout == second.stdout, "JSON output must not depend on the run or on -j"
    data = json.loads(first.stdout)
    assert data["schema"] == "nbrefactor-audit/1"
    assert first.stdout == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert data["summary"] == {
        "by_code": {"STR001": 1, "STR003": 1},
        "by_family": {"structure": 2},
        "by_severity": {"error": 1, "info": 1},
        "findings": 2,
        "not_analysed": 0,
        "notebooks": 3,
        "unreadable": 0,
    }
    assert data["not_analysed"] == []
    broken, empty = data["findings"]
    for finding in data["findings"]:
        assert set(finding) == {"code", "name", "family", "severity", "message", "fix", "snippet", "fingerprint", "location", "related", "data"}
        assert set(finding["location"]) == {"path", "cell", "cell_id", "execution_count", "line", "column", "end_line", "end_column"}
        assert finding["family"] in {"paths", "hidden-state", "dependencies", "randomness", "security", "structure"}
        assert finding["severity"] in {"error", "warning", "info"}
    assert (broken["code"], broken["name"], broken["family"], broken["severity"]) == ("STR001", "syntax-error", "structure", "error")
    # cell 3: the markdown cell counts, cells are numbered from 1
    assert broken["location"] == {"path": "models/broken.ipynb", "cell": 3, "cell_id": "c1", "execution_count": 2,
                                  "line": 1, "column": 1, "end_line": None, "end_column": None}
    assert empty["code"] == "STR003"
    assert empty["location"] == {"path": "models/empty.ipynb", "cell": None, "cell_id": None, "execution_count": None,
                                 "line": None, "column": None, "end_line": None, "end_column": None}


def test_exit_codes(project):
    assert run("audit", "clean.ipynb", cwd=project).returncode == 0
    assert run("audit", ".", "--fail-on", "error", cwd=project).returncode == 1
    assert run("audit", "models/empty.ipynb", "--fail-on", "warning", cwd=project).returncode == 0  # info only
    assert run("audit", "models/empty.ipynb", "--fail-on", "info", cwd=project).returncode == 1
    assert run("audit", ".", "--fail-on", "never", cwd=project).returncode == 0
    assert run("audit", ".", "--ignore", "STR001", cwd=project).returncode == 0


def test_unreadable_file_is_one_line_naming_it_and_exit_2(project):
    (project / "bad.ipynb").write_bytes(b'{"cells": [')
    res = run("audit", "bad.ipynb", "clean.ipynb", "--format", "json", cwd=project)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert lines == ["error: bad.ipynb: invalid JSON at line 1 column 12: Expecting value"]
    data = json.loads(res.stdout)
    assert data["errors"] == [{"path": "bad.ipynb", "problem": "invalid JSON at line 1 column 12: Expecting value"}]
    text = run("audit", "bad.ipynb", cwd=project)
    assert "error: bad.ipynb: invalid JSON" in text.stdout and text.returncode == 2


def test_unknown_config_key_is_a_usage_error_with_a_helpful_message(project):
    (project / "pyproject.toml").write_text('[tool.nbrefactor]\nselct = ["STR"]\n')
    res = run("audit", ".", cwd=project)
    assert res.returncode == 2
    assert "unknown key selct in [tool.nbrefactor]" in res.stderr and "select" in res.stderr


def test_bad_jobs_value_is_a_usage_error(project):
    res = run("audit", ".", "-j", "-1", cwd=project)
    assert res.returncode == 2 and "--jobs" in res.stderr


def test_text_report_shows_cell_line_and_source(project):
    res = run("audit", ".", "--color", "never", cwd=project)
    assert "models/broken.ipynb" in res.stdout
    assert "cell 3 [2] line 1:1  STR001" in res.stdout
    assert "│ print 'x'" in res.stdout
    assert "3 notebooks audited: 2 findings (1 error, 1 info)" in res.stdout


def test_output_file_is_written_atomically(project):
    res = run("audit", ".", "--format", "json", "-o", "out/report.json", cwd=project)
    assert res.returncode == 1 and res.stdout == ""
    assert json.loads((project / "out" / "report.json").read_text())["summary"]["findings"] == 2


def test_output_into_a_stream_writes_into_it_and_leaves_it_a_stream(project):
    """`-o /dev/null` or `-o /dev/stdout` is a stream the user writes into: the atomic rename put a
    regular file in the device node's place (as root, /dev/null stopped being a device for every
    process of the machine). A named pipe stands in for the device here, directly and through a
    symlink (/dev/stdout is one): each stays a pipe and its reader gets the whole report."""
    import stat
    import threading

    pipe = project / "report.pipe"
    os.mkfifo(pipe)
    link = project / "stdout-like"
    link.symlink_to(pipe)
    for target in (pipe, link):
        received = []
        # (a daemon: replaced, the pipe would never see a writer and its reader would never return)
        reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
        reader.start()
        res = run("audit", ".", "--format", "json", "-o", str(target), cwd=project)
        assert res.returncode == 1, res.stderr
        assert stat.S_ISFIFO(os.lstat(pipe).st_mode) and os.path.islink(link)
        reader.join(HANG_GUARD)
        assert json.loads(received[0])["summary"]["findings"] == 2
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".report")) == []  # no temp file left


def test_rules_command_lists_and_explains(capsys):
    assert cli.main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert "STR001  syntax-error" in listing
    assert cli.main(["rules", "STR001"]) == 0
    explained = capsys.readouterr().out
    assert "STR001" in explained and "What it does" in explained and "Use instead" in explained
    assert cli.main(["rules", "NOPE999"]) == EXIT_ERROR


@pytest.mark.parametrize("command", ["audit", "migrate"])
@pytest.mark.parametrize("value", ["nan", "inf", "-1", "soon"])
def test_timeout_must_be_a_finite_number_of_seconds_for_every_command(command, value, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([command, str(tmp_path), "--timeout", value] + (["--out", str(tmp_path / "out")] if command == "migrate" else []))
    assert exit_info.value.code == 2
    assert "argument --timeout" in capsys.readouterr().err
