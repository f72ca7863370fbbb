"""Compiling and submitting a generated package's Kubeflow pipeline: what every
`pipeline/kfp_pipeline.py` shares, so the package keeps only its pipeline definition and thin calls
naming it. A cluster run needs an MLflow tracking server (`cluster_tracking_uri`).

kfp is imported inside the functions that use it: a component image without kfp (or a process
that only checks a URI) still imports this module."""

from __future__ import annotations

import os
from typing import Any, Callable, Optional


class TrackingServerRequired(ValueError):
    """A pipeline run on a cluster without an MLflow tracking server to log to."""


def cluster_tracking_uri(uri: str = "") -> str:
    """The tracking server a cluster run logs to: `uri`, else `MLFLOW_TRACKING_URI`. Refused when
    empty or local (a path, `file:`, `sqlite:`): each pod has its own disk, so the run would leave
    one sqlite file per pod. Local runs (kfp.local, the package's command line) keep the default."""
    value = (uri or os.environ.get("MLFLOW_TRACKING_URI", "")).strip()
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if not scheme or scheme in ("file", "sqlite"):
        raise TrackingServerRequired(
            f"a pipeline run on a cluster needs an MLflow tracking server, got {value!r}: pass "
            "--tracking-uri http://<server>:5000 (or set MLFLOW_TRACKING_URI)"
        )
    return value


def require_server_in_pod(uri: str) -> None:
    """Inside a Kubernetes pod (a cluster run), refuse an empty or local tracking URI: the YAML may
    have been uploaded without one. kfp.local runs share a disk and keep the sqlite default;
    NBREFACTOR_ALLOW_LOCAL_TRACKING=1 lifts the check."""
    uri = uri or os.environ.get("MLFLOW_TRACKING_URI", "")
    on_cluster = bool(os.environ.get("KFP_POD_NAME") or os.environ.get("KUBERNETES_SERVICE_HOST"))
    if on_cluster and not os.environ.get("NBREFACTOR_ALLOW_LOCAL_TRACKING") and (
        "://" not in uri or uri.split("://", 1)[0].lower() in ("file", "sqlite")
    ):
        raise ValueError(
            f"mlflow_tracking_uri is {uri!r}: a pipeline run on a cluster needs an MLflow tracking server "
            "(set the pipeline parameter mlflow_tracking_uri, e.g. http://mlflow.mlflow.svc:5000)"
        )


def compile_pipeline(pipeline_func: Callable[..., Any], path: str, tracking_uri: str = "") -> str:
    """Compile `pipeline_func` to `path`. With `tracking_uri` (checked by `cluster_tracking_uri`) it
    becomes the default of the pipeline parameter `mlflow_tracking_uri`: a YAML to upload to a cluster."""
    from kfp import compiler

    parameters = {"mlflow_tracking_uri": cluster_tracking_uri(tracking_uri)} if tracking_uri else None
    compiler.Compiler().compile(pipeline_func=pipeline_func, package_path=path, pipeline_parameters=parameters)
    return path


def submit(
    pipeline_func: Callable[..., Any],
    host: str = "",
    tracking_uri: str = "",
    arguments: Optional[dict] = None,
    experiment: str = "",
) -> Any:
    """Submit a run to the Kubeflow Pipelines API at `host`; the tracking server is required
    (checked before any connection)."""
    arguments = dict(arguments or {})
    arguments["mlflow_tracking_uri"] = cluster_tracking_uri(tracking_uri or arguments.get("mlflow_tracking_uri", ""))
    import kfp

    return kfp.Client(host=host or None).create_run_from_pipeline_func(pipeline_func, arguments=arguments, experiment_name=experiment or None)


def main(pipeline_func: Callable[..., Any], output: str, experiment: str, argv: Optional[list] = None, name: str = "") -> int:
    """The command line of `pipeline/kfp_pipeline.py`: compile to `output` (default), or `--submit HOST`."""
    import argparse

    parser = argparse.ArgumentParser(description=f"Compile (default) or submit the {name or experiment} pipeline.")
    parser.add_argument("--output", default=output)
    parser.add_argument("--tracking-uri", default="", help="MLflow tracking server of cluster runs (default MLFLOW_TRACKING_URI when submitting)")
    parser.add_argument("--submit", metavar="HOST", help="submit a run to the Kubeflow Pipelines API at HOST")
    args = parser.parse_args(argv)
    try:
        if args.submit is not None:
            print(submit(pipeline_func, args.submit, args.tracking_uri, experiment=experiment).run_id)
        else:
            print(compile_pipeline(pipeline_func, args.output, args.tracking_uri))
    except TrackingServerRequired as exc:
        parser.exit(2, f"error: {exc}\n")
    return 0


__all__ = ["TrackingServerRequired", "cluster_tracking_uri", "compile_pipeline", "main", "require_server_in_pod", "submit"]
