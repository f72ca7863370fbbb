"""An import of the repository's own module kept in another folder (fair check 51, recall T-1.3).

`import prediction_library` in `Bike Sharing Rental Demand/` with the module in
`../Colaboration_Tutorials/prediction_library.py`: nothing puts that folder on the import path, so
the import fails on a checkout; DEP002/DEP001 said to add a manifest line for a distribution
`prediction-library`, which pip cannot install."""

from __future__ import annotations

from nbrefactor.audit.rule_examples import run_example
from nbrefactor.audit.rules import Example
from nbrefactor.audit.rules.dependencies import NoManifest, UndeclaredImport

_FILES = {"Colaboration_Tutorials/prediction_library.py": "def fit(x):\n    return x\n"}


def test_a_module_of_another_folder_is_no_distribution_to_declare(tmp_path):
    example = Example(cells=("import pandas as pd", "import prediction_library as pl\npl.fit(1)"),
                      path="Bike Sharing/bike.ipynb", files=_FILES)
    found = {d.location.cell: d for d in run_example(NoManifest, example, tmp_path)}
    assert sorted(found) == [1, 2]
    assert "`../Colaboration_Tutorials/prediction_library.py`" in found[2].message
    assert "ModuleNotFoundError" in found[2].message
    assert "requirements.txt" not in found[2].fix and "pip install -e ." in found[2].fix
    assert "distribution `pandas`" in found[1].message


def test_with_a_manifest_it_is_dep001s_and_says_the_same(tmp_path):
    example = Example(cells=("import pandas as pd\nimport prediction_library",),
                      path="Bike Sharing/bike.ipynb", files={**_FILES, "requirements.txt": "pandas==2.2.3\n"})
    found = run_example(UndeclaredImport, example, tmp_path)
    assert [(d.location.cell, d.location.line) for d in found] == [(1, 2)]
    assert "`../Colaboration_Tutorials/prediction_library.py`" in found[0].message


def test_a_notebook_that_edits_its_import_path_may_reach_it(tmp_path):
    example = Example(cells=("import sys, os\nsys.path.append(os.path.abspath('../Colaboration_Tutorials'))",
                             "import prediction_library as pl"),
                      path="Bike Sharing/bike.ipynb", files=_FILES)
    assert not any("ModuleNotFoundError" in d.message for d in run_example(NoManifest, example, tmp_path))


def test_a_known_distributions_namesake_in_another_folder_stays_the_distribution(tmp_path):
    example = Example(cells=("import requests",), path="app/nb.ipynb", files={"scripts/requests.py": "x = 1\n"})
    found = run_example(NoManifest, example, tmp_path)
    assert len(found) == 1 and "distribution `requests`" in found[0].message


def test_several_modules_of_other_folders_are_one_finding(tmp_path):
    files = {**_FILES, "Linear Regression/LWLR.py": "def lwlr():\n    return 0\n"}
    example = Example(cells=("import prediction_library\nfrom LWLR import lwlr",), path="Bike Sharing/bike.ipynb", files=files)
    found = run_example(NoManifest, example, tmp_path)
    assert [(d.location.cell, d.location.line) for d in found] == [(1, 1)]
    assert "`LWLR` (`../Linear Regression/LWLR.py`) (related)" in found[0].message
    assert [(r.cell, r.line) for r in found[0].related] == [(1, 2)]
