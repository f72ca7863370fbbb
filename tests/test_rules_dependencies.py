"""Dependency rules DEP001–DEP004 and DEP007 beyond their embedded examples: projects with folders, messages,
manifest locations and the JSON report."""

from __future__ import annotations

import json
from pathlib import Path

from nbrefactor.audit.catalog import load_catalog
from nbrefactor.config import Settings
from nbrefactor.audit.engine import audit_notebook, audit_paths
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.project import discover_project
from nbrefactor.report import json_report
from nbrefactor.audit.rules import rule_by_code
from nbfactory import write_notebook

DEP = [rule_by_code(c) for c in ("DEP001", "DEP002", "DEP003", "DEP004", "DEP007")]


def audit(path: Path):
    notebook = read_notebook(path, path.name)
    return audit_notebook(notebook, Settings(), discover_project(path), load_catalog(), rules=DEP).result.diagnostics


def found(diagnostics, code):
    return [(d.location.cell, d.location.line) for d in diagnostics if d.code == code]


def make_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / ".git").mkdir(parents=True)
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return tmp_path


def test_manifest_at_the_repository_root_serves_a_notebook_in_a_subfolder(tmp_path):
    root = make_repo(tmp_path, {"requirements.txt": "pandas==2.2.2\nscikit-learn>=1.4\n"})
    nb = write_notebook(root / "notebooks" / "eda" / "train.ipynb", ["import pandas as pd\nimport sklearn\nimport lightgbm"])
    diagnostics = audit(nb)
    assert found(diagnostics, "DEP002") == []
    assert found(diagnostics, "DEP001") == [(1, 3)]
    assert found(diagnostics, "DEP004") == [(None, 2)]
    dep004 = next(d for d in diagnostics if d.code == "DEP004")
    assert dep004.location.path.endswith("requirements.txt")
    assert dep004.snippet == "scikit-learn>=1.4"
    assert "lightgbm" in next(d for d in diagnostics if d.code == "DEP001").message


def test_project_package_in_src_is_not_an_undeclared_import(tmp_path):
    root = make_repo(
        tmp_path,
        {"requirements.txt": "numpy==2.0.1\n", "src/__init__.py": "", "src/features.py": "", "mylib/__init__.py": ""},
    )
    nb = write_notebook(root / "notebooks" / "nb.ipynb", ["from src.features import build\nimport mylib\nimport numpy"])
    assert found(audit(nb), "DEP001") == []


def test_src_layout_package_is_not_an_undeclared_import(tmp_path):
    root = make_repo(tmp_path, {"requirements.txt": "numpy==2.0.1\n", "src/churn/__init__.py": ""})
    nb = write_notebook(root / "notebooks" / "nb.ipynb", ["import churn.model\nimport numpy"])
    assert found(audit(nb), "DEP001") == []


def test_the_project_itself_counts_as_declared(tmp_path):
    root = make_repo(tmp_path, {"pyproject.toml": '[project]\nname = "churn-model"\ndependencies = ["numpy==2.0.1"]\n'})
    nb = write_notebook(root / "nb.ipynb", ["import churn_model\nimport numpy"])
    assert found(audit(nb), "DEP001") == []


def test_dep001_reports_each_distribution_once_with_a_useful_message(tmp_path):
    root = make_repo(tmp_path, {"requirements.txt": "numpy==2.0.1\n"})
    nb = write_notebook(
        root / "nb.ipynb",
        ["from sklearn import svm", "import sklearn.metrics as m\nfrom PIL import Image", "from PIL import ImageOps"],
    )
    diagnostics = [d for d in audit(nb) if d.code == "DEP001"]
    assert [(d.location.cell, d.location.line, d.location.column) for d in diagnostics] == [(1, 1, 6), (2, 2, 6)]
    assert "`sklearn`" in diagnostics[0].message and "`scikit-learn`" in diagnostics[0].message
    assert "`Pillow`" in diagnostics[1].message
    assert "scikit-learn" in diagnostics[0].fix


def test_dep001_accepts_a_declared_alternative_distribution(tmp_path):
    root = make_repo(tmp_path, {"requirements.txt": "opencv-contrib-python-headless==4.10.0.84\ntensorflow-cpu==2.16.1\n"})
    nb = write_notebook(root / "nb.ipynb", ["import cv2\nimport tensorflow as tf"])
    assert found(audit(nb), "DEP001") == []


def test_dep002_names_the_packages_and_is_silent_for_stdlib_only(tmp_path):
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "a.ipynb", ["import numpy as np\nfrom sklearn import svm\nimport json"])
    numpy, sklearn = [d for d in audit(nb) if d.code == "DEP002"]
    # One finding per distribution, on its import line (suppressible there, located in SARIF).
    assert (numpy.location.cell, numpy.location.line, sklearn.location.cell, sklearn.location.line) == (1, 1, 1, 2)
    assert "distribution `numpy`" in numpy.message and "distribution `scikit-learn`" in sklearn.message
    suppressed = write_notebook(root / "c.ipynb", ["import numpy as np  # noqa: DEP002\nfrom sklearn import svm"])
    assert ["scikit-learn" in d.message for d in audit(suppressed) if d.code == "DEP002"] == [True]
    only_stdlib = write_notebook(root / "b.ipynb", ["import json\nfrom pathlib import Path"])
    assert found(audit(only_stdlib), "DEP002") == []


def test_dep003_message_names_tool_and_packages_and_fix(tmp_path):
    root = make_repo(tmp_path, {"requirements.txt": "pandas==2.2.2\n"})
    nb = write_notebook(root / "nb.ipynb", ["%pip install -q xgboost==1.7.6 -r extra.txt", "  !conda install -y shap"])
    diagnostics = [d for d in audit(nb) if d.code == "DEP003"]
    assert [(d.location.cell, d.location.line, d.location.column) for d in diagnostics] == [(1, 1, 1), (2, 1, 3)]
    assert "xgboost==1.7.6" in diagnostics[0].message and "what extra.txt lists" in diagnostics[0].message
    assert "pip" in diagnostics[0].message and "conda" in diagnostics[1].message
    assert "xgboost" in diagnostics[0].fix


def test_dep003_fix_says_which_packages_a_manifest_already_declares(tmp_path):
    # Fair check 6: "Declare pandas in requirements.txt" was false when requirements.txt declares pandas.
    root = make_repo(tmp_path, {"requirements.txt": "pandas==2.2.2\nseaborn==0.13.2\n"})
    nb = write_notebook(root / "nb.ipynb", ["!pip install -q pandas seaborn", "!pip install pandas shap==0.45.0", "!pip install lime"])
    fixes = [d.fix.replace(f"{root}/", "") for d in audit(nb) if d.code == "DEP003"]
    assert fixes == [
        "pandas, seaborn are already declared in requirements.txt: install from it before starting the kernel and delete the line",
        "Declare shap==0.45.0 in requirements.txt (pinned; pandas is already declared in requirements.txt) and delete the line",
        "Declare lime in requirements.txt (pinned) and delete the line",
    ]


def test_dep003_fix_names_the_file_declaring_the_package_under_another_name(tmp_path):
    # Fair check 25 item 44: `%pip install composer` beside a requirements.txt declaring `mosaicml` (the
    # same MosaicML Composer; the catalogue maps `composer` to mosaicml) was told "Declare composer in
    # requirements.txt": it is already declared there, and that line is the one to pin. The same for a
    # name written with other separators (`eolearn` for eo-learn).
    root = make_repo(tmp_path, {"requirements.txt": "mosaicml==0.32.1\neo-learn==1.3.1\nmatplotlib==3.9.2\n"})
    nb = write_notebook(root / "nb.ipynb", ["%pip install composer matplotlib", "!pip install eolearn lime"])
    fixes = [d.fix.replace(f"{root}/", "") for d in audit(nb) if d.code == "DEP003"]
    assert fixes == [
        "composer (as `mosaicml`), matplotlib are already declared in requirements.txt: install from it before starting the "
        "kernel and delete the line",
        "Declare lime in requirements.txt (pinned; eolearn (as `eo-learn`) is already declared in requirements.txt) and delete the line",
    ]
    # On Colab only, a line of what the manifest declares (under whatever name) is the hosted set-up: not reported.
    colab = write_notebook(root / "colab.ipynb", ["import sys\nif 'google.colab' in sys.modules:\n    %pip install composer eolearn"])
    assert found(audit(colab), "DEP003") == []


def test_dep003_fix_for_a_wheel_file_declares_its_project_where_the_wheel_comes_from(tmp_path):
    # Fair check 25 item 40: `!gdown <Drive link>` then `%pip install tinycudann-1.7-cp310-cp310-linux_x86_64.whl`
    # was told "Install from the manifest before starting the kernel", with no manifest anywhere.
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["%pip install tinycudann-1.7-cp310-cp310-linux_x86_64.whl",
                                            "!pip install ./dist/geokit-0.2.1-py3-none-any.whl"])
    fixes = [d.fix for d in audit(nb) if d.code == "DEP003"]
    assert fixes == [
        "Declare tinycudann in requirements.txt as a direct reference to the wheel the line installs (`tinycudann @ <the "
        "wheel's URL>`; it is tinycudann 1.7 built for `cp310-cp310-linux_x86_64` only) or as `tinycudann==1.7` with a "
        "`--find-links` line naming where the wheel is kept, and delete the line",
        "Declare geokit in requirements.txt as a direct reference to the wheel the line installs (`geokit @ <the wheel's URL>`; "
        "it is geokit 0.2.1 built for `py3-none-any` only) or as `geokit==0.2.1` with a `--find-links` line naming where the "
        "wheel is kept, and delete the line",
    ]


def test_dep003_fix_says_when_the_line_installs_another_version_than_the_manifest_declares(tmp_path):
    # Fair checks 16/17: `!pip install pandas==1.5.3` beside `pandas==2.1.0` was "pandas is already
    # declared in requirements.txt": true of the name, not of the version the notebook ran with.
    root = make_repo(tmp_path, {"requirements.txt": "pandas==2.1.0\nseaborn>=0.13\nnumpy==1.26.4\n",
                                "env/environment.yml": "dependencies:\n  - scipy=1.11.4\n"})
    nb = write_notebook(root / "nb.ipynb", [
        "!pip install pandas==1.5.3",
        "!pip install seaborn==0.12.2 numpy==1.26.4",
        "!pip install pandas==2.1.0 seaborn==0.13.2",
        "!pip install shap==0.45.0 'numpy<1.20'",
        "!pip install pandas==2.1.0+cpu",
    ])
    fixes = [d.fix.replace(f"{root}/", "") for d in audit(nb) if d.code == "DEP003"]
    assert fixes == [
        "The install of `pandas==1.5.3` differs from the `pandas==2.1.0` that requirements.txt declares: pin there the "
        "version the notebook needs, install from it before starting the kernel and delete the line",
        "numpy is already declared in requirements.txt; the install of `seaborn==0.12.2` differs from the `seaborn>=0.13` that "
        "requirements.txt declares: pin there the version the notebook needs, install from it before starting the kernel "
        "and delete the line",
        "pandas, seaborn are already declared in requirements.txt: install from it before starting the kernel and delete the line",
        "Declare shap==0.45.0 in requirements.txt (pinned; the install of `numpy<1.20` differs from the `numpy==1.26.4` that "
        "requirements.txt declares: pin there the version the notebook needs) and delete the line",
        # a local build label (fair check 17's `torch==2.2.1+cu118` beside `torch==2.2.1`): the same release
        "pandas is already declared in requirements.txt: install from it before starting the kernel and delete the line",
    ]
    # A cell's lines fold into one fix, said once (fair check 16's practical-nlp Ch4 set-up cells).
    cell = write_notebook(root / "cell.ipynb", ["!pip install pandas==2.1.0\n!pip install seaborn==0.12.2\n!pip install lime==0.2.0.1"])
    [fix] = [d.fix.replace(f"{root}/", "") for d in audit(cell) if d.code == "DEP003"]
    assert fix == ("Declare lime==0.2.0.1 in requirements.txt (pinned; pandas is already declared in requirements.txt; the install of "
                   "`seaborn==0.12.2` differs from the `seaborn>=0.13` that requirements.txt declares: pin there the version "
                   "the notebook needs) and delete the lines")
    conda = write_notebook(root / "env" / "nb.ipynb", ["!conda install -y scipy=1.11.4", "!conda install -y scipy=1.10.1"])
    fixes = [d.fix.replace(f"{root}/", "") for d in audit(conda) if d.code == "DEP003"]
    assert fixes[0].startswith("scipy is already declared in env/environment.yml")
    assert fixes[1].startswith("The install of `scipy=1.10.1` differs from the `scipy=1.11.4` that env/environment.yml declares")


def test_dep003_fix_tells_the_project_itself_a_colab_helper_and_a_clone_apart(tmp_path):
    # Fair check 17: "deepchem is already declared in setup.py" when setup.py builds deepchem; "Declare
    # condacolab in requirements.txt" for Colab's bootstrap; "the local package ./" for a clone `%cd`'d into.
    root = make_repo(tmp_path, {"setup.py": "from setuptools import setup\nsetup(name='molkit', install_requires=['numpy'])\n"})
    nb = write_notebook(root / "docs" / "nb.ipynb", [
        "!pip install --pre molkit",
        "!pip install molkit numpy scanpy",
        "!pip install -q condacolab\nimport condacolab\ncondacolab.install()",
        "!git clone https://github.com/example-lab/grover.git\n%cd grover\n!pip install -e ./",
    ])
    found = {d.location.cell: d for d in audit(nb) if d.code == "DEP003"}
    assert found[1].fix.replace(f"{root}/", "") == (
        "molkit is the project itself, built by setup.py, not a dependency it declares: install the checkout with "
        "`pip install -e <its folder>` before starting the kernel and delete the line (the line's `--pre` installs the "
        "newest pre-release, a nightly build where the project publishes them, which changes from one run to the next)")
    assert found[2].fix.replace(f"{root}/", "") == (
        "Declare scanpy in requirements.txt (pinned; numpy is already declared in setup.py; molkit is the project itself, "
        "built by setup.py, not a dependency it declares) and delete the line")
    assert found[3].fix == ("condacolab only sets up Google Colab: nothing to declare for it; declare what the cell installs "
                            "with it and delete the line")
    assert "the clone of https://github.com/example-lab/grover.git (`./`, editable)" in found[4].message
    assert "`<name> @ git+https://github.com/example-lab/grover.git@<commit>`" in found[4].fix
    assert [d.data for d in audit(nb) if d.code == "DEP001" and dict(d.data).get("module") == "condacolab"] == []


def test_dep003_message_names_the_requirements_file_and_the_local_package_not_pip_flags(tmp_path):
    # Fair check 6: "installs -r requirements.txt" showed pip's flag as if it were a package.
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["!pip install -q -r requirements.txt", "!cd tool && pip install -e ."])
    messages = [d.message for d in audit(nb) if d.code == "DEP003"]
    assert messages == [
        "Notebook installs what requirements.txt lists with pip while it runs",
        "Notebook installs the local package . (editable) with pip while it runs",
    ]
    fixes = [d.fix for d in audit(nb) if d.code == "DEP003"]
    assert fixes == [
        "Install from the manifest before starting the kernel and delete the line",
        "Declare the local package in requirements.txt (`-e <its folder>`, relative to the requirements file) and delete the line",
    ]


def test_dep003_fix_for_a_git_url_install_says_to_pin_it_not_to_install_from_a_manifest(tmp_path):
    # Fair check 9 (items 69, 70): "Install from the manifest" where there was none, for a branch-head install.
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["# Run this if you're in a Colab\n!pip install git+https://example.org/lab/signals"])
    (fix,) = [d.fix for d in audit(nb) if d.code == "DEP003"]
    assert fix.startswith("Declare it in requirements.txt pinned to a commit (`<name> @ git+https://example.org/lab/signals@<commit>`)")
    assert "google.colab" in fix


def test_dep003_is_suppressed_by_a_noqa_comment(tmp_path):
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["!pip install shap  # noqa: DEP003", "!pip install lime"])
    assert found(audit(nb), "DEP003") == [(2, 1)]


def test_dep004_pyproject_line_and_pinned_elsewhere(tmp_path):
    pyproject = '[project]\nname = "demo"\ndependencies = [\n  "pandas>=2",\n  "numpy>=1.26",\n]\n'
    root = make_repo(tmp_path, {"pyproject.toml": pyproject, "requirements.txt": "numpy==1.26.4\n"})
    nb = write_notebook(root / "nb.ipynb", ["import numpy\nimport pandas"])
    diagnostics = [d for d in audit(nb) if d.code == "DEP004"]
    assert [(d.location.path.rsplit("/", 1)[-1], d.location.line) for d in diagnostics] == [("pyproject.toml", 4)]


