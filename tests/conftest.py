"""Suite-wide settings.

`nbrefactor migrate` climbs the proof ladder by default (installs each package into an environment
of its own, imports it, runs its tests, its pipeline step by step, and verify): minutes per model,
and the default `clean` environments come from the package index. Tests of other features run
migrate with the ladder off (as `--no-prove`, whose outputs say the packages are not proven);
the ladder's own tests (tests/test_prove.py) turn it on, offline (`--prove-env current`).
"""

import os

os.environ.setdefault("NBREFACTOR_PROVE", "0")
