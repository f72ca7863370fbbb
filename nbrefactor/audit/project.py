"""What surrounds a notebook: dependency manifests beside it or above it (or in a `binder/`,
`.binder/` or `.devcontainer/` folder beside it or above it), and local modules.

`discover_project` is the I/O edge (it reads files, never writes); the parsers are pure. Manifests
are looked for from the notebook's folder up to the project root: the nearest folder holding `.git`
or a `pyproject.toml` with a `[tool.nbrefactor]` table (the root itself included).
"""

from __future__ import annotations

import ast
import codecs
import configparser
import errno
import fnmatch
import json
import os
import posixpath
import re
import shlex
import sys
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote
from typing import Collection, Iterable, Iterator, Optional, Sequence

from nbrefactor.audit.facts import dotted_name
from nbrefactor.audit.loader import code_cell_sources
from nbrefactor.lazy_tomllib import tomllib

MANIFEST_GLOBS = (
    "requirements*.txt",
    # `dev-requirements.txt`, `mlflow-requirements.txt`: a requirements file named by its purpose,
    # read only when every line reads as one (`reads_as_requirements`; fair check 11).
    "*-requirements.txt",
    "environment.yml", "environment.yaml", "pyproject.toml", "setup.cfg", "setup.py",
    # A Dockerfile whose RUN lines install Python packages (book and course repositories ship one
    # instead of a requirements file; repo2docker builds from it) and a conda environment file
    # under another name (`deep-learning.yml`): read only when they declare packages (`parse_manifest`).
    "Dockerfile", "Dockerfile.*", "*.[Dd]ockerfile", "Containerfile", "*.yml", "*.yaml",
    # Pipenv's manifest (the deployment modules of many courses); its lock beside it pins what the
    # Pipfile leaves open (read with the Pipfile: `_pipfile_lock`).
    "Pipfile", "Pipfile.lock",
    # pixi's manifest (`parse_pixi`); its `pixi.lock` is read with it (fair check 37).
    "pixi.toml",
)
# Manifests that declare only the folder they are in (never looked for in ENVIRONMENT_FOLDERS).
# Any-named YAML is not looked for there either: Binder reads only `environment.yml` from binder/.
_PACKAGE_MANIFESTS = ("pyproject.toml", "setup.cfg", "setup.py", "*.yml", "*.yaml", "pixi.toml")
# `serve.Dockerfile` and `homework.dockerfile`: the suffix in either case.
DOCKERFILE_GLOBS = ("Dockerfile", "Dockerfile.*", "*.[Dd]ockerfile", "Containerfile")
# Folders that hold the environment of the notebooks around them by convention: repo2docker
# (Binder) reads `binder/` or `.binder/` before the folder itself; a dev container (Codespaces)
# builds from `.devcontainer/`, whose Dockerfile installs its requirements.txt. A manifest there
# declares what the notebooks above and beside it import.
ENVIRONMENT_FOLDERS = ("binder", ".binder", ".devcontainer")


@dataclass(frozen=True)
class Requirement:
    """One requirement of a manifest."""

    name: str  # normalised distribution name (PEP 503: lower case, runs of -_. as "-")
    spec: str  # the line as written
    line: int
    pinned: bool  # `==`/`===`, a conda `=version`, or a direct reference `name @ url`
    # A compatible-release pin on three or more release components (`~=1.2.3`: >=1.2.3, ==1.2.*):
    # it admits patch releases only. Whether that is pinned enough is a setting of DEP004.
    patch_range: bool = False
    # Shipped by a base image whose name is its build though its tag floats (Kubeflow's
    # `tensorflow-1.7.0-notebook-gpu:latest`, no longer published): not a line to pin (DEP004 leaves
    # it), yet no pin that speaks for the project's other manifests either.
    named_build: bool = False
    # A conda package (an environment file's `dependencies:` outside its `pip:` list, a Dockerfile's `conda
    # install`, conda's spec list saved as requirements.txt), not a name on the Python package index: the
    # index's placeholders (`sklearn`, `cudf`) say nothing of conda's packages (DEP007).
    conda: bool = False


@dataclass(frozen=True)
class Manifest:
    """A file declaring the project's dependencies, and what it declares."""

    path: str
    kind: str  # requirements | environment | pyproject | hatch | setup.cfg | setup.py | dockerfile | pipfile | pixi | uv.lock
    requirements: tuple[Requirement, ...]
    project_name: Optional[str] = None  # normalised `[project] name` / poetry name / setup.cfg name
    # A Dockerfile's `FROM` images, as (reference, line): a docker-stacks image brings its packages
    # (`with_image_packages`, from `[docker_stacks]` of `rules/distributions.toml`).
    base_images: tuple[tuple[str, int], ...] = ()
    # Files a Dockerfile copies in and installs (`COPY env/base.txt /tmp/` + `pip install -r
    # /tmp/base.txt`), relative to its folder: manifests too (`_manifests_in` reads them). For a
    # requirements file, the local files it includes (`-r app/requirements.txt`), relative to its own
    # folder as pip reads them (fair check 53: a project's `requirements.txt` of that one line).
    includes: tuple[str, ...] = ()
    # A uv workspace lock's members (normalised): the lock is the environment only of the notebooks
    # that import one of them (`scoped_to_workspace`).
    members: tuple[str, ...] = ()
    # What a Dockerfile's image runs when it is not a notebook server, as its CMD/ENTRYPOINT says it (`python
    # app.py`, a Lambda image's handler `lambda_function.lambda_handler`): an app's or a function's image, whose
    # packages are that program's; a notebook beside it is its client, not run in it (`dockerfile_program`;
    # fair check 48, item 4).
    program: Optional[str] = None
    # Local projects a Dockerfile copies in and pip-installs (`COPY . .`, `WORKDIR python`, `pip install
    # -e ".[dev, parallel]"`), as (folder relative to the Dockerfile's folder, extras named): their
    # pyproject.toml/setup.cfg/setup.py is a manifest too (`_included_manifests`; fair check 14).
    projects: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The example's requirements file found in a sibling folder of the notebook's (`scripts/` beside
    # `notebooks/`; `with_sibling_requirements`): it declares, yet its unpinned lines are not DEP004's,
    # since the notebook's own install line of the same names carries that finding (DEP003).
    sibling: bool = False
    # The Python versions the manifest admits, as written (`>=3.6.0, <3.9.0` of setup.py's
    # `python_requires`, pyproject's `requires-python`, a Poetry `python` range, conda's `=3.8` of an
    # environment's `python` line); None when it says nothing. A bound below the Python a library
    # release requires keeps pip from installing that release (DEP005).
    python_requires: Optional[str] = None
    # The Hatch environments (`[tool.hatch.envs.<name>]`) whose `dependencies`/`extra-dependencies`
    # a `hatch` manifest holds, those with a line first: where a missing line goes.
    environments: tuple[str, ...] = ()
    # A requirements file that the `setup.py` beside it reads as its `install_requires` (causallib:
    # `install_requires=get_valid_packages_from_requirement_file("requirements.txt")`): the
    # library's own metadata, ranges every install of the library takes (fair check 18).
    read_by_setup: bool = False
    # The docker-compose service that builds the image of a sub-folder this manifest is in
    # (`envs/py312/pyproject.toml`, built by the service `py312` from `envs/py312/Dockerfile`):
    # a second environment of the project, for notebooks that need what the main one cannot hold.
    compose_service: Optional[str] = None
    # A requirements file the repository's CI installs before it executes the notebook's folder
    # (`pip install -r testing/requirements.txt`, then `pytest testing/test_notebooks.py`), wherever
    # it is (`_ci_notebook_requirements`; fair check 22): the notebooks' own list, where an install
    # line of theirs belongs.
    ci_installed: bool = False
    # For the pyproject.toml of a package (a `[build-system]` and a `[project]`) with PEP 735
    # `[dependency-groups]`: the group where its notebooks' extra packages go (one named for docs,
    # notebooks, examples or tutorials, else `dev`, else the first), since a line of `[project]`
    # dependencies makes every user of the package install it (fair check 22, statsforecast's docs
    # notebooks: `uv sync --group dev` builds their environment).
    notebook_group: Optional[str] = None
    # The same for a Poetry library (`[tool.poetry]` with a name and a `[build-system]`): its notebook
    # group is one of `[tool.poetry.group.<name>]` (fair check 24: neural_prophet's docs notebooks).
    poetry_group: bool = False
    # Requirements files the manifest includes by URL (`-r https://…/validated_linux_requirements.txt`, a
    # line of a requirements file or of an environment file's `pip:` list), which the audit never fetches:
    # they may declare and pin anything (fair check 27: Azure's AutoML environment files install a
    # validated freeze so). As (URL, line).
    remote_includes: tuple[tuple[str, int], ...] = ()
    # A pyproject.toml whose `[project]` has no `dependencies` and whose only lists are extras named for
    # working on the repository (`[project.optional-dependencies] dev = [ruff, pre-commit, …]`): the
    # contributors' tools, no environment of the notebooks (fair check 27: pinecone's examples, where each
    # notebook pins its own install line).
    contributors_only: bool = False
    # The file names a package index or link page besides PyPI (`--extra-index-url https://pypi.nvidia.com`,
    # `-f …/torch_stable.html`, a Pipfile's second `[[source]]`, a pyproject's `[[tool.uv.index]]`): a name that is a
    # placeholder on PyPI may be a real release there, so DEP007 says nothing of the file's lines.
    other_index: bool = False
    # A conda environment file's environment name (the last part of its `name:` or `prefix:`; `conda env
    # export` writes `name: /opt/…/envs/ml-tutorials`): a notebook whose kernelspec names that environment
    # runs in it (`names_kernel_environment`).
    env_name: Optional[str] = None


# What names another package index or link page: pip's options (in a requirements file, an environment file's
# `pip:` list, a Dockerfile's RUN line, `PIP_EXTRA_INDEX_URL`), a Pipfile's `[[source]]` (one is PyPI's; DEP007
# counts them), uv's and Poetry's index tables of a pyproject.toml.
_OTHER_INDEX = re.compile(r"(?:^|[\s'\"=])(?:-i|--index-url|--extra-index-url|-f|--find-links)(?=[\s=])|PIP_(?:EXTRA_)?INDEX_URL|PIP_FIND_LINKS"
                          r"|^\s*\[\[tool\.(?:uv\.index|poetry\.source)\]\]|^\s*\[\[?tool\.pdm\.source", re.MULTILINE)


def names_other_index(text: str) -> bool:
    """Does a manifest's text name a package index or link page besides PyPI (`_OTHER_INDEX`)?"""
    return _OTHER_INDEX.search(text) is not None or len(re.findall(r"(?m)^\s*\[\[source\]\]", text)) > 1


# `-r https://…/requirements.txt` / `--requirement=https://…`: a requirements file included by URL.
_REMOTE_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s*=?\s*|\s+)['\"]?(?P<url>https?://[^\s'\"]+)")


def _remote_include(text: str) -> Optional[str]:
    """The URL a requirements line includes (`-r https://host/reqs.txt [--no-deps]`), else None."""
    match = _REMOTE_INCLUDE.match(text.strip())
    return match.group("url") if match else None


# `-r base.txt` / `--requirement=../app/requirements.txt`: a requirements file included by path.
_LOCAL_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s*=?\s*|\s+)['\"]?(?P<path>[^\s'\"#]+)")


def _local_include(text: str) -> Optional[str]:
    """The local file a requirements line includes, relative to the including file's folder
    (`-r app/requirements.txt`), else None (a URL, `_remote_include`; a path built from the
    environment or the home folder, which the audit cannot resolve)."""
    match = _LOCAL_INCLUDE.match(text.strip())
    if match is None or "://" in match["path"] or match["path"][:1] in "/~${":
        return None
    return match["path"]


# A seeding helper's switch: a parameter a seeding call of its body runs under `if <parameter>:`,
# as (name, position among the positional parameters (-1: keyword-only), the truth of its literal
# default (None: no literal default)); `ProjectContext.seed_helpers`.
SeedSwitch = tuple[str, int, Optional[bool]]


@dataclass(frozen=True)
class ProjectContext:
    """What the project around a notebook declares and provides."""

    manifests: tuple[Manifest, ...] = ()
    local_modules: frozenset[str] = frozenset()  # importable names beside the notebook
    # Packages of the project around the notebook: modules and packages of the folders above it
    # up to the project root, and the root's `src/` layout (and the `src/` of a sub-project with its
    # own build file on the way, `_built_src_modules`). A notebook reaches them through an
    # editable install or `sys.path.append("..")`; either way they are not third-party.
    project_modules: frozenset[str] = frozenset()
    # The modules of a `src/` folder, without a build file beside it, of the notebook's folder or a
    # folder above it below the project root (a portfolio's `projects/02-risk/src/etl.py`, the
    # notebook in `projects/02-risk/notebooks/`): the project's own code when no distribution table
    # knows the name (`distributions.import_kind`; fair check 42, item 2).
    unbuilt_src_modules: frozenset[str] = frozenset()
    # System (apt) packages the environment files around the notebook declare: Binder's `apt.txt`,
    # the `packages.txt` of Streamlit Cloud and Hugging Face Spaces (beside or above the notebook,
    # or in binder/, .binder/, .devcontainer/ there), as (package, file) pairs.
    system_packages: tuple[tuple[str, str], ...] = ()
    # The names of `local_modules` that are only a folder of code without `__init__.py` (a
    # namespace package): `import torch` beside a `torch/` folder of scripts still imports the
    # installed torch, because a regular package anywhere on `sys.path` wins over a namespace folder.
    namespace_modules: frozenset[str] = frozenset()
    # What `from <module> import *` binds, per `.py` module beside the notebook: its `__all__`, or
    # its public top-level names; None when the module itself binds names nobody can list (a star
    # import, `exec`, `globals()`) or does not parse.
    star_exports: tuple[tuple[str, Optional[frozenset[str]]], ...] = ()
    # The regular packages (with `__init__.py`) of the folders above the notebook, nearest first, as
    # (name, folder, folder as shown in messages): where `project_modules` names come from. Consulted
    # only for a name a known distribution also has (see `distributions.import_kind`): a course's
    # `numpy/` folder of lessons at the repository root is no replacement for numpy.
    project_packages: tuple[tuple[str, str, str], ...] = ()
    # The file names that URL literals of the notebook end with (`…/raw/main/helpers.py` →
    # `helpers.py`) and that are files beside the notebook (`with_downloads_present`): a fetch the
    # notebook skips when its destination exists (`if not exists(basename(url))`) never runs there.
    downloads_present: frozenset[str] = frozenset()
    # The folders given as literals to TensorFlow 1's `read_data_sets("data/mnist/")` that hold, from
    # the notebook's folder, the MNIST files the helper looks for (`with_downloads_present`): it
    # downloads only what its folder lacks, so run from there it fetches nothing.
    committed_helper_datasets: frozenset[str] = frozenset()
    # (class, root as written) of torchvision dataset classes given a literal root (`datasets.MNIST(
    # "data/", download=True)`) whose folder of files, laid out as torchvision names it
    # (`<root>/MNIST/raw`, `<root>/cifar-10-batches-py`), is there from the notebook's folder: the
    # class downloads only when its files are missing, so run from there it fetches nothing.
    committed_torch_datasets: frozenset[tuple[str, str]] = frozenset()
    # The file names that raw GitHub URL literals of the notebook end with (`raw.githubusercontent.com/
    # o/r/master/05_Merge/cars1.csv` → `cars1.csv`) that are files beside the notebook: an exercise
    # repository fetching its own committed data; PTH003 says to read the local copy (fair check 15).
    committed_copies: frozenset[str] = frozenset()
    # Raw GitHub URLs of the notebook whose file is committed elsewhere in the repository, at the
    # path the URL names below its branch (`github.com/o/r/raw/master/datasets/x.xlsx` with
    # `datasets/x.xlsx` in a folder above the notebook): (URL path after the branch, that file's path
    # from the notebook's folder). PTH003 says to read that copy (fair check 17, items 91, 94).
    committed_repo_copies: tuple[tuple[str, str], ...] = ()
    # The file names other http(s) URL literals of the notebook end with (`https://org.github.io/data/
    # sam/tree_boxes.geojson` → `tree_boxes.geojson`) that are files in the `data/` folder beside the
    # notebook, as (name, path from the notebook's folder): PTH003 says a file of that name is
    # committed there (fair check 20, item 95). One `stat` per name.
    committed_data_copies: tuple[tuple[str, str], ...] = ()
    # (URL, destination as written) of the notebook's `!wget URL -O data/x.csv` / `!curl URL -o …`
    # lines whose destination is a file committed from the notebook's folder: each run overwrites
    # the committed copy with the download (fair check 48, item 93). One `stat` per destination.
    committed_destinations: tuple[tuple[str, str], ...] = ()
    # Relative path literals (`'../data/cancer.csv'`, as written) of a notebook that falls back on a
    # missing file (`except FileNotFoundError:`), that are files from the notebook's folder: a `try:`
    # reading that committed copy, `except FileNotFoundError:` fetching it, downloads nothing when run
    # from its folder (fair check 19, try-local-then-fetch-committed-copy). One `stat` per literal.
    present_fallback_reads: frozenset[str] = frozenset()
    # Importable names in the notebook's parent folder, what `sys.path.append("..")` adds (modules,
    # packages, folders of code); None when not looked at.
    parent_modules: Optional[frozenset[str]] = None
    # Per relative folder a literal `sys.path.insert/append` of the notebook adds (`"drive/course/
    # notebooks"`, as written; not `..` nor one that climbs above the notebook), the importable names in
    # that folder as found in the repository: from the notebook's folder and each folder above it up to
    # the project root, the path as written and without its leading parts (a clone of the repository
    # in a mounted Drive, `drive/Fast-Pytorch/Learning_Pytorch`, is the repository's `Learning_Pytorch/`).
    # PTH005 leaves an edit whose folder no import below it names a module of (fair check 32, items 97-99).
    # The third field: was such a folder found at all (a folder found empty of modules holds no class
    # an unpickled object could need either).
    path_entry_modules: tuple[tuple[str, frozenset[str], bool], ...] = ()
    # The project root above the notebook (the folder with `.git` or a `[tool.nbrefactor]`
    # pyproject.toml, the notebook's own included), as shown in messages; None when there is none.
    # Where a missing manifest goes: notebooks of one root missing the same line are one root cause.
    root: Optional[str] = None
    # Per module or package beside the notebook, its top-level functions that edit `sys.path`
    # (darts' examples: `from utils import fix_pythonpath_if_working_locally`, whose body does
    # `sys.path.insert(0, dirname(cwd))`), as (module, function names, the edit as written). A
    # package's own `.py` files are read (not its sub-packages); PTH005 reports the notebook's calls.
    path_editors: tuple[tuple[str, frozenset[str], str], ...] = ()
    # For each `.py` module beside the notebook whose `star_exports` are None because it binds names
    # nobody can list (its own star import): the functions and classes it defines at top level, with
    # their lines. Those it surely exports (a `from … import *` of it binds them), the rest unknown.
    star_defined: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()
    # The names (normalised) of the packages a `setup.py`, `setup.cfg` or `pyproject.toml` anywhere in
    # the repository defines (below `root`; empty when no root was found): the repository's own
    # packages, whatever folder its notebooks are in. A library's docs notebooks import the library
    # its CI builds and installs from `python/mylib-core/`; adding `mylib` to `docs/requirements.txt`
    # would pull the index's release over the build under test (fair check 15, interpretml).
    repository_projects: frozenset[str] = frozenset()
    # Dockerfiles in a container folder of the notebook's folder or of one above it (`docker/anaconda3/jupyter/`)
    # that build a named Python environment and register it as a Jupyter kernel (`conda create -n envPython37`,
    # `python -m ipykernel install --name envPython37`), each with that name as its `env_name`: a notebook whose
    # kernelspec names it runs in that image's environment, though the Dockerfile is not beside or above it
    # (`with_kernel_environment`; fair check 48, item 25).
    kernel_environments: tuple[Manifest, ...] = ()
    # The seeding helpers of the project's own modules that the notebook imports (fair check 18:
    # `from utils.reproducibility import set_global_seeds`, whose body calls `random.seed(seed)`,
    # `np.random.seed(seed)` and `torch.manual_seed(seed)`): (the helper's qualified name as the
    # notebook imports it, the calls its body makes unconditionally whose name mentions a seed, each
    # as (qualified callee, called with an argument that is not the literal None, the switches it
    # runs under)). A switch is a parameter the call sits under `if <parameter>:` of (fair check
    # 25: cs224u's `fix_random_seeds(seed=42, set_system=True, set_torch=True, …)` seeds NumPy and
    # torch under `if set_system:` / `if set_torch:`), as (name, position (-1: keyword-only), its
    # default's truth, None when it has no literal default): the seeding call runs when the switch
    # the helper's call passes, or its default, is true (`SeedSwitch`). Read, never run; RND001
    # counts a call of the helper as those seeding calls (`with_seed_helpers`).
    seed_helpers: tuple[tuple[str, tuple[tuple[str, bool, tuple[SeedSwitch, ...]], ...]], ...] = ()
    # For each `from <package.module> import *` of the notebook whose module is the repository's own
    # (a regular package above the notebook, or in its parent folder when a cell puts that on the
    # path) and not a module beside it (`star_exports`' case): the names it binds, as far as they
    # can be listed (its `__all__`, else its public top-level names, following its own star imports
    # of its package's modules), with the file each comes from as shown (`with_star_packages`).
    package_star_names: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # Modules the notebook imports that are nowhere on its import path but are a `.py` module or a
    # package one folder below the notebook's folder or a folder above it, up to the project root (its
    # parent only when there is no root): (name, the file from the notebook's folder, `../lib/x.py`).
    # Looked for only when no cell edits `sys.path` or changes the working directory
    # (`with_working_folders`); `distributions.elsewhere_local_modules` keeps those no table knows.
    elsewhere_modules: tuple[tuple[str, str], ...] = ()
    # Per path of an exercise blank `# %load _solved/solutions/joins10.py` (a code cell of only such
    # commented-out lines, `load_blank_paths`) that is a Python file below the notebook's folder:
    # the names the file binds at module level (what the reader's uncommented `%load` pastes in);
    # None when it binds names nobody can list or does not parse (fair check 22).
    load_blank_names: tuple[tuple[str, Optional[frozenset[str]]], ...] = ()
    # The images of Dockerfiles beside or above the notebook that install nothing themselves and build
    # on a version-tagged image of a team or author the catalogue does not list (`FROM
    # darribas/gds_py:9.0`, then only `COPY ./content`), as (Dockerfile, image reference): that image
    # is the notebooks' environment, but what it holds cannot be read offline (`with_image_packages`;
    # fair check 23: gds_course's imports were reported as missing from its website build's file).
    unread_images: tuple[tuple[str, str], ...] = ()
    # The functions and methods of the project's own modules that the notebook imports (beside it, in
    # a package above it, or in the repository's folder a `sys.path` edit names, also an absolute one
    # whose last parts name a folder of the repository: `sys.path.append('/Users/user/…/data-science/
    # utils')` is the author's checkout of the repository's `utils/`) that join one of their parameters
    # under an absolute folder the module spells: `SetupDataFrame.setup_ml(self, file_dir)` doing
    # `os.path.join(self.ML_BASE_DIR, file_dir)` with `self.ML_BASE_DIR = '/Users/user/…/ml-data'`
    # (fair check 41, items 98, 118). As (the callee as the notebook imports it, `module.function` or
    # `module.Class.method`; the function as the module names it, `function` or `Class.method`; the
    # parameter; its position among the positional parameters after `self` (-1: keyword-only); the
    # base as written; the module's file as shown; the base literal's line).
    # Read, never imported: the name given is a file under that folder, not of the working directory,
    # and the folder is the path to configure (PTH001/PTH002 report it at the call, PTH006 does not).
    helper_bases: tuple[tuple[str, str, str, int, str, str, int], ...] = ()
    # The manifests a README beside or above the notebook (up to the project root) tells the reader to
    # build the environment from that are not there (`conda env create -f environment.yml` with no
    # environment.yml in the README's folder; fair check 42, items 8, 13, 16), nearest first, as (the
    # missing file as shown, the command as written, the README as shown): where a missing manifest's
    # line goes is the file the project already promises. Read as text, never run.
    promised_manifests: tuple[tuple[str, str, str], ...] = ()
    # The heads of the READMEs beside or above the notebook (up to the project root), nearest first, as (their
    # headings and first lines, joined by ` / `; the README as shown): what the project calls itself. A platform's
    # repository of notebooks is titled after the platform (`RocketML Notebooks`), whose own library its notebooks
    # import and no package index may have (fair check 47, item 5; DEP001/DEP002). Read as text.
    readme_titles: tuple[tuple[str, str], ...] = ()
    # The absolute `sys.path` entries of the notebook (`sys.path.append('/Users/user/Desktop/Projects/
    # data-science/utils')`, as written) whose last parts name a folder of the repository around it
    # (`_absolute_entry_folders`), with that folder as shown: the author's checkout of the repository's
    # own code, which PTH002 says to import from the repository (fair check 41, items 76, 77, 86).
    absolute_entry_folders: tuple[tuple[str, str], ...] = ()
    # A notebook named as a part of a split notebook (`X_2.ipynb`, `X - Part 2.ipynb`) beside the
    # full `X.ipynb`, whose non-blank code cells are, in order, a contiguous run of the full
    # notebook's: the names the full notebook's code cells above that run bind at module level
    # (what the parts before this one ran; `_with_split_part_names`). A part split off for display
    # reads them from the earlier part, not from a deleted cell (fair check 42, items 40, 42, 44).
    split_part_names: frozenset[str] = frozenset()
    # The climbing relative folders the notebook's text names in a string literal (`"../../CustomModules"`,
    # the entry of a `sys.path` edit, given straight or bound to a name) that do not exist, resolved against
    # the notebook's folder: no import resolves through such an entry here (fair check 43, item 107).
    absent_entry_folders: frozenset[str] = frozenset()
    # (module, notebook, names) for each `from module import names` of the notebook whose module is not
    # beside it as a file but whose every imported name a notebook beside it defines at the top level of
    # a code cell (`from metric import score` beside Kaggle's metric notebook `def score(solution, …)`,
    # attached to the kernel as a utility script): the project's helper, kept as a notebook
    # (`_notebook_helpers`; fair check 46, item 4).
    notebook_helpers: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    # For a notebook under a `_colab/` (or `colab/`) folder whose twin under `_local/` (or `local/`), the
    # same path otherwise, exists: that local copy, as shown (`_with_colab_twin`). The repository ships
    # this notebook for Colab and the other one for local runs: nobody changes the Colab copy's Colab
    # set-up, so its paths are read as Colab-guarded code (fair check 46, items 98, 121). One `stat`
    # per such folder of the notebook's path.
    colab_twin: str = ""

    @property
    def declared(self) -> frozenset[str]:
        """Normalised names of every distribution a manifest declares, and of the project itself."""
        names = {r.name for m in self.manifests for r in m.requirements}
        names.update(m.project_name for m in self.manifests if m.project_name)
        return frozenset(names)


def normalise(name: str) -> str:
    """PEP 503's name: each run of `-`, `_` and `.` one `-`, in lower case (then stripped). A name
    without `_`, `.` or `--` has no run to replace (a lone `-` stays itself): 15,726 of the 16,707
    names an audit of PythonDataScienceHandbook normalises (pipreqs' mapping in the parent's
    warm-up, 3,846), each of which went through `re.sub`'s pattern lookup and substitution."""
    if "_" not in name and "." not in name and "--" not in name:
        return name.lower().strip()
    return _SEPARATOR_RUN.sub("-", name).lower().strip()


_SEPARATOR_RUN = re.compile(r"[-_.]+")