def test_dep004_a_single_equals_version_in_a_requirements_file_is_a_line_pip_rejects(tmp_path):
    # Fair check 47, item 37: `ipympl=0.9.3` is no pin pip reads: `pip install -r requirements.txt` fails on the line
    # (Invalid requirement) and installs nothing of the file; the fix is `ipympl==0.9.3`, the version it names.
    root = make_repo(tmp_path, {"requirements.txt": "numpy==1.26.4\nipympl=0.9.3\n"})
    nb = write_notebook(root / "nb.ipynb", ["import numpy as np\n%matplotlib widget\nimport matplotlib.pyplot as plt"])
    (dep004,) = [d for d in audit(nb) if d.code == "DEP004" and d.location.line == 2]
    assert "pip rejects the single `=`" in dep004.message and "not pinned" not in dep004.message
    assert dep004.fix.startswith("Write `ipympl==0.9.3`")
    # A range stays a range.
    other = make_repo(tmp_path / "other", {"requirements.txt": "numpy>=1.26\n"})
    (ranged,) = [d for d in audit(write_notebook(other / "nb.ipynb", ["import numpy as np"])) if d.code == "DEP004"]
    assert "is not pinned to one version" in ranged.message


def test_dep004_only_for_imported_distributions(tmp_path):
    root = make_repo(tmp_path, {"requirements.txt": "requests\nflask>=3\n"})
    nb = write_notebook(root / "nb.ipynb", ["import os"])
    assert found(audit(nb), "DEP004") == []


def test_json_report_carries_manifest_findings_with_the_manifest_path(tmp_path, monkeypatch):
    root = make_repo(tmp_path, {"requirements.txt": "pandas>=2\n"})
    write_notebook(root / "nb.ipynb", ["import pandas as pd\nimport polars as pl", "%pip install polars"])
    monkeypatch.chdir(root)
    result = audit_paths(["nb.ipynb"], Settings(select=("DEP",)))
    report = json.loads(json_report.render(result))
    by_code = {}
    for finding in report["findings"]:
        by_code.setdefault(finding["code"], []).append(finding["location"])
    assert by_code["DEP004"] == [
        {"path": "requirements.txt", "cell": None, "cell_id": None, "execution_count": None, "line": 1,
         "column": None, "end_line": None, "end_column": None}
    ]
    assert [(loc["path"], loc["cell"], loc["line"]) for loc in by_code["DEP001"]] == [("nb.ipynb", 1, 2)]
    assert [(loc["path"], loc["cell"], loc["line"]) for loc in by_code["DEP003"]] == [("nb.ipynb", 2, 1)]
    assert "DEP002" not in by_code


def test_ipython_is_the_kernel_not_a_dependency_to_declare(tmp_path):
    root = make_repo(tmp_path, {"requirements.txt": "jupyterlab==4.2.5\npandas==2.2.2\n"})
    nb = write_notebook(root / "nb.ipynb", ["from IPython.display import display\nimport pandas as pd"])
    assert found(audit(nb), "DEP001") == []
    bare = make_repo(tmp_path / "other", {"requirements.txt": "pandas==2.2.2\n"})
    nb2 = write_notebook(bare / "nb.ipynb", ["from IPython.display import display\nimport pandas as pd"])
    assert found(audit(nb2), "DEP001") == []  # the kernel running the notebook is IPython


def test_modules_of_a_cloned_repository_are_related_to_the_clone_not_distributions(tmp_path):
    # The clone, then its folder put on sys.path: its listed modules are the clone's code, related
    # locations of PTH007's finding; imageio, imported beside them, stays an undeclared distribution.
    # An import of the same name above the clone is still a distribution.
    root = make_repo(tmp_path, {"requirements.txt": "numpy==2.0.1\n"})
    nb = write_notebook(root / "gan.ipynb", [
        "import legacy",
        "import sys\n!git clone --depth 1 https://github.com/NVlabs/stylegan3.git\nsys.path.insert(0, '/content/stylegan3')",
        "import numpy as np\nimport dnnlib\nimport legacy\nimport imageio",
    ])
    notebook = read_notebook(nb, nb.name)
    rules = DEP + [rule_by_code("PTH007")]
    diagnostics = audit_notebook(notebook, Settings(), discover_project(nb), load_catalog(), rules=rules).result.diagnostics
    assert found(diagnostics, "DEP001") == [(1, 1), (3, 4)]
    clone = next(d for d in diagnostics if d.code == "PTH007")
    assert (clone.location.cell, clone.location.line) == (2, 2)
    assert [(r.cell, r.line) for r in clone.related] == [(3, 2), (3, 3)]


def test_an_import_no_table_knows_is_said_to_be_assumed_and_a_dotted_entry_is_shown_dotted(tmp_path, monkeypatch):
    import nbrefactor.audit.distributions as dist

    monkeypatch.setattr(dist, "installed_distributions", lambda: {})  # never what happens to be installed here
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["import acme_forecast_xyz\nfrom orangecontrib.associate.fpgrowth import frequent_itemsets\nimport Orange"])
    acme, associate, orange = [d for d in audit(nb) if d.code == "DEP002"]
    # Fair check 14: a guess that is the import's own name is said plainly (most such guesses are
    # right); so is the fix since left17 (fair checks 16 and 17: 26 hedges, on names that were right).
    # (The guess written as a manifest carries it, dashes for underscores: fair check 45, items 2, 18 and 33.)
    assert "(distribution `acme-forecast-xyz`)" in acme.message and "no mapping known" not in acme.message
    assert acme.fix == "Add a requirements.txt beside the notebook with a pinned line for `acme-forecast-xyz`"
    assert associate.message.startswith("`orangecontrib.associate` is imported (distribution `Orange3-Associate`)")
    assert "distribution `Orange3`" in orange.message and "assumed" not in orange.message
    declared = make_repo(tmp_path / "declared", {"requirements.txt": "numpy==2.0.1\n"})
    other = write_notebook(declared / "nb.ipynb", ["import acme_forecast_xyz"])
    [undeclared] = [d for d in audit(other) if d.code == "DEP001"]
    assert "its distribution `acme-forecast-xyz` is not declared" in undeclared.message
    assert undeclared.fix == f"Add `acme-forecast-xyz` (pinned) to {declared / 'requirements.txt'}"


def test_the_index_name_is_hedged_only_where_a_known_mapping_names_another(tmp_path, monkeypatch):
    # Fair check 17: "Find the distribution that provides `scanpy` (its name on the package index may
    # differ)" although scanpy is scanpy. The hedge stays where pipreqs' mapping names another
    # distribution that `[pipreqs] ignore` sets aside (`models`: nearly always the project's own code).
    import nbrefactor.audit.distributions as dist

    monkeypatch.setattr(dist, "installed_distributions", lambda: {})
    assert dist.pipreqs_mapping().get("models")  # the hedge's reason, from pipreqs' own file
    root = make_repo(tmp_path, {"requirements.txt": "numpy==2.0.1\n"})
    nb = write_notebook(root / "nb.ipynb", ["import scanpy as sc\nfrom models import build_model"])
    fixes = {dict(d.data)["module"]: d.fix for d in audit(nb) if d.code == "DEP001"}
    assert fixes["scanpy"] == f"Add `scanpy` (pinned) to {root / 'requirements.txt'}"
    assert fixes["models"] == ("Find the distribution that provides `models` (its name on the package index may differ) "
                               f"and add it (pinned) to {root / 'requirements.txt'}")
    bare = make_repo(tmp_path / "bare", {})
    nb = write_notebook(bare / "nb.ipynb", ["import scanpy as sc\nfrom models import build_model"])
    fixes = {dict(d.data)["module"]: d.fix for d in audit(nb) if d.code == "DEP002"}
    assert fixes["scanpy"] == "Add a requirements.txt beside the notebook with a pinned line for `scanpy`"
    # Without a manifest, an ignored generic name no install line names is a helper module not committed (fair
    # check 32, item 7): the file to commit, not a distribution's name to find.
    assert fixes["models"].startswith("Commit `models.py` (or the `models/` package) beside the notebook")


def test_distributions_needed_by_calls_are_reported_at_the_call_and_declared_by_an_extra(tmp_path):
    cells = [
        "from transformers import AutoTokenizer, MarianMTModel, TFAutoModel\nimport evaluate\nname = 'rouge'",
        "tok = AutoTokenizer.from_pretrained('Helsinki-NLP/opus-mt-en-fr')\nmodel = MarianMTModel.from_pretrained('Helsinki-NLP/opus-mt-en-fr')",
        "rouge = evaluate.load(name)\ntf_model = TFAutoModel.from_pretrained('bert-base-uncased')",
    ]
    root = make_repo(tmp_path / "none", {})
    nb = write_notebook(root / "nb.ipynb", cells)
    needed = {dict(d.data)["distribution"]: (d.location.cell, d.location.line, d.message)
              for d in audit(nb) if d.code == "DEP002"}
    assert needed["sentencepiece"][:2] == (2, 1) and "needed by `AutoTokenizer` for `Helsinki-NLP/opus-mt-en-fr`" in needed["sentencepiece"][2]
    assert needed["torch"][:2] == (2, 2) and "needed by `MarianMTModel`" in needed["torch"][2]
    assert needed["rouge-score"][:2] == (3, 1) and "`rouge` metric" in needed["rouge-score"][2]
    # torch imported (anywhere): its import is the finding, no call is said to need it.
    imported = write_notebook(root / "imported.ipynb", [cells[1].replace("tok = ", "import torch\ntok = ")] + cells[:1])
    torch = [d for d in audit(imported) if d.code == "DEP002" and dict(d.data)["distribution"] == "torch"]
    assert [(d.location.cell, d.location.line, "is imported" in d.message) for d in torch] == [(1, 1, True)]
    # A TF notebook: TF classes and a framework-neutral data collator need no torch.
    tf_nb = write_notebook(root / "tf.ipynb", ["from transformers import AutoTokenizer, TFAutoModelForTokenClassification, DataCollatorForTokenClassification",
                                               "tok = AutoTokenizer.from_pretrained('bert-base-cased')\ncollate = DataCollatorForTokenClassification(tok, return_tensors='tf')\n"
                                               "model = TFAutoModelForTokenClassification.from_pretrained('bert-base-cased')"])
    assert [dict(d.data)["distribution"] for d in audit(tf_nb) if d.code == "DEP002"] == ["transformers"]
    # `transformers[torch,sentencepiece]` declares both; rouge-score is still undeclared.
    declared = make_repo(tmp_path / "declared", {"requirements.txt": "transformers[torch, sentencepiece]==4.44.2\nevaluate==0.4.2\n"})
    nb2 = write_notebook(declared / "nb.ipynb", cells)
    assert [dict(d.data)["distribution"] for d in audit(nb2) if d.code == "DEP001"] == ["rouge-score"]


def test_a_spacy_link_name_is_a_model_whose_package_is_assumed(tmp_path):
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["import spacy\nnlp = spacy.load('en_vecs')\nlocal = spacy.load('./models/ner')"])
    messages = [d.message for d in audit(nb) if d.code == "DEP002"]
    assert len(messages) == 2 and "`en_vecs` is a spaCy model loaded by name" in messages[1]
    assert "distribution assumed to be `en_vecs`: no mapping known" in messages[1]
    # A folder name, or a pipeline the notebook saves itself, is not a model package.
    own = write_notebook(root / "own.ipynb", ["import spacy\nnlp = spacy.blank('en')\nnlp.to_disk('en_ner')",
                                              "ner = spacy.load('en_ner')\nmine = spacy.load('my_model')"])
    assert [d.message.split(" ")[0] for d in audit(own) if d.code == "DEP002"] == ["`spacy`"]


def test_torch_is_needed_first_by_any_task_head_class_of_transformers(tmp_path):
    # `PatchTSTForPrediction` matches no listed head, but every `…For<Task>` model class of
    # transformers (not TF*/Flax*) runs on torch: it, not the later TrainingArguments, needs torch.
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", [
        "from transformers import PatchTSTConfig, PatchTSTForPrediction, TrainingArguments, Trainer, TFWav2Vec2ForCTC",
        "config = PatchTSTConfig(context_length=64)\nmodel = PatchTSTForPrediction(config)",
        "args = TrainingArguments('out', num_train_epochs=1)\ntrainer = Trainer(model=model, args=args)",
    ])
    torch = [d for d in audit(nb) if d.code == "DEP002" and dict(d.data)["distribution"] == "torch"]
    assert [(d.location.cell, d.location.line) for d in torch] == [(2, 2)]
    assert "needed by `PatchTSTForPrediction`" in torch[0].message
    # A TF head class alone needs no torch.
    tf_only = write_notebook(root / "tf.ipynb", ["from transformers import TFWav2Vec2ForCTC\n"
                                                 "m = TFWav2Vec2ForCTC.from_pretrained('x')"])
    assert [dict(d.data)["distribution"] for d in audit(tf_only) if d.code == "DEP002"] == ["transformers"]


def test_a_colab_guarded_install_of_an_imported_package_is_part_of_the_import_finding(tmp_path):
    """Fair check 8 (Practical_RL): the Colab set-up line is not a DEP003 of its own; DEP002 at the
    import points at it and carries its pin. A package no import reaches stays DEP003."""
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", [
        "import sys\nif 'google.colab' in sys.modules:\n    !pip install -q gym[classic_control]==0.18.0\n    !pip install moviepy",
        "import gym",
    ])
    diagnostics = audit(nb)
    assert found(diagnostics, "DEP003") == [(1, 4)]
    (dep002,) = [d for d in diagnostics if d.code == "DEP002"]
    assert (dep002.location.cell, dep002.location.line) == (2, 1)
    assert [(r.cell, r.line) for r in dep002.related] == [(1, 3)]
    assert "`gym[classic_control]==0.18.0`" in dep002.fix


def test_dep001_names_the_sklearn_placeholder_a_manifest_lists(tmp_path):
    # PyPI's `sklearn` is a deprecated placeholder: listing it declares no scikit-learn, and the
    # message says the manifest lists it (not only "not declared"), the fix to replace it. Its first
    # release pinned (`sklearn==0.0`) is not known to fail on install: DEP001 keeps the finding.
    root = make_repo(tmp_path, {"requirements.txt": "pandas==2.2.2\nsklearn==0.0\n"})
    nb = write_notebook(root / "nb.ipynb", ["import pandas as pd\nfrom sklearn.linear_model import Ridge"])
    diagnostics = audit(nb)
    (finding,) = [d for d in diagnostics if d.code == "DEP001"]
    assert "lists `sklearn`, a deprecated placeholder" in finding.message and "scikit-learn" in finding.message
    assert finding.fix.startswith("Replace `sklearn` with `scikit-learn`")
    assert not [d for d in diagnostics if d.code == "DEP007"]


def test_an_uninstallable_placeholder_line_is_one_dep007_finding_not_also_dep001(tmp_path):
    # Fair check 35 (recall T-2.1): `skimage==0.0` stops `pip install -r requirements.txt` for every notebook,
    # and an unpinned `sklearn` does since December 2023. One root cause, one finding: DEP007 at the line,
    # the notebook's import of what the line meant related; replacing the line also declares the import,
    # so DEP001 does not report it a second time.
    for spec, module, real in (("skimage==0.0", "from skimage import io", "scikit-image"),
                               ("sklearn", "from sklearn.linear_model import Ridge", "scikit-learn")):
        root = make_repo(tmp_path / real, {"requirements.txt": f"numpy==1.14.5\n{spec}\n"})
        nb = write_notebook(root / "nb.ipynb", [f"import numpy as np\n{module}"])
        diagnostics = audit(nb)
        assert not [d for d in diagnostics if d.code in ("DEP001", "DEP004")]
        (finding,) = [d for d in diagnostics if d.code == "DEP007"]
        assert finding.location.path.endswith("requirements.txt") and finding.location.line == 2
        assert f"`{spec}`" in finding.message and "cannot be installed" in finding.message
        assert finding.fix.startswith(f"Replace `{spec}` with `{real}==")
        assert [(r.cell, r.line) for r in finding.related] == [(1, 2)]


