"""The result cache (audit/cache.py): same findings byte for byte with and without it and for any
-j; a hit skips the audit; every input of a finding invalidates (notebook bytes, nbrefactor's
version and source, the catalogue, the settings, the project around the notebook); concurrent
runs share one cache safely; a broken entry is a miss."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nbrefactor.audit import cache as cache_mod
from nbrefactor.audit import engine
from nbrefactor.audit.cache import ResultCache, code_digest, open_cache, result_from_json, result_to_json
from nbrefactor.audit.engine import audit_paths
from nbrefactor.config import Settings
from nbrefactor.report.json_report import render

from nbfactory import project, write_notebook

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures" / "notebooks"

LEAKY = [
    "import pandas as pd\nimport numpy as np\ndf = pd.read_csv('/home/alice/data/train.csv')",
    "x = np.random.rand(3)\napi_key = 'sk-live-1234567890abcdef1234567890abcdef'",
    "print(undefined_name)",
]


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "proj").mkdir()
    root = project(tmp_path / "proj")
    for i in range(3):
        write_notebook(root / f"nb{i}.ipynb", LEAKY[i:] + LEAKY[:i])
    return root


class AuditCounter:
    """Counts the notebooks really audited (cache misses)."""

    def __init__(self, monkeypatch):
        self.paths: list[str] = []
        real = engine.audit_file

        def counting(file, display, settings, catalog, *limit, **read):
            self.paths.append(display)
            return real(file, display, settings, catalog, *limit, **read)

        monkeypatch.setattr(engine, "audit_file", counting)


def entries_in(root: Path) -> list[Path]:
    """The per-notebook entries (not the installed-distributions listing beside them)."""
    return sorted(p for p in root.rglob("*.json") if not p.name.startswith("installed-"))


def audit_json(root: Path, settings: Settings, cache=None, jobs=1) -> str:
    return render(audit_paths([str(root)], settings, jobs=jobs, cache=cache))


def test_second_run_is_answered_from_the_cache_with_the_same_bytes(corpus, tmp_path, monkeypatch):
    settings = Settings()
    uncached = audit_json(corpus, settings)
    cache = open_cache(settings, tmp_path / "cache")
    counter = AuditCounter(monkeypatch)
    first = audit_json(corpus, settings, cache)
    assert len(counter.paths) == 3
    second = audit_json(corpus, settings, cache)
    assert len(counter.paths) == 3, "the unchanged re-run audited notebooks again"
    assert first == second == uncached
    assert json.loads(second)["summary"]["findings"] >= 3  # the notebooks really have findings


def test_fixture_corpus_findings_are_identical_with_cache_and_for_any_jobs(tmp_path, monkeypatch):
    from nbrefactor.config import load_settings

    settings = load_settings(FIXTURES / "pyproject.toml")
    reference = audit_json(FIXTURES, settings, jobs=1)
    cache = open_cache(settings, tmp_path / "cache")
    monkeypatch.setattr(engine, "MIN_NOTEBOOKS_PER_WORKER", 1)  # small corpus: use the pool anyway
    assert audit_json(FIXTURES, settings, cache, jobs=2) == reference  # cold, workers write
    assert audit_json(FIXTURES, settings, cache, jobs=1) == reference  # warm
    assert audit_json(FIXTURES, settings, cache, jobs=3) == reference


def test_changed_notebook_is_audited_again_and_its_new_findings_reported(corpus, tmp_path, monkeypatch):
    settings = Settings()
    cache = open_cache(settings, tmp_path / "cache")
    audit_json(corpus, settings, cache)
    counter = AuditCounter(monkeypatch)
    write_notebook(corpus / "nb1.ipynb", ["import os\nos.chdir('/home/bob/work')"])
    after = json.loads(audit_json(corpus, settings, cache))
    assert [Path(p).name for p in counter.paths] == ["nb1.ipynb"]
    nb1 = [f for f in after["findings"] if f["location"]["path"].endswith("nb1.ipynb")]
    assert any("/home/bob" in f["snippet"] for f in nb1), nb1
    assert not any("undefined_name" in f["snippet"] for f in nb1), "stale findings of the old content"


@pytest.mark.parametrize(
    "change",
    ["version", "source", "catalogue", "config", "rules-dirs", "project"],
)
def test_every_input_of_a_finding_invalidates(change, corpus, tmp_path, monkeypatch):
    import nbrefactor

    rules_dir = tmp_path / "team-rules"
    rules_dir.mkdir()
    (rules_dir / "secrets.toml").write_text("# team patterns\n", encoding="utf-8")
    settings = Settings(rules_dirs=(str(rules_dir),))
    root = tmp_path / "cache"
    audit_json(corpus, settings, open_cache(settings, root))
    counter = AuditCounter(monkeypatch)
    audit_json(corpus, settings, open_cache(settings, root))
    assert counter.paths == [], "precondition: a warm cache answers everything"

    if change == "version":
        monkeypatch.setattr(nbrefactor, "__version__", nbrefactor.__version__ + ".post1")
    elif change == "source":
        # Any edit to nbrefactor's own code: the digest reads the package's files.
        package = tmp_path / "pkg"
        shutil.copytree(REPO / "nbrefactor", package, ignore=shutil.ignore_patterns("__pycache__"))
        before = code_digest(package)
        (package / "audit" / "engine.py").write_text((package / "audit" / "engine.py").read_text() + "\n# edit\n")
        cache_mod._tree_digest.cache_clear()
        assert code_digest(package) != before
        monkeypatch.setattr(cache_mod, "code_digest", lambda package=None: "edited-" + before)
    elif change == "catalogue":
        (rules_dir / "secrets.toml").write_text("# team patterns, edited\n", encoding="utf-8")
    elif change == "config":
        settings = Settings(rules_dirs=settings.rules_dirs, ignore=("RND",))
    elif change == "rules-dirs":
        other = tmp_path / "more-rules"
        other.mkdir()
        settings = Settings(rules_dirs=(*settings.rules_dirs, str(other)))
    elif change == "project":
        (corpus / "requirements.txt").write_text("pandas==2.2.2\n", encoding="utf-8")
        from nbrefactor.audit.project import _discover_folder

        _discover_folder.cache_clear()  # a new process would look again; this one remembers
    audit_json(corpus, settings, open_cache(settings, root))
    assert len(counter.paths) == 3, f"a {change} change did not invalidate the cache"


def test_a_requirements_file_the_notebook_installs_invalidates(tmp_path, monkeypatch):
    """`!pip install -r lab_reqs.txt` makes that file a manifest of the notebook: editing it
    changes the key (the screen on the notebook's bytes lets the line through)."""
    (tmp_path / "proj").mkdir()
    root = project(tmp_path / "proj", {"lab_reqs.txt": "pandas\n"})
    write_notebook(root / "nb.ipynb", ["!pip install -q -r lab_reqs.txt", "import pandas as pd\nimport seaborn"])
    settings = Settings()
    cache = open_cache(settings, tmp_path / "c")
    before = audit_json(root, settings, cache)
    counter = AuditCounter(monkeypatch)
    assert audit_json(root, settings, cache) == before and counter.paths == []
    (root / "lab_reqs.txt").write_text("pandas\nseaborn\n", encoding="utf-8")
    after = audit_json(root, settings, cache)
    assert len(counter.paths) == 1 and after != before


@pytest.mark.parametrize(
    "source",
    [
        "!pip install -r reqs.txt", "%pip install -q -r reqs.txt", "!pip3 install --requirement=reqs.txt",
        "!python -m pip install --upgrade -r reqs.txt", "!pip install\t-r reqs.txt", "!pip install -r 'reqs.txt'",
    ],
)
def test_the_key_screen_lets_through_every_requirements_install(source, tmp_path):
    """`_installs_requirements` only skips `with_installed_requirements` when it would find
    nothing in the cells: every line it reads names pip, `install` and the flag."""
    from nbrefactor.audit.project import ProjectContext, with_installed_requirements

    (tmp_path / "proj").mkdir()
    root = project(tmp_path / "proj", {"reqs.txt": "seaborn\n"})
    notebook = write_notebook(root / "nb.ipynb", [source])
    base = ProjectContext()
    assert with_installed_requirements(base, notebook, [source]) is not base  # precondition: a manifest
    assert engine._installs_requirements(engine._code_sources(notebook.read_bytes()))
    assert not engine._installs_requirements(["pre-release of a non-random model"])


def test_load_errors_are_never_cached(tmp_path, monkeypatch):
    folder = tmp_path / "nbs"
    folder.mkdir()
    (folder / "broken.ipynb").write_text("{not json", encoding="utf-8")
    cache = open_cache(Settings(), tmp_path / "cache")
    audit_paths([str(folder)], Settings(), cache=cache)
    assert not entries_in(tmp_path / "cache")


def test_a_corrupt_or_foreign_entry_is_a_miss_and_is_replaced(corpus, tmp_path, monkeypatch):
    settings = Settings()
    cache = open_cache(settings, tmp_path / "cache")
    reference = audit_json(corpus, settings, cache)
    entries = entries_in(tmp_path / "cache")
    assert len(entries) == 3
    entries[0].write_bytes(entries[0].read_bytes()[:40])  # torn
    data = json.loads(entries[1].read_text())
    data["key"] = "0" * 64  # an entry that is not for this key
    entries[1].write_text(json.dumps(data))
    counter = AuditCounter(monkeypatch)
    assert audit_json(corpus, settings, cache) == reference
    assert len(counter.paths) == 2
    assert audit_json(corpus, settings, cache) == reference
    assert len(counter.paths) == 2  # rewritten: hits again


def test_round_trip_keeps_every_field(corpus):
    # one root cause with related places: the unseeded library drawn from in two cells
    write_notebook(corpus / "draws.ipynb", ["import numpy as np", "a = np.random.rand(3)", "b = np.random.rand(3)"])
    result = audit_paths([str(corpus)], Settings())
    assert any(d.related for n in result.notebooks for d in n.diagnostics), "the corpus should carry related locations"
    for notebook in result.notebooks:
        assert result_from_json(json.loads(json.dumps(result_to_json(notebook)))) == notebook


def test_settings_key_does_not_depend_on_the_hash_seed(tmp_path):
    script = (
        "import sys; from pathlib import Path; from nbrefactor.config import Settings;"
        "from nbrefactor.audit.cache import open_cache;"
        "s = Settings(extra=(('models', {'a': {'notebooks': ['x', 'y']}}),));"
        "print(open_cache(s, Path(sys.argv[1])).base)"
    )
    bases = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        out = subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env, capture_output=True, text=True, check=True)
        bases.add(out.stdout.strip())
    assert len(bases) == 1


