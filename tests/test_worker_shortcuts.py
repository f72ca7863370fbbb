"""The workers' per-notebook work made cheaper (docs/benchmarks.md, twenty-fourth round), each
rewrite compared with the computation it replaces: the sibling-folder requirements
(`project._sibling_requirements`) ask the notebook's own pip lines before listing and parsing the
manifests of its folder and their parent; RND's `_draw_library` reads the first library a name
draws from and the conditional draws naming it from one answer per catalogue and name; the secret
placeholders and credential names are derived once per catalogue."""

from __future__ import annotations

import fnmatch
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from nbrefactor.audit import project
from nbrefactor.audit.project import discover_project, with_installed_requirements

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


def _old_sibling_requirements(folder, sources, known):
    """`project._sibling_requirements` as it was before the twenty-fourth round: the manifests of
    the folder and its parent first, the notebook's pip lines after."""
    parent = folder.parent
    if parent == folder or project._manifests_in(folder, None) or project._manifests_in(parent, None):
        return []
    installed = project._notebook_pip_names(sources)
    if not installed:
        return []
    found = []
    try:
        siblings = sorted(entry.path for entry in os.scandir(parent)
                          if entry.is_dir() and not entry.name.startswith(".") and entry.path != str(folder))
    except OSError:
        return []
    shown = {m.path for m in known}
    for sibling in map(Path, siblings):
        try:
            names = os.listdir(sibling)
        except OSError:
            continue
        if not any(n.endswith(".py") for n in names):
            continue
        for name in sorted(fnmatch.filter(names, "requirements*.txt")):
            file = sibling / name
            text = project._file_text(file)
            if text is None:
                continue
            manifest = project.parse_requirements_txt(project._display(file, None), text)
            listed = {r.name for r in manifest.requirements}
            shared = listed & installed
            if shared and 2 * len(shared) >= len(listed) and 2 * len(shared) >= len(installed) and manifest.path not in shown:
                found.append(replace(manifest, sibling=True))
    return found


def _code_sources(path: Path) -> list[str]:
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (ValueError, UnicodeDecodeError, AttributeError):
        return []
    found = []
    for cell in cells if isinstance(cells, list) else []:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else source
            if isinstance(text, str):
                found.append(text)
    return found


# Pip lines the shortcut must not lose: an install that matches a sibling's file, one that does not,
# one whose arguments are built at run time, `%pip`, `python -m pip`, and none.
WRITTEN = (
    ["! pip install -U optuna scikit-learn"],
    ["%pip install optuna", "import optuna"],
    ["!python -m pip install scikit-learn optuna==3.0"],
    ["!pip install xgboost==2.1.1"],
    ["!pip install {packages}"],
    ["import optuna\nprint('pip install optuna')"],
    [],
)


def _example(root: Path, manifest_beside: bool) -> Path:
    example = root / "examples" / "tune"
    (example / "notebooks").mkdir(parents=True)
    (example / "scripts").mkdir()
    (example / "scripts" / "requirements.txt").write_text("optuna\nscikit-learn\n")
    (example / "scripts" / "tune.py").write_text("import optuna\n")
    if manifest_beside:
        (example / "requirements.txt").write_text("optuna\n")
    notebook = example / "notebooks" / "tune.ipynb"
    notebook.write_text("{}")
    return notebook


def test_sibling_requirements_are_the_old_orders_on_every_fixture_notebook_and_written_pip_lines(tmp_path):
    # Each fixture notebook in its own folder, as the audit asks; then every fixture notebook's
    # pip lines and the written ones in the folders of example halves (fair check 16's and two
    # written here, one with a manifest beside the notebooks' folder).
    notebooks = sorted(FIXTURES.rglob("*.ipynb"))
    pairs = [(path.parent, _code_sources(path)) for path in notebooks]
    installing = [cells for _, cells in pairs if any("pip" in text for text in cells)] + list(WRITTEN)
    halves = sorted({path.parent for path in notebooks if "example_halves" in path.parts})
    halves += [_example(tmp_path / "bare", False).parent, _example(tmp_path / "with", True).parent, Path("/")]
    pairs += [(folder, cells) for folder in halves for cells in installing]
    found = 0
    for folder, cells in pairs:
        new = project._sibling_requirements(folder, cells, [])
        assert new == _old_sibling_requirements(folder, cells, []), (folder, cells)
        found += bool(new)
    assert len(pairs) > 1000 and found >= 3  # (the written example's three matching installs at least)


def test_a_notebook_that_installs_nothing_lists_no_folder_for_its_sibling_requirements(tmp_path, monkeypatch):
    notebook = _example(tmp_path, manifest_beside=False)
    listed: list[Path] = []
    real = project._manifests_in
    monkeypatch.setattr(project, "_manifests_in", lambda folder, root: listed.append(folder) or real(folder, root))
    discovered = discover_project(notebook)
    listed.clear()
    assert project._sibling_requirements(notebook.parent, ["import optuna\nx = 1"], []) == []
    assert listed == []
    # An install: both folders are looked at, and the sibling's file is read.
    assert project._sibling_requirements(notebook.parent, ["! pip install optuna scikit-learn"], [])
    assert listed == [notebook.parent, notebook.parent.parent]
    assert with_installed_requirements(discovered, notebook, ["! pip install optuna scikit-learn"]).declared >= {"optuna"}


@pytest.mark.parametrize("text", [
    "!pip install optuna", "%pip install -q optuna", "  ! pip3 install optuna\n", "!python3 -m pip install optuna",
    "x = 1\n!pip install optuna", "!PIP install optuna", "!pip\tinstall optuna", "print(1)",
])
def test_the_pip_line_screen_keeps_every_line_the_pattern_matches(text):
    screened = project._notebook_pip_names([text])
    assert screened == frozenset(
        project._requirement(arg, 0).name
        for m in project._NOTEBOOK_PIP_LINE.finditer(text)
        for arg, _, is_file in project._install_arguments(project._shell_words(m["command"]))
        if not is_file and project._requirement(arg, 0) is not None
    )


