"""The edge of the MLOps stage: what only the outside world knows (the data beside the notebook,
installed tool versions, `[tool.nbrefactor.gpu]`/`[tool.nbrefactor.image]`) and the one impure
step after emitting — the real kfp compiler turning `pipeline/kfp_pipeline.py` into
`pipeline/pipeline.yaml`. `compiler/mlops.py` stays pure.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import importlib.util
import math
import os
import ast
import io
import tempfile
import tokenize
from pathlib import Path, PurePosixPath
from typing import Any, Optional, Sequence

from nbrefactor.audit.analysis import NotebookFacts
from nbrefactor.audit.catalog import Catalog
from nbrefactor.compile.emit import EmitInputs, FileTree
from nbrefactor.compile.mlops import FileAccess, MlopsInputs, drift_settings, registered_model_setting, resource_settings, settings_from_tables, trainer_setting
from nbrefactor.compile.plan import ModelPlan
from nbrefactor.compile.python_choice import PinPython, wheel_pythons
from nbrefactor.config import Settings
from nbrefactor.migrate.kfp_compiler import CompileTimeout, compile_module

PROFILE_SCHEMA = "nbrefactor-data-profile/1"
PROFILE_MAX_ROWS = 200_000
TOP_CATEGORIES = 20
TABLE_SUFFIXES = (".csv", ".tsv", ".txt")
TOOLS = ("kfp", "mlflow", "cloudpickle", "pyyaml", "pyarrow", "pandera", "evidently")
# Tools a model's own requirements call for: a scikit-learn model crosses steps and is logged in
# MLflow's skops format (nbrefactor-runtime 0.3.0); without skops in the image the runtime falls
# back to cloudpickle, so the image installs it wherever scikit-learn is a requirement.
MODEL_TOOLS = {"scikit-learn": ("skops",)}


def pipeline_tools(requirements: Sequence[str]) -> tuple[str, ...]:
    """The distributions requirements-pipeline.txt pins, for a model with these requirements."""
    wanted = {r.lower().replace("_", "-") for r in requirements}
    extra = [tool for name, tools in sorted(MODEL_TOOLS.items()) if name in wanted for tool in tools]
    return TOOLS + tuple(t for t in extra if t not in TOOLS)


def with_mlops(inputs: EmitInputs, plan: ModelPlan, settings: Settings, catalog: Catalog, notebooks: list[tuple[NotebookFacts, Path]]) -> EmitInputs:
    """`inputs` plus what the MLOps files need (profile, GPU steps and settings, tool versions)."""
    gpu, image = settings_from_tables(settings.table("gpu"), settings.table("image"), plan.model)
    folders = {facts.notebook.path: path.parent for facts, path in notebooks}
    tools = tuple((name, _version(name)) for name in pipeline_tools([r.distribution for r in inputs.requirements]))
    profile = profile_inputs(plan, folders)
    mlops = MlopsInputs(
        data_profile=profile,
        data_versions=data_versions(plan, folders),
        gpu_steps=gpu_steps(plan, catalog),
        gpu=gpu,
        image=image,
        tool_versions=tools,
        registered_model=registered_model_setting(settings.table("mlflow"), plan.model),
        trainers=trainer_setting(settings.table("mlflow"), plan.model),
        resources=resource_settings(settings.table("resources"), plan.model),
        drift=drift_settings(settings.table("drift"), plan.model),
        file_accesses=file_accesses(plan, catalog),
    )
    # Everything the image installs is pinned: the model's requirements and the pipeline's tools.
    pins = [(r.distribution, r.version) for r in inputs.requirements if r.version] + [(n, v) for n, v in tools if v]
    return dataclasses.replace(inputs, mlops=mlops, pin_pythons=tuple(installed_pin_python(n, v) for n, v in pins))


def installed_pin_python(distribution: str, version: str) -> PinPython:
    """What the installed copy of `distribution` says about its Pythons (`Requires-Python`, the
    tags in its WHEEL file), when the installed version is the pinned one; else nothing is known
    here (`read=False`): hermetic, no registry is asked."""
    try:
        found = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return PinPython(distribution, version, None, None, read=False)
    if _canonical_version(found.version) != _canonical_version(version):
        return PinPython(distribution, version, None, None, read=False)
    wheel = found.read_text("WHEEL") or ""
    tags = [line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:")]
    return PinPython(distribution, version, found.metadata.get("Requires-Python") or "", wheel_pythons(tags))


def _canonical_version(text: str) -> str:
    from packaging.version import InvalidVersion, Version

    try:
        return str(Version(text))
    except InvalidVersion:
        return text


def data_versions(plan: ModelPlan, folders: dict[str, Path]) -> tuple[tuple[str, str, str, int], ...]:
    """(field, path as configured, DVC md5, size) of each data file the model reads that lies beside
    its notebook: what the package's `.dvc` files pin (DVC 3's md5 is the md5 of the file's bytes)."""
    out = []
    for f in plan.config_fields:
        if f.kind != "path" or f.direction != "read" or not isinstance(f.default, str) or not f.origins:
            continue
        folder = folders.get(f.origins[0][0])
        value = f.default
        if folder is None or not value or "://" in value or PurePosixPath(value).is_absolute() or ".." in PurePosixPath(value).parts:
            continue
        candidate = folder / value
        if not candidate.is_file():
            continue
        digest = hashlib.md5(usedforsecurity=False)
        with candidate.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        out.append((f.name, value, digest.hexdigest(), candidate.stat().st_size))
    return tuple(out)


