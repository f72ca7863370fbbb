"""HTML report: `OUT/report/index.html`, one page per notebook, per package (`models/`), per rule
(`rules/`) and per generated file a browser would download (`files/`), rendered from the migration
document (`report.migration`) and the package files the report shows itself (MIGRATION.md, YAML,
TOML…), which `write_html` reads at the edge; so `nbrefactor report` can redo it without
analysing anything.

Safety: jinja2 with autoescaping on for every template; notebook text (code, markdown, outputs,
messages) only ever reaches a page through it, through `highlight`, which escapes every piece it
emits, through markdown-it with raw HTML turned off (messages, MIGRATION.md), or through the SVG
charts, which escape every label. The pages carry a Content-Security-Policy that allows no network
at all and only the one inline script whose hash it names, so even an escaping mistake could not
run injected code. Self-contained: CSS, JS and the SVG pictures inline, no CDN; links are
relative, so the folder works from the file system and when served.
"""

from __future__ import annotations

import base64
import builtins
import re
import hashlib
import io
import keyword
import os
import tokenize
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from nbrefactor.report.charts import bar_chart, dag_svg
from nbrefactor.report.migration import FORMULA, OUTCOMES, SEVERITIES, WEIGHTS, page_slug, proof_not_run

_BUILTINS = frozenset(n for n in dir(builtins) if not n.startswith("_"))
_SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}
_KEY_FILES = ("MIGRATION.md", "README.md", "pyproject.toml", "requirements.txt")
# Files a browser shows as text when a link opens them, from the file system and over HTTP. Any
# other generated file (YAML, TOML, Dockerfile…) would be downloaded — Chromium reports the link
# as net::ERR_ABORTED — so the report links to a page that shows it instead.
_SHOWN_AS_IS = (".py", ".md", ".txt", ".json")
# Internal catalogue file names said in a rule's explanation, and what a reader is told instead.
_CATALOGUES = {
    "io_calls": "nbrefactor's catalogue of path-taking calls",
    "paths": "nbrefactor's catalogue of path patterns",
    "distributions": "nbrefactor's import-to-distribution table",
    "randomness": "nbrefactor's catalogue of random calls and seeds",
    "secrets": "nbrefactor's catalogue of secret patterns",
    "hidden_state": "nbrefactor's hidden-state catalogue",
}
_CATALOGUE_NAME = re.compile(r"(?:the )?`?(?:rules/)?(?P<name>[a-z_]+)\.toml`?(?: rules file)?")


# --- text ---------------------------------------------------------------------------------------


def _markdown() -> Any:
    from markdown_it import MarkdownIt

    # "html": False — raw HTML in the text is shown as text, never passed through.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).disable(["image"])


_MD = None


def inline_markdown(text: Any) -> Markup:
    """A message, fix or explanation with its `code`, **bold** and *emphasis* rendered; HTML in
    it is escaped (markdown-it with html off), images are not rendered (the CSP would block them)."""
    global _MD
    if _MD is None:
        _MD = _markdown()
    return Markup(_MD.renderInline(str(text or "")))


def user_facing(text: Any) -> str:
    """A rule's explanation for readers of the report: the internal catalogue file names
    (`rules/io_calls.toml`) become what they hold; `pyproject.toml` (the user's own) stays."""

    def name(match: "re.Match[str]") -> str:
        stem = match.group("name")
        if stem == "pyproject":
            return match.group(0)
        return _CATALOGUES.get(stem, "nbrefactor's rule catalogue")

    return _CATALOGUE_NAME.sub(name, str(text or ""))


def count(n: int, noun: str) -> str:
    from nbrefactor.report.text import count as _count

    return _count(n, noun)


def markdown_document(text: str) -> Markup:
    """A whole markdown file (MIGRATION.md) as HTML; raw HTML in it is escaped."""
    global _MD
    if _MD is None:
        _MD = _markdown()
    return Markup(_MD.render(text))


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


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """One per process: an Environment compiles each template the first time it is asked for and
    keeps it. A new one per report compiled the five templates again every time (0.17 s each:
    18 of the 23 s that writing the report took in 21 migrations of two test files, profiled)."""
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
    env.filters["md"] = inline_markdown
    env.filters["explain"] = lambda text: inline_markdown(user_facing(text))
    env.globals["count"] = count
    return env


def _asset(name: str) -> str:
    return (Path(__file__).parent / "templates" / name).read_text(encoding="utf-8")


