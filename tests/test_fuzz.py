"""Fuzz: no input makes the loader, the audit or the CLI crash.

Starting from a realistic notebook, hypothesis truncates it, flips the type of any value, deletes
keys, inserts garbage bytes, puts random unicode in sources and nests JSON deeply. Every outcome
must be a `Notebook` that audits without raising, or exactly one `LoadError` whose text is one
line starting with the file's name. Bounded to stay well under 30 s.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbrefactor.cli import app as cli
from nbrefactor.audit.catalog import load_catalog
from nbrefactor.config import Settings
from nbrefactor.audit.engine import audit_notebook
from nbrefactor.audit.loader import parse_notebook
from nbrefactor.audit.types import LoadError, Notebook
from nbrefactor.audit.project import ProjectContext

BASE = {
    "cells": [
        {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": ["# Churn\n", "Load and train."]},
        {"cell_type": "code", "id": "c1", "metadata": {"tags": ["setup"]}, "execution_count": 1,
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["ok\n"]}],
         "source": ["%matplotlib inline\n", "!pip install -q lightgbm\n", "import numpy as np\n", "import pandas as pd"]},
        {"cell_type": "code", "id": "c2", "metadata": {}, "execution_count": 3,
         "outputs": [{"output_type": "execute_result", "execution_count": 3, "metadata": {},
                      "data": {"text/plain": ["(10, 2)"], "image/png": "iVBORw0KGgo="}}],
         "source": "df = pd.read_csv('/home/alice/data/churn.csv')\ndf.drop(columns=['id'], inplace=True)\ndf.shape"},
        {"cell_type": "code", "id": "c3", "metadata": {}, "execution_count": 2,
         "outputs": [{"output_type": "error", "ename": "NameError", "evalue": "x", "traceback": ["NameError: x"]}],
         "source": "%%time\nnp.random.seed(0)\nmodel = fit(df, token='ghp_abcdefghijklmnopqrstuvwxyz0123456789')\nprint 'done'"},
        {"cell_type": "raw", "id": "r1", "metadata": {}, "source": "raw"},
    ],
    "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
                 "language_info": {"name": "python", "version": "3.11"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}
BASE_BYTES = json.dumps(BASE, indent=1).encode()
SETTINGS = Settings()
CATALOG = load_catalog()
PROJECT = ProjectContext()

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), st.floats(allow_nan=False), st.text(max_size=30))
json_values = st.recursive(json_scalars, lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=8), kids, max_size=4)), max_leaves=12)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


def _set(doc, path, value):
    if not path:
        return value
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


def _delete(doc, path):
    if not path:
        return doc
    node = doc
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return doc


@st.composite
def mutated_documents(draw) -> bytes:
    doc = json.loads(BASE_BYTES)
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(doc))
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["flip", "delete", "unicode", "nest"]))
        if op == "flip":
            doc = _set(doc, path, draw(json_values))
        elif op == "delete":
            doc = _delete(doc, path)
        elif op == "unicode":
            doc = _set(doc, path, draw(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)))
        else:
            # (deeper nesting, up to 200,000 levels, is fed as bytes by `mutated_bytes`)
            nested: list = []
            for _ in range(draw(st.integers(50, 400))):
                nested = [nested]
            doc = _set(doc, path, nested)
    return json.dumps(doc).encode("utf-8")


@st.composite
def mutated_bytes(draw) -> bytes:
    raw = BASE_BYTES
    op = draw(st.sampled_from(["truncate", "insert", "overwrite", "deep"]))
    if op == "truncate":
        return raw[: draw(st.integers(0, len(raw)))]
    if op == "deep":
        depth = draw(st.integers(100, 200_000))
        return b'{"nbformat": 4, "cells": ' + b"[" * depth + b"]" * depth + b"}"
    at = draw(st.integers(0, len(raw)))
    garbage = draw(st.binary(min_size=1, max_size=20))
    if op == "insert":
        return raw[:at] + garbage + raw[at:]
    return raw[:at] + garbage + raw[at + len(garbage):]


def check(raw: bytes) -> None:
    outcome = parse_notebook("fuzz/nb.ipynb", raw)
    if isinstance(outcome, LoadError):
        line = str(outcome)
        assert line.startswith("fuzz/nb.ipynb: ") and len(line) > len("fuzz/nb.ipynb: ")
        assert "\n" not in line and "\r" not in line
        return
    assert isinstance(outcome, Notebook)
    result = audit_notebook(outcome, SETTINGS, PROJECT, CATALOG).result
    for d in result.diagnostics:
        assert d.location.path == "fuzz/nb.ipynb"
        assert d.location.cell is None or 1 <= d.location.cell <= len(outcome.cells)


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FAST
@given(mutated_documents())
def test_mutated_json_never_crashes(raw):
    check(raw)


@FAST
@given(mutated_bytes())
def test_mutated_bytes_never_crash(raw):
    check(raw)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(max_size=120), min_size=1, max_size=4))
def test_random_unicode_sources_never_crash(sources):
    doc = json.loads(BASE_BYTES)
    doc["cells"] = [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None, "outputs": [], "source": s}
                    for i, s in enumerate(sources)]
    check(json.dumps(doc).encode())


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mutated_bytes(), mutated_documents()))
def test_cli_on_a_bad_file_prints_one_line_naming_it(raw):
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "pyproject.toml").write_text("[tool.nbrefactor]\n")
        (Path(tmp) / "nb.ipynb").write_bytes(raw)
        out, err = io.StringIO(), io.StringIO()
        before = os.getcwd()
        os.chdir(tmp)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cli.main(["audit", "nb.ipynb", "--format", "json", "-j", "1"])
        finally:
            os.chdir(before)
        data = json.loads(out.getvalue())
        if isinstance(parse_notebook("nb.ipynb", raw), LoadError):
            assert code == 2
            assert len(data["errors"]) == 1 and data["errors"][0]["path"] == "nb.ipynb"
            lines = err.getvalue().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: nb.ipynb: ")
        else:
            assert code in (0, 1) and data["errors"] == [] and err.getvalue() == ""


# --- hostile shapes (issue 16): huge integers, lone surrogates, deep and long code ---------------


@st.composite
def hostile_documents(draw) -> bytes:
    """A realistic notebook with one hostile piece put where hypothesis chooses: an integer beyond
    Python's 4,300-digit limit, a lone surrogate escape, brackets nested past CPython's 200, a
    long operator or call chain, or terminal escape sequences."""
    doc = json.loads(BASE_BYTES)
    shape = draw(st.sampled_from(["bigint", "surrogate", "brackets", "chain", "calls", "escapes"]))
    cell = draw(st.sampled_from([1, 2, 3]))
    if shape == "brackets":
        depth = draw(st.integers(150, 3000))
        doc["cells"][cell]["source"] = "x = " + "[" * depth + "]" * depth
    elif shape == "chain":
        terms = draw(st.integers(300, 20_000))
        doc["cells"][cell]["source"] = "x = " + draw(st.sampled_from([" + ", " * ", " and ", "."])).join(["a"] * terms)
    elif shape == "calls":
        doc["cells"][cell]["source"] = "x = f" + "()" * draw(st.integers(300, 6000))
    elif shape == "escapes":
        doc["cells"][cell]["source"] = "print('\x1b[2J\x1b[31mfake\x07')  # \x1b]0;title\x07"
    raw = json.dumps(doc)
    if shape == "bigint":
        digits = "9" * draw(st.integers(4300, 12_000))
        raw = raw.replace('"execution_count": 1', '"execution_count": ' + digits, 1)
    elif shape == "surrogate":
        raw = raw.replace("Load and train.", "Load \\ud800 and \\udfff train.").replace("ok\\n", "\\udbff ok\\n")
        raw = raw.replace('"setup"', '"\\ud800"')
    return raw.encode("utf-8")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hostile_documents())
def test_hostile_shapes_never_crash_and_never_take_long(raw):
    import time

    started = time.monotonic()
    check(raw)
    outcome = parse_notebook("fuzz/nb.ipynb", raw)
    assert isinstance(outcome, Notebook), outcome  # each of these is a readable notebook
    for cell in outcome.cells:  # nothing a UTF-8 writer would refuse
        cell.source.encode("utf-8")
        for tag in cell.tags:
            tag.encode("utf-8")
        for output in cell.outputs:
            output.text.encode("utf-8")
    assert time.monotonic() - started < 30
