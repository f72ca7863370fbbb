"""The migration's orchestration: group notebooks into models, compile each one (`one_model`), write
its package, build its pipeline (`pipeline_build`), and run a folder of them (`batch`).

This is the only layer that drives the compiler and writes packages; `compile/` and `report/`
never import it.
"""

DEFAULT_TIMEOUT = 300.0  # seconds per notebook; here so that parsing arguments imports no compiler
