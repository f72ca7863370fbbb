"""Plan: facts + diagnostics → `ModelPlan` (what each step reads and returns, what moves where,
which literals become config). Pure: nothing here reads or writes files.

The data flow is the audit's: a step's parameters are exactly the names it reads that an earlier
step of the same notebook defines *or changes in place*; its return values are exactly the names a
later step reads from it. In-place mutation makes the mutating step the provider (Soorgeon misses
this and computes stale data); a name read before any step defines it blocks the compile (Kale
compiles it and fails at run time).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, Optional

import libcst as cst

from nbrefactor.audit.analysis import BUILTIN_NAMES, CellAnalysis, NotebookFacts, analyse_cell
from nbrefactor.audit.types import Cell, Diagnostic
from nbrefactor.compile.sections import Sectioning, identifier, split_sections, unique

BLOCKING_CODES = frozenset({"HID003", "HID004", "STR001", "STR002"})
PATH_CODES = frozenset({"PTH001", "PTH002", "PTH003", "PTH006"})
SECRET_CODES = frozenset({"SEC001", "SEC003"})
FIT_METHODS = frozenset({"fit", "partial_fit", "fit_transform", "fit_predict", "train"})

SEED_CALL_SUFFIXES = (
    "random.seed", "manual_seed", "manual_seed_all", "set_seed", "set_random_seed", "seed_everything",
)
SEED_KEYWORDS = ("random_state", "random_seed", "seed")


@dataclass(frozen=True)
class ConfigField:
    name: str
    type: str  # str | int | float
    default: Any
    kind: str  # path | url | seed | parameter
    origins: tuple[tuple[str, int, int], ...]  # (notebook, cell, line)
    direction: str = ""  # read | write | "" (from the I/O catalogue, when known)


@dataclass(frozen=True)
class ReviewItem:
    notebook: str
    cell: Optional[int]
    line: Optional[int]
    what: str


@dataclass(frozen=True)
class StepPlan:
    name: str
    title: str
    notebook: str
    module: str
    role: str
    cells: tuple[int, ...]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class StagePlan:
    notebook: str  # display path of the notebook
    module: str  # the stage module (`steps` for a one-notebook model)
    facts: NotebookFacts
    sectioning: Sectioning
    steps: tuple[StepPlan, ...]
    moved_definitions: tuple[str, ...]  # functions/classes that move to the functions module
    import_names: frozenset[str]
    final: tuple[str, ...]
    # `%run script.py` injects the script's names: cell index → the names later cells read from it
    injected: dict[int, tuple[str, ...]] = None  # type: ignore[assignment]


@dataclass(frozen=True)
class ModelPlan:
    model: str
    package: str
    stages: tuple[StagePlan, ...]
    config_fields: tuple[ConfigField, ...]
    # (notebook, cell, line, column) of a literal → config field name
    replacements: dict[tuple[str, int, int, int], str]
    review: tuple[ReviewItem, ...]
    fixed: tuple[Diagnostic, ...]
    blocking: tuple[Diagnostic, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def steps(self) -> tuple[StepPlan, ...]:
        return tuple(s for stage in self.stages for s in stage.steps)

    @property
    def final(self) -> tuple[str, ...]:
        return self.stages[-1].final if self.stages else ()


# --- naming ------------------------------------------------------------------------------------


def package_name(text: str) -> str:
    name = identifier(text, "model")
    return name if not name[0].isdigit() else f"model_{name}"


def model_names(notebook_paths: list[str]) -> dict[str, str]:
    """One model per notebook by default: the sanitised file stem, or `<folder>_<stem>` where two
    notebooks share a stem; numbered only when even that collides. Deterministic (sorted input)."""
    stems: dict[str, list[str]] = {}
    for path in sorted(notebook_paths):
        stems.setdefault(package_name(PurePosixPath(path).stem), []).append(path)
    names: dict[str, str] = {}
    taken: set[str] = set()
    for stem, paths in sorted(stems.items()):
        for path in paths:
            if len(paths) == 1:
                candidate = stem
            else:
                parent = PurePosixPath(path).parent.name
                candidate = package_name(f"{parent}_{PurePosixPath(path).stem}") if parent else stem
            names[path] = unique(candidate, taken)
    return names


# --- the plan ----------------------------------------------------------------------------------


def plan_model(
    model: str,
    notebooks: list[tuple[NotebookFacts, tuple[Diagnostic, ...]]],
    allow_hidden_state: bool = False,
) -> ModelPlan:
    package = package_name(model)
    review: list[ReviewItem] = []
    blocking: list[Diagnostic] = []
    fixed: list[Diagnostic] = []
    all_diagnostics: list[Diagnostic] = []
    stages: list[StagePlan] = []
    # Modules the package itself has: a stage (one per notebook) must not take one of their names.
    stage_names: set[str] = {"config", "pipeline", "functions", "artifacts", "cli", "__main__", "__init__", "tracking",
                             "validate", "monitor", "serving", "kfp_runtime", "data_profile", "steps"}
    for facts, diagnostics in notebooks:
        all_diagnostics.extend(diagnostics)
        blocking.extend(d for d in diagnostics if d.code in BLOCKING_CODES)
        path = facts.notebook.path
        module = "steps" if len(notebooks) == 1 else unique(package_name(PurePosixPath(path).stem), stage_names)
        stages.append(_plan_stage(facts, module, review))
    fields, replacements, lifted = _config(notebooks)
    fixed.extend(lifted)
    fixed.extend(d for d in all_diagnostics if d.code == "DEP003")  # installs move to requirements
    if allow_hidden_state:
        for d in blocking:
            review.append(ReviewItem(d.location.path, d.location.cell, d.location.line, f"{d.code} {d.message} (compiled with --allow-hidden-state)"))
    return ModelPlan(
        model=model,
        package=package,
        stages=tuple(stages),
        config_fields=fields,
        replacements=replacements,
        review=tuple(review),
        fixed=tuple(sorted(set(fixed), key=Diagnostic.sort_key)),
        blocking=tuple(sorted(blocking, key=Diagnostic.sort_key)),
        diagnostics=tuple(sorted(all_diagnostics, key=Diagnostic.sort_key)),
    )


def _plan_stage(facts: NotebookFacts, module: str, review: list[ReviewItem]) -> StagePlan:
    path = facts.notebook.path
    sectioning = split_sections(facts, PurePosixPath(path).stem)
    import_names = frozenset(imp.bound for ca in facts.cells for imp in ca.facts.imports if imp.bound != "*")
    assigned_anywhere = {d.name for ca in facts.cells for d in ca.facts.defined}
    moved = movable_definitions(facts, import_names)
    for ca in sectioning.skipped:
        review.append(ReviewItem(path, ca.cell.index, 1, "cell tagged `skip`: left out of the package"))

    def is_data(name: str) -> bool:
        if name in moved or name in BUILTIN_NAMES and name not in assigned_anywhere:
            return False
        if name in import_names and not _assigned_outside_imports(facts, name):
            return False
        return True

    injected = run_injections(facts, import_names)
    step_sections = [s for s in sectioning.sections if s.role != "imports"]
    reads_by_step: list[list[str]] = []
    provides_by_step: list[set[str]] = []
    defines_by_step: list[list[str]] = []
    for section in step_sections:
        defined_here: set[str] = set()
        reads: list[str] = []
        defines: list[str] = []
        section_binds = {d.name for ca in section.cells for d in ca.facts.defined}
        section_binds |= {n for ca in section.cells for n in injected.get(ca.cell.index, ())}
        for ca in section.cells:
            for name in injected.get(ca.cell.index, ()):
                defined_here.add(name)
                if name not in defines:
                    defines.append(name)
            for ref in ca.facts.reads:
                if ref.name not in defined_here and is_data(ref.name) and ref.name not in reads:
                    reads.append(ref.name)
            for ref in ca.facts.deferred_reads:
                # A function kept in this step sees the step's own names when it is called.
                if ref.name not in section_binds and is_data(ref.name) and ref.name not in reads:
                    reads.append(ref.name)
            for ref in ca.facts.defined:
                defined_here.add(ref.name)
                if is_data(ref.name) and ref.name not in defines:
                    defines.append(ref.name)
        mutated = {m.name for ca in section.cells for m in ca.facts.mutated}
        reads_by_step.append(reads)
        defines_by_step.append(defines)
        provides_by_step.append({n for n in defines} | {n for n in mutated if is_data(n)})

    inputs: list[list[str]] = []
    outputs: list[set[str]] = [set() for _ in step_sections]
    for i, reads in enumerate(reads_by_step):
        step_inputs = []
        for name in reads:
            provider = next((j for j in range(i - 1, -1, -1) if name in provides_by_step[j]), None)
            if provider is None:
                continue  # never defined above: the audit's HID003/HID004 block or review it
            step_inputs.append(name)
            outputs[provider].add(name)
        inputs.append(step_inputs)

    final: tuple[str, ...] = ()
    if step_sections:
        last = len(step_sections) - 1
        final = tuple(defines_by_step[last])
        if step_sections[last].role == "metrics":
            # Kale `pipeline-metrics` cells mostly print what earlier steps computed: those are the metrics.
            final = tuple(dict.fromkeys([*inputs[last], *final]))
        outputs[last] |= set(final)

    # A model fitted in a step is an artifact of that step even when no later step reads it:
    # returning it lets the pipeline register it (MLflow) and `verify` compare it.
    for i, section in enumerate(step_sections):
        for ca in section.cells:
            for call in ca.facts.calls:
                if call.in_function or call.method not in FIT_METHODS or not call.receiver.isidentifier():
                    continue
                if call.receiver in defines_by_step[i] or call.receiver in provides_by_step[i]:
                    outputs[i].add(call.receiver)

    steps = []
    for i, section in enumerate(step_sections):
        steps.append(
            StepPlan(
                name=section.name,
                title=section.title,
                notebook=path,
                module=module,
                role=section.role,
                cells=section.cell_indices,
                inputs=tuple(sorted(inputs[i])),
                outputs=tuple(sorted(outputs[i])),
            )
        )
    return StagePlan(path, module, facts, sectioning, tuple(steps), tuple(moved), import_names, tuple(sorted(final)), injected)


def run_injections(facts: NotebookFacts, import_names: frozenset[str]) -> dict[int, tuple[str, ...]]:
    """Names a `%run script.py` cell provides: those read at or after it that no cell defines.
    The package binds them from `runpy.run_path`'s namespace, so they flow like any other value."""
    defined_anywhere = {d.name for ca in facts.cells for d in ca.facts.defined}
    taken: set[str] = set()
    out: dict[int, tuple[str, ...]] = {}
    for position, ca in enumerate(facts.cells):
        if not any(m.name == "run" and m.kind in ("line_magic", "automagic") for m in ca.magics):
            continue
        later = [r.name for c in facts.cells[position:] for r in (*c.facts.reads, *c.facts.deferred_reads)]
        names = sorted(
            {n for n in later if n not in defined_anywhere and n not in BUILTIN_NAMES and n not in import_names and n not in taken}
        )
        taken.update(names)
        out[ca.cell.index] = tuple(names)
    return out


