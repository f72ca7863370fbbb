"""Migrate: the edge around the compiler. Finds notebooks, groups them into models, audits and
plans each one (pure), gathers what only the outside world knows (installed versions, data beside
the notebook), emits the package (pure) and writes it atomically. One model's failure is recorded
and the batch goes on.
"""

from __future__ import annotations

import ast
import math
import hashlib
import importlib.metadata
import json
import os
import re
import shlex
import shutil
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Optional, Sequence

from nbrefactor.audit.analysis import NotebookFacts
from nbrefactor.audit.catalog import Catalog, load_catalog
from nbrefactor.compile.literals import py_literal
from nbrefactor.compile.emit import EmitInputs, FileTree, Requirement, emit_model, plan_json
from nbrefactor.compile.plan import ModelPlan, ReviewItem, model_names, plan_model
from nbrefactor.compile.mlops import MlopsSettingsError
from nbrefactor.compile.result import ModelResult
from nbrefactor.compile.run_magic import named_paths
from nbrefactor.config import Settings
from nbrefactor.fileio import MANIFEST, WriteRefused, write_tree
from nbrefactor.audit.engine import audit_notebook, collect_notebooks
from nbrefactor.audit.facts import assigned_name, dotted_name
from nbrefactor.migrate.pipeline_build import add_compiled_pipeline, configured_texts, with_mlops
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.types import Diagnostic, LoadError
from nbrefactor.audit.project import (
    ProjectContext, discover_project, scoped_to_workspace, with_downloads_present, with_installed_requirements, with_seed_helpers, with_working_folders,
)

DATA_FILE_CAP = 1024 * 1024  # a data file larger than this is sampled (CSV) or left out
SAMPLE_BYTES = 256 * 1024
DATA_TOTAL_CAP = 8 * 1024 * 1024
DATA_SUFFIXES = {".csv", ".tsv", ".txt", ".json", ".jsonl", ".parquet", ".feather", ".xlsx", ".xls", ".npy", ".npz",
                 ".pkl", ".pickle", ".joblib", ".h5", ".hdf5", ".yaml", ".yml", ".py", ".png", ".jpg", ".jpeg", ".gz", ".zip", ".sqlite", ".db"}
RESERVED_PACKAGES = frozenset({"report"})  # names of folders the batch writes into OUT itself
NOT_DATA = {"requirements.txt", "environment.yml", "environment.yaml", "pyproject.toml", "setup.cfg", "setup.py"}


@dataclass
class MigrateOptions:
    out: Path
    dry_run: bool = False
    force: bool = False
    allow_hidden_state: bool = False
    models: dict[str, list[str]] = field(default_factory=dict)  # model name → notebook paths/globs


def group_models(notebooks: Sequence[tuple[Path, str]], declared: dict[str, list[str]]) -> list[tuple[str, list[tuple[Path, str]]]]:
    """Declared groups first (`[tool.nbrefactor.models]`, `--model`), in their notebooks' order;
    every other notebook is a model of its own, named from its file."""
    remaining = {display: path for path, display in notebooks}
    groups: list[tuple[str, list[tuple[Path, str]]]] = []
    for name, patterns in sorted(declared.items()):
        members: list[tuple[Path, str]] = []
        for pattern in patterns:
            for display in list(remaining):
                if _matches(display, pattern):
                    members.append((remaining.pop(display), display))
        if members:
            groups.append((name, members))
    names = model_names(sorted(remaining))
    for display in sorted(remaining):
        groups.append((names[display], [(remaining[display], display)]))
    # Every model gets a folder of its own: a declared group's name, the reserved OUT/report/ (the
    # HTML report) or a default name that another model already has is made distinct with a hash
    # of the model's notebooks, so a second model never writes into a folder another one owns.
    from nbrefactor.compile.plan import distinct_name, package_name

    owners: dict[str, str] = {}
    renamed = []
    for name, members in groups:
        package = package_name(name)
        key = "\n".join(display for _, display in members)
        if package in RESERVED_PACKAGES:
            package = f"{package}_model"
        if package in owners and owners[package] != key:
            package = distinct_name(package, key)
        owners[package] = key
        renamed.append((package if package != package_name(name) else name, members))
    return sorted(renamed, key=lambda g: g[0])


def _matches(display: str, pattern: str) -> bool:
    import fnmatch

    pattern = pattern.strip().replace("\\", "/")
    return display == pattern or display.endswith("/" + pattern) or fnmatch.fnmatch(display, pattern) or fnmatch.fnmatch(PurePosixPath(display).name, pattern)


def migrate_paths(
    paths: Sequence[str],
    settings: Settings,
    options: MigrateOptions,
    on_result: Optional[Callable[[ModelResult], None]] = None,
) -> tuple[list[ModelResult], list[LoadError]]:
    """Migrate every model under `paths` in this process, one after the other (the batch runner in
    `nbrefactor.migrate.batch` adds workers, a time limit, the cache and the report around the same steps)."""
    catalog = load_catalog(settings.rules_dirs)
    groups, missing = find_models(paths, settings, options)
    results: list[ModelResult] = []
    for model, members in groups:
        result = migrate_one(model, members, settings, catalog, options)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results, missing


def find_models(paths: Sequence[str], settings: Settings, options: MigrateOptions) -> tuple[list[tuple[str, list[tuple[Path, str]]]], list[LoadError]]:
    """The notebooks under `paths`, grouped into models (declared groups, else one per notebook)."""
    files, missing = collect_notebooks(paths, settings)
    declared = {**{k: list(v) for k, v in dict(settings.table("models")).items()}, **options.models}
    return group_models(portable_displays(files), declared), missing