def _old_draw_library(catalog, call, qualified):
    """`randomness._draw_library` as it was before the twenty-fourth round: every library asked,
    then every conditional draw, its arguments read before its calls are matched."""
    from nbrefactor.audit.rules.randomness import _arg_text, _has_double_star, _keyword_given, _keyword_value, _matches

    for lib in catalog.libraries:
        if lib.draws_with(qualified):
            if _keyword_given(call, lib.own_seed_keywords) is not None:
                return None
            if lib.own_seed_keywords and _has_double_star(call):
                return None
            return lib.id
    for cond in catalog.conditional_draws:
        if cond.absent:
            # (added with the absent-keyword draws, fair check 30: `tf.get_variable` without an initializer)
            from nbrefactor.audit.rules.randomness import _floating_dtype
            given = call.arg(cond.position, (cond.keyword,))
            if (
                _matches(qualified, cond.calls) and not (given is not None and given.constant != "None")
                and _floating_dtype(call, cond.dtype) and not _has_double_star(call)
                and _keyword_given(call, catalog.library(cond.library).own_seed_keywords) is None
            ):
                return cond.library
            continue
        value = _keyword_value(call, cond.keyword)
        if value is None and cond.position is not None:
            given = call.arg(cond.position)
            value = _arg_text(given) if given is not None and not given.keyword else None
        given = cond.any_value and _keyword_given(call, (cond.keyword,)) is not None
        if _matches(qualified, cond.calls) and (value in cond.values or given):
            library = next(
                (lib for keyword, val, lib in cond.library_by if _keyword_value(call, keyword) == val), cond.library
            )
            own = catalog.library(library).own_seed_keywords
            if _keyword_given(call, own) is None:
                return library
    return None


def _written_draw_calls(catalog):
    """Calls of every name the randomness catalogue spells out (no wildcard), bare, with each
    conditional draw's keyword at each of its values (also positionally, and `None`), with each
    library's own seed keywords, and with `**kwargs`: the shapes `_draw_library` tells apart."""
    from nbrefactor.audit.facts import ArgFact, CallFact

    def call(name, *args):
        return CallFact(name, name.rsplit(".", 1)[-1], name.rpartition(".")[0], tuple(args), 1, 1, 1)

    def keyword(name, value, constant=None):
        return ArgFact(None, name, value, None, constant, None, 1, 1)

    names = {p for lib in catalog.libraries for p in (*lib.draws, *lib.not_draws) if "*" not in p}
    names |= {p for cond in catalog.conditional_draws for p in cond.calls if "*" not in p}
    found = []
    for name in sorted(names):
        found += [call(name), call(name, ArgFact(None, None, None, None, None, "kw", 1, 1, True))]
        for lib in catalog.libraries:
            found += [call(name, keyword(k, "1")) for k in lib.own_seed_keywords]
            found += [call(name, keyword(k, None, "None")) for k in lib.own_seed_keywords]
        for cond in catalog.conditional_draws:
            for value in (*cond.values, "other"):
                found.append(call(name, keyword(cond.keyword, value)))
                if cond.position is not None:
                    found.append(call(name, *[ArgFact(i, None, value, None, None, None, 1, 1) for i in range(cond.position + 1)]))
            found += [call(name, keyword(k, v), keyword(cond.keyword, cond.values[0] if cond.values else "x"))
                      for k, v, _ in cond.library_by]
    return found


def test_the_draw_library_is_the_old_scans_on_fixture_calls_and_every_catalogued_name():
    from nbrefactor.audit.analysis import analyse_notebook
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.loader import read_notebook
    from nbrefactor.audit.rules import randomness
    from nbrefactor.audit.types import Notebook

    catalog = load_catalog().derived("randomness", randomness.RandomnessCatalog.from_catalog)
    calls = _written_draw_calls(catalog)
    for path in sorted(FIXTURES.rglob("*.ipynb")):
        notebook = read_notebook(path)
        if isinstance(notebook, Notebook):
            facts = analyse_notebook(notebook)
            calls += [(call, facts.resolve(call.func)) for ca in facts.cells for call in ca.facts.calls]
    pairs = [c if isinstance(c, tuple) else (c, c.func) for c in calls]
    libraries = set()
    for call, qualified in pairs:
        new = randomness._draw_library(catalog, call, qualified)
        assert new == _old_draw_library(catalog, call, qualified), (call, qualified)
        libraries.add(new)
    # Every library with draws of its own is found (polars draws only through methods), and refused.
    assert {lib.id for lib in catalog.libraries if lib.draws} <= libraries and None in libraries
    assert len(pairs) > 10000


def _old_placeholders(catalog):
    from nbrefactor.audit.secrets import _placeholders

    table = catalog.table("secrets", "placeholders", {}) or {}
    return _placeholders(tuple(table.get("exact", ())), tuple(table.get("contains", ())), tuple(table.get("key_prefixes", ())))


def _old_credential_names(catalog):
    from nbrefactor.audit.secrets import _credential_names

    table = catalog.table("secrets", "credentials", {}) or {}
    return _credential_names(
        str(table.get("names", r"(?:^|_)(?:password|secret|token|api_?key)$")), str(table.get("ignore_names", "")),
        str(table.get("weak_names", "")), str(table.get("weak_ignore_names", "")),
    )


