"""The CUDA device as configuration (issue 12): `torch.device("cuda")`, `.to("cuda")`, `device="cuda"`
and `.cuda()` become `cfg.device`, "auto" by default (the GPU when there is one, else the CPU), so
a generated package and its tests run on a machine without a GPU; values a step loads land on the
step's device.

The packages run with the real PyTorch (its CPU build, which scripts/venv.sh installs with the test
extras; without it these tests skip, saying so). This machine has no GPU: the notebook itself is
run first and fails ("Torch not compiled with CUDA enabled") on the very code the compiler
rewrote; what a GPU step writes is made as torch.save makes it on a GPU, each storage tagged
`cuda:0` (torch.serialization.location_tag patched while the step saves).
(A fake `torch` module stood in before PyTorch was installed for the tests; the real CPU build
fails on CUDA exactly as the fake did, so nothing needs the fake any more.)
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from nbfactory import project, write_notebook
from nbrefactor.config import Settings
from nbrefactor.migrate.one_model import MigrateOptions, migrate_paths
from deadlines import HANG_GUARD

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "notebooks"
RUNTIME_SRC = ROOT / "runtime" / "src"  # this checkout's nbrefactor-runtime, which the packages run on

TORCH_MISSING = "torch is not installed (scripts/venv.sh installs torch==2.13.0+cpu with the test extras and warns when it cannot): the packages were not run with PyTorch"


@pytest.fixture(scope="module")
def real_torch():
    torch = pytest.importorskip("torch", reason=TORCH_MISSING)
    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present: these tests show a package running where the notebook cannot, without a GPU")
    return torch


DEVICE_NOTEBOOK = [
    "import torch\nfrom torch import nn\ntorch.manual_seed(1)",
    'device = torch.device("cuda")\nmodel = nn.Linear(3, 2).to(device)',
    'x = torch.randn(5, 3).to("cuda:0")\ny = model(x)',
]
# Four sections, four steps: a list of (inputs, targets) tensor batches, a trained module and the
# device cross the step boundaries.
TORCH_STEPS_NOTEBOOK = [
    ("md", "# Tiny regression"),
    'import torch\nfrom torch import nn\ntorch.manual_seed(0)\ndevice = torch.device("cuda")',
    ("md", "## Data"),
    (
        "X = torch.randn(64, 3)\ny = X @ torch.tensor([[1.0], [-2.0], [0.5]])\n"
        "batches = [(X[i:i + 16].to(device), y[i:i + 16].to(device)) for i in range(0, 64, 16)]"
    ),
    ("md", "## Train"),
    (
        "model = nn.Linear(3, 1).to(device)\noptimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "for epoch in range(20):\n    for xb, yb in batches:\n        optimizer.zero_grad()\n"
        "        loss = ((model(xb) - yb) ** 2).mean()\n        loss.backward()\n        optimizer.step()"
    ),
    ("md", "## Evaluate"),
    "with torch.no_grad():\n    test_loss = float(((model(X.to(device)) - y.to(device)) ** 2).mean())\nprint(test_loss)",
]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    src = project(tmp_path_factory.mktemp("src"))
    write_notebook(src / "device_literals" / "device_literals.ipynb", DEVICE_NOTEBOOK)
    write_notebook(src / "torch_steps" / "torch_steps.ipynb", TORCH_STEPS_NOTEBOOK)
    out = tmp_path_factory.mktemp("out")
    results, _ = migrate_paths([str(CORPUS / "gpu"), str(src / "device_literals"), str(src / "torch_steps")], Settings(), MigrateOptions(out=out))
    assert {r.status for r in results} <= {"migrated", "migrated-with-review"}, [(r.model, r.status, r.problems) for r in results]
    return out


def run_python(code: str, *path: Path, cwd: Path, hide_torch: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "PYTHON"))}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in (*path, RUNTIME_SRC))
    if hide_torch:  # a machine without PyTorch: `import torch` fails as it would there
        code = "import sys\nsys.modules['torch'] = None\n" + code
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=HANG_GUARD)


def notebook_code(path: Path) -> str:
    return "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code")


@pytest.mark.parametrize(("package", "notebook"), [("cuda_no_fallback", CORPUS / "gpu" / "cuda_no_fallback.ipynb"), ("device_literals", None)])
def test_the_package_runs_without_a_gpu_where_the_notebook_cannot(migrated, real_torch, tmp_path, package, notebook):
    code = notebook_code(notebook) if notebook else "\n".join(DEVICE_NOTEBOOK)
    done = run_python(code, cwd=tmp_path)
    assert done.returncode != 0 and "Torch not compiled with CUDA enabled" in done.stderr  # the notebook needs a GPU
    package_dir = migrated / package
    steps = (package_dir / "src" / package / "steps.py").read_text(encoding="utf-8")
    assert ".cuda()" not in steps and '"cuda' not in steps and "cfg.device" in steps
    done = run_python(
        f"from {package} import pipeline\nfrom {package}.config import Config\n"
        "cfg = Config(artifacts_dir='artifacts')\nvalues = pipeline.run(cfg, tracking=False)\n"
        "out = values.get('out', values.get('y'))\nprint(cfg.device, out.device.type, tuple(out.shape))\n",
        package_dir / "src", cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    expected_shape = (4, 1) if package == "cuda_no_fallback" else (5, 2)
    assert done.stdout.strip() == f"cpu cpu {expected_shape}"
    # The package's own generated tests pass here too.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "PYTHON"))}
    env["PYTHONPATH"] = os.pathsep.join([str(package_dir / "src"), str(RUNTIME_SRC)])
    env["NBREFACTOR_NO_TRACKING"] = "1"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "tests"], cwd=package_dir, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stdout[-3000:]
    # The only skip allowed: the values verify records from the notebook (`verify --record`), which
    # were never recorded for this package (the notebook needs a GPU).
    skips = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert " passed" in done.stdout and all("verify" in line and "--record" in line for line in skips), done.stdout[-3000:]


def test_the_device_field_defaults_to_auto_and_takes_any_explicit_device(migrated, real_torch, tmp_path):
    package_dir = migrated / "device_literals"
    config = (package_dir / "src" / "device_literals" / "config.py").read_text(encoding="utf-8")
    assert 'device: str = "auto"' in config
    done = run_python(
        "from device_literals.config import Config\n"
        "print(Config().device, Config(device='cuda:1').device, Config.from_env({'DEVICE_LITERALS_DEVICE': 'cpu'}).device)",
        package_dir / "src", cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["cpu", "cuda:1", "cpu"]
    # Without PyTorch at all, "auto" is the CPU.
    done = run_python("from device_literals.config import Config\nprint(Config().device)", package_dir / "src", cwd=tmp_path, hide_torch=True)
    assert done.returncode == 0 and done.stdout.strip() == "cpu", done.stderr[-2000:]


def test_a_step_loads_devices_onto_its_own_device(migrated, real_torch, tmp_path):
    """What a GPU step wrote (here a CUDA `torch.device`) is read by a CPU step onto the CPU."""
    package_dir = migrated / "device_literals"
    done = run_python(
        "import pickle, torch\n"
        "from device_literals.runtime import SPEC\n"
        "from nbrefactor_runtime import artifacts\n"
        "assert SPEC.device_field == 'device'\n"
        "with open('value.pkl', 'wb') as h:\n"
        "    pickle.dump({'device': torch.device('cuda:0'), 'n': 3}, h)\n"
        "print(artifacts.load('value.pkl', 'cpu'), artifacts.load('value.pkl'))\n",
        package_dir / "src", cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "{'device': device(type='cpu'), 'n': 3} {'device': device(type='cuda', index=0), 'n': 3}"
    # A package whose notebook names no CUDA device loads as before.
    runtime = (migrated / "cuda_with_fallback" / "src" / "cuda_with_fallback" / "runtime.py").read_text(encoding="utf-8")
    assert "device_field" not in runtime


STEP_BY_STEP = """
import json
from unittest import mock

