"""The command line: argument parsing and exit codes per command, nothing else."""

__all__ = ["main"]


def __getattr__(name: str):
    # Lazily: the console entry point (cli/replay.py) must not import the CLI's modules to replay
    # an unchanged audit.
    if name == "main":
        from nbrefactor.cli.app import main

        return main
    raise AttributeError(name)
