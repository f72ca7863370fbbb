"""Settings from `[tool.nbrefactor]`: validated strictly, merged with command-line overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbrefactor.config import (
    ConfigError,
    check_selectors,
    Settings,
    find_pyproject,
    load_settings,
    matches_selector,
    rule_enabled,
    settings_from_table,
    with_overrides,
)


def test_unknown_key_is_rejected_with_the_known_keys():
    with pytest.raises(ConfigError) as err:
        settings_from_table({"ingore": ["PTH001"]}, "pyproject.toml")
    message = str(err.value)
    assert message.startswith("pyproject.toml: unknown key ingore in [tool.nbrefactor]")
    assert "ignore" in message.split("known:")[1] and "per-file-ignores" in message


def test_several_unknown_keys_are_all_named():
    with pytest.raises(ConfigError, match="unknown keys colour, slect"):
        settings_from_table({"slect": [], "colour": "x"})


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ({"select": "PTH"}, "select must be a list of strings"),
        ({"ignore": [1]}, "ignore must be a list of strings"),
        ({"fail-on": 3}, "fail-on must be a string"),
        ({"fail-on": "sometimes"}, "fail-on must be one of error, warning, info, never"),
        ({"per-file-ignores": ["x"]}, "per-file-ignores must map a glob to a list of codes"),
        ({"per-file-ignores": {"*.ipynb": "STR001"}}, "per-file-ignores must map a glob to a list of codes"),
    ],
)
def test_wrong_types_are_rejected(table, problem):
    with pytest.raises(ConfigError, match=problem):
        settings_from_table(table)


def test_valid_table_becomes_frozen_settings(tmp_path):
    settings = settings_from_table(
        {
            "select": ["PTH", "hidden-state"],
            "ignore": ["PTH006"],
            "extend-select": ["STR"],
            "per-file-ignores": {"legacy/*": ["HID"], "a.ipynb": ["SEC003"]},
            "fail-on": "error",
            "extend-exclude": ["scratch"],
            "rules-dirs": ["team_rules"],
            "models": {"x": 1},
        },
        "pyproject.toml",
        base=tmp_path,
    )
    assert settings.select == ("PTH", "hidden-state") and settings.ignore == ("PTH006",)
    assert settings.per_file_ignores == (("a.ipynb", ("SEC003",)), ("legacy/*", ("HID",)))
    assert settings.fail_on == "error" and settings.fail_threshold().value == "error"
    assert settings.rules_dirs == (str((tmp_path / "team_rules").resolve()),)
    assert settings.table("models") == {"x": 1} and settings.table("gpu") == {}
    with pytest.raises(AttributeError):
        settings.select = ()  # frozen


def test_fail_on_never_has_no_threshold():
    assert Settings(fail_on="never").fail_threshold() is None


def test_load_settings_reads_pyproject_and_reports_bad_toml(tmp_path):
    good = tmp_path / "pyproject.toml"
    good.write_text('[tool.nbrefactor]\nignore = ["STR003"]\n')
    assert load_settings(good).ignore == ("STR003",)
    assert load_settings(None) == Settings()
    bad = tmp_path / "bad.toml"
    bad.write_text("[tool.nbrefactor\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings(bad)


def test_find_pyproject_walks_up_to_one_with_our_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.nbrefactor]\nfail-on = "error"\n')
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no [tool.nbrefactor]: skipped
    (inner / "nb.ipynb").write_text("{}")
    assert find_pyproject(inner / "nb.ipynb") == (tmp_path / "pyproject.toml").resolve()


def test_overrides_win_and_none_keeps_the_file_value():
    base = Settings(select=("PTH",), fail_on="error")
    merged = with_overrides(base, select=("STR",), ignore=None, fail_on=None)
    assert merged.select == ("STR",) and merged.fail_on == "error"


@pytest.mark.parametrize(
    ("selector", "hit"),
    [("ALL", True), ("all", True), ("PTH001", True), ("PTH", True), ("pth", True), ("P", True), ("paths", True),
     ("absolute-path", True), ("PTH002", False), ("HID", False), ("hidden-state", False), ("", False), ("path", False)],
)
def test_selector_matches_code_prefix_family_or_name(selector, hit):
    assert matches_selector(selector, "PTH001", "absolute-path", "paths") is hit


def test_rule_enabled_combines_select_ignore_and_per_file():
    s = Settings(select=("PTH",), extend_select=("STR001",), ignore=("PTH006",), per_file_ignores=(("old_*.ipynb", ("paths",)),))
    assert rule_enabled(s, "PTH001", "absolute-path", "paths", "nb.ipynb")
    assert rule_enabled(s, "STR001", "syntax-error", "structure", "nb.ipynb")
    assert not rule_enabled(s, "PTH006", "cwd-relative-path", "paths", "nb.ipynb")
    assert not rule_enabled(s, "HID001", "out-of-order-execution", "hidden-state", "nb.ipynb")
    assert not rule_enabled(s, "PTH001", "absolute-path", "paths", "dir/old_1.ipynb")


def test_excludes_match_any_path_part():
    s = Settings(extend_exclude=("scratch*",))
    assert s.is_excluded(".ipynb_checkpoints/a-checkpoint.ipynb")
    assert s.is_excluded("x/scratch_2/a.ipynb")
    assert not s.is_excluded("x/work/a.ipynb")


def test_shipped_pyproject_configuration_is_valid():
    root = Path(__file__).resolve().parent.parent / "pyproject.toml"
    load_settings(root)  # must not raise, whatever the repository configures


# --- configuration mistakes are errors, not silence ---------------------------------------------

RULES = [("PTH001", "absolute-path", "paths"), ("PTH002", "user-specific-path", "paths"), ("HID001", "out-of-order-execution", "hidden-state")]


@pytest.mark.parametrize(
    ("settings", "unknown", "suggestion"),
    [
        (Settings(select=("PTH999",)), "'PTH999' in select", "did you mean PTH001 or PTH002?"),
        (Settings(select=("paths", "FOO")), "'FOO' in select", None),
        (Settings(ignore=("XYZ123",)), "'XYZ123' in ignore", None),
        (Settings(ignore=("hiden-state",)), "'hiden-state' in ignore", "did you mean hidden-state?"),
        (Settings(per_file_ignores=(("nb/*.ipynb", ("PTH01",)),)), "'PTH01' in per-file-ignores 'nb/*.ipynb'", "PTH001"),
    ],
)
def test_unknown_selectors_are_config_errors_with_a_suggestion(settings, unknown, suggestion):
    with pytest.raises(ConfigError) as info:
        check_selectors(settings, RULES)
    message = str(info.value)
    assert f"unknown rule {unknown}" in message
    if suggestion is None:
        assert "did you mean" not in message
    else:
        assert suggestion in message


def test_known_selectors_pass():
    check_selectors(Settings(select=("ALL", "PTH", "HID00", "paths", "out-of-order-execution"), ignore=("pth002",)), RULES)


def test_cli_unknown_select_exits_2_naming_the_selector(tmp_path, monkeypatch, capsys):
    from nbrefactor.cli.app import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.nbrefactor]\n")
    (tmp_path / "nb.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    for argv, selector in ((["--select", "PTH999"], "PTH999"), (["--select", "paths,FOO"], "FOO"), (["--ignore", "XYZ123"], "XYZ123")):
        assert main(["audit", "nb.ipynb", *argv]) == 2
        err = capsys.readouterr().err
        assert f"unknown rule '{selector}'" in err and err.count("\n") == 1


def test_invalid_auto_discovered_pyproject_is_an_error_with_file_and_line(tmp_path, monkeypatch, capsys):
    from nbrefactor.cli.app import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.nbrefactor]\nselect = ["PTH"\nignore = 3\n')
    (tmp_path / "nb.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    with pytest.raises(ConfigError, match=r"pyproject\.toml:3: invalid TOML"):
        find_pyproject(tmp_path / "nb.ipynb")
    assert main(["audit", "nb.ipynb"]) == 2
    err = capsys.readouterr().err
    assert "pyproject.toml:3: invalid TOML" in err and err.count("\n") == 1


def test_tomllib_is_imported_on_first_use_and_is_tomllib_then():
    """config, the catalogue and the project's manifests import `tomllib` when they first parse
    TOML (issue 15, thirty-first round): importing them imports no `tomllib`, and their `tomllib`
    answers as the module does."""
    import os
    import subprocess
    import sys
    import tomllib as real

    from nbrefactor import config
    from nbrefactor.audit import catalog, project

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.path.join(root, "runtime", "src")])}
    script = ("import sys; import nbrefactor.config, nbrefactor.audit.catalog, nbrefactor.audit.project, nbrefactor.audit.engine; "
              "print('tomllib' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True).stdout == "False\n"
    for module in (config, catalog, project):
        assert module.tomllib.loads('a = 1\n[t]\nb = "x"') == {"a": 1, "t": {"b": "x"}}
        assert module.tomllib.TOMLDecodeError is real.TOMLDecodeError and module.tomllib.loads is real.loads
        try:
            module.tomllib.loads("a = ")
        except module.tomllib.TOMLDecodeError as exc:
            assert isinstance(exc, real.TOMLDecodeError)
        else:
            raise AssertionError("no TOMLDecodeError")
