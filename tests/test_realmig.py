"""Defects found by migrating real teaching notebooks (a machine-learning course repository;
docs/precision.md lists the fair checks), each reduced to a fixture under
fixtures/notebooks/realmig/ written for this repo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nbrefactor.cli.app import main
from deadlines import HANG_GUARD

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "notebooks" / "realmig"


def _migrate(tmp_path: Path, stem: str) -> Path:
    corpus = tmp_path / "notebooks"
    corpus.mkdir()
    shutil.copy(FIXTURES / f"{stem}.ipynb", corpus)
    out = tmp_path / "out"
    main(["migrate", str(corpus), "--out", str(out), "--no-prove", "--progress", "lines"])
    return out / stem


def test_a_file_the_notebook_exports_then_reads_is_its_output_not_missing_data(tmp_path):
    """`export_graphviz(clf, out_file="tree.dot")` then `open("tree.dot")`: the notebook reads the
    file it has just written. Before, the export was not known to write, so the read was taken
    for data that must lie beside the notebook: the generated tests skipped ("data not available
    beside the notebook: tree.dot") and rung 5 failed for a package that runs as its notebook did."""
    package = _migrate(tmp_path, "tree_export")
    steps = (package / "src" / "tree_export" / "steps.py").read_text()
    # Written and read through the same config field, so an override moves both.
    assert "out_file=cfg.iris_tree_dot_path" in steps and "open(cfg.iris_tree_dot_path)" in steps
    assert "\nMISSING = []\n" in (package / "tests" / "test_package.py").read_text()
    # The package's own tests run the pipeline on an empty data folder and pass (not skipped).
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(package / "src"), str(ROOT / "runtime" / "src"), os.environ.get("PYTHONPATH", "")]))
    env.update(NBREFACTOR_NO_TRACKING="1", MPLBACKEND="Agg")  # as rung 4 runs them
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "every_step_runs", "tests"],
        cwd=package, env=env, capture_output=True, text=True, timeout=HANG_GUARD,
    )
    assert run.returncode == 0 and "1 passed" in run.stdout and "skipped" not in run.stdout, run.stdout[-2000:] + run.stderr[-2000:]


def test_a_score_only_printed_is_recorded_and_a_changed_constant_fails_the_generated_tests(tmp_path, capsys):
    """The middle section fits on data the next section replaces: its printed r² is the only trace
    of what it computed. verify compared the printed line, the generated tests did not: a constant
    changed in that section passed them (a real regression notebook's package: 18 passed). Now
    `--record` keeps what each step printed, where verify found the package printing the same
    text, and the generated tests assert it."""
    from generated_suite import run_generated_suite, run_with_step_constant_changed

    notebook = tmp_path / "printed_score.ipynb"
    shutil.copy(FIXTURES / "printed_score.ipynb", notebook)
    out = tmp_path / "out"
    assert main(["migrate", str(notebook), "--out", str(out), "--no-prove"]) == 0
    package = out / "printed_score"
    capsys.readouterr()
    assert main(["verify", str(notebook), str(package), "--record"]) == 0
    assert "and the printed text of 2 steps into tests/notebook_values.json" in capsys.readouterr().out
    recorded = json.loads((package / "tests" / "notebook_values.json").read_text())
    # The notebook's own line (verify's kernel run), not the package's.
    assert recorded["printed"]["a_smaller_range"].startswith("rsquared: 0.")
    done = run_generated_suite(package)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "PASSED tests/test_package.py::test_text_printed_as_in_the_notebook[a_smaller_range]" in done.stdout
    broken = run_with_step_constant_changed(package, "scale=0.5", "scale=0.4")
    assert "FAILED tests/test_package.py::test_text_printed_as_in_the_notebook[a_smaller_range]" in broken.stdout
    assert "step a_smaller_range, printed line 1: package 'rsquared: " in broken.stdout


