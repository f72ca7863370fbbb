"""Plan: facts + diagnostics → `ModelPlan` (what each step reads and returns, what moves where,
which literals become config). Pure: nothing here reads or writes files (`plan_model` loads the
shipped rule catalogue only when the caller passes none).

The data flow is the audit's one def-use engine, `dataflow` (`def_use(facts, package=True)`:
the bindings the package makes; `NameFlow.groups` per step; `link_groups`): a step's parameters
are exactly the names it reads that an earlier step of the same notebook defines *or changes in
place*; its return values are exactly the names a later step reads from it. This module adds the
compiler's policy on top of those facts: which names are data (not imports, moved definitions or
builtins), the final values, fitted models, shown numbers, shared references, redefinitions.
In-place mutation makes the mutating step the provider (Soorgeon misses this and computes stale data); a name read before any
step defines it blocks the compile (Kale compiles it and fails at run time).
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, Mapping, Optional, Sequence

import libcst as cst

from nbrefactor.audit.analysis import BUILTIN_NAMES, CellAnalysis, NotebookFacts, analyse_cell, cell_python_tree
from nbrefactor.audit.catalog import Catalog, load_catalog
from nbrefactor.compile.pure_imports import ImportPurity
from nbrefactor.audit.dataflow import NameFlow, def_use, link_groups
from nbrefactor.compile.inline_run import InlinedRun, inline_written_runs
from nbrefactor.compile.random_state import carry_random_state
from nbrefactor.compile.resources import resource_names, resource_span
from nbrefactor.audit.types import Cell, Diagnostic
from nbrefactor.compile.plan_document import ConfigRecord, PlanDocument, StepRecord
from nbrefactor.compile.sections import Section, Sectioning, cut_at_word, full_identifier, identifier, split_sections, unique



@lru_cache(maxsize=512)
def parsed_cell(python: str) -> Optional[cst.Module]:
    """A cell's masked source as a libcst module, parsed once: the planner reads the same cells for
    links, definitions and moves (libcst nodes are immutable, so sharing the tree is safe); None
    when libcst cannot parse it."""
    try:
        return cst.parse_module(python)
    except cst.ParserSyntaxError:
        return None


def cell_module(ca: CellAnalysis) -> Optional[cst.Module]:
    """`parsed_cell` of an analysed cell, or None for a cell that is not Python, is empty, or does
    not parse: the guard the planner's libcst readers share (`analysis.cell_python_tree`'s)."""
    if ca.facts.syntax_error is not None or not ca.masked.is_python or not ca.masked.python.strip():
        return None
    return parsed_cell(ca.masked.python)

def _codes(blocks_compile: bool = False, compile_fix: str = "") -> frozenset[str]:
    """Rule codes by what they mean to the compiler (class attributes of the rules)."""
    from nbrefactor.audit.rules import all_rules

    return frozenset(
        r.code for r in all_rules() if (blocks_compile and r.blocks_compile) or (compile_fix and r.compile_fix == compile_fix)
    )


BLOCKING_CODES = _codes(blocks_compile=True)  # HID003, HID004, STR001, STR002
PATH_CODES = _codes(compile_fix="config")  # PTH001, PTH002, PTH003, PTH006: fixed where the literal is replaced
SECRET_CODES = _codes(compile_fix="secret")  # SEC001, SEC003
REQUIREMENT_CODES = _codes(compile_fix="requirements")  # DEP003
FIT_METHODS = frozenset({"fit", "partial_fit", "fit_transform", "fit_predict", "train"})

SEED_KEYWORDS = ("random_state", "random_seed", "seed")


@dataclass(frozen=True)
class ConfigField:
    name: str
    type: str  # str | int | float
    default: Any
    kind: str  # path | url | seed | parameter | secret | device | setting (a tracking project's name)
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
    # Functions/classes of an earlier step this step defines again at its top, so that they read
    # the globals as this step has them (a later step rebound one of them).
    redefined: tuple[str, ...] = ()


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
    # a cell ending in an expression that only showed a number → the name its value is kept as
    logged: dict[int, str] = None  # type: ignore[assignment]
    # `%run -i` lines replaced by the text the notebook's `%%writefile` cell wrote (compile/inline_run.py)
    inlined: tuple[InlinedRun, ...] = ()


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
    # which unread imports a module may leave out (rules/imports.toml); None: the shipped catalogue's
    import_purity: Optional[ImportPurity] = None
    # Findings the audit folded into another rule's finding (in no report) whose literals were
    # lifted into the config: fixed too, so MIGRATION.md lists them (not as findings of their own).
    fixed_folded: tuple[Diagnostic, ...] = ()

    @property
    def steps(self) -> tuple[StepPlan, ...]:
        return tuple(s for stage in self.stages for s in stage.steps)

    @property
    def final(self) -> tuple[str, ...]:
        return self.stages[-1].final if self.stages else ()

    def document(self) -> PlanDocument:
        """The plan as plain data (plan.json, the dry-run text, the report, `verify`)."""
        from nbrefactor import __version__

        return PlanDocument(
            model=self.model,
            package=self.package,
            notebooks=tuple(s.notebook for s in self.stages),
            steps=tuple(
                StepRecord(s.name, f"{self.package}.{s.module}", s.name, s.notebook, s.cells, s.inputs, s.outputs, s.title)
                for s in self.steps
            ),
            final=self.final,
            config=tuple(ConfigRecord(f.name, f.type, f.default, f.kind, f.direction, f.origins) for f in self.config_fields),
            generator=f"nbrefactor {__version__}",
        )

    def to_dict(self) -> dict[str, Any]:
        """plan.json's content; `PlanDocument.from_dict` reads it back."""
        return self.document().to_dict()


# --- naming ------------------------------------------------------------------------------------


PACKAGE_NAME_LIMIT = 40  # longer names are cut at a word boundary and given a hash of the whole name
_CUT_TO = 32


