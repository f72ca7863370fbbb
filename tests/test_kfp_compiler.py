"""The warm kfp compiler (nbrefactor.migrate.kfp_compiler): each pipeline module still runs in a
process of its own, with the environment, folder and time limit the one-shot compiler gave it."""

from __future__ import annotations

import os
import signal

import pytest

from nbrefactor.migrate import kfp_compiler
from nbrefactor.migrate.pipeline_build import PipelineCompileError, compile_pipeline_source


def _writes(expression: str) -> str:
    """A pipeline module whose compile writes `repr(expression)` as the YAML text."""
    return (
        "import os, pathlib, sys, json\n"
        "def compile_pipeline(path):\n"
        f"    pathlib.Path(path).write_text(repr({expression}))\n"
    )


def test_each_module_runs_in_a_process_of_its_own_and_leaves_nothing_to_the_next():
    first = compile_pipeline_source("import json\njson.LEFT_BEHIND = 1\n" + _writes("os.getpid()"), "pkg")
    second = compile_pipeline_source(_writes("(os.getpid(), hasattr(json, 'LEFT_BEHIND'))"), "pkg")
    pid, left = eval(second)
    assert int(first) != os.getpid() and pid != os.getpid() and pid != int(first)
    assert left is False


def test_the_environment_folder_and_argv_are_the_one_shot_compilers(monkeypatch):
    monkeypatch.setenv("PKG_IMAGE", "registry.example/override:1")
    monkeypatch.setenv("OTHER_IMAGE", "kept")
    monkeypatch.setenv("PYTHONWARNINGS", "dropped")
    text = compile_pipeline_source(
        _writes("(os.environ.get('PKG_IMAGE'), os.environ.get('OTHER_IMAGE'), os.environ.get('PYTHONWARNINGS'), "
                "os.getcwd() == os.path.dirname(sys.argv[1]), len(sys.argv), sys.flags.isolated)"),
        "pkg",
    )
    assert eval(text) == (None, "kept", None, True, 4, 1)


def test_a_compile_over_the_limit_is_killed_and_the_next_one_runs():
    with pytest.raises(PipelineCompileError, match="did not finish within 2 s"):
        compile_pipeline_source("while True:\n    pass\n", "pkg", timeout=2)
    assert compile_pipeline_source(_writes("'after'"), "pkg") == "'after'"


def test_a_helper_that_died_is_replaced():
    assert compile_pipeline_source(_writes("1"), "pkg") == "1"
    pid = kfp_compiler.warm_helper_pid()
    if pid is None:  # no os.fork here: every compile is one-shot
        pytest.skip("no warm helper on this platform")
    os.kill(pid, signal.SIGKILL)
    assert compile_pipeline_source(_writes("2"), "pkg") == "2"


def test_failures_are_reported_as_the_interpreter_reports_them():
    with pytest.raises(PipelineCompileError, match="the kfp compiler failed: ZeroDivisionError: division by zero"):
        compile_pipeline_source("1 / 0\n", "pkg")
    with pytest.raises(PipelineCompileError, match="the kfp compiler failed: stopped here"):
        compile_pipeline_source("raise SystemExit('stopped here')\n", "pkg")
    with pytest.raises(PipelineCompileError, match="the kfp compiler failed: no output"):
        compile_pipeline_source("import sys\nsys.exit(3)\n", "pkg")
    with pytest.raises(PipelineCompileError, match="the kfp compiler failed: no output"):
        compile_pipeline_source("print('on stdout only')\ndef compile_pipeline(path):\n    pass\n", "pkg")
