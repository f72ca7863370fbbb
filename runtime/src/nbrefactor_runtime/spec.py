"""What the runtime needs to know about one generated package: plain data, written by nbrefactor
into the package's `runtime.py` as Python literals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class StepSpec:
    """One step of the package: the module that defines it and the names it takes and returns."""

    module: str
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class PackageSpec:
    package: str  # the import name of the generated package
    model_name: str  # the registered model's name and the MLflow experiment's
    env_prefix: str  # `<ENV_PREFIX>_NO_TRACKING` switches tracking off
    service_name: str = ""  # the KServe InferenceService's name
    training_step: str = ""  # the step whose output is the trained model ("" when none)
    model_output: str = ""  # the registered model's name among the step values
    model_step: str = ""  # the step whose values hold it (its last evaluation); "" = training_step
    preprocessing: tuple[str, ...] = ()  # fitted transformers applied before it (a Pipeline with it)
    example_input: str = ""  # the step value whose first rows are the logged input example
    steps: Mapping[str, StepSpec] = field(default_factory=dict)  # in the notebook's order
    input_fields: tuple[str, ...] = ()  # config fields that name the data the model reads
    shown_metrics: Mapping[str, str] = field(default_factory=dict)  # `shown_cell<N>` → metric name
    requirements: tuple[str, ...] = ()  # the package's pins: the logged model's pip requirements
    device_field: str = ""  # the config field holding the device steps run on ("" when none)
    secret_fields: tuple[str, ...] = ()  # config fields holding a credential: never logged as MLflow params

    @property
    def step_modules(self) -> dict[str, str]:
        return {name: step.module for name, step in self.steps.items()}