def portable_displays(files: Sequence[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Display paths as generated files may quote them: notebooks outside the working directory
    are shown as absolute paths by the audit, but an absolute path of the migrating machine must
    not end up in a package. Those become relative to the folder holding them all, named by it
    (`/home/ana/proj/nb.ipynb` → `proj/nb.ipynb`)."""
    absolute = [d for _, d in files if PurePosixPath(d).is_absolute()]
    if not absolute:
        return list(files)
    common = PurePosixPath(os.path.commonpath(absolute))
    if common.as_posix() in absolute:  # a single file: keep its folder's name
        common = common.parent
    base = common.parent if common.name else common
    return [(p, PurePosixPath(d).relative_to(base).as_posix() if PurePosixPath(d).is_absolute() else d) for p, d in files]


def migrate_one(model: str, members: list[tuple[Path, str]], settings: Settings, catalog: Catalog, options: MigrateOptions) -> ModelResult:
    """`migrate_model`, with any failure turned into a `failed` result: one model never stops the batch."""
    try:
        return migrate_model(model, members, settings, catalog, options)
    except WriteRefused as exc:
        return ModelResult(model, tuple(d for _, d in members), "failed", problems=(str(exc),))
    except MlopsSettingsError as exc:  # a wrong `[tool.nbrefactor.*]` value: the user's to fix, not a bug
        return ModelResult(model, tuple(d for _, d in members), "failed", problems=(f"{settings.config_file or 'settings'}: {exc}",))
    except OSError as exc:  # a full disk, a read-only folder: said as such, not as a bug
        where = f"{exc.filename}: " if exc.filename else ""
        return ModelResult(model, tuple(d for _, d in members), "failed", problems=(f"could not be written or read: {where}{exc.strerror or exc}",))
    except Exception as exc:  # noqa: BLE001 - one model never stops the batch
        where = traceback.extract_tb(exc.__traceback__)[-1]
        detail = " ".join(str(exc).split())[:300]
        return ModelResult(
            model,
            tuple(d for _, d in members),
            "failed",
            problems=(f"internal error ({type(exc).__name__}: {detail} at {Path(where.filename).name}:{where.lineno}); please report it",),
        )


def migrate_model(model: str, members: list[tuple[Path, str]], settings: Settings, catalog: Catalog, options: MigrateOptions) -> ModelResult:
    analysed: list[tuple[NotebookFacts, tuple[Diagnostic, ...], ProjectContext, Path]] = []
    folded: list[Diagnostic] = []  # fixed by the compiler, though the audit folded them into others
    displays = tuple(d for _, d in members)
    for path, display in members:
        loaded = read_notebook(path, display)
        if isinstance(loaded, LoadError):
            return ModelResult(model, displays, "unreadable", problems=(str(loaded),))
        project = with_working_folders(discover_project(path), path, (c.source for c in loaded.code_cells))
        project = with_installed_requirements(project, path, (c.source for c in loaded.code_cells))
        project = with_downloads_present(project, path, (c.source for c in loaded.code_cells))
        project = with_seed_helpers(project, path, (c.source for c in loaded.code_cells))
        analysis = audit_notebook(loaded, settings, project, catalog)
        # The audit's project: a uv workspace's lock declares (and pins) only for a notebook that
        # imports one of its members, so the requirements pin from it only where the audit does.
        project = scoped_to_workspace(project, (imp.module for _, imp in analysis.facts.imports))
        analysed.append((analysis.facts, analysis.result.diagnostics, project, path))
        folded.extend(analysis.folded)
    not_python = [f.notebook for f, _, _, _ in analysed if not f.notebook.is_python]
    if not_python:
        # Not analysed, so nothing to compile from: refused whatever the options (--allow-hidden-state
        # reviews findings; it cannot make R code Python). Said even when STR002 is ignored, as the
        # audit's notice is then silenced but the notebook is still not Python.
        problems = tuple(
            f"{nb.path}: STR002 not analysed: kernel language is {(nb.kernel_language or nb.kernel_name or 'unknown')!r}, "
            "not Python; nbrefactor compiles Python notebooks only"
            for nb in not_python
        )
        diagnostics = tuple(sorted((d for _, ds, _, _ in analysed for d in ds), key=Diagnostic.sort_key))
        return ModelResult(model, displays, "blocked", problems=problems, diagnostics=diagnostics)
    plan = plan_model(model, [(f, d) for f, d, _, _ in analysed], options.allow_hidden_state, catalog, folded)
    diagnostics = plan.diagnostics
    if plan.blocking and not options.allow_hidden_state:
        problems = tuple(
            f"{d.location.path}"
            + (f": cell {d.location.cell}" if d.location.cell is not None else "")
            + (f" line {d.location.line}" if d.location.line else "")
            + f": {d.code} {d.message}"
            # A folded finding blocks at each of its places (one stray character in many cells).
            + (f" (related: cell {', '.join(str(c) for c in dict.fromkeys(r.cell for r in d.related if r.cell is not None))})"
               if any(r.cell is not None for r in d.related) else "")
            for d in plan.blocking
        )
        return ModelResult(model, displays, "blocked", problems=problems, diagnostics=diagnostics, plan=plan)
    if not any(step.cells for stage in plan.stages for step in stage.steps):
        return ModelResult(model, displays, "skipped", problems=("no code to compile (STR003)",), diagnostics=diagnostics, plan=plan)
    notebooks = [(f, p, path) for f, _, p, path in analysed]
    gathered_review: list[ReviewItem] = []
    code = [local_code(f, p, path, gathered_review) for f, p, path in notebooks]
    vendored = {relative: text for c in code for relative, text in c.files.items()}
    conflicts = local_module_conflicts(plan, vendored) + [problem for c in code for problem in c.problems]
    if conflicts:
        return ModelResult(model, displays, "blocked", problems=tuple(conflicts), diagnostics=diagnostics, plan=plan)
    inputs = gather_inputs(plan, notebooks, catalog, exclude=options.out, local_files=vendored, review=gathered_review,
                           installed_instead=tuple(name for c in code for name in c.installed_instead))
    # MLOps (nbrefactor.migrate.pipeline_build): data profile, GPU steps, image settings; then the kfp YAML.
    inputs = with_mlops(inputs, plan, settings, catalog, [(f, path) for f, _, _, path in analysed])
    emitted = emit_model(plan, inputs)
    tree, pipeline_problem = add_compiled_pipeline(emitted.tree, plan, configured_texts(settings))
    if pipeline_problem and isinstance(tree.get("MIGRATION.md"), str):
        tree["MIGRATION.md"] = str(tree["MIGRATION.md"]).rstrip("\n") + f"\n\n## Not generated\n\n- {pipeline_problem}\n"
    emitted = emitted.with_tree(redact_tree(tree, catalog))
    target = options.out / plan.package
    status = "migrated-with-review" if emitted.review else "migrated"
    if options.dry_run:
        return ModelResult(model, displays, status, str(target), diagnostics=diagnostics, plan=plan, emitted=emitted)
    changed = write_tree(emitted.tree, target, force=options.force)
    return ModelResult(model, displays, status if changed else "unchanged", str(target), diagnostics=diagnostics, plan=plan, emitted=emitted)


def redact_tree(tree: FileTree, catalog: Catalog) -> FileTree:
    """The last line of defence: no secret the audit can recognise is written into a package,
    whatever carried it there (a shell line, an `%env`, a comment). Secrets in string literals
    were already lifted into config fields read from the environment."""
    from nbrefactor.audit.secrets import redact

    out: FileTree = {}
    touched = []
    for path, content in tree.items():
        # Copied side files (tests/data: settings.yaml, local modules) too: a key pair in a
        # config file beside the notebook must not travel into the package.
        text = content if isinstance(content, str) else _utf8(content)
        if text is not None:
            clean = redact(text, catalog)
            if clean != text:
                touched.append(path)
                content = clean if isinstance(content, str) else clean.encode("utf-8")
        out[path] = content
    if touched and isinstance(out.get("MIGRATION.md"), str):
        lines = "".join(f"- {p}: a secret was masked; supply it through the environment instead\n" for p in touched)
        out["MIGRATION.md"] = str(out["MIGRATION.md"]).rstrip("\n") + "\n\n## Secrets masked in generated files\n\n" + lines
    return out


def _utf8(data: bytes) -> Optional[str]:
    if len(data) > 8 * 1024 * 1024:
        return None  # a large data sample is not scanned (seconds per file); see MIGRATION.md's data list
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None  # binary data: no pattern applies


# --- inputs only the outside world knows -------------------------------------------------------


def gather_inputs(
    plan: ModelPlan, notebooks: list[tuple[NotebookFacts, ProjectContext, Path]], catalog: Catalog, exclude: Optional[Path] = None,
    local_files: Optional[dict[str, str]] = None, review: Optional[list[ReviewItem]] = None, installed_instead: tuple[str, ...] = (),
) -> EmitInputs:
    """What only the outside world knows. `local_files`: the notebook's own code (`local_code`),
    vendored into the package: never a distribution, and its third-party imports are requirements."""
    from nbrefactor.audit.distributions import needed_distributions
    from nbrefactor.compile.local_code import local_names

    requirements: dict[str, Requirement] = {}
    review = list(review or [])
    local_files = dict(local_files or {})
    vendored_names = local_names(local_files)
    python_version = "3.11"
    notebook_python: Optional[str] = None
    for facts, project, _ in notebooks:
        manifest_pins = _manifest_pins(project)
        for need in needed_distributions(facts, project, catalog, include_installed=True):
            key = need.normalised
            if key in requirements or (need.modules and set(need.modules) <= vendored_names):
                continue  # (a module found on a folder a cell adds to sys.path is vendored, not installed)
            if key in manifest_pins:
                requirements[key] = Requirement(need.name, manifest_pins[key], "manifest")
            elif need.pinned:
                requirements[key] = Requirement(need.name, need.pinned, "pip-magic")
            else:
                version = _installed_version(need.name)
                if version and "+" in version:
                    # A local build variant (`2.13.0+cpu`, `2.1.0+cu121`) exists only on its vendor's
                    # index, so `==2.13.0+cpu` does not install from PyPI: pin the public release.
                    public, variant = version.split("+", 1)
                    review.append(
                        ReviewItem(facts.notebook.path, need.cell.index if need.cell else None, need.line,
                                   f"`{need.name}` was installed here as the local build `{version}`; pinned as the public release "
                                   f"`{public}`, which the package index serves as its default build. For the `{variant}` build, add its "
                                   "vendor's index to requirements.txt (`--extra-index-url …`) and pin the local version")
                    )
                    version = public
                requirements[key] = Requirement(need.name, version, "environment" if version else "unpinned")
                if version is None:
                    review.append(
                        ReviewItem(facts.notebook.path, need.cell.index if need.cell else None, need.line,
                                   f"`{need.name}` is unpinned: no manifest pin, no `%pip install {need.name}==…` line, and it is not installed where nbrefactor ran")
                    )
        version = facts.notebook.language_version
        match = re.match(r"^(3)\.(\d+)", version or "")
        if match:
            python_version = notebook_python = f"{match.group(1)}.{match.group(2)}"
    if any(_uses_plots(stage.facts) for stage in plan.stages) and "matplotlib" not in requirements:
        version = _installed_version("matplotlib")
        requirements["matplotlib"] = Requirement("matplotlib", version, "environment" if version else "unpinned")
    if (local_files or installed_instead) and notebooks:
        # (a namespace folder named like an installed distribution: the kernel imported the distribution)
        imports = {**local_files, **{f"<{name}>": f"import {name}\n" for name in installed_instead}}
        _local_code_requirements(imports, vendored_names, notebooks[0][1], catalog, requirements, review)
    if notebooks:
        _keras_backend_requirement(plan, requirements, notebooks[0][1], catalog, review)
    _rapids_wheels(requirements, review)
    test_data, sampled, skipped = _data_files([path.parent for _, _, path in notebooks], exclude, _read_paths(plan))
    missing = _missing_reads(plan, test_data, skipped)
    saved = _saved_values(plan)
    printed = _printed_values(plan)
    return EmitInputs(
        requirements=tuple(sorted(requirements.values(), key=lambda r: r.distribution.lower())),
        python_version=python_version,
        notebook_python=notebook_python,
        test_data=test_data,
        sampled=tuple(sampled),
        missing_data=tuple(missing),
        saved_values=tuple(saved),
        printed_values=tuple(printed),
        review=tuple(review),
        local_modules=local_files,
    )


# Modules every generated package has: a local module of the same name cannot be copied in.
GENERATED_MODULES = frozenset({"config", "pipeline", "functions", "artifacts", "cli", "__main__", "__init__", "tracking",
                               "validate", "monitor", "serving", "kfp_runtime", "runtime", "data_profile", "steps"})


def local_module_conflicts(plan: ModelPlan, vendored: dict[str, str]) -> list[str]:
    """Why a model cannot be compiled because of its local code (empty when it can): a vendored
    module whose name a generated module of the package has."""
    from nbrefactor.compile.local_code import local_names

    stages = {stage.module for stage in plan.stages}
    taken = sorted(name for name in local_names(vendored) if name in GENERATED_MODULES or name in stages)
    notebooks = ", ".join(stage.notebook for stage in plan.stages)
    return [f"{notebooks}: imports its local module `{name}`, whose name a generated module of the package has; rename the module" for name in taken]


def _keras_backend_requirement(plan: ModelPlan, requirements: dict[str, Requirement], project: ProjectContext, catalog: Catalog,
                               review: list[ReviewItem]) -> None:
    """The distribution of the Keras 3 backend the package runs on (`compile.keras_backend`): a
    notebook that relies on Keras' default backend imports TensorFlow through `import keras`
    without ever naming it, and a package without it fails "No module named 'tensorflow'"."""
    from nbrefactor.audit.distributions import normalise
    from nbrefactor.compile.keras_backend import KerasBackend, keras_backend

    keras = requirements.get("keras")
    pin = (keras.version or "") if keras is not None else ""
    backend = keras_backend(plan, pin)
    if backend is None:
        if keras is None or not pin.split(".", 1)[0].isdigit() or int(pin.split(".", 1)[0]) >= 3:
            return
        backend = KerasBackend("tensorflow", False)  # Keras 2 runs on TensorFlow only, and does not depend on it
    distributions = {str(k): str(v) for k, v in (catalog.table("distributions", "keras_backend", {}) or {}).items()}
    distribution = distributions.get(backend.value)
    if distribution is None or normalise(distribution) in requirements:
        return
    key = normalise(distribution)
    pins = _manifest_pins(project)
    version = pins.get(key) or _installed_version(distribution)
    if version and "+" in version:
        version = version.split("+", 1)[0]
    requirements[key] = Requirement(distribution, version, "manifest" if key in pins else "environment" if version else "unpinned")
    how = "the notebook chose it" if backend.explicit else "Keras' default: the notebook sets no `KERAS_BACKEND`"
    if version is None:
        review.append(ReviewItem(backend.notebook or plan.stages[0].notebook, backend.cell, backend.line,
                                 f"`{distribution}` is Keras' backend ({how}) and is unpinned: no manifest pin, and it is not installed where nbrefactor ran"))


def _rapids_wheels(requirements: dict[str, Requirement], review: list[ReviewItem]) -> None:
    """RAPIDS' `cudf`, `cuml`, `cugraph`, `dask-cudf` as their pip wheels for CUDA 12 (`cudf-cu12`, same
    version), from NVIDIA's index: on the package index those names are placeholders whose install fails
    (DEP007) or no project at all, so a pin copied from a conda-frozen manifest (`cudf==24.8.3`) or an
    unpinned name would never install. Said in a review item: CUDA 11 needs `-cu11` wheels, or conda."""
    from nbrefactor.audit.distributions import normalise
    from nbrefactor.audit.rules.dependencies import RAPIDS_PIP_WHEELS, RAPIDS_WHEEL_INDEX

    for key in sorted(requirements):
        wheel = RAPIDS_PIP_WHEELS.get(key)
        if wheel is None:
            continue
        old = requirements.pop(key)
        declared = requirements.get(normalise(wheel))
        if declared is not None:
            # The notebook installs both (`%pip install cudf-cu12 cudf`): the wheel is the install
            # that works, and the placeholder's line would fail the whole `pip install -r`.
            pin = f"=={old.version}" if old.version else ""
            if declared.index_url is None:
                requirements[normalise(wheel)] = Requirement(declared.distribution, declared.version or old.version,
                                                             declared.source if declared.version else old.source, RAPIDS_WHEEL_INDEX)
            review.append(ReviewItem("requirements.txt", None, None,
                                     f"`{old.distribution}{pin}` ({old.source}) is left out: `{old.distribution}` on the package index "
                                     f"cannot be installed, and `{wheel}`, RAPIDS' pip wheel for CUDA 12, is declared already"))
            continue
        requirements[normalise(wheel)] = Requirement(wheel, old.version, old.source, RAPIDS_WHEEL_INDEX)
        pin = f"=={old.version}" if old.version else ""
        review.append(ReviewItem("requirements.txt", None, None,
                                 f"`{old.distribution}{pin}` ({old.source}) is declared as `{wheel}{pin}` from {RAPIDS_WHEEL_INDEX}: "
                                 f"`{old.distribution}` on the package index cannot be installed, and `{wheel}` is RAPIDS' pip wheel "
                                 f"for CUDA 12; for CUDA 11 use `{wheel.removesuffix('-cu12')}-cu11`, or a conda environment with the rapidsai channel"))


def _local_code_requirements(files: dict[str, str], local: frozenset[str], project: ProjectContext, catalog: Catalog,
                             requirements: dict[str, Requirement], review: list[ReviewItem]) -> None:
    """The third-party distributions the vendored code imports (`files`: path → source), pinned as
    the notebook's are (a manifest pin, else the version installed here)."""
    from nbrefactor.audit.distributions import THIRD_PARTY_KIND, import_kind, normalise, resolve
    from nbrefactor.compile.local_code import absolute_imports

    pins = _manifest_pins(project)
    folders: dict[str, set[str]] = {}
    for relative in files:
        folder, _, leaf = relative.rpartition("/")
        folders.setdefault(folder, set()).add(leaf[:-3])
    for relative, text in sorted(files.items()):
        # A script's imports of its siblings (`going_modular/train.py`: `import engine`, run as
        # `python train.py`) are its own code, never distributions (dependency confusion).
        siblings = folders.get(relative.rpartition("/")[0], set())
        for module in absolute_imports(text):
            top = module.split(".")[0]
            # Local here means vendored (`local`): the audit's other local names are namespace
            # folders named like a distribution, which the kernel did not import (`installed_instead`).
            if top in local or top in siblings or import_kind(module, 0, None, catalog) != THIRD_PARTY_KIND:
                continue
            distribution = resolve(module, catalog).primary
            key = normalise(distribution)
            if key in requirements:
                continue
            version = pins.get(key) or _installed_version(distribution)
            if version and "+" in version:
                version = version.split("+", 1)[0]
            requirements[key] = Requirement(distribution, version, "manifest" if key in pins else "environment" if version else "unpinned")
            if version is None:
                review.append(ReviewItem(relative, None, None, f"`{distribution}` (imported by the local module {relative}) is unpinned: "
                                                               "no manifest pin, and it is not installed where nbrefactor ran"))


LOCAL_CODE_FILE_CAP = 400  # .py files vendored per model: more is a source tree, not a notebook's helpers
LOCAL_CODE_BYTES_CAP = 8 * 1024 * 1024
_SKIPPED_FOLDERS = frozenset({"__pycache__", ".ipynb_checkpoints", "node_modules", "site-packages"})


@dataclass(frozen=True)
class LocalCode:
    """The notebook's own code to vendor into the package (`compile.local_code`)."""

    files: dict[str, str]  # path under src/<pkg>/ → source
    problems: tuple[str, ...]  # why the package could not import it (the model is blocked)
    # Namespace folders beside the notebook named like an installed distribution: the kernel
    # imported the distribution (a regular package anywhere on sys.path wins over a namespace
    # folder), so the package requires it instead of vendoring the folder.
    installed_instead: tuple[str, ...] = ()


def local_code(facts: NotebookFacts, project: ProjectContext, notebook: Path, review: list[ReviewItem]) -> LocalCode:
    """The modules and package folders the notebook imports from beside it, from a folder a cell
    adds to `sys.path` or from the project around it (and what they import of each other), plus
    `.py` modules a `%%writefile` cell writes: every `.py` file, to copy under `src/<pkg>/`.
    An import that looks like local code but is found nowhere becomes a review item naming it."""
    from nbrefactor.audit.distributions import STDLIB, resolve, written_modules
    from nbrefactor.audit.project import find_local_module, module_search_folders
    from nbrefactor.compile.local_code import absolute_imports, checked_module_path

    folder = notebook.parent
    added = _sys_path_folders(facts, folder)
    search = module_search_folders(folder, added)
    files: dict[str, str] = dict(_written_module_sources(facts))
    done = {path[:-3] for path in files}
    problems: list[str] = []
    # A module a `%%writefile` cell writes is the cell's text, never the file beside the notebook
    # (its writes that are not vendored, `-a` or twice, stay runtime writes). A module a cell
    # downloads or moves in (`!wget …/helpers.py`, `!mv repo/going_modular .`) and that is beside
    # the notebook is vendored: the kernel imported that copy (a `try: import … except: download`
    # never downloaded), and the package then needs no network; one that is not there stays a
    # runtime download, imported where the cell imports it.
    written = _writefile_targets(facts) - done
    downloaded = set(written_modules(facts)) - done - written
    wanted = [(imp.top_level, ca.cell.index) for ca in facts.cells for imp in ca.facts.imports
              if not imp.level and imp.top_level and imp.top_level not in STDLIB]
    changes_path = _changes_sys_path(facts)
    shadowed: list[str] = []
    total = sum(len(t.encode("utf-8")) for t in files.values())
    while wanted:
        name, cell = wanted.pop(0)
        if name in done or name in written:
            continue
        done.add(name)
        origin = find_local_module(search, name)
        if origin is None and name in downloaded:
            continue
        if origin is None:
            if cell is not None and changes_path and resolve(name).source == "import-name" and not _installed(name):
                review.append(ReviewItem(facts.notebook.path, cell, None,
                                         f"`{name}` is imported after a cell changes `sys.path`, but no module `{name}` is beside the notebook, in a folder "
                                         "added to `sys.path` or in the project around it, nor installed here: if it is the notebook's own code, put it "
                                         "beside the notebook and migrate again (the package cannot import it as it is)"))
            continue
        if origin.is_dir() and not (origin / "__init__.py").exists() and resolve(name).source != "import-name":
            shadowed.append(name)
            continue
        if cell is not None and origin.parent != folder and origin.parent not in added and _installed_wins(facts, project, name):
            # A package above the notebook named like a distribution without what the notebook
            # imports of it (a course's `numpy/` of lessons): the kernel imported the distribution,
            # as the audit says (`distributions.shadowing_package`).
            shadowed.append(name)
            continue
        found = [(origin.name, origin)] if origin.is_file() else sorted(
            (path.relative_to(origin.parent).as_posix(), path) for path in _python_files(origin))
        for relative, path in found:
            if checked_module_path(relative) is None:
                continue  # not importable by that name in the kernel either (`my-notes.py`)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(f"{facts.notebook.path}: imports its local code `{name}`, but {relative} could not be read "
                                f"({type(exc).__name__}); the package could not import it")
                continue
            files[relative] = text
            total += len(text.encode("utf-8"))
            wanted += [(module.split(".")[0], None) for module in absolute_imports(text) if module.split(".")[0] not in STDLIB]
        if len(files) > LOCAL_CODE_FILE_CAP or total > LOCAL_CODE_BYTES_CAP:
            problems.append(f"{facts.notebook.path}: its local code (`{name}` and what it imports) is more than {LOCAL_CODE_FILE_CAP} files "
                            f"or {LOCAL_CODE_BYTES_CAP // (1024 * 1024)} MB; install it as a distribution and declare it in a manifest")
            break
    return LocalCode(files, tuple(problems), tuple(shadowed))


