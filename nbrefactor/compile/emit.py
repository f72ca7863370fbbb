"""Emit: `ModelPlan` → `FileTree` (relative path → text or bytes). Pure: the edge collects the
environment and data samples beforehand and writes the tree afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any, Mapping, Optional, Sequence, Union

import libcst as cst

from nbrefactor import __version__
from nbrefactor.audit.analysis import CellAnalysis
from nbrefactor.audit.types import Diagnostic
from nbrefactor.compile.definite import unbound_outputs
from nbrefactor.compile.keras_backend import keras_backend
from nbrefactor.compile.local_code import local_names, package_depth, relative_import, relative_imports
from nbrefactor.compile.run_magic import HELPER_SOURCE as RUN_HELPER_SOURCE
from nbrefactor.compile.random_state import capture_lines, import_lines, restore_lines
from nbrefactor.compile.literals import Serialised, is_distribution_name, is_version, one_line, py_docstring_text, py_literal, py_name
from nbrefactor.compile.pure_imports import ImportPurity
from nbrefactor.compile.python_choice import PythonChoice, choose_python
from nbrefactor.compile.plan import PATH_CODES, ModelPlan, ReviewItem, StagePlan, StepPlan
from nbrefactor.compile.runtime_wheel import runtime_requirement, runtime_version, wheel_name
from nbrefactor.compile.templates import render
from nbrefactor.compile.transform import CellOutcome, catching, function_body, plotting_functions, raised_at_top_level_import, shown_exception, transform_cell

FileTree = dict[str, Union[str, bytes]]


@dataclass(frozen=True)
class Requirement:
    distribution: str
    version: Optional[str]  # None: unpinned
    source: str  # manifest | pip-magic | environment | unpinned
    index_url: Optional[str] = None  # an index besides PyPI that serves it (RAPIDS' `cudf-cu12`: NVIDIA's)


@dataclass(frozen=True)
class EmitInputs:
    """What the edge gathered: pinned requirements, the Python version, test data and values."""

    requirements: tuple[Requirement, ...] = ()
    python_version: str = "3.11"  # the notebook kernel's (major.minor); the package's is chosen from the pins too
    test_data: Mapping[str, bytes] = field(default_factory=dict)  # path under tests/data → content
    sampled: tuple[str, ...] = ()  # test data files cut to a sample (values tests skip then)
    missing_data: tuple[str, ...] = ()  # read paths not available beside the notebook
    saved_values: tuple[tuple[str, str, str, int], ...] = ()  # (expression, expected repr, notebook, cell)
    printed_values: tuple[tuple[str, str, str, int], ...] = ()  # (expression, printed line, notebook, cell)
    mlops: Any = None  # mlops.MlopsInputs: data profile, GPU steps and settings, image (None: defaults)
    review: tuple[ReviewItem, ...] = ()  # found while gathering (an unpinned requirement…)
    # The notebook's own code (modules and package folders it imports, `%%writefile` modules):
    # path under src/<pkg>/ → source, vendored into the package (`compile.local_code`)
    local_modules: Mapping[str, str] = field(default_factory=dict)
    # What the installed pinned distributions say about the Pythons they run on (python_choice)
    pin_pythons: tuple[Any, ...] = ()
    notebook_python: Optional[str] = None  # the kernel's version when the notebook said one


def checked_requirements(requirements: Sequence[Requirement]) -> tuple[list[Requirement], list[ReviewItem]]:
    """Requirements whose name is a distribution name and whose pin is a version (PEP 508 / 440),
    as pip reads them. A pin from a `%pip` line or a manifest is input text: `1.3.0"]#` or
    `--index-url …` must never reach requirements.txt. An invalid pin is dropped (the requirement
    stays, unpinned) and an invalid name is left out, each with a review item."""
    kept: list[Requirement] = []
    review: list[ReviewItem] = []
    for r in requirements:
        if not is_distribution_name(r.distribution):
            review.append(ReviewItem("requirements.txt", None, None, f"left out {one_line(r.distribution)[:80]!r} ({r.source}): not a distribution name"))
            continue
        if r.version is not None and not is_version(r.version):
            review.append(ReviewItem("requirements.txt", None, None, f"{r.distribution}: pin {one_line(r.version)[:80]!r} ({r.source}) is not a version; left unpinned"))
            r = Requirement(r.distribution, None, "unpinned", r.index_url)
        kept.append(r)
    return kept, review


@dataclass
class _StageCode:
    module_source: str
    review: list[ReviewItem]
    changes: list[tuple[str, int, int, str]]  # (notebook, cell, line, what)
    replaced: set[tuple[str, int, int, int]]
    functions: list[str]  # source of moved definitions
    function_imports: list[cst.SimpleStatementLine]
    uses_unbound: bool = False  # a step returns or receives the UNBOUND sentinel (runtime.py defines it)


@dataclass(frozen=True)
class EmitResult:
    """What emitting a model did: the files, and what MIGRATION.md and the migration report
    (`report.migration.model_record`) both say about them — one value, rendered twice."""

    tree: FileTree
    review: tuple[ReviewItem, ...]  # left for a person
    changes: tuple[tuple[str, int, int, str], ...]  # (notebook, cell, line, what) the code transforms changed
    fixed: tuple[Diagnostic, ...]  # findings the package no longer has
    remaining: tuple[Diagnostic, ...]  # findings still present
    replaced: frozenset[tuple[str, int, int, int]]  # (notebook, cell, line, column) of literals now config fields
    python: Optional[PythonChoice] = None  # the Python of the image and environment.yml, and why
    # Folded findings (in no report: another rule's finding stands for each) whose literal is now
    # a config field: (the finding, the code of the finding that stands for it, the field's name).
    lifted_folded: tuple[tuple[Diagnostic, str, str], ...] = ()

    def with_tree(self, tree: FileTree) -> "EmitResult":
        """The same result over files changed after emitting (compiled pipeline, masked secrets)."""
        return replace(self, tree=tree)


def migration_markdown(plan: ModelPlan, result: EmitResult) -> str:
    """MIGRATION.md: what was fixed, changed, left for review and still found."""
    return render("MIGRATION.md.j2", {
        "plan": plan,
        "notebooks": [s.notebook for s in plan.stages],
        "version": __version__,
        "fixed": result.fixed,
        "lifted_folded": result.lifted_folded,
        "changes": result.changes,
        "review": result.review,
        "remaining": result.remaining,
        "python_choice": result.python,
        "fix_of": _compile_fixes(),
    })


def _compile_fixes() -> dict[str, str]:
    """Rule code → how the compiler fixes its findings (the rule's `compile_fix`)."""
    from nbrefactor.audit.rules import all_rules

    return {r.code: r.compile_fix for r in all_rules()}


def emit_model(plan: ModelPlan, inputs: EmitInputs) -> EmitResult:
    pkg = plan.package
    tree: FileTree = {}
    cfg = config_name(plan)
    local = local_names(inputs.local_modules)
    # Names the last step that returned them may have returned as UNBOUND (steps run in this order).
    maybe_unbound: set[str] = set()
    unbound = unbound_name(plan)
    stage_codes = [_stage_code(plan, stage, cfg, local, maybe_unbound, unbound) for stage in plan.stages]
    replaced = set().union(*(sc.replaced for sc in stage_codes)) if stage_codes else set()
    functions = [src for sc in stage_codes for src in sc.functions]
    function_imports = [imp for sc in stage_codes for imp in sc.function_imports]
    if functions:
        tree[f"src/{pkg}/functions.py"] = _functions_module(plan, functions, function_imports, local)
    for relative, source in sorted(inputs.local_modules.items()):
        # The notebook's own code, copied as it is; its absolute imports of itself become relative.
        tree[f"src/{pkg}/{relative}"] = relative_imports(source, local, package_depth(relative))
    for stage, code in zip(plan.stages, stage_codes):
        tree[f"src/{pkg}/{stage.module}.py"] = code.module_source
    fields = plan.config_fields
    requirements, requirement_review = checked_requirements(inputs.requirements)
    python = package_python(inputs)
    # A Python that every pin allows is a decision with its reason (MIGRATION.md "Environment"), and
    # the proof ladder runs the package on it; only pins no Python satisfies need a person.
    if python.conflict:
        requirement_review.append(ReviewItem("requirements.txt", None, None, f"Python {python.version} for the image and environment.yml (the notebook ran {python.notebook}): {python.why}"))
    review = tuple(sorted({*plan.review, *inputs.review, *requirement_review, *(r for sc in stage_codes for r in sc.review)}, key=_review_key))
    changes = tuple(sorted({c for sc in stage_codes for c in sc.changes}))
    fixed = tuple(d for d in plan.fixed if d.code not in PATH_CODES or _replaced(d, replaced))
    remaining = tuple(_remaining(plan, replaced))
    context = {
        "plan": plan,
        "pkg": pkg,
        "cfg": cfg,
        "dist": pkg.replace("_", "-"),
        "fields": fields,
        "env_prefix": pkg.upper(),
        "steps": plan.steps,
        "stages": plan.stages,
        "final": plan.final,
        "version": __version__,
        "runtime_version": runtime_version(),
        "runtime_requirement": runtime_requirement(),
        "runtime_wheel": wheel_name(),
        "python_version": python.version,
        "python_choice": python,
        "requirements": requirements,
        # (only URLs the compiler's own tables name: never a manifest's `--index-url` line)
        "extra_index_urls": sorted({r.index_url for r in requirements if r.index_url}),
        "review": review,
        "changes": changes,
        "fixed": fixed,
        "remaining": remaining,
        "test_data": sorted(inputs.test_data),
        "sampled": inputs.sampled,
        "missing_data": inputs.missing_data,
        "saved_values": inputs.saved_values,
        "printed_values": inputs.printed_values,
        "stage_modules": {s.notebook: s.module for s in plan.stages},
        "has_functions": bool(functions),
        "notebooks": [s.notebook for s in plan.stages],
        "pipeline_lines": _pipeline_lines(plan, cfg),
        "uses_unbound": any(sc.uses_unbound for sc in stage_codes),
        "keras_backend": keras_backend(plan, next((r.version or "" for r in requirements if r.distribution.lower() == "keras"), "")),
        "write_dirs": sorted({str(PurePosixPath(f.default).parent) for f in fields if f.kind == "path" and f.direction == "write" and not PurePosixPath(f.default).is_absolute() and str(PurePosixPath(f.default).parent) != "."}),
    }
    tree[f"src/{pkg}/__init__.py"] = render("init.py.j2", context)
    tree[f"src/{pkg}/config.py"] = render("config.py.j2", context)
    tree[f"src/{pkg}/pipeline.py"] = render("pipeline.py.j2", context)
    tree[f"src/{pkg}/__main__.py"] = render("main.py.j2", context)
    tree["tests/test_package.py"] = render("test_package.py.j2", context)
    for name, data in sorted(inputs.test_data.items()):
        tree[f"tests/data/{name}"] = data
    tree["pyproject.toml"] = render("pyproject.toml.j2", context)
    tree["requirements.txt"] = render("requirements.txt.j2", context)
    tree["environment.yml"] = render("environment.yml.j2", context)
    tree["README.md"] = render("README.md.j2", context)
    result = EmitResult({}, review, changes, fixed, remaining, frozenset(replaced), python, _lifted_folded(plan, replaced))
    tree["MIGRATION.md"] = migration_markdown(plan, result)
    tree[".nbrefactor/plan.json"] = plan_json(plan)
    # MLOps files (kfp pipeline, MLflow tracking, validation, monitoring, Dockerfile): compiler/mlops.py
    from nbrefactor.compile.mlops import MlopsInputs, mlops_files

    tree.update(mlops_files(plan, inputs.mlops if inputs.mlops is not None else MlopsInputs(), context))
    # The notebook's own code is copied as it is (black would renumber the lines its tracebacks name).
    return result.with_tree(_format(tree, frozenset(f"src/{pkg}/{relative}" for relative in inputs.local_modules)))


def package_python(inputs: EmitInputs) -> "PythonChoice":
    """The Python of the package's image, environment.yml and `requires-python` (`python_choice`)."""
    from nbrefactor.compile.mlops import image_pythons

    return choose_python(inputs.notebook_python, inputs.pin_pythons, image_pythons())


def _review_key(item: ReviewItem) -> tuple:
    return (item.notebook, item.cell or 0, item.line or 0, item.what)


def _replaced(d: Diagnostic, replaced: set[tuple[str, int, int, int]]) -> bool:
    loc = d.location
    return (loc.path, loc.cell or 0, loc.line or 0, loc.column or 0) in replaced


def _lifted_folded(plan: ModelPlan, replaced: set[tuple[str, int, int, int]]) -> tuple[tuple[Diagnostic, str, str], ...]:
    """The folded findings whose literal the emitted code reads from the config (as `fixed` keeps
    a path finding only where its literal was replaced), with the code that stands for each in
    the report and the field's name."""
    out = []
    for d in plan.fixed_folded:
        if not _replaced(d, replaced):
            continue
        loc = d.location
        field_name = plan.replacements[(loc.path, loc.cell or 0, loc.line or 0, loc.column or 0)]
        out.append((d, dict(d.data).get("folded_into", ""), field_name))
    return tuple(out)


def _remaining(plan: ModelPlan, replaced: set[tuple[str, int, int, int]]) -> list[Diagnostic]:
    fixed = {id(d) for d in plan.fixed}
    out = []
    for d in plan.diagnostics:
        if d.code in PATH_CODES and _replaced(d, replaced):
            continue
        if id(d) in fixed and d.code not in PATH_CODES:
            continue
        out.append(d)
    return out


def plan_json(plan: ModelPlan) -> str:
    return json.dumps(plan.to_dict(), indent=2, sort_keys=True) + "\n"


# --- code ---------------------------------------------------------------------------------------


def _stage_code(plan: ModelPlan, stage: StagePlan, cfg: str, local: frozenset[str] = frozenset(),
                maybe_unbound: Optional[set[str]] = None, unbound: str = "UNBOUND") -> _StageCode:
    """The step module of `stage`. `maybe_unbound`: the names earlier steps may have returned as
    the UNBOUND sentinel (named `unbound` in the module), updated with this stage's steps."""
    maybe_unbound = set() if maybe_unbound is None else maybe_unbound
    uses_unbound = False
    facts = stage.facts
    path = stage.notebook
    moved = frozenset(stage.moved_definitions)
    review: list[ReviewItem] = []
    changes: list[tuple[str, int, int, str]] = []
    replaced: set[tuple[str, int, int, int]] = set()
    imports: list[cst.SimpleStatementLine] = []
    needs: set[str] = set()
    functions: list[str] = []

    cell_replacements: dict[int, dict[tuple[int, int], str]] = {}
    for (nb, cell, line, column), name in plan.replacements.items():
        if nb == path:
            cell_replacements.setdefault(cell, {})[(line, column)] = name

    from nbrefactor.audit.distributions import written_modules

    written = frozenset(written_modules(facts)) - local
    environment = frozenset(imp.bound for _, imp in facts.imports if imp.module == "google.colab" or imp.module.startswith("google.colab."))
    # What a magic line's `{expr}` may read: a name the notebook binds (else IPython ran the line as written).
    bound = frozenset({d.name for ca in facts.cells for d in ca.facts.defined} | {t for ca in facts.cells for m in ca.magics for t in m.assigned_to}
                      | {name for names in (stage.injected or {}).values() for name in names})
    plotting = plotting_functions(facts.cells, moved, facts.resolve)
    # What the package binds at a module's level rather than in a step: hoisted imports, moved definitions.
    module_names = moved | frozenset(imp.bound for ca in facts.cells for imp in ca.facts.imports if imp.bound != "*")
    # Every cell's top-level imports are hoisted (Kale `imports` cells included).
    outcomes: dict[int, CellOutcome] = {}
    for section in stage.sectioning.sections:
        for ca in section.cells:
            if ca.facts.syntax_error is not None:
                review.append(ReviewItem(path, ca.cell.index, ca.facts.syntax_error.line, f"syntax error, cell left out: {ca.facts.syntax_error.message}"))
                continue
            outcome = transform_cell(
                ca, cell_replacements.get(ca.cell.index, {}), moved, f"{_step_of(stage, ca)}_cell{ca.cell.index}", facts.resolve, cfg,
                (stage.injected or {}).get(ca.cell.index, ()), written, environment, (stage.logged or {}).get(ca.cell.index), bound,
                plotting, module_names,
            )
            outcomes[ca.cell.index] = outcome
            imports.extend(outcome.imports)
            needs |= outcome.needs
            review.extend(ReviewItem(path, ca.cell.index, line, what) for line, what in outcome.review)
            shown = shown_exception(ca.cell)
            if shown is not None and raised_at_top_level_import(ca.cell):
                # The import is hoisted out of the step: nothing catches it, and the review item says so.
                review.append(ReviewItem(path, ca.cell.index, None, (
                    f"the saved notebook shows an import of this cell raising {shown} (the kernel that ran it lacked "
                    f"a module), and the cells below ran on: the package imports it at the head of its module, so it "
                    f"fails on import where that module is missing instead of going on past it")))
            elif shown is not None and outcome.items:
                review.append(ReviewItem(path, ca.cell.index, None, (
                    f"the saved notebook shows this cell raising {shown}, and the cells below ran on: the step catches "
                    f"{shown} there and goes on as the kernel did (delete the cell if the demonstration is no part of the pipeline)")))
            changes.extend((path, ca.cell.index, line, what) for line, what in outcome.changes)
            replaced |= {(path, ca.cell.index, line, col) for line, col in outcome.replaced}
    for run in stage.inlined:
        changes.append((path, run.cell, run.line, (
            f"`{run.text}` became the text cell {run.writer} wrote, inlined (lines {run.line}-{run.line + run.lines - 1} of the cell's "
            "code here): IPython's -i runs the script in the notebook's namespace, as the cell's own statements")))
    # Moved definitions, in notebook order, from the original (masked) cells.
    for ca in facts.cells:
        if ca.facts.syntax_error is not None or not ca.masked.is_python or not ca.masked.python.strip():
            continue
        module = cst.parse_module(ca.masked.python)
        for stmt in module.body:
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) and stmt.name.value in moved:
                functions.append(module.code_for_node(stmt).strip("\n"))

    step_functions: list[str] = []
    for step in stage.steps:
        section = next(s for s in stage.sectioning.sections if s.name == step.name)
        items: list = []
        # A module a cell downloaded, used in a later step: imported again there (in place).
        earlier = [imp for ca in stage.facts.cells if ca.cell.index < min(step.cells) and ca.cell.index in outcomes for imp in outcomes[ca.cell.index].local_imports]
        if earlier:
            step_names = _used_names("\n".join(cst.Module(body=[i]).code for ca in section.cells if ca.cell.index in outcomes for i in outcomes[ca.cell.index].items if not isinstance(i, str)))
            for imp in earlier:
                bound = {b for small in imp.body for _, b in _split_import(small)}
                if bound & step_names:
                    items.append(cst.parse_statement("if os.getcwd() not in sys.path:\n    sys.path.insert(0, os.getcwd())\n"))
                    items.append(imp)
                    needs |= {"os", "sys"}
        for name in step.redefined:
            node = _kept_definition(stage, outcomes, name, before=min(step.cells))
            if isinstance(node, cst.SimpleStatementLine):
                items.append(f"# nbrefactor: `{name}` holds a credential: read again here, never passed between steps")
                items.append(node)
            elif node is not None:
                items.append(f"# nbrefactor: `{name}` defined again here: it reads globals a later cell rebound, and reads them when called")
                items.append(node)
        for ca in section.cells:
            outcome = outcomes.get(ca.cell.index)
            if outcome is None:
                continue
            body_items = list(outcome.items)
            shown = shown_exception(ca.cell)
            if body_items and shown is not None and not raised_at_top_level_import(ca.cell):
                body_items = catching(body_items, shown)
            if body_items:
                items.append(f"# --- notebook cell {ca.cell.index} ---")
                items.extend(body_items)
        restores = restore_lines(step.inputs)
        if restores:
            items[:0] = ["# nbrefactor: the global random state the previous step ended with (a step may run in a process of its own)",
                         *(cst.parse_statement(line + "\n") for line in restores)]
        # A value an earlier step returned as UNBOUND: the notebook never bound the name, so here
        # it is no name either, and reading it raises NameError where the notebook's cell did.
        guarded = [n for n in step.inputs if n in maybe_unbound]
        if guarded:
            uses_unbound = True
            items[:0] = [f"# nbrefactor: {_names_text(guarded)} may be {unbound}: left unbound by the notebook on the path it took, so unbound here too"]
            items[1:1] = [cst.parse_statement(f"if {n} is {unbound}:\n    del {n}\n") for n in guarded]
        trailing: list[cst.BaseStatement] = [cst.parse_statement(line + "\n") for line in capture_lines(step.outputs)]
        if step.outputs:
            value = ", ".join(step.outputs)
            trailing.append(cst.parse_statement(f"return {value}\n"))
        params = [f"{cfg}: Config", *step.inputs]
        header = f"def {step.name}({', '.join(params)}):\n    pass\n"
        fn = cst.parse_statement(header)
        assert isinstance(fn, cst.FunctionDef)
        cells = ", ".join(str(c) for c in step.cells)
        doc = f'"""{_doc_title(step)}: notebook cells {cells}."""'
        body = function_body([cst.parse_statement(doc + "\n"), *items], trailing)
        fn = fn.with_changes(body=body)
        code = cst.Module(body=[fn]).code
        unbound_here = unbound_outputs(code, step.outputs, guarded) if step.outputs else ()
        if unbound_here:
            uses_unbound = True
            trailing[-1] = _unbound_return(step.outputs, unbound_here, unbound)
            fn = fn.with_changes(body=function_body([cst.parse_statement(doc + "\n"), *items], trailing))
            code = cst.Module(body=[fn]).code
        maybe_unbound.difference_update(step.outputs)
        maybe_unbound.update(unbound_here)
        step_functions.append(code)
    body_code = "\n\n".join(step_functions)
    used = _used_names(body_code)
    header_lines = [f'"""Steps compiled from {py_docstring_text(path)} by nbrefactor {__version__}; each function is one section of the notebook."""', ""]
    purity = plan.import_purity if plan.import_purity is not None else ImportPurity.from_catalog()
    header_lines += _import_block(imports, used, needs, local, purity)
    header_lines += import_lines(sorted({n for step in stage.steps for n in (*step.inputs, *step.outputs)}))
    header_lines.append("from .config import Config")
    if uses_unbound:
        header_lines.append("from .runtime import UNBOUND" if unbound == "UNBOUND" else f"from .runtime import UNBOUND as {unbound}")
    moved_used = sorted(n for n in moved if n in used)
    if moved_used:
        header_lines.append(f"from .functions import {', '.join(moved_used)}")
    if "save_figure" in needs or "save_figure" in used:
        header_lines.append("from nbrefactor_runtime.artifacts import save_figure")
    source = "\n".join(header_lines) + "\n\n\n" + body_code
    # Imports of vendored code inside the cells' code (in a `try:`, in a function) become relative too.
    source = relative_imports(source, local, 0) if local else source
    if "run_program" in needs:
        # `%run`'s helper (`run_magic`), after the local-import rewrite: its imports are the standard
        # library's even when the notebook's folder holds a `glob.py`.
        source = source.rstrip("\n") + "\n\n\n" + RUN_HELPER_SOURCE.strip("\n") + "\n"
    source = _with_display_fallback(source)
    return _StageCode(source, review, changes, replaced, functions, imports, uses_unbound)


