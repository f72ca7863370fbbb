"""The compiler: sections, data flow, transforms, package files, safe writes, and generated tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nbfactory import project, write_notebook
from nbrefactor.audit.analysis import analyse_notebook
from nbrefactor.audit.catalog import load_catalog
from nbrefactor.cli.app import main
from nbrefactor.compile.plan import model_names, package_name, plan_model
from nbrefactor.compile.sections import identifier, split_sections
from nbrefactor.config import Settings
from nbrefactor.audit.engine import audit_notebook
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.project import discover_project

DATA = "a,b,y\n" + "\n".join(f"{i},{(i * 7) % 11},{i % 2}" for i in range(40)) + "\n"


def plan_for(path: Path, allow: bool = False):
    nb = read_notebook(path, path.name)
    analysis = audit_notebook(nb, Settings(), discover_project(path), load_catalog())
    return plan_model(path.stem, [(analysis.facts, analysis.result.diagnostics)], allow)


def run_cli(*args: str) -> int:
    return main(list(args))


# --- naming and sections ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1. Load the data!", "load_the_data"), ("Évaluation", "evaluation"), ("class", "class_step"), ("", "step"), ("42", "step"),
     # Cyrillic and Greek are spelled in Latin letters (they have no NFKD ASCII form and all became `step`).
     ("Загрузка данных", "zagruzka_dannykh"), ("Семинар 1. Линейная регрессия", "seminar_1_lineynaya_regressiya"),
     ("Щука, ёж и хлеб", "shchuka_ezh_i_khleb"), ("Підготовка", "pidgotovka"), ("Θεωρία", "theoria")],
)
def test_identifier_is_a_valid_python_name(text, expected):
    assert identifier(text) == expected


def test_model_names_are_unique_and_deterministic():
    names = model_names(["b/train.ipynb", "a/train.ipynb", "Churn Model (v2).ipynb", "01_prep.ipynb"])
    assert names["Churn Model (v2).ipynb"] == "churn_model_v2"
    assert names["a/train.ipynb"] == "a_train" and names["b/train.ipynb"] == "b_train"
    assert package_name("01 prep") == "prep"
    assert model_names(["b/train.ipynb", "a/train.ipynb"]) == model_names(["a/train.ipynb", "b/train.ipynb"])


def test_sections_come_from_markdown_headings(tmp_path):
    path = write_notebook(project(tmp_path) / "nb.ipynb", [("md", "# Load data"), "x = 1", ("md", "Some prose"), "y = x + 1", ("md", "## Train model"), "z = y * 2"])
    facts = analyse_notebook(read_notebook(path, "nb.ipynb"))
    sectioning = split_sections(facts, "nb")
    assert sectioning.source == "markdown-headings"
    assert [(s.name, s.cell_indices) for s in sectioning.sections] == [("load_data", (2, 4)), ("train_model", (6,))]


def test_headings_without_a_latin_spelling_name_their_steps_by_place(tmp_path):
    # mig15: a notebook's non-Latin headings gave the steps `step`, `step_step`, `step_step_2`.
    cells = [("md", "# 数据加载"), "x = 1", ("md", "## Обучение"), "y = x + 1", ("md", "## 模型评估"), "z = y * 2"]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    sectioning = split_sections(analyse_notebook(read_notebook(path, "nb.ipynb")), "nb")
    assert [s.name for s in sectioning.sections] == ["step_1", "obuchenie", "step_3"]
    assert [s.title for s in sectioning.sections] == ["数据加载", "Обучение", "模型评估"]


def test_step_names_come_from_the_heading_words_not_its_html_anchor_or_link_target(tmp_path):
    # fair check 13: tutorial notebooks end headings with a table-of-contents anchor; every step
    # was named `..._a_class_anchor_id_...` from the tag's attributes.
    cells = [
        ("md", '## 1. Dataset <a class="anchor" id="dataset"></a>'), "x = 1",
        ("md", "## [Training](https://example.org/docs#train) the model"), "y = x + 1",
        ("md", '## <a id="only-markup"></a>'), "z = y * 2",
    ]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    sectioning = split_sections(analyse_notebook(read_notebook(path, "nb.ipynb")), "nb")
    assert [s.name for s in sectioning.sections] == ["dataset", "training_the_model", "a_id_only_markup_a"]
    assert [s.title for s in sectioning.sections][:2] == ["1. Dataset", "Training the model"]


def test_kale_tags_win_over_headings_and_skip_cells_are_left_out(tmp_path):
    cells = [
        ("code", "import pandas as pd", {"tags": ["imports"]}),
        ("md", "# Heading"),
        ("code", "x = 1", {"tags": ["block:load"]}),
        ("code", "x += 1", {}),
        ("code", "print('debug')", {"tags": ["skip"]}),
        ("code", "y = x * 2", {"tags": ["block:train", "prev:load"]}),
    ]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    sectioning = split_sections(analyse_notebook(read_notebook(path, "nb.ipynb")), "nb")
    assert sectioning.source == "kale-tags"
    steps = [(s.name, s.cell_indices, s.prev) for s in sectioning.sections if s.role == "step"]
    assert steps == [("load", (3, 4), ()), ("train", (6,), ("load",))]
    assert [ca.cell.index for ca in sectioning.skipped] == [5]


# --- data flow -----------------------------------------------------------------------------------


def test_in_place_mutation_in_a_later_section_is_returned_by_it(tmp_path):
    """Soorgeon's bug: section 2 only mutates df; section 3 must get the mutated frame from it."""
    cells = [("md", "# Load"), "import pandas as pd\ndf = pd.DataFrame({'a': [1, None, 3]})", ("md", "# Clean"), "df.dropna(inplace=True)", ("md", "# Use"), "n = len(df)"]
    plan = plan_for(write_notebook(project(tmp_path) / "nb.ipynb", cells))
    steps = {s.name: s for s in plan.steps}
    assert steps["clean"].inputs == ("df",) and steps["clean"].outputs == ("df",)
    assert steps["use"].inputs == ("df",)
    assert plan.final == ("n",)