def _installed_wins(facts: NotebookFacts, project: ProjectContext, name: str) -> bool:
    """Every import of `name` in the notebook is of the installed distribution, not of the same-named
    package above the notebook (`distributions.shadowing_package`)."""
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.distributions import shadowing_package

    catalog = load_catalog()
    modules = [imp.module for ca in facts.cells for imp in ca.facts.imports if not imp.level and imp.top_level == name]
    return bool(modules) and all(shadowing_package(m, project, catalog) is not None for m in modules)


def _python_files(package: Path) -> list[Path]:
    found = []
    for root, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_FOLDERS and not d.startswith("."))
        found += [Path(root) / n for n in sorted(names) if n.endswith(".py") and not n.startswith(".")]
    return found


def _sys_path_folders(facts: NotebookFacts, folder: Path) -> tuple[Path, ...]:
    """Folders a cell adds to `sys.path` (`sys.path.append("../src")`, `sys.path.insert(0, "..")`,
    `sys.path.append(os.path.abspath(os.path.join("..", "src")))`, or a name a module-level
    statement bound to such a value before: `src_dir = os.path.join("..", "src")`), resolved
    against the notebook's folder (the kernel's working directory). Read, never run."""
    from nbrefactor.audit.analysis import cell_python_tree

    added: list[Path] = []
    bound: dict[str, str] = {}
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for node in tree.body:
            name = assigned_name(node)
            if name is not None:
                value = _path_value(node.value, bound, facts)
                if value is not None:
                    bound[name] = value
                else:
                    bound.pop(name, None)
            for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
                target = facts.resolve(dotted_name(call.func)) if dotted_name(call.func) else ""
                if target not in ("sys.path.append", "sys.path.insert"):
                    continue
                args = call.args[1:] if target.endswith("insert") else call.args
                value = _path_value(args[0], bound, facts) if args else None
                if value is None or "\x00" in value:
                    continue
                path = Path(os.path.expanduser(value))
                path = path if path.is_absolute() else folder / path
                if path.is_dir():
                    added.append(Path(os.path.normpath(path)))
    return tuple(dict.fromkeys(added))


