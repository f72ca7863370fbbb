"""The run-level replay at the console entry point (nbrefactor/cli/replay.py): an unchanged
`nbrefactor audit` prints the recorded run's exact output (stdout, stderr, exit code) without
auditing; any change to what the run read (a notebook's content, a new or deleted notebook in a
walked folder, [tool.nbrefactor], a manifest, the arguments, nbrefactor's version) makes the next
run a real audit; a file modified just before it was read (racy) is never trusted; concurrent runs
share one cache. Every command is a real `python -m nbrefactor` process; `$NBREFACTOR_REPLAY_LOG`
says what each run did, and the outputs are compared with a `--no-cache` run's."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from nbfactory import project, write_notebook

from nbrefactor.cli import replay
from deadlines import HANG_GUARD

REPO = Path(__file__).resolve().parent.parent
PAST = time.time() - 3600  # older than replay.RACY_NS: a recorded run trusts these files' stat

LEAKY = "import pandas as pd\nimport requests\ndf = pd.read_csv('/home/alice/data/train.csv')"
SEEDLESS = "import numpy as np\nx = np.random.rand(3)"


def age(root: Path) -> None:
    """Set every file's and folder's modification time an hour back (as for files not touched
    just before the audit; their ctime stays recent, which the replay compares but does not
    treat as racy)."""
    for folder, dirs, files in os.walk(root):
        for name in files + dirs:
            os.utime(os.path.join(folder, name), (PAST, PAST))
    os.utime(root, (PAST, PAST))


@pytest.fixture
def work(tmp_path):
    (tmp_path / "proj").mkdir()
    root = project(tmp_path / "proj", {"requirements.txt": "pandas\n"})
    write_notebook(root / "a.ipynb", [LEAKY])
    write_notebook(root / "sub" / "b.ipynb", [SEEDLESS])
    age(root)
    return Runner(tmp_path, root)


class Runner:
    def __init__(self, tmp_path: Path, root: Path) -> None:
        self.tmp, self.root, self.log = tmp_path, root, tmp_path / "replay.log"
        self.env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_STEP_SUMMARY", "NBREFACTOR_REPLAY_LOG")}
        self.env.update(PYTHONPATH=str(REPO), NBREFACTOR_CACHE_DIR=str(tmp_path / "cache"), NBREFACTOR_REPLAY_LOG=str(self.log))

    def run(self, *args: str, env: dict | None = None) -> tuple[str, str, int]:
        done = subprocess.run(
            [sys.executable, "-m", "nbrefactor", "audit", *args], cwd=self.tmp, env={**self.env, **(env or {})},
            capture_output=True, text=True, timeout=HANG_GUARD, check=False,
        )
        return done.stdout, done.stderr, done.returncode

    def said(self) -> list[str]:
        """What the runs since the last call did, one line each."""
        lines = self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []
        self.log.write_text("", encoding="utf-8")
        return lines


FORMATS = ("text", "concise", "json", "sarif", "github")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_replay_prints_the_recorded_run_byte_for_byte(work, fmt):
    fresh = work.run("proj", "--format", fmt, "--no-cache")
    assert work.said() == []  # --no-cache bypasses the replay altogether
    cold = work.run("proj", "--format", fmt)
    assert work.said() == ["miss: no entry for this invocation", "recorded"]
    again = work.run("proj", "--format", fmt)
    assert work.said() == ["replayed"]
    assert again == cold == fresh
    assert cold[2] == 1 and "PTH" in cold[0]  # findings: a real report was replayed, not an empty one


def test_a_replay_carries_standard_error_and_the_exit_code_of_an_unreadable_notebook(work):
    (work.root / "broken.ipynb").write_text("{not json", encoding="utf-8")
    age(work.root)
    fresh = work.run("proj", "--format", "json", "--no-cache")
    cold = work.run("proj", "--format", "json")
    again = work.run("proj", "--format", "json")
    assert work.said()[-2:] == ["recorded", "replayed"]
    assert again == cold == fresh
    assert cold[2] == 2 and "broken.ipynb" in cold[1]


def test_a_replay_imports_nothing_of_the_audit(work):
    """`-X importtime` lists every module imported (on file descriptor 2, not through
    sys.stderr, so it is not part of what is recorded)."""
    env = {"PYTHONPROFILEIMPORTTIME": "1"}
    work.run("proj", "--format", "json", env=env)
    _, imports, _ = work.run("proj", "--format", "json", env=env)
    assert work.said()[-1] == "replayed"
    imported = {line.rsplit("|", 1)[-1].strip() for line in imports.splitlines() if line.startswith("import time:")}
    assert "nbrefactor.cli.replay" in imported
    for heavy in ("nbrefactor.cli.app", "nbrefactor.audit.engine", "argparse", "libcst", "rich", "json", "pathlib", "hashlib"):
        assert heavy not in imported


def edit_notebook(work):
    write_notebook(work.root / "sub" / "b.ipynb", [SEEDLESS + "\nimport pandas as pd\npd.read_csv('/home/bob/x.csv')"])


def add_notebook(work):
    write_notebook(work.root / "sub" / "c.ipynb", [LEAKY])


def delete_notebook(work):
    (work.root / "sub" / "b.ipynb").unlink()


def change_config(work):
    (work.root / "pyproject.toml").write_text('[tool.nbrefactor]\nignore = ["PTH"]\n', encoding="utf-8")


def change_manifest(work):
    (work.root / "requirements.txt").write_text("pandas\nrequests\n", encoding="utf-8")


def add_manifest_beside(work):
    (work.root / "sub" / "requirements.txt").write_text("numpy\n", encoding="utf-8")


@pytest.mark.parametrize(
    "change", [edit_notebook, add_notebook, delete_notebook, change_config, change_manifest, add_manifest_beside],
)
def test_a_change_to_anything_the_audit_read_makes_the_next_run_a_real_audit(work, change):
    before = work.run("proj", "--format", "json")
    assert work.run("proj", "--format", "json") == before
    assert work.said()[-1] == "replayed"
    change(work)
    after = work.run("proj", "--format", "json")
    said = work.said()
    assert said[0].startswith("miss: "), said
    assert after == work.run("proj", "--format", "json", "--no-cache")  # what a real audit of the new state says
    assert after != before  # (each change above changes the findings, so a stale replay would show)


def test_the_same_edit_with_the_old_modification_time_is_still_seen(work):
    """A tool that restores a file's mtime after editing it, keeping its size: the inode change
    time (which `utime` cannot set back) still differs."""
    before = work.run("proj", "--format", "json")
    work.run("proj", "--format", "json")
    assert work.said()[-1] == "replayed"
    notebook = work.root / "a.ipynb"
    text = notebook.read_text(encoding="utf-8")
    swapped = text.replace("alice", "carol")  # same length
    assert len(swapped) == len(text) and swapped != text
    time.sleep(0.05)
    notebook.write_text(swapped, encoding="utf-8")
    os.utime(notebook, (PAST, PAST))
    after = work.run("proj", "--format", "json")
    said = work.said()
    assert said[0].startswith("miss: changed ") and said[0].endswith("a.ipynb"), said
    assert "carol" in after[0] and "alice" not in after[0]
    assert after != before


def test_other_arguments_and_another_version_are_other_entries(work, monkeypatch):
    work.run("proj", "--format", "json")
    work.said()
    selected = work.run("proj", "--format", "json", "--select", "PTH")
    assert work.said()[0] == "miss: no entry for this invocation"
    assert selected == work.run("proj", "--format", "json", "--select", "PTH", "--no-cache")
    assert work.run("proj", "--format", "json")[0] != selected[0]
    assert work.said() == ["replayed"]  # the first invocation's entry is still there
    # nbrefactor's version is part of the invocation that names and opens an entry
    import nbrefactor

    words = ["audit", "proj", "--format", "json"]
    current = replay._invocation(words)
    monkeypatch.setattr(nbrefactor, "__version__", nbrefactor.__version__ + ".post1")
    assert replay._invocation(words) != current
    assert replay._entry_path(replay._invocation(words)) != replay._entry_path(current)


def test_an_edited_nbrefactor_source_file_is_a_miss(tmp_path):
    """An edited checkout (same version string): the package's files are read by the cache's code
    digest, so each is a recorded dependency."""
    import shutil

    copy = tmp_path / "src"
    shutil.copytree(REPO / "nbrefactor", copy / "nbrefactor", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "rules", copy / "rules")
    (tmp_path / "proj").mkdir()
    root = project(tmp_path / "proj")
    write_notebook(root / "a.ipynb", [LEAKY])
    age(tmp_path)
    runner = Runner(tmp_path, root)
    runner.env.update(PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
    first = runner.run("proj", "--format", "json")
    assert runner.run("proj", "--format", "json") == first
    assert runner.said()[-1] == "replayed"
    report = copy / "nbrefactor" / "report" / "json_report.py"
    report.write_text(report.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    os.utime(report, (PAST, PAST))
    assert runner.run("proj", "--format", "json") == first
    assert runner.said()[0].startswith("miss: changed")


def test_a_file_modified_just_before_it_was_read_is_not_trusted(work):
    """git's racy-clean rule: a notebook written within RACY_NS of the run could be written again
    in the same timestamp tick without changing its stat, so that run is not recorded."""
    edited = work.root / "sub" / "b.ipynb"
    write_notebook(edited, [SEEDLESS + "\nprint(1)"])
    # A minute ahead rather than "now": a loaded machine can take longer than RACY_NS to start the
    # audit, and then "now" is no longer within the window (it flaked at a load above 8); a time
    # at or after the read is racy however long the start takes.
    ahead = time.time() + 60
    os.utime(edited, (ahead, ahead))
    first = work.run("proj", "--format", "json")
    said = work.said()
    assert said[-1].startswith("not recorded: racy: ") and "b.ipynb" in said[-1]
    second = work.run("proj", "--format", "json")
    assert work.said()[0] == "miss: no entry for this invocation"  # a real audit again
    assert second == first


def test_runs_that_write_files_are_not_recorded(work, tmp_path):
    out = tmp_path / "report.json"
    for _ in range(2):
        work.run("proj", "--format", "json", "--output", str(out))
    said = work.said()
    assert said.count("replayed") == 0
    # (written atomically: a temporary file beside the report, then a rename)
    assert any(line.startswith(f"not recorded: wrote {tmp_path}{os.sep}.report.json.") for line in said), said


def test_concurrent_runs_share_one_cache(work):
    fresh = work.run("proj", "--format", "json", "--no-cache")
    with ThreadPoolExecutor(4) as pool:
        outputs = list(pool.map(lambda _: work.run("proj", "--format", "json"), range(4)))
    assert all(o == fresh for o in outputs)
    with ThreadPoolExecutor(3) as pool:
        outputs = list(pool.map(lambda _: work.run("proj", "--format", "json"), range(3)))
    assert all(o == fresh for o in outputs)
    said = work.said()
    assert said.count("recorded") >= 1 and said[-3:] == ["replayed"] * 3
    runs = list((work.tmp / "cache" / "v1" / "runs").iterdir())
    assert len(runs) == 1 and not runs[0].name.startswith(".")  # no temporary file left behind


def test_a_broken_entry_is_a_miss(work):
    first = work.run("proj", "--format", "json")
    (entry,) = (work.tmp / "cache" / "v1" / "runs").iterdir()
    entry.write_bytes(entry.read_bytes()[:100])
    work.said()
    assert work.run("proj", "--format", "json") == first
    assert work.said() == ["miss: no entry for this invocation", "recorded"]


# --- the light module mirrors a few things it must not import ---------------------------------


def test_the_cache_root_is_the_caches(monkeypatch, tmp_path):
    from nbrefactor.audit.cache import default_cache_root

    for env in ({"NBREFACTOR_CACHE_DIR": str(tmp_path / "c")}, {"XDG_CACHE_HOME": str(tmp_path / "x")}, {"HOME": str(tmp_path)}):
        for name in ("NBREFACTOR_CACHE_DIR", "XDG_CACHE_HOME"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        assert Path(replay.cache_root()) == default_cache_root()


def test_the_projections_agree_with_the_functions_they_mirror(tmp_path):
    from nbrefactor.audit import project as project_mod

    folder = tmp_path / "above"
    for name in ("mod.py", "x.py.txt", "requirements.txt", "requirements-dev.txt", "requirements", "setup.cfg",
                 "environment.yml", "pyproject.toml", "notes.md", ".py", "pkg/__init__.py", "pkg/inner.py",
                 "scripts/run.py", "empty/.keep", "data.csv", "tmp.x1/__init__.py", "pip-build/__init__.py", "café/__init__.py",
                 "Dockerfile", "Dockerfile.gpu", "serve.Dockerfile", "train.dockerfile", "Containerfile", "course-env.yml", "mkdocs.yaml", "Dockerfiles",
                 "Pipfile", "Pipfile.lock", "Pipfile.bak"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("", encoding="utf-8")
    (folder / "dir.py").mkdir()
    names, folders = replay._projection("modules", str(folder))
    packages = {f for f in folders if (folder / f / "__init__.py").exists()}
    assert set(names) | packages == project_mod._local_modules(folder, strict=True)
    assert replay.NOT_IN_NAMES == project_mod.NOT_IN_NAMES
    assert set(folders) == {"pkg", "scripts", "empty", "café"}  # `dir.py`, `tmp.x1`, `pip-build`: no import names them
    manifests = replay._projection("manifests", str(folder))
    assert [folder / n for n in sorted(manifests)] == sorted(project_mod.manifest_candidates(folder))
    recorded = (names, folders)
    (folder / "scratch").mkdir()  # a new folder that is not a package: no change
    assert replay._modules_hold(str(folder), replay._projection("modules", str(folder)), recorded)
    (folder / "new").mkdir()
    (folder / "new" / "__init__.py").write_text("", encoding="utf-8")
    assert not replay._modules_hold(str(folder), replay._projection("modules", str(folder)), recorded)
    (folder / "new" / "__init__.py").unlink()
    (folder / "other.py").write_text("", encoding="utf-8")
    assert not replay._modules_hold(str(folder), replay._projection("modules", str(folder)), recorded)


def test_old_run_entries_are_pruned_with_the_cache(work):
    from nbrefactor.audit.cache import prune

    work.run("proj", "--format", "json")
    (entry,) = (work.tmp / "cache" / "v1" / "runs").iterdir()
    kept = prune(work.tmp / "cache" / "v1", max_age=3600, max_size=2**30)
    assert entry.exists() and kept.kept >= 1
    os.utime(entry, (PAST - 7200, PAST - 7200))
    prune(work.tmp / "cache" / "v1", max_age=3600, max_size=2**30)
    assert not entry.exists()


def test_no_cache_abbreviated_as_argparse_accepts_it_bypasses_the_replay(work):
    assert not replay._eligible(["audit", "proj", "--no-ca"])
    assert not replay._eligible(["audit", "proj", "--no-cache"])
    assert not replay._eligible(["audit", "-"])
    work.run("proj", "--format", "json", "--no-ca")
    assert work.said() == []
    assert not (work.tmp / "cache" / "v1" / "runs").exists()


def test_a_new_folder_without_modules_above_the_project_is_not_a_change(tmp_path):
    """The folders above a notebook without a project root (here: `above`, which is also where
    the cache lives, as in benchmarks/bench_peers.py) gain folders all the time; only a new
    module or package there changes the audit."""
    above = tmp_path / "above"
    write_notebook(above / "nbs" / "a.ipynb", [LEAKY])
    (above / ".git").mkdir()  # the project root: discovery stops here
    age(tmp_path)
    runner = Runner(tmp_path, above / "nbs")
    runner.env["NBREFACTOR_CACHE_DIR"] = str(above / "cache")
    first = runner.run("above/nbs", "--format", "json")
    assert runner.said()[-1] == "recorded"
    (above / "scratch").mkdir()
    assert runner.run("above/nbs", "--format", "json") == first
    assert runner.said() == ["replayed"]
    (above / "helpers").mkdir()
    (above / "helpers" / "__init__.py").write_text("", encoding="utf-8")
    assert runner.run("above/nbs", "--format", "json") == runner.run("above/nbs", "--format", "json", "--no-cache")
    assert runner.said()[0] == "miss: changed modules " + str(above)
    # A container folder is different: a Dockerfile there that clones the repository can be the
    # notebooks' environment (project._docker_clones_below), so a new one is a change.
    age(tmp_path)
    runner.run("above/nbs", "--format", "json")
    assert runner.said()[-1] == "recorded"
    (above / "docker").mkdir()
    runner.run("above/nbs", "--format", "json")
    assert runner.said()[0] == "miss: changed docker " + str(above), runner.said()
    # So is a new README or Makefile: its `docker run -v "$PWD"/nbs/:…` can make a Dockerfile the
    # notebooks' environment (project._docker_run_mounts); only those names are read of the listing.
    age(tmp_path)
    runner.run("above/nbs", "--format", "json")
    assert runner.said()[-1] == "recorded"
    (above / "notes").mkdir()
    runner.run("above/nbs", "--format", "json")
    assert runner.said() == ["replayed"], runner.said()
    (above / "README.md").write_text("docker run -v \"$PWD\"/nbs/:/work image\n", encoding="utf-8")
    runner.run("above/nbs", "--format", "json")
    assert runner.said()[0] == "miss: changed readmes " + str(above), runner.said()


def test_a_path_that_was_absent_and_now_exists_is_a_change(work):
    """`sub/.git` was checked for (is `sub` a project root?) and absent: created, `sub` becomes
    the root of its notebook's project and the manifests above it no longer apply."""
    work.run("proj", "--format", "json")
    work.run("proj", "--format", "json")
    assert work.said()[-1] == "replayed"
    (work.root / "sub" / ".git").mkdir()
    after = work.run("proj", "--format", "json")
    assert work.said()[0] == f"miss: now exists {work.root / 'sub' / '.git'}"
    assert after == work.run("proj", "--format", "json", "--no-cache")


