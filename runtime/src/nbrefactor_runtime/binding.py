"""`Runtime`: the library bound to one package's facts, so the package's code calls
`RUNTIME.validate(paths)` instead of carrying its own copy of each module."""

from __future__ import annotations

from typing import Any, Callable, Mapping, Optional

from . import monitor as _monitor
from . import serving as _serving
from . import steps as _steps
from . import tracking as _tracking
from . import validate as _validate
from .spec import PackageSpec


class Runtime:
    def __init__(self, spec: PackageSpec, config_class: Any) -> None:
        self.spec = spec
        self.config_class = config_class

    # --- MLflow tracking -------------------------------------------------------------------
    def tracking_enabled(self, flag: Optional[bool] = None) -> bool:
        return _tracking.enabled(self.spec, flag)

    def tracked_run(self, cfg: Any, run_id: str = "", uri: str = "") -> _tracking.TrackedRun:
        return _tracking.TrackedRun(self.spec, cfg, run_id=run_id, uri=uri)

    def register(self, run_id: str, uri: str, alias: str = _tracking.ALIAS) -> Optional[str]:
        return _tracking.register(self.spec, run_id, uri, alias)

    @staticmethod
    def tracking_uri(artifacts_dir: str, explicit: str = "") -> str:
        return _tracking.tracking_uri(artifacts_dir, explicit)

    # --- the whole pipeline in one process (the package's `pipeline.run`) -------------------
    def run_pipeline(
        self,
        cfg: Any,
        run_steps: Callable[[Any, Callable[[str, dict[str, Any]], None]], dict[str, Any]],
        on_step: Optional[Callable[[str, dict[str, Any]], None]] = None,
        tracking: Optional[bool] = None,
    ) -> dict[str, Any]:
        """`run_steps(cfg, notify)` (the package's steps in the notebook's order, calling
        `notify(step, values)` after each); with tracking on, inside an MLflow run that observes
        the steps (never changes their values), and the model it logged registered."""
        notify = on_step if on_step is not None else _ignore
        if not self.tracking_enabled(tracking):
            return run_steps(cfg, notify)
        with self.tracked_run(cfg) as tracked:

            def observe(name: str, values: dict[str, Any]) -> None:
                tracked.observe(name, values)
                notify(name, values)

            result = run_steps(cfg, observe)
        if tracked.model_uri:
            self.register(tracked.run_id, tracked.uri)
        return result

    # --- the step runner (what each Kubeflow component calls) ------------------------------
    def run_step(
        self,
        name: str,
        config: dict[str, Any],
        inputs: dict[str, str],
        outputs: dict[str, str],
        track: bool = False,
        tracking_uri: str = "",
        run_id: str = "",
    ) -> str:
        return _steps.run_step(self.spec, self.config_class, name, config, inputs, outputs, track, tracking_uri, run_id)

    # --- data validation and drift ---------------------------------------------------------
    def load_profile(self) -> dict[str, Any]:
        return _validate.load_profile(self.spec.package)

    def validate(
        self,
        paths: Mapping[str, str],
        profile: Optional[Mapping[str, Any]] = None,
        null_tolerance: float = _validate.NULL_TOLERANCE,
        range_tolerance: float = _validate.RANGE_TOLERANCE,
    ) -> dict[str, Any]:
        return _validate.validate(paths, self.load_profile() if profile is None else profile, null_tolerance, range_tolerance)

    def monitor(
        self,
        paths: Mapping[str, str],
        threshold: float = _monitor.DEFAULT_THRESHOLD,
        profile: Optional[Mapping[str, Any]] = None,
        references: Optional[Mapping[str, str]] = None,
        report_path: Optional[str] = None,
        html_path: Optional[str] = None,
        drift_share: float = _monitor.DRIFT_SHARE,
        run_id: str = "",
        tracking_uri: str = "",
        stattest: str = "",
        stattest_threshold: float = 0.0,
    ) -> dict[str, Any]:
        profile = self.load_profile() if profile is None else profile
        return _monitor.monitor(
            paths, profile, threshold, references=references, report_path=report_path,
            html_path=html_path, drift_share=drift_share, run_id=run_id, tracking_uri=tracking_uri,
            stattest=stattest, stattest_threshold=stattest_threshold,
        )

    # --- registry and serving --------------------------------------------------------------
    def deploy_gate(
        self,
        version: str,
        uri: str,
        manifest_path: Optional[str] = None,
        metric: str = "",
        alias: str = _serving.SERVING_ALIAS,
        storage_map: str = "",
    ) -> dict[str, Any]:
        return _serving.deploy_gate(self.spec.model_name, self.spec.service_name, version, uri, manifest_path, metric, alias, storage_map)

    # --- the bodies of the generic kfp components (validate-data, deploy-gate, monitor-drift) -
    def validate_step(self, paths: Mapping[str, str], report_path: str) -> dict[str, Any]:
        """The validate-data component: `validate(paths)`, its result as JSON at `report_path`."""
        result = self.validate(paths)
        _write_json(report_path, result)
        return result

    def deploy_step(
        self,
        version: str,
        manifest_path: str,
        decision_path: str,
        tracking_uri: str = "",
        artifacts_dir: str = "",
        metric: str = "",
        alias: str = _serving.SERVING_ALIAS,
        storage_map: str = "",
    ) -> dict[str, Any]:
        """The deploy-gate component: promote `version` to `alias` if at least as good (KServe
        manifest at `manifest_path`; empty when no model was registered), the decision as JSON."""
        if not version:
            result: dict[str, Any] = {"promoted": False, "reason": "no model was registered"}
            open(manifest_path, "w", encoding="utf-8").close()
        else:
            uri = self.tracking_uri(artifacts_dir, tracking_uri)
            result = self.deploy_gate(version, uri, manifest_path, metric, alias, storage_map)
        _write_json(decision_path, result)
        return result

    def monitor_step(
        self,
        training: Mapping[str, str],
        monitor_data: str,
        report_path: str,
        html_path: str,
        threshold: float = _monitor.DEFAULT_THRESHOLD,
        drift_share: float = _monitor.DRIFT_SHARE,
        stattest: str = "",
        stattest_threshold: float = 0.0,
        run_id: str = "",
        tracking_uri: str = "",
        artifacts_dir: str = "",
    ) -> dict[str, Any]:
        """The monitor-drift component: new data (`monitor_data` in place of the first input, else
        this run's inputs) against the training profile and the training data `training`; the
        numbers into the MLflow run `run_id` when there is one."""
        current = dict(training)
        if monitor_data and current:
            current[sorted(current)[0]] = monitor_data
        return self.monitor(
            current, threshold=threshold, references=dict(training), report_path=report_path, html_path=html_path,
            drift_share=drift_share, stattest=stattest, stattest_threshold=stattest_threshold,
            run_id=run_id, tracking_uri=self.tracking_uri(artifacts_dir, tracking_uri) if run_id else "",
        )

    def inference_service(self, storage_uri: Optional[str], version: str) -> dict[str, Any]:
        return _serving.inference_service(self.spec.model_name, self.spec.service_name, storage_uri, version)


def _ignore(name: str, values: dict[str, Any]) -> None:
    return None


def _write_json(path: str, value: Any) -> None:
    import json

    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle, indent=2, sort_keys=True)
