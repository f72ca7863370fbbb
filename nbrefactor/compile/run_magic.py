"""IPython's `%run`, translated: how the kernel reads the line, and the helper a steps module calls
to run the program the way the kernel ran it (pure: text in, data and code text out).

What IPython 8 does (`ExecutionMagics.run` in IPython/core/magics/execution.py):
- the line's `$name` and `{expr}` are expanded first (`InteractiveShell.var_expand`, the
  `DollarFormatter`), then it is split like a POSIX shell line (`shlex`) and read by `getopt` with
  the options `nidtN:b:pD:l:rs:T:em:G`: options stop at the first word that is not one;
- `-m mod` runs the module like `python -m`; a line with `-m` and no `--` gets one after the module
  name, so every word after it is the program's;
- the program runs with `sys.argv = [its file, *args]`, restored afterwards; each argument is first
  `~`-expanded and matched as a shell pattern (`glob.glob(arg) or [arg unescaped]`), unless `-G`;
- a script runs in a fresh module namespace named `__main__` (`-n`: the file's stem), with that
  module as `sys.modules[name]` and the script's folder first on `sys.path` for the run; a module
  runs through `runpy.run_module(..., alter_sys=True)`; `SystemExit` with code 0 or None ends the
  program, not the cell (`-e`: any code); the names it defined are then the notebook's. An error
  the program raises is shown and the notebook goes on (checked in a kernel); the package stops.

The translation keeps all of that (the helper below); what it cannot keep is left for review, and
the migration's proof decides: `-i` (the script sees the notebook's names), the profiler and the
debugger (`-p`, `-d` and their options), a timed loop (`-t -N<n>`), `.ipy`/`.ipynb` targets,
and an expansion (`$name`, `{expr}`) whose value only the run knows.
"""

from __future__ import annotations

import getopt
import re
import shlex
import string
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Union

RUN_OPTIONS = "nidtN:b:pD:l:rs:T:em:G"  # `%run`'s getopt specification, as IPython passes it
HELPER = "_run_program"
# Options whose run cannot happen without IPython (or without the notebook's namespace).
_UNTRANSLATED = {
    "i": "runs the script in the notebook's namespace (it sees the notebook's names)",
    "p": "runs the program under the profiler (its names do not reach the notebook)",
    "d": "runs the program under the debugger",
    "b": "sets a debugger breakpoint",
    "D": "writes the profiler's statistics",
    "l": "limits the profiler's report",
    "r": "returns the profiler's statistics",
    "s": "sorts the profiler's report",
    "T": "writes the profiler's report",
}
_DOLLAR = re.compile(r"(.*?)\$(\$?[\w\.]+)(?=([^']*'[^']*')*[^']*$)")  # IPython's DollarFormatter
_GLOB_OR_HOME = re.compile(r"^~|[*?\[\\]")


@dataclass(frozen=True)
class RunCommand:
    """One `%run` line as the kernel ran it."""

    target: str  # the script's path as written, or the module's dotted name
    module: bool  # `-m`
    args: tuple[str, ...]  # the program's arguments, sys.argv[1:]
    run_name: str = "__main__"  # `-n`: the script's stem
    exit_ignore: bool = False  # `-e`
    expand: bool = False  # the arguments hold `~` or a shell pattern, matched when the step runs
    timed: bool = False  # `-t`: IPython printed CPU timings after the run (dropped)

    def call(self) -> str:
        """The helper call; every text from the notebook enters as a literal (repr)."""
        parts = [repr(self.target), "[" + ", ".join(repr(a) for a in self.args) + "]"]
        if self.module:
            parts.append("module=True")
        if self.run_name != "__main__":
            parts.append(f"run_name={self.run_name!r}")
        if self.exit_ignore:
            parts.append("exit_ignore=True")
        if self.expand:
            parts.append("expand=True")
        return f"{HELPER}({', '.join(parts)})"


def read_run_line(text: str) -> Union[RunCommand, str]:
    """`%run`'s arguments → what runs, or why the line is left for review (a sentence)."""
    expanded = _expand_without_values(text)
    if expanded is None:
        return "its arguments use IPython's `$name`/`{expr}` expansion, a value only the notebook's run knows"
    try:
        if "-m" in expanded and "--" not in expanded:
            expanded = _end_options_after_module(expanded)
        words = shlex.split(expanded)
        opts, rest = getopt.getopt(words, RUN_OPTIONS)
    except (ValueError, getopt.GetoptError) as exc:
        return f"IPython cannot read its arguments ({exc})"
    given: dict[str, list[str]] = {}
    for option, value in opts:
        given.setdefault(option[1:], []).append(value)
    untranslated = [f"`-{o}` {why}" for o, why in _UNTRANSLATED.items() if o in given]
    if untranslated:
        return "; ".join(untranslated)
    timed = "t" in given
    if timed and "N" in given and given["N"][0].strip() != "1":
        return f"`-t -N{given['N'][0]}` runs the program {given['N'][0]} times to time it"
    if "m" in given:
        target, module, args = given["m"][0], True, rest
    elif rest:
        target, module, args = rest[0], False, rest[1:]
    else:
        return "it names no script"
    if not module and target.lower().endswith((".ipy", ".ipynb")):
        return "it runs an IPython script or a notebook, not a Python program"
    expand = "G" not in given and any(_GLOB_OR_HOME.search(a) for a in args)
    run_name = PurePosixPath(target).stem if "n" in given and not module else "__main__"
    return RunCommand(target, module, tuple(args), run_name, "e" in given and not module, expand, timed)


