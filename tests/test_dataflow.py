"""`dataflow.def_use`: cross-cell name flow, top-down and by execution count.

Every expected provider, cell and flow below is written out by hand from how Jupyter would run the
cells (never computed with the code under test). Cells are numbered from 1 over all cells; a
source starting with "md:" is a markdown cell.
"""

from __future__ import annotations

from typing import Optional

import pytest

from nbrefactor.audit.analysis import analyse_notebook
from nbrefactor.audit.dataflow import DefKind, ExecFlow, Flow, InjectorKind, Mutation, NameFlow, def_use, is_builtin, link_groups
from nbrefactor.audit.types import Cell, Notebook

def flow_of(*cells, extra_builtins=()) -> NameFlow:
    built = []
    for i, spec in enumerate(cells, start=1):
        source, count = (spec, None) if isinstance(spec, str) else spec
        if source.startswith("md:"):
            built.append(Cell(i, "markdown", source[3:]))
        else:
            built.append(Cell(i, "code", source, execution_count=count))
    return def_use(analyse_notebook(Notebook("nb.ipynb", tuple(built))), extra_builtins=extra_builtins)


def read(flow: NameFlow, name: str, cell: int, nth: int = 0):
    found = [r for r in flow.reads if r.name == name and r.cell == cell]
    assert len(found) > nth, f"no read #{nth} of {name} in cell {cell}: {flow.reads}"
    return found[nth]


def provider_at(r) -> Optional[tuple[int, int]]:
    return None if r.provider is None else (r.provider.cell, r.provider.line)


# --- top-down ------------------------------------------------------------------------------------


def test_read_resolves_to_the_nearest_definition_above_and_markdown_counts_in_numbering():
    flow = flow_of("x = 1", "md:# notes", "x = 2\ny = 0", "print(x, y)")
    r = read(flow, "x", 4)
    assert (r.flow, provider_at(r), r.line, r.column) == (Flow.ABOVE, (3, 1), 1, 7)
    assert provider_at(read(flow, "y", 4)) == (3, 2)
    assert flow.definers("x") == (1, 3)


def test_read_defined_only_below_names_the_first_later_cell():
    flow = flow_of("preds = model.predict(X)", "X = [[1]]", "model = make()", "model = make()")
    r = read(flow, "model", 1)
    assert (r.flow, provider_at(r)) == (Flow.BELOW, (3, 1))
    assert read(flow, "X", 1).flow is Flow.BELOW
    assert read(flow, "make", 3).flow is Flow.UNDEFINED


@pytest.mark.parametrize("name", ["display", "get_ipython", "In", "Out", "_", "__", "_3", "_i3", "_exit_code", "print", "len"])
def test_python_and_ipython_builtins(name):
    assert is_builtin(name)
    assert read(flow_of(f"{name}"), name, 1).flow is Flow.BUILTIN


def test_not_builtins():
    assert not is_builtin("spark")
    assert not is_builtin("__file__")
    assert is_builtin("spark", frozenset({"spark"}))
    assert read(flow_of("spark.sql('x')", extra_builtins=["spark"]), "spark", 1).flow is Flow.BUILTIN


def test_builtin_shadowed_above_resolves_to_the_notebook_definition_and_below_does_not_matter():
    flow = flow_of("len = 3", "print(len)")
    assert (read(flow, "len", 2).flow, provider_at(read(flow, "len", 2))) == (Flow.ABOVE, (1, 1))
    flow = flow_of("print(len([1]))", "len = 3")
    assert read(flow, "len", 1).flow is Flow.BUILTIN


def test_shell_assignment_defines_the_name_as_a_magic():
    flow = flow_of("files = !ls data/", "print(len(files))")
    r = read(flow, "files", 2)
    assert (r.flow, provider_at(r), r.provider.kind) == (Flow.ABOVE, (1, 1), DefKind.MAGIC)


