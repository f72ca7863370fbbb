"""The migration report: `OUT/migration-report.json` (schema `nbrefactor-migration/2`, documented in
docs/migration-report.md) and the terminal summary.

The document holds everything the reports need — per model its notebooks, outcome, problems,
package files, findings (as the audit JSON writes them), what each fixed finding became, the review
items, and each notebook's cells (redacted, outputs capped) — so `nbrefactor report` re-renders the
HTML and the terminal summary without analysing anything again.

A model record is built once, where the model was migrated (a worker process), from plain data;
the batch cache stores the same record, so a cached re-run writes the same bytes. Nothing in the
document depends on the run: no timestamps, no absolute output paths, no cache facts; keys sorted.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import IO, Any, Iterable, Optional, Sequence

from nbrefactor import __version__
from nbrefactor.audit.catalog import Catalog
from nbrefactor.audit.types import Cell, Diagnostic, LoadError, Notebook
from nbrefactor.audit.secrets import notebook_secrets, redact
from nbrefactor.compile.plan import REQUIREMENT_CODES
from nbrefactor.report.charts import pipeline_of
from nbrefactor.report.json_report import diagnostic_to_dict

SCHEMA = "nbrefactor-migration/2"
# Version 1 called a --no-prove package `migrated` (a status that claims rung 5, when nothing past
# writing the files was run); `nbrefactor report` still reads it, as version 2 records it.
OLD_SCHEMAS = ("nbrefactor-migration/1",)
REPORT_FILE = "migration-report.json"
REPORT_DIR = "report"

# "migrated" and "migrated-with-review" are the proof ladder's words (migrate/prove.py): the package
# reached rung 5 ("runs as a pipeline") at least, and a value was compared (by rung 5, or by rung 6
# where rung 5 had none: `proof.compared`). "emitted": the package was written but not proven,
# because the ladder stopped below rung 5 (its record's `proof` says which rung failed and why), or
# its steps ran but nothing was compared, or it was not run at all (--no-prove: `proof.skipped`).
OUTCOMES = ("migrated", "migrated-with-review", "emitted", "skipped", "blocked", "failed", "unreadable")
PROOF_RUNGS = ("emitted", "installs", "imports", "tests pass", "runs as a pipeline", "verified")
SEVERITIES = ("error", "warning", "info")
OUTPUT_CAP = 4000  # characters of one output's text kept for the notebook page
OUTPUTS_PER_CELL = 20
SOURCE_CAP = 200_000  # characters of one cell's source

# The readiness score, in one place: the page, the docs and the JSON all print these numbers.
# The status decides the band a score lies in, the findings left and the review items where in the
# band: so a score never contradicts its status (a blocked model never outscores a migrated one,
# a clean migration never scores like a failure).
WEIGHTS = {"error": 15, "warning": 5, "info": 1, "review": 5}
BANDS = {
    "migrated": (90, 100),
    "migrated-with-review": (60, 89),
    "emitted": (40, 59),  # written, not proven: the ladder stopped below "runs as a pipeline", compared no value, or was not run
    "blocked": (1, 39),
    "skipped": (0, 0),
    "failed": (0, 0),
    "unreadable": (0, 0),
}
FORMULA = (
    "score = max(band low, band high − 15 × errors − 5 × warnings − 1 × infos − 5 × review items), "
    "counting only the findings the compiler did not fix automatically; the band comes from the "
    "status: migrated (proven: rung 5 of the proof ladder or above, a value compared) 90–100, migrated with review items "
    "60–89, emitted but not proven (the proof stopped below rung 5, compared no value, or was not run) 40–59, "
    "blocked 1–39; skipped, failed or unreadable 0"
)

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- one model's record (built where the model was migrated) -----------------------------------


def outcome_of(status: str, review_items: int) -> str:
    """The run's status (`unchanged` when nothing needed writing) as a readiness outcome."""
    if status == "unchanged":
        return "migrated-with-review" if review_items else "migrated"
    return status if status in OUTCOMES else "failed"