def package_name(text: str) -> str:
    """A readable, valid and *stable* package name: `03.01-Introducing-Pandas-Objects` →
    `introducing_pandas_objects`. A name longer than 40 characters is cut at a word boundary and
    ends in 6 hex digits of the SHA-256 of the whole name, so two long names that share their
    first words never collide, and a name never depends on which other notebooks are in the batch.
    Idempotent: a name this function returns comes back unchanged."""
    name = full_identifier(text, "model")
    if name[0].isdigit():  # pragma: no cover - full_identifier strips leading digits
        name = f"model_{name}"
    if len(name) <= PACKAGE_NAME_LIMIT:
        return name
    return f"{cut_at_word(name, _CUT_TO)}_{_short_hash(name)}"


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]


def model_names(notebook_paths: list[str]) -> dict[str, str]:
    """One model per notebook by default: the sanitised file stem, or `<folder>_<stem>` where two
    notebooks share a stem; where even that collides, the name ends in a hash of the notebook's
    path. Every name depends only on its own notebook's path and the names it collides with, never
    on its position in the batch, and the names are unique (a second model never writes into the
    folder another one owns)."""
    stems: dict[str, list[str]] = {}
    for path in sorted(notebook_paths):
        stems.setdefault(package_name(PurePosixPath(path).stem), []).append(path)
    names: dict[str, str] = {}
    for stem, paths in sorted(stems.items()):
        for path in paths:
            if len(paths) == 1:
                names[path] = stem
            else:
                parent = PurePosixPath(path).parent.name
                names[path] = package_name(f"{parent}_{PurePosixPath(path).stem}") if parent else stem
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    for path, name in sorted(names.items()):
        if counts[name] > 1:
            names[path] = distinct_name(name, path)
    assert len(set(names.values())) == len(names), "model names must be unique"
    return names


def distinct_name(name: str, key: str) -> str:
    """`name` made distinct by a hash of `key` (a notebook path): stable across runs."""
    return f"{cut_at_word(name, _CUT_TO)}_{_short_hash(key)}"


# --- the plan ----------------------------------------------------------------------------------


def plan_model(
    model: str,
    notebooks: list[tuple[NotebookFacts, tuple[Diagnostic, ...]]],
    allow_hidden_state: bool = False,
    catalog: Optional[Catalog] = None,
    folded: Sequence[Diagnostic] = (),
) -> ModelPlan:
    """`catalog`: the rule catalogue the notebooks were audited with (default: the shipped one); the
    compiler reads path directions (io_calls.toml) and seeding calls (randomness.toml) from it.
    `folded`: the findings the audit folded into another rule's finding (`Analysis.folded`): fixed
    like the reported ones (their literals lifted into the config), though no report lists them."""
    catalog = catalog if catalog is not None else load_catalog()
    package = package_name(model)
    review: list[ReviewItem] = []
    blocking: list[Diagnostic] = []
    fixed: list[Diagnostic] = []
    all_diagnostics: list[Diagnostic] = []
    stages: list[StagePlan] = []
    # Modules the package itself has: a stage (one per notebook) must not take one of their names.
    stage_names: set[str] = {"config", "pipeline", "functions", "artifacts", "cli", "__main__", "__init__", "tracking",
                             "validate", "monitor", "serving", "kfp_runtime", "runtime", "data_profile", "steps"}
    fields, replacements, lifted, lifted_folded = _config(notebooks, catalog, folded)
    for facts, diagnostics in notebooks:
        all_diagnostics.extend(diagnostics)
        # A finding that folds blocking ones (HID002 with a never-run sketch's HID003/HID004 reads
        # as related locations) says so in its data: it blocks as they would.
        blocking.extend(d for d in diagnostics if d.code in BLOCKING_CODES or any(k == "blocks_compile" for k, _ in d.data))
        path = facts.notebook.path
        module = "steps" if len(notebooks) == 1 else unique(package_name(PurePosixPath(path).stem), stage_names)
        # `%run -i` of a script the notebook wrote above: its text becomes the cell's code (inline_run).
        facts, inlined = inline_written_runs(facts, ((cell, line) for (nb, cell, line, _), _ in replacements.items() if nb == path))
        stages.append(replace(_plan_stage(facts, module, review, catalog), inlined=inlined))
    fixed.extend(lifted)
    # pip installs move to requirements; a system package install (`!apt-get install`) does not: the
    # compiler removes it for review (it belongs in the image).
    fixed.extend(d for d in all_diagnostics if d.code in REQUIREMENT_CODES and "system_packages" not in dict(d.data))
    if allow_hidden_state:
        for d in blocking:
            review.append(ReviewItem(d.location.path, d.location.cell, d.location.line, f"{d.code} {d.message} (compiled with --allow-hidden-state)"))
            # A folded finding's other places (related locations) block too: each is reviewed.
            for r in d.related:
                review.append(ReviewItem(r.path, r.cell, r.line, f"{d.code} same cause as cell {d.location.cell}: {d.message} (compiled with --allow-hidden-state)"))
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
        import_purity=ImportPurity.from_catalog(catalog),
        fixed_folded=tuple(sorted(lifted_folded, key=Diagnostic.sort_key)),
    )


@dataclass(frozen=True)
class _Flow:
    """Per step (section), in order: the data names it reads from outside itself, the names it
    binds, and the names it provides to later steps (binds or changes in place) — `dataflow`'s
    `GroupFlow`s with the compiler's "is this data" filter applied."""

    reads: tuple[tuple[str, ...], ...]
    defines: tuple[tuple[str, ...], ...]
    provides: tuple[frozenset[str], ...]


def _section_flow(sections: list[Section], flow: NameFlow, is_data) -> _Flow:  # noqa: ANN001
    groups = flow.groups([s.cell_indices for s in sections])
    return _Flow(
        tuple(tuple(n for n in g.reads if is_data(n)) for g in groups),
        tuple(tuple(n for n in g.defines if is_data(n)) for g in groups),
        tuple(frozenset(n for n in g.writes if is_data(n)) for g in groups),
    )


