"""The only module that writes files: atomically (temp file + rename), never through a symlink.

A generated package folder is written whole by `write_tree`, with a manifest of what it wrote, so
a later run can tell its own files from a user's and never overwrites a user's file unasked."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Mapping, Union

MANIFEST = ".nbrefactor/manifest.json"  # inside every folder nbrefactor writes: what it wrote, by digest


class WriteRefused(Exception):
    """The target holds files nbrefactor did not write (or someone edited since): not overwritten."""


def write_bytes_atomic(path: Union[str, os.PathLike[str]], data: bytes, durable: bool = True) -> None:
    """Readers see the old file or the new one, never a mix. `durable=False` skips the fsync
    (for caches: an entry lost to a power cut is only recomputed).

    A target that exists and is not a regular file or a folder — `/dev/null`, `/dev/stdout`, a
    named pipe, followed through symlinks — is a stream the user asked to write into: written in
    place. Renaming a file over it would replace the device node itself (as root, `--output
    /dev/null` turned /dev/null into a regular file for every process of the machine)."""
    target = Path(path)
    try:
        mode = os.stat(target).st_mode
    except OSError:
        mode = None
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        with open(target, "wb") as stream:
            stream.write(data)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp's 0600 is for secrets; this is ordinary output
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_text_atomic(path: Union[str, os.PathLike[str]], text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically unless the file already holds exactly `data` (its time stamp then stays)."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_bytes_atomic(path, data)
    return True


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def write_tree(tree: Mapping[str, str | bytes], target: Path, force: bool = False) -> bool:
    """Write a package folder atomically: built beside the target, then swapped in. Refuses a
    folder nbrefactor did not write, or files someone edited since, unless `force`. Returns False
    when the folder already holds exactly this tree (nothing is touched then)."""
    files = {path: _bytes(content) for path, content in sorted(tree.items())}
    for path in files:  # every file stays inside the target, whatever text its name came from
        parts = Path(path).parts
        if not parts or Path(path).is_absolute() or ".." in parts:
            raise WriteRefused(f"{target}: refused to write {path!r}, a path outside the folder")
    manifest = {"generator": "nbrefactor", "files": {p: _digest(c) for p, c in files.items()}}
    manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    if target.exists() or target.is_symlink():
        if not target.is_dir() or target.is_symlink():
            raise WriteRefused(f"{target}: exists and is not a folder nbrefactor wrote; use --force to replace it")
        previous = target / MANIFEST
        if not previous.is_file():
            if not force:
                raise WriteRefused(f"{target}: exists and was not written by nbrefactor (no {MANIFEST}); use --force to replace it")
        else:
            try:
                recorded = json.loads(previous.read_text(encoding="utf-8")).get("files", {})
            except (OSError, ValueError):
                recorded = {}
            edited = sorted(
                p for p, digest in recorded.items()
                if (target / p).is_file() and _digest((target / p).read_bytes()) != digest
            )
            if edited and not force:
                raise WriteRefused(f"{target}: {len(edited)} generated file(s) were edited since ({', '.join(edited[:3])}); use --force to overwrite")
            if previous.read_bytes() == manifest_bytes and not edited and all((target / p).is_file() for p in files):
                return False
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        staging.chmod(0o777 & ~_umask())  # mkdtemp's 0700 would lock the package away from the team
        for path, content in files.items():
            destination = staging / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(content)
        (staging / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
        (staging / MANIFEST).write_bytes(manifest_bytes)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
            os.rmdir(old)
            os.replace(target, old)
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return True