_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _requirement(spec: str, line: int, conda: bool = False) -> Optional[Requirement]:
    text = re.split(r"\s#|^#", spec, maxsplit=1)[0].strip().rstrip("\\").strip()
    editable = _EDITABLE.match(text)
    if editable is not None and editable["arg"].startswith("git+"):
        # `-e git+https://github.com/chengs/tqdm.git@colab#egg=tqdm`: pip checks the project out (under
        # `src/`) and installs it as it does the bare VCS line; it declares the same `#egg=` name (fair
        # check 49, item 3). An editable local folder (`-e .`) names no distribution: `_editable_projects`.
        text = editable["arg"]
    if text.startswith("git+"):
        return _vcs_requirement(text, spec, line)
    if not text or text.startswith(("-", "http://", "https://", "file:", ".", "/")):
        return None
    match = _REQ_NAME.match(text)
    if not match:
        return None
    rest = text[match.end():].strip()
    rest = re.sub(r"^\[[^\]]*\]", "", rest).split(";")[0].strip()
    # `x==1.2` and `x===1.2` pin; `x==1.*`, `x==1.2,<2` and `x>=1,==1.2` do not pin one version.
    pinned = bool(re.match(r"^===?\s*[^,*\s]+$", rest))
    if rest.startswith("@"):
        # A direct reference names one artifact, unless it is a VCS URL at a branch (or at none).
        vcs = _VCS_URL.match(rest[1:].strip())
        pinned = vcs is None or fixed_vcs_ref(vcs.group("ref"))
    if conda and not pinned:
        # conda's `x=1.2` (and `x=1.2=build`) selects one version; `x=1.*` or `x>=1` do not.
        pinned = bool(re.match(r"^=[^=<>!~,|*\s]*\d[^<>!~,|*\s]*$", rest))
    patch_range = not pinned and (_PATCH_RANGE.match(rest) is not None
                                  or (conda and rest.startswith("=") and _PATCH_RANGE.match("=" + rest) is not None))
    return Requirement(normalise(match.group(1)), spec.strip(), line, pinned, patch_range, conda=conda)


# An editable requirement line, `-e <arg>`, `--editable <arg>` or `--editable=<arg>` (quotes dropped).
_EDITABLE = re.compile(r"^(?:-e\s*|--editable(?:\s+|=))['\"]?(?P<arg>[^\s'\"]+)['\"]?$")


def _editable_projects(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The local projects a requirements file installs editable (`-e .`, `--editable ./lib[dev]`), as
    (folder relative to the file's, extras): their pyproject.toml/setup.cfg/setup.py is a manifest too
    (`_included_manifests`), as for a Dockerfile's `pip install -e .`. pip resolves the path against the
    working directory, which is the file's folder in the README's `pip install -r requirements.txt`."""
    found = []
    for raw in text.splitlines():
        editable = _EDITABLE.match(re.split(r"\s#|^#", raw, maxsplit=1)[0].strip())
        local = _local_project(editable["arg"]) if editable is not None else None
        if local is not None:
            found.append(local)
    return tuple(dict.fromkeys(found))


# `git+https://github.com/kubeflow/fairing.git@v1.0.1`, `git+ssh://…/repo.git#egg=name`: a bare VCS line.
_VCS_URL = re.compile(r"^git\+[a-z]+://[^#\s]*?/(?P<repo>[A-Za-z0-9][A-Za-z0-9._-]*?)(?:\.git)?(?:@(?P<ref>[^#\s/]+))?/?(?:#(?P<fragment>\S*))?$")


# A ref that names one state of a repository: a commit hash (7 to 40 hex digits) or a version tag
# (`v1.0.1`, `1.2`, `release-2.0.3`).
_FIXED_REF = re.compile(r"^(?:[0-9a-f]{7,40}|(?:v|version-|release-|rel-)?\d+(?:\.\d+)*(?:[-._+]?[A-Za-z0-9]+)*)$", re.IGNORECASE)


def fixed_vcs_ref(ref: Optional[str]) -> bool:
    """Is a VCS URL's `@ref` a commit or a version tag? Any other name (`main`, `modern_ts_freeze`) is
    a branch, or a tag named like one: it can move, and a new checkout gets other code (fair check 21:
    `git+https://github.com/manujosephv/pytorch_tabular.git@modern_ts_freeze`, said to be "a commit
    that is working", counted as pinned)."""
    return bool(ref) and _FIXED_REF.match(ref) is not None


def _vcs_requirement(text: str, spec: str, line: int) -> Optional[Requirement]:
    """A bare VCS line (`git+https://github.com/kubeflow/fairing.git@v1.0.1`) declares the project
    its `#egg=` names, else the one its repository names (`fairing`): the project pip installs from
    it. Pinned when its ref is a commit or a version tag (`fixed_vcs_ref`), as for `name @ git+…`."""
    match = _VCS_URL.match(text)
    if match is None:
        return None
    egg = re.search(r"(?:^|&)egg=([A-Za-z0-9][A-Za-z0-9._-]*)", match.group("fragment") or "")
    name = egg.group(1) if egg else match.group("repo")
    return Requirement(normalise(name), spec.strip(), line, fixed_vcs_ref(match.group("ref")), False)


# `~=1.2.3`, `~=4.5.3.56`, `~=2.0.0rc1`: the last release component may move, the others may not
# (PEP 440); `~=1.2` (two components) admits every 1.x minor release and is not a patch range.
# `==0.10.*` is the same series spelt as a prefix match (PEP 440 defines `~=0.10.0` as `>=0.10.0,
# ==0.10.*`; fair check 24: comp-genomics-class' `graphviz==0.10.*`, `numpy==1.16.*`), conda's
# `=1.16.*` too; `==1.*` (one component before the `*`) admits every 1.x and stays a range.
_PATCH_RANGE = re.compile(r"^(?:~=\s*\d+(?:\.\d+){2,}(?:[-_.]?(?:a|b|rc|post|dev)\d*)*|==\s*\d+(?:\.\d+)+\.\*)$", re.IGNORECASE)


def parse_requirements_txt(path: str, text: str) -> Manifest:
    conda = is_conda_spec_list(text)
    reqs = []
    python_requires: Optional[str] = None
    remote: list[tuple[str, int]] = []
    local: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        url = _remote_include(raw)
        if url:
            remote.append((url, number))
        included = _local_include(raw) if not url else None
        if included:
            local.append(included)
        req = _requirement(raw, number, conda=conda)
        if req and conda and req.name in ("python", "pip"):
            # conda's `python=3.11.0=he7542f4_1_cpython`: the interpreter, as in an environment file.
            version = raw.split("#")[0].strip().split("=")
            if req.name == "python" and len(version) > 1:
                python_requires = "=" + version[1]
            continue
        if req:
            reqs.append(req)
    return Manifest(path, "requirements", tuple(reqs), python_requires=python_requires, remote_includes=tuple(remote),
                    other_index=names_other_index(text), projects=_editable_projects(text) if not conda else (),
                    includes=tuple(dict.fromkeys(local)) if not conda else ())


# `conda list --export > requirements.txt` writes conda's own spec list, which `conda create --name <env>
# --file requirements.txt` reads: a header saying so and `name=version=build` lines, where one `=` selects
# one version (pip has no single `=`: read as pip's, every line looked unpinned; fair check 25).
_CONDA_SPEC_HEADER = re.compile(r"^#.*\bconda\s+(?:create|install)\b.*\s--file\b")
_CONDA_SPEC_LINE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*=[^=<>!~,;@\s]+(?:=[^=<>!~,;@\s]+)?$")


def is_conda_spec_list(text: str) -> bool:
    """A `requirements.txt` that is conda's spec list (`conda list --export`): a comment names
    `conda create … --file <this file>`, or every line is `name=version[=build]`, a spec pip cannot
    read at all."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    specs = [line for line in lines if not line.startswith("#")]
    if not specs:
        return False
    if any(_CONDA_SPEC_HEADER.match(line) for line in lines if line.startswith("#")):
        return True
    return all(_CONDA_SPEC_LINE.match(line) for line in specs)


def parse_environment_yml(path: str, text: str) -> Manifest:
    """Enough YAML for conda's `dependencies:` list and its nested `- pip:` list, whatever the
    indentation (items may sit at column 0 under `dependencies:`)."""
    reqs = []
    python_requires: Optional[str] = None  # the environment's `- python=3.8` line, after the name
    in_deps = False
    pip_indent: Optional[int] = None  # column of the `- pip:` item while inside its list
    remote: list[tuple[str, int]] = []  # `-r https://…` lines of the pip list
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip())
        if indent == 0 and not stripped.startswith("-"):
            in_deps = stripped.startswith("dependencies:")
            pip_indent = None
            continue
        if not in_deps or not stripped.startswith("-"):
            continue
        item = stripped[1:].strip()
        if pip_indent is not None and indent <= pip_indent:
            pip_indent = None
        if re.match(r"^['\"]?pip['\"]?\s*:", item):
            pip_indent = indent
            continue
        item = item.split(" #", 1)[0].strip().strip("'\"")
        if not item or item.endswith(":"):
            continue
        is_pip = pip_indent is not None
        url = _remote_include(item) if is_pip else None
        if url:
            remote.append((url, number))
        name = item if is_pip else item.split("::")[-1]
        req = _requirement(name, number, conda=not is_pip)
        if req and req.name == "python" and not is_pip:
            python = re.sub(r"^python\s*", "", name.strip(), flags=re.IGNORECASE).strip()
            python_requires = python or python_requires
        if req and req.name not in ("python", "pip"):
            reqs.append(req)
    return Manifest(path, "environment", tuple(reqs), python_requires=python_requires, remote_includes=tuple(remote),
                    other_index=names_other_index(text), env_name=_conda_env_name(text))


def _conda_env_name(text: str) -> Optional[str]:
    """The environment's name: the last part of a top-level `name:` (else `prefix:`) value."""
    found = {}
    for raw in text.splitlines():
        m = re.match(r"^(name|prefix)\s*:\s*['\"]?([^'\"#]+?)['\"]?\s*(?:#.*)?$", raw)
        if m and m.group(1) not in found:
            found[m.group(1)] = m.group(2).rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1]
    return found.get("name") or found.get("prefix") or None


# Kernel names that name no environment: every Python kernel's default, conda's base environment.
_GENERIC_KERNELS = frozenset({"python", "python3", "python2", "python 3", "python 2", "python 3 (ipykernel)", "base", "root", "ipykernel"})


def names_kernel_environment(manifest: Manifest, kernel_name: str, kernel_display_name: str) -> bool:
    """The notebook's kernelspec names the conda environment the file describes: its display name or name
    is the environment's (`ml-tutorials`), or nb_conda_kernels' `conda-env-ml-tutorials-py` / `Python [conda
    env:ml-tutorials]`. The kernel runs in that environment (fair check 40, item 5)."""
    env = (manifest.env_name or "").strip().lower()
    if manifest.kind not in ("environment", "dockerfile") or not env or env in _GENERIC_KERNELS:
        return False
    names = set()
    for value in (kernel_name, kernel_display_name):
        value = (value or "").strip().lower()
        names.add(value)
        m = re.fullmatch(r"conda-(?:root|env)-(.+)-py", value) or re.search(r"\[conda env:\s*([^\]]+?)\s*\]", value)
        if m:
            names.add(m.group(1).rsplit("/", 1)[-1])
    return env in names


def _line_of(lines: list[str], name: str, start: int = 0, key_first: bool = False) -> int:
    """The 1-based line that declares `name`: a quoted requirement (`"pandas>=2"`) or a TOML key
    (`pandas = "^2"`; looked for first when `key_first`), searched from `start`; 1 when not found."""
    escaped = re.escape(name)
    quoted = re.compile(rf"""["']\s*{escaped}(?![A-Za-z0-9._-])""", re.IGNORECASE)
    key = re.compile(rf"""^\s*["']?{escaped}["']?\s*=""", re.IGNORECASE)
    bare = re.compile(rf"""^\s*{escaped}(?![A-Za-z0-9._-])""", re.IGNORECASE)
    for pattern in ((key, quoted, bare) if key_first else (quoted, key, bare)):
        for i in range(start, len(lines)):
            if pattern.search(lines[i]):
                return i + 1
    return 1


def _table_line(lines: list[str], table: str) -> int:
    """The 0-based line of the header of `table` in a pyproject.toml (`[project]`, `[dependency-groups]`,
    `[tool.poetry…]`); `[project.optional-dependencies]` may be an inline table of `[project]`. 0
    when there is none."""
    tables = [table, "project"] if table == "project.optional-dependencies" else [table]
    for name in tables:
        header = re.compile(rf"^\s*\[{re.escape(name)}" + (r"(?:\]|\.)" if name in ("tool.poetry", "tool.hatch") else r"\]"))
        for i, text in enumerate(lines):
            if header.match(text):
                return i
    return 0


def _poetry_range(version: str) -> Optional[str]:
    """A Poetry caret or tilde as the PEP 440 range it stands for: `^0.24.1` is `>=0.24.1,<0.25`
    (the left-most non-zero component may not change), `^1.3` is `>=1.3,<2`, `~1.2.3` is
    `>=1.2.3,<1.3`; None for anything else."""
    m = re.match(r"^(?P<op>\^|~(?!=))\s*(?P<release>\d+(?:\.\d+)*)$", version)
    if m is None:
        return None
    parts = [int(p) for p in m["release"].split(".")]
    if m["op"] == "^":
        index = next((i for i, p in enumerate(parts) if p != 0), len(parts) - 1)
    else:
        index = min(1, len(parts) - 1) if len(parts) > 1 else 0
    upper = parts[:index] + [parts[index] + 1]
    return f">={m['release']},<{'.'.join(map(str, upper))}"


def _poetry_spec(name: str, value: object) -> str:
    version = value if isinstance(value, str) else (value.get("version", "") if isinstance(value, dict) else "")
    version = (version or "").strip()
    if re.match(r"^\d[^,<>=~^*|\s]*$", version):
        return f"{name}=={version}"  # poetry reads a bare version as an exact pin
    if re.match(r"^==\s*[^,*\s]+$", version):
        return f"{name}{version}"
    ranged = _poetry_range(version)
    if ranged is not None:
        return f"{name}{ranged}"
    return f"{name}{version}" if re.match(r"^[<>=!~]", version) else name


def poetry_lock_pins(text: str) -> dict[str, str]:
    """Normalised name → `==version` of every `[[package]]` a `poetry.lock` locks; empty when it
    does not parse."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}
    pins: dict[str, str] = {}
    for package in data.get("package") or []:
        if isinstance(package, dict) and isinstance(package.get("name"), str) and isinstance(package.get("version"), str):
            pins.setdefault(normalise(package["name"]), f"=={package['version']}")
    return pins


def uv_lock_pins(text: str, project_name: Optional[str]) -> dict[str, str]:
    """Normalised name → `==version` of every package a single project's `uv.lock` locks to one
    version; empty unless the lock is uv's (`version = 1`) and locks the project itself (`name` of
    its `[project]`, from source `editable`/`virtual` "."), so a lock left beside another project
    pins nothing. A package locked at several versions is pinned when uv forked its resolution for
    it: every version carries `resolution-markers` and no marker is shared, so each interpreter and
    platform gets exactly one of them (fair check 22: statsforecast's numpy 1.26.4 on Windows
    Python < 3.13, 2.3.5 elsewhere); the newest is the one named (the one a current Python gets),
    the others in the note. A version without markers beside another is left out: which one
    installs is not written down."""
    if not isinstance(project_name, str):
        return {}
    try:
        lock = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}
    packages = [p for p in lock.get("package") or [] if isinstance(p, dict) and isinstance(p.get("name"), str)]
    if lock.get("version") != 1 or not any(
            normalise(p["name"]) == normalise(project_name) and isinstance(p.get("source"), dict)
            and (p["source"].get("editable") == "." or p["source"].get("virtual") == ".") for p in packages):
        return {}
    versions: dict[str, dict[str, Optional[frozenset[str]]]] = {}  # name → version → its markers
    for package in packages:
        if isinstance(package.get("version"), str):
            markers = package.get("resolution-markers")
            readable = isinstance(markers, list) and markers and all(isinstance(m, str) for m in markers)
            versions.setdefault(normalise(package["name"]), {})[package["version"]] = frozenset(markers) if readable else None
    pins: dict[str, str] = {}
    for name, found in versions.items():
        if len(found) == 1:
            pins[name] = f"=={next(iter(found))}"
        elif _forked(list(found.values())):
            newest, *others = sorted(found, key=_version_key, reverse=True)
            pins[name] = f"=={newest}  # locked in uv.lock, {', '.join(others)} on other Python versions or platforms"
    return pins


def _forked(markers: list[Optional[frozenset[str]]]) -> bool:
    """Whether versions with these `resolution-markers` are uv's forks: each has markers and no
    marker belongs to two of them (uv lists each fork of the lock's own `resolution-markers` under
    the one version it resolved)."""
    seen: set[str] = set()
    for own in markers:
        if not own or own & seen:
            return False
        seen |= own
    return True


def _version_key(version: str) -> tuple[tuple[int, ...], str]:
    """A sort key for a locked version: its leading numeric release (`2.3.5` → (2, 3, 5)), then the rest."""
    release = re.match(r"\d+(?:\.\d+)*", version)
    return (tuple(int(part) for part in release.group(0).split(".")) if release else (), version)


def parse_pyproject(path: str, text: str, poetry_lock: Optional[str] = None, uv_lock: Optional[str] = None) -> Optional[Manifest]:
    """A pyproject's dependencies (`[project]`, its optional dependencies, PEP 735 groups, Poetry's
    tables). `poetry_lock`: the text of the `poetry.lock` beside it; a Poetry dependency it locks is
    pinned to the locked version, as `poetry install` installs exactly that (fair check 16).
    `uv_lock`: the text of the `uv.lock` beside it; a `[project]` dependency (optional ones and
    dependency groups too: the lock resolves them all) it locks is pinned the same way, as `uv sync`
    installs exactly that (fair check 18). Only the declared lines are pinned: the packages the lock
    adds for them stay undeclared (the transitive-dependency precedent)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    # (spec, the table it sits in): each spec is looked for from its table's header on, so that
    # `[build-system] requires = ["numpy>=2.0"]` above (never installed into the notebook's
    # environment, and no requirement here) does not take the line of `[project]`'s numpy.
    specs: list[tuple[str, str]] = []
    project = data.get("project", {}) if isinstance(data.get("project"), dict) else {}
    specs += [(s, "project") for s in project.get("dependencies", []) or [] if isinstance(s, str)]
    for extra in (project.get("optional-dependencies") or {}).values():
        specs += [(s, "project.optional-dependencies") for s in extra if isinstance(s, str)]
    for group in (data.get("dependency-groups") or {}).values():  # PEP 735
        specs += [(s, "dependency-groups") for s in group if isinstance(s, str)]
    poetry = data.get("tool", {}).get("poetry", {})
    poetry_tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    poetry_tables += [g.get("dependencies") for g in (poetry.get("group") or {}).values() if isinstance(g, dict)]
    for table in poetry_tables:
        for name, value in (table or {}).items():
            if name.lower() != "python":
                specs.append((_poetry_spec(name, value), "tool.poetry"))
    project_name = project.get("name") or poetry.get("name")
    locked = poetry_lock_pins(poetry_lock) if poetry_lock and poetry else {}
    uv_locked = uv_lock_pins(uv_lock, project.get("name")) if uv_lock and project else {}
    if not specs:
        return None
    lines = text.splitlines()
    reqs = []
    last: dict[str, int] = {}  # name → the line (0-based) its previous spec was found on
    for spec, table in specs:
        name = _REQ_NAME.match(spec)
        number = 1
        # A Poetry dependency is a key (`tqdm = {version = ...}`), never the quoted name of the
        # `[tool.poetry.extras]` list further down.
        key_first = table == "tool.poetry"
        if name:
            header = _table_line(lines, table)
            start = max(header, last.get(name.group(1).lower(), -1) + 1)
            number = _line_of(lines, name.group(1), start, key_first)
            if number == 1 and start > header:  # (listed twice on one line)
                number = _line_of(lines, name.group(1), header, key_first)
            last[name.group(1).lower()] = number - 1
        req = _requirement(spec, number)
        if req and isinstance(project_name, str) and req.name == normalise(project_name):
            # `feast[pytorch]` in feast's own extras (fair check 26): the project including
            # another of its extras, no requirement on some release of it (nothing to pin; the
            # notebook that pins `feast==0.40.1` declares nothing this file already does).
            continue
        if req and table == "tool.poetry" and not req.pinned and req.name in locked:
            # The spec names the locked version, so the version readers (DEP005) see it.
            req = replace(req, spec=f"{name.group(1) if name else req.name}{locked[req.name]}  # locked in poetry.lock",
                          pinned=True, patch_range=False)
        elif req and table != "tool.poetry" and not req.pinned and req.name in uv_locked:
            # The extras stay in the spec: `transformers[sklearn]` still declares scikit-learn.
            declared = re.match(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?", spec)
            pin, _, note = uv_locked[req.name].partition("  # ")
            req = replace(req, spec=f"{declared.group(0).strip() if declared else req.name}{pin}  # {note or 'locked in uv.lock'}",
                          pinned=True, patch_range=False)
        if req:
            reqs.append(req)
    python = project.get("requires-python")
    poetry_python = (poetry.get("dependencies") or {}).get("python") if isinstance(poetry.get("dependencies"), dict) else None
    if not isinstance(python, str) and isinstance(poetry_python, str):
        python = _poetry_range(poetry_python.strip()) or poetry_python
    groups = [name for name in (data.get("dependency-groups") or {}) if isinstance(name, str)]
    notebook_group, poetry_group = None, False
    # A Poetry project is a library unless `package-mode = false` (an environment only).
    poetry_library = bool(poetry.get("name")) and poetry.get("package-mode", True) is not False
    poetry_groups = [name for name, group in (poetry.get("group") or {}).items()
                     if isinstance(name, str) and isinstance(group, dict) and group.get("dependencies")] if poetry_library else []
    if isinstance(data.get("build-system"), dict):
        if groups and project:
            notebook_group = _notebook_group(groups)
        elif poetry_groups:
            notebook_group, poetry_group = _notebook_group(poetry_groups), True
    extras = project.get("optional-dependencies") or {}
    contributors_only = (not project.get("dependencies") and not data.get("dependency-groups") and not poetry_tables[0]
                         and not any(poetry_tables[1:]) and bool(extras)
                         and all(isinstance(k, str) and _DEVELOPMENT_EXTRA.match(k) for k in extras))
    return Manifest(path, "pyproject", tuple(reqs), normalise(project_name) if isinstance(project_name, str) else None,
                    python_requires=python.strip() if isinstance(python, str) and python.strip() else None,
                    notebook_group=notebook_group, poetry_group=poetry_group, contributors_only=contributors_only,
                    other_index=names_other_index(text))


# The names of extras for working on a repository rather than using it.
_DEVELOPMENT_EXTRA = re.compile(r"^(?:dev|devel|develop|development|test|tests|testing|lint|linting|docs?|contrib|contributors?)$", re.IGNORECASE)


def _notebook_group(groups: list[str]) -> str:
    """The group a package's notebooks' extra packages go in: one named for docs, notebooks, examples
    or tutorials, else `dev`, else the first."""
    return next((g for g in groups if re.search(r"doc|notebook|example|tutorial", g, re.IGNORECASE)),
                "dev" if "dev" in groups else groups[0])


def hatch_environments(path: str, text: str) -> Optional[Manifest]:
    """The `dependencies` and `extra-dependencies` of a pyproject's Hatch environments
    (`[tool.hatch.envs.notebook]`, or `envs.notebook.extra-dependencies = [...]` under `[tool.hatch]`):
    what `hatch run -e notebook` or `hatch shell notebook` installs. A docs repository's `[project]`
    lists its Sphinx build and keeps the notebooks' packages there (scverse's tutorials; fair check
    18). An environment, not a library's metadata: its unpinned lines are DEP004's plain "pin it".
    None when no environment lists a dependency or the file does not parse."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    hatch = tool.get("hatch") if isinstance(tool.get("hatch"), dict) else {}
    envs = hatch.get("envs") if isinstance(hatch.get("envs"), dict) else {}
    specs: list[str] = []
    named: list[str] = []
    for env_name, env in envs.items():
        found = [spec for key in ("dependencies", "extra-dependencies") if isinstance(env, dict)
                 for spec in (env.get(key) if isinstance(env.get(key), list) else []) if isinstance(spec, str)]
        if found:
            named.append(env_name)
            specs += found
    lines = text.splitlines()
    header = _table_line(lines, "tool.hatch")
    reqs = []
    for spec in specs:
        name = _REQ_NAME.match(spec)
        req = _requirement(spec, _line_of(lines, name.group(1), header) if name else 1)
        if req:
            reqs.append(req)
    return Manifest(path, "hatch", tuple(reqs), environments=tuple(named)) if reqs else None


def _pipfile_spec(name: str, value: object) -> str:
    """One `[packages]` entry of a Pipfile as a requirement line: `"*"` is any version, `"==1.2"`
    (or `">=1"`) a version specifier, an inline table brings its `version` and `extras`, and a git
    source with a `ref` is a direct reference to that commit or tag."""
    if isinstance(value, dict):
        extras = value.get("extras")
        extras_text = f"[{','.join(e for e in extras if isinstance(e, str))}]" if isinstance(extras, list) and extras else ""
        if isinstance(value.get("git"), str):
            ref = value.get("ref")
            return f"{name}{extras_text} @ git+{value['git']}@{ref}" if isinstance(ref, str) and ref else f"{name}{extras_text}"
        version = value.get("version")
        version = version.strip() if isinstance(version, str) else ""
        return f"{name}{extras_text}{version if version != '*' else ''}"
    version = value.strip() if isinstance(value, str) else ""
    return f"{name}{version}" if version and version != "*" else name


def pipfile_lock_pins(text: str) -> dict[str, str]:
    """Normalised name → exact version of every package a `Pipfile.lock` (JSON: `default` and
    `develop`, each name → `{"version": "==1.2.3", ...}`) locks; empty when it does not parse."""
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return {}
    pins: dict[str, str] = {}
    for section in ("default", "develop"):
        table = data.get(section) if isinstance(data, dict) else None
        for name, entry in (table.items() if isinstance(table, dict) else ()):
            version = entry.get("version") if isinstance(entry, dict) else None
            if isinstance(version, str) and re.match(r"^==\s*[^,*\s]+$", version):
                pins.setdefault(normalise(name), version.replace(" ", ""))
    return pins


def parse_pipfile(path: str, text: str, lock: Optional[str] = None) -> Optional[Manifest]:
    """Pipenv's manifest: the keys of `[packages]` and `[dev-packages]` (as a dev group is read in a
    pyproject). An entry is pinned by `==x` in the Pipfile, or by the `Pipfile.lock` beside it
    (`lock`, its text): `pipenv install --deploy`/`pipenv sync` install exactly what the lock names.
    A local path entry (`mylib = {path = ".", editable = true}`) is the project itself, not a
    distribution to declare. None when it does not parse or declares nothing."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    pins = pipfile_lock_pins(lock) if lock else {}
    lines = text.splitlines()
    reqs: list[Requirement] = []
    local: Optional[str] = None
    for section in ("packages", "dev-packages"):
        table = data.get(section)
        start = next((i for i, l in enumerate(lines) if l.strip() == f"[{section}]"), 0)
        for name, value in (table.items() if isinstance(table, dict) else ()):
            if isinstance(value, dict) and ("path" in value or "file" in value) and "git" not in value:
                local = local or name
                continue
            spec = _pipfile_spec(name, value)
            req = _requirement(spec, _line_of(lines, name, start))
            if req is None:
                continue
            locked = pins.get(req.name)
            if locked and not req.pinned:
                # The spec names the locked version, so the version readers (DEP005) see it.
                req = replace(req, spec=f"{name}{locked}  # locked in Pipfile.lock", pinned=True, patch_range=False)
            reqs.append(req)
    if not reqs:
        return None
    return Manifest(path, "pipfile", tuple(reqs), normalise(local) if local else None, other_index=names_other_index(text))


