"""benchmarks/adjudicate.py quotes each sampled finding's cell in a worksheet that judges read,
share and copy into verdict files: a credential in a public notebook must be masked there as the
audit masks it in its own messages (fair check 21's worksheet carried a live API key in clear)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from nbfactory import write_notebook

ROOT = Path(__file__).resolve().parent.parent
KEY = "Q7vLm2Xp9RtK4wZb8NcY3hJd6FsG1aUe"  # random letters: no real credential


def test_the_worksheet_masks_a_credential_in_the_quoted_cell(tmp_path):
    repo = tmp_path / "nb" / "someone+examples"
    path = write_notebook(repo / "monitor.ipynb", [f"import os\napi_key = \"{KEY}\"\nos.environ['API_KEY'] = api_key"])
    finding = {"code": "SEC003", "message": "a credential", "location": {"path": str(path), "cell": 1, "line": 2}}
    report = tmp_path / "audit.json"
    report.write_text(json.dumps({"findings": [finding]}), encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "adjudicate.py"), str(tmp_path / "nb"), "--report", str(report)],
                          capture_output=True, text=True, check=True)
    assert "someone/examples:monitor.ipynb cell 1 line 2" in done.stdout
    assert "api_key = \"" in done.stdout and "os.environ['API_KEY'] = api_key" in done.stdout  # the cell is quoted
    assert KEY not in done.stdout and KEY[:4] + "********" in done.stdout, done.stdout