def test_dep007_reports_the_line_for_a_notebook_that_does_not_import_it(tmp_path):
    # `pip install -r` fails for every notebook of the project; a notebook importing only numpy
    # is affected all the same, and two notebooks sharing the file get one finding per line.
    root = make_repo(tmp_path, {"requirements.txt": "numpy==1.14.5\nskimage==0.0\ntensorflow-gpu\n"})
    a = write_notebook(root / "a.ipynb", ["import numpy as np"])
    b = write_notebook(root / "b.ipynb", ["import numpy as np\nimport tensorflow as tf"])
    result = audit_paths([str(a), str(b)], Settings(select=("DEP",)), jobs=1)
    found = {d.location.line: {(Path(r.path).name, r.cell) for r in d.related} for d in result.diagnostics if d.code == "DEP007"}
    assert set(found) == {2, 3}
    assert found[2] == {("a.ipynb", None), ("b.ipynb", None)}
    # b's import of tensorflow, what `tensorflow-gpu` meant, is kept though a.ipynb reported the line first.
    assert found[3] == {("a.ipynb", None), ("b.ipynb", None), ("b.ipynb", 1)}
    assert not [d for d in result.diagnostics if d.code == "DEP004"]


def test_component_imports_are_judged_by_the_component_not_the_notebooks_manifest(tmp_path):
    # An import in a KFP component's body runs in its image: `packages_to_install` declares it;
    # one on a stock Python image that nothing installs keeps its finding, which says where it runs.
    root = make_repo(tmp_path, {"requirements.txt": "kfp==2.7.0\n"})
    nb = write_notebook(root / "nb.ipynb", [
        "from kfp import dsl\nPACKAGES = ['xgboost==2.1.1']",
        "@dsl.component(base_image='python:3.11', packages_to_install=PACKAGES)\ndef fit(n: int) -> int:\n"
        "    import xgboost\n    return n",
        "def chart(n: int) -> int:\n    import matplotlib\n    return n\n\nchart_op = dsl.component(chart)",
    ])
    (finding,) = [d for d in audit(nb) if d.code == "DEP001"]
    assert (finding.location.cell, finding.location.line) == (3, 2)
    assert "`chart`" in finding.message and "stock Python image" in finding.message
    assert "packages_to_install" in finding.fix


def test_component_on_its_own_image_without_a_manifest_is_left_to_the_image(tmp_path):
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", [
        "from kfp import components\nIMAGE = 'registry.example.org/team/nlp:2'",
        "def tokenize(text: str) -> int:\n    import nltk\n    return len(text)\n\n"
        "op = components.create_component_from_func(tokenize, base_image=IMAGE)",
    ])
    assert [d.message.split("`")[1] for d in audit(nb) if d.code == "DEP002"] == ["kfp"]


def test_kubeflow_sub_packages_are_their_own_distributions_and_a_git_line_declares_its_repository(tmp_path):
    root = make_repo(tmp_path, {"requirements.txt": "git+https://github.com/kubeflow/fairing.git@v1.0.1\nkubeflow-metadata==0.3.1\n"})
    nb = write_notebook(root / "nb.ipynb", ["from kubeflow import fairing\nfrom kubeflow.metadata import metadata\nfrom kubeflow import katib"])
    (finding,) = [d for d in audit(nb) if d.code == "DEP001"]
    assert dict(finding.data)["distribution"] == "kubeflow-katib"


def test_dep003_fix_keeps_the_extras_and_names_what_a_metapackage_brings_that_the_notebook_imports(tmp_path):
    # Fair check 11: `tritonclient[http]` lost its extra in the fix; `azure-keyvault` (a deprecated
    # bundle) was named where the notebook imports azure-keyvault-secrets.
    root = make_repo(tmp_path, {"requirements.txt": "numpy==1.26.4\n"})
    nb = write_notebook(root / "nb.ipynb", ["%pip install tritonclient[http]\n%pip install azure-keyvault",
                                            "import tritonclient.http\nfrom azure.keyvault.secrets import SecretClient"])
    fixes = [d.fix for d in audit(nb) if d.code == "DEP003"]
    # (one cell's two lines: one finding, fair check 12)
    assert fixes == ["Declare tritonclient[http], azure-keyvault-secrets in requirements.txt (pinned) and delete the lines"]


def test_dep003_names_a_requirements_file_installed_without_r_as_such(tmp_path):
    root = make_repo(tmp_path, {"lab.txt": "numpy==1.26.4\n"})
    nb = write_notebook(root / "lab.ipynb", ["!pip install lab.txt", "import numpy"])
    [dep003] = [d for d in audit(nb) if d.code == "DEP003"]
    assert "requirements file without `-r`" in dep003.message
    assert dep003.fix.startswith("Install what it lists with `pip install -r lab.txt`")


def test_an_unknown_import_is_spelled_as_the_notebooks_own_install_line(tmp_path):
    # Fair check 11: `torch_lr_finder`, whose (commented-out) install line says torch-lr-finder.
    root = make_repo(tmp_path, {"requirements.txt": "numpy==1.26.4\n"})
    nb = write_notebook(root / "nb.ipynb", ["#!pip install --quiet lr-range-finder-demo\nimport lr_range_finder_demo"])
    [dep001] = [d for d in audit(nb) if d.code == "DEP001"]
    # (the same name as the import's, pip-normalised: said plainly since fair check 14)
    assert "distribution `lr-range-finder-demo` is not declared" in dep001.message


def test_dep003_reads_the_else_of_a_negated_colab_test_as_hosted_and_its_body_as_local(tmp_path):
    # Fair check 12 (unsloth's set-up cell): the local `!pip install` was silenced and the Colab lines reported.
    root = make_repo(tmp_path, {"requirements.txt": "pandas==2.2.2\n"})
    nb = write_notebook(root / "nb.ipynb", [
        'import os\nif "COLAB_" not in "".join(os.environ.keys()):\n    !pip install lightgbm\nelse:\n'
        '    !pip install --no-deps lightgbm tabulate\n!pip install -q shap==0.45.0',
        "import lightgbm"])
    [dep003] = [d for d in audit(nb) if d.code == "DEP003"]
    assert (dep003.location.cell, dep003.location.line) == (1, 3)
    assert [(r.cell, r.line) for r in dep003.related] == [(1, 6)]
    assert dep003.message == "Notebook installs lightgbm, shap==0.45.0 with pip while it runs (2 lines of this cell)"
    assert dep003.fix == ("Declare lightgbm, shap==0.45.0 in requirements.txt (pinned) and delete the lines "
                          "(the branch of the `if` that sets up Colab or Kaggle may stay)")


def test_dep003_a_test_that_holds_without_colab_is_no_hosted_guard(tmp_path):
    # Fair check 12, item 55: `find_spec("torch") is None or "COLAB_" in …` runs in any fresh environment;
    # the fix said "the line runs only on the hosted runtime and may stay".
    root = make_repo(tmp_path, {"requirements.txt": "pandas==2.2.2\n"})
    nb = write_notebook(root / "nb.ipynb", [
        'import os, importlib.util\nif importlib.util.find_spec("torch") is None or "COLAB_" in "".join(os.environ.keys()):\n'
        '    !pip install -q --no-deps "torchcodec==0.7.0"'])
    [dep003] = [d for d in audit(nb) if d.code == "DEP003"]
    assert dep003.location.line == 3
    assert dep003.fix == "Declare torchcodec==0.7.0 in requirements.txt (pinned) and delete the line"


def test_dep003_says_an_ipython_expansion_is_a_package_chosen_at_run_time(tmp_path):
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ['extra = "tabulate"\n!pip install -q rich {extra}'])
    [dep003] = [d for d in audit(nb) if d.code == "DEP003"]
    assert dep003.message == "Notebook installs rich, a package chosen at run time with pip while it runs"
    assert dep003.fix == "Declare rich in requirements.txt (pinned) and delete the line"


def test_dep003_a_noqa_line_stays_out_of_its_cells_finding(tmp_path):
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["!pip install shap  # noqa: DEP003\n!pip install lime\n!pip install rich"])
    [dep003] = [d for d in audit(nb) if d.code == "DEP003"]
    assert (dep003.location.line, [r.line for r in dep003.related]) == (2, [3])
    assert "shap" not in dep003.message


def test_dep003_fix_for_a_tag_pinned_git_install_replaces_the_tag_with_a_commit(tmp_path):
    # Fair check 12, item 53: the fix read `…git@v0.1.0@<commit>`.
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["!pip install git+https://example.org/lab/signals.git@v0.1.0 --no-deps"])
    (fix,) = [d.fix for d in audit(nb) if d.code == "DEP003"]
    assert "`<name> @ git+https://example.org/lab/signals.git@<commit>`" in fix and "@v0.1.0@" not in fix


def test_an_unknown_import_the_notebook_installs_by_its_own_name_is_no_guess(tmp_path):
    # Fair check 12: "assumed to be `hyperopt`: no mapping known" where `!pip install` names it so.
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["!pip install labtoolz_demo\nimport labtoolz_demo"])
    [dep002] = [d for d in audit(nb) if d.code == "DEP002"]
    assert "distribution `labtoolz-demo`" in dep002.message and "no mapping known" not in dep002.message
    assert "may differ" not in dep002.fix


def test_dep004_locates_each_pyproject_spec_in_its_own_table(tmp_path):
    # Fair check 12, item 78: every numpy spec sat on `[build-system].requires`, two findings at line 2.
    pyproject = ('[build-system]\nrequires = ["numpy>=2.0"]\n\n[project]\nname = "demo"\ndependencies = [\n  "numpy>=1.26,<2.5",\n]\n\n'
                 '[dependency-groups]\ntest = ["numpy>=2.0"]\n')
    root = make_repo(tmp_path, {"pyproject.toml": pyproject})
    nb = write_notebook(root / "nb.ipynb", ["import numpy"])
    [dep004] = [d for d in audit(nb) if d.code == "DEP004"]
    assert dep004.location.line == 7 and dep004.message.endswith("; it is listed again on line 11")


def test_six_is_declared_or_dropped(tmp_path):
    # `six` only bridges Python 2 and 3: the fix also says how to do without it (fair check 13).
    root = make_repo(tmp_path, {"requirements.txt": "pandas==2.2.2\n"})
    nb = write_notebook(root / "demo.ipynb", ["import pandas as pd\nfrom six import iteritems"])
    (fix,) = [d.fix for d in audit(nb) if d.code == "DEP001"]
    assert fix.startswith(f"Add `six` (pinned) to {root / 'requirements.txt'}; or drop it:") and "`d.items()`" in fix
    alone = make_repo(tmp_path / "alone", {})
    bare = write_notebook(alone / "demo.ipynb", ["from six import iteritems\nimport numpy"])
    fixes = {d.message.split("`")[1]: d.fix for d in audit(bare) if d.code == "DEP002"}
    assert "or drop it" in fixes["six"] and "or drop it" not in fixes["numpy"]


def test_fixes_name_the_project_s_own_files_and_the_notebook_s_own_pin(tmp_path):
    # Fair check 15: a project whose only environment file is a Dockerfile gets its install line
    # declared there (not in a requirements.txt it does not have); an undeclared import the notebook
    # installs through a string global (`!pip install {requirements}`) gets the notebook's own pin.
    from nbrefactor.audit.rule_examples import run_example
    from nbrefactor.audit.rules import Example

    dockerfile_only = Example(
        cells=("!pip install pycomp", "import pycomp"),
        files={"Dockerfile": "FROM python:3.11-slim\nRUN pip install pandas==2.2.2\n"},
    )
    (dep003,) = run_example(rule_by_code("DEP003"), dockerfile_only, tmp_path / "docker")
    assert dep003.fix == f"Declare pycomp in a RUN line of {tmp_path / 'docker' / 'Dockerfile'} (pinned) and delete the line"

    pinned_by_global = Example(
        cells=('requirements = "catboost==1.2.5 aplr==10.6.1"\n!pip install -U --quiet {requirements}', "import aplr\nimport catboost"),
        files={"requirements.txt": "jupyter-book==1.0.2\n"},
    )
    fixes = [d.fix for d in run_example(rule_by_code("DEP001"), pinned_by_global, tmp_path / "global")]
    assert fixes == [
        f"Add `aplr==10.6.1` to {tmp_path / 'global' / 'requirements.txt'} (the version that cell 1's "
        "`!pip install -U --quiet {requirements}` installs)",
        f"Add `catboost==1.2.5` to {tmp_path / 'global' / 'requirements.txt'} (the version that cell 1's "
        "`!pip install -U --quiet {requirements}` installs)",
    ]


# --- fair check 18 (fix18dep) -------------------------------------------------------------------

_UV_PROJECT = ('[project]\nname = "quantlab"\nversion = "0.1.0"\ndependencies = [\n  "pandas>=2.2",\n  "optuna-integration[lightgbm]>=4.8",\n]\n')
_UV_LOCK = ('version = 1\n\n[[package]]\nname = "quantlab"\nversion = "0.1.0"\nsource = { editable = "." }\n\n'
            '[[package]]\nname = "pandas"\nversion = "2.2.3"\n\n[[package]]\nname = "optuna-integration"\nversion = "4.8.0"\n\n'
            '[[package]]\nname = "pytz"\nversion = "2024.2"\n')


def test_a_single_project_uv_lock_pins_its_declared_lines_and_keeps_their_extras(tmp_path):
    root = make_repo(tmp_path, {"pyproject.toml": _UV_PROJECT, "uv.lock": _UV_LOCK})
    nb = write_notebook(root / "nb.ipynb", ["import pandas as pd\nimport pytz"])
    [manifest] = [m for m in discover_project(nb).manifests if m.kind == "pyproject"]
    specs = {r.name: (r.spec, r.pinned) for r in manifest.requirements}
    assert specs["pandas"] == ("pandas==2.2.3  # locked in uv.lock", True)
    assert specs["optuna-integration"] == ("optuna-integration[lightgbm]==4.8.0  # locked in uv.lock", True)
    diagnostics = audit(nb)
    assert found(diagnostics, "DEP004") == []
    # pytz is locked only as pandas' dependency: still undeclared.
    assert found(diagnostics, "DEP001") == [(1, 2)]


def test_a_uv_lock_of_another_project_or_format_pins_nothing(tmp_path):
    other = _UV_LOCK.replace('name = "quantlab"', 'name = "someone-else"')
    root = make_repo(tmp_path, {"pyproject.toml": _UV_PROJECT, "uv.lock": other})
    nb = write_notebook(root / "nb.ipynb", ["import pandas as pd"])
    assert found(audit(nb), "DEP004") == [(None, 5)]
    root2 = make_repo(tmp_path / "v2", {"pyproject.toml": _UV_PROJECT, "uv.lock": _UV_LOCK.replace("version = 1\n", "version = 2\n", 1)})
    nb2 = write_notebook(root2 / "nb.ipynb", ["import pandas as pd"])
    assert found(audit(nb2), "DEP004") == [(None, 5)]


# --- fair check 22 (fix22dep) -------------------------------------------------------------------

_FORKED_LOCK = ('version = 1\nrevision = 3\nresolution-markers = [\n    "python_full_version >= \'3.13\'",\n'
                '    "python_full_version < \'3.13\' and sys_platform == \'win32\'",\n'
                '    "python_full_version < \'3.13\' and sys_platform != \'win32\'",\n]\n\n'
                '[[package]]\nname = "quantlab"\nversion = "0.1.0"\nsource = { editable = "." }\n\n'
                '[[package]]\nname = "pandas"\nversion = "2.2.3"\n\n'
                '[[package]]\nname = "numpy"\nversion = "1.26.4"\nresolution-markers = [\n'
                '    "python_full_version < \'3.13\' and sys_platform == \'win32\'",\n'
                '    "python_full_version < \'3.13\' and sys_platform != \'win32\'",\n]\n\n'
                '[[package]]\nname = "numpy"\nversion = "2.3.5"\nresolution-markers = [\n'
                '    "python_full_version >= \'3.13\'",\n]\n')
_FORKED_PROJECT = '[project]\nname = "quantlab"\nversion = "0.1.0"\ndependencies = [\n  "pandas>=2.2",\n  "numpy>=1.26",\n]\n'


def test_a_uv_lock_forked_per_python_range_pins_the_package(tmp_path):
    root = make_repo(tmp_path, {"pyproject.toml": _FORKED_PROJECT, "uv.lock": _FORKED_LOCK})
    nb = write_notebook(root / "nb.ipynb", ["import numpy as np\nimport pandas as pd"])
    [manifest] = [m for m in discover_project(nb).manifests if m.kind == "pyproject"]
    specs = {r.name: (r.spec, r.pinned) for r in manifest.requirements}
    assert specs["numpy"] == ("numpy==2.3.5  # locked in uv.lock, 1.26.4 on other Python versions or platforms", True)
    assert found(audit(nb), "DEP004") == []


