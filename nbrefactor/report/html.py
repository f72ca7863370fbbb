"""HTML report: `OUT/report/index.html` and one page per notebook, rendered from the migration
document alone (`report.migration`), so `nbrefactor report` can redo it without analysing anything.

Safety: jinja2 with autoescaping on for every template; notebook text (code, markdown, outputs,
messages) only ever reaches a page through it, or through `highlight`, which escapes every piece it
emits. The pages carry a Content-Security-Policy that allows no network at all and only the one
inline script whose hash it names, so even an escaping mistake could not run injected code.
Self-contained: CSS and JS inline, no CDN; links are relative, so the folder works from the file
system and when served.
"""

from __future__ import annotations

import base64
import builtins
import hashlib
import io
import keyword
import os
import tokenize
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from nbrefactor.report.migration import FORMULA, SEVERITIES, WEIGHTS

_BUILTINS = frozenset(n for n in dir(builtins) if not n.startswith("_"))
_SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}
_KEY_FILES = ("MIGRATION.md", "README.md", "pyproject.toml", "requirements.txt")


# --- syntax highlighting ------------------------------------------------------------------------


def highlight(source: str) -> list[Markup]:
    """Python source → one escaped HTML line per source line, tokens wrapped in `<span class>`.
    IPython lines (`%magic`, `!shell`) are marked whole; code the tokenizer cannot read (a syntax
    error, an unterminated string) keeps the classes found up to there and stays plain after."""
    lines = source.split("\n")
    spans: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    masked = []
    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) or (stripped.startswith("?") and number == 1):
            spans[number].append((len(line) - len(stripped), len(line), "mg"))
            masked.append("")
        else:
            masked.append(line)
    previous = ""
    try:
        for tok in tokenize.generate_tokens(io.StringIO("\n".join(masked) + "\n").readline):
            kind = _token_class(tok, previous)
            if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT):
                previous = tok.string
            if kind is None:
                continue
            (srow, scol), (erow, ecol) = tok.start, tok.end
            for row in range(srow, erow + 1):
                if row > len(lines):
                    break
                start = scol if row == srow else 0
                end = ecol if row == erow else len(lines[row - 1])
                if end > start:
                    spans[row].append((start, end, kind))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    out = []
    for number, line in enumerate(lines, start=1):
        pieces: list[str] = []
        at = 0
        for start, end, kind in sorted(spans.get(number, ())):
            if start < at:
                continue
            pieces.append(str(escape(line[at:start])))
            pieces.append(f'<span class="{kind}">{escape(line[start:end])}</span>')
            at = end
        pieces.append(str(escape(line[at:])))
        out.append(Markup("".join(pieces)))
    return out


def _token_class(tok: tokenize.TokenInfo, previous: str) -> Optional[str]:
    if tok.type == tokenize.NAME:
        if previous in ("def", "class"):
            return "fn"
        if keyword.iskeyword(tok.string):
            return "kw"
        if tok.string in _BUILTINS:
            return "bi"
        return None
    if tok.type == tokenize.STRING:
        return "str"
    if tok.type == tokenize.NUMBER:
        return "nu"
    if tok.type == tokenize.COMMENT:
        return "co"
    if tok.type == tokenize.OP and tok.string == "@" and not tok.line[: tok.start[1]].strip():
        return "de"  # a decorator opens its line; `a @ b` does not
    return None


