"""Input text is data, never code: hostile names, headings, tags, metadata and configuration values
go through `migrate` and `audit`, and nothing of them runs or escapes a string literal.

Every attack here writes a marker file when it runs. After migrating, the generated package is
imported, its CLI asked for `--help`, its tests and its pipeline compiled, and the marker must not
exist; every generated file must parse in its own language, and no hostile text may appear in
Python code outside a string literal or a comment.
"""

from __future__ import annotations

import ast
import html.parser
import io
import json
import zipfile
import os
import re
import subprocess
import sys
import tokenize
import tomllib
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbfactory import notebook_json
from nbrefactor.cli.app import main
from nbrefactor.compile import literals
from nbrefactor.compile.image_ref import InvalidImageReference, image_reference
from nbrefactor.compile.mlops import MlopsSettingsError, settings_from_tables
from nbrefactor.compile.templates import _environment
from nbrefactor.migrate.pipeline_build import PipelineCompileError, check_generated_source, code_outside_literals
from nbrefactor.report.github import escape_data, escape_property
from deadlines import HANG_GUARD

# Pieces that close or open a context in some target language.
BREAKERS = ['"""', "'''", '"', "'", "\\", "\n", "\r", "\r\n", "\u2028", "\x0c", "#", "{{", "}}", "{%", "%", "::", ",", ":",
            "<script>", "]]>", "`", "|", "*", "[x](y)", "- ", "\x1b[2J", "$(", ";", "\t", "---", "!!python/object"]


MARKER_VARIABLE = "NBREFACTOR_TEST_MARKER"


def payload(marker: Path, quote: str = '"""') -> str:
    """Text that creates the marker file (named by an environment variable, so the text holds no
    `/` and can be a file name) if it is ever pasted into Python between `quote`s."""
    os.environ[MARKER_VARIABLE] = str(marker)
    return f'{quote}; __import__("pathlib").Path(__import__("os").environ["{MARKER_VARIABLE}"]).touch(); {quote}'


# --- the serialisers, unit by unit --------------------------------------------------------------

