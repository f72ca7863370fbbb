"""Structure: notebooks that cannot be analysed (or compiled) as Python at all."""

from __future__ import annotations

import dataclasses

import ast
import keyword
import re
import sys
import unicodedata
from typing import Iterable, Iterator, Optional

from nbrefactor.audit.analysis import F_STRING_START, CellAnalysis, NotebookFacts, python_312_only_f_string
from nbrefactor.audit.guards import NOT_ANALYSED
from nbrefactor.audit.ipython import PYTHON_BODY_CELL_MAGICS
from nbrefactor.audit.types import Cell, Family, Output, Severity
from nbrefactor.audit.rules import Example, Hit, Rule, RuleContext, and_listed, md
from nbrefactor.audit.rules import code as code_cell  # `code` is each rule's class attribute

# CPython 3's own messages for Python 2 statements, and, for what it only calls "invalid syntax",
# the Python 2 forms on the offending line (backquotes, `<>`, `raise E, "msg"`, `ur""`, `print >>f`).
_PY2_MESSAGES = (
    "Missing parentheses in call to 'print'",
    "Missing parentheses in call to 'exec'",
    "multiple exception types must be parenthesized",
    "leading zeros in decimal integer literals are not permitted",
    "parameters cannot be parenthesized",
)
# Also a long-integer literal (`seed = 0L`, `0xFFL`: the tokenizer's "invalid decimal literal") and a
# lambda's parenthesised (tuple) parameters, `lambda (k, (n, v)): …`, which 3.11 calls "invalid syntax"
# once they nest.
_PY2_LINE = re.compile(
    r"`[^`\n]+`|<>|^\s*raise\s+[\w.]+\s*,|\bur['\"]|^\s*print\s*>>"
    r"|\b(?:0[xX][0-9a-fA-F]+|\d+)[lL]\b|\blambda\s*\("
)


def python2_syntax(ca: CellAnalysis) -> bool:
    """True when the cell's syntax error is a Python 2 form (`print x`, `except E, e:`…)."""
    problem = ca.facts.syntax_error
    if problem is None or problem.parsed:
        return False
    if any(m in problem.message for m in _PY2_MESSAGES):
        return True
    lines = ca.lines
    text = lines[problem.line - 1] if 0 < problem.line <= len(lines) else ""
    return bool(_PY2_LINE.search(text))


def python2_cells(facts: NotebookFacts) -> tuple[CellAnalysis, ...]:
    """The cells with Python 2 syntax when the notebook is Python 2 — its kernel metadata says
    so, or two or more cells use Python 2 syntax — else none: a single `print x` in a Python 3
    notebook is one syntax error to fix there (STR001), not a notebook to port."""
    cells = tuple(ca for ca in facts.cells if python2_syntax(ca))
    if python2_kernel(facts) is not None or len(cells) >= 2:
        return cells
    return ()


# Builtins of Python 2 that Python 3 removed, with what replaces each.
PYTHON2_BUILTINS = {
    "xrange": "range", "raw_input": "input", "unicode": "str", "basestring": "str", "long": "int",
    "unichr": "chr", "reduce": "functools.reduce", "file": "open", "execfile": "exec(open(path).read())",
    "cmp": "(a > b) - (a < b)", "apply": "f(*args)", "intern": "sys.intern", "reload": "importlib.reload",
}


def is_python2(facts: NotebookFacts) -> bool:
    """The notebook is Python 2 (STR004's test): its kernel metadata says so, or two or more
    cells use Python 2 syntax, or it has no kernel metadata and its code reads a builtin only
    Python 2 has (`python2_names_without_metadata`)."""
    return python2_kernel(facts) is not None or bool(python2_cells(facts)) or python2_names_without_metadata(facts)


# Builtins whose read, undefined, can only mean Python 2 (`long`, `file`, `reduce`, `reload` are also
# everyday names, or a missing import in Python 3 code).
_UNAMBIGUOUS_PYTHON2_BUILTINS = frozenset({"xrange", "raw_input", "unicode", "basestring", "unichr", "execfile"})


def python2_names_without_metadata(facts: NotebookFacts) -> bool:
    """A notebook saved without any kernel metadata (an nbformat 3 file, whose kernel nobody
    recorded) whose code reads `xrange`, `raw_input`, `unicode`, `basestring`, `unichr` or
    `execfile` where no cell defines it: the kernel that ran it was Python 2 (fair check 24, a
    genomics course's `for i in xrange(…)` notebook, which also slices with `len(p) / pieces`)."""
    nb = facts.notebook
    if nb.kernel_name or nb.language_version:
        return False
    return any(name in _UNAMBIGUOUS_PYTHON2_BUILTINS for _, name, _, _ in _undefined_python2_builtin_reads(facts))


def python2_builtin_reads(facts: NotebookFacts) -> list[tuple[CellAnalysis, str, int, Optional[int]]]:
    """In a Python 2 notebook, the first read per cell and name of a Python 2 builtin no cell
    defines (`xrange`, `unicode`, `raw_input`…), as (cell, name, line, column): builtins of the
    notebook's own kernel, undefined only once it is ported, which STR004 asks for (HID003 leaves
    them to it)."""
    if not is_python2(facts):
        return []
    return _undefined_python2_builtin_reads(facts)


def _undefined_python2_builtin_reads(facts: NotebookFacts) -> list[tuple[CellAnalysis, str, int, Optional[int]]]:
    bound: set[str] = set()
    for ca in facts.cells:
        f = ca.facts
        bound |= {d.name for d in (*f.defined, *f.functions, *f.classes)} | {i.bound for i in f.imports}
    found = []
    for ca in facts.cells:
        seen: set[str] = set()
        for r in sorted((*ca.facts.reads, *ca.facts.deferred_reads), key=lambda r: (r.line, r.column or 0)):
            if r.name in PYTHON2_BUILTINS and r.name not in bound and r.name not in seen:
                seen.add(r.name)
                found.append((ca, r.name, r.line, r.column))
    return found


# Modules only Python 2 has (renamed or merged in Python 3), and dict methods Python 3 removed:
# code using them parses as Python 3 but fails there.
PYTHON2_MODULES = {
    "urllib2": "urllib.request", "cPickle": "pickle", "StringIO": "io", "cStringIO": "io", "ConfigParser": "configparser",
    "Queue": "queue", "Tkinter": "tkinter", "__builtin__": "builtins", "urlparse": "urllib.parse", "HTMLParser": "html.parser",
    "httplib": "http.client", "commands": "subprocess",
}
PYTHON2_METHODS = {"iteritems": "items", "itervalues": "values", "iterkeys": "keys", "has_key": "in"}
# Functions of modules both Pythons have that only Python 2's module holds (`import urllib` then
# `urllib.urlretrieve(url, name)`): the module imports on Python 3, the call raises AttributeError.
PYTHON2_FUNCTIONS = {
    "urllib.urlretrieve": "urllib.request.urlretrieve", "urllib.urlopen": "urllib.request.urlopen",
    "urllib.urlencode": "urllib.parse.urlencode", "urllib.quote": "urllib.parse.quote",
    "urllib.quote_plus": "urllib.parse.quote_plus", "urllib.unquote": "urllib.parse.unquote",
    "itertools.izip": "zip", "itertools.imap": "map", "itertools.ifilter": "filter",
    "itertools.izip_longest": "itertools.zip_longest", "os.getcwdu": "os.getcwd", "string.maketrans": "str.maketrans",
}


def python2_only_uses(facts: NotebookFacts) -> list[tuple[CellAnalysis, str, int, Optional[int]]]:
    """In a Python 2 notebook, imports of modules only Python 2 has (`urllib2`, `cPickle`), calls
    of dict methods Python 3 removed (`.iteritems()`, `.has_key()`) and of functions only Python 2's
    module holds (`urllib.urlretrieve`), as (cell, what, line, column): code that parses as Python 3
    but fails there."""
    if not is_python2(facts):
        return []
    found = []
    for ca in facts.cells:
        for i in ca.facts.imports:
            if i.level == 0 and i.top_level in PYTHON2_MODULES:
                found.append((ca, i.top_level, i.line, i.column))
        for c in ca.facts.calls:
            if c.receiver and c.method in PYTHON2_METHODS:
                found.append((ca, f".{c.method}()", c.line, c.column))
            elif c.func and c.func.partition(".")[0] in facts.aliases and facts.resolve(c.func) in PYTHON2_FUNCTIONS:
                found.append((ca, facts.resolve(c.func), c.line, c.column))
    return found


def _has_content(output: Output) -> bool:
    """The output holds something a run printed or returned (not an empty stream)."""
    return bool(output.text.strip() or output.data or output.mime_types or output.output_type == "error")


def python2_kernel(facts: NotebookFacts) -> Optional[str]:
    """What the metadata says when it says Python 2 (`python2` kernel, `2.7.18`), else None."""
    nb = facts.notebook
    if nb.language_version.startswith("2."):
        # Evidence of a Python 2 run is a saved output with content: execution counts beside
        # empty outputs (`"text": []` in every stream, fair check 21) are a stripped or generated
        # notebook, whose counts say nothing about which interpreter ran.
        shown = any(_has_content(o) for c in nb.code_cells for o in c.outputs)
        if nb.kernel_name.lower().startswith(("python3", "py3")) and (not shown or not _code_says_python2(facts)):
            # A `python3` kernelspec and a stale 2.x language_info (some notebook generators write
            # a default `2.7.6`/`ipython2` block) on a notebook no output of which came from a
            # run: Jupyter, papermill and nbconvert start the python3 kernel. With saved outputs
            # too, unless the code itself is Python 2 (fair check 40, items 159-161: annotations,
            # f-strings, `{0, 1}` printed for a set, ModuleNotFoundError: Python 3 ran them).
            return None
        return f"language version {nb.language_version}"
    if nb.kernel_name.lower() in {"python2", "python27", "py27", "python2.7"} and not nb.language_version.startswith("3"):
        # A `python2` kernelspec beside a 3.x language_info version: the kernel that saved the
        # notebook was Python 3 (old Kubeflow/GCP images named their Python 3 kernel `python2`);
        # only the name is stale. Python 2 syntax in its cells still makes it Python 2 (two cells).
        return f"kernel {nb.kernel_name}"
    return None


def _code_says_python2(facts: NotebookFacts) -> bool:
    """The code itself is Python 2: a cell fails on Python 2 syntax (`print x`), or reads a
    builtin only Python 2 has (`xrange`, `raw_input`…) that no cell defines, or imports a module
    only Python 2 has (`urllib2`, `cPickle`…) or calls a dict method Python 3 removed (`.iteritems()`)."""
    if any(python2_syntax(ca) for ca in facts.cells):
        return True
    if any(name in _UNAMBIGUOUS_PYTHON2_BUILTINS for _, name, _, _ in _undefined_python2_builtin_reads(facts)):
        return True
    for ca in facts.cells:
        if any(i.level == 0 and i.top_level in PYTHON2_MODULES for i in ca.facts.imports):
            return True
        if any(c.receiver and c.method in PYTHON2_METHODS for c in ca.facts.calls):
            return True
        if _PRINT_OF_VALUES.search(ca.cell.source) and any(
                o.output_type == "stream" and _PRINTED_TUPLE.search(o.text) for o in ca.cell.outputs):
            return True  # `print("score:", score)` saved as `('score:', 3.0)`: Python 2's print statement ran it
    return False


# A `print(a, b)` of several values, and a saved line that is the tuple Python 2's print statement shows for it.
_PRINT_OF_VALUES = re.compile(r"\bprint\s*\([^()\n]*,")
_PRINTED_TUPLE = re.compile(r"(?m)^\(u?(?:'[^'\n]*'|\"[^\"\n]*\"), ")


def _python3_metadata(facts: NotebookFacts) -> Optional[str]:
    """What the metadata says when it says Python 3 (`language version 3.6.5`, `kernel python3`), else None."""
    nb = facts.notebook
    if nb.language_version.startswith("3"):
        return f"language version {nb.language_version}"
    if nb.kernel_name.lower().startswith(("python3", "py3")):
        return f"kernel {nb.kernel_name}"
    return None


# The tokenizer's messages for a character Python cannot read: "invalid non-printable character
# U+00A0", "invalid character '’' (U+2019)".
# What Markdown looks like where Python fails to parse: an HTML comment or tag, an image or a link
# (`[Paella](https://…)`), emphasis, a list item or a quote followed by prose.
_MARKDOWN_LINE = re.compile(
    r"^\s*(?:<!--|</?[A-Za-z][\w-]*(?:\s[^>]*)?>|!\[|\*\*\w|>\s\w|[-*+]\s+[A-Za-z]|\d+\.\s+[A-Za-z])"
    r"|\[[^\]\n]+\]\((?:https?://|#|\.{0,2}/)"
)
_HEADING = re.compile(r"^\s*#{1,6}\s+\S")


def _blank_code(source: str) -> bool:
    """Only blank lines and comments."""
    return all(not line.strip() or line.lstrip().startswith("#") for line in source.split("\n"))


