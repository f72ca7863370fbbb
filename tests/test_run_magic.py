"""`%run` translated as IPython runs it (`nbrefactor.compile.run_magic`).

Before: `%run script.py ARGS` became `runpy.run_path(script)` without ARGS (the script saw the
runner's sys.argv) and `%run -m module -- ARGS` a review comment (the module never ran), so the
packages of fair7/run_program_launch computed something else than their notebooks.

Three levels: how a line is read (compared with real IPython in a subprocess, the ground truth),
what the helper does to the interpreter (argv, sys.path, sys.modules, exits), and the cell
transform's output run as a step. The two fixture models are migrated and verified at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from nbrefactor.audit.analysis import analyse_notebook
from nbrefactor.audit.types import Cell, Notebook
from nbrefactor.compile.run_magic import HELPER_SOURCE, RunCommand, named_paths, read_run_line
from nbrefactor.compile.transform import function_body, transform_cell
from deadlines import HANG_GUARD

ROOT = Path(__file__).resolve().parent.parent
RECORDER = "import sys\nRECORD = {'argv0': sys.argv[0], 'args': sys.argv[1:], 'name': __name__}\n"


def helper():  # noqa: ANN201 - the generated `_run_program`
    namespace: dict = {}
    exec(HELPER_SOURCE, namespace)
    return namespace["_run_program"]


def step_code(source: str, injected: tuple[str, ...] = ()):  # noqa: ANN201 - (code, CellOutcome)
    facts = analyse_notebook(Notebook("t.ipynb", (Cell(1, "code", source),)))
    outcome = transform_cell(facts.cells[0], {}, frozenset(), "step_cell1", facts.resolve, "cfg", injected)
    fn = cst.parse_statement("def step(cfg):\n    pass\n").with_changes(body=function_body(outcome.items))
    return cst.Module(body=[fn]).code, outcome


def run_step(source: str, injected: tuple[str, ...], returned: str):  # noqa: ANN201
    """The cell as a step of a module that holds the helper, run; the value of `returned`."""
    code, outcome = step_code(source + f"\nresult = {returned}", injected)
    assert "run_program" in outcome.needs
    namespace: dict = {}
    exec(code.replace("    result = ", "    return "), namespace)
    exec(HELPER_SOURCE, namespace)
    return namespace["step"](None)


# --- how a line is read --------------------------------------------------------------------------

READ = {
    "fetch_posts.py 3": "_run_program('fetch_posts.py', ['3'])",
    "-m tiles.build_index -- --input tiles_2023 --output tile_index.json": (
        "_run_program('tiles.build_index', ['--input', 'tiles_2023', '--output', 'tile_index.json'], module=True)"
    ),
    "-m tiles.build_index a -x": "_run_program('tiles.build_index', ['a', '-x'], module=True)",  # IPython adds `--` after the module
    "-n helpers.py a": "_run_program('helpers.py', ['a'], run_name='helpers')",
    "-e tool.py": "_run_program('tool.py', [], exit_ignore=True)",
    "tool.py -n 3": "_run_program('tool.py', ['-n', '3'])",  # options end at the script's name
    "tool.py *.csv": "_run_program('tool.py', ['*.csv'], expand=True)",
    "-G tool.py *.csv": "_run_program('tool.py', ['*.csv'])",
    "tool.py ~/data": "_run_program('tool.py', ['~/data'], expand=True)",
    "-t tool.py": "_run_program('tool.py', [])",
    "tool.py $$HOME": "_run_program('tool.py', ['$HOME'])",  # `$$` is IPython's escaped `$`
    "tool.py '$HOME'": "_run_program('tool.py', ['$HOME'])",  # IPython expands no `$` inside single quotes
    """"my file's.py" 'a b' "c\\"d\"""": """_run_program("my file's.py", ['a b', 'c"d'])""",
    "tool": "_run_program('tool', [])",  # IPython tries `tool`, then `tool.py`
}

REVIEW = {
    "tool.py {n}": "expansion",
    "tool.py $n": "expansion",
    "{script} 3": "expansion",
    "-i tool.py": "`-i`",
    "-p tool.py": "`-p`",
    "-d tool.py": "`-d`",
    "-t -N5 tool.py": "5 times",
    "analysis.ipynb": "notebook",
    "": "no script",
    "tool.py 'unclosed": "cannot read",
    "-q tool.py": "cannot read",
    "-m tiles.build_index --input x": "cannot read",  # `--` in the line: IPython adds none, and getopt stops at `--input`
}


@pytest.mark.parametrize("line", sorted(READ))
def test_a_translatable_line_becomes_one_helper_call(line: str) -> None:
    command = read_run_line(line)
    assert isinstance(command, RunCommand), command
    assert command.call() == READ[line]


@pytest.mark.parametrize("line", sorted(REVIEW))
def test_an_untranslatable_line_is_left_for_review(line: str) -> None:
    why = read_run_line(line)
    assert isinstance(why, str) and REVIEW[line] in why, why


def test_the_files_a_run_line_hands_its_program_are_the_programs_to_write() -> None:
    assert named_paths("-m tiles.build_index -- --input tiles_2023 --output=./tile_index.json") == {"tiles_2023", "tile_index.json"}
    assert named_paths("tool.py {out}") == frozenset()  # left for review: nothing runs


# What real IPython puts in sys.argv and __name__, against the helper, for the same lines.
AGAINST_IPYTHON = [
    "record.py 3",
    "record.py a 'b c' \"d e\" -- -x",
    "-n record.py x",
    "-e record.py",
    "record x",
    "record.py *.txt nothing*.csv \\*.txt",
    "-G record.py *.txt",
    "record.py ~/somewhere",
    "record.py $$HOME '$HOME'",
    "-t record.py y",
    "-m pkg.rec -- --input in --output out",
    "-m pkg.rec a -b",
]


def test_the_helper_gives_the_program_what_ipython_gives_it(tmp_path: Path) -> None:
    (tmp_path / "record.py").write_text(RECORDER)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "rec.py").write_text(RECORDER)
    for name in ("b.txt", "a.txt", "c.txt"):
        (tmp_path / name).write_text("")
    probe = textwrap.dedent(
        f"""
        import json, sys
        from IPython.core.interactiveshell import InteractiveShell
        from nbrefactor.compile.run_magic import HELPER_SOURCE, read_run_line
        shell = InteractiveShell.instance()
        helper = {{}}
        exec(HELPER_SOURCE, helper)
        out = []
        for line in {AGAINST_IPYTHON!r}:
            shell.user_ns.pop("RECORD", None)
            shell.run_line_magic("run", line)
            ipython = shell.user_ns.get("RECORD")
            ours = eval(read_run_line(line).call(), helper)["RECORD"]
            out.append([line, ipython, ours])
        print(json.dumps(out))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert result.returncode == 0, result.stderr
    for line, ipython, ours in json.loads(result.stdout.strip().splitlines()[-1]):
        assert ipython is not None, f"IPython did not run {line!r}"
        assert ours == ipython, line