def _version(distribution: str) -> Optional[str]:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def gpu_steps(plan: ModelPlan, catalog: Catalog) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Steps that run GPU code, with the reasons (cell-prefixed); documented in docs/pipelines.md:
    1. the step runs code the audit reports as GPU-only (GPU001, `gpu_requirements`: no CPU
       fallback) — on a line of its own cells, or in a function it calls (transitively) — or a GPU
       library imported with a CPU fallback (`except ImportError: import numpy as xp`), which the
       package installs, so that the fallback never runs there;
    2. or the step trains (a `.fit(...)`-like call or `.backward()`, itself or in a function it
       calls) and holds GPU code (`gpu_needs`: `.to(device)`, Keras training, a GPU-set-up model…):
       training is what a GPU is for, even when the notebook falls back to the CPU without one.
    A step that only uses a GPU-set-up object (evaluation, plots) runs on a CPU node: values cross
    steps with a device mapping to the step's `cfg.device`."""
    from nbrefactor.audit.gpu import gpu_needs, gpu_requirements
    from nbrefactor.compile.mlops import FIT_METHODS, LOOP_METHODS

    trains = FIT_METHODS | LOOP_METHODS
    out = []
    for stage in plan.stages:
        facts = stage.facts
        needs = gpu_needs(facts, catalog)
        # A GPU library imported with a CPU fallback (`try: import cupy as xp` / `except
        # ImportError: import numpy as xp`) is no GPU001 finding (the notebook runs where the
        # library is not installed), but the package's requirements install it, and installed it
        # imports without a GPU: its calls need the GPU the step is scheduled on.
        requirements = gpu_requirements(facts, catalog, import_fallbacks=False)
        by_cell = {ca.cell.index: ca for ca in facts.cells}
        top_level = {ref.name for ca in facts.cells for ref in (*ca.facts.functions, *ca.facts.classes)}
        body: dict[str, list[tuple[int, Any]]] = {}
        for ca in facts.cells:
            for call in ca.facts.calls:
                if call.in_function and call.owner:
                    body.setdefault(call.owner, []).append((ca.cell.index, call))

        def mentions(call: Any) -> list[str]:
            return [n for n in (call.func, *(a.name for a in call.args)) if n in top_level]

        def reaching(hit: set[str]) -> set[str]:
            """`hit` plus every function that calls one of them, transitively."""
            hit = set(hit)
            changed = True
            while changed:
                changed = False
                for owner, calls in body.items():
                    if owner not in hit and any(n in hit for _, c in calls for n in mentions(c)):
                        hit.add(owner)
                        changed = True
            return hit

        required: dict[tuple[int, int], str] = {}
        for r in requirements:
            if r.reason.startswith("defines `"):
                # A CUDA device defined without a fallback: defining it runs nothing on the GPU;
                # the lines moving tensors or modules to it do (the definition's own line too
                # when it is one of them: GPU001 then reports it there).
                device = r.reason.split("`")[1]
                uses = list(r.uses)
                at = by_cell[r.cell] if r.cell in by_cell else None
                if at is not None and any(c.line == r.line and any(a.name == device for a in c.args) for c in at.facts.calls):
                    uses.append((r.cell, r.line, r.column))
                for u in uses:
                    required.setdefault((u[0], u[1]), f"moves a tensor or module to `{device}`, a CUDA device defined in cell {r.cell}")
            else:
                required.setdefault((r.cell, r.line), r.reason)
        gpu_only = reaching({owner for owner, calls in body.items() if any((i, c.line) in required for i, c in calls)})
        training = reaching({owner for owner, calls in body.items() if any(c.method in trains for _, c in calls)})
        # names bound (or moved with `.to(...)`/`.cuda()`) on a line holding GPU code → the cell
        on_gpu: dict[str, int] = {}
        for ca in facts.cells:
            lines = {int(r.split(":", 1)[0].split()[1]) for r in needs.get(ca.cell.index, ()) if r.startswith("line ")}
            for ref in ca.facts.defined:
                if ref.line in lines:
                    on_gpu[ref.name] = ca.cell.index
            for call in ca.facts.calls:
                if call.line in lines and call.method in ("to", "cuda") and call.receiver.isidentifier() and not call.in_function:
                    on_gpu[call.receiver] = ca.cell.index
        for step in stage.steps:
            only: list[str] = []
            step_trains = False
            for cell in step.cells:
                ca = by_cell.get(cell)
                if ca is None:
                    continue
                in_functions = {c.line for c in ca.facts.calls if c.in_function}
                for (i, line), reason in sorted(required.items()):
                    if i == cell and line not in in_functions:
                        only.append(f"cell {cell} line {line}: {reason} (GPU001)")
                for call in ca.facts.calls:
                    if call.in_function:
                        continue
                    step_trains = step_trains or call.method in trains or any(n in training for n in mentions(call))
                    only.extend(f"cell {cell} line {call.line}: calls `{n}`, which runs GPU-only code (GPU001)" for n in mentions(call) if n in gpu_only)
            reasons = tuple(dict.fromkeys(only))
            if not reasons and step_trains:
                reasons = tuple(f"cell {c} {r}" for c in step.cells for r in needs.get(c, ()))
                # trains on values an earlier step put on the GPU (`target = x.to(device)` there)
                reasons = reasons or tuple(f"trains on `{n}`, set up for the GPU in cell {on_gpu[n]}" for n in step.inputs if n in on_gpu)
            if reasons:
                out.append((step.name, reasons))
    return tuple(out)


