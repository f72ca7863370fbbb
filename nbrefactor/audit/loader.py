"""Load: bytes on disk → `Notebook` (nbformat v4 shape) or a one-line `LoadError`.

`parse_notebook` is pure; `read_notebook` is the only function here that touches the disk, and it
only ever reads (an input notebook is never modified).
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any, Union

from nbrefactor.audit.types import Cell, LoadError, Notebook, Output

LoadOutcome = Union[Notebook, LoadError]

# Text outputs beyond this are cut before analysis: a 20 MB log must not cost 20 MB per stage.
MAX_OUTPUT_TEXT = 200_000


def read_notebook(path: Union[str, os.PathLike[str]], display_path: str | None = None) -> LoadOutcome:
    shown = display_path or Path(path).as_posix()
    try:
        # O_NONBLOCK: opening a named pipe called `x.ipynb` must not wait forever for a writer;
        # anything that is not a regular file is then refused before a byte is read.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        return LoadError(shown, "is a directory, not a notebook file")
    except FileNotFoundError:
        return LoadError(shown, "no such file")
    except PermissionError:
        return LoadError(shown, "cannot read the file: permission denied")
    except OSError as exc:
        return LoadError(shown, f"cannot read the file: {exc.strerror or exc}")
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            return LoadError(shown, "is a directory, not a notebook file")
        if not stat.S_ISREG(mode):
            return LoadError(shown, f"is {_FILE_KINDS.get(stat.S_IFMT(mode), 'not a regular file')}, not a notebook file; skipped")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read()
    except OSError as exc:
        return LoadError(shown, f"cannot read the file: {exc.strerror or exc}")
    finally:
        os.close(fd)
    return parse_notebook(shown, raw)


_FILE_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}

# Python refuses to convert integers of more than 4,300 digits (CVE-2020-10735); a notebook may
# still hold one (an execution count, an output's JSON). Such a number is read as a float (inf).
_MAX_INT_DIGITS = 4_000


def _parse_int(text: str) -> Union[int, float]:
    return int(text) if len(text) <= _MAX_INT_DIGITS else float(text)


# JSON's \ud800 escapes can produce lone surrogates, which no UTF-8 writer (report, generated
# file, terminal) accepts. They are replaced by U+FFFD when the notebook is read.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    # (an ASCII text, most of them, holds no surrogate: `isascii` reads a flag of the string)
    return text if text.isascii() or not _SURROGATE.search(text) else _SURROGATE.sub("\ufffd", text)


def notebook_json(raw: bytes) -> Any:
    """The JSON value of a notebook's bytes as `parse_notebook` reads it (UTF-8, a BOM allowed;
    integers of more than 4,000 digits as floats); raises ValueError where it refuses them. The
    answer is kept for the same bytes object until `parse_notebook` reads it: with the cache on,
    the cache key (the code cells' sources) and the audit read one notebook's bytes one after the
    other, and its JSON was parsed twice (PythonDataScienceHandbook: 271 parses of 136
    notebooks' 38 MB, most of it images; twentieth round). An image payload the loader never
    reads may stand as `"\x00"` in it (`lean_bytes`). Never modify what it returns."""
    remembered = _LAST_JSON.get(id(raw))
    if remembered is not None and remembered[0] is raw:
        return remembered[1]
    data = _lean_json(raw)
    if data is None:
        data = json.loads(raw.decode("utf-8-sig"), parse_int=_parse_int)
    _remember_json(raw, data)
    return data


def code_cell_sources(data: Any) -> list[str]:
    """The code cells' sources of a notebook's JSON value, in order (a list source joined); [] for
    a value that is not a notebook. Read for the cache key (engine) and for the parts of a split
    notebook (project), neither of which needs the rest of the notebook."""
    cells = data.get("cells", []) if isinstance(data, dict) else []
    sources = []
    for cell in cells if isinstance(cells, list) else []:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else str(source))
    return sources


def _remember_json(raw: bytes, data: Any) -> None:
    _LAST_JSON.clear()  # one entry: memory stays flat whatever the notebooks' size
    _LAST_JSON[id(raw)] = (raw, data)  # the bytes are held, so their id is not reused meanwhile


_LAST_JSON: dict[int, tuple[bytes, Any]] = {}


# --- image payloads: most of a notebook's bytes, never read -----------------------------------
#
# A code cell's `image/png` or `image/jpeg` output is kept as its mime type alone (`_outputs`), yet
# its base64 text is ~90 % of a notebook's bytes (PythonDataScienceHandbook: 30.7 of 34.4 MB), and
# decoding it from UTF-8, scanning it as a JSON string and hashing it for the cache key were a
# sixth of a worker's instructions (twenty-seventh round). `lean_bytes` leaves each such payload
# out -- its JSON string's text replaced by `\u0000` -- when the result provably loads as the
# notebook does:
#   - a payload left out is plain base64 text: ASCII letters, digits, `+`, `/`, `=` and `\n`
#     escapes only (every backslash followed by `n`), so it holds no quote, no other escape, no
#     control character and no byte that is not UTF-8: the notebook's bytes are valid JSON text
#     exactly when the lean bytes are, with the same structure, strings aside;
#   - its key's closing quote follows `g` and cannot be escaped, so in valid JSON each one left
#     out is a key ending in `image/png` (`image/jpeg`) whose value is the string "\x00";
#   - the notebook's bytes hold no `\u0000` (the only way JSON writes "\x00"), so every "\x00"
#     value of the lean JSON is one left out, and the lean JSON must hold as many of them as were
#     left out where the loader never reads a value: an nbformat 4 notebook's code cell's output's
#     `data` object, under `image/png` (`image/jpeg`) -- a key `_outputs` keeps the name of only.
# Anything else (invalid JSON, a payload inside an `application/json` output or a cell's metadata,
# a repeated key, nbformat 3) and the notebook's own bytes are read as before.
_LEFT_OUT = b"\\u0000"
_IMAGE_KEYS = ("image/png", "image/jpeg")
_BASE64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\\"
_BASE64_LETTERS = _BASE64[:-1]  # (without the backslash)
_SHORTEST_LEFT_OUT = 64  # shorter payloads are not worth the pieces


def lean_bytes(raw: bytes) -> bytes:
    """The bytes the loader's reading of `raw` depends on: `raw` with the image payloads it never
    reads left out (see above), or `raw` itself. Two notebooks with the same lean bytes load as
    the same `Notebook`, so the cache keys a notebook by them. The lean JSON is kept for
    `parse_notebook` and `notebook_json` of the same bytes object."""
    lean, left_out = _lean(raw)
    if not left_out:
        return raw
    data = _lean_json_of(lean, left_out)
    if data is None:
        return raw
    _remember_json(raw, data)
    return lean


def _plain_base64(payload: bytes) -> bool:
    """Whether `payload` holds only base64 letters (`_BASE64_LETTERS`) and `\\n` escapes: every
    backslash followed by `n`.

    `translate` is the cheapest check of every byte (~9 instructions a byte under valgrind, against
    ~11 for decoding and scanning it as JSON and ~29 for SHA-256); deleting the letters, it leaves
    the backslashes alone when the payload is plain. Most payloads hold none, or one before their
    last `n`. Most others are base64 wrapped at a fixed width, `\\n` after every line, the last
    perhaps shorter (PythonDataScienceHandbook: 311 payloads, 18.4 of its 30.7 MB, lines of 76):
    when the places one stride apart from the first backslash hold as many backslashes, each
    followed by `n`, as the payload holds in all, those are all of them. Otherwise the `\\n` are counted
    (until the twenty-eighth round both counts, `\\` and `\\n`, read every wrapped payload
    again: ~5 instructions a byte each)."""
    rest = payload.translate(None, _BASE64_LETTERS)
    if not rest:
        return True
    if rest.strip(b"\\"):
        return False  # a byte that is neither a base64 letter nor a backslash
    count = len(rest)  # the backslashes
    first = payload.find(b"\\")
    stride = first + 2
    # The last line's own `\\n` (a last line of any length) aside, when it is not one of the
    # places looked at: then `lines` backslashes there, each followed by `n`, and that one are
    # `count` of them.
    lines = count - 1 if payload.endswith(b"\\n") and first + (count - 2) * stride < len(payload) - 2 else count
    if payload[first::stride][:lines] == b"\\" * lines and payload[first + 1::stride][:lines] == b"n" * lines:
        return True
    return payload.count(b"\\n") == count


def _lean_json(raw: bytes) -> Any:
    """The JSON value of `raw`'s lean bytes when they load as `raw` does; None otherwise."""
    lean, left_out = _lean(raw)
    return _lean_json_of(lean, left_out) if left_out else None


def _lean(raw: bytes) -> tuple[bytes, int]:
    """`raw` with each image payload of plain base64 left out (its text replaced by `\u0000`),
    and how many were; (raw, 0) when `raw` holds `\u0000` itself or no payload to leave out."""
    find = raw.find
    at = find(b'"image/')
    if at < 0 or find(_LEFT_OUT) >= 0:
        return raw, 0
    pieces: list[bytes] = []
    kept = 0  # where the bytes not yet in `pieces` start
    left_out = 0
    while at >= 0:
        if raw.startswith(b'png": "', at + 7):
            begin = at + 14
        elif raw.startswith(b'jpeg": "', at + 7):
            begin = at + 15
        else:
            at = find(b'"image/', at + 7)
            continue
        end = find(b'"', begin)
        if end < 0:
            break
        if end - begin >= _SHORTEST_LEFT_OUT:
            if _plain_base64(raw[begin:end]):
                pieces.append(raw[kept:begin])
                pieces.append(_LEFT_OUT)
                kept = end
                left_out += 1
        at = find(b'"image/', end + 1)
    if not left_out:
        return raw, 0
    pieces.append(raw[kept:])
    return b"".join(pieces), left_out


def _lean_json_of(lean: bytes, left_out: int) -> Any:
    try:
        data = json.loads(lean.decode("utf-8-sig"), parse_int=_parse_int)
    except (ValueError, RecursionError, MemoryError):  # (UnicodeDecodeError, JSONDecodeError: ValueErrors)
        return None  # (the notebook's own bytes are then read, and refused, as before)
    return data if _left_out_unread(data) == left_out else None


def _left_out_unread(data: Any) -> int:
    """How many "\x00" values `data` holds where `parse_notebook` never reads a value."""
    if not isinstance(data, dict):
        return 0
    major = data.get("nbformat")
    cells = data.get("cells")
    if type(major) is not int or major != 4 or not isinstance(cells, list):
        return 0
    found = 0
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type", "code") != "code":
            continue
        outputs = cell.get("outputs")
        if not isinstance(outputs, list):
            continue
        for out in outputs:
            bundle = out.get("data") if isinstance(out, dict) else None
            if isinstance(bundle, dict):
                for key in _IMAGE_KEYS:
                    if bundle.get(key) == "\x00":
                        found += 1
    return found


_GIT_LFS_POINTER = b"version https://git-lfs.github.com/spec/"


def parse_notebook(path: str, raw: bytes) -> LoadOutcome:
    if not raw or raw.isspace():  # (`not raw.strip()` without copying the file's bytes)
        return LoadError(path, "empty file, not a notebook")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return LoadError(path, "UTF-16 text, not a notebook (Jupyter writes notebooks as UTF-8); re-save it as UTF-8")
    if b"\x00" in raw[:8192]:
        return LoadError(path, "binary file, not a notebook (expected nbformat JSON)")
    # A clone made without git-lfs holds, in place of each notebook the repository stores in LFS, a
    # three-line text pointer (spec v1: "version https://git-lfs.github.com/spec/v1", oid, size).
    # "invalid JSON at line 1 column 1" is true of it but sends the user to a file that is fine.
    if raw.startswith(_GIT_LFS_POINTER):
        return LoadError(path, "a Git LFS pointer, not the notebook: its content was never fetched (run `git lfs pull`)")
    # The JSON the cache key read (`notebook_json`, `lean_bytes`), or that of the lean bytes: each
    # comes from UTF-8 that decodes exactly when the notebook's bytes do (see `lean_bytes`).
    remembered = _LAST_JSON.pop(id(raw), None)
    data = remembered[1] if remembered is not None and remembered[0] is raw else _lean_json(raw)
    if data is None:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return LoadError(path, f"not UTF-8 text (byte {exc.start}), not a notebook")
    try:
        if data is None:
            data = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        return LoadError(path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")
    except RecursionError:
        return LoadError(path, "invalid notebook: JSON nested too deeply")
    except ValueError as exc:  # anything else the decoder refuses, said on one line
        return LoadError(path, f"invalid JSON: {' '.join(str(exc).split())[:200]}")
    if not isinstance(data, dict):
        kind = _JSON_KINDS.get(type(data).__name__, type(data).__name__)
        return LoadError(path, f"not a notebook: top-level JSON is {kind}, expected an object")
    if "nbformat" not in data:
        return LoadError(path, "not a notebook: no 'nbformat' field in the JSON object")
    major = data.get("nbformat")
    if not isinstance(major, int) or isinstance(major, bool):
        return LoadError(path, f"not a notebook: 'nbformat' is {major!r}, expected an integer")
    try:
        if major == 4:
            return _from_v4(path, data, original=4)
        if major == 3:
            return _from_v3(path, data)
        if major < 3:
            return LoadError(path, f"nbformat v{major} is too old to read; open and re-save it in Jupyter")
        return LoadError(path, f"nbformat v{major} is newer than this nbrefactor understands (v3 and v4)")
    except _Malformed as exc:
        return LoadError(path, f"malformed notebook: {exc}")


class _Malformed(ValueError):
    pass


_JSON_KINDS = {"list": "an array", "str": "a string", "int": "a number", "float": "a number", "bool": "a boolean", "NoneType": "null"}


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return _clean("".join(value))
    raise _Malformed(f"{where} is {type(value).__name__}, expected text or a list of text")


def _exec_count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _outputs(raw_outputs: Any, where: str) -> tuple[Output, ...]:
    if raw_outputs is None:
        return ()
    if not isinstance(raw_outputs, list):
        raise _Malformed(f"{where} outputs is {type(raw_outputs).__name__}, expected a list")
    outputs: list[Output] = []
    for out in raw_outputs:
        if not isinstance(out, dict):
            continue
        kind = str(out.get("output_type", ""))
        kind = {"pyout": "execute_result", "pyerr": "error"}.get(kind, kind)
        if kind == "stream":
            text = _safe_text(out.get("text"))
            outputs.append(Output(kind, text[:MAX_OUTPUT_TEXT], name=_clean(str(out.get("name", out.get("stream", ""))))))
        elif kind == "error":
            tb = out.get("traceback") or []
            text = _clean("\n".join(t for t in tb if isinstance(t, str))) if isinstance(tb, list) else ""
            outputs.append(
                Output(kind, text[:MAX_OUTPUT_TEXT], name=_clean(f"{out.get('ename', '')}: {out.get('evalue', '')}".strip(": ")))
            )
        else:
            bundle = out.get("data")
            if not isinstance(bundle, dict):  # v3 keeps the mime keys on the output itself
                bundle = {k: v for k, v in out.items() if k in _V3_MIME}
                bundle = {_V3_MIME[k]: v for k, v in bundle.items()}
            mimes = tuple(sorted(_clean(str(k)) for k in bundle))
            textual = tuple(
                (_clean(str(k)), _safe_text(v)[:MAX_OUTPUT_TEXT])
                for k, v in sorted(bundle.items())
                if str(k).startswith("text/") or str(k).endswith("json")
            )
            plain = dict(textual).get("text/plain", "")
            outputs.append(Output(kind, plain, mime_types=mimes, data=textual))
    return tuple(outputs)


_V3_MIME = {
    "text": "text/plain",
    "html": "text/html",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "svg": "image/svg+xml",
    "latex": "text/latex",
    "json": "application/json",
    "javascript": "application/javascript",
}


def _safe_text(value: Any) -> str:
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, list):
        return _clean("".join(v for v in value if isinstance(v, str)))
    if isinstance(value, (dict, int, float)):
        try:
            return json.dumps(value, sort_keys=True)
        except (RecursionError, ValueError):  # deeply nested or NaN-laden JSON output: not text we need
            return ""
    return ""


def _tags(metadata: Any) -> tuple[str, ...]:
    if not isinstance(metadata, dict):
        return ()
    tags = metadata.get("tags") or ()
    return tuple(_clean(str(t)) for t in tags) if isinstance(tags, list) else ()


# Languages a cell's metadata may name that are the kernel's own (VS Code's `languageId`).
_KERNEL_CELL_LANGUAGES = frozenset({"", "python", "ipython", "python3"})


def _cell_language(metadata: Any) -> str:
    """Another language a code cell's metadata names for it: DataCamp DataLab's SQL cells
    (`customType: "sql"`, run by its SQL integration into a DataFrame; fair check 42, item 158), VS
    Code's `vscode.languageId` when not Python; "" otherwise."""
    if not isinstance(metadata, dict):
        return ""
    custom = metadata.get("customType")
    if isinstance(custom, str) and custom.strip().lower() == "sql":
        return "sql"
    vscode = metadata.get("vscode")
    language = vscode.get("languageId") if isinstance(vscode, dict) else None
    if isinstance(language, str) and language.strip().lower() not in _KERNEL_CELL_LANGUAGES:
        return _clean(language.strip().lower())
    return ""


def _kernel(metadata: dict[str, Any]) -> tuple[str, str, str]:
    spec = metadata.get("kernelspec") if isinstance(metadata.get("kernelspec"), dict) else {}
    info = metadata.get("language_info") if isinstance(metadata.get("language_info"), dict) else {}
    name = _clean(str(spec.get("name", "") or ""))
    language = _clean(str(spec.get("language", "") or info.get("name", "") or ""))
    version = _clean(str(info.get("version", "") or ""))
    if version.startswith("2.") and _lexer_says_python3(info):
        # ipykernel writes `version`, `codemirror_mode.version` and `pygments_lexer` from one
        # `sys.version_info`: a 2.x version beside an `ipython3` lexer was not written by the kernel
        # that ran the cells (`"2.7.-1"` from an editor), so it says nothing about the Python.
        version = ""
    elif version.startswith("2.") and _INTERPRETER_PYTHON3.match(str(spec.get("display_name", "") or "")):
        # A kernelspec naming one Python 3 interpreter (`Python 3.6.9 64-bit`, VS Code's
        # `python_defaultSpec_…` kernels) beside a 2.x language_info: the editor that ran it wrote
        # the kernelspec and kept the file's old language_info block (fair check 26, an AIF360
        # demo whose saved `print(a, b)` shows `1.0 0.0`, Python 3's output).
        version = ""
    return name, language, version


def _kernel_display_name(metadata: dict[str, Any]) -> str:
    spec = metadata.get("kernelspec") if isinstance(metadata.get("kernelspec"), dict) else {}
    return _clean(str(spec.get("display_name", "") or ""))


_INTERPRETER_PYTHON3 = re.compile(r"^\s*Python 3\.\d+")


def _lexer_says_python3(info: dict[str, Any]) -> bool:
    mode = info.get("codemirror_mode")
    mode_version = str(mode.get("version", "")) if isinstance(mode, dict) else ""
    return mode_version == "3" or str(info.get("pygments_lexer", "")) == "ipython3"


def _from_v4(path: str, data: dict[str, Any], original: int) -> Notebook:
    if "cells" not in data:
        raise _Malformed("no 'cells' list (an nbformat v4 notebook always has one)")
    raw_cells = data["cells"]
    if not isinstance(raw_cells, list):
        raise _Malformed(f"'cells' is {type(raw_cells).__name__}, expected a list")
    cells = []
    for position, raw in enumerate(raw_cells, start=1):
        if not isinstance(raw, dict):
            raise _Malformed(f"cell {position} is {type(raw).__name__}, expected an object")
        kind = _clean(str(raw.get("cell_type", "code")))
        where = f"cell {position}"
        cell_id = _clean(raw["id"]) if original == 4 and isinstance(raw.get("id"), str) else None
        cells.append(
            Cell(
                index=position,
                cell_type=kind,
                source=_text(raw.get("source", ""), f"{where} source"),
                cell_id=cell_id,
                execution_count=_exec_count(raw.get("execution_count")) if kind == "code" else None,
                tags=_tags(raw.get("metadata")),
                outputs=_outputs(raw.get("outputs"), where) if kind == "code" else (),
                language=_cell_language(raw.get("metadata")) if kind == "code" else "",
            )
        )
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    name, language, version = _kernel(metadata)
    minor = data.get("nbformat_minor")
    return Notebook(
        path=path,
        cells=tuple(cells),
        nbformat=4,
        nbformat_minor=minor if isinstance(minor, int) else 0,
        original_nbformat=original,
        kernel_name=name,
        kernel_display_name=_kernel_display_name(metadata),
        kernel_language=language,
        language_version=version,
        saved_on_cpu_kernel=_saved_on_cpu_kernel(metadata),
        databricks_export="notebookId" in metadata or "application/vnd.databricks.v1+notebook" in metadata,
    )


def _saved_on_cpu_kernel(metadata: dict[str, Any]) -> bool:
    """Kaggle records the session a notebook was saved from: `isGpuEnabled: false` or
    `accelerator: "none"` is a run on a CPU-only kernel."""
    kaggle = metadata.get("kaggle")
    if not isinstance(kaggle, dict):
        return False
    return kaggle.get("isGpuEnabled") is False or kaggle.get("accelerator") == "none"


def _from_v3(path: str, data: dict[str, Any]) -> Notebook:
    """v3 keeps cells in worksheets, code in `input`, counts in `prompt_number`.

    Converted here rather than through nbformat's upgrade, which invents random cell ids and so
    would make the same input give different output on every run.
    """
    worksheets = data.get("worksheets", [])
    if not isinstance(worksheets, list):
        raise _Malformed("'worksheets' is not a list")
    cells: list[dict[str, Any]] = []
    for sheet in worksheets:
        if not isinstance(sheet, dict) or not isinstance(sheet.get("cells", []), list):
            raise _Malformed("a worksheet has no list of cells")
        for raw in sheet.get("cells", []):
            if not isinstance(raw, dict):
                raise _Malformed("a cell is not an object")
            kind = raw.get("cell_type", "code")
            if kind == "code":
                cells.append(
                    {
                        "cell_type": "code",
                        "source": raw.get("input", ""),
                        "execution_count": raw.get("prompt_number"),
                        "metadata": raw.get("metadata", {}),
                        "outputs": raw.get("outputs", []),
                    }
                )
            elif kind == "heading":
                level = raw.get("level", 1) if isinstance(raw.get("level"), int) else 1
                text = _text(raw.get("source", ""), "heading source")
                cells.append({"cell_type": "markdown", "source": "#" * level + " " + text, "metadata": {}})
            else:
                cells.append(
                    {
                        "cell_type": "raw" if kind == "raw" else "markdown",
                        "source": raw.get("source", ""),
                        "metadata": raw.get("metadata", {}),
                    }
                )
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    if "language" in data.get("metadata", {}) if isinstance(data.get("metadata"), dict) else False:
        metadata = dict(metadata, kernelspec={"language": metadata["language"]})
    v4 = {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 0}
    return _from_v4(path, v4, original=3)
