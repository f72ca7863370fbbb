"""Guards: what keeps one hostile notebook from crashing, hanging or exhausting the whole run.

- `time_limit`: a per-notebook deadline (an interval timer raising `TimeLimit` in the main
  thread). `TimeLimit` is a BaseException, so no broad `except Exception` in analysis code
  swallows it; the returned `Deadline` also remembers that it fired, because a `finally:` block
  inside a library (libcst's position provider) can replace the exception with an unrelated one
  (a `KeyError` from a half-built cache) on its way out. Callers check `deadline.expired`, not
  the exception's type.
- `deep_recursion`: a recursion limit high enough for every expression CPython itself accepts
  (its parser refuses more than 200 nested brackets, and an expression deeper than about three
  times the default recursion limit). libcst and the rules walk trees recursively in Python, so
  a 150-deep list or a 500-term sum would otherwise end in `RecursionError`. Measured: the
  deepest trees CPython compiles (2,900-term chains) analyse without exhausting the C stack.
- `interpreter_recursion`: the default limit again, for the one call that asks CPython whether
  it would compile a cell: a notebook runs at the interpreter's default limit, so that is the
  limit that decides whether a cell is valid Python.
"""

from __future__ import annotations

import re
import signal
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

DEEP_RECURSION = 30_000
INTERPRETER_RECURSION = 1_000  # CPython's default, what a notebook's kernel runs with
DEFAULT_TIMEOUT = 300.0  # seconds per notebook (audit and migrate)


class TimeLimit(BaseException):
    """Raised in the main thread when a notebook (or model) runs past its time limit."""


@dataclass
class Deadline:
    """A time limit, and whether it has passed."""

    seconds: float
    expired: bool = False


@contextmanager
def time_limit(seconds: float) -> Iterator[Deadline]:
    """Raise `TimeLimit` in this (main) thread after `seconds`; a no-op elsewhere or for 0.

    The timer also interrupts a blocking read (a file on a stalled network mount), since the
    signal handler runs as soon as the system call returns with EINTR."""
    deadline = Deadline(seconds)
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield deadline
        return

    def expire(signum: int, frame: Any) -> None:  # noqa: ARG001
        deadline.expired = True
        raise TimeLimit()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield deadline
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def deep_recursion(limit: int = DEEP_RECURSION) -> Iterator[None]:
    previous = sys.getrecursionlimit()
    if previous < limit:
        sys.setrecursionlimit(limit)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


@contextmanager
def interpreter_recursion() -> Iterator[None]:
    """CPython's default recursion limit for the duration (never below the current depth)."""
    previous = sys.getrecursionlimit()
    depth = _depth()
    sys.setrecursionlimit(max(INTERPRETER_RECURSION, depth + 100))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _depth() -> int:
    frame = sys._getframe(1)
    depth = 0
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


def seconds_text(value: float) -> str:
    return f"{value:g} s"


# --- how much work a cell is for libcst ---------------------------------------------------------

# libcst's native parser is superlinear in the depth of an expression (measured: one 1,000-term
# sum 0.44 s, one 2,000-term sum 2.9 s, four 1,000-term sums in one cell 2.4 s) and cannot be
# interrupted by the time limit while it runs. Cells beyond these limits are reported, not parsed.
NOT_ANALYSED = "cell too complex to analyse: "  # a `SyntaxProblem` message prefix (STR001 words it)
MAX_CHAIN = 1_000  # chained operations in one statement
MAX_CELL_CHAIN = 2_500  # chained operations over a cell's long statements (those over 100)

_CHAIN_OPS = frozenset("+ - * / // % @ ** << >> & | ^ ~ . == != < > <= >= :=".split())
_CHAIN_WORDS = frozenset({"and", "or", "not", "if", "else", "lambda", "await", "in", "is"})
_TRAILER_AFTER = frozenset({")", "]", "}"})


@dataclass(frozen=True)
class Complexity:
    """The operations a cell's statements chain (each a level of the syntax tree at worst)."""

    longest: int  # chained operations in the statement that has the most
    line: int  # where that statement starts (1-based, in the cell)
    total: int  # chained operations over the cell's statements of more than 100


