"""`ast_facts.facts_from_ast`: a cell's facts from CPython's tree are exactly libcst's
(`analysis.libcst_facts`) whenever it gives any, on edge cases and on every fixture cell; the
cells it leaves to libcst are the ones it says it does."""

from __future__ import annotations

import ast

import pytest

from nbrefactor.audit import analysis
from nbrefactor.audit.analysis import analyse_cell, libcst_facts
from nbrefactor.audit.ast_facts import facts_from_ast
from nbrefactor.audit.ipython import mask_cell
from nbrefactor.audit.types import Cell

from fixture_cells import raw_code_sources

# Each read the same both ways (and by CPython's tree: none of them is left to libcst).
SAME = (
    "import numpy as np, os.path\nfrom a.b import c as d, e\nfrom .. import f\nfrom g import *\n",
    "x = f((a))\ny = g(1, (b + 2), *(c), **(d))\nz = (h)((i), j=(3))\nw = k(  ( (l) ), m)\n",
    "total = sum(x * 2 for x in values)\nbest = max((v for v in values), key=len)\nn = len( (q) for q in r )\n",
    "frame.to_csv(\n    'out.csv',\n    (index),\n    sep=';',\n)\nplot(\n\n    (xs),\n    ys)\n",
    "a = f(-1, +2, ~3, -(4), 1_000, 0x1F, 2.5e-3, 1j, -1j, True, None, ..., b'raw', not 0)\n",
    "def f(a, b=1, /, c=g(), *args, d: int = h(), e=2, **kw) -> np.ndarray:\n    global G, H\n    G = a\n    return b\n    unreachable()\n",
    "def one(): return 1; after(); more = 2\nasync def two(x=y):\n    await x\n    raise E; tail()\n",
    "class C(Base, *mixins, metaclass=M, **opts):\n    attr = helper()\n    def method(self):\n        return attr\n",
    "@decorate(arg)\n@other\ndef g():\n    x: int = 1\n    y: int\n    z += 1\n    del w\n",
    "try:\n    import tensorflow as tf\nexcept (ImportError, AttributeError) as err:\n    print(err)\nexcept (KeyError) as  other:\n    pass\nfinally:\n    done()\n",
    "squares = [x * x for x in range(10) if x % 2 if x]\npairs = {k: v for k, v in items}\nnested = [[y for y in row] for row in grid]\n",
    "if (n := len(data)) > 10:\n    print(n)\nresult = [last := v for v in data]\n",
    "df['c'] = df.a + 1\ndf.drop(columns=['b'], inplace=True)\nlst.append(3)\nmodel.fit(X, y)\nobj.attr.sub = 2\ndel table['k'], other\n",
    "lam = lambda a, b=default(), *c, d=other(), **e: a + b + outer\nvalue = x if cond else y\nmapping = {'a': 1, **extra, b: c}\n",
    "with open(p) as f, lock:\n    text = f.read()\nasync def h():\n    async with s as (a, b):\n        pass\n    async for i in it:\n        pass\n",
    '"""Doc string\nover lines."""\ns = (\'one\')\nt = r"\\d+"\nu = b"\\x00"\nv = """\ntriple\n"""\n',
    "for i, (a, *rest) in enumerate(pairs):\n    total += a\nelse:\n    finish()\nwhile running:\n    step()\n",
    "x = 1; y = x + z\nprint(x,\n      y)  # a comment\nget_ipython().run_line_magic('matplotlib', 'inline')\n",
    # f-strings: their raw text and `{}` for each field; each field's expression at its place
    "name = f'{user}/{repo}'\n",
    'line = f"a{{b}}\\n{c!r:>{width}} {d=} {e:%Y-%m-%d} {g!s:{fill}^{n}}"\n',  # escapes, braces, specs, `!r`, `=`
    "nested = f'{f\"{inner} {g(x)}\"}' + F'{x:{y}.{z}f}' + f\"{d['key']} {d[k]:>4}\"\n",
    "s = f'''\nhead {a +\n  b} mid {h(x, (y))}\n tail {k(z)!s}'''\nprint(s, f\"\"\"{last}\"\"\")\n",  # multi-line
    "r = rf'\\d+{sep}\\w' + Rf\"{q}\" + fr'{p}\\{{' + b'bytes' + rb'raw\\d'\n",  # raw f-strings, byte strings
    "log(f'{a==b} {c!=d} {e<=f} {g<h} {(k:=3)} {[i for i in rows]} {lambda_ok}', level=f'{lvl}')\n",
    "open(f'data/{name}.csv', mode=f'{m}')\nopen((f'{p}'), f'{q}')\n",  # f-strings as arguments
    "def report(p):\n    global total\n    total = f'{p} {total}'\n    return f'{p} {glob} {[i for i in p]}'\n",
    "x = f'{ a }' + f'{b!a}' + f'' + f'plain'\n",
    # Non-ASCII text in strings and comments only (sixteenth round): columns in characters, as libcst's
    "s = 'café'; t = len(s)  # déjà vu\nprint(t, '日本語', s.upper())\n",
    "frame = read('données.csv', sep,\n    names=['é', 'ü'])  # les données\nplot((frame), title='Ångström')\n",
    "doc = \"\"\"première\nligne — deux\n\"\"\"; after = g(doc)\nx = {'ключ': [1, 2]}  # ✓\nh(x['ключ'], (y))\n",
    "def f(a='π', *, b=g('∑')):\n    global T\n    T = a  # →\n    return h(b, 'ω')\n",
    # Implicit concatenation (`"a" "b"`: one node for CPython, a `ConcatenatedString` of parts for
    # libcst): each part a string of its own at its place, an f-string part's fields after it, and
    # no `string` for an argument made of parts
    "note = ('plain ' f'{value}')\npair = f'{a}' f'{b}'\n",
    "url = ('https://host/' 'path.csv')\nread_csv('data/' 'x.csv', sep=',')\n",
    'doc = ("""first""" """second""")\nraw = b"ab" rb"\\d"\n',
    "print(f'{i + 1}/{len(pairs)} '\n      f'{leader}->{follower:>4}\\n'  # progress\n      'done', sep='')\n",
    "def f(k):\n    return (f'{k}'\n            'tail' f'{g(k)!r}')\nmsg = 'a' f'{q}' 'c'\nv = f\"{d['a' 'b']}\" 'x'\n",
    # a generator that is the only argument, after a backslash continuation: libcst's starts on the next line
    "print(' '.join(\\\n            '%s' % c for c in names))\n",
    # f-strings in non-ASCII cells: placed from the text, their fields' columns in characters
    "s = 'é'; t = f'{x}'\nprint(f'Précision : {acc:.2f} – {d[\"clé\"]} {y}')\n",
    "msg = (f'Año {year}: '\n       f'{total:,} € {name!r}')\nopen(f'données/{fichier}.csv')\n",
    "print(f'{\"é\" + x} {y}', f\'\'\'\nligne {z} é\n{w}\'\'\')\nv = f'{a}' if b else 'ç'\n",
)