# pixi's manifest (`pixi.toml`, or the `[tool.pixi.*]` tables of a pyproject.toml): `[dependencies]` are conda
# packages, `[pypi-dependencies]` distributions of the package index; a `[feature.<name>.…]` table is an optional
# group of either (`pixi install -e dev`), a `[target.<platform>.…]` table the same for one platform.
_PIXI_TABLES = (("dependencies", True), ("pypi-dependencies", False))


def _pixi_tables(root: dict, prefix: str) -> Iterable[tuple[str, bool, dict]]:
    """(dotted header, conda?, table) of every dependency table of a pixi manifest (`root`: the file's
    data, or the `tool.pixi` table of a pyproject; `prefix`: "" or "tool.pixi."), features and targets too."""
    scopes: list[tuple[str, dict]] = [(prefix, root)]
    for feature, table in (root.get("feature") or {}).items() if isinstance(root.get("feature"), dict) else ():
        if isinstance(table, dict):
            scopes.append((f"{prefix}feature.{feature}.", table))
    for scope, table in list(scopes):
        for platform, target in (table.get("target") or {}).items() if isinstance(table.get("target"), dict) else ():
            if isinstance(target, dict):
                scopes.append((f"{scope}target.{platform}.", target))
    for scope, table in scopes:
        for key, conda in _PIXI_TABLES:
            if isinstance(table.get(key), dict):
                yield f"{scope}{key}", conda, table[key]


def _pixi_version(value: object) -> str:
    """A pixi version as a specifier: a bare version (`"1.26.4"`) is an exact one, as pixi reads it
    (`==1.26.4`); one with a wildcard (`"2.0.*"`) conda's series (`=2.0.*`, read as an environment
    file's); `"*"` any."""
    version = value if isinstance(value, str) else value.get("version") if isinstance(value, dict) else None
    version = version.strip() if isinstance(version, str) else ""
    if not version or version == "*":
        return ""
    if re.match(r"^\d", version):
        return f"={version}" if "*" in version else f"=={version}"
    return version


def _pixi_spec(name: str, value: object) -> Optional[str]:
    """One pixi dependency as a requirement line; None for a local one (`{ path = "." }`): the project itself."""
    if isinstance(value, dict):
        if "path" in value:
            return None
        extras = value.get("extras")
        extras_text = f"[{','.join(e for e in extras if isinstance(e, str))}]" if isinstance(extras, list) and extras else ""
        if isinstance(value.get("git"), str):
            ref = next((value[k] for k in ("rev", "tag") if isinstance(value.get(k), str) and value[k]), None)
            return f"{name}{extras_text} @ git+{value['git']}@{ref}" if ref else f"{name}{extras_text} @ git+{value['git']}"
        if isinstance(value.get("url"), str):
            return f"{name}{extras_text} @ {value['url']}"
        return f"{name}{extras_text}{_pixi_version(value)}"
    return f"{name}{_pixi_version(value)}"


# A package file's name in a pixi.lock URL: conda's `numpy-1.26.4-py311h64a7726_0.conda` (name, version,
# build), a wheel's `scikit_learn-1.5.0-cp311-….whl`, an sdist's `name-1.0.tar.gz`.
_CONDA_PACKAGE_FILE = re.compile(r"^(?P<name>.+)-(?P<version>[^-]+)-(?P<build>[^-]+)\.(?:conda|tar\.bz2)$")
_WHEEL_FILE = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)(?:-[^-]+){2,3}\.whl$")
_SDIST_FILE = re.compile(r"^(?P<name>.+)-(?P<version>\d[^-]*)\.(?:tar\.gz|zip)$")


def pixi_lock_pins(text: str) -> dict[str, frozenset[str]]:
    """Normalised name → the versions a `pixi.lock` locks it to (one per platform and environment; most
    often one). Read from each package's URL (`- conda: https://…/numpy-1.26.4-py311h64a7726_0.conda`,
    `- pypi: https://…/requests-2.32.3-py3-none-any.whl`, format 6) and from `name:`/`version:` keys
    (older formats); a local package (`- pypi: .`) is none."""
    found: dict[str, set[str]] = {}
    name: Optional[str] = None
    local = False  # inside a local package's entry (`- pypi: .`)
    for raw in text.splitlines():
        item = re.match(r"^\s*-\s*(?:conda|pypi|kind)\s*:\s*(\S+)\s*$", raw)
        if item:
            name = None
            local = not re.match(r"^[a-z+]+://", item.group(1)) and item.group(1) not in ("conda", "pypi")
            file = unquote(item.group(1).split("#")[0].split("?")[0].rsplit("/", 1)[-1])
            match = _CONDA_PACKAGE_FILE.match(file) or _WHEEL_FILE.match(file) or _SDIST_FILE.match(file)
            if match:
                found.setdefault(normalise(match["name"]), set()).add(match["version"])
            continue
        key = None if local else re.match(r"^\s+(name|version)\s*:\s*['\"]?([^'\"\s]+)", raw)
        if key and key.group(1) == "name":
            name = normalise(key.group(2))
        elif key and name is not None:
            found.setdefault(name, set()).add(key.group(2))
            name = None
    return {n: frozenset(v) for n, v in found.items()}


def parse_pixi(path: str, text: str, lock: Optional[str] = None, pyproject: bool = False) -> Optional[Manifest]:
    """pixi's manifest (fair check 37: 14 projects of mbongowo/Data-science-Portfolio, whose README installs
    with `pixi install`): `[dependencies]` are conda packages (read as an environment file's `dependencies:`
    list), `[pypi-dependencies]` distributions of the package index, and so are those of each
    `[feature.<name>]` (an optional group, read as a pyproject's dependency group) and `[target.<platform>]`.
    `pyproject`: the `[tool.pixi.*]` tables of a pyproject.toml (pixi's other form; its `[project]` list is
    the pyproject's own). The workspace's `name` and a local entry (`{ path = ".", editable = true }`) are
    the project itself; a bare version (`"1.26.4"`) pins, and so does the `pixi.lock` beside it (`lock`, its
    text: `pixi install --locked` installs exactly what it names). None when it declares nothing."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    root = data
    if pyproject:
        tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
        root = tool.get("pixi") if isinstance(tool.get("pixi"), dict) else {}
    prefix = "tool.pixi." if pyproject else ""
    lines = text.splitlines()
    pins = pixi_lock_pins(lock) if lock else {}
    reqs: list[Requirement] = []
    local: Optional[str] = None
    python: Optional[str] = None
    for header, conda, table in _pixi_tables(root, prefix):
        start = next((i for i, l in enumerate(lines) if re.match(rf"^\s*\[\s*{re.escape(header)}\s*\]", l)), 0)
        for name, value in table.items():
            spec = _pixi_spec(name, value) if isinstance(name, str) else None
            if spec is None:
                local = local or (name if isinstance(name, str) else None)
                continue
            req = _requirement(spec, _line_of(lines, name, start, key_first=True), conda=conda)
            if req is None:
                continue
            if conda and req.name == "python":
                python = python or (spec[len(name):] or None)
                continue
            if conda and req.name == "pip":
                continue
            versions = pins.get(req.name)
            if versions and not req.pinned:
                # The spec names the locked version, so the version readers (DEP005) see it; a package locked
                # to a version per platform is pinned on each.
                spec = (f"{name}=={next(iter(versions))}  # locked in pixi.lock" if len(versions) == 1 else
                        f"{name}  # locked in pixi.lock per platform ({', '.join(sorted(versions))})")
                req = replace(req, spec=spec, pinned=True, patch_range=False)
            reqs.append(req)
    if not reqs:
        return None
    workspace = next((root.get(k) for k in ("workspace", "project") if isinstance(root.get(k), dict)), {}) if not pyproject else {}
    own = local or (workspace.get("name") if isinstance(workspace.get("name"), str) else None)
    return Manifest(path, "pixi", tuple(reqs), normalise(own) if own else None, python_requires=python,
                    other_index=names_other_index(text))


def uv_workspace_lock(path: str, pyproject_text: str, lock_text: Optional[str]) -> Optional[Manifest]:
    """The `uv.lock` (`lock_text`, shown as `path`) beside a `pyproject.toml` that makes its folder a
    uv workspace (`[tool.uv.workspace] members = [...]`): every `[[package]]` it locks, pinned to the
    locked version. In a monorepo whose members compute their dependencies in `setup.py` (AutoGluon:
    `install_requires = ag.get_dependency_version_ranges([...])`, `dynamic = ["dependencies"]`), the
    lock is the one place that declares what the repository's notebooks run with (`uv sync` installs
    it; fair check 13), and it names the members themselves (`autogluon-tabular`). Only a workspace
    root's lock is read: a single project's lock also pins what its dependencies pull in, and what a
    notebook imports through them stays undeclared (the transitive-dependency precedent)."""
    if lock_text is None:
        return None
    try:
        workspace = tomllib.loads(pyproject_text).get("tool", {}).get("uv", {}).get("workspace")
        lock = tomllib.loads(lock_text)
    except tomllib.TOMLDecodeError:
        return None
    if not isinstance(workspace, dict) or not isinstance(lock.get("package"), list):
        return None
    lines = lock_text.splitlines()
    reqs: list[Requirement] = []
    members: list[str] = []
    seen: set[str] = set()
    for entry in lock["package"]:
        name, version = (entry.get("name"), entry.get("version")) if isinstance(entry, dict) else (None, None)
        if not isinstance(name, str) or normalise(name) in seen:
            continue  # (a package locked twice, once per Python range: one declaration)
        seen.add(normalise(name))
        number = next((i for i, line in enumerate(lines, start=1) if line.strip() == f'name = "{name}"'), 1)
        source = entry.get("source")
        if isinstance(source, dict) and ("editable" in source or "virtual" in source):
            # A member: the repository's own code, at the version checked out (no pin to ask for).
            members.append(normalise(name))
            reqs.append(Requirement(normalise(name), f"{name}  # workspace member", number, True))
        else:
            spec = f"{name}=={version}  # locked in uv.lock" if isinstance(version, str) else name
            reqs.append(Requirement(normalise(name), spec, number, isinstance(version, str)))
    return Manifest(path, "uv.lock", tuple(reqs), members=tuple(members)) if reqs and members else None


def scoped_to_workspace(project: ProjectContext, imported: Iterable[str]) -> ProjectContext:
    """The project without the uv workspace locks (`uv_workspace_lock`) whose members the notebook
    never imports (`imported`: its dotted import names; `autogluon.tabular.models` imports the member
    `autogluon.tabular`, normalised `autogluon-tabular`). A workspace's tutorials run in the
    workspace's environment; a notebook beside them that imports none of its packages (a SageMaker
    client that only writes `train.py`, with its own install line) does not, and what it imports
    stays undeclared (fair check 13)."""
    locks = [m for m in project.manifests if m.members]
    if not locks:
        return project
    names = {normalise(".".join(parts[:n])) for module in imported
             for parts in [module.split(".")] for n in range(1, len(parts) + 1)}
    unused = [m for m in locks if not names & set(m.members)]
    if not unused:
        return project
    return replace(project, manifests=tuple(m for m in project.manifests if m not in unused))


def project_name_of(file_name: str, text: str) -> Optional[str]:
    """The normalised name of the package a `pyproject.toml` (`[project]` or poetry), `setup.cfg`
    (`[metadata]`) or `setup.py` (`setup(name="…")`, or `name=NAME` with `NAME = "…"` at module
    level) defines, whether or not it declares dependencies; None when it names none readably."""
    name: object = None
    if file_name == "pyproject.toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return None
        project, tool = data.get("project"), data.get("tool")
        name = project.get("name") if isinstance(project, dict) else None
        if not name and isinstance(tool, dict) and isinstance(tool.get("poetry"), dict):
            name = tool["poetry"].get("name")
    elif file_name == "setup.cfg":
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text)
        except configparser.Error:
            return None
        name = parser.get("metadata", "name", fallback="").strip()
    elif file_name == "setup.py":
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return None
        constants = {
            node.targets[0].id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ((isinstance(node.func, ast.Name) and node.func.id == "setup")
                                               or (isinstance(node.func, ast.Attribute) and node.func.attr == "setup")):
                for keyword in node.keywords:
                    if keyword.arg == "name":
                        value = keyword.value
                        if isinstance(value, ast.Constant) and isinstance(value.value, str):
                            name = value.value
                        elif isinstance(value, ast.Name):
                            name = constants.get(value.id)
    return normalise(name) if isinstance(name, str) and name.strip() else None


def parse_setup_cfg(path: str, text: str) -> Optional[Manifest]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    raw = parser.get("options", "install_requires", fallback="")
    specs = raw.strip().splitlines()
    if parser.has_section("options.extras_require"):
        for _, value in parser.items("options.extras_require"):
            specs += value.strip().splitlines()
    specs = [s.strip() for s in specs if s.strip()]
    if not specs:
        return None
    lines = text.splitlines()
    reqs = []
    for spec in specs:
        number = next((i for i, l in enumerate(lines, start=1) if spec in l), 1)
        req = _requirement(spec, number)
        if req:
            reqs.append(req)
    name = parser.get("metadata", "name", fallback="").strip()
    python = parser.get("options", "python_requires", fallback="").strip()
    return Manifest(path, "setup.cfg", tuple(reqs), normalise(name) if name else None, python_requires=python or None)


def parse_setup_py(path: str, text: str) -> Manifest | None:
    """`install_requires` and `extras_require` of a `setup(...)` call, read statically with `ast`
    (setup.py is never run): literal lists or tuples of strings, names bound to them in the same
    file (also grown by `+= [...]`, `.append(...)`, `.extend([...])`; an extras table also by
    `EXTRAS["name"] = [...]`), and strings built by `+`
    from literals and names bound to literals. What cannot be read so (a list computed by a
    function, a file read at install time) is left out, silently: the file declares at least
    what is read."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    strings: dict[str, str] = {}
    lists: dict[str, list[tuple[str, int]]] = {}
    tables: dict[str, ast.Dict] = {}  # `EXTRAS = {"plots": [...]}` for `extras_require=EXTRAS`
    # `EXTRAS["experimental"] = [...]` after the literal: extras added to a table by item assignment.
    table_items: dict[str, list[tuple[str, int]]] = {}

    def string(node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return strings.get(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = string(node.left), string(node.right)
            return left + right if left is not None and right is not None else None
        return None

    def items(node: ast.AST) -> list[tuple[str, int]]:
        if isinstance(node, (ast.List, ast.Tuple)):
            found = [(string(e), e.lineno) for e in node.elts]
            return [(s, line) for s, line in found if s is not None]
        if isinstance(node, ast.Name):
            return list(lists.get(node.id, ()))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return items(node.left) + items(node.right)
        return []

    def readable(node: ast.AST) -> bool:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return readable(node.left) and readable(node.right)
        return isinstance(node, (ast.List, ast.Tuple)) or (isinstance(node, ast.Name) and node.id in lists)

    specs: list[tuple[str, int]] = []
    name: str | None = None
    python: str | None = None  # `python_requires=">=3.6, <3.9"`
    calls_setup = unreadable = False
    # In source order (ast.walk is breadth-first): a name is read as bound where setup() reads it.
    nodes = sorted((n for n in ast.walk(tree) if isinstance(n, (ast.Assign, ast.AugAssign, ast.Call))),
                   key=lambda n: (n.lineno, n.col_offset))
    for node in nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target = node.targets[0].id
            value = string(node.value)
            if value is not None:
                strings[target] = value
            elif isinstance(node.value, ast.Dict):
                tables[target] = node.value
            elif isinstance(node.value, (ast.List, ast.Tuple, ast.Name, ast.BinOp)):
                lists[target] = items(node.value)
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript)
              and isinstance(node.targets[0].value, ast.Name) and node.targets[0].value.id in tables):
            table_items.setdefault(node.targets[0].value.id, []).extend(items(node.value))
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and isinstance(node.op, ast.Add):
            lists.setdefault(node.target.id, []).extend(items(node.value))
        elif isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in lists
                    and func.attr in ("append", "extend") and len(node.args) == 1):
                arg = node.args[0]
                if func.attr == "append":
                    value = string(arg)
                    if value is not None:
                        lists[func.value.id].append((value, arg.lineno))
                else:
                    lists[func.value.id].extend(items(arg))
            elif (isinstance(func, ast.Name) and func.id == "setup") or (isinstance(func, ast.Attribute) and func.attr == "setup"):
                calls_setup = True
                for keyword in node.keywords:
                    if keyword.arg == "install_requires":
                        specs += items(keyword.value)
                        unreadable |= not readable(keyword.value)
                    elif keyword.arg == "extras_require":
                        table = tables.get(keyword.value.id) if isinstance(keyword.value, ast.Name) else keyword.value
                        for value in table.values if isinstance(table, ast.Dict) else ():
                            specs += items(value)
                        if isinstance(keyword.value, ast.Name):
                            specs += table_items.get(keyword.value.id, [])
                    elif keyword.arg == "name":
                        name = string(keyword.value)
                    elif keyword.arg == "python_requires":
                        python = string(keyword.value)
                    elif keyword.arg is None:  # setup(**options): what it declares is not in sight
                        unreadable = True
    reqs = [req for spec, line in specs if (req := _requirement(spec, line))]
    # A setup.py whose install_requires is computed (read from a file, returned by a function)
    # declares what cannot be seen: not a manifest here, or every import would look undeclared.
    if not calls_setup or (unreadable and not reqs):
        return None
    return Manifest(path, "setup.py", tuple(reqs), normalise(name) if name else None,
                    python_requires=python.strip() if python and python.strip() else None)


_CONDA_FILE = re.compile(r"^dependencies\s*:\s*(#.*)?$", re.MULTILINE)


# A list item that is a mapping (`- name: redis`, Helm's Chart.yaml): not a conda package; conda's
# only mapping item is `- pip:`.
_MAPPING_ITEM = re.compile(r"^\s*-\s+(?!['\"]?pip['\"]?\s*:)[A-Za-z_][\w.-]*\s*:(\s|$)", re.MULTILINE)


def is_conda_environment(text: str) -> bool:
    """A YAML file whose top level has a `dependencies:` list of package specs: a conda environment
    file, whatever it is called (`conda env create -f deep-learning.yml`)."""
    return _CONDA_FILE.search(text) is not None and _MAPPING_ITEM.search(text) is None


_SHELL_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", ";;"})
_INSTALLERS = frozenset({"pip", "pip3", "conda", "mamba", "micromamba"})
# Installer options followed by a value that is not a package (`-c conda-forge`, `-i URL`).
_OPTIONS_WITH_VALUE = frozenset({
    "-c", "--channel", "--constraint", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
    "-t", "--target", "--prefix", "-p", "--root", "-n", "--name", "--trusted-host", "--platform",
    "--python-version", "--implementation", "--abi", "--src", "--cache-dir", "--log", "--timeout",
    "--retries", "--progress-bar", "--upgrade-strategy", "--only-binary", "--no-binary", "--config-settings",
    # pip's general options that take a value, allowed before the sub-command as after it.
    "--proxy", "--exists-action", "--cert", "--client-cert", "--python", "--keyring-provider", "--use-feature",
    "--use-deprecated", "--log-file", "--root-user-action", "--report", "-C",
})
_WHEEL = re.compile(r"/(?P<name>[A-Za-z0-9_.]+)-(?P<version>[^-/]+)-[^/]*\.whl$")


