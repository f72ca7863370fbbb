"""The churn fixture's data with drift in it, shared by the drift tests (the runtime's monitor and
the compiled pipeline's parameters): four of the seven columns Evidently compares move (charges
tripled, tenure halved, every contract month-to-month: share 4/7 = 0.571)."""

from __future__ import annotations

from pathlib import Path


def write_drifted_churn(source_csv: Path, folder: Path) -> Path:
    import pandas as pd

    frame = pd.read_csv(source_csv)
    frame["monthly_charges"] = frame["monthly_charges"] * 3
    frame["total_charges"] = frame["total_charges"] * 3
    frame["tenure_months"] = (frame["tenure_months"] // 2).clip(lower=1)
    frame["contract"] = "month-to-month"
    path = folder / "drifted.csv"
    frame.to_csv(path, index=False)
    return path