def file_accesses(plan: ModelPlan, catalog: Catalog) -> tuple[FileAccess, ...]:
    """The files each step reads and writes, for the pipeline's ordering of side effects: every
    argument of a catalogued I/O call (`rules/io_calls.toml`, as the paths rules read it), its
    literal path when it is one. An I/O call inside a module-level function belongs to the steps
    calling that function (all steps of the notebook when none calls it directly: it may be called
    through another function); shell lines and cell magics (`!cp`, `%%writefile`) may write any file."""
    from nbrefactor.audit.rules.paths import path_arguments

    found: list[FileAccess] = []
    for stage in plan.stages:
        step_of = {cell: step.name for step in stage.steps for cell in step.cells}
        callers: dict[str, set[str]] = {}
        for ca in stage.facts.cells:
            step = step_of.get(ca.cell.index)
            if step is None:
                continue
            for call in ca.facts.calls:
                if not call.receiver and call.func == call.method:
                    callers.setdefault(call.method, set()).add(step)
                for arg in call.args:  # a function passed by name (a callback) runs there too
                    if arg.name:
                        callers.setdefault(arg.name, set()).add(step)
            if ca.magics and any(m.kind in ("shell", "cell_magic") or m.name in ("run", "writefile", "store") for m in ca.magics):
                found.append(FileAccess(step, "", "write"))
        for ca in stage.facts.cells:
            for argument in path_arguments(stage.facts, catalog, ca):
                mode = {"read": "read", "write": "write", "both": "write"}.get(argument.direction)
                if mode is None:
                    continue
                literal = argument.literal
                path = literal.value if literal is not None and not literal.formatted else ""
                if argument.call.owner:
                    steps = callers.get(argument.call.owner) or {s.name for s in stage.steps}
                elif ca.cell.index in step_of:
                    steps = {step_of[ca.cell.index]}
                else:
                    continue
                found.extend(FileAccess(step, path, mode) for step in sorted(steps))
    return tuple(dict.fromkeys(found))


# --- the data profile --------------------------------------------------------------------------


def profile_inputs(plan: ModelPlan, folders: dict[str, Path]) -> dict[str, Any]:
    """Profile every config field naming a local file beside the notebook that the model reads
    (not a write path, not a URL): sha256 of the whole file, size, and for tables the columns'
    kind, dtype, null share, and distribution (numeric deciles; categorical top values)."""
    files: dict[str, Any] = {}
    for f in plan.config_fields:
        if f.kind not in ("path", "parameter") or not isinstance(f.default, str) or f.direction == "write":
            continue
        value = f.default
        if not value or "://" in value or PurePosixPath(value).is_absolute() or value.startswith(("~", "\\")) or ":" in value[:3]:
            continue
        folder = folders.get(f.origins[0][0]) if f.origins else None
        if folder is None:
            continue
        candidate = folder / value
        if not candidate.is_file():
            continue
        files[f.name] = profile_file(candidate, value)
    return {"schema": PROFILE_SCHEMA, "files": files}


