"""Fair check 53's recall misses (the reader's items the audit did not find), one class per test."""

from __future__ import annotations

from test_rules_paths import audit, found


def test_the_function_form_of_a_keras_model_save_writes_its_second_argument() -> None:
    """Fair check 53, recall T-10.2: `tf.keras.models.save_model(model, 'my_model2.hdf5')` writes
    the model into the working directory (Keras 2 and 3 alike: `save_model(model, filepath, …)`),
    as `model.save('my_model2.hdf5')` does; the `save_model` method entry (a library's
    `booster.save_model(fname)`) must not read the model as the path."""
    for call in ("tf.keras.models.save_model(model, 'my_model2.hdf5')", "keras.saving.save_model(model, filepath='m.keras')",
                 "keras.models.save_model(model, 'm.keras', overwrite=True)"):
        diagnostics = audit(("import tensorflow as tf\nimport keras\nmodel = build()", call))
        assert [(c, cell, line) for c, cell, line in found(diagnostics)] == [("PTH006", 2, 1)], call