def _concurrent_audit(args: tuple[str, str]) -> str:
    root, cache_root = args
    return audit_json(Path(root), Settings(), open_cache(Settings(), Path(cache_root)))


def test_concurrent_runs_share_one_cache_safely(corpus, tmp_path):
    reference = audit_json(corpus, Settings())
    cache_root = tmp_path / "cache"
    # Separate processes writing one cache at the same moment (forked: starting fresh interpreters
    # would only make the test slower, the writes race the same way).
    context = multiprocessing.get_context("fork")
    with context.Pool(4) as pool:
        outputs = pool.map(_concurrent_audit, [(str(corpus), str(cache_root))] * 8)
    assert set(outputs) == {reference}
    assert not [p for p in cache_root.rglob("*") if p.name.endswith(".tmp")], "temporary files left behind"
    entries = entries_in(cache_root)
    assert len(entries) == 3
    for entry in entries:
        json.loads(entry.read_text())  # every entry complete
    # and a warm run from yet another process agrees
    assert _concurrent_audit((str(corpus), str(cache_root))) == reference


def test_cli_uses_the_cache_and_no_cache_bypasses_it(corpus, tmp_path):
    cache_root = tmp_path / "cli-cache"
    env = {**os.environ, "NBREFACTOR_CACHE_DIR": str(cache_root), "PYTHONPATH": str(REPO)}

    def run(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "nbrefactor", "audit", str(corpus), "--format", "json", *extra],
            env=env, capture_output=True, text=True, cwd=tmp_path,
        )

    bypass = run("--no-cache")
    assert not cache_root.exists(), "--no-cache wrote a cache"
    cold = run()
    assert len(entries_in(cache_root)) == 3
    assert (cache_root / ".gitignore").read_text().strip().endswith("*")
    warm = run("-j", "2")
    assert bypass.returncode == cold.returncode == warm.returncode == 1
    assert bypass.stdout == cold.stdout == warm.stdout
    assert sorted(p.name for p in corpus.iterdir()) == ["nb0.ipynb", "nb1.ipynb", "nb2.ipynb", "pyproject.toml"]