def _number(x: Any) -> Optional[float]:
    value = float(x)
    return None if math.isnan(value) or math.isinf(value) else float(f"{value:.10g}")


def profile_file(path: Path, recorded_as: str) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    entry: dict[str, Any] = {"path": recorded_as, "sha256": digest.hexdigest(), "bytes": path.stat().st_size}
    if path.suffix.lower() not in TABLE_SUFFIXES:
        return entry
    try:
        import numpy as np
        import pandas as pd

        from nbrefactor_runtime.validate import dtype_family, parses_as_datetimes
    except ImportError:
        return entry
    try:
        frame = pd.read_csv(path, sep="\t" if path.suffix.lower() == ".tsv" else ",", nrows=PROFILE_MAX_ROWS + 1)
    except Exception:  # noqa: BLE001 - not a table: digest only
        return entry
    entry["profiled_rows"] = min(len(frame), PROFILE_MAX_ROWS)
    entry["truncated"] = len(frame) > PROFILE_MAX_ROWS
    frame = frame.head(PROFILE_MAX_ROWS)
    columns: dict[str, Any] = {}
    for column in frame.columns:
        series = frame[column]
        stats: dict[str, Any] = {"dtype": str(series.dtype), "nulls": _number(series.isna().mean()) if len(series) else 0.0}
        # The family the validate step checks (the runtime's own rule, so profile and check agree);
        # a text column of ISO 8601 dates is a datetime column read from a file.
        stats["family"] = dtype_family(str(series.dtype))
        if stats["family"] == "string" and parses_as_datetimes(series):
            stats["family"] = "datetime"
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            values = series.to_numpy(dtype="float64", na_value=np.nan)
            values = values[~np.isnan(values)]
            stats["kind"] = "numeric"
            if values.size:
                # Interior decile edges; bins are (-inf, e0], (e0, e1], …, (e_last, inf) — the
                # generated monitor.py bins new data the same way (np.searchsorted, side="left").
                edges = sorted({_number(q) for q in np.quantile(values, [i / 10 for i in range(1, 10)])})
                index = np.searchsorted(np.asarray(edges, dtype="float64"), values, side="left")
                counts = np.bincount(index, minlength=len(edges) + 1)
                stats.update(
                    min=_number(values.min()), max=_number(values.max()), mean=_number(values.mean()),
                    std=_number(values.std()), edges=edges, fractions=[_number(c / values.size) for c in counts],
                )
            else:
                stats.update(edges=[], fractions=[0.0])
        else:
            present = [str(v) for v in series.dropna().tolist()]
            stats["kind"] = "categorical"
            stats["distinct"] = len(set(present))
            if stats["distinct"] > TOP_CATEGORIES and stats["distinct"] > 0.5 * len(present):
                # Mostly unique values (ids, free text): no distribution worth comparing.
                stats["identifier"] = True
                columns[str(column)] = stats
                continue
            counts: dict[str, int] = {}
            for v in present:
                counts[v] = counts.get(v, 0) + 1
            top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CATEGORIES]
            total = len(present) or 1
            stats["top"] = {k: _number(n / total) for k, n in top}
            stats["other"] = _number(1 - sum(n for _, n in top) / total) if present else 0.0
        columns[str(column)] = stats
    entry["columns"] = columns
    return entry


# --- compiling the pipeline ------------------------------------------------------------------------


KFP_COMPILE_TIMEOUT = 180.0  # seconds; importing kfp alone takes 2 s of CPU

# The module runs in a fresh interpreter (`python -I`: no PYTHONPATH, no user site, no current
# folder on the path; a fork of the warm compiler in nbrefactor.migrate.kfp_compiler) so that the
# generated module never executes inside `migrate`'s own process. The module imports
# nbrefactor_runtime (kfp_submit): the child finds the copy this process imports first, the runtime
# whose wheel the package vendors (the folder holding it is passed on).


class PipelineCompileError(RuntimeError):
    pass