def _dockerfile_instructions(text: str) -> list[tuple[str, str, int]]:
    """(INSTRUCTION, arguments, first line) with continuation lines joined; comment lines inside a
    continued instruction are dropped, as Docker drops them."""
    found: list[tuple[str, str, int]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        raw = lines[i].strip()
        start = i + 1
        i += 1
        if not raw or raw.startswith("#"):
            continue
        parts = [raw]
        while parts[-1].endswith("\\") and i < len(lines):
            parts[-1] = parts[-1][:-1]
            nxt = lines[i].strip()
            i += 1
            if nxt.startswith("#"):
                parts.append("\\")  # a comment line keeps the instruction going
                continue
            parts.append(nxt)
        joined = " ".join(p for p in parts if p != "\\")
        keyword, _, rest = joined.partition(" ")
        found.append((keyword.upper(), rest.strip(), start))
    return found


# A shell comment: `#` at the start of a word, to the end of the line. One inside a word is no
# comment (`pip install git+https://github.com/o/gym-walk#egg=gym-walk && pip install …`), though
# shlex would end the line there (fair check 22: gdrl's Dockerfile lost three installs after it).
_SHELL_COMMENT = re.compile(r"(?:^|(?<=\s))#.*")


def _shell_words(command: str) -> list[str]:
    try:
        lexer = shlex.shlex(_SHELL_COMMENT.sub("", command), posix=True, punctuation_chars=True)
        lexer.commenters = ""
        lexer.whitespace_split = True
        return list(lexer)
    except ValueError:
        return command.split()


def _install_arguments(words: list[str]) -> Iterable[tuple[str, bool, bool]]:
    """(argument, conda, is a requirements/environment file) of every install command in `words`
    (one shell command line): `pip install`, `pip3 install`, `python -m pip install`, `conda`/`mamba
    install`, `conda env create|update -f FILE`; a quoted command (`su user -c "pip install x"`) is
    read too."""
    i = 0
    while i < len(words):
        word = words[i]
        if " " in word and ("install" in word or "env " in word):
            yield from _install_arguments(_shell_words(word))
            i += 1
            continue
        installer = word.rsplit("/", 1)[-1]
        if installer.startswith("python") and words[i + 1:i + 3] and words[i + 1] == "-m" and len(words) > i + 2:
            installer, i = words[i + 2], i + 2
        if installer == "pipenv" and i + 1 < len(words) and words[i + 1] in ("install", "sync"):
            # `pipenv install --system --deploy` installs the Pipfile of the working folder (as
            # `pip install -r` installs a file); `pipenv install flask==3.0` installs packages.
            j, named = i + 2, False
            while j < len(words) and words[j] not in _SHELL_SEPARATORS:
                arg = words[j]
                if arg in ("-r", "--requirements") and j + 1 < len(words):
                    yield words[j + 1], False, True
                    named, j = True, j + 2
                    continue
                if arg in ("--python", "--pypi-mirror", "--extra-pip-args", "-i", "--index", "--categories"):
                    j += 1
                elif not arg.startswith("-") and "$" not in arg and words[i + 1] == "install":
                    yield arg, False, False
                    named = True
                j += 1
            if not named:
                yield "Pipfile", False, True
            i = j
            continue
        if installer not in _INSTALLERS:
            i += 1
            continue
        conda = installer != "pip" and installer != "pip3"
        j = i + 1
        # Global options may come before the sub-command: `pip --disable-pip-version-check
        # --no-cache-dir install numpy` (fair check 24: ml-basics' dev-container image, read as
        # installing nothing, so DEP002 said no manifest was found).
        while j < len(words) and words[j].startswith("-") and words[j] not in _SHELL_SEPARATORS:
            j += 2 if words[j] in _OPTIONS_WITH_VALUE else 1
        if conda and j + 1 < len(words) and words[j] == "env" and words[j + 1] in ("create", "update"):
            j += 2
            while j < len(words) and words[j] not in _SHELL_SEPARATORS:
                if words[j] in ("-f", "--file") and j + 1 < len(words):
                    yield words[j + 1], True, True
                    j += 1
                j += 1
            i = j
            continue
        if j >= len(words) or words[j] != "install":
            i = j
            continue
        j += 1
        while j < len(words) and words[j] not in _SHELL_SEPARATORS:
            arg = words[j]
            if arg in ("-r", "--requirement", "--file") and j + 1 < len(words):
                yield words[j + 1], conda, True
                j += 2
                continue
            if arg.startswith("--requirement="):
                yield arg.split("=", 1)[1], conda, True
            elif arg in ("-e", "--editable") and j + 1 < len(words) and _LOCAL_PROJECT.match(words[j + 1]):
                yield words[j + 1], conda, False  # a local project (`-e ".[dev]"`); `parse_dockerfile` reads it as one
                j += 1
            elif arg in ("-e", "--editable") or arg in _OPTIONS_WITH_VALUE:
                j += 1  # its value is a path, a channel or a URL, not a package
            elif not arg.startswith("-") and "$" not in arg:
                yield arg, conda, False
            j += 1
        i = j


# A pip argument that names a local project folder, with the extras to install (`.`, `./python`,
# `lib/`, `".[dev, parallel]"`): pip reads an argument as a path when it starts with `.` or `/` or
# holds a `/`; a bare word (`python`) is a name on the package index, a URL or an archive is no folder.
_LOCAL_PROJECT = re.compile(
    r"^(?P<path>(?:\.{1,2}|/)[^\[\]\s:]*|[A-Za-z0-9_.-]+/[^\[\]\s:]*)(?:\[(?P<extras>[^\]]*)\])?$")
_ARCHIVE = re.compile(r"\.(?:whl|zip|tar\.gz|tgz|tar\.bz2|tar)$")


def _local_project(arg: str) -> Optional[tuple[str, tuple[str, ...]]]:
    """(folder, extras) when a pip argument names a local project folder, else None."""
    match = _LOCAL_PROJECT.match(arg)
    if match is None or _ARCHIVE.search(match["path"]):
        return None
    extras = tuple(normalise(e) for e in (match["extras"] or "").split(",") if e.strip())
    return match["path"], extras


def _in_build_context(image_path: str, copies: list[tuple[str, str, str]]) -> Optional[str]:
    """The build-context folder (relative to the Dockerfile's folder) that a folder of the image was
    copied from: the last `COPY <source> <destination>` whose destination (resolved against the
    `WORKDIR` of its time) holds it (`COPY . .` at `/`, then `/python` is `python`); None when no COPY
    brought it in (a folder of the base image, or a volume mounted at run time)."""
    for source, destination, workdir in reversed(copies):
        # A file copied over the folder (`COPY requirements.txt /app/` after `COPY . /app`) brings no project.
        name = source.rstrip("/").rsplit("/", 1)[-1]
        if "$" in source or source.startswith(("http://", "https://")) or ("." in name.strip(".") and "*" not in name):
            continue
        target = posixpath.normpath(posixpath.join(workdir, destination))
        if image_path == target or image_path.startswith(target.rstrip("/") + "/"):
            inside = posixpath.relpath(image_path, target)
            folder = posixpath.normpath(posixpath.join(source.lstrip("/") or ".", inside))
            return None if folder.startswith("..") else folder
    return None


_PACKAGING_TOOLS = frozenset({"pip", "setuptools", "wheel", "python", "pipenv", "poetry", "uv", "pip-tools"})


def _exec_form(rest: str) -> list[str]:
    """The words of an instruction's JSON (exec) form: `COPY ["Pipfile", "Pipfile.lock", "./"]`."""
    try:
        words = ast.literal_eval(rest)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return []
    return [w for w in words if isinstance(w, str)] if isinstance(words, list) else []


def parse_dockerfile(path: str, text: str) -> Optional[Manifest]:
    """What a Dockerfile installs into the image's Python: the package arguments of its `RUN` lines
    (`pip install keras==2.2.0`, `conda install -y numpy=1.26`; `==`/a conda `=version` pins, a
    wheel URL is a pinned direct reference named from its file name), the files it installs with
    `pip install -r`/`conda env create -f` that it copies in (`includes`), and its `FROM` images.
    None when it installs nothing and copies in no manifest (an image of system tools)."""
    reqs: list[Requirement] = []
    images: list[tuple[str, int]] = []
    installed_files: list[str] = []
    copies: list[tuple[str, str]] = []  # (source, destination) of COPY/ADD
    # The same with the WORKDIR a relative destination is resolved against, for local projects.
    placed: list[tuple[str, str, str]] = []
    projects: list[tuple[str, tuple[str, ...]]] = []
    workdir = "/"
    lines = text.splitlines()
    defaults: dict[str, str] = {}  # `ARG BASE_IMAGE=…` before `FROM $BASE_IMAGE`: the image built without --build-arg
    for keyword, rest, line in _dockerfile_instructions(text):
        if keyword == "ARG":
            name, equals, value = rest.strip().partition("=")
            if equals and value.strip():
                defaults[name.strip()] = value.strip().strip("'\"")
        elif keyword == "FROM":
            words = [w for w in rest.split() if not w.startswith("--")]
            image = re.sub(r"^\$\{?(\w+)\}?$", lambda m: defaults.get(m.group(1), m.group(0)), words[0]) if words else ""
            if image and "$" not in image:
                images.append((image, line))
        elif keyword in ("COPY", "ADD"):
            words = [w for w in _shell_words(rest) if not w.startswith("--")] if not rest.startswith("[") else _exec_form(rest)
            for source in words[:-1]:
                copies.append((source, words[-1]))
                placed.append((source, words[-1], workdir))
        elif keyword == "WORKDIR":
            folder = rest.strip().strip("'\"")
            if folder and "$" not in folder:
                workdir = posixpath.normpath(posixpath.join(workdir, folder))
        elif keyword == "RUN":
            command = rest
            if rest.startswith("["):  # the exec form: RUN ["pip", "install", "x"]
                try:
                    command = " ".join(shlex.quote(w) for w in ast.literal_eval(rest))
                except (ValueError, SyntaxError, TypeError):
                    continue
            for arg, conda, is_file, cwd in _run_installs(_shell_words(command), workdir):
                if is_file:
                    installed_files.append(arg)
                    continue
                local = _local_project(arg) if not conda else None
                if local is not None:
                    folder = _in_build_context(posixpath.normpath(posixpath.join(cwd, local[0])), placed)
                    if folder is not None:
                        projects.append((folder, local[1]))
                    continue
                # The argument as a word of its line: `gym` is not the `gym` of `…/gym-gridworld#egg=gym-gridworld` above it.
                word = re.compile(r"(?:^|(?<=[\s'\"]))" + re.escape(arg) + r"(?=$|[\s'\";&|)])")
                number = next((n for n in range(line, len(lines) + 1) if arg in lines[n - 1] and word.search(lines[n - 1])),
                              next((n for n in range(line, len(lines) + 1) if arg in lines[n - 1]), line))
                wheel = _WHEEL.search(arg) if arg.startswith(("http://", "https://")) else None
                if wheel:
                    name, version = wheel.group("name"), wheel.group("version")
                    reqs.append(Requirement(normalise(name), f"{normalise(name)}=={version}", number, True))
                    continue
                req = _requirement(arg, number, conda=conda)
                # Packaging tools (`pip install pipenv`, then `pipenv install`) build the
                # environment; they are not what the notebook imports, and declare nothing.
                if req and req.name not in _PACKAGING_TOOLS:
                    reqs.append(req)
    includes = tuple(dict.fromkeys(f for f in (_copied_source(i, copies) for i in installed_files) if f))
    if not reqs and not includes and not images and not projects:
        return None
    return Manifest(path, "dockerfile", tuple(reqs), base_images=tuple(images), includes=includes,
                    projects=tuple(dict.fromkeys(projects)), other_index=names_other_index(text),
                    program=dockerfile_program(text, [image for image, _ in images]))


# A command that starts a notebook server: the image is the notebooks' environment, whatever else it runs.
_NOTEBOOK_SERVER = re.compile(r"\b(?:jupyter|jupyter-lab|jupyter-notebook|jupyterlab|notebook|voila|start-notebook\.sh|start\.sh)\b")
# A Lambda handler as a Lambda image's CMD names it: `module.function` (`lambda_function.lambda_handler`).
_HANDLER = re.compile(r"^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+$")


def dockerfile_program(text: str, images: Sequence[str] = ()) -> Optional[str]:
    """The program a Dockerfile's image runs by its last CMD or ENTRYPOINT, when that is no notebook server: a
    Python script it names (`python app.py`, `["python", "serve.py"]`), or, on an AWS Lambda base image (`public.ecr.
    aws/lambda/python`, `agrigorev/zoomcamp-cats-dogs-lambda`), the handler its CMD names (`lambda_function.
    lambda_handler`). None otherwise (no CMD, a shell, a notebook server, a program not named by a file)."""
    command: Optional[str] = None
    for keyword, rest, _ in _dockerfile_instructions(text):
        if keyword in ("CMD", "ENTRYPOINT"):
            words = _exec_form(rest) if rest.lstrip().startswith("[") else _shell_words(rest)
            command = " ".join(words) if words else None
    if not command or _NOTEBOOK_SERVER.search(command):
        return None
    words = command.split()
    script = next((w for w in words if w.endswith(".py") and not w.startswith("-")), None)
    if script is not None:
        return script
    lambda_image = any("lambda" in image.lower() for image in images)
    if lambda_image and len(words) == 1 and _HANDLER.match(words[0]):
        return words[0]
    return None


def _run_installs(words: list[str], workdir: str) -> Iterable[tuple[str, bool, bool, str]]:
    """`_install_arguments` of a RUN line, each with the folder it runs in: the WORKDIR, changed by a
    `cd <folder>` earlier on the line (`RUN cd lib && pip install -e .`)."""
    cwd, segment = workdir, []
    for word in words + [";"]:
        if word not in _SHELL_SEPARATORS:
            segment.append(word)
            continue
        if len(segment) == 2 and segment[0] == "cd" and "$" not in segment[1]:
            cwd = posixpath.normpath(posixpath.join(cwd, segment[1]))
        elif segment:
            for arg, conda, is_file in _install_arguments(segment):
                yield arg, conda, is_file, cwd
        segment = []


def _copied_source(installed: str, copies: list[tuple[str, str]]) -> Optional[str]:
    """The build-context file that `installed` (a path inside the image) was copied from."""
    base = installed.rstrip("/").rsplit("/", 1)[-1]
    for source, destination in copies:
        if source.rstrip("/").rsplit("/", 1)[-1] == base:
            return source
        if source in (".", "./") and not installed.startswith("/"):
            return installed
        if source in (".", "./") and installed.startswith(destination.rstrip("/") + "/"):
            return installed[len(destination.rstrip("/")) + 1:]
    if not installed.startswith("/") and not copies:
        return installed
    return None


def image_name(reference: str) -> tuple[str, Optional[str]]:
    """`quay.io/jupyter/scipy-notebook:2024-05-27` → (`jupyter/scipy-notebook`, `2024-05-27`): the
    registry host (a first component with a dot or a port) and a digest are cut off."""
    reference = reference.split("@", 1)[0]
    parts = reference.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    name, _, tag = "/".join(parts).partition(":")
    if name.startswith("library/"):
        name = name[len("library/"):]
    return name.lower(), tag or None


# `tensorflow-1.7.0-notebook-gpu`: the framework an image is named after and its version.
_VERSION_IN_NAME = re.compile(r"^(?P<framework>[a-z][a-z0-9_.]*?)-(?P<version>\d+\.\d+(?:\.\d+)?)(?![\w.])")


# `0.7-cuda10.0-…`, `24.06-cuda12.0-py3.11`: a tag that leads with the release it was built from.
_RELEASE_TAG = re.compile(r"^v?\d+\.\d+(?:\.\d+)?(?:[-_]|$)")


def with_image_packages(project: ProjectContext, stacks: dict, release_tagged: Iterable[str] = ()) -> ProjectContext:
    """The project with each Dockerfile's base-image packages as its requirements (a docker-stacks
    `FROM jupyter/scipy-notebook:<tag>` brings numpy, pandas, scikit-learn…: `stacks` maps an image
    name, or a glob of names with the version in them, to them), pinned when the tag names one build (not `latest`, nor no tag;
    a glob's image whose name holds the version, `tensorflow-1.7.0-notebook-gpu`, is `named_build`), located at the
    `FROM` line. A Dockerfile that then declares nothing is no manifest; its team's versioned image
    (`_unread_image`) goes to `unread_images`, an environment whose contents are unknown. `release_tagged`: globs of
    image names whose builds are tagged release first (RAPIDS' `0.7-cuda10.0-runtime-ubuntu18.04`,
    `24.06-cuda12.0-py3.11`): a tag of theirs without that version (`cuda9.2-runtime-ubuntu16.04`)
    followed each release and pins nothing."""
    release_tagged = tuple(release_tagged)
    if not any(m.kind == "dockerfile" for m in project.manifests):
        return project
    manifests: list[Manifest] = []
    unread: list[tuple[str, str]] = []
    for manifest in project.manifests:
        if manifest.kind != "dockerfile":
            manifests.append(manifest)
            continue
        added: list[Requirement] = []
        for reference, line in manifest.base_images:
            name, tag = image_name(reference)
            pinned = tag is not None and tag != "latest"
            if pinned and any(fnmatch.fnmatchcase(name, glob) for glob in release_tagged):
                pinned = _RELEASE_TAG.match(tag or "") is not None
            listed = stacks.get(name)
            named: Optional[re.Match[str]] = None
            if not listed:
                listed = next((v for k, v in stacks.items() if "*" in k and fnmatch.fnmatchcase(name, k)), ())
                # A stock image catalogued by a glob of names with the version in them
                # (`kubeflow-images-public/tensorflow-1.7.0-notebook-gpu`): the framework's version
                # is the name's, and Kubeflow no longer publishes these images, so even untagged or
                # `:latest` the name is the build (fair check 10: their DEP004s were noise).
                named = _VERSION_IN_NAME.search(name.rsplit("/", 1)[-1]) if listed else None
            for distribution in listed if isinstance(listed, (list, tuple)) else ():
                # Spelled for the version readers (DEP005): a tagged image is one artifact, like a
                # direct reference (its versions unknown here); `latest` has no version at all but
                # the one a versioned name gives its framework (`tensorflow==1.7.0`).
                if pinned:
                    spec = f"{distribution} @ {reference}"
                elif named is not None and normalise(named["framework"]) == normalise(distribution):
                    spec = f"{distribution}=={named['version']}  # the version in the image's name, {reference}"
                else:
                    spec = f"{distribution}  # in the image {reference}"
                added.append(Requirement(normalise(distribution), spec, line, pinned, named_build=named is not None and not pinned))
        if manifest.requirements or added or manifest.includes or manifest.projects:
            manifests.append(replace(manifest, requirements=manifest.requirements + tuple(added)))
        else:
            unread += [(manifest.path, reference) for reference, _ in manifest.base_images if _unread_image(reference)]
    return replace(project, manifests=tuple(manifests), unread_images=project.unread_images + tuple(unread))


# Images that hold an operating system, CUDA or a bare conda, or a Jupyter server without a
# scientific stack: a Dockerfile that builds on one and installs nothing gives the notebooks nothing
# they import, so the files beside it still declare their environment.
_BARE_IMAGE_NAMESPACES = ("nvidia/", "continuumio/", "condaforge/", "mambaorg/", "jupyter/", "jupyterhub/",
                          "bitnami/", "amazonlinux/", "rockylinux/", "redhat/", "ubuntu/", "debian/")


def _unread_image(reference: str) -> bool:
    """A base image that is an environment of its own, not readable here: a team's or an author's
    (`darribas/gds_py`: a namespace, unlike the official `python`, `ubuntu`), tagged with a version
    (`:9.0`; not `latest`, not untagged: such a tag names one build of packages the author chose),
    and not of a bare-system namespace (`_BARE_IMAGE_NAMESPACES`). Catalogued images never get here:
    their packages are read from `[docker_stacks]`."""
    name, tag = image_name(reference)
    if "/" not in name or name.startswith(_BARE_IMAGE_NAMESPACES):
        return False
    return tag is not None and re.match(r"^v?\d+(?:\.\d+)*(?:[-_.][\w.-]*)?$", tag) is not None


def parse_manifest(path: str, text: str) -> Optional[Manifest]:
    name = Path(path).name
    if any(fnmatch.fnmatchcase(name, pattern) for pattern in DOCKERFILE_GLOBS):
        return parse_dockerfile(path, text)
    if name.endswith((".yml", ".yaml")) and not name.startswith("environment."):
        return parse_environment_yml(path, text) if is_conda_environment(text) else None
    if name == "setup.py":
        return parse_setup_py(path, text)
    if name == "pyproject.toml":
        return parse_pyproject(path, text)
    if name == "setup.cfg":
        return parse_setup_cfg(path, text)
    if name.startswith("environment."):
        return parse_environment_yml(path, text)
    if name == "Pipfile":
        return parse_pipfile(path, text)
    if name == "Pipfile.lock":
        return None  # read with its Pipfile (`_manifests_in`): it pins, it does not declare
    if name == "pixi.toml":
        return parse_pixi(path, text)
    if not name.startswith("requirements") and not reads_as_requirements(text):
        return None  # `release-requirements.txt` of prose (a checklist), not pip's
    return parse_requirements_txt(path, text)


# A requirement line as pip reads it: a name, extras, then nothing, a version specifier, a direct
# reference or an environment marker (`pandas`, `mlflow>2.0`, `black[jupyter]==22.6.0`).
_STRICT_REQUIREMENT = re.compile(
    r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\s*(?:\[[A-Za-z0-9._,\s-]*\])?\s*(?:(?:[<>=!~]=?|===).*|@\s*\S.*|;.*)?$")


def reads_as_requirements(text: str) -> bool:
    """Whether a `.txt` file that is not named `requirements*.txt` is one: it has a requirement,
    and every line that is not blank, a comment or a pip option (`-r base.txt`, `--index-url …`)
    reads as one. A prose file (`Capacity: ≥ 2400 mAh`) does not."""
    found = False
    for raw in text.splitlines():
        line = re.split(r"\s#|^#", raw, maxsplit=1)[0].strip().rstrip("\\").strip()
        if not line or line.startswith("-"):
            continue
        if not (_STRICT_REQUIREMENT.match(line) or _VCS_URL.match(line)):
            return False
        found = True
    return found


# --- the I/O edge ----------------------------------------------------------------------------


def is_project_root(folder: Path) -> bool:
    if (folder / ".git").exists():
        return True
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            return "nbrefactor" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return False
    return False


def discover_project(notebook_path: str | Path, display_root: Optional[Path] = None) -> ProjectContext:
    folder = Path(os.path.dirname(resolved_path(notebook_path)))
    return _discover_folder(folder, display_root.resolve() if display_root else None)


_PARENT_ON_PATH = re.compile(r"\bpath\.(?:insert|append)\([^)\n]*['\"]\.\./?['\"]\s*\)")


# `sys.path.insert(0, "drive/course/notebooks")`, `sys.path.append('lib')`: a literal relative entry.
_FOLDER_ON_PATH = re.compile(r"\bpath\.(?:insert|append)\((?:[^,()\n]*,\s*)?['\"](?P<entry>[^'\"\n/~\\][^'\"\n]*)['\"]\s*\)")


def _path_entry_modules(folder: Path, entries: Sequence[str]) -> tuple[tuple[str, frozenset[str], bool], ...]:
    """`ProjectContext.path_entry_modules` for the notebook in `folder`."""
    out: list[tuple[str, frozenset[str], bool]] = []
    for entry in entries:
        parts = [p for p in entry.replace("\\", "/").split("/") if p not in ("", ".")]
        if not parts or ".." in parts or re.match(r"^[A-Za-z]:", entry):
            continue
        names: set[str] = set()
        present = False
        current = folder
        while True:
            for start in range(len(parts)):
                candidate = current.joinpath(*parts[start:])
                if candidate.is_dir():
                    present = True
                    names |= _local_modules(candidate)
            if is_project_root(current) or current.parent == current:
                break
            current = current.parent
        out.append((entry, frozenset(names), present))
    return tuple(out)


def with_working_folders(project: ProjectContext, notebook_path: str | Path, sources: Iterable[str]) -> ProjectContext:
    """`_with_working_folders`, then the modules it imports from another folder of the repository
    (`elsewhere_modules`)."""
    sources = list(sources)
    project = _with_working_folders(project, notebook_path, sources)
    return _with_elsewhere_modules(project, notebook_path, sources)


# What may put another folder on the import path in a way the audit does not read: any `sys.path`
# or `PYTHONPATH` edit, `site.addsitedir`, a change of working directory, `%run`, `%load`.
_IMPORT_PATH_CHANGE = re.compile(r"\bsys\.path\b|\bpath\.(?:insert|append)\b|PYTHONPATH|addsitedir|\bchdir\b|^\s*%(?:cd|run|load)\b|\bfrom\s+sys\s+import\b", re.MULTILINE)
# Folders that hold no code a notebook of the repository imports: environments, builds, checkpoints.
_NOT_CODE_FOLDERS = frozenset({"venv", "env", "node_modules", "build", "dist", "site-packages", "__pycache__", "lib64"})


def _with_elsewhere_modules(project: ProjectContext, notebook_path: str | Path, sources: list[str]) -> ProjectContext:
    """The project with `elsewhere_modules`: `import prediction_library` in a notebook of
    `Bike Sharing Rental Demand/` whose module is `../Colaboration_Tutorials/prediction_library.py`
    (fair check 51, recall T-1.3). One listing per folder on the way up and one `stat` per sub-folder
    and wanted name; nothing for a notebook that edits its import path or moves (it may reach the
    folder in a way not read)."""
    if any(_IMPORT_PATH_CHANGE.search(source) for source in sources):
        return project
    own = (project.local_modules | project.project_modules | project.unbuilt_src_modules
           | (project.parent_modules or frozenset()) | {n for _, names, _ in project.path_entry_modules for n in names})
    wanted = sorted(n for n in _imported_tops(sources)
                    if n.isidentifier() and n not in own and n not in sys.stdlib_module_names and n != "__future__")
    if not wanted:
        return project
    folder = Path(os.path.dirname(resolved_path(notebook_path)))
    root = _project_root(folder)
    found: dict[str, str] = {}
    current, previous = folder, None
    while len(found) < len(wanted):
        for sub in _code_subfolders(current):
            if sub == previous:
                continue  # (the way back down: the notebook's own folders, read already)
            for name in wanted:
                if name in found:
                    continue
                if _exists(os.path.join(sub, name + ".py")) or _exists(os.path.join(sub, name, "__init__.py")):
                    target = os.path.join(sub, name + ".py") if _exists(os.path.join(sub, name + ".py")) else os.path.join(sub, name)
                    found[name] = os.path.relpath(target, folder).replace(os.sep, "/")
        if (root is not None and current == root) or (root is None and current != folder) or current.parent == current:
            break
        current, previous = current.parent, current
    return replace(project, elsewhere_modules=tuple(sorted(found.items()))) if found else project


def _code_subfolders(folder: Path) -> list[Path]:
    """The sub-folders of `folder` that may hold the repository's code (not hidden, not an
    environment or a build), sorted."""
    try:
        with os.scandir(folder) as listing:
            return sorted(Path(e.path) for e in listing
                          if not e.name.startswith((".", "_")) and e.name not in _NOT_CODE_FOLDERS and e.is_dir())
    except OSError:
        return []


def _with_working_folders(project: ProjectContext, notebook_path: str | Path, sources: Iterable[str]) -> ProjectContext:
    """The project as the notebook's imports see it after it moves into another folder of the
    project: IPython looks up imports in the working directory first, so
    `os.chdir(os.path.join("..", "notebook_format"))` then `from formats import load_style`
    imports the repository's own `notebook_format/formats.py`, not a distribution. The modules of
    every folder a literal `os.chdir(…)`/`%cd …` of the notebook names (relative to the notebook's
    folder) join the project's modules. For a notebook that puts its parent folder on the import
    path (`sys.path.insert(0, "..")`), the importable names there (`parent_modules`). The folders of
    the repository its absolute `sys.path` entries name by their last parts (`absolute_entry_folders`),
    and the helpers of the project's modules it imports that join a parameter under an absolute folder
    (`helper_bases`)."""
    sources = list(sources)
    # (the pattern starts at a word boundary, so the regex engine tried it at every character;
    # a match holds "path." itself)
    if any("path." in source and _PARENT_ON_PATH.search(source) for source in sources):
        folder = Path(os.path.dirname(resolved_path(notebook_path)))
        parent = _local_modules(folder.parent) if folder.parent != folder else frozenset()
        project = replace(project, parent_modules=parent)
    entries = sorted({m.group("entry") for source in sources if "path." in source for m in _FOLDER_ON_PATH.finditer(source)})
    if entries:
        project = replace(project, path_entry_modules=_path_entry_modules(Path(os.path.dirname(resolved_path(notebook_path))), entries))
    climbing = sorted({m.group("entry") for source in sources if "path." in source for m in _CLIMBING_LITERAL.finditer(source)})
    if climbing:
        folder = Path(os.path.dirname(resolved_path(notebook_path)))
        project = replace(project, absent_entry_folders=frozenset(e for e in climbing if not folder.joinpath(*e.split("/")).is_dir()))
    absolute = sorted({m.group("entry") for source in sources if "path." in source for m in _ABSOLUTE_FOLDER_ON_PATH.finditer(source)})
    resolved = _absolute_entry_folders(Path(os.path.dirname(resolved_path(notebook_path))), absolute,
                                       _imported_tops(sources)) if absolute else ()
    if resolved:
        project = replace(project, absolute_entry_folders=tuple((entry, _display(found, None)) for entry, found in resolved))
    helpers = _helper_bases(project, notebook_path, sources, tuple(found for _, found in resolved))
    if helpers:
        project = replace(project, helper_bases=helpers)
    if any("import" in source and "from" in source for source in sources):
        helpers = _notebook_helpers(project, notebook_path, sources)
        if helpers:
            project = replace(project, notebook_helpers=helpers)
    targets = chdir_targets(sources)
    if not targets:
        return project
    folder = Path(os.path.dirname(resolved_path(notebook_path)))
    found: set[str] = set()
    for target in targets:
        found |= _local_modules(Path(os.path.normpath(folder / target)))
    if not found - project.project_modules:
        return project
    # A folder the notebook moves into is on its import path: its packages are the project's.
    return replace(project, project_modules=project.project_modules | found)


# `sys.path.append('/Users/user/Desktop/Projects/data-science/utils')`: a literal absolute entry (a
# home, a drive, the root), most often the author's own checkout of a folder of the repository.
# A string literal naming a folder up from the working one (`"../../CustomModules"`), in a cell that
# mentions `path.` (`_absent_entry_folders`).
_CLIMBING_LITERAL = re.compile(r"""['"](?P<entry>(?:\.\./)+[^'"\n/\\.][^'"\n\\]*)['"]""")
_ABSOLUTE_FOLDER_ON_PATH = re.compile(
    r"\bpath\.(?:insert|append)\((?:[^,()\n]*,\s*)?[rRuU]?['\"](?P<entry>(?:/|~/|[A-Za-z]:[\\/])[^'\"\n]*)['\"]\s*\)")
# A string literal spelling an absolute folder, in a module's text (most helper modules have none:
# they are not parsed).
_ABSOLUTE_LITERAL_TEXT = re.compile(r"""['"](?:/[^/'"\s]|~/|[A-Za-z]:[\\/])""")


def _absolute_entry_folders(folder: Path, entries: Sequence[str], imported: Collection[str]) -> tuple[tuple[str, Path], ...]:
    """The repository's folders that absolute `sys.path` entries name by their last parts
    (`/Users/user/Desktop/Projects/data-science/utils` → the `utils/` of the repository the notebook
    is in): each tail of the entry without its first part (longest first) looked for in the
    notebook's folder and each folder above it, up to the project root and never at the filesystem's
    root (the entry as written, a folder of the auditing machine, is never read). A folder counts
    only when it holds a module the notebook imports (`imported`, top-level names): a `lib/` of the
    repository is no checkout of `/home/alice/anaconda3/lib`."""
    out: list[tuple[str, Path]] = []
    for entry in entries:
        parts = [p for p in re.split(r"[\\/]+", entry) if p and p not in (".", "~") and not re.fullmatch(r"[A-Za-z]:", p)]
        if len(parts) < 2 or ".." in parts:
            continue
        current = folder
        while current.parent != current:
            candidate = next((current.joinpath(*parts[start:]) for start in range(1, len(parts))
                              if current.joinpath(*parts[start:]).is_dir()
                              and _local_modules(current.joinpath(*parts[start:])) & set(imported)), None)
            if candidate is not None:
                out.append((entry, candidate))
                break
            if is_project_root(current):
                break
            current = current.parent
    return tuple(out)


def _imported_tops(sources: Sequence[str]) -> frozenset[str]:
    """The top-level names of the modules the cells import (`from a.b import c` → `a`)."""
    return frozenset(module.split(".")[0] for module in _imported_modules(sources))


def _imported_modules(sources: Sequence[str]) -> list[str]:
    """The modules the cells import, as written (`from a.b import c` → `a.b`; `import x, y as z`)."""
    modules: list[str] = []
    for text in sources:
        if "import" not in text:
            continue
        modules.extend(m.group(1) for m in _FROM_IMPORT.finditer(text))
        for m in _PLAIN_IMPORT.finditer(text):
            modules.extend(part.split()[0] for part in m.group(1).split(","))
    return modules


def _helper_bases(
    project: ProjectContext, notebook_path: str | Path, sources: Sequence[str], entry_folders: Sequence[Path],
) -> tuple[tuple[str, str, str, int, str, str, int], ...]:
    """`ProjectContext.helper_bases` for the notebook: the modules it imports that are the project's
    own (`_module_file`) or lie in `entry_folders`, the folders of the repository its absolute
    `sys.path` edits name (`_absolute_entry_folders`), read when their text spells an absolute folder."""
    modules = _imported_modules(sources)
    if not modules:
        return ()
    folder = Path(os.path.dirname(resolved_path(notebook_path)))
    own = project.local_modules | project.project_modules | (project.parent_modules or frozenset())
    found: list[tuple[str, str, str, int, str, str, int]] = []
    for module in sorted(set(modules)):
        top = module.split(".")[0]
        file: Optional[Path] = None
        if top in own:
            file = _module_file(project, folder, module)
        for base in entry_folders if file is None else ():
            current = base.joinpath(*module.split("."))
            file = next((f for f in (current.with_suffix(".py"), current / "__init__.py") if f.is_file()), None)
            if file is not None:
                break
        if file is None:
            continue
        try:
            stat = file.stat()
        except OSError:
            continue
        if stat.st_size > 1_000_000:
            continue
        shown = _display(file, None)
        for name, parameter, position, base, line in _file_base_joins(str(file), stat.st_mtime_ns, stat.st_size):
            found.append((f"{module}.{name}", name, parameter, position, base, shown, line))
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=256)  # the notebooks of one folder import the same helpers
def _file_base_joins(file: str, mtime_ns: int, size: int) -> tuple[tuple[str, str, int, str, int], ...]:
    """`base_joining_functions` of a module file, by its path and its state on disk; () when it
    spells no absolute folder (not parsed) or cannot be read or parsed."""
    try:
        with open(file, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        if not _ABSOLUTE_LITERAL_TEXT.search(text):
            return ()
        return tuple(base_joining_functions(ast.parse(text)))
    except (OSError, SyntaxError, ValueError, RecursionError):
        return ()


def _absolute_text(value: object) -> bool:
    """Is `value` a string spelling an absolute folder (`/Users/…`, `~/…`, `C:\\…`)?"""
    return isinstance(value, str) and (
        (value.startswith("/") and len(value) > 1 and not value.startswith("//")) or value.startswith("~/")
        or re.match(r"^[A-Za-z]:[\\/]", value) is not None)


_JOIN_FUNCTIONS = frozenset({"os.path.join", "path.join", "join", "posixpath.join", "ntpath.join"})
_PATH_TYPES = frozenset({"Path", "pathlib.Path", "PurePath", "pathlib.PurePath", "PosixPath", "pathlib.PosixPath"})


def base_joining_functions(tree: ast.Module) -> list[tuple[str, str, int, str, int]]:
    """The functions of a module (`name`) and the methods of its classes (`Class.method`) that join a
    parameter under an absolute folder the module spells, as (function, parameter, position among
    the positional parameters after `self`/`cls` (-1: keyword-only), the folder, its literal's line).
    The folder is a literal, a module constant bound once, or a class attribute bound once (in the
    class body or as `self.NAME = '…'` in a method); the join is `os.path.join(base, …, parameter,
    …)`, `Path(base) / … / parameter`, `base + … + parameter` or `f"{base}/{parameter}"`. A
    parameter the body rebinds is not the value given. Pure: reads the tree only."""
    def bound_once(pairs: Iterable[tuple[str, Optional[ast.expr]]]) -> dict[str, tuple[str, int]]:
        seen: dict[str, list[Optional[ast.expr]]] = {}
        for name, value in pairs:
            seen.setdefault(name, []).append(value)
        return {name: (values[0].value, values[0].lineno) for name, values in seen.items()  # type: ignore[union-attr]
                if len(values) == 1 and isinstance(values[0], ast.Constant) and _absolute_text(values[0].value)}

    def stores(body: Sequence[ast.stmt]) -> Iterator[tuple[str, Optional[ast.expr]]]:
        for stmt in body:
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        yield target.id, stmt.value if len(stmt.targets) == 1 else None
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                yield stmt.target.id, stmt.value
            elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
                yield stmt.target.id, None

    constants = bound_once(stores(tree.body))
    found: list[tuple[str, str, int, str, int]] = []

    def read(name: str, fn: ast.FunctionDef | ast.AsyncFunctionDef, skipped: int, attributes: dict[str, tuple[str, int]],
             owners: frozenset[str]) -> None:
        positional = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)][skipped:]
        params = {p: i for i, p in enumerate(positional)}
        params.update({a.arg: -1 for a in fn.args.kwonlyargs})
        rebound = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}
        params = {p: i for p, i in params.items() if p not in rebound}
        if not params:
            return

        def base_of(node: ast.expr) -> Optional[tuple[str, int]]:
            if isinstance(node, ast.Constant) and _absolute_text(node.value):
                return node.value, node.lineno  # type: ignore[return-value]
            if isinstance(node, ast.Name) and node.id not in rebound:
                return constants.get(node.id)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in owners:
                return attributes.get(node.attr)
            if isinstance(node, ast.Call) and _dotted(node.func) in _PATH_TYPES and len(node.args) == 1 and not node.keywords:
                return base_of(node.args[0])
            return None

        def chain(node: ast.expr, op: type) -> list[ast.expr]:
            if isinstance(node, ast.BinOp) and isinstance(node.op, op):
                return [*chain(node.left, op), node.right]
            return [node]

        for node in ast.walk(fn):
            pieces: list[ast.expr] = []
            if isinstance(node, ast.Call) and _dotted(node.func) in _JOIN_FUNCTIONS and not node.keywords:
                pieces = list(node.args)
            elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.Add)):
                pieces = chain(node, type(node.op))
            elif isinstance(node, ast.JoinedStr):
                pieces = [v.value if isinstance(v, ast.FormattedValue) else v for v in node.values]
            if len(pieces) < 2 or any(isinstance(p, ast.Starred) for p in pieces):
                continue
            base = base_of(pieces[0])
            if base is None:
                continue
            for piece in pieces[1:]:
                if isinstance(piece, ast.Name) and piece.id in params:
                    found.append((name, piece.id, params[piece.id], base[0], base[1]))

    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            read(stmt.name, stmt, 0, {}, frozenset())
        elif isinstance(stmt, ast.ClassDef):
            methods = [m for m in stmt.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))]
            pairs = list(stores(stmt.body))
            for method in methods:
                for node in ast.walk(method):
                    targets: list[ast.expr] = []
                    value: Optional[ast.expr] = None
                    if isinstance(node, ast.Assign):
                        targets, value = node.targets, node.value if len(node.targets) == 1 else None
                    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                        targets, value = [node.target], node.value if isinstance(node, ast.AnnAssign) else None
                    for target in targets:
                        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in ("self", "cls", stmt.name):
                            pairs.append((target.attr, value))
            attributes = bound_once(pairs)
            for method in methods:
                decorators = {_dotted(d) for d in method.decorator_list}
                skipped = 0 if "staticmethod" in decorators else 1
                owners = frozenset({stmt.name} | ({method.args.args[0].arg} if skipped and method.args.args else set()))
                read(f"{stmt.name}.{method.name}", method, skipped, attributes, owners)
    return list(dict.fromkeys(found))


