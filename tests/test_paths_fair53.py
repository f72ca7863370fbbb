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
