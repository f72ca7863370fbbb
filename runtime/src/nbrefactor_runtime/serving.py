"""Model registry and deployment gate of a generated package.

`deploy_gate` moves the serving alias (`champion` by default) to a registered version only when
its evaluation metric is at least as good as the current holder's (higher is better, except for
errors and losses: rmse, mse, mae, mape, loss, error); the first version of a model is promoted
when nothing holds the alias yet. It writes a KServe `InferenceService` manifest for the model
that holds the alias afterwards (apply it with `kubectl apply -f` where a cluster exists).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Optional


SERVING_ALIAS = "champion"
PRIORITY = ("roc_auc_score", "auc", "roc_auc", "accuracy_score", "accuracy", "f1_score", "f1", "r2_score", "r2",
            "mean_squared_error", "rmse", "mse", "mean_absolute_error", "mae", "loss")
LOWER_IS_BETTER = re.compile(r"(rmse|mse|mae|mape|loss|error|err)(?:$|_|\.)|^(mean_|median_)", re.I)


def lower_is_better(metric: str) -> bool:
    return LOWER_IS_BETTER.search(metric) is not None


def choose_metric(metrics: dict[str, float], preferred: str = "", model: str = "") -> Optional[str]:
    """The metric the gate compares. With `model` (the registered model's name in the steps, the
    run's `nbrefactor.model_output` tag), only that model's metrics (`<model>.<metric>`) count when
    it has any: a run that evaluated five models compares the registered one's."""
    if model:
        own = {name[len(model) + 1 :]: name for name in metrics if name.startswith(model + ".")}
        if own:
            if preferred:
                return preferred if preferred in metrics else own.get(preferred)
            for name in PRIORITY:
                if name in own:
                    return own[name]
            return own[sorted(own)[0]]
    if preferred:
        return preferred if preferred in metrics else None
    for name in PRIORITY:
        if name in metrics:
            return name
    return sorted(metrics)[0] if metrics else None


# What KServe's storage initializer fetches (https: Azure Blob / a plain download).
FETCHABLE = ("s3://", "gs://", "pvc://", "hdfs://", "webhdfs://", "https://")


def parse_storage_map(text: str) -> list[tuple[str, str]]:
    """`from=to` pairs separated by commas or newlines: `mlflow-artifacts:/=s3://mlflow/artifacts/`."""
    pairs = []
    for item in re.split(r"[,\n]", text or ""):
        if "=" in item:
            source, target = item.split("=", 1)
            if source.strip():
                pairs.append((source.strip(), target.strip()))
    return pairs


def storage_uri(download_uri: str, mapping: str = "") -> tuple[Optional[str], str]:
    """The location KServe fetches the model from: the registered version's artifact location
    when it is already `s3://`, `gs://`, `pvc://`…, else rewritten by the longest matching
    prefix of `mapping` (`mlflow-artifacts:/=pvc://mlflow-artifacts/` when the tracking server
    stores its artifacts on that claim). Returns (uri or None, how it was found / why not)."""
    if download_uri.startswith(FETCHABLE):
        return download_uri, "the registered version's artifact location"
    for source, target in sorted(parse_storage_map(mapping), key=lambda pair: -len(pair[0])):
        if download_uri.startswith(source):
            mapped = target + download_uri[len(source) :].lstrip("/") if target.endswith("/") else target + download_uri[len(source) :]
            if mapped.startswith(FETCHABLE):
                return mapped, f"{download_uri} mapped by storage_uri_map ({source} -> {target})"
            return None, f"storage_uri_map maps {download_uri} to {mapped}, which KServe cannot fetch (needs {', '.join(FETCHABLE)})"
    return None, (
        f"the registered version is stored at {download_uri}, which KServe cannot fetch (it needs "
        f"{', '.join(FETCHABLE)}): point the tracking server's artifact store at a bucket or a volume, "
        "or give storage_uri_map (e.g. `mlflow-artifacts:/=s3://<bucket>/<prefix>/`)")


def inference_service(
    model_name: str, service_name: str, storage_uri: Optional[str], version: str, problem: str = "", env: Optional[dict[str, str]] = None
) -> dict[str, Any]:
    """The KServe InferenceService; without a fetchable `storage_uri` it has none (applying it
    fails instead of serving nothing) and says why in the `nbrefactor/storage-uri-problem`
    annotation. `env`: the predictor's environment (`KERAS_BACKEND`, see `serving_env`)."""
    annotations = {"nbrefactor/registered-model": model_name, "nbrefactor/model-version": str(version)}
    model: dict[str, Any] = {"modelFormat": {"name": "mlflow"}, "protocolVersion": "v2"}
    if env:
        model["env"] = [{"name": name, "value": str(value)} for name, value in sorted(env.items())]
    if storage_uri:
        model["storageUri"] = storage_uri
    else:
        annotations["nbrefactor/storage-uri-problem"] = problem
    return {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": {
            "name": service_name,
            "labels": {"app.kubernetes.io/part-of": service_name},
            "annotations": annotations,
        },
        "spec": {"predictor": {"model": model}},
    }