# Left to libcst: where CPython's tree says less than libcst's, or in other units.
LEFT = (
    "bullet = f'\\N{BULLET} {item}'\n",  # `\\N{…}` is no field
    "spaced = f'{total = }'\n",  # `=` with spaces around it
    "caf\u00e9 = f'{x}'\n",  # non-ASCII before an f-string
    "café = 1\n",  # a non-ASCII name (CPython's columns are UTF-8 bytes, and it keeps names NFKC-normalised)
    "match command:\n    case [x]:\n        pass\n",
    "call(  # why\n    (value))\n",  # a comment between the call's parenthesis and a parenthesised argument
)


def _both(python: str):
    tree = analysis.python_tree(python)
    return facts_from_ast(python, tree), libcst_facts(python)


@pytest.mark.parametrize("python", SAME)
def test_cpython_tree_gives_libcsts_facts(python):
    from_ast, from_libcst = _both(python)
    assert from_ast is not None, "expected to be read from CPython's tree"
    assert from_ast == from_libcst


@pytest.mark.parametrize("python", LEFT)
def test_what_cpython_tree_cannot_say_is_left_to_libcst(python):
    from_ast, from_libcst = _both(python)
    assert from_ast is None
    assert from_libcst.syntax_error is None


def test_every_fixture_cell_gives_the_same_facts_both_ways():
    read = 0
    for source in raw_code_sources():
        python = mask_cell(source, frozenset(), frozenset()).python
        if not python.strip() or analysis._cpython_syntax_error(python) is not None or analysis.too_complex(python):
            continue
        try:
            tree = analysis.python_tree(python)
        except (SyntaxError, ValueError):
            continue
        from_ast = facts_from_ast(python, tree)
        if from_ast is not None:
            read += 1
            assert from_ast == libcst_facts(python), source
    assert read > 500


def test_the_analysis_takes_cpython_tree_and_falls_back_to_libcst():
    plain = analyse_cell(Cell(index=0, cell_type="code", source="import pandas as pd\ndf = pd.read_csv('a.csv')"))
    assert plain.facts.calls[0].func == "pd.read_csv" and plain.facts.strings[0].value == "a.csv"
    formatted = analyse_cell(Cell(index=0, cell_type="code", source="name = 'x'\npath = f'data/{name}.csv'"))
    assert formatted.facts.strings[1].value == "data/{}.csv" and formatted.facts.strings[1].formatted
    assert ast.parse("x = 1")  # (CPython's tree is the one the syntax check built)


def test_names_in_fstrings_stand_at_their_columns_in_the_cell():
    python = 'print(f"{a} and {b!r:>{w}}", f"""\n  {c}""")\n'
    from_ast, from_libcst = _both(python)
    assert from_ast == from_libcst
    assert [(r.name, r.line, r.column) for r in from_ast.reads] == [("print", 1, 1), ("a", 1, 10), ("b", 1, 18), ("c", 2, 4)]
    assert [(s.value, s.column, s.formatted) for s in from_ast.strings] == [("{} and {}", 7, True), ("\n  {}", 30, True)]


def test_columns_after_non_ascii_text_are_characters():
    """A cell with non-ASCII text (here an f-string in it: libcst's) reports columns in characters."""
    facts = analyse_cell(Cell(index=0, cell_type="code", source="s = 'é'; t = f'{x}'")).facts
    assert [(r.name, r.column) for r in facts.reads] == [("x", 17)]