def test_variable_named_like_an_automagic_is_an_ordinary_binding():
    flow = flow_of("system = 'linux'", "print(system)")
    r = read(flow, "system", 2)
    assert (r.flow, provider_at(r), r.provider.kind) == (Flow.ABOVE, (1, 1), DefKind.ASSIGN)


def test_time_cell_magic_body_definitions_are_visible():
    flow = flow_of("%%time\nmodel = 1\nscore = model + 1", "print(score)")
    assert provider_at(read(flow, "score", 2)) == (1, 3)


def test_rpy2_output_options_bind_their_variables():
    # rpy2's `%R -o out` pushes `out` into the user namespace, also from inside a function;
    # `%%R -o a,b` and `--output=c` hand names back; `%Rpull d` pulls one (fair check 20).
    flow = flow_of(
        "%load_ext rpy2.ipython",
        "def soup(x):\n    %R -i x -o out out <- x * 2\n    return out",
        "%%R -o fitted,resid --output=coefs\nfit <- lm(y ~ x)",
        "%Rpull ranks",
        "print(fitted, resid, coefs, ranks)",
    )
    deferred = read(flow, "out", 2)
    assert (deferred.flow, provider_at(deferred), deferred.provider.kind) == (Flow.ABOVE, (2, 2), DefKind.MAGIC)
    for name, cell in (("fitted", 3), ("resid", 3), ("coefs", 3), ("ranks", 4)):
        r = read(flow, name, 5)
        assert (r.flow, provider_at(r)[0], r.provider.kind) == (Flow.ABOVE, cell, DefKind.MAGIC), name
    # The input option (`-i x`) binds nothing in Python.
    assert "x" not in {d.name for d in flow.definitions if d.cell == 2 and d.kind is DefKind.MAGIC}


def test_capture_cell_magic_binds_its_variable():
    flow = flow_of("%%capture out --no-stderr\nprint(1)", "out.show()")
    r = read(flow, "out", 2)
    assert (r.flow, provider_at(r), r.provider.kind) == (Flow.ABOVE, (1, 1), DefKind.MAGIC)


def test_loop_variables_are_defined_after_the_loop():
    flow = flow_of("rows = [1, 2]", "for i, row in enumerate(rows):\n    last = row", "print(i, row, last)")
    assert [provider_at(read(flow, n, 3)) for n in ("i", "row", "last")] == [(2, 1), (2, 1), (2, 2)]


def test_comprehension_variables_do_not_leak():
    flow = flow_of("vals = [1]\nsq = [v * v for v in vals]", "print(v)")
    assert read(flow, "v", 2).flow is Flow.UNDEFINED
    assert flow.definers("v") == ()


def test_walrus_class_body_and_import_fallback():
    flow = flow_of(
        "try:\n    import ujson as json\nexcept ImportError:\n    import json",
        "class Cfg:\n    lr = 0.1\n    steps = int(lr * base)",
        "if (n := len(json.dumps({}))) > 1:\n    print(n, Cfg.steps)",
        "base = 10",
    )
    assert [(d.cell, d.line, d.kind) for d in flow.definitions_of("json")] == [(1, 2, DefKind.IMPORT), (1, 4, DefKind.IMPORT)]
    # the nearest (last) definition in the cell above is the provider
    assert provider_at(read(flow, "json", 3)) == (1, 4)
    assert [(d.cell, d.line, d.kind) for d in flow.definitions_of("Cfg")] == [(2, 1, DefKind.CLASS)]
    assert [(d.cell, d.line) for d in flow.definitions_of("n")] == [(3, 1)]
    # a class body runs when its cell runs: `base` is a module-level read, defined only below
    r = read(flow, "base", 2)
    assert (r.deferred, r.flow, provider_at(r)) == (False, Flow.BELOW, (4, 1))
    assert [r.name for r in flow.reads_in(2)] == ["int", "base"]