def test_runs_that_start_a_process_are_not_recorded(work):
    """`--changed` asks git which notebooks changed: its answer is not a file the replay could
    check, so such a run is never recorded."""
    from nbfactory import git

    git(work.tmp, "init", "-q")
    git(work.tmp, "add", "proj")
    git(work.tmp, "commit", "-qm", "start")
    write_notebook(work.root / "sub" / "c.ipynb", [LEAKY])
    age(work.root)
    first = work.run("proj", "--format", "json", "--changed")
    second = work.run("proj", "--format", "json", "--changed")
    said = work.said()
    assert "c.ipynb" in first[0], first
    assert second == first
    assert said.count("not recorded: started a process (subprocess)") == 2 and "replayed" not in said


def test_the_console_script_and_the_module_enter_through_the_replay():
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["nbrefactor"] == "nbrefactor.cli.replay:main"
    assert "from nbrefactor.cli.replay import main" in (REPO / "nbrefactor" / "__main__.py").read_text(encoding="utf-8")


def test_the_installed_distributions_listing_is_compared_by_its_metadata_folders(tmp_path):
    """An import no catalogue maps makes the audit list the installed distributions
    (`distributions._distributions`: importlib.metadata's lookup, without importing it) in every
    `sys.path` folder, the working directory included. Only the metadata folder names matter
    there: a new scratch folder in the working directory is not a change."""
    above = tmp_path / "above"
    write_notebook(above / "nbs" / "a.ipynb", ["import zzq_module_no_catalogue_maps\nzzq_module_no_catalogue_maps.run()"])
    (above / ".git").mkdir()
    age(tmp_path)
    runner = Runner(tmp_path, above / "nbs")
    first = runner.run("above/nbs", "--format", "json")
    assert "zzq_module_no_catalogue_maps" in first[0]
    assert runner.said()[-1] == "recorded"
    (tmp_path / "scratch").mkdir()
    assert runner.run("above/nbs", "--format", "json") == first
    assert runner.said() == ["replayed"]