def _plan_stage(facts: NotebookFacts, module: str, review: list[ReviewItem], catalog: Optional[Catalog] = None) -> StagePlan:
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

    # One def-use engine: the audit's `dataflow`, resolving the bindings the package makes.
    name_flow = def_use(facts, package=True)
    injected = name_flow.run_bindings()
    step_sections = [s for s in sectioning.sections if s.role != "imports"]
    # Objects that share references must not be separated by a step boundary: each kfp component
    # unpickles its own copy of every input, so an optimizer would update a copy of the model.
    links = alias_links(facts, is_data)
    merged_notes: list[str] = []
    while True:
        flow = _section_flow(step_sections, name_flow, is_data)
        span = _split_alias(step_sections, flow, links)
        if span is None:
            break
        first, last, (holder, held) = span
        merged_notes.append(
            f"steps {', '.join(s.name for s in step_sections[first:last + 1])} merged into one: `{holder}` holds a reference to "
            f"`{held}` (as an optimizer holds its model's parameters, or a pipeline its fitted steps), and the steps run as "
            "separate processes that would each unpickle their own copy"
        )
        step_sections = _merge_sections(step_sections, first, last)
    # Open files, locks, connections, generators cannot be pickled: never passed between steps.
    resources = resource_names(facts)
    while (span := resource_span(step_sections, flow, resources)) is not None:
        first, last, name, what = span
        merged_notes.append(f"steps {', '.join(s.name for s in step_sections[first:last + 1])} merged into one: `{name}` is {what}, "
                            "which cannot be pickled, and the steps run as separate processes that pass values pickled")
        step_sections = _merge_sections(step_sections, first, last)
        flow = _section_flow(step_sections, name_flow, is_data)
    # A credential is read again in each step that uses it (below), unless it cannot be: it waits
    # for a person (a browser login, a pasted code), or a value it is computed from is bound again
    # before the use. Then it stays in one process: the steps from where it is made to where it is
    # used become one, and a person is told.
    secrets = secret_names(facts, catalog if catalog is not None else load_catalog())
    stuck = unrecoverable_credentials(facts, secrets, is_data)
    for name, (cell, line, why) in sorted(stuck.items(), key=lambda item: item[1][:2]):
        review.append(ReviewItem(path, cell, line, f"`{name}` is a credential that {why}: a pipeline step cannot obtain it again, "
                                 "and it is never passed between steps (it would be a stored, readable artifact)"))
    while (span := resource_span(step_sections, flow, {n: "" for n in stuck})) is not None:
        first, last, name, _ = span
        cell, line, _why = stuck[name]
        review.append(ReviewItem(path, cell, line, (
            f"steps {', '.join(s.name for s in step_sections[first:last + 1])} merged into one: `{name}` (cell {cell}, line {line}) "
            "is a credential no later step can obtain again, and it is never passed between steps; on a cluster, give the step a "
            "credential it can read without a person (a service-account key or token from a Kubernetes secret, through an "
            "environment variable)")))
        step_sections = _merge_sections(step_sections, first, last)
        flow = _section_flow(step_sections, name_flow, is_data)
    cell_of_step = {ca.cell.index: i for i, section in enumerate(step_sections) for ca in section.cells}
    for ca in facts.cells:
        for ref in ca.facts.classes:
            if ref.name in moved or ca.cell.index not in cell_of_step:
                continue
            free = sorted(_free_data_names(facts, ref.name, is_data))
            reason = ("it reads notebook globals " + ", ".join(f"`{n}`" for n in free)) if free else "it is defined more than once or declares `global`"
            review.append(ReviewItem(path, ca.cell.index, ref.line, (
                f"class `{ref.name}` stays inside step `{step_sections[cell_of_step[ca.cell.index]].name}` because {reason}: its instances "
                "are not of a module-level class (they pickle by value only); pass those values as arguments to let it move to the functions module")))
    for note in merged_notes:
        review.append(ReviewItem(path, None, None, note))

    reads_by_step = [list(r) for r in flow.reads]
    defines_by_step = [list(d) for d in flow.defines]
    provides_by_step = [set(p) for p in flow.provides]

    # `np.average(cross_val_score(…))` as a cell's last line showed a number and kept nothing: the
    # package keeps the number as a step value (tracking logs it as a metric, verify compares it).
    logged = logged_displays(facts, step_sections)
    for cell, name in logged.items():
        i = cell_of_step[cell]
        defines_by_step[i].append(name)
        provides_by_step[i].add(name)

    # A function kept in a step reads its globals when it is *called*: a step that calls it after
    # a later step rebound one of them gets its own copy of the definition (closing over the
    # step's names, which hold the latest bindings), instead of the stale closure.
    redefined = _redefinitions(facts, step_sections, reads_by_step, provides_by_step, cell_of_step, moved, is_data)
    # A credential never crosses a step boundary (it would be a pickled kfp artifact, stored and
    # readable): a step that reads one computes it again itself — the same environment variable,
    # config field or `getpass` replacement, the same call — from the credentials its line reads
    # (computed again too) and the other values it reads, which reach the step as inputs.
    for i, reads in enumerate(reads_by_step):
        for name in [n for n in reads if n in secrets]:
            provider = next((j for j in range(i - 1, -1, -1) if name in provides_by_step[j]), None)
            if provider is None:
                continue
            chain = [name]  # the credential and the credentials its line reads, read again in order
            for n in chain:
                chain.extend(d for d in sorted(secrets[n][1]) if d in secrets and d not in chain)
            needs = sorted({d for n in chain for d in secrets[n][1] if is_data(d) and d not in secrets})
            missing = [d for d in needs if d in resources or not any(d in provides_by_step[j] for j in range(i))]
            if missing:  # not seen above (bound only inside the step?): said, and it is not read again
                review.append(ReviewItem(path, secrets[name][0], secrets[name][2][1], (
                    f"`{name}` holds a credential and passes from step `{step_sections[provider].name}` to "
                    f"`{step_sections[i].name}` as a stored artifact: read it in the step that uses it (it is computed "
                    f"from {', '.join(f'`{n}`' for n in missing)}, which that step cannot take)")))
                continue
            for d in needs:
                if d not in reads_by_step[i]:
                    reads_by_step[i].append(d)
            known = redefined.get(i, ())
            redefined[i] = (*known, *sorted((n for n in chain if n not in known), key=lambda n: secrets[n][2]))
    for i, names in redefined.items():
        for name in names:
            if name in reads_by_step[i]:
                reads_by_step[i].remove(name)
            if name not in defines_by_step[i]:
                defines_by_step[i].append(name)
            provides_by_step[i].add(name)
        for g in sorted({g for name in names for g in _free_data_names(facts, name, is_data)} - set(names)):
            if g not in reads_by_step[i] and any(g in provides_by_step[j] for j in range(i)):
                reads_by_step[i].append(g)

    # A name never written above is no input: the audit's HID003/HID004 block or review it.
    linked_inputs, linked_outputs = link_groups(reads_by_step, provides_by_step)
    inputs = [list(names) for names in linked_inputs]
    outputs = [set(names) for names in linked_outputs]

    final: tuple[str, ...] = ()
    if step_sections:
        last = len(step_sections) - 1
        # Loop variables and `_` are leftovers of the last cell's loops, not results.
        leftovers = loop_only_names(step_sections[last])
        final = tuple(n for n in defines_by_step[last] if n not in leftovers and n not in secrets and n not in resources)
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
    for cell, name in logged.items():
        outputs[cell_of_step[cell]].add(name)
    # A seeded global generator's state crosses steps like a value (compile/random_state.py).
    for state in carry_random_state(step_sections, inputs, outputs, facts, catalog):
        drawing_step = step_sections[state.draw_step].name
        review.append(ReviewItem(path, state.draw_cell, None, (
            f"{state.library}'s global generator is seeded in cell {state.seed_cell} and drawn from here, in step "
            f"`{drawing_step}`: its state cannot be carried from step to step as Python's, NumPy's and torch's are. "
            f"Run in one process (the package's CLI, `verify`) the generator goes on from the seed as in the notebook; "
            f"run as a process of its own (a kfp component, `runtime.run_step`) the step starts unseeded, and its numbers "
            f"differ from the notebook's and from run to run")))

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
                redefined=tuple(redefined.get(i, ())),
            )
        )
    kept = [s for s in sectioning.sections if s.role == "imports"]
    sectioning = Sectioning(sectioning.source, (*kept, *step_sections), sectioning.skipped)
    return StagePlan(path, module, facts, sectioning, tuple(steps), tuple(moved), import_names, tuple(sorted(final)), injected, logged)


