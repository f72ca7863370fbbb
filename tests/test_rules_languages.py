"""STR006 (another language's cells) and STR001's R-script wording beyond their embedded examples
(fair check 20, items 152 and 157)."""

from __future__ import annotations

from nbrefactor.audit.rule_examples import run_example
from nbrefactor.audit.rules import Example
from nbrefactor.audit.rules.languages import OtherLanguageCell
from nbrefactor.audit.rules.structure import SyntaxErrorInCell


def test_str006_one_cell_runs_and_names_what_a_line_magic_hands_back(tmp_path):
    cells = ("%load_ext rpy2.ipython", "%%R\nsoup <- function(d) d * 2",
             "def cook(data):\n    %R -i data -o out out <- soup(data)\n    return out")
    [found] = run_example(OtherLanguageCell, Example(cells=cells), tmp_path / "a")
    assert found.message.startswith(
        "`%%R`: a cell of this notebook runs R code through rpy2; the `%R` line magic of cell 3 hands `out` back to "
        "Python. A Python module cannot run it,")
    # Two R cells, one handing `fit` back in its header: plural, and the line magic's name beside it.
    two = (*cells, "%%R -o fit\nfit <- lm(y ~ x)")
    [found] = run_example(OtherLanguageCell, Example(cells=two), tmp_path / "b")
    assert found.message.startswith(
        "`%%R`: 2 cells of this notebook run R code through rpy2; Python reads `fit` back from them; the `%R` line "
        "magic of cell 3 hands `out` back to Python. A Python module cannot run them,")


def test_str001_r_script_in_a_code_cell_is_said_to_be_r(tmp_path):
    script = "#!/usr/bin/env Rscript\nlibrary(Seurat)\nmtx <- Read10X('outs/filtered')\nres <- run(data = mtx, cores = parallel::detectCores())"
    [found] = run_example(SyntaxErrorInCell, Example(cells=("import pandas as pd", script)), tmp_path / "a")
    assert found.message == "Syntax error: this code cell holds an R script, not Python (`library(Seurat)`)"
    # Python that fails to parse, with one `<-` comparison in it: the parser's words.
    python = "if x <- 1:\n    print(x"
    [found] = run_example(SyntaxErrorInCell, Example(cells=("x = 0", python)), tmp_path / "b")
    assert "R script" not in found.message


def test_str001_skips_a_cell_its_metadata_gives_another_language():
    """Fair check 42, item 158: a DataCamp DataLab SQL cell (`metadata.customType == "sql"`) runs
    through DataLab's SQL integration into a DataFrame: valid SQL, no broken Python. A plain code cell
    holding the same text stays reported."""
    import json

    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.config import Settings
    from nbrefactor.audit.engine import audit_notebook
    from nbrefactor.audit.loader import parse_notebook
    from nbrefactor.audit.project import ProjectContext

    sql = "SELECT year, COUNT(*) AS missing\nFROM grocery_sales\nWHERE year IS NULL\nGROUP BY year"
    raw = Example(cells=("import pandas as pd", sql, sql)).notebook_json()
    raw["cells"][1]["metadata"].update({"customType": "sql", "dataFrameVariableName": "missing_year"})
    notebook = parse_notebook("datalab.ipynb", json.dumps(raw).encode("utf-8"))
    assert notebook.cells[1].language == "sql" and notebook.cells[2].language == ""
    analysis = audit_notebook(notebook, Settings(), ProjectContext(), load_catalog(), rules=[SyntaxErrorInCell])
    assert [d.location.cell for d in analysis.result.diagnostics] == [3]