def test_a_uv_lock_version_without_markers_or_with_shared_ones_pins_nothing(tmp_path):
    unmarked = _FORKED_LOCK.replace('version = "2.3.5"\nresolution-markers = [\n    "python_full_version >= \'3.13\'",\n]\n',
                                    'version = "2.3.5"\n')
    shared = _FORKED_LOCK.replace('    "python_full_version >= \'3.13\'",\n]\n',
                                  '    "python_full_version >= \'3.13\'",\n    "python_full_version < \'3.13\' and sys_platform == \'win32\'",\n]\n')
    for name, lock in (("unmarked", unmarked), ("shared", shared)):
        assert lock != _FORKED_LOCK
        root = make_repo(tmp_path / name, {"pyproject.toml": _FORKED_PROJECT, "uv.lock": lock})
        nb = write_notebook(root / "nb.ipynb", ["import numpy as np\nimport pandas as pd"])
        assert found(audit(nb), "DEP004") == [(None, 6)], name


_NOTEBOOKS_WORKFLOW = ("jobs:\n  notebooks:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
                       "      - run: python -m pip install -r requirements/dev.txt -r testing/requirements.txt\n"
                       "      - run: pytest --nbmake doc/source/examples\n")
_NOTEBOOK_REQUIREMENTS = ("# Dependencies installed (with !pip install) in example notebooks\n"
                          "alibi @ git+https://github.com/SeldonIO/alibi@master#egg=alibi\nseaborn>=0.9.0\n")


def test_a_requirements_file_ci_installs_to_run_the_notebooks_declares_and_takes_their_lines(tmp_path):
    root = make_repo(tmp_path, {".github/workflows/test_all_notebooks.yml": _NOTEBOOKS_WORKFLOW,
                                "requirements/dev.txt": "pytest==8.3.3\nnbmake==1.5.4\n",
                                "testing/requirements.txt": _NOTEBOOK_REQUIREMENTS})
    nb = write_notebook(root / "doc" / "source" / "examples" / "od_vae.ipynb",
                        ["!pip install alibi seaborn statsmodels", "import alibi\nimport seaborn as sns\nimport statsmodels"])
    diagnostics = audit(nb)
    assert found(diagnostics, "DEP001") == [(2, 3)]
    shown = str(root / "testing" / "requirements.txt")
    [dep003] = [d for d in diagnostics if d.code == "DEP003"]
    assert dep003.fix == f"Declare statsmodels in {shown} (pinned; alibi, seaborn are already declared in {shown}) and delete the line"
    dep004 = {d.location.line: d.fix for d in diagnostics if d.code == "DEP004"}
    # The commit replaces the branch, before the `#egg=` fragment (not after the end of the URL).
    assert dep004 == {2: "Pin it to a commit: `alibi @ git+https://github.com/SeldonIO/alibi@<commit>#egg=alibi`",
                      3: "Pin it: `seaborn==<the version you ran with>`"}


def test_a_requirements_file_ci_installs_without_running_that_folder_declares_nothing(tmp_path):
    files = {".github/workflows/test_all_notebooks.yml": _NOTEBOOKS_WORKFLOW, "testing/requirements.txt": _NOTEBOOK_REQUIREMENTS}
    root = make_repo(tmp_path, files)
    elsewhere = write_notebook(root / "tutorials" / "intro.ipynb", ["import seaborn as sns"])
    assert found(audit(elsewhere), "DEP002") == [(1, 1)]
    # A workflow that installs the file but executes no notebook (a unit-test job) is no link either.
    unit = make_repo(tmp_path / "unit", {**files, ".github/workflows/test_all_notebooks.yml":
                                         _NOTEBOOKS_WORKFLOW.replace("pytest --nbmake doc/source/examples", "pytest tests/")})
    nb = write_notebook(unit / "doc" / "source" / "examples" / "od_vae.ipynb", ["import seaborn as sns"])
    assert found(audit(nb), "DEP002") == [(1, 1)]


_PACKAGE_WITH_GROUPS = ('[build-system]\nrequires = ["setuptools>=45"]\nbuild-backend = "setuptools.build_meta"\n\n'
                        '[project]\nname = "tsforecast"\nversion = "2.1.1"\ndependencies = ["numpy>=1.21.6", "pandas<3.0.0"]\n\n'
                        '[dependency-groups]\nray = ["ray>=2.56.0"]\ndev = ["pytest", "scikit-learn"]\n')


def test_a_package_s_notebooks_get_its_dependency_group_named_not_its_dependencies(tmp_path):
    # statsforecast: "Add `matplotlib` (pinned) to the dependencies of pyproject.toml" would make every
    # user of the library install it; `uv sync --group dev` builds the docs notebooks' environment.
    root = make_repo(tmp_path, {"pyproject.toml": _PACKAGE_WITH_GROUPS})
    nb = write_notebook(root / "nbs" / "docs" / "arima.ipynb", ["import tsforecast\nimport matplotlib.pyplot as plt"])
    [dep001] = [d for d in audit(nb) if d.code == "DEP001"]
    assert dep001.fix == f"Add `matplotlib` (pinned) to the `dev` group of `[dependency-groups]` in {root / 'pyproject.toml'}"
    docs = make_repo(tmp_path / "docs", {"pyproject.toml": _PACKAGE_WITH_GROUPS.replace("ray = [", "docs = [\"mkdocs\"]\nray = [")})
    nb = write_notebook(docs / "nbs" / "arima.ipynb", ["import tsforecast\nimport matplotlib.pyplot as plt"])
    [dep001] = [d for d in audit(nb) if d.code == "DEP001"]
    assert dep001.fix == f"Add `matplotlib` (pinned) to the `docs` group of `[dependency-groups]` in {docs / 'pyproject.toml'}"
    # An application's pyproject (no build system: `uv sync` installs its dependencies) keeps them as the home.
    app = make_repo(tmp_path / "app", {"pyproject.toml": _PACKAGE_WITH_GROUPS.split("\n\n", 1)[1].replace('"tsforecast"', '"course"')})
    nb = write_notebook(app / "nbs" / "arima.ipynb", ["import numpy as np\nimport matplotlib.pyplot as plt"])
    [dep001] = [d for d in audit(nb) if d.code == "DEP001"]
    assert dep001.fix == f"Add `matplotlib` (pinned) to the dependencies of {app / 'pyproject.toml'}"


_POETRY_LIBRARY = ('[tool.poetry]\nname = "neuralforecast"\nversion = "1.0.0"\n\n'
                   '[tool.poetry.dependencies]\npython = ">=3.9,<3.13"\nnumpy = ">=1.25.0,<2.0.0"\ntorch = ">=2.0.0,<2.4.0"\n\n'
                   '[tool.poetry.group.dev.dependencies] # For dev involving notebooks\nipykernel = ">=6.29.2"\n\n'
                   '[tool.poetry.group.docs]\noptional = true\n\n[tool.poetry.group.docs.dependencies]\nsphinx = "^7.0.0"\n\n'
                   '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n')


def test_a_poetry_library_s_notebooks_get_its_docs_group_named_not_its_dependencies(tmp_path):
    # neural_prophet (fair check 24): "Add `torchviz` to the dependencies of pyproject.toml" would make the
    # library require it; its docs group is where the docs notebooks' extra packages go.
    root = make_repo(tmp_path, {"pyproject.toml": _POETRY_LIBRARY})
    nb = write_notebook(root / "docs" / "source" / "energy_tool.ipynb", ["import neuralforecast\nimport ipywidgets as widgets"])
    [dep001] = [d for d in audit(nb) if d.code == "DEP001"]
    assert dep001.fix == (f"Add `ipywidgets` (pinned) to the `docs` group (`[tool.poetry.group.docs.dependencies]`) "
                          f"of {root / 'pyproject.toml'}")
    # `package-mode = false`: a Poetry environment, no library: its dependencies are the home.
    env = make_repo(tmp_path / "env", {"pyproject.toml": _POETRY_LIBRARY.replace('version = "1.0.0"', 'version = "1.0.0"\npackage-mode = false')})
    nb = write_notebook(env / "nbs" / "energy_tool.ipynb", ["import numpy\nimport ipywidgets as widgets"])
    [dep001] = [d for d in audit(nb) if d.code == "DEP001"]
    assert dep001.fix == f"Add `ipywidgets` (pinned) to the dependencies of {env / 'pyproject.toml'}"


def test_a_hatch_environment_declares_and_the_fix_names_it(tmp_path):
    pyproject = ('[project]\nname = "guide"\ndependencies = ["sphinx==7.3.7"]\n\n[tool.hatch.envs.notebook]\n'
                 'extra-dependencies = [\n  "pooch",\n]\n')
    root = make_repo(tmp_path, {"pyproject.toml": pyproject})
    nb = write_notebook(root / "nb.ipynb", ["import pooch\nimport pandas as pd"])
    diagnostics = audit(nb)
    [dep001] = [d for d in diagnostics if d.code == "DEP001"]
    assert dep001.location.line == 2
    assert "Hatch environment `notebook`" in dep001.fix
    # An environment, not a library's metadata: its unpinned line is a plain "pin it".
    [dep004] = [d for d in diagnostics if d.code == "DEP004"]
    assert dep004.location.line == 7 and dep004.fix.startswith("Pin it:")


def test_a_compose_built_environment_folder_declares(tmp_path):
    compose = ("services:\n  legacy:\n    build:\n      context: .\n      dockerfile: envs/legacy/Dockerfile\n")
    root = make_repo(tmp_path, {"requirements.txt": "pandas==2.2.2\n", "docker-compose.yml": compose,
                                "envs/legacy/Dockerfile": "FROM python:3.10-slim\nRUN pip install gensim==4.3.2\n"})
    nb = write_notebook(root / "nb.ipynb", ["import pandas as pd\nimport gensim\nimport polars"])
    [dep001] = [d for d in audit(nb) if d.code == "DEP001"]
    assert dep001.location.line == 3 and "envs/legacy" not in dep001.message
    # Without the compose file the folder is nobody's environment.
    bare = make_repo(tmp_path / "bare", {"requirements.txt": "pandas==2.2.2\n",
                                         "envs/legacy/Dockerfile": "FROM python:3.10-slim\nRUN pip install gensim==4.3.2\n"})
    nb2 = write_notebook(bare / "nb.ipynb", ["import pandas as pd\nimport gensim\nimport polars"])
    assert found(audit(nb2), "DEP001") == [(1, 2), (1, 3)]


def test_an_optional_import_is_not_reported_unless_its_handler_installs_it(tmp_path):
    root = make_repo(tmp_path, {"requirements.txt": "numpy==2.0.1\n"})
    optional = write_notebook(root / "a.ipynb", [
        "try:\n    import kdbconnect\nexcept ModuleNotFoundError:\n    print('optional: pip install kdbconnect')"])
    assert found(audit(optional), "DEP001") == []
    installs = write_notebook(root / "b.ipynb", ["try:\n    import kdbconnect\nexcept ImportError:\n    !pip install kdbconnect"])
    assert found(audit(installs), "DEP001") == [(1, 2)]
    used_plainly = write_notebook(root / "c.ipynb", ["try:\n    import kdbconnect\nexcept ImportError:\n    pass", "import kdbconnect"])
    assert found(audit(used_plainly), "DEP001") == [(1, 2)]  # (at its first import, as always)
    # A whole cell wrapped in `try/except Exception: print(e)` is no optional import when the name it
    # binds is read unguarded afterwards: the notebook does not run without it (review of session 35).
    read_later = write_notebook(root / "d.ipynb", [
        "try:\n    import kdbconnect as kc\nexcept Exception as e:\n    print(e)", "conn = kc.connect()"])
    assert found(audit(read_later), "DEP001") == [(1, 2)]
    # ... but a read under an `if` testing the flag the `try` sets runs only when the import did.
    flagged = write_notebook(root / "e.ipynb", [
        "HAS_KDB = False\ntry:\n    import kdbconnect as kc\n    HAS_KDB = True\nexcept ImportError:\n    pass",
        "if HAS_KDB:\n    conn = kc.connect()\nelse:\n    conn = None"])
    assert found(audit(flagged), "DEP001") == []
    read_in_else = write_notebook(root / "f.ipynb", [
        "HAS_KDB = False\ntry:\n    import kdbconnect as kc\n    HAS_KDB = True\nexcept ImportError:\n    pass",
        "if HAS_KDB:\n    conn = None\nelse:\n    conn = kc.connect()"])
    assert found(audit(read_in_else), "DEP001") == [(1, 3)]


def test_a_requirements_file_setup_py_reads_is_the_library_s_metadata(tmp_path):
    setup = "from setuptools import setup\n\nsetup(name='effectkit', install_requires=open('requirements.txt').read().split())\n"
    root = make_repo(tmp_path, {"setup.py": setup, "requirements.txt": "pandas>=2.0\n"})
    nb = write_notebook(root / "examples" / "demo.ipynb", ["import pandas as pd\nimport seaborn"])
    diagnostics = audit(nb)
    [dep001] = [d for d in diagnostics if d.code == "DEP001"]
    assert "requirements file for the notebooks" in dep001.fix and "setup.py reads it" in dep001.fix
    [dep004] = [d for d in diagnostics if d.code == "DEP004"]
    assert "where the environment is built" in dep004.fix and "install_requires" in dep004.fix


def test_a_template_setup_py_is_no_library(tmp_path):
    # Fair check 45, items 44 and 48: a setup.py still carrying a template's placeholders reads the root
    # requirements.txt, which is then where the environment is built, so the pin goes there.
    setup = ("from setuptools import setup\nreqs = open('requirements.txt').read().split()\n"
             "setup(name='ml-project', author='Your Name', author_email='your.email@example.com', install_requires=reqs)\n")
    root = make_repo(tmp_path, {"setup.py": setup, "requirements.txt": "pandas>=2.0\n"})
    nb = write_notebook(root / "notebooks" / "demo.ipynb", ["import pandas as pd"])
    [dep004] = [d for d in audit(nb) if d.code == "DEP004"]
    assert dep004.fix.startswith("Pin it: `pandas==") and "install_requires" not in dep004.fix


def test_dep003_names_a_vcs_install_s_distribution_and_a_nightly_s_release(tmp_path):
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", [
        "!pip install git+https://github.com/pyg-team/pytorch_geometric.git\nimport torch_geometric", "!pip install tf-nightly"])
    fixes = [d.fix for d in audit(nb) if d.code == "DEP003"]
    assert any("`torch-geometric @ git+https://github.com/pyg-team/pytorch_geometric.git@<commit>`" in f for f in fixes)
    assert any(f.startswith("Declare tensorflow in requirements.txt (pinned)") and "`tf-nightly` is a nightly build" in f
               for f in fixes)


def test_dep003_declares_tensorflow_for_the_2_0_preview_nightlies(tmp_path):
    # fair check 30, item 12: `tf-nightly-2.0-preview` (and its -gpu- twin) are nightlies of TensorFlow 2.0
    # that PyPI no longer has; declaring them pinned names a project pip cannot find.
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["!pip install tf-nightly-2.0-preview\nimport tensorflow as tf",
                                            "!pip install tf-nightly-gpu-2.0-preview"])
    fixes = [d.fix for d in audit(nb) if d.code == "DEP003"]
    assert len(fixes) == 2 and all(f.startswith("Declare tensorflow in requirements.txt (pinned)") for f in fixes), fixes
    assert "`tf-nightly-2.0-preview` is a nightly build of `tensorflow`" in fixes[0]
    assert "`tf-nightly-gpu-2.0-preview` is a nightly build of `tensorflow`" in fixes[1]


def test_dep003_declares_the_new_name_of_a_renamed_distribution(tmp_path):
    # fair check 29, item 24: `!pip install fbprophet` then `from fbprophet import Prophet`; fbprophet stopped
    # at 0.7.1 and is `prophet` from 1.0, so "declare fbprophet (pinned)" pinned a dead name. A line that pins
    # the old name (`tensorflow-gpu==1.15`, a release still on the index) keeps it.
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["!pip install pandas fbprophet\nfrom fbprophet import Prophet",
                                            "!pip install tensorflow-gpu", "!pip install tensorflow-gpu==1.15"])
    diagnostics = audit(nb)
    fixes = [d.fix for d in diagnostics if d.code == "DEP003"]
    assert fixes[0].startswith("Declare pandas, prophet in requirements.txt (pinned)"), fixes
    assert "`fbprophet` was renamed `prophet` at 1.0" in fixes[0] and "declare `prophet` and `import prophet` instead of `import fbprophet`" in fixes[0]
    assert fixes[1].startswith("Declare tensorflow in requirements.txt (pinned)"), fixes
    assert "`tensorflow-gpu` was removed from the package index at 2.12" in fixes[1]
    assert fixes[2] == "Declare tensorflow-gpu==1.15 in requirements.txt (pinned) and delete the line", fixes
    (dep002,) = [d for d in diagnostics if d.code == "DEP002" and "fbprophet" in d.message]
    assert "declare `prophet` and `import prophet` instead of `import fbprophet`" in dep002.fix, dep002.fix


