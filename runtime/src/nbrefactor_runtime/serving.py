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


def choose_metric(metrics: dict[str, float], preferred: str = "") -> Optional[str]:
    if preferred:
        return preferred if preferred in metrics else None
    for name in PRIORITY:
        if name in metrics:
            return name
    return sorted(metrics)[0] if metrics else None


def inference_service(model_name: str, service_name: str, storage_uri: str, version: str) -> dict[str, Any]:
    return {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": {
            "name": service_name,
            "labels": {"app.kubernetes.io/part-of": service_name},
            "annotations": {"nbrefactor/registered-model": model_name, "nbrefactor/model-version": str(version)},
        },
        "spec": {
            "predictor": {
                "model": {
                    "modelFormat": {"name": "mlflow"},
                    "protocolVersion": "v2",
                    "storageUri": storage_uri,
                }
            }
        },
    }


def deploy_gate(
    model_name: str,
    service_name: str,
    version: str,
    uri: str,
    manifest_path: Optional[str] = None,
    metric: str = "",
    alias: str = SERVING_ALIAS,
) -> dict[str, Any]:
    """Promote registered `version` of `model_name` to `alias` if it is at least as good as the
    current holder on the evaluation metric. Returns the decision; writes the manifest."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient(uri)
    candidate = client.get_model_version(model_name, version)
    candidate_metrics = client.get_run(candidate.run_id).data.metrics if candidate.run_id else {}
    decision: dict[str, Any] = {"model": model_name, "candidate": str(version), "alias": alias}
    try:
        holder = client.get_model_version_by_alias(model_name, alias)
    except MlflowException:
        holder = None
    name = choose_metric(candidate_metrics, metric)
    decision["metric"] = name
    if holder is None:
        promote, why = True, f"no version holds @{alias} yet"
    elif str(holder.version) == str(version):
        promote, why = True, "already the holder"
    elif name is None:
        promote, why = False, "the candidate has no evaluation metric to compare"
    else:
        holder_metrics = client.get_run(holder.run_id).data.metrics if holder.run_id else {}
        if name not in holder_metrics:
            promote, why = True, f"the holder (version {holder.version}) has no {name}"
        else:
            new, old = candidate_metrics[name], holder_metrics[name]
            promote = new <= old if lower_is_better(name) else new >= old
            decision.update({"candidate_value": new, "holder_value": old, "holder": str(holder.version)})
            why = f"{name} {new:.6g} vs {old:.6g} (version {holder.version}, {'lower' if lower_is_better(name) else 'higher'} is better)"
    if promote:
        client.set_registered_model_alias(model_name, alias, version)
    decision.update({"promoted": promote, "reason": why})
    serving = client.get_model_version_by_alias(model_name, alias) if promote or holder is not None else None
    if serving is not None:
        storage = client.get_model_version_download_uri(model_name, serving.version)
        decision["manifest"] = inference_service(model_name, service_name, storage, serving.version)
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