def test_secret_placeholders_and_credential_names_are_the_tables_and_derived_once_per_catalogue(monkeypatch):
    from nbrefactor.audit import secrets
    from nbrefactor.audit.catalog import Catalog, load_catalog, merge

    shipped = load_catalog()
    own = Catalog(merge(dict(shipped.data), {"secrets": {
        "placeholders": {"exact": ["qwertzuiop"], "contains": ["lorem"], "key_prefixes": ["zz-"]},
        "credentials": {"names": "(?:^|_)pin$", "ignore_names": "^pin_code$", "weak_names": "_key$"},
    }}))
    for catalog in (shipped, own, Catalog({})):
        assert secrets.placeholders(catalog) is _old_placeholders(catalog)
        assert secrets.credential_names(catalog) is _old_credential_names(catalog)
    assert secrets.placeholders(own).match("qwertzuiop") and not secrets.placeholders(shipped).match("qwertzuiop")
    assert secrets.credential_names(own).match("my_pin") and not secrets.credential_names(shipped).match("my_pin")
    # Once per catalogue: the tables are read for the first text scanned, not again for the others.
    fresh = Catalog(dict(shipped.data))
    read: list[str] = []
    table = Catalog.table
    monkeypatch.setattr(Catalog, "table", lambda self, file, key, default=None: read.append(key) or table(self, file, key, default))
    first = []
    for number, text in enumerate(("password = 'hunter2Hunter2'", "x = 1", "token: 'abc123def456'", "api_key = 'zq81Kx0pL2'")):
        list(secrets.find_secrets(f"{text}  # {number}", fresh))
        list(secrets.find_credentials(text, fresh))
        assert secrets.is_credential_value(f"Zx{number}q9Lm3Tp", fresh)
        first = first or list(read)
    assert read == first and {"placeholders", "credentials"} <= set(read), read


# --- twenty-fifth round ------------------------------------------------------------------------------

def _old_switches(facts):
    """`randomness._switches` as it was before the twenty-fifth round: the notebook's single-assignment
    index built afresh for every notebook, whether or not a cell binds a switch literal at its top."""
    from nbrefactor.audit.analysis import _index_single_assignments, cell_python_tree
    from nbrefactor.audit.rules.randomness import _switch_value

    found = {}
    tops = {}
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        if tree is not None and "parameters" not in ca.cell.tags:
            tops.update((id(stmt), stmt) for stmt in tree.body)
    for name, statements in _index_single_assignments(facts).items():
        values = {_switch_value(statement) if id(statement) in tops else None for statement in statements}
        if len(values) == 1 and None not in values:
            found[name] = values.pop()[1]
    return found


SWITCH_CELLS = (
    ("load_pretrained = True", "if load_pretrained:\n    x = 1\nelse:\n    x = 2"),
    ("train = 0\nn: int = 1", "if not train:\n    pass"),
    ("flag = None", "for i in range(3):\n    flag = True"),  # bound another way: no switch
    ("a = b = False", "def f():\n    c = True\n    return c"),  # `c` is no top statement
    ("x = 2\ny = 'True'\nz: bool", "q = 1.0"),  # no switch literal at any top
)


def _switch_notebooks():
    import json as _json

    from nbrefactor.audit.loader import parse_notebook, read_notebook
    from nbrefactor.audit.rules import Example
    from nbrefactor.audit.types import Notebook

    for cells in SWITCH_CELLS:
        yield parse_notebook("nb.ipynb", _json.dumps(Example(cells=cells).notebook_json()).encode("utf-8"))
    for path in sorted(FIXTURES.rglob("*.ipynb")):
        nb = read_notebook(path)
        if isinstance(nb, Notebook):  # fixtures include broken files on purpose
            yield nb


def test_rnd_switches_are_the_old_computation_on_every_fixture_notebook_and_written_switches():
    """`_switches` returns before the single-assignment index when no cell's top binds a switch
    literal; its answer is the old one's on all fixture notebooks and on written switches (some
    of which are switches, so the screen is seen to let them through)."""
    from nbrefactor.audit.analysis import analyse_notebook
    from nbrefactor.audit.rules.randomness import _switches

    seen = 0
    for nb in _switch_notebooks():
        facts = analyse_notebook(nb)
        old = _old_switches(facts)
        assert _switches(facts) == old, nb.path
        seen += bool(old)
    assert seen >= 3  # the written switches, at least, are found


def test_the_single_assignment_index_is_kept_for_the_last_notebook_and_equals_a_fresh_one(monkeypatch):
    """RND's switches and the rules' `single_assignments` read one index per notebook: it is built
    once for the notebook, again for another one, and equal to a fresh computation."""
    from nbrefactor.audit import analysis
    from nbrefactor.audit.analysis import analyse_notebook, index_single_assignments

    notebooks = list(_switch_notebooks())[:2]
    first, second = (analyse_notebook(nb) for nb in notebooks)
    built = []
    index = analysis._index_single_assignments
    monkeypatch.setattr(analysis, "_index_single_assignments", lambda f: built.append(f) or index(f))
    answer = index_single_assignments(first)
    assert index_single_assignments(first) is answer
    assert built == [first]
    assert index_single_assignments(second) == index(second)
    assert index_single_assignments(first) == index(first)
    assert built == [first, second, first]
    assert answer == index(first) and set(answer) >= {"load_pretrained"}


def _fixture_functions(limit: int = 600):
    """Function definitions of fixture cells (module level and nested) and of written cells."""
    import ast as _ast

    from fixture_cells import raw_code_sources

    written = (
        "def train(inputs, targets, weights, eta, n):\n    for _ in range(n):\n        weights -= eta * inputs\n    return weights\n",
        "def prep(lam, spec):\n    lam = lam[:-1]\n    loglam = lam\n    return [lam, loglam, spec]\n",
        "def fresh(w):\n    w = [0, 0]\n    w += [1]\n    return w\n",
        "def outer(a):\n    def inner(b):\n        b += 1\n        return b\n    a *= 2\n    return a\n",
    )
    sources = [*written, *(text for text in raw_code_sources() if "def " in text)]
    found = []
    for source in sources:
        try:
            tree = _ast.parse(source)
        except (SyntaxError, ValueError):
            continue  # magics, other languages: not a function the walker reads
        found.extend(n for n in _ast.walk(tree) if isinstance(n, (_ast.FunctionDef, _ast.AsyncFunctionDef)))
        if len(found) >= limit:
            break
    return found