def test_zeus_ml_is_told_as_moved_to_zeus(tmp_path):
    # Fair check 38, item 22: `!pip install zeus-ml` then `from zeus.monitor import ZeusMonitor` was told to declare
    # `zeus-ml` (pinned), the name whose 0.11.0 was the last release mirrored there; the project is `zeus` now.
    root = make_repo(tmp_path, {})
    diagnostics = audit(write_notebook(root / "nb.ipynb", ["!pip install zeus-ml", "from zeus.monitor import ZeusMonitor"]))
    (dep003,) = [d for d in diagnostics if d.code == "DEP003"]
    assert dep003.fix.startswith("Declare zeus in requirements.txt (pinned)"), dep003.fix
    assert "`zeus-ml` was moved to `zeus` after 0.11.0" in dep003.fix, dep003.fix
    (dep002,) = [d for d in diagnostics if d.code == "DEP002"]
    assert "declare `zeus`" in dep002.fix, dep002.fix


def test_plotly_express_is_told_as_folded_into_plotly(tmp_path):
    # Fair check 36, item 13: `import plotly_express as px` was told to add a pinned line for `plotly_express`, a shim
    # whose last release only imports `plotly.express`: the finding stays, and the fix says plotly is the line.
    root = make_repo(tmp_path, {})
    (dep002,) = [d for d in audit(write_notebook(root / "nb.ipynb", ["import plotly_express as px\npx.line(x=[1], y=[2])"]))
                 if d.code == "DEP002"]
    assert "declare `plotly` and `import plotly.express` instead of `import plotly_express`" in dep002.fix, dep002.fix
    other = make_repo(tmp_path / "other", {"requirements.txt": "numpy==2.0.1\n"})
    (dep001,) = [d for d in audit(write_notebook(other / "nb.ipynb", ["import plotly_express as px"])) if d.code == "DEP001"]
    assert "`plotly-express` was folded into plotly as `plotly.express`" in dep001.fix, dep001.fix


def test_dep003_says_a_find_links_page_goes_with_the_pins(tmp_path):
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["!pip install -q torch-scatter -f https://data.pyg.org/whl/torch-${TORCH}.html"])
    (fix,) = [d.fix for d in audit(nb) if d.code == "DEP003"]
    assert fix.startswith("Declare torch-scatter in requirements.txt (pinned, with the line `--find-links "
                          "https://data.pyg.org/whl/torch-${TORCH}.html` in it")
    assert "same version" in fix


def test_dep003_says_binder_ignores_a_requirements_file_beside_its_dockerfile(tmp_path):
    root = make_repo(tmp_path, {"binder/Dockerfile": "FROM pangeo/pangeo-notebook:2021.05.15\n",
                                "binder/requirements.txt": "folium==0.12.1\n"})
    nb = write_notebook(root / "notebooks" / "maps.ipynb", ["!pip install folium==0.12.1\nimport folium"])
    (fix,) = [d.fix for d in audit(nb) if d.code == "DEP003"]
    assert "which Binder ignores" in fix and fix.endswith("binder/Dockerfile (the image the kernel starts in) and delete the line")


def test_dep003_names_the_clone_a_local_path_install_comes_from(tmp_path):
    """Fair check 24 (Transformers-Tutorials): `!git clone -b BRANCH URL` then `!pip install ./transformers`
    (the `!cd` runs in a throwaway shell) installs the notebook's own clone: the project is the repository
    at a commit, not a local package to declare with `-e`; a sub-folder of the clone is a subdirectory."""
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", [
        "!rm -r transformers\n!git clone -b add_relation_extraction https://github.com/nielsrogge/transformers.git\n"
        "!cd transformers\n!pip install -q ./transformers",
        "! git clone https://github.com/example-lab/unilm.git\n! pip install unilm/layoutlm",
        "import transformers\nimport layoutlm"])
    fixes = {(d.location.cell, d.location.line): (d.message, d.fix) for d in audit(nb) if d.code == "DEP003"}
    message, fix = fixes[(1, 4)]
    assert "the clone of https://github.com/nielsrogge/transformers.git (`./transformers`)" in message
    assert fix == ("Declare the clone's project in requirements.txt as a direct reference pinned to a commit "
                   "(`<name> @ git+https://github.com/nielsrogge/transformers.git@<commit>`, the commit the branch "
                   "`add_relation_extraction` had: a branch can move) and delete the line, with the `git clone` that fetches it")
    assert "`<name> @ git+https://github.com/example-lab/unilm.git@<commit>#subdirectory=layoutlm`" in fixes[(2, 2)][1]
    # A `%cd` elsewhere in between: the relative path no longer starts beside the clone.
    moved = write_notebook(root / "moved.ipynb", [
        "!git clone https://github.com/nielsrogge/transformers.git\n%cd /content/work\n!pip install -q ./transformers"])
    [(message, fix)] = [(d.message, d.fix) for d in audit(moved) if d.code == "DEP003"]
    assert "the local package ./transformers" in message and "clone's project" not in fix


def test_dep003_does_not_say_binder_ignores_the_dockerfile_that_declares_it(tmp_path):
    """Fair check 24: the dev container's Dockerfile itself installs tensorflow; nothing beside it is ignored."""
    root = make_repo(tmp_path, {".devcontainer/Dockerfile": ("FROM continuumio/anaconda3\n"
                                                             "RUN pip --disable-pip-version-check --no-cache-dir install tensorflow\n")})
    nb = write_notebook(root / "nb.ipynb", ["!pip install --upgrade tensorflow\nimport tensorflow as tf"])
    (fix,) = [d.fix for d in audit(nb) if d.code == "DEP003"]
    assert "Binder" not in fix
    assert fix.startswith("tensorflow is already declared in ") and ".devcontainer/Dockerfile: install it in a RUN line of " in fix
    assert fix.endswith(".devcontainer/Dockerfile (the image the kernel starts in) and delete the line")


# --- fair check 19 (fix19dep): the fixes name the project's own file and the notebook's own pin -------

FAIR19 = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks" / "fair19"


def _fixes(folder: Path) -> dict[tuple[str, str], str]:
    """(code, distribution or the line's packages) → fix, for the batch report of a fixture folder."""
    result = audit_paths([str(folder)], Settings(), jobs=1)
    return {(d.code, dict(d.data).get("distribution") or d.message.split(" with ")[0].removeprefix("Notebook installs ")): d.fix
            for d in result.diagnostics if d.code.startswith("DEP")}


def test_fair19_a_conda_only_project_gets_its_environment_file_named_with_the_section_the_tool_needs():
    # Bios8366: environment.yml is the only manifest; `!conda install` and `!pip install` lines were
    # told "Declare … in requirements.txt".
    fixes = _fixes(FAIR19 / "conda_env_only")
    env = "conda_env_only/environment.yml"
    assert fixes[("DEP003", "lightgbm")].startswith("Declare lightgbm in the `dependencies:` list of ")
    assert fixes[("DEP003", "lightgbm")].endswith(f"{env} (pinned) and delete the line")
    assert fixes[("DEP003", "tabulate")].startswith("Declare tabulate in the `pip:` list under `dependencies:` of ")
    assert fixes[("DEP003", "tabulate")].endswith(f"{env} (pinned) and delete the line")
    # DEP001 names the same file (it said "to a manifest").
    assert fixes[("DEP001", "lightgbm")].startswith("Add `lightgbm` (pinned) to ") and fixes[("DEP001", "lightgbm")].endswith(env)
    assert "requirements.txt" not in " ".join(fixes.values())


def test_fair19_dep001_names_the_binder_file_not_the_docs_build():
    fixes = _fixes(FAIR19 / "binder_beside_docs")
    assert fixes == {("DEP001", "astropy"): fixes[("DEP001", "astropy")]}
    assert fixes[("DEP001", "astropy")].startswith("Add `astropy` (pinned) to ")
    assert fixes[("DEP001", "astropy")].endswith("binder_beside_docs/.binder/requirements.txt")


def test_fair19_the_notebook_s_own_pin_is_carried_and_sklearn_is_declared_as_scikit_learn():
    fixes = _fixes(FAIR19 / "own_pin_no_manifest")
    assert fixes[("DEP003", "tensorflow==2.4.1, sklearn")] == (
        "Declare tensorflow==2.4.1, scikit-learn in requirements.txt (pinned) and delete the line (`sklearn` is a deprecated "
        "placeholder on the package index that does not install `scikit-learn`: declare the latter)")
    assert fixes[("DEP002", "tensorflow")] == ("Add a requirements.txt beside the notebook with the line `tensorflow==2.4.1` "
                                              "(the version that cell 2's install line pins)")
    assert fixes[("DEP002", "scikit-learn")] == "Add a requirements.txt beside the notebook with a pinned line for `scikit-learn`"


def test_fair19_every_dep002_of_a_project_names_one_new_file():
    # Dive-into-DL-PyTorch: numpy's fix said `code/`, mxnet's (one notebook) "beside the notebook".
    result = audit_paths([str(FAIR19 / "lessons_one_new_file")], Settings(), jobs=1)
    fixes = {dict(d.data)["distribution"]: d.fix for d in result.diagnostics if d.code == "DEP002"}
    assert sorted(fixes) == ["numpy", "tqdm"]
    assert {f.split("`")[1].rstrip("/").rsplit("/", 1)[-1] for f in fixes.values()} == {"lessons_one_new_file"}
    assert "(beside or above all of these notebooks)" in fixes["numpy"]
    assert "(beside or above both notebooks of the project without a manifest)" in fixes["tqdm"]
    # Alone, a notebook's report is unchanged: the file goes beside it.
    alone = audit_paths([str(FAIR19 / "lessons_one_new_file" / "lesson2" / "progress.ipynb")], Settings(), jobs=1)
    assert all(d.fix.startswith("Add a requirements.txt beside the notebook") for d in alone.diagnostics if d.code == "DEP002")


def test_fair19_dep001_carries_the_pin_of_an_unguarded_install_line(tmp_path):
    root = make_repo(tmp_path, {"requirements.txt": "numpy==1.26.4\n"})
    nb = write_notebook(root / "nb.ipynb", ["!pip install -q lightgbm==4.3.0", "import numpy as np\nimport lightgbm"])
    [dep001] = [d for d in audit(nb) if d.code == "DEP001"]
    assert dep001.fix == f"Add `lightgbm==4.3.0` to {root / 'requirements.txt'} (the version that cell 1's install line pins)"


FAIR20 = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks" / "fair20"


def test_fair20_last_years_course_files_are_related_locations_and_the_fix_names_this_years():
    # phlippe/uvadlc_notebooks: dl2023_* beside dl2024_*; 18 DEP004 on last year's files, 13 DEP001
    # fixes naming dl2023_cpu.yml.
    result = audit_paths([str(FAIR20 / "course_editions")], Settings(), jobs=1)
    dep004 = {(d.location.path.rsplit("/", 1)[-1], d.location.line): d for d in result.diagnostics if d.code == "DEP004"}
    assert sorted(dep004) == [("course2024_cpu.yml", 9), ("course2024_cpu.yml", 10), ("course2024_gpu.yml", 9), ("course2024_gpu.yml", 10)]
    related = lambda d: sorted((r.path.rsplit("/", 1)[-1], r.line) for r in d.related if r.path.endswith(".yml"))
    assert related(dep004[("course2024_cpu.yml", 9)]) == [("course2023_cpu.yml", 9), ("course2023_jax.yml", 9)]
    assert related(dep004[("course2024_gpu.yml", 10)]) == [("course2023_gpu.yml", 10)]
    assert "older edition" in dep004[("course2024_gpu.yml", 10)].message
    [dep001] = [d for d in result.diagnostics if d.code == "DEP001"]
    assert dep001.fix.startswith("Add `scipy` (pinned) to ")
    assert dep001.fix.endswith("course_editions/course2024_cpu.yml and " + dep001.fix.rsplit(" and ", 1)[0].removeprefix(
        "Add `scipy` (pinned) to ").replace("course2024_cpu.yml", "course2024_gpu.yml"))
    assert "2023" not in dep001.fix


def test_fair20_a_library_s_docs_notebook_gets_the_docs_environment_named_not_the_library_s_metadata():
    # causalml: maq's fix said "to the dependencies of pyproject.toml" (the library would require it);
    # DEP004 on the library's extra said "a requirements.txt beside the notebook" (the docs build from conda).
    fixes = _fixes(FAIR20 / "docs_sphinx_list")
    assert fixes[("DEP001", "xarray")].startswith("Add `xarray` (pinned) to ")
    env = fixes[("DEP001", "xarray")].removeprefix("Add `xarray` (pinned) to ")
    assert env.endswith("docs_sphinx_list/docs/environment.yml")
    result = audit_paths([str(FAIR20 / "docs_sphinx_list")], Settings(), jobs=1)
    [dep004] = [d for d in result.diagnostics if d.code == "DEP004"]
    assert dep004.fix.startswith(f"Pin `pyro-ppl==<the version you ran with>` where the environment is built ({env});")


def test_fair20_a_tool_list_is_no_home_while_the_environment_file_is_there(tmp_path):
    # kornia/tutorials: `requirements-dev.txt` (jupyter, pre-commit) was named over requirements.txt;
    # lightfm: `lint-requirements.txt` (pre-commit, black) over the Dockerfile that installs jupyter.
    root = make_repo(tmp_path, {"requirements.txt": "numpy==1.26.4\n",
                                "requirements-dev.txt": "jupyter==1.0.0\npre-commit==3.7.1\n"})
    nb = write_notebook(root / "nbs" / "fetch.ipynb", ["import numpy as np\nimport requests"])
    [dep001] = [d for d in audit(nb) if d.code == "DEP001"]
    assert dep001.fix == f"Add `requests` (pinned) to {root / 'requirements.txt'}"
    other = make_repo(tmp_path / "lib", {"lint-requirements.txt": "black==24.4.2\nflake8==7.0.0\n",
                                         "test-requirements.txt": "pytest==8.2.0\n",
                                         "Dockerfile": "FROM python:3.11-slim\nRUN pip install jupyter==1.0.0 numpy==1.26.4\n"})
    nb = write_notebook(other / "examples" / "timing.ipynb", ["import numpy as np\nimport pandas as pd"])
    [dep001] = [d for d in audit(nb) if d.code == "DEP001"]
    assert dep001.fix == f"Add `pandas` (pinned) to a RUN line of {other / 'Dockerfile'}"
    assert dep001.message.endswith(f"is not declared in {other / 'Dockerfile'}, {other / 'lint-requirements.txt'}, "
                                   f"{other / 'test-requirements.txt'}")


FAIR21 = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks" / "fair21"


def test_fair21_a_distribution_named_otherwise_declares_its_import_and_its_line_is_pinned_or_reported():
    # PacktPublishing's anaconda_env.yml: `u8darts<=0.19.0` and `tensor-sensor[torch]` were read as no
    # declaration of darts and tsensor (DEP001, wrong), so their ranges were never DEP004's.
    result = audit_paths([str(FAIR21 / "renamed_distributions")], Settings(), jobs=1)
    assert [dict(d.data)["module"] for d in result.diagnostics if d.code == "DEP001"] == ["feature_engine.creation"]
    dep004 = {d.location.line: d for d in result.diagnostics if d.code == "DEP004"}
    assert sorted(dep004) == [10, 11, 13]
    assert "(the notebook imports `darts`)" in dep004[10].message
    assert "(the notebook imports `merlion`)" in dep004[13].message


def test_fair21_an_identical_copy_of_a_manifest_is_a_related_location_of_the_original_s_finding():
    # Automating-GIS-processes: docs/requirements.txt is byte-identical to requirements.txt; every
    # unpinned line was reported twice.
    result = audit_paths([str(FAIR21 / "identical_docs_copy")], Settings(), jobs=1)
    dep004 = [d for d in result.diagnostics if d.code == "DEP004"]
    assert sorted((d.location.path.rsplit("identical_docs_copy/", 1)[-1], d.location.line) for d in dep004) == [
        ("requirements.txt", 3), ("requirements.txt", 4)]
    for d in dep004:
        copies = [(r.path.rsplit("identical_docs_copy/", 1)[-1], r.line) for r in d.related if r.path.endswith(".txt")]
        assert copies == [("docs/requirements.txt", d.location.line)]
        assert "an identical copy of this file, lists it too" in d.message
        assert d.fix.endswith(" in both files (or make the copy `-r` this one, so that one pin serves both)")


