"""IPython syntax → plain Python with the same line numbers, plus the magics as facts.

IPython's own `TransformerManager` needs ~0.6 s to import and turns `%%time` bodies into strings
(hiding their definitions from analysis). This masker is line-preserving instead: every magic,
shell escape or help line is replaced by a statement of the same indentation on the same line
(`pass`, or `name = None` for `files = !ls`), so a finding's line in the masked source is its line
in the cell, and Python nested under `%%time`/`%%capture` stays visible.
"""

from __future__ import annotations

import ast
import getopt
import re
import shlex
from dataclasses import dataclass
from typing import Collection, Optional, Sequence

# Cell magics whose body is Python that IPython runs in the user namespace.
PYTHON_BODY_CELL_MAGICS = frozenset(
    {"time", "timeit", "capture", "prun", "debug", "memit", "mprun", "ipytest", "pixie_debugger", "skip"}
)

# Line magics IPython resolves without `%` (automagic) when used as a statement: `pip install x`.
# With them the shell aliases IPython defines by default on POSIX (`IPython.core.alias.default_aliases`:
# mkdir, rmdir, mv, rm, cp, cat, ls, ll, lf, lk, ldir, lx) and ipykernel's terminal magics (clear,
# less, more, man): `ll $path*` lists files (fair check 17: 12 such cells said as syntax errors).
AUTOMAGICS = frozenset(
    {
        "alias", "autoreload", "bookmark", "cat", "cd", "clear", "conda", "cp", "dhist", "dirs", "edit",
        "env", "history", "ldir", "less", "lf", "lk", "ll", "load", "load_ext", "lsmagic", "ls", "lx", "macro", "magic", "man",
        "matplotlib", "mkdir", "more", "mv", "pdb", "pip", "popd", "pushd", "pwd", "rehashx", "reload_ext",
        "rm", "rmdir", "run", "save", "sc", "set_env", "store", "sx", "system", "time", "timeit", "who",
        "who_ls", "whos", "xmode",
    }
)

# Line magics an IPython extension registers when `%load_ext <extension>` loads it; automagic then
# runs them without `%` too (`watermark` alone in a PyMC notebook's last cell).
EXTENSION_MAGICS: dict[str, tuple[str, ...]] = {
    "watermark": ("watermark",),
    "autoreload": ("autoreload", "aimport"),
    "memory_profiler": ("memit", "mprun"),
    "line_profiler": ("lprun",),
    "snakeviz": ("snakeviz",),
    "tensorboard": ("tensorboard",),
}

# IPython's `%cd`/`%pushd` options (`parse_options(parameter_s, "qb")`): `-q` silences the echo of
# the new folder, `-b` names a bookmark. They precede the folder and are not part of it.
@dataclass(frozen=True)
class CdLine:
    """A `%cd` line as IPython 8's `OSMagics.cd` reads it. `refused`: why a package cannot do the
    same (the line reads the kernel's own state, or IPython stops with an error), else None."""

    options: frozenset[str]
    folder: str  # "" is the home folder
    refused: Optional[str] = None


def read_cd_line(args: str) -> CdLine:
    """The one reader of `%cd` arguments, for the audit and the compiler. IPython splits them as a
    POSIX shell does (`parse_options`: `shlex` with no comments, then `getopt` for `-q`/`-b`) and
    joins what is left with single spaces, so `%cd My\\ Drive` and `%cd "My Drive"` both go to
    `My Drive`. Refused: `%cd -` (the previous folder, `_dh[-2]`), `%cd -3` (an entry of `_dh`) and
    `%cd --name` (the last folder of `_dh` whose name matches) read IPython's directory history;
    `%cd -b name` reads the bookmarks of IPython's profile database (`%bookmark`), which only the
    machine that set them has; an option `%cd` does not take and an unclosed quote stop IPython
    with an error. For those, `folder` is the text as written."""
    line = args.strip()
    if re.fullmatch(r"-\d+", line):
        return CdLine(frozenset(), line, "goes to an entry of IPython's directory history (`_dh`), which the package does not keep; give the folder")
    if line.startswith("--"):
        return CdLine(frozenset(), line, "goes to the folder of IPython's directory history whose name matches, which the package does not keep; give the folder")
    if not line:
        return CdLine(frozenset(), "")
    try:
        words = shlex.split(line, comments=False, posix=True)
    except ValueError:
        return CdLine(frozenset(), line.strip("'\""), "has an unclosed quote (IPython stops with an error)")
    try:
        options, rest = getopt.getopt(words, "qb")
    except getopt.GetoptError:
        return CdLine(frozenset(), line, "has an option IPython's `%cd` does not take (it stops with a usage error)")
    flags = frozenset(flag.lstrip("-") for flag, _ in options)
    folder = " ".join(rest)
    if "b" in flags:
        return CdLine(flags, folder, "goes to a bookmark of IPython's profile database (`%bookmark`), which only the machine that set it has; give the folder")
    if folder == "-":
        return CdLine(flags, folder, "goes back to the previous folder of IPython's directory history (`_dh`), which the package does not keep; give the folder")
    return CdLine(flags, folder)