def test_unwritable_cache_never_fails_the_audit(corpus, tmp_path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    cache = ResultCache(blocker / "v1", "base")
    assert audit_json(corpus, Settings(), cache) == audit_json(corpus, Settings())


def test_installed_distributions_are_kept_in_the_cache_and_read_back_unchanged(corpus, tmp_path):
    from nbrefactor.audit import distributions

    # `nbformat` (a dependency of nbrefactor itself, so installed wherever this runs) is named in
    # no table: only the installed listing resolves it (pandas is now in rules/distributions.toml).
    write_notebook(corpus / "nb_installed.ipynb", ["import nbformat\nprint(nbformat.__version__)"])
    distributions.installed_distributions.cache_clear()
    cache = open_cache(Settings(), tmp_path / "cache")
    try:
        reference = audit_json(corpus, Settings())
        distributions.installed_distributions.cache_clear()
        assert audit_json(corpus, Settings(), cache) == reference
        store = cache.installed_store()
        assert store.is_file(), "a cold cached audit resolving `nbformat` keeps the listing"
        assert distributions.INSTALLED_STORE is None  # only for the length of that audit
        distributions.installed_distributions.cache_clear()
        fresh = dict(distributions.installed_distributions())  # listed again: no store set
        distributions.INSTALLED_STORE = store
        distributions.installed_distributions.cache_clear()
        assert dict(distributions.installed_distributions()) == fresh  # read from the file
    finally:
        distributions.INSTALLED_STORE = None
        distributions.installed_distributions.cache_clear()



# --- the kept installed listing (flake35): read only under the key of what it was made from ------


def _fake_site(root: Path, record: bool = True) -> Path:
    """A folder on the path with one distribution, `zzq-plotlib`, providing `zzq_plotlib` and the
    top-level module `zzq_pylab` (as matplotlib provides `pylab`), named in RECORD only."""
    site = root / "site"
    info = site / "zzq_plotlib-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: zzq-plotlib\nVersion: 1.0\n", encoding="utf-8")
    if record:
        _write_record(info)
    return site