def _assigned_outside_imports(facts: NotebookFacts, name: str) -> bool:
    count_defs = sum(1 for ca in facts.cells for d in ca.facts.defined if d.name == name)
    count_imports = sum(1 for ca in facts.cells for imp in ca.facts.imports if imp.bound == name)
    return count_defs > count_imports


def movable_definitions(facts: NotebookFacts, import_names: frozenset[str]) -> tuple[str, ...]:
    """Top-level functions and classes that read only imports, builtins and other movable
    definitions move to a `functions` module. One that reads notebook globals stays inside its
    step as a closure (it sees that step's names, as it saw the notebook's), and flows onwards
    like any other value."""
    candidates: dict[str, set[str]] = {}
    defined_count: dict[str, int] = {}
    for ca in facts.cells:
        for ref in ca.facts.defined:
            defined_count[ref.name] = defined_count.get(ref.name, 0) + 1
    for ca in facts.cells:
        if ca.facts.syntax_error is not None or not ca.masked.is_python:
            continue
        try:
            module = cst.parse_module(ca.masked.python)
        except cst.ParserSyntaxError:
            continue
        for stmt in module.body:
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                name = stmt.name.value
                if defined_count.get(name, 0) != 1 or _uses_global_statement(stmt):
                    continue
                sub = analyse_cell(Cell(0, "code", module.code_for_node(stmt)))
                free = {r.name for r in (*sub.facts.reads, *sub.facts.deferred_reads)}
                candidates[name] = free - BUILTIN_NAMES - import_names - {name}
    movable = set(candidates)
    changed = True
    while changed:
        changed = False
        for name in sorted(movable):
            if not candidates[name] <= movable:
                movable.discard(name)
                changed = True
    order = [ref.name for ca in facts.cells for ref in ca.facts.defined if ref.name in movable]
    return tuple(dict.fromkeys(order))