def cd_operand(args: str) -> str:
    """The folder a `%cd`/`%pushd` line names (`%cd -q "data"` → `data`); `-`, `-3` and `--name`
    (IPython's folder history) as written."""
    return read_cd_line(args).folder


_MAGIC_NAME = re.compile(r"%{1,2}([A-Za-z_][\w.]*)")
_ASSIGN_MAGIC = re.compile(r"^(?P<indent>\s*)(?P<target>[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*=\s*(?P<rhs>[!%].*)$")
# IPython's own help syntax: `?obj`, `??obj` (escape) and `obj?`, `obj.attr??`, `obj[0]?` (help-end,
# the same pattern as `IPython.core.inputtransformer2._help_end_re`). `print(x)?` is not help.
_HELP_END = re.compile(r"^\s*(?P<target>%{0,2}(?!\d)[\w*]+(?:\.(?!\d)[\w*]+|\[[0-9]+\])*)\?\??$")
_HELP_ESCAPE = re.compile(r"^\s*\?\??\s*(?P<target>\S.*?)\s*$")
_AUTOMAGIC = re.compile(r"^(?P<indent>\s*)(?P<name>[A-Za-z_]\w*)(?P<rest>(?:\s+|(?=[^\w\s.]))(?P<args>.*))?$")
# IPython's AssignmentChecker: a one-line cell whose name is followed by `=` or `,` is Python.
_ASSIGNMENT_REST = re.compile(r"^\s*[=,]")
# In a cell of several lines, IPython 8 applies no automagic at all (dynamic transforms only run on
# one-line cells), so there a line is only taken as an automagic when it cannot be meant as Python:
# the arguments must not start with an operator (IPython's PythonOpsChecker set, plus `[`, `:`,
# `;`, `.name`, `-` or `/` followed by a space or a digit, and the operator keywords). `ls -la`,
# `cd /tmp`, `cd ..` and `pip install x` are automagics; `ls - la`, `pip == 1`, `time(1)` are Python.
_PYTHON_CONTINUATION = re.compile(
    r"^\s*(?:[!=()<>,+*%^&|\[:;@]|\.(?=[A-Za-z_])|[-/](?=[\s\d.=]|$)|(?:in|is|and|or|if|else|for|not)\b)"
)


@dataclass(frozen=True)
class MagicLine:
    """An IPython line (a magic, a shell command, help) masked out of a cell's Python."""

    line: int  # 1-based line in the cell
    kind: str  # cell_magic | line_magic | shell | help | automagic
    name: str  # magic name (`pip`, `run`, `time`), or the shell program (`pip`, `ls`)
    args: str
    text: str  # the original line, verbatim
    assigned_to: tuple[str, ...] = ()  # `files = !ls` binds `files`


@dataclass(frozen=True)
class MaskedCell:
    """A cell as plain Python, line for line, with the IPython lines it masked."""

    python: str  # the cell as plain Python, line-for-line with the original
    magics: tuple[MagicLine, ...]
    cell_magic: Optional[str] = None  # `bash` for a `%%bash` cell
    is_python: bool = True  # False for `%%bash`, `%%html`, `%%writefile`… bodies
    dedent: int = 0  # a uniform leading indent IPython strips (columns of those lines shift by it)


