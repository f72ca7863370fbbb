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
from nbrefactor.config import Settings
from nbrefactor.fileio import MANIFEST, WriteRefused, write_tree
from nbrefactor.audit.engine import audit_notebook, collect_notebooks
from nbrefactor.migrate.pipeline_build import add_compiled_pipeline, configured_texts, with_mlops
from nbrefactor.audit.loader import read_notebook
from nbrefactor.audit.types import Diagnostic, LoadError
from nbrefactor.audit.project import ProjectContext, discover_project, with_working_folders

DATA_FILE_CAP = 1024 * 1024  # a data file larger than this is sampled (CSV) or left out
SAMPLE_BYTES = 256 * 1024
DATA_TOTAL_CAP = 8 * 1024 * 1024
DATA_SUFFIXES = {".csv", ".tsv", ".txt", ".json", ".jsonl", ".parquet", ".feather", ".xlsx", ".xls", ".npy", ".npz",
                 ".pkl", ".pickle", ".joblib", ".h5", ".hdf5", ".yaml", ".yml", ".py", ".png", ".jpg", ".jpeg", ".gz", ".zip", ".sqlite", ".db"}
RESERVED_PACKAGES = frozenset({"report"})  # names of folders the batch writes into OUT itself
NOT_DATA = {"requirements.txt", "environment.yml", "environment.yaml", "pyproject.toml", "setup.cfg"}


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
    displays = tuple(d for _, d in members)
    for path, display in members:
        loaded = read_notebook(path, display)
        if isinstance(loaded, LoadError):
            return ModelResult(model, displays, "unreadable", problems=(str(loaded),))
        project = with_working_folders(discover_project(path), path, (c.source for c in loaded.code_cells))
        analysis = audit_notebook(loaded, settings, project, catalog)
        analysed.append((analysis.facts, analysis.result.diagnostics, project, path))
    plan = plan_model(model, [(f, d) for f, d, _, _ in analysed], options.allow_hidden_state, catalog)
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
    conflicts = local_module_conflicts(plan, [(f, p, path) for f, _, p, path in analysed])
    if conflicts:
        return ModelResult(model, displays, "blocked", problems=tuple(conflicts), diagnostics=diagnostics, plan=plan)
    inputs = gather_inputs(plan, [(f, p, path) for f, _, p, path in analysed], catalog, exclude=options.out)
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
    plan: ModelPlan, notebooks: list[tuple[NotebookFacts, ProjectContext, Path]], catalog: Catalog, exclude: Optional[Path] = None
) -> EmitInputs:
    from nbrefactor.audit.distributions import needed_distributions

    requirements: dict[str, Requirement] = {}
    review: list[ReviewItem] = []
    python_version = "3.11"
    notebook_python: Optional[str] = None
    for facts, project, _ in notebooks:
        manifest_pins = _manifest_pins(project)
        for need in needed_distributions(facts, project, catalog, include_installed=True):
            key = need.normalised
            if key in requirements:
                continue
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
    local_modules: dict[str, str] = {}
    for facts, project, path in notebooks:
        local_modules.update(_local_module_sources(facts, project, path.parent, review))
    test_data, sampled, skipped = _data_files([path.parent for _, _, path in notebooks], exclude)
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
        local_modules=local_modules,
    )


# Modules every generated package has: a local module of the same name cannot be copied in.
GENERATED_MODULES = frozenset({"config", "pipeline", "functions", "artifacts", "cli", "__main__", "__init__", "tracking",
                               "validate", "monitor", "serving", "kfp_runtime", "runtime", "data_profile", "steps"})


def local_module_conflicts(plan: ModelPlan, notebooks: list[tuple[NotebookFacts, ProjectContext, Path]]) -> list[str]:
    """Why a model cannot be compiled because of a local module (empty when it can)."""
    stages = {stage.module for stage in plan.stages}
    problems = []
    for facts, project, path in notebooks:
        for _, imp in facts.imports:
            top = imp.top_level
            if imp.level or top not in project.local_modules:
                continue
            if top in GENERATED_MODULES or top in stages:
                problems.append(f"{facts.notebook.path}: imports its local module `{top}`, whose name a generated module of the package has; rename the module")
    return sorted(set(problems))


def _local_module_sources(facts: NotebookFacts, project: ProjectContext, folder: Path, review: list[ReviewItem]) -> dict[str, str]:
    """The `.py` modules beside the notebook that it imports (and that they import), to copy into
    the package: a local module is never a distribution."""
    wanted = [imp.top_level for _, imp in facts.imports if not imp.level and imp.top_level in project.local_modules]
    sources: dict[str, str] = {}
    while wanted:
        name = wanted.pop(0)
        if name in sources:
            continue
        file = folder / f"{name}.py"
        if not file.is_file():
            if (folder / name).is_dir():
                review.append(ReviewItem(facts.notebook.path, None, None, f"`{name}` is a local package folder: install it beside the package (it is not copied)"))
            continue
        try:
            text = file.read_text(encoding="utf-8")
            tree = ast.parse(text)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as exc:
            review.append(ReviewItem(facts.notebook.path, None, None, f"local module `{name}.py` could not be read ({type(exc).__name__}); not copied"))
            continue
        sources[name] = text
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                wanted += [a.name.split(".")[0] for a in node.names if a.name.split(".")[0] in project.local_modules]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module and node.module.split(".")[0] in project.local_modules:
                wanted.append(node.module.split(".")[0])
    return sources


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


def _data_files(folders: Iterable[Path], exclude: Optional[Path] = None) -> tuple[dict[str, bytes], list[str], list[str]]:
    """The notebook's own data, copied for the generated tests: small files whole, large CSVs as
    a sample of their first rows, other large files left out (and named)."""
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
            if not file.is_file() or file.suffix.lower() not in DATA_SUFFIXES or file.name in NOT_DATA:
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


def _missing_reads(plan: ModelPlan, data: dict[str, bytes], skipped: list[str]) -> list[str]:
    missing: list[str] = []
    available = set(data)
    folders = {str(PurePosixPath(p).parent) for p in available}
    for f in plan.config_fields:
        if f.kind not in ("path", "url") or f.direction == "write":
            continue
        value = str(f.default)
        normalised = value[2:] if value.startswith("./") else value
        if f.kind == "url" or value.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[\\/]", value) or value.startswith("\\\\"):
            if f.direction == "read":
                missing.append(value)
            continue
        if normalised in skipped:
            missing.append(value)
        elif f.direction == "read" and normalised not in available and normalised.rstrip("/") not in folders:
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