def model_record(result: Any, members: Sequence[tuple[Path, str]], out: Path, catalog: Catalog) -> dict[str, Any]:
    """A `migrate.ModelResult` (+ the written package, if any) as plain, JSON-ready data."""
    plan = result.plan
    notebooks = _notebooks(plan, members)
    known: set[str] = set()
    for nb in notebooks.values():
        if isinstance(nb, Notebook):
            known |= notebook_secrets((c.source for c in nb.code_cells), catalog)

    def clean(text: str) -> str:
        return redact(_CONTROL.sub("", _ANSI.sub("", text)), catalog, known)

    outcome = outcome_of(result.status, result.review_items)
    emitted = result.emitted
    package_dir: Optional[str] = None
    files: list[str] = []
    if plan is not None and outcome in ("migrated", "migrated-with-review") and result.out_dir:
        package_dir = plan.package
        files = _package_files(Path(result.out_dir))
    diagnostics = sorted(result.diagnostics, key=Diagnostic.sort_key)
    # What MIGRATION.md says, from the same value it was rendered from (`EmitResult`).
    fixed = _fixed(plan, emitted.fixed if emitted is not None else plan.fixed, clean) if package_dir else {}
    # Literals of findings folded into another rule's finding, read from config all the same
    # (MIGRATION.md's "(reported within …)" lines): not in `findings`, so not keys of `fixed`.
    fixed_folded = [
        {
            "code": d.code, "fingerprint": d.fingerprint, "notebook": d.location.path, "cell": d.location.cell,
            "line": d.location.line, "field": field_name, "folded_into": into,
            "file": f"src/{plan.package}/config.py", "became": f"config field `{field_name}`",
        }
        for d, into, field_name in (emitted.lifted_folded if emitted is not None and package_dir else ())
    ]
    review_items = emitted.review if emitted is not None else (plan.review if plan is not None else ())
    review = [_item(r.notebook, r.cell, r.line, r.what, clean) for r in review_items]
    changes = [_item(nb, cell, line, what, clean) for nb, cell, line, what in (emitted.changes if emitted is not None else ())]
    config = []
    steps = []
    if plan is not None:
        document = plan.document()
        env_prefix = plan.package.upper()
        config = [
            {
                "name": f.name,
                "kind": f.kind,
                "type": f.type,
                "default": clean(f.default) if isinstance(f.default, str) else f.default,
                "direction": f.direction,
                "flag": "--" + f.name.replace("_", "-"),
                "env": f"{env_prefix}_{f.name.upper()}",
                "origins": [{"notebook": o[0], "cell": o[1], "line": o[2]} for o in f.origins],
            }
            for f in document.config
        ]
        steps = [
            {
                "name": s.name,
                "title": clean(s.title),
                "notebook": s.notebook,
                "module": s.stage_module,
                "file": f"src/{plan.package}/{s.stage_module}.py",
                "cells": list(s.cells),
                "inputs": list(s.inputs),
                "outputs": list(s.outputs),
            }
            for s in document.steps
        ]
    displays = [d for _, d in members]
    record = {
        "name": result.model,
        "package": plan.package if plan is not None else None,
        "folder": str(PurePosixPath(displays[0]).parent) if displays else ".",
        "notebooks": displays,
        "status": outcome,
        "problems": [clean(p) for p in result.problems],
        "package_dir": package_dir,
        "files": files,
        "findings": [diagnostic_to_dict(d) for d in diagnostics],
        "fixed": fixed,
        "fixed_folded": fixed_folded,
        "review": review,
        "changes": changes,
        "config": config,
        "steps": steps,
        # The compiled kfp pipeline's tasks (dependencies, artifacts, GPU), for the report's DAG.
        "pipeline": pipeline_of(result.out_dir if package_dir else None),
        "pages": [_page(display, notebooks.get(display), clean) for display in displays],
    }
    record["readiness"] = readiness(record)
    return record


