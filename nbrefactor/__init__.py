"""nbrefactor: audit Jupyter notebooks and compile them into tested, pipelined Python packages."""

__version__ = "0.1.0"