def test_fair21_a_contributors_image_and_the_library_s_metadata_are_no_home_for_the_examples():
    # whylogs: DEP001/DEP003 fixes said "a RUN line of Dockerfile" (pytest, sphinx, ruff; never whylogs),
    # and "the dependencies of python/pyproject.toml" where the notebook imports whylogs only in a
    # `%%writefile` script but installs it.
    fixes = _fixes(FAIR21 / "dev_image_examples")
    for name in ("pandas-gbq", "sagemaker"):
        fix, image = fixes[("DEP001", name)].split("; ")
        assert fix == f"Add `{name}` (pinned) to a `requirements.txt` of the notebooks' own, beside them"
        assert image.endswith("fair21/dev_image_examples/Dockerfile is a development image (test, docs and lint tools), "
                              "not where the notebooks run")
    result = audit_paths([str(FAIR21 / "dev_image_examples")], Settings(), jobs=1)
    dep003 = sorted(d.fix for d in result.diagnostics if d.code == "DEP003")
    assert [f.split(" (pinned;")[0] for f in dep003] == ["Declare pandas-gbq in requirements.txt", "Declare sagemaker in requirements.txt"]


def test_fair21_an_image_with_the_project_installed_is_still_a_home(tmp_path):
    # The same tools, but the image installs the project's requirements: where the notebooks run.
    root = make_repo(tmp_path, {"Dockerfile": "FROM python:3.11\nCOPY requirements.txt /tmp/\n"
                                              "RUN pip install -r /tmp/requirements.txt pytest==8.2.0 sphinx==7.3.7 ruff==0.4.4\n",
                                "requirements.txt": "numpy==1.26.4\n"})
    nb = write_notebook(root / "nb.ipynb", ["import numpy as np\nimport requests"])
    [dep001] = [d for d in audit(nb) if d.code == "DEP001"]
    assert "development image" not in dep001.fix


def test_fair21_dep003_declares_beautifulsoup4_not_pypi_s_bs4_dummy(tmp_path):
    # whylogs' NLP_Summarization: "Declare nltk, bs4", where DEP001 of the same notebook said beautifulsoup4.
    root = make_repo(tmp_path, {"requirements.txt": "numpy==1.26.4\n"})
    nb = write_notebook(root / "nb.ipynb", ["!pip install nltk bs4", "import numpy as np\nimport nltk\nfrom bs4 import BeautifulSoup"])
    [dep003] = [d for d in audit(nb) if d.code == "DEP003"]
    assert dep003.fix == ("Declare nltk, beautifulsoup4 in requirements.txt (pinned) and delete the line (`bs4` is a dummy package "
                          "on the package index that only pulls in `beautifulsoup4`, unpinned: declare the latter)")


def test_fair21_a_library_the_notebook_only_installs_is_no_home_but_brings_nothing_to_its_routes(tmp_path):
    # whylogs' flask_streaming: `%pip install … whylogs` made whylogs' metadata no home (right), but its
    # numpy must not silence the folder's requirements.txt lacking what environment.yml pins (fair 21 item 5).
    root = make_repo(tmp_path, {
        "pyproject.toml": "[project]\nname = 'tracelog'\ndependencies = ['numpy>=1.23', 'pandas>=1.3']\n",
        "examples/app/environment.yml": "name: app\ndependencies:\n  - python=3.9\n  - pip\n  - pip:\n    - numpy==1.21.2\n    - pandas==1.3.3\n",
        "examples/app/requirements.txt": "pandas==1.3.2\ntracelog==1.1.0\n",
    })
    nb = write_notebook(root / "examples" / "app" / "client.ipynb", ["%pip install pandas tracelog", "import numpy as np\nimport pandas as pd"])
    [dep001] = [d for d in audit(nb) if d.code == "DEP001"]
    assert (dep001.location.cell, dep001.location.line) == (2, 1)
    assert "but not in " in dep001.message and dep001.message.split("but not in ")[1].startswith(str(root / "examples" / "app" / "requirements.txt"))


# Fair check 27: Azure's AutoML environment files install a validated freeze by URL (`-r https://…`), which the
# audit never fetches. Below them, an update file is part of that environment; a folder's own environment
# (naming its Python) is a whole environment of its own, read as usual.
_FREEZE_ENV = ("name: azure_automl\ndependencies:\n- python>=3.10,<3.11\n- numpy>=1.21.6,<=1.23.5\n- pip:\n"
               "  - azureml-defaults~=1.59.0\n"
               "  - -r https://example.org/validated-requirements/1.59.0/validated_linux_requirements.txt [--no-deps]\n")


def test_a_remote_requirements_include_leaves_the_environment_unknown(tmp_path):
    root = make_repo(tmp_path, {"automl/automl_env.yml": _FREEZE_ENV,
                                "automl/many-models/update_env.yml": "dependencies:\n- pip:\n  - azureml-contrib-automl-pipeline-steps==1.59.0\n"})
    nb = write_notebook(root / "automl" / "many-models" / "mm.ipynb",
                        ["import numpy as np\nimport statsmodels.api as sm\nfrom azureml.train.automl.runtime import run"])
    diagnostics = audit(nb)
    assert found(diagnostics, "DEP001") == []
    assert found(diagnostics, "DEP004") == []


def test_a_nearer_environment_of_its_own_is_read_beside_a_remote_include_above(tmp_path):
    root = make_repo(tmp_path, {"automl/automl_env.yml": _FREEZE_ENV,
                                "automl/experimental/thin_env.yml": "name: thin\ndependencies:\n- python>=3.7,<3.11\n- pip:\n  - azureml-sdk==1.59.0\n"})
    nb = write_notebook(root / "automl" / "experimental" / "lab.ipynb", ["from azureml.core import Workspace\nimport lightgbm"])
    assert found(audit(nb), "DEP001") == [(1, 2)]


# Fair check 27 (pinecone's examples): a root pyproject.toml whose only list is the contributors' `dev` extra is
# no home for a notebook's packages; DEP001 says a requirements file of the notebooks, as DEP003 does.
_CONTRIBUTORS_PYPROJECT = ("[project]\nname = 'examples'\nversion = '0.1.0'\n\n[project.optional-dependencies]\n"
                           "dev = ['ruff>=0.9', 'pre-commit>=4.0', 'pinecone>=6.0.2']\n\n[tool.uv]\npackage = false\n")


def test_a_contributors_only_pyproject_is_no_home_for_the_notebooks_packages(tmp_path):
    root = make_repo(tmp_path, {"pyproject.toml": _CONTRIBUTORS_PYPROJECT})
    nb = write_notebook(root / "docs" / "rag.ipynb", ["!pip install -qU \\\n    kats-lab==0.2.0 \\\n    pinecone==6.0.2",
                                                      "import kats_lab\nimport pandas as pd"])
    diagnostics = [d for d in audit(nb) if d.code in ("DEP001", "DEP003")]
    dep001 = [d for d in diagnostics if d.code == "DEP001"]
    assert [(d.location.cell, d.location.line) for d in dep001] == [(2, 1), (2, 2)]
    assert all("to a `requirements.txt` of the notebooks' own" in d.fix and "contributors' tools" in d.fix for d in dep001)
    # The message names the distribution as the install line spells it, as the fix does.
    assert "distribution `kats-lab`" in dep001[0].message and "`kats-lab==0.2.0`" in dep001[0].fix
    assert "requirements.txt" in next(d for d in diagnostics if d.code == "DEP003").fix


def test_a_pyproject_with_dependencies_stays_the_home(tmp_path):
    root = make_repo(tmp_path, {"pyproject.toml": _CONTRIBUTORS_PYPROJECT.replace("version = '0.1.0'\n", "version = '0.1.0'\ndependencies = ['numpy==2.0.1']\n")})
    nb = write_notebook(root / "docs" / "rag.ipynb", ["import numpy as np\nimport pandas as pd"])
    dep001 = [d for d in audit(nb) if d.code == "DEP001"]
    assert [(d.location.cell, d.location.line) for d in dep001] == [(1, 2)]
    assert "to the dependencies of" in dep001[0].fix


def test_dep003_fix_declares_the_lines_vcs_install_beside_its_packages(tmp_path):
    # Fair check 27 item 36: `… sentence-transformers git+https://github.com/naver/splade.git` in one pip line.
    root = make_repo(tmp_path, {"requirements.txt": "numpy==2.0.1\n"})
    nb = write_notebook(root / "qa.ipynb", ["!pip install -qU \\\n    datasets==2.14.6 \\\n    git+https://github.com/naver/splade.git",
                                            "import datasets\nimport splade"])
    (dep003,) = [d for d in audit(nb) if d.code == "DEP003"]
    assert "`splade @ git+https://github.com/naver/splade.git@<commit>`" in dep003.fix
    assert "datasets==2.14.6" in dep003.fix


def test_fair28_a_folder_requirements_file_is_a_layer_on_the_one_above(tmp_path):
    """A course folder's requirements.txt (`tensorflow==1.0.0`) is pip-installed on top of the root's list:
    what the root declares, that route has, so the folder's environment.yml declaring tqdm is no other
    environment lacking it (fair check 28, item 3). A name no file above declares is still missing."""
    root = make_repo(tmp_path, {
        "requirements.txt": "numpy==1.26.4\ntqdm==4.66.4\n",
        "course/tf/requirements.txt": "tensorflow==1.0.0\n",
        "course/tf/environment.yml": "name: tf\ndependencies:\n  - numpy=1.26.4\n  - tqdm=4.8.4\n  - pandas=2.2.2\n  - pip:\n    - tensorflow==1.0.0\n",
    })
    nb = write_notebook(root / "course" / "tf" / "intro.ipynb", ["import tensorflow as tf\nimport numpy as np\nfrom tqdm import tqdm\nimport pandas as pd"])
    diagnostics = [d for d in audit(nb) if d.code == "DEP001"]
    assert [(d.location.cell, d.location.line) for d in diagnostics] == [(1, 4)]
    assert "pandas" in diagnostics[0].message and "requirements.txt" in diagnostics[0].message


def test_fair29_dep003_fix_keeps_the_lines_range_index_and_build_option(tmp_path):
    """Fair check 29, items 27 and 28: the fix said `setuptools` for the line's `setuptools<71.0.0`, dropped its
    `--index-url …/whl/cu121` (a requirements file takes it as `--extra-index-url`: an `--index-url` there would
    hold for every line), and declared flash-attn as a plain line, which does not build without the line's
    `--no-build-isolation`, a pip option no requirements file carries."""
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", [
        '%pip install "torch==2.5.1" vllm "setuptools<71.0.0" --index-url https://download.pytorch.org/whl/cu121\n'
        '!pip install ninja packaging\n'
        '!MAX_JOBS=4 pip install flash-attn --no-build-isolation',
        "import torch\nimport vllm"])
    (fix,) = [d.fix for d in audit(nb) if d.code == "DEP003"]
    assert fix.startswith("Declare torch==2.5.1, vllm, setuptools<71.0.0, ninja, packaging in requirements.txt (pinned, "
                          "with the line `--extra-index-url https://download.pytorch.org/whl/cu121` in it: the line installs "
                          "from that index (`--index-url`")
    assert ("Install flash-attn in a step after the manifest's packages, with the line's option "
            "(`pip install --no-build-isolation flash-attn==<version>`)") in fix
    assert "flash-attn," not in fix.split(";")[0]


def test_fair31_an_uncommitted_course_helper_is_a_file_to_commit_not_a_distribution(tmp_path):
    # Kulbear/deep-learning-coursera (fair check 31, items 3, 6, 9, 30, 31): `from dnn_utils import relu`,
    # `from testCases import *` of helper files never committed. DEP002 told to pin `dnn_utils` (on no
    # index) and `tf_utils` (an unrelated project on PyPI).
    root = make_repo(tmp_path, {})
    first = write_notebook(root / "week4" / "Step by Step.ipynb",
                           ["import numpy as np\nfrom testCases import *\nfrom dnn_utils import sigmoid, relu\nimport stardist\n"
                            "import useful_rdkit_utils as uru"])
    second = write_notebook(root / "week1" / "Gradient Checking.ipynb", ["from testCases import *\nfrom tf_utils import load_dataset"])
    by_module = {dict(d.data)["module"].split(".")[0]: d for d in audit(first) if d.code == "DEP002"}
    assert sorted(by_module) == ["dnn_utils", "numpy", "stardist", "testCases", "useful_rdkit_utils"]
    helper = by_module["dnn_utils"]
    assert "a helper module of the project, `dnn_utils.py`, that was not committed" in helper.message
    assert helper.fix.startswith("Commit `dnn_utils.py`")
    assert "pinned line for `dnn_utils`" not in helper.fix
    # A name no table knows and without a helper's shape keeps today's message (item 2: stardist).
    assert by_module["stardist"].message.startswith("`stardist` is imported (distribution `stardist`)")
    assert by_module["numpy"].fix.endswith("with a pinned line for `numpy`")
    # A published distribution named like a helper, known to the catalogue, stays one.
    assert "(distribution `useful-rdkit-utils`)" in by_module["useful_rdkit_utils"].message
    # Across the project: one finding for testCases, the file to commit beside each notebook.
    result = audit_paths([str(root)], Settings(), jobs=1)
    [cases] = [d for d in result.diagnostics if d.code == "DEP002" and dict(d.data)["module"] == "testCases"]
    assert cases.message.endswith(": commit it beside each of them")
    assert cases.fix.startswith("Commit `testCases.py`")


def test_fair32_a_generic_word_pipreqs_maps_to_an_unrelated_project_is_a_helper_to_commit(tmp_path):
    # hardikkamboj/An-Introduction-to-Statistical-Learning (fair check 32, item 7): `from bootstrap import Bootstrap_ci`
    # is the author's own uncommitted bootstrap.py; pipreqs' mapping (`bootstrap:BigJob`) made the fix pin BigJob,
    # a 2012 pilot-job framework. Ignored generic names ([pipreqs] ignore) read as helper modules.
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "Chapter_7" / "lab.ipynb", ["import numpy as np\nfrom bootstrap import Bootstrap_ci\nimport bson\nimport validate"])
    by_module = {dict(d.data)["module"].split(".")[0]: d for d in audit(nb) if d.code == "DEP002"}
    helper = by_module["bootstrap"]
    assert "BigJob" not in helper.fix and helper.fix.startswith("Commit `bootstrap.py`")
    assert "pipreqs' mapping gives its generic name to an unrelated project (`BigJob`)" in helper.message
    # The real owners of a mapped name stay distributions.
    assert "`pymongo`" in by_module["bson"].message and "`configobj`" in by_module["validate"].message
    # A notebook that installs the name itself means that distribution: no helper.
    other = write_notebook(root / "other" / "b.ipynb", ["!pip install bootstrap==1.0", "from bootstrap import x"])
    [pinned] = [d for d in audit(other) if d.code == "DEP002"]
    assert not pinned.fix.startswith("Commit")


def test_fair32_a_spacy_2_shortcut_is_loaded_by_the_package_name_once_declared(tmp_path):
    # NirantK/nlp-python-deep-learning (fair check 32, item 2): `spacy.load('en')` is spaCy 2's shortcut link, not a
    # package; en_core_web_sm installed from a manifest does not answer to it (2.0.13's util.load_model: a link, then
    # a package named `en`), and spaCy 3 has no shortcuts. The fix says to load the package by its name too.
    root = make_repo(tmp_path, {"requirements.txt": "spacy==2.0.11\n"})
    nb = write_notebook(root / "Part-01.ipynb", ["import spacy\nnlp = spacy.load('en')", "sm = spacy.load('en_core_web_sm')"])
    found = [d for d in audit(nb) if d.code == "DEP001"]
    assert len(found) == 1, [d.message for d in found]
    [finding] = found
    assert finding.message.startswith("`en` is spaCy 2's shortcut link for the spaCy model package `en_core_web_sm`"), finding.message
    assert finding.fix.endswith(", and load it by that name, `spacy.load(\"en_core_web_sm\")`: installing the package does not "
                                "make the `en` shortcut (spaCy 2 makes it with `python -m spacy link`; spaCy 3 has no shortcuts)"), finding.fix
    # Without a manifest (DEP002), the same.
    bare = make_repo(tmp_path / "bare", {})
    other = write_notebook(bare / "a.ipynb", ["import spacy\nnlp = spacy.load('en')"])
    [dep2] = [d for d in audit(other) if d.code == "DEP002" and dict(d.data)["distribution"] == "en_core_web_sm"]
    assert "`spacy.load(\"en_core_web_sm\")`" in dep2.fix


