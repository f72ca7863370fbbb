"""How long the tests wait for a child process (a CLI run, a kernel, a generated package's steps,
`verify`) before calling it hung.

These are guards against a hang, never a speed claim: speed is measured in `benchmarks/`. The
deadline is generous because the CI machine's two cores are shared by two xdist workers whose
children (kernels, package steps, MLflow servers) push the load past 10: a step that takes 10 s
on an idle machine took over 180 s there (stop 40's CI timed out a generated training step
logging to a real MLflow server), and 94 s was measured for an MLflow server's start-up alone.

Below pytest-timeout's limit per test (`timeout` in pyproject.toml's [tool.pytest.ini_options]):
a hung child is reported by the test that waits on it, with what it printed, before the whole test
is stopped. Session 45: a guard of 900 s let the official CI run into its own limit (90 min) with
nothing said about which test was waiting.
"""

HANG_GUARD = 600  # seconds
