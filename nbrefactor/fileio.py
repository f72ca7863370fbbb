"""The only module that writes files: atomically (temp file + rename), never through a symlink."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Union


def write_bytes_atomic(path: Union[str, os.PathLike[str]], data: bytes) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_text_atomic(path: Union[str, os.PathLike[str]], text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))
