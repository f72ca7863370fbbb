"""Faults in the middle of a batch (issue 16): a notebook that kills its worker process, a full
disk, a parent killed outright. Real processes, a real (tmpfs) full disk; the only injected
fault is the crash itself, through a `sitecustomize` that kills the process analysing a notebook
marked CRASH-THIS-PROCESS (no notebook is known to crash the parser any more)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deadlines import HANG_GUARD

REPO = Path(__file__).resolve().parent.parent

CRASHER = '''
import os, signal
import nbrefactor.audit.engine as _engine
import nbrefactor.migrate.one_model as _one_model
_audit = _engine.audit_notebook
def audit_notebook(notebook, *args, **kwargs):
    if any("CRASH-THIS-PROCESS" in cell.source for cell in notebook.cells):
        os.kill(os.getpid(), signal.SIGSEGV)  # as libcst's parser did on 2,000 nested brackets
    return _audit(notebook, *args, **kwargs)
_engine.audit_notebook = audit_notebook
_one_model.audit_notebook = audit_notebook
'''


def notebook(*sources: str) -> str:
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": i + 1, "outputs": [], "source": s} for i, s in enumerate(sources)]
    return json.dumps({"cells": cells, "metadata": {"kernelspec": {"name": "python3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5})


def run(args: list[str], cwd: Path, extra_path: Path | None = None, timeout: float = HANG_GUARD, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(str(p) for p in (extra_path, REPO) if p)
    env = dict(os.environ, PYTHONPATH=path)
    return subprocess.run([*prefix, sys.executable, "-m", "nbrefactor", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def good(name: str) -> str:
    return notebook("import pandas as pd", f"df = pd.DataFrame({{'x': [1, 2]}})\nprint(df.shape, '{name}')")


@pytest.fixture()
def crashing_batch(tmp_path: Path) -> Path:
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(CRASHER)
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    for name in ("a_good", "c_good", "e_good"):
        (nbs / f"{name}.ipynb").write_text(good(name))
    for name in ("b_crash", "d_crash"):
        (nbs / f"{name}.ipynb").write_text(notebook("x = 1  # CRASH-THIS-PROCESS"))
    return tmp_path


def test_notebooks_that_kill_their_worker_fail_alone_and_the_others_migrate(crashing_batch: Path):
    proc = run(["migrate", "nbs", "--out", "out", "-j", "2", "--progress", "lines", "--color", "never"], crashing_batch, crashing_batch / "hook")
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report = json.loads((crashing_batch / "out" / "migration-report.json").read_text())
    status = {m["name"]: m["status"] for m in report["models"]}
    # The packages written are "emitted" (the tests run with NBREFACTOR_PROVE=0: not proven).
    assert status == {"a_good": "emitted", "b_crash": "failed", "c_good": "emitted", "d_crash": "failed", "e_good": "emitted"}, status
    for model in report["models"]:
        if model["status"] == "failed":
            assert len(model["problems"]) == 1 and "also when it ran alone" in model["problems"][0], model["problems"]


def test_audit_names_the_notebook_that_kills_its_process_and_audits_the_others(crashing_batch: Path):
    proc = run(["audit", "nbs", "--format", "json", "-j", "2"], crashing_batch, crashing_batch / "hook")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    report = json.loads(proc.stdout)
    assert sorted(e["path"] for e in report["errors"]) == ["nbs/b_crash.ipynb", "nbs/d_crash.ipynb"]
    assert all("the process auditing it died" in e["problem"] for e in report["errors"])
    assert report["summary"]["notebooks"] == 5


def _unshare() -> tuple[str, ...]:
    tool = shutil.which("unshare")
    assert tool, "the full-disk test needs unshare (util-linux) to mount a small tmpfs in its own namespace"
    return (tool, "-rm")


def test_a_full_disk_costs_the_report_and_cache_not_the_summary(tmp_path: Path):
    (tmp_path / "nbs").mkdir()
    (tmp_path / "nbs" / "model.ipynb").write_text(good("model"))
    # How much room the package takes, measured on an ordinary folder first.
    first = run(["migrate", "nbs", "--out", "probe", "-j", "1", "--progress", "lines"], tmp_path)
    assert first.returncode == 0, first.stderr
    package = sum(-(-f.stat().st_size // 4096) * 4096 for f in (tmp_path / "probe" / "model").rglob("*") if f.is_file())
    (tmp_path / "out").mkdir()
    size = package + 8 * 1024  # the package and its folders fit; report, HTML and cache do not
    script = (
        f"mount -t tmpfs -o size={size} tmpfs out && "
        f"PYTHONPATH={REPO} {sys.executable} -m nbrefactor migrate nbs --out out -j 1 --progress lines --color never; "
        "echo exit=$?; ls -a out; test -f out/model/.nbrefactor/manifest.json && echo package-complete"
    )
    proc = subprocess.run([*_unshare(), "sh", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=HANG_GUARD)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output
    assert "exit=2" in proc.stdout, output
    assert "package-complete" in proc.stdout, output
    assert "Migration summary" in proc.stdout, output
    said = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert said and all("not written" in line and "No space left on device" in line for line in said), output


def _session(sid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def test_workers_die_with_a_parent_killed_outright(tmp_path: Path):
    (tmp_path / "nbs").mkdir()
    # Distinct cells: answers are memoised per cell text, so 60 copies of one cell would cost one.
    slow = notebook(*[f"x{i} = " + " + ".join(["a"] * 900) for i in range(60)])  # ~20 s of analysis each
    for name in ("one", "two", "three"):
        (tmp_path / "nbs" / f"{name}.ipynb").write_text(slow)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    parent = subprocess.Popen([sys.executable, "-m", "nbrefactor", "migrate", "nbs", "--out", "out", "-j", "2", "--progress", "lines"],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(_session(parent.pid)) < 4:  # parent, forkserver, 2 workers
            time.sleep(0.2)
        assert len(_session(parent.pid)) >= 4, "the workers never started"
        time.sleep(1.0)
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _session(parent.pid):
            time.sleep(0.2)
        assert _session(parent.pid) == [], "processes outlived the killed parent"
    finally:
        for pid in _session(parent.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def test_dry_run_never_prints_a_secret(tmp_path: Path):
    secrets = ("sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z", "ghp_Zq8Xw3Lm5Nb7Vc9Kd2Hs4Jt6Rf1Gy0Pe8Ua3", "S3cr3tPassw0rd")
    source = (
        "import pandas as pd\n"
        f"OPENAI_KEY = '{secrets[0]}'\n"
        f"GITHUB = '{secrets[1]}'\n"
        f"DB = 'postgresql://alice:{secrets[2]}@db.example.com:5432/prod'\n"
        "df = pd.read_csv('/home/alice/data.csv')\n"
        "print(OPENAI_KEY, GITHUB, DB, df.shape)"
    )
    (tmp_path / "nbs").mkdir()
    (tmp_path / "nbs" / "leaky.ipynb").write_text(notebook(source))
    proc = run(["migrate", "nbs", "--out", "out", "--dry-run", "-j", "1", "--progress", "lines", "--allow-hidden-state"], tmp_path)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output and "would be" in output, output
    for secret in secrets:
        assert secret not in output, f"{secret[:6]}… printed by --dry-run"


def test_dry_run_never_prints_a_pipeline_parameter_secret(tmp_path: Path):
    """The reported leak: secrets in a Kale `pipeline-parameters` cell are pipeline parameters, whose
    literal defaults the dry-run prints as `config name = 'value' (parameter)`. Before a8549ea these
    lines held every secret in full; plain cells never did (their secrets become env-backed fields)."""
    secrets = ("sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z", "ghp_Zq8Xw3Lm5Nb7Vc9Kd2Hs4Jt6Rf1Gy0Pe8Ua3", "S3cr3tPassw0rd")
    params = f"OPENAI_KEY = '{secrets[0]}'\nGITHUB_TOKEN = '{secrets[1]}'\nDB_URL = 'postgresql://alice:{secrets[2]}@db.example.com:5432/prod'\nLR = 0.1\n"
    cells = [
        {"cell_type": "code", "metadata": {"tags": ["imports"]}, "execution_count": 1, "outputs": [], "source": "import pandas as pd"},
        {"cell_type": "code", "metadata": {"tags": ["pipeline-parameters"]}, "execution_count": 2, "outputs": [], "source": params},
        {"cell_type": "code", "metadata": {"tags": ["block:load"]}, "execution_count": 3, "outputs": [],
         "source": f"# token {secrets[1]}\ndf = pd.read_csv('/home/alice/data.csv')\nprint(OPENAI_KEY, GITHUB_TOKEN, DB_URL, LR, df.shape)"},
    ]
    (tmp_path / "nbs").mkdir()
    (tmp_path / "nbs" / "kale.ipynb").write_text(json.dumps({"cells": cells, "metadata": {"kernelspec": {"name": "python3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}))
    proc = run(["migrate", "nbs", "--out", "out", "--dry-run", "-j", "1", "--progress", "lines", "--allow-hidden-state"], tmp_path)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output and "would be" in output, output
    for field in ("openai_key", "github_token", "db_url"):  # the parameter lines are printed (the place that leaked)
        assert f"config {field} = '" in output and "(parameter)" in output, output
    for secret in secrets:
        assert secret not in output, f"{secret[:6]}… printed by --dry-run"


SEEDED = {
    "openai": "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z",
    "github": "ghp_Zq8Xw3Lm5Nb7Vc9Kd2Hs4Jt6Rf1Gy0Pe8Ua3",
    "aws_id": "AKIAQ3EXAMPLEZ7KX2MB",
    "aws_secret": "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",
}


def test_no_seeded_secret_reaches_any_file_migrate_writes(tmp_path: Path):
    """A secret in a heading, a Kale-style tag and a settings file beside the notebook: not one
    byte of any of them in any file of the package, the report or the cache."""
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    (nbs / "settings.yaml").write_text(f"aws_access_key_id: {SEEDED['aws_id']}\naws_secret_access_key: {SEEDED['aws_secret']}\n")
    (nbs / "data.csv").write_text("a,b\n1,2\n3,4\n")
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": f"# Load with {SEEDED['openai']}"},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
         "source": "import pandas as pd\nimport yaml\nsettings = yaml.safe_load(open('settings.yaml'))\ndf = pd.read_csv('data.csv')"},
        {"cell_type": "markdown", "metadata": {}, "source": "## Train"},
        {"cell_type": "code", "metadata": {}, "execution_count": 2, "outputs": [], "source": "n = len(df)\nprint(n)"},
    ]
    doc = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    (nbs / "headings.ipynb").write_text(json.dumps(doc))
    tagged = json.loads(json.dumps(doc))
    tagged["cells"] = [dict(c, metadata={"tags": [f"block:{SEEDED['github']}"]}) if c["cell_type"] == "code" else c for c in tagged["cells"]]
    tagged["cells"][3]["metadata"] = {"tags": ["block:train", f"prev:{SEEDED['github']}"]}
    (nbs / "tagged.ipynb").write_text(json.dumps(tagged))
    proc = run(["migrate", "nbs", "--out", "out", "-j", "1", "--progress", "lines", "--allow-hidden-state"], tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert len(written) > 20, proc.stdout + proc.stderr
    for path in written:
        data = path.read_bytes()
        for name, secret in SEEDED.items():
            assert secret.encode() not in data, f"{name} in {path.relative_to(tmp_path)}"
            assert secret.lower()[8:24].encode() not in data.lower(), f"part of {name} in {path.relative_to(tmp_path)}"
    for name, secret in SEEDED.items():
        assert secret not in proc.stdout + proc.stderr, f"{name} printed"


def test_a_secret_assigned_into_os_environ_becomes_the_config_value_not_the_key(tmp_path: Path):
    (tmp_path / "nbs").mkdir()
    source = f"import os\nos.environ['OPENAI_API_KEY'] = '{SEEDED['openai']}'\nprint(len(os.environ))"
    (tmp_path / "nbs" / "envkey.ipynb").write_text(notebook(source))
    proc = run(["migrate", "nbs", "--out", "out", "-j", "1", "--progress", "lines"], tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    steps = (tmp_path / "out" / "envkey" / "src" / "envkey" / "steps.py").read_text()
    assert 'os.environ["OPENAI_API_KEY"] = cfg.secret' in steps or "os.environ['OPENAI_API_KEY'] = cfg.secret" in steps, steps
    assert "sk-p" not in steps