def test_rapids_placeholders_on_the_package_index_are_declared_with_conda_channels(tmp_path):
    # Fair check 33, items 15 and 20: PyPI's `cudf`/`cuml` are 0.6.1.post1 placeholders whose install fails,
    # so neither fix may end at "a pinned line for `cudf`" in a requirements.txt; a conda line from channels
    # goes to an environment file that lists them.
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["!conda install -y -c rapidsai \\\n  -c conda-forge cudf cuml", "import cudf"])
    diagnostics = audit(nb)
    (install,) = [d for d in diagnostics if d.code == "DEP003"]
    assert "requirements.txt" not in install.fix
    assert "environment.yml whose `channels:` list has `rapidsai`, `conda-forge`" in install.fix
    (missing,) = [d for d in diagnostics if d.code == "DEP002"]
    assert "placeholder whose install fails" in missing.fix and "`cudf-cu12`" in missing.fix
    # A plain package keeps the plain fix.
    plain = write_notebook(root / "plain.ipynb", ["!conda install -y -c conda-forge shap", "import shap"])
    (line,) = [d for d in audit(plain) if d.code == "DEP003"]
    assert "environment.yml whose `channels:` list has `conda-forge`" in line.fix and "placeholder" not in line.fix


def test_dep003_does_not_ask_to_declare_a_superseded_tool_no_cell_runs(tmp_path):
    # Fair check 34, item 24: `!pip install kaggle` / `!pip install kaggle-cli`; the fix said "Declare kaggle,
    # kaggle-cli", pinning a dead unofficial scraper (its `kg` command) that no cell runs.
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["!pip install kaggle\n!pip install kaggle-cli", "!kaggle competitions download -c titanic"])
    fixes = [d.fix for d in audit(nb) if d.code == "DEP003"]
    assert len(fixes) == 1
    assert fixes[0] == (
        "Declare kaggle in requirements.txt (pinned) and delete the line; Delete the line `!pip install kaggle-cli`: kaggle-cli "
        "is an unofficial command-line tool for Kaggle (`kg`), unmaintained since 2018, superseded by kaggle, and no cell "
        "runs it: nothing to declare for it")


def test_dep003_still_declares_a_superseded_tool_a_cell_runs(tmp_path):
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["!pip install kaggle-cli", "!kg download -c titanic"])
    fixes = [d.fix for d in audit(nb) if d.code == "DEP003"]
    assert fixes == ["Declare kaggle-cli in requirements.txt (pinned) and delete the line"]


def test_a_typo_of_a_module_beside_the_notebook_is_no_distribution_to_declare(tmp_path):
    # Fair check 35, items 2 and 49: `from utilties import *` beside `utilities.py` was "distribution `utilties`
    # not declared", fixed by a requirements line pip cannot install.
    root = make_repo(tmp_path, {"requirements.txt": "numpy==2.0.1\n", "nb/utilities.py": "def downloadData():\n    return []\n"})
    nb = write_notebook(root / "nb" / "lesson.ipynb", ["import numpy as np\nfrom utilties import *", "downloadData()"])
    (dep001,) = [d for d in audit(nb) if d.code == "DEP001"]
    assert (dep001.location.cell, dep001.location.line) == (1, 2)
    assert "did you mean the local `utilities.py`" in dep001.message
    assert "`from utilities import *`" in dep001.fix and "requirements" not in dep001.fix
    assert "distribution" not in dict(dep001.data)
    # Without a manifest (DEP002), the same.
    bare = make_repo(tmp_path / "bare", {"utilities.py": ""})
    (dep002,) = [d for d in audit(write_notebook(bare / "a.ipynb", ["import utilites"])) if d.code == "DEP002"]
    assert "did you mean the local `utilities.py`" in dep002.message and "`import utilities`" in dep002.fix
    # Far from every local module, or a catalogued distribution (`plotly` beside `plot.py`), it stays a distribution.
    other = make_repo(tmp_path / "other", {"plot.py": "", "requirements.txt": "numpy==2.0.1\n"})
    messages = [d.message for d in audit(write_notebook(other / "b.ipynb", ["import plotly\nimport plots_x"])) if d.code == "DEP001"]
    assert len(messages) == 2 and not any("did you mean" in m for m in messages)


def test_an_import_differing_only_in_case_from_a_module_beside_the_notebook_is_a_case_typo(tmp_path):
    # Fair check 47, item 7: `from DataPlotLib import make_heatmap` beside `dataplotlib.py` (the author's Windows
    # copy was named DataPlotLib.py) was given a pinned `DataPlotLib` line. Python's import is case-sensitive on
    # every platform (unless PYTHONCASEOK is set), so the import fails; the fix is its case.
    bare = make_repo(tmp_path / "bare", {"dataplotlib.py": "def make_heatmap():\n    pass\n"})
    (dep002,) = [d for d in audit(write_notebook(bare / "a.ipynb", ["from DataPlotLib import make_heatmap"])) if d.code == "DEP002"]
    assert "differs only in case from the local `dataplotlib.py`" in dep002.message
    assert "`from dataplotlib import make_heatmap`" in dep002.fix and "requirements" not in dep002.fix
    other = make_repo(tmp_path / "other", {"requirements.txt": "numpy==2.0.1\n", "dataplotlib.py": ""})
    (dep001,) = [d for d in audit(write_notebook(other / "b.ipynb", ["import numpy\nimport DataPlotLib"])) if d.code == "DEP001"]
    assert "differs only in case" in dep001.message and "`import dataplotlib`" in dep001.fix


def test_a_platform_s_own_library_named_by_the_readme_is_not_asserted_as_a_distribution_to_pin(tmp_path):
    # Fair check 47, item 5: rml-notebooks (README "RocketML Notebooks") imports `rocketml`, which no table knows, no
    # install line names and no package index has: "a pinned line for `rocketml`" could not install.
    root = make_repo(tmp_path / "rml", {"README.md": "# rml-notebooks\n\n## Tutorial 1\nRocketML Notebooks\n"})
    cells = ["from rocketml.linear_model import LogisticRegression\nimport numpy as np",
             "data = LIBSVM('/home/ubuntu/rocketml-dev/data/avazu-app.val')"]
    nb = write_notebook(root / "tabular" / "a.ipynb", cells)
    dep002 = {d.location.line: d for d in audit(nb) if d.code == "DEP002"}
    assert "README.md names the project after it (`RocketML`) and the notebook's paths go through its source checkout" in dep002[1].message
    assert "may be on no package index" in dep002[1].message
    assert "pinned line for `rocketml`" not in dep002[1].fix and "where `rocketml` comes from" in dep002[1].fix
    assert "pinned line for `numpy`" in dep002[2].fix
    # With a manifest (DEP001), the same; an install line naming it makes it a distribution again.
    other = make_repo(tmp_path / "other", {"README.md": "# RocketML Notebooks\n", "requirements.txt": "numpy==2.0.1\n"})
    (dep001,) = [d for d in audit(write_notebook(other / "b.ipynb", ["import rocketml", cells[1]])) if d.code == "DEP001"]
    assert "may be on no package index" in dep001.message and "(pinned)" not in dep001.fix
    installed = [d for d in audit(write_notebook(other / "c.ipynb", ["!pip install rocketml", "import rocketml", cells[1]]))
                 if d.code == "DEP001"]
    assert "may be on no package index" not in installed[0].message
    # A tutorial repository named after the library it teaches, with no path through its checkout: a distribution.
    tutorial = make_repo(tmp_path / "tutorial", {"README.txt": "PyVista learning notebook\n"})
    (taught,) = [d for d in audit(write_notebook(tutorial / "d.ipynb", ["import pyvista"])) if d.code == "DEP002"]
    assert "may be on no package index" not in taught.message and "pinned line for `pyvista`" in taught.fix


def test_a_distribution_on_no_package_index_is_not_given_a_pinned_requirements_line(tmp_path):
    # Fair check 35, item 7: `import graph_tool` after `!apt-get install python3-graph-tool` was given "a
    # requirements.txt with a pinned line for graph_tool", which pip cannot install; DEP003 reports the apt line.
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "a.ipynb", ["!apt-get install -y python3-graph-tool", "import graph_tool as gt\nimport numpy"])
    diagnostics = audit(nb)
    assert found(diagnostics, "DEP002") == [(2, 2)] and found(diagnostics, "DEP003") == [(1, 1)]
    # Without the apt line: reported, the fix naming conda-forge's graph-tool or the system package.
    (dep002,) = [d for d in audit(write_notebook(root / "b.ipynb", ["import graph_tool as gt"])) if d.code == "DEP002"]
    assert "`graph-tool` in an environment.yml" in dep002.fix and "`python3-graph-tool`" in dep002.fix
    assert "requirements.txt" not in dep002.fix
    # With a manifest that lacks it (DEP001), the same fix; a conda environment naming graph-tool declares it.
    other = make_repo(tmp_path / "other", {"requirements.txt": "numpy==2.0.1\n"})
    (dep001,) = [d for d in audit(write_notebook(other / "c.ipynb", ["import graph_tool"])) if d.code == "DEP001"]
    assert "conda-forge" in dep001.fix and "(pinned)" not in dep001.fix
    conda = make_repo(tmp_path / "conda", {"environment.yml": "channels:\n  - conda-forge\ndependencies:\n  - graph-tool=2.58\n"})
    assert found(audit(write_notebook(conda / "d.ipynb", ["import graph_tool"])), "DEP001") == []


def test_pyqt4_is_given_its_conda_and_system_packages_not_a_pinned_requirements_line(tmp_path):
    # Fair check 36, item 15: `from PyQt4 import QtGui` was told to add "a pinned line for `PyQt4`", whose page on the
    # package index has no files. The fix names conda-forge's pyqt 4.11 and the system packages, and says that porting
    # to PyQt5 lasts; an environment declaring `pyqt=4.11` declares it, as the fix says to.
    root = make_repo(tmp_path / "bare", {})
    (dep002,) = [d for d in audit(write_notebook(root / "a.ipynb", ["from PyQt4 import QtGui"])) if d.code == "DEP002"]
    assert "`pyqt=4.11` in an environment.yml" in dep002.fix and "`python-qt4`" in dep002.fix and "PyQt5" in dep002.fix
    assert "requirements.txt" not in dep002.fix
    other = make_repo(tmp_path / "other", {"requirements.txt": "numpy==2.0.1\n"})
    (dep001,) = [d for d in audit(write_notebook(other / "b.ipynb", ["from PyQt4 import QtGui"])) if d.code == "DEP001"]
    assert "conda-forge" in dep001.fix and "(pinned)" not in dep001.fix
    conda = make_repo(tmp_path / "conda", {"environment.yml": "channels:\n  - conda-forge\ndependencies:\n  - python=2.7\n  - pyqt=4.11\n"})
    assert found(audit(write_notebook(conda / "c.ipynb", ["from PyQt4 import QtGui"])), "DEP001") == []
    # Its system package in an apt.txt provides it: nothing to declare.
    apt = make_repo(tmp_path / "apt", {"apt.txt": "python-qt4\n", "requirements.txt": "numpy==2.0.1\n"})
    assert found(audit(write_notebook(apt / "d.ipynb", ["from PyQt4 import QtGui"])), "DEP001") == []


def test_a_module_a_declared_distributions_dependency_provides_is_added_as_that_dependency(tmp_path):
    # Fair check 35, item 3: `import theano` beside a declared pymc3 (3.11 runs on Theano-PyMC, which provides
    # `theano`) was fixed by "Add `Theano` (pinned)", a second copy of the module that would clash.
    root = make_repo(tmp_path, {"requirements.txt": "numpy==1.21.6\n", "env/environment.yml": "dependencies:\n  - pymc3=3.11.5\n"})
    (dep001,) = [d for d in audit(write_notebook(root / "env" / "a.ipynb", ["import theano\nimport numpy"])) if d.code == "DEP001"]
    assert dep001.fix.startswith("Add `Theano-PyMC` beside `pymc3` in ") and "environment.yml" in dep001.fix
    # Without pymc3 the usual line; a declared Theano-PyMC declares `theano`.
    (plain,) = [d for d in audit(write_notebook(root / "b.ipynb", ["import theano"])) if d.code == "DEP001"]
    assert "Add `Theano` (pinned)" in plain.fix
    other = make_repo(tmp_path / "other", {"requirements.txt": "pymc3==3.11.5\nTheano-PyMC==1.1.2\n"})
    assert found(audit(write_notebook(other / "c.ipynb", ["import theano"])), "DEP001") == []


def test_dep003_fix_says_when_the_manifest_lacks_the_extra_the_line_installs(tmp_path):
    # Fair check 35, item 20: `!pip install gym[atari]` beside a manifest's plain `gym` was "gym[atari] … already
    # declared"; the Pong notebook needs the extra.
    root = make_repo(tmp_path, {"requirements.txt": "gym==0.21.0\nJSAnimation==0.1\ntransformers[torch]==4.44.2\n"})
    nb = write_notebook(root / "nb.ipynb", ["!pip install gym[atari]\n!pip install JSAnimation", "!pip install transformers[torch] shap",
                                            "import gym, JSAnimation, transformers, shap"])
    fixes = [d.fix.replace(f"{root}/", "") for d in audit(nb) if d.code == "DEP003"]
    assert fixes == [
        "JSAnimation is already declared in requirements.txt; `gym` is declared in requirements.txt without the `atari` extra "
        "the notebook's line installs: declare `gym[atari]` there, install from it before starting the kernel and delete the lines",
        "Declare shap in requirements.txt (pinned; transformers[torch] is already declared in requirements.txt) and delete the line",
    ]
    # Beside a version that differs: each remedy follows its own part.
    other = make_repo(tmp_path / "other", {"pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["langchain>=0.3", "pinecone==8.0.0"]\n'})
    nb = write_notebook(other / "nb.ipynb", ["!pip install langchain[openai]==1.2.7 pinecone==7.3.0 tqdm", "import langchain, pinecone, tqdm"])
    (fix,) = [d.fix.replace(f"{other}/", "") for d in audit(nb) if d.code == "DEP003"]
    assert fix == ("Declare tqdm in requirements.txt (pinned; the install of `pinecone==7.3.0` differs from the `pinecone==8.0.0` that "
                   "pyproject.toml declares: pin there the version the notebook needs; `langchain` is declared in pyproject.toml "
                   "without the `openai` extra the notebook's line installs: declare `langchain[openai]` there) and delete the line")


def test_fixes_name_the_conda_environment_the_kernelspec_names(tmp_path):
    # Fair check 40, items 1-4, 24, 28: the root requirements.txt is an app's list, the kernel runs in the
    # `ml-tutorials` environment that environment.yml exports; a vendored subtree's list below is no home either.
    root = make_repo(tmp_path, {
        "requirements.txt": "streamlit>=1.30\npandas>=2.0\n",
        "environment.yml": ("name: /opt/conda/envs/ml-tutorials\ndependencies:\n  - pandas=2.2.2\n  - pip:\n"
                            "    - pydantic==2.10.4\n    - email-validator==2.2.0\n"),
        "vendored/spam/requirements.txt": "pandas==1.5.3\n",
    })
    nb = write_notebook(root / "vendored" / "spam" / "nb.ipynb",
                        ["!pip install casadi", "%conda install -y sunode", "!pip install 'pydantic[email]'",
                         "import casadi\nimport sunode\nimport rpy2"], kernel="ml-tutorials")
    diagnostics = audit(nb)
    fixes = [d.fix.replace(f"{root}/", "") for d in diagnostics if d.code == "DEP003"]
    assert fixes[0] == "Declare casadi in the `pip:` list under `dependencies:` of environment.yml (pinned) and delete the line"
    assert fixes[1].startswith("Declare sunode in the `dependencies:` list of environment.yml (pinned)"), fixes
    # the `email` extra's only package is declared beside it: nothing lacks
    assert fixes[2] == "pydantic[email] is already declared in environment.yml: install from it before starting the kernel and delete the line"
    assert [d.fix.replace(f"{root}/", "") for d in diagnostics if d.code == "DEP001" and "rpy2" in d.message] == ["Add `rpy2` (pinned) to environment.yml"]


def test_dep003_fix_names_the_pyproject_of_a_uv_project(tmp_path):
    # Fair check 40, item 25: a uv project has no requirements file; DEP001 names pyproject.toml, so does DEP003.
    root = make_repo(tmp_path, {
        "pyproject.toml": '[project]\nname = "notebooks"\nversion = "0.1.0"\ndependencies = ["transformers>=4.51.3"]\n',
        "uv.lock": ('version = 1\n\n[[package]]\nname = "notebooks"\nversion = "0.1.0"\nsource = { virtual = "." }\n'
                    'dependencies = [{ name = "transformers" }]\n\n[[package]]\nname = "transformers"\nversion = "4.51.3"\n'
                    'source = { registry = "https://pypi.org/simple" }\n'),
    })
    nb = write_notebook(root / "train" / "nb.ipynb", ["!pip install datasets", "import datasets"])
    fixes = [d.fix.replace(f"{root}/", "") for d in audit(nb) if d.code == "DEP003"]
    assert fixes == ["Declare datasets in the dependencies of pyproject.toml (`uv add`) (pinned) and delete the line"]


def test_root_routes_are_not_compared_for_a_notebook_below_its_own_environment_file(tmp_path):
    # Fair check 40, item 5's related notebook: a vendored tutorial's folder has its own requirements.txt; the root's
    # environment.yml and (an app's) requirements.txt are no ways to build its environment. At the root they still are.
    root = make_repo(tmp_path, {
        "requirements.txt": "numpy>=1.26\nstreamlit>=1.30\n",
        "environment.yml": "dependencies:\n  - numpy=1.26.4\n  - matplotlib=3.9.2\n",
        "tutorials/spam/requirements.txt": "matplotlib==3.5.3\n",
    })
    below = write_notebook(root / "tutorials" / "spam" / "nb.ipynb", ["import numpy as np\nimport matplotlib.pyplot as plt"])
    assert found(audit(below), "DEP001") == []
    beside = write_notebook(root / "nb.ipynb", ["import numpy as np\nimport matplotlib.pyplot as plt"])
    assert found(audit(beside), "DEP001") == [(1, 2)]


def test_import_of_a_helper_kept_as_a_notebook_beside_is_no_distribution(tmp_path):
    # Fair check 46, item 4: `from metric import score` beside the competition's metric notebook that
    # defines `score` (attached on Kaggle as a utility script): export it, no requirements line (PyPI's
    # `metric` is another project). An import whose names no notebook beside defines stays a distribution.
    from nbrefactor.audit.rule_examples import run_example
    from nbrefactor.audit.rules import Example

    helper = json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                                    "source": ["import pandas as pd\n", "def score(solution, submission, row_id):\n", "    return 0.5\n"]}],
                         "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    files = {"requirements.txt": "pandas==2.2.2\n", "concordance-metric.ipynb": helper}
    example = Example(cells=("from metric import score\nfrom scorer import rank\nprint(score(y, p, 'ID'), rank(p))",), files=files)
    found = {d.location.line: d for d in run_example(rule_by_code("DEP001"), example, tmp_path / "with")}
    assert sorted(found) == [1, 2]
    assert found[1].message.startswith("`metric` is no distribution: `score` is defined by `concordance-metric.ipynb` beside the notebook")
    assert found[1].fix.startswith("Export the helper's code from `concordance-metric.ipynb` as `metric.py`")
    assert "`scorer` is imported" in found[2].message
    (no_manifest,) = [d for d in run_example(rule_by_code("DEP002"), Example(cells=("from metric import score\nprint(score(y, p, 'ID'))",), files={"m.ipynb": helper}),
                                              tmp_path / "without")]
    assert no_manifest.message.startswith("`metric` is no distribution")


