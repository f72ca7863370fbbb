"""The notebook's own code travels with its package (issue 12): a package folder beside the notebook,
a module on a folder a cell adds to `sys.path`, a module a `%%writefile` cell writes. The package
vendors it under src/<pkg>/, imports it relatively, declares what it imports from the package index,
and computes what the notebook computed (real kernel, `verify`). Local code that is imported but
found nowhere is a review item naming the module; local code that cannot be copied blocks the model.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from generated_suite import run_generated_suite
from nbfactory import project, write_notebook
from nbrefactor.cli.app import main
from nbrefactor.compile.local_code import local_names, relative_import, relative_imports
from nbrefactor.verify.runner import verify
from deadlines import HANG_GUARD

LOCAL = frozenset({"course", "helpers"})


def test_imports_of_vendored_code_become_relative_at_the_depth_of_the_importing_file():
    assert relative_import("import helpers", LOCAL) == "from . import helpers"
    assert relative_import("import helpers as h", LOCAL) == "from . import helpers as h"
    assert relative_import("from course.util import f", LOCAL) == "from .course.util import f"
    assert relative_import("import course.util as u", LOCAL, depth=1) == "from ..course import util as u"
    # `import a.b` binds `a` and loads `a.b`: both, relatively.
    assert relative_import("import course.util", LOCAL) == "from . import course; from .course import util as _nbrefactor_loads_course_util"
    assert relative_import("import numpy as np", LOCAL) == "import numpy as np"
    assert relative_import("from coursework import f", LOCAL) == "from coursework import f"  # a prefix is not the module
    source = (
        "import os, course.util\n"
        "from course import util  # the package itself\n"
        "def load():\n"
        "    from helpers import double\n"
        "    return double\n"
        "x = 'import helpers'\n"
    )
    assert relative_imports(source, LOCAL, depth=1) == (
        "import os; from .. import course; from ..course import util as _nbrefactor_loads_course_util\n"
        "from ..course import util  # the package itself\n"
        "def load():\n"
        "    from ..helpers import double\n"
        "    return double\n"
        "x = 'import helpers'\n"
    )
    assert local_names(["helpers.py", "course/__init__.py", "course/sub/x.py"]) == frozenset({"helpers", "course"})


CELLS = [
    ("md", "# Setup"),
    "%%writefile shapes.py\ndef area(w, h):\n    return w * h\n",
    "import sys\nsys.path.append('../shared')",
    ("md", "# Compute"),
    "from shapes import area\nfrom mathutils import twice\nimport course.helpers\nfrom course import scale\n"
    "total = twice(area(3, 4)) + course.helpers.offset() + scale(1)\nprint('total', total)",
]

FILES = {
    # a regular package beside the notebook that imports itself absolutely, and a third-party library
    "notebooks/course/__init__.py": "from course.helpers import scale\n",
    "notebooks/course/helpers.py": "import json\n\n\ndef offset():\n    from course.constants import OFFSET\n    return json.loads(OFFSET)\n\n\ndef scale(v):\n    return v * 10\n",
    "notebooks/course/constants.py": "OFFSET = '5'\n",
    # a module on a folder a cell adds to sys.path, with a third-party import the notebook never makes
    "shared/mathutils.py": "import numpy\n\n\ndef twice(v):\n    return int(numpy.int64(v) * 2)\n",
}


def test_local_code_of_three_kinds_is_vendored_declared_and_the_package_matches_its_notebook(tmp_path: Path):
    root = project(tmp_path, FILES)
    notebook = write_notebook(root / "notebooks" / "nb.ipynb", CELLS)
    out = tmp_path / "out"
    assert main(["migrate", str(notebook), "--out", str(out), "--no-cache"]) == 0
    package = out / "nb"
    src = package / "src" / "nb"
    # Vendored as it is, with its imports of itself made relative.
    assert (src / "shapes.py").read_text() == "def area(w, h):\n    return w * h\n"
    assert (src / "mathutils.py").read_text() == FILES["shared/mathutils.py"]
    assert (src / "course" / "__init__.py").read_text() == "from ..course.helpers import scale\n"
    assert "from ..course.constants import OFFSET" in (src / "course" / "helpers.py").read_text()
    steps = (src / "steps.py").read_text()
    assert "from .shapes import area" in steps and "from .mathutils import twice" in steps and "from .course import scale" in steps
    requirements = (package / "requirements.txt").read_text()
    requirement_names = {line.split("==")[0].split()[0] for line in requirements.splitlines() if line and not line.startswith(("#", "-"))}
    assert "numpy" in requirement_names  # imported only by the vendored mathutils.py
    assert not requirement_names & {"shapes", "mathutils", "course"}  # never a distribution
    report = verify([str(notebook)], str(package), timeout=HANG_GUARD)
    assert report.ok and report.verdict == "OK", (report.verdict, [e.message for e in report.errors])
    suite = run_generated_suite(package)  # the package's own tests import it the same way
    assert suite.returncode == 0 and "passed" in suite.stdout, suite.stdout[-3000:]
    # `pip install` carries it too (the image and the kfp components install the package).
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(package)],
                           capture_output=True, text=True, timeout=HANG_GUARD)
    assert built.returncode == 0, built.stderr[-2000:]
    import zipfile

    names = set(zipfile.ZipFile(next(wheels.glob("*.whl"))).namelist())
    assert {"nb/shapes.py", "nb/mathutils.py", "nb/course/__init__.py", "nb/course/helpers.py", "nb/course/constants.py"} <= names


def test_local_code_imported_but_found_nowhere_is_a_review_item_naming_it(tmp_path: Path):
    root = project(tmp_path)
    notebook = write_notebook(root / "nb.ipynb", [
        "import sys\nsys.path.append('../lib')",
        "from nbr_missing_helpers import load\nvalue = load()",
    ])
    out = tmp_path / "out"
    main(["migrate", str(notebook), "--out", str(out), "--no-cache"])
    record = json.loads((out / "migration-report.json").read_text())
    model = next(m for m in record["models"] if m["name"] == "nb")
    # Written with a review item; "emitted" because the tests run with NBREFACTOR_PROVE=0.
    assert model["status"] == "emitted" and model["proof"]["skipped"], model["status"]
    assert any("nbr_missing_helpers" in item["what"] for item in model["review"]), model["review"]
    migration = (out / "nb" / "MIGRATION.md").read_text()
    assert "nbr_missing_helpers" in migration and "cannot import it" in migration


def test_local_code_that_cannot_be_copied_blocks_the_model_naming_it(tmp_path: Path):
    root = project(tmp_path)
    (root / "helpers").mkdir()
    (root / "helpers" / "__init__.py").write_bytes(b"NAME = '\xff'\n")  # not UTF-8: Python 3 cannot import it either
    notebook = write_notebook(root / "nb.ipynb", ["import helpers\nvalue = 1"])
    out = tmp_path / "out"
    main(["migrate", str(notebook), "--out", str(out), "--no-cache"])
    record = json.loads((out / "migration-report.json").read_text())
    model = next(m for m in record["models"] if m["name"] == "nb")
    assert model["status"] == "blocked"
    assert any("`helpers`" in p and "helpers/__init__.py" in p for p in model["problems"]), model["problems"]
    assert not (out / "nb").exists()


def test_code_beside_the_notebook_that_a_cell_would_download_is_vendored_and_script_siblings_are_no_distributions(tmp_path: Path):
    """mrdbourke's 06_pytorch_transfer_learning: `try: from going_modular.going_modular import engine
    except: !git clone … && !mv …/going_modular .`, with going_modular/ beside the notebook (so the
    kernel never downloaded), and `train.py` in it a script importing its siblings (`import engine`)."""
    root = project(tmp_path, {
        "going/going/engine.py": "def train():\n    return 'trained'\n",
        "going/going/train.py": "import engine\nimport tqdm\n\nengine.train()\n",
        "helper_functions.py": "def plot():\n    return 'plot'\n",
    })
    notebook = write_notebook(root / "nb.ipynb", [
        "try:\n    from going.going import engine\nexcept ImportError:\n    !git clone https://example.org/repo\n    !mv repo/going .\n    from going.going import engine",
        "!wget -q https://example.org/raw/helper_functions.py\nfrom helper_functions import plot\nresult = engine.train() + plot()",
    ])
    out = tmp_path / "out"
    main(["migrate", str(notebook), "--out", str(out), "--no-cache", "--allow-hidden-state"])
    src = out / "nb" / "src" / "nb"
    assert (src / "going" / "going" / "train.py").read_text() == "import engine\nimport tqdm\n\nengine.train()\n"  # a script: left as it is
    steps = (src / "steps.py").read_text()
    assert "from .going.going import engine" in steps and "from going" not in steps  # in the `try:` too
    assert "from .helper_functions import plot" in steps
    requirements = (out / "nb" / "requirements.txt").read_text()
    names = {line.split("==")[0].split()[0] for line in requirements.splitlines() if line and not line.startswith(("#", "-"))}
    assert "tqdm" in names and not names & {"engine", "going", "helper-functions", "helper_functions"}, names


def test_a_changed_module_outside_the_notebooks_folder_rebuilds_the_cached_package(tmp_path: Path):
    """The migrate cache keyed the names of modules above the notebook, not their content: a
    package whose vendored copy of a changed module is stale must not be reused."""
    root = project(tmp_path, {"shared/mathutils.py": "def twice(v):\n    return v * 2\n", "lib/__init__.py": "", "lib/calc.py": "ONE = 1\n"})
    notebook = write_notebook(root / "notebooks" / "nb.ipynb", [
        "import sys\nsys.path.append('../shared')\nfrom mathutils import twice\nimport lib.calc",
        "value = twice(lib.calc.ONE)",
    ])
    out = tmp_path / "out"
    src = out / "nb" / "src" / "nb"
    assert main(["migrate", str(notebook), "--out", str(out)]) == 0
    assert "v * 2" in (src / "mathutils.py").read_text() and (src / "lib" / "calc.py").read_text() == "ONE = 1\n"
    (root / "shared" / "mathutils.py").write_text("def twice(v):\n    return v + v\n")
    assert main(["migrate", str(notebook), "--out", str(out)]) == 0
    assert "v + v" in (src / "mathutils.py").read_text()  # rebuilt, not reused
    (root / "lib" / "calc.py").write_text("ONE = 1.0\n")
    assert main(["migrate", str(notebook), "--out", str(out)]) == 0
    assert (src / "lib" / "calc.py").read_text() == "ONE = 1.0\n"


def test_a_folder_added_to_sys_path_through_a_name_is_found(tmp_path: Path):
    """ethen8181's data_science_is_software: `src_dir = os.path.join('..', 'src')`,
    `sys.path.append(src_dir)`, then `from features.build_features import …` (a namespace folder)."""
    root = project(tmp_path, {"src/features/build_features.py": "import pandas as pd\n\n\ndef clean(values):\n    return [v for v in values if v is not None]\n"})
    notebook = write_notebook(root / "notebooks" / "nb.ipynb", [
        "import os\nimport sys\nsrc_dir = os.path.join('..', 'src')\nsys.path.append(src_dir)",
        "from features.build_features import clean\nvalues = clean([1, None, 2])\nprint(values)",
    ])
    out = tmp_path / "out"
    assert main(["migrate", str(notebook), "--out", str(out), "--no-cache"]) == 0
    src = out / "nb" / "src" / "nb"
    assert (src / "features" / "build_features.py").exists()
    assert "from .features.build_features import clean" in (src / "steps.py").read_text()
    names = {line.split("==")[0].split()[0] for line in (out / "nb" / "requirements.txt").read_text().splitlines() if line and not line.startswith(("#", "-"))}
    assert "pandas" in names and "features" not in names
    report = verify([str(notebook)], str(out / "nb"), timeout=HANG_GUARD)
    assert report.ok and report.verdict == "OK", (report.verdict, [e.message for e in report.errors])


def test_a_namespace_folder_named_like_an_installed_distribution_does_not_shadow_it(tmp_path: Path):
    """`import yaml` beside a `yaml/` folder of scripts (no `__init__.py`): Python imports the
    installed PyYAML (a regular package anywhere on sys.path wins over a namespace folder), so the
    package requires it and does not vendor the folder."""
    root = project(tmp_path, {"yaml/convert.py": "print('a script')\n"})
    notebook = write_notebook(root / "nb.ipynb", ["import yaml\ntext = yaml.safe_dump({'a': 1})"])
    out = tmp_path / "out"
    assert main(["migrate", str(notebook), "--out", str(out), "--no-cache"]) == 0
    assert not (out / "nb" / "src" / "nb" / "yaml").exists()
    assert "import yaml" in (out / "nb" / "src" / "nb" / "steps.py").read_text()
    names = {line.split("==")[0].split()[0].lower() for line in (out / "nb" / "requirements.txt").read_text().splitlines() if line and not line.startswith(("#", "-"))}
    assert "pyyaml" in names, names


def test_local_code_named_like_a_generated_module_blocks_the_model_naming_it(tmp_path: Path):
    root = project(tmp_path, {"config.py": "RATE = 2\n", "pipeline/__init__.py": "", "pipeline/stages.py": "N = 1\n"})
    notebook = write_notebook(root / "nb.ipynb", ["import config\nfrom pipeline.stages import N\nvalue = config.RATE * N"])
    out = tmp_path / "out"
    main(["migrate", str(notebook), "--out", str(out), "--no-cache"])
    model = next(m for m in json.loads((out / "migration-report.json").read_text())["models"] if m["name"] == "nb")
    assert model["status"] == "blocked"
    assert sorted(p.split("`")[1] for p in model["problems"]) == ["config", "pipeline"], model["problems"]
    assert all("whose name a generated module of the package has" in p for p in model["problems"])