def _entry(runner: Runner) -> tuple:
    import marshal

    (entry,) = (runner.tmp / "cache" / "v1" / "runs").iterdir()
    return marshal.loads(entry.read_bytes())


@pytest.mark.parametrize("stdio", [{}, {"PYTHONUNBUFFERED": None}, {"PYTHONIOENCODING": "latin-1:backslashreplace"}])
def test_both_streams_interleave_as_the_recorded_run_wrote_them(work, stdio):
    """A report kept as UTF-8 bytes goes to the binary buffer only when the text layer would hand
    it over whole (write-through, or at least one chunk): with `2>&1` the recorded run's bytes come
    back in the same order, buffered or not; a stream that is not UTF-8 is replayed as text."""
    (work.root / "broken.ipynb").write_text("{not json", encoding="utf-8")  # a line on stderr too
    for i in range(40):  # a report of many chunks
        write_notebook(work.root / "many" / f"n{i:02d}.ipynb", [LEAKY])
    age(work.root)
    env = {k: v for k, v in {**work.env, "PYTHONUNBUFFERED": "1", **stdio}.items() if v is not None}

    def merged(*extra: str) -> bytes:
        return subprocess.run([sys.executable, "-m", "nbrefactor", "audit", "proj", "--format", "json", *extra], cwd=work.tmp,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=HANG_GUARD, check=False).stdout

    fresh = merged("--no-cache")
    recorded = merged()
    assert work.said()[-1] == "recorded"
    kinds = {type(text) for _, text in _entry(work)[-2]}
    assert kinds == ({str} if "PYTHONIOENCODING" in stdio else {bytes})
    assert merged() == recorded == fresh
    assert work.said() == ["replayed"]
    assert b"broken.ipynb" in fresh and len(fresh) > 3 * 8192