def _write_record(info: Path) -> None:
    (info / "RECORD").write_text("zzq_pylab.py,,\nzzq_plotlib/__init__.py,,\n" + f"{info.name}/RECORD,,\n", encoding="utf-8")


@pytest.fixture
def listing(monkeypatch):
    """installed_distributions with nothing memoised before or after, INSTALLED_STORE restored."""
    from nbrefactor.audit import distributions
    from nbrefactor import fileio  # noqa: F401  (imported before sys.path is replaced)

    distributions.installed_distributions.cache_clear()
    monkeypatch.setattr(distributions, "INSTALLED_STORE", None)
    yield distributions
    distributions.installed_distributions.cache_clear()


def _listing_with_store(distributions, tmp_path: Path, monkeypatch) -> Path:
    store = open_cache(Settings(), tmp_path / "cache").installed_store()
    monkeypatch.setattr(distributions, "INSTALLED_STORE", store)  # (restored after the test)
    distributions.installed_distributions.cache_clear()
    return store


def test_a_listing_made_while_a_distribution_was_being_installed_is_not_kept(listing, monkeypatch, tmp_path):
    """pip and uv write a distribution's RECORD last; the environment digest (folder names) is the
    final one as soon as the folder exists. A listing made in between lacks the distribution's
    modules (`pylab`: DEP001 "`pylab` is imported"); kept, it was read back after the install
    completed, for as long as the environment stood."""
    site = _fake_site(tmp_path, record=False)
    monkeypatch.setattr(sys, "path", [str(site)])
    _listing_with_store(listing, tmp_path, monkeypatch)
    assert "zzq_pylab" not in listing.installed_distributions()  # half installed: nothing to list yet
    _write_record(site / "zzq_plotlib-1.0.dist-info")  # the install completes
    _listing_with_store(listing, tmp_path, monkeypatch)
    assert listing.installed_distributions().get("zzq_pylab") == ("zzq-plotlib",)


def test_a_listing_is_not_kept_when_the_environment_changed_while_it_was_made(listing, monkeypatch, tmp_path):
    site = _fake_site(tmp_path)
    monkeypatch.setattr(sys, "path", [str(site)])
    store = _listing_with_store(listing, tmp_path, monkeypatch)
    real = listing.packages_distributions

    def installing_meanwhile(*args, **kwargs):
        found = real(*args, **kwargs)
        other = site / "zzq_other-2.0.dist-info"  # another process's `pip install` lands meanwhile
        other.mkdir()
        (other / "METADATA").write_text("Metadata-Version: 2.1\nName: zzq-other\nVersion: 2.0\n", encoding="utf-8")
        (other / "RECORD").write_text("zzq_other.py,,\n", encoding="utf-8")
        return found

    monkeypatch.setattr(listing, "packages_distributions", installing_meanwhile)
    assert listing.installed_distributions().get("zzq_pylab") == ("zzq-plotlib",)
    assert not store.exists()


def test_a_listing_kept_by_another_tree_of_the_same_version_is_not_read(listing, monkeypatch, tmp_path):
    """Worktrees run different code under one version (0.3.1) and may share a cache folder: the
    listing another tree's code made (here: one that lists nothing) is not this tree's."""
    site = _fake_site(tmp_path)
    monkeypatch.setattr(sys, "path", [str(site)])
    this_tree, this_listing = cache_mod.code_digest, listing.packages_distributions
    monkeypatch.setattr(cache_mod, "code_digest", lambda package=None: "another-tree")
    monkeypatch.setattr(listing, "packages_distributions", lambda *args, **kwargs: {})
    store = _listing_with_store(listing, tmp_path, monkeypatch)
    assert listing.installed_distributions() == {} and store.exists()
    monkeypatch.setattr(cache_mod, "code_digest", this_tree)
    monkeypatch.setattr(listing, "packages_distributions", this_listing)
    _listing_with_store(listing, tmp_path, monkeypatch)
    assert listing.installed_distributions().get("zzq_pylab") == ("zzq-plotlib",)


def test_no_cache_reads_no_kept_listing(listing, monkeypatch, tmp_path):
    """`--no-cache` (no store set): the environment as it is now, whatever an earlier run kept, in
    the result cache or elsewhere (beside the byte-code)."""
    site = _fake_site(tmp_path)
    monkeypatch.setattr(sys, "path", [str(site)])
    _listing_with_store(listing, tmp_path, monkeypatch)
    assert listing.installed_distributions().get("zzq_pylab") == ("zzq-plotlib",)  # listed, and kept
    monkeypatch.setattr(listing, "INSTALLED_STORE", None)
    listing.installed_distributions.cache_clear()
    monkeypatch.setattr(listing, "packages_distributions", lambda *args, **kwargs: {"zzq_pylab": ["zzq-now"]})
    assert listing.installed_distributions().get("zzq_pylab") == ("zzq-now",)


