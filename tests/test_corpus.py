"""The fixture corpus, measured: every notebook under fixtures/notebooks/ is audited and its
findings compared with the hand-written `<name>.expected.json` beside it.

A finding is (code, cell, line), plus the manifest path for findings located in a manifest
(DEP004); cells count from 1 over all cells. Any missed or extra finding fails that notebook's
test, listed precisely. Precision and recall per rule family (and per code) are printed at the
end (`pytest -s` or `-rA` shows them) and written to build/corpus-metrics.json.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Optional

import pytest

from nbrefactor.config import load_settings
from nbrefactor.audit.engine import audit_paths
from nbrefactor.audit.types import AuditResult, Diagnostic, NotebookResult

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "fixtures" / "notebooks"
METRICS_FILE = REPO / "build" / "corpus-metrics.json"

Key = tuple[str, Optional[int], Optional[int], Optional[str]]  # code, cell, line, manifest path


def notebooks() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def expected_file(notebook: Path) -> Path:
    return notebook.with_name(notebook.name[: -len(".ipynb")] + ".expected.json")


def rel(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


def load_expected(notebook: Path) -> dict[str, Any]:
    return json.loads(expected_file(notebook).read_text(encoding="utf-8"))


def expected_keys(notebook: Path) -> Counter[Key]:
    keys: Counter[Key] = Counter()
    for f in load_expected(notebook).get("findings", []):
        keys[(f["code"], f["cell"], f["line"], f.get("path"))] += 1
    return keys


def actual_key(d: Diagnostic, notebook: Path) -> Key:
    loc = d.location
    where = _resolve(loc.path)
    if where == notebook.resolve():
        return (d.code, loc.cell, loc.line, None)
    # A finding located in another file (a manifest): its path relative to the notebook's folder.
    return (d.code, loc.cell, loc.line, Path(os.path.relpath(where, notebook.parent.resolve())).as_posix())


def _resolve(path: str) -> Path:
    p = Path(path)
    return (p if p.is_absolute() else Path.cwd() / p).resolve()


def _describe(key: Key, messages: dict[Key, str] | None = None) -> str:
    code, cell, line, path = key
    where = f"{path}:{line}" if path else ("notebook" if cell is None else f"cell {cell} line {line}")
    text = f"{code} at {where}"
    if messages and key in messages:
        text += f" ({messages[key]})"
    return text


# --- the audit, once for the whole corpus -----------------------------------------------------


@pytest.fixture(scope="module")
def corpus_results() -> dict[Path, NotebookResult]:
    settings = load_settings(CORPUS / "pyproject.toml")
    result: AuditResult = audit_paths([str(CORPUS)], settings)
    by_path = {_resolve(nb.path): nb for nb in result.notebooks}
    return by_path


def compare(notebook: Path, results: dict[Path, NotebookResult]) -> tuple[Counter[Key], Counter[Key], Counter[Key], dict[Key, str]]:
    """(expected, missed, extra, messages of the actual findings)."""
    result = results.get(notebook.resolve())
    assert result is not None, f"{rel(notebook)} was not audited (is it excluded or not found?)"
    expected = expected_keys(notebook)
    actual: Counter[Key] = Counter()
    messages: dict[Key, str] = {}
    for d in result.diagnostics:
        key = actual_key(d, notebook)
        actual[key] += 1
        messages.setdefault(key, d.message)
    return expected, expected - actual, actual - expected, messages


NOTEBOOKS = notebooks()


def test_corpus_is_complete() -> None:
    """Every notebook has its expectations and every expectation file its notebook; the corpus
    holds the model folders and bad inputs it promises."""
    assert len(NOTEBOOKS) >= 25, [rel(p) for p in NOTEBOOKS]
    missing = [rel(p) for p in NOTEBOOKS if not expected_file(p).is_file()]
    assert not missing, f"notebooks without <name>.expected.json: {missing}"
    orphans = [
        rel(e) for e in CORPUS.rglob("*.expected.json")
        if not e.with_name(e.name[: -len(".expected.json")] + ".ipynb").exists()
    ]
    assert not orphans, f"expectation files without a notebook: {orphans}"
    model_folders = {p.parent for p in NOTEBOOKS if p.parent.name != "bad"}
    assert len(model_folders) >= 12, sorted(str(f) for f in model_folders)
    assert (CORPUS / "pyproject.toml").read_text(encoding="utf-8").count("[tool.nbrefactor]") == 1


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[rel(p) for p in NOTEBOOKS])
def test_expectation_file_is_well_formed(notebook: Path) -> None:
    data = load_expected(notebook)
    assert ("findings" in data) != ("error" in data), "exactly one of 'findings' or 'error'"
    if "error" in data:
        assert isinstance(data["error"], str) and data["error"].strip()
        return
    for f in data["findings"]:
        assert set(f) <= {"code", "cell", "line", "path"}, f
        assert len(f["code"]) == 6 and f["code"][:3].isalpha() and f["code"][3:].isdigit(), f
        assert f["cell"] is None or (isinstance(f["cell"], int) and f["cell"] >= 1), f
        assert f["line"] is None or (isinstance(f["line"], int) and f["line"] >= 1), f
        if "path" in f:
            assert f["cell"] is None and isinstance(f["line"], int), f"a manifest finding has a line and no cell: {f}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[rel(p) for p in NOTEBOOKS])
def test_notebook_findings_match_expectations(notebook: Path, corpus_results: dict[Path, NotebookResult]) -> None:
    data = load_expected(notebook)
    result = corpus_results.get(notebook.resolve())
    assert result is not None, f"{rel(notebook)} was not audited"
    if "error" in data:
        assert result.error is not None, f"{rel(notebook)} should be unreadable ({data['error']!r}) but was audited"
        assert data["error"] in result.error.problem, f"problem {result.error.problem!r} lacks {data['error']!r}"
        assert "\n" not in str(result.error), "the problem must fit on one line"
        assert not result.diagnostics
        return
    assert result.error is None, f"{rel(notebook)} could not be audited: {result.error}"
    # A kernel that is not Python: the run's "not analysed" notice (STR002), never a finding.
    notice = result.not_analysed
    assert (notice is not None) == bool(data.get("not_analysed")), (
        f"{rel(notebook)}: not analysed is {notice}, expected {bool(data.get('not_analysed'))}")
    _, missed, extra, messages = compare(notebook, corpus_results)
    lines = []
    for key in sorted(missed.elements(), key=_sort_key):
        lines.append(f"  missed: {_describe(key)}")
    for key in sorted(extra.elements(), key=_sort_key):
        lines.append(f"  extra:  {_describe(key, messages)}")
    assert not lines, f"{rel(notebook)}: findings differ from {expected_file(notebook).name}\n" + "\n".join(lines)


def _sort_key(key: Key) -> tuple:
    code, cell, line, path = key
    return (path or "", cell or 0, line or 0, code)


def test_corpus_metrics(corpus_results: dict[Path, NotebookResult]) -> None:
    """Precision and recall per family and per code over the whole corpus (printed and written
    to build/corpus-metrics.json). Mismatches themselves fail the per-notebook tests above."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    total_expected = 0
    for notebook in NOTEBOOKS:
        if "error" in load_expected(notebook):
            continue
        expected, missed, extra, _ = compare(notebook, corpus_results)
        total_expected += sum(expected.values())
        for key, n in expected.items():
            tp[key[0]] += n - missed.get(key, 0)
        for key, n in missed.items():
            fn[key[0]] += n
        for key, n in extra.items():
            fp[key[0]] += n
    codes = sorted(set(tp) | set(fp) | set(fn))
    families = sorted({c[:3] for c in codes})

    def score(keys: list[str]) -> dict[str, Any]:
        t, f_p, f_n = (sum(c[k] for k in keys) for c in (tp, fp, fn))
        return {
            "tp": t, "fp": f_p, "fn": f_n,
            "precision": round(t / (t + f_p), 4) if t + f_p else None,
            "recall": round(t / (t + f_n), 4) if t + f_n else None,
        }

    metrics = {
        "notebooks": len(NOTEBOOKS),
        "expected_findings": total_expected,
        "overall": score(codes),
        "by_family": {fam: score([c for c in codes if c.startswith(fam)]) for fam in families},
        "by_code": {c: score([c]) for c in codes},
    }
    METRICS_FILE.parent.mkdir(parents=True, exist_ok=True)
    METRICS_FILE.write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    def fmt(v: Optional[float]) -> str:
        return "  n/a" if v is None else f"{v:5.3f}"

    print(f"\ncorpus: {len(NOTEBOOKS)} notebooks, {total_expected} expected findings")
    print(f"{'family':<8} {'tp':>4} {'fp':>4} {'fn':>4}  precision  recall")
    for name, s in [*metrics["by_family"].items(), ("ALL", metrics["overall"])]:
        print(f"{name:<8} {s['tp']:>4} {s['fp']:>4} {s['fn']:>4}  {fmt(s['precision']):>9}  {fmt(s['recall']):>6}")
    per_code = [f"{c} P={fmt(s['precision']).strip()} R={fmt(s['recall']).strip()}" for c, s in metrics["by_code"].items()]
    print("per code: " + ", ".join(per_code))
    print(f"written to {METRICS_FILE.relative_to(REPO)}")

    assert metrics["overall"]["tp"] + metrics["overall"]["fn"] == total_expected
    assert json.loads(METRICS_FILE.read_text(encoding="utf-8"))["expected_findings"] == total_expected


def test_committed_fixtures_match_their_generator(tmp_path: Path) -> None:
    """The committed notebooks, manifests and expectation files are exactly what
    fixtures/build_fixtures.py writes: nobody edited a generated file by hand and forgot the
    generator (or the other way round)."""
    spec = importlib.util.spec_from_file_location("build_fixtures", REPO / "fixtures" / "build_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    module.ROOT = tmp_path
    module.main()
    built = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert len(built) > 40
    absent, different = [], []
    for path in built:
        relative = path.relative_to(tmp_path).as_posix()
        committed = CORPUS / relative
        if not committed.is_file():
            absent.append(relative)
        elif committed.read_bytes() != path.read_bytes():
            different.append(relative)
    assert not absent, f"the generator writes files that are not in the corpus: {absent}"
    assert not different, f"committed fixtures differ from the generator's output (rebuild or fix the generator): {different}"