def render_html(document: dict[str, Any], base: str = "..", package_texts: Optional[dict[tuple[str, str], str]] = None) -> dict[str, str]:
    """The report as files: relative path → HTML text. Deterministic for the same input.
    `base`: the output folder (where the packages are) relative to the report folder.
    `package_texts`: (model name, file in its package) → text, for the files the report shows
    itself (MIGRATION.md rendered, and the files a browser would download instead of showing)."""
    env = _environment()
    texts = package_texts or {}
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
        "file_link": _file_link,
        "model_slug": _model_slug,
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
    for code, number in sorted(Counter(x["f"]["code"] for x in findings).items()):
        rows = [x for x in findings if x["f"]["code"] == code]
        first = rows[0]["f"]
        by_rule.append({
            "code": code,
            "name": first["name"],
            "family": first["family"],
            "severity": first["severity"],
            "count": number,
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
            statuses=[s for s in OUTCOMES if document["summary"]["status"].get(s)],
            proof_not_run=proof_not_run(document),
            key_files=_key_files,
            token=_token,
            charts=_charts(document, by_rule),
            pipelines=[(m, dag_svg(m.get("pipeline"), f"pipeline of {m['name']}")) for m in models if m.get("pipeline")],
        )
    }
    template = env.get_template("notebook.html.j2")
    for m in models:
        for page in m["pages"]:
            files[f"notebooks/{page['slug']}.html"] = template.render(**common, **_notebook_context(m, page, rules))
    rule_page = env.get_template("rule.html.j2")
    for code, rule in rules.items():
        files[f"rules/{code}.html"] = rule_page.render(**common, code=code, rule=rule, models=sorted({x["model"]["name"] for x in findings if x["f"]["code"] == code}))
    model_page = env.get_template("model.html.j2")
    file_page = env.get_template("file.html.j2")
    for m in models:
        if not m.get("package_dir"):
            continue
        migration = texts.get((m["name"], "MIGRATION.md"))
        files[f"models/{_model_slug(m)}.html"] = model_page.render(
            **common,
            model=m,
            migration=markdown_document(migration) if migration is not None else None,
            dag=dag_svg(m.get("pipeline"), f"pipeline of {m['name']}"),
            key_files=_key_files(m),
        )
        for path in m.get("files", ()):
            if _shown_as_is(path) or path == "MIGRATION.md":
                continue
            files[f"files/{_model_slug(m)}/{path}.html"] = file_page.render(
                **common, model=m, path=path, text=texts.get((m["name"], path)), depth="../" * (path.count("/") + 2)
            )
    return files


def _shown_as_is(path: str) -> bool:
    return path.lower().endswith(_SHOWN_AS_IS) and Path(path).name != "MIGRATION.md"


def _model_slug(model: dict[str, Any]) -> str:
    return page_slug(model["name"])


def _file_link(model: dict[str, Any], path: str, to_report: str = "", base: str = "..") -> str:
    """Where a link to a generated file goes, from a page `to_report` below the report folder
    ("" for index.html, "../" for notebooks/…): the file itself when a browser shows it, else the
    report's page for it (MIGRATION.md rendered, the model page; YAML, TOML… on a file page)."""
    if Path(path).name == "MIGRATION.md" and path == "MIGRATION.md":
        return f"{to_report}models/{quote(_model_slug(model))}.html#migration"
    if _shown_as_is(path):
        return f"{to_report}{base}/{quote(model['package_dir'], safe='/')}/{quote(path, safe='/')}"
    return f"{to_report}files/{quote(_model_slug(model))}/{quote(path, safe='/')}.html"


def _charts(document: dict[str, Any], by_rule: list[dict[str, Any]]) -> dict[str, Markup]:
    summary = document["summary"]
    families = sorted(summary.get("by_family", {}).items(), key=lambda kv: (-kv[1], kv[0]))
    rules = sorted(by_rule, key=lambda r: (-r["count"], r["code"]))
    ranked = sorted(document["models"], key=lambda m: (-m["readiness"]["score"], m["name"]))
    return {
        "families": bar_chart([(f, n, "family") for f, n in families], "findings per family", label_chars=14),
        "rules": bar_chart([(f"{r['code']} {r['name']}", r["count"], r["severity"]) for r in rules], "findings per rule", label_chars=30),
        "readiness": bar_chart(
            [(f"{m['name']} ({m['status']})", m["readiness"]["score"], m["status"]) for m in ranked],
            "models ranked by readiness score (0–100)", label_chars=34, max_value=100,
        ),
    }


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
    count_text = ", ".join(count(counts[s], s) for s in SEVERITIES if counts[s]) or "no findings"
    # The findings in the order the page shows them, for the list at the top and "next finding".
    in_order = list(notebook_level) + list(other_files)
    for c in cells:
        in_order.extend(c["findings"])
        for line in c["lines"]:
            in_order.extend(line["findings"])
    return {
        "count_text": count_text,
        "findings_in_order": in_order,
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


def package_texts(document: dict[str, Any], out: Path) -> dict[tuple[str, str], str]:
    """Read (at the edge) the generated files the report shows itself: each package's MIGRATION.md
    and the files a browser would not show. A file that is gone or not text is left out (its page
    says so)."""
    texts: dict[tuple[str, str], str] = {}
    for m in document["models"]:
        if not m.get("package_dir"):
            continue
        for path in m.get("files", ()):
            if _shown_as_is(path):
                continue
            try:
                texts[(m["name"], path)] = (out / m["package_dir"] / path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
    return texts


def write_html(document: dict[str, Any], folder: Path, force: bool = False, out: Optional[Path] = None) -> bool:
    """Write the report folder atomically (as packages are written). False when already current."""
    from nbrefactor.fileio import MANIFEST, write_tree

    # A report folder nbrefactor wrote is simply replaced (it is output, not something to edit);
    # a folder of the same name that someone else made is refused unless --force.
    ours = (folder / MANIFEST).is_file()
    out_dir = out if out is not None else folder.parent
    base = ".." if out is None else Path(os.path.relpath(out.resolve(), folder.resolve())).as_posix()
    return write_tree(dict(render_html(document, base, package_texts(document, out_dir))), folder, force=force or ours)