def test_hid009s_argument_steps_are_remembered_per_definition_and_equal_a_fresh_computation(monkeypatch):
    """The walker and `argument_stepping_functions` read one answer per function definition: equal
    to the computation on every function of the fixture cells (and written steps, some of which
    are found), computed once per definition and told apart by identity, not by text."""
    import ast as _ast

    from nbrefactor.audit.rules import rerun

    functions = _fixture_functions()
    assert len(functions) > 100
    computed = []
    compute = rerun._computed_argument_steps
    monkeypatch.setattr(rerun, "_computed_argument_steps", lambda fn: computed.append(fn) or compute(fn))
    rerun._ARGUMENT_STEPS.clear()
    stepping = 0
    for fn in functions[:400]:
        answer = rerun._argument_steps(fn)
        assert answer == compute(fn), _ast.unparse(fn)[:200]
        assert rerun._argument_steps(fn) is answer
        stepping += bool(answer)
    assert computed == functions[:400]
    assert stepping >= 3
    twin = _ast.parse(_ast.unparse(functions[0])).body[0]  # the same text, another definition
    rerun._argument_steps(twin)
    assert computed[-1] is twin
    assert len(rerun._ARGUMENT_STEPS) <= 512


def test_kfp_step_bodies_are_kept_for_the_last_notebook_and_equal_a_fresh_computation(monkeypatch):
    """DEP's container checks and `component_steps` read one answer per notebook: equal to the
    computation on every fixture notebook and on written KFP notebooks (steps found), and computed
    again for another notebook."""
    from nbrefactor.audit import container_code
    from nbrefactor.audit.analysis import analyse_notebook
    from nbrefactor.audit.types import Cell, Notebook

    written = [
        ("from kfp.components import func_to_container_op",
         "def load():\n    open('/mnt/a.csv')\n\ndef local():\n    pass",
         "load_op = func_to_container_op(load, base_image='img')"),
        ("from kfp import dsl", "@dsl.component(base_image='python:3.11')\ndef step():\n    open('/mnt/a.csv')"),
        ("from sklearn.decomposition import PCA", "pca = PCA(n_components=2)"),
    ]
    notebooks = [Notebook("nb.ipynb", tuple(Cell(index=i, cell_type="code", source=s) for i, s in enumerate(cells))) for cells in written]
    notebooks += list(_switch_notebooks())[len(SWITCH_CELLS):][:300]
    computed = []
    compute = container_code._pipeline_step_bodies
    monkeypatch.setattr(container_code, "_pipeline_step_bodies", lambda f: computed.append(f) or compute(f))
    with_steps = 0
    for nb in notebooks:
        facts = analyse_notebook(nb)
        answer = container_code.pipeline_step_bodies(facts)
        assert answer == compute(facts), nb.path
        assert container_code.pipeline_step_bodies(facts) is answer
        assert container_code.component_steps(facts) == container_code.component_steps(facts)
        assert computed[-1] is facts and computed.count(facts) == 1
        with_steps += bool(answer)
    assert with_steps >= 2


def test_hid003s_findings_are_computed_once_per_notebook_and_are_its_computation(monkeypatch):
    """HID003's own run and the rule that defers to its findings (`_missing_imports_group_cells`,
    `_undefined_lines_naming_later`) read one computation per notebook, in either order; HID003
    reports what its computation finds on every fixture notebook (some with findings)."""
    from nbrefactor.audit.analysis import analyse_notebook
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.project import ProjectContext
    from nbrefactor.audit.rules import RuleContext, hidden_state

    catalog = load_catalog()
    computed = []
    compute = hidden_state.UndefinedName._check
    monkeypatch.setattr(hidden_state.UndefinedName, "_check", lambda self, ctx: computed.append(ctx) or compute(self, ctx))
    reported = 0
    notebooks = list(_switch_notebooks())[len(SWITCH_CELLS):][:300]
    for number, nb in enumerate(notebooks):
        facts = analyse_notebook(nb)
        fresh = list(compute(hidden_state.UndefinedName(), RuleContext(facts, catalog, ProjectContext())))
        ctx = RuleContext(facts, catalog, ProjectContext())
        if number % 2:  # the deferring rule first, then HID003 itself
            hidden_state._missing_imports_group_cells(ctx)
            hits = list(hidden_state.UndefinedName().check(ctx))
        else:
            hits = list(hidden_state.UndefinedName().check(ctx))
            hidden_state._undefined_lines_naming_later(ctx)
        assert hits == fresh, nb.path
        assert computed.count(ctx) == 1, nb.path
        reported += bool(hits)
    assert reported >= 10


ESCAPE_CELLS = (
    'import re\npattern = re.compile("\\w+\\s*")',  # invalid in any literal
    'data = b"caf\\u00e9"',  # `\u` is an escape in str, not in bytes
    'name = "\\N{EM DASH}"\nok = "\\x41\\101\\n\\t\\\\"',  # all valid
    'x = 1\nlabel = f"{x}\\d"',
    'path = "a\\\\\\w"',  # a run of backslashes: `\\` then `\w`
    'total = 1 + \\\n    2\nprint("a\\tb")',  # a line continuation, then valid escapes
    'raw = r"\\w"\nwin = "C:\\data\\x.csv"',  # raw and Windows paths: not reported
    "s = 'end\\\\'\nt = 'q\\''",
)


def test_str007s_screen_passes_every_cell_with_an_invalid_escape():
    """STR007 tokenizes only a cell with a backslash followed by no character every literal allows
    after one: every cell of the fixtures (and written ones: bytes, f-strings, runs of backslashes)
    the screen refuses has no invalid escape, and some it passes have one."""
    from nbrefactor.audit.rules.escapes import _MAY_BE_INVALID, _escapes

    sources = list(ESCAPE_CELLS)
    for path in sorted(FIXTURES.rglob("*.ipynb")):
        sources.extend(_code_sources(path))
    refused = passed_with_escape = 0
    for source in sources:
        if "\\" not in source:
            continue
        if _MAY_BE_INVALID.search(source) is None:
            assert list(_escapes(source)) == [], source
            refused += 1
        elif list(_escapes(source)):
            passed_with_escape += 1
    assert refused >= 3 and passed_with_escape >= 5
    for source in (ESCAPE_CELLS[0], ESCAPE_CELLS[1], ESCAPE_CELLS[3], ESCAPE_CELLS[4]):
        assert list(_escapes(source)), source  # the written invalid ones are found, so the screen passed them


