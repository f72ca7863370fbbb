"""STR004 on a notebook whose kernel is Python 2 (fair check 5): Python 2 builtins are its related
locations instead of HID003 errors, and a notebook whose code already parses as Python 3 is told to
re-run, not to port."""

from __future__ import annotations

from nbrefactor.audit.rule_examples import run_example
from nbrefactor.audit.rules import Example, code, md
from nbrefactor.audit.rules.hidden_state import UndefinedName
from nbrefactor.audit.rules.structure import Python2Notebook


def test_python2_builtins_are_related_locations_of_str004_not_hid003(tmp_path):
    example = Example(
        cells=(
            "from __future__ import print_function",
            "words = ['a', 'b']\nfor i in xrange(2):\n    print(unicode(words[i]))",
            "total = 0\nfor j in xrange(3):\n    total += j",
        ),
        kernel="python2",
    )
    (str004,) = run_example(Python2Notebook, example, tmp_path / "str004")
    assert str004.message == (
        "The notebook is Python 2 (kernel python2; Python 2 only names `xrange`, `unicode` in cells 2 and 3): "
        "port it to Python 3 before migrating"
    )
    assert [(r.cell, r.line) for r in str004.related] == [(2, 2), (2, 3), (3, 2)]
    assert "xrange → range" in str004.fix and "unicode → str" in str004.fix
    assert run_example(UndefinedName, example, tmp_path / "hid003") == []


def test_a_python2_builtin_in_a_python3_notebook_is_still_hid003(tmp_path):
    example = Example(cells=("for i in xrange(3):\n    print(i)",))
    assert [(d.code, d.location.cell, d.location.line) for d in run_example(UndefinedName, example, tmp_path)] == [("HID003", 1, 1)]


def test_python2_kernel_whose_code_parses_as_python3_is_told_to_rerun(tmp_path):
    shown = ({"output_type": "stream", "name": "stdout", "text": "3.5\n"},)
    example = Example(cells=(code("from __future__ import division, print_function", 1), code("print(7 / 2)", 2, outputs=shown)), kernel="python2")
    (str004,) = run_example(Python2Notebook, example, tmp_path)
    assert str004.message == (
        "The notebook's kernel is Python 2 (kernel python2), but its code parses as Python 3: "
        "re-run it on Python 3 before migrating (the saved outputs are Python 2's)"
    )
    assert str004.fix.startswith("Switch the kernel to Python 3, re-run all cells and save")


def test_python2_kernel_run_without_saved_outputs_does_not_speak_of_outputs(tmp_path):
    """Fair check 12: counts but no output saved; the kernelspec is what papermill and nbconvert
    would look for."""
    example = Example(cells=(code("from __future__ import division, print_function", 1), code("ratio = 7 / 2", 2)), kernel="python2")
    (str004,) = run_example(Python2Notebook, example, tmp_path)
    assert str004.message.endswith(
        "re-run it on Python 3 before migrating (its cells ran on Python 2, and papermill and nbconvert would look for that kernel)"
    )


def test_never_run_python2_kernel_is_told_to_switch_the_kernel(tmp_path):
    """Fair check 8: no cell ran, so there are no Python 2 outputs to speak of; without code at all,
    nothing to report."""
    example = Example(cells=("from __future__ import division, print_function", "print(7 / 2)"), kernel="python2")
    (str004,) = run_example(Python2Notebook, example, tmp_path)
    assert str004.message == (
        "The notebook's kernel is Python 2 (kernel python2), but its code parses as Python 3 and no cell was run: "
        "switch the kernel to Python 3 before migrating"
    )
    assert "saved outputs" not in str004.message
    assert run_example(Python2Notebook, Example(cells=(md("# Pictures"), ""), kernel="python2"), tmp_path) == []


def test_python2_only_modules_and_dict_methods_make_it_a_port(tmp_path):
    example = Example(cells=("import cPickle", "d = {'a': 1}\nfor k, v in d.iteritems():\n    print(k, v)"), kernel="python2")
    (str004,) = run_example(Python2Notebook, example, tmp_path)
    assert str004.message == (
        "The notebook is Python 2 (kernel python2; Python 2 only names `cPickle`, `.iteritems()` in cells 1 and 2): "
        "port it to Python 3 before migrating"
    )
    assert [(r.cell, r.line) for r in str004.related] == [(1, 1), (2, 2)]
    assert "cPickle → pickle" in str004.fix and ".iteritems() → .items()" in str004.fix


def test_python2_only_functions_of_shared_modules_make_it_a_port(tmp_path):
    """Fair check 13 (a-4.2): `import urllib` works on Python 3, `urllib.urlretrieve` does not;
    Python 3's own `urllib.request.urlretrieve` is not a Python 2 use."""
    example = Example(
        cells=(
            "import urllib\nimport urllib.request\nfrom itertools import izip",
            "f = urllib.urlretrieve('http://example.org/data.gz', 'data.gz')\n"
            "g = urllib.request.urlretrieve('http://example.org/more.gz', 'more.gz')",
        ),
        kernel="python2",
    )
    (str004,) = run_example(Python2Notebook, example, tmp_path)
    assert str004.message == (
        "The notebook is Python 2 (kernel python2; Python 2 only name `urllib.urlretrieve` in cell 2): "
        "port it to Python 3 before migrating"
    )
    assert [(r.cell, r.line) for r in str004.related] == [(2, 1)]
    assert "urllib.urlretrieve → urllib.request.urlretrieve" in str004.fix


def test_a_name_python2_cells_only_read_is_still_undefined(tmp_path):
    """Fair check 13 (a-4.5): `sc` (the pyspark shell's context) is read in a parsed cell and in
    Python 2 cells that do not parse; those cells' text binds `count` and `parse`, which stay
    defined, but only reads `sc`: HID003, as once the prints are ported."""
    example = Example(
        cells=(
            "raw = sc.textFile('./kdd.gz')",
            "count = raw.count()\nprint 'rows', count",
            "def parse(line):\n    return line.split(',')\nrows = sc.textFile('./kdd.gz').map(parse)\nprint rows.take(1)",
            "print(count, parse('a,b'))",
        ),
        kernel="python2",
    )
    found = run_example(UndefinedName, example, tmp_path)
    assert [(d.code, d.location.cell, d.location.line) for d in found] == [("HID003", 1, 1)]
    assert found[0].message.startswith("`sc` is not defined in any cell")


def test_python2_exec_statement_may_bind_anything(tmp_path):
    example = Example(cells=("exec 'sc = 1'\nprint sc", "print(sc)"), kernel="python2")
    assert run_example(UndefinedName, example, tmp_path) == []