def test_parameters_are_exactly_the_names_read_from_earlier_sections(tmp_path):
    cells = [("md", "# A"), "a = 1\nb = 2\nunused = 3", ("md", "# B"), "c = a + 1\ntmp = 5\nc += tmp", ("md", "# C"), "result = c * b"]
    plan = plan_for(write_notebook(project(tmp_path) / "nb.ipynb", cells))
    steps = {s.name: s for s in plan.steps}
    # Step names never take a name the notebook binds: the headings `A`, `B`, `C` name `a_step`…
    assert (steps["a_step"].inputs, steps["a_step"].outputs) == ((), ("a", "b"))
    assert (steps["b_step"].inputs, steps["b_step"].outputs) == (("a",), ("c",))
    assert (steps["c_step"].inputs, steps["c_step"].outputs) == (("b", "c"), ("result",))


def test_functions_reading_only_imports_move_and_functions_reading_globals_stay(tmp_path):
    cells = [
        ("md", "# Setup"),
        "import math\nTHRESHOLD = 2\n\ndef scale(x):\n    return math.sqrt(x)\n\ndef above(x):\n    return x > THRESHOLD",
        ("md", "# Use"),
        "flags = [above(scale(v)) for v in (1, 9, 16)]",
    ]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    plan = plan_for(path)
    assert plan.stages[0].moved_definitions == ("scale",)
    steps = {s.name: s for s in plan.steps}
    assert steps["use"].inputs == ("above",)  # the closure flows like any other value
    out = tmp_path / "out"
    assert run_cli("migrate", str(path), "--out", str(out)) == 0
    functions = (out / "nb" / "src" / "nb" / "functions.py").read_text()
    assert "def scale" in functions and "def above" not in functions and "import math" in functions
    result = subprocess.run(
        [sys.executable, "-c", "from nb.pipeline import run; print(run()['flags'])"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(out / "nb" / "src")}, capture_output=True, text=True,
    )
    assert result.stdout.strip() == "[False, True, True]", result.stderr


def test_a_forward_reference_blocks_the_compile_unless_allowed(tmp_path, capsys):
    cells = ["total = price * 2", "price = 10"]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    out = tmp_path / "out"
    assert run_cli("migrate", str(path), "--out", str(out)) == 1
    text = capsys.readouterr().out
    assert "blocked" in text and "cell 1" in text and "price" in text
    assert not (out / "nb").exists()
    assert run_cli("migrate", str(path), "--out", str(out), "--allow-hidden-state") == 0
    assert "HID004" in (out / "nb" / "MIGRATION.md").read_text()


# --- transforms ------------------------------------------------------------------------------------


