"""Names a step returns that the notebook binds only on some paths (`if` that did not hold, a
`for` over nothing, a `try` that raised first, `del` on one branch): the step returns the
package's UNBOUND sentinel for them instead of raising UnboundLocalError at its `return`, the next
step that receives one deletes its parameter (a read raises NameError where the notebook's did),
and `verify` counts it as not bound (compile/definite.py, emit._unbound_return, runtime.py.j2).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nbfactory import project, write_notebook
from nbrefactor.cli.app import main
from nbrefactor.compile.definite import unbound_outputs
from nbrefactor.migrate.prove import _pipeline
from nbrefactor.verify.runner import _is_unbound, verify
from deadlines import HANG_GUARD

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks"


def _unbound(body: str, outputs: str, maybe_unbound_inputs: tuple[str, ...] = (), params: str = "cfg") -> set[str]:
    names = outputs.split()
    source = f"def step({params}):\n" + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ") + f"\n    return {', '.join(names)}\n"
    return set(unbound_outputs(source, names, maybe_unbound_inputs))


# --- the analysis, construct by construct -----------------------------------------------------

@pytest.mark.parametrize(("body", "outputs", "unbound"), [
    # straight-line code, imports, definitions, augmented and starred assignment
    ("a = 1\nimport os.path as p, json\nfrom math import pi\ndef f(): pass\nclass C: pass\nb, *c = [1, 2]\na += 1",
     "a p json pi f C b c", set()),
    # if without else; if/else both binding; elif chain missing one branch
    ("if cond:\n    a = 1", "a", {"a"}),
    ("if cond:\n    a = 1\nelse:\n    a = 2", "a", set()),
    ("if x:\n    a = 1\nelif y:\n    a = 2", "a", {"a"}),
    ("if x:\n    a = 1\nelif y:\n    a = 2\nelse:\n    a = 3", "a", set()),
    # a branch that raises or returns does not reach the end
    ("if cond:\n    a = 1\nelse:\n    raise ValueError", "a", set()),
    # for: the body may run zero times; its else runs when it did not break
    ("for i in items:\n    a = i", "a i", {"a", "i"}),
    ("for i in items:\n    a = i\nelse:\n    b = 1", "a b", {"a"}),
    ("for i in items:\n    if i:\n        b = 1\n        break\nelse:\n    b = 2", "b", set()),
    ("for i in items:\n    if i:\n        break\n    b = 2\nelse:\n    b = 3", "b", {"b"}),
    # a literal the loop surely iterates over runs the body at least once
    ("for k in range(2, 7):\n    km = k", "km k", set()),
    ("for each in ['hr']:\n    d = each\nelse:\n    e = d", "d e", set()),
    ("for k in range(0):\n    km = k", "km", {"km"}),
    ("for k in [*xs]:\n    km = k", "km", {"km"}),
    ("for k in range(n):\n    km = k", "km", {"km"}),
    ("for k in range(3):\n    if k:\n        continue\n    km = k", "km", {"km"}),
    # a name bound before the loop and deleted in it
    ("a = 1\nfor i in items:\n    del a\n    a = 2", "a", set()),
    ("a = 1\nfor i in items:\n    if i:\n        continue\n    del a\n    b = 0", "a", {"a"}),
    # while: may run zero times; `while True` leaves only by break
    ("while cond():\n    a = 1", "a", {"a"}),
    ("while True:\n    a = read()\n    if a:\n        break", "a", set()),
    ("while True:\n    if done():\n        break\n    a = 1", "a", {"a"}),
    ("while cond():\n    pass\nelse:\n    a = 1", "a", set()),
    # try: the body may stop before any statement
    ("try:\n    a = load()\nexcept OSError:\n    pass", "a", {"a"}),
    ("try:\n    a = load()\nexcept OSError:\n    a = None", "a", set()),
    ("try:\n    a = load()\nexcept OSError:\n    raise", "a", set()),
    ("try:\n    x = load()\nexcept OSError:\n    pass\nelse:\n    a = x", "a", {"a"}),
    ("try:\n    a = load()\nfinally:\n    b = 1", "a b", set()),
    ("try:\n    a = load()\nexcept OSError:\n    pass\nfinally:\n    b = 1", "a b", {"a"}),
    # `except E as e` unbinds e when the handler ends, even when e was bound before
    ("e = 1\ntry:\n    pass\nexcept ValueError as e:\n    pass", "e", {"e"}),
    # with: the body runs (and binds); a context manager made to swallow exceptions may skip it
    ("with open(p) as fh:\n    data = fh.read()", "fh data", set()),
    ("with suppress(KeyError):\n    a = d['k']", "a", {"a"}),
    ("with contextlib.suppress(KeyError):\n    a = d['k']", "a", {"a"}),
    # del on one branch
    ("a = 1\nif cond:\n    del a", "a", {"a"}),
    ("a = 1\ndel a\na = 2", "a", set()),
    # `:=`: bound when evaluated, not in the right of `or` nor in a conditional expression
    ("if (n := size()) > 0:\n    pass", "n", set()),
    ("ok = flag or (n := size())", "n", {"n"}),
    ("v = (m := 1) if c else 2", "m", {"m"}),
    # match: a case that matched binds its captures; without an irrefutable case, nothing matched
    ("match p:\n    case (x, y):\n        a = x\n    case _:\n        a = 0", "a", set()),
    ("match p:\n    case (x, y):\n        a = x", "a", {"a"}),
    ("match p:\n    case {'k': v}:\n        a = v\n    case other:\n        a = other", "a", set()),
    # a loop's break through a `finally` that deletes
    ("a = 1\nfor i in items:\n    try:\n        break\n    finally:\n        del a", "a", {"a"}),
])
def test_the_definite_binding_of_each_construct(body: str, outputs: str, unbound: set[str]):
    assert _unbound(body, outputs) == unbound


def test_a_parameter_holds_a_value_unless_it_may_be_the_sentinel():
    assert _unbound("b = a", "a b", params="cfg, a") == set()
    guarded = "if a is UNBOUND:\n    del a\nb = 1"
    assert _unbound(guarded, "a b", ("a",), params="cfg, a") == {"a"}
    # rebound on every path after the guard: bound again
    assert _unbound(guarded + "\na = 2", "a b", ("a",), params="cfg, a") == set()


def test_a_step_whose_end_is_never_reached_guards_nothing():
    assert _unbound("raise SystemExit", "a") == set()


def test_a_name_declared_global_is_left_as_it_is():
    assert _unbound("global a\nif c:\n    a = 1", "a") == set()


# --- the emitted package -----------------------------------------------------------------------

CELLS = [
    ("md", "# Optional data"),
    ("md", "## Load"),
    "settings = {}\nif 'cache' in settings:\n    cached = settings['cache']\nfor row in []:\n    last = row\ncount = 3",
    ("md", "## Use"),
    "try:\n    print('cached', cached)\nexcept NameError:\n    print('nothing cached')\ntotal = count * 2",
    ("md", "## Rebind"),
    "cached = 'fresh'\nprint(cached, total)",
]


@pytest.fixture(scope="module")
def optional_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("optional")
    path = write_notebook(project(root) / "optional.ipynb", CELLS)
    assert main(["migrate", str(path), "--out", str(root / "out"), "--no-prove", "--no-cache"]) == 0
    return root / "out" / "optional"


def _run_pipeline(package: Path, work: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update({"PYTHONPATH": str(package / "src"), "NBREFACTOR_NO_TRACKING": "1", "OPTIONAL_NO_TRACKING": "1"})
    script = (
        "import json\nfrom optional import pipeline\nfrom optional.runtime import UNBOUND\n"
        "values = pipeline.run(tracking=False)\n"
        "print(json.dumps({k: ('UNBOUND' if v is UNBOUND else repr(v)) for k, v in values.items()}))\n"
    )
    work.mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=HANG_GUARD)


def test_the_step_returns_the_sentinel_and_the_next_step_unbinds_it(optional_package: Path, tmp_path: Path):
    steps = (optional_package / "src" / "optional" / "steps.py").read_text()
    assert "from .runtime import UNBOUND\n" in steps
    assert 'return locals().get("cached", UNBOUND), count' in steps
    assert "if cached is UNBOUND:\n        del cached\n" in steps
    # a definitely bound name keeps its plain return: the last step rebinds `cached`
    assert "    return cached\n" in steps
    runtime = (optional_package / "src" / "optional" / "runtime.py").read_text()
    assert 'UNBOUND = Unbound()' in runtime and 'return "UNBOUND"' in runtime
    # On main the first step raised UnboundLocalError at its return; the notebook went on.
    run = _run_pipeline(optional_package, tmp_path / "run")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[:2] == ["nothing cached", "fresh 6"]
    assert json.loads(lines[-1]) == {"cached": "'fresh'"}


def test_a_later_read_raises_name_error_in_the_step_that_reads(optional_package: Path, tmp_path: Path):
    broken = tmp_path / "pkg"
    shutil.copytree(optional_package, broken)
    steps = broken / "src" / "optional" / "steps.py"
    # the notebook's second cell without its `except NameError`: it stops there, with NameError
    source = steps.read_text().replace("    except NameError:\n        print(\"nothing cached\")\n", "    finally:\n        pass\n")
    assert source != steps.read_text()
    steps.write_text(source)
    run = _run_pipeline(broken, tmp_path / "run")
    assert run.returncode != 0
    assert "UnboundLocalError" in run.stderr and "cached" in run.stderr  # a NameError subclass
    assert "in use\n" in run.stderr  # raised in the step that reads it, not at the first step's return
    assert issubclass(UnboundLocalError, NameError)


def test_a_package_without_such_names_has_no_sentinel(tmp_path: Path):
    path = write_notebook(project(tmp_path) / "plain.ipynb", [("md", "# A"), "x = 1", ("md", "# B"), "y = x + 1\nprint(y)"])
    assert main(["migrate", str(path), "--out", str(tmp_path / "out"), "--no-prove", "--no-cache"]) == 0
    src = tmp_path / "out" / "plain" / "src" / "plain"
    assert "UNBOUND" not in (src / "steps.py").read_text()
    assert "UNBOUND" not in (src / "runtime.py").read_text()


def test_the_sentinel_crosses_process_boundaries_as_the_same_object(optional_package: Path, tmp_path: Path):
    """Rung 5 of the proof ladder: each step in its own process (`runtime.run_step`), the values
    saved and loaded as kfp artifacts; equal to the in-process run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update({"PYTHONPATH": str(optional_package / "src"), "NBREFACTOR_NO_TRACKING": "1", "OPTIONAL_NO_TRACKING": "1", "PYTHONHASHSEED": "0"})
    work = tmp_path / "rung5"
    work.mkdir()
    ok, detail = _pipeline("optional", optional_package, Path(sys.executable), work, env, 300)
    assert ok, detail
    script = (
        "import sys\nfrom nbrefactor_runtime import artifacts\nfrom optional.runtime import UNBOUND\n"
        "if sys.argv[1] == 'save':\n    artifacts.save(UNBOUND, sys.argv[2])\n"
        "else:\n    assert artifacts.load(sys.argv[2]) is UNBOUND\n"
    )
    for mode in ("save", "load"):
        done = subprocess.run([sys.executable, "-c", script, mode, str(tmp_path / "value")], env=env, capture_output=True, text=True, timeout=HANG_GUARD)
        assert done.returncode == 0, done.stderr