def test_a_cell_that_only_defines_a_plotting_helper_saves_no_figure(tmp_path):
    """The helper's body calls pyplot, but the cell only defines it: the notebook showed no figure
    there. The package saved one anyway (an empty image named after that cell, before the
    figure the next cell draws)."""
    package = _migrate(tmp_path, "plot_helper")
    steps = (package / "src" / "plot_helper" / "steps.py").read_text()
    functions = (package / "src" / "plot_helper" / "functions.py").read_text()
    assert "def show_importance" in functions
    assert "_cell3_" not in steps, steps  # the defining cell (3rd of the notebook)
    assert steps.count("save_figure(") == 1 and '_cell4_1")' in steps, steps  # the calling cell's plt.show()


def test_the_tests_rung_names_the_whole_error_not_a_cut_summary(tmp_path):
    """Rung 4's reason is pytest's first FAILED/ERROR summary line. pytest cut it to the terminal's
    width, so a real notebook whose data lay in its parent folder was reported as
    `... test_every_step_runs_on_the_notebook_data - File...`: the file was never named."""
    from nbrefactor.migrate.prove import _tests

    package = tmp_path / "pkg"
    (package / "tests").mkdir(parents=True)
    (package / "tests" / "test_package.py").write_text(
        "import pytest\n\n\n@pytest.fixture\ndef run_values():\n    open('../winequality-white.csv')\n\n\n"
        "def test_every_step_runs_on_the_notebook_data(run_values):\n    pass\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["COLUMNS"] = "80"  # the width a CI log or a pipe gives
    ok, detail = _tests(package, Path(sys.executable), tmp_path, env, timeout=HANG_GUARD)
    assert not ok
    assert "FileNotFoundError: [Errno 2] No such file or directory: '../winequality-white.csv'" in detail, detail


def test_unicode_names_stay_in_python_and_get_one_ascii_spelling_for_kfp(tmp_path):
    """A statistics book binds `μ`, `σ_prior`, `données` (PEP 3131 identifiers). The generated-name
    checks were ASCII-only: `migrate` ended in "internal error … please report it". Now the step
    functions keep the names as written, `ﬁt` is the name `fit` (NFKC, as Python reads it), and the
    kfp component parameters, which must be ASCII, spell each name once (`μ` → `mu_<hash>`, since
    the notebook binds `mu` too), in one mapping the pipeline file holds (`KFP_NAMES`)."""
    import ast

    from generated_suite import run_generated_suite, run_with_step_constant_changed

    package = _migrate(tmp_path, "unicode_names")
    report = json.loads((tmp_path / "out" / "migration-report.json").read_text(encoding="utf-8"))
    assert report["models"][0]["problems"] == [] and report["models"][0]["status"] != "failed"
    steps = (package / "src" / "unicode_names" / "steps.py").read_text(encoding="utf-8")
    assert "def posterior(cfg: Config, données, mu, μ, σ_prior):" in steps, steps
    assert "return fit\n" in steps and "def spread_step(cfg: Config, fit):" in steps, steps
    kfp_source = (package / "pipeline" / "kfp_pipeline.py").read_text(encoding="utf-8")
    namespace: dict = {}
    tree = ast.parse(kfp_source)
    spelled = next(n for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "KFP_NAMES")
    exec(compile(ast.Module([spelled], []), "kfp_names", "exec"), namespace)
    names = namespace["KFP_NAMES"]
    assert names["données"] == "donnees" and names["σ_prior"] == "sigma_prior"
    assert names["μ"].startswith("mu_") and names["μ"] != "mu"  # `mu` is the notebook's own name
    parameters = [a.arg for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) for a in f.args.args]
    assert parameters and all(p.isascii() for p in parameters), [p for p in parameters if not p.isascii()]
    assert f"out_{names['μ']}" in parameters and "out_mu" in parameters
    # The real kfp compiler compiled it (migrate does, even with --no-prove).
    assert f"out_{names['μ']}" in (package / "pipeline" / "pipeline.yaml").read_text(encoding="utf-8")
    # The package imports, its tests pass, and they fail when a step computes something else.
    done = run_generated_suite(package)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "PASSED tests/test_package.py::test_value_saved_in_cell_6_1" in done.stdout, done.stdout[-3000:]
    broken = run_with_step_constant_changed(package, "σ_prior = 2.0", "σ_prior = 2.5")
    assert "FAILED tests/test_package.py::test_value_saved_in_cell_6_1" in broken.stdout, broken.stdout[-3000:]