@pytest.mark.parametrize("known_not_links", [0, 1])
def test_the_grouped_stat_checks_see_each_kind_of_change(tmp_path, known_not_links):
    """`_changed`: the stat comparisons done in one pass per group find what `_holds` would, also
    for paths checked with one `os.lstat` (k = 1: also found not to be links when recorded)."""
    file, folder, plain = tmp_path / "f.txt", tmp_path / "d", tmp_path / "p"
    file.write_text("x", encoding="utf-8")
    folder.mkdir()
    plain.write_text("y", encoding="utf-8")
    k = known_not_links

    def groups() -> tuple:
        status = os.stat(folder)
        return (((str(file),), (replay._file_state(os.stat(file)),), k), ((str(folder),), ((status.st_ino, status.st_dev),), k),
                (str(plain),))

    recorded = groups()
    assert replay._changed(*recorded) is None
    file.write_text("xx", encoding="utf-8")
    assert replay._changed(*recorded)[:2] == ("file", str(file))
    recorded = groups()
    folder.rmdir()
    folder.write_text("", encoding="utf-8")  # a file where the folder was
    assert replay._changed(*recorded)[:2] == ("exists", str(folder))
    folder.unlink()
    folder.mkdir()  # another folder of the same name: another inode (usually), or the same one
    status = os.stat(folder)
    assert (replay._changed(*recorded) is None) == ((status.st_ino, status.st_dev) == recorded[1][1][0])
    recorded = groups()
    plain.unlink()
    plain.symlink_to(file)  # now a symbolic link
    assert replay._changed(*recorded)[:2] == ("link", str(plain))
    plain.unlink()
    assert replay._changed(*recorded)[:2] == ("link", str(plain))  # gone
    plain.write_text("y", encoding="utf-8")
    recorded = groups()
    moved = tmp_path / "moved.txt"
    file.rename(moved)
    file.symlink_to(moved)  # the same file (same inode) behind a link now
    if k:  # (without k the path was not recorded as "not a link": only its stat is compared)
        assert replay._changed(*recorded)[:2] == ("link", str(file))
    file.unlink()
    moved.rename(file)
    recorded = groups()
    folder.rename(tmp_path / "d2")
    folder.symlink_to(tmp_path / "d2")  # the same folder behind a link
    found = replay._changed(*recorded)
    assert (found is not None and found[:2] == ("link", str(folder))) if k else found is None


