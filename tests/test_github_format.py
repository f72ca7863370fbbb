"""`--format github`: workflow commands at the physical line of the `.ipynb` file, escaped as
GitHub's toolkit escapes them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from nbrefactor.cli.app import main
from nbrefactor.config import Settings
from nbrefactor.audit.engine import audit_paths
from nbrefactor.audit.types import (
    AuditResult,
    Diagnostic,
    Family,
    Location,
    NotebookResult,
    Severity,
)
import nbfactory
from nbrefactor.report.github import command, escape_data, escape_property, render
from deadlines import HANG_GUARD

COMMAND = re.compile(r"^::(?P<kind>error|warning|notice)(?: (?P<props>[^:]*))?::(?P<message>.*)$")


def write_notebook(path: Path, sources, kernel="python3", language="python") -> Path:
    return nbfactory.write_notebook(path, sources, executed=True, kernel=kernel, language=language)


def parse(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND.match(line)
    assert match, line
    props = dict(p.split("=", 1) for p in match.group("props").split(",")) if match.group("props") else {}
    return match.group("kind"), props, match.group("message")


def test_escape_data_escapes_percent_and_newlines_only():
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"


def test_escape_property_also_escapes_colon_and_comma():
    assert escape_property("C:\\data, 50%\n") == "C%3A\\data%2C 50%25%0A"


def test_command_omits_missing_properties():
    assert command("warning", "m", file="a.ipynb", line=3, col=None) == "::warning file=a.ipynb,line=3::m"
    assert command("notice", "m") == "::notice::m"


def diagnostic(code, severity, message, path, cell=None, line=None, column=None) -> Diagnostic:
    return Diagnostic(code, "some-name", Family.PATHS, severity, message, Location(path, cell, line, column), fingerprint="f")


def test_render_annotates_the_physical_line_and_escapes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "nbs").mkdir()
    write_notebook(tmp_path / "nbs" / "a, b.ipynb", ["import os\n", "x = 1\ny = 'C:/data'\n"])
    result = AuditResult(
        (
            NotebookResult(
                "nbs/a, b.ipynb",
                (
                    diagnostic("PTH001", Severity.WARNING, "Absolute path 'C:/data'\nuse config: 100%", "nbs/a, b.ipynb", 2, 2, 5),
                    diagnostic("STR003", Severity.INFO, "Notebook note", "nbs/a, b.ipynb"),
                ),
            ),
        )
    )
    lines = render(result).splitlines()
    kind, props, message = parse(lines[1])  # warnings before notices
    assert kind == "notice" and props == {"file": "nbs/a%2C b.ipynb", "line": "1", "title": "STR003 some-name"}
    kind, props, message = parse(lines[0])
    assert kind == "warning"
    assert props["file"] == "nbs/a%2C b.ipynb" and props["title"] == "PTH001 some-name"
    text_lines = (tmp_path / "nbs" / "a, b.ipynb").read_text(encoding="utf-8").split("\n")
    expected = next(i for i, t in enumerate(text_lines, start=1) if "y = 'C:/data'" in t)
    assert props["line"] == str(expected)
    assert text_lines[expected - 1][int(props["col"]) - 1 :].startswith("'C:/data'")
    assert message == "Absolute path 'C:/data'%0Ause config: 100%25 (cell 2 line 2:5)"
    assert lines[-1].startswith("nbrefactor: 1 notebook audited, 2 findings")


def test_cli_format_github_for_real_findings_and_unreadable_files(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_notebook(tmp_path / "nb.ipynb", ["x = 1\n", "a = 2\nprint 'x'\n"])
    write_notebook(tmp_path / "r.ipynb", ["x <- 1\n"], kernel="ir", language="R")
    write_notebook(tmp_path / "stub.ipynb", [""])  # STR003: a notebook-level finding
    (tmp_path / "broken.ipynb").write_text("{", encoding="utf-8")
    code = main(["audit", ".", "--format", "github", "--select", "STR"])
    out = capsys.readouterr().out.splitlines()
    assert code == 2  # an unreadable notebook
    commands = [parse(line) for line in out if line.startswith("::")]
    # An R notebook is out of scope, not wrong: no annotation on the file, a line of the run's summary.
    assert [(k, p["file"]) for k, p, _ in commands] == [("error", "broken.ipynb"), ("error", "nb.ipynb"), ("notice", "stub.ipynb")]
    assert "nbrefactor: not analysed: 1 notebook (R kernel: r.ipynb); nbrefactor analyses Python only, " \
           "their execution counts were checked (STR002)" in out
    assert commands[0][1]["title"] == "nbrefactor%3A unreadable notebook"
    _, props, message = commands[1]
    text_lines = (tmp_path / "nb.ipynb").read_text(encoding="utf-8").split("\n")
    assert "print 'x'" in text_lines[int(props["line"]) - 1]
    assert "(cell 2 [2] line 2" in message
    _, props, _ = commands[2]
    assert props["line"] == "1"  # notebook-level finding


def test_render_with_no_findings_prints_only_the_summary(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_notebook(tmp_path / "ok.ipynb", ["x = 1\n"])
    out = render(audit_paths(["ok.ipynb"], Settings(select=("STR",))))
    assert out == "nbrefactor: 1 notebook audited, 0 findings\n"


# --- the CI integration files: docs/ci.md's workflow and the pre-commit hook ------------------

REPO = Path(__file__).resolve().parent.parent


def workflow_from_docs() -> dict:
    """The plain-steps workflow of docs/ci.md (the block named `notebooks`)."""
    import yaml

    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL) if "jobs:" in b and "name: notebooks" in b]
    assert len(blocks) == 1, "docs/ci.md should hold exactly one plain-steps GitHub Actions workflow"
    return yaml.safe_load(blocks[0])


def test_docs_workflow_audits_once_and_uploads_the_sarif_that_run_writes():
    workflow = workflow_from_docs()
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    steps = job["steps"]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@"))
    assert upload["if"] == "always()"
    audits = [s["run"] for s in steps if "nbrefactor audit" in str(s.get("run", ""))]
    assert len(audits) == 1, audits  # one audit: annotations, summary and SARIF from the same run
    (audit,) = audits
    assert "--format github" in audit and f"--sarif {upload['with']['sarif_file']}" in audit and "--baseline" in audit
    assert steps.index(upload) > next(i for i, s in enumerate(steps) if "nbrefactor audit" in str(s.get("run", "")))


def test_docs_workflow_commands_run_as_written(tmp_path, monkeypatch, capsys):
    """The workflow's nbrefactor command, run in a checkout with a baseline: it passes and writes
    the SARIF; after a new finding it fails, annotates it, and the SARIF holds it."""
    import shlex

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    (tmp_path / ".git").mkdir()
    write_notebook(tmp_path / "nb.ipynb", ["x = 1\n", "print 'x'\n"])
    assert main(["baseline", "create"]) == 0
    steps = workflow_from_docs()["jobs"]["nbrefactor"]["steps"]
    commands = [shlex.split(s["run"])[1:] for s in steps if str(s.get("run", "")).startswith("nbrefactor ")]
    assert len(commands) == 1
    assert main(commands[0]) == 0
    sarif = json.loads((tmp_path / "nbrefactor.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] == []  # everything was baselined
    write_notebook(tmp_path / "nb.ipynb", ["y = 'never'\nprint('y'\n", "x = 1\n", "print 'x'\n"])
    capsys.readouterr()
    assert main(commands[0]) == 1
    out = capsys.readouterr().out
    assert out.count("::error ") == 1 and "STR001" in out
    sarif = json.loads((tmp_path / "nbrefactor.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["STR001"]


# --- the composite action (action.yml) -------------------------------------------------------


def action() -> dict:
    import yaml

    return yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))


def test_action_is_composite_and_keeps_inputs_out_of_scripts():
    spec = action()
    assert spec["runs"]["using"] == "composite"
    steps = spec["runs"]["steps"]
    assert [s["name"] for s in steps] == ["Install nbrefactor", "Audit notebooks", "Upload SARIF to code scanning"]
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], "inputs reach scripts only through env (no script injection)"
    upload = steps[2]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["if"].startswith("always()") and "steps.audit.outputs.sarif" in upload["with"]["sarif_file"]
    assert set(spec["inputs"]) == {"paths", "baseline", "fail-on", "changed-only", "upload-sarif", "package"}


def _git(cwd: Path, *args: str) -> None:
    import subprocess

    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin"})


def test_action_audit_step_runs_on_a_pull_request_checkout(tmp_path):
    """The audit step's script, run by bash as the runner would, in a clone whose pull request
    changed one notebook: only that notebook is audited and annotated, the step fails on it, the
    SARIF path is set as the step's output, and the job summary is written."""
    import subprocess
    import sys

    origin = tmp_path / "origin"
    origin.mkdir()
    _git(origin, "init", "-q", "-b", "main")
    write_notebook(origin / "old.ipynb", ["print 'legacy'\n"])
    _git(origin, "add", "-A")
    _git(origin, "commit", "-q", "-m", "start")
    work = tmp_path / "work"
    _git(tmp_path, "clone", "-q", str(origin), str(work))
    _git(work, "checkout", "-q", "-b", "feature")
    write_notebook(work / "new.ipynb", ["x = 1\n", "print 'new'\n"])
    _git(work, "add", "-A")
    _git(work, "commit", "-q", "-m", "add a notebook")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "nbrefactor"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m nbrefactor "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    step = action()["runs"]["steps"][1]
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "NB_PATHS": ".",
        "NB_BASELINE": "",
        "NB_FAIL_ON": "warning",
        "NB_CHANGED_ONLY": "true",
        "NB_BASE_REF": "main",
        "NB_SARIF": str(tmp_path / "nbrefactor.sarif"),
    }
    run = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=work, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert run.returncode == 1, run.stdout + run.stderr
    annotations = [line for line in run.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 1 and "file=new.ipynb" in annotations[0] and "STR001" in annotations[0]
    assert (tmp_path / "output").read_text(encoding="utf-8") == f"sarif={tmp_path / 'nbrefactor.sarif'}\n"
    sarif = json.loads((tmp_path / "nbrefactor.sarif").read_text(encoding="utf-8"))
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]] == ["new.ipynb"]
    assert "1 notebook audited: 1 finding (1 error)." in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_pre_commit_hook_definition():
    import yaml

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "nbrefactor" and hook["language"] == "python" and hook["types"] == ["jupyter"]
    assert hook["entry"] == "nbrefactor audit"
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["nbrefactor"] == "nbrefactor.cli.replay:main"  # the entry's executable exists


