"""DEP006: a module only a hosted notebook service provides, imported unconditionally."""

from __future__ import annotations

import ast
import re
from typing import Iterator

from nbrefactor.audit.analysis import cell_python_tree
from nbrefactor.audit.types import Family, Severity
from nbrefactor.audit.rules import Example, Hit, Rule, RuleContext
from nbrefactor.audit.distributions import system_installs
from nbrefactor.audit.hosted import hosted_only

# Modules that exist only inside a hosted runtime, and that runtime's name. No package index has
# them: no manifest can declare them (DEP001/DEP002 leave them out as provided).
_HOSTED_MODULES = {"google.colab": "Google Colab", "kaggle_secrets": "Kaggle", "kaggle_datasets": "Kaggle"}


def _hosted_module(node: ast.stmt) -> str:
    """The hosted-only module a top-level import statement imports, or ""."""
    names: list[str] = []
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        names = [node.module]
    for name in names:
        for module in _HOSTED_MODULES:
            if name == module or name.startswith(module + "."):
                return module
    return ""


# Colab helpers whose use another rule reports already, and that use: `files.upload()` is PTH007's
# finding (input a person picks), `drive.mount("/content/drive")` PTH002's (a Drive folder mounted
# in Colab; `drive._mount(…)`, the private spelling some course templates use, mounts the same way:
# fair check 48, items 38, 39). An import of only these, used so, is that finding's root cause, not a second one.
_REPORTED_USES = {"files": ("files.upload",), "drive": ("drive.mount", "drive._mount")}


def _reported_elsewhere(node: ast.stmt, called: frozenset[str]) -> bool:
    return (isinstance(node, ast.ImportFrom) and node.module == "google.colab"
            and all(a.asname is None and any(use in called for use in _REPORTED_USES.get(a.name, ())) for a in node.names))


def _hosted_imports(facts) -> list[tuple]:
    """(cell, line, column, module, source line, whether another rule reports its use) of each unguarded
    top-level import of a hosted-only module."""
    found: list[tuple] = []
    called = frozenset(call.func for ca in facts.cells for call in ca.facts.calls if call.func)
    for ca in facts.cells:
        if not any(module in ca.cell.source for module in _HOSTED_MODULES):
            continue  # (no import of one can be in it)
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for node in tree.body:  # top level only: under `if`/`try`/`def` it may be guarded
            module = _hosted_module(node)
            if not module or hosted_only(ca.lines, node.lineno):
                continue
            text = ca.lines[node.lineno - 1] if 0 < node.lineno <= len(ca.lines) else ""
            found.append((ca.cell, node.lineno, node.col_offset + 1, module, text.strip(), _reported_elsewhere(node, called)))
    return found


def hosted_setup_cells(facts) -> frozenset[int]:
    """Indexes of the cells whose unguarded hosted-only imports DEP006 reports (none when it reports
    nothing): their system-package installs are its related locations, not DEP003 findings."""
    found = _hosted_imports(facts)
    if all(elsewhere for *_, elsewhere in found):
        return frozenset()
    return frozenset(c.index for c, *_ in found)


