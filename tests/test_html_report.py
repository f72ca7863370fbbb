"""The HTML report as text: highlighting, escaping, the CSP, links that resolve, determinism."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbrefactor.report.html import highlight, render_html
from reportcorpus import GITHUB_TOKEN, SECRET


@pytest.fixture(scope="module")
def migrated(report_corpus_out: Path) -> Path:
    return report_corpus_out  # tests/conftest.py


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


# --- the highlighter ------------------------------------------------------------------------------


def test_highlight_marks_tokens_by_kind():
    lines = highlight('def f(x):  # note\n    return len("a") + 42\n%time f(1)\n@decorator\nclass C: pass')
    assert lines[0] == '<span class="kw">def</span> <span class="fn">f</span>(x):  <span class="co"># note</span>'
    assert '<span class="kw">return</span>' in lines[1] and '<span class="bi">len</span>' in lines[1]
    assert '<span class="str">&#34;a&#34;</span>' in lines[1] and '<span class="nu">42</span>' in lines[1]
    assert lines[2] == '<span class="mg">%time f(1)</span>'
    assert lines[3].startswith('<span class="de">@</span>')
    assert '<span class="fn">C</span>' in lines[4]


def test_highlight_escapes_html_in_every_token_kind():
    source = "s = '<script>alert(1)</script>'  # <img src=x onerror=alert(2)>\n!echo <b>\nx < y > z & w"
    joined = "\n".join(highlight(source))
    assert "<script" not in joined and "<img" not in joined and "<b>" not in joined
    assert "&lt;script&gt;" in joined and "&lt;img src=x onerror=alert(2)&gt;" in joined
    assert "x &lt; y &gt; z &amp; w" in joined


def test_highlight_survives_code_the_tokenizer_rejects():
    source = 's = """never closed\n<script>x</script>\n  bad indent\n\tdef ('
    lines = highlight(source)
    assert len(lines) == 4
    assert text_of("\n".join(lines)) == source
    assert "<script>" not in "".join(lines)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_highlight_is_lossless_and_never_emits_markup_from_the_source(source):
    lines = highlight(source)
    assert len(lines) == source.count("\n") + 1
    joined = "\n".join(lines)
    assert text_of(joined) == source
    # The only tags are the highlighter's own spans.
    assert set(re.findall(r"<(/?[a-z]+)", joined)) <= {"span", "/span"}


# --- the pages --------------------------------------------------------------------------------------


def pages(out: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in (out / "report").rglob("*.html")}


def test_report_pages_exist_for_every_notebook_and_name_the_score_formula(migrated):
    found = pages(migrated)
    names = sorted(p.relative_to(migrated / "report").as_posix() for p in found)
    document = json.loads((migrated / "migration-report.json").read_text(encoding="utf-8"))
    assert "index.html" in names
    assert len([n for n in names if n.startswith("notebooks/")]) == 3  # one per notebook
    assert sorted(n for n in names if n.startswith("rules/")) == sorted(f"rules/{code}.html" for code in document["rules"])
    packaged = [m for m in document["models"] if m["package_dir"]]
    assert len([n for n in names if n.startswith("models/")]) == len(packaged) == 2  # one per package
    # Files a browser would download (YAML, TOML, Dockerfile) get a page; .py and .md do not.
    assert any(n.startswith("files/") and n.endswith("/pipeline/pipeline.yaml.html") for n in names)
    assert not any(n.startswith("files/") and n.endswith((".py.html", ".md.html")) for n in names)
    index = found[migrated / "report" / "index.html"]
    assert "How the score is computed" in index and "band high − 15 × errors − 5 × warnings − 1 × infos" in index
    assert 'id="filter-severity"' in index and 'id="filter-folder"' in index


def test_notebook_content_cannot_inject_markup_and_secrets_stay_redacted(migrated):
    for path, text in pages(migrated).items():
        # One script element per page: ours, whose hash the CSP names. No <img> at all.
        assert len(re.findall(r"<script\b", text, flags=re.IGNORECASE)) == 1, path
        assert not re.search(r"<img\b", text, flags=re.IGNORECASE), path
        parser = Links()
        parser.feed(text)
        assert parser.tags <= {"html", "head", "meta", "title", "style", "body", "script", "header", "main", "nav", "h1", "h2", "div", "span", "b", "p",
                               "a", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "select", "option", "label", "button", "details",
                               "summary", "ul", "li", "section", "br", "input", "ol", "figure", "figcaption", "article", "em", "strong",
                               "h3", "h4", "hr", "blockquote",
                               "svg", "title", "defs", "marker", "path", "g", "text", "rect"}, path
        assert not [a for a in parser.attributes if a.startswith("on")], path  # no event handler anywhere
        assert SECRET not in text and GITHUB_TOKEN not in text
        script = text.split("<script>", 1)[1].split("</script>", 1)[0]
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        assert f"script-src 'sha256-{digest}'" in parser.csp and "default-src 'none'" in parser.csp
    evil = next(t for p, t in pages(migrated).items() if "evil" in p.name)
    # The payloads are shown, as text.
    assert "&lt;script&gt;window.__pwned = &#39;md-script&#39;&lt;/script&gt;" in evil
    assert "&lt;img src=x onerror=&#34;window.__pwned=&#39;out-html&#39;; alert(2)&#34;&gt;" in evil
    assert "AKIA********" in evil and "ghp_********" in evil


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.csp = ""

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy":
            self.csp = attrs.get("content", "")
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if attrs.get("id"):
            self.ids.add(attrs["id"])


def test_every_link_is_relative_and_reaches_a_file_or_an_anchor(migrated):
    parsed = {}
    for path, text in pages(migrated).items():
        parser = Links()
        parser.feed(text)
        parsed[path.resolve()] = parser
    checked = 0
    for path, parser in parsed.items():
        for href in parser.hrefs:
            parts = urlsplit(href)
            assert not parts.scheme and not parts.netloc, f"{path.name}: absolute link {href}"
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.exists(), f"{path.name}: {href} → nothing at {target}"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in parsed[target].ids, f"{path.name}: {href} → no #{parts.fragment}"
            checked += 1
    assert checked > 50
    index = parsed[(migrated / "report" / "index.html").resolve()]
    assert any(h.startswith("models/churn") and h.endswith(".html#migration") for h in index.hrefs)  # MIGRATION.md, rendered
    assert any(h.startswith("../../churn/") and h.endswith("config.py") for h in parsed[next(p for p in parsed if p.name.startswith("churn") and "models" in p.parts)].hrefs)
    assert any(h.startswith("rules/") for h in index.hrefs)
    assert any(h.startswith("notebooks/") and "#cell-" in h for h in index.hrefs)


def test_render_is_deterministic_and_uses_only_the_document_and_the_packages(migrated):
    from nbrefactor.report.html import package_texts

    document = json.loads((migrated / "migration-report.json").read_text(encoding="utf-8"))
    texts = package_texts(document, migrated)
    first = render_html(document, "..", texts)
    assert first == render_html(json.loads(json.dumps(document)), "..", dict(texts))
    on_disk = {p.relative_to(migrated / "report").as_posix(): p.read_text(encoding="utf-8") for p in (migrated / "report").rglob("*.html")}
    assert first == on_disk


def test_fixed_findings_show_what_they_became_at_their_line(migrated):
    churn = next(t for p, t in pages(migrated).items() if "churn" in p.name)
    block = churn.split('id="cell-2-line-3"', 1)[1].split('class="ln', 1)[0]
    assert "PTH006" in block and "Fixed by the compiler: config field <code>data_csv_path</code>" in block
    assert "src/churn/config.py" in block
    assert "in the package: display-only expression dropped" in churn


# --- pictures and text helpers ---------------------------------------------------------------------

PIPELINE_YAML = """\
# a kfp v2 pipeline spec, cut down by hand to what the report reads
components:
  comp-step-load: {executorLabel: exec-step-load}
  comp-step-train: {executorLabel: exec-step-train}
  comp-register: {executorLabel: exec-register}
deploymentSpec:
  executors:
    exec-step-load: {container: {image: python:3.11}}
    exec-step-train:
      container:
        image: python:3.11
        resources: {accelerator: {resourceType: nvidia.com/gpu, resourceCount: '1'}}
    exec-register: {container: {image: python:3.11}}
root:
  dag:
    tasks:
      step-load: {componentRef: {name: comp-step-load}, taskInfo: {name: step-load}}
      step-train:
        componentRef: {name: comp-step-train}
        dependentTasks: [step-load]
        inputs:
          artifacts:
            in_df: {taskOutputArtifact: {outputArtifactKey: out_df, producerTask: step-load}}
      register:
        componentRef: {name: comp-register}
        dependentTasks: [step-train, step-load]
---
platforms: {kubernetes: {deploymentSpec: {executors: {}}}}
"""


def test_pipeline_graph_reads_tasks_dependencies_artifacts_and_the_gpu_step():
    from nbrefactor.report.charts import pipeline_graph

    graph = pipeline_graph(PIPELINE_YAML)
    assert graph == {
        "tasks": [
            {"name": "register", "after": ["step-load", "step-train"], "gpu": False, "artifacts": []},
            {"name": "step-load", "after": [], "gpu": False, "artifacts": []},
            {"name": "step-train", "after": ["step-load"], "gpu": True, "artifacts": [{"name": "out_df", "from": "step-load"}]},
        ]
    }
    assert pipeline_graph("not: [a pipeline") is None and pipeline_graph("a: 1") is None


def test_dag_svg_marks_the_gpu_step_layers_tasks_and_escapes_names():
    from nbrefactor.report.charts import dag_svg, pipeline_graph

    graph = pipeline_graph(PIPELINE_YAML.replace("register", "reg<script>"))
    svg = str(dag_svg(graph, "pipeline of <m>"))
    assert "<script>" not in svg and "reg&lt;script&gt;" in svg and "pipeline of &lt;m&gt;" in svg
    tasks = dict(re.findall(r'<g class="task( gpu)?" data-task="([^"]+)"', svg)[i][::-1] for i in range(3))
    assert tasks == {"step-load": "", "step-train": " gpu", "reg&lt;script&gt;": ""}
    assert svg.count(">GPU</text>") == 1
    # Layers top to bottom: load above train above register.
    y = {name: float(v) for name, v in re.findall(r'data-task="([^"]+)"><title>[^<]*</title><rect x="[^"]+" y="([^"]+)"', svg)}
    assert y["step-load"] < y["step-train"] < y["reg&lt;script&gt;"]
    assert svg.count('<g class="edge"') == 3 and ">out_df</text>" in svg.replace("<title>artifacts: out_df</title>", "")


def test_inline_markdown_renders_code_and_never_passes_html():
    from nbrefactor.report.html import inline_markdown, user_facing

    assert str(inline_markdown("Relative path `data.csv` is **bad**")) == "Relative path <code>data.csv</code> is <strong>bad</strong>"
    assert "<img" not in str(inline_markdown("<img src=x onerror=alert(1)> ![a](x.png)"))
    assert "&lt;img" in str(inline_markdown("<img src=x onerror=alert(1)>"))
    assert user_facing("a call of `rules/io_calls.toml` and your pyproject.toml") == "a call of nbrefactor's catalogue of path-taking calls and your pyproject.toml"
    assert user_facing("the `hidden_state.toml` rules file.") == "nbrefactor's hidden-state catalogue."
    assert user_facing("see the pyproject.toml") == "see the pyproject.toml"