def _dotted(node: ast.expr) -> str:
    return dotted_name(node) or ""


# `!pip install -r workspace_requirements.txt`, `%pip install --requirement=reqs/base.txt`.
_INSTALLED_REQUIREMENTS = re.compile(
    r"\bpip3?\b[^\n]*?\binstall\b[^\n]*?(?:\s-r\s*|\s--requirement[=\s]\s*)['\"]?(?P<file>[^\s'\";&|#]+)")
# `%pip install lab_setup.txt`: a requirements file named without `-r` (pip fails on the line; the
# file is still the environment the author meant, and DEP003 says the `-r` is missing).
_INSTALLED_TXT = re.compile(r"\bpip3?\b[^\n]*?\binstall\b[^\n]*?\s['\"]?(?P<file>[^\s'\";&|#=-][^\s'\";&|#]*\.txt)\b")
_TOP_IMPORT = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", re.MULTILINE)


def with_installed_requirements(project: ProjectContext, notebook_path: str | Path, sources: Iterable[str]) -> ProjectContext:
    """The project with the requirements files the notebook installs itself (`!pip install -r
    workspace_requirements.txt`, a relative literal path from the notebook's folder; also one named
    without the `-r`, `%pip install lab_setup.txt`) as manifests: what they list is declared, pinned
    or not, whatever the file is called (`requirements*.txt` are found anyway). A file that is not
    there (a clone's, read after `%cd`) adds nothing. So is the notebook's own requirements file
    beside it, named as the notebook (`deploy_model.txt` for `deploy_model.ipynb`, a sample
    repository's convention), when every line reads as a requirement and one of them is a
    module the notebook imports by name (a word list `labels.txt` beside `labels.ipynb` is data)."""
    sources = list(sources)
    names: list[str] = []
    for source in sources:
        if "pip" not in source or "install" not in source:
            continue
        for pattern in (_INSTALLED_REQUIREMENTS, _INSTALLED_TXT):
            for m in pattern.finditer(source):
                name = m.group("file")
                if not name.startswith(("/", "~", "$", "{", "\\")) and not _looks_like_drive(name) and name not in names:
                    names.append(name)
    folder = Path(os.path.dirname(resolved_path(notebook_path)))
    # A file discovery found already (shown relative to another root, so compared by name and content).
    known = {(m.path.rsplit("/", 1)[-1], m.requirements) for m in project.manifests}
    added: list[Manifest] = []
    own = Path(notebook_path).with_suffix(".txt").name
    for name in names + ([own] if own not in names else []):
        file = Path(os.path.normpath(folder / name))
        text = _file_text(file)
        if text is None:
            continue
        manifest = parse_requirements_txt(_display(file, None), text)
        if name == own and own not in names and not _own_requirements(text, manifest, sources):
            continue
        if (file.name, manifest.requirements) not in known:
            known.add((file.name, manifest.requirements))
            added.append(manifest)
            # (the files it includes, `-r base.txt`, with it; not its editable projects, read nowhere for these files)
            added += _included_manifests(file.parent, replace(manifest, projects=()), None, folder_read=False, seen=frozenset([file]))
    added += _sibling_requirements(folder, sources, [m for m in project.manifests + tuple(added)])
    if not added:
        return project
    return replace(project, manifests=project.manifests + tuple(added))


# A notebook's own pip line (`! pip install -U neptune tensorflow`, `%pip install x`), the command after `!`/`%`.
_NOTEBOOK_PIP_LINE = re.compile(
    r"^[ \t]*[!%][ \t]*(?P<command>(?:pip3?|python3?[ \t]+-m[ \t]+pip)[ \t][^\n]*\binstall\b[^\n]*)$", re.MULTILINE)


def _notebook_pip_names(sources: list[str]) -> frozenset[str]:
    """Normalised names of the packages the notebook's own pip lines install (not those of a line
    that builds its arguments at run time, `{…}` or `$VAR`)."""
    names: set[str] = set()
    for source in sources:
        if "pip" not in source:  # (every line the pattern matches holds it)
            continue
        for m in _NOTEBOOK_PIP_LINE.finditer(source):
            if "{" in m["command"] or "$" in m["command"]:
                continue
            for arg, _, is_file in _install_arguments(_shell_words(m["command"])):
                req = None if is_file else _requirement(arg, 0)
                if req is not None:
                    names.add(req.name)
    return frozenset(names)


def _sibling_requirements(folder: Path, sources: list[str], known: list[Manifest]) -> list[Manifest]:
    """The requirements file of the example a notebook belongs to when it sits in a sibling folder
    (neptune-ai/examples: `monitor-ml-runs/notebooks/Monitor_ML_runs_live.ipynb` beside
    `monitor-ml-runs/scripts/requirements.txt` and the script it serves; fair check 16, 34 DEP001s).
    Read only when all of these hold: no manifest in the notebook's folder nor in its parent (the
    example's root); the sibling folder holds a `requirements*.txt` and a `.py` script; and the
    notebook's own pip lines and that file name mostly the same packages: they share one at least,
    and each names no fewer than half of the other's (measured on the 44 pairs there: 30 name exactly
    the same packages, the rest differ by one or two; the Colab notebooks at a repository's root
    share nothing with their sibling folders' files)."""
    # The notebook's own pip lines first: most notebooks install nothing, and then no folder is
    # listed and no manifest parsed (both tests answer [] alone; reading and parsing the manifests
    # of the notebook's folder and its parent for every notebook was 3 % of a PDSH audit).
    installed = _notebook_pip_names(sources)
    if not installed:
        return []
    parent = folder.parent
    if parent == folder or _manifests_in(folder, None) or _manifests_in(parent, None):
        return []
    found: list[Manifest] = []
    try:
        siblings = sorted(entry.path for entry in os.scandir(parent)
                          if entry.is_dir() and not entry.name.startswith(".") and entry.path != str(folder))
    except OSError:
        return []
    shown = {m.path for m in known}
    for sibling in map(Path, siblings):
        try:
            names = os.listdir(sibling)
        except OSError:
            continue
        if not any(n.endswith(".py") for n in names):
            continue
        for name in sorted(fnmatch.filter(names, "requirements*.txt")):
            file = sibling / name
            text = _file_text(file)
            if text is None:
                continue
            manifest = parse_requirements_txt(_display(file, None), text)
            listed = {r.name for r in manifest.requirements}
            shared = listed & installed
            if shared and 2 * len(shared) >= len(listed) and 2 * len(shared) >= len(installed) and manifest.path not in shown:
                found.append(replace(manifest, sibling=True))
    return found


def _own_requirements(text: str, manifest: Manifest, sources: list[str]) -> bool:
    """Whether the `.txt` named as the notebook is its requirements file: it reads as one, and it
    lists a module the notebook imports (`pandas`)."""
    if not reads_as_requirements(text):
        return False
    imported = {normalise(m) for source in sources for m in _TOP_IMPORT.findall(source)}
    return any(r.name in imported for r in manifest.requirements)


# A quoted http(s) URL's last path segment (no query or fragment): the name a download of it
# gets by default (`basename(url)`, `wget URL`).
_URL_FILE_NAME = re.compile(r"""['"]https?://[^'"\s?#]*/(?P<name>[^/'"\s?#]+)['"?#]""")


# A `wget` that keeps a file already there (`-nc`, `--no-clobber`): its URLs' last segments,
# unquoted (a shell line), are the names it would save.
_NO_CLOBBER_WGET = re.compile(r"^\s*!\s*wget\b[^\n]*\s(?:-nc|--no-clobber)\b[^\n]*$", re.MULTILINE)
_SHELL_URL_FILE_NAME = re.compile(r"""https?://[^'"\s?#]*/(?P<name>[^/'"\s?#]+)""")


def may_guard_downloads(text: str | bytes) -> bool:
    """Whether a notebook may test that a file exists (`exists(`, `isfile(`, `.is_file(`) before
    downloading it, or fetch with `wget -nc` (no-clobber): only such notebooks need
    `with_downloads_present`."""
    if isinstance(text, bytes):
        return b"exists(" in text or b"isfile(" in text or b"is_file(" in text or b"-nc" in text or b"--no-clobber" in text
    return "exists(" in text or "isfile(" in text or "is_file(" in text or "-nc" in text or "--no-clobber" in text


def with_downloads_present(project: ProjectContext, notebook_path: str | Path, sources: Iterable[str]) -> ProjectContext:
    """The project with `downloads_present`: the names that the notebook's quoted http(s) URLs end
    with (`download(".../raw/master/code/nsfg.py")` → `nsfg.py`) that are files in the notebook's
    folder. A book repository commits its helpers and data beside the chapter notebooks, and each
    notebook fetches them only `if not exists(basename(url))` (for a lone copy opened on Colab):
    run from its folder, nothing is downloaded. Only notebooks that test for a file (`exists(`)
    are looked at; one `stat` per URL name."""
    texts = [s for s in sources]
    project = _with_load_blank_names(project, notebook_path, texts)
    project = _with_split_part_names(project, notebook_path, texts)
    project = _with_colab_twin(project, notebook_path)
    project = _with_committed_copies(project, notebook_path, texts)
    project = _with_present_fallback_reads(project, notebook_path, texts)
    project = _with_committed_helper_datasets(project, notebook_path, texts)
    project = _with_committed_torch_datasets(project, notebook_path, texts)
    if not any(may_guard_downloads(s) for s in texts):
        return project
    names = {m.group("name") for s in texts for m in _URL_FILE_NAME.finditer(s)}
    # `!wget -nc URL` downloads nothing when the file is there (a course folder that commits it).
    names |= {m.group("name") for s in texts for line in _NO_CLOBBER_WGET.finditer(s)
              for m in _SHELL_URL_FILE_NAME.finditer(line.group(0))}
    if not names:
        return project
    folder = os.path.dirname(resolved_path(notebook_path))
    present = frozenset(n for n in names if n not in (".", "..") and os.path.isfile(os.path.join(folder, n)))
    if not present:
        return project
    return replace(project, downloads_present=project.downloads_present | present)


_SHELL_DOWNLOAD_LINE = re.compile(r"^\s*!\s*(?:wget|curl)\b[^\n]*", re.MULTILINE)


def _shell_download_destinations(text: str) -> list[tuple[str, str]]:
    """(URL, destination) of each `!wget URL -O dest` / `!curl URL -o dest` line of `text` with one
    http(s) URL and a destination without variables."""
    out = []
    for line in _SHELL_DOWNLOAD_LINE.finditer(text):
        command = line.group(0).strip().lstrip("!").strip()
        try:
            words = shlex.split(re.split(r"\s(?:\||&&|;|\|\|)\s", command, maxsplit=1)[0])
        except ValueError:
            continue
        urls = [w for w in words if re.match(r"^https?://", w)]
        flag = ("-O", "--output-document") if words[0] == "wget" else ("-o", "--output")
        dest = next((words[i + 1] for i, w in enumerate(words[:-1]) if w in flag), None)
        if len(urls) == 1 and dest and dest != "-" and not re.search(r"[$%{}]", dest):
            out.append((urls[0], dest))
    return out


def _committed_at(folder: str, relative: str) -> Optional[str]:
    """The path, from `folder`, of the file `relative` names in `folder` or a folder above it (up to
    the project root when one is known, else 8 levels), or None."""
    above = folder
    for _ in range(8):
        candidate = os.path.join(above, *relative.split("/"))
        if os.path.isfile(candidate):
            return os.path.relpath(candidate, folder).replace(os.sep, "/")
        if is_project_root(Path(above)):
            return None  # (the repository's root: nothing above it is the repository's)
        parent = os.path.dirname(above)
        if parent == above:
            return None
        above = parent
    return None


# `read_data_sets("data/mnist/", one_hot=True)`: the folder, as written.
_READ_DATA_SETS_FOLDER = re.compile(r"""\bread_data_sets\(\s*(?:train_dir\s*=\s*)?['"](?P<folder>[^'"\n]+)['"]""")
# The files TensorFlow 1's MNIST helper looks for in its folder (Fashion-MNIST uses the same names).
_MNIST_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def _with_committed_helper_datasets(project: ProjectContext, notebook_path: str | Path, texts: Sequence[str]) -> ProjectContext:
    """The project with `committed_helper_datasets`: `read_data_sets` folders (relative, as written)
    that hold MNIST's files from the notebook's folder. One of the four is enough: a checkout without
    its large blobs (Git LFS, a partial clone) still shows the folder the repository commits them in."""
    folders = sorted({m.group("folder") for s in texts if "read_data_sets" in s for m in _READ_DATA_SETS_FOLDER.finditer(s)})[:8]
    if not folders:
        return project
    base = os.path.dirname(resolved_path(notebook_path))
    present = frozenset(
        f for f in folders
        if not os.path.isabs(f) and not f.startswith("~")
        and any(os.path.isfile(os.path.join(base, *f.strip("/").split("/"), name)) for name in _MNIST_FILES)
    )
    return replace(project, committed_helper_datasets=project.committed_helper_datasets | present) if present else project


# torchvision's dataset classes whose folder layout under `root` is fixed, and that folder: the MNIST
# family keeps `<root>/<ClassName>/raw` (and `processed`; `MNIST.raw_folder`, torchvision 0.5 on),
# CIFAR its archive's folder (`CIFAR10.base_folder`). `_check_exists`/`_check_integrity` finds the
# files there and `download()` returns without fetching (fair check 34, item 127:
# committed-dataset-files-present).
TORCH_DATASET_FOLDERS = {
    "MNIST": "MNIST/raw", "FashionMNIST": "FashionMNIST/raw", "KMNIST": "KMNIST/raw", "EMNIST": "EMNIST/raw",
    "QMNIST": "QMNIST/raw", "CIFAR10": "cifar-10-batches-py", "CIFAR100": "cifar-100-python",
}
# `datasets.MNIST('data/', …)`, `torchvision.datasets.CIFAR10(root="./data", …)`: the class and its root, as written.
_TORCH_DATASET_ROOT = re.compile(
    r"""\b(?P<cls>""" + "|".join(TORCH_DATASET_FOLDERS) + r""")\(\s*(?:root\s*=\s*)?['"](?P<root>[^'"\n]+)['"]"""
)


def _with_committed_torch_datasets(project: ProjectContext, notebook_path: str | Path, texts: Sequence[str]) -> ProjectContext:
    """The project with `committed_torch_datasets`: (class, root) of torchvision dataset classes
    given a relative literal root whose folder (`TORCH_DATASET_FOLDERS`) holds a file from the
    notebook's folder. One file is enough, as for `read_data_sets`: a checkout without its large
    blobs still shows the folder the repository commits them in."""
    pairs = sorted({(m.group("cls"), m.group("root")) for s in texts if "(" in s for m in _TORCH_DATASET_ROOT.finditer(s)})[:8]
    if not pairs:
        return project
    base = os.path.dirname(resolved_path(notebook_path))
    present = set()
    for cls, root in pairs:
        if os.path.isabs(root) or root.startswith("~"):
            continue
        folder = os.path.join(base, *[p for p in root.split("/") if p and p != "."], *TORCH_DATASET_FOLDERS[cls].split("/"))
        try:
            if any(entry.is_file() for entry in os.scandir(folder)):
                present.add((cls, root))
        except OSError:
            continue
    return replace(project, committed_torch_datasets=project.committed_torch_datasets | present) if present else project


# (quoted in Python, or a word of a shell line: `!wget -q https://raw.githubusercontent.com/… -O data/x.csv`;
# `media.githubusercontent.com/media/…` serves the repository's Git LFS files, fair check 50, items 95-99)
_RAW_GITHUB_FILE_NAME = re.compile(
    r"""(?:['"]|(?<!\S))https?://(?:raw\.githubusercontent\.com|media\.githubusercontent\.com/media|github\.com/[^'"\s/]+/[^'"\s/]+/raw)/[^'"\s?#]*/(?P<name>[^/'"\s?#]+)(?=['"?#\s]|$)""",
    re.MULTILINE,
)


def _with_committed_copies(project: ProjectContext, notebook_path: str | Path, texts: Sequence[str]) -> ProjectContext:
    """The project with `committed_copies`: raw GitHub URL names that are files in the notebook's
    folder (one `stat` per such name)."""
    names = {m.group("name") for s in texts if "github" in s for m in _RAW_GITHUB_FILE_NAME.finditer(s)}
    # Any other web URL's file in the `data/` folder beside the notebook (a docs folder's sample
    # data): `committed_data_copies`.
    web_names = sorted({
        m.group("name") for s in texts if "http" in s for m in _URL_FILE_NAME.finditer(s)
    } - names)[:64]
    if web_names:
        folder = os.path.dirname(resolved_path(notebook_path))
        in_data = tuple(
            (n, f"data/{n}") for n in web_names
            if n not in (".", "..") and "." in n and os.path.isfile(os.path.join(folder, "data", n))
        )
        if in_data:
            project = replace(project, committed_data_copies=project.committed_data_copies + in_data)
    destinations = [pair for s in texts if "-o" in s.lower() for pair in _shell_download_destinations(s)]
    if destinations:
        folder = os.path.dirname(resolved_path(notebook_path))
        committed = tuple((url, dest) for url, dest in destinations
                          if not dest.startswith(("/", "~")) and os.path.isfile(os.path.join(folder, *dest.split("/"))))
        if committed:
            project = replace(project, committed_destinations=project.committed_destinations + committed)
    if not names:
        return project
    folder = os.path.dirname(resolved_path(notebook_path))
    present = frozenset(n for n in names if n not in (".", "..") and os.path.isfile(os.path.join(folder, n)))
    if present:
        project = replace(project, committed_copies=project.committed_copies | present)
    # Not beside the notebook: the repository's own file at the URL's path, in a folder above it
    # (up to the project root when one is known, else a few levels).
    repo_paths = {m.group("path") for s in texts if "github" in s for m in _RAW_GITHUB_REPO_PATH.finditer(s)}
    copies: list[tuple[str, str]] = []
    for repo_path in sorted(repo_paths):
        relative = unquote(repo_path)
        if relative.rsplit("/", 1)[-1] in present or ".." in relative.split("/") or relative.startswith("/"):
            continue
        found = _committed_at(folder, relative)
        if found is not None:
            copies.append((repo_path, found))
    return replace(project, committed_repo_copies=project.committed_repo_copies + tuple(copies)) if copies else project


# A handler for a missing file, and a quoted relative path (`'../data/x.csv'`, `"data/x.csv"`).
_MISSING_FILE_HANDLER = re.compile(r"except\s*\(?[^:\n]*\b(?:FileNotFoundError|OSError|IOError)\b")
_RELATIVE_PATH_LITERAL = re.compile(r"""['"](?P<path>(?:\.\.?/)*[\w.-]+(?:/[\w.-]+)*\.\w+)['"]""")


def _with_present_fallback_reads(project: ProjectContext, notebook_path: str | Path, texts: Sequence[str]) -> ProjectContext:
    """The project with `present_fallback_reads`: in a cell with a missing-file handler, the quoted
    relative file paths that exist from the notebook's folder (at most 64 `stat`s)."""
    candidates = sorted({
        m.group("path") for s in texts if _MISSING_FILE_HANDLER.search(s)
        for m in _RELATIVE_PATH_LITERAL.finditer(s)
    })[:64]
    if not candidates:
        return project
    folder = os.path.dirname(resolved_path(notebook_path))
    present = frozenset(c for c in candidates if os.path.isfile(os.path.join(folder, *c.split("/"))))
    return replace(project, present_fallback_reads=project.present_fallback_reads | present) if present else project


# `raw.githubusercontent.com/<owner>/<repo>/<branch>/<path>`, `github.com/<owner>/<repo>/raw/<branch>/<path>`,
# `media.githubusercontent.com/media/<owner>/<repo>/<branch>/<path>` (a Git LFS file, fair check 50, items
# 95-99): the path of the file in its repository (a branch name of one segment).
# (the branch as `main/` or `refs/heads/main/`, `refs/tags/v1/`; quoted, or a word of a shell line)
_RAW_GITHUB_REPO_PATH = re.compile(
    r"""(?:['"]|(?<!\S))https?://(?:(?:raw\.githubusercontent\.com|media\.githubusercontent\.com/media)/[^'"\s/]+/[^'"\s/]+|github\.com/[^'"\s/]+/[^'"\s/]+/raw)/"""
    r"""(?:refs/(?:heads|tags)/)?[^'"\s/?#]+/(?P<path>[^'"\s?#]+)(?=['"?#\s]|$)""",
    re.MULTILINE,
)


_CHDIR_CALL = re.compile(r"\bchdir\(")
_CD_MAGIC = re.compile(r"^\s*%(?:cd|pushd)\s+(?P<arg>[^\s;#]+)\s*$", re.MULTILINE)


# `from utils.reproducibility import set_global_seeds`, `import helpers.seeding as seeding`,
# `from lab import *`: the project modules a notebook may take a seeding helper from.
_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b", re.MULTILINE)
_PLAIN_IMPORT = re.compile(r"^[ \t]*import[ \t]+([A-Za-z_][\w.]*(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*(?:[ \t]+as[ \t]+\w+)?)*)", re.MULTILINE)
# A call whose name says it seeds (`random.seed`, `np.random.seed`, `torch.manual_seed`,
# `tf.random.set_seed`, `set_determinism`): what a helper's body records, for RND001 to match
# against its catalogue.
_SEEDING_NAME = re.compile(r"seed|determinism", re.IGNORECASE)


# An exercise's answer left as a commented-out `%load` of its solution file (geopandas-tutorial:
# `# %load _solved/solutions/03-spatial-relationships-joins10.py`).
_LOAD_BLANK_LINE = re.compile(r"^#\s*%load\s+(?P<path>[^\s'\"]+)\s*$")


def load_blank_paths(source: str) -> tuple[str, ...]:
    """The paths of a code cell whose every non-blank line is a commented-out `%load <path>`
    (an exercise blank the reader uncomments to paste the solution in); empty otherwise."""
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    found = [m.group("path") for line in lines for m in [_LOAD_BLANK_LINE.match(line)] if m]
    return tuple(found) if lines and len(found) == len(lines) else ()


