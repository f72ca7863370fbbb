"""Issue 9: proof results are cached. An unchanged package (same files, notebooks, requirements,
environment, nbrefactor version) does not climb its ladder again; any change, or `--no-cache`
(ProveOptions.use_cache=False), proves it again. Real ladders (offline environments)."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

from nbfactory import project, write_notebook
from nbrefactor.cli.app import main
from nbrefactor.migrate.prove import RECORDED_VALUES, Environments, Proof, ProveOptions, RungResult, cached_proof, proof_key, prove_package, store_proof
from deadlines import HANG_GUARD

CELLS = [("md", "# Load"), "values = [3, 1, 2, 5]", ("md", "# Sum"), "total = sum(values)"]


def _outcome(proof: Proof) -> list[tuple[int, str, str]]:
    return [(r.rung, r.status, r.detail) for r in proof.rungs]


def test_an_unchanged_package_is_not_proven_again_and_a_change_or_no_cache_proves_it(tmp_path: Path):
    path = write_notebook(project(tmp_path) / "nb.ipynb", CELLS)
    assert main(["migrate", str(path), "--out", str(tmp_path / "out"), "--no-cache"]) == 0
    package = tmp_path / "out" / "nb"
    options = ProveOptions(env_mode="current", verify=False, env_cache=tmp_path / "envs", timeout=HANG_GUARD)
    first = prove_package(package, "nb", [path], options, Environments(options))
    assert first.rung == 5 and not first.cached, _outcome(first)
    started = time.monotonic()
    second = prove_package(package, "nb", [path], options, Environments(options))
    assert second.cached and _outcome(second) == _outcome(first)
    assert time.monotonic() - started < 10  # no environment, no pytest, no step processes
    # A hand edit of a generated file is a different package.
    steps = package / "src" / "nb" / "steps.py"
    steps.write_text(steps.read_text() + "\n# edited by hand\n")
    third = prove_package(package, "nb", [path], options, Environments(options))
    assert not third.cached and third.rung == 5
    # --no-cache: proven again although nothing changed since the third run.
    fourth = prove_package(package, "nb", [path], dataclasses.replace(options, use_cache=False), Environments(options))
    assert not fourth.cached and fourth.rung == 5
    assert prove_package(package, "nb", [path], options, Environments(options)).cached


def test_the_key_changes_with_the_notebook_the_requirements_and_the_rungs(tmp_path: Path):
    path = write_notebook(project(tmp_path) / "nb.ipynb", CELLS)
    assert main(["migrate", str(path), "--out", str(tmp_path / "out"), "--no-cache"]) == 0
    package = tmp_path / "out" / "nb"
    options = ProveOptions(env_mode="current", env_cache=tmp_path / "envs")
    key = proof_key(package, [path], options)
    assert key == proof_key(package, [path], options)
    # The values rung 6 records are the proof's output, not its input.
    (package / RECORDED_VALUES).write_text("{}")
    assert proof_key(package, [path], options) == key
    assert proof_key(package, [path], dataclasses.replace(options, verify=False)) != key
    assert proof_key(package, [path], dataclasses.replace(options, env_mode="clean")) != key
    (package / "requirements.txt").write_text((package / "requirements.txt").read_text() + "numpy==1.0\n")
    changed_requirements = proof_key(package, [path], options)
    assert changed_requirements != key
    path.write_text(path.read_text().replace("[3, 1, 2, 5]", "[3, 1, 2, 6]"))
    assert proof_key(package, [path], options) != changed_requirements
    (path.parent / "data.csv").write_text("a\n1\n")  # a file beside the notebook (rung 6 runs on it)
    before = proof_key(package, [path], options)
    (path.parent / "data.csv").write_text("a\n1\n2\n")
    assert proof_key(package, [path], options) != before


def test_a_cached_rung_6_puts_the_recorded_values_back_and_a_timeout_is_not_cached(tmp_path: Path):
    package = tmp_path / "pkg"
    (package / "tests").mkdir(parents=True)
    options = ProveOptions(env_mode="current", env_cache=tmp_path / "envs")
    verified = Proof(tuple(RungResult(n, "passed", f"rung {n}") for n in range(1, 7)))
    (package / RECORDED_VALUES).write_text('{"values": {"final": {"n": {"t": "int", "v": 3}}}}\n')
    store_proof(package, "k1", verified, options)
    (package / RECORDED_VALUES).unlink()  # a re-migration rewrote the folder without it
    restored = cached_proof(package, "k1", options)
    assert restored is not None and restored.cached and restored.rung == 6
    assert json.loads((package / RECORDED_VALUES).read_text())["values"]["final"]["n"] == {"t": "int", "v": 3}
    slow = Proof((RungResult(1, "passed", ""), RungResult(2, "passed", ""), RungResult(3, "passed", ""), RungResult(4, "failed", "timed out after 600 s")))
    store_proof(package, "k2", slow, options)
    assert cached_proof(package, "k2", options) is None
