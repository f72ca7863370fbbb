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
    kind, props, message = parse(lines[0])
    assert kind == "notice" and props == {"file": "nbs/a%2C b.ipynb", "line": "1", "title": "STR003 some-name"}
    kind, props, message = parse(lines[1])
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
    (tmp_path / "broken.ipynb").write_text("{", encoding="utf-8")
    code = main(["audit", ".", "--format", "github", "--select", "STR"])
    out = capsys.readouterr().out.splitlines()
    assert code == 2  # an unreadable notebook
    commands = [parse(line) for line in out if line.startswith("::")]
    assert [(k, p["file"]) for k, p, _ in commands] == [("error", "broken.ipynb"), ("error", "nb.ipynb"), ("warning", "r.ipynb")]
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
    import yaml

    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL) if "jobs:" in b]
    assert len(blocks) == 1, "docs/ci.md should hold exactly one GitHub Actions workflow"
    return yaml.safe_load(blocks[0])


def test_docs_workflow_uploads_the_sarif_the_audit_writes():
    workflow = workflow_from_docs()
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    steps = job["steps"]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@"))
    assert upload["if"] == "always()"
    audits = [s["run"] for s in steps if str(s.get("run", "")).startswith("nbrefactor audit")]
    sarif_step = next(a for a in audits if "--format sarif" in a)
    assert f"--output {upload['with']['sarif_file']}" in sarif_step
    assert all("--baseline" in a for a in audits)
    assert steps.index(upload) < next(i for i, s in enumerate(steps) if "--format github" in str(s.get("run", "")))


def test_docs_workflow_commands_run_as_written(tmp_path, monkeypatch, capsys):
    """The workflow's nbrefactor commands, run in a checkout with a baseline: the SARIF step
    passes and writes a file, the gate passes; after a new finding, the gate fails."""
    import shlex

    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    write_notebook(tmp_path / "nb.ipynb", ["x = 1\n", "print 'x'\n"])
    assert main(["baseline", "create"]) == 0
    steps = workflow_from_docs()["jobs"]["nbrefactor"]["steps"]
    commands = [shlex.split(s["run"])[1:] for s in steps if str(s.get("run", "")).startswith("nbrefactor ")]
    assert len(commands) == 2
    assert [main(argv) for argv in commands] == [0, 0]
    sarif = json.loads((tmp_path / "nbrefactor.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] == []  # everything was baselined
    write_notebook(tmp_path / "nb.ipynb", ["y = 'never'\nprint 'y'\n", "x = 1\n", "print 'x'\n"])
    capsys.readouterr()
    assert [main(argv) for argv in commands] == [0, 1]
    out = capsys.readouterr().out
    assert out.count("::error ") == 1 and "STR001" in out


def test_pre_commit_hook_definition():
    import yaml

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "nbrefactor" and hook["language"] == "python" and hook["types"] == ["jupyter"]
    assert hook["entry"] == "nbrefactor audit"
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["nbrefactor"] == "nbrefactor.cli.app:main"  # the entry's executable exists


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
