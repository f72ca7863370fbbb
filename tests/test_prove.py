"""The proof ladder (nbrefactor/migrate/prove.py): a model is "migrated" only when its package was
shown to install, import, pass its tests and run step by step as the pipeline runs it; below
that it is "emitted, not proven" and migrate exits 1.

Everything is real: `uv` builds environments (offline, `--prove-env current`: layered on this
one), pip installs the packages, pytest, subprocesses per step, nbclient kernels for rung 6.
Notebooks are written here; expectations are written here, never computed by the code under test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from nbrefactor.cli.app import main
from nbrefactor.migrate.prove import Environments, ProveOptions, prove_package
from deadlines import HANG_GUARD


@pytest.fixture(scope="module")
def env_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One environment cache for the module: environments are reused across models, as in a batch."""
    return tmp_path_factory.mktemp("envs")


@pytest.fixture()
def proving(monkeypatch: pytest.MonkeyPatch, env_cache: Path) -> Path:
    monkeypatch.setenv("NBREFACTOR_PROVE", "1")
    monkeypatch.setenv("NBREFACTOR_PROVE_ENV", "current")
    monkeypatch.setenv("NBREFACTOR_ENV_CACHE", str(env_cache))
    return env_cache


def write_notebook(path: Path, cells: list[tuple[str, str]]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    nb.cells = [nbformat.v4.new_code_cell(src) if kind == "code" else nbformat.v4.new_markdown_cell(src) for kind, src in cells]
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i + 1}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb), encoding="utf-8")


TOTALS = [
    ("markdown", "# Totals"),
    ("markdown", "## Load"),
    ("code", "values = [3, 1, 2, 5]"),
    ("markdown", "## Summarise"),
    ("code", "from pathlib import Path\ntotal = sum(values)\nprint('total', total)\nPath('total.txt').write_text(str(total))"),
]


