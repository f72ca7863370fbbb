"""The HTML report in a real browser (headless Chromium driven by Playwright): filters, sorting,
links from the file system and over HTTP, and a notebook whose code, markdown and outputs carry
`<script>` and `<img onerror>` that must run nothing. Screenshots go to test-artifacts/."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reportcorpus import SECRET

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (scripts/test.sh installs the test extra)"
    if not Path(CHROMIUM).is_file():
        return f"{CHROMIUM} is missing (scripts/test.sh installs Debian's chromium)"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _unavailable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)  # CI installs both: a skip there would hide a broken set-up
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def migrated(report_corpus_out: Path) -> Path:
    return report_corpus_out  # tests/conftest.py


class Watched:
    """A page that records dialogs, console errors and page errors (a CSP refusal is one)."""

    def __init__(self, browser, width: int = 1280) -> None:  # noqa: ANN001
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.close()


def visible_rows(page, table: str) -> list:  # noqa: ANN001
    return page.locator(f"#{table} tbody tr:not(.hidden)").all()


def test_filters_hide_rows_and_clear_brings_them_back(migrated, watched):
    page = watched.page
    page.goto((migrated / "report" / "index.html").as_uri())
    total = len(visible_rows(page, "findings"))
    assert total >= 8 and page.locator("#shown-count").text_content() == f"{total} findings shown"

    page.select_option("#filter-severity", "error")
    rows = visible_rows(page, "findings")
    assert 0 < len(rows) < total
    assert all("|error|" in r.get_attribute("data-severity") for r in rows)
    assert page.locator("#shown-count").text_content() == f"{len(rows)} findings shown"

    page.select_option("#filter-severity", "")
    page.select_option("#filter-rule", "RND001")
    rows = visible_rows(page, "findings")
    assert len(rows) == 1 and "RND001" in rows[0].text_content()
    assert [r.locator("td").first.text_content() for r in visible_rows(page, "models")] == ["churn"]  # models with that rule

    page.click("#clear-filters")
    page.select_option("#filter-model", "evil")
    assert [r.locator("td").first.text_content() for r in visible_rows(page, "models")] == ["evil"]
    assert {r.locator("td").nth(2).text_content() for r in visible_rows(page, "findings")} == {"evil"}

    folder = next(o for o in page.locator("#filter-folder option").all_text_contents() if o.endswith("legacy"))
    page.select_option("#filter-model", "")
    page.select_option("#filter-folder", folder)
    assert [r.locator("td").first.text_content() for r in visible_rows(page, "models")] == ["stale"]

    page.click("#clear-filters")
    assert len(visible_rows(page, "findings")) == total and len(visible_rows(page, "models")) == 3
    assert watched.errors == [] and watched.dialogs == []


def test_tables_sort_by_a_clicked_column(migrated, watched):
    page = watched.page
    page.goto((migrated / "report" / "index.html").as_uri())

    def scores() -> list[int]:
        return [int(r.locator("td.score").text_content()) for r in visible_rows(page, "models")]

    header = page.locator("#models th", has_text="score")
    header.click()
    assert scores() == sorted(scores()) and header.get_attribute("aria-sort") == "ascending"
    header.click()
    assert scores() == sorted(scores(), reverse=True) and len(set(scores())) > 1
    page.locator("#models th", has_text="model").first.click()
    assert [r.locator("td").first.text_content() for r in visible_rows(page, "models")] == ["churn", "evil", "stale"]


def test_links_reach_notebook_pages_anchors_and_package_files(migrated, watched):
    page = watched.page
    page.goto((migrated / "report" / "index.html").as_uri())
    page.locator("#models a.nb-link", has_text="churn.ipynb").click()
    page.wait_for_load_state()
    assert page.url.endswith(".html") and "churn.ipynb" in page.locator("h1").text_content()
    assert page.locator("#cell-2-line-3 .tx").text_content() == "df = pd.read_csv('data.csv')"

    page.locator("a.pkg-link", has_text="MIGRATION.md").first.click()
    page.wait_for_load_state()
    # MIGRATION.md rendered as HTML on the model's page (its "# Migration of churn" is a heading).
    assert page.locator("article.markdown h1").first.text_content() == "Migration of churn"
    assert "# Migration" not in page.locator("article.markdown").inner_text()

    page.goto((migrated / "report" / "index.html").as_uri())
    link = page.locator("#findings a.finding-link", has_text="churn.ipynb").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_load_state()
    anchor = href.split("#", 1)[1]
    assert page.locator(f"#{anchor}").count() == 1
    page.locator("#back").click()
    page.wait_for_load_state()
    assert page.locator("#models").count() == 1
    assert watched.errors == []


def test_the_report_works_when_served_over_http(migrated, watched):
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(migrated))

    class Quiet(handler.func):  # type: ignore[misc, valid-type]
        def log_message(self, *args) -> None:  # noqa: ANN002
            pass

        def do_GET(self) -> None:  # noqa: N802
            # Chromium asks every server for /favicon.ico on its own (Playwright does not show
            # that request): answer it, so any 404 left is one of the report's own links.
            if self.path == "/favicon.ico":
                self.send_response(204)
                self.end_headers()
                return
            super().do_GET()

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(migrated)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = watched.page
        failed: list[str] = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        response = page.goto(f"{base}/report/index.html")
        assert response.status == 200
        page.select_option("#filter-severity", "info")
        assert all("|info|" in r.get_attribute("data-severity") for r in visible_rows(page, "findings"))
        page.locator("#models a.nb-link", has_text="evil.ipynb").click()
        page.wait_for_load_state()
        assert "evil.ipynb" in page.locator("h1").text_content()
        response = page.goto(page.locator("a.pkg-link", has_text="pipeline.py").first.evaluate("a => a.href"))
        assert response.status == 200 and "def run" in response.text()
        page.wait_for_timeout(300)  # late console messages land before judging
        assert failed == []
        assert watched.errors == []
    finally:
        server.shutdown()
        server.server_close()


def test_injected_script_and_img_onerror_run_nothing(migrated, watched):
    page = watched.page
    evil = next((migrated / "report" / "notebooks").glob("*_evil_evil-*.html"))
    for url in (evil.as_uri(), (migrated / "report" / "index.html").as_uri()):
        page.goto(url)
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # an onerror fires after the image fails to load
        assert page.evaluate("typeof window.__pwned") == "undefined", url
        assert page.evaluate("document.querySelectorAll('img').length") == 0
        assert page.evaluate("document.scripts.length") == 1  # ours
        assert SECRET not in page.content()
    assert watched.dialogs == []
    # The payloads are on the page as text, where a reader can see them.
    page.goto(evil.as_uri())
    body = page.locator("body").inner_text()
    assert "<script>window.__pwned = 'md-script'</script>" in body
    assert "note = \"</span></div><script>window.__pwned = 'code-script'</script>\"" in body
    assert "<script>window.__pwned='out-script'</script> AKIA********" in body
    page.locator("summary", has_text="text/html").click()
    assert "<img src=x onerror=\"window.__pwned='out-html'; alert(2)\">" in page.locator("body").inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert watched.errors == []


def test_screenshots_of_the_index_and_a_notebook_page(migrated, watched):
    page = watched.page
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto((migrated / "report" / "index.html").as_uri())
    page.screenshot(path=str(ARTIFACTS / "report-index.png"), full_page=True)
    churn = next((migrated / "report" / "notebooks").glob("*_churn_churn-*.html"))
    page.goto(churn.as_uri() + "#cell-2")
    page.screenshot(path=str(ARTIFACTS / "report-notebook.png"), full_page=True)
    evil = next((migrated / "report" / "notebooks").glob("*_evil_evil-*.html"))
    page.goto(evil.as_uri())
    page.screenshot(path=str(ARTIFACTS / "report-notebook-injection.png"), full_page=True)
    for name in ("report-index.png", "report-notebook.png", "report-notebook-injection.png"):
        data = (ARTIFACTS / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, name
    shutil.copy2(migrated / "migration-report.json", ARTIFACTS / "migration-report.json")


# --- layout at a desktop and a phone width, pictures, search, URL filters, cards, keyboard ----

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > width + 0.5 || r.left < -0.5) {
      wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && el.className.baseVal === undefined ? '.' + el.className : '') + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    }
  }
  return {scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth, wide: wide.slice(0, 10)};
}"""


