"""Hidden-state rules HID001–HID008 beyond their embedded examples: exact messages naming the other
cell, how the rules divide a problem between them, what silences HID003, the catalogue's extra
builtins, suppression, fingerprints, and one realistic notebook with every rule at once.

Expected positions and messages are written out by hand.
"""

from __future__ import annotations

from typing import Optional

from nbrefactor.audit.catalog import Catalog, load_catalog, merge
from nbrefactor.config import Settings
from nbrefactor.audit.engine import audit_notebook
from nbrefactor.audit.types import Cell, Diagnostic, Notebook, Output
from nbrefactor.audit.project import ProjectContext
from nbrefactor.audit.rules import all_rules
from nbrefactor.audit.rules.rerun import ChangesWhenRunTwice
from nbrefactor.audit.rules.hidden_state import (
    DependsOnLaterCell,
    OutOfOrderExecution,
    SavedTraceback,
    StaleRedefinition,
    StateInjection,
    UndefinedName,
    UnexecutedCell,
    UsedBeforeDefined,
)

HID = [r for r in all_rules() if r.code.startswith("HID")]


def notebook(*cells) -> Notebook:
    """Each cell: a source (code, never run), ("md", source), or (source, count[, outputs[, tags]])."""
    built = []
    for i, spec in enumerate(cells, start=1):
        if isinstance(spec, str):
            built.append(Cell(i, "code", spec))
        elif spec[0] == "md":
            built.append(Cell(i, "markdown", spec[1]))
        else:
            source, count, *rest = spec
            outputs = rest[0] if rest else ()
            tags = rest[1] if len(rest) > 1 else ()
            built.append(Cell(i, "code", source, execution_count=count, outputs=tuple(outputs), tags=tuple(tags)))
    return Notebook("nb.ipynb", tuple(built))


def audit(*cells, rules=None, catalog: Optional[Catalog] = None, settings: Optional[Settings] = None) -> list[Diagnostic]:
    nb = notebook(*cells)
    result = audit_notebook(nb, settings or Settings(), ProjectContext(), catalog or load_catalog(), rules=rules or HID)
    return list(result.result.diagnostics)


def found(diagnostics: list[Diagnostic], code: Optional[str] = None) -> list[tuple[str, int, int]]:
    return sorted(
        (d.code, d.location.cell, d.location.line) for d in diagnostics if code is None or d.code == code
    )


def messages(diagnostics: list[Diagnostic], code: str) -> list[str]:
    return [d.message for d in diagnostics if d.code == code]


# --- messages name the other cell ---------------------------------------------------------------


def test_hid004_message_names_the_later_cell():
    diags = audit("X = [[1]]", "preds = model.predict(X)", ("md", "## Fit"), "x2 = 1", "y = 2", "z = 3", "model = fit(X)")
    assert messages(diags, "HID004") == ["`model` is defined only in cell 7, below this one"]
    assert [d.fix for d in diags if d.code == "HID004"] == ["Move cell 7 above cell 2, or define `model` before this line."]


def test_hid004_several_later_definitions_are_listed():
    diags = audit("print(k)", "k = 1", "k = 2", "k = 3", "k = 4")
    assert messages(diags, "HID004") == ["`k` is defined only in cells 2, 3, 4 and 1 more, below this one"]


def test_hid004_a_del_of_a_name_nothing_above_binds_is_named_as_where_the_run_stops():
    # Fair check 50, item 61: `del X` in cell 2, `X` bound only in cell 4: the `del` fails first.
    diags = audit("import gc", "del X\ngc.collect()", "X[1].shape", "X = [1, 2]")
    assert [m for m in messages(diags, "HID004") if "`X`" in m] == [
        "`X` is defined only in cell 4, below this one (cell 2 runs `del X` first, and nothing above it binds `X`: "
        "a top-to-bottom run stops there with a NameError)"]
    diags = audit("X = [0]", "del X", "X[1].shape", "X = [1, 2]")
    assert [m for m in messages(diags, "HID004") if "`X`" in m] == [
        "`X` is defined only in cell 4, below this one (cell 2 deletes the definition above)"]


def test_hid001_after_a_kernel_restart_reports_the_old_session_stretch_once():
    # Counts 5, 6, 1, 2: the longest never-decreasing run is cells 3 and 4 ([1], [2]); cells 1 and
    # 2 are out of it and ran one after the other ([5], [6]): one stretch, one finding at its first
    # cell, the second and the cells below that ran before it related. Cell 3 reads `a` and `b`
    # from both (their order changes a value it read).
    diags = audit(("a = 1", 5), ("b = a + 1", 6), ("c = a + b", 1), ("d = c + 1", 2))
    assert found(diags, "HID001") == [("HID001", 1, 1)]
    assert messages(diags, "HID001")[0] == (
        "Cells 1 and 2 ran as [5]–[6] in turn (no other cell's count between them), after cells 3 and 4 below them (run as [1], [2]): "
        "they were re-run late, and the outputs below were not computed from them"
    )
    first = [d for d in diags if d.code == "HID001"][0]
    assert [(r.cell, r.line, r.execution_count) for r in first.related] == [(2, 1, 6), (3, 1, 1), (4, 1, 2)]


def test_hid001_repeated_counts_are_one_notebook_level_finding_with_the_cells_related():
    # Counts [2] and [3] each appear twice (two sections, two kernel sessions, interleaved): one
    # finding for the notebook, the four cells carrying them related; no cell compared across sessions.
    diags = audit(("import math", 1), ("r = 2.0", 2), ("area = math.pi * r ** 2", 3), ("s = 3.0", 2),
                  ("side = s * 4", 3), ("print(area, side)", 4))
    hid = [d for d in diags if d.code == "HID001"]
    assert [(d.location.cell, d.location.line) for d in hid] == [(None, None)]
    assert hid[0].message == (
        "The notebook was saved from at least 2 kernel sessions (counts [2], [3] each appear on more than one "
        "cell, and one session never repeats a count): the saved outputs are not from one run"
    )
    assert [r.cell for r in hid[0].related] == [2, 3, 4, 5]


def test_hid001_keeps_a_late_rerun_inside_a_section_run_after_a_restart_but_not_across_interleaved_sessions():
    # Session 2 is cells 4-6 (its counts start at [1] again): one section, so cell 5, re-run as [6]
    # after cell 6 read `side` as [2], is a reorder inside that session and keeps its own finding.
    # The section reads nothing of session 1: no notebook-level finding (fair check 10).
    section = audit(("import math", 1), ("r = 2.0", 2), ("print(math.pi * r ** 2)", 3),
                    ("side = 3.0", 1), ("side = side + 1", 6), ("area = side ** 2", 2))
    assert [(d.location.cell, d.location.line) for d in section if d.code == "HID001"] == [(5, 1)]
    # ... and when it reads `circle`, which session 1 computed from its own `r`, the sessions are
    # reported (a constant like `r = 2.0` is the same in any kernel). One Restart & Run All fixes
    # both, so cell 5's late re-run is that finding's related location and named in its message,
    # not a second finding (fair check 14, hid001-duplicates-session-finding).
    reading = audit(("import math", 1), ("r = 2.0", 2), ("circle = math.pi * r ** 2", 3),
                    ("side = 3.0", 1), ("side = side + 1", 6), ("area = side ** 2 + circle", 2))
    hid = [d for d in reading if d.code == "HID001"]
    assert [(d.location.cell, d.location.line) for d in hid] == [(None, None)]
    assert 5 in [r.cell for r in hid[0].related]
    assert hid[0].message.endswith("; within them, cell 5 (run as [6]) also ran out of order")
    # The same cells with the second session's cells spread among the first's: which cells shared
    # a session is a guess, so only the notebook-level finding.
    spread = audit(("import math", 1), ("side = 3.0", 1), ("r = 2.0", 2), ("side = side + 1", 6),
                   ("print(math.pi * r ** 2)", 3), ("area = side ** 2", 2))
    assert [(d.location.cell, d.location.line) for d in spread if d.code == "HID001"] == [(None, None)]


def test_hid001_a_pasted_copy_or_neighbouring_ties_prove_no_second_session():
    # A copy of a cell keeps its count and source; equal counts on neighbouring cells are ties.
    pasted = audit(("import math", 1), ("r = 2.0", 2), ("print(r)", 3), ("r = 2.0", 2), ("print(math.pi * r)", 4))
    assert not [d for d in pasted if d.code == "HID001" and d.location.cell is None]
    ties = audit(("x = 1", 1), ("y = x + 1", 1), ("print(y)", 2))
    assert found(ties, "HID001") == []


def test_hid001_one_late_rerun_is_one_finding_with_the_stale_cells_related():
    # `y = 2`: a setting re-run alone after its readers (an edit), not a rebuild of the same value
    # from `x` (hid39: `y = x + 1` re-run with `x` unchanged since is no finding).
    cells = [("x = 1", 1), ("y = 2", 20)] + [(f"z{i} = y + {i}", i + 1) for i in range(1, 9)]
    diags = audit(*cells)
    assert found(diags, "HID001") == [("HID001", 2, 1)]
    (d,) = [d for d in diags if d.code == "HID001"]
    assert [r.cell for r in d.related] == list(range(3, 11))
    assert d.message.startswith("Cell 2 ran as [20], after cells 3, 4, 5 and 5 more below it (run as [2], [3], [4], …)")


def test_hid001_leaves_out_cells_whose_order_changes_nothing():
    # A version check, a figure shown from a file and a shell command bind nothing another cell
    # reads and read nothing but imports: run early or late, nothing changes.
    cells = (
        ("import torch\nfrom IPython.display import Image", 1),
        ("from helpers import check_packages\nd = {'torch': '2.3'}\ncheck_packages(d)", 7),
        ("Image(filename='figures/fig1.png')", 9),
        ("x = torch.ones(2)", 2),
        ("y = x * 2", 3),
        ("! python convert.py --input nb.ipynb", 1),
    )
    assert found(audit(*cells), "HID001") == []
    # A seed, a read of another cell's value, or a binding another cell reads keeps it in the order.
    for late in ("torch.manual_seed(0)", "print(y)", "z = 3"):
        cells2 = (("import torch", 1), (late, 9), ("x = torch.ones(2)", 2), ("y = x * 2 + (z if 'z' in dir() else 0)", 3))
        diags = audit(*cells2)
        if late == "print(y)":
            # `y` is defined only below: HID004's finding at that cell (it says the cell ran after
            # cell 4), not a second one here (fair check 20, item 67).
            assert found(diags, "HID001") == [] and found(diags, "HID004") == [("HID004", 2, 1)], late
            assert "it ran as [9], after cell 4" in messages(diags, "HID004")[0]
            continue
        assert found(diags, "HID001") == [("HID001", 2, 1)], late


def test_hid001_ties_and_empty_cells_are_no_order():
    assert found(audit(("a = 1", 0), ("b = a", 0), ("c = b", 0)), "HID001") == []
    assert found(audit(("a = 1", 3), ("b = a", 3), ("", 9), ("# just a note", 10), ("c = b", 4))) == []


def test_hid002_leaves_out_a_never_run_cell_that_could_not_change_another():
    # A commented-out download kept in a string, a warning printed under a check: nothing below
    # could have depended on them.
    commented = '"""\n!wget https://example.org/train.txt\n"""'
    diags = audit(("import torch", 1), commented, "if not torch.cuda.is_available():\n    print('slow on CPU')", ("x = torch.ones(2)", 2))
    assert found(diags, "HID002") == []
    assert found(audit(("import torch", 1), "scale = 2", ("x = torch.ones(2) * scale", 2)), "HID002") == [("HID002", 2, 1)]


def test_hid002_leaves_out_fastais_doc_and_reports_any_other():
    # fair check 34, item 52: fastai's `doc` only shows documentation, imported by name or bound
    # by a fastai star import; a `doc` of another module (or the notebook's own) may do anything.
    data = "data = load_data('animals')"
    for imports in ("from fastai.vision import *\n", "from fastai.gen_doc.nbdoc import doc as show\n"):
        call = "show(data.show_batch)" if "as show" in imports else "doc(data.show_batch)"
        diags = audit((imports + "from loaders import load_data\n" + data, 1), call, ("data.show_batch(rows=3)", 2))
        assert found(diags, "HID002") == [], imports
    for imports in ("from pydoc_tools import *\n", "from helpers import doc\n", "from fastai.vision import *\nfrom helpers import doc\n"):
        diags = audit((imports + "from loaders import load_data\n" + data, 1), "doc(data.show_batch)", ("data.show_batch(rows=3)", 2))
        assert found(diags, "HID002") == [("HID002", 2, 1)], imports


