"""Set-up on a stock Debian/Ubuntu python3 (PEP 668: "externally-managed-environment").

scripts/main.sh and scripts/test.sh both source scripts/venv.sh, which must make a virtual
environment with the machine's `python3` and install the project there, never into the system
Python. This runs venv.sh itself with Debian's /usr/bin/python3, offline: the packages the project
needs are lent from the environment running the tests (PYTHONPATH, same Python minor version),
pip may not reach an index (PIP_NO_INDEX) and builds without isolation, so only the project itself
is installed, as an editable wheel built by hatchling. uv is hidden (a stub module that fails) so
the script takes its pip path: uv reads installed packages from the venv's own site-packages only
and would want the registry.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from deadlines import HANG_GUARD

REPO = Path(__file__).resolve().parent.parent
DEBIAN_PYTHON = Path("/usr/bin/python3")


def _debian_python() -> tuple[Path, str]:
    """(stdlib folder, X.Y) of /usr/bin/python3, or skip with the reason."""
    if not DEBIAN_PYTHON.is_file():
        pytest.skip("no /usr/bin/python3 on this machine: the Debian set-up test needs the distribution's Python")
    probe = subprocess.run(
        [str(DEBIAN_PYTHON), "-c", "import sys, sysconfig; print(sysconfig.get_paths()['stdlib']); print('%d.%d' % sys.version_info[:2])"],
        capture_output=True, text=True, timeout=HANG_GUARD,
    )
    stdlib, version = probe.stdout.split()
    if not (Path(stdlib) / "EXTERNALLY-MANAGED").is_file():
        pytest.skip(f"/usr/bin/python3 ({stdlib}) is not an externally managed (PEP 668) distribution Python")
    mine = "%d.%d" % sys.version_info[:2]
    if version != mine:
        pytest.skip(f"/usr/bin/python3 is Python {version}, the test environment {mine}: its packages cannot be lent offline")
    return Path(stdlib), version


def test_system_python_refuses_pip_install():
    """The condition the scripts work around: Debian's python3 will not pip-install into itself."""
    _debian_python()
    has_pip = subprocess.run([str(DEBIAN_PYTHON), "-m", "pip", "--version"], capture_output=True, timeout=HANG_GUARD).returncode == 0
    if not has_pip:
        pytest.skip("Debian's python3 has no pip here (python3-pip not installed), so there is nothing to refuse")
    refused = subprocess.run(
        [str(DEBIAN_PYTHON), "-m", "pip", "install", "--no-index", "--dry-run", "nbformat"],
        capture_output=True, text=True, timeout=HANG_GUARD, env={**os.environ, "PIP_BREAK_SYSTEM_PACKAGES": "0"},
    )
    assert refused.returncode != 0
    assert "externally-managed-environment" in refused.stderr


def test_venv_script_installs_and_runs_on_debian_python(tmp_path):
    _debian_python()
    venv = tmp_path / "venv"
    shim = tmp_path / "shim" / "uv"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("", encoding="utf-8")
    (shim / "__main__.py").write_text("raise SystemExit(1)  # hide uv: take venv.sh's pip path\n", encoding="utf-8")
    lent = sysconfig.get_paths()["purelib"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(
        PYTHON=str(DEBIAN_PYTHON),
        NBREFACTOR_VENV=str(venv),
        NBREFACTOR_EXTRAS="test",
        PYTHONPATH=f"{shim.parent}{os.pathsep}{lent}",
        PIP_NO_INDEX="1",
        PIP_NO_BUILD_ISOLATION="0",  # pip's inverted switch: "0" turns build isolation off
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PATH=os.environ.get("PATH", "/usr/bin:/bin"),
    )
    fixture = REPO / "fixtures" / "notebooks"
    notebook = sorted(fixture.rglob("*.ipynb"))[0]
    script = (
        ". scripts/venv.sh && "
        "python -c 'import sys, nbrefactor; print(sys.prefix); print(sys.base_prefix); print(nbrefactor.__file__)' && "
        f"nbrefactor audit '{notebook}' --format json >/dev/null; echo \"audit-exit=$?\""
    )
    run = subprocess.run(["bash", "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert run.returncode == 0, run.stdout + run.stderr
    prefix, base, module, audit = run.stdout.strip().splitlines()[-4:]
    assert Path(prefix) == venv  # the script's python is the venv's...
    assert Path(base) == Path("/usr")  # ...made from Debian's own python3
    assert Path(module) == REPO / "nbrefactor" / "__init__.py"  # the editable install of this checkout
    assert audit in ("audit-exit=0", "audit-exit=1"), run.stderr  # 2+ would be a crash or unreadable input
    config = (venv / "pyvenv.cfg").read_text(encoding="utf-8")
    assert "include-system-site-packages = false" in config
    assert (venv / "bin" / "nbrefactor").is_file()
