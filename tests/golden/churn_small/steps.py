"""Steps compiled from notebooks/churn_small.ipynb by nbrefactor 0.1.0; each function is one section of the notebook."""

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
import numpy as np
from .config import Config
from .functions import ratio


def churn_model(cfg: Config):
    """Churn model: notebook cells 2."""


def load(cfg: Config):
    """Load: notebook cells 4."""
    # --- notebook cell 4 ---
    np.random.seed(cfg.seed)
    df = pd.read_csv(cfg.churn_csv_path)
    df = df.dropna()
    return df


def features(cfg: Config, df):
    """Features: notebook cells 6."""
    # --- notebook cell 6 ---

    df["ratio"] = ratio(df["charges"], df["tenure"])
    X = df[["tenure", "ratio"]]
    y = df["churn"]
    return X, y


def train(cfg: Config, X, y):
    """Train: notebook cells 8."""
    # --- notebook cell 8 ---
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=cfg.random_state
    )
    model = LogisticRegression(max_iter=200)
    model.fit(X_train, y_train)
    return X_test, model, y_test


def evaluate(cfg: Config, X_test, model, y_test):
    """Evaluate: notebook cells 10."""
    # --- notebook cell 10 ---
    accuracy = model.score(X_test, y_test)
    pd.DataFrame({"accuracy": [accuracy]}).to_csv(cfg.metrics_csv_path, index=False)
    return accuracy