def _with_load_blank_names(project: ProjectContext, notebook_path: str | Path, texts: list[str]) -> ProjectContext:
    """`load_blank_names` for the notebook's `# %load <path>` blanks: a relative `.py` path to a file
    below the notebook's folder, parsed (never run). One `stat` per path."""
    paths = sorted({p for text in texts if "%load" in text for p in load_blank_paths(text)})
    if not paths:
        return project
    folder = os.path.dirname(resolved_path(notebook_path))
    found: list[tuple[str, Optional[frozenset[str]]]] = []
    for path in paths:
        target = os.path.normpath(os.path.join(folder, path))
        if (os.path.isabs(path) or not path.endswith(".py") or os.path.commonpath([folder, target]) != folder
                or not os.path.isfile(target)):
            continue
        try:
            if os.path.getsize(target) > 1_000_000:
                continue
            with open(target, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
            tree = ast.parse(text)
        except (OSError, SyntaxError, ValueError, RecursionError):
            found.append((path, None))
            continue
        found.append((path, None if _UNLISTED_BINDINGS.search(text) else _module_exports(tree, pasted=True)))
    return replace(project, load_blank_names=tuple(found)) if found else project


# `Credit Card Fraud Detection_3`, `Lesson - Part 2`, `Lesson Part 2`: the name of a part of a
# split notebook, with the full notebook's name and the part's number.
_SPLIT_PART = re.compile(r"^(?P<stem>.+?)(?:_|\s*-\s*[Pp]art\s*|\s+[Pp]art\s*)(?P<n>[1-9][0-9]?)$")
_SPLIT_PART_MAX_BYTES = 50_000_000


# `from metric import score, other`: a top-level module and the names imported from it (not `*`).
_FROM_NAMES_IMPORT = re.compile(r"^[ \t]*from[ \t]+(?P<module>[A-Za-z_]\w*)[ \t]+import[ \t]+\(?(?P<names>[\w \t,]+)\)?[ \t]*(?:#.*)?$",
                          re.MULTILINE)


def _notebook_helpers(project: ProjectContext, notebook_path: str | Path, sources: Sequence[str]) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """`ProjectContext.notebook_helpers` of the notebook at `notebook_path` with these code sources."""
    wanted: dict[str, set[str]] = {}
    for source in sources:
        if "from" not in source:
            continue
        for m in _FROM_NAMES_IMPORT.finditer(source):
            module = m.group("module")
            if module in project.local_modules or module in project.project_modules or module in sys.stdlib_module_names:
                continue
            names = {n.split()[0] for n in m.group("names").split(",") if n.strip()}
            wanted.setdefault(module, set()).update(names)
    if not wanted:
        return ()
    path = resolved_path(notebook_path)
    own = os.path.basename(path)
    out: list[tuple[str, str, tuple[str, ...]]] = []
    for module, names in sorted(wanted.items()):
        for notebook, defined in _folder_notebook_definitions(os.path.dirname(path)):
            if notebook != own and names <= defined:
                out.append((module, notebook, tuple(sorted(names))))
                break
    return tuple(out)


@lru_cache(maxsize=64)  # the notebooks of one folder read each other's
def _folder_notebook_definitions(folder: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """(file name, names its code cells define at top level by `def`/`class`) of each notebook in the
    folder that defines any, in name order. Only notebooks of at most `_HELPER_NOTEBOOK_MAX_BYTES`
    are read (a helper notebook is code; the large ones are outputs, and reading them for every
    notebook of the folder would cost more than the audit of one)."""
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".ipynb"))
    except OSError:
        return ()
    out: list[tuple[str, frozenset[str]]] = []
    for name in names:
        try:
            if os.path.getsize(os.path.join(folder, name)) > _HELPER_NOTEBOOK_MAX_BYTES:
                continue
        except OSError:
            continue
        sources = _notebook_code_sources(os.path.join(folder, name))
        defined = frozenset(m.group(1) for source in sources or () if "def " in source or "class " in source
                            for m in _TOP_LEVEL_DEFINITION.finditer(source))
        if defined:
            out.append((name, defined))
    return tuple(out)


_HELPER_NOTEBOOK_MAX_BYTES = 1_000_000
_TOP_LEVEL_DEFINITION = re.compile(r"^(?:async[ \t]+)?(?:def|class)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)


def _notebook_code_sources(path: str) -> Optional[list[str]]:
    """The code cells' sources of the notebook file `path`; None when it is not one."""
    try:
        if os.path.getsize(path) > _SPLIT_PART_MAX_BYTES:
            return None
        with open(path, encoding="utf-8", errors="replace") as handle:
            data = json.load(handle)
    except (OSError, ValueError, RecursionError):
        return None
    return code_cell_sources(data) if isinstance(data, dict) else None


def _cell_module_bindings(source: str) -> frozenset[str]:
    """The names a code cell binds at module level (`_module_exports`, private ones too), its
    IPython lines (`%matplotlib inline`, `!pip …`) read as `pass`; nothing for a cell magic's cell
    or one that does not parse then (fewer names: more of the part's reads still checked)."""
    lines = source.split("\n")
    if lines and lines[0].lstrip().startswith("%%"):
        return frozenset()
    plain = [line[: len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!")) else line for line in lines]
    try:
        tree = ast.parse("\n".join(plain))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()
    return _module_exports(tree, pasted=True) or frozenset()


_COLAB_FOLDERS = {"_colab": ("_local", "local"), "colab": ("local", "_local")}


def _with_colab_twin(project: ProjectContext, notebook_path: str | Path) -> ProjectContext:
    """`colab_twin` for a notebook whose path has a `_colab`/`colab` folder when the same path with
    that folder named `_local`/`local` is a file too (`_colab/workflows/x/x.ipynb` beside
    `_local/workflows/x/x.ipynb`)."""
    path = str(notebook_path)
    parts = path.replace("\\", "/").split("/")
    for i, part in enumerate(parts[:-1]):
        for other in _COLAB_FOLDERS.get(part.lower(), ()):
            twin = "/".join([*parts[:i], other, *parts[i + 1:]])
            if os.path.isfile(twin):
                return replace(project, colab_twin=twin)
    return project


def _with_split_part_names(project: ProjectContext, notebook_path: str | Path, texts: list[str]) -> ProjectContext:
    """`split_part_names` for a notebook named `<stem>_<n>` (or `<stem> - Part <n>`) beside
    `<stem>.ipynb` whose non-blank code cells are, source for source, a contiguous run of that full
    notebook's (the parts of one notebook saved for display, each with the full one's outputs): the
    names the full notebook's code cells above the run bind at module level. One `stat` and, for
    such a name only, one read of the full notebook."""
    path = str(notebook_path)
    name = os.path.basename(path)
    if not name.endswith(".ipynb"):
        return project
    m = _SPLIT_PART.match(name[: -len(".ipynb")])
    if m is None:
        return project
    full_path = os.path.join(os.path.dirname(resolved_path(notebook_path)), m.group("stem").rstrip() + ".ipynb")
    if not os.path.isfile(full_path):
        return project
    full = _notebook_code_sources(full_path)
    if full is None:
        return project

    def normal(source: str) -> str:
        return source.replace("\r\n", "\n").strip()

    part = [normal(t) for t in texts if normal(t)]
    whole = [normal(t) for t in full if normal(t)]
    if len(part) < 2 or len(part) >= len(whole):
        return project
    for start in range(len(whole) - len(part) + 1):
        if whole[start: start + len(part)] == part:
            break
    else:
        return project
    names: set[str] = set()
    for source in whole[:start]:
        names |= _cell_module_bindings(source)
    return replace(project, split_part_names=frozenset(names)) if names else project


def with_seed_helpers(project: ProjectContext, notebook_path: str | Path, sources: Iterable[str]) -> ProjectContext:
    """The project with `seed_helpers`: for each module of the project the notebook imports (a
    module or package beside it, a regular package in a folder above it up to the project root, or
    in its parent folder when a cell puts that on the import path), its top-level functions whose
    body makes a seeding call unconditionally (not under a loop or an `except`, nor an `if` other
    than one on a parameter: `if set_torch: torch.manual_seed(seed)`, a switch). A course
    repository's `utils/reproducibility.py` with `def set_global_seeds(seed=42): random.seed(seed);
    np.random.seed(seed); torch.manual_seed(seed)` (fair check 18: 14 findings of "never seeded"
    after `set_global_seeds(SEED)`). The module is parsed, never imported; only modules whose text
    mentions a seed are parsed."""
    texts = [s for s in sources if "import" in s]
    if not texts:
        return project
    modules: list[str] = []
    for text in texts:
        for m in _FROM_IMPORT.finditer(text):
            modules.append(m.group(1))
        for m in _PLAIN_IMPORT.finditer(text):
            modules.extend(part.split()[0] for part in m.group(1).split(","))
    own = project.local_modules | project.project_modules | (project.parent_modules or frozenset())
    wanted = sorted({name for name in modules if name.split(".")[0] in own})
    if not wanted:
        return project
    folder = Path(os.path.dirname(resolved_path(notebook_path)))
    found: dict[str, tuple[tuple[str, bool, tuple[SeedSwitch, ...]], ...]] = {}
    for module in wanted:
        for function, calls in _module_seed_helpers(module, _module_file(project, folder, module), 0):
            found.setdefault(f"{module}.{function}", calls)
    if not found:
        return project
    return replace(project, seed_helpers=tuple(sorted(found.items())))


def with_star_packages(project: ProjectContext, notebook_path: str | Path, sources: Iterable[str]) -> ProjectContext:
    """The project with `package_star_names` for the notebook's star imports of the repository's own
    package modules (fair check 49, item 71: `from projects.metalearning import *`, whose
    `__init__.py` star-imports `base_model`, `cnnmlp`, …, which import numpy as `np`, wandb,
    torchsummary's `summary`). Each module is parsed, never imported."""
    wanted = sorted({
        m.group(1) for text in sources if "*" in text for m in _STAR_IMPORT_LINE.finditer(text)
    })
    own = project.project_modules | (project.parent_modules or frozenset())
    wanted = [m for m in wanted if "." in m and m.split(".")[0] in own and m.split(".")[0] not in project.local_modules]
    if not wanted:
        return project
    folder = Path(os.path.dirname(resolved_path(notebook_path)))
    found: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    for module in wanted:
        file = _module_file(project, folder, module)
        names = _star_names(project, folder, module, file, 0) if file is not None else None
        if names:
            # (as the package path reads from the folder holding it: `projects/metalearning/cnnmlp.py`)
            top = module.split(".")[0]
            shown = {path: "/".join(path.parts[len(path.parts) - 1 - path.parts[::-1].index(top):]) if top in path.parts else path.name
                     for path in set(names.values())}
            found.append((module, tuple(sorted((name, shown[path]) for name, path in names.items()))))
    return replace(project, package_star_names=tuple(found)) if found else project


_STAR_IMPORT_LINE = re.compile(r"^[ \t]*from[ \t]+([A-Za-z_][\w.]*)[ \t]+import[ \t]+\*", re.MULTILINE)


def _star_names(project: ProjectContext, folder: Path, module: str, file: Path, depth: int) -> Optional[dict[str, Path]]:
    """The names `from module import *` binds, each with the file that binds it: `__all__` when the
    module lists it as literals, else its public top-level names (functions, classes, assignments,
    imports: `import numpy as np` exports `np`), and those of the package's own modules it
    star-imports in turn (two levels at most). None when it does not parse."""
    try:
        if file.stat().st_size > 1_000_000:
            return None
        tree = ast.parse(file.read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError, RecursionError):
        return None
    listed = _module_exports(tree)
    names: dict[str, Path] = {}
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.setdefault(statement.name, file)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target]):
                for node in ast.walk(target):
                    if isinstance(node, ast.Name):
                        names.setdefault(node.id, file)
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                names.setdefault(alias.asname or alias.name.split(".")[0], file)
        elif isinstance(statement, ast.ImportFrom):
            base = package.rsplit(".", statement.level - 1)[0] if statement.level else ""
            source = ".".join(p for p in (base, statement.module or "") if p)
            for alias in statement.names:
                if alias.name != "*":
                    names.setdefault(alias.asname or alias.name, file)
                elif depth < 2 and source.split(".")[0] == module.split(".")[0]:
                    inner = _module_file(project, folder, source)
                    more = _star_names(project, folder, source, inner, depth + 1) if inner is not None else None
                    for name, where in (more or {}).items():
                        names.setdefault(name, where)
    declared = any(isinstance(n, ast.Name) and n.id == "__all__" for st in tree.body if isinstance(st, ast.Assign) for n in st.targets)
    if declared:
        return {name: names.get(name, file) for name in listed} if listed is not None else None
    return {name: where for name, where in names.items() if not name.startswith("_")}


def _module_file(project: ProjectContext, folder: Path, module: str) -> Optional[Path]:
    """The file `import module` reads in the notebook's kernel (a module beside the notebook first,
    then a package above it, then the parent folder's), or None."""
    top, *rest = module.split(".")
    bases: list[Path] = []
    if top in project.local_modules:
        bases.append(folder / top)
    bases.extend(Path(path) for name, path, _ in project.project_packages if name == top)
    if project.parent_modules and top in project.parent_modules:
        bases.append(folder.parent / top)
    if top in project.project_modules:
        # A package of the `src/` layout of the project the notebook is in, or of one between it and
        # the root (`research/` beside `src/textSummarizer/` and the `setup.py` installing it):
        # what `pip install -e .` puts on the path (fair check 53, items 52, 53).
        current = folder
        while True:
            if (current / "src" / top).is_dir():
                bases.append(current / "src" / top)
                break
            if _stops_at(current):
                break
            current = current.parent
    for base in bases:
        current = base
        for part in rest:
            current = current / part
        if current.with_suffix(".py").is_file() and not current.is_dir():
            return current.with_suffix(".py")
        if (current / "__init__.py").is_file():
            return current / "__init__.py"
        if current.with_suffix(".py").is_file():
            return current.with_suffix(".py")
    return None


def _module_seed_helpers(
    module: str, file: Optional[Path], depth: int,
) -> list[tuple[str, tuple[tuple[str, bool, tuple[SeedSwitch, ...]], ...]]]:
    """(function, its unconditional seeding calls) for the top-level functions of `file` that make
    any; a name the module re-exports from a sibling module (`from .reproducibility import
    set_global_seeds` in a package's `__init__.py`) is followed once."""
    if file is None:
        return []
    try:
        if file.stat().st_size > 1_000_000:
            return []
        text = file.read_text(encoding="utf-8", errors="replace")
        # The text filter applies to the file whose functions are read: a package's `__init__.py`
        # that only re-exports (`from .classification import make_uplift_classification`, whose
        # body runs `np.random.seed(random_seed)`) mentions no seed itself (fair check 20: four
        # causalml splits after `make_uplift_classification(…)` were said to change from run to run).
        mentions_seed = _SEEDING_NAME.search(text) is not None
        if not mentions_seed and (depth > 0 or file.name != "__init__.py"):
            return []
        tree = ast.parse(text)
    except (OSError, SyntaxError, ValueError, RecursionError):
        return []
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    aliases = _import_aliases(tree.body, package)
    functions = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    found: list[tuple[str, tuple[tuple[str, bool, tuple[SeedSwitch, ...]], ...]]] = []
    for name, node in functions.items() if mentions_seed else ():
        calls = _unconditional_seeding_calls(node, aliases, functions, 0, package)
        if calls:
            found.append((name, tuple(dict.fromkeys(calls))))
    if depth == 0:
        # Re-exported helpers: `from .reproducibility import set_global_seeds` (one level).
        for node in tree.body:
            if not isinstance(node, ast.ImportFrom) or node.module is None and not node.level:
                continue
            source = _absolute_module(node, package)
            if source is None or source.split(".")[0] != module.split(".")[0]:
                continue
            names = {a.name: a.asname or a.name for a in node.names if a.name != "*"}
            if not names:
                continue
            sub = _sibling_file(file, module, source)
            for function, calls in _module_seed_helpers(source, sub, depth + 1):
                if function in names:
                    found.append((names[function], calls))
    return found


def _sibling_file(file: Path, module: str, target: str) -> Optional[Path]:
    """The file of `target`, a module of the same top-level package as `module` (whose file is `file`)."""
    root = file.parent
    for _ in module.split(".")[1:]:
        root = root.parent
    if file.name == "__init__.py":
        root = root.parent
    # `root` is now the folder holding the top-level package (or module).
    current = root
    for part in target.split("."):
        current = current / part
    if (current / "__init__.py").is_file():
        return current / "__init__.py"
    if current.with_suffix(".py").is_file():
        return current.with_suffix(".py")
    return None


def _absolute_module(node: ast.ImportFrom, package: str) -> Optional[str]:
    if not node.level:
        return node.module
    parts = package.split(".") if package else []
    if node.level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base) or None


def _import_aliases(body: Iterable[ast.stmt], package: str) -> dict[str, str]:
    """name → qualified module or object, for the imports among `body`'s statements (and in the
    blocks of its `try`/`if`: `try: import torch`)."""
    aliases: dict[str, str] = {}
    for node in body:
        for inner in ast.walk(node) if isinstance(node, (ast.Try, ast.If, ast.Import, ast.ImportFrom)) else ():
            if isinstance(inner, ast.Import):
                for a in inner.names:
                    if a.asname:
                        aliases[a.asname] = a.name
                    else:
                        aliases[a.name.split(".")[0]] = a.name.split(".")[0]
            elif isinstance(inner, ast.ImportFrom):
                source = _absolute_module(inner, package)
                if source is None:
                    continue
                for a in inner.names:
                    if a.name != "*":
                        aliases[a.asname or a.name] = f"{source}.{a.name}"
    return aliases


def _unconditional_seeding_calls(
    function: ast.FunctionDef | ast.AsyncFunctionDef, aliases: dict[str, str],
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef], depth: int, package: str = "",
) -> list[tuple[str, bool, tuple[SeedSwitch, ...]]]:
    """The seeding calls (`_SEEDING_NAME`) a call of `function` always makes: in its body's
    statements, and in the `try` body, `else` and `finally` and `with` bodies among them (`try:
    import torch` / `except ImportError: pass` / `else: torch.manual_seed(seed)`: a notebook that
    draws from torch has it), not under a loop or an `except`, nor an `if` other than `if
    <parameter>:` (a switch the call passes or defaults: cs224u's `fix_random_seeds(…,
    set_torch=True)` / `if set_torch: torch.manual_seed(seed)`, fair check 25), whose calls carry
    the switches they run under; a call of another top-level function of the module counts as its
    calls (those it always makes: its switches are its own parameters)."""
    local = {**aliases, **_import_aliases(function.body, package)}
    switches = _parameter_switches(function) if depth == 0 else {}
    found: list[tuple[str, bool, tuple[SeedSwitch, ...]]] = []
    pending: list[tuple[ast.stmt, tuple[SeedSwitch, ...]]] = [(statement, ()) for statement in function.body]
    while pending:
        statement, under = pending.pop(0)
        if isinstance(statement, ast.Try):
            pending[:0] = [(inner, under) for inner in (*statement.body, *statement.orelse, *statement.finalbody)]
            continue
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            pending[:0] = [(inner, under) for inner in statement.body]
            continue
        if isinstance(statement, ast.If):
            test = statement.test
            if isinstance(test, ast.Name) and test.id in switches:
                pending[:0] = [(inner, (*under, switches[test.id])) for inner in statement.body]
            continue
        if not isinstance(statement, (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return)):
            continue
        for node in ast.walk(statement):
            if not isinstance(node, ast.Call):
                continue
            name = dotted_name(node.func)
            if not name:
                continue
            head, _, rest = name.partition(".")
            if head in functions and not rest and depth < 3 and functions[head] is not function:
                found.extend((callee, argument, (*under, *inner)) for callee, argument, inner in
                             _unconditional_seeding_calls(functions[head], aliases, functions, depth + 1, package))
                continue
            if head not in local or not _SEEDING_NAME.search(name.rsplit(".", 1)[-1]):
                continue
            qualified = f"{local[head]}.{rest}" if rest else local[head]
            with_argument = any(not (isinstance(a, ast.Constant) and a.value is None) for a in node.args) or any(
                not (isinstance(k.value, ast.Constant) and k.value.value is None) for k in node.keywords)
            found.append((qualified, with_argument, under))
    return found