def named_paths(text: str) -> frozenset[str]:
    """The words a translated `%run` line hands its program (`--out=x` gives `x`): files the
    program may write, so a later read of one is not data missing beside the notebook (if the
    program does not write it, the package's proof fails where the read does)."""
    command = read_run_line(text)
    if not isinstance(command, RunCommand):
        return frozenset()
    words = {w.split("=", 1)[1] if w.startswith("-") and "=" in w else w for w in command.args}
    return frozenset(w[2:] if w.startswith("./") else w for w in words if w and not w.startswith("-"))


def _expand_without_values(text: str) -> Union[str, None]:
    """The line after IPython's `var_expand` when that needs no value (only `$$`, `{{`, `}}`
    escapes, or a line its formatter gives up on and leaves as written); None when it names a
    variable or an expression."""
    try:
        pieces = list(string.Formatter().parse(text))
    except ValueError:
        return text  # a lone `{` or `}`: IPython's formatter fails and the line stays as written
    out = []
    for literal, field, _spec, _conversion in pieces:
        kept, end = "", 0
        for match in _DOLLAR.finditer(literal):
            before, name = match.group(1, 2)
            if not name.startswith("$"):
                return None
            kept += before + name  # `$$x` → `$x`
            end = match.end()
        out.append(kept + literal[end:])
        if field is not None:
            return None
    return "".join(out)


def _end_options_after_module(text: str) -> str:
    """IPython's fix for issue #3664: `-m mod a -b` → `-m mod -- a -b`."""
    words = shlex.split(text)
    for index, word in enumerate(words):
        if word and word.startswith("-") and word != "-":
            if word == "-m":
                words.insert(index + 2, "--")
                break
        else:
            break
    return " ".join(shlex.quote(w) for w in words)


# The helper a steps module holds once when a cell used `%run` (emit.py adds it). Its imports are
# its own: they are not the notebook's and must not be mistaken for them.
HELPER_SOURCE = r'''
def _run_program(target, args, *, module=False, run_name="__main__", exit_ignore=False, expand=False):
    """IPython's `%run` without IPython (nbrefactor): run a script, or a module like `python -m`
    (`module=True`), as a program, and return the names it defined.

    For the run only, as in the kernel: `sys.argv` is [its file, *args]; the script's folder (for
    a module, the working directory, which the kernel had on its path) is first on `sys.path`; the
    script is `sys.modules[run_name]`. All three are restored even when the program raises.
    `sys.exit()` or `sys.exit(0)` ends the program, not the step (any code with `exit_ignore`,
    %run's `-e`); `expand` matches `~` and shell patterns in the arguments, as %run does unless `-G`.
    An error the program raises stops the step: the kernel showed it and went on with the names
    bound so far, a package must not hide a failed program.
    """
    import glob
    import importlib.util
    import os
    import runpy
    import sys
    import types

    def unescape(arg):  # IPython's unescape_glob: `\*` stays a literal `*` when nothing matched
        parts = arg.split("\\\\")
        for pattern in "*[]!?":
            parts = [p.replace("\\" + pattern, pattern) for p in parts]
        return "\\".join(parts)

    if expand:
        args = [hit for arg in map(os.path.expanduser, args) for hit in (glob.glob(arg) or [unescape(arg)])]
    if module:
        filename, folder = None, os.getcwd()
    else:  # IPython's get_py_filename: the path as written, else with `.py` added
        filename = os.path.expanduser(target)
        if not os.path.isfile(filename) and not filename.endswith(".py") and os.path.isfile(filename + ".py"):
            filename += ".py"
        folder = os.path.dirname(os.path.realpath(filename))  # safe_execfile resolves the path
    added = folder not in sys.path and not (module and "" in sys.path)
    saved_argv, saved_module = sys.argv, sys.modules.get(run_name)
    if added:
        sys.path.insert(0, folder)
    try:
        if module:
            spec = importlib.util.find_spec(target)
            if spec is None or spec.origin is None:
                raise ImportError(f"{target!r} is not a valid modulename on sys.path")
            sys.argv = [spec.origin, *args]
            try:
                return runpy.run_module(target, run_name="__main__", alter_sys=True)
            except SystemExit as stop:
                if stop.code:
                    raise
                return {}
        program = types.ModuleType(run_name, "Module created for script run in IPython")
        program.__file__ = os.path.abspath(filename)
        sys.argv = [filename, *args]
        sys.modules[run_name] = program
        with open(program.__file__, "rb") as source:
            code = compile(source.read(), os.path.realpath(filename), "exec")
        try:
            exec(code, program.__dict__)
        except SystemExit as stop:
            if stop.code and not exit_ignore:
                raise
        names = dict(program.__dict__)
        names.pop("__name__", None)
        return names
    finally:
        sys.argv = saved_argv
        if not module:
            if saved_module is None:
                sys.modules.pop(run_name, None)
            else:
                sys.modules[run_name] = saved_module
        if added and folder in sys.path:
            sys.path.remove(folder)
'''