def test_a_listing_of_the_installed_distributions_is_not_recorded_when_it_is_stored(tmp_path):
    """The first run with a fresh cache lists the installed distributions (reading ~600 metadata
    files) and stores the listing; the run is recorded as a run that read the store would be:
    without those files. A listing that could not be stored leaves the run unrecorded."""
    above = tmp_path / "above"
    write_notebook(above / "nbs" / "a.ipynb", ["import zzq_module_no_catalogue_maps\nzzq_module_no_catalogue_maps.run()"])
    (above / ".git").mkdir()
    age(tmp_path)
    runner = Runner(tmp_path, above / "nbs")
    first = runner.run("above/nbs", "--format", "json")
    assert runner.said()[-1] == "recorded"
    assert any(p.name.startswith("installed-") for p in (tmp_path / "cache" / "v1").iterdir())
    _, _, absent, same, dirs, not_links, rest, *_ = _entry(runner)
    paths = [*absent, *same[0], *dirs[0], *not_links, *(p for _, p, _ in rest)]
    assert not [p for p in paths if ".dist-info" + os.sep in p or ".egg-info" + os.sep in p]
    assert runner.run("above/nbs", "--format", "json") == first
    assert runner.said() == ["replayed"]


def test_the_recording_hook_of_the_installed_listing(monkeypatch, tmp_path):
    from nbrefactor import fileio
    from nbrefactor.audit import distributions

    events: list[str] = []
    monkeypatch.setattr(distributions, "RECORDING", events.append)
    monkeypatch.setattr(distributions, "INSTALLED_STORE", tmp_path / "installed.json")
    distributions.installed_distributions.cache_clear()
    try:
        found = distributions.installed_distributions()
        assert events == ["listing", "stored"] and (tmp_path / "installed.json").exists() and found
        events.clear()
        distributions.installed_distributions.cache_clear()
        assert distributions.installed_distributions() == found and events == []  # read from the store
        (tmp_path / "installed.json").unlink()
        distributions.installed_distributions.cache_clear()

        def refuse(*args, **kwargs):
            raise OSError("read-only")

        monkeypatch.setattr(fileio, "write_bytes_atomic", refuse)
        assert distributions.installed_distributions() == found
        assert events == ["listing", "not stored"]
    finally:
        distributions.installed_distributions.cache_clear()
    recorder = replay._Recorder(str(tmp_path / "cache"))
    recorder.installed_listing("listing")
    assert not recorder.active
    recorder.installed_listing("stored")
    assert recorder.active and recorder.problem is None
    recorder.installed_listing("listing")
    recorder.installed_listing("not stored")
    assert recorder.active and "could not be stored" in recorder.problem


