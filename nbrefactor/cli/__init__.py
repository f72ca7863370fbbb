"""The command line: argument parsing and exit codes per command, nothing else."""

from nbrefactor.cli.app import main

__all__ = ["main"]