def test_magics_become_explicit_code_or_review_items(tmp_path):
    cells = [
        "%matplotlib inline\n%pip install requests==2.31.0\nimport os",
        "files = !ls\n!echo hello",
        "%%writefile notes.txt\nhello notes",
        "%store -r something_else",
        "%%time\nx = len(files)",
    ]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    out = tmp_path / "out"
    assert run_cli("migrate", str(path), "--out", str(out), "--allow-hidden-state") == 0
    steps = "".join((out / "nb" / "src" / "nb" / "steps.py").read_text().split())  # black may wrap lines
    # stderr joins stdout, as IPython's getoutput does for `x = !cmd`
    assert 'files=subprocess.run("ls",shell=True,stdout=subprocess.PIPE,stderr=subprocess.STDOUT,text=True).stdout.splitlines()' in steps
    assert 'subprocess.run("echohello",shell=True)' in steps
    assert 'withopen("notes.txt","w")as_handle:' in steps
    assert "x=len(files)" in steps
    assert "%matplotlib" not in steps.replace("`%matplotlibinline`", "")
    migration = (out / "nb" / "MIGRATION.md").read_text()
    assert "%store -r something_else" in migration and "For a person to review" in migration
    requirements = (out / "nb" / "requirements.txt").read_text()
    assert "requests==2.31.0  # pip-magic" in requirements


def test_multiline_strings_keep_their_content_inside_functions(tmp_path):
    cells = ['QUERY = """\nSELECT *\n  FROM t\n"""\nn = len(QUERY)']
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    out = tmp_path / "out"
    assert run_cli("migrate", str(path), "--out", str(out)) == 0
    result = subprocess.run(
        [sys.executable, "-c", "from nb.pipeline import run; print(repr(run()['QUERY']))"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(out / "nb" / "src")}, capture_output=True, text=True,
    )
    assert result.stdout.strip() == repr("\nSELECT *\n  FROM t\n"), result.stderr


# --- the package -----------------------------------------------------------------------------------