# Names of credentials the catalogue's SEC003 names miss: `creds`, an OAuth `auth_code`.
CREDENTIAL_NAMES = re.compile(r"(?:^|_)(?:creds?|credentials?|auth_?code|oauth_?code|bearer|access_?token|refresh_?token|id_?token)$", re.I)
_SECRET_SOURCES = ("getpass.getpass", "getpass", "os.getenv", "os.environ.get", "os.environ.__getitem__")
# Calls whose result is a credential whatever it is named: OAuth flows and credential loaders
# (google-auth-oauthlib, google-auth, MSAL, requests-oauthlib), token getters.
AUTH_CALLS = re.compile(
    r"^(?:from_client_secrets_file|from_client_config|from_service_account_(?:file|info)|from_authorized_user_(?:file|info)"
    r"|run_local_server|run_console|fetch_token|refresh_token|get_credentials|authenticate|authorize"
    r"|(?:get|acquire|request|fetch|obtain|generate|create|issue)_(?:access_|id_|auth_|bearer_|oauth_)?token(?:_\w+)?)$"
)
# Calls that wait for a person (a browser login, a pasted code): a package cannot make them again.
INTERACTIVE_CALLS = re.compile(r"^(?:run_local_server|run_console|acquire_token_interactive|acquire_token_by_device_flow|notebook_login|interpreter_login)$")
# Methods of a credential whose result is the credential again, serialised or narrowed (google-auth).
CREDENTIAL_METHODS = re.compile(r"^(?:to_json|to_dict|copy|with_scopes|with_subject|with_quota_project|with_claims|with_token_uri)$")
# Attributes of a credential object that are facts about it, not secrets (google-auth Credentials).
CREDENTIAL_STATUS = frozenset({"valid", "expired", "expiry", "scopes", "granted_scopes", "requires_scopes", "quota_project_id", "universe_domain"})
# An `input()` prompt asking for a credential.
SECRET_PROMPT = re.compile(r"pass(?:word|phrase)?|token|secret|api[ _-]?key|auth|verification code|\bcode\b|\botp\b|\bpin\b", re.I)
_INPUT_CALLEES = ("input", "builtins.input", "getpass", "getpass.getpass")