def test_the_directory_changes_are_every_call_that_changes_directory_found_once_per_notebook(monkeypatch):
    """PTH004–PTH006 read the notebook's directory changes from one list: it holds exactly the calls
    `_changes_directory` accepts, in cell and call order, on every fixture notebook and on written
    changes (`os.chdir`, an alias, `%cd` through `run_line_magic` and `magic`), found once per notebook."""
    from nbrefactor.audit.analysis import analyse_notebook
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.loader import parse_notebook
    from nbrefactor.audit.project import ProjectContext
    from nbrefactor.audit.rules import Example, RuleContext, paths

    written = (
        ("import os\nos.chdir('data')\nprint(os.getcwd())", "from os import chdir as cd\ncd('..')"),
        ("ip = get_ipython()\nip.run_line_magic('cd', 'work')\nip.magic('%pushd /tmp')\nip.magic('ls')",),
    )
    catalog = load_catalog()
    notebooks = [parse_notebook("nb.ipynb", json.dumps(Example(cells=cells).notebook_json()).encode("utf-8")) for cells in written]
    notebooks += list(_switch_notebooks())[len(SWITCH_CELLS):][:300]
    changing = 0
    for nb in notebooks:
        ctx = RuleContext(analyse_notebook(nb), catalog, ProjectContext())
        old = [(ca, call) for ca in ctx.cells for call in ca.facts.calls if paths.ChangeDirectory._changes_directory(ctx, call)]
        found = paths.directory_changes(ctx)
        assert len(found) == len(old) and all(a is c and b is d for (a, b), (c, d) in zip(found, old)), nb.path
        assert paths.directory_changes(ctx) is found
        changing += len(found)
    assert changing >= 5


def test_the_written_out_look_ups_answer_as_the_functions_they_stand_for(monkeypatch):
    """`nodes_of` reads the class index of a tree already indexed without calling `_by_class`, and
    `cell_python_tree` a kept tree without calling `python_tree`: the same answers on fixture cells,
    and an entry left under a reused id by another tree is never read as this tree's."""
    import ast as _ast

    from nbrefactor.audit import facts as facts_module
    from nbrefactor.audit.analysis import analyse_notebook, cell_python_tree, python_tree

    cells = 0
    for nb in list(_switch_notebooks())[len(SWITCH_CELLS):][:120]:
        for ca in analyse_notebook(nb).cells:
            tree = cell_python_tree(ca)
            if tree is None:
                continue
            assert tree is python_tree(ca.masked.python)
            assert cell_python_tree(ca) is tree
            for kind in (_ast.Call, _ast.Name, _ast.Assign):
                assert facts_module.nodes_of(tree, kind) == tuple(n for n in facts_module.walk_nodes(tree) if isinstance(n, kind))
            cells += 1
    assert cells > 200
    tree = _ast.parse("x = f(1)\ny = g(x)")
    other = _ast.parse("z = 2")
    facts_module._BY_CLASS[id(tree)] = (other, {_ast.Call: ("not this tree's",)})  # as a reused id would leave it
    assert [n.func.id for n in facts_module.nodes_of(tree, _ast.Call)] == ["f", "g"]
    facts_module._BY_CLASS.pop(id(tree), None)


def _old_installed_by_extras(manifests, catalog):
    """`dependencies._installed_by_extras` before the twenty-fifth round: the table normalised for every notebook."""
    from nbrefactor.audit.project import normalise
    from nbrefactor.audit.rules.dependencies import _declared_extras

    table = catalog.table("distributions", "extras", {}) or {}
    known = {normalise(k): {normalise(e): v for e, v in extras.items()}
             for k, extras in table.items() if isinstance(extras, dict)}
    found = set()
    for distribution, extra in _declared_extras(manifests):
        names = known.get(distribution, {}).get(normalise(extra), ())
        found.update(normalise(n) for n in ([names] if isinstance(names, str) else names) if isinstance(n, str))
    return frozenset(found)


def _old_installed_by_metapackages(manifests, catalog):
    """`dependencies._installed_by_metapackages` before the twenty-fifth round."""
    from nbrefactor.audit.project import normalise

    table = catalog.table("distributions", "metapackages", {}) or {}
    known = {normalise(k): v for k, v in table.items() if isinstance(v, list)}
    declared = {r.name for m in manifests for r in m.requirements}
    return frozenset(normalise(n) for name in declared & known.keys() for n in known[name] if isinstance(n, str))


def test_extras_and_metapackages_read_tables_normalised_once_per_catalogue_as_before():
    """DEP's extras and metapackages tables are normalised once per catalogue, not per notebook:
    the names they install are the old computation's for every fixture folder's manifests and for
    written ones (the catalogue's own extras and metapackages, found)."""
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.project import parse_requirements_txt
    from nbrefactor.audit.rules.dependencies import _installed_by_extras, _installed_by_metapackages

    catalog = load_catalog()
    extras = catalog.table("distributions", "extras", {}) or {}
    metapackages = catalog.table("distributions", "metapackages", {}) or {}
    lines = [f"{name}[{','.join(table)}]" for name, table in list(extras.items())[:20] if isinstance(table, dict)]
    lines += [name.upper().replace("-", "_") for name in list(metapackages)[:20]]  # names as people write them
    written = [(parse_requirements_txt("requirements.txt", "\n".join(lines)),), (parse_requirements_txt("requirements.txt", "numpy\n"),), ()]
    folders = sorted({p.parent for p in FIXTURES.rglob("*.ipynb")})
    projects = [discover_project(next(folder.glob("*.ipynb"))).manifests for folder in folders]
    found = 0
    for manifests in [*written, *projects]:
        assert _installed_by_extras(manifests, catalog) == _old_installed_by_extras(manifests, catalog)
        assert _installed_by_metapackages(manifests, catalog) == _old_installed_by_metapackages(manifests, catalog)
        found += len(_installed_by_extras(manifests, catalog)) + len(_installed_by_metapackages(manifests, catalog))
    assert found >= 10


# --- twenty-sixth round ------------------------------------------------------------------------------

