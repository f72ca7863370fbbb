"""A cell the saved notebook shows raising, past which its kernel went on.

A lesson shows an exception on purpose (`1/0`, `prices["mango"]`), an argparse cell ends in
SystemExit, a cell failed and the author ran the ones below anyway: the saved outputs hold an
`error` output, and the cells below ran in the same kernel. Jupyter's "Run All" would stop there;
the notebook as saved did not. The compiler wraps such a cell in `try: … except <that exception>`
(compile/transform.py `catching`), listed as a review item, so the package goes on where the
notebook did; `nbrefactor verify` lets that cell raise that exception (and only that one) when it
runs the notebook to compare. One rule for both, here (no heavy imports: verify reads it too).
"""

from __future__ import annotations

from typing import Optional

# Not gone past: a run stopped by hand (the cell never finished; it did not fail), and errors of
# code that does not compile (such a cell is left out of the package with its own review item).
NOT_GONE_PAST = frozenset({"KeyboardInterrupt", "SyntaxError", "IndentationError", "TabError"})


def gone_past(ename: str) -> Optional[str]:
    """The exception class name of a saved error output (`ename`, or the loader's
    "ename: evalue") when a run reproducing the notebook should catch it and go on, else None."""
    name = ename.split(":", 1)[0].strip()
    if not name.isidentifier() or name in NOT_GONE_PAST:
        return None
    return name