def test_function_and_import_kinds():
    flow = flow_of("import numpy as np\nfrom os import path as p\ndef f():\n    pass")
    assert [(d.name, d.kind) for d in flow.definitions] == [("np", DefKind.IMPORT), ("p", DefKind.IMPORT), ("f", DefKind.FUNCTION)]


# --- augmented assignment, in-place mutation, same-cell bindings --------------------------------


def test_augmented_assignment_reads_before_it_binds():
    flow = flow_of("total += 5", "total = 0")
    r = read(flow, "total", 1)
    assert (r.flow, provider_at(r)) == (Flow.BELOW, (2, 1))


def test_self_referencing_assignment_is_not_a_later_binding():
    flow = flow_of("x = x + 1")
    assert read(flow, "x", 1).flow is Flow.UNDEFINED


def test_name_bound_further_down_the_same_cell_is_later_in_cell():
    flow = flow_of("try:\n    cache\nexcept NameError:\n    cache = {}", "cache = {}")
    r = read(flow, "cache", 1)
    assert (r.flow, provider_at(r)) == (Flow.LATER_IN_CELL, (1, 4))


def test_item_assignment_reads_the_object_and_makes_the_mutation_its_writer():
    flow = flow_of("import pandas as pd\ndf = pd.DataFrame()", "df['c'] = 1", "df.head()")
    first = read(flow, "df", 2)
    assert (first.flow, provider_at(first), first.writer) == (Flow.ABOVE, (1, 2), first.provider)
    later = read(flow, "df", 3)
    assert provider_at(later) == (1, 2)
    assert later.writer == Mutation("df", 2, 1, 1, None)


def test_mutating_method_and_inplace_keyword_are_writers():
    flow = flow_of("lst = []\nimport pandas as pd\ndf = pd.DataFrame()", "lst.append(1)\ndf.dropna(inplace=True)", "print(lst, df)")
    assert (read(flow, "lst", 3).writer.cell, read(flow, "lst", 3).writer.line) == (2, 1)
    assert (read(flow, "df", 3).writer.cell, read(flow, "df", 3).writer.line) == (2, 2)


# --- del ------------------------------------------------------------------------------------------


def test_read_after_del_in_a_cell_above_is_deleted():
    flow = flow_of("x = 1", "del x", "print(x)")
    r = read(flow, "x", 3)
    assert (r.flow, r.provider, (r.deleted_by.cell, r.deleted_by.line)) == (Flow.DELETED, None, (2, 1))


def test_read_after_del_with_a_redefinition_below_is_below_and_remembers_the_del():
    flow = flow_of("x = 1", "del x", "print(x)", "x = 2")
    r = read(flow, "x", 3)
    assert (r.flow, provider_at(r), r.deleted_by.cell) == (Flow.BELOW, (4, 1), 2)


def test_del_then_redefinition_above_reaches_the_read():
    flow = flow_of("x = 1", "del x\nx = 3", "print(x)")
    r = read(flow, "x", 3)
    assert (r.flow, provider_at(r), r.deleted_by) == (Flow.ABOVE, (2, 2), None)


def test_del_earlier_in_the_same_cell():
    flow = flow_of("x = 1", "del x\nprint(x)")
    r = read(flow, "x", 2)
    assert (r.flow, r.deleted_by.cell, r.deleted_by.line) == (Flow.DELETED, 2, 1)


def test_deferred_reads_ignore_del():
    flow = flow_of("x = 1", "del x", "def f():\n    return x")
    r = read(flow, "x", 3)
    assert (r.deferred, r.flow, provider_at(r)) == (True, Flow.ABOVE, (1, 1))


# --- functions reading notebook globals ------------------------------------------------------------


def test_deferred_read_defined_in_a_later_cell_is_below_but_deferred():
    flow = flow_of("def is_big(v):\n    return v > threshold", "sizes = [1]", "threshold = 3", "is_big(2)")
    r = read(flow, "threshold", 1)
    assert (r.deferred, r.flow, provider_at(r), r.exec_flow) == (True, Flow.BELOW, (3, 1), ExecFlow.DEFERRED)


