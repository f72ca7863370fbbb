"""Security rules SEC001–SEC003 beyond their embedded examples; above all: no report ever prints a
secret in full, whichever rule's finding sits on its line."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

from nbrefactor.audit.catalog import load_catalog
from nbrefactor.config import Settings
from nbrefactor.audit.engine import audit_notebook, audit_paths
from nbrefactor.audit.loader import parse_notebook, read_notebook
from nbrefactor.audit.project import discover_project
from nbrefactor.report import json_report, text
from nbrefactor.audit.rules import rule_by_code
from nbfactory import notebook_json, project, write_notebook

AWS_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
GITHUB = "ghp_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78"
HF = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567"
OPENAI = "sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90"
SLACK = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
PG_PASSWORD = "S3cr3tPassw0rd"
PEM_BODY = "MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB"
CREDENTIAL = "Tr0ub4dor&3xyz"
ENV_TOKEN = "9f8e7d6c5b4a3210"

SECRETS = (AWS_ID, AWS_SECRET, GITHUB, HF, OPENAI, SLACK, PG_PASSWORD, PEM_BODY, CREDENTIAL, ENV_TOKEN)

SEC = [rule_by_code(c) for c in ("SEC001", "SEC002", "SEC003")]


def leaky_notebook(root: Path) -> Path:
    """Secrets in code, magics, shell lines, a %%bash body, a path-like string, outputs and a
    traceback, on lines other rules also report (absolute paths, chdir, installs, undefined names)."""
    cells = [
        ("md", "# Training"),
        f"import os, boto3\nos.chdir('/home/alice/{AWS_ID}')\ns3 = boto3.client('s3', aws_access_key_id='{AWS_ID}', aws_secret_access_key='{AWS_SECRET}')",
        f"%env AWS_SECRET_ACCESS_KEY={AWS_SECRET}\n%env MLFLOW_TRACKING_TOKEN={ENV_TOKEN}\n!pip install --index-url https://etl:{PG_PASSWORD}@pypi.internal/simple private-lib",
        f'!curl -H "Authorization: Bearer {GITHUB}" https://api.github.com/user',
        f"%%bash\nexport HF_TOKEN={HF}\nhuggingface-cli whoami",
        f'engine = create_engine("postgresql://etl:{PG_PASSWORD}@db.internal:5432/sales")\ndf = pd.read_csv("/data/{AWS_ID}.csv")',
        f'db_password = "{CREDENTIAL}"\nclient = OpenAI(api_key="{OPENAI}")\nprint(undefined_thing, "{CREDENTIAL}")',
        f'KEY = """-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----"""',
        (
            "code",
            "print(os.environ)",
            {
                "count": 1,
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": f"{{'SLACK_TOKEN': '{SLACK}', 'AWS': '{AWS_ID}'}}\n"},
                    {
                        "output_type": "execute_result",
                        "execution_count": 1,
                        "metadata": {},
                        "data": {"text/plain": f"'{OPENAI}'", "text/html": f"<b>{OPENAI}</b>"},
                    },
                ],
            },
        ),
        (
            "code",
            "engine.connect()",
            {
                "count": 2,
                "outputs": [
                    {
                        "output_type": "error",
                        "ename": "OperationalError",
                        "evalue": f"postgresql://etl:{PG_PASSWORD}@db.internal",
                        "traceback": [f"OperationalError: could not connect to postgresql://etl:{PG_PASSWORD}@db.internal:5432/sales"],
                    }
                ],
            },
        ),
    ]
    return write_notebook(root / "leaky.ipynb", cells)


def test_json_report_never_contains_a_full_secret(tmp_path, monkeypatch):
    root = project(tmp_path)
    leaky_notebook(root)
    monkeypatch.chdir(root)
    result = audit_paths(["leaky.ipynb"], Settings())
    rendered = json_report.render(result)
    report = json.loads(rendered)
    codes = {f["code"] for f in report["findings"]}
    # The notebook really was audited by every family, security included.
    assert {"SEC001", "SEC002", "SEC003"} <= codes
    assert len(codes) >= 5
    for secret in SECRETS:
        assert secret not in rendered, f"{secret[:4]}… leaked into the JSON report"


def test_text_report_never_contains_a_full_secret(tmp_path, monkeypatch):
    root = project(tmp_path)
    leaky_notebook(root)
    monkeypatch.chdir(root)
    result = audit_paths(["leaky.ipynb"], Settings())
    stream = io.StringIO()
    text.render(result, stream, color=False)
    output = stream.getvalue()
    assert "SEC001" in output
    for secret in SECRETS:
        assert secret not in output


def audit(path: Path, rules=SEC):
    notebook = read_notebook(path, path.name)
    return audit_notebook(notebook, Settings(), discover_project(path), load_catalog(), rules=rules).result.diagnostics


def test_leaky_notebook_findings_are_located_exactly(tmp_path):
    nb = leaky_notebook(project(tmp_path))
    spots = sorted((d.code, d.location.cell, d.location.line) for d in audit(nb))
    assert spots == sorted(
        [
            ("SEC001", 2, 2),
            ("SEC001", 2, 3),
            ("SEC001", 2, 3),
            ("SEC001", 3, 1),
            ("SEC001", 3, 3),
            ("SEC001", 4, 1),
            ("SEC001", 5, 2),
            ("SEC001", 6, 1),
            ("SEC001", 6, 2),
            ("SEC001", 7, 2),
            ("SEC001", 8, 1),
            ("SEC002", 9, 1),  # Slack's token is in no source: the output leaks it itself
            ("SEC003", 3, 2),
            ("SEC003", 7, 1),
        ]
    )
    # Cell 10's traceback shows only the database password cells 3 and 6 write: one credential, the
    # output a related location of its first finding (fair check 26), not a SEC002 of its own.
    first_password = next(d for d in audit(nb) if (d.code, d.location.cell, d.location.line) == ("SEC001", 3, 3))
    assert [r.cell for r in first_password.related] == [10]
    assert "saved output of cell 10 shows it too (related)" in first_password.message


def test_sec001_columns_and_end_of_a_multiline_private_key(tmp_path):
    nb = write_notebook(
        project(tmp_path) / "k.ipynb",
        [f'x = 1\nKEY = """-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----"""'],
    )
    (d,) = audit(nb, [rule_by_code("SEC001")])
    assert (d.location.line, d.location.column, d.location.end_line) == (2, 10, 5)
    assert d.snippet == 'KEY = """-----BEGIN RSA PRIVATE KEY-----'
    assert PEM_BODY not in d.message