def with_proof(record: dict[str, Any], proof: dict[str, Any]) -> dict[str, Any]:
    """A written model's record once the proof ladder has spoken (or was skipped): `migrated` (or
    `migrated-with-review`, when MIGRATION.md lists items for a person) only from rung 5 up; a
    package whose proof stopped below rung 5, or was not run (`--no-prove`), is `emitted`. The
    review items stay in the record either way, and the readiness score moves to the new status's
    band (a package nothing was run on never scores as a migrated one)."""
    status = ("migrated-with-review" if record["review"] else "migrated") if proof.get("proven") else "emitted"
    updated = dict(record, proof=proof, status=status)
    updated["readiness"] = readiness(updated)
    return updated


def failed_record(model: str, members: Sequence[tuple[Path, str]], problem: str, catalog: Catalog) -> dict[str, Any]:
    """A model whose worker died or ran out of time: no result to describe, only the problem."""
    from nbrefactor.compile.result import ModelResult

    return model_record(ModelResult(model, tuple(d for _, d in members), "failed", problems=(problem,)), members, Path("."), catalog)


def _notebooks(plan: Any, members: Sequence[tuple[Path, str]]) -> dict[str, Notebook | LoadError]:
    from nbrefactor.audit.loader import read_notebook

    found: dict[str, Notebook | LoadError] = {}
    if plan is not None:
        for stage in plan.stages:
            found[stage.notebook] = stage.facts.notebook
    for path, display in members:
        if display not in found:
            try:
                found[display] = read_notebook(path, display)
            except Exception as exc:  # noqa: BLE001 - the page says so; the record still builds
                found[display] = LoadError(display, f"{type(exc).__name__}: {exc}")
    return found


def _package_files(folder: Path) -> list[str]:
    from nbrefactor.fileio import MANIFEST

    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return sorted({*manifest.get("files", {}), MANIFEST})


def _item(notebook: str, cell: Optional[int], line: Optional[int], what: str, clean) -> dict[str, Any]:  # noqa: ANN001 - str → str
    return {"notebook": notebook, "cell": cell, "line": line, "what": clean(what)}


def _fixed(plan: Any, fixed: Sequence[Diagnostic], clean) -> dict[str, dict[str, Any]]:  # noqa: ANN001
    """fingerprint → what the finding became in the package: the findings MIGRATION.md lists as
    fixed (`EmitResult.fixed`), so the report and the package never disagree."""
    from nbrefactor.compile.plan import REQUIREMENT_CODES  # the compiler's, where it compiled (a worker)

    fields = {f.name: f for f in plan.config_fields}
    out: dict[str, dict[str, Any]] = {}
    for d in fixed:
        loc = d.location
        name = plan.replacements.get((loc.path, loc.cell or 0, loc.line or 0, loc.column or 0))
        entry: dict[str, Any] = {"code": d.code, "field": None, "file": None}
        if name is not None and name in fields:
            f = fields[name]
            default = clean(f.default) if isinstance(f.default, str) else f.default
            entry.update(
                field=name,
                file=f"src/{plan.package}/config.py",
                became=f"config field `{name}` (default {default!r}; override with --{name.replace('_', '-')} "
                f"or {plan.package.upper()}_{name.upper()})",
            )
        elif d.code in REQUIREMENT_CODES:
            entry.update(file="requirements.txt", became="the install moved to requirements.txt (and environment.yml)")
        else:
            entry["became"] = "fixed by the compiler (see MIGRATION.md)"
        out[d.fingerprint] = entry
    return dict(sorted(out.items()))


def _page(display: str, notebook: Notebook | LoadError | None, clean) -> dict[str, Any]:  # noqa: ANN001
    page: dict[str, Any] = {"path": display, "slug": page_slug(display), "cells": [], "error": None, "language": ""}
    if notebook is None:
        page["error"] = "not read"
        return page
    if isinstance(notebook, LoadError):
        page["error"] = clean(notebook.problem)
        return page
    page["language"] = notebook.kernel_language or notebook.kernel_name
    page["cells"] = [_cell(c, clean) for c in notebook.cells]
    return page


