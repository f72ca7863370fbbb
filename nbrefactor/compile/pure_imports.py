"""Which of the notebook's imports a generated module may leave out (rules/imports.toml).

The compiler hoists every top-level import of the notebook to the head of its module and writes
there the ones the module's code reads. An import no name of which is read is left out only when
its module is known to be side-effect free: importing a module runs its code, and a module that
registers something (`import pandas_profiling` adds `DataFrame.profile_report`), restyles
(`import seaborn` before 0.8) or switches a feature on (`from sklearn.experimental import
enable_iterative_imputer`) changes what the package computes although nothing of it is named.

Decision: a list of side-effect-free modules (the standard library, the common numerical stack),
not a list of acting ones. An unknown module is then kept, which costs an unused line; a list of
acting modules would drop every unknown one, and a missed entry would change behaviour.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Optional

from nbrefactor.audit.catalog import Catalog, load_catalog


@dataclass(frozen=True)
class ImportPurity:
    pure: frozenset[str]
    acting: frozenset[str]

    @classmethod
    def from_catalog(cls, catalog: Optional[Catalog] = None) -> "ImportPurity":
        table = (catalog if catalog is not None else load_catalog()).table("imports", "imports", {})
        return cls(frozenset(table.get("pure", ())) | frozenset(sys.stdlib_module_names), frozenset(table.get("acting", ())))

    def droppable(self, module: str) -> bool:
        """`module` (dotted, absolute) may be left out when nothing it binds is read: it or a parent
        is listed pure, and neither it nor a parent acts. A relative import (the notebook's own
        code) is never droppable: what it does on import is the notebook's."""
        if not module or module.startswith("."):
            return False
        prefixes = _prefixes(module)
        return any(p in self.pure for p in prefixes) and not any(p in self.acting for p in prefixes)


def _prefixes(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


__all__ = ["ImportPurity"]
