"""Which names in a folder are importable modules (`project._local_modules`, read with os.scandir)."""

import os

from nbrefactor.audit.project import _local_modules


def test_module_names_follow_pythons_rules(tmp_path):
    for name in ("helpers.py", "a.b.py", ".py", "notes.py.", "README.md"):
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "loose").mkdir()  # a folder of modules without __init__.py
    (tmp_path / "loose" / "x.py").write_text("", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "dir.py").mkdir()  # a folder named like a module, without modules
    os.symlink(tmp_path / "helpers.py", tmp_path / "linked.py")
    os.symlink(tmp_path / "missing.py", tmp_path / "broken.py")
    # `.py` alone has no suffix (pathlib), `notes.py.` ends in a dot, `broken.py` points nowhere.
    assert _local_modules(tmp_path) == frozenset({"helpers", "a.b", "pkg", "loose", "linked"})
    # Above the notebook's own folder only regular packages count.
    assert _local_modules(tmp_path, strict=True) == frozenset({"helpers", "a.b", "pkg", "linked"})


def test_an_unlistable_folder_has_no_modules(tmp_path):
    assert _local_modules(tmp_path / "nowhere") == frozenset()