def _holds_markdown(ca: CellAnalysis, line: int) -> bool:
    """A Markdown cell saved as a code cell: it starts with a `# heading` (a comment to Python) and
    the line Python stops at reads as Markdown (`<!-- … -->`, `[text](https://…)`, a list item)."""
    lines = ca.lines
    first = next((text for text in lines if text.strip()), "")
    return bool(_HEADING.match(first)) and 0 < line <= len(lines) and bool(_MARKDOWN_LINE.search(lines[line - 1]))


_INVALID_CHARACTER = re.compile(r"invalid (?:non-printable )?character.*?U\+(?P<point>[0-9A-Fa-f]{4,6})")
# What each usual pasted character stands for in code.
_REPLACEMENT = {
    "00A0": "an ordinary space", "2002": "an ordinary space", "2003": "an ordinary space", "2009": "an ordinary space",
    "200B": "nothing", "FEFF": "nothing",
    "2018": "a straight quote (')", "2019": "a straight quote (')", "201C": 'a straight quote (")', "201D": 'a straight quote (")',
    "2013": "a minus sign (-)", "2014": "a minus sign (-)", "2212": "a minus sign (-)",
}


def _cells(indices: list[int]) -> str:
    """`7`, `7 and 9`, `3, 5 and 8`, `3, 5, 8 and 2 more`."""
    if len(indices) <= 3:
        return ", ".join(str(i) for i in indices[:-1]) + (" and " if len(indices) > 1 else "") + str(indices[-1])
    return ", ".join(str(i) for i in indices[:3]) + f" and {len(indices) - 3} more"


# An exercise template's blank: the line the parser stops at holds a `# TODO` / `'''TODO'''` /
# `[TODO …]` marker (`matrix = # TODO`), or is an assignment with nothing right of `=` next to a
# TODO comment. The course's student notebook is made not to parse until it is filled in. Courses
# also mark the blank in words: `# your code here`, `# your code goes here`, `# write your code`,
# `# your code. Please, use …`, `# <YOUR CODE>`, and an assignment whose right side is only a comment
# addressed to the student (`seed = # your favourite seed`).
# Also in French, Spanish, German, Portuguese and Italian (`# Votre code ici`), and a graded template's
# `# --- START CODE HERE (08)` / `# --- END CODE HERE` markers around the blank (fair check 40, items 155-156).
_TODO = re.compile(r"\bTODO\b|(?i:\byour (?:\w+ ){1,2}here\b|\b(?:write )?your code\b|=\s*#\s*your\b"
                   r"|\b(?:votre|ton) code\b|\b(?:tu|su) c[óo]digo\b|\b(?:dein|ihr) code\b|\bseu c[óo]digo\b"
                   r"|\bil tuo codice\b|\b(?:start|end) code here\b)")
# A blank left as a placeholder in angle brackets where an expression must start (`g_loss =
# <generator loss>`, `<build the encoder here>` on a line of its own, `submit(model, <YOUR_EMAIL>)`):
# `<` can never follow `=`, `(`, `,`, `[`, `{`, `:` or begin a statement in Python, so such a line
# is a blank to fill in, not a typo. (`your … here` covers `### YOUR TOKEN HERE` as `TODO` does.)
# `return <YOUR CODE: …>` and an empty `<>` right of `=` (`freq=<>  # every 2 steps`) are blanks too.
_PLACEHOLDER = re.compile(r"(?:^\s*|[=(,\[{:]\s*|^\s*return\s+)<\s*[A-Za-z_][\w .,|()'\"-]*>?|[=(,]\s*<>\s*(?:[,)#]|$)")
# ... but not an HTML tag of Markdown saved as a code cell (`<div>`, `<img src="…">`, `<br/>`).
_HTML_TAG = re.compile(r"</?[a-z][a-z0-9]*(?:\s+[\w-]+=[^>]*)?\s*/?>")
# (A target may hold a quoted key: `data["TravelTime"] = `.)
_EMPTY_RIGHT_SIDE = re.compile(r"^(?:[^#'\"]|\"[^\"\n]*\"|'[^'\n]*')*[^=<>!:+\-*/%&|^@]=\s*(?:#.*)?$")
# A value left out where the line needs one: nothing (or only a comment) right of an assignment's or
# a keyword argument's `=`, or a `,`/`)` straight after it (`sc.pp.filter_cells(adata, min_counts = )`).
# A `?` standing where a value goes (`batch_size = ?`, `f(x, ?)`), outside strings and comments: a
# question put to the learner, never Python (IPython's `obj?` help lines are masked before parsing).
_QUESTION_BLANK = re.compile(r"(?:^|[=(,\[]\s*)\?\s*(?:[,)\]]|$)")
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")


def _question_blank(text: str) -> bool:
    """Does the line leave a `?` where a value goes (`batch_size = ?`, fair check 29, item 153)?"""
    return bool(_QUESTION_BLANK.search(_QUOTED.sub("''", text).split("#", 1)[0].rstrip()))


_EMPTY_VALUE = re.compile(r"(?<![=<>!:+\-*/%&|^@])=\s*(?:#.*)?$|(?<![=<>!:+\-*/%&|^@])=\s*[,)]")
# A compound statement's header whose expression is left out (`for estimator in :`, `if :`, `while :`): a blank
# where the loop's iterable or the condition goes, never Python nor text of another language (fair check 48,
# item 156: an exercise template's `for cv_ix, estimator_ in :` under `# CODE HERE`, beside its `cv = ` blanks).
_EMPTY_HEADER = re.compile(r"^\s*(?:(?:async\s+)?for\s+[^:#]+?\s+in|if|elif|while|with)\s*:\s*(?:#.*)?$")
# A workshop's numbered prompt above the blank (`# Task 10: Build a GBM model`, then `data_gbm = `)
# marks it as `# TODO` does (fair check 13: an H2O template's six blanks under `# Task N:`).
_TASK_PROMPT = re.compile(r"^\s*#+\s*(?:task|exercise)\s*\d+\b", re.IGNORECASE)
# A notebook named as an exercise template (`airlines_demo_template`, `01_exercises`): an
# assignment with nothing right of `=` there is a blank even without a marker.
_EXERCISE_NOTEBOOK = re.compile(r"(?:^|[\W_])(?:exercises?|template)$", re.IGNORECASE)


def exercise_notebook(path: str) -> bool:
    """Is the notebook named as an exercise template (its file name, without `.ipynb`, ends in
    `template`, `exercise` or `exercises`)?"""
    stem = path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return _EXERCISE_NOTEBOOK.search(stem.strip()) is not None


# A graded template's blanks are `None` where a name must stand (`def None():`, `layer.None(…)`,
# `None = None`), between `### START CODE HERE ###` and `### END CODE HERE ###`: `None` is a
# keyword there, so the cell does not parse until the learner fills the names in.
_NONE_BLANK = re.compile(r"\b(?:def|class|for|as|import|lambda)\s+None\b|\.\s*None\b|^\s*None\s*(?:,\s*None\s*)*=(?!=)")
_CODE_HERE = re.compile(r"(?i)#+\s*START CODE HERE\b")
_ELLIPSIS_ITEM = re.compile(r"^\s*(?:\w+(?:\.\w+)*\(\.\.\.\)|\.\.\.),?\s*(?:#.*)?$")
_EMPTY_BLOCK = re.compile(r"expected an indented block after .* on line (\d+)")


_DEMO_LINES = 5  # a demonstration is a line or two (`df.Engine HP`), not a program
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _error_demo(
    ca: CellAnalysis, line: int, cells: "list[CellAnalysis] | tuple[CellAnalysis, ...]", notebook: "tuple[Cell, ...]" = (),
) -> Optional[CellAnalysis]:
    """The cell below that writes, as valid Python, what this short cell shows failing to parse:
    a tutorial's `df.Engine HP` saved with its SyntaxError, then `df['Engine HP']` (the same words
    in the same order, within the next 2 code cells); or, when the Markdown cell right below it
    names the syntax error (`Erreur de syntaxe : la seconde apostrophe…`), one of the next 2 code
    cells that starts with the failing line's first two words (`'l'apostrophe, quelle catastrophe'`,
    then `"l'apostrophe, aucun problème"`: fair check 40, item 154). None when the cell is not such
    a demonstration: longer than `_DEMO_LINES` lines of code, or saved without a SyntaxError."""
    code_lines = [text for text in ca.lines if text.strip() and not text.lstrip().startswith("#")]
    if not code_lines or len(code_lines) > _DEMO_LINES:
        return None
    if not any(o.output_type == "error" and o.name.split(":", 1)[0].strip() == "SyntaxError" for o in ca.cell.outputs):
        return None
    words = [_unkeyworded(w) for w in _WORD.findall(ca.lines[line - 1])]
    if len(words) < 2:
        return None
    following = [c for c in cells if c.cell.index > ca.cell.index][:2]
    for below in following:
        if below.facts.syntax_error is not None:
            continue
        found = [w for w in map(_unkeyworded, _WORD.findall(below.cell.source)) if w in words]
        # every word of the failing line, in its order, in the cell below
        position = 0
        for word in found:
            if position < len(words) and word == words[position]:
                position += 1
        if position == len(words):
            return below
    after = next((c for c in notebook if c.index > ca.cell.index), None)
    if after is not None and after.cell_type == "markdown" and _NAMES_SYNTAX_ERROR.search(after.source):
        for below in following:
            if below.facts.syntax_error is None and _WORD.findall(below.cell.source)[:2] == words[:2]:
                return below
    return None


def _unkeyworded(word: str) -> str:
    """A keyword with PEP 8's trailing underscore (`class_`) as the keyword it stands for: a lesson's `class='cats'`,
    saved with its SyntaxError, is written `class_='cats'` in the cell below (fair check 31, item 160)."""
    return word[:-1] if word.endswith("_") and keyword.iskeyword(word[:-1]) else word


# A lesson's words announcing that the code below fails: "These patterns will raise errors.", "this raises a
# SyntaxError", or a first comment `# Errors` (fair check 42, item 159).
_ANNOUNCES_ERROR = re.compile(
    r"(?i)\b(?:will|would|should|to|must|shall|can(?:not)?)\s+(?:raise|throw|give|cause|produce|result in)\s+"
    r"(?:an?\s+|some\s+)?(?:\w+\s+)?(?:errors?|exceptions?)\b|\b(?:raises?|throws?)\s+(?:an?\s+)?\w*error\b")
_ERROR_COMMENT = re.compile(r"(?i)^\s*#+\s*(?:errors?|syntax\s*errors?|this (?:fails|raises|gives)\b.*)\s*[.:!]?\s*$")


def _announced_error(ca: CellAnalysis, notebook: "tuple[Cell, ...]") -> str:
    """What says that this short cell, saved with its SyntaxError, fails on purpose: the Markdown cell right above
    announcing an error ("These patterns will raise errors.") or the cell's first line a comment saying so
    (`# Errors`); "" when nothing does, or the cell is no such demonstration (longer than `_DEMO_LINES` lines
    of code, or saved without a SyntaxError)."""
    code_lines = [text for text in ca.lines if text.strip() and not text.lstrip().startswith("#")]
    if not code_lines or len(code_lines) > _DEMO_LINES:
        return ""
    if not any(o.output_type == "error" and o.name.split(":", 1)[0].strip() == "SyntaxError" for o in ca.cell.outputs):
        return ""
    first = next((text for text in ca.lines if text.strip()), "")
    if _ERROR_COMMENT.match(first):
        return f"its first line says so (`{first.strip()[:60]}`)"
    before = next((c for c in reversed(notebook) if c.index < ca.cell.index), None)
    if before is not None and before.cell_type == "markdown":
        announced = _ANNOUNCES_ERROR.search(before.source) or _NAMES_SYNTAX_ERROR.search(before.source)
        if announced is not None:
            return f"the Markdown cell above says so (`{announced.group(0)}`)"
    return ""


# The parser's messages for a block indented wrongly.
_INDENTATION_ERROR = re.compile(r"expected an indented block|unexpected indent|unindent does not match|unindent amount")


def _indentation_demo(
    ca: CellAnalysis, message: str, cells: "list[CellAnalysis] | tuple[CellAnalysis, ...]",
) -> Optional[CellAnalysis]:
    """The code cell right above when it holds, indented rightly, the very lines this cell fails to indent (every
    non-blank line the same once leading spaces are set aside, a run of that cell's): a lesson's "indents are
    mandatory" shown by repeating the cell with its block dedented (fair check 47, item 157). Copying a cell by
    accident keeps its indentation; breaking only that is the demonstration. None for any other cell."""
    if not _INDENTATION_ERROR.search(message):
        return None
    mine = [text.strip() for text in ca.lines if text.strip()]
    above = next((c for c in reversed(cells) if c.cell.index < ca.cell.index), None)
    if not mine or above is None or above.facts.syntax_error is not None:
        return None
    theirs = [text.strip() for text in above.lines if text.strip()]
    if not any(theirs[start:start + len(mine)] == mine for start in range(len(theirs) - len(mine) + 1)):
        return None
    return above


# A Markdown cell naming a syntax error, in the languages of the tutorials met (fair check 40, item 154).
_NAMES_SYNTAX_ERROR = re.compile(r"(?i)\bsyntax\s*error\b|\berreurs? de syntaxe\b|\bsyntaxfehler\b|\berror(?:es)? de sintaxis\b")