def cell_complexity(python: str) -> Complexity:
    """Operators, attribute accesses, calls and subscripts chained in each statement, counted with
    the tokenizer (cheap, linear, no recursion). Each one is a level of the syntax tree at worst."""
    import io
    import tokenize

    longest, line, total = 0, 1, 0
    count, start = 0, 1
    previous = ""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(python).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                if count > longest:
                    longest, line = count, start
                total += count if count > 100 else 0
                count, previous = 0, ""
                continue
            if tok.type in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                continue
            if count == 0 and not previous:
                start = tok.start[0]
            text = tok.string
            if tok.type == tokenize.OP and (text in _CHAIN_OPS or (text in "([" and (previous in _TRAILER_AFTER or previous.isidentifier()))):
                count += 1
            elif tok.type == tokenize.NAME and text in _CHAIN_WORDS:
                count += 1
            previous = text
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass  # CPython's own check reports invalid code; the count so far stands
    if count > longest:
        longest, line = count, start
    total += count if count > 100 else 0
    return Complexity(longest, line, total)


_CHAIN_CHARACTERS = "+-*/%@<>&|^~.=!:(["  # every counted operator token holds one of them
_CHAIN_WORD_STARTS = re.compile("(?=" + "|".join(sorted(_CHAIN_WORDS)) + ")")


def _chain_bound(python: str) -> int:
    """An upper bound of `cell_complexity`'s counts, without the tokenizer (which costs about a
    fifth of libcst's parse): every counted token is an operator holding one of
    `_CHAIN_CHARACTERS` or a word of `_CHAIN_WORDS`, tokens do not overlap, so their number is at
    most those characters plus every place one of the words starts."""
    characters = sum(python.count(c) for c in _CHAIN_CHARACTERS)
    if "elselse" in python:  # two `else` sharing an `e`: `count` would see one
        return characters + len(_CHAIN_WORD_STARTS.findall(python))
    # The look-ahead was tried at every character. No word begins another, so the places one
    # starts are each word's occurrences, and `count` finds them all where they cannot overlap:
    # only `else` (its first letter is its last) can overlap itself.
    return characters + sum(python.count(word) for word in _CHAIN_WORDS)


def too_complex(python: str) -> "tuple[str, int] | None":
    """(the reason, its line) when libcst should not be given this cell, else None."""
    if len(python) < 400:  # fewer characters than any statement of 100 operations needs
        return None
    if _chain_bound(python) <= min(MAX_CHAIN, MAX_CELL_CHAIN):
        return None  # cannot exceed either limit: no need to tokenize
    found = cell_complexity(python)
    if found.longest > MAX_CHAIN:
        return f"an expression of {found.longest:,} chained operations, more than nbrefactor analyses ({MAX_CHAIN:,})", found.line
    if found.total > MAX_CELL_CHAIN:
        return f"{found.total:,} chained operations in long expressions, more than nbrefactor analyses in one cell ({MAX_CELL_CHAIN:,})", found.line
    return None


# --- worker processes ---------------------------------------------------------------------------


def die_with_parent() -> None:
    """In a worker process: be killed when the process that started it dies, even by SIGKILL
    (Linux `PR_SET_PDEATHSIG`), so no worker outlives an interrupted or killed run. A no-op
    elsewhere. Pool workers call it first thing (the pool's `initializer`)."""
    parent_death_signal(parent=None)()


def parent_death_signal(parent: "int | None" = -1) -> Callable[[], None]:
    """The same as a `preexec_fn` for `subprocess.Popen` (verify's kernel and package runner): the
    child gets SIGKILL when the thread that started it ends (the parent process dying ends it).
    libc is loaded here, in the parent: between fork and exec nothing may import or dlopen (a
    lock another thread held at the fork would never be released). `parent`: the process expected
    to be the parent (default: this one); None: any but init."""
    if not sys.platform.startswith("linux"):
        return _nothing
    try:
        import ctypes
        import os

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return _nothing
    PR_SET_PDEATHSIG = 1
    expected = os.getpid() if parent == -1 else parent

    def arm() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        now = os.getppid()
        if now == 1 or (expected is not None and now != expected):  # the parent died before the line above ran
            os._exit(1)

    return arm


def _nothing() -> None:
    return None
