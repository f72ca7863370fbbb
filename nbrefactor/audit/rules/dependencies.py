"""Dependencies: what the notebook imports against what its project declares.

Import names are resolved to distributions by `nbrefactor.audit.distributions` (offline: catalogue
overrides, pipreqs' mapping, then what is installed); manifests come from `ctx.project`, found
beside the notebook and in the folders above it up to the project root.
"""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass, field, replace
from typing import Any, Collection, Iterator, Optional

from nbrefactor.audit.analysis import CellAnalysis, NotebookFacts, cell_python_tree, nodes_of
from nbrefactor.audit.facts import dotted_name, globals_bound_once
from nbrefactor.audit.hosted import hosted_only, hosted_test, local_test, missing_module_test
from nbrefactor.audit.container_code import ComponentStep, component_steps, pipeline_step_bodies
from nbrefactor.audit.distributions import (
    _installed_name, catalogued_distributions, system_installs, squashed, cell_imports, elsewhere_local_modules, missing_helper_modules, misspelt_local_modules, cloned_path, import_aliases, same_name, cloned_working_folder, install_commands, install_spellings, pipreqs_mapping, shadowing_package, third_party_imports, url_installs,
    variable_install_pins,
)
from nbrefactor.audit.types import Family, Severity
from nbrefactor.audit.project import ENVIRONMENT_FOLDERS, Manifest, Requirement, names_kernel_environment, normalise
from nbrefactor.audit.rules import Example, Hit, Rule, RuleContext, and_listed, is_suppressed, md
from nbrefactor.audit.rules import code as code_cell

_MANIFEST_KINDS = ("requirements*.txt, a conda environment file, a pixi.toml, pyproject.toml dependencies, setup.cfg "
                   "install_requires or a Dockerfile that installs Python packages")


def _manifest_names(manifests: tuple[Manifest, ...]) -> str:
    names = list(dict.fromkeys(m.path for m in manifests))
    return ", ".join(names[:3]) + (f" (and {len(names) - 3} more)" if len(names) > 3 else "")


_EXTRAS = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*\[([^\]]*)\]")


def _declared_extras(manifests: tuple[Manifest, ...]) -> frozenset[tuple[str, str]]:
    """(normalised distribution, extra) of every requirement declared with extras
    (`transformers[torch]==4.44.2` → ("transformers", "torch"))."""
    found: set[tuple[str, str]] = set()
    for manifest in manifests:
        for requirement in manifest.requirements:
            m = _EXTRAS.match(requirement.spec)
            if m:
                found.update((normalise(m.group(1)), e.strip().lower()) for e in m.group(2).split(",") if e.strip())
    return frozenset(found)


def _installed_by_extras(manifests: tuple[Manifest, ...], catalog) -> frozenset[str]:
    """Normalised names of what the extras of declared requirements install (`transformers[sklearn]`
    → scikit-learn), from `[extras.<distribution>]` of `rules/distributions.toml`: pip installs them
    with the requirement, so they are declared as surely as the requirement itself."""
    declared = _declared_extras(manifests)
    if not declared:
        return frozenset()  # (most projects declare none: the table is not read)
    known = catalog.derived("dependencies.extras", _extras_table)
    found: set[str] = set()
    for distribution, extra in declared:
        names = known.get(distribution, {}).get(normalise(extra), ())
        found.update(normalise(n) for n in ([names] if isinstance(names, str) else names) if isinstance(n, str))
    return frozenset(found)


def _extras_table(catalog) -> dict[str, dict[str, object]]:
    """`[extras.<distribution>]` with normalised names, once per catalogue (it was built again for
    every notebook, ~50 `normalise` calls each)."""
    table = catalog.table("distributions", "extras", {}) or {}
    return {normalise(k): {normalise(e): v for e, v in extras.items()}
            for k, extras in table.items() if isinstance(extras, dict)}


def _metapackages_table(catalog) -> dict[str, list]:
    """`[metapackages]` with normalised names, once per catalogue."""
    table = catalog.table("distributions", "metapackages", {}) or {}
    return {normalise(k): v for k, v in table.items() if isinstance(v, list)}


def _installed_by_metapackages(manifests: tuple[Manifest, ...], catalog) -> frozenset[str]:
    """Normalised names of what the declared metapackages install (`jupyter` → ipywidgets,
    ipykernel, notebook…), from `[metapackages]` of `rules/distributions.toml`: a metapackage has
    no code of its own, installing its members is all it does."""
    declared = {r.name for m in manifests for r in m.requirements}
    if not declared:
        return frozenset()
    known = catalog.derived("dependencies.metapackages", _metapackages_table)
    return frozenset(normalise(n) for name in declared & known.keys() for n in known[name] if isinstance(n, str))


def _unread_include(manifests: tuple[Manifest, ...]) -> bool:
    """Whether the notebook's environment includes a requirements file by URL that the audit never fetches
    (`-r https://…/validated_linux_requirements.txt`): a manifest has one, and no environment file of a folder
    nearer the notebook names its own Python (`- python>=3.7` in `experimental/automl_thin_client_env.yml`
    below the folder of `automl_env.yml`: a whole environment of its own, not an update of the other)."""
    remote = [posixpath.dirname(m.path) for m in manifests if m.remote_includes]
    if not remote:
        return False
    nearest = max(remote, key=len)
    return not any(m.kind == "environment" and m.python_requires and posixpath.dirname(m.path).startswith(nearest + "/")
                   for m in manifests)


def _distribution_phrase(resolution, url: Optional[str] = None, imported: bool = True) -> str:
    """`distribution `X``, or a guess said as one when no table knows the import (unless the
    notebook installs it from a URL: then that is where it comes from)."""
    if resolution.assumed and url:
        return f"distribution installed by the notebook from `{url}`"
    if _guessed_otherwise(resolution, imported):
        return f"distribution assumed to be `{resolution.primary}`: no mapping known"
    return f"distribution `{resolution.primary}`"


def _guessed_otherwise(resolution, imported: bool = True) -> bool:
    """A guessed distribution named otherwise than the import (`openai-whisper`, named by the notebook's
    guarded install, for `import whisper`): the message says it is assumed. A guess that is the import's
    own name (`kagglehub`, `folium`) is the usual case and said plainly (fair check 14: 19 such hedges,
    most on the right name), and so is its fix (`_index_name_in_doubt`). A distribution needed
    without an import (a spaCy model loaded by a linked name) has no import name to go by: still assumed."""
    if not resolution.assumed:
        return False
    if not imported:
        return True
    top = (resolution.module or "").split(".")[0]
    return normalise(top) != normalise(resolution.primary)


def _index_name_in_doubt(resolution, imported: bool = True) -> bool:
    """Does the fix say the distribution's name on the package index may differ? Only where something
    known says it may: the guess is named otherwise than the import (`_guessed_otherwise`), or pipreqs'
    mapping names another distribution for the import, which `[pipreqs] ignore` sets aside (`models`,
    `src`: nearly always the project's own code). A guess that is the import's own name and that no
    mapping contradicts is what pip installs under that name (`scanpy`): fair checks 16 and 17 hedged
    26 such fixes (`scanpy`, `geopandas`, `tweepy`…), the message meanwhile naming the distribution plainly."""
    if not resolution.assumed:
        return False
    if _guessed_otherwise(resolution, imported):
        return True
    mapped = pipreqs_mapping().get((resolution.module or "").split(".")[0])
    return bool(mapped) and normalise(mapped[0]) != normalise(resolution.primary)


def _as_installed(resolution, ctx: RuleContext):
    """A guessed distribution the notebook's own pip line names exactly (`!pip install hyperopt`,
    then `import hyperopt`) is no guess: the author installs it by that name, so messages name it
    without "no mapping known" and fixes without "its name may differ". Of a known import's several
    distributions, the one the notebook installs is named first (`psycopg2-binary` for `psycopg2`)."""
    installed = ctx.shared("dependencies.installed_names", lambda: frozenset(
        spec.name.lower() for command in install_commands(ctx.facts) for spec in command.install.packages))
    if not resolution.assumed:
        # `!pip install psycopg2-binary`, then `import psycopg2`: of the distributions that provide
        # the import, the one the notebook installs (and not the first one) is the one to declare,
        # named first (fair check 51, item 21: psycopg2's source build needs pg_config and a compiler).
        names = {normalise(n) for n in installed}
        if len(resolution.distributions) > 1 and normalise(resolution.primary) not in names:
            chosen = next((d for d in resolution.distributions[1:] if normalise(d) in names), None)
            if chosen is not None:
                return replace(resolution, distributions=(chosen, *(d for d in resolution.distributions if d != chosen)))
        return resolution
    # The line's name as the import spells it (`hyperopt`), not one read off the install line
    # (`lr-range-finder-demo` for `lr_range_finder_demo`: a commented-out line's spelling stays a guess).
    top = resolution.module.split(".")[0].lower()
    if top != resolution.primary.lower() or top not in installed:
        return resolution
    return replace(resolution, source="notebook-install")


# Distributions that only bridge Python 2 and 3: on Python 3 the code is better without them than
# with them declared (fair check 13: `from six import iteritems`, "one line to add").
_PY2_BRIDGES = {
    "six": "`six` only bridges Python 2 and 3: on Python 3 `iteritems(d)` is `d.items()`, `six.moves.range` is "
           "`range`, `string_types` is `str`",
}


def _bridge_note(distribution: str) -> str:
    note = _PY2_BRIDGES.get(normalise(distribution))
    return f"; or drop it: {note}" if note else ""


def _installed_from(use, facts) -> Optional[str]:
    """The URL the notebook installs an import no table knows from (`!pip install
    git+https://github.com/org/restorers.git`, then `import restorers`), if any."""
    if not use.resolution.assumed or use.how:
        return None
    return url_installs(facts).get(normalise(use.shown.split(".")[0]))


def _imported_distributions(ctx: RuleContext) -> frozenset[str]:
    """The normalised distributions of the notebook's third-party imports."""
    return frozenset(n for use in third_party_imports(ctx.facts, ctx.project, ctx.catalog) for n in use.resolution.normalised)


def _hosted_installs(ctx: RuleContext) -> dict[str, tuple[tuple, str]]:
    """normalised distribution → (place, spec as written) of the install lines that run only on
    Colab or Kaggle (`if "google.colab" in sys.modules: !pip install gym==0.18.0`): DEP003 leaves a
    package the notebook imports to DEP001/DEP002, whose finding then points at the line (a related
    location) and carries its pin into the fix."""
    def compute() -> dict[str, tuple[tuple, str]]:
        found: dict[str, tuple[tuple, str]] = {}
        cells = ctx.analysis_at
        for command in install_commands(ctx.facts):
            if command.install.packages and install_branch(cells.get(command.cell.index), command)[0]:
                for spec in command.install.packages:
                    found.setdefault(spec.normalised, ((command.cell, command.line, command.column), spec.spec))
        return found
    return ctx.shared("dependencies.hosted_installs", compute)


# A library's own metadata: what every install of the library pulls in, not a notebook's environment.
# (Not a pyproject: a Poetry or uv project's pyproject.toml is also how its environment is made.)
_LIBRARY_KINDS = frozenset({"setup.py", "setup.cfg"})


_CONDA_TOOLS = ("conda", "mamba", "micromamba")


def _install_pins(ctx: RuleContext) -> dict[str, tuple[Any, str]]:
    """normalised distribution → (the command, the spec as written) of each exact pip pin an install
    line of the notebook spells (`!pip install tensorflow==2.4.1`), guarded or not: the version the
    notebook ran with, which DEP001/DEP002's fix carries (fair check 19: "a pinned line for
    `tensorflow`" beside the notebook's own `tensorflow==2.4.1`). conda's `=2.4` is a release series,
    not one version: left out."""
    def compute() -> dict[str, tuple[Any, str]]:
        pins: dict[str, tuple[Any, str]] = {}
        for command in install_commands(ctx.facts):
            if command.install.tool in _CONDA_TOOLS:
                continue
            for spec in command.install.packages:
                if spec.version and re.fullmatch(r"===?\s*[^=<>!~,*\s]+", spec.constraint.strip()):
                    pins.setdefault(spec.normalised, (command, spec.spec))
        return pins
    return ctx.shared("dependencies.install_pins", compute)


def _library_home(fix: str, hosted: Optional[tuple[tuple, str]], library: Optional[str]) -> str:
    """`_with_hosted_pin`, and where the line goes when the only manifests are a library's own
    metadata (`library`, their names): a requirements file for the notebooks, not the library's
    `install_requires` (fair check 17: deepchem's tutorials importing scanpy)."""
    fix = _with_hosted_pin(fix, hosted)
    if library is None:
        return fix
    return (fix.replace("to a manifest", "to a requirements file for the notebooks (or an extra of the library for its examples)", 1)
            + f"; {library} is the library's own metadata, and a line in it would install this with every install of the library")


def _hatch_home(fix: str, manifests: tuple[Manifest, ...]) -> str:
    """Where a missing line goes when a pyproject's Hatch environment holds the notebooks' packages
    (scverse's tutorials: `[project]` lists the Sphinx build, `envs.notebook.extra-dependencies` what
    the notebooks import): that environment, the one named for notebooks first (fair check 18)."""
    hatch = next((m for m in manifests if m.kind == "hatch" and m.environments), None)
    if hatch is None or "to a manifest" not in fix:
        return fix
    env = next((e for e in hatch.environments if "notebook" in e.lower()), hatch.environments[0])
    return fix.replace("to a manifest", f"to the dependencies of the Hatch environment `{env}` in {hatch.path}", 1)


# A requirements file that builds a project's documentation (`doc-requirements.txt`, `docs/requirements.txt`,
# `requirements-docs.txt`): Sphinx and its extensions, often with notebook execution off. It declares (a
# package it lists is installed somewhere), but it is no home for what the notebooks need (fair check 19:
# astroML-notebooks' DEP001 fixes beside `.binder/requirements.txt`, the environment the notebooks run in).
_DOCS_BUILD = re.compile(r"(?:^|[-_.])docs?(?:[-_.]|$)", re.IGNORECASE)


def _docs_build_file(path: str) -> bool:
    folder = posixpath.basename(posixpath.dirname(path)).lower()
    return folder in ("doc", "docs") or bool(_DOCS_BUILD.search(posixpath.basename(path)))


# What builds documentation, not an environment to run notebooks in: Sphinx and its extensions
# (nbsphinx, sphinx-rtd-theme…), Jupyter Book, MkDocs.
_DOCS_TOOLS = re.compile(r"^(?:sphinx(?:-.*|contrib-.*)?|nbsphinx|myst-nb|jupyter-book|mkdocs(?:-.*)?)$")


def _sphinx_list(manifest: Manifest) -> bool:
    """A docs build's pip list (`docs/requirements.txt` with sphinx, nbsphinx, sphinx-rtd-theme): named
    as a docs build (`_docs_build_file`) and listing a docs tool (`_DOCS_TOOLS`). It is no alternative
    way to install the notebooks' environment (fair check 20: causalml's Sphinx list, which no config
    uses and which lacks causalml itself, said to lack seaborn "beside" the conda environment)."""
    return (manifest.kind == "requirements" and _docs_build_file(manifest.path)
            and any(_DOCS_TOOLS.match(r.name) for r in manifest.requirements))


# A year in an environment file's name (`dl2023_cpu.yml`, `dl2024_cpu.yml`): the course edition the
# file is for.
_EDITION_YEAR = re.compile(r"(?<!\d)(19[89]\d|20\d\d)(?!\d)")
_EDITION_KINDS = frozenset({"requirements", "environment", "pipfile"})


def _editions(manifests: tuple[Manifest, ...]) -> dict[str, tuple[Manifest, ...]]:
    """Environment files of one folder whose names differ only by a year (`dl2023_cpu.yml`,
    `dl2023_gpu.yml`, `dl2023_jax_gpu.yml` beside `dl2024_cpu.yml`, `dl2024_gpu.yml`): each file of an
    older year → the files of the newest year of its group (same folder, same name before the year).
    Last year's course environments are superseded, not a second way to install (fair check 20: 18
    DEP004 findings on phlippe's dl2023 files, 13 DEP001 fixes naming dl2023_cpu.yml)."""
    groups: dict[tuple[str, str], list[tuple[int, Manifest]]] = {}
    for manifest in manifests:
        if manifest.kind not in _EDITION_KINDS or manifest.sibling or manifest.compose_service:
            continue
        name = posixpath.basename(manifest.path)
        year = _EDITION_YEAR.search(name)
        if year:
            groups.setdefault((posixpath.dirname(manifest.path), name[:year.start()].lower()), []).append((int(year.group(1)), manifest))
    superseded: dict[str, tuple[Manifest, ...]] = {}
    for members in groups.values():
        newest = max(year for year, _ in members)
        current = tuple(m for year, m in members if year == newest)
        for year, manifest in members:
            if year < newest:
                superseded[manifest.path] = current
        # (one year only: nothing is superseded)
    return superseded


def _same_edition_name(old: Manifest, current: tuple[Manifest, ...]) -> Manifest:
    """The current file that stands for an older one: the same name but for the year
    (`dl2023_cpu.yml` → `dl2024_cpu.yml`), else the first current one."""
    bare = _EDITION_YEAR.sub("", posixpath.basename(old.path))
    return next((m for m in current if _EDITION_YEAR.sub("", posixpath.basename(m.path)) == bare), current[0])


# The manifests a missing line can go to, best first: an environment's own file (pip's, conda's,
# Pipenv's, a pyproject's dependencies), then a Dockerfile's RUN line. A library's setup.py/setup.cfg
# (`_library_home`) and a lock (written by its tool, never by hand) are no such home.
_HOME_KINDS = ("requirements", "environment", "pixi", "pipfile", "pyproject", "dockerfile")


# A tool's list for working on the repository, not an environment to run notebooks in
# (`lint-requirements.txt` of pre-commit, black and flake8; `requirements-dev.txt` of jupyter,
# nbconvert and pre-commit): with `_DEV_MANIFEST`, no home for a notebook's missing line while
# another file is there (fair check 20: lightfm's and kornia's DEP001 fixes).
_TOOLING_MANIFEST = re.compile(r"(?:^|[-_.])(?:lint|linting|linters|style|format|pre-commit|ci)(?:[-_.]|$)", re.IGNORECASE)


def _tooling_file(manifest: Manifest) -> bool:
    name = posixpath.basename(manifest.path)
    return manifest.kind == "requirements" and bool(_DEV_MANIFEST.search(name) or _TOOLING_MANIFEST.search(name))


# The tools of work on a repository, by kind: tests, docs, linting. A Dockerfile installing those of two
# kinds or more (`_development_image`) is a contributors' workstation.
_DEVELOPMENT_TOOLS = (
    re.compile(r"^(?:pytest(?:-.*)?|coverage|tox|nox|hypothesis)$"),
    re.compile(r"^(?:sphinx(?:-.*|contrib-.*)?|nbsphinx|mkdocs(?:-.*)?|jupyter-book)$"),
    re.compile(r"^(?:ruff|flake8|black|pylint|mypy|isort|pre-commit|pycodestyle)$"),
)


def _development_image(manifest: Manifest) -> bool:
    """A Dockerfile for working on the repository, not for running its notebooks: it installs neither the
    project (`pip install .`) nor a requirements file, and it installs tools of two kinds of development
    work, tests, docs or linting (whylogs' root image: pytest, pytest-cov, sphinx, ruff and Poetry in a
    `/workspace` volume, but never whylogs; fair check 21: 13 DEP001 and 13 DEP003 fixes said to add the
    examples' packages to a RUN line of it). Like `requirements-dev.txt`, it declares, but is no home."""
    if manifest.kind != "dockerfile" or manifest.includes or manifest.projects:
        return False
    names = {r.name for r in manifest.requirements}
    return sum(any(tool.match(n) for n in names) for tool in _DEVELOPMENT_TOOLS) >= 2


def _kernel_home(manifests: tuple[Manifest, ...], notebook) -> tuple[Manifest, ...]:
    """The manifests where a missing line goes: the conda environment file whose environment the notebook's
    kernelspec names (`ml-tutorials` for `name: …/envs/ml-tutorials`), the nearest, when there is one: the
    kernel runs in it, while a requirements.txt beside or below may be an app's list or a vendored project's
    (fair check 40, items 1-4 and 28); else all of them."""
    named = [m for m in manifests if names_kernel_environment(m, notebook.kernel_name, notebook.kernel_display_name)]
    return (named[0],) if named else manifests


def _home_manifest(manifests: tuple[Manifest, ...], own_projects: frozenset[str] = frozenset()) -> Optional[Manifest]:
    """The one file a missing line goes to, of the manifests beside or above the notebook (nearest
    first): not an example's file in a sibling folder, not a compose service's second image; while
    another file is there, not last year's edition of an environment file (`_editions`), not a tool's
    or a contributor's list (`_tooling_file`), not the metadata of the library the notebook imports
    (`own_projects`: its `[project]` dependencies would make the library require it), not a contributors'
    image (`_development_image`; with nothing else, None), not a docs
    build (`_docs_build_file`); among docs builds only, an environment file before a Sphinx list
    (`_sphinx_list`). By `_HOME_KINDS`, the nearest of the best kind. None when none fits (then the
    fix says "a manifest")."""
    candidates = [m for m in manifests if not m.sibling and not m.compose_service and m.kind in _HOME_KINDS]
    superseded = _editions(tuple(candidates))
    candidates = [m for m in candidates if m.path not in superseded] or candidates
    candidates = [m for m in candidates if not _tooling_file(m)] or candidates
    # A contributors' image is no home even alone, nor then the library's metadata: the notebooks want a
    # requirements file of their own (None: the fix says so).
    # So is an image that runs another program (`CMD ["lambda_function.lambda_handler"]`, `python app.py`): the
    # notebook beside it is that program's client, not run in it (fair check 48, item 4).
    kept = [m for m in candidates if not _development_image(m) and not m.contributors_only and not m.program
            and not (m.kind == "pyproject" and m.project_name in own_projects)]
    if not kept and any(_development_image(m) or m.contributors_only or m.program for m in candidates):
        return None
    candidates = kept or candidates
    undocumented = [m for m in candidates if not _docs_build_file(m.path)]
    candidates = undocumented or [m for m in candidates if not _sphinx_list(m)] or candidates
    if not candidates:
        return None
    # A conda environment file and a pixi.toml (fair check 37) rank with a requirements file: the nearest of them.
    return min(candidates, key=lambda m: _HOME_KINDS.index(m.kind) if m.kind not in ("environment", "pixi") else 0)


# conda-forge's names for distributions of the package index that it spells otherwise: what `pixi add` takes.
_CONDA_FORGE_NAMES = {"torch": "pytorch", "xgboost": "py-xgboost", "confluent-kafka": "python-confluent-kafka",
                      "tables": "pytables", "opencv-python": "opencv", "opencv-python-headless": "opencv",
                      "graphviz": "python-graphviz"}


def _pixi_add(spec: Optional[str]) -> str:
    """The command that adds `spec` (`torch==2.3.1`, from the fix's "Add `…`") to a pixi.toml: `pixi add` with
    its conda-forge name (`[dependencies]`), or `--pypi` for one with extras or a URL (fair check 37)."""
    match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(.*)$", spec or "")
    if match is None:
        return "`pixi add <its conda package>`, or `pixi add --pypi <its distribution>` for one only on the package index"
    name, rest = match.groups()
    if rest.lstrip().startswith(("[", "@")):
        return f"`pixi add --pypi \"{spec}\"`"
    conda = _CONDA_FORGE_NAMES.get(normalise(name), name) + rest.strip()
    shown = (lambda s: f'"{s}"' if re.search(r"[<>=!~*,\s]", s) else s)
    return f"`pixi add {shown(conda)}`, or `pixi add --pypi {shown(spec)}` if conda-forge has no such package"


def _home_phrase(manifest: Manifest, manifests: tuple[Manifest, ...] = (), spec: Optional[str] = None) -> str:
    """`to <file>` for the manifest `_home_manifest` chose, said as the file takes a line; a current
    edition's environment file with the other files of that edition (`dl2024_cpu.yml and
    dl2024_gpu.yml`: CPU and GPU are two ways to install the same course). `spec`: the line added, which a
    pixi.toml takes through `pixi add`."""
    if manifest.kind == "dockerfile":
        return f"to a RUN line of {manifest.path}"
    if manifest.kind == "pyproject":
        if manifest.notebook_group and manifest.poetry_group:
            return f"to the `{manifest.notebook_group}` group (`[tool.poetry.group.{manifest.notebook_group}.dependencies]`) of {manifest.path}"
        if manifest.notebook_group:
            return f"to the `{manifest.notebook_group}` group of `[dependency-groups]` in {manifest.path}"
        return f"to the dependencies of {manifest.path}"
    if manifest.kind == "pipfile":
        return f"to `[packages]` of {manifest.path}"
    if manifest.kind == "pixi":
        return f"to {manifest.path} ({_pixi_add(spec)})"
    edition = next((current for current in _editions(manifests).values() if manifest in current), ())
    together = [m.path for m in edition if m.kind == manifest.kind]
    if len(together) > 1 and manifest.path in together:
        return f"to {' and '.join([manifest.path] + [p for p in together if p != manifest.path])}"
    return f"to {manifest.path}"


def _named_home(fix: str, manifests: tuple[Manifest, ...], own_projects: frozenset[str] = frozenset()) -> str:
    """The fix's "to a manifest" said as the file (fair check 19: all 16 DEP001 fixes named no file);
    where the project's only files are a contributors' image and the library's metadata, a requirements
    file of the notebooks' own, which those files are not."""
    if "to a manifest" not in fix:
        return fix
    home = _home_manifest(manifests, own_projects)
    if home is not None:
        added = re.match(r"^Add `([^`]+)`", fix)
        return fix.replace("to a manifest", _home_phrase(home, manifests, added.group(1) if added else None), 1)
    images = [m.path for m in manifests if _development_image(m)]
    tools = [m.path for m in manifests if m.contributors_only]
    programs = [m for m in manifests if m.program and not _development_image(m)]
    if not images and not tools and not programs:
        return fix
    return (fix.replace("to a manifest", "to a `requirements.txt` of the notebooks' own, beside them", 1)
            + (f"; {', '.join(images)} {'is a development image' if len(images) == 1 else 'are development images'} "
               "(test, docs and lint tools), not where the notebooks run" if images else "")
            + "".join(f"; {m.path} builds the image that runs `{m.program}`, not where the notebooks run" for m in programs)
            + (f"; {', '.join(tools)} {'lists' if len(tools) == 1 else 'list'} only the contributors' tools (a `dev` extra, no "
               "dependencies), not the notebooks' environment" if tools else ""))


def _own_projects(ctx: RuleContext) -> frozenset[str]:
    """The normalised names of the projects whose metadata a manifest around the notebook holds
    (`[project] name = "causalml"`) and that the notebook imports (`from causalml.inference.meta import
    …`): the library the notebook is an example of. Whatever its metadata declares, dependencies or an
    extra, comes with it into any environment that runs the notebook."""
    def compute() -> frozenset[str]:
        named = {m.project_name for m in ctx.project.manifests if m.project_name and m.kind in _LIBRARY_METADATA}
        if not named:
            return frozenset()
        imported = {normalise(imp.top_level) for ca in ctx.cells for imp in cell_imports(ca) if imp.level == 0 and imp.top_level}
        return frozenset(named & imported)
    return ctx.shared("dependencies.own_projects", compute)


def _homeless_projects(ctx: RuleContext) -> frozenset[str]:
    """`_own_projects`, and those the notebook's install lines name: metadata that is no home for the
    notebook's packages. whylogs' SageMaker example imports whylogs only in a `%%writefile` cell's
    script, but its `%pip install sagemaker whylogs torch` names the library (fair check 21: the fix
    said to add sagemaker to whylogs' own Poetry dependencies). What the library declares is still
    counted as coming with it only for an import (`_own_projects`)."""
    def compute() -> frozenset[str]:
        named = {m.project_name for m in ctx.project.manifests if m.project_name and m.kind in _LIBRARY_METADATA}
        installed = {_installed_name(spec.name) for cmd in install_commands(ctx.facts) for spec in cmd.packages} if named else set()
        return _own_projects(ctx) | frozenset(named & installed)
    return ctx.shared("dependencies.homeless_projects", compute)


def _installed_spec(resolution, ctx: RuleContext) -> str:
    """The spec of the notebook's first install line naming the distribution (`openai==0.28`,
    `openai`), or "" when none does (an `--upgrade` line is unpinned whatever it names)."""
    return next((spec.spec for command in install_commands(ctx.facts) for spec in command.install.packages
                 if spec.normalised in resolution.normalised), "")


def _with_hosted_pin(fix: str, hosted: Optional[tuple[tuple, str]]) -> str:
    if hosted is None or not re.search(r"[=<>~]", hosted[1]):
        return fix
    return f"{fix} (the notebook's Colab set-up installs `{hosted[1]}`; that line may stay)"


def _hosted_related(found_places: tuple, hosted: Optional[tuple[tuple, str]]) -> tuple:
    return found_places + ((hosted[0],) if hosted is not None and hosted[0] not in found_places else ())


# Names on the package index that install nothing of the distribution an import needs: PyPI's
# `sklearn` is a deprecated placeholder (its install fails since 2023; before, it pulled scikit-learn
# in unpinned). A manifest listing it lists no scikit-learn.
# PyPI's `skimage` has one release, 0.0, whose setup.py stops the install ("Please install the
# scikit-image package"): a manifest pinning `skimage==0.0` cannot be installed at all (fair check
# 35, nfmcclure/tensorflow_cookbook's requirements.txt; recall T-2.1 and its siblings).
# PyPI's `imblearn` is the same kind of dummy as `bs4` (one release, 0.0, requiring `imbalanced-learn`): a notebook's
# `!pip install imblearn` installs imbalanced-learn unpinned (fair check 53, item 22: DEP003 said "Declare imblearn",
# where DEP002 of the same notebook said imbalanced-learn).
_PLACEHOLDERS = {"scikit-learn": "sklearn", "beautifulsoup4": "bs4", "scikit-image": "skimage", "imbalanced-learn": "imblearn"}
# What each placeholder is. PyPI's `bs4` is a dummy that only depends on beautifulsoup4: it installs,
# but a pin on it pins no Beautiful Soup (fair check 21: DEP003 said "Declare nltk, bs4" where DEP001
# of the same notebook said beautifulsoup4).
_PLACEHOLDER_KINDS = {
    "sklearn": "a deprecated placeholder on the package index that does not install `scikit-learn`",
    "bs4": "a dummy package on the package index that only pulls in `beautifulsoup4`, unpinned",
    "imblearn": "a dummy package on the package index that only pulls in `imbalanced-learn`, unpinned",
    "skimage": "a placeholder on the package index whose only release stops the install of the whole file "
               "(\"Please install the scikit-image package\")",
}


# Distributions renamed or replaced on the package index: old name (normalised) → (the name to declare,
# why, the old and new import when the rename changed it too). A fix that would tell the notebook to declare
# the old name unpinned names the new one (fair check 29, item 24: "Declare pystan, fbprophet … (pinned)",
# where fbprophet stopped at 0.7.1). Each entry is checked against PyPI's own pages (pypi.org/pypi/NAME/json):
# - fbprophet: last release 0.7.1 (2020-09-05); the same project's prophet 1.0 (2021-03-26) ships the
#   package `prophet` ("Automatic Forecasting Procedure", both pages).
# - tensorflow-gpu: its 2.12.0 page reads 'Removed: please install "tensorflow" instead' (an sdist that
#   fails on install; "tensorflow and tensorflow-gpu have been the same package since TensorFlow 2.1").
# - pyramid-arima: last release 0.9.0 (2018); pmdarima's page: "originally `pyramid-arima`", "legacy
#   versions (<1.0.0) are available under the name pyramid-arima", imported as `pyramid` (now `pmdarima`).
# - msgpack-python: last release 0.5.6 (2018); its page: "This package is deprecated. Install msgpack instead."
# - pytorch: its page: 'You tried to install "pytorch". The package named for PyTorch is "torch"'.
# `sklearn` and `bs4` are placeholders, above. A line that pins the old name keeps it: that release is
# still on the index (and before 2.1, tensorflow-gpu was not the same package as tensorflow).
_RENAMED: dict[str, tuple[str, str, Optional[tuple[str, str]]]] = {
    "fbprophet": ("prophet", "renamed `prophet` at 1.0, in 2021, after its last release, 0.7.1 of 2020", ("fbprophet", "prophet")),
    "tensorflow-gpu": ("tensorflow", "removed from the package index at 2.12, whose release fails to install, "
                       "and `tensorflow` has the same GPU support since 2.1", None),
    "pyramid-arima": ("pmdarima", "renamed `pmdarima` at 1.0, in 2018, after its last release, 0.9.0", ("pyramid", "pmdarima")),
    "msgpack-python": ("msgpack", "deprecated for `msgpack` after its last release, 0.5.6 of 2018", None),
    "pytorch": ("torch", "a placeholder on the package index whose install fails, not PyTorch's `torch`", None),
    # Fair check 36, item 13: `import plotly_express as px`. The 0.4.1 wheel's whole module is `from plotly.express
    # import *` ("`plotly_express` is now an alias for `plotly.express`") and it requires plotly>=4.1.0.
    "plotly-express": ("plotly", "folded into plotly as `plotly.express` at plotly 4.1, and its last release, 0.4.1, only "
                       "imports that", ("plotly_express", "plotly.express")),
    # Fair check 38, item 22: `!pip install zeus-ml` then `from zeus.monitor import ZeusMonitor`. The 0.11.0.post1 wheel's
    # description: 'This project was moved to "zeus"', "v0.11.0 will be the last version mirrored to `zeus-ml`"; `zeus`
    # 0.11.0 ships the same `zeus` package (same metadata), and goes on (0.16.0).
    "zeus-ml": ("zeus", "moved to `zeus` after 0.11.0, the last release mirrored to `zeus-ml`", None),
}


# Distributions whose name on the package index is a placeholder that refuses to install: RAPIDS'
# `cudf`, `cuml`, `cugraph` and `nvstrings` there are 0.6.1.post1 sdists whose setup.py raises "Please
# install cudf via the rapidsai conda channel" (checked in the four sdists). A requirements.txt line for
# them fails (fair check 33, items 15 and 20): they go in a conda environment file with the `rapidsai`
# channel, or as RAPIDS' pip wheels for CUDA 12 (`cudf-cu12`, `cuml-cu12`, `cugraph-cu12`: on the index
# since 23.x); `nvstrings` has no wheel (it was merged into cudf at RAPIDS 0.16).
_CONDA_ONLY: dict[str, Optional[str]] = {"cudf": "cudf-cu12", "cuml": "cuml-cu12", "cugraph": "cugraph-cu12",
                                         "nvstrings": None}


# RAPIDS' pip wheels for CUDA 12, on NVIDIA's index (RAPIDS' install guide: `pip install
# --extra-index-url=https://pypi.nvidia.com cudf-cu12==24.8.*`): what a manifest line a conda environment
# froze (`cudf==24.8.3`, `dask-cudf==24.8.3`) means for pip. The compiler declares these instead of
# copying the line, which cannot install (`_CONDA_ONLY`'s placeholders; `dask-cudf` is no project on
# the package index at all). The wheels' versions are the conda packages' (24.08.03 is 24.8.3).
RAPIDS_WHEEL_INDEX = "https://pypi.nvidia.com"
RAPIDS_PIP_WHEELS: dict[str, str] = {**{name: wheel for name, wheel in _CONDA_ONLY.items() if wheel}, "dask-cudf": "dask-cudf-cu12"}


# Manifest lines that cannot be installed at all, knowable offline and certain (fair check 35, recall
# T-2.1, T-4.1, T-6.1: nfmcclure/tensorflow_cookbook's requirements.txt pins `skimage==0.0`, and
# `pip install -r requirements.txt` stops there for every notebook of the project, whatever they
# import). Name on the package index → (the distribution to declare, what the name is there). Only
# names whose every release the line can select fails on install: `skimage` (one release, 0.0, whose
# setup.py stops), `pytorch` (its releases' setup.py raise), RAPIDS' `cudf`, `cuml`, `cugraph` and
# `nvstrings` (`_CONDA_ONLY`). `sklearn` unpinned, or pinned so that pip picks a post release
# (`sklearn==0.0.post1`, `_sklearn_post_release`): those raise since December 2023, and whether the
# first, 0.0, still installs is not known here. `tensorflow-gpu` only when the line
# admits 2.12.0, the newest release (an sdist that fails on install): `tensorflow-gpu==2.4.1` installs.
# Nothing about wheels per Python version (`numpy==1.13.1` on a new Python): not certain offline.
_UNINSTALLABLE: dict[str, tuple[str, str]] = {
    "skimage": ("scikit-image", "a placeholder on the package index whose only release, 0.0, stops the install "
                "(\"Please install the scikit-image package\")"),
    "sklearn": ("scikit-learn", "a deprecated placeholder on the package index whose install always fails since "
                "December 2023 (\"The 'sklearn' PyPI package is deprecated, use 'scikit-learn'\")"),
    "pytorch": ("torch", _RENAMED["pytorch"][1]),
    "tensorflow-gpu": ("tensorflow", "retired on the package index at 2.12: its newest release, 2.12.0, which the line admits, "
                       "is an sdist that fails on install (\"Removed: please install tensorflow instead\")"),
    **{name: (name, "a placeholder on the package index whose setup.py stops the install (\"Please install "
                    f"{name} via the rapidsai conda channel\")") for name in _CONDA_ONLY},
}


# `torch==2.5.1+cu124`: a pin on a version with a local label (PEP 440's `+…`), which the package index
# never holds (PyPI refuses every upload whose version has one).
_LOCAL_LABEL_PIN = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*==\s*(?P<version>[0-9][0-9A-Za-z.!*-]*\+(?P<label>[A-Za-z0-9.]+))\s*$")
# The kinds of manifest whose line pip installs from the index as written (pyproject tables and
# setup files are left: a build tool's own index settings may sit in files not read here).
_LOCAL_LABEL_KINDS = frozenset({"requirements", "environment", "dockerfile", "pipfile"})


# Distributions whose local-label builds (`+cu124`, `+cpu`) PyTorch's own index serves, per label.
_PYTORCH_INDEX_NAMES = frozenset({"torch", "torchvision", "torchaudio", "torchtext", "torchdata"})


def _local_label_entry(req: Requirement, manifest: Manifest) -> Optional[tuple[str, str]]:
    """`_UNINSTALLABLE`'s entry for a line pinning a local version label (`torch==2.5.1+cu124` in a
    requirements.txt naming no other index: fair check 37, recall note on mateuszk098/kaggle-notebooks):
    pip looks for that exact version on PyPI, which holds no local version, so `pip install -r` stops.
    The caller leaves files that name another index or link page (`-f https://download.pytorch.org/
    whl/torch_stable.html`, where `+cpu` builds are), conda's packages, markers and URLs. Not covered:
    an index given only on the command line the README shows (`pip install -r requirements.txt
    --index-url …`) is not looked for; pyproject and setup files are left (`_LOCAL_LABEL_KINDS`)."""
    if manifest.kind not in _LOCAL_LABEL_KINDS or req.conda:
        return None
    match = _LOCAL_LABEL_PIN.match(_without_comment(req.spec))
    if match is None:
        return None
    return (req.name,
            f"pinned to a local version (`+{match['label']}`), and the package index holds none: no release "
            "matches, and the file names no other index (`--extra-index-url`, `--find-links`) where that build is")


# `scikit-learn-0.20.0`: a version glued to the name with `-` where `==` was meant. pip reads the
# whole line as a name (PEP 508 allows digits, dots and hyphens in one), looks for that project, and
# stops (fair check 39, obs145628/ml-notebooks' requirements.txt). Only where the name before the
# version is a distribution the catalogue names (`known`), and the line has no specifier of its own.
_GLUED_VERSION = re.compile(r"^\s*(?P<base>[A-Za-z0-9][A-Za-z0-9._-]*?)-(?P<version>\d+(?:\.\d+)+)\s*$")


def _glued_version_entry(req: Requirement, manifest: Manifest, known: frozenset[str]) -> Optional[tuple[str, str]]:
    """`_UNINSTALLABLE`'s entry for a requirements line `name-1.2.3` whose `name` is a distribution the
    catalogue knows (`known`, normalised): ("name==1.2.3", why)."""
    if manifest.kind not in _LOCAL_LABEL_KINDS or req.conda or req.pinned or manifest.other_index:
        return None
    match = _GLUED_VERSION.match(_without_comment(req.spec))
    if match is None or normalise(match["base"]) not in known:
        return None
    return (f"{match['base']}=={match['version']}",
            f"no project on the package index: the version is glued to the name with `-` (pip reads "
            f"`{match['base']}-{match['version']}` as one name), where `{match['base']}=={match['version']}` was meant")


def _uninstallable(req: Requirement, manifest: Manifest) -> Optional[tuple[str, str]]:
    """(the distribution to declare, what the line's name is on the package index) for a manifest line
    whose install fails whatever else the file holds (`_UNINSTALLABLE`); None for any other line, and for
    a line read from conda's packages (they are not the index's placeholders), one a base image ships, a
    direct reference or VCS URL, a line behind an environment marker, and any line of a file that names
    another package index or link page (`--extra-index-url https://pypi.nvidia.com`: the name may be a
    real release there)."""
    entry = _UNINSTALLABLE.get(req.name) or _local_label_entry(req, manifest)
    if (entry is None or req.conda or req.named_build or manifest.other_index or manifest.kind == "uv.lock"
            or "# in the image " in req.spec):
        return None
    text = _without_comment(req.spec)
    if ";" in text or "@" in text or "://" in text:
        return None
    if req.name == "sklearn" and req.pinned and not _sklearn_post_release(req):
        return None
    if req.name == "tensorflow-gpu":
        from packaging.version import Version

        specifier = _version_specifier(_requirement_rest(req.spec), conda=False)
        if specifier is None or not specifier.contains(Version("2.12.0")):
            return None
    return entry


def _sklearn_post_release(req: Requirement) -> bool:
    """Does a pinned `sklearn` line let pip pick one of the placeholder's post releases (`sklearn==0.0.post1`,
    `sklearn>=0.0`), every one of which fails on install since December 2023? Its releases are 0.0 and
    0.0.post1 onwards: 0.0.post1's setup.py (sklearn-pypi-package f609c70, October 2022) raises "The 'sklearn'
    PyPI package is deprecated, use 'scikit-learn'" on a brownout schedule whose last window, from 2023-12-01
    on, is always; 0.0.post2 to 0.0.post10 carry the same schedule, and 0.0.post12 (2023-12-01) raises
    unconditionally (all sdists: setup.py runs at install; checked in the repository's history) (fair check
    52, recall T-4.5 and T-5.5: `sklearn==0.0.post1` beside `scikit-learn==1.5.2`). pip picks the newest
    release the line admits: it fails unless the line admits 0.0 and no post release (`sklearn==0.0`, not
    known to fail); a line admitting no release at all fails too. A specifier pip cannot read: not known."""
    from packaging.version import Version

    specifier = _version_specifier(_requirement_rest(req.spec), conda=False)
    if specifier is None:
        return False
    posts = [Version(f"0.0.post{n}") for n in range(1, 40)]
    return not specifier.contains(Version("0.0")) or any(specifier.contains(v) for v in posts)


def _conda_only_note(names) -> str:
    """For distributions whose package-index name is a placeholder that fails to install (`cudf`):
    where their line goes instead; "" when none is."""
    found = [n for n in dict.fromkeys(names) if normalise(n.split("[")[0]) in _CONDA_ONLY]
    if not found:
        return ""
    wheels = [w for w in (_CONDA_ONLY[normalise(n.split("[")[0])] for n in found) if w]
    shown = ", ".join(f"`{n}`" for n in found)
    return (f" ({shown} on the package index {'is a placeholder' if len(found) == 1 else 'are placeholders'} whose install "
            "fails (\"Please install … via the rapidsai conda channel\"): declare "
            f"{'it' if len(found) == 1 else 'them'} in a conda environment file whose `channels:` list has `rapidsai`"
            + (f", or as {', '.join(f'`{w}`' for w in wheels)} (RAPIDS' pip wheels for CUDA 12)" if wheels else "") + ")")


def _renamed_sentence(name: str) -> str:
    """What became of a renamed distribution `name` (a `_RENAMED` key, normalised or not, extras
    allowed) and what to declare instead: the one sentence DEP001/DEP002's note and DEP003's fix
    both say."""
    new, why, modules = _RENAMED[normalise(name.split("[")[0])]
    change = f" and `import {modules[1]}` instead of `import {modules[0]}`" if modules else ""
    return f"`{name}` was {why}: declare `{new}`{change}"


def _renamed_note(distribution: str) -> str:
    """For an import whose distribution was renamed (`fbprophet`): what its new name is and needs,
    so that "add it (pinned)" does not pin a name that stopped (fair check 29, item 24)."""
    if normalise(distribution) not in _RENAMED:
        return ""
    return "; " + _renamed_sentence(distribution)


def _named_for_pip(name: str) -> str:
    """A name on an install line, normalised, as the distribution it stands for: the placeholder
    `sklearn` is scikit-learn, which is what the line means (and what the import needs)."""
    name = normalise(name)
    return next((real for real, placeholder in _PLACEHOLDERS.items() if placeholder == name), name)


def _placeholder_note(res, manifests: tuple[Manifest, ...]) -> str:
    """For a distribution a manifest names only by its placeholder: which files list that name."""
    placeholder = _PLACEHOLDERS.get(normalise(res.primary))
    files = [m.path for m in manifests if placeholder and any(r.name == placeholder for r in m.requirements)]
    if not files:
        return ""
    return f" ({', '.join(files)} {'lists' if len(files) == 1 else 'list'} `{placeholder}`, {_PLACEHOLDER_KINDS[placeholder]})"


def _uninstallable_placeholder(res, manifests: tuple[Manifest, ...]) -> bool:
    """Does a manifest list the distribution only by its placeholder, on a line DEP007 reports (`_uninstallable`)?"""
    placeholder = _PLACEHOLDERS.get(normalise(res.primary))
    if placeholder is not None and any(r.name == placeholder and _uninstallable(r, m) is not None
                                       for m in manifests for r in m.requirements):
        return True
    # ... or by a line with its version glued on (`scikit-learn-0.20.0`), which DEP007 reports.
    known = frozenset({normalise(res.primary)})
    return any(r.name.startswith(normalise(res.primary) + "-") and _glued_version_entry(r, m, known) is not None
               for m in manifests for r in m.requirements)


def _component_uses(uses: tuple, facts: NotebookFacts, manifests: bool) -> tuple[list, dict[int, ComponentStep]]:
    """The notebook's third-party uses that can lack a declaration, and for those in a component's
    body, the component (by `id` of the use). An import in the body of a function the notebook makes
    a KFP component of runs in the component's image: the component's own `packages_to_install=[...]`
    declares it (the import is dropped). Without a manifest, an image other than a stock `python:*`
    one (or one the notebook does not spell as a literal) may bring it too, and a requirements.txt
    beside the notebook (DEP002's fix) would not reach it: dropped as well. With manifests, they are
    the reference as for the kernel's imports (the project's Dockerfile often builds that image). A
    kept import in a component's body has a message that says where it runs."""
    steps = component_steps(facts)
    if not steps:
        return list(uses), {}
    kept: list = []
    component: dict[int, ComponentStep] = {}
    for use in uses:
        ways = [s for s in steps if s.cell == use.cell.index and s.first <= use.line <= s.last]
        if ways and any(use.resolution.declared_by(s.installs()) for s in ways):
            continue
        if ways and not manifests and any(not s.on_stock_python or s.packages is None for s in ways):
            continue
        if ways:
            component[id(use)] = ways[0]
        kept.append(use)
    return kept, component


def _component_note(use, component: dict[int, ComponentStep]) -> str:
    """For an import in a component's body: where it runs, and that no manifest reaches there."""
    step = component.get(id(use))
    if step is None:
        return ""
    image = f"`{step.image}`" if step.image else "the stock Python image it defaults to"
    reach = ", where no manifest of the notebook reaches" if step.on_stock_python else ""
    return (f"; it is imported in `{step.function}`, which `{step.factory}` makes a Kubeflow Pipelines component running "
            f"on {image}{reach}: the component's `packages_to_install=[...]` or its image must install it")


def _component_fix(use, component: dict[int, ComponentStep]) -> str:
    step = component.get(id(use))
    return "" if step is None else (
        f" (for the component, add it to `packages_to_install=[...]` of `{step.factory}({step.function}, ...)` "
        "or build the component on an image that installs it)")


_UV_WORKSPACE = {
    "pyproject.toml": "[tool.uv.workspace]\nmembers = [\"core\"]\n",
    "uv.lock": ("version = 1\n\n[[package]]\nname = \"pandas\"\nversion = \"2.2.2\"\n"
                "source = { registry = \"https://pypi.org/simple\" }\n\n"
                "[[package]]\nname = \"trailmix-core\"\nsource = { editable = \"core\" }\n"
                "dependencies = [\n    { name = \"pandas\" },\n]\n"),
    "core/setup.py": "from setuptools import setup\n\nsetup(install_requires=pin_ranges(['pandas']))\n",
}


# A Dockerfile that copies the repository in and pip-installs the project in lib/ with one extra.
_DOCKER_PROJECT = {
    "Dockerfile": "FROM python:3.11-slim\nCOPY . /src\nWORKDIR /src/lib\nRUN python -m pip install -e \".[plots]\"\n",
    "lib/pyproject.toml": ("[project]\nname = 'tidyplot'\ndependencies = ['numpy>=1.26']\n\n[project.optional-dependencies]\n"
                           "plots = ['matplotlib>=3.8']\ndocs = ['sphinx>=7']\n"),
}


def _spacy_shortcut_fix(use, package: str) -> str:
    """What a spaCy 2 shortcut load (`spacy.load("en")`) also needs: the package's own name (fair check 32, item 2)."""
    if "shortcut link" not in use.needed:
        return ""
    return (f", and load it by that name, `spacy.load(\"{package}\")`: installing the package does not make the "
            f"`{use.shown}` shortcut (spaCy 2 makes it with `python -m spacy link`; spaCy 3 has no shortcuts)")


def _notebook_helper(ctx: RuleContext, use) -> Optional[tuple[str, str, tuple[str, ...]]]:
    """The notebook beside that defines what this import takes from a module no table knows and no
    install line names (`ProjectContext.notebook_helpers`: `from metric import score` beside Kaggle's
    metric notebook, attached to the kernel as a utility script), as (module, notebook, names); else None."""
    top = use.module.split(".")[0]
    helper = next((h for h in ctx.project.notebook_helpers if h[0] == top), None)
    if helper is None or not use.resolution.assumed or normalise(use.resolution.primary) != normalise(top):
        return None
    return None if normalise(top) in install_spellings(ctx.facts) else helper


def _notebook_helper_hit(use, others: list, helper: tuple[str, str, tuple[str, ...]], key: str) -> Hit:
    """An import of the project's helper kept as a notebook (`_notebook_helper`): no manifest line can
    provide it, and the index's namesake is another project (PyPI's `metric` is unrelated to Kaggle's
    competition metric: fair check 46, item 4)."""
    module, notebook, names = helper
    shown = and_listed([f"`{n}`" for n in names])
    return Hit(
        use.cell,
        use.line,
        use.column,
        f"`{module}` is no distribution: {shown} {'is' if len(names) == 1 else 'are'} defined by `{notebook}` beside the "
        "notebook (a helper kept as a notebook, as Kaggle attaches a utility script), which Python cannot import",
        fix=f"Export the helper's code from `{notebook}` as `{module}.py` beside the notebook (`jupyter nbconvert --to "
            f"script`); no manifest line can provide `{module}`",
        key=key,
        related=tuple(dict.fromkeys(
            (u.cell, u.line, u.column) for u in others if (u.cell, u.line, u.column) != (use.cell, use.line, use.column))),
        data=(("module", use.module), ("notebook", notebook)),
    )


def _elsewhere_local_hit(use, others: list, file: str, key: str) -> Hit:
    """An import no table knows whose module the repository keeps in another folder (`elsewhere_local_modules`:
    `import prediction_library`, the module in `../Colaboration_Tutorials/`): the finding stays (the import fails
    on a checkout, run from the notebook's folder), but what fails is the import path, not a missing manifest
    line, which pip could not install (fair check 51, recall T-1.3)."""
    top = use.module.split(".")[0]
    return Hit(
        use.cell,
        use.line,
        use.column,
        f"`{top}` is no known distribution but the repository's own module `{file}`, in another folder than the "
        "notebook's, which nothing puts on the import path: run from its folder, the notebook fails with "
        "ModuleNotFoundError (it worked only where that folder was on `sys.path` or a copy sat beside it)",
        fix=f"Make `{top}` importable from the notebook: move it (or the notebook) so that they share a folder, or "
            "make the repository's code an installable package (`pip install -e .`) and import it from there; no "
            f"manifest line can provide `{top}`",
        key=key,
        related=tuple(dict.fromkeys(
            (u.cell, u.line, u.column) for u in others if (u.cell, u.line, u.column) != (use.cell, use.line, use.column))),
        # (no `distribution`: not a manifest line that notebooks of the project share; `elsewhere`: `_fold_elsewhere`)
        data=(("module", use.module), ("local", file), ("elsewhere", top)),
    )


def _fold_elsewhere(hits: Iterator[Hit]) -> Iterator[Hit]:
    """The notebook's imports of the repository's modules kept in other folders (`_elsewhere_local_hit`) are one
    finding, at the first, the others named and related: one layout (or one installable package) fixes them all
    (`from K_Nearest_Neighbors import …`, `from LWLR import …` of four sibling folders in one cell)."""
    held: list[Hit] = []
    for hit in hits:
        if any(k == "elsewhere" for k, _ in hit.data):
            held.append(hit)
        else:
            yield hit
    if len(held) < 2:
        yield from held
        return
    first, others = held[0], held[1:]
    named = ", ".join(f"`{dict(h.data)['elsewhere']}` (`{dict(h.data)['local']}`)" for h in others)
    yield replace(
        first,
        message=first.message + f"; so {'is' if len(others) == 1 else 'are'} {named} (related): one layout to fix",
        related=tuple(dict.fromkeys([*first.related, *((h.cell, h.line, h.column) for h in others),
                                     *(r for h in others for r in h.related)])),
    )


def _misspelt_local_hit(use, others: list, misspelt: tuple[str, str, str], key: str) -> Hit:
    """An import no table knows that is a near miss of the project's own module (`misspelt_local_modules`:
    `from utilties import *` beside `utilities.py`): the finding stays (the import fails on any checkout),
    but it is the spelling to correct, not a line to add to a manifest, which pip could not install (fair
    check 35, items 2 and 49)."""
    top = use.module.split(".")[0]
    local, shown, where = misspelt
    lines = use.cell.source.splitlines()
    statement = lines[use.line - 1].strip() if 0 < use.line <= len(lines) else ""
    corrected = re.sub(rf"\b{re.escape(top)}\b", local, statement, count=1) if statement else ""
    return Hit(
        use.cell,
        use.line,
        use.column,
        (f"`{top}` differs only in case from the local `{shown}` ({where}): Python's import matches case on every "
         "platform, so it fails (a file renamed, or named otherwise on a case-insensitive disk)"
         if local.lower() == top.lower() and local != top else
         f"`{top}` is not a local module or a known distribution: did you mean the local `{shown}` ({where})?"),
        fix=f"Correct the import's {'case' if local.lower() == top.lower() else 'spelling'} to `{local}`" + (f" (`{corrected}`)" if corrected != statement else "")
            + f"; no manifest line can provide `{top}`",
        key=key,
        related=tuple(dict.fromkeys(
            (u.cell, u.line, u.column) for u in others if (u.cell, u.line, u.column) != (use.cell, use.line, use.column))),
        # (no `distribution`: not a manifest line that notebooks of the project share)
        data=(("module", use.module), ("local", local)),
    )


def _platform_library(ctx: RuleContext, use) -> Optional[tuple[str, str, str]]:
    """(the word of a README naming it, the README as shown, the path through its checkout) for an import that reads as the project's own platform
    library rather than a distribution to pin (fair check 47, item 5: rml-notebooks, whose README says "RocketML
    Notebooks", imports `rocketml`, which no package index has): no table knows the import (catalogue, pipreqs'
    mapping, the installed distributions), no install line of the notebook names it (commented-out ones included)
    nor installs it from a URL, a README beside or above the notebook names the project after it in its headings or
    first lines (a word that is the import's name, separators and case aside), and an absolute path of the notebook goes
    through the library's source checkout (`_source_checkout_path`). A README alone is not enough: a tutorial
    repository is named after the library it teaches (`Mayavi`, `PyVista`, on the index). The audit reads no package
    index: the finding stays, saying the library may be on none, and its fix asks where it comes from instead of
    asserting a pinned same-named line. Not covered: a platform library the README does not name."""
    if not ctx.project.readme_titles:
        return None
    top = use.module.split(".")[0]
    res = use.resolution
    if use.how or not res.assumed or normalise(top) != normalise(res.primary) or len(squashed(top)) < 4:
        return None
    wanted = squashed(top)
    for title, readme in ctx.project.readme_titles:
        word = next((w for w in re.findall(r"[A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9]", title) if squashed(w) == wanted), None)
        if word is None:
            continue
        checkout = _source_checkout_path(ctx, wanted)
        if checkout is None or normalise(top) in install_spellings(ctx.facts) or _installed_from(use, ctx.facts):
            return None
        return word, readme, checkout
    return None


# A folder named after a library's source checkout: its name, then maybe `-dev`, `_src`, `-master`… (`rocketml-dev`).
_CHECKOUT_SUFFIX = re.compile(r"(?:dev|src|source|master|main|repo|git)$")


def _source_checkout_path(ctx: RuleContext, wanted: str) -> Optional[str]:
    """An absolute path literal of the notebook that goes through a folder named after the library (`wanted`, squashed),
    maybe with `-dev`, `-src`, `-master`… after it (`/home/ubuntu/rocketml-dev/data/avazu-app.val`): the author worked
    in the library's own source checkout, which installs from no index. An installed package's folder
    (`site-packages/`, `dist-packages/`) is none."""
    for ca in ctx.facts.cells:
        for string in ca.facts.strings:
            value = string.value
            if not value.startswith(("/", "~")) or "site-packages" in value or "dist-packages" in value or len(value) > 300:
                continue
            for part in value.split("/")[:-1]:
                name = squashed(part) if part else ""
                if name == wanted or (name.startswith(wanted) and _CHECKOUT_SUFFIX.fullmatch(name[len(wanted):])):
                    return value
    return None


def _platform_library_note(use, platform: tuple[str, str, str]) -> str:
    word, readme, checkout = platform
    shown = checkout if len(checkout) <= 60 else checkout[:59] + "…"
    return (f"no table of the audit knows `{use.module.split('.')[0]}`, no install line of the notebook names it, "
            f"{readme} names the project after it (`{word}`) and the notebook's paths go through its source checkout "
            f"(`{shown}`): the platform's own library, which may be on no package index")


def _platform_library_fix(use, platform: tuple[str, str, str], manifest: str) -> str:
    top = use.module.split(".")[0]
    return (f"Find out where `{top}` comes from (`pip install {top}` may find nothing): if a package index has it, add "
            f"it pinned to {manifest}; if it is the platform's own library, say how to get it (its wheel or repository "
            "pinned to a version, or the platform's image) where the notebook is run")


class UndeclaredImport(Rule):
    code = "DEP001"
    name = "undeclared-import"
    family = Family.DEPENDENCIES
    severity = Severity.WARNING
    summary = ("A third-party import whose distribution no manifest of the project declares, or that one of a folder's "
               "alternative environment files (requirements.txt, environment.yml, Pipfile, pixi.toml) leaves out.")
    what_it_does = (
        "Resolves every import that is not the standard library, a module beside the notebook, a "
        "package of the project or a relative import to the distribution that provides it "
        "(`sklearn` → scikit-learn, `cv2` → opencv-python, `google.cloud.storage` → "
        "google-cloud-storage; offline, from `rules/distributions.toml`, pipreqs' mapping and the "
        "installed packages; an import none of them knows is named by the notebook's own guarded install of it "
        "when there is one (`!python -c \"import whisper\" || pip install openai-whisper`, or `try: import whisper` / "
        "`except ImportError: !pip install openai-whisper`), else by a distribution no table knows that an install line of the "
        "notebook (guarded or not) names as the import with a word before or after it (`modAL-python` for `modAL`, `PyTDC` for "
        "`tdc`: that line's name, not a guess; not when a manifest declares the import's own name, as `sagemaker` beside "
        "`!pip install sagemaker-mlflow`, a plugin of it), else by its own name, "
        "and the message says that name is assumed when it is not the import's own (`openai-whisper` for `whisper`; "
        "a guess that is the import's name is said plainly, and so is the fix unless pipreqs' mapping names another distribution for it "
        "that `[pipreqs] ignore` sets aside, such as `models`: then the fix says the name on the index may differ), or, when the notebook installs it from a URL (`!pip install "
        "git+https://github.com/org/restorers.git`, then `import restorers`), where it comes from, the fix being a "
        "direct reference pinned to a commit), and reports the first import of each distribution that none of the "
        "manifests found beside or above the notebook (or in a `binder/`, `.binder/` or `.devcontainer/` "
        "folder there, where Binder and dev containers take the environment from) declares (later imports of it are related "
        "locations; the JSON report's `data` names the distribution and the module). A manifest that declares any known "
        "alternative (opencv-python-headless for `cv2`, conda's pytorch for `torch`) counts, and so does a declared "
        "requirement whose extras install it (`transformers[sklearn,vision]` declares scikit-learn and Pillow, "
        "`datasets[audio]` soundfile; from `[extras.<distribution>]` of `rules/distributions.toml`). "
        "Distributions needed without an import count as imports: the program of a shell command "
        "(`!gdown …` → gdown, `!kaggle …` → kaggle, `huggingface-cli`, `dvc`, `mlflow`; also in `%%bash` "
        "cells), the backend `os.environ[\"KERAS_BACKEND\"] = \"jax\"` chooses, a spaCy model "
        "loaded by name (`spacy.load(\"en_core_web_sm\")`; spaCy 2's shortcut `\"en\"` is "
        "en_core_web_sm; a name the notebook's own `spacy link ./…/en_vectors_web_lg en_vecs`, in a cell of any "
        "kind, links is the linked package, and a linked name with no such cell is reported with its package assumed) "
        "an IPython extension (`%load_ext cython` → Cython) and the matplotlib backend a magic selects (`%matplotlib widget` "
        "or `ipympl` → ipympl; `inline` and `notebook` need nothing beyond matplotlib and the kernel), from `[cli]`, "
        "`[keras_backend]`, `[spacy_shortcuts]`, `[ipython_extensions]` and `[matplotlib_backends]` of "
        "`rules/distributions.toml`. So are what a library needs "
        "only for what the notebook calls, at the first call that needs it: torch behind transformers' PyTorch "
        "classes (`AutoModelFor…`, `Trainer`) when nothing of torch's is imported (`transformers[torch]` in a "
        "manifest declares it), the packages a metric's script imports (`evaluate.load(\"rouge\")` → rouge-score, "
        "`\"sacrebleu\"` → sacrebleu, `\"accuracy\"` → scikit-learn; the name may be bound to a variable above), "
        "sentencepiece behind a tokenizer without a fast version (`MarianTokenizer`, `AutoTokenizer` for a "
        "`Helsinki-NLP/opus-mt-…` checkpoint; `transformers[sentencepiece]` declares it), tensorboard behind "
        "`torch.utils.tensorboard` (at its import: the module's own code imports tensorboard), onnxscript and onnx "
        "behind `torch.onnx.export` (its default exporter, `dynamo=True` since torch 2.9; not with `dynamo=False`), pydot behind Keras' `plot_model` (or its forks pydot-ng, pydotplus), "
        "pandas' optional I/O engines (`pd.read_parquet` → pyarrow or fastparquet, `pd.HDFStore`/`pd.read_hdf` → "
        "tables, `pd.read_excel`/`pd.ExcelFile`/`pd.ExcelWriter` → openpyxl or another Excel engine, `pd.read_feather` → "
        "pyarrow, `pd.read_html` → lxml or html5lib; a DataFrame's writers the same, `to_parquet`, `to_feather`, `to_orc`, `to_hdf`, `to_excel`, "
        "`to_markdown` → tabulate, and its plotting, `plot`, `hist`, `boxplot` → matplotlib (unless the notebook imports matplotlib or "
        "seaborn, or sets pandas' `plotting.backend`), when the "
        "receiver is certainly a DataFrame: a name bound at the top of a cell to `pd.read_*(…)` or `pd.DataFrame(…)` and "
        "to nothing else, or such a call itself (`pd.DataFrame({…}).to_excel(path)`), `[dataframe_methods_needing]`; a declared "
        "alternative is enough; `to_excel` needs the writer of its path's extension, `.xlsx` openpyxl or XlsxWriter, `.ods` odfpy, "
        "`[excel_writers_by_extension]`), the filesystem package behind a "
        "URL a pandas reader or such a DataFrame's writer opens (`pd.read_csv(\"s3://…\")` → s3fs, `gs://` → gcsfs, `abfs://` "
        "→ adlfs, `hf://` → huggingface_hub: pandas opens them through fsspec; `[url_schemes_needing]`), Beautiful Soup's parsers (`BeautifulSoup(page, "
        "\"lxml\")` or `features=\"xml\"` → lxml, `\"html5lib\"` → html5lib; Python's `html.parser` needs none), from `[transformers_torch]`, "
        "`[evaluate_metrics]`, `[sentencepiece_tokenizers]`, `[modules_needing]`, `[calls_needing]` and `[beautifulsoup_parsers]`. A declared metapackage declares what it installs (`jupyter` brings ipywidgets, ipykernel, "
        "notebook…; `[metapackages]`). Modules of the notebook's "
        "own project are not distributions: `.py` and Cython `.pyx` files and folders of code beside it (a folder of "
        "scripts without `__init__.py` named like a catalogued distribution, `torch/`, is a namespace package that the "
        "installed torch wins over, so `import torch` stays a distribution; a package folder above the notebook named like a "
        "catalogued distribution, `numpy/` of lessons with an empty `__init__.py` at a course's root, is the project's own only "
        "when it has what the import names, the sub-module of `import scipy.ndimage` or, for a bare import, some code, or when a "
        "manifest names the project so: otherwise the installed distribution is reported and the message names the folder, "
        "which hides it wherever its parent folder is on `sys.path`), the modules of a `src/` folder without a build file in the "
        "notebook's folder or a folder above it (a portfolio's `projects/02-risk/src/etl.py`, the notebook in "
        "`projects/02-risk/notebooks/`) whose names no distribution table knows (PTH005 reports a `sys.path` missing it), and the modules of a "
        "folder a literal `os.chdir(…)`/`%cd` moves into (IPython imports from the working directory). "
        "Nor is an import in the body of httpimport's `with httpimport.github_repo(…):` (or `remote_repo(url)`, "
        "`gitlab_repo`, `bitbucket_repo`): it loads a module streamed from that URL, not a distribution. "
        "Nor are the modules of a repository the notebook `git clone`s and then puts on `sys.path` (or `%cd`s "
        "into), imported after both: a module named as the cloned folder (`%cd DeOldify`, `import deoldify`), "
        "named as a sub-folder of the clone put on `sys.path` (`sys.path.append(os.path.join(REPO, \"posenet\"))`, "
        "`import posenet`) or listed for the repository in `[cloned_modules]` of `rules/distributions.toml` (`dnnlib` of "
        "NVlabs/stylegan3; for any clone, folder names of research code such as `scripts` and `utils`); the folder may be a notebook global bound to a string (`!git clone URL $REPO`, "
        "`sys.path.append(REPO)`); they are related locations of the clone's PTH007 finding. So is, after the clone is "
        "reached, an import no table knows and no install line of the notebook names (`from train import fit` after "
        "`sys.path.append(\"./REPO/notebooks\")`: a script of the clone, not a package named `train`). Catalogued "
        "imports after a clone stay distributions. A Hub repository downloaded into the working directory "
        "(`snapshot_download(repo, local_dir=\".\")`) ships code no table can know: after it, an import no table "
        "knows and no install line of the notebook names is one of its files (related to the download's PTH007). "
        "The same holds without a clone after a literal `sys.path.append(\"/app/src\")` / `sys.path.insert(0, "
        "\"helper-files\")` (not a site-packages folder; also through a name bound once to a path spelled by literals, "
        "`src = os.path.abspath(os.path.join(\"..\", \"src\"))` then `sys.path.append(src)`): an import no table knows and no install line or manifest names is a "
        "module of that folder (the project's code in a container image, a helper folder), not a distribution. "
        "Manifests saved as UTF-16 or UTF-8 with a byte-order mark (Windows exports) are read, and so is the target of "
        "one checked out as a symbolic link's text (Git for Windows without symlinks writes a file holding only "
        "`env/requirements.txt`). A requirements "
        "file the notebook installs itself (`!pip install -r lab_requirements.txt`, a relative path from its folder; "
        "also `%pip install lab_setup.txt`, the `-r` forgotten) "
        "is a manifest too, whatever its name, and so is a `.txt` beside the notebook named as it (`deploy_model.txt` for "
        "`deploy_model.ipynb`) whose every line reads as a requirement and which lists a module the notebook imports. "
        "A requirements file named by its purpose (`dev-requirements.txt`, `mlflow-requirements.txt`) is a manifest like "
        "`requirements*.txt` when every line reads as a requirement (a prose `release-requirements.txt` is not). "
        "A course lab's test module that the public repository does not ship (`import unittests`, `w2_unittest`, "
        "`public_tests`; `[lab_test_modules]` of `rules/distributions.toml`) is no distribution when no table knows it "
        "and no install line names it. "
        "The bare root of a namespace several distributions share (`import azureml`, `import google`) is no "
        "distribution of its own: when the notebook also imports a sub-package of it (`from azureml.core import "
        "Workspace`), only the sub-package is reported. LlamaIndex's integrations (0.10 on) are distributions of their own: "
        "`llama_index.embeddings.huggingface` is llama-index-embeddings-huggingface (`llama_index.<kind>.<name>` → "
        "`llama-index-<kind>-<name>`), `llama_index.core` llama-index-core (not a helper module of LlamaIndex < 0.10 under a kind, "
        "`llama_index.llms.llama_utils`, `…llms.base`: llama-index's own); the llama-index meta-package declares only "
        "-core, -llms-openai and -embeddings-openai. The modules Python 3 renamed "
        "(`StringIO`, `cStringIO`, `cPickle`, `urllib2`) are Python 2's standard library, not distributions, also in a "
        "notebook whose kernel metadata says Python 3 (STR004 names them for porting in a Python 2 notebook). "
        "A Dockerfile (`Dockerfile`, `Dockerfile.*`, `*.Dockerfile` or `*.dockerfile`, `Containerfile`) is a manifest when its `RUN` lines "
        "install Python packages (`pip install`, `python -m pip install`, `conda`/`mamba install`, `pipenv install X`; `==` and conda's "
        "`=version` pin, a wheel URL is a pinned direct reference named from its file name; files it copies in and installs "
        "with `pip install -r`/`conda env create -f`/`pipenv install` (the copied Pipfile) are manifests too, and so is a local "
        "project it copies in and pip-installs (`COPY . .`, `WORKDIR python`, `pip install -e \".[dev, parallel]\"`, or "
        "`cd lib && pip install .`): that folder's pyproject.toml `[project]` dependencies with the extras named (a setup.cfg "
        "or setup.py read whole), and the project's own name; a packaging "
        "tool it installs (`pip install pipenv`, poetry, uv) declares nothing) or its `FROM` image is one whose packages "
        "`[docker_stacks]` of `rules/distributions.toml` lists (`jupyter/scipy-notebook` brings numpy, pandas, scikit-learn…; "
        "Kubeflow's `gcr.io/kubeflow-images-public/tensorflow-*-notebook-*` images tensorflow, pandas, matplotlib, keras…, "
        "RAPIDS' `rapidsai/rapidsai`, `nvcr.io/nvidia/rapidsai/rapidsai`, `rapidsai/base` and `rapidsai/notebooks` cuDF, cuML, "
        "cuGraph, Dask-CUDA and what they run on (pandas, numpy, numba, pyarrow, dask, distributed…), "
        "Pangeo's `pangeo/pangeo-notebook` geopandas, rasterio, shapely, pyproj, xarray, dask… (what the conda lock of every "
        "tag of it holds) and `pangeo/base-notebook` dask, distributed, numpy, pandas…, "
        "a key with `*` matching any image so named; `FROM $BASE_IMAGE` is the image of an `ARG BASE_IMAGE=…` default; "
        "pinned by a tag other than `latest`; an image a `*` key matches with a version in its name, `tensorflow-1.7.0-notebook-gpu:latest`, "
        "is one build even so, TensorFlow's version being the name's (`tensorflow==1.7.0`) and Kubeflow no longer publishing these images: "
        "DEP004 leaves its lines, but it pins nothing for the project's other manifests). A Dockerfile beside or above the notebook "
        "that installs nothing and builds on a team's or an author's image tagged with a version that the catalogue does not list "
        "(`FROM darribas/gds_py:9.0`, then only `COPY ./content`; not an official image such as `python:3.11`, not `latest`, not "
        "`nvidia/`, `continuumio/`, `jupyter/`… images of a bare system) is the notebooks' environment, unreadable offline: nothing is "
        "reported, since any other file around (a website build's `ga_environment.yml`) is not where their packages come from. A YAML file of any name whose top level has a `dependencies:` list of "
        "package specs is a conda environment file (`deep-learning.yml`). "
        "An example's requirements file in a sibling folder of the notebook's (`scripts/requirements.txt` beside "
        "`notebooks/`, the folder above holding no manifest) is a manifest when that folder also holds a `.py` script, "
        "the notebook's folder holds no manifest, and the notebook's own pip lines and the file name mostly the same "
        "packages (one at least in common, each naming no fewer than half of the other's); its unpinned lines are said by "
        "DEP003's fix on that install line, not by DEP004. A requirements file anywhere in the repository is a manifest "
        "of the notebooks its CI executes after installing it: a GitHub workflow (`.github/workflows/*.yml` of the nearest "
        "folder up holding one) that runs `pip install -r testing/requirements.txt` and executes the notebook's folder "
        "(`pytest --nbmake doc/examples`, `jupyter nbconvert --execute`, papermill, or `pytest testing/test_notebooks.py`, "
        "a module naming the folder and `.ipynb`; a command naming no folder executes them all); its unpinned lines are "
        "DEP004's, and a line the notebook installs belongs there (DEP003's fix). A Dockerfile in a `docker/` folder (two levels deep) of a folder "
        "above the notebook that `git clone`s a repository and then sets `WORKDIR` to the notebook's folder (or one above it) "
        "inside the clone (`WORKDIR /repo/notebooks`) is a manifest of those notebooks; with several, each is an image they "
        "may run in. So is one there whose last `WORKDIR` is at or above the folder that the repository's own `docker run` "
        "(its README or Makefile) mounts the notebook's folder, or one above it, at (`-v \"$PWD\"/notebooks/:/mnt/notebooks/` "
        "with `WORKDIR /mnt/notebooks`): the notebooks arrive by volume. Either way the files such a Dockerfile copies in and "
        "installs (`COPY requirements.txt /tmp/`, `conda install --file /tmp/requirements.txt`) are read from its own folder, "
        "the build context, and declare too. A RUN line's pip may take global options before `install` (`pip "
        "--disable-pip-version-check --no-cache-dir install numpy`). A Poetry pyproject's caret or tilde is the range it stands for (`^0.24.1`: `>=0.24.1,<0.25`), and "
        "the `poetry.lock` beside it pins what it locks. A clone put on `sys.path` through `os.path.abspath`/`realpath` or "
        "`Path(…).resolve()` of its folder is reached as if the folder were written plainly. "
        "A `Pipfile` is Pipenv's manifest: the keys of `[packages]` and `[dev-packages]`, pinned by `==` or by the "
        "`Pipfile.lock` beside it (`\"*\"` with a locked `==` version is pinned, as `pipenv install --deploy` installs it). "
        "A `pixi.toml` is pixi's manifest (and so are the `[tool.pixi.*]` tables of a pyproject.toml): `[dependencies]` are conda "
        "packages (read as an environment file's `dependencies:` list: `pytorch` is torch), `[pypi-dependencies]` distributions of "
        "the package index, and so are those of a `[feature.<name>]` (an optional group, as a pyproject's dependency group) and "
        "of a `[target.<platform>]`; the workspace's `name` and a local entry (`{ path = \".\", editable = true }`) are the "
        "project itself. A bare version (`\"1.26.4\"`) or `==` pins, `\"2.0.*\"` is conda's series (as `=2.0.*` in an "
        "environment file), and the `pixi.lock` beside it pins what it locks. "
        "Packages above the notebook named like a catalogued distribution whose folder holds notebooks (a course's "
        "`numpy/` chapter with an `__init__.py` for its tests) do not hide the distribution: the notebook runs from its own "
        "folder, where `import numpy` is numpy (unless it `%cd`s there). "
        "A hosted runtime's bootstrap helper that a cell pip-installs and imports (`!pip install -q condacolab`, "
        "`import condacolab`; `scvi_colab`; `[hosted_setup_helpers]` of `rules/distributions.toml`) is no distribution "
        "there: the cell is set-up a migration deletes, and what it installs is what to declare. conda's `pytables` "
        "declares PyTables (`tables`). When the only manifests are a library's own `setup.py`/`setup.cfg` (its tutorials "
        "below it), the fix says to add the line to a requirements file for the notebooks (or an extra for the examples), "
        "not to the library's `install_requires`. "
        "The fix names the file the line goes to: the nearest requirements file, conda environment file or pixi.toml (with "
        "its `pixi add` command; else a Pipfile, "
        "a pyproject's dependencies, a Dockerfile's RUN line), not an example's file in a sibling folder; while another file is "
        "there, not last year's edition of an environment file (files of one folder whose names differ only by a year, "
        "`dl2023_cpu.yml` beside `dl2024_cpu.yml`: the newest year's files are current, and all of them of the same kind are "
        "named, `dl2024_cpu.yml and dl2024_gpu.yml`), not a tool's or contributor's list (`lint-requirements.txt`, "
        "`requirements-dev.txt`, `test-requirements.txt`), not the pyproject `[project]` of the library the notebook imports "
        "or installs (a line there makes the library require it; `%pip install sagemaker whylogs` beside a `%%writefile` script "
        "importing whylogs), never a contributors' Dockerfile (one installing tools of two of tests, docs and linting, pytest, "
        "sphinx, ruff, and neither the project nor a requirements file: with only such files and the library's metadata, the fix "
        "says to add a `requirements.txt` of the notebooks' own), nor a Dockerfile whose image runs another program (its last "
        "CMD/ENTRYPOINT a Python script, `python app.py`, or on a Lambda base image a handler, `lambda_function.lambda_handler`, "
        "and no notebook server: the notebook beside it is that program's client), nor a pyproject.toml whose only lists are extras for working on "
        "the repository (`[project.optional-dependencies] dev = [ruff, pre-commit, …]`, no `dependencies`: then too a "
        "`requirements.txt` of the notebooks' own, as DEP003 says), and not a docs build (`doc-requirements.txt`, `docs/requirements.txt`), "
        "of which a docs environment file comes before a Sphinx list; with the notebook's own exact pin "
        "on an install line (`!pip install lightgbm==4.3.0`), that version. The message names the files looked in, "
        "last year's editions, Sphinx lists and tool lists last. "
        "Only runs when at least one manifest exists (DEP002 covers the case of none), and not when one of the notebook's "
        "manifests includes a requirements file by URL (`-r https://…/validated_linux_requirements.txt` in a requirements "
        "file or an environment file's `pip:` list): the audit never fetches it, so what the environment lacks is unknown "
        "(as with an unread image); unless an environment file of a folder nearer the notebook names its own Python "
        "(`- python>=3.7`), a whole environment of its own, whose lines are read as usual. "
        "Nor are the repository's own packages reported: a distribution that a `setup.py` (`setup(name=…)`, a literal "
        "or a module-level string constant), `setup.cfg` or `pyproject.toml` anywhere below the project root (the folder "
        "with `.git`) defines, such as the library whose docs notebooks import what `python/mylib-core/setup.py` builds "
        "(its CI installs that build; a line in the docs' requirements.txt would install the index's release over it). "
        "A uv workspace (a `pyproject.toml` with `[tool.uv.workspace]` and the `uv.lock` beside it, in the folder of the "
        "notebook or above it) declares every package its lock names, pinned, for the notebooks that import one of its "
        "members (`from autogluon.tabular import TabularPredictor` in the AutoGluon monorepo, whose members compute "
        "their dependencies in `setup.py`): `uv sync` builds their environment. A notebook there that imports none of "
        "them (a SageMaker client with its own install line) is not in that environment. A single project's `uv.lock` "
        "pins the lines its pyproject.toml declares (DEP004) but declares nothing more: it also locks what those "
        "dependencies pull in, and a notebook importing such a package relies on someone else's dependency. "
        "A pyproject's Hatch environments (`[tool.hatch.envs.<name>]` `dependencies`/`extra-dependencies`, or "
        "`envs.notebook.extra-dependencies` under `[tool.hatch]`) declare too (a docs repository's `[project]` lists its "
        "Sphinx build, its notebooks' packages are in the `notebook` environment), and the fix names that environment as "
        "the place for the line. A sub-folder's image that a `docker-compose.yml` (or `compose.yaml`) beside a manifest "
        "builds (`build: {context: ., dockerfile: envs/py312/Dockerfile}`) is a second environment of the project: the "
        "manifests of that folder declare too (the message still names the project's own files). An import (or a call "
        "needing a distribution, `evaluate.load(\"seqeval\")`) whose every occurrence sits in a `try:` whose handler for "
        "a missing module (`ImportError`, `ModuleNotFoundError`, `Exception`, bare `except:`) neither re-raises nor "
        "installs it is optional: the notebook runs without it, and it is not reported — unless a name the import binds "
        "is read outside that `try` other than under an `if` testing a flag the `try` body sets (`try: import xgboost "
        "as xgb` / `except Exception: print(e)`, then `xgb.XGBClassifier()` in another cell needs it; `if HAS_XGB:` "
        "does not). A requirements file that the "
        "`setup.py` beside it reads (`install_requires=read(\"requirements.txt\")`) is the library's own metadata: the "
        "fix says to add the line to a requirements file for the notebooks, not there. Where a package's pyproject.toml "
        "(with a `[build-system]`) is the home and has PEP 735 `[dependency-groups]`, the fix names a group (one named for "
        "docs, notebooks, examples or tutorials, else `dev`), not `[project]` dependencies; so does a Poetry library's (a "
        "`[tool.poetry]` name, a `[build-system]`, no `package-mode = false`) with `[tool.poetry.group.<name>.dependencies]`, "
        "not `[tool.poetry.dependencies]`. An import no table knows is guessed as its top-level "
        "name, but a manifest declaring its dotted name (`foo.bar`, a namespace's own distribution) declares it too, and so, when no "
        "manifest declares the name itself, does one declaring it with separators between its words (`pixel-kit` for `import "
        "pixelkit`, `geo-kit-io` for `from geokit.io import …`) or the name with a component before or after it (`orbit-ml` for "
        "`import orbit`, `salesforce-merlion` for `merlion`, `python-xyz`, `xyz-core`); its range is then DEP004's. "
        "(eo-learn's `eolearn` is catalogued: `eolearn.core` is eo-learn, or eo-learn-core of its 1.4 releases.) "
        "Imports on their own line in a cell that does not parse (a Python 2 cell of `print \"...\"`) count, "
        "so a distribution's first import is where the notebook first imports it. "
        "A `setup.py` is a manifest too: the `install_requires` and `extras_require` of its `setup(...)` call are "
        "read statically with `ast`, never run (literal lists of strings, names bound to them in the file, extras added "
        "to the table by item, `extras_require[\"experimental\"] = [...]`); one whose "
        "requirements are computed (read from a file, returned by a function) is not read. In a report of several "
        "notebooks, those missing the same distribution from the same manifest are one root cause (one line to "
        "add): one finding, at the first notebook, the others' imports related locations; each notebook still "
        "has its own fingerprint in a baseline, so a new notebook's import is a new finding. "
        "Declared somewhere is not declared everywhere: when one folder offers the environment through files of two "
        "tools or more (`requirements*.txt` for pip, a conda environment file, a `Pipfile`, a `pixi.toml`; the same folder, "
        "`binder/` and friends counting as the folder above them), each is a way to install it that a reader may take "
        "alone, and an import that one declares and another leaves out is reported at its first import, naming the "
        "file that lacks it (in the JSON report's `data`, `manifest` is that file and `declared_in` the others; notebooks "
        "missing the same line from the same file fold as above). Only the files of each tool that declare something "
        "the notebook imports are compared (a `requirements-dev.txt` of test tools is no way to run it), only imports "
        "by name count (a distribution needed without an import is left to the union); a folder's requirements file is pip's "
        "layer on the requirements files of the folders above it (a course's `tensorflow/requirements.txt` of `tensorflow==1.0.0`, "
        "installed over the root's list), so what those declare that route has too; when the notebook's kernelspec names the "
        "conda environment a file of the folder describes (`ml-tutorials`, `Python [conda env:ml-tutorials]` for `name: "
        "…/envs/ml-tutorials`), that file is the notebook's environment and only its lacking a line is reported (the "
        "requirements.txt beside it may be an app's list); a notebook below a folder between it and the routes' folder that has an "
        "environment file of its own (a vendored tutorial's `requirements.txt`) is built there, and the routes above are not "
        "compared for it; and neither a library's own "
        "metadata (`setup.py`, `setup.cfg`, pyproject `[project]`: ranges of what the library needs) nor a Dockerfile "
        "(a service's image) is compared; nor are files of different folders (a service's `Pipfile` below the course's "
        "requirements.txt describes the service), a docs build's Sphinx list (a requirements file named as a docs build, "
        "`docs/requirements.txt`, that lists sphinx, nbsphinx, jupyter-book or mkdocs) or last year's edition of an "
        "environment file. Nor is a distribution that the metadata of the library the notebook imports declares (its "
        "`[project]` dependencies or an extra, when a pyproject, setup.cfg or setup.py around the notebook names the "
        "project that the notebook imports, `import causalml` under causalml's docs): any environment that runs the "
        "notebook has the library and what it brings. "
        "An import in the body of a function the notebook makes a Kubeflow Pipelines component of "
        "(`create_component_from_func(step, …)`, `func_to_container_op`, `@dsl.component(…)`) runs in the component's "
        "image, not in the kernel: a distribution the component's own `packages_to_install=[...]` names (a literal list, "
        "or a notebook global bound once to one) is declared for it; one it does not name, on a stock `python:*` image "
        "(the factories' default), is reported, and the message says where it runs and that the fix is "
        "`packages_to_install` or the image (no manifest of the notebook reaches the image); on another image the "
        "project's manifests stay the reference (its Dockerfile often builds that image) and the message names the image. "
        "A bare VCS line of a requirements file (`git+https://github.com/kubeflow/fairing.git@v1.0.1`) declares the "
        "project its `#egg=` or, without one, its repository names (pinned when its ref is a commit or a version tag). "
        "`kubeflow` is a namespace of several SDKs: `kubeflow.fairing` is kubeflow-fairing (or `fairing`, its first "
        "releases' name), `kubeflow.katib` kubeflow-katib, `kubeflow.metadata` kubeflow-metadata, `kubeflow.tfjob` "
        "kubeflow-tfjob. A manifest listing `sklearn`, PyPI's deprecated placeholder, lists no scikit-learn (nor one listing "
        "`bs4`, a dummy that pulls in beautifulsoup4 unpinned, a pinned Beautiful Soup): the message says so, the fix being to "
        "replace it; when that line cannot be installed at all (`skimage==0.0`, an unpinned `sklearn`), DEP007 reports the "
        "line, with the import as a related location, and this rule does not report the import again. For `six`, which only bridges Python 2 and 3, the fix (here and in "
        "DEP002) also says how to drop it (`iteritems(d)` is `d.items()` on Python 3). An import no table knows and no "
        "install line of the notebook names that is a near miss of the project's own module (within two edits and a "
        "close difflib match of a module beside the notebook, in the parent folder it puts on `sys.path` or in a folder a "
        "literal `sys.path` edit adds: `from utilties import *` beside `utilities.py`; or the same name in another case, "
        "`from DataPlotLib import …` beside `dataplotlib.py`) is still reported (the import "
        "fails on any checkout), here and in DEP002, but as the typo it is: the message asks whether the local module "
        "was meant and the fix corrects the spelling instead of adding a line pip could not install. An import no table "
        "knows and no install line names whose module the repository keeps as a `.py` file or a package one folder below "
        "the notebook's folder or a folder above it, up to the project root (its parent only without a root: "
        "`import prediction_library` with `../Colaboration_Tutorials/prediction_library.py`), in a notebook that neither "
        "edits its import path nor changes its working directory, is reported here and in DEP002 as that module, which "
        "nothing puts on the import path (ModuleNotFoundError on a checkout), its fix making it importable, not a "
        "manifest line (the JSON `data` "
        "names the `local` module and no distribution). An import named like a helper file (`utils`, `*_utils`, `helpers`, "
        "`testCases`: `[helper_modules]` of `rules/distributions.toml`) that no table knows, no install line names and no "
        "module beside the notebook provides is said, as DEP002 says it, to be a helper module the repository did not "
        "commit, the fix to commit it (fair check 48, recall T-8.2: `from utils import null_count`, not the index's "
        "unrelated `utils`). So is such an import whose every imported name a notebook beside "
        "it defines at the top level of a code cell (`from metric import score` beside the competition's metric notebook "
        "defining `score`, which Kaggle attaches as a utility script; notebooks of up to 1 MB are read): the message "
        "names that notebook and the fix is to export it as `metric.py`, not a line for the index's namesake. An import "
        "no table knows, that no install line of the notebook names, that a README beside or above the notebook names "
        "the project after in its headings or first lines (`rocketml`, the README saying \"RocketML Notebooks\"), and whose "
        "source checkout an absolute path of the notebook goes through (`/home/ubuntu/rocketml-dev/data/…`) is the "
        "platform's own library: the audit reads no package index, so the message says it may be on none and the fix asks "
        "where it comes from (a pinned line if an index has it, else its wheel, repository or the platform's image)."
        " A distribution on no package index pip reads (`[not_on_index]` of `rules/distributions.toml`: graph-tool, "
        "`import graph_tool`; PyQt4, whose page there has no files) gets no pinned line either, here and in DEP002: the fix "
        "names its conda package and channel and the system packages that provide it (and the catalogue's note: for PyQt4, "
        "that porting to PyQt5 lasts); and when an apt.txt around the notebook declares one of those system "
        "packages, or an install line of the notebook that DEP003 reports installs one (`!apt-get install "
        "python3-graph-tool`), nothing is reported here: that line is the root cause. A distribution installed from its "
        "repository whose name the package index gives to an unrelated project (`[index_namesakes]`: Kaggle's `learntools`, "
        "preinstalled in Kaggle's image; the index's `learntools` is a reinforcement-learning package) is given that "
        "repository pinned to a commit, here and in DEP002, not the index's distribution. A module that a declared "
        "distribution's own dependency provides under another name (`[dependency_provides]`: `theano` beside a declared "
        "`pymc3`, whose 3.10 and later run on Theano-PyMC) is still reported, but the fix adds that dependency beside the "
        "declared one, at the version it requires, not the usual distribution, whose second copy of the module would clash."
    )
    why_bad = (
        "The notebook only works in the environment it was written in. Whoever runs it next — a "
        "colleague, CI, the pipeline image built from the manifest — gets `ModuleNotFoundError`, "
        "and the import name is often not the name to install (`pip install sklearn` installs a "
        "deprecated placeholder, `pip install cv2` nothing at all)."
    )
    example = (
        "# requirements.txt: pandas==2.2.2\n"
        "import pandas as pd\n"
        "from sklearn.model_selection import train_test_split"
    )
    use_instead = (
        "# requirements.txt:\n"
        "#   pandas==2.2.2\n"
        "#   scikit-learn==1.5.1\n"
        "import pandas as pd\n"
        "from sklearn.model_selection import train_test_split"
    )
    passing = (
        # The Google API client of Colab's Drive set-up cell (DEP006 reports its unguarded `google.colab`
        # import): it serves only that cell, replaced as a whole off Colab (fair check 50, item 4).
        Example(
            cells=("!pip install kaggle\nfrom googleapiclient.discovery import build\nfrom google.colab import auth\n"
                   "auth.authenticate_user()\ndrive_service = build('drive', 'v3')", "import numpy as np"),
            files={"requirements.txt": "numpy==2.0.1\n"},
        ),
        # An https URL needs no filesystem package; a declared s3fs is the `s3://` URL's use (fair check 43, T-6.3).
        Example(
            cells=("import pandas as pd\nraw = pd.read_csv('https://example.org/tae.data')\nraw2 = pd.read_csv('s3://ml/tae.data')",),
            files={"requirements.txt": "pandas==2.2.2\ns3fs==2024.6.1\n"},
        ),
        # The environment file declares sagemaker; the notebook's own line installs a plugin named after it
        # (sagemaker-mlflow), which is not where `import sagemaker` comes from (fair check 24).
        Example(
            cells=("!pip install torchvision mlflow==2.13.2 sagemaker-mlflow==0.1.0",
                   "import mlflow\nimport sagemaker\nfrom sagemaker.pytorch import PyTorch"),
            files={"environment.yml": ("name: sagemaker-examples\ndependencies:\n  - python=3.10\n  - pip\n"
                                       "  - pip:\n      - mlflow==2.13.2\n      - sagemaker==2.232.2\n")},
        ),
        # The notebooks run in their author's versioned image, which the root Dockerfile only copies the
        # content into: the website build's environment file beside it is not theirs (fair check 23).
        Example(
            cells=("import geopandas\nimport pandas as pd\nimport seaborn as sns",),
            files={"ga_environment.yml": ("# Environment file to build website on each commit\nname: book\n"
                                          "dependencies:\n  - jupyter-book=0.15.1\n  - pandas=2.2.2\n"),
                   "Dockerfile": "FROM darribas/gds_py:9.0\nRUN mkdir ${HOME}/content\nCOPY ./content ${HOME}/content\n"},
        ),
        # A docs build's Sphinx list beside the docs' conda environment is no second way to install
        # the notebooks' environment; and what the metadata of the library the notebook imports
        # declares (`[project]` dependencies, an extra) comes with the library wherever it runs.
        Example(
            cells=("import numpy as np\nimport seaborn as sns",),
            files={"requirements-docs.txt": "sphinx==7.3.7\nnbsphinx==0.9.4\nnumpy==1.26.4\n",
                   "environment.yml": "name: docs\ndependencies:\n  - numpy=1.26.4\n  - seaborn=0.13.2\n"},
        ),
        Example(
            cells=("import upliftkit\nimport numpy as np\nimport seaborn as sns",),
            files={"requirements.txt": "numpy==1.26.4\n",
                   "environment.yml": "name: docs\ndependencies:\n  - numpy=1.26.4\n  - seaborn=0.13.2\n",
                   "pyproject.toml": "[project]\nname = 'upliftkit'\ndependencies = ['numpy>=1.26', 'seaborn']\n",
                   "upliftkit/__init__.py": "VERSION = '0.3'\n"},
        ),
        Example(
            cells=(
                "from __future__ import annotations\nimport os, json\nfrom pathlib import Path",
                "import sklearn\nimport cv2\nfrom PIL import Image\nimport yaml\nfrom dateutil import parser",
            ),
            files={"requirements.txt": "scikit-learn==1.5.1\nopencv-python-headless==4.10.0.84\npillow\nPyYAML\npython_dateutil\n"},
        ),
        # No manifest at all: DEP002 speaks instead.
        Example(cells=("import numpy as np",)),
        # The repository's own library, defined by a setup.py elsewhere below its root (its CI builds and
        # installs it): not a line to add to the docs' requirements.txt.
        Example(
            cells=("import tinylib\nfrom tinylib.glassbox import Booster",),
            files={"requirements.txt": "jupyter-book==1.0.2\n",
                   "python/tinylib/setup.py": "from setuptools import setup\n\nNAME = 'tinylib'\nsetup(name=NAME, version='0.1')\n"},
        ),
        # A RAPIDS base image: its `rapids` env holds cuDF, Dask-CUDA and what they run on (pandas,
        # distributed); the RUN line adds seaborn and confluent-kafka by its conda-forge name.
        Example(
            cells=("import cudf\nimport dask_cuda\nimport pandas as pd\nfrom distributed import Client\nimport seaborn as sns\nimport confluent_kafka",),
            files={"Dockerfile": "FROM rapidsai/rapidsai:cuda10.0-runtime-ubuntu18.04\n"
                                 "RUN source activate rapids && conda install -y seaborn=0.9.0 python-confluent-kafka=1.1.0\n"},
        ),
        # The `jupyter` metapackage installs ipywidgets (and ipykernel, notebook…).
        Example(cells=("import ipywidgets as widgets",), files={"requirements.txt": "jupyter==1.1.1\n"}),
        # An environment of the whole Anaconda distribution declares the scientific stack it ships (fair check 26).
        Example(cells=("import numpy as np\nimport matplotlib.pyplot as plt\nfrom numba import njit\nimport sympy",),
                files={"environment.yml": "name: lectures\ndependencies:\n  - python=3.8\n  - anaconda=2020.07\n"}),
        # The Azure ML SDK's modules are distributions of their own, named by their dotted path (`azureml.automl.core`
        # is azureml-automl-core, `azureml.contrib.automl.pipeline.steps` azureml-contrib-automl-pipeline-steps), and
        # the azureml-sdk metapackage installs the telemetry, pipeline and AutoML client ones (fair check 27).
        Example(cells=("from azureml.telemetry import set_diagnostics_collection\nfrom azureml.pipeline.steps import PythonScriptStep\n"
                       "from azureml.automl.core.forecasting_parameters import ForecastingParameters",),
                files={"environment.yml": "dependencies:\n- pip:\n  - azureml-sdk==1.59.0\n"}),
        Example(cells=("from azureml.contrib.automl.pipeline.steps import AutoMLPipelineBuilder",),
                files={"update_env.yml": "dependencies:\n- pip:\n  - azureml-contrib-automl-pipeline-steps==1.59.0\n"}),
        # A module httpimport streams from a repository while its `with` block is open is the repository's own
        # code, not a distribution (fair check 27: pinecone's image-search helper); httpimport itself is declared.
        Example(cells=("import httpimport\nwith httpimport.github_repo(username='example-lab', repo='examples', branch='master'):\n"
                       "    from image_search import helper as h",
                       "from httpimport import remote_repo\nwith remote_repo('https://example.org/code/'):\n    import plots_helper"),
                files={"requirements.txt": "httpimport==1.4.0\n"}),
        # A manifest including a requirements file by URL, which the audit never fetches, may declare anything
        # (fair check 27: Azure's AutoML environment files install their validated freeze with `-r https://…`).
        Example(cells=("import statsmodels.api as sm\nimport requests",),
                files={"automl_env.yml": "dependencies:\n- python=3.10\n- pip:\n  - azureml-defaults~=1.59.0\n"
                                         "  - -r https://example.org/validated/1.59.0/validated_linux_requirements.txt --no-deps\n"}),
        # A pixi.toml is a manifest (fair check 37): `[dependencies]` are conda packages (`pytorch` is torch),
        # `[pypi-dependencies]` the package index's, a `[feature.<name>]` table an optional group; pixi's
        # `[tool.pixi.*]` tables of a pyproject.toml too.
        Example(
            cells=("import numpy as np\nimport torch\nimport requests\nimport pytest",),
            files={"pixi.toml": ("[workspace]\nname = \"demo\"\nchannels = [\"conda-forge\"]\n\n[dependencies]\nnumpy = \"1.26.4\"\n"
                                 "pytorch = \"==2.3.1\"\n\n[pypi-dependencies]\nrequests = \"==2.32.3\"\n\n"
                                 "[feature.dev.dependencies]\npytest = \">=8\"\n")},
        ),
        Example(
            cells=("import numpy as np\nimport xgboost",),
            files={"pyproject.toml": ("[project]\nname = \"demo\"\nrequires-python = \">=3.11\"\n\n[tool.pixi.workspace]\n"
                                      "channels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\n\n[tool.pixi.dependencies]\n"
                                      "numpy = \"1.26.4\"\npy-xgboost = \"2.1.1\"\n")},
        ),
        # A Pipfile is a manifest: `==` pins, and so does the lock beside it.
        Example(
            cells=("import numpy as np\nimport sklearn",),
            files={"Pipfile": "[packages]\nnumpy = \"==1.26.4\"\nscikit-learn = \"*\"\n",
                   "Pipfile.lock": '{"default": {"scikit-learn": {"version": "==1.5.0"}}, "develop": {}}\n'},
        ),
        # A uv workspace: its lock declares pandas and the member the notebook imports (whose own
        # setup.py computes its list), for a notebook that imports a member; the docs' requirements
        # file of sphinx add-ons is not its whole environment.
        Example(cells=("import pandas as pd\nfrom trailmix.core import blend",),
                files={**_UV_WORKSPACE, "requirements-docs.txt": "sphinx==7.3.7\n"}),
        # A Dockerfile beside the requirements file builds a service's image, not a second way to
        # install what the notebook needs: pandas missing from it is no finding.
        Example(
            cells=("import numpy as np\nimport pandas as pd",),
            files={"requirements.txt": "numpy==1.26.4\npandas==2.2.2\n",
                   "Dockerfile": "FROM python:3.11-slim\nRUN pip install numpy==1.26.4\n"},
        ),
        # Modules beside the notebook, relative imports and hosted-runtime modules are not third-party.
        Example(
            cells=("import helpers\nfrom . import utils\nfrom google.colab import drive\nimport numpy as np",),
            files={"helpers.py": "def clean(df):\n    return df\n", "requirements.txt": "numpy==2.0.1\n"},
        ),
        # conda names and pyproject dependencies declare too.
        Example(
            cells=("import torch\nimport xgboost as xgb\nimport requests",),
            files={
                "environment.yml": "name: demo\ndependencies:\n  - pytorch=2.3\n  - py-xgboost\n",
                "pyproject.toml": "[project]\nname = 'demo'\ndependencies = ['requests>=2']\n\n[tool.nbrefactor]\n",
            },
        ),
        # Imports named otherwise than their distribution (`summarizer` is bert-extractive-summarizer's),
        # and an integration an extra installs (`neptune[detectron2]` brings neptune-detectron2).
        Example(
            cells=("from summarizer import Summarizer\nimport neptune_detectron2\nimport fasttext",),
            files={"requirements.txt": "bert-extractive-summarizer==0.4.2\nneptune[detectron2]==1.10.4\nfasttext-wheel==0.9.2\n"},
        ),
        # A clone put on `sys.path` through `os.path.abspath` of its folder.
        Example(
            cells=(
                "import os, sys\n!git clone https://github.com/example-lab/toolkit\nsys.path.insert(0, os.path.abspath('./toolkit'))",
                "import toolkit",
            ),
            files={"requirements.txt": "numpy==2.0.1\n"},
        ),
        # Code the notebook brings in at run time: a clone in a folder held in a variable and put on
        # `sys.path`, and a Hub repository downloaded into the working directory.
        Example(
            cells=(
                "import os, sys\nREPO = os.path.join('third_party', 'sketch-net')",
                "!git clone https://github.com/example-lab/sketch-net.git $REPO\nsys.path.append(REPO)",
                "from sketch_net.model import SketchNet",
                "from huggingface_hub import snapshot_download\nsnapshot_download('example-org/sketch-pipeline', local_dir='.')",
                "from sketch_pipeline import SketchPipeline",
            ),
            files={"requirements.txt": "huggingface-hub==0.24.6\n"},
        ),
        # An optional import: the handler for a missing module falls back without re-raising or
        # installing it, so the notebook runs without the package.
        Example(
            cells=("import numpy as np\ntry:\n    import kdbconnect as kc\n    HAS_KDB = True\n"
                   "except ImportError:\n    HAS_KDB = False\n    print('kdb+ is optional: skipped')",),
            files={"requirements.txt": "numpy==2.0.1\n"},
        ),
        # ... also when every plotting cell guards its own import and reads it only under that guard (fair check 26).
        Example(
            cells=("import numpy as np",
                   "try:\n    import matplotlib.pyplot as plt\n    plt.plot(np.arange(3))\nexcept ImportError:\n    print('matplotlib is optional')",
                   "try:\n    import matplotlib.pyplot as plt\n    plt.hist(np.ones(3))\nexcept ImportError:\n    print('matplotlib is optional')"),
            files={"requirements.txt": "numpy==2.0.1\n"},
        ),
        # conda's `pytables` is PyPI's `tables`, which `pd.HDFStore` needs; a cell that pip-installs
        # `condacolab` and runs it only sets up Colab (DEP003 names that line).
        Example(
            cells=(
                "!pip install -q condacolab\nimport condacolab\ncondacolab.install()",
                "import pandas as pd\nstore = pd.HDFStore('quotes.h5')",
            ),
            files={"environment.yml": "dependencies:\n  - python=3.11\n  - pandas=2.2.2\n  - pytables=3.9.2\n"},
        ),
        # eo-learn installs `eolearn` (its 1.4 sub-packages eo-learn-core, eo-learn-io… each a sub-package);
        # an import no table knows is declared by the manifest's line that spells it with separators
        # (`pixel-kit` for `import pixelkit`; fair check 25).
        Example(
            cells=("from eolearn.core import EOPatch\nfrom eolearn.io import SentinelHubInputTask\nimport pixelkit",),
            files={"requirements.txt": "eo-learn-core==1.4.2\neo-learn-io==1.4.2\npixel-kit==0.3.1\n"},
        ),
        Example(cells=("import eolearn.core\nimport eolearn.mask",), files={"requirements.txt": "eo-learn==1.3.1\n"}),
        # `dask[distributed]` installs the `distributed` that `dask.distributed` re-exports (fair check 36, item T-5.5).
        Example(cells=("from dask.distributed import Client\nclient = Client()",), files={"requirements.txt": "dask[distributed]==2024.8.0\n"}),
        # `pyspark[sql]` installs the pandas and pyarrow a pandas UDF needs (fair check 36, item T-2.4).
        Example(cells=("import pyspark.sql.functions as F\n@F.pandas_udf('double')\ndef plus_one(s):\n    return s + 1",),
                files={"requirements.txt": "pyspark[sql]==3.5.1\n"}),
        # `scikit-learn-0.20.0` meant `scikit-learn==0.20.0`: DEP007's finding on the line, the import related
        # (fair check 39, obs145628/ml-notebooks).
        Example(cells=("from sklearn.datasets import load_iris",), files={"requirements.txt": "scikit-learn-0.20.0\n"}),
        # `.xlsx` written by a frame made in the receiver: XlsxWriter serves as openpyxl does; an engine named
        # by the call is the one needed.
        Example(
            cells=("import pandas as pd\npd.DataFrame({'a': [1, 2]}).to_excel('out.xlsx')\n"
                   "pd.DataFrame({'a': [3]}).to_excel('other.ods', engine='odf')",),
            files={"requirements.txt": "pandas==2.2.2\nXlsxWriter==3.2.0\nodfpy==1.4.1\n"},
        ),
        # A script a `%%writefile` cell writes in a notebook that submits jobs to a managed service (Azure
        # ML, SageMaker, Vertex AI, Kubeflow): it runs in the environment the job declares, not the
        # notebook's (fair check 27's Azure ML training scripts).
        Example(
            cells=("from azureml.core import ScriptRunConfig",
                   "%%writefile $script_folder/train.py\nimport joblib\nfrom fastai.vision.all import *"),
            files={"requirements.txt": "azureml-core==1.57.0\n"},
        ),
        # … or whose manifest the notebook writes itself beside it (fair check 45's deployment notebook).
        Example(
            cells=("import numpy as np",
                   "%%writefile backend/app.py\nimport flask\nimport joblib",
                   "%%writefile backend/requirements.txt\nflask==3.0.3\njoblib==1.4.2"),
            files={"requirements.txt": "numpy==1.26.4\n"},
        ),
    )
    failing = (
        Example(
            cells=(
                "import pandas as pd",
                "from sklearn.model_selection import train_test_split\nimport sklearn.metrics",
                "import cv2",
            ),
            files={"requirements.txt": "pandas==2.2.2\n"},
            expect=((2, 1), (3, 1)),
        ),
        # An official image of bare Python that installs nothing brings nothing: the file beside it declares.
        Example(
            cells=("import geopandas\nimport pandas as pd",),
            files={"environment.yml": "name: geo\ndependencies:\n  - pandas=2.2.2\n",
                   "Dockerfile": "FROM python:3.11-slim\nCOPY . /work\n"},
            expect=((1, 1),),
        ),
        # Installing it inside the notebook is not declaring it.
        Example(
            cells=("%pip install pyyaml", "import numpy as np\nimport torch\nimport yaml"),
            files={"environment.yml": "name: demo\ndependencies:\n  - python=3.11\n  - numpy\n  - pytorch\n"},
            expect=((2, 3),),
        ),
        # Needed without an import: a shell command's program, the Keras backend chosen by the
        # environment, a spaCy model loaded by name. Declared ones (gdown) are fine.
        Example(
            cells=(
                "import os\nos.environ['KERAS_BACKEND'] = 'jax'\nimport keras\nimport spacy",
                "!gdown 1AbCdEf -O data.zip\n!kaggle competitions download -c titanic",
                "nlp = spacy.load('en_core_web_sm')\nlocal = spacy.load('./models/ner')",
            ),
            files={"requirements.txt": "keras==3.3.3\nspacy==3.7.5\ngdown==5.2.0\n"},
            expect=((1, 2), (2, 2), (3, 1)),
        ),
        # Shared namespaces: google-cloud-storage does not provide google.cloud.bigquery.
        Example(
            cells=("from google.cloud import storage\nfrom google.cloud import bigquery",),
            files={"requirements.txt": "google-cloud-storage==2.16.0\n"},
            expect=((1, 2),),
        ),
        # Needed by a part of torch: tensorboard behind `torch.utils.tensorboard`, onnxscript and onnx
        # behind `torch.onnx.export` (its default exporter).
        Example(
            cells=("import torch\nfrom torch.utils.tensorboard import SummaryWriter",
                   "torch.onnx.export(torch.nn.Linear(2, 1), torch.zeros(1, 2), 'linear.onnx')"),
            files={"requirements.txt": "torch==2.4.0\n"},
            expect=((1, 2), (2, 1), (2, 1)),
        ),
        # A `torch/` folder of scripts beside the notebook (no `__init__.py`) does not hide the installed torch.
        Example(
            cells=("import numpy as np\nimport torch",),
            files={"torch/train_from_cli.py": "print('train')\n", "requirements.txt": "numpy==2.0.1\n"},
            expect=((1, 2),),
        ),
        # The Dockerfile's base image and RUN line declare numpy and keras; xgboost is in neither.
        Example(
            cells=("import numpy as np\nimport keras\nimport xgboost",),
            files={"Dockerfile": "FROM quay.io/jupyter/scipy-notebook:2024-05-27\nRUN pip install keras==3.3.3\n"},
            expect=((1, 3),),
        ),
        # The repository defines `tinylib` (python/tinylib/pyproject.toml), not xgboost.
        Example(
            cells=("import tinylib\nimport xgboost",),
            files={"requirements.txt": "jupyter-book==1.0.2\n",
                   "python/tinylib/pyproject.toml": "[project]\nname = 'tinylib'\nversion = '0.1'\n"},
            expect=((1, 2),),
        ),
        # jupyterlab is no metapackage: it does not bring ipywidgets.
        Example(cells=("import ipywidgets as widgets",), files={"requirements.txt": "jupyterlab==4.2.0\n"}, expect=((1, 1),)),
        # Beautiful Soup's "lxml" parser is a package of its own (fair check 21: a scraping lesson);
        # "html.parser" is Python's.
        Example(
            cells=("import requests\nfrom bs4 import BeautifulSoup\npage = requests.get(URL).text\n"
                   "soup = BeautifulSoup(page, \"lxml\")\nplain = BeautifulSoup(page, \"html.parser\")",),
            files={"requirements.txt": "beautifulsoup4==4.12.3\nrequests==2.32.3\n"},
            expect=((1, 4),),
        ),
        # A Pipfile that lacks pandas, installed by the Dockerfile beside it (`pipenv install` of the
        # copied Pipfile; the `pip install pipenv` line declares nothing).
        Example(
            cells=("import numpy as np\nimport pandas as pd",),
            files={"Pipfile": "[packages]\nnumpy = \"==1.26.4\"\n",
                   "Dockerfile": "FROM python:3.11-slim\nRUN pip install pipenv\nCOPY Pipfile Pipfile.lock ./\nRUN pipenv install --system --deploy\n"},
            expect=((1, 2),),
        ),
        # Two ways to install the same folder's environment disagree: pandas is only in the conda
        # file, scipy only in the requirements file (the test tools' requirements-dev.txt and the
        # helper library's setup.py are no such way).
        Example(
            cells=("import numpy as np\nimport pandas as pd\nfrom scipy import stats",),
            files={"requirements.txt": "numpy==1.26.4\nscipy==1.13.1\n",
                   "requirements-dev.txt": "-r requirements.txt\npytest==8.2.0\n",
                   "environment.yml": "name: book\ndependencies:\n  - numpy=1.26.4\n  - pandas=2.2.2\n",
                   "setup.py": "from setuptools import setup\n\nsetup(name='helpers', install_requires=['numpy'])\n"},
            expect=((1, 2), (1, 3)),
        ),
        # The kernelspec names the conda environment the folder's environment.yml exports (`conda env export`
        # writes its prefix): that file is the kernel's environment, the requirements.txt beside it (an app's
        # list) no way to build it, so pandas missing there is nothing (fair check 40, item 5); streamlit
        # missing from the kernel's environment still is.
        Example(
            cells=("import numpy as np\nimport pandas as pd\nimport streamlit as st",),
            files={"requirements.txt": "numpy>=1.26\nstreamlit>=1.30.0\n",
                   "environment.yml": "name: /opt/conda/envs/ml-tutorials\ndependencies:\n  - numpy=1.26.4\n  - pandas=2.2.2\n"},
            kernel="ml-tutorials",
            expect=((1, 3),),
        ),
        # The Dockerfile installs the project with `[plots]`, not `[docs]`.
        Example(cells=("import numpy as np\nimport sphinx",), files=_DOCKER_PROJECT, expect=((1, 2),)),
        # The workspace's lock does not name shap.
        Example(cells=("from trailmix.core import blend\nimport shap",), files=_UV_WORKSPACE, expect=((1, 2),)),
        # A missing-module handler that re-raises does not make the import optional.
        Example(
            cells=("try:\n    import kdbconnect as kc\nexcept ImportError:\n    print('install kdbconnect first')\n    raise",),
            files={"requirements.txt": "numpy==2.0.1\n"},
            expect=((1, 2),),
        ),
        # A single project's uv.lock pins its declared lines; joblib, locked only as scikit-learn's
        # dependency, stays undeclared.
        Example(
            cells=("import sklearn\nimport joblib",),
            files={"pyproject.toml": "[project]\nname = 'course'\ndependencies = ['scikit-learn>=1.4']\n\n[tool.nbrefactor]\n",
                   "uv.lock": ("version = 1\n\n[[package]]\nname = \"course\"\nversion = \"0.1.0\"\nsource = { virtual = \".\" }\n\n"
                               "[[package]]\nname = \"joblib\"\nversion = \"1.4.2\"\n\n"
                               "[[package]]\nname = \"scikit-learn\"\nversion = \"1.6.1\"\n")},
            expect=((1, 2),),
        ),
        # eo-learn 1.4's `eolearn.mask` is the eo-learn-mask distribution, which eo-learn-core does not bring.
        Example(
            cells=("from eolearn.core import EOPatch\nfrom eolearn.mask import CloudMaskTask",),
            files={"requirements.txt": "eo-learn-core==1.4.2\n"},
            expect=((1, 2),),
        ),
        # Anaconda ships numpy, not quantecon: the lecture's extra library still needs declaring.
        Example(cells=("import numpy as np\nimport quantecon as qe",),
                files={"environment.yml": "dependencies:\n  - python=3.8\n  - anaconda=2020.07\n"}, expect=((1, 2),)),
        # spaCy 2's `spacy link` names the package a later `spacy.load("en_vecs")` loads; a cell that is
        # only a model's name is no link (fair check 27: such a cell crashed the audit).
        Example(cells=("!python -m spacy link ./models/en_vectors_web_lg-2.0.0/en_vectors_web_lg en_vecs",
                       "import spacy\nnlp = spacy.load('en_vecs')", "en_vecs"),
                files={"requirements.txt": "spacy==2.3.9\n"}, expect=((2, 2),)),
        # azureml-sdk does not bring its `[notebooks]` extra's azureml-widgets, nor azureml-automl-runtime.
        Example(cells=("from azureml.core import Workspace\nfrom azureml.widgets import RunDetails\n"
                       "from azureml.automl.runtime.onnx_convert import OnnxConverter",),
                files={"environment.yml": "dependencies:\n- pip:\n  - azureml-sdk==1.59.0\n"}, expect=((1, 2), (1, 3))),
        # LlamaIndex's integrations are distributions of their own (fair check 34, item 13): the llama-index
        # meta-package brings llama-index-core and the OpenAI LLM, not llama-index-embeddings-huggingface.
        Example(cells=("from llama_index.core import VectorStoreIndex\nfrom llama_index.embeddings.huggingface import HuggingFaceEmbedding\n"
                       "from llama_index.llms.openai import OpenAI",),
                files={"requirements.txt": "llama-index==0.14.25\n"}, expect=((1, 2),)),
        # Without a remote include the environment file is read whole: statsmodels is missing from it.
        Example(cells=("import statsmodels.api as sm",),
                files={"automl_env.yml": "dependencies:\n- python=3.10\n- pip:\n  - azureml-defaults~=1.59.0\n  - -r common.txt\n"},
                expect=((1, 1),)),
        # After httpimport's block closes, an import is the kernel's own again (and `pypi_repo` loads a distribution).
        Example(cells=("import httpimport\nwith httpimport.github_repo(username='example-lab', repo='examples'):\n"
                       "    from image_search import helper as h\nimport seaborn as sns",
                       "with httpimport.pypi_repo():\n    import tabulate"),
                files={"requirements.txt": "httpimport==1.4.0\n"}, expect=((1, 4), (2, 2))),
        # `%matplotlib widget` runs on ipympl's backend, which no import shows (fair check 29 recall T-6.2);
        # `inline` and `notebook` are the kernel's and matplotlib's own.
        Example(
            cells=("import numpy as np\n%matplotlib widget\nimport matplotlib.pyplot as plt", "%matplotlib inline", "%matplotlib notebook"),
            files={"requirements.txt": "numpy==1.26.4\nmatplotlib==3.8.4\n"},
            expect=((1, 2),),
        ),
        # A typo of the module beside the notebook is no distribution to declare: the fix is the spelling
        # (fair check 35, item 2: `from utilties import *` beside `utilities.py`).
        Example(
            cells=("import numpy as np\nfrom utilties import *", "data = downloadData()"),
            files={"requirements.txt": "numpy==2.0.1\n", "utilities.py": "def downloadData():\n    return []\n"},
            expect=((1, 2),),
        ),
        # `dask.distributed` only re-exports the separate `distributed` distribution, which a plain
        # `dask` line does not install (fair check 36, item T-5.5).
        Example(
            cells=("import dask.dataframe as dd\nfrom dask.distributed import Client, wait",),
            files={"requirements.txt": "dask==2024.8.0\npandas==2.2.2\n"},
            expect=((1, 2),),
        ),
        # A pandas UDF checks for pyarrow (and pandas) when it is made; pyspark alone installs neither
        # (fair check 36, item T-2.4).
        Example(
            cells=("import pandas as pd\nfrom pyspark.sql.functions import pandas_udf",
                   "@pandas_udf('double')\ndef plus_one(s: pd.Series) -> pd.Series:\n    return s + 1"),
            files={"requirements.txt": "pyspark==3.5.1\npandas==2.2.2\n"},
            expect=((2, 1),),
        ),
        # What a pixi.toml lacks (fair check 37: before, pixi.toml was no manifest and this was DEP002's "no manifest"). The
        # fix says `pixi add seaborn`; the workspace's own package (`{ path = "." }`) is the project itself.
        Example(
            cells=("import numpy as np\nimport seaborn as sns",),
            files={"pixi.toml": ("[workspace]\nname = \"demo\"\n\n[dependencies]\nnumpy = \"1.26.4\"\n\n[pypi-dependencies]\n"
                                 "demo = { path = \".\", editable = true }\n")},
            expect=((1, 2),),
        ),
        # `engine="fastparquet"` loads fastparquet, which pyarrow does not stand for (fair check 38, item 24's other side).
        Example(
            cells=("import pandas as pd\ntrips = pd.read_parquet('trips.parquet', engine='fastparquet')",),
            files={"requirements.txt": "pandas==2.2.2\npyarrow==16.1.0\n"},
            expect=((1, 2),),
        ),
        # An `s3://` URL opens through fsspec and s3fs, which pandas does not install (fair check 43, recall
        # T-6.3); a DataFrame written to `gs://` needs gcsfs. An https URL needs nothing more, a declared
        # s3fs is the use.
        Example(
            cells=("import pandas as pd\nraw = pd.read_csv('s3://ml-datasets/misc/tae.data')",
                   "BUCKET = 'gs://reports/out.csv'\nraw.to_csv(BUCKET)"),
            files={"requirements.txt": "pandas==2.2.2\n"},
            expect=((1, 2), (2, 2)),
        ),
        # Kaggle's learntools, not the package index's namesake (fair check 44, item 4).
        Example(cells=("import numpy as np\nfrom learntools.core import binder",), files={"requirements.txt": "numpy==1.26.4\n"},
                expect=((1, 2),)),
        # Fair check 52, recall T-3.2: a frame made in the writer's own receiver, written to `.xlsx` by a helper
        # (openpyxl, or XlsxWriter, which pandas prefers when installed); an `.ods` file needs odfpy, which
        # the declared openpyxl does not stand for.
        Example(
            cells=("import pandas as pd",
                   "def save(actual, predicted, name):\n    pd.DataFrame({'Actual': actual, 'Prediction': predicted}).to_excel(f'{name}.xlsx')",
                   "save(y_test, preds, 'linear')"),
            files={"requirements.txt": "pandas==2.2.2\n"},
            expect=((2, 2),),
        ),
        Example(
            cells=("import pandas as pd\npd.read_csv('prices.csv').to_excel('prices.ods')",),
            files={"requirements.txt": "pandas==2.2.2\nopenpyxl==3.1.5\n"},
            expect=((1, 2),),
        ),
        # Fair check 53, recall T-10.4: the app a `%%writefile app.py` cell writes is the project's code
        # too, and its `import cv2` needs opencv-python declared (located at the cell's line); a text
        # file's body, or a part appended to a script (`-a`), is no script of its own.
        Example(
            cells=("import numpy as np",
                   "%%writefile app.py\nimport streamlit as st\nimport numpy as np\n\nimport cv2\nst.write('flowers')",
                   "%%writefile notes.txt\nimport pandas",
                   "%%writefile -a app.py\nimport sklearn"),
            files={"requirements.txt": "numpy==1.26.4\nstreamlit==1.35.0\n"},
            expect=((2, 5),),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        yield from _fold_elsewhere(self._check_each(ctx))

    def _check_each(self, ctx: RuleContext) -> Iterator[Hit]:
        manifests = ctx.project.manifests
        if not manifests or ctx.project.unread_images:
            return  # (an unread image is the environment: what it lacks is unknown)
        if _unread_include(manifests):
            # `-r https://…/validated_linux_requirements.txt` in a manifest: a file the audit never fetches,
            # which may declare anything the notebook imports (fair check 27: Azure's AutoML environment
            # files install their validated freeze so), and a line added beside it would fight its pin.
            return
        # The repository's own packages (a setup.py/pyproject.toml anywhere below its root) are
        # built and installed from it, not from a line of the notebook's manifest.
        declared = (ctx.project.declared | _installed_by_extras(manifests, ctx.catalog) | _installed_by_metapackages(manifests, ctx.catalog)
                    | ctx.project.repository_projects)
        # The images a compose file builds from sub-folders (`envs/py312/`) declare, but a missing
        # line is the project's own manifests' (those are named).
        # Named in order of the environments first: last year's edition of a course's environment
        # files and a docs build's list last (fair check 20: a Sphinx list led phlippe's 13 messages).
        superseded = _editions(manifests)
        named = tuple(sorted(manifests, key=lambda m: m.path in superseded or _sphinx_list(m) or _tooling_file(m)))
        where = _manifest_names(tuple(m for m in named if not m.compose_service)) or _manifest_names(named)
        shared_where = _manifest_names(tuple(m for m in named if not m.sibling and not m.compose_service)) or where
        # Only a library's own metadata around the notebook (deepchem's setup.py above its tutorials):
        # a line there would install a tutorial's package with every install of the library.
        library = where if all((m.kind in _LIBRARY_KINDS and m.project_name) or m.read_by_setup for m in manifests) else None
        if library is not None and any(m.read_by_setup for m in manifests):
            library += " (setup.py reads it as `install_requires`)" if len(manifests) == 1 else " (setup.py reads them)"
        uses: dict[str, list] = {}  # one finding per distribution: later imports are related places
        kept, component = _component_uses(third_party_imports(ctx.facts, ctx.project, ctx.catalog), ctx.facts, bool(ctx.project.manifests))
        for use in kept:
            uses.setdefault(normalise(use.resolution.primary), []).append(use)
        extras = _declared_extras(manifests)
        routes = _install_routes(manifests, uses, ctx.catalog)
        own = _own_projects(ctx)
        # What the metadata of the library the notebook imports declares (its dependencies and extras):
        # any environment that runs the notebook installs the library, and with it these.
        with_library = frozenset(r.name for m in manifests if m.kind in _LIBRARY_METADATA and m.project_name in own
                                 for r in m.requirements) if own else frozenset()
        for key, found in uses.items():
            # The imports of one distribution may have other alternatives: eo-learn 1.4's `eolearn.core` is
            # eo-learn-core too, its `eolearn.mask` eo-learn-mask, both eo-learn now. The first one no
            # manifest declares is the finding.
            undeclared = [u for u in found if not (u.resolution.declared_by(declared)
                                                   or (u.extra and (normalise(u.extra[0]), u.extra[1]) in extras))]
            found = undeclared or found
            use, res = found[0], found[0].resolution
            if not undeclared:
                missing = None if res.declared_by(with_library) else _route_lacking(found, routes, ctx.facts.notebook, manifests)
                if missing is not None:
                    yield missing
                continue
            if all(_optional_use(u, ctx.facts) for u in found):
                continue  # the notebook is written to run without it
            if all(_colab_setup_only(ctx, u) for u in found):
                continue  # DEP006's Colab set-up cell, which is replaced off Colab as a whole
            elsewhere = elsewhere_local_modules(ctx.facts, (use,), ctx.project).get(use.module.split(".")[0])
            if elsewhere is not None:
                yield _elsewhere_local_hit(use, found[1:], elsewhere, key)
                continue
            misspelt = misspelt_local_modules(ctx.facts, (use,), ctx.project).get(use.module.split(".")[0])
            if misspelt is not None:
                yield _misspelt_local_hit(use, found[1:], misspelt, key)
                continue
            # A helper file the repository did not commit (`from utils import null_count`, no utils.py beside): the fix is
            # to commit it, not a line for the index's unrelated `utils` (fair check 48, recall T-8.2), as DEP002 says.
            if use.module.split(".")[0] in missing_helper_modules(ctx.facts, (use,), ctx.catalog, generic_words=False):
                yield _missing_helper_hit(ctx, res.primary, use, found[1:], key)
                continue
            # The project's helper kept as a notebook beside (a Kaggle utility script): export it, no line
            # to add (fair check 46, item 4: kaggle-metric-utility-script-module).
            helper = _notebook_helper(ctx, use) if ctx.project.notebook_helpers else None
            if helper is not None:
                yield _notebook_helper_hit(use, found[1:], helper, key)
                continue
            # The platform's own library the README names the project after (fair check 47, item 5: `rocketml`).
            platform = _platform_library(ctx, use)
            if platform is not None:
                yield Hit(
                    use.cell, use.line, use.column,
                    f"`{use.shown}` {use.needed} but is not declared in {where}: " + _platform_library_note(use, platform),
                    fix=_platform_library_fix(use, platform, "a manifest"),
                    key=key,
                    related=tuple(dict.fromkeys(
                        (u.cell, u.line, u.column) for u in found[1:] if (u.cell, u.line, u.column) != (use.cell, use.line, use.column))),
                    # (as any undeclared import's: the project's notebooks importing it are one root cause)
                    data=(("distribution", res.primary), ("module", use.module), ("manifest", shared_where)),
                )
                continue
            # A distribution on no package index (graph-tool) that the notebook's own apt line installs, or apt.txt
            # declares: DEP003's finding on that line is the root cause (fair check 35, item 7).
            off_index = _not_on_index(res.primary, ctx.catalog)
            if off_index is not None and _system_provided(ctx, off_index):
                continue
            # A manifest lists only the index's placeholder for it, on a line that cannot be installed at all
            # (`skimage==0.0`, unpinned `sklearn`): DEP007's finding on that line, with this import related, is
            # the root cause, and replacing the line declares the distribution (fair check 35, recall T-2.1).
            if _uninstallable_placeholder(res, manifests):
                continue
            url = _installed_from(use, ctx.facts)
            # Kaggle's `learntools`: the index's distribution of that name is another project (fair check 44, item 4).
            namesake = None if url else _index_namesake(res.primary, ctx.catalog)
            hosted = next((_hosted_installs(ctx)[n] for n in res.normalised if n in _hosted_installs(ctx)), None)
            res = _as_installed(res, ctx)
            # `requirements = "aplr==10.6.1 …"` then `!pip install {requirements}`: the notebook's own pin.
            variable = None if url or hosted else next(
                (variable_install_pins(ctx.facts)[n] for n in res.normalised if n in variable_install_pins(ctx.facts)), None)
            pinned = None if url or hosted or variable else next(
                (_install_pins(ctx)[n] for n in res.normalised if n in _install_pins(ctx)), None)
            provider = _dependency_provider(use.module, manifests, ctx.catalog)
            yield Hit(
                use.cell,
                use.line,
                use.column,
                (f"`{use.shown}` {use.needed} but its distribution `{res.primary}`, installed from `{namesake['url']}` (the "
                 f"package index's `{res.primary}` is an unrelated project), is not declared in {where}" if namesake else
                 f"`{use.shown}` {use.needed} but its distribution, which the notebook installs from `{url}`, "
                 f"is not declared in {where}" if url else
                 f"`{use.shown}` {use.needed} but its distribution (assumed to be `{res.primary}`: no mapping known) "
                 f"is not declared in {where}" if _guessed_otherwise(res, imported=not use.how) else
                 f"`{use.shown}` {use.needed} but its distribution `{res.primary}` is not declared in {where}"
                 + _placeholder_note(res, manifests))
                + _shadow_note(use, ctx) + _component_note(use, component),
                fix=_not_on_index_fix(res.primary, off_index) if off_index is not None else (_named_home(_library_home(_hatch_home(
                    f"Add `{res.primary} @ {namesake['url']}` to a manifest, pinned to a commit (`@<sha>`), not the package "
                    f"index's `{res.primary}`" + _namesake_note(namesake) if namesake else
                    f"Add `{res.primary} @ {url}` to a manifest, pinned to a commit (`@<sha>`)" if url else
                    f"Add `{variable[1]}` to a manifest (the version that cell {variable[0].cell.index}'s "
                    f"`{variable[0].text.strip()}` installs)" if variable else
                    f"Find the distribution that provides `{use.shown}` (its name on the package index may differ) "
                    "and add it (pinned) to a manifest" if _index_name_in_doubt(res, imported=not use.how) else
                    f"Replace `{_PLACEHOLDERS[normalise(res.primary)]}` with `{res.primary}` (pinned) in the manifest"
                    if _placeholder_note(res, manifests) else
                    # A spaCy model is no release on the package index: a direct reference to its
                    # release archive pins it (fair check 16: "Add `en_core_web_lg` (pinned)" said not how).
                    f"Add `{res.primary} @ https://github.com/explosion/spacy-models/releases/download/"
                    f"{res.primary}-<version>/{res.primary}-<version>.tar.gz` to a manifest (a spaCy model is not on the "
                    "package index; its release archive pins it)" + _spacy_shortcut_fix(use, res.primary)
                    if "spaCy model" in use.needed else
                    f"Add `{pinned[1]}` to a manifest (the version that cell {pinned[0].cell.index}'s install line pins)"
                    if pinned else
                    f"Add `{provider[1]['distribution']}` beside `{provider[0]}` in {provider[2]} (pinned to the version "
                    f"that `{provider[0]}` requires; {provider[1]['note']})" if provider else
                    f"Add `{res.primary}` (pinned) to a manifest", manifests),
                    hosted, library), _kernel_home(manifests, ctx.facts.notebook), _homeless_projects(ctx)) + _bridge_note(res.primary) + _renamed_note(res.primary) + _conda_only_note((res.primary,)) + _component_fix(use, component)),
                key=key,
                related=_hosted_related(tuple(dict.fromkeys(
                    (u.cell, u.line, u.column) for u in found[1:] if (u.cell, u.line, u.column) != (use.cell, use.line, use.column))), hosted),
                # The manifest the line is missing from: notebooks of one project missing the same
                # line are one root cause (`AuditResult.diagnostics` folds them in a batch's report).
                # An example's own file in a sibling folder (`scripts/requirements.txt`) is left out of
                # that key: the project's examples missing `numpy` are still one decision, one finding.
                data=(("distribution", res.primary), ("module", use.module), ("manifest", shared_where)),
            )


# What a `try:` around an optional import catches when the module is missing (bare `except:` too).
_MISSING_MODULE_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


_INSTALLING_CALLS = frozenset({"system", "run", "call", "check_call", "check_output", "Popen", "main", "install"})


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _optional_use(use, facts) -> bool:
    """Whether the import (or the call needing a distribution, `evaluate.load("seqeval")`) sits in
    the body of a `try:` whose handler for a missing module neither re-raises nor installs it: the
    notebook runs without the package (`except ImportError: print("optional: not installed")`, a
    fallback to scikit-learn's metrics). Nothing to declare (fair check 18: pykx, which needs a
    commercial q licence; DEP005 skips the same shape)."""
    ca = next((c for c in facts.cells if c.cell.index == use.cell.index), None)
    tree = cell_python_tree(ca) if ca is not None else None
    if tree is None:
        return False
    for node in nodes_of(tree, ast.Try):
        if not (node.body and node.body[0].lineno <= use.line <= (node.body[-1].end_lineno or node.body[-1].lineno)):
            continue
        handlers = [h for h in node.handlers if h.type is None or any(
            isinstance(n, ast.Name) and n.id in _MISSING_MODULE_ERRORS
            for n in (h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]))]
        if not handlers:
            continue
        spans = [(h.lineno, h.end_lineno or h.lineno) for h in handlers]
        raises = any(isinstance(n, ast.Raise) for h in handlers for n in ast.walk(h))
        # `except ImportError: !pip install x`: the notebook needs it, and installs it (DEP003's line).
        installs = any(first <= m.line <= last and "install" in m.text for m in ca.magics for first, last in spans)
        # (or `subprocess.check_call([sys.executable, "-m", "pip", "install", "x"])`; a `print` of the
        # hint "optional: uv pip install pykx" installs nothing)
        installs = installs or any(
            _called_name(n) in _INSTALLING_CALLS and "install" in ast.unparse(n)
            for h in handlers for n in ast.walk(h) if isinstance(n, ast.Call))
        if not raises and not installs and not _read_outside(node, use, facts):
            return True
    return False


def _read_outside(guard: ast.Try, use, facts) -> bool:
    """Whether a name the import at `use` binds inside `guard`'s body is read anywhere outside that
    `try` statement (`try: import xgboost as xgb` / `except Exception: print(e)`, then an unguarded
    `xgb.XGBClassifier()` in the next cell): the notebook does not run without the package then,
    so the import is not optional (review of session 35: the exemption hid such a DEP001)."""
    bound = {name for line, name in _import_bindings(guard.body) if line == use.line}
    if not bound:
        return False  # a call needing a distribution (`evaluate.load("seqeval")`) binds nothing to follow
    # A flag the `try` body sets (`HAS_PYKX = True` after the import) guards the reads under an `if`
    # that tests it (`if HAS_PYKX: kx.SyncQConnection(...)`): those run only when the import did.
    flags = {n.id for stmt in guard.body for n in ast.walk(stmt)
             if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} - bound
    first, last = guard.lineno, guard.end_lineno or guard.lineno

    def unguarded_read(node: ast.AST, same_cell: bool) -> bool:
        if isinstance(node, ast.Try) and _binds_by_import(node.body, bound):
            # Another `try` importing the name again (`try: import matplotlib.pyplot as plt` in each
            # plotting cell, fair check 26): its body's reads run only when that import worked.
            return any(unguarded_read(child, same_cell) for child in (*node.handlers, *node.finalbody))
        if isinstance(node, (ast.If, ast.IfExp)) and flags & {
                n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)}:
            orelse = node.orelse if isinstance(node.orelse, list) else [node.orelse]
            return any(unguarded_read(child, same_cell) for child in orelse)
        if (isinstance(node, ast.Name) and node.id in bound and isinstance(node.ctx, ast.Load)
                and not (same_cell and first <= node.lineno <= last)):
            return True
        return any(unguarded_read(child, same_cell) for child in ast.iter_child_nodes(node))

    for ca in facts.cells:
        tree = cell_python_tree(ca)
        if tree is not None and unguarded_read(tree, ca.cell.index == use.cell.index):
            return True
    return False


def _import_bindings(body: list[ast.stmt]) -> Iterator[tuple[int, str]]:
    """(line, name) of each name an import among the statements binds (`import matplotlib.pyplot
    as plt` binds `plt`, `import os.path` binds `os`; not a star import)."""
    for stmt in body:
        for imp in (n for n in ast.walk(stmt) if isinstance(n, (ast.Import, ast.ImportFrom))):
            for alias in imp.names:
                if alias.name != "*":
                    yield imp.lineno, alias.asname or alias.name.split(".")[0]


def _binds_by_import(body: list[ast.stmt], names: set[str]) -> bool:
    """Whether an import among the statements binds one of `names` (`import matplotlib.pyplot as plt`)."""
    return any(name in names for _, name in _import_bindings(body))


# The kinds of environment file a folder may offer as alternative ways to build one environment
# (`pip install -r requirements.txt`, `conda env create -f environment.yml`, `pipenv install`). Not a
# library's metadata (`setup.py`, `setup.cfg`, pyproject `[project]`: ranges of what the library
# needs, fair check 9 left the environment to the files above), nor a Dockerfile (the image of a
# service, which the notebook beside it rarely runs in).
_ROUTE_KINDS = {"requirements": "pip", "environment": "conda", "pipfile": "Pipenv", "pixi": "pixi"}


def _route_folder(path: str) -> str:
    """The folder whose environment a manifest describes: `binder/environment.yml` is the
    environment of the folder above binder/ (repo2docker builds from it instead)."""
    folder = posixpath.dirname(path)
    return posixpath.dirname(folder) if posixpath.basename(folder) in ENVIRONMENT_FOLDERS else folder


def _install_routes(manifests: tuple[Manifest, ...], uses: dict[str, list], catalog) -> list[tuple[str, tuple[Manifest, ...], frozenset[str], frozenset[str]]]:
    """(tool, files, what they declare, what the environment they build has) of each install route that a folder offers beside another:
    per folder holding environment files of two tools or more, the files of each tool (several
    requirements files are one route, whatever they include of each other) that declare at least
    one distribution the notebook imports (a `requirements-dev.txt` of test tools is no route for
    the notebook). Empty when no folder offers two routes for the notebook."""
    imported = [frozenset(u[0].resolution.normalised) for u in uses.values() if not u[0].how]
    by_folder: dict[str, dict[str, list[Manifest]]] = {}
    superseded = _editions(manifests)
    for manifest in manifests:
        tool = _ROUTE_KINDS.get(manifest.kind)
        if _sphinx_list(manifest) or manifest.path in superseded:
            continue  # a docs build's list, last year's environment: no way to install the notebooks' environment
        if tool is not None and manifest.requirements:
            by_folder.setdefault(_route_folder(manifest.path), {}).setdefault(tool, []).append(manifest)
    routes: list[tuple[str, tuple[Manifest, ...], frozenset[str], frozenset[str]]] = []
    for tools in by_folder.values():
        if len(tools) < 2:
            continue
        offered = []
        for tool, files in tools.items():
            own = [m for m in files if any(names & ({r.name for r in m.requirements}) for names in imported)]
            if own:
                group = tuple(own)
                names = (frozenset(r.name for m in group for r in m.requirements)
                         | _installed_by_extras(group, catalog) | _installed_by_metapackages(group, catalog))
                offered.append((tool, group, names, names))
        if len(offered) >= 2:
            routes += offered
    if routes:
        # A folder's requirements file is pip-installed on top of the environment a requirements file of a
        # folder above it builds (a course's `tensorflow/intro/requirements.txt` of `tensorflow==1.0.0` over
        # the root's list; fair check 28): what that one declares, the pip route has too.
        layered = [(posixpath.dirname(m.path), frozenset(r.name for r in m.requirements)) for m in manifests
                   if m.kind == "requirements" and m.requirements and m.path not in superseded and not _sphinx_list(m)]
        routes = [(tool, files, names, names | frozenset(n for above, declares in layered if _folder_above(above, _route_folder(files[0].path))
                                                         for n in declares) if tool == "pip" else names)
                  for tool, files, names, _ in routes]
    return routes


def _folder_above(above: str, folder: str) -> bool:
    """Is display folder `above` a folder strictly above `folder` (`""` is above every other)?"""
    return above != folder and (above in ("", ".") or folder.startswith(above.rstrip("/") + "/"))


def _route_lacking(found: list, routes: list[tuple[str, tuple[Manifest, ...], frozenset[str], frozenset[str]]],
                   notebook=None, manifests: tuple[Manifest, ...] = ()) -> Optional[Hit]:
    """For a distribution the notebook imports by name and one install route of its folder
    declares: the finding at its first import when another route of the same folder leaves it out
    (`conda env create -f environment.yml` then gives a kernel without statsmodels). A distribution
    needed without an import (a shell command's program, a library's optional backend) is left to
    the union: which route should carry it is no question of the notebook's code. When the
    notebook's kernelspec names the conda environment a file of the folder describes (`ml-tutorials`,
    `name: …/envs/ml-tutorials`), that file is the notebook's environment: another file of the folder
    that lacks the distribution (an app's requirements.txt) is no route to its kernel (fair check 40,
    item 5)."""
    use, res = found[0], found[0].resolution
    if use.how or not routes:
        return None
    having = [r for r in routes if res.declared_by(r[2])]
    lacking = [r for r in routes if not res.declared_by(r[3])]
    if notebook is not None:
        kernels = [r for r in routes if any(names_kernel_environment(m, notebook.kernel_name, notebook.kernel_display_name)
                                            for m in r[1])]
        if kernels:
            lacking = [r for r in lacking if r in kernels]
    if manifests:
        # A folder between the routes' folder and the notebook has an environment file of its own (a vendored
        # tutorial's `snorkel-tutorials/spam/requirements.txt` below the root's two files): the notebook's environment
        # is built there, and the root's files are no ways to build it (fair check 40, item 5's related notebook).
        nearer = [posixpath.dirname(m.path) for m in manifests if _ROUTE_KINDS.get(m.kind) and m.requirements
                  and not m.sibling and not m.compose_service]
        lacking = [r for r in lacking if not any(_folder_above(_route_folder(r[1][0].path), folder) for folder in nearer)]
    if not having or not lacking:
        return None
    lacks = ", ".join(m.path for r in lacking for m in r[1])
    has = ", ".join(m.path for r in having for m in r[1])
    tools = " or ".join(f"{r[0]}" for r in lacking)
    return Hit(
        use.cell,
        use.line,
        use.column,
        f"`{use.shown}` is imported and its distribution `{res.primary}` is declared in {has} but not in {lacks}, "
        f"another environment file of the same folder: an environment built with {tools} from it has "
        f"`{res.primary}` only if some other package happens to pull it in",
        fix=f"Add `{res.primary}` (pinned) to {lacks}, as {has} declares it, or drop {lacks} if that way of installing "
            "is no longer supported",
        # The file names, not their paths (shown relative to where the audit runs): a baseline's
        # fingerprint stays the same from any folder.
        key=f"{normalise(res.primary)}\x1froute\x1f{','.join(posixpath.basename(m.path) for r in lacking for m in r[1])}",
        related=tuple(dict.fromkeys(
            (u.cell, u.line, u.column) for u in found[1:] if (u.cell, u.line, u.column) != (use.cell, use.line, use.column))),
        # One line to add to the file that lacks it: notebooks of the folder share the root cause
        # (`AuditResult.diagnostics` folds them).
        data=(("distribution", res.primary), ("module", use.module), ("manifest", lacks), ("declared_in", has)),
    )


def _shadow_note(use, ctx: RuleContext) -> str:
    """For an import of an installed distribution that a same-named package folder above the notebook
    would hide (`numpy/` of lessons at the repository root): where it is, so the name clash is seen."""
    if use.how or not use.module:
        return ""
    folder = shadowing_package(use.module, ctx.project, ctx.catalog)
    if folder is None:
        return ""
    top = use.module.split(".")[0]
    return (f"; the folder `{folder}/` above the notebook is a package named `{top}` too, which hides the installed "
            f"`{top}` wherever its parent folder is on `sys.path` (a test runner, an editable install)")


def _promised(ctx: RuleContext, component, first) -> Optional[tuple[str, str, str]]:
    """The manifest the nearest README tells the reader to build the environment from, which is not
    there (`ProjectContext.promised_manifests`), for an import a manifest would serve (not a Kubeflow
    component's, whose fix is its `packages_to_install`)."""
    if not ctx.project.promised_manifests or _component_note(first, component):
        return None
    return ctx.project.promised_manifests[0]


def _promised_note(ctx: RuleContext, component, first) -> str:
    promised = _promised(ctx, component, first)
    if promised is None:
        return ""
    file, command, readme = promised
    return f"; the README (`{readme}`) says to run `{command}`, but that file (`{file}`) is not in the repository"


def _promised_fix(ctx: RuleContext, component, first, fix: str) -> str:
    """The fix's new requirements.txt is the file the README already names (fair check 42, items 8, 13,
    16: `conda env create -f environment.yml` in a repository without one): the line goes there."""
    promised = _promised(ctx, component, first)
    if promised is None or not fix.startswith("Add a requirements.txt beside the notebook"):
        return fix
    file, command, _ = promised
    conda = file.endswith((".yml", ".yaml")) and "env " in command
    return (f"Add `{file}`, the file the README's `{command}` builds the environment from,"
            + fix[len("Add a requirements.txt beside the notebook"):]
            + (" (a conda environment file: the line goes in its `dependencies:` list, one only on PyPI under `- pip:`)"
               if conda else ""))


class NoManifest(Rule):
    code = "DEP002"
    name = "no-manifest"
    family = Family.DEPENDENCIES
    severity = Severity.WARNING
    summary = "A third-party package is imported but the project has no dependency manifest."
    what_it_does = (
        "When no manifest "
        f"({_MANIFEST_KINDS}) exists beside the notebook or in a folder above it, up to "
        "the project root (a folder with `.git` or a `pyproject.toml` with `[tool.nbrefactor]`), "
        "reports each third-party distribution the notebook imports, once, at its first import "
        "line, naming the distribution (later imports of it are related locations). So each can "
        "be suppressed on its line (`# noqa: DEP002`) and lands on that line in SARIF; the JSON "
        "report's `data` carries `distribution` and `module`, so the full list of what to declare is "
        "data, not prose. Distributions needed without an import (a shell command's program, the "
        "Keras backend `KERAS_BACKEND` chooses, the matplotlib backend `%matplotlib widget` selects (ipympl), a spaCy model loaded by name, torch behind transformers' PyTorch "
        "classes, a metric's packages behind `evaluate.load`, sentencepiece behind a Marian tokenizer, tensorboard "
        "behind `torch.utils.tensorboard`, onnx behind `torch.onnx.export`) are reported "
        "like imports, at the call that needs them (see DEP001). "
        "A Colab/Kaggle-guarded install line of the distribution (`if \"google.colab\" in sys.modules: !pip install "
        "gym==0.18.0`, which DEP003 leaves to this finding) is a related location, and its pin is named in the fix; so is the "
        "exact pin of an unguarded install line (`!pip install tensorflow==2.4.1`, DEP003's finding): the line of the new file. "
        "A manifest checked out as a symbolic link's text (a file holding only `env/requirements.txt`) is read from "
        "its target. Modules of the notebook's own project are not distributions, as for DEP001 (a package folder above the "
        "notebook named like a catalogued distribution but without what the import names is not the project's: `numpy/` of "
        "lessons at a course's root). A pyproject.toml without dependencies does not count; a requirements file the notebook installs itself "
        "(`!pip install -r lab_requirements.txt`) does, whatever its name, and so does the `.txt` named as the notebook beside "
        "it when it reads as a requirements file that lists a module the notebook imports (see DEP001), and a "
        "`dev-requirements.txt` / `*-requirements.txt` that reads as one. A `Pipfile` (Pipenv) is a manifest, so is a `pixi.toml` "
        "(pixi; see DEP001), and so is a Dockerfile that `pipenv install`s one or pip-installs packages or a local project it copies in (`*.dockerfile` too; "
        "see DEP001). "
        "A `setup.py` is a manifest too: the `install_requires` and `extras_require` of its `setup(...)` call are "
        "read statically with `ast`, never run (literal lists of strings, names bound to them in the file, extras added "
        "to the table by item, `extras_require[\"experimental\"] = [...]`); one whose "
        "requirements are computed (read from a file, returned by a function) is not read. A uv workspace's `uv.lock` "
        "(beside a `pyproject.toml` with `[tool.uv.workspace]`) is a manifest for the notebooks that import one of "
        "the workspace's members (see DEP001). "
        "A requirements or conda file that the `.readthedocs.y*ml` beside it installs for a Sphinx build whose `conf.py` "
        "never executes the notebooks (`nbsphinx_execute = \"never\"`) is the docs' environment, not a manifest of the "
        "notebooks: a line added there would never reach them (with nbsphinx' default `auto`, or `always`, the build runs "
        "them in it, and it counts). "
        "An import in the body of a function the notebook makes a Kubeflow Pipelines component of runs in the "
        "component's image, where a requirements.txt beside the notebook would not reach: it is not reported when the "
        "component's `packages_to_install=[...]` names it or the component runs on an image other than a stock "
        "`python:*` one (the team's image may install it; one the notebook does not spell as a literal counts as such); "
        "on a stock Python image, the message says so and the fix names `packages_to_install`. "
        "An import no table knows and no install line names that is named like a helper file (`dnn_utils`, `utils`, "
        "`testCases`; `[helper_modules]` of `rules/distributions.toml`) is a helper module the repository did not commit: "
        "the message says so and the fix is to commit the file, not a requirements line for a distribution of that "
        "name (most are on no index, and `tf-utils` is an unrelated project). So is one of the generic words whose "
        "entry in pipreqs' mapping the catalogue does not trust (`[pipreqs] ignore`: `bootstrap`, which pipreqs gives to "
        "BigJob, `demo`, `examples`, `version`, `models`), unless an install line of the notebook names it. "
        "In a report of several notebooks, those of one project importing the same distribution are one root cause (one "
        "line of one new manifest declares it for all of them): one finding, at the first notebook, the others' imports "
        "related locations, the message saying how many other notebooks import it and the fix naming the folder above "
        "all the project's notebooks that have a DEP002 finding (every DEP002 of the project names that one new file, also "
        "for a distribution only one notebook imports); the project is the folder with `.git` (or `[tool.nbrefactor]`), or, in a checkout without one, the "
        "top folder below the folder above all audited notebooks (a batch of unrelated checkouts is never one project). "
        "When the notebooks' own install lines ask for different versions (`openai==0.28` in some, `openai` unpinned in "
        "others written for its 1.x client), the fix claims no one pin: it names each version and its notebooks; and "
        "since no one file then serves the project, the fixes of its other distributions say to give each group of "
        "notebooks whose install lines agree a requirements file in a folder of its own, naming the distributions pinned "
        "apart (`transformers==4.26.0` in some notebooks, `transformers==4.48.1` in others). "
        "Each notebook keeps its own fingerprint in a baseline, so a new notebook's import is a new finding; a single "
        "notebook's report is unchanged. The JSON report's `data` adds `project_root` (\"\" when none was found) and, "
        "when the notebook installs the distribution itself, `installs` (its first install line's spec); for a helper module "
        "the repository did not commit, `helper` (the file to commit), and the message of the fold says to commit it beside "
        "each notebook instead of \"one line to add\". An import that is a near miss of a module beside the notebook "
        "(`utilties` beside `utilities.py`; see DEP001) is reported as that typo, its fix the spelling; an import no table "
        "knows and no install line names, that a README beside or above the notebook names the project after and whose "
        "source checkout the notebook's paths go through (`rocketml`; see DEP001) is said to be the platform's own library, "
        "which may be on no package index, its fix asking where it comes from; and one of a helper "
        "kept as a notebook beside (see DEP001) says to export that notebook; a distribution "
        "on no package index (graph-tool, PyQt4; see DEP001) is given its conda or system package, or not reported when the "
        "notebook's own apt line, which DEP003 reports, installs it; one whose name the package index gives to an unrelated "
        "project (`[index_namesakes]`: Kaggle's `learntools`; see DEP001) is given its repository, pinned to a commit. When a README beside or above the notebook (up to the "
        "project root) tells the reader to build the environment from a file that is not there (`conda env create -f "
        "environment.yml`, `pip install -r requirements.txt`; read as text; a bare file name that a folder directly below the "
        "README's holds beside two other files the README names is that subfolder's, not missing: a subfolder app's `requirements.txt`; "
        "a command after a `cd <folder>` in its code block names that folder's file, a promise only to the notebooks in "
        "that folder, and one after a `cd` of an earlier block of the same section installs that folder's file where it "
        "exists), the message says so and the fix adds that file "
        "instead of a new requirements.txt."
    )
    why_bad = (
        "Without a manifest nobody can rebuild the environment the results came from: versions "
        "drift, and the pipeline image has nothing to install from. It is also the first thing "
        "the compiled package needs."
    )
    example = "# no requirements.txt anywhere\nimport pandas as pd\nimport xgboost as xgb"
    use_instead = "# requirements.txt beside the notebook:\n#   pandas==2.2.2\n#   xgboost==2.1.1"
    passing = (
        Example(cells=("import pandas as pd",), files={"requirements.txt": "pandas==2.2.2\n"}),
        # A docs build that executes the notebooks (nbsphinx' default, `auto`) runs them in its environment.
        Example(
            cells=("import pandas as pd",),
            files={".readthedocs.yml": "version: 2\nconda:\n  environment: environment.yml\nsphinx:\n  configuration: conf.py\n",
                   "conf.py": "extensions = ['nbsphinx']\nnbsphinx_execute = 'auto'\n",
                   "environment.yml": "dependencies:\n  - sphinx==7.3.7\n  - nbsphinx==0.9.4\n  - pandas=2.2.2\n"},
        ),
        Example(cells=("import os\nimport json\nfrom collections import Counter",)),
        # The inline backend is ipykernel's own dependency, in every kernel (fair check 46, item 7).
        Example(cells=("from matplotlib_inline import backend_inline\nbackend_inline.set_matplotlib_formats('svg')",)),
        Example(cells=("import helpers\nfrom .features import build",), files={"helpers.py": "X = 1\n"}),
        Example(cells=("import numpy as np",), files={"setup.cfg": "[metadata]\nname = demo\n\n[options]\ninstall_requires =\n    numpy>=1.26\n"}),
        Example(cells=("import numpy as np",), files={"setup.py": "from setuptools import setup\n\nsetup(name='demo', install_requires=['numpy>=1.26'])\n"}),
        # A requirements file named by its purpose is one too.
        Example(cells=("import pandas as pd",), files={"dev-requirements.txt": "# notebook tests\npandas==2.2.2\n"}),
        # Binder and dev containers take the environment from these folders.
        Example(cells=("import pandas as pd",), files={".devcontainer/requirements.txt": "pandas==2.2.2\n"}),
        Example(cells=("import numpy as np",), files={"binder/environment.yml": "dependencies:\n  - numpy=1.26.4\n"}),
        # A Dockerfile declares what its RUN lines install and what its docker-stacks base image
        # brings; a conda environment file declares its packages whatever its name.
        Example(cells=("import numpy as np\nimport keras",),
                files={"Dockerfile": "FROM jupyter/scipy-notebook:2024-05-27\nRUN pip install keras==3.3.3\n"}),
        Example(cells=("import sklearn",), files={"course-env.yml": "name: course\ndependencies:\n- scikit-learn=1.4.2\n"}),
        # A local project the Dockerfile copies in and pip-installs with extras declares its
        # dependencies, the extras named and its own name (fair check 14: prophet's notebooks).
        Example(cells=("import numpy as np\nimport matplotlib.pyplot as plt\nimport tidyplot",), files=_DOCKER_PROJECT),
        # Modules the notebook writes or downloads itself, and the kernel's own IPython, are not distributions.
        Example(cells=(
            "%%writefile features.py\ndef build(df):\n    return df",
            "!wget -q https://example.org/course/utils.py",
            "import features\nimport utils\nfrom IPython.display import display",
        )),
        # Nor is the code the protobuf compiler writes from the notebook's own `.proto` file.
        Example(cells=(
            "%%writefile person.proto\nsyntax = \"proto3\";\nmessage Person { string name = 1; }",
            "!protoc person.proto --python_out=. --descriptor_set_out=person.desc",
            "from person_pb2 import Person\nperson = Person(name='Al')",
        )),
        # graph-tool is on no package index: the notebook's apt line installs it, and DEP003 reports that line
        # (fair check 35, item 7).
        Example(cells=("!apt-get install -y python3-graph-tool", "import graph_tool as gt")),
        # A module of the project's own `src/`, put on `sys.path` through a name bound to a path spelled
        # by literals: not a distribution (fair check 40, item 15; PTH005 reports the edit).
        Example(cells=(
            "import os, sys\nruta_src = os.path.abspath(os.path.join('..', 'src'))\nif ruta_src not in sys.path:\n"
            "    sys.path.append(ruta_src)\nfrom representation_learning import build_autoencoder",
        )),
    )
    failing = (
        Example(cells=("import os\nimport numpy as np", "import pandas as pd\nimport numpy"), expect=((1, 2), (2, 1))),
        # PyPI's `cudf` is a placeholder whose install fails: the fix says where its line goes instead
        # (fair check 33, item 15).
        Example(cells=("import cudf",), expect=((1, 1),)),
        # A pyproject.toml that declares no dependencies is not a manifest.
        Example(
            cells=("import requests",),
            files={"pyproject.toml": "[project]\nname = 'demo'\nversion = '0.1'\n\n[tool.nbrefactor]\n"},
            expect=((1, 1),),
        ),
        # The ReadTheDocs build's conda file, for a Sphinx build that never executes the notebooks, is the
        # docs' environment, not theirs (fair check 24: amazon-sagemaker-examples' root environment.yml).
        Example(
            cells=("import boto3\nimport sagemaker",),
            files={".readthedocs.yml": "version: 2\n\nconda:\n  environment: environment.yml\n\nsphinx:\n  configuration: conf.py\n",
                   "conf.py": "extensions = ['nbsphinx']\nnbsphinx_execute = \"never\"\n",
                   "environment.yml": ("channels:\n   - conda-forge\ndependencies:\n   - sphinx==4.2.0\n   - pip\n   - pip:\n"
                                       "      - nbsphinx==0.8.7\n      - sagemaker\n")},
            expect=((1, 1), (1, 2)),
        ),
        # One per distribution: scikit-learn once, at its first import.
        Example(cells=("from sklearn.model_selection import train_test_split\nfrom sklearn.svm import SVC",), expect=((1, 1),)),
        # Needed without an import: torch behind a PyTorch class of transformers (torch is never
        # imported), scikit-learn behind the `accuracy` metric, both at the call.
        Example(
            cells=(
                "import evaluate\nfrom transformers import AutoModelForSequenceClassification",
                "model = AutoModelForSequenceClassification.from_pretrained('distilbert-base-uncased', num_labels=2)\n"
                "metric = evaluate.load('accuracy')",
            ),
            expect=((1, 1), (1, 2), (2, 1), (2, 2)),
        ),
        # Installed from a repository by the notebook: the message says so, and the fix is a
        # direct reference pinned to a commit, not a name on the package index.
        Example(
            cells=("!pip install -q git+https://github.com/example-lab/photo-restorers.git", "import photo_restorers"),
            expect=((2, 1),),
        ),
        # A Dockerfile that installs only system packages declares no Python package.
        Example(cells=("import pandas as pd",), files={"Dockerfile": "FROM ubuntu:22.04\nRUN apt-get install -y graphviz\n"},
                expect=((1, 1),)),
        # In a uv workspace, a notebook importing none of its members does not run in its environment.
        Example(cells=("!pip install boto3 pandas", "import boto3\nimport pandas as pd"), files=_UV_WORKSPACE,
                expect=((2, 1), (2, 2))),
        # Without that line, the fix names its conda package or the system package, not a pinned requirements line.
        Example(cells=("import graph_tool as gt",), expect=((1, 1),)),
        # PyQt4 is on no package index either (its page there has no files): the fix names conda-forge's `pyqt=4.11` and
        # the system packages, and says that porting to PyQt5 lasts (fair check 36, item 15).
        Example(cells=("from PyQt4 import QtGui\napp = QtGui.QApplication([])",), expect=((1, 1),)),
        # The README promises a conda environment file the repository lacks: the fix names that file, not a new
        # requirements.txt (fair check 42, items 8, 13, 16).
        Example(cells=("import pandas as pd",), files={"README.md": "# Set-up\n\n    conda env create -f environment.yml\n"},
                expect=((1, 1),)),
        # The README's `pip install -r requirements.txt` is a subfolder app's, whose requirements.txt exists: no
        # promise of a missing file (fair check 44, item 8).
        Example(cells=("import pandas as pd",),
                files={"README.md": "# App\n\n    app.py\n    charts.py\n    requirements.txt\n\n    pip install -r requirements.txt\n",
                       "app/requirements.txt": "streamlit==1.40.0\n", "app/app.py": "", "app/charts.py": ""},
                expect=((1, 1),)),
        # Kaggle's learntools: the package index's `learntools` is an unrelated project, so the fix names Kaggle's
        # repository pinned to a commit (fair check 44, item 4: kaggle-learntools-pypi-namesake).
        Example(cells=("from learntools.core import binder\nbinder.bind(globals())",), expect=((1, 1),)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        yield from _fold_elsewhere(self._check_each(ctx))

    def _check_each(self, ctx: RuleContext) -> Iterator[Hit]:
        if ctx.project.manifests or ctx.project.unread_images:
            return
        uses: dict[str, list] = {}
        kept, component = _component_uses(third_party_imports(ctx.facts, ctx.project, ctx.catalog), ctx.facts, bool(ctx.project.manifests))
        for use in kept:
            uses.setdefault(use.resolution.primary, []).append(use)
        helpers = missing_helper_modules(ctx.facts, tuple(kept), ctx.catalog)
        misspelt = misspelt_local_modules(ctx.facts, tuple(kept), ctx.project)
        elsewhere = elsewhere_local_modules(ctx.facts, tuple(kept), ctx.project)
        for distribution, found in uses.items():
            first, others = found[0], found[1:]
            if first.module.split(".")[0] in elsewhere:
                yield _elsewhere_local_hit(first, others, elsewhere[first.module.split(".")[0]],
                                           f"no-manifest\x1f{normalise(distribution)}")
                continue
            if first.module.split(".")[0] in misspelt:
                yield _misspelt_local_hit(first, others, misspelt[first.module.split(".")[0]],
                                          f"no-manifest\x1f{normalise(distribution)}")
                continue
            if first.module.split(".")[0] in helpers:
                yield self._missing_helper(ctx, distribution, first, others)
                continue
            helper = _notebook_helper(ctx, first) if ctx.project.notebook_helpers else None
            if helper is not None:
                yield _notebook_helper_hit(first, others, helper, f"no-manifest\x1f{normalise(distribution)}")
                continue
            # The platform's own library the README names the project after (fair check 47, item 5: `rocketml`).
            platform = _platform_library(ctx, first)
            if platform is not None:
                yield Hit(
                    first.cell, first.line, first.column,
                    f"`{first.shown}` {first.needed} but no manifest ({_MANIFEST_KINDS}) was found beside or above the "
                    "notebook: " + _platform_library_note(first, platform),
                    fix=_platform_library_fix(first, platform, "a requirements.txt beside the notebook"),
                    key=f"no-manifest\x1f{normalise(distribution)}",
                    related=tuple(dict.fromkeys(
                        (u.cell, u.line, u.column) for u in others if (u.cell, u.line, u.column) != (first.cell, first.line, first.column))),
                    # (as any import's without a manifest: the project's notebooks importing it are one root cause)
                    data=(("distribution", distribution), ("module", first.module), ("project_root", ctx.project.root or "")),
                )
                continue
            # graph-tool: on no package index; its system package from the notebook's apt line (DEP003's finding) or
            # apt.txt provides it, else the fix names its conda package (fair check 35, item 7).
            off_index = _not_on_index(distribution, ctx.catalog)
            if off_index is not None and _system_provided(ctx, off_index):
                continue
            url = _installed_from(first, ctx.facts)
            # Kaggle's `learntools`: the index's distribution of that name is another project (fair check 44, item 4).
            namesake = None if url else _index_namesake(distribution, ctx.catalog)
            hosted = next((_hosted_installs(ctx)[n] for n in first.resolution.normalised if n in _hosted_installs(ctx)), None)
            resolution = _as_installed(first.resolution, ctx)
            pinned = None if url or hosted else next(
                (_install_pins(ctx)[n] for n in first.resolution.normalised if n in _install_pins(ctx)), None)
            yield Hit(
                first.cell,
                first.line,
                first.column,
                f"`{first.shown}` {first.needed} ("
                + (f"distribution `{distribution}` from `{namesake['url']}`; the package index's `{distribution}` is an "
                   "unrelated project" if namesake else _distribution_phrase(resolution, url, imported=not first.how))
                + f") but no manifest ({_MANIFEST_KINDS}) "
                "was found beside or above the notebook" + _shadow_note(first, ctx) + _component_note(first, component)
                + _promised_note(ctx, component, first),
                fix=_not_on_index_fix(distribution, off_index) if off_index is not None else _promised_fix(ctx, component, first, _with_hosted_pin(
                    f"Add a requirements.txt beside the notebook with the line `{distribution} @ {namesake['url']}`, pinned to a "
                    f"commit (`@<sha>`), not the package index's `{distribution}`" + _namesake_note(namesake)
                    if namesake else
                    f"Add a requirements.txt beside the notebook with the line `{distribution} @ {url}`, pinned to a commit (`@<sha>`)"
                    if url else
                    f"Add a requirements.txt beside the notebook with a pinned line for the distribution that provides "
                    f"`{first.shown}` (its name on the package index may differ from `{distribution}`)"
                    if _index_name_in_doubt(resolution, imported=not first.how) else
                    f"Add a requirements.txt beside the notebook with the line `{pinned[1]}` (the version that cell "
                    f"{pinned[0].cell.index}'s install line pins)" if pinned else
                    f"Add a requirements.txt beside the notebook with a pinned line for `{resolution.primary}`", hosted)
                + _bridge_note(distribution) + _renamed_note(distribution) + _conda_only_note((distribution,))
                + _component_fix(first, component)
                + _spacy_shortcut_fix(first, distribution)),
                key=f"no-manifest\x1f{normalise(distribution)}",
                related=_hosted_related(tuple(dict.fromkeys(
                    (u.cell, u.line, u.column) for u in others if (u.cell, u.line, u.column) != (first.cell, first.line, first.column))), hosted),
                # Where the manifest is missing (the project root; "" when none was found): notebooks
                # of one project importing the same distribution are one root cause, one line to add
                # (`AuditResult.diagnostics` folds them). Not for a component's import: its fix is
                # the component's `packages_to_install`, not a manifest line.
                data=(("distribution", distribution), ("module", first.module))
                + ((("project_root", ctx.project.root or ""),) if not _component_note(first, component) else ())
                # What the notebook's own install line asks for (`openai==0.28`, or `openai` unpinned): the
                # report's fold across notebooks claims one pin only when those that install it agree.
                + ((("installs", installs),) if (installs := _installed_spec(first.resolution, ctx)) else ()),
            )

    def _missing_helper(self, ctx: RuleContext, distribution: str, first, others) -> Hit:
        return _missing_helper_hit(ctx, distribution, first, others, f"no-manifest\x1f{normalise(distribution)}")


def _missing_helper_hit(ctx: RuleContext, distribution: str, first, others, key: str) -> Hit:
    """An import that reads as a helper file the repository did not commit (`missing_helper_modules`:
    `from dnn_utils import relu`): the fix is to commit the file, not a requirements line for a
    distribution of that name, which the index lacks or gives to an unrelated project (fair check 31:
    `tf-utils`; items 3, 6, 9, 30, 31). DEP002 says it where no manifest is, DEP001 where one is (fair check 48,
    recall T-8.2: `from utils import null_count` beside a Dockerfile, no utils.py in the folder)."""
    top = first.module.split(".")[0]
    # A generic word pipreqs maps to an unrelated project (`bootstrap` → BigJob: fair check 32, item 7)
    # is known to a mapping, just not trusted: the message says whose name it is there.
    mapped = pipreqs_mapping().get(top)
    known = (f"is not in the repository, and pipreqs' mapping gives its generic name to an unrelated project "
             f"(`{mapped[0]}`)" if mapped else "is neither in the repository nor a known distribution")
    return Hit(
        first.cell,
        first.line,
        first.column,
        f"`{top}` is imported but {known}: by its name a helper module of the project, `{top}.py`, that was "
        "not committed",
        fix=f"Commit `{top}.py` (or the `{top}/` package) beside the notebook; only if it is a published "
            "distribution after all, add a requirements.txt beside the notebook with a pinned line for it",
        key=key,
        related=tuple(dict.fromkeys(
            (u.cell, u.line, u.column) for u in others if (u.cell, u.line, u.column) != (first.cell, first.line, first.column))),
        # (`helper` tells the report's fold across notebooks that the line to add is a file to commit)
        data=(("distribution", distribution), ("module", first.module), ("project_root", ctx.project.root or ""),
              ("helper", f"{top}.py")),
    )


# `{xformers}`, `{_numpy}`, `$wheels`: IPython fills these in from the kernel's variables.
_EXPANSION = re.compile(r"\{[^}]*\}|\$")


@dataclass(frozen=True)
class _InstallLine:
    """One reported install line of DEP003, before the lines of a cell fold into one finding."""
    command: Any
    said: list
    to_declare: list
    plain: bool  # its fix is only "declare these packages": a cell's plain lines share one
    fix: str
    key: str
    # normalised name → (the spec as written, its version part, conda's syntax): what the line asks for
    versions: dict = field(default_factory=dict)


def _cell_install_fix(items: list[_InstallLine], manifests: tuple[Manifest, ...], aliases: Optional[dict] = None,
                      extras: Optional[dict] = None) -> str:
    """One fix for a cell's install lines: the plain lines' packages declared together, then what
    the other lines need, each said once."""
    if len(items) == 1:
        return items[0].fix
    fixes: list[str] = []
    names = list(dict.fromkeys(n for item in items if item.plain for n in item.to_declare))
    versions: dict = {}
    for item in items:
        if item.plain:
            for name, asked in item.versions.items():
                versions.setdefault(name, asked)
    if names:
        fix = _install_fix(names, manifests, versions=versions, aliases=aliases, extras=extras)
        fixes.append(fix.replace("delete the line", "delete the lines") if sum(item.plain for item in items) > 1 else fix)
    fixes += [item.fix for item in items if not item.plain]
    return "; ".join(dict.fromkeys(fixes))


def _fork_installed_before(ctx: RuleContext, command, name: str) -> Optional[tuple[Any, str, str, str]]:
    """For a package an index install line names (`!pip install ultralytics`), the earlier install of a
    repository (`pip install git+https://github.com/THU-MIG/yolov10.git`) that provides the package's module
    under the repository's name: the notebook imports, from that module, a name that is the repository's
    (`from ultralytics import YOLOv10`). A fork shipping the module; the index's release installed over it
    replaces it (fair check 42, item 20). As (the earlier command, its URL, the module, the name imported)."""
    key = normalise(name.split("[")[0])
    names = {normalise(i.imported): (i.module.split(".")[0], i.imported) for ca in ctx.cells for i in cell_imports(ca)
             if i.imported and i.level == 0 and normalise(i.module.split(".")[0]) == key}
    if not names:
        return None
    for earlier in install_commands(ctx.facts):
        if (earlier.cell.index, earlier.line) >= (command.cell.index, command.line):
            break
        for url in (*earlier.install.unresolved, *earlier.install.editables):
            repository = _installed_name(url) if "://" in url else ""
            if repository and repository != key and repository in names:
                return earlier, url, *names[repository]
    return None


class InNotebookInstall(Rule):
    code = "DEP003"
    quiet_in_reference_sheets = True
    compile_fix = "requirements"
    name = "in-notebook-install"
    family = Family.DEPENDENCIES
    severity = Severity.WARNING
    summary = "The notebook installs packages itself (`%pip install`, `!pip install`, `%conda install`)."
    what_it_does = (
        "Reports each line that installs packages from inside the notebook: `%pip`/`%conda`/"
        "`%mamba` install magics and their automagic form (`pip install x`), `!pip`, `!pip3`, "
        "`!python -m pip`, `!{sys.executable} -m pip`, `!uv pip`, `!conda`/`!mamba` installs, OpenMMLab's "
        "`!mim install` (`python -m mim install \"mmcv==2.1.0\"`), "
        "`!python setup.py develop`/`install` (the local package installed by setuptools), "
        "install lines in `%%bash`/`%%sh` cells, `get_ipython().system(…)`/`run_line_magic('pip', …)` "
        "(what `!pip`/`%pip` become in an exported script), and `os.system`/`subprocess` calls whose literal "
        "arguments spell one (also through the notebook's own function handing its argument to one, `run_cmd(cmd)`), and "
        "the calls of the notebook's own install function with literal packages (`ensure_package(\"dotenv\", "
        "\"python-dotenv\")`, whose body runs `[sys.executable, \"-m\", \"pip\", \"install\", pkg]` with `pkg = "
        "package_name or module_name`, or `*pkgs`): the call is the line, with what it passes, the function's install line "
        "related (when a call passes no literal, the function's own line stays the finding). The install lines of one cell are one finding, at the first (the others related, "
        "the message listing every package; `# noqa: DEP003` on a line leaves that line out), and a later cell that installs "
        "again only packages an earlier reported cell installs joins that finding as related locations (one line to declare), as "
        "does a later cell of plain install lines that installs again some packages of earlier reported cells and, besides, "
        "only packages the notebook does not import, unpinned (`safetensors` beside the libraries that load with it): it "
        "joins the first of those findings, whose message and fix name the new packages too; "
        "a notebook that writes an environment file of the project from the environment it built (`conda env export > "
        "environment.yml`, `pip freeze > requirements.txt`) is that environment's recipe: its earlier install lines of "
        "packages the file declares are not reported; an IPython expansion "
        "(`{xformers}`, `$wheels`) is said as a package chosen at run time. "
        "Other pip commands (`list`, `freeze`, `show`) are not reported, nor an "
        "install inside an `if` testing for Colab or Kaggle (`if IS_COLAB:`, `if \"google.colab\" in "
        "sys.modules:`, or the `else:` of a negated test such as `if \"COLAB_\" not in \"\".join(os.environ.keys()):`, "
        "whose body is the local set-up and is reported; `if find_spec(\"torch\") is None or IN_COLAB:` runs "
        "anywhere), or in an `except ImportError`/`ModuleNotFoundError` fallback after trying the "
        "import (or a bare `except:`/`except Exception:` of a `try:` that imports: it catches the failed import too), or under `if "
        "importlib.util.find_spec(_pkg) is None:` in a loop over a literal list of packages (`for _pkg in PKGS:`, `PKGS` bound "
        "once to a list of strings, the install naming `_pkg`), whose packages a manifest of the project all declares: locally the manifest "
        "installs them, and the line runs only on the hosted runtime (or never). Such a loop over an empty list never installs "
        "anything: not reported. A hosted branch whose `if` also "
        "installs in its local branch is silent whatever it installs: the same environment assembled for the "
        "hosted runtime, reported at the local line. Such a guarded line is also silent "
        "about a package the notebook imports and no manifest declares: DEP001/DEP002 report it at the import, and "
        "declaring it (their fix) makes the line right; the message names only the packages left (a name with a stray "
        "comma, `nltk,` of `pip install nltk, sklearn`, is the package so named, and PyPI's `sklearn` placeholder is "
        "scikit-learn); when the line installs a package the notebook imports, the packages left that nothing imports or needs "
        "and that `[import]` of the catalogue names (matplotlib beside seaborn, ipywidgets beside mols2grid: they come with "
        "those or are leftovers) are left out too, while one no table knows stays (torchani, an engine behind Auto3D). A "
        "`pip install -r requirements.txt` of a manifest of the project (the file beside the notebook, guarded or not) is "
        "silent: the declaration exists, moving the command to a terminal changes nothing, and its unpinned lines are "
        "DEP004's. A `.txt` file given without `-r` (`%pip install lab_setup.txt`) is reported as what it is: pip takes it "
        "for a package and fails; the fix is `pip install -r` of it before the kernel starts. "
        "A package installed from the package index after an install from a git repository that the notebook's imports "
        "show ships its module (`pip install git+https://github.com/THU-MIG/yolov10.git`, then `!pip install ultralytics`, "
        "then `from ultralytics import YOLOv10`: the name imported is the repository's) replaces that fork: the fix "
        "deletes it and names the fork as what to declare. "
        "The fix declares the packages in requirements.txt (with the line's own pins and ranges, `tensorflow==2.4.1`, "
        "`setuptools<71.0.0`, and PyPI's "
        "`sklearn` placeholder said as scikit-learn, its `bs4` dummy as beautifulsoup4, and an unpinned distribution "
        "renamed or replaced on PyPI by its new name, saying why: `fbprophet` as prophet, `tensorflow-gpu` as tensorflow, "
        "`pyramid-arima` as pmdarima, `msgpack-python` as msgpack, `pytorch` as torch, `plotly-express` (folded into plotly as "
        "`plotly.express`) as plotly; a pinned one keeps its release), where the project's environment files are conda environment files "
        "only, in the one DEP001 names (its `dependencies:` list for a `conda install` line, its `pip:` list for a pip line), "
        "or, where the project's only environment files are Dockerfiles, in a RUN line of the nearest one that is not a "
        "contributors' workstation (pytest, sphinx, ruff; DEP001), or, in a uv project (pyproject.toml and its uv.lock), in its "
        "dependencies (`uv add`); where the notebook's kernelspec names the conda environment an environment file describes "
        "(`ml-tutorials` for `name: …/envs/ml-tutorials`), in that file, as DEP001 says too; an extra whose packages the "
        "manifests declare (`pydantic[email]` beside `email-validator`) lacks nothing; a package a manifest declares already is said to be, with the "
        "file's own name for it when that is another (`composer (as `mosaicml`)`: the catalogue's entry for the name as an import "
        "lists the declared distribution; or the name with other separators, `eolearn` for eo-learn), unless the line asks for "
        "a version that declaration rules out (`!pip install pandas==1.5.3` beside `pandas==2.1.0`, `seaborn==0.12.2` beside "
        "`seaborn>=0.13`): then the fix says the two differ and to pin there the version the notebook needs. "
        "A package that is the project itself (its `setup.py` names it: `!pip install deepchem` in deepchem's tutorials) "
        "is said to be so, the fix being to install the checkout (`pip install -e <its folder>`); a hosted runtime's "
        "bootstrap helper (`condacolab`, `scvi-colab`) has nothing to declare (what it installs has), nor has a superseded "
        "tool no cell runs (`kaggle-cli`, replaced by the official `kaggle`; `[superseded]` of `rules/distributions.toml`): "
        "the fix names its replacement; an editable install "
        "of the working directory after `git clone URL` and `%cd` into the clone (`!pip install -e ./`) names the clone, "
        "and the fix is a direct reference to its URL pinned to a commit; so does a relative path into the folder a `git clone` "
        "above made, with no `%cd` since (`!git clone -b BRANCH URL`, `!pip install ./repo`, a sub-folder `repo/pkg` being "
        "`#subdirectory=pkg`; the fix says a branch can move); a wheel file (`!gdown …` then `%pip install "
        "tinycudann-1.7-cp310-cp310-linux_x86_64.whl`) is declared by its project, as a direct reference to where the wheel comes "
        "from or pinned to its version beside a `--find-links` line. A line with `--pre` says in its fix that it "
        "installs the newest pre-release (a nightly build where the project publishes them). A nightly build published "
        "under a name of its own (`tf-nightly`, `tfp-nightly`, `tb-nightly`) is declared as its release (`tensorflow`, "
        "pinned), and a VCS install's direct reference names the distribution the notebook imports that the repository is "
        "named after (`torch-geometric @ git+https://github.com/pyg-team/pytorch_geometric.git@<commit>`), also when the "
        "line installs packages beside it (`… transformers git+https://github.com/naver/splade.git`); wheels taken "
        "from a page of links (`-f https://data.pyg.org/whl/torch-${TORCH}.html`) need that `--find-links` line in the "
        "requirements file too, and the fix says so (and that a page built per torch version must match the torch pin); a pip "
        "line's other index (`--index-url https://download.pytorch.org/whl/cu121`) goes there as an `--extra-index-url` line "
        "(a requirements file's `--index-url` would hold for every line of it); a package built with `--no-build-isolation` "
        "(flash-attn), a pip option no requirements file carries, is installed with it in a step after the manifest's "
        "packages. A "
        "package already declared in a `binder/` file beside a `binder/Dockerfile` is said to be ignored there (repo2docker "
        "builds from the Dockerfile alone): the fix is a RUN line of that Dockerfile. A package a manifest declares "
        "without an extra the line installs (`!pip install gym[atari]` beside a plain `gym`) is not said to be declared: "
        "the fix says the manifest lacks the extra and to declare `gym[atari]` there. "
        "So is an install in the body of a function the notebook makes a Kubeflow Pipelines component of "
        "(`create_component_from_func(step, base_image=…)`, `func_to_container_op`, `@dsl.component`): it runs in the "
        "step's container, not in the kernel, and no manifest of the notebook reaches that image. Nor is a line that only "
        "upgrades the installer itself (`!pip install -U pip setuptools wheel`, `!conda install conda python=3.7`: conda "
        "updating itself and holding the interpreter): no dependency of the code. "
        "System packages installed "
        "the same ways (`!apt-get install -y graphviz`, `!sudo apt install ffmpeg`, `yum`/`dnf`/`apk`/`brew`) are "
        "reported too, as what they are: operating-system packages no Python manifest can declare (also "
        "behind a Colab or Kaggle guard, unless an `apt.txt`/`packages.txt` beside or above the notebook declares "
        "every package it installs: then the line sets up the hosted runtime only); a cell's system installs are one "
        "finding, the first line the finding and the others related locations, as its pip lines are. Not reported here: "
        "the system installs of a cell whose unguarded `from google.colab import auth` DEP006 reports (the 2018 Drive-mount "
        "recipe's `!apt-get install … google-drive-ocamlfuse fuse` from a PPA): they serve only that Colab set-up, and "
        "are related locations of the DEP006 finding, whose fix is to guard or replace the whole cell. So is Colab's "
        "`%tensorflow_version 1.x` at the top level of a cell: it switches the installed TensorFlow while the "
        "notebook runs, and fails anywhere but Colab (not when indented under a `try:` or a Colab test)."
    )
    why_bad = (
        "Installing while running changes the environment under the code: the run depends on the "
        "network, the latest release on the day, and on the cell having been executed (often "
        "commented out, then forgotten). A compiled module cannot run `%pip` at all. The versions "
        "pinned on such lines are lost unless they move to a manifest (nbrefactor's compiler reads "
        "them for you)."
    )
    example = "%pip install -q xgboost==2.1.1\nimport xgboost as xgb"
    use_instead = "# requirements.txt:\n#   xgboost==2.1.1\nimport xgboost as xgb"
    passing = (
        # The notebook is the recipe of its environment: it installs, then writes the environment file from
        # what it built, which pins what the lines installed (fair check 40, item 27).
        Example(
            cells=("%%bash\nconda install -y pandas seaborn", "!pip install python-dotenv", "%%bash\nconda env export > environment.yml"),
            files={"environment.yml": ("name: /opt/conda/envs/tutorials\ndependencies:\n  - pandas=2.2.2\n  - seaborn=0.13.2\n"
                                       "  - pip:\n    - python-dotenv==1.0.1\n")},
        ),
        # A missing-module fallback naming what the `try:` imports, with a stray comma and the
        # `sklearn` placeholder: DEP001 reports both imports, whose declaration settles the line.
        Example(
            cells=("try:\n    import nltk\n    import sklearn\nexcept ModuleNotFoundError:\n"
                   "    !pip install --quiet nltk, sklearn\n    import nltk",),
            files={"requirements.txt": "numpy==1.26.4\n"},
        ),
        Example(
            cells=(
                "%pip list\n%pip show pandas",
                "!pip freeze > requirements.lock\n!conda list",
                "pip = 'install'\ntext = '!pip install x'\n# !pip install x",
            ),
        ),
        Example(
            cells=(
                md("Run `pip install -r requirements.txt` before opening this notebook.\n\n    %pip install xgboost"),
                "!pip uninstall -y tensorflow\n!pip download lightgbm -d wheels/",
                "import subprocess\nsubprocess.run(['pip', 'list'])",
            ),
        ),
        # A Colab-only install of what the manifest declares.
        Example(
            cells=('import sys\nIS_COLAB = "google.colab" in sys.modules\nif IS_COLAB:\n    %pip install -q -U transformers',),
            files={"requirements.txt": "transformers==4.41.0\n"},
        ),
        # System packages installed on Colab only, which the project's apt.txt declares for local runs.
        Example(
            cells=('import sys\nIS_COLAB = "google.colab" in sys.modules\nif IS_COLAB:\n    !apt-get install -y xvfb swig',),
            files={"apt.txt": "swig\nxvfb\n"},
        ),
        # The system installs of Colab's Drive-mount set-up are DEP006's, with its unguarded `google.colab`
        # import (fair check 32, items 23, 25, 29, 30, 31, 33).
        Example(
            cells=("!apt-get install -y -qq software-properties-common module-init-tools\n"
                   "!add-apt-repository -y ppa:alessandro-strada/ppa 2>&1 > /dev/null\n"
                   "!apt-get update -qq 2>&1 > /dev/null\n!apt-get -y install -qq google-drive-ocamlfuse fuse\n"
                   "from google.colab import auth\nauth.authenticate_user()",),
        ),
        # An install only when the import fails, of what the manifest declares.
        Example(
            cells=("try:\n    import fastkaggle\nexcept ModuleNotFoundError:\n    !pip install -Uq fastkaggle",),
            files={"requirements.txt": "fastkaggle==0.0.8\n"},
        ),
        # A bare `except:` after the import is the same fallback; the package the notebook imports and no
        # manifest declares is DEP002's, at the import (fair check 28).
        Example(cells=("try:\n  import openai\nexcept:\n  !pip install openai==0.28\n  import openai",)),
        # The installer upgrading itself: no dependency of the code.
        Example(cells=("!pip install -q --upgrade pip setuptools wheel\n%pip install -U pip",)),
        # Nor is conda updating itself and holding Colab's Python (fair check 31, items 51 and 53).
        Example(cells=("%%bash\nconda install --channel defaults conda python=3.7 --yes\nconda update --all",)),
        # On Colab only: a package the notebook imports and no manifest declares is DEP002's finding at
        # the import (declaring it also makes this line right); the manifest beside the notebook,
        # installed on Colab, is the local environment itself.
        Example(
            cells=("import sys\nif 'google.colab' in sys.modules:\n    %pip install -q lightgbm==4.3.0\n"
                   "    !pip install -r requirements.txt", "import lightgbm\nimport numpy"),
            files={"requirements.txt": "numpy==1.26.4\n"},
        ),
        # On Colab only, a distribution no table knows whose name is the import's with a word before or
        # after it (`molplotter-python` for `import molplotter`, `pysolvkit` for `import solvkit`): the
        # line installs what the notebook imports, and DEP002 at the import carries it (fair check 23:
        # modAL-python, PyTDC).
        Example(
            cells=("import sys\nif 'google.colab' in sys.modules:\n    !pip install molplotter-python>=0.4.1 pysolvkit",
                   "from molplotter.models import ActiveLearner\nimport solvkit"),
        ),
        # On Colab only, a line setting up what the notebook imports (seaborn, mols2grid: DEP002's) also
        # names common libraries nothing here imports (matplotlib comes with seaborn, ipywidgets with
        # mols2grid, scikit-learn is a leftover): nobody declares those for this notebook (fair check 23).
        # RDKit's PandasTools needs pandas: DEP002's too, at the import.
        Example(
            cells=("IN_COLAB = 'google.colab' in str(get_ipython())\nif IN_COLAB:\n"
                   "    !pip install seaborn mols2grid matplotlib scikit-learn ipywidgets\n    !pip install pandas",
                   "import seaborn as sns\nimport mols2grid\nfrom rdkit.Chem import PandasTools"),
        ),
        # The project's own manifest, installed by the notebook: declared already (its pins are DEP004's).
        Example(cells=("!pip install --user -q -r requirements.txt", "import numpy"), files={"requirements.txt": "numpy==1.26.4\n"}),
        # An install in a pipeline step's body: it runs in the step's container, not in the kernel.
        Example(
            cells=(
                "import kfp.components as comp\n\ndef clean(path: str):\n    import subprocess, sys\n"
                "    subprocess.run([sys.executable, '-m', 'pip', 'install', 'pandas'])\n    import pandas",
                "clean_op = comp.create_component_from_func(clean, base_image='python:3.11')",
            ),
        ),
        # A set-up cell's install loop over the packages it found missing: over an empty list it never
        # runs (fair check 43, item 13); under `if find_spec(…) is None:`, with every package declared,
        # it is a missing-module fallback, as `except ImportError:` is (items 14, 15, 17).
        Example(cells=("import sys, subprocess\nPKGS = []\nfor _pkg in PKGS:\n"
                       "    subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', _pkg])",)),
        Example(
            cells=("import sys, subprocess, importlib.util\nPKGS = ['xgboost', 'scikit-learn']\nfor _pkg in PKGS:\n"
                   "    if importlib.util.find_spec(_pkg.replace('-', '_')) is None:\n"
                   "        subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', _pkg])",
                   "import xgboost"),
            files={"requirements.txt": "xgboost==2.0.3\nscikit-learn==1.4.2\n"},
        ),
    )
    failing = (
        # A later cell installing again what an earlier cell installs is one finding (one line to declare), the
        # repeat a related location (fair check 40, item 22); a line the exported environment file lacks stays.
        Example(
            cells=("pip install backtesting", "pip install backtesting\nimport backtesting", "!pip install rich",
                   "!conda env export > environment.yml"),
            files={"environment.yml": "dependencies:\n  - pandas=2.2.2\n"},
            expect=((1, 1), (3, 1)),
        ),
        # A later cell installing again packages of earlier reported cells, with a new one, joins the first of those
        # findings, which declares the new one too (fair check 49, item 20).
        Example(
            cells=("!pip install transformers accelerate", "!pip install peft bitsandbytes",
                   "!pip install -U bitsandbytes accelerate peft safetensors", "import transformers, peft"),
            expect=((1, 1), (2, 1)),
        ),
        # A new package the notebook imports (`tensorflow`), or one pinned (`pydantic==1.10.11`), keeps the later cell's
        # own finding (fair check 45, item 37; fair check 46, item 47).
        Example(
            cells=("!pip install transformers datasets", "!pip install tensorflow datasets nltk",
                   "!pip install transformers pydantic==1.10.11", "import datasets, tensorflow, nltk, transformers"),
            expect=((1, 1), (2, 1), (3, 1)),
        ),
        Example(
            cells=(
                "%pip install -q xgboost==1.7.6",
                "!pip install lightgbm\nimport lightgbm",
                "import sys\n!{sys.executable} -m pip install catboost",
                "%conda install -y -c conda-forge shap",
                "pip install optuna",
            ),
            expect=((1, 1), (2, 1), (3, 2), (4, 1), (5, 1)),
        ),
        Example(
            cells=(
                "%%bash\necho installing\npip install polars==1.2.0",
                "%%capture\n%pip install tqdm",
                "import os\nos.system('pip install seaborn')",
                "import subprocess, sys\nsubprocess.check_call([sys.executable, '-m', 'pip', 'install', 'umap-learn'])",
            ),
            expect=((1, 3), (2, 2), (3, 2), (4, 2)),
        ),
        # What `!pip` and `%pip` become in a notebook exported to a script and pasted back.
        Example(
            cells=(
                "get_ipython().system('pip install -q transformers==4.41.0')",
                "get_ipython().run_line_magic('pip', 'install datasets')\nget_ipython().system('ls data')",
            ),
            expect=((1, 1), (2, 1)),
        ),
        # System packages installed while the notebook runs; `apt-get update` installs nothing.
        Example(
            cells=(
                "!apt-get update -qq\n!apt-get install -y -qq graphviz > /dev/null",
                "!sudo DEBIAN_FRONTEND=noninteractive apt install xvfb python-opengl ffmpeg",
                "get_ipython().system('apt-get install -y swig')",
            ),
            expect=((1, 2), (2, 1), (3, 1)),
        ),
        # A cell's system installs are one finding, as its pip lines are (fair check 32, items 25, 31).
        Example(
            cells=("!apt-get install -y -qq graphviz\n!apt-get install -y ffmpeg",),
            expect=((1, 1),),
        ),
        # Behind a Colab guard but not in the manifest; declared but not guarded.
        Example(
            cells=(
                'import sys\nIS_COLAB = "google.colab" in sys.modules\nif IS_COLAB:\n    %pip install -q -U tensorflow-addons',
                "%pip install -q transformers",
            ),
            files={"requirements.txt": "transformers==4.41.0\n"},
            expect=((1, 4), (2, 1)),
        ),
        # A cloned tool installed into the environment by setuptools, in an editable or a plain install.
        Example(
            cells=(
                "!git clone https://example.org/lab/voxelkit.git\n%cd voxelkit\n!python setup.py develop\n%cd ..",
                "!cd voxelkit && python3 setup.py install",
            ),
            expect=((1, 3), (2, 1)),
        ),
        # The body of a negated Colab test is the local set-up (its `else:`, the same set-up for Colab, is
        # silent); a test that holds wherever torch is missing is no Colab guard; one cell's install
        # lines are one finding.
        Example(
            cells=('import os\nif "COLAB_" not in "".join(os.environ.keys()):\n    !pip install lightgbm\nelse:\n'
                   '    !pip install --no-deps lightgbm tabulate',
                   'import os, importlib.util\nif importlib.util.find_spec("torch") is None or "COLAB_" in "".join(os.environ.keys()):\n'
                   '    !pip install -q torch==2.3.1\n!pip install -q tabulate'),
            expect=((1, 3), (2, 3)),
        ),
        # On Colab only, a package no import reaches and no table knows is still reported, beside an
        # import's package too: an engine reached without an import (torchani behind Auto3D's ANI models).
        Example(
            cells=("import sys\nif 'google.colab' in sys.modules:\n    !pip install Auto3D torchani", "from Auto3D.auto3D import options, main"),
            expect=((1, 3),),
        ),
        # On Colab only, a package no import reaches (tabulate) is still reported.
        Example(
            cells=("import sys\nif 'google.colab' in sys.modules:\n    %pip install -q lightgbm==4.3.0 tabulate", "import lightgbm"),
            files={"requirements.txt": "numpy==1.26.4\n"},
            expect=((1, 3),),
        ),
        # OpenMMLab's installer beside pip: one finding for the cell, at its first line.
        Example(cells=('!python3 -m mim install "mmcv==2.1.0"\n!python3 -m pip install "mmdet==3.2.0"',), expect=((1, 1),)),
        # A project whose only manifest is a conda environment file: the fix names it (its `dependencies:`
        # list for the conda line, its `pip:` list for the pip line), not a requirements.txt it lacks.
        Example(cells=("!conda install -y lightgbm", "%pip install tabulate", "import lightgbm\nimport tabulate"),
                files={"environment.yml": "dependencies:\n  - numpy=1.26.4\n"}, expect=((1, 1), (2, 1))),
        # A conda line from channels (continued on the next line), no manifest yet: an environment file with those
        # channels, not a requirements.txt, whose `cudf` is a placeholder that fails to install (fair check 33, item 20).
        Example(cells=("!conda install -y -c rapidsai \\\n  -c conda-forge cudf", "import cudf"), expect=((1, 1),)),
        # A bare `except:` of a `try:` that imports nothing is no import fallback: the install runs whenever
        # the code fails.
        Example(cells=("try:\n  table = build_table()\nexcept:\n  !pip install tabulate\n  import tabulate",), expect=((1, 4),)),
        # A set-up cell's install loop under `if find_spec(…) is None:` of a package no manifest declares
        # is still reported, and so is a loop with no such test (fair check 43, items 14, 15, 17 are the declared case).
        Example(
            cells=("import sys, subprocess, importlib.util\nfor _pkg in ['xgboost', 'shap']:\n"
                   "    if importlib.util.find_spec(_pkg) is None:\n"
                   "        subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', _pkg])",
                   "import sys, subprocess\nfor _pkg in ['xgboost']:\n"
                   "    subprocess.run([sys.executable, '-m', 'pip', 'install', _pkg])",
                   "import xgboost, shap"),
            files={"requirements.txt": "xgboost==2.0.3\n"},
            expect=((1, 4), (2, 3)),
        ),
        # The index's release installed after a fork from git that ships its module (the notebook imports the
        # repository's namesake from it): both lines are reported, the second's fix deletes it and names the fork
        # (fair check 42, item 20).
        Example(cells=("!pip install -q git+https://github.com/example-lab/detr2.git", "!pip install visionkit",
                       "from visionkit import DETR2"), expect=((1, 1), (2, 1))),
        # The notebook's own install function, called with the packages: the finding is at the calls, which name what
        # is installed, the function's install line related (fair check 44, recall T-5.2, T-6.1; fair check 43, item 16).
        Example(
            cells=(
                "import importlib.util, subprocess, sys\n\ndef run(cmd):\n    subprocess.check_call(cmd)\n\n"
                "def need(module, package=None):\n    name = package or module\n"
                "    if importlib.util.find_spec(module) is None:\n        run([sys.executable, '-m', 'pip', 'install', name])\n\n"
                "need('polars')\nneed('yaml', 'PyYAML')",
                "def pip_quiet(*specs):\n    subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', *specs], check=False)\n\n"
                "pip_quiet('duckdb==1.1.3', 'pyarrow==18.1.0')",
            ),
            expect=((1, 11), (2, 4)),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        declared = ctx.project.declared if ctx.project.manifests else frozenset()
        homes = _kernel_home(ctx.project.manifests, ctx.facts.notebook)  # where the fixes declare packages
        known_extras = ctx.catalog.derived("dependencies.extras", _extras_table)  # what extras install (`[extras]`)
        imported: Optional[frozenset[str]] = None  # what the notebook's imports resolve to (read once, when needed)
        setup_helpers: Optional[frozenset[str]] = None  # `[hosted_setup_helpers]`, normalised (read at the first line)
        superseded: Optional[dict[str, tuple[str, str]]] = None  # `_superseded_unused` (read at the first line)
        steps = pipeline_step_bodies(ctx.facts)
        metapackages = _metapackages(ctx.catalog)
        aliases = import_aliases(ctx.catalog)
        commands = install_commands(ctx.facts)
        cells = ctx.analysis_at
        install_lines: dict[int, frozenset[int]] = {}
        for command in commands:
            install_lines[command.cell.index] = install_lines.get(command.cell.index, frozenset()) | {command.line}
        found: list[_InstallLine] = []
        exported: Optional[list[tuple[int, frozenset[str]]]] = None  # `_exported_environment` (read at the first line)
        for command in commands:
            if any(cell == command.cell.index and first <= command.line <= last for cell, first, last in steps):
                # `subprocess.run([sys.executable, "-m", "pip", "install", "pandas"])` in the body of a
                # function the notebook turns into a KFP component: it runs in the step's container,
                # never in the kernel, and no manifest of the notebook reaches that image.
                continue
            parsed = command.install
            if (
                parsed.packages
                and not (parsed.requirement_files or parsed.editables or parsed.unresolved)
                and all(normalise(spec.name) in (_CONDA_TOOLING if parsed.tool in _CONDA_TOOLS else _INSTALLER_TOOLING)
                        for spec in parsed.packages)
            ):
                continue  # `pip install -U pip setuptools`, `conda install conda python=3.7`: the installer itself
            if exported is None:
                exported = _exported_environment(ctx)
            if (exported and parsed.packages and not (parsed.requirement_files or parsed.editables or parsed.unresolved)
                    and any(cell > command.cell.index and all(_declared_key(spec.name, names, aliases) is not None
                                                              for spec in parsed.packages)
                            for cell, names in exported)):
                # The notebook builds the environment and then writes its file (`conda env export >
                # environment.yml`), which declares what the line installed: a set-up script whose install
                # lines already landed in the manifest (fair check 40, item 27).
                continue
            looped = _find_spec_loop(ctx, cells.get(command.cell.index), command.line)
            if looped is not None:
                listed, missing_only = looped
                if not listed:
                    # `PKGS = []` / `for _pkg in PKGS: subprocess.run([… "pip", "install", _pkg])`: the
                    # loop never runs its body (fair check 43, item 13: a generated set-up cell that
                    # found no package to install for this notebook).
                    continue
                if missing_only and declared and all(_declared_key(name, declared, aliases) is not None for name in listed):
                    # `for _pkg in ["xgboost"]: if importlib.util.find_spec(_pkg) is None: pip install
                    # _pkg` with xgboost in the manifest: a missing-module fallback, as `except
                    # ImportError:` is (the installed manifest makes it never run; fair check 43, items
                    # 14, 15, 17).
                    continue
            hosted, beside_local = install_branch(cells.get(command.cell.index), command, install_lines[command.cell.index])
            if hosted and beside_local:
                # `if "COLAB_" not in …: !pip install unsloth` / `else: <Colab's own install lines>`:
                # the same environment assembled for the hosted runtime; the local line is reported.
                continue
            if (
                parsed.packages
                and not (parsed.requirement_files or parsed.editables or parsed.unresolved)
                and all(_declared_key(spec.name, declared, aliases) is not None for spec in parsed.packages)
                and hosted
            ):
                continue  # the manifest covers it locally; the line only runs on Colab or Kaggle
            packages = list(parsed.packages)
            hosted = bool(packages) and hosted
            if hosted:
                # A package the notebook imports and no manifest declares is already DEP001's or
                # DEP002's finding at the import, whose one action (declare it) also makes this
                # line right (the exemption above). Only what no import reaches is news here.
                if imported is None:
                    imported = frozenset(n for use in third_party_imports(ctx.facts, ctx.project, ctx.catalog)
                                         for n in use.resolution.normalised)
                sets_up_imports = len(packages) > len(kept := [spec for spec in packages if _named_for_pip(spec.name) not in imported])
                packages = [spec for spec in kept if _declared_key(_named_for_pip(spec.name), declared, aliases) is None]
                if sets_up_imports:
                    # A line that sets up what the notebook imports: of the rest (nothing imports or needs
                    # them), a library the catalogue knows by an import name (matplotlib, scipy, requests)
                    # arrives with those imports' packages, or is a leftover; nobody adds it to a manifest
                    # for a notebook that never imports it (fair check 23: matplotlib, scikit-learn,
                    # ipywidgets beside seaborn and mols2grid). A package no table knows stays: an engine
                    # or plugin reached without an import (torchani behind Auto3D).
                    packages = [spec for spec in packages if _named_for_pip(spec.name) not in catalogued_distributions(ctx.catalog)]
                # `!pip install --quiet nltk, sklearn` after `try: import nltk; import sklearn`: `nltk,` is
                # nltk with a stray comma (fair check 20), so it is one of the imports as well.
                unresolved = [u for u in parsed.unresolved if _named_for_pip(u.rstrip(",")) not in declared | imported
                              or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*,+", u)]
            else:
                unresolved = list(parsed.unresolved)
            if not packages and (hosted or parsed.requirement_files) and not (parsed.editables or unresolved):
                # (Hosted: every package the line names is declared or imported, see above.)
                # `!pip install -r requirements.txt` of the project's own manifest (named as one beside
                # or above the notebook, or the file the line names, found from the notebook's folder):
                # the declaration exists, and moving the same command to a terminal changes nothing. On
                # Colab the line is the only way to install it. Its unpinned lines are DEP004's.
                own = {posixpath.basename(m.path) for m in ctx.project.manifests if m.kind == "requirements"}
                if all(posixpath.basename(f.replace("\\", "/")) in own for f in parsed.requirement_files):
                    continue
            if is_suppressed(command.cell, command.line, None, self.code):
                continue  # each line's own `# noqa: DEP003` before the cell's lines fold into one finding
            what = [spec.spec for spec in parsed.packages]
            what += [f"-r {f}" for f in parsed.requirement_files]
            what += [f"-e {e}" for e in parsed.editables]
            what += list(parsed.unresolved)
            # Said in words, not pip's flags: `-r requirements.txt` is no package; nor is an IPython
            # expansion (`{xformers}`, `$wheels`) a package's name: the kernel picks it at run time.
            said = [spec.spec for spec in packages]
            said += [f"what {f} lists" for f in parsed.requirement_files]
            # `%cd grover` after `!git clone https://github.com/o/grover.git`, then `pip install -e ./`: the
            # local package is that clone, which a manifest names by its URL and a commit (fair check 17).
            here = [e for e in parsed.editables if "://" not in e and e.strip().rstrip("/") in (".", "")]
            clone = cloned_working_folder(ctx.facts, command.cell.index, command.line) if here else None
            said += [f"the clone of {clone} (`{e}`, editable)" if clone and e in here else
                     f"the local package {e} (editable)" if "://" not in e else f"{e} (editable)" for e in parsed.editables]
            expansions = [u for u in parsed.unresolved if _EXPANSION.search(u) and "://" not in u]
            # `!git clone URL` then `!pip install ./transformers` (or `unilm/layoutlm`): a folder only the
            # notebook's own clone makes, so the project is the repository at a commit (fair check 24).
            cloned = {u: c for u in parsed.unresolved if "://" not in u and u not in expansions and not _is_txt(u)
                      and (c := cloned_path(ctx.facts, command.cell.index, command.line, u)) is not None}
            said += [f"{u} as a package (a requirements file without `-r`: pip fails on it)" if _is_txt(u) else
                     f"the clone of {cloned[u][0]} (`{u}`)" if u in cloned else
                     f"the local package {u}" if u.startswith((".", "/", "~")) else u
                     for u in parsed.unresolved if u not in expansions]
            said += ["a package chosen at run time" if len(expansions) == 1 else "packages chosen at run time"] if expansions else []
            if setup_helpers is None:
                setup_helpers = frozenset(normalise(m) for m in (ctx.catalog.table("distributions", "hosted_setup_helpers", {}) or {})
                                          .get("modules", []) if isinstance(m, str))
            if any(normalise(spec.name) in metapackages for spec in packages) and imported is None:
                imported = frozenset(n for use in third_party_imports(ctx.facts, ctx.project, ctx.catalog)
                                     for n in use.resolution.normalised)
            # `!pip install -q condacolab`: a hosted runtime's bootstrap, which a migration deletes with
            # its cell; what it installs is what to declare, never the helper itself (fair check 17).
            helpers = [spec.name for spec in packages if normalise(spec.name) in setup_helpers]
            if superseded is None:
                superseded = _superseded_unused(ctx)
            replaced = [spec.name for spec in packages if normalise(spec.name) in superseded]
            # `!pip install ultralytics` after `pip install git+…/yolov10.git`, whose fork ships `ultralytics` (the
            # notebook imports `YOLOv10` from it): the index's release is not what to declare (fair check 42, item 20).
            forks = {spec.name: fork for spec in packages if (fork := _fork_installed_before(ctx, command, spec.name))}
            over = {spec.spec: forks[spec.name][0].cell.index for spec in packages if spec.name in forks}
            said = [f"{w} (over the fork cell {over[w]} installs)" if w in over else w for w in said]
            to_declare = [name for spec in packages if normalise(spec.name) not in setup_helpers
                          and normalise(spec.name) not in superseded and spec.name not in forks
                          for name in _to_declare(spec, metapackages, imported or frozenset())]
            fix = (f"Declare {', '.join(to_declare)} in {_declare_in(homes, _line_versions(parsed))} "
                   "(pinned); the line runs only "
                   "on the hosted runtime and may stay" if hosted and packages and len(packages) == len(said) and to_declare else
                   _install_fix(to_declare, homes, parsed, imported=_imported_distributions(ctx)
                                if any("://" in u for u in parsed.unresolved) else frozenset(), aliases=aliases, extras=known_extras)
                   if to_declare or not (helpers or replaced or forks) else "")
            if packages and _PRE_RELEASE.search(command.text):
                # `!pip install --pre deepchem`: the newest pre-release, a nightly where the project publishes
                # them, changes from one run to the next more than an unpinned release (fair check 17).
                fix += (" (the line's `--pre` installs the newest pre-release, a nightly build where the project publishes "
                        "them, which changes from one run to the next)")
            if clone and not to_declare and not parsed.packages and not parsed.unresolved and not parsed.requirement_files:
                fix = _clone_reference_fix(clone, "and `%cd` that fetch it")
            if (cloned and not to_declare and not parsed.packages and not parsed.requirement_files and not parsed.editables
                    and set(parsed.unresolved) == set(cloned)):
                url, branch, sub = next(iter(cloned.values()))
                fix = _clone_reference_fix(url, "that fetches it", sub, branch)
            if replaced:
                # `!pip install kaggle` / `!pip install kaggle-cli`: the second is a dead unofficial tool no
                # cell runs; declaring it pins an unmaintained package (fair check 34, item 24).
                replaced_fix = "; ".join(
                    f"{name} is {superseded[normalise(name)][1]}, superseded by {superseded[normalise(name)][0]}, and no cell "
                    "runs it: nothing to declare for it" for name in replaced)
                fix = f"{fix} ({replaced_fix})" if fix else f"Delete the line `{command.text.strip()}`: {replaced_fix}"
            if helpers:
                helper_fix = (f"{', '.join(helpers)} only {'sets' if len(helpers) == 1 else 'set'} up Google Colab: nothing to "
                              "declare for it; declare what the cell installs with it and delete the line")
                fix = f"{fix}; {helper_fix}" if fix else helper_fix
            for name, (earlier, url, module, imported_name) in forks.items():
                fork_fix = (f"{'Delete the line' if len(packages) == 1 and not fix else f'Drop `{name}` from the line'}: cell "
                            f"{earlier.cell.index}'s `{url}` installs the fork that provides `{module}` here (the notebook "
                            f"imports `{imported_name}` from it, named after that repository), and `{name}` from the package "
                            "index installed over it replaces the fork; the fork, pinned to a commit, is what to declare "
                            f"(cell {earlier.cell.index}'s finding)")
                fix = f"{fix}; {fork_fix}" if fix else fork_fix
            if (to_declare and parsed.tool in ("pip", "uv") and _NO_BUILD_ISOLATION.search(command.text)
                    and not any(_declared_key(n, declared, aliases) is not None for n in to_declare)):
                # `!MAX_JOBS=4 pip install flash-attn --no-build-isolation`: a requirements line alone does not
                # build it (fair check 29, item 28); a step after the manifest's install, with the option, does.
                pins = [_with_line_pin(n, _line_versions(parsed), "requirements.txt") for n in to_declare]
                fix = (f"Install {', '.join(to_declare)} in a step after the manifest's packages, with the line's option "
                       f"(`pip install --no-build-isolation {' '.join(p if '==' in p else p + '==<version>' for p in pins)}`): "
                       f"{'its' if len(to_declare) == 1 else 'their'} build uses what is installed already, and "
                       "`--no-build-isolation` is a pip option no requirements file carries; delete the line")
            found.append(_InstallLine(
                command, said, to_declare,
                plain=bool(to_declare) and fix == _install_fix(to_declare, homes, versions=_line_versions(parsed),
                                                               aliases=aliases, extras=known_extras),
                fix=fix,
                key=" ".join(what) or command.text.strip(),  # unchanged wording: fingerprints stay stable
                versions=_line_versions(parsed),
            ))
        # One finding per cell: a set-up cell's install lines are one root cause (the environment
        # built while the notebook runs) and one action (a manifest); the first line is the finding,
        # the others its related locations, the message lists every package.
        by_cell: dict[int, list[_InstallLine]] = {}
        for item in found:
            by_cell.setdefault(item.command.cell.index, []).append(item)
        # A later cell that installs again only what an earlier reported cell installs (`pip install backtesting`
        # in cell 3, again in cell 4: 'Requirement already satisfied') is the same root cause and the same line
        # to declare: its lines are that finding's related locations (fair check 40, item 22).
        # A later cell that installs again some of what earlier reported cells install and, besides, only
        # packages the notebook does not import, unpinned (`!pip install -U bitsandbytes accelerate peft
        # safetensors` after cells installing the first three) joins the first finding that installs one of
        # them, which also declares the new names: one environment built in cells, one action, the lines
        # related (fair check 49, item 20).
        again: dict[int, list[_InstallLine]] = {}
        added: dict[int, list[_InstallLine]] = {}  # host cell -> its folded lines with what they add to declare
        owner: dict[str, int] = {}  # each spec installed by a reported cell -> the finding (cell) it belongs to
        declaring: set[str] = set()  # the names the reported findings declare
        plain_host: dict[int, bool] = {}  # reported cell -> its fix only declares packages
        for index, items in list(by_cell.items()):
            # (the same specs: another version asked for is another question, `pandas==1.5.3` then `pandas==2.1.0`)
            specs = [re.sub(r"\s+", "", spec.spec).lower() for item in items for spec in item.command.install.packages]
            plain = all(item.command.install.packages and not (item.command.install.requirement_files or item.command.install.editables
                                                              or item.command.install.unresolved) for item in items)
            hosts = [owner[spec] for spec in specs if spec in owner] if plain else []
            subset = bool(hosts) and len(hosts) == len(specs) and len(set(hosts)) == 1
            news = [[n for n in dict.fromkeys(item.to_declare) if normalise(n) not in declaring] for item in items]
            if hosts and not subset and any(news):
                if imported is None:
                    imported = frozenset(n for use in third_party_imports(ctx.facts, ctx.project, ctx.catalog)
                                         for n in use.resolution.normalised)
                # The new packages must be ones the notebook neither imports nor asks a version of (`safetensors`
                # beside the libraries that load with it): one it imports (`tensorflow`), or a pin (`pydantic==1.10.11`,
                # the constraint an old release needs), is news of its own, the cell's own finding (fair check 45,
                # item 37; fair check 46, item 47).
                incidental = all(_named_for_pip(n) not in imported and not item.versions.get(normalise(n), ("", "", False))[1]
                                 for item, new in zip(items, news) for n in new)
            else:
                incidental = True
            if hosts and (subset or (incidental and all(item.plain for item in items) and plain_host[min(hosts)])):
                host = min(hosts)
                again.setdefault(host, []).extend(items)
                for item, new in zip(items, news):
                    if new:
                        added.setdefault(host, []).append(replace(item, to_declare=new, plain=True))
                        declaring.update(normalise(n) for n in new)
                owner.update((spec, host) for spec in specs if spec not in owner)
                del by_cell[index]
                continue
            declaring.update(normalise(n) for item in items for n in item.to_declare)
            if plain:
                owner.update((spec, index) for spec in specs if spec not in owner)
                # (a finding whose fix says more than "declare these", `molkit is the project itself`, takes no new names)
                plain_host[index] = all(item.plain for item in items)
        for items in by_cell.values():
            first = items[0]
            repeated = again.get(first.command.cell.index, [])
            said = list(dict.fromkeys(w for item in items for w in item.said))
            if len(items) == 1:  # one line: as it always read
                shown = ", ".join(said[:5]) + (" …" if len(said) > 5 else "") if said else "packages"
            else:
                shown = ", ".join(said[:8]) + (f" … ({len(said) - 8} more)" if len(said) > 8 else "") if said else "packages"
            tools = " and ".join(dict.fromkeys(item.command.install.tool for item in items))
            lines = f" ({len(items)} lines of this cell)" if len(items) > 1 else ""
            adding = added.get(first.command.cell.index, [])
            extra = [n for item in adding for n in item.to_declare]
            fix = _cell_install_fix([*items, *adding], homes, aliases, known_extras)
            channels = list(dict.fromkeys(c for item in items if item.to_declare and item.command.install.tool in _CONDA_TOOLS
                                          for c in _CONDA_CHANNEL.findall(_continued(item.command)) if c != "defaults"))
            if channels and " in requirements.txt (pinned" in fix:
                # `!conda install -c rapidsai … cudf cuml`: the packages come from channels a requirements file
                # cannot name (fair check 33, item 20): an environment file's `channels:` list does.
                fix = fix.replace(" in requirements.txt (pinned", " in the `dependencies:` list of an environment.yml whose "
                                  f"`channels:` list has {', '.join(f'`{c}`' for c in channels)} (the line's channels; pinned", 1)
            if "`dependencies:` list" not in fix or "`pip:` list" in fix:
                fix += _conda_only_note(n for item in items for n in item.to_declare)
            if any(local_beside_hosted(cells.get(item.command.cell.index), item.command.line) for item in items):
                # `if "COLAB_" not in …: !pip install unsloth` / `else: <Colab's set-up>`: only the local line moves.
                fix += " (the branch of the `if` that sets up Colab or Kaggle may stay)"
            note = "; ".join(n for n in (
                _find_links_note([item.command.text for item in items if item.to_declare]),
                _index_note([item.command.text for item in items if item.to_declare and item.command.install.tool in ("pip", "uv")]),
            ) if n)
            if note:
                # `(pinned)` → `(pinned, with the line …)`; `(pinned; x is already declared …)` keeps its tail.
                fix = (fix.replace(" (pinned", f" (pinned, {note}", 1) if fix.startswith("Declare ") and " (pinned" in fix
                       else f"{fix} ({note})")
            # `ensure_package("xgboost")`: the lines call the notebook's own function whose body installs
            # (fair check 44, recall T-5.2, T-6.1): its install line is a related location.
            functions = list(dict.fromkeys(item.command.via for item in (*items, *repeated) if item.command.via is not None))
            if functions:
                lines += "".join(f" (calling the install function of cell {c.index}, line {line})" for c, line, _ in functions)
            if repeated:
                cells_again = sorted({item.command.cell.index for item in repeated})
                lines += (f" (installed again in cell{'s' if len(cells_again) > 1 else ''} "
                          f"{and_listed(cells_again)}{', with ' + ', '.join(extra) if extra else ''}: related locations)")
            yield Hit(
                first.command.cell,
                first.command.line,
                first.command.column,
                f"Notebook installs {shown} with {tools} while it runs{lines}",
                fix=fix,
                key=first.key,
                related=tuple((item.command.cell, item.command.line, item.command.column) for item in (*items[1:], *repeated))
                + tuple(functions),
            )
        system = dict(reversed(ctx.project.system_packages))  # package -> the nearest file declaring it
        # The system installs of one cell are one finding too, as its pip lines are (items 25/31: two per cell).
        system_by_cell: dict[int, list] = {}
        for ca, line, column, tool, packages in _reported_system_installs(ctx):
            system_by_cell.setdefault(ca.cell.index, []).append((ca, line, column, tool, packages))
        for items in system_by_cell.values():
            ca, line, column, tool, first_packages = items[0]
            packages = list(dict.fromkeys(p for *_, pkgs in items for p in pkgs))
            tools = " and ".join(dict.fromkeys(t for _, _, _, t, _ in items))
            files = list(dict.fromkeys(system[p] for p in packages if p in system))
            shown = ", ".join(packages[:5]) + (" …" if len(packages) > 5 else "")
            plural = "s" if len(packages) > 1 else ""
            lines = f" ({len(items)} lines of this cell)" if len(items) > 1 else ""
            undeclared = [p for p in packages if p not in system]
            where = (
                f"{', '.join(files)} declares {'it' if len(packages) == 1 else 'them'}, but the notebook installs "
                f"{'it' if len(packages) == 1 else 'them'} again"
                if not undeclared else
                "no environment file (apt.txt, packages.txt) declares " + ("it" if len(packages) == 1 else ", ".join(undeclared))
            )
            yield Hit(
                ca.cell,
                line,
                column,
                f"Notebook installs the system package{plural} {shown} with {tools} while it runs{lines}: an operating-system "
                f"dependency (not a PyPI distribution); {where}",
                fix=f"Install {shown} where the environment is built (the image's Dockerfile, a Binder `apt.txt`) "
                f"and delete the line{'s' if len(items) > 1 else ''}",
                key=f"{tool} {' '.join(first_packages)}",  # the first line's: fingerprints stay stable
                related=tuple((c.cell, ln, col) for c, ln, col, _, _ in items[1:]),
                # Not a PyPI requirement: the compiler removes the line for review, it does not move it.
                data=(("system_packages", " ".join(packages)), ("tool", tools)),
            )
        # `%tensorflow_version 1.x`: Colab switches the installed TensorFlow while the notebook runs.
        # Anywhere else the magic does not exist (a UsageError), and the version the code needs is
        # declared nowhere. Not when guarded (indented under a `try:` or a Colab test).
        for ca in ctx.cells:
            for magic in ca.magics:
                if magic.kind in ("line_magic", "automagic") and magic.name == "tensorflow_version" and not magic.text[:1].isspace():
                    version = magic.args.strip() or "its default"
                    declared_tf = "tensorflow" in declared
                    yield Hit(
                        ca.cell,
                        magic.line,
                        1,
                        f"Notebook selects TensorFlow {version} with `%tensorflow_version` while it runs: the magic exists "
                        "only on Colab (elsewhere it fails), and the environment gets its TensorFlow from the line, "
                        + ("not from the manifest's pin" if declared_tf else "not from a manifest"),
                        fix=f"Pin the TensorFlow the code needs ({'tensorflow<2' if version.startswith('1') else 'tensorflow==<version>'}) "
                        "in a manifest and delete the line",
                        key=f"%tensorflow_version {version}",
                    )


# A shell line that writes the environment's file from the running environment: `conda env export > environment.yml`
# (`mamba env export --no-builds > env.yml`), `pip freeze > requirements.txt`, `pip list --format=freeze > …`.
_EXPORTS_ENVIRONMENT = re.compile(
    r"\b(?:(?:conda|mamba|micromamba)\s+env\s+export|pip3?\s+freeze|pip3?\s+list\s+--format[= ]freeze)\b[^\n>|]*>\s*['\"]?([\w./\\-]+)")


def _exported_environment(ctx: RuleContext) -> list[tuple[int, frozenset[str]]]:
    """(cell, what the file declares) of each environment file of the project that a shell line of the
    notebook writes from the environment it built (`conda env export > environment.yml`): the notebook is
    the recipe of that environment, whose file pins what its install lines installed (fair check 40, item 27)."""
    found = []
    for ca in ctx.cells:
        if ca.cell.cell_type != "code" or " export" not in ca.cell.source and "freeze" not in ca.cell.source:
            continue
        for target in _EXPORTS_ENVIRONMENT.findall(ca.cell.source):
            name = posixpath.basename(target.replace("\\", "/"))
            names = frozenset(r.name for m in ctx.project.manifests if posixpath.basename(m.path) == name for r in m.requirements)
            if names:
                found.append((ca.cell.index, names))
    return found


# Environments a notebook declares in code for a remote run (Azure ML SDK v1): the keyword arguments that list
# packages to install, conda's and pip's (fair check 27, T-6.5: a pipeline step's `CondaDependencies.create(
# conda_packages=['scikit-learn'])` on the moving default CPU image).
_CODE_ENVIRONMENTS = {"azureml.core.conda_dependencies.CondaDependencies.create": ("conda_packages", "pip_packages")}
# A package spec pinned to one version: pip's `name==1.2` (`===`), conda's `name=1.2` (`name=1.2=build`); no range.
_PINNED_SPEC = re.compile(r"^[A-Za-z0-9_.\-]+(?:\[[^\]]*\])?\s*(?:===?|=)\s*\d[\w.+!-]*(?:=[\w.]+)?\s*$")


def _dependency_provider(module: str, manifests: tuple[Manifest, ...], catalog) -> Optional[tuple[str, dict, str]]:
    """(declared distribution, its `[dependency_provides]` entry, the nearest manifest declaring it) when a
    declared distribution's own dependency provides the top-level `module` under another name than the import's
    first distribution (`theano` beside a declared `pymc3`, which runs on Theano-PyMC): the line to add is that
    dependency, beside it (fair check 35, item 3). Not covered: a version of the declared distribution that
    runs on the usual one (the note says which versions do)."""
    table = (catalog.table("distributions", "dependency_provides", {}) or {}).get(module.split(".")[0]) or {}
    for name, entry in table.items():
        if not (isinstance(entry, dict) and entry.get("distribution") and entry.get("note")):
            continue
        where = next((m.path for m in manifests if any(r.name == normalise(name) for r in m.requirements)), None)
        if where is not None:
            return name, entry, where
    return None


def _colab_setup_only(ctx: RuleContext, use) -> bool:
    """An import in a cell whose unguarded `from google.colab import auth` DEP006 reports
    (`hosted_setup_cells`), whose names no other cell reads (`googleapiclient` of the Drive download
    of `kaggle.json`, after `auth.authenticate_user()`): it serves only that Colab set-up, which off
    Colab is replaced as a whole, so nobody declares it (fair check 50, item 4)."""
    from nbrefactor.audit.rules.hosted import hosted_setup_cells
    if use.how or use.cell.index not in hosted_setup_cells(ctx.facts):
        return False
    here = next((ca for ca in ctx.cells if ca.cell.index == use.cell.index), None)
    if here is None:
        return False
    bound = {i.bound for i in here.facts.imports if i.line == use.line and i.module == use.module}
    if not bound or "*" in bound:
        return False
    return not any(
        r.name in bound for ca in ctx.cells if ca.cell.index != use.cell.index for r in (*ca.facts.reads, *ca.facts.deferred_reads)
    )


def _reported_system_installs(ctx: RuleContext) -> list[tuple]:
    """The notebook's system-package install lines (`system_installs`) that DEP003 reports: not a line an
    environment file (apt.txt) declares every package of for local runs while it sets up Colab or Kaggle
    only, nor one in a Colab set-up cell DEP006 reports."""
    def compute() -> list[tuple]:
        system = dict(reversed(ctx.project.system_packages))
        # A cell whose unguarded `from google.colab import auth` DEP006 reports is Colab-only set-up: its apt lines
        # (the 2018 Drive-mount recipe's google-drive-ocamlfuse from a PPA) are that finding's related locations, one
        # root cause, not an apt.txt to write (fair check 32, items 23, 25, 29, 30, 31, 33).
        from nbrefactor.audit.rules.hosted import hosted_setup_cells
        setup_cells: Optional[frozenset[int]] = None
        out: list[tuple] = []
        for ca, line, column, tool, packages in system_installs(ctx.facts):
            if packages and all(p in system for p in packages) and hosted_only(ca.lines, line):
                continue  # declared for local runs; the line sets up Colab or Kaggle only
            if setup_cells is None:
                setup_cells = hosted_setup_cells(ctx.facts)
            if ca.cell.index in setup_cells:
                continue
            out.append((ca, line, column, tool, packages))
        return out
    return ctx.shared("dependencies.reported_system_installs", compute)


def _not_on_index(distribution: str, catalog) -> Optional[dict]:
    """`[not_on_index]` of rules/distributions.toml for `distribution`: where it comes from, since no package
    index pip reads has it (`graph-tool`); None for any other."""
    table = catalog.table("distributions", "not_on_index", {}) or {}
    wanted = normalise(distribution.split("[")[0])
    return next((entry for name, entry in table.items() if isinstance(entry, dict) and normalise(name) == wanted), None)


def _index_namesake(distribution: str, catalog) -> Optional[dict]:
    """`[index_namesakes]` of rules/distributions.toml for `distribution`: the repository it is installed from,
    since the package index gives its name to an unrelated project (Kaggle's `learntools`); None for any other."""
    table = catalog.table("distributions", "index_namesakes", {}) or {}
    wanted = normalise(distribution.split("[")[0])
    entry = next((entry for name, entry in table.items() if isinstance(entry, dict) and normalise(name) == wanted), None)
    return entry if entry is not None and isinstance(entry.get("url"), str) else None


def _namesake_note(entry: dict) -> str:
    note = entry.get("note") if isinstance(entry.get("note"), str) else ""
    return f". {note[0].upper()}{note[1:]}" if note else ""


def _system_provided(ctx: RuleContext, entry: dict) -> bool:
    """Does the environment get a distribution on no package index (`[not_on_index]` `entry`) from a system
    package: an environment file around the notebook (apt.txt) declares one, or an install line of the notebook
    that DEP003 reports installs one (that finding, whose fix is to install it where the image is built, is the
    root cause: fair check 35, item 7)."""
    packages = {p for p in entry.get("apt", ()) if isinstance(p, str)}
    if not packages:
        return False
    if any(p in packages for p, _file in ctx.project.system_packages):
        return True
    return any(set(found) & packages for *_, found in _reported_system_installs(ctx))


def _not_on_index_fix(distribution: str, entry: dict) -> str:
    """The fix for a distribution on no package index: its conda package or its system package, not a pinned
    requirements line pip cannot resolve (fair check 35, item 7: `graph_tool`)."""
    conda, channel = entry.get("conda") or distribution, entry.get("channel") or "conda-forge"
    apt = [p for p in entry.get("apt", ()) if isinstance(p, str)]
    # (`note`: what else to know about it; PyQt4's is that porting to PyQt5 lasts, fair check 36, item 15)
    note = entry.get("note") if isinstance(entry.get("note"), str) else ""
    return (f"`{distribution}` is on no package index pip reads (`pip install {distribution}` finds nothing): declare "
            f"`{conda}` in an environment.yml whose `channels:` list has `{channel}`"
            + (f", or install {'the system package' if len(apt) == 1 else 'one of the system packages'} "
               f"{', '.join(f'`{p}`' for p in apt)} where the environment is built "
               "(the image's Dockerfile, a Binder `apt.txt`)" if apt else "")
            + (f". {note[0].upper()}{note[1:]}" if note else ""))


def _environments_in_code(ctx: RuleContext) -> Iterator[Hit]:
    """`CondaDependencies.create(conda_packages=['scikit-learn'], pip_packages=['pandas'])` outside a def, in a
    branch that runs: a run's environment, declared in code; one finding per call listing the string
    literals of its package lists that no exact version pins (a name given another way is not read). The azureml-*
    packages are left out unless `pin_sdk_version=False`: by default the SDK pins them to the client's version."""
    if not any("CondaDependencies" in ca.cell.source or "Environment.get" in ca.cell.source for ca in ctx.cells):
        return
    from nbrefactor.audit.rules.randomness import unrun_lines  # (`if False:` and switched-off branches)

    unrun = unrun_lines(ctx.facts)
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        definitions = [f for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]
        for node in nodes_of(tree, ast.Call):
            qualified = ctx.facts.resolve(dotted_name(node.func))
            keywords = _CODE_ENVIRONMENTS.get(qualified)
            if (keywords is None and qualified not in _ENVIRONMENT_GETS) or node.lineno in unrun.get(ca.cell.index, frozenset()):
                continue
            # (in a def the call runs only if called: not the notebook's environment as it stands)
            if any(f.lineno <= node.lineno <= (f.end_lineno or f.lineno) for f in definitions):
                continue
            if is_suppressed(ca.cell, node.lineno, node.end_lineno or node.lineno, UnpinnedRequirement.code):
                continue
            if keywords is None:
                hit = _curated_environment_by_name(ca, node) if _environment_used(ctx, ca, tree, node) else None
            else:
                hit = _unpinned_code_environment(ca, node, keywords)
            if hit is not None:
                yield hit


def _unpinned_code_environment(ca: CellAnalysis, node: ast.Call, keywords: tuple[str, ...]) -> Hit | None:
    """The finding of one `CondaDependencies.create(…)` call: the string literals of its package lists (`keywords`)
    that no exact version pins, or None when every one is pinned."""
    # `pin_sdk_version=True` (the default) pins the azureml-* packages to the client SDK's version.
    sdk_pinned = not any(k.arg == "pin_sdk_version" and isinstance(k.value, ast.Constant) and k.value.value is False
                         for k in node.keywords)
    unpinned: list[str] = []
    for keyword in node.keywords:
        if keyword.arg not in keywords or not isinstance(keyword.value, (ast.List, ast.Tuple)):
            continue
        for element in keyword.value.elts:
            if isinstance(element, ast.Constant) and isinstance(element.value, str) and element.value.strip():
                spec = element.value.strip()
                if sdk_pinned and spec.lower().startswith("azureml-"):
                    continue
                if not _PINNED_SPEC.match(spec):
                    unpinned.append(spec)
    if not unpinned:
        return None
    names = ", ".join(f"`{spec}`" for spec in unpinned[:6]) + (f" and {len(unpinned) - 6} more" if len(unpinned) > 6 else "")
    first = re.split(r"[\[<>=!~ ;]", unpinned[0], maxsplit=1)[0]
    return Hit(
        ca.cell,
        node.lineno,
        node.col_offset + 1,
        f"`{dotted_name(node.func)}(…)` declares the run's environment in code with {names} not pinned to one version: "
        "Azure ML installs whatever release is newest when it prepares the environment for a run",
        end_line=node.end_lineno,
        fix=f"Pin each package in the list (`{first}==<the version you ran with>`), or build the environment from a pinned conda file",
        key=f"code-environment:{ca.cell.index}:{node.lineno}",
    )


# Azure ML's curated environments fetched by name (fair check 27, T-9.5): `Environment.get(ws, name="AzureML-…")`
# without `version=` (or `label=`) takes whatever version of the curated environment is newest when the notebook runs;
# Microsoft rebuilds them under the same name (new image, new package versions) and retires old ones.
_ENVIRONMENT_GETS = frozenset({"azureml.core.Environment.get", "azureml.core.environment.Environment.get"})
_CURATED_ENVIRONMENT = re.compile(r"(?i)^azureml-")


def _environment_used(ctx: RuleContext, ca: CellAnalysis, tree: ast.Module, node: ast.Call) -> bool:
    """False when the call's value is bound to a name nothing reads afterwards, in its cell or below
    (`curated_env = Environment.get(…)` only to show how to fetch one): no run gets that environment."""
    statement = next((st for st in tree.body if isinstance(st, ast.Assign) and st.value is node), None)
    if statement is None or len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name):
        return True
    name = statement.targets[0].id
    end = statement.end_lineno or statement.lineno
    if any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) and n.lineno > end for n in ast.walk(tree)):
        return True
    word = re.compile(rf"\b{re.escape(name)}\b")
    return any(other.cell.index > ca.cell.index and word.search(other.cell.source) for other in ctx.cells)


def _curated_environment_by_name(ca: CellAnalysis, node: ast.Call) -> Hit | None:
    """`Environment.get(ws, name="AzureML-sklearn-1.5")`, the name a literal of a curated environment
    (`AzureML-…`, `azureml-…`), no version or label given (keyword or third positional): a finding on its line."""
    if len(node.args) > 2 or any(isinstance(a, ast.Starred) for a in node.args) or any(
        k.arg in (None, "version", "label") for k in node.keywords
    ):
        return None
    name = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "name"), None)
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str) and _CURATED_ENVIRONMENT.match(name.value)):
        return None
    return Hit(
        ca.cell,
        node.lineno,
        node.col_offset + 1,
        f"`{dotted_name(node.func)}(…, name=\"{name.value}\")` takes the curated environment by name without a version: "
        "the run gets whatever version of it is newest when the notebook runs (Azure ML rebuilds curated environments "
        "under the same name, with other package versions, and retires old ones)",
        end_line=node.end_lineno,
        fix=f"Pass the version you ran with: Environment.get(ws, name=\"{name.value}\", version=\"<version>\")",
        key=f"curated-environment:{name.value}",
    )


def _metapackages(catalog) -> dict[str, list[str]]:
    """`[metapackages]` of `rules/distributions.toml`, by normalised name: what each installs."""
    table = catalog.table("distributions", "metapackages", {}) or {}
    return {normalise(k): [n for n in v if isinstance(n, str)] for k, v in table.items() if isinstance(v, list)}


def _superseded_unused(ctx: RuleContext) -> dict[str, tuple[str, str]]:
    """{normalised name: (its replacement, what it was)} of the catalogue's superseded distributions
    (`[superseded]` of rules/distributions.toml) whose commands no cell of the notebook runs."""
    table = ctx.catalog.table("distributions", "superseded", {}) or {}
    if not table:
        return {}
    run = {m.args.split()[0] for ca in ctx.facts.cells for m in ca.magics if m.kind == "shell" and m.args.split()}
    run |= {line.split()[0] for ca in ctx.facts.cells if ca.masked.cell_magic in ("bash", "sh", "script", "system")
            for line in ca.lines[1:] if line.split()}
    return {normalise(name): (entry.get("by", ""), entry.get("why", "superseded")) for name, entry in table.items()
            if isinstance(entry, dict) and not run & set(entry.get("commands", []))}


def _to_declare(spec, metapackages: dict[str, list[str]], imported: frozenset[str]) -> list[str]:
    """What a manifest should declare for an installed package: the package with the extras the
    line asks for (`tritonclient[http]`: the extra is what `tritonclient.http` needs), or, for a
    metapackage that only installs its members (`azure-keyvault`, deprecated), the members the
    notebook imports (`azure-keyvault-secrets`)."""
    members = [m for m in metapackages.get(spec.normalised, ()) if normalise(m) in imported]
    if members:
        return members
    return [f"{spec.name}[{','.join(spec.extras)}]" if spec.extras else spec.name]


def _is_txt(argument: str) -> bool:
    """`lab_setup.txt` given to `pip install` without `-r` (not a URL)."""
    return argument.endswith(".txt") and "://" not in argument


def _vcs_ref(url: str) -> tuple[str, str]:
    """(the URL without its ref, the ref) of a VCS install URL: `git+https://host/org/repo.git@v0.1.0`
    → (`git+https://host/org/repo.git`, `v0.1.0`); no ref → (url, ""). A `#egg=name` fragment is
    left out of both (`git+https://github.com/SeldonIO/alibi@master#egg=alibi` → (…/alibi, `master`):
    fair check 22's fix appended `@<commit>` after the fragment: it goes back after the ref, `_fragment`)."""
    url = url.split("#", 1)[0]
    scheme, sep, rest = url.partition("://")
    path, at, ref = rest.partition("/")[2].rpartition("@") if "/" in rest else ("", "", "")
    if not sep or not at:
        return url, ""
    return url[: len(url) - len(ref) - 1], ref


def _fragment(url: str) -> str:
    """A VCS URL's `#egg=…` fragment with its `#` (empty without one): it follows the ref."""
    return "#" + url.split("#", 1)[1] if "#" in url else ""


def _declare_in(manifests: tuple[Manifest, ...], versions: Optional[dict] = None) -> str:
    """Where a package the notebook installs belongs: requirements.txt; in a project whose environment
    files are conda environment files only (fonnesbeck/Bios8366: `conda env create -f environment.yml`),
    the one DEP001 names, in its `dependencies:` list for a `conda install` line and in its `pip:` list
    for a pip line (fair check 19: 7 fixes said requirements.txt); or, in a project whose only
    environment files are Dockerfiles (rapidsai/notebooks-contrib: `RUN source activate rapids &&
    conda install …`), a RUN line of the nearest one, the file DEP001 names (fair check 15).
    `versions` is `_line_versions` of the line(s): their third field says conda's syntax. The
    requirements file the repository's CI installs to execute the notebooks, wherever it is
    (`testing/requirements.txt`, fair check 22), is named: it is the notebooks' list."""
    installed_by_ci = tuple(m for m in manifests if m.ci_installed)
    ci = _home_manifest(installed_by_ci) if installed_by_ci else None  # (a contributors' list beside it is none)
    if ci is not None and not (versions and all(asked[2] for asked in versions.values())):
        return ci.path
    if any(m.kind in ("requirements", "pipfile") for m in manifests):
        return "requirements.txt"
    # A pixi.toml (fair check 37): its conda table for a `conda install` line, its package-index table for a pip line.
    pixi = tuple(m for m in manifests if m.kind == "pixi")
    home = _home_manifest(pixi) if pixi else None
    if home is not None:
        if versions and all(asked[2] for asked in versions.values()):
            return f"the `[dependencies]` table of {home.path} (`pixi add`)"
        return f"the `[pypi-dependencies]` table of {home.path} (`pixi add --pypi`)"
    conda = tuple(m for m in manifests if m.kind == "environment")
    home = _home_manifest(conda) if conda else None
    if home is not None:
        if versions and all(asked[2] for asked in versions.values()):
            return f"the `dependencies:` list of {home.path}"
        return f"the `pip:` list under `dependencies:` of {home.path}"
    # A uv project (a pyproject.toml beside its uv.lock, no requirements file): its dependencies, as DEP001 says
    # (fair check 40, item 25: the fix said requirements.txt in a project that has none).
    locks = {posixpath.dirname(m.path) for m in manifests if m.kind == "uv.lock"}
    uv = tuple(m for m in manifests if m.kind == "pyproject" and (posixpath.dirname(m.path) in locks
                                                                   or any("locked in uv.lock" in r.spec for r in m.requirements)))
    home = _home_manifest(uv) if uv else None
    if home is not None:
        return _home_phrase(home, manifests)[len("to "):] + " (`uv add`)"
    dockerfile = next((m for m in manifests if m.kind == "dockerfile" and not _development_image(m)), None)
    return f"a RUN line of {dockerfile.path}" if dockerfile is not None else "requirements.txt"


def _with_line_pin(name: str, versions: dict, where: str) -> str:
    """`tensorflow==2.4.1` for a name the install line pins to one version (fair check 19: the fix
    said "Declare tensorflow … (pinned)" and dropped the notebook's own 2.4.1); conda's `=1.7.6` only
    where the line goes to a conda `dependencies:` list (for pip it is a release series, not a pin).
    A pip line's range stays too (`setuptools<71.0.0`, `safetensors>=0.3.1`): the pin goes inside it,
    and a cap says what the code cannot take (fair check 29, item 27: the fix said `setuptools`)."""
    asked = versions.get(normalise(name.split("[")[0]))
    if asked is None or not asked[1]:
        return name
    constraint = asked[1].strip()
    conda_list = where.startswith(("the `dependencies:` list", "the `[dependencies]` table"))
    if asked[2]:
        return f"{name}{constraint}" if conda_list and re.fullmatch(r"==?\s*[^=<>!~,|*\s]+(?:=\S+)?", constraint) else name
    if re.fullmatch(r"===?\s*[^=<>!~,*\s]+", constraint):
        return f"{name}{constraint}"
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return f"{name}{constraint}" if str(SpecifierSet(constraint)) else name
    except InvalidSpecifier:  # a direct reference (`@ https://…`), a marker: no version part a manifest line copies
        return name


# Nightly builds published under a name of their own, and the release each is a build of: "declare
# `tf-nightly` pinned" pins one night's build of the next version (fair check 18); the release is what to declare.
# Keys are normalised names (`tf-nightly-2.0-preview` is `tf-nightly-2-0-preview`): the 2019 nightlies of
# TensorFlow 2.0 before its release had names of their own, which PyPI no longer has (fair check 30,
# item 12: "declare tf-nightly-2.0-preview pinned" named a project pip cannot find).
_NIGHTLIES = {"tf-nightly": "tensorflow", "tf-nightly-gpu": "tensorflow", "tf-nightly-cpu": "tensorflow",
              "tf-nightly-2-0-preview": "tensorflow", "tf-nightly-gpu-2-0-preview": "tensorflow",
              "tfp-nightly": "tensorflow-probability", "tb-nightly": "tensorboard", "keras-nightly": "keras",
              "tfds-nightly": "tensorflow-datasets", "tf-keras-nightly": "tf-keras", "jax-nightly": "jax"}


# `pip install torch-scatter -f https://data.pyg.org/whl/torch-${TORCH}.html`: the wheels' page, which
# a requirements file can name too (`--find-links` on a line of its own).
_FIND_LINKS = re.compile(r"(?:^|\s)(?:-f|--find-links)(?:\s+|=)(\S+)")


def _find_links_note(lines: list[str]) -> str:
    """For install lines that take wheels from a page of links (PyG's `-f …/torch-${TORCH}.html`):
    a pinned line alone would look on the package index, where such wheels are not (fair check 18)."""
    pages = list(dict.fromkeys(m.group(1).strip("'\"") for line in lines for m in _FIND_LINKS.finditer(line)))
    if not pages:
        return ""
    torch = any(re.search(r"torch[-_]?(?:\$|\{|\d)", page) for page in pages)
    return (f"with the line `--find-links {pages[0]}` in it: the wheels come from that page"
            + (", built for one torch version, so the page and the torch pin must name the same version" if torch else ""))


# `--index-url https://download.pytorch.org/whl/cu121`, `--extra-index-url …`: pip looks for the line's packages
# on another index (the CUDA build of torch). A requirements file accepts both on a line of its own, but there an
# `--index-url` holds for every line of the file (pip's requirements file format: global options).
def _continued(command) -> str:
    """An install command's line with the lines its trailing backslashes continue it on (`-c` channels
    on the next line of a `!conda install … \\`)."""
    lines = command.cell.source.splitlines()[command.line - 1:]
    out = []
    for line in lines:
        out.append(line.rstrip().removesuffix("\\"))
        if not line.rstrip().endswith("\\"):
            break
    return " ".join(out) or command.text


# A conda line's channel (`-c rapidsai`, `--channel=conda-forge`).
_CONDA_CHANNEL = re.compile(r"(?:^|\s)(?:-c|--channel)(?:\s+|=)([^\s\\]+)")
_INDEX_URL = re.compile(r"(?:^|\s)(-i|--index-url|--extra-index-url)(?:\s+|=)(\S+)")


def _index_note(lines: list[str]) -> str:
    """For pip lines that take their packages from another index (fair check 29, item 27: the fix dropped
    `--index-url https://download.pytorch.org/whl/cu121`, the CUDA build the cell's comment says to match):
    the manifest names it as an extra index, which adds to the package index instead of replacing it for
    the packages the file gets from the notebook's other lines."""
    found = [(m.group(1), m.group(2).strip("'\"")) for line in lines for m in _INDEX_URL.finditer(line)]
    urls = list(dict.fromkeys(url for _, url in found))
    if not urls:
        return ""
    replaced = any(flag != "--extra-index-url" for flag, _ in found)
    return (f"with the line `--extra-index-url {urls[0]}` in it: the line "
            + ("installs from that index (`--index-url`, which in a requirements file would replace the package index "
               "for every line)" if replaced else "also looks for its packages there"))


# `pip install flash-attn --no-build-isolation`: the build imports what is installed already (torch), which
# pip's isolated build environment lacks; a pip option of the command, which no requirements file carries
# (pip's requirements file format lists the options a file accepts; --no-build-isolation is none of them).
_NO_BUILD_ISOLATION = re.compile(r"(?:^|\s)--no-build-isolation(?=\s|$)")


def _nightly_note(names: list[str]) -> str:
    nightly = [(n, _NIGHTLIES[normalise(n.split("[")[0])]) for n in names if normalise(n.split("[")[0]) in _NIGHTLIES]
    if not nightly:
        return ""
    return (" (" + ", ".join(f"`{n}`" for n, _ in nightly) + (" is a nightly build" if len(nightly) == 1 else " are nightly builds")
            + " of " + ", ".join(f"`{r}`" for _, r in nightly) + ", one night's state of the next version, never "
            + "published again: declare the release)")


# A VCS URL pip installs from (`git+https://…`, `hg+…`, `svn+…`, `bzr+…`).
_VCS_INSTALL = re.compile(r"^(?:git|hg|svn|bzr)\+[a-z]+://", re.IGNORECASE)


def _url_distribution(url: str, imported: frozenset[str]) -> str:
    """The distribution a VCS install provides, when the notebook imports one the repository is
    named after (`pyg-team/pytorch_geometric` → torch-geometric, which `import torch_geometric`
    resolves to: the repository's name ends with it); `<name>` when none is."""
    repo = _installed_name(url)
    return next((d for d in sorted(imported) if d == repo or (len(d) >= 5 and repo.endswith(d))), "<name>")


def _install_fix(names: list[str], manifests: tuple[Manifest, ...], parsed=None, versions: Optional[dict] = None,
                 imported: frozenset[str] = frozenset(), aliases: Optional[dict] = None, extras: Optional[dict] = None) -> str:
    """`_declaring_fix` of the names, each once (a line that repeats itself, `!pip install a b !pip install a b`,
    names them twice), a nightly build's own name (`tf-nightly`) replaced by its release, which is what to declare."""
    names = list(dict.fromkeys(names))
    releases = list(dict.fromkeys(_NIGHTLIES.get(normalise(n.split("[")[0]), n) for n in names))
    # PyPI's `sklearn` placeholder installs no scikit-learn: the distribution is what to declare
    # (fair check 19: "Declare … sklearn … (pinned)", where DEP001 says to replace it).
    real = {placeholder: distribution for distribution, placeholder in _PLACEHOLDERS.items()}
    placeholders = [n for n in releases if normalise(n.split("[")[0]) in real]
    releases = list(dict.fromkeys(real.get(normalise(n.split("[")[0]), n) for n in releases))
    # A renamed distribution the line installs unpinned (`!pip install fbprophet`): its new name is what to
    # declare; a pin on the line keeps the old name, whose release it names (fair check 29, item 24).
    asked = versions if versions is not None else _line_versions(parsed)
    renamed = [n for n in releases if normalise(n.split("[")[0]) in _RENAMED
               and not (asked.get(normalise(n.split("[")[0])) or ("", "", False))[1]]
    releases = list(dict.fromkeys(_RENAMED[normalise(n.split("[")[0])][0] if n in renamed else n for n in releases))
    fix = _declaring_fix(releases, manifests, parsed, versions, imported, aliases, extras)
    if fix and placeholders:
        fix += "".join(f" (`{p}` is {_PLACEHOLDER_KINDS[normalise(p.split('[')[0])]}: declare the latter)" for p in placeholders)
    for old in renamed if fix else ():
        fix += f" ({_renamed_sentence(old)})"
    return fix + _nightly_note(names) if fix else fix


def _clone_reference_fix(url: str, fetched_by: str, sub: str = "", branch: Optional[str] = None) -> str:
    """DEP003's fix for an install of a repository the notebook clones: a direct reference to the
    repository (`git+URL`) pinned to a commit, `#subdirectory=` for a project in a sub-folder; the
    line is deleted with the `git clone` `fetched_by` names."""
    reference = f"git+{url.removesuffix('/')}" if not url.startswith("git+") else url
    return (f"Declare the clone's project in requirements.txt as a direct reference pinned to a commit "
            f"(`<name> @ {reference}@<commit>{f'#subdirectory={sub}' if sub else ''}`"
            + (f", the commit the branch `{branch}` had: a branch can move" if branch else "")
            + f") and delete the line, with the `git clone` {fetched_by}")


def _declared_key(name: str, declaring: Collection[str], aliases: Optional[dict]) -> Optional[str]:
    """The normalised name under which a manifest declares what an install line names: the name
    itself, the name with other separators (`eolearn` for eo-learn), or a distribution the
    catalogue's entry for the name as an import lists (`composer` is MosaicML's library, which a
    manifest declares as `mosaicml`; fair check 25); None when no manifest does."""
    key = normalise(name.split("[")[0])
    if key in declaring:
        return key
    return same_name(key, declaring) or next((a for a in (aliases or {}).get(key, ()) if a in declaring), None)


# A wheel's file name (PEP 427): `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`.
_WHEEL_FILE = re.compile(r"^(?P<name>[A-Za-z0-9_.]+)-(?P<version>[^-]+)(?:-\d[^-]*)?-(?P<tags>[^-]+-[^-]+-[^-]+)\.whl$", re.IGNORECASE)


def _line_extras(name: str) -> list[str]:
    """The extras an install line's name asks for, lower case (`gym[atari, accept-rom-license]` → atari,
    accept-rom-license); [] without."""
    m = re.match(r"[^\[]*\[([^\]]*)\]", name)
    return [e.strip().lower() for e in m.group(1).split(",") if e.strip()] if m else []


def _declaring_fix(names: list[str], manifests: tuple[Manifest, ...], parsed=None, versions: Optional[dict] = None,
                   imported: frozenset[str] = frozenset(), aliases: Optional[dict] = None,
                   extras: Optional[dict] = None) -> str:
    """What to do about an install line: declare what no manifest declares; for what one already
    declares, say which file does (the line only installs it again), and under which name when it
    is another (`composer (as `mosaicml`)`)."""
    wheels = [u for u in (parsed.unresolved if parsed is not None else ()) if "://" not in u and u.lower().endswith(".whl")]
    wheel = _WHEEL_FILE.match(posixpath.basename(wheels[0].replace("\\", "/"))) if wheels and not names else None
    if wheel is not None and not parsed.requirement_files and not parsed.editables and len(parsed.unresolved) == 1:
        # `!gdown <Drive link>` then `%pip install tinycudann-1.7-cp310-cp310-linux_x86_64.whl`: a wheel file the
        # notebook fetched, one build for one Python and platform; no manifest has it yet (fair check 25 item 40).
        name, version, tags = wheel.group("name"), wheel.group("version"), wheel.group("tags")
        return (f"Declare {name} in {_declare_in(manifests, versions or {})} as a direct reference to the wheel the line installs "
                f"(`{name} @ <the wheel's URL>`; it is {name} {version} built for `{tags}` only) or as `{name}=={version}` with a "
                "`--find-links` line naming where the wheel is kept, and delete the line")
    local = parsed is not None and not parsed.requirement_files and (
        any("://" not in e for e in parsed.editables) or any(u.startswith((".", "/", "~")) for u in parsed.unresolved)
    )
    if not names and local:
        # `python setup.py develop`, `pip install -e .`: no manifest lists the local package yet.
        return ("Declare the local package in requirements.txt (`-e <its folder>`, relative to the requirements file) "
                "and delete the line")
    urls = [u for u in (parsed.unresolved if parsed is not None else ()) if "://" in u]
    if not names and urls and not parsed.requirement_files:
        # `!pip install git+https://…/repo`: nothing is declared yet, and a branch head is no version.
        # `…/repo.git@v0.1.0` names a tag already: the commit replaces it (a URL has one `@ref`).
        base, ref = _vcs_ref(urls[0])
        name = _url_distribution(urls[0], imported)
        pinned = (f"as `{name} @ {urls[0]}` (pinned to that commit)" if re.fullmatch(r"[0-9a-f]{7,40}", ref) else
                  f"pinned to a commit (`{name} @ {base}@<commit>`, the commit `{ref}` names: a tag or branch can move)" if ref else
                  f"pinned to a commit (`{name} @ {base}@<commit>`)")
        return (f"Declare it in requirements.txt {pinned} or as its release "
                "on the package index, and delete the line (for Colab, keep it under `if \"google.colab\" in sys.modules:`)")
    texts = [u for u in (parsed.unresolved if parsed is not None else ()) if _is_txt(u)]
    if not names and texts and not parsed.requirement_files:
        # `%pip install lab_setup.txt`: pip takes the file for a package; `-r` installs what it lists.
        return f"Install what it lists with `pip install -r {texts[0]}` before starting the kernel and delete the line"
    if not names:
        return "Install from the manifest before starting the kernel and delete the line"
    declaring: dict[str, str] = {}
    for manifest in manifests:
        for name in {r.name for r in manifest.requirements} | ({manifest.project_name} if manifest.project_name else set()):
            declaring.setdefault(name, manifest.path)
    listed_somewhere = {r.name for m in manifests for r in m.requirements}
    keys = {n: _declared_key(n, declaring, aliases) for n in names}
    undeclared = [n for n in names if keys[n] is None]
    declared = [n for n in names if keys[n] is not None]
    line_versions = versions if versions is not None else _line_versions(parsed)

    def shown(n: str) -> str:  # as the line writes it, and as the manifest does when that is another name
        return n if keys[n] == normalise(n.split("[")[0]) else f"{n} (as `{keys[n]}`)"

    where = _declare_in(manifests, line_versions)
    # The line's VCS installs beside its packages (`… sentence-transformers git+https://github.com/naver/splade.git`):
    # declared too, as direct references pinned to a commit (fair check 27: the fix left splade out, yet said to delete the line).
    references = [f"`{_url_distribution(u, imported)} @ {u}`" if re.fullmatch(r"[0-9a-f]{7,40}", _vcs_ref(u)[1]) else
                  f"`{_url_distribution(u, imported)} @ {_vcs_ref(u)[0]}@<commit>`" for u in urls if _VCS_INSTALL.match(u)]
    if not declared:
        return f"Declare {', '.join([_with_line_pin(n, line_versions, where) for n in names] + references)} in {where} (pinned) and delete the line"
    # A name only a manifest's own project name gives (`!pip install deepchem` in deepchem's tutorials,
    # beside its setup.py): that file does not declare the package, it builds it (fair check 17).
    own = [n for n in declared if keys[n] not in listed_somewhere]
    # `!pip install pandas==1.5.3` beside `pandas==2.1.0`: declared, but not the version the line
    # installs (left17: the fix said "already declared").
    differing = _differing_versions([n for n in declared if n not in own], manifests, declaring, line_versions, keys)
    # `!pip install gym[atari]` beside a Dockerfile's plain `gym`: declared, but not with the extra the line installs
    # (fair check 35, item 20: the fix said "gym[atari] … already declared").
    with_extras = _declared_extras(manifests)
    # An extra whose every package a manifest declares (`pydantic[email]` beside `email-validator==2.2.0`, `[extras]` of
    # the catalogue) lacks nothing (fair check 40, item 24).
    known_extras = extras or {}

    def listed_for(name: str, extra: str) -> bool:
        brings = known_extras.get(name, {}).get(normalise(extra), ())
        brings = [brings] if isinstance(brings, str) else [b for b in brings if isinstance(b, str)]
        return bool(brings) and all(normalise(b) in listed_somewhere for b in brings)

    lacking = {n: missing for n in declared if n not in own and n not in differing
               and (missing := [e for e in _line_extras(n) if (keys[n], e) not in with_extras and not listed_for(keys[n], e)])}
    listed = [n for n in declared if n not in own and n not in differing and n not in lacking]
    parts = []
    binder_docker = ""
    if listed:
        files = ", ".join(dict.fromkeys(declaring[keys[n]] for n in listed))
        binder_docker = _beside_dockerfile(files, manifests)
        # (The Dockerfile itself declaring them, `.devcontainer/Dockerfile`'s RUN line: nothing beside it is ignored.)
        parts.append(f"{', '.join(shown(n) for n in listed)} {'is' if len(listed) == 1 else 'are'} already declared in {files}"
                     + (f" (which Binder ignores, building from {binder_docker} alone)" if binder_docker and binder_docker not in files.split(", ") else ""))
    parts += [f"the install of `{installed}` differs from the `{spec}` that {file} declares" for installed, spec, file in differing.values()]
    lacking_parts = [f"`{n.split('[')[0]}` is declared in {declaring[keys[n]]} without the {', '.join(f'`{e}`' for e in missing)} "
                     f"extra{'s' if len(missing) > 1 else ''} the notebook's line installs" for n, missing in lacking.items()]
    extras_fix = ", ".join(f"`{n}`" for n in lacking)
    if own:
        files = ", ".join(dict.fromkeys(declaring[keys[n]] for n in own))
        parts.append(f"{', '.join(own)} {'is' if len(own) == 1 else 'are'} the project itself, built by {files}, "
                     "not a dependency it declares")
    already = "; ".join(parts + lacking_parts)
    # The example's file in a sibling folder has no DEP004 of its own (its lines are this line's root
    # cause): the fix says to pin them there.
    pinned = {r.name for m in manifests for r in m.requirements if r.pinned}
    unpinned = [n for n in declared if any(m.sibling and m.path == declaring[keys[n]] for m in manifests)
                and keys[n] not in pinned and n not in differing]
    if not undeclared and unpinned:
        return (f"{already}, unpinned: pin {'it' if len(unpinned) == 1 else 'them'} there "
                f"(`{keys[unpinned[0]]}==<the version you ran with>`), install from it before starting "
                "the kernel and delete the line")
    if not undeclared:
        how = ("install from it" if not own else "install the checkout with `pip install -e <its folder>`" if not listed and not differing
               else "install from them (the project with `pip install -e <its folder>`)")
        if binder_docker and not own:
            how = f"install {'it' if len(listed) == 1 else 'them'} in a RUN line of {binder_docker} (the image the kernel starts in)"
        if differing:
            how = f"pin there the version the notebook needs, {how}"
        if lacking:
            how = f"declare {extras_fix} there, {how}"
        fix = f"{already}: {how} {'and' if binder_docker and not own else 'before starting the kernel and'} delete the line"
        return "The" + fix[3:] if fix.startswith("the install of") else fix
    if lacking:
        # (each remedy after its own parts: the pin after the differing versions, the extras after theirs)
        already = "; ".join(parts)
    if differing:
        already += ": pin there the version the notebook needs"
    if lacking:
        already = "; ".join(p for p in (already, "; ".join(lacking_parts) + f": declare {extras_fix} there") if p)
    return (f"Declare {', '.join([_with_line_pin(n, line_versions, where) for n in undeclared] + references)} in {where} "
            f"(pinned; {already}) and delete the line")


def _beside_dockerfile(files: str, manifests: tuple[Manifest, ...]) -> str:
    """The Dockerfile beside the declaring file when that file sits in binder/ (or .binder/,
    .devcontainer/): repo2docker then builds from the Dockerfile alone and ignores the other files
    there (open-geo-tutorial: `binder/requirements.txt` beside a one-line `FROM pangeo/…`; fair
    check 18); "" when there is none."""
    folders = {posixpath.dirname(f) for f in files.split(", ")}
    docker = [m.path for m in manifests if m.kind == "dockerfile" and posixpath.dirname(m.path) in folders
              and posixpath.basename(posixpath.dirname(m.path)) in ENVIRONMENT_FOLDERS]
    return docker[0] if docker else ""


def _line_versions(parsed) -> dict[str, tuple[str, str, bool]]:
    """normalised name → (the spec as written, its version part, conda's syntax) of an install line's packages."""
    if parsed is None:
        return {}
    conda = parsed.tool in ("conda", "mamba", "micromamba")
    return {spec.normalised: (spec.spec, spec.constraint, conda) for spec in parsed.packages}


def _differing_versions(names: list[str], manifests: tuple[Manifest, ...], declaring: dict[str, str],
                        versions: dict[str, tuple[str, str, bool]], keys: Optional[dict] = None) -> dict[str, tuple[str, str, str]]:
    """name → (the line's spec, the manifest's spec, the manifest) for the packages the install line
    asks for in a version the manifest that declares them rules out: one side names one version the
    other side's range does not admit (`pandas==1.5.3` and `pandas==2.1.0`; `seaborn==0.12.2` and
    `seaborn>=0.13`; `numpy<1.20` and `numpy==1.26.4`). Two ranges, or an unreadable spec, are no claim."""
    out: dict[str, tuple[str, str, str]] = {}
    for name in names:
        key = normalise(name.split("[")[0])
        declared_as = (keys or {}).get(name) or key  # (the name the manifest writes it under)
        asked, where = versions.get(key), declaring.get(declared_as)
        manifest = next((m for m in manifests if m.path == where), None)
        requirement = next((r for r in manifest.requirements if r.name == declared_as), None) if manifest is not None else None
        if asked is None or requirement is None:
            continue
        if _versions_conflict(_version_specifier(asked[1], asked[2]), _version_specifier(_requirement_rest(requirement.spec), True)):
            out[name] = (asked[0], requirement.spec, where)
    return out


def _requirement_rest(spec: str) -> str:
    """The version part of a manifest line (`pandas[parquet]==2.1.0 ; python_version>'3.8'  # x` →
    `==2.1.0`; a conda channel's `conda-forge::scipy=1.11.4` → `=1.11.4`)."""
    text = re.split(r"\s#|^#", spec, maxsplit=1)[0].strip().split("::")[-1]
    match = re.match(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*", text)
    rest = text[match.end():] if match else ""
    return re.sub(r"^\s*\[[^\]]*\]", "", rest).split(";")[0].strip()


def _version_specifier(rest: str, conda: bool):
    """A `packaging` SpecifierSet for a version part as written, None when it is none pip reads
    (a direct reference, a conda build string). Conda's `=1.11.4` is the release and its patches
    (`==1.11.4.*`), its `==1.11.4=py310` that one version; a local label (`+cu118`) is dropped."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    # A local build label (`torch==2.2.1+cu118`, a CUDA build) is the same release: not another version.
    rest = re.sub(r"\+[A-Za-z0-9.]+", "", rest.strip())
    if rest.startswith("@"):
        return None
    if conda:
        single = re.fullmatch(r"=(?!=)\s*([^=<>!~,|*\s]+)(?:=\S*)?", rest)
        double = re.fullmatch(r"==\s*([^=<>!~,|*\s]+)=\S*", rest)
        rest = f"=={single.group(1)}.*" if single else f"=={double.group(1)}" if double else rest
    try:
        return SpecifierSet(rest)
    except InvalidSpecifier:
        return None


def _versions_conflict(installed, declared) -> bool:
    """One side pins one version (`==2.1.0`) that the other side's specifiers do not admit; or both
    name a release by conda's prefix (`=1.11.4`, `=1.10.1`) and neither prefix extends the other."""
    from packaging.version import InvalidVersion, Version

    if installed is None or declared is None:
        return False
    try:
        exact = False
        for pinned, other in ((_pinned_version(installed), declared), (_pinned_version(declared), installed)):
            if pinned is not None and not pinned[1]:
                exact = True
                if str(other) and not other.contains(Version(pinned[0]), prereleases=True):
                    return True
        if exact:
            return False
        first, second = _pinned_version(installed), _pinned_version(declared)
        if first is None or second is None:
            return False
        a, b = Version(first[0]).release, Version(second[0]).release
        return a[:len(b)] != b and b[:len(a)] != a
    except InvalidVersion:
        return False


def _pinned_version(specifiers) -> Optional[tuple[str, bool]]:
    """(version, is a prefix) of a lone `==2.1.0` / `===2.1.0` (False) or `==1.11.*` (True); None otherwise."""
    only = list(specifiers)
    if len(only) != 1 or only[0].operator not in ("==", "==="):
        return None
    version = only[0].version
    return (version[:-2], True) if version.endswith(".*") else (version, False)


_PRE_RELEASE = re.compile(r"(?:^|\s)--pre(?=\s|$)")


# What installs packages rather than being one the code imports: a line upgrading only these (before
# installing from git, say) is no dependency a manifest declares; the compiler does not write them either.
_INSTALLER_TOOLING = frozenset({"pip", "setuptools", "wheel", "uv"})
# What a conda line installs when it only updates conda itself and holds the interpreter (`conda install
# conda python=3.7`, after bootstrapping Miniconda on Colab): no requirements.txt line can be either, and
# PyPI's `conda` is an old stub (fair check 31, items 51 and 53). A line that also installs a package
# (`conda install python=3.9 numpy`) is still reported, naming all of them.
_CONDA_TOOLING = _INSTALLER_TOOLING | {"conda", "mamba", "python"}
_CONDA_TOOLS = frozenset({"conda", "mamba", "micromamba"})


def _find_spec_loop(ctx: RuleContext, ca: Optional[CellAnalysis], line: int) -> Optional[tuple[tuple[str, ...], bool]]:
    """An install line inside `for _pkg in PKGS:` (a list or tuple of string literals, or a name the
    notebook binds once to one) that installs the loop's name (`subprocess.run([sys.executable, "-m",
    "pip", "install", _pkg])`): (the packages the loop goes over, is the line under `if
    importlib.util.find_spec(…) is None:` inside the loop). None for any other line."""
    tree = cell_python_tree(ca) if ca is not None else None
    if tree is None:
        return None
    loops = [node for node in nodes_of(tree, ast.For) if isinstance(node, ast.For) and isinstance(node.target, ast.Name)
             and node.body[0].lineno <= line <= (node.body[-1].end_lineno or node.body[-1].lineno)]
    if not loops:
        return None
    loop = max(loops, key=lambda node: node.lineno)  # (the innermost)
    variable = loop.target.id  # type: ignore[union-attr]
    installs = [node for node in ast.walk(loop) if isinstance(node, ast.Call) and node.lineno == line]
    if not any(isinstance(sub, ast.Name) and sub.id == variable for call in installs for sub in ast.walk(call)):
        return None

    def strings(node: ast.AST) -> Optional[tuple[str, ...]]:
        if isinstance(node, (ast.List, ast.Tuple)) and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            return tuple(e.value for e in node.elts)  # type: ignore[attr-defined]
        return None

    listed = strings(loop.iter)
    if listed is None and isinstance(loop.iter, ast.Name):
        bound = ctx.shared("dependencies.string_list_globals", lambda: globals_bound_once(
            (cell_python_tree(c) for c in ctx.cells), lambda node, _found: strings(node)))
        listed = bound.get(loop.iter.id)
        name = loop.iter.id
        if listed is not None and any(
                (isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == name)
                or (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name
                    and node.attr in ("append", "extend", "insert"))
                for c in ctx.cells for tree_ in [cell_python_tree(c)] if tree_ is not None for node in ast.walk(tree_)):
            listed = None  # `PKGS += ["shap"]`, `PKGS.append(…)`: not the list it was bound to
    if listed is None:
        return None
    guarded = any(
        isinstance(node, ast.If) and missing_module_test(node.test)
        and any(isinstance(sub, ast.Name) and sub.id == variable for sub in ast.walk(node.test))
        and node.body[0].lineno <= line <= (node.body[-1].end_lineno or node.body[-1].lineno)
        for node in ast.walk(loop))
    return listed, guarded


def install_branch(ca: Optional[CellAnalysis], command, install_lines: frozenset[int] = frozenset()) -> tuple[bool, bool]:
    """(hosted, beside a local install) of an install line: does it run only on Colab or Kaggle, and
    is it in the hosted branch of an `if`/`else` whose other branch installs too? The `if`s are read
    from the cell's tree with `audit/hosted.py`: the body of `if IN_COLAB:` and the `else:` of `if
    "COLAB_" not in "".join(os.environ.keys()):` are hosted; the body of that negated test, and both
    branches of `if find_spec("torch") is None or IN_COLAB:`, run locally too. Where the local branch
    installs (`!pip install unsloth` / `else: <the same set-up for Colab>`), the hosted lines assemble
    the same environment for the hosted runtime: the local line is the finding. `install_lines` are
    the lines of the cell that install packages. Without a tree (a cell that does not parse), the
    line-based `hosted_only`."""
    lines = command.cell.source.split("\n")
    if ca is None:
        return hosted_only(lines, command.line), False
    if hosted_only(lines, command.line, if_guards=False):
        return True, False
    tree = cell_python_tree(ca)
    if tree is None:
        return hosted_only(lines, command.line), False
    return _if_branches(tree, command.line, install_lines)


def local_beside_hosted(ca: Optional[CellAnalysis], line: int) -> bool:
    """Is the install line the local branch of an `if`/`else` whose other branch is the hosted
    runtime's (`if "COLAB_" not in …: !pip install x` / `else: …`)? Its fix leaves that branch be."""
    tree = cell_python_tree(ca) if ca is not None else None
    if tree is None:
        return False
    for node in nodes_of(tree, ast.If):
        if not isinstance(node, ast.If) or not node.orelse or not node.lineno < line <= (node.end_lineno or 0):
            continue
        in_body = node.body[0].lineno <= line <= (node.body[-1].end_lineno or 0)
        if (in_body and local_test(node.test)) or (not in_body and hosted_test(node.test)):
            return True
    return False


def _if_branches(tree: ast.Module, line: int, install_lines: frozenset[int]) -> tuple[bool, bool]:
    """(hosted, beside a local install) of `install_branch`, read from the cell's `if`s."""
    hosted = beside_local = False
    for node in nodes_of(tree, ast.If):
        if not isinstance(node, ast.If) or not node.lineno < line <= (node.end_lineno or 0):
            continue
        in_body = node.body[0].lineno <= line <= (node.body[-1].end_lineno or 0)
        in_else = bool(node.orelse) and node.orelse[0].lineno <= line <= (node.orelse[-1].end_lineno or 0)
        if (in_body and hosted_test(node.test)) or (in_else and local_test(node.test)):
            hosted = True
            other = node.orelse if in_body else node.body
            if other and any(other[0].lineno <= n <= (other[-1].end_lineno or 0) for n in install_lines):
                beside_local = True
    return hosted, beside_local


# Packaging metadata of a library (its `install_requires`, `[project].dependencies`): a range is
# right there. The environment manifests (requirements files, conda files, Dockerfiles, Pipfiles)
# are where an analysis pins.
_LIBRARY_METADATA = frozenset({"setup.py", "setup.cfg", "pyproject"})


# A manifest named for developing or testing the library (`requirements-dev.txt`,
# `environment-dev.yml`, `dev-requirements.txt`, `requirements_test.txt`), not for running its notebooks.
_DEV_MANIFEST = re.compile(r"(?:^|[-_.])(?:dev|develop|development|test|tests|testing)(?:[-_.]|$)", re.IGNORECASE)


def _dev_duplicates(manifests: tuple[Manifest, ...], imported: dict[str, str], pinned: set[str]) -> dict[str, dict]:
    """The unpinned lines of a development environment file (`_DEV_MANIFEST`) for a distribution that an
    environment file of a folder nearer the notebook also declares unpinned (geopandas: `doc/environment.yml`,
    which the docs build runs the gallery notebooks in, and the root `environment-dev.yml` and
    `requirements-dev.txt` of contributors; fair check 14: 14 findings): one root cause, pinning the
    nearer file, so the dev file's line is told in the nearer file's finding instead of on its own.
    `folded`: (dev file, distribution); `notes`: (nearer file, distribution) → [(dev file, line, spec)].
    Manifests come nearest first; a library's metadata is never the nearer file (its range is left out
    when an environment file declares the name, so the dev line would be told nowhere)."""
    folded: dict[tuple[str, str], bool] = {}
    notes: dict[tuple[str, str], list[tuple[str, int, str]]] = {}
    for index, manifest in enumerate(manifests):
        if not _DEV_MANIFEST.search(posixpath.basename(manifest.path)):
            continue
        folder = _route_folder(manifest.path)
        for req in manifest.requirements:
            if req.name not in imported or req.name in pinned or req.named_build:
                continue
            nearer = next((m for m in manifests[:index]
                           if m.kind not in _LIBRARY_METADATA and _route_folder(m.path) != folder
                           and not _DEV_MANIFEST.search(posixpath.basename(m.path))
                           and any(r.name == req.name for r in m.requirements)), None)
            if nearer is None or (manifest.path, req.name) in folded:
                continue
            folded[(manifest.path, req.name)] = True
            notes.setdefault((nearer.path, req.name), []).append((manifest.path, req.line, req.spec))
    return {"folded": folded, "notes": notes}


def _environment_file(manifest: Manifest) -> bool:
    """Not a library's metadata: a requirements file (unless the `setup.py` beside it reads it as
    `install_requires`), a conda file, a Dockerfile, a Pipfile, a Hatch environment, and the
    pyproject.toml a compose service's image installs (`envs/py312/`: `uv pip install /build`)."""
    if manifest.compose_service:
        return True
    return manifest.kind not in _LIBRARY_METADATA and not manifest.read_by_setup


def _identical_copies(manifests: tuple[Manifest, ...]) -> dict[str, Manifest]:
    """Environment files of one project that list the same requirements (the same lines once comments,
    spaces and order are set aside: `docs/requirements.txt` kept a copy of the root `requirements.txt`
    for the docs build): each copy's path → the file that stands for them all, an environment's file
    before a docs build's, then the one in the folder furthest up (a subfolder's `requirements.txt`
    byte for byte the root one: the root file is the one the other notebooks of the repository read,
    so each notebook's audit finds the line at the same file; fair check 44, items 35 and 40), then
    the nearest. One list copied is one pin to make, not one per file (fair check 21: 14 of a
    course's 28 DEP004 findings were the docs copy's)."""
    groups: dict[tuple, list[Manifest]] = {}
    for manifest in manifests:
        if manifest.sibling or manifest.compose_service or not manifest.requirements or not _environment_file(manifest):
            continue
        lines = tuple(sorted("".join(_without_comment(r.spec).split()).lower() for r in manifest.requirements))
        groups.setdefault((manifest.kind, lines), []).append(manifest)
    copies: dict[str, Manifest] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        primary = min(members, key=lambda m: (_docs_build_file(m.path), _folder_depth(m.path), members.index(m)))
        copies.update((m.path, primary) for m in members if m is not primary)
    return copies


def _folder_depth(path: str) -> int:
    """How far below the display root a file's folder is (`requirements.txt` 0, `digits/requirements.txt`
    1, `../requirements.txt` -1)."""
    parts = [p for p in posixpath.normpath(posixpath.dirname(path) or ".").split("/") if p not in ("", ".")]
    return len(parts) - 2 * parts.count("..")


def _without_comment(spec: str) -> str:
    """A requirement line without its trailing comment, as messages quote it (`astroquery>=0.4.8.dev9474
    # pinned for …` read as "`… pinned …` is not pinned"; fair check 16)."""
    return re.split(r"\s#|^#", spec, maxsplit=1)[0].strip() or spec


# The global style settings of the plotting libraries, by top-level module: the attributes of the module (or of
# `matplotlib.pyplot`) through which the notebook only says how figures will look (`sns.set_style("whitegrid")`,
# `sns.set()`, `plt.rcParams["figure.figsize"] = (12, 6)`, `plt.style.use(…)`, `plt.rc(…)`).
_STYLE_ATTRIBUTES = {
    "matplotlib": frozenset({"rcParams", "rc", "rcdefaults", "style"}),
    "seaborn": frozenset({"set", "set_style", "set_theme", "set_context", "set_palette", "set_color_codes",
                          "reset_defaults", "reset_orig"}),
}
# Calls that draw (or write a drawing) through matplotlib without naming it: pandas' plotting methods (`df.plot()`,
# `df.hist()`), scikit-learn's displays (`ConfusionMatrixDisplay.from_predictions(…)`, `plot_tree(…)`), a figure saved.
_DRAWING_CALLS = frozenset({"hist", "boxplot", "scatter_matrix", "savefig", "imshow", "show", "from_estimator",
                            "from_predictions", "heatmap"})


def _draws_nothing(ctx: RuleContext) -> bool:
    """Did the notebook draw nothing? It was run and saved with its outputs (a code cell has an execution count),
    no output holds an image, and its code calls nothing that draws (`plot…`, `_DRAWING_CALLS`)."""
    ran = False
    for ca in ctx.cells:
        cell = ca.cell
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        ran = ran or cell.execution_count is not None
        if any(m.startswith("image/") for o in cell.outputs for m in o.mime_types):
            return False
        tree = cell_python_tree(ca)
        if tree is None:
            return False
        for call in nodes_of(tree, ast.Call):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id if isinstance(call.func, ast.Name) else ""
            if name.startswith("plot") or name in _DRAWING_CALLS:
                return False
    return ran


def _style_only_reads(ctx: RuleContext) -> frozenset[str]:
    """The names a plotting library's import binds (`sns`, `plt`; `_STYLE_ATTRIBUTES`) that the notebook reads only
    to set the global style (`sns.set_style("whitegrid")`, `plt.rcParams["figure.figsize"] = (12, 6)`), when it
    draws nothing (`_draws_nothing`): no version of the library changes what it computes or shows (fair check 49,
    items 32, 36). Empty otherwise."""
    bound: dict[str, frozenset[str]] = {}  # `sns` → seaborn's style attributes
    for ca in ctx.cells:
        for imp in cell_imports(ca):
            if imp.level or imp.imported is not None or imp.bound == imp.module:
                continue  # (a plain `import seaborn` may be there for what importing does: never unused)
            for top, attributes in _STYLE_ATTRIBUTES.items():
                if imp.module in (top, f"{top}.pyplot"):
                    bound[imp.bound] = attributes
    if not bound:
        return frozenset()
    styled: set[str] = set()
    other: set[str] = set()
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            return frozenset()
        styling = {id(node.value) for node in nodes_of(tree, ast.Attribute)
                   if isinstance(node.value, ast.Name) and node.value.id in bound and node.attr in bound[node.value.id]}
        for name in nodes_of(tree, ast.Name):
            if name.id in bound and not isinstance(name.ctx, ast.Store):
                (styled if id(name) in styling else other).add(name.id)
    only = frozenset(styled - other)
    return only if only and _draws_nothing(ctx) else frozenset()


def _unused_named_imports(ctx: RuleContext) -> frozenset[tuple[int, int, str]]:
    """(cell, line, module) of the import statements that bind only names given by the notebook (`import seaborn
    as sns`, `from seaborn import heatmap`) that no code cell reads, nor a magic or shell line names, or that it
    reads only to set a plotting library's style when it draws nothing (`_style_only_reads`). A plain
    `import pandas_profiling` / `import hvplot.pandas`, which binds the module's own name, is how a package is
    imported for what importing it does (an accessor registered, a style set) and is never counted unused; nor is a
    star import. Empty when a code cell cannot be read (whether it uses a name is unknown), and in a notebook that
    reads none of the names its imports bind."""
    read: set[str] = set()  # with the words of magic and shell lines (`%timeit sns.histplot(df)`)
    code_read: set[str] = set()
    statements: dict[tuple[int, int, str], list] = {}
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            if ca.cell.source.strip():
                return frozenset()
            continue
        code_read.update(n.id for n in nodes_of(tree, ast.Name) if not isinstance(n.ctx, ast.Store))
        read.update(re.findall(r"[A-Za-z_]\w*", " ".join(
            line for line in ca.cell.source.splitlines() if line.lstrip().startswith(("%", "!")))))
        for imp in cell_imports(ca):
            statements.setdefault((ca.cell.index, imp.line, imp.module), []).append(imp)
    read |= code_read
    if not any(imp.bound in code_read for imps in statements.values() for imp in imps):
        # A notebook whose code uses none of its imports (a template, a stub; an install line naming them is no use):
        # its imports say what it is for.
        return frozenset()
    styled = _style_only_reads(ctx)
    read -= styled - {w for ca in ctx.cells for line in ca.cell.source.splitlines()
                      if line.lstrip().startswith(("%", "!")) for w in re.findall(r"[A-Za-z_]\w*", line)}
    return frozenset(key for key, imps in statements.items()
                     if all(imp.bound != "*" and imp.level == 0 and (imp.imported is not None or imp.bound != imp.module)
                            and imp.bound not in read for imp in imps))


class UnpinnedRequirement(Rule):
    code = "DEP004"
    name = "unpinned-requirement"
    family = Family.DEPENDENCIES
    severity = Severity.INFO
    summary = "A manifest requirement for something the notebook imports is not pinned to one version."
    what_it_does = (
        "For each distribution the notebook imports (an import that binds only names the notebook gives, `import seaborn "
        "as sns` or `from seaborn import heatmap`, none of which any cell reads, is no use: no version changes what the "
        "notebook does; a plain `import seaborn`, which may be imported for what importing does, is, and so is every import "
        "of a notebook that reads none of its imports' names; nor is a seaborn or matplotlib import whose names are read "
        "only to set the global style, `sns.set_style(\"whitegrid\")`, `sns.set()`, `plt.rcParams[\"figure.figsize\"] = …`, "
        "`plt.style.use(…)`, in a notebook saved with its outputs that shows no image and calls nothing that draws, "
        "`df.plot()`, `df.hist()`, `plot_tree(…)`: it shows nothing a version could change), reports the manifest lines that declare it "
        "without an exact version: pip's `==`/`===`, a direct reference (`name @ url`; for a VCS URL, `git+…`, bare or so, only "
        "at a commit or a version tag, `@v1.0.1`: at a branch, `@main` or `@modern_ts_freeze`, or at none it installs whatever "
        "the branch holds, and the fix says to pin a commit), or conda's "
        "`name=1.2` (in a conda environment file, and in a requirements.txt that is conda's spec list, `conda list --export`'s "
        "`name=1.2=build` lines under its `conda create --name <env> --file <this file>` header). One finding per distribution and file, at its first line (a file listing it twice says so). "
        "The finding is located in the manifest (its path and line; in a `setup.py`, the line of the string), not in the "
        "notebook; when several notebooks of one audit share the manifest, the line is reported once, "
        "with each notebook that imports it as a related location. Not reported when another manifest of the project pins the same distribution "
        "(a ranged pyproject.toml beside a pinned requirements.txt is the usual, sound layout), nor, in a library's metadata "
        "(`setup.py`, `setup.cfg`, pyproject `[project]`), when an environment manifest of the project (requirements file, "
        "conda file, Dockerfile, Pipfile) declares the same distribution, pinned or not: that line is reported instead, and "
        "pinning it silences both. Nor is a development environment's line (`requirements-dev.txt`, `environment-dev.yml`, "
        "`requirements-test.txt`) when an environment file of a folder nearer the notebook (not a library's metadata, not "
        "itself a development file) declares the same distribution unpinned: the nearer file's finding names the dev "
        "file's line (a library's `doc/environment.yml`, where its gallery notebooks run, beside the contributors' "
        "`environment-dev.yml` at the root: pin the docs environment). "
        "Nor is the line of a copy of another environment file of the project (the same requirement lines, comments, spaces and "
        "order aside: a `docs/requirements.txt` kept identical to the root `requirements.txt` for the docs build): it is a related "
        "location of the finding on the file it copies (an environment's own file before a docs build's, then the one furthest up: a "
        "subfolder's copy of the root `requirements.txt` is told at the root file, which the repository's other notebooks read), whose "
        "message names it and whose fix says to pin both or make one `-r` the other. "
        "Nor is the line of last year's edition of an environment file (files of one folder whose names differ only by a "
        "year, `dl2023_cpu.yml` beside `dl2024_cpu.yml`) for a distribution a file of the newest year declares too: it is a "
        "related location of that file's finding (the one named the same but for the year, else the first), whose message "
        "names it. A library's range is told to be pinned where the environment is built, the file DEP001 adds lines to "
        "(`docs/environment.yml`, a Dockerfile's RUN line), else a requirements.txt beside the notebook. "
        "Nor is a line of an example's requirements file read from a sibling folder (DEP001): the notebook's install line "
        "of the same packages is DEP003, whose fix says to pin them there. A Poetry dependency locked in the `poetry.lock` "
        "beside its pyproject.toml is pinned (`poetry install` installs the locked version), and so is a `[project]` "
        "dependency (optional ones and dependency groups too) that the `uv.lock` beside it locks to one version, when "
        "that lock is uv's (`version = 1`) and locks the project itself (`uv sync` installs the locked version), "
        "or to one version per fork (each version under its own `resolution-markers`, none shared: one per Python range "
        "or platform, so every interpreter gets exactly one). "
        "A requirements file that the `setup.py` beside it reads as `install_requires` is a library's metadata here too; "
        "a Hatch environment of a pyproject (DEP001) and the pyproject.toml of a folder a compose file builds an image "
        "from are environment files. "
        "Nor is a package of a stock base image whose name carries its version though its tag floats (Kubeflow's "
        "`gcr.io/kubeflow-images-public/tensorflow-1.7.0-notebook-gpu:latest` or untagged, `[docker_stacks]` keys with `*`): "
        "the name is the build, and these images are no longer published; it pins nothing for the other manifests. "
        "The packages of a base image whose tag names no build (`jupyter/scipy-notebook:latest`, or a RAPIDS tag without its "
        "release, `rapidsai/rapidsai:cuda9.2-runtime-ubuntu16.04`; `[docker_release_tags]`) are one finding at the `FROM` "
        "line, naming those the notebook imports. "
        "A compatible-release pin on three or more version components (`tensorflow~=2.6.0`, "
        "which admits 2.6.x only) counts as pinned by default: it lets in patch releases, the "
        "bug fixes a team usually wants, and is a deliberate choice; so is its prefix spelling `tensorflow==2.6.*` (PEP 440 "
        "defines `~=2.6.0` as `>=2.6.0, ==2.6.*`; conda's `=2.6.*` too). `~=2.6` and `==2.*` (any 2.x) "
        "are ranges and are reported. To require exact pins, set `allow-patch-ranges = false` "
        "under `[tool.nbrefactor.dependencies]` in pyproject.toml. "
        "A metapackage's line (`- anaconda`, `jupyter`, `azureml-sdk`: `[metapackages]` of `rules/distributions.toml`) "
        "without an exact version is reported when the notebook imports a member it installs that no manifest declares "
        "on a line of its own: the member comes at whatever version the metapackage's newest release bundles. "
        "An environment an Azure ML notebook declares in code, `CondaDependencies.create(conda_packages=[…], "
        "pip_packages=[…])` outside a def and in a branch that runs, is a manifest too: one finding on the call's line "
        "lists the literal packages no exact version pins (azureml-* ones only with `pin_sdk_version=False`: by default "
        "the SDK pins them to the client's version). So is a curated environment fetched by name without a version "
        "(`Environment.get(ws, name=\"AzureML-sklearn-1.5\")`, no `version=` or `label=`): the run gets whichever version is "
        "newest that day. "
        "Nor is a line that cannot be installed at all (an unpinned `tensorflow-gpu`, `sklearn`): DEP007 reports it, and its "
        "fix pins the distribution the line meant. A pip requirements line written with conda's single `=` (`ipympl=0.9.3`) "
        "is reported as the line pip rejects, failing the whole `pip install -r`, and its fix is `ipympl==0.9.3`. "
        "Nor are the lines of a file that includes a requirements file by URL (`-r https://…/validated_linux_requirements.txt "
        "[--no-deps]`): pip takes that file's pin of the same distribution along with the line, and the audit never reads it. "
        "Being about a file rather than a cell, it is silenced through the `ignore` or "
        "`per-file-ignores` settings, not by a comment or tag in the notebook."
    )
    why_bad = (
        "A notebook's numbers depend on library versions: a new pandas or scikit-learn release "
        "changes defaults, and the same notebook gives other results (or fails) next month. An "
        "exact pin makes the run reproducible; ranges belong to libraries, not to analyses."
    )
    example = "# requirements.txt\npandas>=2.0\nscikit-learn"
    use_instead = "# requirements.txt\npandas==2.2.2\nscikit-learn==1.5.1"
    passing = (
        # `import seaborn as sns` with no `sns` anywhere (the notebook uses its other imports): no version of seaborn
        # changes what it computes or draws (fair check 41, item 23).
        Example(
            cells=("import pandas as pd\nimport seaborn as sns", "df = pd.read_csv('sales.csv')\ndf.describe()"),
            files={"requirements.txt": "pandas==2.2.2\nseaborn\n"},
        ),
        # seaborn and matplotlib read only to set the global style, in a notebook run without drawing anything (no
        # image output, no plotting call): no version of either changes what it computes or shows (fair check 49,
        # items 32, 36).
        Example(
            cells=(code_cell("import pandas as pd\nimport matplotlib.pyplot as plt\nimport seaborn as sns\n"
                        "sns.set_style('whitegrid')\nplt.rcParams['figure.figsize'] = (12, 6)", count=1),
                   code_cell("df = pd.read_csv('churn.csv')\nprint(df.describe())", count=2)),
            files={"requirements.txt": "pandas==2.2.2\nmatplotlib>=3.4.0\nseaborn>=0.11.0\n"},
        ),
        Example(
            cells=("import numpy as np\nimport pandas as pd",),
            files={"requirements.txt": "numpy==1.26.4\npandas===2.2.2\nrequests>=2  # not imported here\n"},
        ),
        Example(
            cells=("import numpy\nimport torch",),
            files={"environment.yml": "name: demo\ndependencies:\n  - numpy=1.26.4\n  - pytorch=2.3.1=py3.11_cpu_0\n"},
        ),
        # `conda list --export` saved as requirements.txt, for `conda create --name <env> --file requirements.txt`:
        # conda's `name=version=build` selects one version (fair check 25).
        Example(
            cells=("import numpy as np\nimport pandas as pd",),
            files={"requirements.txt": ("# This file may be used to create an environment using:\n"
                                        "# $ conda create --name <env> --file <this file>\n# platform: osx-64\n"
                                        "numpy=1.24.1=py311h62c7003_0\npandas=1.5.3=py311hd84f3f5_0\n")},
        ),
        # A compatible-release pin on the patch level (~=X.Y.Z admits X.Y.* only) is pinned enough
        # by default (`allow-patch-ranges`).
        Example(
            cells=("import pandas as pd\nimport sklearn",),
            files={"requirements.txt": "pandas~=2.2.2\nscikit-learn~=1.5.0.post1\n"},
        ),
        # The same series as a prefix match (`==0.10.*` is `~=0.10.0`): a course's requirements file (fair check 24).
        Example(
            cells=("import numpy as np\nfrom graphviz import Digraph",),
            files={"requirements.txt": "numpy==1.16.*\ngraphviz==0.10.*\n"},
        ),
        # An unpinned `tensorflow-gpu` admits 2.12.0, whose install fails: DEP007's line, not also this rule's.
        Example(
            cells=("import tensorflow as tf",),
            files={"requirements.txt": "tensorflow-gpu\n"},
        ),
        # Pinned in requirements.txt, ranged in pyproject.toml: pinned somewhere is enough.
        Example(
            cells=("import pandas as pd",),
            files={
                "requirements.txt": "pandas==2.2.2\n",
                "pyproject.toml": "[project]\nname = 'demo'\ndependencies = ['pandas>=2']\n\n[tool.nbrefactor]\n",
            },
        ),
        Example(cells=("import pandas as pd",)),
        # A Poetry caret with the poetry.lock beside it: `poetry install` installs the locked version.
        Example(
            cells=("import seaborn as sns",),
            files={"pyproject.toml": "[tool.poetry]\nname = 'course'\n\n[tool.poetry.dependencies]\nseaborn = \"^0.11.1\"\n\n"
                                     "[tool.nbrefactor]\n",
                   "poetry.lock": "[[package]]\nname = \"seaborn\"\nversion = \"0.11.1\"\n"},
        ),
        # A ranged `[project]` dependency with the project's uv.lock beside it: `uv sync` installs the locked version.
        Example(
            cells=("import sklearn",),
            files={"pyproject.toml": "[project]\nname = 'course'\ndependencies = ['scikit-learn>=1.4']\n\n[tool.nbrefactor]\n",
                   "uv.lock": ("version = 1\n\n[[package]]\nname = \"course\"\nversion = \"0.1.0\"\nsource = { virtual = \".\" }\n\n"
                               "[[package]]\nname = \"scikit-learn\"\nversion = \"1.6.1\"\n")},
        ),
        # uv forked the resolution per Python range: each interpreter gets exactly one numpy.
        Example(
            cells=("import numpy as np",),
            files={"pyproject.toml": "[project]\nname = 'course'\ndependencies = ['numpy>=1.26']\n\n[tool.nbrefactor]\n",
                   "uv.lock": ("version = 1\n\n[[package]]\nname = \"course\"\nversion = \"0.1.0\"\nsource = { virtual = \".\" }\n\n"
                               "[[package]]\nname = \"numpy\"\nversion = \"1.26.4\"\n"
                               "resolution-markers = [\"python_full_version < '3.13'\"]\n\n"
                               "[[package]]\nname = \"numpy\"\nversion = \"2.3.5\"\n"
                               "resolution-markers = [\"python_full_version >= '3.13'\"]\n")},
        ),
        # A RAPIDS tag that leads with its release is one build.
        Example(
            cells=("import cudf\nimport pandas as pd",),
            files={"Dockerfile": "FROM nvcr.io/nvidia/rapidsai/rapidsai:0.7-cuda10.0-runtime-ubuntu18.04-gcc7-py3.7\n"},
        ),
        # A file that includes a requirements file by URL (a validated freeze, unread offline): pip takes the
        # included pin of numpy with the range (fair check 27, Azure's AutoML environment files).
        Example(
            cells=("import numpy as np",),
            files={"automl_env.yml": "dependencies:\n- python=3.10\n- numpy>=1.21.6,<=1.23.5\n- pip:\n"
                                     "  - -r https://example.org/validated/1.59.0/validated_linux_requirements.txt --no-deps\n"},
        ),
        # A metapackage pinned to one release (`anaconda=2023.09`) pins the members it installs; an unpinned one
        # whose members the notebook imports, each on a line of its own, is those lines' finding (pinned here).
        Example(
            cells=("import numpy as np\nimport matplotlib.pyplot as plt",),
            files={"environment.yml": "dependencies:\n  - python=3.11\n  - anaconda=2023.09\n"},
        ),
        Example(
            cells=("import numpy as np",),
            files={"environment.yml": "dependencies:\n  - python=3.11\n  - anaconda\n  - numpy=1.26.4\n"},
        ),
        # An environment declared in code with every package pinned (the azureml-* ones by the SDK's default
        # `pin_sdk_version=True`), or only in a branch a switch turns off.
        Example(cells=(
            "from azureml.core import Environment\nfrom azureml.core.conda_dependencies import CondaDependencies",
            "cd = CondaDependencies.create(conda_packages=['scikit-learn==1.5.1', 'numpy=1.23.5'],\n"
            "                              pip_packages=['azureml-defaults', 'encrypted-inference==0.9'])",
            "USE_CURATED_ENV = True\nif USE_CURATED_ENV:\n    env = Environment.get(ws, name='AzureML-sklearn-1.5', version='3')\n"
            "else:\n    cd = CondaDependencies.create(conda_packages=['pandas'])",
        )),
        # `pd.read_parquet(path)` loads pyarrow when the environment has it: the fastparquet line beside it is never
        # imported (fair check 38, item 24).
        Example(
            cells=("import pandas as pd\ntrips = pd.read_parquet('trips.parquet')",),
            files={"environment.yml": ("name: taxis\ndependencies:\n  - pandas=2.2.2\n  - pyarrow=16.1.0\n"
                                       "  - fastparquet>=2023.0\n")},
        ),
    )
    failing = (
        # The same style settings where the notebook draws (pandas' `hist` through matplotlib), or was never run: the
        # style shapes the figures, or whether anything is drawn is unknown.
        Example(
            cells=(code_cell("import pandas as pd\nimport matplotlib.pyplot as plt\nimport seaborn as sns\n"
                        "sns.set_style('whitegrid')\nplt.rcParams['figure.figsize'] = (12, 6)", count=1),
                   code_cell("df = pd.read_csv('churn.csv')\ndf['tenure'].hist()", count=2)),
            files={"requirements.txt": "pandas==2.2.2\nmatplotlib>=3.4.0\nseaborn>=0.11.0\n"},
            expect=((None, 2), (None, 3)),
        ),
        Example(
            cells=("import pandas as pd\nimport matplotlib.pyplot as plt\nimport seaborn as sns\nsns.set()\n"
                   "plt.style.use('ggplot')", "df = pd.read_csv('churn.csv')\nprint(df.describe())"),
            files={"requirements.txt": "pandas==2.2.2\nmatplotlib>=3.4.0\nseaborn>=0.11.0\n"},
            expect=((None, 2), (None, 3)),
        ),
        Example(
            cells=("import numpy as np\nimport pandas as pd\nfrom sklearn.linear_model import LinearRegression",),
            files={"requirements.txt": "numpy==1.26.4\npandas>=2.0\nscikit-learn\nrequests>=2\n"},
            expect=((None, 2), (None, 3)),
        ),
        Example(
            cells=("import numpy", "import torch\nimport transformers"),
            files={
                "environment.yml": (
                    "name: demo\ndependencies:\n  - python=3.11\n  - numpy=1.26\n  - pytorch\n"
                    "  - pip\n  - pip:\n    - transformers>=4.40\n"
                )
            },
            expect=((None, 5), (None, 8)),
        ),
        # Last year's edition of the course environment (course2023.yml beside course2024.yml): its
        # tqdm line is a related location of the current file's finding.
        Example(
            cells=("import numpy as np\nfrom tqdm import tqdm",),
            files={"course2023.yml": "name: course2023\ndependencies:\n  - numpy=1.24.4\n  - pip:\n    - tqdm>=4.62\n",
                   "course2024.yml": "name: course2024\ndependencies:\n  - numpy=1.26.4\n  - tqdm>=4.66\n"},
            expect=((None, 4),),
        ),
        # A VCS line at a branch floats (fair check 21: `@modern_ts_freeze`); one at a commit does not.
        Example(
            cells=("import numpy as np\nimport pytorch_tabular\nimport torchsparse",),
            files={"environment.yml": ("name: ts\ndependencies:\n  - numpy=1.26.4\n  - pip\n  - pip:\n"
                                       "    - git+https://github.com/manujosephv/pytorch_tabular.git@modern_ts_freeze\n"
                                       "    - torchsparse @ git+https://github.com/mit-han-lab/torchsparse.git@385f5ce\n")},
            expect=((None, 6),),
        ),
        # A project that wants exact pins only: `~=X.Y.Z` is reported too.
        Example(
            cells=("import pandas as pd",),
            files={
                "pyproject.toml": "[tool.nbrefactor.dependencies]\nallow-patch-ranges = false\n",
                "requirements.txt": "pandas~=2.2.2\n",
            },
            expect=((None, 1),),
        ),
        # `~=2.2` admits every 2.x from 2.2 on: a minor-level range, reported; so does `==1.*`.
        Example(
            cells=("import pandas as pd\nimport numpy\nimport scipy",),
            files={"requirements.txt": "pandas~=2.2\nnumpy~=1.26.4\nscipy==1.*\n"},
            expect=((None, 1), (None, 3)),
        ),
        # A RAPIDS image tag without its release follows every release: one finding for the FROM line
        # (cudf and pandas), none for the RUN line's pin.
        Example(
            cells=("import cudf\nimport pandas as pd\nimport seaborn as sns",),
            files={"Dockerfile": "FROM rapidsai/rapidsai:cuda10.0-runtime-ubuntu18.04\n"
                                 "RUN source activate rapids && conda install -y seaborn=0.9.0\n"},
            expect=((None, 1),),
        ),
        # A helper library's setup.py beside an unpinned requirements.txt: the requirements line is
        # reported; the library's range only for what no environment manifest declares (pandas).
        Example(
            cells=("import numpy as np\nimport pandas as pd",),
            files={
                "requirements.txt": "numpy\n",
                "setup.py": "from setuptools import setup\n\nsetup(name='helpers', py_modules=['helpers'],\n      install_requires=['numpy', 'pandas'])\n",
            },
            expect=((None, 1), (None, 4)),
        ),
        # A file including only a local requirements file (read, or not, on its own) is no freeze of unknown contents.
        Example(
            cells=("import numpy as np",),
            files={"automl_env.yml": "dependencies:\n- python=3.10\n- numpy>=1.21.6,<=1.23.5\n- pip:\n  - -r common.txt\n"},
            expect=((None, 3),),
        ),
        # The `anaconda` metapackage unpinned (fair check 26, QuantEcon's lectures): numpy and matplotlib, which
        # the notebook imports, come at whatever versions its newest release bundles.
        Example(
            cells=("import numpy as np\nimport matplotlib.pyplot as plt",),
            files={"environment.yml": "name: lectures\ndependencies:\n  - python=3.8\n  - anaconda\n"},
            expect=((None, 4),),
        ),
        # A pipeline step's environment declared in code with scikit-learn unpinned (fair check 27, T-6.5), and
        # the azureml-* packages left to float by `pin_sdk_version=False`.
        Example(cells=(
            "from azureml.core.runconfig import RunConfiguration\nfrom azureml.core.conda_dependencies import CondaDependencies",
            "run_config = RunConfiguration()\nrun_config.environment.python.user_managed_dependencies = False\n"
            "run_config.environment.python.conda_dependencies = CondaDependencies.create(conda_packages=['scikit-learn'])",
            "cd = CondaDependencies.create(pip_packages=['azureml-sdk', 'pyarrow==14.0.2'], pin_sdk_version=False)",
        ), expect=((2, 3), (3, 1))),
        # A curated environment by name, no version, that a run uses (fair check 27, T-9.5); the workspace's own one is
        # not curated, and one fetched only to show how (read by nothing) runs nothing.
        Example(cells=(
            "from azureml.core import Environment, ScriptRunConfig",
            "tf_env = Environment.get(ws, name='AzureML-tensorflow-2.16-cuda12')\nmy_env = Environment.get(workspace=ws, name='tutorial-env')\n"
            "shown_env = Environment.get(workspace=ws, name='AzureML-Minimal')",
            "src = ScriptRunConfig(source_directory='.', script='train.py', environment=tf_env)",
        ), expect=((2, 1),)),
        # The TensorFlow image at `latest` under a notebook importing only numpy from it: the message says the whole image
        # floats, not numpy alone (fair check 36, item 22: Udacity's assignment 1 beside its TensorFlow Dockerfile).
        Example(cells=("import numpy as np\nfrom sklearn.linear_model import LogisticRegression",),
                files={"Dockerfile": "FROM gcr.io/tensorflow/tensorflow:latest\nRUN pip install scikit-learn==0.18.1\n"},
                expect=((None, 1),)),
        # A pixi.toml's open line (fair check 37); numpy's bare version pins (pixi reads `"1.26.4"` as `==1.26.4`),
        # and the pixi.lock beside it pins what it locks (scikit-learn).
        Example(
            cells=("import numpy as np\nimport pandas as pd\nimport sklearn",),
            files={"pixi.toml": ("[workspace]\nname = \"demo\"\n\n[dependencies]\nnumpy = \"1.26.4\"\npandas = \">=2.0\"\n\n"
                                 "[pypi-dependencies]\nscikit-learn = \">=1.4\"\n"),
                   "pixi.lock": ("version: 6\npackages:\n- pypi: https://files.pythonhosted.org/packages/ab/cd/"
                                 "scikit_learn-1.5.0-cp311-cp311-manylinux_2_17_x86_64.whl\n  name: scikit-learn\n  version: 1.5.0\n")},
            expect=((None, 6),),
        ),
        # A call that names its engine loads that one, whatever else the environment has (fair check 38, item 24).
        Example(
            cells=("import pandas as pd\ntrips = pd.read_parquet('trips.parquet', engine='fastparquet')",),
            files={"environment.yml": ("name: taxis\ndependencies:\n  - pandas=2.2.2\n  - pyarrow=16.1.0\n"
                                       "  - fastparquet>=2023.0\n")},
            expect=((None, 5),),
        ),
        # A plain `import seaborn` binds the module's own name: an import for what importing does (seaborn before 0.8
        # set its style on import), so its version matters though no cell names it; `sns` read is a use (fair check
        # 41, item 23's true cases).
        Example(
            cells=("import pandas as pd\nimport seaborn", "df = pd.read_csv('sales.csv')\ndf.plot()"),
            files={"requirements.txt": "pandas==2.2.2\nseaborn\n"},
            expect=((None, 2),),
        ),
        Example(
            cells=("import pandas as pd\nimport seaborn as sns", "df = pd.read_csv('sales.csv')\nsns.histplot(df)"),
            files={"requirements.txt": "pandas==2.2.2\nseaborn\n"},
            expect=((None, 2),),
        ),
        # A subfolder's requirements.txt copied from the root one: one finding per line, at the root file the other
        # notebooks read, the copy's line related (fair check 44, items 35 and 40).
        Example(
            cells=("import numpy as np\nimport keras",),
            files={"requirements.txt": "numpy\nkeras==3.6.0\n", "digits/requirements.txt": "numpy\nkeras==3.6.0\n"},
            path="digits/example.ipynb",
            expect=((None, 1),),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        yield from _environments_in_code(ctx)
        manifests = ctx.project.manifests
        if not manifests:
            return
        imported: dict[str, str] = {}  # normalised candidate → why the notebook needs it
        engine_uses: list[tuple[tuple[str, ...], ...]] = []  # the engines of each call any of several serve
        alone: set[str] = set()  # names some use needs on their own (an import, a call naming its engine)
        unused = _unused_named_imports(ctx)
        for use in third_party_imports(ctx.facts, ctx.project, ctx.catalog):
            if not use.how and (use.cell.index, use.line, use.module) in unused:
                # `import seaborn as sns` with no `sns` anywhere: no version of it can change what the notebook
                # computes or draws; the version matters only to what uses it (fair check 41, item 23).
                continue
            for candidate in use.resolution.normalised:
                imported.setdefault(candidate, f"`{use.shown}` {use.how}" if use.how else f"the notebook imports `{use.module.split('.')[0]}`")
            if use.alternatives:
                engine_uses.append(use.alternatives)
            else:
                alone.update(use.resolution.normalised)
        allow_patch = bool(ctx.settings.rule_option("dependencies", "allow-patch-ranges"))

        def pinned_enough(req: Requirement) -> bool:
            return req.pinned or (allow_patch and req.patch_range)

        pinned = {r.name for m in manifests for r in m.requirements if pinned_enough(r)}
        # What the environment manifests declare, pinned or not: their own line carries the finding,
        # so a library's range for the same distribution is not reported a second time.
        environment = {r.name for m in manifests if _environment_file(m) for r in m.requirements}
        declared = {r.name for m in manifests for r in m.requirements}
        metapackages = _metapackages(ctx.catalog)
        also = _dev_duplicates(manifests, imported, pinned)
        # Last year's edition of an environment file (`dl2023_cpu.yml` beside `dl2024_cpu.yml`): its
        # line for a distribution that a current file declares unpinned too is told as a related
        # location of the current file's finding, one pin to make (fair check 20: 18 findings).
        editions = _editions(manifests)
        older: dict[tuple[str, str], list[tuple[str, int]]] = {}  # (current file, distribution) -> older lines
        folded_old: set[tuple[str, str]] = set()
        for manifest in manifests:
            current = editions.get(manifest.path)
            if not current:
                continue
            for req in manifest.requirements:
                if req.name not in imported or req.name in pinned or (manifest.path, req.name) in folded_old:
                    continue
                having = [m for m in current if any(r.name == req.name for r in m.requirements)]
                if having:
                    home = _same_edition_name(manifest, tuple(having))
                    older.setdefault((home.path, req.name), []).append((manifest.path, req.line))
                    folded_old.add((manifest.path, req.name))
        # A copy of another environment file (`docs/requirements.txt` = `requirements.txt`): its line is a
        # related location of the finding on the file it copies, whose message names it.
        copies = _identical_copies(manifests)
        copied: dict[tuple[str, str], list[tuple[str, int]]] = {}
        folded_copy: set[tuple[str, str]] = set()
        for manifest in manifests:
            primary = copies.get(manifest.path)
            if primary is None:
                continue
            for req in manifest.requirements:
                if ((manifest.path, req.name) in folded_copy or (primary.path, req.name) in folded_old
                        or (primary.path, req.name) in also.get("folded", {})):
                    continue
                copied.setdefault((primary.path, req.name), []).append((manifest.path, req.line))
                folded_copy.add((manifest.path, req.name))
        for manifest in manifests:
            if manifest.sibling:
                continue  # the example's file beside the notebook's folder: DEP003 on the notebook's install line says to pin it
            if manifest.remote_includes:
                # `-r https://…/validated_darwin_requirements.txt [--no-deps]` beside the line: pip takes the
                # included file's pin for the same distribution with it, and the audit never reads that file
                # (fair check 27: `numpy>=1.21.6,<=1.23.5` beside the AutoML environment's validated freeze).
                continue
            library = not _environment_file(manifest)
            # One finding per distribution and file, at its first line: a file listing `daft` twice
            # (a copy-paste, or an over-indented pip list read line by line) needs one pin.
            lines: dict[str, list[int]] = {}
            for req in manifest.requirements:
                lines.setdefault(req.name, []).append(req.line)
            reported: set[str] = set()
            # A base image whose tag names no build (`FROM rapidsai/rapidsai:cuda9.2-runtime-ubuntu16.04`,
            # `jupyter/scipy-notebook:latest`): one finding for the FROM line, naming the packages the
            # notebook imports from it, not one per package (fair check 15: 18 findings on two lines).
            from_image: dict[int, list[Requirement]] = {}
            # A package a RUN line installs too is that line's (it replaces the image's build).
            installed = {r.name for r in manifest.requirements if "# in the image " not in r.spec}
            for req in manifest.requirements:
                if (manifest.kind == "dockerfile" and "# in the image " in req.spec and req.name in imported
                        and req.name not in pinned and not req.named_build and req.name not in installed):
                    from_image.setdefault(req.line, []).append(req)
            for line, reqs in from_image.items():
                reported.update(r.name for r in reqs)
                image = reqs[0].spec.rsplit("# in the image ", 1)[-1].strip()
                names = list(dict.fromkeys(r.name for r in reqs))
                yield Hit(
                    None,
                    line,
                    None,
                    # The image is what floats (fair check 36, item 22: "its `numpy` … is whatever the tag points to"
                    # read as if numpy alone moved, on the TensorFlow image whose tensorflow decides): the whole image,
                    # and with it the packages of it the notebook imports.
                    f"`FROM {image}` in {manifest.path} names no build: the whole image, and with it the "
                    f"{', '.join(f'`{n}`' for n in names[:6])}" + (f" and {len(names) - 6} more" if len(names) > 6 else "")
                    + " the notebook imports from it, is whatever the tag points to when it is pulled",
                    path=manifest.path,
                    snippet=f"FROM {image}",
                    fix=(f"Pin the image to the tag of one build (`FROM {image.rsplit(':', 1)[0] if ':' in image.split('/')[-1] else image}:<tag>`), "
                         f"or install `{names[0]}==<the version you ran with>` in a RUN line"),
                    key=f"image:{image}",
                )
            unused = _unused_engines(manifest, engine_uses, alone)
            for req in manifest.requirements:
                why = imported.get(req.name) if req.name not in unused else None
                if why is None and req.name in metapackages:
                    # `- anaconda` (or `jupyter`, `azureml-sdk`) unpinned: the members the notebook imports, which no
                    # manifest declares on a line of its own, come at whatever versions the metapackage's newest release
                    # bundles (fair check 26: QuantEcon's environment.yml is `python=3.8` and `anaconda`).
                    members = [m for m in metapackages[req.name] if normalise(m) in imported and normalise(m) not in declared]
                    if members:
                        shown = ", ".join(f"`{m}`" for m in members[:5]) + (f" and {len(members) - 5} more" if len(members) > 5 else "")
                        why = f"a metapackage: it installs {shown}, which the notebook imports"
                if why is None or req.name in pinned or (library and req.name in environment) or req.named_build:
                    continue
                if _uninstallable(req, manifest) is not None:
                    continue  # a line that cannot be installed at all (unpinned `tensorflow-gpu`): DEP007's, whose fix pins too
                if req.name in reported:
                    continue  # (its names, not its lines: two specs located on one line are still one finding)
                reported.add(req.name)
                if (manifest.path, req.name) in also.get("folded", {}):
                    continue  # a development environment's line: told with the nearer file's finding
                if (manifest.path, req.name) in folded_old:
                    continue  # last year's edition: a related location of the current file's finding
                if (manifest.path, req.name) in folded_copy:
                    continue  # a copy of another file: a related location of that file's finding
                again = sorted(set(lines[req.name]) - {req.line})
                # Where the environment is built: the file DEP001 adds lines to when there is one (fair
                # check 20: causalml's docs build from conda files, not from "a requirements.txt").
                home = _home_manifest(manifests, _homeless_projects(ctx)) if library else None
                built = (_home_phrase(home, manifests).removeprefix("to ") if home is not None and _environment_file(home)
                         else "a requirements.txt beside the notebook")
                # A VCS URL at a branch (or at none): what moves is the ref, and a commit pins it.
                vcs = next((word for word in _without_comment(req.spec).split() if word.startswith("git+")), None)
                base, ref = _vcs_ref(vcs) if vcs else ("", "")
                single = _single_equals_version(req, manifest)
                yield Hit(
                    None,
                    req.line,
                    None,
                    f"`{_without_comment(req.spec)}` in {manifest.path} "
                    + ("is no pin pip reads: pip rejects the single `=` (conda's spelling) as an invalid requirement, so "
                       f"`pip install -r {posixpath.basename(manifest.path)}` stops at this line and installs none of the file "
                       if single else "is not pinned to one version ")
                    + f"({why}"
                    + ((f"; `@{ref}` names a branch, or a tag named like one, which can move" if ref else
                        "; it installs the head of the default branch") if vcs else "") + ")"
                    + (f"; it is listed again on line{'s' if len(again) > 1 else ''} {', '.join(map(str, again))}" if again else "")
                    + "".join(f"; {path} (line {line}), a development environment further up, lists it unpinned too (`{spec}`)"
                              for path, line, spec in also.get("notes", {}).get((manifest.path, req.name), ()))
                    + ("; the older edition" + ("s " if len(older.get((manifest.path, req.name), ())) > 1 else " ")
                       + ", ".join(f"{path} (line {line})" for path, line in older[(manifest.path, req.name)])
                       + " of this environment " + ("list" if len(older[(manifest.path, req.name)]) > 1 else "lists") + " it too"
                       if older.get((manifest.path, req.name)) else "")
                    + "".join(f"; {path} (line {line}), an identical copy of this file, lists it too"
                              for path, line in copied.get((manifest.path, req.name), ())),
                    path=manifest.path,
                    snippet=req.spec,
                    fix=(f"Pin the image to the tag of one build (`FROM {req.spec.rsplit(' ', 1)[-1].rsplit(':', 1)[0]}:<tag>`), "
                         f"or install `{req.name}==<the version you ran with>` in a RUN line"
                         if manifest.kind == "dockerfile" and "# in the image " in req.spec else
                         f"Pin `{req.name}==<the version you ran with>` where the environment is built ({built}); the range "
                         f"can stay in the package's {posixpath.basename(manifest.path)}"
                         + (", which setup.py reads as the library's `install_requires`" if manifest.read_by_setup else "")
                         if library else
                         (f"Write `{_REQ_NAME_AT.match(req.spec).group(0)}=={single}`, the version the line names, with pip's `==`"
                          if single else
                          f"Pin it to a commit: `{_without_comment(req.spec).split(vcs)[0]}{base}@<commit>{_fragment(vcs)}`" if vcs else
                          # pixi's table takes the version as a string, and the lock `pixi install` writes pins it all
                          # (fair check 37: no pixi.lock committed).
                          f"Pin it: `{_REQ_NAME_AT.match(req.spec).group(0)} = \"==<the version you ran with>\"`, or commit the "
                          "pixi.lock that `pixi install` writes beside it" if manifest.kind == "pixi" and _REQ_NAME_AT.match(req.spec) else
                          f"Pin it: `{req.name}==<the version you ran with>`")
                         + (" in both files" + (" (or make the copy `-r` this one, so that one pin serves both)"
                                                 if manifest.kind == "requirements" else "")
                            if copied.get((manifest.path, req.name)) else "")),
                    key=req.name,
                    related_files=tuple(older.get((manifest.path, req.name), ())) + tuple(copied.get((manifest.path, req.name), ())),
                )


# `ipympl=0.9.3`: a name (extras allowed) and a version after a single `=`.
_SINGLE_EQUALS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?\s*=\s*(?P<version>\d[^=<>!~,;*\s]*)$")


def _single_equals_version(req: Requirement, manifest: Manifest) -> Optional[str]:
    """The version of a pip requirements line written with conda's single `=` (`ipympl=0.9.3`), which pip rejects
    as an invalid requirement, failing the whole `pip install -r` (fair check 47, item 37): None for any other line,
    and in conda's own spec list (`conda list --export`), where `=` is the pin."""
    if manifest.kind != "requirements" or req.conda:
        return None
    match = _SINGLE_EQUALS.match(_without_comment(req.spec).strip())
    return match.group("version") if match else None


def _unused_engines(manifest: Manifest, engine_uses: list[tuple[tuple[str, ...], ...]], alone: set[str]) -> frozenset[str]:
    """The lines of `manifest` for an engine that no call of the notebook loads from it: for a call any of
    several engines serve (`pd.read_parquet(path)`: pyarrow, else fastparquet), the library loads the first
    one the environment has, so a later one the same file declares is never imported (fair check 38, item
    24: `fastparquet>=2023.0` beside `pyarrow>=12.0.0`, reported with pyarrow's message). Not a name some
    other use needs on its own (`import fastparquet`, `engine="fastparquet"`), nor one another call loads."""
    if not engine_uses:
        return frozenset()
    names = {r.name for r in manifest.requirements}
    passed: set[str] = set()
    loaded: set[str] = set()
    for engines in engine_uses:
        first = next((i for i, group in enumerate(engines) if names & set(group)), None)
        if first is not None:
            loaded.update(engines[first])
            passed.update(n for group in engines[first + 1:] for n in group)
    return frozenset(passed - loaded - alone)


# The name a requirement line starts with, as written.
_REQ_NAME_AT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


# What stops at an uninstallable line, per kind of manifest: every environment built from the file.
_INSTALL_STOPS = {
    "requirements": "`pip install -r {name}` stops at it, for every notebook of the project, whatever they import",
    "environment": "`conda env create -f {name}` stops at its `pip:` list, for every notebook of the project",
    "pipfile": "`pipenv install` stops at it (with `--dev` for a dev package), for every notebook of the project",
    "pixi": "`pixi install` stops at it, for every notebook of the project",
    "dockerfile": "the image's build stops at this RUN line, for every notebook run in it",
}


def _uninstallable_fix(req: Requirement, real: str, manifest: Optional[Manifest] = None) -> str:
    """How to declare what an uninstallable line meant (`_uninstallable`): the real distribution, pinned; a
    placeholder's line whose file already declares the real one (`sklearn==0.0.post1` beside `scikit-learn==1.5.2`,
    a `pip freeze` of an environment that had both) is only to be removed."""
    shown = _without_comment(req.spec)
    declared = next((r for r in manifest.requirements if r.name == real and r.name != req.name and not r.conda),
                    None) if manifest is not None and req.name in _UNINSTALLABLE else None
    if declared is not None:
        return f"Remove `{shown}`: the file already declares `{_without_comment(declared.spec).strip()}` (line {declared.line}), what it meant"
    if req.name in _CONDA_ONLY:
        wheel = _CONDA_ONLY[req.name]
        return (f"Remove `{shown}` here and declare `{req.name}` in a conda environment file whose `channels:` list has "
                "`rapidsai`" + (f", or replace it with `{wheel}==<the version you ran with>` (RAPIDS' pip wheels for CUDA 12)"
                                if wheel else " (`nvstrings` was merged into `cudf` at RAPIDS 0.16: declare `cudf` there)"))
    local = _LOCAL_LABEL_PIN.match(shown) if req.name not in _UNINSTALLABLE else None
    if local is not None:
        version, label = local["version"].split("+", 1)[0], local["label"]
        index = (f"https://download.pytorch.org/whl/{label}" if req.name in _PYTORCH_INDEX_NAMES
                 else "<the index that has it>")
        return (f"Name the index that has the `+{label}` builds where this file is installed (`--extra-index-url "
                f"{index}`), or replace `{shown}` with `{req.name}=={version}`, the package index's build of that release")
    if req.name == "tensorflow-gpu":
        return (f"Replace `{shown}` with `tensorflow==<the version you ran with>` (`tensorflow` has the same GPU support "
                "since 2.1), or pin `tensorflow-gpu==<the version you ran with>` to a release before 2.12")
    if "==" in real:
        return f"Replace `{shown}` with `{real}`"
    return f"Replace `{shown}` with `{real}==<the version you ran with>`"


# Words of a manifest's file name that mark it as Windows' (`environment_win.yml`, `requirements-windows.txt`).
_WINDOWS_NAME_WORDS = frozenset({"win", "windows", "win32", "win64"})


def _named_for_windows(path: str) -> bool:
    """Does the manifest's file name say it is Windows' own (`environment_win.yml`, `requirements-windows.txt`,
    `env.win64.yml`)? Its Windows-only lines are right there: the platform is the file's, chosen by its name (fair
    check 51, item 47, platform-named-env-file: a win-64 conda export whose `pywin32==306` installs on Windows)."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return any(word in _WINDOWS_NAME_WORDS for word in re.split(r"[-_.\s]+", name))


def _windows_only(req: Requirement, manifest: Manifest, names: frozenset[str]) -> Optional[tuple[str, str]]:
    """(the distribution, what it is on the package index) for a line naming a distribution the index has for
    Windows alone (`names`: `[windows_only]` of rules/distributions.toml, `pywin32`), without an environment marker
    that keeps it to Windows; None for any other line, for conda's packages, a direct reference or VCS URL, a lock
    and a file that names another index (fair check 48, recall T-9.5: `pywin32==306` from a Windows `pip freeze`)."""
    if (req.name not in names or req.conda or req.named_build or manifest.other_index or manifest.kind == "uv.lock"
            or "# in the image " in req.spec or _named_for_windows(manifest.path)):
        return None
    text = _without_comment(req.spec)
    if ";" in text or "@" in text or "://" in text:
        return None
    return (req.name, "for Windows only on the package index (wheels for Windows alone, no source distribution): on "
                      "Linux and macOS pip finds no version of it")


class UninstallableRequirement(Rule):
    code = "DEP007"
    name = "uninstallable-requirement"
    family = Family.DEPENDENCIES
    severity = Severity.ERROR
    summary = "A manifest line names a distribution whose install always fails: the whole file cannot be installed."
    what_it_does = (
        "Reports a line of a manifest (requirements*.txt, an environment file's `pip:` list, a Pipfile, pyproject.toml "
        "dependencies, setup.py `install_requires`, setup.cfg, a Dockerfile's `pip install`) that names a distribution "
        "whose install is known, offline and for certain, to fail: PyPI's `skimage` (its only release, 0.0, stops the "
        "install: \"Please install the scikit-image package\"), `pytorch` (a placeholder, not PyTorch's `torch`), RAPIDS' "
        "`cudf`, `cuml`, `cugraph` and `nvstrings` (placeholders whose setup.py says to use the rapidsai conda channel), "
        "`sklearn` unpinned or pinned to a post release (`sklearn==0.0.post1`; deprecated: its post releases always fail since December 2023), and `tensorflow-gpu` "
        "when the line admits 2.12.0 (its newest release, an sdist that fails on install; `tensorflow-gpu==2.4.1` "
        "installs); and a line of a requirements file, an environment file's `pip:` list, a Pipfile or a Dockerfile's "
        "`pip install` pinning a local version (`torch==2.5.1+cu124`: the package index holds no version with a local "
        "label, so no release matches), and a requirements line with its version glued to the name (`scikit-learn-0.20.0`, meant "
        "as `scikit-learn==0.20.0`: pip reads one name, of no project; only where the name before the version is a "
        "distribution the catalogue knows), the local-version lines once per file with its other such lines named (an index that only a README's install command names, `pip "
        "install -r requirements.txt --index-url …`, is not looked for). The line is reported whether or not the notebook imports that distribution: one failing line stops "
        "`pip install -r` of the whole file, so every notebook of the project lacks its environment. The finding is "
        "located in the manifest (its path and line), once per line however many notebooks of the audit share it, each "
        "notebook as a related location, and so is each import of the distribution the line meant (`from skimage import "
        "io` for `skimage==0.0`): that import is not also reported as undeclared (DEP001), since replacing the line "
        "declares it. The fix names the distribution to declare instead (`scikit-image`, `scikit-learn`, `torch`, "
        "`tensorflow`, RAPIDS' conda channel or its `-cu12` wheels). "
        "Not reported: a conda package (an environment file's `dependencies:` outside `pip:`, a Dockerfile's `conda "
        "install`, conda's spec list saved as requirements.txt: conda's `pytorch` and `cudf` are real), a line of a file "
        "that names another package index or link page (`--extra-index-url`, `-f`, a second Pipfile `[[source]]`: the "
        "name may be a real release there), a direct reference or VCS URL, a line behind an environment marker, "
        "`sklearn==0.0` (whether that first release still installs is not known offline), `tensorflow-gpu` pinned before "
        "2.12, and anything that depends on the Python version (a release without a wheel for a new "
        "Python): only what fails everywhere, but for a distribution the package index has for Windows alone (`[windows_only]` "
        "of rules/distributions.toml: `pywin32`, `pypiwin32`; wheels for Windows only, no source distribution) named "
        "without an environment marker (`; sys_platform == \"win32\"`), which fails wherever notebooks are run but on "
        "Windows (Linux and macOS, CI, Binder, Colab, a Docker image): its fix adds the marker; not in a file whose name "
        "marks it as Windows' own (`environment_win.yml`, `requirements-windows.txt`), where such lines are right. "
        "Being about a file rather than a cell, it is silenced through the `ignore` or `per-file-ignores` settings."
    )
    why_bad = (
        "A CI job or a colleague runs `pip install -r requirements.txt` first: one placeholder line stops it, and "
        "nothing in the notebooks says so. The distribution the line meant is never installed, and neither is anything "
        "else the file lists."
    )
    example = "# requirements.txt\nnumpy==1.14.5\nskimage==0.0"
    use_instead = "# requirements.txt\nnumpy==1.14.5\nscikit-image==0.14.2"
    passing = (
        Example(
            cells=("import numpy as np\nfrom skimage import io\nimport sklearn\nimport torch",),
            files={"requirements.txt": "numpy==1.26.4\nscikit-image==0.24.0\nscikit-learn==1.5.1\ntorch==2.3.0\n"},
        ),
        # The first `sklearn` release pinned, a `tensorflow-gpu` release before 2.12: not known to fail.
        Example(
            cells=("import sklearn\nimport tensorflow as tf",),
            files={"requirements.txt": "sklearn==0.0\ntensorflow-gpu==2.4.1\n"},
        ),
        # conda's packages: `pytorch` and `cudf` are real there (the `pip:` list's `scikit-learn` is declared right).
        Example(
            cells=("import torch\nimport cudf",),
            files={"environment.yml": "name: demo\nchannels:\n  - rapidsai\ndependencies:\n  - pytorch=2.3.1\n  - cudf=24.08\n"
                                      "  - pip\n  - pip:\n    - scikit-learn==1.5.1\n"},
        ),
        # Another index: the name may be a real release there.
        Example(
            cells=("import cudf",),
            files={"requirements.txt": "--extra-index-url https://pypi.nvidia.com\ncudf==24.8.3\n"},
        ),
        # A Windows-only distribution kept to Windows by its marker.
        Example(
            cells=("import numpy as np",),
            files={"requirements.txt": "numpy==1.26.4\npywin32==306; sys_platform == \"win32\"\n"},
        ),
        # Local-label builds with the link page that has them (patrickloeber/pytorch-examples).
        Example(
            cells=("import torch",),
            files={"requirements.txt": "-f https://download.pytorch.org/whl/torch_stable.html\ntorch==1.6.0+cpu\n"},
        ),
    )
    failing = (
        # Fair check 35 (recall T-2.1, T-4.1, T-6.1): nfmcclure/tensorflow_cookbook's requirements.txt, for a notebook
        # that does not import scikit-image: `pip install -r` of the file stops at line 2 all the same.
        Example(
            cells=("import numpy as np",),
            files={"requirements.txt": "numpy==1.14.5\nskimage==0.0\n"},
            expect=((None, 2),),
        ),
        # `scikit-learn-0.20.0`: the version glued to the name with `-` (fair check 39, obs145628/ml-notebooks); the
        # notebook's sklearn import is related, not also DEP001. Not a name the catalogue does not know (`mytool-1.2`).
        Example(
            cells=("import numpy as np\nfrom sklearn.datasets import load_iris",),
            files={"requirements.txt": "numpy==1.14.5\nscikit-learn-0.20.0\nmytool-1.2\n"},
            expect=((None, 2),),
        ),
        # The placeholder `sklearn`, unpinned, for a notebook that imports sklearn (TheAlgorithms/Jupyter's line 10):
        # one finding at the line, the import related (not also DEP001).
        Example(
            cells=("import pandas as pd\nfrom sklearn.linear_model import Ridge",),
            files={"requirements.txt": "pandas==2.2.2\nsklearn\n"},
            expect=((None, 2),),
        ),
        # A Dockerfile's pip install of `pytorch`; a `pip:` list's `tensorflow-gpu` that admits 2.12.
        Example(
            cells=("import torch",),
            files={"Dockerfile": "FROM python:3.11-slim\nRUN pip install numpy==1.26.4 pytorch\n"},
            expect=((None, 2),),
        ),
        Example(
            cells=("import tensorflow as tf",),
            files={"environment.yml": "name: demo\ndependencies:\n  - python=3.10\n  - pip\n  - pip:\n    - tensorflow-gpu>=2.0\n"},
            expect=((None, 6),),
        ),
        # Fair check 37 (recall, mateuszk098/kaggle-notebooks): CUDA builds pinned with their local label and no
        # index that has them: PyPI holds no local version, so `pip install -r` stops. One finding for the file.
        Example(
            cells=("import torch\nimport torchvision",),
            files={"requirements.txt": "numpy==2.2.0\ntorch==2.5.1+cu124\ntorchvision==0.20.1+cu124\n"},
            expect=((None, 2),),
        ),
        # Fair check 48 (recall T-9.5, T-10.2): a Windows `pip freeze` keeps `pywin32==306`, which has no file for Linux
        # or macOS; the same line with `; sys_platform == "win32"` installs everywhere.
        Example(
            cells=("import numpy as np",),
            files={"requirements.txt": "numpy==1.26.4\npywin32==306\npywin32-ctypes==0.2.2\n"},
            expect=((None, 2),),
        ),
        # A library's install_requires naming RAPIDS' placeholder.
        Example(
            cells=("import pandas as pd",),
            files={"setup.py": "from setuptools import setup\n\nsetup(name='helpers', py_modules=['helpers'],\n"
                               "      install_requires=['pandas==2.2.2', 'cuml'])\n"},
            expect=((None, 4),),
        ),
        # Fair check 52, recall T-4.5/T-5.5: `sklearn` pinned to a post release (a `pip freeze` of an environment
        # that once installed the placeholder): every post release fails on install since December 2023.
        Example(
            cells=("import sklearn\nimport numpy as np",),
            files={"requirements.txt": "numpy==1.26.4\nscikit-learn==1.5.2\nsklearn==0.0.post1\n"},
            expect=((None, 3),),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        manifests = ctx.project.manifests
        if not manifests:
            return
        found: list[tuple[Manifest, Requirement, tuple[str, str]]] = []
        windows_names = frozenset(normalise(str(n)) for n in
                                  (ctx.catalog.table("distributions", "windows_only", {}) or {}).get("names", ()))
        windows: set[tuple[str, int]] = set()  # the lines `_windows_only` found
        for manifest in manifests:
            for req in manifest.requirements:
                entry = _uninstallable(req, manifest)
                if entry is None and "-" in req.spec:
                    entry = _glued_version_entry(req, manifest, catalogued_distributions(ctx.catalog))
                if entry is None:
                    entry = _windows_only(req, manifest, windows_names)
                    if entry is not None:
                        windows.add((manifest.path, req.line))
                if entry is not None:
                    found.append((manifest, req, entry))
        if not found:
            return
        uses = list(third_party_imports(ctx.facts, ctx.project, ctx.catalog))
        seen: set[tuple[str, int]] = set()
        # Local-label pins of one file (`torch==2.5.1+cu124`, `torchvision==0.20.1+cu124`) have one fix,
        # naming the index that has those builds: one finding at the first, the others named in it.
        local_lines: dict[str, list[tuple[Manifest, Requirement]]] = {}
        for manifest, req, (real, _) in found:
            if req.name not in _UNINSTALLABLE and "==" not in real and (manifest.path, req.line) not in windows:
                local_lines.setdefault(manifest.path, []).append((manifest, req))
        for manifest, req, (real, why) in found:
            if (manifest.path, req.line) in seen:
                continue  # two specs read from one line (a Dockerfile's `pip install pytorch cudf`): its first
            seen.add((manifest.path, req.line))
            others: list[tuple[Manifest, Requirement]] = []
            if (manifest.path, req.line) in windows:
                real_names = {req.name}
            elif "==" in real:  # a glued version (`_glued_version_entry`): the line meant `real`
                real_names = {normalise(real.split("==")[0])}
            elif req.name not in _UNINSTALLABLE:
                others = [o for o in local_lines[manifest.path] if o[1].line != req.line]
                seen.update((m.path, r.line) for m, r in others)
                if others:
                    why += "; so " + ("are " if len(others) > 1 else "is ") + ", ".join(
                        f"`{_without_comment(r.spec)}` (line {r.line})" for _, r in others)
                real_names = {req.name, *(r.name for _, r in others)}
            else:
                real_names = {real, req.name}
            # The notebook's imports of what the line meant: related, one root cause (DEP001 leaves them).
            related = tuple(dict.fromkeys((u.cell, u.line, u.column) for u in uses
                                          if real_names & set(u.resolution.normalised)))
            stops = _INSTALL_STOPS.get(manifest.kind, "any install that takes this line (`pip install .`, or the extra or "
                                                      "group that lists it) stops at it")
            yield Hit(
                None,
                req.line,
                None,
                f"`{_without_comment(req.spec)}` in {manifest.path} cannot be installed: `{req.name}` is {why}; "
                + stops.format(name=posixpath.basename(manifest.path)),
                path=manifest.path,
                snippet=req.spec,
                fix=(f"Keep it to Windows with an environment marker, `{_without_comment(req.spec).strip()}; sys_platform == \"win32\"`, "
                     "or remove the line if no notebook needs it" if (manifest.path, req.line) in windows else
                     _uninstallable_fix(req, real, manifest) + (", and each line it names alike" if others else "")),
                key=f"uninstallable:{req.name}",
                related=related,
            )