def empty_assignment(text: str) -> bool:
    """`batch_size=` with nothing right of its `=` (an import line aside, `import a, b=` is a typo):
    the blank STR001 reports as "an exercise blank left empty?"."""
    return _EMPTY_RIGHT_SIDE.match(text) is not None and not text.lstrip().startswith(("from ", "import "))


# An operator (or `=`) whose right operand is left out, a comment right after it: `x > ## Your code goes here`.
_OPERAND_LEFT_TO_TODO = re.compile(r"(?:[-+*/%<>=&|^]|\b(?:and|or|not|in|is))\s*#")


# A TODO comment that swallows the closing bracket of the expression it stands in: after an opening
# bracket, a `,`, an `=` or an operator (`model.fit(# YOUR CODE HERE)`, `Dense(# YOUR CODE HERE #),`,
# `SGD(lr=# PUT YOUR LEARNING RATE HERE#, momentum=0.9)`), or alone on the line after an opening
# bracket (`history = model.fit(` then `# Your Code Here)`). The cell cannot parse until it is
# filled; the parser stops wherever the brackets stop matching, often lines below.
_CUT_BY_TODO = re.compile(r"[(\[{,=+\-*/%<>&|^]\s*$")
_CLOSING_IN_COMMENT = re.compile(r"[)\]}]")


def _bracket_left_to_todo(lines: "list[str] | tuple[str, ...]", line: int, message: str = "") -> int:
    """The line, at or above `line` (where the parser stopped), whose TODO comment stands where an
    expression must and holds the bracket that would close it (see `_CUT_BY_TODO`), else 0
    (fair check 30, items 142 and 145: `model.compile(# YOUR CODE HERE)`, reported apart from the
    template's other blanks as "Perhaps you forgot a comma?"). When the parser says a bracket
    "was never closed", `line` is where it opens: the blank is inside it, below (item 142:
    `history = model.fit(`, then `# Your Code Here)`), so the lines below are looked at first."""
    below = range(line + 1, len(lines) + 1) if "was never closed" in message else range(0)
    for number in (*below, *range(min(line, len(lines)), 0, -1)):
        text = _QUOTED.sub("''", lines[number - 1])
        if "#" not in text:
            continue
        code, comment = text.split("#", 1)
        if not (_TODO.search("#" + comment) and _CLOSING_IN_COMMENT.search(comment)):
            continue
        if code.strip():
            if _CUT_BY_TODO.search(code):
                return number
        elif number > 1:
            above = _QUOTED.sub("''", lines[number - 2]).split("#", 1)[0].rstrip()
            if above.endswith(("(", "[", "{", ",")):
                return number
    return 0


def template_blank(ca: CellAnalysis, line: int, message: str = "", exercise: bool = False) -> int:
    """The line that shows the blank when the cell's syntax error at `line` is an exercise blank
    to fill in (see `_TODO`), else 0: the error's line, or the header of a block left to a TODO.
    In a notebook named as an exercise template (`exercise`), an assignment with nothing right of
    its `=` is a blank without any marker."""
    if ca.facts.syntax_error is not None and ca.facts.syntax_error.parsed:
        return 0  # a cell that parses has no blank the parser stopped at (`return x  # TODO` at the top level)
    lines = ca.lines
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if _TODO.search(text):
        return line
    if _NONE_BLANK.search(text) and any(_CODE_HERE.search(l) for l in lines[:line]):
        return line
    placeholder = _PLACEHOLDER.search(text)
    if placeholder is not None and not _HTML_TAG.match(text, text.index("<", placeholder.start())):
        return line
    block = _EMPTY_BLOCK.search(message)
    if block is not None:
        # `def f(x):` whose body is only `# TODO`: the lines between the header and the error.
        header = int(block.group(1))
        body = lines[header:line - 1]
        if any(l.strip().startswith("#") and _TODO.search(l) for l in body):
            return header
        # ... or whose body is only comments under a `### TODO: Write your algorithm.` comment
        # block right above the header (fair check 28, str001-template-blank-not-folded: a
        # project template's `def run_app(img_path):` with only `## handle cases …` inside).
        above: list[str] = []
        for l in reversed(lines[:header - 1]):
            if l.strip() and not l.strip().startswith("#"):
                break
            above.append(l)
        return header if any(l.strip().startswith("#") and _TODO.search(l) for l in above) else 0
    if _ELLIPSIS_ITEM.match(text):
        # `nn.Sequential(nn.Conv2d(...), ...  # your code, …)`: an `...` item standing for the layers
        # to write, next to the comment that asks for them.
        near = lines[max(0, line - 3):line + 2]
        return line if any(l.strip().startswith("#") and _TODO.search(l) for l in near) else 0
    if 1 < line <= len(lines) and _OPERAND_LEFT_TO_TODO.search(lines[line - 2]) and _TODO.search(lines[line - 2]):
        # `where = x > ## Your code goes here` with the call's other arguments on the next line,
        # where the parser stops (fair check 19): the blank is the missing operand above.
        return line - 1
    cut = _bracket_left_to_todo(lines, line, message)
    if cut:
        return cut
    if _EMPTY_RIGHT_SIDE.match(text) or _EMPTY_HEADER.match(text):
        if exercise:
            return line
        near = lines[max(0, line - 3):line - 1] + lines[line:line + 1] + _comment_block_above(lines, line)
        return line if any(
            (l.strip().startswith(("#", "'", '"')) and _TODO.search(l)) or _TASK_PROMPT.match(l) for l in near
        ) else 0
    return 0


def _comment_block_above(lines: list[str], line: int) -> list[str]:
    """The run of comment lines right above the blank at `line`, past other blanks of the run (assignments
    with nothing right of `=`): a `# TODO:` heading a numbered list of steps and a link (fair check 35, item
    156: deepschool's Lesson 15, `# TODO: ` then `# 1. Given x_test predict …`, `# 2. …`, a URL, then
    `p = ` and `idx2 = `) marks the blanks below it however many lines it takes."""
    at = line - 2
    while at >= 0 and _EMPTY_RIGHT_SIDE.match(lines[at]) and not lines[at].strip().startswith("#"):
        at -= 1
    block: list[str] = []
    while at >= 0 and lines[at].strip().startswith("#"):
        block.append(lines[at])
        at -= 1
    return block


# A command-line tool's name then an argument (`docker run …`, `pip install …`, `git clone …`) at
# the start of the line Python stops at (or of the `\`-continued command it belongs to).
_SHELL_COMMAND = re.compile(
    r"^\s*(?:docker|docker-compose|kubectl|helm|pip3?|conda|mamba|git|curl|wget|apt(?:-get)?|brew|npm|npx|yarn|"
    r"gcloud|gsutil|aws|az|sudo|cd|mkdir|export|chmod|tar|unzip|make|bash|sh)\s+[-\w./:$\"']"
)


# Columns of a text table: cells separated by two or more spaces (or a tab).
_TABLE_GAP = re.compile(r" {2,}|\t")


# R's signs in a cell that does not parse as Python: `x <- f(…)` assignments, `library(pkg)` /
# `require(pkg)` loads, an `Rscript` shebang, `pkg::fun` calls.
_R_ASSIGNMENT = re.compile(r"^\s*[A-Za-z.][\w.]*(?:\[[^\]]*\]|\$\w+)?\s*<<?-\s*\S")
_R_LOAD = re.compile(r"^\s*(?:library|require|suppressPackageStartupMessages)\s*\(\s*[\w.'\"]+")
_R_SHEBANG = re.compile(r"^\s*#!.*\bRscript\b")
_R_NAMESPACE = re.compile(r"\b[A-Za-z][\w.]*::[A-Za-z.][\w.]*\s*\(")


def _r_script(ca: CellAnalysis) -> str | None:
    """The first line of R in a code cell that holds an R script (an `Rscript` shebang, or `<-`
    assignments with a `library(…)` load or a `pkg::fun(…)` call, or three `<-` assignments), or
    None. Fair check 20: an R script kept in a code cell was reported as Python's "invalid syntax"."""
    lines = ca.lines
    assignments = [l for l in lines if _R_ASSIGNMENT.match(l)]
    loads = [l for l in lines if _R_LOAD.match(l)]
    shebang = any(_R_SHEBANG.match(l) for l in lines)
    namespaced = any(_R_NAMESPACE.search(l) for l in lines)
    if not (shebang or (assignments and (loads or namespaced)) or len(assignments) >= 3):
        return None
    first = next((l for l in lines if _R_LOAD.match(l) or _R_ASSIGNMENT.match(l)), None)
    return first.strip() if first is not None else None


def _text_table(ca: CellAnalysis) -> bool:
    """Does the cell hold a pasted text table: two or more non-blank lines, each of three or more
    columns separated by runs of spaces, and some column a number (`resnet50   75.06%   92.48%`)?
    (fair check 14: a results table pasted into a code cell was said as "invalid syntax".)"""
    lines = [line.strip() for line in ca.lines if line.strip()]
    if len(lines) < 2:
        return False
    rows = [[c for c in _TABLE_GAP.split(line) if c] for line in lines]
    return all(len(row) >= 3 for row in rows) and any(
        re.fullmatch(r"[-+]?\d[\d.,]*%?", column) for row in rows for column in row
    )


# A BibTeX entry saved as a code cell (a tutorial's "cite this" block): `@manual{Intro1,` or
# `@article{mohanty2024open,` on the first line, then `field={…}` / `field = {…}` lines.
_BIBTEX_HEADER = re.compile(r"^\s*@[A-Za-z]+\s*\{\s*[^,\s{}]+\s*,\s*$")
_BIBTEX_FIELD = re.compile(r"^\s*[A-Za-z][\w-]*\s*=\s*[{\"\d]")


def _bibtex_entry(ca: CellAnalysis) -> Optional[str]:
    """The header line (`@manual{Intro1,`) when the cell holds a BibTeX entry, else None: its
    first non-blank line opens an entry and a `field={…}` line follows."""
    lines = [text for text in ca.lines if text.strip()]
    if len(lines) < 2 or not _BIBTEX_HEADER.match(lines[0]):
        return None
    return lines[0].strip() if any(_BIBTEX_FIELD.match(text) for text in lines[1:]) else None


def _shell_command(ca: CellAnalysis, line: int) -> Optional[str]:
    """The shell command at the line Python stops at, walking up backslash-continued lines, or None."""
    lines = ca.lines
    start = line
    while start > 1 and lines[start - 2].rstrip().endswith("\\"):
        start -= 1
    text = lines[start - 1] if 0 < start <= len(lines) else ""
    return text.strip().rstrip("\\").strip() if _SHELL_COMMAND.match(text) else None


def _text_snippet(ca: CellAnalysis, ported: frozenset[int], exercise: bool = False) -> bool:
    """A code cell that fails to parse for a reason other than an exercise blank, a pasted
    character, Markdown or (in a Python 2 notebook) Python 2 syntax: shell, SQL, Scala, a URL."""
    problem = ca.facts.syntax_error
    if problem is None or problem.parsed or ca.cell.index in ported or problem.message.startswith(NOT_ANALYSED):
        return False
    line = max(1, min(problem.line, len(ca.lines)))
    return not (template_blank(ca, line, problem.message, exercise) or _INVALID_CHARACTER.search(problem.message) or _holds_markdown(ca, line))


# From how many snippet cells of text that is not Python a never-run notebook is a reference
# sheet: one or two slips are typos (a draft's), three are the notebook's style.
_SHEET_SNIPPETS = 3


def reference_sheet(facts: NotebookFacts) -> bool:
    """A cheat sheet kept as a notebook: no code cell was ever run (no execution count, no
    output), and three or more code cells hold text that is not Python
    (shell commands, SQL, Scala, URLs). Each code cell is a standalone snippet under a caption,
    never run top to bottom: the cells are not a program whose data flow can be checked."""
    code_cells = [ca for ca in facts.cells if ca.cell.source.strip()]
    if not code_cells or any(ca.cell.execution_count is not None or ca.cell.outputs for ca in code_cells):
        return False
    ported = frozenset(ca.cell.index for ca in python2_cells(facts))
    exercise = exercise_notebook(facts.notebook.path)
    snippets = sum(1 for ca in code_cells if _text_snippet(ca, ported, exercise))
    return snippets >= _SHEET_SNIPPETS


# A string inside a replacement field, opened with one quote and ended with the other, the field
# closing right after it (`{now.strftime('%H:%M")}`).
_QUOTE = re.compile(r"['\"]")
_MIXED_STRING = re.compile(r"""(?P<string>(?P<open>['"])[^'"\n]*(?!(?P=open))['"])(?=[)\]]*\})""")


def _mixed_quotes_in_f_string(line: str) -> Optional[tuple[str, int]]:
    """The string a replacement field of an f-string on `line` opens with one quote and ends with
    the other (`'%H:%M"` in `f"{now.strftime('%H:%M")}"`) and its 1-based column, None when there is none."""
    for start in F_STRING_START.finditer(line):
        field = line.find("{", start.end())
        while field != -1 and line.startswith("{{", field):
            field = line.find("{", field + 2)
        if field == -1:
            continue
        quote = _QUOTE.search(line, field + 1)  # the field's first string
        if quote is None or "}" in line[field:quote.start()]:
            continue
        mixed = _MIXED_STRING.match(line, quote.start())
        if mixed is not None:
            return mixed.group("string"), mixed.start() + 1
    return None