_SAME_PATH = frozenset({"os.path.abspath", "os.path.realpath", "os.path.normpath", "os.path.expanduser", "pathlib.Path", "str",
                        "os.fspath"})


def _path_value(node: ast.expr, bound: dict[str, str], facts: NotebookFacts, depth: int = 0) -> Optional[str]:
    """The path an expression names, relative to the working directory, when it is built from
    string literals only (`"../src"`, `os.path.join("..", "src")`, `os.path.abspath("..")`,
    `Path("..").resolve()`, `os.getcwd()`, a name bound to one of these); None otherwise."""
    if depth > 8:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return bound.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):  # Path("..") / "src"
        left, right = _path_value(node.left, bound, facts, depth + 1), _path_value(node.right, bound, facts, depth + 1)
        return os.path.join(left, right) if left is not None and right is not None else None
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = _path_value(node.value, bound, facts, depth + 1)
        return os.path.join(inner, "..") if inner is not None else None
    if not isinstance(node, ast.Call) or node.keywords:
        return None
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in ("resolve", "absolute") and not node.args:
        return _path_value(func.value, bound, facts, depth + 1)
    name = facts.resolve(dotted_name(func)) if dotted_name(func) else ""
    if name in ("os.getcwd", "pathlib.Path.cwd") and not node.args:
        return "."
    if name == "os.path.dirname" and len(node.args) == 1:
        inner = _path_value(node.args[0], bound, facts, depth + 1)
        return os.path.join(inner, "..") if inner is not None else None
    values = [_path_value(a, bound, facts, depth + 1) for a in node.args]
    if any(v is None for v in values) or not values:
        return None
    if name == "os.path.join":
        return os.path.join(*values)  # type: ignore[arg-type]
    if name in _SAME_PATH and len(values) == 1:
        return values[0]
    return None