# --- what the helper does to the interpreter -----------------------------------------------------


def test_argv_path_and_main_are_restored_when_the_script_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "boom.py").write_text("import sys\nassert sys.argv == ['boom.py', '1'], sys.argv\nraise RuntimeError('boom')\n")
    argv, path, main = list(sys.argv), list(sys.path), sys.modules["__main__"]
    with pytest.raises(RuntimeError, match="boom"):
        helper()("boom.py", ["1"])
    assert sys.argv == argv and sys.path == path and sys.modules["__main__"] is main


def test_the_script_never_sees_the_runners_argv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["runner", "--runner-flag"])
    (tmp_path / "show.py").write_text("import sys\nseen = list(sys.argv)\n")
    assert helper()("show.py", [])["seen"] == ["show.py"]
    assert sys.argv == ["runner", "--runner-flag"]


def test_an_exit_with_code_zero_ends_the_script_and_keeps_its_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "done.py").write_text("import sys\nanswer = 42\nsys.exit(0)\nanswer = 0\n")
    (tmp_path / "fail.py").write_text("import sys\nanswer = 42\nsys.exit(3)\n")
    run = helper()
    assert run("done.py", [])["answer"] == 42
    with pytest.raises(SystemExit):
        run("fail.py", [])
    assert run("fail.py", [], exit_ignore=True)["answer"] == 42  # -e


def test_the_script_imports_its_neighbours_and_reads_its_run_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "neighbour_mod_for_run.py").write_text("VALUE = 7\n")
    (tmp_path / "tools" / "main.py").write_text(
        "from neighbour_mod_for_run import VALUE\nimport sys\nname = __name__\nthis = sys.modules[__name__].__file__\n"
        "if __name__ == '__main__':\n    ran_as_main = True\n"
    )
    run = helper()
    names = run("tools/main.py", [])
    assert names["VALUE"] == 7 and names["ran_as_main"] is True and names["this"] == str(tmp_path / "tools" / "main.py")
    names = run("tools/main.py", [], run_name="main")  # -n
    assert names["name"] == "main" and "ran_as_main" not in names
    assert "main" not in sys.modules and str(tmp_path / "tools") not in sys.path
    sys.modules.pop("neighbour_mod_for_run", None)