def test_deferred_read_defined_nowhere_is_undefined():
    r = read(flow_of("def f():\n    return threshhold"), "threshhold", 1)
    assert (r.deferred, r.flow) == (True, Flow.UNDEFINED)


def test_deferred_read_bound_later_in_the_same_cell_is_above():
    r = read(flow_of("def f():\n    return k\nk = 2"), "k", 1)
    assert (r.flow, provider_at(r)) == (Flow.ABOVE, (1, 3))


def test_global_statement_defines_the_name_at_each_module_level_call():
    flow = flow_of("def setup():\n    global cfg\n    cfg = 1", "print(cfg)", "x = 1\nsetup()\nprint(cfg)", "cfg")
    defs = flow.definitions_of("cfg")
    assert [(d.cell, d.line, d.kind, d.via) for d in defs] == [(3, 2, DefKind.GLOBAL, "setup")]
    assert read(flow, "cfg", 2).flow is Flow.BELOW  # called only in cell 3
    assert provider_at(read(flow, "cfg", 3)) == (3, 2)  # earlier in its own cell
    assert provider_at(read(flow, "cfg", 4)) == (3, 2)


def test_global_written_by_a_function_never_called_at_module_level_is_defined_at_the_write():
    flow = flow_of("def reset():\n    global counter\n    counter = 0", "print(counter)")
    assert [(d.cell, d.line, d.kind) for d in flow.definitions_of("counter")] == [(1, 3, DefKind.GLOBAL)]
    assert read(flow, "counter", 2).flow is Flow.ABOVE


# --- injectors ---------------------------------------------------------------------------------


def test_star_import_run_and_bare_store_are_opaque_injectors():
    flow = flow_of("from pylab import *", "%run ./setup.ipynb", "%store -r", "run other.py")
    assert [(i.cell, i.kind, i.opaque) for i in flow.injectors] == [
        (1, InjectorKind.STAR_IMPORT, True),
        (2, InjectorKind.RUN, True),
        (3, InjectorKind.STORE, True),
        (4, InjectorKind.RUN, True),
    ]
    assert flow.may_inject


def test_store_with_names_defines_them_and_is_not_opaque():
    flow = flow_of("%store -r df model", "df.head()")
    assert [(i.kind, i.opaque, i.text) for i in flow.injectors] == [(InjectorKind.STORE, False, "%store -r df model")]
    assert [(d.name, d.kind) for d in flow.definitions] == [("df", DefKind.MAGIC), ("model", DefKind.MAGIC)]
    assert not flow.may_inject
    assert read(flow, "df", 2).flow is Flow.ABOVE


def test_store_without_r_load_exec_and_syntax_errors():
    flow = flow_of("%store model", "%load snippets/x.py", "exec(open('cfg.py').read())", "exec('x = 1')", "print 'py2'")
    assert [(i.cell, i.kind, i.opaque) for i in flow.injectors] == [
        (2, InjectorKind.LOAD, False),
        (3, InjectorKind.EXEC_FILE, True),
        (4, InjectorKind.EXEC, True),
        (5, InjectorKind.UNPARSED, True),
    ]


def test_exec_inside_a_function_is_not_an_injector():
    assert flow_of("def f(code):\n    exec(code)").injectors == ()