class HostedOnlyImport(Rule):
    code = "DEP006"
    name = "hosted-only-import"
    family = Family.DEPENDENCIES
    severity = Severity.WARNING
    summary = "A module only Google Colab (or Kaggle) provides is imported unconditionally: the notebook stops anywhere else."
    what_it_does = (
        "Reports the first import, at a cell's top level, of a module that only a hosted notebook service has "
        "(`from google.colab import userdata`, `from google.colab import drive`, `from kaggle_secrets import "
        "UserSecretsClient`), once per notebook (later ones are related locations). Not reported: an import inside "
        "an `if` testing for Colab or Kaggle (`if \"google.colab\" in sys.modules:`), a `try:`/`except ImportError:`, "
        "a function body, a cell whose opening comment says it runs only on Colab, and an import of only `files` "
        "or `drive` from `google.colab` that the notebook uses for `files.upload()` (PTH007's finding) or "
        "`drive.mount(…)` or its private spelling `drive._mount(…)` (PTH002's, on the `/content/drive` path), unless the notebook also imports another hosted "
        "module: then the finding sits at the first of them all, where the notebook stops. System packages the cells "
        "of these imports install (`!apt-get install -y google-drive-ocamlfuse fuse` in Colab's 2018 Drive-mount "
        "recipe) serve only that set-up: they are related locations of this finding (DEP003 leaves them), the message "
        "names them and the fix says to guard or replace the whole cell. An import from `google.colab` whose names no "
        "cell reads (`from google.colab import drive` without `drive.mount(…)`) is said to be deleted, not guarded."
    )
    why_bad = (
        "No package index has these modules, so no manifest can install them: on a laptop, in CI or in a "
        "pipeline step the notebook stops at the import with `ModuleNotFoundError`, and what it fetched through "
        "them (a secret from Colab's panel, files on a mounted Drive) has no other way in."
    )
    example = "from google.colab import userdata\napi_key = userdata.get('ROBOFLOW_API_KEY')"
    use_instead = (
        "import os\nimport sys\n\nif \"google.colab\" in sys.modules:\n    from google.colab import userdata\n"
        "    api_key = userdata.get(\"ROBOFLOW_API_KEY\")\nelse:\n    api_key = os.environ[\"ROBOFLOW_API_KEY\"]"
    )
    passing = (
        Example(cells=(
            "import os\nimport sys\nif 'google.colab' in sys.modules:\n    from google.colab import userdata\n"
            "    key = userdata.get('API_KEY')\nelse:\n    key = os.environ['API_KEY']",
            "try:\n    from google.colab import drive\n    drive.mount('/content/drive')\nexcept ImportError:\n    pass",
            "from google.colab import files\nuploaded = files.upload()",
        )),
        # Mounting Drive: PTH002 reports the `/content/drive` path, whose cause this import is.
        Example(cells=("from google.colab import drive\ndrive.mount('/content/drive')",)),
        # The private spelling mounts the same Drive (fair check 48, items 38, 39): PTH002's finding.
        Example(cells=("from google.colab import drive\ndrive._mount('/content/drive')",)),
    )
    failing = (
        Example(
            cells=(
                "from google.colab import userdata\nkey = userdata.get('API_KEY')",
                "from google.colab import userdata as secrets\ntoken = secrets.get('HF_TOKEN')",
            ),
            expect=((1, 1),),
        ),
        # Colab's 2018 Drive-mount cell: its apt lines serve only the mount, related locations of this finding
        # (fair check 32, items 23, 25, 29, 30, 31, 33: a DEP003 per apt line, whose apt.txt fix was wrong).
        Example(
            cells=("!apt-get install -y -qq software-properties-common module-init-tools\n"
                   "!add-apt-repository -y ppa:alessandro-strada/ppa 2>&1 > /dev/null\n"
                   "!apt-get -y install -qq google-drive-ocamlfuse fuse\n"
                   "from google.colab import auth\nauth.authenticate_user()",),
            expect=((1, 4),),
        ),
        # The notebook stops at the first import, the `files` one whose upload PTH007 reports, not at the later `output`.
        Example(
            cells=(
                "from google.colab import files\nuploaded = files.upload()",
                "from google.colab import output\noutput.enable_custom_widget_manager()",
            ),
            expect=((1, 1),),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        found = _hosted_imports(ctx.facts)
        if all(elsewhere for *_, elsewhere in found):
            return  # none, or only imports whose use another rule reports
        # At the first of them all: an earlier `from google.colab import files` (used by `files.upload()`)
        # is where the notebook stops, though alone it would be PTH007's finding (fair check 17).
        cell, line, column, module, shown, _ = found[0]
        service = _HOSTED_MODULES[module]
        # System packages the set-up cells install (`!apt-get install google-drive-ocamlfuse fuse`) serve only
        # that set-up: part of this finding, not DEP003's (fair check 32, items 23, 25, 29, 30, 31, 33).
        cells = {c.index for c, *_ in found}
        setup = [item for item in system_installs(ctx.facts) if item[0].cell.index in cells]
        packages = list(dict.fromkeys(p for *_, pkgs in setup for p in pkgs))
        also = (f"; the set-up also installs system packages for {service} ({', '.join(packages[:5])}"
                f"{' …' if len(packages) > 5 else ''}, {len(setup)} line{'s' if len(setup) > 1 else ''}), "
                "which serve only it" if setup else "")
        unused = _unused_names(shown, ctx.facts) if module == "google.colab" and not setup else []
        fix = (f"Import it only on {service} (under an `if` that tests for it, such as `if \"{module}\" in sys.modules:` "
               "after trying the import, or in `try:`/`except ImportError:`) "
               "and give other environments their own way in: secrets from environment variables (`os.environ[…]`), "
               "data from a configured path instead of a mounted Drive."
               + (" Guard or replace the whole set-up cell, its system-package installs included: they are not "
                  "dependencies to declare in an apt.txt." if setup else ""))
        if unused and len(found) == 1:
            # `from google.colab import drive` with no `drive.mount(…)` (the notebook reads a path an earlier session
            # mounted): the import does nothing, delete it (fair check 40, item 33).
            # Drive named only where the notebook has a Drive to speak of: an unused `drive` import or a
            # `/content/drive/…` path (fair check 42, items 27, 28: an unused `cv2_imshow`, no mount anywhere).
            drive = "drive" in unused or any("/drive/" in c.source for c in ctx.facts.notebook.code_cells)
            fix = (f"Delete the import: {', '.join(f'`{n}`' for n in unused)} {'is' if len(unused) == 1 else 'are'} never used"
                   + ("; read the data from a configured path instead of a Drive folder an earlier session mounted." if drive else "."))
        yield Hit(
            cell,
            line,
            column,
            f"`{shown[:100]}` runs unconditionally, and `{module}` exists only on {service}: anywhere else (a laptop, "
            f"CI, a pipeline step) the notebook stops here with `ModuleNotFoundError`, and no manifest can install it{also}",
            fix=fix,
            key=module,
            related=tuple((c, ln, col) for c, ln, col, *_ in found[1:])
            + tuple((ca.cell, ln, col) for ca, ln, col, _, _ in setup),
            data=(("module", module),),
        )


_QUOTED_OR_COMMENT = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|#.*")  # (`'/content/drive/…'` names no `drive`)


def _unused_names(shown: str, facts) -> list[str]:
    """The names a one-line `from google.colab import drive` binds when no cell reads any of them, else []."""
    try:
        node = ast.parse(shown.strip()).body[0]
    except (SyntaxError, IndexError):
        return []
    if not isinstance(node, ast.ImportFrom):
        return []
    bound = [a.asname or a.name for a in node.names if a.name != "*"]
    if not bound or len(bound) != len(node.names):
        return []
    read = {r.name for ca in facts.cells for r in (*ca.facts.reads, *ca.facts.deferred_reads)}
    read |= {c.func.split(".")[0] for ca in facts.cells for c in ca.facts.calls if c.func}
    if read.intersection(bound):
        return []
    # (and no other line names them at all: an attribute read, a string passed to `eval`… keeps the import)
    named = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in bound) + r")\b")
    mentions = sum(len(named.findall(_QUOTED_OR_COMMENT.sub("", line))) for ca in facts.cells if ca.cell.cell_type == "code"
                   for line in ca.lines if line.strip() != shown.strip())
    return bound if not mentions else []