def test_hid003_names_a_methods_other_bare_reads_of_attributes_its_class_keeps_on_self():
    # fair check 34, item 53: `bias` is defined nowhere; `weight` (cell 1's global) is the same slip.
    head = ("import torch as t\nfrom torch import nn\nfrom torch.nn import functional as F\nweight = t.ones(4, 5)", 1)
    cls = ("class MyLinear(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
           "        self.weight = nn.Parameter(t.randn(3, 4))\n        self.bias = nn.Parameter(t.zeros(3))\n"
           "    def forward(self, x):\n        w = weight\n        return F.linear(x, w, bias)")
    diags = [d for d in audit(head, (cls, 2)) if d.code == "HID003"]
    assert [(d.location.cell, d.location.line) for d in diags] == [(2, 8)]
    assert diags[0].message == (
        "`bias` (inside a method of `MyLinear`) is not defined in any cell: the class keeps it on the instance "
        "(`self.bias`, line 5), which a bare name does not read; `weight` in this method is the same slip, kept on "
        "`self` too, but it reads the notebook's global of the same name (cell 1)")
    assert diags[0].fix == "Read `self.bias`, `self.weight` in the method."
    assert [(r.cell, r.line) for r in diags[0].related] == [(2, 7)]
    # A static method's first parameter is not the instance.
    static = cls.replace("    def __init__(self):", "    @staticmethod\n    def make(self):").replace("super().__init__()", "pass")
    assert [d.message for d in audit(head, (static, 2)) if d.code == "HID003"] == ["`bias` (inside a function) is not defined in any cell"]


def test_hid002_names_the_first_executed_cell_below():
    # (cell 6 reads the `y` cell 2 would have rebound: a skip that reaches a cell that ran, fair check 41, item 43)
    diags = audit(("x = 1\ny = 0", 1), "y = x", ("md", "note"), "", ("print(x)", 2), ("print(y)", 3))
    assert messages(diags, "HID002") == ["Cell 2 was never run, but cell 5 below it was (as [2])"]


def test_hid005_leaves_readers_from_an_older_session_to_hid001():
    # Counts 5 6 7 9 | 2 4: the readers below ran early, outputs kept from an older session.
    # HID001 reports them (one stretch, [2] then [4]: one finding) with the cells above (cell 4,
    # the redefinition, among them) related: one root cause, no HID005 on top (fair check,
    # first_edition/3.5 cells 14/25/40).
    diags = audit(("p = 0", 5), ("q = p + 1", 6), ("r = q + 1", 7), ("lr = 0.1 * r", 9), ("a = lr", 2), ("md", "x"), ("b = lr * 2", 4))
    assert found(diags, "HID005") == []
    hid001 = [d for d in diags if d.code == "HID001"]
    assert [d.location.cell for d in hid001] == [5]
    assert {4, 7} <= {r.cell for r in hid001[0].related}


def test_hid005_message_names_the_readers_and_their_counts():
    # With HID001 switched off, the redefinition in cell 4 is this rule's finding.
    diags = audit(("p = 0", 5), ("q = p + 1", 6), ("r = q + 1", 7), ("lr = 0.1 * r", 9), ("a = lr", 2), ("md", "x"), ("b = lr * 2", 4),
                  settings=Settings(ignore=("HID001",)))
    assert messages(diags, "HID005") == [
        "`lr` is redefined here (run as [9]) after cells 5 and 7 below read it (run as [2], [4]): "
        "those saved outputs used an older `lr`"
    ]


def test_hid005_leaves_a_late_rerun_to_hid001_at_the_same_cell():
    # (`lr` drawn: a literal `lr = 0.1` gives the same value at every run, no finding; fair check 38)
    diags = audit(("import random\nlr = random.random()", 9), ("a = lr", 2), ("md", "x"), ("b = lr * 2", 4))
    assert found(diags, "HID005") == []
    (late,) = [d for d in diags if d.code == "HID001"]
    assert late.location.cell == 1
    assert [r.cell for r in late.related] == [2, 4]


def test_hid005_reports_the_first_write_in_the_cell_once_per_name():
    diags = audit(("a = 1", 5), ("b = a + 1", 6), ("c = b + 1", 7), ("import numpy as np\nw = np.zeros(c)\nw = w + 1", 8), ("print(w)", 2), ("print(w.sum())", 3),
                  settings=Settings(ignore=("HID001",)))  # with HID001 on, HID001 reports the early readers
    assert found(diags, "HID005") == [("HID005", 4, 2)]


def test_hid008_message_for_a_definition_that_never_ran_and_one_that_ran_later():
    # Never ran: HID002 reports that cell and names the reader (one root cause); HID008 says it
    # only when HID002 is switched off.
    diags = audit("scale = 2", ("size = 3 * scale", 1))
    assert messages(diags, "HID008") == []
    assert messages(diags, "HID002") == ["Cell 1 was never run, but cell 2 below it was (as [1]); cell 2 below ran and reads `scale` from it"]
    assert [(r.cell, r.line) for d in diags if d.code == "HID002" for r in d.related] == [(2, 1)]
    diags = audit("scale = 2", ("size = 3 * scale", 1), settings=Settings(ignore=("HID002",)))
    assert messages(diags, "HID008") == [
        "`scale` comes from cell 1 above, which has not been run: no cell that ran before this one ([1]) defined it"
    ]
    # Ran later: the two cells are out of order, HID001's one finding (at the re-run cell).
    diags = audit(("scale = 2", 4), ("size = 3 * scale", 1))
    assert messages(diags, "HID008") == []
    assert [(d.code, d.location.cell) for d in diags if d.code == "HID001"] == [("HID001", 1)]


def test_hid003_inside_a_function_and_did_you_mean():
    diags = audit("threshold = 1", "def f(v):\n    return v > treshold")
    assert messages(diags, "HID003") == [
        "`treshold` (inside a function) is not defined in any cell; did you mean `threshold` (cell 1)?"
    ]


def test_hid003_did_you_mean_prefers_a_look_alike_above():
    # Fair check 48, item 53: `Register(…)` read where `Resistor` is the class of the cells above;
    # `Registor`, one letter nearer, is a class a cell far below binds. The name above is named first.
    diags = audit(
        ("from collections import namedtuple\nResistor = namedtuple('Resistor', 'number resistance')", 1),
        ("r = Register(None, None)", 2),
        "class Registor(namedtuple('RegisterBase', 'number resistance')):\n    pass",
    )
    assert messages(diags, "HID003") == [
        "`Register` is not defined in any cell; did you mean `Resistor` (cell 1, above)? (`Registor`, "
        "nearer in spelling, is bound only in cell 3, below)"
    ]
    # With no look-alike above, the one below is named as before.
    diags = audit(("r = Register(None, None)", 2), "class Registor:\n    pass")
    assert messages(diags, "HID003") == ["`Register` is not defined in any cell; did you mean `Registor` (cell 2)?"]


def test_hid003_did_you_mean_a_renamed_function():
    # Fair check 23 (CH10): the forecasting helper was renamed, its calls were not. The one
    # function above that shares a word of the name and takes the call's arguments is named.
    helper = "def rolling_forecast(df, train_len, horizon, window, method):\n    return df[train_len:train_len + horizon]"
    diags = audit(("import pandas as pd\nseries = pd.Series(range(10))", 1), (helper, 2),
                  ("pred = recursive_forecast(series, 6, 4, 2, 'last')", 3))
    assert messages(diags, "HID003") == [
        "`recursive_forecast` is not defined in any cell; did you mean `rolling_forecast` (cell 2: a function named "
        "like it that takes these arguments, perhaps renamed without its calls)?"
    ]
    # Two arguments do not fit five parameters: no guess.
    diags = audit(("import pandas as pd\nseries = pd.Series(range(10))", 1), (helper, 2),
                  ("pred = recursive_forecast(series, 6)", 3))
    assert messages(diags, "HID003") == ["`recursive_forecast` is not defined in any cell"]


def test_hid003_after_del_names_the_deleting_cell():
    diags = audit("cache = {}", ("md", "free memory"), "del cache", "cache['a'] = 1")
    assert messages(diags, "HID003") == ["`cache` is deleted in cell 3 (`del cache`) and not defined again before this read"]


def test_hid007_names_the_exception_and_truncates_long_values():
    long = "x" * 300
    err = Output("error", "Traceback…", name=f"ValueError: {long}")
    diags = audit(("f()", 1, [err]))
    (message,) = messages(diags, "HID007")
    assert message.startswith("Cell 1 was saved with an error output (ValueError: xxx")
    assert message.endswith("...)")
    assert len(message) < 200


def test_hid007_skips_raises_exception_tag_and_plain_stderr():
    err = Output("error", "", name="ZeroDivisionError: division by zero")
    warn = Output("stream", "Traceback (most recent call last):\n  logged", name="stderr")
    assert audit(("1/0", 1, [err], ["raises-exception"]), ("log()", 2, [warn]), rules=[SavedTraceback]) == []


# --- how the rules divide a problem ----------------------------------------------------------------


def test_name_defined_only_below_is_hid004_not_hid003_nor_hid008():
    # Nor HID001: the cell ran after the one below it, but what it read from there is defined only
    # below, HID004's finding, which says so (one root cause, one finding: fair check 20, item 67).
    diags = audit(("print(x)", 2), ("x = 1", 1))
    assert found(diags) == [("HID004", 1, 1)]
    assert messages(diags, "HID004") == [
        "`x` is defined only in cell 2, below this one; it ran as [2], after cell 2 (run as [1]), "
        "so its saved outputs hide the NameError a top-to-bottom run raises"
    ]
    # With HID004 switched off, HID001 still reports the late run.
    assert found(audit(("print(x)", 2), ("x = 1", 1), settings=Settings(ignore=("HID004",)))) == [("HID001", 1, 1)]


def test_hid004_cleared_count_is_no_order_and_a_saved_error_hides_nothing():
    # Fair check 35, item 48: the defining cell below was saved with Colab's cleared count 0, which
    # places it nowhere in the run; "after cell 2 (run as [0])" was a claim the counts do not make.
    diags = audit(("print(x)", 22), ("x = 1", 0), rules=[DependsOnLaterCell])
    assert messages(diags, "HID004") == ["`x` is defined only in cell 2, below this one"]
    # The reader ran late, but its saved output is an error itself (item 48's KeyError): nothing is hidden.
    err = Output("error", "", name="KeyError: 1999")
    diags = audit(("print(x[1999])", 22, [err]), ("x = {}", 5), rules=[DependsOnLaterCell])
    assert messages(diags, "HID004") == [
        "`x` is defined only in cell 2, below this one; it ran as [22], after cell 2 (run as [5]); "
        "its saved output is an error too (KeyError)"
    ]


def test_read_after_del_redefined_below_is_hid004_not_hid003():
    diags = audit("x = 1", "del x", "print(x)", "x = 2")
    assert found(diags) == [("HID004", 3, 1)]


def test_cleared_notebook_has_no_execution_findings():
    cells = ("probs = [0.2]", "preds = [p > t for p in probs]", "t = 0.5", "print(preds)")
    assert found(audit(*cells)) == [("HID004", 2, 1)]


def test_deferred_read_of_a_later_global_is_fine_when_called_after_it():
    diags = audit("def is_big(v):\n    return v > threshold", "sizes = [1, 5]", "threshold = 3", "big = [s for s in sizes if is_big(s)]")
    assert diags == []


def test_every_finding_has_a_fix():
    diags = audit(
        ("print(later)", 3),
        ("later = 1", 2),
        ("%run setup.py", 4),  # below the read: above it, the script might bind `later` (no HID004)
        "unrun = 1",
        ("x = undefined_thing + unrun", 5, [Output("error", "", name="NameError: undefined_thing")]),
        ("b = 2", 9),
        ("print(b)", 8),  # cell 6 re-run late after it read `b`: HID001
    )
    assert {d.code for d in diags} >= {"HID001", "HID002", "HID004", "HID006", "HID007"}
    assert all(d.fix.strip() for d in diags)


# --- what silences HID003 ---------------------------------------------------------------------------


def test_hid003_stands_down_for_each_kind_of_unknown_injection_while_hid006_reports_it():
    for injector, hid006 in (
        ("from helpers import *", [("HID006", 1, 1)]),
        ("%run ./setup.ipynb", [("HID006", 1, 1)]),
        ("%store -r", [("HID006", 1, 1)]),
        ("exec(open('cfg.py').read())", [("HID006", 1, 1)]),
        ("exec(code_string)", []),  # an opaque exec that is not a file is not HID006
        ("from helpers import *\nprint 'python 2'", []),  # a cell that does not parse, with a star import in its text
    ):
        diags = audit(injector, "model = build_model()")
        assert found(diags) == hid006, injector


def test_a_cell_that_does_not_parse_silences_only_the_names_its_text_spells():
    # The broken cell may bind `build_model` (its text spells it): not reported; `evaluate` it never
    # mentions is checked as in any other notebook (before: HID003 fell silent for the notebook).
    diags = audit("print 'python 2'\nbuild_model = lambda: 1", "model = build_model()\nscore = evaluate(model)")
    assert found(diags, "HID003") == [("HID003", 2, 2)]
    assert found(audit("print 'python 2'", "model = build_model()"), "HID003") == [("HID003", 2, 1)]


def test_named_store_restores_only_those_names():
    diags = audit("%store -r df", "df.head()\nprint(other)")
    assert found(diags) == [("HID003", 2, 2), ("HID006", 1, 1)]