def _changes_sys_path(facts: NotebookFacts) -> bool:
    return any((facts.resolve(call.func) if call.func else "").startswith("sys.path.") for ca in facts.cells for call in ca.facts.calls)


def _written_module_sources(facts: NotebookFacts) -> dict[str, str]:
    """`%%writefile helpers.py` cells whose module a later cell imports: the module's text is in the
    notebook, so the package carries it (the cell's file write stays too). Only a module one cell
    writes once, without `-a`: a file written twice differs between the imports."""
    from nbrefactor.audit.distributions import written_modules
    from nbrefactor.compile.local_code import checked_module_path

    writers: dict[str, list[tuple[int, str, bool]]] = {}
    for ca in facts.cells:
        if ca.masked.cell_magic != "writefile":
            continue
        header = next((m for m in ca.masked.magics if m.kind == "cell_magic"), None)
        try:
            args = shlex.split(header.args) if header is not None and header.args else []
        except ValueError:
            continue
        target = next((a for a in args if not a.startswith("-")), "")
        append = "-a" in args or "--append" in args
        lines = ca.cell.source.split("\n")
        body = "\n".join(lines[header.line:]) if header is not None else ""
        body = body if body.endswith("\n") else body + "\n"  # as IPython writes it (transform._non_python_cell)
        writers.setdefault(target, []).append((ca.cell.index, body, append))
    first_writer = written_modules(facts)
    imported = {imp.top_level for _, imp in facts.imports if not imp.level}
    out: dict[str, str] = {}
    for target, writes in writers.items():
        relative = checked_module_path(target)
        if relative is None or "/" in relative or len(writes) != 1 or writes[0][2]:
            continue
        name = relative[:-3]
        if name in imported and first_writer.get(name) == writes[0][0]:
            out[relative] = writes[0][1]
    return out


