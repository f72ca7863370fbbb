"""Loader: every nbformat version we accept becomes the same v4-shaped `Notebook`; every bad input
becomes exactly one `LoadError` naming the file and the problem on one line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nbrefactor.audit.loader import MAX_OUTPUT_TEXT, parse_notebook, read_notebook
from nbrefactor.audit.types import LoadError, Notebook


def _bytes(data) -> bytes:
    return json.dumps(data).encode("utf-8")


V3 = {
    "metadata": {"name": "old"},
    "nbformat": 3,
    "nbformat_minor": 0,
    "worksheets": [
        {
            "cells": [
                {"cell_type": "heading", "level": 2, "metadata": {}, "source": ["Data ", "loading"]},
                {
                    "cell_type": "code",
                    "collapsed": False,
                    "input": ["import pandas as pd\n", "df = pd.read_csv('x.csv')\n", "df.shape"],
                    "language": "python",
                    "metadata": {"tags": ["setup"]},
                    "outputs": [
                        {"output_type": "stream", "stream": "stdout", "text": ["loaded\n"]},
                        {"output_type": "pyout", "prompt_number": 3, "text": ["(10, 2)"], "png": "iVBORw0KGgo="},
                    ],
                    "prompt_number": 3,
                },
                {"cell_type": "markdown", "metadata": {}, "source": "Some *text*"},
                {
                    "cell_type": "code",
                    "input": "1/0",
                    "language": "python",
                    "metadata": {},
                    "outputs": [
                        {"output_type": "pyerr", "ename": "ZeroDivisionError", "evalue": "division by zero",
                         "traceback": ["Traceback", "ZeroDivisionError: division by zero"]}
                    ],
                    "prompt_number": 4,
                },
                {"cell_type": "raw", "metadata": {}, "source": "raw text"},
            ],
            "metadata": {},
        }
    ],
}


def test_v3_is_converted_to_v4_shape_with_headings_outputs_and_counts():
    nb = parse_notebook("old.ipynb", _bytes(V3))
    assert isinstance(nb, Notebook)
    assert nb.original_nbformat == 3 and nb.nbformat == 4
    assert [(c.index, c.cell_type) for c in nb.cells] == [(1, "markdown"), (2, "code"), (3, "markdown"), (4, "code"), (5, "raw")]
    assert nb.cells[0].source == "## Data loading"
    code = nb.cells[1]
    assert code.source == "import pandas as pd\ndf = pd.read_csv('x.csv')\ndf.shape"
    assert code.execution_count == 3 and code.tags == ("setup",)
    assert [o.output_type for o in code.outputs] == ["stream", "execute_result"]
    assert code.outputs[0].text == "loaded\n" and code.outputs[0].name == "stdout"
    assert code.outputs[1].text == "(10, 2)"
    assert code.outputs[1].mime_types == ("image/png", "text/plain")
    error = nb.cells[3].outputs[0]
    assert error.output_type == "error" and error.name == "ZeroDivisionError: division by zero"
    assert "ZeroDivisionError" in error.text
    assert all(c.cell_id is None for c in nb.cells), "v3 has no ids and none may be invented"
    assert nb.is_python


def test_v3_conversion_is_deterministic():
    assert parse_notebook("a.ipynb", _bytes(V3)) == parse_notebook("a.ipynb", _bytes(V3))


def _v4(cells, minor=4, metadata=None):
    return {"cells": cells, "metadata": metadata if metadata is not None else {}, "nbformat": 4, "nbformat_minor": minor}


def test_v4_without_ids_and_without_language_info_is_python():
    nb = parse_notebook("n.ipynb", _bytes(_v4([{"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [], "execution_count": 1}])))
    assert isinstance(nb, Notebook)
    assert nb.cells[0].cell_id is None and nb.cells[0].execution_count == 1
    assert nb.kernel_language == "" and nb.is_python


def test_v4_ids_counts_and_kernel_are_kept():
    meta = {"kernelspec": {"name": "ir", "language": "R", "display_name": "R"}, "language_info": {"name": "R", "version": "4.3"}}
    nb = parse_notebook("r.ipynb", _bytes(_v4([{"cell_type": "code", "id": "abc", "source": ["x <- 1"], "metadata": {}, "outputs": [], "execution_count": None}], 5, meta)))
    assert nb.cells[0].cell_id == "abc" and nb.cells[0].execution_count is None
    assert (nb.kernel_name, nb.kernel_language, nb.language_version) == ("ir", "R", "4.3")
    assert not nb.is_python


def test_language_info_alone_names_the_language():
    nb = parse_notebook("j.ipynb", _bytes(_v4([], 5, {"language_info": {"name": "julia"}})))
    assert nb.kernel_language == "julia" and not nb.is_python


def test_a_python2_version_contradicted_by_the_kernels_own_lexer_is_not_kept():
    """Fair check 6: `"2.7.-1"` beside an `ipython3` lexer and CodeMirror mode 3 (which ipykernel
    writes from the same `sys.version_info`) was not written by the kernel that ran the cells."""
    py3_info = {"name": "python", "version": "2.7.-1", "pygments_lexer": "ipython3", "codemirror_mode": {"name": "ipython", "version": 3}}
    nb = parse_notebook("a.ipynb", _bytes(_v4([], 5, {"kernelspec": {"name": "python3"}, "language_info": py3_info})))
    assert nb.language_version == ""
    only_mode = {"name": "python", "version": "2.7.-1", "codemirror_mode": {"name": "ipython", "version": 3}}
    assert parse_notebook("b.ipynb", _bytes(_v4([], 5, {"language_info": only_mode}))).language_version == ""
    py2_info = {"name": "python", "version": "2.7.18", "pygments_lexer": "ipython2", "codemirror_mode": {"name": "ipython", "version": 2}}
    assert parse_notebook("c.ipynb", _bytes(_v4([], 5, {"language_info": py2_info}))).language_version == "2.7.18"
    assert parse_notebook("d.ipynb", _bytes(_v4([], 5, {"language_info": {"version": "2.7.12"}}))).language_version == "2.7.12"


def test_a_python2_version_beside_a_kernelspec_naming_a_python3_interpreter_is_not_kept():
    """Fair check 26: VS Code wrote `Python 3.6.9 64-bit` (`python_defaultSpec_…`) as the kernelspec
    of the interpreter it ran and kept the file's old `2.7.15`/`ipython2` language_info block."""
    py2_info = {"name": "python", "version": "2.7.15", "pygments_lexer": "ipython2", "codemirror_mode": {"name": "ipython", "version": 2}}
    vscode = {"name": "python_defaultSpec_1596663900877", "display_name": "Python 3.6.9 64-bit", "language": "python"}
    assert parse_notebook("a.ipynb", _bytes(_v4([], 5, {"kernelspec": vscode, "language_info": py2_info}))).language_version == ""
    # A Python 2 interpreter's kernelspec, or Jupyter's generic names, leave the version as the kernel wrote it.
    vscode2 = {**vscode, "display_name": "Python 2.7.15 64-bit"}
    assert parse_notebook("b.ipynb", _bytes(_v4([], 5, {"kernelspec": vscode2, "language_info": py2_info}))).language_version == "2.7.15"
    generic = {"name": "python3", "display_name": "Python 3", "language": "python"}
    assert parse_notebook("c.ipynb", _bytes(_v4([], 5, {"kernelspec": generic, "language_info": py2_info}))).language_version == "2.7.15"


