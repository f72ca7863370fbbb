"""Per-notebook screens: a rule that provably cannot report anything on a notebook is not run on it
(issue 15, twentieth round).

The rules spend most of their time on notebooks where they find nothing (PythonDataScienceHandbook,
136 notebooks, `-j 1`: 1.13 s of the rules' 1.43 s of CPU went to rule runs that returned no
finding), and several of them build whole-notebook analyses before they can tell. A screen reads
what the notebook model already holds (execution counts, cell types) for a condition without which
the rule's `check` yields nothing, whatever the cells hold; the engine asks `may_report` before it
runs a rule. A screen never decides *what* a rule reports: where it answers True the rule runs as
before, so the findings are the rule's own. Each screen carries its proof (why the rule cannot
report otherwise) and is held by `tests/test_screens.py` to the rule itself on every fixture
notebook, with a broken variant of each screen shown to fail that test.

Only the rule is skipped: the analyses it would have built (`ctx.shared`) are built by whichever
rule asks next, as before.
"""

from __future__ import annotations

from typing import Callable

from nbrefactor.audit.types import Notebook


def counts_never_fall(notebook: Notebook) -> bool:
    """The execution counts of the code cells that carry one (0 and none aside), top to bottom,
    never go down: no cell ran before a cell above it (equal counts are next to each other)."""
    previous = None
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        count = cell.execution_count
        if not count:
            continue
        if not isinstance(count, int) or (previous is not None and count < previous):
            return False
        previous = count
    return True


def _hid001_may_report(notebook: Notebook) -> bool:
    """HID001 (out-of-order execution) reports two things, both read from the execution counts
    of the code cells with a non-zero count (`hidden_state._executed` keeps a subset of them:
    not blank, not order-free):

    - the notebook-level "saved from at least N kernel sessions" finding, made only when
      `_kernel_sessions` finds sessions, i.e. when `_repeated_counts` finds a count two of those
      cells carry that is not a tie (equal counts on neighbouring counted cells of the whole
      notebook): when the counts never go down, the cells carrying one count are neighbours, so
      every repeated count is a tie and none is left;
    - a finding per cell outside the longest run whose counts never go down
      (`_longest_ordered_run`, per session; one session without repeated counts): when the counts
      never go down every subset of the cells is such a run, so no cell is outside it, no
      candidate is made, and `_late_blocks`/`_merge_shared_partners` of no candidates yield
      nothing.

    So with counts that never go down HID001 yields nothing; it runs on every other notebook."""
    return not counts_never_fall(notebook)


# rule code -> may the rule report anything on this notebook? (False only where it provably cannot)
SCREENS: dict[str, Callable[[Notebook], bool]] = {
    "HID001": _hid001_may_report,
}


def may_report(code: str, notebook: Notebook) -> bool:
    """False only when the rule `code` provably reports nothing on `notebook` (see `SCREENS`)."""
    screen = SCREENS.get(code)
    return screen is None or screen(notebook)
