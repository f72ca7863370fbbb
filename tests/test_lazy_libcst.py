"""libcst is imported only when a cell needs it (thirteenth round of docs/benchmarks.md): the
analysis reads most cells from CPython's tree, and importing libcst is ~0.4 s of CPU. Each check
runs in a fresh interpreter (this test process has libcst loaded already)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from deadlines import HANG_GUARD

REPO = Path(__file__).resolve().parents[1]


def _run(code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_cells_read_from_cpythons_tree_never_import_libcst():
    out = _run(
        "import sys\nfrom nbrefactor.audit.analysis import analyse_cell\nfrom nbrefactor.audit.types import Cell\n"
        "ca = analyse_cell(Cell(index=0, cell_type='code', source='import numpy as np\\nx = np.ones(3)\\nprint(f\"{x:.2f}\")'))\n"
        "print(ca.facts.syntax_error is None, [i.qualified for i in ca.facts.imports], 'libcst' in sys.modules)"
    )
    assert out == "True ['numpy'] False"


def test_a_cell_left_to_libcst_imports_it_and_gets_the_same_facts_as_before():
    # Non-ASCII source is left to libcst (CPython's columns are UTF-8 bytes).
    out = _run(
        "import sys\nfrom nbrefactor.audit.analysis import analyse_cell\nfrom nbrefactor.audit.types import Cell\n"
        "ca = analyse_cell(Cell(index=0, cell_type='code', source='é = 1\\nprint(é)'))\n"
        "print([(d.name, d.line, d.column) for d in ca.facts.defined], 'libcst' in sys.modules)"
    )
    assert out == "[('é', 1, 1)] True"


def test_a_cell_non_ascii_only_in_strings_and_comments_is_read_from_cpythons_tree_in_characters():
    """Sixteenth round: CPython's columns count UTF-8 bytes (`t` below stands at byte 11, character
    10); such a cell is read from a tree of its own with character columns, as libcst reads it, and
    libcst is not imported. Then libcst's facts of the same cell, for comparison."""
    out = _run(
        "import sys\nfrom nbrefactor.audit.analysis import analyse_cell, libcst_facts\nfrom nbrefactor.audit.types import Cell\n"
        "source = 's = \"é\"; t = len(s)  # déjà\\nprint(t, \"日本\", s)'\n"
        "ca = analyse_cell(Cell(index=0, cell_type='code', source=source))\n"
        "print([(d.name, d.line, d.column) for d in ca.facts.defined], [(c.func, c.line, c.column) for c in ca.facts.calls], "
        "[(s.value, s.line, s.column) for s in ca.facts.strings], 'libcst' in sys.modules)\n"
        "print(ca.facts == libcst_facts(source))"
    )
    assert out == (
        "[('s', 1, 1), ('t', 1, 10)] [('len', 1, 14), ('print', 2, 1)] [('é', 1, 5), ('日本', 2, 10)] False\nTrue"
    )


def test_the_walkers_names_are_still_importable_from_analysis():
    out = _run(
        "import sys\nimport nbrefactor.audit.analysis as analysis\nbefore = 'libcst' in sys.modules\n"
        "from nbrefactor.audit.analysis import dotted_name, node_positions, child_nodes, _Walker, _parse_module\n"
        "from nbrefactor.audit import cst_facts\n"
        "print(before, _Walker is cst_facts._Walker, dotted_name(_parse_module('a.b.c').body[0].body[0].value))\n"
        "try:\n    analysis.no_such_name\nexcept AttributeError:\n    print('AttributeError')"
    )
    assert out == "False True a.b.c\nAttributeError"


def test_an_in_process_audit_without_such_cells_never_imports_libcst(tmp_path):
    import json

    from nbrefactor.audit.rules import Example

    nb = Example(cells=("import os\nx = os.getcwd()", "print(f'{x!r}')")).notebook_json()
    (tmp_path / "plain.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    out = _run(
        "import sys\nfrom nbrefactor.cli.app import main\n"
        f"code = main(['audit', {str(tmp_path)!r}, '--format', 'json', '--no-cache', '-j', '1', '-o', {str(tmp_path / 'out.json')!r}])\n"
        "print(code in (0, 1), 'nbrefactor.audit.analysis' in sys.modules, 'libcst' in sys.modules)"
    )
    assert out == "True True False"


def test_packaging_is_imported_only_to_compare_the_versions_of_a_removed_api(tmp_path):
    """Fourteenth round: DEP005 imports `packaging` (~25 ms) only when a notebook uses a removed
    API and its declared versions are compared; a plain one-notebook audit does not load it."""
    import json

    from nbrefactor.audit.rules import Example

    plain = tmp_path / "plain"
    removed = tmp_path / "removed"
    plain.mkdir()
    removed.mkdir()
    (plain / "a.ipynb").write_text(json.dumps(Example(cells=("import os\nx = os.getcwd()",)).notebook_json()), encoding="utf-8")
    (removed / "b.ipynb").write_text(json.dumps(Example(cells=(
        "import numpy as np", "from sklearn.cross_validation import train_test_split",
    )).notebook_json()), encoding="utf-8")
    (removed / "requirements.txt").write_text("numpy==1.26.4\nscikit-learn==1.3\n", encoding="utf-8")
    audit = (
        "import sys, json\nfrom nbrefactor.cli.app import main\n"
        "code = main(['audit', {folder!r}, '--format', 'json', '--no-cache', '-j', '1', '-o', {out!r}])\n"
        "print('\"DEP005\"' in open({out!r}).read(), 'packaging.version' in sys.modules)"
    )
    assert _run(audit.format(folder=str(plain), out=str(tmp_path / "a.json"))) == "False False"
    assert _run(audit.format(folder=str(removed), out=str(tmp_path / "b.json"))) == "True True"