def test_exec_of_code_the_cell_spells_out_binds_its_names_where_the_call_ends():
    # fair check 34, items 56 and 57: the command is built in the cell, `clf` read on the next line.
    cell = ("for model_name in ['A', 'B']:\n    cmd = 'clf = ' + model_name + '(random_state=0)'\n"
            "    exec(cmd)\n    clf = clf.fit(X, y)")
    flow = flow_of("X, y = [[1]], [1]", cell, "clf = None")
    assert [(d.cell, d.line, d.column, d.kind) for d in flow.definitions_of("clf")][0] == (2, 3, 14, DefKind.EXEC)
    assert (read(flow, "clf", 2).flow, provider_at(read(flow, "clf", 2))) == (Flow.ABOVE, (2, 3))
    assert [(i.kind, i.opaque) for i in flow.injectors] == [(InjectorKind.EXEC, True)]  # its other names stay unknown
    # A literal, an f-string's known part, `globals()` as the namespace; imports and defs too.
    flow = flow_of("exec('import numpy as np\\ndef f(): pass')\nexec(f'a = {1}; b_{1} = 2', globals())", "print(np, f, a)")
    assert sorted((d.name, d.line) for d in flow.definitions if d.kind is DefKind.EXEC) == [("a", 2), ("f", 1), ("np", 1)]
    assert all(r.flow is Flow.ABOVE for r in flow.reads_in(2) if r.name != "print")


@pytest.mark.parametrize("cell", [
    "exec(cmd)",  # built in another cell: unknown here
    "cmd = 'x = 1'\ncmd = 'y = 1'\nexec(cmd)",  # bound twice
    "exec(cmd)\ncmd = 'x = 1'",  # bound after the call
    "ns = {}\nexec('x = 1', ns)",  # binds in `ns`
    "def f():\n    exec('x = 1')",  # a function's locals()
    "class C:\n    exec('x = 1')",  # the class body's namespace
    "[exec('x = 1') for _ in range(2)]",  # the comprehension's
    "exec('x = (' + str(1))",  # its code does not parse
    "exec('from m import *\\nx = 1')",  # may bind names nobody can list
    "exec('x = {}'.format(1))",  # not read
    "exec(open('x.py').read())",  # a file's text (EXEC_FILE)
    "for part in parts:\n    exec(part)",  # a loop variable
])
def test_exec_whose_bindings_are_not_known_binds_nothing(cell):
    assert [d for d in flow_of(cell).definitions if d.kind is DefKind.EXEC] == []


def test_exec_binds_nothing_in_a_package():
    # A step's function body: exec binds into `locals()`, not the step's names.
    cells = (Cell(1, "code", "exec('x = 1')"), Cell(2, "code", "print(x)"))
    flow = def_use(analyse_notebook(Notebook("nb.ipynb", cells)), package=True)
    assert flow.definitions_of("x") == ()


# --- execution-count order ----------------------------------------------------------------------


def test_exec_provider_is_the_definition_that_ran_last_before_the_reader():
    flow = flow_of(("x = 1", 1), ("x = 2", 5), ("x = 3", 2), ("print(x)", 4))
    r = read(flow, "x", 4)
    assert provider_at(r) == (3, 1)  # top-down: the nearest cell above
    assert (r.exec_flow, r.exec_provider.cell, r.exec_provider.count) == (ExecFlow.DEFINED, 3, 2)


def test_exec_order_unexecuted_reader_and_never_run_definition():
    flow = flow_of("x = 1", ("print(x)", 1), "print(x)")
    assert read(flow, "x", 2).exec_flow is ExecFlow.UNDEFINED
    assert read(flow, "x", 3).exec_flow is ExecFlow.NOT_RUN


def test_exec_order_definition_that_ran_later_does_not_count():
    flow = flow_of(("import pandas as pd", 1), ("df = pd.read_csv('a.csv')", 5), ("df.shape", 3))
    r = read(flow, "df", 3)
    assert (r.flow, r.exec_flow, r.exec_provider) == (Flow.ABOVE, ExecFlow.UNDEFINED, None)
    assert read(flow, "pd", 2).exec_provider.cell == 1


def test_exec_order_del_that_ran_between():
    flow = flow_of(("x = 1", 1), ("del x", 3), "x = 2", ("print(x)", 4))
    r = read(flow, "x", 4)
    assert (r.flow, provider_at(r)) == (Flow.ABOVE, (3, 1))
    assert (r.exec_flow, r.exec_deleted_by.cell) == (ExecFlow.DELETED, 2)