def test_the_environment_digest_follows_the_path_of_the_process(monkeypatch, tmp_path):
    site = _fake_site(tmp_path)
    before = cache_mod.environment_digest()
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])
    assert cache_mod.environment_digest() != before
    monkeypatch.undo()
    assert cache_mod.environment_digest() == before

HEAVY = ("libcst", "jinja2", "rich", "nbrefactor.audit.analysis", "nbrefactor.audit.rules", "nbrefactor.compile", "nbrefactor.migrate",
         "nbrefactor.verify", "nbrefactor.report.text", "nbrefactor.report.sarif", "nbrefactor.report.html", "nbrefactor.audit.distributions",
         "nbrefactor.audit.secrets")


def test_an_audit_answered_from_the_cache_imports_none_of_the_heavy_modules(corpus, tmp_path):
    """A cache hit is mostly interpreter start-up and imports: it must not load the analysis
    (nor libcst), the rules, the compiler, migrate, verify, rich or a report format it does not print."""
    env = {**os.environ, "NBREFACTOR_CACHE_DIR": str(tmp_path / "hit-cache"), "PYTHONPATH": str(REPO)}
    probe = (
        "import sys\nfrom nbrefactor.cli.app import main\n"
        f"code = main(['audit', {str(corpus)!r}, '--format', 'json', '-o', {str(tmp_path / 'out.json')!r}])\n"
        f"print(code, sorted(m for m in sys.modules if m.startswith({HEAVY!r})))\n"
    )
    cold = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert cold.stdout.startswith("1 ") and "nbrefactor.audit.analysis" in cold.stdout, cold.stdout + cold.stderr  # the cold run audits
    hit = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert hit.stdout.strip() == "1 []", hit.stdout + hit.stderr


def test_baseline_create_and_update_read_the_audit_cache(corpus, tmp_path, monkeypatch):
    from nbrefactor.cli.app import main

    monkeypatch.setenv("NBREFACTOR_CACHE_DIR", str(tmp_path / "ci-cache"))
    monkeypatch.chdir(corpus)
    assert main(["audit", ".", "--format", "json", "-j", "1", "-o", str(tmp_path / "audit.json")]) == 1  # fills the cache
    counter = AuditCounter(monkeypatch)
    assert main(["baseline", "create", ".", "-o", str(tmp_path / "cached.json"), "-j", "1"]) == 0
    assert main(["baseline", "update", "--baseline", str(tmp_path / "cached.json"), "-j", "1"]) == 0
    assert counter.paths == [], "baseline create/update audited again what the cache holds"
    assert main(["baseline", "create", ".", "-o", str(tmp_path / "fresh.json"), "-j", "1", "--no-cache"]) == 0
    assert sorted(counter.paths) == ["nb0.ipynb", "nb1.ipynb", "nb2.ipynb"]  # --no-cache audits every notebook
    assert (tmp_path / "cached.json").read_bytes() == (tmp_path / "fresh.json").read_bytes()


# --- pruning ---------------------------------------------------------------------------------


def _age(path: Path, seconds_ago: float, now: float) -> None:
    os.utime(path, (now - seconds_ago, now - seconds_ago))


def test_prune_removes_entries_unused_for_the_max_age_then_the_least_recently_used_over_the_size_cap(tmp_path):
    from nbrefactor.audit.cache import prune

    now = 2_000_000_000.0
    folder = tmp_path / "v1"
    days = {"ancient": 40, "old": 20, "recent": 2, "fresh": 0}
    for name, age in days.items():
        entry = folder / name[:2] / f"{name}.json"
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_bytes(b"x" * 1000)
        _age(entry, age * 86400, now)
    result = prune(folder, max_age=30 * 86400, max_size=10_000, now=now)
    assert sorted(p.stem for p in folder.rglob("*.json")) == ["fresh", "old", "recent"] and result.removed == 1
    result = prune(folder, max_age=30 * 86400, max_size=2_000, now=now)  # room for two: the oldest goes
    assert sorted(p.stem for p in folder.rglob("*.json")) == ["fresh", "recent"]
    assert (result.removed, result.kept, result.kept_bytes) == (1, 2, 2000)


