"""docs/pipelines.md shows the generated layout of one package (issue 12, "Done when"): every path
the layout block names exists in the churn fixture's package, migrated here, and every file that
package holds is named by the block (a folder such as tests/data/ names what is in it) (so the documentation cannot drift)."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "pipelines.md"


def documented_paths() -> set[str]:
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("The layout of one package (`fixtures/notebooks/churn`", 1)[1].split("```", 2)[1]
    paths: set[str] = set()
    folder = ""
    for line in block.splitlines()[2:]:
        match = re.match(r"^([│ ]*)[├└]── (\S.*?)(?:\s{2,}.*)?$", line)
        if not match:
            continue
        depth = len(match.group(1)) // 4
        names = [n.strip().split(" ")[0] for n in match.group(2).split(" (")[0].split(",") if n.strip()]
        if depth == 0:
            folder = names[0] if names[0].endswith("/") and len(names) == 1 else ""
            # "pipeline/pipeline.yaml, README.md": the names after the first are in its folder
            parent = names[0].rsplit("/", 1)[0] + "/" if "/" in names[0].rstrip("/") else ""
            names = names[:1] + [n if n.startswith(parent) else parent + n for n in names[1:]]
        for name in names:
            paths.add((folder if depth else "") + name)
    return paths


def test_the_documented_layout_is_the_generated_one(churn_package):
    documented = documented_paths()
    assert {"Dockerfile", "requirements-pipeline.txt", "src/churn/steps.py", "src/churn/data_profile.json"} <= documented
    # Written by the proof ladder's verify rung (off in tests): named in the text below the block.
    assert "tests/notebook_values.json once the proof ladder's verify rung" in DOCS.read_text(encoding="utf-8")
    for path in sorted(documented):
        assert (churn_package / path.rstrip("/")).exists(), f"docs/pipelines.md names {path}, the package has no such file"
    written = {p.relative_to(churn_package).as_posix() for p in churn_package.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    named = {w for w in written if any(w == d or (d.endswith("/") and w.startswith(d)) for d in documented)}
    unnamed = sorted(written - named)
    assert unnamed == [], f"files the package has that the layout in docs/pipelines.md does not show: {unnamed}"
