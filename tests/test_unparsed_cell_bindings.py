"""What a code cell that does not parse binds (fair check 51, recall T-9.4 and T-9.7).

A cell with a line of prose above its code (`Loading images to PyTorch` then the imports) stops
CPython, but a tolerant reader sees its statements: each top-level statement that parses on its
own binds what it binds (an import, `x = …`, the name of a `def`/`class`), and never the names a
`def`/`class` body uses (`self`, a parameter); a piece that does not parse alone still counts
every word it spells (a superset: it may bind them)."""

from __future__ import annotations

from nbrefactor.audit.rule_examples import run_example
from nbrefactor.audit.rules import Example, md
from nbrefactor.audit.rules.hidden_state import UndefinedName
from nbrefactor.audit.rules.paths import CwdRelativePath


def test_names_inside_an_unparsed_class_body_are_not_bound_at_module_level(tmp_path):
    """T-9.7: cell 39 (`Convolutional Neural Network` above `class Net`) does not parse; cell 40
    pastes the constructor's lines at module level: `self` and `num_classes` raise NameError."""
    example = Example(cells=(
        "import torch.nn as nn",
        "Convolutional Neural Network\nclass Net(nn.Module):\n    def __init__(self, num_classes):\n"
        "        super().__init__()\n        self.classifier = nn.Linear(64, num_classes)",
        "# Feature extractor output size\nself.classifier = nn.Linear(64, num_classes)",
        "net = Net(num_classes=7)",
    ))
    found = run_example(UndefinedName, example, tmp_path)
    assert [(d.location.cell, d.location.line) for d in found] == [(3, 2)]
    assert "`self`" in found[0].message and "num_classes" in found[0].message


def test_what_an_unparsed_cell_binds_at_module_level_stays_bound(tmp_path):
    """The class's name, an import and an assignment of the unparsed cell are still bound; a
    piece that does not parse alone (`x = [1,` … `2`) keeps every word it spells."""
    example = Example(cells=(
        "Models\nimport numpy as np\nclass Net:\n    def __init__(self, k):\n        self.k = k\nsize = 3\n"
        "values = [1,\n2] +\nlater = 1",
        "print(Net(2), np.zeros(size), later, values)",
    ))
    assert run_example(UndefinedName, example, tmp_path) == []


def test_a_root_read_by_a_callee_imported_in_an_unparsed_cell_is_read(tmp_path):
    """T-9.4: `ImageFolder` is imported only in a cell that does not parse (a line of prose above
    the import); cell 3's `ImageFolder("clouds_train")` is torchvision's, its root cwd-relative."""
    example = Example(cells=(
        md("## Images"),
        "Loading images\nfrom torchvision.datasets import ImageFolder\nfrom torchvision import transforms",
        "dataset_train = ImageFolder(\n    \"clouds_train\",\n    transform=transforms.ToTensor(),\n)",
    ))
    found = run_example(CwdRelativePath, example, tmp_path)
    assert [(d.location.cell, d.location.line) for d in found] == [(3, 2)]