def test_hid003_one_finding_per_undefined_name_with_the_other_cells_related():
    diags = audit("a = b + b\nc = b", "d = b", "e = q")
    assert found(diags, "HID003") == [("HID003", 1, 1), ("HID003", 3, 1)]
    (b,) = [d for d in diags if d.code == "HID003" and d.location.cell == 1]
    assert b.message == "`b` is not defined in any cell (also read in cell 2)"
    assert [(r.cell, r.line) for r in b.related] == [(2, 1)]


def test_catalogue_extra_builtins_silence_platform_names():
    cells = ("df = spark.sql('select 1')", "dbutils.fs.ls('/')")
    assert found(audit(*cells), "HID003") == [("HID003", 1, 1), ("HID003", 2, 1)]
    shipped = load_catalog()
    extended = Catalog(merge(dict(shipped.data), {"hidden_state": {"builtins": ["spark", "dbutils"]}}))
    assert found(audit(*cells, catalog=extended), "HID003") == []


def test_shipped_catalogue_declares_no_extra_builtins():
    assert load_catalog().table("hidden_state", "builtins", None) == []


# --- magics and the hard binding cases, through all rules -----------------------------------------


def test_magics_and_binding_constructs_produce_no_findings():
    diags = audit(
        ("files = !ls data/\nsystem = 'linux'", 1),
        ("%%time\nrows = [len(f) for f in files]", 2),
        ("for i, r in enumerate(rows):\n    last = r\nprint(i, last, system)", 3),
        ("def setup():\n    global cfg\n    cfg = {'n': i}", 4),
        ("setup()\nif (n := cfg['n']) > 0:\n    display(n, In[0], Out, _)", 5),
        ("class Box:\n    size = n\n    area = size * size", 6),
        ("try:\n    import ujson as json\nexcept ImportError:\n    import json", 7),
        ("counts = {}\ncounts['a'] = 1\ncounts.update(b=2)\ntotal = 0\ntotal += Box.area\nprint(json.dumps(counts), total)", 8),
    )
    assert diags == []


def test_suppression_comment_and_cell_tag():
    diags = audit("print(undefined_x)  # noqa: HID003", "print(undefined_y)  # nbrefactor: ignore[HID003]", "print(undefined_z)")
    assert found(diags) == [("HID003", 3, 1)]


def test_fingerprints_survive_inserting_a_cell_above():
    before = audit("print(ghost)", "x = 1")
    after = audit("import os", ("md", "new notes"), "print(ghost)", "x = 1")
    assert found(before) == [("HID003", 1, 1)]
    assert found(after) == [("HID003", 3, 1)]
    assert [d.fingerprint for d in before] == [d.fingerprint for d in after]


def test_shared_flow_is_not_reused_across_notebooks():
    assert found(audit("print(a)"), "HID003") == [("HID003", 1, 1)]
    assert found(audit("a = 1", "print(a)"), "HID003") == []
    assert found(audit("print(a)"), "HID003") == [("HID003", 1, 1)]


def test_each_rule_alone_matches_its_part_of_the_combined_audit():
    cells = (("print(x)", 3), ("x = 1", 1), "y = 2", ("print(y)", 2))
    combined = found(audit(*cells))
    alone = sorted(p for rule in HID for p in found(audit(*cells, rules=[rule])))
    # Cell 4 reads `y` from never-run cell 3: HID002's finding (cell 4 related), not an HID008.
    # Cell 1 ran after cell 2 and read `x`, defined only below: HID004's finding, not also HID001's.
    assert combined == alone == [("HID002", 3, 1), ("HID004", 1, 1)]


# --- a realistic notebook: every rule at once ---------------------------------------------------------


def test_realistic_rerun_notebook():
    name_error = Output("error", "", name="NameError: name 'thresh' is not defined")
    diags = audit(
        ("md", "# Churn model"),  # 1
        ("import pandas as pd\nfrom sklearn.linear_model import LogisticRegression", 1),  # 2
        ("df = pd.read_csv('churn.csv')\nfiles = !ls data/", 2),  # 3
        ("df['tenure_y'] = df['tenure'] / 12", 9),  # 4  re-run after cell 5 used df
        ("X = df[features]\ny = df['churned']", 4),  # 5  `features` only defined in cell 7
        ("model = LogisticRegression().fit(X, y)\nscore = model.score(X, y)", 5),  # 6
        ("features = ['tenure_y', 'charges']", 3),  # 7
        "extra = 1\nprint(scroe)",  # 8  never run; typo
        ("%%time\nthreshold = 0.5\npreds = model.predict_proba(X)[:, 1] > threshold", 6),  # 9
        ("def report():\n    print(thresh, score)", 7),  # 10  `thresh` defined nowhere
        ("report()", 8, [name_error]),  # 11
        ("print(threshold, extra)", 10),  # 12  `extra` only in the never-run cell 8
    )
    assert found(diags) == [
        # counts 1, 2, 9, 4, 5, 3, 6, 7, 8, 10: [9] ran late and [3] early, the rest is one
        # never-decreasing run; both ran against cells 5 and 6, so they are one finding, cell 7
        # related (fair check 14, hid001-early-block-not-merged: one Restart & Run All fixes both)
        ("HID001", 4, 1),
        ("HID002", 8, 1),  # never run and cannot run (`scroe`): its HID003 is a related location here
        ("HID003", 10, 2),
        ("HID004", 5, 1),  # (cell 4's redefinition is HID001's finding at cell 4: no HID005)
        ("HID007", 11, 1),  # (cell 12 reads `extra` from never-run cell 8: HID002's finding, not HID008)
    ]
    by_code = {d.code + str(d.location.cell): d.message for d in diags}
    assert by_code["HID0045"] == ("`features` is defined only in cell 7, below this one; it ran as [4], after cell 7 "
                                  "(run as [3]), so its saved outputs hide the NameError a top-to-bottom run raises")
    assert by_code["HID0028"] == (
        "Cell 8 was never run, but cell 9 below it was (as [6]); cell 12 below ran and reads `extra` from it; "
        "cell 8 cannot run where it stands: it reads `scroe` (did you mean `score`?), which no cell defines"
    )
    assert by_code["HID0014"].endswith(
        "; cell 7 (run as [3]) ran out of order against the same cells too: one Restart & Run All fixes them all"
    )
    assert 7 in [r.cell for d in diags if d.code == "HID001" for r in d.related]


def test_rule_classes_are_registered_with_their_codes():
    assert [r.code for r in HID] == ["HID001", "HID002", "HID003", "HID004", "HID005", "HID006", "HID007", "HID008", "HID009"]
    assert [r for r in HID] == [
        OutOfOrderExecution,
        UnexecutedCell,
        UndefinedName,
        DependsOnLaterCell,
        StaleRedefinition,
        StateInjection,
        SavedTraceback,
        UsedBeforeDefined,
        ChangesWhenRunTwice,
    ]


def _counted(*counts):
    from nbrefactor.audit.types import Cell as _Cell

    return [_Cell(i, "code", f"x{i} = 1", execution_count=c) for i, c in enumerate(counts, 1)]


def test_kernel_sessions_find_a_section_run_again_after_a_restart():
    from nbrefactor.audit.rules.hidden_state import _kernel_sessions

    # One session never repeats a count: [1..4] twice is two sessions, the second block its own.
    assert _kernel_sessions(_counted(1, 2, 3, 4, 1, 2, 3, 4)) == {1: 0, 2: 0, 3: 0, 4: 0, 5: 1, 6: 1, 7: 1, 8: 1}
    # No repeated count: one session. Re-runs within one session (gaps, late cells) stay one.
    assert _kernel_sessions(_counted(1, 2, 9, 3, 4, 10)) == {}
    # The restarted section itself ran out of order ([10] [13] [14] [20] then [17]): the [17]
    # (repeated above, new to the section) belongs to it.
    sessions = _kernel_sessions(_counted(1, 10, 13, 14, 17, 20, 21, 10, 13, 14, 20, 17))
    assert sessions == {**{i: 0 for i in range(1, 8)}, **{i: 1 for i in range(8, 13)}}
    # Two sections interleaved ([1 2 3] [2 3 4 5] [4 5]): each stretch joins the most recently used
    # session whose counts it does not repeat, so the last goes back to the first session.
    sessions = _kernel_sessions(_counted(1, 2, 3, 2, 3, 4, 5, 4, 5))
    assert sessions == {1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 1, 7: 1, 8: 0, 9: 0}
    # A lone [1] (an import cell run in a kernel of its own), then [12], [13] right after the
    # session's [11]: the stretch after the gap goes on in that session (fair check 28, Skip_Grams).
    sessions = _kernel_sessions(_counted(*range(1, 12), 1, 12, 13))
    assert sessions == {**{i: 0 for i in range(1, 12)}, 12: 1, 13: 0, 14: 0}


# --- HID001: one finding per root cause (fair check 9) ------------------------------------------


def test_hid001_cell_run_before_a_late_rerun_names_its_own_relation():
    # Cell 2 re-run late ([15]) is one finding, cell 5 related. Cell 5 ([10]) is no second
    # finding "before cell 2 above it": it names what is left, the cell below it that ran before it.
    # (`step` drawn anew at the re-run: `step = base + 1` would rebuild the same 2, and a literal
    # `step = 2` read no other cell's value: no finding either, fair check 38.)
    diags = audit(("base = 1", 1), ("import random\nstep = random.randint(1, 3)", 15), ("scale = 3", 2), ("table = [base, scale]", 3),
                  ("total = step * scale", 10), ("shown = total + 1", 6), ("print(shown, table)", 7))
    # Cell 5's own relation (re-run late after cell 6) has only cells of cell 2's finding: folded
    # into it, named there (fair check 46, item 67).
    assert found(diags, "HID001") == [("HID001", 2, 1)]
    assert messages(diags, "HID001")[0].endswith(
        "; cell 5 (run as [10]) ran out of order against the same cells too: one Restart & Run All fixes them all"
    )
    # Rebuilt from `base`, which nothing wrote again, cell 2 is no finding; cell 5 keeps its own
    # relation, still not "before cell 2 above it" (hid39, hid001-rerun-same-value).
    same = audit(("base = 1", 1), ("step = base + 1", 15), ("scale = 3", 2), ("table = [base, scale]", 3),
                 ("total = step * scale", 10), ("shown = total + 1", 6), ("print(shown, table)", 7))
    assert found(same, "HID001") == [("HID001", 5, 1)]
    assert messages(same, "HID001")[0] == (
        "Cell 5 ran as [10], after cell 6 below it (run as [6]): it was re-run late, and the outputs below were not computed from it"
    )


def test_hid001_stretch_run_bottom_up_is_one_finding():
    diags = audit(("level = 1", 1), ("shown = level + 3", 6), ("level = level * 2", 5), ("lowered = level - 1", 4),
                  ("print(shown, lowered)", 7))
    assert found(diags, "HID001") == [("HID001", 2, 1)]
    assert messages(diags, "HID001")[0] == (
        "Cells 2 and 3 ran as [6], [5] (a stretch run from the bottom up), after cell 4 below them (run as [4]): "
        "the saved outputs are not from a top-to-bottom run"
    )


def test_hid001_import_cell_rerun_late_is_no_partner():
    # Only the import cell ran after cell 2: re-importing binds the same `math`.
    diags = audit(("import math", 9), ("half = math.sqrt(4) / 2", 3), ("twice = 2", 1), ("print(half * twice)", 4))
    assert not [m for m in messages(diags, "HID001") if "cell 1" in m]


def test_hid001_cells_that_seed_before_drawing_swapped_are_no_finding():
    seeded = ("import numpy as np", 1), ("np.random.seed(2)\nnp.random.rand(2)", 3), ("np.random.seed(2)\nnp.random.randn(2)", 2)
    assert found(audit(*seeded), "HID001") == []
    # A cell drawing without a seed reads the state the seeding cell left: kept.
    kept = audit(seeded[0], ("np.random.seed(2)\na = np.random.rand(2)", 3), ("b = np.random.rand(2)", 2), ("print(a, b)", 4))
    assert found(kept, "HID001") == [("HID001", 2, 1)]


# --- fair check 9, family other: messages ---------------------------------------------------------


def test_str001_deliberate_error_demo_is_an_info_note_naming_the_valid_spelling():
    from nbrefactor.audit.rules.structure import SyntaxErrorInCell

    shown = Output("error", "", "SyntaxError")
    result = audit(
        ("import pandas as pd\ndf = pd.DataFrame({'Total Sales': [1]})", 1),
        ("df.Total Sales", 2, (shown,)),
        ("df['Total Sales']", 3),
        rules=[SyntaxErrorInCell],
    )
    (finding,) = [d for d in result if d.code == "STR001"]
    assert finding.severity.value == "info"
    assert "shown on purpose" in finding.message and "cell 3" in finding.message and "migrate" in finding.message
    # Without the valid spelling below, a plain syntax error.
    plain = audit(("df.Total Sales", 2, (shown,)), ("print(1)", 3), rules=[SyntaxErrorInCell])
    assert [d.message for d in plain if d.code == "STR001"] == ["Syntax error: invalid syntax"]


