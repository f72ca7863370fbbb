"""nbrefactor-runtime: what every package nbrefactor generates shares — MLflow tracking, the step
runner and the serialisation of values between steps, data validation, drift monitoring, the
deployment gate, figure saving. A generated package keeps only what is its own (steps, functions,
config, pipeline definition, tests) and binds this library to its facts in `runtime.py`:

    RUNTIME = Runtime(PackageSpec(...), Config)

A fix here reaches every package by a version bump. This library never imports nbrefactor (the
compiler); its heavy dependencies (mlflow, pandas, matplotlib) are imported when used.
"""

from __future__ import annotations

from .binding import Runtime
from .spec import PackageSpec, StepSpec

__version__ = "0.3.1"
__all__ = ["PackageSpec", "Runtime", "StepSpec", "__version__"]