def test_pre_commit_style_invocation_with_configured_baseline(tmp_path, monkeypatch, capsys):
    """pre-commit calls `entry` + the staged files from the repository root."""
    import yaml

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.nbrefactor]\nbaseline = ".nbrefactor-baseline.json"\n', encoding="utf-8")
    (tmp_path / "nbs").mkdir()
    write_notebook(tmp_path / "nbs" / "old.ipynb", ["print 'legacy'\n"])
    assert main(["baseline", "create"]) == 0
    write_notebook(tmp_path / "nbs" / "new.ipynb", ["print 'new'\n"])
    argv = hook["entry"].split()[1:]
    assert main([*argv, "nbs/old.ipynb"]) == 0
    assert main([*argv, "nbs/old.ipynb", "nbs/new.ipynb"]) == 1


# --- ordering, GitHub's 10 annotations per type, the job summary, one-line notebooks, R --------


def test_errors_come_first_and_each_type_keeps_at_most_ten_annotations(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    # "a" sorts first and holds only warnings; "z" holds the errors: the errors must still lead.
    for i in range(12):
        write_notebook(tmp_path / f"a{i:02d}.ipynb", [f'f = open("/srv/shared/data{i}.csv")\n'])  # PTH001, a warning
    for i in range(13):
        write_notebook(tmp_path / f"z{i:02d}.ipynb", [f"print 'x{i}'\n"])  # STR001, an error
    (tmp_path / "broken.ipynb").write_text("{", encoding="utf-8")
    summary = tmp_path / "summary.md"
    summary.write_text("## earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code = main(["audit", ".", "--format", "github", "--select", "STR,PTH001", "-j", "1"])
    out = capsys.readouterr().out.splitlines()
    assert code == 2
    commands = [parse(line) for line in out if line.startswith("::")]
    kinds = [k for k, _, _ in commands]
    assert kinds == ["error"] * 10 + ["warning"] * 10
    assert commands[0][1]["file"] == "broken.ipynb"  # unreadable files before findings
    assert [p["file"] for k, p, _ in commands[1:10]] == [f"z{i:02d}.ipynb" for i in range(9)]
    # 14 errors (1 unreadable + 13 findings) and 12 warnings: 4 errors and 2 warnings are left over.
    assert out[-1].endswith("25 findings, 1 unreadable; 6 not annotated (GitHub shows 10 per type), listed in the job summary")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## earlier step\n## nbrefactor audit\n")  # appended, as GitHub expects
    assert "26 notebooks audited: 25 findings (13 errors, 12 warnings), 1 unreadable." in text
    rows = [line for line in text.splitlines() if line.startswith("| error") or line.startswith("| warning")]
    assert [r.split(" | ")[2] for r in rows] == ["z09.ipynb", "z10.ipynb", "z11.ipynb", "z12.ipynb", "a10.ipynb", "a11.ipynb"]
    assert "| broken.ipynb | invalid JSON" in text


def test_step_summary_escapes_markdown_and_html():
    from nbrefactor.report.github import step_summary

    findings = tuple(
        diagnostic("PTH001", Severity.WARNING, f"path '<script>x</script>|{i}'\nnext", "a|b.ipynb", 1, 1, 1) for i in range(11)
    )
    text = step_summary(AuditResult((NotebookResult("a|b.ipynb", findings),)))
    (row,) = [line for line in text.splitlines() if line.startswith("| warning")]
    assert "<script>" not in text
    assert "&lt;script&gt;x&lt;/script&gt;\\|9' next |" in row  # "|10" sorts before "|9": this one is left over
    assert "| a\\|b.ipynb |" in row
    assert row.count(" | ") == 4  # five columns, the escaped pipes do not split cells


def test_one_line_notebook_annotation_points_into_the_cell(tmp_path, monkeypatch):
    """A notebook saved on one line (as Colab does): line 1 is the whole file, so the column must
    point at the finding's cell, even for a rule that gives no column."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    cells = [
        {"cell_type": "code", "execution_count": 1, "id": "c1", "metadata": {}, "outputs": [], "source": ["x = 1\n"]},
        {"cell_type": "code", "execution_count": 2, "id": "c2", "metadata": {}, "outputs": [], "source": ["y = 2\n", "print 'y'\n"]},
    ]
    data = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "colab.ipynb"
    path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    assert "\n" not in text.strip()
    with_column = diagnostic("STR001", Severity.ERROR, "m", "colab.ipynb", 2, 2, 7)
    without_column = diagnostic("HID001", Severity.WARNING, "m", "colab.ipynb", 2, 1, None)
    lines = render(AuditResult((NotebookResult("colab.ipynb", (with_column, without_column)),))).splitlines()
    _, props, _ = parse(lines[0])
    assert props["line"] == "1" and text[int(props["col"]) - 1 :].startswith("'y'")
    _, props, _ = parse(lines[1])
    assert props["line"] == "1" and text[int(props["col"]) - 1 :].startswith("y = 2")


def test_r_notebook_is_a_notice_of_the_run_that_passes_every_gate(tmp_path, monkeypatch, capsys):
    # Named alone, as ruff exits 0 for a path holding nothing it lints: the notice, exit 0, even at --fail-on info.
    monkeypatch.chdir(tmp_path)
    write_notebook(tmp_path / "r.ipynb", ["x <- 1\n"], kernel="ir", language="R")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["audit", "r.ipynb", "--format", "github"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [l for l in out if l.startswith("::")] == []
    assert out[-1].startswith("nbrefactor: not analysed: 1 notebook (R kernel: r.ipynb)")
    assert "| r.ipynb | R kernel |" in summary.read_text(encoding="utf-8")
    assert main(["audit", "r.ipynb", "--format", "github", "--fail-on", "info"]) == 0