def test_hid009s_argument_step_screen_answers_as_the_full_reading_on_every_fixture_function():
    """`_computed_argument_steps` reads a function's parameters only when its walk holds a `return`
    and an augmented assignment or a slice: on every function of the fixture cells (and written
    steps, some found) the answer is `_stepped_parameters`', and most functions are screened out."""
    import ast as _ast

    from nbrefactor.audit.rules import rerun

    functions = _fixture_functions(limit=2000)
    assert len(functions) > 100
    stepping = screened = 0
    for fn in functions:
        answer = rerun._computed_argument_steps(fn)
        assert answer == rerun._stepped_parameters(fn), _ast.unparse(fn)[:200]
        stepping += bool(answer)
        kinds = {type(n) for n in _ast.walk(fn)}
        screened += _ast.Return not in kinds or not kinds & {_ast.AugAssign, _ast.Slice}
    assert stepping >= 3
    assert screened > len(functions) / 2


# --- twenty-seventh round ----------------------------------------------------------------------------

from nbrefactor.audit import loader  # noqa: E402


def _full_reading(path: str, raw: bytes):
    """`parse_notebook` as before the twenty-seventh round: every byte decoded and parsed."""
    loader._LAST_JSON.clear()
    saved = loader._lean_json
    loader._lean_json = lambda raw: None
    try:
        return loader.parse_notebook(path, raw)
    finally:
        loader._lean_json = saved


def test_lean_bytes_load_as_the_notebook_on_every_fixture_notebook():
    """The image payloads left out (`loader.lean_bytes`) change nothing the loader returns, read
    from the kept lean JSON (the cache key's way) or on its own (`parse_notebook` without the
    cache); the lean bytes themselves load as the notebook too (they key the cache)."""
    lean_ones = 0
    for path in sorted(FIXTURES.rglob("*.ipynb")):
        raw = path.read_bytes()
        expected = _full_reading(str(path), raw)
        loader._LAST_JSON.clear()
        lean = loader.lean_bytes(raw)
        assert loader.parse_notebook(str(path), raw) == expected, path
        loader._LAST_JSON.clear()
        assert loader.parse_notebook(str(path), raw) == expected, path
        if lean is not raw:
            lean_ones += 1
            assert len(lean) < len(raw)
            assert _full_reading(str(path), lean) == expected, path
    assert lean_ones >= 5  # (the fixtures hold notebooks with saved plots)


_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==" * 2


def _notebook(outputs, nbformat=4, metadata=None, cell_type="code"):
    return {
        "cells": [{"cell_type": cell_type, "metadata": metadata or {}, "source": "plot()", "execution_count": 1,
                   "outputs": outputs}],
        "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
        "nbformat": nbformat,
        "nbformat_minor": 5,
    }


def _image(payload=_PNG, key="image/png", text=None):
    data = {key: payload, "text/plain": "<Figure>"}
    if text is not None:
        data["application/json"] = text
    return {"output_type": "display_data", "data": data, "metadata": {}}


@pytest.mark.parametrize("raw, lean", [
    # left out: a plot, a jpeg, a payload broken into `\n`-separated lines
    (json.dumps(_notebook([_image()]), indent=1), True),
    (json.dumps(_notebook([_image(key="image/jpeg")]), indent=1), True),
    (json.dumps(_notebook([_image(_PNG[:60] + "\n" + _PNG[60:] + "\n")]), indent=1), True),
    (json.dumps(_notebook([_image(_PNG + "\n")]), indent=1), True),
    # read as before: a payload the loader reads (inside an application/json output it dumps),
    (json.dumps(_notebook([_image(text={"image/png": _PNG})]), indent=1), False),
    # in a cell's metadata, in a markdown cell's outputs, in an nbformat 3 notebook,
    (json.dumps(_notebook([], metadata={"image/png": _PNG})), False),
    (json.dumps(_notebook([_image()], cell_type="markdown")), False),
    (json.dumps(_notebook([_image()], nbformat=3)), False),
    # a repeated key (JSON keeps the last), a notebook that writes "\x00" itself,
    ('{"cells": [{"cell_type": "code", "source": "", "outputs": [{"output_type": "display_data", "data": '
     '{"image/png": "' + _PNG + '", "image/png": "' + _PNG + '"}}]}], "metadata": {}, "nbformat": 4}', False),
    (json.dumps(_notebook([_image(), {"output_type": "stream", "name": "stdout", "text": "\x00"}])), False),
    # a payload with another escape, a control character, a byte that is not UTF-8, a quote escaped,
    (json.dumps(_notebook([_image(_PNG + "\t")])), False),
    (json.dumps(_notebook([_image(_PNG + "\\q")])).replace("\\\\q", "\\q"), False),
    (json.dumps(_notebook([_image(_PNG)])).replace(_PNG, _PNG + "\x01"), False),
    (json.dumps(_notebook([_image(_PNG + '", "text/plain": "x')])), False),
    (json.dumps(_notebook([_image(_PNG + "\\n")])), False),  # (a backslash escaped, then `n`)
    (json.dumps(_notebook([_image(_PNG + "\\")])), False),
    (json.dumps(_notebook([_image(_PNG + '\n"')])), False),
    # invalid JSON around a payload, a key whose quote is escaped
    (json.dumps(_notebook([_image()])).replace('"nbformat": 4', '"nbformat": 4,'), False),
    ('{"cells": [{"cell_type": "code", "source": "", "outputs": [{"output_type": "display_data", "data": '
     '{"x\\"image/png": "' + _PNG + '"}}]}], "metadata": {}, "nbformat": 4}', False),
])
def test_lean_bytes_leave_out_only_payloads_the_loader_never_reads(raw, lean):
    data = raw.encode("utf-8")
    if "\x01" in raw or "\\q" in raw:
        data = data.replace(b"\\u0001", b"\x01")
    expected = _full_reading("n.ipynb", data)
    loader._LAST_JSON.clear()
    assert (loader.lean_bytes(data) is not data) is lean
    assert loader.parse_notebook("n.ipynb", data) == expected
    loader._LAST_JSON.clear()
    assert loader.parse_notebook("n.ipynb", data) == expected
    bad = data.replace(b'"nbformat": 4', b'"nbformat": 4,')  # and a broken notebook's error is the same
    assert loader.parse_notebook("n.ipynb", bad) == _full_reading("n.ipynb", bad)
    latin = data.replace(_PNG[:10].encode(), b"\xff" + _PNG[1:10].encode(), 1)  # not UTF-8 inside a payload
    assert loader.parse_notebook("n.ipynb", latin) == _full_reading("n.ipynb", latin)


