"""Issue 11's precision rules beyond their embedded examples: the exact messages and related
locations of the one-finding-per-root-cause rules, written out by hand."""

from __future__ import annotations

import json
from pathlib import Path

from nbrefactor.audit.cache import result_from_json, result_to_json
from nbrefactor.audit.rule_examples import run_example
from nbrefactor.audit.types import NotebookResult
from nbrefactor.report.json_report import diagnostic_to_dict
from nbrefactor.audit.rules import Example, code, md
from nbrefactor.audit.rules.accelerators import GpuOnlyCode
from nbrefactor.audit.rules.dependencies import NoManifest
from nbrefactor.audit.rules.downloads import RuntimeDownload
from nbrefactor.audit.rules.paths import CwdRelativePath
from nbrefactor.audit.rules.rerun import ChangesWhenRunTwice
from nbrefactor.audit.rules.structure import Python2Notebook, SyntaxErrorInCell


def run(rule, tmp_path: Path, *cells, **kwargs):
    return run_example(rule, Example(cells=cells, **kwargs), tmp_path)


def test_python2_is_one_notebook_finding_listing_its_cells(tmp_path):
    cells = ("import numpy as np", md("## stats"), "print 'mean', np.mean([1, 2])", "try:\n    1 / 0\nexcept ZeroDivisionError, e:\n    pass")
    (d,) = run(Python2Notebook, tmp_path / "a", *cells)
    assert d.location.cell is None
    assert d.message == "The notebook is Python 2 (Python 2 syntax in cells 3 and 4): port it to Python 3 before migrating"
    assert [(r.cell, r.line) for r in d.related] == [(3, 1), (4, 3)]
    assert run(SyntaxErrorInCell, tmp_path / "b", *cells) == []
    (k,) = run(Python2Notebook, tmp_path / "c", "x = 1", kernel="python2")
    assert k.message.startswith("The notebook is Python 2 (kernel python2)")


def test_dep002_names_each_distribution_once_with_later_imports_related(tmp_path):
    found = run(NoManifest, tmp_path, "import numpy as np\nfrom sklearn import svm", "import numpy.linalg\nfrom sklearn.model_selection import KFold")
    assert [(d.location.cell, d.location.line) for d in found] == [(1, 1), (1, 2)]
    numpy, sklearn = found
    assert numpy.message.startswith("`numpy` is imported (distribution `numpy`) but no manifest")
    assert [(r.cell, r.line) for r in numpy.related] == [(2, 1)]
    assert [(r.cell, r.line) for r in sklearn.related] == [(2, 2)]
    # The distribution is data in the JSON report and the audit cache, not only words in a message.
    assert sklearn.data == (("distribution", "scikit-learn"), ("module", "sklearn"))
    assert diagnostic_to_dict(sklearn)["data"] == {"distribution": "scikit-learn", "module": "sklearn"}
    (back,) = result_from_json(json.loads(json.dumps(result_to_json(NotebookResult("n.ipynb", (sklearn,), None, 0))))).diagnostics
    assert back == sklearn


def test_relative_path_through_a_constant_is_reported_once_at_the_constant(tmp_path):
    cells = ("import pandas as pd\nPATH = '../input/'", "train = pd.read_csv(PATH + 'train.csv')", "test = pd.read_csv(f'{PATH}test.csv')")
    (d,) = run(CwdRelativePath, tmp_path, *cells)
    assert (d.location.cell, d.location.line, d.location.column) == (1, 2, 8)
    assert d.message.startswith("Relative path '../input/' (`PATH`) is read by `pd.read_csv` as '../input/train.csv' (cell 2, line 1)")
    assert [(r.cell, r.line) for r in d.related] == [(2, 1), (3, 1)]


def test_runtime_download_message_quotes_the_line(tmp_path):
    (d,) = run(RuntimeDownload, tmp_path, "from datasets import load_dataset\nimdb = load_dataset('imdb', split='train')")
    assert d.message == "`imdb = load_dataset('imdb', split='train')` downloads a Hugging Face dataset at run time: the input is whatever the remote side serves on the day"


