"""`tomllib`, imported on first use: most runs parse no TOML (the catalogue's parse is kept beside
the byte-code), and its import compiles or loads its patterns and imports `datetime` and `string`
at every start otherwise (issue 15, thirty-first round). Config, the catalogue and the project's
manifests read TOML through `tomllib` here."""

from __future__ import annotations


class _Tomllib:
    def __getattr__(self, name: str) -> object:
        import tomllib

        return getattr(tomllib, name)


tomllib = _Tomllib()
