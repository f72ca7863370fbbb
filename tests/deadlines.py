"""How long the tests wait for a child process (a CLI run, a kernel, a generated package's steps,
`verify`) before calling it hung.

These are guards against a hang, never a speed claim: speed is measured in `benchmarks/`. The
deadline is generous because the CI machine's two cores are shared by two xdist workers whose
children (kernels, package steps, MLflow servers) push the load past 10: a step that takes 10 s
on an idle machine took over 180 s there (stop 40's CI timed out a generated training step
logging to a real MLflow server), and 94 s was measured for an MLflow server's start-up alone.
"""

HANG_GUARD = 900  # seconds
