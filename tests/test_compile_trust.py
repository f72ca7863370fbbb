"""Compiler trust (session 31): what the trial on a course repository's notebooks left and the
trial on a competition repository found, each reduced to a fixture under
fixtures/notebooks/trial14/ written for this repo (fair13/uv_workspace for the workspace pins).

- an import nothing reads is kept unless its module is known side-effect free (rules/imports.toml);
- a global generator seeded once and drawn from in later steps draws the notebook's numbers there
  (Python's and torch's state is carried; TensorFlow's cannot be, and MIGRATION.md says so);
- the requirements pin from a uv workspace's lock only for a notebook importing a member, as the
  audit declares it;
- `if __name__ == "__main__":` in a cell held in the kernel: its body runs in the step.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from trial_helpers import copy_trial, migrate_unproven

from nbrefactor.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
TRIAL = ROOT / "fixtures" / "notebooks" / "trial14"


def _copy(tmp_path: Path, *names: str) -> Path:
    return copy_trial(TRIAL, tmp_path, *names)


def _verified(notebook: Path, package: Path, capsys) -> dict[str, str]:  # noqa: ANN001
    capsys.readouterr()
    code = main(["verify", str(notebook), str(package), "--once", "--format", "json"])
    text = capsys.readouterr().out
    assert code == 0, text[-3000:]
    report = json.loads(text)
    assert report["counts"]["mismatched"] == 0, report["counts"]
    # values each step returned, and what each step printed ("stdout of step <name>")
    return {c["name"]: c["status"] for step in report["steps"] for c in step["checks"]} | {p["name"]: p["status"] for p in report["printed"]}


# --- imports kept for what importing them does ---------------------------------------------------


def test_an_unread_import_that_registers_an_accessor_is_kept_and_the_package_computes_the_notebooks_value(tmp_path, capsys):
    """`import frame_units` adds `DataFrame.units` when imported; no name of it is read. The
    compiler left the import out and the step raised AttributeError at `parcels.units`."""
    notebook = _copy(tmp_path, "registered_accessor.ipynb", "frame_units.py", "requirements.txt")
    package = migrate_unproven(notebook, tmp_path / "out")
    steps = (package / "src" / "registered_accessor" / "steps.py").read_text(encoding="utf-8")
    head = steps.split("\ndef ", 1)[0]
    assert "from . import frame_units  # noqa: F401\n" in head, head
    compared = _verified(notebook, package, capsys)
    assert compared.get("grams") == "matched", compared


def _block(source: str, used: set[str], local: frozenset[str] = frozenset(), catalog=None) -> list[str]:  # noqa: ANN001
    import libcst as cst

    from nbrefactor.compile.emit import _import_block
    from nbrefactor.compile.pure_imports import ImportPurity

    module = cst.parse_module(source)
    return [line for line in _import_block(list(module.body), used, set(), local, ImportPurity.from_catalog(catalog))
            if not line.startswith("#")]


def test_an_unread_import_is_left_out_only_when_its_module_is_catalogued_side_effect_free():
    lines = _block(
        "import os\nimport numpy as np\nimport seaborn as sns\nfrom sklearn.experimental import enable_iterative_imputer\n"
        "from sklearn.impute import SimpleImputer\nimport tqdm.auto\nimport this\nfrom sklearn import experimental\n"
        "import pandas as pd\nfrom matplotlib import pyplot as plt\n",
        used={"pd"},
    )
    assert lines == [
        "import seaborn as sns  # noqa: F401",
        "from sklearn.experimental import enable_iterative_imputer  # noqa: F401",
        "import tqdm.auto  # noqa: F401",
        "import this  # noqa: F401",
        "from sklearn import experimental  # noqa: F401",
        "import pandas as pd",
    ], lines


def test_a_project_catalogue_can_declare_its_own_modules_side_effect_free(tmp_path):
    from nbrefactor.audit.catalog import load_catalog

    (tmp_path / "imports.toml").write_text('[imports]\npure = ["house_style"]\nacting = ["numpy.distutils"]\n')
    catalog = load_catalog((str(tmp_path),))
    assert _block("import house_style\nimport numpy.distutils\nimport numpy.linalg\n", used=set(), catalog=catalog) == [
        "import numpy.distutils  # noqa: F401"]


def test_the_notebooks_own_modules_are_kept_whatever_the_catalogue_says():
    from nbrefactor.audit.catalog import Catalog

    catalog = Catalog({"imports": {"imports": {"pure": ["helpers"]}}})
    assert _block("import helpers\n", used=set(), local=frozenset({"helpers"}), catalog=catalog) == [
        "from . import helpers  # noqa: F401"]


# --- global generators seeded once, drawn from later ---------------------------------------------


def test_python_and_torch_seeded_once_draw_the_notebooks_numbers_in_later_steps(tmp_path, capsys):
    """`random.seed(11)` and `torch.manual_seed(11)` in the first section, draws in the next two:
    the package's steps draw what the notebook drew (verify, one process), and the same run as
    separate processes (rung 5) gives the in-process values (the states are carried)."""
    pytest.importorskip("torch", reason="torch is not installed (scripts/venv.sh installs it with the test extras)")
    from nbrefactor.migrate.prove import _pipeline

    notebook = _copy(tmp_path, "seeded_once.ipynb", "requirements.txt")
    package = migrate_unproven(notebook, tmp_path / "out")
    steps = (package / "src" / "seeded_once" / "steps.py").read_text(encoding="utf-8")
    assert steps.count("_nbrefactor_random.setstate(") == 2 and steps.count("_nbrefactor_torch.set_rng_state(") == 2, steps
    compared = _verified(notebook, package, capsys)
    # `picks` and `noise_sum` are only printed (no later step reads them): the step's stdout is compared
    assert all(compared.get(name) == "matched" for name in ("stdout of step draw", "more", "weights", "stdout of step draw_again")), compared
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update({"PYTHONPATH": str(package / "src"), "NBREFACTOR_NO_TRACKING": "1", "SEEDED_ONCE_NO_TRACKING": "1", "PYTHONHASHSEED": "0"})
    (tmp_path / "work").mkdir()
    ok, detail = _pipeline("seeded_once", package, Path(sys.executable), tmp_path / "work", env, 300)
    assert ok and detail.startswith("3 steps in separate processes"), detail


def test_tensorflow_seeded_once_and_drawn_later_is_a_review_item_not_a_silent_difference(tmp_path):
    notebook = _copy(tmp_path, "tf_seeded_once.ipynb", "requirements.txt")
    package = migrate_unproven(notebook, tmp_path / "out")
    migration = (package / "MIGRATION.md").read_text(encoding="utf-8")
    assert ("cell 4: TensorFlow/Keras's global generator is seeded in cell 2 and drawn from here, in step `initial_weights`: "
            "its state cannot be carried") in migration, migration
    assert "the step starts unseeded" in migration
    # Nothing is pretended: no state of TensorFlow's travels between the steps.
    assert "_nbrefactor_" not in (package / "src" / "tf_seeded_once" / "steps.py").read_text(encoding="utf-8")


def test_a_carried_library_is_no_review_item(tmp_path):
    notebook = _copy(tmp_path, "seeded_once.ipynb", "requirements.txt")
    package = migrate_unproven(notebook, tmp_path / "out")
    assert "global generator is seeded" not in (package / "MIGRATION.md").read_text(encoding="utf-8")


# --- uv workspace pins ---------------------------------------------------------------------------


def test_the_requirements_pin_from_a_workspace_lock_only_where_the_audit_declares_it(tmp_path):
    """The client notebook imports no workspace member: the audit says pandas is declared by no
    manifest (DEP002), yet its requirements said `pandas==2.2.2  # manifest`, the lock's pin.
    The tour, importing a member, keeps the lock's pins."""
    shutil.copytree(ROOT / "fixtures" / "notebooks" / "fair13" / "uv_workspace", tmp_path / "uv_workspace")
    out = tmp_path / "out"
    client = migrate_unproven(tmp_path / "uv_workspace" / "examples" / "cloud_client.ipynb", out)
    tour = migrate_unproven(tmp_path / "uv_workspace" / "docs" / "tour.ipynb", out)
    client_pins = (client / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "pandas==2.2.2  # manifest" not in client_pins, client_pins
    assert not any("# manifest" in line for line in client_pins), client_pins
    assert "DEP002" in (client / "MIGRATION.md").read_text(encoding="utf-8")
    tour_pins = (tour / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "pandas==2.2.2  # manifest" in tour_pins and "PyYAML==6.0.1  # manifest" in tour_pins, tour_pins


def test_rapids_pins_become_the_wheels_pip_can_install(tmp_path):
    """A manifest a conda environment froze pins `cudf==24.8.3`: on the package index `cudf` is a
    placeholder whose install fails (the audit's DEP007) and `dask-cudf` no project at all, so
    copying those lines made a package that could never install. RAPIDS' pip wheels for CUDA 12 are
    declared instead, at the manifest's versions, with NVIDIA's index, and MIGRATION.md says so."""
    shutil.copytree(ROOT / "fixtures" / "notebooks" / "fair15" / "rapids_notebook", tmp_path / "rapids_notebook")
    manifest = (tmp_path / "rapids_notebook" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "cudf==24.8.3" in manifest and "dask-cudf==24.8.3" in manifest, manifest
    package = migrate_unproven(tmp_path / "rapids_notebook" / "taxi_fares_rapids.ipynb", tmp_path / "out")
    pins = (package / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "--extra-index-url https://pypi.nvidia.com" in pins, pins
    assert "cudf-cu12==24.8.3  # manifest, from https://pypi.nvidia.com" in pins, pins
    assert "cuml-cu12==24.8.0  # manifest, from https://pypi.nvidia.com" in pins, pins
    assert "dask-cudf-cu12==24.8.3  # manifest, from https://pypi.nvidia.com" in pins, pins
    assert not any(line.split("==")[0] in ("cudf", "cuml", "dask_cudf", "dask-cudf") for line in pins), pins
    assert "xgboost==2.1.1  # manifest" in pins, pins  # every other pin as the manifest has it
    environment = (package / "environment.yml").read_text(encoding="utf-8")
    assert "      - --extra-index-url https://pypi.nvidia.com\n" in environment and "      - cudf-cu12==24.8.3\n" in environment, environment
    migration = (package / "MIGRATION.md").read_text(encoding="utf-8")
    assert "`cudf==24.8.3` (manifest) is declared as `cudf-cu12==24.8.3`" in migration and "`cudf-cu11`" in migration, migration


def test_a_rapids_placeholder_installed_beside_its_wheel_is_left_out(tmp_path):
    """`%pip install cudf-cu12==24.8.3 cudf==24.8.3`: the wheel is what installs, and the placeholder's
    line `cudf==24.8.3` would stop `pip install -r requirements.txt` for the whole package, so only the
    wheel is declared (with NVIDIA's index) and MIGRATION.md says why the other line is gone.
    `dask_cudf` is named by its distribution (`dask-cudf`), never by its import name."""
    import nbformat

    folder = tmp_path / "gpu"
    folder.mkdir()
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    notebook.cells = [
        nbformat.v4.new_code_cell("%pip install cudf-cu12==24.8.3 cudf==24.8.3 --extra-index-url=https://pypi.nvidia.com"),
        nbformat.v4.new_code_cell("import cudf\nimport dask_cudf\nframe = cudf.DataFrame({'a': [1, 2]})\nprint(frame.a.sum())"),
    ]
    nbformat.write(notebook, folder / "gpu_frames.ipynb")
    package = migrate_unproven(folder / "gpu_frames.ipynb", tmp_path / "out")
    pins = (package / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "cudf-cu12==24.8.3  # pip-magic, from https://pypi.nvidia.com" in pins, pins
    assert "--extra-index-url https://pypi.nvidia.com" in pins, pins
    assert not any(line.split("==")[0].split(" ")[0] in ("cudf", "dask_cudf", "dask-cudf") for line in pins), pins
    assert any(line.startswith("dask-cudf-cu12") for line in pins), pins
    migration = (package / "MIGRATION.md").read_text(encoding="utf-8")
    assert "`cudf==24.8.3` (pip-magic) is left out" in migration, migration
    assert "`dask_cudf` is unpinned" not in migration and "`dask-cudf` is unpinned" in migration, migration


def test_an_index_url_reaches_a_requirements_file_only_as_a_plain_https_url():
    from nbrefactor.compile.literals import UnsafeTemplateValue, index_url

    assert index_url("https://pypi.nvidia.com") == "https://pypi.nvidia.com"
    for bad in ("http://pypi.nvidia.com", "https://x.org\n--index-url https://evil", "https://x.org --trusted-host y", "file:///tmp"):
        with pytest.raises(UnsafeTemplateValue):
            index_url(bad)


# --- the script guard ----------------------------------------------------------------------------


def test_a_main_guard_that_held_in_the_kernel_runs_its_body_in_the_step(tmp_path, capsys):
    notebook = _copy(tmp_path, "main_guard.ipynb")
    package = migrate_unproven(notebook, tmp_path / "out")
    steps = (package / "src" / "main_guard" / "steps.py").read_text(encoding="utf-8")
    assert "__name__" not in steps and "    result = main()\n" in steps, steps
    assert "`if __name__ == \"__main__\":` unwrapped" in (package / "MIGRATION.md").read_text(encoding="utf-8")
    compared = _verified(notebook, package, capsys)
    assert compared.get("result") == "matched", compared


def test_only_the_main_guard_is_unwrapped():
    import libcst as cst

    from nbrefactor.compile.transform import _main_guard_body

    def body(source: str):  # noqa: ANN202
        found = _main_guard_body(cst.parse_statement(source))
        return None if found is None else cst.Module(body=found).code

    assert body("if __name__ == '__main__':\n    main()\nelse:\n    pass\n") == "main()\n"
    assert body('if "__main__" == __name__: run(1)\n') == "run(1)\n"
    assert body("if __name__ != '__main__':\n    main()\n") is None
    assert body("if __name__ == 'lib':\n    main()\n") is None
    assert body("if name == '__main__':\n    main()\n") is None


# --- the kernel's `display` ------------------------------------------------------------------------


def test_display_inside_a_loop_is_no_name_error_in_the_package(tmp_path, capsys):
    """`display(frame.head(2))` in a `for`: a top-level display is dropped, one in a block stayed,
    and `display` (the IPython kernel's builtin) was no name in the package: NameError."""
    notebook = _copy(tmp_path, "nested_display.ipynb")
    package = migrate_unproven(notebook, tmp_path / "out")
    steps = (package / "src" / "nested_display" / "steps.py").read_text(encoding="utf-8")
    assert "        display(frame.head(2))\n" in steps and "\ndef display(*objs, **kwargs):\n" in steps, steps
    compared = _verified(notebook, package, capsys)
    assert compared.get("totals") == "matched", compared


def test_the_display_fallback_only_where_display_is_read_and_unbound():
    from nbrefactor.compile.emit import _with_display_fallback

    def added(source: str) -> bool:
        return "def display(*objs" in _with_display_fallback(source)

    assert added("def step():\n    for x in y:\n        display(x)\n")
    assert not added("pd.options.display.max_rows = 10\n")  # an attribute, not the name
    assert not added("from IPython.display import display\n\n\ndef step(x):\n    display(x)\n")
    assert not added("from helpers import *\n\n\ndef step(x):\n    display(x)\n")
    assert not added("def show(display):\n    display(1)\n")
    assert not added("def step(x):\n    print(x)\n")


# --- what "migrated" claims ------------------------------------------------------------------------


def test_a_verify_that_ran_and_found_a_difference_leaves_the_model_emitted():
    """Rung 6 failed ("the notebook wrote submission.csv; the package did not": the guarded
    `main()` never ran in the step) and the model was still "migrated" on rung 5's strength. A
    notebook that cannot run here (rung 6 unavailable) leaves rung 5's claim standing, as before."""
    from nbrefactor.migrate.prove import Proof, RungResult
    from nbrefactor.report.migration import with_proof

    passed = [RungResult(n, "passed") for n in range(1, 5)] + [RungResult(5, "passed", "2 values equal", compared=2)]
    differs = Proof((*passed, RungResult(6, "failed", "1 mismatched; first: files submission.csv: the notebook wrote this file; the package did not")))
    assert not differs.proven and differs.rung == 5
    assert differs.label() == "emitted, not proven: verified failed: 1 mismatched; first: files submission.csv: the notebook wrote this file; the package did not"
    compiled = {"name": "m", "package": "m", "package_dir": "m", "status": "migrated", "review": [], "findings": [], "fixed": {}}
    assert with_proof(compiled, differs.record())["status"] == "emitted"
    unavailable = Proof((*passed, RungResult(6, "unavailable", "the notebook cannot run here: FileNotFoundError")))
    assert unavailable.proven and unavailable.label().startswith("migrated: runs as a pipeline (rung 5 of 6); verified unavailable")
    assert Proof((*passed, RungResult(6, "passed", "2 values"))).proven