def _parameter_switches(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, SeedSwitch]:
    """Each named parameter of `function` the body does not rebind, as a switch (`SeedSwitch`): its
    position among the positional parameters (-1 for a keyword-only one) and the truth of its
    literal default."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[Optional[ast.expr]] = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    found: dict[str, SeedSwitch] = {}
    for position, (parameter, default) in enumerate(zip(positional, defaults)):
        found[parameter.arg] = (parameter.arg, position, bool(default.value) if isinstance(default, ast.Constant) else None)
    for parameter, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
        found[parameter.arg] = (parameter.arg, -1, bool(default.value) if isinstance(default, ast.Constant) else None)
    # A parameter the body rebinds no longer says what the call passed.
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            found.pop(node.id, None)
    return found


def chdir_targets(sources: Iterable[str]) -> tuple[str, ...]:
    """Relative folders the cells move into with a literal argument: `os.chdir("../styles")`,
    `os.chdir(os.path.join("..", "..", "styles"))`, `%cd ../styles`. Anything computed (a
    variable, `os.getcwd()`) is not a folder known before the notebook runs."""
    found: list[str] = []
    for source in sources:
        if "chdir" not in source and "cd" not in source:
            continue
        for m in _CHDIR_CALL.finditer(source):
            target = _literal_folder(source[m.end() - 1:])
            if target is not None:
                found.append(target)
        for m in _CD_MAGIC.finditer(source):
            arg = m.group("arg").strip("'\"")
            if arg and not arg.startswith(("/", "~", "$", "{")) and not _looks_like_drive(arg):
                found.append(arg)
    return tuple(dict.fromkeys(found))


def _looks_like_drive(text: str) -> bool:
    return len(text) > 1 and text[1] == ":"


def _literal_folder(rest: str) -> Optional[str]:
    """The relative folder `(…)` at the start of `rest` spells with string literals, or None."""
    depth = 0
    for i, ch in enumerate(rest):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            break
    else:
        return None
    try:
        node = ast.parse(rest[1:i].strip(), mode="eval").body
    except (SyntaxError, ValueError):
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        value = node.value
    elif (
        isinstance(node, ast.Call) and not node.keywords and node.args
        and ast.unparse(node.func) in ("os.path.join", "path.join", "join")
        and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args)
    ):
        value = os.path.join(*(a.value for a in node.args))  # type: ignore[union-attr]
    else:
        return None
    if not value or value.startswith(("/", "~", "\\")) or _looks_like_drive(value) or value in (".", "./"):
        return None
    return value


def resolved_path(path: str | Path) -> str:
    """`str(Path(path).resolve())` without building pathlib objects (a fifth of an audit answered
    from the cache went to pathlib's parsing): `os.path.realpath`, and the same error for a
    symlink loop."""
    real = os.path.realpath(path)
    try:
        os.stat(real)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise RuntimeError(f"Symlink loop from {exc.filename!r}") from None
    return real


@lru_cache(maxsize=1024)
def _discover_folder(folder: Path, display_root: Optional[Path]) -> ProjectContext:
    manifests, project_modules, packages = _manifests_in(folder, display_root), frozenset(), ()
    if _stops_at(folder):
        project_modules = _src_modules(folder)
    else:
        above, project_modules = _upward(folder.parent, display_root)
        project_modules |= _built_src_modules(folder)
        manifests += above
        packages = _packages_above(folder.parent, display_root)
    manifests = _without_blank_requirements(manifests)
    # (A file the notebook's own folders already gave, read again as a Dockerfile's include, is not added twice.)
    shown = {m.path for m in manifests}
    manifests += tuple(m for m in _cloning_dockerfiles(folder, display_root) if m.path not in shown)
    shown = {m.path for m in manifests}
    manifests += tuple(m for m in _mounting_dockerfiles(folder, display_root) if m.path not in shown)
    manifests += _ci_notebook_requirements(folder, display_root, manifests)
    shown = {m.path for m in manifests}
    manifests += tuple(m for m in _readme_named_manifests(folder, display_root) if m.path not in shown)
    local = _local_modules(folder)
    root = _project_root(folder)
    star_exports, star_defined = _star_modules(folder, local)
    return ProjectContext(manifests, local, project_modules, _unbuilt_src_modules(folder), _system_packages(folder, display_root), _namespace_only(folder, local),
                          star_exports, packages, path_editors=_path_editors(folder, local),
                          star_defined=star_defined,
                          root=_display(root, display_root) if root is not None else None,
                          repository_projects=_repository_projects(root) if root is not None else frozenset(),
                          kernel_environments=_kernel_dockerfiles(folder, display_root),
                          promised_manifests=_promised_manifests(folder, display_root) if not manifests else (),
                          readme_titles=_readme_titles(folder, display_root))


def _blank_requirements(manifest: Manifest) -> bool:
    """A requirements file that declares nothing: no requirement, include, editable project, index or
    Python pin (a 1-byte placeholder, blank lines or comments only)."""
    return (manifest.kind == "requirements" and not manifest.requirements and not manifest.remote_includes
            and not manifest.projects and not manifest.other_index and manifest.python_requires is None
            and not manifest.includes)


def _without_blank_requirements(manifests: tuple[Manifest, ...]) -> tuple[Manifest, ...]:
    """The manifests of a notebook without the requirements files that declare nothing, when another
    manifest above them declares something (none in their own folder): a placeholder `requirements.txt` of the notebook's
    folder is as if absent, the notebook's packages belong in the manifest above, whose one finding
    then stands for it too (fair check 52, item 1: dep001-split-by-empty-nearer-manifest). Alone, it
    stays the notebook's manifest, the file its lines go into."""
    if not any(_blank_requirements(m) for m in manifests):
        return manifests
    kept = tuple(m for m in manifests if not _blank_requirements(m))
    if not kept:
        return manifests
    # (only a placeholder nearer than every manifest that declares: beside a Pipfile or a Dockerfile of its own
    # folder it stays among that folder's files, the fair check 50 Gym_Churn_Probability folder's empty requirements.txt)
    beside = {os.path.dirname(m.path) for m in kept}
    return tuple(m for m in manifests if not _blank_requirements(m) or os.path.dirname(m.path) in beside)


# A CI step's pip install of requirements files: each `-r F` / `--requirement F` of the line.
_PIP_INSTALL_LINE = re.compile(r"\bpip3?\b[^\n]*\binstall\b[^\n]*")
_REQUIREMENT_OPTION = re.compile(r"(?:^|\s)(?:-r\s*|--requirement[=\s]\s*)['\"]?(?P<file>[^\s'\";&|#]+)")
# A CI step that executes notebooks: pytest's nbmake/nbval plugins, `jupyter nbconvert --execute`,
# papermill, `jupytext --execute`, treon; or pytest on a test module (which must then glob notebooks).
_NOTEBOOK_RUN = re.compile(r"--nbmake|--nbval|\bnbconvert\b[^\n]*--execute|--execute\b[^\n]*\bnbconvert\b|\bpapermill\b"
                           r"|\bjupytext\b[^\n]*--execute|\btreon\b")
_PYTEST_MODULE = re.compile(r"\bpytest\b[^\n]*?\s(?P<module>[\w./-]+\.py)\b")
_QUOTED_FOLDER = re.compile(r"""['"](?P<folder>[\w.-]+(?:/[\w.-]+)*)/?(?:/\*\*)?(?:/\*\.ipynb)?['"]""")


@lru_cache(maxsize=64)
def _ci_workflow_requirements(root: Path, display_root: Optional[Path]) -> tuple[tuple[Manifest, tuple[str, ...]], ...]:
    """The requirements files a repository's CI installs to execute its notebooks, each with the
    folders (relative to `root`, the folder holding `.github/workflows/`) whose notebooks that run
    executes. A workflow counts when one of its lines pip-installs `-r F` and another runs notebooks
    (`pytest --nbmake docs/`, `jupyter nbconvert --execute`, papermill, or `pytest testing/
    test_notebooks.py`, a module naming the notebooks' folder and `.ipynb`): SeldonIO/alibi-detect's
    `testing/requirements.txt` ("Dependencies installed (with !pip install) in example notebooks"),
    which `test_all_notebooks.yml` installs before running `doc/source/examples/*.ipynb` (fair check
    22: 5 DEP001s). A run naming no folder executes the notebooks below the checkout (`.`)."""
    workflows = root / ".github" / "workflows"
    try:
        names = sorted(n for n in os.listdir(workflows) if n.endswith((".yml", ".yaml")))
    except OSError:
        return ()
    found: dict[str, tuple[Manifest, set[str]]] = {}
    for name in names:
        text = _file_text(workflows / name)
        if text is None or "install" not in text:
            continue
        files = [m["file"] for line in _PIP_INSTALL_LINE.findall(text) for m in _REQUIREMENT_OPTION.finditer(line)]
        if not files:
            continue
        folders: set[str] = set()
        for line in text.splitlines():
            line = line.split(" #", 1)[0]
            if _NOTEBOOK_RUN.search(line):
                # The folders or notebooks the command names (`doc/source/examples`, `docs/*.ipynb`,
                # `notebooks`), globs cut at their first wildcard.
                named = [w.strip("'\"").split("*", 1)[0].rstrip("/") for w in line.split()
                         if not w.startswith(("-", "$")) and "://" not in w and "=" not in w
                         and ("/" in w or w.endswith(".ipynb") or (root / w).is_dir())]
                named = [w for w in named if w]
                folders.update([posixpath.dirname(w) if w.endswith(".ipynb") else w for w in named] or ["."])
            for m in _PYTEST_MODULE.finditer(line):
                module = _file_text(root / m["module"]) if ".." not in m["module"] else None
                if module is not None and ".ipynb" in module:
                    folders.update(f["folder"] for f in _QUOTED_FOLDER.finditer(module)
                                   if "/" in f["folder"] and (root / f["folder"]).is_dir())
        if not folders:
            continue
        for file_name in files:
            file = Path(os.path.normpath(root / file_name))
            text_of_file = _file_text(file) if file_name[:1] not in "/$~{" and ".." not in file_name else None
            if text_of_file is None or not reads_as_requirements(text_of_file):
                continue
            shown = _display(file, display_root)
            manifest, served = found.setdefault(shown, (replace(parse_requirements_txt(shown, text_of_file), ci_installed=True), set()))
            served.update(folders)
    return tuple((manifest, tuple(sorted(served))) for manifest, served in found.values())


def _ci_notebook_requirements(folder: Path, display_root: Optional[Path], known: tuple[Manifest, ...]) -> tuple[Manifest, ...]:
    """The requirements files the repository's CI installs to execute the notebooks of `folder` or of
    a folder above it (`_ci_workflow_requirements`; the repository is the nearest folder up holding
    `.github/workflows/`), wherever in the repository they are: the notebooks' environment as CI
    builds it. A file found anyway (beside or above the notebook) is not added twice."""
    current = folder
    while not (current / ".github" / "workflows").is_dir():
        if _stops_at(current):
            return ()
        current = current.parent
    below = folder.relative_to(current).as_posix()
    shown = {m.path for m in known}
    return tuple(manifest for manifest, served in _ci_workflow_requirements(current, display_root)
                 if manifest.path not in shown
                 and any(f == "." or below == f or below.startswith(f + "/") for f in served))


# `git clone https://github.com/o/bioinf-python.git [folder]` in a Dockerfile's RUN line.
_GIT_CLONE = re.compile(r"\bgit\s+clone\s+(?:-{1,2}[\w-]+(?:[ =]\S+)?\s+)*(?P<url>\S+?)(?:\s+(?P<dest>[^\s;&|]+))?\s*(?:$|[;&|])")


def _clone_workdir(text: str) -> Optional[str]:
    """For a Dockerfile that `git clone`s a repository and then sets a `WORKDIR` inside the clone
    (`RUN git clone https://github.com/o/bioinf-python.git`, `WORKDIR /bioinf-python/notebooks`):
    that folder relative to the clone (`notebooks`; `.` for the clone itself), else None."""
    workdir, clone = "/", None
    for keyword, rest, _ in _dockerfile_instructions(text):
        if keyword == "WORKDIR":
            folder = rest.strip().strip("'\"")
            if not folder or "$" in folder:
                return None
            workdir = posixpath.normpath(posixpath.join(workdir, folder))
            if clone is not None and (workdir == clone or workdir.startswith(clone + "/")):
                return posixpath.relpath(workdir, clone)
        elif keyword == "RUN":
            m = _GIT_CLONE.search(rest)
            if m and "$" not in m["url"]:
                name = m["dest"] or m["url"].rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
                if name and "$" not in name:
                    clone = posixpath.normpath(posixpath.join(workdir, name))
    return None


@lru_cache(maxsize=256)
def _docker_folder_files(folder: Path) -> tuple[tuple[Path, str], ...]:
    """(file, text) of each Dockerfile in `folder`'s sub-folders named for containers (`docker/`,
    `docker/3/`, `docker/anaconda3/jupyter/`; three levels)."""
    try:
        subs = sorted(e.path for e in os.scandir(folder) if e.is_dir() and "docker" in e.name.lower())
    except OSError:
        return ()
    places: list[Path] = []
    for sub in map(Path, subs):
        places.append(sub)
        try:
            inner = sorted(Path(e.path) for e in os.scandir(sub) if e.is_dir())
        except OSError:
            continue
        places += inner
        for place in inner:  # a third level: one image per base and role (`docker/anaconda3/jupyter/`, fair check 48)
            try:
                places += sorted(Path(e.path) for e in os.scandir(place) if e.is_dir())
            except OSError:
                continue
    found: list[tuple[Path, str]] = []
    for place in places:
        try:
            names = sorted(os.listdir(place))
        except OSError:
            continue
        for name in names:
            if any(fnmatch.fnmatchcase(name, g) for g in DOCKERFILE_GLOBS):
                text = _file_text(place / name)
                if text is not None:
                    found.append((place / name, text))
    return tuple(found)


@lru_cache(maxsize=256)
def _docker_clones_below(folder: Path, display_root: Optional[Path]) -> tuple[tuple[tuple[Manifest, ...], str], ...]:
    """(manifests, folder the image works in relative to the clone) for each Dockerfile in `folder`'s
    sub-folders named for containers (`_docker_folder_files`) that clones a repository and works
    inside the clone (`_clone_workdir`): the Dockerfile, then the files it copies in and installs
    (`_built_image_manifests`)."""
    found: list[tuple[tuple[Manifest, ...], str]] = []
    for file, text in _docker_folder_files(folder):
        inside = _clone_workdir(text)
        manifest = parse_dockerfile(_display(file, display_root), text) if inside is not None else None
        if manifest is not None:
            found.append((_built_image_manifests(file, manifest, display_root), inside))
    return tuple(found)


def _built_image_manifests(file: Path, dockerfile: Manifest, display_root: Optional[Path]) -> tuple[Manifest, ...]:
    """A Dockerfile found as the notebooks' image away from their own folders (`_cloning_dockerfiles`,
    `_mounting_dockerfiles`) with the files it copies in and installs, read from its own folder, the
    build context (`docker build -t planet-notebooks planet-notebook-docker/`; `COPY requirements.txt
    /tmp/requirements.txt`, `conda install --file /tmp/requirements.txt`): that folder is none the
    notebook's discovery reads, so its requirements.txt is no manifest of it otherwise (fair check 24:
    planetlabs' 17 DEP001 for packages the image installs)."""
    return (dockerfile, *_included_manifests(file.parent, dockerfile, display_root, folder_read=False))


# `docker run … -v "$PWD"/notebooks/:/mnt/notebooks/ image` (also `--volume`, `$(pwd)`, `${PWD}`,
# Windows' `%CD%`): (host path, container path).
_DOCKER_RUN = re.compile(r"\b(?:nvidia-)?docker\s+(?:container\s+)?run\b[^\n`]*")
_VOLUME = re.compile(r"""(?:^|\s)(?:-v|--volume)[=\s]\s*["']?(?P<host>[^\s:"']+(?:["'][^\s:"']*)?):(?P<container>/[^\s:"']*)""")
_CURRENT_FOLDER = re.compile(r"""^["']?(?:\$PWD|\$\{PWD\}|\$\(pwd\)|`pwd`|%CD%|\.)["']?(?=[/\\]|$)""")


def _docker_run_mounts(folder: Path) -> tuple[tuple[str, str], ...]:
    """(host folder relative to `folder`, `.` for itself; container folder) of each volume that a
    `docker run` in `folder`'s README or Makefile mounts from the current folder (`-v
    "$PWD"/notebooks/:/mnt/notebooks/` → (`notebooks`, `/mnt/notebooks`)); absolute host paths are
    someone's machine, not the repository."""
    found: list[tuple[str, str]] = []
    try:
        names = sorted(n for n in os.listdir(folder) if n.lower().startswith("readme") or n in ("Makefile", "makefile"))
    except OSError:
        return ()
    for name in names:
        text = _file_text(folder / name)
        if text is None or "docker" not in text:
            continue
        for run in _DOCKER_RUN.findall(text):
            for volume in _VOLUME.finditer(run):
                host = volume["host"].replace('"', "").replace("'", "")
                here = _CURRENT_FOLDER.match(host)
                if here is None:
                    continue
                relative = posixpath.normpath(host[here.end():].replace("\\", "/").strip("/") or ".")
                if not relative.startswith(".."):
                    found.append((relative, posixpath.normpath(volume["container"])))
    return tuple(dict.fromkeys(found))


# A README's command that builds the environment from a file: `conda env create -f environment.yml`
# (`mamba`, `micromamba`, `env update`, `--file`), `conda create --file spec.txt`, `pip install -r
# requirements.txt`.
_README_ENV_COMMAND = re.compile(
    r"""\b(?:(?:conda|mamba|micromamba)\s+env\s+(?:create|update)\b[^\n`]*?(?:\s-f|--file)"""
    r"""|(?:conda|mamba|micromamba)\s+(?:create|install)\b[^\n`]*?--file"""
    r"""|pip3?\s+install\b[^\n`]*?(?:\s-r|--requirement))[=\s]\s*["']?(?P<file>[\w.-]+(?:/[\w.-]+)*\.(?:txt|ya?ml))(?![\w/.-])""")


def _readme_promises(folder: Path, display_root: Optional[Path], below: Path) -> tuple[tuple[str, str, str], ...]:
    """`ProjectContext.promised_manifests` of one folder's READMEs for a notebook in `below`: each file a command
    of theirs builds the environment from, relative to the folder, that the folder lacks. A command after a `cd`
    (`cd Deep-Learning-Projects/context-aware-chatbot-rag`, then `pip install -r requirements.txt`) names the file
    of the folder it moved to (`_readme_cd`): promised only to the notebooks in that folder (fair check 49, item 5)."""
    found: list[tuple[str, str, str]] = []
    try:
        names = sorted(n for n in os.listdir(folder) if n.lower().startswith("readme"))
    except OSError:
        return ()
    for name in names:
        text = _file_text(folder / name)
        if text is None or ("-f" not in text and "--file" not in text and "-r" not in text and "--requirement" not in text):
            continue
        for match in _README_ENV_COMMAND.finditer(text):
            file = posixpath.normpath(match["file"])
            if file.startswith(".."):
                continue
            moved, carried = _readme_cd(text, match.start()) if "cd" in text else (None, None)
            if moved is not None:
                # `cd app` earlier in the command's own code block: the file is that folder's.
                cwd = _cd_folder(folder, moved) or "."
                file = posixpath.normpath(posixpath.join(cwd, file))
                if not (below == folder / cwd or (folder / cwd) in below.parents):
                    continue  # another folder's file: not this notebook's environment
            elif carried is not None and (cwd := _cd_folder(folder, carried)) is not None and (folder / cwd / file).exists():
                # A `cd` of an earlier code block of the same section (a project's "Quick Start" block, then
                # its "Example Workflow"): where that folder has the file, the command installs it.
                continue
            if (folder / file).exists():
                continue
            if "/" not in file and _described_subfolder(folder, file, text):
                # `pip install -r requirements.txt` in a README whose project tree is a subfolder's app
                # (`sql_interpreter/requirements.txt` beside its app.py): run from there, the file exists
                # (fair check 44, item 8).
                continue
            command = " ".join(match.group(0).split())
            quote = text[match.start("file") - 1]
            found.append((_display(folder / file, display_root), command + quote if quote in "'\"" else command,
                          _display(folder / name, display_root)))
    return tuple(dict.fromkeys(found))


# A README's fenced code block's fence, a Markdown heading, and a shell `cd` (its argument up to the
# command's end: `cd Deep-Learning-Projects/Classification\ Using\ CNN`, `cd app && pip install …`).
_README_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")
_README_HEADING_LEVEL = re.compile(r"^\s{0,3}(#{1,6})\s")
_README_CD = re.compile(r"(?:^|[;&|(]\s*|\bthen\s+)cd\s+(?P<rest>[^\n;&|)]+)", re.MULTILINE)


def _readme_cd(text: str, position: int) -> tuple[Optional[str], Optional[str]]:
    """The folders, as written, that a README's shell `cd` moved to before `position`: the last `cd` earlier in
    the code block holding `position` (None without one), and the last `cd` of an earlier code block of the same
    section, none since (no heading above that `cd`'s level between; None without one). A `cd` whose folder is
    computed, home-relative, absolute or above (`cd $DIR`, `cd ~`, `cd ..`) is unknown: None."""
    in_fence = False
    block: Optional[str] = None  # the last `cd` of the code block being read
    carried: Optional[str] = None
    carried_level = level = 0
    for line in text[:position].splitlines(keepends=True):
        if _README_FENCE.match(line):
            if in_fence and block is not None:
                carried, carried_level = block, level
            in_fence, block = not in_fence, None
            continue
        if not in_fence:
            heading = _README_HEADING_LEVEL.match(line)
            if heading is not None:
                level = len(heading.group(1))
                if carried is not None and level < carried_level:
                    carried = None
            continue
        for cd in _README_CD.finditer(line):
            try:
                words = shlex.split(cd["rest"])
            except ValueError:
                words = []
            target = words[0] if words else ""
            known = target and not target.startswith(("-", "~", "/", "$", "..")) and "$" not in target
            block = target if known else None
    return (block if in_fence else None), carried


def _cd_folder(folder: Path, target: str) -> Optional[str]:
    """The folder below `folder` a README's `cd <target>` moves to: the target itself, or, where the README
    first clones the repository, the target past its first part, the clone's name (`cd Deep-Learning-Projects/
    app` is `app`, `cd Deep-Learning-Projects` the README's own folder); None when neither is a folder there."""
    path = posixpath.normpath(target.replace("\\", "/"))
    candidates = [path, path.split("/", 1)[1] if "/" in path else "."]
    return next((c for c in candidates if not c.startswith("..") and (folder / c).is_dir()), None)


# A file name a README spells (`app.py`, `load_data.py`, `environment.yml`).
_README_FILE_NAME = re.compile(r"[A-Za-z0-9_.-]+\.(?:py|ipynb|sh|cfg|toml|ya?ml|json|txt)\b")


def _described_subfolder(folder: Path, name: str, text: str) -> bool:
    """Does a folder directly below `folder` (not a hidden one) hold the file `name` together with two
    other files the README names that `folder` lacks? The README then describes that subfolder's app
    (darecoder's project tree `app.py`, `load_data.py`, `rag_pipeline.py`, `requirements.txt`, all in
    `sql_interpreter/`), and its `pip install -r requirements.txt` runs there: the file exists. A
    subproject's file alone is no such sign (a portfolio README's clone-then-install at the root)."""
    named = {n for n in _README_FILE_NAME.findall(text) if n != name and not (folder / n).exists()}
    if len(named) < 2:
        return False
    try:
        entries = os.listdir(folder)
    except OSError:
        return False
    return any(not entry.startswith(".") and (folder / entry / name).is_file()
               and sum((folder / entry / n).is_file() for n in named) >= 2 for entry in entries)


@lru_cache(maxsize=256)
def _readme_named_manifests(folder: Path, display_root: Optional[Path]) -> tuple[Manifest, ...]:
    """The manifests in a sub-folder of `folder` that a README of `folder` names, the folder and the file both,
    while `folder` itself has no file of that name: a project's README saying "`environments` is a folder with all
    of the environment management files: `conda-environment.yml`, …" and `pip install -r pip-requirements.txt`
    under "Environment setup" (fair check 48, item 28: ml-zoomcamp's 12_project/, the notebook beside its README).
    Such a file is the environment of the notebooks beside the README, though discovery reads only the folders
    at and above a notebook (and binder/-like ones)."""
    try:
        readmes = sorted(n for n in os.listdir(folder) if n.lower().startswith("readme"))
    except OSError:
        return ()
    found: list[Manifest] = []
    for readme in readmes:
        text = _file_text(folder / readme)
        if not text:
            continue
        names = sorted({n for n in _README_FILE_NAME.findall(text) if n.endswith((".txt", ".yml", ".yaml"))
                        and not (folder / n).exists()})
        if not names:
            continue
        try:
            subs = sorted(e.name for e in os.scandir(folder) if not e.name.startswith(".") and e.is_dir())
        except OSError:
            continue
        for sub in subs:
            # The README names the folder as a word of its own (`environments`, `environments/`), not inside a path.
            if not re.search(r"(?<![\w.-])" + re.escape(sub) + r"(?![\w.-]|/[\w.-])", text):
                continue
            for name in names:
                file = folder / sub / name
                content = _file_text(file) if file.is_file() else None
                manifest = parse_manifest(_display(file, display_root), content) if content else None
                if manifest is not None and manifest.requirements:
                    found.append(manifest)
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=1024)
def _promised_manifests(folder: Path, display_root: Optional[Path], below: Optional[Path] = None) -> tuple[tuple[str, str, str], ...]:
    """The README promises of `folder` and each folder above it up to the project root (or `/`), nearest first,
    for a notebook in `below` (`folder` itself at first)."""
    below = below or folder
    here = _readme_promises(folder, display_root, below)
    return here if _stops_at(folder) else here + _promised_manifests(folder.parent, display_root, below)


# A README's heading: a Markdown one (`# rml-notebooks`), the line above a setext underline, or an HTML one.
_README_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<atx>[^\n]+?)\s*#*\s*$|^(?P<setext>[^\n]*\S[^\n]*)\n\s{0,3}(?:=+|-+)\s*$"
                             r"|<h[1-3][^>]*>(?P<html>[^<]+)</h[1-3]>", re.MULTILINE)
_README_HEAD_LINES = 5  # the first lines say what the project is (`# rml-notebooks`, `## Tutorial 1`, `RocketML Notebooks`)


@lru_cache(maxsize=1024)
def _readme_titles(folder: Path, display_root: Optional[Path]) -> tuple[tuple[str, str], ...]:
    """`ProjectContext.readme_titles`: of `folder` and each folder above it up to the project root (or `/`), nearest
    first, each README's headings and first non-blank lines (of its first 4,000 characters), joined by ` / `, with the
    README as shown."""
    found: list[tuple[str, str]] = []
    try:
        names = sorted(n for n in os.listdir(folder) if n.lower().startswith("readme"))
    except OSError:
        names = []
    for name in names:
        text = _file_text(folder / name)
        if not text:
            continue
        head = text[:4000]
        lines = [" ".join(line.split()) for line in head.splitlines() if line.strip()][:_README_HEAD_LINES]
        lines += [" ".join(g.split()) for match in _README_HEADING.finditer(head) for g in match.groups() if g]
        title = " / ".join(dict.fromkeys(line.lstrip("#= -").strip() for line in lines if line.lstrip("#= -").strip()))
        if title:
            found.append((title[:600], _display(folder / name, display_root)))
    here = tuple(found)
    return here if _stops_at(folder) else here + _readme_titles(folder.parent, display_root)


def _final_workdir(text: str) -> Optional[str]:
    """The folder a Dockerfile's containers start in (its last `WORKDIR`, relative ones joined); None
    when it sets none or names it through a variable."""
    workdir: Optional[str] = None
    for keyword, rest, _ in _dockerfile_instructions(text):
        if keyword == "WORKDIR":
            folder = rest.strip().strip("'\"")
            if not folder or "$" in folder:
                return None
            workdir = posixpath.normpath(posixpath.join(workdir or "/", folder))
    return workdir


def _mounting_dockerfiles(folder: Path, display_root: Optional[Path]) -> tuple[Manifest, ...]:
    """The Dockerfiles in a `docker/` folder of a folder above the notebook (or of its own) whose
    containers work in the folder the repository's own `docker run` mounts the notebook's folder (or
    one above it) at (mimoralea/gdrl: the README's `docker run … -v "$PWD"/notebooks/:/mnt/notebooks/
    mimoralea/gdrl:v0.14`, `docker/Dockerfile` installing every package and ending in `WORKDIR
    /mnt/notebooks`; fair check 22, 9 DEP002s): the image is the notebooks' environment, with the
    notebooks arriving by volume instead of a clone (`_cloning_dockerfiles`). The mount must be at or
    below the `WORKDIR`."""
    current, below = folder, "."
    while True:
        mounts = [(host, container) for host, container in _docker_run_mounts(current)
                  if host == "." or below == host or below.startswith(host + "/")]
        found = []
        for file, text in _docker_folder_files(current) if mounts else ():
            workdir = _final_workdir(text)
            if workdir is None or workdir == "/":
                continue
            if any(container == workdir or container.startswith(workdir + "/") for _, container in mounts):
                manifest = parse_dockerfile(_display(file, display_root), text)
                if manifest is not None:
                    found += _built_image_manifests(file, manifest, display_root)
        if found or _stops_at(current):
            return tuple(found)
        below = posixpath.normpath(posixpath.join(current.name, below))
        current = current.parent


def _cloning_dockerfiles(folder: Path, display_root: Optional[Path]) -> tuple[Manifest, ...]:
    """The Dockerfiles of the repository around a notebook that build its environment: one kept in a
    `docker/` folder of a folder above (or of the notebook's own) that clones the repository and sets
    its `WORKDIR` to the notebook's folder, or to a folder above it, inside the clone (tiagoantao/
    bioinf-python: `docker/3/Dockerfile` installs the packages, `git clone`s the repository, `WORKDIR
    /bioinf-python/notebooks` and starts the notebook server there; fair check 16, 18 DEP002s).
    With several, each is an image the notebooks may run in (one per Python version): what any of
    them installs is declared."""
    found: list[Manifest] = []
    current, below = folder, ""
    while True:
        for manifests, inside in _docker_clones_below(current, display_root):
            if inside == "." or below == inside or below.startswith(inside + "/"):
                found += manifests
        if found or _stops_at(current):
            break
        below = posixpath.join(current.name, below) if below else current.name
        current = current.parent
    return tuple(found)


# Folders of a repository that hold no package of its own: tool caches, virtual environments and
# installed third-party code (a `.venv/lib/.../site-packages/requests/` is not the repository's).
_NOT_THE_REPOSITORYS = frozenset({"node_modules", "site-packages", "dist-packages", "__pycache__", "build", "dist"})


@lru_cache(maxsize=64)
def _repository_projects(root: Path) -> frozenset[str]:
    """The normalised names of the packages defined below a repository root (`ProjectContext.
    repository_projects`): each `pyproject.toml` `[project]`/poetry name, `setup.cfg` `[metadata]`
    name and `setup.py` `setup(name=…)` (a literal, or a module-level string constant). Hidden
    folders, virtual environments (a `pyvenv.cfg`) and installed-package folders are not walked."""
    names: set[str] = set()
    for current, folders, files in os.walk(root):
        folders[:] = [f for f in folders if not f.startswith(".") and f not in _NOT_THE_REPOSITORYS
                      and not os.path.exists(os.path.join(current, f, "pyvenv.cfg"))]
        for file in ("pyproject.toml", "setup.cfg", "setup.py"):
            if file in files:
                text = _file_text(Path(current) / file)
                name = project_name_of(file, text) if text is not None else None
                if name:
                    names.add(name)
    return frozenset(names)


@lru_cache(maxsize=256)
def _kernel_dockerfiles(folder: Path, display_root: Optional[Path]) -> tuple[Manifest, ...]:
    """The Dockerfiles in a container folder (`_docker_folder_files`: `docker/`, `docker/anaconda3/jupyter/`) of the
    notebook's folder or of a folder above it that build a named environment and register it as a Jupyter kernel
    (`_kernel_environment_name`), each with that name as its `env_name`, nearest first (`ProjectContext.
    kernel_environments`)."""
    found: list[Manifest] = []
    current = folder
    while True:
        for file, text in _docker_folder_files(current):
            env = _kernel_environment_name(text)
            manifest = parse_dockerfile(_display(file, display_root), text) if env else None
            if manifest is not None:
                found.append(replace(manifest, env_name=env))
        if _stops_at(current):
            return tuple(found)
        current = current.parent


# What registers a kernel for a named environment in an image: `python -m ipykernel install --name X` (the kernel
# Jupyter lists as X), or `conda create -n X` / `conda env create --name X` (nb_conda_kernels lists it).
_IPYKERNEL_NAME = re.compile(r"\bipykernel\s+install\b[^\n&;|]*?--name[=\s]+['\"]?([\w.-]+)")
_CONDA_CREATE_NAME = re.compile(r"\b(?:conda|mamba|micromamba)\s+(?:env\s+)?create\b[^\n&;|]*?(?:-n|--name)[=\s]+['\"]?([\w.-]+)")


def _kernel_environment_name(text: str) -> Optional[str]:
    """The environment a Dockerfile registers as a Jupyter kernel (`_IPYKERNEL_NAME`, else `_CONDA_CREATE_NAME`),
    None when it registers none or only a generic name (`python3`: every image's default kernel)."""
    if "ipykernel" not in text and "create" not in text:
        return None
    for pattern in (_IPYKERNEL_NAME, _CONDA_CREATE_NAME):
        m = pattern.search(text)
        if m and m.group(1).lower() not in _GENERIC_KERNELS:
            return m.group(1)
    return None


def with_kernel_environment(project: ProjectContext, kernel_name: str, kernel_display_name: str) -> ProjectContext:
    """The project with the Dockerfile of `kernel_environments` whose environment the notebook's kernelspec names
    (`names_kernel_environment`) as one of its manifests, when discovery did not find it beside or above the
    notebook: the kernel the notebook was saved with runs in that image's environment, so what the image
    installs is declared for it (fair check 48, items 25 and 36)."""
    if not project.kernel_environments:
        return project
    shown = {m.path for m in project.manifests}
    named = [m for m in project.kernel_environments
             if m.path not in shown and names_kernel_environment(m, kernel_name, kernel_display_name)]
    if not named:
        return project
    return replace(project, manifests=project.manifests + (named[0],))


@lru_cache(maxsize=1024)
def _project_root(folder: Path) -> Optional[Path]:
    """The nearest folder from `folder` up holding `.git` or a `[tool.nbrefactor]` pyproject.toml."""
    if is_project_root(folder):
        return folder
    return None if folder.parent == folder else _project_root(folder.parent)


@lru_cache(maxsize=1024)
def _packages_above(current: Path, display_root: Optional[Path]) -> tuple[tuple[str, str, str], ...]:
    """(name, folder, shown) of each regular package in `current` and the folders above it up to the
    project root, nearest first (the folders `_upward` takes `project_modules` from, without `src/`,
    whose packages are the project's by its layout)."""
    found = tuple(
        (name, os.path.join(current, name), _display(current / name, display_root))
        for name in sorted(_local_modules(current, strict=True))
        if _exists(os.path.join(current, name, "__init__.py"))
    )
    if _stops_at(current):
        return found
    return found + _packages_above(current.parent, display_root)


@lru_cache(maxsize=256)
def package_contents(folder: str) -> tuple[frozenset[str], bool]:
    """What a regular package folder provides: the names of its modules and sub-packages (`x.py`,
    `x.pyx`, `x/`), and whether its `__init__.py` holds any code (more than a docstring or comments).
    An empty `__init__.py` beside test folders only makes a folder a package for a test runner."""
    names: set[str] = set()
    try:
        with os.scandir(folder) as listing:
            for entry in listing:
                name = entry.name
                if name == "__init__.py" or name.startswith("."):
                    continue
                if name.endswith((".py", ".pyx")) and entry.is_file():
                    names.add(name.rsplit(".", 1)[0])
                elif entry.is_dir() and name.isidentifier() and name != "__pycache__":
                    names.add(name)
    except OSError:
        return frozenset(), True  # unreadable: assume it is the project's code, as before
    try:
        with open(os.path.join(folder, "__init__.py"), encoding="utf-8", errors="replace") as handle:
            body = ast.parse(handle.read()).body
    except (OSError, SyntaxError, ValueError):
        return frozenset(names), True
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]
    return frozenset(names), bool(body)


_UNLISTED_BINDINGS = re.compile(r"\bimport\s*\*|\bexec\s*\(|\bglobals\s*\(|\b__dict__\b|\bsetattr\s*\(|\b__getattr__\b")