def _cell(cell: Cell, clean) -> dict[str, Any]:  # noqa: ANN001
    outputs = []
    for out in cell.outputs[:OUTPUTS_PER_CELL]:
        if out.output_type == "error":
            text = "\n".join(filter(None, (out.name, out.text)))
        else:
            text = out.text or next((t for m, t in out.data if m != "text/plain"), "")
        text = clean(text)
        extra = [[m, _cap(clean(t))[0]] for m, t in out.data if m not in ("text/plain",) and t and t != out.text]
        capped, truncated = _cap(text)
        outputs.append({
            "type": out.output_type,
            "name": clean(out.name),
            "text": capped,
            "truncated": truncated,
            "mime": list(out.mime_types),
            "data": extra,
        })
    source, _ = _cap(clean(cell.source), SOURCE_CAP)
    return {
        "index": cell.index,
        "type": cell.cell_type,
        "source": source,
        "execution_count": cell.execution_count,
        "tags": list(cell.tags),
        "outputs": outputs,
        "outputs_left_out": max(0, len(cell.outputs) - OUTPUTS_PER_CELL),
    }


def _cap(text: str, cap: int = OUTPUT_CAP) -> tuple[str, bool]:
    return (text, False) if len(text) <= cap else (text[:cap], True)


def page_slug(display: str) -> str:
    """A file name for a notebook's page: readable, and unique by a hash of the whole path."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", PurePosixPath(display).with_suffix("").as_posix()).strip("_")[-60:] or "notebook"
    return f"{stem}-{hashlib.sha256(display.encode('utf-8')).hexdigest()[:8]}"


# --- scores and the whole document ---------------------------------------------------------------


def readiness(record: dict[str, Any]) -> dict[str, Any]:
    left = Counter(f["severity"] for f in record["findings"] if f["fingerprint"] not in record["fixed"])
    review = len(record["review"])
    blocked = record["status"] == "blocked"
    low, high = BANDS[_band_status(record["status"], review)]
    penalty = sum(WEIGHTS[s] * left[s] for s in SEVERITIES) + WEIGHTS["review"] * review
    return {
        "score": max(low, high - penalty),
        "errors": left["error"],
        "warnings": left["warning"],
        "infos": left["info"],
        "fixed": len(record["fixed"]),
        "review": review,
        "blocked": blocked,
    }


def _band_status(status: str, review: int) -> str:
    if status == "unchanged":  # written before, identical now: as it was migrated
        return "migrated-with-review" if review else "migrated"
    if status == "migrated" and review:
        return "migrated-with-review"
    return status if status in BANDS else "emitted"


def rules_used(codes: Iterable[str]) -> dict[str, dict[str, str]]:
    from nbrefactor.audit.rules import all_rules

    wanted = set(codes)
    return {
        r.code: {
            "name": r.name,
            "family": r.family.value,
            "severity": r.severity.value,
            "summary": r.summary,
            "what_it_does": r.what_it_does,
            "why_bad": r.why_bad,
            "example": r.example,
            "use_instead": r.use_instead,
        }
        for r in sorted(all_rules(), key=lambda r: r.code)
        if r.code in wanted
    }


def build_document(records: Sequence[dict[str, Any]], missing: Sequence[LoadError] = ()) -> dict[str, Any]:
    models = sorted(records, key=lambda r: r["name"])
    findings = [f for m in models for f in m["findings"]]
    status = Counter(m["status"] for m in models)
    return {
        "schema": SCHEMA,
        "tool": {"name": "nbrefactor", "version": __version__},
        "report": f"{REPORT_DIR}/index.html",
        "score": {"formula": FORMULA, "weights": dict(WEIGHTS), "bands": {k: list(v) for k, v in BANDS.items()}},
        "summary": {
            "notebooks": sum(len(m["notebooks"]) for m in models),
            "models": len(models),
            "status": {s: status.get(s, 0) for s in OUTCOMES},
            "findings": len(findings),
            "fixed": sum(len(m["fixed"]) for m in models),
            "review_items": sum(len(m["review"]) for m in models),
            "by_severity": {s: sum(1 for f in findings if f["severity"] == s) for s in SEVERITIES},
            "by_family": dict(sorted(Counter(f["family"] for f in findings).items())),
            "by_code": dict(sorted(Counter(f["code"] for f in findings).items())),
            "missing_paths": len(missing),
        },
        "errors": [{"path": e.path, "problem": e.problem} for e in sorted(missing, key=lambda e: e.path)],
        "proof": proof_summary(models),
        "rules": rules_used(f["code"] for f in findings),
        "models": models,
    }


def proof_summary(models: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """How far the written packages were proven: per rung, how many models reached it (as their
    highest rung); `proven` counts the migrated ones (rung 5 and above, a value compared; a model
    whose steps ran but returned nothing, unverified, is at rung 5 and `not_proven`); `not_run`
    the models of a --no-prove run."""
    proofs = [m["proof"] for m in models if m.get("proof")]
    ran = [p for p in proofs if not p.get("skipped")]
    return {
        "proven": sum(1 for p in ran if p.get("proven")),
        "not_proven": sum(1 for p in ran if not p.get("proven")),
        "not_run": sum(1 for p in proofs if p.get("skipped")),
        "by_rung": {name: sum(1 for p in ran if p.get("rung") == n) for n, name in enumerate(PROOF_RUNGS, start=1)},
    }


def render_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


class ReportError(ValueError):
    pass


def load_document(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportError(f"{path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ReportError(f"{path}: not JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("schema") not in (SCHEMA, *OLD_SCHEMAS):
        found = document.get("schema") if isinstance(document, dict) else type(document).__name__
        raise ReportError(f"{path}: not a migration report (schema {found!r}, expected {SCHEMA!r})")
    # Every name that becomes a path when the HTML is written is checked: an edited report must
    # not make `nbrefactor report` write outside its folder (`"slug": "../../x"`).
    for model in document.get("models") or []:
        for page in (model.get("pages") or []) if isinstance(model, dict) else []:
            slug = page.get("slug") if isinstance(page, dict) else None
            if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
                name = model.get("name") if isinstance(model, dict) else "?"
                raise ReportError(f"{path}: model {str(name)!r} has a page name {slug!r} that nbrefactor never writes (was the report edited?)")
    if document["schema"] in OLD_SCHEMAS:
        document = _from_version_1(document)
    return document


def _from_version_1(document: dict[str, Any]) -> dict[str, Any]:
    """A version 1 report as version 2 records it, so a re-rendered old report says what a new run
    would: a `--no-prove` package (status `migrated`, `proof.skipped`) is `emitted`, and every proven
    or unproven model's readiness lies in its status's band (version 1 kept the band of the compile
    outcome after the ladder turned a model `emitted`). `schema` stays as the file says."""
    models = [
        with_proof(m, m["proof"]) if isinstance(m, dict) and isinstance(m.get("proof"), dict) and m.get("package_dir") else m
        for m in document.get("models") or []
    ]
    upgraded = dict(document, models=models, score={"formula": FORMULA, "weights": dict(WEIGHTS), "bands": {k: list(v) for k, v in BANDS.items()}})
    summary = document.get("summary")
    if isinstance(summary, dict):
        status = Counter(m.get("status") for m in models if isinstance(m, dict))
        upgraded["summary"] = dict(summary, status={s: status.get(s, 0) for s in OUTCOMES})
    return upgraded


_SLUG = re.compile(r"[A-Za-z0-9_-]{1,80}")


# --- the terminal ------------------------------------------------------------------------------


_STATUS_STYLE = {"migrated": "green", "migrated-with-review": "yellow", "emitted": "red", "skipped": "cyan", "blocked": "red", "failed": "bold red", "unreadable": "bold red"}


def proof_not_run(document: dict[str, Any]) -> bool:
    """A `--no-prove` run: packages were written and none climbed the ladder, so no model can be
    `migrated` and the summary has no rows (or cards) for that word."""
    proof = document.get("proof")
    return bool(proof) and bool(proof["not_run"]) and not proof["proven"] and not proof["not_proven"]


def status_labels(document: dict[str, Any], dry_run: bool = False) -> dict[str, str]:
    """Status → the words the summary table prints for it, in OUTCOMES order. A dry run wrote
    nothing and proved nothing: its compile outcomes are what would be written."""
    labels = {
        "migrated": "migrated cleanly",
        "migrated-with-review": "migrated with review items",
        "emitted": "emitted, not proven",
        "skipped": "skipped (no code)",
        "blocked": "blocked (fix the cells named)",
        "failed": "failed",
        "unreadable": "unreadable",
    }
    if dry_run:
        labels.update({"migrated": "would be written cleanly (not proven)", "migrated-with-review": "would be written, with review items (not proven)"})
    elif proof_not_run(document):
        del labels["migrated"], labels["migrated-with-review"]
        labels["emitted"] = "emitted, not proven (--no-prove)"
    return labels


def model_line(record: dict[str, Any]) -> str:
    """One plain line per model, as `migrate` prints it while the batch runs (with its proof)."""
    line = f"{record['status']:<21} {record['name']} ({', '.join(record['notebooks'])})"
    proof = record.get("proof")
    return line + (f" — {proof['label']}" if proof else "")


def print_summary(document: dict[str, Any], stream: IO[str], color: Optional[bool] = None, where: Optional[str] = None, extra: Sequence[str] = (), dry_run: bool = False) -> None:
    """The end-of-batch summary: models by outcome, findings by severity and family, the report."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=stream, force_terminal=color, no_color=color is False, highlight=False, width=100 if color is None and not stream.isatty() else None)
    summary = document["summary"]
    blocked = [m for m in document["models"] if m["status"] in ("blocked", "failed", "unreadable")]
    unproven = [m for m in document["models"] if m.get("proof") and not m["proof"].get("proven") and not m["proof"].get("skipped")]
    if unproven:
        console.print("\n[bold]Emitted, not proven[/] (a package is migrated from rung 5, \"runs as a pipeline\", up, once a value was compared)")
        for m in unproven:
            console.print(f"  [red]{escape(m['proof']['label'])}[/] {escape(m['name'])}", soft_wrap=True)
    if blocked:
        console.print("\n[bold]Not migrated[/]")
        for m in blocked:
            console.print(f"  [{_STATUS_STYLE[m['status']]}]{m['status']}[/] {escape(m['name'])} ({escape(', '.join(m['notebooks']))})", soft_wrap=True)
            for problem in m["problems"][:10]:
                console.print(f"      {escape(problem)}", soft_wrap=True)
            if len(m["problems"]) > 10:
                console.print(f"      … and {len(m['problems']) - 10} more")
    table = Table(title="Migration summary", show_header=True, header_style="bold")
    table.add_column("")
    table.add_column("count", justify="right")
    table.add_row("notebooks", str(summary["notebooks"]))
    table.add_row("models", str(summary["models"]))
    proof = document.get("proof")
    for status, label in status_labels(document, dry_run).items():
        style = _STATUS_STYLE[status] if summary["status"].get(status, 0) else "dim"
        table.add_row(f"  [{style}]{label}[/]", str(summary["status"].get(status, 0)))
    if proof is not None and not dry_run:
        if proof["not_run"]:
            table.add_row("proof ladder", f"not run (--no-prove): {proof['not_run']}")
        else:
            table.add_row("proven (rung 5+, values compared)", str(proof["proven"]))
            for rung, name in enumerate(PROOF_RUNGS, start=1):
                count = proof["by_rung"].get(name, 0)
                if count:
                    table.add_row(f"  highest rung {rung}: {name}", str(count))
    table.add_row("findings", str(summary["findings"]))
    for severity in SEVERITIES:
        table.add_row(f"  {severity}", str(summary["by_severity"][severity]))
    for family, count in summary["by_family"].items():
        table.add_row(f"  {family}", str(count))
    table.add_row("fixed by the compiler", str(summary["fixed"]))
    table.add_row("review items", str(summary["review_items"]))
    console.print()
    console.print(table)
    for line in extra:
        console.print(escape(line), soft_wrap=True)
    if where:
        console.print(f"report: {escape(where)}", soft_wrap=True)