hostile_text = st.lists(st.one_of(st.sampled_from(BREAKERS), st.text(max_size=6)), max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_py_literal_evaluates_back_to_the_text_and_nothing_else(text):
    source = literals.py_literal(text)
    tree = ast.parse(source, mode="eval")
    assert isinstance(tree.body, ast.Constant)
    assert tree.body.value == text


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_docstring_text_stays_inside_its_docstring(text):
    module = ast.parse(f'"""{literals.py_docstring_text(text)}"""\nx = 1\n')
    assert [type(n).__name__ for n in module.body] == ["Expr", "Assign"]
    assert module.body[0].value.value == literals.one_line(text)


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_comment_text_cannot_end_its_comment(text):
    module = ast.parse(f"# {literals.py_comment_text(text)}\nx = 1\n")
    assert [type(n).__name__ for n in module.body] == ["Assign"]


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_toml_and_yaml_strings_load_back_as_the_text(text):
    expected = text.encode("utf-8", "replace").decode("utf-8")
    assert tomllib.loads(f"v = {literals.toml_str(text)}\n")["v"] == expected
    assert yaml.safe_load(f"v: {literals.yaml_str(text)}\n")["v"] == expected


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_markdown_text_opens_no_tag_link_or_code_span(text):
    rendered = literals.md_text(text)
    assert "\n" not in rendered and "\r" not in rendered
    for special in "<>[]`|*&":
        assert special not in rendered.replace("\\" + special, "")


def test_py_literal_writes_infinities_as_expressions_not_names():
    assert eval(literals.py_literal(float("inf"))) == float("inf")  # noqa: S307 - our own literal
    assert eval(literals.py_literal((1, -float("inf")))) == (1, -float("inf"))  # noqa: S307
    with pytest.raises(TypeError):
        literals.py_literal(object())


def test_templates_refuse_to_paste_raw_text():
    template = _environment().from_string('x = "{{ value }}"\n')
    with pytest.raises(literals.UnsafeTemplateValue, match="without a serialiser"):
        template.render(value='"; import os; "')
    assert template.render(value="plain_name-1.0") == 'x = "plain_name-1.0"\n'
    assert _environment().from_string("x = {{ value|py }}\n").render(value='"; import os; "') == "x = '\"; import os; \"'\n"


@pytest.mark.parametrize("reference", ["python:3.11.7-slim", "ghcr.io/team/churn-model:1.0", "localhost:5000/a/b", "reg.example.com/x@sha256:" + "a" * 64])
def test_valid_image_references_are_accepted(reference):
    assert image_reference(reference) == reference


@pytest.mark.parametrize("reference", ["a b", 'x"""; import os', "Python:3", "a:b:c", "img\nRUN curl evil", "", "-flag", "x:" + "t" * 200])
def test_anything_else_is_not_an_image_reference(reference):
    with pytest.raises(InvalidImageReference, match="not a container image reference"):
        image_reference(reference)


@pytest.mark.parametrize("table", [{"registry": 'r"""; __import__("os").system("x"); """'}, {"base": "python:3.11\nRUN id"}, {"name": "{registry.__class__}"}])
def test_hostile_image_settings_are_a_clear_configuration_error(table):
    with pytest.raises(MlopsSettingsError, match=r"\[tool.nbrefactor.image\]"):
        settings_from_tables({}, table, "m")


def test_generated_source_check_finds_input_text_outside_literals():
    check_generated_source('X = "a b; c"\n# a b; c\n', ["a b; c"])  # inside literal and comment: fine
    with pytest.raises(PipelineCompileError, match="outside a string literal"):
        check_generated_source('X = 1; __import__("os")\n', ['__import__("os")'])
    with pytest.raises(PipelineCompileError, match="does not parse"):
        check_generated_source('X = """\n', [])
    assert "import" not in code_outside_literals('x = "import"  # import\n')


@pytest.mark.parametrize(
    "message, expected",
    [("50% done\r\nnext", "50%25 done%0D%0Anext"), ("::error::forged", "::error::forged")],
)
def test_github_annotation_data_cannot_start_a_new_command(message, expected):
    assert escape_data(message) == expected
    assert "\n" not in escape_data(message) and "\r" not in escape_data(message)


def test_github_annotation_properties_escape_colon_and_comma():
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"


# --- end to end: migrate and audit a hostile notebook --------------------------------------------


def hostile_notebook(marker: Path) -> dict:
    """Hostile text in every place a notebook's text reaches generated files."""
    p = payload(marker)
    q = payload(marker, "'''")
    nb = notebook_json(
        [
            ("md", f"# Title {p}\n\nintro {q}"),
            ("code", f"import pandas as pd\nnote = {json.dumps(p)}\nbase = {json.dumps(p)}\n", {"tags": ["pipeline-parameters"], "count": 1}),
            ("md", f"## Load {q} and {p}\nline two"),
            ("code", f"df = pd.DataFrame({{'a': [1, 2, 3]}})\ndf.to_csv({json.dumps('out ' + p + '.csv')})\nlen(df)",
             {"tags": ["step:load-data", f"block:x{p}"], "count": 2, "outputs": [{"output_type": "execute_result", "execution_count": 2, "metadata": {}, "data": {"text/plain": "3"}}]}),
            ("md", f"## Train `{p}` \\ end"),
            ("code", "total = int(df['a'].sum())\nprint(total, note)", {"count": 3, "outputs": [{"output_type": "stream", "name": "stdout", "text": f"6 {p}\n"}]}),
        ]
    )
    nb["metadata"]["kernelspec"]["display_name"] = p
    nb["metadata"]["kernelspec"]["name"] = "python3"
    nb["metadata"]["title"] = p
    nb["cells"].append({"cell_type": "code", "id": "c7", "metadata": {}, "execution_count": 4, "outputs": [],
                        "source": "match, case, type, var, function = 1, 2, 3, 4, 5\nprint(match + case + type + var + function)"})
    nb["cells"][0]["id"] = p  # ids reach the reports
    return nb


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    marker = root / "pwned"
    folder = root / 'proj "quoted" #hash'
    folder.mkdir()
    model = payload(marker, "'")
    (folder / "pyproject.toml").write_text(
        f"[tool.nbrefactor.models]\n{json.dumps(model)} = [\"*.ipynb\"]\n[tool.nbrefactor.image]\nregistry = \"ghcr.io/team\"\n", encoding="utf-8"
    )
    name = payload(marker) + " ''' %s {{x}} $(id) #.ipynb"
    (folder / name).write_text(json.dumps(hostile_notebook(marker)), encoding="utf-8")
    out = root / "out"
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        code = main(["migrate", ".", "--out", str(out), "-j", "1", "--allow-hidden-state"])
    finally:
        os.chdir(cwd)
    packages = [p for p in out.iterdir() if p.is_dir() and (p / "pyproject.toml").is_file()]
    return {"root": root, "marker": marker, "out": out, "code": code, "packages": packages, "folder": folder, "name": name}


def test_hostile_notebook_still_migrates_into_a_package(migrated):
    assert migrated["code"] in (0, 1), "migrate failed outright"
    assert len(migrated["packages"]) == 1
    assert not migrated["marker"].exists()


def test_every_generated_file_parses_in_its_own_language(migrated):
    (package,) = migrated["packages"]
    checked = {"py": 0, "yaml": 0, "toml": 0, "json": 0}
    for file in sorted(p for p in package.rglob("*") if p.is_file()):
        if file.suffix == ".whl":  # the vendored runtime: nbrefactor's own bytes, no notebook text
            assert file.parent.name == "vendor" and zipfile.ZipFile(file).testzip() is None
            continue
        text = file.read_text(encoding="utf-8")
        if file.suffix == ".py":
            ast.parse(text, filename=str(file))
            checked["py"] += 1
        elif file.suffix in (".yaml", ".yml"):
            list(yaml.safe_load_all(text))
            checked["yaml"] += 1
        elif file.suffix == ".toml":
            tomllib.loads(text)
            checked["toml"] += 1
        elif file.suffix == ".json":
            json.loads(text)
            checked["json"] += 1
        elif file.name == "Dockerfile":
            froms = [line.split()[1] for line in text.splitlines() if line.startswith("FROM ")]
            assert froms and all(image_reference(f) for f in froms)
    assert checked["py"] >= 5 and checked["toml"] >= 1 and checked["yaml"] >= 1


def test_hostile_text_appears_in_python_only_inside_literals_and_comments(migrated):
    (package,) = migrated["packages"]
    marker = str(migrated["marker"])
    for file in package.rglob("*.py"):
        code = code_outside_literals(file.read_text(encoding="utf-8"))
        assert "__import__" not in code, file
        assert marker not in code, file
        assert "system" not in code.replace("subprocess", ""), file


def test_importing_running_and_testing_the_package_runs_no_input_text(migrated):
    (package,) = migrated["packages"]
    pkg = next(p.name for p in (package / "src").iterdir() if p.is_dir() and (p / "__init__.py").is_file())
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package / "src"), os.environ.get("PYTHONPATH", "")]), f"{pkg.upper()}_NO_TRACKING": "1", "NBREFACTOR_NO_TRACKING": "1"}
    for module in ("", ".config", ".pipeline", ".__main__"):
        subprocess.run([sys.executable, "-c", f"import {pkg}{module}"], env=env, cwd=package, check=True, capture_output=True, timeout=HANG_GUARD)
    shown = subprocess.run([sys.executable, "-m", pkg, "--help"], env=env, cwd=package, capture_output=True, text=True, timeout=HANG_GUARD)
    assert shown.returncode == 0, shown.stderr
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "tests"], env=env, cwd=package, capture_output=True, timeout=HANG_GUARD)
    kfp_module = package / "pipeline" / "kfp_pipeline.py"
    if kfp_module.is_file():
        subprocess.run([sys.executable, str(kfp_module), str(migrated["root"] / "compiled.yaml")], env=env, cwd=package, capture_output=True, timeout=HANG_GUARD)
    assert not migrated["marker"].exists()


