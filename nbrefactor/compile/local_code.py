"""The notebook's own code, vendored into its package: a `.py` module or a package folder beside
the notebook (or on a folder a cell adds to `sys.path`) is copied under `src/<pkg>/`, and every
absolute import of it — in the steps and in the copied files themselves — becomes relative, so the
package imports it the same way wherever it runs (its tests, `pip install`, the image, a kfp
component) without putting a generic top-level name (`utils`, `helpers`) into site-packages.

Pure: the edge (`migrate.one_model`) finds and reads the files; this module rewrites text.
"""

from __future__ import annotations

import ast
from typing import Iterable, Optional

from nbrefactor.compile.literals import UnsafeTemplateValue, py_name


def local_names(files: Iterable[str]) -> frozenset[str]:
    """Top-level import names of vendored files (`helpers.py` → helpers, `course_scripts/x/y.py` → course_scripts)."""
    names = set()
    for path in files:
        first = path.split("/", 1)[0]
        names.add(first[:-3] if "/" not in path and first.endswith(".py") else first)
    return frozenset(names)


def package_depth(path: str) -> int:
    """How many folders below `src/<pkg>/` a vendored file sits (`helpers.py` → 0, `a/b/c.py` → 2)."""
    return path.count("/")


def relative_import(statement: str, local: frozenset[str], depth: int = 0) -> str:
    """One import statement of one name (as `emit._split_import` writes them), relative when it
    imports vendored code; `depth` is how far below the package the importing file sits.

    `import helpers` → `from . import helpers`; `from helpers.io import f` → `from .helpers.io import f`;
    `import a.b` → `from . import a; from .a import b as _nbrefactor_loads_a_b` (binds `a`, as the
    absolute import did, and loads `a.b` so `a.b.x` resolves); `import a.b as c` → `from .a import b as c`."""
    words = statement.split()
    if len(words) < 2 or not local:
        return statement
    dots = "." * (depth + 1)
    if words[0] == "from" and words[1].split(".")[0] in local and not words[1].startswith("."):
        return f"from {dots}{words[1]} " + " ".join(words[2:])
    if words[0] != "import" or words[1].split(".")[0] not in local:
        return statement
    module = words[1]
    alias = words[3] if len(words) == 4 and words[2] == "as" else None
    parent, _, leaf = module.rpartition(".")
    if alias is not None:
        return f"from {dots}{parent} import {leaf} as {alias}" if parent else f"from {dots} import {module} as {alias}"
    if not parent:
        return f"from {dots} import {module}"
    top = module.split(".")[0]
    loader = "_nbrefactor_loads_" + module.replace(".", "_")
    return f"from {dots} import {top}; from {dots}{parent} import {leaf} as {loader}"


def relative_imports(source: str, local: frozenset[str], depth: int) -> str:
    """A vendored file with its absolute imports of vendored code made relative; every other byte
    kept. A file Python cannot parse is copied as it is (it would not have imported in the kernel
    either)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return source
    edits: list[tuple[int, int, int, int, str]] = []  # (line, byte col, end line, end byte col, text)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module and node.module.split(".")[0] in local:
            names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in node.names)
            text = relative_import(f"from {node.module} import {names}", local, depth)
        elif isinstance(node, ast.Import) and any(a.name.split(".")[0] in local for a in node.names):
            text = "; ".join(relative_import(f"import {a.name}" + (f" as {a.asname}" if a.asname else ""), local, depth) for a in node.names)
        else:
            continue
        if node.end_lineno is None or node.end_col_offset is None:
            continue
        edits.append((node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, text))
    if not edits:
        return source
    lines = source.encode("utf-8").splitlines(keepends=True)
    for line, col, end_line, end_col, text in sorted(edits, reverse=True):
        head = lines[line - 1][:col]
        tail = lines[end_line - 1][end_col:]
        lines[line - 1:end_line] = [head + text.encode("utf-8") + tail]
    return b"".join(lines).decode("utf-8")


def absolute_imports(source: str) -> list[str]:
    """Dotted modules a file imports absolutely (wherever the statement is: a function body's
    import runs when it is called); nothing for a file Python cannot parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.append(node.module)
    return found


def checked_module_path(path: str) -> Optional[str]:
    """A vendored file's relative path when every folder is an identifier and the file a `.py`
    module name (it becomes part of an import statement), else None."""
    parts = path.split("/")
    if not parts[-1].endswith(".py"):
        return None
    try:
        for part in [*parts[:-1], parts[-1][:-3]]:
            py_name(part)
    except UnsafeTemplateValue:
        return None
    return path