def mask_cell(
    source: str, shadowed: Collection[str] = (), python_cell_magics: Collection[str] = (), loaded_magics: Collection[str] = ()
) -> MaskedCell:
    """`loaded_magics`: line magics of extensions a `%load_ext` above loaded (`EXTENSION_MAGICS`),
    automagics like the built-in ones. `shadowed`: names the notebook binds as Python variables. IPython never runs a magic through
    automagic when the user namespace shadows its name (`history = model.fit(...)`, then a cell
    holding just `history`); the caller knows the namespace, the masker only sees one cell.
    `python_cell_magics`: cell magics the notebook registers itself whose body they run as Python
    (`%%backend torch` whose function calls `get_ipython().run_cell(cell)`)."""
    lines = source.split("\n")
    # IPython (its `leading_indent` input transformer) strips the indent of the first code line
    # from every line that starts with it: a cell pasted from inside a function runs as is. The
    # masked Python keeps the line numbers; its columns on those lines are `dedent` to the left.
    first_code = _first_code_line(lines)
    dedent = 0
    if first_code is not None:
        indent = lines[first_code][: len(lines[first_code]) - len(lines[first_code].lstrip(" \t"))]
        if indent:
            dedent = len(indent)
            lines = [line[dedent:] if line.startswith(indent) else line for line in lines]
    if first_code is not None:
        lines = lines[:first_code] + _strip_prompts(lines[first_code:])
    code_lines = [line for line in lines if line.strip()]
    one_line_cell = len(code_lines) == 1
    magics: list[MagicLine] = []
    out = list(lines)

    first = _first_code_line(lines)
    cell_magic: Optional[str] = None
    if first is not None and lines[first].lstrip().startswith("%%"):
        header = lines[first].strip()
        name, _, args = header[2:].partition(" ")
        cell_magic = name
        magics.append(MagicLine(first + 1, "cell_magic", name, args.strip(), lines[first]))
        if name not in PYTHON_BODY_CELL_MAGICS and name not in python_cell_magics:
            # %%bash, %%html, %%writefile…: the body is not Python; keep it out of the parser.
            return MaskedCell("\n".join("" for _ in lines), tuple(magics), cell_magic, is_python=False, dedent=dedent)
        # `%%capture` (or `%%time`…) runs its body as a cell: a second cell magic on the body's first
        # line is that cell's magic (`%%capture` then `%%cython -a`: the rest is Cython, not Python).
        inner = first
        while True:
            inner = _first_code_line(lines, inner + 1)
            if inner is None or not lines[inner].lstrip().startswith("%%"):
                break
            name = lines[inner].strip()[2:].partition(" ")[0]
            if name not in PYTHON_BODY_CELL_MAGICS and name not in python_cell_magics:
                stacked = []
                for i in range(first + 1, inner + 1):
                    if lines[i].lstrip().startswith("%%"):
                        each, _, each_args = lines[i].strip()[2:].partition(" ")
                        stacked.append(MagicLine(i + 1, "cell_magic", each, each_args.strip(), lines[i]))
                return MaskedCell("\n".join("" for _ in lines), tuple(magics + stacked), name, is_python=False, dedent=dedent)
        out[first] = "pass"
        start = first + 1
    else:
        start = 0

    in_string: Optional[str] = None
    depth = 0
    continued = False
    if not loaded_magics and not _maybe_magic("\n".join(lines[start:])):
        start = len(lines)  # no line can be masked: nothing to scan (most cells)
    for i in range(start, len(lines)):
        line = lines[i]
        at_statement_start = in_string is None and depth == 0 and not continued
        if at_statement_start:
            replaced = _mask_line(line, i + 1, magics, one_line_cell, shadowed, lines, loaded_magics)
            if replaced is not None:
                out[i] = replaced
                continued = line.rstrip().endswith("\\")
                # A magic line continued with a backslash swallows the next lines too.
                j = i
                while continued and j + 1 < len(lines):
                    j += 1
                    out[j] = ""
                    continued = lines[j].rstrip().endswith("\\")
                continue
        in_string, depth, continued = _scan(line, in_string, depth)
    masked = "\n".join(out)
    if cell_magic is None and first is not None:
        single = _single_percent_cell_magic(lines, first, masked)
        if single is not None:
            return MaskedCell("\n".join("" for _ in lines), (MagicLine(first + 1, "cell_magic", *single, lines[first]),),
                              single[0], is_python=False, dedent=dedent)
    return MaskedCell(masked, tuple(magics), cell_magic, is_python=True, dedent=dedent)


