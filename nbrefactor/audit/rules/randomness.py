"""Randomness: draws from unseeded global random state, estimators without their own seed, and
notebooks that seed one library but draw from another.

The catalogue (`rules/randomness.toml`) says which qualified calls draw, which seed which library,
which construct generators and which take `random_state`; calls are resolved through the notebook's
imports (`np.random.rand` → `numpy.random.rand`).

Order is notebook order (cells top to bottom, then line and column), the order a fresh
"Run all" and the compiled module follow. A call inside a function body runs when the function
runs: it is placed at the first module-level call of its module-level def or class (or the first
call that passes the function by name, as `worker_init_fn=seed_worker` does), transitively through
other functions. So `def set_seed(s): np.random.seed(s)` seeds only from the cell that calls
`set_seed(42)`, and a seed inside a function nobody calls seeds nothing. A draw inside a function
that is never called by name (a callback we cannot follow, a module-level lambda) gets the benefit
of the doubt: it counts as seeded when the notebook seeds its library anywhere. A def or class
whose name no code of the notebook mentions outside its definition never runs: its draws are
left out, as those under `if False:` are.
"""

from __future__ import annotations

import ast
import builtins
import io
import re
import tokenize
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Callable, NamedTuple

from nbrefactor.audit.analysis import ArgFact, CallFact, CellAnalysis, NotebookFacts, cell_python_tree, constant_test, dead_branch_lines, index_single_assignments, module_level_assignments, nodes_of, print_statement_python, python_tree, tree_nodes, walk_nodes
from nbrefactor.audit.catalog import Catalog
from nbrefactor.audit.facts import character_column, dotted_name, node_classes, statement_at, statement_index_at
from nbrefactor.audit.patterns import matches_any
from nbrefactor.audit.project import SeedSwitch
from nbrefactor.audit.types import Cell, Family, Severity
from nbrefactor.audit.rules import Example, Hit, Rule, RuleContext, and_listed, code as code_cell, is_suppressed, md, name_loads, single_assignments
from nbrefactor.config import rule_enabled

# (cell index, line, column): a place in notebook order.
Position = tuple[int, int, int]
# (when it runs, where it is written): the module-level call that first runs the function, then
# the call sites inside the functions it runs through (`training_loop` calls `get_dataloaders`),
# then the call itself; compared as tuples, so a seed at the top of `training_loop` comes before a
# draw in `get_dataloaders` that `training_loop` calls after it. A module-level call is (here, here).
Moment = tuple[Position, ...]


# --- the catalogue, typed ------------------------------------------------------------------------


def _patterns(entry: Mapping[str, Any], single: str, plural: str) -> tuple[str, ...]:
    values = list(entry.get(plural, []))
    if single in entry:
        values.append(entry[single])
    return tuple(values)


def _matches(name: str, patterns: Iterable[str]) -> bool:
    return _matches_memo(name, patterns if isinstance(patterns, tuple) else tuple(patterns))


@lru_cache(maxsize=4096)  # bounded: a few hundred KiB at most
def _matches_memo(name: str, patterns: tuple[str, ...]) -> bool:
    # Every call of every notebook is tested against every catalogue pattern: remember answers.
    return matches_any(name, patterns)


def _first_match(qualified: str, specs: tuple[Any, ...]) -> Any:
    """`next((s for s in specs if _matches(qualified, s.calls)), None)`, remembered per catalogue
    list and name: every call of every notebook looks its name up in the seeding, generator and
    `random_state` lists (each test hashing the spec's pattern tuple again for `_matches_memo`)."""
    held = _FIRST_MATCHES.get(id(specs))
    if held is None or held[0] is not specs:
        if len(_FIRST_MATCHES) >= 64:  # a few lists per catalogue; tests load many catalogues
            del _FIRST_MATCHES[next(iter(_FIRST_MATCHES))]
        held = _FIRST_MATCHES[id(specs)] = (specs, {})  # the list is held, so its id is not reused
    answers = held[1]
    if qualified in answers:
        return answers[qualified]
    if len(answers) >= 4096:  # bounded as `_matches_memo`: the oldest goes
        del answers[next(iter(answers))]
    found = answers[qualified] = next((s for s in specs if _matches(qualified, s.calls)), None)
    return found


_FIRST_MATCHES: dict[int, tuple[tuple[Any, ...], dict[str, Any]]] = {}


@dataclass(frozen=True)
class Library:
    """A catalogued library that draws random numbers."""

    id: str
    label: str
    draws: tuple[str, ...]
    not_draws: tuple[str, ...]
    own_seed_keywords: tuple[str, ...]
    fix: str

    def draws_with(self, qualified: str) -> bool:
        return _matches(qualified, self.draws) and not _matches(qualified, self.not_draws)


@dataclass(frozen=True)
class SeedSpec:
    """Catalogued calls that seed a library's random state."""

    calls: tuple[str, ...]
    seeds: tuple[str, ...]
    without_argument: bool
    # The seed is this keyword argument: the call seeds only when it is given, not as None (trax's
    # `training.Loop(…, random_seed=SEED)`); its other arguments are not seeds.
    keyword: str = ""
    # Without that seed the call re-seeds its libraries from the OS's entropy when it runs (trax's
    # Loop: `random.seed(None)`, then `np.random.seed(random.randint(…))`), so a seed set before it does not
    # reach the draws after it: RND001's fix for those libraries says to pass the keyword.
    reseeds_without: bool = False


@dataclass(frozen=True)
class GeneratorSpec:
    """Catalogued constructors of random generators, and where their seed goes."""

    calls: tuple[str, ...]
    library: str
    seed_position: int | None
    seed_keywords: tuple[str, ...]


@dataclass(frozen=True)
class ConditionalDraw:
    """Catalogued calls that draw random numbers only with a keyword at some values."""

    library: str
    calls: tuple[str, ...]
    keyword: str
    values: tuple[str, ...]
    when_iterated: bool = False  # the object draws when iterated, not when built (a DataLoader)
    position: int | None = None  # the keyword's argument may also be given at this position
    any_value: bool = False  # draws whenever the keyword is given (`num_labels=…`), whatever its value
    # (keyword, value, library): the call draws from that library's state instead when the keyword
    # has that value (`pipeline(…, framework="tf")` samples with TensorFlow, not torch).
    library_by: tuple[tuple[str, str, str], ...] = ()
    # Draws when the keyword is NOT given (nor at `position`), or given as the literal None: TF1's
    # `tf.get_variable(name, shape)` takes its default glorot-uniform initialiser, and an
    # initialiser given instead is a draw of its own when it is random (fair check 30, item T-10.9).
    absent: bool = False
    # (keyword, position) of a dtype argument: a draw only for a floating (or complex) dtype, so a
    # readable dtype that names another (`dtype="int32"`) is no draw (TF1 gives integer variables
    # zeros). A dtype the call facts cannot read (`tf.int32`, an attribute) counts as floating.
    dtype: tuple[str, int | None] | None = None


@dataclass(frozen=True)
class MethodDraw:
    """Catalogued methods that draw random numbers from a library's state."""

    library: str
    methods: tuple[str, ...]
    requires_import: str
    own_seed_keywords: tuple[str, ...]
    # Draws only with this keyword at one of these values (`generate(do_sample=True)`); "" always.
    when_keyword: str = ""
    when_values: tuple[str, ...] = ()
    # The method draws into its receiver (PyMC 2's `mcmc.sample(n)` fills the chain's trace):
    # shown as a cell's last line, it still changed what the notebook computes.
    in_place: bool = False
    # The entry applies only to a receiver the notebook built from this package (`train =
    # pl.read_csv(…)`, then `train.sample(5)` is Polars' sample, not pandas'); an entry without it
    # does not apply to such a receiver when another entry of the same method claims that package.
    receiver_module: str = ""
    # The entry applies only to a receiver the notebook bound (in code that runs) to an instance
    # of one of these classes: by a call of the class, or of a loader given the class's name
    # (`fetch_detector(path, "outlier", "kddcup", "OutlierVAE")`; `receiver_class_loaders`:
    # (qualified loader, position, keyword) of that argument).
    receiver_classes: tuple[str, ...] = ()
    receiver_class_loaders: tuple[tuple[str, int, str], ...] = ()
    # No draw with this keyword at one of these values (`flow_from_directory(…, shuffle=False)`).
    unless_keyword: str = ""
    unless_values: tuple[str, ...] = ()
    # The own seed may also be given at this position (fastai v1's `split_by_rand_pct(0.2, 42)`).
    seed_position: int | None = None
    # The entry applies only to a call on one of these names, the class itself (fastai v1's
    # `ImageDataBunch.from_df(…)`, not `ImageList.from_df(…)`, which splits nothing).
    receivers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThreadedTraining:
    """Training whose worker threads make it irreproducible whatever its seed (gensim's
    `Word2Vec`): reproducible only with `keyword` at one of `reproducible_values`."""
    calls: tuple[str, ...]
    keyword: str
    reproducible_values: tuple[str, ...]
    default: str
    label: str
    fix: str
    # A literal `keyword` below this starts no worker thread at all, and nothing trains (gensim:
    # `range(workers)` threads, and the epoch loop waits for `workers` of them; fair check 32,
    # item 144: `FastText(…, workers=-1)`); None: not known.
    idle_below: int | None = None
    idle_fix: str = ""


@dataclass(frozen=True)
class TimeBudget:
    """A search stopped by a wall-clock budget (`study.optimize(objective, n_trials=24,
    timeout=50 * 60)`): how many trials finish depends on the machine's speed, so the result does
    whatever the sampler's seed. `methods` of a receiver bound to one of `receiver_calls`, given
    `keyword` at a value other than None."""
    methods: tuple[str, ...]
    receiver_calls: tuple[str, ...]
    keyword: str
    label: str
    fix: str


@dataclass(frozen=True)
class RandomStateSpec:
    """Catalogued calls that take a random state by keyword."""

    calls: tuple[str, ...]
    keywords: tuple[str, ...]
    when_keyword: str = ""
    when_values: tuple[str, ...] = ()
    unless_keyword: str = ""
    unless_values: tuple[str, ...] = ()
    # Methods of objects the notebook made (`frame.split_frame([0.8])`, whose receiver is no import),
    # recognised by name when `requires_import` is imported, as `[[method_draw]]` entries are.
    methods: tuple[str, ...] = ()
    requires_import: str = ""
    # Calls that seed the library's own default state (`stellargraph.random.set_seed(1)`): a call
    # below one in notebook order takes that seeded state when given no seed of its own.
    unless_called: tuple[str, ...] = ()
    # The seed may also be given at this position (`sf.random_split(0.8, 42)`).
    seed_position: int | None = None
    # Why a call without the keywords draws, when its name does not say (`logistic_classifier.create`
    # samples a validation set), and the fix when it is not `Pass <keyword>=SEED`.
    reason: str = ""
    fix: str = ""


@dataclass(frozen=True)
class RandomnessCatalog:
    """The catalogue's randomness tables, read once per catalogue."""

    libraries: tuple[Library, ...]
    seeds: tuple[SeedSpec, ...]
    generators: tuple[GeneratorSpec, ...]
    conditional_draws: tuple[ConditionalDraw, ...]
    method_draws: tuple[MethodDraw, ...]
    random_state: tuple[RandomStateSpec, ...]
    # `[[star_reexport]]` of rules/io_calls.toml: (module patterns, {name: qualified}), so that
    # `np.random.seed(42)` after `from fastbook import *` is NumPy's seed.
    star_reexports: tuple[tuple[tuple[str, ...], tuple[tuple[str, str], ...]], ...] = ()
    threaded_training: tuple[ThreadedTraining, ...] = ()
    time_budgets: tuple[TimeBudget, ...] = ()

    def library(self, library_id: str) -> Library:
        for lib in self.libraries:
            if lib.id == library_id:
                return lib
        # A user catalogue may name a library it did not describe: still report it sensibly.
        return Library(library_id, library_id, (), (), (), "seed it at the top of the notebook")

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> RandomnessCatalog:
        data = catalog.section("randomness")
        return cls(
            libraries=tuple(
                Library(
                    id=e["id"],
                    label=e.get("label", e["id"]),
                    draws=tuple(e.get("draws", [])),
                    not_draws=tuple(e.get("not_draws", [])),
                    own_seed_keywords=tuple(e.get("own_seed_keywords", [])),
                    fix=e.get("fix", "seed it at the top of the notebook"),
                )
                for e in data.get("library", [])
            ),
            seeds=tuple(
                SeedSpec(_patterns(e, "call", "calls"), tuple(e.get("seeds", [])), bool(e.get("without_argument", False)),
                         e.get("keyword", ""), bool(e.get("reseeds_without", False)))
                for e in data.get("seed", [])
            ),
            generators=tuple(
                GeneratorSpec(
                    _patterns(e, "call", "calls"), e["library"], e.get("seed_position"), tuple(e.get("seed_keywords", []))
                )
                for e in data.get("generator", [])
            ),
            conditional_draws=tuple(
                ConditionalDraw(
                    e["library"], _patterns(e, "call", "calls"), e["keyword"], tuple(e.get("values", [])),
                    bool(e.get("when_iterated", False)), e.get("position"), bool(e.get("any_value", False)),
                    tuple(
                        (str(b["keyword"]), str(value), str(library))
                        for b in e.get("library_by", []) for value, library in b.get("values", {}).items()
                    ),
                    bool(e.get("absent", False)),
                    (str(e["dtype"]["keyword"]), e["dtype"].get("position")) if "dtype" in e else None,
                )
                for e in data.get("conditional_draw", [])
            ),
            method_draws=tuple(
                MethodDraw(
                    e["library"], _patterns(e, "method", "methods"), e.get("requires_import", ""),
                    tuple(e.get("own_seed_keywords", [])), str(e.get("when_keyword", "")),
                    tuple(str(v) for v in e.get("when_values", [])), bool(e.get("in_place", False)),
                    str(e.get("receiver_module", "")),
                    tuple(e.get("receiver_classes", [])),
                    tuple((str(d["call"]), int(d["position"]), str(d["keyword"])) for d in e.get("receiver_class_loaders", [])),
                    str(e.get("unless_keyword", "")), tuple(str(v) for v in e.get("unless_values", [])),
                    e.get("seed_position"), tuple(str(r) for r in e.get("receivers", [])),
                )
                for e in data.get("method_draw", [])
            ),
            random_state=tuple(
                RandomStateSpec(
                    calls=_patterns(e, "call", "calls"),
                    keywords=tuple(e.get("keywords", ["random_state"])),
                    when_keyword=e.get("when_keyword", ""),
                    when_values=tuple(e.get("when_values", [])),
                    unless_keyword=e.get("unless_keyword", ""),
                    unless_values=tuple(e.get("unless_values", [])),
                    methods=_patterns(e, "method", "methods"),
                    requires_import=e.get("requires_import", ""),
                    unless_called=tuple(e.get("unless_called", [])),
                    seed_position=e.get("seed_position"),
                    reason=str(e.get("reason", "")),
                    fix=str(e.get("fix", "")),
                )
                for e in data.get("random_state", [])
            ),
            threaded_training=tuple(
                ThreadedTraining(
                    _patterns(e, "call", "calls"), str(e["keyword"]), tuple(str(v) for v in e.get("reproducible_values", [])),
                    str(e.get("default", "")), str(e.get("label", "")), str(e.get("fix", "")),
                    int(e["idle_below"]) if "idle_below" in e else None, str(e.get("idle_fix", "")),
                )
                for e in data.get("threaded_training", [])
            ),
            time_budgets=tuple(
                TimeBudget(tuple(e["methods"]), tuple(e["receiver_calls"]), str(e["keyword"]), str(e["label"]), str(e["fix"]))
                for e in data.get("time_budget", [])
            ),
            star_reexports=tuple(
                (tuple(str(m) for m in e.get("modules", ())), tuple(sorted((str(k), str(v)) for k, v in dict(e.get("names", {})).items())))
                for e in catalog.table("io_calls", "star_reexport", []) or []
            ),
        )


# --- argument helpers -------------------------------------------------------------------------------


def _arg_text(arg: ArgFact) -> str | None:
    """The literal value of an argument as text (`True`, `42`, `"randomized"` → randomized)."""
    for value in (arg.string, arg.number, arg.constant, arg.name):
        if value is not None:
            return value
    return None


def _is_star(arg: ArgFact) -> bool:
    return arg.position is None and arg.keyword is None


def _has_star(call: CallFact) -> bool:
    return any(_is_star(a) for a in call.args)


def _has_double_star(call: CallFact) -> bool:
    """`**kwargs`: a mapping that may carry the seed keyword. (`np.random.randn(*X.shape)` unpacks
    only positional arguments, the sizes: fair check 16 found that draw skipped as if it were one.)"""
    return any(a.double_star for a in call.args)


def _keyword_given(call: CallFact, keywords: Iterable[str]) -> ArgFact | None:
    """The first of `keywords` passed with a value other than the literal None."""
    keys = set(keywords)
    for a in call.args:
        if a.keyword in keys and a.constant != "None":
            return a
    return None


def _seed_given_none(call: CallFact, keyword: str) -> bool:
    """Is the seed keyword spelled out as None (`training.Loop(…, random_seed=None)`)? It re-seeds from
    the OS's entropy as leaving the keyword out does (trax's `_init_random_number_generators(None)`), but
    the call is not "without" it: messages say "with `random_seed=None`", fixes "in place of None"."""
    return any(a.keyword == keyword and a.constant == "None" for a in call.args)


def _keyword_value(call: CallFact, keyword: str) -> str | None:
    for a in call.args:
        if a.keyword == keyword:
            return _arg_text(a)
    return None


def _is_attribute_call(call: CallFact) -> bool:
    return bool(call.method) and not (call.receiver == "" and call.func == call.method)


# --- what the notebook does with randomness ------------------------------------------------------


@dataclass(frozen=True)
class Iteration:
    """Where an object that draws when iterated (a shuffling DataLoader) is first iterated: the
    first read of the name it is bound to that could iterate it (a `for`, `iter()`, an argument of
    any call but `len`/`print`…), or None when nothing reads it."""
    name: str
    ca: CellAnalysis | None = None
    line: int = 0
    column: int = 0
    moment: Moment | None = None  # None: read inside a function we cannot place


@dataclass(frozen=True)
class Draw:
    """A call that draws from a library's random state, or makes an unseeded generator."""

    ca: CellAnalysis
    call: CallFact
    library: str
    shown: str  # the callee as written, for messages
    qualified: str
    iteration: Iteration | None = None  # set for draws made when iterated, bound to a name
    # The call sites that first run its def when that is not `RandomnessFacts.path_of`'s: a
    # TensorFlow draw first run in a thrown-away graph, or in a method a constructor calls inside
    # a graph block (`_graph_paths`).
    path: tuple[Position, ...] | None = None


@dataclass(frozen=True)
class SeedCall:
    """A call that seeds one or more libraries' random state."""

    ca: CellAnalysis
    call: CallFact
    libraries: frozenset[str]
    shown: str
    # A seed whose value is a parameter of its function (`if seed is not None: np.random.seed(seed)`
    # in `make_data(n, seed=None)`): the calls of the function that pass a value, the only runs that
    # seed; None: every run of the call seeds.
    through: tuple[tuple[CellAnalysis, CallFact], ...] | None = None
    # Seeds through the project's own function (`make_uplift_classification(…)`, whose body runs
    # `np.random.seed(random_seed)`): messages name it, as the cell shows no seeding call.
    helper: bool = False


class GraphBlock(NamedTuple):
    """A `with graph.as_default():` block (or `with tf.Session(graph=graph):`, whose entering makes
    `graph` the default too): the lines of its body, the graph (a name bound to `tf.Graph()`, with
    the place of its last module-level binding before the block, `graph@cell:line`; or
    `tf.Graph()@cell:line` for an unnamed one), what messages call it, and the span of the def
    it is written in (None: module level)."""
    start: int
    end: int
    graph: str
    shown: str
    context: str  # the `with` item as written: `graph.as_default()`, `tf.Session(graph=graph)`
    cell: int
    line: int  # the `with` statement's
    scope: tuple[int, int] | None
    # A graph built for a look and thrown away (`_thrown_away`): no session runs it, and the cell
    # deletes it with every name the block bound (fair check 43, item 149).
    throwaway: bool = False


class SeedDrop(NamedTuple):
    """A call after which the seed a library had no longer holds: TensorFlow 1's
    `tf.reset_default_graph()` (a new default graph, without the old one's seed), or a call that
    re-seeds libraries from the OS's entropy (`SeedSpec.reseeds_without`) given no seed."""
    moment: Moment
    libraries: frozenset[str]
    reset: bool  # True: a graph reset (only the default graph's seed); False: a re-seeding call
    ca: CellAnalysis
    call: CallFact
    shown: str
    keyword: str  # the re-seeding call's seed keyword


@dataclass(frozen=True)
class RandomnessFacts:
    """A notebook's draws, unseeded generators and seeds, and where its functions first run."""

    draws: tuple[Draw, ...]  # draws from a library's global state
    unseeded_generators: tuple[Draw, ...]  # generator constructors without a seed
    seeds: tuple[SeedCall, ...]  # every seeding call, executed or not
    first_run: Mapping[str, Position]  # module-level def/class name → where it first runs
    # … and the chain of call sites that first runs it (the module-level call first); empty: none.
    first_path: Mapping[str, tuple[Position, ...]] | None = None
    # Module-level defs made kfp pipeline components (or SageMaker pipeline steps, remote
    # functions): they run in a container of their own. name -> what the messages call it.
    components: Mapping[str, str] = field(default_factory=dict)
    # A def or class the notebook defines again (fair check 32, item 120: `boot` in cells 31, 70,
    # 78 and 83): (name, where a later definition is) -> the chain of call sites that first runs
    # that definition (the first call after it; empty: none does). The first definition's is
    # `first_path`'s.
    redefined_paths: Mapping[tuple[str, Position], tuple[Position, ...]] = field(default_factory=dict)
    # Module-level defs and classes nothing runs and no code names (`_never_named`): their bodies never run.
    unnamed: frozenset[str] = frozenset()
    # Calls that re-seed libraries from the OS's entropy, given no seed (`SeedSpec.reseeds_without`),
    # with the seed keyword they lack: (cell, call, shown callee, libraries, keyword), notebook order.
    reseeds: tuple[tuple[CellAnalysis, CallFact, str, frozenset[str], str], ...] = ()
    # TensorFlow's graph-level seed belongs to the graph that is the default where it is set (fair
    # check 35, item 138): per cell, its `with graph.as_default():` blocks, and the spans of its defs.
    graph_blocks: Mapping[int, tuple[GraphBlock, ...]] = field(default_factory=dict)
    function_spans: Mapping[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    # Calls that undo a seed set before them (graph resets, re-seeding calls), notebook order.
    drops: tuple[SeedDrop, ...] = ()

    def definition_of(self, ca: CellAnalysis, call: CallFact) -> Position | None:
        """Where the module-level def/class holding the call is defined, when the notebook defines
        that name again elsewhere (None otherwise: one definition, one first run)."""
        if not (call.in_function and call.owner) or not self.redefined_paths:
            return None
        return max((
            (ca.cell.index, ref.line, ref.column) for ref in (*ca.facts.functions, *ca.facts.classes)
            if ref.name == call.owner and ref.line <= call.line
        ), default=None)

    def path_of(self, ca: CellAnalysis, call: CallFact) -> tuple[Position, ...]:
        """The call sites that first run the definition holding the call (none: never run): each
        definition of a redefined name runs from the first call after it, not the first one's."""
        at = self.definition_of(ca, call)
        if at is not None and (call.owner, at) in self.redefined_paths:
            return self.redefined_paths[(call.owner, at)]
        return self.run_path(call.owner)

    def draw_moment(self, draw: Draw) -> Moment | None:
        """When the draw happens: where its object is first iterated, for a DataLoader bound to a name."""
        if draw.iteration is not None:
            return draw.iteration.moment
        if draw.path is not None:
            return (*draw.path, (draw.ca.cell.index, draw.call.line, draw.call.column))
        return self.moment(draw.ca, draw.call)

    def moment(self, ca: CellAnalysis, call: CallFact) -> Moment | None:
        """When the call runs in a top-to-bottom run; None when we cannot tell."""
        here = (ca.cell.index, call.line, call.column)
        if not call.in_function:
            return (here, here)
        path = self.path_of(ca, call)
        return (*path, here) if path else None

    def first_seeding_run(self, seed: SeedCall) -> Moment | None:
        """When a seed that only some calls of its function make (`SeedCall.through`) first runs."""
        here = (seed.ca.cell.index, seed.call.line, seed.call.column)
        moments = []
        for ca, call in seed.through or ():
            site = (ca.cell.index, call.line, call.column)
            path = self.path_of(ca, call) if call.in_function else ()
            if call.in_function and not path:
                continue  # called from a function that never runs
            moments.append((*path, site, here))
        return min(moments) if moments else None

    def run_path(self, owner: str) -> tuple[Position, ...]:
        """The call sites that first run the module-level def/class `owner` (none: never run)."""
        if not owner:
            return ()
        if self.first_path is not None:
            return tuple(self.first_path.get(owner, ()))
        run = self.first_run.get(owner)
        return (run,) if run is not None else ()

    def graph_at(self, moment: Moment) -> GraphBlock | None:
        """The graph block that is in effect at `moment` (None: the default graph): the innermost
        block around the call itself in its own def, else around the call site that runs that def,
        and so on out to the module-level call."""
        if not self.graph_blocks:
            return None
        for cell, line, _ in reversed(moment):
            spans = [span for span in self.function_spans.get(cell, ()) if span[0] < line <= span[1]]
            scope = max(spans) if spans else None
            blocks = [b for b in self.graph_blocks.get(cell, ()) if b.scope == scope and b.start <= line <= b.end]
            if blocks:
                return max(blocks, key=lambda b: b.start)
            if scope is None:
                return None
        return None

    def seed_blocked(self, library: str, seed_moment: Moment, when: Moment) -> tuple[GraphBlock | None, GraphBlock | None] | SeedDrop | None:
        """Why a seed of `library` that runs at `seed_moment`, before a draw at `when`, does not
        reach that draw: the graphs of the seed and of the draw when they differ (TensorFlow), or
        the call between them that undoes the seed; None when it reaches it."""
        draw_graph = None
        if library == "tensorflow":
            seed_graph, draw_graph = self.graph_at(seed_moment), self.graph_at(when)
            if (seed_graph and seed_graph.graph) != (draw_graph and draw_graph.graph):
                return (seed_graph, draw_graph)
        for drop in self.drops:
            if library in drop.libraries and seed_moment < drop.moment < when and not (drop.reset and draw_graph is not None):
                return drop
        return None

    def effective_seeds(self) -> list[tuple[Moment, SeedCall]]:
        out = []
        for seed in self.seeds:
            when = self.moment(seed.ca, seed.call) if seed.through is None else self.first_seeding_run(seed)
            if when is not None:
                out.append((when, seed))
        out.sort(key=lambda pair: pair[0])
        return out


def _resolve(
    facts: NotebookFacts, call: CallFact, star_modules: tuple[str, ...], local_names: frozenset[str],
    reexports: tuple[tuple[tuple[str, ...], tuple[tuple[str, str], ...]], ...] = (), cell_index: int = 0,
    partials: Mapping[str, str] | None = None,
) -> str:
    """The qualified callee, or "" when the callee is not something the notebook imported. A name
    imports bind twice (`import random` … `from jax import random`) is the binding in effect at the
    call (`cell_index`, the call's line) in a top-to-bottom run: `random.PRNGKey(314)` is JAX's.
    `partials`: names bound to a `functools.partial` of an imported callee (`_partial_callees`),
    whose calls are calls of that callee."""
    if not call.func:
        return ""
    head, _, rest = call.func.partition(".")
    if head in facts.aliases:
        return facts.resolve_at(call.func, cell_index, call.line) if head in facts.rebound else facts.resolve(call.func)
    if partials and not rest and head in partials:
        return partials[head]
    if head not in local_names and star_modules and reexports:
        # `from fastbook import *` then `np.random.seed(42)`: `np` is what the star import re-exports.
        for module in reversed(star_modules):
            for patterns, names in reexports:
                target = dict(names).get(head)
                if target and _matches(module, patterns):
                    return f"{target}.{rest}" if rest else target
    if "." not in call.func and head not in local_names and star_modules:
        # `from numpy.random import *` then `rand()`: the name can only come from a star import;
        # with several, the last one wins, as it does in Python.
        return f"{star_modules[-1]}.{call.func}"
    return ""


def _deciding_keywords(catalog: RandomnessCatalog) -> frozenset[str]:
    """Keywords whose value decides whether a catalogued call draws, or from what: seeds and
    random states, conditional draws' switches (`shuffle`), a generator's seed."""
    found = set(_SEED_KEYWORDS) | {"shuffle"}
    for lib in catalog.libraries:
        found.update(lib.own_seed_keywords)
    for gen in catalog.generators:
        found.update(gen.seed_keywords)
    for cond in catalog.conditional_draws:
        found.add(cond.keyword)
        found.update(keyword for keyword, _, _ in cond.library_by)
    for method in catalog.method_draws:
        found.update(method.own_seed_keywords)
        found.update((method.when_keyword, method.unless_keyword))
    for spec in catalog.random_state:
        found.update(spec.keywords)
        found.update((spec.when_keyword, spec.unless_keyword))
    for threaded in catalog.threaded_training:
        found.add(threaded.keyword)
    found.discard("")
    return frozenset(found)


def _partial_keyword_kept(keyword: ast.keyword, deciding: frozenset[str]) -> bool:
    """May a partial fix this keyword and its calls still be judged on their own arguments? Not
    `**kwargs`, nor a deciding keyword; an initialiser only named by a string that draws
    (`kernel_initializer="he_normal"`, not `"zeros"` nor an object that may carry a seed)."""
    if keyword.arg is None:
        return False
    if "initializer" in keyword.arg:
        value = keyword.value
        return (isinstance(value, ast.Constant) and isinstance(value.value, str)
                and value.value.lower() not in {"zeros", "ones", "constant", "identity"})
    return keyword.arg not in deciding


def _partial_callees(facts: NotebookFacts, catalog: RandomnessCatalog) -> dict[str, str]:
    """Names the notebook binds only to a `functools.partial` of one imported callee, with that
    callee (`DefaultConv2D = partial(layers.Conv2D, kernel_size=3, kernel_initializer="he_normal")`
    → `keras.layers.Conv2D`): calling one calls the callee, so a partial of a catalogued draw is
    that draw (fair check 37, item 143: the four convolutions built through such a partial were
    not among the CNN's draws). A name bound anywhere else too is not one; nor a partial of a
    partial, or of a callee the notebook defines; nor a partial that fixes positional arguments,
    `**kwargs`, a keyword that decides whether or from what the callee draws
    (`_deciding_keywords`: `partial(train_test_split, random_state=0)`), or an initialiser not
    named by a string (`kernel_initializer=GlorotUniform(seed=0)`): a draw is judged on the
    call's own arguments, which would not show them."""
    if not any(imp.module == "functools" or (imp.module or "").startswith("functools.") for _, imp in facts.imports):
        return {}
    deciding = _deciding_keywords(catalog)
    found: dict[str, set[str]] = {}
    other: set[str] = set()
    for ca in facts.cells:
        if "partial" not in ca.cell.source:
            other.update(d.name for d in ca.facts.defined)  # (every name the cell binds)
            continue
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        own: set[int] = set()
        for node in nodes_of(tree, ast.Assign):
            value = node.value
            if (len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(value, ast.Call) and len(value.args) == 1
                    and facts.resolve(dotted_name(value.func)) == "functools.partial"
                    and all(_partial_keyword_kept(k, deciding) for k in value.keywords)):
                callee = dotted_name(value.args[0])
                qualified = facts.resolve(callee) if callee else ""
                if qualified and qualified != callee:  # (imported: resolved through an import)
                    found.setdefault(node.targets[0].id, set()).add(qualified)
                    own.add(id(node.targets[0]))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and id(node) not in own:
                other.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                other.add(node.name)
            elif isinstance(node, ast.arg):
                other.add(node.arg)
    return {name: next(iter(callees)) for name, callees in found.items() if len(callees) == 1 and name not in other}


def _seeding_arguments(call: CallFact) -> bool:
    return any(a.constant != "None" for a in call.args)


# What a call of one of the project's seeding helpers seeds: per group of its seeding calls that
# run under the same switches (`SeedSwitch`: `if set_torch:` on a parameter), the libraries they
# seed (`seed_helper_libraries`, `helper_seeds`).
SeedHelper = tuple[tuple[frozenset[str], tuple[SeedSwitch, ...]], ...]


def seed_helper_libraries(
    catalog: RandomnessCatalog, helpers: Iterable[tuple[str, tuple[tuple[str, bool, tuple[SeedSwitch, ...]], ...]]],
) -> dict[str, SeedHelper]:
    """The libraries each of the project's own seeding helpers seeds (`ProjectContext.seed_helpers`:
    `utils.reproducibility.set_global_seeds`, whose body calls `random.seed(seed)`,
    `np.random.seed(seed)` and `torch.manual_seed(seed)`, seeds Python's `random`, NumPy and
    PyTorch): the catalogue's seeding calls among the calls its body always makes, each counted as
    a call in the notebook would be (`random.seed()` without an argument seeds nothing), grouped by
    the switches they run under (cs224u's `fix_random_seeds(set_torch=True)`: `if set_torch:
    torch.manual_seed(seed)` seeds torch unless the call passes a false `set_torch`)."""
    found: dict[str, SeedHelper] = {}
    for helper, calls in helpers:
        libraries: dict[tuple[SeedSwitch, ...], set[str]] = {}
        for qualified, with_argument, switches in calls:
            seed = _first_match(qualified, catalog.seeds)
            if seed is not None and not seed.keyword and (with_argument or seed.without_argument):  # (a keyword seed: not known)
                libraries.setdefault(switches, set()).update(seed.seeds)
        if libraries:
            found[helper] = tuple((frozenset(seeded), switches) for switches, seeded in libraries.items())
    return found


def helper_seeds(helper: SeedHelper, call: CallFact) -> frozenset[str]:
    """The libraries a call of a project seeding helper seeds: those of its seeding calls whose
    switches are all on, as the call passes them (a literal) or leaves them to a true default;
    a switch the call passes as a name or an expression, or may pass through `*args`/`**kwargs`,
    is not known to be on."""
    found: set[str] = set()
    for libraries, switches in helper:
        if all(_switch_on(call, switch) for switch in switches):
            found.update(libraries)
    return frozenset(found)


def _switch_on(call: CallFact, switch: SeedSwitch) -> bool:
    name, position, default = switch
    argument = call.arg(position if position >= 0 else None, (name,))
    if argument is None:
        return bool(default) and not any(_is_star(a) or a.double_star for a in call.args)
    if argument.constant is not None:
        return argument.constant == "True"
    if argument.number is not None:
        try:
            return float(argument.number) != 0
        except ValueError:
            return False
    if argument.string is not None:
        return argument.string != ""
    return False


# The literals a switch may be bound to: `load_pretrained = True`, `train = 0`.
_SWITCH_VALUES = (True, False, None)


def _switches(facts: NotebookFacts) -> dict[str, object]:
    """The notebook's switches: module-level names it binds only by plain assignments at the top of
    cells, each to the same literal `True`/`False`/`0`/`1`/`None` (alibi-detect repeats
    `load_pretrained = True` above each detector), and never changes or deletes any other way
    (`analysis.index_single_assignments` leaves out any name bound another way). A run decides
    `if load_pretrained:` the way it would decide the literal (fair check 22: alibi-detect's
    `load_pretrained = True`, then `if load_pretrained: fetch_detector(…)` / `else:` build the
    layers). A papermill `parameters` cell is left out: its values are meant to be replaced."""
    found: dict[str, object] = {}
    tops = {}
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        if tree is not None and "parameters" not in ca.cell.tags:
            tops.update((id(stmt), stmt) for stmt in tree.body)
    # A switch's statements are all at the top of cells and bind a switch literal: without one
    # such statement there is none, and the notebook's single-assignment index is not needed.
    if not any(isinstance(stmt, (ast.Assign, ast.AnnAssign)) and _switch_value(stmt) is not None for stmt in tops.values()):
        return found
    for name, statements in index_single_assignments(facts).items():
        values = {_switch_value(statement) if id(statement) in tops else None for statement in statements}
        if len(values) == 1 and None not in values:
            found[name] = values.pop()[1]
    return found


def _switch_value(statement: ast.Assign | ast.AnnAssign) -> tuple[type, object] | None:
    """(type, value) of the switch literal a plain assignment binds (`flag = True`), else None."""
    value = statement.value
    if not isinstance(value, ast.Constant) or not (
        any(value.value is v for v in _SWITCH_VALUES) or (type(value.value) is int and value.value in (0, 1))
    ):
        return None
    if isinstance(statement, ast.Assign) and not all(isinstance(t, ast.Name) for t in statement.targets):
        return None
    return type(value.value), value.value


def _switched(test: ast.expr, switches: Mapping[str, object]) -> ast.expr:
    """`test` with each switch read as its literal (`not load_pretrained` → `not True`)."""
    if isinstance(test, ast.Name) and test.id in switches:
        return ast.Constant(switches[test.id])
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return ast.UnaryOp(op=test.op, operand=_switched(test.operand, switches))
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        return ast.Compare(left=_switched(test.left, switches), ops=test.ops, comparators=[_switched(test.comparators[0], switches)])
    return test


def unrun_lines(facts: NotebookFacts) -> dict[int, frozenset[int]]:
    """By cell index, the lines that never run: `dead_branch_lines` (`if False:`, the `else` of
    `if True:`) and the branch a switch turns off (`_switches`: the `else` of `if load_pretrained:`
    after `load_pretrained = True`). Computed once per notebook (the last one is kept)."""
    if _UNRUN and _UNRUN[0][0] is facts:
        return _UNRUN[0][1]
    switches = _switches(facts)
    found: dict[int, frozenset[int]] = {}
    for ca in facts.cells:
        dead = set(dead_branch_lines(ca))
        tree = cell_python_tree(ca) if switches else None
        if tree is not None:
            for node in nodes_of(tree, ast.If):
                if not any(isinstance(n, ast.Name) and n.id in switches for n in ast.walk(node.test)):
                    continue
                truth = constant_test(_switched(node.test, switches))
                if truth is None:
                    continue
                for stmt in node.orelse if truth else node.body:
                    dead.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
        if dead:
            found[ca.cell.index] = frozenset(dead)
    _UNRUN[:] = [(facts, found)]
    return found


_UNRUN: list[tuple[NotebookFacts, dict[int, frozenset[int]]]] = []


def analyse_randomness(
    facts: NotebookFacts, catalog: RandomnessCatalog, helpers: Mapping[str, SeedHelper] | None = None,
) -> RandomnessFacts:
    """`helpers`: the project's own seeding functions the notebook imports, by qualified name, and
    the libraries their seeding calls seed under which switches (`seed_helper_libraries`)."""
    star_modules = tuple(imp.module for _, imp in facts.imports if imp.bound == "*" and imp.module)
    imported_tops = {imp.top_level for _, imp in facts.imports}
    defined = frozenset(d.name for ca in facts.cells for d in ca.facts.defined)
    draws: list[Draw] = []
    generators: list[Draw] = []
    seeds: list[SeedCall] = []
    reseeds: list[tuple[CellAnalysis, CallFact, str, frozenset[str], str]] = []
    resets: list[tuple[CellAnalysis, CallFact, str]] = []
    components = _pipeline_components(facts)
    first_path, redefined_paths = _first_runs(facts, components)
    first_run = {name: path[0] for name, path in first_path.items()}
    unnamed = _never_named(facts, first_path)
    found_origins: list[dict[str, frozenset[str]]] = []

    def frame_origins() -> dict[str, frozenset[str]]:  # computed once, for the first method draw that asks
        if not found_origins:
            found_origins.append(_frame_origins(facts))
        return found_origins[0]

    found_classes: list[dict[str, str]] = []

    def receiver_classes() -> dict[str, str]:  # computed once, for the first class-bound entry that asks
        if not found_classes:
            found_classes.append(_instance_classes(facts, catalog))
        return found_classes[0]

    unrun = unrun_lines(facts)
    fallbacks = _fallbacks_never_taken(facts)
    partials = _partial_callees(facts, catalog)
    for ca in facts.cells:
        # Under `if False:` / `if 0 == 1:` (an author's "train it yourself" switch), or in the branch
        # a switch saved `True`/`False` turns off: never run, no draw; nor a def's `if p is None:`
        # fallback no call takes (`_fallbacks_never_taken`).
        dead = unrun.get(ca.cell.index, frozenset()) | _unused_default_lines(ca, unnamed) | fallbacks.get(ca.cell.index, set())
        for call in ca.facts.calls:
            qualified = _resolve(facts, call, star_modules, defined, catalog.star_reexports, ca.cell.index, partials)
            shown = call.func or f".{call.method}"
            if (call.line in dead or (call.in_function and call.owner in unnamed)) and not (
                qualified and _first_match(qualified, catalog.seeds) is not None
            ):
                continue
            if qualified:
                if call.method == "reset_default_graph" and qualified.startswith("tensorflow.") and call.line not in dead:
                    resets.append((ca, call, shown))
                    continue
                seed = _first_match(qualified, catalog.seeds)
                if seed is not None:
                    if _seed_counts(seed, call):
                        through = _seeding_callers(facts, ca, call)
                        if through != ():
                            seeds.append(SeedCall(ca, call, frozenset(seed.seeds), shown, through))
                    elif seed.reseeds_without and call.line not in dead and not _has_double_star(call):
                        reseeds.append((ca, call, shown, frozenset(seed.seeds), seed.keyword))
                    continue
                if helpers and qualified in helpers:
                    # The project's own `set_global_seeds(SEED)`: the seeding calls its body makes
                    # (its default seed stands in for a missing argument; an explicit None may
                    # reach those calls and re-seed from entropy, so it does not count).
                    seeded = helper_seeds(helpers[qualified], call)
                    if seeded and not any(a.constant == "None" for a in call.args):
                        seeds.append(SeedCall(ca, call, seeded, shown, helper=True))
                    continue
                generator = _first_match(qualified, catalog.generators)
                if generator is not None:
                    seeded = call.arg(generator.seed_position, generator.seed_keywords)
                    if (seeded is None or seeded.constant == "None") and not _has_star(call):
                        generators.append(Draw(ca, call, generator.library, shown, qualified))
                    continue
                library = _draw_library(catalog, call, qualified)
                if library is not None and qualified.endswith(".from_pretrained") and _head_was_loaded(ca):
                    library = None
                if library is not None and call.method == "Embedding" and (_preset_embedding(ca, call) or _vectors_set(ca, call)):
                    library = None
                if library == "tensorflow" and _constant_initialised_layer(ca, call, qualified):
                    library = None
                if library == "torch" and (_torch_layer_set_constant(ca, call, qualified) or _one_full_batch_loader(ca, call, qualified)):
                    library = None
                if library == "tensorflow" and qualified.startswith("keras.") and _old_standalone_keras(facts):
                    library = "numpy"
                if library is not None:
                    iteration = None
                    if _draws_when_iterated(catalog, qualified):
                        iteration = _first_iteration(facts, first_path, ca, call)
                    draws.append(Draw(ca, call, library, shown, qualified, iteration))
                continue
            method = _method_draw(catalog, call, imported_tops, frame_origins, receiver_classes)
            if method is not None:
                # (an in-place draw is named apart from the value-only methods of the same name:
                # `mcmc.sample(n)` is not pandas' `df.sample(n)`, whose bare statement only shows rows)
                name = f"{call.method} (in place)" if method.in_place else call.method
                library = method.library
                if library == "python" and method.requires_import == "fastai" and _fastai_v1(facts):
                    library = "torch"  # (fastai v1 trains from torch's generator: `_fastai_v1`)
                draws.append(Draw(ca, call, library, f"{call.receiver or '…'}.{call.method}()", name))
    rf = RandomnessFacts(tuple(draws), tuple(generators), tuple(seeds), first_run, first_path, components, redefined_paths, unnamed, tuple(reseeds))
    if not (reseeds or resets or any(d.library == "tensorflow" for d in draws)):
        return rf
    drops = [
        SeedDrop(moment, libraries, False, ca, call, shown, keyword)
        for ca, call, shown, libraries, keyword in reseeds if (moment := rf.moment(ca, call)) is not None
    ]
    if resets and _graph_mode(facts):
        # (in TensorFlow 2's eager mode a reset leaves the global seed, which is not a graph's)
        drops += [SeedDrop(moment, frozenset({"tensorflow"}), True, ca, call, shown, "")
                  for ca, call, shown in resets if (moment := rf.moment(ca, call)) is not None]
    drops.sort(key=lambda d: d.moment)
    blocks, spans = _graph_blocks(facts)
    return _graph_paths(facts, replace(rf, graph_blocks=blocks, function_spans=spans, drops=tuple(drops)), components)


def _graph_paths(facts: NotebookFacts, rf: RandomnessFacts, components: Mapping[str, str]) -> RandomnessFacts:
    """`rf` with its TensorFlow draws placed in the graph whose variables a session initialises
    (fair check 43, item 149): a draw built in a thrown-away graph (`GraphBlock.throwaway`) draws
    nothing, so it is left out at module level, and a def first run there is placed at its first
    run outside such graphs (`Draw.path`; none: left out). A draw in a class's method that its
    `__init__` calls inside a graph block (`self.build()` under `with g.as_default():
    tf.set_random_seed(seed)`) is built in that block's graph: the call is added to its path."""
    if not rf.graph_blocks or not any(d.library == "tensorflow" for d in rf.draws):
        return rf
    thrown = {cell: [(b.start, b.end) for b in found if b.throwaway] for cell, found in rf.graph_blocks.items()}
    thrown = {cell: spans for cell, spans in thrown.items() if spans}

    def in_thrown(position: Position) -> bool:
        return any(start <= position[1] <= end for start, end in thrown.get(position[0], ()))

    alternative: list[dict[str, tuple[Position, ...]]] = []
    draws: list[Draw] = []
    for draw in rf.draws:
        if draw.library != "tensorflow" or draw.iteration is not None:
            draws.append(draw)
            continue
        path: tuple[Position, ...] | None = None
        if thrown and not draw.call.in_function:
            if in_thrown((draw.ca.cell.index, draw.call.line, draw.call.column)):
                continue
        elif thrown and draw.call.owner and rf.definition_of(draw.ca, draw.call) is None:
            if any(in_thrown(p) for p in rf.path_of(draw.ca, draw.call)):
                if not alternative:
                    skip = {cell: frozenset(line for start, end in spans for line in range(start, end + 1)) for cell, spans in thrown.items()}
                    alternative.append(_first_runs(facts, components, skip)[0])
                path = tuple(alternative[0].get(draw.call.owner, ()))
                if not path:
                    continue  # run only in graphs no session runs
        method = _method_of(draw) if draw.call.in_function and draw.call.owner else None
        if method is not None:
            site = _constructor_block_call(rf, draw.ca, draw.call.owner, method)
            run = path if path is not None else rf.path_of(draw.ca, draw.call)
            if site is not None and run:
                path = (*run, site)
        draws.append(draw if path is None else replace(draw, path=path))
    return replace(rf, draws=tuple(draws))


def _constructor_block_call(rf: RandomnessFacts, ca: CellAnalysis, owner: str, method: str) -> Position | None:
    """Where the `__init__` of the module-level class `owner` first calls `self.<method>()`, when
    that call is inside one of its graph blocks (None otherwise)."""
    tree = _parsed(ca)
    if tree is None:
        return None
    for st in tree.body:
        if not (isinstance(st, ast.ClassDef) and st.name == owner):
            continue
        for init in st.body:
            if not (isinstance(init, ast.FunctionDef) and init.name == "__init__"):
                continue
            calls = sorted(
                (n for n in ast.walk(init) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                 and n.func.attr == method and isinstance(n.func.value, ast.Name) and n.func.value.id == "self"),
                key=lambda n: (n.lineno, n.col_offset))
            if not calls:
                return None
            scope = (init.lineno, init.end_lineno or init.lineno)
            if any(b.scope == scope and b.start <= calls[0].lineno <= b.end for b in rf.graph_blocks.get(ca.cell.index, ())):
                return (ca.cell.index, calls[0].lineno, calls[0].col_offset)
            return None
    return None


# Calls only TensorFlow's graph mode makes (TensorFlow 1, or 2's `compat.v1` with eager execution
# turned off): there, `tf.reset_default_graph()` drops the graph seed set before it.
_GRAPH_MODE_CALLS = re.compile(
    r"^tensorflow\.(?:compat\.v1\.)?(?:Session|InteractiveSession|placeholder|disable_eager_execution|disable_v2_behavior)$"
    r"|^tensorflow\.(?:set_random_seed|get_variable|global_variables_initializer|reset_default_graph)$|^tensorflow\.(?:contrib|examples\.tutorials)\."
)


def _graph_mode(facts: NotebookFacts) -> bool:
    return any(_GRAPH_MODE_CALLS.match(facts.resolve(call.func)) for ca in facts.cells for call in ca.facts.calls if call.func)


def _graph_names(trees: list[tuple[CellAnalysis, ast.Module]]) -> frozenset[str]:
    """Names the notebook binds to a new graph (`graph = tf.Graph()`): `graph.as_default()` makes
    it the default graph, while `sess.as_default()` only makes a session the default one."""
    names = set()
    for _, tree in trees:
        for node in ast.walk(tree):
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                    and dotted_name(node.value.func).rpartition(".")[2] == "Graph"):
                names.update(dotted_name(t) for t in node.targets if dotted_name(t))
    return frozenset(names)


def _graph_blocks(facts: NotebookFacts) -> tuple[dict[int, tuple[GraphBlock, ...]], dict[int, tuple[tuple[int, int], ...]]]:
    """Per cell, the `with` blocks that make a graph the default (`GraphBlock`), and the spans of
    the cell's defs (a block in a def holds only that def's calls; the def's caller decides the
    graph of the rest)."""
    if not any("as_default" in ca.masked.python or "graph=" in ca.masked.python for ca in facts.cells):
        return {}, {}
    # (every cell's defs: a draw in a def of another cell runs in the graph of its call site)
    trees = [(ca, tree) for ca in facts.cells if (tree := _parsed(ca)) is not None]
    names = _graph_names(trees)
    blocks: dict[int, tuple[GraphBlock, ...]] = {}
    spans: dict[int, tuple[tuple[int, int], ...]] = {}
    # Where each graph name is bound to a new graph by a module-level statement: each such binding
    # makes another graph, so a block of `graph` after `graph = tf.Graph()` in a later cell is not
    # the graph a seed in an earlier block of `graph` seeded (fair check 36, items 129, 134, 138,
    # 140: the Udacity assignments build `graph = tf.Graph()` anew in each model's cell).
    bound: dict[str, list[tuple[int, int]]] = {}
    for ca, tree in trees:
        for st in tree.body:
            for node in ast.walk(st) if not isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else ():
                if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                        and dotted_name(node.value.func).rpartition(".")[2] == "Graph"):
                    for t in node.targets:
                        if dotted_name(t) in names:
                            bound.setdefault(dotted_name(t), []).append((ca.cell.index, node.lineno))

    def instance(name: str, cell: int, line: int) -> str:
        """The graph `name` holds at (cell, line): the name and its last module-level binding before."""
        last = max((b for b in bound.get(name, ()) if b < (cell, line)), default=None)
        return name if last is None else f"{name}@{last[0]}:{last[1]}"

    def graph_of(expr: ast.expr, cell: int, line: int) -> tuple[str, str] | None:  # (graph, shown)
        if not isinstance(expr, ast.Call):
            return None
        if isinstance(expr.func, ast.Attribute) and expr.func.attr == "as_default":
            receiver = expr.func.value
            if dotted_name(receiver) in names:
                return instance(dotted_name(receiver), cell, line), dotted_name(receiver)
            if isinstance(receiver, ast.Call) and dotted_name(receiver.func).rpartition(".")[2] == "Graph":
                return f"{dotted_name(receiver.func)}()@{cell}:{line}", f"{dotted_name(receiver.func)}()"
            return None
        if dotted_name(expr.func).rpartition(".")[2] in ("Session", "InteractiveSession"):
            for keyword in expr.keywords:
                if keyword.arg == "graph" and dotted_name(keyword.value) in names:
                    return instance(dotted_name(keyword.value), cell, line), dotted_name(keyword.value)
        return None

    for ca, tree in trees:
        found: list[GraphBlock] = []
        defs: list[tuple[int, int]] = []

        def visit(node: ast.AST, scope: tuple[int, int] | None, local: Mapping[str, int]) -> None:
            for child in ast.iter_child_nodes(node):
                inner, inner_local = scope, local
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                    inner = (child.lineno, child.end_lineno or child.lineno)
                    defs.append(inner)
                    if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        # A def's own `g = tf.Graph()` is another graph than a module-level `g`
                        # (fair check 43, item 149: `ConvNN.__init__` builds and seeds its own).
                        inner_local = {**local, **{
                            dotted_name(t): n.lineno for n in ast.walk(child)
                            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
                            and dotted_name(n.value.func).rpartition(".")[2] == "Graph"
                            for t in n.targets if isinstance(t, ast.Name)}}
                elif isinstance(child, (ast.With, ast.AsyncWith)) and child.body:
                    for item in child.items:
                        graph = graph_of(item.context_expr, ca.cell.index, child.lineno)
                        if graph is not None:
                            thrown = scope is None and node is tree and _thrown_away(tree, child, graph[1])
                            name = graph[0]
                            if scope is not None and local.get(graph[1], child.lineno) < child.lineno:
                                name = f"{graph[1]}@{ca.cell.index}:{local[graph[1]]}"
                            found.append(GraphBlock(child.body[0].lineno, child.end_lineno or child.lineno, name, graph[1],
                                                    ast.unparse(item.context_expr), ca.cell.index, child.lineno, scope, thrown))
                visit(child, inner, inner_local)

        visit(tree, None, {})
        if found:
            blocks[ca.cell.index] = tuple(found)
        if defs:
            spans[ca.cell.index] = tuple(defs)
    return blocks, spans


_SESSION_CALLS = frozenset({"Session", "InteractiveSession", "MonitoredSession", "MonitoredTrainingSession", "SingularMonitoredSession", "run", "eval"})


def _thrown_away(tree: ast.Module, block: ast.With | ast.AsyncWith, graph: str) -> bool:
    """Whether the module-level block builds ops in a graph no session ever runs: the cell deletes
    the graph after it (`del g, x`) with every name the block binds, and neither the block nor
    the statements up to that `del` open a session or run anything. Its variables are never
    initialised, so they draw nothing (fair check 43, item 149: `g = tf.Graph()`,
    `with g.as_default(): x = tf.placeholder(…); conv_layer(x, …)`, `del g, x`, a shape test of
    the layer function before the real graph is built)."""
    if not graph.isidentifier():
        return False
    at = tree.body.index(block)
    bound = {n.id for n in ast.walk(block) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    if any(isinstance(n, (ast.Global, ast.Nonlocal, ast.Import, ast.ImportFrom)) for n in ast.walk(block)):
        return False
    for st in tree.body[at:]:
        if any(isinstance(n, ast.Call) and dotted_name(n.func).rpartition(".")[2] in _SESSION_CALLS for n in ast.walk(st)):
            return False
        if isinstance(st, ast.Delete):
            deleted = {t.id for t in st.targets if isinstance(t, ast.Name)} | {
                e.id for t in st.targets if isinstance(t, ast.Tuple) for e in t.elts if isinstance(e, ast.Name)}
            if graph in deleted:
                return bound <= deleted
    return False


def _never_named(facts: NotebookFacts, first_path: Mapping[str, tuple[Position, ...]]) -> frozenset[str]:
    """Module-level defs and classes (undecorated) that nothing runs and whose name no code of the
    notebook mentions outside their own definition: no call, no build, no subclass, no callback, no
    string. Their draws never run, like those under `if False:` (fair check 20: an `InvConv2d`
    whose `__init__` draws `torch.randn`, defined and never built). A mention in a branch that
    never runs (`unrun_lines`: alibi-detect's `else:` of `if load_pretrained:`) is no mention. A
    name mentioned anywhere else keeps the benefit of the doubt the module docstring gives to
    callbacks."""
    # Every module-level definition of each name, in order: a second `def randn_qt` (a cell
    # redefining the helper) is no mention of the first, nor a call (fair check 39, item 97: two
    # defs of a helper nothing calls kept its `np.random.rand` among the notebook's draws).
    candidates: dict[str, list[tuple[CellAnalysis, int, int]]] = {}
    decorated: set[str] = set()
    for ca in facts.cells:
        tree = None
        for ref in (*ca.facts.functions, *ca.facts.classes):
            if ref.name in first_path:
                continue
            tree = tree or _parsed(ca)
            node = next((st for st in (tree.body if tree else ()) if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                         and st.name == ref.name and st.lineno <= ref.line <= (st.end_lineno or st.lineno)), None)
            if node is None:
                continue
            if node.decorator_list:
                decorated.add(ref.name)  # (`@interact def show(…)` runs at once; `@app.route` hands it on)
                continue
            span = (ca, min([node.lineno, *(d.lineno for d in node.decorator_list)]), node.end_lineno or node.lineno)
            if span not in candidates.setdefault(ref.name, []):
                candidates[ref.name].append(span)
    for name in decorated:
        candidates.pop(name, None)
    if not candidates:
        return frozenset()
    found = set(candidates)
    words = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(candidates)) + r")\b")
    # (a mention is a piece of the cell's text: a cell holding none of the names anywhere is not
    # tokenized, which was most of the cells of a notebook with a def)
    unrun = unrun_lines(facts)
    for ca in facts.cells:
        if not any(name in ca.cell.source for name in candidates):
            continue
        dead = unrun.get(ca.cell.index, frozenset())  # (a mention in a branch that never runs runs nothing)
        for number, name in _name_mentions(ca.cell.source, words):
            if number in dead or name not in found:
                continue
            if not any(home is ca and start <= number <= end for home, start, end in candidates[name]):
                found.discard(name)
    return frozenset(found)


def _name_mentions(source: str, words: re.Pattern[str]) -> Iterator[tuple[int, str]]:
    """(line, name) of each mention of one of `words` in a cell's code: a name token, or a string that
    names it as code (`"rent"` handed to `getattr`, `exec("rent()")`, the string a magic runs). A
    comment, an attribute (`lm.score`) or a string in which the name is only part of other text is no
    mention (fair check 33, item 101: the path 'data/rent-ideal.csv' kept `def rent():`, never called,
    from being left out, and its draw was reported; item 133: `model.score(…)` kept `def score`). A
    cell that cannot be tokenized (a shell line) counts every word, as before."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        for number, text in enumerate(source.split("\n"), 1):
            for m in words.finditer(text):
                yield number, m.group(0)
        return
    for before, token in zip([None, *tokens], tokens):
        if token.type == tokenize.NAME and words.fullmatch(token.string):
            if before is not None and before.string == ".":
                continue  # (`lm.score(X, y)` is a method, not the notebook's `def score`: fair check 33, item 133)
            yield token.start[0], token.string
        elif token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
            for m in words.finditer(token.string):
                # (the name alone in its quotes, or called in the string's code)
                alone = token.string[:m.start()].rstrip("'\"").lower().lstrip("rbuf") == "" and token.string[m.end():].strip("'\"") == ""
                if alone or re.match(r"\s*\(", token.string[m.end():]):
                    yield token.start[0] + token.string.count("\n", 0, m.start()), m.group(0)


def _unused_default_lines(ca: CellAnalysis, unnamed: frozenset[str]) -> set[int]:
    """Lines of the default values of the cell's module-level defs that nothing names (`_never_named`):
    `def modify(data, value=np.random.uniform(0, 10))` evaluates its default once, at definition,
    but only the body reads it, and the body never runs (fair check 21: the finding then sat on such
    a default instead of the draws of the function the notebook calls)."""
    names = {f.name for f in ca.facts.functions} & unnamed
    tree = _parsed(ca) if names else None
    lines: set[int] = set()
    for st in (tree.body if tree is not None else ()):
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)) and st.name in names:
            for default in (*st.args.defaults, *(d for d in st.args.kw_defaults if d is not None)):
                lines.update(range(default.lineno, (default.end_lineno or default.lineno) + 1))
    return lines


def _seeding_callers(facts: NotebookFacts, ca: CellAnalysis, call: CallFact) -> tuple[tuple[CellAnalysis, CallFact], ...] | None:
    """For a seeding call in a module-level function whose one argument is a parameter of the
    function (`def make_data(n, seed=None): if seed is not None: np.random.seed(seed)`), the calls of
    the function that pass that parameter a value other than None: only those runs seed (with None
    the guard skips it, or it re-seeds from entropy). Fair check 18: `make_data(500, seed=None)`
    was taken to seed NumPy (RND002 said "which cell 5 seeds") and the function's own draws went
    unreported. None: not such a seed, or calls we cannot read (a callback, `*args`), so every run
    counts, as before."""
    if not call.in_function or not call.owner or len(call.args) != 1 or not call.args[0].name:
        return None
    tree = _parsed(ca)
    function = _enclosing_function(tree, call.line) if tree is not None else None
    if function is None or function.name != call.owner:
        return None
    parameter = call.args[0].name
    positional = _parameters(function)
    defaults: dict[str, ast.expr | None] = dict(zip(positional[len(positional) - len(function.args.defaults):], function.args.defaults))
    defaults.update((a.arg, d) for a, d in zip(function.args.kwonlyargs, function.args.kw_defaults))
    if parameter not in positional and parameter not in defaults:
        return None
    if any(isinstance(n, ast.Name) and n.id == parameter and isinstance(n.ctx, ast.Store) for n in ast.walk(function)):
        return None  # `seed = seed or 42`: the value seeded is not the caller's
    default = defaults.get(parameter)
    none_by_default = isinstance(default, ast.Constant) and default.value is None
    position = positional.index(parameter) if parameter in positional else None
    through: list[tuple[CellAnalysis, CallFact]] = []
    for other in facts.cells:
        for c in other.facts.calls:
            if any(a.name == function.name for a in c.args):
                return None  # a callback: called with what, we cannot see
            if c.func != function.name or c.receiver:
                continue
            if _has_star(c) or _has_double_star(c):
                return None
            given = c.arg(position, (parameter,))
            if (given is None and not none_by_default) or (given is not None and given.constant != "None"):
                through.append((other, c))
    return tuple(through)


# `embeddings_initializer=Constant(matrix)` / `initializers.Constant(…)`, or `weights=[matrix]`:
# the Embedding starts from the given (pretrained) vectors, no draw (fair check 16, practical-nlp's
# GloVe layers, named as the first unseeded draw of a model whose Conv1D/Dense layers are the draws).
_PRESET_EMBEDDING = re.compile(r"\bembeddings_initializer\s*=\s*(?:[\w.]+\.)?Constant\s*\(|\bweights\s*=\s*\[")


# What multi-backend Keras (before 2.4) writes when imported: "Using TensorFlow backend." (its
# load_backend.py; "Using CNTK backend" without the period: fair check 46, item 137). Keras 2.4
# and later are tf.keras and print nothing.
_OLD_KERAS_BANNER = re.compile(r"Using (?:TensorFlow|Theano|CNTK) backend\b")
_OLD_KERAS: list[tuple[NotebookFacts, bool]] = []


def _old_standalone_keras(facts: NotebookFacts) -> bool:
    """Is the notebook's standalone `keras` the multi-backend Keras before 2.4, by evidence the
    notebook gives: a saved output with its import banner ("Using TensorFlow backend."), or
    `keras` imported beside TensorFlow 1 calls (`tf.Session`, `tf.placeholder`…: Keras 2.4 needs
    TensorFlow 2.2)? That Keras takes every unseeded initialiser's and dropout's op seed from
    `np.random.randint` (Keras 2.0.8 and 2.3.1, `backend/tensorflow_backend.py`; Orthogonal draws
    `np.random.normal`, `fit`'s shuffle `np.random.shuffle`), so its layers draw from NumPy:
    `np.random.seed` seeds them, and `keras.utils.set_random_seed` does not exist there (fair check
    31, items 144 and 147: Coursera's Emojify and Jazz notebooks). Computed once per notebook."""
    if _OLD_KERAS and _OLD_KERAS[0][0] is facts:
        return _OLD_KERAS[0][1]
    found = False
    if any(imp.top_level == "keras" for _, imp in facts.imports):
        found = any(
            _OLD_KERAS_BANNER.search(o.text) for ca in facts.cells for o in ca.cell.outputs if o.text
        ) or any(
            facts.resolve(call.func) in _TF1_CALLS for ca in facts.cells for call in ca.facts.calls if call.func
        )
    _OLD_KERAS[:] = [(facts, found)]
    return found


# fastai v1's data API (1.0.x): its `*DataBunch` classes, the `ImageItemList`/`ImageList`/
# `TabularList`/`TextList`/`CollabList` item lists and their `.databunch()`, `create_cnn`, the
# random splitters; fastai 2 has none of them (checked in the released 1.0.61 and 2.7.15 wheels).
# fastai 2's own names (`DataLoaders`, `DataBlock`, `vision_learner`, a `fastai.*.all` or
# `fastbook` import) win when both appear.
_FASTAI_V1_NAMES = re.compile(
    r"^(?:\w*DataBunch|ImageItemList|ImageList|TabularList|TextList|CollabList|SegmentationItemList|"
    r"ObjectItemList|create_cnn|random_split_by_pct|split_by_rand_pct|databunch)$"
)
_FASTAI_V2_NAMES = re.compile(r"^(?:\w*DataLoaders|DataBlock|vision_learner)$")
_FASTAI_V1: list[tuple[NotebookFacts, bool]] = []


def _fastai_v1(facts: NotebookFacts) -> bool:
    """Is the notebook's fastai version 1, by the v1-only names its code calls (`_FASTAI_V1_NAMES`,
    a `.databunch()` method) and none of fastai 2's? fastai v1 trains with plain torch: its
    `DataLoader`s shuffle with torch's `RandomSampler`, its layers initialise and drop out with
    torch's generator, and Python's `random` is read only by the vision transforms
    (`torch_core.uniform`/`uniform_int`), which run in the DataLoader workers that torch reseeds
    from its own generator (fastai 1.0.42 and 1.0.61). So `fit_one_cycle` draws from torch, and
    `random.seed` changes nothing (fair check 34, items 136 and 140: the Planet multi-label and
    book-recommendation notebooks). Computed once per notebook."""
    if _FASTAI_V1 and _FASTAI_V1[0][0] is facts:
        return _FASTAI_V1[0][1]
    found = False
    if any(imp.top_level == "fastai" for _, imp in facts.imports) and not any(
        imp.top_level == "fastbook" or imp.module.startswith("fastai.") and imp.module.endswith(".all")
        for _, imp in facts.imports
    ):
        names = {
            part for ca in facts.cells for call in ca.facts.calls
            for part in (*call.func.split("."), call.method) if part
        }
        found = any(_FASTAI_V1_NAMES.match(n) for n in names) and not any(
            _FASTAI_V2_NAMES.match(n) for n in names
        )
    _FASTAI_V1[:] = [(facts, found)]
    return found


def _preset_embedding(ca: CellAnalysis, call: CallFact) -> bool:
    """A Keras `Embedding(…)` given its initial vectors (`_PRESET_EMBEDDING`): it draws nothing."""
    if not (call.has_keyword("embeddings_initializer") or call.has_keyword("weights")):
        return False
    text = "\n".join(ca.cell.source.split("\n")[call.line - 1:max(call.line, call.end_line)])
    return _PRESET_EMBEDDING.search(text) is not None


# Keras layers whose only draws are their kernel's initial values (`kernel_initializer`, default
# glorot-uniform) and bias' (`bias_initializer`, default zeros).
_KERNEL_ONLY_LAYER = re.compile(r"^(?:Dense|Conv[123]D(?:Transpose)?|Convolution[123]D)$")
# Initialisers that draw nothing, named by a string (`"zeros"`, `"Zeros"`) or called
# (`keras.initializers.Zeros()`, `Constant(0.5)`, TF1's `tf.zeros_initializer()`).
_CONSTANT_INITIALISERS = frozenset({"zeros", "zero", "ones", "one", "constant", "identity"})
_CONSTANT_INITIALISER_CALLS = frozenset({
    "Zeros", "Ones", "Constant", "Identity", "zeros", "ones", "constant", "identity",
    "zeros_initializer", "ones_initializer", "constant_initializer", "identity_initializer",
})


def _constant_initialiser(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str) and value.value.lower() in _CONSTANT_INITIALISERS
    if isinstance(value, ast.Call):
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in _CONSTANT_INITIALISER_CALLS
    return False


def _constant_initialised_layer(ca: CellAnalysis, call: CallFact, qualified: str) -> bool:
    """A Keras `Dense`/`Conv2D` built with a constant kernel (`kernel_initializer="zeros"`,
    `keras.initializers.Zeros()`, `Constant(0.5)`) and a constant bias (default zeros, or
    `bias_initializer=` a constant one): its weights are not drawn, so it is no draw, and a
    model of only such layers (and layers that draw nothing) draws nothing (fair check 39, item
    108: two zero-initialised one-unit regressions fitted on one full batch). Not covered: an
    initialiser bound to a name first (`init = Zeros()`), passed by position, or through
    `**kwargs`; layers with other drawn weights (LSTM's recurrent kernel, Embedding)."""
    if not _KERNEL_ONLY_LAYER.match(qualified.rsplit(".", 1)[-1]) or not call.has_keyword("kernel_initializer"):
        return False
    if _has_double_star(call):
        return False
    parsed = _parsed(ca)
    node = _call_node(ca, parsed, call) if parsed is not None else None
    if node is None:
        return False
    given = {k.arg: k.value for k in node.keywords if k.arg}
    return _constant_initialiser(given["kernel_initializer"]) and (
        "bias_initializer" not in given or _constant_initialiser(given["bias_initializer"]))


# PyTorch layers whose only draws are their weight's and bias' initial values.
_TORCH_WEIGHT_ONLY_LAYER = re.compile(r"^torch\.nn\.(?:modules\.\w+\.)?(?:Linear|Conv[123]d|ConvTranspose[123]d)$")
# `torch.nn.init` functions that set a tensor to constants, drawing nothing.
_TORCH_CONSTANT_INITS = frozenset({"zeros_", "ones_", "constant_"})
# In-place tensor methods that set every element to a constant: `layer.weight.data.zero_()`, `.fill_(0.0)`.
_TORCH_CONSTANT_FILLS = frozenset({"zero_", "fill_"})


def _torch_layer_set_constant(ca: CellAnalysis, call: CallFact, qualified: str) -> bool:
    """`self.linear = nn.Linear(dim, 1)`, then `nn.init.zeros_(self.linear.weight)` and
    `nn.init.zeros_(self.linear.bias)` in the same block (also `constant_`, `ones_`, or
    `.weight.data.zero_()`/`.fill_(c)`; the bias needs none when the layer has `bias=False`): the
    random initial values are overwritten at once, so the layer is no draw (fair check 47, item 138,
    rnd001-dense-zeros-initializer: a logistic regression zero-initialised as the textbook does).
    Only a `Linear`/`Conv`/`ConvTranspose` layer bound to a plain name or attribute; both its
    tensors set in statements after it in the same block."""
    if not _TORCH_WEIGHT_ONLY_LAYER.match(qualified) or _has_double_star(call):
        return False
    parsed = _parsed(ca)
    node = _call_node(ca, parsed, call) if parsed is not None else None
    if node is None:
        return False
    for body in _statement_lists(parsed):
        for i, statement in enumerate(body):
            if not (isinstance(statement, ast.Assign) and statement.value is node and len(statement.targets) == 1
                    and isinstance(statement.targets[0], (ast.Name, ast.Attribute))):
                continue
            layer = ast.unparse(statement.targets[0])
            needed = {"weight"}
            bias = next((k.value for k in node.keywords if k.arg == "bias"), None)
            if not (isinstance(bias, ast.Constant) and bias.value is False):
                needed.add("bias")
            for later in body[i + 1:]:
                for inner in ast.walk(later):
                    if isinstance(inner, ast.Call):
                        needed -= _tensors_set_constant(inner, layer)
            return not needed
    return False


_TORCH_DATA_LOADER = re.compile(r"^torch\.utils\.data\.(?:dataloader\.)?DataLoader$")


def _one_full_batch_loader(ca: CellAnalysis, call: CallFact, qualified: str) -> bool:
    """`DataLoader(ds, batch_size=len(ds), shuffle=True)`: every batch is the whole dataset, so
    the shuffle only permutes the rows of one batch. A full-batch gradient, a loss or an accuracy
    over it is a sum over rows that no order changes (fair check 47, items 136 and 138: the
    saved cost of two notebooks matches digit for digit); which row `x[160]` is, is display.
    The batch size must be `len()` of the very expression the loader is given."""
    if not _TORCH_DATA_LOADER.match(qualified) or _has_double_star(call):
        return False
    parsed = _parsed(ca)
    node = _call_node(ca, parsed, call) if parsed is not None else None
    if node is None:
        return False
    given = {k.arg: k.value for k in node.keywords if k.arg}
    dataset = node.args[0] if node.args else given.get("dataset")
    size = node.args[1] if len(node.args) > 1 else given.get("batch_size")
    if dataset is None or "sampler" in given or "batch_sampler" in given:
        return False
    return (isinstance(size, ast.Call) and isinstance(size.func, ast.Name) and size.func.id == "len" and len(size.args) == 1
            and ast.dump(size.args[0]) == ast.dump(dataset))


def _tensors_set_constant(node: ast.Call, layer: str) -> set[str]:
    """The tensors of `layer` (`weight`, `bias`) the call sets to constants: `nn.init.zeros_(layer.weight)`,
    `init.constant_(layer.bias, 0.0)`, `layer.weight.data.zero_()`, `layer.bias.fill_(0)`."""
    def tensor_of(expr: ast.expr) -> str | None:
        if isinstance(expr, ast.Attribute) and expr.attr == "data":
            expr = expr.value  # `layer.weight.data`
        if isinstance(expr, ast.Attribute) and expr.attr in ("weight", "bias") and ast.unparse(expr.value) == layer:
            return expr.attr
        return None

    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in _TORCH_CONSTANT_INITS and node.args:
        owner = ast.unparse(func.value)
        if owner.split(".")[-1] == "init" and (tensor := tensor_of(node.args[0])) is not None:
            return {tensor}
    if isinstance(func, ast.Attribute) and func.attr in _TORCH_CONSTANT_FILLS and (tensor := tensor_of(func.value)) is not None:
        return {tensor}
    return set()


def _statement_lists(tree: ast.AST) -> Iterator[list[ast.stmt]]:
    """Every block of statements of a tree: a module's, a def's, a loop's or a branch's body."""
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield block


def _vectors_set(ca: CellAnalysis, call: CallFact) -> bool:
    """`embedding_layer = Embedding(…)`, then `embedding_layer.set_weights([matrix])` in the same
    cell: its drawn vectors are replaced at once, as with `weights=[matrix]` (fair check 31, item
    144, where `_sets_one_layer` keeps the model's other layers' draws)."""
    tree = cell_python_tree(ca)
    if tree is None:
        return False
    names = {
        t.id for node in nodes_of(tree, ast.Assign)
        if isinstance(node.value, ast.Call) and node.value.lineno == call.line and node.value.col_offset + 1 == call.column
        for t in node.targets if isinstance(t, ast.Name)
    }
    return bool(names) and any(c.method == "set_weights" and c.receiver in names for c in ca.facts.calls)


def _head_was_loaded(ca: CellAnalysis) -> bool:
    """`from_pretrained(…, num_labels=…)` in a cell whose saved output lacks transformers' warning
    that weights "are newly initialized": the checkpoint had the head, nothing was drawn. A cell
    without saved outputs says nothing."""
    outputs = ca.cell.outputs
    return bool(outputs) and not any("newly initialized" in o.text for o in outputs) and not any(o.output_type == "error" for o in outputs)


def _draws_when_iterated(catalog: RandomnessCatalog, qualified: str) -> bool:
    return any(cond.when_iterated and _matches(qualified, cond.calls) for cond in catalog.conditional_draws)


# Calls that read an object without iterating it: `len(loader)`, `print(loader)`.
_NOT_ITERATING = frozenset({"len", "print", "type", "repr", "str", "id", "isinstance", "display", "hasattr", "getattr"})


def _first_iteration(facts: NotebookFacts, first_path: Mapping[str, tuple[Position, ...]], ca: CellAnalysis, call: CallFact) -> Iteration | None:
    """`train_dl = DataLoader(ds, shuffle=True)`: the loader shuffles when a `for` (or `iter()`, or
    the training function it is given to) iterates it, not when it is built; a seed between the
    two still makes the order reproducible. Only a module-level assignment to plain names is
    followed (None otherwise: the draw stays at the call). The first read of a bound name after
    the assignment that could iterate it, in notebook order; a read inside a module-level def
    counts where the def first runs. `loader.dataset`, `len(loader)` do not iterate."""
    if call.in_function:
        return None
    tree = _parsed(ca)
    if tree is None:
        return None
    statement = statement_at(tree, call.line)
    if isinstance(statement, ast.Assign):
        targets: list[ast.expr] = list(statement.targets)
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        targets = [statement.target]
    else:
        return None
    names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    if not names or any(not isinstance(n, (ast.Name, ast.Tuple, ast.List, ast.Starred)) for t in targets for n in ast.walk(t) if isinstance(n, ast.expr) and not isinstance(n, ast.expr_context)):
        return None
    shown = sorted(names)[0]
    best: tuple[Moment, CellAnalysis, int, int] | None = None
    unplaced: tuple[CellAnalysis, int, int] | None = None
    after = statement.end_lineno or statement.lineno
    rebound = False
    for other in facts.cells:
        if other.cell.index < ca.cell.index or rebound:
            continue
        parsed = tree if other is ca else _parsed(other)
        if parsed is None:
            continue
        for top in parsed.body:
            if other is ca and top.lineno <= after:
                continue
            if _rebinds_alone(top, names):
                # `train_dataloader = DataLoader(…)` again (fair check 38, item 131): the reads below are
                # the new loader's (a def defined above and run below is still counted, on the safe side).
                rebound = True
                break
            if _displays_object(top, names):
                continue  # `train_dataloader, test_dataloader` shown: its repr iterates nothing (item 131)
            owner = top.name if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else ""
            for node in _iterating_loads(top, names):
                here = (other.cell.index, node.lineno, node.col_offset + 1)
                if owner:
                    path = first_path.get(owner)
                    if not path:
                        unplaced = unplaced or (other, node.lineno, node.col_offset + 1)
                        continue
                    moment = (*path, here)
                else:
                    moment = (here, here)
                if best is None or moment < best[0]:
                    best = (moment, other, node.lineno, node.col_offset + 1)
    if best is not None:
        return Iteration(shown, best[1], best[2], best[3], best[0])
    if unplaced is not None:
        return Iteration(shown, unplaced[0], unplaced[1], unplaced[2], None)
    return Iteration(shown)  # never read: never iterated, draws nothing


def _rebinds_alone(statement: ast.stmt, names: set[str]) -> bool:
    """`x = …` binding the one name of `names` anew at module level without reading it."""
    return (len(names) == 1 and isinstance(statement, ast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name) and statement.targets[0].id in names
            and not any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(statement.value)))


def _displays_object(statement: ast.stmt, names: set[str]) -> bool:
    """A cell's bare expression showing the object itself (`loader`, or `train_dl, test_dl`): Jupyter
    shows its repr, which loads nothing."""
    if not isinstance(statement, ast.Expr):
        return False
    shown = statement.value.elts if isinstance(statement.value, ast.Tuple) else [statement.value]
    return all(isinstance(e, ast.Name) for e in shown) and any(e.id in names for e in shown)


def _iterating_loads(node: ast.AST, names: set[str]) -> Iterator[ast.Name]:
    """Reads of `names` under `node` that may iterate the object (not `x.attr`, not `len(x)`)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and names & _function_locals(child):
            continue
        if isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name):
            continue  # `loader.dataset`, `loader.batch_size`
        if (
            isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id in _NOT_ITERATING
        ):
            yield from (n for a in child.keywords for n in _iterating_loads(a, names))
            continue
        if isinstance(child, ast.Name) and child.id in names and isinstance(child.ctx, ast.Load):
            yield child
        yield from _iterating_loads(child, names)


def _seed_counts(seed: SeedSpec, call: CallFact) -> bool:
    """`random.seed()` without an argument re-seeds from the OS: it counts only for helpers whose
    default is a fixed seed. A seed taken by keyword (`SeedSpec.keyword`) counts only given, not as None."""
    if seed.keyword:
        return _keyword_given(call, (seed.keyword,)) is not None
    return (seed.without_argument and not call.args) or _seeding_arguments(call)


def _draw_library(catalog: RandomnessCatalog, call: CallFact, qualified: str) -> str | None:
    lib, conditions = _draw_candidates(catalog, qualified)
    if lib is not None:
        if _keyword_given(call, lib.own_seed_keywords) is not None:
            return None
        if lib.own_seed_keywords and _has_double_star(call):
            return None  # `**kwargs` may carry the generator or seed
        return lib.id
    for cond in conditions:
        if cond.absent:
            given = call.arg(cond.position, (cond.keyword,))
            if (given is not None and given.constant != "None") or not _floating_dtype(call, cond.dtype):
                continue
            if _has_double_star(call) or _keyword_given(call, catalog.library(cond.library).own_seed_keywords) is not None:
                continue  # `**kwargs` may carry the initialiser
            return cond.library
        value = _keyword_value(call, cond.keyword)
        if value is None and cond.position is not None:
            given = call.arg(cond.position)
            value = _arg_text(given) if given is not None and not given.keyword else None
        given = cond.any_value and _keyword_given(call, (cond.keyword,)) is not None
        if value in cond.values or given:
            library = next(
                (lib for keyword, val, lib in cond.library_by if _keyword_value(call, keyword) == val), cond.library
            )
            own = catalog.library(library).own_seed_keywords
            if _keyword_given(call, own) is None:
                return library
    return None


def _floating_dtype(call: CallFact, dtype: tuple[str, int | None] | None) -> bool:
    """The call's dtype argument (`ConditionalDraw.dtype`) is absent (TensorFlow's default,
    float32), unreadable, or names a floating or complex type."""
    if dtype is None:
        return True
    given = call.arg(dtype[1], (dtype[0],))
    text = _arg_text(given) if given is not None else None
    return text is None or text == "None" or any(kind in text.lower() for kind in ("float", "half", "double", "complex"))


def _draw_candidates(catalog: RandomnessCatalog, qualified: str) -> tuple[Library | None, tuple[ConditionalDraw, ...]]:
    """The first library `qualified` draws from (`Library.draws_with`), and the conditional draws
    whose calls name it, in catalogue order: what `_draw_library` asks of the name alone,
    remembered per catalogue and name. Every call of every notebook asked each library, then each
    conditional draw (its arguments read first), and each test hashed the pattern tuple again for
    `_matches_memo` (its 4,096 answers hold fewer than a run asks: most were computed again)."""
    held = _DRAW_CANDIDATES.get(id(catalog))
    if held is None or held[0] is not catalog:
        if len(_DRAW_CANDIDATES) >= 16:  # one catalogue per run; tests load many
            del _DRAW_CANDIDATES[next(iter(_DRAW_CANDIDATES))]
        held = _DRAW_CANDIDATES[id(catalog)] = (catalog, {})  # the catalogue is held, so its id is not reused
    answers = held[1]
    found = answers.get(qualified)
    if found is None:
        if len(answers) >= 4096:  # bounded as `_first_match`: the oldest goes
            del answers[next(iter(answers))]
        found = answers[qualified] = (
            next((lib for lib in catalog.libraries if lib.draws_with(qualified)), None),
            tuple(cond for cond in catalog.conditional_draws if _matches(qualified, cond.calls)),
        )
    return found


_DRAW_CANDIDATES: dict[int, tuple[RandomnessCatalog, dict[str, tuple[Library | None, tuple[ConditionalDraw, ...]]]]] = {}


def _method_draw(
    catalog: RandomnessCatalog, call: CallFact, imported: set[str], origins: Callable[[], Mapping[str, frozenset[str]]],
    classes: Callable[[], Mapping[str, str]] = dict,
) -> MethodDraw | None:
    # Only reached for callees that do not resolve through an import: `random.sample(...)` and
    # `np.random.shuffle(...)` are module functions, classified by the library tables.
    if not _is_attribute_call(call):
        return None
    if _gym_space(call.receiver, origins):
        return None  # `env.action_space.sample()`: the space's own generator, not pandas' (`_gym_space`)
    for entry in catalog.method_draws:
        if (entry.receiver_classes and call.method in entry.methods and not call.in_function
                and classes().get(call.receiver) in entry.receiver_classes):
            # (a seed of its own, `datagen.flow(x, y, seed=1)`, or the keyword that turns the draw
            # off, `flow_from_directory(…, shuffle=False)`: no draw)
            return entry if _draws_here(entry, call) else None
    claimed = {e.receiver_module for e in catalog.method_draws if e.receiver_module and call.method in e.methods}
    origin: frozenset[str] = frozenset()
    if claimed:
        origin = origins().get(call.receiver.partition(".")[0], frozenset())
    for entry in catalog.method_draws:
        if entry.receiver_classes:
            continue  # (only for a receiver known to be of its classes, above)
        if entry.receiver_module and entry.receiver_module not in origin:
            continue
        if not entry.receiver_module and (origin & claimed or origin == {_OWN_CLASS}):
            continue  # `train = pl.read_csv(…)`, `model = HierVAE(args)`: `.sample()` is not pandas' sample
        if not entry.receiver_module and origin and all(o.startswith(_CLASS_OF) for o in origin) and not any(
            o == f"{_CLASS_OF}{entry.requires_import}>" for o in origin
        ):
            continue  # `sampler = TickBarSampler(ticks_per_bar=100)`: its `.sample()` is the class's own
        if (
            call.method in entry.methods
            and (not entry.receivers or call.receiver in entry.receivers)
            and (not entry.requires_import or entry.requires_import in imported)
            and _draws_here(entry, call)
        ):
            return entry
    return None


# A Gym/Gymnasium environment's spaces (`env.action_space`, a vector env's `single_observation_space`).
_GYM_SPACE_ATTRIBUTE = re.compile(r"(?:action|observation)_space$")
_GYM_SPACE = "<a gym space>"


def _gym_space(receiver: str, origins: Callable[[], Mapping[str, frozenset[str]]]) -> bool:
    """Is `receiver` a Gym/Gymnasium space: an environment's `….action_space` /
    `….observation_space`, or a name bound to one (`space = env.action_space`; a name bound to
    `gym.spaces.Discrete(…)` is an imported class's instance, `_CLASS_OF`)? Its `.sample()` draws
    from the space's own generator, never NumPy's global state (fair check 35, item 137: read as
    pandas' `df.sample`): released gym up to 0.10 samples every space from `gym.spaces.prng.np_random`,
    a RandomState seeded 0 at import (the actions repeat on every run), later gym and Gymnasium from
    the space's `np_random`, seeded from the OS's entropy unless `space.seed(n)`, which
    `np.random.seed` does not reach. Which one a notebook runs is seldom readable, so no draw is
    counted; the unseeded environment's own finding (`_unseeded_env_resets`) already says to seed
    the action space when the notebook samples it."""
    if not receiver:
        return False
    if _GYM_SPACE_ATTRIBUTE.search(receiver.rsplit(".", 1)[-1]):
        return True
    return "." not in receiver and _GYM_SPACE in origins().get(receiver, frozenset())


def _draws_here(entry: MethodDraw, call: CallFact) -> bool:
    """Whether `call`, a method the entry names, draws by its arguments: no seed of its own, and
    the keyword its draw depends on at a drawing value."""
    return (
        _keyword_given(call, entry.own_seed_keywords) is None
        and not (entry.own_seed_keywords and _has_double_star(call))  # `**kwargs` may carry the seed
        and not (entry.seed_position is not None and _positional_seed(call, entry.seed_position))
        and (not entry.when_keyword or _when_value(call, entry))
        and not (entry.unless_keyword and _keyword_value(call, entry.unless_keyword) in entry.unless_values)
    )


def _when_value(call: CallFact, entry: MethodDraw) -> bool:
    """Is the entry's `when_keyword` given one of its `when_values`, or, with no values listed,
    given at all and not as None (fastai v1's `from_folder(path, valid_pct=0.2)`)?"""
    value = _keyword_value(call, entry.when_keyword)
    if not entry.when_values:
        return value is not None and value != "None"
    return value in entry.when_values


def _positional_seed(call: CallFact, position: int) -> bool:
    """A seed passed at `position` (not the literal None), or a `*args` that may carry one."""
    given = call.arg(position)
    return (given is not None and given.constant != "None") or _has_star(call)


_OWN_CLASS = "<instance of an unimported class>"
# `<instance of a class of ml4t>`: bound from one call of a class another package exports
# (`TickBarSampler(ticks_per_bar=100)`, `GReaT.load_from_dir(path)`), whose methods are its own.
_CLASS_OF = "<instance of a class of "
_PANDAS_CONSTRUCTORS = frozenset({"DataFrame", "Series"})
# Classes that are (or wrap) a pandas frame: `gpd.GeoDataFrame(…).sample(5)` is pandas' sample.
_FRAME_CLASS = re.compile(r"(?:Frame|Series|Panel)$")


def _module_level_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements a cell runs at its top level, those in its `if`/`else`, `try` and `with`
    blocks included (`if exists(path): model = Cls.load(path) else: model = Cls(…)`)."""
    for statement in body:
        yield statement
        if isinstance(statement, ast.If):
            yield from _module_level_statements([*statement.body, *statement.orelse])
        elif isinstance(statement, ast.Try):
            yield from _module_level_statements([*statement.body, *statement.orelse, *statement.finalbody])
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            yield from _module_level_statements(statement.body)


def _imported_class_instance(facts: NotebookFacts, value: ast.expr) -> str | None:
    """The package of the imported class whose one call (`TickBarSampler(…)`, `bars.TickBarSampler(…)`,
    or a class method `GReaT.load_from_dir(…)`) `value` is, when it is not pandas' or a frame class."""
    if not isinstance(value, ast.Call):
        return None
    dotted = dotted_name(value.func)
    if not dotted or dotted.split(".")[0] not in facts.aliases:
        return None
    qualified = facts.resolve(dotted)
    parts = qualified.split(".")
    classes = [p for p in parts[1:] if p[:1].isupper()]
    if not classes or parts[0] == "pandas" or any(_FRAME_CLASS.search(c) for c in classes):
        return None
    # (the class is the callee, or the receiver of a class method: `Cls.load(…)`, not `Cls.x.y(…)`)
    if parts[-1][:1].isupper() or parts[-2][:1].isupper():
        return parts[0]
    return None


def _instance_classes(facts: NotebookFacts, catalog: RandomnessCatalog) -> dict[str, str]:
    """Per module-level name, the class of the `[[method_draw]]` `receiver_classes` its last
    binding (notebook order, in code that runs) made an instance of: `od = OutlierVAE(…)`, or
    `od = fetch_detector(filepath, detector_type, dataset, detector_name)` after `detector_name =
    'OutlierVAE'` (a loader's class argument, a string or a name last bound to one). Fair check 22:
    alibi-detect's VAE detectors score by sampling TensorFlow's global state."""
    wanted = {cls for entry in catalog.method_draws for cls in entry.receiver_classes}
    loaders = {call: (position, keyword) for entry in catalog.method_draws for call, position, keyword in entry.receiver_class_loaders}
    if not wanted:
        return {}
    by_short = {cls.rsplit(".", 1)[-1]: cls for cls in wanted}
    unrun = unrun_lines(facts)
    strings: dict[str, str] = {}
    found: dict[str, str] = {}
    for ca in facts.cells:
        tree = _parsed(ca)
        if tree is None:
            continue
        dead = unrun.get(ca.cell.index, frozenset())
        for statement in _module_level_statements(tree.body):
            if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)):
                continue
            if statement.lineno in dead:
                continue
            name, value = statement.targets[0].id, statement.value
            strings.pop(name, None)
            found.pop(name, None)
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                strings[name] = value.value
            if not isinstance(value, ast.Call):
                continue
            callee = dotted_name(value.func)
            qualified = facts.resolve(callee) if callee else ""
            if qualified in wanted:
                found[name] = qualified
            elif qualified in loaders:
                position, keyword = loaders[qualified]
                given = next((k.value for k in value.keywords if k.arg == keyword), None)
                if given is None and len(value.args) > position and not any(isinstance(a, ast.Starred) for a in value.args[:position + 1]):
                    given = value.args[position]
                text = given.value if isinstance(given, ast.Constant) else strings.get(given.id) if isinstance(given, ast.Name) else None
                if isinstance(text, str) and text in by_short:
                    found[name] = by_short[text]
    return found


def _frame_origins(facts: NotebookFacts) -> dict[str, frozenset[str]]:
    """Per module-level name, the top-level packages its bindings come from: `train =
    pl.read_csv(…)` gives {"polars"}, and so do `train = train.with_columns(…)` and `train1 =
    train.clone()` after it (notebook order; the root of the call/attribute/subscript chain is an
    import alias or a name seen before). Fair check 14: a Polars frame's `.sample()` was reported
    as pandas' draw from NumPy's global state."""
    origins: dict[str, frozenset[str]] = {}
    for ca in facts.cells:
        tree = _parsed(ca)
        if tree is None:
            continue
        for statement in _module_level_statements(tree.body):
            if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)):
                continue
            package = _imported_class_instance(facts, statement.value)
            if package is not None:
                name = statement.targets[0].id
                origins[name] = origins.get(name, frozenset()) | {f"{_CLASS_OF}{package}>"} if name in origins and all(
                    o.startswith(_CLASS_OF) for o in origins[name]) else frozenset({f"{_CLASS_OF}{package}>"})
                continue
            if (isinstance(statement.value, ast.Attribute) and _GYM_SPACE_ATTRIBUTE.search(statement.value.attr)
                    and dotted_name(statement.value)):
                origins[statement.targets[0].id] = frozenset({_GYM_SPACE})  # `space = env.action_space`
                continue
            root = statement.value
            converted = False  # `pl_frame.to_pandas()` is a pandas frame
            constructed = False  # `model = HierVAE(args).to(device)`: an instance of a class
            while isinstance(root, (ast.Call, ast.Attribute, ast.Subscript)):
                converted = converted or (isinstance(root, ast.Attribute) and root.attr == "to_pandas")
                constructed = isinstance(root, ast.Call) and isinstance(root.func, ast.Name)
                root = root.func if isinstance(root, ast.Call) else root.value
            if not isinstance(root, ast.Name):
                continue
            if converted:
                found = frozenset({"pandas"})
            elif root.id in facts.aliases:
                found = frozenset({facts.aliases[root.id].partition(".")[0]})
            elif constructed and root.id[:1].isupper() and root.id not in _PANDAS_CONSTRUCTORS:
                # An instance of a class no import names (a star import's, the notebook's own): a
                # model's `.sample()` is its own method, not pandas' (fair check 17: HierVAE).
                found = frozenset({_OWN_CLASS})
            else:
                found = origins.get(root.id, frozenset())
            name = statement.targets[0].id
            origins[name] = (origins.get(name, frozenset()) | found) if name == root.id else found
    return origins


# kfp's lightweight-component makers: the function they wrap (or decorate) is serialised into a
# container image's command; compiling or running the pipeline never calls it in the notebook.
# So do SageMaker's `@step` (a pipeline step: calling it returns a `DelayedReturn`, the body runs in
# a job when the pipeline starts) and `@remote` (a training job per call), and Ray's `@ray.remote`
# (a worker process): none of their draws sees the notebook's seeds (fair check 24).
_COMPONENT_MAKERS = re.compile(r"^kfp\.(?:.+\.)?(?:func_to_container_op|create_component_from_func|component|container_component)$")
_REMOTE_MAKERS = {
    "sagemaker.workflow.function_step.step": "pipeline step",
    "sagemaker.workflow.step": "pipeline step",
    "sagemaker.remote_function.remote": "remote function",
    "sagemaker.remote": "remote function",
    "ray.remote": "remote function",
}
# What each kind's fix says about where the function runs.
COMPONENT_HOSTS = {
    "pipeline component": "it runs in its own container",
    "pipeline step": "it runs in a job of its own when the pipeline runs",
    "remote function": "it runs in a process of its own",
}


def _component_kind(qualified: str) -> str | None:
    if _COMPONENT_MAKERS.match(qualified):
        return "pipeline component"
    return _REMOTE_MAKERS.get(qualified)


def _pipeline_components(facts: NotebookFacts) -> dict[str, str]:
    """Module-level defs that are kfp lightweight components: passed to `func_to_container_op` /
    `create_component_from_func` (anywhere, the pipeline function included) or decorated with
    `@dsl.component`/`@func_to_container_op`; or decorated as SageMaker pipeline steps or remote
    functions (`@step`, `@remote`, `@ray.remote`). Each runs in a container of its own: the
    notebook never runs it, and a seed in one component (or in the notebook) does not seed
    another. name -> kind (`_REMOTE_MAKERS`' words, or "pipeline component")."""
    defs = {ref.name for ca in facts.cells for ref in ca.facts.functions}
    found: dict[str, str] = {}
    for ca in facts.cells:
        for call in ca.facts.calls:
            wrapped = call.arg(0, ("func",))
            if wrapped is not None and wrapped.name in defs and _COMPONENT_MAKERS.match(facts.resolve(call.func)):
                found.setdefault(wrapped.name, "pipeline component")
        if not any(d in ca.cell.source for d in ("component", "container_op", "step", "remote")):
            continue
        parsed = _parsed(ca)
        for st in parsed.body if parsed else ():
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for decorator in st.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    kind = _component_kind(facts.resolve(dotted_name(target)))
                    if kind is not None:
                        found.setdefault(st.name, kind)
    return found


def _first_runs(
    facts: NotebookFacts, components: Mapping[str, str] | None = None, skip: Mapping[int, frozenset[int]] | None = None,
) -> tuple[dict[str, tuple[Position, ...]], dict[tuple[str, Position], tuple[Position, ...]]]:
    """Where each module-level def/class first runs: its first module-level call (or mention as
    an argument, for callbacks: `notebook_launcher(training_loop, args)`) after its definition, or
    a call from a function that runs; as the chain of call sites from that module-level call
    (`(cell 23 launcher, training_loop's call of get_dataloaders)` for `get_dataloaders`). A call in
    a branch that never runs (`unrun_lines`) runs nothing. A kfp
    component never runs in the notebook (`compile(pipeline)` only serialises it).
    Second: for each later definition of a name defined more than once, (name, where) -> where
    that definition first runs, the same way from its own position (fair check 32, item 120: the
    redefined `boot` of cell 70 runs from cell 71, after a seed, not from the first `boot`'s first
    call in cell 32). A call from another function counts through that function's first run. `skip`: more
    lines, by cell, whose calls are not counted (`_graph_paths`: those of thrown-away graphs)."""
    components = components or {}
    definitions: dict[str, Position] = {}
    later: dict[str, list[Position]] = {}
    for ca in facts.cells:
        for ref in (*ca.facts.functions, *ca.facts.classes):
            if ref.name not in components:
                at = (ca.cell.index, ref.line, ref.column)
                if ref.name in definitions:
                    if at != definitions[ref.name]:
                        later.setdefault(ref.name, []).append(at)
                else:
                    definitions[ref.name] = at

    def mentioned(call: CallFact) -> set[str]:
        names = {a.name for a in call.args if a.name in definitions}
        if call.func in definitions:
            names.add(call.func)
        return names

    first: dict[str, tuple[Position, ...]] = {}
    edges: list[tuple[str, str, Position]] = []  # caller owner → callee, at the call
    unrun = unrun_lines(facts)
    if skip:
        unrun = {cell: unrun.get(cell, frozenset()) | skip.get(cell, frozenset()) for cell in {*unrun, *skip}}
    for ca in facts.cells:
        dead = unrun.get(ca.cell.index, frozenset())  # (a call in a branch that never runs runs nothing)
        for call in ca.facts.calls:
            if call.line in dead:
                continue
            here = (ca.cell.index, call.line, call.column)
            for name in mentioned(call):
                if call.in_function:
                    if call.owner and call.owner != name:
                        edges.append((call.owner, name, here))
                elif here > definitions[name] and (name not in first or (here,) < first[name]):
                    first[name] = (here,)
    changed, rounds = True, 0
    while changed and rounds <= len(edges) + 1:  # (a path through a cycle only grows: this ends)
        changed, rounds = False, rounds + 1
        for caller, callee, here in edges:
            run = first.get(caller)
            if run is None or run[0] < definitions[callee]:
                continue  # the caller never runs, or runs before the callee exists
            path = (*run, here)
            if callee not in first or path < first[callee]:
                first[callee] = path
                changed = True
    if not later:
        return first, {}
    redefined: dict[tuple[str, Position], tuple[Position, ...]] = {}
    for name, positions in later.items():
        for at in positions:
            redefined[(name, at)] = ()
    for ca in facts.cells:
        dead = unrun.get(ca.cell.index, frozenset())
        for call in ca.facts.calls:
            if call.line in dead or call.in_function:
                continue
            here = (ca.cell.index, call.line, call.column)
            for name in mentioned(call) & later.keys():
                for at in later[name]:
                    known = redefined[(name, at)]
                    if here > at and (not known or (here,) < known):
                        redefined[(name, at)] = (here,)
    for caller, callee, here in edges:
        for at in later.get(callee, ()):
            run = first.get(caller)
            if run is None or run[0] < at:
                continue
            path = (*run, here)
            known = redefined[(callee, at)]
            if not known or path < known:
                redefined[(callee, at)] = path
    return first, redefined


def _in_catalogue_order(catalog: RandomnessCatalog, ids: Iterable[str]) -> list[Library]:
    order = {lib.id: n for n, lib in enumerate(catalog.libraries)}
    return [catalog.library(i) for i in sorted(ids, key=lambda i: (order.get(i, len(order)), i))]


def _libraries_text(catalog: RandomnessCatalog, ids: Iterable[str]) -> str:
    labels = [lib.label for lib in _in_catalogue_order(catalog, ids)]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _seeded(rf: RandomnessFacts, draw: Draw, seeds: list[tuple[Moment, SeedCall]]) -> bool:
    if draw.call.owner in rf.components:
        # Only a seed in the component's own body, above the draw, runs in its container.
        return any(
            seed.ca is draw.ca and seed.call.owner == draw.call.owner and seed.call.line < draw.call.line
            and draw.library in seed.libraries
            for seed in rf.seeds
        )
    when = rf.draw_moment(draw)
    covering = [moment for moment, seed in seeds if draw.library in seed.libraries]
    if when is None:
        return bool(covering)
    # (a seed reaches the draw unless it seeds another TensorFlow graph, or a call between them
    # undoes it: `SeedDrop`)
    return any(moment < when and rf.seed_blocked(draw.library, moment, when) is None for moment in covering)


def _blocked_seed(rf: RandomnessFacts, draw: Draw, seeds: list[tuple[Moment, SeedCall]]) -> tuple[SeedCall, tuple[GraphBlock | None, GraphBlock | None] | SeedDrop] | None:
    """The last seed of the draw's library that runs before it but does not reach it, and why
    (`RandomnessFacts.seed_blocked`); None when no seed runs before it."""
    when = rf.draw_moment(draw)
    if when is None or draw.call.owner in rf.components:
        return None
    found = None
    for moment, seed in seeds:
        if draw.library in seed.libraries and moment < when:
            why = rf.seed_blocked(draw.library, moment, when)
            if why is not None:
                found = (seed, why)
    return found


# Layer constructions: draws only through the initial weights they get.
# TensorFlow 1's variables (`tf.get_variable`), RNN cells and legacy seq2seq models are such
# constructions too: a `saver.restore(sess, path)` replaces what they drew (fair check 30: the
# char-rnn sampling notebooks restore the weights their training notebook saved).
_WEIGHT_INIT = re.compile(
    r"^(?:torch\.nn\.(?:init\.|[A-Z])|monai\.networks\.nets\.[A-Z]|(?:tensorflow\.)?keras\.layers\.(?!Dropout|Random|SpatialDropout|GaussianNoise|GaussianDropout|AlphaDropout)"
    r"|tensorflow\.(?:compat\.v1\.)?get_variable$|tensorflow\.(?:contrib\.rnn|(?:compat\.v1\.)?nn\.rnn_cell)\.[A-Z]|tensorflow\.contrib\.legacy_seq2seq\.)"
)
_LOAD_METHODS = {"load_weights": ("tensorflow",), "set_weights": ("tensorflow",), "load_state_dict": ("torch",), "from_pretrained": ("torch", "tensorflow"),
                 "restore": ("tensorflow",)}
# Where a load method takes the path it reads, when not first (`filepath`): TF1's
# `saver.restore(sess, save_path)`. A `restore` with one positional argument (TF2's
# `checkpoint.restore(path)`, usually of the notebook's own checkpoint) is not counted, nor one in
# a notebook that saves TF1 checkpoints itself (`_weights_loaded`).
_LOAD_PATH_ARGUMENT = {"restore": (1, ("save_path",))}
# Functions that load weights into (or return) a model: `monai.bundle.load(name=…, model=net)`.
_LOAD_FUNCTIONS = {"monai.bundle.load": ("torch",), "monai.bundle.scripts.load": ("torch",)}
# Calls that write a checkpoint the notebook may load back: a load of what the notebook itself
# saved restores weights that started from its own random draws (`ModelCheckpoint(path)` during
# `fit`, then `model.load_weights(path)`), so it does not make those draws irrelevant.
_SAVE_CALLS = frozenset({"ModelCheckpoint", "save_weights", "save", "save_model", "save_pretrained"})


# Calls that give a model's weights as they are in the notebook (`model.state_dict()`,
# `model.get_weights()`): loading them copies the notebook's own network, nothing from outside.
_OWN_WEIGHTS = frozenset({"state_dict", "get_weights"})
# What a `from_pretrained` of these loads is no model's weights: `AutoTokenizer.from_pretrained(name)`.
_NOT_WEIGHTS = re.compile(r"(?:Tokenizer(?:Fast)?|Config|Processor|FeatureExtractor|GenerationConfig)$")


def _weights_loaded(facts: NotebookFacts) -> frozenset[str]:
    """Libraries whose model weights the notebook loads from outside it: `model.load_weights(…)`,
    `net.load_state_dict(…)`, `AutoModel.from_pretrained(…)`, `monai.bundle.load(…, model=net)`.
    A pretrained constructor (`ResNet50(weights="imagenet")`, `resnet50(pretrained=True)`) loads
    only its own layers, which are no layer constructions of the notebook's: the head the notebook
    builds on top of it (`Dense(10)(base.output)`) still starts from random weights; so does a
    `from_pretrained` in a notebook class that builds layers of its own beside it, and a library
    class's `from_pretrained` anywhere (it fills the model it returns only). A tokenizer's,
    config's or processor's `from_pretrained` loads no weights. A load of a
    file the notebook saves itself (same name or literal) restores weights trained from its own
    draws and does not count."""
    saved: set[str] = set()
    for ca in facts.cells:
        for call in ca.facts.calls:
            if call.method in _SAVE_CALLS:
                for a in call.args:
                    if a.name or a.string:
                        saved.add(a.name or a.string or "")
    templates = _saved_path_templates(facts)
    # A notebook that writes TF1 checkpoints (`saver.save(sess, path)`) restores its own (trained
    # from its own draws, as the NMT notebook of fair check 30, item T-10.9, does), whatever path
    # expression names them (`tf.train.latest_checkpoint(…)`).
    saver_saves = any(
        call.method == "save" and call.arg(1, ("save_path",)) is not None for ca in facts.cells for call in ca.facts.calls
    )
    own_copies: list[frozenset[str]] = []  # (`_own_weight_copies`, computed for the first load of a name)
    found: set[str] = set()
    for ca in facts.cells:
        loads = None
        # Notebook classes that build layers of their own beside a pretrained part (`self.lm =
        # TFDistilBertModel.from_pretrained(name)`, `self.head = Sequential([Dense(512), Dense(2)])`):
        # the load fills the backbone, the head starts from random weights (fair check 22, alibi-detect's
        # ClassifierTF trained unseeded).
        builders = {
            call.owner for call in ca.facts.calls
            if call.in_function and call.owner and call.func and _WEIGHT_INIT.match(facts.resolve(call.func) or "")
        }
        for call in ca.facts.calls:
            if call.method == "from_pretrained" and (
                (call.in_function and call.owner in builders) or _NOT_WEIGHTS.search(call.receiver or call.func or "")
            ):
                continue
            if call.method == "from_pretrained" and call.func and call.func.partition(".")[0] in facts.aliases:
                # A library class's `from_pretrained` (`TFDistilBertModel.from_pretrained(name)`, a
                # name an import binds) returns its own model, filled from the checkpoint: no layer
                # the notebook builds (the Dense head on its output) gets those weights (fair check
                # 53, items 142, 151). A notebook class's (`class Net(PreTrainedModel)`) loads its layers.
                continue
            if call.method == "restore" and (call.arg(1, ("save_path",)) is None or saver_saves):
                continue
            if call.method == "set_weights" and _sets_one_layer(facts, ca, call):
                continue
            if call.method in _LOAD_METHODS and call.method != "from_pretrained":
                source = call.arg(*_LOAD_PATH_ARGUMENT.get(call.method, (0, ("filepath",))))
                if source is not None and any(
                    other.method in _OWN_WEIGHTS and other.line == source.line and other.column == source.column
                    for other in ca.facts.calls
                ):
                    # `target.load_state_dict(model.state_dict())`: a copy of the notebook's own
                    # network (a DQN's target network), whose weights came from its own draws (fair
                    # check 23: 01.DQN's layers were left unreported).
                    continue
                if source is not None and (source.name or source.string) in saved:
                    continue
                if source is not None and source.name:
                    if not own_copies:
                        own_copies.append(_own_weight_copies(facts))
                    if source.name in own_copies[0]:
                        continue
                if call.method == "load_state_dict" and _reads_saved_checkpoint(facts, ca, call, saved):
                    continue
                if source is not None and templates:
                    # `load_weights(output_dir + "/weights.04.hdf5")` after `ModelCheckpoint(output_dir +
                    # "/weights.{epoch:02d}.hdf5")`: one of the files the notebook's checkpoint wrote.
                    if loads is None:
                        loads = _load_path_shapes(ca)
                    shape = loads.get((call.line, call.column))
                    if shape is not None and any(t.fullmatch(shape) for t in templates):
                        continue
            found.update(_LOAD_METHODS.get(call.method, ()))
            qualified = facts.resolve_at(call.func, ca.cell.index, call.line) if call.func else ""
            found.update(_LOAD_FUNCTIONS.get(qualified, ()))
    return frozenset(found)


def _own_weight_copies(facts: NotebookFacts) -> frozenset[str]:
    """Names the notebook binds only to a copy of a model's own weights (`init_weights =
    model.get_weights()`, `best = copy.deepcopy(net.state_dict())`), wherever they are bound: a
    `model.set_weights(init_weights)` in a later cell puts back the weights the layers drew, so it
    does not make those draws irrelevant (fair check 37, item 143: a CNN reset to its own
    `get_weights()` before training left its unseeded Conv2D/Dense weights out of the finding;
    only its Dropouts were named). A name bound anywhere else too (a loop target, a
    `np.load(…)`, a parameter) is not one."""
    copies: set[str] = set()
    other: set[str] = set()
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        own: set[int] = set()  # the Name targets of the copies, by id
        for node in nodes_of(tree, ast.Assign):
            value = node.value
            if (isinstance(value, ast.Call) and not value.keywords and len(value.args) == 1
                    and dotted_name(value.func).rsplit(".", 1)[-1] == "deepcopy"):
                value = value.args[0]  # `copy.deepcopy(model.state_dict())`
            if (len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Attribute) and value.func.attr in _OWN_WEIGHTS and not value.args):
                copies.add(node.targets[0].id)
                own.add(id(node.targets[0]))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and id(node) not in own:
                other.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                other.add(node.name)
            elif isinstance(node, ast.arg):
                other.add(node.arg)
            elif isinstance(node, ast.alias):
                other.add((node.asname or node.name).partition(".")[0])
    return frozenset(copies - other)


_KERAS_LAYER = re.compile(r"^(?:tensorflow\.)?keras\.layers\.")
# Reads of a checkpoint file, with the position and keywords of the file argument: a state dict
# given to `load_state_dict` through one of them comes from that file.
_CHECKPOINT_READS = {"torch.load": (0, ("f",))}


def _reads_saved_checkpoint(facts: NotebookFacts, ca: CellAnalysis, call: CallFact, saved: set[str]) -> bool:
    """`model.load_state_dict(torch.load(path))`, or `checkpoint = torch.load(path)` (the cell's one
    binding of `checkpoint`) then `model.load_state_dict(checkpoint['state_dict'])`, where `path` is a
    name or literal the notebook saves to (`torch.save(model.state_dict(), path)`): the weights the
    notebook trained from its own draws, restored (fair check 36, Boats_Model: early stopping
    reloads the best epoch's state dict, and `load_checkpoint` the saved checkpoint, which left the
    `nn.Linear` head trained from an unseeded init out of the PyTorch finding)."""
    tree = cell_python_tree(ca)
    if tree is None:
        return False
    node = next((n for n in nodes_of(tree, ast.Call) if n.lineno == call.line and isinstance(n.func, ast.Attribute)
                 and n.func.attr == call.method and n.args), None)
    if node is None:
        return False
    source: ast.expr = node.args[0]
    if isinstance(source, ast.Subscript):
        source = source.value
    if isinstance(source, ast.Name):
        name = source.id
        bound = [a.value for a in nodes_of(tree, ast.Assign) if any(isinstance(t, ast.Name) and t.id == name for t in a.targets)]
        if len(bound) != 1:
            return False
        source = bound[0]
    if not isinstance(source, ast.Call):
        return False
    spec = _CHECKPOINT_READS.get(facts.resolve(dotted_name(source.func)) or "")
    if spec is None:
        return False
    position, keywords = spec
    path = source.args[position] if len(source.args) > position else next((k.value for k in source.keywords if k.arg in keywords), None)
    return ((isinstance(path, ast.Name) and path.id in saved)
            or (isinstance(path, ast.Constant) and isinstance(path.value, str) and path.value in saved))


def _sets_one_layer(facts: NotebookFacts, ca: CellAnalysis, call: CallFact) -> bool:
    """`embedding_layer.set_weights([emb_matrix])` on a name the cell binds to a Keras layer
    (`embedding_layer = Embedding(…)`): it gives that one layer its values, not the model's other
    layers theirs, whose initial weights are still drawn (fair check 31, item 144: GloVe vectors set
    on the Embedding hid the LSTM's and Dense's draws). Not followed across cells."""
    if not call.receiver or not call.receiver.isidentifier():
        return False
    tree = cell_python_tree(ca)
    if tree is None:
        return False
    for node in nodes_of(tree, ast.Assign):
        if (
            isinstance(node.value, ast.Call) and any(isinstance(t, ast.Name) and t.id == call.receiver for t in node.targets)
            and _KERAS_LAYER.match(facts.resolve(dotted_name(node.value.func)) or "")
        ):
            return True
    return False


# A format field of a checkpoint file name (`{epoch:02d}`, `{val_loss:.2f}`): any text in the files written.
# (a named field, `{epoch:02d}`, or a positional one of `str.format`, `{0}`, `{}`)
_FORMAT_FIELD = re.compile(r"\{(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]*)(?::[^{}]*)?\}")
_HOLE = "\x00"


def _path_shape(node: ast.AST, depth: int = 0) -> str | None:
    """The path an expression builds, as text with each name as `{name}`: `output_dir +
    "/w.hdf5"` -> "{output_dir}/w.hdf5", `os.path.join(d, "w.h5")` -> "{d}/w.h5", an f-string's
    holes as `{expr}`, a `str.format` call as its literal; None for anything else. A format field inside a literal (`{epoch:02d}`) is
    kept as it is, so a saved template and a loaded file can be compared."""
    if depth > 8:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return "{" + node.id + _HOLE + "}"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _path_shape(node.left, depth + 1), _path_shape(node.right, depth + 1)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            elif isinstance(value, ast.FormattedValue) and isinstance(value.value, ast.Name):
                parts.append("{" + value.value.id + _HOLE + "}")
            else:
                return None
        return "".join(parts)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)):
        # `"/out/run.{0}_weights.h5".format(i + 1)`: the literal, its fields kept as format fields
        # (fair check 53, item 148: a ModelCheckpoint's template, one of whose files is loaded)
        return node.func.value.value
    if isinstance(node, ast.Call) and node.args and not node.keywords:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name == "join" and (not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Constant)):
            pieces = [_path_shape(a, depth + 1) for a in node.args]
            return None if any(p is None for p in pieces) else "/".join(p.rstrip("/") for p in pieces)  # type: ignore[union-attr]
    return None


def _call_path_node(call: ast.Call) -> ast.AST | None:
    """The file argument of a save or load call: `filepath=`, else the first positional."""
    given = next((k.value for k in call.keywords if k.arg == "filepath"), None)
    return given if given is not None else (call.args[0] if call.args else None)


def _saved_path_templates(facts: NotebookFacts) -> list[re.Pattern[str]]:
    """The paths the notebook's checkpoint saves build (`save_weights(out + "/best.h5")`), with
    their format fields (`ModelCheckpoint(output_dir + "/weights.{epoch:02d}.hdf5")`), as patterns
    any file they write matches (a field stands for any text; the names around it must be the same)."""
    found: list[re.Pattern[str]] = []
    for ca in facts.cells:
        if not any(call.method in _SAVE_CALLS for call in ca.facts.calls):
            continue
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for node in nodes_of(tree, ast.Call):
            func = node.func
            method = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if method not in _SAVE_CALLS:
                continue
            target = _call_path_node(node)
            shape = _path_shape(target) if target is not None else None
            if shape is None:
                continue
            pieces = re.split(r"(\{[A-Za-z_][A-Za-z0-9_]*\x00\})", shape)
            pattern = "".join(
                re.escape(p) if p.endswith(_HOLE + "}") else
                ".+".join(re.escape(t) for t in _FORMAT_FIELD.split(p))
                for p in pieces
            )
            found.append(re.compile(pattern))
    return found


def _load_path_shapes(ca: CellAnalysis) -> dict[tuple[int, int], str]:
    """(line, column) of each call in the cell -> the path shape of its file argument."""
    try:
        tree = python_tree(ca.masked.python)
    except (SyntaxError, ValueError, RecursionError):
        return {}
    shapes: dict[tuple[int, int], str] = {}
    for node in nodes_of(tree, ast.Call):
        if isinstance(node, ast.Call):
            target = _call_path_node(node)
            shape = _path_shape(target) if target is not None else None
            if shape is not None:
                shapes[(node.lineno, node.col_offset + 1)] = shape
    return shapes


def _superseded_before_run(ctx: RuleContext, rf: RandomnessFacts, draw: Draw) -> bool:
    """Is the draw in the body of a module-level def that a later module-level def of the same name
    replaces before the name is first called (fair check 30, item 128: `def autocorrelation` in cell
    12, again in cell 13, first called in cell 14)? That body never runs, so it draws nothing; the
    finding belongs to the def that runs. (`first_run` is the first module-level call after the
    first def: when it comes after the second def, no call ran the first.)"""
    owner = draw.call.owner
    if not (draw.call.in_function and owner) or owner in rf.components or _method_of(draw) is not None:
        return False
    # (the run of the definition holding the draw: a redefinition runs from the first call after it)
    path = rf.path_of(draw.ca, draw.call)
    if not path:
        return False
    run = path[0]
    here = (draw.ca.cell.index, draw.call.line)
    defs = sorted((ca.cell.index, ref.line) for ca in ctx.facts.cells for ref in ca.facts.functions if ref.name == owner)
    own = [d for d in defs if d <= here]
    if not own:
        return False
    later = [d for d in defs if d > here]
    return bool(later) and (run[0], run[1]) > later[0]


def _unseeded_draws(ctx: RuleContext, rf: RandomnessFacts, seeds: list[tuple[Moment, SeedCall]]) -> dict[str, list[Draw]]:
    """RND001's findings: per library, in notebook order, the draws no seed of it precedes (left
    out: draws silenced for RND001, and layer constructions whose weights are then loaded)."""
    unseeded: dict[str, list[Draw]] = {}
    # What only a draw no seed reaches is asked: the notebook's loaded weights and its timed or shown
    # draws (`_timed_or_shown`: 14 tests over the notebook, ~8 % of fair check 53's cold audit under
    # cProfile) are built at the first such draw, so a notebook whose every draw a seed reaches, or
    # that is silenced, builds neither (each test below only leaves a draw out, in any order).
    loaded: frozenset[str] | None = None
    timed: frozenset[Position] = frozenset()
    for draw in rf.draws:
        # An Estimator input function shuffles in the Estimator's own graph, which no global seed
        # reaches (and it takes no seed of its own): seeded never, whatever seed came before.
        unseedable = draw.qualified.startswith(_ESTIMATOR_INPUTS)
        if (not unseedable and _seeded(rf, draw, seeds)) or is_suppressed(draw.ca.cell, draw.call.line, draw.call.end_line, UnseededRandom.code):
            continue
        if loaded is None:
            loaded = _weights_loaded(ctx.facts)
            timed = _timed_or_shown(ctx, rf)
        if _replaced(draw, loaded) or (draw.ca.cell.index, draw.call.line, draw.call.column) in timed:
            continue
        if _training_only_unused(ctx, draw, loaded):
            continue
        if _model_never_read(draw.ca, draw.call, draw.qualified, ctx.facts.cells):
            continue
        if _draw_never_read(draw.ca, draw.call, ctx.facts.cells) or _nested_draw_never_read(draw.ca, draw.call, ctx.facts.cells):
            continue
        if _draw_rebound_before_read(ctx.facts, draw):
            continue
        if draw.iteration is not None and draw.iteration.ca is None:
            continue  # a shuffling loader nothing iterates draws nothing
        if _superseded_before_run(ctx, rf, draw):
            continue  # its def is replaced before any call: this body never runs
        unseeded.setdefault(draw.library, []).append(draw)
    for draws in unseeded.values():
        # A loader draws where it is iterated, which may come after later draws.
        draws.sort(key=lambda d: _place(d))
    return unseeded


def _trial_functions(ctx: RuleContext) -> frozenset[str]:
    """The notebook's module-level functions that make one trial of a repeated experiment: they hold
    an unseeded draw from NumPy's global state that RND001 reports, and a module-level loop calls
    them (`for i in range(10): hits.append(run_active_learning(X, y))`, fair check 23). A
    scikit-learn estimator without `random_state` inside one draws from that same state: seeding
    NumPy once (RND001's fix) repeats the whole run while the trials still differ, which a fixed
    `random_state` would not (each trial would build the same model)."""
    def compute() -> frozenset[str]:
        rctx = _with_print_calls(ctx)
        _, rf = _facts(rctx)
        draws = _unseeded_draws(rctx, rf, rf.effective_seeds()).get("numpy", [])
        owners = {d.call.owner for d in draws if d.call.in_function and d.call.owner and _method_of(d) is None}
        if not owners:
            return frozenset()
        looped: set[str] = set()
        for ca in ctx.cells:
            parsed = _parsed(ca)
            if parsed is None:
                continue
            for st in parsed.body:
                if not isinstance(st, (ast.For, ast.AsyncFor, ast.While)):
                    continue
                for node in nodes_of(st, ast.Call):
                    if isinstance(node.func, ast.Name) and node.func.id in owners:
                        looped.add(node.func.id)
        return frozenset(looped)
    return ctx.shared("randomness.trial_functions", compute)


def _trial_estimators(ctx: RuleContext, functions: frozenset[str]) -> list[tuple[CellAnalysis, CallFact, str]]:
    """The scikit-learn calls without `random_state` inside `functions` (`_trial_functions`):
    (cell, call, class name)."""
    catalog = ctx.catalog.derived("randomness", RandomnessCatalog.from_catalog)
    star_modules = tuple(imp.module for _, imp in ctx.facts.imports if imp.bound == "*" and imp.module)
    local = frozenset(d.name for ca in ctx.cells for d in ca.facts.defined)
    found = []
    for ca in ctx.cells:
        for call in ca.facts.calls:
            if not (call.in_function and call.owner in functions):
                continue
            qualified = _resolve(ctx.facts, call, star_modules, local, cell_index=ca.cell.index)
            spec = _first_match(qualified, catalog.random_state) if qualified.startswith("sklearn.") else None
            if spec is not None and _keyword_given(call, spec.keywords) is None and not _has_double_star(call):
                found.append((ca, call, qualified.rsplit(".", 1)[-1]))
    return found


def _located(draw: Draw) -> tuple[Any, int, int]:
    """(cell, line, column) where the draw is reported."""
    it = draw.iteration
    if it is not None and it.ca is not None:
        return (it.ca.cell, it.line, it.column)
    return (draw.ca.cell, draw.call.line, draw.call.column)


def _method_of(draw: Draw) -> str | None:
    """The method (other than `__init__`) of the module-level class `draw.call.owner` whose body
    holds the draw, or None (not a class, or in its constructor)."""
    try:
        tree = python_tree(draw.ca.masked.python)
    except (SyntaxError, ValueError, RecursionError):
        return None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == draw.call.owner:
            for item in node.body:
                if (
                    isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and item.lineno <= draw.call.line <= (item.end_lineno or item.lineno)
                ):
                    return None if item.name == "__init__" else item.name
    return None


def _through_method(facts: NotebookFacts, path: tuple[Position, ...]) -> tuple[str, str] | None:
    """(class, method) of the first call site on a first-run path (`_first_runs`) inside a method,
    other than `__init__`, of a module-level class: the path's module-level step built the class,
    which does not run that method. None when no step is."""
    cells = {ca.cell.index: ca for ca in facts.cells}
    for cell, line, _ in path[1:]:
        ca = cells.get(cell)
        tree = _parsed(ca) if ca is not None else None
        for node in (tree.body if tree is not None else ()):
            if isinstance(node, ast.ClassDef) and node.lineno <= line <= (node.end_lineno or node.lineno):
                for item in node.body:
                    if (isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                            and item.lineno <= line <= (item.end_lineno or item.lineno) and item.name != "__init__"):
                        return node.name, item.name
    return None


def _first_item_access(facts: NotebookFacts, cls: str, built: int) -> int | None:
    """The first cell, from `built` on, that indexes (`train_dataset[0]`) at module level a name
    bound at module level to a call of `cls`: where its `__getitem__` first runs. None when no
    instance is indexed so (a DataLoader iterating it runs it later, not followed)."""
    instances: set[str] = set()
    for ca in facts.cells:
        tree = _parsed(ca)
        if tree is None:
            continue
        for st in tree.body:
            if (isinstance(st, ast.Assign) and isinstance(st.value, ast.Call) and isinstance(st.value.func, ast.Name)
                    and st.value.func.id == cls):
                instances.update(t.id for t in st.targets if isinstance(t, ast.Name))
        if ca.cell.index < built or not instances:
            continue
        for st in tree.body:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if any(isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load) and isinstance(n.value, ast.Name)
                   and n.value.id in instances for n in ast.walk(st)):
                return ca.cell.index
    return None


def _first_method_call(ctx: RuleContext, method: str, after_cell: int | None) -> int | None:
    """The cell of the first module-level call `….method(…)` (from the cell where its class is
    first built on), or None."""
    for ca in ctx.facts.cells:
        if after_cell is not None and ca.cell.index < after_cell:
            continue
        # `dm.setup()` on a name of the notebook's, not `subprocess.call()` on an imported module.
        if any(
            c.method == method and c.receiver.isidentifier() and c.receiver not in ctx.facts.aliases and not c.in_function
            for c in ca.facts.calls
        ):
            return ca.cell.index
    return None


def _other_places(here: int, others: list[Draw]) -> str:
    """Where the other draws of a finding are, said so that a draw in the finding's own cell reads
    as such (`line 15 of this cell`), not as a later cell: "line 15 of this cell; cells 31, 44"."""
    lines = sorted({_place(d)[1] for d in others if _place(d)[0] == here})
    cells = sorted({_place(d)[0] for d in others} - {here})
    parts = []
    if lines:
        listed = ", ".join(map(str, lines[:5])) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
        parts.append(f"line{'s' if len(lines) > 1 else ''} {listed} of this cell")
    if cells:
        shown = ", ".join(str(c) for c in cells[:5]) + (f" and {len(cells) - 5} more" if len(cells) > 5 else "")
        parts.append(f"cell{'s' if len(cells) > 1 else ''} {shown}")
    return "; ".join(parts)


def _under_if(draw: Draw) -> bool:
    """Is the draw's call in a branch of an `if` (body or `else`, not its test)?"""
    if draw.iteration is not None:
        return False
    tree = _parsed(draw.ca)
    if tree is None:
        return False
    line = draw.call.line
    return any(
        statement_index_at((*node.body, *node.orelse), line) is not None for node in nodes_of(tree, ast.If)
    )


def _anchor_first(facts: NotebookFacts, rf: RandomnessFacts, draws: list[Draw]) -> list[Draw]:
    """The draws with the one that carries the finding first: when the first one's value only
    reaches a figure or a display, whatever its size (a random walk drawn to be plotted), the first
    later draw whose value is used (not only shown, nor left unread) (fair check 35, items 133 and 136,
    r-anchor-on-display-only-draw: `y2 = np.cumsum(e)` only plotted, while `pm.sample` in
    `inference` draws the trace behind every result). So too when the first is only shown where it
    is reported, though used later (`_shown_where_reported`: a first-batch peek of the loader that
    then trains, a layer drawn for a shape demo of the class that is then trained; fair check 45,
    items 139 and 145); then a later loader or layer, what trains the model, is preferred (item 145:
    the training loop's loader, not the fixed noise its shown samples are drawn from). None used:
    the order stays."""
    if len(draws) < 2:
        return draws
    peeked = not _reaches_only_displays(facts, draws[:1], any_size=True)
    if peeked and not _shown_where_reported(facts, rf, draws[0]):
        return draws
    used = [i for i, other in enumerate(draws[1:], start=1)
            if not _reaches_only_displays(facts, [other], any_size=True, unread=True) and not _shown_where_reported(facts, rf, other)]
    if peeked:
        used = [i for i in used if draws[i].iteration is not None or _WEIGHT_INIT.match(draws[i].qualified)] or used
    if used:
        i = used[0]
        return [draws[i], *draws[:i], *draws[i + 1:]]
    return draws


def _peek_loop(statement: ast.stmt, name: str) -> bool:
    """Is `statement` a module-level `for batch in <name>: …; break` whose body only binds plain
    names and prints or displays (a look at the first batch), ending with an unconditional `break`?"""
    if not (isinstance(statement, ast.For) and isinstance(statement.iter, ast.Name) and statement.iter.id == name
            and not statement.orelse and statement.body and isinstance(statement.body[-1], ast.Break)):
        return False

    def plain(body: list[ast.stmt], top: bool) -> bool:
        for i, st in enumerate(body):
            if isinstance(st, ast.Break):
                if not (top and i == len(body) - 1):
                    return False
            elif isinstance(st, ast.Assign):
                if not all(isinstance(n, ast.Name) or (isinstance(n, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name) for e in n.elts))
                           for n in st.targets):
                    return False
            elif isinstance(st, ast.Expr):
                if not (isinstance(st.value, ast.Call) and isinstance(st.value.func, ast.Name) and st.value.func.id in ("print", "display")):
                    return False
            elif isinstance(st, ast.For):
                if st.orelse or not isinstance(st.target, ast.Name) or not plain(st.body, False):
                    return False
            elif not isinstance(st, ast.Pass):
                return False
        return True

    return plain(statement.body, True)


def _next_iter_peek(statement: ast.stmt, name: str) -> ast.Call | None:
    """The `iter(name)` call of a module-level `x, y = next(iter(name))` (names bound, nothing else
    done): a look at the loader's first batch."""
    if not (isinstance(statement, ast.Assign) and all(
            isinstance(t, ast.Name) or (isinstance(t, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name) for e in t.elts))
            for t in statement.targets)):
        return None
    value = statement.value
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "next"
            and len(value.args) == 1 and not value.keywords):
        return None
    inner = value.args[0]
    if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id == "iter" and len(inner.args) == 1
            and not inner.keywords and isinstance(inner.args[0], ast.Name) and inner.args[0].id == name):
        return inner
    return None


def _shown_where_reported(facts: NotebookFacts, rf: RandomnessFacts, draw: Draw) -> bool:
    """Is the draw, where it would be reported, only shown, though its object is used later? For
    choosing which draw carries a finding only (`_anchor_first`), never for leaving one out:
    - a loader first iterated by a module-level peek at its first batch (`for batch in loader:`,
      names bound and printed, `break`; `_peek_loop`) whose names nothing at module level reads
      after it (fair check 45, item 139: the same loader then trains two transformers), or by a
      module-level `x, y = next(iter(loader))` whose batch reaches only displays (fair check 47,
      item 144: a grid of the first batch's digits before the GAN's training loop);
    - a layer drawn in a class's constructor first run by a module-level `d = Discriminator(5)`
      whose instance only reaches displays (`print(d(x).shape)`: a shape demo; fair check 45,
      item 145: the trained `DISC = Discriminator(IMG_DIM)` is built in a later cell)."""
    it = draw.iteration
    if it is not None:
        if it.ca is None or it.moment is None:
            return False
        parsed = _parsed(it.ca)
        if parsed is None:
            return False
        index = statement_index_at(parsed.body, it.line)
        if index is None:
            return False
        peek = _next_iter_peek(parsed.body[index], it.name)
        if peek is not None:
            # `real_samples, labels = next(iter(train_loader))`, then only plotted (fair check 47,
            # item 144: a GAN notebook's first-batch grid; the same loader then trains it).
            return _display_reach(facts).at_module_level(it.ca, parsed, peek, last_shows=True, any_size=True) is True
        if not _peek_loop(parsed.body[index], it.name):
            return False
        loop = parsed.body[index]
        bound = {n.id for n in ast.walk(loop) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        later: list[ast.stmt] = list(parsed.body[index + 1:])
        for other in facts.cells:
            if other.cell.index > it.ca.cell.index:
                other_tree = _parsed(other)
                if other_tree is None:
                    return False
                later.extend(other_tree.body)

        def reads(node: ast.AST, names: set[str]) -> bool:
            """Does `node` read one of `names` (a loop's own target, as in `for batch in loader:`, is its own)?"""
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                return False
            if isinstance(node, (ast.For, ast.AsyncFor)):
                own = names - {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
                return reads(node.iter, names) or any(reads(st, own) for st in (*node.body, *node.orelse))
            if isinstance(node, ast.Name):
                return isinstance(node.ctx, ast.Load) and node.id in names
            return any(reads(child, names) for child in ast.iter_child_nodes(node))

        return not any(reads(st, bound) for st in later)
    call = draw.call
    if not (call.in_function and call.owner and draw.path is None and _WEIGHT_INIT.match(draw.qualified)):
        return False
    if _method_of(draw) is not None or not any(c.name == call.owner for c in draw.ca.facts.classes):
        return False
    path = rf.path_of(draw.ca, call)
    if len(path) != 1:
        return False
    cell, line, _ = path[0]
    site = next((ca for ca in facts.cells if ca.cell.index == cell), None)
    parsed = _parsed(site) if site is not None else None
    statement = statement_at(parsed, line) if parsed is not None else None
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Call) and isinstance(statement.value.func, ast.Name)
            and statement.value.func.id == call.owner and statement in parsed.body):
        return False
    return _display_reach(facts).at_module_level(site, parsed, statement.value, any_size=True) is True


def _unconditional_first(draws: list[Draw]) -> list[Draw]:
    """The draws with the one that carries the finding first: the first, unless it sits in a branch
    of an `if` and a later draw of the same cell and function does not (fair check 29, item 135:
    `if embeddings is None: self.embeddings = nn.Embedding(…)` in a tagger always built with
    pretrained embeddings; the LSTM and Linear layers below always draw)."""
    first = draws[0]
    if first.iteration is not None or not _under_if(first):
        return draws
    for i, other in enumerate(draws[1:], start=1):
        if (other.ca is first.ca and other.call.owner == first.call.owner and other.call.in_function == first.call.in_function
                and other.iteration is None and not _under_if(other)):
            return [other, *draws[:i], *draws[i + 1:]]
    return draws


def _reaching_first(draws: list[Draw]) -> list[Draw]:
    """The draws with the one that carries the finding first: the first, unless it is a layer
    construction whose output its function throws away (`_discarded_layer`) and a later draw is not
    (fair check 37, item 145: `X = Conv2D(4)(X_input)`, then `X = Conv2D(8)(X_input)` rebinding `X`
    without reading it; the first branch never reaches the Model). The discarded draw stays related."""
    if len(draws) < 2 or not _discarded_layer(draws[0]):
        return draws
    for i, other in enumerate(draws[1:], start=1):
        if not _discarded_layer(other):
            return [other, *draws[:i], *draws[i + 1:]]
    return draws


def _discarded_layer(draw: Draw) -> bool:
    """Is the draw a layer construction (`_WEIGHT_INIT`) in the straight-line body of a def, bound
    by `X = <…draw…>` to a plain name, whose value no later statement of that body reads before
    every name holding it is rebound from something else? Followed through plain `Y = f(X)`
    assignments only; any other statement reading a name that holds it (a return, a call, a loop,
    an augmented assignment), a compound statement naming one, or a `global`/`nonlocal` keeps it."""
    if not draw.call.in_function or draw.iteration is not None or _WEIGHT_INIT.match(draw.qualified) is None:
        return False
    tree = _parsed(draw.ca)
    if tree is None:
        return False
    line = draw.call.line
    function = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno <= line <= (node.end_lineno or node.lineno):
            if function is None or node.lineno > function.lineno:
                function = node  # (the innermost def around the call)
    if function is None or any(isinstance(n, (ast.Global, ast.Nonlocal)) for n in ast.walk(function)):
        return False
    body = function.body
    index = statement_index_at(body, line)
    if index is None:
        return False
    statement = body[index]
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)):
        return False
    holding = {statement.targets[0].id}
    for later in body[index + 1:]:
        reads = {n.id for n in ast.walk(later) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        simple = isinstance(later, ast.Assign) and len(later.targets) == 1 and isinstance(later.targets[0], ast.Name)
        if reads & holding:
            if not simple:
                return False
            holding.add(later.targets[0].id)  # `X = BatchNormalization()(X)`: still the value
        elif simple:
            holding.discard(later.targets[0].id)  # `X = Conv2D(8)(X_input)`: rebound from something else
        elif any(isinstance(n, ast.Name) and n.id in holding for n in ast.walk(later)):
            return False
        if not holding:
            return True
    return False


def _place(draw: Draw) -> Position:
    """Where a draw is reported: where its loader is iterated, or the call."""
    it = draw.iteration
    if it is not None and it.ca is not None:
        return (it.ca.cell.index, it.line, it.column)
    return (draw.ca.cell.index, draw.call.line, draw.call.column)


# --- random data that only feeds a timing -------------------------------------------------------

_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


@lru_cache(maxsize=256)
def _code_words(source: str) -> frozenset[str]:
    """The identifiers of a cell that does not parse, without its comments (`# Plot the image`
    names no variable `image`); all of its words when it cannot be tokenized either."""
    words: set[str] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.NAME:
                words.add(token.string)
            elif token.type == tokenize.STRING:
                words.update(_IDENTIFIER.findall(token.string))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return frozenset(_IDENTIFIER.findall(source))
    return frozenset(words)


def _parsed(ca: CellAnalysis) -> ast.Module | None:
    try:  # (warnings ignored: invalid escapes in a cell are the cell's business; shared, read only)
        return python_tree(ca.masked.python)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _global_load_lines(tree: ast.Module) -> dict[str, list[int]]:
    """Per name, the lines where `tree` reads it as a global, leaving out the functions (and
    lambdas) in which it is local (with their decorators and defaults); one walk per tree, not
    one per name asked (`_timing_only` and `_plotted_only` index each cell once)."""
    lines: dict[str, list[int]] = {}
    # Depth-first, children in field order (the order of a recursive `ast.iter_child_nodes`
    # walk), with an explicit stack: no generator per node.
    stack: list[tuple[ast.AST, frozenset[str]]] = [(tree, frozenset())]
    pop, push = stack.pop, stack.append
    while stack:
        node, local = pop()
        if isinstance(node, ast.Name):
            if node.id not in local and isinstance(node.ctx, ast.Load):
                lines.setdefault(node.id, []).append(node.lineno)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            local = local | _function_locals(node)
        children: list[ast.AST] = []
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, ast.AST):
                children.append(value)
            elif isinstance(value, list):
                children.extend(item for item in value if isinstance(item, ast.AST))
        for child in reversed(children):
            push((child, local))
    return lines


# `_global_load_lines` of the cell trees last asked about, by identity (each entry holds its tree, so
# an id is not reused while its entry stands; the answer is the tree's alone, whatever the notebook):
# `_unread` walked every later cell's whole tree again for each draw it asked about (477 walks on
# PDSH for 25 draws). Never modify what it returns.
_GLOBAL_LOADS: dict[int, tuple[ast.AST, dict[str, list[int]]]] = {}


def _kept_global_load_lines(tree: ast.Module) -> dict[str, list[int]]:
    """`_global_load_lines(tree)`, kept for the last 256 trees asked about."""
    known = _GLOBAL_LOADS.get(id(tree))
    if known is not None and known[0] is tree:
        return known[1]
    found = _global_load_lines(tree)
    if len(_GLOBAL_LOADS) >= 256:  # (the oldest goes)
        del _GLOBAL_LOADS[next(iter(_GLOBAL_LOADS))]
    _GLOBAL_LOADS[id(tree)] = (tree, found)
    return found


def _function_locals(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> set[str]:
    args = function.args
    names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a is not None}
    declared: set[str] = set()
    for node in walk_nodes(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared.update(node.names)
    return names - declared


def _timing_magic(magic: Any) -> bool:
    """`%timeit stmt` (its statement runs in a function of its own: nothing it binds escapes) or
    `%time expr` (an expression; `%time y = f(x)` binds `y` in the notebook, so it is a real use)."""
    if magic.kind not in ("line_magic", "automagic") or magic.name not in ("timeit", "time"):
        return False
    if magic.name == "timeit":
        return True
    try:
        body = ast.parse(magic.args.strip()).body
    except (SyntaxError, ValueError):
        return False
    return len(body) == 1 and isinstance(body[0], ast.Expr)


# Attributes and builtins of an array or list that do not depend on the numbers drawn in it.
_SHAPE_ATTRIBUTES = frozenset({"shape", "dtype", "ndim", "size", "nbytes", "itemsize"})
_SHAPE_FUNCTIONS = frozenset({"len", "type"})


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _sizes_of(node: ast.expr, name: str) -> bool:
    """`sys.getsizeof(xs)`, or `sum([sys.getsizeof(row) for row in xs])`: the memory a list or an
    array takes, which the numbers drawn into it do not change (a timing chapter's size check)."""
    if not (isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords):
        return False
    called = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id if isinstance(node.func, ast.Name) else ""
    if called == "getsizeof":
        return _is_name(node.args[0], name)
    inner = node.args[0]
    if called == "sum" and isinstance(inner, (ast.ListComp, ast.GeneratorExp)) and len(inner.generators) == 1:
        loop = inner.generators[0]
        return (_is_name(loop.iter, name) and isinstance(loop.target, ast.Name) and not loop.ifs
                and isinstance(inner.elt, ast.Call) and _sizes_of(inner.elt, loop.target.id))
    return False


def _peeks_at(node: ast.expr, name: str, outermost: bool = True) -> bool:
    """`mat[0][:5]`: the head of the numbers drawn (a constant slice last), shown beside a timing.
    A single element (`L[0]`) printed is a use like any other."""
    if not isinstance(node, ast.Subscript) or (outermost and not isinstance(node.slice, ast.Slice)):
        return False
    if any(isinstance(n, ast.Name) for n in ast.walk(node.slice)):
        return False
    return _is_name(node.value, name) or _peeks_at(node.value, name, outermost=False)


def _shows_shape_of(node: ast.expr, name: str) -> bool:
    """`xs.shape`, `xs.dtype`, `len(xs)`, `xs.nbytes`, `sys.getsizeof(xs)` (or a tuple of them):
    a value the draw does not change."""
    if isinstance(node, ast.Tuple):
        return bool(node.elts) and all(_shows_shape_of(e, name) for e in node.elts)
    if _sizes_of(node, name):
        return True
    if isinstance(node, ast.Attribute):
        return node.attr in _SHAPE_ATTRIBUTES and isinstance(node.value, ast.Name) and node.value.id == name
    if isinstance(node, ast.Subscript):  # `xs.shape[0]`
        return _shows_shape_of(node.value, name) and not any(
            isinstance(n, ast.Name) and n.id == name for n in ast.walk(node.slice)
        )
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _SHAPE_FUNCTIONS:
        return len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Name) and node.args[0].id == name
    return isinstance(node, ast.Constant)


def _shape_only_lines(tree: ast.Module, name: str) -> set[int]:
    """The lines of module-level expression statements that only show `name`'s shape, type or
    length (`xs.shape`, `print(len(xs))`): reads that a different draw would not change."""
    lines: set[int] = set()
    for st in tree.body:
        if not isinstance(st, ast.Expr):
            continue
        value = st.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _DISPLAY_CALLS:
            shown = list(value.args)
            if value.keywords or not shown or any(isinstance(a, ast.Starred) for a in shown):
                continue
        else:
            shown = [value]
        if any(isinstance(n, ast.Name) and n.id == name for a in shown for n in walk_nodes(a)) and all(
            _shows_shape_of(a, name) or _peeks_at(a, name) for a in shown
        ):
            lines.update(range(st.lineno, (st.end_lineno or st.lineno) + 1))
    return lines


def _timing_only(facts: NotebookFacts, draws: Iterable[Draw]) -> frozenset[Position]:
    """Draws whose values only feed a timing: a draw in a `%%timeit` cell (the body runs in a
    function of its own), or `L = <draw>` where every other read of `L` in the notebook is the
    statement of a `%timeit`/`%time` line or a `%%timeit` body (`L = [random.random() …]` then
    `%timeit L.sort()`), apart from statements that only show its shape (`L.shape`, `len(L)`), or
    a draw in the statement of a `%timeit` line itself (`%timeit f(np.random.rand(9))`). Sorting, summing or copying random numbers takes about as long whatever
    the numbers are, and the timing varies from run to run anyway: nothing to reproduce. Any other
    read of `L` (Python, another magic's arguments, a cell that does not parse) keeps the draw."""
    if not any(ca.masked.cell_magic in ("timeit", "time") or any(_timing_magic(m) for m in ca.magics) for ca in facts.cells):
        return frozenset()
    trees: dict[int, ast.Module | None] = {}

    def tree(ca: CellAnalysis) -> ast.Module | None:
        if ca.cell.index not in trees:
            trees[ca.cell.index] = _parsed(ca)
        return trees[ca.cell.index]

    global_loads: dict[int, dict[str, list[int]]] = {}

    def loads(ca: CellAnalysis, parsed: ast.Module) -> dict[str, list[int]]:
        if ca.cell.index not in global_loads:
            global_loads[ca.cell.index] = _global_load_lines(parsed)
        return global_loads[ca.cell.index]

    time_cells = _unread_time_cells(facts)

    def copied_into(parsed: ast.Module, name: str, lineno: int) -> list[tuple[str, ast.stmt]] | None:
        """`A_list, B_list = list(A), list(B)` at module level on `lineno`: the names that copy
        `name` (each `list(name)`/`tuple(name)`/`name.copy()`/`np.array(name)` alone), with the
        statement; None when the read is anything else."""
        statement = statement_at(parsed, lineno)
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            return None
        target, value = statement.targets[0], statement.value
        pairs = (list(zip(target.elts, value.elts)) if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple)
                 and len(target.elts) == len(value.elts) else [(target, value)])
        copies: list[tuple[str, ast.stmt]] = []
        for to, source in pairs:
            reads = {n.id for n in ast.walk(source) if isinstance(n, ast.Name)}
            if name not in reads:
                continue
            if not (isinstance(to, ast.Name) and (_plain_copy(source, name) or _compiled_copy(source, name))):
                return None
            copies.append((to.id, statement))
        return copies or None

    def only_timed(name: str, skip: tuple[int, int, int], depth: int = 0) -> bool:
        """Is `name` read at all outside `skip` (cell, first line, last line), and only in timings
        (or in statements that show only its shape, which the numbers drawn do not change, or
        that copy it into a list only timed in turn)?"""
        timed = False
        for ca in facts.cells:
            whole_cell = ca.masked.cell_magic == "timeit" or ca.cell.index in time_cells
            timing_lines = {m.line for m in ca.magics if _timing_magic(m)}
            for m in ca.magics:
                if (m.kind == "line_magic" and m.name in ("time", "timeit", "prun") and m.args
                        and not m.args.startswith(("-", "!")) and not whole_cell):
                    continue  # its statement is Python in the masked cell: its reads are judged below
                if name in _IDENTIFIER.findall(m.args):
                    if not (whole_cell or m.line in timing_lines):
                        return False
                    timed = True
            parsed = tree(ca)
            if parsed is None:
                if name in _IDENTIFIER.findall(ca.cell.source):
                    return False
                continue
            shape_lines = _shape_only_lines(parsed, name)
            for lineno in loads(ca, parsed).get(name, ()):
                if ca.cell.index == skip[0] and skip[1] <= lineno <= skip[2]:
                    continue
                if lineno in shape_lines:
                    continue
                if not (whole_cell or lineno in timing_lines):
                    copies = copied_into(parsed, name, lineno) if depth == 0 else None
                    if copies is None or not all(
                        only_timed(copy, (ca.cell.index, st.lineno, st.end_lineno or st.lineno), depth + 1) for copy, st in copies
                    ):
                        return False
                timed = True
        return timed

    found: set[Position] = set()
    for draw in draws:
        ca, call = draw.ca, draw.call
        where = (ca.cell.index, call.line, call.column)
        if ca.masked.cell_magic == "timeit":
            found.add(where)
            continue
        if not call.in_function and any(m.line == call.line and m.name in ("timeit", "time") and _timing_magic(m) for m in ca.magics):
            # `%timeit f(np.random.rand(9))`: the draw runs in the timed function, only the time is
            # kept; `%time sum([random.random() for _ in range(n)]) / n`: a benchmark's statement.
            found.add(where)
            continue
        if call.in_function:
            # `def average_py(n): … random.random() …` whose every use is a `%time`/`%timeit`
            # statement (or a `numba.jit(average_py)` copy only timed in turn): the function's
            # draws only feed its timing (fair check 17: a performance chapter's benchmarks).
            parsed = tree(ca)
            function = next((st for st in parsed.body if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef))
                             and st.lineno <= call.line <= (st.end_lineno or st.lineno)), None) if parsed else None
            if function is not None and not function.decorator_list and only_timed(
                function.name, (ca.cell.index, function.lineno, function.end_lineno or function.lineno)
            ):
                found.add(where)
            continue
        # `%time mat = [[random.gauss(0, 1) …]]`: the timed assignment binds `mat` like a plain one.
        if any(m.line == call.line and not (m.kind == "line_magic" and m.name == "time") for m in ca.magics):
            continue
        statement = statement_at(tree(ca), call.line)
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            continue
        target = statement.targets[0]
        # `X, y = make_classification(…)`: each name unpacked from the draw only timed in turn.
        names = ([target] if isinstance(target, ast.Name) else list(target.elts) if isinstance(target, ast.Tuple) else [])
        if not names or not all(isinstance(n, ast.Name) for n in names):
            continue
        skip = (ca.cell.index, statement.lineno, statement.end_lineno or statement.lineno)
        if all(only_timed(n.id, skip) for n in names if isinstance(n, ast.Name)):
            found.add(where)
    return frozenset(found)



_COPY_CALLS = frozenset({"list", "tuple", "array", "asarray", "copy", "deepcopy"})


def _plain_copy(node: ast.expr, name: str) -> bool:
    """`list(A)`, `tuple(A)`, `np.array(A)`, `copy.copy(A)` or `A.copy()`: the values of `A`, copied."""
    if not isinstance(node, ast.Call) or node.keywords:
        return False
    func = node.func
    called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if called not in _COPY_CALLS:
        return False
    if not node.args and isinstance(func, ast.Attribute) and called == "copy":
        return isinstance(func.value, ast.Name) and func.value.id == name
    return len(node.args) == 1 and isinstance(node.args[0], ast.Name) and node.args[0].id == name


_JIT_CALLS = frozenset({"jit", "njit"})


def _compiled_copy(node: ast.expr, name: str) -> bool:
    """`numba.jit(average_py, nopython=True)`: the same function compiled, drawing as it does."""
    if not isinstance(node, ast.Call) or len(node.args) != 1 or not _is_name(node.args[0], name):
        return False
    func = node.func
    called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return called in _JIT_CALLS


def _unread_time_cells(facts: NotebookFacts) -> frozenset[int]:
    """`%%time` cells that bind only names no cell reads but other such timings (`%%time` then
    `ans = np.sum(A * B)`, the same `ans` rebound in the next timing): their body's results are
    shown and thrown away, as a `%%timeit` body's are. A name the cell only changes in place
    (`clf.fit(X, y)`) counts as bound when a later cell reads it (fair check 26: a voting
    classifier fitted under `%%time`, only printed there). A cell that calls a function of the
    notebook's may show what it computed, and is not thrown away (fair check 34, T-1.12/T-1.13:
    `%%time` / `dt = DecisionTreeRegressor()` / `get_cv_scores(dt, X, y)`, the notebook's function
    printing the cross-validated scores). A `print` there still counts as shown only (the fitted
    classifier's repr, fair check 26)."""
    timing = [ca for ca in facts.cells if ca.masked.cell_magic == "time" and ca.facts.syntax_error is None]
    if not timing:
        return frozenset()
    indices = {ca.cell.index for ca in timing}
    own_functions = {f.name for other in facts.cells for f in other.facts.functions}
    found: set[int] = set()
    for ca in timing:
        bound = {d.name for d in ca.facts.defined}
        if ca.facts.functions or ca.facts.classes:
            continue
        if any(not call.in_function and not call.receiver and call.method in own_functions for call in ca.facts.calls):
            continue
        changed = {m.name for m in ca.facts.mutated}
        read_elsewhere = any(
            other.cell.index not in indices
            and (bound | (changed if other.cell.index > ca.cell.index else set()))
            & ({r.name for r in (*other.facts.reads, *other.facts.deferred_reads)}
               | set(_IDENTIFIER.findall(" ".join(m.args for m in other.magics))))
            for other in facts.cells
        )
        if not read_elsewhere:
            found.add(ca.cell.index)
    return frozenset(found)


# --- random values that are only shown ----------------------------------------------------------

# Calls that shuffle their argument in place: a bare `random.shuffle(items)` changes `items`.
_IN_PLACE_DRAWS = frozenset({"shuffle"})
# NumPy's methods that write their argument into the array they are called on (`x.fill(v)`).
_FILL_METHODS = frozenset({"fill"})
# Method draws that only return a value (pandas' `df.sample(n)`, a frozen SciPy distribution's
# `dist.rvs(10)`); the others act on their
# receiver (`learn.fine_tune(1)` trains, `t.uniform_()` fills `t`, `ds.shuffle(n)` is a pipeline).
_VALUE_METHOD_DRAWS = frozenset({"sample", "rvs"})
# Method draws, by the library they were recognised as, that act but whose returned value is
# still the thing to follow into displays: a tf.data `ds.shuffle(n)` returns the shuffled
# dataset, `model.generate(…, do_sample=True)` the sampled tokens (fair check 29, item 131).
_RETURNING_METHOD_DRAWS = frozenset({("tensorflow", "shuffle"), ("torch", "generate")})
_DISPLAY_CALLS = frozenset({"print", "display"})


def _returns_a_value_only(draw: Draw) -> bool:
    """A draw whose only effect is the value it returns (so a bare statement of it only shows it)."""
    if "." not in draw.qualified:  # a method draw: `qualified` is the method's name
        return draw.qualified in _VALUE_METHOD_DRAWS
    last = draw.qualified.rsplit(".", 1)[-1]
    return last not in _IN_PLACE_DRAWS and not last.endswith("_") and ".init." not in draw.qualified


def _display_only(facts: NotebookFacts, draws: Iterable[Draw]) -> frozenset[Position]:
    """Draws whose value is only shown, never bound nor passed on: a module-level expression
    statement that is the draw (`df.sample(10)`, `np.random.rand(3)`), a selection or method chain
    on it (`df.sample(5).head()`, `df.sample(10)[["a", "b"]]`), or `print(…)`/`display(…)` of those.
    A different sample on each run changes what is shown, not anything the notebook computes."""
    trees: dict[int, ast.Module | None] = {}
    found: set[Position] = set()
    for draw in draws:
        ca, call = draw.ca, draw.call
        if call.in_function or draw.iteration is not None or not _returns_a_value_only(draw):
            continue
        if any(m.line == call.line for m in ca.magics):
            continue
        if ca.cell.index not in trees:
            trees[ca.cell.index] = _parsed(ca)
        statement = statement_at(trees[ca.cell.index], call.line)
        if isinstance(statement, ast.Expr) and _shows_only(statement.value, call.line, {call.column - 1, call.column - 1 - ca.masked.dedent}):
            found.add((ca.cell.index, call.line, call.column))
    return frozenset(found)


def _plotted_only(facts: NotebookFacts, draws: Iterable[Draw]) -> frozenset[Position]:
    """`L = <draw>` at module level whose every read, all in its own cell, is a matplotlib call's
    statement (`plt.imshow(images[L[i]])`) or `x = L[…]` with every read of `x` such a statement:
    random indices that only pick which examples a figure shows. Any other read keeps the draw."""
    plotting = {imp.bound for _, imp in facts.imports if imp.module.startswith("matplotlib") and imp.bound != "*"}
    if not plotting:
        return frozenset()

    def plot_call(node: ast.AST) -> bool:
        if not isinstance(node, ast.Call):
            return False
        func = node.func
        while isinstance(func, ast.Attribute):
            func = func.value
        return isinstance(func, ast.Name) and func.id in plotting

    def statement_of(body: list[ast.stmt], line: int) -> ast.stmt | None:
        for st in body:
            if st.lineno <= line <= (st.end_lineno or st.lineno):
                if isinstance(st, (ast.For, ast.While, ast.If, ast.With)):
                    return statement_of(st.body + st.orelse if not isinstance(st, ast.With) else st.body, line)
                return st
        return None

    # Each cell's global reads, indexed once (one walk per cell, as `_timing_only` does), not one
    # walk of every other cell per name asked; None for a cell that does not parse.
    global_loads: dict[int, dict[str, list[int]] | None] = {}

    def loads_of(other: CellAnalysis) -> dict[str, list[int]] | None:
        if other.cell.index not in global_loads:
            parsed = _parsed(other)
            global_loads[other.cell.index] = _global_load_lines(parsed) if parsed is not None else None
        return global_loads[other.cell.index]

    def read_elsewhere(ca: CellAnalysis, name: str) -> bool:
        for other in facts.cells:
            if other is ca:
                continue
            python = other.masked.python
            if name not in other.cell.source and python.isascii() and name not in python:
                # Not in its text: not read by it, parsed or not (an ASCII source spells every
                # name as its tree reads it; non-ASCII identifiers are NFKC-normalised).
                continue
            loads = loads_of(other)
            if loads is None:
                if name in _IDENTIFIER.findall(other.cell.source):
                    return True
            elif name in loads:
                return True
        return False

    def feeds_plots(ca: CellAnalysis, parsed: ast.Module, name: str, binding: ast.stmt, depth: int) -> bool:
        if read_elsewhere(ca, name) or any(m.args and name in _IDENTIFIER.findall(m.args) for m in ca.magics):
            return False
        lines = (loads_of(ca) or {}).get(name, ())
        loads = [line for line in lines if not binding.lineno <= line <= (binding.end_lineno or binding.lineno)]
        for line in loads:
            st = statement_of(parsed.body, line)
            if isinstance(st, ast.Expr) and plot_call(st.value):
                continue
            if (depth == 0 and isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)
                    and isinstance(st.value, ast.Subscript) and isinstance(st.value.value, ast.Name) and st.value.value.id == name
                    and feeds_plots(ca, parsed, st.targets[0].id, st, 1)):
                continue
            return False
        return bool(loads)

    found: set[Position] = set()
    for draw in draws:
        ca, call = draw.ca, draw.call
        if call.in_function or draw.iteration is not None or not _returns_a_value_only(draw):
            continue
        parsed = _parsed(ca)
        if parsed is None:
            continue
        offsets = {call.column - 1, call.column - 1 - ca.masked.dedent}
        binding = next((st for st in parsed.body if isinstance(st, ast.Assign) and len(st.targets) == 1
                        and isinstance(st.targets[0], ast.Name) and isinstance(st.value, ast.Call)
                        and st.value.lineno == call.line and st.value.col_offset in offsets), None)
        if binding is not None and feeds_plots(ca, parsed, binding.targets[0].id, binding, 0):
            found.add((ca.cell.index, call.line, call.column))
    return frozenset(found)


def _shows_only(node: ast.expr, line: int, offsets: set[int]) -> bool:
    """Is the draw at (line, offset) `node` itself, or the receiver of a selection/method chain
    that `node` is, or the only argument of a print/display of such?"""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _DISPLAY_CALLS:
        return len(node.args) == 1 and not node.keywords and _shows_only(node.args[0], line, offsets)
    while True:
        if isinstance(node, ast.Call) and node.lineno == line and node.col_offset in offsets:
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            node = node.func.value  # `.head()` of the sample
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value  # `.T`, `[cols]` of the sample
        else:
            return False


# --- random values that reach only a display (through names, loops and the notebook's own helpers) ---

# Builtins that compute a value from their arguments and touch nothing else.
_PURE_BUILTINS = frozenset({
    "len", "range", "list", "tuple", "dict", "set", "frozenset", "sorted", "reversed", "enumerate", "zip",
    "abs", "round", "str", "int", "float", "bool", "repr", "format", "isinstance",
    "type", "any", "all", "iter", "next", "divmod", "chr", "ord", "hash",
})
# Libraries whose functions compute values (arrays, frames, numbers) from their arguments.
_PURE_LIBRARIES = ("numpy", "pandas", "random", "math", "statistics", "torch")
# Libraries whose calls only show something (a figure, an HTML table, an audio player).
# plotly builds figures (`px.line`, `go.Figure`, `go.Scatter`, `make_subplots`) that are only shown
# or written as pictures (fair check 21: a book's noise processes drawn with `px.line`).
# jupyter-scatter's `jscatter.Scatter(data=df, x=…, y=…)` (an interactive scatter widget), mols2grid's
# molecule grid and ipywidgets' containers (`VBox`, `Output`) only show what they are given too
# (fair check 23: a t-SNE map drawn with jscatter, its selection shown with mols2grid).
# Mask R-CNN's `visualize` module draws, and its `log(text, array)` prints an array's shape and range
# (fair check 36, item 137: a random training image's ground-truth boxes logged beside its detections).
_SHOW_LIBRARIES = ("IPython.display", "IPython.core.display", "matplotlib", "seaborn", "detectron2.utils.visualizer", "plotly",
                   "jscatter", "mols2grid", "ipywidgets", "mrcnn.visualize", "mrcnn.model.log")
# scikit-learn's plotting constructors (`PrecisionRecallDisplay.from_predictions(y, scores)`): they
# draw a curve or matrix of what they receive (fair check 21: a random scorer's baseline curve).
_SKLEARN_DISPLAY = re.compile(r"^sklearn\.[\w.]*Display\.from_(?:predictions|estimator)$")
# Consumers that read only the shape and dtype of one argument, never its numbers: the example input
# of a trace or an export records operations, not values (fair check 21: `torch.jit.trace(model,
# torch.randn(1, 3, 224, 224))` of a pretrained ResNet). (position, keyword) of that argument.
_SHAPE_ONLY_INPUTS = {
    "torch.jit.trace": (1, "example_inputs"), "torch.jit.trace_module": (1, "inputs"),
    "torch.onnx.export": (1, "args"), "torch.export.export": (1, "args"), "torchinfo.summary": (None, "input_data"),
}
# An event attached to a monitoring service's log call, sent for people to read in its web page and
# not part of the profile it returns (fair check 21: whylogs' `why.log(msg, debug_event=event)`).
_MONITOR_EVENT_KEYWORDS = {"whylogs.log": "debug_event"}
# A pause of a random length (`time.sleep(random.randrange(2, 10))` between requests sent to a
# service): only the timing of the run changes, nothing it computes (fair check 21).
_PAUSES = frozenset({"time.sleep"})
# A signal sent to a randomly picked process (`os.kill(random.choice(pids), 15)`): a simulated failure
# of one of interchangeable workers, the pick read by nothing the run computes (fair check 26,
# rnd001-simulated-failure-draw: dask's resilience demo kills a random preemptible worker). (position,
# keyword) of the process id; a drawn signal number is not this shape.
_SIGNALLED_PROCESSES = {"os.kill": (0, "pid"), "os.killpg": (0, "pgid")}
# An experiment tracker's logging is a display too: what it receives is put up for people to look
# at in the tracker's web page (fair check 16: a random example file uploaded to a Neptune
# project's `data/sample`, three validation images drawn with detectron2's Visualizer and uploaded).
# `run[...].upload(…)`/`.append(…)`/`.log(…)` on a handle bound from one of `_TRACKER_INITS`, and
# these functions.
_TRACKER_INITS = ("neptune.init_run", "neptune.init_project", "neptune.init_model", "neptune.init_model_version",
                  "neptune.init", "neptune.new.init_run", "neptune.new.init", "wandb.init",
                  # A TensorBoard writer's `add_image`/`add_pr_curve`/… put what they get up in TensorBoard's
                  # (or Comet's, for tensorboardX with `comet_config`) pages (fair check 25: a noise image and
                  # a PR curve of random scores logged to show the logging calls).
                  "tensorboardX.SummaryWriter", "torch.utils.tensorboard.SummaryWriter",
                  "torch.utils.tensorboard.writer.SummaryWriter")
# Azure ML's run handles: `run = experiment.start_logging()` (an `Experiment` the notebook made) or
# `run = Run.get_context()`, in a notebook importing azureml (fair check 27: a logging-API tour's
# random example rows sent with `run.log_row`).
_TRACKER_INIT_METHODS = {"azureml": frozenset({"start_logging", "get_context"})}
_TRACKER_LOG_METHODS = frozenset({
    "upload", "upload_files", "append", "log", "log_row", "log_list", "log_table",
    "add_image", "add_images", "add_image_with_boxes", "add_figure", "add_histogram", "add_scalar", "add_scalars",
    "add_pr_curve", "add_text", "add_audio", "add_video", "add_embedding", "add_mesh",
})
_TRACKER_LOG_FUNCTIONS = frozenset({
    "wandb.log", "mlflow.log_image", "mlflow.log_figure", "mlflow.log_artifact",
    "mlflow.log_metric", "mlflow.log_metrics", "mlflow.log_param", "mlflow.log_params", "mlflow.log_dict",
    "mlflow.log_text", "mlflow.log_table",
})
# OpenCV's drawing functions and the position of their `color` argument (`cv2.line(img, pt1, pt2, color)`).
_CV2_COLOUR_ARGUMENT = {
    "cv2.line": 3, "cv2.arrowedLine": 3, "cv2.rectangle": 3, "cv2.circle": 3, "cv2.polylines": 3,
    "cv2.fillPoly": 2, "cv2.fillConvexPoly": 2, "cv2.drawContours": 3, "cv2.putText": 5, "cv2.drawMarker": 2,
}
# Methods that draw on a figure or an axes, whatever the receiver is called (`ax.imshow(img)`).
_SHOW_METHODS = frozenset({
    "imshow", "plot", "scatter", "bar", "barh", "hist", "text", "annotate", "set_title", "set_xlabel",
    "set_ylabel", "add_patch", "axis", "legend", "show", "fill_between", "pie", "contour", "contourf",
    "matshow", "set_xticks", "set_yticks", "set_xticklabels", "set_yticklabels", "suptitle", "title",
    "xlabel", "ylabel", "boxplot", "violinplot", "errorbar", "stem", "heatmap", "add_line", "add_collection",
    "add_artist", "colorbar",
    # a figure's panels, laid out for the pictures above (fair check 28, rnd001-display-only-pick:
    # `ax = fig.add_subplot(4, 8, i + 1)` in a loop over the randomly picked test images)
    "add_subplot", "add_axes",
    # plotly: traces added to a figure, and a figure written as a picture (a file to look at, not a result)
    "add_trace", "add_traces", "write_image", "write_html",
})
# A figure's bounds (`_ShownFlow._frames_only`).
_AXIS_LIMITS = frozenset({"xlim", "ylim", "zlim", "set_xlim", "set_ylim", "set_zlim", "set_xbound", "set_ybound"})
# Statistics of the random values (`idx.sum()`, `np.mean(sample)`, `boot.mean(axis=1)`): a result
# the notebook computes from the draw, not a choice of what to show.
_STATISTIC = re.compile(
    r"^(?:nan)?(?:sum|mean|std|var|median|percentile|quantile|average|prod|cumsum|cumprod|min|max|argmin|argmax|ptp)$"
    r"|^(?:describe|corr|corrcoef|cov|agg|aggregate|value_counts|histogram|bincount|dot|matmul|score)$"
)
# Functions of other libraries that only compute a value from their arguments: a path joined or
# a folder listed to find the picked file, a tensor reshaped or rounded for the figure.
_PURE_FUNCTIONS = frozenset({
    "os.path.join", "os.path.basename", "os.path.dirname", "os.path.splitext", "os.listdir",
    "tensorflow.expand_dims", "tensorflow.squeeze", "tensorflow.reshape", "tensorflow.cast", "tensorflow.round",
    "tensorflow.argmax", "tensorflow.constant", "tensorflow.convert_to_tensor", "tensorflow.image.resize",
    # a picked example's predicted scores turned into probabilities for its panel's title (fair check 29)
    "tensorflow.nn.softmax", "tensorflow.nn.sigmoid", "tensorflow.math.sigmoid",
    "torch.tensor", "torch.from_numpy", "torch.argmax", "torch.squeeze", "torch.unsqueeze",
    # An image read, converted or wrapped for a tracker to show (`File.as_image(img)`, `wandb.Image(img)`).
    "cv2.imread", "cv2.cvtColor", "cv2.resize", "neptune.types.File", "neptune.types.File.as_image",
    "neptune.new.types.File.as_image", "wandb.Image",
    # Images tiled into one picture for a figure or a tracker (`vutils.make_grid(x, normalize=True)`).
    "torchvision.utils.make_grid",
    # einops' pure reshapes: the same numbers, axes reordered, merged or split (`rearrange`), or
    # copied along a new axis (`repeat`); fair check 34, item 138, a tour of them on `t.rand(…)`.
    # (`einops.reduce` sums, averages or maxes: a statistic, not followed as the value.)
    "einops.rearrange", "einops.repeat",
    # Points' density interpolated from a 2-D histogram of them, to colour a scatter plot by.
    "scipy.interpolate.interpn",
    # An image moved, turned, scaled or blurred into a new array (fair check 37, item 144: example
    # digits shifted and rotated by random amounts only to be drawn in a figure's panels). Not with
    # an `output=` array, which they write into (`_pure`).
    "scipy.ndimage.shift", "scipy.ndimage.rotate", "scipy.ndimage.zoom", "scipy.ndimage.affine_transform",
    "scipy.ndimage.gaussian_filter",
})
# Methods that compute a value from their arguments and leave their object as it was: a trained
# model's prediction on a picked example that is only printed shows the pick, it changes nothing.
# Every method named `predict…` is one too (StarDist's `model.predict_instances(img)`, fair check
# 31, item 143), as for HID001's `reads_only`.
_INFERENCE_METHODS = frozenset({
    "predict", "predict_proba", "predict_on_batch",
    # A language model's generation from a picked prompt and a tokenizer's encoding and decoding of
    # it: values computed from it, the model and tokenizer as they were (fair check 29,
    # rnd001-display-only-pick: a random test conversation's answer printed as a spot check).
    "generate", "apply_chat_template", "encode", "decode", "batch_decode", "tokenize", "convert_ids_to_tokens",
    # A torch module's output for its input, as calling it gives (`y = model.forward(x)`), followed: a
    # random input only printed through it is a shape check (a training loop's loss reaches `backward`).
    "forward",
    # A detector's detections for the images it is given (Mask R-CNN's `model.detect([image])`), followed:
    # a random training image only drawn with them is a spot check (fair check 36, item 137).
    "detect",
})
# Functions and methods whose name says they show what they are given (`visualize.display_top_masks(image,
# mask, …)`, `display_images(…)`, `show_batch(…)`, `plot_confusion_matrix(…)`) are displays, whatever
# library they come from: a value reaching one is shown (fair check 36, item 128: Mask R-CNN's own
# display helpers draw a random pick of training images). Not the notebook's own defs, whose bodies
# are followed instead. What such a call returns is still followed like the value.
_SHOW_NAMES = re.compile(r"^(?:display|show|plot)_\w+$")
# Methods whose name says they return an item of their receiver for the key they are given
# (`dataset.load_image(image_id)`, `dataset.get_item(i)`): with the value as an argument and their
# result taken (bound or passed on, not a statement of its own), the result is followed like the
# value and the receiver taken as left as it was (fair check 36, item 128: a random training image
# id loaded to be drawn). Only methods of the notebook's objects, not functions of a module
# (`tf.get_variable(…)` makes a variable); not the weight loaders (`load_state_dict`,
# `load_weights`), which change their receiver.
# So are the methods whose name says they describe the item of the key (Mask R-CNN's
# `dataset.image_reference(image_id)`, `image_path(i)`, `class_name(i)`: fair check 36, item 137).
_ITEM_GETTERS = re.compile(r"^(?:(?:get|load)_\w+|\w+_(?:reference|path|name|info))$")
# Functions and methods whose name says they read an image file into pixels (`load_image_as_tensor(path)`,
# Keras' `load_img(path)`, `imread(path)`, `read_image(path)`): given a picked path, their result is the
# picked image, followed like the value. Not the notebook's own defs, whose bodies are followed instead.
_IMAGE_READERS = re.compile(r"^(?:(?:load|read|open)_?(?:image|img|picture|photo)s?(?:_\w+)?|imread)$")
# Container methods that put a value into their (function-local) receiver: `picks.append(pick)`.
_CONTAINER_MUTATORS = frozenset({"append", "extend", "insert"})
# Methods that train, predict, persist or send what they are called on (or with): a random value
# reaching one of them is used, not shown.
_USING_METHOD = re.compile(
    r"^(?:fit\w*|train\w*|evaluate\w*|predict\w*|compile|fine_tune|backward|step|save\w*|to_(?!html$|string$|markdown$|list$|numpy$|dict$)\w+|"
    r"write\w*|dump\w*|export\w*|push\w*|upload\w*|tofile|log\w*|send\w*|put\w*|post|apply_gradients|minimize|update)$"
)


# Checks that two values agree (`np.allclose(a, b)`), and the sizes of a difference (`np.abs(a - b)`,
# `np.linalg.norm(a - b)`): computed from two values that both come from the draw, a check of an identity.
_AGREEMENT_FUNCTIONS = frozenset({"allclose", "isclose", "array_equal", "array_equiv"})
_DISCREPANCIES = frozenset({"abs", "absolute", "norm"})
# Array constructors: a name bound to one and filled from the draws in a loop (`C += c[i] * P`,
# `lam[j] += c[k] * w ** (j * k)`) holds a matrix or a transform built from them, not a tally.
_ARRAY_CONSTRUCTORS = frozenset({"zeros", "ones", "empty", "eye", "identity", "full", "zeros_like", "ones_like", "empty_like"})


# The methods of a t-SNE/UMAP estimator that give its layout (openTSNE's `fit` returns it).
_LAYOUT_METHODS = frozenset({"fit", "fit_transform", "transform"})
# A frame's attributes that are not one of its columns (`df.loc[…]` reads every column).
_FRAME_ATTRIBUTES = frozenset({
    "loc", "iloc", "at", "iat", "values", "T", "plot", "style", "index", "columns", "shape", "array", "axes",
    "dtypes", "size", "empty", "attrs", "sparse", "str", "dt", "cat", "ix", "hvplot",
})


def _named_columns(node: ast.Attribute | ast.Subscript) -> frozenset[str] | None:
    """The columns a frame access names (`df.SMILES`, `df["x"]`, `df[["x", "y"]]`), or None when it
    may read any column (`df.loc[…]`, `df[mask]`, `df[name]`)."""
    if isinstance(node, ast.Attribute):
        return None if node.attr in _FRAME_ATTRIBUTES or node.attr.startswith("_") else frozenset({node.attr})
    key = node.slice
    keys = key.elts if isinstance(key, (ast.List, ast.Tuple)) else [key]
    if not keys or not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in keys):
        return None
    return frozenset(k.value for k in keys)


# The keywords by which a call takes the seed of its own draws (`df.sample(…, random_state=…)`,
# `train_test_split(…, random_state=…)`, `rng = np.random.default_rng(seed=…)`).
_SEED_KEYWORDS = frozenset({"random_state", "seed", "random_seed"})


# Draws of one item (`random.choice(names)`, `random.randint(0, 9)`; NumPy's without a size).
_ONE_PICK_DRAWS = frozenset({"random.choice", "random.randint", "random.randrange", "random.random", "random.uniform"})
_ONE_PICK_NUMPY = {"numpy.random.choice": 1, "numpy.random.randint": 2, "numpy.random.random": 0, "numpy.random.rand": 0}


# Draws that pick items out of a population (a sample of test images, of rows): what is computed
# from them row by row is per item.
_ITEM_PICKS = frozenset({"random.sample", "random.choices", "random.choice", "numpy.random.choice"})


def _picks_one(qualified: str, node: ast.Call) -> bool:
    """Does the draw give one item: Python's `random.choice`/`randint`/… , or NumPy's `choice(a)`,
    `randint(lo, hi)`, `rand()` with no size (at most that many positional arguments, no `size=`)?"""
    if qualified in _ONE_PICK_DRAWS:
        return True
    most = _ONE_PICK_NUMPY.get(qualified)
    return most is not None and len(node.args) <= most and not any(k.arg in ("size", None) for k in node.keywords)


def _in_comprehension(tree: ast.AST, node: ast.AST) -> bool:
    """Is `node` inside a comprehension of `tree` (`[random.choice(kinds) for i in range(15)]`: many
    picks collected, not one)?"""
    return any(isinstance(c, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)) and any(n is node for n in ast.walk(c))
               for c in ast.walk(tree))


_ARRAY_MODULES = ("np", "numpy", "torch", "tf", "math", "statistics")


def _elementwise_names(node: ast.expr) -> frozenset[str] | None:
    """The names of `node` when it is made only of names, numbers, operators and calls of the array
    modules on such (`np.exp(shifted_x)`, `x * x`), or None: the values themselves, transformed."""
    if isinstance(node, ast.Name):
        return frozenset({node.id})
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return frozenset()
    if isinstance(node, ast.UnaryOp):
        return _elementwise_names(node.operand)
    if isinstance(node, ast.BinOp):
        left, right = _elementwise_names(node.left), _elementwise_names(node.right)
        return None if left is None or right is None else left | right
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
            and node.func.value.id in _ARRAY_MODULES and not node.keywords and node.args):
        parts = [_elementwise_names(a) for a in node.args]
        return None if any(p is None for p in parts) else frozenset().union(*parts)  # type: ignore[arg-type]
    return None


def _statistics_of(node: ast.expr) -> frozenset[str] | None:
    """The names whose statistics alone make up `node` (`x.mean(dim=0)`, `torch.std(x, unbiased=False)`,
    `x.max() - x.min()`, constants between them), or None when it holds anything else. The statistic
    may be of the values transformed elementwise (`np.sum(np.exp(s))`: softmax's denominator under
    `np.exp(s) / np.sum(np.exp(s))`, fair check 39, item 96)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return frozenset()
    if isinstance(node, ast.UnaryOp):
        return _statistics_of(node.operand)
    if isinstance(node, ast.BinOp):
        left, right = _statistics_of(node.left), _statistics_of(node.right)
        return None if left is None or right is None else left | right
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _STATISTIC.match(node.func.attr):
        if isinstance(node.func.value, ast.Name) and node.func.attr not in ("dot", "matmul", "score", "corr", "cov", "corrcoef"):
            if all(isinstance(a, ast.Constant) for a in node.args) and all(isinstance(k.value, ast.Constant) for k in node.keywords):
                return frozenset({node.func.value.id})  # `x.mean(dim=0)`
        if (len(node.args) == 1 and isinstance(node.func.value, ast.Name) and node.func.value.id in _ARRAY_MODULES
                and all(isinstance(k.value, ast.Constant) for k in node.keywords)
                and node.func.attr not in ("dot", "matmul", "score", "corr", "cov", "corrcoef")):
            return _elementwise_names(node.args[0])  # `torch.std(x, unbiased=False)`, `np.mean(x)`, `np.sum(np.exp(s))`
    return None


class _ShownFlow:
    """Follows one draw's value through a scope — the body of the module-level function that makes
    it, or (for a draw at module level) its cell and every later cell, in any order — and says
    whether it reaches only displays: names bound from it, loops over it, conditions on it, method
    chains on it (`df.to_html()`, `data.batch(4).take(1)`), NumPy/pandas/builtin functions of it,
    a function-local list it is appended to, and finally `print`/`display`/IPython.display/
    matplotlib calls. Anything else that receives it — a call of another object's method or of a
    notebook function, a `return`/`yield`, a store into something not local, a module-level
    function that reads it, a magic's arguments, a cell that does not parse — uses it."""

    def __init__(self, facts: NotebookFacts, draw_node: ast.Call, function: ast.FunctionDef | ast.AsyncFunctionDef | None) -> None:
        self.facts = facts
        self.draw_node = draw_node
        self.function = function
        self.locals: frozenset[str] = frozenset()
        self.params: frozenset[str] = frozenset()
        if function is not None:
            args = function.args
            self.params = frozenset(a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a is not None)
            self.locals = frozenset(_function_locals(function) - self.params)
        self.tainted: set[str] = set()
        self.used = False  # the value reaches something that is not a display
        self.loops = 0  # loops the statement being read is in
        self.drawn_branches = 0  # `if` bodies the statement is in whose test the value reaches
        self.shown = False  # the value reaches a display
        # Module-level functions of the notebook and the globals each reads: calling one (or
        # passing it on) while it reads a name the draw reaches uses the draw.
        self.functions: dict[str, frozenset[str]] = {}
        self.bound: set[str] = set()  # module-level names assigned from the value
        # Names bound as elements of an unpacked tuple (`samples, times, signals, errors = make(…)`):
        # one left unread is a discarded part, not a result the notebook computed from the draw.
        self.unpacked: set[str] = set()
        # The notebook's own functions and classes (calling one with the value uses it).
        self.callables = frozenset(d.name for ca in facts.cells for d in (*ca.facts.functions, *ca.facts.classes))
        self.trackers: frozenset[str] = frozenset()  # module-level handles of an experiment tracker (`_TRACKER_INITS`)
        # The draw shuffles its argument in place (`np.random.shuffle(colors)`): the name is the value.
        self.in_place = False
        # The function's value depends on the draw (`return labels_map`): used, unless its callers
        # only show it (`_reaches_only_displays` follows them).
        self.returned = False
        # The notebook's module-level defs (name → node) whose parameters a tainted argument is
        # followed into (`labels_to_image(labels, labels_map)`), and how deep that has gone.
        self.helpers: Mapping[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.depth = 0
        # A layout's flow (`_layout_only_shown`): the value is a t-SNE/UMAP estimator, whose `fit`,
        # `fit_transform` and `transform` give the layout (followed, not a use); the layout stored
        # into a frame's named columns (`df[["tsne_x", "tsne_y"]] = …`) taints those columns only,
        # so reading the frame's other columns (`df.SMILES`, `df["desc"]`) does not read it; and a
        # module-level function that reads it but only shows it (a selection callback that
        # displays the picked rows) shows it.
        self.layout = False
        self.columns: dict[str, set[str]] = {}  # frame → the columns the layout was stored into
        self.shown_functions: set[str] = set()  # module-level defs that read the value only to show it
        self.cell_last: ast.stmt | None = None  # the last statement of the cell followed: Jupyter shows its value
        # A method of the drawn value ending its cell shows it (a drawn value, not a model trained
        # with draws, whose methods give the notebook's results: `lda.print_topics()`).
        self.last_shows = False
        # The value followed is what a call of the notebook's own method returns (`A.walk('cold', 10)`),
        # and that call, ending its cell, is shown by Jupyter (`_display_reach.method_callers_show`).
        self.site_shown = False
        # Names last bound to a new NumPy array (`C = np.zeros((N, N))`): accumulating draws into one
        # builds a matrix, not a count or a sum (`_ARRAY_CONSTRUCTORS`).
        self.arrays: set[str] = set()
        # Loop targets over the value (`for i, idx in enumerate(picks)`): one drawn item per turn.
        self.items: set[str] = set()
        # The draw is a handful of values drawn once (`np.random.randint(1, 20, 5)`, `torch.rand(5, 3)`:
        # `_few_values`): a statistic of them estimates nothing, it shows the method on an example
        # array, and is followed like any value (fair check 29, rnd001-value-reaches-only-display).
        # Only a statistic of the drawn values themselves: the names bound to the draw as it is.
        self.few = False
        # … and any statistic of the drawn values, whatever their number, only shows them
        # (`_reaches_only_displays(any_size=True)`).
        self.any_size = False
        self.drawn: set[str] = set()
        # Names bound to the draw as it is, whose elements a loop then rewrites (`ar = np.random.randn(n)`,
        # then `ar[step] += rho * ar[step - 1]`): a series built in the drawn array (an autoregressive
        # process), not a count or a sum of the draws (fair check 30, item 128).
        self.drawn_arrays: set[str] = set()
        self.discarded: ast.expr | None = None  # the value of the expression statement being read
        # Names last bound to what a display of the value returns (`normal_caps = axes[0].boxplot(s)`,
        # the plot's artists): left unread, such a name is no result computed from the value (fair
        # check 36, item 142: toy normal draws only box-plotted to show whisker styling).
        self.display_results: set[str] = set()
        # Names a loop the statement is in rebinds from their own value of the turn before
        # (`posterior_cov = np.linalg.inv(S_inv)`, `S_inv` made from `posterior_cov`): the state of
        # an iterative computation (`_loop_carried`).
        self.carried: frozenset[str] = frozenset()
        # Names bound in such a loop from the value and that state (`posterior_mean = posterior_cov
        # * xi.T * yi`, `yi = y[i]`): the iteration's estimate, a result computed from the draws;
        # shown as numbers (`posterior_mean` ending a cell, `print(posterior_mean)`), it is used
        # (fair check 41, recall T-7.2: a sequential Bayesian update of noisy targets).
        self.estimates: set[str] = set()
        # The draw picks one item (`random.choice(class_names)`, `np.random.randint(0, n)`): a statistic
        # of a plain name computed from it (`pred_prob.argmax()`, the picked image's predicted class) is
        # that item's, not one over draws (fair check 47, item 141). Not of a list grown from the picks
        # (`scores.append(…)`: `grown`), whose statistic is over the turns.
        self.one_pick = isinstance(draw_node, ast.Call) and _picks_one(self._module_of(draw_node.func), draw_node)
        self.grown: set[str] = set()
        # A helper's parameters that its call binds to an object the notebook made (`_own_object` at
        # the call: `make_predictions(model=model, data=picks)`) and that its body never rebinds:
        # calling one is calling that object (fair check 49, item 147).
        self.objects: frozenset[str] = frozenset()

    # -- expressions --

    def _root(self, node: ast.expr) -> str | None:
        while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
            node = node.func if isinstance(node, ast.Call) else node.value
        return node.id if isinstance(node, ast.Name) else None

    def _module_of(self, node: ast.expr) -> str:
        """The qualified callee when it is reached through an import (`pd.DataFrame` → `pandas.DataFrame`)."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id in self.locals or node.id in self.params:
            return ""
        if node.id not in self.facts.aliases:
            return ""
        return self.facts.resolve(".".join([node.id, *reversed(parts)]))

    def _is_draw(self, node: ast.AST) -> bool:
        return node is self.draw_node

    def _shows(self, call: ast.Call) -> bool:
        func = call.func
        if isinstance(func, ast.Name) and func.id in ("print", "display") and func.id not in self.locals:
            return True
        if (isinstance(func, ast.Attribute) and func.attr in _TRACKER_LOG_METHODS
                and self._root(func.value) in self.trackers and self._root(func.value) not in self.locals):
            return True  # `run["eval/sample"].upload(…)`: put up in the tracker's web page
        qualified = self._module_of(func)
        if qualified in _TRACKER_LOG_FUNCTIONS or _SKLEARN_DISPLAY.match(qualified):
            return True
        if qualified and any(qualified == lib or qualified.startswith(lib + ".") for lib in _SHOW_LIBRARIES):
            return True
        if isinstance(func, ast.Name):
            # `display_images(…)` imported from a library (not a def of the notebook's)
            return (_SHOW_NAMES.match(func.id) is not None and func.id in self.facts.aliases and func.id not in self.callables
                    and func.id not in self.locals and func.id not in self.params)
        return isinstance(func, ast.Attribute) and (func.attr in _SHOW_METHODS or _SHOW_NAMES.match(func.attr) is not None)

    def _pure(self, call: ast.Call) -> bool:
        func = call.func
        if self.any_size and isinstance(func, ast.Attribute) and _STATISTIC.match(func.attr):
            return True  # `e.dot(Σ)` of a drawn `Σ`: a value computed from it, followed
        if isinstance(func, ast.Name):
            if func.id in _PURE_BUILTINS and func.id not in self.locals and func.id not in self.facts.aliases:
                return True
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Constant):
            return True  # `", ".join(words)`
        qualified = self._module_of(func)
        if qualified in _PURE_FUNCTIONS:
            return not any(k.arg == "output" for k in call.keywords)  # (`ndimage.shift(x, s, output=out)` writes `out`)
        return bool(qualified) and any(qualified.startswith(lib + ".") for lib in _PURE_LIBRARIES) and not _USING_METHOD.match(qualified.rsplit(".", 1)[-1])

    def _own_object(self, func: ast.expr) -> bool:
        """A call of an object the notebook made (a Keras layer or model, a text vectorizer bound at
        module level), not of one of its functions or classes, an import or a builtin: it computes
        a value from its argument (a layer's output), which is followed."""
        if isinstance(func, ast.Name) and func.id in self.objects:
            return True
        return (
            isinstance(func, ast.Name) and func.id not in self.locals and func.id not in self.params
            and func.id not in self.facts.aliases and func.id not in self.callables and not hasattr(builtins, func.id)
        )

    def _taint_target(self, target: ast.expr, assigned: bool = False) -> None:
        if isinstance(target, ast.Name):
            self.columns.pop(target.id, None)  # the whole name holds the value now
            self.tainted.add(target.id)
            if assigned and self.function is None and not target.id.startswith("_"):
                self.bound.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._taint_target(element, assigned)
                if isinstance(element, ast.Name):
                    self.unpacked.add(element.id)
        elif isinstance(target, ast.Starred):
            self._taint_target(target.value, assigned)
        else:
            root = self._root(target)
            if root is None or (self.function is not None and root not in self.locals):
                self.used = True  # a store into an argument, a global or an object's attribute
            else:
                named = _named_columns(target) if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) else None
                if self.layout and named is not None and (root not in self.tainted or root in self.columns):
                    self.columns.setdefault(root, set()).update(named)
                self.tainted.add(root)
                self.grown.add(root)  # `df.loc[i] = pick`: filled item by item, a collection of picks

    def expr(self, node: ast.AST | None, ctrl: bool = False) -> bool:
        """Does `node`'s value depend on the draw? Marks the flow used when the draw reaches a call
        that uses it (or, under a condition on it — `ctrl` — any call that may act)."""
        if node is None:
            return False
        if isinstance(node, ast.Name):
            if (self.function is None and node.id in self.functions and node.id not in self.shown_functions
                    and self.functions[node.id] & self.tainted):
                self.used = True  # the notebook's function reads the value as a global
            return isinstance(node.ctx, ast.Load) and node.id in self.tainted
        if (isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Sub, ast.Div)) and not self.layout
                and (of := _statistics_of(node.right)) and of <= {n.id for n in ast.walk(node.left) if isinstance(n, ast.Name)}):
            # `x - x.mean(dim=0)`, `(x - x.mean()) / (x.max() - x.min())`, `x / torch.std(x)`: the values
            # centred or scaled by their own statistics, a normalisation followed as the values, not a
            # result computed from them (fair check 47, item 137: random points only plotted before and
            # after mean-centring and variance scaling).
            return self.expr(node.left, ctrl)
        if self.columns and isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.value, ast.Name):
            stored = self.columns.get(node.value.id)
            named = _named_columns(node)
            if stored is not None and named is not None and not named & stored:
                if isinstance(node, ast.Subscript):
                    self.expr(node.slice, ctrl)
                return False  # another column of the frame: not the layout
        if isinstance(node, (ast.Yield, ast.YieldFrom, ast.Await)):
            if self.expr(node.value, ctrl) or ctrl:
                self.used = True
            return True
        if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
            inner = _function_locals(node)
            return any(n.id in self.tainted and n.id not in inner for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            # A comprehension's variables are its own: tainted only by what they iterate here, and
            # gone after it, so a later `[int(x) for x in clean]` does not read an earlier `x`
            # (fair check 36, item 128: `class_ids = [int(x) for x in class_ids]` of a drawn pick's
            # loop, then the same line in a later cell over another image's classes).
            own = {n.id for gen in node.generators for n in ast.walk(gen.target) if isinstance(n, ast.Name)}
            outer = self.tainted & own
            self.tainted -= own
            for gen in node.generators:
                if self.expr(gen.iter, ctrl):
                    self._taint_target(gen.target)
            parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            found = [self.expr(p, ctrl) for p in parts] + [self.expr(c, ctrl) for gen in node.generators for c in gen.ifs]
            reached = any(found) or any(self.expr(gen.iter, ctrl) for gen in node.generators)
            self.tainted -= own
            self.tainted |= outer
            return reached
        if isinstance(node, ast.Call):
            return self._call(node, ctrl)
        found = [self.expr(child, ctrl) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr)]
        return any(found)

    def _frames_only(self, call: ast.Call) -> bool:
        """`plt.xlim(X.min(), X.max())`, `ax.set_ylim(0, y.max() * 1.1)`: a figure's bounds taken from
        statistics of the values, which only frame the picture of them (fair check 43, item 152: a
        t-SNE map's limits set in the notebook's plotting helper); no number is shown or kept."""
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name not in _AXIS_LIMITS or (isinstance(func, ast.Attribute) and self.expr(func.value)):
            return False
        if isinstance(func, ast.Name) and not self._shows(call):
            return False  # (a bare `xlim(…)`: matplotlib's, from `from matplotlib.pyplot import *`, only)
        values = [*call.args, *(k.value for k in call.keywords)]
        of = [_statistics_of(v) for v in values]
        return all(o is not None for o in of) and any(o & self.tainted for o in of if o is not None)

    def _call(self, call: ast.Call, ctrl: bool) -> bool:
        func = call.func
        if not ctrl and self._frames_only(call):
            self.shown = True
            return False
        receiver = func.value if isinstance(func, ast.Attribute) else None
        receiver_tainted = self.expr(receiver, ctrl) if receiver is not None else False
        callee_tainted = isinstance(func, ast.Name) and self.expr(func, ctrl)
        values = [*call.args, *(k.value for k in call.keywords)]
        reached = [self.expr(v, ctrl) for v in values]
        args_tainted = any(reached)
        if self._is_draw(call):
            if self.in_place and call.args and isinstance(call.args[0], ast.Name):
                self._taint_target(call.args[0])
                return False
            return True
        qualified = self._module_of(func)
        if self._agreement(call, qualified):
            return True  # `np.abs(C - C8).max()`: two computations from the draw compared, shown (a check, not a result)
        slot = self._only_argument(call, *_SHAPE_ONLY_INPUTS[qualified], ctrl) if qualified in _SHAPE_ONLY_INPUTS else None
        if slot is None and qualified in _MONITOR_EVENT_KEYWORDS:
            slot = self._only_argument(call, None, _MONITOR_EVENT_KEYWORDS[qualified], ctrl)
        if slot is None and isinstance(func, ast.Attribute) and func.attr == "add_graph" and not receiver_tainted:
            slot = self._only_argument(call, 1, "input_to_model", ctrl)  # TensorBoard's graph of a model
        if slot is None and qualified in _PAUSES:
            slot = self._only_argument(call, 0, "secs", ctrl)
        if slot is None and qualified in _SIGNALLED_PROCESSES:
            slot = self._only_argument(call, *_SIGNALLED_PROCESSES[qualified], ctrl)
        if slot is not None and not (receiver_tainted or callee_tainted):
            # The value is only that argument: its numbers reach no result (a traced graph, an
            # event for people to read), as a display's do not.
            self.shown = True
            return False
        colour = _CV2_COLOUR_ARGUMENT.get(qualified)
        if colour is not None and args_tainted and not (receiver_tainted or callee_tainted):
            # `cv2.polylines(img, pts, False, color, 2)` with a random `color`: the draw picks only
            # the colour the shapes are drawn in (a figure's look), when it is nothing but that argument.
            slot = call.args[colour] if len(call.args) > colour else next((k.value for k in call.keywords if k.arg == "color"), None)
            others = [v for v in values if v is not slot]
            if slot is not None and self.expr(slot, ctrl) and not any(self.expr(v, ctrl) for v in others):
                self.shown = True
                return False
        if self._shows(call):
            # (a display method of the value itself shows it too: `df.boxplot(…)` of a frame of the
            # draws, fair check 36, item 142)
            if args_tainted or ctrl or (receiver_tainted and isinstance(func, ast.Attribute)):
                self.shown = True
            if args_tainted and self.layout and self._shows_numbers(call):
                self.used = True  # `print(emb[:5])`, `display(df)`: the layout's numbers themselves, as text
            return args_tainted or receiver_tainted
        method = func.attr if isinstance(func, ast.Attribute) else ""
        local_root = self._root(receiver) if receiver is not None else None
        if (((method.endswith("_") and not method.startswith("_")) or method in _FILL_METHODS) and local_root is not None
                and (local_root in self.locals if self.function is not None else local_root not in self.facts.aliases)
                and (args_tainted or receiver_tainted or ctrl)):
            # `out[i].masked_fill_(mask, colour[i])`: an in-place method (PyTorch's trailing `_`)
            # writes the value into an array local to the function, which is followed; so is a
            # module-level tensor written so (`y.add_(x)` in a PyTorch tour, fair check 29, item 147);
            # and NumPy's `x.fill(np.random.randint(-10, 10))` (fair check 39, item 96).
            self.tainted.add(local_root)
            return False
        if receiver_tainted and self.layout and (method in _LAYOUT_METHODS or method in _CLUSTER_LABEL_METHODS):
            return True  # `tsne.fit_transform(X)`: the layout itself, followed
        # `counts / counts.sum(1, keepdims=True)`: a statistic kept in shape to broadcast back
        # against the values (a normalisation) is part of a value that is followed, not a result;
        # so is NumPy's `np.sum(grad * probs, axis=-1, keepdims=True)` (softmax's backward pass,
        # fair check 39, item 96).
        keeps_dims = any(k.arg in ("keepdims", "keepdim") and isinstance(k.value, ast.Constant) and k.value.value is True
                         for k in call.keywords)
        if receiver_tainted or callee_tainted:
            if _USING_METHOD.match(method) or (_STATISTIC.match(method) and not keeps_dims and not self._of_few(receiver)
                                               and not self._one_hot_pick(method, receiver) and not self._of_one_pick(receiver)
                                               and not self._row_labels(method, call, receiver)):
                self.used = True
            return True
        if not (args_tainted or ctrl):
            return False
        seeds = [k.value for k in call.keywords if k.arg in _SEED_KEYWORDS]
        if (seeds and any(r for v, r in zip(values, reached) if any(v is s for s in seeds))
                and not any(r for v, r in zip(values, reached) if not any(v is s for s in seeds))):
            # `google.sample(frac=.1, random_state=np.random.randint(10))`: the value only seeds another
            # draw, whose result carries it and is followed (fair check 36, item T-7.9: the sampled tenth
            # only shown and plotted).
            return True
        if self._pure(call):
            name = method or (func.id if isinstance(func, ast.Name) else "")
            if (args_tainted and (_STATISTIC.match(name) or name in ("sum", "min", "max")) and not keeps_dims
                    and not self._row_labels(name, call, None)
                    and not all(self._item_row(v) or self._of_few(v) or self._one_hot_pick(name, v) or self._of_one_pick(v)
                                for v, r in zip(values, reached) if r)):
                self.used = True
            return True
        root = self._root(receiver) if receiver is not None else None
        if method in _CONTAINER_MUTATORS and isinstance(receiver, ast.Name) and root is not None and (self.function is None or root in self.locals):
            self.tainted.add(root)
            self.grown.add(root)
            return False
        helper = self.helpers.get(func.id) if isinstance(func, ast.Name) and func.id not in self.locals and func.id not in self.params else None
        if helper is not None and args_tainted and self.depth < 3:
            followed = self._into_helper(helper, call)
            if followed is not None:
                return followed
        if method == "run" and call.args and not call.keywords and all(self.expr(a) for a in call.args):
            return True  # `sess.run(batch)`: evaluates the pipeline's own tensors, nothing else
        if (method == "run" and not receiver_tainted and [k.arg for k in call.keywords] == ["feed_dict"]
                and not any(self.expr(a) for a in call.args) and _stateless_graph(self.facts)):
            # `sess.run(layer, feed_dict={x_data: x_val})` in a TensorFlow 1 graph that holds no variable
            # (no `tf.Variable`, optimizer, layer or Keras model anywhere in the notebook): the fetched
            # tensors are computed from the fed value and nothing else, and the run changes no state
            # (fair check 35, item 139: a random 4x4 'image' fed through two constant layers, printed).
            return True
        if args_tainted and (method in _INFERENCE_METHODS or method.startswith("predict") or self._own_object(func)):
            return True  # `model.predict([pick])`, `vectorizer([pick])`: a value computed from it, followed
        if (args_tainted and call is not self.discarded and _ITEM_GETTERS.match(method) is not None
                and method not in _LOAD_METHODS and not receiver_tainted and not qualified):
            return True  # `image = dataset.load_image(image_id)`: the item picked, followed
        reader = method or (func.id if isinstance(func, ast.Name) else "")
        if (args_tainted and call is not self.discarded and _IMAGE_READERS.match(reader) is not None and not receiver_tainted
                and not callee_tainted and (not isinstance(func, ast.Name) or func.id not in self.callables)):
            # `img = soml.util.io.load_image_as_tensor(filename=filepath)`, `load_img(path)`: the picked
            # file's pixels, read and followed (fair check 47, item 141: three random test images
            # shown with their predicted class).
            return True
        self.used = True
        return True

    def _of_few(self, node: ast.expr | None) -> bool:
        """`number` (bound to the draw as it is) or the draw itself, when it gives a handful of
        values (`self.few`): a statistic of it shows the method on an example array."""
        if self.any_size:
            return True  # (choosing the draw that carries a finding: `_anchor_first`)
        return self.few and (node is self.draw_node or (isinstance(node, ast.Name) and node.id in self.drawn))

    def _of_one_pick(self, node: ast.expr | None) -> bool:
        """A plain name holding a value computed from a draw of one item (`one_pick`), not a list
        grown from the picks: its statistic is the item's (`pred_prob.argmax()`)."""
        return self.one_pick and isinstance(node, ast.Name) and node.id not in self.grown

    def _one_hot_pick(self, name: str, node: ast.expr | None) -> bool:
        """`np.argmax(picks)` of `picks = np.random.multinomial(1, p)` (bound to the draw as it is),
        or of the draw itself: the position of the one trial's 1, the category drawn, not a
        statistic over draws (fair check 41, item 124: a Markov chain's next state)."""
        draw = self.draw_node
        return (
            name in ("argmax", "nanargmax") and node is not None
            and (node is draw or (isinstance(node, ast.Name) and node.id in self.drawn))
            and self._module_of(draw.func) == "numpy.random.multinomial"
            and bool(draw.args) and isinstance(draw.args[0], ast.Constant) and draw.args[0].value == 1
        )

    def _row_labels(self, name: str, call: ast.Call, receiver: ast.expr | None) -> bool:
        """`pred_probs.argmax(dim=1)`, `np.argmax(probs, axis=-1)`: the index of each row's largest
        entry, one per row. When the draw picks items out of a population (`random.sample(data, k=16)`,
        `_ITEM_PICKS`), the rows are the picked items (their predicted classes), so this is a value
        per item, followed, not a statistic over draws (fair check 49, item 147). Only a literal last
        axis (1 or -1) as the reduced one."""
        if name not in ("argmax", "argmin") or self._module_of(self.draw_node.func) not in _ITEM_PICKS:
            return False
        axis = next((k.value for k in call.keywords if k.arg in ("axis", "dim")), None)
        if axis is None:
            positional = call.args[1:] if receiver is None else call.args
            axis = positional[0] if positional else None
        value = axis.operand if isinstance(axis, ast.UnaryOp) and isinstance(axis.op, ast.USub) else axis
        sign = -1 if value is not axis else 1
        return isinstance(value, ast.Constant) and type(value.value) is int and sign * value.value in (1, -1)

    def _item_row(self, node: ast.expr) -> bool:
        """`y_hat[idx]` with `idx` one drawn item of the loop over the value and `y_hat` no value
        of the draw: the row of one picked item, whose statistic (`np.argmax(y_hat[idx])`, the
        picked image's predicted class) is that item's, not one over the draws (fair check 28,
        rnd001-display-only-pick). Accumulated over the turns, it is caught as a sum or a list.
        The row may be taken with its columns spelt out (`trainlabel[i, :]`, fair check 30, item
        124: a random pick of the training digits to plot, each with `np.argmax` of its label)."""
        if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id not in self.tainted):
            return False
        index = node.slice
        if isinstance(index, ast.Tuple) and index.elts and all(
            isinstance(rest, ast.Slice) and not any(isinstance(n, ast.Name) for n in ast.walk(rest)) for rest in index.elts[1:]
        ):
            index = index.elts[0]
        return isinstance(index, ast.Name) and index.id in self.items

    def _operands_differ(self, node: ast.expr) -> bool:
        """`C - C8`: the difference of two different names (or selections of them) that both hold
        values computed from the draw."""
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub)):
            return False
        sides = [node.left, node.right]
        roots = [self._root(side) for side in sides]
        return (all(isinstance(side, (ast.Name, ast.Subscript, ast.Attribute)) and not any(isinstance(n, ast.Call) for n in ast.walk(side))
                    for side in sides)
                and None not in roots and roots[0] != roots[1] and all(self.expr(side) for side in sides))

    def _agreement(self, call: ast.Call, qualified: str) -> bool:
        """A check that two computations from the draw agree, whatever was drawn: `np.allclose(C, C8)`,
        `np.abs(C - C8).max()`, `np.linalg.norm(A - B)` (fair check 26, rnd001-random-inputs-of-property-check:
        a lecture's circulant-matrix identities checked on random coefficients)."""
        func = call.func
        name = qualified.rsplit(".", 1)[-1] if qualified else (func.id if isinstance(func, ast.Name) else "")
        if qualified and qualified.split(".", 1)[0] not in ("numpy", "torch", "math"):
            return False
        if name in _AGREEMENT_FUNCTIONS and len(call.args) == 2 and not call.keywords:
            sides = call.args
            roots = [self._root(side) for side in sides]
            return (None not in roots and roots[0] != roots[1] and all(isinstance(side, (ast.Name, ast.Subscript)) for side in sides)
                    and all(self.expr(side) for side in sides))
        if qualified and name in _DISCREPANCIES and len(call.args) == 1 and not call.keywords:
            return self._operands_differ(call.args[0]) or (isinstance(call.args[0], ast.Call) and self._agreement(call.args[0], self._module_of(call.args[0].func)))
        if (not qualified and isinstance(func, ast.Attribute) and func.attr in ("max", "sum", "mean") and not call.args and not call.keywords
                and isinstance(func.value, ast.Call)):
            inner = func.value
            return self._module_of(inner.func).rsplit(".", 1)[-1] in ("abs", "absolute") and self._agreement(inner, self._module_of(inner.func))
        return False

    def _only_argument(self, call: ast.Call, position: int | None, keyword: str, ctrl: bool) -> ast.expr | None:
        """The argument at `position` (or named `keyword`) when the value reaches it and no other
        argument of the call; else None."""
        slot = call.args[position] if position is not None and len(call.args) > position else None
        slot = slot if slot is not None else next((k.value for k in call.keywords if k.arg == keyword), None)
        if slot is None or isinstance(slot, ast.Starred) or not self.expr(slot, ctrl):
            return None
        others = [v for v in (*call.args, *(k.value for k in call.keywords)) if v is not slot]
        return None if any(self.expr(v, ctrl) for v in others) else slot

    def _shows_numbers(self, call: ast.Call) -> bool:
        """A `print` (or a `display` of something other than a figure or widget) shows the values it
        is given as text or a table: for a layout, numbers of the notebook that change with the seed."""
        func = call.func
        if not isinstance(func, ast.Name) or func.id in self.locals or func.id not in ("print", "display"):
            return False
        if func.id == "print":
            return True
        values = [*call.args, *(k.value for k in call.keywords)]
        return any(not (isinstance(v, ast.Call) and self._shows(v) and not self._shows_numbers(v)) for v in values if self.expr(v))

    def _only_shows(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """Does the module-level `function`, reading the value as globals, only show it (it neither
        uses nor returns it, and stores it nowhere outside itself)?"""
        if self.depth >= 3:
            return False
        inner = _ShownFlow(self.facts, ast.Call(ast.Name("", ast.Load()), [], []), function)
        inner.helpers, inner.depth, inner.trackers, inner.layout = self.helpers, self.depth + 1, self.trackers, True
        inner.tainted = self.tainted - inner.locals - inner.params
        inner.columns = {frame: set(names) for frame, names in self.columns.items() if frame in inner.tainted}
        inner.block(function.body, False, True)
        return not inner.used and not inner.returned

    def _into_helper(self, helper: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call) -> bool | None:
        """Follows the value into the notebook's own function it is passed to, as the parameters it
        binds: the call's value depends on it when the function returns it. None: not followed
        (`*args`, a keyword the function does not name)."""
        args = helper.args
        positional = [a.arg for a in (*args.posonlyargs, *args.args)]
        named = {*positional, *(a.arg for a in args.kwonlyargs)}
        if args.vararg is not None or len(call.args) > len(positional):
            return None
        inner = _ShownFlow(self.facts, ast.Call(ast.Name("", ast.Load()), [], []), helper)
        inner.helpers, inner.depth, inner.trackers = self.helpers, self.depth + 1, self.trackers
        rebound = {n.id for n in ast.walk(helper) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}
        objects: set[str] = set()
        for parameter, value in zip(positional, call.args):
            if isinstance(value, ast.Starred):
                return None
            if self.expr(value):
                inner.tainted.add(parameter)
            elif isinstance(value, ast.Name) and self._own_object(value) and parameter not in rebound:
                objects.add(parameter)
        for keyword in call.keywords:
            if keyword.arg is None:
                return None
            if keyword.arg not in named:
                # Into the helper's `**kwargs` (`density_scatter(x, y, ax=ax, cmap="Greens")`):
                # followed only when the value does not reach it (the dict is not followed).
                if args.kwarg is None or self.expr(keyword.value):
                    return None
                continue
            if self.expr(keyword.value):
                inner.tainted.add(keyword.arg)
            elif isinstance(keyword.value, ast.Name) and self._own_object(keyword.value) and keyword.arg not in rebound:
                objects.add(keyword.arg)
        inner.objects = frozenset(objects)
        inner.block(helper.body, False, True)
        self.used = self.used or inner.used
        self.shown = self.shown or inner.shown
        return inner.returned

    # -- statements (a forward pass: a name rebound from a value the draw does not reach is clean again) --

    def block(self, body: Iterable[ast.stmt], ctrl: bool, straight: bool = True) -> None:
        for statement in body:
            self.statement(statement, ctrl, straight)

    def _loop(self, body: list[ast.stmt], orelse: list[ast.stmt], ctrl: bool, target: ast.expr | None = None) -> None:
        self.loops += 1
        outer_carried = self.carried
        self.carried = outer_carried | _loop_carried(body, target)
        before = set(self.tainted)
        for _ in range(2):  # twice: what the end of the body taints, its start reads on the next turn
            # The body's own statements run in order on every turn: a name it binds afresh from a
            # value the draw does not reach is clean for the rest of the turn (fair check 29, item
            # 140: `random_index = np.random.randint(m)` at the top of a later cell's loop, its own
            # draw, is not the first cell's pick).
            self.block(body, ctrl, True)
        self.tainted |= before  # the loop may run no turn: what held the value before still may
        self.loops -= 1
        self.carried = outer_carried
        self.block(orelse, ctrl, False)

    def _shows_estimate(self, value: ast.expr) -> bool:
        """Is `value` an estimate (`self.estimates`) still holding the value, or a `print`/`display`
        of one: its numbers shown as the cell's result."""
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("print", "display"):
            return any(self._shows_estimate(a) for a in value.args if not isinstance(a, ast.Starred))
        return isinstance(value, ast.Name) and value.id in self.estimates and value.id in self.tainted

    def _reads_tainted(self, st: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> bool:
        """Does the definition read a tainted name that is not one of its own locals? (A class's
        body has none.) Its locals are computed once per definition, not once per node walked."""
        if isinstance(st, ast.ClassDef):
            # Its methods' own locals are not the value (`x = self.conv(input)` in `forward`,
            # below a cell that drew a global `x`: fair check 20).
            return bool(self.tainted & set(_global_load_lines(ast.Module([st], []))))
        inner = _function_locals(st)
        return any(isinstance(n, ast.Name) and n.id in self.tainted and n.id not in inner for n in walk_nodes(st))

    def statement(self, st: ast.stmt, ctrl: bool, straight: bool) -> None:
        if isinstance(st, ast.Expr):
            self.discarded = st.value  # (a call whose value nothing takes: `_ITEM_GETTERS` are not followed so)
            reached = self.expr(st.value, ctrl)
            if reached and self.function is None and self._shows_estimate(st.value):
                self.used = True  # an iterative computation's estimate shown as numbers: a result
            if reached and not isinstance(st.value, ast.Call):
                self.shown = True  # a bare expression: the cell shows it (or nothing happens)
            elif reached and self.site_shown and st.value is self.draw_node and st is self.cell_last:
                self.shown = True  # `A.walk('cold', 10)` ending its cell: Jupyter shows the list it returns
            elif (reached and self.last_shows and st is self.cell_last and not self.used and isinstance(st.value.func, ast.Attribute)
                  and self._root(st.value.func.value) in self.tainted
                  and not any(self.expr(v, ctrl) for v in (*st.value.args, *(k.value for k in st.value.keywords)))):
                # `random_subset.head(20)` ending its cell: Jupyter shows the value of a method of the
                # drawn value (not one that uses it: a fit, a save, a statistic), read no further
                # (fair check 27, rnd001-value-reaches-only-display).
                self.shown = True
            if (reached and self.layout and st is self.cell_last
                    and not (isinstance(st.value, ast.Call) and self._shows(st.value) and not self._shows_numbers(st.value))):
                self.used = True  # the cell's last expression shows the layout's numbers (`df.head()`)
        elif isinstance(st, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            value_reached = self.expr(st.value, ctrl)
            flows = value_reached or ctrl
            if isinstance(st, ast.AugAssign):
                if (self.loops and (value_reached or self.drawn_branches) and self._root(st.target) not in self.arrays
                        and not (isinstance(st.target, ast.Subscript) and self._root(st.target) in self.drawn_arrays)):
                    # `inside += 1` under `if is_in_circle(point)`, `total += x` in a loop over
                    # draws: a count or sum accumulated from them, a statistic (a Monte Carlo
                    # estimate), not a display of them (fair check 24, item T-3.1).
                    self.used = True
                flows = self.expr(ast.Name(st.target.id, ast.Load()) if isinstance(st.target, ast.Name) else st.target, ctrl) or flows
            for target in targets:
                if not isinstance(target, ast.Name):
                    for child in ast.iter_child_nodes(target):
                        if (isinstance(target, ast.Subscript) and child is target.value and isinstance(child, ast.Name)
                                and child.id in self.columns and _named_columns(target) is not None):
                            continue  # `df["desc"] = …`: a store into a named column reads no other column
                        if isinstance(child, ast.expr) and not isinstance(child, ast.expr_context):
                            flows = self.expr(child, ctrl) or flows
            for target in targets:
                if isinstance(target, ast.Name):
                    if (isinstance(st, ast.Assign) and self.loops and value_reached
                            and any(isinstance(n, ast.Name) and n.id in self.carried for n in ast.walk(st.value))):
                        self.estimates.add(target.id)
                    elif not isinstance(st, ast.AugAssign):
                        self.estimates.discard(target.id)
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        self.items.discard(name.id)  # bound anew: no longer one drawn item
                        self.drawn.discard(name.id)
                if isinstance(target, ast.Name) and st.value is self.draw_node:
                    self.drawn.add(target.id)
                if isinstance(target, ast.Name):
                    if st.value is self.draw_node and not isinstance(st, ast.AugAssign):
                        self.drawn_arrays.add(target.id)
                    else:
                        self.drawn_arrays.discard(target.id)
                if isinstance(target, ast.Name) and not isinstance(st, ast.AugAssign):
                    if (isinstance(st.value, ast.Call) and not flows
                            and self._module_of(st.value.func).startswith("numpy.")
                            and self._module_of(st.value.func).rsplit(".", 1)[-1] in _ARRAY_CONSTRUCTORS):
                        self.arrays.add(target.id)
                    else:
                        self.arrays.discard(target.id)
                if isinstance(target, ast.Name):
                    if value_reached and isinstance(st.value, ast.Call) and self._shows(st.value):
                        self.display_results.add(target.id)
                    elif target.id in self.display_results:
                        self.display_results.discard(target.id)
                        if straight and not flows:
                            # The artists of the value's display thrown away unread when the name is
                            # bound afresh (`a = visualize.display_instances(…)` again for another
                            # image): no result of the value is kept in it (fair check 36, item 137).
                            self.bound.discard(target.id)
                if flows:
                    self._taint_target(target, assigned=True)
                elif straight and st.value is not None:
                    for name in (target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]):
                        if isinstance(name, ast.Name):
                            self.tainted.discard(name.id)
        elif isinstance(st, (ast.For, ast.AsyncFor)):
            over = self.expr(st.iter, ctrl)
            if over or ctrl:
                self._taint_target(st.target)
            else:
                # `for n, (real_samples, labels) in enumerate(train_loader):` rebinds the names to
                # other values before its body reads them (fair check 47, item 144: the peeked batch's
                # names reused by the training loop).
                for name in ast.walk(st.target):
                    if isinstance(name, ast.Name):
                        self.tainted.discard(name.id)
                        self.items.discard(name.id)
                        self.drawn.discard(name.id)
            if over:
                self.items.update(n.id for n in ast.walk(st.target) if isinstance(n, ast.Name))
            self._loop(st.body, st.orelse, ctrl or over, st.target)
        elif isinstance(st, ast.While):
            test = self.expr(st.test, ctrl)
            self._loop(st.body, st.orelse, ctrl or test)
            test = self.expr(st.test, ctrl)
            if test and not ctrl:
                self._loop(st.body, st.orelse, True)
        elif isinstance(st, ast.If):
            test = self.expr(st.test, ctrl)
            self.drawn_branches += test
            self.block(st.body, ctrl or test, False)
            self.block(st.orelse, ctrl or test, False)
            self.drawn_branches -= test
        elif isinstance(st, (ast.With, ast.AsyncWith)):
            for item in st.items:
                if self.expr(item.context_expr, ctrl) and item.optional_vars is not None:
                    self._taint_target(item.optional_vars)
            self.block(st.body, ctrl, straight)
        elif isinstance(st, ast.Try) or type(st).__name__ == "TryStar":
            self.block(st.body, ctrl, False)
            for handler in st.handlers:
                self.block(handler.body, ctrl, False)
            self.block(st.orelse, ctrl, False)
            self.block(st.finalbody, ctrl, False)
        elif isinstance(st, ast.Return):
            if st.value is not None and (self.expr(st.value, ctrl) or ctrl):
                if self.function is not None:
                    self.returned = True
                else:
                    self.used = True
        elif isinstance(st, (ast.Global, ast.Nonlocal)):
            self.used = True
        elif isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if self.function is st:
                self.block(st.body, ctrl, True)
            elif self._reads_tainted(st):
                if self.layout and isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)) and self._only_shows(st):
                    # `def on_select(change): display(mols2grid.display(df.loc[change.new]))`, a
                    # callback that shows the picked rows: calling it shows the layout's frame.
                    self.shown = True
                    self.shown_functions.add(st.name)
                    return
                # A function (or class) that reads it may use it anywhere; its own parameters and
                # locals of the same name (`def clean(text)` after a display loop bound `text`) are not it.
                self.used = True
        elif isinstance(st, (ast.Delete, ast.Pass, ast.Break, ast.Continue, ast.Import, ast.ImportFrom)):
            pass
        elif isinstance(st, ast.Assert):
            # An assert's test only stops the notebook or not: a check of the value (`assert
            # torch.allclose(y_rot, rot_y)`) neither uses nor shows it, whatever it calls.
            used = self.used
            for child in ast.iter_child_nodes(st):
                if isinstance(child, ast.expr):
                    self.expr(child, ctrl)
            self.used = used or any(
                isinstance(n, ast.Call) and _USING_METHOD.match(_called_name(n)) for n in walk_nodes(st)
            )
        elif isinstance(st, ast.Raise):
            for child in ast.iter_child_nodes(st):
                if isinstance(child, ast.expr):
                    self.expr(child, ctrl)
        elif any(isinstance(n, ast.Name) and n.id in self.tainted for n in walk_nodes(st)):
            self.used = True



def _loop_carried(body: list[ast.stmt], target: ast.expr | None = None) -> frozenset[str]:
    """The names a loop's body reads before it binds them in the same turn, and binds (`=`, `+=`):
    what one turn hands the next (`posterior_cov`, read by `S_inv = np.linalg.inv(posterior_cov) + …`
    and then rebound; `x = rho * x + e[t]`). Not a name the loop's `for` target binds anew each
    turn (`for txt in decoded: txt = txt.replace(…)`)."""
    bound: set[str] = {n.id for n in ast.walk(target) if isinstance(n, ast.Name)} if target is not None else set()
    read_first: set[str] = set()
    assigned: set[str] = set()

    def loads(node: ast.AST | None) -> None:
        if node is not None:
            read_first.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in bound)

    def stores(node: ast.AST) -> None:
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        loads(node)  # `a[i] = …` reads `a`, `i`
        bound.update(names)
        assigned.update(names)

    def block(statements: list[ast.stmt]) -> None:
        for st in statements:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound.add(st.name)
            elif isinstance(st, ast.Assign):
                loads(st.value)
                for t in st.targets:
                    stores(t)
            elif isinstance(st, (ast.AugAssign, ast.AnnAssign)):
                loads(st.value)
                if isinstance(st, ast.AugAssign) and isinstance(st.target, ast.Name) and st.target.id not in bound:
                    read_first.add(st.target.id)
                stores(st.target)
            elif isinstance(st, (ast.For, ast.AsyncFor)):
                loads(st.iter)
                stores(st.target)
                block(st.body)
                block(st.orelse)
            elif isinstance(st, (ast.While, ast.If)):
                loads(st.test)
                block(st.body)
                block(st.orelse)
            elif isinstance(st, (ast.With, ast.AsyncWith)):
                for item in st.items:
                    loads(item.context_expr)
                    if item.optional_vars is not None:
                        stores(item.optional_vars)
                block(st.body)
            elif isinstance(st, ast.Try):
                block(st.body)
                for handler in st.handlers:
                    block(handler.body)
                block(st.orelse)
                block(st.finalbody)
            else:
                loads(st)

    block(body)
    return frozenset(read_first & assigned)


class _DisplayReach(NamedTuple):
    """The followers `_display_reach` makes for one notebook (they share its parsed cells)."""
    tree: Callable[[CellAnalysis], ast.Module | None]
    in_function: Callable[..., _ShownFlow | None]
    at_module_level: Callable[..., bool | None]
    callers_show: Callable[[str, int, set[str]], bool | None]
    in_method: Callable[..., tuple[str, _ShownFlow] | None]
    method_callers_show: Callable[[str, str, int, set[tuple[str, str]]], bool | None]


# The followers of the notebook last asked about (`_display_reach`), with its facts: what they
# remember (parsed cells, the module-level defs' global reads, helpers, tracker handles) is the
# notebook's alone, and RND001's four askers per notebook each rebuilt it (the defs' global reads
# were walked again for every asker: 377 walks on fair check 43's sudhu26 repository, 97 notebooks).
_LAST_REACH: tuple[NotebookFacts, _DisplayReach] | None = None


def _display_reach(facts: NotebookFacts) -> _DisplayReach:
    """Followers of a value through the notebook (see `_ShownFlow`): through the module-level def
    that makes it, from its module-level statement on, and into the callers of a def returning it.
    Made once per notebook (the last one's are kept)."""
    global _LAST_REACH
    last = _LAST_REACH
    if last is not None and last[0] is facts:
        return last[1]
    reach = _make_display_reach(facts)
    _LAST_REACH = (facts, reach)
    return reach


def _make_display_reach(facts: NotebookFacts) -> _DisplayReach:
    trees: dict[int, ast.Module | None] = {}

    def tree(ca: CellAnalysis) -> ast.Module | None:
        if ca.cell.index not in trees:
            trees[ca.cell.index] = _parsed(ca)
        return trees[ca.cell.index]

    functions: dict[str, frozenset[str]] | None = None
    helpers: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] | None = None
    trackers: frozenset[str] | None = None  # the notebook's tracker handles, found at the first draw followed

    def notebook_helpers() -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
        nonlocal helpers
        if helpers is None:
            # (built aside and set whole: the followers are kept for the notebook, so an error
            # half-way must not leave half an answer for the next asker)
            found: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
            defined: dict[str, list[ast.stmt]] = {}
            for other in facts.cells:
                for st in (tree(other) or ast.Module([], [])).body:
                    if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        defined.setdefault(st.name, []).append(st)
                        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)) and not st.decorator_list:
                            found[st.name] = st
            # A name defined twice: which body runs depends on the call's place; not followed,
            # unless every definition is the same code (fair check 36, item 144: word2vec's
            # `def plot(embeddings, labels)` copied into the CBOW part, whichever runs draws the same).
            helpers = {name: node for name, node in found.items()
                       if len(defined[name]) == 1 or len({ast.dump(d) for d in defined[name]}) == 1}
        return helpers

    def in_function(ca: CellAnalysis, parsed: ast.Module, node: ast.Call, owner: str, in_place: bool = False) -> _ShownFlow | None:
        """The flow of `node`'s value through the module-level def `owner` that holds it (None: in
        a method, a nested function or a lambda, which are not followed)."""
        line = node.lineno
        function = next((st for st in parsed.body if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef))
                         and st.name == owner and st.lineno <= line <= (st.end_lineno or st.lineno)), None)
        return None if function is None else flow_through(function, node, in_place)

    def flow_through(body: ast.FunctionDef | ast.AsyncFunctionDef, node: ast.Call, in_place: bool) -> _ShownFlow | None:
        """The flow of `node`'s value through the function or method `body` that holds it (None
        when a function, lambda or class nested in `body` holds it: not followed)."""
        line = node.lineno
        if any(
            isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)) and n is not body
            and n.lineno <= line <= (n.end_lineno or n.lineno) for n in ast.walk(body)
        ):
            return None
        flow = _ShownFlow(facts, node, body)
        flow.one_pick = flow.one_pick and not _in_comprehension(body, node)
        flow.helpers = notebook_helpers()
        flow.in_place = in_place
        flow.statement(body, False, True)
        return flow

    def at_module_level(ca: CellAnalysis, parsed: ast.Module, node: ast.Call, in_place: bool = False, layout: bool = False,
                        last_shows: bool = False, few: bool = False, any_size: bool = False, unread: bool = False,
                        site_shown: bool = False) -> bool | None:
        """Does `node`'s value, from its module-level statement on, reach only displays? (True: shown
        only; False: used; None: reaches nothing.) `layout`: `node` builds a t-SNE/UMAP estimator
        (`_ShownFlow.layout`)."""
        nonlocal functions, trackers
        line = node.lineno
        if functions is None:
            reads: dict[str, frozenset[str]] = {}  # (set whole, as `helpers`)
            for other in facts.cells:
                for st in (tree(other) or ast.Module([], [])).body:
                    if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        reads[st.name] = frozenset(_global_load_lines(ast.Module([st], [])))
            functions = reads
        flow = _ShownFlow(facts, node, None)
        flow.one_pick = flow.one_pick and not _in_comprehension(parsed, node)
        flow.functions = functions
        flow.helpers = notebook_helpers()
        if trackers is None:
            trackers = _tracker_handles(facts, tree)  # (the notebook's alone: once, not once per draw)
        flow.trackers = trackers
        flow.in_place = in_place
        flow.layout = layout
        flow.last_shows = last_shows
        flow.few = few
        flow.any_size = any_size
        flow.site_shown = site_shown
        start = statement_index_at(parsed.body, line)
        if start is None:
            start = len(parsed.body)
        flow.cell_last = parsed.body[-1] if parsed.body else None
        flow.block(parsed.body[start:], False)
        if any(m.line > line and m.args and flow.tainted & set(_IDENTIFIER.findall(m.args)) for m in ca.magics):
            flow.used = True  # `%timeit np.mean(sample)` below it in its cell
        for other in facts.cells:
            if other.cell.index <= ca.cell.index:
                continue
            if flow.used or not flow.tainted:
                break
            if any(m.args and flow.tainted & set(_IDENTIFIER.findall(m.args)) for m in other.magics):
                flow.used = True  # a magic's arguments read it
            other_tree = tree(other)
            if other_tree is None:
                if flow.tainted & _code_words(other.cell.source):
                    flow.used = True
                continue
            flow.cell_last = other_tree.body[-1] if other_tree.body else None
            flow.block(other_tree.body, False)
        kept = flow.bound - flow.unpacked - flow.display_results
        # (a value left unread in a name is kept as a result, unless `unread`: `_anchor_first`
        # asks whether a later draw is used)
        if flow.used or (kept and not unread and _unread(facts, ca, parsed, start, kept, tree)):
            return False
        return True if flow.shown else None

    def callers_show(owner: str, depth: int, seen: set[str]) -> bool | None:
        """Do the values the module-level def `owner` returns reach only displays in each of its
        callers? Every mention of its name must be a direct call (no callback, no alias)."""
        if depth > 3 or owner in seen:
            return False
        seen = seen | {owner}
        sites: list[tuple[CellAnalysis, ast.Module, ast.Call]] = []
        word = re.compile(rf"\b{re.escape(owner)}\b")
        for other in facts.cells:
            if not word.search(other.cell.source):
                continue
            parsed = tree(other)
            if parsed is None or any(word.search(m.args or "") for m in other.magics):
                return False
            loads = [n for n in ast.walk(parsed) if isinstance(n, ast.Name) and n.id == owner]
            calls = [n for n in nodes_of(parsed, ast.Call) if isinstance(n.func, ast.Name) and n.func.id == owner]
            if len(loads) != len(calls) or any(not isinstance(n.ctx, ast.Load) for n in loads):
                return False  # passed on, rebound or aliased: not followed
            sites.extend((other, parsed, c) for c in calls)
        shown: bool | None = None
        for other, parsed, site in sites:
            enclosing = statement_at(parsed, site.lineno)
            if isinstance(enclosing, (ast.FunctionDef, ast.AsyncFunctionDef)):
                flow = in_function(other, parsed, site, enclosing.name)
                if flow is None or flow.used:
                    return False
                if flow.returned:
                    further = callers_show(enclosing.name, depth + 1, seen)
                    if further is False:
                        return False
                    shown = shown or further
                shown = shown or flow.shown or None
            elif enclosing is not None and not any(
                isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
                and n.lineno <= site.lineno <= (n.end_lineno or n.lineno) for n in ast.walk(enclosing)
            ):
                reached = at_module_level(other, parsed, site)
                if reached is False:
                    return False
                shown = shown or reached
            else:
                return False
        return shown

    def in_method(ca: CellAnalysis, parsed: ast.Module, node: ast.Call, owner: str, in_place: bool = False) -> tuple[str, _ShownFlow] | None:
        """The method of the module-level class `owner` that holds `node`, and the flow of `node`'s
        value through it (None: not directly in a method's body, or in a function nested in it)."""
        line = node.lineno
        cls = next((st for st in parsed.body if isinstance(st, ast.ClassDef) and st.name == owner
                    and st.lineno <= line <= (st.end_lineno or st.lineno)), None)
        method = next((st for st in cls.body if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef))
                       and not st.decorator_list and st.lineno <= line <= (st.end_lineno or st.lineno)), None) if cls else None
        flow = flow_through(method, node, in_place) if method is not None and method.args.args else None
        return None if flow is None else (method.name, flow)

    def method_callers_show(cls: str, method: str, depth: int, seen: set[tuple[str, str]]) -> bool | None:
        """Do the values the method `method` of the notebook's class `cls` returns reach only
        displays where it is called? Every mention of the method must be a direct call, on `self`
        in a method of a class of that name (followed into that method, and into its callers if it
        returns the value) or at module level on a name only ever bound to `cls(…)`, whose value
        is followed from there (a call ending its cell shows its value). Fair check 41, item 124:
        a Markov chain's `to_new_state` draw, printed, and walked by `walk`, whose list ends a cell."""
        if depth > 3 or (cls, method) in seen:
            return False
        seen = seen | {(cls, method)}
        word = re.compile(rf"\b{re.escape(method)}\b")
        instances: set[str] | None = None
        shown: bool | None = None
        for other in facts.cells:
            if not word.search(other.cell.source):
                continue
            parsed = tree(other)
            if parsed is None or any(word.search(m.args or "") for m in other.magics):
                return False
            attributes = [n for n in ast.walk(parsed) if isinstance(n, ast.Attribute) and n.attr == method]
            calls = [n for n in nodes_of(parsed, ast.Call) if isinstance(n.func, ast.Attribute) and n.func.attr == method]
            if len(attributes) != len(calls) or any(isinstance(n, ast.Name) and n.id == method for n in ast.walk(parsed)):
                return False  # a bound method passed on, or the name used otherwise: not followed
            for site in calls:
                receiver = site.func.value
                if not isinstance(receiver, ast.Name):
                    return False
                enclosing = statement_at(parsed, site.lineno)
                if isinstance(enclosing, ast.ClassDef):
                    if enclosing.name != cls or receiver.id != "self":
                        return False
                    found = in_method(other, parsed, site, cls)
                    if found is None or found[1].used:
                        return False
                    name, flow = found
                    if flow.returned:
                        further = method_callers_show(cls, name, depth + 1, seen)
                        if further is False:
                            return False
                        shown = shown or further
                    shown = shown or flow.shown or None
                    continue
                if enclosing is None or isinstance(enclosing, (ast.FunctionDef, ast.AsyncFunctionDef)) or any(
                    isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
                    and n.lineno <= site.lineno <= (n.end_lineno or n.lineno) for n in ast.walk(enclosing)
                ):
                    return False
                if instances is None:
                    instances = _instances_of(facts, tree, cls)
                if receiver.id not in instances:
                    return False
                reached = at_module_level(other, parsed, site, site_shown=True)
                if reached is False:
                    return False
                shown = shown or reached
        return shown

    return _DisplayReach(tree, in_function, at_module_level, callers_show, in_method, method_callers_show)


def _instances_of(facts: NotebookFacts, tree: Callable[[CellAnalysis], ast.Module | None], cls: str) -> set[str]:
    """The names every binding of which, anywhere in the notebook, is `name = cls(…)` at module
    level (`A = MarkovChain(matrix, labels)`)."""
    made: set[str] = set()
    targets: set[int] = set()
    stores: list[ast.Name] = []
    for ca in facts.cells:
        parsed = tree(ca)
        if parsed is None:
            continue
        for node in ast.walk(parsed):
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name) and node.value.func.id == cls
                    and statement_at(parsed, node.lineno) is node):
                made.add(node.targets[0].id)
                targets.add(id(node.targets[0]))
            elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                stores.append(node)
    other_bindings = {n.id for n in stores if id(n) not in targets}
    return made - other_bindings


# The draws whose arguments give their number of values, and where: every positional argument a
# dimension (`np.random.rand(5, 3)`, `torch.rand(5, 3)` or `torch.rand((5, 3))`), or the `size`
# at that position or keyword (`np.random.randint(1, 20, 5)`); a draw without one gives one value.
_SHAPE_DRAWS = frozenset({"numpy.random.rand", "numpy.random.randn", "torch.rand", "torch.randn"})
_SIZE_POSITION = {
    "numpy.random.randint": 2, "numpy.random.random": 0, "numpy.random.random_sample": 0, "numpy.random.ranf": 0,
    "numpy.random.normal": 2, "numpy.random.uniform": 2, "numpy.random.choice": 1, "numpy.random.binomial": 2,
    "numpy.random.poisson": 1, "numpy.random.exponential": 1, "random.randint": None, "random.random": None,
    "random.choice": None, "random.uniform": None, "random.randrange": None,
}
# At most this many values: an example array of a tour, not a sample to estimate from.
_FEW_VALUES = 25


def _few_values(parsed: ast.Module, node: ast.Call, qualified: str) -> bool:
    """Does the draw give at most `_FEW_VALUES` values, by literal sizes, and run once: its statement
    is a plain assignment or expression at the cell's top level, not in a loop, a comprehension or a
    function (`number = np.random.randint(1, 20, 5)`, fair check 29, item 142)?"""
    statement = statement_at(parsed, node.lineno)
    if not isinstance(statement, (ast.Assign, ast.Expr)) or any(
        isinstance(n, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)) for n in walk_nodes(statement)
    ):
        return False

    def count(value: ast.expr) -> int | None:
        if isinstance(value, ast.Constant) and type(value.value) is int and value.value >= 0:
            return value.value
        if isinstance(value, (ast.Tuple, ast.List)):
            total = 1
            for element in value.elts:
                n = count(element)
                if n is None:
                    return None
                total *= n
            return total
        return None

    if qualified in _SHAPE_DRAWS:
        if node.keywords and any(k.arg in ("size", None) for k in node.keywords):
            return False
        total = 1
        for arg in node.args:
            n = count(arg)
            if n is None:
                return False
            total *= n
        return total <= _FEW_VALUES
    if qualified not in _SIZE_POSITION:
        return False
    position = _SIZE_POSITION[qualified]
    size = next((k.value for k in node.keywords if k.arg == "size"), None)
    if size is None and position is not None and len(node.args) > position:
        size = node.args[position]
    if size is None:
        return not any(isinstance(a, ast.Starred) for a in node.args) and all(k.arg is not None for k in node.keywords)
    n = count(size)
    return n is not None and n <= _FEW_VALUES


def _call_node(ca: CellAnalysis, parsed: ast.Module, call: CallFact) -> ast.Call | None:
    """The parsed call a `CallFact` of the cell describes (its line, column and name). CPython's
    columns count UTF-8 bytes, the fact's characters: on a line with non-ASCII text before the call
    (`print("🤖 : {}".format(random.choice(response)))`, fair check 29, item 133) they are converted."""
    offsets = {call.column - 1, call.column - 1 - ca.masked.dedent}
    lines = ca.masked.python.split("\n")
    text = lines[call.line - 1] if 0 < call.line <= len(lines) else ""

    def column(node: ast.Call) -> int:
        if text.isascii():
            return node.col_offset
        try:
            return character_column(text, node.col_offset)
        except UnicodeError:  # an offset inside a character: not this line's call
            return -1

    return next((n for n in nodes_of(parsed, ast.Call) if n.lineno == call.line and column(n) in offsets
                 and (n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", None)) == call.method), None)


def _reaches_only_displays(facts: NotebookFacts, draws: Iterable[Draw], any_size: bool = False, unread: bool = False) -> frozenset[Position]:
    """Draws whose value reaches only displays (see `_ShownFlow`): `random.randint` in the
    notebook's own `show_random_elements` helper that picks rows for `display(HTML(...))`, a
    colour drawn for `ax.imshow`, a tf.data `shuffle` whose dataset only a `print` loop over
    `take(n)` consumes. A different draw changes what is shown, not what the notebook computes.
    A value a module-level function returns is followed into each of its callers, and a value
    passed to one of the notebook's module-level functions into its body (fair check 20: random
    label colours returned by `create_random_labels_map`, painted by `labels_to_image`, shown by
    `show_components`'s `imshow`); a colour list shuffled in place is followed from the shuffle.
    Layer constructions, loaders, transform objects and generation pipelines are not followed.
    `any_size`: a statistic of many drawn values (`np.cumsum(e)` of a random walk) counts as shown
    like one of a few (`_few_values`); `unread`: a value that reaches nothing (or a name left
    unread) counts too. Both for choosing which draw carries a finding (`_anchor_first`), never for
    leaving one out."""
    tree, in_function, at_module_level, callers_show, in_method, method_callers_show = _display_reach(facts)

    def iterations_shown(draw: Draw) -> bool:
        """A loader that draws when iterated (`trainloader = DataLoader(…, shuffle=True)`), bound to
        one name at module level, whose every iteration is an `iter(trainloader)` at module level
        whose batches reach only displays (`image, label = next(iter(trainloader))` for
        `helper.imshow(image[0])`): the shuffle picks which images are shown (fair check 28,
        rnd001-value-reaches-only-display: a course template whose training is a TODO). Any other
        iteration (a `for`, an argument of a call, a read in a function) keeps it."""
        ca, call = draw.ca, draw.call
        iteration = draw.iteration
        if iteration is None or iteration.ca is None or call.in_function:
            return False
        parsed = tree(ca)
        statement = statement_at(parsed, call.line) if parsed is not None else None
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
                and statement.targets[0].id == iteration.name):
            return False
        name, after = iteration.name, statement.end_lineno or statement.lineno
        word = re.compile(rf"\b{re.escape(name)}\b")
        shown = False
        for other in facts.cells:
            if other.cell.index < ca.cell.index or not word.search(other.cell.source):
                continue
            other_tree = tree(other)
            if other_tree is None or any(word.search(m.args) for m in other.magics if m.args):
                return False
            for top in other_tree.body:
                if other is ca and top.lineno <= after:
                    continue
                iterating = list(_iterating_loads(top, {name}))
                if not iterating:
                    continue
                if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    return False
                if _peek_loop(top, name) and [id(n) for n in iterating] == [id(top.iter)]:
                    # `for xb, yb in train_loader: print(xb.shape); break`: the first batch looked at,
                    # as `next(iter(train_loader))` (fair check 45, item 133: a shape peek of a loader
                    # nothing else iterates), whose values reach nothing (shapes) or only displays
                    if at_module_level(other, other_tree, top.iter, last_shows=True) is False:
                        return False
                    shown = True
                    continue
                iters = [n for n in ast.walk(top) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "iter"
                         and len(n.args) == 1 and not n.keywords and isinstance(n.args[0], ast.Name) and n.args[0].id == name]
                if {id(n) for n in iterating} != {id(n.args[0]) for n in iters}:
                    return False
                for node in iters:
                    if at_module_level(other, other_tree, node, last_shows=True) is not True:
                        return False
                    shown = True
        return shown

    def follow(draw: Draw) -> bool:
        ca, call = draw.ca, draw.call
        if draw.iteration is not None:
            return draw.library == "torch" and iterations_shown(draw)
        if _WEIGHT_INIT.match(draw.qualified) or draw.library not in ("python", "numpy", "tensorflow", "torch", "polars"):
            return False
        in_place = False
        if "." in draw.qualified:
            last = draw.qualified.rsplit(".", 1)[-1]
            if draw.qualified.startswith(("tensorflow.keras", "keras")) or last.endswith("_"):
                return False
            if last in _IN_PLACE_DRAWS:
                # `np.random.shuffle(colors)`, a statement of its own on a plain name: the name is followed.
                in_place = True
        elif draw.qualified not in _VALUE_METHOD_DRAWS and (draw.library, draw.qualified) not in _RETURNING_METHOD_DRAWS:
            return False
        parsed = tree(ca)
        if parsed is None or any(m.line == call.line for m in ca.magics):
            return False
        node = _call_node(ca, parsed, call)
        if node is None:
            return False
        if in_place:
            statement = next((st for st in ast.walk(parsed) if isinstance(st, ast.Expr) and st.value is node), None)
            if statement is None or len(node.args) != 1 or not isinstance(node.args[0], ast.Name) or node.keywords:
                return False
        if call.in_function:
            flow = in_function(ca, parsed, node, call.owner, in_place)
            method = None
            if flow is None:
                found = in_method(ca, parsed, node, call.owner, in_place)
                if found is None:
                    return False
                method, flow = found
            if flow.used:
                return False
            if flow.returned:
                further = (callers_show(call.owner, 1, set()) if method is None
                           else method_callers_show(call.owner, method, 1, set()))
                if unread:
                    return further is not False  # (reaching nothing, it is no result either)
                return further is True or (further is None and flow.shown)
            return flow.shown or unread
        value = draw.qualified.rsplit(".", 1)[-1][:1].islower()  # `df.sample`, `np.random.rand`: not a model class
        reach = at_module_level(ca, parsed, node, in_place, last_shows=value, few=any_size or _few_values(parsed, node, draw.qualified), any_size=any_size, unread=unread)
        return reach is not False if unread else reach is True

    found: set[Position] = set()
    for draw in draws:
        try:
            shown_only = follow(draw)
        except RecursionError:  # an expression nested too deep to follow: the draw stays reported
            shown_only = False
        if shown_only:
            found.add((draw.ca.cell.index, draw.call.line, draw.call.column))
    return frozenset(found)


# Embeddings made to be looked at: a 2-D or 3-D map of the points (`TSNE`, `UMAP`), and the
# projections whose only draw is a randomized solver's start (`TruncatedSVD`'s default, `PCA`'s
# `svd_solver="randomized"`/`"arpack"`): drawn as a scatter, the same top components come back to
# plotting precision and `svd_flip` fixes their signs (fair check 25, rnd002-embedding-only-plotted).
_LAYOUTS = frozenset({"TSNE", "UMAP", "TruncatedSVD", "PCA", "KMeans", "MiniBatchKMeans"})
# Methods of a clustering among `_LAYOUTS` that give its labels (fair check 27,
# rnd002-cluster-labels-only-plotted: `y_kmeans = est.predict(X)` only colours a scatter).
_CLUSTER_LABEL_METHODS = frozenset({"predict", "fit_predict"})


def _layout_only_shown(facts: NotebookFacts, ca: CellAnalysis, call: CallFact, qualified: str) -> bool:
    """A t-SNE/UMAP estimator (or a randomized SVD/PCA projection, `_LAYOUTS`) built at module
    level whose layout reaches only displays: its
    coordinates drawn (`plt.scatter(emb[:, 0], emb[:, 1])`, `sns.scatterplot(data=df, x="tsne_x", …)`,
    `jscatter.Scatter(data=df, x="tsne_x", y="tsne_y")`) and nothing computed from them (fair check
    23 and earlier ones: `rnd002-tsne-only-plotted`). A different seed draws another picture of the
    same points; no number of the notebook changes."""
    if call.in_function or qualified.rsplit(".", 1)[-1] not in _LAYOUTS:
        return False
    reach = _display_reach(facts)
    parsed = reach.tree(ca)
    if parsed is None or any(m.line == call.line for m in ca.magics):
        return False
    node = _call_node(ca, parsed, call)
    if node is None:
        return False
    try:
        return reach.at_module_level(ca, parsed, node, layout=True) is True
    except RecursionError:  # an expression nested too deep to follow: the call stays reported
        return False


def _tracker_handles(facts: NotebookFacts, tree: Any) -> frozenset[str]:
    """Module-level names bound from an experiment tracker's init (`run = neptune.init_run(…)`,
    `project = neptune.init_project(…)`, `run = wandb.init(…)`; Azure ML's `run = experiment.start_logging()`
    and `run = Run.get_context()` in a notebook importing azureml): handles whose logging calls show."""
    found = set()
    imported = {imp.top_level for _, imp in facts.imports}
    methods = frozenset().union(*(m for lib, m in _TRACKER_INIT_METHODS.items() if lib in imported))
    for ca in facts.cells:
        for st in (tree(ca) or ast.Module([], [])).body:
            if (isinstance(st, ast.Assign) and isinstance(st.value, ast.Call)
                    and (facts.resolve(dotted_name(st.value.func)) in _TRACKER_INITS
                         or (isinstance(st.value.func, ast.Attribute) and st.value.func.attr in methods))):
                found.update(t.id for t in st.targets if isinstance(t, ast.Name))
    return frozenset(found)


def _unread(facts: NotebookFacts, ca: CellAnalysis, parsed: ast.Module, start: int, names: set[str], tree: Any) -> bool:
    """Is one of `names` (module-level names bound from a draw) read nowhere after the draw's
    statement? Such a name is what the notebook computes from the draw (`subset = images[idx]`),
    not something it shows."""
    first = parsed.body[start].lineno if start < len(parsed.body) else 0
    read = {name for name, lines in _kept_global_load_lines(parsed).items() if any(line >= first for line in lines)}
    for other in facts.cells:
        if other.cell.index > ca.cell.index:
            other_tree = tree(other)
            if other_tree is not None:
                read.update(_kept_global_load_lines(other_tree))
    return bool(names - read)


def _model_never_read(ca: CellAnalysis, call: CallFact, qualified: str, others: Iterable[CellAnalysis], fitted: bool = False) -> bool:
    """`m = Model(…)` at module level (a class: a model or estimator, not an array draw), where
    nothing reads `m` again but a bare `m.fit(…)` in the same cell for a scikit-learn estimator
    (whose shown repr lists only its parameters): a library tour's model built and left. Its
    random initialisation reaches nothing the notebook computes or shows. `fitted`: only an
    estimator fitted in its cell (the tour's build-fit-show; one no later statement reads at all
    is `_estimator_never_used`'s). Searches stay: they run for a result."""
    last = qualified.rsplit(".", 1)[-1]
    if call.in_function or not last[:1].isupper() or "Search" in last:
        return False
    found = _assignment_of(ca, call)
    if found is None:
        return False
    body, index, statement = found
    if not (len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)):
        return False
    name = statement.targets[0].id
    allowed = ("fit",) if qualified.startswith("sklearn.") else ()

    def mentions(node: ast.AST) -> bool:
        return any(isinstance(n, ast.Name) and n.id == name for n in walk_nodes(node))

    fits = 0
    for st in (*body[:index], *body[index + 1:]):
        if not mentions(st):
            continue
        fits += 1
        fit = st.value if isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) else None
        if not (
            fit is not None and isinstance(fit.func, ast.Attribute) and fit.func.attr in allowed
            and isinstance(fit.func.value, ast.Name) and fit.func.value.id == name
            and not any(mentions(a) for a in (*fit.args, *(k.value for k in fit.keywords)))
        ):
            return False
    if mentions(statement.value) or any(name in _IDENTIFIER.findall(m.args) for m in ca.magics) or (fitted and not fits):
        return False
    word = re.compile(rf"\b{re.escape(name)}\b")
    return not any(other is not ca and word.search(other.cell.source) for other in others)


# Anything that could read an object's attributes without naming them: a pickle of the object, its
# `__dict__`, `vars(…)`, `getattr(…)` (`_attribute_model_only_fitted`).
_OPAQUE_READS = re.compile(r"\b(?:pickle|joblib|dill|cloudpickle|dump|dumps|vars|getattr|deepcopy|copy)\b|__dict__")


def _attribute_model_only_fitted(ctx: RuleContext, ca: CellAnalysis, call: CallFact, qualified: str) -> bool:
    """`self.tree = DecisionTreeRegressor()` in a method of the notebook's class, and nothing in the
    notebook mentions `tree` but that assignment and bare `self.tree.fit(Xe, ye)` statements: the
    fitted estimator is never read (no prediction, score or attribute of it), so its draws reach
    nothing (fair check 39, item 116: a class whose `fit` only prints the data's shapes, the class
    has no `predict`). Not when the notebook could read the object whole (`_OPAQUE_READS`: a pickle,
    `vars`, `getattr`), nor for a search (run for its result)."""
    last = qualified.rsplit(".", 1)[-1]
    if not call.in_function or not qualified.startswith("sklearn.") or not last[:1].isupper() or "Search" in last:
        return False
    tree = _parsed(ca)
    if tree is None:
        return False
    target = next((st.targets[0] for st in ast.walk(tree) if isinstance(st, ast.Assign) and len(st.targets) == 1
                   and isinstance(st.value, ast.Call) and st.value.lineno == call.line
                   and isinstance(st.targets[0], ast.Attribute) and isinstance(st.targets[0].value, ast.Name)
                   and st.targets[0].value.id == "self"), None)
    if target is None:
        return False
    attribute = target.attr
    word = re.compile(rf"\b{re.escape(attribute)}\b")
    for other in ctx.facts.cells:
        source = other.cell.source
        if not word.search(source):
            continue
        other_tree = _parsed(other)
        if other_tree is None or _OPAQUE_READS.search(source):
            return False
        parents = _parent_map(other_tree)
        allowed = 0
        for node in ast.walk(other_tree):
            if not (isinstance(node, ast.Attribute) and node.attr == attribute):
                continue
            if node is target:
                allowed += 1
                continue
            fit = parents.get(node)
            call_node = parents.get(fit)
            if not (isinstance(fit, ast.Attribute) and fit.attr == "fit" and isinstance(call_node, ast.Call)
                    and call_node.func is fit and isinstance(parents.get(call_node), ast.Expr)):
                return False
            allowed += 1
        # (every mention of the word is one of those, or a module path an import names, `sklearn.tree`:
        # not a string `'tree'`, a keyword, a local name)
        imported = sum(len(word.findall(n.module or "")) for n in ast.walk(other_tree) if isinstance(n, ast.ImportFrom))
        imported += sum(len(word.findall(a.name)) for n in ast.walk(other_tree) if isinstance(n, ast.Import)
                        for a in n.names if a.name != attribute and a.asname is None)
        if len(word.findall(source)) != allowed + imported:
            return False
    return True


# Libraries of scikit-learn-style meta-estimators whose constructors only store their arguments.
_SKLEARN_STYLE_WRAPPERS = ("mlxtend.",)


def _estimator_never_used(facts: NotebookFacts, ca: CellAnalysis, call: CallFact, qualified: str) -> bool:
    """`svm = SGDClassifier(loss="hinge")` at module level (a scikit-learn or imbalanced-learn
    class, whose construction draws nothing: its draws come from `fit` and the like), where no
    later statement uses the object: the first mention of `svm` after it, in its cell or the
    cells below, is a plain rebinding (`svm = SVC(…)`) that does not read it, or there is none
    (fair check 27: a book's aside builds three SGDClassifiers, never fitted, one name rebound
    to SVC below). Run in the notebook's order, no statement reads the estimator, so it
    never draws; the cells above ran before it. A global read in any function or class body, a
    magic naming it, or a cell below that does not parse and names it counts as a use."""
    def a_class(dotted: str, wrappers: tuple[str, ...] = ()) -> bool:
        return dotted.rsplit(".", 1)[-1][:1].isupper() and dotted.startswith(("sklearn.", "imblearn.", *wrappers))

    if call.in_function or not a_class(qualified):
        return False
    parsed = _parsed(ca)
    body = parsed.body if parsed else []
    index = statement_index_at(body, call.line)
    if index is None:
        return False
    statement = body[index]
    # The call is the whole right side, or built inside it (`boost = AdaBoostClassifier(DecisionTreeClassifier())`):
    # an estimator given to one never used is not used either.
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Call)):
        return False
    value = statement.value
    start = (value.lineno, value.col_offset + 1)
    callee = dotted_name(value.func)  # "" for `MDS(…).fit_transform(X)`: a result, not the object
    outer = qualified if start == (call.line, call.column) and callee == call.func else facts.resolve(callee)
    # mlxtend's selectors and ensembles are scikit-learn-style wrappers too: building one only keeps
    # the estimator it is given (fair check 32, item 146: `sfs2 = SFS(RandomForestClassifier(…), …)`,
    # then `sfs2 = sfs1.fit(…)` rebinds it unfitted).
    if not (a_class(outer, _SKLEARN_STYLE_WRAPPERS) and start <= (call.line, call.column) and call.end_line <= (value.end_lineno or value.lineno)):
        return False
    name = statement.targets[0].id
    word = re.compile(rf"\b{re.escape(name)}\b")

    def mentions(node: ast.AST) -> bool:
        return any(isinstance(n, ast.Name) and n.id == name for n in walk_nodes(node))

    def rebinds(st: ast.stmt) -> bool:
        return (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)
                and st.targets[0].id == name and not mentions(st.value))

    def unused_in(statements: Iterable[ast.stmt]) -> bool:
        # The first statement mentioning the name must bind it anew without reading it.
        first = next((st for st in statements if mentions(st)), None)
        return first is None or rebinds(first)

    if mentions(statement.value) or not unused_in(body[index + 1:]):
        return False
    others = facts.cells
    if any(ref.name == name for other in others for ref in other.facts.deferred_reads):
        return False  # a function reads the global: it may run later
    if any(word.search(m.args) for other in others for m in other.magics):
        return False
    if any(rebinds(st) for st in body[index + 1:]):
        return True
    for other in others:
        if other.cell.index <= ca.cell.index or not word.search(other.cell.source):
            continue  # (a cell above ran before it, in the notebook's order)
        tree = _parsed(other)
        if tree is None or not unused_in(tree.body):
            return False
        if any(rebinds(st) for st in tree.body):
            return True  # bound anew: the cells below read the new object
    return True


# What an SVC's Platt scaling (`probability=True`) does not change: the fit's own attributes and
# the predictions from its decision function.
_PLATT_FREE = frozenset({
    "fit", "predict", "decision_function", "score", "coef_", "intercept_", "support_vectors_", "support_",
    "n_support_", "dual_coef_", "classes_", "get_params",
})
_PLATT_OUTPUTS = frozenset({"predict_proba", "predict_log_proba"})
# Plot calls whose array argument only colours the background: a colour map's shading.
_SHADING = frozenset({"pcolormesh", "pcolor", "contourf", "imshow"})
# scikit-learn metrics that read scores only through their order (y_score, their second argument):
# a binary SVC's Platt probability is a decreasing sigmoid of its seed-free decision function, so
# whatever the calibration's seed, one class's column ranks the rows the same.
_RANKING_METRICS = frozenset({"roc_curve", "roc_auc_score", "precision_recall_curve", "average_precision_score"})


def _one_column_of(value: ast.expr, call: ast.AST | None) -> bool:
    """Is `value` exactly `<call>[:, k]` (or `[::, k]`), `call` being the `predict_proba(…)` call, `k`
    a literal integer: one class's probabilities."""
    return (isinstance(call, ast.Call) and isinstance(value, ast.Subscript) and value.value is call
            and isinstance(value.slice, ast.Tuple) and len(value.slice.elts) == 2
            and isinstance(value.slice.elts[0], ast.Slice)
            and all(part is None for part in (value.slice.elts[0].lower, value.slice.elts[0].upper, value.slice.elts[0].step))
            and isinstance(value.slice.elts[1], ast.Constant) and type(value.slice.elts[1].value) is int)


def _platt_probabilities_only_shaded(facts: NotebookFacts, ca: CellAnalysis, call: CallFact) -> bool:
    """`svc = svm.SVC(kernel='linear', probability=True).fit(X, y)` at module level, its name read
    only for what Platt scaling does not change (`_PLATT_FREE`: `coef_`, `predict`…) and for
    `predict_proba` whose result (and names computed from it in that cell) only shades a plot
    (`plt.pcolormesh(x1, x2, proba, cmap=…)`), no other cell reading the name or those results: the
    seed of the internal calibration changes a background colour by about a thousandth (fair check
    46, item 151, rnd002-platt-probs-only-shaded). Or whose one column
    (`probs = svm.predict_proba(X_test)[:, 1]`) is given only as the scores of a ranking metric
    (`_RANKING_METRICS`: `fpr, tpr, _ = roc_curve(y_test, probs)`): the sigmoid keeps the order of
    the decision function, so the curve and its AUC are the same for every seed (fair check 32, item
    139, rnd002-platt-probs-only-ranked). Not the whole probability matrix (a multiclass score, whose
    pairwise coupling need not keep the order)."""
    if call.in_function:
        return False
    tree = _parsed(ca)
    if tree is None:
        return False
    # The innermost statement holding the call (in a loop over `C` and `gamma`, its body's).
    statement = min((st for st in ast.walk(tree) if isinstance(st, ast.stmt) and st.lineno <= call.line <= (st.end_lineno or st.lineno)),
                    key=lambda st: (st.end_lineno or st.lineno) - st.lineno, default=None)
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)):
        return False
    name = statement.targets[0].id
    parents = _parent_map(tree)

    def enclosing(node: ast.AST) -> ast.AST | None:
        while node is not None and not isinstance(node, ast.stmt):
            node = parents.get(node)
        return node

    tainted: set[str] = set()
    columns: set[str] = set()  # (tainted names bound to one column: `predict_proba(X)[:, 1]`)
    shaded = False
    loads = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)),
                   key=lambda n: (n.lineno, n.col_offset))
    for node in loads:
        st = enclosing(node)
        if st is statement:
            continue
        if node.id == name:
            parent = parents.get(node)
            if not isinstance(parent, ast.Attribute):
                return False
            if parent.attr in _PLATT_OUTPUTS:
                if not (isinstance(st, ast.Assign) and all(isinstance(t, ast.Name) for t in st.targets)):
                    return False
                tainted |= {t.id for t in st.targets if isinstance(t, ast.Name)}
                if parent.attr == "predict_proba" and _one_column_of(st.value, parents.get(parent)):
                    columns |= {t.id for t in st.targets if isinstance(t, ast.Name)}
            elif parent.attr not in _PLATT_FREE:
                return False
        elif node.id in tainted:
            parent = parents.get(node)
            if isinstance(st, ast.Assign) and all(isinstance(t, ast.Name) and t.id in tainted for t in st.targets):
                columns -= {t.id for t in st.targets if isinstance(t, ast.Name)}  # (no longer known to be the column)
                continue  # `proba = proba.reshape(x1.shape)`
            if (isinstance(parent, ast.Call) and node in parent.args and isinstance(parent.func, ast.Attribute)
                    and parent.func.attr in _SHADING and isinstance(st, ast.Expr)):
                shaded = True
                continue
            if (node.id in columns and isinstance(parent, ast.Call) and len(parent.args) >= 2 and parent.args[1] is node
                    and facts.resolve(dotted_name(parent.func)).startswith("sklearn.metrics.")
                    and facts.resolve(dotted_name(parent.func)).rsplit(".", 1)[-1] in _RANKING_METRICS):
                shaded = True  # (what the metric returns is the same for every seed: not followed)
                continue
            return False
    if not shaded:
        return False
    # No cell below reads the model or those results before binding them anew.
    names = {name} | tainted
    for other in facts.cells:
        if other.cell.index <= ca.cell.index or not any(re.search(rf"\b{re.escape(n)}\b", other.cell.source) for n in names):
            continue
        other_tree = _parsed(other)
        if other_tree is None:
            return False
        stores: dict[str, int] = {}
        for n in ast.walk(other_tree):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id in names:
                stores[n.id] = min(stores.get(n.id, n.lineno), n.lineno)
        for n, lines in _global_load_lines(other_tree).items():
            if n in names and any(line <= stores.get(n, 0) or n not in stores for line in lines):
                return False
    return True


def _only_parameters_read(ca: CellAnalysis, call: CallFact, qualified: str) -> bool:
    """A scikit-learn-style estimator built in the literal list a comprehension iterates, alone or in
    a tuple (`[(name, est.bootstrap) for name, est in [("rf", RandomForestClassifier()), …]]`),
    whose loop name is only read for plain attributes (`est.bootstrap`, `est.max_features`: the
    constructor's parameters, never a method call nor a fitted `coef_`): a table of the classes'
    defaults. Nothing is fitted, nothing draws (fair check 40, item 150,
    rnd002-estimator-never-fitted). The comprehension's name does not outlive it."""
    if call.in_function or not qualified.rsplit(".", 1)[-1][:1].isupper() or not qualified.startswith(("sklearn.", "imblearn.")):
        return False
    parsed = _parsed(ca)
    if parsed is None:
        return False

    def is_the_call(node: ast.AST) -> bool:
        return (isinstance(node, ast.Call) and node.lineno == call.line and node.col_offset + 1 == call.column
                and dotted_name(node.func) == call.func)

    for comp in walk_nodes(parsed):
        if not isinstance(comp, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            continue
        for g, generator in enumerate(comp.generators):
            if not isinstance(generator.iter, (ast.List, ast.Tuple)):
                continue
            name = None
            for element in generator.iter.elts:
                if is_the_call(element) and isinstance(generator.target, ast.Name):
                    name = generator.target.id
                elif (isinstance(element, ast.Tuple) and isinstance(generator.target, ast.Tuple)
                        and len(element.elts) == len(generator.target.elts)):
                    name = next((t.id for e, t in zip(element.elts, generator.target.elts)
                                 if is_the_call(e) and isinstance(t, ast.Name)), None)
                if name is not None:
                    break
            if name is None:
                continue
            results = (comp.key, comp.value) if isinstance(comp, ast.DictComp) else (comp.elt,)
            parts = [*results, *generator.ifs,
                     *(p for later in comp.generators[g + 1:] for p in (later.iter, *later.ifs))]
            parents = {id(child): node for part in parts for node in walk_nodes(part) for child in ast.iter_child_nodes(node)}
            reads = [n for part in parts for n in walk_nodes(part) if isinstance(n, ast.Name) and n.id == name]
            return bool(reads) and all(
                isinstance(attribute := parents.get(id(n)), ast.Attribute) and attribute.value is n
                and not attribute.attr.startswith("_") and not attribute.attr.endswith("_")
                and not (isinstance(caller := parents.get(id(attribute)), ast.Call) and caller.func is attribute)
                for n in reads
            )
    return False


def _split_generator(ctx: RuleContext, split: Hit) -> tuple[int, int] | None:
    """The (cell, line) of the unseeded scikit-learn generator (`make_circles(…)` without
    random_state) that all the arrays a module-level `train_test_split(X, y, …)` at `split` splits
    come from, through module-level assignments top to bottom (`X = F_standardize(X)` keeps `X`
    drawn: a value made from drawn data is drawn); None otherwise (data read from a file, a name
    bound by a loop or an import in between)."""
    if split.cell is None or not split.key.endswith(".train_test_split") or not split.key.startswith("sklearn."):
        return None
    drawn: dict[str, tuple[int, int]] = {}
    arrays: list[str] = []
    makers: dict[str, tuple[int, int]] = {}  # the notebook's defs returning a generator's data: (cell, generator line)
    for ca in ctx.cells:
        tree = _parsed(ca)
        if tree is None:
            if ca.cell.index < split.cell.index:
                drawn.clear()  # a cell that does not parse may bind anything
                makers.clear()
                continue
            return None
        for statement in tree.body:
            if ca.cell is split.cell and statement.lineno <= split.line <= (statement.end_lineno or statement.lineno):
                call = next((n for n in walk_nodes(statement) if isinstance(n, ast.Call) and n.lineno == split.line
                             and dotted_name(n.func).rsplit(".", 1)[-1] == "train_test_split"), None)
                if call is None or call.keywords and any(k.arg is None for k in call.keywords):
                    return None
                # (a name, or columns of it picked by literal keys: `frame[['x_1', 'x_2']]`, `frame['output']`)
                arrays = [_column_root(a) or "" for a in call.args]
                sources = {drawn.get(a) for a in arrays}
                return sources.pop() if arrays and len(sources) == 1 and None not in sources else None
            targets = {n.id for n in walk_nodes(statement) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                # (the names its body binds are its own, but for those it declares global)
                targets = {statement.name} | {name for n in walk_nodes(statement) if isinstance(n, ast.Global) for name in n.names}
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                targets |= {(a.asname or a.name).split(".")[0] for a in statement.names}
            if not targets:
                continue
            source = None
            if isinstance(statement, ast.Assign) and all(isinstance(t, (ast.Name, ast.Tuple)) for t in statement.targets):
                value = statement.value
                if _unseeded_generator_call(ctx, value):
                    source = (ca.cell.index, value.lineno)
                elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in makers:
                    source = makers[value.func.id]  # `data = make_dataset(1500, 0.18)` (fair check 42, item 149)
                else:
                    source = next((drawn[n.id] for n in walk_nodes(value) if isinstance(n, ast.Name) and n.id in drawn), None)
            for name in targets:
                makers.pop(name, None)
                if source is None:
                    drawn.pop(name, None)
                else:
                    drawn[name] = source
            if isinstance(statement, ast.FunctionDef):
                line = _returned_generator_line(ctx, statement)
                if line is not None:
                    makers[statement.name] = (ca.cell.index, line)
        if ca.cell is split.cell:
            return None
    return None


def _unseeded_generator_call(ctx: RuleContext, value: ast.AST) -> bool:
    """`make_circles(noise=0.2)`: a scikit-learn data generator called with no random_state, or
    with `random_state=None`, and no `**options` that could hold one."""
    if not (isinstance(value, ast.Call) and ctx.facts.resolve(dotted_name(value.func)).startswith("sklearn.datasets.make_")):
        return False
    return not any(k.arg is None or (k.arg == "random_state" and not (isinstance(k.value, ast.Constant) and k.value.value is None))
                   for k in value.keywords)


def _returned_generator_line(ctx: RuleContext, function: ast.FunctionDef) -> int | None:
    """The line of the unseeded generator (`_unseeded_generator_call`) a notebook def returns, when
    every `return` of its body returns that call, or a name its body binds once, to that call
    (`data = datasets.make_moons(n_samples=n, noise=noise, random_state=None)`, `return data`);
    None otherwise."""
    body = [n for st in function.body for n in ast.walk(st)]
    if any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Yield, ast.YieldFrom)) for n in body):
        return None
    returns = [n for n in body if isinstance(n, ast.Return)]
    lines: set[int] = set()
    for ret in returns:
        value = ret.value
        if isinstance(value, ast.Name):
            stores = [n for n in body if isinstance(n, ast.Name) and n.id == value.id and isinstance(n.ctx, (ast.Store, ast.Del))]
            holder = next((n for n in body if isinstance(n, ast.Assign) and n.targets == stores), None) if len(stores) == 1 else None
            value = holder.value if holder is not None else None
        if value is None or not _unseeded_generator_call(ctx, value):
            return None
        lines.add(value.lineno)
    return lines.pop() if len(lines) == 1 else None


def _column_root(node: ast.expr) -> str | None:
    """`frame` of `frame`, `frame['y']` or `frame[['a', 'b']]` (literal keys only); None otherwise."""
    if isinstance(node, ast.Subscript):
        key = node.slice
        keys = key.elts if isinstance(key, (ast.List, ast.Tuple)) else [key]
        if not keys or not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in keys):
            return None
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _fold_splits_into_generators(ctx: RuleContext, hits: list[Hit]) -> list[Hit]:
    """A `train_test_split(X, y)` without random_state of data an unseeded generator made
    (`X, y = make_circles(noise=0.2)`, reported too): seeding the split alone fixes nothing, the
    data change on every run; the generator's seed is the root cause. The split is folded into the
    generator's finding, as a related location (fair check 40, item 149,
    rnd002-split-of-unseeded-synthetic-data)."""
    at = {(h.cell.index, h.line): i for i, h in enumerate(hits) if h.cell is not None}
    folded: dict[int, list[Hit]] = {}
    for hit in hits:
        generator = _split_generator(ctx, hit) if hit.key.endswith(".train_test_split") else None
        if generator is not None and generator in at and hits[at[generator]] is not hit:
            folded.setdefault(at[generator], []).append(hit)
    gone = {id(h) for splits in folded.values() for h in splits}
    result = []
    for i, hit in enumerate(hits):
        if id(hit) in gone:
            continue
        splits = folded.get(i)
        if splits:
            where = ", ".join(f"cell {h.cell.index} line {h.line}" for h in splits if h.cell is not None)
            hit = replace(hit, message=(f"{hit.message}; the `train_test_split(...)` of its data ({where}) has no random_state "
                                        "either, and seeding only the split would leave the data changing: one NumPy seed at the top "
                                        "(np.random.seed(SEED)) covers both, or pass random_state to both"),
                          related=(*hit.related, *((h.cell, h.line, h.column) for h in splits)))
        result.append(hit)
    return result


def _assignment_of(ca: CellAnalysis, call: CallFact) -> tuple[list[ast.stmt], int, ast.Assign] | None:
    """The cell's top-level statements, and the index and statement of the one holding `call`,
    when that statement is an assignment whose whole right side is the call (`x = f(...)`)."""
    parsed = _parsed(ca)
    body = parsed.body if parsed else []
    index = statement_index_at(body, call.line)
    if index is None:
        return None
    statement = body[index]
    if not (
        isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)
        and statement.value.lineno == call.line and dotted_name(statement.value.func) == call.func
    ):
        return None
    return body, index, statement


def _seeds_attribute(statement: ast.stmt, name: str, keywords: Iterable[str]) -> bool:
    """`rf.random_state = 42` or `rf.set_params(random_state=42)` (not None), for `name`."""
    keywords = tuple(keywords)
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        return (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == name
                and target.attr in keywords and not (isinstance(statement.value, ast.Constant) and statement.value.value is None))
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        call = statement.value
        return (isinstance(call.func, ast.Attribute) and call.func.attr == "set_params"
                and isinstance(call.func.value, ast.Name) and call.func.value.id == name
                and any(k.arg in keywords and not (isinstance(k.value, ast.Constant) and k.value.value is None) for k in call.keywords))
    return False


def _seeded_after_construction(ca: CellAnalysis, call: CallFact, keywords: Iterable[str]) -> bool:
    """`rf = RandomForestRegressor(n_estimators=100)`, then `rf.random_state = 42` (or
    `rf.set_params(random_state=42)`) in the same cell before any other use of `rf`: the estimator
    is seeded before it draws (fair check 17: three deepchem cells set the seed on the next line)."""
    found = _assignment_of(ca, call)
    if found is None:
        return False
    body, index, statement = found
    if len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name):
        return False
    name = statement.targets[0].id
    for later in body[index + 1:]:
        if _seeds_attribute(later, name, keywords):
            return True
        if any(isinstance(node, ast.Name) and node.id == name for node in ast.walk(later)):
            return False  # used (or rebound) before it is seeded
    return False


def _draw_never_read(ca: CellAnalysis, call: CallFact, cells: Iterable[CellAnalysis]) -> bool:
    """`colors = np.random.rand(50)` at module level, the draw the whole right side, and no name
    it binds read anywhere in the notebook (no other statement of its cell, no other cell, no
    magic mentions it): the draw reaches nothing (fair check 13: a tutorial's colours drawn for a
    scatter plot that then used fixed colours)."""
    if call.in_function:
        return False
    found = _assignment_of(ca, call)
    if found is None:
        return False
    body, index, statement = found
    names: set[str] = set()
    for target in statement.targets:
        elements = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
        if not all(isinstance(e, ast.Name) for e in elements):
            return False  # `df["noise"] = …`, `self.w = …`: stored into something that is read
        names.update(e.id for e in elements)
    if not names:
        return False
    words = [re.compile(rf"\b{re.escape(n)}\b") for n in names]
    for st in (*body[:index], *body[index + 1:]):
        if any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(st)):
            return False
    if any(w.search(m.args) for m in ca.magics for w in words):
        return False
    cells = list(cells)
    if any(other is not ca and any(w.search(other.cell.source) for w in words) for other in cells):
        return False
    # The notebook goes on past the draw without it (two code cells or more below): abandoned, not
    # the last step of a notebook cut short or a snippet whose reader comes next.
    return sum(1 for other in cells if other.cell.index > ca.cell.index and other.cell.source.strip()) >= _GOES_ON


def _draw_rebound_before_read(facts: NotebookFacts, draw: Draw) -> bool:
    """`img = generator.predict(np.random.randn(4, 128))` at module level, the draw the right side or
    the input of a prediction (`_INFERENCE_METHODS`, `predict…`), where nothing else in its cell
    mentions `img` and the first later module-level statement that does rebinds it from something
    else (`img = generator.predict(np.random.rand(4, 128))` in the next cell): the drawn value is
    replaced before anything reads it (fair check 45, item 143, rnd001-draw-overwritten-or-unused-in-saved-run).
    A def anywhere reading the name as a global, a magic, or a cell that does not parse keeps it."""
    call = draw.call
    if call.in_function or draw.iteration is not None or draw.path is not None:
        return False
    parsed = _parsed(draw.ca)
    if parsed is None:
        return False
    index = statement_index_at(parsed.body, call.line)
    if index is None:
        return False
    statement = parsed.body[index]
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Call)):
        return False
    name = statement.targets[0].id
    value = statement.value
    node = _call_node(draw.ca, parsed, call)
    if node is None:
        return False
    if value is not node:
        func = value.func
        if not (isinstance(func, ast.Attribute) and (func.attr in _INFERENCE_METHODS or func.attr.startswith("predict"))
                and any(a is node for a in value.args) and all(a is node or isinstance(a, ast.Constant) for a in value.args)
                and all(isinstance(k.value, ast.Constant) for k in value.keywords)):
            return False
    word = re.compile(rf"\b{re.escape(name)}\b")
    if any(isinstance(n, ast.Name) and n.id == name and n is not statement.targets[0]
           for st in (*parsed.body[:index], *parsed.body[index + 1:]) for n in ast.walk(st)):
        return False
    for other in facts.cells:
        if any(m.args and word.search(m.args) for m in other.magics):
            return False
    for other in facts.cells:
        if other.cell.index <= draw.ca.cell.index or not word.search(other.cell.source):
            continue
        other_tree = _parsed(other)
        if other_tree is None:
            return False
        for st in other_tree.body:
            if not any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(st)):
                continue
            return (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)
                    and st.targets[0].id == name and not any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(st.value))
                    and not any(isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and name not in _function_locals(d)
                                and any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(d))
                                for c in facts.cells for d in ast.walk(_parsed(c) or ast.Module([], []))))
    return False


# How many non-empty code cells below an unread draw show that the notebook went on without it.
_GOES_ON = 2


def _nested_draw_never_read(ca: CellAnalysis, call: CallFact, cells: Iterable[CellAnalysis]) -> bool:
    """`_draw_never_read` for a draw bound inside a module-level loop or block (`for n_iter in
    range(100): … dummy_img = torch.rand(32, 3, 64, 64)`, then only other values logged): no
    statement of its cell reads the name, no magic names it, no cell below mentions it, and a cell
    above reads it only at its module level (that read ran before; one in a def there may run
    later). The cell goes on past it (a statement after it in its block), or the notebook does
    (fair check 43, item 146: tensorboardX's demo loop drawing a dummy image it no longer logs)."""
    if call.in_function:
        return False
    tree = _parsed(ca)
    if tree is None:
        return False
    found: tuple[list[ast.stmt], int, ast.Assign] | None = None

    def visit(body: list[ast.stmt], nested: bool) -> None:
        nonlocal found
        for position, st in enumerate(body):
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if (nested and isinstance(st, ast.Assign) and isinstance(st.value, ast.Call) and st.value.lineno == call.line
                    and dotted_name(st.value.func) == call.func):
                found = (body, position, st)
            for field_name in ("body", "orelse", "finalbody"):
                inner = getattr(st, field_name, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    visit(inner, True)
            for handler in getattr(st, "handlers", ()):
                visit(handler.body, True)

    visit(tree.body, False)
    if found is None:
        return False
    body, index, statement = found
    if not (len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)):
        return False
    name = statement.targets[0].id
    if any(isinstance(n, ast.Name) and n.id == name and n is not statement.targets[0] for n in ast.walk(tree)):
        return False
    word = re.compile(rf"\b{re.escape(name)}\b")
    if any(word.search(m.args) for m in ca.magics):
        return False
    cells = list(cells)
    for other in cells:
        if other is ca or not word.search(other.cell.source):
            continue
        if other.cell.index > ca.cell.index or other.magics:
            return False
        above = _parsed(other)
        if above is None:
            return False
        outside: set[int] = set()
        stack: list[ast.AST] = [above]
        while stack:
            node = stack.pop()
            outside.add(id(node))
            stack.extend(c for c in ast.iter_child_nodes(node)
                         if not isinstance(c, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)))
        if any(isinstance(n, ast.Name) and n.id == name and id(n) not in outside for n in ast.walk(above)):
            return False
    return index + 1 < len(body) or sum(1 for other in cells if other.cell.index > ca.cell.index and other.cell.source.strip()) >= _GOES_ON


def _replaced(draw: Draw, loaded: frozenset[str]) -> bool:
    """A layer construction whose initial weights are replaced by loaded ones (`load_weights`,
    `weights="imagenet"`): its draw does not matter."""
    return draw.library in loaded and _WEIGHT_INIT.match(draw.qualified) is not None


# Keras layers that draw only while their model trains (a `Dropout` mask): a `predict`, or a plain
# call of the model, runs them as the identity.
_TRAINING_ONLY_DRAWS = re.compile(
    r"^(?:tensorflow\.)?keras\.layers\.(?:Dropout|SpatialDropout[123]D|GaussianNoise|GaussianDropout|AlphaDropout)$"
)
# Calls that train a Keras model (or step a training loop, or hand the model to something that
# trains it): its training-only layers draw then.
_TRAINING_METHODS = frozenset({
    "fit", "fit_generator", "train_on_batch", "train", "train_step", "search", "set_learning_phase",
    "model_to_estimator", "apply_gradients", "minimize", "gradient",
})


def _training_only_unused(ctx: RuleContext, draw: Draw, loaded: frozenset[str]) -> bool:
    """A Keras `Dropout` (or another layer that draws only in training) in a notebook that loads
    TensorFlow weights (`load_weights`, `_weights_loaded`) and whose training calls never run
    (`_never_trains`): the loaded model only predicts, and its dropout masks are never drawn (fair
    check 25, rnd001-draw-overwritten-or-unused-in-saved-run: AirSimNH's DQN loads `weights.h5` in
    the configuration its last block sets, `train = False`, and only its test episode runs)."""
    return (draw.library in loaded and _TRAINING_ONLY_DRAWS.match(draw.qualified) is not None
            and ctx.shared("randomness.never_trains", lambda: _never_trains(ctx.facts)))


# TensorFlow calls that make state a session run could change (variables, optimizers, layers, models).
_TF_STATEFUL = re.compile(r"[Vv]ariable|\.train\.|\.layers\.|keras|\.contrib\.|\.estimator\.|\.assign")


def _stateless_graph(facts: NotebookFacts) -> bool:
    """Does the notebook's TensorFlow graph hold no state: every cell parses and no call it makes
    resolves to a TensorFlow variable, optimizer, layer or model (`_TF_STATEFUL`)?"""
    for ca in facts.cells:
        tree = _parsed(ca)
        if tree is None:
            return False
        for node in nodes_of(tree, ast.Call):
            qualified = facts.resolve(dotted_name(node.func))
            if qualified.startswith("tensorflow") and _TF_STATEFUL.search(qualified):
                return False
    return True


def _never_trains(facts: NotebookFacts) -> bool:
    """No training call (`_TRAINING_METHODS`, or a call passed `training=` anything but False) of the
    notebook runs: each is in a branch that never runs (`unrun_lines`, and the run configuration's
    `_configured_off_lines`), or in a function every mention of whose name is in such a branch
    (`def learn(…): … self.net.fit(…)`, called only under `if train:` with `train` off)."""
    unrun = {index: set(lines) for index, lines in unrun_lines(facts).items()}
    for index, lines in _configured_off_lines(facts).items():
        unrun.setdefault(index, set()).update(lines)
    callers: dict[str, bool] = {}

    def only_unrun_mentions(name: str) -> bool:
        if name not in callers:
            word = re.compile(rf"\b{re.escape(name)}\b")
            definition = re.compile(rf"^\s*(?:async\s+)?def\s+{re.escape(name)}\b")
            mentions = [
                (ca.cell.index, number) for ca in facts.cells
                for number, text in enumerate(ca.cell.source.split("\n"), 1)
                if word.search(text) and not definition.match(text)
            ]
            callers[name] = bool(mentions) and all(number in unrun.get(index, ()) for index, number in mentions)
        return callers[name]

    for ca in facts.cells:
        tree = _parsed(ca)
        if tree is None:
            return False
        dead = unrun.get(ca.cell.index, set())
        for node, function in _calls_with_function(tree):
            method = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id if isinstance(node.func, ast.Name) else ""
            trains = method in _TRAINING_METHODS or any(
                k.arg == "training" and not (isinstance(k.value, ast.Constant) and k.value.value is False) for k in node.keywords
            ) or any(k.arg is None for k in node.keywords)
            if not trains or node.lineno in dead:
                continue
            if function is not None and only_unrun_mentions(function):
                continue
            return False
    return True


def _calls_with_function(tree: ast.AST, function: str | None = None) -> Iterator[tuple[ast.Call, str | None]]:
    """Each call in `tree`, with the name of the innermost def holding it (None at module level)."""
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for d in (*child.decorator_list, *child.args.defaults, *(d for d in child.args.kw_defaults if d is not None)):
                yield from _calls_with_function(d, function)
                if isinstance(d, ast.Call):
                    yield d, function
            for st in child.body:
                if isinstance(st, ast.Call):
                    yield st, child.name
                yield from _calls_with_function(st, child.name)
            continue
        if isinstance(child, ast.Call):
            yield child, function
        yield from _calls_with_function(child, function)


def _configured_off_lines(facts: NotebookFacts) -> dict[int, set[int]]:
    """By cell index, the lines a run of the notebook's configuration skips, beyond `unrun_lines`:
    (1) under `if flag:` on a module-level name bound only by plain assignments of `True`/`False`/
    `0`/`1`/`None` at the top level of one cell (a cell of alternative configurations, `train =
    True` … `train = False`: the last one is what the cells below read), nothing in that cell reading
    it, and bound no other way at module level (a function's parameter or local of that name is
    its own: an `if` where the name is local is not decided); (2) in a module-level def, under `if
    p:` on a parameter whose default is False/0/None when every mention of the def's name outside
    the lines skipped is a plain call that leaves `p` out or passes it a false literal (`def
    play_once(env, agent, train=False): … if train: agent.learn(…)`, whose `train=True` call is
    under the `if train:` that (1) turns off)."""
    unrun = unrun_lines(facts)
    trees = [(ca, cell_python_tree(ca)) for ca in facts.cells if "parameters" not in ca.cell.tags]
    if any(tree is None for _, tree in trees):
        return {}
    values: dict[str, list[tuple[int, object]]] = {}
    spoiled: set[str] = {imp.bound for _, imp in facts.imports}
    spoiled.update(t for ca in facts.cells for m in ca.magics for t in m.assigned_to)
    for ca, tree in trees:
        assert tree is not None
        plain: set[int] = set()
        for st in tree.body:
            if isinstance(st, ast.Assign) and all(isinstance(t, ast.Name) for t in st.targets):
                value = _switch_value(st)
                if value is not None:
                    for t in st.targets:
                        values.setdefault(t.id, []).append((ca.cell.index, value[1]))
                        plain.add(id(t))
        for node, scope in _module_scope_nodes(tree):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load) and id(node) not in plain:
                spoiled.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                spoiled.add(node.name)
            elif isinstance(node, ast.Global):
                spoiled.update(node.names)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                spoiled.update((a.asname or a.name).split(".")[0] for a in node.names)
    switches: dict[str, object] = {}
    for name, bound in values.items():
        cells = {index for index, _ in bound}
        if name in spoiled or len(cells) != 1:
            continue
        (index,) = cells
        ca, tree = next((ca, tree) for ca, tree in trees if ca.cell.index == index)
        if any(isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
               for node, _ in _module_scope_nodes(tree)):
            continue  # read in its own cell: which value it reads depends on where
        switches[name] = bound[-1][1]
    found: dict[int, set[int]] = {}
    for ca, tree in trees:
        assert tree is not None
        for node, local in _ifs_with_locals(tree):
            if not switches or not any(isinstance(n, ast.Name) and n.id in switches and n.id not in local for n in ast.walk(node.test)):
                continue
            truth = constant_test(_switched(node.test, {k: v for k, v in switches.items() if k not in local}))
            if truth is None:
                continue
            for st in node.orelse if truth else node.body:
                found.setdefault(ca.cell.index, set()).update(range(st.lineno, (st.end_lineno or st.lineno) + 1))
    skipped = {index: set(lines) for index, lines in unrun.items()}
    for index, lines in found.items():
        skipped.setdefault(index, set()).update(lines)
    for index, lines in lines_under_parameters_left_off(trees, skipped).items():
        found.setdefault(index, set()).update(lines)
    return found


def lines_under_parameters_left_off(trees: list[tuple[CellAnalysis, ast.Module | None]],
                                    skipped: Mapping[int, set[int]]) -> dict[int, set[int]]:
    """{cell index: lines} of the branches a module-level function's `if` never takes because every
    call leaves a flag parameter at its default (`_flags_left_off`; a parameter the body rebinds is
    not a flag). Shared with the path rules (`paths._find_parameter_off_lines`)."""
    found: dict[int, set[int]] = {}
    for ca, tree in trees:
        assert tree is not None
        for function in tree.body:
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function.decorator_list:
                continue
            off = _flags_left_off(function, trees, skipped)
            if not off:
                continue
            stored = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
            off = {k: v for k, v in off.items() if k not in stored}
            if not off:
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.If) or not any(isinstance(n, ast.Name) and n.id in off for n in ast.walk(node.test)):
                    continue
                truth = constant_test(_switched(node.test, off))
                if truth is None:
                    continue
                for st in node.orelse if truth else node.body:
                    found.setdefault(ca.cell.index, set()).update(range(st.lineno, (st.end_lineno or st.lineno) + 1))
    return found


def _flags_left_off(function: ast.FunctionDef | ast.AsyncFunctionDef, trees: list[tuple[CellAnalysis, ast.Module | None]],
                    skipped: Mapping[int, set[int]]) -> dict[str, object]:
    """The parameters of a module-level def with a False/0/None default that every call of it leaves
    off (`_configured_off_lines`), with that default; {} when its name is mentioned other than by a
    plain call (passed on, `*args`/`**kwargs`) outside the skipped lines."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    flags: dict[str, tuple[int | None, object]] = {}
    for position, (arg, default) in enumerate(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults),
                                              len(positional) - len(arguments.defaults)):
        if isinstance(default, ast.Constant) and default.value in (False, None, 0) and type(default.value) in (bool, int, type(None)):
            flags[arg.arg] = (position, default.value)
    for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
        if isinstance(default, ast.Constant) and default.value in (False, None, 0) and type(default.value) in (bool, int, type(None)):
            flags[arg.arg] = (None, default.value)
    if not flags:
        return {}
    name = function.name
    # (an attribute of that name is no mention: `plt.show()` beside the notebook's own `def show(…,
    # file=None)`, fair check 33, item 70)
    word = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
    calls: list[ast.Call] = []
    for ca, tree in trees:
        if tree is None:
            return {}
        if name not in ca.cell.source:
            continue  # no mention, no call (the defining cell names it): the walk below finds nothing
        dead = skipped.get(ca.cell.index, set())
        lines = [number for number, text in enumerate(ca.cell.source.split("\n"), 1) if word.search(text) and number not in dead]
        found = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name
                 and n.lineno not in dead]
        direct = len(found) + (1 if any(st is function for st in tree.body) else 0)
        mentions = sum(len(word.findall(ca.cell.source.split("\n")[number - 1])) for number in lines)
        if mentions != direct:
            return {}
        calls.extend(found)
    off: dict[str, object] = {}
    for flag, (position, default) in flags.items():
        def left_off(call: ast.Call) -> bool:
            if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
                return False
            given = next((k.value for k in call.keywords if k.arg == flag), None)
            if given is None and position is not None and position < len(call.args):
                given = call.args[position]
            return given is None or (isinstance(given, ast.Constant) and not given.value)
        if all(left_off(call) for call in calls):
            off[flag] = default
    return off


def _fallbacks_never_taken(facts: NotebookFacts) -> dict[int, set[int]]:
    """{cell index: lines} of a module-level def's `if p is None:` fallback (or the `else` of `if p
    is not None:`) that no call takes: `p` has a None default, the `if` is a statement of the def's
    body before which nothing rebinds `p`, and every mention of the def's name (outside the lines
    that never run) is a plain call passing `p` a value that is not None: a literal, or a name the
    call's cell bound to a literal in the last module-level statement binding it before the call
    (`start = 2.5` then `gradient_descent(f, 0.001, start=start)`, fair check 39, item 101: the
    `random.random()` start drawn only when none is given never ran). Not covered: a value of any
    other expression (a call's result may be None), a call inside a def, `*args`/`**kwargs`."""
    unrun = unrun_lines(facts)
    if not any("is None" in ca.cell.source or "is not None" in ca.cell.source for ca in facts.cells):
        return {}
    trees = [(ca, cell_python_tree(ca)) for ca in facts.cells if "parameters" not in ca.cell.tags]
    if any(tree is None for _, tree in trees):
        return {}
    skipped = {index: set(lines) for index, lines in unrun.items()}
    found: dict[int, set[int]] = {}
    for ca, tree in trees:
        assert tree is not None
        for function in tree.body:
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function.decorator_list:
                continue
            arguments = function.args
            positional = [*arguments.posonlyargs, *arguments.args]
            nones: dict[str, int | None] = {
                arg.arg: position
                for position, (arg, default) in enumerate(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults),
                                                          len(positional) - len(arguments.defaults))
                if isinstance(default, ast.Constant) and default.value is None
            }
            nones.update((arg.arg, None) for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults)
                         if isinstance(default, ast.Constant) and default.value is None)
            if not nones:
                continue
            tests: list[tuple[ast.If, str, bool]] = []  # (the if, its parameter, whether its body is the fallback)
            rebound: set[str] = set()
            for st in function.body:
                if isinstance(st, ast.If) and isinstance(st.test, ast.Compare) and len(st.test.ops) == 1:
                    left, op, right = st.test.left, st.test.ops[0], st.test.comparators[0]
                    if (isinstance(left, ast.Name) and left.id in nones and left.id not in rebound
                            and isinstance(right, ast.Constant) and right.value is None and isinstance(op, (ast.Is, ast.IsNot))):
                        tests.append((st, left.id, isinstance(op, ast.Is)))
                rebound.update(n.id for n in ast.walk(st) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load))
                rebound.update(n.names[0] for n in ast.walk(st) if isinstance(n, (ast.Global, ast.Nonlocal)))
            if not tests:
                continue
            calls = _plain_calls(function, trees, skipped)
            if not calls:
                continue
            for node, parameter, fallback_in_body in tests:
                if all(_passes_not_none(call, parameter, nones[parameter], home) for call, home in calls):
                    for st in node.body if fallback_in_body else node.orelse:
                        found.setdefault(ca.cell.index, set()).update(range(st.lineno, (st.end_lineno or st.lineno) + 1))
    return found


def _plain_calls(function: ast.FunctionDef | ast.AsyncFunctionDef, trees: list[tuple[CellAnalysis, ast.Module | None]],
                 skipped: Mapping[int, set[int]]) -> list[tuple[ast.Call, ast.Module]] | None:
    """The calls `name(…)` that reach a module-level def, with their cell's tree, when every other
    mention of its name (outside the skipped lines) is a module-level definition of it; else None
    (as `_flags_left_off` counts: a name passed on may be called any way). A notebook that defines
    the name again (the next lesson's `gradient_descent`) runs, at its top level, the def last run
    before the call; a call inside a def could reach either, so then none may be one."""
    name = function.name
    word = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
    definitions: list[tuple[int, int, ast.AST]] = []
    found: list[tuple[int, ast.Call, ast.Module, bool]] = []
    for order, (ca, tree) in enumerate(trees):
        if tree is None:
            return None
        dead = skipped.get(ca.cell.index, set())
        source = ca.cell.source.split("\n")
        own = [st for st in tree.body if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)) and st.name == name]
        definitions.extend((order, st.lineno, st) for st in own)
        top = {id(n) for st in tree.body if not isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
               for n in ast.walk(st)}
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name
                 and n.lineno not in dead]
        mentions = sum(len(word.findall(text)) for number, text in enumerate(source, 1) if number not in dead)
        if mentions != len(calls) + len(own):
            return None
        found.extend((order, call, tree, id(call) in top) for call in calls)
    chosen: list[tuple[ast.Call, ast.Module]] = []
    for order, call, tree, at_top in found:
        if not at_top:
            if len(definitions) > 1:
                return None
            chosen.append((call, tree))
            continue
        before = [d for o, line, d in definitions if (o, line) < (order, call.lineno)]
        if before and before[-1] is function:
            chosen.append((call, tree))
    return chosen


def _passes_not_none(call: ast.Call, parameter: str, position: int | None, tree: ast.Module) -> bool:
    """Does `call` pass `parameter` a value that is not None (`_fallbacks_never_taken`)?"""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return False
    given = next((k.value for k in call.keywords if k.arg == parameter), None)
    if given is None and position is not None and position < len(call.args):
        given = call.args[position]
    if given is None:
        return False

    def literal(value: ast.expr) -> bool:
        if isinstance(value, ast.UnaryOp) and isinstance(value.op, (ast.USub, ast.UAdd)):
            value = value.operand
        return (isinstance(value, ast.Constant) and value.value is not None) or isinstance(
            value, (ast.List, ast.Tuple, ast.Dict, ast.Set, ast.JoinedStr))

    if literal(given):
        return True
    if not isinstance(given, ast.Name):
        return False
    statement = statement_at(tree, call.lineno)
    if statement is None or isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return False  # (a call inside a def runs with whatever the name holds then)
    binding = None
    for st in tree.body:
        if st is statement:
            break
        if any(isinstance(n, ast.Name) and n.id == given.id and not isinstance(n.ctx, ast.Load) for n in ast.walk(st)):
            binding = st
    if binding is None and any(isinstance(n, ast.Name) and n.id == given.id and not isinstance(n.ctx, ast.Load)
                               for n in ast.walk(statement)):
        return False
    return (isinstance(binding, ast.Assign) and len(binding.targets) == 1 and isinstance(binding.targets[0], ast.Name)
            and literal(binding.value))


def _module_scope_nodes(tree: ast.AST) -> Iterator[tuple[ast.AST, None]]:
    """The nodes of a cell in its module scope: not inside a def, lambda or class body (the def or
    class itself, its decorators and defaults are)."""
    for child in ast.iter_child_nodes(tree):
        yield child, None
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for d in (*getattr(child, "decorator_list", ()), *child.args.defaults, *(d for d in child.args.kw_defaults if d is not None)):
                yield from _module_scope_nodes_of(d)
            continue
        if isinstance(child, ast.ClassDef):
            for d in (*child.decorator_list, *child.bases, *child.keywords):
                yield from _module_scope_nodes_of(d)
            continue
        yield from _module_scope_nodes(child)


def _module_scope_nodes_of(node: ast.AST) -> Iterator[tuple[ast.AST, None]]:
    yield node, None
    yield from _module_scope_nodes(node)


def _ifs_with_locals(tree: ast.AST, local: frozenset[str] = frozenset()) -> Iterator[tuple[ast.If, frozenset[str]]]:
    """Each `if` of a cell, with the names local where it is (the parameters and stored names of
    the defs and lambdas around it that do not declare them global)."""
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            a = child.args
            params = {x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs, *(v for v in (a.vararg, a.kwarg) if v))}
            stores = {n.id for n in ast.walk(child) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
            declared = {g for n in ast.walk(child) if isinstance(n, ast.Global) for g in n.names}
            yield from _ifs_with_locals(child, local | frozenset((params | stores) - declared))
            continue
        if isinstance(child, ast.If):
            yield child, local
        yield from _ifs_with_locals(child, local)


def _never_seeded(rf: RandomnessFacts, seeds: list[tuple[Moment, SeedCall]]) -> set[str]:
    """Libraries the notebook draws from but no seeding call that runs ever seeds."""
    seeded = set().union(*(seed.libraries for _, seed in seeds)) if seeds else set()
    return {d.library for d in rf.draws} - seeded


def _facts(ctx: RuleContext) -> tuple[RandomnessCatalog, RandomnessFacts]:
    return ctx.shared("randomness", lambda: _analyse(ctx))


def _timed_or_shown(ctx: RuleContext, rf: RandomnessFacts) -> frozenset[Position]:
    """Draws that only feed a timing, are only shown, or only pick what a figure shows (RND001 and
    RND003 both ask: once a notebook)."""
    return ctx.shared("randomness.timed", lambda: (
        _timing_only(ctx.facts, rf.draws) | _display_only(ctx.facts, rf.draws) | _plotted_only(ctx.facts, rf.draws)
        | _reaches_only_displays(ctx.facts, rf.draws) | _names_a_resource_only(ctx, rf.draws)
        | _property_check_inputs(ctx.facts, rf.draws) | _stopwatch_iterations(ctx.facts, rf.draws)
        | _checked_or_replaced(ctx.facts, rf.draws) | _simulated_work(ctx.facts, rf.draws)
        | _structure_only_models(ctx.facts, rf.draws) | _benchmark_only_models(ctx.facts, rf.draws)
        | _never_applied_transforms(ctx.facts, rf.draws) | _toy_frame_fillers(ctx.facts, rf.draws)
        | _timed_loop_inputs(ctx.facts, rf.draws)
    ))


def _literal_column(value: ast.expr) -> bool:
    """A column written out in a frame's dict literal: a constant (`"sample1"`), or a list or
    tuple of constants, `None`, `np.nan` and negative numbers (`[1.3, 5.6, np.nan]`)."""
    def constant(node: ast.expr) -> bool:
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            node = node.operand
        return isinstance(node, ast.Constant) or (isinstance(node, ast.Attribute) and node.attr in ("nan", "NaN", "NA", "NaT"))
    if isinstance(value, (ast.List, ast.Tuple)):
        return bool(value.elts) and all(constant(e) for e in value.elts)
    return constant(value)


def _toy_frame_fillers(facts: NotebookFacts, draws: Iterable[Draw]) -> frozenset[Position]:
    """Draws of a handful of values (`_few_values`) that fill one column of a toy frame: the value
    of a key of the dict literal given to `pd.DataFrame` (`data={"var1": [1.3, 5.6, np.nan, …],
    "var2": np.random.randint(-10, 10, 6), "experiment": ["test", "train", …]}`) whose other columns,
    two or more, are all written out (`_literal_column`). A pandas tour's example rows, there to
    show dtypes, sorting or a Parquet schema: the drawn numbers are filler (fair check 40, item 143,
    rnd001-api-tour-dummy-data)."""
    found: set[Position] = set()
    trees: dict[int, ast.Module | None] = {}
    for draw in draws:
        ca, call = draw.ca, draw.call
        if call.in_function or draw.iteration is not None or any(m.line == call.line for m in ca.magics):
            continue
        if ca.cell.index not in trees:
            trees[ca.cell.index] = _parsed(ca)
        parsed = trees[ca.cell.index]
        node = _call_node(ca, parsed, call) if parsed is not None else None
        if node is None or not _few_values(parsed, node, draw.qualified):
            continue
        statement = statement_at(parsed, node.lineno)
        for frame in ast.walk(statement):
            if not (isinstance(frame, ast.Call) and facts.resolve(dotted_name(frame.func) or "") == "pandas.DataFrame"):
                continue
            data = next((k.value for k in frame.keywords if k.arg == "data"), frame.args[0] if frame.args else None)
            if not isinstance(data, ast.Dict) or any(k is None for k in data.keys):
                continue
            columns = [v for v in data.values if v is not node]
            if len(columns) == len(data.values) - 1 and len(columns) >= 2 and all(_literal_column(v) for v in columns):
                found.add((ca.cell.index, call.line, call.column))
    return frozenset(found)


# Calls that show a model's structure, not its weights, with the position of the model argument:
# `print(model)`, `torchinfo.summary(model, …)`, `writer.add_graph(model, x)` (a method, any receiver).
_STRUCTURE_VIEWS = {"print": 0, "display": 0, "torchinfo.summary": 0, "torchsummary.summary": 0}
_STRUCTURE_VIEW_METHODS = {"add_graph": 0}
# An export whose file holds the model's graph (and weights), with the positions of the model and the
# file: kept out of the results only when the file is read by nothing but a graph view of it.
_GRAPH_EXPORTS = {"torch.onnx.export": (0, 2, "f")}
_GRAPH_FILE_VIEWS = frozenset({"add_onnx_graph"})


def _structure_only_models(facts: NotebookFacts, draws: Iterable[Draw]) -> frozenset[Position]:
    """Layer constructions in a notebook class (`self.fc = nn.Linear(3, 5)` in `__init__`) whose
    every instance is bound at module level (`model = MultipleOutput()`) and only shown as a
    structure: printed, summarised (`torchinfo.summary`), drawn as a graph (`writer.add_graph`), or
    exported with `torch.onnx.export` to a file that only a graph view reads
    (`writer.add_onnx_graph(model_filename)`). The layers' random initial weights reach no result
    the notebook computes or shows (fair check 25, rnd001-illustration-draws-unused: a Comet
    logging tour's two-Linear dummy exported only to show its graph). A class mentioned in any
    other way (subclassed, passed on), an instance read in any other way (called, trained,
    saved), or an exported file read by anything else keeps the draws."""
    found: set[Position] = set()
    judged: dict[tuple[int, str], bool] = {}
    for draw in draws:
        ca, call = draw.ca, draw.call
        if _WEIGHT_INIT.match(draw.qualified) is not None and not call.in_function and _in_sequential_only_shown(facts, ca, call):
            found.add((ca.cell.index, call.line, call.column))
            continue
        if not (call.in_function and call.owner) or _WEIGHT_INIT.match(draw.qualified) is None:
            continue
        key = (ca.cell.index, call.owner)
        if key not in judged:
            judged[key] = _only_structure_shown(facts, ca, call.owner)
        if judged[key]:
            found.add((ca.cell.index, call.line, call.column))
    return frozenset(found)


# Containers whose call builds a model from the layers passed to it: `net2 = torch.nn.Sequential(…)`.
_SEQUENTIAL_CONTAINERS = frozenset({"torch.nn.Sequential"})


def _in_sequential_only_shown(facts: NotebookFacts, ca: CellAnalysis, call: CallFact) -> bool:
    """A layer built inside `net = torch.nn.Sequential(…)`, a module-level assignment of the
    notebook's only binding of `net` down to the next plain `net = …` below it that reads no `net`
    (`_next_plain_rebinding`; other bindings keep the draws), whose every other mention above that
    rebinding is a structure view (`print(net)`,
    `net` alone, `torchinfo.summary(net)`; comments naming it are no mention, `print(net2)  # net2
    architecture`; a cell that does not parse and names it keeps the draws): its random weights reach nothing shown (fair check 31,
    item 152: `net2 = torch.nn.Sequential(Linear, ReLU, Linear)` only printed beside the notebook
    class's `net1`, which `_only_structure_shown` already exempted). Not a Keras `Sequential`
    (`model.summary()` is a method call, not followed here), nor a graph export."""
    tree = _parsed(ca)
    if tree is None:
        return False
    statement = statement_at(tree, call.line)
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Call)
            and facts.resolve(dotted_name(statement.value.func)) in _SEQUENTIAL_CONTAINERS):
        return False
    name = statement.targets[0].id
    word = re.compile(rf"\b{re.escape(name)}\b")
    rebound = _next_plain_rebinding(facts, ca, statement, name)
    views = 0
    for position, other in enumerate(facts.cells):
        if rebound is not None and position > rebound[0]:
            break  # below the rebinding: the name is another model there
        other_tree = _parsed(other)
        if other_tree is None:
            if word.search(other.cell.source):
                return False
            continue
        parents = _parent_map(other_tree)
        for node in ast.walk(other_tree):
            if not (isinstance(node, ast.Name) and node.id == name):
                continue
            if rebound is not None and position == rebound[0] and node.lineno >= rebound[1]:
                continue
            if not isinstance(node.ctx, ast.Load):
                if other is ca and parents.get(node) is statement:
                    continue
                return False
            parent = parents.get(node)
            views += 1
            if isinstance(parent, ast.Expr):
                continue
            if not isinstance(parent, ast.Call) or node not in parent.args:
                return False
            if _STRUCTURE_VIEWS.get(facts.resolve(dotted_name(parent.func))) != parent.args.index(node):
                return False
    return views > 0


def _next_plain_rebinding(facts: NotebookFacts, ca: CellAnalysis, statement: ast.stmt, name: str) -> tuple[int, int] | None:
    """(position among the cells, line) of the next module-level `name = …` below `statement` (of
    `ca`, a module-level statement) that reads nothing of `name`, in page order: from there on the
    name is another value (fair check 50, item 146: a `nn.Sequential` only printed, then `model =
    PrimeClassifier()` trained). None when there is none, or a cell between does not parse."""
    start = next((i for i, other in enumerate(facts.cells) if other is ca), None)
    if start is None:
        return None
    for position in range(start, len(facts.cells)):
        tree = _parsed(facts.cells[position])
        if tree is None:
            return None
        for st in tree.body:
            if position == start and st.lineno <= statement.lineno:
                continue
            if (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)
                    and st.targets[0].id == name
                    and not any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(st.value))):
                return position, st.lineno
    return None


def _only_structure_shown(facts: NotebookFacts, ca: CellAnalysis, name: str) -> bool:
    """Is the module-level class `name` of the cell built only into instances shown as structures
    (`_structure_only_models`)?"""
    parsed = _parsed(ca)
    if parsed is None or not any(isinstance(st, ast.ClassDef) and st.name == name for st in parsed.body):
        return False
    trees = [(other, _parsed(other)) for other in facts.cells]
    if any(tree is None and re.search(rf"\b{re.escape(name)}\b", other.cell.source) for other, tree in trees):
        return False
    word = re.compile(rf"\b{re.escape(name)}\b")
    instances: set[str] = set()
    for other, tree in trees:
        if tree is None:
            continue
        texts = sum(len(word.findall(line)) for line in other.lines)
        seen = 0
        for st in tree.body:
            if isinstance(st, ast.ClassDef) and st.name == name:
                seen += 1  # (its own `super(Name, self)` mentions are counted below)
                seen += sum(1 for n in ast.walk(st) if isinstance(n, ast.Name) and n.id == name)
            elif (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)
                  and isinstance(st.value, ast.Call) and isinstance(st.value.func, ast.Name) and st.value.func.id == name):
                instances.add(st.targets[0].id)
                seen += 1
        if seen != texts:
            return False  # mentioned another way: subclassed, passed on, in a string or a comment
    if not instances:
        return False
    files: set[str] = set()
    views = 0
    idle = 0  # instances given only to an optimizer nothing steps
    for other, tree in trees:
        if tree is None:
            continue
        parents = _parent_map(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Name) and node.id in instances):
                continue
            if not isinstance(node.ctx, ast.Load):
                parent = parents.get(node)
                if isinstance(parent, ast.Assign) and isinstance(parent.value, ast.Call) and isinstance(parent.value.func, ast.Name) \
                        and parent.value.func.id == name:
                    continue
                return False
            parent = parents.get(node)
            if _idle_optimizer_of(facts, trees, parents, node):
                idle += 1
                continue  # `optimizer = torch.optim.Adam(model.parameters())`, never stepped: not a use
            views += 1
            if isinstance(parent, ast.Expr):
                continue  # `model` alone: its repr, the layers' structure
            if not isinstance(parent, ast.Call) or node not in parent.args:
                return False
            position = parent.args.index(node)
            callee = facts.resolve(dotted_name(parent.func))
            method = parent.func.attr if isinstance(parent.func, ast.Attribute) else ""
            if _STRUCTURE_VIEWS.get(callee) == position or _STRUCTURE_VIEW_METHODS.get(method) == position:
                continue
            export = _GRAPH_EXPORTS.get(callee)
            if export is None or export[0] != position:
                return False
            target = next((k.value for k in parent.keywords if k.arg == export[2]), None)
            if target is None and len(parent.args) > export[1]:
                target = parent.args[export[1]]
            if not isinstance(target, ast.Name):
                return False
            files.add(target.id)
    if not views and not idle:
        return False  # built and left: not shown at all (RND002's and `_model_never_read`'s case)
    for file in files:
        reads = 0
        for other, tree in trees:
            if tree is None:
                continue
            parents = _parent_map(tree)
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Name) and node.id == file and isinstance(node.ctx, ast.Load)):
                    continue
                parent = parents.get(node)
                if isinstance(parent, ast.Call) and parent.args and parent.args[0] is node and isinstance(parent.func, ast.Attribute) \
                        and parent.func.attr in _GRAPH_FILE_VIEWS:
                    reads += 1
                    continue
                if isinstance(parent, ast.Call) and facts.resolve(dotted_name(parent.func)) in _GRAPH_EXPORTS:
                    continue  # the export writing it
                return False
        if not reads:
            return False  # written and never viewed: an exported model to keep
    return True


def _idle_optimizer_of(facts: NotebookFacts, trees: list[tuple[CellAnalysis, ast.Module | None]],
                       parents: Mapping[ast.AST, ast.AST], node: ast.Name) -> bool:
    """Is `node` the model of `optimizer = torch.optim.Adam(model.parameters(), …)`, a module-level
    assignment of a name no other text of the notebook mentions? The optimizer is built and never
    stepped: the model's random initial weights reach nothing (fair check 43, item 148: a book's
    three code cells build `model = Architecture1(10, 20, 2)` only to show passing weight_decay)."""
    attribute = parents.get(node)
    call = parents.get(attribute) if isinstance(attribute, ast.Attribute) and attribute.attr == "parameters" else None
    optimizer = parents.get(call) if isinstance(call, ast.Call) and not call.args and not call.keywords else None
    if not (isinstance(optimizer, ast.Call) and optimizer.args and optimizer.args[0] is call
            and facts.resolve(dotted_name(optimizer.func)).startswith("torch.optim.")):
        return False
    statement = parents.get(optimizer)
    if not (isinstance(statement, ast.Assign) and statement.value is optimizer and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name) and isinstance(parents.get(statement), ast.Module)):
        return False
    name = statement.targets[0].id
    word = re.compile(rf"\b{re.escape(name)}\b")
    if any((tree is None or any(name in _IDENTIFIER.findall(m.args) for m in other.magics)) and word.search(other.cell.source)
           for other, tree in trees):
        return False  # (a cell that does not parse, or a magic, naming it)
    return sum(1 for _, tree in trees if tree is not None for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name) == 1


# Pure builtins a simulated task may call beside its pause and its draws (`range(random.randint(1, 10))`).
_SIMULATION_BUILTINS = frozenset({"range", "len", "int", "float", "round", "abs", "min", "max", "sum", "list", "str"})


def _simulated_work(facts: NotebookFacts, draws: Iterable[Draw]) -> frozenset[Position]:
    """Draws in a module-level function that stands for work: its body only pauses (`time.sleep(…)`,
    at least once), binds local names and returns, and it calls nothing but the pause, its draws and
    pure builtins (`def parse_file(fn): time.sleep(random.random()); return [random.random() for _ in
    range(random.randint(1, 10))]`). The pause is the tell: the function pretends to take time, and
    what it returns is a placeholder for a real task's output (fair check 26,
    rnd001-draw-only-feeds-timing: dask's evolving-workflows times three schedulers on such tasks).
    A function that also reads, sends or computes anything with another call (a rate-limited API
    sampler: `time.sleep(1); return random.sample(client.fetch(), 5)`) is no such stand-in."""
    found: set[Position] = set()
    judged: dict[tuple[int, str], bool] = {}
    positions = {(d.ca.cell.index, d.call.line, d.call.column) for d in draws}
    for draw in draws:
        ca, call = draw.ca, draw.call
        if not (call.in_function and call.owner):
            continue
        key = (ca.cell.index, call.owner)
        if key not in judged:
            judged[key] = _stands_for_work(facts, ca, call.owner, positions)
        if judged[key]:
            found.add((ca.cell.index, call.line, call.column))
    return frozenset(found)


def _stands_for_work(facts: NotebookFacts, ca: CellAnalysis, name: str, draws: set[Position]) -> bool:
    """Is the module-level def `name` of the cell a simulated task (`_simulated_work`)?"""
    parsed = _parsed(ca)
    function = next((st for st in (parsed.body if parsed else ()) if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and st.name == name), None)
    if function is None:
        return False
    body = list(function.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]  # the docstring
    pauses = 0
    for st in body:
        if isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and facts.resolve(dotted_name(st.value.func)) in _PAUSES:
            pauses += 1
        elif not (isinstance(st, ast.Return) or (
            isinstance(st, ast.Assign) and all(isinstance(t, ast.Name) for t in st.targets)
        )):
            return False
    if not pauses:
        return False
    for node in ast.walk(function):
        if isinstance(node, (ast.Await, ast.Yield, ast.YieldFrom, ast.Global, ast.Nonlocal, ast.NamedExpr)):
            return False
        if not isinstance(node, ast.Call) or any(node is d for d in function.decorator_list):
            continue
        if (ca.cell.index, node.lineno, node.col_offset + 1) in draws:
            continue
        callee = dotted_name(node.func)
        if facts.resolve(callee) in _PAUSES or (callee in _SIMULATION_BUILTINS and not facts.definers(callee)):
            continue
        return False
    return True


# Clock reads that start or stop a stopwatch (`start = time.time()` … `time.time() - start`).
_CLOCKS = frozenset({
    "time.time", "time.time_ns", "time.perf_counter", "time.perf_counter_ns", "time.monotonic", "time.process_time",
    "timeit.default_timer",
})


def _clock_names(facts: NotebookFacts, trees: list[ast.Module | None]) -> frozenset[str]:
    """Names bound at module level to a function or lambda that returns a clock read
    (`current_milli_time = lambda: int(round(time.time() * 1000))`)."""
    names: set[str] = set()
    for tree in trees:
        for st in tree.body if tree is not None else ():
            body: ast.AST | None = None
            if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) and isinstance(st.value, ast.Lambda):
                name, body = st.targets[0].id, st.value.body
            elif isinstance(st, ast.FunctionDef) and len(st.body) == 1 and isinstance(st.body[0], ast.Return):
                name, body = st.name, st.body[0].value
            if body is not None and any(facts.resolve(dotted_name(n.func)) in _CLOCKS for n in nodes_of(body, ast.Call)):
                names.add(name)
    return frozenset(names)


def _timed_loop_inputs(facts: NotebookFacts, draws: Iterable[Draw]) -> frozenset[Position]:
    """Draws that make the inputs of a call timed by hand in a module-level loop: `pesos =
    np.random.randn(k)` (and names computed from it earlier in the loop body) read only as arguments
    of calls whose results are thrown away, between `start = <clock>()` and `<clock>() - start` in
    the same body, and by no statement outside the loop but one of a top-level statement that binds
    the name anew first. Only the run times are kept, which vary from run to run anyway (fair check
    46, item 144: a knapsack solver timed on random instances of growing size)."""
    draws = [d for d in draws if not d.call.in_function]
    if not draws:
        return frozenset()
    trees = {ca.cell.index: _parsed(ca) for ca in facts.cells}
    clock_names = _clock_names(facts, list(trees.values()))

    def clock_call(node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and (
            facts.resolve(dotted_name(node.func)) in _CLOCKS or (isinstance(node.func, ast.Name) and node.func.id in clock_names))

    def loads(node: ast.AST, names: set[str]) -> bool:
        return any(isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in names for n in ast.walk(node))

    found: set[Position] = set()
    for draw in draws:
        tree = trees.get(draw.ca.cell.index)
        if tree is None:
            continue
        top = statement_at(tree, draw.call.line)
        loop = top
        while isinstance(loop, (ast.For, ast.While)):
            at = statement_index_at(loop.body, draw.call.line)
            inner = loop.body[at] if at is not None else None
            if not isinstance(inner, (ast.For, ast.While)):
                break
            loop = inner
        if not isinstance(loop, (ast.For, ast.While)) or loop.orelse:
            continue
        body = loop.body
        index = statement_index_at(body, draw.call.line)
        statement = body[index] if index is not None else None
        if not (isinstance(statement, ast.Assign) and all(isinstance(t, ast.Name) for t in statement.targets)):
            continue
        # The windows timed by hand: `start = <clock>()` … `<clock>() - start`, one or more.
        windows: list[tuple[int, int]] = []
        for start, st in enumerate(body):
            if not (start > index and isinstance(st, ast.Assign) and len(st.targets) == 1
                    and isinstance(st.targets[0], ast.Name) and clock_call(st.value)):
                continue
            mark = st.targets[0].id
            stop = next((i for i, later in enumerate(body) if i > start and any(
                isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub) and clock_call(n.left)
                and isinstance(n.right, ast.Name) and n.right.id == mark for n in ast.walk(later))), None)
            if stop is not None and stop > start + 1:
                windows.append((start, stop))
        if not windows:
            continue
        first = min(start for start, _ in windows)
        tainted = {t.id for t in statement.targets if isinstance(t, ast.Name)}
        ok = True
        for i, st in enumerate(body):
            if i == index or not loads(st, tainted):
                continue
            if i < first and isinstance(st, ast.Assign) and all(isinstance(t, ast.Name) for t in st.targets):
                tainted |= {t.id for t in st.targets if isinstance(t, ast.Name)}
            elif not (any(a < i < b for a, b in windows) and isinstance(st, ast.Expr) and isinstance(st.value, ast.Call)):
                ok = False
                break
        if not ok:
            continue
        # No statement below the loop reads them, but after its own cell binds them anew (the same
        # benchmark on another solver, drawing its own instances).
        end = top.end_lineno or top.lineno
        for ca in facts.cells:
            if ca.cell.index < draw.ca.cell.index:
                continue
            other_tree = trees.get(ca.cell.index)
            if other_tree is None:
                if any(re.search(rf"\b{re.escape(n)}\b", ca.cell.source) for n in tainted):
                    ok = False
                    break
                continue
            after = (lambda line: line > end) if ca.cell.index == draw.ca.cell.index else (lambda line: True)
            stores: dict[str, list[int]] = {}
            for n in ast.walk(other_tree):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id in tainted and after(n.lineno):
                    stores.setdefault(n.id, []).append(n.lineno)
            if any(after(line) and not any(w < line for w in stores.get(name, ()))
                   for name, lines in _global_load_lines(other_tree).items() if name in tainted for line in lines):
                ok = False
                break
        if ok:
            found.add((draw.ca.cell.index, draw.call.line, draw.call.column))
    return frozenset(found)


def _stopwatch_iterations(facts: NotebookFacts, draws: Iterable[Draw]) -> frozenset[Position]:
    """Shuffling loaders whose only iteration in the notebook is a module-level `for` that throws
    every batch away (`for X, y in train_iter: continue`) between two clock reads of its cell, the
    loop's names read by nothing after it: the loop times how fast the loader reads, and the order
    it shuffles into reaches only that time (fair check 19: d2l's Fashion-MNIST loading benchmark)."""
    found: set[Position] = set()
    for draw in draws:
        iteration = draw.iteration
        if iteration is None or iteration.ca is None or iteration.moment is None:
            continue
        tree = _parsed(iteration.ca)
        if tree is None:
            continue
        loop = next((st for st in tree.body if isinstance(st, ast.For) and isinstance(st.iter, ast.Name)
                     and st.iter.id == iteration.name and st.iter.lineno == iteration.line), None)
        if loop is None or loop.orelse or not all(
            isinstance(st, (ast.Pass, ast.Continue)) or (isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant))
            for st in loop.body
        ):
            continue
        end = loop.end_lineno or loop.lineno
        clocks = [n.lineno for n in nodes_of(tree, ast.Call) if facts.resolve(dotted_name(n.func)) in _CLOCKS]
        if not (any(line < loop.lineno for line in clocks) and any(line > end for line in clocks)):
            continue
        targets = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
        if any(isinstance(n, ast.Name) and n.id in targets and n.lineno > end for n in ast.walk(tree)):
            continue
        later = [other for other in facts.cells if other.cell.index > iteration.ca.cell.index]
        words = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in sorted(targets | {iteration.name})) + r")\b")
        if any(words.search(other.cell.source) for other in later):
            continue  # a batch, or the loader, read again (or a cell that may)
        iterations = 0
        for other in facts.cells:
            if other.cell.index < draw.ca.cell.index or other.cell.index > iteration.ca.cell.index:
                continue
            parsed = tree if other is iteration.ca else _parsed(other)
            if parsed is None:
                iterations += 2 if words.search(other.cell.source) else 0
                continue
            for top in parsed.body:
                if other is draw.ca and top.lineno <= draw.call.line:
                    continue
                iterations += sum(1 for _ in _iterating_loads(top, {iteration.name}))
        if iterations == 1:
            found.add((draw.ca.cell.index, draw.call.line, draw.call.column))
    return frozenset(found)


_LOADERS = frozenset({"torch.utils.data.DataLoader", "torch.utils.data.dataloader.DataLoader"})
# Attributes of a torchvision dataset or a DataLoader that describe it without loading a sample.
_DATA_METADATA = frozenset({"classes", "class_to_idx", "targets", "samples", "imgs", "root", "batch_size", "num_workers"})


def _never_applied_transforms(facts: NotebookFacts, draws: Iterable[Draw]) -> frozenset[Position]:
    """Random augmentations (`transforms.RandomRotation(30)` in `train_transforms = Compose([…])`)
    that draw only when applied, whose transform is only given to datasets (`ImageFolder(…,
    transform=train_transforms)`) that are only given to DataLoaders that nothing reads after
    they are made (before a plain rebinding of the name, and but for reads that only show, count or
    describe them: fair check 38, item 131): no image is ever loaded through them, so they draw nothing (fair check 28: a
    solution notebook's `trainloader`, left for the reader's optional TODO while its display cell
    iterates the test loader). A transform, dataset or loader read any other way keeps the draw."""
    found: set[Position] = set()
    cells = [(ca, _parsed(ca)) for ca in facts.cells]

    def reads_after(name: str, cell: int, line: int) -> list[tuple[ast.Module, int]] | None:
        """(tree, line) of every module-level statement after (cell, line) that reads `name`; None
        when a cell that does not parse, a magic or a function body may read it."""
        word = re.compile(rf"\b{re.escape(name)}\b")
        found_reads: list[tuple[ast.Module, int]] = []
        for other, tree in cells:
            if other.cell.index < cell or not word.search(other.cell.source):
                continue
            if tree is None:
                if name in _code_words(other.cell.source):
                    return None
                continue
            if any(m.args and name in _IDENTIFIER.findall(m.args) for m in other.magics):
                return None
            for st in tree.body:
                if other.cell.index == cell and st.lineno <= line:
                    continue
                if _rebinds_alone(st, {name}):
                    return found_reads  # bound anew: the reads below are the new object's (fair check 38, item 131)
                if any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) for n in ast.walk(st)):
                    if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        return None
                    if inert(st, name):
                        continue
                    found_reads.append((tree, st.lineno))
        return found_reads

    def inert(st: ast.stmt, name: str) -> bool:
        """A statement that reads `name` only to show it, count it or read its metadata
        (`train_dataloader, test_dataloader`, `len(train_dataloader)`, `class_names =
        train_data.classes`): no sample is loaded, no transform applied (fair check 38, item 131)."""
        if _displays_object(st, {name}):
            return True
        parents = _parent_map(st)
        for n in ast.walk(st):
            if not (isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)):
                continue
            parent = parents.get(n)
            if isinstance(parent, ast.Attribute) and parent.attr in _DATA_METADATA and not isinstance(parents.get(parent), ast.Call):
                continue
            if (isinstance(parent, ast.Call) and n in parent.args and isinstance(parent.func, ast.Name)
                    and parent.func.id in ("len", "print", "type", "repr", "str", "display")):
                continue
            return False
        return True

    def passed_to(name: str, cell: int, line: int, loader: bool) -> list[tuple[str, int, int]] | None:
        """The names bound by `x = f(…, name, …)` statements, each read of `name` after (cell, line)
        being one (a DataLoader's first argument when `loader`, a dataset's `transform=` otherwise)."""
        reads = reads_after(name, cell, line)
        if reads is None:
            return None
        out: list[tuple[str, int, int]] = []
        for tree, lineno in reads:
            st = statement_at(tree, lineno)
            if not (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)
                    and isinstance(st.value, ast.Call)):
                return None
            call = st.value
            if loader:
                ok = (facts.resolve(dotted_name(call.func)) in _LOADERS and call.args and isinstance(call.args[0], ast.Name)
                      and call.args[0].id == name)
            else:
                ok = any(k.arg == "transform" and isinstance(k.value, ast.Name) and k.value.id == name for k in call.keywords)
            others = [n for n in ast.walk(call) if isinstance(n, ast.Name) and n.id == name]
            if not ok or len(others) != 1:
                return None
            index = next(ca.cell.index for ca, t in cells if t is tree)
            out.append((st.targets[0].id, index, st.end_lineno or st.lineno))
        return out

    for draw in draws:
        ca, call = draw.ca, draw.call
        if call.in_function or draw.iteration is not None or ".transforms." not in f".{draw.qualified}" \
                or not draw.qualified.rsplit(".", 1)[-1].startswith("Random"):
            continue
        parsed = _parsed(ca)
        statement = statement_at(parsed, call.line) if parsed is not None else None
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)):
            continue
        datasets = passed_to(statement.targets[0].id, ca.cell.index, statement.end_lineno or statement.lineno, loader=False)
        if not datasets:
            continue
        loaders = [passed_to(name, cell, line, loader=True) for name, cell, line in datasets]
        if any(not found_loaders for found_loaders in loaders):
            continue
        if all(reads_after(name, cell, line) == [] for found_loaders in loaders for name, cell, line in found_loaders):
            found.add((ca.cell.index, call.line, call.column))
    return frozenset(found)


# Calls that leave a value somewhere (a file, a log): a cell making one is no benchmark that only shows times.
_KEEPS = re.compile(r"(?:save|dump|write|export|log|to_csv|to_pickle|to_json|savefig|upload|push)", re.I)


def _benchmark_cell(facts: NotebookFacts, ca: CellAnalysis) -> bool:
    """A cell that only times work: it reads a clock, everything it prints is computed from clock
    readings (and the items of a loop over literals: `for device in ['cpu', 'cuda']`), its last
    statement shows no value, it keeps nothing (no file, no log), and no later cell reads a name it
    binds or changes (fair check 28, rnd001-draw-only-feeds-timing: a course's "time four batches
    on CPU and GPU" cell)."""
    f = ca.facts
    parsed = _parsed(ca)
    if parsed is None or ca.magics or f.functions or f.classes or f.globals_declared or not parsed.body:
        return False
    calls = list(nodes_of(parsed, ast.Call))
    if not any(facts.resolve(dotted_name(c.func)) in _CLOCKS for c in calls):
        return False
    if any(_KEEPS.search(_called_name(c)) for c in calls):
        return False
    last = parsed.body[-1]
    if isinstance(last, ast.Expr) and not (isinstance(last.value, ast.Call) and dotted_name(last.value.func) in ("print", "display")):
        return False
    clocked: set[str] = set()
    literal_items: set[str] = set()
    for node in ast.walk(parsed):
        if isinstance(node, ast.Assign) and any(isinstance(c, ast.Call) and facts.resolve(dotted_name(c.func)) in _CLOCKS
                                                for c in ast.walk(node.value)):
            clocked.update(n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name))
        if isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.iter, (ast.List, ast.Tuple)) and all(
                isinstance(e, ast.Constant) for e in node.iter.elts):
            literal_items.update(n.id for n in ast.walk(node.target) if isinstance(n, ast.Name))
    shown = False
    for c in calls:
        if dotted_name(c.func) not in ("print", "display"):
            continue
        names = {n.id for a in (*c.args, *(k.value for k in c.keywords)) for n in ast.walk(a)
                 if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        if names - clocked - literal_items - set(facts.aliases):
            return False
        shown = shown or bool(names & clocked) or any(facts.resolve(dotted_name(n.func)) in _CLOCKS for a in c.args
                                                      for n in ast.walk(a) if isinstance(n, ast.Call))
    if not shown:
        return False
    written = {d.name for d in f.defined} | {m.name for m in f.mutated}
    for other in facts.cells:
        if other.cell.index <= ca.cell.index:
            continue
        words = ({r.name for r in (*other.facts.reads, *other.facts.deferred_reads)} if _parsed(other) is not None
                 else _code_words(other.cell.source))
        if written & words or any(written & set(_IDENTIFIER.findall(m.args)) for m in other.magics if m.args):
            return False
    return True


def _benchmark_only_models(facts: NotebookFacts, draws: Iterable[Draw]) -> frozenset[Position]:
    """Draws at module level whose value (the name the statement binds, and an object it is then
    stored into as an attribute in the same cell: `model.classifier = classifier`) no later cell
    reads but cells that only time work (`_benchmark_cell`): the weights drawn reach only the
    seconds per batch printed, which vary from run to run anyway (fair check 28,
    rnd001-draw-only-feeds-timing: a transfer-learning exercise's new classifier, used only by
    its CPU/GPU timing loop, its training left to the reader)."""
    found: set[Position] = set()
    if not any(facts.resolve(c.func) in _CLOCKS for ca in facts.cells for c in ca.facts.calls if c.func):
        return frozenset()  # no clock read anywhere: no cell times anything
    benchmarks: dict[int, bool] = {}
    cell_words: dict[int, set[str]] = {}  # per cell: the names it reads (its code words when it does not parse)
    for draw in draws:
        ca, call = draw.ca, draw.call
        if call.in_function or draw.iteration is not None:
            continue
        parsed = _parsed(ca)
        statement = statement_at(parsed, call.line) if parsed is not None else None
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)):
            continue
        values = {statement.targets[0].id}
        kept = True
        for later in parsed.body:
            if later.lineno <= (statement.end_lineno or statement.lineno):
                continue
            loads = {n.id for n in ast.walk(later) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
            if not loads & values:
                continue
            if (isinstance(later, ast.Assign) and len(later.targets) == 1 and isinstance(later.targets[0], ast.Attribute)
                    and isinstance(later.targets[0].value, ast.Name) and isinstance(later.value, ast.Name) and later.value.id in values):
                values.add(later.targets[0].value.id)  # `model.classifier = classifier`
                continue
            kept = False
            break
        if not kept:
            continue
        readers = []
        for other in facts.cells:
            if other.cell.index <= ca.cell.index:
                continue
            words = cell_words.get(other.cell.index)
            if words is None:
                words = cell_words[other.cell.index] = (
                    ({r.name for r in (*other.facts.reads, *other.facts.deferred_reads)} if _parsed(other) is not None
                     else set(_code_words(other.cell.source)))
                    | {w for m in other.magics if m.args for w in _IDENTIFIER.findall(m.args)})
            if values & words:
                readers.append(other)
        if not readers:
            continue
        for r in readers:
            if r.cell.index not in benchmarks:
                benchmarks[r.cell.index] = _benchmark_cell(facts, r)
        if all(benchmarks[r.cell.index] for r in readers):
            found.add((ca.cell.index, call.line, call.column))
    return frozenset(found)


def _property_check_inputs(facts: NotebookFacts, draws: Iterable[Draw]) -> frozenset[Position]:
    """Draws that are the random inputs of a property check: a module-level loop whose body only
    binds plain names and asserts (`y = np.random.normal(…)`, `mine = ce(y)`, `assert
    np.allclose(mine, reference(y))`), none of those names read outside the loop. The check
    passes for every input or stops the notebook; no value leaves the loop (fair check 14,
    rnd001-random-inputs-of-property-check: a homework's 1000 random shapes testing a loss)."""
    found: set[Position] = set()
    loops: dict[tuple[int, int], bool] = {}
    for draw in draws:
        ca, call = draw.ca, draw.call
        if call.in_function:
            continue
        parsed = _parsed(ca)
        if parsed is None:
            continue
        loop = statement_at(parsed, call.line)
        if isinstance(loop, ast.Assign):
            # A straight-line check cell (fair check 18, albumentations: a random image fed to a
            # transform and its reloaded copy, then `assert np.allclose(a, b)`): the cell's body is
            # the check, its names read nowhere else.
            key = (ca.cell.index, 0)
            if key not in loops:
                loops[key] = _asserts_only(facts, ca, parsed, parsed.body, 1, len(ca.lines) + 1)
        elif isinstance(loop, (ast.For, ast.While)) and not loop.orelse:
            key = (ca.cell.index, loop.lineno)
            if key not in loops:
                loops[key] = _asserts_only(facts, ca, parsed, loop.body, loop.lineno, loop.end_lineno or loop.lineno)
        else:
            continue
        if loops[key]:
            found.add((ca.cell.index, call.line, call.column))
    return frozenset(found)


def _asserts_only(facts: NotebookFacts, ca: CellAnalysis, parsed: ast.Module, body: list[ast.stmt], start: int, end: int) -> bool:
    """Do `body`'s statements (lines `start`–`end` of the cell) only import, bind plain names and
    assert (one assert at least), none of the names they bind read outside those lines?"""
    bound: set[str] = set()
    asserts = 0
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(statement, ast.Assert):
            asserts += 1
        elif isinstance(statement, ast.Assign) and all(
            isinstance(t, ast.Name) or (isinstance(t, ast.Tuple) and all(isinstance(e, ast.Name) for e in t.elts))
            for t in statement.targets
        ):
            bound.update(n.id for t in statement.targets for n in walk_nodes(t) if isinstance(n, ast.Name))
        elif not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)):
            return False
    if not asserts or not bound:
        return False
    loads = _kept_global_load_lines(parsed)
    if any(line < start or line > end for name in bound for line in loads.get(name, ())):
        return False
    for other in facts.cells:
        if other is ca or not bound & set(_IDENTIFIER.findall(other.cell.source)):
            continue
        other_tree = _parsed(other)
        # (a function's own `y_pred` parameter is not the loop's; a cell that does not parse may read it)
        if other_tree is None or bound & set(_kept_global_load_lines(other_tree)) or any(
            bound & set(_IDENTIFIER.findall(m.args)) for m in other.magics
        ):
            return False
    return True


class _CheckFlow:
    """Follows the names bound from one module-level draw forward, statement by statement, through
    the rest of its cell and the cells below: an assignment whose value reads a followed name
    binds followed names (`y = conv(x)`); a plain rebinding from anything else cuts a name off
    (`ft = {...}`, `df = pd.read_csv("pinned.csv")`), unless it may not run (a loop, an `if`, a
    `try`). `assert`s and prints of shapes may read them; any other read — a call statement, a
    training or saving method, a store into an object, a loop or condition over them, a function
    of the notebook's that reads them as globals, a magic's arguments, a cell that does not parse —
    uses the draw (`failed`). Each block is followed in order on its own copy of the names; where
    a block may not run (a loop's body, a branch, a `try`), what was followed before it is joined
    back in after it."""

    def __init__(
        self, functions: Mapping[str, frozenset[str]],
        helpers: Mapping[str, ast.FunctionDef | ast.AsyncFunctionDef] | None = None, depth: int = 0,
    ) -> None:
        self.functions = functions  # the notebook's defs and classes → globals they read (transitively)
        # The notebook's module-level defs a followed value may be passed to (`_ = extract_and_combine(image, …)`):
        # followed into as their parameters, the body checked the same way, its `return` the call's value.
        self.helpers = helpers or {}
        self.depth = depth
        self.failed = False
        self.asserted = False  # an assert read a followed name
        self.cut = False  # a followed name was cut off by a rebinding that always runs
        # A print of followed values themselves (the check's random inputs and results: `print(M, Q)`),
        # which passes only beside a shown comparison or an assert (fair check 41, items 130, 131).
        self.shown_values = False
        # Following a draw made afresh in each pass of a module-level loop of checks: a store of the
        # values into an object (`y_predict[:, i] = np.mean(y_train)`) keeps a pass's result, a Monte
        # Carlo run's, not a check's (fair check 38's bias-variance simulation stays reported).
        self.in_loop_of_checks = False

    def reads(self, node: ast.AST, tracked: set[str]) -> set[str]:
        found: set[str] = set()
        for n in walk_nodes(node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                if n.id in tracked:
                    found.add(n.id)
                elif self.functions.get(n.id, frozenset()) & tracked:
                    self.failed = True  # a function of the notebook's that reads the value
        return found

    @staticmethod
    def _shape_only(node: ast.AST, tracked: set[str]) -> bool:
        """Is every followed name in `node` read only for its shape (`y.shape`, `x.tensor.shape`,
        `len(x)`, `x.size()`)?"""
        parents = {child: parent for parent in ast.walk(node) for child in ast.iter_child_nodes(parent)}
        for n in ast.walk(node):
            if not (isinstance(n, ast.Name) and n.id in tracked):
                continue
            up = parents.get(n)
            if isinstance(up, ast.Call) and isinstance(up.func, ast.Name) and up.func.id in _SHAPE_FUNCTIONS and up.args == [n]:
                continue
            while isinstance(up, ast.Attribute) and up.attr not in _SHAPE_ATTRIBUTES:
                up = parents.get(up)
            if not isinstance(up, ast.Attribute):
                return False
            call = parents.get(up)
            if up.attr == "size" and not (isinstance(call, ast.Call) and call.func is up and not call.args and not call.keywords):
                return False  # (`x.size` of a tensor is a method; `x.size()` its shape)
        return True

    def _shown_shapes(self, value: ast.expr, tracked: set[str]) -> bool:
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _DISPLAY_CALLS:
            return all(self._shape_only(a, tracked) for a in (*value.args, *(k.value for k in value.keywords)))
        return not isinstance(value, ast.Call) and self._shape_only(value, tracked)

    def _into_helper(self, helper: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, tracked: set[str]) -> None:
        args = helper.args
        positional = [a.arg for a in (*args.posonlyargs, *args.args)]
        if self.depth >= 3 or args.vararg is not None or args.kwarg is not None or len(call.args) > len(positional) or any(
            isinstance(a, ast.Starred) for a in call.args
        ) or any(k.arg is None for k in call.keywords):
            self.failed = True
            return
        given = [*zip(positional, call.args), *((k.arg, k.value) for k in call.keywords)]
        params = {name for name, value in given if name and self.reads(value, tracked)}
        inner = _CheckFlow(self.functions, self.helpers, self.depth + 1)
        inner.inside = True
        inner.own = frozenset(_function_locals(helper) - set(positional) - {a.arg for a in args.kwonlyargs})
        inner.block(helper.body, params, False)
        self.failed = self.failed or inner.failed
        self.asserted = self.asserted or inner.asserted

    joined: frozenset[int] = frozenset()  # ids of the other drawn assignments followed with the draw
    compared = False  # a shown comparison of two computations read a followed name (`_shown_comparison`)

    def _tracked_value(self, node: ast.AST, tracked: set[str]) -> bool:
        """Does `node` read a followed name for more than its shape?"""
        return bool(self.reads(node, tracked)) and not self._shape_only(node, tracked)

    def _fixed(self, node: ast.AST, tracked: set[str]) -> bool:
        """A value built from literals and the followed values' shapes only (`np.ones(len(L))`,
        `np.eye(4)`, `0`): what an identity check compares with (`tdist(np.diag(L), np.ones(len(L)))`,
        an LDL factor's unit diagonal). A name other than a followed one read for its shape, or the
        module of a called function (`np` of `np.ones`), may be anything (data, a result)."""
        callees = {id(n) for call in ast.walk(node) if isinstance(call, ast.Call)
                   for n in ast.walk(call.func) if isinstance(n, ast.Name)}
        if any(isinstance(n, ast.Name) and n.id not in tracked and id(n) not in callees for n in ast.walk(node)):
            return False
        return not self._tracked_value(node, tracked)

    def _difference(self, node: ast.AST, tracked: set[str]) -> bool:
        """`a - b`, both computed from the followed values, or a comparison of two such."""
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
            return self._tracked_value(node.left, tracked) and self._tracked_value(node.right, tracked)
        return self._comparison(node, tracked)

    def _comparison(self, node: ast.AST, tracked: set[str]) -> bool:
        """A distance or closeness of two computations from the followed values: `tdist(mine, ref)`,
        `np.allclose(a, b)` (both read them; or one is a difference `L - np.tril(L)` and the other
        reads them for their shape at most, `np.zeros(A.shape)`; or one reads them and the other is
        `_fixed`, `np.ones(len(L))`), or a norm, absolute value or
        maximum of a difference (`np.linalg.norm(a - b)`, `np.abs(a - b).max()`, `(a - b).abs().max()`)."""
        if not isinstance(node, ast.Call) or any(k.arg is None for k in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args):
            return False
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in _CLOSENESS_CALLS and len(node.args) >= 2:
            a, b = node.args[:2]
            if any(self._tracked_value(extra, tracked) for extra in (*node.args[2:], *(k.value for k in node.keywords))):
                return False
            return ((self._tracked_value(a, tracked) and self._tracked_value(b, tracked))
                    or (self._difference(a, tracked) and not self._tracked_value(b, tracked))
                    or (self._difference(b, tracked) and not self._tracked_value(a, tracked))
                    or (self._tracked_value(a, tracked) and self._fixed(b, tracked))
                    or (self._tracked_value(b, tracked) and self._fixed(a, tracked)))
        if name == "mean" and len(node.args) == 1 and not node.keywords and self._comparison(node.args[0], tracked):
            return True  # `np.mean(np.abs(P @ M - L @ U))`: the mean size of a residual (fair check 41, item 130)
        if name in _DISTANCE_CALLS:
            if any(self._tracked_value(k.value, tracked) for k in node.keywords):
                return False
            if isinstance(func, ast.Attribute) and not node.args and self._difference(func.value, tracked):
                return True  # `(a - b).abs().max()`, `np.abs(a - b).max()`
            return len(node.args) == 1 and self._difference(node.args[0], tracked)
        return False

    @staticmethod
    def _printed_values(value: ast.expr) -> bool:
        """A `print(…)` whose calls are only NumPy's, `math`'s or the builtins' that compute a value
        (`print(f'column {j} norm {np.linalg.norm(Q[:, j])}')`, `print("M =", M)`): it shows the check's
        values and does nothing with them. Counted only in a flow that also shows a comparison or
        asserts (`_checked_or_replaced`): the printed inputs and results of a property check."""
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "print"):
            return False
        for n in ast.walk(value):
            if not isinstance(n, ast.Call) or n is value:
                continue
            func = n.func
            if isinstance(func, ast.Name):
                if func.id not in _PRINTED_BUILTINS:
                    return False
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Constant) and func.attr == "format":
                continue
            elif dotted_name(func).split(".")[0] not in ("np", "numpy", "math"):
                return False
        return True

    def _shown_comparison(self, value: ast.expr, tracked: set[str]) -> bool:
        """Is `value` a comparison (`_comparison`), or a print/display of comparisons (formatted,
        with other arguments reading the followed values for their shape at most)? Such a check
        of an implementation against a reference shows how close two computations from the same
        draws are, which holds for any draw, as an `assert` of it would (fair check 39, items 86,
        87, 92, 103, 107: `print(metrics.tdist(mine, torch_ref))`)."""
        if self._comparison(value, tracked):
            return True
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _DISPLAY_CALLS):
            return False
        shown = False
        parts: list[ast.expr] = [*value.args, *(k.value for k in value.keywords)]
        while parts:
            part = parts.pop()
            if isinstance(part, ast.JoinedStr):
                parts.extend(v.value for v in part.values if isinstance(v, ast.FormattedValue))
            elif (isinstance(part, ast.Call) and isinstance(part.func, ast.Attribute) and part.func.attr == "format"
                  and isinstance(part.func.value, ast.Constant)):
                parts.extend((*part.args, *(k.value for k in part.keywords)))
            elif self._comparison(part, tracked):
                shown = True
            elif self._tracked_value(part, tracked):
                return False
        return shown

    inside = False  # following a helper's body: its `return` hands the value back to the call
    own: frozenset[str] = frozenset()  # the helper's own locals (not its parameters)

    def block(self, body: Iterable[ast.stmt], tracked: set[str], top: bool) -> set[str]:
        for st in body:
            if self.failed:
                break
            tracked = self.statement(st, tracked, top)
        return tracked

    def _loop(self, body: list[ast.stmt], orelse: list[ast.stmt], tracked: set[str]) -> set[str]:
        # The body may not run, or run again: what it binds joins what was followed before it.
        first = self.block(body, set(tracked), False)
        again = self.block(body, tracked | first, False)
        joined = tracked | first | again
        return joined | self.block(orelse, set(joined), False)

    def statement(self, st: ast.stmt, tracked: set[str], top: bool) -> set[str]:
        if isinstance(st, (ast.Import, ast.ImportFrom, ast.Pass, ast.Break, ast.Continue)):
            return tracked
        if isinstance(st, ast.Assert):
            if self.reads(st, tracked):
                self.asserted = True
            return tracked
        if isinstance(st, ast.Expr):
            if _grown_object(st) in tracked:
                return tracked  # `model.add(Dense(10))` on the followed model: it grows, still followed
            if self.inside and _grown_object(st) in self.own and self.reads(st.value, tracked):
                return tracked | {_grown_object(st) or ""}  # a helper's own list of results (`pivots.append(col)`)
            if self.reads(st.value, tracked) and not self._shown_shapes(st.value, tracked):
                if self._shown_comparison(st.value, tracked):
                    self.compared = True
                elif self._printed_values(st.value):
                    self.shown_values = True
                else:
                    self.failed = True
            return tracked
        if isinstance(st, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            names: set[str] = set()
            plain = True
            for target in targets:
                elements = [target]
                while elements:  # (`tout, (th_n, tc_n) = lstm(tx)`: nested tuples of names are plain)
                    element = elements.pop()
                    element = element.value if isinstance(element, ast.Starred) else element
                    if isinstance(element, (ast.Tuple, ast.List)):
                        elements.extend(element.elts)
                    elif isinstance(element, ast.Name):
                        names.add(element.id)
                    else:
                        plain = False
            value_reads = bool(self.reads(st.value, tracked)) if st.value is not None else False
            if value_reads and plain and not isinstance(st, ast.AugAssign) and self._shape_only(st.value, tracked):
                value_reads = False  # `n = len(A)`: a size, not the drawn values (fair check 39, item 92)
            if not plain:
                if value_reads or any(self.reads(t, tracked) for t in targets):
                    # Stored into an object (`df["noise"] = …`, `x.data *= 2`): the object is followed
                    # from here; inside a helper, only an object of its own (not the caller's).
                    roots = {_root_name(t) for t in targets}
                    if "" in roots or (self.inside and not roots <= (self.own | tracked)) or (self.in_loop_of_checks and not self.inside):
                        self.failed = True
                    else:
                        tracked = tracked | roots
                        if value_reads and any(isinstance(n, ast.Call) and _USING_METHOD.match(_called_name(n)) for n in ast.walk(st.value)):
                            self.failed = True
                return tracked
            if isinstance(st, ast.AugAssign) and names & tracked or id(st) in self.joined:
                value_reads = True
            if value_reads:
                for n in ast.walk(st.value):
                    if isinstance(n, ast.Call) and _USING_METHOD.match(_called_name(n)):
                        self.failed = True  # `history = model.fit(x)`: trained on it
                    elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in self.helpers:
                        self._into_helper(self.helpers[n.func.id], n, tracked)
                return tracked | names
            if st.value is None:
                return tracked
            # Cut off in this block's copy; where the block may not run, the caller joins what
            # was followed before it back in. Only a cut that always runs counts as replacing.
            if top and names & tracked:
                self.cut = True
            return tracked - names
        if isinstance(st, (ast.For, ast.AsyncFor)):
            # (a loop over a followed value's shape, `for j in range(Q.shape[1])`, runs the same for any draw;
            # inside a helper, a loop or branch on the values decides only what the helper computes, its
            # statements followed the same way: `for row in M`, `if pivot_rows.size == 0` of a hand-written
            # row reduction, fair check 41, item 131)
            if self.reads(st.iter, tracked) and not self._shape_only(st.iter, tracked) and not self.inside:
                self.failed = True
                return tracked
            if self.inside and self.reads(st.iter, tracked) and not self._shape_only(st.iter, tracked):
                # (the loop's names hold the followed values: `row` of `for row in M`)
                tracked = tracked | {n.id for n in ast.walk(st.target) if isinstance(n, ast.Name)}
            return self._loop(st.body, st.orelse, tracked)
        if isinstance(st, ast.While):
            if self.reads(st.test, tracked) and not self.inside:
                self.failed = True
                return tracked
            return self._loop(st.body, st.orelse, tracked)
        if isinstance(st, ast.If):
            if self.reads(st.test, tracked) and not self.inside:
                self.failed = True
                return tracked
            return self.block(st.body, set(tracked), False) | self.block(st.orelse, set(tracked), False)
        if isinstance(st, (ast.With, ast.AsyncWith)):
            if any(self.reads(item, tracked) for item in st.items):
                self.failed = True
                return tracked
            return self.block(st.body, tracked, top)
        if isinstance(st, ast.Try) or type(st).__name__ == "TryStar":
            body = self.block(st.body, set(tracked), False)
            joined = tracked | body
            for handler in st.handlers:
                joined |= self.block(handler.body, set(tracked | body), False)
            joined |= self.block(st.orelse, set(body), False)
            return self.block(st.finalbody, joined, False)
        if isinstance(st, ast.ClassDef):
            # A method's own locals and parameters (`def forward(self, x, h)`) are not the followed
            # names (fair check 39, item 103: `class MyRNN` below a check's `h` and `x`).
            for part in (*st.bases, *st.keywords, *st.decorator_list, *st.body):
                if isinstance(part, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    inner = _function_locals(part)
                    reads = any(isinstance(n, ast.Name) and n.id in tracked and n.id not in inner for n in ast.walk(part))
                else:
                    reads = any(isinstance(n, ast.Name) and n.id in tracked for n in ast.walk(part))
                if reads:
                    self.failed = True
                    break
            return tracked
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inner = _function_locals(st)
            if any(isinstance(n, ast.Name) and n.id in tracked and n.id not in inner for n in ast.walk(st)):
                self.failed = True
            return tracked
        if isinstance(st, ast.Delete):
            return tracked - {t.id for t in st.targets if isinstance(t, ast.Name)}
        if isinstance(st, ast.Return) and self.inside:
            if st.value is not None and self.reads(st.value, tracked):
                for n in ast.walk(st.value):
                    if isinstance(n, ast.Call) and _USING_METHOD.match(_called_name(n)):
                        self.failed = True
            return tracked
        if self.reads(st, tracked):
            self.failed = True
        return tracked


# Calls that tell how close two arrays are (`metrics.tdist`, a study repository's distance helper),
# and calls that reduce a difference to its size (`_CheckFlow._comparison`).
_CLOSENESS_CALLS = frozenset({"tdist", "allclose", "isclose", "array_equal", "array_equiv", "dist"})
_DISTANCE_CALLS = frozenset({"norm", "abs", "fabs", "absolute", "max", "amax"})
# Builtins a print of a check's values may call (`_CheckFlow._printed_values`).
_PRINTED_BUILTINS = frozenset({"len", "abs", "round", "str", "repr", "float", "int", "range", "sum", "min", "max", "format"})


# Methods that put their argument into the object they are called on: a Keras `Sequential`'s
# `add`, a list's `append`/`extend`/`insert`.
_GROWING_METHODS = frozenset({"add", "append", "extend", "insert"})


def _grown_object(statement: ast.stmt) -> str | None:
    """The name a statement `name.add(…)` (`_GROWING_METHODS`) puts its arguments into: `model` of
    `model.add(Conv2D(32, (5, 5)))`, whose layer's draws then live in `model` and are followed as
    it (fair check 34, item 146: a `Sequential` built layer by layer, then rebound to another model
    before anything reads it; its draws are thrown away)."""
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return None
    func = statement.value.func
    if isinstance(func, ast.Attribute) and func.attr in _GROWING_METHODS and isinstance(func.value, ast.Name):
        return func.value.id
    return None


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _checked_or_replaced(facts: NotebookFacts, draws: Iterable[Draw]) -> frozenset[Position]:
    """Module-level draws bound to names whose value (`_CheckFlow`) reaches nothing but asserts and
    shape prints, and either an assert reads it or a rebinding cuts it off:
    - the random inputs of a property check spread over cells (`x = torch.randn(4, 1, 32, 32)`,
      `y = conv(x)` below, then a loop of `assert torch.allclose(…)` over group elements), or in a
      check cell whose names a later cell rebinds before reading them again (`ft = {…}`): the
      check holds for any draw or stops the notebook (fair check 20, steerable CNN tutorials);
    - a drawn selection whose frame is replaced before anything reads it (`cols = random.sample(…)`,
      `df = pd.read_csv(big, usecols=cols)`, then `df = pd.read_csv("pinned_500.csv")`): a run
      from the top throws the draw away (fair check 20, make_counts_for_polyester)."""
    draws = [d for d in draws if not d.call.in_function and d.iteration is None]
    if not draws:
        return frozenset()
    trees: dict[int, ast.Module | None] = {}

    def tree(ca: CellAnalysis) -> ast.Module | None:
        if ca.cell.index not in trees:
            trees[ca.cell.index] = _parsed(ca)
        return trees[ca.cell.index]

    functions: dict[str, frozenset[str]] | None = None
    helpers: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    found: set[Position] = set()
    for draw in draws:
        ca, call = draw.ca, draw.call
        parsed = tree(ca)
        if parsed is None:
            continue
        index = statement_index_at(parsed.body, call.line)
        if index is None:
            continue
        statement = parsed.body[index]
        grown = _grown_object(statement)
        filled = _filled_in_loop(statement, call.line)
        if filled is not None:
            grown, statement = filled, _filled_statement(statement, call.line)
        loop: ast.For | None = None
        if grown is None and isinstance(statement, ast.For) and not statement.orelse:
            # A module-level loop of checks, each on a fresh draw (`for z in range(5): M = np.random.rand(5, 8)`,
            # `Q = gram_schmidt(M)`, then prints of `np.allclose(Q.T @ Q, I)`): the draw's assignment is a
            # statement of the loop's body, followed through the rest of the body, the body again, and
            # what follows the loop (fair check 41, item 131).
            inner = next((st for st in statement.body if isinstance(st, ast.Assign)
                          and st.lineno <= call.line <= (st.end_lineno or st.lineno)), None)
            if inner is not None:
                loop, statement = statement, inner
        if grown is None and (not isinstance(statement, (ast.Assign, ast.AnnAssign)) or statement.value is None):
            continue
        targets = statement.targets if isinstance(statement, ast.Assign) and filled is None else [statement.target] if isinstance(statement, ast.AnnAssign) else []
        names: set[str] = {grown} if grown is not None else set()
        for target in targets:
            for element in (target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]):
                if isinstance(element, ast.Name):
                    names.add(element.id)
                else:
                    names.clear()
                    break
            if not names:
                break
        if not names or any(isinstance(n, ast.Call) and _USING_METHOD.match(_called_name(n)) for n in walk_nodes(statement.value)):
            continue
        if functions is None:
            functions = _globals_read_by_definitions(facts, tree)
            defined: dict[str, list[ast.stmt]] = {}
            for other in facts.cells:
                for st in (tree(other) or ast.Module([], [])).body:
                    if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        defined.setdefault(st.name, []).append(st)
            helpers = {name: nodes[0] for name, nodes in defined.items() if len(nodes) == 1
                       and isinstance(nodes[0], (ast.FunctionDef, ast.AsyncFunctionDef)) and not nodes[0].decorator_list}
        if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in functions for n in walk_nodes(statement.value)):
            continue  # `x = make_batch(torch.randn(…))`: the notebook's own function takes the draw itself
        flow = _CheckFlow(functions, helpers)
        # The cell's other drawn assignments below it are followed with it (`b = np.random.randn(5)`
        # after `A = …`): `tdist(A @ x, b)` compares two computations from the same draws.
        flow.joined = frozenset(
            id(parsed.body[i]) for other in draws if other.ca is ca and other.call.line > call.line
            and (i := statement_index_at(parsed.body, other.call.line)) is not None and i > index
            and isinstance(parsed.body[i], ast.Assign) and not _grown_object(parsed.body[i]))
        tracked = set(names)
        if loop is not None:
            flow.in_loop_of_checks = True
            rest = loop.body[loop.body.index(statement) + 1:]
            tracked = flow.block(rest, tracked, False)
            tracked = flow.block(loop.body, tracked, False) | tracked
        tracked = flow.block(parsed.body[index + 1:], tracked, True)
        if any(m.line > call.line and m.args and tracked & set(_IDENTIFIER.findall(m.args)) for m in ca.magics):
            flow.failed = True
        for other in facts.cells:
            if flow.failed or not tracked:
                break
            if other.cell.index <= ca.cell.index:
                continue
            if any(m.args and tracked & set(_IDENTIFIER.findall(m.args)) for m in other.magics):
                flow.failed = True
                break
            other_tree = tree(other)
            if other_tree is None:
                if tracked & set(_IDENTIFIER.findall(other.cell.source)):
                    flow.failed = True
                continue
            tracked = flow.block(other_tree.body, tracked, True)
        if flow.shown_values and not (flow.asserted or flow.compared):
            continue  # printed values with no check beside them: the run's output
        if loop is not None and not (flow.asserted or flow.compared):
            continue  # (a loop of fresh draws passes as a loop of checks only)
        if not flow.failed and (flow.asserted or flow.compared or flow.cut):
            found.add((ca.cell.index, call.line, call.column))
    return frozenset(found)


def _filled_statement(loop: ast.stmt, line: int) -> ast.Assign:
    """The assignment of `_filled_in_loop`'s loop."""
    assert isinstance(loop, (ast.For, ast.AsyncFor))
    return next(st for st in loop.body if isinstance(st, ast.Assign) and st.lineno <= line <= (st.end_lineno or st.lineno))


def _filled_in_loop(statement: ast.stmt, line: int) -> str | None:
    """The array a module-level `for` fills with the draw on `line`, when its body only stores into
    it (`for i in range(B): x[:lengths[i], i, :] = np.random.randn(lengths[i], D)`): the draw is
    followed as that array from after the loop (fair check 39, item 103)."""
    if not isinstance(statement, (ast.For, ast.AsyncFor)) or statement.orelse or len(statement.body) != 1:
        return None
    st = statement.body[0]
    if not (isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Subscript)
            and st.lineno <= line <= (st.end_lineno or st.lineno)):
        return None
    root = _root_name(st.targets[0])
    return root or None


def _globals_read_by_definitions(facts: NotebookFacts, tree: Callable[[CellAnalysis], ast.Module | None]) -> dict[str, frozenset[str]]:
    """The notebook's module-level defs and classes → the globals each reads, with those of the
    defs and classes it reads in turn (`plot_all` calling `plot_one`, which reads `x`)."""
    direct: dict[str, set[str]] = {}
    for ca in facts.cells:
        for st in (tree(ca) or ast.Module([], [])).body:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                direct.setdefault(st.name, set()).update(_global_load_lines(ast.Module([st], [])))
    changed, rounds = True, 0
    while changed and rounds < 8:
        changed, rounds = False, rounds + 1
        for name, read in direct.items():
            more = set().union(*(direct[r] for r in read if r in direct and r != name)) - read
            if more:
                read |= more
                changed = True
    return {name: frozenset(read) for name, read in direct.items()}


# A name that holds an identifier: a cloud endpoint's, a storage account's, a job's (`endpoint_name`,
# `endpoint_suffix`, `run_id`, `model_version`), and the keywords that pass one (`name=`, `job_name=`).
_IDENTIFIER_NAME = re.compile(r"(?i)(?:^|_)(?:name|filename|suffix|prefix|id|uid|guid|tag|version)$")


def _names_a_resource_only(ctx: RuleContext, draws: Iterable[Draw]) -> frozenset[Position]:
    """Draws that make a resource's name unique: their value only becomes part of a string that
    names something (`suffix = "".join(random.choice(chars) for _ in range(5))`,
    `endpoint_name = f"ep-{random.randint(0, 10000)}"`, `"ep-" + str(random.randint(…))`), or
    they bind a name (`rand = random.randint(0, 10000)`) read only in such strings. The name is
    meant to differ from run to run (a seeded one would collide with the endpoint the last run
    created), and no result is computed from it. A random string bound to any other name
    (`sequence = "".join(random.choice("ACGT") …)`) is data, and stays a draw."""
    # Once and only when asked: a draw cell's tree; a tree's parent map, by tree rather than by
    # cell (a read's tree comes from the notebook's read index, `name_loads`, shared with PTH001,
    # and is another parse of a draw's cell once the parse memo let that one go).
    trees: dict[int, ast.Module | None] = {}
    parent_maps: dict[int, tuple[ast.Module, dict[ast.AST, ast.AST]]] = {}

    def tree_of(ca: CellAnalysis) -> ast.Module | None:
        if ca.cell.index not in trees:
            trees[ca.cell.index] = _parsed(ca)
        return trees[ca.cell.index]

    def parents_of(parsed: ast.Module) -> dict[ast.AST, ast.AST]:
        if id(parsed) not in parent_maps:
            parent_maps[id(parsed)] = (parsed, _parent_map(parsed))  # (the tree held: its id is not reused)
        return parent_maps[id(parsed)][1]

    found: set[Position] = set()
    for draw in draws:
        ca, call = draw.ca, draw.call
        if call.in_function or draw.iteration is not None:
            continue
        parsed = tree_of(ca)
        if parsed is None:
            continue
        offsets = {call.column - 1, call.column - 1 - ca.masked.dedent}
        node = next((n for n in nodes_of(parsed, ast.Call) if n.lineno == call.line and n.col_offset in offsets), None)
        if node is None:
            continue
        parents = parents_of(parsed)
        if _in_identifier_string(node, parents):
            found.add((ca.cell.index, call.line, call.column))
            continue
        statement = parents.get(node)
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
                and parents.get(statement) is parsed):
            continue
        bound = statement.targets[0].id
        reads = [(n, parents_of(tree)) for n, tree, _ in name_loads(ctx).get(bound, ())]
        if reads and all(_in_identifier_string(n, p) for n, p in reads):
            found.add((ca.cell.index, call.line, call.column))
    return frozenset(found)


def _parent_map(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    """`{child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}`, from the
    tree's shared node list, without `iter_child_nodes`' generator per node."""
    parents: dict[ast.AST, ast.AST] = {}
    for node in tree_nodes(tree):
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, ast.AST):
                parents[value] = node
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        parents[item] = node
    return parents


def _in_identifier_string(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """`node`'s value only becomes part of a string (an f-string field, `str(…)`, `"".join(…)` of a
    generator of it, `"text" + …`, `"%s" % …`) that its statement binds to an identifier's name
    (`_IDENTIFIER_NAME`) or passes as one (`name=`, `endpoint_name=`)."""
    inside_string = False
    while True:
        parent = parents.get(node)
        if parent is None:
            return False
        if isinstance(parent, ast.FormattedValue):
            inside_string = True
        elif isinstance(parent, ast.Call) and node in parent.args and (
            (isinstance(parent.func, ast.Name) and parent.func.id == "str")
            or (isinstance(parent.func, ast.Attribute) and parent.func.attr in ("join", "format")
                and isinstance(parent.func.value, ast.Constant) and isinstance(parent.func.value.value, str))
        ):
            inside_string = True
        elif isinstance(parent, (ast.GeneratorExp, ast.ListComp)) and node is parent.elt:
            pass  # `"".join(draw for _ in range(5))`: the join above decides
        elif isinstance(parent, ast.BinOp) and isinstance(parent.op, (ast.Add, ast.Mod)) and inside_string is False:
            other = parent.left if node is parent.right else parent.right
            if not (isinstance(other, ast.JoinedStr) or (isinstance(other, ast.Constant) and isinstance(other.value, str))):
                return False
            inside_string = True
        elif isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add) and inside_string:
            pass  # `"ep-" + suffix + "-1"`: still a string
        elif isinstance(parent, ast.JoinedStr) and inside_string:
            pass
        elif isinstance(parent, ast.keyword):
            return inside_string and parent.arg is not None and bool(_IDENTIFIER_NAME.search(parent.arg))
        elif isinstance(parent, ast.Assign):
            return (inside_string and node is parent.value and len(parent.targets) == 1
                    and isinstance(parent.targets[0], ast.Name) and bool(_IDENTIFIER_NAME.search(parent.targets[0].id)))
        else:
            return False
        node = parent


def _with_print_calls(ctx: RuleContext) -> RuleContext:
    """The notebook with the cells STR004 names for their Python 2 `print` statements read as
    Python 3 (`analysis.print_statement_python`): a draw in such a cell is a draw all the same
    (fair check 19: quantopian's lectures hid 7 draws so, and 4 findings sat at a later draw),
    and positions in those cells stay the cell's own. Other notebooks are returned as they are."""
    from nbrefactor.audit.rules.structure import python2_cells

    old = python2_cells(ctx.facts)
    if not old:
        return ctx
    from nbrefactor.audit.analysis import libcst_facts
    from nbrefactor.audit.ast_facts import facts_from_ast

    replaced: dict[int, CellAnalysis] = {}
    for ca in old:
        python = print_statement_python(ca.masked.python)
        if python is None:
            continue
        facts = facts_from_ast(python, python_tree(python)) or libcst_facts(python)
        replaced[id(ca)] = CellAnalysis(ca.cell, replace(ca.masked, python=python), facts)
    if not replaced:
        return ctx
    cells = tuple(replaced.get(id(ca), ca) for ca in ctx.facts.cells)
    aliases = dict(ctx.facts.aliases)
    for ca in replaced.values():
        for imp in ca.facts.imports:
            if imp.bound != "*" and imp.bound not in aliases:
                aliases[imp.bound] = imp.qualified
    facts = replace(ctx.facts, cells=cells, aliases=aliases)
    return type(ctx)(facts=facts, catalog=ctx.catalog, project=ctx.project, settings=ctx.settings)


def _analyse(ctx: RuleContext) -> tuple[RandomnessCatalog, RandomnessFacts]:
    # Built once per catalogue (it is immutable), not per notebook and rule: `_first_match`
    # remembers its answers per list, which a fresh list each notebook would throw away.
    catalog = ctx.catalog.derived("randomness", RandomnessCatalog.from_catalog)
    helpers = seed_helper_libraries(catalog, ctx.project.seed_helpers) if ctx.project is not None else {}
    return catalog, analyse_randomness(ctx.facts, catalog, helpers)


# --- the rules -----------------------------------------------------------------------------------


# TensorFlow 1 has no `tf.random.set_seed`/`keras.utils.set_random_seed`: its graph-level seed is
# `tf.set_random_seed`. A notebook written for it calls TF1-only APIs, imports TF1-only modules or
# pins TensorFlow 1 in a manifest beside it.
_TF1_CALLS = frozenset({
    "tensorflow.Session", "tensorflow.InteractiveSession", "tensorflow.placeholder", "tensorflow.set_random_seed",
    "tensorflow.get_variable", "tensorflow.global_variables_initializer",
})
_TF1_MODULES = ("tensorflow.contrib", "tensorflow.examples.tutorials")
_TF1_PIN = re.compile(r"(?<![>!])(?:==?|~=|<=?)\s*1\.|<\s*2(?:\.0+)*(?![.\d])")
_TF1_FIX = (
    "tf.set_random_seed(SEED) (TensorFlow 1.x, which has no tf.random.set_seed: it seeds the default graph, "
    "so call it again after any tf.reset_default_graph())"
)
# TensorFlow 1 Estimator input functions: the Estimator builds its own graph, which no global seed
# reaches, and these functions take no seed.
_ESTIMATOR_INPUTS = ("tensorflow.estimator.inputs.", "tensorflow.compat.v1.estimator.inputs.")
_ESTIMATOR_FIX = (
    "An Estimator ignores a global seed: pass `config=tf.estimator.RunConfig(tf_random_seed=SEED)` to the "
    "Estimator, and build the input with `tf.data` and `dataset.shuffle(buffer_size, seed=SEED)` "
    "(`numpy_input_fn`/`pandas_input_fn` cannot be seeded)"
)


def _tensorflow_1(ctx: RuleContext) -> bool:
    """Whether the notebook is written for TensorFlow 1.x (see `_TF1_CALLS`)."""
    for manifest in ctx.project.manifests:
        for req in manifest.requirements:
            if req.name in ("tensorflow", "tensorflow-gpu", "tensorflow-cpu") and _TF1_PIN.search(req.spec):
                return True
    for ca in ctx.cells:
        for imp in ca.facts.imports:
            full = f"{imp.module}.{imp.imported}" if imp.imported else imp.module
            if full.startswith(_TF1_MODULES):
                return True
        for call in ca.facts.calls:
            qualified = ctx.facts.resolve(call.func)
            if qualified in _TF1_CALLS or qualified.startswith(_TF1_MODULES):
                return True
    return False


# `keras.utils.set_random_seed` came with TensorFlow/Keras 2.7. Before it the seeds are
# `tf.random.set_seed` with NumPy's and Python's (fair check 41, item 128: a TF 2.4 notebook whose
# saved output shows a `tensorflow.python.keras` object, Keras's module path inside TensorFlow up to
# 2.5; the fix offered the call that release lacks). A manifest's upper bound below 2.7 says so too.
_TF_BEFORE_2_7_PIN = re.compile(r"(?<![>!])(?:==?|~=|<=?)\s*2\.[0-6](?!\d)|<\s*2\.[0-7](?:\.0+)?(?![.\d])")
_TF_BEFORE_2_7_OUTPUT = re.compile(r"\btensorflow\.python\.keras\.")
_TF_BEFORE_2_7_FIX = (
    "tf.random.set_seed(SEED) with np.random.seed(SEED) and random.seed(SEED) (this TensorFlow is older than 2.7, "
    "which has no keras.utils.set_random_seed)"
)


def _tensorflow_before_2_7(ctx: RuleContext) -> bool:
    """Whether the notebook's TensorFlow 2 is older than 2.7, by a manifest's pin or upper bound of
    tensorflow/keras, or a saved output naming an object of `tensorflow.python.keras`."""
    for manifest in ctx.project.manifests:
        for req in manifest.requirements:
            if req.name in ("tensorflow", "tensorflow-gpu", "tensorflow-cpu", "keras") and _TF_BEFORE_2_7_PIN.search(req.spec):
                return True
    return any(o.text and _TF_BEFORE_2_7_OUTPUT.search(o.text) for ca in ctx.cells for o in ca.cell.outputs)


# agentpy's `Model` (0.1.5 wheel, model.py `sim_setup`) builds its own generators, `self.random =
# random.Random(seed)` and `self.nprandom`, from `seed = self.p['seed']`, or when the parameters have
# no 'seed', `random.getrandbits(128)`; `add_agents(…, random=True)`, `AgentList.random(…)` and
# `.shuffle()` draw from them. A global NumPy seed does not reach them (fair check 41, items 127, 133).
def _agentpy_own_draw(ctx: RuleContext, node: ast.ClassDef) -> bool:
    """Does the class body draw from agentpy's generator: `random=True`, or an attribute `random` /
    `nprandom` of something other than the `random` or NumPy modules (`self.random`, `self.agents.random(2)`)?"""
    for inner in ast.walk(node):
        if isinstance(inner, ast.keyword) and inner.arg == "random" and isinstance(inner.value, ast.Constant) and inner.value.value is True:
            return True
        if isinstance(inner, ast.Attribute) and inner.attr in ("random", "nprandom"):
            owner = dotted_name(inner.value)
            if owner and ctx.facts.resolve(owner) not in ("random", "numpy", "numpy.random"):
                return True
    return False


def _agentpy_models_drawing(ctx: RuleContext) -> frozenset[str]:
    """The notebook's classes based on agentpy's `Model` whose body draws from agentpy's own generator."""
    found: set[str] = set()
    for ca in ctx.cells:
        if "class " not in ca.masked.python:
            continue
        tree = cell_python_tree(ca)
        for node in tree.body if tree is not None else ():
            if not isinstance(node, ast.ClassDef):
                continue
            if not any(ctx.facts.resolve(dotted_name(base) or "") in ("agentpy.Model", "agentpy.model.Model") for base in node.bases):
                continue
            if _agentpy_own_draw(ctx, node):
                found.add(node.name)
    return frozenset(found)


# agentpy's running calls that take a `seed=` of their own (0.1.5: `Model.run(steps, seed, display)`,
# `animate(model, fig, axs, plot, steps, seed, …)`).
_AGENTPY_RUNS = frozenset({"agentpy.animate", "agentpy.visualization.animate"})


def _unseeded_agentpy_models(ctx: RuleContext) -> Iterator[Hit]:
    """`model = MyModel(parameters)`, `MyModel` the notebook's agentpy `Model` whose body draws from
    agentpy's own generator (`add_agents(…, random=True)`, `self.agents.random(n)`:
    `_agentpy_models_drawing`), with a parameters dict (a literal, or a name every module-level
    binding of which is one) that has no 'seed' key: agentpy seeds `self.random`/`self.nprandom` from
    `p['seed']` only, else from `random.getrandbits(128)` of Python's global generator, so the houses
    placed and picked change from run to run (fair check 41, recall T-2.2; a NumPy seed does not
    reach them). Reported at the dict, where the fix goes, the model's construction related. Not
    when the model is run or animated with `seed=`, the dict gets a 'seed' item elsewhere, or
    Python's `random` is seeded."""
    models = ctx.shared("randomness.agentpy_models", lambda: _agentpy_models_drawing(ctx))
    if not models:
        return
    if any(ctx.facts.resolve(c.func) in ("random.seed",) for ca in ctx.cells for c in ca.facts.calls):
        return  # Python's generator seeded: agentpy's fallback bits repeat
    dicts: dict[str, list[tuple[CellAnalysis, ast.Assign]]] = {}
    seeded_runs = False
    builds: list[tuple[CellAnalysis, ast.Call, str]] = []
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and isinstance(node.value, ast.Dict) and statement_at(tree, node.lineno) is node:
                dicts.setdefault(node.targets[0].id, []).append((ca, node))
            elif isinstance(node, ast.Call):
                func = node.func
                if any(k.arg == "seed" or k.arg is None for k in node.keywords) and (
                    (isinstance(func, ast.Attribute) and func.attr == "run")
                    or ctx.facts.resolve(dotted_name(func) or "") in _AGENTPY_RUNS
                ):
                    seeded_runs = True
                if isinstance(func, ast.Name) and func.id in models:
                    builds.append((ca, node, func.id))
    if seeded_runs:
        return
    # A name whose every binding is one of those literals (no other assignment, loop or `del`).
    literal_stores = {name: len(found) for name, found in dicts.items()}
    stores: dict[str, int] = {}
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        for node in ast.walk(tree) if tree is not None else ():
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                stores[node.id] = stores.get(node.id, 0) + 1
    reported: set[tuple[int, int]] = set()
    for ca, call, model in builds:
        given = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "parameters"), None)
        if isinstance(given, ast.Dict):
            places = [(ca, given)]
        elif isinstance(given, ast.Name) and given.id in dicts and stores.get(given.id, 0) == literal_stores[given.id]:
            if any(isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id == given.id
                   and not isinstance(n.ctx, ast.Load) for c in ctx.cells for n in ast.walk(cell_python_tree(c) or ast.Module([], []))):
                continue  # `parameters['seed'] = 42`
            if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("update", "setdefault")
                   and isinstance(n.func.value, ast.Name) and n.func.value.id == given.id
                   for c in ctx.cells for n in ast.walk(cell_python_tree(c) or ast.Module([], []))):
                continue
            places = [(c, a.value) for c, a in dicts[given.id]]
        else:
            continue
        if any(k is None or (isinstance(k, ast.Constant) and k.value == "seed") or not isinstance(k, ast.Constant)
               for _, d in places for k in d.keys):
            continue  # a 'seed' key, a `**spread` or a computed key: may be seeded
        where, literal = places[-1]
        if (where.cell.index, literal.lineno) in reported:
            continue
        reported.add((where.cell.index, literal.lineno))
        shown = f"`{given.id}`" if isinstance(given, ast.Name) else "the parameters dict"
        yield Hit(
            where.cell, literal.lineno, literal.col_offset + 1,
            f"{shown}, the parameters `{model}` is built with (cell {ca.cell.index}, line {call.lineno}), has no 'seed' key: "
            f"`{model}` draws from agentpy's own generator (`add_agents(…, random=True)`, `agents.random(…)`), which agentpy "
            "seeds from that entry only, else from fresh bits of Python's `random`, so the agents placed and picked change "
            "from run to run (a NumPy seed does not reach them)",
            end_line=literal.end_lineno,
            fix="Add 'seed': SEED to the parameters dict (or pass seed=SEED to `model.run(…)` / `ap.animate(…)`)",
            key=f"agentpy\x1f{model}",
            related=((ca.cell, call.lineno, call.col_offset + 1),),
        )


# fastai 2's training methods, drawn from Python's `random` (rules/randomness.toml's `[[method_draw]]`).
_FASTAI_TRAINING = frozenset({"fine_tune", "fit_one_cycle", "fit_flat_cos", "fit_sgdr"})
_FASTAI_SEED_FIX = ("set_seed(SEED) (from `fastai.*.all` or `fastai.torch_core`): it seeds Python's `random`, NumPy "
                    "and PyTorch, which its training also draws from (the new head's weights, dropout)")


def _fastai_training(facts: NotebookFacts, draw: Draw) -> bool:
    """Is the draw fastai 2's training (`learn.fine_tune(1)`), a method draw of Python's `random`?"""
    call = draw.call
    return (draw.library == "python" and bool(call.receiver) and call.method in _FASTAI_TRAINING
            and draw.qualified == call.method and draw.shown.endswith(f".{call.method}()")
            and any(imp.top_level in ("fastai", "fastbook") for _, imp in facts.imports))


def _numpy_array_name(ctx: RuleContext, arg: ArgFact | None) -> bool:
    """Is the argument a name the notebook binds only to what a NumPy function or `.to_numpy()` returns?"""
    if arg is None or arg.name is None:
        return False
    statements = single_assignments(ctx).get(arg.name)
    if not statements:
        return False
    for statement in statements:
        value = statement.value
        if not isinstance(value, ast.Call):
            return False
        if isinstance(value.func, ast.Attribute) and value.func.attr == "to_numpy":
            continue
        callee = dotted_name(value.func)
        resolved = ctx.facts.resolve(callee) if callee else ""
        if not resolved.startswith("numpy.") or resolved.startswith("numpy.random."):
            return False
    return True


def _library_fix(ctx: RuleContext, lib: Library) -> str:
    """The library's seeding call, for the TensorFlow version the notebook uses: TensorFlow 1's
    graph seed, the seeds of a TensorFlow 2 before 2.7, or the catalogue's. When the notebook
    imports no `tensorflow`, `tf.random.set_seed` needs its import (fair check 41, item 128)."""
    if lib.id != "tensorflow":
        return lib.fix
    if _tensorflow_1(ctx):
        return _TF1_FIX
    # (a name bound to the module itself: `from tensorflow.keras import layers` binds no `tf`)
    tf_imported = any(imp.module == "tensorflow" and imp.imported is None for _, imp in ctx.facts.imports)
    if _tensorflow_before_2_7(ctx):
        return _TF_BEFORE_2_7_FIX if tf_imported else f"`import tensorflow as tf`, then {_TF_BEFORE_2_7_FIX}"
    if not tf_imported and lib.fix.endswith("(or tf.random.set_seed(SEED))"):
        return lib.fix[: -len("(or tf.random.set_seed(SEED))")] + "(or `import tensorflow as tf` and tf.random.set_seed(SEED))"
    return lib.fix


# The packages a library's seeding call (its `fix`) names, one of which must be imported where the
# call goes: `tf.set_random_seed(SEED)` in a cell above `import tensorflow as tf` raises NameError.
_SEED_PACKAGES = {
    "python": ("random",), "numpy": ("numpy",), "torch": ("torch",), "tensorflow": ("tensorflow", "keras", "tf_keras"),
    "polars": ("polars",),
}


# The import a library's seeding call (its catalogue `fix`) needs where nothing imports it yet
# (TensorFlow's is said by `_library_fix`).
_SEED_IMPORTS = {"python": "import random", "numpy": "import numpy as np", "torch": "import torch", "polars": "import polars as pl"}


def _unimported_seed(ctx: RuleContext, catalog: RandomnessCatalog, lib: Library, draw: Draw, others: list[Draw]) -> tuple[str, str]:
    """What a seed in the first code cell needs when the notebook imports `lib` only after `draw`,
    or never (a draw a library makes through another's object: Keras' `flow_from_directory` from
    NumPy): the import there, where the notebook's is; and, for catalogued method draws that take
    a seed keyword of their own, that keyword, the direct fix ("" if not) (fair check 53, item 150:
    "np.random.seed in the first code cell", NumPy imported first in cell 31)."""
    packages = _SEED_PACKAGES.get(lib.id, ())
    later = next((ca.cell.index for ca, imp in ctx.facts.imports if imp.top_level in packages and imp.level == 0), None)
    where = (f"the notebook imports {lib.label} only in cell {later}" if later is not None
             else f"the notebook does not import {lib.label}")
    needs = f"importing it there (`{_SEED_IMPORTS[lib.id]}`: {where})"
    keywords = {
        entry.own_seed_keywords[0] for d in (draw, *others) for entry in catalog.method_draws
        if entry.library == lib.id and d.call.method in entry.methods and entry.own_seed_keywords
    }
    methods = {d.call.method for d in (draw, *others)}
    # (every draw a method call the catalogue knows, all taking one keyword: `….flow_from_directory(…, seed=SEED)`)
    if len(keywords) == 1 and all("." not in d.qualified and d.shown.endswith("()") for d in (draw, *others)):
        (keyword,) = keywords
        calls = " and ".join(f"`{m}(…)`" for m in sorted(methods))
        return needs, f"Pass {keyword}=SEED to {'each ' if len(others) else ''}{calls}"
    return needs, ""


def _seed_import_cell(ctx: RuleContext, library: str, draw: Draw) -> int | None:
    """The cell of the notebook's first import of a package `library`'s seeding call names, when
    it is at or before `draw`'s cell (fair check 35, item 134: TensorFlow imported only in cell 21,
    the fix said to seed it beside the NumPy seed of cell 3); None when nothing imports one."""
    packages = _SEED_PACKAGES.get(library, ())
    for ca, imp in ctx.facts.imports:
        if imp.top_level in packages and imp.level == 0:
            return ca.cell.index if ca.cell.index <= draw.ca.cell.index else None
    return None


def _reset_before(ctx: RuleContext, draw: Draw) -> tuple[int, int] | None:
    """The last module-level `tf.reset_default_graph()` (cell, line) that runs before `draw`'s
    place: it drops the graph seed set before it, so a TensorFlow 1 seed goes after it (fair check
    35, item 129: cell 16 resets the graph, then builds the seq2seq model, and the fix named the
    NumPy seed of cell 6)."""
    place = (draw.ca.cell.index, draw.call.line)
    unrun = unrun_lines(ctx.facts)
    found: tuple[int, int] | None = None
    for ca in ctx.facts.cells:
        if ca.cell.index > place[0]:
            break
        dead = unrun.get(ca.cell.index, frozenset())
        for call in ca.facts.calls:
            if call.in_function or call.line in dead or call.method != "reset_default_graph":
                continue
            if (ca.cell.index, call.line) < place and ctx.facts.resolve(call.func).startswith("tensorflow."):
                found = max(found or (0, 0), (ca.cell.index, call.line))
    return found


def _graph_block(rf: RandomnessFacts, draw: Draw) -> GraphBlock | None:
    """The `with graph.as_default():` block whose graph `draw`'s ops are built in (around the call,
    or around the call site that runs its def). TensorFlow 1's `tf.set_random_seed` seeds the graph
    that is the default where it is called, so a seed above the block seeds another graph (fair
    check 35, item 138: word2vec's ops built under `graph = tf.Graph()`, `with graph.as_default():`).
    A `with sess.as_default():` makes a session the default, not a graph: only names bound to
    `tf.Graph()` count."""
    when = rf.draw_moment(draw)
    return rf.graph_at(when) if when is not None else None


# A seeding function assigned to instead of called (`np.random.seed = 100`, `torch.manual_seed = 0`):
# it seeds nothing, and rebinds the library's function to the value, so a later call of it raises
# TypeError (fair check 36, item 141: the author plainly meant to fix the picks that follow). The
# text test only skips cells that cannot hold one; the catalogue's `[[seed]]` calls decide.
_SEED_ASSIGNMENT = re.compile(r"\.\s*\w*seed\w*\s*=(?!=)")


def _seed_assignments(ctx: RuleContext, catalog: RandomnessCatalog) -> tuple[tuple[CellAnalysis, int, int, str, str, frozenset[str]], ...]:
    """(cell, line, column, the target as written, the value as written, libraries) of each
    assignment to a catalogued seeding call (`np.random.seed = 100`), in notebook order."""
    found = []
    for ca in ctx.facts.cells:
        if not _SEED_ASSIGNMENT.search(ca.masked.python):
            continue
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        lines = ca.masked.python.splitlines()
        for node in nodes_of(tree, ast.Assign):
            for target in node.targets:
                shown = dotted_name(target) if isinstance(target, ast.Attribute) else ""
                seed = _first_match(ctx.facts.resolve(shown), catalog.seeds) if shown else None
                if seed is not None and seed.seeds:
                    column = character_column(lines[target.lineno - 1], target.col_offset) if target.lineno <= len(lines) else target.col_offset
                    found.append((ca, target.lineno, column, shown, ast.unparse(node.value), frozenset(seed.seeds)))
    return tuple(sorted(found, key=lambda f: (f[0].cell.index, f[1], f[2])))


def _block_fix(lib: Library, block: GraphBlock, seeding: str, others: Iterable[GraphBlock] = ()) -> str:
    """RND001's fix for a TensorFlow draw built in `block`'s graph. `others`: the graphs of the
    library's other unseeded draws (its related locations), when they are other graphs: each
    `tf.Graph()` is seeded only by a seed set while it is the default, so every block needs its own
    (fair check 36, items 129, 134, 138, 140: the Udacity assignments build a new graph per model)."""
    named = not block.shown.endswith(")")
    blocks = [block]
    for other in others:
        if other is not None and all(other.graph != b.graph for b in blocks):
            blocks.append(other)
    if len(blocks) > 1:
        places = [f"cell {b.cell} (line {b.line})" for b in blocks]
        which = f"`with {block.context}:` block" if all(b.context == block.context for b in blocks) else "graph block"
        return (f"Seed {lib.label} inside each {which} that builds its ops, before them: {', '.join(places[:-1])} and "
                f"{places[-1]}. {seeding} seeds the graph that is the default where it is called, and each of these "
                "blocks makes another graph the default: a seed set in one does not reach the others"
                + (" (or set `.seed = SEED` on each new graph)" if named else ""))
    return (f"Seed {lib.label} inside the `with {block.context}:` block (cell {block.cell}, line {block.line}), before its ops: "
            f"{seeding} seeds the graph that is the default where it is called, `{block.shown}` only inside the block"
            + (f" (or set `{block.shown}.seed = SEED`)" if named else ""))


class UnseededRandom(Rule):
    code = "RND001"
    name = "unseeded-random"
    family = Family.RANDOMNESS
    severity = Severity.WARNING
    summary = "A random draw runs before any seed is set for its library."
    what_it_does = (
        "Finds calls that draw from a library's global random state — Python's `random`, "
        "`numpy.random`, PyTorch (`torch.rand*`, layer construction, MONAI's networks, shuffling `DataLoader`s (MONAI's too), "
        "`tensor.uniform_()`…), TensorFlow/Keras (`tf.random.*`, weight-bearing layers, StellarGraph's models "
        "(`GraphSAGE(…)`, `GCN(…)`, `Attri2Vec(…)`, `link_classification(…)`: Keras layers initialised from TensorFlow's "
        "global seed, which `stellargraph.random.set_seed` does not set), TensorFlow 1's "
        "`tf.random_normal`/`tf.layers.dense`, `tf.get_variable` without an initializer (its default glorot-uniform; not "
        "for an integer dtype), `BasicLSTMCell`/`BasicRNNCell` and `LSTMCell`/`GRUCell` without an initializer, the legacy "
        "seq2seq models that make their own embeddings (`tf.contrib.legacy_seq2seq.embedding_attention_seq2seq`), "
        "`tf.nn.sampled_softmax_loss`/`nce_loss` without `sampled_values` and the candidate samplers (the variables' draws "
        "not in a notebook that restores a checkpoint it does not save itself, `saver.restore(sess, path)`), "
        "and Estimator input functions with `shuffle=True`, a Hugging Face "
        "dataset's `prepare_tf_dataset`/`to_tf_dataset` with `shuffle=True`), Keras' `skipgrams` (Python's "
        "`random`), fastai "
        "training (`learn.fine_tune(…)`, `fit_one_cycle`: its augmentations and shuffling draw from "
        "Python's `random`, and its new head's weights and dropout from NumPy's and torch's; fastai's `set_seed` seeds all three, and is the fix given; fastai 1's, recognised by its data API (`ImageItemList`, "
        "`*DataBunch`, `.databunch()`, `create_cnn`) and no fastai 2 name, draws from torch's generator), Hugging Face text generation that samples (a `pipeline(\"text-generation\")` or any pipeline with `do_sample=True`, `model.generate(…, do_sample=True)`: torch's generator, TensorFlow's with `framework=\"tf\"`; `transformers.set_seed` seeds it; a `text2text-generation`/`summarization`/`translation` pipeline decodes greedily unless told to sample) and pandas' "
        "`.sample()` without `random_state`, which uses NumPy's, and PyMC3's `pm.sample(…)` without `random_seed`, whose "
        "chain seeds it draws (PyMC 4+'s comes from a fresh generator instead: RND002's) — and reports each one that no "
        "seeding call for that library precedes, in a cell above or earlier in the same cell (one finding per library; when "
        "the function holding the reported draw also draws from another unseeded library, `data.sample(n)` beside "
        "`random.randint`, the message names that source too and the fix seeds both). "
        "TensorFlow's graph-level seed (`tf.set_random_seed`, `tf.random.set_seed` in graph mode) belongs to the graph that is "
        "the default where it is set: a seed outside `with graph.as_default():` (or `with tf.Session(graph=graph):`, `graph` "
        "a name bound to `tf.Graph()`; `with sess.as_default():` makes no graph the default) does not reach the ops built "
        "inside it, a seed inside it reaches only those, and a draw in a def follows the graph of the call that runs it (a "
        "method a class's `__init__` calls inside its own graph block, `self.build()` under `with self.g.as_default():`, "
        "is built in that graph; a def's own `g = tf.Graph()` is another graph than a module-level `g`); ops built in a "
        "graph the cell then deletes with every name its block bound (`del g, x`), no session run on it, draw nothing "
        "(a shape test of a layer function): a def first run there counts from its first run in another graph; in "
        "graph mode (TensorFlow 1 calls, or `disable_eager_execution`) a `tf.reset_default_graph()` after the seed drops "
        "it. A catalogued call that re-seeds libraries from the OS's entropy when not given its seed keyword (trax's "
        "`training.Loop(…)` without `random_seed`) undoes the seeds before it for the draws after it, and is itself reported "
        "as an unseeded source (at the first such call, unless a finding of one of its libraries names it in its fix): the "
        "run it drives starts from fresh entropy. The message then names the seed that does not reach the draw and why. "
        "Calls are resolved through the notebook's imports, so `import numpy.random as npr` and "
        "`from random import shuffle` are followed, and so are names a star import re-exports "
        "(`np.random.seed(42)` after `from fastbook import *`: `[[star_reexport]]` in io_calls.toml). "
        "A draw in a branch that never runs (`if False:`, `if 0:`, `if 0 == 1:`, the `else` of `if True:`, or the same "
        "under a switch: a name the notebook binds only to one literal `True`/`False`/`0`/`1`/`None` at the top of its cells, "
        "`load_pretrained = True` then `if load_pretrained: … else: <build the model>`) is not reported, "
        "nor one inside a module-level def or class (undecorated) that nothing runs and whose name no code of the notebook "
        "mentions outside its definition (no call, build, subclass, callback or string naming it as code: the name alone "
        "in its quotes or called in it; a comment, an attribute `lm.score` or a path `'data/rent-ideal.csv'` names no "
        "`def rent`): it never runs. "
        "A method of an object the catalogue knows draws by its class (`[[method_draw]]` `receiver_classes`) is one only on "
        "a name last bound to that class, by a call of it or of a loader given its name: alibi-detect's OutlierVAE "
        "(`od = fetch_detector(path, 'outlier', 'kddcup', 'OutlierVAE')`) samples TensorFlow in `od.predict`, "
        "`od.infer_threshold`, `od.score` and `od.vae(x)`; Keras' ImageDataGenerator (`datagen = ImageDataGenerator(…)`) "
        "shuffles and draws its random transforms from NumPy in `datagen.flow(…)`, `flow_from_directory(…)` and "
        "`flow_from_dataframe(…)`, unless given `seed=` or `shuffle=False`. "
        "A draw given its own seed or generator by keyword (`generator=g`, `random_state=rs`, `seed=`) is not reported, "
        "nor one passed `**kwargs` (the seed may be in there); a `*args` unpacking passes only positional "
        "arguments, so `np.random.randn(*X.shape)` is a draw like any other. "
        "A seed or draw inside a function counts where "
        "the function first runs, not where it is defined: a `set_seed()` helper that is never "
        "called seeds nothing. A function called from another counts at that call inside the "
        "caller's run, so a seed at the top of `training_loop` seeds the draws of the "
        "`get_dataloaders()` it calls after the seed (also when `training_loop` is passed to "
        "`notebook_launcher` or `mp.spawn`, which run it). One finding per library, at its first unseeded draw (the root "
        "cause: the library is never seeded before it; a first draw in a branch of an `if` gives way to a later draw of "
        "the same cell and function outside one, which certainly runs; a first draw whose value only reaches a figure or a display, a random walk plotted, gives way to the first later one whose value is used); its other unseeded draws are listed in the "
        "message and as related locations. When the notebook seeds other libraries but never this "
        "one (RND003's case), the message names the first seeding call that runs and lists it as a "
        "related location too: the fix goes beside it, and RND003 does not report the library again. "
        "A shuffling `DataLoader` draws its order when it is iterated, not when it is built: "
        "bound to a name, it is placed (and reported) at the first read of that name that may "
        "iterate it (a `for`, `iter()`, a call it is passed to, or a function that reads it, where "
        "that function first runs; not `len(loader)`, `loader.dataset` or the loader shown by a cell's bare expression, "
        "`train_dl, test_dl`), with where it was built "
        "related; one that nothing iterates before its name is bound anew draws nothing, and so does a torchvision "
        "`Random…` transform given only to datasets given only to such loaders (reads that only show them, count them or "
        "ask for their `classes` load no sample). "
        "The fix names the seeding call of the TensorFlow the notebook uses: `tf.set_random_seed` for "
        "TensorFlow 1 (a notebook calling `tf.Session`, `tf.placeholder`, `tf.contrib`…, importing "
        "`tensorflow.examples.tutorials` or pinning TensorFlow 1 beside it); for a TensorFlow 1 draw built inside "
        "`with graph.as_default():` it says to seed inside that block (the call seeds the graph that is the default "
        "where it runs), and inside each such block when the library's draws are built in several graphs (each "
        "module-level `graph = tf.Graph()` makes another graph, even under the same name, which a seed set in an earlier "
        "block of that name does not reach); after a `tf.reset_default_graph()` that runs before the draw (and after the notebook's seed), it says to "
        "seed right after that reset, which drops a graph seed set before it. The fix's place is the first code cell, or beside the notebook's existing seed (not when that seed is a call "
        "inside a function's body, which the message says: a seed there runs only with that function), unless the "
        "package the seeding call needs is first imported in a later cell: then it names that cell. A catalogued call that "
        "re-seeds libraries itself, from its seed keyword or else from the OS's entropy (trax's "
        "`training.Loop(…, random_seed=SEED)`: random, NumPy and TensorFlow), seeds them when given the keyword; run "
        "without it, the fix of those libraries also says to pass it (a seed set before it does not reach the draws "
        "after it). An Estimator input function "
        "(`numpy_input_fn(shuffle=True)`) takes no seed and its Estimator ignores a global one, so it is "
        "reported whatever seed precedes it: the fix is `RunConfig(tf_random_seed=…)` and a `tf.data` input "
        "shuffled with `seed=`. "
        "The layers of standalone multi-backend Keras before 2.4 (a saved \"Using TensorFlow backend.\" output, or "
        "`keras` imported beside TensorFlow 1 calls) take their seeds from NumPy (`np.random.randint` when no seed is "
        "given): they are NumPy draws, seeded by `np.random.seed`, and the fix says so (that Keras has no "
        "`keras.utils.set_random_seed`); `tf.keras` and later Keras are TensorFlow's. "
        "A seeding function assigned to instead of called (`np.random.seed = 100`, `torch.manual_seed = 0`) seeds nothing "
        "and replaces the function by the value: the finding of its library names that line (a related location) and its "
        "fix is the call (`np.random.seed(100)`), in place of the assignment when it runs before the draw. "
        "A draw on a line with `# noqa: RND001` is left out. "
        "Layer constructions are not reported for a library whose weights the notebook loads "
        "(`load_weights`, `load_state_dict`, a notebook class's `from_pretrained`, `monai.bundle.load(…, model=net)`): their random "
        "initial weights are replaced; not when the loaded file is one the notebook saves itself "
        "(`ModelCheckpoint(path)`, `save_weights(path)`, then `load_weights(path)`, also a path built the same way, "
        "`out + \"/best.h5\"`, or one file of a checkpoint template, `out + \"/weights.{epoch:02d}.hdf5\"` then "
        "`load_weights(out + \"/weights.04.hdf5\")`: those weights were trained "
        "from its own draws; nor when what is loaded is another of its networks' weights, "
        "`target.load_state_dict(policy.state_dict())`, `set_weights(model.get_weights())`: a copy of its own draws; nor a "
        "state dict read back by `torch.load` from a file it saves to, `load_state_dict(torch.load(save_file_name))` or "
        "`checkpoint = torch.load(path)` then `load_state_dict(checkpoint['state_dict'])`; nor when it is one layer's, `emb.set_weights([matrix])` on a "
        "name the cell binds to a Keras layer, which only makes that layer draw nothing), nor for a pretrained backbone (`weights=\"imagenet\"`, `pretrained=True`), which "
        "loads only its own layers: the head built on top of it starts from random weights; so does the head a notebook "
        "class builds beside a `from_pretrained` backbone (`self.lm = TFDistilBertModel.from_pretrained(name)`, "
        "`self.head = Sequential([Dense(512), Dense(2)])`), and the head built on a library class's `from_pretrained` "
        "model (`bert = TFDistilBertModel.from_pretrained(name)`, then `Dense(2)(bert(ids)[0][:, 0])`), which fills only "
        "the model it returns; a tokenizer's, config's or processor's `from_pretrained` loads no weights. A Keras layer that draws only while its model trains (`Dropout`, `SpatialDropout2D`, "
        "`GaussianNoise`, `GaussianDropout`, `AlphaDropout`) is not reported either in a notebook that loads TensorFlow "
        "weights and whose training calls (`fit`, `fit_generator`, `train_on_batch`, `apply_gradients`, a call passed "
        "`training=`…) never run: each is in a branch that never runs, under the run's configuration too (a name bound "
        "only to `True`/`False`/`0`/`1`/`None` at the top of one cell, the last binding being what the cells below read, "
        "`train = True` … `train = False`; a parameter whose False/None default every call of its module-level def "
        "leaves, `def play(net, episodes, train=False): … if train: net.fit(…)`), or in a function every mention of "
        "whose name is in such a branch: the loaded model only predicts, and its dropout masks are never drawn. "
        "Trained after the load (fine-tuning), or trained before it, it is reported. A Keras `Embedding` given its "
        "vectors (`embeddings_initializer=Constant(matrix)`, `weights=[matrix]`) draws nothing: the finding names the first "
        "layer that does. Nor does a PyTorch `Linear`/`Conv`/`ConvTranspose` layer whose weight and bias (unless `bias=False`) "
        "the statements after it in the same block set to constants (`nn.init.zeros_(self.linear.weight)`, `constant_`, "
        "`ones_`, `.weight.data.zero_()`, `.fill_(c)`), nor a `DataLoader` whose batch size is `len()` of the dataset it is "
        "given (`batch_size=len(ds)`): its one batch is the whole dataset, and a shuffle of it changes no full-batch sum. "
        "A head a checkpoint lacks is "
        "not loaded, though: `AutoModelFor….from_pretrained(…, num_labels=…)` (or "
        "`ignore_mismatched_sizes=True`) initialises it from torch's (`TFAutoModelFor…`: "
        "TensorFlow's) generator, as `peft.get_peft_model` does the LoRA adapters, and is reported "
        "unless seeded (not when its cell's saved output lacks transformers' \"newly initialized\" "
        "warning). `transformers.Trainer(...)` is a seeding call: it runs `set_seed(args.seed)` "
        "when built, so draws after it are seeded. Nor are random inputs that "
        "only feed a timing: draws in a `%%timeit` cell or in the statement of a `%timeit` line "
        "(`%timeit f(np.random.rand(9))`), and `L = <draw>` when every other read of "
        "`L` is the statement of a `%timeit` or `%time` line (`%timeit L.sort()`), a `%%time` cell whose names "
        "only other such timings read, a copy `L_list = list(L)` read only in those ways in turn, or shows only its "
        "shape (`L.shape`, `len(L)`): the time does not depend on the numbers; nor is a shuffling loader whose only "
        "iteration is a module-level loop that throws every batch away (`for X, y in loader: continue`) between two "
        "clock reads of its cell (`time.time()`, `time.perf_counter()`), the loop's names read by nothing after it; "
        "nor a draw in a module-level loop bound to names (and names computed from them earlier in the loop) read only "
        "as arguments of calls whose results are thrown away, between `start = <clock>()` and `<clock>() - start` in "
        "the same loop (a clock function of the notebook's own, `lambda: time.time() * 1000`, counts), and by nothing "
        "below the loop before a rebinding in the reading cell: random instances of a solver timed by hand. "
        "Nor are the random inputs of a property "
        "check, a module-level loop whose body only binds names and asserts (`y = np.random.normal(…)`, `assert "
        "np.allclose(mine(y), reference(y))`), none of those names read outside it; nor a module-level draw bound to names "
        "that, followed forward cell by cell (an assignment computed from a followed name binds one; a plain rebinding "
        "from anything else cuts a name off, unless it may not run), are read only by `assert`s and shape prints "
        "(`print(y.shape)`), also inside the notebook's own functions they are passed to, an assert reading them: a "
        "check cell whose names a later cell rebinds before reading (`w = {…}`), or a check spread over cells (`x = "
        "torch.randn(…)`, `y = conv(x)` below, an assert loop further down). Nor is a drawn value all of whose followed "
        "names are cut off so before anything else reads them (`cols = random.sample(…)`, `df = pd.read_csv(big, "
        "usecols=cols)`, then `df = pd.read_csv(\"pinned.csv\")`): a run from the top throws it away; a layer put into a model by a statement `model.add(Dense(10))` (or an "
        "item into a list by `append`/`extend`/`insert`) is followed as that name, so a `Sequential` built layer by layer and "
        "rebound to another model before anything reads it throws its draws away too. Nor is a model "
        "built at module level and never read again (`lda = LdaModel(corpus)` in a library tour): "
        "its random initialisation reaches nothing (see RND002). Nor are the layer constructions of a notebook class "
        "(`self.fc = nn.Linear(3, 5)`) whose every instance is bound at module level (`model = MultipleOutput()`) and "
        "only shown as a structure: printed or left alone as a cell's expression, summarised (`torchinfo.summary`), drawn "
        "as a graph (`writer.add_graph(model, x)`), or exported with `torch.onnx.export` to a file that only a graph view "
        "reads (`writer.add_onnx_graph(model_filename)`); a class mentioned any other way, an instance called, trained or "
        "saved, or an exported file read by anything else or by nothing (the export is then the deliverable) keeps them. "
        "Nor are the layers of a module-level `net = torch.nn.Sequential(…)` (the notebook's only binding of `net`) "
        "whose every other mention is such a view (`print(net)`). "
        "Nor is a draw that is the whole right side of a "
        "module-level assignment to names nothing else in the notebook reads while two or more code cells follow "
        "(`colors = np.random.rand(50)` in a tutorial whose plots then use fixed colours): it reaches nothing (the "
        "last cells of a notebook cut short stay reported); nor one bound so inside a module-level loop or block "
        "(`dummy_img = torch.rand(32, 3, 64, 64)` in a logging demo's loop) when no statement of its cell reads the name, "
        "no cell below mentions it, cells above read it only at their module level, and a statement follows it in its block "
        "or two cells follow. A draw inside a kfp lightweight "
        "component (a function given to `func_to_container_op`/`create_component_from_func` or "
        "decorated `@dsl.component`) runs in a container of its own: compiling the pipeline does not "
        "run it, and only a seed in the component's own body, above the draw, seeds it; so does the body of a SageMaker "
        "pipeline step (`@step` of `sagemaker.workflow.function_step`: calling it only returns a `DelayedReturn`, the "
        "body runs in a job when the pipeline starts) or remote function (SageMaker's `@remote`, `@ray.remote`), and "
        "the message names it so, not a cell of the notebook as where it first runs. Nor are draws whose value is only shown: an expression statement that "
        "is the draw (`df.sample(10)`, `np.random.rand(3)`, a frozen SciPy distribution's `dist.rvs(10)`), a selection or method chain on it "
        "(`df.sample(5).head()`), or `print`/`display` of one; a different sample changes what is "
        "shown, not what the notebook computes (an in-place `random.shuffle(items)` stays reported). "
        "Nor are random indices that only pick which examples a figure shows: `L = <draw>` whose every "
        "read, all in its cell, is the statement of a matplotlib call (`plt.imshow(images[L[i]])`) or "
        "`x = L[i]` read only so. Nor are draws whose value reaches only displays, followed through "
        "the names bound from it, loops and conditions on it, method chains on it, a call it only seeds (`df.sample(frac=.1, "
        "random_state=np.random.randint(10))`, also `seed=`, `random_seed=`: its result), NumPy/pandas/builtin "
        "functions of it (and `os.listdir`/`os.path` of a picked folder, a tensor reshaped, cast or "
        "rounded for the figure, or by einops' `rearrange`/`repeat`), a call of an object the notebook made (its vectorizer or layer: "
        "`vectorizer([pick])`), a prediction (`model.predict([pick])`, any `predict…` method, StarDist's `predict_instances` among them, which leaves the model as it "
        "was; also a language model's `generate` and a tokenizer's `apply_chat_template`/`encode`/`decode`/`batch_decode`: "
        "a random test conversation and the model's answer printed as a spot check) and a function-local list it is appended to, inside the module-level function "
        "that draws (the notebook's own `show_random_elements(dataset)` that picks rows for "
        "`display(HTML(df.to_html()))`, an experiment tracker's logging of it (`run[\"sample\"].upload(…)`, `.append(…)`, "
        "`.log(…)` on a handle from `neptune.init_run`/`init_project`/`wandb.init`, `.log_row`/`.log_list`/`.log_table` too on "
        "Azure ML's run from `experiment.start_logging()`/`Run.get_context()` in a notebook importing azureml; `.add_image`/`.add_pr_curve`/"
        "`.add_histogram`/`.add_scalar`/`.add_figure`/`.add_embedding`/… on a TensorBoard `SummaryWriter` (torch's or tensorboardX's, "
        "a noise grid tiled by `torchvision.utils.make_grid`); `wandb.log`, `mlflow.log_image`/"
        "`log_figure`/`log_artifact`/`log_metric(s)`/`log_param(s)`/`log_dict`/`log_text`/`log_table`, a whylogs `why.log(…, debug_event=…)` event: put up for people to look at), "
        "scikit-learn's `*Display.from_predictions`/`from_estimator` and plotly's figures (`px.line`, `go.Scatter`, "
        "`fig.add_trace`, `fig.write_image`/`write_html`: a picture, not a result), the example input of a "
        "shape-only consumer (`torch.jit.trace(model, x)`, `torch.onnx.export(model, x, …)`, `torch.export.export`, "
        "`torchinfo.summary(input_data=x)`, `writer.add_graph(model, x)`: they record operations, not numbers), a colour drawn for `ax.imshow` or as the colour argument of an OpenCV drawing call, `cv2.polylines(img, pts, False, colour)`) or, at module level, through "
        "the later cells in order (a method of a drawn value ending its cell, whose value Jupyter shows: `subset.head(20)` "
        "after `subset = df.sample(n=20)`, not a statistic of it, nor a method of a model trained with draws, `lda.print_topics()`; a tf.data `ds.shuffle(n)` whose dataset only a `print` loop over "
        "`ds.take(2)` reads; a lecture's `W = torch.randn(…)` whose `(x @ W).exp()` is only shown before a seeded "
        "`W` replaces it; a statistic kept in shape to broadcast back, `counts / counts.sum(1, keepdims=True)`, "
        "is part of the followed value, and so are the values centred or scaled by their own statistics, `x - x.mean(dim=0)`, "
        "`x / torch.std(x)`, `(x - x.mean()) / (x.max() - x.min())`: a normalisation). A value passed to one of the notebook's module-level functions is followed into "
        "its body as the parameters it binds (the call's value depends on it when the function returns it); a value a "
        "module-level function returns is followed into each of its callers, when every mention of the function's name "
        "is a direct call (random label colours returned by `random_palette`, painted by `paint`, shown by `show_labels`' "
        "`imshow`), and a value a method of the notebook's class returns into each call of the method, on `self` in the "
        "class's methods or at module level on a name only ever bound to an instance of the class, whose call ending its "
        "cell shows the value (a Markov chain's `next_state` draw, printed, and walked by `walk`, whose list `A.walk('cold', "
        "10)` ends a cell; `np.argmax` of a one-trial `np.random.multinomial(1, p)` is the category drawn, not a statistic); a list shuffled in place (`np.random.shuffle(colours)`) is followed from the shuffle, an in-place "
        "PyTorch method writing it into a function-local array (`out[i].masked_fill_(mask, colour[i])`) or, at module "
        "level, into another tensor (`y.add_(x)`) follows that one, a name a loop's body binds afresh from another value "
        "(a later cell's own `idx = np.random.randint(m)` at the top of its loop) no longer holds it for the rest of the "
        "turn, a sampling `model.generate(…, do_sample=True)` is followed from its tokens, and an `assert` reading it neither uses nor shows it. "
        "A function or method whose name says it shows (`display_*`, `show_*`, `plot_*`: Mask R-CNN's "
        "`visualize.display_top_masks(image, mask, …)`, an imported `display_images`; not the notebook's own defs, whose "
        "bodies are followed) is a display, and so is a display method of the value itself (`df.boxplot()` of a frame of the "
        "draws); a name bound to what a display returns (`caps = ax.boxplot(s)`, its artists) and never read is no result. "
        "An item getter of one of the notebook's objects (`dataset.load_image(image_id)`, any `get_*`/`load_*` method but "
        "the weight loaders) given the value, whose result is taken (not a statement of its own), is followed from its "
        "result, and so is an image reader given it (`load_image_as_tensor(filename=path)`, `load_img(path)`, `imread(path)`: "
        "the picked file's pixels). A statistic of a plain name computed from a draw of one item (`random.choice(names)`, "
        "`np.random.randint(0, n)` without a size) is that item's, `pred_prob.argmax()` its predicted class, unless the name is "
        "a list grown from the picks. A comprehension's variables are its own (a later `[int(x) for x in other]` does not read an earlier `x`), "
        "and a helper defined more than once with the same code is followed whichever definition runs. "
        "A value yielded, stored outside the function, "
        "passed to another object's method (`model.fit(ds)`), reduced to a statistic "
        "(`idx.sum()`, `np.mean(sample)`; not a statistic of a handful of values drawn once, at most 25 by literal sizes, "
        "as they were drawn: `number = np.random.randint(1, 20, 5)` then `print(number.max())` shows the method on an "
        "example array, and such a handful filling one column of a toy frame, a key of the dict literal given to "
        "`pd.DataFrame` whose two or more other columns are written out (`{\"var1\": [1.3, np.nan, 0], \"var2\": "
        "np.random.randint(-10, 10, 3), \"sample\": \"s1\"}`), is filler, whatever the frame is used for; also a count or sum accumulated from the draws in a loop, `inside += 1` under a "
        "test on a drawn point or `total += x`: a Monte Carlo estimate, printed or not; not the elements of the drawn array "
        "itself rewritten in a loop, `ar[step] += rho * ar[step - 1]`, a series built from it; a name a loop binds from "
        "the value and the loop's own state, a name the loop rebinds from its value of the turn before (`posterior_mean = "
        "posterior_cov * xi.T * yi` beside `posterior_cov = np.linalg.inv(S_inv)`, `S_inv` made from `posterior_cov`), "
        "is that iteration's estimate: shown as numbers, ending a cell or printed, it is used, plotted it is shown; and a statistic of the row of "
        "one picked item, `np.argmax(labels[i, :])` in a loop over the picks, is that item's), bound at module level and never read, or read by a magic "
        "or a cell that does not parse is used, and the draw stays reported. "
        "Nor is a draw reported that makes a resource's name unique: its value only becomes part of a string "
        "bound to an identifier's name (`…name`, `…filename`, `…suffix`, `…prefix`, `…id`, `…tag`, `…version`) or passed as one "
        "(`name=`), through an f-string field, `str(…)`, `\"\".join(…)` or `\"text\" + …` "
        "(`endpoint_suffix = \"\".join(random.choice(chars) for _ in range(5))`, "
        "`endpoint_name = f\"ep-{random.randint(0, 10000)}\"`), or a name it binds is read only in such strings "
        "(`rand = random.randint(0, 10000)`, then `account_name = f\"store{rand}\"`): the name is meant to differ on "
        "every run (seeded, a run would collide with the endpoint the last one created), and no result depends on "
        "it. A random string bound to another name (`sequence = \"\".join(random.choice(\"ACGT\") …)`) is data and "
        "stays reported. "
        "`random.seed()` / `np.random.seed()` with no argument re-seed from "
        "the operating system and do not count. A call of a seeding helper of the project's own code "
        "(`from utils.reproducibility import set_global_seeds`: a module or package beside the notebook, a "
        "package in a folder above it up to the project root, or in its parent folder when a cell puts that on "
        "the import path; also re-exported by a package's `__init__.py`) counts as the catalogued seeding calls "
        "its body always makes: the module is read, never imported or run, and calls under an `if`, in a loop or "
        "in an `except` do not count (a `try` body, its `else` and a `with` body do); passed the literal None, it "
        "does not count. A seeding call whose value is a parameter of its function (`def make_data(n, seed=None): "
        "if seed is not None: np.random.seed(seed)`) seeds only from the calls of the function that pass it a "
        "value other than None (the function's own draws on a run without one are reported). "
        "The `.sample()` of an object bound from one call of a class another package exports "
        "(`sampler = TickBarSampler(ticks_per_bar=100)`, `model = GReaT.load_from_dir(path)`, also in an "
        "`if`/`else` at the top level) is that class's own method, not pandas'. Nor is a Gym/Gymnasium space's "
        "(`env.action_space.sample()`, `….observation_space.sample()`, a name bound to one or to a `gym.spaces` "
        "class): the space samples from its own generator (gym up to 0.10: one seeded 0 at import; later gym and "
        "Gymnasium: the space's, seeded from the OS's entropy unless `env.action_space.seed(n)`), which "
        "`np.random.seed` does not reach; it is not counted as a draw (which gym runs is seldom readable), and the "
        "unseeded environment's RND002 finding says to seed the action space too. The random inputs of a "
        "straight-line check cell (it only imports, binds names and asserts, and nothing else reads those "
        "names) are left out as a property-check loop's are. "
        "It also reports generators created without a seed "
        "(`np.random.default_rng()`, `np.random.RandomState()`, `random.Random()`), whatever "
        "global seed came before, because they never read it; a generator that is the fallback of a "
        "module-level function's parameter (`if rng is None: rng = np.random.default_rng()`) only when some call "
        "of the function leaves the parameter out or passes None, once per notebook with the other such "
        "functions related. The catalogue is "
        "`rules/randomness.toml`."
        " In a Python 2 notebook (STR004's), a cell that fails to parse only for its `print x` statements is read "
        "with them written as calls (`print(x)`, every other character where it was), so its draws count."
        " Nor is a draw whose only reader is `time.sleep` (a random pause changes the run's timing only), "
        "nor one in a module-level function that stands for work: its body only pauses with `time.sleep`, binds "
        "local names and returns, calling nothing but the pause, its draws and pure builtins (`def parse_file(fn): "
        "time.sleep(random.random()); return [random.random() for _ in range(random.randint(1, 10))]`), so what it "
        "returns is a placeholder for a real task's output (a function that also fetches or computes with another "
        "call is no stand-in), "
        "nor one that only picks the process `os.kill` signals (a simulated failure of one of interchangeable workers)."
        " An unseeded generator made at module level whose draws reach only displays is not reported either; on the way, "
        "a check that two values computed from the draws agree (`np.allclose(C, C8)`, `np.abs(C - C8).max()`, "
        "`np.linalg.norm(A - B)`, two different names) is shown, not a statistic, and draws accumulated in a loop into "
        "a NumPy array made for them (`C = np.zeros((N, N))`, then `C += c[i] * P`) build a matrix, not a count or a sum."
        " A name left unread among those unpacked from the value (`values, times, noise = simulate(100)`) is a "
        "discarded part, not a result computed from the draw."
        " The random test matrices of such a printed check (`M = np.random.randn(10, 10)`, `P, L, U = lu(M)`, "
        "`print(np.allclose(P @ M, L @ U))`, its mean residual `np.mean(np.abs(P @ M - L @ U))`), also drawn afresh "
        "in each pass of a module-level loop of checks, may be printed themselves, with their norms and dot products, "
        "beside the check, and may pass through the notebook's helpers that loop and branch on them: the check holds "
        "for any draw. Printed with no check beside them, or kept or saved, they stay reported."
        " A draw in the body of a module-level def that a later def of the same name replaces before its first call "
        "is not reported: that body never runs (the draw of the def that runs carries the finding)."
        " A draw in a default value of a module-level def that nothing names is not reported (only the body, which "
        "never runs, reads it)."
        " When the notebook says in its Markdown or a comment that its runs are meant to differ (\"the seeds are not "
        "fixed\", \"rerun to see different results\"), the finding stays, quoting it: the fix is a seed parameter, "
        "unseeded by default, not a fixed seed."
    )
    why_bad = (
        "An unseeded draw gives a different train/test split, initialisation or sample on every "
        "run: metrics move between runs for no reason, a bug cannot be reproduced, and the "
        "compiled pipeline cannot be checked against the notebook's saved outputs. Seeding "
        "*after* the draw is as bad as not seeding: the first draw already came from fresh entropy."
    )
    example = (
        "import numpy as np\n"
        "idx = np.random.permutation(len(df))   # reported\n"
        "np.random.seed(42)                     # too late"
    )
    use_instead = (
        "import numpy as np\n"
        "SEED = 42\n"
        "rng = np.random.default_rng(SEED)\n"
        "idx = rng.permutation(len(df))"
    )
    passing = (
        # Random instances of growing size, each only the input of a solver timed by hand in the loop
        # (`start = clock()` … `clock() - start`), its result thrown away: only the run times are kept
        # (fair check 46, item 144).
        Example(cells=(
            "import time\nimport numpy as np\nclock = lambda: int(round(time.time() * 1000))\n"
            "def solve(c, w, v):\n    return max(v[w <= c], default=0)",
            "times = []\nfor k in range(5, 20):\n    w = np.random.randn(k)\n    v = np.random.randn(k)\n"
            "    c = np.quantile(w, 0.75)\n    start = clock()\n    solve(c, w, v)\n    times.append(clock() - start)\n"
            "print(times)",
        )),
        # einops' `rearrange`/`repeat` only move and copy the drawn numbers: a tensor reshaped so and
        # shown only by its shape reaches nothing but the display (fair check 34, item 138).
        Example(cells=(
            "import torch as t\nfrom einops import rearrange, repeat",
            "a = t.rand(16, 3, 64, 64)\ny = rearrange(a, 'b c h w -> b (h w c)')\ny.shape",
            "z = repeat(a, 'b c h w -> b c h w k', k=2)\nprint(z.shape)",
            "print('next section')",
            "print('end')",
        )),
        # fastai v1 (`ImageItemList`, `.databunch()`, `create_cnn`) trains from torch's generator, which
        # `torch.manual_seed` seeds: `fit_one_cycle` reads no Python `random` (fair check 34, item 136).
        Example(cells=(
            "import torch\nfrom fastai.vision import *\ntorch.manual_seed(0)",
            "data = (ImageItemList.from_csv(path, 'train.csv', folder='train', suffix='.jpg')\n"
            "        .random_split_by_pct(0.2, seed=42).label_from_df(label_delim=' ').databunch(bs=64))\n"
            "learn = create_cnn(data, models.resnet50)\nlearn.fit_one_cycle(5, slice(0.01))",
        )),
        # `def rent()` is never called: the path 'data/rent-ideal.csv' names no function (fair check 33, item 101).
        Example(cells=(
            "import numpy as np\nimport pandas as pd",
            "def rent():\n    idx = np.random.permutation(10)\n    return idx",
            "df = pd.read_csv('data/rent-ideal.csv')  # rent data\nprint(df.describe())",
        )),
        # The project's own seeding helper (read, not run: `lab_tools.py` beside the notebook), called
        # before the draw (fair check 18: `set_global_seeds(SEED)` from the repository's utils).
        Example(cells=(
            "import numpy as np\nfrom lab_tools import seed_everything",
            "seed_everything(7)",
            "idx = np.random.permutation(10)\nrows = data[idx]",
        ), files={"lab_tools.py": "import random\n\n\ndef seed_everything(seed=0):\n    random.seed(seed)\n    import numpy as np\n    np.random.seed(seed)\n"}),
        # A generator fallback no call takes: every call passes a seeded `rng=`.
        Example(cells=(
            "import numpy as np\ndef simulate(n, rng=None):\n    if rng is None:\n        rng = np.random.default_rng()\n    return rng.normal(size=n)",
            "path = simulate(10, rng=np.random.default_rng(3))\nprint(path.sum())",
        )),
        # `.sample()` of an imported class's instance (a bar sampler) is its own method, not pandas'.
        Example(cells=(
            "import pandas as pd\nfrom barkit import TickSampler",
            "sampler = TickSampler(ticks=100)\nbars = sampler.sample(trades)\nprint(len(bars))",
        )),
        # A Gym space's `.sample()` draws from the space's own generator, not NumPy's global state
        # through pandas' `df.sample` (fair check 35, item 137): an environment's action space, a
        # name bound to one, a space built from `gym.spaces`.
        Example(cells=(
            "import pandas as pd\nimport numpy as np\nimport gym\nfrom gym import spaces\nenv = gym.make('CartPole-v1')\nobs, _ = env.reset(seed=0)",
            "total = 0\nfor t in range(200):\n    action = env.action_space.sample()\n    obs, reward, done, trunc, info = env.step(action)\n"
            "    total += reward\n    if done:\n        break\nprint(total)",
            "space = env.observation_space\nstates = np.array([space.sample() for _ in range(5)])\nprint(states.mean())",
            "grid = spaces.Discrete(4)\nmoves = [grid.sample() for _ in range(3)]\nprint(sum(moves))",
        )),
        # StellarGraph's layers after `tf.random.set_seed` (fair check 17): seeded.
        Example(cells=(
            "import tensorflow as tf\nfrom stellargraph.layer import GCN\ntf.random.set_seed(1)",
            "gcn = GCN(layer_sizes=[16], activations=['relu'], generator=gen)",
        )),
        # A random suffix that makes a cloud endpoint's name unique on every run.
        Example(cells=(
            "import random\nimport string\nchars = string.ascii_lowercase + string.digits",
            "endpoint_suffix = ''.join(random.choice(chars) for _ in range(5))\nendpoint_name = f'scorer-{endpoint_suffix}'",
            "rand = random.randint(0, 10000)\naccount_name = f'store{rand}'\nprint(endpoint_name, account_name)",
        )),
        # Random indices that only pick which images a figure shows.
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt\nimages = np.zeros((100, 8, 8))",
            (
                "picks = np.random.choice(100, 4)\nfor i in range(4):\n    plt.subplot(2, 2, i + 1)\n    shown = picks[i]\n"
                "    plt.imshow(images[shown])\n    plt.xlabel(shown)"
            ),
        )),
        # Draws that reach only displays: the notebook's own helper that picks rows to show, a
        # tf.data shuffle whose dataset only a print loop reads.
        Example(cells=(
            "import random\nimport tensorflow as tf\nfrom IPython.display import display, HTML",
            (
                "def show_random_rows(frame, count=3):\n    picks = []\n    for _ in range(count):\n"
                "        picks.append(random.randint(0, len(frame) - 1))\n    display(HTML(frame.iloc[picks].to_html()))"
            ),
            "show_random_rows(df)\npreview = tf.data.Dataset.range(10).shuffle(10)\nfor batch in preview.take(2):\n    print(batch)",
        )),
        # A random example file put up in the experiment tracker's page for people to look at.
        Example(cells=(
            "import os\nimport random\nimport neptune\nproject = neptune.init_project(project='team/reviews')",
            "project['data/sample'].upload(f\"data/pos/{random.choice(os.listdir('data/pos'))}\")",
        )),
        # Seed in a cell above, through an alias.
        Example(cells=("import numpy.random as npr\nnpr.seed(0)", "x = npr.rand(3)")),
        # A seeded generator: draws on it are reproducible.
        Example(cells=("import numpy as np\nrng = np.random.default_rng(42)\nx = rng.normal(size=3)",)),
        # A helper that seeds, called before the draws; and a draw in a function run after it.
        Example(cells=(
            "import random\nimport numpy as np\nimport torch\n"
            + "def set_seed(s):\n    random.seed(s)\n    np.random.seed(s)\n    torch.manual_seed(s)",
            "set_seed(42)",
            "def noise():\n    return torch.randn(3)\nx = noise()\nrandom.shuffle(items)",
        )),
        # The function that draws is called from one that seeds first, run by notebook_launcher.
        Example(cells=(
            "import numpy as np\nfrom accelerate import notebook_launcher\nfrom accelerate.utils import set_seed",
            "def split(n):\n    return np.random.permutation(n)",
            "def training_loop(seed):\n    set_seed(seed)\n    order = split(10)",
            "notebook_launcher(training_loop, (42,))",
        )),
        # Trainer(...) seeds when built: a head initialised after it is seeded.
        Example(cells=(
            "from transformers import AutoModelForSequenceClassification, Trainer",
            "trainer = Trainer(model=base_model, args=args)",
            "model = AutoModelForSequenceClassification.from_pretrained('distilbert-base-uncased', num_labels=3)",
        )),
        # MONAI's set_determinism seeds Python, NumPy and torch (also with its default seed).
        Example(cells=(
            "import numpy as np\nimport torch\nfrom monai.utils import set_determinism\nset_determinism(seed=0)",
            "order = np.random.permutation(10)\nnoise = torch.randn(2, 8)",
        )),
        # keras seeds Python, NumPy and TensorFlow at once; tf draws with their own seed= are fine.
        Example(cells=(
            "import keras\nimport numpy as np\nimport tensorflow as tf\nkeras.utils.set_random_seed(1)",
            "w = tf.random.normal([3])\nv = np.random.rand(2)",
            "u = tf.random.uniform([2], seed=7)",
        )),
        # Lightning's seed_everything seeds torch; a generator= draw brings its own seed.
        Example(cells=(
            "import lightning as L\nimport torch\nL.seed_everything(7)\nlayer = torch.nn.Linear(4, 2)",
            "g = torch.Generator().manual_seed(0)\nx = torch.rand(2, generator=g)",
        )),
        # The layers' initial weights are replaced by loaded ones: their draws do not matter.
        Example(cells=(
            "import torch\nfrom torch import nn\nnet = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))",
            "net.load_state_dict(torch.load('weights.pt'))",
        )),
        Example(cells=(
            "from tensorflow.keras.applications import ResNet50\nfrom tensorflow.keras import layers\nbase = ResNet50(weights='imagenet', include_top=False)",
            "head = layers.Dense(10)(base.output)",
            "model.load_weights('flowers_head.weights.h5')",
        )),
        # Random inputs of a timing only: the numbers do not matter.
        Example(cells=(
            "import random\nimport numpy as np\nL = [random.random() for i in range(1000)]\n%timeit L.sort()",
            "%%timeit\nnp.random.rand(1000).sum()",
            "%timeit sorted(np.random.rand(50))",
            "xs = np.random.rand(100, 3)\nxs.shape",
            "%timeit xs.sum(0)",
        )),
        # Random inputs of a property check: the loop only binds names and asserts, nothing leaves it.
        Example(cells=(
            "import numpy as np\ndef my_softmax(z):\n    e = np.exp(z - z.max())\n    return e / e.sum()",
            "for _ in range(100):\n    logits = np.random.normal(size=7)\n    probs = my_softmax(logits)\n"
            "    assert np.isclose(probs.sum(), 1.0)",
        )),
        # A speed comparison: random vectors, a list copy for the pure-Python loop, `%%time`
        # cells whose `total` nothing else reads.
        Example(cells=(
            "import numpy as np\nu = np.random.normal(size=1000)\nu_list = list(u)",
            "%%time\ntotal = 0\nfor value in u_list:\n    total += value",
            "%%time\ntotal = np.sum(u)",
        )),
        # A library tour's model built and never read again.
        Example(cells=("from gensim import models", "lda = models.LdaModel(corpus, num_topics=10)")),
        # A random colour per cluster for OpenCV's drawing of the clusters, then shown: only the look changes.
        Example(cells=(
            "import random\nimport cv2\nimport numpy as np\nimport matplotlib.pyplot as plt\ncanvas = np.zeros((64, 64, 3), np.uint8)\n"
            "paths = {0: [[1, 1], [9, 30]], 1: [[40, 5], [60, 60]]}",
            "def draw(groups):\n    image = canvas.copy()\n    for label in groups:\n"
            "        colour = (random.randint(0, 255), random.randint(0, 255), random.randint(0, 255))\n"
            "        cv2.polylines(image, np.int32([np.array(groups[label]).reshape(-1, 1, 2)]), False, colour, 2)\n"
            "    plt.imshow(image)\ndraw(paths)",
        )),
        # Colours drawn for a plot that then uses a fixed colour: the draw reaches nothing.
        Example(cells=("import numpy as np\nimport matplotlib.pyplot as plt\ncolours = np.random.rand(50)",
                       "plt.scatter([1, 2], [3, 4], c='green')", "plt.show()")),
        # A shuffling DataLoader draws when iterated, not when built: seeded in between is seeded;
        # one that nothing iterates draws nothing.
        Example(cells=(
            "import torch\nfrom torch.utils.data import DataLoader\ntrain_dl = DataLoader(ds, batch_size=1, shuffle=True)\nspare = DataLoader(ds, shuffle=True)",
            "torch.manual_seed(1)\nweight = torch.randn(1)\nfor xb, yb in train_dl:\n    pass",
        )),
        # Random rows only shown: a sample to look at, not to compute from.
        Example(cells=(
            "import numpy as np\nimport pandas as pd\ndf = pd.DataFrame({'a': range(100)})",
            "df.sample(10)",
            "print(np.random.rand(3))\ndf.sample(5).head()",
        )),
        # A model trained only behind an author's switch (`if 0 == 1:`), then loaded from disk: no draw runs.
        Example(cells=(
            "import numpy as np\nimport pickle",
            "if 0 == 1:\n    weights = np.random.randn(50, 2)\n    np.save('weights.npy', weights)\nweights = np.load('weights.npy')\nprint(weights.sum())",
        )),
        # A switch saved `True` (bound only to that literal, twice): the `else` that builds and trains
        # the model never ran, nor the function only it calls; the pretrained one was loaded.
        Example(cells=(
            "import numpy as np\nimport tensorflow as tf\nfrom tensorflow.keras.layers import Conv2D, Dense, Flatten, InputLayer",
            "def small_cnn(n_classes):\n    return tf.keras.Sequential([InputLayer(input_shape=(32, 32, 3)), Conv2D(32, 3), Flatten(), Dense(n_classes)])",
            "load_pretrained = True  # set to False to train the detector yourself",
            "if load_pretrained:\n    model = tf.keras.models.load_model('detector.h5')\nelse:\n    model = small_cnn(10)\n    model.fit(np.load('x_train.npy'), np.load('y_train.npy'), epochs=5)\n    model.save('detector.h5')",
            "load_pretrained = True",
            "if not load_pretrained:\n    head = tf.keras.Sequential([Dense(2)])\nelse:\n    head = tf.keras.models.load_model('head.h5')",
        )),
        # An alibi-detect detector that scores without sampling (an isolation forest), and a VAE
        # detector whose sampling TensorFlow's seed covers.
        Example(cells=(
            "import numpy as np\nimport tensorflow as tf\nfrom alibi_detect.utils.fetching import fetch_detector",
            "X = np.load('kddcup_threshold.npy')\ndetector_name = 'IForest'\nod = fetch_detector('models', 'outlier', 'kddcup', detector_name)\nod.infer_threshold(X, threshold_perc=95)",
            "tf.random.set_seed(0)\ndetector_name = 'OutlierVAE'\nvae_od = fetch_detector('models', 'outlier', 'kddcup', detector_name)\npreds = vae_od.predict(X, outlier_type='instance')\nprint(preds['data']['is_outlier'].mean())",
        )),
        # Keras' ImageDataGenerator: its iterators given a seed, or not shuffling (fair check 31 recall T-4.6).
        Example(cells=(
            "import numpy as np\nfrom keras.preprocessing.image import ImageDataGenerator",
            "x = np.load('x.npy')\ny = np.load('y.npy')\ndatagen = ImageDataGenerator(rotation_range=45, horizontal_flip=True)\n"
            "train = datagen.flow(x, y, batch_size=16, seed=42)\ntest_datagen = ImageDataGenerator(rescale=1 / 255)\n"
            "test = test_datagen.flow_from_directory('data/test', shuffle=False)",
        )),
        # The same classifier, its trained weights then loaded: the head's first weights do not matter.
        Example(cells=(
            "import torch\nimport torch.nn as nn\nfrom transformers import AutoTokenizer, DistilBertModel",
            "class Classifier(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.lm = DistilBertModel.from_pretrained('distilbert-base-uncased')\n        self.head = nn.Linear(768, 2)\n\n    def forward(self, tokens):\n        return self.head(self.lm(**tokens).last_hidden_state[:, 0])",
            "tokenizer = AutoTokenizer.from_pretrained('distilbert-base-uncased')\nmodel = Classifier()\nmodel.load_state_dict(torch.load('classifier.pt'))\nprint(model(tokenizer(['great product'], return_tensors='pt')))",
        )),
        # NeuralProphet trains a torch model: seeded by its own helper first.
        Example(cells=(
            "import pandas as pd\nfrom neuralprophet import NeuralProphet, set_random_seed",
            "set_random_seed(0)\ndf = pd.read_csv('load_hourly.csv', parse_dates=['ds'])\nm = NeuralProphet(quantiles=[0.05, 0.95])\nmetrics = m.fit(df)\nforecast = m.predict(m.make_future_dataframe(df, periods=24))\nprint(forecast[['ds', 'yhat1']].tail())",
        )),
        # A model's own `.sample()` (an instance of a class from a star import), not pandas' sample.
        Example(cells=(
            "import pandas as pd\nfrom molgen import *",
            "model = GraphVAE(hidden=64).to('cpu')\nmolecules = model.sample(16, greedy=True)\nframe = pd.DataFrame({'smiles': molecules})",
        )),
        # Not draws: a local variable named like a module, a deterministic DataLoader, df.sample(random_state=…).
        Example(cells=(
            "import torch\nimport pandas as pd\nfrom torch.utils.data import DataLoader",
            "loader = DataLoader(ds, batch_size=8, shuffle=False)\nrows = df.sample(frac=1, random_state=0)",
            "random = {'normal': 1}\nrandom.get('normal')",
        )),
        # A random pause between requests changes only the run's timing (fair check 21).
        Example(cells=(
            "import random\nimport time\nimport requests",
            "for row in rows:\n    response = requests.post(url, json=row)\n    print(response.json())\n    time.sleep(random.randrange(2, 10))",
        )),
        # Noise a helper returns in a tuple, drawn only by plotly; the unpacked part left unread
        # (`used_noise`) is discarded, not a result (fair check 21: a book's synthetic series).
        Example(cells=(
            "import numpy as np\nimport plotly.express as px",
            "def simulate(n, noise=0.5):\n    times = np.arange(n)\n    values = np.sin(times / 5) + np.random.normal(0, noise, n)\n    return values, times, noise",
            "values, times, used_noise = simulate(100)\nfig = px.line(x=times, y=values)\nfig.write_image('sine.png')\nfig.show()",
        )),
        # Fair check 27: a random subset whose only use is the cell's last expression, shown
        # (`rnd001-value-reaches-only-display`); random filler rows sent to Azure ML's run log and
        # an MLflow metric (`rnd001-value-reaches-only-tracker-log`).
        Example(cells=(
            "import random\nimport mlflow\nimport pandas as pd\nfrom azureml.core import Experiment",
            "df = pd.read_csv('scores.csv')\nsubset = df.sample(n=20)\nsubset.head(20)",
            "run = Experiment(ws, 'demo').start_logging()\nfor step in range(10):\n"
            "    row = {}\n    for column in ['expected', 'actual']:\n        row[column] = random.randrange(0, step + 1)\n"
            "    run.log_row('Accuracy', 'Example row', **row)\n    mlflow.log_metric('noise', random.random(), step=step)",
        )),
        # Fair check 26 (rnd001-simulated-failure-draw): the draw only picks which worker process
        # a resilience demo kills; the sum it checks is the same whichever dies.
        Example(cells=(
            "import os\nimport random\nfrom time import sleep",
            "def kill_a_worker():\n    pids = [w.pid for w in cluster.scheduler.workers.values()]\n"
            "    if pids:\n        os.kill(random.choice(pids), 15)",
            "summed = client.compute(summed)\nwhile not summed.done():\n    kill_a_worker()\n    sleep(3.0)",
        )),
        # Fair check 26 (rnd001-random-inputs-of-property-check): random coefficients of a lecture's
        # identity checks, from an unseeded generator; the matrices built from them (one filled in a
        # loop) are shown and compared, and the identity holds whatever was drawn.
        Example(cells=(
            "import numpy as np",
            "def circulant(row):\n    N = row.size\n    C = np.empty((N, N))\n    for i in range(N):\n"
            "        C[i, i:] = row[:N - i]\n        C[i, :i] = row[N - i:]\n    return C",
            "rng = np.random.default_rng()\nc = rng.random(8)\nc",
            "C8 = circulant(c)\nC = np.zeros((8, 8))\nP = np.eye(8)\nfor i in range(8):\n    C += c[i] * P\n    P = np.roll(P, 1, axis=1)\nC",
            "np.abs(C - C8).max()",
            "print(np.allclose(C, C8))",
        )),
        # Fair check 26 (rnd001-draw-only-feeds-timing): tasks that stand for work (they only pause,
        # draw and return) return placeholders; a scheduler comparison times them.
        Example(cells=(
            "import random, time",
            "def parse_file(fn):\n    \"\"\"Returns a list of work items of unknown length\"\"\"\n    time.sleep(random.random())\n"
            "    return [random.random() for _ in range(random.randint(1, 10))]",
            "%%time\nresults = []\nfor fn in filenames:\n    for x in parse_file(fn):\n        results.append(x + 1)",
            "futures = client.map(parse_file, filenames, pure=False)\nlists = client.gather(futures)\nprint(sum(map(len, lists)))",
        )),
        # Fair check 25 (rnd001-draw-overwritten-or-unused-in-saved-run): the configuration the notebook
        # runs (the last `train = …` of its configuration cell) loads trained weights and only
        # predicts: the layers' initial weights are replaced, and Dropout draws only in training,
        # whose `fit` runs only under `if train:` (the `train=True` call is under the switched-off branch).
        Example(cells=(
            "import numpy as np\nfrom tensorflow import keras",
            "def build(weights=None):\n    inputs = keras.Input(shape=(8,))\n    x = keras.layers.Dense(16, activation='relu')(inputs)\n"
            "    x = keras.layers.Dropout(0.2)(x)\n    net = keras.Model(inputs, keras.layers.Dense(2)(x))\n"
            "    net.compile(optimizer='adam', loss='mse')\n    if weights:\n        net.load_weights(weights)\n    return net\n\n"
            "def play(net, episodes, train=False):\n    for obs in episodes:\n        q = net.predict(obs[None])\n"
            "        if train:\n            net.fit(obs[None], q)",
            "train = True   # from scratch: weeks\ntrain = False  # the trained weights",
            "net = build('weights.h5')\nif train:\n    play(net, np.load('episodes.npy'), train=True)\nelse:\n    play(net, np.load('episodes.npy'))",
        )),
        # Fair check 25 (rnd001-illustration-draws-unused): a noise image and a PR curve of random
        # scores logged to a TensorBoard writer to show its logging calls.
        Example(cells=(
            "import numpy as np\nimport torch\nimport torchvision.utils as vutils\nfrom tensorboardX import SummaryWriter",
            "writer = SummaryWriter(comet_config={'disabled': False})",
            "x = torch.rand(32, 3, 64, 64)\nx = vutils.make_grid(x, normalize=True, scale_each=True)\nwriter.add_image('Image', x, 0)",
            "labels = np.random.randint(2, size=100)\npredictions = np.random.rand(100)\nwriter.add_pr_curve('pr-curve', labels, predictions, global_step=1)",
        )),
        # Fair check 25 (rnd001-illustration-draws-unused): a dummy model built only to show its
        # structure: printed, and exported to ONNX for a graph view of the file.
        Example(cells=(
            "from tensorboardX import SummaryWriter\nwriter = SummaryWriter()",
            "import torch\nimport torch.nn as nn\n\nclass MultipleOutput(nn.Module):\n    def __init__(self):\n        super(MultipleOutput, self).__init__()\n"
            "        self.Linear_1 = nn.Linear(3, 5)\n        self.Linear_2 = nn.Linear(3, 7)\n\n    def forward(self, x):\n"
            "        return self.Linear_1(x), self.Linear_2(x)",
            "model = MultipleOutput()\nprint(model)\nmodel_filename = 'my-model.onnx'\n"
            "torch.onnx.export(model, (torch.zeros(1, 3),), model_filename, export_params=True)\nwriter.add_onnx_graph(model_filename)",
        )),
        # Fair check 28 (rnd001-jax-random-shadows-stdlib): `from jax import random` below `import random`
        # rebinds the name: `random.PRNGKey(314)` is JAX's explicit, seeded key, not the standard library.
        Example(cells=(
            "import random\nimport jax.numpy as jnp\nfrom jax import random\n\nkey = random.PRNGKey(314)",
            "key, sub = random.split(key)\nw = random.normal(sub, (3, 3))\nloss = jnp.sum(w @ w)\nresults = {'loss': loss}",
        )),
        # Fair check 28 (rnd001-display-only-pick): random test images picked for a grid of panels,
        # each titled with its predicted class (the argmax of the picked row, one item's value).
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt\nx_test = np.zeros((100, 8, 8))\ny_hat = np.ones((100, 10))\nnames = list('abcdefghij')",
            "fig = plt.figure(figsize=(20, 8))\nfor i, idx in enumerate(np.random.choice(x_test.shape[0], size=32, replace=False)):\n"
            "    ax = fig.add_subplot(4, 8, i + 1, xticks=[], yticks=[])\n    ax.imshow(np.squeeze(x_test[idx]))\n"
            "    pred_idx = np.argmax(y_hat[idx])\n    ax.set_title(names[pred_idx])",
        )),
        # A `torch.nn.Sequential` only printed: its repr shows the architecture, the same on every
        # run (fair check 31, item 152), as a notebook class's instance only printed.
        Example(cells=(
            "import torch",
            "net2 = torch.nn.Sequential(\n    torch.nn.Linear(1, 10),\n    torch.nn.ReLU(),\n    torch.nn.Linear(10, 1)\n)",
            "print(net2)  # net2 architecture",
        )),
        # A random pick of which image a pretrained StarDist model segments and the figure shows:
        # `predict_instances` reads the model as `predict` does (fair check 31, item 143).
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt\nfrom random import randint\nfrom stardist.models import StarDist2D\n"
            "X = [np.zeros((64, 64)) for _ in range(10)]\nmodel = StarDist2D(None, name='stardist', basedir='models')",
            "img_num = randint(0, len(X) - 1)\nimg = X[img_num]\nlabels, details = model.predict_instances(img)\n"
            "plt.imshow(img, cmap='gray')\nplt.imshow(labels, alpha=0.5)\nplt.axis('off')",
        )),
        # A flip's dataset and shuffling loader only shown, counted and asked for its classes, then
        # both bound anew with a flip-free transform before anything loads a batch, below a seed
        # (fair check 38, item 131): neither the flip nor the first loader ever draws.
        Example(cells=(
            "import torch\nfrom torch.utils.data import DataLoader\nfrom torchvision import datasets, transforms",
            "data_transform = transforms.Compose([transforms.Resize(size=(64, 64)), transforms.RandomHorizontalFlip(p=0.5), transforms.ToTensor()])\n"
            "train_data = datasets.ImageFolder(root=train_dir, transform=data_transform)\nclass_names = train_data.classes\n"
            "train_dataloader = DataLoader(train_data, batch_size=32, shuffle=True)",
            "train_dataloader, class_names",
            "len(train_dataloader)",
            "simple = transforms.Compose([transforms.Resize(size=(64, 64)), transforms.ToTensor()])\n"
            "train_data = datasets.ImageFolder(root=train_dir, transform=simple)\ntrain_dataloader = DataLoader(train_data, batch_size=32, shuffle=True)",
            "torch.manual_seed(42)\nimage, label = next(iter(train_dataloader))\nprint(image.shape)",
        )),
        # Fair check 28 (rnd001-value-reaches-only-display): a shuffling loader whose only iteration
        # takes one batch to show an image; the template's training is a TODO (a blank, not parsed,
        # whose comment's words are no reads).
        Example(cells=(
            "import torch\nfrom torchvision import datasets, transforms\nimport helper\ntrainset = datasets.FashionMNIST('~/.pytorch/F_MNIST_data/', download=True, train=True, transform=transforms.ToTensor())\ntrainloader = torch.utils.data.DataLoader(trainset, batch_size=64, shuffle=True)",
            "image, label = next(iter(trainloader))\nhelper.imshow(image[0,:]);",
            "# TODO: Train the network, then plot the image and its label\nps = ",
        )),
        # Fair check 28 (rnd001-draw-only-feeds-timing): a new classifier whose only reader is a cell
        # that times a few training batches per device and prints the seconds per batch; nothing
        # after it reads the model (its training is the reader's TODO).
        Example(cells=(
            "import time\nimport torch\nfrom torch import nn, optim\nfrom torchvision import models\nmodel = models.densenet121(weights='DEFAULT')\nbatches = [(torch.ones(2, 3, 224, 224), torch.tensor([0, 1]))] * 4",
            "from collections import OrderedDict\nclassifier = nn.Sequential(OrderedDict([('fc1', nn.Linear(1024, 2)), ('output', nn.LogSoftmax(dim=1))]))\nmodel.classifier = classifier",
            "for device in ['cpu', 'cuda']:\n    criterion = nn.NLLLoss()\n    optimizer = optim.Adam(model.classifier.parameters(), lr=0.001)\n    model.to(device)\n    for inputs, labels in batches:\n        start = time.time()\n        loss = criterion(model.forward(inputs.to(device)), labels.to(device))\n        optimizer.zero_grad()\n        loss.backward()\n        optimizer.step()\n    print(f\"Device = {device}; Time per batch: {(time.time() - start)/3:.3f} seconds\")",
            "## TODO: Train a pretrained model to classify the cat and dog images",
        )),
        # Fair check 28: random augmentations given only to a dataset whose loader nothing reads
        # (the cell below iterates the test loader): no image goes through them, they draw nothing.
        Example(cells=(
            "import torch\nfrom torchvision import datasets, transforms",
            "train_transforms = transforms.Compose([transforms.RandomRotation(30), transforms.RandomHorizontalFlip(), transforms.ToTensor()])\ntest_transforms = transforms.Compose([transforms.Resize(255), transforms.ToTensor()])\ntrain_data = datasets.ImageFolder('data/train', transform=train_transforms)\ntest_data = datasets.ImageFolder('data/test', transform=test_transforms)\ntrainloader = torch.utils.data.DataLoader(train_data, batch_size=32, shuffle=True)\ntestloader = torch.utils.data.DataLoader(test_data, batch_size=32)",
            "# change this to the trainloader or testloader\nimages, labels = next(iter(testloader))\nprint(images.shape)",
        )),
        # Fair check 29 (rnd001-value-reaches-only-display): a NumPy tour's five random integers shown
        # through `max`/`argmin` (a handful of values: the statistic shows the method); a PyTorch
        # tour's random tensor added in place into another one that is printed.
        Example(cells=(
            "import numpy as np",
            "number = np.random.randint(1, 20, 5)\nprint(number.max())\nprint(number.argmin())",
        )),
        Example(cells=(
            "import torch", "x = torch.rand(5, 3)\nprint(x)", "y = torch.ones(5, 3)\ny.add_(x)\nprint(y)",
        )),
        # Fair check 29 (rnd001-display-only-pick): a random test conversation, and the sampled answer
        # of the model to it, printed as a spot check; a chat bot's canned reply picked on a line
        # holding non-ASCII text before the draw.
        Example(cells=(
            "from random import randint\nfrom transformers import AutoModelForCausalLM, AutoTokenizer\n"
            "tokenizer = AutoTokenizer.from_pretrained('m')\nmodel = AutoModelForCausalLM.from_pretrained('m')\nrows = [{'q': 'a'}, {'q': 'b'}]",
            "pick = rows[randint(0, len(rows) - 1)]\ninput_ids = tokenizer.apply_chat_template([pick], return_tensors='pt').to(model.device)\n"
            "outputs = model.generate(input_ids, max_new_tokens=32, do_sample=True, temperature=0.6)\n"
            "print(pick['q'], tokenizer.decode(outputs[0][input_ids.shape[-1]:], skip_special_tokens=True))",
        )),
        Example(cells=(
            "import random\nreplies = ['hi', 'hello']",
            "def chat():\n    while True:\n        text = input('> ')\n        if text == 'quit':\n            break\n"
            "        print('🤖 : {}'.format(random.choice(replies)))",
            "chat()",
        )),
        # A drawn number written into an example array in place, then only printed (fair check 39,
        # item 96's note).
        Example(cells=(
            "import numpy as np\nx = np.zeros((2, 2))\nx.fill(np.random.randint(-10, 10))\nprint(x, x[x > 0])",
        )),
        # Random inputs of checks that print how close the notebook's implementation is to a
        # reference (a distance, `allclose`, an identity against a fixed array), not assert it;
        # a later cell's class whose methods have their own `x`, `h` (fair check 39, items 92, 103).
        Example(cells=(
            "import numpy as np\nimport torch\nimport metrics\ndef cholesky(A):\n    n = len(A)\n    L = np.zeros((n, n))\n"
            "    for j in range(n):\n        L[j, j] = np.sqrt(A[j, j] - np.sum(L[j, :j] ** 2))\n    return L",
            "A = np.random.randn(5, 5)\nA = A @ A.T\nb = np.random.randn(5)\nL = cholesky(A)\nprint(metrics.tdist(L @ L.T, A))\n"
            "print(metrics.tdist(L - np.tril(L), np.zeros(A.shape)), np.allclose(np.diag(L) > 0, 1))\n"
            "x = np.linalg.solve(L @ L.T, b)\nprint('residual: {}'.format(np.linalg.norm(A @ x - b)))",
            "h = np.zeros((4, 3))\nfor i in range(4):\n    h[i, :] = np.random.randn(3)\nth = torch.tanh(torch.from_numpy(h))\n"
            "np.abs(np.tanh(h) - th.numpy()).max()",
            "class MyRNN:\n    def forward(self, x, h):\n        return np.tanh(x + h)",
        )),
        # Random test matrices of a hand-written factorisation and Gram-Schmidt (helpers that loop and
        # branch on the values), only printed with `np.allclose` checks, a mean residual, norms and
        # dot products, one cell straight, one a loop of fresh draws (fair check 41, items 130, 131).
        Example(cells=(
            "import numpy as np\ndef pivots(M, tol=1e-10):\n    found = []\n    for row in M:\n        nz = np.where(np.abs(row) > tol)[0]\n"
            "        if len(nz) > 0 and nz[0] not in found:\n            found.append(nz[0])\n    return found\n"
            "def orthonormal(M):\n    B = M[:, pivots(M)]\n    Q = B.copy()\n    for j in range(B.shape[1]):\n"
            "        for i in range(j):\n            Q[:, j] -= np.dot(Q[:, i], B[:, j]) * Q[:, i]\n        Q[:, j] /= np.linalg.norm(Q[:, j])\n    return Q",
            "A = np.random.randn(4, 4)\nQ = orthonormal(A)\nprint('QtQ = I:', np.allclose(Q.T @ Q, np.identity(Q.shape[1])))\n"
            "print(f'mean residual {np.mean(np.abs(Q @ Q.T - np.identity(4)))}')\nprint('A =', A, 'Q =', Q)",
            "for z in range(3):\n    M = np.random.rand(3, 5)\n    Q = orthonormal(M)\n    print(f'M = {M}')\n"
            "    print('QtQ = I:', np.allclose(Q.T @ Q, np.identity(Q.shape[1])))\n    for j in range(Q.shape[1]):\n"
            "        print(f'norm of column {j}: {np.linalg.norm(Q[:, j])}')",
        )),
        # A helper defined twice and never called: its draws never run (fair check 39, item 97).
        Example(cells=(
            "import numpy as np\nimport scipy.stats\ndef quantile(x):\n    return scipy.stats.norm.ppf(x)\n"
            "def randn_qt(size):\n    return np.array([quantile(u) for u in np.random.rand(size)])\n"
            "print(quantile(np.linspace(0.01, 0.99, 5)))",
            "def randn_qt(size):\n    return quantile(np.random.rand(size))\nprint(quantile(0.5))",
        )),
        # A random start drawn only when none is given, and every call gives one (fair check 39,
        # item 101); the lesson's next `gradient_descent` is another def, drawing nothing.
        Example(cells=(
            "import random\ndef f(x):\n    return (x - 1) ** 2",
            "def gradient_descent(f, step, start=None, iters=100):\n    if start is None:\n        start = random.random()\n"
            "    x = start\n    for _ in range(iters):\n        x -= step * 2 * (x - 1)\n    return x\n\n"
            "start = 2.5\nres = gradient_descent(f, 0.1, start=start)\nprint(res)\nprint(gradient_descent(f, 0.1, -1))",
            "def gradient_descent(f, x, iters=10):\n    for _ in range(iters):\n        x -= 0.1 * 2 * (x - 1)\n    return x\n"
            "print(gradient_descent(f, 3.0))",
        )),
        # Keras layers with constant kernels and biases draw nothing; a model of only them (fit on
        # one full batch) repeats (fair check 39, item 108).
        Example(cells=(
            "import numpy as np\nimport tensorflow as tf\nfrom tensorflow import keras\nX = np.linspace(0, 1, 20).reshape(-1, 1)\ny = 2 * X + 1",
            "model = keras.Sequential([keras.layers.Dense(1, kernel_initializer='zeros', bias_initializer='Zeros')])\n"
            "probe = keras.layers.Dense(1, kernel_initializer=keras.initializers.Zeros())\n"
            "model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.005), loss='mse')\nmodel.fit(X, y, epochs=10, verbose=0)\n"
            "print(model.get_weights())",
        )),
        # Three random test images, each read from its picked file and shown with its predicted class
        # (fair check 47, item 141, rnd001-display-only-pick).
        Example(cells=(
            "import os\nimport random\nimport matplotlib.pyplot as plt\nimport tensorflow as tf\nimport so_ml_tools as soml\n"
            "model = tf.keras.models.load_model('food.keras')\nclass_names = sorted(os.listdir('test'))",
            "for i in range(3):\n    class_name = random.choice(class_names)\n    filename = random.choice(os.listdir(os.path.join('test', class_name)))\n"
            "    img = soml.util.io.load_image_as_tensor(filename=os.path.join('test', class_name, filename), scale=False)\n"
            "    pred_prob = model.predict(tf.expand_dims(img, axis=0))\n    pred_class = class_names[pred_prob.argmax()]\n"
            "    plt.subplot(1, 3, i + 1)\n    plt.imshow(img)\n    plt.title(f'actual: {class_name}, pred: {pred_class}, prob: {pred_prob.max():.2f}')",
        )),
        # Random points only plotted before and after mean-centring and variance scaling, each by its
        # own statistics (fair check 47, item 137, rnd001-value-reaches-only-display).
        Example(cells=(
            "import torch\nimport matplotlib.pyplot as plt\nx_1 = torch.rand(50, 1) * 5\nx_2 = torch.rand(50, 1) * 3\n"
            "plt.scatter(x_1.numpy(), x_2.numpy())",
            "x = torch.concat([x_1, x_2], dim=1)\nx_new = x - x.mean(dim=0)\nplt.scatter(x_new[:, 0].numpy(), x_new[:, 1].numpy())",
            "x_scaled = x_new / torch.std(x_new, unbiased=False)\nplt.scatter(x_scaled[:, 0].numpy(), x_scaled[:, 1].numpy())",
        )),
        # A PyTorch layer whose weight and bias are set to zeros right after it is built draws
        # nothing, and a loader whose one batch is the whole dataset only permutes the rows of a
        # full-batch gradient (fair check 47, items 136, 138: a textbook logistic regression).
        Example(cells=(
            "import torch\nimport torch.nn as nn\nfrom torchvision import datasets\nds = datasets.ImageFolder('train')\n"
            "loader = torch.utils.data.DataLoader(ds, batch_size=len(ds), shuffle=True)",
            "class LR(nn.Module):\n    def __init__(self, dim):\n        super().__init__()\n        self.linear = nn.Linear(dim, 1)\n"
            "        nn.init.zeros_(self.linear.weight)\n        nn.init.zeros_(self.linear.bias)\n"
            "    def forward(self, x):\n        return torch.sigmoid(self.linear(x))",
            "model = LR(784)\nhead = nn.Linear(4, 1, bias=False)\nhead.weight.data.fill_(0.5)\n"
            "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)\n"
            "for step in range(100):\n    x, y = next(iter(loader))\n    loss = nn.BCELoss()(model(x).squeeze(), y.float())\n"
            "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\nprint(loss.item())",
        )),
        # TensorFlow 1 variables that draw nothing: given a constant (or seeded) initialiser, of an
        # integer dtype (zeros), or sampled losses given their own sampled values; a BasicLSTMCell
        # after `tf.set_random_seed`.
        Example(cells=(
            "import tensorflow as tf\nstep = tf.get_variable('step', [], dtype='int32', trainable=False)\n"
            "b = tf.get_variable('b', [20], initializer=tf.zeros_initializer())\n"
            "w = tf.get_variable('w', [20, 8], tf.float32, tf.glorot_uniform_initializer(seed=1))\n"
            "gru = tf.contrib.rnn.GRUCell(8, kernel_initializer=tf.constant_initializer(0.1))",
            "tf.set_random_seed(1)\ncell = tf.contrib.rnn.BasicLSTMCell(8)",
        )),
        # A sampling notebook restores, with a TF1 `Saver`, the weights a training notebook saved:
        # the initial draws of its variables are replaced (fair check 30, char-rnn samplers).
        Example(cells=(
            "import tensorflow as tf\ncell = tf.nn.rnn_cell.BasicLSTMCell(128)\n"
            "with tf.variable_scope('rnnlm'):\n    softmax_w = tf.get_variable('softmax_w', [128, 65])",
            "sess = tf.Session()\nsaver = tf.train.Saver(tf.global_variables())\n"
            "ckpt = tf.train.get_checkpoint_state('data/linux_kernel')\nsaver.restore(sess, ckpt.model_checkpoint_path)",
        )),
        # Fair check 30, item 124 (rnd001-display-only-pick): five random training digits plotted, each
        # titled with the argmax of its label row spelt with its columns (`trainlabel[i, :]`).
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt\ntrainimg = np.zeros((100, 784))\ntrainlabel = np.eye(10)[np.arange(100) % 10]",
            "randidx = np.random.randint(trainimg.shape[0], size=5)\nfor i in randidx:\n"
            "    curr_img = np.reshape(trainimg[i, :], (28, 28))\n    curr_label = np.argmax(trainlabel[i, :])\n"
            "    plt.matshow(curr_img, cmap=plt.get_cmap('gray'))\n    plt.title(str(i) + 'th digit, label ' + str(curr_label))\n    plt.show()",
        )),
        # Fair check 30, item 128 (rnd001-value-reaches-only-display): an autoregressive series built
        # in the drawn array (`ar[step] += rho * ar[step - 1]`, not a sum of the draws), only plotted.
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt\ntime = np.arange(400)",
            "def plot_series(time, series):\n    plt.figure(figsize=(10, 6))\n    plt.plot(time, series)\n    plt.show()",
            "def autocorrelation(time, amplitude):\n    rho = 0.8\n    ar = np.random.randn(len(time) + 1)\n"
            "    for step in range(1, len(time) + 1):\n        ar[step] += rho * ar[step - 1]\n    return ar[1:] * amplitude",
            "series = autocorrelation(time, 10)\nplot_series(time[:200], series[:200])",
        )),
        # Fair check 36, item 142 (rnd001-value-reaches-only-display): toy normal draws only
        # box-plotted, the plots' artists bound to names nothing reads (`normal_caps`) or restyled,
        # and a frame of them drawn by its own `boxplot` method.
        Example(cells=(
            "import numpy as np\nimport pandas as pd\nimport matplotlib.pyplot as plt",
            "s = np.random.normal(0, 1, 1000)",
            "fig, axes = plt.subplots(nrows=1, ncols=2)\nnormal_caps = axes[0].boxplot(s, labels=['Normal Caps'])\n"
            "big_caps = axes[1].boxplot(s, labels=['Longer Caps'])\nfor cap in big_caps['caps']:\n"
            "    cap.set_xdata(cap.get_xdata() + np.array([-.15, .15]))",
            "s = np.random.normal(0, 1, 1000)\ndf = pd.DataFrame(s)\nbPlot = df.boxplot(whiskerprops=dict(linestyle='--'))",
        )),
        # Fair check 36, item 128 (rnd001-display-only-pick): random training image ids loaded by the
        # dataset's `load_image`/`load_mask` (their value taken) and drawn by Mask R-CNN's own
        # `display_*` helper; the comprehension's `x` is its own, so the same line over another
        # image's classes in a later cell does not read the pick.
        Example(cells=(
            "import numpy as np\nfrom mrcnn import visualize, utils\nfrom mrcnn.model import log",
            "image_ids = np.random.choice(dataset.image_ids, 4)\nfor image_id in image_ids:\n"
            "    image = dataset.load_image(image_id)\n    mask, class_ids = dataset.load_mask(image_id)\n"
            "    class_ids = [int(x) for x in class_ids]\n"
            "    visualize.display_top_masks(image, mask, class_ids, dataset.class_names, limit=1)",
            "image_id = 7\nmask, class_ids = dataset.load_mask(image_id)\nclass_ids = np.array([int(x) for x in class_ids])\n"
            "log('class_ids', class_ids)",
        )),
        # A partial that fixes the seed or initialiser of the callee (fair check 37, item 143's class):
        # its calls are not judged without them.
        Example(cells=(
            "import tensorflow as tf\nfrom functools import partial\nfrom tensorflow.keras import layers\nfrom torch.utils.data import DataLoader",
            "SeededDense = partial(layers.Dense, kernel_initializer=tf.keras.initializers.GlorotUniform(seed=0), bias_initializer='zeros')\n"
            "Ordered = partial(DataLoader, shuffle=False)\nhead = tf.keras.Sequential([SeededDense(8)])\nfor batch in Ordered(data):\n    print(batch)",
        )),
        # Fair check 37, item 144 (rnd001-value-reaches-only-display): example digits shifted and
        # rotated by random amounts (scipy.ndimage) only to be drawn in a figure's panels.
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt\nfrom scipy.ndimage import rotate, shift",
            "for col, digit in enumerate(digits[:10]):\n    dx = np.random.randint(-4, 4)\n    angle = np.random.randint(-20, 20)\n"
            "    moved = rotate(shift(digit, (dx, dx)), angle, reshape=False)\n    plt.subplot(1, 10, col + 1)\n"
            "    plt.imshow(moved, cmap='binary')\nplt.show()",
        )),
        # Multi-backend Keras before 2.4 ("Using TensorFlow backend." when imported) takes its
        # initialisers' and dropout's seeds from NumPy: `np.random.seed` seeds the model (fair
        # check 31, item 144: Coursera's Emojify V2).
        Example(cells=(
            code_cell("import numpy as np\nnp.random.seed(1)\nfrom keras.models import Sequential\nfrom keras.layers import Dense, Dropout", 1,
                      outputs=({"output_type": "stream", "name": "stderr", "text": "Using TensorFlow backend.\n"},)),
            code_cell("model = Sequential([Dense(8, input_shape=(4,)), Dropout(0.5), Dense(1)])", 2),
        )),
        # The CNTK backend's banner has no period ("Using CNTK backend"): the same NumPy-seeded Keras
        # (fair check 46, item 137).
        Example(cells=(
            code_cell("import numpy as np\nnp.random.seed(1)\nfrom keras.models import Sequential\nfrom keras.layers import LSTM", 1,
                      outputs=({"output_type": "stream", "name": "stderr", "text": "Using CNTK backend\n"},)),
            code_cell("model = Sequential([LSTM(20, input_shape=(10, 1))])", 2),
        )),
        # A graph seed set inside the graph's own block seeds its ops; `with sess.as_default():`
        # makes a session the default, not a graph; a reset before the seed drops nothing of it;
        # and TensorFlow 2's eager seed is no graph's, so a `compat.v1` reset leaves it (fair check 35,
        # item 138's class).
        Example(cells=(
            "import tensorflow as tf\ngraph = tf.Graph()\nwith graph.as_default():\n    tf.set_random_seed(1)\n"
            "    w = tf.Variable(tf.random_normal([4, 2]))",
            "tf.reset_default_graph()\ntf.set_random_seed(2)\nsess = tf.Session()\nwith sess.as_default():\n"
            "    v = tf.Variable(tf.random_normal([4, 2]))",
        )),
        Example(cells=(
            "import tensorflow as tf\ntf.random.set_seed(1)",
            "tf.compat.v1.reset_default_graph()\nw = tf.random.normal([4, 2])\nmodel.fit(w, w, epochs=3)",
        )),
        # A demo loop logging values to TensorBoard draws a dummy image it no longer logs: no
        # statement reads it (fair check 43, item 146).
        Example(cells=(
            "import numpy as np\nimport torch\nfrom tensorboardX import SummaryWriter\nwriter = SummaryWriter()",
            "for n_iter in range(100):\n    writer.add_scalar('data/xsinx', n_iter * np.sin(n_iter), n_iter)\n"
            "    dummy_img = torch.rand(32, 3, 64, 64)\n    writer.add_scalar('data/arctan', np.arctan(n_iter), n_iter)\nwriter.close()",
        )),
        # A layer function first tried in a graph the cell throws away (`del g, x`, no session: its
        # variables are never initialised, so they draw nothing), then built under a seed set in the
        # real graph's block; and a class whose `__init__` seeds its own graph and calls
        # `self.build()` inside that block (fair check 43, item 149).
        Example(cells=(
            "import tensorflow as tf\n"
            "def dense(x, name, n):\n    with tf.variable_scope(name):\n"
            "        w = tf.get_variable(name='w', shape=[4, n])\n        return tf.matmul(x, w)",
            "g = tf.Graph()\nwith g.as_default():\n    x = tf.placeholder(tf.float32, shape=[None, 4])\n"
            "    dense(x, 'test', 3)\ndel g, x",
            "g = tf.Graph()\nwith g.as_default():\n    tf.set_random_seed(1)\n"
            "    x = tf.placeholder(tf.float32, shape=[None, 4])\n    out = dense(x, 'real', 3)",
            "class Net:\n    def __init__(self, seed=None):\n        g = tf.Graph()\n        with g.as_default():\n"
            "            tf.set_random_seed(seed)\n            self.build()\n        self.sess = tf.Session(graph=g)\n"
            "    def build(self):\n        x = tf.placeholder(tf.float32, shape=[None, 4])\n        self.out = tf.layers.dense(x, 3)",
            "net = Net(seed=1)",
        )),
        # trax's Loop given `random_seed` seeds what it re-seeds.
        Example(cells=(
            "import numpy as np\nfrom trax.supervised import training\nnp.random.seed(0)",
            "loop = training.Loop(model, task, output_dir='out', random_seed=0)\nloop.run(1000)",
        )),
        # Fair check 36, item T-7.9: a drawn seed of a sample that is only shown and plotted: the draw
        # picks which tenth the figures show, as the unseeded sample itself would.
        Example(cells=(
            "import numpy as np\nimport pandas as pd\nimport matplotlib.pyplot as plt\nprices = pd.read_csv('goog.csv')",
            "one_tenth = prices.sample(frac=.1, random_state=np.random.randint(10))",
            "one_tenth = one_tenth.sort_values(by=['Ticks'])\none_tenth.head()",
            "fig, axes = plt.subplots(1, 2)\naxes[0].plot('Ticks', 'Open', data=prices)\naxes[1].plot('Ticks', 'Open', data=one_tenth)",
        )),
        # Fair check 41, item 124: a draw in a method of the notebook's class, returned (the category
        # of a one-trial multinomial) and only printed, or walked into a list that ends a cell.
        Example(cells=(
            "import numpy as np\n\nclass Chain:\n    def __init__(self, matrix, labels):\n        self.matrix = matrix\n"
            "        self.index = {l: i for i, l in enumerate(labels)}\n\n    def step(self, label):\n"
            "        picks = np.random.multinomial(1, self.matrix[:, self.index[label]])\n        new = np.argmax(picks)\n"
            "        for key in self.index:\n            if self.index[key] == new:\n                return key\n\n"
            "    def walk(self, label, n):\n        seen = [label]\n        for i in range(n - 1):\n"
            "            label = self.step(label)\n            seen.append(label)\n        return seen\n\n"
            "A = Chain(np.array([[0.7, 0.6], [0.3, 0.4]]), ['hot', 'cold'])\nprint(A.step('hot'))",
            "A.walk('cold', 10)",
        )),
        # The same kind of series as a loop's state (`x = 0.8 * x + e[t]`), only plotted: still a
        # picture of the draws (unlike fair check 41, recall T-7.2, whose estimate is shown as numbers).
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt",
            "e = np.random.normal(size=200)\nx = 0.0\nxs = []\nfor t in range(200):\n    x = 0.8 * x + e[t]\n    xs.append(x)",
            "plt.plot(xs)",
        )),
        # Fair check 40, item 143 (rnd001-api-tour-dummy-data): six random integers fill one column
        # of a pandas tour's toy frame, its other columns written out; the frame shows dtypes, a
        # Parquet schema and sorting.
        Example(cells=(
            "import numpy as np\nimport pandas as pd",
            "df = pd.DataFrame(\n    data={\n        'var1': [1.3, 5.6, np.nan, np.nan, 0, np.nan],\n"
            "        'var2': np.random.randint(-10, 10, 6),\n        'experiment': ['test', 'train', 'test', 'train', 'train', 'test'],\n"
            "        'sample': 'sample1',\n    }\n)\ndf.to_parquet('output/df.parquet', index=False)",
            "df.sort_values('var2')",
        )),
        # A loop's target rebound from itself (`txt = txt.replace(…)`) is no state carried from
        # turn to turn: sampled generations cleaned and printed are shown, not an estimate (fair29's
        # GPT-2 sampling cells).
        Example(cells=(
            "import numpy as np",
            "decoded = np.random.choice(['a cat\\n', 'a dog\\n'], 5)\nfor txt in decoded:\n    txt = txt.replace('\\n', '')\n    print(txt)",
        )),
        # Fair check 45, item 133 (rnd001-value-reaches-only-display): a shuffling loader iterated only
        # by a look at its first batch's shapes (`for xb, yb in loader: print(xb.shape); break`).
        Example(cells=(
            "import torch\nfrom torch.utils.data import DataLoader, TensorDataset",
            "train_loader = DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True)\nfor xb, yb in train_loader:\n"
            "    print('Batch X shape:', xb.shape)\n    print('Batch y shape:', yb.shape)\n    break",
        )),
        # Fair check 45, item 143 (rnd001-draw-overwritten-or-unused-in-saved-run): a prediction on
        # drawn noise bound to `img`, which the next cell rebinds before anything reads it (that
        # cell's own draw is seeded here).
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt",
            "img = generator.predict(np.random.randn(4, 128))",
            "np.random.seed(0)\nimg = generator.predict(np.random.rand(4, 128))\nfor i, im in enumerate(img):\n    plt.imshow(np.squeeze(im))",
            "score = discriminator.predict(img)",
        )),
        # Fair check 49, item 147 (rnd001-display-only-pick): 16 random validation images run through the
        # notebook's prediction helper (the model passed to it is called on them), their predicted
        # classes (argmax over the class axis, one per picked image) shown beside the labels and drawn.
        Example(cells=(
            "import random\nimport torch\nimport matplotlib.pyplot as plt",
            "def make_predictions(model, data):\n    pred_probs = []\n    with torch.inference_mode():\n        for sample in data:\n"
            "            pred_logit = model(torch.unsqueeze(sample, dim=0))\n            pred_probs.append(torch.softmax(pred_logit.squeeze(), dim=0))\n"
            "    return torch.stack(pred_probs)\n\n"
            "test_samples = []\ntest_labels = []\nfor sample, label in random.sample(list(val_data), k=16):\n"
            "    test_samples.append(sample)\n    test_labels.append(label)\n"
            "pred_probs = make_predictions(model=model, data=test_samples)\npred_classes = pred_probs.argmax(dim=1)\ntest_labels, pred_classes",
            "for i, sample in enumerate(test_samples):\n    plt.subplot(4, 4, i + 1)\n    plt.imshow(sample.permute(1, 2, 0))\n"
            "    plt.title(f'Pred: {class_names[pred_classes[i]]} | Truth: {class_names[test_labels[i]]}')",
        )),
        # fastai v1's random split given its seed, by keyword or at its position.
        Example(cells=(
            "from fastai.vision import *",
            "src = ImageList.from_csv(path, 'train.csv', folder='train').split_by_rand_pct(0.2, seed=42)\n"
            "other = ImageList.from_csv(path, 'more.csv').random_split_by_pct(0.2, 7)\nprint(len(src.valid), len(other.valid))",
        )),
        # fastai v1's ImageDataBunch split by its folders (no valid_pct, or valid_pct=None), or at
        # random given its seed, by keyword or at its position.
        Example(cells=(
            "from fastai.vision import *",
            "data = ImageDataBunch.from_folder(path, ds_tfms=get_transforms(), size=224)\n"
            "more = ImageDataBunch.from_folder(path, valid_pct=None, size=224)\n"
            "seeded = ImageDataBunch.from_folder(path, train='.', valid_pct=0.2, seed=42, size=224)\n"
            "frame = ImageDataBunch.from_df(path, df, 'train', None, 0.2, 42, size=128)\n"
            "named = ImageDataBunch.from_name_re(path, fnames, r'/([^/]+)_\\d+.jpg$', seed=1, size=224)\n"
            "print(data.classes, more.classes, seeded.classes, frame.classes, named.classes)",
        )),
    )
    failing = (
        # A `torch.nn.Sequential` only printed, then its name bound to the model the notebook trains:
        # that model's draws carry the finding, not the printed one's (fair check 50, item 146).
        Example(cells=(
            "import torch\nfrom torch import nn",
            "model = nn.Sequential(\n    nn.Linear(8, 12),\n    nn.ReLU(),\n    nn.Linear(12, 1)\n)\nprint(model)",
            "model = nn.Linear(8, 1)\nopt = torch.optim.Adam(model.parameters())\nloss = model(torch.ones(2, 8)).sum()\n"
            "loss.backward()\nopt.step()\nprint(loss.item())",
        ), expect=((3, 1),)),
        # A first-batch peek with `next(iter(loader))`, only plotted, then the same loader trains the
        # model, whose loop rebinds the peek's names: the finding is anchored on the layer that is
        # trained, the peek related (fair check 47, item 144, r-anchor-on-display-only-draw).
        Example(cells=(
            "import torch\nfrom torch import nn\nimport matplotlib.pyplot as plt\n"
            "loader = torch.utils.data.DataLoader(train_set, batch_size=32, shuffle=True)",
            "real_samples, labels = next(iter(loader))\nfor i in range(16):\n    plt.subplot(4, 4, i + 1)\n"
            "    plt.imshow(real_samples[i].reshape(28, 28))",
            "model = nn.Linear(784, 1)\noptimizer = torch.optim.Adam(model.parameters())",
            "for epoch in range(5):\n    for n, (real_samples, labels) in enumerate(loader):\n"
            "        loss = model(real_samples.view(-1, 784)).mean()\n        loss.backward()\n        optimizer.step()",
        ), expect=((3, 1),)),
        # Random test images' top scores kept in a list and averaged: a statistic over the picks, an
        # estimate (unlike fair check 47, item 141).
        Example(cells=(
            "import random\nimport tensorflow as tf\nmodel = tf.keras.models.load_model('food.keras')\nfiles = ['a.jpg', 'b.jpg']",
            "scores = []\nfor i in range(30):\n    img = tf.keras.utils.load_img(random.choice(files))\n"
            "    pred_prob = model.predict(tf.expand_dims(img, axis=0))\n    scores.append(pred_prob.max())\nprint(sum(scores) / len(scores))",
        ), expect=((2, 3),)),
        # Picks drawn in a comprehension, fifteen of them, summed: a statistic over the picks (fair
        # check 42's Data_Wrangling frame of random animals, averaged by group).
        Example(cells=(
            "import random\nimport pandas as pd\ndf = pd.DataFrame({'kind': [random.choice(['Duck', 'Goat']) for i in range(15)],\n"
            "                   'legs': [random.choice(range(1, 4)) for i in range(15)]})\ngroups = df.groupby('kind')\ndisplay(groups.agg('mean'))",
        ), expect=((1, 3),)),
        # Centred by their mean, the points' spread is then printed: a statistic of the draws, a result
        # (unlike fair check 47, item 137).
        Example(cells=(
            "import torch\nx = torch.rand(50, 2)\nx_new = x - x.mean(dim=0)\nprint(x_new.std())",
        ), expect=((1, 2),)),
        # Only the weight set to zeros (the bias keeps its draw), and a loader of batches smaller
        # than the dataset (unlike fair check 47, items 136, 138).
        Example(cells=(
            "import torch\nimport torch.nn as nn",
            "linear = nn.Linear(784, 1)\nnn.init.zeros_(linear.weight)\nprint(linear(torch.ones(784)))",
        ), expect=((2, 1),)),
        Example(cells=(
            "import torch\nfrom torchvision import datasets\nds = datasets.ImageFolder('train')\n"
            "loader = torch.utils.data.DataLoader(ds, batch_size=len(ds) // 2, shuffle=True)",
            "for x, y in loader:\n    print(x.mean())",
        ), expect=((2, 1),)),
        # The timed solver's result kept: the random instance reaches a printed value (unlike fair
        # check 46, item 144).
        Example(cells=(
            "import time\nimport numpy as np\ndef solve(c, w, v):\n    return max(v[w <= c], default=0)",
            "for k in range(5, 20):\n    w = np.random.randn(k)\n    start = time.perf_counter()\n"
            "    best = solve(0.5, w, w)\n    print(best, time.perf_counter() - start)",
        ), expect=((2, 2),)),
        # The random inputs of a check that also leave it: saved beside the check, or kept in a list
        # outside the loop that is saved (fair check 41, items 130, 131: only a check's own prints pass).
        Example(cells=(
            "import numpy as np\ndef orthonormal(M):\n    Q, _ = np.linalg.qr(M)\n    return Q",
            "M = np.random.rand(3, 5)\nQ = orthonormal(M)\nprint(np.allclose(Q.T @ Q, np.identity(Q.shape[1])))\nnp.save('q.npy', Q)",
            "kept = []\nfor z in range(3):\n    N = np.random.rand(3, 5)\n    R = orthonormal(N)\n    kept.append(R)\n"
            "    print(np.allclose(R.T @ R, np.identity(R.shape[1])))\nnp.save('kept.npy', np.array(kept))",
        ), expect=((2, 1),)),
        # A Sequential built layer by layer (`model.add(Conv2D(…))`), then rebound to another model
        # before anything reads it: its draws are thrown away, and the finding is at the draws of the
        # model that is trained (fair check 34, item 146).
        Example(cells=(
            "import numpy as np\nx_train = np.zeros((10, 28, 28, 1))",
            "from tensorflow.keras.models import Sequential\nfrom tensorflow.keras.layers import Conv2D, Dense, Flatten\n\n"
            "model = Sequential()\nmodel.add(Conv2D(filters=32, kernel_size=(5,5), activation='relu', input_shape=x_train.shape[1:]))\n"
            "model.add(Flatten())\nmodel.add(Dense(10, activation='softmax'))",
            "from tensorflow.keras.models import Model\nfrom tensorflow.keras.layers import Input\ninputs = Input(shape=x_train.shape[1:])\n"
            "x = Conv2D(filters=32, kernel_size=(5,5), activation='relu')(inputs)\nx = Flatten()(x)\n"
            "predictions = Dense(10, activation='softmax')(x)\nmodel = Model(inputs=inputs, outputs=predictions)",
            "model.compile(loss='categorical_crossentropy', optimizer='adam')\nhistory = model.fit(x_train, x_train, epochs=3)",
        ), expect=((3, 4),)),
        # A check that prints a value of the draws beside the distance (the loss itself), or the
        # distance of a drawn value to data, shows the draws: reported.
        Example(cells=(
            "import numpy as np\nimport torch\nimport metrics\nx = np.random.randn(12, 7)\ntx = torch.from_numpy(x)\n"
            "print(x.sum(), metrics.tdist(x.sum(), tx.sum().numpy()))",
        ), expect=((1, 4),)),
        Example(cells=(
            "import numpy as np\nimport metrics\ny_test = np.load('y.npy')\nw = np.random.randn(3)\n"
            "print(metrics.tdist(w @ np.ones((3, 4)), y_test))",
        ), expect=((1, 4),)),
        # The random start is taken when a call leaves `start` off, or passes a name a call bound
        # (the value may be None): reported (fair check 39, item 101 is the case where no call does).
        Example(cells=(
            "import random\ndef f(x):\n    return (x - 1) ** 2\n"
            "def gradient_descent(f, step, start=None, iters=100):\n    if start is None:\n        start = random.random()\n"
            "    x = start\n    for _ in range(iters):\n        x -= step * 2 * (x - 1)\n    return x",
            "print(gradient_descent(f, 0.1, start=2.5))\nprint(gradient_descent(f, 0.1))",
        ), expect=((1, 6),)),
        Example(cells=(
            "import random\ndef f(x):\n    return (x - 1) ** 2\n"
            "def gradient_descent(f, step, start=None, iters=100):\n    if start is None:\n        start = random.random()\n"
            "    x = start\n    for _ in range(iters):\n        x -= step * 2 * (x - 1)\n    return x",
            "s = pick_start()\nprint(gradient_descent(f, 0.1, start=s))",
        ), expect=((1, 6),)),
        # torchtext's legacy BucketIterator with shuffle=True shuffles from a snapshot of Python's
        # `random` state taken when it is built (fair check 23); shuffle=False draws nothing.
        Example(cells=(
            "import torch\nfrom torchtext.data import Field, TabularDataset, BucketIterator\ntorch.manual_seed(0)",
            "text = Field(tokenize='spacy')\ntrain_data = TabularDataset(path='train.tsv', format='tsv', fields=[('text', text)])\n"
            "train_iter = BucketIterator(train_data, batch_size=32, shuffle=True)\ntest_iter = BucketIterator(train_data, batch_size=32, shuffle=False)\n"
            "for batch in train_iter:\n    optimizer.zero_grad()\n    loss = criterion(model(batch.text), batch.label)\n    loss.backward()\n    optimizer.step()",
        ), expect=((2, 3),)),
        # A DQN's target network copies the policy network's weights (`load_state_dict(policy.state_dict())`):
        # they are the notebook's own draws, not weights loaded from outside (fair check 23).
        Example(cells=(
            "import torch\nimport torch.nn as nn",
            "class QNet(nn.Module):\n    def __init__(self, n_in, n_out):\n        super().__init__()\n        self.fc = nn.Linear(n_in, n_out)\n\n"
            "    def forward(self, x):\n        return self.fc(x)",
            "policy = QNet(4, 2)\ntarget = QNet(4, 2)\ntarget.load_state_dict(policy.state_dict())\nprint(policy(torch.zeros(1, 4)))",
        ), expect=((2, 4),)),
        # Repeated trials (fair check 23): the trial function's NumPy draw is the finding, and the
        # forest without random_state it builds draws from the same state: related, one seed for both.
        Example(cells=(
            "import numpy as np\nfrom sklearn.ensemble import RandomForestClassifier",
            "def one_trial(X, y, n_start=20):\n    start = np.random.choice(len(X), size=n_start, replace=False)\n"
            "    model = RandomForestClassifier(n_estimators=50)\n    model.fit(X[start], y[start])\n    return model.score(X, y)",
            "scores = []\nfor trial in range(5):\n    scores.append(one_trial(X, y))\nprint(np.mean(scores), np.std(scores))",
        ), expect=((2, 2),)),
        # Seed in a cell BELOW the draw; the draw in cell 2 is reported, the one in cell 4 is not.
        Example(cells=(md("# Data"), "import numpy as np\nidx = np.random.permutation(10)\nrows = data[idx]", "np.random.seed(0)", "j = np.random.permutation(10)"),
                expect=((2, 2),)),
        # An Embedding given its pretrained vectors (`Constant(matrix)`) draws nothing: the finding
        # names the first layer that does (fair check 16).
        Example(cells=(
            "import numpy as np\nfrom tensorflow.keras.layers import Dense, Embedding\nfrom tensorflow.keras.initializers import Constant\nvectors = np.ones((50, 8))",
            "embed = Embedding(50, 8, embeddings_initializer=Constant(vectors), trainable=False)\nhead = Dense(1)\nmodel = build(embed, head)\nmodel.fit(x, y)",
        ), expect=((2, 2),)),
        # Later in the same cell is too late as well; `from random import shuffle` is followed.
        Example(cells=("from random import shuffle\nimport random\nshuffle(items)\nrandom.seed(1)",), expect=((1, 3),)),
        # np.random.seed does not seed a new default_rng(); nor does seed() without an argument.
        Example(cells=(
            "import numpy as np\nimport random\nnp.random.seed(0)\nrandom.seed()",
            "rng = np.random.default_rng()\nr = random.random()\npair = (rng, r)",
        ), expect=((2, 1), (2, 2))),
        # The helper that seeds is never called; the layer built in a class runs at `Net()`.
        Example(cells=(
            "import torch\nfrom torch import nn\ndef set_seed(s):\n    torch.manual_seed(s)",
            "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 2)",
            "model = Net()",
        ), expect=((2, 4),)),
        # Seeding numpy does not seed torch or TensorFlow; a shuffling DataLoader draws where it is
        # iterated (cell 3), df.sample() draws from NumPy's seeded state.
        Example(cells=(
            "import numpy as np\nimport pandas as pd\nimport torch\nimport tensorflow as tf\nnp.random.seed(0)",
            "loader = torch.utils.data.DataLoader(ds, shuffle=True)\nw = tf.random.normal([3])\ndf = df.sample(frac=1)",
            "print(len(loader))\nfor xb, yb in loader:\n    pass\nscaled = w * 2",
        ), expect=((2, 2), (3, 2))),
        # Iterated before the seed: the seed comes too late for the first epoch's order.
        Example(cells=(
            "import torch\nfrom torch.utils.data import DataLoader\ntrain_dl = DataLoader(ds, batch_size=1, shuffle=True)\nbatch = next(iter(train_dl))",
            "torch.manual_seed(1)\nfor xb, yb in train_dl:\n    pass",
        ), expect=((1, 4),)),
        # pandas' sample draws from NumPy's global state: reported when NumPy is never seeded.
        Example(cells=("import pandas as pd\nimport random\nrandom.seed(0)", "train = df.sample(frac=0.8)"), expect=((2, 1),)),
        # Timed, but also used: `%time y = …` binds `y` in the notebook, and `print(x)` shows the draw.
        Example(cells=(
            "import numpy as np\nx = np.random.rand(100)\n%timeit x.sum()",
            "%time total = x.sum()\nprint(x[:3])",
        ), expect=((1, 2),)),
        # A sample only shown is left out; an in-place shuffle and a bound sample are draws.
        Example(cells=(
            "import numpy as np\nimport pandas as pd\ndf = pd.DataFrame({'a': range(100)})\norder = np.arange(100)",
            "df.sample(10)\nnp.random.shuffle(order)\nbatch = df.sample(5)",
        ), expect=((2, 2),)),
        # A helper that shows its pick but also returns it: the pick is used.
        Example(cells=(
            "import random",
            "def pick_row(frame):\n    pick = random.randint(0, len(frame) - 1)\n    print(pick)\n    return frame.iloc[pick]",
            "row = pick_row(df)",
        ), expect=((2, 2),)),
        # The caller seeds only after calling the function that draws: too late.
        Example(cells=(
            "import numpy as np\nfrom accelerate.utils import set_seed",
            "def split(n):\n    return np.random.permutation(n)",
            "def training_loop(seed):\n    order = split(10)\n    set_seed(seed)",
            "training_loop(42)",
        ), expect=((2, 2),)),
        # A new classification head, then LoRA adapters, both before the Trainer that seeds.
        Example(cells=(
            "from peft import LoraConfig, get_peft_model\nfrom transformers import AutoModelForSequenceClassification, Trainer",
            "model = AutoModelForSequenceClassification.from_pretrained('distilbert-base-uncased', num_labels=3)",
            "model = get_peft_model(model, LoraConfig(r=4))\ntrainer = Trainer(model=model, args=args)",
        ), expect=((2, 1),)),
        # A LightningModule building a MONAI network and a shuffling MONAI DataLoader, never seeded.
        Example(
            cells=(
                "import pytorch_lightning as pl\nfrom monai.data import DataLoader\nfrom monai.networks.nets import UNet",
                "class Seg(pl.LightningModule):\n    def __init__(self, ds):\n        super().__init__()\n"
                "        self.net = UNet(spatial_dims=2, in_channels=1, out_channels=2, channels=(8, 16), strides=(2,))\n"
                "        self.ds = ds\n\n    def train_dataloader(self):\n        return DataLoader(self.ds, batch_size=2, shuffle=True)",
                "model = Seg([])\npl.Trainer(max_epochs=1).fit(model)",
            ),
            expect=((2, 4),),
        ),
        # A pretrained backbone loads its own layers only: the new head starts from random weights.
        Example(cells=(
            "from tensorflow.keras.applications import ResNet50\nfrom tensorflow.keras import layers\nbase = ResNet50(weights='imagenet', include_top=False)",
            "head = layers.Dense(10)(base.output)",
        ), expect=((2, 1),)),
        # Loading back the notebook's own checkpoint restores weights trained from its own draws.
        Example(cells=(
            "import tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Dense(2)])\nckpt = 'ckpt/weights'",
            "cb = tf.keras.callbacks.ModelCheckpoint(ckpt, save_weights_only=True)",
            "model.load_weights(ckpt)",
        ), expect=((1, 2),)),
        # A random string that is data, not a name; a random index that picks a row.
        Example(cells=("import random\nsequence = ''.join(random.choice('ACGT') for _ in range(20))",), expect=((1, 2),)),
        Example(cells=("import random\nk = random.randint(0, 9)\nrow = rows[k]\nlabel = f'row-{k}'",), expect=((1, 2),)),
        # A loop that asserts but also keeps what it drew: the values leave the loop.
        Example(cells=(
            "import numpy as np\nkept = []",
            "for _ in range(10):\n    logits = np.random.normal(size=7)\n    assert logits.shape == (7,)\n    kept.append(logits)",
        ), expect=((2, 2),)),
        # A `%%time` cell whose result a later cell reads is a real use of the draw.
        Example(cells=(
            "import numpy as np\nu = np.random.normal(size=1000)",
            "%%time\ntotal = np.sum(u)",
            "print(total)",
        ), expect=((1, 2),)),
        # A `*args` unpacking passes the sizes, not a seed (fair check 16's `np.random.randn(*X.shape)`);
        # a split from the sub-module that defines it is torch's draw too; `**opts` may carry the generator.
        Example(cells=(
            "import numpy as np\nimport torch\nfrom torch.utils.data.dataset import random_split\nX = np.zeros((4, 2))",
            "noise = np.random.randn(*X.shape)\nparts = random_split(data, [3, 1])\nmore = torch.rand(3, **opts)\nsave(noise, parts, more)",
        ), expect=((2, 1), (2, 2))),
        # StellarGraph's models are Keras layers initialised from TensorFlow's global seed (fair check
        # 17: a demo built only from them; seeded by `tf.random.set_seed`, see the passing examples).
        Example(cells=(
            "from stellargraph.layer import GraphSAGE, link_classification",
            "sage = GraphSAGE(layer_sizes=[32, 32], generator=gen)\nx_in, x_out = sage.in_out_tensors()\npred = link_classification(output_dim=1)(x_out)",
        ), expect=((2, 1),)),
        # A project helper that seeds only when given a seed, called without one: still unseeded.
        Example(cells=(
            "import numpy as np\nfrom lab_tools import seed_everything",
            "seed_everything()",
            "idx = np.random.permutation(10)\nrows = data[idx]",
        ), files={"lab_tools.py": "import numpy as np\n\n\ndef seed_everything(seed=None):\n    if seed is not None:\n        np.random.seed(seed)\n"},
            expect=((3, 1),)),
        # Fallbacks some call takes (no `rng`, or None): one finding for the idiom, the other related.
        Example(cells=(
            "import numpy as np\ndef simulate(n, rng=None):\n    if rng is None:\n        rng = np.random.default_rng()\n    return rng.normal(size=n)\n"
            "def bootstrap(x, rng=None):\n    if rng is None:\n        rng = np.random.default_rng()\n    return rng.choice(x, len(x))",
            "path = simulate(10)\nresampled = bootstrap(path, None)\nprint(resampled.sum())",
        ), expect=((1, 4),)),
        # A seed guarded by its parameter, which every call leaves at None: it never seeds, so the
        # function's own draw is reported (fair check 18).
        Example(cells=(
            "import numpy as np\ndef make_data(n, seed=None):\n    if seed is not None:\n        np.random.seed(seed)\n    return np.random.normal(size=n)",
            "x = make_data(100, seed=None)\nprint(x.mean())",
        ), expect=((1, 5),)),
        # A frozen SciPy distribution's ten draws only printed, and a shuffling loader iterated only
        # inside a stopwatch (fair check 19), are not reported; the draws whose mean is shown are.
        Example(cells=(
            "import time\nfrom scipy import stats\nfrom torch.utils.data import DataLoader",
            "dist = stats.norm(0, 2)\nten = dist.rvs(10)\nprint(ten)",
            "loader = DataLoader(data, batch_size=8, shuffle=True)\nstart = time.time()\nfor xb, yb in loader:\n    continue\nprint(time.time() - start)",
            "waits = stats.expon(scale=3).rvs(500)\nprint(waits.mean())",
        ), expect=((4, 1),)),
        # A Python 2 notebook's cell that fails only for its `print x` statements is read with them as
        # calls: its draw is the first (fair check 19), not the later one of a cell that parses.
        Example(cells=(
            "import numpy as np",
            "x = np.random.normal(size=900)\nprint 'mean', x.mean()",
            "y = np.random.rand(300)\nz = y.sum()\nz",
        ), kernel="python2", expect=((2, 1),)),
        # kornia's augmentations draw from torch's generator when applied (fair check 20).
        Example(cells=(
            "import kornia as K\nimport torch",
            "aug = K.augmentation.AugmentationSequential(K.augmentation.RandomAffine(360, p=1.0))\nout = aug(torch.ones(1, 3, 8, 8))",
        ), expect=((2, 1),)),
        # The notebook says the runs are meant to differ (fair check 21): still reported, and the
        # message quotes it and asks for a seed parameter instead of calling the variation an accident.
        Example(cells=(
            "import numpy as np",
            "fractions = np.random.random(500)\nprint(fractions.mean())",
            md("The seeds are not fixed in this example, so you can rerun to see different results."),
        ), expect=((2, 1),)),
        # A drawn default of a def nothing calls is read by no code that runs (fair check 21): the
        # finding sits on the draw of the function the notebook calls.
        Example(cells=(
            "import numpy as np",
            "def shift_column(values, offset=np.random.uniform(0, 10)):\n    return values + offset\n\n"
            "def add_outliers(values):\n    return values + np.random.normal(0, 20, size=len(values))",
            "noisy = add_outliers(np.zeros(5))\nprint(noisy.sum())",
        ), expect=((2, 5),)),
        # The same switch saved `False`: the `else` ran and built the model from unseeded weights.
        Example(cells=(
            "import numpy as np\nimport tensorflow as tf\nfrom tensorflow.keras.layers import Conv2D, Dense, Flatten, InputLayer",
            "def small_cnn(n_classes):\n    return tf.keras.Sequential([InputLayer(input_shape=(32, 32, 3)), Conv2D(32, 3), Flatten(), Dense(n_classes)])",
            "load_pretrained = False  # set to True to fetch the trained detector",
            "if load_pretrained:\n    model = tf.keras.models.load_model('detector.h5')\nelse:\n    model = small_cnn(10)\n    model.fit(np.load('x_train.npy'), np.load('y_train.npy'), epochs=5)",
        ), expect=((2, 2),)),
        # A pretrained backbone inside the notebook's own class loads the backbone only: the head
        # beside it starts from unseeded weights (fair check 22); a tokenizer's load loads no weights.
        Example(cells=(
            "import torch\nimport torch.nn as nn\nfrom transformers import AutoTokenizer, DistilBertModel",
            "class Classifier(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.lm = DistilBertModel.from_pretrained('distilbert-base-uncased')\n        self.head = nn.Linear(768, 2)\n\n    def forward(self, tokens):\n        return self.head(self.lm(**tokens).last_hidden_state[:, 0])",
            "tokenizer = AutoTokenizer.from_pretrained('distilbert-base-uncased')\nmodel = Classifier()\nprint(model(tokenizer(['great product'], return_tensors='pt')))",
        ), expect=((2, 5),)),
        # Keras' ImageDataGenerator draws its random transforms and its shuffling from NumPy's global
        # state, never seeded here (fair check 31 recall T-4.6); a `flow` on another object is not its.
        Example(cells=(
            "import numpy as np\nimport tensorflow as tf\nfrom tensorflow.keras.preprocessing.image import ImageDataGenerator",
            "x = np.load('x.npy')\ny = np.load('y.npy')\ndatagen = ImageDataGenerator(rotation_range=45, width_shift_range=0.2,\n"
            "    zoom_range=0.2, horizontal_flip=True)\ni = 0\nfor batch in datagen.flow(x, batch_size=16):\n    i += 1\n"
            "    if i > 3:\n        break",
            "pipeline = make_pipeline()\nrun = pipeline.flow(x)",
        ), expect=((2, 6),)),
        # alibi-detect's OutlierVAE scores by sampling its latent code from TensorFlow's global
        # state (fair check 22): fetched by its name, then its threshold inferred, unseeded.
        Example(cells=(
            "import numpy as np\nfrom alibi_detect.utils.fetching import fetch_detector\nnp.random.seed(0)",
            "detector_name = 'OutlierVAE'\nod = fetch_detector('models', 'outlier', 'kddcup', detector_name)",
            "X = np.load('kddcup_threshold.npy')\nod.infer_threshold(X, threshold_perc=95)\nprint('New threshold: {}'.format(od.threshold))",
        ), expect=((3, 2),)),
        # NeuralProphet trains a torch model from torch's unseeded generator: its forecast changes per run.
        Example(cells=(
            "import pandas as pd\nfrom neuralprophet import NeuralProphet",
            "df = pd.read_csv('load_hourly.csv', parse_dates=['ds'])\nm = NeuralProphet(quantiles=[0.05, 0.95])\nmetrics = m.fit(df)\nforecast = m.predict(m.make_future_dataframe(df, periods=24))\nprint(forecast[['ds', 'yhat1']].tail())",
        ), expect=((2, 2),)),
        # A statistic of the subset ends the cell: a number computed from the draw; and without
        # azureml, `start_logging()` is no tracker's (fair check 27).
        Example(cells=(
            "import random\nimport pandas as pd",
            "df = pd.read_csv('scores.csv')\nsubset = df.sample(n=20)\nsubset.mean()",
            "run = experiment.start_logging()\nrun.log_row('Accuracy', value=random.random())",
        ), expect=((2, 2), (3, 2))),
        # The killed worker's pid is also written out (a result of the run), not only signalled.
        Example(cells=(
            "import os\nimport random\nimport pandas as pd",
            "victim = random.choice(pids)\nos.kill(victim, 15)\npd.Series([victim]).to_csv('killed.csv')",
        ), expect=((2, 1),)),
        # A statistic of the generator's draws is a result, even only shown; and the spread of a draw
        # around its own mean (one side computed in place) is no check of two computations.
        Example(cells=(
            "import numpy as np",
            "rng = np.random.default_rng()\nc = rng.random(8)\nprint(c.mean())",
            "gen = np.random.default_rng()\nx = gen.normal(size=100)\nnp.abs(x - x.mean()).max()",
        ), expect=((2, 1), (3, 1))),
        # A pause between requests does not make the function a stand-in: it samples what the service
        # returns.
        Example(cells=(
            "import random, time\nimport requests",
            "def sample_posts(n):\n    time.sleep(1)\n    posts = requests.get(url).json()\n    return random.sample(posts, n)",
            "sample = sample_posts(50)\nprint(sum(len(post['body']) for post in sample) / len(sample))",
        ), expect=((2, 4),)),
        # Dropout draws when the loaded model is trained: the configuration that runs trains (its last
        # `train = True`), or the notebook fine-tunes the loaded weights.
        Example(cells=(
            "import numpy as np\nfrom tensorflow import keras",
            "def build(weights=None):\n    inputs = keras.Input(shape=(8,))\n    x = keras.layers.Dense(16, activation='relu')(inputs)\n"
            "    x = keras.layers.Dropout(0.2)(x)\n    net = keras.Model(inputs, keras.layers.Dense(2)(x))\n"
            "    net.compile(optimizer='adam', loss='mse')\n    if weights:\n        net.load_weights(weights)\n    return net\n\n"
            "def play(net, episodes, train=False):\n    for obs in episodes:\n        q = net.predict(obs[None])\n"
            "        if train:\n            net.fit(obs[None], q)",
            "train = False  # the trained weights\ntrain = True   # from scratch: weeks",
            "net = build('weights.h5')\nif train:\n    play(net, np.load('episodes.npy'), train=True)\nelse:\n    play(net, np.load('episodes.npy'))",
        ), expect=((2, 4),)),
        Example(cells=(
            "import numpy as np\nfrom tensorflow import keras",
            "def build(weights=None):\n    inputs = keras.Input(shape=(8,))\n    x = keras.layers.Dense(16, activation='relu')(inputs)\n"
            "    x = keras.layers.Dropout(0.2)(x)\n    net = keras.Model(inputs, keras.layers.Dense(2)(x))\n"
            "    net.compile(optimizer='adam', loss='mse')\n    if weights:\n        net.load_weights(weights)\n    return net\n\n"
            "def play(net, episodes, train=False):\n    for obs in episodes:\n        q = net.predict(obs[None])\n"
            "        if train:\n            net.fit(obs[None], q)",
            "net = build('pretrained.h5')\nnet.fit(np.load('x.npy'), np.load('y.npy'), epochs=3)",
        ), expect=((2, 4),)),
        # Weights loaded only after a training call (Dropout drew while it ran), and weights never
        # loaded (the layers' initial weights are what the model predicts with).
        Example(cells=(
            "import numpy as np\nfrom tensorflow import keras",
            "def build():\n    inputs = keras.Input(shape=(8,))\n    x = keras.layers.Dense(16, activation='relu')(inputs)\n"
            "    x = keras.layers.Dropout(0.2)(x)\n    net = keras.Model(inputs, keras.layers.Dense(2)(x))\n"
            "    net.compile(optimizer='adam', loss='mse')\n    return net",
            "net = build()\nnet.fit(np.load('x.npy'), np.load('y.npy'), epochs=3)\nnet.load_weights('swa.h5')\nprint(net.predict(np.load('x_test.npy')))",
        ), expect=((2, 4),)),
        Example(cells=(
            "import numpy as np\nfrom tensorflow import keras",
            "def build():\n    inputs = keras.Input(shape=(8,))\n    x = keras.layers.Dense(16, activation='relu')(inputs)\n"
            "    x = keras.layers.Dropout(0.2)(x)\n    return keras.Model(inputs, keras.layers.Dense(2)(x))",
            "net = build()\nprint(net.predict(np.load('x.npy')))",
        ), expect=((2, 3),)),
        # Random scores logged to a TensorBoard writer and also written out as the run's scores.
        Example(cells=(
            "import numpy as np\nimport pandas as pd\nfrom torch.utils.tensorboard import SummaryWriter",
            "writer = SummaryWriter('runs/demo')",
            "predictions = np.random.rand(100)\nwriter.add_histogram('scores', predictions, 0)\npd.Series(predictions).to_csv('scores.csv')",
        ), expect=((3, 1),)),
        # The exported file is the notebook's deliverable (nothing views it), or the model also
        # computes an output.
        Example(cells=(
            "import torch\nimport torch.nn as nn\n\nclass MultipleOutput(nn.Module):\n    def __init__(self):\n        super(MultipleOutput, self).__init__()\n"
            "        self.Linear_1 = nn.Linear(3, 5)\n        self.Linear_2 = nn.Linear(3, 7)\n\n    def forward(self, x):\n"
            "        return self.Linear_1(x), self.Linear_2(x)",
            "model = MultipleOutput()\nmodel_filename = 'my-model.onnx'\ntorch.onnx.export(model, (torch.zeros(1, 3),), model_filename)",
        ), expect=((1, 7),)),
        Example(cells=(
            "from tensorboardX import SummaryWriter\nwriter = SummaryWriter()",
            "import torch\nimport torch.nn as nn\n\nclass MultipleOutput(nn.Module):\n    def __init__(self):\n        super(MultipleOutput, self).__init__()\n"
            "        self.Linear_1 = nn.Linear(3, 5)\n        self.Linear_2 = nn.Linear(3, 7)\n\n    def forward(self, x):\n"
            "        return self.Linear_1(x), self.Linear_2(x)",
            "model = MultipleOutput()\nmodel_filename = 'my-model.onnx'\ntorch.onnx.export(model, (torch.zeros(1, 3),), model_filename)\n"
            "writer.add_onnx_graph(model_filename)\nprint(model(torch.ones(1, 3)))",
        ), expect=((2, 7),)),
        # Fair check 28 (rnd001-jax-random-shadows-stdlib): a name imports bind twice is the last
        # binding above the call: here the standard library's `random`, imported after JAX's.
        Example(cells=(
            "from jax import random\nimport random",
            "items = list(range(10))\nrandom.shuffle(items)\nscore = sum(items[:3]) / 3\nresults = {'score': score}",
        ), expect=((2, 2),)),
        # The picked items' statistics gathered and averaged: a result over the draws.
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt\nx_test = np.zeros((100, 8, 8))\ny_hat = np.ones((100, 10))\nnames = list('abcdefghij')",
            "scores = []\nfor idx in np.random.choice(100, size=10, replace=False):\n    scores.append(np.argmax(y_hat[idx]))\nprint(np.mean(scores))",
        ), expect=((2, 2),)),
        # A batch of the shuffling loader whose statistic is printed: computed from the draw.
        Example(cells=(
            "import torch\nfrom torchvision import datasets, transforms\nimport helper\ntrainset = datasets.FashionMNIST('~/.pytorch/F_MNIST_data/', download=True, train=True, transform=transforms.ToTensor())\ntrainloader = torch.utils.data.DataLoader(trainset, batch_size=64, shuffle=True)",
            "images, labels = next(iter(trainloader))\nprint(images.mean())",
        ), expect=((2, 1),)),
        # The timing loop also prints the loss its training computed: a value of the draw.
        Example(cells=(
            "import time\nimport torch\nfrom torch import nn, optim\nfrom torchvision import models\nmodel = models.densenet121(weights='DEFAULT')\nbatches = [(torch.ones(2, 3, 224, 224), torch.tensor([0, 1]))] * 4",
            "from collections import OrderedDict\nclassifier = nn.Sequential(OrderedDict([('fc1', nn.Linear(1024, 2)), ('output', nn.LogSoftmax(dim=1))]))\nmodel.classifier = classifier",
            "for device in ['cpu', 'cuda']:\n    criterion = nn.NLLLoss()\n    optimizer = optim.Adam(model.classifier.parameters(), lr=0.001)\n    model.to(device)\n    for inputs, labels in batches:\n        start = time.time()\n        loss = criterion(model.forward(inputs.to(device)), labels.to(device))\n        optimizer.zero_grad()\n        loss.backward()\n        optimizer.step()\n    print(f\"Device = {device}; Time per batch: {(time.time() - start)/3:.3f} seconds\", loss.item())",
        ), expect=((2, 2),)),
        # The same augmentations, with the training loader iterated: every batch goes through them.
        Example(cells=(
            "import torch\nfrom torchvision import datasets, transforms",
            "train_transforms = transforms.Compose([transforms.RandomRotation(30), transforms.RandomHorizontalFlip(), transforms.ToTensor()])\ntest_transforms = transforms.Compose([transforms.Resize(255), transforms.ToTensor()])\ntrain_data = datasets.ImageFolder('data/train', transform=train_transforms)\ntest_data = datasets.ImageFolder('data/test', transform=test_transforms)\ntrainloader = torch.utils.data.DataLoader(train_data, batch_size=32, shuffle=True)\ntestloader = torch.utils.data.DataLoader(test_data, batch_size=32)",
            "for images, labels in trainloader:\n    print(images.mean())",
        ), expect=((2, 1),)),
        # Fair check 29 (rnd001-display-only-pick): the first cell's random pick only shows a panel;
        # a later cell draws its own pick at the top of its loop (not the first cell's value) and
        # trains on it: that draw is the finding.
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt\nX = np.zeros((100, 4))\nfig, axes = plt.subplots(2, 2)",
            "for ax in axes.flat:\n    idx = np.random.randint(100)\n    ax.imshow(X[idx].reshape(2, 2))",
            "for step in range(10):\n    idx = np.random.randint(100)\n    model.train_on_batch(X[idx:idx + 1])",
        ), expect=((3, 2),)),
        # A handful of random weights, but the statistic is of values computed from them (a loss).
        Example(cells=(
            "import numpy as np\nX = np.ones((4, 3))\nt = np.zeros(4)",
            "w = np.random.rand(3)\nloss = ((X @ w - t) ** 2).mean()\nprint(loss)",
        ), expect=((2, 1),)),
        # Fair check 29, item 135: the first draw sits in the branch for no pretrained weights, which
        # the notebook never takes; the finding is on the LSTM, which always draws (the embedding
        # related; one made from pretrained weights draws nothing).
        Example(cells=(
            "import torch\nimport torch.nn as nn",
            "class Tagger(nn.Module):\n    def __init__(self, weights=None):\n        super().__init__()\n"
            "        if weights is None:\n            self.emb = nn.Embedding(10, 4)\n        else:\n"
            "            self.emb = nn.Embedding.from_pretrained(weights)\n        self.lstm = nn.LSTM(4, 8)",
            "tagger = Tagger(torch.ones(10, 4))\nopt = torch.optim.SGD(tagger.parameters(), lr=0.1)\n"
            "loss = tagger.lstm(torch.ones(2, 1, 4))[0].sum()\nloss.backward()\nopt.step()",
        ), expect=((2, 8),)),
        # TensorFlow 1 (fair check 30, item T-10.9): `tf.get_variable` without an initialiser takes
        # glorot-uniform; a BasicLSTMCell's kernel and a legacy seq2seq model's embeddings too; a
        # sampled softmax draws its negative classes. Each is the only draw of its notebook.
        Example(cells=(
            "import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 8])",
            "w = tf.get_variable('proj_w', [20, 8], tf.float32)\nlogits = tf.matmul(x, tf.transpose(w))",
        ), expect=((2, 1),)),
        Example(cells=(
            "import tensorflow as tf\nenc = [tf.placeholder(tf.int32, [None]) for _ in range(3)]",
            "outputs, states = tf.contrib.legacy_seq2seq.embedding_attention_seq2seq(\n"
            "    enc, enc, tf.contrib.rnn.LSTMCell(8, initializer=tf.orthogonal_initializer(seed=1)),\n"
            "    num_encoder_symbols=10, num_decoder_symbols=10, embedding_size=4)",
        ), expect=((2, 1),)),
        Example(cells=(
            "import tensorflow as tf\nw = tf.zeros([20, 8])\nb = tf.zeros([20])\nx = tf.placeholder(tf.float32, [None, 8])\ny = tf.placeholder(tf.int64, [None, 1])",
            "loss = tf.nn.sampled_softmax_loss(weights=w, biases=b, labels=y, inputs=x, num_sampled=5, num_classes=20)",
        ), expect=((2, 1),)),
        # Fair check 30, item 128 (anchor): a def replaced by a later def of the same name before its
        # first call never runs; the finding is on the draw of the def that runs.
        Example(cells=(
            "import numpy as np",
            "def noise(n):\n    return np.random.randn(n)",
            "def noise(n):\n    return np.random.rand(n)",
            "data = noise(10)\nprint(data.mean())",
        ), expect=((3, 2),)),
        # Vectors set on the one Embedding layer (`emb.set_weights([matrix])`) load no other layer's
        # weights: the LSTM's are still drawn (fair check 31, item 144's note); the Embedding, whose
        # draw the set replaces, is not the one named.
        Example(cells=(
            "import numpy as np\nfrom tensorflow.keras.layers import Embedding, LSTM, Dense\nfrom tensorflow.keras.models import Sequential\nmatrix = np.load('glove.npy')",
            "emb = Embedding(400, 50, trainable=False)\nemb.build((None,))\nemb.set_weights([matrix])\nmodel = Sequential([emb, LSTM(16), Dense(5)])",
        ), expect=((2, 4),)),
        # A model reset to its own initial weights (`init_weights = model.get_weights()`, then
        # `model.set_weights(init_weights)` in a later cell) trains from what its layers drew; and a
        # layer class bound through `functools.partial` is that class, a draw (fair check 37, item 143).
        Example(cells=(
            "import tensorflow as tf\nfrom tensorflow import keras",
            "model = keras.Sequential([keras.layers.Dense(8), keras.layers.Dense(1)])\ninit_weights = model.get_weights()",
            "model.set_weights(init_weights)\nmodel.fit(X, y, epochs=3)",
        ), expect=((2, 1),)),
        Example(cells=(
            "from functools import partial\nimport tensorflow as tf\nfrom tensorflow.keras import layers",
            "DefaultConv2D = partial(layers.Conv2D, kernel_size=3, kernel_initializer='he_normal')\nmodel = tf.keras.Sequential([\n"
            "    layers.InputLayer(input_shape=(28, 28, 1)),\n    DefaultConv2D(filters=32),\n    layers.Dropout(0.4),\n    layers.Flatten(),\n])",
        ), expect=((2, 4),)),
        # Fair check 37, item 145 (anchor): a layer applied to the input whose output the function
        # throws away (`x` rebound from the input again) does not carry the finding; the next layer,
        # which reaches the Model, does.
        Example(cells=(
            "from tensorflow.keras.layers import Input, Conv2D, Flatten, Dense\nfrom tensorflow.keras.models import Model",
            "def build(shape):\n    x_in = Input(shape)\n    x = Conv2D(4, 3)(x_in)\n    x = Conv2D(8, 3)(x_in)\n    x = Flatten()(x)\n"
            "    x = Dense(2)(x)\n    return Model(x_in, x)\n\nmodel = build((28, 28, 1))",
        ), expect=((2, 4),)),
        # Keras before 2.4 (TensorFlow 1's `tf.Session` beside `import keras`) unseeded: a NumPy
        # draw, whose fix is `np.random.seed` (fair check 31, item 147: the Jazz LSTM).
        Example(cells=(
            "import numpy as np\nimport tensorflow as tf\nfrom keras.models import Sequential\nfrom keras.layers import LSTM, Dense\nsess = tf.Session()",
            "model = Sequential([LSTM(64, input_shape=(30, 78)), Dense(78, activation='softmax')])\nmodel.fit(X, Y, epochs=100)",
        ), expect=((2, 1),)),
        # A function called in a dataset's `__getitem__` first runs where an instance is indexed,
        # not where the class is built (fair check 31, item 151: SAM's box-prompt perturbation).
        Example(cells=(
            "import numpy as np\nfrom torch.utils.data import Dataset",
            "def jitter(box):\n    return [b + np.random.randint(0, 20) for b in box]",
            "class Boxes(Dataset):\n    def __init__(self, boxes):\n        self.boxes = boxes\n    def __len__(self):\n        return len(self.boxes)\n"
            "    def __getitem__(self, idx):\n        return jitter(self.boxes[idx])",
            "train = Boxes([[1, 2, 3, 4]])",
            "print(train[0])",
        ), expect=((2, 2),)),
        # PyMC3's `pm.sample()` takes its chain seeds from NumPy's global state (`np.random.randint`)
        # unless given `random_seed` (fair check 35, item 136: the trace behind every plot).
        Example(cells=(
            "import numpy as np\nimport pymc3 as pm",
            "def inference(y):\n    with pm.Model() as model:\n        mu = pm.Normal('mu', 0, 1)\n"
            "        pm.Normal('y', mu, 1, observed=y)\n        trace = pm.sample(1000, njobs=4)\n    return trace",
            "trace = inference(np.ones(10))\npm.traceplot(trace)\nseeded = pm.sample(500, random_seed=1)",
        ), expect=((2, 5),)),
        # The first unseeded draw only feeds a plot (a random walk, `np.cumsum` of the draws, drawn):
        # the finding is carried by the draw behind the results, PyMC3's `pm.sample` (fair check 35,
        # item 136, r-anchor-on-display-only-draw); the plotted draws are related.
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt\nimport pymc3 as pm",
            "Q = np.random.randn(3, 3)\nS = Q.dot(Q.T)\ne = np.random.randn(1000, 3)\ne = e.dot(S)\n"
            "walk = np.cumsum(e, axis=0)\nplt.plot(walk)\nplt.show()",
            "def inference(y):\n    with pm.Model() as model:\n        mu = pm.Normal('mu', 0, 1)\n"
            "        pm.Normal('y', mu, 1, observed=y)\n        trace = pm.sample(1000, njobs=4)\n    return trace",
            "trace = inference(np.ones(10))\npm.traceplot(trace)",
        ), expect=((3, 5),)),
        # TensorFlow's graph-level seed belongs to the graph that is the default where it is set: a
        # seed above `with graph.as_default():` leaves the ops built in `graph` unseeded (fair check
        # 35, item 138's class: the notebook's seed seeds another graph).
        Example(cells=(
            "import tensorflow as tf\ntf.set_random_seed(1)",
            "graph = tf.Graph()\nwith graph.as_default():\n    x = tf.placeholder(tf.float32, [None, 4])\n"
            "    w = tf.Variable(tf.random_normal([4, 2]))",
        ), expect=((2, 4),)),
        # … while a cell below reads the image the loop drew last (unlike fair check 43, item 146).
        Example(cells=(
            "import numpy as np\nimport torch\nfrom tensorboardX import SummaryWriter\nwriter = SummaryWriter()",
            "for n_iter in range(100):\n    writer.add_scalar('data/xsinx', n_iter * np.sin(n_iter), n_iter)\n"
            "    dummy_img = torch.rand(32, 3, 64, 64)\n    writer.add_scalar('data/arctan', np.arctan(n_iter), n_iter)",
            "batch = dummy_img.mean(dim=0)\nloss = model(batch)",
        ), expect=((2, 3),)),
        # A graph the cell keeps (no `del`) may be run later: its draws count; and a class's own
        # `g = tf.Graph()` is another graph than the module-level `g` a seed was set in (fair check
        # 43, item 149's counterparts).
        Example(cells=(
            "import tensorflow as tf\n"
            "def dense(x, name, n):\n    with tf.variable_scope(name):\n"
            "        w = tf.get_variable(name='w', shape=[4, n])\n        return tf.matmul(x, w)",
            "g = tf.Graph()\nwith g.as_default():\n    x = tf.placeholder(tf.float32, shape=[None, 4])\n"
            "    out = dense(x, 'test', 3)\ndel x",
        ), expect=((1, 4),)),
        Example(cells=(
            "import tensorflow as tf\ng = tf.Graph()\nwith g.as_default():\n    tf.set_random_seed(1)",
            "class Net:\n    def __init__(self):\n        g = tf.Graph()\n        with g.as_default():\n"
            "            self.build()\n        self.sess = tf.Session(graph=g)\n"
            "    def build(self):\n        x = tf.placeholder(tf.float32, shape=[None, 4])\n        self.out = tf.layers.dense(x, 3)",
            "net = Net()",
        ), expect=((2, 9),)),
        # … nor does it survive a `tf.reset_default_graph()` after it: the new default graph has no seed.
        Example(cells=(
            "import tensorflow as tf\ntf.set_random_seed(1)\nsess = tf.Session()",
            "tf.reset_default_graph()\nw = tf.Variable(tf.random_normal([4, 2]))",
        ), expect=((2, 2),)),
        # trax's `training.Loop(…)` without `random_seed` re-seeds random, NumPy and TensorFlow from
        # the OS's entropy when built: the NumPy seed above it does not make its training repeat (fair
        # check 35, item 119's class, in a notebook that seeds).
        Example(cells=(
            "import numpy as np\nfrom trax.supervised import training\nnp.random.seed(0)",
            "loop = training.Loop(model, task, output_dir='out')\nloop.run(1000)",
        ), expect=((2, 1),)),
        # A drawn seed of a split whose parts a model is trained on: the draw decides the result.
        Example(cells=(
            "import numpy as np\nimport pandas as pd\nfrom sklearn.model_selection import train_test_split\n"
            "from sklearn.linear_model import LogisticRegression\ndf = pd.read_csv('d.csv')",
            "X_tr, X_te, y_tr, y_te = train_test_split(df[['a']], df['y'], random_state=np.random.randint(100))",
            "m = LogisticRegression().fit(X_tr, y_tr)\nprint(m.score(X_te, y_te))",
        ), expect=((2, 1),)),
        # A state dict read back with `torch.load` from the file the notebook saved it to (early
        # stopping's best epoch; a checkpoint dict's 'state_dict'): weights trained from its own
        # draws, restored, not loaded from outside (fair check 36, Boats_Model's `nn.Linear` head).
        Example(cells=(
            "import torch\nfrom torch import nn",
            "head = nn.Linear(2048, 10)\nfor x, y in loader:\n    loss = criterion(head(x), y)\n    loss.backward()\n    optimizer.step()\n"
            "torch.save(head.state_dict(), save_file_name)",
            "def load_checkpoint(path):\n    checkpoint = torch.load(path)\n    head.load_state_dict(checkpoint['state_dict'])\n\n"
            "head.load_state_dict(torch.load(save_file_name))\nload_checkpoint(path)",
            "def save_checkpoint(model, path):\n    torch.save({'state_dict': model.state_dict()}, path)",
        ), expect=((2, 1),)),
        # The same walk counted into a frequency: an estimate from the draws (unlike fair check 41, item 124).
        Example(cells=(
            "import numpy as np\n\nclass Chain:\n    def __init__(self, matrix, labels):\n        self.matrix = matrix\n"
            "        self.index = {l: i for i, l in enumerate(labels)}\n\n    def step(self, label):\n"
            "        picks = np.random.multinomial(1, self.matrix[:, self.index[label]])\n        new = np.argmax(picks)\n"
            "        for key in self.index:\n            if self.index[key] == new:\n                return key\n\n"
            "    def walk(self, label, n):\n        seen = [label]\n        for i in range(n - 1):\n"
            "            label = self.step(label)\n            seen.append(label)\n        return seen\n\n"
            "A = Chain(np.array([[0.7, 0.6], [0.3, 0.4]]), ['hot', 'cold'])\nprint(A.step('hot'))",
            "w = A.walk('cold', 10)\nfreq = w.count('hot') / len(w)",
        ), expect=((1, 9),)),
        # Not a toy frame's filler (unlike fair check 40, item 143): three hundred drawn values, a
        # sample the frame's statistics are computed from.
        Example(cells=(
            "import numpy as np\nimport pandas as pd",
            "df = pd.DataFrame({'sample': 'baseline', 'batch': 1, 'value': np.random.normal(size=300)})\nprint(df['value'].std())",
        ), expect=((2, 1),)),
        # Fair check 41, recall T-7.2: noisy targets drawn without a seed feed a sequential Bayesian
        # update (`posterior_cov` carried from turn to turn), whose posterior mean ends a cell: an
        # estimate computed from the draws, shown as numbers, not a display of them.
        Example(cells=(
            "import numpy as np",
            "X = np.linspace(-3, 3, 30).reshape(-1, 1)\ny_true = np.sin(2 * X).ravel()\n"
            "y = y_true + np.random.normal(scale=0.3, size=y_true.shape)",
            "X_poly = np.hstack([X, X**2])\nsigma2 = 0.9\nposterior_cov = np.eye(2)",
            "for i in range(X_poly.shape[0]):\n    xi = X_poly[i].reshape(1, -1)\n    yi = y[i]\n"
            "    S_inv = np.linalg.inv(posterior_cov) + (1 / sigma2) * xi.T @ xi\n    posterior_cov = np.linalg.inv(S_inv)\n"
            "    posterior_mean = (1 / sigma2) * posterior_cov * xi.T * yi",
            "posterior_mean",
        ), expect=((2, 3),)),
        # Fair check 45, item 139 (r-anchor-on-display-only-draw): the first batch of a shuffling
        # loader printed and `break`, then the same loader trains a model: the model's layer, a
        # draw behind the result, carries the finding, the peek is related.
        Example(cells=(
            "import torch\nfrom torch import nn\nfrom torch.utils.data import DataLoader",
            "loader = DataLoader(dataset, batch_size=16, shuffle=True)\nfor batch in loader:\n    x = batch['x']\n    print(x)\n    break",
            "model = nn.Linear(4, 2)\nfor batch in loader:\n    loss = model(batch['x']).sum()\n    loss.backward()",
        ), expect=((3, 1),)),
        # … but a peek whose batch is read after the loop (fed to the model) is no mere look: it stays.
        Example(cells=(
            "import torch\nfrom torch import nn\nfrom torch.utils.data import DataLoader",
            "loader = DataLoader(dataset, batch_size=16, shuffle=True)\nfor batch in loader:\n    x = batch['x']\n    print(x)\n    break",
            "model = nn.Linear(4, 2)\nloss = model(x).sum()\nfor batch in loader:\n    loss = model(batch['x']).sum()",
        ), expect=((2, 2),)),
        # Fair check 45, item 145 (r-anchor-on-display-only-draw): a class's layers first built for
        # a shape demo (`print(net(x).shape)`), the class trained from a later cell: the training
        # loop's loader carries the finding, the demo is related.
        Example(cells=(
            "import torch\nfrom torch import nn\nfrom torch.utils.data import DataLoader",
            "class Net(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n        self.fc = nn.Linear(n, 1)\n"
            "    def forward(self, x):\n        return self.fc(x)\n\nnet = Net(5)\nprint(net(torch.ones(3, 5)).shape)",
            "model = Net(8)\nloader = DataLoader(data, batch_size=8, shuffle=True)\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\n"
            "for x, y in loader:\n    loss = ((model(x) - y) ** 2).mean()\n    loss.backward()\n    opt.step()",
        ), expect=((3, 4),)),
        # … while the demo's own instance, trained later, keeps it.
        Example(cells=(
            "import torch\nfrom torch import nn\nfrom torch.utils.data import DataLoader",
            "class Net(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n        self.fc = nn.Linear(n, 1)\n"
            "    def forward(self, x):\n        return self.fc(x)\n\nnet = Net(5)\nprint(net(torch.ones(3, 5)).shape)",
            "loader = DataLoader(data, batch_size=8, shuffle=True)\nopt = torch.optim.SGD(net.parameters(), lr=0.1)\n"
            "for x, y in loader:\n    loss = ((net(x) - y) ** 2).mean()\n    loss.backward()\n    opt.step()",
        ), expect=((2, 4),)),
        # … but a prediction on drawn noise read before it is rebound draws the value used (unlike item 143).
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt",
            "img = generator.predict(np.random.randn(4, 128))",
            "score = discriminator.predict(img)\nnp.random.seed(0)\nimg = generator.predict(np.random.rand(4, 128))",
        ), expect=((2, 1),)),
        # … while the picked images' accuracy, or an argmax over the picks' axis, is a statistic over the
        # draws (unlike fair check 49, item 147).
        Example(cells=(
            "import random\nimport torch",
            "def make_predictions(model, data):\n    return torch.stack([model(sample) for sample in data])\n\n"
            "samples = random.sample(list(val_data), k=16)\nprobs = make_predictions(model, [s for s, _ in samples])\n"
            "print(probs.argmax(dim=0))",
        ), expect=((2, 4),)),
        Example(cells=(
            "import random\nimport torch",
            "def make_predictions(model, data):\n    return torch.stack([model(sample) for sample in data])",
            "picks = random.sample(list(val_data), k=16)\nguesses = make_predictions(model, [s for s, _ in picks]).argmax(dim=1)\n"
            "print((guesses == torch.tensor([l for _, l in picks])).float().mean())",
        ), expect=((3, 1),)),
        # Fair check 52, recall T-9.6/T-10.7: fastai v1's `split_by_rand_pct(0.2)` without `seed=` permutes
        # the items with NumPy's global state (`np.random.permutation`): the validation set changes per run.
        Example(cells=(
            "from fastai.vision import *",
            "src = (ImageList.from_csv(path, 'train.csv', folder='train', suffix='.png')\n"
            "       .split_by_rand_pct(0.2)\n       .label_from_df(cols='Target', label_delim=' '))\nprint(len(src.valid))",
        ), expect=((2, 1),)),
        # fastai v1's `ImageDataBunch.from_folder(path, valid_pct=0.2)` without `seed=` splits with
        # `split_by_rand_pct(valid_pct, seed)`, NumPy's global state; so do `from_df`, `from_csv`,
        # `from_lists`, `from_name_func` and `from_name_re`, whose valid_pct defaults to 0.2.
        Example(cells=(
            "from fastai.vision import *",
            "data = ImageDataBunch.from_folder(path, train='.', valid_pct=0.2, ds_tfms=get_transforms(), size=224)\n"
            "print(data.classes)",
            "labelled = ImageDataBunch.from_csv(path, folder='train', size=128)\nprint(labelled.classes)",
        ), expect=((2, 1),)),
        # Fair check 53, items 142, 151: a library class's `from_pretrained` (`TFDistilBertModel`) returns
        # its own model, the backbone: the Dense head the notebook builds on its output starts from
        # random weights, so the finding is at the head's first Dense, not its Dropout.
        Example(cells=(
            "import tensorflow as tf\nfrom tensorflow.keras.layers import Input, Dense, Dropout\nfrom transformers import TFDistilBertModel",
            "bert = TFDistilBertModel.from_pretrained('distilbert-base-uncased')",
            "ids = Input(shape=(64,), dtype=tf.int32)\nX = bert(ids)[0][:, 0]\nX = Dense(128)(X)\nX = Dropout(0.1)(X)\n"
            "out = Dense(2, activation='softmax')(X)\nmodel = tf.keras.Model(ids, out)\nmodel.compile('adam', 'sparse_categorical_crossentropy')\n"
            "model.fit(x, y, epochs=3)",
        ), expect=((3, 3),)),
        # Fair check 53, item 148: the file loaded is one the notebook's own checkpoint wrote through a
        # `str.format` template (`'/out/run.{0}_weights.h5'.format(i + 1)`): trained from its own draws.
        Example(cells=(
            "import tensorflow as tf\nfrom tensorflow.keras.layers import Dense, Dropout",
            "def train(n):\n    for i in range(n):\n        model = tf.keras.Sequential([\n            Dense(64),\n            Dropout(0.2),\n            Dense(2)])\n"
            "        model.compile('adam', 'mse')\n        cb = tf.keras.callbacks.ModelCheckpoint('/out/run.{0}_weights.h5'.format(i + 1), save_best_only=True)\n"
            "        model.fit(x, y, epochs=3, callbacks=[cb])\n    return model",
            "model = train(2)\nmodel.load_weights('/out/run.2_weights.h5')\nprint(model.evaluate(x, y))",
        ), expect=((2, 4),)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        ctx = _with_print_calls(ctx)
        catalog, rf = _facts(ctx)
        seeds = rf.effective_seeds()
        # `if rng is None: rng = np.random.default_rng()` in a function: a fallback for callers
        # that pass no generator. Reported only when some call does leave it out (fair check 18:
        # nine simulators whose every call passed a seeded `rng=`), once per notebook.
        fallbacks: list[tuple[Draw, str, str]] = []
        # A module-level generator whose draws reach only displays (and checks that two computations
        # from them agree) changes what is shown, not a result, as a draw from a global state does.
        shown_only = _reaches_only_displays(ctx.facts, [g for g in rf.unseeded_generators if not g.call.in_function])
        for gen in rf.unseeded_generators:
            if (gen.ca.cell.index, gen.call.line, gen.call.column) in shown_only:
                continue
            label = catalog.library(gen.library).label
            fallback = _generator_fallback(gen)
            if fallback is not None:
                function, parameter, node = fallback
                if _argument_left_out(ctx, function, parameter, node):
                    fallbacks.append((gen, function, parameter))
                continue
            yield Hit(
                gen.ca.cell, gen.call.line, gen.call.column,
                f"`{gen.shown}()` creates a {label} generator without a seed: it takes fresh entropy on "
                "every run, whatever global seed was set",
                end_line=gen.call.end_line,
                fix=f"Pass a seed: {gen.shown}(SEED)",
                key=f"generator:{gen.qualified}",
            )
        if fallbacks:
            (gen, function, parameter), others = fallbacks[0], fallbacks[1:]
            label = catalog.library(gen.library).label
            more = ""
            if others:
                names = ", ".join(f"`{f}`" for _, f, _ in others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
                more = f"; {len(others)} more function{'s' if len(others) > 1 else ''} fall{'' if len(others) > 1 else 's'} back the same way ({names})"
            yield Hit(
                gen.ca.cell, gen.call.line, gen.call.column,
                f"`{gen.shown}()` creates a {label} generator without a seed when `{function}` is called without "
                f"`{parameter}`, as the notebook does: that call takes fresh entropy on every run{more}",
                end_line=gen.call.end_line,
                fix=f"Pass a seeded generator to every call (`{parameter}={gen.shown}(SEED)`), or seed the fallback: {gen.shown}(SEED)",
                key=f"generator-fallback:{gen.qualified}",
                related=tuple((o.ca.cell, o.call.line, o.call.column) for o, _, _ in others),
            )
        # One root cause per library: it is never seeded before its first draw. The first unseeded
        # draw carries the finding; the library's other unseeded draws are its related locations.
        unseeded = _unseeded_draws(ctx, rf, seeds)
        # A library never seeded in a notebook that seeds others is also RND003's case; it is
        # reported here once, with the notebook's first seeding call (where the fix goes) related.
        never = _never_seeded(rf, seeds)
        first_seed = seeds[0][1] if seeds else None
        for library, draws in unseeded.items():
            draws = _anchor_first(ctx.facts, rf, _reaching_first(_unconditional_first(draws)))
            draw, others = draws[0], draws[1:]
            lib = catalog.library(library)
            where = ""
            component = draw.call.owner in rf.components
            if component:
                kind = rf.components[draw.call.owner]
                where = f" inside the {kind} `{draw.call.owner}`"
            elif draw.call.in_function:
                path = (draw.path if draw.path is not None else rf.path_of(draw.ca, draw.call)) if draw.call.owner else ()
                run = path[0] if path else None
                where = f" inside `{draw.call.owner}`" if draw.call.owner else " inside a function"
                method = _method_of(draw) if draw.call.owner else None
                if method is not None:
                    # A class's method runs when it is called, not when the class is built.
                    where = f" inside `{draw.call.owner}.{method}`"
                    called = _first_method_call(ctx, method, run[0] if run is not None else None)
                    if called is not None:
                        where += f" (`{method}()` first called in cell {called})"
                    elif run is not None:
                        where += f" (`{draw.call.owner}` first built in cell {run[0]})"
                elif run is not None:
                    through = _through_method(ctx.facts, path)
                    if through is not None:
                        # Reached from a class's method: building the class runs nothing of it
                        # (fair check 31, item 151: `get_bounding_box` called in `SAMDataset.__getitem__`,
                        # whose class is built in cell 24; `train_dataset[0]` runs it in cell 25).
                        indexed = _first_item_access(ctx.facts, through[0], run[0]) if through[1] == "__getitem__" else None
                        if indexed is not None:
                            where += f" (called in `{through[0]}.__getitem__`, first run in cell {indexed})"
                        else:
                            where += f" (called in `{through[0]}.{through[1]}`; `{through[0]}` first built in cell {run[0]})"
                    else:
                        where += f" (first run in cell {run[0]})"
            more = ""
            if others:
                more = f"; {len(others)} more unseeded draw{'s' if len(others) > 1 else ''} of it ({_other_places(_place(draw)[0], others)})"
            related = tuple(_located(d) for d in others)
            lib_fix = _library_fix(ctx, lib)
            # A layer of multi-backend Keras (before 2.4) draws its seed from NumPy
            # (`_old_standalone_keras`): NumPy's global seed is its fix, not a generator.
            old_keras = library == "numpy" and draw.qualified.startswith("keras.")
            if old_keras:
                lib_fix = ("np.random.seed(SEED) before the layers are built (Keras before 2.4 takes their seeds "
                           "from NumPy and has no keras.utils.set_random_seed)")
            fix = f"Seed {lib.label} in the first code cell: {lib_fix}"
            imported = _seed_import_cell(ctx, library, draw)
            if imported is not None and imported > ctx.facts.cells[0].cell.index:
                fix = f"Seed {lib.label} after its import in cell {imported}: {lib_fix}"
            elif imported is None and library in _SEED_IMPORTS and not any(imp.bound == "*" for _, imp in ctx.facts.imports):
                # (not with a star import, `from fastai.vision import *`, which may bind the module)
                needs, direct = _unimported_seed(ctx, catalog, lib, draw, others)
                fix = f"Seed {lib.label} in the first code cell, {needs}: {lib_fix}"
                if direct:
                    fix = f"{direct}, or s{fix[1:]}"
            if library == "python" and any(_fastai_training(ctx.facts, d) for d in draws):
                # fastai 2's training draws from Python's `random`, and from NumPy and torch too (the
                # head's initialisation, dropout): fastai's `set_seed` seeds all three (fair check 45, item 134).
                fastai_cell = next((ca.cell.index for ca in ctx.facts.cells
                                    if any(imp.top_level in ("fastai", "fastbook") for imp in ca.facts.imports)), None)
                fix = f"Seed with fastai's set_seed after the fastai import{f' in cell {fastai_cell}' if fastai_cell is not None else ''}: {_FASTAI_SEED_FIX}"
            elif library == "python" and draw.qualified == "random.shuffle" and _numpy_array_name(ctx, draw.call.arg(0)):
                # `random.shuffle` swaps a 2-D array's rows through views, so rows are duplicated and
                # lost; a seed keeps that (fair check 45, item 146).
                name = draw.call.arg(0).name
                fix = (f"Shuffle `{name}`, a NumPy array, with a seeded NumPy generator instead: rng = np.random.default_rng(SEED); "
                       f"{name} = rng.permutation({name}) (`random.shuffle` swaps an array's rows through views, which "
                       "duplicates some rows and loses others)")
            block = _graph_block(rf, draw) if library == "tensorflow" and lib_fix == _TF1_FIX else None
            reset = _reset_before(ctx, draw) if library == "tensorflow" and lib_fix == _TF1_FIX and block is None else None
            if reset is not None and reset[0] >= (imported or 0):
                fix = (f"Seed {lib.label} right after the tf.reset_default_graph() of cell {reset[0]} (line {reset[1]}), "
                       f"which drops a graph seed set before it: {lib_fix}")
            # (the graphs of its other draws: each graph block needs its own seed)
            other_blocks = [_graph_block(rf, o) for o in others] if block is not None else []
            if block is not None:
                fix = _block_fix(lib, block, "tf.set_random_seed(SEED)", other_blocks)
            cell, line, column = _located(draw)
            end_line = draw.call.end_line
            subject = f"`{draw.shown}`{where} draws"
            if draw.qualified.endswith(".from_pretrained"):
                subject = f"`{draw.shown}`{where} initialises a head the checkpoint lacks and draws"
            elif draw.qualified.endswith("get_peft_model"):
                subject = f"`{draw.shown}`{where} initialises the adapter weights and draws"
            estimator = draw.qualified.startswith(_ESTIMATOR_INPUTS)
            it = draw.iteration
            if it is not None and it.ca is not None:
                # The loader draws here, where it is iterated; where it was built is related.
                end_line = line
                subject = (
                    f"`{it.name}` (the `{draw.shown}` of cell {draw.ca.cell.index}, line {draw.call.line}) "
                    "shuffles when iterated, here, and draws"
                )
                related = ((draw.ca.cell, draw.call.line, draw.call.column), *related)
            partial = ""
            if component:
                # Its container starts with fresh random state: a seed elsewhere does not reach it.
                fix = (f"Seed {lib.label} at the top of the {kind.split()[-1]} `{draw.call.owner}` "
                       f"({COMPONENT_HOSTS[kind]}): {lib_fix}")
            elif first_seed is not None and library in never and first_seed.call.in_function and first_seed.call.owner:
                # The only seed is a call inside a function's body (`np.random.seed(seed)` in
                # `run_random_policy`): no place for another library's seed, which would then run
                # only when that function does. The fix stays at the top (fair check 40, items 142, 145).
                seeded = set().union(*(seed.libraries for _, seed in seeds))
                partial = (
                    f"; the notebook seeds {_libraries_text(catalog, seeded)} only inside `{first_seed.call.owner}` "
                    f"(cell {first_seed.ca.cell.index}, line {first_seed.call.line}) and never {lib.label}"
                )
                related += ((first_seed.ca.cell, first_seed.call.line, first_seed.call.column),)
            elif first_seed is not None and library in never:
                seeded = set().union(*(seed.libraries for _, seed in seeds))
                partial = (
                    f"; the notebook seeds {_libraries_text(catalog, seeded)} (cell {first_seed.ca.cell.index}, "
                    f"line {first_seed.call.line}) but never {lib.label}"
                )
                fix = f"Seed {lib.label} beside the existing seed in cell {first_seed.ca.cell.index}: {lib_fix}"
                if imported is not None and imported > first_seed.ca.cell.index:
                    fix = (f"Seed {lib.label} after its import in cell {imported} (the existing seed in cell "
                           f"{first_seed.ca.cell.index} comes before it): {lib_fix}")
                if reset is not None and reset[0] >= (imported or 0) and reset > (first_seed.ca.cell.index, first_seed.call.line):
                    fix = (f"Seed {lib.label} right after the tf.reset_default_graph() of cell {reset[0]} (line {reset[1]}), "
                           f"which drops a graph seed set before it (the existing seed in cell {first_seed.ca.cell.index} "
                           f"comes before it): {lib_fix}")
                if block is not None:
                    fix = _block_fix(lib, block, "tf.set_random_seed(SEED)", other_blocks)
                related += ((first_seed.ca.cell, first_seed.call.line, first_seed.call.column),)
            blocked = _blocked_seed(rf, draw, seeds) if not component else None
            seed_text = "which no call before it seeds"
            if blocked is not None:
                # A seed runs before the draw but does not reach it (fair check 35, item 138 and 119's
                # notebooks): its graph is not the draw's, or a reset or re-seeding call undoes it.
                seed, why = blocked
                seed_text = "which no seed before it reaches"
                seed_at = f"`{seed.shown}(…)` of cell {seed.ca.cell.index} (line {seed.call.line})"
                related += ((seed.ca.cell, seed.call.line, seed.call.column),)
                if isinstance(why, SeedDrop):
                    drop_at = f"cell {why.ca.cell.index} (line {why.call.line})"
                    related += ((why.ca.cell, why.call.line, why.call.column),)
                    if why.reset:
                        partial = (f"; the {seed_at} seeds the default graph, which the `{why.shown}()` of {drop_at} "
                                   "replaces by a new one without that seed")
                        fix = (f"Seed {lib.label} again right after the `{why.shown}()` of {drop_at}, which drops the "
                               f"graph seed set before it: {seed.shown}(SEED)")
                    else:
                        none = _seed_given_none(why.call, why.keyword)
                        partial = (f"; the {seed_at} is undone by the `{why.shown}(…)` of {drop_at}, which, "
                                   + (f"given {why.keyword}=None" if none else f"without {why.keyword}")
                                   + f", re-seeds {_libraries_text(catalog, why.libraries)} from the operating system's "
                                   "entropy when it runs")
                        fix = (f"Pass {why.keyword}=SEED to `{why.shown}(…)` (cell {why.ca.cell.index}, line {why.call.line})"
                               + (" in place of None: with None" if none else ": without it")
                               + f", it re-seeds {_libraries_text(catalog, why.libraries)} from the operating system's entropy, "
                               "so no seed set before it reaches the draws after it")
                else:
                    seed_graph, draw_graph = why
                    if draw_graph is not None:
                        partial = (f"; the {seed_at} seeds "
                                   + ("the default graph" if seed_graph is None else f"`{seed_graph.shown}`")
                                   + f", and the draw is built in `{draw_graph.shown}` (the `with {draw_graph.context}:` of cell "
                                   f"{draw_graph.cell}, line {draw_graph.line}): a graph-level seed belongs to the graph "
                                   "that is the default where it is set")
                        fix = _block_fix(lib, draw_graph, f"{seed.shown}(SEED)", [_graph_block(rf, o) for o in others])
                    elif seed_graph is not None:
                        partial = (f"; the {seed_at} is set inside the `with {seed_graph.context}:` block of cell {seed_graph.cell} (line "
                                   f"{seed_graph.line}), and seeds only `{seed_graph.shown}`, "
                                   "not the default graph this draw is built in")
                        fix = f"Seed {lib.label} outside that block too, before the draw: {seed.shown}(SEED)"
            reseed = next((r for r in rf.reseeds if library in r[3]), None)
            if blocked is not None and isinstance(blocked[1], SeedDrop) and not blocked[1].reset:
                reseed = None  # (the fix above names it)
            if reseed is not None and not component:
                # Fair check 35, item 119: trax's `training.Loop(…)` without `random_seed` re-seeds NumPy
                # from entropy when built, so the seed above alone does not repeat the training's draws.
                r_ca, r_call, r_shown, r_libraries, keyword = reseed
                fix += (f"; and pass {keyword}=SEED to `{r_shown}(…)` (cell {r_ca.cell.index}, line {r_call.line})"
                        + (" in place of None: with None" if _seed_given_none(r_call, keyword) else ": without it")
                        + f", it re-seeds {_libraries_text(catalog, r_libraries)} from the operating system's "
                        "entropy when it runs, so no seed set before it reaches the draws after it")
                related += ((r_ca.cell, r_call.line, r_call.column),)
            agentpy = ctx.shared("randomness.agentpy_models", lambda: _agentpy_models_drawing(ctx))
            if agentpy and not component and (draw.call.owner or "").split(".")[0] in agentpy:
                # Fair check 41, items 127, 133: the draw is in an agentpy model that also draws from
                # its own generator, which the global seed does not reach.
                model = (draw.call.owner or "").split(".")[0]
                fix += (f"; and give `{model}` a seed in its parameters (`'seed': SEED` in the dict it is built with): "
                        "agentpy seeds the model's own generator (`self.random`, `add_agents(random=True)`, "
                        "`agents.random(…)`) from that entry only, else from fresh bits of Python's `random`")
            assignments = ctx.shared("randomness.seed_assignments", lambda: _seed_assignments(ctx, catalog))
            assigned = next((a for a in assignments if library in a[5]), None) if not component else None
            if assigned is not None:
                # `np.random.seed = 100` (fair check 36, item 141): the notebook meant to seed the
                # library here and did not; the fix is that call, where the assignment is when it
                # runs before the draw.
                a_ca, a_line, a_column, a_shown, a_value, _ = assigned
                partial += (f"; the `{a_shown} = {a_value}` of cell {a_ca.cell.index} (line {a_line}) assigns to "
                            f"`{a_shown}` instead of calling it: it seeds nothing, and replaces the function by that value")
                when = rf.draw_moment(draw)
                call_text = f"{a_shown}({a_value})"
                if when is not None and (a_ca.cell.index, a_line, a_column) < when[0]:
                    fix = f"Call {call_text} in place of the assignment `{a_shown} = {a_value}` (cell {a_ca.cell.index}, line {a_line})"
                else:
                    fix += f"; and drop the assignment `{a_shown} = {a_value}` (cell {a_ca.cell.index}, line {a_line}), which replaces the function"
                related += ((a_ca.cell, a_line, a_column),)
            state = f"{lib.label} (Keras before 2.4 seeds its layers from it)" if old_keras else lib.label
            message = f"{subject} from the global random state of {state}, {seed_text}{more}{partial}"
            if library == "numpy" and not component:
                trials = _trial_estimators(ctx, _trial_functions(ctx))
                if trials:
                    # Repeated trials (fair check 23): their estimators draw from this state too;
                    # a fixed `random_state` would make the trials identical, this seed does not.
                    names = ", ".join(sorted({f"`{short}`" for _, _, short in trials}))
                    owners = ", ".join(sorted({f"`{c.owner}`" for _, c, _ in trials}))
                    message += (f"; {names} without random_state in {owners}, which a loop runs as repeated trials, "
                                "draws from it too: this seed repeats the run and keeps the trials different")
                    related += tuple((t_ca.cell, t_call.line, t_call.column) for t_ca, t_call, _ in trials)
            if estimator:
                more = more.replace(" of it follow", f" of {lib.label} follow")
                message = (
                    f"`{draw.shown}`{where} shuffles the training batches without a seed: it takes none, and the "
                    f"Estimator that calls it builds its own graph, seeded only by its `RunConfig`{more}{partial}"
                )
                fix = _ESTIMATOR_FIX
            intended = _intended_variation(ctx.facts) if not component else None
            if intended is not None:
                # The author means the runs to differ: not an accident, but a package still needs
                # a way to repeat a run.
                message += (f"; the notebook says the variation is intended (cell {intended[0]}: \"{intended[1]}\"), "
                            "so a package should take a seed or generator as a parameter (default: unseeded)")
                fix = f"Take a seed as a parameter (None by default, as now) and use it when given: {lib_fix}"
            owner = draw.call.owner if draw.call.in_function and draw.call.owner and not component and not estimator else ""
            if owner:
                # The same function draws from other unseeded libraries too (`data.sample(n)` from NumPy
                # and `random.randint` for the counts and prices): this library's seed alone does not
                # repeat what it makes, so every source is named (fair check 47, item 146).
                also = [(other, next(d for d in found if d.call.in_function and d.call.owner == owner))
                        for other, found in unseeded.items()
                        if other != library and any(d.call.in_function and d.call.owner == owner for d in found)]
                if also:
                    named = [f"{catalog.library(other).label} (`{d.shown}`, line {d.call.line})" for other, d in also]
                    message += (f"; `{owner}` also draws from {and_listed(named)}, which no call before it seeds "
                                f"either: a seed of {lib.label} alone does not repeat its result")
                    fix += "".join(f"; and seed {catalog.library(other).label} too: {_library_fix(ctx, catalog.library(other))}"
                                   for other, _ in also)
            yield Hit(
                cell, line, column,
                message,
                end_line=end_line,
                fix=fix,
                key=f"{draw.library}:{draw.qualified}",
                related=related,
            )
        yield from _reseeding_sources(ctx, catalog, rf, seeds, set(unseeded))


def _reseeding_sources(ctx: RuleContext, catalog: RandomnessCatalog, rf: RandomnessFacts,
                       seeds: list[tuple[Moment, SeedCall]], reported: set[str]) -> Iterator[Hit]:
    """A catalogued call that re-seeds libraries from the OS's entropy given no seed
    (`SeedSpec.reseeds_without`: trax's `training.Loop(…)` without `random_seed`) is itself an
    unseeded source: what it drives when it runs (trax: the training's batches and its weights'
    key) starts from fresh entropy, whatever seed came before (fair check 35, item 119's class: a
    notebook that seeds NumPy, then builds the Loop). Reported once, at the first such call that
    runs, when no finding of RND001's for one of its libraries already names it in its fix."""
    found = [
        (ca, call, shown, libraries, keyword) for ca, call, shown, libraries, keyword in rf.reseeds
        if not libraries & reported and rf.moment(ca, call) is not None and call.owner not in rf.components
        and not is_suppressed(ca.cell, call.line, call.end_line, UnseededRandom.code)
    ]
    if not found:
        return
    (ca, call, shown, libraries, keyword), others = found[0], found[1:]
    when = rf.moment(ca, call)
    before = [seed for moment, seed in seeds if seed.libraries & libraries and when is not None and moment < when]
    names = _libraries_text(catalog, libraries)
    undone = ""
    related = tuple((o_ca.cell, o_call.line, o_call.column) for o_ca, o_call, *_ in others)
    if before:
        seed = before[-1]
        undone = f" (it undoes the `{seed.shown}(…)` of cell {seed.ca.cell.index}, line {seed.call.line})"
        related += ((seed.ca.cell, seed.call.line, seed.call.column),)
    more = ""
    if others:
        more = f"; {len(others)} more call{'s' if len(others) > 1 else ''} like it follow{'' if len(others) > 1 else 's'}"
    none = _seed_given_none(call, keyword)
    yield Hit(
        ca.cell, call.line, call.column,
        f"`{shown}(…)` runs {f'with `{keyword}=None`' if none else f'without `{keyword}`'}: it re-seeds {names} from the "
        f"operating system's entropy{undone}, so what it draws when it runs changes on every run, whatever seed was set "
        f"before it{more}",
        end_line=call.end_line,
        fix=f"Pass {keyword}=SEED to `{shown}(…)`" + (" in place of None" if none else ""),
        key=f"reseed:{ctx.facts.resolve(call.func) or shown}",
        related=related,
    )


# The notebook saying in its own words that its runs are meant to differ ("The seeds are not fixed in
# this example, so you can rerun to see different results": fair check 21, whylogs' performance
# estimation, whose lesson is the spread across reruns).
_INTENDED_VARIATION = re.compile(
    r"(?i)\b(?:seeds?\s+(?:are|is)\s+(?:not|n't)\s+(?:fixed|set)"
    r"|(?:re-?run|run\s+(?:it\s+)?again)\w*\b[^.\n]{0,40}\bdifferent\s+(?:results|numbers|values|outcomes)"
    r"|different\s+results\s+(?:on\s+)?(?:each|every)\s+(?:time|run))"
)


# Markdown asking whether a repeated run gives what the first gave ("Do you observe the same f1 scores
# on each fold as previously?").
_SAME_AS_BEFORE = re.compile(
    r"(?i)\b(?:same|different|identical|change[sd]?)\b[^.?!\n]{0,80}?\b(?:as|than|from|to)\s+"
    r"(?:before|previously|earlier|the\s+(?:previous|first|last)(?:\s+(?:one|time|run))?)\b"
)


_QUESTION = re.compile(r"[^.?!\n]*\?")  # a sentence that asks


def _repeated_to_compare(ctx: RuleContext, ca: CellAnalysis, call: CallFact) -> bool:
    """The estimator is one of two module-level constructions with the very same text, the nearest
    such pair in the notebook (`model = tree.DecisionTreeClassifier()`, then under "Let us repeat the
    experience once more" `model2 = tree.DecisionTreeClassifier()`), and a markdown cell among the
    three after the second asks whether the results are the same as before ("Do you observe the same
    f1 scores on each fold as previously? Is this surprising?"): the run-to-run variation is the
    lesson, and a random_state would defeat it (fair check 47, item 151,
    rnd002-repeated-trials-want-variation)."""
    # (the notebook is asked first, once, whether any markdown cell asks the question or says a
    # repetition changes the result: without either no pair counts, and the texts of every
    # module-level call of every cell, `ast.unparse`d for each estimator asked about, were ~3 % of a
    # PDSH audit's CPU, where no markdown cell says either)
    if not ctx.shared("randomness.talks_of_repeats", lambda: _talks_of_repeats(ctx.facts.notebook.cells)):
        return False
    text = _call_text(ca, call)
    if text is None:
        return False
    places: list[int] = []  # the code cells holding a module-level construction of that text
    for other in ctx.facts.cells:
        if any(not c.in_function and _call_text(other, c) == text for c in other.facts.calls):
            places.append(other.cell.index)
    if ca.cell.index not in places or len(places) < 2:
        return False
    at = places.index(ca.cell.index)
    pairs = [(places[i], places[i + 1]) for i in (at - 1, at) if 0 <= i < len(places) - 1]
    cells = ctx.facts.notebook.cells
    position = {c.index: i for i, c in enumerate(cells)}
    for first, second in pairs:
        after = cells[position[second] + 1:position[second] + 4]
        if any(c.cell_type == "markdown" and any(_SAME_AS_BEFORE.search(q) for q in _QUESTION.findall(c.source)) for c in after):
            return True
        # The markdown right above the second says the repetition changes the result ("If we repeat
        # one more time - it changes:"): the change is what the pair shows (fair check 48, item 152,
        # rnd002-deliberate-per-run-randomness).
        above = next((c for c in reversed(cells[max(position[first] + 1, position[second] - 2):position[second]])
                      if c.cell_type == "markdown"), None)
        if above is not None and _CHANGES_ON_REPEAT.search(above.source):
            return True
    return False


def _talks_of_repeats(cells: Iterable[Cell]) -> bool:
    """Whether a markdown cell asks whether results are the same as before or says a repetition
    changes them: `_repeated_to_compare`'s two cues, one of which it needs."""
    cells = list(cells)
    return _asks_same_as_before(cells) or any(
        c.cell_type == "markdown" and _CHANGES_ON_REPEAT.search(c.source) is not None for c in cells
    )


def _asks_same_as_before(cells: Iterable[Cell]) -> bool:
    """Whether a markdown cell of the notebook asks whether results are the same as before
    (`_repeated_to_compare`'s question, asked of every cell). A question is a piece of the cell's
    text between two sentence ends, so a cell none of whose text matches holds no such question
    (`_QUESTION.findall` tries its pattern at every character of a sentence: the cell's text is
    searched first)."""
    return any(
        c.cell_type == "markdown" and "?" in c.source and _SAME_AS_BEFORE.search(c.source) is not None
        and any(_SAME_AS_BEFORE.search(q) for q in _QUESTION.findall(c.source))
        for c in cells
    )


# Markdown saying a repetition gives another result: "If we repeat one more time - it changes",
# "run it again and the score is different".
_CHANGES_ON_REPEAT = re.compile(
    r"(?i)\b(?:repeat|re-?run|run\s+(?:it|this|the\s+cell)\s+again)\w*\b[^.\n]{0,60}?"
    r"\b(?:it|this|the\s+\w+)\s+(?:changes|is\s+different|differs|varies)\b"
)


def _call_text(ca: CellAnalysis, call: CallFact) -> str | None:
    """The source text of a call, whitespace normalised (None when it cannot be read)."""
    parsed = _parsed(ca)
    node = _call_node(ca, parsed, call) if parsed is not None else None
    return ast.unparse(node) if node is not None else None


def _intended_variation(facts: NotebookFacts) -> tuple[int, str] | None:
    """(cell, sentence) where the notebook's Markdown or a code comment says its runs are meant to
    differ, or None."""
    for cell in facts.notebook.cells:
        if cell.cell_type == "markdown":
            texts = [cell.source]
        elif cell.cell_type == "code":
            texts = [line.split("#", 1)[1] for line in cell.source.splitlines() if "#" in line]
        else:
            continue
        for text in texts:
            m = _INTENDED_VARIATION.search(text)
            if m is not None:
                start = max(text.rfind(".", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
                end = min((i for i in (text.find(".", m.end()), text.find("\n", m.end())) if i >= 0), default=len(text))
                return cell.index, " ".join(text[start:end].split())
    return None


def _enclosing_function(tree: ast.Module, line: int) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The module-level def whose body holds `line`, or None."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno <= line <= (node.end_lineno or node.lineno):
            return node
    return None


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The names that can be passed by position, in order."""
    return [a.arg for a in (*function.args.posonlyargs, *function.args.args)]


def _generator_fallback(gen: Draw) -> tuple[str, str, ast.FunctionDef | ast.AsyncFunctionDef] | None:
    """(function, parameter, its def) when the unseeded generator is the fallback of a module-level
    function's parameter: `rng = np.random.default_rng()` as the body of `if rng is None:`, `rng`
    being one of the function's parameters."""
    if not gen.call.in_function or not gen.call.owner:
        return None
    tree = _parsed(gen.ca)
    function = _enclosing_function(tree, gen.call.line) if tree is not None else None
    if function is None or function.name != gen.call.owner:
        return None
    names = {a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)}
    for node in ast.walk(function):
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and len(node.test.ops) == 1
                and isinstance(node.test.ops[0], ast.Is) and isinstance(node.test.left, ast.Name)
                and isinstance(node.test.comparators[0], ast.Constant) and node.test.comparators[0].value is None):
            continue
        parameter = node.test.left.id
        if parameter not in names:
            continue
        for statement in node.body:
            if (isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.lineno <= gen.call.line <= (statement.end_lineno or statement.lineno)
                    and any(isinstance(t, ast.Name) and t.id == parameter for t in (statement.targets if isinstance(statement, ast.Assign) else [statement.target]))):
                return function.name, parameter, function
    return None


def _argument_left_out(ctx: RuleContext, function: str, parameter: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Does some call of `function` leave `parameter` out (or pass the literal None), so that its
    fallback runs? A call that unpacks arguments (`f(*args)`, `f(**options)`) may pass it; a mention
    as an argument (a callback called elsewhere) is taken to leave it out."""
    positions = _parameters(node)
    position = positions.index(parameter) if parameter in positions else None
    for ca in ctx.cells:
        for call in ca.facts.calls:
            if any(a.name == function for a in call.args):
                return True
            if call.func != function or call.receiver:
                continue
            if _has_star(call) or _has_double_star(call):
                continue
            given = call.arg(position, (parameter,))
            if given is None or given.constant == "None":
                return True
    return False


# Draws that pick items out of what they are given (`np.random.choice(val_files, size=10)`).
_PICKS = frozenset({"numpy.random.choice", "numpy.random.permutation", "random.sample", "random.choice", "random.choices"})


def _split_only_shown(ctx: RuleContext, ca: CellAnalysis, call: CallFact, qualified: str) -> bool:
    """A module-level `parts = train_test_split(…)` whose parts are read only as what a random pick picks
    from (`np.random.choice(val_files, size=10)`), or not at all, the picks reaching only displays
    (`_reaches_only_displays`, as RND001 leaves a draw that only picks what is shown): an EDA notebook's
    `train_files, val_files = train_test_split(all_files, …)` whose only reader shows ten random images of
    `val_files` (fair check 51, item 158, rnd001-value-reaches-only-display). Another split changes which
    examples may be shown, not what the notebook computes. A part read any other way (fitted, counted,
    printed, written) keeps it, and so does an estimator whose results are only plotted."""
    if call.in_function or qualified.rsplit(".", 1)[-1] != "train_test_split":
        return False
    parsed = cell_python_tree(ca)
    if parsed is None:
        return False
    statement = statement_at(parsed, call.line)
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.value, ast.Call)
            and statement.value.lineno == call.line):
        return False
    target = statement.targets[0]
    names = [n for n in (target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target])]
    if not names or not all(isinstance(n, ast.Name) for n in names):
        return False
    picked = False
    for name in names:
        if len(ctx.facts.definers(name.id)) != 1:
            return False  # (bound elsewhere too: a read may be of another value)
        for node, tree, index in name_loads(ctx).get(name.id, ()):
            pick = _parent_map(tree).get(node)
            if not (isinstance(pick, ast.Call) and pick.args and pick.args[0] is node
                    and ctx.facts.resolve_at(dotted_name(pick.func), index, pick.lineno) in _PICKS):
                return False
            picked = True
    if not picked:
        return False
    # (it draws from NumPy's global state, as scikit-learn does without a random_state: the follower
    # takes its value as a NumPy draw's)
    draw = Draw(ca, call, "numpy", call.func, qualified)
    return (ca.cell.index, call.line, call.column) in _reaches_only_displays(ctx.facts, (draw,))


class MissingRandomState(Rule):
    code = "RND002"
    name = "missing-random-state"
    family = Family.RANDOMNESS
    severity = Severity.WARNING
    summary = "A scikit-learn/imbalanced-learn splitter, estimator or resampler, a search sampler (optuna, keras-tuner, AutoKeras), an H2O frame split or a Stable-Baselines3 algorithm is built without a seed; a gensim model trains on several threads; an albumentations pipeline or transform draws with no seed of its own."
    what_it_does = (
        "Reports each call of a randomised scikit-learn splitter, estimator, search or dataset "
        "generator (`train_test_split`, `ShuffleSplit`, `RandomForest*`, `KMeans`, `TSNE`, "
        "`RandomizedSearchCV`, `make_classification`…) and of imbalanced-learn's resamplers that "
        "passes no `random_state` or passes `random_state=None`; and searches that sample: optuna "
        "samplers without `seed=` and `optuna.create_study()` without `sampler=` (its default "
        "sampler is unseeded), keras-tuner tuners and AutoKeras models without `seed=`, hyperopt's "
        "`fmin` without `rstate=`; H2O frames' `split_frame()` and `runif()` without `seed=` in a notebook importing "
        "h2o, and turicreate's `sf.random_split(…)` without `seed` (each call makes a seed of its own: no global seed "
        "covers them), and a turicreate toolkit's `create(…)` (`logistic_classifier`, `boosted_trees_classifier`…) "
        "without `validation_set` (its default `'auto'` holds out a random 5% of the rows; `logistic_classifier.create` "
        "also takes `seed=` for it); LIME explainers (`LimeTabularExplainer`, `LimeTextExplainer`, `LimeImageExplainer`) "
        "without `random_state` (they then perturb with NumPy's global state, as scikit-learn does); UMAP (umap-learn's or cuML's) "
        "and cuML's `TSNE`, random forests and `train_test_split` without `random_state`, which no NumPy seed covers (cuML's "
        "`KMeans` seeds itself and is not reported); PyMC 4+'s `pm.sample(…)` without `random_seed` (its chain seeds come "
        "from an unseeded `np.random.default_rng()`, which no NumPy seed covers; PyMC3's reads NumPy's global state and is "
        "RND001's); an agentpy model of the notebook's own (`class Fire(ap.Model)`) that draws from agentpy's own "
        "generator (`add_agents(…, random=True)`, `self.agents.random(n)`), built from a parameters dict with no 'seed' key "
        "(reported at the dict; agentpy seeds that generator from `p['seed']` only, else from fresh bits of Python's "
        "`random`, which no NumPy seed covers; not when the model is run or animated with `seed=`, or Python's `random` is "
        "seeded); Stable-Baselines3 (and sb3-contrib, Stable Baselines 2) algorithms "
        "(`PPO(\"MlpPolicy\", env)`, `A2C`, `DQN`, `SAC`, `TD3`, `DDPG`…) without `seed=`: their initial weights, "
        "exploration and environment resets are then unseeded, whatever global seed came before; the first `env.reset()` "
        "of a Gym/Gymnasium environment (`env = gym.make(…)` at the top level) that passes no `seed=` and follows no "
        "`env.seed(n)` (Gymnasium seeds the environment's generator at its first reset, from the OS's entropy without a "
        "seed; later resets continue it, and are not reported; when the notebook unpacks `step` into four values, also on "
        "an object's own environment (`self.env.step`), the project pins gym below 0.26 (`gym==0.11.0`), or its kernel is older than Python 3.6, it uses gym's API "
        "from before 0.26, and the fix is `env.seed(n)`, as that `reset()` takes no seed; not an environment made only "
        "to be described: when every later read of it is its `observation_space`, `action_space`, `spec`, `metadata`, "
        "`reward_range`, `close` or a reset whose observation is thrown away, it plays no episode; an environment reset only inside the notebook's own function it is handed to, `def evaluate(env, …): … env.reset()` then `evaluate(env, policy)`, at the function's first reset, the call related, when its id is one whose episodes draw from the environment's generator: classic control, Box2D, MuJoCo, Blackjack, Taxi, a slippery FrozenLake; not CliffWalking nor an environment another package registers; nor a reset after a Stable-Baselines algorithm given the environment, `PPO(\"MlpPolicy\", env)`, has run `learn`, which reset it first: the algorithm's missing `seed=` is the finding); SHAP's permutation explainer "
        "without `seed=` (its permutations; SHAP's `KernelExplainer` samples only for inputs too wide to enumerate, a shape "
        "unknown before run time, and is not reported); StellarGraph's `UnsupervisedSampler` and GraphSAGE/HinSAGE "
        "generators (`GraphSAGENodeGenerator(G, 50, [10, 5])`) without `seed=`: their walks, negative samples and "
        "neighbour samples come from StellarGraph's default state, Python's and NumPy's global ones (not reported "
        "below a `stellargraph.random.set_seed(…)` call, which seeds that state). XGBoost, LightGBM and CatBoost "
        "models are not reported: their default seed is fixed, so they give the same result on "
        "every run; nor is a decision tree (`DecisionTreeRegressor`/`Classifier`), or gradient boosting "
        "(`GradientBoostingRegressor`/`Classifier`) without `subsample` or `n_iter_no_change`, given no `max_features` "
        "and fitted in its cell only on a provably one-column X (`x[:, np.newaxis]`, `x.reshape(-1, 1)`, "
        "`np.atleast_2d(np.arange(n)).T`, `x.reshape(n, 1)`, `df[[\"col\"]]` and its `.values`/`.to_numpy()`, directly or "
        "through the name's last top-level binding or the tuple a notebook function returns; inside the notebook's function, "
        "through its local name bound only by plain assignments of such values, not a parameter; or handed, by itself or in a "
        "list or tuple literal (`estimators = [(\"DT\", DecisionTreeRegressor())]`, then `plot_simulation(estimators)`), "
        "only to the notebook's function that fits it only on such a column or on `x[:, [j]]` (`estimator.fit(X_train[i].reshape(-1, 1), y)`) and "
        "gives it to nothing else, the list read nowhere else before it is bound anew), its cell naming none "
        "of those options elsewhere: its only randomness is "
        "the order in which it tries the features, and one feature has one order, so every seed builds the same model; "
        "nor is a decision tree with the best splitter (the default) and no `max_features` bounded by a literal "
        "`max_depth` of at most 3 or `max_leaf_nodes` of at most 8, its cell naming none of those options as a string "
        "(a search grid) and calling no `set_params`: such a tree draws only to break ties between equally good splits, "
        "which its few large nodes rarely have on real data, so every seed builds the same tree (a deeper or unbounded "
        "one is reported, its message saying its draws only break ties; a depth from a variable is reported too; so is a "
        "`GradientBoostingClassifier`/`Regressor` fitting every tree on all rows and features, no `subsample` below 1, "
        "no `max_features`, no early stopping, its message saying the same); "
        "nor, for the same reason, an `AdaBoostClassifier` over its default depth-1 trees or over such a shallow tree given "
        "inline, its cell naming no tree option and no cell an `estimator` or `estimator__…` key as a string (it only "
        "reweights; `AdaBoostRegressor` draws a bootstrap of the rows every round and is reported); "
        "nor is an estimator handed, in the same cell, to a Bagging or AdaBoost ensemble "
        "given a `random_state` (the ensemble seeds it); when the ensemble has no `random_state` either, "
        "only the ensemble is reported, the estimator it is given related (seeding the ensemble seeds both). `KFold`/`StratifiedKFold` only with "
        "`shuffle=True` (unshuffled they are deterministic); `train_test_split` not with "
        "`shuffle=False`; `PCA` only with `svd_solver=\"randomized\"` or `\"arpack\"`, because the "
        "default solver chooses the randomised one only for large inputs, a shape unknown before run "
        "time. Nor is a module-level `train_test_split(…)` whose parts are read only as what a random pick picks from "
        "(`np.random.choice(val_files, size=10)`), or not at all, the picks reaching only displays: it changes which "
        "examples may be shown, not what the notebook computes (a part fitted, counted, printed or written keeps it). "
        "A call with `**params` is not reported: the seed may be in there. Names are resolved "
        "through imports (`from sklearn.model_selection import train_test_split as tts`) and through a "
        "name the notebook binds only to the class (`transform = TSNE`, then `transform(n_components=2)`; not a name "
        "bound to anything else anywhere), and a "
        "model-comparison loop over a literal tuple or list of classes (`for model_class in "
        "(RandomForestRegressor, ExtraTreesRegressor): model_class()`) is reported at the loop's call, "
        "naming the listed classes it leaves unseeded. "
        "The unseeded estimators of one list or tuple literal given to one call (a stack's or a vote's learners: "
        "`VotingRegressor([(\"rf\", RandomForestRegressor()), (\"gb\", GradientBoostingRegressor())])`) or bound to one "
        "name (`models = [LinearRegression(), DecisionTreeRegressor(), …]`) are one finding, "
        "at the first, the others related and counted in the message: one model, one fix. "
        "So are unseeded estimators bound each to a name of one scope (a cell's top level or one def's body), the "
        "names then gathered in one list or tuple literal of names (`grids = [gs_1, gs_2, …]`, then `for gs in grids: "
        "gs.fit(…)`): the candidates of one comparison, one fix. A `RandomizedSearchCV` whose grid is a dict literal "
        "(or a list of them) of list literals only, bound once above it in its scope, with no more candidates than "
        "`n_iter` (10 by default), is not reported: it evaluates every candidate, the seed only orders them. Nor is an "
        "`SVC(probability=True)` bound at a cell's top level whose name, and the names its `fit` returns "
        "(`model2 = svm.fit(X, y)`), are read in that cell and below only for what Platt scaling does not change "
        "(`predict`, `score`, `coef_`…): its seed only drives that calibration. "
        "An estimator bound at module level, fitted by a bare `m.fit(…)` in its cell (whose shown "
        "repr lists only its parameters) and never read again is not reported: a library tour's "
        "model left unused changes nothing the notebook computes or shows (a search stays). "
        "Nor is a scikit-learn or imbalanced-learn object bound at module level that no later statement reads, "
        "nor one built only as an argument of such an object or of an mlxtend selector or ensemble so bound "
        "(the first mention of its name after it, in its cell or the cells below, binds the name anew, or there is "
        "none; no function reads the global): built but never fitted, it draws nothing. "
        "Nor is an estimator built in the literal list a comprehension iterates whose loop name is only read for plain "
        "attributes (`[(n, e.bootstrap) for n, e in [('rf', RandomForestClassifier()), …]]`: a table of the classes' "
        "defaults, never fitted). Nor is an `SVC(probability=True)` bound to a name read only for what its Platt "
        "calibration does not change (`coef_`, `intercept_`, `predict`, `decision_function`…) and for `predict_proba` "
        "results that, with names computed from them in that cell, only shade a plot (`pcolormesh`, `contourf`, `imshow`), "
        "no cell below reading them before binding them anew. A module-level `train_test_split(X, y)` whose arrays all come, through module-level "
        "assignments, from one unseeded scikit-learn generator (`X, y = make_circles(noise=0.2)`, then `X = scale(X)`) "
        "is folded into the generator's finding, as a related location: the data change whatever the split's seed. "
        "Nor is a call in a branch that never runs (`if 0 == 1:`), nor one inside a module-level def that nothing "
        "runs and no code names (as for RND001). "
        "Nor is a `TSNE` or `UMAP` (or a `TruncatedSVD` or randomized `PCA` projection, whose only draw is its solver's start; "
        "or a `KMeans`/`MiniBatchKMeans` whose labels, from `predict`/`fit_predict`, and centres only colour a figure) "
        "built at module level whose layout reaches only displays: its coordinates drawn "
        "(`plt.scatter(emb[:, 0], emb[:, 1])`, `sns.scatterplot(data=df, x=\"tsne_x\", …)`, a jupyter-scatter widget, "
        "a selection callback that only displays the picked rows), stored into a frame's named columns whose other "
        "columns alone are read on, and nothing computed from them (a different seed draws another picture of the "
        "same points; clusters found on the map, or its columns summarised, keep it reported). "
        "Nor is a scikit-learn call without `random_state` inside one of the notebook's functions that a module-level "
        "loop runs as repeated trials and that also draws unseeded from NumPy's global state (RND001 reports that draw "
        "and lists the call as related: seeding NumPy once repeats the run while the trials still differ, which a fixed "
        "`random_state` would not). "
        "An estimator seeded right after it is built, before any other use (`rf = RandomForestRegressor()`, then "
        "`rf.random_state = 42` or `rf.set_params(random_state=42)` in the same cell), is not reported. "
        "A scikit-learn call inside a `for _ in range(n):` (at module level or in a module-level def) whose counter "
        "nothing reads but `print`/`display` (a progress line) and whose body appends to a list bound outside it, adds "
        "into a total from before the loop (`cvscore += …`) or "
        "prints or displays a value it computes (trials repeated to show their spread) gets another fix: seed NumPy once "
        "above the loop, or pass the seed plus the repetition's number, as a constant seed would make the repetitions "
        "identical; the loop's other unseeded scikit-learn calls (a split, then a forest) are folded into that one "
        "finding, related, as the one seed covers them. When a top-level NumPy seed already runs above such a loop, the "
        "call is not reported: that seed is the fix, and a top-to-bottom run repeats; nor, below a NumPy seed, is a "
        "model built at the top level of a cell (by itself, in list or tuple literals, or given to a scikit-learn "
        "ensemble so built) that reaches only calls of the notebook's functions refitting it, and letting it go nowhere "
        "else, inside `for … in range(…)` loops that collect each pass's result (`y_predict[:, i] = "
        "estimator.predict(…)`, the bias/variance simulation's 500 training sets); without a seed, such a model's message "
        "and fix say so and ask for the seed once, or the seed plus the trial's number, not a constant. "
        "Global seeds do not silence it, except one at the top level of the same cell above a scikit-learn call "
        "(`np.random.seed(1)`, then `GradientBoostingRegressor()`): every run of the cell repeats the draw. It also reports gensim's `Word2Vec`, `FastText` and `Doc2Vec` "
        "trained with more than one worker thread (`workers` defaults to 3): gensim documents that a "
        "reproducible run needs `workers=1` (thread scheduling orders the updates) and, across "
        "interpreter launches, a fixed `PYTHONHASHSEED`, so `seed=` alone does not make the vectors "
        "repeat; once per notebook, at its first such model, the others related "
        "(`[[threaded_training]]` in randomness.toml). `workers=` is read through the notebook's constant "
        "configuration: names bound once at the top level of a cell and subscripts of dict literals never assigned "
        "into (`workers=CONFIG[\"word2vec\"][\"workers\"]` under `CONFIG = {\"word2vec\": {\"workers\": 1}}` is one thread). "
        "A literal `workers` below 1 (`workers=-1`) is another finding: gensim starts no worker thread then, and the "
        "model is never trained (its vectors stay at their initial values); once per notebook "
        "too (`idle_below`). "
        "An optuna study stopped by a wall-clock budget (`study.optimize(objective, n_trials=24, timeout=50 * 60)` "
        "on a `study` some code binds to `optuna.create_study(…)`, in a function or not) is reported once per "
        "notebook, the other such searches related: how many trials finish depends on the machine's speed and load, "
        "so the tuned parameters do whatever the sampler's seed; `timeout=None`, written or through a constant, is "
        "no budget (`[[time_budget]]` in randomness.toml). "
        "The message's \"which cell N seeds\" names where NumPy's seed first runs: a seed in a function whose "
        "value is one of its parameters (`if seed is not None: np.random.seed(seed)`) seeds only from a call that "
        "passes it a value other than None, and a seed in a function's body seeds where the function runs, "
        "not where it is defined (a seed in a function nothing calls seeds nothing, as for RND001). "
        "albumentations keeps its own random state, which no global seed reaches: an `A.Compose([...])` (or "
        "`ReplayCompose`) with no `seed=` that holds a transform that draws (random parameters such as "
        "`RandomCrop`, `ShiftScaleRotate`, noise or blur; a `p` below 1; a flip with its default `p`) is reported, "
        "and so is the first application of such a transform built and applied by itself (`aug = "
        "A.RandomRotate90(p=1)`, then `aug(image=image)`) with no `aug.set_random_seed(…)` before it; a pipeline "
        "of deterministic transforms (`Resize`, `Normalize`, `ToTensorV2`, a flip with `p=1`) is not, nor is one "
        "built inside a function (`[albumentations]` in randomness.toml)."
        " When the call's cell binds an integer to a seed-named constant no cell reads (`blobs_random_seed = 42`), "
        "the message and the fix name it. Nor is an estimator built twice at module level with the very same text "
        "(`tree.DecisionTreeClassifier()`, then again under \"Let us repeat the experience once more\") when markdown among "
        "the three cells after the second asks whether the results are the same as before (\"Do you observe the same f1 "
        "scores on each fold as previously?\"), or markdown right above the second says the repetition changes the result "
        "(\"If we repeat one more time - it changes:\"): the run-to-run variation is the lesson."
    )
    why_bad = (
        "Without `random_state`, scikit-learn draws from NumPy's global state: results change on "
        "every run unless something seeded NumPy, and even then they depend on how many draws ran "
        "before — which changes as soon as cells are reordered or the notebook is split into "
        "pipeline steps. An explicit seed makes each split and model reproducible on its own and "
        "is recorded with the experiment's parameters."
    )
    example = (
        "from sklearn.model_selection import train_test_split\n"
        "from sklearn.ensemble import RandomForestClassifier\n"
        "X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2)\n"
        "clf = RandomForestClassifier(n_estimators=200)"
    )
    use_instead = (
        "SEED = 42\n"
        "X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=SEED)\n"
        "clf = RandomForestClassifier(n_estimators=200, random_state=SEED)"
    )
    passing = (
        # Fitted on the notebook's unseeded NumPy draws (RND001's finding): the estimator draws from
        # the same global NumPy state, and RND001's seed at the top is the one fix for both (fair
        # check 50, item 156; `_split_of_unseeded_draws` for a split).
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt\nfrom sklearn.neural_network import MLPRegressor",
            "N = 1000\nX = np.random.random((N, 2)) * 6 - 3\nY = np.cos(2 * X[:, 0]) + np.cos(3 * X[:, 1])",
            "model = MLPRegressor(hidden_layer_sizes=128, alpha=0., learning_rate_init=0.01)\nmodel.fit(X, Y);",
            "Yhat = model.predict(X)\nplt.scatter(X[:, 0], Yhat)",
        )),
        # The same forest built again under "If we repeat one more time - it changes:": the change
        # from the first run is what it shows (fair check 48, item 152, rnd002-deliberate-per-run-randomness).
        Example(cells=(
            "from sklearn.ensemble import RandomForestClassifier\nfrom sklearn.metrics import roc_auc_score\n"
            "X, y = [[0], [1], [0], [1]], [0, 1, 0, 1]",
            "rf = RandomForestClassifier(n_estimators=10)\nrf.fit(X, y)\nroc_auc_score(y, rf.predict_proba(X)[:, 1])",
            md("If we repeat one more time - it changes:"),
            "rf = RandomForestClassifier(n_estimators=10)\nrf.fit(X, y)\nroc_auc_score(y, rf.predict_proba(X)[:, 1])",
        )),
        # The lesson builds the same tree twice and asks whether the folds' scores match: the
        # variation is what it shows (fair check 47, item 151, rnd002-repeated-trials-want-variation).
        Example(cells=(
            "from sklearn import tree, model_selection\nfrom sklearn.datasets import load_iris\nX, y = load_iris(return_X_y=True)",
            "model = tree.DecisionTreeClassifier()\nprint(model_selection.cross_val_score(model, X, y, cv=5))",
            md("Let us repeat the experience once more:"),
            "model2 = tree.DecisionTreeClassifier()\nprint(model_selection.cross_val_score(model2, X, y, cv=5))",
            md("__Question:__ Do you observe the same f1 scores on each fold as previously? Is this surprising?"),
        )),
        # `SVC(probability=True)` whose probabilities only shade a plot's background, its lines drawn
        # from `coef_`/`intercept_` (Platt scaling changes neither): fair check 46, item 151.
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt\nfrom sklearn import svm\nfrom sklearn.datasets import make_blobs",
            "X, y = make_blobs(n_samples=100, centers=2, random_state=3)\nsvc = svm.SVC(kernel='linear', probability=True).fit(X, y)\n"
            "line = np.linspace(-5, 5)\nplt.plot(line, -(line * svc.coef_[0][0] + svc.intercept_) / svc.coef_[0][1])\n"
            "x1, x2 = np.meshgrid(line, line)\nproba = svc.predict_proba(np.c_[x1.ravel(), x2.ravel()])[:, 0]\n"
            "proba = proba.reshape(x1.shape)\nplt.pcolormesh(x1, x2, proba, cmap='bwr_r')\nplt.show()",
        )),
        # A split of data the cell draws unseeded from NumPy's global state (RND001's finding): only
        # RND001's seed makes the cell repeat, and it covers the split too (fair check 39, items 110, 111).
        Example(cells=(
            "import numpy as np\nfrom sklearn.model_selection import train_test_split",
            "X = np.random.randn(313, 3) * 2.56 + 3.6\ny = 1.34 * X[:, 0] + 7.89 + 0.01 * np.random.randn(len(X))\n"
            "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)\n"
            "beta = np.linalg.lstsq(X_train, y_train, rcond=None)[0]\nprint(beta)",
        )),
        # AdaBoostClassifier over its default depth-1 stumps, or over a shallow best-split tree given
        # inline: its random_state only orders each tree's features, which breaks exact ties only
        # (fair check 34, item 152: 6 seeds, identical predictions at all 12 grid points).
        Example(cells=(
            "from sklearn.ensemble import AdaBoostClassifier\nfrom sklearn.model_selection import GridSearchCV\n"
            "from sklearn.tree import DecisionTreeClassifier",
            "parameters = {'n_estimators': [10, 50, 100], 'learning_rate': [0.1, 1]}\n"
            "clf = GridSearchCV(AdaBoostClassifier(), parameters)\nclf.fit(X_train, y_train)\nprint(clf.best_params_)",
            "boost = AdaBoostClassifier(DecisionTreeClassifier(max_depth=2), n_estimators=200)\nboost.fit(X_train, y_train)\n"
            "print(boost.score(X_test, y_test))",
        )),
        # One column by `.values` of `df[["col"]]`, by `reshape(n, 1)`, and in a function from another's
        # `return X, y` (fair check 33, items 123, 144): every seed builds the same tree.
        Example(cells=(
            "import numpy as np\nfrom sklearn.tree import DecisionTreeRegressor",
            "X = df[['flavanoids']].values\ndt = DecisionTreeRegressor()\ndt.fit(X, y)\nprint(dt.score(X, y))",
            "def quad_data(n=50):\n    X = np.linspace(0, 4, num=n).reshape(n, 1)\n    y = (X - 2) ** 2 + np.random.normal(0, .4, n).reshape(n, 1)\n    return X, y\n"
            "def ensemble(ntrees, x, n=100):\n    trees = []\n    for i in range(ntrees):\n        X, y = quad_data(n=n)\n"
            "        t = DecisionTreeRegressor()\n        t.fit(X, y.reshape(n))\n        trees.append(t)\n    return np.mean([t.predict(x)[0] for t in trees])",
            "np.random.seed(1)\nprint(ensemble(10, np.array([3]).reshape(1, 1)))",
        )),
        # Trees in a list handed to the notebook's function that fits each only on one column
        # (`reshape(-1, 1)`, `[:, [0]]`; fair check 38, items 138, 146), labels non-ASCII.
        Example(cells=(
            "import numpy as np\nfrom sklearn.tree import DecisionTreeRegressor",
            "def plot_simulation(estimators):\n    for n, (name, estimator) in enumerate(estimators):\n"
            "        for i in range(10):\n            estimator.fit(X_train[i].reshape(-1, 1), y_train[i])\n"
            "            print(name, estimator.predict(X_test[:, [0]]))\n        estimator.fit(X_test[:, [0]], y_test)",
            "estimators = [(\"DT - α = 10e-6\", DecisionTreeRegressor(ccp_alpha=10e-6)), (\"DT - 100\", DecisionTreeRegressor(max_depth=100))]\n"
            "plot_simulation(estimators)",
        )),
        # Repeated trials below a NumPy seed, in a loop of the cell or in the notebook's function the
        # models are handed to (with an ensemble's own estimator): the seed once above the loop is
        # there (fair check 38, item 143).
        Example(cells=(
            "import numpy as np\nfrom sklearn.ensemble import AdaBoostRegressor, RandomForestRegressor\n"
            "from sklearn.model_selection import train_test_split\nfrom sklearn.tree import DecisionTreeRegressor\nnp.random.seed(4)",
            "def simulate(estimators):\n    for name, estimator in estimators:\n        y_predict = np.zeros((100, 50))\n"
            "        for i in range(50):\n            estimator.fit(X_train[i], y_train[i])\n            y_predict[:, i] = estimator.predict(X_test)\n"
            "        print(name, y_predict.var(axis=1).mean())",
            "estimators = [('AdaBoost', AdaBoostRegressor(DecisionTreeRegressor(max_depth=5))), ('RF', RandomForestRegressor())]\n"
            "simulate(estimators)",
            "scores = []\nfor _ in range(10):\n    X_tr, X_te, y_tr, y_te = train_test_split(X, y)\n    scores.append(lr.fit(X_tr, y_tr).score(X_te, y_te))\n"
            "print(np.mean(scores))",
        )),
        # Shallow best-split trees: only ties between equally good splits are drawn (fair check 33, items 110, 138).
        Example(cells=(
            "import numpy as np\nfrom sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor\nnp.random.seed(42)",
            "dt = DecisionTreeClassifier(max_depth=2)\ndt.fit(X, y)\nregr = DecisionTreeRegressor(max_leaf_nodes=3)\nregr.fit(X, y)\n"
            "print(dt.score(X, y), regr.score(X, y))",
        )),
        # A helper defined and never called (`lm.score` is a method, not it): its split never runs (fair check 33, item 133).
        Example(cells=(
            "from sklearn.model_selection import train_test_split\nfrom sklearn.linear_model import LinearRegression\n"
            "def score(X, y, model, n=10):\n    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)\n"
            "    model.fit(X_train, y_train)\n    return model.score(X_test, y_test)",
            "lm = LinearRegression()\nlm.fit(X, y)\nprint(lm.score(X, y))",
        )),
        # gensim with `workers` read from a config literal that says 1 (fair check 18).
        Example(cells=(
            "from gensim.models import Word2Vec\nCONFIG = {'w2v': {'workers': 1, 'window': 5}}",
            "w2v = CONFIG['w2v']\nmodel = Word2Vec(sentences, workers=w2v['workers'], window=w2v['window'], seed=7)",
        )),
        # One gensim worker thread: a seeded Word2Vec repeats.
        Example(cells=("from gensim.models import Word2Vec", "model = Word2Vec(sentences, workers=1, seed=7)")),
        # Fitted, shown (its repr: the parameters) and never read again.
        Example(cells=("from sklearn.cluster import KMeans", "km = KMeans(n_clusters=3)\nkm.fit(X)")),
        # imbalanced-learn's seeded bagging seeds its base estimator too.
        Example(cells=(
            "from sklearn.tree import DecisionTreeClassifier\nfrom imblearn.ensemble import BalancedBaggingClassifier\n"
            "bbc = BalancedBaggingClassifier(base_estimator=DecisionTreeClassifier(),\n                                random_state=0)",
        )),
        # A seeded Bagging/AdaBoost ensemble seeds the estimators it is given.
        Example(cells=(
            "from sklearn.tree import DecisionTreeClassifier\nfrom sklearn.ensemble import BaggingClassifier\ntree = DecisionTreeClassifier()\nbag = BaggingClassifier(tree, random_state=1)\nboost = BaggingClassifier(DecisionTreeClassifier(), random_state=2)",
        )),
        Example(cells=(
            "from sklearn.model_selection import train_test_split as tts, KFold\nfrom sklearn.decomposition import PCA",
            "parts = tts(X, y, random_state=0)\ncv = KFold(n_splits=5)\npca = PCA(n_components=2)",
            "ordered = tts(X, y, shuffle=False)\ncv2 = KFold(5, shuffle=True, random_state=SEED)",
        )),
        Example(cells=(
            "import sklearn.ensemble as ens\nimport xgboost as xgb\nfrom catboost import CatBoostClassifier",
            "rf = ens.RandomForestClassifier(**params)\nx = xgb.XGBClassifier(random_state=1)\ncb = CatBoostClassifier(random_seed=3)",
        )),
        Example(cells=(
            "import optuna",
            "study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))",
        )),
        # Seeded on the line after it is built, before it is used; or by a NumPy seed above it in the same cell.
        Example(cells=(
            "from sklearn.ensemble import RandomForestRegressor, GradientBoostingRegressor\nimport numpy as np",
            "forest = RandomForestRegressor(n_estimators=50)\nforest.random_state = 7\nforest.fit(X, y)\nprint(forest.score(X, y))",
            "np.random.seed(3)\nboost = GradientBoostingRegressor()\nboost.fit(X, y)\nprint(boost.score(X, y))",
        )),
        # Not scikit-learn's: a user function that happens to share a name.
        Example(cells=("def train_test_split(df):\n    return df[:80], df[80:]", "a, b = train_test_split(df)")),
        # H2O's frame methods by name only in a notebook importing h2o; seeded ones repeat.
        Example(cells=("import pandas as pd", "parts = table.split_frame([0.8])\nnoise = table.runif()")),
        Example(cells=("import h2o", "train, test = frame.split_frame(ratios=[0.8], seed=1234)\nmask = frame['x'].runif(seed=7)")),
        # A t-SNE/UMAP map that is only drawn (fair check 23, `rnd002-tsne-only-plotted`): its
        # coordinates reach scatter plots and labels, the frame's other columns are read on; a
        # different seed draws another picture of the same points, no number changes.
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt\nimport seaborn as sns\nfrom sklearn.manifold import TSNE\nfrom umap import UMAP",
            "coords = TSNE(n_components=2, init='pca').fit_transform(vectors)\nx = coords[:, 0]\ny = coords[:, 1]\nplt.scatter(x, y)\n"
            "for i, word in enumerate(words):\n    plt.annotate(word, (x[i], y[i]))",
            "reducer = UMAP(n_components=2)\ndf[['umap_x', 'umap_y']] = reducer.fit_transform(np.stack(df.fp))\n"
            "df['weight'] = df.smiles.apply(len)\nsns.scatterplot(data=df, x='umap_x', y='umap_y', hue='label')",
            "print(df['weight'].mean())",
        )),
        # Fair check 36, item 144 (`rnd002-tsne-only-plotted`): the layout drawn by the notebook's
        # `plot` helper, defined again with the same code in a later cell (whichever runs, the same
        # body is followed).
        Example(cells=(
            "import numpy as np\nfrom matplotlib import pylab\nfrom sklearn.manifold import TSNE",
            "tsne = TSNE(perplexity=30, n_components=2, init='pca', n_iter=5000)\ntwo_d = tsne.fit_transform(emb[1:401, :])",
            "def plot(embeddings, labels):\n  assert embeddings.shape[0] >= len(labels), 'More labels than embeddings'\n"
            "  pylab.figure(figsize=(15, 15))\n  for i, label in enumerate(labels):\n    x, y = embeddings[i, :]\n"
            "    pylab.scatter(x, y)\n    pylab.annotate(label, xy=(x, y))\n  pylab.show()\n\nplot(two_d, words)",
            "def plot(embeddings, labels):\n  assert embeddings.shape[0] >= len(labels), 'More labels than embeddings'\n"
            "  pylab.figure(figsize=(15, 15))\n  for i, label in enumerate(labels):\n    x, y = embeddings[i, :]\n"
            "    pylab.scatter(x, y)\n    pylab.annotate(label, xy=(x, y))\n  pylab.show()\n\nplot(two_d, words)",
        )),
        # A 2-D TruncatedSVD projection only drawn (fair check 25, `rnd002-embedding-only-plotted`):
        # as a scatter, and coloured by the points' density through the notebook's helper (its
        # `**kwargs` take only the colour map), with a colour bar.
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt\nfrom scipy.interpolate import interpn\nfrom sklearn.decomposition import TruncatedSVD",
            "tsvd = TruncatedSVD(n_components=2)\ntsvd.fit(mtx)\nX = tsvd.transform(mtx)",
            "fig, ax = plt.subplots()\nax.scatter(X[:, 0], X[:, 1], alpha=0.5)\nplt.show()",
            "def density_scatter(x, y, ax, bins=20, **kwargs):\n    data, x_e, y_e = np.histogram2d(x, y, bins=bins)\n"
            "    z = interpn((0.5 * (x_e[1:] + x_e[:-1]), 0.5 * (y_e[1:] + y_e[:-1])), data, np.vstack([x, y]).T, bounds_error=False)\n"
            "    idx = z.argsort()\n    sc = ax.scatter(x[idx], y[idx], c=z[idx], **kwargs)\n    return sc\n\n"
            "fig, ax = plt.subplots()\nsc = density_scatter(X[:, 0], X[:, 1], ax, cmap='Greens')\nfig.colorbar(sc, ax=ax)\nplt.show()",
        )),
        # A UMAP map drawn as an interactive jupyter-scatter widget, whose selection callback only
        # shows the picked molecules as a mols2grid grid (fair check 23).
        Example(cells=(
            "import jscatter\nimport ipywidgets\nimport mols2grid\nfrom IPython.display import display\nfrom umap import UMAP",
            "layout = UMAP(n_neighbors=30).fit_transform(fingerprints)\ncompounds[['map_x', 'map_y']] = layout",
            "plot = jscatter.Scatter(data=compounds, x='map_x', y='map_y', color_by='series')\npicked = ipywidgets.Output()\n\n"
            "@picked.capture(clear_output=True)\ndef show_picked(change):\n    display(mols2grid.display(compounds.loc[change.new], subset=['img', 'ID']))\n\n"
            "plot.widget.observe(show_picked, names=['selection'])\nipywidgets.VBox([plot.show(), picked])",
        )),
        # One trial of a repeated experiment (fair check 23): the forest draws from NumPy's global
        # state, which the trial's unseeded `np.random.choice` also uses (RND001, this call related);
        # a fixed random_state would make the five trials build the same forest.
        Example(cells=(
            "import numpy as np\nfrom sklearn.ensemble import RandomForestClassifier",
            "def one_trial(X, y, n_start=20):\n    start = np.random.choice(len(X), size=n_start, replace=False)\n"
            "    model = RandomForestClassifier(n_estimators=50)\n    model.fit(X[start], y[start])\n    return model.score(X, y)",
            "scores = []\nfor trial in range(5):\n    scores.append(one_trial(X, y))\nprint(np.mean(scores), np.std(scores))",
        )),
        # An environment made only to size the networks (fair check 24, an A3C notebook): after its
        # reset, whose observation is thrown away, only its spaces are read; the workers make and
        # reset environments of their own, inside their methods.
        Example(cells=(
            "import gym\nenv = gym.make('MountainCarContinuous-v0')\nenv.reset()",
            "n_states = env.observation_space.shape[0]\nn_actions = env.action_space.shape[0]\n"
            "bounds = [env.action_space.low, env.action_space.high]",
            "class Worker:\n    def __init__(self, name):\n        self.env = gym.make('MountainCarContinuous-v0').unwrapped\n"
            "        self.name = name\n\n    def work(self, policy):\n        s = self.env.reset()\n"
            "        s_, r, done, info = self.env.step(policy(s))\n        return r",
        )),
        # Estimators of a book's aside, never fitted (fair check 27, `rnd002-estimator-never-fitted`):
        # `ppn` is read only above, where it was another model; `svm` is bound anew below before
        # anything reads it; `boost` and the estimator it is given are never read. Building draws nothing.
        Example(cells=(
            "from sklearn.linear_model import Perceptron, SGDClassifier\nfrom sklearn.svm import SVC\n"
            "from sklearn.ensemble import AdaBoostClassifier",
            "ppn = Perceptron(random_state=1)\nppn.fit(X, y)\nprint(ppn.score(X, y))",
            "ppn = SGDClassifier(loss='perceptron')\nsvm = SGDClassifier(loss='hinge')\nboost = AdaBoostClassifier(SGDClassifier())",
            "svm = SVC(kernel='rbf', random_state=1)\nsvm.fit(X, y)\nprint(svm.score(X, y))",
        )),
        # Estimators built only to read their defaults in a table: the comprehension reads plain
        # attributes of each, never fits one (fair check 40, item 150, rnd002-estimator-never-fitted).
        Example(cells=(
            "import pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier, ExtraTreesClassifier",
            "defaults = pd.DataFrame([{'class': name, 'bootstrap': est.bootstrap, 'max_features': est.max_features}\n"
            "                         for name, est in [('rf', RandomForestClassifier()), ('et', ExtraTreesClassifier())]])\n"
            "print(defaults)",
        )),
        # The forest of a backward selector the next line rebinds unfitted (fair check 32, item 146:
        # `sfs2 = sfs1.fit(…)` refits the forward selector); mlxtend's SFS only keeps what it is given.
        Example(cells=(
            "from mlxtend.feature_selection import SequentialFeatureSelector as SFS\nfrom sklearn.ensemble import RandomForestClassifier",
            "sfs1 = SFS(RandomForestClassifier(n_estimators=5, random_state=0), k_features=3, forward=True)\nsfs1 = sfs1.fit(X, y)",
            "sfs2 = SFS(RandomForestClassifier(n_estimators=5), k_features=3, forward=False)\n\nsfs2 = sfs1.fit(X, y)\nprint(sfs2.k_feature_idx_)",
        )),
        # Cluster labels only colouring a scatter (fair check 27, `rnd002-cluster-labels-only-plotted`):
        # another seed may number the clusters otherwise, a picture of the same points.
        Example(cells=(
            "import matplotlib.pyplot as plt\nfrom sklearn.cluster import KMeans",
            "est = KMeans(4)\nest.fit(X)\ny_kmeans = est.predict(X)\nplt.scatter(X[:, 0], X[:, 1], c=y_kmeans, s=50)",
        )),
        # Synthetic data read only by timings (fair check 26, `rnd002-data-only-feeds-timing`): a
        # `%time` fit and a `%%time` cell that fits again and prints the estimator's parameters.
        Example(cells=(
            "import joblib\nimport sklearn.datasets\nfrom sklearn.ensemble import VotingClassifier\nfrom sklearn.linear_model import LogisticRegression",
            "X, y = sklearn.datasets.make_classification(n_samples=1_000, n_features=20)",
            "clf = VotingClassifier([('lr', LogisticRegression())], n_jobs=-1)",
            "%time clf.fit(X, y)",
            "%%time\nwith joblib.parallel_backend('dask'):\n    clf.fit(X, y)\n\nprint(clf)",
        )),
        # A reset inside a function of an environment whose episodes draw nothing from its generator
        # (CliffWalking: fixed start, fixed moves), and one seeded at the top level first.
        Example(cells=(
            "import gym\ncliff = gym.make('CliffWalking-v0')\npole = gym.make('CartPole-v1')\nobs, _ = pole.reset(seed=0)",
            "def play(env):\n    observation, _ = env.reset()\n    observation, reward, terminated, truncated, _ = env.step(0)\n    return reward",
            "print(play(cliff), play(pole))",
        )),
        # turicreate given its seeds (by keyword or position), or a validation set of one's own.
        Example(cells=(
            "import turicreate as tc\nsf = tc.SFrame({'x': list(range(200)), 'y': [0, 1] * 100})",
            "train, test = sf.random_split(0.8, seed=1)\nrest, _ = sf.random_split(0.8, 7)\n"
            "m = tc.logistic_classifier.create(train, target='y', seed=1)\n"
            "m2 = tc.boosted_trees_classifier.create(train, target='y', validation_set=test)\n"
            "m3 = tc.decision_tree_classifier.create(rest, target='y', validation_set=None)\n"
            "print(m.evaluate(test), m2.evaluate(test), m3.evaluate(test))",
        )),
        # An agentpy model given its seed: in the parameters, or to `run` (fair check 41, recall T-2.2).
        Example(cells=(
            "import agentpy as ap\n\nclass Fire(ap.Model):\n    def setup(self):\n"
            "        self.agents = ap.AgentList(self, 10)\n        self.grid = ap.Grid(self, [self.p.size] * 2)\n"
            "        self.grid.add_agents(self.agents, random=True)\n        self.agents.random(2).burning = True",
            "parameters = {'size': 50, 'seed': 42}\nmodel = Fire(parameters)\nresults = model.run()",
        )),
        Example(cells=(
            "import agentpy as ap\n\nclass Fire(ap.Model):\n    def setup(self):\n"
            "        self.agents = ap.AgentList(self, 10)\n        self.grid = ap.Grid(self, [self.p.size] * 2)\n"
            "        self.grid.add_agents(self.agents, random=True)\n        self.agents.random(2).burning = True",
            "other = Fire({'size': 50})\nrerun = other.run(seed=7)",
        )),
        # A seeded study bounded by `n_trials` alone, or given `timeout=None` (directly or through a
        # constant), and another library's `optimize(…, timeout=…)`: no wall-clock budget of a study.
        Example(cells=(
            "import optuna\nfrom backtesting import Backtest\nTIMEOUT = None",
            "study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))\n"
            "study.optimize(objective, n_trials=30)\nstudy.optimize(objective, n_trials=5, timeout=None)\n"
            "study.optimize(objective, n_trials=5, timeout=TIMEOUT)",
            "bt = Backtest(prices, Strategy)\nstats = bt.optimize(n1=range(5, 30), timeout=60)",
        )),
        # Fair check 45, item 151 (rnd002-seed-changes-nothing-shown): an albumentations tour applies an
        # unseeded pipeline to a blank `np.zeros` image and prints only the result's keys and shape,
        # the same for every draw.
        Example(cells=(
            "import albumentations as A\nimport numpy as np",
            "image = np.zeros((128, 128, 3), dtype=np.uint8)\ntransform = A.Compose([A.HorizontalFlip(p=0.5), A.Rotate(limit=30, p=0.5)])\n"
            "augmented = transform(image=image)\nprint(augmented.keys())\nprint(augmented['image'].shape)",
        )),
        # Fair check 32, item 139 (rnd002-platt-probs-only-ranked): SVCs with probability=True whose
        # one-class probabilities are only ranked by a ROC curve and its AUC: Platt's sigmoid keeps
        # the decision function's order, so the curves are the same for every calibration seed.
        Example(cells=(
            "import matplotlib.pyplot as plt\nfrom sklearn.svm import SVC\nfrom sklearn.metrics import roc_curve, roc_auc_score",
            "svc = SVC(kernel='poly', degree=1, probability=True)\nsvc.fit(X_train, y_train)\n"
            "svc_probs = svc.predict_proba(X_test)[:, 1]\nfpr_svc, tpr_svc, _ = roc_curve(y_test, svc_probs)\n"
            "auc_svc = roc_auc_score(y_test, svc_probs)\nprint(auc_svc)",
            "fpr_list = []\nfor c in [1, 10, 20]:\n    svm = SVC(kernel='linear', probability=True, C=c)\n    svm.fit(X_train, y_train)\n"
            "    svm_probs = svm.predict_proba(X_test)[::, 1]\n    fpr, tpr, _ = roc_curve(y_test, svm_probs)\n    fpr_list.append(fpr)",
        )),
        # Fair check 32, item 136 (rnd002-seed-changes-nothing-shown): an AdaBoostClassifier given, by a
        # name bound just above in the same loop body, a depth-2 best-split tree: its seed only breaks ties.
        Example(cells=(
            "from sklearn.tree import DecisionTreeClassifier\nfrom sklearn.ensemble import AdaBoostClassifier",
            "errors = {}\nfor size in range(10, 1000, 10):\n    base_clf = DecisionTreeClassifier(max_depth=2)\n"
            "    boost = AdaBoostClassifier(base_clf, n_estimators=size)\n    boost.fit(X_train, y_train)\n"
            "    errors[size] = 1 - boost.score(X_test, y_test)",
        )),
        # Fair check 39, item 116 (rnd-model-never-read): a class's `fit` builds and fits a tree on
        # `self` and only prints the data's shapes; nothing anywhere reads the tree again.
        Example(cells=(
            "import numpy as np\nfrom sklearn.tree import DecisionTreeRegressor",
            "class AssociationRules:\n    def __init__(self, t):\n        self.t = t\n\n    def fit(self, X):\n"
            "        Xe = np.vstack((X, X[::-1]))\n        ye = np.arange(len(Xe)) % 2\n        self.tree = DecisionTreeRegressor()\n"
            "        self.tree.fit(Xe, ye)\n        print(Xe.shape)\n\nmod = AssociationRules(0.2)\nmod.fit(X)",
        )),
        # Fair check 51, item 158 (rnd001-value-reaches-only-display): an EDA notebook splits its file ids and
        # only shows ten random images of one part; no model, count or file uses the split.
        Example(cells=(
            "import os\nimport numpy as np\nimport matplotlib.pyplot as plt\nfrom sklearn.model_selection import train_test_split",
            "def plot_contrails(file_id):\n    folder = os.path.join('data', file_id)\n"
            "    image = np.load(os.path.join(folder, 'band_15.npy'))[:, :, 5]\n    ax = plt.subplot(1, 2, 1)\n    ax.imshow(image)\n    plt.show()",
            "all_files = [os.path.basename(d) for d, _, _ in os.walk('data')][1:]",
            "np.random.seed(1729)",
            "train_files, val_files = train_test_split(all_files, test_size=0.2)",
            "for iid in np.random.choice(val_files, size=10, replace=False):\n    print(iid)\n    plot_contrails(iid)",
        )),
    )
    failing = (
        # Fitted on data drawn unseeded and then rebound from a file: the estimator's own draws are
        # its finding (the passing twin below is fitted on the draws; fair check 50, item 156).
        Example(cells=(
            "import numpy as np\nimport pandas as pd\nfrom sklearn.neural_network import MLPRegressor",
            "X = np.random.random((100, 2))\nY = np.cos(X[:, 0])",
            "X = pd.read_csv('x.csv').values",
            "model = MLPRegressor(hidden_layer_sizes=8)\nmodel.fit(X, Y)\nprint(model.score(X, Y))",
        ), expect=((4, 1),)),
        # Fitted on the unseeded draws, but its score printed: a number of its own that changes per
        # run (fair check 33, item 130: a forest on noise, R^2 printed).
        Example(cells=(
            "import numpy as np\nfrom sklearn.ensemble import RandomForestRegressor",
            "X = np.random.random((100, 2))\ny = np.random.random(100)",
            "rf = RandomForestRegressor(n_estimators=10)\nrf.fit(X, y)\nprint(rf.score(X, y))",
        ), expect=((3, 1),)),
        # The same tree built twice, but nothing asks whether the results match, only a statement
        # (unlike fair check 47, item 151): each model changes from run to run.
        Example(cells=(
            "from sklearn import tree, model_selection\nfrom sklearn.datasets import load_iris\nX, y = load_iris(return_X_y=True)",
            "model = tree.DecisionTreeClassifier()\nprint(model_selection.cross_val_score(model, X, y, cv=5))",
            md("Now on the scaled features:"),
            "model2 = tree.DecisionTreeClassifier()\nprint(model_selection.cross_val_score(model2, X * 2, y, cv=5))",
            md("The scores are the same as before."),
        ), expect=((2, 1), (4, 1))),
        # Its probabilities printed: the calibration's seed changes them (unlike fair check 46, item 151).
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt\nfrom sklearn import svm\nfrom sklearn.datasets import make_blobs",
            "X, y = make_blobs(n_samples=100, centers=2, random_state=3)\nsvc = svm.SVC(kernel='linear', probability=True).fit(X, y)\n"
            "proba = svc.predict_proba(X)[:, 0]\nplt.pcolormesh(proba.reshape(10, 10))\nprint(proba[:5])",
        ), expect=((2, 2),)),
        # The split of data an unseeded generator made is folded into the generator's finding: the
        # data change whatever the split's seed (fair check 40, item 149); a split of a file's data
        # stays its own finding.
        Example(cells=(
            "import numpy as np\nimport pandas as pd\nfrom sklearn import datasets, model_selection",
            "X, y = datasets.make_circles(n_samples=100, noise=0.2)",
            "X = (X - X.mean(0)) / X.std(0)\nX_train, X_test, y_train, y_test = model_selection.train_test_split(X, y, test_size=0.2)",
            "F = pd.read_csv('f.csv')\nF_train, F_test = model_selection.train_test_split(F)",
        ), expect=((2, 1), (4, 2))),
        # Estimators of a comprehension's literal list that it fits stay (unlike fair check 40,
        # item 150, where only their parameters are read).
        Example(cells=(
            "from sklearn.ensemble import RandomForestClassifier, ExtraTreesClassifier",
            "scores = {name: est.fit(X, y).score(X, y)\n          for name, est in [('rf', RandomForestClassifier()), ('et', ExtraTreesClassifier())]}\n"
            "print(scores)",
        ), expect=((2, 2), (2, 2))),
        # … but not a split of data loaded from a file, nor drawn where RND001 is off or seeded.
        Example(cells=(
            "import numpy as np\nimport pandas as pd\nfrom sklearn.model_selection import train_test_split\nnp.random.seed(0)",
            "X = pd.read_csv('x.csv').values\ny = X[:, 0] + 0.01 * np.random.randn(len(X))\n"
            "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)\nprint(X_train.shape)",
        ), expect=((2, 3),)),
        # A layout something is computed from stays: clusters found on the t-SNE map, the map's
        # columns summarised, its coordinates printed (fair check 23: only a drawn layout is left out).
        Example(cells=(
            "import matplotlib.pyplot as plt\nfrom sklearn.cluster import KMeans\nfrom sklearn.manifold import TSNE\nfrom umap import UMAP",
            "emb = TSNE(n_components=2).fit_transform(X)\nplt.scatter(emb[:, 0], emb[:, 1])\n"
            "labels = KMeans(n_clusters=3, random_state=0).fit_predict(emb)\nprint(labels[:10])",
            "tsne = TSNE(n_components=2)\ndf[['tx', 'ty']] = tsne.fit_transform(X)\nplt.scatter(df.tx, df.ty)\nprint(df[['tx', 'ty']].describe())",
            "view = UMAP(n_components=2).fit_transform(X)\nplt.scatter(view[:, 0], view[:, 1])\nprint(view[:3])",
        ), expect=((2, 1), (3, 1), (4, 1))),
        # A tree handed to the notebook's function that also lets it go elsewhere (a cross-validation on
        # every column), or whose list is read again below, stays reported (fair check 38, items 138, 146).
        Example(cells=(
            "from sklearn.model_selection import cross_val_score\nfrom sklearn.tree import DecisionTreeRegressor",
            "def simulate(models):\n    for name, model in models:\n        model.fit(X[:, [0]], y)\n"
            "        print(name, cross_val_score(model, X, y).mean())",
            "simulate([('deep', DecisionTreeRegressor())])",
            "def simulate_one(model):\n    model.fit(x.reshape(-1, 1), y)",
            "models = [DecisionTreeRegressor(max_depth=6)]\nsimulate_one(models[0])",
            "models[0].fit(X, y)",
        ), expect=((3, 1), (5, 1))),
        # The same function called once, not as repeated trials: the forest keeps its own finding.
        Example(cells=(
            "import numpy as np\nfrom sklearn.ensemble import RandomForestClassifier",
            "def fit_once(X, y):\n    idx = np.random.choice(len(X), size=20, replace=False)\n    model = RandomForestClassifier()\n"
            "    return model.fit(X[idx], y[idx]).score(X, y)",
            "print(fit_once(X, y))",
        ), expect=((2, 3),)),
        Example(cells=(
            "from sklearn.model_selection import train_test_split as tts\nfrom sklearn.ensemble import RandomForestClassifier",
            "X_tr, X_te, y_tr, y_te = tts(X, y, test_size=0.2)\nclf = RandomForestClassifier(\n    n_estimators=100,\n    random_state=None,\n)",
            "clf.fit(X_tr, y_tr)\nprint(clf.score(X_te, y_te))",
        ), expect=((2, 1), (2, 2))),
        # KFold only when shuffling; PCA only with a randomised solver; seeds elsewhere do not help.
        Example(cells=(
            "import numpy as np\nnp.random.seed(0)\nfrom sklearn import model_selection, decomposition\nfrom sklearn.cluster import KMeans",
            "cv = model_selection.KFold(5)\ncv2 = model_selection.StratifiedKFold(5, shuffle=True)\npca = decomposition.PCA(10, svd_solver='randomized')",
            "def cluster(X):\n    return KMeans(n_clusters=3).fit(X)",
            "print(cross_val_score(model, X, y, cv=cv), cross_val_score(model, X, y, cv=cv2), pca.fit_transform(X)[:3])\n"
            "print(cluster(X).labels_)",  # (called: a def nothing calls runs nothing, fair check 33, item 133)
        ), expect=((2, 2), (2, 3), (3, 2))),
        # Searches and AutoML: optuna samplers (and create_study's default one), keras-tuner, AutoKeras.
        Example(cells=(
            "import optuna\nimport autokeras as ak\nfrom sklearn.model_selection import RandomizedSearchCV",
            "study = optuna.create_study(direction='maximize')\nsampler = optuna.samplers.TPESampler()\nclf = ak.StructuredDataClassifier(max_trials=3)\nsearch = RandomizedSearchCV(model, grid, n_iter=10)",
            "search.fit(X, y)\nprint(search.best_params_)",
        ), expect=((2, 1), (2, 2), (2, 3), (2, 4))),
        # A LIME explainer perturbs its samples with NumPy's global state when given no random_state.
        Example(cells=(
            "import lime.lime_tabular\nfrom lime.lime_text import LimeTextExplainer",
            "explainer = lime.lime_tabular.LimeTabularExplainer(X_train, mode='regression')\ntext = LimeTextExplainer(class_names=['neg', 'pos'], random_state=0)",
        ), expect=((2, 1),)),
        # SHAP's permutation explainer without a seed; a tree explainer computes exact values.
        Example(cells=(
            "import shap",
            "perm = shap.PermutationExplainer(model.predict, X_train)\ntree = shap.TreeExplainer(model)\nseeded = shap.explainers.Permutation(model.predict, X_train, seed=0)",
        ), expect=((2, 1),)),
        # Boosting libraries seed themselves with a fixed default: only the sklearn generator is reported.
        Example(cells=(
            "import lightgbm as lgb\nfrom xgboost import XGBRegressor\nfrom catboost import CatBoostRegressor\nfrom sklearn.datasets import make_classification",
            "m1 = lgb.LGBMClassifier()\nm2 = XGBRegressor(n_estimators=50)\nm3 = CatBoostRegressor(verbose=0)\nX, y = make_classification(200)",
        ), expect=((2, 4),)),
        # gensim trains with 3 worker threads by default: irreproducible whatever seed=; one
        # finding for the notebook, the FastText related; workers=1 is not reported.
        Example(cells=(
            "from gensim.models import FastText, Word2Vec",
            "w2v = Word2Vec(sentences, vector_size=50, seed=7)\nft = FastText(sentences, workers=4, seed=7)",
            "single = Word2Vec(sentences, vector_size=50, workers=1, seed=7)",
        ), expect=((2, 1),)),
        # `workers=-1` starts no thread and trains nothing (fair check 32, item 144): a finding of
        # its own, saying so, apart from the threaded Word2Vec below it.
        Example(cells=(
            "from gensim.models import FastText, Word2Vec",
            "ft = FastText(sentences, workers=-1, seed=7)\nw2v = Word2Vec(sentences, workers=4, seed=7)",
        ), expect=((2, 1), (2, 2))),
        # An unseeded AdaBoost over an unseeded tree: one finding, at the ensemble (its seed
        # seeds the tree too); the tree's own line is related, not a second finding.
        Example(cells=(
            "from sklearn.tree import DecisionTreeClassifier\nfrom sklearn.ensemble import AdaBoostClassifier",
            "boost = AdaBoostClassifier(DecisionTreeClassifier(max_depth=6),\n                           n_estimators=5)",
            "boost.fit(X, y)\nprint(boost.score(X, y))",
        ), expect=((2, 1),)),
        # AdaBoostRegressor draws a weighted bootstrap of the rows every round (`random_state.choice`
        # in its `_boost`): reported over its default trees, unlike the classifier (fair check 34, item 152).
        Example(cells=(
            "from sklearn.ensemble import AdaBoostRegressor",
            "boost = AdaBoostRegressor(n_estimators=50)\nboost.fit(X, y)\nprint(boost.score(X, y))",
        ), expect=((2, 1),)),
        # A model-comparison loop builds each listed class through the loop variable; Ridge is
        # deterministic and not named; the seeded loop is not reported.
        Example(cells=(
            "from sklearn.ensemble import ExtraTreesRegressor, RandomForestRegressor\nfrom sklearn.linear_model import Ridge",
            "for model_class in (RandomForestRegressor, ExtraTreesRegressor, Ridge):\n    model = model_class()\n"
            "for model_class in [RandomForestRegressor, ExtraTreesRegressor]:\n    model = model_class(random_state=0)",
        ), expect=((2, 2),)),
        # H2O frames draw with a seed made afresh for each call unless `seed=` is given.
        Example(cells=(
            "import h2o",
            "frame = h2o.H2OFrame({'rate': [0.1, 0.2, 0.3]})\ntrain, test = frame.split_frame([0.8])\nsample = frame[frame['rate'].runif() < 0.5]",
        ), expect=((2, 2), (2, 3))),
        # UMAP (umap-learn or cuML) and cuML's random forest without random_state: no NumPy seed
        # covers them; cuML's KMeans seeds itself (random_state=1 by default) and is not reported.
        Example(cells=(
            "import numpy as np\nimport umap\nimport cuml",
            "np.random.seed(0)\nemb = umap.UMAP(n_neighbors=15).fit_transform(X)\ngpu_emb = cuml.UMAP(n_components=3).fit_transform(X)\n"
            "km = cuml.KMeans(n_clusters=4).fit(X)\nseeded = cuml.UMAP(random_state=7).fit_transform(X)",
        ), expect=((2, 2), (2, 3))),
        # A Stable-Baselines3 algorithm without seed= (fair check 16); a seeded one, a loaded one
        # and a `*args` split are not reported / are (a starred argument carries no random_state).
        Example(cells=(
            "import torch\nfrom stable_baselines3 import A2C, PPO\nfrom sklearn.model_selection import train_test_split\ntorch.manual_seed(0)",
            "model = PPO('MlpPolicy', 'CartPole-v1', verbose=0)\nmodel.learn(1000)\nseeded = A2C('MlpPolicy', 'CartPole-v1', seed=1)\nseeded.learn(1000)\n"
            "loaded = PPO.load(path)\nparts = train_test_split(*arrays, test_size=0.2)",
        ), expect=((2, 1), (2, 6))),
        # albumentations' own random state (fair check 18): a pipeline of random transforms with no
        # `seed=`, and a random transform applied by itself with no `set_random_seed`; a seeded
        # pipeline, a deterministic one and a seeded transform are not reported.
        Example(cells=(
            "import albumentations as A\nfrom albumentations.pytorch import ToTensorV2",
            "train_tf = A.Compose([A.RandomCrop(64, 64), A.HorizontalFlip(), ToTensorV2()])\n"
            "val_tf = A.Compose([A.Resize(64, 64), A.Normalize(), ToTensorV2()])\n"
            "fixed_tf = A.Compose([A.RandomCrop(64, 64)], seed=137)",
            "aug = A.RandomRotate90(p=1)\nrotated = aug(image=image)\nflip = A.VerticalFlip(p=1)\nflipped = flip(image=image)\n"
            "grid = A.GridDistortion(p=1)\ngrid.set_random_seed(137)\nwarped = grid(image=image)",
        ), expect=((2, 1), (3, 2))),
        # The first reset of a Gymnasium environment without a seed (fair check 16); a seeded first
        # reset, and the resets after it, are not reported.
        Example(cells=(
            "import gymnasium as gym\nenv = gym.make('CartPole-v1')\nother = gym.make('CartPole-v1')",
            "obs, _ = env.reset()\nobs, _ = env.reset()\nstart, _ = other.reset(seed=3)\nagain, _ = other.reset()",
        ), expect=((2, 1),)),
        # An environment a Stable-Baselines algorithm learned on before is reset by its `learn` first
        # (fair check 45, item 152): the notebook's reset after it is not reported (the algorithm's
        # missing `seed=` is); one reset before the model learns still is.
        Example(cells=(
            "import gymnasium as gym\nfrom stable_baselines3 import PPO\nenv = gym.make('CartPole-v1')\n"
            "later = gym.make('CartPole-v1')",
            "model = PPO('MlpPolicy', env, seed=0)\nmodel.learn(total_timesteps=1000)\nobs, _ = env.reset()\n"
            "agent = PPO('MlpPolicy', later, seed=0)\nobs, _ = later.reset()\nagent.learn(1000)",
        ), expect=((2, 5),)),
        # A class called through a name bound only to it (fair check 17: `transform = TSNE`); a name
        # bound to two classes is not followed, and PCA's default solver is not reported.
        Example(cells=(
            "from sklearn.manifold import TSNE\nfrom sklearn.decomposition import PCA",
            "transform = TSNE\ntrans = transform(n_components=2)\nemb = trans.fit_transform(X)",
            "either = TSNE\neither = PCA\nflat = either(n_components=2).fit_transform(X)\nfixed = transform(n_components=2, random_state=0).fit_transform(X)",
        ), expect=((2, 2),)),
        # StellarGraph's sampler without `seed=` (fair check 17); seeded, or below `set_seed`, it repeats.
        Example(cells=(
            "import stellargraph as sg\nfrom stellargraph.data import UnsupervisedSampler",
            "sampler = UnsupervisedSampler(G, nodes=list(G.nodes()), length=5, number_of_walks=1)\nbatches = sampler.run(50)",
            "own = UnsupervisedSampler(G, nodes=list(G.nodes()), length=5, seed=1)\nmore = own.run(50)\n"
            "sg.random.set_seed(3)\nlater = UnsupervisedSampler(G, nodes=list(G.nodes()), length=5)\nrest = later.run(50)",
        ), expect=((2, 1),)),
        # A tree, or boosting without `subsample`, fitted on one column (`x[:, np.newaxis]`) is the same
        # model whatever the seed (fair check 19); with `subsample=0.5`, or on two columns, it is not.
        Example(cells=(
            "import numpy as np\nfrom sklearn.ensemble import GradientBoostingRegressor\nfrom sklearn.tree import DecisionTreeRegressor",
            "X = x[:, np.newaxis]\nest = GradientBoostingRegressor(n_estimators=100).fit(X, y)\nprint(est.score(X, y))\n"
            "tree = DecisionTreeRegressor(max_depth=3).fit(X, y)\nprint(tree.score(X, y))",
            "sub = GradientBoostingRegressor(subsample=0.5).fit(X, y)\nprint(sub.score(X, y))\n"
            "two = DecisionTreeRegressor().fit(np.c_[x, x ** 2], y)\nprint(two.score(np.c_[x, x ** 2], y))",
        ), expect=((3, 1), (3, 3))),
        # Repeated trials (fair check 33, items 107, 111, 113, 143): a loop in a def, a progress `print(i, end=' ')`,
        # a loop that prints each trial; a split and a forest in one loop are one finding (one seed covers both).
        Example(cells=(
            "import numpy as np\nfrom sklearn.model_selection import train_test_split\nfrom sklearn.ensemble import RandomForestRegressor",
            "def score(X, y, model, n=10):\n    scores = []\n    for i in range(n):\n"
            "        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)\n"
            "        model.fit(X_train, y_train)\n        scores.append(model.score(X_test, y_test))\n    return np.mean(scores)",
            "print(score(X, y, model))",
            "for i in range(5):\n    print(i, end=' ')\n    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)\n"
            "    rf = RandomForestRegressor(n_estimators=10)\n    rf.fit(X_train, y_train)\n    print(rf.score(X_test, y_test))",
        ), expect=((2, 4), (4, 3))),
        # Seeded only after its first fit; seeded by NumPy in the cell above (not its own).
        Example(cells=(
            "from sklearn.ensemble import RandomForestRegressor\nimport numpy as np\nnp.random.seed(3)",
            "forest = RandomForestRegressor(n_estimators=50)\nforest.fit(X, y)\nforest.random_state = 7\nprint(forest.score(X, y))",
        ), expect=((2, 1),)),
        # The unseeded learners of one list given to one model: one finding, the others related;
        # a config literal with `'workers': 4` threads.
        Example(cells=(
            "from gensim.models import Word2Vec\nfrom sklearn.ensemble import VotingRegressor, RandomForestRegressor, GradientBoostingRegressor\nCONFIG = {'workers': 4}",
            "vote = VotingRegressor([\n    ('rf', RandomForestRegressor()),\n    ('gb', GradientBoostingRegressor(n_estimators=50)),\n    ('rf2', RandomForestRegressor(n_estimators=20)),\n])\nvote.fit(X, y)\nprint(vote.score(X, y))",
            "model = Word2Vec(sentences, workers=CONFIG['workers'], seed=7)",
        ), expect=((2, 2), (3, 1))),
        # tslearn's k-means of time series picks its initial centroids without `random_state` (fair
        # check 24: its clusters label the fields of a map).
        Example(cells=(
            "from tslearn.clustering import TimeSeriesKMeans\nfrom tslearn.preprocessing import TimeSeriesScalerMeanVariance",
            "series = TimeSeriesScalerMeanVariance().fit_transform(pivot_df.T.values)\n"
            "model = TimeSeriesKMeans(n_clusters=6, metric='euclidean', max_iter=100, n_init=5)\n"
            "labels = model.fit_predict(series)\nfixed = TimeSeriesKMeans(n_clusters=6, random_state=0).fit_predict(series)",
        ), expect=((2, 2),)),
        # LightFM draws its embeddings from a fresh RandomState without `random_state` (fair check 20).
        Example(cells=(
            "from lightfm import LightFM",
            "model = LightFM(no_components=30, loss='warp')\nseeded = LightFM(no_components=30, loss='warp', random_state=7)",
        ), expect=((2, 1),)),
        # A seed constant defined beside the call and passed nowhere (fair check 21): the message and
        # the fix name it.
        Example(cells=(
            "from sklearn.datasets import make_blobs",
            "blobs_random_seed = 42\nX, y = make_blobs(n_samples=200, centers=[(0, 0), (5, 5)])\nprint(X[:3])",
        ), expect=((2, 2),)),
        # gym before 0.26 (`step` gives four values; fair check 21): its `reset()` takes no seed, the
        # message asks for `env.seed(n)`.
        Example(cells=(
            "import gym\nenv = gym.make('FrozenLake-v0')",
            "state = env.reset()\nfor _ in range(10):\n    state, reward, done, info = env.step(1)\n    if done:\n        break",
        ), expect=((2, 1),)),
        # ... also when only an agent's own environment unpacks four values (fair check 24) ...
        Example(cells=(
            "import gym\nenv = gym.make('CartPole-v0')",
            "class Agent:\n    def __init__(self, env):\n        self.env = env\n\n    def act(self, action):\n"
            "        state, reward, done, info = self.env.step(action)\n        return state, reward, done",
            "env.reset()\nagent = Agent(env)\nfor _ in range(200):\n    if agent.act(env.action_space.sample())[2]:\n        break",
        ), expect=((3, 1),)),
        # ... or when the kernel that saved it is older than Python 3.6, where no gym of the new API
        # installs (fair check 24: a 2018 notebook of a Python 3.5 conda environment).
        Example(cells=(
            "import gym\nenv = gym.make('CartPole-v0')",
            "env.reset()\nfor _ in range(1000):\n    env.render()\n    env.step(env.action_space.sample())",
        ), expect=((2, 1),), language_version="3.5.4"),
        # dask-ml's counterparts of scikit-learn's generators, splits and estimators (fair check 26);
        # `shuffle=False` and a given `random_state` are reproducible.
        Example(cells=(
            "import dask_ml.datasets\nfrom dask_ml.model_selection import train_test_split\nfrom dask_ml.cluster import KMeans",
            "X, y = dask_ml.datasets.make_classification(n_samples=10_000, chunks=1_000)\n"
            "X_train, X_test, y_train, y_test = train_test_split(X, y)\n"
            "a, b = train_test_split(X, shuffle=False)\nkm = KMeans(n_clusters=3, random_state=0).fit(X_train)\nprint(km.inertia_)",
        ), expect=((2, 1), (2, 2))),
        # An unseeded estimator a cell below fits, or a function reads, stays, and so does one fitted
        # where it is built (fair check 27: only one no statement reads is left out).
        Example(cells=(
            "from sklearn.linear_model import SGDClassifier",
            "svm = SGDClassifier(loss='hinge')\nclf = SGDClassifier(loss='log_loss')\nfitted = SGDClassifier().fit(X, y)",
            "def score():\n    return clf.fit(X, y).score(X, y)",
            "svm.fit(X, y)\nprint(svm.score(X, y), score())",
        ), expect=((2, 1), (2, 2), (2, 3))),
        # Cluster labels scored against the truth: a number computed from them (fair check 27).
        Example(cells=(
            "import matplotlib.pyplot as plt\nfrom sklearn.cluster import KMeans\nfrom sklearn.metrics import accuracy_score",
            "est = KMeans(10)\nlabels = est.fit_predict(X)\nplt.scatter(X[:, 0], X[:, 1], c=labels)\nprint(accuracy_score(y, labels))",
        ), expect=((2, 1),)),
        # The estimator fitted under `%%time` is scored in a later cell: a result computed from the draw.
        Example(cells=(
            "import sklearn.datasets\nfrom sklearn.linear_model import LogisticRegression",
            "X, y = sklearn.datasets.make_classification(n_samples=1_000, n_features=20)",
            "clf = LogisticRegression()",
            "%%time\nclf.fit(X, y)",
            "print(clf.score(X, y))",
        ), expect=((2, 1),)),
        # Every reset is inside a function the environment is handed to: the first call's reset is the
        # environment's first, unseeded (fair check 25, T-3.1); reported in the function, the call related.
        Example(cells=(
            "import gym\nenv = gym.make('Blackjack-v1')",
            "def evaluate(env, episodes=100):\n    total = 0\n    for _ in range(episodes):\n        observation, _ = env.reset()\n"
            "        terminated = truncated = False\n        while not (terminated or truncated):\n"
            "            observation, reward, terminated, truncated, _ = env.step(0)\n        total += reward\n    return total",
            "print(evaluate(env))",
        ), expect=((2, 4),)),
        # turicreate (fair check 30, item T-6.4): `random_split` without a seed, and a toolkit's
        # `create` that holds out a random validation set of its own.
        Example(cells=(
            "import turicreate as tc\nsf = tc.SFrame({'x': list(range(200)), 'y': [0, 1] * 100})",
            "train, test = sf.random_split(0.8)\nmodel = tc.logistic_classifier.create(train, target='y')\nprint(model.evaluate(test))",
        ), expect=((2, 1), (2, 2))),
        # Models timed under `%%time` whose scores the notebook's own function prints: the scores
        # change run to run (fair check 34, recall T-1.12/T-1.13); `%%time` does not throw them away.
        Example(cells=(
            "from sklearn.tree import DecisionTreeRegressor\nfrom sklearn.ensemble import RandomForestRegressor\n"
            "from sklearn.model_selection import cross_val_score\n"
            "def get_cv_scores(model, X, y):\n    scores = cross_val_score(model, X, y, cv=5)\n    print(scores.mean())",
            "%%time\ndt = DecisionTreeRegressor()\nget_cv_scores(dt, X, y_train);",
            "rf = RandomForestRegressor()",
            "%%time\nget_cv_scores(rf, X, y_train);",
        ), expect=((2, 2), (3, 1))),
        # PyMC 4+'s `pm.sample()` seeds its chains from an unseeded default_rng without `random_seed`,
        # whatever `np.random.seed` came before (fair check 35, item 136: PyMC3's reads NumPy's state).
        Example(cells=(
            "import numpy as np\nimport pymc as pm\nnp.random.seed(0)",
            "with pm.Model() as model:\n    mu = pm.Normal('mu', 0, 1)\n    idata = pm.sample(1000)\n"
            "    fixed = pm.sample(1000, random_seed=3)\nprint(idata.posterior['mu'].mean())",
        ), expect=((2, 3),)),
        # Fair check 41, recall T-2.2: an agentpy model drawing from its own generator, built from
        # parameters with no 'seed': reported at the dict, where the seed goes.
        Example(cells=(
            "import agentpy as ap\n\nclass Fire(ap.Model):\n    def setup(self):\n"
            "        self.agents = ap.AgentList(self, 10)\n        self.grid = ap.Grid(self, [self.p.size] * 2)\n"
            "        self.grid.add_agents(self.agents, random=True)\n        self.agents.random(2).burning = True",
            "parameters = {\n    'size': 50,\n    'steps': 100,\n}",
            "model = Fire(parameters)\nresults = model.run()",
        ), expect=((2, 1),)),
        # Fair check 44, T-5.7: a seeded study stopped by a wall-clock budget, made and run in a
        # function; how many of its trials finish depends on the machine. One finding, the other search related.
        Example(cells=(
            "import optuna\nSEED = 7\nBUDGET_SEC = 50 * 60",
            "def tune(objective):\n    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=SEED))\n"
            "    study.optimize(objective, n_trials=24, timeout=BUDGET_SEC)\n    return study.best_params",
            "best = tune(score)\nsmall = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=SEED))\n"
            "small.optimize(score, timeout=300)",
        ), expect=((2, 3),)),
        # … while a pipeline applied to a real image whose pixels are shown draws what the notebook shows
        # (unlike fair check 45, item 151).
        Example(cells=(
            "import albumentations as A\nimport numpy as np\nimport matplotlib.pyplot as plt",
            "image = np.zeros((128, 128, 3), dtype=np.uint8)\ntransform = A.Compose([A.HorizontalFlip(p=0.5), A.Rotate(limit=30, p=0.5)])\n"
            "augmented = transform(image=image)\nprint(augmented['image'].shape)\nplt.imshow(augmented['image'])",
        ), expect=((2, 2),)),
        # … while the whole probability matrix given to a multiclass AUC (pairwise coupling need not
        # keep the order) or one column printed itself changes with the calibration's seed (unlike
        # fair check 32, item 139).
        Example(cells=(
            "from sklearn.svm import SVC\nfrom sklearn.metrics import roc_auc_score",
            "svc = SVC(probability=True)\nsvc.fit(X_train, y_train)\nprobs = svc.predict_proba(X_test)\n"
            "print(roc_auc_score(y_test, probs, multi_class='ovr'))",
            "svm = SVC(probability=True)\nsvm.fit(X_train, y_train)\np1 = svm.predict_proba(X_test)[:, 1]\n"
            "print(roc_auc_score(y_test, p1))\nprint(p1[:5])",
        ), expect=((2, 1), (3, 1))),
        # … while a tree given by a name that is bound in a branch, or deepened after its binding,
        # may not be the shallow one (unlike fair check 32, item 136).
        Example(cells=(
            "from sklearn.tree import DecisionTreeClassifier\nfrom sklearn.ensemble import AdaBoostClassifier",
            "base = DecisionTreeClassifier(max_depth=9)\nif shallow:\n    base = DecisionTreeClassifier(max_depth=2)\n"
            "boost = AdaBoostClassifier(base)\nboost.fit(X, y)\nprint(boost.score(X, y))",
            "stump = DecisionTreeClassifier(max_depth=1)\nstump.max_depth = 12\nada = AdaBoostClassifier(stump)\nada.fit(X, y)\n"
            "print(ada.score(X, y))",
        ), expect=((2, 4), (3, 3))),
        # Fair check 42, item 149 (rnd002-split-of-unseeded-synthetic-data): the data come from a
        # notebook def returning an unseeded generator's result (random_state=None), made into a
        # frame by another def, whose columns are split: folded into the generator's finding.
        Example(cells=(
            "import pandas as pd\nfrom sklearn import datasets\nfrom sklearn.model_selection import train_test_split",
            "def make_dataset(num_samples, noise):\n    data = datasets.make_moons(n_samples=num_samples, noise=noise, random_state=None)\n"
            "    return data",
            "data = make_dataset(1500, 0.18)",
            "def create_dataframe(data):\n    data = {'x_1': data[0][:, 0], 'x_2': data[0][:, 1], 'output': data[1]}\n"
            "    return pd.DataFrame(data=data)",
            "frame = create_dataframe(data)",
            "X_train, X_test, y_train, y_test = train_test_split(frame[['x_1', 'x_2']], frame['output'], test_size=0.25)",
        ), expect=((2, 2),)),
        # … while a tree on `self` that a method or the notebook reads (its predictions, or the whole
        # object pickled) is a model in use (unlike fair check 39, item 116).
        Example(cells=(
            "import pickle\nfrom sklearn.tree import DecisionTreeRegressor",
            "class Rules:\n    def fit(self, X, y):\n        self.tree = DecisionTreeRegressor()\n        self.tree.fit(X, y)\n\n"
            "    def predict(self, X):\n        return self.tree.predict(X)\n\nr = Rules()\nr.fit(X, y)\nprint(r.predict(X))",
            "class Kept:\n    def fit(self, X, y):\n        self.model = DecisionTreeRegressor()\n        self.model.fit(X, y)\n\n"
            "k = Kept()\nk.fit(X, y)\npickle.dump(k, open('kept.pkl', 'wb'))",
        ), expect=((2, 3), (3, 3))),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        catalog = ctx.catalog.derived("randomness", RandomnessCatalog.from_catalog)
        star_modules = tuple(imp.module for _, imp in ctx.facts.imports if imp.bound == "*" and imp.module)
        imported_tops = {imp.top_level for _, imp in ctx.facts.imports}
        method_specs = tuple(
            spec for spec in catalog.random_state
            if spec.methods and (not spec.requires_import or spec.requires_import in imported_tops)
        )
        local = frozenset(d.name for ca in ctx.cells for d in ca.facts.defined)
        numpy_seeds = sorted(
            (seed for seed in _placed_seeds(ctx, _facts(ctx)[1]) if "numpy" in seed.libraries),
            key=lambda seed: (seed.ca.cell.index, seed.call.line),
        )
        aliases = _class_aliases(ctx)
        unrun = unrun_lines(ctx.facts)
        unnamed = _facts(ctx)[1].unnamed
        found: list[Hit] = []
        for ca in ctx.cells:
            dead = unrun.get(ca.cell.index, frozenset())  # `if 0 == 1:` bodies, a switched-off branch: never run
            # Bagging and AdaBoost with a random_state seed the estimators they are given.
            ensembles = [
                c for c in ca.facts.calls
                if _resolve(ctx.facts, c, star_modules, local, cell_index=ca.cell.index).rsplit(".", 1)[-1].startswith(_SEEDS_ITS_ESTIMATORS)
                and _keyword_given(c, ("random_state",)) is not None
            ]
            reported: list[tuple[CallFact, str, Hit]] = []
            in_loop: dict[int, int] = {}  # id of a repetition loop → the index of its first finding in `reported`
            for call in ca.facts.calls:
                if call.line in dead or (call.in_function and call.owner in unnamed):
                    continue  # (a def nothing calls or names runs nothing: fair check 33, item 133)
                qualified = _resolve(ctx.facts, call, star_modules, local, cell_index=ca.cell.index)
                alias = ""
                if not qualified and call.func in aliases:
                    # `transform = TSNE`, then `trans = transform(n_components=2)`: the class under another name.
                    alias, qualified = call.func, aliases[call.func]
                spec = _first_match(qualified, catalog.random_state) if qualified else None
                on_object = False
                if spec is None and method_specs and _is_attribute_call(call) and not qualified:
                    # `frame.split_frame([0.8])`, `df["x"].runif()`: a method of an object the notebook made.
                    spec = next((m for m in method_specs if call.method in m.methods), None)
                    on_object = spec is not None
                    qualified = call.method if on_object else qualified
                if spec is None or _has_double_star(call):
                    continue
                if ensembles and _given_to_a_seeded_ensemble(ca, call, ensembles):
                    continue
                if spec.when_keyword and _keyword_value(call, spec.when_keyword) not in spec.when_values:
                    continue
                if spec.unless_keyword and _keyword_value(call, spec.unless_keyword) in spec.unless_values:
                    continue
                if _keyword_given(call, spec.keywords) is not None:
                    continue
                if spec.seed_position is not None:
                    given = call.arg(spec.seed_position)
                    if given is not None and given.keyword is None and given.constant != "None":
                        continue  # `sf.random_split(0.8, 42)`
                if spec.unless_called and _called_above(ctx, spec.unless_called, ca, call.line, star_modules, local):
                    continue
                if not call.in_function and _seeded_after_construction(ca, call, spec.keywords):
                    continue
                if not on_object and _model_never_read(ca, call, qualified, ctx.facts.cells, fitted=True):
                    continue
                if not on_object and _estimator_never_used(ctx.facts, ca, call, qualified):
                    continue  # never fitted nor read: nothing draws (fair check 27)
                if not on_object and _attribute_model_only_fitted(ctx, ca, call, qualified):
                    continue  # `self.tree = …` only fitted, never read (fair check 39, item 116)
                if not on_object and _only_parameters_read(ca, call, qualified):
                    continue  # only its parameters read, a defaults table: nothing draws (fair check 40, item 150)
                if spec.when_keyword == "probability" and _platt_probabilities_only_shaded(ctx.facts, ca, call):
                    continue  # its probabilities only colour a plot's background (fair check 46, item 151)
                if spec.when_keyword == "probability" and _platt_never_read(ctx.facts, ca, call):
                    continue  # only predict and the fit's attributes read: no calibration (fair check 51, item 149)
                if _search_samples_whole_grid(ca, call, qualified):
                    continue  # n_iter covers the whole grid: every candidate evaluated (fair check 51, item 148)
                if _tree_on_one_feature(ctx, ca, call, qualified) or _shallow_best_split_tree(ctx, ca, call, qualified):
                    continue
                if _boosted_shallow_trees(ctx, ca, call, qualified):
                    continue
                if _layout_only_shown(ctx.facts, ca, call, qualified):
                    continue
                if not call.in_function and _timing_only(ctx.facts, (Draw(ca, call, "", call.func, qualified),)):
                    # `X, y = make_classification(…)` read only by `%time clf.fit(X, y)` and a `%%time`
                    # cell: only the timings depend on the draw (fair check 26, rnd002-data-only-feeds-timing).
                    continue
                if _split_of_unseeded_draws(ctx, ca, call, qualified):
                    continue  # its data are RND001's unseeded NumPy draws: that seed is the fix (`_split_of_unseeded_draws`)
                if _split_only_shown(ctx, ca, call, qualified):
                    continue  # its parts only pick what a figure or a print shows (fair check 51, item 158)
                if _fitted_on_unseeded_draws(ctx, ca, call, qualified):
                    continue  # fitted only on RND001's unseeded NumPy draws: that seed is the fix for both
                if qualified.startswith("sklearn.") and call.in_function and call.owner in _trial_functions(ctx):
                    continue  # one trial of a repeated experiment: RND001's NumPy seed covers it (related there)
                if not call.in_function and _repeated_to_compare(ctx, ca, call):
                    continue  # the lesson builds it twice and asks whether the scores match (fair check 47, item 151)
                # StellarGraph's default state is NumPy's (and Python's) global one, as scikit-learn's is.
                sklearn = qualified.startswith(("sklearn.", "stellargraph."))
                if sklearn and seeded_in_own_cell(numpy_seeds, ca, call.line, call.in_function):
                    # `np.random.seed(1)` a few lines above, at the top level of the same cell: every
                    # run of the cell repeats the draw, and a migrated step keeps the cell whole
                    # (fair check 17: 7 such info findings, judged noise).
                    continue
                short = qualified.rsplit(".", 1)[-1]
                if short == "create":
                    short = ".".join(qualified.split(".")[-2:])  # `logistic_classifier.create`
                explicit_none = any(a.keyword in spec.keywords and a.constant == "None" for a in call.args)
                how = f"{spec.keywords[0]}=None" if explicit_none else f"no {spec.keywords[0]}"
                how += spec.reason
                changes = _how_it_changes(numpy_seeds, ca, call.line, sklearn, in_function=call.in_function,
                                          ties_only=_best_split_tree(call, qualified) or _best_split_boosting(call, qualified),
                                          boosting=_best_split_boosting(call, qualified))
                called = f"`{alias}(...)` (the class `{short}` under another name)" if alias else f"`{short}(...)`"
                fix = spec.fix or f"Pass {spec.keywords[0]}=SEED (a constant defined once at the top)"
                parallel = _parallel_trials(ctx, ca, call) if qualified == "optuna.create_study" else None
                if parallel is not None:
                    # `study.optimize(objective, n_jobs=6)`: trials run in threads, each asking the
                    # sampler when it starts, so which parameters each trial gets depends on the
                    # threads' timing, seed or not (fair check 52, item 155's message).
                    where, jobs = parallel
                    changes += (f"; `{where}` runs its trials in parallel threads (`n_jobs={jobs}`), so even a seeded "
                                "sampler suggests them in another order on every run")
                    fix += f", and run the trials one at a time (`n_jobs=1` instead of `n_jobs={jobs}`)"
                unused = _unused_seed_constant(ctx, ca) if not explicit_none and not spec.fix else None
                if unused is not None:
                    # `blobs_random_seed = 42` beside the call and read nowhere (fair check 21): the
                    # author meant to seed it; the fix is that name.
                    changes += f"; `{unused}` is defined in this cell but never passed"
                    fix = f"Pass {spec.keywords[0]}={unused}"
                repeated = _repetition_loop(ca, call) if sklearn and not explicit_none and not spec.fix else None
                if repeated is not None and _seeded_before(numpy_seeds, ca, repeated.lineno):
                    # Repeated trials below a NumPy seed: the seed once above the loop, the fix for
                    # repetitions, is there, and a top-to-bottom run repeats (fair check 38, item 143).
                    continue
                trials = (_refitted_as_trials(ctx, ca, call)
                          if sklearn and not explicit_none and not spec.fix and not call.in_function and repeated is None else [])
                if trials and _seeded_before(numpy_seeds, ca, call.line):
                    continue  # (the same, for a model handed to the notebook's function that refits it in such a loop)
                if trials:
                    # Unseeded: the fix is still the seed once, not a constant that makes the trials alike.
                    refits = " and ".join(f"`{name}`" for name in trials)
                    changes += (f"; {refits} refits it as repeated trials and collects each one's result, so a constant "
                                f"{spec.keywords[0]} would give every trial the same draws")
                    fix = (f"Seed NumPy once at the top, above the call of {refits} (np.random.seed(SEED)), or pass "
                           f"{spec.keywords[0]}=SEED + the trial's number inside it")
                if repeated is not None:
                    # `for _ in range(10): … shuffle(X, y) … scores_list.append(…)`: the loop repeats a
                    # trial to show its spread (fair check 32, item 137, ISLR Fig. 5.4's ten CV curves);
                    # a constant random_state would make every repetition the same.
                    changes += (
                        f"; the loop of line {repeated.lineno} repeats it and collects each repetition's result, "
                        f"so a constant {spec.keywords[0]} would make the repetitions identical"
                    )
                    fix = (
                        f"Seed NumPy once above the loop of line {repeated.lineno} (np.random.seed(SEED)), or pass "
                        f"{spec.keywords[0]}=SEED + the repetition's number"
                    )
                if repeated is not None and id(repeated) in in_loop:
                    # A second unseeded call in the same repetition loop (a split, then a forest): the one
                    # NumPy seed above the loop covers both, so one finding, this call related (fair check
                    # 33, item 143).
                    first = in_loop[id(repeated)]
                    c0, q0, h0 = reported[first]
                    reported[first] = (c0, q0, replace(
                        h0, message=h0.message + f"; the loop's {called} (line {call.line}) has no {spec.keywords[0]} either, "
                        "and the same seed covers it",
                        related=(*h0.related, (ca.cell, call.line, call.column)),
                    ))
                    continue
                if repeated is not None:
                    in_loop[id(repeated)] = len(reported)
                reported.append((call, qualified, Hit(
                    ca.cell, call.line, call.column,
                    f"{called} is called with {how}: {changes}",
                    end_line=call.end_line,
                    fix=fix,
                    key=qualified,
                )))
            found.extend(_fold_named_comparisons(ca, list(_fold_mappings_of_estimators(ca, list(_fold_lists_of_estimators(ca, list(_fold_into_unseeded_ensembles(ca, reported))))))))
            found.extend(_classes_built_in_a_loop(ctx, ca, catalog, numpy_seeds))
        yield from _fold_splits_into_generators(ctx, found)
        yield from _threaded_training(ctx, catalog, star_modules, local)
        yield from _time_budgets(ctx, catalog)
        if imported_tops & {"gym", "gymnasium"}:
            yield from _unseeded_env_resets(ctx)
        if "albumentations" in imported_tops:
            yield from _unseeded_augmentations(ctx)
        if "agentpy" in imported_tops:
            yield from _unseeded_agentpy_models(ctx)


# scikit-learn trees whose only randomness is the order in which they try the features (fair check
# 19: with `max_features=None` every feature is tried at every split, and random order only breaks
# ties between features; with one feature there is nothing to order, and 8 seeds give the same
# model). Gradient boosting also subsamples rows when `subsample` < 1 and holds out a random
# validation set with `n_iter_no_change`: either keeps it random.
_ONE_FEATURE_DETERMINISTIC = frozenset({
    "DecisionTreeRegressor", "DecisionTreeClassifier", "GradientBoostingRegressor", "GradientBoostingClassifier",
})
_TREE_RANDOM_OPTIONS = frozenset({"subsample", "max_features", "n_iter_no_change"})


def _one_column(ctx: RuleContext, node: ast.expr, before: tuple[int, int], depth: int = 0) -> bool:
    """Is `node` provably a one-column 2-D array: `x[:, np.newaxis]`/`x[mask, None]` (sklearn
    refuses the 3-D array these make of a 2-D `x`), `x[:, [j]]` (a one-element column list after a
    row slice), `….reshape(-1, 1)`, `np.atleast_2d(np.arange(…)).T`,
    a one-column frame selection `df[["col"]]`, or a name whose last module-level binding before
    `before` (cell index, line) is one of these, directly or as an element of a tuple the
    notebook's own function returns (`X_train, X_test, y_train, y_test = make_data(200)`)."""
    if depth > 4:
        return False
    if isinstance(node, ast.Subscript):
        index = node.slice
        if isinstance(index, ast.Tuple) and len(index.elts) == 2:
            rows, new_axis = index.elts
            if isinstance(rows, ast.Slice) and isinstance(new_axis, ast.List) and len(new_axis.elts) == 1 and not isinstance(
                    new_axis.elts[0], ast.Starred):
                return True  # `x[:, [j]]`, `df.iloc[:, [j]]`: the rows, one column (fair check 38, items 138, 146)
            return (isinstance(new_axis, ast.Constant) and new_axis.value is None) or (
                isinstance(new_axis, ast.Attribute) and new_axis.attr == "newaxis"
                and ctx.facts.resolve(dotted_name(new_axis)) == "numpy.newaxis")
        return (isinstance(index, ast.List) and len(index.elts) == 1 and isinstance(index.elts[0], ast.Constant)
                and isinstance(index.elts[0].value, str))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "reshape" and not node.keywords:
        shape = node.args[0] if len(node.args) == 1 and isinstance(node.args[0], ast.Tuple) else node.args
        shape = shape.elts if isinstance(shape, ast.Tuple) else shape
        try:
            # (`reshape(n, 1)`, `reshape(len(x), 1)`: whatever the rows, one column; fair check 33, item 123)
            return len(shape) == 2 and ast.literal_eval(shape[1]) == 1
        except (ValueError, TypeError, SyntaxError, RecursionError):  # `reshape(-n, k)`: not literals
            return False
    if isinstance(node, ast.Attribute) and node.attr == "values":
        return _one_column(ctx, node.value, before, depth + 1)  # `df[["col"]].values` (fair check 33, item 144)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "to_numpy"
            and not node.args and not node.keywords):
        return _one_column(ctx, node.func.value, before, depth + 1)
    if (isinstance(node, ast.Attribute) and node.attr == "T" and isinstance(node.value, ast.Call)
            and ctx.facts.resolve(dotted_name(node.value.func)) == "numpy.atleast_2d" and len(node.value.args) == 1
            and isinstance(node.value.args[0], ast.Call)
            and ctx.facts.resolve(dotted_name(node.value.args[0].func)) in ("numpy.arange", "numpy.linspace")):
        return True  # the transpose of a 1-D range made a row: one column
    if isinstance(node, ast.Name):
        binding = _last_binding(ctx, node.id, before)
        if binding is None:
            return False
        (cell, line), value = binding
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            return False
        return _one_column(ctx, value, (cell, line), depth + 1)
    return False


def _last_binding(ctx: RuleContext, name: str, before: tuple[int, int]) -> tuple[tuple[int, int], ast.expr] | None:
    """The value the last module-level binding of `name` before `before` gives it, when that
    binding is a plain top-level assignment (`X = …`, or an element of `a, X = …` whose right side
    is a tuple or a call of the notebook's own function returning a tuple); None otherwise."""
    last: tuple[tuple[int, int], ast.stmt | None] | None = None
    for ca in ctx.cells:
        if ca.cell.index > before[0]:
            break
        tree = _parsed(ca)
        if tree is None:
            if ca.cell.index < before[0] and re.search(rf"\b{re.escape(name)}\b", ca.cell.source):
                last = ((ca.cell.index, 0), None)  # a cell that does not parse may bind it
            continue
        for st in tree.body:  # (a binding inside an `if` or a loop is the compound statement's: not followed)
            if ca.cell.index == before[0] and st.lineno >= before[1]:
                break
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stores = st.name == name
            else:
                stores = any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in ast.walk(st))
            if stores:
                last = ((ca.cell.index, st.lineno), st)
    if last is None or last[1] is None or not isinstance(last[1], ast.Assign) or len(last[1].targets) != 1:
        return None
    where, statement = last
    target, value = statement.targets[0], statement.value
    if isinstance(target, ast.Name):
        return where, value
    if not (isinstance(target, ast.Tuple) and all(isinstance(t, ast.Name) for t in target.elts)):
        return None
    position = next((i for i, t in enumerate(target.elts) if t.id == name), None)
    if position is None:
        return None  # bound inside the right side (`a, b = (X := …)`)
    if isinstance(value, ast.Tuple) and len(value.elts) == len(target.elts):
        return where, value.elts[position]
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        returned = _returned_element(ctx, value.func.id, position, len(target.elts))
        return (where, returned) if returned is not None else None
    return None


def _returned_element(ctx: RuleContext, function: str, position: int, size: int) -> ast.expr | None:
    """The expression the notebook's module-level `function` binds to the name it returns at
    `position` of its only `return a, b, …` (the function's one plain assignment of that name)."""
    defs = [st for ca in ctx.cells for st in (_parsed(ca) or ast.Module([], [])).body
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)) and st.name == function]
    if len(defs) != 1:
        return None
    returns = [n for n in ast.walk(defs[0]) if isinstance(n, ast.Return)]
    if len(returns) != 1 or not isinstance(returns[0].value, ast.Tuple) or len(returns[0].value.elts) != size:
        return None
    local = returns[0].value.elts[position]
    if not isinstance(local, ast.Name):
        return None
    values = []
    for n in ast.walk(defs[0]):
        if isinstance(n, ast.Assign) and len(n.targets) == 1:
            target = n.targets[0]
            if isinstance(target, ast.Name) and target.id == local.id:
                values.append(n.value)
                continue
            if (isinstance(target, ast.Tuple) and isinstance(n.value, ast.Tuple) and len(target.elts) == len(n.value.elts)
                    and all(isinstance(t, ast.Name) for t in target.elts)):
                values.extend(v for t, v in zip(target.elts, n.value.elts) if t.id == local.id)
                continue
        if isinstance(n, ast.Name) and n.id == local.id and isinstance(n.ctx, ast.Store) and not any(
                isinstance(a, ast.Assign) and n in ast.walk(a) for a in ast.walk(defs[0])):
            return None  # bound some other way (a loop, an augmented assignment)
    return values[0] if len(values) == 1 else None


def _tree_on_one_feature(ctx: RuleContext, ca: CellAnalysis, call: CallFact, qualified: str) -> bool:
    """A scikit-learn decision tree, or gradient boosting without `subsample`/`n_iter_no_change`,
    with no `max_features`, built at the top level of a cell and fitted there only on a provably
    one-column X (see `_one_column`): its model is the same whatever the seed (fair check 19,
    fonnesbeck's boosting lecture: 8 such W findings). Its cell must name none of those options
    anywhere else (`est.set_params(**params)` over `{'subsample': 0.5}`), and every `**mapping` in
    it must be bound in the cell."""
    if not qualified.startswith("sklearn.") or qualified.rsplit(".", 1)[-1] not in _ONE_FEATURE_DETERMINISTIC:
        return False
    if any(a.position is not None or a.keyword in _TREE_RANDOM_OPTIONS for a in call.args):
        return False
    tree = _parsed(ca)
    if tree is None:
        return False
    function = _enclosing_function(tree, call.line) if call.in_function else None
    if call.in_function and function is None:
        return False
    node = _call_node(ca, tree, call)  # (columns in characters: `("DT - α = 10e-6", DecisionTreeRegressor())`)
    if node is None or dotted_name(node.func) != call.func:
        return False
    bound_here = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    for n in ast.walk(tree):
        if isinstance(n, ast.Constant) and n.value in _TREE_RANDOM_OPTIONS:
            return False
        if isinstance(n, ast.keyword) and (n.arg in _TREE_RANDOM_OPTIONS or (
                n.arg is None and not (isinstance(n.value, ast.Name) and n.value.id in bound_here))):
            return False
    parents = _parent_map(tree)
    # What stands for the model: the call itself, the name it is bound to, a search wrapping it.
    holders: list[ast.AST] = [node]
    names: set[str] = set()
    parent = parents.get(node)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        names.add(parent.targets[0].id)
    fits: list[ast.Call] = []
    for n in ast.walk(tree):
        if not isinstance(n, ast.Call):
            continue
        wraps = any(a is node or (isinstance(a, ast.Name) and a.id in names) for a in n.args)
        if wraps and isinstance(parents.get(n), ast.Assign) and isinstance(parents[n].targets[0], ast.Name):
            names.add(parents[n].targets[0].id)
        if wraps:
            holders.append(n)
    for n in ast.walk(tree):
        if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "fit"
                and (any(n.func.value is h for h in holders) or (isinstance(n.func.value, ast.Name) and n.func.value.id in names))):
            fits.append(n)
    if function is not None:
        return bool(fits) and all(f.args and _local_one_column(ctx, function, f.args[0], (ca.cell.index, f.lineno)) for f in fits)
    if bool(fits) and all(f.args and _one_column(ctx, f.args[0], (ca.cell.index, f.lineno)) for f in fits):
        return True
    return not fits and _handed_only_to(ctx, ca, tree, node, parents, lambda function, parameter, given, before: (
        _fits_only_one_column(ctx, function, parameter, given, before)))


def _handed_only_to(ctx: RuleContext, ca: CellAnalysis, tree: ast.Module, node: ast.Call, parents: dict[ast.AST, ast.AST],
                    accepts: Callable[[ast.FunctionDef | ast.AsyncFunctionDef, str, Any, tuple[int, int]], bool]) -> bool:
    """The model `node`, built at the top level of its cell, by itself or as an element of list and
    tuple literals (`estimators = [("DT", DecisionTreeRegressor()), …]`), bound to one name or
    given directly, reaches nothing but calls of the notebook's own module-level functions, each of
    which `accepts` (function, parameter, the literal's shape, the call's position): one that fits
    whatever it is given only on one column (`_fits_only_one_column`: fair check 38, items 138, 146,
    `plot_simulation(estimators)`, whose loop runs `estimator.fit(X_train[i].reshape(-1, 1),
    y_train[i])`), or refits it as repeated trials (`_refits_in_repetitions`). The name must be bound once in the
    cell, every read of it there be such a call's argument, and the cells below not read it
    before binding it anew (a function reading the global, or a magic naming it, counts as a read)."""
    top: ast.AST = node
    while isinstance(parents.get(top), (ast.Tuple, ast.List)):
        top = parents[top]
    holder = parents.get(top)
    handoffs: list[tuple[ast.Call, ast.AST]] = []
    name: str | None = None
    if isinstance(holder, ast.Assign) and holder in tree.body and len(holder.targets) == 1 and isinstance(holder.targets[0], ast.Name):
        name = holder.targets[0].id
        stores = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)]
        if len(stores) != 1:
            return False
        for n in ast.walk(tree):
            if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load):
                call = parents.get(n)
                if not (isinstance(call, ast.Call) and n in call.args and n.lineno > holder.lineno):
                    return False
                handoffs.append((call, n))
    elif isinstance(holder, ast.Call) and top in holder.args:
        handoffs.append((holder, top))
    if not handoffs:
        return False
    for call, argument in handoffs:
        if not isinstance(call.func, ast.Name) or any(isinstance(a, ast.Starred) for a in call.args) or any(
                k.arg is None for k in call.keywords):
            return False
        defs = [st for other in ctx.cells for st in (_parsed(other) or ast.Module([], [])).body
                if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)) and st.name == call.func.id]
        parameters = _parameters(defs[0]) if len(defs) == 1 else []
        position = call.args.index(argument)
        if position >= len(parameters) or not accepts(defs[0], parameters[position], _literal_shape(top, node), (ca.cell.index, call.lineno)):
            return False
    if name is None:
        return True
    word = re.compile(rf"\b{re.escape(name)}\b")
    if any(ref.name == name for other in ctx.cells for ref in other.facts.deferred_reads):
        return False  # a function reads the global: it may run later
    for other in ctx.cells:
        if other.cell.index <= ca.cell.index or not word.search(other.cell.source):
            continue
        if any(word.search(m.args) for m in other.magics):
            return False
        below = _parsed(other)
        first = next((st for st in (below.body if below else []) if any(
            isinstance(n, ast.Name) and n.id == name for n in walk_nodes(st))), None)
        if below is None or first is None:
            return False
        if not (isinstance(first, ast.Assign) and len(first.targets) == 1 and isinstance(first.targets[0], ast.Name)
                and first.targets[0].id == name and not any(isinstance(n, ast.Name) and n.id == name for n in walk_nodes(first.value))):
            return False
        return True  # bound anew: the cells below read the new object
    return True


# Builtins that only count, pair up, show or inspect the objects they are given (the pairing ones
# return the same objects): a model passed to them is neither fitted nor kept.
_INERT_BUILTINS = frozenset({"len", "enumerate", "zip", "reversed", "list", "tuple", "iter", "sorted", "print", "str",
                             "repr", "type", "isinstance", "id", "format"})

# What a value may hold, for `_fits_only_one_column`: `_OTHER` (not the model, nor anything holding
# it), `_MODEL` (may be or hold it), ("tuple", (shape, …)) by position, ("list", shape) of every element.
_OTHER, _MODEL = "other", "model"


def _holds_model(shape: Any) -> bool:
    if shape == _MODEL:
        return True
    if isinstance(shape, tuple) and shape[0] == "tuple":
        return any(_holds_model(s) for s in shape[1])
    return isinstance(shape, tuple) and shape[0] == "list" and _holds_model(shape[1])


def _join_shapes(a: Any, b: Any) -> Any:
    if a is None or a == b:
        return b
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0] == "tuple" and len(a[1]) == len(b[1]):
        return ("tuple", tuple(_join_shapes(x, y) for x, y in zip(a[1], b[1])))
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0] == "list":
        return ("list", _join_shapes(a[1], b[1]))
    return _MODEL if _holds_model(a) or _holds_model(b) else _OTHER


def _element_shape(shape: Any) -> Any:
    if isinstance(shape, tuple) and shape[0] == "list":
        return shape[1]
    if isinstance(shape, tuple) and shape[0] == "tuple":
        joined = None
        for s in shape[1]:
            joined = _join_shapes(joined, s)
        return _OTHER if joined is None else joined
    return shape


def _literal_shape(expr: ast.AST, model: ast.AST) -> Any:
    """The shape of the cell's literal `expr` holding the tree `model` (its other elements are other values)."""
    if expr is model:
        return _MODEL
    if isinstance(expr, ast.Tuple):
        return ("tuple", tuple(_literal_shape(e, model) for e in expr.elts))
    if isinstance(expr, ast.List):
        joined = None
        for e in expr.elts:
            joined = _join_shapes(joined, _literal_shape(e, model))
        return ("list", _OTHER if joined is None else joined)
    return _OTHER


def _model_fits(function: ast.FunctionDef | ast.AsyncFunctionDef, parameter: str, given: Any) -> list[ast.Call] | None:
    """The `fit(…)` calls by which the notebook's `function` fits the model its `parameter` holds
    (`given`: the model, or the shape of the list and tuple literal holding it), or None when the
    model may go or change anywhere else. What each name may hold follows the literal's positions
    through loops, unpacking and assignments (`for n, (name, estimator) in enumerate(estimators)`:
    only `estimator` is the model, `name` its label), and `m.fit(…)` returns the model. None when
    it is passed to a call other than an inert builtin (`cross_val_score(estimator, X, y)`,
    `clone`), its `set_params`/`partial_fit`/`fit_transform` is called or an attribute of it set
    (`estimator.max_depth = d`), it is stored into an attribute or item, returned or yielded, the
    function has a `global` statement or names a tree option. Reading its attributes or calling
    its other methods (`predict`, `score`) is fine. Not covered: a function that hands the model
    to another of the notebook's functions (not followed)."""
    if parameter not in _parameters(function):
        return None
    nodes = list(ast.walk(function))
    for n in nodes:
        if isinstance(n, (ast.Global, ast.Nonlocal)):
            return None
        if isinstance(n, ast.Constant) and n.value in _TREE_RANDOM_OPTIONS:
            return None
        if isinstance(n, ast.keyword) and n.arg in _TREE_RANDOM_OPTIONS:
            return None
    env: dict[str, Any] = {parameter: given}

    def shape(e: ast.AST | None) -> Any:
        if e is None or isinstance(e, (ast.Constant, ast.Attribute, ast.Lambda, ast.JoinedStr)):
            return _OTHER  # (an attribute of the model, `estimator.tree_`, is not the model)
        if isinstance(e, ast.Name):
            return env.get(e.id, _OTHER)
        if isinstance(e, ast.NamedExpr):
            return shape(e.value)
        if isinstance(e, ast.Tuple):
            return ("tuple", tuple(shape(x) for x in e.elts))
        if isinstance(e, ast.List):
            return ("list", _element_of(e.elts) if e.elts else _OTHER)
        if isinstance(e, ast.Subscript):
            value = shape(e.value)
            if isinstance(value, tuple) and value[0] == "tuple" and isinstance(e.slice, ast.Constant) and isinstance(
                    e.slice.value, int) and -len(value[1]) <= e.slice.value < len(value[1]):
                return value[1][e.slice.value]
            return value if isinstance(e.slice, ast.Slice) else _element_shape(value)
        if isinstance(e, ast.Call):
            if isinstance(e.func, ast.Attribute):
                return shape(e.func.value) if e.func.attr == "fit" else _OTHER  # (`fit` returns the model)
            if isinstance(e.func, ast.Name) and e.func.id == "enumerate" and e.args:
                return ("list", ("tuple", (_OTHER, _element_shape(shape(e.args[0])))))
            if isinstance(e.func, ast.Name) and e.func.id == "zip":
                return ("list", ("tuple", tuple(_element_shape(shape(a)) for a in e.args)))
            if isinstance(e.func, ast.Name) and e.func.id in ("reversed", "list", "tuple", "iter", "sorted") and e.args:
                return ("list", _element_shape(shape(e.args[0])))
            return _OTHER  # (its arguments are checked below)
        return _MODEL if any(_holds_model(shape(c)) for c in ast.iter_child_nodes(e)) else _OTHER

    def _element_of(elts: list[ast.expr]) -> Any:
        joined = None
        for x in elts:
            joined = _join_shapes(joined, shape(x))
        return joined

    escaped = False

    def bind(target: ast.AST, value: Any) -> bool:
        nonlocal escaped
        if isinstance(target, ast.Name):
            old = env.get(target.id)
            env[target.id] = _join_shapes(old, value)
            return env[target.id] != old
        if isinstance(target, (ast.Tuple, ast.List)):
            changed = False
            for i, t in enumerate(target.elts):
                if isinstance(value, tuple) and value[0] == "tuple" and len(value[1]) == len(target.elts):
                    part = value[1][i]
                elif isinstance(t, ast.Starred):
                    part = _MODEL if _holds_model(value) else _OTHER
                else:
                    part = _element_shape(value)
                changed |= bind(t.value if isinstance(t, ast.Starred) else t, part)
            return changed
        if _holds_model(value):
            escaped = True  # kept in an attribute or item of something the function does not own
        return False

    changed = True
    while changed and not escaped:
        changed = False
        for n in nodes:
            if isinstance(n, (ast.For, ast.AsyncFor, ast.comprehension)):
                changed |= bind(n.target, _element_shape(shape(n.iter)))
            elif isinstance(n, ast.Assign):
                value = shape(n.value)
                for t in n.targets:
                    changed |= bind(t, value)
            elif isinstance(n, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) and n.value is not None:
                changed |= bind(n.target, shape(n.value))
            elif isinstance(n, ast.withitem) and n.optional_vars is not None:
                changed |= bind(n.optional_vars, shape(n.context_expr))
    if escaped or any(_holds_model(env.get(p, _OTHER)) for p in _parameters(function) if p != parameter):
        return None  # (another parameter rebound to the model: its other uses are not this call's)
    fits: list[ast.Call] = []
    for n in nodes:
        if isinstance(n, (ast.Return, ast.Yield, ast.YieldFrom)) and _holds_model(shape(n.value)):
            return None
        if isinstance(n, ast.Attribute) and isinstance(n.ctx, (ast.Store, ast.Del)) and _holds_model(shape(n.value)):
            return None  # (`estimator.max_depth = d`: a sweep changing the model)
        if not isinstance(n, ast.Call):
            continue
        if isinstance(n.func, ast.Attribute) and _holds_model(shape(n.func.value)):
            if n.func.attr in ("set_params", "partial_fit", "fit_transform", "fit_predict", "__setstate__"):
                return None
            if n.func.attr == "fit":
                fits.append(n)
        arguments = (*n.args, *(k.value for k in n.keywords))
        if any(_holds_model(shape(a)) for a in arguments) and not (isinstance(n.func, ast.Name) and n.func.id in _INERT_BUILTINS):
            return None
    return fits


def _fits_only_one_column(ctx: RuleContext, function: ast.FunctionDef | ast.AsyncFunctionDef, parameter: str,
                          given: Any, before: tuple[int, int]) -> bool:
    """Does the notebook's `function` fit the model its `parameter` holds only on a provably
    one-column X (`X_train[i].reshape(-1, 1)`, `x[:, [j]]`, see `_local_one_column`), and let it go
    nowhere else (see `_model_fits`)? Fair check 38, items 138, 146."""
    fits = _model_fits(function, parameter, given)
    return bool(fits) and all(
        f.args and not isinstance(f.args[0], ast.Starred) and _local_one_column(ctx, function, f.args[0], before) for f in fits)


def _refits_in_repetitions(function: ast.FunctionDef | ast.AsyncFunctionDef, parameter: str, given: Any) -> bool:
    """Does the notebook's `function` fit the model its `parameter` holds only inside loops over
    `range(…)` that collect each pass's result (an item stored into, or `append` to, or a `+=` into a
    name the loop does not bind), letting it go nowhere else (see `_model_fits`): the same model
    refitted as repeated trials (fair check 38, item 143: `plot_simulation` refits each estimator
    on 500 simulated training sets, `y_predict[:, i] = estimator.predict(…)`, to measure its
    variance). A hyperparameter the loop sets (`estimator.max_depth = d`) is a sweep: `_model_fits`
    refuses it."""
    fits = _model_fits(function, parameter, given)
    if not fits:
        return False
    loops = [n for n in ast.walk(function) if isinstance(n, ast.For) and isinstance(n.iter, ast.Call)
             and isinstance(n.iter.func, ast.Name) and n.iter.func.id == "range"]

    def collects(loop: ast.For) -> bool:
        inner = [n for b in loop.body for n in ast.walk(b)]
        own = {n.id for n in inner if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} | {
            n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
        plain = {t.id for n in inner if isinstance(n, (ast.Assign, ast.AnnAssign, ast.For, ast.NamedExpr, ast.comprehension))
                 for target in (getattr(n, "targets", None) or [n.target]) for t in ast.walk(target) if isinstance(t, ast.Name)}
        for n in inner:
            if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store) and isinstance(n.value, ast.Name) and n.value.id not in own:
                return True
            if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "append"
                    and isinstance(n.func.value, ast.Name) and n.func.value.id not in own):
                return True
            if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name) and n.target.id not in plain:
                return True
        return False

    return all(any(loop.lineno <= f.lineno <= (loop.end_lineno or loop.lineno) and collects(loop) for loop in loops) for f in fits)


def _local_one_column(
    ctx: RuleContext, function: ast.FunctionDef | ast.AsyncFunctionDef, node: ast.expr, before: tuple[int, int], depth: int = 0,
) -> bool:
    """`_one_column` for the X a tree is fitted on inside the notebook's module-level `function`: a
    one-column expression, or a local name every binding of which is a plain assignment of one
    (`X, y = quad_data(n=n)`, whose `return X, y` binds `X = np.linspace(0, 4, n).reshape(n, 1)`: fair
    check 33, item 123). A parameter, or a name bound any other way (a loop, `+=`), is not followed."""
    if depth > 4:
        return False
    while True:  # (`X.values`, `X.to_numpy()` of a local one-column frame: the local is followed, not a global)
        if isinstance(node, ast.Attribute) and node.attr == "values":
            node = node.value
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "to_numpy"
              and not node.args and not node.keywords):
            node = node.func.value
        else:
            break
    if not isinstance(node, ast.Name):
        return _one_column(ctx, node, before)
    name = node.id
    if name in {a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)}:
        return False
    stores = [n for n in ast.walk(function) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)]
    values: list[ast.expr | None] = []
    for a in ast.walk(function):
        if not (isinstance(a, ast.Assign) and len(a.targets) == 1):
            continue
        target = a.targets[0]
        if isinstance(target, ast.Name) and target.id == name:
            values.append(a.value)
        elif isinstance(target, ast.Tuple) and all(isinstance(t, ast.Name) for t in target.elts) and any(t.id == name for t in target.elts):
            position = next(i for i, t in enumerate(target.elts) if t.id == name)
            if isinstance(a.value, ast.Tuple) and len(a.value.elts) == len(target.elts):
                values.append(a.value.elts[position])
            elif isinstance(a.value, ast.Call) and isinstance(a.value.func, ast.Name):
                returned = _returned_element(ctx, a.value.func.id, position, len(target.elts))
                # (a name there is the other function's local: not followed)
                if returned is None or any(isinstance(n, ast.Name) for n in (returned, getattr(returned, "value", None))):
                    values.append(None)
                    continue
                values.append(returned)
            else:
                values.append(None)
    if not values or len(values) != len(stores):
        return False
    return all(v is not None and _local_one_column(ctx, function, v, before, depth + 1) for v in values)


# A best-split decision tree (`splitter="best"`, the default) that considers every feature (no
# `max_features`) draws only to order the features it tries at each node, and the order only
# decides between splits of exactly equal improvement (scikit-learn's `random_state` docs; the
# `>` test of `BestSplitter.node_split`). A deep or unbounded tree meets such ties in its small
# nodes and varies (fair check 32, items 130, 133, 147: full-depth trees, rebuilt, differ); a
# shallow one splits only large nodes, where real data rarely ties: fair check 33, items 110,
# 132, 136, 137, 138 and 141 (`max_depth` 1 to 3, `max_leaf_nodes=3`), each rebuilt with 30 to 100
# seeds by the judges, gave one tree. Data of a few discrete values (one-hot columns, pixels) can
# tie even there; the bound below is the judged one.
_BEST_SPLIT_TREES = frozenset({"DecisionTreeRegressor", "DecisionTreeClassifier"})
_SHALLOW_DEPTH, _FEW_LEAVES = 3, 8


def _best_split_tree(call: CallFact, qualified: str) -> bool:
    """A scikit-learn decision tree with the best splitter, considering every feature (see above)."""
    if not qualified.startswith("sklearn.") or qualified.rsplit(".", 1)[-1] not in _BEST_SPLIT_TREES:
        return False
    if any(a.position is not None or a.double_star for a in call.args):
        return False  # (old positional signatures: `DecisionTreeClassifier("gini", "random")`)
    splitter = _keyword_value(call, "splitter")
    features = next((a for a in call.args if a.keyword == "max_features"), None)
    return splitter in (None, "best") and (features is None or features.constant == "None")


def _best_split_boosting(call: CallFact, qualified: str) -> bool:
    """scikit-learn's `GradientBoostingClassifier`/`Regressor` fitting every tree on all the rows
    (no `subsample` below 1) with every feature (no `max_features`): its seed, as a best-split
    tree's, only orders the features each split tries, so it only breaks ties between equally good
    splits (fair check 49, item 161: the message said nothing of it). Early stopping
    (`n_iter_no_change`) draws a validation split: not covered."""
    if not qualified.startswith("sklearn.") or qualified.rsplit(".", 1)[-1] not in ("GradientBoostingClassifier", "GradientBoostingRegressor"):
        return False
    if any(a.position is not None or a.double_star for a in call.args):
        return False
    subsample = next((a for a in call.args if a.keyword == "subsample"), None)
    features = next((a for a in call.args if a.keyword == "max_features"), None)
    stopping = next((a for a in call.args if a.keyword == "n_iter_no_change"), None)
    return ((subsample is None or (subsample.number is not None and subsample.number in ("1", "1.0", "1.")))
            and (features is None or features.constant == "None")
            and (stopping is None or stopping.constant == "None"))


def _shallow_best_split_tree(ctx: RuleContext, ca: CellAnalysis, call: CallFact, qualified: str) -> bool:
    """A best-split tree (`_best_split_tree`) bounded by a literal `max_depth` of at most 3 or a
    literal `max_leaf_nodes` of at most 8: its seed only breaks ties between equally good splits of
    its few large nodes, which real data rarely has, so every seed builds the same tree (fair check
    33, items 110, 132, 136, 137, 138, 141). Its cell must name none of the tree's options as a
    string (a grid `{"max_depth": [2, 10]}`, `set_params(**{"max_features": 2})`), which could
    make it deeper or random. Not covered: a depth from a variable (`max_depth=d` in a loop)."""
    if not _best_split_tree(call, qualified):
        return False
    bounded = False
    for keyword, limit in (("max_depth", _SHALLOW_DEPTH), ("max_leaf_nodes", _FEW_LEAVES)):
        arg = next((a for a in call.args if a.keyword == keyword), None)
        if arg is not None and arg.number is not None and arg.number.isdigit() and 1 <= int(arg.number) <= limit:
            bounded = True
    if not bounded:
        return False
    tree = _parsed(ca)
    if tree is None or _tree_options_named(tree):
        return False
    offsets = {call.column - 1, call.column - 1 - ca.masked.dedent}
    node = next((n for n in nodes_of(tree, ast.Call) if n.lineno == call.line and n.col_offset in offsets), None)
    if node is None:
        return False
    parent = _parent_map(tree).get(node)
    holder = parent if isinstance(parent, ast.Call) else _parent_map(tree).get(parent) if isinstance(parent, ast.keyword) else None
    if holder is not None and not (isinstance(holder, ast.Call) and _boosted_shallow_trees_node(ctx, tree, holder)):
        # (handed to another call, a Bagging ensemble: it resamples, the ensemble's finding names it;
        # an AdaBoostClassifier only reweights, and a shallow tree in it still only breaks ties: fair
        # check 34, item 152)
        return False
    return True


def _tree_options_named(tree: ast.Module) -> bool:
    """Does a cell name a tree's options as a string (a search grid `{"max_depth": [2, 10]}`) or call
    `set_params`: either could make its trees deeper or random."""
    options = {"max_depth", "max_leaf_nodes", "max_features", "splitter"}
    return any(
        (isinstance(n, ast.Constant) and n.value in options)
        or (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "set_params")
        for n in ast.walk(tree)
    )


def _boosted_shallow_trees(ctx: RuleContext, ca: CellAnalysis, call: CallFact, qualified: str) -> bool:
    """scikit-learn's `AdaBoostClassifier` over its default estimator (a depth-1 best-split
    `DecisionTreeClassifier`) or over an explicit shallow best-split tree given inline (literal
    `max_depth` <= 3 or `max_leaf_nodes` <= 8, no `max_features`, the best splitter): its
    `random_state` only seeds each tree's feature order (`_make_estimator(random_state=…)` in
    `_weight_boosting.py`; SAMME reweights, it draws no sample), so, as for `_shallow_best_split_tree`,
    the draws only break exact ties and every seed boosts the same trees (fair check 34, item 152,
    rebuilt with 6 seeds at 12 grid points; fair check 32, item 149; fair check 33, item 136).
    `AdaBoostRegressor` is not covered: its `_boost` draws a weighted bootstrap of the rows with
    `random_state.choice` at every round, which changes the model. Nor is an estimator given by name
    (`AdaBoostClassifier(tree)`), not followed, or a cell (or any cell, for `estimator__…` grid keys)
    naming the trees' options as strings."""
    if not qualified.startswith("sklearn.") or qualified.rsplit(".", 1)[-1] != "AdaBoostClassifier":
        return False
    tree = _parsed(ca)
    if tree is None:
        return False
    offsets = {call.column - 1, call.column - 1 - ca.masked.dedent}
    node = next((n for n in nodes_of(tree, ast.Call) if n.lineno == call.line and n.col_offset in offsets), None)
    return node is not None and _boosted_shallow_trees_node(ctx, tree, node)


def _boosted_shallow_trees_node(ctx: RuleContext, tree: ast.Module, node: ast.Call) -> bool:
    """`_boosted_shallow_trees` for the call `node` of the cell parsed as `tree`."""
    if ctx.facts.resolve(dotted_name(node.func)).rsplit(".", 1)[-1] != "AdaBoostClassifier" or not ctx.facts.resolve(
        dotted_name(node.func)
    ).startswith("sklearn."):
        return False
    if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
        return False  # (`**params`: the estimator may be in there)
    if _tree_options_named(tree) or _estimator_options_named(ctx):
        return False
    given = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg in ("estimator", "base_estimator")), None)
    if given is None or (isinstance(given, ast.Constant) and given.value is None):
        return True  # (the default: `DecisionTreeClassifier(max_depth=1)`)
    if isinstance(given, ast.Name):
        given = _only_binding_above(tree, given.id, node)
    if not isinstance(given, ast.Call) or given.args:
        return False
    if ctx.facts.resolve(dotted_name(given.func)) not in ("sklearn.tree.DecisionTreeClassifier", "sklearn.tree._classes.DecisionTreeClassifier"):
        return False
    keywords = {k.arg: k.value for k in given.keywords}
    if None in keywords:
        return False
    splitter, features = keywords.get("splitter"), keywords.get("max_features")
    if splitter is not None and not (isinstance(splitter, ast.Constant) and splitter.value == "best"):
        return False
    if features is not None and not (isinstance(features, ast.Constant) and features.value is None):
        return False
    return any(
        isinstance(keywords.get(keyword), ast.Constant) and type(keywords[keyword].value) is int and 1 <= keywords[keyword].value <= limit
        for keyword, limit in (("max_depth", _SHALLOW_DEPTH), ("max_leaf_nodes", _FEW_LEAVES))
    )


def _only_binding_above(tree: ast.Module, name: str, node: ast.AST) -> ast.expr | None:
    """The value of `name = <value>`, the one statement of the cell parsed as `tree` that binds or
    sets anything on `name`, above `node` in the same scope: the estimator an ensemble is given by
    name (`base_clf = DecisionTreeClassifier(max_depth=2)`, then `AdaBoostClassifier(base_clf, …)`
    in the same loop body, fair check 32, item 136). None when the name is bound elsewhere too (a
    cell above, a second assignment, `base_clf.max_depth = 5`), or in a statement list that does not
    go on to `node` (a branch, another function)."""
    bindings = [n for n in ast.walk(tree) if isinstance(n, (ast.Name, ast.Attribute, ast.Subscript))
                and isinstance(n.ctx, (ast.Store, ast.Del)) and name in {m.id for m in ast.walk(n) if isinstance(m, ast.Name)}]
    if len(bindings) != 1 or not isinstance(bindings[0], ast.Name):
        return None
    line = getattr(node, "lineno", 0)
    for body in _statement_lists(tree):
        for index, st in enumerate(body):
            if isinstance(st, ast.Assign) and st.targets == [bindings[0]]:
                # (a later statement of the same list holds `node`: the binding runs first, in every path)
                later = any(other.lineno <= line <= (other.end_lineno or other.lineno)
                            and not any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
                                        and n.lineno <= line <= (n.end_lineno or n.lineno) for n in ast.walk(other))
                            for other in body[index + 1:])
                return st.value if later else None
    return None


def _estimator_options_named(ctx: RuleContext) -> bool:
    """Does any cell name an ensemble's estimator options as a string (`"estimator__max_depth"`,
    `"base_estimator__splitter"`, a search grid built in another cell than the ensemble)?"""
    return any(_ESTIMATOR_OPTION.search(ca.cell.source) for ca in ctx.cells)


# A string naming an ensemble's estimator or one of its options: `"estimator__max_depth"`,
# `'base_estimator'`, `"ada__estimator"` (a grid that swaps or deepens the boosted trees).
_ESTIMATOR_OPTION = re.compile(r"""["'](?:\w+__)?(?:base_)?estimator(?:__\w+)?["']""")


def _placed_seeds(ctx: RuleContext, rf: RandomnessFacts) -> list[SeedCall]:
    """The seeding calls, a seed that only some calls of its function make (`SeedCall.through`)
    placed at the module-level call that first runs it with a value (and left out when none does).
    A seed in a module-level def or class body seeds where the function runs, as for RND001: at the
    module-level call that first runs it, and at each later module-level call of it by name (fair
    check 32, item 131: `np.random.seed(0)` inside `make_sine_wave`, which the notebook never calls,
    was counted where the def sits, and RND002 said "which cell 5 seeds"); left out when nothing
    runs it. Those placed seeds are named by the function called (`make_data(…)` in cell 7)."""
    placed: list[SeedCall] = []
    for seed in rf.seeds:
        if seed.through is None and seed.call.in_function and seed.call.owner and seed.call.owner not in rf.components:
            placed.extend(_seeds_where_run(ctx, rf, seed))
            continue
        if seed.through is None:
            placed.append(seed)
            continue
        when = rf.first_seeding_run(seed)
        if when is None:
            continue
        cell, line, column = when[0]
        ca = next((c for c in ctx.cells if c.cell.index == cell), None)
        call = next((c for c in ca.facts.calls if (c.line, c.column) == (line, column)), None) if ca is not None else None
        if ca is not None and call is not None:
            placed.append(replace(seed, ca=ca, call=call, through=None))
    return placed


def _seeds_where_run(ctx: RuleContext, rf: RandomnessFacts, seed: SeedCall) -> list[SeedCall]:
    """A seed in the body of the module-level def/class `seed.call.owner`, placed at the module-level
    calls that run it: the first run (through other functions too), then every later module-level
    call of the function by name after its definition (none when nothing runs it)."""
    path = rf.path_of(seed.ca, seed.call)
    if not path:
        return []
    owner = seed.call.owner
    defined = rf.definition_of(seed.ca, seed.call) or next((
        (seed.ca.cell.index, ref.line, ref.column) for ref in (*seed.ca.facts.functions, *seed.ca.facts.classes) if ref.name == owner
    ), path[0])
    unrun = unrun_lines(ctx.facts)
    sites = {path[0]}
    for ca in ctx.cells:
        dead = unrun.get(ca.cell.index, frozenset())
        for call in ca.facts.calls:
            here = (ca.cell.index, call.line, call.column)
            if call.func == owner and not call.receiver and not call.in_function and call.line not in dead and here > defined:
                sites.add(here)
    placed: list[SeedCall] = []
    for cell, line, column in sorted(sites):
        ca = next((c for c in ctx.cells if c.cell.index == cell), None)
        call = next((c for c in ca.facts.calls if (c.line, c.column) == (line, column)), None) if ca is not None else None
        if ca is not None and call is not None:
            placed.append(replace(seed, ca=ca, call=call, shown=call.func or owner, helper=True))
    return placed


def _class_aliases(ctx: RuleContext) -> dict[str, str]:
    """Names the notebook binds only to an imported class or function, unchanged: `transform = TSNE`
    (then `trans = transform(n_components=2)`; fair check 17, 19 StellarGraph demos). name -> the
    qualified callee. A name bound any other way anywhere (another value, a loop target, a parameter,
    a `def`: `rules.single_assignments`) is not one: which object it holds at a call is then unknown."""
    aliases: dict[str, str] = {}
    for name, assignments in single_assignments(ctx).items():
        targets: set[str] = set()
        for node in assignments:
            dotted = (
                dotted_name(node.value)
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, (ast.Name, ast.Attribute))
                else ""
            )
            if not dotted or dotted.split(".")[0] not in ctx.facts.aliases:
                break  # `x: T = TSNE`, `a = b = TSNE`, `x = TSNE()`: not the class itself, or not only
            targets.add(ctx.facts.resolve(dotted))
        else:
            if len(targets) == 1:
                aliases[name] = next(iter(targets))
    return aliases


def _called_above(
    ctx: RuleContext, callees: tuple[str, ...], ca: CellAnalysis, line: int,
    star_modules: tuple[str, ...], local: frozenset[str],
) -> bool:
    """Does the notebook call one of `callees` (`stellargraph.random.set_seed`) before (cell, line)?"""
    for other in ctx.cells:
        if other.cell.index > ca.cell.index:
            break
        for c in other.facts.calls:
            if (other.cell.index, c.line) < (ca.cell.index, line) and matches_any(_resolve(ctx.facts, c, star_modules, local, cell_index=other.cell.index), callees):
                return True
    return False


def _unseeded_augmentations(ctx: RuleContext) -> Iterator[Hit]:
    """albumentations' own random state (`[albumentations]` of rules/randomness.toml; fair check 18):
    `A.Compose([...])` with no `seed=` holding a transform that draws, and a transform that draws,
    built and applied by itself (`aug = A.RandomRotate90(p=1)`, then `aug(image=image)`), with no
    `aug.set_random_seed(…)` before its first application. Module-level code only: a function's
    transforms may be seeded by whoever calls it."""
    table = ctx.catalog.table("randomness", "albumentations", {})
    pipelines = tuple(table.get("pipelines", ()))
    if not pipelines:
        return
    random_parameters = tuple(table.get("random_parameters", ()))
    coin_flips = tuple(table.get("coin_flips", ()))

    def draws(node: ast.AST, bound: Mapping[str, bool]) -> bool:
        if isinstance(node, ast.Name):
            return bound.get(node.id, False)
        if not isinstance(node, ast.Call):
            return False
        qualified = ctx.facts.resolve(dotted_name(node.func))
        if not qualified.startswith("albumentations."):
            return False
        if matches_any(qualified, pipelines):
            return False  # a nested pipeline is judged by itself
        short = qualified.rsplit(".", 1)[-1]
        p = next((k.value for k in node.keywords if k.arg == "p"), None)
        if p is not None:
            if not (isinstance(p, ast.Constant) and isinstance(p.value, (int, float))):
                return True  # a probability set at run time
            if p.value <= 0:
                return False  # never applied
            if p.value < 1:
                return True
        if matches_any(short, random_parameters):
            return True
        return p is None and short in coin_flips

    bound: dict[str, bool] = {}  # module-level names bound to a transform: does it draw?
    built: dict[str, tuple[CellAnalysis, int]] = {}  # ... where it was built
    seeded: set[str] = set()
    applied: set[str] = set()
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        dead = unrun_lines(ctx.facts).get(ca.cell.index, frozenset())
        for statement in tree.body:
            for node in _module_level_nodes(statement):
                if not isinstance(node, ast.Call) or node.lineno in dead:
                    continue
                callee = dotted_name(node.func)
                qualified = ctx.facts.resolve_at(callee, ca.cell.index, node.lineno) if callee else ""
                if qualified and matches_any(qualified, pipelines):
                    seed = next((k.value for k in node.keywords if k.arg == "seed"), None)
                    if seed is not None and not (isinstance(seed, ast.Constant) and seed.value is None):
                        continue
                    if any(k.arg is None for k in node.keywords):
                        continue  # `**kwargs` may hold the seed
                    given = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "transforms"), None)
                    items = given.elts if isinstance(given, (ast.List, ast.Tuple)) else []
                    drawing = [i for i in items if draws(i, bound)]
                    if not drawing or _augments_only_blank_shapes(ctx, statement, node):
                        continue
                    first = drawing[0]
                    shown = dotted_name(first.func) if isinstance(first, ast.Call) else getattr(first, "id", "")
                    how = "seed=None" if seed is not None else "no seed"
                    yield Hit(
                        ca.cell, node.lineno, node.col_offset,
                        f"`{callee}(...)` is called with {how}, and its transforms draw (`{shown}`): albumentations "
                        "samples them from the pipeline's own generator, seeded from the operating system's entropy "
                        "(no `np.random.seed`/`random.seed` reaches it), so the augmented data changes from run to run",
                        end_line=getattr(node, "end_lineno", None),
                        fix=f"Pass seed=SEED to `{callee}` (albumentations' own seed; a global seed does not reach it)",
                        key=f"albumentations-pipeline:{ca.cell.index}:{node.lineno}",
                    )
                    continue
                if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
                    if node.func.attr == "set_random_seed":
                        seeded.add(node.func.value.id)
                    continue
                if isinstance(node.func, ast.Name) and node.func.id in built:
                    name = node.func.id
                    if name in seeded or name in applied:
                        continue
                    applied.add(name)
                    made_in, made_at = built[name]
                    where = f"line {made_at}" if made_in is ca else f"cell {made_in.cell.index}, line {made_at}"
                    yield Hit(
                        ca.cell, node.lineno, node.col_offset,
                        f"`{name}` (built at {where}) is applied with no `{name}.set_random_seed(…)` before it: "
                        "albumentations draws the transform from its own generator, seeded from the operating system's "
                        "entropy (no `np.random.seed`/`random.seed` reaches it), so the result changes from run to run",
                        end_line=getattr(node, "end_lineno", None),
                        fix=f"Call `{name}.set_random_seed(SEED)` after building it (or apply it inside `A.Compose([...], seed=SEED)`)",
                        key=f"albumentations-transform:{name}",
                    )
            if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)):
                name = statement.targets[0].id
                value = statement.value
                is_transform = (isinstance(value, ast.Call) and ctx.facts.resolve(dotted_name(value.func)).startswith("albumentations.")
                                and not matches_any(ctx.facts.resolve(dotted_name(value.func)), pipelines))
                bound[name] = is_transform and draws(value, bound)
                seeded.discard(name)
                applied.discard(name)
                if bound[name]:
                    built[name] = (ca, statement.lineno)
                else:
                    built.pop(name, None)


# NumPy constructors of an array of one value: an image of them is blank.
_BLANK_ARRAYS = frozenset({"numpy.zeros", "numpy.ones", "numpy.full", "numpy.zeros_like", "numpy.ones_like", "numpy.full_like"})
# What a blank image's augmentation shows without its pixels: the result dict's keys, an array's shape.
_SHAPE_ATTRIBUTES = frozenset({"shape", "dtype", "ndim", "keys"})


def _augments_only_blank_shapes(ctx: RuleContext, statement: ast.stmt, node: ast.Call) -> bool:
    """`transform = A.Compose([...])` at module level whose every application is `augmented =
    transform(image=image)` on names bound only to a blank array (`np.zeros((128, 128, 3))`), and
    whose results are only read as `augmented.keys()`, `augmented["image"].shape`: an API tour's
    cell, whose shown output is the same for every draw (fair check 45, item 151,
    rnd002-seed-changes-nothing-shown). A def mentioning a name, or any other read, keeps it."""
    if not (isinstance(statement, ast.Assign) and statement.value is node and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)):
        return False
    name = statement.targets[0].id
    assignments = single_assignments(ctx)
    word = re.compile(rf"\b{re.escape(name)}\b")
    trees = []
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None and word.search(ca.cell.source):
            return False  # (a cell that does not parse may read it)
        if tree is not None:
            trees.append(tree)
    if any(m.args and word.search(m.args) for ca in ctx.cells for m in ca.magics):
        return False
    parents: dict[int, ast.AST] = {}
    for tree in trees:
        for parent in ast.walk(tree):
            for child in ast.iter_child_nodes(parent):
                parents[id(child)] = parent
    in_def = set()
    for tree in trees:
        for d in ast.walk(tree):
            if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                in_def.update(id(n) for n in ast.walk(d))

    def blank(arg: ast.expr) -> bool:
        bound = assignments.get(arg.id) if isinstance(arg, ast.Name) else None
        return bool(bound) and all(
            isinstance(b.value, ast.Call) and ctx.facts.resolve(dotted_name(b.value.func)) in _BLANK_ARRAYS for b in bound)

    results: set[str] = set()
    for tree in trees:
        for n in ast.walk(tree):
            if not (isinstance(n, ast.Name) and n.id == name) or n is statement.targets[0]:
                continue
            call = parents.get(id(n))
            st = parents.get(id(call))
            if (id(n) in in_def or not isinstance(call, ast.Call) or call.func is not n or call.args or not call.keywords
                    or not all(blank(k.value) for k in call.keywords)
                    or not (isinstance(st, ast.Assign) and st.value is call and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name))):
                return False
            results.add(st.targets[0].id)
    if not results or any(len(assignments.get(r, ())) != 1 for r in results):
        return False
    for tree in trees:
        for n in ast.walk(tree):
            if not (isinstance(n, ast.Name) and n.id in results and isinstance(n.ctx, ast.Load)):
                continue
            up = parents.get(id(n))
            if isinstance(up, ast.Subscript) and up.value is n:
                up = parents.get(id(up))
            if id(n) in in_def or not (isinstance(up, ast.Attribute) and up.attr in _SHAPE_ATTRIBUTES):
                return False
            if up.attr == "keys" and not (isinstance(parents.get(id(up)), ast.Call) and parents[id(up)].func is up):
                return False
    return True


def _module_level_nodes(statement: ast.stmt) -> Iterator[ast.AST]:
    """The nodes of a module-level statement in source order, not those inside a function, class or
    lambda it defines."""
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        yield node
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


# Gym/Gymnasium's environment factories: `env = gym.make("CartPole-v1")`.
_ENV_FACTORIES = frozenset({"gym.make", "gymnasium.make"})


_SEED_NAME = re.compile(r"(?i)(?:^|_)(?:seed|random_state)(?:$|_)|seed$")


def _unused_seed_constant(ctx: RuleContext, ca: CellAnalysis) -> str | None:
    """A name bound to an integer literal at the top level of the cell whose name says it is a seed
    (`blobs_random_seed = 42`, `SEED = 0`) and which no cell reads, or None."""
    tree = cell_python_tree(ca)
    if tree is None:
        return None
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Constant) and type(node.value.value) is int
                and _SEED_NAME.search(node.targets[0].id)):
            name = node.targets[0].id
            if not any(r.name == name for other in ctx.cells for r in (*other.facts.reads, *other.facts.deferred_reads)):
                return name
    return None


def _old_gym_api(ctx: RuleContext, envs: Mapping[str, CellAnalysis]) -> str | None:
    """Does the notebook use gym's API from before 0.26, whose `reset()` takes no seed: a `step`
    of one of `envs`, or of an object's own environment (`self.env`, an A3C worker's), unpacked
    into four names (`s, r, done, info = env.step(a)`); or a kernel older than Python 3.6, on
    which no gym with the 0.26 API installs (fair check 24: gym notebooks of 2018 saved from
    Python 2.7 and 3.5 kernels)? The evidence, said as the message says it, or None."""
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        for node in (ast.walk(tree) if tree is not None else ()):
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple)
                    and len(node.targets[0].elts) == 4 and isinstance(node.value, ast.Call)
                    and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "step"
                    and _names_an_env(node.value.func.value, envs)):
                return "`step` returns four values"
    declared = _declared_gym_before_026(ctx)
    if declared is not None:
        return declared
    version = ctx.facts.notebook.language_version
    if _kernel_before_python36(version):
        return f"its kernel is Python {version}, on which no gym with the 0.26 API installs"
    return None


class _EarlierCall(NamedTuple):
    func: str
    cell: int
    line: int


def _env_handed_to_unread_code(ctx: RuleContext, env: str, made: CellAnalysis, ca: CellAnalysis, line: int) -> _EarlierCall | None:
    """The first module-level call after `env` is made and before (`ca`, `line`) that hands `env`
    to a function the notebook does not define (`rlutils.run_episode(env_cp, …)` of a helper
    module): its body, not read, may reset the environment."""
    local = frozenset(d.name for c in ctx.cells for d in (*c.facts.functions, *c.facts.classes))
    for other in ctx.cells:
        if other.cell.index < made.cell.index or other.cell.index > ca.cell.index:
            continue
        for c in other.facts.calls:
            if c.in_function or (other is ca and c.line >= line) or not c.func:
                continue
            if c.receiver == env or c.func.split(".")[0] in local or c.func in ("print", "display", "len", "type", "isinstance"):
                continue
            if any(a.name == env for a in c.args):
                return _EarlierCall(c.func, other.cell.index, c.line)
    return None


def _declared_gym_before_026(ctx: RuleContext) -> str | None:
    """The project's manifest pins gym below 0.26 (`gym==0.11.0` in requirements.txt), whose
    `reset()` takes no seed: `env.seed(n)` is the fix there (fair check 39, recall T-10.6: the fix
    said `env.reset(seed=SEED)` for a project declaring gym==0.11.0). Only an exact pin (`==`, a
    conda `=`) of the distribution `gym`; a range says nothing of the version installed."""
    for manifest in ctx.project.manifests:
        for requirement in manifest.requirements:
            if requirement.name != "gym" or not requirement.pinned:
                continue
            m = re.search(r"={1,3}\s*v?(\d+)\.(\d+)", requirement.spec)
            if m is not None and (int(m.group(1)), int(m.group(2))) < (0, 26):
                where = manifest.path.rsplit("/", 1)[-1] or manifest.path
                return f"its {where} declares {requirement.spec.strip()}"
    return None


def _names_an_env(node: ast.AST, envs: Mapping[str, CellAnalysis]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in envs
    return isinstance(node, ast.Attribute) and node.attr.lower().endswith("env")


def _kernel_before_python36(version: str) -> bool:
    m = re.match(r"(\d+)\.(\d+)", version)
    return m is not None and (int(m.group(1)), int(m.group(2))) < (3, 6)


# What a notebook may read of an environment without playing an episode in it: its spaces (to size
# a network), its spec and metadata, closing it, and resets whose observation is thrown away.
_ENV_DESCRIPTION = frozenset({"observation_space", "action_space", "spec", "metadata", "reward_range", "close", "reset", "seed"})


def _plays_no_episode(ctx: RuleContext, env: str) -> bool:
    """Is `env` only made to be described (fair check 24: `env = gym.make(…); env.reset()`, then
    `env.observation_space.shape[0]` to size the A3C networks, whose workers make and reset their own
    environments)? Every read of the name in every cell is one of `_ENV_DESCRIPTION`'s attributes,
    and no reset's observation is kept. A function's own `env` counts as a read too (kept on the safe
    side: the finding stays)."""
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            if env in ca.masked.python:
                return False  # a cell that does not parse may step it
            continue
        described = 0
        loads = 0
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == env and isinstance(node.ctx, ast.Load):
                loads += 1
            elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == env
                    and node.attr in _ENV_DESCRIPTION):
                described += 1
            elif (isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.AugAssign)) and isinstance(node.value, ast.Call)
                    and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "reset"
                    and isinstance(node.value.func.value, ast.Name) and node.value.func.value.id == env):
                return False  # `obs = env.reset()`: the initial state is used
        if loads != described:
            return False
    return True


# Modules whose algorithms (`PPO("MlpPolicy", env)`) wrap the environment they are given and reset
# it in `learn` (seeded only by the algorithm's own `seed=`, which RND002 reports when missing).
_SB3_MODULES = ("stable_baselines3.", "sb3_contrib.", "stable_baselines.")


def _learned_by_sb3_model(ctx: RuleContext, env: str, reset_ca: CellAnalysis, reset_line: int) -> bool:
    """Was `env` handed to a Stable-Baselines algorithm (`model = PPO("MlpPolicy", env)`) whose
    `model.learn(…)` runs at the top level before the reset at `reset_line` of `reset_ca` (fair check
    45, item 152)? `learn` resets the wrapped environment first, so the notebook's `env.reset()` is
    not the first and reseeds nothing; the algorithm's missing `seed=` (which also seeds the
    environment) is its own finding."""
    models: set[str] = set()

    def sb3_on_env(value: ast.expr) -> bool:
        return (isinstance(value, ast.Call)
                and (ctx.facts.resolve(dotted_name(value.func)) or "").startswith(_SB3_MODULES)
                and any(isinstance(arg, ast.Name) and arg.id == env
                        for arg in [*value.args, *(k.value for k in value.keywords if k.arg in (None, "env"))]))

    def learns(value: ast.expr) -> bool:
        return (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "learn"
                and ((isinstance(value.func.value, ast.Name) and value.func.value.id in models)
                     or sb3_on_env(value.func.value)))

    for ca in ctx.cells:
        if ca.cell.index > reset_ca.cell.index:
            break
        tree = cell_python_tree(ca)
        for node in tree.body if tree is not None else ():
            if ca is reset_ca and node.lineno >= reset_line:
                break
            value = node.value if isinstance(node, (ast.Assign, ast.Expr)) else None
            if value is None:
                continue
            if learns(value):
                return True
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
                if sb3_on_env(value):
                    models.add(node.targets[0].id)
                else:
                    models.discard(node.targets[0].id)
    return False


def _unseeded_env_resets(ctx: RuleContext) -> Iterator[Hit]:
    """`env = gym.make(…)`, then `env.reset()` with no `seed=` (fair check 16: `obs, _ = env.reset()`
    before collecting an expert's episodes): Gymnasium seeds an environment's generator at its first
    reset, from the OS's entropy when no seed is given (gym before 0.26: `env.seed(n)`), so the
    initial states and every episode after them change from run to run. Only the first reset of
    each environment counts (later resets continue its generator); none after an `env.seed(n)` or a
    seeded reset. Calls at the notebook's top level only: a function's `env` may be its own."""
    envs: dict[str, CellAnalysis] = {}
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for node in tree.body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and isinstance(node.value, ast.Call)
                    and ctx.facts.resolve(dotted_name(node.value.func)) in _ENV_FACTORIES):
                envs.setdefault(node.targets[0].id, ca)
    if not envs:
        return
    settled: set[str] = set()
    old_api = _old_gym_api(ctx, envs)
    resetting = _resetting_functions(ctx)
    # An environment reset (or seeded) at the top level somewhere is judged there, as before: a
    # function's reset counts only for one the notebook resets nowhere else.
    top_level = {
        call.receiver for ca in ctx.cells for call in ca.facts.calls
        if not call.in_function and call.receiver in envs and call.method in ("reset", "seed")
    } if resetting else set()
    for ca in ctx.cells:
        if not any(ca.cell.index >= made.cell.index for made in envs.values()):
            continue
        for call in sorted(ca.facts.calls, key=lambda c: (c.line, c.column)):
            if not call.in_function and call.func in resetting and call.receiver == "":
                # `evaluate(env, policy)` with `def evaluate(env, …): … env.reset()`: the function's
                # first reset of the parameter is the environment's (fair check 25, T-3.1).
                hit = _reset_through_function(ctx, ca, call, resetting[call.func], envs, settled, old_api, top_level)
                if hit is not None:
                    yield hit
                continue
            if call.receiver not in envs or call.receiver in settled or call.method not in ("reset", "seed"):
                continue
            if call.in_function:
                continue  # a function's own `eval_env` (a vector env it builds) is another object
            if ca.cell.index < envs[call.receiver].cell.index:
                continue
            settled.add(call.receiver)
            if call.method == "seed" or _keyword_given(call, ("seed",)) is not None or _has_double_star(call):
                continue  # seeded (or the seed may be in `**kwargs`)
            if _plays_no_episode(ctx, call.receiver):
                continue  # made for its spaces: no episode's states come from its generator
            if _learned_by_sb3_model(ctx, call.receiver, ca, call.line):
                continue  # the model's `learn` reset it first: the model's own missing `seed=` is the finding
            if old_api:
                # gym before 0.26 (`env.step` gives four values): `reset()` takes no seed, `env.seed(n)` does it
                # (fair check 21: FrozenLake-v0 on gym 0.10).
                message = (f"`{call.receiver}.reset()` is the first reset of the environment `{call.receiver}`, and no "
                           f"`{call.receiver}.seed(n)` comes before it: the notebook uses gym's API from before 0.26 "
                           f"({old_api}), which seeds the environment from the operating system's "
                           "entropy, so the episodes it plays (random transitions, initial states) change from run to run")
                fix = (f"Call `{call.receiver}.seed(SEED)` after `gym.make` (and `{call.receiver}.action_space.seed(SEED)` "
                       "if the notebook samples actions)")
                # (a project pinning gym below 0.26 has no seeded reset: fair check 39, recall T-10.6)
                fix += "; on gym 0.26+ or Gymnasium, pass seed=SEED to the first reset" if _declared_gym_before_026(ctx) is None else ""
            else:
                message = (f"`{call.receiver}.reset()` is the first reset of the environment `{call.receiver}` and passes "
                           "no seed: Gymnasium then seeds its generator from the operating system's entropy, so the "
                           "episodes it plays (random transitions, initial states) change from run to run")
                fix = (f"Pass seed=SEED to the first reset (`{call.receiver}.reset(seed=SEED)`; later resets continue "
                       "from it), and seed the action space too if the notebook samples from it")
            yield Hit(
                ca.cell, call.line, call.column,
                message,
                end_line=call.end_line,
                fix=fix,
                key=f"env-reset:{call.receiver}",
            )


# Gym/Gymnasium environments (by id prefix) whose reset or step draws from the environment's own
# generator: random initial states (classic control, Box2D, MuJoCo), a dealt deck (Blackjack), a
# random start (Taxi), slippery moves (FrozenLake unless `is_slippery=False`). Not CliffWalking (fixed
# start, fixed moves), nor an environment a package or the notebook registers (a board game's fixed
# start): a reset inside a function is reported only for these.
_RANDOM_ENV_PREFIXES = (
    "CartPole", "MountainCar", "Acrobot", "Pendulum", "Blackjack", "Taxi", "FrozenLake", "LunarLander",
    "BipedalWalker", "CarRacing", "HalfCheetah", "Hopper", "Walker2d", "Ant-", "Humanoid", "Reacher", "Swimmer",
    "InvertedPendulum", "InvertedDoublePendulum", "Pusher",
)


def _random_env(ca: CellAnalysis, name: str) -> bool:
    """Is `name = gym.make("Id", …)` in `ca` an environment of `_RANDOM_ENV_PREFIXES`?"""
    tree = cell_python_tree(ca)
    for node in tree.body if tree is not None else ():
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == name and isinstance(node.value, ast.Call) and node.value.args):
            continue
        first = node.value.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            return False
        if first.value.startswith("FrozenLake") and any(
                k.arg == "is_slippery" and isinstance(k.value, ast.Constant) and k.value.value is False for k in node.value.keywords):
            return False
        return first.value.startswith(_RANDOM_ENV_PREFIXES)
    return False


class _ResettingFunction(NamedTuple):
    """A module-level function of the notebook whose body resets an environment it takes as a
    parameter: the parameter's name and place, and the first reset (or seeding) of it in the body."""
    ca: CellAnalysis
    parameter: str
    position: int
    reset: ast.Call  # the first `param.reset(…)` or `param.seed(…)` of the body


def _resetting_functions(ctx: RuleContext) -> dict[str, _ResettingFunction]:
    """The notebook's module-level functions, each defined once, whose body calls `.reset()` (or
    `.seed()`) on one of their parameters (`def evaluate(env, policy): … observation, _ = env.reset()`)."""
    found: dict[str, _ResettingFunction] = {}
    defined: dict[str, int] = {}
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for node in tree.body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            defined[node.name] = defined.get(node.name, 0) + 1
            parameters = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
            first: ast.Call | None = None
            for inner in ast.walk(node):
                if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute)
                        and inner.func.attr in ("reset", "seed") and isinstance(inner.func.value, ast.Name)
                        and inner.func.value.id in parameters
                        and (first is None or (inner.lineno, inner.col_offset) < (first.lineno, first.col_offset))):
                    first = inner
            if first is not None:
                name = first.func.value.id  # type: ignore[union-attr]
                found[node.name] = _ResettingFunction(ca, name, parameters.index(name), first)
    return {name: f for name, f in found.items() if defined.get(name) == 1}


def _reset_through_function(
    ctx: RuleContext, ca: CellAnalysis, call: CallFact, function: _ResettingFunction,
    envs: Mapping[str, CellAnalysis], settled: set[str], old_api: str, top_level: set[str],
) -> Hit | None:
    """The hit for the first reset of an environment of `envs` that `call` hands to `function`, or
    None (another argument, an environment already reset or seeded, a seeded reset, a reset that
    plays no episode)."""
    given = call.arg(function.position, (function.parameter,))
    env = given.name if given is not None else None
    if env is None or env not in envs or env in settled or env in top_level or ca.cell.index < envs[env].cell.index:
        return None
    if (function.ca.cell.index, function.reset.lineno) > (ca.cell.index, call.line):
        return None  # defined below its call: not this run's function
    settled.add(env)
    if not _random_env(envs[env], env):
        return None  # a board game, CliffWalking, a non-slippery lake: nothing the generator draws changes an episode
    reset = function.reset
    if reset.func.attr == "seed" or any(k.arg == "seed" or k.arg is None for k in reset.keywords):  # type: ignore[attr-defined]
        return None
    if _plays_no_episode(ctx, env):
        return None
    through = f"`{call.func}({env}, …)` (cell {ca.cell.index}, line {call.line}) resets the environment `{env}` first, here"
    earlier = _env_handed_to_unread_code(ctx, env, envs[env], ca, call.line)
    if earlier is not None:
        # `rlutils.run_episode(env_cp, …)` in cell 4, from a module the audit does not read, may
        # reset it before (fair check 39, recall T-10.6): "first, here" is not known.
        through = (f"`{call.func}({env}, …)` (cell {ca.cell.index}, line {call.line}) resets the environment `{env}` here "
                   f"(`{earlier.func}({env}, …)`, cell {earlier.cell}, line {earlier.line}, may reset it before, in code not read)")
    if old_api:
        message = (f"{through}, and no `{env}.seed(n)` comes before it: the notebook uses gym's API from before 0.26 "
                   f"({old_api}), which seeds the environment from the operating system's entropy, so the episodes "
                   "it plays (random transitions, initial states) change from run to run")
        fix = (f"Call `{env}.seed(SEED)` after `gym.make` (and `{env}.action_space.seed(SEED)` if the notebook samples "
               "actions)")
        if _declared_gym_before_026(ctx) is None:
            fix += "; on gym 0.26+ or Gymnasium, pass seed=SEED to the first reset"
        else:
            fix += ", before anything resets it"
    else:
        message = (f"{through}, with no seed: the environment then seeds its generator from the operating system's "
                   "entropy (gym 0.26+ and Gymnasium), so the episodes it plays (random transitions, initial states) change "
                   "from run to run")
        fix = (f"Reset `{env}` once with a seed before the function runs (`{env}.reset(seed=SEED)`; later resets "
               "continue from it), and seed the action space too if the notebook samples from it")
    return Hit(
        function.ca.cell, reset.lineno, reset.col_offset + 1,
        message,
        end_line=reset.end_lineno,
        fix=fix,
        key=f"env-reset:{env}",
        related=((ca.cell, call.line, call.column),),
    )


def _unseeded_numpy_lines(ctx: RuleContext) -> tuple[tuple[int, int], ...]:
    """(cell index, line) of every unseeded NumPy draw RND001 reports in the notebook, found once
    per notebook for the exceptions that ask whether data come from those draws."""
    return ctx.shared("randomness.unseeded_numpy", lambda: tuple(
        (d.ca.cell.index, d.call.line) for d in _unseeded_draws(ctx, _facts(ctx)[1], _facts(ctx)[1].effective_seeds()).get("numpy", ())))


def _follow_draws(statements: list[ast.stmt], drawn_lines: set[int], drawn: set[str], before: int | None = None) -> None:
    """Update `drawn`, the names that hold unseeded draws, over a cell's top-level statements (up to
    line `before`): a plain assignment on a drawing line or from drawn names binds drawn names; any
    other binding of a name rebinds it from something else (a file, a function of the notebook's)."""
    for st in statements:
        if before is not None and st.lineno >= before:
            break
        names = {n.id for n in ast.walk(st) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        if not names:
            continue
        if (isinstance(st, ast.Assign) and all(isinstance(t, ast.Name) for t in st.targets)
                and (any(line in drawn_lines for line in range(st.lineno, (st.end_lineno or st.lineno) + 1))
                     or any(isinstance(n, ast.Name) and n.id in drawn for n in ast.walk(st.value)))):
            drawn |= names
        else:
            drawn -= names


def _split_of_unseeded_draws(ctx: RuleContext, ca: CellAnalysis, call: CallFact, qualified: str) -> bool:
    """A module-level `train_test_split(X, y, …)` whose every array is bound above it in its cell
    from the notebook's unseeded NumPy draws (`X = np.random.randn(313, 3)`, `y = X @ w + 0.01 *
    np.random.randn(len(X))`), which RND001 reports: the data change on every run whatever
    `random_state` the split gets, and the split draws from the same global NumPy state, so the
    one fix that makes the cell repeat, RND001's `np.random.seed(SEED)` at the top, is already
    given (fair check 39, items 110, 111). Not when RND001 is off, nor for data read from a file
    or made by a function of the notebook's."""
    if call.in_function or not qualified.endswith(".train_test_split") or not qualified.startswith("sklearn."):
        return False
    if not rule_enabled(ctx.settings, UnseededRandom.code, UnseededRandom.name, UnseededRandom.family.value, ctx.facts.notebook.path):
        return False
    arrays = [a for a in call.args if a.position is not None]
    if not arrays or any(a.name is None for a in arrays) or _has_star(call) or _has_double_star(call):
        return False
    unseeded = _unseeded_numpy_lines(ctx)
    drawn_lines = {line for index, line in unseeded if index == ca.cell.index}
    if not drawn_lines:
        return False
    tree = _parsed(ca)
    if tree is None:
        return False
    drawn: set[str] = set()
    _follow_draws(tree.body, drawn_lines, drawn, before=call.line)
    return all(a.name in drawn for a in arrays)


def _fitted_on_unseeded_draws(ctx: RuleContext, ca: CellAnalysis, call: CallFact, qualified: str) -> bool:
    """`model = MLPRegressor(…)` at the top level of its cell, then `model.fit(X, Y)` there, every
    array given to that fit bound at module level, in page order, from the notebook's unseeded NumPy
    draws (`X = np.random.random((N, 2)) * 6 - 3` in a cell above, `Y = np.cos(2 * X[:, 0])`), which
    RND001 reports: the data change on every run whatever `random_state` the estimator gets, and a
    scikit-learn estimator without one draws from the same global NumPy state, so RND001's
    `np.random.seed(SEED)` at the top is the one fix for both (fair check 50, item 156, as
    `_split_of_unseeded_draws` for a split), when the model's predictions are only drawn
    (`_predictions_only_plotted`): a score printed from it is a number of its own (fair check 33,
    item 130). Not when RND001 is off, nor for data read from a file, made by a function of the
    notebook's or rebound by a statement not at the top level."""
    if call.in_function or not qualified.startswith("sklearn."):
        return False
    if not rule_enabled(ctx.settings, UnseededRandom.code, UnseededRandom.name, UnseededRandom.family.value, ctx.facts.notebook.path):
        return False
    tree = _parsed(ca)
    statement = statement_at(tree, call.line) if tree is not None else None
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Call) and statement.value.lineno == call.line):
        return False
    model = statement.targets[0].id
    fits = [n for st in tree.body if st.lineno > statement.lineno for n in ast.walk(st)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "fit"
            and isinstance(n.func.value, ast.Name) and n.func.value.id == model]
    if len(fits) != 1 or fits[0].keywords or not fits[0].args or not all(isinstance(a, ast.Name) for a in fits[0].args):
        return False
    fit = fits[0]
    unseeded = _unseeded_numpy_lines(ctx)
    if not unseeded:
        return False
    drawn: set[str] = set()
    for other in ctx.facts.cells:
        if other.cell.index > ca.cell.index:
            break
        other_tree = _parsed(other)
        if other_tree is None:
            return False
        lines = {line for index, line in unseeded if index == other.cell.index}
        _follow_draws(other_tree.body, lines, drawn, before=fit.lineno if other is ca else None)
    return all(a.id in drawn for a in fit.args) and _predictions_only_plotted(ctx.facts, ca, statement, model, fit)


# Axes and pyplot calls that draw what they are given (a fitted surface, a curve, points).
_PLOT_CALLS = frozenset({
    "plot", "plot_trisurf", "plot_surface", "plot_wireframe", "scatter", "imshow", "contour", "contourf",
    "pcolormesh", "fill_between", "bar", "hist", "step",
})


def _predictions_only_plotted(facts: NotebookFacts, ca: CellAnalysis, statement: ast.stmt, model: str, fit: ast.Call) -> bool:
    """Down to the next plain `model = …` (`_next_plain_rebinding`), is the fitted `model` read only
    as `yhat = model.predict(…)` (perhaps `.flatten()` after it), each such `yhat` read in its cell
    only as an argument of a plotting call (`ax.plot_trisurf(x, y, yhat)`), and read at least once?
    Then its fit is drawn, never printed, scored or saved (fair check 50, item 156: an MLP's fit
    of a toy surface shown as 3-D surfaces; fair check 33, item 130, a forest on noise whose R^2 is
    printed, stays)."""
    rebound = _next_plain_rebinding(facts, ca, statement, model)
    start = next(i for i, other in enumerate(facts.cells) if other is ca)
    predictions = 0
    shown: set[str] = set()  # (kept across cells: a later reader of a prediction must plot it too)
    for position in range(start, len(facts.cells)):
        if rebound is not None and position > rebound[0]:
            break
        tree = _parsed(facts.cells[position])
        if tree is None:
            return False
        parents = _parent_map(tree)
        allowed: set[int] = set()
        # A function's parameter of the same name is its own (`def forecast(model, name)`).
        allowed |= {
            id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            and any(a.arg == model for a in (*f.args.posonlyargs, *f.args.args, *f.args.kwonlyargs))
            for n in ast.walk(f) if isinstance(n, ast.Name)
        }
        for st in tree.body:
            if position == start and st.lineno <= fit.lineno:
                continue
            if rebound is not None and position == rebound[0] and st.lineno >= rebound[1]:
                break
            value = st.value if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) else None
            inner = value
            while (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr != "predict"
                   and isinstance(inner.func.value, ast.Call)):
                inner = inner.func.value
            if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "predict"
                    and isinstance(inner.func.value, ast.Name) and inner.func.value.id == model):
                allowed.add(id(inner.func.value))
                shown.add(st.targets[0].id)
                predictions += 1
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == model and id(node) not in allowed:
                if position == start and node.lineno <= fit.lineno:
                    continue
                if rebound is not None and position == rebound[0] and node.lineno >= rebound[1]:
                    continue
                return False
            if isinstance(node, ast.Name) and node.id in shown and isinstance(node.ctx, ast.Load):
                parent = parents.get(node)
                if not (isinstance(parent, ast.Call) and node in parent.args and isinstance(parent.func, ast.Attribute)
                        and parent.func.attr in _PLOT_CALLS):
                    return False
    return predictions > 0


def seeded_in_own_cell(numpy_seeds: list[SeedCall], ca: CellAnalysis, line: int, in_function: bool) -> bool:
    """Is the last NumPy seed before (cell, line) in the same cell, at its top level, with the call
    at the top level too? Then the call repeats on every run of the cell."""
    seeded_above = next((
        seed for seed in reversed(numpy_seeds)
        if (seed.ca.cell.index, seed.call.line) < (ca.cell.index, line)
    ), None)
    return seeded_above is not None and seeded_above.ca is ca and not seeded_above.call.in_function and not in_function


def _seeded_before(numpy_seeds: list[SeedCall], ca: CellAnalysis, line: int) -> bool:
    """Does a top-level NumPy seed run before (cell, line) in the notebook's order?"""
    return any((seed.ca.cell.index, seed.call.line) < (ca.cell.index, line) and not seed.call.in_function for seed in numpy_seeds)


def _refitted_as_trials(ctx: RuleContext, ca: CellAnalysis, call: CallFact) -> list[str]:
    """The model `call` builds at the top level of its cell reaches only the notebook's functions
    that refit it as repeated trials (`_handed_only_to` with `_refits_in_repetitions`): `estimators =
    [("AdaBoost", AdaBoostRegressor())]`, then `plot_simulation(estimators)`, whose loop refits it
    on 500 simulated training sets (fair check 38, item 143). The names of those functions, or none."""
    tree = _parsed(ca)
    node = _call_node(ca, tree, call) if tree is not None else None
    if tree is None or node is None:
        return []
    parents = _parent_map(tree)
    # An estimator given to an ensemble (`BaggingRegressor(base_estimator=DecisionTreeRegressor())`)
    # is refitted through it: the ensemble is the model followed.
    while True:
        parent = parents.get(node)
        if isinstance(parent, ast.keyword):
            parent = parents.get(parent)
        elif not (isinstance(parent, ast.Call) and node in parent.args):
            break
        if not (isinstance(parent, ast.Call) and ctx.facts.resolve(dotted_name(parent.func)).startswith("sklearn.")):
            return []
        node = parent
    names: list[str] = []

    def accepts(function: ast.FunctionDef | ast.AsyncFunctionDef, parameter: str, given: Any, before: tuple[int, int]) -> bool:
        if function.name not in names:
            names.append(function.name)
        return _refits_in_repetitions(function, parameter, given)

    return names if _handed_only_to(ctx, ca, tree, node, parents, accepts) else []


_SHOWS = frozenset({"print", "display"})


def _repetition_loop(ca: CellAnalysis, call: CallFact) -> ast.For | None:
    """The `for _ in range(n):` around the call that repeats a trial and collects the results: at
    module level, or in the body of a module-level def (fair check 33, item 107: `def score(X, y,
    model, n=10)`'s loop of splits). Its target is read nowhere in its body but by `print`/`display`
    (a progress line `print(i, end=' ')`, items 111, 115, 126: a repetition, not a sweep over values),
    and its body appends to a list bound outside it (`scores_list.append(…)`), adds into a total no
    statement of the loop assigns otherwise (`cvscore += …`, fair check 38, item 136: the mean of 9
    reshuffled cross-validations), or prints or displays a value it computes (`print(rf.score(X_test, y_test))`, items 113, 116: each trial shown).
    The outermost loop holding the call is the one judged. None otherwise."""
    tree = _parsed(ca)
    if tree is None:
        return None
    holders: list[ast.stmt] = list(tree.body)
    function = _enclosing_function(tree, call.line) if call.in_function else None
    if function is not None:
        holders = [n for n in ast.walk(function) if isinstance(n, ast.For)]
    loops = [st for st in holders if isinstance(st, ast.For) and st.lineno <= call.line <= (st.end_lineno or st.lineno)]
    if not loops:
        return None
    st = min(loops, key=lambda loop: loop.lineno)  # (the outermost: the repetition wraps the sweeps inside it)
    if not (isinstance(st.iter, ast.Call) and isinstance(st.iter.func, ast.Name) and st.iter.func.id == "range"):
        return None
    targets = {n.id for n in ast.walk(st.target) if isinstance(n, ast.Name)}
    inner = [n for b in st.body for n in ast.walk(b)]
    shows = [n for n in inner if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in _SHOWS]
    shown = {id(m) for c in shows for m in ast.walk(c)}
    if any(isinstance(n, ast.Name) and n.id in targets and isinstance(n.ctx, ast.Load) and id(n) not in shown for n in inner):
        return None
    bound = {n.id for n in inner if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    accumulated = {n.target.id for n in inner if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)}
    assigned = {t.id for n in inner if not isinstance(n, ast.AugAssign) for target in (
        getattr(n, "targets", None) or [getattr(n, "target", None)]) if isinstance(target, ast.AST)
        for t in ast.walk(target) if isinstance(t, ast.Name)}
    collects = any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "append"
        and isinstance(n.func.value, ast.Name) and n.func.value.id not in bound
        for n in inner
    ) or any(
        isinstance(m, ast.Name) and isinstance(m.ctx, ast.Load) and m.id in bound - targets
        for c in shows for m in ast.walk(c)
    ) or bool(accumulated - assigned - targets)  # `cvscore += …` into a total from before the loop (fair check 38, item 136)
    return st if collects else None


def _how_it_changes(
    numpy_seeds: list[SeedCall], ca: CellAnalysis, line: int, sklearn: bool, plural: bool = False, in_function: bool = False,
    ties_only: bool = False, boosting: bool = False,
) -> str:
    """scikit-learn without random_state draws from NumPy's global generator: seeded above, a
    top-to-bottom run repeats, but the result hangs on every draw before it. `ties_only`: a
    best-split tree (`_best_split_tree`), whose draws only break ties between equally good splits,
    so only which of those it takes hangs on them (fair check 33, items 132, 137: "its result
    depends on every draw before it" was false of a tree with no tie)."""
    seeded_above = next((
        seed for seed in reversed(numpy_seeds)
        if (seed.ca.cell.index, seed.call.line) < (ca.cell.index, line)
    ), None) if sklearn else None
    # (`boosting`: a gradient boosting's many trees, each on every row and feature, `_best_split_boosting`)
    where_ties = "its many trees can meet" if boosting else "a deep tree can meet in its small nodes"
    ties = (
        "; it considers every feature with the best splitter, so its draws only break ties between equally good "
        f"splits, which {where_ties.replace(' can meet', ' meets') if not boosting else where_ties}"
    ) if ties_only and not plural else ""
    if seeded_above is None and ties:
        # (not "its result changes from run to run": a tree whose data has no tie is the same for
        # every seed; fair check 34, item 150, a one-feature X the rule could not see, from a pickle)
        return (
            "it considers every feature with the best splitter, so its draws only break ties between equally good "
            f"splits: its result changes from run to run where the data has such ties, which {where_ties}"
        )
    if seeded_above is None:
        return ("their results change from run to run" if plural else "its result changes from run to run") + ties
    where = f"line {seeded_above.call.line} of this cell" if seeded_above.ca is ca else f"cell {seeded_above.ca.cell.index}"
    if seeded_above.helper:
        where = f"`{seeded_above.shown}(…)` in {where}"
    if ties:
        return (
            f"it draws from NumPy's global generator, which {where} seeds, to break ties between equally good splits "
            "(it considers every feature with the best splitter), so which of them it takes depends on every draw "
            "before it (re-running a cell, or running cells in another order, may change it)"
        )
    return (
        f"{'they draw' if plural else 'it draws'} from NumPy's global generator, which {where} seeds, so "
        f"{'their results depend' if plural else 'its result depends'} on every draw before it "
        "(re-running a cell, or running cells in another order, changes it)"
    )


def _loop_classes(ctx: RuleContext, loop: ast.For, catalog: RandomnessCatalog) -> list[tuple[str, RandomStateSpec]]:
    """The catalogued classes a `for` loop iterates over when its iterable is a literal tuple or
    list of imported names (`for model_class in (RandomForestRegressor, ExtraTreesRegressor):`)."""
    if not isinstance(loop.target, ast.Name) or not isinstance(loop.iter, (ast.Tuple, ast.List)):
        return []
    found: list[tuple[str, RandomStateSpec]] = []
    for element in loop.iter.elts:
        parts: list[str] = []
        node: ast.expr = element
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in ctx.facts.aliases:
            continue
        qualified = ctx.facts.resolve(".".join([node.id, *reversed(parts)]))
        spec = _first_match(qualified, catalog.random_state)
        # A spec that needs a keyword to be random (KFold's shuffle=True) is left out: the loop's
        # one call gives all classes the same keywords, and `when` is judged per class.
        if spec is not None and not spec.when_keyword:
            found.append((qualified, spec))
    return found


def _classes_built_in_a_loop(ctx: RuleContext, ca: CellAnalysis, catalog: RandomnessCatalog, numpy_seeds: list[SeedCall]) -> Iterator[Hit]:
    """`for model_class in (RandomForestRegressor, GradientBoostingRegressor): model = model_class()`:
    the model-comparison loop builds each listed class through the loop variable, which the
    per-call check cannot resolve. One finding per such call, naming the unseeded classes."""
    tree = _parsed(ca)
    if tree is None:
        return
    for loop in nodes_of(tree, ast.For):  # (the cell's shared lists by node class: `ast.walk`'s order)
        classes = _loop_classes(ctx, loop, catalog)
        if not classes:
            continue
        name = loop.target.id  # type: ignore[attr-defined]  # _loop_classes checked it is a Name
        for node in (n for statement in loop.body for n in ast.walk(statement)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name):
                continue
            if any(k.arg is None for k in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args):
                continue  # `model_class(**params)`: the seed may be in there
            given = {k.arg: k.value for k in node.keywords}
            unseeded = [
                qualified for qualified, spec in classes
                if not any(k in given and not (isinstance(given[k], ast.Constant) and given[k].value is None) for k in spec.keywords)
                and not (spec.unless_keyword and isinstance(given.get(spec.unless_keyword), ast.Constant)
                         and str(given[spec.unless_keyword].value) in spec.unless_values)
            ]
            if not unseeded:
                continue
            shorts = [q.rsplit(".", 1)[-1] for q in unseeded]
            listed = ", ".join(f"`{s}`" for s in shorts[:-1]) + f" and `{shorts[-1]}`" if len(shorts) > 1 else f"`{shorts[0]}`"
            keyword = next(spec for q, spec in classes if q == unseeded[0]).keywords[0]
            sklearn = all(q.startswith("sklearn.") for q in unseeded)
            nested = loop not in tree.body  # (a loop in a def, or under an `if`: not known to run after the seed)
            if sklearn and seeded_in_own_cell(numpy_seeds, ca, node.lineno, nested):
                continue  # seeded above in the same cell: every run of the cell repeats it
            changes = _how_it_changes(numpy_seeds, ca, node.lineno, sklearn, plural=len(unseeded) > 1, in_function=nested)
            yield Hit(
                ca.cell, node.lineno, node.col_offset + 1,
                f"`{name}(...)` builds {listed} in turn (the loop of line {loop.lineno}) with no {keyword}: {changes}",
                end_line=node.end_lineno or node.lineno,
                fix=f"Pass {keyword}=SEED in the loop's call (every listed class takes it)",
                key=f"loop:{name}:{','.join(unseeded)}",
            )


def _threaded_training(ctx: RuleContext, catalog: RandomnessCatalog, star_modules: tuple[str, ...], local: frozenset[str]) -> Iterator[Hit]:
    """Models trained by several worker threads (gensim's `Word2Vec(...)`, `workers` 3 by default):
    one finding per notebook at the first (the fix — one worker, a fixed PYTHONHASHSEED — is the
    same for all), the others related."""
    for spec in catalog.threaded_training:
        found: list[tuple[CellAnalysis, CallFact, str]] = []
        idle: list[tuple[CellAnalysis, CallFact, str]] = []
        for ca in ctx.cells:
            dead = unrun_lines(ctx.facts).get(ca.cell.index, frozenset())
            for call in ca.facts.calls:
                if call.line in dead:
                    continue
                qualified = _resolve(ctx.facts, call, star_modules, local, cell_index=ca.cell.index)
                if not qualified or not _matches(qualified, spec.calls) or _has_star(call):
                    continue
                given = next((a for a in call.args if a.keyword == spec.keyword), None)
                if given is None:
                    found.append((ca, call, f"{spec.default} worker threads (`{spec.keyword}`'s default)"))
                elif (given.number or given.constant or "") not in spec.reproducible_values:
                    written = _segment(ca, call, spec.keyword) if given.number else None
                    literal = _literal_number(written)
                    if spec.idle_below is not None and literal is not None and literal < spec.idle_below:
                        idle.append((ca, call, written or ""))  # no thread, no training: not a thread-order question
                        continue
                    folded, configured = _configured_value(ctx, ca, call, spec.keyword)
                    if folded is not None and folded in spec.reproducible_values:
                        continue  # `workers=CONFIG["workers"]` with `"workers": 1` in the config's literal
                    if folded is None and configured:
                        continue  # a key the config literal does not hold: the call fails, it does not thread
                    shown = given.number or given.name or (_segment(ca, call, spec.keyword) if folded is not None else None) or "…"
                    value = f" (= {folded})" if folded is not None and folded != shown else ""
                    found.append((ca, call, f"`{spec.keyword}={shown}`{value}"))  # (not 1)
        if idle:
            yield _idle_training(ctx, spec, idle, star_modules, local)
        if not found:
            continue
        (ca, call, how), others = found[0], found[1:]
        short = _resolve(ctx.facts, call, star_modules, local, cell_index=ca.cell.index).rsplit(".", 1)[-1]
        more = _more_models_like_it(others)
        yield Hit(
            ca.cell, call.line, call.column,
            f"`{short}(...)` trains with {how}: {spec.label} documents that only "
            f"`{spec.keyword}=1` gives a reproducible run (thread scheduling orders the updates) and, across "
            "interpreter launches, a fixed PYTHONHASHSEED; its vectors change from run to run whatever `seed=` says" + more,
            end_line=call.end_line,
            fix=spec.fix,
            key=f"threads:{spec.label}",
            related=tuple((o[0].cell, o[1].line, o[1].column) for o in others),
        )


def _time_budgets(ctx: RuleContext, catalog: RandomnessCatalog) -> Iterator[Hit]:
    """Searches stopped by a wall-clock budget (`study.optimize(objective, n_trials=24,
    timeout=50 * 60)` on a study of `optuna.create_study(…)`): one finding per notebook at the
    first, the others related (fair check 44, T-5.7)."""
    for spec in catalog.time_budgets:
        found: list[tuple[CellAnalysis, CallFact, str]] = []
        receivers: dict[str, bool] = {}
        for ca in ctx.cells:
            dead = unrun_lines(ctx.facts).get(ca.cell.index, frozenset())
            for call in ca.facts.calls:
                if call.method not in spec.methods or not call.receiver or "." in call.receiver or call.line in dead:
                    continue
                given = next((a for a in call.args if a.keyword == spec.keyword), None)
                if given is None or given.constant == "None":
                    continue
                folded, _ = _configured_value(ctx, ca, call, spec.keyword, none=True)
                if folded == "None":
                    continue  # `timeout=TIMEOUT` under `TIMEOUT = None`: no budget
                if call.receiver not in receivers:
                    receivers[call.receiver] = _bound_by_call(ctx, call.receiver, spec.receiver_calls)
                if receivers[call.receiver]:
                    shown = _segment(ca, call, spec.keyword) or given.number or given.name or "…"
                    value = f" (= {folded})" if folded is not None and folded != shown else ""
                    found.append((ca, call, f"`{spec.keyword}={shown}`{value}"))
        if not found:
            continue
        (ca, call, how), others = found[0], found[1:]
        more = ""
        if others:
            cells = sorted({o[0].cell.index for o in others})
            more = f"; {len(others)} more search{'es' if len(others) > 1 else ''} like it (cell{'s' if len(cells) > 1 else ''} {', '.join(map(str, cells))})"
        yield Hit(
            ca.cell, call.line, call.column,
            f"`{call.receiver}.{call.method}(...)` stops after {how} seconds: how many trials finish in that time depends on "
            f"the machine's speed and load, so the best parameters {spec.label} finds differ from machine to machine and run "
            "to run whatever the sampler's seed" + more,
            end_line=call.end_line,
            fix=spec.fix,
            key=f"time-budget:{spec.label}",
            related=tuple((o[0].cell, o[1].line, o[1].column) for o in others),
        )


def _parallel_trials(ctx: RuleContext, ca: CellAnalysis, call: CallFact) -> tuple[str, str] | None:
    """For `study = optuna.create_study(…)`, the first `study.optimize(…)` after it (in its cell, else
    in a cell below) when that call runs trials in parallel: an `n_jobs=` other than the literal 1
    (`n_jobs=6`, `n_jobs=-1`, a name). (`study.optimize(...)` as written, n_jobs as written.)"""
    tree = _parsed(ca)
    name = next((
        node.targets[0].id for node in (nodes_of(tree, ast.Assign) if tree is not None else ())
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call)
        and node.value.lineno == call.line and node.value.col_offset + 1 == call.column
    ), None)
    if name is None:
        return None
    for other in ctx.cells:
        if other.cell.index < ca.cell.index:
            continue
        for c in sorted(other.facts.calls, key=lambda c: (c.line, c.column)):
            if c.receiver != name or c.method != "optimize" or (other is ca and c.line <= call.line):
                continue
            given = next((a for a in c.args if a.keyword == "n_jobs"), None)
            if given is None or given.constant == "None" or _literal_number(given.number) == 1:
                return None
            jobs = _segment(other, c, "n_jobs") or given.number or given.name
            return (f"{name}.optimize(…)", jobs) if jobs else None
    return None


def _bound_by_call(ctx: RuleContext, name: str, calls: tuple[str, ...]) -> bool:
    """Whether code of the notebook (at any level: a study made in the function that runs it)
    binds `name` to the result of one of `calls` (`study = optuna.create_study(…)`)."""
    for ca in ctx.cells:
        tree = _parsed(ca)
        if tree is None or ast.Assign not in node_classes(tree):
            continue
        for node in nodes_of(tree, ast.Assign):
            if (any(isinstance(t, ast.Name) and t.id == name for t in node.targets) and isinstance(node.value, ast.Call)
                    and ctx.facts.resolve(dotted_name(node.value.func) or "") in calls):
                return True
    return False


def _more_models_like_it(others: list[tuple[CellAnalysis, CallFact, str]]) -> str:
    """The tail naming the other models one threaded-training finding stands for ("; 2 more
    models like it (cells 4, 7)"), empty when there are none."""
    if not others:
        return ""
    cells = sorted({o[0].cell.index for o in others})
    return f"; {len(others)} more model{'s' if len(others) > 1 else ''} like it (cell{'s' if len(cells) > 1 else ''} {', '.join(map(str, cells))})"


def _literal_number(text: str | None) -> float | None:
    """The value of a number literal as written (`-1`, `0`, `2.5`); None for anything else."""
    try:
        value = ast.literal_eval(text) if text else None
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _idle_training(
    ctx: RuleContext, spec: ThreadedTraining, idle: list[tuple[CellAnalysis, CallFact, str]],
    star_modules: tuple[str, ...], local: frozenset[str],
) -> Hit:
    """Models given a literal worker count below `spec.idle_below` (`FastText(…, workers=-1)`): no
    worker thread starts and no update is made, so the vectors stay as initialised (from `seed=`,
    and for Word2Vec Python's string hash): a bug, not a question of thread order. One finding
    at the first, the others related (fair check 32, item 144)."""
    (ca, call, written), others = idle[0], idle[1:]
    short = _resolve(ctx.facts, call, star_modules, local, cell_index=ca.cell.index).rsplit(".", 1)[-1]
    more = _more_models_like_it(others)
    return Hit(
        ca.cell, call.line, call.column,
        f"`{short}(...)` is given `{spec.keyword}={written}`: {spec.label} starts one training thread per worker "
        f"and none below {spec.idle_below}, so the model is never trained (its vectors stay at their "
        "random initial values) and no error says so" + more,
        end_line=call.end_line,
        fix=spec.idle_fix or f"Pass {spec.keyword}=1",
        key=f"idle-threads:{spec.label}",
        related=tuple((o[0].cell, o[1].line, o[1].column) for o in others),
    )


def _segment(ca: CellAnalysis, call: CallFact, keyword: str) -> str | None:
    """The keyword argument's expression as written (`CONFIG["workers"]`), when it fits on its line."""
    tree = _parsed(ca)
    for node in walk_nodes(tree) if tree is not None else ():
        if isinstance(node, ast.Call) and node.lineno == call.line and node.col_offset + 1 == call.column:
            value = next((k.value for k in node.keywords if k.arg == keyword), None)
            text = ast.get_source_segment(ca.masked.python, value) if value is not None else None
            return text if text and "\n" not in text and len(text) <= 60 else None
    return None


_MUTATING_METHODS = frozenset({"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"})


def _configured_value(ctx: RuleContext, ca: CellAnalysis, call: CallFact, keyword: str, none: bool = False) -> tuple[str | None, bool]:
    """The keyword's value folded through the notebook's constant configuration (fair check 18:
    `Word2Vec(..., workers=CONFIG["word2vec"]["workers"])` under `CONFIG = {"word2vec": {"workers": 1,
    …}}`): through names bound once at the top level of a cell and never bound again, and subscripts
    of dict literals never assigned into (`CONFIG["a"] = …`, `CONFIG.update(…)`). Returns (the value
    as text, or None; whether it reads a key such a dict literal does not have). `none`: a folded
    `None` is "None" (`timeout=TIMEOUT` under `TIMEOUT = None`)."""
    tree = _parsed(ca)
    argument = None
    for node in walk_nodes(tree) if tree is not None else ():
        if isinstance(node, ast.Call) and node.lineno == call.line and node.col_offset + 1 == call.column:
            argument = next((k.value for k in node.keywords if k.arg == keyword), None)
            break
    if argument is None:
        return None, False
    bindings: dict[str, list[ast.expr]] = {}
    stores: dict[str, int] = {}
    mutated: set[str] = set()
    for _, statement, name in module_level_assignments(ctx.cells):
        bindings.setdefault(name, []).append(statement.value)
    for other in ctx.cells:
        parsed = cell_python_tree(other)
        if parsed is None:
            continue
        for node in walk_nodes(parsed):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                stores[node.id] = stores.get(node.id, 0) + 1
            elif isinstance(node, ast.arg):
                stores[node.arg] = stores.get(node.arg, 0) + 2
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
                mutated.add(_root_name(node))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _MUTATING_METHODS:
                mutated.add(_root_name(node.func.value))
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                mutated.update(node.names)
    configured = False

    def fold(node: ast.expr, depth: int = 0) -> ast.expr | None:
        nonlocal configured
        if depth > 8:
            return None
        if isinstance(node, ast.Name):
            values = bindings.get(node.id, [])
            if len(values) != 1 or stores.get(node.id) != 1 or node.id in mutated:
                return None
            return fold(values[0], depth + 1)
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            mapping = fold(node.value, depth + 1)
            if not isinstance(mapping, ast.Dict):
                return None
            if any(key is None for key in mapping.keys):
                return None  # `{**defaults, …}`: the key may come from there
            for key, value in reversed(list(zip(mapping.keys, mapping.values))):
                if isinstance(key, ast.Constant) and key.value == node.slice.value:
                    return fold(value, depth + 1)
            configured = True  # (a key the literal lacks: the call raises KeyError)
            return None
        if isinstance(node, (ast.Constant, ast.Dict)):
            return node
        return None

    found = fold(argument)
    if isinstance(found, ast.Constant) and isinstance(found.value, (int, float, str, bool)) and not isinstance(found.value, bool):
        return str(found.value), configured
    if none and isinstance(found, ast.Constant) and found.value is None:
        return "None", configured
    return None, configured


def _root_name(node: ast.expr) -> str:
    while isinstance(node, (ast.Subscript, ast.Attribute, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


# scikit-learn's and imbalanced-learn's (`BalancedBaggingClassifier`, `EasyEnsembleClassifier`,
# `RUSBoostClassifier`) ensembles pass their random_state on to the estimators they are given.
_SEEDS_ITS_ESTIMATORS = ("Bagging", "AdaBoost", "BalancedBagging", "EasyEnsemble", "RUSBoost")


def _given_to_a_seeded_ensemble(ca: CellAnalysis, call: CallFact, ensembles: list[CallFact]) -> bool:
    """`BaggingClassifier(DecisionTreeClassifier(), random_state=1)`, or `tree = DecisionTreeClassifier()`
    then `BaggingClassifier(tree, random_state=1)` in the same cell: the ensemble seeds the tree."""
    for outer in ensembles:
        if outer is not call and (outer.line, outer.column) < (call.line, call.column) and call.line <= outer.end_line:
            return True
    text = ca.lines[call.line - 1][: call.column - 1] if 0 < call.line <= len(ca.lines) else ""
    assigned = re.match(r"^\s*([A-Za-z_]\w*)\s*=\s*$", text)
    return assigned is not None and any(a.name == assigned.group(1) for outer in ensembles for a in outer.args)


def _fold_into_unseeded_ensembles(ca: CellAnalysis, reported: list[tuple[CallFact, str, Hit]]) -> Iterator[Hit]:
    """`AdaBoostClassifier(DecisionTreeClassifier(max_depth=2))` with no random_state anywhere: both
    calls are unseeded, but the ensemble hands its own random_state to every estimator it is given,
    so the one fix (seed the ensemble) covers both. The base estimator's finding is folded into the
    ensemble's (the reported-ensemble twin of `_given_to_a_seeded_ensemble`)."""
    ensembles = [call for call, qualified, _ in reported if qualified.rsplit(".", 1)[-1].startswith(_SEEDS_ITS_ESTIMATORS)]
    folded: dict[int, list[CallFact]] = {}
    for call, _, _ in reported:
        outer = next((e for e in ensembles if e is not call and _given_to_a_seeded_ensemble(ca, call, [e])), None)
        if outer is not None:
            folded.setdefault(id(outer), []).append(call)
    folded_calls = {id(c) for inner in folded.values() for c in inner}
    for call, _, hit in reported:
        if id(call) in folded_calls:
            continue
        inner = folded.get(id(call))
        if inner:
            hit = replace(
                hit,
                message=hit.message + " (seeding it also seeds the estimator it is given, which has no random_state either)",
                related=tuple((ca.cell, c.line, c.column) for c in inner),
            )
        yield hit


def _fold_lists_of_estimators(ca: CellAnalysis, hits: list[Hit]) -> Iterator[Hit]:
    """`StackingCVRegressor([GradientBoostingRegressor(), RandomForestRegressor(n_estimators=50), …])`:
    the unseeded estimators of one list (or tuple) literal given to one call are one model's base
    learners, one fix (seed the list's learners): one finding at the first, the others related and
    counted (fair check 18: 12 findings for the two stacks of one cell). So are those of one list
    literal bound to one name (`models = [LinearRegression(), DecisionTreeRegressor(), …]`), the
    learners of the one stack the notebook's own function fits, or the candidates of one
    comparison, one fix as for `_fold_named_comparisons` (fair check 52, item 156,
    rnd002-one-finding-per-estimator-of-one-ensemble). An estimator inside an
    element (`make_pipeline(PolynomialFeatures(2), Lasso())`) belongs to that element's list."""
    tree = _parsed(ca) if len(hits) > 1 else None
    if tree is None:
        yield from hits
        return
    parents = _parent_map(tree)
    lists: dict[tuple[int, int], ast.AST] = {}  # (line, column) of a call → the list literal holding it
    for node in walk_nodes(tree):
        if not isinstance(node, ast.Call):
            continue
        parent = parents.get(node)
        while parent is not None and not isinstance(parent, (ast.stmt, ast.Lambda, ast.comprehension)):
            holder = parents.get(parent)
            if isinstance(parent, (ast.List, ast.Tuple)) and (
                isinstance(holder, (ast.Call, ast.keyword))
                # (bound to one name, `models = [LinearRegression(), DecisionTreeRegressor(), …]`, for
                # the notebook's own `stack(x, y, models)`: fair check 52, item 156)
                or (isinstance(holder, ast.Assign) and holder.value is parent and len(holder.targets) == 1
                    and isinstance(holder.targets[0], ast.Name))
            ):
                lists[(node.lineno, node.col_offset + 1)] = parent
                break
            parent = parents.get(parent)
    yield from _fold_groups(
        hits, {at: id(held) for at, held in lists.items()},
        counted=_list_members_word, said=" of this list", fix=", to every estimator of the list",
    )


# Estimators that learn no target: embeddings, projections, clusterings and mixtures (`TSNE`,
# `SpectralEmbedding`, `PCA`, `KMeans`, `GaussianMixture`, …), by the class names scikit-learn and
# umap-learn give them.
_NOT_LEARNERS = re.compile(r"(?:TSNE|UMAP|Embedding|PCA|SVD|ICA|NMF|KMeans|Mixture|Clustering|Projection|MDS|Isomap)$")


def _list_members_word(members: list[Hit]) -> str:
    """What a folded list holds, for its count: " learner" when every member is a model that learns a
    target (a stack's classifiers and regressors), " estimator" when one of them is an embedding, a
    projection or a clustering (a list of `TSNE`s and `UMAP`s is no model's learners)."""
    if any(_NOT_LEARNERS.search((hit.key or "").rsplit(".", 1)[-1]) for hit in members):
        return " estimator"
    return " learner"


def _fold_mappings_of_estimators(ca: CellAnalysis, hits: list[Hit]) -> Iterator[Hit]:
    """`models = {'decision_tree': {'model': DecisionTreeClassifier(), 'parameters': …},
    'random_forest': {'model': RandomForestClassifier(), …}}` (or `{'a': Lasso(), 'b': …}`), then
    searched or fitted one by one in a loop: the unseeded estimators inside the values of one dict
    literal bound to one name are the candidates of one comparison, one fix (seed them all), as
    for a list bound to a name (`_fold_lists_of_estimators`): one finding, the others related and
    counted (fair check 53, item 152). A dict literal given straight to a call, or one whose key
    holds the call, gathers nothing."""
    tree = _parsed(ca) if len(hits) > 1 else None
    if tree is None:
        yield from hits
        return
    parents = _parent_map(tree)
    mappings: dict[tuple[int, int], int] = {}  # (line, column) of a call → id of the dict literal holding it
    for node in walk_nodes(tree):
        if not isinstance(node, ast.Call):
            continue
        child: ast.AST = node
        parent = parents.get(node)
        while parent is not None and not isinstance(parent, (ast.stmt, ast.Lambda, ast.comprehension)):
            holder = parents.get(parent)
            if isinstance(parent, ast.Dict) and any(child is k for k in parent.keys):
                break  # (a key, not a candidate)
            if (isinstance(parent, ast.Dict) and isinstance(holder, ast.Assign) and holder.value is parent
                    and len(holder.targets) == 1 and isinstance(holder.targets[0], ast.Name)):
                mappings[(node.lineno, node.col_offset + 1)] = id(parent)
                break
            child, parent = parent, holder
    yield from _fold_groups(
        hits, mappings, counted=" estimator", said=" of this mapping", fix=", to every estimator of the mapping",
        strongest=True,
    )


def _breaks_ties_only(hit: Hit) -> bool:
    """A best-split tree's finding (`_how_it_changes`, `ties_only`): its draws only break ties, the
    weakest draw of a group, not the one to carry the group's finding (fair check 53, item 152)."""
    return "draws only break ties" in hit.message


def _fold_groups(hits: list[Hit], group_of: dict[tuple[int, int], object], *,
                 counted: str | Callable[[list[Hit]], str], said: str, fix: str,
                 strongest: bool = False) -> Iterator[Hit]:
    """The hits whose (line, column) `group_of` maps to one group are one finding at the group's
    first hit (`strongest`: its first whose draws do more than break ties, `_breaks_ties_only`), the
    others related and counted in its message (`counted` the counted noun, or a function giving it
    from the group's hits; `said` what they share) and `fix` appended to its fix; hits of no group,
    or alone in theirs, pass unchanged. Shared by `_fold_lists_of_estimators`,
    `_fold_mappings_of_estimators` and `_fold_named_comparisons`."""
    groups: dict[object, list[Hit]] = {}
    for hit in hits:
        group = group_of.get((hit.line or 0, hit.column or 0))
        if group is not None:
            groups.setdefault(group, []).append(hit)
    # `strongest`: the group's finding is at its first member whose draws do more than break ties
    # (a forest beside a best-split tree), else at its first (fair check 53, item 152). Not for the
    # lists: fair check 52 (item 156) judged a list's forest the duplicate of the tree before it.
    anchors = {group: next((h for h in members if strongest and not _breaks_ties_only(h)), members[0])
               for group, members in groups.items()}
    folded = {id(h) for group, members in groups.items() if len(members) > 1 for h in members if h is not anchors[group]}
    for hit in hits:
        if id(hit) in folded:
            continue
        group = group_of.get((hit.line or 0, hit.column or 0))
        members = groups.get(group, []) if group is not None else []
        if len(members) > 1:
            others = [h for h in members if h is not hit]
            many = len(others) > 1
            noun = counted(members) if callable(counted) else counted
            hit = replace(
                hit,
                message=hit.message + f"; {len(others)} more{noun}{'s' if many else ''}{said} "
                f"{'have' if many else 'has'} no seed either (line{'s' if many else ''} "
                + ", ".join(str(o.line) for o in others[:8]) + (f" and {len(others) - 8} more" if len(others) > 8 else "") + ")",
                fix=hit.fix + fix,
                related=(*hit.related, *((o.cell, o.line, o.column) for o in others if o.cell is not None)),
            )
        yield hit


# A project that ignores RND001: the partial seeding is then this rule's finding.
_WITHOUT_RND001 = {"pyproject.toml": '[tool.nbrefactor]\nignore = ["RND001"]\n'}


class PartialSeeding(Rule):
    code = "RND003"
    name = "partial-seeding"
    family = Family.RANDOMNESS
    severity = Severity.INFO
    summary = "The notebook seeds some random libraries but draws from another that it never seeds."
    what_it_does = (
        "When the notebook runs at least one seeding call (a module-level one, or one inside a "
        "function that is called) and also draws from the global state of a library that nothing "
        "seeds anywhere, reports once, at the first seeding call that runs, naming the libraries "
        "left unseeded. Unseeded generators (`np.random.default_rng()`) are RND001's business and "
        "do not count here, nor are layer constructions whose weights the notebook then loads, "
        "random inputs of a timing, or draws whose value is only shown (`df.sample(10)`; see RND001). "
        "One root cause, one finding: while RND001 is enabled, a library it reports (an unseeded "
        "draw) is left to RND001, whose finding names the seeding call and lists it as a related "
        "location, so this rule speaks only of libraries RND001 does not report — when RND001 is "
        "ignored for the notebook, or its draws are silenced with `# noqa: RND001`."
    )
    why_bad = (
        "A seed cell signals \"this notebook is reproducible\", and readers trust it. Seeding NumPy "
        "while the model is initialised by PyTorch, or seeding `random` while pandas samples "
        "through NumPy, leaves the results varying from run to run behind that promise. The fix "
        "belongs next to the existing seed, so that is where it is reported."
    )
    example = (
        "import numpy as np, torch\n"
        "np.random.seed(0)            # reported: torch is never seeded\n"
        "model = torch.nn.Linear(8, 1)  # noqa: RND001 (without it, RND001 reports this line instead)"
    )
    use_instead = (
        "import numpy as np, torch\n"
        "np.random.seed(0)\n"
        "torch.manual_seed(0)\n"
        "model = torch.nn.Linear(8, 1)"
    )
    passing = (
        # Nothing seeded at all: RND001 speaks, not this rule.
        Example(cells=("import numpy as np\nimport torch", "x = np.random.rand(3)\ny = torch.rand(3)")),
        # Everything drawn from is seeded, even if only after the draw (RND001's business).
        Example(cells=("import numpy as np\nimport random\nnp.random.seed(0)", "r = random.random()", "random.seed(0)")),
        # A seeding helper that is never called seeds nothing, so there is no partial seeding to report.
        Example(cells=("import numpy as np\nimport torch\ndef set_seed(s):\n    np.random.seed(s)", "x = torch.rand(2)")),
        # Seeds PyTorch, draws from NumPy: RND001 reports the NumPy draw, with this seed related.
        Example(cells=("import numpy as np\nimport torch\ntorch.manual_seed(7)", "x = np.random.rand(3)")),
    )
    failing = (
        Example(cells=(
            md("Setup"),
            "import numpy as np\nimport torch\nimport tensorflow as tf\nimport random",
            "random.seed(1)\nnp.random.seed(1)",
            "x = torch.randn(4)\nw = tf.random.normal([2])\ny = np.random.rand(2)",
        ), expect=((3, 1),), files=_WITHOUT_RND001),
        # The first seeding call that runs is inside the helper, called in cell 2.
        Example(cells=(
            "import random\nimport numpy as np\nimport pandas as pd\ndef set_seed(s):\n    random.seed(s)",
            "set_seed(3)\nnp.random.shuffle(arr)",
        ), expect=((1, 5),), files=_WITHOUT_RND001),
        # RND001 enabled, but the only PyTorch draw is silenced for it: the seed call still speaks.
        Example(cells=(
            "import numpy as np\nimport torch\nnp.random.seed(0)",
            "noise = torch.randn(4)  # noqa: RND001",
        ), expect=((1, 3),)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        catalog, rf = _facts(ctx)
        seeds = rf.effective_seeds()
        if not seeds:
            return
        seeded = set().union(*(seed.libraries for _, seed in seeds))
        if not {d.library for d in rf.draws} - seeded:
            return  # every library drawn from is seeded: the tests below could only leave draws out
        loaded = _weights_loaded(ctx.facts)
        # Layers whose initial weights are replaced by loaded ones draw nothing that matters, nor
        # do random inputs of a timing or values only shown.
        timed = _timed_or_shown(ctx, rf)
        unseeded = {d.library for d in rf.draws if not _replaced(d, loaded) and (d.ca.cell.index, d.call.line, d.call.column) not in timed} - seeded
        if rule_enabled(ctx.settings, UnseededRandom.code, UnseededRandom.name, UnseededRandom.family.value, ctx.facts.notebook.path):
            # One root cause, one finding: RND001 reports these libraries at their first draw,
            # with this seeding call as a related location.
            unseeded -= set(_unseeded_draws(ctx, rf, seeds))
        if not unseeded:
            return
        _, first = seeds[0]
        names = _libraries_text(catalog, unseeded)
        fixes = "; ".join(_library_fix(ctx, lib) for lib in _in_catalogue_order(catalog, unseeded))
        yield Hit(
            first.ca.cell, first.call.line, first.call.column,
            f"The notebook seeds {_libraries_text(catalog, seeded)} but never {names}, which it also draws from",
            end_line=first.call.end_line,
            fix=f"Seed the rest beside this call: {fixes}",
            key=",".join(sorted(unseeded)),
        )


def _fold_named_comparisons(ca: CellAnalysis, hits: list[Hit]) -> Iterator[Hit]:
    """`gs_1 = RandomizedSearchCV(pipe_1, …)` … `gs_9 = RandomizedSearchCV(pipe_9, …)`, then
    `grids = [gs_1, …, gs_9]` and `for gs in grids: gs.fit(…)`: the unseeded estimators bound each
    to a name of one scope (the cell's top level or one def's body), those names then gathered in
    one list or tuple literal of plain names, are the candidates of one comparison, one fix (seed
    them all): one finding at the first, the others related and counted (fair check 51, items 150,
    153, 159, rnd002-one-finding-per-search-of-one-comparison). A name bound more than once in its
    scope, or a list holding anything but names, gathers nothing."""
    tree = _parsed(ca) if len(hits) > 1 else None
    if tree is None:
        yield from hits
        return
    scopes: list[ast.AST] = [tree, *(n for n in walk_nodes(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))]
    held: dict[tuple[int, int], tuple[int, int]] = {}  # (line, column) of a call → (scope, list literal) ids
    for scope in scopes:
        own: list[ast.AST] = []  # the scope's nodes, not those of the defs inside it
        stack = list(ast.iter_child_nodes(scope))
        while stack:
            node = stack.pop()
            own.append(node)
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                stack.extend(ast.iter_child_nodes(node))
        stores: dict[str, int] = {}
        for node in own:
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                stores[node.id] = stores.get(node.id, 0) + 1
        bound = {  # name → its one call
            st.targets[0].id: st.value for st in own
            if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name)
            and isinstance(st.value, ast.Call) and stores.get(st.targets[0].id) == 1
        }
        for node in own:
            if (isinstance(node, (ast.List, ast.Tuple)) and isinstance(node.ctx, ast.Load) and len(node.elts) > 1
                    and all(isinstance(e, ast.Name) for e in node.elts)):
                for element in node.elts:
                    value = bound.get(element.id)  # type: ignore[attr-defined]
                    if value is not None:
                        held.setdefault((value.lineno, value.col_offset + 1), (id(scope), id(node)))
    yield from _fold_groups(
        hits, held, counted=" estimator", said=" compared with it (bound to names gathered in one list)",
        fix=", to every estimator of the comparison",
    )


def _search_samples_whole_grid(ca: CellAnalysis, call: CallFact, qualified: str) -> bool:
    """`RandomizedSearchCV(pipe, param_distributions=grid, n_iter=10)` whose grid is a dict literal
    (or a list of them) of list or tuple literals only, bound once in the call's scope (the cell's
    top level or its def's body) above it, with no more candidates than `n_iter` (10 by default):
    scikit-learn's `ParameterSampler` then evaluates every candidate of the grid (it warns and
    lowers `n_iter`), so the seed only orders them and the search finds the same best parameters
    on every run (fair check 51, item 148, rnd002-search-samples-whole-grid). A distribution
    (`scipy.stats.uniform`, a `range`), a `**` or a larger grid keeps the search reported."""
    if qualified.rsplit(".", 1)[-1] != "RandomizedSearchCV":
        return False
    tree = _parsed(ca)
    node = _call_node(ca, tree, call) if tree is not None else None
    if tree is None or node is None or any(isinstance(a, ast.Starred) for a in node.args):
        return False
    keywords = {k.arg: k.value for k in node.keywords}
    if None in keywords:
        return False
    grid = keywords.get("param_distributions", node.args[1] if len(node.args) > 1 else None)
    n_iter = keywords.get("n_iter", node.args[2] if len(node.args) > 2 else ast.Constant(10))
    if not (isinstance(n_iter, ast.Constant) and type(n_iter.value) is int) or grid is None:
        return False
    if isinstance(grid, ast.Name):
        parents = _parent_map(tree)
        scope: ast.AST | None = parents.get(node)
        while scope is not None and not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            scope = parents.get(scope)
        scope = scope or tree
        stores = [n for n in walk_nodes(scope) if isinstance(n, ast.Name) and n.id == grid.id and not isinstance(n.ctx, ast.Load)]
        store = stores[0] if len(stores) == 1 else None
        statement = parents.get(store) if store is not None else None
        if not (isinstance(statement, ast.Assign) and statement.targets == [store] and statement.lineno < node.lineno):
            return False
        grid = statement.value

    def size(mapping: ast.expr) -> int | None:
        if not isinstance(mapping, ast.Dict) or not mapping.keys or any(not isinstance(k, ast.Constant) for k in mapping.keys):
            return None
        product = 1
        for value in mapping.values:
            if not isinstance(value, (ast.List, ast.Tuple)) or any(isinstance(e, ast.Starred) for e in value.elts):
                return None
            product *= len(value.elts)
        return product

    sizes = [size(m) for m in grid.elts] if isinstance(grid, (ast.List, ast.Tuple)) else [size(grid)]
    if not sizes or None in sizes:
        return False
    return 0 < sum(s for s in sizes if s is not None) <= n_iter.value


def _platt_never_read(facts: NotebookFacts, ca: CellAnalysis, call: CallFact) -> bool:
    """`svm = SVC(kernel="rbf", probability=True)`, `model2 = svm.fit(X, y)`, then only
    `model2.predict(X_test)` in the cells below: an SVC's seed only drives the internal
    cross-validation of its Platt scaling, which only `predict_proba`/`predict_log_proba` read, so
    a model (and the names its `fit` returns, the same object) read only for what that calibration
    does not change (`_PLATT_FREE`) gives the same results whatever the seed (fair check 51, item
    149, rnd002-svc-probability-unused). Any other read (the name given to a function or a scorer,
    pickled, read in a def's body for anything else) keeps it reported."""
    if call.in_function:
        return False
    tree = _parsed(ca)
    node = _call_node(ca, tree, call) if tree is not None else None
    if tree is None or node is None:
        return False
    statement = statement_at(tree, node.lineno)
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)):
        return False
    value = statement.value
    if not (value is node or (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                              and value.func.attr == "fit" and value.func.value is node)):
        return False
    names = {statement.targets[0].id}
    for other in facts.cells:
        if other.cell.index < ca.cell.index:
            continue
        if other is not ca and not any(re.search(rf"\b{re.escape(n)}\b", other.cell.source) for n in names):
            continue
        other_tree = tree if other is ca else _parsed(other)
        if other_tree is None:
            return False
        parents = _parent_map(other_tree)
        loads = sorted((n for n in walk_nodes(other_tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
                        and (other is not ca or n.lineno > (statement.end_lineno or statement.lineno))),
                       key=lambda n: (n.lineno, n.col_offset))
        for load in loads:
            if load.id not in names:
                continue
            parent = parents.get(load)
            if not (isinstance(parent, ast.Attribute) and parent.attr in _PLATT_FREE):
                return False
            if parent.attr == "fit":
                fitted = parents.get(parent)
                assigned = parents.get(fitted) if isinstance(fitted, ast.Call) else None
                if (isinstance(assigned, ast.Assign) and len(assigned.targets) == 1 and isinstance(assigned.targets[0], ast.Name)
                        and assigned in other_tree.body):
                    names.add(assigned.targets[0].id)  # `model2 = svm.fit(X, y)`: the same object
    return True