def secret_names(facts: NotebookFacts, catalog: Catalog) -> dict[str, tuple[int, frozenset[str], tuple[int, int], str]]:
    """Names a cell binds to a credential at its top level → (cell, the names its value reads,
    its position, the interactive call it makes or ""): a credential-like name (`token`,
    `api_key`, `creds`, `auth_code`…), a value from `getpass` or from an `input()` whose prompt
    asks for one, an environment variable named like a credential (`os.environ["API_TOKEN"]`), a
    value that holds one as it is (`{"Authorization": "Bearer " + token}`, `flow.credentials`), or
    a value computed from a credential source: an auth call's result (`flow.run_local_server()`,
    `InstalledAppFlow.from_client_secrets_file(…)`, `get_token(user, password)`,
    `msal_app.acquire_token_interactive(…)`), a credential's serialised or narrowed copy
    (`creds.to_json()`, `creds.with_scopes(…)`; not `password.startswith("x")`), a client made
    with `credentials=<credential>`. Not any other call's result that reads one (a response, a
    data frame read with a token are other objects).
    The interactive call is one that waits for a person (`run_local_server`, `run_console`,
    `input()`/`getpass()` inside a larger expression, which the compiler cannot turn into an
    environment read), on the line or in a credential the line reads."""
    import ast

    from nbrefactor.audit.secrets import credential_names

    names = credential_names(catalog)
    found: dict[str, tuple[int, frozenset[str], tuple[int, int], str]] = {}

    def last_name(func: ast.expr) -> str:
        return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""

    def spine(value: ast.expr):  # noqa: ANN202 - the calls whose result the value is: `input("…").strip()` → both
        node = value
        while isinstance(node, (ast.Call, ast.Attribute, ast.Subscript)):
            if isinstance(node, ast.Call):
                yield node
                node = node.func.value if isinstance(node.func, ast.Attribute) else node.func
            else:
                node = node.value

    def computed_from_secret(value: ast.expr) -> bool:
        # Only the calls the value is the result of, not calls in their arguments: a table read
        # with `storage_options={"token": get_token()}` is data, not a credential.
        for node in spine(value):
            if AUTH_CALLS.match(last_name(node.func)):
                return True
            callee = ast.unparse(node.func)
            if callee in ("getpass", "getpass.getpass"):
                return True
            if callee in ("input", "builtins.input") and node.args and isinstance(node.args[0], ast.Constant) and SECRET_PROMPT.search(str(node.args[0].value)):
                return True  # `code = input("paste the code: ").strip()`
            if (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and node.func.value.id in found
                    and CREDENTIAL_METHODS.match(node.func.attr)):
                return True  # `creds.to_json()`, not `password.startswith("x")`
            if any(k.arg in ("credentials", "creds") and (holds_secret(k.value) or computed_from_secret(k.value)) for k in node.keywords):
                return True  # `build("drive", "v3", credentials=creds)`: the client carries it
        return False

    def interactive_call(value: ast.expr, reads: frozenset[str]) -> str:
        for node in ast.walk(value):
            if isinstance(node, ast.Call):
                callee = ast.unparse(node.func)
                if INTERACTIVE_CALLS.match(last_name(node.func)) or (callee in _INPUT_CALLEES and node is not value):
                    return callee
        return next((found[n][3] for n in sorted(reads) if n in found and found[n][3]), "")

    def holds_secret(node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return node.id in found
        if isinstance(node, (ast.Call, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return False
        if isinstance(node, ast.Attribute) and node.attr in CREDENTIAL_STATUS:
            return False  # `creds.valid`: a fact about the credential, not the credential
        return any(holds_secret(child) for child in ast.iter_child_nodes(node))

    for ca in facts.cells:
        tree = cell_python_tree(ca)  # the audit's tree of the cell, parsed once per run
        if tree is None:
            continue
        for stmt in tree.body:
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
                continue
            target, value = stmt.targets[0].id, stmt.value
            literal = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
            secret = names.match(target, literal) or CREDENTIAL_NAMES.search(target) is not None or holds_secret(value)
            call = value.func if isinstance(value, ast.Call) else None
            key = value.args[0] if isinstance(value, ast.Call) and value.args else (value.slice if isinstance(value, ast.Subscript) else None)
            callee = ast.unparse(call) if call is not None else (ast.unparse(value.value) + ".__getitem__" if isinstance(value, ast.Subscript) else "")
            if callee in ("getpass.getpass", "getpass"):
                secret = True
            elif callee in ("input", "builtins.input") and isinstance(key, ast.Constant) and isinstance(key.value, str):
                secret = secret or SECRET_PROMPT.search(key.value) is not None  # `code = input("paste the auth code: ")`
            elif callee in _SECRET_SOURCES and isinstance(key, ast.Constant) and isinstance(key.value, str):
                secret = secret or names.match(key.value.lower()) or CREDENTIAL_NAMES.search(key.value) is not None
            secret = secret or computed_from_secret(value)
            if secret:
                reads = frozenset(n.id for n in ast.walk(value) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))
                found[target] = (ca.cell.index, reads, (ca.cell.index, stmt.lineno), interactive_call(value, reads))
            elif target in found:
                del found[target]  # bound again to something else
    return found


def unrecoverable_credentials(facts: NotebookFacts, secrets: Mapping[str, tuple[int, frozenset[str], tuple[int, int], str]], is_data) -> dict[str, tuple[int, int, str]]:  # noqa: ANN001
    """Credentials a later cell reads that a step could not compute again → (cell, line, why):
    made by a call that waits for a person (`flow.run_local_server()`, `input()` inside an
    expression), or computed from a value some cell binds again between the credential's line
    and that read (computing it again would use the new value)."""
    out: dict[str, tuple[int, int, str]] = {}
    cells = [ca for ca in facts.cells]
    for name, (cell, reads, (_, line), interactive) in secrets.items():
        later = [ca for ca in cells if ca.cell.index > cell and any(r.name == name for r in (*ca.facts.reads, *ca.facts.deferred_reads))]
        if not later:
            continue
        if interactive:
            out[name] = (cell, line, f"waits for a person (`{interactive}(…)` on line {line} of cell {cell})")
            continue
        needs = sorted(d for d in reads if is_data(d) and d not in secrets)
        last_read = max(ca.cell.index for ca in later)
        rebound = sorted({d for ca in cells if cell < ca.cell.index < last_read for d in needs if any(b.name == d for b in ca.facts.defined)})
        if rebound:
            out[name] = (cell, line, f"is computed from {', '.join(f'`{d}`' for d in rebound)}, bound again before it is used")
    return out


def logged_displays(facts: NotebookFacts, sections: list[Section]) -> dict[int, str]:
    """Cell → `shown_cell<N>` for cells whose last line is a side-effect-free expression that
    showed a number (a name the notebook does not use)."""
    from nbrefactor.compile.sections import notebook_names
    from nbrefactor.compile.transform import logged_display

    taken = set(notebook_names(facts))
    out: dict[int, str] = {}
    for section in sections:
        for ca in section.cells:
            if logged_display(ca, facts.resolve):
                out[ca.cell.index] = unique(f"shown_cell{ca.cell.index}", taken)
    return out


# --- shared references, rebound globals, leftovers ------------------------------------------------

# Calls that build an object holding references to their arguments (not copies of them).
WRAPPING_CALLS = ("sklearn.pipeline.", "sklearn.compose.", "sklearn.ensemble.Voting", "sklearn.ensemble.Stacking",
                  "sklearn.multiclass.", "sklearn.multioutput.", "torch.optim.", "torch.utils.data.",
                  "torch.nn.Sequential", "torch.nn.ModuleList", "torch.nn.ModuleDict", "tensorflow.keras.Sequential",
                  "keras.Sequential", "tensorflow.keras.Model", "keras.Model", "tensorflow.train.Checkpoint")
# Attributes and methods that hand out an object's own parts (`model.parameters()`).
PART_ACCESSORS = frozenset({"parameters", "named_parameters", "trainable_variables", "trainable_weights", "variables",
                            "weights", "params", "modules", "children", "state_dict", "steps", "named_steps",
                            "estimators_", "layers"})


def alias_links(facts: NotebookFacts, is_data) -> dict[int, list[tuple[str, str]]]:  # noqa: ANN001
    """Cell → (holder, held) pairs from its top-level assignments: `holder = held`, an argument
    `held.parameters()`, `held` inside a list/tuple/dict argument (`Pipeline([("s", scaler)])`),
    or `held` passed to a call that wraps its arguments (`make_pipeline(scaler, clf)`,
    `torch.optim.SGD(…)`). Copies (`train_test_split(X, y)`) are not links."""
    links: dict[int, list[tuple[str, str]]] = {}
    for ca in facts.cells:
        module = cell_module(ca)
        if module is None:
            continue
        found: list[tuple[str, str]] = []
        for stmt in module.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if isinstance(small, cst.Assign):
                    targets = [n for t in small.targets for n in _target_names(t.target)]
                    value = small.value
                elif isinstance(small, cst.AnnAssign) and small.value is not None:
                    targets, value = _target_names(small.target), small.value
                else:
                    continue
                for held in sorted(_held_names(value, facts.resolve)):
                    for holder in targets:
                        if holder != held and is_data(holder) and is_data(held):
                            found.append((holder, held))
        if found:
            links[ca.cell.index] = found
    return links


def _target_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _target_names(e.value)]
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return []


def _held_names(value: cst.BaseExpression, resolve) -> set[str]:  # noqa: ANN001
    from nbrefactor.audit.analysis import dotted_name

    if isinstance(value, cst.Name):
        return {value.value}
    held: set[str] = set()

    class Finder(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> None:
            if node.attr.value in PART_ACCESSORS and isinstance(node.value, cst.Name):
                held.add(node.value.value)

        def visit_Call(self, node: cst.Call) -> None:
            dotted = dotted_name(node.func)
            wraps = bool(dotted) and resolve(dotted).startswith(WRAPPING_CALLS)
            for arg in node.args:
                inner = arg.value
                if wraps and isinstance(inner, cst.Name):
                    held.add(inner.value)
                if isinstance(inner, (cst.List, cst.Tuple, cst.Set, cst.Dict)):
                    held.update(_container_names(inner))

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

    value.visit(Finder())
    return held


def _container_names(node: cst.CSTNode) -> set[str]:
    names: set[str] = set()
    if isinstance(node, cst.Name):
        names.add(node.value)
    elif isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        for e in node.elements:
            names |= _container_names(e.value)
    elif isinstance(node, cst.Dict):
        for e in node.elements:
            if isinstance(e, cst.DictElement):
                names |= _container_names(e.value)
    return names


def _split_alias(sections: list[Section], flow: _Flow, links: dict[int, list[tuple[str, str]]]) -> Optional[tuple[int, int, tuple[str, str]]]:
    """The first (earliest, widest) run of steps a shared reference crosses: the link is made in
    step C, and both the holder and the held object (neither rebound since) are read by steps
    after C. Those steps, from C to the last one that reads either, must be one step."""
    for c, section in enumerate(sections):
        for ca in section.cells:
            for holder, held in links.get(ca.cell.index, ()):
                later_holder = _later_readers(flow, c, holder)
                later_held = _later_readers(flow, c, held)
                if not (later_holder and later_held):
                    continue
                # Only a change made through one of them after the link can be lost: read-only
                # use of a copy (a DataLoader over a dataset both only iterated) computes the same.
                if any(_may_change(sections[j], name) for name in (holder, held) for j in (*later_holder, *later_held)):
                    return c, max(later_holder + later_held), (holder, held)
    return None


# Calls that only read their arguments (they cannot change the object they are given).
_READING_CALLS = frozenset({"len", "print", "display", "isinstance", "type", "repr", "str", "list", "tuple", "set", "dict",
                            "sorted", "enumerate", "zip", "iter", "next", "id", "hash", "float", "int", "bool", "sum",
                            "min", "max", "range", "round", "abs", "any", "all", "getattr", "hasattr", "vars", "dir"})


def _may_change(section: Section, name: str) -> bool:
    """The section changes `name` in place, calls one of its methods, or hands it to a call that
    could (anything but a reading builtin or a display-only method)."""
    from nbrefactor.compile.transform import PURE_DISPLAY_METHODS

    for ca in section.cells:
        if any(m.name == name for m in ca.facts.mutated):
            return True
        for call in ca.facts.calls:
            if call.receiver == name and call.method not in PURE_DISPLAY_METHODS:
                return True
            if call.func not in _READING_CALLS and any(a.name == name for a in call.args):
                return True
    return False


def _later_readers(flow: _Flow, c: int, name: str) -> list[int]:
    """Steps after `c` that read the value of `name` as it was in step `c` (until a step rebinds it)."""
    found = []
    for j in range(c + 1, len(flow.reads)):
        if name in flow.reads[j]:
            found.append(j)
        if name in flow.defines[j]:
            break
    return found


def _merge_sections(sections: list[Section], first: int, last: int) -> list[Section]:
    group = sections[first:last + 1]
    merged = Section(
        name=group[0].name,
        title=" + ".join(s.title for s in group),
        cells=tuple(ca for s in group for ca in s.cells),
        role="metrics" if group[-1].role == "metrics" else group[0].role,
        prev=group[0].prev,
    )
    return [*sections[:first], merged, *sections[last + 1:]]


def _redefinitions(facts, sections, reads_by_step, provides_by_step, cell_of_step, moved, is_data) -> dict[int, tuple[str, ...]]:  # noqa: ANN001
    """Step → the functions (and classes) it must define again at its top: it calls one defined in
    an earlier step D, and a global that definition reads was bound again in a step after D (up to
    and including this one)."""
    def_steps: dict[str, list[int]] = {}
    for ca in facts.cells:
        for ref in (*ca.facts.functions, *ca.facts.classes):
            if ref.name in moved or ca.cell.index not in cell_of_step:
                continue
            def_steps.setdefault(ref.name, []).append(cell_of_step[ca.cell.index])
    out: dict[int, list[str]] = {}
    changed = True
    while changed:
        changed = False
        for name, steps_defining in def_steps.items():
            free = _free_data_names(facts, name, is_data)
            for i, reads in enumerate(reads_by_step):
                if name not in reads or name in out.get(i, ()):
                    continue
                d = max((s for s in steps_defining if s < i), default=None)
                if d is None:
                    continue
                if any(g in provides_by_step[p] and g != name for g in free for p in range(d + 1, i + 1)):
                    out.setdefault(i, []).append(name)
                    for g in free:  # its globals are now read here (another stale closure is caught next round)
                        if g not in reads and g != name and any(g in provides_by_step[j] for j in range(i)):
                            reads.append(g)
                    changed = True
    return {i: tuple(names) for i, names in out.items()}


def _free_data_names(facts: NotebookFacts, name: str, is_data) -> set[str]:  # noqa: ANN001
    """Globals the (last) top-level definition of `name` reads when it is called."""
    for ca in reversed(facts.cells):
        if not any(r.name == name for r in (*ca.facts.functions, *ca.facts.classes)):
            continue
        node = _definition_node(ca, name)
        if node is None:
            return set()
        sub = analyse_cell(Cell(0, "code", cst.Module(body=[]).code_for_node(node)))
        return {r.name for r in (*sub.facts.reads, *sub.facts.deferred_reads) if is_data(r.name) and r.name != name}
    return set()


def _definition_node(ca: CellAnalysis, name: str) -> Optional[cst.CSTNode]:
    module = cell_module(ca)
    if module is None:
        return None
    found = None
    for stmt in module.body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) and stmt.name.value == name:
            found = stmt
    return found


def loop_only_names(section: Section) -> frozenset[str]:
    """`_`, and names the section binds only as `for` targets (nested loops included) outside
    any function: loop variables are leftovers, not results."""
    loop_targets: set[str] = set()
    other: set[str] = set()

    class Bindings(cst.CSTVisitor):
        def visit_For(self, node: cst.For) -> None:
            loop_targets.update(_target_names(node.target))

        def visit_Assign(self, node: cst.Assign) -> None:
            for t in node.targets:
                other.update(_target_names(t.target))

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            other.update(_target_names(node.target))

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            other.update(_target_names(node.target))

        def visit_AsName(self, node: cst.AsName) -> None:
            other.update(_target_names(node.name))

        def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
            other.update(_target_names(node.target))

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            other.add(node.name.value)
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            other.add(node.name.value)
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_ListComp(self, node: cst.ListComp) -> bool:
            return False  # comprehension variables never leave the comprehension

        visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_ListComp

    for ca in section.cells:
        module = cell_module(ca)
        if module is None:
            continue
        module.visit(Bindings())
        other.update(imp.bound for imp in ca.facts.imports)
    return frozenset((loop_targets - other) | {"_"})


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
        module = cell_module(ca)
        if module is None:
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
    catalog: Catalog,
    folded: Sequence[Diagnostic] = (),
) -> tuple[tuple[ConfigField, ...], dict[tuple[str, int, int, int], str], list[Diagnostic], list[Diagnostic]]:
    """The config fields, each lifted literal's field, and the findings whose literals were
    lifted: the reported ones, then the folded ones (`plan_model`'s `folded`)."""
    by_value: dict[tuple[str, Any], str] = {}
    fields: dict[str, ConfigField] = {}
    replacements: dict[tuple[str, int, int, int], str] = {}
    lifted: list[Diagnostic] = []
    lifted_folded: list[Diagnostic] = []
    taken: set[str] = {"artifacts_dir"}
    seed_calls = catalog.derived("compile:seed-calls", _seed_calls)

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
        # A finding folded into another rule's for the report (a `download=True` dataset's root,
        # PTH007's) is lifted as when it was reported, in the same order; it is not a fixed finding
        # (the report never showed it), but MIGRATION.md says its literal was lifted.
        unreported = {id(d) for d in folded if d.location.path == path}
        merged = sorted((*diagnostics, *(d for d in folded if id(d) in unreported)), key=Diagnostic.sort_key) if unreported else diagnostics
        for d in merged:
            if d.code not in PATH_CODES or d.location.cell is None or d.location.line is None:
                continue
            # One finding per root cause: the same path literal elsewhere (saved, then read back)
            # is a related location of it, and is lifted into the same field. (A constant's uses
            # are related too, located at their calls, where no literal starts: left as they are,
            # reading the lifted constant.)
            any_lifted = False
            # A path assigned to a name and read through it (`p = "x.csv"`, then `read_csv(p)`)
            # has no direction at its literal: the related use sites say what the calls do with it.
            used_as = _direction_at_uses(facts, catalog, cells, d.related)
            for where in (d.location, *d.related):
                ca = cells.get(where.cell) if where.cell is not None and where.path == d.location.path else None
                if ca is None or where.line is None:
                    continue
                literal = next(
                    (s for s in ca.facts.strings if s.line == where.line and s.column == where.column and not s.formatted),
                    None,
                )
                if literal is None:
                    continue
                kind = "url" if "://" in literal.value else "path"
                if d.code == "PTH008" and kind == "path":
                    kind = "setting"  # a Neptune project (`workspace/project`): a name, no file
                hint = _field_hint(ca, literal.line, literal.column, literal.value, kind)
                if d.code == "PTH008":
                    # An MLflow server's address has no file name to name its field after
                    # (`http://127.0.0.1:5000` would become `data_url`): say what it is.
                    hint = "mlflow_server_url" if kind == "url" else "neptune_project"
                direction = _direction(facts, catalog, ca, literal.line, literal.column)
                if not direction:
                    # (PTH006 folds the paths of one folder into one finding: the uses of this
                    # literal's own name say what it is, not another file's)
                    bound = _BOUND_NAME.fullmatch(ca.lines[literal.line - 1][: max(literal.column - 1, 0)]) if 0 < literal.line <= len(ca.lines) else None
                    direction = (_direction_at_uses(facts, catalog, cells, d.related, bound.group(1)) if bound else "") or used_as
                add(kind, literal.value, "str", hint, (path, ca.cell.index, literal.line), literal.column, direction)
                any_lifted = True
            if any_lifted:
                (lifted_folded if id(d) in unreported else lifted).append(d)
        for d in diagnostics:
            # A secret never reaches the package: its literal becomes a config field with no
            # default, to be set through the environment (the compiled code reads `cfg.<field>`).
            if d.code not in SECRET_CODES or d.location.cell is None or d.location.line is None:
                continue
            # SEC003 reports one value once: its related locations are the same literal used again,
            # and each use must read the config field too (SEC001's related are not literals).
            any_lifted = False
            for where in (d.location, *(d.related if d.code == "SEC003" else ())):
                ca = cells.get(where.cell) if where.cell is not None and where.line is not None else None
                if ca is None:
                    continue
                literal = _enclosing_string(ca, where.line, where.column or 1)
                if literal is None:
                    continue
                hint = _field_hint(ca, literal.line, literal.column, "", "secret")
                if hint in ("", "secret_path", "data_path"):
                    hint = "secret"
                digest = hashlib.sha256(literal.value.encode("utf-8")).hexdigest()
                add("secret", "", "str", hint, (path, ca.cell.index, literal.line), literal.column, key=("secret", digest))
                any_lifted = True
            if any_lifted:
                lifted.append(d)
        for ca in facts.cells:
            for call in ca.facts.calls:
                if call.in_function:
                    continue
                resolved = facts.resolve(call.func)
                if any(fnmatch.fnmatchcase(resolved, pattern) for pattern in seed_calls):
                    arg = call.arg(0, ("seed", "a"))
                    if arg is not None and arg.number is not None and _is_int(arg.number):
                        add("seed", int(arg.number), "int", "seed", (path, ca.cell.index, arg.line), _value_column(ca, arg))
                for kw in SEED_KEYWORDS:
                    arg = call.arg(None, (kw,))
                    if arg is not None and arg.number is not None and _is_int(arg.number):
                        add(kw, int(arg.number), "int", kw, (path, ca.cell.index, arg.line), _value_column(ca, arg))
                # A CUDA device written as a literal (`torch.device("cuda")`, `.to("cuda")`,
                # `device="cuda:0"`) and `.cuda()` become the config field `device`, "auto" by
                # default: the GPU when there is one, else the CPU (config.py resolves it), so the
                # package and its tests run on machines without a GPU.
                if call.method == "cuda" and not call.args and not (call.func == "cuda" and not call.receiver):
                    add("device", DEVICE_AUTO, "str", "device", (path, ca.cell.index, call.line), call.column, key=("device",))
                    continue
                if resolved == "torch.device" or (call.method == "to" and not (call.func == "to" and not call.receiver)):
                    device_arg = call.arg(0, ("device",))
                else:
                    device_arg = call.arg(None, ("device",))
                if device_arg is not None and device_arg.string is not None and _CUDA_DEVICE.fullmatch(device_arg.string.strip().lower()):
                    add("device", DEVICE_AUTO, "str", "device", (path, ca.cell.index, device_arg.line), _value_column(ca, device_arg), key=("device",))
    ordered = tuple(sorted(fields.values(), key=lambda f: (f.kind not in ("path", "url"), f.name)))
    return ordered, replacements, lifted, lifted_folded