# --- pages --------------------------------------------------------------------------------------


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("nbrefactor.report", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["highlight"] = highlight
    env.filters["u"] = lambda path: quote(str(path), safe="/")
    return env


def _asset(name: str) -> str:
    return (Path(__file__).parent / "templates" / name).read_text(encoding="utf-8")


def render_html(document: dict[str, Any], base: str = "..") -> dict[str, str]:
    """The report as files: relative path → HTML text. Deterministic for the same document.
    `base`: the output folder (where the packages are) relative to the report folder."""
    env = _environment()
    script = _asset("report.js")
    css = _asset("report.css")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; img-src 'none'; base-uri 'none'; form-action 'none'"
    common = {
        "css": Markup(css),  # our own static file
        "script": Markup(script),
        "csp": csp,
        "tool": document.get("tool", {}),
        "formula": document.get("score", {}).get("formula", FORMULA),
        "weights": document.get("score", {}).get("weights", WEIGHTS),
        "severities": SEVERITIES,
        "base": base,
    }
    models = document["models"]
    rules = document.get("rules", {})
    findings = []
    for m in models:
        pages = {p["path"]: p["slug"] for p in m["pages"]}
        for f in m["findings"]:
            fixed = m["fixed"].get(f["fingerprint"])
            loc = f["location"]
            slug = pages.get(loc["path"]) or (m["pages"][0]["slug"] if m["pages"] else None)
            anchor = _anchor(loc) if loc["path"] in pages else "other-files"
            findings.append({"model": m, "f": f, "fixed": fixed, "href": f"notebooks/{slug}.html#{anchor}" if slug else None})
    findings.sort(key=lambda x: (-_SEVERITY_RANK.get(x["f"]["severity"], 0), x["f"]["code"], x["model"]["name"], x["f"]["location"]["path"], x["f"]["location"]["cell"] or 0, x["f"]["location"]["line"] or 0))
    by_rule = []
    for code, count in sorted(Counter(x["f"]["code"] for x in findings).items()):
        rows = [x for x in findings if x["f"]["code"] == code]
        first = rows[0]["f"]
        by_rule.append({
            "code": code,
            "name": first["name"],
            "family": first["family"],
            "severity": first["severity"],
            "count": count,
            "fixed": sum(1 for x in rows if x["fixed"]),
            "models": sorted({x["model"]["name"] for x in rows}),
            "folders": sorted({x["model"]["folder"] for x in rows}),
            "summary": rules.get(code, {}).get("summary", ""),
        })
    files = {
        "index.html": env.get_template("index.html.j2").render(
            **common,
            document=document,
            summary=document["summary"],
            models=models,
            findings=findings,
            by_rule=by_rule,
            rules=rules,
            errors=document.get("errors", []),
            folders=sorted({m["folder"] for m in models}),
            key_files=_key_files,
            token=_token,
        )
    }
    template = env.get_template("notebook.html.j2")
    for m in models:
        for page in m["pages"]:
            files[f"notebooks/{page['slug']}.html"] = template.render(**common, **_notebook_context(m, page, rules))
    return files


def _token(values: Any) -> str:
    """Filter tokens for a row: `|a|b|` (values may hold spaces; `|` cannot occur in them)."""
    if isinstance(values, str):
        values = [values]
    return "|" + "|".join(str(v).replace("|", "/") for v in values) + "|"


def _anchor(loc: dict[str, Any]) -> str:
    if loc.get("cell") is None:
        return "notebook"
    if loc.get("line"):
        return f"cell-{loc['cell']}-line-{loc['line']}"
    return f"cell-{loc['cell']}"


def _key_files(model: dict[str, Any], short: bool = False) -> list[tuple[str, str]]:
    """(label, path in the package) of the files a reader opens first: MIGRATION.md, the pipeline."""
    files = set(model.get("files", ()))
    out = [(name, name) for name in (_KEY_FILES[:1] if short else _KEY_FILES) if name in files]
    package = model.get("package")
    for name in ("pipeline.py", "config.py"):
        path = f"src/{package}/{name}"
        if path in files:
            out.append((name, path))
    out.extend((Path(f).name, f) for f in sorted(files) if f.endswith((".yaml", ".yml")) and "pipeline" in f)
    return out


def _notebook_context(model: dict[str, Any], page: dict[str, Any], rules: dict[str, Any]) -> dict[str, Any]:
    path = page["path"]
    at_line: dict[tuple[int, int], list] = defaultdict(list)
    at_cell: dict[int, list] = defaultdict(list)
    notebook_level = []
    other_files = []
    for f in model["findings"]:
        loc = f["location"]
        item = {"f": f, "fixed": model["fixed"].get(f["fingerprint"]), "rule": rules.get(f["code"], {})}
        if loc["path"] != path:
            if loc["path"] not in model["notebooks"]:
                other_files.append(item)
            continue
        if loc["cell"] is None:
            notebook_level.append(item)
        elif loc["line"]:
            at_line[(loc["cell"], loc["line"])].append(item)
        else:
            at_cell[loc["cell"]].append(item)
    changes_at: dict[tuple[int, int], list[str]] = defaultdict(list)
    for c in model.get("changes", []):
        if c["notebook"] == path and c["cell"] is not None:
            changes_at[(c["cell"], c["line"] or 1)].append(c["what"])
    review_at: dict[int, list[dict]] = defaultdict(list)
    review_elsewhere = []
    for r in model.get("review", []):
        if r["notebook"] == path and r["cell"] is not None:
            review_at[r["cell"]].append(r)
        elif r["notebook"] == path:
            review_elsewhere.append(r)
    step_of = {}
    for s in model.get("steps", []):
        if s["notebook"] == path:
            for cell in s["cells"]:
                step_of[cell] = s
    cells = []
    for cell in page["cells"]:
        lines = highlight(cell["source"]) if cell["type"] == "code" else []
        cells.append({
            "cell": cell,
            "lines": [
                {
                    "number": n,
                    "html": html,
                    "findings": at_line.get((cell["index"], n), []),
                    "changes": changes_at.get((cell["index"], n), []),
                }
                for n, html in enumerate(lines, start=1)
            ],
            "findings": at_cell.get(cell["index"], []) + [
                item for (c, line), items in sorted(at_line.items()) if c == cell["index"] and line > len(lines) for item in items
            ],
            "review": review_at.get(cell["index"], []),
            "step": step_of.get(cell["index"]),
        })
    counts = Counter(f["severity"] for f in model["findings"] if f["location"]["path"] == path)
    return {
        "model": model,
        "page": page,
        "cells": cells,
        "notebook_level": notebook_level,
        "other_files": other_files,
        "review_elsewhere": review_elsewhere,
        "counts": counts,
        "key_files": _key_files(model),
        "anchor": _anchor,
    }


def write_html(document: dict[str, Any], folder: Path, force: bool = False, out: Optional[Path] = None) -> bool:
    """Write the report folder atomically (as packages are written). False when already current."""
    from nbrefactor.fileio import MANIFEST, write_tree

    # A report folder nbrefactor wrote is simply replaced (it is output, not something to edit);
    # a folder of the same name that someone else made is refused unless --force.
    ours = (folder / MANIFEST).is_file()
    base = ".." if out is None else Path(os.path.relpath(out.resolve(), folder.resolve())).as_posix()
    return write_tree(dict(render_html(document, base)), folder, force=force or ours)