def test_sec001_scans_cells_that_do_not_parse(tmp_path):
    nb = write_notebook(project(tmp_path) / "s.ipynb", [f"print 'key', '{AWS_ID}'"])
    assert [(d.code, d.location.line, d.location.column) for d in audit(nb)] == [("SEC001", 1, 15)]


def test_sec001_is_suppressed_by_noqa_and_by_cell_tag(tmp_path):
    nb = write_notebook(
        project(tmp_path) / "n.ipynb",
        [
            f"key = '{AWS_ID}'  # noqa: SEC001",
            ("code", f"key = '{AWS_ID}'", {"tags": ["nbrefactor:ignore:SEC"]}),
            f"key = '{AWS_ID}'",
        ],
    )
    assert [(d.location.cell, d.location.line) for d in audit(nb)] == [(3, 1)]


def test_sec002_message_never_quotes_the_secret_and_snippet_is_masked(tmp_path):
    nb = leaky_notebook(project(tmp_path))
    for d in audit(nb, [rule_by_code("SEC002")]):
        assert d.location.line == 1
        for secret in SECRETS:
            assert secret not in d.message and secret not in d.snippet
    first = next(d for d in audit(nb, [rule_by_code("SEC002")]) if d.location.cell == 9)
    assert "Slack token" in first.message and "AWS access key ID" in first.message and "OpenAI" in first.message
    assert "xoxb********" in first.snippet


def test_sec002_reads_rich_outputs_of_an_nbformat_v3_notebook():
    raw = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"kernelspec": {"name": "python2", "language": "python"}},
        "worksheets": [
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "input": "creds",
                        "language": "python",
                        "prompt_number": 1,
                        "outputs": [{"output_type": "pyout", "prompt_number": 1, "text": f"'{GITHUB}'", "metadata": {}}],
                    }
                ]
            }
        ],
    }
    notebook = parse_notebook("v3.ipynb", json.dumps(raw).encode("utf-8"))
    from nbrefactor.audit.project import ProjectContext

    result = audit_notebook(notebook, Settings(), ProjectContext(), load_catalog(), rules=[rule_by_code("SEC002")]).result
    assert [(d.location.cell, d.location.line) for d in result.diagnostics] == [(1, 1)]


def test_sec002_on_a_large_output_is_fast(tmp_path):
    noise = ("epoch 1/10 loss=0.1234 acc=0.9876 lr=0.001 sk-learn model_v2 AKIA not a key\n" * 60_000)
    nb = write_notebook(
        project(tmp_path) / "big.ipynb",
        [("code", "train()", {"count": 1, "outputs": [{"output_type": "stream", "name": "stdout", "text": f"key {AWS_ID}\n" + noise}]})],
    )
    start = time.perf_counter()
    found = audit(nb, [rule_by_code("SEC002")])
    elapsed = time.perf_counter() - start
    assert len(noise) > 4_000_000
    assert [(d.location.cell, d.location.line) for d in found] == [(1, 1)]
    assert elapsed < 5.0, f"{elapsed:.2f}s"


def test_sec003_not_reported_where_sec001_already_is(tmp_path):
    nb = write_notebook(
        project(tmp_path) / "c.ipynb",
        [f'api_key = "{OPENAI}"\naws_secret_access_key = "{AWS_SECRET}"\ntoken = "{HF}"\npassword = "{CREDENTIAL}"'],
    )
    spots = sorted((d.code, d.location.line) for d in audit(nb))
    assert spots == [("SEC001", 1), ("SEC001", 2), ("SEC001", 3), ("SEC003", 4)]


def test_sec003_snippet_masks_the_value_and_message_names_the_variable(tmp_path):
    nb = write_notebook(project(tmp_path) / "c.ipynb", [f'conn = connect(user="etl", password="{CREDENTIAL}")'])
    (d,) = audit(nb)
    assert d.code == "SEC003"
    assert d.snippet == 'conn = connect(user="etl", password="Tr0u********")'
    assert "`password`" in d.message and CREDENTIAL not in d.message
    assert (d.location.line, d.location.column) == (1, 37)


def test_sec003_reads_non_ascii_lines_with_character_columns(tmp_path):
    nb = write_notebook(project(tmp_path) / "u.ipynb", [f'note = "café"; secret = "{CREDENTIAL}"'])
    (d,) = audit(nb)
    assert (d.code, d.location.column) == ("SEC003", 25)


def test_sec003_weak_name_needs_a_generated_looking_run_not_a_numeric_suffix(tmp_path):
    # Fair check 18: scanpy's result slot `key='rank_genes_r0.5'` is an identifier; `minio123`,
    # a mixed-case password with a separator and a key with a dash stay reported.
    from nbrefactor.audit.secrets import _looks_generated

    assert not _looks_generated("rank_genes_r0.5")
    assert not _looks_generated("louvain_r1.0")
    assert _looks_generated("minio123")
    assert _looks_generated("Summer_2024")
    assert _looks_generated("sk-9f8e7d6c")