def _star_modules(
    folder: Path, local: frozenset[str],
) -> tuple[tuple[tuple[str, Optional[frozenset[str]]], ...], tuple[tuple[str, tuple[tuple[str, int], ...]], ...]]:
    """For each `<name>.py` beside the notebook, read and parsed once:

    - exports: the names `from <name> import *` binds (None when nobody can list them: the module
      does not parse, or binds names `_UNLISTED_BINDINGS` hides);
    - defined: for a module whose names nobody can list because it binds names that way (its own
      star import), the public functions and classes it defines at top level, with their lines
      (fair check 48, item 61: `ensemble_utils.py`, which star-imports another module, defines
      `evaluate_model` at line 18). Not for a module naming `__all__`, which may leave them out."""
    exports: list[tuple[str, Optional[frozenset[str]]]] = []
    defined: list[tuple[str, tuple[tuple[str, int], ...]]] = []
    for name in sorted(local):
        module = folder / f"{name}.py"
        try:
            if not module.is_file() or module.stat().st_size > 1_000_000:
                continue
            text = module.read_text(encoding="utf-8", errors="replace")
            tree = ast.parse(text)
        except (OSError, SyntaxError, ValueError, RecursionError):
            exports.append((name, None))
            continue
        unlisted = _UNLISTED_BINDINGS.search(text) is not None
        exports.append((name, None if unlisted else _module_exports(tree)))
        if unlisted and "__all__" not in text:
            tops = tuple((st.name, st.lineno) for st in tree.body
                         if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not st.name.startswith("_"))
            if tops:
                defined.append((name, tops))
    return tuple(exports), tuple(defined)


_SYS_PATH_EDIT = re.compile(r"\bsys\.path\.(?:insert|append|extend)\s*\(|\bsite\.addsitedir\s*\(")


def _path_editors(folder: Path, local: frozenset[str]) -> tuple[tuple[str, frozenset[str], str], ...]:
    """For each module beside the notebook (`name.py`, or the `.py` files directly in a package
    folder `name/`), its top-level functions whose body edits `sys.path`, and the first such edit."""
    found: list[tuple[str, frozenset[str], str]] = []
    for name in sorted(local):
        files = [folder / f"{name}.py"] if (folder / f"{name}.py").is_file() else sorted((folder / name).glob("*.py"))[:50]
        functions: set[str] = set()
        shown = ""
        for module in files:
            try:
                if not module.is_file() or module.stat().st_size > 1_000_000:
                    continue
                text = module.read_text(encoding="utf-8", errors="replace")
                if not _SYS_PATH_EDIT.search(text):
                    continue  # most helper modules: no edit, no parse
                tree = ast.parse(text)
            except (OSError, SyntaxError, ValueError, RecursionError):
                continue
            lines = text.split("\n")
            for node in tree.body:
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Call) and 0 < inner.lineno <= len(lines):
                        edit = _SYS_PATH_EDIT.search(lines[inner.lineno - 1][inner.col_offset:])
                        if edit is not None and edit.start() == 0:
                            functions.add(node.name)
                            shown = shown or lines[inner.lineno - 1].strip()
                            break
        if functions:
            found.append((name, frozenset(functions), shown))
    return tuple(found)


def _module_exports(tree: ast.Module, pasted: bool = False) -> Optional[frozenset[str]]:
    """`__all__` when it is a literal list of strings, else the module's public top-level names
    (bound by assignments, defs, classes, imports, loops and `with` at module level, also inside
    `if`/`try` blocks there); None when `__all__` is computed. `pasted`: every top-level name,
    private ones too and whatever `__all__` says (the file's text pasted into a cell by `%load`)."""
    names: set[str] = set()
    exported: Optional[set[str]] = None

    def targets(node: ast.AST) -> None:
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for e in node.elts:
                targets(e)
        elif isinstance(node, ast.Starred):
            targets(node.value)

    def walk(body: list[ast.stmt]) -> bool:
        nonlocal exported
        for st in body:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(st.name)
            elif isinstance(st, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                for t in (st.targets if isinstance(st, ast.Assign) else [st.target]):
                    if isinstance(t, ast.Name) and t.id == "__all__":
                        value = st.value
                        if isinstance(value, (ast.List, ast.Tuple)) and all(
                            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
                        ) and not isinstance(st, ast.AugAssign):
                            exported = {e.value for e in value.elts}  # type: ignore[union-attr]
                        else:
                            return False
                    targets(t)
            elif isinstance(st, (ast.Import, ast.ImportFrom)):
                for alias in st.names:
                    names.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(st, (ast.For, ast.AsyncFor)):
                targets(st.target)
                if not (walk(st.body) and walk(st.orelse)):
                    return False
            elif isinstance(st, (ast.With, ast.AsyncWith)):
                for item in st.items:
                    if item.optional_vars is not None:
                        targets(item.optional_vars)
                if not walk(st.body):
                    return False
            elif isinstance(st, (ast.If, ast.While)):
                if not (walk(st.body) and walk(st.orelse)):
                    return False
            elif isinstance(st, ast.Try):
                for handler in st.handlers:
                    if handler.name:
                        names.add(handler.name)
                    if not walk(handler.body):
                        return False
                if not (walk(st.body) and walk(st.orelse) and walk(st.finalbody)):
                    return False
            elif isinstance(st, ast.Expr):
                for n in ast.walk(st):
                    if isinstance(n, ast.NamedExpr):
                        targets(n.target)
        return True

    if not walk(tree.body):
        return None
    if pasted:
        return frozenset(names)
    if exported is not None:
        return frozenset(exported)
    return frozenset(n for n in names if not n.startswith("_"))


def _namespace_only(folder: Path, names: frozenset[str]) -> frozenset[str]:
    """The names among `names` (the folder's `_local_modules`) that are a folder without
    `__init__.py` and no module file: namespace packages."""
    return frozenset(
        name for name in names
        if not any(_exists(os.path.join(folder, name + suffix)) for suffix in (".py", ".pyx", os.sep + "__init__.py"))
    )


SYSTEM_MANIFESTS = ("apt.txt", "packages.txt")


@lru_cache(maxsize=1024)
def _system_packages(folder: Path, display_root: Optional[Path]) -> tuple[tuple[str, str], ...]:
    """(package, file) for each line of the system-package lists in `folder` (and its environment
    folders) and the folders above it up to the project root, nearest first."""
    found: list[tuple[str, str]] = []
    for where in (folder, *(folder / sub for sub in ENVIRONMENT_FOLDERS)):
        for name in SYSTEM_MANIFESTS:
            file = where / name
            text = _file_text(file)
            if text is None:
                continue
            shown = _display(file, display_root)
            for raw in text.splitlines():
                package = raw.split("#", 1)[0].strip()
                if package and " " not in package:
                    found.append((package, shown))
    if not _stops_at(folder):
        found.extend(_system_packages(folder.parent, display_root))
    return tuple(found)


@lru_cache(maxsize=1024)
def _upward(current: Path, display_root: Optional[Path]) -> tuple[tuple[Manifest, ...], frozenset[str]]:
    """For a folder above a notebook's: the manifests of `current` and of each folder above it up
    to the project root (or `/`), nearest first, and the modules of all of them and of the root's
    `src/`. Remembered per folder: notebooks in sibling folders share everything above them
    (`/tmp` above the benchmark's ten folders was listed ten times, with a look for `__init__.py`
    in each of its ~1,700 entries)."""
    manifests = _manifests_in(current, display_root)
    project_modules = _local_modules(current, strict=True)
    if _stops_at(current):
        return manifests, project_modules | _src_modules(current)
    above, modules = _upward(current.parent, display_root)
    return manifests + above, project_modules | _built_src_modules(current) | modules


def _stops_at(folder: Path) -> bool:
    return is_project_root(folder) or folder.parent == folder


def _src_modules(root: Path) -> frozenset[str]:
    return _local_modules(root / "src", strict=True) if (root / "src").is_dir() else frozenset()


# The files that make a folder a buildable Python project (`pip install -e .` works there).
_BUILD_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


def _builds_src(folder: Path) -> bool:
    """Whether `folder` (below the project root) is a Python project of its own with a `src/` layout:
    a `pyproject.toml`, `setup.py` or `setup.cfg` beside a `src/` folder."""
    return (folder / "src").is_dir() and any((folder / name).is_file() for name in _BUILD_FILES)


def _built_src_modules(folder: Path) -> frozenset[str]:
    """The packages of `src/` of a sub-project between the notebook and the project root: a
    portfolio's `spatial/disturbance-detection/` with its own pyproject.toml (`packages =
    ["src/disturb"]`), installed editable by its README, and the notebook in its `notebooks/`
    importing `disturb` (fair check 37, items 2, 8). The root's `src/` alone was read, so the
    sub-project's own package was reported as a distribution to declare. Not covered: packages a
    build file declares outside `src/` (`packages = ["lib/foo"]`)."""
    return _src_modules(folder) if _builds_src(folder) else frozenset()


@lru_cache(maxsize=1024)
def _unbuilt_src_modules(folder: Path) -> frozenset[str]:
    """The modules of the `src/` folders without a build file beside them (`_builds_src` reads
    those) of `folder` and of each folder above it below the project root (`ProjectContext.unbuilt_src_modules`)."""
    if _stops_at(folder):
        return frozenset()
    own = _src_modules(folder) if not _builds_src(folder) else frozenset()
    return own | _unbuilt_src_modules(folder.parent)


def _file_text(file: Path) -> Optional[str]:
    """A manifest file's text, or None when it is no file or cannot be read as text."""
    try:
        if not file.is_file():
            return None
        return manifest_text(file.read_bytes())
    except (OSError, UnicodeDecodeError):
        return None


def _manifests_in(folder: Path, display_root: Optional[Path]) -> tuple[Manifest, ...]:
    manifests: list[Manifest] = []
    included: list[tuple[Path, Manifest]] = []  # requirements files with local `-r` includes
    for file in manifest_candidates(folder):
        if not file.is_file():
            continue
        try:
            text = manifest_text(file.read_bytes())
            target = _symlink_text_target(file, text)
            if target is not None:
                file, text = target, manifest_text(target.read_bytes())
        except (OSError, UnicodeDecodeError):
            continue
        manifest = _parse_with_lock(file, _display(file, display_root), text)
        if (manifest is not None and manifest.kind in ("requirements", "environment") and file.parent == folder
                and file.name in _unexecuted_docs_builds(folder)):
            continue  # the docs build's environment, which never runs the notebooks
        if manifest is not None and manifest.kind == "requirements" and _read_by_setup(folder, file.name):
            manifest = replace(manifest, read_by_setup=True)
        if manifest is not None:
            manifests.append(manifest)
            if manifest.kind == "requirements" and manifest.includes:
                # (its `-r` files after the folder's own manifests, each once: a Dockerfile may install one too)
                included.append((file, manifest))
                manifest = replace(manifest, includes=())
            manifests += _included_manifests(folder, manifest, display_root)
        if file.name in _COMPOSE_FILES:
            for built, service in _compose_built_folders(folder):
                if built.name not in ENVIRONMENT_FOLDERS:  # (binder/ and friends are read anyway)
                    manifests += [replace(m, compose_service=service) for m in _manifests_in(built, display_root)]
            continue
        if file.name == "pyproject.toml" and "hatch" in text:
            environments = hatch_environments(_display(file, display_root), text)
            if environments is not None:
                manifests.append(environments)
        if file.name == "pyproject.toml" and "tool.pixi" in text:
            # pixi's tables in a pyproject (`[tool.pixi.dependencies]`): a second manifest of the same file.
            pixi = parse_pixi(_display(file, display_root), text, _file_text(file.with_name("pixi.lock")), pyproject=True)
            if pixi is not None:
                manifests.append(pixi)
        if file.name == "pyproject.toml" and "workspace" in text:
            lock_file = file.with_name("uv.lock")
            lock = uv_workspace_lock(_display(lock_file, display_root), text, _file_text(lock_file))
            if lock is not None:
                manifests.append(lock)
    for file, manifest in included:
        shown = {m.path for m in manifests}
        manifests += [m for m in _included_manifests(folder, replace(manifest, projects=()), display_root, seen=frozenset([file]),
                                                     includes_from=file.parent) if m.path not in shown]
    return tuple(manifests)


_READTHEDOCS_CONFIGS = (".readthedocs.yml", ".readthedocs.yaml", "readthedocs.yml", "readthedocs.yaml")
# `conda: environment: environment.yml`, `python: install: - requirements: docs/requirements.txt`.
_READTHEDOCS_FILE = re.compile(r"""^\s*-?\s*(?:environment|requirements)\s*:\s*['"]?(?P<file>[^\s'"#]+)""", re.MULTILINE)
_READTHEDOCS_SPHINX = re.compile(r"""^\s*configuration\s*:\s*['"]?(?P<file>[^\s'"#]+)""", re.MULTILINE)
_NBSPHINX_NEVER = re.compile(r"""^nbsphinx_execute\s*=\s*['"]never['"]""", re.MULTILINE)


@lru_cache(maxsize=64)
def _unexecuted_docs_builds(folder: Path) -> frozenset[str]:
    """The files of `folder` that its ReadTheDocs config installs for a Sphinx build whose `conf.py`
    never executes the notebooks (`nbsphinx_execute = "never"`): the docs' environment (sphinx,
    nbsphinx, a theme), not the notebooks' — they run elsewhere, and a line added there would not
    reach them (fair check 24: aws' root environment.yml was every ml_ops notebook's manifest and
    its fix target). Empty when the build may execute them (nbsphinx' default `auto` runs notebooks
    saved without outputs). Only a file of the config's own folder: one in a sub-folder
    (`docs/requirements.txt`) is a docs build by its place already."""
    config = next((t for t in (_file_text(folder / n) for n in _READTHEDOCS_CONFIGS) if t is not None), None)
    if config is None:
        return frozenset()
    sphinx = _READTHEDOCS_SPHINX.search(config)
    conf = _file_text(folder / sphinx["file"]) if sphinx else next(
        (t for t in (_file_text(folder / c) for c in ("conf.py", "docs/conf.py", "doc/conf.py", "docs/source/conf.py")) if t is not None), None)
    if conf is None or not _NBSPHINX_NEVER.search(conf):
        return frozenset()
    return frozenset(posixpath.normpath(m["file"]) for m in _READTHEDOCS_FILE.finditer(config))


_COMPOSE_FILES = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")
# A compose file's service header (two-space indented key under `services:`), its build context
# and its Dockerfile, read line by line (no YAML parser): (indent, key, value).
_COMPOSE_LINE = re.compile(r"^(?P<indent>\s*)(?P<key>[A-Za-z0-9_.-]+):\s*(?P<value>[^#]*?)\s*(?:#.*)?$")


def _compose_built_folders(folder: Path) -> list[tuple[Path, str]]:
    """(folder, service) of each Dockerfile in a sub-folder of `folder` that a docker-compose file of
    `folder` builds (`build: {context: ., dockerfile: envs/py312/Dockerfile}` under the service
    `py312`): the environments the project offers besides its own manifests (ML4T keeps a Python
    3.12 image for gensim and signatory, whose wheels Python 3.14 lacks; fair check 18)."""
    found: list[tuple[Path, str]] = []
    for name in _COMPOSE_FILES:
        text = _file_text(folder / name)
        if text is None:
            continue
        service, service_indent, context = None, -1, "."
        for line in text.splitlines():
            match = _COMPOSE_LINE.match(line)
            if not match:
                continue
            indent, key, value = len(match["indent"]), match["key"], match["value"].strip("'\"")
            if indent == 2 and not value:
                service, service_indent, context = key, indent, "."
            elif service and indent > service_indent and key == "context" and value:
                context = value
            elif service and indent > service_indent and key == "dockerfile" and value:
                dockerfile = Path(os.path.normpath(folder / context / value))
                if (dockerfile.parent != folder and folder in dockerfile.parents and dockerfile.is_file()
                        and all(dockerfile.parent != f for f, _ in found)):
                    found.append((dockerfile.parent, service))  # (two services of one image: read once)
    return found


# A project template's setup.py, never filled in: its author, address or home page are the template's
# placeholders (`author="Your Name"`, `your.email@example.com`, `github.com/yourusername/…`). It publishes no
# library: the requirements file it reads is the environment the README installs (fair check 45, items 44
# and 48: `name="ml-project"`, `author="Your Name"`, reading the root requirements.txt the Makefile installs).
_TEMPLATE_SETUP = re.compile(
    r"""\bauthor\s*=\s*["']Your Name["']|["']your[._]?email@example\.com["']|github\.com/your-?user-?name/""",
    re.IGNORECASE)


def _read_by_setup(folder: Path, file_name: str) -> bool:
    """Whether the `setup.py` of `folder` names the requirements file `file_name` as a string
    (`open("requirements.txt")`, `get_valid_packages_from_requirement_file("requirements.txt")`): a
    library that reads its `install_requires` from it, so its lines are the library's ranges. Not a
    template's setup.py still carrying its placeholders (`_TEMPLATE_SETUP`), which is no library."""
    setup = _file_text(folder / "setup.py")
    return (setup is not None and re.search(rf"""["']{re.escape(file_name)}["']""", setup) is not None
            and _TEMPLATE_SETUP.search(setup) is None)


def _parse_with_lock(file: Path, shown: str, text: str) -> Optional[Manifest]:
    """`parse_manifest`, with a Pipfile's `Pipfile.lock`, a pixi.toml's `pixi.lock`, a Poetry project's `poetry.lock` and a uv
    project's `uv.lock` (beside it) read for their pins."""
    if file.name == "Pipfile":
        return parse_pipfile(shown, text, _file_text(file.with_name("Pipfile.lock")))
    if file.name == "pixi.toml":
        return parse_pixi(shown, text, _file_text(file.with_name("pixi.lock")))
    if file.name == "pyproject.toml" and "tool.poetry" in text:
        return parse_pyproject(shown, text, _file_text(file.with_name("poetry.lock")))
    if file.name == "pyproject.toml" and file.with_name("uv.lock").is_file():
        return parse_pyproject(shown, text, uv_lock=_file_text(file.with_name("uv.lock")))
    return parse_manifest(shown, text)


def _included_manifests(folder: Path, dockerfile: Manifest, display_root: Optional[Path], folder_read: bool = True,
                        seen: frozenset[Path] = frozenset(), includes_from: Optional[Path] = None) -> list[Manifest]:
    """The files a Dockerfile copies in and installs (`includes`), read as requirements files or
    conda environment files; those already found as manifests of the folder are not read twice
    (`folder_read`: the notebook's discovery reads `folder`'s manifests itself). A requirements
    file's includes are relative to its own folder (`includes_from`), and a file read is read with
    its own includes in turn, once (`seen`: a cycle of `-r` lines ends)."""
    found: list[Manifest] = []
    for project, extras in dockerfile.projects:
        where = Path(os.path.normpath(folder / project))
        if where == folder and folder_read:
            continue  # its pyproject.toml / setup.py is a manifest of the folder anyway
        installed = _installed_project(where, extras, display_root)
        if installed is not None:
            found.append(installed)
    for include in dockerfile.includes:
        file = Path(os.path.normpath((includes_from or folder) / include))
        if file in seen or (file.parent == folder and folder_read and _ANY_MANIFEST(file.name)):
            continue  # read already, or a manifest of the folder anyway
        seen = seen | {file}
        text = _file_text(file)
        if text is None:
            continue
        shown = _display(file, display_root)
        if file.name == "Pipfile":
            pipfile = _parse_with_lock(file, shown, text)
            if pipfile is not None:
                found.append(pipfile)
        elif file.name.endswith((".yml", ".yaml")):
            found.append(parse_environment_yml(shown, text))
        else:
            included = parse_requirements_txt(shown, text)
            found.append(included)
            if included.includes:
                more = _included_manifests(folder, replace(included, projects=()), display_root, folder_read, seen, file.parent)
                seen = seen | {Path(os.path.normpath(file.parent / i)) for i in included.includes}
                found += more
    return found


def _installed_project(project: Path, extras: tuple[str, ...], display_root: Optional[Path]) -> Optional[Manifest]:
    """The manifest of a local project a Dockerfile pip-installs: its pyproject.toml's `[project]`
    dependencies plus the extras named (`.[dev, parallel]`; a pyproject without `[project]`
    dependencies, a setup.cfg or setup.py is read whole), declaring the project's own name too."""
    pyproject = _file_text(project / "pyproject.toml")
    if pyproject is not None:
        manifest = parse_pyproject(_display(project / "pyproject.toml", display_root), pyproject)
        try:
            table = tomllib.loads(pyproject).get("project")
        except tomllib.TOMLDecodeError:
            table = None
        if isinstance(table, dict) and (table.get("dependencies") or extras):
            optional = {normalise(k): v for k, v in (table.get("optional-dependencies") or {}).items() if isinstance(v, list)}
            specs = list(table.get("dependencies") or []) + [s for e in extras for s in optional.get(e, [])]
            wanted = {normalise(m.group(1)) for m in (_REQ_NAME.match(s) for s in specs if isinstance(s, str)) if m}
            name = table.get("name")
            own = normalise(name) if isinstance(name, str) else None
            reqs = tuple(r for r in manifest.requirements if r.name in wanted) if manifest else ()
            return Manifest(_display(project / "pyproject.toml", display_root), "pyproject", reqs, own)
        if manifest is not None and manifest.requirements:
            return manifest
    for name, parse in (("setup.cfg", parse_setup_cfg), ("setup.py", parse_setup_py)):
        text = _file_text(project / name)
        manifest = parse(_display(project / name, display_root), text) if text is not None else None
        if manifest is not None:
            return manifest
    return None


def _symlink_text_target(file: Path, text: str) -> Optional[Path]:
    """The manifest a git symbolic link stored as a plain file points to: where symlinks are not
    supported (`core.symlinks=false`, the default of Git for Windows; exports that write each blob as
    a file), git checks a link out as a small file holding only the link's target, with no newline
    (`setup.py` containing `wxsearch/setup.py`). Only a target that exists and is itself named like a
    manifest counts, so a one-line requirements file (`numpy`) is never taken for a link."""
    if not text or "\n" in text or len(text) > 1024 or any(c.isspace() for c in text):
        return None
    target = file.parent / text
    if not _ANY_MANIFEST(target.name):
        return None
    try:
        return target if target.is_file() and target.resolve() != file.resolve() else None
    except OSError:
        return None


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # before UTF-16: same first bytes
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def manifest_text(data: bytes) -> str:
    """A manifest's text by its byte-order mark, UTF-8 without one. Windows tools save
    `conda env export > environment.yml` and `pip freeze > requirements.txt` as UTF-16 with a mark
    (PowerShell's redirection); conda and pip read those files, so they declare what they list."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    return data.decode("utf-8")


def manifest_candidates(folder: Path) -> tuple[Path, ...]:
    """For each of MANIFEST_GLOBS in turn: `sorted(folder.glob(pattern))`, then the same in each of
    ENVIRONMENT_FOLDERS (binder/, .binder/, .devcontainer/; not for pyproject.toml, setup.cfg and setup.py,
    which only declare the folder they are in). One listing per folder instead of one glob per
    pattern: the folders above a notebook include `/tmp` and `/`."""
    listings: dict[Path, Optional[list[str]]] = {}

    def matches(where: Path, pattern: str) -> list[Path]:
        if os.sep != "/":  # (pathlib sorts names case-insensitively on Windows)
            return sorted(where.glob(pattern))
        if where not in listings:
            try:
                with os.scandir(where) as listing:
                    listings[where] = [entry.name for entry in listing if _ANY_MANIFEST(entry.name)]
            except OSError:
                listings[where] = None
        names = listings[where]
        return [where / name for name in sorted(fnmatch.filter(names, pattern))] if names else []

    found: list[Path] = []
    for pattern in MANIFEST_GLOBS:
        found += matches(folder, pattern)
        if pattern not in _PACKAGE_MANIFESTS:
            for sub in ENVIRONMENT_FOLDERS:
                found += matches(folder / sub, pattern)
    return tuple(dict.fromkeys(found))  # `environment.yml` matches `*.yml` too


_ANY_MANIFEST = re.compile("|".join(fnmatch.translate(p) for p in MANIFEST_GLOBS)).match


def _display(file: Path, root: Optional[Path]) -> str:
    if root is not None:
        try:
            return file.relative_to(root).as_posix()
        except ValueError:
            pass
    try:
        return file.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return file.as_posix()


@lru_cache(maxsize=1024)  # folders above many notebooks (up to `/` without a root) are listed once
def _local_modules(folder: Path, strict: bool = False) -> frozenset[str]:
    """Importable names in `folder`: `*.py` (and Cython `*.pyx`) modules and packages. `strict` (folders other than the
    notebook's own) counts only regular packages, with an `__init__.py`, so a `scripts/` folder
    above the notebook does not hide a third-party `scripts` import."""
    names: set[str] = set()
    try:
        # os.scandir: the entries' types come with the listing (no stat each; `/tmp` above a
        # notebook can hold a thousand entries).
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return frozenset()
    for entry in entries:
        name = entry.name
        try:
            if len(name) > 3 and name.endswith(".py") and entry.is_file():  # pathlib's `suffix == ".py"`
                names.add(name[:-3])
            elif len(name) > 4 and name.endswith(".pyx") and entry.is_file():
                # A Cython module, built in place (`setup.py build_ext --inplace`, pyximport): local code.
                names.add(name[:-4])
            elif (not strict or not _never_imported(name)) and entry.is_dir() and (
                _exists(os.path.join(entry.path, "__init__.py"))
                # Beside the notebook, a folder of code is a namespace package, also when its code
                # sits one level down (`going_modular/going_modular/engine.py`).
                or (not strict and name.isidentifier() and (any(Path(entry.path).glob("*.py")) or any(Path(entry.path).glob("*/*.py"))))
            ):
                names.add(name)
        except OSError:  # a locked sub-folder (chmod 000) is not a module, and not this notebook's problem
            continue
    return frozenset(names)


# A folder name with an ASCII character that is neither a letter, a digit nor `_` (`tmp.x3Fq`,
# `pip-build-env-…`, `pytest-of-root`): no `import` statement can name it (an identifier has no such
# character, and a dotted name is split at its dots), so the strict listing, which answers only
# "is this imported top-level name a package here?", skips it without a look for `__init__.py`.
# In `/tmp`, above a notebook without a project root, nine folders in ten are such names (mktemp's
# `tmp.*`): the look was most of discovery there, and most of an unchanged re-run's checks.
NOT_IN_NAMES = frozenset(chr(c) for c in range(128) if not (chr(c).isalnum() or chr(c) == "_"))


def _never_imported(name: str) -> bool:
    return not NOT_IN_NAMES.isdisjoint(name)


def _exists(path: str) -> bool:
    """`Path(path).exists()`: False for a missing path, an error for an unreadable one."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EBADF):
            return False
        raise
    return True


def module_search_folders(notebook_folder: Path, added: tuple[Path, ...] = ()) -> tuple[tuple[Path, bool], ...]:
    """Where the notebook's kernel finds its own code, in the order `import` looks, as
    `(folder, strict)`: the notebook's folder, the folders a cell adds to `sys.path` with a literal
    path (`sys.path.append("../src")`), then the folders above up to the project root, the `src/`
    of a sub-project on the way (`_built_src_modules`) and the root's `src/` (the same folders `discover_project` reads `project_modules` from; `strict`:
    only regular packages count there)."""
    folders: list[tuple[Path, bool]] = [(notebook_folder, False), *((folder, False) for folder in added)]
    current = notebook_folder
    if not is_project_root(current) and _builds_src(current):
        folders.append((current / "src", True))
    while not is_project_root(current) and current.parent != current:
        current = current.parent
        folders.append((current, True))
        if not is_project_root(current) and _builds_src(current):
            folders.append((current / "src", True))  # a sub-project's own packages (`_built_src_modules`)
    if (current / "src").is_dir():
        folders.append((current / "src", True))
    seen: set[Path] = set()
    return tuple(f for f in folders if not (f[0] in seen or seen.add(f[0])))


def find_local_module(search: tuple[tuple[Path, bool], ...], name: str) -> Optional[Path]:
    """The file (`name.py`) or package folder (`name/`) that `import name` finds first in `search`."""
    for folder, strict in search:
        if name in _local_modules(folder, strict):
            module = folder / f"{name}.py"
            return module if module.is_file() else folder / name
    return None
