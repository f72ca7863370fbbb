"""Path-family classes of fair check 51 left by session 66."""

from __future__ import annotations

from test_rules_paths import PATH_RULES, audit, found  # noqa: F401


def test_a_constant_joined_after_a_relative_folder_literal_is_no_root() -> None:
    """Fair check 51, item 135 (R, anchor defect): `rodovia = 'dutra'`, a highway's name joined as a later
    piece of `'../inputs/addresses/' + rodovia + '/addresses.csv'`, was called the relative path; the root is
    the literal the path starts with, where the finding stands."""
    cells = (
        "import pandas as pd",
        "data = '2020-01-07'\nrodovia = 'dutra'",
        "addresses = pd.read_csv('../inputs/addresses/' + rodovia + '/addresses.csv', delimiter=',')",
        "kms = pd.read_csv('../outputs_' + data + '/' + rodovia + '/leituras_' + rodovia + '.csv')",
        "kms_b = pd.read_csv('../outputs_' + data + '/' + rodovia + '/leituras_' + rodovia + '_B.csv')",
    )
    pth006 = [(cell, line) for code, cell, line in found(audit(cells)) if code == "PTH006"]
    assert (2, 2) not in pth006
    assert pth006 and all(cell in (3, 4) and line == 1 for cell, line in pth006)
    # a constant that starts the path stays the root
    assert ("PTH006", 1, 2) in found(audit(("import pandas as pd\nroot = 'data/'\ndf = pd.read_csv(root + 'x.csv')",)))
    # `'./' + filename`: the working folder alone is no root; the file name's constant stays the path
    saved = ("import pickle\nfilename = 'model.pk'\nwith open('./' + filename, 'wb') as f:\n    pickle.dump(1, f)",)
    assert ("PTH006", 1, 2) in found(audit(saved))
