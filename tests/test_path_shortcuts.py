"""The path rules' per-notebook work made cheaper (docs/benchmarks.md, issue 15, twenty-sixth round;
`benchmarks/results/instructions-twentysixth-speed26a.txt`), each rewrite compared with the
computation it replaces on every fixture notebook and on written cells that exercise it: screens
that pass over calls, cells or tables that cannot change an answer (`_response_body_writes`,
`_python_literals`' no-path tables, `_find_produced_paths`, PTH008, `_concatenations`), answers kept
per notebook or per catalogue (`matching_entries`, the implicit folders' entries, the `sys.path`
edits, the wildcard entries of io_calls.toml and of PTH007's fetch catalogue), and GPU001's check
lines found once."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


def _fixture_notebooks():
    from nbrefactor.audit.loader import read_notebook
    from nbrefactor.audit.types import Notebook

    for path in sorted(FIXTURES.rglob("*.ipynb")):
        nb = read_notebook(path)
        if isinstance(nb, Notebook):  # fixtures include broken files on purpose
            yield nb


def _path_contexts(written=()):
    """RuleContexts of written notebooks (cells as given) and of the fixture notebooks."""
    from nbrefactor.audit.analysis import analyse_notebook
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.loader import parse_notebook
    from nbrefactor.audit.project import ProjectContext
    from nbrefactor.audit.rules import Example, RuleContext

    catalog = load_catalog()
    notebooks = [parse_notebook("nb.ipynb", json.dumps(Example(cells=cells).notebook_json()).encode("utf-8")) for cells in written]
    notebooks += list(_fixture_notebooks())
    for nb in notebooks:
        yield nb, RuleContext(analyse_notebook(nb), catalog, ProjectContext())


def _old_response_body_writes(ctx, ca, tree, string_at):
    """`paths._response_body_writes` before the twenty-sixth round: one walk of the cell's whole tree
    for the responses and the files opened for writing, a second for the bodies."""
    import ast as _ast
    import re as _re

    from nbrefactor.audit.facts import dotted_name, walk_nodes
    from nbrefactor.audit.rules import paths

    responses = {}
    opens = []
    for node in walk_nodes(tree):
        if isinstance(node, _ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], _ast.Name) \
                and isinstance(node.value, _ast.Call) and node.value.args \
                and ctx.facts.resolve(dotted_name(node.value.func) or "") in ("requests.get", "requests.api.get"):
            url = string_at(ca, node.value.args[0], node.lineno)
            if url is not None and paths._WEB_URL.match(url[0]):
                responses[node.targets[0].id] = (node.lineno, url)
        elif isinstance(node, _ast.Call) and dotted_name(node.func) == "open" and node.args:
            mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
            if isinstance(mode, _ast.Constant) and isinstance(mode.value, str) and _re.search(r"[wx]", mode.value):
                opens.append((node.lineno, node))
    if not responses or not opens:
        return
    bodies = [
        (node.lineno, node.value.id) for node in walk_nodes(tree)
        if isinstance(node, _ast.Attribute) and node.attr in paths._RESPONSE_BODY and isinstance(node.value, _ast.Name)
        and node.value.id in responses
    ]
    for line, call in opens:
        if paths._hosted_line(ca, line):
            continue
        body = next((name for at, name in bodies if at >= line and responses[name][0] < line), None)
        spelled = string_at(ca, call.args[0], line) if body is not None else None
        path = paths._relative_file(spelled[0]) if spelled is not None else ""
        if path:
            yield paths._PythonFetch((ca.cell.index, line), responses[body][1][1], (path,))


RESPONSE_CELLS = (
    ('import requests\nr = requests.get("https://example.org/a.sdf")\nopen("a.sdf", "w").write(r.text)',),
    ('import requests\nURL = "https://example.org/b.csv"\nr = requests.get(URL)\n'
     'with open("b.csv", "wb") as f:\n    f.write(r.content)\nr = requests.get("https://example.org/c.csv")\n'
     'with open("c.csv", mode="x") as g:\n    print(r.text, file=g)',),
    ('from requests import get\nresp = get("https://example.org/d.json")\nout = "d.json"\n'
     'with open(out, "w") as f:\n    f.write(resp.json())',),
    ('import requests\nr = requests.get("https://example.org/e")\nopen("e.txt", "r").read()',),  # read only
)


def test_response_body_writes_read_the_class_index_as_the_whole_walk_did(monkeypatch):
    """`_response_body_writes` reads the cell's calls, assignments and attributes from its class
    index (the files opened for writing first) instead of walking its whole tree twice: the
    downloads saved by hand are the old computation's on every fixture notebook and on written
    cells (several saves in a cell, a response rebound, a name bound above, an import by name)."""
    from nbrefactor.audit.rules import paths

    found = 0
    for nb, ctx in _path_contexts(RESPONSE_CELLS):
        new = tuple(paths._find_python_fetches(ctx))
        with monkeypatch.context() as m:
            m.setattr(paths, "_response_body_writes", _old_response_body_writes)
            old = tuple(paths._find_python_fetches(ctx))
        assert new == old, nb.path
        found += len(new)
    assert found >= 5


def _old_first_implicit_folder(catalog, qualified):
    """The entry `_implicit_folders` read before the twenty-sixth round: every entry's pattern tried
    against the callee, in catalogue order, the first match taken."""
    entries = [dict(e) for e in catalog.table("io_calls", "implicit_folder", []) or []]
    return next((i for i, entry in enumerate(entries) if fnmatch.fnmatchcase(qualified, str(entry.get("function", "")))), None)


def test_the_implicit_folder_entry_kept_per_callee_is_the_first_whose_pattern_matches():
    """`_implicit_folders` reads, per callee, the first `[[implicit_folder]]` entry whose pattern
    matches from a table kept per catalogue: the old scan's answer for every callee of the fixture
    notebooks, for callees spelled after each shipped pattern, and, in a catalogue whose patterns
    overlap, the first of two matching entries (asked twice: the kept answer too)."""
    from nbrefactor.audit.catalog import Catalog, load_catalog
    from nbrefactor.audit.rules.paths import _first_implicit_folder

    catalog = load_catalog()
    callees = {ctx.facts.resolve(call.func) for _, ctx in _path_contexts() for ca in ctx.cells for call in ca.facts.calls if call.func}
    patterns = [str(dict(e).get("function", "")) for e in catalog.table("io_calls", "implicit_folder", [])]
    callees |= {p.replace("*", "") for p in patterns} | {p.replace("*", ".x.") for p in patterns}
    matched = 0
    for qualified in sorted(callees):
        for _ in range(2):
            assert _first_implicit_folder(catalog, qualified) == _old_first_implicit_folder(catalog, qualified), qualified
        matched += _first_implicit_folder(catalog, qualified) is not None
    assert matched >= len(patterns) and len(callees) > 1000
    overlapping = Catalog({"io_calls": {"implicit_folder": [
        {"function": "lib.other", "folder": "a/"}, {"function": "lib.*", "folder": "b/"}, {"function": "lib.Writer", "folder": "c/"}]}})
    for qualified, first in (("lib.Writer", 1), ("lib.other", 0), ("other.Writer", None)):
        assert _first_implicit_folder(overlapping, qualified) == _old_first_implicit_folder(overlapping, qualified) == first
        assert _first_implicit_folder(overlapping, qualified) == first


def _old_python_literals(ctx, ca, settings):
    """`paths._python_literals` before the twenty-sixth round: the tables of literals that are no
    path (routes, asserted data, keys, a container's settings) built for every cell first."""
    from nbrefactor.audit.analysis import StringFact, dead_branch_lines, uncalled_function_lines
    from nbrefactor.audit.rules import paths
    from nbrefactor.audit.rules.paths import LiteralFinding

    arguments = {
        (pa.literal.line, pa.literal.column): pa
        for pa in paths.path_arguments(ctx.facts, ctx.catalog, ca)
        if pa.literal is not None
    }
    not_paths = paths._route_literals(ctx, ca, settings)
    expected = paths._asserted_data(ca) | paths._keys_and_container_settings(ca, settings)
    masked_lines = ca.masked.python.split("\n")
    joined, continued = paths._concatenations(ca, masked_lines)
    positions = set()
    dead = dead_branch_lines(ca) | uncalled_function_lines(ctx.facts).get(ca.cell.index, frozenset())
    for s in ca.facts.strings:
        positions.add((s.line, s.column))
        if s.line in dead:
            continue
        if (s.line, s.column) in continued:
            continue
        if (s.line, s.column) in joined:
            value, end_line = joined[(s.line, s.column)]
            s = StringFact(value, s.line, s.column, end_line, s.formatted)
        argument = arguments.get((s.line, s.column))
        if argument is None and ((s.line, s.column) in not_paths or (s.line, s.column) in expected):
            continue
        entry = paths._PATH_LIST_ENTRY.match(s.value) if argument is None else None
        value = entry.group("path") if entry else s.value
        found = paths.classify(
            value, settings, path_argument=argument is not None,
            url_only=argument is not None and argument.entry.kind == "url",
            store_uri=argument is not None and argument.entry.kind == "store-uri",
        )
        if found is None:
            continue
        if argument is None and not entry and found.kind != "remote" and paths._appended(masked_lines, s.line, s.column):
            continue
        yield LiteralFinding(ca, s.line, s.column, s.end_line, value, found, argument)
    for number, text in enumerate(masked_lines if ":\\" in ca.masked.python else (), start=1):
        for m in paths._WINDOWS_SOURCE_LITERAL.finditer(text):
            column = m.start() + 1
            if (number, column) in positions or paths._evaluates(m.group(0)):
                continue
            found = paths.classify(m.group("body"), settings)
            if found is not None:
                yield LiteralFinding(ca, number, column, number, m.group("body"), found, invalid_escape=True)


# Literals that look like paths but are no path of this machine, beside ones that are: a route, a
# selector keyword, asserted data, a subscript key, a container's mount and environment.
NOT_A_PATH_CELLS = (
    ('from flask import Flask\napp = Flask(__name__)\n@app.get("/users/list")\ndef users():\n    return open("/srv/users.csv").read()',),
    ('assert sorted(paths) == ["/data/a.csv", "/data/b.csv"]\nrows = open("/data/c.csv")',),
    ('spec = {"paths": {}}\nop = spec["paths"]["/pets/list"]\nlog = "/var/log/app/run.log"',),
    ('from kubernetes import client\nm = client.V1VolumeMount(mount_path="/mnt/data", name="d")\n'
     'env = dict(environment_variables={"MODEL_BASE_PATH": "/var/azureml-app/model"})\nout = "/home/alice/out.csv"',),
)


def test_python_literals_build_the_no_path_tables_only_when_a_literal_classifies():
    """`_python_literals` builds its tables of literals that are no path only when a literal that
    is no path argument classifies as one: every cell of every fixture notebook and of written
    notebooks (routes, asserted data, keys, container settings beside real paths) yields the old
    computation's findings."""
    from nbrefactor.audit.rules.paths import _python_literals, path_settings

    findings = cells = 0
    written = set()
    for number, (nb, ctx) in enumerate(_path_contexts(NOT_A_PATH_CELLS)):
        settings = path_settings(ctx.catalog)
        for ca in ctx.cells:
            new = list(_python_literals(ctx, ca, settings))
            assert new == list(_old_python_literals(ctx, ca, settings)), (nb.path, ca.cell.index)
            findings += len(new)
            cells += 1
            if number < len(NOT_A_PATH_CELLS):
                written.update(f.value for f in new)
    assert findings > 300 and cells > 2500
    # the tables were built and read where a cell's literals classify: only the real paths are left
    assert written == {"/srv/users.csv", "/data/c.csv", "/var/log/app/run.log", "/home/alice/out.csv"}


# Two notebooks calling the same callees as written, resolved to other libraries (the kept answer of
# the first must not be read for the second), and one calling it through a star import.
SAME_CALLEE_CELLS = (
    ("import pandas as pd", "df = pd.read_csv('data/a.csv')\ndf.to_csv('out/b.csv')\nnp.save('c.npy', df)"),
    ("import polars as pd\nimport numpy as np", "df = pd.read_csv('data/a.csv')\ndf.to_csv('out/b.csv')\nnp.save('c.npy', df)"),
    ("from fastai.vision.all import *", "path = untar_data(URLs.PETS)\nfiles = get_image_files(path/'images')"),
)


def test_matching_entries_kept_per_callee_answer_as_the_computation():
    """`matching_entries` keeps its answer for the notebook last asked about, by the callee as
    written: for every call of every fixture notebook and of written notebooks that call the same
    callees resolved to other libraries, in a row, the kept answer is the computation's."""
    from nbrefactor.audit.rules.paths import _matching_entries, matching_entries

    calls = catalogued = 0
    for nb, ctx in _path_contexts(SAME_CALLEE_CELLS):
        for ca in ctx.cells:
            for call in ca.facts.calls:
                found = matching_entries(ctx.facts, ctx.catalog, call)
                assert found == _matching_entries(ctx.facts, ctx.catalog, call), (nb.path, call)
                calls += 1
                catalogued += bool(found[1])
    assert calls > 5000 and catalogued > 500, (calls, catalogued)


class _Everything:
    """A container holding every name: a screen reading it lets every call through."""

    def __contains__(self, item):
        return True


PRODUCING_CELLS = (
    ("import zipfile, shutil, wget, subprocess",
     "with zipfile.ZipFile('a.zip') as z:\n    z.extractall('data')\nshutil.unpack_archive('b.tar.gz', 'raw')",
     "wget.download('https://example.org/c.csv', 'c.csv')\n"
     "subprocess.run(['kaggle', 'datasets', 'download', '-d', 'owner/name', '-p', 'kaggle'])",
     "from autogluon.core.utils import load_zip\nload_zip.unzip('https://example.org/d.zip', unzip_dir='d')"),
    ("import os, zipfile, subprocess\nzipfile.ZipFile('e.zip').extractall(path=os.getcwd())\n"
     "subprocess.check_call(('kaggle', 'competitions', 'download', '-c', 'titanic'))",),
)


def test_produced_paths_screen_passes_every_call_a_branch_can_take(monkeypatch):
    """`_find_produced_paths` passes over a call whose callee name no branch reads and whose first
    argument is no list of words: on every fixture notebook and written extractions, unpacks,
    downloads and commands, it finds what it finds with every call let through."""
    from nbrefactor.audit.rules import paths

    found = 0
    for nb, ctx in _path_contexts(PRODUCING_CELLS):
        screened = paths._find_produced_paths(ctx)
        with monkeypatch.context() as m:
            m.setattr(paths, "_PRODUCING_METHODS", _Everything())
            assert paths._find_produced_paths(ctx) == screened, nb.path
        found += len(screened)
    assert found >= 8


SYS_PATH_CELLS = (
    ("import sys as s\ns.path.append('..')", "from sys import path\npath.insert(0, '/home/alice/src')"),
    ("import site\nsite.addsitedir('lib')\nimport sys\nsys.path.extend(['a', 'b'])\nsys.path.remove('a')\nsys.path.index('b')",),
)


def test_the_sys_path_edits_are_the_calls_whose_callee_resolves_to_one_found_once_per_notebook():
    """PTH005 and its literal entries read the notebook's `sys.path` edits from one set per
    notebook: exactly the calls whose callee `resolve_callee` resolves to a `_SYS_PATH_CALLS`
    name, on every fixture notebook and on written edits (aliases, `from sys import path`,
    `site.addsitedir`, a method that edits nothing)."""
    from nbrefactor.audit.rules import paths

    edits = 0
    for nb, ctx in _path_contexts(SYS_PATH_CELLS):
        old = {id(call) for ca in ctx.cells for call in ca.facts.calls
               if paths.resolve_callee(ctx.facts, ctx.catalog, call.func) in paths._SYS_PATH_CALLS}
        found = paths._sys_path_calls(ctx)
        assert found == old, nb.path
        assert paths._sys_path_calls(ctx) is found
        edits += len(found)
    assert edits >= 10


TRACKING_CELLS = (
    ("from mlflow import set_tracking_uri as stu\nstu('http://mlflow.example.org:5000')",
     "import mlflow as ml\nclient = ml.MlflowClient(tracking_uri='http://10.0.0.5:5000')"),
    ("import os\nos.environ['MLFLOW_TRACKING_URI'] = 'https://mlflow.example.org'",
     "import neptune\nrun = neptune.init_run(project='acme/churn')",
     "from pytorch_lightning.loggers import NeptuneLogger\nlogger = NeptuneLogger(project='acme/vision')"),
    ("import mlflow\nURI = 'http://mlflow.example.org'\nmlflow.set_tracking_uri(URI)\nprint(len(URI))",),
)


def test_pth008s_cell_screen_passes_every_cell_the_rule_reads_a_value_from(monkeypatch):
    """PTH008 passes over a cell no call of which can resolve to a tracking call (an attribute call
    by its last name, a plain name by what it is bound to) and no assignment of which sets a
    tracking variable: on every fixture notebook and written MLflow and Neptune settings (aliases,
    a constant, the environment), it reports what it reports with every cell let through."""
    from nbrefactor.audit.rules import paths

    reported = 0
    for nb, ctx in _path_contexts(TRACKING_CELLS):
        screened = list(paths.TrackingServerUri().check(ctx))
        with monkeypatch.context() as m:
            m.setattr(paths, "_may_name_tracking", lambda tree, aliases: True)
            assert list(paths.TrackingServerUri().check(ctx)) == screened, nb.path
        reported += len(screened)
    assert reported >= 6


GPU_CHECK_CELLS = (
    ("import torch\ndevice = 'cuda' if torch.cuda.is_available() else 'cpu'\nuse_cuda = torch.cuda.is_available()",
     "model = torch.nn.Linear(2, 2).to(device)\nif use_cuda:\n    model = model.cuda()\nx = torch.zeros(2).cuda()",
     "assert torch.cuda.is_available()"),
)


def test_gpu_requirements_ask_whether_each_call_is_a_gpu_check_once(monkeypatch):
    """GPU001's requirements read each cell's GPU-check lines from one computation (the check
    flags and both passes over the cells asked `_is_check` of every call: three times); what they
    find is unchanged by counting (some written checks and requirements found). The per-notebook
    screen (`_may_require`, the thirtieth round; its own equivalence test is in
    tests/test_rule_shortcuts.py) is let through here, so every notebook's calls are asked."""
    from nbrefactor.audit import gpu
    from nbrefactor.audit.gpu import gpu_requirements

    asked = []
    original = gpu._is_check
    monkeypatch.setattr(gpu, "_may_require", lambda facts, gc: True)
    monkeypatch.setattr(gpu, "_is_check", lambda facts, call, checks, ca=None: asked.append(call) or original(facts, call, checks, ca))
    found = 0
    for nb, ctx in list(_path_contexts(GPU_CHECK_CELLS))[:200]:
        asked.clear()
        found += len(gpu_requirements(ctx.facts, ctx.catalog))
        calls = sum(len(ca.facts.calls) for ca in ctx.cells)
        assert len(asked) == calls and len({id(c) for c in asked}) == calls, nb.path
    assert found >= 10


def _old_concatenations(ca, lines):
    """`paths._concatenations` before the twenty-sixth round: every literal node's columns worked out."""
    import ast as _ast

    from nbrefactor.audit.analysis import cell_python_tree, nodes_of
    from nbrefactor.audit.rules.paths import _char_column

    joined, continued = {}, set()
    if len(ca.facts.strings) < 2:
        return joined, continued
    tree = cell_python_tree(ca)
    if tree is None:
        return joined, continued
    by_line = {}
    for fact in ca.facts.strings:
        by_line.setdefault(fact.line, []).append(fact.column)
    inside_fstring = set()
    for node in nodes_of(tree, _ast.JoinedStr, _ast.Constant):
        if isinstance(node, _ast.JoinedStr):
            inside_fstring.update(id(part) for part in node.values)
        if id(node) in inside_fstring:
            continue
        if isinstance(node, _ast.Constant) and isinstance(node.value, str):
            value = node.value
        elif isinstance(node, _ast.JoinedStr) and not any(
            isinstance(inner, _ast.Constant) and isinstance(inner.value, str)
            for part in node.values if isinstance(part, _ast.FormattedValue) for inner in _ast.walk(part)
        ):
            value = "".join(part.value if isinstance(part, _ast.Constant) else "{}" for part in node.values)
        else:
            continue
        end_line, end_col = node.end_lineno or node.lineno, node.end_col_offset or 0
        start = (node.lineno, _char_column(lines, node.lineno, node.col_offset))
        end = (end_line, _char_column(lines, end_line, end_col))
        parts = sorted(
            (line, column) for line in range(start[0], end[0] + 1) for column in by_line.get(line, ())
            if start <= (line, column) < end
        )
        if len(parts) > 1 and parts[0] == start:
            joined[start] = (value, end_line)
            continued.update(parts[1:])
    return joined, continued


CONCATENATION_CELLS = (
    ('url = ("https://example.org/data"\n       "/raw/x.csv")\nother = "a" "b"; more = "c"',
     'name = "é" "/data/é.csv"\nprint("x", "y", f"{name}" "/z.csv")\npath = f"/data/{name}" \\\n    "/y.csv"'),
)


def test_concatenations_pass_over_a_one_line_node_with_one_literal_on_its_line():
    """`_concatenations` works out no columns for a literal node on one line holding no other
    literal (nothing is joined there): the joined strings are the old computation's on every
    fixture cell and on written concatenations (bracketed over lines, on one line beside other
    literals, f-strings, non-ASCII text, a backslash continuation)."""
    from nbrefactor.audit.rules.paths import _concatenations

    joined = 0
    for nb, ctx in _path_contexts(CONCATENATION_CELLS):
        for ca in ctx.cells:
            lines = ca.masked.python.split("\n")
            new = _concatenations(ca, lines)
            assert new == _old_concatenations(ca, lines), (nb.path, ca.cell.index)
            joined += len(new[0])
    assert joined >= 4, joined


def test_wildcard_entries_screened_by_their_literal_ends_match_as_fnmatch():
    """`_entries_for_function` tries a wildcard entry's pattern only on a name that starts and ends
    with the pattern's plain text (`patterns.literal_ends`): the entries found are `fnmatch`'s for every
    callee of the fixture notebooks and for names spelled after each shipped pattern; and for
    written patterns (classes, `?`, an unclosed `[`, a `]` outside a class) every name a pattern
    matches has its ends."""
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.patterns import literal_ends
    from nbrefactor.audit.rules.paths import _entries_for_function, _io_call_index, resolve_callee

    catalog = load_catalog()
    entries, by_function, wildcards, _ = _io_call_index(catalog)
    names = {resolve_callee(ctx.facts, catalog, call.func) for _, ctx in _path_contexts() for ca in ctx.cells for call in ca.facts.calls}
    for i in wildcards:
        pattern = entries[i].function
        names |= {pattern.replace("*", ""), pattern.replace("*", "x.Y"), pattern.replace("*", "")[:-1], "x" + pattern.replace("*", "")}
        names |= {pattern.replace("[A-Z]", "Q").replace("*", "Data"), pattern.replace("[!h]", "g").replace("*", "x")}
    matched = 0
    for name in sorted(names):
        old = (*by_function.get(name, ()), *(i for i in wildcards if fnmatch.fnmatchcase(name, entries[i].function)))
        assert _entries_for_function(catalog, name, entries, by_function, wildcards) == old, name
        matched += any(i in wildcards for i in old)
    assert matched >= 30
    written = ["a.*b", "*x", "a?c*", "lib.[A-Z]*Set", "lib.[!h]*", "a[bc", "a]b*c", "x*y[]]z", "[*]q", "plain.name"]
    spelled = ["ab", "a.b", "a.xb", "abc", "a?cd", "lib.DataSet", "lib.hat", "lib.cat", "a[bc", "a]bzzc", "xy]z", "x1y]z", "*q", "q", "plain.name"]
    for pattern in written:
        head, tail = literal_ends(pattern)
        for name in spelled + [n + "z" for n in spelled]:
            if fnmatch.fnmatchcase(name, pattern):
                assert name.startswith(head) and name.endswith(tail), (pattern, name)


def test_fetch_entries_from_the_pattern_index_are_matches_any_of_each_entry():
    """PTH007's `_entries_for` finds the `calls` entries matching a new callee from one index of all
    their patterns (plain ones by name, wildcard ones screened by their plain ends): the entries
    `matches_any` finds entry by entry, for every callee of the fixture notebooks and names spelled
    after each pattern (some matching two entries)."""
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.patterns import matches_any
    from nbrefactor.audit.rules.downloads import _entries_for, fetch_catalog

    catalog = load_catalog()
    fetches = fetch_catalog(catalog)
    names = {ctx.facts.resolve(call.func) for _, ctx in _path_contexts() for ca in ctx.cells for call in ca.facts.calls}
    for entry in fetches.calls:
        for pattern in entry.patterns:
            names |= {pattern, pattern.replace("*", ""), pattern.replace("*", "x.Model"), pattern[:-1], "a." + pattern,
                      pattern.replace("[A-Z]", "Q").replace("[!h]", "g").replace("*", "Data")}
    matched = 0
    for name in sorted(names):
        old = [fetches.calls[i] for i, e in enumerate(fetches.calls) if matches_any(name, e.patterns)]
        assert _entries_for(fetches, [name]) == old, name
        matched += bool(old)
    assert matched >= 100, matched
