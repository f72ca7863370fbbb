"""Files a generated package's steps produce besides their values: figures the notebook displayed
inline (saved here instead), and the serialisation of values that cross a step boundary."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

# Set by the package's `pipeline.run` (and the step runner) from the config's `artifacts_dir`.
OUTPUT_DIR = "artifacts"
_saved: dict[str, int] = {}
_figures: list[str] = []  # saved since the tracked run last took them (logged as MLflow artifacts)


def reset(output_dir: str) -> None:
    global OUTPUT_DIR
    OUTPUT_DIR = output_dir
    _saved.clear()
    _figures.clear()


def take_figures() -> list[str]:
    """The figures saved since the last call (the tracked run logs them as artifacts)."""
    taken = list(_figures)
    _figures.clear()
    return taken


def save_figure(name: str) -> str:
    """Save the current figure as `<name>.png` (`<name>-2.png`… when a loop shows several)."""
    import matplotlib.pyplot as plt

    folder = Path(OUTPUT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    _saved[name] = _saved.get(name, 0) + 1
    suffix = "" if _saved[name] == 1 else f"-{_saved[name]}"
    path = folder / f"{name}{suffix}.png"
    plt.gcf().savefig(path)
    plt.close("all")
    _figures.append(str(path))
    return str(path)


def save(value: Any, path: str) -> None:
    """A value that crosses a step boundary (cloudpickle when installed: functions defined in the
    notebook travel with the values)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    try:
        import cloudpickle as dumper
    except ImportError:  # pragma: no cover - cloudpickle comes with mlflow
        dumper = pickle  # type: ignore[assignment]
    with open(path, "wb") as handle:
        dumper.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)


def load(path: str) -> Any:
    with open(path, "rb") as handle:
        return pickle.load(handle)
