"""Hosted-runtime tests read from CPython's tree: is an `if`'s test true only on Colab or Kaggle,
or only off them?

Shared by the path rules (a literal in a Colab set-up branch) and DEP003 (an install that runs
only on the hosted runtime). An `if`'s body runs where its test holds, its `else:` where it does not:
`if "COLAB_" not in "".join(os.environ.keys()): !pip install x` / `else: <Colab set-up>` installs
`x` everywhere but Colab, and the `else:` only there.
"""

from __future__ import annotations

import ast
import re

# `'google.colab' in sys.modules`, `IN_COLAB`, `IS_KAGGLE`, `os.environ.get("COLAB_GPU") is not None`,
# `os.path.exists("/kaggle/input")`: a test that holds only on a hosted runtime. Names say so by
# their words; strings only as the runtime's module, variables or folders (`"kaggle.json"`, the API
# key a local run also has, is no such test). `"COLAB_"` alone is the prefix a test looks for among the
# environment's names (`"COLAB_" in "".join(os.environ.keys())`).
_HOSTED_NAME = re.compile(r"colab|kaggle", re.IGNORECASE)
_HOSTED_STRING = re.compile(r"^(?:google\.colab\b|kaggle_secrets$|kaggle_web_client$|COLAB_\w*$|KAGGLE_\w*$|/kaggle(?:/|$)|/content(?:/|$))")


def mentions_hosted(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and _HOSTED_NAME.search(sub.id):
            return True
        if isinstance(sub, ast.Attribute) and _HOSTED_NAME.search(sub.attr):
            return True
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and _HOSTED_STRING.match(sub.value):
            return True
    return False


def hosted_test(node: ast.expr) -> bool:
    """Is `node` true only on Colab or Kaggle? `not IN_COLAB`, `'google.colab' not in sys.modules`
    and `IN_COLAB == False` are the local branch's tests and are not; in an `and`, one hosted
    conjunct is enough (`'google.colab' in sys.modules and not os.path.exists('.setup_complete')`)."""
    if isinstance(node, ast.BoolOp):
        # `IS_COLAB or IS_KAGGLE`: every alternative hosted.
        hosted = [hosted_test(v) for v in node.values]
        return any(hosted) if isinstance(node.op, ast.And) else all(hosted)
    if isinstance(node, ast.UnaryOp):
        return False
    if isinstance(node, ast.Compare):
        negated = sum(isinstance(op, (ast.NotIn, ast.NotEq, ast.IsNot)) for op in node.ops)
        negated += sum(isinstance(c, ast.Constant) and c.value in (None, False, 0, "") for c in node.comparators)
        if negated % 2:
            return False
    return mentions_hosted(node)


def local_test(node: ast.expr) -> bool:
    """Is `node` false only on Colab or Kaggle, so that an `if`'s `else:` runs only there? The
    negations `hosted_test` refuses: `not IN_COLAB`, `"COLAB_" not in "".join(os.environ.keys())`,
    `IN_COLAB == False`, `os.environ.get("COLAB_GPU") is None`. De Morgan for the others: `not IS_COLAB
    and not IS_KAGGLE` (every conjunct local), `not IN_COLAB or FORCE` (one alternative local is enough
    for the `else:` to need the hosted runtime). `find_spec("torch") is None or IN_COLAB` is neither:
    its `else:` runs wherever torch is installed."""
    if isinstance(node, ast.BoolOp):
        local = [local_test(v) for v in node.values]
        return all(local) if isinstance(node.op, ast.And) else any(local)
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, ast.Not) and hosted_test(node.operand)
    if isinstance(node, ast.Compare) and mentions_hosted(node):
        negated = sum(isinstance(op, (ast.NotIn, ast.NotEq, ast.IsNot)) for op in node.ops)
        negated += sum(isinstance(c, ast.Constant) and c.value in (None, False, 0, "") for c in node.comparators)
        return negated % 2 == 1
    return False