def test_exec_order_global_definition_takes_the_count_of_the_calling_cell():
    flow = flow_of(("def setup():\n    global cfg\n    cfg = 1", 1), ("setup()", 2), ("print(cfg)", 3))
    r = read(flow, "cfg", 3)
    assert (r.exec_flow, r.exec_provider.cell, r.exec_provider.count) == (ExecFlow.DEFINED, 2, 2)


def test_exec_order_builtin():
    r = read(flow_of(("print(1)", 1)), "print", 1)
    assert r.exec_flow is ExecFlow.BUILTIN


# --- groups of cells (the compiler's steps) -----------------------------------------------------


def test_groups_read_from_outside_bind_and_change():
    flow = flow_of(
        "import pandas as pd\nraw = pd.read_csv('a.csv')",  # 1
        "df = raw.dropna()\nunused = 1",  # 2
        "df['f'] = df['a'] * 2",  # 3   mutates df
        "md:## Train",  # 4
        "def fit(d):\n    return d.mean() * scale",  # 5   reads the global `scale` when called
        "model = fit(df)",  # 6
        "scale = 2",  # 7   (too late for the call in cell 6: no group above cell 7 defines it)
        "print(model)",  # 8
    )
    g = flow.groups([[1], [2, 3], [5, 6], [7, 8]])
    assert [x.cells for x in g] == [(1,), (2, 3), (5, 6), (7, 8)]
    # Every read no definition inside the group reaches: builtins and names defined only below
    # included (`link_groups` and the consumer's filter decide which of them are inputs).
    assert [x.reads for x in g] == [(), ("raw",), ("scale", "df"), ("print", "model")]
    assert [x.defines for x in g] == [("pd", "raw"), ("df", "unused"), ("fit", "model"), ("scale",)]
    assert [x.changes for x in g] == [(), ("df",), (), ()]
    assert g[1].writes == frozenset({"df", "unused"})
    # Cut differently, cell 3 reads the df of cell 2 from outside its group.
    assert flow.groups([[2], [3]])[1].reads == ("df",)


def test_group_function_body_sees_the_groups_own_binding():
    flow = flow_of("x = 1", "def f():\n    return x", "x = 2", "y = f()")
    # The group binds x (cell 3), so the function kept in it reads the group's x when called.
    assert flow.groups([[1], [2, 3, 4]])[1].reads == ()
    # A group that never binds x reads it from outside (the x of cell 1 reaches the definition).
    assert [g.reads for g in flow.groups([[1], [2], [3, 4]])] == [(), ("x",), ("f",)]


def test_group_changing_a_value_before_reading_it_still_reads_it_from_outside():
    flow = flow_of("df = {}", "df.clear()", "out = df")
    g = flow.groups([[1], [2, 3]])
    assert (g[1].reads, g[1].defines, g[1].changes) == (("df",), ("out",), ("df",))


def test_group_reads_a_value_only_changed_above_it():
    # Nothing defines `lst` (HID003 reports it); the group that changes it is still its writer.
    g = flow_of("lst.append(1)", "y = lst").groups([[1], [2]])
    assert (g[0].reads, g[0].changes, g[1].reads) == (("lst",), ("lst",), ("lst",))
    assert link_groups([x.reads for x in g], [x.writes for x in g]) == (((), ("lst",)), (frozenset({"lst"}), frozenset()))


def test_link_groups_latest_earlier_writer_returns_the_value():
    inputs, outputs = link_groups([(), ("a", "z"), ("a", "b")], [{"a"}, {"a", "b"}, set()])
    assert inputs == ((), ("a",), ("a", "b"))  # nothing above writes z: not an input
    assert outputs == (frozenset({"a"}), frozenset({"a", "b"}), frozenset())


# --- package=True: the bindings a compiled package makes -------------------------------------