# A line `_mask_line` can mask starts (after blanks) with `!`, `?`, `%` or an autocall escape
# (`,` `;` `/`), ends with `?` (help), binds `= !…`/`= %…`, or starts with an automagic's name; a
# backslash continuation carries each of these on a line of its own. (Blanks as `str.lstrip` strips
# them, never across a line end: no run of blank lines is scanned twice.) A cell none of whose lines
# does (under no extension's magics) is its Python as it stands: `mask_cell` skips the line loop
# and its string and bracket scan. A superset of `_mask_line`'s cases, so never a masked line missed
# (`tests/test_rule_indexes.py` holds it to the loop on every fixture cell).
#
# Until the twenty-eighth round one pattern, `^[^\S\n]*[!?%,;/]|\?[^\S\n]*$|=[^\S\n]*[!%]|^[^\S\n]*(?:<the
# automagics>)\b` (MULTILINE), which `re` tried at every character of every cell (it starts with
# no literal) and, at each line start, against the 52 names one by one. `_maybe_magic` asks the
# same with four patterns: the first line's start (`match`), each later line's after its `\n` (a
# literal, which `re` finds without trying each character), a `?` and a `=`; the names grouped by
# their first letter. PDSH's and the fixtures' 5,407 code cells: 21.4 -> 6.1 ms natively.
# (`tests/test_rule_indexes.py` holds it to the single pattern on every fixture cell.)
def _by_first_letter(names: Collection[str]) -> str:
    """An alternation of `names` as `(?:a(?:lias|utoreload)|c(?:at|d|…)|…)`: each alternative's
    first letter tells at once whether the rest is tried (the longer names first, as before)."""
    groups: dict[str, list[str]] = {}
    for name in sorted(names, key=lambda n: (-len(n), n)):
        groups.setdefault(name[0], []).append(re.escape(name[1:]))
    return "(?:" + "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in sorted(groups.items())) + ")"


_MAGIC_LINE_START = r"[^\S\n]*(?:[!?%,;/]|" + _by_first_letter(AUTOMAGICS) + r"\b)"
_FIRST_LINE_MAGIC = re.compile(_MAGIC_LINE_START)  # (`match`: at the text's start)
_LATER_LINE_MAGIC = re.compile("\n" + _MAGIC_LINE_START)
_HELP_AT_LINE_END = re.compile(r"\?[^\S\n]*$", re.MULTILINE)
_MAGIC_ASSIGNED = re.compile(r"=[^\S\n]*[!%]")


def _maybe_magic(text: str) -> bool:
    """Whether a line of `text` may be one `_mask_line` masks (see above)."""
    return (
        _FIRST_LINE_MAGIC.match(text) is not None
        or _LATER_LINE_MAGIC.search(text) is not None
        or _HELP_AT_LINE_END.search(text) is not None
        or _MAGIC_ASSIGNED.search(text) is not None
    )


# Cell magics whose body is another language. Written with one `%` alone on a cell's first line
# (`%bash` then shell lines), such a cell ran as that cell magic where it was saved (Google's
# Datalab kernels register `%bash` as a line-and-cell magic; its outputs are the body's), and the
# body is not Python either way: not a syntax error of the notebook.
OTHER_LANGUAGE_CELL_MAGICS = frozenset(
    {"bash", "sh", "script", "html", "javascript", "js", "latex", "markdown", "svg", "perl", "ruby", "sql", "bigquery"}
)
# Databricks language magics: alone on a cell's first line they make the whole cell shell, file
# system, SQL, Scala, R or Markdown there; IPython has no such line magics, so a bare header with a
# body below has no Python meaning to weigh against (`%sh` then `ls`, which would also parse).
BARE_HEADER_CELL_LANGUAGES = frozenset({"sh", "fs", "sql", "scala", "r", "md"})


