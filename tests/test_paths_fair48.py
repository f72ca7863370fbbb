"""Fair check 48's path and download classes (PTH001-PTH008): one finding per root cause."""

from __future__ import annotations

from test_rules_paths import PATH_RULES, audit, found
from nbrefactor.audit.rules.downloads import RuntimeDownload

ALL = (*PATH_RULES, RuntimeDownload)


def test_torchvision_weights_of_many_models_are_one_finding() -> None:
    """Fair check 48, items 124, 126-128, 130: a notebook building twenty torchvision models with
    `pretrained=True`, one per cell, needs one thing: the network or a provisioned torch cache.
    One finding at the first model, the others related."""
    cells = ("from torchvision import models",
             "alexnet = models.alexnet(pretrained=True)",
             "vgg11 = models.vgg11(pretrained=True)",
             "resnet18 = models.resnet18(weights='IMAGENET1K_V1')",
             "vgg11b = models.vgg11(pretrained=True)")
    hits = [d for d in audit(cells, [RuntimeDownload]) if d.code == "PTH007"]
    assert found(hits) == [("PTH007", 2, 1)]
    assert len(hits[0].related) == 3
    assert "other torchvision models" in hits[0].message
