"""The wheel of nbrefactor-runtime that generated packages vendor (`vendor/`), built from the
runtime library installed beside the compiler.

Built here, not by a build backend, so the same runtime gives the same bytes on every machine:
entries sorted, timestamps fixed at 1980-01-01, stored uncompressed (deflate's output depends on
the zlib build), RECORD with each file's sha256 as the wheel format asks.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from functools import lru_cache
from importlib import resources

DISTRIBUTION = "nbrefactor-runtime"
_MODULE = "nbrefactor_runtime"
_EPOCH = (1980, 1, 1, 0, 0, 0)
# runtime/pyproject.toml's optional dependencies (tests/test_runtime_library.py compares them)
EXTRAS = {
    "artifacts": ("pyarrow>=14",),
    "validate": ("pandera>=0.24",),
    "monitor": ("evidently>=0.7",),
    "models": ("skops>=0.10",),
    "all": ("pyarrow>=14", "pandera>=0.24", "evidently>=0.7", "skops>=0.10"),
}


def runtime_version() -> str:
    import nbrefactor_runtime

    return str(nbrefactor_runtime.__version__)


def wheel_name() -> str:
    return f"{_MODULE}-{runtime_version()}-py3-none-any.whl"


def runtime_requirement() -> str:
    return f"{DISTRIBUTION}=={runtime_version()}"


@lru_cache(maxsize=1)
def runtime_wheel() -> bytes:
    version = runtime_version()
    root = resources.files(_MODULE)
    sources = sorted(
        (entry.name, entry.read_bytes())
        for entry in root.iterdir()
        if entry.is_file() and (entry.name.endswith(".py") or entry.name == "py.typed")
    )
    dist_info = f"{_MODULE}-{version}.dist-info"
    files = [(f"{_MODULE}/{name}", data) for name, data in sources]
    files.append((f"{dist_info}/METADATA", _metadata(version).encode("utf-8")))
    files.append((f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: nbrefactor\nRoot-Is-Purelib: true\nTag: py3-none-any\n"))
    record = "".join(f"{path},sha256={_urlsafe_digest(data)},{len(data)}\n" for path, data in files)
    files.append((f"{dist_info}/RECORD", (record + f"{dist_info}/RECORD,,\n").encode("utf-8")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for path, data in files:
            info = zipfile.ZipInfo(path, date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, so the mode above is read
            archive.writestr(info, data)
    return buffer.getvalue()


def _metadata(version: str) -> str:
    return (
        "Metadata-Version: 2.1\n"
        f"Name: {DISTRIBUTION}\n"
        f"Version: {version}\n"
        "Summary: What every package nbrefactor generates shares: MLflow tracking, the step runner, "
        "data validation, drift monitoring, the deployment gate\n"
        "Requires-Python: >=3.9\n"
        + "".join(f"Provides-Extra: {extra}\n" for extra in EXTRAS)
        + "".join(f"Requires-Dist: {r}; extra == \"{extra}\"\n" for extra, requirements in EXTRAS.items() for r in requirements)
    )


def _urlsafe_digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
