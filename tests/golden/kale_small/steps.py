"""Steps compiled from notebooks/kale_small.ipynb by nbrefactor 0.1.0; each function is one section of the notebook."""

import json
import statistics
from .config import Config


def parameters(cfg: Config):
    """Parameters: notebook cells 2."""
    # --- notebook cell 2 ---
    THRESHOLD = cfg.threshold
    NAME = cfg.name
    return NAME, THRESHOLD


def setup(cfg: Config):
    """Setup: notebook cells 3."""
    # --- notebook cell 3 ---
    # nbrefactor: `%pip install requests==2.31.0` moved to requirements.txt
    # nbrefactor: dropped notebook-only `%matplotlib inline`


def score(cfg: Config, THRESHOLD):
    """Score: notebook cells 4."""
    # --- notebook cell 4 ---
    values = [0.2, 0.7, 0.9, 0.4]
    high = [v for v in values if v > THRESHOLD]
    return high


def report(cfg: Config, NAME, high):
    """Report: notebook cells 6."""
    # --- notebook cell 6 ---
    summary = {"name": NAME, "mean": statistics.mean(high)}
    with open(cfg.summary_json_path, "w") as fh:
        json.dump(summary, fh)
    return summary
