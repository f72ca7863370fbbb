"""Fair check 47's classes of the path rules (PTH001, PTH002, PTH004, PTH006): a path the notebook
itself fetched or unpacked is the download's, a settings root named once is one finding, a constant
nothing reads is no path."""

from __future__ import annotations

from test_rules_paths import audit, found


def test_a_fetched_file_copied_into_a_folder_is_the_downloads():
    # fair check 47, item 100: `!wget` saves train.txt, `!cp` puts it into data/classes, read there
    cells = (
        "!wget https://raw.githubusercontent.com/o/r/master/data/classes/train.txt\n"
        "!wget https://raw.githubusercontent.com/o/r/master/data/classes/test.txt\n"
        "!mkdir data data/classes\n!cp train.txt data/classes\n!mv test.txt data/classes/",
        "train = open('data/classes/train.txt').read()\ntest = open('data/classes/test.txt').read()",
    )
    diagnostics = audit(cells)
    assert [c for c, _, _ in found(diagnostics)] == ["PTH003"]
    related = {(r.cell, r.line) for d in diagnostics for r in d.related}
    assert (2, 1) in related
    # a file the notebook did not fetch, copied so, stays reported
    assert "PTH006" in [c for c, _, _ in found(audit((cells[0].replace("!cp train.txt", "!cp other.txt"), "x = open('data/classes/other.txt').read()")))]