def test_a_module_runs_from_the_working_directory_like_python_dash_m(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])  # as the package runner has it
    (tmp_path / "runpkg_for_test").mkdir()
    (tmp_path / "runpkg_for_test" / "__init__.py").write_text("")
    (tmp_path / "runpkg_for_test" / "tool.py").write_text(
        "import argparse, sys\np = argparse.ArgumentParser()\np.add_argument('--out')\nargs = p.parse_args()\n"
        "if __name__ == '__main__':\n    open(args.out, 'w').write(sys.argv[0])\n"
    )
    path = list(sys.path)
    try:
        helper()("runpkg_for_test.tool", ["--out", "written.txt"], module=True)
    finally:
        for name in [n for n in sys.modules if n.startswith("runpkg_for_test")]:
            del sys.modules[name]
    assert (tmp_path / "written.txt").read_text() == str(tmp_path / "runpkg_for_test" / "tool.py")
    assert sys.path == path


# --- the cell transform ------------------------------------------------------------------------


def test_the_step_runs_the_script_with_its_arguments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Fails on the old translation: `runpy.run_path('fetch.py')` gave the script the runner's argv.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fetch.py").write_text("import sys\nPOSTS = ['a', 'b', 'c']\ntop = POSTS[int(sys.argv[1]) - 1]\n")
    assert run_step("%run fetch.py 3", ("top",), "top") == "c"


def test_the_step_runs_a_module_after_double_dash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])
    (tmp_path / "runmod_for_step.py").write_text("import sys\nif __name__ == '__main__':\n    open('args.json', 'w').write(repr(sys.argv[1:]))\n")
    try:
        run_step("%run -m runmod_for_step -- --input x -- y", (), "open('args.json').read()")
    finally:
        sys.modules.pop("runmod_for_step", None)
    assert (tmp_path / "args.json").read_text() == "['--input', 'x', '--', 'y']"


def test_odd_file_names_and_arguments_enter_the_code_as_literals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    odd = "it's \"{odd}\"; import os #.py"
    (tmp_path / odd).write_text("import sys\nseen = sys.argv\n")
    quoted = odd.replace("'", "'\"'\"'").replace("{", "{{").replace("}", "}}")  # shell quoting; IPython's brace escape
    line = "%run '" + quoted + "' '); os.system(\"x\")' {{x}}"
    code, _ = step_code(line, ("seen",))
    assert "os.system" not in code.replace(repr('); os.system("x")'), "")
    assert run_step(line, ("seen",), "seen") == [odd, '); os.system("x")', "{x}"]


def test_an_expansion_is_left_for_review_never_passed_as_literal_text() -> None:
    for line in ("%run fetch.py {n}", "%run fetch.py $n", "%run {script}"):
        code, outcome = step_code(line, ("top",))
        assert "_run_program" not in code and "run_program" not in outcome.needs, code
        assert "# nbrefactor: review:" in code
        assert outcome.review and "expansion" in outcome.review[0][1]


@pytest.mark.parametrize("option", ["-i", "-p", "-d", "-t -N3"])
def test_options_that_need_ipython_are_review_items_not_translations(option: str) -> None:
    code, outcome = step_code(f"%run {option} tool.py", ("x",))
    assert "_run_program" not in code and outcome.review and not outcome.changes


def test_names_the_notebook_reads_are_bound_from_the_helpers_namespace() -> None:
    code, outcome = step_code("%run helpers.py\nz = helper_value + 1", ("helper_value",))
    assert code == (
        "def step(cfg):\n"
        "    _run_namespace = _run_program('helpers.py', [])\n"
        "    helper_value = _run_namespace['helper_value']\n"
        "    z = helper_value + 1\n"
    )
    assert outcome.needs == {"run_program"}
    assert [why for _, why in outcome.changes] == ["`%run helpers.py` became `_run_program(…)`: the script runs as a program with its arguments in sys.argv, as in IPython"]


def test_each_of_several_runs_in_a_cell_binds_what_its_program_defined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: every `%run` of the cell bound every injected name, so the first raised KeyError('y').
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "b.py").write_text("y = 2\n")
    assert run_step("%run a.py\n%run b.py", ("x", "y"), "(x, y)") == (1, 2)


# --- the fixture models, migrated and verified -------------------------------------------------


def test_the_run_program_launch_packages_compute_what_their_notebooks_compute(tmp_path: Path) -> None:
    from nbrefactor.cli.app import main
    from nbrefactor.migrate.prove import _missing_data
    from nbrefactor.verify.runner import verify

    folder = tmp_path / "run_program_launch"
    shutil.copytree(ROOT / "fixtures" / "notebooks" / "fair7" / "run_program_launch", folder)
    out = tmp_path / "out"
    main(["migrate", str(folder), "--out", str(out), "-j", "1", "--no-prove"])
    for model in ("third_post", "tile_index"):
        steps = (out / model / "src" / model / "steps.py").read_text()
        assert "def _run_program(" in steps and "runpy.run_path" not in steps
        assert _missing_data(out / model) == []  # tile_index.json is the module's output, not missing data
        report = verify([str(folder / f"{model}.ipynb")], str(out / model), timeout=HANG_GUARD)
        assert report.ok, (model, report.verdict, [e.message for e in report.errors])