def churn_project(tmp_path: Path) -> Path:
    root = project(tmp_path, {"data.csv": DATA})
    cells = [
        ("md", "# Load"),
        ("code", "import pandas as pd\ndf = pd.read_csv('data.csv')\ndf.shape", {"count": 1, "outputs": [{"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"text/plain": "(40, 3)"}}]}),
        ("md", "# Train"),
        ("code", "from sklearn.linear_model import LogisticRegression\nmodel = LogisticRegression(max_iter=200)\nmodel.fit(df[['a', 'b']], df.y)\naccuracy = model.score(df[['a', 'b']], df.y)", {"count": 2}),
        ("code", "df.to_csv('out/scored.csv')\nround(accuracy, 4)", {"count": 3, "outputs": []}),
    ]
    return write_notebook(root / "churn.ipynb", cells)


def test_generated_package_files_and_its_own_tests_pass(tmp_path):
    path = churn_project(tmp_path)
    (tmp_path / "out").mkdir()
    out = tmp_path / "build"
    assert run_cli("migrate", str(path), "--out", str(out)) == 0
    pkg = out / "churn"
    for name in ("pyproject.toml", "README.md", "MIGRATION.md", "requirements.txt", "environment.yml", "src/churn/config.py",
                 "src/churn/pipeline.py", "src/churn/steps.py", "src/churn/__main__.py", "tests/test_package.py", "tests/data/data.csv", ".nbrefactor/plan.json"):
        assert (pkg / name).is_file(), name
    plan = json.loads((pkg / ".nbrefactor/plan.json").read_text())
    assert [s["name"] for s in plan["steps"]] == ["load", "train"]
    assert "python=3.11" in (pkg / "environment.yml").read_text()
    assert 'data_csv_path: str = "data.csv"' in (pkg / "src/churn/config.py").read_text()
    tests = (pkg / "tests/test_package.py").read_text()
    assert "(40, 3)" in tests  # the saved `df.shape` output became an assertion
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=pkg, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_console_script_defaults_reproduce_the_notebook_and_flags_override(tmp_path):
    path = churn_project(tmp_path)
    (tmp_path / "out").mkdir()
    out = tmp_path / "build"
    assert run_cli("migrate", str(path), "--out", str(out)) == 0
    env = {**os.environ, "PYTHONPATH": str(out / "churn" / "src")}
    result = subprocess.run([sys.executable, "-m", "churn"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "scored.csv").is_file()  # the same file the notebook wrote
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "copy.csv").write_text(DATA)
    result = subprocess.run([sys.executable, "-m", "churn", "--data-csv-path", "other/copy.csv", "--scored-csv-path", "other/s.csv"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "other" / "s.csv").is_file()
    env["CHURN_SCORED_CSV_PATH"] = "other/t.csv"
    subprocess.run([sys.executable, "-m", "churn"], cwd=tmp_path, env=env, check=True, capture_output=True)
    assert (tmp_path / "other" / "t.csv").is_file()


def test_same_input_gives_byte_identical_output_and_a_rerun_touches_nothing(tmp_path, capsys):
    path = churn_project(tmp_path)
    out1, out2 = tmp_path / "one", tmp_path / "two"
    assert run_cli("migrate", str(path), "--out", str(out1)) == 0
    assert run_cli("migrate", str(path), "--out", str(out2)) == 0
    files1 = {p.relative_to(out1): p.read_bytes() for p in out1.rglob("*") if p.is_file()}
    files2 = {p.relative_to(out2): p.read_bytes() for p in out2.rglob("*") if p.is_file()}
    assert files1 == files2
    before = {p: p.stat().st_mtime_ns for p in out1.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert run_cli("migrate", str(path), "--out", str(out1)) == 0
    assert "unchanged" in capsys.readouterr().out
    assert before == {p: p.stat().st_mtime_ns for p in out1.rglob("*") if p.is_file()}


def test_never_overwrites_a_folder_or_file_it_did_not_write_without_force(tmp_path, capsys):
    path = churn_project(tmp_path)
    out = tmp_path / "build"
    (out / "churn").mkdir(parents=True)
    (out / "churn" / "mine.txt").write_text("precious")
    assert run_cli("migrate", str(path), "--out", str(out)) == 1
    assert "not written by nbrefactor" in capsys.readouterr().out
    assert (out / "churn" / "mine.txt").read_text() == "precious"
    assert run_cli("migrate", str(path), "--out", str(out), "--force") == 0
    steps = out / "churn" / "src" / "churn" / "steps.py"
    steps.write_text(steps.read_text() + "\n# my edit\n")
    assert run_cli("migrate", str(path), "--out", str(out)) == 1
    assert "edited since" in capsys.readouterr().out
    assert steps.read_text().endswith("# my edit\n")


def test_dry_run_prints_the_plan_and_writes_nothing(tmp_path, capsys):
    path = churn_project(tmp_path)
    out = tmp_path / "build"
    assert run_cli("migrate", str(path), "--out", str(out), "--dry-run") == 0
    text = capsys.readouterr().out
    assert "step load" in text and "returns df" in text and "config data_csv_path = 'data.csv'" in text
    assert not out.exists()


def test_input_notebook_is_never_modified(tmp_path):
    path = churn_project(tmp_path)
    before = path.read_bytes(), path.stat().st_mtime_ns
    run_cli("migrate", str(path), "--out", str(tmp_path / "build"))
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_two_notebooks_grouped_into_one_model_get_a_stage_module_each(tmp_path):
    root = project(tmp_path, {"raw.csv": DATA})
    write_notebook(root / "01_prep.ipynb", ["import pandas as pd\ndf = pd.read_csv('raw.csv')\ndf['s'] = df.a + df.b\ndf.to_csv('clean.csv', index=False)"])
    write_notebook(root / "02_train.ipynb", ["import pandas as pd\nclean = pd.read_csv('clean.csv')\ntotal = int(clean.s.sum())"])
    out = tmp_path / "build"
    assert run_cli("migrate", str(root), "--out", str(out), "--model", "churn=01_prep.ipynb,02_train.ipynb") == 0
    src = out / "churn" / "src" / "churn"
    assert (src / "prep.py").is_file() and (src / "train.py").is_file()
    result = subprocess.run(
        [sys.executable, "-c", "from churn.pipeline import run; print(run()['total'])"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(src.parent)}, capture_output=True, text=True,
    )
    expected = sum(i + (i * 7) % 11 for i in range(40))
    assert result.stdout.strip() == str(expected), result.stderr


def test_one_bad_notebook_does_not_stop_the_batch(tmp_path, capsys):
    root = project(tmp_path, {"data.csv": DATA})
    churn_project(tmp_path)
    (root / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    out = tmp_path / "build"
    code = run_cli("migrate", str(root), "--out", str(out))
    text = capsys.readouterr().out
    assert code == 2  # unreadable input, and the rest of the batch still migrated
    assert "broken.ipynb: invalid JSON" in text
    assert (out / "churn" / "pyproject.toml").is_file()


def test_a_notebook_without_code_is_skipped_not_compiled(tmp_path, capsys):
    path = write_notebook(project(tmp_path) / "notes.ipynb", [("md", "# Only prose"), "   "])
    out = tmp_path / "build"
    assert run_cli("migrate", str(path), "--out", str(out)) == 0
    assert "skipped" in capsys.readouterr().out
    assert not (out / "notes").exists()


def test_models_declared_in_pyproject_group_notebooks(tmp_path):
    root = project(tmp_path, {"raw.csv": DATA})
    (root / "pyproject.toml").write_text('[tool.nbrefactor.models]\nscoring = ["prep.ipynb", "score.ipynb"]\n', encoding="utf-8")
    write_notebook(root / "prep.ipynb", ["import pandas as pd\npd.read_csv('raw.csv').to_csv('mid.csv', index=False)"])
    write_notebook(root / "score.ipynb", ["import pandas as pd\nn = len(pd.read_csv('mid.csv'))"])
    out = tmp_path / "build"
    assert run_cli("migrate", str(root), "--out", str(out)) == 0
    plan = json.loads((out / "scoring" / ".nbrefactor" / "plan.json").read_text())
    assert [Path(nb).name for nb in plan["notebooks"]] == ["prep.ipynb", "score.ipynb"]
    packages = [p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != "report"]
    assert packages == ["scoring"]


def test_names_injected_by_percent_run_are_bound_from_the_script(tmp_path):
    root = project(tmp_path, {"helpers.py": "def double(x):\n    return 2 * x\n\nOFFSET = 1\n"})
    path = write_notebook(root / "nb.ipynb", [("md", "# Setup"), "%run helpers.py", ("md", "# Use"), "value = double(20) + OFFSET"])
    plan = plan_for(path)
    assert plan.stages[0].injected == {2: ("OFFSET", "double")}
    steps = {s.name: s for s in plan.steps}
    assert steps["use"].inputs == ("OFFSET", "double")
    out = tmp_path / "out"
    assert run_cli("migrate", str(path), "--out", str(out)) == 0
    result = subprocess.run(
        [sys.executable, "-c", "from nb.pipeline import run; print(run()['value'])"],
        cwd=root, env={**os.environ, "PYTHONPATH": str(out / "nb" / "src"), "NB_NO_TRACKING": "1"}, capture_output=True, text=True,
    )
    assert result.stdout.strip() == "41", result.stderr


def test_secrets_never_reach_the_package(tmp_path):
    key = "AKIAIOSFODNN7EXAMPLE"
    cells = [
        f"import os\naws_access_key_id = '{key}'\nlength = len(aws_access_key_id)",
        f"%env AWS_ACCESS_KEY_ID={key}",
    ]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    out = tmp_path / "out"
    assert run_cli("migrate", str(path), "--out", str(out), "--no-cache") == 0
    package = out / "nb"
    leaked = [p for p in package.rglob("*") if p.is_file() and key in p.read_text(errors="ignore")]
    assert leaked == []
    config = (package / "src" / "nb" / "config.py").read_text()
    assert 'aws_access_key_id: str = ""' in config and "NB_AWS_ACCESS_KEY_ID" in config
    steps = (package / "src" / "nb" / "steps.py").read_text()
    assert "aws_access_key_id = cfg.aws_access_key_id" in steps


def test_a_credential_used_in_several_cells_reaches_the_package_in_none(tmp_path):
    # SEC003 reports one value once (the later uses are its related locations): every use must
    # still become the config field, or the literal would stay in the generated code.
    key = "Q7XK2M9PLW4ZB8TR"
    cells = [
        "def fetch(symbol, api_key):\n    return symbol.lower()",
        f"acme = fetch('ACME', api_key='{key}')",
        f"initech = fetch('INIT', api_key='{key}')\nprint(acme, initech)",
    ]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    out = tmp_path / "out"
    assert run_cli("migrate", str(path), "--out", str(out), "--no-cache") == 0
    package = out / "nb"
    # Not the key, nor its masked form (`"Q7XK********"` would be a broken call, not a config read).
    leaked = [p for p in package.rglob("*.py") if key[:4] in p.read_text(errors="ignore")]
    assert leaked == []
    steps = (package / "src" / "nb" / "steps.py").read_text()
    assert steps.count("api_key=cfg.") == 2


def test_a_model_fitted_in_a_step_is_returned_even_if_no_later_step_reads_it(tmp_path):
    cells = [
        ("md", "# Train"),
        "from sklearn.linear_model import LinearRegression\nmodel = LinearRegression()\nmodel.fit([[0], [1], [2]], [0, 1, 2])\nscore = model.score([[3]], [3]) if False else 1.0",
        ("md", "# Report"),
        "print(score)",
    ]
    plan = plan_for(write_notebook(project(tmp_path) / "nb.ipynb", cells))
    steps = {s.name: s for s in plan.steps}
    assert steps["train"].outputs == ("model", "score")