def test_ascii_spellings_are_deterministic_distinct_and_keep_ascii_names():
    from nbrefactor.compile.ascii_names import ascii_spellings

    names = ["μ", "mu", "Σ", "données", "x", "σ_prior", "日本", "λ", "lambda_"]
    spelled = ascii_spellings(names)
    assert spelled == ascii_spellings(reversed(names))  # the set decides, not the order
    assert len(set(spelled.values())) == len(names)
    assert all(v.isascii() and v.isidentifier() for v in spelled.values())
    assert spelled["mu"] == "mu" and spelled["x"] == "x" and spelled["lambda_"] == "lambda_"
    assert spelled["Σ"] == "Sigma" and spelled["données"] == "donnees" and spelled["日本"] == "u65e5u672c"
    assert spelled["λ"] == "lamda"  # the letter's Unicode name


def test_a_cell_the_notebook_shows_raising_is_caught_where_the_kernel_went_on(tmp_path, capsys):
    """A lesson shows `prices["mango"]` raising KeyError, then adds the key and goes on. Compiled
    as is, the package raised there (its generated tests errored: KeyError: 'mango'). Now the step
    runs that cell inside `try: … except KeyError: pass` — the names bound before the raise are
    bound, the one bound by the raising line is not, as in the kernel — and says so as a review
    item; `verify` lets that cell raise that exception when it runs the notebook to compare."""
    from generated_suite import run_generated_suite, run_with_step_constant_changed

    notebook = tmp_path / "demo_error.ipynb"
    shutil.copy(FIXTURES / "demo_error.ipynb", notebook)
    out = tmp_path / "out"
    assert main(["migrate", str(notebook), "--out", str(out), "--no-prove"]) == 0
    package = out / "demo_error"
    steps = (package / "src" / "demo_error" / "steps.py").read_text(encoding="utf-8")
    assert '    try:\n        missing = "mango"\n        price = prices[missing]\n    except KeyError:\n        pass\n' in steps, steps
    migration = (package / "MIGRATION.md").read_text(encoding="utf-8")
    assert "cell 4: the saved notebook shows this cell raising KeyError, and the cells below ran on" in migration, migration
    report = json.loads((out / "migration-report.json").read_text(encoding="utf-8"))
    assert report["models"][0]["status"] == "emitted"  # --no-prove: written (with the review item below), not proven
    assert any("raising KeyError" in item["what"] for item in report["models"][0]["review"]), report["models"][0]["review"]
    # verify runs the notebook past the cell's KeyError (any other exception there still stops it)
    # and finds the package's values equal; the generated tests then assert the recorded values.
    capsys.readouterr()
    assert main(["verify", str(notebook), str(package), "--record"]) == 0, capsys.readouterr().out[-3000:]
    done = run_generated_suite(package)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "PASSED tests/test_package.py::test_every_step_runs_on_the_notebook_data" in done.stdout, done.stdout[-3000:]
    broken = run_with_step_constant_changed(package, "prices[missing] = 2.0", "prices[missing] = 2.5")
    assert "FAILED tests/test_package.py::test_value_recorded_from_the_notebook[final-prices]" in broken.stdout, broken.stdout[-3000:]
    # Another exception in that cell is no demonstration the notebook showed: verify stops there.
    saved = json.loads(notebook.read_text(encoding="utf-8"))
    saved["cells"][3]["source"] = 'missing = "mango"\nprice = 1 / 0'
    notebook.write_text(json.dumps(saved), encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(notebook), str(package), "--format", "json"]) == 1
    [error] = json.loads(capsys.readouterr().out)["errors"]
    assert (error["side"], error["notebook"], error["cell"], error["exception"]) == ("notebook", str(notebook), 4, "ZeroDivisionError"), error