def test_a_hit_marks_its_entry_used_so_pruning_keeps_it(corpus, tmp_path):
    from nbrefactor.audit.cache import prune

    settings = Settings()
    cache = open_cache(settings, tmp_path / "c")
    audit_paths([str(corpus)], settings, cache=cache)
    entries = entries_in(tmp_path / "c")
    assert len(entries) == 3
    now = __import__("time").time()
    for entry in entries:
        _age(entry, 45 * 86400, now)
    first = engine._cache_key(corpus / "nb0.ipynb", engine._display(corpus / "nb0.ipynb"), cache)
    assert first is not None and cache.get(first) is not None  # a hit, 45 days after the entry was written
    prune(cache.folder, max_age=30 * 86400, max_size=2**30, now=now)
    assert entries_in(tmp_path / "c") == [cache.entry(first)]


def test_an_audit_that_writes_entries_prunes_at_most_once_a_day_and_output_stays_the_same(corpus, tmp_path, monkeypatch):
    settings = Settings()
    root = tmp_path / "c"
    cache = open_cache(settings, root)
    before = audit_json(corpus, settings, cache)
    stale = cache.folder / "zz" / ("z" * 64 + ".json")
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    now = __import__("time").time()
    _age(stale, 90 * 86400, now)
    marker = cache.folder / ".last-prune"
    assert marker.exists(), "the first run that wrote entries pruned"
    (corpus / "nb0.ipynb").write_text((corpus / "nb0.ipynb").read_text().replace("train.csv", "test.csv"))
    audit_json(corpus, settings, cache)
    assert stale.exists(), "pruned twice within a day"
    _age(marker, 2 * 86400, now)
    (corpus / "nb0.ipynb").write_text((corpus / "nb0.ipynb").read_text().replace("test.csv", "valid.csv"))  # a new entry
    after = audit_json(corpus, settings, cache)
    assert not stale.exists(), "not pruned after a day"
    assert after == audit_json(corpus, settings, None) and "valid.csv" in after and "valid.csv" not in before


def test_prune_limits_come_from_the_environment_and_bad_values_fall_back(monkeypatch):
    from nbrefactor.audit import cache as c

    monkeypatch.setenv(c.MAX_AGE_ENV, "7")
    monkeypatch.setenv(c.MAX_SIZE_ENV, "1.5")
    assert c.max_age_seconds() == 7 * 86400 and c.max_bytes() == int(1.5 * 2**20)
    for bad in ("", "-1", "nan", "inf", "lots"):
        monkeypatch.setenv(c.MAX_AGE_ENV, bad)
        assert c.max_age_seconds() == c.DEFAULT_MAX_AGE_DAYS * 86400, bad


def test_entries_are_kept_in_one_folder_and_entries_of_the_sharded_layout_are_pruned(corpus, tmp_path):
    """Every entry is `<cache>/v1/<key>.json`: a cold audit creates no folder per key prefix
    (creating one cost as much as writing an entry on the benchmark machine). An entry of the
    earlier layout (`v1/ab/ab….json`) is never read, and pruning still finds it."""
    from nbrefactor.audit.cache import prune

    settings = Settings()
    cache = open_cache(settings, tmp_path / "c")
    audit_paths([str(corpus)], settings, cache=cache)
    entries = entries_in(tmp_path / "c")
    assert len(entries) == 3 and {e.parent for e in entries} == {cache.folder}
    assert not [p for p in cache.folder.iterdir() if p.is_dir()]
    old = cache.folder / "ab" / ("ab" + "0" * 62 + ".json")
    old.parent.mkdir()
    old.write_text("{}", encoding="utf-8")
    now = __import__("time").time()
    _age(old, 45 * 86400, now)
    assert prune(cache.folder, max_age=30 * 86400, max_size=2**30, now=now).removed == 1
    assert not old.exists() and entries_in(tmp_path / "c") == entries


def _audit_file_project(file: Path):
    """The project `audit_file` audits a notebook with (engine.audit_file, written out)."""
    from nbrefactor.audit.loader import read_notebook
    from nbrefactor.audit.project import (
        discover_project, with_downloads_present, with_installed_requirements, with_seed_helpers, with_working_folders,
    )
    from nbrefactor.audit.types import Notebook

    loaded = read_notebook(file)
    assert isinstance(loaded, Notebook)
    project = with_working_folders(discover_project(file), file, [c.source for c in loaded.code_cells])
    project = with_installed_requirements(project, file, [c.source for c in loaded.code_cells])
    project = with_downloads_present(project, file, [c.source for c in loaded.code_cells])
    return with_seed_helpers(project, file, [c.source for c in loaded.code_cells])


