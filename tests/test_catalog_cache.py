"""The parsed catalogue kept beside the byte-code (audit/catalog.py `_parsed_folder`, issue 15
twenty-first round) is used only for the exact bytes it was parsed from: what a run reads from it
equals a fresh TOML parse, and any change to a file, a file added or a broken entry parses again."""

from __future__ import annotations

import marshal
import sys
import tomllib
from pathlib import Path

import pytest

from nbrefactor.audit import catalog


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "pycache"
    monkeypatch.setattr(catalog, "_CACHE_FOLDER", folder)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return folder


def _fresh(folder: Path) -> dict:
    """What tomllib itself reads from the folder's files (not through the code under test)."""
    return {f.stem: tomllib.loads(f.read_text(encoding="utf-8")) for f in sorted(folder.glob("*.toml"))}


def _rules(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    return folder


def test_the_shipped_catalogue_read_back_from_the_cache_equals_the_toml(cache_folder: Path) -> None:
    shipped = catalog.shipped_rules_dir()
    first = catalog.read_catalog_files([shipped])
    assert len(list(cache_folder.glob("catalog-*.marshal"))) == 1
    second = catalog.read_catalog_files([shipped])  # answered from the entry
    expected = _fresh(shipped)
    assert first == expected and second == expected
    # the order of keys is kept too (rules iterate over tables in file order)
    assert [list(t) for t in second.values()] == [list(t) for t in expected.values()]


def test_a_changed_file_is_parsed_again(cache_folder: Path, tmp_path: Path) -> None:
    folder = _rules(tmp_path, a='x = ["one"]\n', b="y = 1\n")
    assert catalog.read_catalog_files([folder]) == {"a": {"x": ["one"]}, "b": {"y": 1}}
    (folder / "a.toml").write_text('x = ["two"]\n', encoding="utf-8")  # same length, other bytes
    assert catalog.read_catalog_files([folder]) == {"a": {"x": ["two"]}, "b": {"y": 1}}
    (folder / "c.toml").write_text("z = 2.5\n", encoding="utf-8")
    assert catalog.read_catalog_files([folder]) == {"a": {"x": ["two"]}, "b": {"y": 1}, "c": {"z": 2.5}}
    (folder / "b.toml").unlink()
    assert catalog.read_catalog_files([folder]) == {"a": {"x": ["two"]}, "c": {"z": 2.5}}


def test_an_entry_whose_sources_differ_is_not_used(cache_folder: Path, tmp_path: Path) -> None:
    """Even an entry at the right name is used only for the bytes it holds (a crc32 collision, or
    an entry written by another version of the file)."""
    folder = _rules(tmp_path, a="x = 1\n")
    catalog.read_catalog_files([folder])
    (entry,) = cache_folder.glob("catalog-*.marshal")
    fmt, sources, parsed = marshal.loads(entry.read_bytes())
    entry.write_bytes(marshal.dumps((fmt, [("a", b"x = 2\n")], [("a", {"x": 2})])))
    assert catalog.read_catalog_files([folder]) == {"a": {"x": 1}}


def test_a_broken_entry_falls_back_to_parsing(cache_folder: Path, tmp_path: Path) -> None:
    folder = _rules(tmp_path, a="x = 1\n")
    catalog.read_catalog_files([folder])
    (entry,) = cache_folder.glob("catalog-*.marshal")
    entry.write_bytes(entry.read_bytes()[:10])
    assert catalog.read_catalog_files([folder]) == {"a": {"x": 1}}


def test_values_marshal_cannot_keep_are_parsed_every_time(cache_folder: Path, tmp_path: Path) -> None:
    folder = _rules(tmp_path, a="when = 2026-12-03\n")
    assert catalog.read_catalog_files([folder]) == _fresh(folder)
    assert not cache_folder.exists() or not any(cache_folder.iterdir())  # no entry, no scratch file


def test_nothing_is_written_when_python_writes_no_byte_code(cache_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    folder = _rules(tmp_path, a="x = 1\n")
    assert catalog.read_catalog_files([folder]) == {"a": {"x": 1}}
    assert not cache_folder.exists()