def _before_python_312(version: str) -> str:
    """`version` (a notebook's `language_info.version`) when it is a Python 3 older than 3.12
    ("3.11.14"), "" otherwise (none declared, Python 2, 3.12 and later)."""
    match = re.match(r"3\.(\d+)(?!\d)", version)
    return version if match is not None and int(match.group(1)) < 12 else ""


class SyntaxErrorInCell(Rule):
    code = "STR001"
    blocks_compile = True
    name = "syntax-error"
    family = Family.STRUCTURE
    severity = Severity.ERROR
    summary = "A code cell is not valid Python 3 (IPython magics aside)."
    what_it_does = (
        "Parses every code cell, after masking IPython magics and shell escapes, and reports the "
        "first syntax error of each cell (a bare shell command, `docker run …`, `pip install …`, is said as one: "
        "prefix `!` or make it Markdown). The rest of the notebook is still analysed. When every code cell (two or more) fails "
        "to parse the same way, with two or more lines of code each, and none fits a reading below (Octave notes kept under a Python "
        "kernel), the notebook is another language: "
        "one finding at the first, the others related. A cell whose metadata gives it "
        "another language its editor runs (DataCamp DataLab's SQL cells, `customType: \"sql\"`; VS Code's `vscode.languageId`) "
        "is not Python and not reported. In a Python 2 "
        "notebook (see STR004) the cells whose error is Python 2 syntax (`print x`, `except E, e:`) "
        "are not reported here: STR004 reports the notebook once, listing them. A character Python "
        "cannot read (a non-breaking space U+00A0 or a typographic quote from pasted code) is one "
        "finding per character and notebook, at the first cell, naming the character and what to "
        "replace it with; the other cells it breaks are related locations (each still blocks "
        "`migrate`). An exercise template's blanks (`matrix = # TODO`, `[TODO …]`, an assignment "
        "left empty under a `# TODO` comment (within two lines, or anywhere in the run of comment lines right above "
        "it and the other empty assignments beside it: a `# TODO:` heading numbered steps), a function whose body is only `# TODO` (or only comments, under a "
        "`### TODO: …` comment block right above its `def`); `# your code here`, "
        "`# your code goes here`, `### YOUR TOKEN HERE`, `# write your code`, `# your code. Use …`, `# <YOUR CODE>` "
        "and `seed = # your favourite seed` mark a blank as `TODO` does, and so do the same words in other languages "
        "(`# Votre code ici`, `# tu código aquí`, `# Ihr Code`) and a graded template's `# START CODE HERE` / `# END CODE HERE` markers, "
        "and so does a `None` standing where a name must (`def None():`, `layer.None(…)`) below a "
        "`### START CODE HERE ###` line (a graded course template), "
        "and so does a placeholder in angle brackets where an expression must start: `g_loss = <generator "
        "loss>`, `<build the encoder>` on a line of its own, `return <YOUR CODE>`, `submit(model, <YOUR_EMAIL>)`, "
        "`rate=<>`; so does an `...` item of a list of layers next to a `# your code` comment, an operator whose right "
        "operand is left to such a comment while the call goes on below (`where = x > ## Your code goes here`, then "
        "`, label=…)`), a TODO comment standing where an expression must (after a `(`, `[`, `,`, `=` or an operator, "
        "or alone on the line after a `(`) that swallows the bracket closing it (`model.compile(# YOUR CODE HERE)`, "
        "`Dense(# YOUR CODE HERE #),`, `history = model.fit(` then `# Your Code Here)`), at or above where the parser stops "
        "(or below a bracket it says was never closed), and an assignment with "
        "nothing right of `=` under a workshop's numbered prompt, `# Task 4: …`, or anywhere in a notebook named as a "
        "template, `…_template` or `…_exercise(s)` (a loop's or a condition's header left empty, `for model in :`, `if :`, "
        "is read as such an assignment); and an assignment with nothing right of `=` (or a `?` where a value goes, `batch_size = ?`) when two or more cells "
        "have one, or the notebook has other blanks) are one finding per "
        "notebook, at the first such cell, the other cells with blanks related; a syntax error without "
        "such a marker is reported as usual (an assignment with nothing right of `=` alone in its notebook is said to "
        "assign nothing, an exercise blank left empty; a `?` so, to leave a `?` where a value goes). A never-run reference sheet (no code cell has an execution count or "
        "an output, and three or more code cells hold shell, SQL, Scala or a URL) is one "
        "finding at its first such cell, the others related; in such a notebook a value left out after `=` "
        "(`adata.obs['n_counts'] = #`, `filter_cells(adata, min_counts = )`), or a header's expression (`for estimator in :`), is an exercise blank, reported with the "
        "template's blanks. A Markdown cell saved as a code cell (a `# heading`, then "
        "Python stops at a link, an HTML comment or a list item) is said to be one, and so is a pasted text table (two or more "
        "lines of three or more columns separated by runs of spaces, some of them numbers). A BibTeX citation saved as a "
        "code cell (`@manual{key,`, then `title={…}` lines) is said to be one, one finding per notebook at the first such "
        "cell, the others related. An R script saved as a code cell (an `Rscript` shebang, or `x <- …` assignments with a "
        "`library(…)` load or a `pkg::fun(…)` call, or three such assignments) is said to be one. A tutorial's deliberate error "
        "demonstration — a short cell (at most 5 lines of code) saved with its SyntaxError, whose failing line one of "
        "the next 2 code cells writes as valid Python (`df.Engine HP`, then `df['Engine HP']`), or, when the Markdown cell "
        "right below it names the syntax error (`Erreur de syntaxe : …`), one of them starts with its first two words "
        "(`'l'apostrophe, quelle catastrophe'`, then `\"l'apostrophe, aucun problème\"`) — is an info-level "
        "note saying so; it still stops `migrate` (a keyword written with PEP 8's trailing underscore below, `class='cats'` "
        "then `class_='cats'`, is the same word). So is such a short cell saved with its SyntaxError that the lesson says "
        "fails: the Markdown cell right above announces an error (\"These patterns will raise errors.\") or its first line "
        "is a comment saying so (`# Errors`). So is an indentation lesson's cell that repeats lines of the code cell right "
        "above (which parses) with only their indentation broken. A cell whose last line ends with a stray line-continuation "
        "backslash (`plt.legend();\\`, which Python 2's IPython accepted) is said to be one, at that line. "
        "A cell magic whose body is not Python written below the cell's first line (`# Run every model` then `%%shell`) is "
        "said to be one: IPython honours a cell magic only on line 1 and reads the lines under it as Python; the same cell "
        "magic so placed in several cells is one finding at the first, the others related. "
        "Errors CPython raises only after parsing, in its symbol table and compiler, are reported too, with the "
        "kernel's message and line: `return` or `yield` outside a function, `break` or `continue` outside a loop, "
        "`nonlocal` at module level or naming no enclosing binding, a name used or assigned before its `global` or `nonlocal` "
        "declaration, a duplicate argument name, a repeated keyword argument, `await`, `async for` or `async with` "
        "in a plain `def`, `import *` inside a function or class, a `*` expression where none may stand, "
        "`default 'except:' must be last`, an unknown `__future__` feature. Each is judged as IPython compiles a "
        "cell: statement by statement, top-level `await`, `async for` and `async with` allowed (autoawait), so "
        "`from __future__ import …` below another statement, or `global x` after `x = 1` at a cell's top level, "
        "is not reported. An f-string only Python 3.12 and later read (PEP 701: its own quote, a backslash, a comment "
        "or a line break inside a replacement field, `f\"{d[\"a\"]}\"`) is valid in a notebook declaring no Python "
        "version or 3.12 and later, and reported in one whose `language_info.version` is older (`3.11.14`): its "
        "kernel refuses the cell. This is decided from the cell's text, the same whatever Python runs the audit. "
        "A string inside an f-string's replacement field opened with one quote and ended with the other "
        "(`f\"{now.strftime('%H:%M\")}\"`) is said as such, not in the words of one Python's parser."
    )
    why_bad = (
        "A cell that does not parse cannot run, cannot be compiled into a module and hides its names "
        "from every other check. Python 2 `print x` statements and half-typed lines are the usual causes."
    )
    example = "for f in files:\n    print(f"
    use_instead = "for f in files:\n    print(f)"
    passing = (
        Example(cells=("print('ok')", "%matplotlib inline\nx = 1")),
        # A Python 2 notebook is STR004's, once.
        Example(cells=("x = 1", "print 'x is', x", "print x"), kernel="python2"),
        # IPython strips an indent shared by every line of a cell (pasted code).
        Example(cells=("    import os\n    for f in os.listdir('.'):\n        print(f)",)),
        # IPython strips console prompts pasted with the code (`>>> `/`... `, `In [3]: `/`   ...: `).
        # IPython runs top-level `await`, `async for` and `async with` (autoawait), and compiles a cell
        # statement by statement: a `__future__` import below another statement runs.
        Example(cells=("import asyncio\nawait asyncio.sleep(0.1)\nasync with lock:\n    async for event in stream():\n        print(event)",
                       "import os\nfrom __future__ import print_function\nprint(os.sep, end='')")),
        Example(cells=("sizes = dict(\n   ...:     small=1,\n   ...:     large=3,\n   ...: )\n   ...: \nprint(sizes)",
                       ">>> for n in range(2):\n...     print(n)\n...")),
        # Python 3.12's f-strings (PEP 701): the outer quotes reused in a replacement field, a
        # backslash in one. Valid Python, refused only by an interpreter older than 3.12 running the
        # audit (fair check 43, item 156: a 3.12.10 notebook whose cell ran).
        Example(cells=("d = -0.43\nprint(f\"effect is {\"small\" if abs(d) < 0.5 else \"large\"}\")",
                       "rows = ['a', 'b']\nprint(f\"{'\\n'.join(rows)}\")"), language_version="3.12.10"),
        # The same cells in a notebook declaring no Python version: read as Python 3.12 reads them.
        Example(cells=("d = -0.43\nprint(f\"effect is {\"small\" if abs(d) < 0.5 else \"large\"}\")",)),
        # f-strings Python 3.11 reads too, in a 3.11 notebook: the other quote inside, a `#` in a
        # string or in a format spec, a nested replacement field.
        Example(cells=("d = {'# rows': 3}\nprint(f\"{d['# rows']:#x} {d!r:>{len(d)}}\")",), language_version="3.11.14"),
    )
    failing = (
        Example(cells=("x = 1", "if x:\nprint(x)"), expect=((2, 2),)),
        # A real error beside a Python 3.12 f-string is still one.
        Example(cells=("d = 1", "print(f\"{\"small\" if d else \"large\"}\")\nreturn d"), expect=((2, 2),)),
        # Octave notes under a Python kernel: every code cell fails, one finding at the first, the
        # other cell related (fair check 42, item 160).
        Example(cells=(md("Matrices in Octave"), "A = [1, 2; 3, 4]\nB = A * 2", "v = [1; 2]\nC = A * v"), expect=((2, 1),)),
        # One Python 2 print in a Python 3 notebook: a syntax error to fix there.
        Example(cells=("x = 1", "print 'x is', x"), expect=((2, 1),)),
        Example(cells=(md("# Title"), "import os\nfor f in os.listdir('.'):\n    print(f"), expect=((2, 3),)),
        # Code pasted with non-breaking spaces: one finding for the notebook, the other cell related.
        Example(cells=("import os", "for f in os.listdir('.'):\n\u00a0\u00a0\u00a0\u00a0print(f)", "if True:\n\u00a0\u00a0\u00a0\u00a0x = 1"), expect=((2, 2),)),
        # An exercise template's blanks: one finding for the notebook, the other blank cells related.
        Example(cells=("import numpy as np", "'\'\'TODO: define a 2-d array\'\'\'\nmatrix = # TODO", "scale = # TODO\nprint(matrix * scale)"),
                expect=((2, 2),)),
        # Blanks marked in words, a block's body left to them: one finding, the other cell related.
        Example(cells=("import tensorflow as tf", "%%timeit -n1 -r1\nwith tf.device('/CPU:0'):\n    # your code goes here",
                       "%%timeit -n1 -r1\nwith tf.device('/GPU:0'):\n    # Your code here"),
                expect=((2, 3),)),
        # Blanks as a course words them: `# your code. Use …`, a loop body of only `# <YOUR CODE>`.
        Example(cells=("import numpy as np", "def total(xs):\n    acc = 0\n    for x in xs:\n        # <YOUR CODE>\n    return acc",
                       "scale = # your code. Use np.std\nprint(total([1, 2]) / scale)"),
                expect=((2, 3),)),
        # A function whose body is left to a TODO: reported at its `def`, not at the line below it.
        Example(cells=("import numpy as np", "def normalise(v):\n    # TODO: divide by the norm\n\nunit = normalise(np.ones(3))"),
                expect=((2, 1),)),
        # A never-run cheat sheet whose snippets are shell and SQL: one finding, the others related.
        Example(cells=(md("# Warehouse commands"), "select * from load_errors;", md("Load a file"),
                       "users = ctx.load(path)", "x = 1", "hdfs dfs -ls /tmp", "vacuum full;"),
                expect=((2, 1),)),
        # A bare shell command pasted into a code cell: the message says to prefix `!` or use Markdown.
        Example(cells=("x = 1", "docker run -d -p 8000:8000 \\\n  nginx:latest"), expect=((2, 1),)),
        # A Markdown title cell saved as a code cell: said as such.
        Example(cells=("# Churn analysis\n\n<!-- owner: data-team -->\n\nA first look at [the churn table](https://example.org/churn).", "import pandas as pd"),
                expect=((1, 3),)),
        # A workshop's blanks under numbered prompts (`# Task 1: …`): one finding, the other cell related.
        Example(cells=("import pandas as pd", "# Task 1: count rows per depot\nper_depot = ", "# Task 2: split the frame\ntrain = "),
                expect=((2, 2),)),
        # Results pasted into a code cell as a text table: said as such.
        Example(cells=("import pandas as pd", "model      top1     top5\nresnet50   75.06%   92.48%\nvgg16      71.59%   90.38%"),
                expect=((2, 1),)),
        # Assignments left empty in two cells, marked in the student's own words or not at all:
        # the template's blanks, one finding, the other cell related.
        Example(cells=("import pandas as pd", "label_column =   # put the name of the new column here", "weekly =\nweekly.head()"),
                expect=((2, 1),)),
        # A tutorial's "cite this" block saved as two code cells: one finding, the other cell related.
        Example(cells=("import numpy as np", "@article{lee2023flows,\n  title={Graph flows},\n  year={2023}\n}",
                       md("Cite the tutorial too:"), "@manual{FlowsTutorial,\n title={Graph flows in practice},\n year={2024},\n}"),
                expect=((2, 2),)),
        # A never-run workshop notebook's blanks (`= #`, a keyword left empty): the template's one finding,
        # not a reference sheet's text "that is not Python" (fair check 18).
        Example(cells=("adata.obs['n_counts'] = #\nadata.obs['n_genes'] = #", "sc.pp.filter_cells(adata, min_counts = )",
                       "thr = # add threshold\nkeep = scores <= thr"),
                expect=((1, 1),)),
        # Fair check 48, item 156 (str001-template-blank-not-folded): a loop header whose iterable is left out
        # (`for key in :`) is one of the template's blanks, under a TODO or in a never-run workshop notebook.
        Example(cells=("import numpy as np", "# TODO: pick a scale\nscale = ", "# TODO: loop over the models\nfor model in :\n    print(model)"),
                expect=((2, 2),)),
        Example(cells=("adata.obs['n_counts'] = #", "sc.pp.filter_cells(adata, min_counts = )", "# CODE HERE\nfor key in :\n    print(key)"),
                expect=((1, 1),)),
        # An exercise blank that is a comparison's missing operand, the call going on below (where
        # the parser stops), is one of the template's blanks; a stray trailing backslash is named.
        Example(cells=("total = ## Your code goes here", "mask = np.where(x > ## Your code goes here\n                , 1, 0)",
                       "plt.legend();\\"), expect=((1, 1), (3, 1))),
        # An R script kept in a code cell (`pkg::fun` stops the parser): said as R, not as "invalid syntax".
        Example(cells=("import pandas as pd", "library(DESeq2)\ndds <- DESeqDataSetFromMatrix(counts, coldata, ~ condition)\ndds <- DESeq2::DESeq(dds)"),
                expect=((2, 3),)),
        # Code that parses but that CPython's compiler refuses: a loop's `break` dedented out of it, a
        # function body pasted at the top level, `async with` in a plain `def`, `global` below a read
        # of the name it declares, a duplicate argument.
        Example(cells=("best = None\nfor epoch in range(10):\n    loss = step(epoch)\nif loss < 0.01:\n    break",
                       "scores = model.evaluate(X_test, y_test)\nreturn scores",
                       "def fetch(url):\n    async with session.get(url) as response:\n        return await response.json()",
                       "def decay():\n    lr = lr * 0.9\n    global lr",
                       "def scale(frame, column, column):\n    return frame[column] / frame[column].max()"),
                expect=((1, 5), (2, 2), (3, 2), (4, 3), (5, 1))),
        # Fair check 28 (str001-template-blank-not-folded): a project template's function left with
        # only comments under a `### TODO` block is one of its blanks, folded into the finding of the
        # empty assignment above (cell 2 related); a function with only comments and no TODO is a
        # syntax error of its own.
        Example(cells=("model = # train(n_epochs, loaders, model)",
                       "### TODO: Write your algorithm.\n### Feel free to use as many code cells as needed.\n\n"
                       "def run_app(img_path):\n    ## handle cases for a human face, dog, and neither\n",
                       "def helper(x):\n    # returns x\n"),
                expect=((1, 1), (3, 2))),
        # Fair check 29, item 153 (str001-template-blank-not-folded): `batch_size = ?` is another blank
        # of the template, folded into its finding (cell 2 related); alone, it is said as a `?` left in.
        Example(cells=("image_size = (?, ?)  # <-- YOUR CODE HERE",
                       "batch_size = ?\nprint(batch_size)"),
                expect=((1, 1),)),
        Example(cells=("import numpy as np", "steps = ?\nprint(np.arange(steps))"), expect=((2, 1),)),
        # Fair check 30, items 142 and 145 (str001-template-blank-not-folded): a call whose arguments
        # are left to a TODO comment that swallows its `)` is a blank of the template, wherever the
        # parser stops (two lines below, "Perhaps you forgot a comma?"; or at the `(` "never
        # closed", the TODO on the line below): cells 2 and 3 are related to cell 1's finding. A
        # note in a call that still closes (`fit(x,  # TODO: tune` then `epochs=5)`) is no blank.
        Example(cells=("train_images = # YOUR CODE HERE",
                       "model.compile(# YOUR CODE HERE)\n\nepochs = 5",
                       "history = model.fit(\n      # Your Code Here)\n",
                       "history = model.fit(x,  # TODO: tune\n                    epochs=5)\nprint(history"),
                expect=((1, 1), (4, 3))),
        # Blanks under a `# TODO:` heading a block of numbered steps (fair check 35, item 156): a template.
        Example(cells=("for i in range(3):\n    # TODO:\n    # 1. predict the probabilities\n    # 2. choose a class\n"
                       "    # https://numpy.org/doc/stable/reference/random/generated/numpy.random.choice.html\n"
                       "    p = \n    idx2 = \n    print(idx2)",), expect=((1, 6),)),
        # A blank marked in French, and a graded template's START/END CODE HERE markers as a loop's only body (fair
        # check 40, items 155-156): one template's blanks, one finding (cell 2 related), said as such.
        Example(cells=("def plot_population(df, department):\n    # Votre code ici\n",
                       "for step in range(10):\n\n    # --- START CODE HERE (08)\n\n    # --- END CODE HERE\n"),
                expect=((1, 2),)),
        # A cell magic below the cell's first line (fair check 36, item 147: `# Run multiple models` then `%%shell`):
        # IPython reads the shell loop under it as Python; the message says the magic must be on line 1.
        Example(cells=("# Evaluate every model\n%%shell\nfor w in small large\ndo\n  python test.py --weights $w.pt\ndone",),
                expect=((1, 3),)),
        # Fair check 44, T-3.5: an f-string reusing its own quote (PEP 701) in a notebook declaring
        # Python 3.11 (`language_info.version`): its kernel refuses the cell, whatever Python runs the audit.
        Example(cells=("splits = {'train': [1, 2]}", "n = 2\nprint(f\"{len(splits[\"train\"])} rows\")"),
                expect=((2, 2),), language_version="3.11.14"),
        # A string in an f-string's replacement field opened with ' and ended with " (fair check 44,
        # items 161-162): said as such, not in the words of the Python running the audit.
        Example(cells=("import datetime", "note = (\n    f\"run at {datetime.datetime.now().strftime('%H:%M\")}Z\"\n)"),
                expect=((2, 2),)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        ported = {ca.cell.index for ca in python2_cells(ctx.facts)}  # STR004 reports those, once
        exercise = exercise_notebook(ctx.facts.notebook.path)
        # One stray character in many cells (code pasted with non-breaking spaces or typographic
        # quotes) is one root cause: one finding, at the first cell, the other cells related.
        by_character: dict[str, list[tuple[CellAnalysis, int, Optional[int]]]] = {}
        order: list[str] = []
        blanks: list[tuple[CellAnalysis, int, int | None]] = []
        shown_lines: list[int] = []  # per blank, the line that shows it
        # `name = ` with nothing right of `=` and no marker: (cell, line, column, parser message).
        empty_assignments: list[tuple[CellAnalysis, int, int | None, str]] = []
        # A reference sheet's snippets of shell, SQL or Scala: one root cause, one finding.
        sheet = reference_sheet(ctx.facts)
        snippets: list[tuple[CellAnalysis, int, int | None]] = []
        # A tutorial's citation block saved as code cells (fair check 17: 24 findings in 21
        # deepchem tutorials, all said as "Perhaps you forgot a comma?"): one root cause per notebook.
        citations: list[tuple[CellAnalysis, int, int | None, str]] = []
        misplaced_magics: dict[str, list[Hit]] = {}  # by `%%name`: a notebook's cells with that cell magic below line 1
        plain: list[Hit] = []  # the cells no reading below fits: parser's words
        older = _before_python_312(ctx.facts.notebook.language_version)
        for ca in ctx.cells:
            problem = ca.facts.syntax_error
            if problem is not None and ca.cell.language:
                continue  # a cell its metadata gives another language (a DataLab SQL cell; fair check 42, item 158)
            if problem is None and older and not ca.cell.language and ca.masked.is_python:
                # An f-string only Python 3.12 reads (PEP 701) in a notebook declaring an older
                # Python: its own kernel refuses the cell (fair check 44, T-3.5: `f"{d["train"]}"`
                # under `language_info.version` 3.11.14). Decided from the text, not from the
                # interpreter running the audit.
                newer = python_312_only_f_string(ca.masked.python)
                if newer is not None:
                    line, column, what = newer
                    yield Hit(
                        ca.cell, line, column,
                        f"Syntax error on the notebook's Python: this f-string {what}, which only Python 3.12 and later "
                        f"read (PEP 701); the notebook declares Python {older} (`language_info.version`), whose parser refuses it",
                        fix="Use the other quote inside the replacement field (`f\"{d['a']}\"`) or compute the value "
                            "before the f-string; or run and declare Python 3.12 or later.",
                        key="f-string of Python 3.12",
                    )
            if problem is not None and ca.cell.index not in ported:
                line = max(1, min(problem.line, len(ca.lines)))
                if problem.parsed:
                    # Python that parses and that the compiler refuses: none of the readings below
                    # (a blank, another language, pasted text) applies; the kernel's message does.
                    yield Hit(ca.cell, line, problem.column, f"Syntax error: {problem.message}", key=problem.message)
                    continue
                shows = 0 if problem.message.startswith(NOT_ANALYSED) else template_blank(ca, line, problem.message, exercise)
                if shows:
                    # Located at the blank: a function left to a TODO is its `def` line, not the
                    # statement below it where the parser noticed the missing body.
                    column = problem.column if shows == line else len(ca.lines[shows - 1]) - len(ca.lines[shows - 1].lstrip()) + 1
                    blanks.append((ca, shows, column))
                    shown_lines.append(shows)
                    continue
                character = _INVALID_CHARACTER.search(problem.message)
                if character is not None:
                    point = character.group("point").upper()
                    if point not in by_character:
                        order.append(point)
                    by_character.setdefault(point, []).append((ca, line, problem.column))
                    continue
                # Valid code too big for the analyser is said as such, not as a syntax error.
                text = problem.message[0].upper() + problem.message[1:] if problem.message.startswith(NOT_ANALYSED) else f"Syntax error: {problem.message}"
                if problem.message.startswith("f-string") and sys.version_info < (3, 12):
                    # The words of Python 3.11's f-string parser, which 3.12 replaced (PEP 701): named as
                    # such, the notebook's Python may say it otherwise (fair check 44, items 161-162).
                    text = f"Syntax error (as Python {sys.version_info[0]}.{sys.version_info[1]} words it): {problem.message}"
                citation = None if problem.message.startswith(NOT_ANALYSED) else _bibtex_entry(ca)
                if citation is not None:
                    citations.append((ca, line, problem.column, citation))
                    continue
                misplaced = None if problem.message.startswith(NOT_ANALYSED) else _misplaced_cell_magic(ca, line)
                if misplaced is not None:
                    # `# Run multiple models` then `%%shell` (fair check 36, item 147): the magic is read as a line
                    # magic and the shell script below it as Python, which is where the parser stops.
                    magic_line, magic = misplaced
                    above = "a comment" if all(l.strip().startswith("#") or not l.strip() for l in ca.lines[:magic_line - 1]) else "code"
                    misplaced_magics.setdefault(magic.split()[0], []).append(Hit(
                        ca.cell, line, problem.column,
                        f"Syntax error: the cell magic `{magic}` is on line {magic_line}, below {above}, but a cell magic works "
                        "only on a cell's first line: IPython reads the lines under it as Python",
                        fix=f"Move `{magic}` to the cell's first line (what is above it goes below it, or into a cell of its own).",
                        key=problem.message,
                    ))
                    continue
                if not problem.message.startswith(NOT_ANALYSED) and _holds_markdown(ca, line):
                    yield Hit(
                        ca.cell, line, problem.column,
                        f"Syntax error: this code cell holds Markdown, not Python (`{ca.lines[line - 1].strip()[:60]}`)",
                        fix="Change the cell's type to Markdown (in Jupyter: Esc, then M).",
                        key=problem.message,
                    )
                    continue
                if not problem.message.startswith(NOT_ANALYSED) and _text_table(ca):
                    yield Hit(
                        ca.cell, line, problem.column,
                        f"Syntax error: this code cell holds a text table, not Python (`{' '.join(ca.lines[line - 1].split())[:60]}`)",
                        fix="Make the cell Markdown (a table or a ``` block) or raw (in Jupyter: Esc, then M or R).",
                        key=problem.message,
                    )
                    continue
                if sheet and not problem.message.startswith(NOT_ANALYSED):
                    if _EMPTY_VALUE.search(ca.lines[line - 1]) or _EMPTY_HEADER.match(ca.lines[line - 1]):
                        # `adata.obs['n_counts'] = #`, `sc.pl.dotplot(adata=, groupby=)`: a never-run
                        # workshop notebook's blanks, left for the reader (fair check 18), not text
                        # of another language: the template's finding says so.
                        blanks.append((ca, line, problem.column))
                        shown_lines.append(line)
                        continue
                    snippets.append((ca, line, problem.column))
                    continue
                r_line = None if problem.message.startswith(NOT_ANALYSED) else _r_script(ca)
                if r_line is not None:
                    yield Hit(
                        ca.cell, line, problem.column,
                        f"Syntax error: this code cell holds an R script, not Python (`{r_line[:60]}`)",
                        fix="Save it as an `.R` file run with `Rscript` (a step of its own), or make the cell raw "
                            "(in Jupyter: Esc, then R); to run it from the notebook, start the cell with `%%R` (rpy2).",
                        key=problem.message,
                    )
                    continue
                fixed = None if problem.message.startswith(NOT_ANALYSED) else _error_demo(ca, line, ctx.cells, ctx.facts.notebook.cells)
                if fixed is not None:
                    yield Hit(
                        ca.cell, line, problem.column,
                        f"Syntax error shown on purpose: `{ca.lines[line - 1].strip()[:60]}` is saved with its SyntaxError, "
                        f"and cell {fixed.cell.index} below writes it as valid Python: a deliberate error demonstration, "
                        "which still stops `migrate`",
                        fix="Tag the cell `raises-exception`, or make it a Markdown cell showing the error, before migrating.",
                        key=problem.message,
                        severity=Severity.INFO,
                        related=((fixed.cell, 1, None),),
                    )
                    continue
                announced = "" if problem.message.startswith(NOT_ANALYSED) else _announced_error(ca, ctx.facts.notebook.cells)
                if announced:
                    yield Hit(
                        ca.cell, line, problem.column,
                        f"Syntax error shown on purpose: `{ca.lines[line - 1].strip()[:60]}` is saved with its SyntaxError, "
                        f"and {announced}: a deliberate error demonstration, which still stops `migrate`",
                        fix="Tag the cell `raises-exception`, or make it a Markdown cell showing the error, before migrating.",
                        key=problem.message,
                        severity=Severity.INFO,
                    )
                    continue
                twin = None if problem.message.startswith(NOT_ANALYSED) else _indentation_demo(ca, problem.message, ctx.cells)
                if twin is not None:
                    yield Hit(
                        ca.cell, line, problem.column,
                        f"Indentation error shown on purpose: cell {twin.cell.index} above holds the same lines indented "
                        f"rightly, and this cell repeats them with the block indented wrongly ({problem.message}): a "
                        "deliberate error demonstration, which still stops `migrate`",
                        fix="Tag the cell `raises-exception`, or make it a Markdown cell showing the error, before migrating.",
                        key=problem.message,
                        severity=Severity.INFO,
                        related=((twin.cell, 1, None),),
                    )
                    continue
                command = None if problem.message.startswith(NOT_ANALYSED) else _shell_command(ca, line)
                if command is not None:
                    yield Hit(
                        ca.cell, line, problem.column,
                        f"Syntax error: a shell command in a Python cell (`{command[:60]}`): prefix it with `!` to run it, "
                        "or make it a Markdown ```bash block to show it",
                        fix="Prefix each command line with `!` (or start the cell with `%%bash`), or turn the cell into Markdown.",
                        key=problem.message,
                    )
                    continue
                if (not problem.message.startswith(NOT_ANALYSED)
                        and (_EMPTY_RIGHT_SIDE.match(ca.lines[line - 1]) or _question_blank(ca.lines[line - 1]))
                        and not ca.lines[line - 1].lstrip().startswith(("from ", "import "))):  # `import a, b=`: a typo, no blank
                    # `grouped = ` with nothing after it, or `batch_size = ?`: a blank left to fill in,
                    # said as such (below: folded into the template's finding when the notebook has
                    # other blanks, fair check 29, item 153).
                    empty_assignments.append((ca, line, problem.column, problem.message))
                    continue
                if problem.message == "unexpected EOF while parsing" and _ends_with_backslash(ca):
                    # `plt.legend();\` as a cell's last line: the backslash continues the line into
                    # nothing (Python 2's IPython accepted it; fair check 19: the message named no cause).
                    last = max(i for i, l in enumerate(ca.lines, 1) if l.strip())
                    tail = ca.lines[last - 1].strip()
                    tail = tail if len(tail) <= 60 else "…" + tail[-59:]
                    yield Hit(
                        ca.cell, last, len(ca.lines[last - 1].rstrip()),
                        f"Syntax error: the cell's last line ends with a line-continuation backslash "
                        f"(`{tail}`) that continues into nothing",
                        fix="Delete the trailing backslash.",
                        key=problem.message,
                    )
                    continue
                found = None if problem.message.startswith(NOT_ANALYSED) else _mixed_quotes_in_f_string(ca.lines[line - 1])
                if found is not None:
                    mixed, column = found
                    # `f"time={now.strftime('%H:%M")}Z"` (fair check 44, items 161-162): each Python words
                    # this error its own way (3.11 "unmatched '}'", 3.12 "unterminated string literal"):
                    # the cause is said instead, the same whatever Python runs the audit.
                    yield Hit(
                        ca.cell, line, column,
                        f"Syntax error: in an f-string, the string `{mixed}` inside a replacement field opens with "
                        f"{mixed[0]} and ends with {mixed[-1]}: no Python reads it",
                        fix=f"End the string with the quote it opens with (`{mixed[:-1]}{mixed[0]}`).",
                        key=problem.message,
                    )
                    continue
                plain.append(Hit(ca.cell, line, problem.column, text, key=problem.message))
        coded = [ca for ca in ctx.cells if not _blank_code(ca.cell.source)]
        if (
            len(plain) >= 2 and len(plain) == len(coded) and all(h.message.startswith("Syntax error") for h in plain)
            and len({h.key for h in plain}) == 1  # the parser stops the same way in each (not a tag here, a paren there)
            and all(sum(1 for t in h.cell.source.split("\n") if t.strip() and not t.lstrip().startswith(("#", "%"))) >= 2 for h in plain)
        ):
            # Every code cell fails to parse with no reading above fitting it (Octave notes of a
            # course kept under a Python kernel, `A = [1, 2; 3, 4]`): the notebook is another
            # language, one root cause and one change: one finding at the first, the others related
            # (fair check 42, item 160).
            first, *rest = plain
            yield dataclasses.replace(
                first,
                message=f"{first.message}; every code cell of this notebook fails to parse ({len(plain)} cells, the others "
                        "related): it is written in another language, not Python",
                fix="Run it under its own language's kernel, or keep the code in Markdown code blocks.",
                related=tuple((h.cell, h.line, h.column) for h in rest),
            )
        else:
            yield from plain
        for first, *rest in misplaced_magics.values():
            # The same cell magic below line 1 in several cells (four `#DO NOT RUN AGAIN` comments
            # above `%%sql`): one habit of the notebook, one edit pattern; one finding at the first,
            # the others related (fair check 51, item 171, str001-misplaced-cell-magic-split-per-cell).
            if rest:
                others = sorted({h.cell.index for h in rest if h.cell is not None})
                first = dataclasses.replace(
                    first,
                    message=f"{first.message}; {'cell' if len(others) == 1 else 'cells'} {_cells(others)} "
                            f"{'has' if len(others) == 1 else 'have'} it below line 1 too",
                    related=tuple((h.cell, h.line, h.column) for h in rest if h.cell is not None),
                )
            yield first
        if empty_assignments and (blanks or len({ca.cell.index for ca, *_ in empty_assignments}) >= 2):
            # Fair check 14: a homework template's `col_name =  # insert your new column name`
            # and `df_wave_1 =` (no TODO marker) were one finding each, beside the template's own
            # finding or each other: blanks left empty in two cells are the template's blanks.
            merged = sorted(
                [(ca, ln, col, ln) for (ca, ln, col), ln in zip(blanks, shown_lines)]
                + [(ca, ln, col, ln) for ca, ln, col, _ in empty_assignments],
                key=lambda blank: (blank[0].cell.index, blank[1]),
            )
            blanks = [(ca, ln, col) for ca, ln, col, _ in merged]
            shown_lines = [shown for *_, shown in merged]
        else:
            for ca, line, column, message in empty_assignments:
                said = "leaves a `?` where a value goes" if _question_blank(ca.lines[line - 1]) else "assigns nothing"
                yield Hit(
                    ca.cell, line, column,
                    f"Syntax error: `{ca.lines[line - 1].strip()[:60]}` {said} (an exercise blank left empty?)",
                    key=message,
                )
        if citations:
            (first, line, column, header), *others_cited = citations
            others = sorted({ca.cell.index for ca, *_ in others_cited})
            where = (f"; {'cell' if len(others) == 1 else 'cells'} {_cells(others)} {'holds' if len(others) == 1 else 'hold'} "
                     "one too") if others else ""
            yield Hit(
                first.cell, line, column,
                f"Syntax error: this code cell holds a BibTeX citation, not Python (`{header[:60]}`){where}",
                fix="Make the citation a raw cell or a Markdown ```bibtex block (in Jupyter: Esc, then R or M).",
                key="bibtex citation",
                related=tuple((ca.cell, ln, col) for ca, ln, col, _ in others_cited),
            )
        if snippets:
            (first, line, column), *rest = snippets
            others = sorted({ca.cell.index for ca, _, _ in rest})
            where = (f"; {'cell' if len(others) == 1 else 'cells'} {_cells(others)} {'holds' if len(others) == 1 else 'hold'} "
                     "such text too") if others else ""
            yield Hit(
                first.cell, line, column,
                f"Syntax error: this never-run reference notebook keeps text that is not Python in a code cell "
                f"(`{first.lines[line - 1].strip()[:60]}`){where}",
                fix="Make the snippets raw or Markdown cells (a fenced ```sql / ```bash block), or give a runnable one "
                    "`%%bash` / `%%sql`; keep code cells for Python.",
                key="reference-sheet snippets",
                related=tuple((ca.cell, ln, col) for ca, ln, col in rest),
            )
        if blanks:
            # One root cause: the notebook is an exercise template, made not to parse until filled in.
            (first, line, column), *rest = blanks
            others = sorted({ca.cell.index for ca, _, _ in rest})
            where = (f"; {'cell' if len(others) == 1 else 'cells'} {_cells(others)} {'has' if len(others) == 1 else 'have'} "
                     "blanks too") if others else ""
            shown = first.lines[shown_lines[0] - 1].strip()
            blank = f"`{shown[:60]}`"
            body_lines = []
            for l in first.lines[shown_lines[0]:]:  # the comments under the header, up to the next code
                if l.strip() and not l.strip().startswith("#"):
                    break
                if l.strip():
                    body_lines.append(l.strip())
            # The comment that asks for the code (`# <YOUR CODE HERE>`), not a `#####` rule above it.
            body = next((l for l in body_lines if _TODO.search(l)), body_lines[0] if body_lines else "")
            if shown.endswith(":") and body.startswith("#"):
                # A block left to a TODO: the blank is its empty body, not the header (fair check 16).
                blank = f"the empty body of `{shown[:60]}`, marked `{body[:60]}`"
            yield Hit(
                first.cell, line, column,
                f"Syntax error: this exercise template leaves a blank to fill in ({blank}){where}",
                fix="Exclude exercise templates from the audit (`extend-exclude`); audit and migrate the solved notebook.",
                key="exercise-template blanks",
                related=tuple((ca.cell, ln, col) for ca, ln, col in rest),
            )
        for point in order:
            (first, line, column), *rest = by_character[point]
            message = str(first.facts.syntax_error.message) if first.facts.syntax_error is not None else ""
            char = chr(int(point, 16))
            name = unicodedata.name(char, "").lower() or "an unnamed character"
            others = sorted({ca.cell.index for ca, _, _ in rest})
            where = (f"; {'cell' if len(others) == 1 else 'cells'} {_cells(others)} {'fails' if len(others) == 1 else 'fail'} "
                     "to parse for the same reason") if others else ""
            replacement = _REPLACEMENT.get(point)
            fix = (
                f"Replace every U+{point} ({name}) in the notebook's code with {replacement} "
                "(search and replace in the editor); it usually comes from code pasted from a web page or a document."
                if replacement else
                f"Delete or replace every U+{point} ({name}) in the notebook's code; it usually comes from code pasted from a web page or a document."
            )
            yield Hit(
                first.cell, line, column,
                f"Syntax error: {message} ({name}){where}",
                fix=fix,
                key=message,
                related=tuple((ca.cell, ln, col) for ca, ln, col in rest),
            )


def _misplaced_cell_magic(ca: CellAnalysis, line: int) -> Optional[tuple[int, str]]:
    """(its line, `%%name`) of a cell magic written below a cell's first line, at or above the syntax error's `line`,
    whose body is not Python (`%%shell`, `%%bash`, `%%writefile`): IPython honours `%%name` only on line 1, so the
    body below it is read as Python, which is the error (fair check 36, item 147). A Python-bodied one (`%%time`)
    misplaced is not what stops the parser."""
    for magic in ca.masked.magics:
        text = magic.text.strip()
        if (magic.kind == "line_magic" and text.startswith("%%") and len(text) > 2 and 1 < magic.line <= line
                and text[2:].split()[0] not in PYTHON_BODY_CELL_MAGICS):
            return magic.line, text.split()[0]
    return None


def _ends_with_backslash(ca: CellAnalysis) -> bool:
    """Does the cell's last non-blank line end with a `\\` outside a comment?"""
    last = next((l.rstrip() for l in reversed(ca.lines) if l.strip()), "")
    return last.endswith("\\") and "#" not in last


def plain_python_under_superset(facts: NotebookFacts) -> bool:
    """The kernel's language is a Python superset (Coconut) and every code cell, magics masked,
    parses as Python 3: a plain-Python notebook under an editor's default kernel, to analyse as
    Python (real Coconut syntax, `x |> f` or `match def`, fails to parse and keeps STR002)."""
    return (facts.notebook.python_superset
            and any(ca.masked.python.strip() for ca in facts.cells)
            and all(ca.facts.syntax_error is None for ca in facts.cells))


class NonPythonKernel(Rule):
    code = "STR002"
    blocks_compile = True
    name = "non-python-kernel"
    family = Family.STRUCTURE
    # Nothing in the notebook was found wrong, it is only out of scope: a notice of the run (the
    # engine's `not_analysed`), not a finding, so an R notebook never fails a gate, never enters a
    # baseline and is not counted as a finding (fair checks 12 and 13 judged every sampled STR002
    # finding right but noise). Its severity is that of the SARIF note it becomes.
    severity = Severity.INFO
    notice = True
    summary = "The notebook runs on a kernel that is not Python; its code is not analysed."
    applies_to_any_language = True
    what_it_does = (
        "Reads the notebook's kernelspec and language_info and says when the kernel is not Python. "
        "Its code is not analysed; the rules that read only execution counts (HID001, HID002) still "
        "apply. A kernel whose language is a superset of Python (Coconut) on a notebook whose every "
        "code cell parses as Python is not reported: the notebook is analysed as Python. "
        "This is a notice of the run, not a finding (there is nothing in the notebook to fix), as a "
        "linter names the files it skipped: a `not analysed: N notebooks (R kernel: …)` line under "
        "the terminal summary, a `note` in SARIF's `toolExecutionNotifications`, the `not_analysed` "
        "list in JSON (docs/json-schema.md). It is never counted by `--fail-on`, never written to a "
        "baseline, and a run whose notebooks are all R exits 0. `ignore = [\"STR002\"]` silences the "
        "notice; `migrate` refuses such a notebook (status `blocked`) whatever is ignored."
    )
    why_bad = (
        "nbrefactor analyses and compiles Python. An R, Julia or Scala notebook in the batch is named "
        "once as not analysed instead of as a wall of syntax errors, so you know what the audit did not "
        "cover and can route it to its own migration."
    )
    example = '{"kernelspec": {"name": "ir", "language": "R"}}'
    use_instead = "Migrate it with that language's tooling, or exclude it with `extend-exclude`."
    passing = (
        Example(cells=("x = 1",)),
        # An editor's default Coconut kernel on plain Python: analysed as Python.
        Example(cells=("import os", "here = os.getcwd()"), kernel="coconut", language="coconut"),
    )
    failing = (
        Example(cells=("x <- c(1, 2, 3)",), kernel="ir", language="R", expect=((None, None),)),
        # Coconut's own syntax: not Python.
        Example(cells=("total = [1, 2, 3] |> sum",), kernel="coconut", language="coconut", expect=((None, None),)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        nb = ctx.facts.notebook
        if not nb.is_python:
            language = nb.kernel_language or nb.kernel_name or "unknown"
            yield Hit(None, None, None, f"Kernel language is {language!r}, not Python: its code is not analysed (only the execution counts are)", key=language)


class EmptyNotebook(Rule):
    code = "STR003"
    name = "empty-notebook"
    family = Family.STRUCTURE
    severity = Severity.INFO
    summary = "The notebook has no code and no prose: an empty leftover."
    what_it_does = (
        "Reports a notebook with no cells, or whose code cells are all empty and whose markdown "
        "holds no more than headings and a short note (fewer than 20 words outside headings, as a "
        "`# TODO` stub has). A notebook without code that explains something in prose (a book's "
        "preface or chapter, an index of links, course notes) is documentation: it is not meant "
        "to run, and it is not reported; nor is a redirect stub, markdown that says the notebook "
        "moved (or was deprecated, superseded) and links to where it went, or a placeholder that sends the reader to a "
        "page elsewhere (\"For now, see https://…\", \"refer to [the guide](https://…)\", \"Download all materials here: https://…\"; not a `TODO` reminder); nor a documentation page that "
        "a Sphinx/MyST directive fills (```` ```{eval-rst} ```` with `.. autoclass::`, `.. automodule::`); "
        "nor an exercise sheet, whose headings after the title are instructions (a heading of five words or "
        "more counts as prose: `### Step 3. Assign it to a variable called tips`), or a solutions sheet "
        "whose blank code cells kept their saved outputs (the expected answers); nor a page of images the notebook "
        "holds (screenshots pasted into markdown as attachments, or data URIs)."
    )
    why_bad = "There is nothing to migrate and nothing to read; it is usually a leftover that clutters the batch."
    example = "A notebook with only empty cells."
    use_instead = "Delete it, or add the code it was meant to hold."
    passing = (
        Example(cells=(md("# Notes"), "x = 1")),
        # A prose chapter: no code, and not meant to run.
        Example(cells=(
            md("# Preface\n\nThis book is about doing data science with Python: reading, cleaning and plotting data."),
            md("## Installation\n\n- Install Anaconda or Miniconda\n- Run `conda install numpy pandas scikit-learn matplotlib`"),
            "",
        )),
        # A redirect stub: the tutorial moved, the note links to its new home.
        Example(cells=(md("This walkthrough has moved.\n\nIt now lives at https://example.org/docs/walkthrough.html."),)),
        # A placeholder that points elsewhere for now: a title, the link to read, an empty cell.
        Example(cells=(
            md("# Scaling the analysis with Dask"),
            md("For now, see https://docs.example.org/dask/guide/basic-intro.html"),
            "",
        )),
        # A title slide that sends the reader to download the materials (fair check 27, str003-redirect-stub).
        Example(cells=(md("# Scaling Tutorial\n\n---\n\n# Download all materials here:\n# https://example.org/tutorial\n\n---"),)),
        # An API reference page: the directive renders the class's documentation.
        Example(cells=(md("# Scaler\n\n```{eval-rst}\n.. autoclass:: shop.prep.Scaler\n   :members:\n```"),)),
        # An exercise sheet: blank cells under instruction headings.
        Example(cells=(
            md("# Orders"), md("### Step 1. Load the orders file into a frame called orders"), "",
            md("### Step 2. How many orders were shipped late?"), "",
            md("### Step 3. Which customer placed the most orders overall?"), "",
        )),
        # A notes page of pasted screenshots: the images attached to the markdown are its content (fair check 47,
        # item 160: str003-image-notes-page).
        Example(cells=(md("![Screenshot 2024-07-08.png](attachment:98d909e7.png)"), md("![table.png](attachment:1072dd86.png)"), "")),
        # A solutions sheet: the code was cleared, the saved outputs are the answers.
        Example(cells=(md("# Orders"), md("### Step 2"),
                       code_cell("", outputs=({"output_type": "execute_result", "execution_count": 4, "data": {"text/plain": "1834"}, "metadata": {}},)))),
    )
    failing = (
        Example(cells=(), expect=((None, None),)),
        Example(cells=(md("# TODO"), "   "), expect=((None, None),)),
        # A stub's note is not documentation.
        Example(cells=(md("# Churn model\nTODO: port the model from the old repository here."), ""), expect=((None, None),)),
        # A link alone does not make a stub a redirect.
        Example(cells=(md("# Scratch\nTODO: try https://example.org/api"),), expect=((None, None),)),
        # Short headings are section names, not instructions.
        Example(cells=(md("# Churn"), md("## Load data"), "", md("## Train the model"), ""), expect=((None, None),)),
        # A stub's reminder to read a page is still a stub.
        Example(cells=(md("# Scaling"), md("TODO: see https://docs.example.org/dask/guide.html"), ""), expect=((None, None),)),
        # A stub's reminder to download something is still a stub.
        Example(cells=(md("# Weather\nTODO: download the data from https://example.org/weather.csv"), ""), expect=((None, None),)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        notebook = ctx.facts.notebook
        if any(c.source.strip() for c in notebook.code_cells):
            return
        if any(c.outputs for c in notebook.code_cells):
            return  # a solutions sheet: code cleared, the saved outputs kept as the answers
        markdown = [c.source for c in notebook.cells if c.cell_type == "markdown"]
        if _has_prose(markdown, _PROSE_WORDS - _instruction_heading_words(markdown)):
            return  # documentation or an exercise sheet's instructions, not a leftover
        if any(_DOC_DIRECTIVE.search(text) for text in markdown):
            return  # a documentation page the directive fills (an API reference built by Sphinx)
        if any(_EMBEDDED_IMAGE.search(text) for text in markdown):
            return  # a page of pasted images (screenshots of notes): content kept in the notebook, like prose
        if any(_is_redirect(text) for text in markdown):
            return  # a signpost to where the notebook went, kept on purpose
        if any(_POINTS_ELSEWHERE.search(text) for text in markdown) and not any(_STUB_WORDS.search(text) for text in markdown):
            return  # a placeholder that sends the reader to a page elsewhere ("For now, see https://…")
        yield Hit(None, None, None, "Notebook has no code", key="empty")


def _only_setup(ca: CellAnalysis) -> bool:
    """The cell holds nothing but imports, comments and magics (masked to `pass`)."""
    if not ca.masked.is_python:
        return True
    try:
        tree = ast.parse(ca.masked.python)
    except (SyntaxError, ValueError):
        return False
    return all(isinstance(statement, (ast.Import, ast.ImportFrom, ast.Pass)) for statement in tree.body)


# A note that the notebook went elsewhere ("This tutorial has moved. Please see https://…"; fair
# check 14: 12 of gensim's old tutorials are such one-cell redirects), with the link it points to.
_REDIRECT_WORDS = re.compile(r"\b(?:has|have|was|were|been|is|are)\s+(?:now\s+)?(?:moved|relocated|migrated|deprecated|superseded|replaced)\b|\bnow\s+lives\b", re.IGNORECASE)
_LINK = re.compile(r"https?://\S+|\]\([^)\s]+\)")


# A note whose point is a link to read instead ("For now, see https://…", "Please refer to [the
# guide](https://…)"; fair check 22: geopandas-tutorial's Dask part is a title, such a note and an
# empty cell; "Download all materials here: https://…", fair check 27: a tutorial's title slide, the
# link on the heading line below), unless it is a stub's reminder (`TODO: see https://…`).
_POINTS_ELSEWHERE = re.compile(
    r"\b(?:see|refer\s+to|visit|go\s+to|head\s+(?:over\s+)?to|check\s+out|download(?:\s+\w+){0,3}\s+(?:here|from|at))"
    r"\s*:?\s*(?:#+\s*)?(?:https?://\S+|\[[^\]]*\]\(https?://[^)\s]+\))",
    re.IGNORECASE,
)
_STUB_WORDS = re.compile(r"\b(?:TODO|FIXME|TBD|XXX)\b")


# An image the notebook itself holds: a markdown cell's attachment (`![shot.png](attachment:….png)`, what pasting a
# screenshot makes) or a data URI. Such a notebook keeps its content in the images (fair check 47, item 160: two
# pasted screenshots of notes and an empty code cell). An image linked from elsewhere is not counted.
_EMBEDDED_IMAGE = re.compile(r"""(?:\]\(\s*<?|src\s*=\s*["']?)(?:attachment:|data:image/)""", re.IGNORECASE)


def _is_redirect(markdown: str) -> bool:
    return _REDIRECT_WORDS.search(markdown) is not None and _LINK.search(markdown) is not None


# Words of text outside headings from which a notebook without code is documentation: a stub's
# note ("Port the churn model here.") is shorter; the shortest prose chapter of a book is a page.
_PROSE_WORDS = 20


# A Sphinx/MyST directive: ```{eval-rst}, ```{autodoc}, :::{note}, or reStructuredText's `.. autoclass::`.
_DOC_DIRECTIVE = re.compile(r"^\s*(?:(?:`{3,}|:{3,})\s*\{[\w-]+\}|\.\.\s+[\w-]+(?::[\w-]+)?::)", re.MULTILINE)
# A heading of this many words is a sentence (an exercise's instruction), not a section name.
_INSTRUCTION_HEADING_WORDS = 5


def _instruction_heading_words(markdowns: list[str]) -> int:
    """Words of headings of five words or more, the notebook's first heading (its title) aside."""
    headings = [line.lstrip().lstrip("#") for text in markdowns for line in text.splitlines() if line.lstrip().startswith("#")]
    counts = [sum(1 for token in h.split() if any(ch.isalnum() for ch in token)) for h in headings[1:]]
    return sum(n for n in counts if n >= _INSTRUCTION_HEADING_WORDS)


def _has_prose(markdowns: Iterable[str], enough: int = _PROSE_WORDS) -> bool:
    """`sum(_prose_words(m) for m in markdowns) >= enough`, counted only until `enough` words are
    seen: a book's chapter without code holds thousands (PythonDataScienceHandbook's index and
    preface notebooks: counting all of them, token by token, was most of this rule's time)."""
    seen = 0
    for markdown in markdowns:
        for line in markdown.splitlines():
            if line.lstrip().startswith("#"):
                continue
            for token in line.split():
                if any(ch.isalnum() for ch in token):
                    seen += 1
                    if seen >= enough:
                        return True
    return seen >= enough


def _prose_words(markdown: str) -> int:
    """Words (tokens with a letter or digit, so table rules and bullets do not count) outside headings."""
    return sum(
        sum(1 for token in line.split() if any(ch.isalnum() for ch in token))
        for line in markdown.splitlines()
        if not line.lstrip().startswith("#")
    )


class Python2Notebook(Rule):
    code = "STR004"
    name = "python2-notebook"
    family = Family.STRUCTURE
    severity = Severity.ERROR
    blocks_compile = True  # Python 2 code does not run under the package's Python 3
    summary = "The notebook is Python 2 (by its kernel metadata or its syntax); reported once."
    what_it_does = (
        "Reports the notebook once when its kernel metadata names Python 2 (kernel `python2`, "
        "language version `2.x`; not a `2.x` version its own language_info contradicts with an `ipython3` "
        "lexer or CodeMirror mode 3, which the kernel writes from the same interpreter, nor a `python2` "
        "kernelspec beside a `3.x` language_info version: the kernel that saved it was Python 3, only the "
        "kernelspec's name is stale; nor a `2.x` language_info beside a kernelspec naming one Python 3 interpreter "
        "(`Python 3.6.9 64-bit`, as VS Code writes it: the editor kept the file's old language_info block); nor a `python3` kernelspec whose language_info alone says `2.x` when no "
        "saved output has content (no cell run, or execution counts beside empty outputs: a stripped or "
        "generated notebook) or when its code has nothing only Python 2 runs (no Python 2 syntax, no `xrange`, `raw_input`… "
        "no `urllib2`, `cPickle`… import, no `.iteritems()`): the python3 kernel starts, only the language_info block is "
        "stale) or when two or more "
        "code cells fail to parse because of Python 2 syntax, or when it has no kernel metadata at all (an nbformat 3 "
        "file) and its code reads `xrange`, `raw_input`, `unicode`, `basestring`, `unichr` or `execfile` where no cell "
        "defines it: "
        "`print x`, `exec \"code\"`, `except E, e:`, `raise E, \"msg\"`, backquotes, `<>`, `0777`, "
        "`ur\"\"`, long literals (`0L`), parenthesised parameters (`lambda (k, v): …` too). The cells with Python 2 syntax are listed in the "
        "message and as related locations; STR001 does not report them again. So are the reads of "
        "Python 2 builtins no cell defines (`xrange`, `unicode`, `raw_input`, `basestring`, `long`, "
        "`reduce`, `file`, `unichr`, `execfile`…): builtins of the notebook's own kernel, undefined "
        "only once it is ported, so HID003 does not report them; and so are imports of modules only "
        "Python 2 has (`urllib2`, `cPickle`, `StringIO`…), calls of `.iteritems()`, `.has_key()`… and of "
        "functions only Python 2's module holds (`urllib.urlretrieve`, `itertools.izip`, `os.getcwdu`…). "
        "When only the kernel metadata is Python 2 and every cell parses as Python 3 without any of "
        "those, the message says so: the "
        "action is a re-run on Python 3, not a port (a kernel switch when no cell was run). A notebook "
        "without code (only Markdown) is not reported, nor, when only the kernel is Python 2, one whose code is only "
        "imports, comments and magics (an exercise sheet whose answers were cleared): nothing to port, and a re-run "
        "would only erase its saved outputs."
    )
    why_bad = (
        "Python 2 code does not run on the Python 3 kernel a pipeline uses, and where it parses it "
        "can mean something else (`/` on integers, `dict.keys()`, `str` vs bytes). One finding "
        "says what to do about the whole notebook, instead of one error per `print`."
    )
    example = "# [1]\nprint 'accuracy', acc\n# [2]\ntry:\n    risky()\nexcept ValueError, e:\n    print e"
    use_instead = "# python -m lib2to3 / 2to3 -w notebook.py, then review\nprint('accuracy', acc)"
    passing = (
        Example(cells=("print('ok')", "values = [1, 2]\nprint(sum(values))")),
        Example(cells=("for f in files:\n    print(f",)),
        # One stray Python 2 print in a Python 3 notebook is STR001's.
        Example(cells=("x = 1", "print x")),
        # Only Markdown under a Python 2 kernel: nothing to port or re-run.
        Example(cells=(md("# Regular expressions"), md("![cheat sheet](regex.png)")), kernel="python2"),
        # Only imports and comments under a Python 2 kernel: nothing that runs differently.
        Example(cells=("import pandas as pd\n%matplotlib inline", "# Step 2: your answer here", ""), kernel="python2"),
        # A `python3` kernelspec with a stale `2.7.6` language_info and saved outputs of code only Python 3
        # parses (annotations, f-strings), an exercise blank left unparsable: Python 3 ran it, nothing to
        # port (fair check 40, items 159-161).
        Example(cells=(code_cell("def count(lines: list) -> int:\n    return len(lines)\nprint(f'{count([1])} line')", 1,
                                 outputs=({"output_type": "stream", "name": "stdout", "text": "1 line\n"},)),
                       "for i in range(3):\n    # --- START CODE HERE\n    # --- END CODE HERE"),
                language_version="2.7.6"),
    )
    failing = (
        Example(cells=("import numpy as np", "print 'mean', np.mean([1, 2])", md("## more"), "try:\n    1 / 0\nexcept ZeroDivisionError, e:\n    print(e)"),
                expect=((None, None),)),
        Example(cells=(code_cell("x = 1 / 2", 1),), kernel="python2", expect=((None, None),)),
        # ... or with a saved output only Python 2 prints: the tuple of `print("score:", score)`.
        Example(cells=(code_cell("score = 3.0\nprint('score:', score)", 1,
                                 outputs=({"output_type": "stream", "name": "stdout", "text": "('score:', 3.0)\n"},)),),
                language_version="2.7.6", expect=((None, None),)),
        # The same stale `2.7.6` under a `python3` kernelspec, but with saved outputs of code only Python 2 runs.
        Example(cells=(code_cell("for i in xrange(2):\n    print(i)", 1,
                                 outputs=({"output_type": "stream", "name": "stdout", "text": "0\n1\n"},)),),
                language_version="2.7.6", expect=((None, None),)),
        # No kernel metadata at all (an nbformat 3 file) and `xrange`, which no cell defines: the
        # kernel that ran it was Python 2 (fair check 24), though every cell parses as Python 3.
        Example(cells=("def approximate_match(p, t, n):\n    segment_length = int(round(len(p) / (n + 1)))\n"
                       "    for i in xrange(n + 1):\n        start = i * segment_length\n        print(p[start:start + segment_length])",
                       "approximate_match('AACTTG', 'CACTTAATTTG', 2)"), kernel="", language="", expect=((None, None),)),
        # Python 2 builtins in a Python 2 kernel's notebook: related locations here, not HID003 errors.
        Example(cells=("from __future__ import print_function", "for i in xrange(3):\n    print(i)"), kernel="python2",
                expect=((None, None),)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        cells = list(python2_cells(ctx.facts))
        kernel = python2_kernel(ctx.facts)
        if not cells and kernel is None and not python2_names_without_metadata(ctx.facts):
            return
        code_cells = [c for c in ctx.facts.notebook.code_cells if c.source.strip()]
        if not code_cells:
            return  # only Markdown: no code to port or re-run, whatever the kernel
        ran = any(c.execution_count is not None or c.outputs for c in code_cells)
        builtins = python2_builtin_reads(ctx.facts) + python2_only_uses(ctx.facts)
        builtins.sort(key=lambda found: (found[0].cell.index, found[2], found[3] or 0))
        reasons = []
        if kernel is not None:
            reasons.append(kernel)
        if cells:
            indexes = [ca.cell.index for ca in cells]
            if len(indexes) > 5:
                shown = ", ".join(str(i) for i in indexes[:5]) + f" and {len(indexes) - 5} more"
            else:
                shown = and_listed(indexes)
            reasons.append(f"Python 2 syntax in cell{'s' if len(indexes) > 1 else ''} {shown}")
        used = list(dict.fromkeys(name for _, name, _, _ in builtins))
        if builtins:
            where = sorted({ca.cell.index for ca, _, _, _ in builtins})
            reasons.append(
                f"Python 2 only {'names' if len(used) > 1 else 'name'} {', '.join(f'`{n}`' for n in used)} in "
                f"cell{'s' if len(where) > 1 else ''} {_cells(where)}"
            )
        fix = "Convert it with 2to3 (or by hand: print(), except E as e), switch the kernel to Python 3, re-run and save."
        if used:
            replacements = {**PYTHON2_BUILTINS, **PYTHON2_MODULES, **PYTHON2_FUNCTIONS, **{f".{m}()": f".{r}()" if r != "in" else "in" for m, r in PYTHON2_METHODS.items()}}
            fix = ("Convert it with 2to3 (or by hand: " + ", ".join(f"{n} → {replacements[n]}" for n in used)
                   + "), switch the kernel to Python 3, re-run and save.")
        if cells or builtins or any(ca.facts.syntax_error is not None for ca in ctx.facts.cells):
            says3 = _python3_metadata(ctx.facts) if kernel is None else None
            if says3:
                # Python 2 code saved under a Python 3 kernel's metadata (fair check 19: quantopian's
                # lectures say 3.6.5 and hold `print x` in 94 cells): the code is what needs porting.
                message = (f"The notebook's code is Python 2 ({'; '.join(reasons)}) although its kernel metadata says "
                           f"Python 3 ({says3}): port the code to Python 3 before migrating")
            else:
                message = f"The notebook is Python 2 ({'; '.join(reasons)}): port it to Python 3 before migrating"
        else:
            if all(_only_setup(ca) for ca in ctx.facts.cells if ca.cell.cell_type == "code" and ca.cell.source.strip()):
                return  # imports, comments and magics only: nothing to port, a re-run only erases outputs
            # Only the kernel is Python 2: every cell parses as Python 3 (often with
            # `from __future__ import print_function, division`). No port, a re-run.
            shown = any(c.outputs for c in code_cells)
            message = (f"The notebook's kernel is Python 2 ({kernel}), but its code parses as Python 3: "
                       "re-run it on Python 3 before migrating ("
                       + ("the saved outputs are Python 2's)" if shown else
                          "its cells ran on Python 2, and papermill and nbconvert would look for that kernel)")) if ran else (
                       f"The notebook's kernel is Python 2 ({kernel}), but its code parses as Python 3 and no cell was "
                       "run: switch the kernel to Python 3 before migrating")
            fix = ("Switch the kernel to Python 3, re-run all cells and save; check the outputs (`/` between integers "
                   "divides exactly in Python 3 unless the notebook imports `from __future__ import division`).") if ran else (
                   "Switch the kernel to Python 3 (Kernel > Change kernel) and save; check any `/` between integers, "
                   "which divides exactly in Python 3 unless the notebook imports `from __future__ import division`.")
        yield Hit(
            None, None, None,
            message,
            fix=fix,
            key="python2",
            related=tuple(
                [(ca.cell, ca.facts.syntax_error.line if ca.facts.syntax_error else 1, None) for ca in cells]
                + [(ca.cell, line, column) for ca, _, line, column in builtins]
            ),
        )
