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
import sys
import tempfile
import threading
from pathlib import Path, PurePosixPath
from typing import Any, Optional

from nbrefactor.audit.analysis import NotebookFacts
from nbrefactor.audit.catalog import Catalog
from nbrefactor.compile.emit import EmitInputs, FileTree
from nbrefactor.compile.mlops import MlopsInputs, settings_from_tables
from nbrefactor.compile.plan import ModelPlan
from nbrefactor.config import Settings

PROFILE_SCHEMA = "nbrefactor-data-profile/1"
PROFILE_MAX_ROWS = 200_000
TOP_CATEGORIES = 20
TABLE_SUFFIXES = (".csv", ".tsv", ".txt")
TOOLS = ("kfp", "mlflow", "cloudpickle", "pyyaml")
_COMPILE_LOCK = threading.Lock()


def with_mlops(inputs: EmitInputs, plan: ModelPlan, settings: Settings, catalog: Catalog, notebooks: list[tuple[NotebookFacts, Path]]) -> EmitInputs:
    """`inputs` plus what the MLOps files need (profile, GPU steps and settings, tool versions)."""
    gpu, image = settings_from_tables(settings.table("gpu"), settings.table("image"), plan.model)
    folders = {facts.notebook.path: path.parent for facts, path in notebooks}
    mlops = MlopsInputs(
        data_profile=profile_inputs(plan, folders),
        gpu_steps=gpu_steps(plan, catalog),
        gpu=gpu,
        image=image,
        tool_versions=tuple((name, _version(name)) for name in TOOLS),
    )
    return dataclasses.replace(inputs, mlops=mlops)


def _version(distribution: str) -> Optional[str]:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def gpu_steps(plan: ModelPlan, catalog: Catalog) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Steps holding a cell that `gpu_needs` flags, with the reasons (cell-prefixed)."""
    from nbrefactor.audit.gpu import gpu_needs

    out = []
    for stage in plan.stages:
        needs = gpu_needs(stage.facts, catalog)
        for step in stage.steps:
            reasons = tuple(f"cell {c} {r}" for c in step.cells for r in needs.get(c, ()))
            if reasons:
                out.append((step.name, reasons))
    return tuple(out)


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


def add_compiled_pipeline(tree: FileTree, plan: ModelPlan) -> tuple[FileTree, Optional[str]]:
    """Compile the tree's `pipeline/kfp_pipeline.py` with the real kfp compiler and add
    `pipeline/pipeline.yaml`. Returns (tree, problem); without kfp the tree stays as it is."""
    source = tree.get("pipeline/kfp_pipeline.py")
    if not isinstance(source, str):
        return tree, None
    try:
        yaml_text = compile_pipeline_source(source, plan.package)
    except ImportError as exc:
        return tree, f"kfp is not installed: pipeline/pipeline.yaml not compiled ({exc})"
    out = dict(tree)
    out["pipeline/pipeline.yaml"] = yaml_text
    return out, None


def compile_pipeline_source(source: str, package: str) -> str:
    """In-process (kfp imports once per batch): load the module from a temporary file (kfp reads
    component sources with `inspect`), compile, return the YAML text. Deterministic: the image
    override variable is ignored while compiling."""
    import kfp.compiler  # noqa: F401 - fail early with ImportError when kfp is missing

    env_key = f"{package.upper()}_IMAGE"
    with _COMPILE_LOCK, tempfile.TemporaryDirectory(prefix="nbrefactor-kfp-") as folder:
        module_path = Path(folder) / "kfp_pipeline.py"
        module_path.write_text(source, encoding="utf-8")
        name = f"_nbrefactor_kfp_{package}"
        saved = os.environ.pop(env_key, None)
        try:
            spec = importlib.util.spec_from_file_location(name, module_path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            output = Path(folder) / "pipeline.yaml"
            module.compile_pipeline(str(output))
            return output.read_text(encoding="utf-8")
        finally:
            sys.modules.pop(name, None)
            if saved is not None:
                os.environ[env_key] = saved