def test_the_keys_project_is_the_one_the_audit_reads_on_every_fixture_notebook():
    """Eighteenth round: the key reads the code cells once (one JSON parse, remembered by the
    bytes' digest) instead of screening the raw bytes a dozen times; on every valid v4 fixture
    notebook the project it keys is the one `audit_file` audits with, so no input of a finding
    is left out of the key (and the cells' screens miss nothing the project functions read)."""
    from nbrefactor.audit.loader import read_notebook
    from nbrefactor.audit.types import Notebook

    compared = changed = 0
    for file in sorted(FIXTURES.rglob("*.ipynb")):
        loaded = read_notebook(file)
        raw = file.read_bytes()
        if not isinstance(loaded, Notebook) or loaded.original_nbformat != 4:
            continue
        sources = engine._code_sources(raw)
        if sources != [c.source for c in loaded.code_cells]:
            continue  # (a surrogate the loader replaced: the key reads the bytes as they are)
        expected = _audit_file_project(file)
        assert engine._key_project(file, sources) == expected, file
        compared += 1
        changed += expected != engine._key_project(file, [])
    assert compared > 300 and changed >= 3, (compared, changed)


def test_a_notebook_that_puts_its_parent_on_the_path_is_keyed_by_the_parents_modules(tmp_path):
    """`sys.path.insert(0, "..")` makes the parent folder's modules importable (`parent_modules`),
    which the audit reads; the key looked at them only when the notebook's bytes named `chdir`
    or `%cd` (before the eighteenth round): adding a module to the parent folder now changes
    the key."""
    (tmp_path / "proj" / "nbs").mkdir(parents=True)
    notebook = write_notebook(tmp_path / "proj" / "nbs" / "nb.ipynb", ["import sys\nsys.path.insert(0, '..')", "import helpers"])
    cache = open_cache(Settings(), tmp_path / "c")
    before = engine._cache_key(notebook, "nb.ipynb", cache)
    (tmp_path / "proj" / "helpers.py").write_text("X = 1\n", encoding="utf-8")
    from nbrefactor.audit.project import _local_modules

    _local_modules.cache_clear()  # a new process would look again; this one remembers
    after = engine._cache_key(notebook, "nb.ipynb", cache)
    assert before is not None and after is not None and before != after


def test_a_notebook_is_keyed_by_what_its_projects_seed_helper_seeds(tmp_path):
    """RND001 counts `seed_all(1)` from the project's own `seeding.py` as the seeds its body always
    makes (fair check 18): a helper that stops seeding NumPy unconditionally changes the key."""
    notebook = write_notebook(tmp_path / "nb.ipynb", ["import numpy as np\nfrom seeding import seed_all", "seed_all(1)"])
    helper = tmp_path / "seeding.py"
    helper.write_text("import numpy as np\n\n\ndef seed_all(seed=0):\n    np.random.seed(seed)\n", encoding="utf-8")
    cache = open_cache(Settings(), tmp_path / "c")
    before = engine._cache_key(notebook, "nb.ipynb", cache)
    helper.write_text("import numpy as np\n\n\ndef seed_all(seed=None):\n    if seed:\n        np.random.seed(seed)\n", encoding="utf-8")
    after = engine._cache_key(notebook, "nb.ipynb", cache)
    assert before is not None and after is not None and before != after


def test_the_key_parses_a_notebooks_cells_once_per_content(tmp_path, monkeypatch):
    """The cells read for a key are remembered by the bytes' digest: the second key of a cold
    audit (made after the audit, to store only a result of unchanged bytes) parses nothing;
    changed bytes are parsed again and keyed anew."""
    parsed: list[int] = []
    real = engine._code_sources
    monkeypatch.setattr(engine, "_code_sources", lambda raw: parsed.append(len(raw)) or real(raw))
    engine._KEY_SOURCES.clear()
    notebook = write_notebook(tmp_path / "nb.ipynb", ["import os\nos.chdir('sub')", "x = 1"])
    cache = open_cache(Settings(), tmp_path / "c")
    first = engine._cache_key(notebook, "nb.ipynb", cache)
    assert engine._cache_key(notebook, "nb.ipynb", cache) == first and len(parsed) == 1
    write_notebook(notebook, ["import os\nos.chdir('sub')", "x = 2"])
    assert engine._cache_key(notebook, "nb.ipynb", cache) != first and len(parsed) == 2


def test_an_empty_cache_is_not_looked_up_and_its_keys_are_made_where_each_notebook_is_audited(corpus, tmp_path, monkeypatch):
    """Eighteenth round: a cache without entries answers nothing, so the parent makes no key
    before the pool; each notebook's key is made before its audit where it is audited, and the
    entries written are the ones a lookup finds (the next run is answered from them, the same
    bytes). A cache holding one entry is looked up as before."""
    settings = Settings()
    cache = open_cache(settings, tmp_path / "c")
    looked_up: list[int] = []
    real = engine._answer_from_cache
    monkeypatch.setattr(engine, "_answer_from_cache", lambda files, *rest: looked_up.append(len(files)) or real(files, *rest))
    assert not cache.holds_entries()
    before = audit_json(corpus, settings, cache)
    assert looked_up == [] and cache.holds_entries()
    keys = {engine._cache_key(f, engine._display(f), cache) for f in sorted(corpus.glob("*.ipynb"))}
    assert {p.stem for p in entries_in(tmp_path / "c")} == keys
    counter = AuditCounter(monkeypatch)
    assert audit_json(corpus, settings, cache) == before and counter.paths == [] and looked_up == [3]
    # Only an entry counts: the installed-distributions listing alone leaves the cache empty.
    other = open_cache(settings, tmp_path / "d")
    other.folder.mkdir(parents=True)
    (other.folder / "installed-0123.json").write_text("{}", encoding="utf-8")
    assert not other.holds_entries()


