"""The audit: load a notebook, mask IPython syntax, analyse every cell through libcst, run the rules.

load (`loader`) → mask (`ipython`) → analyse (`analysis`, `dataflow`) → diagnose (`rules`, `engine`).
Every stage is a pure function of the frozen values in `types`; only `loader.read_notebook`,
`project.discover_project` and `engine.audit_paths` touch the disk.
"""