def test_lab_black_is_declared_by_nb_black_formatter_as_by_nb_black(tmp_path):
    # Fair check 48, item 2: `%load_ext lab_black` imports lab_black, which nb-black-formatter (nb-black's maintained
    # fork) ships too; a pyproject dev group declaring it declares the extension.
    root = make_repo(tmp_path, {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["numpy>=2"]\n\n'
                                                  '[dependency-groups]\ndev = ["nb-black-formatter>=1.0.1"]\n'})
    nb = write_notebook(root / "lab.ipynb", ["%load_ext lab_black\nimport numpy as np"])
    assert found(audit(nb), "DEP001") == []
    nb = write_notebook(root / "lab2.ipynb", ["%load_ext nb_black\nimport numpy as np"])
    assert found(audit(nb), "DEP001") == []
    other = make_repo(tmp_path / "other", {"requirements.txt": "numpy==2.0.1\n"})
    dep001 = [d for d in audit(write_notebook(other / "lab.ipynb", ["%load_ext lab_black\nimport numpy as np"])) if d.code == "DEP001"]
    assert len(dep001) == 1 and "`nb-black`" in dep001[0].fix


def test_a_dockerfile_in_a_docker_folder_above_that_builds_the_kernelspecs_environment_declares_for_it(tmp_path):
    # Fair check 48, item 25: docker/anaconda3/jupyter/Dockerfile creates the conda environment envPython37, pip-installs
    # talos into it and registers it as the kernel "Python (envPython37)", the notebook's kernelspec: what it installs is
    # declared for the notebook, though the Dockerfile is in no folder above it. A notebook whose kernel is another
    # environment gets nothing from it.
    image = ("FROM continuumio/anaconda3\nRUN conda create -n envPython37 python=3.7\nENV PATH /opt/conda/envs/envPython37/bin:$PATH\n"
             "RUN pip install keras && \\\npip install talos\n"
             "RUN python -m ipykernel install --user --name envPython37 --display-name \"Python (envPython37)\"\n")
    root = make_repo(tmp_path, {"docker/anaconda3/jupyter/Dockerfile": image})
    nb = write_notebook(root / "part1" / "apps" / "notebooks" / "SLP.ipynb", ["import keras\nimport talos"], kernel="envpython37")
    diagnostics = audit(nb)
    assert found(diagnostics, "DEP002") == [] and found(diagnostics, "DEP001") == []
    other = write_notebook(root / "part1" / "apps" / "notebooks" / "MLP.ipynb", ["import keras\nimport talos"], kernel="envpython36")
    assert found(audit(other), "DEP002") == [(1, 1), (1, 2)]


def test_manifests_in_a_subfolder_the_readme_beside_the_notebook_names_declare_for_it(tmp_path):
    # Fair check 48, item 28: 12_project/README.md says "`environments` is a folder with all of the environment
    # management files", names conda-environment.yml and `pip install -r pip-requirements.txt`: those files in
    # 12_project/environments/ are notebook.ipynb's environment. A README that names the file but not the folder
    # (or a folder the README never names) declares nothing.
    readme = ("# Project\n\n* `environments` is a folder with the environment files:\n    * `conda-environment.yml`\n"
              "    * `pip-requirements.txt`\n\n# Environment setup\n\n`pip install -r pip-requirements.txt`\n")
    root = make_repo(tmp_path, {
        "12_project/README.md": readme,
        "12_project/environments/pip-requirements.txt": "dask==2021.11.2\npandas==1.3.4\n",
        "12_project/environments/conda-environment.yml": "name: zoomcamp\ndependencies:\n  - dask=2021.11.2\n  - pandas=1.3.4\n",
        "13_other/README.md": "# Other\n\n`pip install -r pip-requirements.txt`\n",
        "13_other/envs/pip-requirements.txt": "dask==2021.11.2\n",
    })
    nb = write_notebook(root / "12_project" / "notebook.ipynb", ["import dask\nimport pandas"])
    assert found(audit(nb), "DEP002") == [] and found(audit(nb), "DEP001") == []
    other = write_notebook(root / "13_other" / "notebook.ipynb", ["import dask"])
    assert found(audit(other), "DEP002") == [(1, 1)]


def test_an_image_that_runs_another_program_is_no_home_for_the_notebooks_packages(tmp_path):
    # Fair check 48, item 4: 09_serverless/Dockerfile is a Lambda image (`FROM …-lambda`, `CMD ["lambda_function.
    # lambda_handler"]`); the notebook beside it posts to that function with requests, as its client: the fix names a
    # requirements file of the notebook's own, not a RUN line of the function's image. So for `CMD python app.py`.
    root = make_repo(tmp_path, {
        "09_serverless/Dockerfile": ("FROM agrigorev/zoomcamp-cats-dogs-lambda:v2\nRUN pip install pillow==9.0.0\n"
                                     "COPY lambda_function.py .\nCMD [ \"lambda_function.lambda_handler\" ]\n"),
        "10_app/Dockerfile": "FROM python:3.10-slim\nRUN pip install flask==2.2.0\nCOPY app.py .\nCMD python app.py\n",
        "11_lab/Dockerfile": "FROM python:3.10-slim\nRUN pip install pandas==2.2.2\nCMD [\"jupyter\", \"lab\", \"--ip=0.0.0.0\"]\n",
    })
    for folder, program in (("09_serverless", "lambda_function.lambda_handler"), ("10_app", "app.py")):
        nb = write_notebook(root / folder / "client.ipynb", ["import requests"])
        dep001 = [d for d in audit(nb) if d.code == "DEP001"]
        assert len(dep001) == 1
        assert dep001[0].fix.startswith("Add `requests` (pinned) to a `requirements.txt` of the notebooks' own, beside them;")
        assert f"builds the image that runs `{program}`" in dep001[0].fix
    nb = write_notebook(root / "11_lab" / "lab.ipynb", ["import requests"])
    assert [d.fix for d in audit(nb) if d.code == "DEP001"] == [f"Add `requests` (pinned) to a RUN line of {root / '11_lab' / 'Dockerfile'}"]


def test_a_helper_module_not_committed_is_said_as_such_where_a_manifest_is(tmp_path):
    # Fair check 48, recall T-8.2: `from utils import null_count` with no utils.py beside the notebook and a manifest
    # above: DEP001 says a helper file was not committed, as DEP002 does without a manifest, not "add `utils`
    # (pinned)", the package index's unrelated project.
    root = make_repo(tmp_path, {"requirements.txt": "pandas==2.2.2\n"})
    nb = write_notebook(root / "house_prices" / "eda.ipynb", ["import pandas as pd\nfrom utils import null_count"])
    dep001 = [d for d in audit(nb) if d.code == "DEP001"]
    assert [(d.location.cell, d.location.line) for d in dep001] == [(1, 2)]
    assert "a helper module of the project, `utils.py`, that was not committed" in dep001[0].message
    assert dep001[0].fix.startswith("Commit `utils.py`")


def test_dep007_windows_only_line_of_a_file_named_for_windows_is_right_there(tmp_path):
    # Fair check 51, item 47 (platform-named-env-file): a win-64 export named environment_win.yml keeps
    # `pywin32==306`, which installs on Windows, its platform; the same line in environment.yml is reported.
    env = "name: demo\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n    - numpy==1.26.4\n    - pywin32==306\n"
    root = make_repo(tmp_path, {"environment_win.yml": env, "requirements-windows.txt": "pywin32==306\n"})
    nb = write_notebook(root / "nb.ipynb", ["import numpy as np"])
    assert found(audit(nb), "DEP007") == []
    other = make_repo(tmp_path / "other", {"environment.yml": env, "requirements-window-tools.txt": "pywin32==306\n"})
    nb = write_notebook(other / "nb.ipynb", ["import numpy as np"])
    reported = [d for d in audit(nb) if d.code == "DEP007"]
    assert sorted(d.location.path.rsplit("/", 1)[-1] for d in reported) == ["environment.yml", "requirements-window-tools.txt"]


def test_dep002_names_the_alternative_distribution_the_notebook_installs(tmp_path):
    # Fair check 51, item 21: `!pip install psycopg2-binary`, then `import psycopg2`: the line to pin is
    # psycopg2-binary (psycopg2's source build needs pg_config and a compiler), as the install says.
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["!pip install psycopg2-binary\nimport psycopg2\nimport numpy"])
    (dep002,) = [d for d in audit(nb) if d.code == "DEP002" and "psycopg2" in d.message]
    assert "distribution `psycopg2-binary`" in dep002.message and "`psycopg2-binary`" in dep002.fix
    # Without the install line the first distribution stays.
    nb = write_notebook(root / "plain.ipynb", ["import psycopg2\nimport numpy"])
    (dep002,) = [d for d in audit(nb) if d.code == "DEP002" and "psycopg2" in d.message]
    assert "distribution `psycopg2`" in dep002.message


def test_dep002_for_keras_plot_model_says_what_missing_pydot_does_and_that_graphviz_is_needed(tmp_path):
    # Fair check 51, item 22: under IPython Keras only prints a notice without pydot, and the diagram needs
    # Graphviz's `dot` program, which no pip line provides.
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["import tensorflow as tf\ntf.keras.utils.plot_model(tf.keras.Sequential())"])
    (dep002,) = [d for d in audit(nb) if d.code == "DEP002" and "pydot" in d.message]
    assert "only prints \"You must install pydot\"" in dep002.message and "Graphviz's `dot` program" in dep002.message
    assert "(`pydot-ng` or `pydotplus` would serve too; without it" in dep002.message


def test_dep002_for_cmu_openface_names_its_repository_not_the_index_namesake(tmp_path):
    # Fair check 51, item 6 (wrong-distribution-for-import): `openface.AlignDlib` is CMU's OpenFace, from GitHub;
    # the index's `openface` 0.0.0 is another project's `feature_extraction` module.
    root = make_repo(tmp_path, {})
    nb = write_notebook(root / "nb.ipynb", ["import openface\nalign = openface.AlignDlib('shape_predictor_68_face_landmarks.dat')"])
    (dep002,) = [d for d in audit(nb) if d.code == "DEP002"]
    assert "git+https://github.com/cmusatyalab/openface" in dep002.fix and "unrelated project" in dep002.message


def test_dep001_an_empty_requirements_file_beside_the_notebook_is_as_if_absent_below_a_manifest(tmp_path):
    # Fair check 52, item 1 (dep001-split-by-empty-nearer-manifest): a 1-byte placeholder requirements.txt
    # beside the notebook declares nothing; the root file above is where the line goes, one finding.
    root = make_repo(tmp_path, {"requirements.txt": "pandas==2.2.2\n", "digits/requirements.txt": "\n"})
    nb = write_notebook(root / "digits" / "main.ipynb", ["import pandas as pd\nimport matplotlib.pyplot as plt"])
    (dep001,) = [d for d in audit(nb) if d.code == "DEP001"]
    assert "digits/requirements.txt" not in dep001.message + dep001.fix
    assert [m.path for m in discover_project(nb).manifests if "digits" in m.path] == []
    # Alone, the placeholder stays the notebook's manifest: its line goes there.
    root = make_repo(tmp_path / "alone", {"requirements.txt": "# none yet\n"})
    nb = write_notebook(root / "main.ipynb", ["import matplotlib.pyplot as plt"])
    assert found(audit(nb), "DEP001") == [(1, 1)]


def test_dep001_an_empty_requirements_file_beside_a_declaring_manifest_of_its_folder_stays(tmp_path):
    # The limit of fair check 52, item 1: beside a Pipfile of the same folder (fair check 50's Gym_Churn_Probability,
    # item 7) the empty requirements.txt is still one of that folder's files.
    root = make_repo(tmp_path, {"app/requirements.txt": "\n", "app/Pipfile": "[packages]\nflask = \"==3.0.0\"\n"})
    nb = write_notebook(root / "app" / "nb.ipynb", ["import pandas as pd"])
    assert any(m.path.endswith("app/requirements.txt") for m in discover_project(nb).manifests)


# Fair check 53 (unit-mole's projects, 1): a `requirements.txt` of the single line `-r app/requirements.txt`
# declares what the included file declares; pip reads the path relative to the including file's folder.
# Includes of includes are followed, a cycle ends, a missing file is no manifest.
def test_a_local_requirements_include_is_read_relative_to_the_including_file(tmp_path):
    root = make_repo(tmp_path, {"proj/requirements.txt": "-r app/requirements.txt\n",
                                "proj/app/requirements.txt": "numpy==2.3.5\n--requirement=../base/reqs.txt\n-r missing.txt\n",
                                "proj/base/reqs.txt": "pandas==2.2.3\n-r ../app/requirements.txt\n"})
    nb = write_notebook(root / "proj" / "notebooks" / "nb.ipynb", ["import numpy as np\nimport pandas as pd\nimport sklearn"])
    diagnostics = audit(nb)
    assert found(diagnostics, "DEP001") == [(1, 3)]
    assert found(diagnostics, "DEP003") == []
    shown = [m.path for m in discover_project(nb).manifests]
    assert len(shown) == len(set(shown)) == 3


def test_fair53_dep003_declares_imbalanced_learn_not_pypi_s_imblearn_dummy(tmp_path):
    # john-fante's earthquake_clf_dl: `!pip install imblearn` (0.0, a dummy requiring imbalanced-learn); DEP003 said
    # "Declare imblearn", where DEP002 of the same notebook named imbalanced-learn.
    root = make_repo(tmp_path, {"requirements.txt": "numpy==1.26.4\n"})
    nb = write_notebook(root / "nb.ipynb", ["!pip install imblearn", "import numpy as np\nfrom imblearn.over_sampling import SMOTE"])
    [dep003] = [d for d in audit(nb) if d.code == "DEP003"]
    assert dep003.fix == ("Declare imbalanced-learn in requirements.txt (pinned) and delete the line (`imblearn` is a dummy package "
                          "on the package index that only pulls in `imbalanced-learn`, unpinned: declare the latter)")
