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


# --- hostile content (issue 16): secrets anywhere, lookalike names, 1e999, bidi, garbage pins ----

SECRETS = {
    "openai": "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z",
    "github": "ghp_Zq8Xw3Lm5Nb7Vc9Kd2Hs4Jt6Rf1Gy0Pe8Ua3",
    "github-underscored": "fetch_ghp_Zq8Xw3Lm5Nb7Vc9Kd2Hs4Jt6Rf1Gy0Pe8Ub4",
    "aws": "AKIAQ3EXAMPLEZ7KX2MB",
    "postgres": "postgresql://alice:Qw7rT9yU2pZxV4@db.example.com:5432/prod",
}
# What must never be printed in full: the secret part of each value above.
SECRET_CORES = {"openai": "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z", "github": "Zq8Xw3Lm5Nb7Vc9Kd2Hs4Jt6Rf1Gy0Pe8Ua3",
                "github-underscored": "Zq8Xw3Lm5Nb7Vc9Kd2Hs4Jt6Rf1Gy0Pe8Ub4", "aws": "Q3EXAMPLEZ7KX2MB", "postgres": "Qw7rT9yU2pZxV4"}
PLACES = ("source", "comment", "heading", "tag", "cell-metadata", "notebook-metadata", "stdout", "display", "error", "kernel-name")


def _place_secret(doc: dict, place: str, value: str) -> None:
    cells = doc["cells"]
    if place == "source":
        cells[2]["source"] += f"\nclient = connect('{value}')"
    elif place == "comment":
        cells[2]["source"] += f"\n# old key: {value}"
    elif place == "heading":
        cells[0]["source"] = [f"# Churn {value}\n", "Load and train."]
    elif place == "tag":
        cells[1]["metadata"]["tags"] = ["setup", f"block:{value}"]
    elif place == "cell-metadata":
        cells[2]["metadata"]["credentials"] = value
    elif place == "notebook-metadata":
        doc["metadata"]["colab"] = {"token": value}
    elif place == "stdout":
        cells[1]["outputs"][0]["text"] = [f"connected with {value}\n"]
    elif place == "display":
        cells[2]["outputs"][0]["data"]["text/plain"] = [f"Client({value!r})"]
    elif place == "error":
        cells[3]["outputs"][0]["evalue"] = f"bad credentials {value}"
    elif place == "kernel-name":
        doc["metadata"]["kernelspec"]["display_name"] = value


@st.composite
def hostile_content(draw) -> tuple[str, dict, bytes]:
    """A readable notebook with hostile content: a secret of each pattern in each place a notebook
    holds text, a Unicode lookalike name (`ｄｆ` is `df` to Python), an overflowing float (`1e999`)
    where JSON numbers go, bidi overrides, or a garbage `%pip` pin."""
    doc = json.loads(BASE_BYTES)
    shape = draw(st.sampled_from(["secret", "lookalike", "overflow", "bidi", "pin"]))
    info: dict = {}
    raw_replacements: list[tuple[str, str]] = []
    if shape == "secret":
        kind, place = draw(st.sampled_from(sorted(SECRETS))), draw(st.sampled_from(PLACES))
        _place_secret(doc, place, SECRETS[kind])
        info = {"secret": SECRET_CORES[kind], "where": f"{kind} in {place}"}
    elif shape == "lookalike":
        doc["cells"][2]["source"] = "ｄｆ = pd.read_csv('/home/alice/data/churn.csv')\nprint(df.shape)\nﬁle_name = 'x'\nprint(file_name)"
    elif shape == "overflow":
        number = draw(st.sampled_from(["1e999", "-1e999", "1e-999"]))
        spot = draw(st.sampled_from(['"execution_count": 3', '"nbformat_minor": 5', '"version": "3.11"']))
        raw_replacements.append((spot, spot.split(":")[0] + ": " + number))
        doc["cells"][2]["outputs"][0]["data"]["text/plain"] = ["inf"]
    elif shape == "bidi":
        trick = draw(st.sampled_from(["\u202e", "\u2066", "\u2067", "\u202d", "\u200f"]))
        doc["cells"][2]["source"] = f"access = 'user{trick} # admin'\nprint(access)"
        doc["cells"][0]["source"] = [f"# Churn{trick}\n"]
    elif shape == "pin":
        pin = draw(st.sampled_from(['1.3.0\\"]#', "==>=1", "1.0; rm -rf /", "$(curl x)", "1.0\u202e"]))
        doc["cells"][1]["source"] = ["%pip install pandas==" + pin + "\n", "import pandas as pd"]
    raw = json.dumps(doc, indent=1)
    for old, new in raw_replacements:
        raw = raw.replace(old, new, 1)
    return shape, info, raw.encode("utf-8")


def _audit_outputs(raw: bytes) -> tuple[int, dict[str, str]]:
    """Every format the audit prints, for one notebook: text, JSON, SARIF, GitHub."""
    printed = {}
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "pyproject.toml").write_text("[tool.nbrefactor]\n")
        (Path(tmp) / "nb.ipynb").write_bytes(raw)
        before = os.getcwd()
        os.chdir(tmp)
        try:
            codes = set()
            for fmt in ("text", "json", "sarif", "github"):
                out, err = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    codes.add(cli.main(["audit", "nb.ipynb", "--format", fmt, "-j", "1", "--no-cache", "--color", "never"] if fmt == "text" else
                                       ["audit", "nb.ipynb", "--format", fmt, "-j", "1", "--no-cache"]))
                printed[fmt] = out.getvalue() + err.getvalue()
        finally:
            os.chdir(before)
    assert len(codes) == 1, codes
    return codes.pop(), printed


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hostile_content())
def test_hostile_content_never_crashes_leaks_or_misleads(case):
    shape, info, raw = case
    check(raw)
    notebook = parse_notebook("fuzz/nb.ipynb", raw)
    assert isinstance(notebook, Notebook), notebook
    code, formats = _audit_outputs(raw)
    printed = "\n".join(formats.values())
    assert code in (0, 1) and "Traceback" not in printed and "internal error" not in printed, printed
    if shape == "secret":
        assert info["secret"] not in printed, f"{info['where']}: printed in full"
    elif shape == "lookalike":
        # `ｄｆ` and `ﬁle_name` are defined: Python reads them as df, file_name
        undefined = [f["message"] for f in json.loads(formats["json"])["findings"] if f["code"] == "HID003"]
        assert not any("df" in m or "file_name" in m for m in undefined), undefined
    elif shape == "bidi":
        assert not any(ch in formats["text"] for ch in "\u202e\u2066\u2067\u202d"), "a bidi override reached the terminal"
