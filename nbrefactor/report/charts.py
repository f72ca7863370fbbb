"""Pictures for the HTML report, as inline SVG made here (no script, no CDN, no network): bar
charts of findings per family and per rule, models ranked by readiness, and each package's
pipeline as a layered DAG read from the compiled kfp YAML, with the GPU steps marked.

Every piece of text that reaches the SVG goes through markupsafe's `escape`; sizes are in a
`viewBox` and the `<svg>` is `width="100%"` with a `max-width` of its natural size, so a chart
shrinks to the window and never widens the page.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Optional, Sequence

from markupsafe import Markup, escape

COLORS = {
    "error": "#cf222e",
    "warning": "#9a6700",
    "info": "#0969da",
    "migrated": "#1a7f37",
    "migrated-with-review": "#9a6700",
    "emitted": "#cf222e",  # as .st-emitted in report.css (the bar was drawn black: no colour for the status)
    "skipped": "#6e7781",
    "blocked": "#cf222e",
    "failed": "#cf222e",
    "unreadable": "#cf222e",
    "family": "#8250df",
}
_CHAR = 7.0  # average glyph width (px) of the 12 px sans-serif labels, for layout only
_SMALL_CHAR = 6.0  # the same for the 10 px artifact labels (generous: digits and capitals are wide)
_LABEL_CHARS = 30


def _svg(width: float, height: float, body: list[str], label: str) -> Markup:
    return Markup(
        f'<svg class="chart" role="img" aria-label="{escape(label)}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" style="max-width:{width:.0f}px" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>" + "".join(body) + "</svg>"
    )


def _fit(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: max(1, chars - 1)] + "…"


def bar_chart(rows: Sequence[tuple[str, float, str]], label: str, value_suffix: str = "", label_chars: int = 28, max_value: Optional[float] = None) -> Markup:
    """Horizontal bars: (label, value, colour key) per row, in the order given."""
    if not rows:
        return Markup("")
    bar_h, gap, left = 18, 6, label_chars * _CHAR + 8
    plot = 360.0
    width = left + plot + 60
    top = max_value if max_value is not None else max(v for _, v, _ in rows) or 1
    body = []
    for i, (name, value, color) in enumerate(rows):
        y = i * (bar_h + gap)
        w = 0 if top <= 0 else max(1.0, plot * value / top) if value else 0
        body.append(
            f'<g class="bar" data-label="{escape(name)}"><title>{escape(name)}: {value:g}{escape(value_suffix)}</title>'
            f'<text x="{left - 6:.0f}" y="{y + 13}" text-anchor="end" font-size="12">{escape(_fit(name, label_chars))}</text>'
            f'<rect x="{left:.0f}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{COLORS.get(color, color)}"/>'
            f'<text x="{left + w + 4:.1f}" y="{y + 13}" font-size="12">{value:g}{escape(value_suffix)}</text></g>'
        )
    return _svg(width, len(rows) * (bar_h + gap), body, label)


# --- the pipeline -------------------------------------------------------------------------------


def pipeline_graph(yaml_text: str) -> Optional[dict[str, Any]]:
    """The compiled kfp pipeline as plain data: tasks in the order of the YAML, each with the tasks
    it runs after, the artifacts it takes (name, producer) and whether its executor asks for an
    accelerator (a GPU). None when the text is not a kfp pipeline spec or PyYAML is missing."""
    try:
        import yaml
    except ImportError:
        return None
    try:
        # libyaml's parser when PyYAML has it (a tenth of the pure-Python parser's time on a
        # compiled pipeline; the same SafeConstructor builds the same values).
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        documents = [d for d in yaml.load_all(yaml_text, Loader=loader) if isinstance(d, dict)]
    except yaml.YAMLError:
        return None
    spec = next((d for d in documents if "root" in d and "components" in d), None)
    if spec is None:
        return None
    tasks_spec = ((spec.get("root") or {}).get("dag") or {}).get("tasks") or {}
    components = spec.get("components") or {}
    executors = ((spec.get("deploymentSpec") or {}).get("executors")) or {}
    tasks = []
    for name, task in sorted(tasks_spec.items()):
        component = components.get(((task.get("componentRef") or {}).get("name")) or "", {})
        executor = executors.get(component.get("executorLabel", ""), {})
        resources = ((executor.get("container") or {}).get("resources")) or {}
        artifacts = ((task.get("inputs") or {}).get("artifacts")) or {}
        tasks.append({
            "name": name,
            "after": sorted(task.get("dependentTasks") or []),
            "gpu": "accelerator" in resources,
            "artifacts": [
                {"name": (a.get("taskOutputArtifact") or {}).get("outputArtifactKey", key), "from": (a.get("taskOutputArtifact") or {}).get("producerTask", "")}
                for key, a in sorted(artifacts.items())
                if isinstance(a, dict)
            ],
        })
    return {"tasks": tasks}


def _layers(tasks: Sequence[dict[str, Any]]) -> list[list[str]]:
    """Longest-path layering: a task sits one layer below the deepest task it runs after."""
    after = {t["name"]: [a for a in t["after"] if a != t["name"]] for t in tasks}
    depth: dict[str, int] = {}

    def level(name: str, seen: frozenset[str] = frozenset()) -> int:
        if name in depth:
            return depth[name]
        if name in seen:  # a cycle cannot come out of kfp; drawn flat rather than looping forever
            return 0
        parents = [p for p in after.get(name, ()) if p in after]
        depth[name] = 0 if not parents else 1 + max(level(p, seen | {name}) for p in parents)
        return depth[name]

    layers: dict[int, list[str]] = defaultdict(list)
    for t in tasks:
        layers[level(t["name"])].append(t["name"])
    return [sorted(layers[i]) for i in sorted(layers)]


def dag_svg(graph: Optional[dict[str, Any]], label: str) -> Markup:
    """The pipeline top to bottom: a box per task (GPU tasks filled and marked "GPU"), an arrow per
    dependency, labelled with the artifacts that travel along it."""
    if not graph or not graph.get("tasks"):
        return Markup("")
    tasks = {t["name"]: t for t in graph["tasks"]}
    layers = _layers(graph["tasks"])
    box_w, box_h, gap_x, gap_y, margin = 190, 34, 24, 58, 12
    widest = max(len(layer) for layer in layers)
    layer_of = {name: i for i, layer in enumerate(layers) for name in layer}
    # An arrow that skips a layer would run behind the boxes between: it goes round on the right.
    skips = any(layer_of.get(p, 0) < layer_of[t["name"]] - 1 for t in graph["tasks"] for p in t["after"] if p in layer_of)
    width = margin * 2 + widest * box_w + (widest - 1) * gap_x + (70 if skips else 0)
    height = margin * 2 + len(layers) * box_h + (len(layers) - 1) * gap_y
    where: dict[str, tuple[float, float]] = {}
    for row, layer in enumerate(layers):
        span = len(layer) * box_w + (len(layer) - 1) * gap_x
        x0 = (width - (70 if skips else 0) - span) / 2
        for col, name in enumerate(layer):
            where[name] = (x0 + col * (box_w + gap_x), margin + row * (box_h + gap_y))
    body = [
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#59636e"/></marker></defs>'
    ]
    label_right = 0.0
    for name, task in tasks.items():
        x2, y2 = where[name]
        carried = defaultdict(list)
        for a in task["artifacts"]:
            carried[a["from"]].append(a["name"])
        for parent in task["after"]:
            if parent not in where:
                continue
            x1, y1 = where[parent]
            names = carried.get(parent, [])
            if layer_of[name] - layer_of[parent] > 1:
                sx, sy, ex, ey = x1 + box_w, y1 + box_h / 2, x2 + box_w, y2 + box_h / 2
                bulge = 40 + 8 * (layer_of[name] - layer_of[parent])
                curve = f"M{sx:.1f},{sy:.1f} C{sx + bulge:.1f},{sy:.1f} {ex + bulge:.1f},{ey:.1f} {ex + 2:.1f},{ey:.1f}"
            else:
                sx, sy, ex, ey = x1 + box_w / 2, y1 + box_h, x2 + box_w / 2, y2
                curve = f"M{sx:.1f},{sy:.1f} C{sx:.1f},{sy + 28:.1f} {ex:.1f},{ey - 28:.1f} {ex:.1f},{ey - 2:.1f}"
            if names:  # the label's right end must stay inside the picture
                label_right = max(label_right, (sx + ex) / 2 + 4 + len(_fit(", ".join(names), _LABEL_CHARS)) * _SMALL_CHAR)
            body.append(
                f'<g class="edge" data-from="{escape(parent)}" data-to="{escape(name)}">'
                f'<path d="{curve}" fill="none" stroke="#8c959f" stroke-width="1.4" marker-end="url(#arrow)"/>'
                + (
                    f'<text class="artifact" x="{(sx + ex) / 2 + 4:.1f}" y="{(sy + ey) / 2 + 4:.1f}" font-size="10" fill="#59636e">'
                    f"<title>artifacts: {escape(', '.join(names))}</title>{escape(_fit(', '.join(names), _LABEL_CHARS))}</text>"
                    if names else ""
                )
                + "</g>"
            )
    for name, task in tasks.items():
        x, y = where[name]
        gpu = task["gpu"]
        fill, stroke, ink = ("#fff1e5", "#bc4c00", "#953800") if gpu else ("#f6f8fa", "#8c959f", "#1f2328")
        body.append(
            f'<g class="task{" gpu" if gpu else ""}" data-task="{escape(name)}"><title>{escape(name)}{" (GPU)" if gpu else ""}</title>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{box_w}" height="{box_h}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="{2 if gpu else 1}"/>'
            f'<text x="{x + 10:.1f}" y="{y + 21:.1f}" font-size="12" fill="{ink}">{escape(_fit(name, 21 if gpu else 25))}</text>'
            + (
                f'<rect x="{x + box_w - 40:.1f}" y="{y + 8:.1f}" width="32" height="18" rx="4" fill="#bc4c00"/>'
                f'<text x="{x + box_w - 24:.1f}" y="{y + 21:.1f}" font-size="11" font-weight="700" fill="#ffffff" text-anchor="middle">GPU</text>'
                if gpu else ""
            )
            + "</g>"
        )
    return _svg(max(width, label_right + margin), height, body, label)


def pipeline_of(package: Optional[str]) -> Optional[dict[str, Any]]:
    """`pipeline_graph` of a written package's `pipeline/pipeline.yaml` (None without one)."""
    from pathlib import Path

    if not package:
        return None
    try:
        text = (Path(package) / "pipeline" / "pipeline.yaml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return pipeline_graph(text)