def _uses_global_statement(node: cst.CSTNode) -> bool:
    found = False

    class Finder(cst.CSTVisitor):
        def visit_Global(self, n: cst.Global) -> None:
            nonlocal found
            found = True

    node.visit(Finder())
    return found


# --- config: hardcoded paths, URLs and seeds ---------------------------------------------------


def _config(
    notebooks: list[tuple[NotebookFacts, tuple[Diagnostic, ...]]],
) -> tuple[tuple[ConfigField, ...], dict[tuple[str, int, int, int], str], list[Diagnostic]]:
    by_value: dict[tuple[str, Any], str] = {}
    fields: dict[str, ConfigField] = {}
    replacements: dict[tuple[str, int, int, int], str] = {}
    lifted: list[Diagnostic] = []
    taken: set[str] = {"artifacts_dir"}

    def add(kind: str, value: Any, type_: str, hint: str, origin: tuple[str, int, int], column: int, direction: str = "", key: Any = None) -> str:
        key = key if key is not None else ((kind, value) if kind != "parameter" else (kind, hint))
        if (origin[0], origin[1], origin[2], column) in replacements:
            return replacements[(origin[0], origin[1], origin[2], column)]
        if key in by_value:
            name = by_value[key]
            old = fields[name]
            fields[name] = ConfigField(name, old.type, old.default, old.kind, old.origins + (origin,), old.direction or direction)
        else:
            name = unique(hint, taken)
            by_value[key] = name
            fields[name] = ConfigField(name, type_, value, kind, (origin,), direction)
        replacements[(origin[0], origin[1], origin[2], column)] = name
        return name

    for facts, diagnostics in notebooks:
        path = facts.notebook.path
        cells = {ca.cell.index: ca for ca in facts.cells}
        # Kale `pipeline-parameters` cells: every literal assignment is a pipeline parameter.
        for ca in facts.cells:
            if "pipeline-parameters" not in ca.cell.tags:
                continue
            for name, value, type_, line, column in parameter_literals(ca):
                add("parameter", value, type_, identifier(name, "parameter"), (path, ca.cell.index, line), column)
        for d in diagnostics:
            if d.code not in PATH_CODES or d.location.cell is None or d.location.line is None:
                continue
            ca = cells.get(d.location.cell)
            if ca is None:
                continue
            literal = next(
                (s for s in ca.facts.strings if s.line == d.location.line and s.column == d.location.column and not s.formatted),
                None,
            )
            if literal is None:
                continue
            kind = "url" if "://" in literal.value else "path"
            hint = _field_hint(ca, literal.line, literal.column, literal.value, kind)
            add(kind, literal.value, "str", hint, (path, ca.cell.index, literal.line), literal.column, _direction(ca, literal.line, literal.column, facts))
            lifted.append(d)
        for d in diagnostics:
            # A secret never reaches the package: its literal becomes a config field with no
            # default, to be set through the environment (the compiled code reads `cfg.<field>`).
            if d.code not in SECRET_CODES or d.location.cell is None or d.location.line is None:
                continue
            ca = cells.get(d.location.cell)
            if ca is None:
                continue
            literal = _enclosing_string(ca, d.location.line, d.location.column or 1)
            if literal is None:
                continue
            hint = _field_hint(ca, literal.line, literal.column, "", "secret")
            if hint in ("", "secret_path", "data_path"):
                hint = "secret"
            digest = hashlib.sha256(literal.value.encode("utf-8")).hexdigest()
            add("secret", "", "str", hint, (path, ca.cell.index, literal.line), literal.column, key=("secret", digest))
            lifted.append(d)
        for ca in facts.cells:
            for call in ca.facts.calls:
                if call.in_function:
                    continue
                resolved = facts.resolve(call.func)
                if resolved.endswith(SEED_CALL_SUFFIXES):
                    arg = call.arg(0, ("seed", "a"))
                    if arg is not None and arg.number is not None and _is_int(arg.number):
                        add("seed", int(arg.number), "int", "seed", (path, ca.cell.index, arg.line), _value_column(ca, arg))
                for kw in SEED_KEYWORDS:
                    arg = call.arg(None, (kw,))
                    if arg is not None and arg.number is not None and _is_int(arg.number):
                        add(kw, int(arg.number), "int", kw, (path, ca.cell.index, arg.line), _value_column(ca, arg))
    ordered = tuple(sorted(fields.values(), key=lambda f: (f.kind not in ("path", "url"), f.name)))
    return ordered, replacements, lifted