def test_str001_string_demo_named_by_the_markdown_below_is_a_deliberate_error():
    # Fair check 40, item 154: the mixed quotes fail, the Markdown below names the syntax error, the
    # next code cell writes the string validly (its words differ past the first two).
    from nbrefactor.audit.rules.structure import SyntaxErrorInCell

    shown = Output("error", "", "SyntaxError")
    cells = (("'mot'", 1), ("# Mais attention !\n'l'apostrophe, quelle catastrophe'", 2, (shown,)),
             ("md", "Erreur de syntaxe : la seconde apostrophe est comprise comme la fin du *string*."),
             ("\"l'apostrophe, aucun problème\"", 3))
    (finding,) = [d for d in audit(*cells, rules=[SyntaxErrorInCell]) if d.code == "STR001"]
    assert finding.severity.value == "info" and "shown on purpose" in finding.message and "cell 4" in finding.message
    # Without the Markdown naming it, a plain syntax error.
    plain = audit(cells[0], cells[1], ("md", "Une autre chaîne :"), cells[3], rules=[SyntaxErrorInCell])
    assert [d.severity.value for d in plain if d.code == "STR001"] == ["error"]


def test_str001_the_cell_above_re_indented_wrongly_is_an_indentation_demo():
    # Fair check 47, item 157: after "Indents are mandatory in Python", cell 114 repeats the end of cell 113 with its
    # inner line dedented: the IndentationError is the lesson, said as an info note.
    from nbrefactor.audit.rules.structure import SyntaxErrorInCell

    right = ("statement1 = True\nstatement2 = True\n\nif statement1:\n    if statement2:\n        print('both True')", None)
    wrong = ("if statement1:\n    if statement2:\n    print('both True')", None)
    (finding,) = [d for d in audit(("md", "__Indents are mandatory in Python__"), right, wrong, rules=[SyntaxErrorInCell])
                  if d.code == "STR001"]
    assert finding.severity.value == "info" and "shown on purpose" in finding.message and "cell 2" in finding.message
    # Other code above (not the same lines), or a cell that is not an indentation error: a plain syntax error.
    other = audit(("x = 1", None), wrong, rules=[SyntaxErrorInCell])
    assert [d.severity.value for d in other if d.code == "STR001"] == ["error"]
    typo = audit(("if a:\n    print(a)", None), ("if a\n    print(a)", None), rules=[SyntaxErrorInCell])
    assert [d.severity.value for d in typo if d.code == "STR001"] == ["error"]


def test_hid003_answer_cell_is_named_as_the_template_blank():
    result = audit(("x = 1", 1), ("# Solution goes here", 2), ("print(Answer(x))", 3))
    (message,) = messages(result, "HID003")
    assert "exercise template" in message and "cell 2, `# Solution goes here`" in message


def test_hid002_names_the_first_executed_cell_with_code_below():
    result = audit(("a = 1", 1), "a = a + 1", ("", 2), ("print(a)", 3))
    (message,) = messages(result, "HID002")
    assert message.startswith("Cell 2 was never run, but cell 4 below it was (as [3])")


def test_hid009_a_drop_by_position_says_it_drops_other_columns_on_a_second_run():
    diags = audit("import pandas as pd\nwine = pd.read_csv('wine.csv')",
                  "wine = wine.drop(wine.columns[[0, 3, 6]], axis=1)", "wine = wine.drop('alcohol', axis=1)")
    assert messages(diags, "HID009") == [
        "This line rebinds `wine` to `wine.drop(…)` of labels picked by position (`wine.columns[…]`), which on a second "
        "run drops other columns or raises IndexError: running the cell twice gives a different `wine` or fails",
        "This line rebinds `wine` to `wine.drop(…)`, which fails on a second run (the column is gone): running the cell "
        "twice gives a different `wine` or fails",
    ]


def test_hid002_a_reader_that_failed_early_is_said_to_read_not_to_have_run_reading():
    diags = audit(("import math", 1), "def verify(x):\n    return math.isfinite(x)", ("print(verify(2.0))", 2))
    assert messages(diags, "HID002") == [
        "Cell 2 was never run, but cell 3 below it was (as [2]); cell 3 below ran and reads `verify` from it"
    ]


# --- fair check 19 (fix19hid) -------------------------------------------------------------------


def test_hid003_platform_builtins_are_one_finding_naming_the_platform():
    diags = audit("prices = get_pricing(['ACME'], fields='close_price')", "acme = symbols('ACME')", "run = get_backtest('5a1b')\nprint(prces)")
    assert found(diags, "HID003") == [("HID003", 1, 1), ("HID003", 3, 2)]
    platform = next(d for d in diags if d.code == "HID003" and d.location.cell == 1)
    assert "Quantopian research environment" in platform.message and "`symbols` (cell 2)" in platform.message
    assert "`get_backtest` (cell 3)" in platform.message
    assert sorted(r.cell for r in platform.related) == [2, 3]
    assert "from quantopian.research import get_pricing, symbols, get_backtest" in platform.fix


def test_hid003_symbols_alone_is_not_taken_for_the_platform():
    # SymPy's `symbols` forgotten: an ordinary undefined name, said as such.
    (message,) = messages(audit("import sympy", "x, y = symbols('x y')\nprint(sympy.expand((x + y) ** 2))"), "HID003")
    assert message == "`symbols` is not defined in any cell"


def test_hid003_platform_builtin_is_not_the_exercise_blank():
    # The template's given code calls `get_pricing`; the answer cell is unrelated to it.
    diags = audit("import pandas as pd", "p = get_pricing('ACME')", "#Your code goes here", "print(p.mean())")
    (message,) = messages(diags, "HID003")
    assert "Quantopian research environment" in message and "reader" not in message


def test_hid003_write_your_answer_here_leaves_only_the_exercise_names():
    diags = audit(
        "import math", "print(stats.describe([1, 2]))", ("md", "## Exercise: Dose model"),
        "## Write your answer here", ("md", "## Using it"), "print(dose_model(0.5), math.e)",
    )
    by_cell = {d.location.cell: d.message for d in diags if d.code == "HID003"}
    assert by_cell[2] == "`stats` is not defined in any cell"
    assert "exercise template leaves it for the reader" in by_cell[6] and "cell 4, `## Write your answer here`" in by_cell[6]


def test_hid003_import_in_class_body_is_said_to_be_invisible_to_methods():
    source = ("class Seq:\n    from collections import OrderedDict\n    def __init__(self, *args):\n"
              "        self.ordered = isinstance(args[0], OrderedDict)")
    (message,) = messages(audit(source), "HID003")
    assert message.startswith("`OrderedDict` (inside a method of `Seq`) is bound only in the class body (line 2)")


def test_hid007_quotes_the_traceback_when_the_saved_value_is_a_placeholder():
    err = Output("error", "NameError    Traceback (most recent call last)\n----> 1 clf.fit(X)\nNameError: name 'clf' is not defined",
                 name="NameError: ignored")
    # (`clf` bound below, never run: a NameError of a name HID003 reports in the cell is HID003's,
    # fair check 43, item 73)
    (message,) = messages(audit(("clf.fit(X)", 1, [err]), ("clf = make_model()", None)), "HID007")
    assert message == "Cell 1 was saved with an error output (NameError: name 'clf' is not defined)"


def test_hid007_names_what_a_wrapper_repeating_its_own_name_wrapped():
    # fair check 32, item 63: joblib's `JoblibMemoryError: JoblibMemoryError`, the worker's
    # traceback below it ending in `MemoryError: `.
    err = Output("error", "JoblibMemoryError\n____\nMultiprocessing exception:\n--> 740 raise exception\n\nMemoryError: \n____",
                 name="JoblibMemoryError: JoblibMemoryError\n____")
    (message,) = messages(audit(("search.fit(X, y)", 1, [err])), "HID007")
    assert message == "Cell 1 was saved with an error output (JoblibMemoryError: MemoryError)"


def test_hid001_names_only_the_cells_that_ran_before_the_cells_above():
    # fair check 32, item 50: cells 5 [64] and 6 [35], run bottom-up, merged into one stretch; only
    # cell 6 ran before the refit of cells 3 and 4 ([42], [45]).
    diags = audit(("import numpy as np\nraw = np.arange(4.0)", 1), ("fit = raw.mean()", 30), ("scaled = raw / raw.std()", 42),
                  ("fit = scaled.mean()", 45), ("shown = fit + 0\nprint(shown)", 64), ("loadings = fit * 2\nprint(loadings)", 35),
                  ("other = raw.sum()", 56), ("print(other)", 66))
    assert messages(diags, "HID001") == ["Cell 6 ran as [35], before cells 3 and 4 above it (run as [42], [45]): "
                                         "the saved outputs are not from a top-to-bottom run"]


def test_hid001_lists_counts_in_turn_with_gaps_instead_of_a_range():
    # fair check 32, item 49: "[85]–[101] in turn" for two cells reads as 17 runs.
    diags = audit(("import numpy as np\nx = np.arange(3)", 1), ("x = x * 2", 10), ("z = x + 1", 11), ("w = z * 2", 12),
                  ("print(w)", 13), ("y = x + 1", 2), ("v = y * 2\nprint(v)", 9), ("print(v.sum())", 14))
    (message,) = messages(diags, "HID001")
    assert message.startswith("Cells 6 and 7 ran as [2], [9] in turn (no other cell's count between them), before cells 2, 3 and 4")


def test_hid007_leaves_the_name_error_of_the_only_cell_that_ran_alone():
    # fair check 30, item 53: an exercise question whose one counted cell, [1], was run alone in a fresh
    # Colab runtime; cell 1 above binds `tf` (never run) and Colab saved `NameError: ignored`. Top to
    # bottom the name is bound: the saved error says nothing about the code.
    err = Output("error", "NameError    Traceback (most recent call last)\n----> 1 tf.reduce_sum(x)\n"
                 "NameError: name 'tf' is not defined", name="NameError: ignored")
    diags = audit("import tensorflow as tf\nx = tf.ones(3)", ("tf.reduce_sum(x)", 1, [err]))
    assert found(diags, "HID007") == []
    # Another cell ran too: the kernel was not a one-cell run, but the name's only binding is the
    # never-run cell above, which HID002 reports naming this cell as its reader: the saved error is
    # that partial run's, left to HID002 (fair check 41, item 55).
    diags = audit("import tensorflow as tf\nx = tf.ones(3)", ("tf.reduce_sum(x)", 1, [err]), ("print(3)", 2))
    assert found(diags, "HID007") == [] and found(diags, "HID002") == [("HID002", 1, 1)]
    # ... and with HID002 switched off, the error stays reported.
    diags = audit("import tensorflow as tf\nx = tf.ones(3)", ("tf.reduce_sum(x)", 1, [err]), ("print(3)", 2),
                  settings=Settings(ignore=("HID002",)))
    assert found(diags, "HID007") == [("HID007", 2, 1)]


def test_hid006_load_of_a_non_python_file_only_shows_it():
    diags = audit(("md", "Here is the C code:"), ("%load ../src/fact.h", 1), ("%load fact.pyx", 2), ("%load plots.py", 3))
    assert found(diags, "HID006") == [("HID006", 4, 1)]


def test_hid002_unrun_exercise_blank_is_left_to_str001():
    diags = audit(("data = [1, 2]", 1), ("md", "### Exercise"), "batch_size =\nprint(batch_size)", ("print(data)", 2))
    assert found(diags, "HID002") == []
    # A blank cell whose name a cell that ran below reads: that cell ran on another version of it.
    diags = audit(("data = [1, 2]", 1), "limit =\nprint(limit)", ("print(data, limit)", 2))
    assert found(diags, "HID002") == [("HID002", 2, 1)]


def test_hid009_extend_of_inference_data_is_not_growing():
    sample = "import pymc as pm\nwith pm.Model() as m:\n    trace = pm.sample(random_seed=1)"
    assert found(audit(sample, "trace.extend(ppc)", rules=[ChangesWhenRunTwice]), "HID009") == []
    assert found(audit(sample, "trace.extend(ppc, join='right')", "summary = pm.summary(trace)", rules=[ChangesWhenRunTwice]), "HID009") == [("HID009", 2, 1)]
    assert found(audit("rows = []", "rows.extend([1])", "total = len(rows)", rules=[ChangesWhenRunTwice]), "HID009") == [("HID009", 2, 1)]


def test_hid006_load_shown_as_the_lesson_is_not_reported_unless_its_names_are_used():
    tour = audit(("md", "Use `%load` to add remote code"), "%load https://example.org/demo.py", "area = 3 * 4")
    assert found(tour, "HID006") == []
    used = audit(("md", "Use `%load` to add remote code"), "%load https://example.org/demo.py", "print(demo_area)")
    assert found(used, "HID006") == [("HID006", 2, 1)]


def test_hid009_scratch_steps_before_a_fresh_binding_are_not_reported():
    scratch = audit(("seq = [1]", 1), ("seq.append('x')", 2), ("seq[-1:]", 3), ("seq = []", 4), rules=[ChangesWhenRunTwice])
    assert found(scratch, "HID009") == []
    # Read by a computation before the fresh binding: the grown value is used.
    used = audit(("seq = [1]", 1), ("seq.append('x')", 2), ("total = len(seq) * 2", 3), ("seq = []", 4), rules=[ChangesWhenRunTwice])
    assert found(used, "HID009") == [("HID009", 2, 1)]