def package_flow(*cells) -> NameFlow:
    built = tuple(Cell(i, "code", source) for i, source in enumerate(cells, start=1))
    return def_use(analyse_notebook(Notebook("nb.ipynb", built)), package=True)


def test_package_run_binds_the_names_read_below_it_that_nothing_defines():
    cells = ("%run helpers.py\nprint(helper_value)", "print(helper_value, other)", "%run more.py", "print(third, other, len)")
    flow = package_flow(*cells)
    # The first %run reaching a name binds it; the second one finds nothing left to bind.
    assert flow.run_bindings() == {1: ("helper_value", "other", "third"), 3: ()}
    r = read(flow, "other", 2)
    assert (r.flow, r.provider.cell, r.provider.kind) == (Flow.ABOVE, 1, DefKind.RUN)
    assert read(flow, "helper_value", 1).flow is Flow.ABOVE  # below the %run line of the same cell
    assert flow_of(*cells).run_bindings() == {1: (), 3: ()}  # the kernel's flow cannot list them
    # A name some cell imports (even inside a function) is not the script's.
    assert package_flow("%run s.py", "def f():\n    import os\n    return os", "print(os, z)").run_bindings() == {1: ("z",)}
    assert read(flow_of(*cells), "other", 2).flow is Flow.UNDEFINED


def test_package_magic_and_global_bindings_are_not_step_values():
    cells = ("%store -r a", "%%capture out\nprint(1)", "%pylab inline", "def s():\n    global g\n    g = 1\ns()", "print(a, out, np, g)")
    for name in ("a", "out", "np", "g"):
        assert read(flow_of(*cells), name, 5).flow is Flow.ABOVE
        assert read(package_flow(*cells), name, 5).flow is Flow.UNDEFINED, name


def test_groups_resolve_in_the_packages_order_not_top_down():
    # Kale runs `pipeline-metrics` cells last: group [1, 3] runs after group [2]. In the package,
    # cell 3 reads the `a` cell 1 bound in its own step, though top-down cell 2's `a` reaches it.
    flow = flow_of("a = 1", "a = 2", "b = a")
    assert read(flow, "a", 3).provider.cell == 2
    assert [g.reads for g in flow.groups([[2], [1, 3]])] == [(), ()]
    # A `skip` cell between a group's cells is not part of it: cell 3 reads cell 1's `x`.
    assert flow_of("x = 1", "x = 2", "y = x").groups([[1, 3]])[0].reads == ()
    # `del` in one step does not reach another step's namespace.
    g = flow_of("x = 1", "del x", "y = x").groups([[1], [2], [3]])
    assert [x.reads for x in g] == [(), (), ("x",)]


def test_reads_are_in_notebook_order_and_counts_are_recorded():
    flow = flow_of(("a = b", 2), "md:x", ("c = a + d", 1))
    assert [(r.name, r.cell, r.count) for r in flow.reads] == [("b", 1, 2), ("a", 3, 1), ("d", 3, 1)]
    assert flow.counts == ((1, 2), (3, 1))


def test_deferred_read_writer_is_the_last_in_place_change_at_or_above():
    flow = flow_of("import pandas as pd\ndf = pd.DataFrame()", "df.dropna(inplace=True)", "def show():\n    return df.head()")
    r = read(flow, "df", 3)
    assert (r.deferred, provider_at(r)) == (True, (1, 2))
    assert r.writer == Mutation("df", 2, 1, 1, None)


def test_many_cells_rebinding_one_name_resolve_each_read_to_its_neighbour():
    cells = [("df = load()", 1)] + [(f"df = df.step{i}()", i + 1) for i in range(1, 1500)]
    flow = flow_of(*cells)
    reads = [r for r in flow.reads if r.name == "df"]
    assert len(reads) == 1499
    assert all(r.provider.cell == r.cell - 1 and r.exec_provider.cell == r.cell - 1 for r in reads)