def test_the_cache_key_is_of_the_lean_bytes_and_changes_with_whatever_the_loader_reads(tmp_path):
    """Two notebooks whose plots differ share a key (they load alike); one whose text output
    differs does not; a notebook not left lean is keyed by its own bytes."""
    from nbrefactor.audit.engine import _keyed_bytes

    def key(notebook, name="a.ipynb"):
        file = tmp_path / name
        file.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
        return _keyed_bytes(file)[1]

    plain = key(_notebook([_image()]))
    assert key(_notebook([_image(_PNG[::-1])])) == plain
    assert key(_notebook([_image(_PNG)]), "b.ipynb") == plain  # (the shown path is keyed by the cache itself)
    text_changed = _notebook([_image()])
    text_changed["cells"][0]["outputs"][0]["data"]["text/plain"] = "<Figure 2>"
    assert key(text_changed) != plain
    read = _notebook([_image(text={"image/png": _PNG})])
    raw = json.dumps(read, indent=1).encode("utf-8")
    assert key(read) == __import__("hashlib").sha256(raw).digest()


def _old_spacy_links(notebook):
    """`distributions.spacy_links` before the twenty-seventh round: the pattern on every cell."""
    import re

    from nbrefactor.audit import distributions

    links = {}
    for cell in notebook.cells:
        for m in distributions._SPACY_LINK.finditer(cell.source):
            words = [w.strip("'\"") for w in m.group(1).split() if not w.startswith("-")]
            if len(words) < 2:
                continue
            package = re.split(r"[\\/]", words[0].rstrip("/\\"))[-1]
            if distributions._SPACY_PACKAGE.match(package) and re.fullmatch(r"[A-Za-z0-9_.-]+", words[1]):
                links.setdefault(words[1], package)
    return links


def test_spacy_links_skip_only_cells_without_spacy_and_answer_as_before_on_every_fixture_notebook():
    from nbrefactor.audit.distributions import _SPACY_LINK, spacy_links
    from nbrefactor.audit.types import Cell, Notebook

    checked = 0
    for path in sorted(FIXTURES.rglob("*.ipynb")):
        notebook = loader.read_notebook(path)
        if isinstance(notebook, Notebook):
            assert spacy_links(notebook) == _old_spacy_links(notebook), path
            for cell in notebook.cells:
                assert "spacy" in cell.source or _SPACY_LINK.search(cell.source) is None
            checked += 1
    assert checked > 500
    written = Notebook("n.ipynb", tuple(Cell(index=i, cell_type="code", source=s) for i, s in enumerate((
        "!python -m spacy link ./models/en_vectors_web_lg-2.0.0/en_vectors_web_lg en_vecs",
        "!python -m spacy link en_core_web_sm en --force",
        "!python -m spacy  link en_core_web_md md",
        "import spacy\nnlp = spacy.load('en_vecs')",
        "# spaCy link: not a command",
    ))))
    assert spacy_links(written) == _old_spacy_links(written) == {
        "en_vecs": "en_vectors_web_lg", "en": "en_core_web_sm", "md": "en_core_web_md"}


# --- twenty-eighth round ----------------------------------------------------------------------------


def _old_plain_base64(payload: bytes) -> bool:
    """`loader._lean`'s test of a payload before the twenty-eighth round: every byte a base64
    letter or a backslash, and as many `\\n` as backslashes."""
    slash = payload.find(b"\\")
    return not payload.translate(None, loader._BASE64) and (
        slash < 0
        or (slash == len(payload) - 2 and payload.endswith(b"n"))
        or payload.count(b"\\") == payload.count(b"\\n")
    )


def _wrapped(text: bytes, width: int, last_newline: bool = True) -> bytes:
    lines = [text[i:i + width] for i in range(0, len(text), width)]
    return b"\\n".join(lines) + (b"\\n" if last_newline else b"")


def _written_payloads() -> list[bytes]:
    import base64

    body = base64.b64encode(bytes(range(256)) * 7)
    wrapped = _wrapped(body, 76)
    cases = [
        body, body + b"\\n", wrapped, _wrapped(body, 76, last_newline=False), _wrapped(body, 64), _wrapped(body, 1),
        _wrapped(body[:152], 76), _wrapped(body[:153], 76), _wrapped(body[:151], 76, last_newline=False),
        b"\\n" + body, b"\\n\\n" + body, wrapped + b"\\n", body[:100] + b"\\n" + body[100:180] + b"\\n" + body[180:],
        wrapped[:-1], wrapped[:-2] + b"\\", wrapped + b"\\", b"\\" + body, body + b"\\\\n", body + b"\\\\",
        wrapped.replace(b"\\n", b"\\t", 1), wrapped.replace(b"\\n", b"\\\\", 1), wrapped[:-2] + b"\\t",
        wrapped[:300] + b"\\n" + wrapped[300:], wrapped[:301] + b"\\\\" + wrapped[301:], wrapped[:79] + b"\\n" + wrapped[79:],
        wrapped.replace(b"\\n", b"n\\", 1), wrapped.replace(b"A", b"\\n", 1), wrapped.replace(b"A", b"\\A", 1),
        wrapped[:200] + b'"' + wrapped[200:], wrapped[:200] + b"\n" + wrapped[200:], wrapped[:200] + "é".encode() + wrapped[200:],
        wrapped[:200] + b"\x00" + wrapped[200:], wrapped.replace(b"\\n", b"\\u000a"), b"\\n" * 40, b"\\" * 80, b"n" * 80,
    ]
    # a byte neither a letter nor a backslash where a wrapped line's backslash would stand
    second = wrapped.find(b"\\n", wrapped.find(b"\\n") + 1)
    cases += [wrapped[:second] + odd + wrapped[second + 1:] for odd in (b'"', b"\x01", b"\n", b"A", b"\xff")]
    return cases + [c.replace(b"\\n", b"\\N") for c in cases] + [c[:n] for c in (wrapped, body + b"\\n") for n in range(60, 240)]