# --- fair check 25 (fix25other) ----------------------------------------------------------------------

def _figure(count: int, source: str):
    return (source, count, (Output("display_data", "<Figure>", mime_types=("image/png", "text/plain")),))


def test_hid002_a_key_only_the_unrun_cell_brings_read_by_a_plot_below_proves_it_ran():
    # Item 66 (DisplayTweets): the rasterizer built with "tweet_density" ran as [7]; the cell
    # applying it to `patch` has no count; the plot [7] of a later session (numbers 2, 3, 5, 6
    # free) reads `patch.layers["tweet_density"]`, which only that cell's run puts there.
    head = (("import matplotlib.pyplot as plt\nfrom toolkit import Rasterizer, load_patch", 1),
            ("patch = load_patch('paris')", 4),
            ("raster = Rasterizer(tweets, 'tweet_density', resolution=250)", 7))
    apply = "patch = raster.execute(patch)"
    plot = "plt.imshow(patch.layers['tweet_density'][:, :, 0])"
    assert found(audit(*head, apply, _figure(7, plot)), "HID002") == []
    # The key is in the loading cell too: `patch` may have had it without the unrun cell.
    loaded = (head[0], ("patch = load_patch('paris', layers=['tweet_density'])", 4), head[2])
    assert found(audit(*loaded, apply, _figure(7, plot)), "HID002") == [("HID002", 4, 1)]
    # The plot saved an error, or nothing: no proof.
    failed = (plot, 7, (Output("error", "KeyError: 'tweet_density'", name="KeyError"),))
    assert found(audit(*head, apply, failed), "HID002") == [("HID002", 4, 1)]
    assert found(audit(*head, apply, (plot, 7)), "HID002") == [("HID002", 4, 1)]


def test_hid002_cleared_notebook_with_one_stray_count_whose_run_read_cells_without_a_count():
    # Item 67: no output anywhere, one count ([9]); the estimator cell read `role` and
    # `HYPERPARAMETERS`, bound by cells without a count, so the counts were cleared: the upload
    # between them is not reported either.
    above = ("import sagemaker\nsession = sagemaker.Session()\nrole = sagemaker.get_execution_role()",
             "inputs = session.upload_data(path='data')", "HYPERPARAMETERS = {'epochs': 5}")
    estimator = "from sagemaker.pytorch import PyTorch\nestimator = PyTorch(role=role, hyperparameters=HYPERPARAMETERS)"
    fit = "estimator.fit({'training': inputs})"
    assert found(audit(*above, (estimator, 9), fit), "HID002") == []
    # [2]: no room for the three cells above, so they did not all run in that session.
    assert found(audit(*above, (estimator, 2), fit), "HID002") == [("HID002", 1, 1)]
    # Outputs kept on the counted cell: not a cleared notebook; only the cells its run read ran.
    shown = (estimator, 9, (Output("stream", "ok\n", name="stdout"),))
    assert found(audit(*above, shown, fit), "HID002") == [("HID002", 2, 1)]