def test_the_repository_walk_is_one_projection_a_new_setup_py_changes_and_a_new_folder_does_not(tmp_path):
    """`project._repository_projects` walks the whole repository for its own packages' names (a
    sibling `python/setup.py` declares `glassbox` for DEP001). Its listings are one dep — the
    project files' paths under the root — so a scratch folder anywhere is no change, and a new
    `setup.py` three folders down is one (DEP001 reads its name)."""
    import nbrefactor.audit.project as project_mod

    assert replay.PROJECT_WALK_SKIP == project_mod._NOT_THE_REPOSITORYS
    repo = tmp_path / "repo"
    write_notebook(repo / "docs" / "nbs" / "a.ipynb", ["import numpy as np\nimport glassbox\nimport otherpkg"])
    (repo / ".git").mkdir()
    (repo / "requirements.txt").write_text("numpy==1.26.4\n", encoding="utf-8")
    (repo / "python" / "glassbox").mkdir(parents=True)
    (repo / "python" / "setup.py").write_text("from setuptools import setup\nsetup(name='glassbox')\n", encoding="utf-8")
    age(tmp_path)
    runner = Runner(tmp_path, repo / "docs" / "nbs")
    runner.env["NBREFACTOR_CACHE_DIR"] = str(tmp_path / "cache")
    first = runner.run("repo/docs/nbs", "--format", "json")
    assert runner.said()[-1] == "recorded"
    assert '"distribution": "otherpkg"' in first[0] and '"distribution": "glassbox"' not in first[0]  # the sibling project declares glassbox
    (repo / "python" / "scratch" / "deeper").mkdir(parents=True)
    assert runner.run("repo/docs/nbs", "--format", "json") == first
    assert runner.said() == ["replayed"]
    (repo / "tools" / "otherpkg").mkdir(parents=True)
    (repo / "tools" / "setup.py").write_text("from setuptools import setup\nsetup(name='otherpkg')\n", encoding="utf-8")
    again = runner.run("repo/docs/nbs", "--format", "json")
    assert runner.said()[0].startswith("miss")
    assert again == runner.run("repo/docs/nbs", "--format", "json", "--no-cache")
    assert '"distribution": "otherpkg"' not in again[0]


def test_files_kept_beside_the_byte_code_are_not_inputs_of_a_recorded_run(tmp_path):
    """The parsed catalogue (`audit/__pycache__/catalog-….marshal`) and the start-up tables are
    copies checked against their sources; any process of the same install may write them first.
    Noted as absent, the next run missed ("now exists …": a fresh clone's parallel tests did this).
    Read as an input, they are not noted at all; the folder's listing neither."""
    recorder = replay._Recorder(str(tmp_path / "cache"))
    kept = tmp_path / "pkg" / "audit" / "__pycache__" / "catalog-0000abcd.cpython-311.marshal"
    recorder._note("file", str(kept))
    recorder._note("dir", str(kept.parent))
    assert recorder.deps == {}
    source = tmp_path / "pkg" / "rules" / "paths.toml"
    recorder._note("file", str(source))
    assert list(recorder.deps) == [("file", str(source))]  # its neighbours outside __pycache__ still are