def parameter_literals(ca: CellAnalysis) -> list[tuple[str, Any, str, int, int]]:
    """`NAME = <number | string | bool>` statements at the top of a cell: (name, value, type, line, column)."""
    if ca.facts.syntax_error is not None or not ca.masked.is_python:
        return []
    from libcst.metadata import MetadataWrapper, PositionProvider

    module = cst.parse_module(ca.masked.python)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    found = []
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if not isinstance(small, cst.Assign) or len(small.targets) != 1 or not isinstance(small.targets[0].target, cst.Name):
                continue
            value = small.value
            pos = positions[value].start
            name = small.targets[0].target.value
            if isinstance(value, cst.Integer):
                found.append((name, int(value.value.replace("_", ""), 0), "int", pos.line, pos.column + 1))
            elif isinstance(value, cst.Float):
                found.append((name, float(value.value.replace("_", "")), "float", pos.line, pos.column + 1))
            elif isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
                found.append((name, value.evaluated_value, "str", pos.line, pos.column + 1))
            elif isinstance(value, cst.Name) and value.value in ("True", "False"):
                found.append((name, value.value == "True", "bool", pos.line, pos.column + 1))
    return found


def _enclosing_string(ca: CellAnalysis, line: int, column: int):  # noqa: ANN202 - StringFact | None
    """The plain string literal that holds (line, column) — a secret may be part of one."""
    found = None
    for literal in ca.facts.strings:
        if literal.formatted or not (literal.line <= line <= literal.end_line):
            continue
        if literal.line == line and literal.column > column:
            continue
        # The nearest start before the position, not the last one met: an assignment's value is
        # walked before its target, so `os.environ['KEY'] = 'sk-…'` lists 'sk-…' first.
        if found is None or (literal.line, literal.column) > (found.line, found.column):
            found = literal
    return found


