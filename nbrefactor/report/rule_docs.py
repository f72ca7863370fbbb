"""Rule documentation, generated from the rule classes into docs/rules/ (a test fails when stale)."""

from __future__ import annotations

from pathlib import Path

from nbrefactor.audit.rules import Example, ExampleCell, Rule, all_rules


def _cells(example: Example) -> str:
    blocks = []
    for i, c in enumerate(example.cells, start=1):
        cell = c if isinstance(c, ExampleCell) else ExampleCell(c)
        count = f" [{cell.count}]" if cell.count is not None else ""
        tags = f" tags: {', '.join(cell.tags)}" if cell.tags else ""
        lang = "python" if cell.kind == "code" else "markdown"
        blocks.append(f"Cell {i} ({cell.kind}{count}{tags}):\n\n```{lang}\n{cell.source}\n```")
    if example.files:
        for name, text in sorted(example.files.items()):
            blocks.append(f"File `{name}` beside the notebook:\n\n```\n{text.rstrip()}\n```")
    if not example.cells:
        blocks.append("(a notebook with no cells)")
    return "\n\n".join(blocks)


def _expect(example: Example) -> str:
    spots = []
    for cell, line in example.expect:
        if cell is None and line is not None:
            spots.append(f"line {line} of the file the finding names (a manifest), not a cell")
        elif cell is None:
            spots.append("the notebook as a whole")
        else:
            spots.append(f"cell {cell}, line {line}")
    return "; ".join(spots)


_REFERENCE_SHEET_NOTE = (
    " Not applied to a never-run reference sheet (see STR001: no code cell has a count or an output, and three "
    "or more hold shell, SQL or Scala text): its paths, downloads and installs are the lesson, not a program's steps."
)


def rule_markdown(rule: type[Rule]) -> str:
    lines = [
        f"# {rule.code} `{rule.name}`",
        "",
        f"Family: **{rule.family.value}** · Severity: **{rule.severity.value}**",
        "",
        rule.summary,
        "",
        "## What it does",
        "",
        rule.what_it_does + (_REFERENCE_SHEET_NOTE if rule.quiet_in_reference_sheets else ""),
        "",
        "## Why is this bad?",
        "",
        rule.why_bad,
        "",
        "## Example",
        "",
        "```python",
        rule.example,
        "```",
        "",
        "## Use instead",
        "",
        "```python",
        rule.use_instead,
        "```",
        "",
        "## Suppressing it",
        "",
        f"On the line: `# nbrefactor: ignore[{rule.code}]` (or `# noqa: {rule.code}`); for a whole cell, the "
        f"cell tag `nbrefactor:ignore:{rule.code}`; for a project, `ignore = [\"{rule.code}\"]` under "
        "`[tool.nbrefactor]` in pyproject.toml.",
        "",
    ]
    if rule.failing:
        lines += ["## Examples that are reported", ""]
        for n, ex in enumerate(rule.failing, start=1):
            lines += [f"### Reported example {n}", "", _cells(ex), "", f"Reported at: {_expect(ex)}.", ""]
    if rule.passing:
        lines += ["## Examples that pass", ""]
        for n, ex in enumerate(rule.passing, start=1):
            lines += [f"### Passing example {n}", "", _cells(ex), ""]
    return "\n".join(lines).rstrip() + "\n"


def index_markdown() -> str:
    lines = [
        "# Rules",
        "",
        "Generated from the rule classes in `nbrefactor/rules/` by `python -m nbrefactor.report.rule_docs`; do not edit.",
        "",
        "| Code | Name | Family | Severity | Summary |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in all_rules():
        lines.append(f"| [{r.code}]({r.doc_slug()}.md) | `{r.name}` | {r.family.value} | {r.severity.value} | {r.summary} |")
    return "\n".join(lines) + "\n"


def generated_docs() -> dict[str, str]:
    files = {"index.md": index_markdown()}
    for r in all_rules():
        files[f"{r.doc_slug()}.md"] = rule_markdown(r)
    return files


def write_docs(folder: Path) -> None:
    from nbrefactor.fileio import write_text_atomic

    folder.mkdir(parents=True, exist_ok=True)
    wanted = generated_docs()
    for stale in folder.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        write_text_atomic(folder / name, text)


if __name__ == "__main__":
    write_docs(Path(__file__).resolve().parent.parent.parent / "docs" / "rules")
