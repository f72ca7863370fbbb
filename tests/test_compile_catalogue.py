"""The compiler reads the audit's knowledge, not its own copies: what a rule means to the compile
(rule class attributes), path directions (io_calls.toml) and seeding calls (randomness.toml)."""

from __future__ import annotations

from pathlib import Path

from nbfactory import project, write_notebook
from nbrefactor.audit.catalog import load_catalog
from nbrefactor.audit.engine import audit_notebook
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.project import discover_project
from nbrefactor.audit.rules import all_rules
from nbrefactor.compile.plan import BLOCKING_CODES, PATH_CODES, REQUIREMENT_CODES, SECRET_CODES, plan_model
from nbrefactor.config import Settings


def _plan(tmp_path: Path, cells: list, catalog=None):  # noqa: ANN001, ANN202
    tmp_path.mkdir(parents=True, exist_ok=True)
    root = project(tmp_path)
    path = write_notebook(root / "nb.ipynb", cells)
    catalog = catalog or load_catalog()
    analysis = audit_notebook(read_notebook(path, "nb.ipynb"), Settings(), discover_project(path), catalog)
    return plan_model("nb", [(analysis.facts, analysis.result.diagnostics)], catalog=catalog)


def test_rule_meanings_for_the_compiler_are_rule_attributes() -> None:
    assert BLOCKING_CODES == {"HID003", "HID004", "STR001", "STR002", "STR004", "STR005"}
    assert PATH_CODES == {"PTH001", "PTH002", "PTH003", "PTH006", "PTH008"}
    assert SECRET_CODES == {"SEC001", "SEC003"}
    assert REQUIREMENT_CODES == {"DEP003"}
    assert all(r.compile_fix in ("", "config", "secret", "requirements") for r in all_rules())


def test_a_user_io_call_entry_gives_the_config_field_its_direction(tmp_path: Path) -> None:
    cells = ["import store\nstore.stash('out/model.bin')"]
    # Not catalogued: a path by its shape only (the generic fallback), read or write unknown.
    assert {f.name: f.direction for f in _plan(tmp_path / "a", cells).config_fields} == {"model_bin_path": ""}
    assert {f.name: f.direction for f in _plan(tmp_path / "c", ["import store\nstore.stash('out/model')"]).config_fields} == {}
    extra = tmp_path / "team-rules"
    extra.mkdir()
    (extra / "io_calls.toml").write_text('[[call]]\nfunction = "store.stash"\nposition = 0\ndirection = "write"\n', encoding="utf-8")
    fields = _plan(tmp_path / "b", cells, load_catalog((str(extra),))).config_fields
    assert [(f.name, f.default, f.direction) for f in fields] == [("model_bin_path", "out/model.bin", "write")]


def test_an_mlflow_server_address_becomes_a_field_named_for_what_it_is(tmp_path: Path) -> None:
    # The address has no file name to name the field after (it was `data_url`).
    cells = ["import mlflow\nmlflow.set_tracking_uri('http://127.0.0.1:5000')"]
    fields = _plan(tmp_path, cells).config_fields
    assert [(f.name, f.default) for f in fields] == [("mlflow_server_url", "http://127.0.0.1:5000")]


def test_a_neptune_project_becomes_a_setting_field_not_a_path(tmp_path: Path) -> None:
    # PTH008 on a Neptune project (fair check 16): `workspace/project` is a name, not a file, so its
    # field is a setting (a path field would be listed as a missing input or a folder to create).
    cells = ["import neptune\nrun = neptune.init_run(project='common/pandas-support')"]
    fields = _plan(tmp_path, cells).config_fields
    assert [(f.name, f.default, f.kind, f.direction) for f in fields] == [("neptune_project", "common/pandas-support", "setting", "")]


def test_open_mode_decides_the_direction(tmp_path: Path) -> None:
    cells = ["with open('in.txt') as f:\n    text = f.read()\nwith open('out.txt', 'w') as g:\n    g.write(text)"]
    assert {f.default: f.direction for f in _plan(tmp_path, cells).config_fields} == {"in.txt": "read", "out.txt": "write"}


def test_constants_of_one_folded_finding_keep_their_own_directions(tmp_path: Path) -> None:
    # PTH006 reports the paths of one folder as one finding (fair check 11): the read constant's
    # field stays a read (a missing input is listed as missing), the written one a write.
    cells = ["import pandas as pd\nsrc = 'tables/in.csv'\ndf = pd.read_csv(src)", "dst = 'tables/out.csv'\ndf.to_csv(dst)"]
    fields = _plan(tmp_path, cells).config_fields
    assert {f.default: f.direction for f in fields} == {"tables/in.csv": "read", "tables/out.csv": "write"}


def test_seeding_calls_come_from_the_randomness_catalogue(tmp_path: Path) -> None:
    cells = ["import torch\nimport random\ntorch.cuda.manual_seed(3)\nrandom.seed(5)\n\ndef set_seed(n):\n    return n\n\nset_seed(9)"]
    seeds = sorted(f.default for f in _plan(tmp_path, cells).config_fields if f.kind == "seed")
    # torch.cuda.manual_seed: compile_seed_calls; random.seed: a [[seed]] entry; the notebook's own
    # `set_seed` helper is not a catalogued seeding call, so its argument stays a literal.
    assert seeds == [3, 5]
