"""The HTML report in a real browser (headless Chromium driven by Playwright): filters, sorting,
links from the file system and over HTTP, and a notebook whose code, markdown and outputs carry
`<script>` and `<img onerror>` that must run nothing. Screenshots go to test-artifacts/."""

from __future__ import annotations

import functools
import os
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

    def __init__(self, browser) -> None:  # noqa: ANN001
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
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
    assert "# Migration of churn" in page.content()

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
