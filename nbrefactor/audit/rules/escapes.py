"""STR007: a backslash in a non-raw string literal that starts no escape sequence (`"\\w+"`, `"\\s+"`)."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from typing import Iterator

from nbrefactor.audit.analysis import cell_python_tree
from nbrefactor.audit.facts import nodes_of
from nbrefactor.audit.types import Family, Severity
from nbrefactor.audit.rules import Example, Hit, Rule, RuleContext

# What may follow a backslash in a str literal (the language reference, "Escape sequences"): a
# line break (a CR too: Python reads `\r\n` source as `\n`), `\\`, quotes, the C escapes, octal
# digits, `\x`, and in str (not bytes) `\N{…}`, `\u`, `\U`. Anything else keeps its backslash
# today, with a warning.
_STR_ESCAPES = frozenset("\n\r\\'\"abfnrtv01234567xNuU")
_BYTES_ESCAPES = _STR_ESCAPES - frozenset("NuU")
_PREFIX = re.compile(r"[A-Za-z]*")
# A backslash followed by neither a character every literal allows after one (`_BYTES_ESCAPES`, the
# smaller set) nor anything: each invalid escape of a literal is such a backslash of the cell's text
# (the literal is a piece of that text), wherever the pairs of backslashes begin. A cell without
# one holds no invalid escape and is not tokenized (most cells with a backslash: `\n`, `\t`).
_MAY_BE_INVALID = re.compile(r"\\(?![\n\r\\'\"abfnrtv0-7x])")
# A Windows path written as a plain literal (`"D:\data\x.csv"`, `"\\server\share"`) is the path
# rules' finding (PTH001 says to write it as r'…'): one cause, one finding.
_WINDOWS_PATH = re.compile(r"^(?:[A-Za-z]:\\|\\\\)")
# Python 3.12 splits an f-string into FSTRING_START/MIDDLE/END tokens; older versions give one
# STRING token. Read by name so the rule runs on both.
_FSTRING_START = getattr(tokenize, "FSTRING_START", None)
_FSTRING_MIDDLE = getattr(tokenize, "FSTRING_MIDDLE", None)
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)


def _invalid_offsets(body: str, allowed: frozenset) -> Iterator[int]:
    """Offsets in `body` (a literal's text between its quotes) of backslashes that start no escape."""
    i = 0
    while i < len(body) - 1:
        if body[i] == "\\":
            if body[i + 1] not in allowed:
                yield i
            i += 2
        else:
            i += 1


def _body(token: str) -> tuple[str, str, int]:
    """(prefix, text between the quotes, offset of that text in the token) of a STRING token."""
    prefix = _PREFIX.match(token).group(0)
    rest = token[len(prefix):]
    quote = rest[:3] if rest[:3] in ('"""', "'''") else rest[:1]
    return prefix, rest[len(quote):len(rest) - len(quote)], len(prefix) + len(quote)


def _position(start: tuple[int, int], text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of `text[offset]`, `text` starting at tokenize's `start`."""
    before = text[:offset]
    breaks = before.count("\n")
    if breaks:
        return start[0] + breaks, len(before) - before.rfind("\n")
    return start[0], start[1] + offset + 1


def _values_may_hold_invalid(tree: ast.Module, python: str) -> bool:
    """False only when no literal of the cell holds an invalid escape (issue 15, thirtieth round).
    Python keeps an invalid escape's backslash and the character after it in the literal's value
    (`"\\s"`'s value is backslash, `s`), in every literal and f-string piece (each a `Constant`
    of CPython's tree): a literal whose value holds no backslash `_MAY_BE_INVALID` matches holds no
    invalid escape. One whose value does is left out only when it is a single raw literal, as
    written at its place (`_tokenize`'s STRING tokens with an `r` prefix are not read): most cells
    whose text matches the screen hold only such literals (`r"$\\alpha$"` labels, regular
    expressions), and tokenizing them (pure Python, every token of the cell) found nothing."""
    lines: list[bytes] | None = None
    for node in nodes_of(tree, ast.Constant):
        value = node.value
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if not (isinstance(value, str) and "\\" in value and _MAY_BE_INVALID.search(value)):
            continue
        if lines is None:
            if "\r" in python:
                return True  # (a line break CPython counts that `split` does not: no positions to read)
            lines = [line.encode("utf-8") for line in python.split("\n")]
        if not _single_raw_literal(lines, node):
            return True
    return False


def _single_raw_literal(lines: list[bytes], node: ast.Constant) -> bool:
    """Is the text at `node`'s place (CPython's UTF-8 offsets) one raw string literal: a prefix with
    `r`, a quote, a body without that quote character, the same quote last? (A concatenation holds
    its quote between its pieces; an f-string piece has its f-string's place.)"""
    first, last, start, end = node.lineno, node.end_lineno, node.col_offset, node.end_col_offset
    if last is None or end is None or not 0 < first <= last <= len(lines):
        return False
    segment = (lines[first - 1][start:end] if first == last
               else b"\n".join([lines[first - 1][start:], *lines[first:last - 1], lines[last - 1][:end]]))
    prefix = _PREFIX_BYTES.match(segment).group(0)
    if b"r" not in prefix.lower():
        return False
    rest = segment[len(prefix):]
    quote = rest[:3] if rest[:3] in (b'"""', b"'''") else rest[:1]
    if quote not in (b'"""', b"'''", b'"', b"'") or len(rest) < 2 * len(quote) or not rest.endswith(quote):
        return False
    return quote[:1] not in rest[len(quote):len(rest) - len(quote)]


_PREFIX_BYTES = re.compile(rb"[A-Za-z]*")


def _escapes(python: str) -> Iterator[tuple[int, int, str, str]]:
    """(line, column, the escape as written, the literal) of each literal's first invalid escape."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(python).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return
    raw_fstrings: list[bool] = []
    for token in tokens:
        if token.type == tokenize.STRING:
            prefix, body, offset = _body(token.string)
            if "r" in prefix.lower() or _WINDOWS_PATH.match(body):
                continue
            allowed = _BYTES_ESCAPES if "b" in prefix.lower() else _STR_ESCAPES
            text, found = token.string, next(_invalid_offsets(body, allowed), None)
            if found is not None:
                found += offset
        elif _FSTRING_START is not None and token.type == _FSTRING_START:
            raw_fstrings.append("r" in token.string.lower())
            continue
        elif _FSTRING_END is not None and token.type == _FSTRING_END:
            if raw_fstrings:
                raw_fstrings.pop()
            continue
        elif _FSTRING_MIDDLE is not None and token.type == _FSTRING_MIDDLE:
            if raw_fstrings and raw_fstrings[-1]:
                continue
            text, found = token.string, next(_invalid_offsets(token.string, _STR_ESCAPES), None)
        else:
            continue
        if found is None:
            continue
        line, column = _position(token.start, text, found)
        # The literal as written, or for one over several lines the line of it holding the escape.
        start = text.rfind("\n", 0, found) + 1
        end = text.find("\n", found)
        yield line, column, text[found:found + 2], text[start:end if end >= 0 else len(text)].strip()


class InvalidEscapeSequence(Rule):
    code = "STR007"
    name = "invalid-escape-sequence"
    family = Family.STRUCTURE
    severity = Severity.INFO
    summary = "A backslash in a plain string literal that starts no escape sequence (`\"\\w+\"`): Python warns, and will reject it."
    what_it_does = (
        "Reports a backslash followed by a character that is no escape sequence (`\\w`, `\\s`, `\\d`, `\\.`, `\\/`, "
        "`\\p`…) in a string literal without the `r` prefix, once per notebook (the other literals are related "
        "locations). Regular expressions and LaTeX labels are the usual cases. Raw strings and Windows paths "
        "(the path rules' finding) are left out. The fix says to write a relative Windows path (`'..\\data\\pairs.csv'`) "
        "with forward slashes, which every system reads, a path mixing `/` and `\\` (`'/data/out\\run.log'`) as its parts "
        "joined (`os.path.join`, `pathlib`), and a backslash before a capitalised word at the start of the text "
        "(`\"\\Outcome distribution:\"`) as the `\\n` it was meant to be; otherwise a raw string."
    )
    why_bad = (
        "Python keeps such a backslash only by tolerance: since Python 3.12 compiling the code prints "
        "`SyntaxWarning: invalid escape sequence '\\w'` (a `DeprecationWarning` before), every time the exported "
        "module or script is byte-compiled, and the documentation says a future version will make it a "
        "`SyntaxError`. The same literal with a valid escape (`\\b`, `\\t`) silently means something else, which is "
        "why the warning exists."
    )
    example = "emails = df[\"email\"].str.fullmatch(\"[\\w.]+@\\w+\\.\\w{2,3}\")"
    use_instead = "emails = df[\"email\"].str.fullmatch(r\"[\\w.]+@\\w+\\.\\w{2,3}\")"
    passing = (
        Example(cells=(
            "import re\npattern = re.compile(r\"^https://\\w+\\.example\\.com/\\d+$\")",
            "label = \"line one\\nline two\\t(tab) \\\\ backslash \\x41 \\u00e9\"",
        )),
    )
    failing = (
        Example(
            cells=(
                "import re\nprofile = re.compile(\"^https:\\/\\/www.example.com\\/profile\")",
                "words = \"a  b\".split(\"\\s+\")",
            ),
            expect=((1, 2),),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        found: list[tuple] = []
        for ca in ctx.facts.cells:
            # Every case needs a backslash in the cell's text: most cells have none and are not tokenized.
            if "\\" not in ca.masked.python or not _MAY_BE_INVALID.search(ca.masked.python):
                continue
            tree = cell_python_tree(ca)
            if tree is None or not _values_may_hold_invalid(tree, ca.masked.python):
                continue
            for line, column, escape, shown in _escapes(ca.masked.python):
                found.append((ca.cell, line, column, escape, shown))
        if not found:
            return
        cell, line, column, escape, shown = found[0]
        more = len(found) - 1
        others = f"; {more} more literal{'s' if more > 1 else ''} of the notebook do{'' if more > 1 else 'es'} the same" if more else ""
        yield Hit(
            cell,
            line,
            column,
            f"`{escape}` in the string literal `{_shorten(shown)}` (no `r` prefix) is no escape sequence: Python "
            f"keeps the backslash only by tolerance, warns when it compiles the code (SyntaxWarning since 3.12) and "
            f"will reject it in a future version{others}",
            fix=_fix(escape, shown),
            key="invalid-escape-sequence",
            related=tuple((c, ln, col) for c, ln, col, _, _ in found[1:]),
        )


# A relative Windows path (`..\data\pairs.csv`, `.\out\model.pkl`, `data\raw\x.csv`): folders joined by
# backslashes, a file name with an extension or a leading `.\`/`..\` (absolute ones are the path rules').
_RELATIVE_WINDOWS_PATH = re.compile(r"^(?:\.{1,2}\\(?:[\w .-]+\\)*[\w .-]*|(?:[\w.-]+\\)+[\w .-]*\.[A-Za-z]\w{0,4})$")
# A path whose parts are joined by both `/` and `\` (`/path/to/dest\run.log`): names of folders and files only,
# so a regular expression's escaped slash (`^https:\/\/`) is none.
_MIXED_SEPARATORS = re.compile(r"^(?:[A-Za-z]:)?[/\\]?[\w .~-]+(?:[/\\][\w .~-]+)+$")
# A backslash right after the opening quote before a capitalised word of prose (`"\Outcome distribution:"`):
# a slip for `\n`, the line break printed before a heading.
_SLIP_FOR_NEWLINE = re.compile(r"^\\[A-Z][a-z]{2,}\b[^\\$]*$")


def _fix(escape: str, shown: str) -> str:
    """The fix for the first literal: forward slashes for a relative Windows path (a raw string keeps a separator
    only Windows reads; fair check 40, items 162 and 164), `\\n` for a slip (item 163), else a raw string."""
    body = re.sub(r"^[A-Za-z]*(\"\"\"|'''|\"|')", "", shown)
    body = re.sub(r"(\"\"\"|'''|\"|')$", "", body)
    if _RELATIVE_WINDOWS_PATH.match(body):
        return (f"Write the path with forward slashes (`'{body.replace(chr(92), '/')}'`): they work on every system, "
                "while a raw string keeps a backslash separator that Linux and macOS read as part of the file name.")
    if _MIXED_SEPARATORS.match(body) and "/" in body and "\\" in body:
        # `'/path/to/dest\\run.log'`: a file name put after a folder with the wrong separator (fair check 47, item
        # 164). What comes before the first backslash is the folder as written; each backslash another part.
        head, *rest = body.split("\\")
        parts = [p for p in [head.rstrip("/") or head] + rest if p]
        joined = ", ".join(f"'{p}'" for p in parts)
        divided = f"Path('{parts[0]}')" + "".join(f" / '{p}'" for p in parts[1:])
        return (f"The path mixes `/` and `\\` separators: join its parts (`os.path.join({joined})`, or `{divided}`), "
                "which puts the system's separator between them; a raw string would keep a backslash that Linux and macOS "
                "read as part of the file name.")
    if _SLIP_FOR_NEWLINE.match(body):
        return (f"`{escape}` looks like a slip for `\\n` (a line break before the text): write `\\n`, or drop the backslash; "
                "a raw string or a doubled backslash would keep printing it.")
    return "Write the literal as a raw string (`r\"…\"`), or double the backslash (`\\\\`)."


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
