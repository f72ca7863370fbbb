"""Fair check 53's path and download classes (PTH001-PTH008)."""

from __future__ import annotations

from test_rules_paths import PATH_RULES, audit, found
from nbrefactor.audit.rules.downloads import RuntimeDownload

ALL = (*PATH_RULES, RuntimeDownload)


def test_hash_checked_downloads_say_the_network_not_whatever_is_served() -> None:
    """Fair check 53, items 122-124, 128, 132, 133: Keras applications fetch their weights with the
    hash the release names, torchvision's datasets check the archive's md5: the message says what
    the run needs, not that the input is "whatever the remote side serves on the day"."""
    cells = ("from tensorflow.keras.applications import ResNet50\nbase = ResNet50(weights='imagenet', include_top=False)",
             "from torchvision import datasets\ntrain = datasets.CIFAR10(root='data', train=True, download=True)")
    hits = [d for d in audit(cells, [RuntimeDownload]) if d.code == "PTH007"]
    assert [(d.location.cell, d.location.line) for d in hits] == [(1, 2), (2, 2)]
    assert all("whatever the remote side serves" not in d.message for d in hits)
    assert "checked against the hash the installed Keras release names" in hits[0].message
    assert "checks against the checksum its release records" in hits[1].message


def test_a_home_folder_read_after_a_download_into_it_is_the_download_s() -> None:
    """Fair check 53, item 92 (and its 2 siblings): `CIFAR10(root='~/.pytorch/CIFAR10', train=False)` right
    after `CIFAR10(root=` the same folder`, train=True, download=True)` reads what the download made, for
    whoever runs the notebook: no PTH002. A `~` root read before any download, or another home folder, stays."""
    from nbrefactor.audit.rules.paths import UserSpecificPath
    cells = ("from torchvision.datasets import CIFAR10\n"
             "train = CIFAR10(root='~/.pytorch/CIFAR10', train=True, download=True)\n"
             "test = CIFAR10(root='~/.pytorch/CIFAR10', train=False)",
             "import pandas as pd\nmeta = pd.read_csv('~/.pytorch/CIFAR10/meta.csv')\nother = pd.read_csv('~/work/labels.csv')")
    hits = [d for d in audit(cells, [UserSpecificPath]) if d.code == "PTH002"]
    assert [(d.location.cell, d.location.line) for d in hits] == [(2, 3)]
    before = ("from torchvision.datasets import CIFAR10\ntest = CIFAR10(root='~/.pytorch/CIFAR10', train=False)\n"
              "train = CIFAR10(root='~/.pytorch/CIFAR10', train=True, download=True)",)
    assert [(d.location.cell, d.location.line) for d in audit(before, [UserSpecificPath]) if d.code == "PTH002"] == [(1, 2)]


def test_colab_s_bundled_sample_file_is_named_as_such() -> None:
    """Fair check 53, item 114: `pd.read_csv('sample_data/california_housing_train.csv')` reads the file a
    Colab runtime ships in `/content/sample_data`: the message says so. Another `sample_data/` file does not."""
    from nbrefactor.audit.rules.paths import CwdRelativePath
    bundled, own = ([d for d in audit(("import pandas as pd\ndf = pd.read_csv('sample_data/" + name + "')",), [CwdRelativePath])
                     if d.code == "PTH006"] for name in ("california_housing_train.csv", "sales.csv"))
    assert len(bundled) == len(own) == 1
    assert "Colab's bundled sample file" in bundled[0].message and "Colab's" not in own[0].message