def test_spark_session_objects_of_a_databricks_export_are_builtins(tmp_path):
    # Fair check 36, item 57 (TrySpark), fair check 46, item 73: a Databricks export (`notebookId`
    # in its metadata) reads `sc`, `spark`, `sqlContext` and `dbutils`, which the Databricks runtime
    # predefines; it runs only there, so they are builtins. A name Databricks does not bind stays.
    import json

    from nbrefactor.audit.loader import read_notebook

    raw = {
        "nbformat": 4, "nbformat_minor": 0, "metadata": {"name": "TrySpark", "notebookId": 838508238493620},
        "cells": [
            {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": "lines = sc.textFile('/FileStore/tables/a.txt')"},
            {"cell_type": "code", "execution_count": 2, "metadata": {}, "outputs": [], "source": "df = spark.read.csv('/FileStore/tables/b.csv')"},
            {"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": [], "source": "rows = sqlContext.sql('SELECT 1')"},
            {"cell_type": "code", "execution_count": 4, "metadata": {}, "outputs": [], "source": "dbutils.fs.ls('/FileStore')\ndisplay(df)"},
            {"cell_type": "code", "execution_count": 5, "metadata": {}, "outputs": [], "source": "print(row_total)"},
        ],
    }
    (tmp_path / "TrySpark.ipynb").write_text(json.dumps(raw), encoding="utf-8")
    nb = read_notebook(tmp_path / "TrySpark.ipynb", "TrySpark.ipynb")
    assert nb.databricks_export
    result = audit_notebook(nb, Settings(), ProjectContext(), load_catalog(), rules=HID)
    hid003 = [d for d in result.result.diagnostics if d.code == "HID003"]
    assert [(d.location.cell, d.location.line) for d in hid003] == [(5, 1)]
    assert "`row_total`" in hid003[0].message


def test_depends_on_later_cell_fix_moves_a_cell_that_binds_nothing_not_the_definition():
    # Fair check 36, items 61 and 62: a stray `class_ids` probe above the loop that binds it. The
    # probe binds nothing: moving it below (or deleting it) is the fix, not moving the loop up.
    diagnostics = audit(
        "names = ['gun', 'sword']", "class_ids", "for class_ids in range(2):\n    print(names[class_ids])",
        rules=[DependsOnLaterCell],
    )
    (d,) = diagnostics
    assert (d.location.cell, d.location.line) == (2, 1)
    assert d.fix == "Move this cell below cell 3 (it binds nothing other cells read), or delete it if it is a stray check."
    # Two such cells reading the name (a lesson's cells reading `matrix` defined below), or a reading
    # cell that binds something: the definition moves up.
    (d,) = audit("emi", "print(emi * 2)", "emi = 3.5", rules=[DependsOnLaterCell])
    assert d.fix == "Move cell 3 above cell 1, or define `emi` before this line."
    (d,) = audit("total = emi * 2", "emi = 3.5", rules=[DependsOnLaterCell])
    assert d.fix == "Move cell 2 above cell 1, or define `emi` before this line."


def test_name_defined_below_on_an_undefined_names_line_is_one_finding_with_its_later_reads():
    # Fair check 36, item 60 (Kaggle/Facebook/Untitled): `np` on the line of an undefined `scipy`
    # and again in the next cell, imported only in the cell below: HID003's one finding relates
    # both reads and says to define `np` above; HID004 reports neither.
    diagnostics = audit("half = scipy.pi * np.ones(2)", "grid = np.linspace(-1, 1, 5)", "import numpy as np\nfrom scipy import integrate")
    assert found(diagnostics, "HID004") == []
    (d,) = [d for d in diagnostics if d.code == "HID003"]
    assert "`np`, on the same line, is defined only in cell 3, below (also read in cell 2)" in d.message
    assert d.fix.endswith("Define `np` above it too (only cell 3, below, defines it).")
    assert sorted((loc.cell, loc.line) for loc in d.related) == [(1, 1), (2, 1)]


def test_hid006_star_import_of_a_known_distribution_is_not_maybe_in_the_added_folder():
    # Fair check 39, item 26: `sys.path.append('../../pyutils')`, then `from nltk.stem.porter import *`:
    # nltk is an installed distribution, not a module "maybe" in the added folder; an unknown module
    # (`dx_frame`) still may be.
    known = messages(audit("import sys\nsys.path.append('../../pyutils')", "from nltk.stem.porter import *\ns = PorterStemmer()"), "HID006")
    assert len(known) == 1 and "may be in" not in known[0], known
    local = messages(audit("import sys\nsys.path.append('../dx')", "from dx_frame import *\nf = frame()"), "HID006")
    assert len(local) == 1 and "the module may be in `../dx`" in local[0], local


def test_hid002_an_unrun_hosted_setup_that_enters_the_notebooks_own_folder_is_left_out():
    """Fair check 43, items 48, 49: a generated Colab/Kaggle set-up cell left unrun (its markdown: a
    no-op locally) above cells that ran reading `data/…`: it installs declared packages only where
    `find_spec` finds them missing, and clones the notebook's repository and enters its own folder only
    when `data/` is missing; nothing it binds is read below. Known only from the notebook's path (the
    change names the folders it lies in); the same cell in a notebook elsewhere is still reported."""
    setup = (
        "import os, sys, subprocess, importlib.util\n"
        "REPO = 'https://github.com/someone/course'\n"
        "PROJECT = 'ml/houses'\n"
        "PKGS = ['xgboost']\n"
        "for _pkg in PKGS:\n"
        "    if importlib.util.find_spec(_pkg) is None:\n"
        "        subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', _pkg])\n"
        "if not os.path.isdir('data'):\n"
        "    _clone = REPO.rstrip('/').split('/')[-1]\n"
        "    if not os.path.isdir(_clone):\n"
        "        subprocess.run(['git', 'clone', '-q', REPO + '.git'])\n"
        "    os.chdir(os.path.join(_clone, 'portfolio', PROJECT))"
    )

    def hid002(path: str) -> list:
        cells = (Cell(1, "markdown", "# Houses"), Cell(2, "code", setup),
                 Cell(3, "code", "import pandas as pd\ndf = pd.read_csv('data/houses.csv')", execution_count=1),
                 Cell(4, "code", "print(df.shape)", execution_count=2))
        result = audit_notebook(Notebook(path, cells), Settings(), ProjectContext(), load_catalog(), rules=[UnexecutedCell])
        return found(list(result.result.diagnostics), "HID002")

    assert hid002("course/portfolio/ml/houses/houses.ipynb") == []
    assert hid002("course/portfolio/ml/cars/cars.ipynb") == [("HID002", 2, 1)]


def test_hid007_summarises_a_banner_framed_error_and_relates_its_repeats():
    # fair check 45, item 76: NLTK's LookupError opens its value with a blank line and a row of `*`;
    # the summary read `LookupError: `. The same error, raised below one more frame in the cell
    # further down (which calls the first cell's function through another), is related to it.
    value = "\n" + "*" * 30 + "\n  Resource 'tables' not found.\n  Fetch it first.\n" + "*" * 30 + "\n"

    def err(count: int, source: str, *frames: str) -> Output:
        text = "\n".join((f"Cell In[{count}], line 1\n----> 1 {source}", *frames,
                          "File ~/venv/lib/site-packages/textkit/data.py:70, in find(name)", f"LookupError: {value}"))
        return Output("error", text, name=f"LookupError: {value}".rstrip(": "))

    outer = "File ~/venv/lib/site-packages/textkit/split.py:30, in split_words(text)"
    inner = "File ~/venv/lib/site-packages/textkit/split.py:12, in split_sentences(text)"
    diags = audit(("from textkit import split_sentences, split_words", 1),
                  ("split_sentences(text)", 2, [err(2, "split_sentences(text)", inner)]),
                  ("split_words(text.lower())", 3, [err(3, "split_words(text.lower())", outer, inner)]))
    (message,) = messages(diags, "HID007")
    assert message == "Cell 2 was saved with an error output (LookupError: Resource 'tables' not found.); cell 3 saved the same error"
    assert [r.cell for d in diags if d.code == "HID007" for r in d.related] == [3]


def test_undefined_name_bound_only_in_a_commented_out_line_says_so_and_hid002_lists_each_cell_once():
    # Fair check 46, items 70 and 71: `y_pred_lof` is bound only by a commented-out line of the
    # cell above (a slow fit skipped); the look-alike `y_pred_if`, bound below, is no fix. The
    # never-run cells below it list each blocked cell once, and not the reported cell itself.
    diags = audit(
        ("from sklearn.neighbors import LocalOutlierFactor\nlof = LocalOutlierFactor(novelty=True)", 1),
        ("#lof.fit(X)\n#y_pred_lof = lof.predict(X)", 2),
        ("y_pred_lof[y_pred_lof == -1] = 1", 3, [Output("error", "", name="NameError: name 'y_pred_lof' is not defined")]),
        ("n_errors = (y_pred_lof != 0).sum()", None),
        ("rate = n_errors / 2\nscore = y_pred_lof.mean()", None),
        ("y_pred_if = [0, 1]\nprint(y_pred_if)", 4),
    )
    by_code = {d.code + str(d.location.cell): d for d in diags}
    assert "its binding is commented out in cell 2 (`#y_pred_lof = lof.predict(X)`)" in by_code["HID0033"].message
    assert "did you mean" not in by_code["HID0033"].message
    hid002 = by_code["HID0024"]
    assert "did you mean" not in hid002.message
    assert [(r.cell, r.line) for r in hid002.related] == [(5, 2)]


def test_hid004_read_only_for_attributes_beside_a_renamed_receiver_suggests_it():
    # Fair check 46, item 74: `total_examples=model.corpus_count` on the line that trains
    # `embeddings_model`, `model` bound only by an unrelated classifier below: a rename leftover.
    diags = audit(
        ("from gensim.models import Doc2Vec\ndocs = []", 1),
        ("embeddings_model = Doc2Vec(vector_size=50)\nembeddings_model.build_vocab(docs)\n"
         "embeddings_model.train(docs, total_examples=model.corpus_count, epochs=model.epochs)", 2),
        ("from sklearn.neural_network import MLPClassifier\nmodel = MLPClassifier()", 3),
    )
    (d,) = [d for d in diags if d.code == "HID004"]
    assert d.message.endswith("; this line calls a method of `embeddings_model` and reads `model` only for its attributes: "
                              "a leftover of renaming it to `embeddings_model`?")
    assert d.fix.startswith("Read `embeddings_model` if this line means it")


def test_hid006_star_import_message_names_the_names_only_it_can_supply():
    # Fair check 47, item 62: `math` read by two cells and bound by none comes from pylab's star
    # import (NumPy's `from numpy import *` exported it before 2.0), or is undefined: the message
    # names it, with the first cell reading it; names read after a later `%run` are that one's.
    diags = audit("import torch", "from pylab import *", "stdv = 1. / math.sqrt(4)", "w = math.pi * stdv",
                  "%run helpers.py", "print(load_rows())", rules=[StateInjection])
    assert messages(diags, "HID006")[0] == (
        "`from pylab import *` binds names nobody can see from the notebook: `math` (cell 3) is read below it and "
        "bound by no cell, so it comes from it or is undefined (this audit cannot tell which)"
    )
    # Two star imports in one cell: the names come from either.
    diags = audit("from utils import *\nfrom lab_utils import *", "plot_network(load_data())", rules=[StateInjection])
    assert "so they come from the cell's star imports or are undefined" in messages(diags, "HID006")[0]


def test_hid006_names_the_local_module_that_defines_the_star_imported_names(tmp_path):
    # Fair check 48, item 61: `ensemble_utils.py` beside the notebook star-imports another module
    # (so what it binds cannot all be listed), but defines the names the notebook reads at top level:
    # the finding says where they come from instead of "this audit cannot tell which".
    from nbrefactor.audit.rule_examples import run_example
    from nbrefactor.audit.rules import Example

    example = Example(
        cells=("from ensemble_utils import *", "evaluate_model([1], [1])\nplot_it()"),
        files={"ensemble_utils.py": "from other_lib import *\n\n\ndef evaluate_model(a, b):\n    return a == b\n\n\n"
                                    "def plot_it():\n    pass\n"},
    )
    (diag,) = run_example(StateInjection, example, tmp_path)
    assert diag.message == (
        "`from ensemble_utils import *` binds names nobody can see from the notebook: `evaluate_model` (cell 2), `plot_it` "
        "(cell 2) are read below it, bound by no cell, and defined at top level in `ensemble_utils.py` beside the notebook "
        "(lines 4, 8), which also star-imports names nobody can list"
    )
    assert diag.fix == "Import the names you use explicitly (`from ensemble_utils import evaluate_model, plot_it`)."
    # A name it does not define may come from its own star import: the audit cannot tell.
    example = Example(
        cells=("from ensemble_utils import *", "evaluate_model([1], [1])\nother()"),
        files={"ensemble_utils.py": "from other_lib import *\n\n\ndef evaluate_model(a, b):\n    return a == b\n"},
    )
    (diag,) = run_example(StateInjection, example, tmp_path / "2")
    assert diag.message.endswith("(this audit cannot tell which)")


def test_hid001_late_cell_shadows_the_value_of_the_cell_below():
    # Fair check 48, item 45: cell 1 downloaded `ff_data` [3] after cell 2 had loaded it from a file
    # [2]; the merge below [4] used the download, while top to bottom it reads cell 2's file.
    diags = audit(("ff_data = download()\nprint(ff_data)", 3), ("ff_data = load_file()", 2),
                  ("merged = ff_data + 1\nprint(merged)", 4), settings=Settings(ignore=("HID003",)))
    assert messages(diags, "HID001") == [
        "Cell 1 ran as [3], after cell 2 below it (run as [2]): cell 3 reads `ff_data` as cell 1 left it, "
        "while top to bottom it reads what cell 2 leaves"
    ]


def test_hid002_count_cleared_cell_read_through_a_function_the_run_cell_calls():
    # Fair check 49, item 61: `load_data` [13] calls `spectrogram`, bound only by a cell without a
    # count, for every file (both branches, no `try` around the call), and its body reads `np`,
    # `pd` of the imports cell: those cells ran, their counts cleared.
    out = (Output("stream", text="Train: 2\n"),)
    loader = (
        "def load_data(files):\n    data = []\n    for f in files:\n        if f.endswith('a'):\n"
        "            data.append(spectrogram(f, True))\n        else:\n            data.append(spectrogram(f, False))\n"
        "    return pd.DataFrame(data)\nX = load_data(FILES)\nprint('Train:', len(X))"
    )
    spec = "def spectrogram(path, augment):\n    try:\n        return np.zeros(3)\n    except Exception as e:\n        return None"
    cells = ("import kagglehub\np = kagglehub.dataset_download('a/b')", "import numpy as np\nimport pandas as pd", "FILES = ['a', 'b']", spec)
    assert found(audit(*cells, (loader, 13, out)), "HID002") == []
    # Read only on one side of an `if`, or under a `try`: the call proves nothing.
    one_side = loader.replace("        else:\n            data.append(spectrogram(f, False))\n", "").replace("pd.DataFrame(data)", "data")
    assert found(audit(*cells, (one_side, 13, out)), "HID002") != []
    guarded = one_side.replace(
        "        if f.endswith('a'):\n            data.append(spectrogram(f, True))\n",
        "        try:\n            data.append(spectrogram(f, True))\n        except NameError:\n            pass\n",
    )
    assert "try:" in guarded and found(audit(*cells, (guarded, 13, out)), "HID002") != []


def test_hid001_header_of_imports_and_paths_rerun_late_when_the_next_cells_read_only_its_imports():
    # Fair check 49, item 57: imports and three literal paths re-run as [5] after the generators
    # cell [4] that read them ([3] free for its first run); the cells run next read only its
    # imports. Its settings read at once by the next cell run stay the edit-then-rerun finding.
    header = "import os\nfrom keras import Generator, Model\ntrain_dir = 'data/Training'\nval_dir = 'data/Validation'"
    gens = ("gen = Generator().flow(train_dir)\nval = Generator().flow(val_dir)", 4, (Output("stream", text="Found 6231 images\n"),))
    model = ("model = Model()", 6)
    fit = ("history = model.fit(gen)", 7)
    assert found(audit(("import numpy as np", 1), (header, 5), gens, model, fit), "HID001") == []
    reads_paths = ("model = Model(train_dir)", 6)
    assert found(audit(("import numpy as np", 1), (header, 5), gens, reads_paths, fit), "HID001") != []


def test_hid004_a_cell_below_that_only_updates_the_name_is_no_definition_to_move():
    # Fair check 49, item 66: cell 3 only does `total += r` (it reads the value too); cell 4 binds
    # `total = 0`: the fix names cell 4, not cell 3.
    diags = audit("import random", "for _ in range(3):\n    total += random.random()", "for _ in range(3):\n    total += 1",
                  "total = 0\nfor _ in range(3):\n    total += 1")
    hid004 = [d for d in diags if d.code == "HID004" and d.location.cell == 2]
    assert [d.message for d in hid004] == ["`total` is defined only in cell 4, below this one (cell 3 only updates it, `total += …`)"]
    assert hid004[0].fix.startswith("Define `total` before this line (its start value, as cell 4 binds it)")


def test_hid001_names_the_cell_that_left_a_global_and_the_function_rebound_below():
    # Fair check 49, item 59: cell 4 redefines `replay` without the `global epsilon` decay and
    # calls its own version (it binds no `epsilon`, though it ran last); cell 3's `decay()` left `epsilon`.
    diags = audit(
        ("epsilon = 1.0\ndef replay():\n    global epsilon\n    epsilon *= 0.9", 1),
        ("print(epsilon)\nfor _ in range(3):\n    replay()", 10, (Output("stream", text="0.5\n"),)),
        ("def decay():\n    global epsilon\n    epsilon = 0.5\ndecay()", 2),
        ("def replay():\n    return 0\nfor _ in range(3):\n    replay()", 3),
    )
    hid001 = [m for m in messages(diags, "HID001")]
    assert len(hid001) == 1 and "read `epsilon`, `replay` as cells 3 and 4 below left them" in hid001[0], hid001


def test_hid003_no_did_you_mean_of_a_class_differing_only_by_case_for_an_indexed_read():
    # Fair check 49, item 63: `contours[0][0]`, `Contours` the imported class: not the value meant.
    diags = audit(("from feature_extraction import Contours", 1), ("n = Contours(8).number()", 2), ("c = contours[0][0]", 3))
    (message,) = messages(diags, "HID003")
    assert "did you mean" not in message and "`Contours` (cell 1) differs only by case but is an imported name" in message
    # Another look-alike (`dataloaders`, fair check 43) is still named.
    (message,) = messages(audit(("from torch.utils.data import DataLoader", 1), ("dataloaders = {'train': [1]}", 2),
                                ("x = dataloader['train']", 3)), "HID003")
    assert "did you mean `dataloaders` (cell 2)?" in message
    # Not indexed (`contours(…)`, `contours.x`): the look-alike stays.
    assert "did you mean `Contours`" in messages(audit(("from feature_extraction import Contours", 1), ("c = contours(3)", 2)), "HID003")[0]


def test_hid003_names_the_self_named_key_of_a_mapping_the_notebook_shows():
    # Fair check 49, item 65: results are bound from a cache by their own key, and the cache's keys
    # (printed) include the missing name: that binding line is missing, not a look-alike.
    keys = (Output("stream", text="dict_keys(['six_replications_analyses', 'six_replications_updated_analyses'])\n"),)
    cells = (("import pickle\ncache = pickle.load(open('c.pkl', 'rb'))\nprint(cache.keys())", 1, keys),
             ("if 'six_replications_updated_analyses' in cache:\n    six_replications_updated_analyses = cache['six_replications_updated_analyses']", 2),
             ("print(six_replications_analyses.color)", 3))
    (message,) = messages(audit(*cells), "HID003")
    assert "the mapping `cache` holds a key 'six_replications_analyses' (cell 1 shows it)" in message and "did you mean" not in message
    (message,) = messages(audit(("import pickle\ncache = pickle.load(open('c.pkl', 'rb'))", 1), *cells[1:]), "HID003")
    assert "did you mean `six_replications_updated_analyses`" in message


def test_hid006_names_what_the_repositorys_own_package_supplies(tmp_path):
    # Fair check 49, item 71: `from projects.metalearning import *` of a package in the repository,
    # whose `__init__.py` star-imports its modules: the names read and bound by no cell are named,
    # with the file that binds each.
    from nbrefactor.audit.rule_examples import run_example
    from nbrefactor.audit.rules import Example

    example = Example(
        cells=("import sys\nsys.path.append('..')\nfrom projects.meta import *", "model = Net(np.ones(3))\nsummary(model)"),
        path="notebooks/nb.ipynb",
        files={"projects/__init__.py": "", "projects/meta/__init__.py": "from . import base\nfrom .base import *\nfrom .nets import *\n",
               "projects/meta/base.py": "import numpy as np\nfrom torchsummary import summary\n",
               "projects/meta/nets.py": "class Net:\n    pass\n", ".git/HEAD": "ref: refs/heads/main\n"},
    )
    (diag,) = run_example(StateInjection, example, tmp_path)
    assert diag.message == (
        "`from projects.meta import *` binds names nobody can see from the notebook: `Net` (from projects/meta/nets.py), "
        "`np` (from projects/meta/base.py), `summary` (from projects/meta/base.py) are read below it, bound by no cell, "
        "and supplied by the repository's own module `projects.meta`"
    ), diag.message
    assert diag.fix == "Import the names you use explicitly (`from projects.meta import Net, np, summary`, or each from the library it re-exports)."


def test_hid009_sees_through_a_value_keeping_conversion_and_a_label_encoding_of_itself():
    # Fair check 49, recall T-2.7: `data = np.array(data) / 255.0` rescales `data` from itself.
    # T-2.8: `labels = lb.fit_transform(labels)` (a label encoder made in the cell) encodes the codes
    # the first run left, so it is no fresh set-up for the `to_categorical` below it.
    scaled = audit("import numpy as np\ndata = [1, 2]", "data = np.array(data) / 255.0", rules=[ChangesWhenRunTwice])
    assert found(scaled, "HID009") == [("HID009", 2, 1)]
    assert "`data = np.array(data) / 255.0`" in messages(scaled, "HID009")[0]
    encoded = ("from sklearn.preprocessing import LabelBinarizer\nfrom keras.utils import to_categorical\n"
               "lb = LabelBinarizer()\nlabels = lb.fit_transform(labels)\nlabels = to_categorical(labels)")
    assert found(audit("labels = ['a', 'b']", encoded, rules=[ChangesWhenRunTwice]), "HID009") == [("HID009", 2, 5)]
    # A scaler's refit of its own output sets the values up afresh: no finding for what follows.
    scaler = ("from sklearn.preprocessing import StandardScaler\nsc = StandardScaler()\nX = sc.fit_transform(X)\nX = X.round(2)")
    assert found(audit("X = [[1.0], [2.0]]", scaler, rules=[ChangesWhenRunTwice]), "HID009") == []


def test_hid002_a_functions_own_locals_are_no_read_of_the_notebooks_names():
    # What a called function surely reads of the notebook: not its parameters or locals (`df`,
    # `scale`), nor names read on one side of an `if` or under a `try` only (fair check 49, item 61).
    import ast

    from nbrefactor.audit.rules.hidden_state import _own_locals, _surely_read

    (function,) = ast.parse(
        "def show(scale, *rest):\n    df = pd.DataFrame(scale)\n    if scale:\n        plot(df)\n    else:\n        plot(df, base)\n"
        "    try:\n        helper(df)\n    except NameError:\n        pass\n    display(df)\n"
    ).body
    assert _surely_read(function.body) - _own_locals(function) == {"pd", "plot", "display"}


def test_hid001_session_steps_count_idempotent_in_place_changes_and_literal_seeds():
    # Fair check 50, item 52: a churn frame's values replaced in place, scaled by a new scaler and
    # resampled by `SMOTE(random_state=42)`: each gives the same values when run again.
    import ast as _ast
    from nbrefactor.audit.rules.hidden_state import _deterministic_estimators, _idempotent_in_place_lines
    resolve = {"MinMaxScaler": "sklearn.preprocessing.MinMaxScaler", "SMOTE": "imblearn.over_sampling.SMOTE"}.get
    tree = _ast.parse(
        "scaler = MinMaxScaler()\ndf[cols] = scaler.fit_transform(df[cols])\n"
        "df['gender'].replace({'Female': 1, 'Male': 0}, inplace=True)\n"
        "df['a'].replace({'x': 'y', 'y': 'z'}, inplace=True)\n"
        "df.fillna(0, inplace=True)\ndf.drop('c', axis=1, inplace=True)\n"
        "sm = SMOTE(random_state=42)\nother = SMOTE()")
    assert _idempotent_in_place_lines(tree, lambda n: resolve(n, n)) == {(2, "df"), (3, "df"), (5, "df")}
    assert _deterministic_estimators(tree, lambda n: resolve(n, n)) == {"scaler", "sm"}


def test_hid009_names_a_later_line_of_the_cell_that_fails_on_the_same_name():
    # Fair check 51, item 90: the index reset of line 1 only adds a column on a second run; what
    # fails is line 2's `.dt.date` on the dates the first run left. The finding stays on line 1.
    diags = audit("import pandas as pd\npagto = pd.read_csv('p.csv', parse_dates=['C']).set_index('k')",
                  "pagto.reset_index(drop=False, inplace=True)\npagto.C = pagto.C.dt.date\npagto.head(3)",
                  "totals = pagto.groupby('C').sum()", rules=[ChangesWhenRunTwice])
    assert found(diags, "HID009") == [("HID009", 2, 1)]
    (message,) = messages(diags, "HID009")
    assert "; line 2 then replaces `pagto.C` by its own `.dt.date` (no longer dates or durations), which has no `.dt` accessor " \
           "on a second run (AttributeError)" in message


def test_hid002_a_copy_of_the_unrun_binding_below_the_reader_leaves_the_reader_one_value():
    # Fair check 51, item 58 (hid002-readers-prove-cell-ran): cell 2 has no count, numbers [2]-[4]
    # are free, cell 3 [5] prints `new_val`; the only other writer is cell 5, no count either, below
    # the reader, binding the same literal: whichever ran, the reader saw the value cell 2 binds.
    lesson = (("import builtins", 1), "new_val = 10", ("def square():\n    v = 5 ** 2\n    print(v)\n\nsquare()\nprint(new_val)", 5),
              ("md", "## global"), "new_val = 10",
              ("def square():\n    global new_val\n    new_val = new_val ** 2\n\nsquare()\nprint(new_val)", 9))
    assert found(audit(*lesson, rules=[UnexecutedCell]), "HID002") == []
    # A copy binding another value: the reader may have read it instead (still reported).
    other = lesson[:4] + ("new_val = 3",) + lesson[5:]
    assert found(audit(*other, rules=[UnexecutedCell]), "HID002") == [("HID002", 2, 1)]


def test_hid001_a_late_import_cell_is_said_to_import_not_to_define():
    # Fair check 51, item 57: a cell that only imports, re-run late, was said to "only define
    # functions or classes"; a cell of definitions keeps that wording.
    imports = audit(("import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})", 1),
                    ("from pmdarima.arima import auto_arima\nimport statsmodels.api as sm\nfrom sklearn.metrics import *", 5),
                    ("model = auto_arima(df.a)\nerr = mean_squared_error(df.a, df.a)", 2), ("fit = sm.OLS(df.a, df.a).fit()", 3))
    (message,) = messages(imports, "HID001")
    assert "re-run late and only imports modules, so the outputs below used an earlier run's imports" in message
    definitions = audit(("import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})", 1),
                        ("def double(s):\n    return s * 2", 5), ("twice = double(df.a)", 2), ("print(twice)", 3))
    (message,) = messages(definitions, "HID001")
    assert "re-run late and only defines functions or classes, so the outputs below called an earlier run's definitions" in message


def test_hid006_a_star_import_whose_saved_run_failed_before_it_supplied_nothing_to_the_cells_that_ran():
    # Fair check 51, item 68: cell 2's saved run raised at line 1 (the upload above failed), so
    # `from utils import *` never ran, and the cells below ran without it, reading `np` (from the
    # keras star import, which ran): only that one is reported.
    err = Output("error", "NameError    Traceback (most recent call last)\n----> 1 open('utils.py','wb').write(src)\n"
                          "NameError: name 'src' is not defined", name="NameError: name 'src' is not defined")
    cells = (("import pandas as pd", 1), ("open('utils.py','wb').write(src)\nfrom utils import *", 2, (err,)),
             ("from keras.initializers import *", 3), ("x = np.ones(3)\ndf = pd.DataFrame(x)", 4))
    assert found(audit(*cells, rules=[StateInjection]), "HID006") == [("HID006", 3, 1)]
    # The same cell saved without an error: the star import ran, and may have supplied `np`.
    ran = cells[:1] + (("open('utils.py','wb').write(src)\nfrom utils import *", 2),) + cells[2:]
    assert found(audit(*ran, rules=[StateInjection]), "HID006") == [("HID006", 2, 2), ("HID006", 3, 1)]


def test_hid007_a_key_error_of_a_column_a_cell_below_dropped_before_the_run_is_the_out_of_order_run():
    # Fair check 51, item 73: cell 3 ran as [5] right after cell 4 [4] below it dropped the column
    # it reads: top to bottom the column is there; HID001's finding on cell 3 is the root cause.
    key = Output("error", "KeyError    Traceback (most recent call last)\n----> 1 parts = df['a'].str.split(',')\nKeyError: 'a'",
                 name="KeyError: 'a'")
    def cells(drop_count: int, strip_count: int):
        return (("import pandas as pd\ndf = pd.DataFrame({'a': ['[1,2]'], 'b': [1]})", 1),
                ("df['a'] = df['a'].str.strip('[]')\ndf", strip_count),
                ("parts = df['a'].str.split(',')\nparts", 5, (key,)),
                ("df = pd.concat([df, df[['b']]], axis=1)\ndf.drop('a', axis=1, inplace=True)\ndf", drop_count))
    assert found(audit(*cells(4, 2)), "HID007") == []
    # The drop ran before the cell above set the column up again: the column was there for cell 3.
    assert found(audit(*cells(2, 3)), "HID007") == [("HID007", 3, 1)]


def test_hid004_a_later_read_whose_definers_below_only_rebind_the_name_from_itself_joins_the_first_finding():
    # Fair check 51, item 66: `image` is loaded nowhere; cells 3, 4 and 5 only rebind it from
    # itself (`image = rgb2gray(image)`), so cell 3's read is the same missing definition as cell
    # 2's: one finding, at cell 2, cell 3's read related.
    diags = audit("from skimage.color import rgb2gray\nimport matplotlib.pyplot as plt",
                  "red = image[:, :, 0]\nplt.imshow(red)",
                  "image = rgb2gray(image)\nplt.imshow(image)",
                  "image = rgb2gray(image)\nedges = image > 0.5",
                  "image += 1\nplt.imshow(image)", rules=[DependsOnLaterCell])
    assert found(diags, "HID004") == [("HID004", 2, 1)]
    (finding,) = [d for d in diags if d.code == "HID004"]
    assert any(r.cell == 3 for r in finding.related)
    # A real definition below the second reader keeps it its own finding.
    diags = audit("from skimage.color import rgb2gray\nimport matplotlib.pyplot as plt",
                  "red = image[:, :, 0]\nplt.imshow(red)",
                  "gray = rgb2gray(image)\nplt.imshow(gray)",
                  "image = plt.imread('a.png')", rules=[DependsOnLaterCell])
    assert found(diags, "HID004") == [("HID004", 2, 1)]
    # ... and the first finding says that no cell defines it.
    diags = audit("from skimage.color import rgb2gray", "red = image[:, :, 0]", "image = rgb2gray(image)", rules=[DependsOnLaterCell])
    (message,) = messages(diags, "HID004")
    assert message.startswith("`image` is bound by no cell but from its own value: cell 3 below this one only rebinds it from itself")
    assert [d.fix for d in diags if d.code == "HID004"] == ["Define `image` (load or compute it) before this line: no cell of the notebook does."]


def test_hid001_seeding_cell_rerun_late_after_cells_that_reseed_or_only_show():
    # Fair check 50, item 49 (W, hid001-self-contained-section): a complete experiment (its own
    # seed, loaders, model, training) re-run late after two experiments that seed again before any
    # call and a cell that only shows one's results: the generator state it leaves reaches no draw.
    setup = ("import torch\nimport engine", 1)
    late = ("torch.manual_seed(42)\nmodel = engine.build()\nres0 = engine.train(model)", 8)
    reseeds = ("torch.manual_seed(42)\nmodel = engine.build()\nres1 = engine.train(model)", 3)
    again = ("torch.manual_seed(42)\nmodel = engine.build()\nres1 = engine.train(model, epochs=5)", 5)
    assert found(audit(setup, late, reseeds, again, ("res1.keys()", 7)), "HID001") == []
    # A cell below that trains without seeding draws from the state the late cell's seed left: kept.
    kept = audit(setup, late, reseeds, again, ("res2 = engine.train(engine.build())", 7))
    assert found(kept, "HID001") == [("HID001", 2, 1)]


def test_hid001_a_module_imported_in_another_session_passes_no_value():
    # Fair check 39, item 23 (N, hid001-sessions-change-no-value): the other session's cells only
    # define functions of `np`, imported by a cell that also seeds numpy: any kernel's import binds
    # the same module.
    first = (("import numpy as np\nnp.random.seed(12)", 1), ("X = np.ones((3, 2))\nprint(X.sum())", 2),
             ("Y = X * 2\nprint(Y)", 3), ("print(Y.mean())", 4))
    other = (("def softmax(x):\n    return np.exp(x) / np.exp(x).sum()", 2), ("def elu(x):\n    return np.where(x > 0, x, x - 1)", 3))
    assert found(audit(*first, *other), "HID001") == []
    # A cell of the other session drawing from numpy's generator: whether the seed ran in its
    # kernel changes its numbers; kept.
    drawn = (("Z = np.random.rand(3)\nprint(Z)", 2), ("def elu(x):\n    return np.where(x > 0, x, x - 1)", 3))
    assert found(audit(*first, *drawn), "HID001") == [("HID001", None, None)]


def test_hid001_a_late_reader_of_one_column_after_cells_assigning_other_columns():
    # Fair check 48, item 47 (N, hid001-display-only-partners): a plot of `crimes["HOUR OCC"]` re-run
    # after cells below assigned the columns "TIME OCC" and "victim_ages": the column it read is
    # the one a top-to-bottom run gives it.
    load = ("import pandas as pd\ncrimes = pd.read_csv('crimes.csv')", 1)
    hour = ("crimes['HOUR'] = crimes['TIME'] // 100", 2)
    late = ("hourly = crimes['HOUR'].value_counts()\nprint(hourly)", 9)
    ages = ("crimes['ages'] = pd.cut(crimes['AGE'], bins=3)\nprint(crimes['ages'].value_counts())", 6)
    other = ("crimes['TIME'] = crimes['TIME'].astype(int)\nnight = crimes[crimes['TIME'] > 2200]", 4)
    assert found(audit(load, hour, late, other, ages), "HID001") == []
    # A cell below assigning the column it read: kept.
    same = ("crimes['HOUR'] = crimes['HOUR'] + 1", 4)
    assert found(audit(load, hour, late, same, ages), "HID001") == [("HID001", 3, 1)]


def test_hid002_a_function_applied_element_wise_by_a_run_cell_proves_what_it_reads_ran():
    # Fair check 50, item 54 (W, hid002-readers-prove-cell-ran): `lemma` is bound only by a cell
    # without a count; the run cell [5] applies a function reading it to every element, saving no
    # error, and number 2 is free (the cell above it, [7], was re-run later): the cell ran, its
    # count cleared.
    top = (("import pandas as pd\nfrom nltk.stem import WordNetLemmatizer", 1), ("df = pd.DataFrame({'a': ['x y']})", 3),
           ("print(len(df))", 7), "lemma = WordNetLemmatizer()",
           ("def lem(text):\n    out = []\n    for w in text.split():\n        out.append(lemma.lemmatize(w))\n    return ' '.join(out)", 4))
    assert found(audit(*top, ("df['a'] = df['a'].apply(lambda x: lem(x))", 5)), "HID002") == []
    # Called on one side of a conditional only: no proof, kept.
    assert found(audit(*top, ("df['a'] = df['a'].apply(lambda x: lem(x) if x else x)", 5)), "HID002") == [("HID002", 4, 1)]


def test_hid001_a_cell_assigning_an_item_is_no_reader_of_one_item_only():
    # Regression (fair check 47, nyc_taxi_predictions cell 159): `best_params['learning_rate'] =
    # 0.25` ran before the cells above it, one of which passed `**best_params` with that item in it.
    cells = (("best_params = {'n_estimators': 100}", 1), ("best_params['max_depth'] = 8", 4),
             ("print(dict(**best_params))", 5), ("best_params['learning_rate'] = 0.25", 3))
    assert found(audit(*cells), "HID001") == [("HID001", 4, 1)]


def test_hid002_a_name_only_the_unrun_cell_holds_shown_by_a_reader_proves_it_ran_though_a_later_copy_holds_it():
    # Fair check 52, item 44 (W, hid002-readers-prove-cell-ran): the CatBoost search cell has no
    # count; the `study.best_params` below it, run as [7], shows `'objective': 'Logloss'`, a name
    # only that cell's code holds but for the cell that copied the result down after ([9], below
    # the reader): the search ran, its count cleared (other searches above bound `study` too).
    head = (("import optuna", 1), ("study = optuna.create_study()\nstudy.optimize(lgbm, n_trials=5)", 2),
            ("study.best_params", 3, (Output("execute_result", "{'num_leaves': 31}"),)))
    search = "study = optuna.create_study()\nstudy.optimize(lambda t: cat(t.suggest_categorical('objective', ['Logloss'])), n_trials=5)"
    shown = ("study.best_params", 7, (Output("execute_result", "{'objective': 'Logloss'}"),))
    copy = ("cb_params = {'objective': 'Logloss'}", 9)
    assert found(audit(*head, search, shown, copy, rules=[UnexecutedCell]), "HID002") == []
    # The copy ran before the reader (a lower count): it, not the search, may be where the name came from.
    early = ("cb_params = {'objective': 'Logloss'}", 5)
    assert found(audit(*head, search, shown, early, rules=[UnexecutedCell]), "HID002") == [("HID002", 4, 1)]
    # Or it has no count (it may have run before the reader).
    assert found(audit(*head, search, shown, copy[0], rules=[UnexecutedCell]), "HID002") == [("HID002", 4, 1)]


def test_hid008_a_del_and_a_read_the_counts_put_after_it_in_a_notebook_of_several_sessions():
    # Fair check 52, items 60-62 (N, hid008-same-value-across-sessions): `del train` ran as [3],
    # `dataframe = train` as [5] without an error, and no cell on the page binds `train` but the
    # read above both: in one session the read would have raised NameError. Counts two cells share
    # ([2]) prove several sessions: the del and the read ran in different ones, and the read got
    # the one value the page gives `train`, the top-to-bottom one.
    cells = (("import pandas as pd", 1), ("train = pd.read_csv('train.csv')", 2), ("dataframe = train", 5),
             ("del train", 3), ("test = pd.read_csv('test.csv')", 2))
    assert found(audit(*cells, rules=[UsedBeforeDefined]), "HID008") == []
    # One session (no count repeated): code no longer on the page rebound `train` between them.
    one = cells[:4] + (("test = pd.read_csv('test.csv')", 6),)
    assert found(audit(*one, rules=[UsedBeforeDefined]), "HID008") == [("HID008", 3, 1)]
    # Another cell binds `train` (never run here): the read may have had its value, not the top-to-bottom one.
    other = cells + ("train = pd.read_csv('other.csv')",)
    assert found(audit(*other, rules=[UsedBeforeDefined]), "HID008") == [("HID008", 3, 1)]
    # The reader saved an error: it did run after the del.
    failed = cells[:2] + (("dataframe = train", 5, (Output("error", "NameError: name 'train' is not defined", name="NameError"),)),) + cells[3:]
    assert found(audit(*failed, rules=[UsedBeforeDefined]), "HID008") == [("HID008", 3, 1)]


def test_hid001_a_late_re_run_of_definitions_no_cell_reads_is_not_reported():
    # Fair check 52, item 37 (W, hid001-late-def-never-called): the `FocalLoss` of cell 3, re-run as
    # [9] after cell 4 [5] redefined it, is read by no cell (every use commented out); its imports
    # bind modules. A star import makes every cell opaque to the value check, yet nothing any cell
    # computed or showed depends on which of the two definitions ran last.
    head = (("import torch\nfrom fastai.vision import *", 1), ("data = ImageList.from_folder('x')", 2),
            ("import torch.nn as nn\n\nclass FocalLoss(nn.Module):\n    pass", 9),
            ("class FocalLoss(nn.Module):\n    def __init__(self):\n        super(FocalLoss, self).__init__()\n\n"
             "    def forward(self, x):\n        return x", 5))
    unused = ("learn = cnn_learner(data, 'resnet18')\n# learn.loss_func = FocalLoss()", 6)
    assert found(audit(*head, unused, rules=[OutOfOrderExecution]), "HID001") == []
    # A cell calls it: the outputs below used one run's definition.
    used = ("learn = cnn_learner(data, 'resnet18')\nlearn.loss_func = FocalLoss()", 6)
    assert found(audit(*head, used, rules=[OutOfOrderExecution]), "HID001") == [("HID001", 3, 1)]
    # A cell below binds a name the late cell imports, to another value: the late import shadows it.
    shadow = head[:3] + (("nn = 'a value'\nclass FocalLoss:\n    pass", 5), ("print(nn)", 6))
    assert found(audit(*shadow, rules=[OutOfOrderExecution]), "HID001") == [("HID001", 3, 1)]


def test_hid001_a_section_rebinding_from_a_frame_changed_in_place_the_same_way_in_both_orders():
    # Fair check 52, item 38 (W, hid001-self-contained-section): the RF section (cells 7-8, [10]-[11])
    # ran before the split above it ([20]-[21]) and rebinds `X`, `y` with the same code from `df`,
    # whose history (read, then `dropna(inplace=True)`) is the same in page and count order: cell 5
    # reads the same `X`, `y` whichever binding came last.
    head = (("import pandas as pd\nfrom sklearn.model_selection import train_test_split", 1), ("df = pd.read_csv('d.csv')", 2),
            ("df.dropna(inplace=True)", 3), ("X = df.drop(['target'], axis=1)\ny = df.target", 4),
            ("X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=42)", 20),
            ("print(X_train.shape)", 21, (Output("stream", "(80, 3)\n", name="stdout"),)))
    section = (("X = df.drop(['target'], axis=1)\ny = df.target\nXa, Xb, ya, yb = train_test_split(X, y, random_state=42)", 10),
               ("print(Xa.shape)", 11, (Output("stream", "(80, 3)\n", name="stdout"),)))
    assert found(audit(*head, *section, rules=[OutOfOrderExecution]), "HID001") == []
    # Another column dropped: another `X`.
    other = (("X = df.drop(['target', 'age'], axis=1)\ny = df.target\nXa, Xb, ya, yb = train_test_split(X, y, random_state=42)", 10), section[1])
    assert found(audit(*head, *other, rules=[OutOfOrderExecution]), "HID001") != []
    # `df` changed once more before the section ran ([6]) by a cell below the split: another history.
    changed = head + (("df.fillna(0, inplace=True)", 6),) + section
    assert found(audit(*changed, rules=[OutOfOrderExecution]), "HID001") != []


def test_hid001_a_late_cell_rebinding_a_module_name_names_the_module_and_the_cell_that_fails():
    # Fair check 52, item 42 (R, message): cell 3 rebinds `xgb`, the module cell 1 imports, to the
    # model `xgb.XGBRegressor(…)` builds, re-run late after cell 4 used the module; top to bottom
    # cell 4's `xgb.XGBRegressor` reads the model and fails. The message names both.
    cells = (("import xgboost as xgb\nimport pandas as pd", 5), ("df = pd.read_csv('cars.csv')", 2),
             ("xgb = xgb.XGBRegressor(n_estimators=10)\nxgb.fit(df, df.price)", 6),
             ("xgb = xgb.XGBRegressor(max_depth=3)\nmodels = [xgb]\nprint(len(models))", 3,
              (Output("stream", "1\n", name="stdout"),)))
    (message,) = messages(audit(*cells, rules=[OutOfOrderExecution]), "HID001")
    assert ("; cell 3 rebinds `xgb`, the module cell 1 imports, to what `xgb.XGBRegressor(…)` returns, so top to bottom "
            "cell 4 reads `xgb.XGBRegressor` from that object, not from the module, and fails (AttributeError)") in message
    (finding,) = [d for d in audit(*cells, rules=[OutOfOrderExecution]) if d.code == "HID001"]
    assert finding.fix.startswith("Give the object a name of its own (`xgb_model = xgb.XGBRegressor(…)`, and its uses)")


def test_hid006_names_read_below_two_star_imports_may_come_from_either():
    # Fair check 52, items 53/54 (R, message): names read below cell 3's `from fastai.utils.mem
    # import *` may come from cell 1's `from fastai.vision import *` as well: the later finding says
    # so, and the earlier one counts them as possibly its own.
    diags = audit("from fastai.vision import *", "files = get_image_files('x')",
                  "from fastai.utils.mem import *\nfree = gpu_mem_get_free_no_cache()", "learn = unet_learner(files, models.resnet34)",
                  rules=[StateInjection])
    first, later = messages(diags, "HID006")
    assert first.endswith("; 3 more names read below cell 3's star import (`gpu_mem_get_free_no_cache`, `unet_learner`, "
                          "`models`) may come from it too, or from that one")
    assert "so they come from it, from the star import of cell 1 above it, or are undefined (this audit cannot tell which)" in later


def test_hid003_self_read_in_a_method_without_self_names_the_missing_parameter():
    # Fair check 53, item 47 (R, message): `def get_config():` in a Keras layer reads `self.filters`;
    # the fix is the parameter, not a `self` to define in a cell above.
    diags = audit("class ConvBlock:\n    def __init__(self, filters):\n        self.filters = filters\n"
                  "    def get_config():\n        return {'filters': self.filters}", rules=[UndefinedName])
    (finding,) = [d for d in diags if d.code == "HID003"]
    assert finding.message == ("`self` (inside the method `get_config` of `ConvBlock`) is not defined in any cell: "
                               "the method takes no `self` parameter")
    assert finding.fix == "Add `self` as the first parameter of `get_config` (`def get_config(self)`)."


def test_hid006_reads_the_package_of_the_projects_src_layout(tmp_path):
    # Fair check 53, items 52, 53 (R, message): `from textSummarizer.constants import *` in
    # `research/`, the package in `src/textSummarizer/` beside the `setup.py` that installs it
    # (`package_dir={"": "src"}`): the module is the repository's and readable, so the names it
    # supplies are named, not said to be hidden.
    from nbrefactor.audit.rule_examples import run_example
    from nbrefactor.audit.rules import Example

    example = Example(
        cells=("from textSummarizer.constants import *", "print(CONFIG_FILE_PATH, PARAMS_FILE_PATH)"),
        path="research/nb.ipynb",
        files={"setup.py": "import setuptools\nsetuptools.setup(name='textSummarizer', package_dir={'': 'src'})\n",
               "src/textSummarizer/__init__.py": "",
               "src/textSummarizer/constants/__init__.py": "from pathlib import Path\nCONFIG_FILE_PATH = Path('config/config.yaml')\n"
                                                           "PARAMS_FILE_PATH = Path('params.yaml')\n",
               ".git/HEAD": "ref: refs/heads/main\n"},
    )
    (diag,) = run_example(StateInjection, example, tmp_path)
    assert diag.message == (
        "`from textSummarizer.constants import *` binds names nobody can see from the notebook: `CONFIG_FILE_PATH` (from "
        "textSummarizer/constants/__init__.py), `PARAMS_FILE_PATH` (from textSummarizer/constants/__init__.py) are read below "
        "it, bound by no cell, and supplied by the repository's own module `textSummarizer.constants`"
    ), diag.message


def test_hid004_a_name_only_an_import_below_binds_is_fixed_by_importing_it_above():
    # Fair check 53, item 50 (R, message): `accuracy_score(Y_val, Y_hat)` above the case study's
    # `from sklearn.metrics import accuracy_score`: moving the cell below would score the case
    # study's `Y_hat`; the import belongs above.
    diags = audit(("import numpy as np\nY_val = np.ones(3)\nY_hat = np.ones(3)", 1), ("accuracy_score(Y_val, Y_hat)", 2),
                  ("from sklearn.metrics import accuracy_score\nY_hat = np.zeros(3)\nprint(accuracy_score(Y_val, Y_hat))", 3),
                  rules=[DependsOnLaterCell])
    (finding,) = [d for d in diags if d.code == "HID004"]
    assert finding.fix == "Import `accuracy_score` in a cell above this one (with the notebook's other imports), as cell 3 does."
