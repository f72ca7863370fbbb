"""Synthetic but realistic notebooks for the benchmarks.

Shaped on measured real ML notebooks (docs/shared FACTS: ~33 code cells and ~200 lines of code per
notebook, ~6 lines a cell), with the mess real teams leave: magics, `!pip`, absolute paths, out of
order execution counts, saved tracebacks, images in outputs. Deterministic for a given seed.
When `fixtures/notebooks/` holds notebooks, `corpus()` copies and varies those instead.
"""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

IMPORTS = [
    "import numpy as np\nimport pandas as pd\nimport matplotlib.pyplot as plt\nimport seaborn as sns",
    "import os\nimport sys\nimport random\nfrom pathlib import Path",
    "from sklearn.model_selection import train_test_split, KFold\nfrom sklearn.ensemble import RandomForestClassifier\nfrom sklearn.metrics import accuracy_score, f1_score",
    "import torch\nimport torch.nn as nn\nfrom torch.utils.data import DataLoader, TensorDataset",
    "import xgboost as xgb\nimport lightgbm as lgb",
    "from tensorflow import keras\nfrom tensorflow.keras import layers",
]

BODIES = [
    "%matplotlib inline\n%load_ext autoreload\n%autoreload 2",
    "!pip install -q lightgbm==4.1.0",
    "df = pd.read_csv('/home/{user}/data/{name}.csv')\ndf.head()",
    "df = pd.read_csv('data/{name}.csv', sep=',')\nprint(df.shape)\ndf.describe()",
    "df['{col}'] = df['{col}'].fillna(df['{col}'].median())\ndf.drop(columns=['id'], inplace=True)",
    "for col in ['{col}', 'b', 'c']:\n    df[col + '_log'] = np.log1p(df[col])\n    print(col, df[col].skew())",
    "X = df.drop(columns=['target'])\ny = df['target']\nX_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)",
    "model = RandomForestClassifier(n_estimators={n})\nmodel.fit(X_train, y_train)",
    "pred = model.predict(X_test)\nprint('accuracy', accuracy_score(y_test, pred))\nprint('f1', f1_score(y_test, pred, average='macro'))",
    "fig, ax = plt.subplots(figsize=(10, 6))\nsns.histplot(df['{col}'], ax=ax)\nax.set_title('{name}')\nplt.show()",
    "def add_features(frame):\n    frame = frame.copy()\n    frame['ratio'] = frame['a'] / (frame['b'] + 1)\n    frame['flag'] = frame['{col}'] > THRESHOLD\n    return frame\n",
    "THRESHOLD = {n}\ndf = add_features(df)",
    "%%time\nscores = []\nfor seed in range(5):\n    m = RandomForestClassifier(n_estimators=50, random_state=seed)\n    m.fit(X_train, y_train)\n    scores.append(m.score(X_test, y_test))\nprint(np.mean(scores))",
    "class Net(nn.Module):\n    def __init__(self, d):\n        super().__init__()\n        self.fc = nn.Linear(d, 2)\n\n    def forward(self, x):\n        return self.fc(x)\n\nnet = Net(X_train.shape[1])",
    "opt = torch.optim.Adam(net.parameters(), lr=1e-3)\nfor epoch in range({n}):\n    opt.zero_grad()\n    loss = nn.functional.cross_entropy(net(torch.tensor(X_train.values).float()), torch.tensor(y_train.values))\n    loss.backward()\n    opt.step()",
    "np.random.seed(42)\nsample = np.random.choice(len(df), 100)\ndf.iloc[sample].to_csv('/tmp/sample_{name}.csv')",
    "os.chdir('/content/drive/MyDrive/project')\nsys.path.append('../src')",
    "API_KEY = 'not-a-real-key-{n}'\nurl = 'https://example.com/{name}.csv'",
    "results = {{'acc': accuracy_score(y_test, pred)}}\nimport json\nwith open('results_{name}.json', 'w') as fh:\n    json.dump(results, fh)",
    "df.groupby('{col}').agg({{'target': ['mean', 'count']}}).sort_values(('target', 'mean'))",
    "print x",
    "lgb_model = lgb.LGBMClassifier()\nlgb_model.fit(X_train, y_train)\nimportances = pd.Series(lgb_model.feature_importances_, index=X.columns)",
    "files = !ls data\nfiles",
]

MARKDOWN = ["# {name} analysis", "## Load the data", "## Feature engineering", "### Model", "Notes: check the {col} column", "## Results"]

_PNG = base64.b64encode(bytes(range(256)) * 40).decode("ascii")  # ~13 KB, like a small plot


def notebook(seed: int) -> dict:
    rng = random.Random(seed)
    words = {"user": rng.choice(["alice", "bob", "chen"]), "name": f"set{seed % 17}", "col": rng.choice(["age", "price", "score"]), "n": rng.randint(10, 300)}
    cells: list[dict] = []
    count = 0
    n_code = rng.randint(25, 40)
    bodies = [rng.choice(IMPORTS) for _ in range(2)] + [rng.choice(BODIES) for _ in range(n_code - 2)]
    for i, body in enumerate(bodies):
        if rng.random() < 0.35:
            cells.append({"cell_type": "markdown", "id": f"m{seed}-{i}", "metadata": {}, "source": rng.choice(MARKDOWN).format(**words)})
        count += 1
        executed = rng.random() > 0.05
        outputs: list[dict] = []
        roll = rng.random()
        if executed and roll < 0.3:
            outputs.append({"output_type": "stream", "name": "stdout", "text": [f"line {k}\n" for k in range(rng.randint(1, 30))]})
        elif executed and roll < 0.38:
            outputs.append({"output_type": "display_data", "data": {"image/png": _PNG, "text/plain": ["<Figure size 1000x600 with 1 Axes>"]}, "metadata": {}})
        elif executed and roll < 0.4:
            outputs.append({"output_type": "error", "ename": "KeyError", "evalue": "'x'", "traceback": ["KeyError: 'x'"]})
        cells.append(
            {
                "cell_type": "code",
                "id": f"c{seed}-{i}",
                "metadata": {},
                "execution_count": (count if rng.random() > 0.1 else rng.randint(1, 60)) if executed else None,
                "outputs": outputs,
                "source": body.format(**words),
            }
        )
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}, "language_info": {"name": "python", "version": "3.11.7"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def fixture_notebooks() -> list[Path]:
    """Readable Python fixture notebooks (bad-input fixtures are left out of a speed benchmark)."""
    folder = ROOT / "fixtures" / "notebooks"
    good = []
    for path in sorted(folder.rglob("*.ipynb")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if isinstance(data, dict) and data.get("nbformat") == 4 and isinstance(data.get("cells"), list) and path.stat().st_size < 2_000_000:
            good.append(path)
    return good


def corpus(n: int, folder: Path, use_fixtures: bool = True) -> tuple[list[Path], str]:
    """Write `n` notebooks under `folder`; returns them and where they came from."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = fixture_notebooks() if use_fixtures else []
    written = []
    for i in range(n):
        if sources:
            data = json.loads(sources[i % len(sources)].read_text(encoding="utf-8"))
            # vary the copy so no two notebooks are byte-identical (no cache can help)
            data.setdefault("metadata", {})["nbrefactor_bench_copy"] = i
        else:
            data = notebook(i)
        target = folder / f"group{i % 10:02d}" / f"nb{i:04d}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data, indent=1), encoding="utf-8")
        written.append(target)
    return written, ("copies of fixtures/notebooks" if sources else "synthetic (benchmarks/synth.py)")