import torch
import torch.serialization
from mlflow import MlflowClient
from nbrefactor_runtime import artifacts
from torch_steps import pipeline
from torch_steps.config import Config
from torch_steps.runtime import SPEC, run_step

# The first two steps run "on a GPU": every storage they save is tagged cuda:0, as on a GPU machine.
as_on_a_gpu = mock.patch.object(torch.serialization, "location_tag", lambda storage: "cuda:0")
report = {"steps": list(SPEC.steps)}
run_id = ""
for name, step in SPEC.steps.items():
    inputs = {n: "out/" + n for n in step.inputs}
    outputs = {n: "out/" + n for n in step.outputs}
    config = {"device": "cpu", "artifacts_dir": "artifacts"}
    if name in ("tiny_regression", "data"):
        with as_on_a_gpu:
            run_step(name, config, inputs, outputs)
    else:  # CPU steps, tracked into one MLflow run: the evaluated model is logged with its flavour
        run_id = run_step(name, config, inputs, outputs, track=True, run_id=run_id)
report["formats"] = {n: artifacts.format_of(open("out/" + n, "rb").read()) for n in ("device", "batches", "X", "model")}
try:
    torch.load("out/batches", weights_only=False)
    report["plain_load"] = "loaded"
except RuntimeError as error:
    report["plain_load"] = "CUDA" if "CUDA" in str(error) else str(error)
report["stepwise_loss"] = artifacts.load("out/test_loss")
report["pipeline_loss"] = pipeline.run(Config(device="cpu", artifacts_dir="whole"), tracking=False)["test_loss"]
run = MlflowClient("sqlite:///artifacts/mlflow.db").get_run(run_id)
report["flavour"] = run.data.tags.get("nbrefactor.model_flavour")
print(json.dumps(report))
"""


def test_a_torch_package_runs_step_by_step_and_cpu_steps_read_what_gpu_steps_wrote(migrated, real_torch, tmp_path):
    """The generated package of a PyTorch notebook, each step run as its Kubeflow component runs
    it (`runtime.run_step`, values passed as files): the data step's list of tensor batches and the
    device, written as on a GPU, are read by the CPU training step; the evaluated model is logged
    with the pytorch flavour by the tracked steps; the
    step-by-step loss is the one the whole pipeline computes in one process."""
    package_dir = migrated / "torch_steps"
    done = run_python(STEP_BY_STEP, package_dir / "src", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["steps"] == ["tiny_regression", "data", "train", "evaluate"]
    assert report["formats"] == {"device": "pickle", "batches": "torch", "X": "torch", "model": "torch"}
    assert report["plain_load"] == "CUDA"  # the batches file is a GPU step's: unmapped, it cannot load here
    assert isinstance(report["stepwise_loss"], float) and report["stepwise_loss"] == report["pipeline_loss"]
    assert report["stepwise_loss"] < 0.01  # the model did learn y = X @ (1, -2, 0.5)
    assert report["flavour"] == "pytorch"