def report_pages(out: Path) -> list[Path]:
    report = out / "report"
    pages = [report / "index.html"]
    for folder in ("notebooks", "models", "rules"):
        pages.extend(sorted((report / folder).glob("*.html")))
    pages.append(next(p for p in sorted((report / "files").rglob("*.html")) if p.name == "pipeline.yaml.html"))
    return pages


@pytest.mark.parametrize("width", [1400, 390])
def test_every_page_fits_the_window(migrated, browser, width):
    """No horizontal scroll and no element wider than the viewport, at a desktop and a phone width."""
    watched = Watched(browser, width)
    try:
        page = watched.page
        checked = 0
        for path in report_pages(migrated):
            page.goto(path.as_uri())
            layout = page.evaluate(OVERFLOW)
            assert layout["inner"] == width
            assert layout["scroll"] <= width, f"{path.name} at {width}px: page is {layout['scroll']}px wide; {layout['wide']}"
            assert layout["wide"] == [], f"{path.name} at {width}px: wider than the window: {layout['wide']}"
            checked += 1
        assert checked >= 8
        assert watched.errors == []
    finally:
        watched.close()


@contextlib.contextmanager
def serving(folder: Path):
    """An HTTP server on 127.0.0.1 for FOLDER (as `python -m http.server` serves it); yields its URL."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:  # noqa: ANN002
            pass

        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/favicon.ico":  # Chromium's own request, not the report's
                self.send_response(204)
                self.end_headers()
                return
            super().do_GET()

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("over", ["file", "http"])
def test_every_link_loads_in_chromium(migrated, browser, over):
    """Every link of every page, followed by Chromium from the file system and over HTTP: no
    navigation fails (a YAML file linked directly would be a download: net::ERR_ABORTED), and
    over HTTP every answer is a success."""
    from html.parser import HTMLParser
    from urllib.parse import urljoin, urldefrag

    class Hrefs(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.hrefs: list[str] = []

        def handle_starttag(self, tag, attrs):  # noqa: ANN001
            href = dict(attrs).get("href")
            if tag == "a" and href:
                self.hrefs.append(href)

    targets: dict[str, str] = {}
    for path in (migrated / "report").rglob("*.html"):
        parser = Hrefs()
        parser.feed(path.read_text(encoding="utf-8"))
        for href in parser.hrefs:
            target, _ = urldefrag(urljoin(path.as_uri(), href))
            targets.setdefault(target.split("?", 1)[0], path.name)
    assert len(targets) > 30
    watched = Watched(browser)
    with contextlib.ExitStack() as stack:
        prefix = migrated.as_uri()
        base = stack.enter_context(serving(migrated)) if over == "http" else prefix
        page = watched.page
        kinds = set()
        for target, source in sorted(targets.items()):
            assert target.startswith(prefix + "/"), f"{source}: {target} leaves the output folder"
            url = base + target[len(prefix):]
            try:
                response = page.goto(url)
            except Exception as exc:  # noqa: BLE001 - Playwright's Error: the message names the net:: failure
                pytest.fail(f"{source}: link to {url} does not load: {exc}")
            if over == "http":
                assert response is not None and response.status == 200, f"{source}: {url} answered {response and response.status}"
            kinds.add(Path(target).suffix)
        assert {".html", ".py", ".json", ".md"} <= kinds
        assert watched.errors == []
    watched.close()


def test_charts_and_pipeline_dags_are_inline_svg(migrated, watched):
    page = watched.page
    page.goto((migrated / "report" / "index.html").as_uri())
    assert page.locator("svg.chart").count() >= 4  # families, readiness, rules, a pipeline
    document = json.loads((migrated / "migration-report.json").read_text(encoding="utf-8"))
    # The rule chart's bars are the rule table's counts.
    bars = page.locator("figure.wide svg g.bar").all()
    by_code = {b.get_attribute("data-label").split()[0]: int(b.locator("text").nth(1).text_content()) for b in bars}
    assert by_code == document["summary"]["by_code"]
    # One DAG per compiled pipeline, a box per task of the YAML (read here with PyYAML).
    import yaml

    for m in document["models"]:
        yaml_path = migrated / (m["package_dir"] or "-") / "pipeline" / "pipeline.yaml"
        if not yaml_path.is_file():
            continue
        spec = next(d for d in yaml.safe_load_all(yaml_path.read_text(encoding="utf-8")) if "root" in d)
        names = sorted(spec["root"]["dag"]["tasks"])
        details = page.locator("details.pipeline", has=page.locator(f"summary b:text-is('{m['name']}')"))
        assert sorted(t.get_attribute("data-task") for t in details.locator("g.task").all()) == names
        deps = sum(len(t.get("dependentTasks", [])) for t in spec["root"]["dag"]["tasks"].values())
        assert details.locator("g.edge").count() == deps
    assert page.evaluate("document.querySelectorAll('img, object, embed, iframe').length") == 0


def test_search_and_filters_live_in_the_url(migrated, watched):
    page = watched.page
    index = (migrated / "report" / "index.html").as_uri()
    page.goto(index)
    total = len(visible_rows(page, "findings"))
    page.fill("#filter-q", "read_csv")
    rows = visible_rows(page, "findings")
    assert 0 < len(rows) < total and all("read_csv" in r.text_content() for r in rows)
    assert "q=read_csv" in page.url
    page.select_option("#filter-severity", "info")
    url = page.url
    assert "severity=info" in url and "q=read_csv" in url
    shown = [r.text_content() for r in visible_rows(page, "findings")]
    # The URL alone brings the same view back (a shared link).
    page.goto("about:blank")
    page.goto(url)
    assert page.input_value("#filter-q") == "read_csv" and page.input_value("#filter-severity") == "info"
    assert [r.text_content() for r in visible_rows(page, "findings")] == shown
    page.click("#clear-filters")
    assert "?" not in page.url and len(visible_rows(page, "findings")) == total
    assert watched.errors == []


def test_summary_cards_filter_when_clicked(migrated, watched):
    page = watched.page
    page.goto((migrated / "report" / "index.html").as_uri())
    card = page.locator("a.card", has_text="blocked")
    card.click()
    rows = visible_rows(page, "models")
    assert [r.locator("td").first.text_content() for r in rows] == ["stale"]
    assert "status=blocked" in page.url and card.get_attribute("aria-current") == "true"
    page.locator("a.card", has_text="findings").filter(has=page.locator(".sev-error")).click()
    assert all("|error|" in r.get_attribute("data-severity") for r in visible_rows(page, "findings"))
    assert page.input_value("#filter-status") == "" and page.input_value("#filter-severity") == "error"
    page.locator("a.card", has_text="models (show all)").click()
    assert len(visible_rows(page, "models")) == 3
    assert watched.errors == []


def test_sortable_headers_work_from_the_keyboard(migrated, watched):
    page = watched.page
    page.goto((migrated / "report" / "index.html").as_uri())
    target = page.locator("#models th button", has_text="score")
    for _ in range(80):  # Tab until the score header has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "score" and page.evaluate("document.activeElement.closest('#models') !== null"):
            break
    else:
        pytest.fail("Tab never reaches the score header")
    header = page.locator("#models th", has=page.locator("button", has_text="score"))

    def scores() -> list[int]:
        return [int(r.locator("td.score").text_content()) for r in visible_rows(page, "models")]

    page.keyboard.press("Enter")
    assert scores() == sorted(scores()) and header.get_attribute("aria-sort") == "ascending"
    page.keyboard.press("Space")
    assert scores() == sorted(scores(), reverse=True) and header.get_attribute("aria-sort") == "descending"


def test_notebook_page_lists_its_findings_and_steps_through_them(migrated, watched):
    page = watched.page
    churn = next((migrated / "report" / "notebooks").glob("*_churn_churn-*.html"))
    page.goto(churn.as_uri())
    findings = page.locator("main .finding")
    total = findings.count()
    assert total >= 3
    items = page.locator(".finding-list li")
    assert items.count() == total
    # The list links each finding, in page order.
    ids = [f.get_attribute("id") for f in findings.all()]
    assert [a.get_attribute("href") for a in page.locator(".finding-list li > a").all()] == [f"#{i}" for i in ids]
    page.click("#next-finding")
    assert page.evaluate("document.activeElement.id") == ids[0]
    assert page.locator("#finding-pos").text_content() == f"1 / {total}"
    page.keyboard.press("n")
    assert page.evaluate("document.activeElement.id") == ids[1]
    page.keyboard.press("p")
    assert page.evaluate("document.activeElement.id") == ids[0]
    # Rule codes link to the rule's page; messages are rendered markdown (no raw backticks).
    page.locator("main .finding a.rule-link").first.click()
    page.wait_for_load_state()
    assert "/rules/" in page.url and page.locator("h1 code").count() == 1
    assert watched.errors == []


def test_messages_render_markdown_and_explanations_name_no_internal_files(migrated, watched):
    page = watched.page
    for path in report_pages(migrated):
        page.goto(path.as_uri())
        text = page.locator("main").inner_text()
        for message in page.locator(".msg, td.msg").all():
            assert "`" not in message.inner_text(), f"{path.name}: raw backticks in {message.inner_text()!r}"
        names = set(re.findall(r"\b[\w-]+\.toml\b", text))
        # (the user's manifests may be named; the catalogue's rules/*.toml may not)
        assert names <= {"pyproject.toml", "pixi.toml"}, f"{path.name}: internal file names {names}"
        assert "rules/" not in re.sub(r"\.\./rules/|rules/[A-Z]+\d+\.html", "", text)