def test_verify_recognises_the_sentinel_by_its_marker():
    class Unbound:
        nbrefactor_unbound = True

    assert _is_unbound(Unbound())
    assert not _is_unbound(None) and not _is_unbound("UNBOUND") and not _is_unbound(Unbound)


def test_verify_compares_the_sentinel_as_not_bound(tmp_path: Path):
    """Equal to a name the notebook never bound; a difference from a name it did bind."""
    import pickle

    from nbrefactor.verify.runner import MATCHED, MISMATCHED, _check_values

    class Unbound:
        nbrefactor_unbound = True

    (tmp_path / "y.pkl").write_bytes(pickle.dumps(5))
    manifest = {"cell": 3, "entries": {"x": {"status": "undefined"}, "y": {"status": "ok", "type": "int", "file": str(tmp_path / "y.pkl")}}}
    (tmp_path / "m.json").write_text(json.dumps(manifest))
    checks = _check_values({"manifest": str(tmp_path / "m.json"), "names": ["x", "y"]}, {"x": Unbound(), "y": Unbound()}, 1e-7, 0.0, str(tmp_path / "done"))
    assert [(c["name"], c["status"]) for c in checks] == [("x", MATCHED), ("y", MISMATCHED)]
    assert "the package left it unbound" in checks[1]["reason"]


# --- end to end: the package computes what the notebook computes ----------------------------------

@pytest.mark.parametrize("folder", ["fair8/fetched_file", "compiler/unbound_names"])
def test_verify_finds_the_package_equal_to_the_notebook(folder: str, tmp_path: Path):
    corpus = tmp_path / "notebooks"
    shutil.copytree(FIXTURES / folder, corpus)
    assert main(["migrate", str(corpus), "--out", str(tmp_path / "out"), "--no-prove", "--no-cache"]) == 0
    (plan_file,) = (tmp_path / "out").glob("*/.nbrefactor/plan.json")
    plan = json.loads(plan_file.read_text())
    notebooks = [str(corpus / Path(n).name) for n in plan["notebooks"]]
    report = verify(notebooks, str(plan_file.parent.parent), timeout=HANG_GUARD)
    assert report.verdict == "OK", [(w, c) for w, c in report.checks() if c.status != "matched"] + list(report.errors)
    unbound = [c.name for w, c in report.checks() if c.package == "not bound"]
    assert unbound  # the names the notebook left unbound were compared, as not bound on both sides