def _single_percent_cell_magic(lines: list[str], first: int, masked: str) -> Optional[tuple[str, str]]:
    """(name, args) when the first code line is `%bash` (or another other-language cell magic with
    one `%`), code lines follow, and the cell as masked is not valid Python; else None."""
    header = lines[first].strip()
    match = _MAGIC_NAME.match(header)
    if not header.startswith("%") or header.startswith("%%") or match is None:
        return None
    name = match.group(1)
    if name not in OTHER_LANGUAGE_CELL_MAGICS | BARE_HEADER_CELL_LANGUAGES or not any(line.strip() for line in lines[first + 1 :]):
        return None
    if name in BARE_HEADER_CELL_LANGUAGES and match.end() == len(header):
        return name, ""
    try:
        compile(masked, "<cell>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError):
        return match.group(1), header[match.end():].strip()
    return None  # `%sql SELECT 1` on its line, then Python: a line magic and Python, as written


# IPython's `classic_prompt` and `ipython_prompt` input transformers (run after `leading_indent`):
# code pasted from a console or from documentation with its `>>> `/`... ` or `In [1]: `/`   ...: `
# prompts runs as if typed without them. As IPython does, the prompts are stripped from every line
# when the first code line carries an initial prompt or the line after it carries any prompt; the
# `... ` of a plain Python console is only a prompt then (alone, `...` is Ellipsis). Line numbers
# stay; the columns of a stripped line shift left by its prompt's width.
_CLASSIC_PROMPT = re.compile(r"^(>>>|\.\.\.)( |$)")
_CLASSIC_INITIAL = re.compile(r"^>>>( |$)")
_IPYTHON_PROMPT = re.compile(r"^(((\[nav\]|\[ins\])? )?In \[\d+\]: |\s*\.{3,}: ?)")


def _strip_prompts(lines: list[str]) -> list[str]:
    """`lines` from the first code line on, as IPython's two prompt strippers leave them."""
    for prompt, initial in ((_CLASSIC_PROMPT, _CLASSIC_INITIAL), (_IPYTHON_PROMPT, _IPYTHON_PROMPT)):
        if lines and (initial.match(lines[0]) or (len(lines) > 1 and prompt.match(lines[1]))):
            lines = [prompt.sub("", line, count=1) for line in lines]
    return lines


def _first_code_line(lines: list[str], start: int = 0) -> Optional[int]:
    for i in range(start, len(lines)):
        if lines[i].strip():
            return i
    return None


def _continued(line: str, lineno: int, lines: Sequence[str]) -> str:
    """A magic or shell line ended by a backslash goes on on the next line (IPython joins them)."""
    parts = [line.rstrip()]
    j = lineno - 1
    while parts[-1].endswith("\\") and j + 1 < len(lines):
        parts[-1] = parts[-1][:-1].rstrip()
        j += 1
        parts.append(lines[j].strip())
    if parts[-1].endswith("\\"):
        parts[-1] = parts[-1][:-1].rstrip()
    return " ".join(p for p in parts if p)


def _mask_line(
    line: str,
    lineno: int,
    magics: list[MagicLine],
    one_line_cell: bool = False,
    shadowed: Collection[str] = (),
    lines: Sequence[str] = (),
    loaded_magics: Collection[str] = (),
) -> Optional[str]:
    original = line
    if line.rstrip().endswith("\\") and lines:
        line = _continued(line, lineno, lines)
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if not stripped or stripped.startswith("#"):
        return None
    if stripped.startswith("!"):
        command = stripped.lstrip("!").strip()
        program = command.split()[0] if command.split() else ""
        magics.append(MagicLine(lineno, "shell", program, command, original))
        return indent + "pass"
    if _HELP_ESCAPE.match(stripped) and stripped.startswith("?"):
        magics.append(MagicLine(lineno, "help", _HELP_ESCAPE.match(stripped).group("target").lstrip("%"), "", original))
        return indent + "pass"
    help_end = _HELP_END.match(line.rstrip("\r"))
    if help_end:
        magics.append(MagicLine(lineno, "help", help_end.group("target").lstrip("%"), "", original))
        return indent + "pass"
    autocall = _autocall_escape(stripped)
    if autocall is not None:
        return indent + autocall
    if stripped.startswith("%"):
        match = _MAGIC_NAME.match(stripped)
        name = match.group(1) if match else ""
        args = stripped[match.end():].strip() if match else ""
        magics.append(MagicLine(lineno, "line_magic", name, args, original))
        if name in {"time", "timeit", "prun"} and args.startswith("!"):
            # `%time !fasttext -input {f}`: IPython times the shell escape (its argument goes
            # through the same transforms); not Python to keep visible, a shell line to record.
            command = args.lstrip("!").strip()
            magics.append(MagicLine(lineno, "shell", command.split()[0] if command.split() else "", command, original))
            return indent + "pass"
        if name in {"time", "timeit", "prun"} and args and not args.startswith("-"):
            # `%time model.fit(X)` runs its argument as Python: keep it visible to analysis.
            return indent + args
        return indent + "pass"
    assigned = _ASSIGN_MAGIC.match(line)
    if assigned:
        rhs = assigned.group("rhs")
        targets = tuple(t.strip() for t in assigned.group("target").split(","))
        if rhs.startswith("!"):
            command = rhs.lstrip("!").strip()
            program = command.split()[0] if command.split() else ""
            magics.append(MagicLine(lineno, "shell", program, command, original, targets))
        else:
            match = _MAGIC_NAME.match(rhs)
            name = match.group(1) if match else ""
            args = rhs[match.end():].strip() if match else ""
            magics.append(MagicLine(lineno, "line_magic", name, args, original, targets))
        placeholder = "None" if len(targets) == 1 else "(" + ", ".join("None" for _ in targets) + ")"
        return f"{indent}{assigned.group('target')} = {placeholder}"
    auto = _AUTOMAGIC.match(line)
    if auto is None or (auto.group("name") not in AUTOMAGICS and auto.group("name") not in loaded_magics) or auto.group("name") in shadowed:
        return None
    name = auto.group("name")
    rest = auto.group("rest") or ""
    args = (auto.group("args") or "").strip()
    if args.startswith("#"):
        args, rest = "", ""
    if one_line_cell:
        # Exactly IPython 8's prefilter for a one-line cell: a magic name not followed by `=`/`,`.
        if _ASSIGNMENT_REST.match(rest):
            return None
    elif not args or _PYTHON_CONTINUATION.match(args):
        # Several lines: a bare name (`pwd`) or an operator after it is Python, as IPython 8 reads it.
        return None
    magics.append(MagicLine(lineno, "automagic", name, args, original))
    return indent + "pass"


# IPython's autocall escapes (`IPython.core.inputtransformer2`, ESC_QUOTE / ESC_QUOTE2 / ESC_PAREN):
# a statement whose first token is `,`, `;` or `/` is a call. `;f a b` runs `f("a b")`, `,f a b`
# runs `f("a", "b")`, `/f a b` runs `f(a, b)`; a line holding only `;` runs `("")`, an idiom of
# older notebooks for hiding a plot cell's last repr. `//` and `/=` are other tokens: not escapes.
_AUTOCALL_ESCAPE = re.compile(r"^(?P<escape>[,;]|/(?![/=]))(?P<content>.*)$")


def _autocall_escape(stripped: str) -> Optional[str]:
    """The Python IPython runs for an autocall-escaped statement (as its `_tr_quote*`/`_tr_paren`
    write it), or None when the line is not one. A translation that is still not Python (`;f "a`)
    becomes `pass`: the line is IPython syntax either way, not the notebook's syntax error."""
    match = _AUTOCALL_ESCAPE.match(stripped.rstrip("\r"))
    if match is None:
        return None
    name, _, args = match.group("content").partition(" ")
    escape = match.group("escape")
    if escape == ",":
        call = '%s("%s")' % (name, '", "'.join(args.split()))
    elif escape == ";":
        call = '%s("%s")' % (name, args)
    else:
        call = "%s(%s)" % (name, ", ".join(args.split()))
    try:
        compile(call, "<autocall>", "eval", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError):
        return "pass"
    return call
# `_scan` jumps from one character that can matter to the next instead of stepping through each:
# outside a string only quotes, `#` and brackets do; inside a string only a backslash and its quote.
_SCAN_OUTSIDE = re.compile(r"[#\"'()\[\]{}]")
_SCAN_INSIDE = {'"': re.compile(r'[\\"]'), "'": re.compile(r"[\\']")}  # by the string's quote


def _scan(line: str, in_string: Optional[str], depth: int) -> tuple[Optional[str], int, bool]:
    """Track open triple-quoted strings and brackets across lines (just enough to not mask
    `%` or `!` lines that are inside a string or a bracketed expression)."""
    i = 0
    n = len(line)
    while i < n:
        if in_string:
            m = _SCAN_INSIDE[in_string[0]].search(line, i)
            if m is None:
                break
            i = m.start()
            if line[i] == "\\":
                i += 2
                continue
            if line.startswith(in_string, i):
                i += len(in_string)
                in_string = None
                continue
            i += 1
            continue
        m = _SCAN_OUTSIDE.search(line, i)
        if m is None:
            break
        i = m.start()
        ch = line[i]
        if ch == "#":
            break
        if ch in "\"'":
            triple = line[i : i + 3]
            if triple in ('"""', "'''"):
                in_string = triple
                i += 3
                continue
            # single-line string: skip to its end (a backslash escapes the next character)
            inside = _SCAN_INSIDE[ch]
            j = i + 1
            while True:
                m = inside.search(line, j)
                if m is None:
                    j = n
                    break
                j = m.start()
                if line[j] != "\\":
                    break
                j += 2
            i = j + 1
            continue
        if ch in "([{":
            depth += 1
        else:
            depth = max(0, depth - 1)
        i += 1
    continued = in_string is None and line.rstrip().endswith("\\") and not line.lstrip().startswith("#")
    return in_string, depth, continued