def test_rerun_hazard_messages_name_the_global(tmp_path):
    found = run(ChangesWhenRunTwice, tmp_path, "import pandas as pd\nframe = pd.DataFrame({'id': [1]})\nlog = []", "frame.set_index('id', inplace=True)\nlog.append('indexed')\nlog.append('again')")
    assert [(d.location.cell, d.location.line) for d in found] == [(2, 1), (2, 2)]  # once per name and cell
    assert found[0].message == (
        "This line changes `frame` in place with `set_index(…, inplace=True)`, which fails or changes `frame` again on a "
        "second run: running the cell twice gives a different `frame` or fails"
    )


def test_gpu_device_without_fallback_is_one_finding_at_its_definition(tmp_path):
    cells = ("import torch\ndevice = torch.device('cuda')", "x = torch.zeros(2).to(device)", "y = torch.ones(2).to(device)")
    (d,) = run(GpuOnlyCode, tmp_path, *cells)
    assert (d.location.cell, d.location.line) == (1, 2)
    assert d.message.startswith("This line defines `device` as a CUDA device, which 2 lines move tensors or modules to, with no CPU fallback")
    assert [(r.cell, r.line) for r in d.related] == [(2, 1), (3, 1)]


def test_unknown_kernel_order_still_read_from_counts(tmp_path):
    from nbrefactor.audit.rules.hidden_state import OutOfOrderExecution

    (d,) = run(OutOfOrderExecution, tmp_path, code("x <- 1", 3), code("y <- x", 1), code("z <- y", 2), kernel="ir", language="R")
    assert (d.location.cell, d.message) == (1, "Cell 1 ran as [3], after cells 2 and 3 below it (run as [1], [2]): it was re-run late, and the outputs below were not computed from it")


def test_a_shared_manifest_line_is_one_finding_for_the_batch_with_each_notebook_related(tmp_path):
    from nbrefactor.audit.engine import audit_paths
    from nbrefactor.config import load_settings
    from nbrefactor.report.json_report import to_dict

    def notebook(source: str) -> str:
        return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
                           "cells": [{"cell_type": "code", "id": "c1", "metadata": {}, "execution_count": None, "outputs": [], "source": source}]})

    (tmp_path / "pyproject.toml").write_text("[tool.nbrefactor]\n", encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("numpy\npandas==2.2.2\n", encoding="utf-8")
    for name in ("a.ipynb", "b.ipynb", "c.ipynb"):
        (tmp_path / name).write_text(notebook("import numpy as np\nimport pandas as pd"), encoding="utf-8")
    result = audit_paths([str(tmp_path)], load_settings(tmp_path / "pyproject.toml"), jobs=1)
    assert [len(nb.diagnostics) for nb in result.notebooks] == [1, 1, 1]  # each notebook still knows its own
    (d,) = result.diagnostics
    assert (d.code, d.location.path, d.location.line) == ("DEP004", str(tmp_path / "requirements.txt"), 1)
    assert [Path(r.path).name for r in d.related] == ["a.ipynb", "b.ipynb", "c.ipynb"]
    assert to_dict(result)["summary"]["findings"] == 1


def test_url_through_a_constant_is_one_pth003_at_the_constant_with_its_fetches_related(tmp_path):
    from nbrefactor.audit.rules.paths import RemoteUri

    cells = (
        "import urllib.request\nimport pandas as pd\nsource = 'https://example.org/data/archive.tar.gz'",
        "urllib.request.urlretrieve(source, 'archive.tar.gz')",
        "raw = pd.read_csv(source)",
    )
    (d,) = run(RemoteUri, tmp_path, *cells)
    assert (d.location.cell, d.location.line, d.location.column) == (1, 3, 10)
    assert d.message == (
        "URL 'https://example.org/data/archive.tar.gz' (`source`) is downloaded at run time by "
        "`urllib.request.urlretrieve` (cell 2, line 1): the notebook needs the network and the remote file "
        "can change or disappear"
    )
    assert [(r.cell, r.line) for r in d.related] == [(2, 1), (3, 1)]


def test_a_literal_naming_a_constants_path_is_folded_into_the_constants_pth006(tmp_path):
    cells = ("import os\ntarget = 'archive.tar.gz'", "if not os.path.isfile('archive.tar.gz'):\n    open(target, 'wb').close()")
    (d,) = run(CwdRelativePath, tmp_path, *cells)
    assert (d.location.cell, d.location.line) == (1, 2)
    assert d.message.startswith("Relative path 'archive.tar.gz' (`target`)")
    assert (2, 1) in [(r.cell, r.line) for r in d.related]
