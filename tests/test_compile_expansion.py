"""IPython's `{expr}` expansion in a shell line or a `%cd` line, written as Python
(`nbrefactor.compile.expansion`).

Before: `%cd {HOME}` became `os.chdir(os.path.expanduser("{HOME}"))` and `!mkdir -p {HOME}/datasets`
`subprocess.run("mkdir -p {HOME}/datasets", shell=True)`: the braces went into the command as
text, where the kernel had put the value of `HOME` (every roboflow training notebook of fair
check 12 does this; the `%cd` was not even listed for review). Now the value goes in, as
IPython's `var_expand` puts it: each `{…}` is evaluated as a Python expression and `str()`-ed.
"""

from __future__ import annotations

import os
from pathlib import Path

import libcst as cst
import pytest

from nbrefactor.audit.analysis import analyse_notebook
from nbrefactor.audit.types import Cell, Notebook
from nbrefactor.compile.expansion import expanded
from nbrefactor.compile.transform import function_body, transform_cell


def step_code(source: str):  # noqa: ANN201 - (code, CellOutcome)
    facts = analyse_notebook(Notebook("t.ipynb", (Cell(1, "code", source),)))
    outcome = transform_cell(facts.cells[0], {}, frozenset(), "step_cell1", facts.resolve, "cfg")
    fn = cst.parse_statement("def step(cfg):\n    pass\n").with_changes(body=function_body(outcome.items))
    return cst.Module(body=[fn]).code, outcome


def ipython_expands(text: str, namespace: dict) -> str:
    """What IPython's own formatter makes of `text` (the ground truth)."""
    from IPython.utils.text import DollarFormatter

    return DollarFormatter().vformat(text, args=[], kwargs=namespace)


NAMESPACE = {"HOME": "/tmp/home", "dataset": type("D", (), {"location": "/data/set"})(), "n": 8, "names": ["a", "b", "c"]}


@pytest.mark.parametrize("text", [
    "mkdir -p {HOME}/datasets",
    "yolo model={HOME}/best.pt data={dataset.location}/data.yaml",
    "echo {n//4} {names[1:3]} {names!r}",
    'echo "{HOME}" \'{n}\' {{literal}}',
    "echo {n}\\n{HOME}",
])
def test_the_expression_computes_what_ipython_expands(text: str) -> None:
    code = expanded(text)
    assert code is not None
    assert eval(code, dict(NAMESPACE)) == ipython_expands(text, dict(NAMESPACE))


@pytest.mark.parametrize("text", [
    "ls data",  # nothing to expand: the literal stays
    "echo $HOME",  # `$name`: the shell's variable unless the notebook binds HOME (only the run knows)
    "echo {HOME} $USER",
    "echo {not valid python(}",
    "echo {",  # IPython's formatter fails and leaves the line as written
])
def test_no_expression_where_the_expansion_is_not_known_statically(text: str) -> None:
    assert expanded(text) is None


def test_a_cd_and_a_shell_line_use_the_values_the_notebook_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, outcome = step_code("HOME = os.getcwd()\n!mkdir -p {HOME}/made\n%cd {HOME}/made\nwhere = os.getcwd()")
    assert 'subprocess.run(f"mkdir -p {HOME}/made", shell=True)' in code, code
    assert 'os.chdir(os.path.expanduser(f"{HOME}/made"))' in code, code
    assert not any("expansion" in what for _, what in outcome.review), outcome.review
    namespace: dict = {"os": os, "subprocess": __import__("subprocess")}
    exec(code.replace("    where = os.getcwd()", "    return os.getcwd()"), namespace)
    assert namespace["step"](None) == str(tmp_path / "made")


def test_a_dollar_expansion_stays_a_review_item() -> None:
    code, outcome = step_code("!echo $HOME")
    assert "subprocess.run('echo $HOME', shell=True)" in code
    assert any("variable expansion" in what for _, what in outcome.review)


def test_a_step_whose_only_read_is_in_an_expansion_takes_the_name_as_input(tmp_path: Path) -> None:
    """The fields' names are the step's reads (dataflow, package=True): a step that reads `HOME`
    only in `%cd {HOME}` gets it from the step that bound it (before: a NameError in the step)."""
    from nbfactory import project, write_notebook

    from nbrefactor.cli.app import main

    cells = [("md", "# Setup"), ("code", "import os\nHOME = os.getcwd()\nNAME = 'x'"), ("md", "# Work"), ("code", "%cd {HOME}\n!echo {HOME.upper()} > seen.txt"),
             ("md", "# More"), ("code", "!echo $NAME $PATH > more.txt")]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    main(["migrate", str(path), "--out", str(tmp_path / "out"), "--no-cache", "--no-prove"])
    steps = (tmp_path / "out" / "nb" / "src" / "nb" / "steps.py").read_text()
    assert "def work(cfg: Config, HOME):" in steps, steps
    assert 'subprocess.run(f"echo {(HOME.upper())} > seen.txt", shell=True)' in steps, steps
    # `$PATH` is no name of the notebook's: IPython's formatter fails on the line and runs it as written.
    assert 'subprocess.run("echo $NAME $PATH > more.txt", shell=True)' in steps, steps


@pytest.mark.parametrize("text", [
    "echo ${MODEL_DIR}/x",  # the shell's `${VAR}`: IPython expands it only when MODEL_DIR is a Python name
    "git log --format={h}",  # a name the notebook never binds: the kernel's formatter fails, the line runs as written
])
def test_a_field_the_kernel_would_not_expand_stays_literal(text: str) -> None:
    assert expanded(text, bound={"HOME"}) is None


def test_a_field_of_names_the_notebook_binds_or_builtins_is_expanded() -> None:
    assert expanded("echo {len(HOME)}", bound={"HOME"}) == 'f"echo {(len(HOME))}"'


def test_a_dollar_name_the_notebook_binds_is_expanded_as_ipython_does() -> None:
    text = "python train.py --data $DATASET_NAME --out '$KEEP' $$ESCAPED {n}"
    code = expanded(text, bound={"DATASET_NAME", "n"})
    assert code == "f\"python train.py --data {DATASET_NAME} --out '$KEEP' $ESCAPED {n}\""
    namespace = {"DATASET_NAME": "flowers", "n": 3, "KEEP": "no"}
    assert eval(code, dict(namespace)) == ipython_expands(text, dict(namespace))
    assert expanded("echo $HOME", bound={"DATASET_NAME"}) is None  # the shell's variable
    assert expanded("echo $DATASET_NAME") is None  # nothing known of the notebook's names