def test_execution_count_true_is_not_a_count():
    nb = parse_notebook("n.ipynb", _bytes(_v4([{"cell_type": "code", "source": "x", "execution_count": True, "outputs": []}])))
    assert nb.cells[0].execution_count is None


def test_huge_outputs_are_truncated():
    big = "x" * (MAX_OUTPUT_TEXT * 3)
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": big},
        {"output_type": "execute_result", "data": {"text/plain": big, "text/html": big}, "metadata": {}, "execution_count": 1},
        {"output_type": "error", "ename": "E", "evalue": "v", "traceback": [big]},
        {"output_type": "display_data", "data": {"image/png": big}, "metadata": {}},
    ]
    nb = parse_notebook("big.ipynb", _bytes(_v4([{"cell_type": "code", "source": "x", "outputs": outputs, "execution_count": 1}])))
    stream, result, error, image = nb.cells[0].outputs
    assert len(stream.text) == MAX_OUTPUT_TEXT
    assert len(result.text) == MAX_OUTPUT_TEXT
    assert all(len(text) == MAX_OUTPUT_TEXT for _, text in result.data)
    assert len(error.text) == MAX_OUTPUT_TEXT
    assert image.mime_types == ("image/png",) and image.data == ()  # images are not kept as text


BAD = [
    (b"", "empty file"),
    (b"   \n\t", "empty file"),
    (b'{"cells": [', "invalid JSON at line 1"),
    (b'{"nbformat": 4, "cells": [{"cell_type": "code", "sou', "invalid JSON"),
    (b"[1, 2, 3]", "top-level JSON is an array"),
    (b'"just a string"', "top-level JSON is a string"),
    (b"42", "top-level JSON is a number"),
    (b"null", "top-level JSON is null"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (b"PK\x03\x04\x14\x00\x00\x00", "binary file"),
    ('{"nbformat": 4, "cells": []}'.encode("utf-16"), "UTF-16"),
    (b'{"nbformat": 4, "cells": [], "x": "\xe9t\xe9"}', "not UTF-8"),
    (b'{"cells": [], "metadata": {}}', "no 'nbformat' field"),
    (b'{"nbformat": 2, "cells": []}', "nbformat v2 is too old"),
    (b'{"nbformat": 5, "cells": []}', "nbformat v5 is newer"),
    (b'{"nbformat": "4", "cells": []}', "'nbformat' is '4'"),
    (b'{"nbformat": true, "cells": []}', "'nbformat' is True"),
    (b'{"nbformat": 4, "cells": {"a": 1}}', "'cells' is dict, expected a list"),
    (b'{"nbformat": 4, "metadata": {}}', "no 'cells' list"),
    (b'{"nbformat": 4, "cells": [1]}', "cell 1 is int"),
    (b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": 7}]}', "cell 1 source is int"),
    (b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": "", "outputs": "x"}]}', "outputs is str"),
    (b'{"nbformat": 3, "worksheets": {"cells": []}}', "'worksheets' is not a list"),
    (b'{"nbformat": 3, "worksheets": [{"cells": [3]}]}', "a cell is not an object"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
]


@pytest.mark.parametrize(("raw", "problem"), BAD, ids=[p for _, p in BAD])
def test_bad_input_is_one_clear_load_error(raw, problem):
    result = parse_notebook("dir/bad.ipynb", raw)
    assert isinstance(result, LoadError), result
    assert result.path == "dir/bad.ipynb"
    assert problem in result.problem
    line = str(result)
    assert line.startswith("dir/bad.ipynb: ") and "\n" not in line


def test_read_notebook_names_missing_file_and_directory(tmp_path):
    missing = read_notebook(tmp_path / "nope.ipynb", "nope.ipynb")
    assert missing == LoadError("nope.ipynb", "no such file")
    (tmp_path / "folder.ipynb").mkdir()
    folder = read_notebook(tmp_path / "folder.ipynb", "folder.ipynb")
    assert folder == LoadError("folder.ipynb", "is a directory, not a notebook file")


def test_read_notebook_reports_permission_denied(tmp_path, monkeypatch):
    # We run as root, where chmod 000 does not stop a read: simulate the OS refusing instead.
    target = tmp_path / "locked.ipynb"
    target.write_bytes(_bytes(_v4([])))

    def refuse(path, flags, *args):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "open", refuse)
    assert read_notebook(target, "locked.ipynb") == LoadError("locked.ipynb", "cannot read the file: permission denied")


def test_read_notebook_reports_other_os_errors(tmp_path, monkeypatch):
    def broken(path, flags, *args):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "open", broken)
    assert read_notebook(tmp_path / "x.ipynb", "x.ipynb") == LoadError("x.ipynb", "cannot read the file: Input/output error")


def test_read_notebook_is_read_only(tmp_path):
    target = tmp_path / "n.ipynb"
    raw = _bytes(_v4([{"cell_type": "code", "source": "x = 1", "outputs": [], "execution_count": None}]))
    target.write_bytes(raw)
    before = target.stat().st_mtime_ns
    nb = read_notebook(target)
    assert isinstance(nb, Notebook) and nb.path == target.as_posix()
    assert target.read_bytes() == raw and target.stat().st_mtime_ns == before


def test_utf8_bom_is_accepted():
    nb = parse_notebook("bom.ipynb", b"\xef\xbb\xbf" + _bytes(_v4([])))
    assert isinstance(nb, Notebook) and nb.cells == ()


def test_cell_indices_count_every_cell():
    cells = [
        {"cell_type": "markdown", "source": "# t", "metadata": {}},
        {"cell_type": "raw", "source": "", "metadata": {}},
        {"cell_type": "code", "source": "x", "metadata": {}, "outputs": [], "execution_count": None},
    ]
    nb = parse_notebook("n.ipynb", _bytes(_v4(cells)))
    assert [c.index for c in nb.code_cells] == [3]