def test_hostile_registry_stops_migrate_with_one_clear_line_and_runs_nothing(tmp_path, capsys):
    marker = tmp_path / "pwned"
    (tmp_path / "pyproject.toml").write_text(
        "[tool.nbrefactor.image]\nregistry = " + json.dumps(payload(marker)) + "\n", encoding="utf-8"
    )
    (tmp_path / "nb.ipynb").write_text(json.dumps(notebook_json(["x = 1\nprint(x)"], executed=True)), encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        code = main(["migrate", "nb.ipynb", "--out", str(tmp_path / "out"), "-j", "1"])
    finally:
        os.chdir(cwd)
    err = capsys.readouterr()
    assert code != 0
    assert "[tool.nbrefactor.image]" in err.out + err.err
    assert "Traceback" not in err.out + err.err
    assert not marker.exists()


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_audit_output_of_a_hostile_notebook_parses(migrated, fmt, capsys):
    target = migrated["folder"] / migrated["name"]
    main(["audit", str(target), "--format", fmt, "--color", "never"])
    out = capsys.readouterr().out
    if fmt in ("json", "sarif"):
        json.loads(out)
    elif fmt == "github":
        commands = [line for line in out.splitlines() if line.startswith("::")]
        assert commands, out
        # a message cannot forge a command: every command line is one of ours, whole
        assert all(re.match(r"::(error|warning|notice) (file|title)=[^\n]*::", line) for line in commands), commands
        assert all("::" not in line for line in out.splitlines() if not line.startswith("::"))
    else:
        assert "\x1b[2J" not in out
    assert not migrated["marker"].exists()


def test_html_report_of_a_hostile_batch_has_no_injected_markup(migrated):
    index = migrated["out"] / "report" / "index.html"
    assert index.is_file()

    class Collect(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.scripts = 0

        def handle_starttag(self, tag, attrs):
            self.scripts += tag == "script" and not dict(attrs).get("src")

    for page in (migrated["out"] / "report").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>;" not in text and payload(migrated["marker"]) not in text
        parser = Collect()
        parser.feed(text)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(heading=hostile_text, literal=hostile_text, tag=hostile_text)
def test_any_heading_literal_and_tag_gives_python_that_parses_with_text_only_in_literals(tmp_path_factory, heading, literal, tag):
    """Bounded fuzz of the compiler alone (no subprocesses): headings become docstrings and step
    names, literals become config defaults, tags become step names."""
    from nbrefactor.audit.analysis import analyse_notebook
    from nbrefactor.audit.loader import parse_notebook
    from nbrefactor.compile.emit import EmitInputs, emit_model
    from nbrefactor.compile.plan import plan_model

    nb = notebook_json([("md", f"# {heading}"), ("code", f"x = {json.dumps(literal)}\nopen({json.dumps('data/' + literal + '.csv')}).read()\n", {"tags": [f"step:{tag}"]}), ("md", f"## {heading}"), "y = len(x)\nprint(y)"])
    notebook = parse_notebook(f"{heading}.ipynb", json.dumps(nb).encode("utf-8"))
    facts = analyse_notebook(notebook)
    plan = plan_model(f"m {heading}", [(facts, ())])
    tree = emit_model(plan, EmitInputs()).tree
    for path, text in tree.items():
        if path.endswith(".py"):
            ast.parse(text)
            code = code_outside_literals(text)
            for piece in (heading, literal, tag):
                if len(piece.strip()) >= 4 and not piece.strip().isidentifier() and any(c in piece for c in "\"'\\\n#;("):
                    assert piece.strip() not in code, (path, piece)
        elif path.endswith(".toml"):
            tomllib.loads(text)
        elif path.endswith((".yml", ".yaml")):
            list(yaml.safe_load_all(text))


def test_generated_files_quote_relative_paths_never_the_migrating_machines(tmp_path, monkeypatch):
    """A notebook outside the working directory is shown by its absolute path in the audit, but
    the package quotes it relative to the folder that holds it."""
    source = tmp_path / "machine-specific-root" / "proj"
    source.mkdir(parents=True)
    (source / "pyproject.toml").write_text("[tool.nbrefactor]\n", encoding="utf-8")
    (source / "nb.ipynb").write_text(json.dumps(notebook_json(["import os\nx = 1\nprint(x)"], executed=True)), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    out = tmp_path / "out"
    assert main(["migrate", str(source), "--out", str(out), "-j", "1"]) in (0, 1)
    (package,) = [p for p in out.iterdir() if (p / "pyproject.toml").is_file()]
    quoted = [f for f in package.rglob("*") if f.is_file() and "machine-specific-root" in f.read_bytes().decode("utf-8", "replace")]
    assert quoted == []
    assert "proj/nb.ipynb" in (package / "MIGRATION.md").read_text(encoding="utf-8")


def test_the_pipeline_module_is_compiled_in_another_process_with_a_time_limit(tmp_path):
    from nbrefactor.migrate.pipeline_build import compile_pipeline_source

    record = tmp_path / "pid"
    source = (
        "import os, pathlib\n"
        f"pathlib.Path({str(record)!r}).write_text(str(os.getpid()))\n"
        "def compile_pipeline(path):\n    pathlib.Path(path).write_text('ok: 1\\n')\n"
    )
    assert compile_pipeline_source(source, "pkg") == "ok: 1\n"
    assert int(record.read_text()) != os.getpid()
    with pytest.raises(PipelineCompileError, match="did not finish within 2 s"):
        compile_pipeline_source("while True:\n    pass\n", "pkg", timeout=2)
    with pytest.raises(PipelineCompileError, match="the kfp compiler failed: ZeroDivisionError"):
        compile_pipeline_source("1 / 0\n", "pkg")