def _writefile_targets(facts: NotebookFacts) -> set[str]:
    """Top-level module names of the `.py` files `%%writefile` cells write."""
    found = set()
    for ca in facts.cells:
        header = next((m for m in ca.masked.magics if m.kind == "cell_magic"), None) if ca.masked.cell_magic == "writefile" else None
        try:
            args = shlex.split(header.args) if header is not None and header.args else []
        except ValueError:
            continue
        target = next((a for a in args if not a.startswith("-")), "")
        if target.endswith(".py") and "/" not in target:
            found.add(target[:-3])
    return found


def _installed(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _uses_plots(facts: NotebookFacts) -> bool:
    return any(imp.module.startswith(("matplotlib", "seaborn")) for _, imp in facts.imports)


def _manifest_pins(project: ProjectContext) -> dict[str, str]:
    pins: dict[str, str] = {}
    for manifest in project.manifests:
        for req in manifest.requirements:
            if req.pinned:
                match = re.search(r"={1,3}\s*([^\s;#,]+)", req.spec)
                if match and req.name not in pins:
                    pins[req.name] = match.group(1)
    return pins


def _installed_version(distribution: str) -> Optional[str]:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _read_paths(plan: ModelPlan) -> frozenset[str]:
    """The relative paths the notebook reads (config fields of kind path, direction read), as they
    would be named under its folder."""
    paths = set()
    for f in plan.config_fields:
        value = str(f.default)
        if f.kind == "path" and f.direction == "read" and not value.startswith(("/", "~", "..")):
            paths.add(value[2:] if value.startswith("./") else value)
    return frozenset(paths)


def _data_files(folders: Iterable[Path], exclude: Optional[Path] = None, read: frozenset[str] = frozenset()) -> tuple[dict[str, bytes], list[str], list[str]]:
    """The notebook's own data, copied for the generated tests: small files whole, large CSVs as
    a sample of their first rows, other large files left out (and named). A file the notebook reads
    is data whatever its suffix (mig15: `wind.data` beside the notebook was not copied, and the
    tests and rung 5 said it was "not available beside the notebook")."""
    data: dict[str, bytes] = {}
    sampled: list[str] = []
    skipped: list[str] = []
    total = 0
    excluded = exclude.resolve() if exclude is not None else None
    generated = set()
    for folder in dict.fromkeys(folders):
        # Never copy an output folder (or any package nbrefactor generated) into test data.
        generated |= {m.parent.parent.resolve() for m in folder.rglob(MANIFEST)}
        for file in sorted(folder.rglob("*")):
            resolved = file.resolve()
            if excluded is not None and (resolved == excluded or excluded in resolved.parents):
                continue
            if any(g in resolved.parents for g in generated):
                continue
            relative = file.relative_to(folder).as_posix()
            if not file.is_file() or (file.suffix.lower() not in DATA_SUFFIXES and relative not in read) or file.name in NOT_DATA:
                continue
            if any(part.startswith(".") or part in ("__pycache__", ".ipynb_checkpoints") for part in file.relative_to(folder).parts):
                continue
            size = file.stat().st_size
            if size > DATA_FILE_CAP:
                if file.suffix.lower() in (".csv", ".tsv", ".txt"):
                    with file.open("rb") as handle:
                        head = handle.read(SAMPLE_BYTES)
                    data[relative] = head[: head.rfind(b"\n") + 1]
                    sampled.append(relative)
                    total += len(data[relative])
                else:
                    skipped.append(relative)
                continue
            if total + size > DATA_TOTAL_CAP:
                skipped.append(relative)
                continue
            data[relative] = file.read_bytes()
            total += size
    return data, sampled, skipped


# Kaggle mounts a kernel's datasets read-only under /kaggle/input (`../input` from its working
# folder, /kaggle/working): a path there is read, whatever takes it. The I/O catalogue sees no read
# where the notebook's own helper (`load(path)`) or a dict of paths (`read_csv(FILES["train"])`)
# stands between the literal and the call, so the field had no direction, the generated tests did
# not list the file as missing and errored with FileNotFoundError instead of skipping (mig14).
_READ_ONLY_INPUT_ROOTS = ("/kaggle/input", "../input")


def _read_only_input(path: str) -> bool:
    return any(path == root or path.startswith(root + "/") for root in _READ_ONLY_INPUT_ROOTS)


def _missing_reads(plan: ModelPlan, data: dict[str, bytes], skipped: list[str]) -> list[str]:
    missing: list[str] = []
    available = set(data)
    folders = {str(PurePosixPath(p).parent) for p in available}
    # A file a `%run` line hands its program (`--output tile_index.json`) is the program's to write.
    available |= {p for stage in plan.stages for ca in stage.facts.cells for m in ca.magics if m.name == "run" and m.kind in ("line_magic", "automagic") for p in named_paths(m.args)}
    for f in plan.config_fields:
        if f.kind not in ("path", "url") or f.direction == "write":
            continue
        value = str(f.default)
        normalised = value[2:] if value.startswith("./") else value
        direction = f.direction or ("read" if f.kind == "path" and _read_only_input(normalised) else "")
        if f.kind == "url" or value.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[\\/]", value) or value.startswith("\\\\"):
            if direction == "read":
                missing.append(value)
            continue
        if normalised in skipped:
            missing.append(value)
        elif direction == "read" and normalised not in available and normalised.rstrip("/") not in folders:
            missing.append(value)
    return sorted(set(missing))


_NP_SCALAR = re.compile(r"^np\.(?:float|int|uint|bool_)\w*\((.*)\)$")


def _saved_values(plan: ModelPlan) -> list[tuple[str, str, str, int]]:
    """Deterministic values the notebook displayed (a metric, a shape, a count) that the package
    also computes: only from notebooks run top to bottom, and only when no later cell changes the
    names the expression reads (so the final value is the value the notebook showed)."""
    out: list[tuple[str, str, str, int]] = []
    for stage in plan.stages:
        facts = stage.facts
        available = set(stage.final) | {o for s in stage.steps for o in s.outputs}
        counts = [ca.cell.execution_count for ca in facts.cells if ca.cell.source.strip()]
        if not counts or any(c is None for c in counts) or counts != sorted(counts) or len(set(counts)) != len(counts):
            continue
        if any(ca.facts.syntax_error or ca.magics and any(m.name in ("run", "store", "load") for m in ca.magics) for ca in facts.cells):
            continue
        for position, ca in enumerate(facts.cells):
            expression = _last_expression(ca.masked.python) or _reading_last_expression(ca, facts)
            if expression is None:
                continue
            result = next((o for o in ca.cell.outputs if o.output_type == "execute_result"), None)
            if result is None:
                continue
            expected = _literal(result.text)
            if expected is None:
                continue
            names = _names(expression) - (set(stage.import_names) - available)
            if not names or not names <= available:
                continue
            later = facts.cells[position + 1:]
            if any(n in {d.name for c in later for d in (*c.facts.defined, *c.facts.mutated, *c.facts.deleted)} for n in names):
                continue
            out.append((expression, expected, stage.notebook, ca.cell.index))
    return out


def _comparable_stages(plan: ModelPlan):  # noqa: ANN202 - iterator of (stage, available names)
    """Stages whose saved outputs can be compared: run top to bottom, nothing injected."""
    for stage in plan.stages:
        facts = stage.facts
        counts = [ca.cell.execution_count for ca in facts.cells if ca.cell.source.strip()]
        if not counts or any(c is None for c in counts) or counts != sorted(counts) or len(set(counts)) != len(counts):
            continue
        if any(ca.facts.syntax_error or ca.magics and any(m.name in ("run", "store", "load") for m in ca.magics) for ca in facts.cells):
            continue
        yield stage, set(stage.final) | {o for s in stage.steps for o in s.outputs}


def _printed_values(plan: ModelPlan) -> list[tuple[str, str, str, int]]:
    """Lines the notebook printed: a cell whose only output is the text of its one top-level
    `print(…)` (arguments made of values the package returns, none changed by a later cell) →
    (expression giving the printed text, the saved text, notebook, cell). The generated test
    compares the text, numbers within a relative 1e-6."""
    out: list[tuple[str, str, str, int]] = []
    for stage, available in _comparable_stages(plan):
        facts = stage.facts
        for position, ca in enumerate(facts.cells):
            if ca.magics or not ca.masked.is_python:
                continue
            expression = _print_expression(ca.masked.python, facts)
            if expression is None:
                continue
            streams = [o for o in ca.cell.outputs if o.output_type == "stream" and o.name == "stdout"]
            if len(ca.cell.outputs) != len(streams) or not streams:
                continue
            text = "".join(o.text for o in streams)
            if text.count("\n") != 1 or not text.endswith("\n") or len(text) > 2000:
                continue
            names = _names(expression) - _PURE_CALLS - {"map"} - (set(stage.import_names) - available)
            if not names or not names <= available:
                continue
            later = facts.cells[position + 1:]
            if any(n in {d.name for c in later for d in (*c.facts.defined, *c.facts.mutated, *c.facts.deleted)} for n in names):
                continue
            out.append((expression, text[:-1], stage.notebook, ca.cell.index))
    return out


def _reading_last_expression(ca, facts: NotebookFacts) -> Optional[str]:  # noqa: ANN001
    """A cell's last expression made of reading calls only (`accuracy_score(y_test, pred)`,
    `np.mean(scores)`): the generated test evaluates it with the stage module's imports."""
    try:
        tree = ast.parse(ca.masked.python)
    except (SyntaxError, ValueError):
        return None
    if not tree.body or not isinstance(tree.body[-1], ast.Expr) or ca.magics:
        return None
    text = ast.unparse(tree.body[-1].value)
    return text if _reads_only(text, facts) else None


def _reads_only(expression: str, facts: NotebookFacts) -> bool:
    import libcst as cst

    from nbrefactor.compile.transform import side_effect_free

    try:
        node = cst.parse_expression(expression)
    except cst.ParserSyntaxError:
        return False
    return side_effect_free(node, facts.resolve)


def _print_expression(source: str, facts: Optional[NotebookFacts] = None) -> Optional[str]:
    """`print(a, f"acc {b:.3f}")` as the only print of a cell (top level, no sep/end/file) → an
    expression giving the printed line: `" ".join(map(str, (a, f"acc {b:.3f}")))`."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    prints = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("print", "display")]
    if len(prints) != 1 or not any(isinstance(stmt, ast.Expr) and stmt.value is prints[0] for stmt in tree.body):
        return None
    call = prints[0]
    if call.func.id != "print" or call.keywords or any(isinstance(a, ast.Starred) for a in call.args) or not call.args:
        return None
    if not isinstance(tree.body[-1], ast.Expr) or tree.body[-1].value is not call:
        return None  # something after it could print or display too
    for sub in ast.walk(call):
        if isinstance(sub, (ast.Lambda, ast.NamedExpr, ast.Await, ast.Yield, ast.ListComp, ast.GeneratorExp)):
            return None
    args = ", ".join(ast.unparse(a) for a in call.args)
    if facts is not None and not _reads_only(f"({args},)", facts):
        return None
    return f"' '.join(map(str, ({args},)))"


_PURE_CALLS = frozenset({"len", "round", "float", "int", "abs", "sum", "min", "max", "str", "repr", "bool", "sorted", "list", "tuple"})


def _last_expression(source: str) -> Optional[str]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return None
    node = tree.body[-1].value
    allowed = (ast.Name, ast.Attribute, ast.Call, ast.Load, ast.Constant, ast.Subscript, ast.Tuple, ast.BinOp, ast.operator)
    for sub in ast.walk(node):
        if not isinstance(sub, allowed):
            return None
        if isinstance(sub, ast.Call) and not (isinstance(sub.func, ast.Name) and sub.func.id in ("len", "round", "float", "int")):
            return None
        if isinstance(sub, ast.Attribute) and sub.attr not in ("shape", "size", "ndim"):
            return None
    return ast.unparse(node)


def _names(expression: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(expression, mode="eval")) if isinstance(n, ast.Name) and n.id not in ("len", "round", "float", "int")}


def _literal(text: str) -> Optional[str]:
    text = text.strip()
    match = _NP_SCALAR.match(text)
    if match:
        text = match.group(1)
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None  # NaN never equals itself: nothing a test could assert
    if isinstance(value, (bool, int, float)) or isinstance(value, tuple) and all(isinstance(v, int) for v in value):
        return py_literal(value)  # a literal, also for 1e999 (`float("inf")`, not the name `inf`)
    return None


def describe_plan(plan: ModelPlan) -> str:
    """The `--dry-run` text: sections, their inputs and outputs, lifted paths, review items."""
    return plan.document().describe(tuple((item.notebook, item.cell, item.what) for item in plan.review))


__all__ = ["migrate_paths", "MigrateOptions", "ModelResult", "write_tree", "describe_plan", "plan_json"]