def add_compiled_pipeline(tree: FileTree, plan: ModelPlan, input_texts: Sequence[str] = ()) -> tuple[FileTree, Optional[str]]:
    """Compile the tree's `pipeline/kfp_pipeline.py` with the real kfp compiler and add
    `pipeline/pipeline.yaml`. Returns (tree, problem); without kfp the tree stays as it is.

    The source is checked first: it must parse, and no input text (`input_texts`: the notebook's
    names, headings, configuration values) may appear in it outside a string literal or comment."""
    source = tree.get("pipeline/kfp_pipeline.py")
    if not isinstance(source, str):
        return tree, None
    if importlib.util.find_spec("kfp") is None:
        return tree, "kfp is not installed: pipeline/pipeline.yaml not compiled"
    try:
        check_generated_source(source, [*plan_input_texts(plan), *input_texts])
        yaml_text = compile_pipeline_source(source, plan.package)
    except PipelineCompileError as exc:
        return tree, f"pipeline/pipeline.yaml not compiled: {exc}"
    out = dict(tree)
    out["pipeline/pipeline.yaml"] = yaml_text
    return out, None


def configured_texts(settings: Settings) -> list[str]:
    """Every string value of `[tool.nbrefactor.image]` and `[tool.nbrefactor.gpu]`."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)

    walk(settings.table("image"))
    walk(settings.table("gpu"))
    walk(settings.table("resources"))
    return found


def plan_input_texts(plan: ModelPlan) -> list[str]:
    """Text of the notebook's that reaches generated files: names, headings, string defaults."""
    texts = [plan.model, *(s.notebook for s in plan.stages), *(s.title for s in plan.steps)]
    texts += [f.default for f in plan.config_fields if isinstance(f.default, str)]
    return texts


def check_generated_source(source: str, input_texts: Sequence[str]) -> None:
    """Refuse generated Python that does not parse, or in which an input text occurs anywhere but
    inside one string literal or comment. Texts that are plain identifiers may be code (a package
    or step name is an identifier by construction)."""
    try:
        ast.parse(source)
    except SyntaxError as exc:
        raise PipelineCompileError(f"the generated kfp_pipeline.py does not parse (line {exc.lineno}: {exc.msg})") from None
    spans = literal_spans(source)
    for text in input_texts:
        text = str(text)
        if len(text.strip()) < 3 or text.strip().isidentifier():
            continue
        start = source.find(text)
        while start != -1:
            end = start + len(text)
            if not any(a <= start and end <= b for a, b in spans):
                raise PipelineCompileError(f"input text {text[:60]!r} appears in the generated kfp_pipeline.py outside a string literal")
            start = source.find(text, start + 1)


def literal_spans(source: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of every string literal and comment token of `source`."""
    line_starts = [0]
    for line in source.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    kinds = {tokenize.STRING, tokenize.COMMENT} | {getattr(tokenize, n) for n in ("FSTRING_MIDDLE",) if hasattr(tokenize, n)}
    spans = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in kinds:
            spans.append((line_starts[token.start[0] - 1] + token.start[1], line_starts[token.end[0] - 1] + token.end[1]))
    return spans


def code_outside_literals(source: str) -> str:
    """The source with every string literal and comment blanked out (for tests and reviews)."""
    chars = list(source)
    for a, b in literal_spans(source):
        for k in range(a, b):
            if chars[k] not in "\r\n":
                chars[k] = " "
    return "".join(chars)


def compile_pipeline_source(source: str, package: str, timeout: float = KFP_COMPILE_TIMEOUT) -> str:
    """Compile in a subprocess with a time limit: write the module to a temporary folder (kfp
    reads component sources with `inspect`), run the compiler there, return the YAML text.
    Deterministic: the image override variable is removed from the child's environment."""
    env = {k: v for k, v in os.environ.items() if k != f"{package.upper()}_IMAGE" and not k.startswith("PYTHON")}
    with tempfile.TemporaryDirectory(prefix="nbrefactor-kfp-") as folder:
        module_path = Path(folder) / "kfp_pipeline.py"
        module_path.write_text(source, encoding="utf-8")
        output = Path(folder) / "pipeline.yaml"
        import nbrefactor_runtime

        runtime_root = str(Path(nbrefactor_runtime.__file__).resolve().parent.parent)
        try:
            returncode, stderr = compile_module(module_path, output, runtime_root, env, timeout)
        except CompileTimeout:
            raise PipelineCompileError(f"the kfp compiler did not finish within {timeout:g} s") from None
        if returncode != 0 or not output.is_file():
            last = (stderr.strip().splitlines() or ["no output"])[-1]
            raise PipelineCompileError(f"the kfp compiler failed: {last[:300]}")
        return output.read_text(encoding="utf-8")