DEVICE_AUTO = "auto"
_CUDA_DEVICE = re.compile(r"cuda(:[0-9]+)?")


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


def _direction(facts: NotebookFacts, catalog: Catalog, ca: CellAnalysis, line: int, column: int) -> str:
    """read | write | "" for a path literal, from the I/O catalogue (io_calls.toml) as the paths
    rules see the call (an `open`-like mode included). "both" (`w+`, `a+`) counts as a write: the
    package must create its folder."""
    from nbrefactor.audit.rules.paths import path_arguments

    for argument in path_arguments(facts, catalog, ca):
        literal = argument.literal
        if literal is not None and (literal.line, literal.column) == (line, column):
            return {"read": "read", "write": "write", "both": "write"}.get(argument.direction, "")
    return ""


# `name = "` before a path literal bound alone to a name (its uses are the calls taking `name`).
_BOUND_NAME = re.compile(r"\s*([A-Za-z_]\w*)\s*(?::[^=]*)?=\s*[rRuUbB]{0,2}")


def _direction_at_uses(
    facts: NotebookFacts, catalog: Catalog, cells: Mapping[int, CellAnalysis], uses: Sequence[Any], name: str = "",
) -> str:
    """read | write | "" for a path literal reached through a name: the direction of the catalogued
    calls at the finding's related locations (each at the call that takes the name). Any write
    makes it a write (the package creates its folder); a call taking two names in different
    directions (`copy(src, dst)`) says nothing about which one this is."""
    from nbrefactor.audit.rules.paths import path_arguments

    found: set[str] = set()
    for where in uses:
        ca = cells.get(where.cell) if where.cell is not None and where.line is not None else None
        if ca is None:
            continue
        at_call = [
            a for a in path_arguments(facts, catalog, ca)
            if a.literal is None and a.arg.name and (not name or a.arg.name == name) and a.call.line == where.line and where.column in (a.call.column, a.call.column + 1)
        ]
        directions = {{"read": "read", "write": "write", "both": "write"}.get(a.direction, "") for a in at_call}
        if len(directions) == 1:
            found |= directions
    found.discard("")
    return "write" if "write" in found else "read" if found else ""


def _seed_calls(catalog: Catalog) -> tuple[str, ...]:
    """Qualified names (or patterns) of calls whose integer argument is a seed: every [[seed]]
    entry of randomness.toml, and its `compile_seed_calls`."""
    from nbrefactor.audit.rules.randomness import RandomnessCatalog

    seeds = RandomnessCatalog.from_catalog(catalog).seeds
    extra = catalog.section("randomness").get("compile_seed_calls", [])
    # (a seed taken by keyword, trax's `Loop(…, random_seed=0)`, is lifted by `SEED_KEYWORDS`: its
    # first argument is no seed)
    return tuple(dict.fromkeys([*(c for spec in seeds if not spec.keyword for c in spec.calls), *extra]))