def test_plain_base64_answers_as_the_two_counts_on_every_payload():
    """The stride test of a wrapped payload (`loader._plain_base64`) against the two counts it
    replaces, on every image payload of the fixture notebooks and on written ones: wrapped at
    several widths, with and without a last `\\n`, one line longer or shorter, a second escape
    (`\\t`, `\\\\`, `\\u000a`) or a lone backslash anywhere, a quote, a raw newline, non-ASCII."""
    import re

    payloads = []
    for path in sorted(FIXTURES.rglob("*.ipynb")):
        raw = path.read_bytes()
        payloads += [m.group(2) for m in re.finditer(rb'"image/(png|jpeg)": "((?:[^"\\]|\\.)*)"', raw)]
    assert len(payloads) > 5
    written = _written_payloads()
    assert sum(map(_old_plain_base64, written)) > 20 and sum(not _old_plain_base64(p) for p in written) > 20
    for payload in payloads + written:
        assert loader._plain_base64(payload) == _old_plain_base64(payload), payload[:120]


def test_plain_base64_answers_as_the_two_counts_on_every_short_text():
    """Every text of up to 7 bytes from a letter, `n`, `t`, a backslash and a quote: the stride
    test and the last line's `\\n` set aside are exact, not only on wrapped payloads."""
    from itertools import product

    for size in range(8):
        for letters in product((b"A", b"n", b"t", b"\\", b'"'), repeat=size):
            payload = b"".join(letters)
            assert loader._plain_base64(payload) == _old_plain_base64(payload), payload


def test_lines_are_the_split_source_a_new_list_every_time():
    """`CellAnalysis.lines`, kept after the first split: each call equals `source.split("\\n")` on
    every code cell of the fixture notebooks and returns a list of its own, which a caller may
    change without changing the next answer; a text kept for another cell answers only the same
    text; equality and hashing are the fields'."""
    from nbrefactor.audit.analysis import analyse_cell
    from nbrefactor.audit.types import Cell, Notebook

    checked = 0
    for path in sorted(FIXTURES.rglob("*.ipynb")):
        notebook = loader.read_notebook(path)
        if not isinstance(notebook, Notebook):
            continue
        for cell in notebook.code_cells:
            ca = analyse_cell(cell)
            first = ca.lines
            assert first == cell.source.split("\n")
            first.append("changed")
            first[0] = "changed"
            again = ca.lines
            assert again == cell.source.split("\n") and again is not first
            checked += 1
    assert checked > 2000
    a, b = analyse_cell(Cell(index=0, cell_type="code", source="x = 1\ny = 2")), analyse_cell(Cell(index=0, cell_type="code", source="x = 1\ny = 2"))
    a.lines
    assert a == b and hash(a) == hash(b) and a.lines == b.lines == ["x = 1", "y = 2"]
    assert analyse_cell(Cell(index=0, cell_type="code", source="x = 1\ny = 3")).lines == ["x = 1", "y = 3"]


def test_listed_real_paths_are_resolved_paths_and_the_notebooks_collected_are_the_same(tmp_path, monkeypatch):
    """`engine._listed_real_path` (a listed file's folder resolved once, joined with its name)
    against `resolved_path`, which it replaces for `collect_notebooks`: on every fixture notebook,
    and on a folder holding a symlinked notebook, a dangling link, a link to a folder, a symlink
    loop and a notebook removed after listing, reached through a symlinked folder and a relative
    path; `collect_notebooks` lists and shows the same notebooks either way."""
    from nbrefactor.audit import engine
    from nbrefactor.audit.project import resolved_path
    from nbrefactor.config import Settings

    def check(file, folders):
        real = engine._listed_real_path(file, folders)
        assert real is None or real == resolved_path(file), file
        return real

    folders: dict = {}
    fixture_files = sorted(FIXTURES.rglob("*.ipynb"))
    assert sum(check(f, folders) is not None for f in fixture_files) == len(fixture_files) > 80
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.ipynb").write_text("{}")
    (root / "b.ipynb").write_text("{}")
    (root / "linked.ipynb").symlink_to(root / "sub" / "a.ipynb")
    (root / "dangling.ipynb").symlink_to(root / "nowhere.ipynb")
    (root / "folder.ipynb").symlink_to(root / "sub")
    (root / "loop.ipynb").symlink_to(root / "loop.ipynb")
    (tmp_path / "alias").symlink_to(root)
    monkeypatch.chdir(tmp_path)
    for top in (root, tmp_path / "alias", Path("alias"), Path("root") / ".." / "root"):
        folders = {}
        listed = [Path(t) / n for t, dirs, names in os.walk(top) for n in names + dirs]
        answers = {}
        for file in listed:
            try:
                answers[file.name] = check(file, folders)
            except RuntimeError:  # (the loop: `resolved_path` refuses it; the shortcut did not answer)
                assert engine._listed_real_path(file, {}) is None
        assert answers["a.ipynb"] and answers["b.ipynb"]
        assert answers["linked.ipynb"] is None and answers["dangling.ipynb"] is None and answers["folder.ipynb"] is None
        gone = Path(top) / "b.ipynb"
        folders_before = dict(folders)
        gone.rename(root / "b.moved")
        assert engine._listed_real_path(gone, folders_before) is None
        (root / "b.moved").rename(root / "b.ipynb")
    (root / "loop.ipynb").unlink()
    for top in (str(FIXTURES), str(root), "alias", "root/../root"):
        shortcut = engine.collect_notebooks([top], Settings())
        monkeypatch.setattr(engine, "_listed_real_path", lambda file, folders: None)
        assert engine.collect_notebooks([top], Settings()) == shortcut, top
        monkeypatch.undo()
        monkeypatch.chdir(tmp_path)
