"""STR008: `is` / `is not` against a literal (`col is not 'calories'`, `n is 1`)."""

from __future__ import annotations

import ast
from typing import Iterator

from nbrefactor.audit.analysis import cell_python_tree
from nbrefactor.audit.facts import character_column, nodes_of
from nbrefactor.audit.types import Family, Severity
from nbrefactor.audit.rules import Example, Hit, Rule, RuleContext

# The constants `is` may be asked about: the singletons (CPython's compiler warns for any other
# constant: `check_is_arg` in compile.c).
_SINGLETONS = (None, True, False, Ellipsis)


def _literal(node: ast.expr) -> bool:
    """A constant whose equal values need not be the same object: a string, bytes, a float, a complex
    number, an int outside CPython's cache of -5 to 256. The singletons are what `is` is for, and a
    small int (`len(shape) is 3`, `n is 0`) is the one cached object in CPython: such a test behaves,
    though CPython warns too (left out: the finding would claim a failure that does not happen). A
    tuple of constants is left out as well (`ast.parse` does not fold it)."""
    if not isinstance(node, ast.Constant) or any(node.value is s for s in _SINGLETONS):
        return False
    value = node.value
    return not isinstance(value, int) or isinstance(value, bool) or not -5 <= value <= 256


class IdentityWithLiteral(Rule):
    code = "STR008"
    name = "is-literal-comparison"
    family = Family.STRUCTURE
    severity = Severity.WARNING
    summary = "`is` or `is not` against a string or number literal (`col is not 'calories'`): an identity test where equality was meant."
    what_it_does = (
        "Reports `x is <literal>` and `x is not <literal>` where the literal is a string, bytes, a float or an int "
        "outside -5 to 256, once per notebook (the other comparisons are related locations). Not `None`, `True`, "
        "`False` or `...` (what `is` is for), nor a small int (`len(shape) is 3`): CPython keeps one object for each "
        "of -5 to 256, so that test behaves, though CPython warns about it too."
    )
    why_bad = (
        "`is` asks whether two names hold the same object, not equal values. Whether an equal string or number is the "
        "same object depends on CPython's caching and interning: a column name read from a file, a number computed at "
        "run time or a string built by a join is another object, so `col is not 'calories'` is True for the column "
        "`calories` too, and the filter keeps what it meant to drop. The result can change between Python versions and "
        "between a notebook and the module compiled from it; CPython warns when it compiles the code "
        "(`SyntaxWarning: \"is not\" with a literal. Did you mean \"!=\"?`, since 3.8)."
    )
    example = "features = [col for col in df.columns if col is not 'calories']"
    use_instead = "features = [col for col in df.columns if col != 'calories']"
    passing = (
        Example(cells=(
            "model = None\nif model is None:\n    model = object()",
            "flag = True\nif flag is not False and model is not Ellipsis:\n    print(type(model) is object)",
            "features = [col for col in ['a', 'calories'] if col != 'calories']",
            "if len(features) is 1 and features[0] is not 0:\n    print(features)",
        )),
    )
    failing = (
        Example(
            cells=(
                "import pandas as pd\ndf = pd.DataFrame({'calories': [1], 'protein': [2]})",
                "features = [col for col in df.columns if col is not 'calories']",
                "if len(features) is 1 or features[0] is 'protein' or 2.5 is not len(features) / 2:\n    print(features)",
            ),
            expect=((2, 1),),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        found: list[tuple] = []
        for ca in ctx.facts.cells:
            # Every case needs ` is ` in the cell's text: most cells have none and are not walked.
            if " is " not in ca.masked.python:
                continue
            tree = cell_python_tree(ca)
            if tree is None:
                continue
            for compare in nodes_of(tree, ast.Compare):
                operands = (compare.left, *compare.comparators)
                for i, op in enumerate(compare.ops):
                    if isinstance(op, (ast.Is, ast.IsNot)) and (_literal(operands[i]) or _literal(operands[i + 1])):
                        text = ca.masked.python.split("\n")[compare.lineno - 1]
                        found.append((ca.cell, compare.lineno, character_column(text, compare.col_offset) + 1, ast.unparse(compare),
                                      isinstance(op, ast.IsNot)))
                        break
        if not found:
            return
        found.sort(key=lambda f: (f[0].index, f[1], f[2]))
        cell, line, column, shown, negated = found[0]
        more = len(found) - 1
        others = f"; {more} more comparison{'s' if more > 1 else ''} of the notebook do{'' if more > 1 else 'es'} the same" if more else ""
        equal = "!=" if negated else "=="
        yield Hit(
            cell,
            line,
            column,
            f"`{_shorten(shown)}` tests identity against a literal: whether an equal string or number is the same object "
            f"depends on CPython's caching (a value read from a file or computed at run time is another object), so the "
            f"test can fail for equal values; CPython warns when it compiles it (SyntaxWarning since 3.8){others}",
            fix=f"Compare values: `{equal}` instead of `{'is not' if negated else 'is'}` (keep `is` for None, True and False).",
            key="is-literal-comparison",
            related=tuple((c, ln, col) for c, ln, col, _, _ in found[1:]),
        )


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
