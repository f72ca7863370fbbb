from pathlib import Path

from nbrefactor.report.rule_docs import generated_docs

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


def test_rule_docs_are_current():
    wanted = generated_docs()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    stale = sorted(name for name in set(wanted) | set(on_disk) if wanted.get(name) != on_disk.get(name))
    assert not stale, f"docs/rules is stale ({', '.join(stale)}): run `python -m nbrefactor.report.rule_docs`"