def _unbound_return(outputs: Sequence[str], unbound_here: Sequence[str], unbound: str) -> cst.BaseStatement:
    """`return a, locals().get("b", UNBOUND)`: a name not bound on every path through the step
    (`definite.unbound_outputs`) is returned as the sentinel when the path taken left it unbound,
    where a plain `return b` would raise UnboundLocalError and the notebook went on."""
    values = ", ".join(f"locals().get({py_literal(o)}, {unbound})" if o in unbound_here else o for o in outputs)
    why = f"# nbrefactor: {_names_text(unbound_here)} not bound on every path through this step: {unbound} where the path taken left one unbound"
    statement = cst.parse_statement(f"return {values}\n")
    comment = cst.EmptyLine(indent=True, comment=cst.Comment(why))
    return statement.with_changes(leading_lines=[comment])


def _names_text(names: Sequence[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


def unbound_name(plan: ModelPlan) -> str:
    """The sentinel's name in the step modules: `UNBOUND`, unless the notebook uses that name."""
    used: set[str] = set()
    for stage in plan.stages:
        for ca in stage.facts.cells:
            used |= {r.name for r in (*ca.facts.defined, *ca.facts.reads, *ca.facts.deferred_reads)}
    return "UNBOUND" if "UNBOUND" not in used else "NBREFACTOR_UNBOUND"


def _kept_definition(stage: StagePlan, outcomes: dict[int, CellOutcome], name: str, before: int) -> Optional[cst.BaseStatement]:
    """The transformed top-level `def`/`class` of `name` from the last cell above `before`."""
    found = None
    for ca in stage.facts.cells:
        if ca.cell.index >= before or ca.cell.index not in outcomes:
            continue
        for item in outcomes[ca.cell.index].items:
            if isinstance(item, (cst.FunctionDef, cst.ClassDef)) and item.name.value == name:
                found = item
            elif (isinstance(item, cst.SimpleStatementLine) and len(item.body) == 1 and isinstance(item.body[0], cst.Assign)
                  and len(item.body[0].targets) == 1 and isinstance(item.body[0].targets[0].target, cst.Name)
                  and item.body[0].targets[0].target.value == name):
                found = item  # a credential's line (plan.secret_names)
    return found


def _pipeline_lines(plan: ModelPlan, cfg: str) -> list[Serialised]:
    """The body of `pipeline._run_steps`: built from identifiers (checked) and literals only."""
    lines = []
    for s in plan.steps:
        call = f"_{py_name(s.module)}.{py_name(s.name)}({', '.join(py_name(n) for n in [cfg, *s.inputs])})"
        lines.append(f"{', '.join(py_name(o) for o in s.outputs)} = {call}" if s.outputs else call)
        values = ", ".join(f"{py_literal(o)}: {py_name(o)}" for o in s.outputs)
        lines.append(f"_notify({py_literal(s.name)}, {{{values}}})")
    lines.append("return {" + ", ".join(f"{py_literal(n)}: {py_name(n)}" for n in plan.final) + "}")
    return [Serialised(line) for line in lines]


def config_name(plan: ModelPlan) -> str:
    """The config parameter's name: `cfg`, unless the notebook already uses that name."""
    used: set[str] = set()
    for stage in plan.stages:
        for ca in stage.facts.cells:
            used |= {r.name for r in (*ca.facts.defined, *ca.facts.reads, *ca.facts.deferred_reads)}
    return next(n for n in ("cfg", "config", "settings", "run_config", "nbrefactor_config") if n not in used)


def _doc_title(step: StepPlan) -> str:
    # The heading is input text: escaped so it cannot close the docstring (`literals`).
    title = str(py_docstring_text(step.title)).strip()
    return title[:1].upper() + title[1:] if title else step.name


def _step_of(stage: StagePlan, ca: CellAnalysis) -> str:
    for step in stage.steps:
        if ca.cell.index in step.cells:
            return step.name
    return "cell"


def _used_names(code: str) -> set[str]:
    names: set[str] = set()
    try:
        module = cst.parse_module(code)
    except cst.ParserSyntaxError:
        return names

    class Collector(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            names.add(node.value)

    module.visit(Collector())
    return names


def _import_block(imports: list[cst.SimpleStatementLine], used: set[str], needs: set[str], local: frozenset[str] = frozenset(),
                  purity: Optional[ImportPurity] = None) -> list[str]:
    """One import per line, deduplicated, those whose bound name the module uses; imports of the
    notebook's own modules (copied into the package) become relative. With `purity` (a stage
    module: the one the pipeline always imports), an import nothing reads is kept too unless its
    module is known to be side-effect free (compile/pure_imports.py): importing it may be what the
    notebook needed (a registration, a style, a feature switch)."""
    lines: list[str] = []
    std = sorted(n for n in needs if n in ("os", "subprocess", "runpy", "pathlib", "sys"))
    lines += [f"import {n}" for n in std]
    seen: set[str] = set(lines)
    future: list[str] = []
    for stmt_line in imports:
        for stmt in stmt_line.body:
            for text, bound in _split_import(stmt):
                modules = _imported_modules(text)
                text = _relative_if_local(text, local)
                if text in seen:
                    continue
                if bound == "*" or bound in used or text.startswith("from __future__"):
                    seen.add(text)
                    (future if text.startswith("from __future__") else lines).append(text)
                elif purity is not None and (modules[0].split(".")[0] in local or not all(purity.droppable(m) for m in modules)):
                    seen.add(text)
                    lines += ["# nbrefactor: nothing reads it, but importing it may act (not side-effect free in rules/imports.toml)",
                              f"{text}  # noqa: F401"]
    return future + lines


def _imported_modules(text: str) -> tuple[str, ...]:
    """The modules an import line (as `_split_import` writes it) imports: `import a.b as c` → a.b;
    `from a import b` → a, and a.b in case `b` is a submodule."""
    words = text.split()
    if words[0] == "import":
        return (words[1],)
    module, name = words[1], words[3]
    return (module,) if name == "*" or module.startswith(".") else (module, f"{module}.{name}")


def _split_import(stmt: cst.BaseSmallStatement) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    empty = cst.Module(body=[])
    if isinstance(stmt, cst.Import):
        for alias in stmt.names:
            name = empty.code_for_node(alias.name)
            if alias.asname is not None:
                bound = empty.code_for_node(alias.asname.name)
                out.append((f"import {name} as {bound}", bound))
            else:
                out.append((f"import {name}", name.split(".")[0]))
    elif isinstance(stmt, cst.ImportFrom):
        module = ("." * len(stmt.relative)) + (empty.code_for_node(stmt.module) if stmt.module is not None else "")
        if isinstance(stmt.names, cst.ImportStar):
            out.append((f"from {module} import *", "*"))
        else:
            for alias in stmt.names:
                name = empty.code_for_node(alias.name)
                if alias.asname is not None:
                    bound = empty.code_for_node(alias.asname.name)
                    out.append((f"from {module} import {name} as {bound}", bound))
                else:
                    out.append((f"from {module} import {name}", name))
    return out


def _functions_module(plan: ModelPlan, functions: list[str], imports: list[cst.SimpleStatementLine], local: frozenset[str] = frozenset()) -> str:
    body = "\n\n\n".join(dict.fromkeys(functions))
    used = _used_names(body)
    header = [f'"""Functions and classes defined in the notebook{"s" if len(plan.stages) > 1 else ""}, moved here by nbrefactor {__version__}."""', ""]
    header += _import_block(imports, used, set(), local)
    source = "\n".join(header) + "\n\n\n" + body + "\n"
    return _with_display_fallback(relative_imports(source, local, 0) if local else source)


# `display` is a builtin of the IPython kernel: a call left inside a block (a loop showing each
# frame's head, a helper function) raised NameError in the package (fair check 14: a competition's
# blending notebook). Outside a kernel it has nowhere to show: the package shows nothing, as a
# top-level `display(x)`, which is dropped, shows nothing.
DISPLAY_FALLBACK = '''
def display(*objs, **kwargs):
    """IPython's `display`, a builtin of the notebook's kernel (nbrefactor): what it showed was the
    notebook's output, not a value, and the package shows nothing."""
'''


def _with_display_fallback(source: str) -> str:
    """`source` and, when it reads the name `display` that nothing in it binds, `DISPLAY_FALLBACK`."""
    import ast

    if "display" not in source:
        return source
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    reads = binds = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "display":
            reads |= isinstance(node.ctx, ast.Load)
            binds |= not isinstance(node.ctx, ast.Load)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == "display":
            binds = True
        elif isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) == "display" or isinstance(node, ast.alias) and node.name == "*":
            binds = True  # (a star import may bind it: left as the notebook had it)
        elif isinstance(node, ast.arg) and node.arg == "display":
            binds = True
    if not reads or binds:
        return source
    return source.rstrip("\n") + "\n\n\n" + DISPLAY_FALLBACK.strip("\n") + "\n"


def _relative_if_local(text: str, local: frozenset[str]) -> str:
    """`import helpers` → `from . import helpers`; `from helpers import f` → `from .helpers import f` (`local_code.relative_import`)."""
    return relative_import(text, local) if local else text


# --- formatting ---------------------------------------------------------------------------------


def _format(tree: FileTree, verbatim: frozenset[str] = frozenset()) -> FileTree:
    import black

    mode = black.Mode(target_versions={black.TargetVersion.PY311})
    out: FileTree = {}
    for path, content in tree.items():
        if path.endswith(".py") and isinstance(content, str) and path not in verbatim:
            try:
                content = black.format_str(content, mode=mode)
            except black.InvalidInput as exc:  # keep the unformatted text: it is still what we meant
                content = content + f"\n# nbrefactor: black could not format this file: {exc}\n"
        out[path] = content
    return out
