"""Which Keras backend a Keras 3 notebook ran with, so every place its package runs uses the same one.

Keras 3 reads `KERAS_BACKEND` once, when `keras` is first imported. A notebook that sets it
(`os.environ["KERAS_BACKEND"] = "torch"` before `import keras`) runs on that backend; one that does
not runs on the environment's, by default TensorFlow. In the package the notebook's imports move to
the top of the step modules, and steps run in kfp pods, in the image, and behind KServe, so the
assignment in a step body would come too late or not at all. The package therefore carries the
backend itself: `src/<pkg>/__init__.py` sets it before anything imports Keras (the notebook's own
value as an assignment; the default with `setdefault`, as the notebook relied on its environment),
the Dockerfile sets it with `ENV`, each kfp step task with `set_env_variable`, and the deploy gate
writes the registered model's recorded backend into the KServe predictor's `env`.

Pure: `ModelPlan` → `KerasBackend | None`. The value is a literal of the notebook: it reaches
generated files only through serializers (Python/JSON string literals).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional

from nbrefactor.audit.analysis import cell_python_tree
from nbrefactor.compile.plan import ModelPlan

DEFAULT_BACKEND = "tensorflow"  # Keras 3's own default when KERAS_BACKEND is unset
# Keras 3's backends: another value makes `import keras` fail in the notebook itself, so it is no
# backend the notebook ran with and is not carried into the package (the default applies).
BACKENDS = frozenset({"tensorflow", "jax", "torch", "numpy", "openvino"})


@dataclass(frozen=True)
class KerasBackend:
    value: str
    explicit: bool  # set by the notebook (an assignment before `import keras`), not Keras' default
    notebook: str = ""
    cell: Optional[int] = None  # where the notebook sets it
    line: Optional[int] = None


def _is_environ(node: ast.expr) -> bool:
    """`os.environ` (also `environ` imported from os)."""
    if isinstance(node, ast.Attribute) and node.attr == "environ" and isinstance(node.value, ast.Name):
        return node.value.id == "os"
    return isinstance(node, ast.Name) and node.id == "environ"


def _set_value(statement: ast.stmt) -> Optional[str]:
    """The literal a statement sets KERAS_BACKEND to: `os.environ["KERAS_BACKEND"] = "torch"`,
    `os.environ.setdefault("KERAS_BACKEND", "jax")`, `os.environ.update(KERAS_BACKEND="jax")`."""
    if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str):
        for target in statement.targets:
            if isinstance(target, ast.Subscript) and _is_environ(target.value) and isinstance(target.slice, ast.Constant) and target.slice.value == "KERAS_BACKEND":
                return statement.value.value
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        call = statement.value
        if isinstance(call.func, ast.Attribute) and _is_environ(call.func.value):
            if call.func.attr == "setdefault" and len(call.args) == 2 and all(isinstance(a, ast.Constant) for a in call.args):
                key, value = (a.value for a in call.args)  # type: ignore[attr-defined]
                if key == "KERAS_BACKEND" and isinstance(value, str):
                    return value
            if call.func.attr == "update":
                for keyword in call.keywords:
                    if keyword.arg == "KERAS_BACKEND" and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
                        return keyword.value.value
    return None


def _imports_keras(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Import):
        return any(alias.name == "keras" or alias.name.startswith("keras.") for alias in statement.names)
    if isinstance(statement, ast.ImportFrom):
        return statement.level == 0 and (statement.module == "keras" or (statement.module or "").startswith("keras."))
    return False


def keras_backend(plan: ModelPlan, keras_pin: str = "") -> Optional[KerasBackend]:
    """The backend of a notebook that imports Keras 3 (`import keras`, `from keras import …`), or
    None when no notebook of the model imports it (`tf.keras` always runs on TensorFlow) or the
    package pins Keras 2 (`keras_pin`, the pinned version: Keras 2 runs on TensorFlow only). The
    last value a module-level statement sets before the first Keras import, in notebook order; a
    value set after the import changes nothing (Keras has read it), so the default applies."""
    major = keras_pin.split(".", 1)[0]
    if major.isdigit() and int(major) < 3:
        return None
    for stage in plan.stages:
        value: Optional[KerasBackend] = None
        for ca in stage.facts.cells:
            tree = cell_python_tree(ca)  # the audit's tree of the cell, parsed once per run
            if tree is None:
                continue
            for statement in tree.body:
                if _imports_keras(statement):
                    return value or KerasBackend(DEFAULT_BACKEND, False)
                found = _set_value(statement)
                if found in BACKENDS:
                    value = KerasBackend(found, True, stage.notebook, ca.cell.index, statement.lineno)
            for magic in ca.magics:  # `%env KERAS_BACKEND=jax` / `%env KERAS_BACKEND jax`
                if magic.kind == "line_magic" and magic.name == "env":
                    key, _, rest = magic.args.strip().replace("=", " ", 1).partition(" ")
                    if key == "KERAS_BACKEND" and rest.strip() in BACKENDS:
                        value = KerasBackend(rest.strip(), True, stage.notebook, ca.cell.index, magic.line)
    return None