def serving_env(download_uri: str) -> dict[str, str]:
    """The environment the served model needs: a Keras 3 model's backend (`keras_backend`, which
    MLflow records in the MLmodel but its loader does not apply: the server must set
    `KERAS_BACKEND` before Keras is imported, or a torch-backend model loads on TensorFlow)."""
    import mlflow.artifacts
    import yaml

    try:
        text = mlflow.artifacts.load_text(download_uri.rstrip("/") + "/MLmodel")
    except Exception:  # noqa: BLE001 - a store that cannot serve the file: no extra environment
        return {}
    if not text:
        return {}
    flavors = (yaml.safe_load(text) or {}).get("flavors", {})
    backend = (flavors.get("keras") or {}).get("keras_backend")
    return {"KERAS_BACKEND": str(backend)} if backend else {}


def deploy_gate(
    model_name: str,
    service_name: str,
    version: str,
    uri: str,
    manifest_path: Optional[str] = None,
    metric: str = "",
    alias: str = SERVING_ALIAS,
    storage_map: str = "",
) -> dict[str, Any]:
    """Promote registered `version` of `model_name` to `alias` if it is at least as good as the
    current holder on the evaluation metric (the registered model's own, `<model>.<metric>`, when
    the run logged several models'). Returns the decision; writes the manifest, whose
    `storageUri` is the serving version's artifact location KServe can fetch (see `storage_uri`)."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient(uri)
    candidate = client.get_model_version(model_name, version)
    candidate_run = client.get_run(candidate.run_id) if candidate.run_id else None
    candidate_metrics = candidate_run.data.metrics if candidate_run is not None else {}
    registered_as = candidate_run.data.tags.get("nbrefactor.model_output", "") if candidate_run is not None else ""
    decision: dict[str, Any] = {"model": model_name, "candidate": str(version), "alias": alias}
    try:
        holder = client.get_model_version_by_alias(model_name, alias)
    except MlflowException:
        holder = None
    name = choose_metric(candidate_metrics, metric, registered_as)
    decision["metric"] = name
    if holder is None:
        promote, why = True, f"no version holds @{alias} yet"
    elif str(holder.version) == str(version):
        promote, why = True, "already the holder"
    elif name is None:
        promote, why = False, "the candidate has no evaluation metric to compare"
    else:
        holder_run = client.get_run(holder.run_id) if holder.run_id else None
        holder_metrics = holder_run.data.metrics if holder_run is not None else {}
        # The same measure of the holder's own model (it may have another name in its run).
        short = name[len(registered_as) + 1 :] if registered_as and name.startswith(registered_as + ".") else name
        holder_as = holder_run.data.tags.get("nbrefactor.model_output", "") if holder_run is not None else ""
        holder_name = next((n for n in (f"{holder_as}.{short}" if holder_as else "", short, name) if n and n in holder_metrics), "")
        if not holder_name:
            promote, why = True, f"the holder (version {holder.version}) has no {short}"
        else:
            new, old = candidate_metrics[name], holder_metrics[holder_name]
            promote = new <= old if lower_is_better(name) else new >= old
            decision.update({"candidate_value": new, "holder_value": old, "holder": str(holder.version)})
            why = f"{name} {new:.6g} vs {old:.6g} (version {holder.version}, {'lower' if lower_is_better(name) else 'higher'} is better)"
    if promote:
        client.set_registered_model_alias(model_name, alias, version)
    decision.update({"promoted": promote, "reason": why})
    serving = client.get_model_version_by_alias(model_name, alias) if promote or holder is not None else None
    if serving is not None:
        download = client.get_model_version_download_uri(model_name, serving.version)
        storage, how = storage_uri(download, storage_map)
        import mlflow

        previous = mlflow.get_tracking_uri()
        mlflow.set_tracking_uri(uri)  # `models:/` and `mlflow-artifacts:` locations resolve through it
        try:
            env = serving_env(download)
        finally:
            mlflow.set_tracking_uri(previous)
        decision["manifest"] = inference_service(model_name, service_name, storage, serving.version, "" if storage else how, env)
        decision["storage_uri"] = storage
        decision["storage_uri_note"] = how
        decision["serving_version"] = str(serving.version)
    if manifest_path:
        os.makedirs(os.path.dirname(os.path.abspath(manifest_path)), exist_ok=True)
        with open(manifest_path, "w", encoding="utf-8") as handle:
            handle.write(to_yaml(decision.get("manifest", {})))
    return decision


def to_yaml(document: dict[str, Any]) -> str:
    try:
        import yaml

        return yaml.safe_dump(document, sort_keys=False)
    except ImportError:  # JSON is valid YAML
        return json.dumps(document, indent=2) + "\n"