def test_an_import_the_notebook_shows_failing_is_not_claimed_caught(tmp_path):
    """The saved import cell shows ModuleNotFoundError at `from sklearn... import` and the cells
    below ran on. Imports are hoisted to the module's head, so the step wrapped only the cell's
    other line in `try: … except ModuleNotFoundError` and MIGRATION.md said the step catches it:
    a claim about code that could not raise it. Now no catch is written for such a cell and the
    review item says the package fails on import where the module is missing."""
    package = _migrate(tmp_path, "import_error_shown")
    steps = (package / "src" / "import_error_shown" / "steps.py").read_text(encoding="utf-8")
    assert "from sklearn.linear_model import LinearRegression\n" in steps.split("\ndef ", 1)[0], steps
    assert "except ModuleNotFoundError" not in steps and "try:" not in steps, steps
    assert "    scale = 3.0\n" in steps, steps
    migration = (package / "MIGRATION.md").read_text(encoding="utf-8")
    assert "the step catches" not in migration, migration
    assert ("cell 2: the saved notebook shows an import of this cell raising ModuleNotFoundError" in migration
            and "fails on import where that module is missing" in migration), migration


def test_a_shown_error_at_an_indented_or_edited_import_line_is_still_caught():
    """Only an unindented import line, as saved, is hoisted: an import inside `try`/`if` stays in
    the step, and a cell edited since its traceback is not judged from it."""
    from nbrefactor.audit.types import Cell, Output
    from nbrefactor.compile.transform import raised_at_top_level_import

    def cell(source: str, line: int, code: str) -> Cell:
        text = f"\x1b[0;31mModuleNotFoundError\x1b[0m Traceback\n\x1b[0;32m----> {line} \x1b[0m{code}\n"
        return Cell(index=2, cell_type="code", source=source, outputs=(Output("error", text, "ModuleNotFoundError: x"),))

    assert raised_at_top_level_import(cell("import os\nimport lib_x\n", 2, "import lib_x"))
    assert not raised_at_top_level_import(cell("if True:\n    import lib_x\n", 2, "    import lib_x"))
    assert not raised_at_top_level_import(cell("import os\nimport lib_y\n", 2, "import lib_x"))
    assert not raised_at_top_level_import(cell("import os\nlib_x.load()\n", 2, "lib_x.load()"))


def test_verify_seeds_the_package_before_importing_it_as_the_kernel_before_the_first_cell(tmp_path, capsys):
    """`lottery_tools` draws from `random` when imported, then the notebook's `random.sample` is
    unseeded. Under `--seed 0` the kernel was seeded before the notebook's imports, the package
    only after its module was imported: the faithful package's sample differed (FAILED, and the
    default verify said the mismatches stand after its seeded re-check)."""
    for name in ("seeded_draw.ipynb", "lottery_tools.py"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    notebook = tmp_path / "seeded_draw.ipynb"
    out = tmp_path / "out"
    assert main(["migrate", str(notebook), "--out", str(out), "--no-prove"]) == 0
    capsys.readouterr()
    assert main(["verify", str(notebook), str(out / "seeded_draw"), "--once", "--seed", "0", "--format", "json"]) == 0, capsys.readouterr().out[-3000:]
    report = json.loads(capsys.readouterr().out)
    compared = {c["name"]: c["status"] for step in report["steps"] for c in step["checks"]}
    assert compared.get("winners") == "matched" and compared.get("salted") == "matched", report["steps"]


def test_the_catch_is_only_the_exception_the_notebook_showed():
    """A library's exception (only its class name is saved) is matched by name; any other
    exception in that cell still propagates."""
    import libcst as cst

    from nbrefactor.compile.transform import catching, function_body

    body = [cst.parse_statement("done.append(1)\n"), cst.parse_statement("raise kind()\n")]
    code = cst.Module(body=[cst.parse_statement("def step(done, kind):\n    pass\n").with_changes(body=function_body(catching(body, "ParserError")))]).code
    namespace: dict = {}
    exec(code, namespace)

    class ParserError(Exception):
        pass

    done: list = []
    namespace["step"](done, ParserError)  # caught, after the statement before it ran
    assert done == [1]
    with pytest.raises(ValueError):
        namespace["step"](done, ValueError)