def _is_int(text: str) -> bool:
    return re.fullmatch(r"-?\d+", text.replace("_", "")) is not None


def _value_column(ca: CellAnalysis, arg) -> int:  # noqa: ANN001 - ArgFact
    """ArgFact positions point at the argument (`random_state=42`); the literal starts after `=`."""
    if arg.keyword is None:
        return arg.column
    line = ca.lines[arg.line - 1]
    start = arg.column - 1
    eq = line.find("=", start)
    if eq < 0:
        return arg.column
    j = eq + 1
    while j < len(line) and line[j] == " ":
        j += 1
    return j + 1


def _field_hint(ca: CellAnalysis, line: int, column: int, value: str, kind: str) -> str:
    text = ca.lines[line - 1] if 0 < line <= len(ca.lines) else ""
    before = text[: column - 1]
    assigned = re.match(r"^\s*([A-Za-z_]\w*)\s*(?::[^=]+)?=\s*(?:(?:pathlib\.)?(?:Path|PurePath|PosixPath)\(|str\()?\s*[rRbBuU]?$", before)
    if assigned:
        return identifier(assigned.group(1), "path")
    if kind == "secret":
        return ""
    name = PureWindowsPath(value).name if "\\" in value else PurePosixPath(value.split("://", 1)[-1]).name
    stem = identifier(name.replace(".", " "), "") if name else ""
    if not stem:
        stem = identifier(value.split("://", 1)[-1], "data")
    suffix = "url" if kind == "url" else ("dir" if not PurePosixPath(name).suffix else "path")
    if stem.endswith(("_" + suffix)):
        return stem
    return f"{stem}_{suffix}"


def _direction(ca: CellAnalysis, line: int, column: int, facts: NotebookFacts) -> str:
    for call in ca.facts.calls:
        for arg in call.args:
            if arg.line == line and arg.string is not None and arg.column <= column:
                method = call.method
                if method.startswith(("to_", "save", "dump", "write", "imwrite", "savefig")):
                    return "write"
                if method.startswith(("read", "load", "open", "imread", "File")):
                    mode = call.arg(1, ("mode",))
                    if mode is not None and mode.string and any(c in mode.string for c in "wax"):
                        return "write"
                    return "read"
    return ""