def test_a_faithful_package_climbs_to_verified_and_every_output_shows_the_rung(proving: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    write_notebook(tmp_path / "totals" / "totals.ipynb", TOTALS)
    code = main(["migrate", "totals", "--out", "out", "-j", "1", "--progress", "lines"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "proof  totals: migrated: verified (rung 6 of 6)" in out
    document = json.loads((tmp_path / "out" / "migration-report.json").read_text())
    [record] = document["models"]
    assert record["status"] == "migrated"
    # A proven package keeps the migrated band (90-100) and is counted as migrated.
    assert 90 <= record["readiness"]["score"] <= 100, record["readiness"]
    assert (document["summary"]["status"]["migrated"], document["summary"]["status"]["emitted"]) == (1, 0)
    assert re.search(r"migrated cleanly\s*│\s*1 │", out) and re.search(r"emitted, not proven\s*│\s*0 │", out) and "--no-prove" not in out, out
    proof = record["proof"]
    assert (proof["rung"], proof["reached"], proof["proven"], proof["skipped"]) == (6, "verified", True, False)
    assert [(r["name"], r["status"]) for r in proof["rungs"]] == [
        ("emitted", "passed"), ("installs", "passed"), ("imports", "passed"), ("tests pass", "passed"), ("runs as a pipeline", "passed"), ("verified", "passed"),
    ]
    assert proof["rungs"][1]["detail"].startswith("installed offline, resolved from the current environment")
    # Rung 6 records the notebook's values into the package and its generated tests assert them.
    assert "asserted by the generated tests" in proof["rungs"][5]["detail"], proof["rungs"][5]
    recorded = json.loads((tmp_path / "out" / "totals" / "tests" / "notebook_values.json").read_text())
    assert recorded["values"]["load"]["values"] == {"t": "list", "v": [{"t": "int", "v": n} for n in (3, 1, 2, 5)]}
    assert document["proof"] == {"proven": 1, "not_proven": 0, "not_run": 0, "by_rung": {"emitted": 0, "installs": 0, "imports": 0, "tests pass": 0, "runs as a pipeline": 0, "verified": 1}}
    html = (tmp_path / "out" / "report" / "index.html").read_text()
    assert 'data-rung="6"' in html and "migrated: verified (rung 6 of 6)" in html
    # Nothing in the record depends on the run: no seconds, no temporary paths.
    assert "seconds" not in json.dumps(proof) and str(tmp_path) not in json.dumps(proof)
    assert not re.search(r"\d\.\d+s\b", json.dumps(proof)), proof  # pytest's "in 3.21s" is left out
    # Run again on the unchanged notebook: the proof comes from the cache, the report is the same.
    report = (tmp_path / "out" / "migration-report.json").read_bytes()
    assert main(["migrate", "totals", "--out", "out", "-j", "1", "--progress", "lines"]) == 0
    again = capsys.readouterr().out
    assert "proof  totals: migrated: verified (rung 6 of 6) (cached: unchanged package, notebooks and environment" in again, again
    assert (tmp_path / "out" / "migration-report.json").read_bytes() == report


def _prove_with_first_line(line: str, proving: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN202 - a Proof
    """The totals package migrated, `line` put first in its steps module, then proved (rungs 1-5)."""
    monkeypatch.chdir(tmp_path)
    write_notebook(tmp_path / "totals" / "totals.ipynb", TOTALS)
    assert main(["migrate", "totals", "--out", "out", "-j", "1", "--progress", "lines", "--no-verify-rung"]) == 0
    package = tmp_path / "out" / "totals"
    steps = package / "src" / "totals" / "steps.py"
    steps.write_text(line + "\n" + steps.read_text())
    return prove_package(package, "totals", [tmp_path / "totals" / "totals.ipynb"], ProveOptions(env_mode="current", verify=False, env_cache=proving), Environments(ProveOptions(env_mode="current", env_cache=proving)))


def test_a_package_that_cannot_import_stops_at_rung_2_with_the_reason(proving: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proof = _prove_with_first_line("import google.colab  # a Colab-only module", proving, tmp_path, monkeypatch)
    assert proof.rung == 2 and not proof.proven
    # ("No module named 'google'" where no google namespace package is installed)
    assert proof.label().startswith("emitted, not proven: imports failed: totals.steps line 1: ModuleNotFoundError: No module named 'google")
    assert [r.status for r in proof.rungs] == ["passed", "passed", "failed", "not run", "not run", "not run"]


def test_an_import_error_of_several_lines_is_named_by_its_first(proving: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """mig15: scikit-learn's removed `load_boston` raises an ImportError of 40 lines ending in a
    reference URL; rung 3's detail was that URL alone ("imports failed: <https://www.researchgate…>")."""
    line = 'raise ImportError("\\n`load_data` has been removed.\\n\\nUse another data set.\\n\\n<https://example.org/why>\\n")'
    proof = _prove_with_first_line(line, proving, tmp_path, monkeypatch)
    assert proof.rung == 2
    assert proof.label() == "emitted, not proven: imports failed: totals.steps line 1: ImportError: `load_data` has been removed.", proof.label()


def test_pins_not_satisfied_make_the_model_emitted_and_migrate_exit_1(proving: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import cloudpickle

    monkeypatch.chdir(tmp_path)
    write_notebook(tmp_path / "pinned" / "pinned.ipynb", [("code", "import cloudpickle\nblob = cloudpickle.dumps([1, 2])\nsize = len(blob)")])
    (tmp_path / "pinned" / "requirements.txt").write_text("cloudpickle==0.0.1\n")
    code = main(["migrate", "pinned", "--out", "out", "-j", "1", "--progress", "lines"])
    out = capsys.readouterr().out
    assert code == 1
    expected = f"emitted, not proven: installs failed: pins not satisfied: cloudpickle==0.0.1 pinned, {cloudpickle.__version__} installed"
    assert expected in out and "Emitted, not proven" in out
    [record] = json.loads((tmp_path / "out" / "migration-report.json").read_text())["models"]
    assert record["status"] == "emitted" and record["proof"]["label"] == expected
    # Its score moves to the emitted band with its status (it used to keep the 90-100 it was
    # given when compiled, before the ladder ran).
    assert 40 <= record["readiness"]["score"] <= 59, record["readiness"]


def test_no_prove_says_so_in_every_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("NBREFACTOR_PROVE", "1")  # the flag alone turns the ladder off
    monkeypatch.chdir(tmp_path)
    write_notebook(tmp_path / "totals" / "totals.ipynb", TOTALS)
    # `%store` is left for a person (a review item): the model the compiler calls "with review".
    write_notebook(tmp_path / "stored" / "stored.ipynb", [("code", "values = [3, 1, 2]\ntotal = sum(values)"), ("code", "%store total")])
    code = main(["migrate", "totals", "stored", "--out", "out", "-j", "1", "--progress", "lines", "--no-prove"])
    out = capsys.readouterr().out
    # --no-prove asks whether the batch compiles: it did, so 0 (docs/compiler.md, `migrate --help`).
    assert code == 0
    assert "proof ladder not run (--no-prove)" in out and "not run (--no-prove): 2" in out
    document = json.loads((tmp_path / "out" / "migration-report.json").read_text())
    assert document["schema"] == "nbrefactor-migration/2"
    models = {m["name"]: m for m in document["models"]}
    # Nothing past writing the files was run: no model is "migrated" (rung 5's word), in the JSON
    # either (it said "migrated" / "migrated-with-review" with `proof.skipped`).
    assert {name: m["status"] for name, m in models.items()} == {"totals": "emitted", "stored": "emitted"}
    assert document["summary"]["status"] == {"migrated": 0, "migrated-with-review": 0, "emitted": 2, "skipped": 0, "blocked": 0, "failed": 0, "unreadable": 0}
    for m in models.values():
        assert m["proof"]["label"] == "emitted; not proven (--no-prove: rungs 2-6 skipped)" and m["proof"]["skipped"] is True
        assert [r["status"] for r in m["proof"]["rungs"]] == ["passed"] + ["not run"] * 5
    assert document["proof"]["not_run"] == 2 and document["proof"]["proven"] == 0
    # The review item stays, and the scores lie in the emitted band (40-59), not 90-100 / 60-89:
    # totals has no finding left (its path became a config field) and no review item, stored one
    # review item (-5).
    assert [r["what"] for r in models["stored"]["review"]] and models["stored"]["readiness"]["review"] == 1
    assert models["totals"]["readiness"]["score"] == 59
    assert models["stored"]["readiness"]["score"] == 59 - 5
    assert document["score"]["bands"]["emitted"] == [40, 59]
    # Nor does the summary call an unproven package "migrated" (fair10: the line said "emitted",
    # the table below it "migrated cleanly: 1" for a kfp v1 package that does not even import).
    assert "emitted, not proven (--no-prove)" in out and "migrated" not in out.split("Migration summary")[1], out
    html = (tmp_path / "out" / "report" / "index.html").read_text()
    assert "emitted, not proven (--no-prove)" in html and "migrated cleanly" not in html and "migrated, with review items" not in html
    assert html.count('class="st st-emitted">emitted<div class="rung" data-rung="1">emitted; not proven (--no-prove') == 2
    assert not list(tmp_path.glob("**/.nbrefactor-ready"))
    # `nbrefactor report` on it says the same, with the same exit code.
    assert main(["report", "out", "--no-html"]) == 0
    again = capsys.readouterr().out
    assert "emitted               stored" in again and "emitted, not proven (--no-prove)" in again and "migrated" not in again.split("Migration summary")[1]

    # A version 1 report of the same run (as nbrefactor wrote it before: the compile outcome as the
    # status, scored in its band) still renders, and says what version 2 says.
    old = json.loads((tmp_path / "out" / "migration-report.json").read_text())
    old["schema"] = "nbrefactor-migration/1"
    old["summary"]["status"].update({"migrated": 1, "migrated-with-review": 1, "emitted": 0})
    for m, status, score in ((models["totals"], "migrated", 100), (models["stored"], "migrated-with-review", 84)):
        record = next(r for r in old["models"] if r["name"] == m["name"])
        record["status"] = status
        record["readiness"]["score"] = score
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "migration-report.json").write_text(json.dumps(old))
    assert main(["report", "old/migration-report.json", "--html", "old/report"]) == 0
    shown = capsys.readouterr().out
    assert "emitted               totals" in shown and "emitted, not proven (--no-prove)" in shown and "migrated" not in shown.split("Migration summary")[1], shown
    old_html = (tmp_path / "old" / "report" / "index.html").read_text()
    assert "emitted, not proven (--no-prove)" in old_html and "migrated cleanly" not in old_html
    assert 'data-value="59">59<' in old_html and 'data-value="54">54<' in old_html and 'data-value="100"' not in old_html
    assert "nbrefactor-migration/1" in old_html  # the page names the file's own schema


def test_a_no_prove_record_is_proven_later_like_any_written_package() -> None:
    """The benchmark (and any caller) proves the records a --no-prove run wrote: "emitted" there is
    not a proof that failed, and a proof that passes makes the model migrated again."""
    from nbrefactor.migrate.prove import Proof, RungResult, skip_records
    from nbrefactor.report.migration import with_proof

    compiled = {"name": "m", "package": "m", "package_dir": "m", "status": "migrated-with-review", "review": [{"notebook": "m.ipynb", "cell": 2, "line": 1, "what": "%store"}], "findings": [], "fixed": {}}
    [skipped] = skip_records([compiled])
    assert skipped["status"] == "emitted" and skipped["readiness"]["score"] == 59 - 5 and skipped["review"] == compiled["review"]
    passed = Proof(tuple(RungResult(n, "passed") for n in range(1, 5)) + (RungResult(5, "passed", "2 steps", compared=1), RungResult(6, "unavailable", "no data")))
    proven = with_proof(skipped, passed.record())
    assert proven["status"] == "migrated-with-review" and proven["readiness"]["score"] == 89 - 5
    failed = Proof((RungResult(1, "passed"), RungResult(2, "failed", "pins"), *(RungResult(n, "not run") for n in range(3, 7))))
    assert with_proof(skipped, failed.record())["status"] == "emitted"
    # Models with no package (blocked, failed) are left as they are.
    blocked = dict(compiled, status="blocked", package_dir=None)
    assert skip_records([blocked]) == [blocked]


# One cell that prints and binds nothing the pipeline returns: one step, no value between steps.
PRINTS_ONLY = [("code", "print('total', sum([3, 1, 2]))")]


def test_a_pipeline_rung_that_compared_no_value_is_not_a_migration(proving: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """mig14: seven Kaggle packages whose only step did nothing were "migrated" on rung 5's "1 steps
    …, 0 values equal to the in-process run", rung 6 unavailable (their data is not in the repo).
    A rung 5 that compared nothing shows the steps run, not that they agree; without a rung 6 that
    compared something the model is emitted. A rung 5 that compared a value still migrates."""
    monkeypatch.chdir(tmp_path)
    write_notebook(tmp_path / "printer" / "printer.ipynb", PRINTS_ONLY)
    write_notebook(tmp_path / "totals" / "totals.ipynb", TOTALS)
    code = main(["migrate", "printer", "totals", "--out", "out", "-j", "1", "--progress", "lines", "--no-verify-rung"])
    out = capsys.readouterr().out
    assert code == 1, out  # a model not proven fails the run
    document = json.loads((tmp_path / "out" / "migration-report.json").read_text())
    models = {m["name"]: m for m in document["models"]}
    printer, totals = models["printer"], models["totals"]
    nothing = "1 step in separate processes (runtime.run_step), 0 values compared: no step returns a value"
    assert printer["proof"]["rungs"][4] == {"rung": 5, "name": "runs as a pipeline", "status": "passed", "detail": nothing}
    assert (printer["proof"]["rung"], printer["proof"]["proven"], printer["proof"]["compared"]) == (5, False, 0)
    label = f"emitted, not proven: runs as a pipeline, but no value was compared ({nothing}); verified not run: verify not requested"
    assert printer["status"] == "emitted" and printer["proof"]["label"] == label
    assert 40 <= printer["readiness"]["score"] <= 59, printer["readiness"]
    assert label in out and "Emitted, not proven" in out
    # TOTALS hands `values` from its first step to its second: compared, so migrated at rung 5.
    assert totals["status"] == "migrated" and totals["proof"]["proven"] is True and totals["proof"]["compared"] >= 1, totals["proof"]
    assert totals["proof"]["label"] == "migrated: runs as a pipeline (rung 5 of 6); verified not run: verify not requested"
    assert re.fullmatch(r"2 steps in separate processes \(runtime\.run_step\), [1-9]\d* values equal to the in-process run", totals["proof"]["rungs"][4]["detail"])
    assert document["proof"]["proven"] == 1 and document["proof"]["not_proven"] == 1 and document["proof"]["by_rung"]["runs as a pipeline"] == 2
    # The proof cache keeps the count: a cached run says the same (a cached rung 5 without it
    # would leave totals unproven, or the printer proven).
    report = (tmp_path / "out" / "migration-report.json").read_bytes()
    assert main(["migrate", "printer", "totals", "--out", "out", "-j", "1", "--progress", "lines", "--no-verify-rung"]) == 1
    assert "(cached: unchanged package" in capsys.readouterr().out
    assert (tmp_path / "out" / "migration-report.json").read_bytes() == report
    # The notebook cannot be verified here (rung 6 unavailable): still not proven.
    options = ProveOptions(env_mode="current", verify=True, env_cache=proving, use_cache=False)
    proof = prove_package(tmp_path / "out" / "printer", "printer", [tmp_path / "gone" / "printer.ipynb"], options, Environments(options))
    assert [r.status for r in proof.rungs] == ["passed"] * 5 + ["unavailable"] and not proof.proven
    assert proof.label() == f"emitted, not proven: runs as a pipeline, but no value was compared ({nothing}); verified unavailable: the notebook is not where migrate read it"
    # Where the notebook does run, rung 6 compares its printed text: verified, so migrated.
    verified = prove_package(tmp_path / "out" / "printer", "printer", [tmp_path / "printer" / "printer.ipynb"], options, Environments(options))
    assert verified.proven and verified.label() == "migrated: verified (rung 6 of 6)", verified.rungs


def test_what_a_pipeline_rung_compared_decides_the_status_with_rung_6() -> None:
    from nbrefactor.migrate.prove import Proof, RungResult
    from nbrefactor.report.migration import with_proof

    below = [RungResult(n, "passed") for n in range(1, 5)]
    compiled = {"name": "m", "package": "m", "package_dir": "m", "status": "migrated", "review": [], "findings": [], "fixed": {}}
    for compared, rung6, proven in (
        (0, RungResult(6, "unavailable", "the notebook cannot run here: FileNotFoundError"), False),
        (0, RungResult(6, "not run", "verify not requested"), False),
        (None, RungResult(6, "unavailable", "no data"), False),  # a count never recorded is no comparison
        (0, RungResult(6, "passed", "1 values, texts and files compared, no difference"), True),
        (1, RungResult(6, "unavailable", "no data"), True),
        (3, RungResult(6, "failed", "1 mismatched"), False),
    ):
        proof = Proof((*below, RungResult(5, "passed", "steps ran", compared=compared), rung6))
        assert proof.proven is proven, (compared, rung6)
        assert proof.rung == (6 if rung6.status == "passed" else 5) and proof.record()["compared"] == compared
        record = with_proof(compiled, proof.record())
        assert record["status"] == ("migrated" if proven else "emitted")
        assert (90 <= record["readiness"]["score"] <= 100) if proven else (40 <= record["readiness"]["score"] <= 59), record["readiness"]
    proof = Proof((*below, RungResult(5, "passed", "1 step, 0 values compared", compared=0), RungResult(6, "unavailable", "no data")))
    assert proof.label() == "emitted, not proven: runs as a pipeline, but no value was compared (1 step, 0 values compared); verified unavailable: no data"
    # A failure above rung 5 is named as such, whatever rung 5 compared.
    assert Proof((*below, RungResult(5, "passed", "x", compared=0), RungResult(6, "failed", "1 mismatched"))).label() == "emitted, not proven: verified failed: 1 mismatched"


# A hand-written package with the generated layout, whose optimizer and model share their
# parameters but leave `build` as two artifacts: in one process training moves the model's
# weights; step by step each process unpickles its own copy and the model never changes.
ALIAS_STEPS = '''\
class Params:
    def __init__(self):
        self.w = [0.0]


class Model:
    def __init__(self):
        self.params = Params()


class Optimizer:
    def __init__(self, params):
        self.params = params

    def step(self):
        self.params.w[0] += 1.0


def build(cfg):
    model = Model()
    return model, Optimizer(model.params)


def train(cfg, opt):
    for _ in range(3):
        opt.step()
    return 3


def evaluate(cfg, model, epochs):
    return model.params.w[0]
'''

ALIAS_PIPELINE = '''\
from . import steps as _steps

STEPS = ("build", "train", "evaluate")
FINAL = ("weight",)


def run(cfg=None, on_step=None, tracking=None):
    notify = on_step or (lambda name, values: None)
    model, opt = _steps.build(cfg)
    notify("build", {"model": model, "opt": opt})
    epochs = _steps.train(cfg, opt)
    notify("train", {"epochs": epochs})
    weight = _steps.evaluate(cfg, model, epochs)
    notify("evaluate", {"weight": weight})
    return {"weight": weight}
'''

ALIAS_RUNTIME = '''\
import importlib
import pickle

from types import SimpleNamespace as _Step

STEPS = {
    "build": ("steps", (), ("model", "opt")),
    "train": ("steps", ("opt",), ("epochs",)),
    "evaluate": ("steps", ("model", "epochs"), ("weight",)),
}
SPEC = _Step(steps={n: _Step(module=m, inputs=i, outputs=o) for n, (m, i, o) in STEPS.items()})


def run_step(name, config, inputs, outputs):
    module, input_names, output_names = STEPS[name]
    function = getattr(importlib.import_module(f"{__package__}.{module}"), name)
    arguments = []
    for n in input_names:
        with open(inputs[n], "rb") as handle:
            arguments.append(pickle.load(handle))
    result = function(None, *arguments)
    values = dict(zip(output_names, result if len(output_names) > 1 else (result,)))
    for n in output_names:
        with open(outputs[n], "wb") as handle:
            pickle.dump(values[n], handle)
'''


def write_handmade(package: Path, name: str, steps: str, pipeline: str, test: str) -> Path:
    (package / "src" / name).mkdir(parents=True)
    (package / "tests").mkdir()
    (package / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "{name}"\nversion = "0.1.0"\n\n[tool.setuptools.packages.find]\nwhere = ["src"]\n'
    )
    (package / "requirements.txt").write_text("# nothing beyond the standard library\n")
    (package / "src" / name / "__init__.py").write_text("")
    (package / "src" / name / "steps.py").write_text(steps)
    (package / "src" / name / "pipeline.py").write_text(pipeline)
    (package / "src" / name / "runtime.py").write_text(ALIAS_RUNTIME)
    (package / "tests" / f"test_{name}.py").write_text(test)
    return package


def test_shared_references_split_across_steps_fail_the_pipeline_rung(env_cache: Path, tmp_path: Path) -> None:
    package = write_handmade(
        tmp_path / "alias", "alias", ALIAS_STEPS, ALIAS_PIPELINE,
        "from alias import pipeline\n\n\ndef test_training_moves_the_weights():\n    assert pipeline.run()['weight'] == 3.0\n",
    )
    options = ProveOptions(env_mode="current", verify=False, env_cache=env_cache)
    proof = prove_package(package, "alias", [], options, Environments(options))
    assert [r.status for r in proof.rungs] == ["passed", "passed", "passed", "passed", "failed", "not run"], proof.rungs
    assert proof.label() == (
        "emitted, not proven: runs as a pipeline failed: step evaluate: weight differs at weight: "
        "value beyond tolerance (rtol=1e-07, atol=0): in one process 3.0, step by step 0.0"
    )


def test_an_unseeded_pipeline_fails_the_pipeline_rung_as_not_deterministic(env_cache: Path, tmp_path: Path) -> None:
    # Same shapes as the alias package; `build` draws an unseeded weight, nothing is shared.
    steps = ALIAS_STEPS.replace("        self.w = [0.0]", "        import random\n        self.w = [random.random()]")
    package = write_handmade(tmp_path / "dice", "dice", steps, ALIAS_PIPELINE.replace("from . import steps", "from . import steps"), "def test_nothing_to_see():\n    assert 1 + 1 == 2\n")
    options = ProveOptions(env_mode="current", verify=False, env_cache=env_cache)
    proof = prove_package(package, "dice", [], options, Environments(options))
    stopped = proof.stopped
    assert stopped is not None and stopped.rung == 5
    assert stopped.detail.startswith("not deterministic: two runs in one process differ at step build, model at model.params.w[0] (unseeded randomness?)"), stopped.detail


def test_pins_are_compared_as_pep_440_says_a_local_label_or_trailing_zero_satisfies_them() -> None:
    # The CPU wheels of the PyTorch index install as `2.13.0+cpu`; pip and uv take that for
    # `torch==2.13.0`, and the ladder failed rung 2 on it ("torch==2.13.0 pinned, 2.13.0+cpu
    # installed"; fair10, PyTorchNLPBook). `==1.4` is `1.4.0` too.
    from nbrefactor.migrate.prove import unsatisfied_pins

    installed = {"torch": "2.13.0+cpu", "numpy": "1.4.0", "scipy": "0.9", "pandas": "2.1", "tqdm": None}
    assert unsatisfied_pins(["torch==2.13.0", "numpy==1.4"], installed) == []
    assert unsatisfied_pins(["torch==2.12.0", "scipy>=1.0", "pandas==2.0", "tqdm"], installed) == [
        "torch==2.12.0 pinned, 2.13.0+cpu installed", "scipy>=1.0 pinned, 0.9 installed", "pandas==2.0 pinned, 2.1 installed", "tqdm is not installed",
    ]
    # A line for another Python is not this environment's to hold.
    assert unsatisfied_pins(['tqdm==4.0; python_version < "3"'], installed) == []


def test_rung_6_is_given_the_notebook_files_when_they_are_named_from_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # The records name notebooks relative to the folder holding them all ("totals.ipynb" for
    # /abs/project/totals/totals.ipynb); the ladder read those as paths from the working directory,
    # and rung 6 said "the notebook is not where migrate read it" for every notebook named by an
    # absolute path or from another folder (fair10: `migrate /data/nb/x.ipynb`).
    import nbrefactor.migrate.prove as prove

    seen: dict[str, list[Path]] = {}

    def recording(records, out, notebook_paths, options, jobs=1, on_proof=None):
        seen.update(notebook_paths)
        return prove.skip_records(records), {}

    monkeypatch.setattr(prove, "prove_records", recording)
    monkeypatch.setenv("NBREFACTOR_PROVE", "1")
    write_notebook(tmp_path / "project" / "totals" / "totals.ipynb", TOTALS)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    main(["migrate", str(tmp_path / "project" / "totals" / "totals.ipynb"), "--out", str(tmp_path / "out"), "-j", "1", "--progress", "lines", "--prove-env", "current"])
    capsys.readouterr()
    assert seen == {"totals": [tmp_path / "project" / "totals" / "totals.ipynb"]}


def test_the_pipeline_rung_imports_nbrefactor_from_the_tree_that_runs_it(tmp_path: Path) -> None:
    # Rung 5's process compares values with nbrefactor's comparer. It appended the source root to
    # sys.path, so any nbrefactor the environment could import came first: in a git worktree, the
    # main checkout's (an editable install), whose comparer then judged the worktree's packages.
    import os
    import subprocess
    import sys

    import nbrefactor
    from nbrefactor.migrate.prove import OWN_NBREFACTOR_IMPORT, _PIPELINE_DRIVER

    assert OWN_NBREFACTOR_IMPORT in _PIPELINE_DRIVER
    decoy = tmp_path / "elsewhere" / "nbrefactor"
    (decoy / "verify").mkdir(parents=True)
    (decoy / "__init__.py").write_text("")
    (decoy / "verify" / "__init__.py").write_text("")
    (decoy / "verify" / "compare.py").write_text("raise ImportError('the decoy comparer')\n")
    own = Path(nbrefactor.__file__).resolve().parent
    code = "import os, sys\nnbrefactor_dir = sys.argv[1]\nimport nbrefactor\n" + OWN_NBREFACTOR_IMPORT + "from nbrefactor.verify import compare\nprint(compare.__file__)\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(decoy.parent)  # the decoy is the nbrefactor this process finds first
    done = subprocess.run([sys.executable, "-c", code, str(own)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr[-2000:]
    assert Path(done.stdout.strip()) == own / "verify" / "compare.py"


def test_a_failed_install_is_reported_by_the_installers_error_line() -> None:
    """fair check 12: a 2019 manifest pin (pandas==1.3.5) fails to build on Python 3.11; the rung's
    reason was the last two lines of uv's hint (`pandas = ["pkg_resources"] / or `uv pip install …``),
    which named no failing pin. Now it is uv's (or pip's) own error line."""
    from nbrefactor.migrate.prove import _install_error

    uv = ("error: Failed to build `pandas==1.3.5`\n  cause: The build backend returned an error\n\n"
          "hint: This error likely indicates that `pandas@1.3.5` depends on `pkg_resources`\n\n"
          "[tool.uv.extra-build-dependencies]\npandas = [\"pkg_resources\"]\n\nor `uv pip install pkg_resources` into the environment\n")
    assert _install_error(uv) == "error: Failed to build `pandas==1.3.5`"
    pip = "Collecting x\nERROR: Could not find a version that satisfies the requirement nosuch==9 (from versions: none)\nERROR: No matching distribution found for nosuch==9\n"
    assert _install_error(pip).startswith("ERROR: Could not find a version that satisfies the requirement nosuch==9")
    assert _install_error("one\ntwo\nthree\n") == "two / three"


def test_a_current_environment_holds_the_runtime_wheel_this_nbrefactor_builds(proving: Path) -> None:
    """A `current` layer read the runtime's version from the environment below it, where an
    editable install keeps the version it was installed at: after the bump to 0.3.1 every package
    failed rung 2 with "nbrefactor-runtime==0.3.1 pinned, 0.3.0 installed" (mig15)."""
    import subprocess

    from nbrefactor.compile.runtime_wheel import runtime_version

    python, why = Environments(ProveOptions(env_mode="current", env_cache=proving)).get(["pandas"])
    assert python is not None, why
    check = "import importlib.metadata as m; print(m.version('nbrefactor-runtime'))"
    env = {k: v for k, v in __import__("os").environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([str(python), "-c", check], capture_output=True, text=True, env=env, timeout=HANG_GUARD)
    assert done.stdout.strip() == runtime_version(), done.stdout + done.stderr


def test_rung_5_says_why_the_tests_have_no_copy_of_a_file_the_notebook_read(tmp_path: Path) -> None:
    """mig15: "data not available beside the notebook: train.parquet" of a 3.9 MB file that was
    beside it (too large for tests/data), and of a CSV read from `../chapter-03-…/`."""
    from nbrefactor.migrate.prove import _why_missing

    notebook_folder = tmp_path / "chapter-05"
    notebook_folder.mkdir()
    (notebook_folder / "train.parquet").write_bytes(b"PAR1")
    (tmp_path / "chapter-03").mkdir()
    (tmp_path / "chapter-03" / "churn.csv").write_text("a\n1\n")
    why = _why_missing(["../chapter-03/churn.csv", "s3://bucket/x.csv", "train.parquet", "gone.csv"], [notebook_folder])
    assert why == ("beside the notebook but too large to copy into tests/data: train.parquet; "
                   "read from outside the notebook's folder, which tests/data does not hold: ../chapter-03/churn.csv; "
                   "data not available beside the notebook: s3://bucket/x.csv, gone.csv"), why


# The shape of the generated tests' data run (templates/test_package.py.j2): a module fixture that
# skips when the notebook's data is not beside it, the test that runs every step on it, and a test
# that runs nothing of what the package computes.
DATA_RUN_TESTS = '''\
import pytest

MISSING = {missing}


@pytest.fixture(scope="module")
def run_values():
    if MISSING:
        pytest.skip("data not available beside the notebook: " + ", ".join(MISSING))
    return ["load"], {{}}


def test_config_reads_the_environment():
    assert True


def test_every_step_runs_on_the_notebook_data(run_values):
    seen, values = run_values
    assert seen == ["load"]
'''


@pytest.mark.parametrize(("missing", "status"), [([], "passed"), (["sales.csv"], "unavailable")])
def test_rung_4_whose_data_run_test_was_skipped_is_not_passed(tmp_path: Path, missing: list[str], status: str) -> None:
    """Session 34: "Rung 4 passes with the data-run test skipped; the detail says so". With the
    notebook's data absent, the generated tests ran nothing of what the package computes (the
    imports are rung 3's): rung 4 is `unavailable`, naming the skipped test and why, not `passed`."""
    import os
    import sys

    from nbrefactor.migrate.prove import _tests_rung

    package = tmp_path / "package"
    (package / "tests").mkdir(parents=True)
    (package / "tests" / "test_package.py").write_text(DATA_RUN_TESTS.format(missing=repr(missing)))
    work = tmp_path / "work"
    work.mkdir()
    got, detail = _tests_rung(package, Path(sys.executable), work, dict(os.environ), 120, [tmp_path / "shop" / "sales.ipynb"])
    assert got == status, detail
    if missing:
        assert detail == ("1 passed, 1 skipped, but test_every_step_runs_on_the_notebook_data, which runs the steps on the "
                          "notebook's data, was skipped: data not available beside the notebook: sales.csv"), detail
    else:
        assert detail == "2 passed", detail


def test_a_ladder_stopped_by_an_unavailable_rung_4_says_unavailable_not_failed() -> None:
    from nbrefactor.migrate.prove import Proof, RungResult

    why = "1 passed, 1 skipped, but test_every_step_runs_on_the_notebook_data, which runs the steps on the notebook's data, was skipped: no data"
    proof = Proof((*(RungResult(n, "passed") for n in range(1, 4)), RungResult(4, "unavailable", why),
                   RungResult(5, "not run", "tests pass was unavailable"), RungResult(6, "not run", "tests pass was unavailable")))
    assert (proof.rung, proof.proven) == (3, False)
    assert proof.label() == f"emitted, not proven: tests pass unavailable: {why}"
    assert proof.record()["rungs"][3] == {"rung": 4, "name": "tests pass", "status": "unavailable", "detail": why}


def test_rungs_after_an_unavailable_one_say_it_was_unavailable_not_that_it_failed() -> None:
    from nbrefactor.migrate.prove import RungResult, why_not_run

    climbed = [*(RungResult(n, "passed") for n in range(1, 4)), RungResult(4, "unavailable", "no data")]
    assert why_not_run(5, climbed, verify=True) == "tests pass was unavailable"
    failed = [*(RungResult(n, "passed") for n in range(1, 4)), RungResult(4, "failed", "1 failed")]
    assert why_not_run(5, failed, verify=True) == "tests pass did not pass"
    assert why_not_run(6, failed, verify=False) == "verify not requested"
