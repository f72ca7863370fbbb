"""A warm kfp compiler: one helper process per migrate process (per pool worker) that imports kfp
once, then compiles each generated `kfp_pipeline.py` in a fresh fork of itself.

Why: the pipeline module is compiled outside `migrate`'s own process (it is generated from the
notebook's text, so it never executes here, and a runaway one is stopped by a time limit). One
`python -I` per model spent ~1.5 s of its ~1.8 s importing kfp before compiling for 0.15 s: half of
a model's migrate time. The helper pays the import once.

What stays as it was, per model: the module runs in a process of its own (a fork of the helper,
which itself never executes a generated module, so nothing one module does reaches the next),
started from an interpreter run with `-I` and without the `PYTHON*` variables, in the temporary
folder as its working directory, with the environment the one-shot compiler had (the package's
image variable removed), its output discarded and its standard error kept for the message of a
failure. A compile over the time limit kills the helper with everything it started (the next
compile starts a new one); a helper that dies is replaced and the compile done by a one-shot
process instead. Without `os.fork` (Windows) every compile is one-shot, as before.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Optional

# The one-shot compiler, and what each forked child of the helper does: load the module from its
# file (kfp reads component sources with `inspect`) and call its `compile_pipeline(output)`.
ONE_SHOT = """
import importlib.util, sys
path, output, runtime_root = sys.argv[1], sys.argv[2], sys.argv[3]
if runtime_root not in sys.path:
    sys.path.insert(0, runtime_root)
spec = importlib.util.spec_from_file_location("kfp_pipeline", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
module.compile_pipeline(output)
"""

# The helper: imports what every generated module imports (and what the compiler imports late),
# then for each request (one JSON line on standard input) forks; the child redirects its standard
# streams, takes the request's working folder, environment and argv, and runs ONE_SHOT's body; the
# helper answers with the child's exit code (one JSON line). A failed warm import is left for the
# child to meet and report.
HELPER = """
import importlib, json, os, sys, traceback
runtime_root = sys.argv[1]
if runtime_root not in sys.path:
    sys.path.insert(0, runtime_root)
for name in ("kfp.dsl", "kfp.compiler", "google.protobuf.descriptor_pb2", "nbrefactor_runtime.kfp_submit"):
    try:
        importlib.import_module(name)
    except BaseException:
        pass
# kfp calls inspect.stack() for each task it sets resources on, and inspect.getmodule walks every
# loaded module each time, resolving its file once and remembering it: walk them here, once, so
# each child only resolves the module it loads.
import inspect
inspect.getmodule(sys._getframe())
CHILD = compile(%r, "<string>", "exec")
while True:
    line = sys.stdin.readline()
    if not line:
        break
    job = json.loads(line)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            null = os.open(os.devnull, os.O_RDWR)
            err = os.open(job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(null, 0)
            os.dup2(null, 1)
            os.dup2(err, 2)
            os.close(null)
            os.close(err)
            os.chdir(job["cwd"])
            os.environ.clear()
            os.environ.update(job["env"])
            sys.argv = ["-c", *job["argv"]]
            exec(CHILD, {"__name__": "__main__", "__builtins__": __builtins__})
            status = 0
        except SystemExit as exc:
            code = exc.code
            if code is None:
                status = 0
            elif isinstance(code, int):
                status = code & 0xFF
            else:
                print(code, file=sys.stderr)
                status = 1
        except BaseException:
            traceback.print_exc()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(status)
    _, wait_status = os.waitpid(pid, 0)
    sys.stdout.write(json.dumps({"returncode": os.waitstatus_to_exitcode(wait_status)}) + "\\n")
    sys.stdout.flush()
""" % ONE_SHOT


class CompileTimeout(Exception):
    pass


class _Helper:
    def __init__(self, key: tuple, runtime_root: str, env: dict[str, str]) -> None:
        self.key = key
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", HELPER, runtime_root],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, start_new_session=True,
        )

    def compile(self, request: dict, timeout: Optional[float]) -> Optional[int]:
        """The child's exit code; None when the helper died (its answer never came)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        deadline = None if timeout is None else time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        answer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while not answer.endswith(b"\n"):
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise CompileTimeout()
                if not selector.select(left):
                    continue
                chunk = os.read(fd, 4096)
                if not chunk:
                    return None
                answer += chunk
        return int(json.loads(answer)["returncode"])

    def stop(self) -> None:
        """Kill the helper and whatever it forked (one process group: start_new_session)."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


_lock = threading.Lock()
_helper: Optional[_Helper] = None


def stop_helper() -> None:
    """Kill this process's warm helper and the compile it forked, if any (at exit, and when a
    migrate worker is told to stop: SIGTERM skips atexit)."""
    global _helper
    if _helper is not None:
        _helper.stop()
        _helper = None


atexit.register(stop_helper)


def warm_helper_pid() -> Optional[int]:
    """The process id of this process's warm helper, if one runs (for tests and diagnostics)."""
    helper = _helper
    return helper.process.pid if helper is not None and helper.process.poll() is None else None


def compile_module(module_path: Path, output: Path, runtime_root: str, env: dict[str, str], timeout: Optional[float]) -> tuple[int, str]:
    """Run the pipeline module at `module_path` (in its folder, with `env`) to write `output`.
    Returns (exit code, standard error). Raises CompileTimeout past `timeout` seconds."""
    folder = module_path.parent
    argv = [str(module_path), str(output), runtime_root]
    if hasattr(os, "fork"):
        # The helper's own environment: the compile's, without any variable that would change
        # only for one package (a `<PACKAGE>_IMAGE` is set per request, never read at start-up).
        base = {k: v for k, v in env.items() if not k.endswith("_IMAGE")}
        key = (sys.executable, runtime_root, tuple(sorted(base.items())))
        stderr_file = folder / ".compiler-stderr"
        request = {"cwd": str(folder), "env": env, "argv": argv, "stderr": str(stderr_file)}
        global _helper
        with _lock:
            if _helper is not None and (_helper.key != key or _helper.process.poll() is not None):
                stop_helper()
            if _helper is None:
                _helper = _Helper(key, runtime_root, base)
            try:
                code = _helper.compile(request, timeout)
            except BaseException:  # over the limit, or interrupted: the compile in flight is killed
                stop_helper()
                raise
            if code is not None:
                stderr = stderr_file.read_text(encoding="utf-8", errors="replace") if stderr_file.is_file() else ""
                try:
                    stderr_file.unlink()
                except OSError:
                    pass
                return code, stderr
            stop_helper()  # it died: the next compile starts another; this one runs alone
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", ONE_SHOT, *argv],
            cwd=str(folder), env=env, capture_output=True, text=True, timeout=timeout, start_new_session=True,
        )
    except subprocess.TimeoutExpired:
        raise CompileTimeout() from None
    return done.returncode, done.stderr
