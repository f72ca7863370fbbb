"""Compiler defects of issue 9 (points 1-7 and 9), each reproduced by a small notebook written here.

Every test builds its notebook in a temporary folder, compiles it with the real compiler and, where
the defect is about behaviour, runs the generated package (in this process or, for point 3, step by
step in separate processes through pickle files, as the kfp components pass values).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from generated_suite import run_generated_suite, run_with_step_constant_changed
from nbfactory import project, write_notebook

from nbrefactor.audit.catalog import load_catalog
from nbrefactor.audit.engine import audit_notebook
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.project import discover_project
from nbrefactor.cli.app import main
from nbrefactor.compile.plan import model_names, package_name, plan_model
from nbrefactor.config import Settings
from nbrefactor.migrate.one_model import group_models
from deadlines import HANG_GUARD


def plan_for(path: Path, allow: bool = False):
    nb = read_notebook(path, path.name)
    analysis = audit_notebook(nb, Settings(), discover_project(path), load_catalog())
    return plan_model(path.stem, [(analysis.facts, analysis.result.diagnostics)], allow)


def migrate(path: Path, out: Path, *extra: str) -> int:
    return main(["migrate", str(path), "--out", str(out), "--no-cache", *extra])


def run_package(src: Path, code: str, cwd: Path, package: str = "nb") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src), "NBREFACTOR_NO_TRACKING": "1", f"{package.upper()}_NO_TRACKING": "1"}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=HANG_GUARD)


# --- 1. package names: unique, stable, readable -------------------------------------------------------


def long_similar_names(n: int = 200) -> list[str]:
    topics = ["Introducing-Pandas-Objects", "Data-Indexing-and-Selection", "Operations-in-Pandas", "Missing-Values"]
    return [
        f"repo/notebooks/{i // 10:02d}.{i % 10:02d}-{topics[i % 4]}-and-a-Very-Long-Common-Suffix-Part-{i % 7}.ipynb"
        for i in range(n)
    ] + [f"repo/other/{i // 10:02d}.{i % 10:02d}-{topics[i % 4]}-and-a-Very-Long-Common-Suffix-Part-{i % 7}.ipynb" for i in range(20)]


def test_two_hundred_long_similar_names_give_distinct_readable_stable_packages():
    paths = long_similar_names()
    names = model_names(paths)
    packages = [package_name(names[p]) for p in paths]
    assert len(set(packages)) == len(paths)  # no two models share a folder
    assert all(package_name(p) == p for p in packages)  # the plan keeps the name it is given
    assert all(len(p) <= 40 and p.isidentifier() for p in packages)
    # Readable: the cut falls at a word boundary, the words are the notebook's.
    lone = "repo/03.01-Introducing-Pandas-Objects-and-a-Very-Long-Common-Suffix.ipynb"
    first = model_names([lone])[lone]
    assert first.startswith("introducing_pandas_objects_and_a_") and len(first.split("_")[-1]) == 6
    assert set(first.split("_")[:-1]) <= {"introducing", "pandas", "objects", "and", "a", "very", "long"}
    # Two stems that are equal after sanitising are told apart by their folder first.
    assert names[paths[0]].startswith("notebooks_00_00_introducing") and names[paths[200]].startswith("other_00_00_introducing")
    # Stable: the same notebook gets the same name whatever else is in the batch, in any order.
    assert model_names(list(reversed(paths))) == names
    # A notebook no other one collides with keeps its name whatever else is in the batch.
    assert model_names([*paths, lone])[lone] == first
    # Grouping through the batch keeps them distinct too, with declared groups in the mix.
    files = [(Path(p), p) for p in paths]
    groups = group_models(files, {names[paths[3]]: [paths[3]], "report": [paths[4]]})
    folders = [package_name(name) for name, _ in groups]
    assert len(folders) == len(set(folders)) == len(paths)
    assert "report" not in folders


def test_short_names_stay_as_they_were():
    names = model_names(["b/train.ipynb", "a/train.ipynb", "Churn Model (v2).ipynb"])
    assert names == {"b/train.ipynb": "b_train", "a/train.ipynb": "a_train", "Churn Model (v2).ipynb": "churn_model_v2"}


def test_a_batch_of_long_similar_notebooks_writes_one_folder_per_model(tmp_path):
    root = project(tmp_path)
    paths = [f"03.{i:02d}-Introducing-Pandas-Objects-and-Their-Many-Uses-Part-{i}.ipynb" for i in range(3)]
    for i, name in enumerate(paths):
        write_notebook(root / name, [f"value = {i}"])
    out = tmp_path / "out"
    assert main(["migrate", str(root), "--out", str(out), "-j", "1", "--no-cache"]) == 0
    plans = [json.loads(p.read_text()) for p in sorted(out.glob("*/.nbrefactor/plan.json"))]
    assert len(plans) == len(paths)
    assert sorted(Path(p["notebooks"][0]).name for p in plans) == sorted(paths)


# --- 4. a function reads the globals of the moment it is called --------------------------------------


def test_a_function_called_after_its_global_was_rebound_sees_the_latest_binding(tmp_path):
    cells = [
        ("md", "# Settings"), "SCALE = 2",
        ("md", "# Helper"), "def scaled(v):\n    return [x * SCALE for x in v]",
        ("md", "# Change"), "SCALE = 3",
        ("md", "# Write"), "result = scaled([1, 2, 3])\nwith open('out.txt', 'w') as f:\n    f.write(str(result))",
    ]
    root = project(tmp_path)
    path = write_notebook(root / "nb.ipynb", cells)
    plan = plan_for(path)
    steps = {s.name: s for s in plan.steps}
    assert steps["write"].redefined == ("scaled",)
    assert "SCALE" in steps["write"].inputs and "scaled" not in steps["write"].inputs
    out = tmp_path / "out"
    assert migrate(path, out) == 0
    done = run_package(out / "nb" / "src", "from nb.pipeline import run; print(run()['result'])", root)
    assert done.stdout.strip() == "[3, 6, 9]", done.stderr  # what the notebook writes
    assert (root / "out.txt").read_text() == "[3, 6, 9]"


# --- 3. shared references stay in one step --------------------------------------------------------------


def run_steps_in_separate_processes(package_dir: Path, package: str, workdir: Path) -> dict:
    """Each step in its own Python process through the package's runtime (the code the kfp
    components run): inputs and outputs travel as the runtime's files. Returns the last step's values."""
    plan = json.loads((package_dir / ".nbrefactor" / "plan.json").read_text())
    store = workdir / "artifacts-store"
    latest: dict[str, Path] = {}
    for step in plan["steps"]:
        inputs = {n: str(latest[n]) for n in step["inputs"]}
        outputs = {n: str(store / step["name"] / f"{n}.pkl") for n in step["outputs"]}
        code = (
            f"import json, sys; from {package}.runtime import run_step; "
            "args = json.loads(sys.argv[1]); run_step(args['name'], {}, args['inputs'], args['outputs'])"
        )
        payload = json.dumps({"name": step["name"], "inputs": inputs, "outputs": outputs})
        env = {**os.environ, "PYTHONPATH": str(package_dir / "src"), "NBREFACTOR_NO_TRACKING": "1"}
        done = subprocess.run([sys.executable, "-c", code, payload], cwd=workdir, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
        assert done.returncode == 0, f"step {step['name']} failed:\n{done.stderr[-3000:]}"
        latest.update({n: Path(p) for n, p in outputs.items()})
    last = plan["steps"][-1]
    # read back with the runtime's loader: a model crosses steps as its MLflow flavour's folder, not a pickle
    reader = "import json, sys; from nbrefactor_runtime.artifacts import load; print(json.dumps({n: load(p) for n, p in json.loads(sys.argv[1]).items()}, default=repr))"
    paths = json.dumps({n: str(latest[n]) for n in last["outputs"]})
    env = {**os.environ, "PYTHONPATH": str(package_dir / "src")}
    done = subprocess.run([sys.executable, "-c", reader, paths], cwd=workdir, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


OPTIMIZER_CELLS = [
    ("md", "# Model"),
    "class Model:\n    def __init__(self):\n        self.weights = [0.0, 0.0]\n\n\n"
    "class Optimizer:\n    def __init__(self, params, lr):\n        self.params = params\n        self.lr = lr\n\n"
    "    def step(self):\n        for i in range(len(self.params)):\n            self.params[i] += self.lr\n\n\n"
    "model = Model()",
    ("md", "# Optimizer"), "optimizer = Optimizer(model.weights, lr=0.5)",
    ("md", "# Train"), "for epoch in range(100):\n    optimizer.step()",
    ("md", "# Report"), "final_weights = list(model.weights)",
]


def test_an_optimizer_and_its_model_stay_in_one_step_so_training_changes_the_weights_across_processes(tmp_path):
    root = project(tmp_path)
    path = write_notebook(root / "nb.ipynb", OPTIMIZER_CELLS)
    plan = plan_for(path)
    names = [s.name for s in plan.steps]
    assert names == ["model_step", "optimizer_step"], names  # optimizer, train and report merged (`model` is a notebook name)
    assert any("`optimizer` holds a reference to `model`" in r.what for r in plan.review)
    out = tmp_path / "out"
    assert migrate(path, out) == 0
    values = run_steps_in_separate_processes(out / "nb", "nb", root)
    assert values["final_weights"] == [50.0, 50.0]  # training changed the model's weights


def test_a_scaler_fitted_inside_a_pipeline_is_the_pipeline_s_scaler_across_processes(tmp_path):
    cells = [
        ("md", "# Data"), "X = [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 9.0]]\ny = [0, 0, 1, 1]",
        ("md", "# Prepare"),
        "from sklearn.linear_model import LogisticRegression\nfrom sklearn.pipeline import Pipeline\n"
        "from sklearn.preprocessing import StandardScaler\nscaler = StandardScaler()\n"
        "pipe = Pipeline([('scale', scaler), ('clf', LogisticRegression())])",
        ("md", "# Fit"), "pipe.fit(X, y)",
        ("md", "# Inspect"), "centre = [float(v) for v in scaler.mean_]",
    ]
    root = project(tmp_path)
    path = write_notebook(root / "nb.ipynb", cells)
    plan = plan_for(path)
    assert [s.name for s in plan.steps] == ["data", "prepare"]
    out = tmp_path / "out"
    assert migrate(path, out) == 0
    values = run_steps_in_separate_processes(out / "nb", "nb", root)
    assert values["centre"] == [3.0, 4.5]


def test_copies_are_not_links_and_do_not_merge_steps(tmp_path):
    cells = [
        ("md", "# Data"), "X = [[0.0], [1.0], [2.0], [3.0]]\ny = [0, 0, 1, 1]",
        ("md", "# Split"), "from sklearn.model_selection import train_test_split\nX_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)",
        ("md", "# Count"), "n = len(X_train) + len(X)",
    ]
    plan = plan_for(write_notebook(project(tmp_path) / "nb.ipynb", cells))
    assert [s.name for s in plan.steps] == ["data", "split", "count"]


# --- 2. local modules, downloads, environment-only cells --------------------------------------------------

COLAB_CELLS = [
    ("md", "# Setup"),
    "from google.colab import auth, drive\nauth.authenticate_user()\ndrive.mount('/content/drive')",
    "!apt-get install -y graphviz",
    "import getpass\ntoken = getpass.getpass('Token: ')",
    "import os\nos.chdir('drive/My Drive/project')",
    "%%writefile helper_functions.py\ndef double(x):\n    return 2 * x\n",
    ("md", "# Compute"),
    "from helper_functions import double\nimport helpers\nvalue = double(helpers.BASE)",
    ("md", "# Again"),
    "again = helper_functions.double(value) if False else double(value)\nimport helper_functions\nlast = helper_functions.double(1)",
]


def test_a_colab_notebook_compiles_to_a_package_that_imports_and_runs(tmp_path):
    root = project(tmp_path, {"helpers.py": "BASE = 21\n"})
    path = write_notebook(root / "nb.ipynb", COLAB_CELLS)
    out = tmp_path / "out"
    assert migrate(path, out) == 0
    package = out / "nb"
    requirements = (package / "requirements.txt").read_text()
    assert "helper" not in requirements and "google" not in requirements.lower()  # local files are not distributions
    steps = (package / "src" / "nb" / "steps.py").read_text()
    header = steps.split("\ndef ", 1)[0]
    # The module the `%%writefile` cell writes is carried in the package (its text is in the notebook),
    # so a step in a process or container of its own imports it too; the cell's file write stays.
    assert "from .helper_functions import double" in header
    assert (package / "src" / "nb" / "helper_functions.py").read_text() == "def double(x):\n    return 2 * x\n"
    assert "from . import helpers" in header  # the local module, copied into the package
    assert (package / "src" / "nb" / "helpers.py").read_text() == "BASE = 21\n"
    assert "google.colab" not in steps and "apt-get install" not in steps.replace("`!apt-get install -y graphviz`", "")
    assert "getpass" not in steps and "os.environ.get(\"TOKEN\", \"\")" in steps
    migration = (package / "MIGRATION.md").read_text()
    for removed in ("from google.colab import auth, drive", "auth.authenticate_user()", "drive.mount", "!apt-get install -y graphviz", "getpass.getpass", "os.chdir"):
        assert removed in migration, removed
    elsewhere = tmp_path / "elsewhere"  # no helpers.py here: the copy in the package is used
    elsewhere.mkdir()
    done = run_package(package / "src", "from nb.pipeline import run; v = {}; run(on_step=lambda n, values: v.update(values)); print(v['value'], v['last'])", elsewhere)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["42", "2"]


def test_a_module_a_cell_downloads_is_never_a_distribution_nor_hoisted(tmp_path):
    cells = [
        "!wget -q https://example.com/raw/helper_functions.py",
        "from helper_functions import plot_curves\nimport numpy as np\nx = np.arange(3)",
    ]
    plan = plan_for(write_notebook(project(tmp_path) / "nb.ipynb", cells))
    out = tmp_path / "out"
    assert migrate(tmp_path / "nb.ipynb", out, "--allow-hidden-state") == 0
    requirements = (out / "nb" / "requirements.txt").read_text()
    assert "helper" not in requirements and "numpy" in requirements
    steps = (out / "nb" / "src" / "nb" / "steps.py").read_text()
    body = steps.split("\ndef ", 1)[1]
    assert body.index("subprocess.run") < body.index("from helper_functions import plot_curves")
    assert plan.steps


# --- 7. generated tests compare the notebook's values, and fail when a step is broken -------------------


def _executed(count: int, source: str, outputs: list) -> tuple:
    return ("code", source, {"count": count, "outputs": outputs})


# The saved outputs are worked out by hand: 2 * (3 + 5 + 7 + 9) = 48; 48 / 4 = 12.
MUTATION_CELLS = [
    ("md", "# Load"), _executed(1, "values = [3, 5, 7, 9]\nscale = 2", []),
    ("md", "# Compute"),
    _executed(2, "scaled = [v * scale for v in values]\ntotal = sum(scaled)\ntotal",
              [{"output_type": "execute_result", "execution_count": 2, "metadata": {}, "data": {"text/plain": "48"}}]),
    ("md", "# Report"),
    _executed(3, 'print(f"mean {total / len(scaled):.2f}")', [{"output_type": "stream", "name": "stdout", "text": "mean 12.00\n"}]),
]


def test_generated_tests_compare_saved_outputs_and_fail_when_a_step_constant_changes(tmp_path):
    path = write_notebook(project(tmp_path) / "nb.ipynb", MUTATION_CELLS)
    out = tmp_path / "out"
    assert migrate(path, out) == 0
    package = out / "nb"
    tests = (package / "tests" / "test_package.py").read_text()
    assert "def test_value_saved_in_cell_4_1" in tests and "def test_line_printed_in_cell_6_1" in tests
    assert tests.count("_close(") >= 2 and "_same_text(actual" in tests  # the helpers are called
    done = run_generated_suite(package)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "PASSED tests/test_package.py::test_value_saved_in_cell_4_1" in done.stdout
    assert "PASSED tests/test_package.py::test_line_printed_in_cell_6_1" in done.stdout
    # Mutation: change one constant in a generated step; the generated tests must notice.
    broken = run_with_step_constant_changed(package, "scale = 2", "scale = 3")
    assert "FAILED tests/test_package.py::test_value_saved_in_cell_4_1" in broken.stdout
    assert "FAILED tests/test_package.py::test_line_printed_in_cell_6_1" in broken.stdout


# --- 9. dead display statements; loop variables -----------------------------------------------------------

DISPLAY_CELLS = [
    ("md", "# Fit"),
    _executed(1, "from sklearn.neighbors import KNeighborsClassifier\nfrom sklearn.model_selection import cross_val_score\n"
                 "import numpy as np\nimport pandas as pd\n"
                 "x = [[i, i % 3] for i in range(30)]\ny = [i % 2 for i in range(30)]\n"
                 "knn = KNeighborsClassifier(n_neighbors=3)\nknn.fit(x, y)", []),
    ("md", "# Look"),
    _executed(2, "knn.predict([[3, 0]])", [{"output_type": "execute_result", "execution_count": 2, "metadata": {}, "data": {"text/plain": "array([1])"}}]),
    _executed(3, "pd.DataFrame({'y': y})[['y']]", [{"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {"text/plain": "    y\n0  0"}}]),
    _executed(4, "np.average(cross_val_score(knn, x, y, cv=3))", [{"output_type": "execute_result", "execution_count": 4, "metadata": {}, "data": {"text/plain": "np.float64(0.5)"}}]),
    _executed(5, "for row in x:\n    pass\nfor _ in range(2):\n    pass\ndone = True", []),
]


def test_dead_displays_become_logged_numbers_or_are_dropped_with_a_note(tmp_path):
    path = write_notebook(project(tmp_path) / "nb.ipynb", DISPLAY_CELLS)
    plan = plan_for(path)
    look = {s.name: s for s in plan.steps}["look"]
    assert look.outputs == ("done", "shown_cell6")  # no loop variable, no `_`
    assert plan.final == ("done", "shown_cell6")
    out = tmp_path / "out"
    assert migrate(path, out) == 0
    steps = (out / "nb" / "src" / "nb" / "steps.py").read_text()
    assert "knn.predict" not in steps and "pd.DataFrame" not in steps  # dead: shown, then lost
    assert "shown_cell6 = np.average(cross_val_score(knn, x, y, cv=3))" in steps
    migration = (out / "nb" / "MIGRATION.md").read_text()
    assert "`knn.predict([[3, 0]])` dropped" in migration and "`pd.DataFrame({'y': y})[['y']]` dropped" in migration
    assert "it is now the step's value `shown_cell6`" in migration
    done = run_package(out / "nb" / "src", "from nb.pipeline import run; print(sorted(run()))", tmp_path)
    assert done.stdout.strip() == "['done', 'shown_cell6']", done.stderr


# --- 5. step names never shadow notebook names -------------------------------------------------------------


def test_a_heading_named_like_a_notebook_function_does_not_shadow_it(tmp_path):
    cells = [
        ("md", "# Vectors"), "import math\nu = [1, 2, 3]\nv = [4, 5, 6]\n\ndef dot_product(a, b):\n    return sum(x * y for x, y in zip(a, b))",
        ("md", "## Dot product"), "d = dot_product(u, v)",
        ("md", "## Math"), "root = math.sqrt(d)",
        ("md", "## Print"), "print(root)",
    ]
    root = project(tmp_path)
    path = write_notebook(root / "nb.ipynb", cells)
    plan = plan_for(path)
    names = [s.name for s in plan.steps]
    assert names == ["vectors", "dot_product_step", "math_step", "print_step"]
    out = tmp_path / "out"
    assert migrate(path, out) == 0
    done = run_package(out / "nb" / "src", "from nb.pipeline import run; v = {}; run(on_step=lambda n, x: v.update(x)); print(v['d'])", root)
    assert done.stdout.split() == ["5.656854249492381", "32"], done.stderr  # the step's print, then d


# --- 6. classes that close over nothing move to the functions module ---------------------------------------


def test_a_class_defined_in_a_step_moves_and_its_instances_pickle_by_reference(tmp_path):
    cells = [
        ("md", "# Agent"),
        "import random\n\nclass Agent:\n    epsilon: float = 0.1\n\n    def __init__(self, n):\n        self.q = [0.0] * n\n\n"
        "    def act(self):\n        return max(range(len(self.q)), key=lambda i: self.q[i])\n\nagent = Agent(4)",
        ("md", "# Use"), "choice = agent.act()",
    ]
    root = project(tmp_path)
    path = write_notebook(root / "nb.ipynb", cells)
    assert plan_for(path).stages[0].moved_definitions == ("Agent",)
    out = tmp_path / "out"
    assert migrate(path, out) == 0
    code = (
        "import pickle; from nb.pipeline import run; v = {}; run(on_step=lambda n, x: v.update(x)); "
        "a = v['agent']; print(type(a).__module__, type(a).__qualname__, b'nb.functions' in pickle.dumps(a))"
    )
    done = run_package(out / "nb" / "src", code, root)
    assert done.stdout.split() == ["nb.functions", "Agent", "True"], done.stderr


def test_a_class_that_reads_notebook_globals_stays_and_is_listed_for_review(tmp_path):
    cells = [("md", "# Setup"), "N = 4", ("md", "# Agent"), "class Agent:\n    def size(self):\n        return N\n\nagent = Agent()", ("md", "# Use"), "n = agent.size()"]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    plan = plan_for(path)
    assert plan.stages[0].moved_definitions == ()
    assert any("`Agent`" in r.what and "`N`" in r.what for r in plan.review)


IRIS_CELLS = [
    "from sklearn.datasets import load_iris\nfrom sklearn.linear_model import LogisticRegression\n"
    "from sklearn.metrics import accuracy_score\niris = load_iris()\nX = iris.data\ny = iris.target",
    "model = LogisticRegression(max_iter=500)\nmodel.fit(X, y)\npred = model.predict(X)",
    'print("accuracy", accuracy_score(y, pred))',
]


def test_the_printed_accuracy_is_asserted_and_zeroed_features_fail_it(tmp_path):
    """The issue's case: `X = iris.data * 0` must not leave the generated suite green."""
    import contextlib
    import io

    namespace: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):  # the notebook's own output, from its own code
        for source in IRIS_CELLS:
            exec(source, namespace)  # noqa: S102 - the fixture's code, not the code under test
    cells = [("md", "# Data"), _executed(1, IRIS_CELLS[0], []), ("md", "# Train"), _executed(2, IRIS_CELLS[1], []),
             ("md", "# Score"), _executed(3, IRIS_CELLS[2], [{"output_type": "stream", "name": "stdout", "text": printed.getvalue()}])]
    path = write_notebook(project(tmp_path) / "nb.ipynb", cells)
    out = tmp_path / "out"
    assert migrate(path, out) == 0
    package = out / "nb"
    done = run_generated_suite(package)
    assert "PASSED tests/test_package.py::test_line_printed_in_cell_6_1" in done.stdout, done.stdout[-3000:]
    steps = package / "src" / "nb" / "steps.py"
    steps.write_text(steps.read_text().replace("X = iris.data\n", "X = iris.data * 0\n"))
    broken = run_generated_suite(package)
    assert "FAILED tests/test_package.py::test_line_printed_in_cell_6_1" in broken.stdout, broken.stdout[-3000:]