def _reads_of(monkeypatch, names: set[str]) -> list[str]:
    """The opens of the files named `names` (by file name): `Path.read_bytes` and `open` go
    through `io.open`, `read_notebook` through `os.open`."""
    import io

    opened: list[str] = []
    real_io_open, real_os_open = io.open, os.open

    def io_open(file, *args, **kwargs):
        if not isinstance(file, int) and os.path.basename(os.fspath(file)) in names:
            opened.append(os.path.basename(os.fspath(file)))
        return real_io_open(file, *args, **kwargs)

    def os_open(path, *args, **kwargs):
        if os.path.basename(os.fspath(path)) in names:
            opened.append(os.path.basename(os.fspath(path)))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(io, "open", io_open)
    monkeypatch.setattr(os, "open", os_open)
    return opened


@pytest.mark.parametrize("filled", [False, True])
def test_a_notebook_audited_with_the_cache_on_is_read_once(corpus, tmp_path, monkeypatch, filled):
    """Nineteenth round: the bytes keyed are the bytes audited. Before, each notebook of a run
    with the cache on was read three times where it was audited (to key it, to audit it, and to
    key it again before storing the result); now once (an empty cache), and once more in the
    parent for a cache that holds entries (its lookup before the pool). The findings are the
    same bytes as without the cache, and the next run is answered from the entries."""
    settings = Settings()
    cache = open_cache(settings, tmp_path / "c")
    if filled:  # one entry, of another notebook: the cache is looked up, and misses
        other = tmp_path / "other"
        other.mkdir()
        write_notebook(other / "elsewhere.ipynb", ["x = 1"])
        audit_json(other, settings, cache)
        assert cache.holds_entries()
    names = {f"nb{i}.ipynb" for i in range(3)}
    opened = _reads_of(monkeypatch, names)
    with_cache = audit_json(corpus, settings, cache)
    assert sorted(opened) == sorted([*names] * (2 if filled else 1))
    monkeypatch.undo()
    assert with_cache == audit_json(corpus, settings, None)
    counter = AuditCounter(monkeypatch)
    assert audit_json(corpus, settings, cache) == with_cache and counter.paths == []


def test_a_notebook_saved_during_its_audit_is_stored_as_audited(corpus, tmp_path, monkeypatch):
    """A notebook saved while it is audited (after its bytes were read): the result describes the
    bytes audited, and an entry, if one is written, is keyed by those bytes — the saved content is
    audited afresh, and the audited content, when it comes back, gets the result an audit without
    the cache gives it."""
    settings = Settings()
    cache = open_cache(settings, tmp_path / "c")
    target = corpus / "nb0.ipynb"
    before_bytes = target.read_bytes()
    real = engine.audit_file

    def saving_meanwhile(file, display, *rest, **read):
        result = real(file, display, *rest, **read)
        if Path(file).name == "nb0.ipynb":
            write_notebook(target, ["import os\nos.chdir('/srv/elsewhere')", "y = 2"])
        return result

    monkeypatch.setattr(engine, "audit_file", saving_meanwhile)
    audit_json(corpus, settings, cache)
    monkeypatch.undo()
    saved = audit_json(corpus, settings, cache)
    assert saved == audit_json(corpus, settings, None)  # the saved content, not the entry of the old one
    target.write_bytes(before_bytes)
    assert audit_json(corpus, settings, cache) == audit_json(corpus, settings, None) != saved


def test_a_cold_audit_with_the_cache_on_parses_each_notebooks_json_once(corpus, tmp_path, monkeypatch):
    """Twentieth round: the cache key's code cells and the audit read one parse of the notebook's
    JSON (`loader.notebook_json`), where each parsed it (two parses per notebook of a cold run);
    the output is the one without the cache, and the next run is answered from the entries."""
    from nbrefactor.audit import loader

    settings = Settings()
    uncached = audit_json(corpus, settings)
    parses: list[int] = []
    real = loader.json.loads
    monkeypatch.setattr(loader.json, "loads", lambda text, **kw: parses.append(len(text)) or real(text, **kw))
    engine._KEY_SOURCES.clear()
    cache = open_cache(settings, tmp_path / "c")
    assert audit_json(corpus, settings, cache) == uncached
    assert len(parses) == 3, parses
    counter = AuditCounter(monkeypatch)
    assert audit_json(corpus, settings, cache) == uncached and counter.paths == []
