"""Paths: hardcoded, user-specific, remote and working-directory-dependent locations.

Two catalogues drive these rules, both data a team can extend without Python:
`rules/io_calls.toml` says which call arguments are paths (and whether the call reads or writes —
the compiler reuses that through `path_arguments`), `rules/paths.toml` says which paths belong to
one user or machine, which URI schemes are remote, and what merely looks like a path.

Every string literal is classified once (`literal_findings`): remote (PTH003), user-specific
(PTH002), absolute (PTH001), or — only as the path argument of a catalogued call — relative
(PTH006). A literal gets at most one of them, so `"/home/alice/x.csv"` is PTH002 and not also PTH001.
"""

from __future__ import annotations

import ast
import builtins
import fnmatch
import itertools
import posixpath
import re
import shlex
import string
import sys
import warnings
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Callable, Collection, Iterable, Iterator, Mapping, Optional, Sequence

from nbrefactor.audit.analysis import ArgFact, CallFact, CellAnalysis, NotebookFacts, StringFact
from nbrefactor.audit.analysis import (
    cell_python_tree, configured_off_lines, constant_test, dead_branch_lines, index_single_assignments, module_level_assignments, nodes_of, tree_nodes,
    off_branch_function_lines, uncalled_function_lines,
)
from nbrefactor.audit.facts import dotted_name, statement_at, statement_index_at, walk_nodes
from nbrefactor.audit.catalog import Catalog
from nbrefactor.audit.container_code import ContainerSpan, container_spans, in_container
from nbrefactor.audit.types import Cell, Family, Severity
from nbrefactor.audit.ipython import MagicLine, cd_operand
from nbrefactor.audit.rules import Example, Hit, Rule, RuleContext, and_listed, md, name_loads, own_folder_bootstraps_of, single_assignments
from nbrefactor.audit.rules import code as code_cell
from nbrefactor.audit.distributions import _clone_target as clone_target
from nbrefactor.audit.distributions import cloned_path_edits, install_spellings, written_modules
from nbrefactor.audit.patterns import literal_ends
from nbrefactor.audit.project import normalise as normalise_distribution
from nbrefactor.audit.hosted import (
    colab_detection_branch, hosted_only, hosted_test, if_branch, local_test, mentions_hosted, under_bootstrap_folder,
)

# ---------------------------------------------------------------------------------------------
# The catalogue of path-taking calls (rules/io_calls.toml)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IoCall:
    """One `[[call]]` entry: one argument of one call that carries a path (or a URL)."""

    function: str = ""  # qualified name, `*` allowed; "" for a method entry
    method: str = ""  # attribute name matched on any receiver; "" for a function entry
    receivers: tuple[str, ...] = ()  # methods only: allowed last parts of the receiver
    position: Optional[int] = None
    keywords: tuple[str, ...] = ()
    direction: str = "read"  # read | write | both | none
    kind: str = "path"  # path | url
    mode_position: Optional[int] = None
    mode_keyword: str = ""
    default_mode: str = ""
    recording: bool = False  # writes media made only to be watched (an episode's video), no data
    # A keyword that, given and not `False`, makes the call download into the path before reading it
    # (`torchvision.datasets.MNIST("/data", download=True)`): said so in messages, not "read by".
    downloads_when: str = ""
    # The call always downloads into the path when the path lacks its files, with no switch to ask
    # (PyTorch Geometric's `Planetoid(root, name)`): as if `downloads_when` were given.
    downloads_always: bool = False
    # A suffix the call adds to a written path that lacks it: `numpy.savez("data/training", …)`
    # writes `data/training.npz` (`written_file`).
    appends_suffix: str = ""
    # Not a catalogue entry: the generic fallback's guess for a call no catalogue names
    # (`h2o.import_file(path=...)`, `sc.textFile("./x.gz")`), whose direction is unknown.
    generic: bool = False


@dataclass(frozen=True)
class PathArgument:
    """A literal (or not) passed where a catalogued call takes a path. Public: the compiler reads
    `direction` to know what a section reads and writes."""

    call: CallFact
    arg: ArgFact
    entry: IoCall
    qualified: str  # the resolved callee ("pandas.read_csv") or ".to_csv" for a method entry
    direction: str  # read | write | both | none, after looking at an `open`-like mode argument
    literal: Optional[StringFact]  # the string literal passed, when it is one
    # The value of the call's download switch (`download=True`, or `download=DOWNLOAD` with
    # `DOWNLOAD = True` bound once above: "True"), None when it is not given or not known.
    download_flag: Optional[str] = None

    @property
    def shown_callee(self) -> str:
        """The callee as the notebook writes it (`pd.read_csv`, `.to_csv`)."""
        return self.call.func or f".{self.call.method}"

    @property
    def verb(self) -> str:
        """What the call does with the path, for messages: "read by", "written by", "read and
        written by", "passed to"; "downloaded into and read by" for a dataset class told to download."""
        if self.entry.generic:
            # The catalogue does not know this call; a name that says what it does is taken at its
            # word (`data_utils.read_dataset("data.pkl")`, `load_table(…)`: read by; `save_html`,
            # `export_table`: written by; fair check 30, item 99), else "used by" (read or written).
            name = self.shown_callee.rpartition(".")[2]
            return "read by" if _READER_NAME.match(name) else "written by" if _WRITER_NAME.match(name) else "used by"
        if (self.qualified or self.shown_callee) in _DELETE_CALLS:
            return "deleted by"  # `os.remove("out.bin")` writes nothing (fair check 21, item 128)
        if self.entry.downloads_always:
            return "downloaded into and read by"
        if self.entry.downloads_when:
            flag = self.call.arg(None, (self.entry.downloads_when,))
            if flag is not None and self.download_flag not in ("False", "None"):
                return "downloaded into and read by"
        return _VERBS.get(self.direction, "passed to")


# Names of uncatalogued calls that say which way the path goes (the whole name or its first word).
_READER_NAME = re.compile(r"(?:read|load)(?:_\w+)?$")
_WRITER_NAME = re.compile(r"(?:save|write|export|dump)(?:_\w+)?$")
_VERBS = {"read": "read by", "write": "written by", "both": "read and written by", "none": "passed to"}


def io_call_entries(catalog: Catalog) -> tuple[IoCall, ...]:
    return catalog.derived("paths.io_calls", lambda c: _entries(_freeze(c.table("io_calls", "call", []))))


def _freeze(value: Any) -> Any:
    """TOML tables → hashable tuples, so parsed catalogues can be cached by content."""
    if isinstance(value, Mapping):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


@lru_cache(maxsize=16)
def _entries(raw: tuple) -> tuple[IoCall, ...]:
    out = []
    for frozen in raw:
        item = dict(frozen)
        function = str(item.get("function", ""))
        method = str(item.get("method", ""))
        if bool(function) == bool(method):
            raise ValueError(f"io_calls.toml: an entry needs exactly one of function/method: {item}")
        position = item.get("position")
        mode_position = item.get("mode_position")
        out.append(
            IoCall(
                function=function,
                method=method,
                receivers=tuple(item.get("receivers", ())),
                position=int(position) if position is not None else None,
                keywords=tuple(item.get("keywords", ())),
                direction=str(item.get("direction", "read")),
                kind=str(item.get("kind", "path")),
                mode_position=int(mode_position) if mode_position is not None else None,
                mode_keyword=str(item.get("mode_keyword", "")),
                default_mode=str(item.get("default_mode", "")),
                recording=bool(item.get("recording", False)),
                downloads_when=str(item.get("downloads_when", "")),
                downloads_always=bool(item.get("downloads_always", False)),
                appends_suffix=str(item.get("appends_suffix", "")),
            )
        )
    return tuple(out)


def resolve_callee(facts: NotebookFacts, catalog: Catalog, dotted: str) -> str:
    """`pd.read_csv` → `pandas.read_csv` through the notebook's imports; when the notebook never
    binds the head name, through the conventional aliases of io_calls.toml (`np`, `plt`…)."""
    if not dotted:
        return dotted
    head, _, rest = dotted.partition(".")
    if head in facts.aliases:
        return facts.resolve(dotted)
    conventional = catalog.table("io_calls", "aliases", {}).get(head)
    if conventional:
        return f"{conventional}.{rest}" if rest else conventional
    return dotted


# The notebook last asked about: (facts, its star-imported modules, the names its cells bind).
_last_star: Optional[tuple[object, tuple[str, ...], frozenset[str]]] = None


def _star_candidates(facts: NotebookFacts, catalog: Catalog, dotted: str, qualified: str) -> tuple[str, ...]:
    """`from fastai.vision.all import *` then `get_image_files(path)` or `Path('x')`: a head name
    the notebook neither imports by name nor binds can only come from a star import. Candidates:
    what a star-imported module re-exports under that name (`[[star_reexport]]` in io_calls.toml:
    `Path` → `pathlib.Path`), then `<module>.<dotted>` for each star-imported module, last first
    (as Python binds them)."""
    global _last_star
    if not dotted or qualified != dotted:
        return ()  # resolved through an import or a conventional alias
    if _last_star is None or _last_star[0] is not facts:
        stars = tuple(imp.module for _, imp in facts.imports if imp.bound == "*" and imp.module)
        bound = frozenset(
            r.name for ca in facts.cells for r in (*ca.facts.defined, *ca.facts.functions, *ca.facts.classes)
        ) if stars else frozenset()
        _last_star = (facts, stars, bound)
    _, stars, bound = _last_star
    head, _, rest = dotted.partition(".")
    if not stars or head in facts.aliases or head in bound:
        return ()
    found: list[str] = []
    for module in reversed(stars):
        for item in catalog.table("io_calls", "star_reexport", []) or []:
            target = dict(item.get("names", {})).get(head)
            if target and any(fnmatch.fnmatchcase(module, m) for m in item.get("modules", ())):
                found.append(f"{target}.{rest}" if rest else str(target))
        found.append(f"{module}.{dotted}")
    return tuple(dict.fromkeys(found))


def matching_entries(facts: NotebookFacts, catalog: Catalog, call: CallFact) -> tuple[str, tuple[IoCall, ...]]:
    """The catalogue entries for `call`: function entries first; method entries only when none
    matches (so `torch.save(obj, path)` is not mistaken for `model.save(path)`).

    Remembered for the notebook last asked about, by the callee as written (the call's `func`,
    `method` and `receiver`, all it reads of the call): a notebook calls the same few callees
    again and again (PDSH: 3,284 distinct of 6,746 calls). The memo holds the facts and the
    catalogue, so an identity match is never a newer object at a reused id."""
    memo = _MATCHING
    if not memo or memo[0] is not facts or memo[1] is not catalog:
        memo[:] = [facts, catalog, {}]
    known: dict[tuple[str, str, str], tuple[str, tuple[IoCall, ...]]] = memo[2]
    key = (call.func, call.method, call.receiver)
    found = known.get(key)
    if found is None:
        found = known[key] = _matching_entries(facts, catalog, call)
    return found


_MATCHING: list = []  # [facts, catalog, {(func, method, receiver): (qualified, entries)}]


def _lost_import_entries(
    facts: NotebookFacts, catalog: Catalog, name: str, entries: tuple[IoCall, ...], by_function: dict[str, tuple[int, ...]],
) -> Optional[tuple[str, tuple[IoCall, ...]]]:
    """A bare callee nothing in the notebook binds (no import, definition, star import, `%run`,
    `%load` or `exec`: an import lost, HID003's finding) whose name ends catalogued functions that all
    take the path alike (`Image(filename=…)`: IPython.display's and IPython.core.display's `Image`):
    the shortest of them and its entries (fair check 36, item T-10.7: nine `Image(filename="../x.png")`
    reads of a notebook that never imports `Image`). None when no entry matches the name, when the
    entries that do differ (`load`: numpy's, torch's, pickle's), or when the name may be bound."""
    functions = catalog.derived("paths.io_call_last_parts", lambda c: _last_parts(by_function)).get(name)
    if not functions:
        return None
    shapes = {tuple(sorted((e.position, e.keywords, e.direction, e.kind) for e in (entries[i] for i in by_function[f])))
              for f in functions}
    if len(shapes) != 1 or name in facts.aliases or any(imp.bound == "*" for _, imp in facts.imports):
        return None
    for ca in facts.cells:
        if (any(m.name in ("run", "load", "pylab") for m in ca.magics) or "exec(" in ca.masked.python
                or any(r.name == name for r in (*ca.facts.defined, *ca.facts.functions, *ca.facts.classes))):
            return None
    return functions[0], tuple(entries[i] for i in by_function[functions[0]])


def _last_parts(by_function: dict[str, tuple[int, ...]]) -> dict[str, tuple[str, ...]]:
    """Catalogued function names by their last part, the shortest (`IPython.display.Image`) first."""
    found: dict[str, list[str]] = {}
    for function in by_function:
        found.setdefault(function.rsplit(".", 1)[-1], []).append(function)
    return {k: tuple(sorted(v, key=lambda f: (f.count("."), f))) for k, v in found.items()}


def _matching_entries(facts: NotebookFacts, catalog: Catalog, call: CallFact) -> tuple[str, tuple[IoCall, ...]]:
    entries, by_function, wildcards, by_method = _io_call_index(catalog)
    qualified = resolve_callee(facts, catalog, call.func)
    for candidate in (qualified, *_star_candidates(facts, catalog, call.func, qualified)):
        if not candidate:
            continue
        hits = _entries_for_function(catalog, candidate, entries, by_function, wildcards)
        if hits:
            return candidate, tuple(entries[i] for i in sorted(hits))  # catalogue order, as before
    if qualified == call.func and "." not in call.func:
        lost = _lost_import_entries(facts, catalog, call.func, entries, by_function)
        if lost:
            return lost
    # A bare call (`save("x")`) has func == method; only attribute calls match method entries.
    if call.method and call.func != call.method:
        last = call.receiver.rsplit(".", 1)[-1] if call.receiver else ""
        found = tuple(
            entries[i] for i in by_method.get(call.method, ())
            if not entries[i].receivers or (last and last in entries[i].receivers)
        )
        if found:
            return f".{call.method}", found
    return qualified, ()


def _entries_for_function(
    catalog: Catalog, candidate: str, entries: Sequence[IoCall], by_function: dict[str, tuple[int, ...]], wildcards: Sequence[int],
) -> tuple[int, ...]:
    """The entry numbers naming `candidate` exactly, then the wildcard entries it matches. Kept
    per catalogue by name: the same callees recur in every cell (`plt.plot`, `np.array`), and
    matching the wildcards was most of PTH001's time (bounded: memory stays flat)."""
    known: dict[str, tuple[int, ...]] = catalog.derived("paths.function_entries", lambda _: {})
    hits = known.get(candidate)
    if hits is None:
        ends = catalog.derived("paths.wildcard_ends", lambda _: tuple((i, *literal_ends(entries[i].function)) for i in wildcards))
        hits = (*by_function.get(candidate, ()), *(
            i for i, head, tail in ends
            # (a name matching the pattern starts with its text before the first wildcard and ends
            # with its text after the last: most names are passed over without the matcher)
            if candidate.startswith(head) and candidate.endswith(tail) and fnmatch.fnmatchcase(candidate, entries[i].function)
        ))
        if len(known) >= 8192:
            known.clear()
        known[candidate] = hits
    return hits


def _io_call_index(catalog: Catalog) -> tuple[tuple[IoCall, ...], dict[str, tuple[int, ...]], tuple[int, ...], dict[str, tuple[int, ...]]]:
    """io_calls.toml indexed once per catalogue: entry numbers by exact function name, the
    wildcard function entries, and entry numbers by method name (a scan of every entry per call
    was a tenth of a cold audit)."""

    def build(c: Catalog) -> tuple:
        entries = io_call_entries(c)
        by_function: dict[str, list[int]] = {}
        wildcards: list[int] = []
        by_method: dict[str, list[int]] = {}
        for i, e in enumerate(entries):
            if e.function and "*" in e.function:
                wildcards.append(i)
            elif e.function:
                by_function.setdefault(e.function, []).append(i)
            else:
                by_method.setdefault(e.method, []).append(i)
        return (
            entries,
            {k: tuple(v) for k, v in by_function.items()},
            tuple(wildcards),
            {k: tuple(v) for k, v in by_method.items()},
        )

    return catalog.derived("paths.io_call_index", build)


def _direction(call: CallFact, entry: IoCall) -> str:
    if entry.mode_position is None and not entry.mode_keyword:
        return entry.direction
    mode_arg = call.arg(entry.mode_position, (entry.mode_keyword,) if entry.mode_keyword else ())
    if mode_arg is None:
        mode = entry.default_mode
    elif mode_arg.string is not None:
        mode = mode_arg.string
    else:
        return "both"  # a mode computed at run time: assume the worst
    if "+" in mode:
        return "both"
    if any(ch in mode for ch in "wax"):
        return "write"
    return "read"


def _literal_for(arg: ArgFact, strings: Sequence[StringFact]) -> Optional[StringFact]:
    """The string literal an argument passes. A keyword argument's position is its keyword's, so
    take the first literal with the argument's value at or after that position."""
    if arg.string is None:
        return None
    for s in strings:
        if (s.line, s.column) >= (arg.line, arg.column) and s.value == arg.string:
            return s
    return None


def path_arguments(facts: NotebookFacts, catalog: Catalog, ca: CellAnalysis) -> list[PathArgument]:
    """Every argument of a catalogued call in one cell, with its direction and literal.
    Remembered for the notebook last asked about: six PTH rules ask for every cell's (13,948
    calls for PythonDataScienceHandbook's 2,326 cells), and the answer depends on the facts,
    the catalogue and the cell alone. The memo holds the facts and the catalogue, so an identity
    match is never a newer object at a reused id."""
    memo = _PATH_ARGUMENTS
    if not memo or memo[0] is not facts or memo[1] is not catalog:
        memo[:] = [facts, catalog, {}]
    known: dict[int, tuple[CellAnalysis, list[PathArgument]]] = memo[2]
    found = known.get(id(ca))
    if found is None or found[0] is not ca:
        found = known[id(ca)] = (ca, _path_arguments(facts, catalog, ca))
    return list(found[1])



def never_run_lines(facts: NotebookFacts, ca: CellAnalysis) -> frozenset[int]:
    """The cell's lines no run of the notebook as saved reaches: `if False:` bodies
    (`dead_branch_lines`), module-level functions nothing calls (`uncalled_function_lines`) and
    the branch a setting bound once turns off (`configured_off_lines`: `if use_gdrive == 'yes':`
    below the form field `use_gdrive = 'no'  #@param`), with the functions called only from such
    lines (`off_branch_function_lines`: the `else:` of `if RUN_DOWNLOAD:` below `RUN_DOWNLOAD = True`,
    fair check 44, items 99, 109, 110). No path of theirs is used."""
    return (dead_branch_lines(ca) | uncalled_function_lines(facts).get(ca.cell.index, frozenset())
            | configured_off_lines(facts).get(ca.cell.index, frozenset())
            | off_branch_function_lines(facts).get(ca.cell.index, frozenset())
            | _parameter_off_lines(facts).get(ca.cell.index, frozenset()))


def _parameter_off_lines(facts: NotebookFacts) -> dict[int, frozenset[int]]:
    """By cell index, the lines of a module-level def under `if p:` (or the `else` of `if not p:`)
    on a parameter whose default is None/False/0 when no call of the def passes `p` (anything but
    a false literal) and the def's name is mentioned only by plain calls (no `*args`/`**kwargs`, not
    passed on): `def plot_loss(history, file=None): … if file: plt.savefig(f"/Users/…/{file}.pdf")`
    with only `plot_loss(history)` calls writes nowhere (fair check 33, item 69,
    opt-in-flag-off-guard). The parameter analysis is the randomness rules' (`_flags_left_off`);
    calls on lines that never run otherwise do not count. A test the parameter's default does not
    decide alone (`if file is not None:`, `if file and x:`) is left to the run."""
    if _PARAMETER_OFF and _PARAMETER_OFF[0][0] is facts:
        return _PARAMETER_OFF[0][1]
    result: dict[int, frozenset[int]] = {}
    if any("def " in ca.masked.python for ca in facts.cells):
        result = _find_parameter_off_lines(facts)
    _PARAMETER_OFF[:] = [(facts, result)]
    return result


_PARAMETER_OFF: list = []  # [(facts, their lines)]


def _find_parameter_off_lines(facts: NotebookFacts) -> dict[int, frozenset[int]]:
    from nbrefactor.audit.rules.randomness import lines_under_parameters_left_off  # (randomness imports nothing of paths)

    trees = [(ca, cell_python_tree(ca)) for ca in facts.cells if "parameters" not in ca.cell.tags]
    if any(tree is None and ca.masked.is_python and ca.masked.python.strip() for ca, tree in trees):
        return {}  # (a cell that does not parse may hide a call)
    trees = [(ca, tree) for ca, tree in trees if tree is not None]
    uncalled = uncalled_function_lines(facts)
    configured = configured_off_lines(facts)
    skipped = {ca.cell.index: set(dead_branch_lines(ca) | uncalled.get(ca.cell.index, frozenset())
                                  | configured.get(ca.cell.index, frozenset())) for ca, _ in trees}
    found = lines_under_parameters_left_off(trees, skipped)
    return {index: frozenset(lines) for index, lines in found.items()}

_PATH_ARGUMENTS: list = []  # [facts, catalog, {id(cell analysis): (cell analysis, arguments)}]


# fastai resolves the names its objects are given against the object's own `path`, not the working
# directory (fair check 34, items 98, 109: fastai-learner-save-under-learner-path; read in the
# fastai 1.0.61 wheel, fastai 2 the same). A Learner's `save(name)`/`load(name)` are
# `self.path/self.model_dir/f"{name}.pth"` (basic_train.py l250, l272; `save_encoder`/
# `load_encoder` of text/learner.py too), `export(file)` is `self.path/file`, and `self.path` is
# the data's path unless `path=` is given (l164). An item list's `split_by_fname_file(fname)` reads
# `self.path/fname` (data_block.py l251) and `add_test_folder(name)` lists `self.path/name`.
# Learners: a name every plain assignment of which calls a Learner factory, or (a Learner is
# rebound in loops, unpacked, passed around) the names fastai's own guides give one.
_FASTAI_LEARNER_METHODS = frozenset({"save", "load", "export", "save_encoder", "load_encoder"})
_FASTAI_ITEM_LIST_METHODS = frozenset({"split_by_fname_file", "add_test_folder"})
_FASTAI_OWN_PATH_METHODS = _FASTAI_LEARNER_METHODS | _FASTAI_ITEM_LIST_METHODS
_FASTAI_LEARNER_FACTORIES = frozenset({
    "Learner", "cnn_learner", "create_cnn", "vision_learner", "unet_learner", "tabular_learner", "collab_learner",
    "text_classifier_learner", "language_model_learner", "load_learner", "RNNLearner", "LanguageLearner",
})
_FASTAI_LEARNER_NAMES = frozenset({"learn", "learner"})
# fastai v1's item list and data bunch factories join what they are given to their `path`:
# `ImageItemList.from_csv(path, "train_v2.csv", folder="train-jpg")` reads `path/train_v2.csv` and
# the images under `path/train-jpg` (data_block.py l143, vision/data.py l123, l282); only `path`
# itself is a place of the working directory, judged where it is bound.
_FASTAI_JOINED_KEYWORDS = frozenset({"folder", "csv_name", "csv_labels", "csv_fname"})


def _fastai_imported(facts: NotebookFacts) -> bool:
    return any((imp.module or imp.qualified).split(".")[0] in {"fastai", "fastbook"} for _, imp in facts.imports)


def _fastai_own_path(facts: NotebookFacts, call: CallFact) -> bool:
    """`call` names a file under a fastai object's own `path` (`learn.save("stage-1")`,
    `src.split_by_fname_file("../valid.txt")`), with fastai imported. A Learner's methods only on a
    receiver that is a Learner (see `_FASTAI_LEARNER_METHODS`): `model.save("m.h5")` stays a path."""
    if not _fastai_imported(facts):
        return False
    if call.method in _FASTAI_ITEM_LIST_METHODS:
        return True
    receiver = call.receiver
    if not receiver.isidentifier():
        return False
    if receiver in _FASTAI_LEARNER_NAMES:
        return True
    bound = index_single_assignments(facts).get(receiver, ())
    return bool(bound) and all(
        isinstance(node.value, ast.Call) and dotted_name(node.value.func).rpartition(".")[2] in _FASTAI_LEARNER_FACTORIES
        for node in bound
    )


def _path_arguments(facts: NotebookFacts, catalog: Catalog, ca: CellAnalysis) -> list[PathArgument]:
    from nbrefactor.audit.rules.downloads import keyword_flag  # (downloads imports paths' package)

    strings = sorted(ca.facts.strings, key=lambda s: (s.line, s.column))
    out: list[PathArgument] = []
    dead = never_run_lines(facts, ca)  # `if False:` bodies never run: no path of theirs is used
    for call in ca.facts.calls:
        if call.line in dead:
            continue
        if call.method in _FASTAI_OWN_PATH_METHODS and _fastai_own_path(facts, call):
            continue  # `learn.save("stage-1")`: under the Learner's own folder, not the working directory
        qualified, entries = matching_entries(facts, catalog, call)
        if not entries:
            out.extend(_generic_path_arguments(facts, catalog, call, qualified, strings))
            continue
        seen: set[tuple[Optional[int], Optional[str]]] = set()
        for entry in entries:
            arg = call.arg(entry.position, entry.keywords)
            if arg is None or (arg.position, arg.keyword) in seen:
                continue
            seen.add((arg.position, arg.keyword))
            literal = _literal_for(arg, strings) or _percent_template_for(arg, strings, ca.lines)
            flag = keyword_flag(facts, call, entry.downloads_when or "download")  # (a download switch: PTH007's too)
            out.append(PathArgument(call, arg, entry, qualified, _direction(call, entry), literal, flag))
    return out


# A one-line string literal followed by the `%` operator (not `%=`): the argument is `'…' % values`.
_PERCENT_TEMPLATE = re.compile(r"""[rRuU]?(?P<q>['"])(?:\\.|(?!(?P=q)).)*(?P=q)\s*%(?!=)""")
_TEMPLATE_HOLE = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")


def _percent_template_for(arg: ArgFact, strings: Sequence[StringFact], lines: Sequence[str]) -> Optional[StringFact]:
    """The template of a `'admix.%d' % k` argument, as the literal the argument passes (fair check
    16: `open('admix.%d' % k)`, `os.remove('tsi-%d-%d.log' % (chrom, pos))`): its text up to the
    first hole is what the path starts with whatever the values are, as an f-string's (`f"admix.{k}"`
    is judged from its text). Not a template opening with a hole (`'%s/train.csv' % PATH`): its root
    is the value, followed through the notebook's constants instead."""
    if arg.string is not None or arg.position is None:
        return None  # (a keyword argument's position is its keyword's: `file='…' % k` is left out)
    for s in strings:
        if (s.line, s.column) < (arg.line, arg.column):
            continue
        if (s.line, s.column) > (arg.line, arg.column) or s.formatted or s.end_line != s.line:
            return None
        text = lines[s.line - 1] if 0 < s.line <= len(lines) else ""
        start = s.column - 1
        if not _PERCENT_TEMPLATE.match(text, start) or not _TEMPLATE_HOLE.search(s.value) or s.value.startswith("%"):
            return None
        return s
    return None


# ---------------------------------------------------------------------------------------------
# The generic fallback: path arguments of calls no catalogue names
# ---------------------------------------------------------------------------------------------

# Keywords that name a file or folder whatever the library (`h2o.import_file(path=...)`,
# `load_zip.unzip(url, unzip_dir=...)`, `Trainer(output_dir=...)`), and the endings that do
# (`train_path=`, `config_file=`, `save_dir=`). Not `dir`/`root` alone: too often something else.
_GENERIC_KEYWORDS = frozenset({
    "path", "file", "filename", "filepath", "fname", "file_name", "dirname", "dirpath", "folder",
    "path_or_buf", "filepath_or_buffer", "logdir", "outdir", "savedir", "save_to", "directory",
})
_GENERIC_KEYWORD_ENDINGS = ("_path", "_file", "_dir", "_directory", "_folder", "_filename", "_filepath", "_dirpath")
# Keywords that name a file only sometimes: `output="json"` chooses a format, `checkpoint="best"` a
# behaviour, `source="Satellite"` a tile service. A path there when the value is shaped like a
# file, as a first positional argument is (segment-geospatial's `tms_to_geotiff(output="Image.tif")`,
# `sam.save_masks(output="masks.png")`, `SamGeo(checkpoint="sam_vit_h_4b8939.pth")`; fair check 20:
# pth006-generic-output-keyword), literally or through a string constant (`image = "Image.tif"`,
# then `output=image`); never a URL (a tile or image service, not a file of the run).
_FILE_VALUED_KEYWORDS = frozenset({"output", "checkpoint", "source", "image", "mask", "input"})
# A first positional argument this shaped is a path or a URL whatever the call: a data, model or
# archive file's extension, or a leading `./`/`../`, or a remote scheme.
_DATA_FILE = re.compile(
    r"\.(?:csv|tsv|parquet|pq|json|jsonl|ndjson|pkl|pickle|joblib|h5|hdf5|hdf|pt|pth|ckpt|safetensors|onnx|"
    r"gz|zip|tar|tgz|bz2|xz|7z|txt|npy|npz|feather|arrow|xlsx|xls|avro|orc|sqlite|db|mat|libsvm|svmlight|"
    r"data|arff|tfrecord|tfrecords|msgpack|sav|model|bin|yaml|yml|"
    # Images, rasters, vector layers and single-cell/array stores (fair check 20:
    # pth006-generic-image-raster-extension: kornia's `K.io.load_image("panda.jpg")`, leafmap's
    # `m.add_raster("satellite.tif")`, samgeo's `raster_to_vector("trees.tif", "trees.shp")`,
    # scanpy's `sc.read_h5ad("TS_Lung.h5ad")`).
    r"jpg|jpeg|png|gif|bmp|webp|tif|tiff|shp|gpkg|geojson|kml|h5ad|h5mu|loom|nc)$",
    re.IGNORECASE,
)
# A URL naming a file or folder on a host: a path after the host (`http://{}:5000`, a server to
# talk to, is none) and a host the literal spells (no f-string hole in it).
_GENERIC_URL = re.compile(r"^(?:https?|s3|s3a|s3n|gs|gcs|hdfs|abfss?|wasbs?)://[^/\s{}]+/[^\s]+$", re.IGNORECASE)
# Keywords naming a folder of code shipped to a remote job (`ScriptRunConfig(source_directory=)`,
# SageMaker's `source_dir=`): the notebook's own scripts, beside it wherever it runs.
_CODE_FOLDER_KEYWORDS = frozenset({"source_dir", "source_directory", "code_dir", "code_directory", "src_dir"})
# Libraries whose path-like arguments are not the working directory's: Keras' `load_data(path=)`
# names a file under ~/.keras/datasets, Kubernetes specs name paths inside a container,
# `evaluate.load("./metrics/f1")` names a metric script (code, PTH007 judges what it fetches).
# Package-resource loaders name a sample the library ships or fetches into its own cache:
# `load_sample_image("china.jpg")` is one of scikit-learn's bundled images, `sns.load_dataset("tips")`
# one of seaborn-data's, `skimage.data.*` scikit-image's (fair check 22: bundled-sample-name-as-path).
# libpysal's `examples.get_path("mexicojoin.shp")` returns the absolute path of a file of its
# example-data folder (fair check 23: library-sample-name); so does `.get_path(name)` of the example
# `examples.load_example("NYC Socio-Demographics")` returns (`_library_example_call`).
# detectron2's `model_zoo.get_config_file("COCO-InstanceSegmentation/mask_rcnn_R_50_FPN_3x.yaml")`
# (and `get_checkpoint_url`, `get`) names a config of the package's own `configs/` folder, never
# the working directory (fair check 31, items 130, 134: model-zoo-config-name).
_LIBPYSAL_EXAMPLES = ("libpysal.examples.", "pysal.lib.examples.", "pysal.examples.")
_NOT_WORKING_DIRECTORY = ("keras.datasets.", "tensorflow.keras.datasets.", "tf.keras.datasets.", "kubernetes.",
                          "k8s.", "evaluate.load", "sklearn.datasets.load_sample_image", "seaborn.load_dataset",
                          "skimage.data.", "detectron2.model_zoo.", *_LIBPYSAL_EXAMPLES)
# A method of one of NLTK's corpus readers (`nltk.corpus.twitter_samples.strings("positive_tweets.json")`,
# `gutenberg.raw("austen-emma.txt")`): the argument is a file id looked up under that corpus' folder in
# `nltk_data`, never the working directory (fair check 45, item 106: nltk-corpus-fileid-as-path). Not a
# reader class (`nltk.corpus.PlaintextCorpusReader(root, …)`, `nltk.corpus.reader.…`), whose root is a path.
_NLTK_CORPUS_METHOD = re.compile(r"^nltk\.corpus\.(?!reader\.|util\.)[a-z][a-z0-9_]*\.\w+$")
# Calls that only show, log, format, parse or compare strings, or build values from them: a
# file name there is text (a message, a column, a pattern), not a place the call touches.
_TEXT_ONLY_FUNCTIONS = frozenset({
    "print", "str", "repr", "format", "len", "isinstance", "dict", "list", "tuple", "set", "frozenset",
    "sorted", "reversed", "enumerate", "zip", "map", "filter", "any", "all", "hash", "id", "type",
    "input", "exec", "eval", "compile", "assert", "display", "Markdown", "HTML", "Latex", "FileLink",
    "FileLinks", "tqdm", "trange", "warn", "Exception", "ValueError", "TypeError", "KeyError",
    "RuntimeError", "FileNotFoundError", "OSError", "IOError", "AssertionError", "NotImplementedError",
    "SystemExit", "print_function", "namedtuple", "partial", "getattr", "setattr", "hasattr",
    "argparse.ArgumentParser",
    # an archive member's name, inside the archive: no place on disk
    "zipfile.ZipInfo", "tarfile.TarInfo",
})
_TEXT_ONLY_MODULES = ("re", "os.path", "posixpath", "ntpath", "logging", "warnings", "string", "textwrap",
                      "json", "datetime", "time", "fnmatch", "shlex", "urllib.parse", "IPython.display",
                      "argparse", "sys", "typing", "collections", "functools", "itertools", "operator",
                      "inspect", "unittest", "pytest", "difflib", "html", "base64", "hashlib", "uuid")
_TEXT_ONLY_METHODS = frozenset({
    # str, bytes, dict, list, set
    "format", "format_map", "join", "replace", "startswith", "endswith", "split", "rsplit", "splitlines",
    "strip", "lstrip", "rstrip", "lower", "upper", "title", "capitalize", "casefold", "removeprefix",
    "removesuffix", "partition", "rpartition", "find", "rfind", "index", "rindex", "count", "encode",
    "decode", "zfill", "ljust", "rjust", "center", "get", "setdefault", "pop", "append", "extend",
    "insert", "add", "remove", "discard", "update", "__contains__", "__getitem__", "__eq__", "contains",
    # regexes, logging, messages
    "match", "search", "sub", "subn", "fullmatch", "findall", "finditer", "debug", "info", "warning",
    "warn", "error", "exception", "critical", "log", "print", "echo", "write", "writelines", "set_description",
    "set_postfix", "set_postfix_str",
    # plots' texts
    "set_title", "set_xlabel", "set_ylabel", "set_zlabel", "suptitle", "title", "xlabel", "ylabel", "text",
    "annotate", "legend", "set_text", "set_label", "figtext", "label",
    # frames' columns and queries
    "rename", "drop", "query", "eval", "col", "lit", "alias", "withColumn", "withColumnRenamed", "select",
    "selectExpr", "groupby", "groupBy", "agg", "astype", "isin", "sort_values", "set_index", "pivot", "melt",
    "strftime", "strptime", "add_argument", "parse_args", "assertEqual", "assertIn", "assertTrue",
    # archive members by name
    "writestr", "getinfo", "getmember",
})
# Methods that take a selector evaluated against a page or an element, never the file system:
# Selenium's `vuelo.find_element_by_xpath('.//div[@class="arrival"]/time')` (and `find_element(By.XPATH,
# …)`), lxml's and scrapy's `.xpath(…)`, `.css(…)`, BeautifulSoup's `.select(…)` (fair check 42, items
# 97-135: xpath-selector-as-path; its `./`-shaped relative XPath looked like a path to the fallback).
_SELECTOR_METHODS = frozenset({
    "find_element_by_xpath", "find_elements_by_xpath", "find_element_by_css_selector",
    "find_elements_by_css_selector", "find_element", "find_elements", "xpath", "css", "select", "select_one",
    "cssselect", "wait_for_selector", "query_selector", "query_selector_all", "locator",
})
# An XPath by its shape: the descendant axis after `.`/`..` (`.//div`), a predicate on an attribute
# (`[@class="x"]`) or a function (`[contains(…)]`), a node test (`/text()`), an axis (`following-sibling::`).
_XPATH_SHAPE = re.compile(r"^\.{1,2}//|\[@|\[(?:contains|starts-with|normalize-space|text|position|last)\(|/(?:text|node)\(\)|\w::")


def _generic_path_arguments(
    facts: NotebookFacts, catalog: Catalog, call: CallFact, qualified: str, strings: Sequence[StringFact],
) -> list[PathArgument]:
    """The path arguments of a call no catalogue names, when the evidence is strong: a keyword
    that names a file or folder (`path=`, `unzip_dir=`, `train_path=`), or a first positional
    argument shaped like a data file, a `./`/`../` path or a URL, literally or through a string
    constant (`vaex.from_csv("./lookup/zones.csv")`, `TabularDataset(url)`, `load_pd.load(url)`).
    Never for a call that only shows or handles text, nor for one the notebook defines itself
    (its own function is followed by `_path_functions`), nor a call of rules/downloads.toml."""
    if not call.func:
        return _chained_path_arguments(facts, catalog, call, strings)
    # The arguments first, the call's tests after: almost no call has an argument shaped like a
    # path (PythonDataScienceHandbook: none of the 6,642 asked; fair check 13: 158 of 12,970;
    # the fixture corpus: 52 of 4,005), and then every test of the call —
    # the notebook's own names, the text-only lists, rules/downloads.toml — answers nothing.
    # Each test is a pure function of the facts, the catalogue and the call, so asking them
    # after the arguments' shapes changes no answer.
    candidates: list[ArgFact] = []
    for arg in call.args:
        if arg.keyword is None:
            continue
        name = arg.keyword.lower()
        if name in _FILE_VALUED_KEYWORDS:
            if _file_shaped_keyword_value(facts, call, arg):
                candidates.append(arg)
            continue
        if name in _CODE_FOLDER_KEYWORDS or not (name in _GENERIC_KEYWORDS or name.endswith(_GENERIC_KEYWORD_ENDINGS)):
            continue
        if arg.string is not None and not _plausible_generic_path(arg.string, keyword=True):
            continue
        if arg.string is None and arg.name is None:
            continue  # `path=os.path.join(...)`, `file=sys.stdout`: nothing to judge
        if name in _MODEL_ID_KEYWORDS and _hub_model_id(facts, arg):
            continue
        candidates.append(arg)
    first = call.arg(0)
    if first is not None:
        value = first.string
        if value is None and first.name is not None and not call.in_function:
            # Inside a function the name may be a parameter hiding the constant
            # (`def create_gif(v, filename="x.gif"): imageio.mimsave(filename, …)`).
            constant = string_constants(facts).get(first.name)
            value = constant.value if constant is not None else None
        if value is not None and _plausible_generic_path(value, keyword=False):
            candidates.append(first)
    if not candidates:
        return []
    if _text_only(facts, call, qualified) or _fetch_call(catalog, call, qualified):
        return []
    head = call.func.split(".", 1)[0]
    if "." not in call.func and head not in facts.aliases and not _star_candidates(facts, catalog, call.func, qualified):
        # A bare name no import binds: from `%run helpers.py`, not a known library. One that only a
        # star import can provide (the notebook neither imports it by name nor binds it) comes from
        # that module, a library or a helper `.py` beside the notebook, which opens the path it is
        # given against the same working directory, as `helpers.load(…)` does: `from w2v_utils import *`
        # then `read_glove_vecs('data/glove.6B.50d.txt')` (fair check 31 recall T-6.3).
        return []
    if any(qualified.startswith(prefix) or call.func.startswith(prefix) for prefix in _NOT_WORKING_DIRECTORY):
        return []
    if _NLTK_CORPUS_METHOD.match(qualified):
        return []
    if qualified in _ULTRALYTICS_MODELS and first is not None and _ultralytics_model_config(first.string):
        candidates = [arg for arg in candidates if arg is not first]
        if not candidates:
            return []
    if qualified.startswith("nbdev.") and qualified.rpartition(".")[2] in _NBDEV_BUILD_CALLS and _nbdev_notebook(facts):
        return []
    if _archive_member_call(facts, call) or _library_example_call(facts, call):
        return []
    if call.method in _COMET_LOGGING and any(imp.top_level == "comet_ml" for _, imp in facts.imports):
        candidates = [arg for arg in candidates if not _comet_asset_name(call, arg)]
    if any(imp.top_level == "mlflow" for _, imp in facts.imports) and (
            qualified.startswith("mlflow.") or call.func.startswith("mlflow.") or call.method in _MLFLOW_ARTIFACT_METHODS):
        candidates = [arg for arg in candidates if arg.keyword not in _MLFLOW_ARTIFACT_KEYWORDS]
        if not candidates:
            return []
    if any(_folder_keyword(arg) for arg in call.args):
        candidates = [arg for arg in candidates if not _file_name_in_folder(arg)]
    if first is not None and first in candidates and _remote_name_of_download(call):
        candidates = [arg for arg in candidates if arg is not first]
        if not candidates:
            return []
    if (call.method.startswith("from_") and any(arg.keyword in _FASTAI_JOINED_KEYWORDS for arg in candidates)
            and any(c.startswith("fastai.") for c in (qualified, *_star_candidates(facts, catalog, call.func, qualified)))):
        # `ImageItemList.from_csv(path, "labels.csv", folder="train-jpg")`: under `path` (see `_FASTAI_JOINED_KEYWORDS`)
        candidates = [arg for arg in candidates if arg.keyword not in _FASTAI_JOINED_KEYWORDS]
        if not candidates:
            return []
    return [_generic(call, arg, qualified, strings) for arg in candidates]


# Ultralytics' model classes, and the model configs the package ships (`ultralytics/cfg/models/…`):
# `YOLO("yolov8n-seg.yaml")` builds the architecture from `cfg/models/v8/yolov8-seg.yaml` of the
# installed package (the scale letter dropped, `check_yaml` searching the package's `cfg/`), not a
# file of the working directory (fair check 31, item 129: ultralytics-builtin-model-yaml, checked in
# the 8.0.180 wheel). A bare name of the model families only; a folder (`runs/…/args.yaml`,
# `./yolov8-custom.yaml`) or another name (`my_model.yaml`) stays a path. The `.pt` release assets
# are PTH007's (`ultralytics-asset` of rules/downloads.toml).
_ULTRALYTICS_MODELS = frozenset({
    "ultralytics.YOLO", "ultralytics.RTDETR", "ultralytics.models.YOLO", "ultralytics.models.RTDETR",
    "ultralytics.YOLOWorld", "ultralytics.models.YOLOWorld",
})
_ULTRALYTICS_CONFIG = re.compile(r"^(?:yolov?[0-9]+[a-z0-9]*(?:-[a-z0-9]+)*|rtdetr-[a-z0-9]+)\.yaml$")


def _ultralytics_model_config(value: Optional[str]) -> bool:
    return value is not None and _ULTRALYTICS_CONFIG.match(value) is not None


def _chained_path_arguments(facts: NotebookFacts, catalog: Catalog, call: CallFact, strings: Sequence[StringFact]) -> list[PathArgument]:
    """The path argument of a method called on the result of another call (no dotted callee:
    `step.get_output_data("processed_data1").download("./outputs")`), on the strongest evidence
    only: a first positional literal starting with `./` or `../`; never a method that only handles
    text (`"…".join(…)`, `.format(…)`), one of rules/downloads.toml, nor a method of the notebook's
    own classes' name (fair check 27, T-6.7)."""
    first = call.arg(0)
    if not call.method or first is None or first.string is None or not first.string.startswith(("./", "../")):
        return []
    if (not _plausible_generic_path(first.string, keyword=False) or call.method in _TEXT_ONLY_METHODS
            or call.method in _SELECTOR_METHODS):
        return []
    if _fetch_call(catalog, call, "") or call.method in _notebook_methods(facts):
        return []  # (`Store().load("./x.csv")`: the notebook's own class's method, followed elsewhere)
    return [_generic(call, first, "", strings)]


# Keywords that name a folder (`repo_path=`, `data_dir=`, `root=`), and those that name a file
# (`yaml_file=`, `filename=`).
_FOLDER_KEYWORDS = frozenset({"repo_path", "root", "directory", "folder", "dirname", "dirpath"})
_FOLDER_KEYWORD_ENDINGS = ("_dir", "_directory", "_folder", "_dirpath", "_root")
_FILE_NAME_KEYWORDS = frozenset({"file", "filename", "fname", "file_name"})
_FILE_NAME_KEYWORD_ENDINGS = ("_file", "_filename", "_file_name")


def _folder_keyword(arg: ArgFact) -> bool:
    name = (arg.keyword or "").lower()
    return bool(name) and (name in _FOLDER_KEYWORDS or name.endswith(_FOLDER_KEYWORD_ENDINGS))


# Keywords of a download call that name where the fetched object is saved locally.
_DOWNLOAD_DESTINATION_KEYWORDS = frozenset({
    "dest_path", "dest", "destination", "dst", "dest_file", "local_path", "local_file", "local_filename",
    "output_path", "out_path", "save_path", "target_path",
})


def _remote_name_of_download(call: CallFact) -> bool:
    """Is the call a download (its method or function name says so) given its local destination by
    a keyword (`napi.download_dataset("v4.3/train_int8.parquet", dest_path=local_file)`)? Then its
    first positional argument names the object on the remote side, not a path of the working
    directory; the destination is judged as a path (fair check 42, item 109: remote-dataset-name-as-path)."""
    name = (call.method or call.func.rpartition(".")[2]).lower()
    return "download" in name and any(
        arg.keyword is not None and arg.keyword.lower() in _DOWNLOAD_DESTINATION_KEYWORDS for arg in call.args)


def _file_name_in_folder(arg: ArgFact) -> bool:
    """A bare file name (no folder, not `./`) given to a file keyword of a call no catalogue names
    that also gets a folder keyword: a name inside that folder, the way feast's
    `DocEmbedder(repo_path="feature_repo", yaml_file="feature_store.yaml")` joins `yaml_file` to
    `repo_path`, not a path of the working directory; the folder's own path is judged (fair check
    26, item 99: file-name-inside-repo-path)."""
    name = (arg.keyword or "").lower()
    value = arg.string
    return (bool(name) and (name in _FILE_NAME_KEYWORDS or name.endswith(_FILE_NAME_KEYWORD_ENDINGS))
            and value is not None and bool(value) and not any(c in value for c in "/\\{") and not value.startswith("."))


# MLflow's names of a place in the run's artifact store, never the working directory:
# `mlflow.h2o.log_model(model, artifact_path="model")` logs the model under `<artifact_uri>/model`,
# `mlflow.log_text(text, artifact_file="notes.txt")`, `MlflowClient().download_artifacts(run_id,
# artifact_path=…)` (fair check 37, item 118: mlflow-artifact-path-not-local; `log_artifact`'s
# `artifact_path=` is not its catalogued `local_path`). A flavour's `save_model(model, path=…)`
# writes locally and stays a path.
_MLFLOW_ARTIFACT_KEYWORDS = frozenset({"artifact_path", "artifact_file"})
_MLFLOW_ARTIFACT_METHODS = frozenset({
    "log_model", "log_artifact", "log_artifacts", "log_text", "log_dict", "log_figure", "log_image",
    "log_table", "download_artifacts", "list_artifacts", "load_dict", "load_text", "load_image", "load_table",
})


# Comet's logging calls, which name what they log inside the experiment: `log_asset(path,
# file_name="weights.pt")`, `log_asset_data(data, name=…)`, `log_confusion_matrix(…,
# file_name="confusion-matrix-epoch-3.json")`, `log_image(img, name=…)`, `log_figure(figure_name=…)`.
_COMET_LOGGING = frozenset({
    "log_asset", "log_asset_data", "log_asset_folder", "log_table", "log_confusion_matrix", "log_image",
    "log_figure", "log_model", "log_video", "log_audio", "log_curve", "log_embedding", "log_histogram_3d",
    "log_dataframe_profile", "log_remote_asset", "log_remote_model", "log_text", "log_html",
})
_COMET_NAME_KEYWORDS = frozenset({"file_name", "name", "figure_name"})


def _comet_asset_name(call: CallFact, arg: ArgFact) -> bool:
    """Is the argument the name an asset gets in the Comet experiment, not a local file? The
    `file_name=`/`name=`/`figure_name=` of a Comet logging call (the logged data or local file is
    another argument), and `log_table`'s file name when the table's data is given
    (`experiment.log_table("prediction_debug_table.csv", debug_df)`: the frame is written to the
    experiment under that name; with no data the name is the local file uploaded). A label in
    the run: no path of the notebook's (fair check 25, comet-examples)."""
    if arg.keyword in _COMET_NAME_KEYWORDS:
        return True
    if call.method == "log_table" and (arg.keyword == "filename" or arg.position == 0):
        return call.arg(1, ("tabular_data",)) is not None
    return False


# nbdev's calls that export notebooks into the package (nbdev 2's `nb_export`, nbdev 1's `notebook2script`).
_NBDEV_BUILD_CALLS = frozenset({"nb_export", "notebook2script", "nbdev_export", "nbdev_build_lib"})
# nbdev's export directive: `#|default_exp cli` (nbdev 2) or `# default_exp core` (nbdev 1).
_NBDEV_DEFAULT_EXP = re.compile(r"^#\s*\|?\s*default_exp\s+\S", re.MULTILINE)


def _nbdev_notebook(facts: NotebookFacts) -> bool:
    """Is the notebook an nbdev source, exported into a module by nbdev (a `default_exp` directive)?
    Its `nb_export("cli.ipynb", lib_path=".")`/`notebook2script()` cell is the build step that turns
    the notebook into that module: the paths it names are the project's own notebook and package,
    beside it by nbdev's layout, not data to configure (fair check 22: nbdev-self-export-cell)."""
    return any(_NBDEV_DEFAULT_EXP.search(ca.cell.source) for ca in facts.cells)


def _file_shaped_keyword_value(facts: NotebookFacts, call: CallFact, arg: ArgFact) -> bool:
    """Is the value of a keyword that names a file only sometimes (`_FILE_VALUED_KEYWORDS`) shaped
    like a relative file, literally or through a string constant of the notebook? As for a first
    positional argument, a constant is not followed inside a function, where the name may be a
    parameter hiding it."""
    value = arg.string
    if value is None and arg.name is not None and not call.in_function:
        constant = string_constants(facts).get(arg.name)
        value = constant.value if constant is not None else None
    return value is not None and not _GENERIC_URL.match(value) and _plausible_generic_path(value, keyword=False)


# The methods of an open archive that take a member's name, not a path (`zin.open('lyrics.txt')`,
# `tar.extractfile('data/x.csv')`); `extract(member, path=…)`'s folder is a keyword, still judged.
_ARCHIVE_MEMBER_METHODS = frozenset({"open", "read", "getinfo", "extract", "extractfile", "getmember"})
_ARCHIVE_OPENERS = frozenset({"zipfile.ZipFile", "tarfile.open", "tarfile.TarFile", "py7zr.SevenZipFile"})


def _archive_member_call(facts: NotebookFacts, call: CallFact) -> bool:
    """Is the call a member-name method of a name bound to an open archive (`with
    zipfile.ZipFile('../data/a.zip') as zin:` or `z = zipfile.ZipFile(…)`, then `zin.open('a.txt')`)?
    The member name is looked up inside the archive, not against the working directory; the
    archive's own path is judged where it is opened (fair check 19, zip-member-name-as-path)."""
    receiver, _, method = call.func.rpartition(".")
    if method not in _ARCHIVE_MEMBER_METHODS or not receiver.isidentifier():
        return False
    return _bound_to_call_of(facts, receiver, lambda qualified: qualified in _ARCHIVE_OPENERS)


def _library_example_call(facts: NotebookFacts, call: CallFact) -> bool:
    """Is the call `.get_path(name)` of a name bound to a libpysal example (`nyc_data =
    examples.load_example("NYC Socio-Demographics")`, then `nyc_data.get_path("NYC_Tract….shp")`)?
    The example lives in libpysal's data folder (downloaded there on first use), so the name is a
    file of that folder, not of the working directory (fair check 23: library-sample-name)."""
    receiver, _, method = call.func.rpartition(".")
    if method != "get_path" or not receiver.isidentifier():
        return False
    return _bound_to_call_of(facts, receiver, lambda qualified: qualified.startswith(_LIBPYSAL_EXAMPLES))


def _bound_to_call_of(facts: NotebookFacts, receiver: str, called: Callable[[str], bool]) -> bool:
    """Is `receiver` bound somewhere in the notebook (`x = f(…)` or `with f(…) as x:`) to a call whose
    resolved name `called` accepts?"""
    for ca in facts.cells:
        if receiver not in ca.cell.source:
            continue
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for node in tree_nodes(tree):
            bound: list[tuple[ast.expr, ast.expr]] = []
            if isinstance(node, (ast.With, ast.AsyncWith)):
                bound = [(i.optional_vars, i.context_expr) for i in node.items if i.optional_vars is not None]
            elif isinstance(node, ast.Assign):
                bound = [(t, node.value) for t in node.targets]
            for target, value in bound:
                if (isinstance(target, ast.Name) and target.id == receiver and isinstance(value, ast.Call)
                        and called(facts.resolve(dotted_name(value.func) or ""))):
                    return True
    return False


# Keywords of model wrappers that hand their value to `from_pretrained` (deepchem's `ProtBERT(
# model_path=…)`, `HuggingFaceModel`, ChemBERTa's `pretrained_model_name_or_path=`): a Hub id there
# names a model to download, not a file.
_MODEL_ID_KEYWORDS = frozenset({
    "model_path", "model_name_or_path", "pretrained_model_name_or_path", "pretrained_model_path",
    "pretrained_path", "tokenizer_path", "tokenizer_name_or_path",
})
# `org/name`: one slash, no leading dot, no file extension (`Rostlab/prot_bert`, `seyonec/ChemBERTa-zinc-base-v1`).
_HUB_MODEL_ID = re.compile(r"^[A-Za-z0-9][\w-]*/[\w][\w.-]*$")


def _hub_model_id(facts: NotebookFacts, arg: ArgFact) -> bool:
    """Is the string a model keyword is given (`model_path="Rostlab/prot_bert"`) a Hugging Face Hub
    id (fair check 17, item 116)? Its form is `org/name`, not a data or model file's name, and no
    other string of the notebook names its first part (`models/best` saved and then loaded there is
    a local folder)."""
    value = arg.string
    if value is None or not _HUB_MODEL_ID.match(value) or _DATA_FILE.search(value):
        return False
    owner = value.split("/", 1)[0]
    naming = sum(
        1 for ca in facts.cells for s in ca.facts.strings
        if s.value.startswith((owner + "/", "./" + owner + "/")) or s.value.rstrip("/") in (owner, "./" + owner)
    )
    return naming <= 1  # (the argument's own literal)


def _generic(call: CallFact, arg: ArgFact, qualified: str, strings: Sequence[StringFact]) -> PathArgument:
    entry = IoCall(function=qualified or call.func, position=arg.position,
                   keywords=(arg.keyword,) if arg.keyword else (), direction="none", generic=True)
    return PathArgument(call, arg, entry, qualified, "none", _literal_for(arg, strings))


def _plausible_generic_path(value: str, keyword: bool) -> bool:
    """Is this literal a path by its shape? One argument of an unknown call: a data file's name,
    a `./`/`../` path or a URL; after a path-naming keyword, any one-line text without spaces."""
    if _GENERIC_URL.match(value):
        return True
    if not value or value != value.strip() or any(c in value for c in " \t\n%<>|*?$") or value.startswith("{"):
        return False  # a message, a pattern, a format, or a path whose root is a hole (unknown)
    if _XPATH_SHAPE.search(value):
        return False  # `.//div[@class="arrival"]/time`: an XPath selector, whatever call takes it
    if keyword:
        return value.lower() not in _SETTING_WORDS
    # An extension alone (`cv2.imencode(".jpg", frame)`, `name.endswith(".png")`) names a format, not a file.
    return value.startswith(("./", "../")) or (
        "{" not in value and bool(_DATA_FILE.search(value)) and not posixpath.basename(value).startswith("."))


# Values a path keyword takes that choose a behaviour, not a place (`checkpoint_path="best"`).
_SETTING_WORDS = frozenset({"auto", "none", "default", "best", "last", "latest", "memory", "true", "false", "null"})


def _text_only(facts: NotebookFacts, call: CallFact, qualified: str) -> bool:
    head = call.func.split(".", 1)[0]
    if head in _notebook_defined(facts) or head in ("self", "cls", "super"):
        return True  # the notebook's own function or class: `_path_functions` follows it
    if call.func != call.method and call.method in _notebook_methods(facts) and head not in facts.aliases:
        # A method named like one of the notebook's classes' own, on an object of unknown class:
        # likely theirs. Not on a name the imports bind (`TabularPredictor.load("./ag_models/")`,
        # `helpers.load(…)`): that is the library's or the helper module's, whatever the notebook's
        # own classes call their methods.
        return True
    if call.func in _TEXT_ONLY_FUNCTIONS or qualified in _TEXT_ONLY_FUNCTIONS:
        return True
    if any(qualified == m or qualified.startswith(m + ".") for m in _TEXT_ONLY_MODULES):
        return True
    if (call.method in _TEXT_ONLY_METHODS or call.method in _SELECTOR_METHODS) and call.func != call.method:
        return True
    if call.method in _FETCHED_BY_NAME or call.method in _UPLOAD_METHODS or call.method == "push_to_hub":
        # A model or dataset id (`from_pretrained(pretrained_model_name_or_path=name)`,
        # `load_dataset(path="org/set")`, `hf_hub_download(filename=...)` names a file of the hub
        # repository): PTH007's. An upload's local file is staging `_staged_for_upload` judges.
        return True
    if head.startswith(("log", "_log", "warn")):
        return True  # `logger.info(...)`, `log.debug(...)`
    return False


def _fetch_call(catalog: Catalog, call: CallFact, qualified: str) -> bool:
    """A call of rules/downloads.toml (`monai.apps.download_and_extract(url, …)`): PTH007 reports
    what it fetches."""
    from nbrefactor.audit.rules.downloads import _entries_for, fetch_catalog  # (downloads imports paths' package)

    fetches = fetch_catalog(catalog)
    for entry in _entries_for(fetches, [qualified] if qualified else []):
        if not entry.first_arg_names:
            return True
        # `YOLO("yolov8n.pt")` fetches a release asset; `YOLO("runs/…/best.pt")` reads a file.
        first = call.arg(0, entry.first_keywords)
        if first is not None and first.string is not None and any(fnmatch.fnmatchcase(first.string, n) for n in entry.first_arg_names):
            return True
    return any(call.method in methods for methods, _, _ in fetches.methods) and call.func != call.method


def _notebook_defined(facts: NotebookFacts) -> frozenset[str]:
    """Names the notebook binds with `def`/`class` (and, kept beside, its classes' method names)."""
    memo = _NOTEBOOK_DEFINED
    if memo and memo[0] is facts:
        return memo[1]
    names = {r.name for ca in facts.cells for r in (*ca.facts.functions, *ca.facts.classes)}
    methods: set[str] = set()
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        for node in nodes_of(tree, ast.ClassDef) if tree is not None else ():
            if isinstance(node, ast.ClassDef):
                methods.update(d.name for d in node.body if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef)))
    memo[:] = [facts, frozenset(names), frozenset(methods)]
    return memo[1]


def _notebook_methods(facts: NotebookFacts) -> frozenset[str]:
    """The method names of the notebook's classes (`store.load("./x.csv")` on its own `Store`)."""
    _notebook_defined(facts)
    return _NOTEBOOK_DEFINED[2]


_NOTEBOOK_DEFINED: list = []


# ---------------------------------------------------------------------------------------------
# What a literal is (rules/paths.toml)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserPattern:
    """A pattern of a user's own paths from the catalogue or the settings."""

    id: str
    description: str
    regex: re.Pattern[str]
    only_as_path_argument: bool = False


@dataclass(frozen=True)
class PathSettings:
    """The path rules' tables from the catalogue and the settings, read once."""

    user_patterns: tuple[UserPattern, ...]
    remote_schemes: frozenset[str]
    web_schemes: frozenset[str]
    download_programs: frozenset[str]
    not_path: tuple[re.Pattern[str], ...]
    special_names: frozenset[str]
    posix_roots: frozenset[str]
    route_methods: frozenset[str]
    route_keywords: frozenset[str]
    container_keywords: frozenset[str] = frozenset()
    container_methods: frozenset[str] = frozenset()
    # Keyword arguments that set a container's environment: every string in them is the container's.
    container_mappings: frozenset[str] = frozenset()
    # A tool's own credential or settings location (`~/.kaggle/kaggle.json`): never a data path.
    tool_config: tuple[UserPattern, ...] = ()
    # The system's temporary folder (`/tmp`): on every machine, so no PTH001 unless only read.
    temporary: tuple[re.Pattern[str], ...] = ()
    # A hosted runtime's fixed roots (`/content`, `/kaggle/input/<dataset>`): one PTH002 per notebook and root.
    hosted_roots: tuple[re.Pattern[str], ...] = ()
    # The standard system prefixes an installer's prefix option may name (`-bfp /usr/local`): no path of the author's.
    installer_prefixes: frozenset[str] = frozenset()


def path_settings(catalog: Catalog) -> PathSettings:
    return catalog.derived("paths.settings", lambda c: _settings(_freeze(c.data.get("paths", {}))))


@lru_cache(maxsize=16)
def _settings(raw: tuple) -> PathSettings:
    data = dict(raw)
    patterns = []
    for frozen in data.get("user_path", ()):
        item = dict(frozen)
        patterns.append(
            UserPattern(
                str(item["id"]),
                str(item.get("description", item["id"])),
                re.compile(str(item["regex"])),
                bool(item.get("only_as_path_argument", False)),
            )
        )
    tool_config = tuple(
        UserPattern(str(item["id"]), str(item.get("description", item["id"])), re.compile(str(item["regex"])))
        for item in (dict(frozen) for frozen in data.get("tool_config_path", ()))
    )
    remote = dict(data.get("remote", ()))
    not_a_path = dict(data.get("not_a_path", ()))

    def strings(table: dict, key: str, lower: bool = False) -> frozenset[str]:
        return frozenset(str(s).lower() if lower else str(s) for s in table.get(key, ()))

    return PathSettings(
        user_patterns=tuple(patterns),
        remote_schemes=strings(remote, "schemes", lower=True),
        web_schemes=strings(remote, "web_schemes", lower=True),
        download_programs=strings(remote, "download_programs", lower=True),
        not_path=tuple(re.compile(str(p)) for p in not_a_path.get("patterns", ())),
        special_names=strings(not_a_path, "special_names"),
        posix_roots=strings(not_a_path, "posix_roots"),
        route_methods=strings(not_a_path, "route_methods"),
        route_keywords=strings(not_a_path, "route_keywords"),
        container_keywords=strings(not_a_path, "container_keywords"),
        container_methods=strings(not_a_path, "container_methods"),
        container_mappings=strings(not_a_path, "container_mappings"),
        tool_config=tool_config,
        temporary=tuple(re.compile(str(p)) for p in dict(data.get("temporary", ())).get("patterns", ())),
        hosted_roots=tuple(re.compile(str(p)) for p in dict(data.get("hosted_root", ())).get("patterns", ())),
        installer_prefixes=strings(not_a_path, "installer_prefixes"),
    )


@dataclass(frozen=True)
class PathClass:
    """What kind of path a literal is."""

    kind: str  # remote | user | absolute | relative
    detail: str = ""  # the scheme, or the user pattern's description


_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]+):")
_ANY_URI = re.compile(r"(?<![\w+.\-])(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]+)://[^\s'\"<>]+")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_UNC = re.compile(r"^\\\\[^\\/\s]+[\\/][^\\/\s]+")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,6}$")
# Regex syntax that a file name practically never holds.
_REGEX_HINT = re.compile(r"\\|\(\?|\.\*|\.\+|\[\^|\{\d+(,\d*)?\}|^\^|\$$|\|")
_DATE_FORMAT = re.compile(r"%[aAbBcdHIjmMpSUwWxXyYzZf]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A search-path entry appended with its separator: `";C:\\tools\\bin"`, `":/opt/tools/bin"`.
_PATH_LIST_ENTRY = re.compile(r"^[;:](?P<path>(?:[A-Za-z]:[\\/]|/)[^;:]*)[;:]?$")
# A single path segment opening with an f-string hole joined to a name by `-`/`_`:
# `f"{model_name}-finetuned-{task}"`.
_NAMED_AFTER_HOLE = re.compile(r"^\{\}[-_][^/\\:\s]*$")


def classify(value: str, settings: PathSettings, *, path_argument: bool = False, url_only: bool = False,
             store_uri: bool = False) -> Optional[PathClass]:
    """What the literal `value` is, or None when it is not a path worth reporting.

    `path_argument`: the literal is the path argument of a catalogued call, which makes a
    single-segment or relative literal a path for sure. `url_only`: that argument is a URL
    (`requests.get`), so it is never a relative path. `store_uri`: that argument is a tracking
    store or database URI (`mlflow.set_tracking_uri`), a path only as `sqlite:///file.db`.

    Remembered for the settings last asked with (the answer depends on the value, the flags and
    the settings alone, and is immutable): notebooks repeat their strings (`'r'`, column names,
    a data file's name in every cell that reads it)."""
    memo = _CLASSIFIED
    if not memo or memo[0] is not settings:  # the memo holds the settings: no reused id matches
        memo[:] = [settings, {}]
    known: dict[tuple[str, bool, bool, bool], Optional[PathClass]] = memo[1]
    key = (value, path_argument, url_only, store_uri)
    if key in known:
        return known[key]
    if len(known) >= 20_000:  # strings of one batch: keep memory flat
        known.clear()
    found = known[key] = _classify(value, settings, path_argument, url_only, store_uri)
    return found


_CLASSIFIED: list = []  # [settings, {(value, path_argument, url_only, store_uri): class or None}]


def _classify(value: str, settings: PathSettings, path_argument: bool, url_only: bool, store_uri: bool) -> Optional[PathClass]:
    if store_uri:
        sqlite = _SQLITE_FILE.match(value)
        if sqlite is None:
            return None  # `http://…` (a service), `databricks`, `sqlite:///:memory:`: no local file
        value = sqlite.group("path")
    if not value or value in settings.special_names:
        return None
    remote = _remote_scheme(value, settings, path_argument)
    if remote:
        return PathClass("remote", remote)
    if value.startswith("file://"):
        value = value[len("file://"):]  # a local path in URI form: judge the path
        if not value:
            return None  # `"file://" + str(folder)`: the prefix alone, the path comes from elsewhere
    windows = bool(_WINDOWS_DRIVE.match(value) or _UNC.match(value))
    if not windows:
        if _CONTROL.search(value) or value != value.strip():
            return None  # multi-line text, a docstring, CSV content
        if not path_argument and (_REGEX_HINT.search(value) or _DATE_FORMAT.search(value) or re.search(r"\s/|/\s", value)):
            return None  # a regex, a date format, "a / b"
    if path_argument and not url_only and _NAMED_AFTER_HOLE.match(value):
        # `output_dir=f"{model_name}-finetuned-xsum"`: one folder name built around the hole, so
        # relative (a root in the hole would be followed by "/", as in `f"{root}/x"`).
        return PathClass("relative", "")
    if value[0] in "{[<" or value.startswith("//"):
        return None  # an f-string hole in front (unknown root), JSON, HTML, XPath `//div`
    normal = value.replace("\\", "/")
    if any(pattern.regex.search(normal) for pattern in settings.tool_config):
        return None  # `~/.kaggle/kaggle.json`: where the tool itself looks, on every machine
    for pattern in settings.user_patterns:
        if pattern.only_as_path_argument and not path_argument:
            continue
        if pattern.regex.search(normal):
            return PathClass("user", pattern.description)
    if windows:
        return PathClass("absolute", "a Windows drive or network share")
    scheme = _SCHEME.match(value)
    if scheme and len(scheme.group("scheme")) > 1:
        return None  # `runs:/…`, `models:/…`, `sqlite:…`: some library's URI, not a local file
    if normal.startswith("/"):
        if any(p.search(normal) for p in settings.not_path):
            return None
        segments = [s for s in normal.split("/") if s]
        if not segments:
            return None  # "/" alone: a separator
        if path_argument or len(segments) > 1 or segments[0] in settings.posix_roots or _EXTENSION.search(segments[0]):
            return PathClass("absolute", "")
        return None
    if path_argument and not url_only and not normal.startswith("~"):
        return PathClass("relative", "")
    return None


# SQLAlchemy's (and MLflow's) `sqlite:///mlflow.db`: the part after the three slashes is the
# database file, relative to the working directory (`sqlite:////abs/x.db` is absolute).
_SQLITE_FILE = re.compile(r"^sqlite:///(?P<path>(?!:memory:)[^?]+)")


def _remote_scheme(value: str, settings: PathSettings, path_argument: bool) -> str:
    for m in _ANY_URI.finditer(value):
        scheme = m.group("scheme").lower()
        if scheme in settings.remote_schemes:
            return scheme
        if path_argument and m.start() == 0 and scheme in settings.web_schemes and not _LOOPBACK.match(value, m.start("scheme") + len(scheme) + 3):
            return scheme
    return ""


# `http://localhost:8000/predict`: a service the notebook starts on this machine (a model server it
# queries), not data on the network.
_LOOPBACK = re.compile(r"(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1\])(?=[:/?#]|$)", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# Finding the literals of a notebook
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiteralFinding:
    """A string literal that is a path, where it stands and how it is classed."""

    ca: CellAnalysis
    line: int
    column: int
    end_line: int
    value: str
    path_class: PathClass
    argument: Optional[PathArgument] = None  # set when the literal is a catalogued path argument
    source: str = "python"  # python | shell (a token of a magic or `!` line)
    invalid_escape: bool = False  # "C:\Users\…": not valid Python 3, recovered from the source
    # The Python call that runs the shell command a "shell" token is from (`os.system`), "" for a
    # magic or `!` line.
    runner: str = ""


# `%time`/`%timeit`/`%prun` arguments are Python: the analysis already saw their literals.
_PYTHON_ARG_MAGICS = frozenset({"time", "timeit", "prun"})
_SHELL_CELL_MAGICS = frozenset({"bash", "sh", "script", "system", "sx"})
_SHELL_TOKEN = re.compile(r"\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s\"']+)")
# A non-raw literal starting with a drive letter and a backslash: `"C:\Users\…"` fails to evaluate
# (`\U` opens a unicode escape), so the analysis records no StringFact for it.
_WINDOWS_SOURCE_LITERAL = re.compile(r"(?<![\w\"'])(?P<prefix>[bBuU]?)(?P<q>[\"'])(?P<body>[A-Za-z]:\\[^\"'\n]*)(?P=q)")


# The last notebook's answer: four PTH rules ask for the same context in a row. (The reference
# keeps that context alive, so identity cannot match a newer one by a reused id.)
_LAST_LITERALS: list[tuple[RuleContext, tuple[LiteralFinding, ...]]] = []


def literal_findings(ctx: RuleContext) -> list[LiteralFinding]:
    """Every path-like literal of the notebook, classified; one entry per literal."""
    if _LAST_LITERALS and _LAST_LITERALS[0][0] is ctx:
        return list(_LAST_LITERALS[0][1])
    settings = path_settings(ctx.catalog)
    out: list[LiteralFinding] = []
    suffixes = _suffix_literals(ctx)
    for ca in ctx.cells:
        out.extend(f for f in _python_literals(ctx, ca, settings) if (ca.cell.index, f.line, f.column) not in suffixes)
        out.extend(_shell_literals(ca, settings))
        out.extend(_system_command_urls(ctx, ca, settings))
    _LAST_LITERALS[:] = [(ctx, tuple(out))]
    return out


def _python_literals(ctx: RuleContext, ca: CellAnalysis, settings: PathSettings) -> Iterator[LiteralFinding]:
    arguments = {
        (pa.literal.line, pa.literal.column): pa
        for pa in path_arguments(ctx.facts, ctx.catalog, ca)
        if pa.literal is not None
    }
    # The literals that are no path of this machine (routes, selectors, asserted data, keys, a
    # container's settings), found only when a literal that is no path argument classifies as a
    # path: most cells have none (the tables' own walks and searches were a tenth of PTH001's time).
    not_paths: Optional[set[tuple[int, int]]] = None
    masked_lines = ca.masked.python.split("\n")
    joined, continued = _concatenations(ca, masked_lines)
    positions: set[tuple[int, int]] = set()
    dead = never_run_lines(ctx.facts, ca)
    for s in ca.facts.strings:
        positions.add((s.line, s.column))
        if s.line in dead:
            continue  # under `if False:`: never used
        if (s.line, s.column) in continued:
            continue  # `("https://host" "/raw/x.csv")`: a later part of one string, judged whole at its first part
        if (s.line, s.column) in joined:
            value, end_line = joined[(s.line, s.column)]
            s = StringFact(value, s.line, s.column, end_line, s.formatted)
        argument = arguments.get((s.line, s.column))
        # `os.environ["PATH"] += ";C:\\Program Files\\gs\\bin"`: a new entry of a search-path list,
        # a whole path of its own (not a suffix of the string it is appended to).
        entry = _PATH_LIST_ENTRY.match(s.value) if argument is None else None
        value = entry.group("path") if entry else s.value
        found = classify(
            value,
            settings,
            path_argument=argument is not None,
            url_only=argument is not None and argument.entry.kind == "url",
            store_uri=argument is not None and argument.entry.kind == "store-uri",
        )
        if found is None:
            continue
        if argument is not None and found.kind == "relative" and (ca.cell.index, argument.arg.line, argument.arg.column) in _helper_joins(ctx):
            # `setup_df.setup_ml("13-car_evaluation.csv")`, joined by the project's helper under an absolute
            # folder it spells: a name under that folder, not a path of the working directory (the
            # folder is PTH001's or PTH002's, at the call; fair check 41, items 98, 118).
            continue
        if argument is None:
            if not_paths is None:
                not_paths = _route_literals(ctx, ca, settings) | _asserted_data(ca) | _keys_and_container_settings(ca, settings)
            if (s.line, s.column) in not_paths:
                continue
        if argument is None and not entry and found.kind != "remote" and _appended(masked_lines, s.line, s.column):
            continue  # `BASE + "/x.csv"`: a suffix of some other path (or URL), not an absolute path
        yield LiteralFinding(ca, s.line, s.column, s.end_line, value, found, argument)
    # (a match holds `:\` itself: most cells have none, and the pattern, starting with a
    # look-behind, was tried at every character of every line)
    for number, text in enumerate(masked_lines if ":\\" in ca.masked.python else (), start=1):
        for m in _WINDOWS_SOURCE_LITERAL.finditer(text):
            column = m.start() + 1
            if (number, column) in positions or _evaluates(m.group(0)):
                continue
            found = classify(m.group("body"), settings)
            if found is not None:
                yield LiteralFinding(ca, number, column, number, m.group("body"), found, invalid_escape=True)


def _concatenations(ca: CellAnalysis, lines: Sequence[str]) -> tuple[dict[tuple[int, int], tuple[str, int]], set[tuple[int, int]]]:
    """Adjacent string literals Python reads as one string (`("https://host/x" "/raw/y.csv")`):
    the joined value and end line at the position of the first part, and the positions of the
    later parts."""
    joined: dict[tuple[int, int], tuple[str, int]] = {}
    continued: set[tuple[int, int]] = set()
    if len(ca.facts.strings) < 2:
        return joined, continued  # one part at most: nothing is joined (and no tree to walk)
    tree = cell_python_tree(ca)
    if tree is None:
        return joined, continued
    by_line: dict[int, list[int]] = {}
    for fact in ca.facts.strings:
        by_line.setdefault(fact.line, []).append(fact.column)
    # The parts of an f-string are nodes of their own, positioned (before Python 3.12) like the whole.
    # (One breadth-first list of the nodes: an f-string comes before its parts, so its parts are
    # known as parts by the time they are reached.)
    inside_fstring: set[int] = set()
    for node in nodes_of(tree, ast.JoinedStr, ast.Constant):  # (the other nodes are never literals)
        if isinstance(node, ast.JoinedStr):
            inside_fstring.update(id(part) for part in node.values)
        if id(node) in inside_fstring:
            continue
        if node.end_lineno == node.lineno and len(by_line.get(node.lineno, ())) < 2:
            continue  # (one line holding one literal at most: nothing is joined there; most nodes)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
        elif isinstance(node, ast.JoinedStr) and not any(
            isinstance(inner, ast.Constant) and isinstance(inner.value, str)
            for part in node.values if isinstance(part, ast.FormattedValue) for inner in ast.walk(part)
        ):
            value = "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
        else:
            continue
        end_line, end_col = node.end_lineno or node.lineno, node.end_col_offset or 0
        start = (node.lineno, _char_column(lines, node.lineno, node.col_offset))
        end = (end_line, _char_column(lines, end_line, end_col))
        parts = sorted(
            (line, column) for line in range(start[0], end[0] + 1) for column in by_line.get(line, ())
            if start <= (line, column) < end
        )
        if len(parts) > 1 and parts[0] == start:
            joined[start] = (value, end_line)
            continued.update(parts[1:])
    return joined, continued


def _suffix_literals(ctx: RuleContext) -> set[tuple[int, int, int]]:
    """(cell, line, column) of the literals bound to a module-level name that the notebook only
    ever appends to something else: `blog_suffix = "/posts/123"`, read only as
    `base_url + blog_suffix` (or filled in first, `base_url + ep.format(id=i)`). Like `BASE + "/x.csv"`, a suffix of another string, not a path.

    First the bindings (a look at each cell's top-level statements); only when there are some,
    the reads of their names, in the cells whose text holds one of them: a `Name` is its own
    text in an ASCII cell (in another, CPython keeps a name NFKC-normalised, so such a cell is
    walked whatever its text). Most notebooks bind no string to a name at module level, and
    the whole walk of every cell was ~15 % of PTH001's time on PythonDataScienceHandbook."""
    bound: dict[str, list[tuple[int, int, int]]] = {}
    trees: list[tuple[CellAnalysis, ast.Module]] = []
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        trees.append((ca, tree))
        lines: Optional[list[str]] = None
        for stmt in tree.body:
            if (
                isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
            ):
                if lines is None:
                    lines = ca.masked.python.split("\n")
                where = (ca.cell.index, stmt.value.lineno, _char_column(lines, stmt.value.lineno, stmt.value.col_offset))
                bound.setdefault(stmt.targets[0].id, []).append(where)
    if not bound:
        return set()
    right_only: dict[str, bool] = {}
    for ca, tree in trees:
        text = ca.masked.python
        if text.isascii() and not any(name in text for name in bound):
            continue  # no read of a bound name here
        # One breadth-first pass: a name's parent (the `+` or `+=` it may be the right side of)
        # comes before it, so `appended` already holds it when the name is reached.
        appended: set[int] = set()
        for n in tree_nodes(tree):
            if isinstance(n, ast.BinOp):
                if isinstance(n.op, ast.Add):
                    appended.add(id(n.right))
            elif isinstance(n, ast.AugAssign):
                if isinstance(n.op, ast.Add):
                    appended.add(id(n.value))
            elif isinstance(n, ast.Call):
                # `url_base + ep_artist.format(artist_id=i)`: a route template filled in, then
                # appended; the name is appended all the same (fair check 42, items 62-65).
                if (id(n) in appended and isinstance(n.func, ast.Attribute) and n.func.attr == "format"
                        and isinstance(n.func.value, ast.Name)):
                    appended.add(id(n.func.value))
            elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in bound:
                right_only[n.id] = right_only.get(n.id, True) and id(n) in appended
    return {where for name, places in bound.items() if right_only.get(name) for where in places}


def _char_column(lines: Sequence[str], line: int, byte_offset: int) -> int:
    """ast's UTF-8 byte offset on `line` as the 1-based character column the analysis uses."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")) + 1


def _evaluates(literal: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "invalid escape sequence": the literal still evaluates
        try:
            ast.literal_eval(literal)
        except (SyntaxError, ValueError):
            return False
    return True


def _appended(lines: Sequence[str], line: int, column: int) -> bool:
    if not 0 < line <= len(lines):
        return False
    before = lines[line - 1][: column - 1].rstrip()
    if not before and line > 1:
        # `URL = "https://maps.example.com" + \` / `    "/maps/api/geocode/json"`: the `+` ends the
        # line above (after a backslash continuation, or inside brackets).
        before = lines[line - 2].rstrip()
        before = before[:-1].rstrip() if before.endswith("\\") else before
    return before.endswith("+") or before.endswith("+=")


def _route_literals(ctx: RuleContext, ca: CellAnalysis, settings: PathSettings) -> set[tuple[int, int]]:
    """Literals passed to URL-route or selector calls (`app.get("/users/{id}")`), not paths."""
    strings = sorted(ca.facts.strings, key=lambda s: (s.line, s.column))
    out: set[tuple[int, int]] = set()
    for call in ca.facts.calls:
        is_route = call.func != call.method and call.method in settings.route_methods
        if is_route and matching_entries(ctx.facts, ctx.catalog, call)[1]:
            is_route = False  # `requests.get(…)` is a catalogued download, checked as such
        if call.method in settings.container_methods:
            # Everything given to a volume mount names a place inside the container.
            out.update(
                (s.line, s.column) for s in strings
                if (call.line, call.column) <= (s.line, s.column) and s.line <= call.end_line
            )
        for arg in call.args:
            inside = arg.keyword is not None and arg.keyword in settings.container_keywords
            if is_route or inside or (arg.keyword is not None and arg.keyword in settings.route_keywords):
                literal = _literal_for(arg, strings)
                if literal is not None:
                    out.add((literal.line, literal.column))
    if settings.container_keywords:
        # `{"mountPath": "/data"}` in a pod or container spec written as a dictionary.
        lines = ca.masked.python.split("\n")
        for s in strings:
            before = lines[s.line - 1][: s.column - 1] if 0 < s.line <= len(lines) else ""
            m = _DICT_KEY_BEFORE.search(before)
            if m and m.group("key") in settings.container_keywords:
                out.add((s.line, s.column))
    return out


def _asserted_data(ca: CellAnalysis) -> set[tuple[int, int]]:
    """Strings inside a list, tuple, set or dict display that is the expected value of an assertion
    (`Test.assertEquals(top, [("/images/logo.gif", 633), ...])`, `assert got == ["/a", "/b"]`):
    data the notebook compares (endpoints of a web log, keys of a result), never opened."""
    if "assert" not in ca.masked.python:
        return set()
    tree = cell_python_tree(ca)
    if tree is None:
        return set()
    out: set[tuple[int, int]] = set()
    displays = (ast.List, ast.Tuple, ast.Set, ast.Dict)
    for node in (*nodes_of(tree, ast.Assert), *nodes_of(tree, ast.Call)):  # (a set of places: any order)
        if isinstance(node, ast.Assert):
            checked: list[ast.AST] = [node.test]
        elif isinstance(node, ast.Call) and dotted_name(node.func).rpartition(".")[2].lower().startswith("assert"):
            checked = [*node.args, *(k.value for k in node.keywords)]
        else:
            continue
        for part in checked:
            for display in _outside_calls(part):
                if not isinstance(display, displays):
                    continue
                out.update(
                    (n.lineno, n.col_offset + 1) for n in walk_nodes(display)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)
                )
    return out


def _keys_and_container_settings(ca: CellAnalysis, settings: PathSettings) -> set[tuple[int, int]]:
    """Strings that are not paths on this machine though they look like one: the index of a
    subscript (`limits["resources"]["followers"]["/followers/ids"]`, `spec["paths"]["/pets/{id}"]`:
    a key of a mapping, looked up, never opened; fair check 11), and every string of a keyword
    argument that sets a container's environment (`ManagedOnlineDeployment(...,
    environment_variables={"MODEL_BASE_PATH": "/var/azureml-app/…"})`: `container_mappings` of
    paths.toml; the variables are read in the serving container, not here)."""
    if "[" not in ca.masked.python and not any(k in ca.masked.python for k in settings.container_mappings):
        return set()
    tree = cell_python_tree(ca)
    if tree is None:
        return set()
    out: set[tuple[int, int]] = set()
    for node in (*nodes_of(tree, ast.Subscript), *(nodes_of(tree, ast.keyword) if settings.container_mappings else ())):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            out.add((node.slice.lineno, node.slice.col_offset + 1))
        elif isinstance(node, ast.keyword) and node.arg in settings.container_mappings:
            out.update(
                (n.lineno, n.col_offset + 1) for n in walk_nodes(node.value)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            )
    return out


def _outside_calls(node: ast.AST) -> Iterator[ast.AST]:
    """`node` and its descendants, not entering calls: in `assert all(os.path.exists(p) for p in
    ["/data/a"])` the list is handed to code that may open it, so it stays a path."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, (ast.Call, ast.Lambda, ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)):
            continue
        stack.extend(ast.iter_child_nodes(current))


_DICT_KEY_BEFORE = re.compile(r"[\"'](?P<key>\w+)[\"']\s*:\s*$")


# Shell programs that only show something (`!ls /content/data`): the listing is read by a person,
# nothing the notebook computes depends on the path.
_DISPLAY_PROGRAMS = frozenset({"ls", "ll", "tree", "du", "df", "wc", "file", "stat", "head", "tail", "cat", "pwd"})


def _display_only(program: str, text: str, assigned: bool) -> bool:
    """A display program's line whose output is neither bound (`files = !ls …`) nor redirected
    (piped only into other display filters: `!ls -la /content/x | head`)."""
    if program not in _DISPLAY_PROGRAMS or assigned or re.search(r"[>;&`]|\$\(", text):
        return False
    return all(part.split()[:1] and part.split()[0] in _DISPLAY_FILTERS for part in text.split("|")[1:])


_DISPLAY_FILTERS = _DISPLAY_PROGRAMS | {"grep", "sort", "uniq", "less", "more", "nl", "column"}


def _shell_literals(ca: CellAnalysis, settings: PathSettings) -> Iterator[LiteralFinding]:
    """Paths in `!` lines, line magics, automagics and `%%bash` bodies: `!cp x ~/.kaggle/`. A
    display-only line (`!ls /content/iris`) is not searched, nor a lone `!cd DIR`."""
    for magic in ca.magics:
        if magic.kind == "help" or (magic.name in _PYTHON_ARG_MAGICS and magic.kind != "cell_magic"):
            continue
        if magic.kind == "shell" and _display_only(magic.name.lower(), magic.args, bool(magic.assigned_to)):
            continue
        if magic.kind == "shell" and magic.name.lower() == "cd" and not re.search(r"[;&|`]|\$\(", magic.args):
            continue  # a lone `!cd DIR` runs in a throw-away shell and changes nothing (PTH004 skips it too): no path is used
        yield from _shell_tokens(ca, magic.line, magic.text, magic.args, magic.name.lower(), settings)
    if ca.masked.cell_magic in _SHELL_CELL_MAGICS:
        lines = ca.lines
        header = next((m.line for m in ca.magics if m.kind == "cell_magic"), 0)
        variables = _shell_cell_variables(ca)
        prefixes = _installer_prefix_variables(ca, variables, settings)
        for number in range(header + 1, len(lines) + 1):
            body = lines[number - 1]
            stripped = body.strip()
            if not stripped or stripped.startswith("#"):
                continue
            assigned = _SHELL_ASSIGNMENT.match(stripped)
            if assigned is not None and assigned.group("name") in prefixes:
                continue  # `MINICONDA_PREFIX=/usr/local`, then `… -p $MINICONDA_PREFIX`: an installer's prefix
            program = _shell_expanded(stripped.split()[0], variables).lower()
            if _display_only(program, stripped, False):
                continue
            yield from _shell_tokens(ca, number, body, body, program, settings, variables)


# A shell variable set on a line of its own in a `%%bash` cell (`MINICONDA_PREFIX=/usr/local`,
# `export SCRIPT="Miniconda3-….sh"`), and a use of one (`$NAME`, `${NAME}`).
_SHELL_ASSIGNMENT = re.compile(r"^(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>\"[^\"$`]*\"|'[^']*'|[^\s\"'$`;&|]*)\s*(?:#.*)?$")
_SHELL_USE = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))")


def _shell_cell_variables(ca: CellAnalysis) -> dict[str, str]:
    """The constant shell variables a `%%bash` cell sets on lines of their own (`NAME=value`,
    `export NAME="value"`), by name: the value of the last such line. Values that use other
    variables or command substitution are left out, as is a cell that sets one name to two values."""
    if ca.masked.cell_magic not in _SHELL_CELL_MAGICS:
        return {}
    values: dict[str, set[str]] = {}
    for line in ca.lines:
        found = _SHELL_ASSIGNMENT.match(line.strip())
        if found is not None:
            values.setdefault(found.group("name"), set()).add(found.group("value").strip("\"'"))
    return {name: next(iter(v)) for name, v in values.items() if len(v) == 1}


def _shell_expanded(text: str, variables: Mapping[str, str]) -> str:
    """`text` with the uses of the known `variables` replaced by their values (`./$SCRIPT` →
    `./Miniconda3-….sh`); other uses stay as written."""
    if not variables or "$" not in text:
        return text
    return _SHELL_USE.sub(lambda m: variables.get(m.group("braced") or m.group("bare"), m.group(0)), text)


def _installer_prefix_variables(ca: CellAnalysis, variables: Mapping[str, str], settings: PathSettings) -> frozenset[str]:
    """The shell variables of a `%%bash` cell given as an installer's prefix (`-p $MINICONDA_PREFIX`,
    `--prefix=${PREFIX}`) whose value is a standard system prefix: the line that sets such a variable
    names the folder the installer writes into, exempt as the literal would be (fair check 31, items
    104-106: `MINICONDA_PREFIX=/usr/local`, then `./$MINICONDA_INSTALLER_SCRIPT -b -f -p $MINICONDA_PREFIX`)."""
    if not variables:
        return frozenset()
    found: set[str] = set()
    for line in ca.lines:
        words = line.split()
        if not words or "$" not in line or _SHELL_ASSIGNMENT.match(line.strip()):
            continue
        program = _shell_expanded(words[0], variables).lower()
        for option, word in zip(words, words[1:]):
            if word.startswith("--prefix="):
                option, word = "--prefix", word.split("=", 1)[1]
            use = _SHELL_USE.fullmatch(word.strip("\"'"))
            name = use and (use.group("braced") or use.group("bare"))
            if name in variables and _installer_prefix(option, variables[name], program, settings):
                found.add(name)
    return frozenset(found)


# Python calls that run a shell command given as a string (`os.system("wget URL")`) or as a list of
# words (`subprocess.run(["wget", URL])`).
_SYSTEM_RUNNERS = frozenset({
    "os.system", "os.popen", "subprocess.run", "subprocess.call", "subprocess.check_call",
    "subprocess.check_output", "subprocess.Popen", "subprocess.getoutput", "subprocess.getstatusoutput",
})


@dataclass(frozen=True)
class SystemCommand:
    """A shell command a Python call of the cell runs, its words all literal: `line` of the call,
    `text` the command, `runner` the call as written (`os.system`)."""

    line: int
    end_line: int
    text: str
    runner: str


def system_commands(ctx: RuleContext, ca: CellAnalysis) -> tuple[SystemCommand, ...]:
    """The shell commands the cell's module-level Python runs with literal words: `os.system("wget
    URL")`, `subprocess.run(["wget", URL])`, `get_ipython().system("wget URL")` (what `!wget URL`
    becomes in an exported script). Not in a dead branch or a function never called."""
    tree = cell_python_tree(ca)
    if tree is None or not any(name in ca.masked.python for name in ("system", "subprocess", "popen", "getoutput")):
        return ()
    dead = never_run_lines(ctx.facts, ca)
    out: list[SystemCommand] = []
    for node in nodes_of(tree, ast.Call):
        if not node.args or node.lineno in dead:
            continue
        func = node.func
        dotted = dotted_name(func) or ""
        ipython = (
            isinstance(func, ast.Attribute) and func.attr in ("system", "getoutput")
            and isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name) and func.value.func.id == "get_ipython"
        )
        if not ipython and ctx.facts.resolve(dotted) not in _SYSTEM_RUNNERS:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            text = first.value
        elif isinstance(first, (ast.List, ast.Tuple)) and first.elts and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in first.elts):
            text = " ".join(e.value for e in first.elts)  # type: ignore[attr-defined]
        else:
            continue
        runner = f"get_ipython().{func.attr}" if ipython else dotted  # type: ignore[union-attr]
        out.append(SystemCommand(node.lineno, node.end_lineno or node.lineno, text, runner))
    return tuple(out)


def _system_command_urls(ctx: RuleContext, ca: CellAnalysis, settings: PathSettings) -> Iterator[LiteralFinding]:
    """The URLs of download commands Python runs (`os.system("wget https://…/x.csv")`): shell tokens
    as in a `!wget` line (fair check 17: `os.system("wget URL")` was no PTH003, and the file it
    saves, read back, a PTH006 of its own). Only the URLs: the other words of such a command are
    Python literals the analysis has judged already."""
    for command in system_commands(ctx, ca):
        words = command.text.split()
        program = words[0].rsplit("/", 1)[-1].lower() if words else ""
        if program not in settings.download_programs:
            continue
        for f in _shell_tokens(ca, command.line, "", command.text, program, settings):
            if f.path_class.kind != "remote":
                continue
            # where the URL is written (a list's element may be on a line of its own)
            line, column = command.line, 0
            for number in range(command.line, min(command.end_line, len(ca.lines)) + 1):
                index = ca.lines[number - 1].find(f.value)
                if index >= 0:
                    line, column = number, index + 1
                    break
            yield replace(f, line=line, column=column or 1, end_line=line, runner=command.runner)


# curl's options that send data to the URL (a request body, a form, a file to upload) and the
# methods that write to it: with none of the options that save the answer, such a curl downloads
# nothing (fair check 27, item 91: `!curl -X POST … -d @./upsert.json https://…/vectors/upsert`).
_CURL_SEND_OPTIONS = frozenset({
    "-d", "--data", "--data-binary", "--data-raw", "--data-ascii", "--data-urlencode", "--json",
    "-F", "--form", "--form-string", "-T", "--upload-file",
})
_CURL_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _curl_sends_only(command: str) -> bool:
    """Does this one curl command (`curl -X POST URL -d @body.json`) send data to its URL and save
    nothing: a send option or a writing method (`-X POST`), no `-G`/`--get` (which turns `-d` into a
    query string), no `-o`/`-O`/`--output`/`--remote-name` and no redirection of its output?"""
    tokens = [t.strip("\"'") for t in command.split()]
    if not tokens or tokens[0].rsplit("/", 1)[-1] != "curl" or ">" in command:
        return False
    sends = False
    for i, token in enumerate(tokens):
        if token in ("-G", "--get", "-o", "--output", "--remote-name", "--remote-name-all") or token.startswith("--output="):
            return False
        if re.fullmatch(r"-[A-Za-z]*[oO][A-Za-z]*", token):
            return False  # `-sO`, `-fsSLo`: saves the answer
        method = token[2:] if token.startswith("-X") and len(token) > 2 else (
            tokens[i + 1] if token in ("-X", "--request") and i + 1 < len(tokens) else "")
        if token.split("=", 1)[0] in _CURL_SEND_OPTIONS or method.upper() in _CURL_WRITE_METHODS:
            sends = True
    return sends


def _shell_tokens(
    ca: CellAnalysis, line: int, original: str, text: str, program: str, settings: PathSettings,
    variables: Mapping[str, str] = {},
) -> Iterator[LiteralFinding]:
    searched_from = 0
    # The program of each command of a chain (`cd $out && wget URL`: the URL is wget's, fair
    # check 14 item 108), by the offset where its command starts; a program named by a variable of
    # the `%%bash` cell is its value (`./$MINICONDA_INSTALLER_SCRIPT`: the installer script, fair
    # check 31, items 104-106).
    starts = [(0, _shell_expanded(program, variables))] + [
        (c.end(), _shell_expanded((text[c.end():].split() or [""])[0], variables).lower())
        for c in _CHAIN_SEPARATOR.finditer(text)
    ]
    previous = ""
    inside = _container_command_spans(text)
    for m in _SHELL_TOKEN.finditer(text):
        if any(start <= m.start() < end for start, end in inside):
            continue  # `kubectl exec pod -- cat /opt/app/conf`: a path of the container, not of this machine
        segment = next(name for at, name in reversed(starts) if at <= m.start())
        fetcher = segment if program == "cd" and segment in settings.download_programs else program
        token = m.group("dq") if m.group("dq") is not None else m.group("sq") if m.group("sq") is not None else m.group("bare")
        if m.group("bare") is not None:
            token = _without_substitution_close(token)
        option, previous = previous, token
        if _installer_prefix(option, token, segment, settings):
            continue
        candidates = [token]
        if m.group("bare") is not None and "=" in token and not token.startswith(("/", "~")):
            candidates = [token.split("=", 1)[1]]  # `--out=/data/x`, `PATH=/usr/bin:$PATH`
        if candidates[0].startswith("/") and ":" in candidates[0]:
            candidates = [p for p in candidates[0].split(":") if p]
        for candidate in candidates:
            if not candidate or _DISTINGUISHED_NAME.match(candidate):
                continue  # `openssl req -subj "/CN=db.svc.cluster.local"`: a certificate's subject, not a file
            if _program_text(candidate, m.group("sq") is not None, segment):
                continue  # `awk '/^processor/{print $3}'`: a text program's pattern, not a file
            found = classify(candidate, settings, path_argument=False)
            if found is None and fetcher in settings.download_programs and _SCHEME.match(candidate):
                scheme = _SCHEME.match(candidate).group("scheme").lower()  # type: ignore[union-attr]
                if (
                    scheme in settings.web_schemes
                    and candidate[len(scheme):].startswith("://")
                    and not _LOOPBACK.match(candidate, len(scheme) + 3)
                ):
                    found = PathClass("remote", scheme)
            if found is None or found.kind == "relative":
                continue
            if found.kind == "remote" and fetcher == "curl":
                at = max(i for i, (start, _) in enumerate(starts) if start <= m.start())
                end = starts[at + 1][0] if at + 1 < len(starts) else len(text)
                if _curl_sends_only(text[starts[at][0]:end].strip().lstrip("&|;").strip()):
                    continue  # `curl -X POST URL -d @body.json`: data sent to a service, nothing downloaded
            index = original.find(candidate, searched_from)
            if index >= 0:
                searched_from = index + len(candidate)
            column = index + 1 if index >= 0 else len(original) - len(original.lstrip()) + 1
            yield LiteralFinding(ca, line, column, line, candidate, found, source="shell")


def _without_substitution_close(word: str) -> str:
    """A bare shell word without the `)` or backquote that closes a command substitution around it:
    `$(cat ~/.cache/huggingface/token)` splits into `$(cat` and `~/.cache/huggingface/token)`, whose
    `)` is the shell's operator, not part of the file's name (fair check 29, item 79: the path was
    taken as `token)`, so the `huggingface-token` exemption missed). Only closers with no opener in
    the word: `$(pwd)/data` and `f(x)` stay whole."""
    while word.endswith(")") and word.count(")") > word.count("("):
        word = word[:-1]
    if word.endswith("`") and word.count("`") % 2:
        word = word[:-1]
    return word


# An X.509 distinguished name in OpenSSL's slash syntax (`-subj "/C=US/O=Acme/CN=db.internal"`):
# every part `type=value` (fair check 26: `/CN=postgresql.feast.svc.cluster.local` taken for a path).
_DISTINGUISHED_NAME = re.compile(r"^(?:/(?:C|ST|L|O|OU|CN|DC|UID|emailAddress|serialNumber|title|GN|SN)=[^/]*)+$")
# A `/regex/` a text program matches (awk, sed, perl): a slash, a first segment holding a regex
# operator (`^ $ \ [ ] * + ? ( ) |`, a `$` not opening a shell variable) and its closing slash, or any
# such `/pattern/` followed by an action or range (`/start/{print}`, `/a/,/b/p`, `/x/!d`). A folder
# name never holds those (fair check 35, item 73: `awk '/^processor/{print $3}'` taken for a path).
_REGEX_ADDRESS = re.compile(
    r"^/(?:[^/\\]|\\.)*?(?:[\^\\\[\]*+?()|]|\$(?![A-Za-z_{(]))(?:[^/\\]|\\.)*/"
    r"|^/(?:[^/\\]|\\.)+/\s*[{,!]"
)
# Programs whose first operand is a program or pattern in their own language: a single-quoted word
# of theirs holding that language's syntax (`{ } ; ^ \`, or a `$` field) is the script, not a file.
_SCRIPT_PROGRAMS = frozenset({"awk", "gawk", "mawk", "nawk", "sed", "gsed", "perl", "grep", "egrep", "fgrep"})


def _program_text(word: str, single_quoted: bool, program: str) -> bool:
    """`awk '/^processor/{print $3}'`, `sed -n '/start/,/end/p'`: the program text of a text-processing
    tool, which starts with `/` because a pattern does, not because it names a file (fair check 35,
    item 73). Any word shaped as a `/regex/` (`_REGEX_ADDRESS`) counts; a single-quoted word of an
    awk, sed, perl or grep command also counts when it holds that language's syntax. Not covered: a
    plain `/pattern/` with no regex operator given to grep (`grep '/home/user' log`) stays a path: it
    names a location the search depends on."""
    if _REGEX_ADDRESS.match(word):
        return True
    return single_quoted and program in _SCRIPT_PROGRAMS and re.search(r"[{};^\\]|\$[0-9NF]", word) is not None


# A command a cluster or container tool runs inside a container: what follows `kubectl exec POD --`
# (`oc exec` too) or `docker exec CONTAINER` (podman's too) names the container's files, not this
# machine's (fair check 26: `kubectl exec postgresql-0 -- cat /opt/bitnami/postgresql/conf/…`).
# Where one command of a shell chain ends and the next begins (`cd $out && wget URL`).
_CHAIN_SEPARATOR = re.compile(r"&&|\|\||;|\|")
_END_OF_OPTIONS = re.compile(r"\s--(?=\s|$)")  # `kubectl exec POD -- COMMAND`
_CONTAINER_EXEC = re.compile(r"(?:^|(?<=[\s;&|(]))(?P<tool>kubectl|oc|docker|podman)\s+exec\b")


def _container_command_spans(text: str) -> list[tuple[int, int]]:
    """The offsets of `text` a container runs: after `kubectl exec … --` (or `oc exec … --`) and
    after `docker exec`/`podman exec`'s container name, to the end of that command of the chain."""
    spans: list[tuple[int, int]] = []
    for found in _CONTAINER_EXEC.finditer(text):
        end_match = _CHAIN_SEPARATOR.search(text, found.end())
        end = end_match.start() if end_match else len(text)
        if found.group("tool") in ("kubectl", "oc"):
            separator = _END_OF_OPTIONS.search(text, found.end(), end)
            if separator is not None:
                spans.append((separator.end(), end))
            continue
        # docker/podman exec [options] CONTAINER COMMAND…: the container is the first word not an option
        # (nor an option's value: `-e KEY=V`, `-u user`, `-w dir`).
        words = list(re.finditer(r"\S+", text[found.end():end]))
        position = 0
        while position < len(words):
            word = words[position].group(0)
            if word.startswith("-"):
                position += 2 if word in ("-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file") else 1
                continue
            spans.append((found.end() + words[position].end(), end))
            break
    return spans


# Programs whose `-p` (alone or last of a cluster: Miniconda's `-bfp`) names the prefix they install
# into: conda and its kin, pip, and an installer script run by a shell (`bash Miniforge3.sh -b -p …`).
_PREFIX_INSTALLERS = frozenset({"conda", "mamba", "micromamba", "pip", "pip3", "bash", "sh"})


def _installer_prefix(option: str, token: str, program: str, settings: PathSettings) -> bool:
    """`bash Miniforge3-Linux-x86_64.sh -bfp /usr/local`, `conda install --prefix /usr/local …`,
    `./configure --prefix=/usr/local`: the folder an installer writes into, when it is a standard
    system prefix (`installer_prefixes` of paths.toml), the same place on every such machine, not a
    folder of the author's (left17: PTH001 reported `-bfp /usr/local` of a Colab set-up cell)."""
    if token.startswith("--prefix="):
        option, token = "--prefix", token.split("=", 1)[1]
    if _normal_path(token).rstrip("/") not in settings.installer_prefixes:
        return False
    installer = program in _PREFIX_INSTALLERS or program.endswith(".sh")
    return option == "--prefix" or (installer and re.fullmatch(r"-[A-Za-z]*p", option) is not None)


# ---------------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------------

_CONFIG_FIX = (
    "Move it into a config value or environment variable (for example "
    '`DATA_DIR = Path(os.environ.get("DATA_DIR", "data"))`) and build paths from it: '
    "`DATA_DIR / \"train.csv\"`."
)


def _unused_path_constant(ctx: RuleContext, f: LiteralFinding) -> bool:
    """Is the literal the whole value of a module-level `NAME = "…"` read only by joins bound to
    names nothing reads (`BASE_DIR = "/Users/…/data-ds"`, `path = os.path.join(BASE_DIR,
    FILE_DIR)`, and `path` read nowhere, not even by a shell line's `$path`/`{path}`)? Joining touches no
    disk: the run works anywhere, there is nothing to configure (fair check 41, item 81:
    unused-path-constant). A name read anywhere else, or a join read anywhere, keeps the finding."""
    if f.source != "python":
        return False
    tree = cell_python_tree(f.ca)
    stmt = statement_at(tree, f.line)
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Constant) and stmt.value.lineno == f.line == stmt.lineno):
        return False
    loads = name_loads(ctx)
    shell = [ca.cell.source for ca in ctx.cells if "$" in ca.cell.source or "{" in ca.cell.source]

    def read_by_shell(name: str) -> bool:
        pattern = re.compile(r"\$\{?" + re.escape(name) + r"\b|\{" + re.escape(name) + r"\}")
        return any(pattern.search(source) for source in shell)

    def pieces(value: ast.expr) -> list[ast.expr]:
        if isinstance(value, ast.Call) and dotted_name(value.func) in _JOIN_CALLS:
            return list(value.args)
        if isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Add, ast.Div)):
            return [*pieces(value.left), *pieces(value.right)]
        if isinstance(value, ast.JoinedStr):
            return [v.value for v in value.values if isinstance(v, ast.FormattedValue)]
        return [value]  # (a piece of a `+`/`/` chain)

    name = stmt.targets[0].id
    reads = loads.get(name, ())
    if not reads or read_by_shell(name):
        return False  # (a constant read nowhere at all is still one user's path written down)
    for node, read_tree, _ in reads:
        join = statement_at(read_tree, node.lineno)
        if not (isinstance(join, ast.Assign) and len(join.targets) == 1 and isinstance(join.targets[0], ast.Name)
                and join.targets[0].id != name and any(p is node for p in pieces(join.value))
                and not isinstance(join.value, ast.Name)):
            return False
        target = join.targets[0].id
        if loads.get(target) or read_by_shell(target):
            return False
    return True


def _request_field_only(ctx: RuleContext, f: LiteralFinding, settings: PathSettings) -> bool:
    """Is the literal one top-level segment with no extension (`"/model"`: a path only because
    `posix_roots` lists the segment), given only as a field of a request body: a value of a dict
    display or of an item assignment under a key that names no place (`{"model": MODEL}`,
    `payload["model"] = MODEL`), itself or through a module-level `NAME = "/model"` read nowhere
    else? That is an id the remote side reads (an OpenAI-style server's model name), never opened
    on this machine (fair check 44, items 94, 95: api-payload-model-name). A key naming a folder
    (`{"data_dir": "/data"}`) or any other read of the name keeps the finding."""
    if f.source != "python" or f.argument is not None:
        return False
    segments = [s for s in f.value.replace("\\", "/").split("/") if s]
    if len(segments) != 1 or _EXTENSION.search(segments[0]) or segments[0] not in settings.posix_roots:
        return False
    tree = cell_python_tree(f.ca)
    if tree is None:
        return False
    stmt = statement_at(tree, f.line)
    if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Constant) and stmt.value.lineno == f.line
            and stmt.value.col_offset + 1 == f.column):
        name = stmt.targets[0].id
        reads = name_loads(ctx).get(name, ())
        shell = re.compile(r"\$\{?" + re.escape(name) + r"\b")  # (`!curl -d $MODEL`: a read libcst does not see)
        if not reads or any(shell.search(ca.cell.source) for ca in ctx.cells):
            return False
        return all(_request_field(read_tree, node) for node, read_tree, _ in reads)
    literal = next((n for n in nodes_of(tree, ast.Constant)
                    if n.lineno == f.line and n.col_offset + 1 == f.column and isinstance(n.value, str)), None)
    return literal is not None and _request_field(tree, literal)


def _request_field(tree: ast.Module, node: ast.expr) -> bool:
    """Is `node` the value of a dict display's item, or of `obj["key"] = node`, under a constant
    string key that names no place (`_folder_keyword`'s words, `path`, `file`)?"""
    def place_key(key: Optional[ast.expr]) -> bool:
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return True  # (`**spread` or a computed key: unknown)
        word = key.value.lower()
        return (word in _FOLDER_KEYWORDS or word in _FILE_NAME_KEYWORDS or word.endswith(_FOLDER_KEYWORD_ENDINGS)
                or word.endswith(_FILE_NAME_KEYWORD_ENDINGS) or "path" in word or "dir" in word)
    for dict_node in nodes_of(tree, ast.Dict):
        for key, value in zip(dict_node.keys, dict_node.values):
            if value is node:
                return not place_key(key)
    for assign in nodes_of(tree, ast.Assign):
        if assign.value is node:
            return (len(assign.targets) == 1 and isinstance(assign.targets[0], ast.Subscript)
                    and not place_key(assign.targets[0].slice))
    return False


# A markdown heading naming a format with the direction of its section: `### HTML Input`, `## CSV Output`,
# `### Reading JSON`, `## Writing to Excel`.
_IO_TOUR_HEADING = re.compile(
    r"^[ \t]{0,3}#{1,6}[ \t]*(?:(?P<format>[A-Za-z][\w ]{0,24}?)[ \t]+(?:input|output)"
    r"|(?:reading|writing|read|write)[ \t]+(?:from[ \t]+|to[ \t]+|an?[ \t]+)*(?P<format2>[A-Za-z][\w ]{0,24}?))[ \t]*:?[ \t]*$",
    re.IGNORECASE | re.MULTILINE)


def _io_tour_read(ctx: RuleContext, f: LiteralFinding) -> bool:
    """Is the URL read by a pandas reader, `pd.read_<format>(url)`, in a cell right under a markdown
    cell whose heading names that format as the section's (`### HTML Input`), in a notebook whose
    headings tour formats that way (three such headings or more: `CSV Input`, `Excel Output`, …)?
    Reading a web page with the reader is what the section shows, nothing to vendor (fair check 41,
    item 87: the pandas course's "Data Input and Output" notebook and its FDIC `read_html`; fair
    check 12, item 118: io-api-tour-source-is-lesson)."""
    argument = f.argument
    if argument is None or f.source != "python" or not argument.qualified.startswith("pandas.read_"):
        return False
    reader = argument.qualified[len("pandas.read_"):].lower()
    cells = ctx.facts.notebook.cells
    above = next((c for c in reversed(cells) if c.index < f.ca.cell.index), None)
    if above is None or above.cell_type != "markdown":
        return False
    named = [(m.group("format") or m.group("format2") or "").lower().split() for m in _IO_TOUR_HEADING.finditer(above.source)]
    if not any(reader in words for words in named):
        return False
    return sum(1 for c in cells if c.cell_type == "markdown" for _ in _IO_TOUR_HEADING.finditer(c.source)) >= 3


def _code_folder_fix(ctx: RuleContext, f: LiteralFinding) -> str:
    """The fix of a user's folder put on `sys.path`: a folder of code, imported from the repository
    (an installed package), not a data root to configure (fair check 41, items 76, 77, 86)."""
    folder = next((shown_folder for entry, shown_folder in (ctx.project.absolute_entry_folders if ctx.project is not None else ())
                   if entry == f.value), None)
    published = _published_entry_module(ctx, f.ca, f.line, f.value) if folder is None else None
    if published is not None:
        return published  # (`/home/mlmachine` of `import mlmachine`, which is on PyPI: fair check 43, items 83-93)
    if folder is not None:
        return (f"Import the repository's own code from the repository, not from the author's checkout: the entry's last "
                f"part is this repository's folder {folder}; make it a package installed with `pip install -e .` (a "
                "pyproject.toml at the repository's root), so that the imports below work wherever the repository is cloned.")
    return ("It is a folder of code, not data: make that code importable without one machine's folder, as a package "
            "installed with `pip install -e .` (or `pip install` of its repository), or kept in the repository beside "
            "the notebooks.")


# `os.environ["JAVA_HOME"] = "…"`, `os.environ.setdefault("SPARK_HOME", "…")`, `os.putenv("X", "…")`,
# `%env JAVA_HOME=…`: the text before the literal that sets an environment variable to it.
_ENVIRONMENT_SETTING = re.compile(
    r"(?:\bos\.environ\s*\[\s*[rRuU]?(?P<q>['\"])(?P<key>\w+)(?P=q)\s*\]\s*="
    r"|\bos\.(?:environ\.setdefault|putenv)\s*\(\s*[rRuU]?(?P<q2>['\"])(?P<key2>\w+)(?P=q2)\s*,)\s*[rRuU]?$"
    r"|^\s*%env\s+(?P<key3>\w+)[=\s]\s*['\"]?$")


def _environment_fix(f: LiteralFinding) -> str:
    """The fix of a path the notebook sets an environment variable to (`os.environ["JAVA_HOME"] =
    "/Library/Java/…/jdk-11.jdk/Contents/Home"`): where a program is installed on the author's machine,
    which each machine's environment says for itself; "" when the literal sets none (fair check 41,
    item 75: a data root's `DATA_DIR` fix does not fit a JDK)."""
    if not 0 < f.line <= len(f.ca.lines):
        return ""
    m = _ENVIRONMENT_SETTING.search(f.ca.lines[f.line - 1][: max(f.column - 1, 0)])
    if m is None:
        return ""
    key = m.group("key") or m.group("key2") or m.group("key3")
    return (f"Leave `{key}` to the environment of the machine that runs the notebook: drop the assignment, so that "
            f"the kernel's own `{key}` (set in the shell, the kernel's spec or a `.env` file kept out of the repository) "
            "is used, and fail with a clear message when it is missing.")


def shown(value: str, limit: int = 90) -> str:
    """A literal as a reader should see it: control characters visible, long values shortened."""
    text = "".join(
        {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch, f"\\x{ord(ch):02x}") if _CONTROL.match(ch) else ch
        for ch in value
    )
    if len(text) > limit:
        text = text[: limit - 20] + "…" + text[-19:]
    return f"'{text}'"


def _where(f: LiteralFinding) -> str:
    """`, read by `pd.read_csv`,` — what the literal is used for, when known."""
    if f.argument is not None:
        callee = f.argument.shown_callee
        qualified = f.argument.qualified
        resolved = f" ({qualified})" if qualified and not qualified.startswith(".") and qualified != callee else ""
        return f", {f.argument.verb} `{callee}`{resolved},"
    if f.source == "shell" and f.runner:
        return f" in a shell command run by `{f.runner}`"
    if f.source == "shell":
        return " in a shell or magic line"
    return ""


def render_call(call: CallFact) -> str:
    """`os.chdir('/x')`, `sys.path.insert(0, '../src')`: the call with what is known of its arguments."""
    parts = []
    for a in call.args:
        if a.string is not None:
            value = shown(a.string, limit=60)
        else:
            value = a.number or a.constant or a.name or "…"
        parts.append(f"{a.keyword}={value}" if a.keyword else value)
    return f"{call.func or call.method}({', '.join(parts)})"


def _escape_note(f: LiteralFinding) -> str:
    if f.invalid_escape:
        return "; this literal is not even valid Python 3 (`\\U`, `\\x`… start escape sequences): write it as r'…' or with forward slashes"
    if _CONTROL.search(f.value) and "\\" in f.value:
        return "; its backslashes were read as escape sequences (`\\n`, `\\t`…): write it as r'…' or with forward slashes"
    return ""


def _hit(f: LiteralFinding, message: str, fix: str, others: Sequence[LiteralFinding] = ()) -> Hit:
    related = tuple(dict.fromkeys((o.ca.cell, o.line, o.column) for o in others))
    return Hit(f.ca.cell, f.line, f.column, message, end_line=f.end_line, fix=fix, key=f.value, related=related)


def _container_spans(ctx: RuleContext) -> tuple[ContainerSpan, ...]:
    return ctx.shared("container_spans", lambda: container_spans(ctx.facts))


# ---------------------------------------------------------------------------------------------
# The project's helpers that join a name under an absolute folder (`ProjectContext.helper_bases`)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _HelperJoin:
    """A call of the project's own helper that joins the argument given under an absolute folder
    its module spells: `setup_df.setup_ml("13-car_evaluation.csv")`, whose `SetupDataFrame.setup_ml`
    does `os.path.join(self.ML_BASE_DIR, file_dir)` (fair check 41, items 98, 118)."""

    ca: CellAnalysis
    call: CallFact
    arg: ArgFact
    callee: str  # as the module defines it: `SetupDataFrame.setup_ml`
    parameter: str
    base: str
    file: str  # the module's file, as shown
    base_line: int


def _helper_joins(ctx: RuleContext) -> Mapping[tuple[int, int, int], _HelperJoin]:
    """The notebook's calls of `ProjectContext.helper_bases`, by the (cell, line, column) of the
    argument the helper joins under its folder. Once per notebook (PTH001, PTH002 and PTH006 ask)."""
    return ctx.shared("paths.helper_joins", lambda: _find_helper_joins(ctx))


def _find_helper_joins(ctx: RuleContext) -> dict[tuple[int, int, int], _HelperJoin]:
    helpers = ctx.project.helper_bases if ctx.project is not None else ()
    if not helpers:
        return {}
    by_callee: dict[str, list[tuple[str, str, str, int, str, str, int]]] = {}
    for helper in helpers:
        by_callee.setdefault(helper[0], []).append(helper)
    names = {callee.rpartition(".")[2] for callee in by_callee}
    out: dict[tuple[int, int, int], _HelperJoin] = {}
    for ca in ctx.cells:
        dead: Optional[frozenset[int]] = None
        for call in ca.facts.calls:
            if call.method not in names or not call.func:
                continue
            found = by_callee.get(ctx.facts.resolve(call.func), [])
            receiver, _, method = call.func.rpartition(".")
            if not found and receiver.isidentifier():
                # `setup_df = SetupDataFrame()` above, then `setup_df.setup_ml(…)`: a method of the class.
                found = next((
                    entries for callee, entries in by_callee.items()
                    if callee.rpartition(".")[2] == method and callee.count(".") >= 2
                    and _bound_to_call_of(ctx.facts, receiver, lambda q, cls=callee.rpartition(".")[0]: q == cls)
                ), [])
            if not found:
                continue
            if dead is None:
                dead = never_run_lines(ctx.facts, ca)
            if call.line in dead:
                continue
            for _, function, parameter, position, base, file, line in found:
                arg = call.arg(position if position >= 0 else None, (parameter,))
                if arg is None or (arg.string is not None and _absolute_path_text(arg.string)):
                    continue  # (`os.path.join(base, "/abs")` is "/abs": the base is not used)
                out.setdefault((ca.cell.index, arg.line, arg.column),
                               _HelperJoin(ca, call, arg, function, parameter, base, file, line))
    return out


def _absolute_path_text(value: str) -> bool:
    return value.startswith(("/", "~", "\\")) or _WINDOWS_DRIVE.match(value) is not None


def _helper_base_hits(ctx: RuleContext, kind: str) -> Iterator[Hit]:
    """The absolute folders of the project's helpers that the notebook's calls join a name under,
    of the class `kind` ("user": PTH002, "absolute": PTH001): one finding per folder, at the first
    call, the other calls related and the helper's line a related location in its file. The name
    given is no path of the working directory (PTH006 leaves it); the folder is what another
    machine lacks (fair check 41, items 98, 118: `setup_df.setup_ml("13-car_evaluation.csv")`
    read from `/Users/user/…/ml-data`, which utils/SetupDataFrame.py spells)."""
    joins = _helper_joins(ctx)
    if not joins:
        return
    settings = path_settings(ctx.catalog)
    by_base: dict[str, list[_HelperJoin]] = {}
    for join in sorted(joins.values(), key=lambda j: (j.ca.cell.index, j.arg.line, j.arg.column)):
        found = classify(join.base, settings, path_argument=True)
        if found is not None and found.kind == kind:
            by_base.setdefault(join.base, []).append(join)
    for base, calls in by_base.items():
        first, others = calls[0], calls[1:]
        found = classify(base, settings, path_argument=True)
        given = shown(first.arg.string) if first.arg.string is not None else (
            f"`{first.arg.name}`" if first.arg.name else "the name given")
        tied = (f"is tied to one user or machine — {found.detail} — and does not exist anywhere else" if kind == "user"
                else "only exists on machines laid out like this one")
        more = (f"; so {'does' if len(others) == 1 else 'do'} {len(others)} other call{'' if len(others) == 1 else 's'} "
                "of the notebook (related)") if others else ""
        helper = (f"`{first.callee}` of {first.file} (line {first.base_line}, related)" if first.call.func == first.callee
                  else f"`{first.call.func}` (`{first.callee}` of {first.file}, line {first.base_line}, related)")
        yield Hit(
            first.ca.cell, first.call.line, first.call.column,
            f"Path {shown(base)}, under which {helper} joins {given}, {tied}: the file is looked for there, not in the "
            f"working directory{more}",
            fix=(f"Make the helper's folder configurable in {first.file}: read it from a config value or an "
                 "environment variable (for example `os.environ.get(\"DATA_DIR\", \"data\")`), or have the notebook pass "
                 "the root in, instead of spelling one machine's folder there."),
            key=f"helper\x1f{first.callee}\x1f{base}",
            related=tuple(dict.fromkeys((o.ca.cell, o.call.line, o.call.column) for o in others)),
            related_files=((first.file, first.base_line),),
        )


def _in_container(ctx: RuleContext, f: LiteralFinding) -> bool:
    """The literal sits in code that runs in a pipeline component's container (the body of a
    function given to `func_to_container_op`, `@dsl.component`), or names a place inside one
    (`ContainerOp(file_outputs=...)`, fairing's `path_prefix=`): the container's layout, not this
    machine's."""
    return in_container(_container_spans(ctx), f.ca.cell.index, f.line, f.column)


def _job_side_constants(ctx: RuleContext) -> frozenset[tuple[int, int, int]]:
    """(cell, line, column) of the literals of string constants read only where `_in_container`'s
    spans hold them (a SageMaker job's side, an Azure ML run's artifacts or datastore), directly or in
    the binding of another such constant: `remote_data_path = "/outputs/featurization/data/"`, then
    `run.download_file(remote_data_path + name, local_path)`; `DATA_PATH = "fc_fn_data"`, `DATA_PATH_X =
    "{}/data_train.csv".format(DATA_PATH)`, then `ds.upload(src_dir="./data", target_path=DATA_PATH)` and
    `ds.path(DATA_PATH_X)` (fair check 27). No place on this machine."""
    return ctx.shared("paths.job_side_constants", lambda: _find_job_side_constants(ctx))


def _find_job_side_constants(ctx: RuleContext) -> frozenset[tuple[int, int, int]]:
    spans = _container_spans(ctx)
    if not spans:
        return frozenset()
    constants = string_constants(ctx.facts)
    loads = name_loads(ctx)
    bindings: dict[str, tuple[int, int, int]] = {}  # the statement binding each constant: (cell, first line, last line)
    for name, constant in constants.items():
        tree = cell_python_tree(constant.ca)
        for stmt in tree.body if tree is not None else ():
            if (isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets)
                    and stmt.lineno <= constant.line <= (stmt.end_lineno or stmt.lineno)):
                bindings[name] = (constant.ca.cell.index, stmt.lineno, stmt.end_lineno or stmt.lineno)
    job_side: set[str] = set()

    def remote(node: ast.Name, cell: int) -> bool:
        return in_container(spans, cell, node.lineno, node.col_offset) or any(
            bindings.get(other, (-1, 0, 0))[0] == cell and bindings[other][1] <= node.lineno <= bindings[other][2]
            for other in job_side)

    changed = True
    while changed:
        changed = False
        for name in constants:
            reads = loads.get(name, ())
            if name not in job_side and reads and all(remote(node, cell) for node, _, cell in reads):  # type: ignore[arg-type]
                job_side.add(name)
                changed = True
    return frozenset((constants[n].ca.cell.index, constants[n].line, constants[n].column) for n in job_side)


_MANIFEST_MOUNT = re.compile(r"^\s*-?\s*mountPath:\s*[\"']?([^\s\"'#]+)", re.MULTILINE)


def _manifest_mounted(ctx: RuleContext) -> frozenset[tuple[int, int, int]]:
    """(cell, line, column) of the literals of string constants used only as holes of Kubernetes
    manifests (f-strings holding `apiVersion:` and `kind:`) and lying under a `mountPath:` that manifest
    declares (`model_dir = "/mnt/azure/mnist"`, then `f\"\"\"apiVersion: kubeflow.org/v1 … --model-dir={model_dir}
    … mountPath: /mnt/azure\"\"\"`): a path inside the pods, which the manifest mounts, not on this machine."""
    return ctx.shared("manifest_mounted", lambda: _manifest_mounted_in(ctx))


def _manifest_mounted_in(ctx: RuleContext) -> frozenset[tuple[int, int, int]]:
    found: set[tuple[int, int, int]] = set()
    if any("mountPath" in ca.cell.source for ca in ctx.cells):
        constants = string_constants(ctx.facts)
        loads = name_loads(ctx)  # (every read of a name, in any cell: one outside the manifests keeps the finding)
        in_manifest: dict[str, int] = {}
        mounts: dict[str, set[str]] = {}
        for ca in ctx.cells:
            tree = cell_python_tree(ca)
            if tree is None:
                continue
            for node in tree_nodes(tree):
                if not isinstance(node, ast.JoinedStr):
                    continue
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
                if "apiVersion:" not in text or "kind:" not in text:
                    continue
                declared = {m.group(1).rstrip("/") for m in _MANIFEST_MOUNT.finditer(text)}
                for v in node.values:
                    if isinstance(v, ast.FormattedValue):
                        for n in ast.walk(v.value):
                            if isinstance(n, ast.Name):
                                in_manifest[n.id] = in_manifest.get(n.id, 0) + 1
                                mounts.setdefault(n.id, set()).update(declared)
        for name, uses in in_manifest.items():
            constant = constants.get(name)
            if constant is None or len(loads.get(name, ())) != uses:
                continue
            if any(m and (constant.value == m or constant.value.startswith(m + "/")) for m in mounts.get(name, ())):
                found.add((constant.ca.cell.index, constant.line, constant.column))
    return frozenset(found)


def _by_value(findings: Iterable[LiteralFinding], normalise: bool = False) -> list[list[LiteralFinding]]:
    """Literal findings grouped by their path, in notebook order: one path written in several
    places (`"my_df.csv"` saved, then read back; both splits of a dataset under one root) is one
    root cause, reported at its first place with the others as related locations."""
    groups: dict[str, list[LiteralFinding]] = {}
    for f in findings:
        # With `normalise` (PTH006): `'./txtcls_swivel/'` saved, `'./txtcls_swivel'` cleared and
        # saved again are one folder; `np.savez("out", …)` and `np.load("out.npz")` one file.
        groups.setdefault((written_file(f) or f.value) if normalise else f.value, []).append(f)
    return list(groups.values())


def written_file(f: LiteralFinding) -> str:
    """The normalised path of the file the literal names on disk: with the suffix a writing call
    adds to a path that lacks it (`np.savez("./data/training", …)` writes `data/training.npz`,
    `np.save` adds `.npy`; the catalogue's `appends_suffix`), so a later read or upload of
    `data/training.npz` is of the file the call wrote (fair check 25, item 111)."""
    return _with_suffix(_normal_path(f.value), f.argument)


def _with_suffix(path: str, argument: Optional[PathArgument]) -> str:
    suffix = argument.entry.appends_suffix if argument is not None and argument.direction in ("write", "both") else ""
    return path + suffix if suffix and path and not path.endswith(suffix) else path


# Calls that delete the path they are given: a cleanup before writing, not a path read or written.
_DELETE_CALLS = frozenset({"shutil.rmtree", "os.remove", "os.unlink", "os.rmdir", "os.removedirs"})


def _deletes(f: LiteralFinding) -> bool:
    return f.argument is not None and (f.argument.qualified or f.argument.shown_callee) in _DELETE_CALLS


def _normal_path(value: str) -> str:
    """`./txtcls_swivel/` → `txtcls_swivel`; `data\\raw` → `data/raw`; `/content//x/` → `/content/x`;
    `.` → `` (the working directory itself)."""
    if "://" in value:
        return value
    text = value.replace("\\", "/")
    parts = [p for p in text.split("/") if p not in ("", ".")]
    return ("/" if text.startswith("/") else "") + "/".join(parts)


def _under(path: str, root: str) -> bool:
    """Is `path` the folder `root` or inside it? (The working directory itself is no root: every
    relative path is under it.)"""
    return bool(root) and not root.startswith("..") and (path == root or path.startswith(root + "/"))


# Where a relative path lands (PTH006): the kernel's working directory. Jupyter starts the kernel
# in the notebook's folder; papermill, nbconvert and pipeline steps run it from wherever they run.
RUN_FOLDER = (
    "which is the folder the notebook is run from (its own under Jupyter, but wherever papermill, nbconvert "
    "or a pipeline step runs it)"
)


# Calls that list a folder: given the working directory itself and only displayed, they show what
# is there and cannot fail whatever folder the notebook runs from.
_LISTING_CALLS = frozenset({"os.listdir", "os.scandir"})
# Calls that name or list a folder without reading a file of it by name.
_FOLDER_CALLS = _LISTING_CALLS | {"pathlib.Path", "glob.glob", "glob.iglob"}


def _recordings_only(group: Sequence[LiteralFinding], recorded: Sequence[str]) -> bool:
    """Is every place of this path a recorder writing episode videos into it (`RecordVideo(env,
    video_folder="videos")`, `recording = true` in io_calls.toml) or a listing of such a folder
    (`sorted(Path("videos").iterdir())`, to show the last clip inline)? Media made to be watched in
    the notebook, no data or artifact anybody would configure."""
    def recorded_folder(f: LiteralFinding) -> bool:
        return (
            f.argument is not None and (f.argument.qualified or f.argument.shown_callee) in _FOLDER_CALLS
            and any(_under(_normal_path(f.value), root) for root in recorded)
        )

    return all(f.argument is not None and (f.argument.entry.recording or recorded_folder(f)) for f in group)


def _displayed_listing(f: LiteralFinding) -> bool:
    """`os.listdir(".")` in a statement that only displays its result (a bare expression such as
    `sorted(n for n in os.listdir(".") if n.endswith(".zip"))`, or `print(…)` of one): a look at
    the working directory, not a path the notebook reads its data from. `files = os.listdir(".")`,
    `for name in os.listdir("."):` and `shutil.copy(os.listdir(".")[0], …)` use what they find and
    stay reported."""
    if f.argument is None or _normal_path(f.value) != "":
        return False
    return _listing_only_displayed(f.ca, f.argument)


def _listing_only_displayed(ca: CellAnalysis, argument: PathArgument) -> bool:
    """Is `argument` a listing call's, in a bare expression whose calls only shape or display it
    (`sorted(os.listdir("."))`, `"profile_store" in os.listdir(os.getcwd())`)?"""
    if (argument.qualified or argument.shown_callee) not in _LISTING_CALLS:
        return False
    statement = statement_at(cell_python_tree(ca), argument.call.line)
    return isinstance(statement, ast.Expr) and all(
        _display_call(node) for node in ast.walk(statement.value) if isinstance(node, ast.Call)
    )


def _working_directory_call(node: ast.AST) -> bool:
    """`os.getcwd()` or `Path.cwd()`: the working directory itself, nothing joined to it."""
    return (
        isinstance(node, ast.Call) and not node.args and not node.keywords and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and (node.func.value.id, node.func.attr) in (("os", "getcwd"), ("Path", "cwd"), ("pathlib.Path", "cwd"))
    )


def _printed_walk(f: LiteralFinding) -> bool:
    """`for dirname, _, filenames in os.walk('/kaggle/input'):` whose body only prints (Kaggle's
    template first cell, nested `for filename in filenames: print(…)`): a look at the mount, not
    a path the notebook reads its data from (fair check 13)."""
    if f.argument is None or (f.argument.qualified or f.argument.shown_callee) not in ("os.walk", "walk"):
        return False
    tree = cell_python_tree(f.ca)
    if tree is None:
        return False

    def prints_only(body: Sequence[ast.stmt]) -> bool:
        return all(
            (isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and isinstance(st.value.func, ast.Name)
             and st.value.func.id == "print")
            or (isinstance(st, ast.For) and not st.orelse and prints_only(st.body))
            for st in body
        )

    line = f.argument.call.line
    return any(
        isinstance(node, ast.For) and node.iter.lineno == line and isinstance(node.iter, ast.Call) and prints_only(node.body)
        for node in tree_nodes(tree)
    )


# What a displayed listing may be wrapped in: builtins that only shape it, a filter on each name.
_DISPLAY_WRAPPERS = frozenset({"print", "sorted", "list", "len", "filter", "set", "tuple", "map", "str", "any", "all"})
_NAME_METHODS = frozenset({"endswith", "startswith", "lower", "upper", "split", "strip"})


def _display_call(node: ast.Call) -> bool:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id in _DISPLAY_WRAPPERS
    if isinstance(func, ast.Attribute):
        if func.attr in _LISTING_ATTRS and isinstance(func.value, ast.Name) and func.value.id == "os":
            return True  # the listing itself
        if _working_directory_call(node):
            return True  # the folder it lists (`os.listdir(os.getcwd())`)
        return func.attr in _NAME_METHODS and isinstance(func.value, ast.Name)
    return False


_LISTING_ATTRS = frozenset(c.rsplit(".", 1)[1] for c in _LISTING_CALLS)


def _downloads_into(f: LiteralFinding) -> bool:
    """The literal is the root a `download=True` dataset constructor creates and fills itself."""
    return f.argument is not None and _told_to_download(f.argument)


def _overridden_default(ctx: RuleContext, f: LiteralFinding) -> bool:
    """The literal is a parameter default of the notebook's own module-level function that every
    call of it overrides (`def read_imdb(folder, data_root="/srv/me/aclImdb")`, only ever called as
    `read_imdb("train", data_root)`): the default is never taken, the path the calls pass is what the
    notebook uses (fair check 19, overridden-default-path; PTH006 keeps a default only when a call
    leaves it out too). A function never called keeps its finding. So is a fallback for the
    parameter in the body (`_overridden_fallback`)."""
    if f.source != "python":
        return False
    if f.argument is not None:
        return _overridden_fallback(ctx, f)
    tree = cell_python_tree(f.ca)
    if tree is None:
        return False
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef) or fn.lineno > f.line or f.line > fn.body[0].lineno:
            continue
        positional = [*fn.args.posonlyargs, *fn.args.args]
        pairs = [*zip(positional[len(positional) - len(fn.args.defaults):], fn.args.defaults),
                 *((a, d) for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults) if d is not None)]
        name = next((a.arg for a, d in pairs if isinstance(d, ast.Constant) and d.value == f.value and d.lineno == f.line), None)
        if name is None:
            return _overridden_fallback(ctx, f)
        return _every_call_passes(ctx, fn, name)
    return _overridden_fallback(ctx, f)


def _every_call_passes(ctx: RuleContext, fn: ast.FunctionDef, name: str, not_none: bool = False) -> bool:
    """Is the module-level function called, and does every call of it give parameter `name` (by
    place or keyword; with `not_none`, something other than a literal `None`), its name read
    nowhere else (`map(read_imdb, …)` may call it without the argument)?"""
    positional = [*fn.args.posonlyargs, *fn.args.args]
    place = next((i for i, a in enumerate(positional) if a.arg == name), None)
    other_uses = 0  # reads of the function's name that are not a call passing the argument
    called = False
    for other in ctx.cells:
        if fn.name not in other.cell.source:
            continue
        other_tree = cell_python_tree(other)
        if other_tree is None:
            return False
        for call in tree_nodes(other_tree):
            if isinstance(call, ast.Name) and call.id == fn.name and isinstance(call.ctx, ast.Load):
                other_uses += 1  # passed on (`map(read_imdb, …)`), it may be called without the argument
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == fn.name):
                continue
            given = next((k.value for k in call.keywords if k.arg == name), None)
            if given is None and place is not None and len(call.args) > place and not any(
                    isinstance(a, ast.Starred) for a in call.args[:place + 1]):
                given = call.args[place]
            if given is None or (not_none and isinstance(given, ast.Constant) and given.value is None):
                return False
            if not_none and isinstance(given, ast.Name):
                # `directory = None` above the call: the fallback runs
                bound = _last_binding(ctx, given.id, other.cell.index, call.lineno, nested=True)
                if bound is not None and isinstance(bound[0], ast.Constant) and bound[0].value is None:
                    return False
            other_uses -= 1  # (its name, counted above, is this call's)
            called = True
    return called and other_uses == 0


def _fallback_parameter(fn: ast.FunctionDef | ast.AsyncFunctionDef, stmt: ast.stmt) -> Optional[str]:
    """The parameter of `fn` that the top-level body statement `stmt` gives a fallback value only
    when the caller gave none: `if not directory: directory = Path("data")`, `if directory is None:
    …`, `directory = directory or Path("data")`, `directory = Path("data") if directory is None else
    directory`; None for any other statement."""
    params = {a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)}

    def empty_test(test: ast.expr) -> Optional[str]:
        # `not p`, `p is None`, `p == None`: true only when nothing (or nothing true) was given
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name):
            return test.operand.id
        if (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and len(test.ops) == 1
                and isinstance(test.ops[0], (ast.Is, ast.Eq)) and isinstance(test.comparators[0], ast.Constant)
                and test.comparators[0].value is None):
            return test.left.id
        return None

    def assigns(node: ast.stmt) -> Optional[tuple[str, ast.expr]]:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            return node.targets[0].id, node.value
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            return node.target.id, node.value
        return None

    if isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1:
        name = empty_test(stmt.test)
        bound = assigns(stmt.body[0])
        return name if name in params and bound is not None and bound[0] == name else None
    bound = assigns(stmt)
    if bound is None or bound[0] not in params:
        return None
    name, value = bound
    if (isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or) and len(value.values) == 2
            and isinstance(value.values[0], ast.Name) and value.values[0].id == name):
        return name
    if isinstance(value, ast.IfExp) and empty_test(value.test) == name and isinstance(value.orelse, ast.Name) and value.orelse.id == name:
        return name
    return None


def _overridden_fallback(ctx: RuleContext, f: LiteralFinding) -> bool:
    """The literal is in a fallback the notebook's own module-level function gives a parameter
    when a call leaves it out (`def download_from_kaggle(expr, directory=None): if not directory:
    directory = Path("data")`), and every call gives it (`download_from_kaggle(expr,
    Path("best_public_notebooks"))`): the fallback never runs (fair check 37, item 108:
    fallback-default-every-call-overrides; what the calls give is the path, followed through
    `_path_functions`, which keeps such a parameter). A call passing `None`, or a name bound to
    `None` above it, keeps the finding."""
    tree = cell_python_tree(f.ca)
    if tree is None:
        return False
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef) or not fn.lineno < f.line <= (fn.end_lineno or fn.lineno):
            continue
        index = statement_index_at(fn.body, f.line)
        if index is None:
            return False
        name = _fallback_parameter(fn, fn.body[index])
        return name is not None and _every_call_passes(ctx, fn, name, not_none=True)
    return False


def _default_download_root(f: LiteralFinding) -> bool:
    """The literal is a parameter default of the notebook's own function that reaches, unchanged, only
    the root of `download=True` dataset constructors (`def load(batch, root='~/Datasets/FashionMNIST'):
    FashionMNIST(root=root, train=True, download=True)`): the same root as when given directly (fair
    check 19, home-download-root-via-parameter-default)."""
    if f.source != "python" or f.argument is not None:
        return False
    tree = cell_python_tree(f.ca)
    if tree is None:
        return False
    for function in tree_nodes(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function.lineno > f.line:
            continue
        positional = [*function.args.posonlyargs, *function.args.args]
        pairs = [*zip(positional[len(positional) - len(function.args.defaults):], function.args.defaults),
                 *((a, d) for a, d in zip(function.args.kwonlyargs, function.args.kw_defaults) if d is not None)]
        for parameter, default in pairs:
            if not (isinstance(default, ast.Constant) and default.value == f.value and default.lineno == f.line):
                continue
            roots: set[int] = set()
            for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
                if not any(k.arg == "download" and isinstance(k.value, ast.Constant) and k.value.value is True for k in call.keywords):
                    continue
                given = [*call.args[:1], *(k.value for k in call.keywords if k.arg == "root")]
                roots.update(id(g) for g in given if isinstance(g, ast.Name) and g.id == parameter.arg)
            uses = [n for n in ast.walk(function) if isinstance(n, ast.Name) and n.id == parameter.arg]
            return bool(roots) and all(id(n) in roots for n in uses)
    return False


# Keywords that name the folder a library writes its outputs into, creating it if missing
# (`training.Loop(..., output_dir=d)` runs `tf.io.gfile.makedirs(d)`; Keras' TensorBoard `log_dir=`,
# `tf.estimator`'s `model_dir=`).
_OUTPUT_FOLDER_KEYWORDS = frozenset({"output_dir", "log_dir", "logdir", "save_dir", "checkpoint_dir", "model_dir"})
_MAKEDIRS_CALLS = frozenset({"os.makedirs", "os.mkdir", "tf.io.gfile.makedirs", "tf.gfile.MakeDirs", "tensorflow.io.gfile.makedirs"})


def _library_cache_keywords(qualified: str) -> frozenset[str]:
    """The keywords naming a cache folder the called library expands (`~`) and creates when missing,
    read from its code (fair check 36, item 86): scikit-learn's dataset loaders' `data_home=`
    (`sklearn.datasets.get_data_home` runs `expanduser` then `makedirs(data_home, exist_ok=True)`;
    `fetch_mldata('MNIST original', data_home='~/Desktop/alternativeData')`), and Keras'
    `get_file(…, cache_dir=…)` (`os.path.expanduser(cache_dir)`, then `os.makedirs` of its
    `cache_subdir`). Not Hugging Face's `cache_dir=`: huggingface_hub does not expand `~` there."""
    parts = qualified.split(".")
    if parts[0] == "sklearn" and "datasets" in parts[1:-1]:
        return frozenset({"data_home"})
    if parts[0] in ("keras", "tensorflow", "tf_keras") and parts[-1] == "get_file":
        return frozenset({"cache_dir"})
    return frozenset()


def _created_home_folders(ctx: RuleContext) -> frozenset[str]:
    """The `~/…` folders the notebook creates before it reads anything under them: given as an output
    folder (`_OUTPUT_FOLDER_KEYWORDS`), as a library's cache folder (`_library_cache_keywords`:
    scikit-learn's `data_home=`, Keras' `get_file(cache_dir=…)`) or to `os.makedirs`/`Path.mkdir`, as the literal, its
    `os.path.expanduser(…)`/`Path(…).expanduser()`, or a name bound once at a cell's top level to
    either. Such a folder is made for whoever runs the notebook, in their home: nothing of one user's
    is needed (fair check 35, item 74: `output_dir = os.path.expanduser('~/train_dir/')` given to trax's
    `training.Loop(..., output_dir=output_dir)`, read back as `os.path.join(output_dir, 'model.pkl.gz')`;
    precedent `~/.pytorch` given to `download=True`). Not covered: a folder bound in a function or in
    branches, or created by a call of the notebook's own helper."""
    def home(node: ast.AST) -> Optional[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("~"):
            return _normal_path(node.value)
        if isinstance(node, ast.Call) and not node.keywords:
            func = dotted_name(node.func) or ""
            if func.endswith("expanduser") and node.args:
                return home(node.args[0])  # `os.path.expanduser('~/x')`
            if isinstance(node.func, ast.Attribute) and node.func.attr == "expanduser" and not node.args:
                inner = node.func.value  # `Path('~/x').expanduser()`
                if isinstance(inner, ast.Call) and len(inner.args) == 1 and (dotted_name(inner.func) or "").endswith("Path"):
                    return home(inner.args[0])
        return None

    def find() -> frozenset[str]:
        bound: dict[str, Optional[str]] = {}
        for _, statement, name in module_level_assignments(ctx.cells):
            value = home(statement.value)
            bound[name] = value if bound.get(name, value) == value else None
        creations: list[tuple[tuple[int, int], ast.AST]] = []
        for ca in ctx.cells:
            tree = cell_python_tree(ca)
            if tree is None:
                continue
            for node in tree_nodes(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = dotted_name(node.func) or ""
                cache = _library_cache_keywords(resolve_callee(ctx.facts, ctx.catalog, func)) if func and node.keywords else frozenset()
                given = [k.value for k in node.keywords if k.arg in _OUTPUT_FOLDER_KEYWORDS or k.arg in cache]
                if node.args and resolve_callee(ctx.facts, ctx.catalog, func) in _MAKEDIRS_CALLS | {"os.makedirs", "os.mkdir"}:
                    given.append(node.args[0])
                if isinstance(node.func, ast.Attribute) and node.func.attr == "mkdir":
                    given.append(node.func.value.args[0] if isinstance(node.func.value, ast.Call) and len(node.func.value.args) == 1
                                 and (dotted_name(node.func.value.func) or "").endswith("Path") else node.func.value)
                creations.extend(((ca.cell.index, node.lineno), g) for g in given)
        created: dict[str, tuple[int, int]] = {}
        for at, node in creations:
            folder = home(node) if not isinstance(node, ast.Name) else bound.get(node.id)
            if folder:
                created[folder] = min(created.get(folder, at), at)
        # Above the making, only the binding of the folder itself and a shell `rm`/`mkdir` of it (`!rm
        # -f ~/train_dir/model.pkl.gz`, clearing an earlier run's output) may name a place under it:
        # any other use there (`pd.read_csv(os.path.expanduser("~/data/x.csv"))`) needs one user's files.
        for f in literal_findings(ctx):
            for folder, at in list(created.items()):
                if not _under(_normal_path(f.value), folder) or (f.ca.cell.index, f.line) >= at:
                    continue
                if f.source == "shell":
                    words = f.ca.lines[f.line - 1].strip().lstrip("!%").split() if 0 < f.line <= len(f.ca.lines) else []
                    if words[:1] and words[0] in ("rm", "mkdir"):
                        continue
                tree = cell_python_tree(f.ca) if f.source == "python" else None
                statement = statement_at(tree, f.line) if tree is not None else None
                if (isinstance(statement, ast.Assign) and statement in tree.body and statement.lineno == f.line  # type: ignore[union-attr]
                        and home(statement.value) == folder):
                    continue
                del created[folder]
        return frozenset(created)
    return ctx.shared("paths.created_home_folders", find)


def _told_to_download(argument: PathArgument) -> bool:
    """Does the call download into this path argument: a `download=True` dataset constructor, or one
    that always fetches what its root lacks (`Planetoid("./data", "Cora")`, `downloads_always`)?"""
    if argument.entry.downloads_always:
        return True
    return argument.download_flag == "True"


# The file a `!curl`/`!wget` line saves: `curl -O URL` and `wget URL` name it after the URL,
# `curl -o NAME`, `wget -O NAME` name it, `wget -P DIR` puts it in DIR.
_WEB_URL = re.compile(r"^(?:https?|ftps?)://", re.IGNORECASE)


# Anonymous file transfer: `wget`/`curl` fetch `ftp://` URLs as they fetch http ones.
_FTP_SCHEMES = frozenset({"ftp", "ftps"})


def _ftp_download(f: LiteralFinding, settings: PathSettings) -> bool:
    """Is the shell literal an `ftp://` URL given to a download program (`!wget ftp://…`)?"""
    if f.path_class.detail not in _FTP_SCHEMES or not 0 < f.line <= len(f.ca.lines):
        return False
    words = f.ca.lines[f.line - 1].strip().lstrip("!%").split()
    return bool(words) and words[0].lower() in settings.download_programs


def _fetched_files(program: str, args: str) -> list[str]:
    """The relative files one `curl`/`wget` command line writes, normalised (`_normal_path`); none
    for output to stdout (`-O-`, a curl without `-o`/`-O`) unless redirected to a file (`> data/cars.csv`),
    or a line it cannot read."""
    command = re.split(r"\s(?:\||&&|;|\|\|)\s", args, maxsplit=1)[0]
    # Words as the shell reads them: a quoted URL holding a space (`!wget "http://host/sound
    # files/MIS/x.aiff"`) is one word, whose file is `x.aiff` (fair check 38, item 109: its read
    # back was taken for an input of the working directory, and carried PTH006's finding).
    try:
        tokens = shlex.split(command)[1:]
    except ValueError:  # an unclosed quote: word by word
        tokens = [t.strip("\"'") for t in command.split()[1:]]
    urls, named, folder, remote_name = [], [], "", False
    redirect = ""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        value = tokens[i + 1] if i + 1 < len(tokens) else ""
        if _WEB_URL.match(token):
            urls.append(token)
        elif program == "curl" and (token in ("-o", "--output") or (re.fullmatch(r"-[A-Za-z]*o", token) and not token.startswith("--"))):
            named.append(value)
            i += 1
        elif program == "curl" and (token in ("--remote-name", "--remote-name-all") or re.fullmatch(r"-[A-Za-z]*O[A-Za-z]*", token)):
            remote_name = True
        elif program == "wget" and (token in ("-O", "--output-document") or re.fullmatch(r"-[a-mo-z]*O", token)):
            named.append(value)
            i += 1
        elif program == "wget" and token.startswith(("--output-document=", "-O")) and len(token) > 2:
            named.append(token.split("=", 1)[1] if "=" in token else token[2:])
        elif program == "wget" and token in ("-P", "--directory-prefix"):
            folder = value
            i += 1
        elif program == "wget" and token.startswith("--directory-prefix="):
            folder = token.split("=", 1)[1]
        elif token == ">" or (token.startswith(">") and not token.startswith(">>") and len(token) > 1 and token[1] != "&"):
            # `!curl URL > data/cars.csv`: the redirect is the download's destination (fair check 33,
            # item 77, download-destination-split-from-download)
            redirect = value if token == ">" else token[1:]
            i += token == ">"
        i += 1
    if redirect and (program == "curl" and not named and not remote_name or program == "wget" and named and all(n == "-" for n in named)):
        named.append(redirect)
    names = [n for n in named if n and n != "-"]
    if program == "wget" and not named or program == "curl" and remote_name:
        names += [u.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1] for u in urls[len(named):]]
    out = []
    for name in names:
        path = _normal_path(f"{folder}/{name}" if folder and not name.startswith("/") else name)
        if path and not path.startswith(("/", "~")) and "://" not in path and "$" not in path:
            out.append(path)
    return out


def _chain_fetched_files(command: str, folder: Optional[str] = "") -> tuple[list[str], Optional[str]]:
    """The relative files the `curl`/`wget` commands of one shell line (`cd hh && wget URL`, `mkdir
    db; cd db; wget URL`) save, seen from the working directory the line starts in, and the folder
    the shell is in after it: `folder` is where it starts ("" the working directory, None a place
    not known, after `cd /abs` or `cd $VAR`: then nothing it saves is counted)."""
    files: list[str] = []
    for segment in re.split(r"\s*(?:&&|\|\||;)\s*", command):
        words = segment.split()
        if not words:
            continue
        program = words[0].lower()
        if program == "cd":
            target = cd_operand(" ".join(words[1:])) if len(words) > 1 else "~"
            if folder is None or not target or target.startswith(("/", "~", "-", "{")) or "$" in target:
                folder = None
            else:
                joined = posixpath.normpath(posixpath.join(folder or ".", target.replace("\\", "/")))
                folder = "" if joined == "." else joined
        elif program in ("curl", "wget") and folder is not None:
            files.extend(_normal_path(posixpath.normpath(f"{folder}/{name}")) if folder else name
                         for name in _fetched_files(program, segment))
    return files, folder


def _download_lines(ctx: RuleContext) -> dict[tuple[int, int], list[str]]:
    """The files each `!curl`/`!wget` line of the notebook saves in the working directory, by (cell,
    line); lines that run only on Colab or Kaggle left out (their files are not fetched elsewhere)."""
    return ctx.shared("paths.download_lines", lambda: _find_download_lines(ctx))


def _find_download_lines(ctx: RuleContext) -> dict[tuple[int, int], list[str]]:
    out: dict[tuple[int, int], list[str]] = {}
    present = ctx.project.downloads_present if ctx.project is not None else frozenset()
    for ca in ctx.cells:
        for magic in ca.magics:
            program = magic.name.lower()
            if magic.kind != "shell" or _hosted_line(ca, magic.line) or not re.search(r"\b(?:curl|wget)\b", magic.args):
                continue
            if _no_clobber_present(magic, present):
                continue  # `wget -nc` of a file beside the notebook: nothing is fetched there
            # `!cd hh && wget URL`: each `!` line is a shell of its own, started in the working directory.
            files = _chain_fetched_files(magic.args)[0] if program in ("cd", "curl", "wget") else []
            if files:
                out[(ca.cell.index, magic.line)] = files
        if ca.masked.cell_magic in _SHELL_CELL_MAGICS and not _hosted_line(ca, 1):
            # A `%%bash` cell of `curl -L URL -o m3.xls` lines (fair check 14: its reads were
            # PTH006 findings of their own); a command continued with `\` is one line, at its start.
            # Its `cd` lines move the shell for the lines below (`mkdir hh; cd hh`, then `wget URL`:
            # the file lands in `hh/`; fair check 17, item 113).
            header = next((m.line for m in ca.magics if m.kind == "cell_magic"), 0)
            number = header + 1
            folder: Optional[str] = ""
            while number <= len(ca.lines):
                start, command = number, ca.lines[number - 1].rstrip()
                while command.endswith("\\") and number < len(ca.lines):
                    number += 1
                    command = command[:-1] + " " + ca.lines[number - 1].strip()
                number += 1
                if command.lstrip().startswith("#"):
                    continue
                files, folder = _chain_fetched_files(command.strip(), folder)
                if files:
                    out[(ca.cell.index, start)] = files
        # `os.system("wget https://…/x.csv")`, `subprocess.run(["wget", URL])` (fair check 17, item 110).
        for command in system_commands(ctx, ca):
            if re.search(r"\b(?:curl|wget)\b", command.text) and not _hosted_line(ca, command.line):
                files = _chain_fetched_files(command.text)[0]
                if files:
                    out.setdefault((ca.cell.index, command.line), []).extend(files)
    # `wget.download("https://…/spelling_en.txt")` with no `out=` saves the URL's file name in the
    # working directory, as `!wget URL` does (fair check 16: the `os.path.exists("spelling_en.txt")`
    # test guarding it was a PTH006 of its own).
    for ca in ctx.cells:
        for call in ca.facts.calls:
            if call.in_function or not call.func or ctx.facts.resolve(call.func) != "wget.download":
                continue
            if call.arg(1, ("out",)) is not None or _hosted_line(ca, call.line):
                continue
            url = call.arg(0, ("url",))
            name = _url_file(url.string) if url is not None and url.string and _WEB_URL.match(url.string) else ""
            if name and "$" not in name:
                out.setdefault((ca.cell.index, call.line), []).append(_normal_path(name))
    return _with_extracted_stems(ctx, out)


def _with_extracted_stems(ctx: RuleContext, out: dict[tuple[int, int], list[str]]) -> dict[tuple[int, int], list[str]]:
    """`!wget …/text8.zip` then `!unzip text8.zip`: the archive's stem (`text8`) is what the notebook
    reads back (fair check 14: fetched-file-read-back); only when the notebook extracts it."""
    extracted = {
        t.strip("\"'") for ca in ctx.cells for m in ca.magics
        if m.kind == "shell" and m.name.lower() in ("unzip", "tar", "gunzip") for t in m.args.split()
    }
    members = _listed_members(ctx)
    for files in out.values():
        files.extend(
            stem for name in list(files) if name in extracted
            for stem in (re.sub(r"\.(?:zip|tar\.gz|tgz|tar|gz|bz2)$", "", name),) if stem != name
        )
        files.extend(member for name in list(files) for member in members.get(name, ()))
    return out


# A member a verbose extraction lists in its saved output: `tar -v`'s path per line (`x path` from
# bsdtar), `unzip`'s `inflating: path`, `extracting: path`.
_LISTED_MEMBER = re.compile(r"^(?:x |\s*(?:inflating|extracting):\s+)?(?P<path>[^\s/][^\s:]*[^\s/])\s*$")


def _listed_members(ctx: RuleContext) -> dict[str, tuple[str, ...]]:
    """By archive name: the files its `!tar -xzvf x.tar.gz` (or `!unzip x.zip`) cell's saved output
    lists as extracted, when that line is the cell's only code. What a read names under the
    archive's own top folder (`2017_11/train/images.csv` out of `images_2017_11.tar.gz`) is then
    known to be the download's, not only a folder named after the archive (fair check 44, item 119:
    fetched-file-read-back)."""
    found: dict[str, tuple[str, ...]] = {}
    for ca in ctx.cells:
        if not ca.cell.outputs or len(ca.magics) != 1 or any(
                text.strip() for number, text in enumerate(ca.lines, start=1) if number != ca.magics[0].line):
            continue
        magic = ca.magics[0]
        if magic.kind != "shell" or magic.name.lower() not in ("unzip", "tar"):
            continue
        words = [t.strip("\"'") for t in magic.args.split()]
        archives = [w for w in words if re.search(r"\.(?:zip|tar\.gz|tgz|tar|tar\.bz2)$", w)]
        if len(archives) != 1 or any(w in ("-d", "-C") or w.startswith("--directory") for w in words):
            continue  # (into another folder: its members are not where the listing says)
        listed = []
        for output in ca.cell.outputs:
            if output.output_type != "stream":
                continue
            for text in output.text.splitlines():
                m = _LISTED_MEMBER.match(text)
                if m is not None and not m.group("path").startswith(("..", "Archive")):
                    listed.append(_normal_path(m.group("path")))
        if listed:
            found[_normal_path(archives[0])] = tuple(dict.fromkeys(p for p in listed if p))
    return found


@dataclass(frozen=True)
class _PythonFetch:
    """A Python call that downloads a URL into a relative file the notebook can read back: a call of
    the notebook's own download helper (`download_image(url)` around `requests.get`, saving
    `url.split("/")[-1]`, or the file name it is given) or a library's `download…(url, "x.tif")`
    whose destination no catalogue entry reads as a path (fair check 20: fetched-file-read-back)."""

    at: tuple[int, int]  # (cell, line) of the call
    url_at: tuple[int, int]  # (cell, line) of the URL's literal (a constant's, when given through one)
    files: tuple[str, ...]  # normalised relative paths saved


# Keywords naming where a download is saved (`download_file(url, output="x.tif")`).
_DESTINATION_KEYWORDS = ("filename", "fname", "out", "output", "path", "dest", "dst", "destination",
                         "output_path", "file_path", "filepath", "save_path", "local_path")


def _helper_destination(function: ast.FunctionDef | ast.AsyncFunctionDef, url: str) -> Optional[tuple[str, str]]:
    """Where the notebook's own download function saves what it fetches from its parameter `url`:
    ("url", "") for the URL's own file name (`filename = url.split("/")[-1]`, then `open(filename,
    "wb")`), ("param", P) for its parameter P, ("url-or-param", P) for P when given, else the URL's
    file name (`filename = url.split("/")[-1] if len(filename) == 0 else filename`); None when it
    cannot tell (a folder joined in front, a name bound twice)."""
    params = [a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)]
    bound: dict[str, Optional[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            bound[name] = None if name in bound else node.value
    sinks: list[str] = []
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        callee = dotted_name(node.func) or ""
        if callee == "open" and node.args and isinstance(node.args[0], ast.Name):
            mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
            if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) & set("wxa"):
                sinks.append(node.args[0].id)
        elif node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == url:
            # `urlretrieve(url, filename)`, `download_url_to_file(url, dst=filename)`
            given = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg in _DESTINATION_KEYWORDS), None)
            if isinstance(given, ast.Name):
                sinks.append(given.id)
    found = set()
    for sink in sinks:
        if sink in bound:
            value = bound[sink]
            if value is None:
                return None
            if _url_file_name(value, url, set()):
                found.add(("url", ""))
            elif isinstance(value, ast.IfExp):
                branches = (value.body, value.orelse)
                named = [b for b in branches if isinstance(b, ast.Name) and b.id in params]
                if len(named) == 1 and any(_url_file_name(b, url, set()) for b in branches if b is not named[0]):
                    found.add(("url-or-param", named[0].id))
                else:
                    return None
            else:
                return None
        elif sink in params and sink != url:
            found.add(("param", sink))
        else:
            return None
    return found.pop() if len(found) == 1 else None


def _python_fetches(ctx: RuleContext) -> tuple[_PythonFetch, ...]:
    """The notebook's Python calls that save a downloaded URL as a relative file (`_PythonFetch`)."""
    return ctx.shared("paths.python_fetches", lambda: tuple(_find_python_fetches(ctx)))


def _relative_file(value: Optional[str]) -> str:
    if not value or value.startswith(("/", "~")) or "://" in value or "$" in value or "{" in value:
        return ""
    path = _normal_path(value)
    return "" if path in ("", ".", "..") else path


def _find_python_fetches(ctx: RuleContext) -> Iterator[_PythonFetch]:
    functions = _downloading_functions(ctx)
    constants = string_constants(ctx.facts)
    defined = _notebook_defined(ctx.facts)
    destinations: dict[str, tuple[list[str], Optional[tuple[str, str]]]] = {}
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        for stmt in tree.body if tree is not None else ():
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in functions and not functions[stmt.name][3]:
                params = [a.arg for a in (*stmt.args.posonlyargs, *stmt.args.args)]
                destinations[stmt.name] = (params, _helper_destination(stmt, functions[stmt.name][1]))

    def string_at(ca: CellAnalysis, node: Optional[ast.AST], line: int) -> Optional[tuple[str, tuple[int, int]]]:
        """The string `node` spells at `line` of the cell, with where its literal is."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value, (ca.cell.index, node.lineno)
        if isinstance(node, ast.Name):
            if node.id in constants:
                c = constants[node.id]
                return c.value, (c.ca.cell.index, c.line)
            above = _bound_above_in_cell(ca, node.id, line)
            if above is not None:
                return above[0], (ca.cell.index, above[1])
        if isinstance(node, (ast.BinOp, ast.JoinedStr)):
            # `"%s/ce10/bigZips/%s" % (ucsc_site, fn)`: built from constants, a name bound several
            # times taken at its last binding above (as PTH003 reads the URL).
            value = _evaluate(node, {**constants, **_rebound_pieces(ctx, node, constants, ca.cell.index, line)})
            if isinstance(value, str):
                return value, (ca.cell.index, node.lineno)
        return None

    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        yield from _response_body_writes(ctx, ca, tree, string_at)
        # A catalogued call taking both a URL and the file it saves (`urlretrieve(url,
        # "../data/x.fna.gz")`), by the call's place: its URL and its destination argument.
        catalogued: dict[tuple[int, int], dict[str, PathArgument]] = {}
        for pa in path_arguments(ctx.facts, ctx.catalog, ca):
            side = "url" if pa.entry.kind == "url" else "file" if pa.direction == "write" and not pa.entry.generic else ""
            if side:
                catalogued.setdefault((pa.call.line, pa.call.column), {}).setdefault(side, pa)
        saves_a_download = any(len(v) == 2 for v in catalogued.values())
        if not saves_a_download and not any(_may_fetch(call, destinations) for call in nodes_of(tree, ast.Call)):
            continue  # (no call below can be one: most cells)
        arguments = _call_argument_nodes(tree) if saves_a_download else {}
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for node in walk_nodes(stmt):
                if not isinstance(node, ast.Call) or _hosted_line(ca, node.lineno):
                    continue
                callee = dotted_name(node.func) or ""
                keywords = {k.arg: k.value for k in node.keywords if k.arg}
                both = catalogued.get((node.lineno, node.col_offset + 1)) or catalogued.get(
                    (node.lineno, node.col_offset + 1 + ca.masked.dedent), {})
                if len(both) == 2:
                    # (fair check 21, item 129: the destination of a download PTH003 reports)
                    url = string_at(ca, arguments.get((both["url"].arg.line, both["url"].arg.column)), node.lineno)
                    spelled = string_at(ca, arguments.get((both["file"].arg.line, both["file"].arg.column)), node.lineno)
                    if url is None or spelled is None or not _WEB_URL.match(url[0]):
                        continue
                    name = spelled[0]
                elif callee in destinations:
                    params, how = destinations[callee]
                    position, url_param = functions[callee][0], functions[callee][1]
                    if how is None:
                        continue
                    url = string_at(ca, keywords.get(url_param) or (node.args[position] if position < len(node.args) else None), node.lineno)
                    if url is None or not _WEB_URL.match(url[0]):
                        continue
                    kind, param = how
                    given: Optional[ast.AST] = keywords.get(param) if param else None
                    if param and given is None and param in params and params.index(param) < len(node.args):
                        given = node.args[params.index(param)]
                    if kind == "param" or given is not None:
                        spelled = string_at(ca, given, node.lineno) if given is not None else None
                        if spelled is None:
                            continue
                        name = spelled[0] or (_url_file(url[0]) if kind == "url-or-param" else "")
                    else:
                        name = _url_file(url[0])
                elif ctx.facts.resolve(callee) in _OBJECT_STORE_FOLDER_DOWNLOADS:
                    # SageMaker's `S3Downloader.download(f"s3://…/{dataset_file_name}", ".")` saves the
                    # object under its key's last name in the folder (fair check 24, item 102).
                    source = node.args[0] if node.args else keywords.get("s3_uri")
                    folder = string_at(ca, node.args[1] if len(node.args) > 1 else keywords.get("local_path"), node.lineno)
                    last = _uri_last_name(ca, source, node.lineno, string_at) if source is not None else None
                    if folder is None or last is None or not last[0]:
                        continue
                    url = ("", (ca.cell.index, source.lineno))
                    name = f"{folder[0]}/{last[0]}"
                elif "download" in callee.rsplit(".", 1)[-1].lower() and "." in callee and callee.split(".", 1)[0] not in defined:
                    # A library's `common.download_file(url, "naip.tif")`: its first argument a web URL, its
                    # second (or a destination keyword) the file saved, when no catalogue entry judges it.
                    url = string_at(ca, node.args[0] if node.args else keywords.get("url"), node.lineno)
                    given = node.args[1] if len(node.args) > 1 else next(
                        (keywords[k] for k in _DESTINATION_KEYWORDS if k in keywords), None)
                    if url is None or not _WEB_URL.match(url[0]) or given is None:
                        continue
                    judged = any(
                        pa.call.line == node.lineno and pa.call.column == node.col_offset + 1
                        and pa.arg.line == given.lineno and pa.arg.column == given.col_offset + 1
                        for pa in path_arguments(ctx.facts, ctx.catalog, ca)
                    )
                    spelled = None if judged else string_at(ca, given, node.lineno)
                    if spelled is None:
                        continue
                    name = spelled[0]
                else:
                    continue
                path = _relative_file(name)
                if path:
                    yield _PythonFetch((ca.cell.index, node.lineno), url[1], (path,))


# Object-store downloads into a local folder, saving each object under its key's last name.
_OBJECT_STORE_FOLDER_DOWNLOADS = frozenset({"sagemaker.s3.S3Downloader.download"})


def _uri_last_name(
    ca: CellAnalysis, node: ast.AST, line: int,
    string_at: Callable[[CellAnalysis, Optional[ast.AST], int], Optional[tuple[str, tuple[int, int]]]],
) -> Optional[tuple[str, tuple[int, int]]]:
    """The last name of an object-store URI (`s3://b/uci_adult/adult.data` → `adult.data`), also when
    an f-string's last hole spells it (`f"s3://…/uci_adult/{dataset_file_name}"` with
    `dataset_file_name = "adult.data"`); None when the run alone knows it."""
    if isinstance(node, ast.JoinedStr) and node.values:
        tail = node.values[-1]
        if isinstance(tail, ast.FormattedValue) and tail.format_spec is None and tail.conversion == -1:
            before = node.values[-2] if len(node.values) > 1 else None
            if isinstance(before, ast.Constant) and isinstance(before.value, str) and before.value.endswith("/"):
                return string_at(ca, tail.value, line)
            return None
        if isinstance(tail, ast.Constant) and isinstance(tail.value, str) and "/" in tail.value:
            return tail.value.rsplit("/", 1)[1], (ca.cell.index, node.lineno)
        return None
    spelled = string_at(ca, node, line)
    if spelled is None or "://" not in spelled[0]:
        return None
    return spelled[0].rstrip("/").rsplit("/", 1)[1], spelled[1]


# The body of a `requests` response: what a cell writes into a file to save the download.
_RESPONSE_BODY = frozenset({"text", "content", "iter_content", "raw", "json"})
# The calls that open a download, with the attributes of their response that are its body: a
# `requests` response's, and `urlopen`'s `response.read()` (fair check 32, item 104).
_RESPONSE_CALLS: Mapping[str, frozenset[str]] = {
    "requests.get": _RESPONSE_BODY, "requests.api.get": _RESPONSE_BODY,
    "urllib.request.urlopen": frozenset({"read"}), "urllib2.urlopen": frozenset({"read"}),
    "six.moves.urllib.request.urlopen": frozenset({"read"}),
}


def _response_body_writes(
    ctx: RuleContext, ca: CellAnalysis, tree: ast.Module,
    string_at: Callable[[CellAnalysis, Optional[ast.AST], int], Optional[tuple[str, tuple[int, int]]]],
) -> Iterator[_PythonFetch]:
    """A download saved by hand in one cell: `r = requests.get(url)`, then a file opened for writing
    (`open("example_compounds.sdf", "w").write(r.text)`, `with open(filename, "w") as ofs:
    ofs.write(r.text)`, `print(r.text, file=ofs)`) with the response's body used at or after the
    `open`. The file is the download's destination (fair check 23: download-destination-split-from-download).
    Also `with urllib.request.urlopen(url) as response:` (or `response = urlopen(url)`), then
    `out_file.write(response.read())` (fair check 32, item 104). Not a body handed on whole
    (`shutil.copyfileobj(response, out_file)`), nor a response opened in another cell."""
    # (The cell's calls, assignments and attributes from its class index, each in the breadth-first
    # order of a whole walk: the files opened for writing first, as most cells open none, then the
    # responses. A walk of every cell's whole tree here was a third of PTH003's time on PDSH.)
    opens: list[tuple[int, ast.Call]] = []
    for node in nodes_of(tree, ast.Call):
        if dotted_name(node.func) == "open" and node.args:
            mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
            if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and re.search(r"[wx]", mode.value):
                opens.append((node.lineno, node))
    if not opens:
        return
    responses: dict[str, tuple[int, tuple[str, tuple[int, int]]]] = {}  # name → (line, (URL, its place))
    body_of: dict[str, frozenset[str]] = {}  # name → the attributes that are its body
    for node in nodes_of(tree, ast.Assign):
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, ast.Call) and node.value.args \
                and ctx.facts.resolve(dotted_name(node.value.func) or "") in _RESPONSE_CALLS:
            url = string_at(ca, node.value.args[0], node.lineno)
            if url is not None and _WEB_URL.match(url[0]):
                responses[node.targets[0].id] = (node.lineno, url)
                body_of[node.targets[0].id] = _RESPONSE_CALLS[ctx.facts.resolve(dotted_name(node.value.func) or "")]
    # (and a response bound by a `with`: `with requests.get(url, stream=True) as r:`, its body
    # written chunk by chunk, `fp.write(chunk)` for `chunk in r.iter_content(…)`; fair check 27, item 114)
    for node in nodes_of(tree, ast.With):
        for item in node.items:
            request = item.context_expr
            if isinstance(item.optional_vars, ast.Name) and isinstance(request, ast.Call) and request.args \
                    and ctx.facts.resolve(dotted_name(request.func) or "") in _RESPONSE_CALLS:
                url = string_at(ca, request.args[0], node.lineno)
                if url is not None and _WEB_URL.match(url[0]):
                    responses[item.optional_vars.id] = (node.lineno, url)
                    body_of[item.optional_vars.id] = _RESPONSE_CALLS[ctx.facts.resolve(dotted_name(request.func) or "")]
    if not responses:
        return
    bodies = [
        (node.lineno, node.value.id) for node in nodes_of(tree, ast.Attribute)
        if isinstance(node.value, ast.Name) and node.value.id in responses and node.attr in body_of[node.value.id]
    ]
    for line, call in opens:
        if _hosted_line(ca, line):
            continue
        body = next((name for at, name in bodies if at >= line and responses[name][0] < line), None)
        spelled = string_at(ca, call.args[0], line) if body is not None else None
        path = _relative_file(spelled[0]) if spelled is not None else ""
        if path:
            yield _PythonFetch((ca.cell.index, line), responses[body][1][1], (path,))


def _may_fetch(call: ast.Call, destinations: Mapping[str, object]) -> bool:
    """A screen of `_find_python_fetches`, read without building the dotted name: can the call be
    one it reads? Its callee is then a notebook function it knows (`destinations`: a plain name,
    which `dotted_name` spells as itself) or an attribute whose name holds "download" (a dotted name
    ends with it). False means the call is passed over there; True means only that it is looked at."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id in destinations
    return isinstance(func, ast.Attribute) and "download" in func.attr.lower()


def _covered_python_fetch_lines(ctx: RuleContext) -> dict[tuple[int, int], list[str]]:
    """The files each Python download call saves, by its (cell, line), for the calls a PTH003 finding
    stands for (the call or its URL's literal is that finding's place): their read-backs are that
    finding's related locations, not PTH006 findings (fair check 20: fetched-file-read-back)."""
    def compute() -> dict[tuple[int, int], list[str]]:
        fetches = _python_fetches(ctx)
        if not fetches:
            return {}
        hits = list(RemoteUri()._check(ctx))
        # (and a URL PTH003 reports with its rest known only at run time, `urlretrieve(BASE + zipfilename,
        # zipfilename)`: the download's destination is that finding's too; fair check 27, items 107, 109)
        taken = {(h.cell.index, h.line) for h in hits if h.cell is not None} | {
            (c.index, line) for h in hits for c, line, _ in h.related if c is not None}
        hits.extend(_open_ended_urls(ctx, taken))
        places = {
            (cell.index, line) for h in hits if h.cell is not None
            for cell, line, _ in ((h.cell, h.line, h.column), *h.related) if cell is not None
        }
        out: dict[tuple[int, int], list[str]] = {}
        for fetch in fetches:
            if fetch.at in places or fetch.url_at in places:
                out.setdefault(fetch.at, []).extend(fetch.files)
        return _with_extracted_stems(ctx, out)
    return {k: list(v) for k, v in ctx.shared("paths.covered_python_fetch_lines", compute).items()}


def _read_back_lines(ctx: RuleContext) -> dict[tuple[int, int], list[str]]:
    """`_download_lines` and the Python download calls a PTH003 finding stands for: every step whose
    saved files PTH006 leaves to PTH003."""
    python = _covered_python_fetch_lines(ctx)
    if not python:
        return _download_lines(ctx)
    merged = {k: list(v) for k, v in _download_lines(ctx).items()}
    for k, v in python.items():
        merged.setdefault(k, []).extend(v)
    return merged


def _printed(f: LiteralFinding) -> bool:
    """Is the literal (or f-string) a direct argument of a `print(…)` call? It is then a message the
    notebook shows: the URI in it is neither read nor written."""
    tree = cell_python_tree(f.ca)
    if tree is None:
        return False
    for node in tree_nodes(tree):
        if type(node) is ast.Call and isinstance(node.func, ast.Name) and node.func.id == "print":
            if any(
                isinstance(a, (ast.Constant, ast.JoinedStr)) and a.lineno == f.line and a.col_offset + 1 == f.column
                for a in node.args
            ):
                return True
    return False


# A file name of a program's build for one platform (`ngrok-stable-linux-amd64.zip`,
# `Miniconda3-py37_4.8.2-Linux-x86_64.sh`) or of an installer package (`.deb`, `.exe`, …).
_PROGRAM_FILE = re.compile(
    r"(?i)(?:linux|darwin|macos|windows|win32|win64)[-_.]?(?:amd64|x86_64|x86-64|x64|arm64|aarch64|i386|386)"
    r"|\.(?:deb|rpm|appimage|exe|msi|dmg|pkg)$"
)


def _program_download(url: str) -> bool:
    """Does the URL name a program's build or installer rather than data?"""
    return _PROGRAM_FILE.search(url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rpartition("/")[2]) is not None


# A downloaded file that is a data set or model of its own, not one file of a folder of like files:
# an archive, a model's weights.
_BUNDLE_FILE = re.compile(
    r"(?i)\.(?:zip|tar|tgz|tbz2?|txz|gz|bz2|xz|zst|7z|rar|h5|hdf5|keras|pt|pth|ckpt|onnx|pb|tflite|safetensors|bin|pkl|joblib)$"
)


def _remote_folder_kind(url: str) -> str:
    """For a `!wget`/`!curl` URL of a single file of a remote folder, that folder and the file's
    suffix (`https://host/main/images/\x1fjpeg`); "" for an archive, a model's weights, a program,
    a name without a suffix (an API's endpoint), a query or a shell variable."""
    name = url.rpartition("/")[2]
    suffix = re.search(r"\.(\w+)$", name)
    if suffix is None or any(c in url for c in "?#${") or _BUNDLE_FILE.search(name) or _program_download(url):
        return ""
    folder = _data_folder_of_url(url)
    return f"{folder}\x1f{suffix.group(1).lower()}" if folder else ""


def _data_folder_of_url(url: str) -> str:
    """The folder of an http(s) URL (`https://host/a/b/` of `https://host/a/b/c.csv?x=1`); "" for
    a file at the host's root, which says nothing about one data set's place."""
    match = re.match(r"(?i)(https?://[^/?#]+)(/[^?#]*)?", url)
    if match is None or not match.group(2):
        return ""
    folder = match.group(2).rsplit("/", 1)[0]
    return f"{match.group(1).lower()}{folder}/" if folder else ""


def _no_clobber_fetch_present(f: LiteralFinding, present: Collection[str]) -> bool:
    """Is the shell literal a URL of a `wget -nc` (`--no-clobber`) line whose every saved file is
    beside the notebook (`ProjectContext.downloads_present`)? Run from its folder, that line
    downloads nothing (fair check 11: exists-guarded-fetch-of-vendored-file)."""
    return any(magic.line == f.line and _no_clobber_present(magic, present) for magic in f.ca.magics)


def _no_clobber_present(magic: MagicLine, present: Collection[str]) -> bool:
    """Is the line a `wget -nc` whose every saved file is beside the notebook?"""
    if magic.kind != "shell" or magic.name.lower() != "wget" or not present:
        return False
    command = re.split(r"\s(?:\||&&|;|\|\|)\s", magic.args, maxsplit=1)[0]
    if not re.search(r"\s(?:-nc|--no-clobber)(?:\s|$)", command):
        return False
    files = _fetched_files("wget", magic.args)
    return bool(files) and all(name in present for name in files)


def _shell_removals(ctx: RuleContext) -> list[tuple[tuple[int, int], str]]:
    """The paths each `!rm` line of the notebook deletes, with the line's (cell, line)."""
    out: list[tuple[tuple[int, int], str]] = []
    for ca in ctx.cells:
        for magic in ca.magics:
            if magic.kind == "shell" and magic.name.lower() == "rm":
                out.extend(((ca.cell.index, magic.line), _normal_path(t)) for t in magic.args.split() if not t.startswith("-"))
    return out


def _scratch(uses: Sequence[tuple[tuple[int, int], str, bool]], path: str, removals: Sequence[tuple[tuple[int, int], str]]) -> bool:
    """Is this a scratch file a tutorial makes to show an API, then deletes (`np.memmap("mymmap",
    mode="w+")` … `!rm mymmap`; `open("tmp.txt", "w")`, read back, `os.remove("tmp.txt")`)? `uses`
    are its ((cell, line), direction, is a delete) in any order: the first is a write (no read
    before it: a file put there by hand would be), and a delete, by the same path or name
    (`os.remove`, `shutil.rmtree`…, or an `!rm` line), comes after it. Nothing is left to configure
    (fair check 11: scratch-file-deleted-after-demo)."""
    ordered = sorted(uses)
    if not ordered or ordered[0][2] or ordered[0][1] not in ("write", "both"):
        return False
    start = ordered[0][0]
    return any(at > start for at, _, deletes in ordered if deletes) or any(
        at > start and name == path for at, name in removals)


# Folders Lightning writes into when the notebook names none (`_implicit_folders`): a `makedirs` of
# one prepares the library's output, not an empty folder.
_LIGHTNING_DEFAULT_FOLDERS = frozenset({"lightning_logs", "checkpoints"})


def _empty_folder_made(ctx: RuleContext, group: Sequence[LiteralFinding]) -> bool:
    """Is this folder only made (`os.makedirs("imgs/chapter_15", exist_ok=True)`, copied set-up code)
    and named nowhere else in the notebook: no read or write under it, no constant, f-string or
    shell line spelling it, no library default folder of that name? The line leaves an empty
    folder wherever the notebook runs: it fails nowhere and has nothing to configure (fair check
    21: makedirs-of-folder-never-written). Any other spelling of the folder in the code keeps the
    finding (`fig.write_image(f"imgs/chapter_12/{name}.png")`)."""
    if not all(f.source == "python" and f.argument is not None and f.argument.call.method in ("makedirs", "mkdir")
               for f in group):
        return False
    folder = _normal_path(group[0].value)
    if not folder or folder.startswith(".."):
        return False
    implicit = {str(dict(e).get("folder", "")).split("/")[0] for e in ctx.catalog.table("io_calls", "implicit_folder", []) or []}
    if folder.split("/")[0] in implicit | _LIGHTNING_DEFAULT_FOLDERS:
        return False
    # (every spelling counts: `imgs/chapter_2` inside a longer path, an f-string's head, a `!cp` line)
    spelled = sum(ca.cell.source.replace("\\", "/").count(folder) for ca in ctx.cells)
    return spelled <= len(group)


def _one_named_file(ctx: RuleContext, group: Sequence[LiteralFinding]) -> Optional[tuple[str, list, list[LiteralFinding]]]:
    """For a group that names one file (not a folder or a template) only through Python arguments:
    its path, the cells whose source names it and the group in notebook order; else None. What the
    round-trip and I/O-lesson folds both start from."""
    path = written_file(group[0])
    if not path or path.endswith("/") or "{" in path or "." not in path.rpartition("/")[2]:
        return None
    if any(f.source != "python" or f.argument is None for f in group):
        return None
    # (each spelling: `np.savez("out", …)` names `out.npz` as "out")
    spellings = {_normal_path(f.value) for f in group} | {path}
    naming = [ca for ca in ctx.cells if any(p in ca.cell.source.replace("\\", "/") for p in spellings)]
    return path, naming, sorted(group, key=lambda f: (f.ca.cell.index, f.line))


def _staged_by_open(ctx: RuleContext, group: Sequence[LiteralFinding]) -> bool:
    """Is this a file of the working folder itself (no folder part: `"./streamingData.json"`) that the
    notebook opens for writing with `open(…, "w")` before any read, then reads back only with `open`,
    every use at a cell's top level (not in a function called who knows when) and the file named in no
    other cell? The notebook makes it wherever it runs before reading it, so the path fails nowhere and
    has nothing to configure: a staging file, as `_read_back_at_once`'s (fair check 43, item 127:
    tweets from a live stream written in cells 11 and 22, read back in 17 and 24; what the run needs is
    the stream, not the path). A file in a folder (which may be missing), or one read before it is
    written, stays reported."""
    named = _one_named_file(ctx, group)
    if named is None:
        return False
    path, naming, ordered = named
    if "/" in path or not ordered or ordered[0].argument.direction != "write":
        return False
    if {ca.cell.index for ca in naming} != {f.ca.cell.index for f in group}:
        return False
    directions = set()
    for f in ordered:
        call = f.argument.call
        if call.in_function or call.owner or resolve_callee(ctx.facts, ctx.catalog, call.func) != "open":
            return False
        directions.add(f.argument.direction)
    return directions == {"write", "read"}


def _read_back_at_once(ctx: RuleContext, group: Sequence[LiteralFinding]) -> bool:
    """Is this file the notebook's own round trip, named nowhere else in the notebook? Either written
    and read back in one cell (`img2.save("out.jpg", exif=exif_bytes)`, then `Image.open("out.jpg")`
    to get an image that carries the EXIF), or saved by one library in a code cell and loaded by the
    same library in the next (`why.write(profile, "profile.bin")`, then `n_prof = why.read(
    "profile.bin")`) into a result nothing later reads: an I/O lesson. The notebook writes the file
    before any use, where it runs: it fails nowhere and has nothing to configure (fair check 21:
    self-consumed-staging-file, io-lesson-demo)."""
    named = _one_named_file(ctx, group)
    if named is None:
        return False
    path, naming, ordered = named
    first = ordered[0]
    if len(naming) == 1 and len({f.ca.cell.index for f in group}) == 1:
        # (not an archive the cell extracts, `ZipFile("orders.zip")` then `extractall("unpacked")`:
        # the files it yields are read later, as related locations of the archive's finding)
        anchors = {p.anchor for p in _produced_paths(ctx)}
        return (first.argument.direction in ("write", "both") and len(ordered) > 1
                and all(f.argument.direction == "read" for f in ordered[1:])
                and not any((f.ca.cell.index, f.line) in anchors for f in group))
    if len(naming) != 2 or len(group) != 1 or first.argument.direction not in ("read", "none"):
        return False
    # (the save is a call the catalogue may not know: found by its callee's module and its name)
    code_cells = [ca.cell.index for ca in ctx.cells]
    writer, reader = naming
    if reader.cell.index != first.ca.cell.index or code_cells.index(reader.cell.index) != code_cells.index(writer.cell.index) + 1:
        return False
    module = first.argument.shown_callee.partition(".")[0]
    saves = [
        call for call in writer.facts.calls
        if call.func.partition(".")[0] == module and call.func.rpartition(".")[2] in ("write", "save", "dump")
        and any(_normal_path(a.string or "") == path for a in call.args)
    ]
    if not module or module == first.argument.shown_callee or not saves:
        return False
    statement = statement_at(cell_python_tree(first.ca), first.argument.call.line)
    if not isinstance(statement, ast.Assign) or not all(isinstance(t, ast.Name) for t in statement.targets):
        return False
    loads = name_loads(ctx)
    return not any(
        (index, node.lineno) > (first.ca.cell.index, first.line)
        for t in statement.targets for node, _, index in loads.get(t.id, ())
    )


def _constant_read_back_at_once(ctx: RuleContext, uses: Sequence[tuple["Constant", str, PathArgument]]) -> bool:
    """Is this constant's file the notebook's own round trip in one cell, as `_read_back_at_once`'s
    for a literal: bound in the cell, written there first (`model_filename = "my-model.onnx"`,
    `torch.onnx.export(model, x, model_filename)`), then only read or handed on in the same cell
    (`writer.add_onnx_graph(model_filename)`), and neither the file nor the name spelled in any
    other cell? The notebook makes the file before its use wherever it runs: nothing to configure
    (fair check 25, item 113: self-consumed-staging-file)."""
    constant = uses[0][0]
    path = _normal_path(constant.value)
    if not constant.name.isidentifier() or not path or "{" in path or "." not in path.rpartition("/")[2]:
        return False
    if any(_normal_path(value) != path for _, value, _ in uses):
        return False  # (a path built on it, `os.path.join(ROOT, "x.csv")`: a root, not this file)
    cell = constant.ca.cell.index
    if len(uses) < 2 or any(_cell_of(ctx, pa) != cell for _, _, pa in uses):
        return False
    ordered = sorted((pa for _, _, pa in uses), key=lambda pa: (pa.call.line, pa.call.column))
    if ordered[0].direction not in ("write", "both") or not all(pa.direction in ("read", "none") for pa in ordered[1:]):
        return False
    mentioned = re.compile(rf"(?<![\w.]){re.escape(constant.name)}\b")
    return not any(
        ca.cell.index != cell and (path in ca.cell.source.replace("\\", "/") or mentioned.search(ca.cell.source))
        for ca in ctx.cells
    )


def _io_lesson(ctx: RuleContext, group: Sequence[LiteralFinding]) -> bool:
    """Is this file a tutorial's demonstration of saving, which nothing of the notebook uses? Either
    saved in a cell and loaded in the next code cell into names later code only displays
    (`cifar_cnn_2.save("Cifar Best.h5")`, `load_cifar = load_model("Cifar Best.h5")`, then only
    `load_cifar.summary()`), or an empty figure made and saved by a cell that does nothing else, under
    a heading about saving ("#### Saving Figure": `figure = plt.figure(figsize=(8, 5))`,
    `figure.savefig("Savedfigure.png")`). The file is the lesson's output, not an input or a result
    to configure (fair check 22: io-lesson-demo)."""
    named = _one_named_file(ctx, group)
    if named is None:
        return False
    _, naming, ordered = named
    writes = [f for f in ordered if f.argument.direction in ("write", "both")]
    reads = [f for f in ordered if f.argument.direction == "read"]
    if not writes or writes[0] is not ordered[0] or len(writes) + len(reads) != len(ordered):
        return False
    if not reads:
        if all(ca.cell.index in {f.ca.cell.index for f in writes} for ca in naming) and _savefig_section(ctx, writes):
            return True
        return len(naming) == 1 and len(writes) == 1 and _empty_figure_saved_under_saving_heading(ctx, writes[0])
    code_cells = [ca.cell.index for ca in ctx.cells]
    if len(naming) != 2 or len(writes) != 1 or len({f.ca.cell.index for f in reads}) != 1:
        return False
    writer, reader = writes[0].ca.cell.index, reads[0].ca.cell.index
    if code_cells.index(reader) != code_cells.index(writer) + 1:
        return False
    tree = cell_python_tree(reads[0].ca)
    targets: list[str] = []
    for f in reads:
        statement = statement_at(tree, f.argument.call.line)
        if not isinstance(statement, ast.Assign) or not all(isinstance(t, ast.Name) for t in statement.targets):
            return False
        targets += [t.id for t in statement.targets if isinstance(t, ast.Name)]
    loads = name_loads(ctx)
    return all(
        _displayed_only(node, load_tree)
        for name in targets for node, load_tree, index in loads.get(name, ())
        if (index, node.lineno) > (reader, reads[-1].line)
    )


def _io_cheat_sheet(ctx: RuleContext, group: Sequence[LiteralFinding]) -> bool:
    """Is every literal of the group in a cell that only lists I/O calls, a library tour's cheat
    sheet (`pd.read_csv("data.csv")`, `df.to_csv("output.csv")`, `pd.read_excel("data.xlsx")`, …)?
    Each of its statements a bare catalogued call on a literal path, two reads or more among them
    whose result is kept nowhere, one of them not the cell's last statement (whose value Jupyter
    shows): the calls show the API, no file is an input of the notebook (fair check 44, item 124:
    library-tour-io-demo)."""
    cells = {f.ca.cell.index for f in group}
    if any(f.source != "python" or f.argument is None for f in group):
        return False
    sheets = ctx.shared("paths.io_cheat_sheets", lambda: frozenset(
        ca.cell.index for ca in ctx.cells if _io_cheat_sheet_cell(ctx, ca)))
    return cells <= sheets


def _io_cheat_sheet_cell(ctx: RuleContext, ca: CellAnalysis) -> bool:
    if ca.magics:
        return False
    tree = cell_python_tree(ca)
    if tree is None or len(tree.body) < 3:
        return False
    by_line: dict[int, PathArgument] = {}
    for pa in path_arguments(ctx.facts, ctx.catalog, ca):
        if pa.literal is not None and not pa.entry.generic:
            by_line.setdefault(pa.call.line, pa)
    reads = []
    for number, stmt in enumerate(tree.body):
        if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)) or stmt.lineno not in by_line:
            return False
        if by_line[stmt.lineno].direction == "read":
            reads.append(number)
    return len(reads) >= 2 and reads[0] < len(tree.body) - 1


# Calls that only show a value: `print(model)`, `display(frame)`, and a Keras model's `summary()`.
_SHOWING_CALLS = frozenset({"print", "display"})


def _displayed_only(node: ast.Name, tree: ast.Module) -> bool:
    """Is this read of a name only shown: a bare expression statement (`model`), `model.summary()`,
    `print(model)` or `display(model)` as a statement of its own?"""
    statement = statement_at(tree, node.lineno)
    if not isinstance(statement, ast.Expr):
        return False
    value = statement.value
    if value is node:
        return True
    if not isinstance(value, ast.Call):
        return False
    if isinstance(value.func, ast.Attribute) and value.func.value is node and value.func.attr == "summary":
        return True
    return isinstance(value.func, ast.Name) and value.func.id in _SHOWING_CALLS and any(a is node for a in value.args)


# A markdown heading about saving: "#### Saving Figure", "## Save the plot", "Saving and Loading".
_SAVING_HEADING = re.compile(r"^\s*#+\s.*\bsav(?:e|es|ing)\b", re.IGNORECASE | re.MULTILINE)
# The calls that make a new, empty figure.
_FIGURE_MAKERS = frozenset({"matplotlib.pyplot.figure", "matplotlib.pyplot.subplots"})


def _empty_figure_saved_under_saving_heading(ctx: RuleContext, write: LiteralFinding) -> bool:
    """Does the writing cell only make a figure and save it, drawing nothing, right under a markdown
    cell whose heading is about saving? The saved image is blank: the cell shows the API."""
    cells = [c for c in ctx.facts.notebook.cells if c.index < write.ca.cell.index]
    above = cells[-1] if cells else None
    if above is None or above.cell_type != "markdown" or not _SAVING_HEADING.search(above.source):
        return False
    calls = write.ca.facts.calls
    makers = [c for c in calls if ctx.facts.resolve(c.func) in _FIGURE_MAKERS]
    return (len(makers) == 1 and len(calls) == 2 and write.argument.call in calls
            and write.argument.call.method == "savefig" and makers[0] is not write.argument.call)


def _savefig_section(ctx: RuleContext, writes: Sequence[LiteralFinding]) -> bool:
    """Are these writes a course's "## Saving figures" section: cells of only `fig.savefig("filename.png")`
    (one call each), between which and the section's saving heading the notebook has only markdown
    (that names `savefig`) and each other? The saved image is the lesson's demonstration, which nothing reads (fair check
    41, item 100: a Matplotlib introduction's `fig.savefig("filename.png")` and its `dpi=200` variant,
    never run)."""
    cells = {f.ca.cell.index: f for f in writes}
    first = min(cells)
    for f in writes:
        if f.argument.call.method != "savefig" or len(f.ca.facts.calls) != 1 or f.ca.facts.calls[0] is not f.argument.call:
            return False
    names_api = False
    for cell in reversed([c for c in ctx.facts.notebook.cells if c.index < first]):
        if cell.cell_type != "markdown":
            return False
        # (the section's text names the API it teaches: "we can use the `savefig` method"; a "Save plot
        # to files" step of an analysis does not, fair check 28's ROC notebook)
        names_api = names_api or "savefig" in cell.source
        headings = [line for line in cell.source.splitlines() if line.lstrip().startswith("#")]
        if headings:
            if not _SAVING_HEADING.search(headings[-1]) or not names_api:
                return False
            break
    else:
        return False
    between = [c for c in ctx.facts.notebook.cells if first < c.index < max(cells)]
    return all(c.cell_type == "markdown" or c.index in cells for c in between)


def _optional_cache(group: Sequence[LiteralFinding]) -> bool:
    """Is this file an optional cache the notebook never writes: tested by an existence check,
    read only in that test's branch, and the `else` branch gets the same names another way
    (`if os.path.exists("mnist_784_X_y.pkl"): X, y = pickle.load(…)` `else: X, y =
    fetch_openml("mnist_784", …)`)? Without the file the notebook computes or downloads the data
    (that download is its own finding): it fails nowhere (fair check 21: exists-probed-optional-cache)."""
    if any(f.source != "python" or f.argument is None or f.argument.direction not in ("read", "none") for f in group):
        return False
    if not any(f.argument.direction == "none" for f in group) or len({f.ca.cell.index for f in group}) != 1:
        return False
    tree = cell_python_tree(group[0].ca)
    lines = {f.line for f in group}
    for node in tree_nodes(tree) if tree is not None else ():
        if not isinstance(node, ast.If) or not node.orelse or node.test.lineno not in lines:
            continue
        body_end = node.body[-1].end_lineno or node.body[-1].lineno
        if not all(node.test.lineno <= line <= body_end for line in lines):
            return False

        def bound(statements: Sequence[ast.stmt]) -> set[str]:
            return {t.id for st in statements for n in ast.walk(st) if isinstance(n, ast.Assign)
                    for target in n.targets for t in ast.walk(target) if isinstance(t, ast.Name)}

        read_into = bound(node.body)
        return bool(read_into) and read_into <= bound(node.orelse)
    return False


def _named_before(ctx: RuleContext, path: str, place: tuple[int, int]) -> bool:
    """Does a string literal of a code cell above `place` (cell, line) name `path`, spelled with or
    without `./`?"""
    return any(
        _normal_path(s.value) == path
        for ca in ctx.cells for s in ca.facts.strings if (ca.cell.index, s.line) < place
    )


def _upload_save_location(ctx: RuleContext, f: LiteralFinding) -> bool:
    """Is the literal Colab's working directory joined to the files of a Colab upload PTH007 reports
    (`downloads.colab_upload_paths`), a related location of that finding?"""
    if f.source != "python" or not f.value.startswith("/content") or "upload" not in f.ca.cell.source:
        return False
    from nbrefactor.audit.rules.downloads import colab_upload_paths  # (downloads imports paths' package)

    steps = _download_steps(ctx)
    return any(
        upload in steps and any((cell, line) == (f.ca.cell.index, f.line) for cell, line, _ in places)
        for upload, places in colab_upload_paths(ctx).items()
    )


def _download_steps(ctx: RuleContext) -> frozenset[tuple[int, int]]:
    """(cell, line) of each download call PTH007 reports (`gdown.download(url, "data.zip")`), also
    as a related location (`CIFAR10(root="./test/", download=True)` constructed again in a later
    cell, related to the class's first download: fair check 19)."""
    from nbrefactor.audit.rules.downloads import RuntimeDownload

    return frozenset(
        (cell.index, line or 0) for h in RuntimeDownload().check(ctx) if h.cell is not None
        for cell, line, _ in ((h.cell, h.line, h.column), *h.related) if cell is not None
    )


def _download_destination(uses: Sequence[tuple[tuple[int, int], PathArgument]], downloads: Collection[tuple[int, int]]) -> bool:
    """Is the path first written as the destination of a reported download step? Its later uses
    read what was downloaded (fair check 11: download-destination-split-from-download). A test for
    the file before it (`if not os.path.exists(filename): urlretrieve(url, filename)`) guards the
    download, it reads nothing (fair check 23, item 100); so does making the folder it saves into,
    through the same constant (`os.makedirs(DATA_DIR)`, then `open(DATA_FILE, "wb").write(r.content)`
    with `DATA_FILE = f"{DATA_DIR}/…"`; fair check 27, item 104; through a join bound to a name:
    `_joined_download`)."""
    # (a use's place, or, for a file it saves, its call's first line: `urlretrieve(` above the line
    # of `"main.zip"`; not a folder it saves into, `pooch.retrieve(…, path="data")` on its own line,
    # a root to configure: fair check 18)
    ordered = sorted(((u[0] if u[0] in downloads or not _saved_file(u[1]) else (u[0][0], u[1].call.line), u[1])
                      for u in uses), key=lambda u: u[0])
    while ordered and ordered[0][0] not in downloads and (
            (ordered[0][1].qualified or "") in _EXISTENCE_TESTS or ordered[0][1].call.method in ("makedirs", "mkdir")):
        ordered = ordered[1:]
    return bool(ordered) and ordered[0][0] in downloads and ordered[0][1].direction in ("write", "both")


def _joined_download(ctx: RuleContext, cell: int, pa: PathArgument) -> Optional[tuple[int, int]]:
    """`data_file = os.path.join(data_dir, "cifar-10-binary.tar.gz")` at a cell's top level, the name
    then given to a download step of the same cell below it (`urlretrieve(url, data_file)`, a line of
    `_fetch_steps`): the (cell, line) of that download, or None. The folder the join starts from is where the download
    saves, its finding stands for it (fair check 35, item 102: `data_dir = 'temp'`, `os.makedirs`,
    then the join; the doc's "through the constant its path is built from")."""
    if pa.call.method != "join" or pa.arg.position != 0:
        return None
    ca = ctx.analysis_at.get(cell)
    tree = cell_python_tree(ca) if ca is not None else None
    if tree is None:
        return None
    statement = statement_at(tree, pa.call.line)
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Call) and statement.value.lineno == pa.call.line
            and dotted_name(statement.value.func) in _JOIN_CALLS):
        return None
    name = statement.targets[0].id
    for node in tree_nodes(tree):
        if (isinstance(node, ast.Call) and node.lineno > statement.lineno
                and any(isinstance(a, ast.Name) and a.id == name for a in (*node.args, *(k.value for k in node.keywords)))
                and (cell, node.lineno) in _fetch_steps(ctx)):
            return (cell, node.lineno)
    return None


def _joined_destination_folder(ctx: RuleContext, uses: Sequence[tuple[tuple[int, int], PathArgument]]) -> bool:
    """Is the path a folder whose uses, after existence tests and the `os.makedirs` of it, start
    with a join bound to the destination a download step is given (`_joined_download`), or a cache
    of its cell's download (`_download_cache`)? Every use in the download's cell: a folder later
    cells also build into (`os.makedirs(os.path.join(data_dir, "train_dir", label))`, images saved
    there) holds the notebook's own products too, a root to configure (fair check 35, item 94 R)."""
    if len({place[0] for place, _ in uses}) != 1:
        return False
    if _download_cache(ctx, uses):
        return True
    ordered = sorted(uses, key=lambda u: (u[0], u[1].call.line))
    while ordered and ((ordered[0][1].qualified or "") in _EXISTENCE_TESTS or ordered[0][1].call.method in ("makedirs", "mkdir")):
        ordered = ordered[1:]
    return bool(ordered) and len(ordered) < len(uses) and _joined_download(ctx, ordered[0][0][0], ordered[0][1]) is not None


def _fetch_steps(ctx: RuleContext) -> frozenset[tuple[int, int]]:
    """(cell, line) of every download step a finding stands for: PTH007's (`_download_steps`) and
    each place of a PTH003 finding, its URL's literal and the calls that fetch it (`r =
    requests.get(zip_url)`, `urlretrieve(cifar10_url, data_file)`, its related locations). Asked only
    once a path has the shape of a download's destination (`_joined_download`, `_download_cache`)."""
    def find() -> frozenset[tuple[int, int]]:
        hits = list(RemoteUri()._check(ctx))
        return frozenset(
            (c.index, line or 0) for h in hits for c, line, _ in ((h.cell, h.line, h.column), *h.related) if c is not None
        ) | _download_steps(ctx)
    return ctx.shared("paths.fetch_steps", find)


def _download_cache(ctx: RuleContext, uses: Sequence[tuple[tuple[int, int], PathArgument]]) -> bool:
    """Is the file a cache of the cell's own download: an `if` testing it exists reads it in one
    branch, and the other branch downloads (a line of `_fetch_steps`) and then writes it (`if
    os.path.isfile(save_file_name): … open(save_file_name, 'r') … else: r = requests.get(zip_url) …
    open(save_file_name, 'w')`)? Written and read from one folder, whichever it is: the download's
    finding stands for it (fair check 35, item 91: download-destination-split-from-download, as
    PatWalters/pinecone's exists-guarded destination). Not covered: a cache written in another cell."""
    if not uses or len({place[0] for place, _ in uses}) != 1:
        return False
    cell = uses[0][0][0]
    ca = ctx.analysis_at.get(cell)
    tree = cell_python_tree(ca) if ca is not None else None
    if tree is None:
        return False
    lines = sorted(((pa.call.line, pa) for _, pa in uses), key=lambda u: (u[0], u[1].call.column))
    test_line, test = lines[0]
    if (test.qualified or "") not in _EXISTENCE_TESTS and test.call.method not in _PROBE_METHODS:
        return False

    def span(statements: Sequence[ast.stmt]) -> range:
        return range(statements[0].lineno, (statements[-1].end_lineno or statements[-1].lineno) + 1) if statements else range(0)

    for node in nodes_of(tree, ast.If):
        if not node.orelse or not node.test.lineno <= test_line <= (node.test.end_lineno or node.test.lineno):
            continue
        for reading, writing in ((span(node.body), span(node.orelse)), (span(node.orelse), span(node.body))):
            rest = lines[1:]
            writes = [line for line, pa in rest if pa.direction in ("write", "both")]
            if not writes or any(
                    (line not in reading if pa.direction in ("read", "none") else line not in writing) for line, pa in rest):
                continue
            if any((cell, line) in _fetch_steps(ctx) for line in writing if line < min(writes)):
                return True
        return False
    return False


def _saved_file(argument: PathArgument) -> bool:
    """Is this a file's name (`"main.zip"`), not a folder's, as a literal?"""
    value = argument.literal.value if argument.literal is not None else ""
    return bool(_EXTENSION.search(value.replace("\\", "/").rstrip("/").rpartition("/")[2]))


# Calls that only ask whether a file is there.
_EXISTENCE_TESTS = frozenset({"os.path.exists", "os.path.isfile", "os.path.lexists", "os.path.isdir"})


def _download_guard(group: Sequence[LiteralFinding], downloads: Collection[tuple[int, int]]) -> bool:
    """Is every use of this path an existence test in the test of an `if` whose body downloads (a
    line of `downloads`): `if not Path("bird-search-example-main").exists():` above the
    `urlretrieve` of the archive that unpacks to that folder, `if not os.path.isdir("weights"):`
    above a `gdown.download`? The path is what the download makes, tested to skip it when done
    (fair check 27, item 105: download-destination-split-from-download)."""
    for f in group:
        tree = cell_python_tree(f.ca) if f.argument is not None else None
        if tree is None:
            return False
        if not any(
            _tests_existence_of(node.test, f.value)
            and any((f.ca.cell.index, line) in downloads
                    for line in range(node.body[0].lineno, (node.body[-1].end_lineno or node.body[-1].lineno) + 1))
            for node in nodes_of(tree, ast.If)
            if node.test.lineno <= f.line <= (node.test.end_lineno or node.test.lineno)
        ):
            return False
    return bool(group)


def _tests_existence_of(test: ast.expr, value: str) -> bool:
    """Does `test` ask whether the literal path `value` exists (`os.path.exists("x")`,
    `Path("x").exists()`, `.is_dir()`, `.is_file()`)?"""
    def literal(node: Optional[ast.AST]) -> bool:
        return isinstance(node, ast.Constant) and node.value == value
    for node in ast.walk(test):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _PROBE_METHODS and isinstance(func.value, ast.Call) \
                and (dotted_name(func.value.func) or "").rpartition(".")[2] == "Path" and func.value.args \
                and literal(func.value.args[0]):
            return True
        if (dotted_name(func) or "") in _PROBE_CALLS and node.args and literal(node.args[0]):
            return True
    return False


def _one_dataset_root(group: Sequence[LiteralFinding], downloads: Collection[tuple[int, int]]) -> bool:
    """Is the folder only the root of one `download=True` dataset (`datasets.MNIST("../data",
    train=True, download=True)`, its test split and a re-read of the same class), whose first use is
    a download PTH007 reports? That finding (pin the data, read it from a configured place) is the
    root cause; the root alone is not another (fair check 14: download-destination-split-from-download).
    A root shared by another dataset or a read of a file under it stays a finding of its own."""
    calls = [f.argument for f in group]
    if any(a is None or a.entry.kind != "path" for a in calls):
        return False
    first = min(group, key=lambda f: (f.ca.cell.index, f.line, f.column))
    return (
        len({a.qualified or a.shown_callee for a in calls}) == 1 and _downloads_into(first)
        and (first.ca.cell.index, first.argument.call.line) in downloads
    )


def _joined_dataset_root(ctx: RuleContext, group: Sequence[LiteralFinding], downloads: Collection[tuple[int, int]]) -> str:
    """The dataset class (as written) when every literal of the group is a piece of a join bound to a
    name (`path = osp.join(".", "data", "Cora")`) that the notebook reads only as an argument of
    calls of that one class, all for one dataset, the first of them a download PTH007 reports
    (`Planetoid(path, "Cora")`); "" otherwise. PyTorch Geometric's datasets have no `download=True`
    to key `_one_dataset_root` on: they fetch whatever their root folder lacks, and PTH007's finding
    is the download step (fair check 18: pyg-download-root-split-from-download). A root shared by two
    datasets (`TUDataset(path, name="AIDS")` and `name="MUTAG"`) or read otherwise stays reported."""
    bound: set[str] = set()
    for f in group:
        if f.source != "python" or f.argument is None or f.argument.call.method != "join":
            return ""
        tree = cell_python_tree(f.ca)
        if tree is None:
            return ""
        columns = {f.column, f.column - f.ca.masked.dedent}
        name = next((
            node.targets[0].id for node in nodes_of(tree, ast.Assign)
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)  # (the join `f.argument` is: `osp.join`, `os.path.join`)
            and any(isinstance(a, ast.Constant) and a.lineno == f.line and a.col_offset + 1 in columns for a in node.value.args)
        ), None)
        if name is None:
            return ""
        bound.add(name)
    if len(bound) != 1:
        return ""
    loads = name_loads(ctx).get(next(iter(bound)), ())
    if not loads:
        return ""
    uses: list[tuple[int, int, str, str]] = []  # (cell, line, callee as written, dataset named)
    calls_by_tree: dict[int, dict[int, ast.Call]] = {}
    for node, tree, cell in loads:
        holders = calls_by_tree.setdefault(id(tree), {
            id(a): call for call in nodes_of(tree, ast.Call)
            for a in (*call.args[:1], *(k.value for k in call.keywords if k.arg == "root"))
        })
        call = holders.get(id(node))
        if call is None:
            return ""  # read otherwise than as a dataset's root
        named = [k.value for k in call.keywords if k.arg == "name"] or call.args[1:2]
        uses.append((cell, call.lineno, dotted_name(call.func), ast.dump(named[0]) if named else ""))
    first = min(uses)
    if (first[0], first[1]) not in downloads or len({(u[2], u[3]) for u in uses}) != 1:
        return ""
    return first[2]


def _one_dataset_root_uses(
    ctx: RuleContext, uses: Sequence[tuple[Constant, str, PathArgument]], downloads: Collection[tuple[int, int]],
) -> bool:
    """`_one_dataset_root` for a root given through a constant: every use passes the constant's value
    itself as the root of one dataset class, and the first is a `download=True` call PTH007 reports."""
    calls = [pa for _, _, pa in uses]
    if any(pa.entry.kind != "path" or _normal_path(value) != _normal_path(c.value) for c, value, pa in uses):
        return False
    first = min(calls, key=lambda pa: (_cell_of(ctx, pa), pa.call.line, pa.call.column))
    return (
        len({pa.qualified or pa.shown_callee for pa in calls}) == 1 and _told_to_download(first)
        and (_cell_of(ctx, first), first.call.line) in downloads
    )


def _reads_fetched_file(f: LiteralFinding, fetched: Mapping[tuple[int, int], list[str]]) -> bool:
    """Is the relative literal a file a download line above it saved (`!curl -O …/state.npy`, then
    `np.load("state.npy")`)? PTH003 reports that download, with this read related."""
    if f.argument is None or f.argument.direction not in ("read", "none"):
        return False
    path = _normal_path(f.value)
    # An existence test guarding the download in the same cell (`if not os.path.isfile("text8"):`
    # above `!wget …/text8.zip`) is part of that step too.
    return any(
        _fetched(path, files) and (where < (f.ca.cell.index, f.line) or (where[0] == f.ca.cell.index and f.argument.direction == "none"))
        for where, files in fetched.items()
    )


def _fetched_constant_places(ctx: RuleContext, python: bool = False) -> dict[tuple[int, int], list[tuple[Cell, int, int]]]:
    """By the (cell, line) of a download line: the literal and the uses of each relative constant
    whose every use reads what that line saved (`data_dir = "hh/databases"`, then
    `hhsearch(…, data_dir=data_dir)` below a `%%bash` cell's `cd hh/databases; wget URL`); of the
    Python download calls a PTH003 finding stands for (`_covered_python_fetch_lines`) with `python`."""
    def compute() -> dict[tuple[int, int], list[tuple[Cell, int, int]]]:
        fetched = _covered_python_fetch_lines(ctx) if python else _download_lines(ctx)
        out: dict[tuple[int, int], list[tuple[Cell, int, int]]] = {}
        if not fetched:
            return out
        cells = ctx.code_cell_at
        for uses in CwdRelativePath._constant_uses(ctx).values():
            lines = set()
            for _, value, pa in uses:
                if pa.direction not in ("read", "none"):
                    break
                at = (_cell_of(ctx, pa), pa.call.line)
                found = [where for where, files in fetched.items()
                         if _fetched(_normal_path(value), files) and _fetch_before(where, at, pa.direction)]
                if not found:
                    break
                lines.add(found[0])
            else:
                constant = uses[0][0]
                for where in sorted(lines)[:1]:
                    out.setdefault(where, []).extend([
                        (constant.ca.cell, constant.line, constant.column),
                        *((cells[_cell_of(ctx, pa)], pa.call.line, pa.call.column) for _, _, pa in uses),
                    ])
        return out
    return ctx.shared("paths.fetched_python_constant_places" if python else "paths.fetched_constant_places", compute)


def _fetch_before(fetch: tuple[int, int], use: tuple[int, int], direction: str) -> bool:
    """Does the download at `fetch` (cell, line) stand for the use at `use`: it runs above it, or the
    use is an existence test in the same cell (`if not os.path.exists(image_path):` guarding the
    `download_file(url, image_path)` below it: part of that step, as for a literal)?"""
    return fetch < use or (fetch[0] == use[0] and direction == "none")


def _fetched(path: str, files: Collection[str]) -> bool:
    """Is the normalised relative `path` a file a download line saved, or the folder one saved its
    file into (`mkdir hh; cd hh; wget URL`, then `data_dir = "hh"`; fair check 17, item 113)? Not
    the working directory itself."""
    return path in files or any(_under(name, path) and name != path for name in files)


# The hosted-runtime tests moved to `audit/hosted.py` (DEP003 reads `else:` branches with them too).
_mentions_hosted = mentions_hosted
_hosted_test = hosted_test


def _hosted_line(ca: CellAnalysis, line: int, import_fallback: bool = True, if_guards: bool = True) -> bool:
    """`hosted_only` with the cell's Colab detection `try`s read from its tree: the rest of the `try`
    body after `from google.colab import files` runs only on Colab (also under `try :`, which the
    line-based test misses), and the `except ModuleNotFoundError:` handler that catches the import's
    failure is the local branch, not an import fallback (fair check 16: `try:` / `from google.colab
    import files` / `files.upload()` / `read_csv("x.csv")` / `except ModuleNotFoundError:` /
    `read_csv("Data/x.csv")`; the compiler runs the handler in place of the `try`). With `if_guards`,
    an `if` testing for Colab or Kaggle is read from the tree where the cell parses (`if_branch`): the
    `else:` of `if not ON_KAGGLE:` runs only on Kaggle, and its body is the local branch, which the
    line-based guard took for Kaggle's (fair check 37, items 94-100); a test the tree does not read
    (`if platform == "colab":`) is left to the line-based guard."""
    branch = colab_detection_branch(ca, line)
    if branch:
        return True
    if if_guards:
        guarded = if_branch(ca, line)
        if guarded:
            return True
        if guarded is False:
            if_guards = False
    return hosted_only(ca.lines, line, import_fallback=import_fallback and branch is None, if_guards=if_guards)


def _hosted_setup(f: LiteralFinding) -> bool:
    """Does the literal run only on a hosted runtime? Inside the body of an `if` whose test is a
    Colab/Kaggle check, or in that test itself to the right of the check in an `and` (Python stops
    at the check elsewhere: `if 'google.colab' in sys.modules and not os.path.exists('.setup_complete'):`
    looks for the marker only on Colab), or in the other hosted-only places PTH001-PTH003 skip
    (after `from google.colab import …`, a cell that says it runs only on Colab). A path to the left
    of the check, or under `or`, runs everywhere."""
    return _hosted_place(f.ca, f.line, f.column)


def _hosted_place(ca: CellAnalysis, line: int, column: int) -> bool:
    """`_hosted_setup` for any place of a cell: a download call, or the constant it is given."""
    if _hosted_line(ca, line, import_fallback=False, if_guards=False):
        return True
    tree = cell_python_tree(ca)
    if tree is None:
        return _hosted_line(ca, line, import_fallback=False)
    return any(start <= (line, column) < end for start, end in _hosted_spans(ca.masked.python, tree))


def _hosted_call(ctx: RuleContext, pa: PathArgument) -> bool:
    """Does the call taking a path argument through a name run only on a hosted runtime? `if IN_COLAB:`
    / `url = "https://…/screen.csv"` / `filename = "data/screen.csv"` / `urlretrieve(url, filename)`
    copies the committed files into Colab's /content; run locally, the notebook reads its committed
    copies (fair check 23: the literal findings skipped such a block, those through a name did not)."""
    ca = next((ca for ca in ctx.cells if any(c is pa.call for c in ca.facts.calls)), None)  # (`_cell_of`'s cell)
    return ca is not None and _hosted_place(ca, pa.call.line, pa.call.column)


@lru_cache(maxsize=256)
def _hosted_spans(python: str, tree: ast.Module) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """The (line, column) spans of a cell's source that run only on Colab or Kaggle: the bodies of
    `if`s with a hosted test, the `else:`s of `if`s with a local one (`if not ON_KAGGLE:`), and the
    conjuncts right of a hosted check in an `if`'s `and`."""
    lines = python.split("\n")

    def start(node: ast.AST) -> tuple[int, int]:
        return node.lineno, _char_column(lines, node.lineno, node.col_offset)

    def end(node: ast.AST) -> tuple[int, int]:
        return node.end_lineno, _char_column(lines, node.end_lineno, node.end_col_offset)

    spans = []
    for node in tree_nodes(tree):
        if not isinstance(node, ast.If) or not _mentions_hosted(node.test):
            continue
        if _hosted_test(node.test):
            # To the end of the body's last line: a shell line there (`!cp ~/x .`) is masked to a
            # shorter placeholder, so its statement ends before the literal's column.
            spans.append((start(node.body[0]), (node.body[-1].end_lineno, sys.maxsize)))
        elif node.orelse and local_test(node.test):
            # `if not ON_KAGGLE: …` / `else: <Kaggle's set-up>`: the `else:` runs only there (fair
            # check 37, items 94-100).
            spans.append((start(node.orelse[0]), (node.orelse[-1].end_lineno, sys.maxsize)))
        if isinstance(node.test, ast.BoolOp) and isinstance(node.test.op, ast.And):
            first = next((i for i, v in enumerate(node.test.values) if _hosted_test(v)), None)
            if first is not None:
                spans.extend((start(v), end(v)) for v in node.test.values[first + 1:])
    return tuple(spans)


# ---------------------------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------------------------


class AbsolutePath(Rule):
    code = "PTH001"
    quiet_in_reference_sheets = True
    compile_fix = "config"
    name = "absolute-path"
    family = Family.PATHS
    severity = Severity.WARNING
    summary = "A string literal is an absolute file-system path."
    what_it_does = (
        "Reports each string literal that is an absolute path — `/data/train.csv`, `C:\\\\data` (raw or "
        "escaped), a network share `\\\\\\\\server\\\\share` — and is not tied to one user or machine "
        "(those are PTH002). Literals passed to a path-taking call of `rules/io_calls.toml` always count; "
        "elsewhere a literal must look like a path: `\"/\"` alone, regexes, date formats such as "
        "`\"%Y/%m/%d\"`, `\"a / b\"`, URL routes (`@app.get(\"/items/{id}\")`), device files such as "
        "`/dev/null`, a suffix appended to another string (`BASE + \"/x.csv\"`, or a name bound to a literal and only ever "
        "appended: `post = \"/2021/05/x\"` read as `site + post`, or `ep = \"/artists/{id}\"` as `site + ep.format(id=i)`) and single segments "
        "without an extension (`\"/predict\"`, unless it is a usual top-level folder such as `/data`) "
        "are not reported, nor is a key looked up by subscript (`limits[\"resources\"][\"/followers/ids\"]`, `spec[\"paths\"][\"/pets/{id}\"]`: a mapping's key), "
        "a message given straight to `print(…)` (`print(\"/nReport:/n\", score)`), a single top-level segment sent only as a request body's "
        "field under a key naming no folder (`MODEL = \"/model\"` read only as `{\"model\": MODEL, …}`: a served model's id), "
        "an Azure Resource Manager id (`/subscriptions/<id>/resourceGroups/…`), a path in Azure ML's serving container (`/var/azureml-app/…`, an image's environment `/azureml-envs/…`, "
        "`model_mount_path=\"/models\"`), a place in an Azure ML run's artifacts or a datastore (`run.download_file(name, …)`'s name, "
        "also through a constant: `remote_data_path = \"/outputs/featurization/data/\"`) or any string of an `environment_variables=` argument (read in the container: `container_mappings` of paths.toml). "
        "Adjacent literals are one string, as Python reads them (`(\"https://host/x\" \"/raw/y.csv\")` is a URL). f-string holes count as text (`f\"/data/{name}.csv\"` is absolute; "
        "`f\"{root}/x.csv\"` is not). Paths in `!` shell lines and line magics are checked too, except a display-only listing (`!ls /content/data`, `!head` or `!cat` of a file, piped only into display filters, neither redirected nor bound to a name) and a lone `!cd DIR` (a throw-away shell: nothing uses the folder); "
        "a search-path entry appended with its separator (`os.environ[\"PATH\"] += \";C:\\\\Tools\\\\bin\"`) is a path of its own; "
        "one shell line is one finding (its other paths related), and so are the files of one folder named in one cell (`/srv/creds/user` and `/srv/creds/key` of one mounted secret; sibling settings `val_dir = \"/data/imagenet/val/\"` and `train_dir = \"/data/imagenet/train/\"`, or settings of one cell under one folder two levels deep, `acq = \"/data/mortgage/acquisition\"`, `names = \"/data/mortgage/names.csv\"`: one finding at the first, the others related; the folder at least two levels deep, across cells three or a folder of its own at a Windows drive's root (`C:\\Datasets\\train.json` read in one cell, `C:\\Datasets\\predictions.csv` written in another; not `C:\\Program Files`), or any folder an earlier literal names itself), and none inside an `if` testing for Colab or Kaggle (a hosted-runtime setup). The system's program folders (`/usr/bin`, `/usr/local/bin`), "
        "a standard Python installation's library folders (`/usr/local/lib/python3.10/site-packages`, `/usr/lib/python3/dist-packages`, "
        "`/opt/conda/lib/python3.11`) and its temporary folder are on every machine: a path under `/tmp` is reported only when every place it appears is a catalogued read "
        "(a file put there by hand: the message says so) and not of a folder an earlier extraction unpacks an archive into, or below it "
        "(`ZipFile(z).extractall(\"/tmp/horse-or-human\")`, `tarfile` or `shutil.unpack_archive` likewise: the notebook fills it), nor a pattern "
        "a write of the notebook fills in the same folder (`glob.glob(f\"/tmp/{penalty}-frame-*.png\")` beside `plt.savefig(f\"/tmp/{penalty}-frame-{lmbda:06.3f}.png\")`), so a download cache (`read_data_sets(\"/tmp/data/\")`, its download is PTH007), "
        "a log folder or a checkpoint there is not (`[temporary]` in `rules/paths.toml`). "
        "So is a standard system prefix given to an installer's prefix option (`bash Miniforge3.sh -bfp /usr/local`, "
        "`conda install --prefix /usr/local …`, `--prefix=/usr`: `installer_prefixes` in `rules/paths.toml`), the folder it installs into: not reported, "
        "also when a `%%bash` cell names the script or the prefix by a variable it sets (`PREFIX=/usr/local`, then `./$SCRIPT -b -f -p $PREFIX`); "
        "nor, once the notebook installs into such a prefix, a path in the folders the installer lays out there (`lib`, `bin`, `include`, `share`, `etc`, `pkgs`, `envs`: "
        "`shutil.copy('/usr/local/lib/' + fn, os.getcwd())` after `!bash Miniconda3-….sh -b -f -p /usr/local`). "
        "Nor is a literal given straight to a `sys.path` edit PTH005 reports (`sys.path.append(\"/opt/team/libs\")`): one cause, a folder "
        "of code on the import path, which that finding names. The same for a literal bound above in the cell to a name the edit "
        "gives (`LIB = \"/opt/team/libs\"`, then `sys.path.append(LIB)`; PTH005 names the binding as related) when nothing else "
        "reads that name (a read as data, `os.listdir(LIB)` or `!ls $LIB`, keeps this finding). "
        "Nor are paths inside a container the notebook's own pipeline defines (`audit/container_code.py`): "
        "the body of a function given to Kubeflow's `func_to_container_op`/`create_component_from_func` or "
        "decorated `@dsl.component`, the `file_outputs=`/`command=`/`arguments=` of a `dsl.ContainerOp`, and "
        "a kubeflow-fairing `path_prefix=` (PTH002 and PTH005 skip that code too), and a string constant used only as a hole of "
        "a Kubernetes manifest (an f-string holding `apiVersion:` and `kind:`) under a `mountPath:` that manifest declares (so for PTH002). Nor are strings inside a "
        "list, tuple, set or dict display that an assertion compares (`assertEqual(top, [(\"/images/logo.gif\", 633)])`, "
        "`assert got == [\"/a\"]`): expected data, such as a web log's endpoints, unless the display is handed to a call there. A Windows program folder (`C:\\Program Files\\…`, `C:\\Program Files (x86)\\…`, an installer's default location) set in the body of an `if` that runs only on Windows (`if os.name == \"nt\":`) is, like `/usr/bin`, the same place on every such machine: not reported (unguarded, it is). "
        "Nor is a literal of a list of candidate locations the notebook probes in turn (`LOCATIONS = [Path.home() / \".kx/bin/q\", "
        "Path(\"/opt/kx/bin/q\")]`, then `for p in LOCATIONS: if p.exists(): …`, or `next((p for p in LOCATIONS if p.exists()), None)`) "
        "when the list also holds a place built from a configured root or the home folder: a machine without the literal's folder "
        "takes the other place (a list of literals only stays reported: elsewhere none of them is there). "
        "Nor is a parameter default of the notebook's own function that every call of it overrides (`def read_imdb(folder, "
        "data_root=\"/srv/me/aclImdb\")`, only ever called as `read_imdb(\"train\", data_root)`): never used; the path the calls "
        "pass is what counts (a function never called, or passed on by name, keeps its finding); so is a fallback the body gives "
        "such a parameter when none was given (`if not directory: directory = Path(\"data\")`, `folder = folder or \"out\"`) "
        "when every call gives one (not `None`). In a shell line, not a "
        "certificate subject in OpenSSL's slash syntax (`-subj \"/CN=db.svc.cluster.local\"`), nor a text program's pattern "
        "(`awk '/^processor/{print $3}'`, `sed -n '/start/,/end/p'`: a `/regex/`, or a single-quoted awk, sed, perl or grep script), nor what a container's "
        "command names (after `kubectl exec POD --`, `oc exec … --`, or `docker exec`/`podman exec`'s container): the "
        "container's files; what `kubectl cp` copies from this machine stays reported. Nor is a path in a branch that no run "
        "of the notebook as saved takes: `if False:`, a function nothing calls, and the branch a setting bound once turns off "
        "(`use_gdrive = 'no'  #@param [\"yes\", \"no\"]`, then `if use_gdrive == 'yes': root = '/gdrive/My Drive/x'`); "
        "switched on, it is reported."
        " A path an environment variable is set to (`os.environ[\"JAVA_HOME\"] = \"/Library/Java/…\"`, `%env`) is told to be left to the machine's own environment. Also reported, at the notebook's call: the absolute folder the project's own helper joins the name it is given under (`loader.load_table(\"sales.csv\")` with `os.path.join(BASE, name)` and `BASE = \"/srv/warehouse/tables\"` in the module; the module's line related), found in a module beside the notebook, in a package above it, or in the repository's folder an absolute `sys.path` entry names by its last parts; one finding per folder. Not a constant read only by joins bound to names nothing reads (as for PTH002)."
    )
    why_bad = (
        "An absolute path only exists on machines laid out exactly like the author's. The notebook "
        "breaks in CI, in a container, in a pipeline step or on a colleague's laptop, and the path is "
        "usually repeated in several cells so that moving the data means editing code."
    )
    example = 'df = pd.read_csv("/data/raw/train.csv")'
    use_instead = (
        "import os\nfrom pathlib import Path\n\n"
        'DATA_DIR = Path(os.environ.get("DATA_DIR", "data"))\n'
        'df = pd.read_csv(DATA_DIR / "raw" / "train.csv")'
    )
    passing = (
        # The Python of an Azure ML image's environment (fair check 26): in the container.
        Example(cells=("from azureml.core.environment import Environment\nenv = Environment('feast')\n"
                       "env.python.user_managed_dependencies = True\nenv.python.interpreter_path = '/azureml-envs/feast/bin/python'",)),
        # A default every call of the function overrides is never used (fair check 19).
        Example(cells=(
            "import os\ndef read_reviews(split, root='/srv/alice/imdb'):\n    return os.listdir(os.path.join(root, split))",
            "DATA_ROOT = os.environ['DATA_ROOT']\ntrain = read_reviews('train', DATA_ROOT)\ntest = read_reviews('test', root=DATA_ROOT)",
        )),
        Example(cells=(
            "import os\nfrom pathlib import Path\nDATA_DIR = Path(os.environ['DATA_DIR'])",
            "df = pd.read_csv(DATA_DIR / 'train.csv')\nparts = 'a/b/c'.split('/')",
        )),
        # The package folder of the machine's own Python, where a run-time install put a package.
        Example(cells=("import os\nprint(len(os.listdir('/usr/local/lib/python3.10/site-packages')))",)),
        Example(cells=(
            "import re\npattern = re.compile(r'/(\\d+)/items$')\nstamp = now.strftime('%Y/%m/%d')",
            "mime = 'text/plain'\nratio = '3 / 4'\nurl = 'https://example.com/data/x.csv'",
            "print(f'{root}/train.csv')\nfull = BASE + '/train.csv'\nopen('/dev/null', 'w')",
        )),
        Example(cells=(
            "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/items/{item_id}')\ndef read(item_id: int):\n    return item_id",
            "endpoint = '/predict'\nsep = '/'\ncomment = '//div[@class=\"x\"]'",
        )),
        # A URL split over adjacent literals; a suffix bound to a name only ever appended.
        Example(cells=(
            "import requests\ncsv_url = (\n    'https://gist.example.com/user/abc'\n    '/raw/def/sales.csv'\n)",
            "site = 'https://blog.example.org'\npost = '/2021/05/feature-stores'\npage = requests.get(site + post)",
        )),
        # ... also when the suffix is a route template filled in before it is appended (fair check 42, items 62-65).
        Example(cells=(
            "import requests\nurl_base = 'https://api.example.com/v1'\nep_artist = '/artists/{artist_id}'",
            "url_base + ep_artist.format(artist_id=7)",
            "r = requests.get(url_base + ep_artist.format(artist_id=7) + '/albums')",
        )),
        # The system's temporary and program folders are on every machine; a Colab-only setup line.
        Example(cells=(
            "import tensorflow as tf\nlogs_path = '/tmp/tensorflow_logs/run1/'\nwriter = tf.summary.FileWriter(logs_path)",
            "!ln -sf /usr/bin/python3 /usr/local/bin/python\nckpt = '/tmp/model.ckpt'",
            "import sys\nIN_COLAB = 'google.colab' in sys.modules\nif IN_COLAB:\n    !ln -sf /opt/bin/nvidia-smi /usr/bin/nvidia-smi",
        )),
        # A /tmp folder the notebook unpacks a downloaded archive into, read later, or a folder below
        # one (fair check 30, items 66-68): the notebook fills it; PTH003 reports the download.
        Example(cells=(
            "!wget https://example.org/horse-or-human.zip -O /tmp/horse-or-human.zip\n!wget https://example.org/pets.tar -O /tmp/pets.tar\n"
            "!wget https://example.org/birds.zip -O /tmp/birds.zip",
            "import zipfile\nzip_ref = zipfile.ZipFile('/tmp/horse-or-human.zip', 'r')\nzip_ref.extractall('/tmp/horse-or-human')\nzip_ref.close()",
            "import os, tarfile, shutil\nprint(len(os.listdir('/tmp/horse-or-human/horses/')))\nbase = '/tmp'\n"
            "tarfile.open('/tmp/pets.tar').extractall(path=base)\nprint(os.listdir('/tmp/PetImages/Cat/'))\n"
            "shutil.unpack_archive('/tmp/birds.zip', '/tmp/birds')\nprint(os.listdir('/tmp/birds/train'))",
        )),
        # A folder of code put on the import path (PTH005's finding); an installer's prefix.
        Example(cells=(
            "import sys\nsys.path.append('/opt/team/libs')",
            "!bash Miniforge3-Linux-x86_64.sh -bfp /usr/local\n!conda install -y --prefix /usr/local -c conda-forge openmm",
        )),
        # Frames a function writes to /tmp and globs back by pattern (fair check 33, item 67).
        Example(cells=(
            "import glob, os\nimport matplotlib.pyplot as plt\ndef animate(penalty):\n"
            "    for f in glob.glob(f'/tmp/{penalty}-frame-*.png'):\n        os.remove(f)\n"
            "    for lmbda in [0.1, 0.2]:\n        plt.savefig(f'/tmp/{penalty}-frame-{lmbda:06.3f}.png')\n"
            "    frames = sorted(glob.glob(f'/tmp/{penalty}-frame-*.png'))",
            "animate('L1')",
        )),
        # ... and a library the notebook copies out of the prefix it installed into (fair check 33, item 66).
        Example(cells=(
            "!wget -c https://repo.continuum.io/miniconda/Miniconda3-4.5.4-Linux-x86_64.sh\n"
            "!bash ./Miniconda3-4.5.4-Linux-x86_64.sh -b -f -p /usr/local\n"
            "!conda install -q -y --prefix /usr/local -c rapidsai cudf\n"
            "import os, shutil\nfor fn in ['libcudf.so', 'librmm.so']:\n    shutil.copy('/usr/local/lib/' + fn, os.getcwd())",
        )),
        # ... also when a `%%bash` cell names the installer script or the prefix by a variable
        # (fair check 31, items 104-106).
        Example(cells=(
            "%%bash\nSCRIPT=Miniconda3-py37_4.12.0-Linux-x86_64.sh\nPREFIX=/usr/local\nchmod +x $SCRIPT\n"
            "./$SCRIPT -b -f -p $PREFIX\n./${SCRIPT} -b -u -p /usr/local",
        )),
        # A system location probed after one under the home folder: the list is the fallback.
        Example(cells=(
            "from pathlib import Path\nQ_LOCATIONS = [\n    Path.home() / '.kx' / 'bin' / 'q',\n    Path('/opt/kx/bin/q'),\n]",
            "q_binary = None\nfor q_path in Q_LOCATIONS:\n    if q_path.exists():\n        q_binary = q_path\n        break",
        )),
        # A text program's pattern is not a file; /proc is the kernel's, on every Linux machine
        # (fair check 35, item 73).
        Example(cells=(
            "!cat /proc/cpuinfo | awk '/^processor/{print $3}' | tail -1\n"
            "!sed -n '/start/,/end/p' notes.txt > part.txt\n!awk -F, '/^id/ {next} {print $2}' data.csv > ids.txt",
        )),
        # Paths inside a container or pod, not on this machine.
        Example(cells=(
            "from kubernetes import client as k8s\nmount = k8s.V1VolumeMount(name='data', mount_path='/data')",
            "container = {'name': 'train', 'volumeMounts': [{'mountPath': '/mnt/data', 'name': 'data'}]}",
            "op.add_pvolumes({'/data': vol})",
        )),
        # The name of an artifact in an Azure ML run's store, through a constant (fair check 27, item 81).
        Example(cells=(
            "from azureml.core import Run\nremote_data_path = '/outputs/featurization/data/'",
            "remote_run.download_file(remote_data_path + 'train.parquet', output_file_path=local_path)",
        )),
        # A message printed with `/n` typed for `\\n` (fair check 44, item 93); a served model's id sent
        # as a chat request's field, through a constant or directly (items 94, 95).
        Example(cells=(
            "MODEL = '/model'\nURL = 'https://llm.example.org/v1/chat/completions'",
            "import json, requests\ndef ask(q):\n    payload = {'model': MODEL, 'messages': [{'role': 'user', 'content': q}]}\n"
            "    return requests.post(URL, data=json.dumps(payload))",
            "body = {'messages': []}\nbody['model'] = '/model'\nprint('/nClassification Report:/n', ask('hi'))",
        )),
        # The opt-in branch of a Colab form field left off: as saved it never runs (fair check 28, item 71).
        Example(cells=(
            "use_gdrive = 'no'  #@param [\"yes\", \"no\"]\nif use_gdrive == 'yes':\n    root = '/gdrive/My Drive/vit_colab'\n"
            "    import os\n    os.makedirs(root, exist_ok=True)",
        )),
    )
    failing = (
        Example(
            cells=(md("# Load"), "import pandas as pd\ndf = pd.read_csv('/data/raw/train.csv')"),
            expect=((2, 2),),
        ),
        Example(
            cells=(
                "from pathlib import Path\nroot = Path('/data') / 'x.csv'",  # single segment, but a Path argument
                "from pandas import read_csv\nraw = read_csv(r'D:\\datasets\\train.csv')\nalso = 'E:\\\\exports\\\\out.csv'",
            ),
            expect=((1, 2), (2, 2), (2, 3)),
        ),
        Example(
            cells=(
                "name = 'train'\nout = f'/srv/shared/{name}.parquet'",
                "share = r'\\\\fileserver\\team\\data.csv'\n!cp -r /opt/datasets/images data/",
            ),
            expect=((1, 2), (2, 1), (2, 2)),
        ),
        # Sibling settings of one dataset root are one finding; a folder elsewhere is another.
        Example(
            cells=("val_dir = '/srv/datasets/birds/val/'\ntrain_dir = '/srv/datasets/birds/train/'\nscores = '/srv/results/birds/'",),
            expect=((1, 1), (1, 3)),
        ),
        # A file only read from /tmp was put there by hand; two paths of one shell line are one finding.
        Example(
            cells=(
                "import pandas as pd\nscores = pd.read_csv('/tmp/scores.csv')",
                "!cp /opt/shared/vocab.txt /srv/models/vocab.txt",
                "import os\nos.environ['PATH'] += ';D:\\\\tools\\\\graphviz\\\\bin'",
            ),
            expect=((1, 2), (2, 1), (3, 2)),
        ),
        # An archive unpacked into another /tmp folder, or only after the read, does not put it there.
        Example(
            cells=(
                "import os, zipfile\nprint(os.listdir('/tmp/cats-v-dogs/training/'))\nzipfile.ZipFile('c.zip').extractall('/tmp/cats-v-dogs')",
                "zipfile.ZipFile('h.zip').extractall('/tmp/horses')\nprint(os.listdir('/tmp/humans/'))",
            ),
            expect=((1, 2), (2, 2)),
        ),
        # A certificate's subject and the files a container's command reads are not this machine's
        # (fair check 26); what `kubectl cp` copies from here is.
        Example(
            cells=(
                '!openssl req -new -nodes -out certs/server.csr -keyout certs/server.key -subj "/CN=db.feast.svc.cluster.local"\n'
                "!kubectl exec postgresql-0 -- cat /opt/bitnami/postgresql/conf/postgresql.conf | grep ssl\n"
                "!docker exec -e PGUSER=admin db psql -f /docker-entrypoint-initdb.d/init.sql",
                "!kubectl cp /srv/feast/init.sql postgresql-0:/tmp/init.sql",
            ),
            expect=((2, 1),),
        ),
        # The same form field switched on: the branch runs, its path is reported.
        Example(
            cells=(
                "use_share = 'yes'  #@param [\"yes\", \"no\"]",
                "if use_share == 'yes':\n    root = '/srv/share/vit_colab'\n    import os\n    os.makedirs(root, exist_ok=True)",
            ),
            expect=((2, 2),),
        ),
        # A folder at a Windows drive's root is one data folder of the author's machine: its files
        # read and written across cells are one finding (fair check 38, items 81-82); each program
        # of `C:\Program Files` is a place of its own.
        Example(
            cells=(
                "import pandas as pd\ntrain = pd.read_json(r'C:\\Datasets\\train.json')",
                "train.to_csv(r'C:\\Datasets\\predictions.csv')",
                "import os\nos.environ['PATH'] += r';C:\\Program Files\\Graphviz\\bin'",
                "os.environ['PATH'] += r';C:\\Program Files\\Tesseract-OCR'",
            ),
            expect=((1, 2), (3, 2), (4, 1)),
        ),
        # A template filled in and appended once, but also opened on its own: a path (beside fair check 42, item 62).
        Example(
            cells=(
                "import pandas as pd\nbase = 'https://mirror.example.org'\ntmpl = '/srv/data/{year}.csv'",
                "url = base + tmpl.format(year=2020)\ndf = pd.read_csv(tmpl.format(year=2020))",
            ),
            expect=((1, 3),),
        ),
        # The folder the project's own helper joins the notebook's name under, at the call (fair check
        # 41, items 98, 118).
        Example(
            cells=("from loaders import load_table\nsales = load_table('sales.csv')",),
            files={"loaders.py": "import pandas as pd\nfrom pathlib import Path\nBASE = '/srv/warehouse/tables'\n\n"
                                 "def load_table(name):\n    return pd.read_csv(Path(BASE) / name)\n"},
            expect=((1, 2),),
        ),
        # A top-level folder under a key naming a folder, or a request field's constant also listed,
        # is a path (beside fair check 44, items 94, 95).
        Example(
            cells=(
                "import os\nMODEL = '/models'\nsettings = {'data_dir': '/data'}",
                "payload = {'model': MODEL}\nprint(os.listdir(MODEL))",
            ),
            expect=((1, 2), (1, 3)),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        settings = path_settings(ctx.catalog)
        groups = [
            group for group in _by_value(
                f for f in literal_findings(ctx) if f.path_class.kind == "absolute" and not _in_container(ctx, f)
                # `remote_data_path = "/outputs/…"` read only as an Azure ML run's artifact name.
                and (f.ca.cell.index, f.line, f.column) not in _job_side_constants(ctx)
                and not _rooted_at_hole(f)
                and (f.ca.cell.index, f.line, f.column) not in _manifest_mounted(ctx)
                and not _windows_program_under_guard(f)
                # `sys.path.append("/opt/team/libs")`: PTH005 reports the edit, worded for an absolute
                # folder; the literal is its entry, not a second cause (left17).
                and (f.ca.cell.index, f.line, f.column) not in _reported_path_entries(ctx)
                # A candidate location the notebook probes (`.exists()`) after a configured one.
                and (f.ca.cell.index, f.line, f.column) not in _probed_candidates(ctx)
                # A parameter default every call of the function overrides: never used.
                and not _overridden_default(ctx, f)
                # `/usr/local/lib/…` after the notebook installs Miniconda with `-p /usr/local`.
                and not _under_own_install_prefix(ctx, f, settings)
                # A constant joined only into names nothing reads (as for PTH002; fair check 41, item 81).
                and not (f.argument is None and _unused_path_constant(ctx, f))
                # A message `print("/nReport:/n", …)` shows (fair check 44, item 93: print-text-not-path;
                # as PTH003 skips a printed URI), and a `"/model"` id sent as a request's field (items 94, 95).
                and not (f.argument is None and f.source == "python" and _printed(f))
                and not _request_field_only(ctx, f, settings)
            )
            if not _temporary(ctx, group, settings)
        ]
        # One shell line is one command to fix (`!ln -sf /opt/bin/x /usr/local/x`): its second and
        # later paths are related locations of the first one's finding.
        by_line: dict[tuple[int, int], list[LiteralFinding]] = {}
        for group in groups:
            # A shell line inside `if IN_COLAB:` sets up the hosted runtime only (as for PTH003).
            group = [f for f in group if f.source != "shell" or not _hosted_line(f.ca, f.line)]
            if not group:
                continue
            first = group[0]
            if first.source == "shell" and (first.ca.cell.index, first.line) in by_line:
                by_line[(first.ca.cell.index, first.line)].extend(group)
                continue
            by_line[(first.ca.cell.index, first.line) if first.source == "shell" else (-1, id(group))] = group
        for f, *others in _fold_one_folder(by_line.values(), settings_share_root=True):
            # A path under `/tmp` is left only when the notebook never writes it (`_temporary`): the
            # input someone puts there by hand (fair check 17, item 86: "/tmp/zinc/screen", where the
            # markdown tells the reader to download the tranches), not a machine's layout.
            placed = any(p.search(f.value.replace("\\", "/")) for p in settings.temporary)
            what = (
                "lies in the temporary folder and is only read: nothing in the notebook puts that input there, so "
                "whoever runs it must place it there by hand on each machine"
                if placed else "only exists on machines laid out like this one"
            )
            yield _hit(
                f,
                f"Absolute path {_shown_literal(ctx, f)}{_where(f)} {what}{_escape_note(f)}",
                _environment_fix(f) or _CONFIG_FIX,
                others,
            )
        yield from _helper_base_hits(ctx, "absolute")


def _under_own_install_prefix(ctx: RuleContext, f: LiteralFinding, settings: PathSettings) -> bool:
    """Is the literal in a standard folder (`lib`, `bin`, `include`, `share`, …) of a system prefix
    the notebook's own shell lines install into (`!bash Miniconda3-….sh -b -f -p /usr/local`,
    `!conda install --prefix /usr/local …`, a `%%bash` cell's `-p $PREFIX`)? The installer made that
    folder: `shutil.copy('/usr/local/lib/' + fn, os.getcwd())` copies a library it installed, not a
    file of the author's machine (fair check 33, item 66, own-install-prefix-site-packages; the
    installer line itself is exempt already, `_installer_prefix`)."""
    prefixes = ctx.shared("paths.own_install_prefixes", lambda: _own_install_prefixes(ctx, settings))
    if not prefixes:
        return False
    path = _normal_path(f.value.replace("\\", "/"))
    return any(path.startswith(prefix + "/") and path[len(prefix) + 1:].split("/")[0] in _PREFIX_FOLDERS for prefix in prefixes)


# The folders an installer lays out under its prefix.
_PREFIX_FOLDERS = frozenset({"lib", "lib64", "bin", "include", "share", "etc", "pkgs", "envs", "conda-meta"})


def _own_install_prefixes(ctx: RuleContext, settings: PathSettings) -> frozenset[str]:
    """The system prefixes (`installer_prefixes`) the notebook's `!` lines and `%%bash` cells give an
    installer's prefix option (`_installer_prefix`), a `%%bash` cell's variables expanded."""
    found: set[str] = set()
    for ca in ctx.cells:
        lines = [f"{m.name} {m.args}" for m in ca.magics if m.kind == "shell"]
        if ca.masked.cell_magic in _SHELL_CELL_MAGICS:
            variables = _shell_cell_variables(ca)
            header = next((m.line for m in ca.magics if m.kind == "cell_magic"), 0)
            lines.extend(_shell_expanded(line, variables) for line in ca.lines[header:])
        for line in lines:
            for command in _CHAIN_SEPARATOR.split(line):
                tokens = [t.strip("\"'") for t in command.split()]
                if not tokens:
                    continue
                program = tokens[0].rsplit("/", 1)[-1].lower()
                for option, token in zip(["", *tokens[1:]], tokens[1:]):
                    if _installer_prefix(option, token, program, settings):
                        found.add(_normal_path(token.split("=", 1)[1] if token.startswith("--prefix=") else token).rstrip("/"))
    return frozenset(found)


# Windows' program folders: an installer's default location, the same on every default install.
_PROGRAM_FILES = re.compile(r"(?i)^[a-z]:[\\/]+program files( \(x86\))?([\\/]|$)")


# Tests that a path is there: `p.exists()`, `p.is_file()`, `os.path.isfile(p)`.
_PROBE_METHODS = frozenset({"exists", "is_file", "is_dir"})
_PROBE_CALLS = frozenset({"os.path.exists", "os.path.isfile", "os.path.isdir", "exists", "isfile", "isdir"})


def _probes(test: ast.expr, name: str) -> bool:
    """Does the test look for the path `name` holds, or a path below it (`q_path.exists()`,
    `os.path.isfile(q_path)`, `(candidate / "data" / "train.csv").exists()`,
    `os.path.exists(os.path.join(d, "train.csv"))`: fair check 44, item 104)?"""
    for node in ast.walk(test):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _PROBE_METHODS and _joined_onto(func.value, name):
            return True
        if dotted_name(func) in _PROBE_CALLS and node.args and _joined_onto(node.args[0], name):
            return True
    return False


def _joined_onto(node: ast.expr, name: str) -> bool:
    """Is `node` the name itself, or a join whose leftmost piece it is (`name / "data" / "x.csv"`,
    `os.path.join(name, "x.csv")`)?"""
    while True:
        if isinstance(node, ast.Name):
            return node.id == name
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            node = node.left
        elif isinstance(node, ast.Call) and _join_call(node) and node.args:
            node = node.args[0]
        else:
            return False


def _positive_probes(test: ast.expr) -> Iterator[ast.expr]:
    """The paths a test holds only where they exist: each `p.exists()`/`os.path.isdir(p)` that is the
    test or a conjunct of an `and` of it (not under `not`, `or`), as the expression `p` probed."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        for value in test.values:
            yield from _positive_probes(value)
        return
    if not isinstance(test, ast.Call):
        return
    func = test.func
    if isinstance(func, ast.Attribute) and func.attr in _PROBE_METHODS:
        yield func.value
    elif dotted_name(func) in _PROBE_CALLS and test.args:
        yield test.args[0]


def _path_root_literal(node: ast.expr) -> Optional[ast.Constant]:
    """The string literal a path expression starts from: `"x"`, `Path("x")`, `Path("x") / a`,
    `os.path.join("x", a)`; None for anything else."""
    while True:
        if isinstance(node, ast.Constant):
            return node if isinstance(node.value, str) else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            node = node.left
        elif isinstance(node, ast.Call) and node.args and not node.keywords and (
                _join_call(node) or (dotted_name(node.func) or "").rpartition(".")[2] in ("Path", "PurePath", "PosixPath")):
            node = node.args[0]
        else:
            return None


def _existence_guarded_hosted(ctx: RuleContext) -> set[tuple[int, int, int]]:
    """(cell, line, column) of the hosted-runtime literals (`[hosted_root]`: `/kaggle/input`,
    `/kaggle/working`, `/content`) the notebook uses only where an existence test of that folder
    holds: the probe itself (`Path("/kaggle/working").exists()`), the true arm of a conditional
    testing it (`Path("/kaggle/working") if Path("/kaggle/working").exists() else BASE_DIR`, the
    body of `if Path("/kaggle/input").exists():`, also for a path below the tested one), and a
    name bound in one scope to a path built on it (`direct = Path("/kaggle/input") / competition`)
    every read of which is a probe of it or lies in the body of an `if` probing it (`if
    direct.exists(): return direct`). The folder exists only on that platform: the test is a check
    for it, as `if IN_KAGGLE:` is, and elsewhere the other arm (or the caller's fallback) runs (fair
    check 44, items 97, 103, 106: exists-guarded-kaggle-output-dir, exists-probed-kaggle-input-with-fallback)."""
    roots = path_settings(ctx.catalog).hosted_roots
    found: set[tuple[int, int, int]] = set()

    def hosted(value: str) -> bool:
        return any(p.match(_normal_path(value)) for p in roots)

    for ca in ctx.cells:
        if "exist" not in ca.masked.python and "is_dir" not in ca.masked.python and "isdir" not in ca.masked.python:
            continue
        tree = cell_python_tree(ca)
        if tree is None:
            continue

        def at(node: ast.Constant) -> tuple[int, int, int]:
            return (ca.cell.index, node.lineno, node.col_offset + 1 + ca.masked.dedent)

        for node in nodes_of(tree, ast.If, ast.IfExp):
            tested = [_normal_path(c.value) for c in map(_path_root_literal, _positive_probes(node.test))
                      if c is not None and hosted(c.value)]
            if not tested:
                continue
            for probe in _positive_probes(node.test):
                literal = _path_root_literal(probe)
                if literal is not None and hosted(literal.value):
                    found.add(at(literal))
            body = [node.body] if isinstance(node, ast.IfExp) else node.body
            for part in body:
                for n in ast.walk(part):
                    if isinstance(n, ast.Constant) and isinstance(n.value, str) and hosted(n.value) \
                            and any(_under(_normal_path(n.value), t) for t in tested):
                        found.add(at(n))
        # (a function's own locals only: a module-level name may be read in any cell)
        for scope in nodes_of(tree, ast.FunctionDef, ast.AsyncFunctionDef):
            body_nodes = [n for st in scope.body for n in _outside_defs(st)]
            bound: dict[str, list[ast.expr]] = {}
            for n in body_nodes:
                if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
                    bound.setdefault(n.id, [])
                if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
                    bound.setdefault(n.targets[0].id, []).append(n.value)
            for name, values in bound.items():
                literal = _path_root_literal(values[0]) if len(values) == 1 else None
                if literal is None or not hosted(literal.value) or sum(
                        isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load) for n in body_nodes) != 1:
                    continue
                # (ids of the reads inside a probe of the name, or in the body of an `if` probing it: not
                # under `not`/`or`, where the body runs without the folder)
                guarded: set[int] = set()
                for n in body_nodes:
                    if isinstance(n, (ast.If, ast.IfExp)):
                        probes = [p for p in _positive_probes(n.test) if _joined_onto(p, name)]
                        if probes:
                            guarded.update(id(m) for part in (*probes, *(n.body if isinstance(n, ast.If) else [n.body]))
                                           for m in ast.walk(part))
                reads = [n for n in body_nodes if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
                if reads and all(id(r) in guarded for r in reads):
                    found.add(at(literal))
    return found


def _outside_defs(node: ast.AST) -> Iterator[ast.AST]:
    """`node` and the nodes below it, not entering nested function or class bodies."""
    yield node
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            yield from _outside_defs(child)


def _probed_candidates(ctx: RuleContext) -> frozenset[tuple[int, int, int]]:
    return ctx.shared("paths.probed_candidates", lambda: _find_probed_candidates(ctx))


def _find_probed_candidates(ctx: RuleContext) -> frozenset[tuple[int, int, int]]:
    """(cell, line, column) of the string literals of a list of candidate locations the notebook
    probes in turn (`LOCATIONS = [Path.home() / ".kx/bin/q", Path("/opt/kx/bin/q")]`, then `for p in
    LOCATIONS: if p.exists(): …`, or `next((p for p in LOCATIONS if p.exists()), None)`), when the
    list also holds a place built from a configured root or the home folder (an element that is not a
    literal, nor `Path(literal)`). A machine without the literal's folder skips it and uses that
    other place: the list is the fallback already (fair check 18: exists-probed-fallback-location).
    A list of literals only stays reported: on another machine none of them is there."""
    # A name is the module's, or a function's local (`candidates` of two functions are two lists,
    # fair check 44: each is probed in its own function).
    lists: dict[tuple[object, str], list[tuple[CellAnalysis, ast.expr]]] = {}
    probed: set[tuple[object, str]] = set()
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        owner: dict[int, tuple[tuple[int, int], frozenset[str]]] = {}  # id(node) → (its function, the function's locals)
        if "def " in ca.masked.python:
            for fn in nodes_of(tree, ast.FunctionDef, ast.AsyncFunctionDef):
                inside = [n for st in fn.body for n in _outside_defs(st)]
                if any(isinstance(n, (ast.Global, ast.Nonlocal)) for n in inside):
                    continue  # (`global x`: left to the module's names)
                local = frozenset(n.id for n in inside if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load))
                for n in inside:
                    owner[id(n)] = ((ca.cell.index, fn.lineno), local)

        def scope(node: ast.AST, name: str) -> object:
            function, local = owner.get(id(node), ("module", frozenset()))
            return function if name in local else "module"

        for node in nodes_of(tree, ast.Assign, ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name) and isinstance(node.value, (ast.List, ast.Tuple)):
                lists.setdefault((scope(node, targets[0].id), targets[0].id), []).append((ca, node.value))
        # The first candidate that is there is taken: `next((p for p in L if p.exists()), None)`,
        # or a loop whose probing `if` breaks out (or returns). A loop that fetches each missing
        # file (`if not f.exists(): download(f)`) takes every element: not a fallback list.
        first_taken = {
            id(g) for call in nodes_of(tree, ast.Call)
            if isinstance(call.func, ast.Name) and call.func.id == "next" and call.args and isinstance(call.args[0], ast.GeneratorExp)
            for g in call.args[0].generators
        }
        for node in nodes_of(tree, ast.For, ast.comprehension):
            if not (isinstance(node.iter, ast.Name) and isinstance(node.target, ast.Name)):
                continue
            if isinstance(node, ast.comprehension):
                tests: list[ast.expr] = list(node.ifs) if id(node) in first_taken else []
            else:
                tests = [
                    n.test for st in node.body for n in ast.walk(st)
                    if isinstance(n, ast.If) and any(isinstance(b, (ast.Break, ast.Return)) for inner in n.body for b in ast.walk(inner))
                ]
            if any(_probes(t, node.target.id) for t in tests):
                probed.add((scope(node, node.iter.id), node.iter.id))
    found: set[tuple[int, int, int]] = set()
    for key in probed:
        bindings = lists.get(key, [])
        if len(bindings) != 1:
            continue  # bound several times (or not to a list): which list is probed is unknown
        ca, value = bindings[0]

        def literal_only(element: ast.expr) -> bool:
            if isinstance(element, ast.Call):
                return bool(element.args) and all(isinstance(a, ast.Constant) for a in element.args) and not element.keywords
            return isinstance(element, ast.Constant)

        if all(literal_only(e) for e in value.elts):
            continue
        found |= {
            (ca.cell.index, n.lineno, n.col_offset + 1 + ca.masked.dedent)
            for e in value.elts if literal_only(e) for n in ast.walk(e) if isinstance(n, ast.Constant) and isinstance(n.value, str)
        }
    found |= _existence_guarded_hosted(ctx)
    return frozenset(found)


# Keywords through which a download call checks what it fetched against a fixed hash: pooch's
# `retrieve(url, known_hash=…)`, Keras' `get_file(…, file_hash=…)` (`md5_hash=` before),
# `torch.hub.download_url_to_file(…, hash_prefix=…)`, torchvision's `download_url(…, md5=…)`.
_HASH_KEYWORDS = ("known_hash", "file_hash", "md5_hash", "hash_prefix", "md5")


def _hash_pinned(f: LiteralFinding) -> str:
    """The keyword through which the call fetching the URL checks it against a content hash (a
    non-empty string), or "". The content is then pinned: a changed remote file stops the run with
    a hash mismatch instead of changing the results; the network is still needed and the file can
    still disappear, so PTH003 stays, saying so (fair check 18: hash-pinned-download; as for a URL
    pinned to a commit). `known_hash=None` checks nothing."""
    if f.source != "python" or f.argument is None:
        return ""
    call = f.argument.call
    pinned = call.arg(1 if call.method == "retrieve" else None, _HASH_KEYWORDS)
    if pinned is None or not (pinned.string and pinned.string.strip()):
        return ""
    return pinned.keyword or "known_hash"


def _windows_test(node: ast.expr) -> bool:
    """`os.name == "nt"`, `sys.platform == "win32"`, `sys.platform.startswith("win")`,
    `platform.system() == "Windows"`: true only on Windows."""
    text = ast.unparse(node)
    return bool(re.search(r"""os\.name\s*==\s*['"]nt['"]|sys\.platform\s*==\s*['"]win32['"]|"""
                          r"""sys\.platform\.startswith\(\s*['"]win['"]|platform\.system\(\)\s*==\s*['"]Windows['"]""", text))


def _windows_program_under_guard(f: LiteralFinding) -> bool:
    r"""Is the literal a Windows program folder (`r"C:\Program Files\Tesseract-OCR\tesseract.exe"`) set
    in the body of an `if` that runs only on Windows? Elsewhere the line never runs, and on Windows
    it names the installer's default place, as `/usr/bin` does on Linux (fair check 16, item 82).
    Unguarded, it stays a finding (fair check 5: a Graphviz folder appended to `PATH`)."""
    if f.source != "python" or not _PROGRAM_FILES.match(f.value):
        return False
    tree = cell_python_tree(f.ca)
    return tree is not None and any(
        isinstance(node, ast.If) and _windows_test(node.test)
        and node.body[0].lineno <= f.line <= (node.body[-1].end_lineno or node.body[-1].lineno)
        for node in nodes_of(tree, ast.If)
    )


# A home folder whose user segment is an f-string hole reading the running user's name
# (`{os.environ['USER']}`, `{getpass.getuser()}`); not a name the notebook binds (`user = 'bob'`).
# (read on the literal as shown: the fact's value shows holes as "{}")
_USER_HOLE = re.compile(r"""^`?[rRbB]?[fF][rRbB]?['"]+/(?:Users|home)/\{[^}]*\b(?:environ|getenv|getuser|getlogin)\b""")


def _home_joined(f: LiteralFinding) -> str:
    """For a bare home folder (`home = os.path.expanduser("~/")`), the path the notebook joins onto
    it in that cell (`os.path.join(home, "workshop", "nlp", "models")`, or the join holding the
    expanduser call itself), as message text: `~/` exists for everyone, the joined folder is the
    author's layout (fair check 14, item 105). "" when there is no such join."""
    if f.source != "python" or _normal_path(f.value) != "~":
        return ""
    tree = cell_python_tree(f.ca)
    if tree is None:
        return ""
    nodes = list(tree_nodes(tree))
    home = next((
        n for n in nodes if isinstance(n, ast.Call) and n.args and isinstance(n.args[0], ast.Constant)
        and n.args[0].lineno == f.line and n.args[0].col_offset + 1 == f.column
    ), None)
    if home is None:
        return ""
    # Followed through names bound to the joins (`out_dir = os.path.join(os.path.expanduser("~"),
    # "Downloads")`, then `checkpoint = os.path.join(out_dir, "sam_vit_h_4b8939.pth")`: the file is
    # what is one user's, fair check 20, item 79), a few joins deep.
    pieces: list[str] = []
    at = f.line
    for _ in range(4):
        names = {
            t.id for n in nodes if isinstance(n, ast.Assign) and n.value is home for t in n.targets if isinstance(t, ast.Name)
        }
        join = next((
            n for n in nodes
            if isinstance(n, ast.Call) and len(n.args) > 1 and isinstance(n.func, ast.Attribute) and n.func.attr == "join"
            and (n.args[0] is home or (isinstance(n.args[0], ast.Name) and n.args[0].id in names))
        ), None)
        if join is None:
            break
        pieces += [a.value.strip("/") if isinstance(a, ast.Constant) and isinstance(a.value, str) else "{…}" for a in join.args[1:]]
        home, at = join, join.lineno
    if not pieces:
        return ""
    where = "" if at == f.line else f", line {at}"
    return f" (joined into {shown('~/' + '/'.join(pieces))}{where})"


def _rooted_at_hole(f: LiteralFinding) -> bool:
    """`f'/{HOME}/runs/best.pt'`: nothing but a slash before the f-string's first hole, so the
    root is whatever the hole holds (`HOME = os.getcwd()`, a configured root; `//content/x` is
    `/content/x`), not a fixed folder of this machine. Unknown holes are skipped too, as PTH006
    skips a relative path that starts with a hole."""
    return f.source == "python" and f.value.startswith("/{}")


def _shown_literal(ctx: RuleContext, f: LiteralFinding) -> str:
    """The literal for a message: an f-string as written (`f'/srv/{user}/x'`), never its holes
    as `{}` (which reads as a folder named `{}`)."""
    formatted = _formatted(ctx, f) if "{}" in f.value else None
    return f"`{formatted[0]}`" if formatted is not None else shown(f.value)


def _fold_one_folder(
    groups: Iterable[list[LiteralFinding]], hosted_roots: Sequence[re.Pattern[str]] = (),
    directory_changes: Collection[tuple[int, int]] = (), settings_share_root: bool = False,
    settings_share_folder: bool = False,
) -> list[list[LiteralFinding]]:
    """Files of one folder named in one notebook (`/secret/creds/user` and `/secret/creds/key` of one
    mounted secret; the files of one build folder listed in a dict; a model saved into a folder and
    that folder handed to a scorer in a later cell, fair check 13) are one place to configure: one
    finding at the first, the others related, as for the paths of one shell line (fair check 10).
    The folder is the first path's parent, at least two levels below the root (`/mnt` alone says
    nothing of what lies under it); the folder itself handed on (`score_folder("/Users/x/out/")`)
    is one of its paths, but a change into it (`os.chdir`, on a line of `directory_changes`: (cell,
    line)) is a path of its own. A literal bound alone to a name (`valid = "/Users/x/val.csv"`
    beside `train = "/Users/x/train.csv"`) is a setting of its own, edited on its line: not folded
    (fair check 9 judged such a pair two findings), except sibling folder settings written as
    folders (`val_dir = "/data/imagenet/val/"`, `train_dir = "/data/imagenet/train/"`: one dataset
    root, fair check 14). A path under a folder an earlier literal
    names itself (`write_dir = "/home/ann/"`, `~/corpus` of `!mkdir ~/corpus`) is that folder's,
    across cells and shell lines too. A hosted runtime's fixed root (`/content`,
    `/kaggle/input`: `hosted_roots`) is one folder per notebook, whatever the depth and
    however the paths are bound: `zip_path = "/content/a.zip"`, `out = "/content/out"` and
    `res = "/content/res.json"` are one root constant to set (fair check 11). With
    `settings_share_root` (PTH001), literals bound alone to names in one cell under one folder two
    levels deep (`acq = "/data/mortgage/acquisition"`, `perf = "/data/mortgage/perf/"`, `names =
    "/data/mortgage/names.csv"`) are one data root to set: one finding at the first (fair check 15).
    With `settings_share_folder` (PTH002), literals bound alone to names in one cell that name files of
    one folder below a user's home or a mount (`TRAIN_PATH = "/home/ubuntu/data/iptc/train.json"`,
    `DEV_PATH = "/home/ubuntu/data/iptc/dev.json"`) are one data folder to set (fair check 23:
    same-folder-split-per-file); files directly in a home folder (`C:\\Users\\bob\\data.csv`,
    `…\\out.csv`, fair check 9) stay settings of their own."""
    out: list[list[LiteralFinding]] = []
    # (cell, the literal's parent folder) → index in out, for `settings_share_folder`
    setting_folders: dict[tuple[int, str], int] = {}
    # (cell, the literal's first two folder names) → index in out, for `settings_share_root`
    setting_roots: dict[tuple[int, str], int] = {}
    # (cell, folder, index in out, named by a literal itself, that literal written as a folder `…/`)
    folders: list[tuple[int, str, int, bool, bool]] = []
    hosted: dict[str, int] = {}  # root → index in out
    for group in groups:
        first = group[0]
        path = _normal_path(first.value)
        root = next((m.group(0) for m in (p.match(path) for p in hosted_roots) if m), None)
        if root is not None:
            if root in hosted:
                out[hosted[root]].extend(group)
                continue
            hosted[root] = len(out)
            out.append(list(group))
            continue
        into = (first.ca.cell.index, first.line) in directory_changes
        # A literal bound alone to a name (`reference = "/Users/x/ref/a.csv"`) is a setting of its
        # own, edited on its line (fair check 9: `C:\\Users\\bob\\data.csv` and `…\\out.csv`, two
        # settings). It folds only under a folder an earlier literal names itself, or as a sibling
        # folder of an earlier folder setting (`val_dir = "/data/imagenet/val/"`, `train_dir =
        # "/data/imagenet/train/"`: one dataset root, fair check 14).
        alone = first.source == "python" and _bound_alone(first)
        folder_like = first.value.replace("\\", "/").endswith("/")
        setting_root = None
        if settings_share_root and alone:
            names = [p for p in path.split("/") if p]
            if len(names) >= 3:
                setting_root = (first.ca.cell.index, ("/" if path.startswith("/") else "") + "/".join(names[:2]))
                if setting_root in setting_roots:
                    out[setting_roots[setting_root]].extend(group)
                    continue
        setting_folder = None
        if settings_share_folder and alone and "/" in path and "{" not in path:
            parent = path.rsplit("/", 1)[0]
            if len([p for p in parent.split("/") if p and not re.fullmatch(r"[A-Za-z]:", p)]) >= 3:
                setting_folder = (first.ca.cell.index, parent)
                if setting_folder in setting_folders:
                    out[setting_folders[setting_folder]].extend(group)
                    continue
        if first.source == "python":
            # Across cells too (fair check 13: a model saved into a personal folder in one cell,
            # that same folder handed to a scorer in the next, were three findings for one folder),
            # and the folder itself (`"/Users/x/out/"` after `"/Users/x/out/model.zip"`).
            # Across cells only below a home or mount folder's first level (`/home/alice` alone
            # holds a user's every project), unless the earlier literal named that very folder.
            # A literal bound alone to a name folds too when it is a sibling of an earlier one
            # (`val_dir = "/data/imagenet/val/"`, `train_dir = "/data/imagenet/train/"`: one
            # dataset root, fair check 14, departing from fair check 9's borderline pair).
            home = next((
                i for cell, folder, i, named, of_folder in folders
                if ((path == folder and not into) or path.startswith(folder + "/"))
                and (cell == first.ca.cell.index or named or _depth(folder) >= 3 or _own_drive_folder(folder))
                and (not alone or named or (folder_like and of_folder))
            ), None)
        else:
            # A shell line under a folder an earlier line named itself (`!mkdir ~/corpus`, then
            # `!unzip ~/corpus/c.zip -d ~/corpus`): that folder's (fair check 14). A shell line
            # beside it (`!cp /opt/a/x /opt/b/y`) stays a command of its own, and so does a magic
            # (`%cd /content/drive/MyDrive/x` after mounting `/content/drive`: a change of directory).
            bang = 0 < first.line <= len(first.ca.lines) and first.ca.lines[first.line - 1].lstrip().startswith("!")
            home = next((
                i for _, folder, i, named, _ in folders if bang and named and path.startswith(folder + "/")
            ), None)
        if home is not None:
            out[home].extend(group)
            continue
        if first.source == "python" and (not alone or folder_like):
            parent = path.rsplit("/", 1)[0] if "/" in path else ""
            if _depth(parent) >= 2:
                folders.append((first.ca.cell.index, parent, len(out), False, folder_like))
        bang = first.source == "shell" and 0 < first.line <= len(first.ca.lines) and first.ca.lines[first.line - 1].lstrip().startswith("!")
        if _depth(path) >= 2 and not into and (first.source == "python" or bang):
            # The literal itself, as a folder later paths may lie under (`write_dir = "/home/ann/"`
            # then `open("/home/ann/vectors.npz")` two cells on: the folder the author named).
            folders.append((first.ca.cell.index, path, len(out), True, folder_like))
        if setting_root is not None:
            setting_roots[setting_root] = len(out)
        if setting_folder is not None:
            setting_folders[setting_folder] = len(out)
        out.append(list(group))
    return out


_BOUND_ALONE = re.compile(r"\s*[A-Za-z_][\w.]*\s*(?::[^=]*)?=\s*[rRuUbBfF]{0,2}")


def _bound_alone(f: LiteralFinding) -> bool:
    """Is the literal the whole right side of an assignment (`name = "…"`)?"""
    if not 0 < f.line <= len(f.ca.lines):
        return False
    text = f.ca.lines[f.line - 1]
    before, quote = text[: max(f.column - 1, 0)], text[max(f.column - 1, 0): f.column]
    if not (quote in ("'", '"') and bool(_BOUND_ALONE.fullmatch(before)) and not before.rstrip().endswith("==")):
        return False
    # `genmodel_name = "/Users/x/out/h2o.jar"` on a continuation line of a call is a keyword of
    # that call, not a setting of its own (fair check 13: two findings for one call's two keywords).
    tree = cell_python_tree(f.ca) if f.source == "python" else None
    return tree is None or not any(
        isinstance(node, ast.keyword) and node.value.lineno == f.line
        and len(text.encode()[: node.value.col_offset].decode(errors="replace")) == f.column - 1
        for node in tree_nodes(tree)
    )


# Folders at a Windows drive's root that are the system's or every user's, not one author's.
_WINDOWS_SYSTEM_FOLDER = re.compile(r"(?i)^(program files( \(x86\))?|programdata|windows|users)$")


def _own_drive_folder(folder: str) -> bool:
    r"""Is the folder one a Windows author made at a drive's root (`C:/Datasets` of `C:\Datasets\
    train.json`)? The drive is the author's own disk, so the folder is the one data folder of that
    machine, as `/home/ann/data` is below a home: its files named in several cells are one root to
    set, folded across cells although it is only two names deep (fair check 38, items 81-82: 2 and 7
    findings for `C:\Datasets` in one notebook). Not the drive itself (`C:`), and not the system's
    folders there (`C:\Program Files`: each program's own place below it; `C:\Users`: every user's)."""
    names = [p for p in folder.split("/") if p]
    return len(names) == 2 and re.fullmatch(r"[A-Za-z]:", names[0]) is not None \
        and _WINDOWS_SYSTEM_FOLDER.match(names[1]) is None


def _depth(folder: str) -> int:
    """How many names a folder path has below its root (`~/a` and `/home/a` have 2)."""
    return len([p for p in folder.split("/") if p])


def _fold_climbs(
    keyed: list[tuple[Hit, Optional[str], str]], position: Callable[[Hit], tuple[int, int, int]],
) -> tuple[list[tuple[Hit, Optional[str], str]], dict[str, str]]:
    """One file above the working directory spelled with more or fewer `..` in different cells and
    given to the same call (`webdriver.Chrome(executable_path='../chromedriver')` in one cell,
    `'../../chromedriver'` in another): one tool location the notebook was moved around, fixed by
    one configured path, so the later spellings join the first one's folder group, related (fair
    check 42, item 138: driver-binary-split-per-spelling; as relative-folder-split-per-file)."""
    first: dict[tuple[str, str], tuple[tuple[int, int, int], str]] = {}
    found: list[tuple[int, tuple[str, str]]] = []
    for k, (hit, folder, normal) in enumerate(keyed):
        if folder is None or not normal.startswith("../"):
            continue
        callee = _USED_BY.search(hit.message)
        if callee is None:
            continue
        rest = normal
        while rest.startswith("../"):
            rest = rest[3:]
        key = (rest, callee.group(2))
        found.append((k, key))
        if key not in first or position(hit) < first[key][0]:
            first[key] = (position(hit), folder)
    out = list(keyed)
    respelled: dict[str, str] = {}  # a later spelling → the first one's path
    for k, key in found:
        hit, folder, normal = out[k]
        if first[key][1] != folder:
            out[k] = (hit, first[key][1], normal)
            respelled[normal] = first[key][1] + "/" + key[0]
    return out, respelled


def _root_folder(value: str) -> Optional[str]:
    """The folder a relative path hangs off, the key of PTH006's folding: its first segment when a
    file or folder lies below it (`data` for `./data/tulips.csv`, `../data` for `../data/x.csv`:
    `..` prefixes are part of it), "" for a name in the working directory itself (`model.pkl`, `.`),
    `..` for one in its parent; None when the start is known only at run time (`{name}-finetuned`).
    A file name with holes after a literal start and no folder (`tida_{}.csv` of
    `f"tida_{direction}.csv"`) is a name in the working directory like any other (fair check 13:
    reported apart from the notebook's working-directory group before)."""
    if "://" in value:
        return None
    parts = [p for p in value.replace("\\", "/").split("/") if p not in ("", ".")]
    ups = []
    while parts and parts[0] == "..":
        ups.append(parts.pop(0))
    if len(parts) == 1 and not parts[0].startswith("{"):
        return "/".join(ups)
    if parts and ("{" in parts[0] or "}" in parts[0]):
        return None
    return "/".join(ups + parts[:1]) if len(parts) > 1 else "/".join(ups)


# A PTH006 message about a path the notebook only writes ("… written by `df.to_csv` …").
_WRITTEN_ONLY = re.compile(r"(?<!read and )\bwritten by\b")


def _created_folders(ctx: RuleContext) -> frozenset[str]:
    """The folders below the working directory the notebook makes itself with a shell line (`!mkdir
    matrix_files`), as the first name of each (`matrix_files`). Not `os.makedirs("runs")`: that call
    is a PTH006 finding of its own, the folder's, and fair check 8 kept a file beside it apart
    (fair8/colab_guarded_setup: `bandit_runs/` and `submission_note.txt`, two findings)."""
    made: set[str] = set()
    for ca in ctx.cells:
        for magic in ca.magics:
            if magic.kind == "shell" and magic.name.lower() == "mkdir":
                made.update(t.strip("\"'") for t in magic.args.split() if not t.startswith("-"))
    roots = set()
    for value in made:
        if "$" in value or "{" in value or value.startswith(("/", "~")):
            continue
        parts = [p for p in value.replace("\\", "/").split("/") if p not in ("", ".")]
        if parts and parts[0] != "..":
            roots.add(parts[0])
    return frozenset(roots)


# Programs that run the script a shell line names (`!python ../convert.py --input x.ipynb`,
# `!bash scripts/setup.sh`): the first operand is a file of the working directory's.
_SCRIPT_RUNNERS = frozenset({"python", "python3", "bash", "sh"})
# Options of those runners that take the next word as their value.
_RUNNER_VALUE_OPTIONS = frozenset({"-W", "-X", "-o", "-O"})


def _shell_relative_uses(ctx: RuleContext) -> list[tuple[CellAnalysis, int, int, str, str]]:
    """(cell, line, column, path, what the line does with it) for the relative paths a `!` line or
    a line magic hands to a program that opens them by name: the script `!python
    ../.convert_notebook_to_script.py …` or `!bash run.sh` runs (not `python -m module` nor `python
    -c code`), the folders `%mkdir feature_repo/data` or `!mkdir out` makes. Not under a Colab
    set-up guard, nor a value only the shell knows (`$DIR/x.py`, `{root}/x`), nor a word of a quoted
    argument (a container's command in `kubectl patch … '{"commands": ["cd ../ && python run.py"]}'`),
    nor after a change of directory (`%cd anomalib` above, `!cd client && python x.py`): the path is
    then the changed folder's, PTH004's finding."""
    settings = path_settings(ctx.catalog)
    changes = [(ca.cell.index, call.line) for ca, call in directory_changes(ctx)]
    changes += [
        (ca.cell.index, m.line) for ca in ctx.cells for m in ca.magics
        if m.kind in ("line_magic", "automagic") and m.name in (*_CHDIR_MAGICS, "popd")
    ]
    first_change = min(changes) if changes else None
    out: list[tuple[CellAnalysis, int, int, str, str]] = []
    for ca in ctx.cells:
        for magic in ca.magics:
            if magic.kind == "shell":
                text = magic.args
            elif magic.kind in ("line_magic", "automagic") and magic.name == "mkdir":
                text = f"mkdir {magic.args}"
            else:
                continue
            if first_change is not None and (ca.cell.index, magic.line) > first_change:
                continue
            if _container_command_spans(text) or _hosted_line(ca, magic.line):
                continue
            # The commands of the line, split at separators outside quotes; a quoted word is never a program.
            commands: list[list[tuple[str, bool]]] = [[]]
            for m in _SHELL_TOKEN.finditer(text):
                bare = m.group("bare")
                if bare is not None and bare in ("&&", "||", ";", "|", "&"):
                    commands.append([])
                    continue
                word = bare if bare is not None else (m.group("dq") if m.group("dq") is not None else m.group("sq"))
                commands[-1].append((word, bare is not None))
            found: list[tuple[str, str]] = []
            for command in commands:
                if not command or not command[0][1]:
                    continue
                program = command[0][0].rsplit("/", 1)[-1].lower()
                if program in _CHDIR_MAGICS:
                    break  # the rest of the line runs in that folder
                words = [w for w, _ in command[1:]]
                if program in _SCRIPT_RUNNERS:
                    rest = iter(words)
                    for word in rest:
                        if word.startswith(("-m", "-c")):
                            break  # a module or code given inline: no file
                        if word in _RUNNER_VALUE_OPTIONS:
                            next(rest, None)
                            continue
                        if word.startswith("-"):
                            continue
                        if word.endswith((".py", ".sh")) or "/" in word:
                            found.append((word, f"run by `{program}`"))
                        break
                elif program == "mkdir":
                    found.extend((w, "made by `mkdir`") for w in words if not w.startswith("-"))
            for value, verb in found:
                if not value or any(c in value for c in "$`{}*?<>|;&") or value.startswith(("/", "~")):
                    continue
                path_class = classify(value, settings, path_argument=True)
                if path_class is None or path_class.kind != "relative":
                    continue
                if _shell_fetched_or_cloned(ctx, ca.cell.index, magic.line, _normal_path(value)):
                    continue  # a script a download line or a clone above saved: PTH003's or PTH007's
                index = magic.text.find(value)
                out.append((ca, magic.line, index + 1 if index >= 0 else 1, value, verb))
    return out


def _shell_fetched_or_cloned(ctx: RuleContext, cell: int, line: int, path: str) -> bool:
    """Is `path` a file a `!wget`/`!curl` line above (cell, line) saved, or one under the folder a
    `!git clone` line of a cell above saved (`!wget …/Miniforge3-Linux-x86_64.sh`, then `!bash
    Miniforge3-Linux-x86_64.sh -b`)?"""
    if any(where < (cell, line) and _fetched(path, files) for where, files in _download_lines(ctx).items()):
        return True
    for ca in ctx.cells:
        if ca.cell.index > cell:
            break
        for at, destination in _clone_lines(ca):
            folder = _relative_file(destination)
            if (ca.cell.index, at) < (cell, line) and folder and _under(path, folder) and path != folder:
                return True
    return False


def _with_shell_uses(ctx: RuleContext, hits: list[Hit], paths: Mapping[tuple[int, int, int], str]) -> list[Hit]:
    """PTH006's findings and the relative paths of `!` lines and line magics (`_shell_relative_uses`):
    a path under a folder a finding already stands for is related to that finding (`%mkdir
    feature_repo/data` before `df.to_parquet("feature_repo/data/wiki_dpr.parquet")`: one folder to
    configure, fair check 26, T-5.7); the scripts run from other folders are one finding per folder,
    at the first such line (`! python ../.convert_notebook_to_script.py --input ch14_part1.ipynb`, fair
    check 27, T-10.7). A folder only made, with nothing reported under it, is no finding."""
    uses = _shell_relative_uses(ctx)
    if not uses:
        return hits
    out = list(hits)
    owner: dict[str, int] = {}
    for i, hit in enumerate(out):
        value = paths.get((hit.cell.index if hit.cell is not None else -1, hit.line or 0, hit.column or 0))
        folder = _root_folder(value) if value is not None else None
        if folder is not None:
            owner.setdefault(folder, i)
    new: dict[str, list[tuple[CellAnalysis, int, int, str, str]]] = {}
    for use in uses:
        ca, line, column, value, verb = use
        folder = _root_folder(value)
        if folder is None:
            continue
        if folder in ("", "..") and _normal_path(value) in owner:
            folder = _normal_path(value)  # `%mkdir feature_repo_docebedder`: that folder's group
        at = owner.get(folder)
        if at is not None:
            hit = out[at]
            place = (ca.cell, line, column)
            if hit.cell is not None and (hit.cell.index, hit.line) != (ca.cell.index, line):
                out[at] = replace(hit, related=tuple(dict.fromkeys([*hit.related, place])))
            continue
        if verb.startswith("made by"):
            # A folder made and nothing reported under it (its files staging, a download's, only
            # a shell line's): no place to configure of its own (and `%mkdir` of a folder that is
            # there prints an error, the cell goes on).
            continue
        new.setdefault(folder, []).append(use)
    for folder, group in new.items():
        ca, line, column, value, verb = group[0]
        others = {_normal_path(v) for *_, v, _ in group[1:]} - {_normal_path(value)}
        where = {"": "the working directory", "..": "the working directory's parent"}.get(folder, f"folder {shown(folder)}")
        more = (
            f"; so {'is' if len(others) == 1 else 'are'} {len(others)} other path{'' if len(others) == 1 else 's'} of "
            f"{where} in shell lines (related)"
        ) if others else ""
        out.append(Hit(
            ca.cell, line, column,
            f"Relative path {shown(value)}, {verb} in a shell line, is resolved against the current working directory, "
            f"{RUN_FOLDER}{more}",
            fix="Build it from a configured root instead (`!python $SCRIPTS_DIR/convert.py`, with `SCRIPTS_DIR` from a "
                "config value or environment variable), or run the step outside the notebook.",
            key=value,
            related=tuple(dict.fromkeys((c.cell, l, col) for c, l, col, *_ in group[1:] if (c.cell.index, l) != (ca.cell.index, line))),
        ))
    return out


def _fold_by_folder(
    hits: Sequence[Hit], paths: Mapping[tuple[int, int, int], str],
    scratch: Sequence[tuple[str, Sequence[tuple[Cell, Optional[int], Optional[int]]]]] = (),
    created: Collection[str] = (),
) -> list[Hit]:
    """Relative paths one notebook reads or writes under one folder (`Data/rugged.csv`,
    `Data/tulips.csv`; a book chapter's 15 `examples/*` reads; its figure exports `fig_3_1.png`…)
    hang off one location, the folder's, fixed by one root constant: one finding per notebook and
    folder, at the first use in notebook order, the other paths and their uses related, the message
    naming the folder and how many files (fair check 10 for figure exports, fair check 11 for every
    path; before, one finding per file). Names in the working directory itself are one group the
    same way, but a bare name that is itself a folder of another group (`os.makedirs("./cache")`
    before `open(f"./cache/item_{i}.json", "w")`) is that folder's. `paths` holds the path each
    foldable hit stands for, by position; the others (a path built from `os.getcwd()`, a library's
    default output folder) keep their own findings. `scratch` holds the files the notebook makes
    and deletes itself (path, places): no finding of their own, but where their folder has one they
    are among its related paths (the folder's root constant moves them too). A folder below the
    working directory the notebook makes itself (`created`: `!mkdir matrix_files`) is part of the
    working directory's group when the notebook has one (its `metadata.csv` written beside it: one
    output root to configure, fair check 20: cwd-outputs-split-per-file)."""
    def position(hit: Hit) -> tuple[int, int, int]:
        return (hit.cell.index if hit.cell is not None else -1, hit.line or 0, hit.column or 0)

    folders = {_root_folder(v) for v in paths.values()} - {None, "", ".."}
    keyed: list[tuple[Hit, Optional[str], str]] = []
    for hit in hits:
        value = paths.get(position(hit))
        folder = _root_folder(value) if value is not None else None
        normal = _normal_path(value) if value is not None else ""
        if folder in ("", "..") and normal in folders:
            folder = normal
        keyed.append((hit, folder, normal))
    keyed, respelled = _fold_climbs(keyed, position)
    # (only outputs: a notebook reading its input beside it and writing figures into a folder it
    # makes, `gtex_500.csv` and `figures/`, has an input and an output place, two settings)
    cwd_hits = [hit for hit, folder, _ in keyed if folder == ""]
    if created and cwd_hits and all(_WRITTEN_ONLY.search(hit.message) for hit in cwd_hits):
        keyed = [(hit, "" if folder in created else folder, normal) for hit, folder, normal in keyed]
    first: dict[str, int] = {}
    members: dict[int, list[tuple[Hit, str]]] = {}
    order = sorted(range(len(keyed)), key=lambda i: position(keyed[i][0]))
    for i in order:
        hit, folder, normal = keyed[i]
        if folder is None:
            continue
        head = first.setdefault(folder, i)
        members.setdefault(head, []).append((hit, normal))
    scratch_of: dict[int, list[tuple[str, Sequence[tuple[Cell, Optional[int], Optional[int]]]]]] = {}
    for value, places in scratch:
        folder = _root_folder(value)
        normal = _normal_path(value)
        if folder in ("", "..") and normal in folders:
            folder = normal
        if folder is not None and folder in first:
            scratch_of.setdefault(first[folder], []).append((normal, places))
    out: list[Hit] = []
    for i, (hit, folder, normal) in enumerate(keyed):
        if folder is None or first[folder] != i:
            if folder is None:
                out.append(hit)
            continue
        group = members[i]
        extra = scratch_of.get(i, [])
        if len(group) == 1 and not extra:
            out.append(hit)
            continue
        related: list[tuple[Cell, Optional[int], Optional[int]]] = list(hit.related)
        for other, _ in group[1:]:
            if other.cell is not None:
                related.append((other.cell, other.line, other.column))
            related.extend(other.related)
        for _, places in extra:
            related.extend(places)
        spellings = sorted({n for _, n in group if respelled.get(n) == normal})
        files = len(({n for _, n in group} | {n for n, _ in extra}) - {normal, folder} - set(spellings))
        where = {"": "the working directory", "..": "the working directory's parent"}.get(folder, f"folder {shown(folder)}")
        also = (
            f"; so {'is' if files == 1 else 'are'} the notebook's {files} other path{'' if files == 1 else 's'} in "
            f"{where} (related): one {'folder' if folder not in ('', '..') else 'root'} to configure"
        ) if files else f"; so are its other uses in {where} (related)" if not spellings else ""
        if spellings:
            # (the same file given to the same call, spelled with more or fewer `..`: `_fold_climbs`)
            also += f"; so is the same file spelled {and_listed([shown(n) for n in spellings])} (related)"
        # The file this read opens is one the notebook writes itself, by an f-string of the group
        # (`tida_desc.csv` read, `f"tida_{direction}.csv"` written): say so (fair check 13).
        writer = next((
            other for other, n in group[1:] if "{}" in n and " written by " in other.message
            and re.fullmatch(".+".join(re.escape(piece) for piece in n.split("{}")), normal)
        ), None) if " read by " in hit.message else None
        if writer is not None and writer.cell is not None:
            also += f"; the notebook writes {shown(normal)} itself (cell {writer.cell.index}, line {writer.line})"
        out.append(replace(hit, message=hit.message + also, related=tuple(dict.fromkeys(
            r for r in related if (r[0].index, r[1] or 0, r[2] or 0) != position(hit)))))
    placed = {position(hit): (folder, normal) for hit, folder, normal in keyed}
    return _fold_split_folders(_fold_sibling_folders(out, placed), placed)


def _fold_split_folders(hits: list[Hit], where: Mapping[tuple[int, int, int], tuple[Optional[str], str]]) -> list[Hit]:
    """A data set's split folders in the working directory (bare names, as written) read by one method
    in one cell (`train_datagen.flow_from_directory('train')`, `test_datagen.flow_from_directory('test')`): one
    data root fixes them all, so one finding at the first, the others related, whatever else each
    folder's group holds (fair check 41, item 102: sibling-folders-split-per-folder)."""
    def position(hit: Hit) -> tuple[int, int, int]:
        return (hit.cell.index if hit.cell is not None else -1, hit.line or 0, hit.column or 0)

    def kind(hit: Hit) -> Optional[tuple[int, str, str]]:
        folder, normal = where.get(position(hit), (None, ""))
        used = _USED_BY.search(hit.message)
        if hit.cell is None or folder is None or used is None or " read by " not in used.group(0):
            return None
        if not re.fullmatch(r"[A-Za-z0-9_-]+", normal) or folder not in ("", normal):
            return None  # (a bare folder name of the working directory, as written)
        return (hit.cell.index, used.group(1), used.group(2).split(" ")[0].rpartition(".")[2])

    groups: dict[tuple[int, str, str], list[int]] = {}
    for i in sorted(range(len(hits)), key=lambda i: position(hits[i])):
        k = kind(hits[i])
        if k is not None:
            groups.setdefault(k, []).append(i)
    heads = {g[0]: g[1:] for g in groups.values() if len(g) > 1}
    folded = {i for rest in heads.values() for i in rest}
    out: list[Hit] = []
    for i, hit in enumerate(hits):
        if i in folded:
            continue
        if i in heads:
            related = [*hit.related]
            names = []
            for j in heads[i]:
                other = hits[j]
                names.append(shown(where[position(other)][1]))
                if other.cell is not None:
                    related.append((other.cell, other.line, other.column))
                related.extend(other.related)
            hit = replace(hit, message=hit.message + (
                f"; so {'is' if len(names) == 1 else 'are'} the sibling folder{'' if len(names) == 1 else 's'} {', '.join(names)} "
                "read the same way in this cell, with their uses (related): one data root to configure"),
                related=tuple(r for r in dict.fromkeys(related) if (r[0].index, r[1] or 0, r[2] or 0) != position(hit)))
        out.append(hit)
    return out


# `read by `open``, `written by `df.to_csv``: how a PTH006 message names the call of its path.
_USED_BY = re.compile(r", (read by|written by|read and written by|used by) `([^`]+)`")


def _fold_sibling_folders(hits: list[Hit], where: Mapping[tuple[int, int, int], tuple[Optional[str], str]]) -> list[Hit]:
    """Per-section results read from sibling folders of one parent, in one cell or consecutive
    cells (`../Section-04-Cost-Sensitive-Learning/cs_mean.pkl`, `../Section-05-Undersampling/
    us_mean.pkl`…, each with its `_std.pkl`): one results root fixes them all, so one finding at the
    first, the others related (fair check 21: sibling-folders-split-per-folder). Siblings must be
    used by the same call the same way and hold parallel files (the same extension and the same
    names after their prefix: `mean`, `std`); a `../data` read beside a `../saved_models` store stays
    two findings (fair check 20, item 100)."""
    def position(hit: Hit) -> tuple[int, int, int]:
        return (hit.cell.index if hit.cell is not None else -1, hit.line or 0, hit.column or 0)

    def shape(hit: Hit) -> Optional[tuple[str, str, str, frozenset[str]]]:
        folder, normal = where.get(position(hit), (None, ""))
        used = _USED_BY.search(hit.message)
        if folder is None or used is None or not re.fullmatch(r"\.\./[^/]+", folder):
            return None
        # (the files of the folder: the finding's own and its folded ones)
        files = [n for (f, n) in where.values() if f == folder and n != folder] or [normal]
        stems = frozenset(n.rpartition("/")[2].partition(".")[0].partition("_")[2] for n in files)
        extensions = {n.rpartition("/")[2].partition(".")[2] for n in files}
        if len(extensions) != 1 or "" in stems:
            return None
        return used.group(0), extensions.pop(), "..", stems

    ordered = sorted(range(len(hits)), key=lambda i: position(hits[i]))
    head: Optional[int] = None
    members: dict[int, list[int]] = {}
    for i in ordered:
        kind = shape(hits[i])
        previous = members[head][-1] if head is not None else None
        if (kind is not None and previous is not None and shape(hits[head]) == kind
                and hits[i].cell is not None and hits[previous].cell is not None
                and 0 <= hits[i].cell.index - hits[previous].cell.index <= 1):
            members[head].append(i)
            continue
        head = i if kind is not None else None
        if head is not None:
            members[head] = [i]
    folded = {i for group in members.values() for i in group[1:]}
    out: list[Hit] = []
    for i, hit in enumerate(hits):
        if i in folded:
            continue
        siblings = members.get(i, [i])[1:]
        if siblings:
            related = [*hit.related]
            for j in siblings:
                other = hits[j]
                if other.cell is not None:
                    related.append((other.cell, other.line, other.column))
                related.extend(other.related)
            hit = replace(hit, message=hit.message + (
                f"; so {'is' if len(siblings) == 1 else 'are'} {len(siblings)} sibling folder{'' if len(siblings) == 1 else 's'} "
                "under '..' holding the same files (related): one results root to configure"),
                related=tuple(dict.fromkeys(related)))
        out.append(hit)
    return out


def _temporary(ctx: RuleContext, group: Sequence[LiteralFinding], settings: PathSettings) -> bool:
    """A path under the system's temporary folder (`/tmp/data/`) that the notebook writes, or hands
    to something that creates it (a download cache, a log or checkpoint folder), or unpacks an
    archive into: not tied to this machine. One it only reads (`pd.read_csv("/tmp/train.csv")`
    wherever the path appears) was put there by hand, and stays reported."""
    if not any(p.search(group[0].value.replace("\\", "/")) for p in settings.temporary):
        return False
    # Only read, everywhere it appears: a shell line (`!gsutil cp … /tmp/x.csv`) or a name bound to
    # it may well be what writes it, and a dataset class that downloads into it fills it itself
    # (`datasets.MNIST("/tmp/mnist", download=True)`, `Planetoid("/tmp/Cora", "Cora")`).
    if not all(f.argument is not None and f.argument.direction == "read" and not _downloads_into(f) for f in group):
        return True
    # Each read is of the folder an earlier extraction unpacks an archive into, or below it
    # (`zip_ref.extractall("/tmp/horse-or-human")` in cell 7, `flow_from_directory("/tmp/horse-or-
    # human/")` in cell 22; `extractall("/tmp")`, then `os.listdir("/tmp/PetImages/Cat/")`): the
    # notebook fills it itself, as PTH006 takes a relative extracted folder for the notebook's own
    # (fair check 30, items 66-68: tmp-folder-extracted-by-notebook; PTH003 reports the download of
    # the archive). What the archive holds is not known: any path below the folder counts.
    extractions = _absolute_extractions(ctx)
    if extractions and all(
        any((cell, line) < (f.ca.cell.index, f.line) and _under(_normal_path(f.value), folder) for cell, line, folder in extractions)
        for f in group
    ):
        return True
    # Each read is a pattern a write of the notebook fills (fair check 33, item 67,
    # tmp-folder-written-by-notebook): `glob.glob(f"/tmp/{penalty}-frame-*.png")` beside
    # `plt.savefig(f"/tmp/{penalty}-frame-{lmbda:06.3f}.png")` in the same function. The read's
    # holes and wildcards match any name part, the write's holes are any text: the write's name, its
    # holes filled, must match the read in the same folder, and the read must keep some fixed text
    # of its own in the name (not `/tmp/*`).
    written = ctx.shared("paths.temporary_writes", lambda: _temporary_writes(ctx, settings))
    return bool(written) and all(_filled_by_write(_normal_path(f.value), written) for f in group)


def _temporary_writes(ctx: RuleContext, settings: PathSettings) -> tuple[str, ...]:
    """The values of the notebook's temporary-folder literals passed to a write (`{}` for a hole)."""
    return tuple(dict.fromkeys(
        _normal_path(f.value) for f in literal_findings(ctx)
        if f.argument is not None and f.argument.direction == "write"
        and any(p.search(f.value.replace("\\", "/")) for p in settings.temporary)
    ))


def _filled_by_write(read: str, written: Sequence[str]) -> bool:
    folder, _, name = read.rpartition("/")
    fixed = re.sub(r"\{\}|[*?]|\[[^\]]*\]", "", name)
    if not folder or len(re.sub(r"^\.\w+$|\.\w+$", "", fixed).strip("-_. ")) < 2:
        return False
    pattern = re.compile(
        re.escape(folder) + "/" + "".join(
            "[^/]*" if part in ("{}", "*") else "[^/]" if part == "?" else re.escape(part)
            for part in re.split(r"(\{\}|\*|\?)", name) if part
        )
    )
    return any(pattern.fullmatch(w.replace("{}", "x")) for w in written)


class UserSpecificPath(Rule):
    code = "PTH002"
    quiet_in_reference_sheets = True
    compile_fix = "config"
    name = "user-specific-path"
    family = Family.PATHS
    severity = Severity.ERROR
    summary = "A path literal belongs to one user or one machine (a home folder, Colab, Kaggle, DBFS, a mount)."
    what_it_does = (
        "Reports string literals whose path belongs to one user or one hosted environment: `/home/<user>/`, "
        "`/Users/<user>/`, `C:\\\\Users\\\\<user>` (raw, escaped, forward slashes, or even the invalid "
        "`\"C:\\Users\\…\"` that Python 3 refuses), `~/`, `/content/drive` and `/content` (Colab), "
        "`/kaggle/input`, `/dbfs`, `dbfs:/` and DBFS's upload folder `/FileStore` (as Spark names it on Databricks), `/mnt/<…>`, `/Volumes/<…>` and more; the patterns live "
        "in `rules/paths.toml`, and a team adds its own there. f-strings count (`f\"/home/{user}/data\"`), "
        "and so do `!` shell lines and magics (`!cp train.csv ~/projects/data/`; not a display-only `!ls` nor a lone `!cd`; one "
        "shell line is one finding, its other such paths related; so is the notebook's set of files of one folder (and that folder itself, sibling settings such as `val_dir`/`train_dir` of one dataset root, settings of one cell naming files of one folder below a home or mount folder such as `TRAIN_PATH`/`DEV_PATH`/`TEST_PATH` under `/home/ubuntu/data/iptc/`, and a later shell line under a folder an earlier line names: `!mkdir ~/corpus` then `!unzip ~/corpus/c.zip`); the paths one notebook names under a hosted runtime's fixed root "
        "(`/content`, `/kaggle/input` whatever the datasets under it, `/kaggle/working`, `/dbfs`, `/FileStore`: `[hosted_root]` of `rules/paths.toml`; "
        "not `/content` joined to the files of a Colab `files.upload()` on a later line of its cell, `for fn in uploaded.keys(): path = \"/content/\" + fn`, "
        "where the upload saves them: a related location of PTH007's upload finding), whatever their depth and "
        "however they are bound, are one finding at the first, the others related: one root to configure; so are the paths in the "
        "author's Google Drive (`/content/drive/…`, with or without a `drive.mount` call: Drive can be mounted from Colab's file pane), "
        "the message naming their deepest common folder; when the first is the mount "
        "point of Colab's `drive.mount(\"/content/drive\")`, the finding is at the first data path under it, `file_path = \"/content/drive/My "
        "Drive/\"`, the root to configure, and the mount is related; a `/content/<file>` path whose `<file>` the notebook also "
        "names relatively, `model.save(\"final_model.h5\")` then `load_model(\"/content/final_model.h5\")`, is one file on Colab: the message "
        "says so and the relative use is related, not PTH006's; in a Colab notebook (it imports `google.colab` or has form fields) so is a `/content/<folder>` "
        "the notebook also names relatively (`tokenizer.save_model(\"KantaiBERT\")`), a relative path into the Drive a `drive.mount(\"/content/drive\")` "
        "mounts (`open(\"drive/MyDrive/files/api_key.txt\")`, read through Colab's working directory `/content`; also through a root "
        "constant, `path = \"drive/My Drive/leaf-classification/\"` then `glob.glob(path + \"images/*.jpg\")`: the constant and its uses), and the file a `!cp` copies out of that "
        "Drive (`!cp \"drive/MyDrive/files/api_key.txt\" \"api_key.txt\"`, then `open(\"api_key.txt\")`): related to the mount's finding). PTH001 is not also reported "
        "for such a literal. Not Kaggle's template listing of its input mount (`for dirname, _, filenames in os.walk('/kaggle/input'):` "
        "whose body only prints). A tool's own credential or settings location in the home folder "
        "(`~/.kaggle/kaggle.json`, `~/.aws/credentials`, `~/.config/gcloud/`…, the shell's start-up files `~/.bashrc`, "
        "`~/.bash_profile`…, the `[[tool_config_path]]` "
        "entries of `rules/paths.toml`) is where that tool looks on every machine: not reported. A `~/…` root given to a `download=True` dataset constructor "
        "(`datasets.MNIST(\"~/.pytorch/MNIST_data/\", download=True)`) is created for whoever runs it and "
        "is not reported (PTH007 reports the download), also when it gets there as a parameter default of the notebook's own "
        "function used only as such a root (`def load(batch, root=\"~/Datasets/FashionMNIST\"): FashionMNIST(root=root, "
        "download=True)`); so is a `~/…` folder the notebook makes before it uses anything under it, given to an output-folder keyword "
        "(`output_dir=`, `log_dir=`, `logdir=`, `save_dir=`, `checkpoint_dir=`, `model_dir=`: `training.Loop(…, output_dir=os.path.expanduser(\"~/train_dir/\"))`), "
        "as the cache folder of a library that expands and makes it (scikit-learn's dataset loaders' `data_home=`, `fetch_mldata(\"MNIST original\", data_home=\"~/Desktop/alternativeData\")`; Keras' `get_file(…, cache_dir=…)`) "
        "or to `os.makedirs`/`Path.mkdir`, directly or through a name bound once (only a shell `rm`/`mkdir` of it may come first), and the places under it; "
        "nor is a parameter default that every call of the notebook's function overrides (as for PTH001), nor a write under `if file:` on a parameter defaulting to None/False that no call of the notebook's function passes (`def plot_loss(history, file=None): … if file: plt.savefig(f\"/Users/…/{file}.pdf\")`, called only as `plot_loss(history)`: it never runs; here and in PTH001, PTH003–PTH006), nor is a literal of a list of candidate locations probed in turn after a "
        "configured one (as for PTH001; also probed through a join, `next((c for c in candidates if (c / \"data\" / \"train.csv\").exists()), None)` "
        "after `Path.cwd()` candidates), nor a path in a function called only from a branch a setting bound once turns off (`train = read_mounted()` "
        "in the `else:` of `if RUN_DOWNLOAD:` below `RUN_DOWNLOAD = True`: no run as saved calls it), nor a hosted runtime's folder (`[hosted_root]`) used "
        "only where an existence test of it holds: `Path(\"/kaggle/working\") if Path(\"/kaggle/working\").exists() else BASE_DIR`, the body of "
        "`if Path(\"/kaggle/input\").exists():`, a function's `direct = Path(\"/kaggle/input\") / competition` read only in `if direct.exists(): return direct` "
        "(a check for the platform, like `if IN_KAGGLE:`), nor is a Colab or Kaggle path in code that runs only "
        "there: inside `if COLAB:`/`if IN_KAGGLE:` or the `else:` of `if not ON_KAGGLE:` (its body is the local branch), after `from google.colab import drive` in the `try:` "
        "that detects Colab or in a function body (`drive.mount(\"/content/drive\")`), or in a cell whose "
        "opening comment says to run it only on Colab. Not a path in the body of a Kubeflow pipeline component (a function given to `func_to_container_op` or decorated `@dsl.component`): it names the container's mounts. Not a string constant used only as a hole of a Kubernetes manifest (an f-string holding `apiVersion:` and `kind:`) and lying under a `mountPath:` that manifest declares (`model_dir = \"/mnt/azure/mnist\"` in a TFJob mounting `/mnt/azure`): a path in the pods. A relative path of a catalogued call that climbs into a folder named like this path's folder (`'../ml_3/train.csv'` beside `'/Users/bt/Documents/turing/ml_3/test.csv'`) is named in the message and related: most likely the same data folder (PTH006 keeps its own finding)."
        " Also reported, at the notebook's call: the user's folder the project's own helper joins the name it is given under (`setup_df.setup_ml(\"13-car_evaluation.csv\")` with `os.path.join(self.ML_BASE_DIR, file_dir)` and `self.ML_BASE_DIR = \"/Users/user/…/ml-data\"` in the repository's `utils/SetupDataFrame.py`, found through `sys.path.append(\"/Users/user/…/data-science/utils\")` by its last part; the module's line related); one finding per folder. A user's folder put on `sys.path` is told to be a folder of code, imported from the repository as an installed package (the edit on the finding's own line is no related location of it; `/home/<name>` named like a package imported below, `sys.path.append(\"/home/mlmachine\")` then `import mlmachine`, is said to be one machine's checkout of it, a container's mount or a home; a package the catalogue or the notebook's install text names is told to be installed and pinned, as for PTH005); one an environment variable is set to is told to be left to the machine's environment. Not a constant read only by joins bound to names nothing reads (`BASE_DIR = \"/Users/…/data-ds\"`, then `path = os.path.join(BASE_DIR, FILE_DIR)` and `path` read nowhere, not even as a shell line's `$path`): joining touches no disk, nothing to configure."
    )
    why_bad = (
        "Nobody else has that home folder, Drive mount or Kaggle input directory. The notebook fails "
        "for every other person and in every pipeline, and the path leaks a user name into the code base."
    )
    example = 'df = pd.read_csv("/Users/alice/Downloads/train.csv")'
    use_instead = (
        "import os\nfrom pathlib import Path\n\n"
        'DATA_DIR = Path(os.environ.get("DATA_DIR", "data"))\n'
        'df = pd.read_csv(DATA_DIR / "train.csv")'
    )
    passing = (
        # A home folder the notebook has a library make as its output folder, or makes itself, before
        # reading it: made for whoever runs it (fair check 35, item 74).
        Example(cells=(
            "import os\nfrom trax.supervised import training\noutput_dir = os.path.expanduser('~/train_dir/')\n"
            "!rm -f ~/train_dir/model.pkl.gz\nloop = training.Loop(model, task, output_dir=output_dir)",
            "model.init_from_file(os.path.join(output_dir, 'model.pkl.gz'))",
            "from pathlib import Path\nPath('~/runs/exp1').expanduser().mkdir(parents=True, exist_ok=True)",
        )),
        # ... or a library's cache folder it expands and makes: scikit-learn's `data_home=` (fair check 36, item 86).
        Example(cells=("from sklearn.datasets import fetch_mldata\nmnist = fetch_mldata('MNIST original', data_home='~/Desktop/alternativeData')",)),
        # A write under `if file:` on a parameter defaulting to None that no call passes never runs
        # (fair check 33, item 69, opt-in-flag-off-guard).
        Example(cells=(
            "import os\nimport matplotlib.pyplot as plt\ndef plot_loss(history, file=None):\n    plt.plot(history)\n"
            "    if file:\n        plt.savefig(f\"/Users/{os.environ['USER']}/Desktop/{file}.pdf\")\n    plt.show()",
            "plot_loss(history)",
        )),
        # ... also when the helper shares its name with a method it calls (`plt.show()` in `def show`,
        # fair check 33, item 70: an attribute is no mention of the function).
        Example(cells=(
            "import os\nimport matplotlib.pyplot as plt\ndef show(df, file=None):\n    plt.scatter(df.x, df.y)\n"
            "    if file:\n        plt.savefig(f\"/Users/{os.environ['USER']}/Desktop/{file}.pdf\")\n    plt.show()",
            "show(df)",
        )),
        # Where a Colab upload saved the picked file: PTH007's upload finding, this path related
        # (fair check 30, items 69, 70).
        Example(cells=(
            "import numpy as np\nfrom google.colab import files\nfrom keras.preprocessing import image\nuploaded = files.upload()\n"
            "for fn in uploaded.keys():\n  path = '/content/' + fn\n  img = image.load_img(path, target_size=(150, 150))",
        )),
        # A `~/…` parameter default that reaches only a `download=True` root, as when given directly (fair check 19).
        Example(cells=(
            "import torchvision\ndef loaders(root='~/Datasets/Clothes'):\n    return torchvision.datasets.FashionMNIST(root=root, train=True, download=True)",
            "train = loaders()",
        )),
        Example(cells=(
            "import os\nhome = os.path.expanduser(os.environ.get('PROJECT_HOME', '.'))",
            "mask = df.query('~flag')\nlabel = 'content/type'\ndrive = 'C:'",
        )),
        Example(cells=("url = 'https://example.com/home/alice/x.csv'\nprint('/homework')",)),
        # A dataset root the download creates, in the home of whoever runs it.
        Example(cells=("from torchvision import datasets\ntrain = datasets.MNIST('~/.pytorch/MNIST_data/', download=True)",)),
        # Colab-only code: the Colab detection cell, and a branch taken only on Colab.
        Example(cells=(
            "try:\n    from google.colab import drive\n    drive.mount('/content/drive')\n    COLAB = True\nexcept ImportError:\n    COLAB = False",
            "if COLAB:\n    PATH = '/content/drive/My Drive/data'\nelse:\n    PATH = 'data'",
        )),
        # The `else:` of a negated Kaggle test runs only on Kaggle (fair check 37, items 94-100).
        Example(cells=(
            "import os\nimport pandas as pd\nON_KAGGLE = os.getenv('KAGGLE_KERNEL_RUN_TYPE') is not None",
            "competition = 'digit-recognizer'\nif not ON_KAGGLE:\n    train_path = 'data/train.csv'\nelse:\n"
            "    train_path = f'/kaggle/input/{competition}/train.csv'\ntrain = pd.read_csv(train_path)",
        )),
        # The hosted runtime's home (`/root`, `~`) in a branch taken only on Colab.
        Example(cells=(
            "import os, sys\nIS_COLAB = 'google.colab' in sys.modules\nif IS_COLAB:\n    !unzip protoc-25.1-linux-x86_64.zip -d /root/.local\n    os.environ['PATH'] += ':/root/.local/bin'\n    !cp ~/cache/weights.h5 .",
        )),
        # Where the Kaggle API and boto3 read their credentials, on every machine: not data paths.
        Example(cells=(
            "from pathlib import Path\ncred_path = Path('~/.kaggle/kaggle.json').expanduser()",
            "!mkdir -p ~/.kaggle\n!cp kaggle.json ~/.kaggle/\naws = open(os.path.expanduser('~/.aws/credentials'))",
        )),
        # The login shell's own start-up file, there for whoever runs it.
        Example(cells=("!echo 'export PATH=$HOME/bin:$PATH' >> ~/.bashrc\n!source ~/.bash_profile",)),
        # The Hub's token file read in a command substitution: the `)` closes `$( )`, it is not part
        # of the file's name (fair check 29, item 79).
        Example(cells=(
            "%%bash\ndocker run -d -e HF_TOKEN=$(cat ~/.cache/huggingface/token) ghcr.io/huggingface/text-generation-inference:3.0.1\nexport HUB_TOKEN=`cat ~/.huggingface/token`",
        )),
        # A user's folder joined only into a name nothing reads: no disk is touched, nothing to
        # configure (fair check 41, item 81: unused-path-constant).
        Example(cells=(
            "import os\nimport seaborn as sns\nBASE_DIR = '/Users/alice/projects/data'\nFILE_DIR = ''\npath = os.path.join(BASE_DIR, FILE_DIR)",
            "df = sns.load_dataset('titanic')",
        )),
        # A function called only from the `else:` of `if RUN_DOWNLOAD:` below `RUN_DOWNLOAD = True`,
        # bound once: no run as saved calls it (fair check 44, items 99, 109, 110:
        # setting-on-else-branch-not-taken).
        Example(cells=(
            "import pandas as pd\nRUN_DOWNLOAD = True",
            "def read_mounted():\n    return pd.read_csv('/kaggle/input/fraud-comp/train.csv')\n\n"
            "def read_downloaded():\n    return pd.read_csv('data/train.csv')\n\n"
            "if RUN_DOWNLOAD:\n    train = read_downloaded()\nelse:\n    train = read_mounted()",
        )),
        # Kaggle's folders used only where an existence test finds them, the other arm (or the
        # caller) falling back: a check for the platform, like `if IN_KAGGLE:` (fair check 44, items
        # 97, 103, 106: exists-guarded-kaggle-output-dir, exists-probed-kaggle-input-with-fallback).
        Example(cells=(
            "from pathlib import Path\nOUTPUT_DIR = Path('/kaggle/working') if Path('/kaggle/working').exists() else Path.cwd()",
            "def mounted_input(competition):\n    direct = Path('/kaggle/input') / competition\n"
            "    if direct.exists() and (direct / 'train.csv').exists():\n        return direct\n"
            "    if Path('/kaggle/input').exists():\n        for m in sorted(Path('/kaggle/input').glob(f'*{competition}*')):\n"
            "            return m\n    return None\n\n"
            "DATA_DIR = mounted_input('playground') or Path('data')",
        )),
        # A user's folder last in a list of candidates probed through a join after working-folder ones
        # (fair check 44, item 104: exists-probed-fallback-location).
        Example(cells=(
            "from pathlib import Path\ncandidates = [Path.cwd(), Path.cwd() / 'comp', Path('/Users/alice/work/comp')]\n"
            "BASE_DIR = next((c for c in candidates if (c / 'data' / 'train.csv').exists()), None)",
        )),
    )
    failing = (
        Example(
            cells=("import pandas as pd\ndf = pd.read_csv('/home/alice/data/train.csv')",),
            expect=((1, 2),),
        ),
        # The same helper called with `file=`: the write runs (fair check 33, item 70's live line).
        Example(
            cells=(
                "import os\nimport matplotlib.pyplot as plt\ndef plot_loss(history, file=None):\n    plt.plot(history)\n"
                "    if file:\n        plt.savefig(f\"/Users/{os.environ['USER']}/Desktop/{file}.pdf\")\n    plt.show()",
                "plot_loss(history, file='loss')",
            ),
            expect=((1, 6),),
        ),
        Example(
            cells=(
                "import os\nbase = os.path.join('/Users/bob', 'x')\nuser = 'bob'",
                "p = f'/home/{user}/models'\nwin = r'C:\\Users\\bob\\data.csv'\nwin2 = 'C:\\\\Users\\\\bob\\\\out.csv'",
                "bad = 'C:\\Users\\bob\\notes.txt'",  # not valid Python 3: still found in the source
            ),
            expect=((1, 2), (2, 1), (2, 2), (2, 3), (3, 1)),
        ),
        Example(
            cells=(
                "from google.colab import drive\ndrive.mount('/content/drive')",
                "!mkdir -p ~/projects/data\n!cp train.csv ~/projects/data/",
                "%cd /content/drive/MyDrive/project",
                "train = '/kaggle/input/titanic/train.csv'\nspark_df = spark.read.csv('/dbfs/FileStore/x.csv')",
            ),
            expect=((1, 2), (2, 1), (2, 2), (3, 1), (4, 1), (4, 2)),
        ),
        # One shell line with three Colab paths: one command to fix, one finding.
        Example(
            cells=("!ffmpeg -y -i /content/frames/%04d.png /content/renders/run.mp4 -vf palette=/content/palette.png",),
            expect=((1, 1),),
        ),
        # A folder named by itself, and later paths under it (another cell, a shell line): one finding.
        Example(
            cells=(
                "write_dir = '/home/dana/'\n!mkdir -p ~/corpora",
                "import numpy as np\nvectors = np.load('/home/dana/vectors.npy')\n!cp reviews.zip ~/corpora/reviews.zip",
            ),
            expect=((1, 1), (1, 2)),
        ),
        # Two files of one credentials folder read in one cell: one folder to configure, one finding.
        Example(
            cells=("user = open('/home/alice/creds/user').read()\nkey = open('/home/alice/creds/key').read()\nindex = open('/home/alice/cache/index').read()",),
            expect=((1, 1), (1, 3)),
        ),
        # Two Kaggle datasets read in one blend: one input root to configure, one finding; the
        # keywords of one call, and that folder handed on in the next cell, are one folder's.
        Example(
            cells=(
                "import pandas as pd\nmain = pd.read_csv('/kaggle/input/road-risk/train.csv')\noof = pd.read_csv('/kaggle/input/alice-oof-preds/oof.csv')",
                "model.download_mojo(path='/home/alice/work/mojo/model.zip',\n                    genmodel_name='/home/alice/work/mojo/genmodel.jar')",
                "scores = score_folder('/home/alice/work/mojo/')",
            ),
            expect=((1, 2), (2, 1)),
        ),
        # A Colab `/content/…` path naming the file a relative path writes: one finding, the
        # relative write related (fair check 22).
        Example(
            cells=(
                "model.save('final_model.h5')",
                "import tensorflow as tf\nloaded = tf.keras.models.load_model('/content/final_model.h5')\npreds = loaded.predict(batch)",
            ),
            expect=((2, 2),),
        ),
        # The root user's home outside a hosted-only branch: every machine but Colab and Kaggle lacks it.
        Example(
            cells=("import os, sys\nIS_COLAB = 'google.colab' in sys.modules\nif not IS_COLAB:\n    !unzip protoc-25.1-linux-x86_64.zip -d /root/.local",),
            expect=((1, 4),),
        ),
        # Colab's mounted Drive read through the working directory `/content`, and a copy made out
        # of it: the mount's finding, the reads related (fair check 28, items 101, 102, 109, 113);
        # a `/content/<folder>` the notebook also names relatively: one folder on Colab (item 91).
        Example(
            cells=(
                "from google.colab import drive\ndrive.mount('/content/drive')",
                "key = open('drive/MyDrive/files/api_key.txt').read()",
                "!cp 'drive/MyDrive/files/org.txt' 'org.txt'\norg = open('org.txt').read()",
                "import os\ntoken_dir = '/content/KantaiBERT'\nos.makedirs(token_dir, exist_ok=True)\ntokenizer.save_model('KantaiBERT')",
            ),
            expect=((1, 2), (4, 2)),
        ),
        # The same through a root constant (fair check 29, item 94): the message names it.
        Example(
            cells=(
                "import glob\nimport pandas as pd\nfrom google.colab import drive\ndrive.mount('/content/drive')",
                "path = 'drive/My Drive/leaf-classification/'",
                "images = glob.glob(path + 'images/*.jpg')\ntrain = pd.read_csv(path + 'train.csv')",
            ),
            expect=((1, 4),),
        ),
        # A change into a user's folder: a later cell's relative read resolves there, this finding's
        # related location (fair check 35, item 106).
        Example(
            cells=("import os\nos.chdir('/home/nick/models/inception-v1-model/')", "from PIL import Image\nimg = Image.open('book_cover.jpg')"),
            expect=((1, 2),),
        ),
        # A home folder read before the notebook makes it: one user's files (fair check 35, item 74's limit).
        Example(
            cells=("import os\nimport pandas as pd\ndf = pd.read_csv(os.path.expanduser('~/data/train.csv'))\n"
                   "os.makedirs(os.path.expanduser('~/data'), exist_ok=True)",),
            expect=((1, 3),),
        ),
        # A Drive mounted elsewhere than `/content/drive` is still a Drive folder, and its mount point is
        # said once, not counted as another path (fair check 40, item 68's wording).
        Example(
            cells=(
                "from google.colab import drive\ndrive.mount('/content/Jacob')",
                "import torch\nPATH = '/content/Jacob/MyDrive/Colab Notebooks/net.pth'\n"
                "state = torch.load('/content/Jacob/MyDrive/Colab Notebooks/net.pth')",
            ),
            expect=((2, 2),),
        ),
        # ... and read where the joined path is used: the finding stays (the limit of fair check 41, item 81).
        Example(
            cells=("import os\nimport pandas as pd\nBASE_DIR = '/Users/alice/projects/data'\nFILE_DIR = 'titanic.csv'\n"
                   "path = os.path.join(BASE_DIR, FILE_DIR)", "df = pd.read_csv(path)"),
            expect=((1, 3),),
        ),
        # The folder the project's own helper joins the notebook's name under, at the call; the helper's
        # line related (fair check 41, items 98, 118).
        Example(
            cells=("import sys\nsys.path.append('/home/dana/projects/churn/helpers')",
                   "from frames import FrameLoader\nloader = FrameLoader()", "df = loader.load_ml(file_dir='churn.csv')"),
            files={"helpers/frames.py": "import os\nimport pandas as pd\n\nclass FrameLoader:\n    def __init__(self):\n"
                                        "        self.ML_DIR = '/home/dana/projects/churn/ml-data'\n\n    def load_ml(self, file_dir):\n"
                                        "        path = os.path.join(self.ML_DIR, file_dir)\n        return pd.read_csv(path)\n"},
            expect=((1, 2), (3, 1)),
        ),
        # The same function called where the switch is on: it runs (the limit of fair check 44, item 99);
        # and a Kaggle folder whose test looks at another folder, or at none, is used everywhere.
        Example(
            cells=(
                "import pandas as pd\nRUN_DOWNLOAD = False",
                "def read_mounted():\n    return pd.read_csv('/kaggle/input/fraud-comp/train.csv')\n\n"
                "def read_downloaded():\n    return pd.read_csv('data/train.csv')\n\n"
                "if RUN_DOWNLOAD:\n    train = read_downloaded()\nelse:\n    train = read_mounted()",
                "from pathlib import Path\nOUT = Path('/kaggle/working/out') if Path('data').exists() else Path('out')",
            ),
            expect=((2, 2), (3, 2)),
        ),
        # A folder under /home named like the package imported below: a checkout (a container's mount
        # or a home), said so (fair check 43, items 83-93: "a home directory" of a Docker mount).
        Example(cells=("import sys\nsys.path.append('/home/tabkit')\nimport tabkit",), expect=((1, 2),)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        user = (
            f for f in literal_findings(ctx)
            # `~/.pytorch/MNIST_data` given to `download=True`: created for whoever runs it (PTH007
            # reports the download itself).
            if f.path_class.kind == "user" and not (f.value.startswith("~") and (_downloads_into(f) or _default_download_root(f)))
            # `output_dir = os.path.expanduser("~/train_dir/")` given to `training.Loop(..., output_dir=…)`,
            # which makes it: created for whoever runs it, as the download root above (fair check 35, item 74).
            and not (f.value.startswith("~") and any(_under(_normal_path(f.value), d) for d in _created_home_folders(ctx)))
            # A path inside a pipeline component's container (its mounts), not on this machine.
            and not _in_container(ctx, f)
            # A path under a volume a Kubernetes manifest of the notebook mounts in its pods.
            and (f.ca.cell.index, f.line, f.column) not in _manifest_mounted(ctx)
            # A Colab or Kaggle path in code that runs only there (`if COLAB:`, after `from
            # google.colab import drive` in the detection `try:`): the platform's own layout. Both
            # run the kernel as root with its home `/root`, so `!unzip protoc.zip -d /root/.local`
            # under `if IS_COLAB:` is the runtime's own folder too (handson-ml3's protobuf set-up;
            # read from the tree, so that `if not IS_COLAB:` is the local branch).
            and not (f.value.startswith(("/content", "/kaggle/")) and _hosted_line(f.ca, f.line))
            and not (f.value.startswith(("/root/", "~/")) and _hosted_place(f.ca, f.line, f.column))
            # Kaggle's template listing of its input mount, printed only.
            and not _printed_walk(f)
            # A candidate location the notebook probes (`.exists()`) after a configured one.
            and (f.ca.cell.index, f.line, f.column) not in _probed_candidates(ctx)
            # A parameter default every call of the function overrides: never used.
            and not _overridden_default(ctx, f)
            # `path = '/content/' + fn` over a Colab upload's files: where the upload saved them,
            # related to PTH007's upload finding (fair check 30, items 69, 70).
            and not _upload_save_location(ctx, f)
            # `BASE_DIR = "/Users/…"` joined only into names nothing reads (fair check 41, item 81).
            and not (f.argument is None and _unused_path_constant(ctx, f))
        )
        # One shell line is one command to fix (`!ffmpeg -i /content/a/*.png /content/out.mp4`), as
        # for PTH001: its second and later paths are related locations of the first one's finding.
        by_line: dict[tuple[int, int], list[LiteralFinding]] = {}
        for group in _by_value(user):
            first = group[0]
            at = (first.ca.cell.index, first.line) if first.source == "shell" else (-1, id(group))
            if at in by_line:
                by_line[at].extend(group)
                continue
            by_line[at] = group
        roots = path_settings(ctx.catalog).hosted_roots
        changes = {(ca.cell.index, line) for ca, call in directory_changes(ctx) for line in range(call.line, call.end_line + 1)}
        edits_by_literal = _sys_path_entries(ctx)
        folded = _one_group_per_drive(_fold_one_folder(by_line.values(), roots, changes, settings_share_folder=True), changes)
        for f, *others in folded:
            # `drive.mount("/content/drive")` first, then `file_path = "/content/drive/My Drive/"`:
            # the data root the notebook reads is the path to configure, the mount its set-up
            # (fair check 18, item 102). The finding names that root; the mount is related.
            mounted = ""
            detail = f.path_class.detail
            if _mount_point(ctx, f):
                data = next((o for o in others if not _mount_point(ctx, o)), None)
                if data is not None:
                    mount = f
                    f, others = data, [mount, *(o for o in others if o is not data)]
                    mounted = f"; the Drive is mounted by `drive.mount({shown(mount.value)})` (related)"
                    detail = f.path_class.detail
                    if _normal_path(mount.value) != "/content/drive" and _under(_normal_path(f.value), _normal_path(mount.value)):
                        # `drive.mount('/content/Jacob')`, then '/content/Jacob/MyDrive/…': a Drive folder
                        # mounted elsewhere than `/content/drive`, not Colab's working directory (fair check
                        # 40, item 68's wording).
                        detail = f"a Google Drive folder mounted in Colab at {shown(mount.value)}"
            root = next((m.group(0) for m in (p.match(_normal_path(f.value)) for p in roots) if m), None)
            # (the mount point is said apart, not one of the "other paths"; fair check 40, item 68)
            counted = [o for o in others if not _mount_point(ctx, o)] if mounted else others
            if root is None and _drive_path(f.value):
                # (the Drive's data paths; its mount point is the set-up, said below)
                counted = [o for o in others if not _mount_point(ctx, o)]
                root = _common_folder([o.value.replace("\\", "/") for o in (f, *counted)]) if counted else None
            count = len({_normal_path(o.value) for o in counted} - {_normal_path(f.value)})
            also = (f"; so {'is' if count == 1 else 'are'} the notebook's {count} other path{'' if count == 1 else 's'} "
                    f"under {shown(root)} (related): one root to configure") if root is not None and count else ""
            # Kaggle's input mount holds one folder per attached dataset: one root to configure,
            # the dataset folders stay sub-folders of it (fair check 13).
            datasets = sorted({
                parts[0] for parts in (_normal_path(o.value)[len(root):].strip("/").split("/") for o in (f, *others))
                if parts[0] and "{" not in parts[0]
            }) if root == "/kaggle/input" else []
            if also and len(datasets) > 1:
                also += f" (datasets {', '.join(shown(d) for d in datasets[:6])}{' …' if len(datasets) > 6 else ''})"
            joined = _home_joined(f)
            later: tuple[tuple[Cell, int, int], ...] = ()
            edits = [e for o in (f, *others) for e in edits_by_literal.get((o.ca.cell.index, o.line, o.column), ())]
            # (an edit on the finding's own line, `sys.path.append('/Users/…/utils')`, is that line: no
            # related location of its own, fair check 41, items 76, 77, 86)
            elsewhere = [(c, e) for c, e in edits if (c.index, e.line) != (f.ca.cell.index, f.line)]
            package = re.fullmatch(r"/home/([A-Za-z_]\w*)/?", _normal_path(f.value)) if edits else None
            if package is not None and any(
                    imp.level == 0 and imp.top_level == package.group(1) and (at.cell.index, imp.line) > (f.ca.cell.index, f.line)
                    for at, imp in ctx.facts.imports):
                # `sys.path.append('/home/mlmachine')`, then `import mlmachine`: a folder named for the
                # package, most likely a container's mount of its checkout rather than a user's home
                # (fair check 43, items 83-93's wording).
                detail = (f"a folder under /home named like the `{package.group(1)}` package the imports below use: one "
                          "machine's checkout of it (a container's mount or a user's home)")
            on_path = (f"; `{render_call(elsewhere[0][1])}` also puts it on the import path (related)" if elsewhere
                       else "; the line puts it on the import path: a folder of code the imports below are looked up in"
                       if edits else "")
            if (f.source == "shell" and _cd_line(f.ca, f.line)) or (f.source == "python" and _chdir_literal_line(ctx, f.ca, f.line)):
                # `%cd /content/zoo/`: the change of directory into it is this line too (PTH004
                # leaves it here: one line, one fix; fair check 16, item 97).
                on_path += "; the line also makes it the working directory, so the relative paths below depend on it"
                later = _reads_after_absolute_chdir(ctx).get((f.ca.cell.index, f.line), ()) if f.source == "python" else ()
                if later:
                    # (fair check 35, item 106: `Image.open('book_cover.jpg')` cells below resolves here)
                    on_path += (f"; {len(later)} relative path{'' if len(later) == 1 else 's'} of later cells "
                                f"resolve{'s' if len(later) == 1 else ''} against it (related)")
            tied = (
                # `~` itself exists for everyone: what is one user's is the layout joined onto it.
                "is the home folder of whoever runs it, and the path joined onto it is one user's layout, which exists "
                "nowhere else" if joined else
                # `f"/Users/{os.environ['USER']}/Desktop"`: the user is whoever runs it, the layout is
                # macOS's (fair check 33, items 69, 70).
                f"is tied to one machine's layout — {f.path_class.detail}, the user's name filled in at run time — "
                "and does not exist on other systems" if _USER_HOLE.match(_shown_literal(ctx, f)) else
                f"is tied to one user or machine — {detail} — and does not exist anywhere else"
            )
            hit = _hit(
                f,
                f"Path {_shown_literal(ctx, f)}{joined}{_where(f)} {tied}{_escape_note(f)}{also}{mounted}{on_path}",
                _code_folder_fix(ctx, f) if edits else _environment_fix(f) or (
                    _CONFIG_FIX + " Keep user- and machine-specific locations out of the code."),
                others,
            )
            if elsewhere:
                hit = replace(hit, related=tuple(dict.fromkeys([*hit.related, *((c, e.line, e.column) for c, e in elsewhere)])))
            if later:
                hit = replace(hit, related=tuple(dict.fromkeys([*hit.related, *later])))
            climbed = _climbed_twins(ctx, (f, *others))
            if climbed:
                # `'../ml_3/train.csv'` beside `'/Users/bt/Documents/turing/ml_3/test.csv'`: the one data
                # folder, reached from the notebook's folder and spelled absolutely (fair check 38, item
                # 115: two findings, unrelated). PTH006 keeps its finding; this one names it.
                first_up = climbed[0]
                verb = _TWIN_VERBS.get(first_up.argument.direction, "uses") if first_up.argument is not None else "names"
                hit = replace(
                    hit,
                    message=hit.message + (
                        f"; the notebook also {verb} {shown(first_up.value)} at cell {first_up.ca.cell.index} (related), "
                        "a relative path climbing into a folder of the same name: most likely the same data folder, "
                        "one root to configure"),
                    related=tuple(dict.fromkeys([*hit.related, *((c.ca.cell, c.line, c.column) for c in climbed)])),
                )
            twins = [(t, kind) for o in (f, *others) for h, ts, kind in _colab_twins(ctx).values() if h is o for t in ts]
            if twins:
                first_twin, kind = min(twins, key=lambda t: (t[0].ca.cell.index, t[0].line))
                # (a root constant's literal has no call of its own: the notebook names it there)
                verb = _TWIN_VERBS.get(first_twin.argument.direction, 'uses') if first_twin.argument is not None else "names"
                said = {
                    "file": f"; it is the file the notebook {verb} as {shown(first_twin.value)} at cell {first_twin.ca.cell.index} "
                            "(related), which is the same file only where the working directory is Colab's `/content`",
                    "folder": f"; it is the folder the notebook {verb.replace('reads', 'uses')} as {shown(first_twin.value)} at cell "
                              f"{first_twin.ca.cell.index} (related), which is the same folder only where the working directory is Colab's `/content`",
                    "drive": f"; the notebook {verb} {shown(first_twin.value)} at cell {first_twin.ca.cell.index} (related) "
                             "through Colab's working directory `/content`, that is inside this mount: the same dependency",
                    "copy": f"; {shown(first_twin.value)}, which the notebook {verb} at cell {first_twin.ca.cell.index} (related), "
                            "is a copy a shell line makes from inside this mount: the same dependency",
                }[kind]
                hit = replace(hit, message=hit.message + said,
                              related=tuple(dict.fromkeys([*hit.related, *((t.ca.cell, t.line, t.column) for t, _ in twins)])))
            yield hit
        yield from _helper_base_hits(ctx, "user")


_TWIN_VERBS = {"read": "reads", "write": "writes", "both": "writes"}


def _climbed_twins(ctx: RuleContext, group: Sequence[LiteralFinding]) -> list[LiteralFinding]:
    """The relative paths of catalogued calls that climb out of the notebook's folder into a folder
    named like the folder of one of the group's user-specific paths (`'../ml_3/train.csv'` for
    `'/Users/bt/Documents/turing/ml_3/test.csv'`): the author's one data folder, spelled two ways."""
    names = {
        parts[-2] for parts in (_normal_path(o.value).split("/") for o in group)
        if len(parts) >= 3 and "{" not in parts[-2] and parts[-2] not in ("", "..")
    }
    # ... and the folder a path names itself (`BASE_DIR_PATH = '/Users/neilb/…/dsci_thesis/Datasets'`,
    # joined with the files it holds), for `'../Datasets/2016_2017.csv'` (fair check 41, item 95)
    names |= {
        parts[-1] for parts in (_normal_path(o.value).split("/") for o in group)
        if len(parts) >= 3 and "{" not in parts[-1] and parts[-1] not in ("", "..") and not _EXTENSION.search(parts[-1])
    }
    if not names:
        return []
    out = []
    for r in literal_findings(ctx):
        if r.path_class.kind != "relative" or r.argument is None or r.source != "python":
            continue
        parts = _normal_path(r.value).split("/")
        ups = 0
        while ups < len(parts) and parts[ups] == "..":
            ups += 1
        if ups and len(parts) - ups >= 2 and parts[ups] in names:
            out.append(r)
    return out

# The Google Drive Colab mounts (`drive.mount("/content/drive")`, also from Colab's file pane).
_DRIVE_PATH = re.compile(r"^/content/(g?drive)(/|$)")


def _drive_path(value: str) -> bool:
    return _DRIVE_PATH.match(_normal_path(value)) is not None


def _one_group_per_drive(groups: list[list[LiteralFinding]], directory_changes: Collection[tuple[int, int]]) -> list[list[LiteralFinding]]:
    """The paths a notebook names in the author's Google Drive (`/content/drive/MyDrive/LayoutLMv2/…/
    train.pkl`, then `image_dir = '…/CORD/train/image/'`, `'…/dev/image/'`, a checkpoint folder) are
    one root to configure, the Drive folder the notebook works in, whether or not a `drive.mount`
    call is seen (Drive mounted from Colab's file pane): one finding at the first, the others related,
    as for the other hosted roots (fair check 24: hosted-root-split-per-use). A change of directory
    into the Drive (`%cd /content/drive/MyDrive/x`) stays a finding of its own."""
    out: list[list[LiteralFinding]] = []
    drive: Optional[int] = None
    for group in groups:
        first = group[0]
        if _drive_path(first.value) and (first.ca.cell.index, first.line) not in directory_changes \
                and not (first.source == "shell" and _cd_line(first.ca, first.line)):
            if drive is not None:
                out[drive].extend(group)
                continue
            drive = len(out)
        out.append(list(group))
    return out


def _common_folder(paths: Sequence[str]) -> str:
    """The deepest folder every path lies in (`/content/drive/MyDrive/x/a.pkl`, `/content/drive/
    MyDrive/x/b/` → `/content/drive/MyDrive/x`)."""
    # (a path's last name is a file's unless it was written as a folder)
    folders = [_normal_path(p).split("/")[: None if p.endswith("/") else -1] for p in paths]
    common: list[str] = []
    for names in zip(*folders):
        if any(n != names[0] for n in names):
            break
        common.append(names[0])
    return "/".join(common) or "/"


def _colab_twins(ctx: RuleContext) -> dict[str, tuple[LiteralFinding, list[LiteralFinding], str]]:
    """Relative paths of catalogued calls that a Colab working-directory path of the notebook also
    names, by the relative path: the `/content/…` literal, the relative ones, and how they meet. On
    Colab the working directory is `/content`, so both are one place, and the line that breaks off
    Colab is the absolute one: PTH002 reports it with the relative uses related, PTH006 leaves the
    path. `"file"`: `model_4.save("final_model.h5")`, then `load_model("/content/final_model.h5")`
    (fair check 22: colab-content-twin-split). In a Colab-shaped notebook (`_colab_shaped`), also
    `"folder"`: `token_dir = '/content/KantaiBERT'`, then `tokenizer.save_model('KantaiBERT')` and
    `"./KantaiBERT/vocab.json"` (fair check 28, item 91); `"drive"`: after
    `drive.mount('/content/drive')`, `open("drive/MyDrive/files/api_key.txt")` reads the mounted
    Drive through that folder (fair check 28, items 102, 109, 113); `"copy"`: the file a shell line
    copies out of it, `!cp "drive/MyDrive/files/api_key.txt" "api_key.txt"`, then
    `open("api_key.txt")` (item 101). A hosted literal in code that runs only on Colab is no
    PTH002 finding, and has no new twins."""
    def compute() -> dict[str, tuple[LiteralFinding, list[LiteralFinding], str]]:
        found = literal_findings(ctx)
        colab = _colab_shaped(ctx)
        hosted: dict[str, LiteralFinding] = {}
        folders: dict[str, LiteralFinding] = {}
        mounts: dict[str, LiteralFinding] = {}  # `drive` → the mount point's literal, `/content/drive`
        for f in found:
            path = _normal_path(f.value)
            if f.path_class.kind == "user" and f.source == "python" and path.startswith("/content/"):
                rest = path[len("/content/"):].strip("/")
                if not rest or "{" in rest:
                    continue
                if colab and not _hosted_line(f.ca, f.line) and "/" not in rest and _mount_point(ctx, f):
                    mounts.setdefault(rest, f)
                elif path.startswith("/content/drive"):
                    continue
                elif "." in rest.rpartition("/")[2]:
                    hosted.setdefault(rest, f)
                elif colab and not _hosted_line(f.ca, f.line):
                    folders.setdefault(rest, f)
        copies: dict[str, LiteralFinding] = {}
        if mounts:
            for ca in ctx.cells:
                for magic in ca.magics:
                    if magic.kind != "shell" or magic.name != "cp":
                        continue
                    copied = _shell_copy(magic.args)
                    if copied is None:
                        continue
                    source, target = (_normal_path(p) for p in copied)
                    source = source[len("/content/"):] if source.startswith("/content/") else source
                    mount = mounts.get(source.split("/")[0])
                    if mount is not None and "/" in source and not target.startswith(("/", "~", "..")):
                        copies.setdefault(target or source.rpartition("/")[2], mount)  # (`cp x/key.txt .`: `key.txt`)
        twins: dict[str, tuple[LiteralFinding, list[LiteralFinding], str]] = {}
        # A root constant into the mounted Drive (`path = 'drive/My Drive/leaf-classification/'`, then
        # `glob.glob(path + 'images/*.jpg')`): its literal is such a path too (fair check 29, item 94).
        # (its literal, which has no call of its own, and its uses, each at its call)
        analyses = {ca.cell.index: ca for ca in ctx.cells}
        for uses in CwdRelativePath._constant_uses(ctx).values() if mounts else ():
            constant = uses[0][0]
            path = _normal_path(constant.value)
            if path.split("/")[0] in mounts and "/" in path:
                twins.setdefault(path, (mounts[path.split("/")[0]], [], "drive"))[1].extend([
                    LiteralFinding(constant.ca, constant.line, constant.column, constant.line, constant.value, PathClass("relative")),
                    *(LiteralFinding(analyses[_cell_of(ctx, pa)], pa.call.line, pa.call.column, pa.call.line, value,
                                     PathClass("relative"), argument=pa) for _, value, pa in uses),
                ])
        for f in found:
            path = _normal_path(f.value)
            if f.path_class.kind != "relative" or f.argument is None or f.source != "python":
                continue
            if path in hosted:
                twins.setdefault(path, (hosted[path], [], "file"))[1].append(f)
                continue
            head = path.split("/")[0]
            if head in mounts and "/" in path:
                twins.setdefault(path, (mounts[head], [], "drive"))[1].append(f)
            elif path in copies:
                twins.setdefault(path, (copies[path], [], "copy"))[1].append(f)
            else:
                folder = next((r for r in (path, *_parent_folders(path)) if r in folders), None)
                if folder is not None:
                    twins.setdefault(path, (folders[folder], [], "folder"))[1].append(f)
        return twins
    return ctx.shared("paths.colab_twins", compute)


def _parent_folders(path: str) -> Iterator[str]:
    """`a/b/c.txt` → `a/b`, `a`."""
    while "/" in path:
        path = path.rpartition("/")[0]
        yield path


def _shell_copy(args: str) -> Optional[tuple[str, str]]:
    """(source, target) of a shell line `cp [options] SOURCE TARGET` with one source (`args` as a
    shell line's, the program first), else None."""
    try:
        words = shlex.split(args)
    except ValueError:
        return None
    operands = [w for w in words[1:] if not w.startswith("-")]
    if len(operands) != 2 or any(c in args for c in "|;&>$`"):
        return None
    return operands[0], operands[1]


def _colab_shaped(ctx: RuleContext) -> bool:
    """Is the notebook written for Colab: it imports `google.colab`, or a code cell holds Colab's
    form annotations (`#@title`, `#@param`, `#@markdown`)?"""
    return ctx.shared("paths.colab_shaped", lambda: any(
        (imp.module or "").startswith("google.colab") for _, imp in ctx.facts.imports
    ) or any(_COLAB_FORM.search(ca.cell.source) for ca in ctx.cells))


_COLAB_FORM = re.compile(r"#\s*@(?:title|param|markdown)\b")


def _mount_point(ctx: RuleContext, f: LiteralFinding) -> bool:
    """Is the literal the mount point given to Colab's `drive.mount(...)`?"""
    return f.source == "python" and any(
        call.line <= f.line <= call.end_line and call.method == "mount"
        and ctx.facts.resolve(call.func).startswith("google.colab.drive")
        for call in f.ca.facts.calls
    )


def _cd_line(ca: CellAnalysis, line: int) -> bool:
    """Is the cell's line a `%cd`/`%pushd` magic (or `cd` automagic)?"""
    return any(m.line == line and m.kind in ("line_magic", "automagic") and m.name in _CHDIR_MAGICS for m in ca.magics)


def _chdir_literal_line(ctx: RuleContext, ca: CellAnalysis, line: int) -> bool:
    """Is the cell's line a `%cd` magic (`_cd_line`) or a change of directory to a literal folder
    (`os.chdir("/content/gpt-2")`)? Such a line into a folder PTH002 reports is that finding's (fair
    check 28, items 88–90)."""
    return _cd_line(ca, line) or any(
        c is ca and call.line == line and (first := call.arg(0, ("path",))) is not None and first.string is not None
        for c, call in directory_changes(ctx)
    )


def _user_path_lines(ctx: RuleContext) -> frozenset[tuple[int, int]]:
    """(cell, line) of PTH002's findings, and of the `%cd` lines (or `os.chdir("/content/gpt-2")`)
    among their related locations: the same `%cd /content/` repeated at the top of later cells is
    one root to configure, already listed with the first one's finding (fair check 25, items
    104–106; fair check 28, items 88–90)."""
    return ctx.shared("paths.user_path_lines", lambda: frozenset(_find_user_path_lines(ctx)))


def _find_user_path_lines(ctx: RuleContext) -> Iterator[tuple[int, int]]:
    cells = ctx.analysis_at
    for h in UserSpecificPath().check(ctx):
        if h.cell is not None and h.line is not None:
            yield h.cell.index, h.line
        for cell, line, _ in h.related:
            ca = cells.get(cell.index)
            if ca is not None and line is not None and _chdir_literal_line(ctx, ca, line):
                yield cell.index, line


# --- a local read that falls back on a fetch (fair check 19) -----------------------------------------

_MISSING_FILE_ERRORS = frozenset({"FileNotFoundError", "OSError", "IOError"})


def _catches_missing_file(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(k, ast.Name) and k.id in _MISSING_FILE_ERRORS for k in kinds)


@dataclass(frozen=True)
class CommittedCopyFallback:
    """`try: pd.read_csv('../data/x.csv')` / `except FileNotFoundError: pd.read_csv(DATA_URL + 'x.csv')`
    with `../data/x.csv` a file from the notebook's folder (`ProjectContext.present_fallback_reads`):
    run from its folder the notebook reads the committed copy and fetches nothing; run elsewhere the
    relative read is the cause (PTH006 reports it), the fetch its fallback."""
    cell: Cell
    read_line: int  # the local read's line in the `try` body
    local: str  # the relative path as written
    handler_lines: tuple[int, int]  # the `except` handler's first and last line
    fetch_places: tuple[tuple[int, int], ...]  # (line, column) of the handler's literals naming the file


def committed_copy_fallbacks(ctx: RuleContext) -> tuple[CommittedCopyFallback, ...]:
    present = ctx.project.present_fallback_reads if ctx.project is not None else frozenset()
    if not present:
        return ()
    found: list[CommittedCopyFallback] = []
    for ca in ctx.cells:
        if "except" not in ca.cell.source:
            continue
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for node in tree_nodes(tree):
            if not isinstance(node, ast.Try):
                continue
            handlers = [h for h in node.handlers if h.type is not None and _catches_missing_file(h)]
            if not handlers:
                continue
            reads = [
                n for stmt in node.body for n in ast.walk(stmt)
                if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in present
            ]
            for read in reads:
                name = read.value.rsplit("/", 1)[-1]
                for handler in handlers:
                    # The handler names the same file (`DATA_URL + 'x.csv'`, `f"{URL}/x.csv"`).
                    named = sorted({
                        (n.lineno, n.col_offset) for n in ast.walk(handler)
                        if isinstance(n, ast.Constant) and isinstance(n.value, str) and (n.value == name or n.value.endswith("/" + name))
                    })
                    if named:
                        found.append(CommittedCopyFallback(
                            ca.cell, read.lineno, read.value, (handler.lineno, handler.end_lineno or handler.lineno), tuple(named)))
    return tuple(found)


def _fetch_of_committed_copy(fallbacks: Sequence[CommittedCopyFallback], cell_index: int, line: int, url: str) -> Optional[CommittedCopyFallback]:
    """The fallback whose handler holds this fetch of a URL naming the same file, if any."""
    name = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rpartition("/")[2]
    for fb in fallbacks:
        if (fb.cell.index == cell_index and fb.handler_lines[0] <= line <= fb.handler_lines[1]
                and fb.local.rsplit("/", 1)[-1] == name):
            return fb
    return None


# An OAuth token endpoint (`https://accounts.spotify.com/api/token`, `…/oauth2/v2.0/token`,
# `https://oauth2.googleapis.com/token`, reddit's `…/api/v1/access_token`).
_TOKEN_ENDPOINT = re.compile(r"^https?://[^/?#\s]+(?:/[^?#\s]*)?/(?:access_)?token/?$", re.IGNORECASE)
# The POST a PTH003 message names (`requests.post`, `session.post`).
_POSTED_BY = re.compile(r"by `[\w.]*\bpost`")


def _token_endpoint_post(ctx: RuleContext, hit: Hit) -> bool:
    """Is the finding a URL of an OAuth token endpoint that the notebook only POSTs to
    (`requests.post("https://accounts.spotify.com/api/token", headers=basic_auth, data={"grant_type":
    "client_credentials"})`)? The answer is an access token for the API calls that follow, not a data
    file that can change or disappear; those calls are judged on their own (fair check 42, items 71,
    74, 91: oauth-token-endpoint-not-data)."""
    if hit.cell is None or hit.line is None or not _POSTED_BY.search(hit.message) or " more URL" in hit.message:
        return False  # (a finding standing for other URLs too keeps them)
    ca = ctx.analysis_at.get(hit.cell.index)
    if ca is None:
        return False
    at = [s for s in ca.facts.strings if s.line == hit.line and (hit.column is None or s.column == hit.column)]
    return bool(at) and all(_TOKEN_ENDPOINT.match(s.value) for s in at)


# The GET a PTH003 message names (`requests.get`, `rq.get`, a session's `s.get`).
_GOT_BY = re.compile(r"by `[\w.]*\bget`")
# A web page's URL: no file suffix in its last segment, or a page's own (`.html`, `.php`…); a query and a fragment
# too (a booking form's `…/booking?fecha1_dia=18&…#/`: fair check 42, items 78, 87, 88, 90), unless the query names
# a data format (`?format=csv`, `?file=rates.json`): that is a file, not a page.
_PAGE_URL = re.compile(r"^https?://[^/?#\s]+(?:/[^?#\s]*)?(?:\?[^#\s]*)?(?:#\S*)?$", re.IGNORECASE)
# A query filled in per item (`watch?v={}`: the pages of a list of videos scraped into a data set) is a template, no
# one lesson's page.
_DATA_QUERY = re.compile(r"\?.*(?:\b(?:csv|tsv|json|xlsx?|zip|gz|parquet|xml|txt|pdf|download)\b|\{)", re.IGNORECASE)
_PAGE_SUFFIX = re.compile(r"\.(?:html?|php|aspx?|jsp|nhn|cfm)$|^[^.]*$", re.IGNORECASE)
# A notebook's code saving what it fetches: a binary write, a streamed or copied download.
_SAVES_FETCHED = re.compile(r"""['"][wax]b\+?['"]|urlretrieve|iter_content|copyfileobj|\bwget\b|\bcurl\b""")
_SCRAPING = re.compile(r"scrap", re.IGNORECASE)


def _scraping_lesson_page(ctx: RuleContext, hit: Hit) -> bool:
    """Is the finding a web page a scraping lesson fetches with a GET only to parse it: the notebook
    is about scraping (its path or its markdown says "scrap…": `Curso de WebScraping/…`,
    `ScrapNewsfromIndiaToday.ipynb`), parses HTML with BeautifulSoup, saves nothing it fetches (no
    binary write, `urlretrieve`, streamed or copied download, `wget`/`curl`), and the URL is a page,
    not a file (`https://www.pagina12.com.ar/`, `…/secciones/el-pais`)? Fetching the live site is the
    lesson: nothing to pin or vendor (fair check 42, items 69-90: fetch-is-the-lesson; fair check 29,
    item 82). A scraper that downloads the files a listing page links to (`open(…, "wb")`) stays
    reported (fair check 25, item 100)."""
    if hit.cell is None or hit.line is None or not _GOT_BY.search(hit.message) or " more URL" in hit.message:
        return False
    if not _scraping_notebook(ctx):
        return False
    ca = ctx.analysis_at.get(hit.cell.index)
    if ca is None:
        return False
    at = [s for s in ca.facts.strings if s.line == hit.line and (hit.column is None or s.column == hit.column)]
    return bool(at) and all(_PAGE_URL.match(s.value) and not _DATA_QUERY.search(s.value.split("#", 1)[0]) and _page_name(s.value)
                            for s in at)


def _page_name(url: str) -> bool:
    """Does the URL's last path segment name a page (none, no suffix, `.html`, `.php`…), not a file?"""
    path = url.split("://", 1)[1].partition("/")[2].split("?", 1)[0].split("#", 1)[0]
    last = path.rstrip("/").rpartition("/")[2]
    return not last or bool(_PAGE_SUFFIX.search(last))


def _scraping_notebook(ctx: RuleContext) -> bool:
    """The notebook scrapes HTML as its subject (see `_scraping_lesson_page`)."""
    def compute() -> bool:
        if not any(imp.top_level == "bs4" for _, imp in ctx.facts.imports):
            return False
        if not (_SCRAPING.search(ctx.facts.notebook.path) or any(
                c.cell_type == "markdown" and _SCRAPING.search(c.source) for c in ctx.facts.notebook.cells)):
            return False
        return not any(_SAVES_FETCHED.search(ca.cell.source) for ca in ctx.cells)
    return ctx.shared("paths.scraping_notebook", compute)


class RemoteUri(Rule):
    code = "PTH003"
    quiet_in_reference_sheets = True
    compile_fix = "config"
    name = "remote-uri"
    family = Family.PATHS
    severity = Severity.WARNING
    summary = "A literal names remote storage (s3://, gs://, abfss://, hdfs://…) or a URL the notebook downloads."
    what_it_does = (
        "Reports string literals holding an object-store or cluster URI (`s3://`, `gs://`, `abfs(s)://`, "
        "`az://`, `hdfs://`, `wasbs://` and the other schemes of `rules/paths.toml`) anywhere, including "
        "f-strings and `!aws s3 cp …` lines: one finding per scheme and bucket, at its first URI, the other "
        "URIs of that bucket related (data exported there, listed, read back: the notebook needs the bucket once; "
        "`${BUCKET}` in a `%%bash` cell, `{BUCKET}` in a `!` line or an f-string name one bucket). An `http(s)://` URL is reported only where it is fetched: "
        "passed to a path-taking or download call of `rules/io_calls.toml` (`pd.read_csv`, "
        "`urllib.request.urlretrieve`, `requests.get`, `wget.download`…) or to `!wget`/`!curl` (also run from Python "
        "with literal words: `os.system(\"wget URL\")`, `subprocess.run([\"wget\", URL])`, `get_ipython().system(…)`), "
        "or to a call no catalogue names as its first argument or a path-naming keyword (`path=`, `*_path=`, `*_file=`…: "
        "`TabularDataset(\"https://…/train.csv\")`, `load_pd.load(url)`; PTH006 lists the evidence and the calls never taken), "
        "also through a string constant (`url = \"https://…\"`, then `pd.read_csv(url)`): once per "
        "constant, at its literal, the calls that fetch it related; an upload to a Hugging Face Hub repository the code names "
        "(`dataset_dict.push_to_hub(\"shawhin/youtube-titles-dpo\")`, `model.push_to_hub(repo_id=REPO)` with `REPO` bound once to a literal, "
        "`HfApi().upload_file(…, repo_id=\"org/name\")`), a remote destination that needs that account's write token and that a re-run "
        "overwrites: once per repository id, its later uploads related; not an id from config or the environment, a bare name (the logged-in "
        "user's namespace) or a commit message (`trainer.push_to_hub(\"End of training\")`); a loopback URL (`http://localhost:6572/api/v1`, `127.0.0.1`) fetched so is a service on this machine, no remote data, reported only when no cell could start a service (no background, `serve`, `docker run` or port-forward shell line, no `subprocess`/thread/`uvicorn` call, no `app.run()`): one finding per notebook, the server started by hand before the run; also through a name bound once, at module level, to a list of literal URLs and handed whole to such an argument (`web_paths = [\"https://…/train-images-idx3-ubyte.gz\", …]`, then `Dataset.File.from_files(path=web_paths)`: one download step, at the first URL; when an earlier cell already fetched the same URL by its literal, `urlretrieve(\"https://…/train-images-idx3-ubyte.gz\", …)`, that finding stands for it, the later fetch related) (a URL that starts with such a constant and ends with what "
        "only the run knows, written in the call or in a name bound above it, is reported the same way: `base_url + fn`, "
        "`file_url = base_url + file_name` in a loop over file names, then `urlretrieve(file_url, file_path)`; a URL constant formatted with a name bound several times, `urlretrieve(\"%s/ce10/bigZips/%s\" % (ucsc_site, fn), fn)` after `fn` held another file, takes that name at its last binding above the call, and the file it saves is that download's); a name bound more than once is "
        "followed to its nearest binding above the call, in its cell or, when the cell does not bind it there, "
        "in the nearest cell above that does (`query_url = \"https://…\"` rebound in two cells, each fetched in the "
        "next cell; the same URL fetched so in several cells is one finding, and so are URLs of one remote folder fetched so "
        "(`url = \"https://cdn…/assets/apple/apple-blank.jpg\"` in one cell, `…/apple-ipod.jpg` in another; not queries of one "
        "endpoint, `…/stream?query=…`, each of which asks for other data)); also a URL given to the notebook's own function that downloads that parameter "
        "(`def download_file(url, dest): requests.get(url)`, then `download_file(\"https://…\", …)`, a name whose last plain "
        "binding above is such a literal (`download_read_data(data_path)`), or a `for url in urls:` "
        "loop over a list of literals bound in the cell: the calls of one cell are one download step, and so are the calls of one "
        "such function, in any cell, whose URLs share a folder (a chapter notebook fetching each data set from the book's "
        "repository where it is first used): one finding at the first URL, the list's other URLs and the other calls related; "
        "also a URL of a dict of constant URLs the notebook defines, fetched by its own helper that looks the name up there "
        "(d2l's `DATA_HUB['ptb'] = (DATA_URL + 'ptb.zip', '319d…')` and `def download(name, cache_dir=os.path.join('..', 'data')): "
        "url, sha1_hash = DATA_HUB[name] … requests.get(url)`, called as `download('ptb')` or through a function handing on its "
        "parameter, `download_extract('ptb')`): one finding per registry and URL folder at the first entry fetched, the other "
        "entries, the calls, the helper's fetch and the folder it saves into (that parameter default, not PTH006's) related. "
        "A URL the function fetches only when its file is missing (`name = basename(url)`, then `if not exists(name): "
        "urlretrieve(url, name)`) is not reported when that file is beside the notebook: a book repository that commits its "
        "helpers and data there downloads nothing when run from its folder (the fetch serves a lone copy on Colab); also a URL "
        "given to the notebook's own reader that hands it to a path argument (`def read_data(filename): return "
        "pd.read_parquet(filename)`, then `read_data(input_file)` with `input_file = f\"https://…/trips_{year:04d}.parquet\"` "
        "bound above): one finding per URL, at its literal, the calls and the fetch inside the function related; also a URL "
        "constant the URL starts with, formatted where it is fetched (`url = url_template.format(year=year, month=month)`, then "
        "`pd.read_csv(url)`) at module level or inside the notebook's own function that a cell below calls (`%`, `+` and "
        "f-strings on it too there): one finding at the constant's literal, the fetch and the calls related; likewise a function "
        "fetching each item of a parameter, `def build(urls): for u in urls: requests.get(u)`, given a list of literal URLs or a name "
        "bound once to one, in any cell); also a download call in a loop over literals bound in the cell (`for url in mirrors: "
        "requests.get(url)`, `{name: get_file(name, url) for name, url in img_url.items()}` over a dict of URLs): one "
        "finding at the first URL, the others and the call related. The `http(s)` URLs of the `!wget`/`!curl` "
        "lines of one cell are one download step, and so are the literal URLs given to Python download calls "
        "(`requests.get`, `urlretrieve`, `wget.download`…) in one cell, and the URLs bound to constants in one cell and fetched only by "
        "such calls of one cell (`train_link = \"https://…\"`, `test_link = \"https://…\"`, then `wget.download(train_link, …)`, "
        "`wget.download(test_link, …)`), or by other calls of one cell when they share a remote folder (`train_url`, `test_url` of one "
        "folder, each read by `pd.read_csv`): one finding at the first, the others related (and so are the "
        "reads, by name, of the files such lines save: `!curl -O …/state.npy`, then `np.load(\"state.npy\")`, also from a `%%bash` cell's `curl -o` lines and from a redirect of curl's output (`!curl URL > data/cars.csv`), "
        "the stem of a fetched archive the notebook extracts (`!unzip text8.zip`, then `\"text8\"`) or a file the extraction's saved output lists, and an existence test guarding the download in its cell); "
        "a `wget` or `curl` behind `!cd DIR &&` is a download too, but not a `curl` that only sends data (`-X POST`/`PUT`/`PATCH`/`DELETE`, "
        "`-d`/`--data…`, `-F`/`--form`, `-T`/`--upload-file`, with no `-o`/`-O`, `-G` or output redirection: `!curl -X POST … -d @./upsert.json "
        "https://…/vectors/upsert` writes to a service and downloads nothing); so is one URL "
        "fetched by a literal in several cells (a recap cell reading the data again), and a cell whose `!wget`/`!curl` lines fetch "
        "only URLs earlier cells' shell lines fetch already (the same `!wget …/data.zip` at the top of each self-contained training cell: "
        "related to the finding of the cell that first fetched its first URL; a cell fetching one new URL is a step of its own), "
        "or only files of remote folders earlier cells' shell lines fetch from (`!wget …/main/images/03-steak.jpeg`, then "
        "`!wget …/main/images/03-pizza-dad.jpeg` for another demo: one folder to commit or pin, as for literal URLs fetched from Python; only files of a kind an earlier cell fetched there, `.jpeg` after `.jpeg` (GloVe's `glove.6B.100d.txt` after `training_cleaned.csv` of one folder is a second input of its own); "
        "not an archive or a model's weights, each a data set or model of its own however many of them one folder holds, nor an API's endpoints, `…/v1/export` and `…/v1/search`, a URL with a query or a shell variable; a cell fetching from one new folder is a step of its own). "
        "Not reported inside an `if` testing for Colab or Kaggle (`if IS_COLAB:`, `if \"google.colab\" "
        "in sys.modules:`), after a `from google.colab import …` in a function body, nor in a cell whose opening "
        "comment says to run it only on Colab: such code sets up the hosted runtime (an apt key, a helper script) and "
        "never runs locally or in a pipeline, as DEP003 treats its installs; nor a URL of this machine "
        "(`http://localhost:8000/predict`, `127.0.0.1`): a service the notebook started, not remote data. "
        "Literal URLs of one remote folder fetched in several cells (a demo reading each data set of its repository's "
        "`raw` folder where it is used) are one finding, at the first, the others related (a file at the host's root "
        "names no folder). A URL naming a program's build or installer (`ngrok-stable-linux-amd64.zip`, `Miniconda3-…-Linux-x86_64.sh`, "
        "a `.deb`) is told to install the tool in the environment, not a versioned data folder. A `!wget -nc URL` (no-clobber) whose file is committed beside the notebook is not reported: "
        "run from its folder it downloads nothing (the line serves a lone copy on Colab). A URI given only to `print(…)` "
        "(`print(f\"Bucket: s3://{bucket}/{prefix}\")`) is a message, not a use: not reported. A raw GitHub URL "
        "(`raw.githubusercontent.com/…/cars1.csv`) whose file is committed beside the notebook is the repository fetching "
        "its own file: the message says to read that copy. A fetch in the `except FileNotFoundError:` (`OSError`, `IOError`) "
        "handler of a `try:` that reads the same file by a relative path the repository commits (`try: pd.read_csv(\"../data/x.csv\")` / "
        "`except FileNotFoundError: pd.read_csv(DATA_URL + \"x.csv\")`) downloads nothing when the notebook runs from its folder: "
        "not reported here; PTH006 reports the relative read, the fetch related (a local file the repository lacks keeps the fetch's finding). An `ftp://` URL in a `!wget`/`!curl` line is a download as an http "
        "one is (anonymous FTP needs no credentials): one step with the cell's other fetches, the files it saves read back "
        "related; so are the reads of a file the notebook's own download helper saves under the URL's name (`download_image(url)`, "
        "then `cv2.imread(\"cat.jpg\")`, or `os.listdir(\"bee\")` after `!unzip bee.zip`). URLs of one remote folder bound to "
        "constants in several cells and read where they are used (`url1`, `url2` of one Hugging Face folder) are one finding, as "
        "literal ones are; downloads in another cell stay a step of their own. A web URL whose file name is also a file in the "
        "`data/` folder beside the notebook: the message says a file of that name is committed there. In a Colab detection `try` (`try:` / `from google.colab import files` / … / `except ModuleNotFoundError:`), "
        "the rest of the body after the import runs only on Colab and the handler is the local branch: a URL fetched in both "
        "is reported at the handler's copy, where a name bound in the handler (`url = \"https://…\"`, then "
        "`wget.download(url, path)`) is followed too. An object-store URI whose bucket is the platform's default bucket "
        "(`\"s3://{}/output\".format(sess.default_bucket())`, or `f\"s3://{bucket}/…\"` with `bucket = sess.default_bucket()`; "
        "the first hole after `scheme://` is the bucket, whatever prefix-path hole follows it, in a shell line's `$BUCKET` too) "
        "fixes no bucket in the code: not reported. A URL fetched with a content hash (pooch's `retrieve(url, "
        "known_hash=\"sha256:…\")`, Keras' `get_file(…, file_hash=…)`, `torch.hub.download_url_to_file(…, hash_prefix=…)`, "
        "torchvision's `download_url(…, md5=…)`) is reported saying so: a changed file stops the run instead of changing it, "
        "but the network is needed and the file can disappear (as for a URL pinned to a commit). An OAuth token endpoint "
        "only POSTed to (`requests.post(\"https://accounts.example.com/api/token\", headers=basic_auth, data=grant)`) returns "
        "an access token, not data: not reported (the API calls using the token are). Nor is a web page (no file suffix, or "
        "`.html`, `.php`…; with a query or fragment too, `…/booking?day=18#/`, unless the query names a data format, "
        "`?format=csv`, or is a template filled in per item, `watch?v={}`) a scraping lesson GETs to parse: a notebook whose path or markdown says \"scrap…\", that parses HTML "
        "with BeautifulSoup and saves nothing it fetches (no binary write, `urlretrieve`, streamed or copied download, "
        "`wget`/`curl`): fetching the live site is its subject. A scraper that downloads the files a page links to stays reported."
        " Not a web URL given to a pandas reader right under a markdown heading naming its format as the section's (`### HTML Input` above `pd.read_html(url)`) in a notebook whose headings tour formats that way (three such headings or more: `CSV Input`, `Excel Output`…): reading a web page with the reader is the lesson."
    )
    why_bad = (
        "The notebook silently depends on network access, on credentials that are not in the code, and on "
        "data that can change or vanish between runs; tests and pipelines cannot run it offline, and the "
        "location differs between environments (dev/prod buckets)."
    )
    example = 'df = pd.read_parquet("s3://acme-ml/raw/2024/train.parquet")'
    use_instead = (
        "# config: DATA_URI comes from the environment, credentials from the platform\n"
        'DATA_URI = os.environ["DATA_URI"]\n'
        'df = pd.read_parquet(f"{DATA_URI}/train.parquet")'
    )
    passing = (
        # The same loop when the base comes from the environment: no known start (fair check 20).
        Example(cells=(
            "import os\nimport urllib.request\nbase_url = os.environ['MODEL_MIRROR']",
            "for file_name in ['GoogleNet.ckpt', 'ResNet.ckpt']:\n    file_path = os.path.join(os.environ['CKPT'], file_name)\n"
            "    file_url = base_url + file_name\n    urllib.request.urlretrieve(file_url, file_path)",
        )),
        # SageMaker's per-account default bucket: named by the platform, not the code.
        Example(cells=(
            "import sagemaker\nsess = sagemaker.Session()\nbucket = sess.default_bucket()\n"
            "output_path = f's3://{bucket}/models'\ncheckpoints = 's3://{}/ckpt'.format(sess.default_bucket())",
        )),
        # ... also followed by the prefix path the platform gives, in a shell line, as the first
        # `.format` argument on the next line, or called in the hole (fair check 24).
        Example(cells=(
            "import sagemaker\nsagemaker_session = sagemaker.Session()\nBUCKET = sagemaker_session.default_bucket()\n"
            "default_bucket_prefix_path = ''",
            "base_uri = f's3://{BUCKET}{default_bucket_prefix_path}/abalone'\n"
            "model_path = f's3://{sagemaker_session.default_bucket()}/AbaloneTrain'\n"
            "report_path = 's3://{}/{}'.format(\n    BUCKET, 'reports'\n)",
            "!aws s3 cp edges.csv s3://$BUCKET$default_bucket_prefix_path/lineage-export/",
        )),
        Example(cells=(
            "import os\nimport pandas as pd\nDATA_URI = os.environ['DATA_URI']\ndf = pd.read_parquet(DATA_URI)",
            "# the docs: https://pandas.pydata.org\nhelp_url = 'https://pandas.pydata.org/docs'\nprint('see s3:// docs')",
        )),
        Example(cells=("!pip install git+https://github.com/acme/tool.git\nsession.get('https://api.example.com/v1')",)),
        # A bucket only named in a message: nothing is read or written there.
        Example(cells=("bucket = 'acme-ml'\nprint(f'Bucket: s3://{bucket}/raw')\nprint('gs://acme-ml/models')",)),
        # A model server the notebook started on this machine, queried: not data on the network.
        Example(cells=(
            "!docker run -d -p 8000:8000 acme/model-server:1.4",
            "import requests\nhealth = requests.get('http://localhost:8000/health')\nready = requests.get('http://127.0.0.1:8000/ready')",
            '!curl -X POST "http://localhost:8000/predict" --data-binary "@sample.jpg"',
        )),
        # Fetched only when missing, and committed beside the notebook: nothing is downloaded here.
        Example(
            cells=(
                "from os.path import basename, exists\nfrom urllib.request import urlretrieve\n"
                "def fetch(url):\n    name = basename(url)\n    if not exists(name):\n        urlretrieve(url, name)",
                "fetch('https://example.org/book/raw/main/code/helpers.py')",
            ),
            files={"helpers.py": "def mean(xs):\n    return sum(xs) / len(xs)\n"},
        ),
        # A no-clobber fetch of a file committed beside the notebook: nothing is downloaded here.
        Example(
            cells=("!wget -nc https://example.org/course/data/sunspots.csv",),
            files={"sunspots.csv": "month,count\n1,58\n"},
        ),
        # A Colab-only setup block: it runs on the hosted runtime only.
        Example(cells=(
            (
                'import sys\nIS_COLAB = "google.colab" in sys.modules\nif IS_COLAB:\n'
                "    !curl https://packages.example.com/release.pub.gpg | apt-key add -\n"
                "    !wget -q https://example.com/colab_helpers.py"
            ),
        )),
        # A curl that sends data to a service's endpoint and saves nothing downloads nothing
        # (fair check 27, item 91).
        Example(cells=(
            "!curl -X POST \\\n    https://index-1234.svc.example.io/vectors/upsert \\\n"
            "    -H 'Content-Type: application/json' \\\n    -d @./upsert.json",
            "!curl -F file=@report.pdf https://uploads.example.com/api/files",
        )),
        # A loopback URL of a service a cell starts (`subprocess.Popen("feast serve", …)`, `!mlflow ui &`).
        Example(cells=(
            "import subprocess\nserver = subprocess.Popen('feast serve', shell=True)",
            "import requests\nrequests.get('http://localhost:6566/get-online-features')",
        )),
        # A Hub repository id from the environment, a bare name (the logged-in user's namespace) and a
        # commit message are no repository the code ties the notebook to (fair check 34, T-4.4).
        Example(cells=(
            "import os\nmodel.push_to_hub(os.environ['HF_REPO'])\nmodel.push_to_hub('my-model')\ntrainer.push_to_hub('End of training')",
        )),
        # An OAuth token endpoint POSTed client credentials: a token comes back, not data (fair check
        # 42, items 71, 74, 91).
        Example(cells=(
            "import requests\ntoken_url = 'https://accounts.example.com/api/token'",
            "r = requests.post(token_url, data={'grant_type': 'client_credentials'}, headers=basic_auth)",
            "def get_token(cid, secret):\n    r = requests.post('https://accounts.example.com/api/token', auth=(cid, secret))\n"
            "    return r.json()['access_token']\ntoken = get_token(cid, secret)",
        )),
        # A scraping lesson's page, fetched only to be parsed with BeautifulSoup (fair check 42,
        # items 69-90: fetch-is-the-lesson).
        Example(cells=(
            md("# Web scraping with requests and BeautifulSoup"),
            "import requests\nfrom bs4 import BeautifulSoup\nurl = 'https://news.example.com/'",
            "page = requests.get(url)\nsoup = BeautifulSoup(page.text, 'html.parser')\nlinks = [a['href'] for a in soup.find_all('a')]",
            "note = requests.get('https://news.example.com/2021/05/some-article')\nprint(BeautifulSoup(note.text, 'html.parser').title)",
        )),
        # A booking form's page with its query (and fragment), GET-fetched in a scraping lesson to show what it lacks
        # before a browser renders it (fair check 42, items 78, 87, 88, 90).
        Example(cells=(
            md("# Scraping with Selenium: the flights load with JavaScript"),
            "import requests\nfrom bs4 import BeautifulSoup\nurl = 'https://www.flights.example.com/booking?from=EZE&to=MAD&day=18#/'",
            "r = requests.get(url)\nprint(BeautifulSoup(r.text, 'lxml').prettify()[:500])",
        )),
        # A pandas reader shown on a web page under its format's heading, in a tour of the readers
        # (`### CSV Input`, `### Excel Output`, `### HTML Input`): the lesson (fair check 41, item 87).
        Example(cells=(
            md("# Data Input and Output"), md("### CSV Input"), "import pandas as pd\ndf = pd.read_csv('example.csv')",
            md("### CSV Output"), "df.to_csv('example.csv', index=False)",
            md("### HTML Input\n\nPandas' read_html reads the tables of a web page:"),
            "tables = pd.read_html('https://www.example.gov/failed/banklist.html')",
        )),
    )
    failing = (
        Example(
            cells=("import pandas as pd\ndf = pd.read_parquet('s3://acme-ml/raw/train.parquet')",),
            expect=((1, 2),),
        ),
        # A download behind `!cd DIR &&` (the folder of the files it saves).
        Example(cells=("!cd $out_dir && wget -nc https://example.com/labels.npy",), expect=((1, 1),)),
        Example(
            cells=(
                "bucket = 'acme'\nuri = f'gs://{bucket}/models/latest'\nlake = 'abfss://raw@acme.dfs.core.windows.net/x'",
                "import urllib.request\nurllib.request.urlretrieve('https://example.com/data.zip', 'data.zip')",
                "import requests\nr = requests.get('https://example.com/train.csv')\npd.read_csv('http://example.com/test.csv')",
            ),
            expect=((1, 2), (1, 3), (2, 2), (3, 2), (3, 3)),
        ),
        # Through a constant: reported once, at the constant.
        Example(
            cells=("import urllib.request\nsource = 'https://example.com/archive.tar.gz'", "urllib.request.urlretrieve(source, 'archive.tar.gz')\nurllib.request.urlretrieve(source, 'copy.tar.gz')"),
            expect=((1, 2),),
        ),
        Example(
            cells=("!aws s3 cp s3://acme-ml/raw/train.csv .\n!wget -q https://example.com/weights.h5",),
            expect=((1, 1), (1, 2)),
        ),
        # One URL read again by a recap cell: one finding, the second fetch related.
        Example(
            cells=("import pandas as pd\ntrain = pd.read_csv('https://example.com/train.csv')", "# recap\ntrain = pd.read_csv('https://example.com/train.csv')"),
            expect=((1, 2),),
        ),
        # The same `!wget` at the top of several self-contained training cells: one finding, the
        # later fetches related (fair check 30, items 77, 79); a cell with a new URL is its own step.
        Example(
            cells=(
                "!wget -q https://example.com/cats.zip -O /tmp/cats.zip",
                "!wget -q https://example.com/cats.zip -O /tmp/cats.zip\nimport zipfile",
                "!wget -q https://example.com/cats.zip -O /tmp/cats.zip\n!wget -q https://example.com/dogs.zip -O /tmp/dogs.zip",
                "!wget -q https://example.com/cats.zip -O /tmp/cats.zip",
            ),
            expect=((1, 1), (3, 1)),
        ),
        # A name bound to a URL in two cells, each fetched in the next cell: two findings, at the literals.
        Example(
            cells=(
                "import requests\nurl = 'https://example.com/a.tsv'",
                "a = requests.get(url)",
                "url = 'https://example.com/b.tsv'",
                "b = requests.get(url)",
            ),
            expect=((1, 2), (3, 1)),
        ),
        # The notebook's own function fetching each URL of the list it is given.
        Example(
            cells=(
                "import requests\npages = ['https://news.example.com/a', 'https://news.example.com/b']\n"
                "def fetch_all(urls):\n    return [requests.get(u).text for u in urls]\n",
                "texts = fetch_all(pages)",
            ),
            expect=((1, 2),),
        ),
        # A dict of URLs fetched by one call in a comprehension: one download step.
        Example(
            cells=(
                "import tensorflow as tf\nimages = {'cat': 'https://example.com/cat.jpg', 'dog': 'https://example.com/dog.jpg'}\n"
                "paths = {name: tf.keras.utils.get_file(name, url) for name, url in images.items()}",
            ),
            expect=((1, 2),),
        ),
        # One cell fetching its files with requests: one download step, one finding at the first URL.
        Example(
            cells=("import requests\ntrain = requests.get('https://example.com/train.gz').content\n"
                   "valid = requests.get('https://example.com/valid.gz').content",),
            expect=((1, 2),),
        ),
        # The notebook's own guarded download helper: one set-up cell, then a data set fetched where it is
        # used, all from one folder of the book's repository: one finding, the other calls related.
        Example(
            cells=(
                "from os.path import basename, exists\nfrom urllib.request import urlretrieve\n"
                "def fetch(url):\n    name = basename(url)\n    if not exists(name):\n        urlretrieve(url, name)",
                "fetch('https://example.org/book/raw/main/code/helpers.py')\nfetch('https://example.org/book/raw/main/code/survey.csv')",
                "fetch('https://example.org/book/raw/main/code/survey_codebook.txt')",
            ),
            expect=((2, 1),),
        ),
        # Library readers and tutorial helpers that fetch a URL: H2O's cluster, AutoGluon's unzip.
        Example(
            cells=(
                "import h2o\nloans = h2o.import_file(path='https://example.com/loans.csv')",
                "from autogluon.core.utils.loaders import load_zip\nload_zip.unzip('https://example.com/pets.zip', unzip_dir='pets')",
            ),
            expect=((1, 2), (2, 2)),
        ),
        # A name rebound to two images of one remote folder, fetched in each cell: one finding.
        Example(
            cells=(
                "import requests\nurl = 'https://cdn.example.org/assets/apple/blank.jpg'\nblank = requests.get(url).content",
                "url = 'https://cdn.example.org/assets/apple/ipod.jpg'\nipod = requests.get(url).content",
            ),
            expect=((1, 2),),
        ),
        # An exercise repository fetching its own committed file: the message says to read the copy.
        Example(
            cells=("import pandas as pd\ncars = pd.read_csv('https://raw.githubusercontent.com/acme/drills/main/merge/cars.csv')",),
            files={"cars.csv": "mpg,cylinders\n18,8\n"},
            expect=((1, 2),),
        ),
        # Anonymous FTP and https in one cell: one download step, at the first URL; the saved file read back is the step's.
        Example(
            cells=(
                "!wget ftp://ftp.example.org/pub/reads.fq.gz\n!wget https://example.org/ref.fa.gz -O ref.fa.gz",
                "import gzip\nreads = gzip.open('reads.fq.gz').read()",
            ),
            expect=((1, 1),),
        ),
        # A Colab detection `try`: the handler's copy of the fetch is the one that runs locally.
        Example(
            cells=(
                "import wget\ntry:\n    import google.colab\n    wget.download('https://example.org/vocab.txt')\n"
                "except ModuleNotFoundError:\n    wget.download('https://example.org/vocab.txt', os.environ['VOCAB_DIR'])",
            ),
            expect=((1, 6),),
        ),
        # A URL pinned to a commit: the message says the file cannot change, only disappear.
        Example(
            cells=("import pandas as pd\nrates = pd.read_csv('https://raw.githubusercontent.com/acme/data/"
                   "0123456789abcdef0123456789abcdef01234567/fx/rates.csv')",),
            expect=((1, 2),),
        ),
        # The repository's own file fetched from its GitHub repository: the message points at the committed copy.
        Example(
            cells=("import pandas as pd\nassays = pd.read_excel('https://github.com/acme/chem/raw/main/datasets/assays%20v1.xlsx')",),
            files={"datasets/assays v1.xlsx": "xlsx"},
            expect=((1, 2),),
        ),
        # `wget` run by `os.system`: a download like `!wget`; the file it saves, read back, is the step's.
        Example(
            cells=("import os\nos.system('wget https://example.org/sets/degraders.csv')",
                   "import pandas as pd\ndegraders = pd.read_csv('degraders.csv')"),
            expect=((1, 2),),
        ),
        # Checked against a hash: reported, saying that a changed file stops the run (fair check 18).
        Example(
            cells=("import pooch\natlas = pooch.retrieve(\n    'https://files.example.org/atlas.h5ad',\n"
                   "    known_hash='sha256:9f1c0e3b5a7d2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e',\n    path='cache',\n)",),
            expect=((1, 3),),
        ),
        # Two files of one remote folder bound to constants in two cells: one finding (fair check 20).
        Example(
            cells=(
                "import pandas as pd\nurl_a = 'https://data.example.org/samples/a.csv'\na = pd.read_csv(url_a)",
                "url_b = 'https://data.example.org/samples/b.csv'\nb = pd.read_csv(url_b)",
            ),
            expect=((1, 2),),
        ),
        # A URL constant joined to a loop's file name through a name bound in the loop (fair check 20).
        Example(
            cells=(
                "import os\nimport urllib.request\nbase_url = 'https://example.com/saved_models/tutorial5/'",
                "for file_name in ['GoogleNet.ckpt', 'ResNet.ckpt']:\n    file_path = os.path.join(os.environ['CKPT'], file_name)\n"
                "    file_url = base_url + file_name\n    urllib.request.urlretrieve(file_url, file_path)",
            ),
            expect=((1, 3),),
        ),
        # A POST whose answer is saved (`-o`), or a `-G` query: a download still.
        Example(
            cells=("!curl -X POST https://api.example.com/v1/export -d @query.json -o export.csv",
                   "!curl -G -d 'q=lakes' https://api.example.com/v1/search"),
            expect=((1, 1), (2, 1)),
        ),
        # URLs held in a list bound once, handed whole to a path argument: each listed URL is fetched,
        # one download step (fair check 27, T-9.4). In the second notebook the same files were fetched by
        # their literals in an earlier cell: one finding there, the list's fetch related to it.
        Example(
            cells=(
                "from azureml.core.dataset import Dataset\nweb_paths = ['http://yann.lecun.com/exdb/mnist/train-images-idx3-ubyte.gz',\n"
                "             'http://yann.lecun.com/exdb/mnist/train-labels-idx1-ubyte.gz']\n"
                "dataset = Dataset.File.from_files(path=web_paths)",
            ),
            expect=((1, 2),),
        ),
        Example(
            cells=(
                "import urllib.request\nurllib.request.urlretrieve('https://data.example.org/mnist/train.gz', filename='data/train.gz')",
                "from azureml.core.dataset import Dataset\nweb_paths = ['https://data.example.org/mnist/train.gz']\n"
                "dataset = Dataset.File.from_files(path=web_paths)",
            ),
            expect=((1, 2),),
        ),
        # A local service's URL no cell starts (the server is started by hand, as a markdown note
        # says): a top-to-bottom run fails at the first call (fair check 26, T-6.8).
        Example(
            cells=(
                "import requests\nBASE_URL = 'http://localhost:6572/api/v1'",
                "resp = requests.get(f'{BASE_URL}/monitoring/metrics/features', params={'project': 'demo'})",
            ),
            expect=((1, 2),),
        ),
        # A registry of constant URLs fetched by the notebook's own helper (d2l's `DATA_HUB`): the
        # download, with the cache folder it saves into related (fair check 28, items 103, 108, 111, 112).
        Example(
            cells=(
                "import os, requests\ndef download(name, cache_dir=os.path.join('..', 'data')):\n    url, sha1_hash = DATA_HUB[name]\n"
                "    os.makedirs(cache_dir, exist_ok=True)\n    fname = os.path.join(cache_dir, url.split('/')[-1])\n"
                "    with open(fname, 'wb') as f:\n        f.write(requests.get(url).content)\n    return fname\n"
                "def download_extract(name):\n    return download(name)",
                "DATA_HUB = dict()\nDATA_URL = 'http://d2l-data.example.com/'\nDATA_HUB['ptb'] = (DATA_URL + 'ptb.zip', '319d85e578af0cdc')",
                "path = download_extract('ptb')",
            ),
            expect=((2, 3),),
        ),
        # A program's build fetched at run time: the fix is to install it, not a data folder
        # (fair check 29, item 83's wording).
        Example(
            cells=("!wget https://bin.equinox.io/c/4VmDzA7iaHb/ngrok-stable-linux-amd64.zip\n!unzip ngrok-stable-linux-amd64.zip",),
            expect=((1, 1),),
        ),
        # An upload to a Hub repository the code names: that account's token, and a re-run overwrites it
        # (fair check 34, T-4.4); the same id pushed again is related, another one is its own.
        Example(
            cells=("from datasets import DatasetDict\ndataset_dict = DatasetDict({'train': ds})\n"
                   "dataset_dict.push_to_hub('shawhin/youtube-titles-dpo')",
                   "model.push_to_hub('org/name')\ntokenizer.push_to_hub('org/name')"),
            expect=((1, 3), (2, 1)),
        ),
        # Demo images `!wget` fetches from one remote folder in several cells: one finding, the later
        # cells related (fair check 38, item 93); a cell fetching from another folder is its own step,
        # and so is another archive of one folder (items 87, 91) or a file of another kind there
        # (fair check 30, item 80).
        Example(
            cells=(
                "!wget -q https://raw.example.com/course/main/images/steak.jpeg",
                "show('steak.jpeg')\n!wget -q https://raw.example.com/course/main/images/pizza.jpeg",
                "!wget -q https://raw.example.com/course/main/images/sushi.jpeg\n!wget -q https://raw.example.com/course/main/images/ramen.jpeg",
                "!wget -q https://raw.example.com/course/main/images/tacos.jpeg\n!wget -q https://data.example.com/food/ten_classes.zip",
                "!wget -q https://data.example.com/food/all_classes.zip",
                "!wget -q https://raw.example.com/course/main/images/captions.txt",
            ),
            expect=((1, 1), (4, 1), (5, 1), (6, 1)),
        ),
        # ... while the API call the token is for stays reported.
        Example(cells=(
            "import requests\ntoken_url = 'https://accounts.example.com/api/token'\n"
            "r = requests.post(token_url, data={'grant_type': 'client_credentials'}, headers=basic_auth)",
            "albums = requests.get('https://api.example.com/v1/artists/42/albums', headers=bearer).json()",
        ), expect=((2, 1),)),
        # ... and a scraper that saves the files a listing page links to (beside fair check 25, item 100).
        Example(cells=(
            md("We scrape the index page for the archives and download them."),
            "import requests\nfrom bs4 import BeautifulSoup\nbase_url = 'https://opendata.example.org/hourly/'\n"
            "soup = BeautifulSoup(requests.get(base_url).content, 'html.parser')\n"
            "for a in soup.find_all('a'):\n    with open(a['href'], 'wb') as f:\n        f.write(requests.get(base_url + a['href']).content)",
        ), expect=((2, 3),)),
        # A web table read outside such a tour stays a run-time download (the limit of fair check 41, item 87).
        Example(
            cells=(md("## Failed banks\n\nThe list of failed banks:"), "import pandas as pd\nbanks = pd.read_html('https://www.example.gov/failed/banklist.html')"),
            expect=((2, 2),),
        ),
        # In a scraping lesson too, a URL whose query names a data format is a file, not a page (fair check 42,
        # items 78, 87, 88, 90 beside it).
        Example(cells=(
            md("# Web scraping with requests and BeautifulSoup"),
            "import requests\nfrom bs4 import BeautifulSoup\nurl = 'https://stats.example.org/export?table=rates&format=csv'",
            "r = requests.get(url)\nprint(BeautifulSoup(r.text, 'lxml').get_text()[:200])",
        ), expect=((2, 3),)),
        # ... nor a page's query filled in per item: the pages of a list of videos scraped into a data set (fair check 27,
        # pinecone-io/examples' yt-search, kept while items 78-90 of check 42 went).
        Example(cells=(
            md("We scrape each video's title with Beautiful Soup."),
            "import requests\nfrom bs4 import BeautifulSoup\ntitles = {}\nfor vid in ['a1', 'b2']:\n"
            "    r = requests.get(f'https://video.example.com/watch?v={vid}')\n"
            "    titles[vid] = BeautifulSoup(r.content, 'lxml').title.text",
        ), expect=((2, 5),)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        # A download into a folder (`load_zip.unzip(url, unzip_dir=download_dir)`): the folder and
        # what the notebook reads from it are that download's, related to the URL's finding (PTH006
        # leaves them to it: fair check 13).
        made = {(p.cell, p.line) for p in _produced_paths(ctx) if p.downloads}
        places: dict[tuple[int, int], list[tuple[Cell, Optional[int], Optional[int]]]] = {}
        if made:
            read_back: dict[tuple[int, int], list[tuple[Cell, Optional[int], Optional[int]]]] = {}
            for _ in CwdRelativePath()._hits(ctx, read_back, {}, []):
                pass
            places = {anchor: found for anchor, found in read_back.items() if anchor in made}
        hits = _fold_constant_refetches(list(self._check(ctx)))
        taken = {(h.cell.index, h.line) for h in hits if h.cell is not None} | {
            (c.index, line) for h in hits for c, line, _ in h.related if c is not None}
        hits.extend(_open_ended_urls(ctx, taken))
        hits.extend(_unstarted_local_services(ctx))
        # (an upload to a Hub repository the code names: a remote destination, fair check 34, T-4.4)
        hits.extend(_hub_uploads(ctx))
        hits = _with_python_fetch_reads(ctx, hits)
        for hit in hits:
            if _token_endpoint_post(ctx, hit) or _scraping_lesson_page(ctx, hit):
                continue
            where = {(hit.cell.index, hit.line)} | {(c.index, line) for c, line, _ in hit.related} if hit.cell is not None else set()
            extra = [place for anchor in sorted(where & set(places)) for place in places.pop(anchor)]
            yield replace(
                hit, message=hit.message + "; the folder it is extracted into and the notebook's reads from it are related",
                related=tuple(dict.fromkeys([*hit.related, *extra])),
            ) if extra else hit

    def _check(self, ctx: RuleContext) -> Iterator[Hit]:
        settings = path_settings(ctx.catalog)
        # Through the notebook's own function: `download_file(url, directory)`, `read_data(input_file)`,
        # a URL template formatted inside one; folded into a finding already at the same literal.
        return iter(_fold_into_earlier(list(self._direct(ctx, settings)), [
            *_function_downloads(ctx, settings), *_wrapped_reads(ctx, settings), *_constant_urls_in_functions(ctx, settings),
            *_registry_downloads(ctx, settings)]))

    def _direct(self, ctx: RuleContext, settings: PathSettings) -> Iterator[Hit]:
        web = settings.web_schemes

        def is_web(f: LiteralFinding) -> bool:
            # `!wget ftp://host/pub/reads.fq.gz` is a download like an http one (anonymous FTP
            # needs no credentials; fair check 16, items 93, 112): one step with the cell's other
            # fetches, and the file it saves is read back as the download's.
            return f.path_class.detail in web or (f.source == "shell" and _ftp_download(f, settings))

        remote = [
            f for f in literal_findings(ctx)
            # Colab/Kaggle setup never runs locally or in the pipeline.
            if f.path_class.kind == "remote" and not _hosted_line(f.ca, f.line)
            # The platform's own default bucket (SageMaker's `sess.default_bucket()`): nothing to configure.
            and not (f.path_class.detail not in web and _platform_bucket(ctx, f))
            # Only shown (`print(f"Bucket: s3://{bucket}/{prefix}")`): a message, not a use (fair check 13).
            and not (f.source == "python" and _printed(f))
            # `pd.read_html(url)` under `### HTML Input` of a tour of pandas' readers (fair check 41, item 87).
            and not _io_tour_read(ctx, f)
        ]
        # One download cell (`!wget URL1`, `!wget URL2`…) is one root cause: the cell fetches its
        # data at run time. Its first shell URL carries the finding, the others are related.
        # (Shell tokens are not Python literals: `migrate` lifts none of them into config either way.)
        # `!wget -nc URL` of a file committed beside the notebook downloads nothing when run from
        # its folder (the fetch serves a lone copy on Colab), as a guarded helper's fetch does not.
        present = ctx.project.downloads_present if ctx.project is not None else frozenset()
        if present:
            remote = [f for f in remote if not (f.source == "shell" and _no_clobber_fetch_present(f, present))]
        shell_urls: dict[int, list[LiteralFinding]] = {}
        for f in remote:
            if f.source == "shell" and is_web(f):
                shell_urls.setdefault(f.ca.cell.index, []).append(f)
        # A cell whose shell lines fetch only URLs that earlier cells' shell lines fetch already
        # (`!wget …/cats_and_dogs_filtered.zip -O /tmp/…` at the top of cells 5, 8 and 10, each
        # training cell self-contained) is the same download again: its lines are related to the
        # finding of the cell that first fetched its first URL (fair check 30, items 77, 79:
        # same-url-wget-split-per-cell). A cell fetching one new URL is a step of its own.
        # Likewise a cell whose shell lines fetch only files of remote folders an earlier cell's
        # shell lines fetch from (`!wget …/main/images/03-steak.jpeg` in cell 66, `…/03-pizza-dad.jpeg`
        # in cell 74, three more demo images in cell 108): one place to pin or commit, as literal URLs
        # of one folder fetched from Python are (fair check 38, item 93: repo-folder-urls-split-per-cell).
        # Only single files (a name with a suffix): not an archive, a model's weights or a program
        # (`…/food_vision/10_food_classes_all_data.zip` after `…/food_vision/pizza_steak.zip`, a saved
        # model's zip from that folder: each a data set or model of its own, its own step, fair check
        # 38, items 87, 91), an API's endpoints (`…/v1/export`, `…/v1/search`, each asking for other
        # data), a URL with a query (`…/export?id=…`) or a shell variable (`…/$DIR/x`). And only files
        # of a kind an earlier cell fetched there (`.jpeg` after `.jpeg`): GloVe's `glove.6B.100d.txt`
        # after `training_cleaned.csv` of one bucket folder is a second input of its own (fair check
        # 30, item 80, judged right as its own finding).
        shell_first: dict[str, LiteralFinding] = {}
        shell_again: dict[int, list[LiteralFinding]] = {}  # the head's cell → lines fetching again
        shell_folder_first: dict[str, LiteralFinding] = {}  # remote folder and suffix → the head of the cell first fetching there
        shell_same_folder: dict[int, list[LiteralFinding]] = {}  # the head's cell → lines of later cells of its folders
        folded_cells: set[int] = set()
        for index in sorted(shell_urls):
            group = shell_urls[index]
            if all(g.value in shell_first for g in group):
                shell_again.setdefault(shell_first[group[0].value].ca.cell.index, []).extend(group)
                folded_cells.add(index)
                continue
            remote_folders = [_remote_folder_kind(g.value) for g in group]
            if all(d in shell_folder_first for d in remote_folders):
                head = shell_folder_first[remote_folders[0]]
                shell_same_folder.setdefault(head.ca.cell.index, []).extend(group)
                folded_cells.add(index)
                for g in group:
                    shell_first.setdefault(g.value, head)
                continue
            for g, remote_folder in zip(group, remote_folders):
                shell_first.setdefault(g.value, group[0])
                if remote_folder:
                    shell_folder_first.setdefault(remote_folder, group[0])
        # One URL fetched by a literal in several cells (a recap cell reads the data again) is
        # one root cause: the first fetch carries the finding, the later ones are related.
        again: dict[str, list[LiteralFinding]] = {}
        for f in remote:
            if f.source != "shell" and is_web(f):
                again.setdefault(f.value, []).append(f)
        # Python download calls given literal URLs in one cell (`requests.get("https://…/train.gz")`,
        # `requests.get("https://…/valid.gz")`) are one set-up step, as `!wget` lines are: the first
        # URL carries the finding, the others (and where they are fetched again) are related.
        python_urls: dict[int, list[LiteralFinding]] = {}
        for f in remote:
            if (
                f.source != "shell" and is_web(f) and f.argument is not None
                and f.argument.entry.kind == "url" and f is again[f.value][0]
            ):
                python_urls.setdefault(f.ca.cell.index, []).append(f)
        # Object-store URIs of one bucket (`gs://{BUCKET}/data/…` written by one cell, read back by
        # the next, a model exported there and deployed from it) are one root cause: the notebook
        # needs that bucket and its credentials. The first URI carries the finding, the others of
        # the same scheme and bucket are related.
        same_bucket: dict[tuple[str, str], list[LiteralFinding]] = {}
        for f in sorted(remote, key=lambda f: (f.ca.cell.index, f.line, f.column)):
            if not is_web(f):
                same_bucket.setdefault((f.path_class.detail, _bucket_of(ctx, f)), []).append(f)
        by_folder: dict[str, list[tuple[LiteralFinding, str, str, list[LiteralFinding]]]] = {}
        fetched = _download_lines(ctx)
        relative_reads = [r for r in literal_findings(ctx) if r.path_class.kind == "relative" and r.argument is not None] if fetched else []
        for f in remote:
            scheme = f.path_class.detail
            others: list[LiteralFinding] = []
            fetched_reads: list[LiteralFinding] = []
            fetched_places: list[tuple[Cell, int, int]] = []
            shell_repeats: list[LiteralFinding] = []
            same_folder: list[LiteralFinding] = []  # later cells' lines fetching from this cell's folders
            if f.source == "shell" and is_web(f):
                group = shell_urls[f.ca.cell.index]
                if f is not group[0] or f.ca.cell.index in folded_cells:
                    continue
                others = group[1:]
                shell_repeats = shell_again.get(f.ca.cell.index, [])
                same_folder = shell_same_folder.get(f.ca.cell.index, [])
                # The files these lines fetch, read back by name (PTH006 leaves them to this finding).
                lines = {(g.ca.cell.index, g.line) for g in (*group, *shell_repeats, *same_folder)}
                these = {k: v for k, v in fetched.items() if (k[0], k[1]) in lines}
                fetched_reads = [r for r in relative_reads if these and _reads_fetched_file(r, these)]
                # and through a constant (`data_dir = "hh/databases"` for a `%%bash` cell's `cd hh/databases;
                # wget URL`; PTH006 leaves those to this finding too)
                fetched_places = [place for where, places in _fetched_constant_places(ctx).items() if where in these for place in places]
            repeats: list[LiteralFinding] = shell_repeats
            if f.source != "shell" and is_web(f):
                if f is not again[f.value][0]:
                    continue
                repeats = again[f.value][1:]
                step = python_urls.get(f.ca.cell.index, [])
                if any(g is f for g in step):
                    if f is not step[0]:
                        continue
                    others = step[1:]
                    repeats = repeats + [r for o in others for r in again[o.value][1:]]
            bucket: list[LiteralFinding] = []
            if not is_web(f):
                group = same_bucket[(scheme, _bucket_of(ctx, f))]
                if f is not group[0]:
                    continue
                bucket = group[1:]
            if is_web(f):
                more = ""
                if others:
                    lines = ", ".join(str(o.line) for o in others)
                    more = f"; {len(others)} more URL{'s' if len(others) > 1 else ''} of this cell (line{'s' if len(others) > 1 else ''} {lines}) too"
                if repeats:
                    where = sorted({o.ca.cell.index for o in repeats})
                    more += f"; fetched again in cell{'s' if len(where) > 1 else ''} {', '.join(str(c) for c in where)}"
                if same_folder:
                    where = sorted({o.ca.cell.index for o in same_folder})
                    names = sorted({_data_folder_of_url(o.value) for o in same_folder})  # (their kinds alike)
                    more += (
                        f"; {len(same_folder)} more URL{'s' if len(same_folder) > 1 else ''} of "
                        + (f"the folder {shown(names[0])}" if len(names) == 1 else "the same folders")
                        + f" (cell{'s' if len(where) > 1 else ''} {', '.join(str(c) for c in where)})"
                    )
                others = others + repeats + same_folder + fetched_reads
                message = (
                    f"URL {shown(f.value)}{_where(f)} is downloaded at run time: the notebook needs the "
                    f"network and the remote file {_change_note(f.value, _hash_pinned(f))}{more}{_committed_copy_note(ctx, f.value)}"
                )
                fix = "Make the URL a config value, download once into a versioned data folder, and read the local copy."
                if _program_download(_shell_expanded(f.value, _shell_cell_variables(f.ca)) if f.source == "shell" else f.value):
                    # `!wget …/ngrok-stable-linux-amd64.zip`, `Miniconda3-…-Linux-x86_64.sh`: a program, not
                    # data (fair check 29, item 83's wording); also through a variable of the `%%bash` cell
                    # (`wget …/miniconda/$MINICONDA_INSTALLER_SCRIPT`, fair check 31, item 119).
                    fix = ("It downloads a program, not data: install the tool, pinned to a version, in the "
                           "environment the notebook runs in (its image or requirements), or drop these lines if "
                           "the notebook does not need it.")
            else:
                more = ""
                if bucket:
                    where = sorted({o.ca.cell.index for o in bucket})
                    more = (
                        f"; {len(bucket)} more URI{'s' if len(bucket) > 1 else ''} of this bucket "
                        f"(cell{'s' if len(where) > 1 else ''} {', '.join(str(c) for c in where)})"
                    )
                others = bucket
                message = (
                    f"Remote URI {shown(f.value)}{_where(f)} ties the notebook to {scheme}:// storage: it "
                    f"needs network access and credentials that are not in the code{more}"
                )
                fix = (
                    "Move the URI into a config value or environment variable (it differs between dev and "
                    "prod), take credentials from the platform, and keep a small local sample for tests."
                )
            if is_web(f) and f.source != "shell" and (folder := _data_folder_of_url(f.value)):
                by_folder.setdefault(folder, []).append((f, message, fix, others))
                continue
            hit = _hit(f, message, fix, others)
            yield replace(hit, related=tuple(dict.fromkeys([*hit.related, *fetched_places]))) if fetched_places else hit
        # Literal URLs of one remote folder fetched in several cells (a demo reading each data set
        # of its own repository's folder where it is used) are one root cause, as PTH006 folds
        # local paths by folder: the first carries the finding, the others and their fetches related.
        for folder, group in by_folder.items():
            f, message, fix, others = group[0]
            if len(group) > 1:
                where = sorted({g[0].ca.cell.index for g in group[1:]})
                message += (
                    f"; {len(group) - 1} more URL{'s' if len(group) > 2 else ''} of the folder {shown(folder)} "
                    f"(cell{'s' if len(where) > 1 else ''} {', '.join(str(c) for c in where)})"
                )
                others = [*others, *(x for g in group[1:] for x in (g[0], *g[3]))]
            yield _hit(f, message, fix, others)
        # Through a constant: `source = "https://…/data.tar.gz"`, then `urlretrieve(source, …)` or
        # `pd.read_csv(url)`. One finding at the constant's literal (where the URL is fixed, and
        # what the compiler lifts into config), its fetching calls related.
        settings = path_settings(ctx.catalog)
        fetched: dict[tuple[int, int, int], list[tuple[Constant, str, PathArgument]]] = {}
        fallbacks = committed_copy_fallbacks(ctx)
        for constant, value, pa in propagated_paths(ctx):
            root = constant.root or constant
            found = classify(value, settings, path_argument=True, url_only=pa.entry.kind == "url", store_uri=pa.entry.kind == "store-uri")
            if found is None or found.kind != "remote" or found.detail not in settings.web_schemes:
                continue
            if fallbacks and _fetch_of_committed_copy(fallbacks, _cell_of(ctx, pa), pa.call.line, value) is not None:
                continue  # the fallback of a committed copy's read: PTH006's finding there relates it
            if classify(root.value, settings, path_argument=True, url_only=True) is None:
                continue  # the URL's host is not in the constant's literal (`BASE + "x"` with BASE from elsewhere)
            if _hosted_call(ctx, pa):
                continue  # Colab's set-up download (`if IN_COLAB:` / `urlretrieve(url, filename)`)
            fetched.setdefault((root.ca.cell.index, root.line, root.column), []).append((root, value, pa))
        cells = ctx.code_cell_at
        # URLs bound to constants in one cell and fetched only by Python download calls of one cell
        # (`train_link = "https://…"`, `test_link = "https://…"`, then `wget.download(train_link, …)`,
        # `wget.download(test_link, …)`): one download step, as literal URLs of one cell are. The
        # first constant carries the finding, the others (their literals and fetches) are related.
        # Constants of one remote folder read by other calls of one cell (`train_url = "https://…/Inc/train.csv"`,
        # `test_url = "https://…/Inc/test.csv"`, both `pd.read_csv`) are one step too (fair check 13).
        step_of: dict[tuple[int, int, str], list[list[tuple[Constant, str, PathArgument]]]] = {}
        for uses in fetched.values():
            fetch_cells = {_cell_of(ctx, p) for _, _, p in uses}
            if len(fetch_cells) != 1:
                continue
            if all(p.entry.kind == "url" for _, _, p in uses):
                step_of.setdefault((uses[0][0].ca.cell.index, fetch_cells.pop(), ""), []).append(uses)
            elif folder := _data_folder_of_url(uses[0][0].value):
                step_of.setdefault((uses[0][0].ca.cell.index, fetch_cells.pop(), folder), []).append(uses)
        folded: dict[int, list[list[tuple[Constant, str, PathArgument]]]] = {}
        for step in step_of.values():
            if len(step) > 1:
                step.sort(key=lambda u: (u[0][0].line, u[0][0].column))
                folded[id(step[0])] = step[1:]
                for later in step[1:]:
                    folded[id(later)] = []
        # Constants of one remote folder read where they are used in several cells (`url1 =
        # "…/resolve/main/a.webp"`, `show_image(url1)` in one cell, `url2 = "…/resolve/main/b.webp"`
        # in a later one) are one root cause, as literal URLs of one folder are: the first carries the
        # finding, the others (their literals and reads) related (fair check 20:
        # repo-folder-urls-split-per-cell). Downloads (`urlretrieve(extra_url, …)`) in another cell
        # are a download step of their own (fair check 10: one-download-step-split-per-url).
        same_folder_later: dict[int, list[list[tuple[Constant, str, PathArgument]]]] = {}
        by_remote_folder: dict[str, list[tuple[Constant, str, PathArgument]]] = {}
        for uses in sorted(fetched.values(), key=lambda u: (u[0][0].ca.cell.index, u[0][0].line, u[0][0].column)):
            if folded.get(id(uses)) == [] or "?" in uses[0][0].value or any(p.entry.kind == "url" for _, _, p in uses):
                continue
            folder = _data_folder_of_url(uses[0][0].value)
            if not folder:
                continue
            head = by_remote_folder.setdefault(folder, uses)
            if head is not uses and head[0][0].ca.cell.index != uses[0][0].ca.cell.index:
                same_folder_later.setdefault(id(head), []).append(uses)
                folded[id(uses)] = []
        for uses in fetched.values():
            others = folded.get(id(uses))
            if others == []:
                continue  # a later URL of a download step: related to the step's first
            root, value, pa = uses[0]
            more = ""
            if others:
                lines = ", ".join(str(o[0][0].line) for o in others)
                more = f"; {len(others)} more URL{'s' if len(others) > 1 else ''} of this cell (line{'s' if len(others) > 1 else ''} {lines}) too"
            later_cells = same_folder_later.get(id(uses), [])
            if later_cells:
                where = sorted({o[0][0].ca.cell.index for o in later_cells})
                more += (
                    f"; {len(later_cells)} more URL{'s' if len(later_cells) > 1 else ''} of the folder "
                    f"{shown(_data_folder_of_url(root.value))} (cell{'s' if len(where) > 1 else ''} {', '.join(str(c) for c in where)})"
                )
                others = [*(others or []), *later_cells]
            yield Hit(
                root.ca.cell,
                root.line,
                root.column,
                f"URL {shown(root.value)} (`{root.name}`) is downloaded at run time by `{pa.shown_callee}`"
                f"{'' if value == root.value else ' as ' + shown(value)} (cell {_cell_of(ctx, pa)}, line {pa.call.line}): the notebook needs the network "
                f"and the remote file {_change_note(value)}{more}{_committed_copy_note(ctx, value)}",
                fix="Make the URL a config value, download once into a versioned data folder, and read the local copy.",
                key=f"{root.name}\x1f{root.value}",
                related=tuple(dict.fromkeys([
                    *((cells[_cell_of(ctx, p)], p.call.line, p.call.column) for _, _, p in uses),
                    *(r for o in others or () for r in (
                        (o[0][0].ca.cell, o[0][0].line, o[0][0].column),
                        *((cells[_cell_of(ctx, p)], p.call.line, p.call.column) for _, _, p in o),
                    )),
                ])),
            )
        # A name bound more than once in the notebook has no single value, but within one cell its
        # nearest binding above the download is the URL fetched: `url = "https://…/a.jpeg"` then
        # `requests.get(url)`, with `url` bound again in later cells.
        # The same URL fetched so in several cells is one finding, at its first literal.
        constants = string_constants(ctx.facts)
        by_url: dict[str, list[tuple[CellAnalysis, str, int, int, PathArgument, CellAnalysis]]] = {}
        for ca in ctx.cells:
            for pa in path_arguments(ctx.facts, ctx.catalog, ca):
                name = pa.arg.name
                if pa.literal is not None or name is None or name in constants or pa.call.in_function:
                    continue
                if _hosted_place(ca, pa.call.line, pa.call.column):
                    continue  # Colab's set-up download (`if IN_COLAB:` / `urlretrieve(url, filename)`)
                literal = _bound_above_in_cell(ca, name, pa.call.line)
                bound_in = ca
                if literal is None and not _binds_above_in_cell(ca, name, pa.call.line):
                    # Not bound in this cell above the call: the nearest binding in the cells above
                    # (`query_url = "https://…"` in one cell, `requests.get(query_url)` in the next).
                    above = _bound_in_cells_above(ctx, ca, name)
                    if above is not None:
                        bound_in, literal = above
                if literal is None:
                    continue
                value, line, column = literal
                found = classify(value, settings, path_argument=True, url_only=pa.entry.kind == "url", store_uri=pa.entry.kind == "store-uri")
                if found is None or found.kind != "remote" or found.detail not in settings.web_schemes:
                    continue
                by_url.setdefault(value, []).append((bound_in, name, line, column, pa, ca))
        # URLs of one remote folder fetched so in several cells (`url = "https://cdn…/assets/apple/apple-blank.jpg"`
        # in one cell, `…/apple-ipod.jpg` in another) are one root cause, as literal URLs of one folder
        # are: the first carries the finding, the others (their literals and fetches) are related.
        # (Not queries of one API endpoint, `…/stream?query=…`: each asks for other data, fair check 5.)
        folders: dict[str, list[str]] = {}
        for value in by_url:
            folders.setdefault(("?" not in value and _data_folder_of_url(value)) or value, []).append(value)
        for values in folders.values():
            value, places = values[0], by_url[values[0]]
            ca, name, line, column, pa, call_ca = places[0]
            where = f"line {pa.call.line}" if call_ca is ca else f"cell {call_ca.cell.index}, line {pa.call.line}"
            more = ""
            if len(values) > 1:
                cells_of = sorted({c.cell.index for v in values[1:] for c, *_ in by_url[v]})
                more = (
                    f"; {len(values) - 1} more URL{'s' if len(values) > 2 else ''} of the folder {shown(_data_folder_of_url(value))} "
                    f"(cell{'s' if len(cells_of) > 1 else ''} {', '.join(str(c) for c in cells_of)})"
                )
            later = places[1:] + [p for v in values[1:] for p in by_url[v]]
            yield Hit(
                ca.cell,
                line,
                column,
                f"URL {shown(value)} (`{name}`) is downloaded at run time by `{pa.shown_callee}` ({where}): "
                f"the notebook needs the network and the remote file {_change_note(value)}{more}{_committed_copy_note(ctx, value)}",
                fix="Make the URL a config value, download once into a versioned data folder, and read the local copy.",
                key=f"{name}\x1f{value}",
                related=tuple(dict.fromkeys(
                    [(call_ca.cell, pa.call.line, pa.call.column)]
                    + [r for c, _, ln, col, p, cc in later for r in ((c.cell, ln, col), (cc.cell, p.call.line, p.call.column))]
                )),
            )
        # Through a loop over literals: `{name: get_file(name, url) for name, url in img_url.items()}`.
        yield from _loop_downloads(ctx, settings)


# What may start a service on this machine: a background or server shell line, a process or thread
# started from Python. Any of them in the notebook and a loopback URL may be its own service.
_SERVICE_START_LINE = re.compile(
    r"&\s*$|&\s*(?:echo|disown|sleep)\b|\bnohup\b|--bg\b|\bdocker(?:-compose|\s+compose)?\s+(?:run|up|start)\b|"
    r"\bpodman\s+run\b|port-forward|\bserve\w*|\bserver\b|\buvicorn\b|\bgunicorn\b|\bflask\s+run\b|\bmlflow\s+(?:ui|server)\b|"
    r"\btensorboard\b|\bjupyter\b|\bstreamlit\b|\bollama\b|\bredis-server\b|\bsystemctl\b|\bservice\s+\w+\s+start\b",
    re.IGNORECASE | re.MULTILINE,
)
_SERVICE_START_MODULES = ("subprocess.", "multiprocessing.", "threading.", "asyncio.create_subprocess", "os.system", "os.popen",
                          "os.spawn", "os.fork", "uvicorn.", "gunicorn.", "http.server", "socketserver.", "werkzeug.", "docker.")
_SERVICE_START_METHODS = frozenset({"serve", "serve_forever", "run_server", "launch", "start_server", "run_app", "start"})


def _starts_a_service(ctx: RuleContext) -> bool:
    """Might a cell of the notebook start a service on this machine (`!feast serve &`, `%%bash --bg`,
    `subprocess.Popen(…)`, `!docker run …`, `app.run()`, a thread)? Read broadly: a loopback URL is
    reported only when nothing could have started it."""
    for ca in ctx.cells:
        if any(_SERVICE_START_LINE.search(m.text) for m in ca.magics if m.kind in ("shell", "cell_magic", "line_magic", "automagic")):
            return True
        if not ca.masked.is_python and _SERVICE_START_LINE.search(ca.cell.source):
            return True
        for call in ca.facts.calls:
            qualified = ctx.facts.resolve(call.func) if call.func else ""
            if qualified.startswith(_SERVICE_START_MODULES) or call.method in _SERVICE_START_METHODS:
                return True
            if call.method == "run" and call.receiver and "app" in call.receiver.lower():
                return True  # a Flask/Dash app run in the notebook
    return False


# Calls that publish to a Hugging Face Hub repository: `push_to_hub` (models, tokenizers, datasets,
# `DatasetDict`; its first argument or `repo_id=`), and `HfApi`'s or `huggingface_hub`'s uploads
# (`repo_id=` only: boto3's `upload_file(Filename, Bucket, Key)` has none).
_HUB_PUSH_METHOD = "push_to_hub"
_HUB_UPLOAD_METHODS = frozenset({"upload_file", "upload_folder", "upload_large_folder", "create_commit"})
# A Hub repository id with its owner: `shawhin/youtube-titles-dpo` (a bare name goes to the namespace
# of whoever is logged in; `Trainer.push_to_hub("End of training")` passes a commit message).
_HUB_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*$")


def _hub_uploads(ctx: RuleContext) -> list[Hit]:
    """`dataset_dict.push_to_hub("shawhin/youtube-titles-dpo")`, `model.push_to_hub("org/name")`,
    `HfApi().upload_file(…, repo_id="org/name")`: the notebook publishes to a remote repository its
    code names, as a literal or a constant bound once to one. A run needs a write token of that
    account (anyone else stops with a permission error) and, with one, overwrites what is published:
    a remote location tied into the code, PTH003's (fair check 34, T-4.4; fair check 7, b6.7). One
    finding per repository id, at its first upload, the later ones related. Not reported: an id from
    config or the environment (`os.environ["HF_REPO"]`, a parameter), a bare name (the logged-in
    user's namespace), `hub_model_id=` given to `TrainingArguments`, and an upload inside a function
    nothing calls or a branch no run takes."""
    constants = string_constants(ctx.facts)
    found: dict[str, list[tuple[CellAnalysis, CallFact, str]]] = {}
    for ca in ctx.cells:
        off = never_run_lines(ctx.facts, ca)
        for call in ca.facts.calls:
            if call.method == _HUB_PUSH_METHOD:
                given = call.arg(0, ("repo_id",))
            elif call.method in _HUB_UPLOAD_METHODS or (call.func or "").rpartition(".")[2] in _HUB_UPLOAD_METHODS:
                given = call.arg(None, ("repo_id",))
            else:
                continue
            if given is None or call.line in off:
                continue
            value = given.string if given.string is not None else (
                constants[given.name].value if given.name is not None and given.name in constants else None)
            if value is None or not _HUB_REPO_ID.match(value):
                continue
            found.setdefault(value, []).append((ca, call, given.name or ""))
    hits = []
    for value, uses in found.items():
        ca, call, name = uses[0]
        shown_call = render_call(call)
        hits.append(Hit(
            ca.cell, call.line, call.column,
            f"`{shown_call}` uploads to the Hugging Face Hub repository {shown(value)}{f' (`{name}`)' if name else ''}, "
            "named in the code: a run needs that account's write token (anyone else stops with a permission error), "
            "and a re-run overwrites what is published there"
            + (f"; {len(uses) - 1} more upload{'s' if len(uses) > 2 else ''} to it (related)" if len(uses) > 1 else ""),
            fix="Take the repository id from config or an environment variable (`HF_REPO_ID`), and publish in a step "
                "of its own that runs only when asked to.",
            key=f"hub-upload\x1f{value}",
            related=tuple(dict.fromkeys((c.cell, other.line, other.column) for c, other, _ in uses[1:])),
        ))
    return hits


def _unstarted_local_services(ctx: RuleContext) -> list[Hit]:
    """A loopback URL (`http://localhost:6572/api/v1`) fetched by a download or request call
    (`requests.post(f"{BASE_URL}/monitoring/auto_compute")`), literally or through a constant, when no
    cell could start a service (`_starts_a_service`): a server the notebook needs running before it
    runs, started by hand (`feast serve_registry` in a markdown note), so a top-to-bottom run fails
    there (fair check 26, T-6.8). One finding per notebook, at the first URL, the others and the
    calls related. Loopback URLs are otherwise no remote data (`_LOOPBACK`)."""
    settings = path_settings(ctx.catalog)
    places: list[tuple[CellAnalysis, int, int, str, str, PathArgument]] = []
    for ca in ctx.cells:
        for pa in path_arguments(ctx.facts, ctx.catalog, ca):
            if pa.entry.kind != "url" or pa.literal is None or pa.literal.formatted:
                continue
            if _local_service_url(pa.literal.value, settings) and not _hosted_place(ca, pa.call.line, pa.call.column):
                places.append((ca, pa.literal.line, pa.literal.column, pa.literal.value, "", pa))
    for constant, value, pa in propagated_paths(ctx):
        root = constant.root or constant
        if pa.entry.kind == "url" and _local_service_url(root.value, settings) and _local_service_url(value, settings):
            places.append((root.ca, root.line, root.column, root.value, root.name, pa))
    if not places or _starts_a_service(ctx):
        return []
    cells = ctx.code_cell_at
    places.sort(key=lambda p: (p[0].cell.index, p[1], p[2], _cell_of(ctx, p[5]), p[5].call.line, p[5].call.column))
    ca, line, column, value, name, pa = places[0]
    related: dict[tuple[int, Optional[int]], tuple[Cell, Optional[int], Optional[int]]] = {}
    for place in [*((c.cell, l, col) for c, l, col, *_ in places[1:]),
                  *((cells[_cell_of(ctx, p)], p.call.line, p.call.column) for *_, p in places)]:
        if (place[0].index, place[1]) != (ca.cell.index, line):
            related.setdefault((place[0].index, place[1]), place)
    return [Hit(
        ca.cell, line, column,
        f"URL {shown(value)}{f' (`{name}`)' if name else ''} is a service on this machine, called by `{pa.shown_callee}` "
        f"(cell {_cell_of(ctx, pa)}, line {pa.call.line}), that no cell of the notebook starts: a top-to-bottom run "
        "fails there unless someone started it by hand first",
        fix="Start the service in the notebook (or in the pipeline step before it), or make its URL a config value "
            "and skip the calls when it is not set.",
        key=f"local-service\x1f{value}",
        related=tuple(related.values()),
    )]


def _local_service_url(value: str, settings: PathSettings) -> bool:
    m = _SCHEME.match(value)
    if m is None:
        return False
    scheme = m.group("scheme").lower()
    return scheme in settings.web_schemes and value[len(scheme):].startswith("://") and bool(_LOOPBACK.match(value, len(scheme) + 3))


def _fold_constant_refetches(hits: list[Hit]) -> list[Hit]:
    """A URL fetched through a constant in a later cell that an earlier finding already reports
    fetched by its literal (`urlretrieve("https://…/train-images-idx3-ubyte.gz", …)` in one cell,
    `web_paths = ["https://…/train-images-idx3-ubyte.gz", …]` for `Dataset.File.from_files(path=web_paths)`
    in a later one) is that finding's root cause fetched again, as a literal fetched again is: its
    places related there, not a second finding."""
    first_at: dict[str, int] = {}
    for i, h in enumerate(hits):
        if h.cell is not None and "\x1f" not in (h.key or ""):
            first_at.setdefault(h.key or "", i)
    out: list[Optional[Hit]] = list(hits)
    for i, h in enumerate(hits):
        name, sep, value = (h.key or "").partition("\x1f")
        owner = first_at.get(value) if sep else None
        if owner is None or h.cell is None or out[owner] is None:
            continue
        earlier = out[owner]
        assert earlier is not None and earlier.cell is not None
        if earlier.cell.index >= h.cell.index:
            continue
        out[i] = None
        out[owner] = replace(
            earlier,
            message=earlier.message + f"; fetched again through `{name}` in cell {h.cell.index}",
            related=tuple(dict.fromkeys([*earlier.related, (h.cell, h.line, h.column), *h.related])),
        )
    return [h for h in out if h is not None]


def _fold_into_earlier(hits: list[Hit], through_functions: Sequence[Hit]) -> list[Hit]:
    """`hits` and the findings of URLs given to the notebook's own functions, each of those at a literal
    another finding already stands on or relates (`URL = "https://…"` read by `pd.read_csv(URL)` and
    given to `fetch(URL)` too) folded into that one: its places related there, not a second finding
    at the same literal."""
    out = list(hits)
    for hit in through_functions:
        here = (hit.cell, hit.line)
        owner = next((i for i, h in enumerate(out) if (h.cell, h.line) == here or any(r[:2] == here for r in h.related)), None)
        if owner is None:
            out.append(hit)
            continue
        h = out[owner]
        out[owner] = replace(h, related=tuple(dict.fromkeys(
            [*h.related, *(r for r in ((hit.cell, hit.line, hit.column), *hit.related) if r[:2] != (h.cell, h.line))])))
    return out


# The bucket (or container, or cluster) part of an object-store URI, found anywhere in the value
# (a shell token can carry text before it); `${BUCKET}`, `$BUCKET` and `{BUCKET}` name the same
# variable in a `%%bash` cell, a `!` line and an f-string or magic, so they are one bucket.
_BUCKET = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([^/\s'\"]*)")
_BUCKET_VARIABLE = re.compile(r"\$?\{(\w*)\}|\$(\w+)")


_RAW_GITHUB = re.compile(r"^https?://(?:raw\.githubusercontent\.com|github\.com/[^/\s]+/[^/\s]+/raw)/", re.IGNORECASE)


# A full commit hash as a path segment (`raw.githubusercontent.com/org/repo/5238e0be…/res/x.txt`).
_COMMIT_SEGMENT = re.compile(r"/([0-9a-f]{40})(?=/)")


def _with_python_fetch_reads(ctx: RuleContext, hits: list[Hit]) -> list[Hit]:
    """Each Python download call a finding stands for (`download_image(url)`, the notebook's own
    helper saving the URL's file name; `common.download_file(url, image_path)`): the reads of the
    file it saved (`cv2.imread("arturito.jpg")`, `os.listdir("bee")` after `!unzip bee.zip`, an
    `os.path.exists(image_path)` guarding the call) are related to it, as for a `!wget` line;
    PTH006 leaves them to it (fair check 20: fetched-file-read-back)."""
    fetched = _covered_python_fetch_lines(ctx)
    if not fetched:
        return hits
    fetches = {f.at: f for f in _python_fetches(ctx)}
    relative_reads = [r for r in literal_findings(ctx) if r.path_class.kind == "relative" and r.argument is not None]
    constant_places = _fetched_constant_places(ctx, python=True)
    out = list(hits)
    for at, files in sorted(fetched.items()):
        for i, hit in enumerate(out):
            where = {(hit.cell.index, hit.line)} | {(c.index, line) for c, line, _ in hit.related if c is not None} if hit.cell is not None else set()
            if at in where or fetches[at].url_at in where:
                these = {at: files}
                places = [(r.ca.cell, r.line, r.column) for r in relative_reads if _reads_fetched_file(r, these)]
                places += constant_places.get(at, [])
                if places:
                    out[i] = replace(hit, related=tuple(dict.fromkeys([*hit.related, *(p for p in places if p[:2] != (hit.cell, hit.line))])))
                break
    return out


def _change_note(url: str, hash_keyword: str = "") -> str:
    """What can become of the remote file: a URL pinned to a commit serves the same bytes for as long
    as it is served (fair check 16, item 89); a download checked against a hash (`hash_keyword`:
    `known_hash=`) stops when the file changes (fair check 18, item 105); any other can change too."""
    if hash_keyword:
        return (f"is checked against the hash given as `{hash_keyword}=`, so a changed file stops the run instead of "
                "changing its results, but it can disappear")
    pinned = _COMMIT_SEGMENT.search(url.split("?", 1)[0])
    if pinned is None:
        return "can change or disappear"
    return f"is pinned to commit `{pinned.group(1)[:7]}`, so it cannot change, but it can disappear"


def _committed_copy_note(ctx: RuleContext, url: str) -> str:
    """`raw.githubusercontent.com/…/05_Merge/Auto_MPG/cars1.csv` with `cars1.csv` committed beside
    the notebook (`ProjectContext.committed_copies`): the repository fetching its own file; the
    message says to read the local copy (fair check 15, items 117, 120)."""
    copies = ctx.project.committed_copies if ctx.project is not None else frozenset()
    name = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rpartition("/")[2]
    if not _RAW_GITHUB.match(url):
        # A file of that name in the `data/` folder beside the notebook (`tree_boxes.geojson`
        # fetched from the project's web site; fair check 20, item 95): only the name is known to match.
        for copy_name, relative in ctx.project.committed_data_copies if ctx.project is not None else ():
            if copy_name == name:
                return f"; a file of that name is committed at `{relative}` (from the notebook's folder): if it is the same data, read that copy"
        return ""
    if copies and name in copies:
        return f"; a copy, `{name}`, is committed beside the notebook: read that copy"
    # The repository's own file elsewhere (`…/raw/master/datasets/x.xlsx`, committed at `datasets/`
    # of the repository the notebook is in; fair check 17, items 91, 94).
    bare = url.split("?", 1)[0].split("#", 1)[0]
    for repo_path, relative in ctx.project.committed_repo_copies if ctx.project is not None else ():
        if bare.endswith("/" + repo_path):
            return f"; a copy is committed in this repository at `{relative}` (from the notebook's folder): read that copy"
    return ""


def _open_ended_urls(ctx: RuleContext, taken: Collection[tuple[int, int]]) -> Iterator[Hit]:
    """A download whose URL starts with a constant and ends with what only the run knows
    (`base_url = "https://…/taxi_data/"`, then `urlretrieve(base_url + fn, …)` in a loop over file
    names): one finding at the URL's literal, the downloads related (fair check 15, a recall miss).
    Also through a name whose last plain binding above builds it (`file_url = base_url + file_name`,
    then `urlretrieve(file_url, file_path)`: every uvadlc tutorial's pretrained-files cell; fair
    check 20, pth003-url-constant-plus-loop-name). Not one `taken` by another finding of the rule
    ((cell, line) of it or its related places)."""
    settings = path_settings(ctx.catalog)
    cells = ctx.analysis_at
    found: dict[tuple[int, int, int], list[tuple[str, PathArgument, int, str]]] = {}
    for ca in ctx.cells:
        arguments = [pa for pa in path_arguments(ctx.facts, ctx.catalog, ca)
                     if pa.entry.kind == "url" and pa.literal is None and not pa.call.in_function]
        if not arguments:
            continue
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        nodes = _call_argument_nodes(tree)
        for pa in arguments:
            node = nodes.get((pa.arg.line, pa.arg.column))
            built_in, built_line = ca, pa.arg.line
            if isinstance(node, ast.Name):
                # Only a name built by `+` or an f-string: one bound to a whole literal is the
                # constant's finding (`taken`), one bound otherwise has no known start.
                bound = _last_binding(ctx, node.id, ca.cell.index, pa.arg.line, nested=True)
                if bound is None or not isinstance(bound[0], (ast.BinOp, ast.JoinedStr)) or bound[1] not in cells:
                    continue
                node, built_in, built_line = bound[0], cells[bound[1]], bound[2]
            if not isinstance(node, (ast.BinOp, ast.JoinedStr)) or (ca.cell.index, pa.call.line) in taken:
                continue
            leading = _leading_piece(ctx, node, built_in.cell.index, built_line)
            if leading is None or not isinstance(leading[0], ast.Constant) or not isinstance(leading[0].value, str):
                continue
            piece, piece_cell = leading
            kind = classify(piece.value, settings, path_argument=True, url_only=True)
            if kind is None or kind.kind != "remote" or kind.detail not in settings.web_schemes or piece_cell not in cells:
                continue
            if (piece_cell, piece.lineno) in taken:
                continue
            position = (piece_cell, piece.lineno, piece.col_offset + 1 + cells[piece_cell].masked.dedent)
            written = ast.get_source_segment(built_in.masked.python, node) or ""
            found.setdefault(position, []).append((piece.value, pa, ca.cell.index, written))
    for (cell, line, column), uses in found.items():
        value, pa, used_in, written = uses[0]
        built = f" as `{written}`" if written and "\n" not in written and len(written) <= 90 else ""
        yield Hit(
            cells[cell].cell, line, column,
            f"URL {shown(value)} is downloaded at run time by `{pa.shown_callee}`{built} (cell {used_in}, line "
            f"{pa.call.line}), the rest known only at run time: the notebook needs the network and the remote files "
            "can change or disappear",
            fix="Make the URL a config value, download once into a versioned data folder, and read the local copy.",
            key=f"open-ended\x1f{value}",
            related=tuple(dict.fromkeys((cells[c].cell, p.call.line, p.call.column) for _, p, c, _ in uses)),
        )


def _bucket(value: str) -> str:
    """`gs://${BUCKET}/x` → `{BUCKET}`; `s3://acme-ml/raw` → `acme-ml`; `'gs://{}/x'.format(…)` → `{}`."""
    m = _BUCKET.search(value)
    if m is None:
        return value
    authority = m.group(1).rstrip(")];,")  # `$(gsutil ls -d | grep gs://${PROJECT}-ml/)`
    return _BUCKET_VARIABLE.sub(lambda v: "{" + (v.group(1) or v.group(2) or "") + "}", authority)


def _bucket_of(ctx: RuleContext, f: LiteralFinding) -> str:
    """The bucket of a remote literal; an f-string's holes by the names written in them
    (`f"gs://{BUCKET}/x.csv"` is the `{BUCKET}` of the `!gsutil ls gs://{BUCKET}` line above)."""
    formatted = _formatted(ctx, f)
    return _bucket(formatted[0] if formatted is not None else f.value)


def _default_bucket_names(ctx: RuleContext) -> frozenset[str]:
    """Names bound to a platform's default bucket (`bucket = sess.default_bucket()`, SageMaker's
    per-account bucket, created and named by the platform)."""
    def compute() -> frozenset[str]:
        names = set()
        for ca in ctx.cells:
            tree = cell_python_tree(ca)
            for node in nodes_of(tree, ast.Assign) if tree is not None else ():
                value = node.value
                if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "default_bucket"
                        and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
                    names.add(node.targets[0].id)
        return frozenset(names)
    return ctx.shared("paths.default_bucket_names", compute)


def _platform_bucket(ctx: RuleContext, f: LiteralFinding) -> bool:
    """Is the bucket of the object-store URI a hole the platform's default bucket fills
    (`"s3://{}/output".format(sess.default_bucket())`, `f"s3://{bucket_name}/{prefix}"` with
    `bucket_name = sess.default_bucket()`)? No bucket is fixed in the code: the platform names it
    per account, so there is nothing to configure (fair check 16, item 92)."""
    bucket = _bucket_of(ctx, f)
    if not bucket.startswith("{") or "}" not in bucket:
        return False
    # The first hole is the bucket; what follows it in the authority is the prefix path the
    # platform also gives (`f"s3://{default_bucket}{default_bucket_prefix_path}/abalone"`,
    # `s3://$BUCKET$DEFAULT_BUCKET_PREFIX_PATH/…` in a shell line; fair check 24, items 88, 89).
    hole = bucket[1:bucket.index("}")]
    if hole == "":
        if 0 < f.line <= len(f.ca.lines) and "default_bucket()" in f.ca.lines[f.line - 1]:
            return True
        first = _format_first_argument(f)
        return first is not None and _default_bucket_expression(ctx, first)
    # `f"s3://{sagemaker_session.default_bucket()}/…"`: the call itself in the hole.
    return hole in _default_bucket_names(ctx) or _DEFAULT_BUCKET_CALL.fullmatch(hole) is not None


_DEFAULT_BUCKET_CALL = re.compile(r"[\w.()]*\.default_bucket\(\)")


def _default_bucket_expression(ctx: RuleContext, node: ast.AST) -> bool:
    """`bucket` bound to a default bucket, or a `….default_bucket()` call itself."""
    if isinstance(node, ast.Name):
        return node.id in _default_bucket_names(ctx)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "default_bucket"


def _format_first_argument(f: LiteralFinding) -> Optional[ast.AST]:
    """The first argument of the `.format(…)` called on the literal (`"s3://{}/{}".format(bucket,
    prefix)`, the arguments on the next lines included), None when it is not so formatted."""
    if f.source != "python":
        return None
    tree = cell_python_tree(f.ca)
    for node in nodes_of(tree, ast.Call) if tree is not None else ():
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr == "format" and isinstance(func.value, ast.Constant)
                and func.value.lineno == f.line and _char_column(f.ca.lines, f.line, func.value.col_offset) == f.column):
            return node.args[0] if node.args and not isinstance(node.args[0], ast.Starred) else None
    return None


def _string_dict(node: ast.AST) -> Optional[tuple[list[ast.Constant], list[ast.Constant]]]:
    """(keys, values) of a dict display of string literals only, else None."""
    if isinstance(node, ast.Dict) and node.keys and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in (*node.keys, *node.values)
    ):
        return list(node.keys), list(node.values)  # type: ignore[arg-type]
    return None


def _looped_literals(target: ast.AST, source: ast.AST, item: str, bound: dict[str, ast.AST]) -> list[ast.Constant]:
    """The string literals the loop variable `item` takes when `target` iterates `source`: a list of
    literals (`for url in urls`), a dict's keys, `.values()` or `.items()` (`for name, url in
    img_url.items()`), the list or dict given literally or by a name the cell bound to it above."""
    method = ""
    if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute) and not source.args and not source.keywords:
        method, source = source.func.attr, source.func.value
    if isinstance(source, ast.Name):
        source = bound.get(source.id, source)
    listed, mapping = _string_list(source), _string_dict(source)
    if isinstance(target, ast.Name) and target.id == item:
        if listed and not method:
            return listed
        if mapping is not None:
            return mapping[1] if method == "values" else mapping[0] if method in ("", "keys") else []
    if (
        method == "items" and mapping is not None and isinstance(target, ast.Tuple) and len(target.elts) == 2
        and all(isinstance(e, ast.Name) for e in target.elts)
    ):
        key, value = target.elts
        if value.id == item:  # type: ignore[attr-defined]
            return mapping[1]
        if key.id == item:  # type: ignore[attr-defined]
            return mapping[0]
    return []


def _loop_downloads(ctx: RuleContext, settings: PathSettings) -> Iterator[Hit]:
    """A download call at module level whose URL argument is a loop variable over literals bound
    in the cell (`for url in urls: urlretrieve(url, …)`, `{name: get_file(name, url) for name, url
    in img_url.items()}`): one download step, one finding at the first URL, the others and the call
    related (as the `!wget` lines of one cell)."""
    for ca in ctx.cells:
        fetches = [pa for pa in path_arguments(ctx.facts, ctx.catalog, ca)
                   if pa.entry.kind == "url" and pa.literal is None and pa.arg.name is not None and not pa.call.in_function]
        if not fetches:
            continue
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        reported: set[int] = set()
        for pa in fetches:
            bound: dict[str, ast.AST] = {}
            urls: list[ast.Constant] = []
            for stmt in tree.body:
                if stmt.lineno > pa.call.line:
                    break
                end = stmt.end_lineno or stmt.lineno
                if end < pa.call.line:
                    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                        bound[stmt.targets[0].id] = stmt.value
                    continue
                for node in ast.walk(stmt):
                    loops = (
                        [(node.target, node.iter)] if isinstance(node, ast.For)
                        else [(g.target, g.iter) for g in node.generators]
                        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)) else []
                    )
                    if not loops or not (node.lineno <= pa.call.line <= (node.end_lineno or node.lineno)):
                        continue
                    for target, source in loops:
                        urls = urls or _looped_literals(target, source, pa.arg.name, bound)
                break
            urls = [u for u in urls if (c := classify(u.value, settings, path_argument=True, url_only=True)) is not None
                    and c.kind == "remote" and c.detail in settings.web_schemes]
            if not urls or id(urls[0]) in reported or _hosted_line(ca, pa.call.line):
                continue
            reported.add(id(urls[0]))
            first, rest = urls[0], urls[1:]
            more = f"; {len(rest)} more URL{'s' if len(rest) > 1 else ''} of the same loop too" if rest else ""
            yield Hit(
                ca.cell, first.lineno, first.col_offset + 1,
                f"URL {shown(first.value)} is downloaded at run time by `{pa.shown_callee}`, called in a loop over the URLs (line {pa.call.line}): "
                f"the notebook needs the network and the remote file can change or disappear{more}",
                fix="Make the URL a config value, download once into a versioned data folder, and read the local copy.",
                key=f"{pa.shown_callee}\x1f{first.value}",
                related=tuple([(ca.cell, u.lineno, u.col_offset + 1) for u in rest] + [(ca.cell, pa.call.line, pa.call.column)]),
            )


def _downloading_functions(ctx: RuleContext) -> dict[str, tuple[int, str, str, bool, bool, tuple[Cell, int, int]]]:
    """The notebook's own module-level functions that download one of their parameters:
    `def download_file(url, dest): requests.get(url)` → {"download_file": (0, "url", "requests.get", False, False, place)};
    or each item of one (`def build_dataset(seed_urls): for url in seed_urls: requests.get(url)` →
    {"build_dataset": (0, "seed_urls", "requests.get", True, False, place)}). The fifth field: the fetch is
    skipped when the URL's file name exists (`name = basename(url)`, then `if not exists(name):
    urlretrieve(url, name)`), so a URL whose file is beside the notebook is never fetched there. The
    last: (cell, line, column) of the fetching call inside the function."""
    found: dict[str, tuple[int, str, str, bool, bool, tuple[Cell, int, int]]] = {}
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        fetches = [pa for pa in path_arguments(ctx.facts, ctx.catalog, ca)
                   if pa.call.in_function and pa.entry.kind == "url" and pa.arg.name is not None]
        if not fetches:
            continue
        for stmt in tree.body:
            if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            params = [a.arg for a in (*stmt.args.posonlyargs, *stmt.args.args)]
            end = stmt.end_lineno or stmt.lineno
            # `for url in urls:` and `[get(u) for u in urls]` over a parameter: (item, parameter, lines).
            loops = [
                (target.id, source.id, node.lineno, node.end_lineno or node.lineno)
                for node in ast.walk(stmt)
                for target, source in (
                    [(node.target, node.iter)] if isinstance(node, ast.For)
                    else [(g.target, g.iter) for g in node.generators]
                    if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)) else []
                )
                if isinstance(target, ast.Name) and isinstance(source, ast.Name) and source.id in params
            ]
            for pa in fetches:
                place = (ca.cell, pa.call.line, pa.call.column)
                if stmt.lineno <= pa.call.line <= end and pa.arg.name in params:
                    guarded = _skipped_when_file_exists(stmt, pa.arg.name, pa.call.line)
                    found.setdefault(stmt.name, (params.index(pa.arg.name), pa.arg.name, pa.shown_callee, False, guarded, place))
                for item, param, first, last in loops:
                    if first <= pa.call.line <= last and pa.arg.name == item:
                        found.setdefault(stmt.name, (params.index(param), param, pa.shown_callee, True, False, place))
    return found


_BASENAME_CALLS = frozenset({"basename", "os.path.basename", "path.basename", "posixpath.basename", "ntpath.basename"})
_EXISTS_CALLS = frozenset({"exists", "os.path.exists", "path.exists", "isfile", "os.path.isfile", "path.isfile"})


def _url_file_name(node: ast.AST, url: str, names: set[str]) -> bool:
    """Does `node` compute the file name of the URL parameter `url`: `basename(url)`,
    `os.path.basename(url)`, `url.split("/")[-1]`, `url.rsplit("/", 1)[-1]`, `Path(url).name`,
    `Path(urlparse(url).path).name` (or `Path(…)`/`str(…)` of one), or a name bound to one?"""
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        callee = ast.unparse(node.func)
        if callee in _BASENAME_CALLS:
            return isinstance(node.args[0], ast.Name) and node.args[0].id == url
        if callee in ("Path", "pathlib.Path", "str"):
            return _url_file_name(node.args[0], url, names)
        return False
    if isinstance(node, ast.Subscript):
        index = node.slice
        last = (isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub) and isinstance(index.operand, ast.Constant)
                and index.operand.value == 1)
        call = node.value
        return bool(
            last and isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in ("split", "rsplit")
            and isinstance(call.func.value, ast.Name) and call.func.value.id == url
            and call.args and isinstance(call.args[0], ast.Constant) and call.args[0].value == "/"
        )
    if isinstance(node, ast.Attribute) and node.attr == "name" and isinstance(node.value, ast.Call):
        path = node.value
        if ast.unparse(path.func) not in ("Path", "pathlib.Path", "PurePosixPath", "pathlib.PurePosixPath") or len(path.args) != 1:
            return False
        inner = path.args[0]
        if isinstance(inner, ast.Name):
            return inner.id == url
        # `Path(urlparse(url).path).name`
        return (
            isinstance(inner, ast.Attribute) and inner.attr == "path" and isinstance(inner.value, ast.Call)
            and ast.unparse(inner.value.func).rsplit(".", 1)[-1] in ("urlparse", "urlsplit")
            and len(inner.value.args) == 1 and isinstance(inner.value.args[0], ast.Name) and inner.value.args[0].id == url
        )
    return False


def _tested_file(test: ast.AST) -> Optional[ast.AST]:
    """The path an existence test looks at: `exists(D)`, `os.path.isfile(D)`, `Path(D).exists()`,
    `D.is_file()` → D; None for any other test."""
    if not isinstance(test, ast.Call):
        return None
    if len(test.args) == 1 and not test.keywords and ast.unparse(test.func) in _EXISTS_CALLS:
        return test.args[0]
    if isinstance(test.func, ast.Attribute) and test.func.attr in ("exists", "is_file") and not test.args:
        target = test.func.value
        if isinstance(target, ast.Call) and ast.unparse(target.func) in ("Path", "pathlib.Path") and len(target.args) == 1:
            return target.args[0]
        return target
    return None


def _skipped_when_file_exists(function: ast.FunctionDef | ast.AsyncFunctionDef, url: str, line: int) -> bool:
    """Is the fetch of the parameter `url` at `line` skipped when the URL's own file name exists:
    it sits in the body of `if not exists(D)`, or after `if exists(D): return`, where D is that name
    (`basename(url)`, or a name bound to it), and the call writes to D if it names a destination
    (`urlretrieve(url, filename)`)? The book-repository idiom: committed beside the notebook, the
    file is never downloaded."""
    names: set[str] = set()
    for node in ast.walk(function):  # names bound to the URL's file name (twice: `Path(name)` of one)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if _url_file_name(node.value, url, names):
                names.add(node.targets[0].id)
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if _url_file_name(node.value, url, names):
                names.add(node.targets[0].id)

    def names_file(node: Optional[ast.AST]) -> bool:
        return node is not None and _url_file_name(node, url, names)

    fetch = next((
        n for n in ast.walk(function)
        if isinstance(n, ast.Call) and n.lineno <= line <= (n.end_lineno or n.lineno)
        and any(isinstance(a, ast.Name) and a.id == url for a in (*n.args, *(k.value for k in n.keywords)))
    ), None)
    if fetch is None:
        return False
    destination = fetch.args[1] if len(fetch.args) > 1 else next(
        (k.value for k in fetch.keywords if k.arg in ("filename", "out", "path", "fname", "dest")), None)
    if destination is not None and not names_file(destination):
        return False  # written elsewhere than the file the guard tests
    for node in ast.walk(function):
        if not isinstance(node, ast.If):
            continue
        test = node.test
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and names_file(_tested_file(test.operand)):
            body_end = max((b.end_lineno or b.lineno) for b in node.body)
            if node.body[0].lineno <= line <= body_end:
                return True
        # `if exists(name): return` above the fetch, in the function's own body.
        if (
            node in function.body and names_file(_tested_file(test)) and isinstance(node.body[-1], ast.Return)
            and (node.end_lineno or node.lineno) < line
        ):
            return True
    return False


def _module_string_lists(ctx: RuleContext) -> dict[str, tuple[CellAnalysis, list[ast.Constant]]]:
    """Names bound once in the notebook, at module level, to a list of string literals."""
    found: dict[str, tuple[CellAnalysis, list[ast.Constant]]] = {}
    bound_more: set[str] = set()
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        for stmt in tree.body if tree is not None else ():
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                name = stmt.targets[0].id
                items = _string_list(stmt.value)
                if name in found or not items:
                    bound_more.add(name)
                found.setdefault(name, (ca, items))
    return {name: value for name, value in found.items() if name not in bound_more and value[1]}


def _string_list(node: ast.AST) -> list[ast.Constant]:
    if isinstance(node, (ast.List, ast.Tuple)) and node.elts and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return list(node.elts)  # type: ignore[arg-type]
    return []


def _function_downloads(ctx: RuleContext, settings: PathSettings) -> Iterator[Hit]:
    """`download_file(url, directory)` where `download_file` is the notebook's own function around
    `requests.get(url)`: the URL passed (a literal, or a loop variable over a list of literals bound
    in the cell) is downloaded at run time. The calls of one cell are one download step, as direct
    download calls are; so are the calls of one function, in any cell, whose URLs share a folder
    (`download(".../raw/master/code/nsfg.py")` in cell 2, `download(".../raw/master/code/brfss.py")`
    before the data set is used in cell 14): the notebook fetches its inputs from that place, one
    thing to change. One finding per step, at its first URL, the other URLs and the calls related.
    A URL the function fetches only when its file name is missing (`if not exists(basename(url))`)
    is left out when that file is beside the notebook (`ProjectContext.downloads_present`)."""
    functions = _downloading_functions(ctx)
    if not functions:
        return
    string_lists = _module_string_lists(ctx)
    present = ctx.project.downloads_present if ctx.project is not None else frozenset()
    # (function, call cell, call, URL cell, URLs): one per call with web URLs, in notebook order.
    calls: list[tuple[str, CellAnalysis, ast.Call, CellAnalysis, list[ast.Constant]]] = []
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        lists: dict[str, list[ast.Constant]] = {}
        loops: list[tuple[ast.For, list[ast.Constant]]] = []
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                lists[stmt.targets[0].id] = _string_list(stmt.value)
            if isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name):
                items = _string_list(stmt.iter) or (lists.get(stmt.iter.id, []) if isinstance(stmt.iter, ast.Name) else [])
                loops.append((stmt, items))
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for node in ast.walk(stmt):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions):
                    continue
                position, param, callee, each, guarded, _ = functions[node.func.id]
                given = next((k.value for k in node.keywords if k.arg == param), None)
                if given is None and position < len(node.args):
                    given = node.args[position]
                urls: list[ast.Constant] = []
                where = ca  # the cell of the URL literals
                if each:
                    # `build_dataset(seed_urls)`: every URL of the list given is fetched.
                    urls = _string_list(given) if given is not None else []
                    if not urls and isinstance(given, ast.Name) and given.id in string_lists:
                        where, urls = string_lists[given.id]
                elif isinstance(given, ast.Constant) and isinstance(given.value, str):
                    urls = [given]
                elif isinstance(given, ast.Name):
                    urls = next((items for loop, items in loops if loop is stmt and loop.target.id == given.id), [])  # type: ignore[union-attr]
                    if not urls:
                        # `download_read_data(data_path)` with `data_path = "https://…/housing.csv"` bound
                        # above (fair checks 22 and 23): the URL fetched is that binding's literal.
                        bound = _last_binding(ctx, given.id, ca.cell.index, node.lineno)
                        if bound is not None and isinstance(bound[0], ast.Constant) and isinstance(bound[0].value, str):
                            where = next(c for c in ctx.cells if c.cell.index == bound[1])
                            urls = [bound[0]]
                urls = [u for u in urls if (c := classify(u.value, settings, path_argument=True, url_only=True)) is not None
                        and c.kind == "remote" and c.detail in settings.web_schemes
                        # Skipped when its file exists, and the file is beside the notebook: never fetched there.
                        and not (guarded and _url_file(u.value) in present)]
                if not urls or _hosted_line(ca, node.lineno):
                    continue
                calls.append((node.func.id, ca, node, where, urls))
    # One step per cell, and per function and URL folder across cells (connected groups).
    parent = list(range(len(calls)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_of: dict[tuple, int] = {}
    for i, (function, ca, _, where, urls) in enumerate(calls):
        for key in (("cell", ca.cell.index), ("folder", function, _url_folder(urls[0].value))):
            if key in first_of:
                parent[root(i)] = root(first_of[key])
            else:
                first_of[key] = i
    steps: dict[int, list[int]] = {}
    for i in range(len(calls)):
        steps.setdefault(root(i), []).append(i)
    for members in sorted(steps.values()):
        function, ca, node, where, urls = calls[members[0]]
        callee = functions[function][2]
        first = urls[0]
        listed = urls[1:]
        related: list[tuple] = [(where.cell, u.lineno, u.col_offset + 1) for u in listed]
        if where is not ca or node.lineno != first.lineno:
            related.append((ca.cell, node.lineno, node.col_offset + 1))
        later: list[tuple[CellAnalysis, ast.Call, CellAnalysis, list[ast.Constant]]] = [calls[i][1:] for i in members[1:]]
        for c_ca, c_node, c_where, c_urls in later:
            related.extend((c_where.cell, u.lineno, u.col_offset + 1) for u in c_urls)
            if c_where is not c_ca or c_node.lineno != c_urls[0].lineno:
                related.append((c_ca.cell, c_node.lineno, c_node.col_offset + 1))
        related.append(functions[function][5])  # where the function fetches it
        more = f"; {len(listed)} more URL{'s' if len(listed) > 1 else ''} of the list too" if listed else ""
        same_cell = [u for c_ca, _, _, c_urls in later if c_ca is ca for u in c_urls]
        other_cells = sorted({c_ca.cell.index for c_ca, _, _, _ in later if c_ca is not ca})
        if same_cell:
            more += f"; {len(same_cell)} more URL{'s' if len(same_cell) > 1 else ''} fetched by this cell too"
        if other_cells:
            count = sum(len(c_urls) for c_ca, _, _, c_urls in later if c_ca is not ca)
            shown_cells = ", ".join(str(c) for c in other_cells)
            more += (f"; {count} more file{'s' if count > 1 else ''} from {shown(_url_folder(first.value))} fetched the same way "
                     f"in cell{'s' if len(other_cells) > 1 else ''} {shown_cells}")
        yield Hit(
            where.cell, first.lineno, first.col_offset + 1,
            f"URL {shown(first.value)} is downloaded at run time by `{function}`, the notebook's own function "
            f"around `{callee}`: the notebook needs the network and the remote file can change or disappear{more}",
            fix="Make the URL a config value, download once into a versioned data folder, and read the local copy.",
            key=f"{function}\x1f{first.value}",
            related=tuple(dict.fromkeys(related)),
        )


@dataclass(frozen=True)
class _RegistryDownloads:
    """What `_registry_downloads` reads: the fetching functions (name → (parameter position,
    parameter name)), the registries' web URLs by (registry, key) → (cell, URL node, URL), the place
    of the fetching call inside each function, and the spans of the fetching function's parameter
    defaults naming the folder it saves into ((cell index, (line, column) start, end))."""

    functions: Mapping[str, tuple[int, str, str]]
    entries: Mapping[tuple[str, str], tuple[CellAnalysis, ast.expr, str]]
    fetch_places: Mapping[str, tuple[Cell, int, int]]
    callee: Mapping[str, str]
    cache_defaults: tuple[tuple[int, tuple[int, int], tuple[int, int], str], ...]


def _registry_download_facts(ctx: RuleContext) -> Optional[_RegistryDownloads]:
    """The notebook's own download helper that fetches URLs from a dict of constant URLs the
    notebook defines (d2l's `DATA_HUB = dict()`, `DATA_HUB['ptb'] = (DATA_URL + 'ptb.zip',
    '319d…')`, and `def download(name, cache_dir=os.path.join('..', 'data')): url, sha1_hash =
    DATA_HUB[name] … requests.get(url)`), with the notebook's functions that hand it their own
    parameter (`download_extract(name)` calling `download(name)`); None when there is none."""
    def compute() -> Optional[_RegistryDownloads]:
        settings = path_settings(ctx.catalog)
        constants = string_constants(ctx.facts)
        registries: set[str] = set()
        entries: dict[tuple[str, str], tuple[CellAnalysis, ast.expr, str]] = {}
        trees = [(ca, tree) for ca in ctx.cells if (tree := cell_python_tree(ca)) is not None]
        for ca, tree in trees:
            for stmt in tree.body:
                if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
                    continue
                target, value = stmt.targets[0], stmt.value
                if isinstance(target, ast.Name) and (
                        isinstance(value, ast.Dict) and not value.keys
                        or isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" and not value.args and not value.keywords):
                    registries.add(target.id)
                elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id in registries \
                        and isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str):
                    node = value.elts[0] if isinstance(value, ast.Tuple) and value.elts else value
                    url = _evaluate(node, constants)
                    c = classify(url, settings, path_argument=True, url_only=True) if url else None
                    if c is not None and c.kind == "remote" and c.detail in settings.web_schemes:
                        entries[(target.value.id, target.slice.value)] = (ca, node, url)
        if not entries:
            return None
        functions: dict[str, tuple[int, str, str]] = {}  # name → (position, parameter, registry)
        fetch_places: dict[str, tuple[Cell, int, int]] = {}
        callee: dict[str, str] = {}
        cache_defaults: list[tuple[int, tuple[int, int], tuple[int, int], str]] = []
        defs: list[tuple[CellAnalysis, ast.FunctionDef | ast.AsyncFunctionDef]] = [
            (ca, stmt) for ca, tree in trees for stmt in tree.body if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for ca, stmt in defs:
            params = [a.arg for a in (*stmt.args.posonlyargs, *stmt.args.args)]
            looked_up: dict[str, tuple[str, str]] = {}  # `url, sha1_hash = DATA_HUB[name]` → url: (registry, name)
            for node in ast.walk(stmt):
                if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Subscript)):
                    continue
                sub = node.value
                if isinstance(sub.value, ast.Name) and sub.value.id in registries and isinstance(sub.slice, ast.Name) and sub.slice.id in params:
                    target = node.targets[0]
                    first = target.elts[0] if isinstance(target, (ast.Tuple, ast.List)) and target.elts else target
                    if isinstance(first, ast.Name):
                        looked_up[first.id] = (sub.value.id, sub.slice.id)
            if not looked_up:
                continue
            end = stmt.end_lineno or stmt.lineno
            for pa in path_arguments(ctx.facts, ctx.catalog, ca):
                if pa.entry.kind == "url" and pa.call.in_function and stmt.lineno <= pa.call.line <= end and pa.arg.name in looked_up:
                    registry, param = looked_up[pa.arg.name]
                    functions[stmt.name] = (params.index(param), param, registry)
                    fetch_places[stmt.name] = (ca.cell, pa.call.line, pa.call.column)
                    callee[stmt.name] = pa.shown_callee
                    # (the folder parameter the helper makes, `os.makedirs(cache_dir, exist_ok=True)`, and
                    # joins the saved file's name onto, `os.path.join(cache_dir, url.split('/')[-1])`)
                    made = {c.args[0].id for c in ast.walk(stmt) if isinstance(c, ast.Call) and c.args and isinstance(c.args[0], ast.Name)
                            and (dotted_name(c.func) or "").rpartition(".")[2] in ("makedirs", "mkdir")}
                    joined = {c.args[0].id for c in ast.walk(stmt) if isinstance(c, ast.Call) and c.args and isinstance(c.args[0], ast.Name)
                              and (dotted_name(c.func) or "").endswith("path.join")}
                    positional = [*stmt.args.posonlyargs, *stmt.args.args]
                    for arg, default in zip(positional[len(positional) - len(stmt.args.defaults):], stmt.args.defaults):
                        if arg.arg in made and arg.arg in joined and arg.arg != param:
                            cache_defaults.append((ca.cell.index, (default.lineno, default.col_offset),
                                                   (default.end_lineno or default.lineno, default.end_col_offset or 0), stmt.name))
                    break
        if not functions:
            return None
        # The notebook's functions handing their own parameter to one of those (`download_extract(name)`
        # calling `download(name)`), followed through.
        changed = True
        while changed:
            changed = False
            for ca, stmt in defs:
                if stmt.name in functions:
                    continue
                params = [a.arg for a in (*stmt.args.posonlyargs, *stmt.args.args)]
                for node in ast.walk(stmt):
                    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions):
                        continue
                    position, param, registry = functions[node.func.id]
                    given = next((k.value for k in node.keywords if k.arg == param), None)
                    if given is None and position < len(node.args):
                        given = node.args[position]
                    if isinstance(given, ast.Name) and given.id in params:
                        functions[stmt.name] = (params.index(given.id), given.id, registry)
                        fetch_places[stmt.name] = fetch_places[node.func.id]
                        callee[stmt.name] = callee[node.func.id]
                        changed = True
                        break
            # A class whose constructor hands its parameter on (`TokenEmbedding('glove.6b.50d')`, whose
            # `__init__` calls `self._load_embedding(name)`, which calls `download_extract(name)`).
            for ca, tree in trees:
                for cls in tree.body:
                    if not isinstance(cls, ast.ClassDef) or cls.name in functions:
                        continue
                    methods = {m.name: m for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
                    handing: dict[str, tuple[int, str, str, str]] = {}  # method → (position after self, parameter, registry, helper)
                    grown = True
                    while grown:
                        grown = False
                        for name, method in methods.items():
                            if name in handing:
                                continue
                            params = [a.arg for a in (*method.args.posonlyargs, *method.args.args)][1:]
                            for node in ast.walk(method):
                                if not isinstance(node, ast.Call):
                                    continue
                                if isinstance(node.func, ast.Name) and node.func.id in functions:
                                    position, param, registry = functions[node.func.id]
                                    helper = node.func.id
                                elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                                        and node.func.value.id == "self" and node.func.attr in handing:
                                    position, param, registry, helper = handing[node.func.attr]
                                else:
                                    continue
                                given = next((k.value for k in node.keywords if k.arg == param), None)
                                if given is None and position < len(node.args):
                                    given = node.args[position]
                                if isinstance(given, ast.Name) and given.id in params:
                                    handing[name] = (params.index(given.id), given.id, registry, helper)
                                    grown = True
                                    break
                    if "__init__" in handing:
                        position, param, registry, helper = handing["__init__"]
                        functions[cls.name] = (position, param, registry)
                        fetch_places[cls.name] = fetch_places[helper]
                        callee[cls.name] = callee[helper]
                        changed = True
        return _RegistryDownloads(functions, entries, fetch_places, callee, tuple(cache_defaults))
    return ctx.shared("paths.registry_downloads", compute)


def _registry_downloads(ctx: RuleContext, settings: PathSettings) -> Iterator[Hit]:
    """A URL of the notebook's own registry fetched by its own download helper (`_registry_download_facts`:
    `download_extract('ptb')`, with `DATA_HUB['ptb'] = (DATA_URL + 'ptb.zip', '319d…')`): downloaded
    at run time. One finding per registry and URL folder, at the first entry fetched, the other entries
    fetched, the calls, the fetching call in the helper and the folder it saves into (its parameter's
    default, `cache_dir=os.path.join('..', 'data')`, which the helper makes) related. Fair check 28,
    items 103, 108, 111, 112: the cache folder was a PTH006 finding and the download none."""
    facts = _registry_download_facts(ctx)
    if facts is None:
        return
    # (registry, key) → [(cell, call node)], in notebook order
    fetched: dict[tuple[str, str], list[tuple[CellAnalysis, ast.Call]]] = {}
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        dead = never_run_lines(ctx.facts, ca)
        for node in nodes_of(tree, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in facts.functions) or node.lineno in dead:
                continue
            position, param, registry = facts.functions[node.func.id]
            given = next((k.value for k in node.keywords if k.arg == param), None)
            if given is None and position < len(node.args):
                given = node.args[position]
            if isinstance(given, ast.Constant) and isinstance(given.value, str) and (registry, given.value) in facts.entries \
                    and not _hosted_line(ca, node.lineno):
                fetched.setdefault((registry, given.value), []).append((ca, node))
    if not fetched:
        return
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for key in fetched:
        groups.setdefault((key[0], _url_folder(facts.entries[key][2])), []).append(key)
    for (registry, _), keys in groups.items():
        first_key = keys[0]
        ca, node, url = facts.entries[first_key]
        related: list[tuple[Cell, int, int]] = []
        for key in keys:
            e_ca, e_node, _ = facts.entries[key]
            if key != first_key:
                related.append((e_ca.cell, e_node.lineno, e_node.col_offset + 1))
            related.extend((c.cell, call.lineno, call.col_offset + 1) for c, call in fetched[key])
        function = fetched[first_key][0][1].func.id  # type: ignore[attr-defined]
        helpers = {fetched[k][0][1].func.id for k in keys}  # type: ignore[attr-defined]
        related.extend(facts.fetch_places[h] for h in sorted(helpers))
        cells = ctx.analysis_at
        folders = [(cells[cell].cell, start[0], start[1] + 1) for cell, start, _, name in facts.cache_defaults
                   if facts.fetch_places.get(name) in {facts.fetch_places[h] for h in helpers}]
        related.extend(folders)
        more = f"; {len(keys) - 1} more URL{'s' if len(keys) > 2 else ''} of `{registry}` fetched the same way" if len(keys) > 1 else ""
        saved = "; the folder it saves into (a parameter default the helper makes) is related" if folders else ""
        yield Hit(
            ca.cell, node.lineno, node.col_offset + 1,
            f"URL {shown(url)} (`{registry}[{first_key[1]!r}]`) is downloaded at run time by the notebook's own `{function}`, "
            f"around `{facts.callee[function]}`: the notebook needs the network and the remote file can change or "
            f"disappear{more}{saved}",
            fix="Make the URL a config value, download once into a versioned data folder, and read the local copy.",
            key=f"{registry}\x1f{url}",
            related=tuple(dict.fromkeys(related)),
        )


def _registry_cache_default(ctx: RuleContext, f: LiteralFinding) -> bool:
    """Is the literal the default of a registry download helper's folder parameter
    (`_registry_download_facts`), which that finding names as related?"""
    facts = _registry_download_facts(ctx)
    return facts is not None and any(
        cell == f.ca.cell.index and start <= (f.line, f.column - 1) < end for cell, start, end, _ in facts.cache_defaults
    )


def _wrapped_reads(ctx: RuleContext, settings: PathSettings) -> Iterator[Hit]:
    """A URL given to the notebook's own function that hands that parameter to a catalogued path
    argument (`def read_data(filename): return pd.read_parquet(filename)`, then `read_data(input_file)`
    with `input_file = f"https://…/trips_{year:04d}-{month:02d}.parquet"` bound above): the reader
    fetches it at run time, as `pd.read_parquet(url)` would. The URL is a literal or f-string given
    directly, or the value of the name's last plain binding above the call. One finding per URL, at
    its literal, the calls related."""
    functions = _path_functions(ctx)
    downloaders = _downloading_functions(ctx)
    if not functions:
        return
    places: dict[tuple[int, int, int], tuple[CellAnalysis, ast.expr, str, str, PathArgument, list[tuple]]] = {}
    cells = ctx.analysis_at
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for node in ast.walk(stmt):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions
                        and node.func.id not in downloaders):
                    continue
                params, pa, _ = functions[node.func.id]
                if pa.direction not in ("read", "both"):
                    continue
                (param, position), = params.items()
                given = next((k.value for k in node.keywords if k.arg == param), None)
                if given is None and 0 <= position < len(node.args) and not any(isinstance(a, ast.Starred) for a in node.args[:position + 1]):
                    given = node.args[position]
                where = ca
                if isinstance(given, ast.Name):
                    bound = _last_binding(ctx, given.id, ca.cell.index, node.lineno)
                    if bound is None or bound[1] not in cells:
                        continue
                    given, where = bound[0], cells[bound[1]]
                value = _url_text(given)
                if value is None or _hosted_line(ca, node.lineno):
                    continue
                found = classify(value, settings, path_argument=True, url_only=True)
                if found is None or found.kind != "remote" or found.detail not in settings.web_schemes:
                    continue
                key = (where.cell.index, given.lineno, given.col_offset)  # type: ignore[union-attr]
                call = (ca.cell, node.lineno, node.col_offset + 1)
                if key in places:
                    places[key][5].append(call)
                else:
                    places[key] = (where, given, value, node.func.id, pa, [call])  # type: ignore[assignment]
    for where, literal, value, fname, pa, calls in places.values():
        related = [c for c in calls if (c[0], c[1]) != (where.cell, literal.lineno)]
        inside = cells.get(functions[fname][2])
        if inside is not None:
            related.append((inside.cell, pa.call.line, pa.call.column))  # where the function reads it
        yield Hit(
            where.cell, literal.lineno, literal.col_offset + 1,
            f"URL {shown(value)} is {pa.verb} `{pa.shown_callee}` inside `{fname}`, the notebook's own function "
            f"(called in cell {calls[0][0].index}, line {calls[0][1]}): it is downloaded at run time, the notebook needs the "
            "network and the remote file can change or disappear",
            fix="Make the URL a config value, download once into a versioned data folder, and read the local copy.",
            key=f"{fname}\x1f{value}",
            related=tuple(dict.fromkeys(related)),
        )


def _constant_urls_in_functions(ctx: RuleContext, settings: PathSettings) -> Iterator[Hit]:
    """A URL constant formatted into the URL a call fetches: `url_template = "http://…&Year={year}"`,
    then `def download_weather_month(year, month): url = url_template.format(year=year, month=month);
    return pd.read_csv(url)`, called by later cells (fair check 23, item B-4.3), or at module level
    `pd.read_csv(url_template.format(year=2012, month=3))` (through a name bound to it too). Inside a
    function the URL may also start with the constant by `%`, `+` or an f-string (the module level has
    its own checks of those: `propagated_paths`, `_open_ended_urls`), and the function must be called
    at module level below its definition (one never called fetches nothing). The constant is bound once
    in the notebook and is no parameter or local of the function. One finding per constant, at its
    literal, the fetching calls (and the calls of the function) related."""
    constants = string_constants(ctx.facts)
    if not constants:
        return
    cells = ctx.analysis_at
    # (constant, the function or "", the URL as written, the call, its cell)
    uses: dict[tuple[int, int, int], list[tuple[Constant, str, str, PathArgument, CellAnalysis]]] = {}
    for ca in ctx.cells:
        arguments = [pa for pa in path_arguments(ctx.facts, ctx.catalog, ca)
                     if pa.literal is None and (pa.entry.kind == "url" or pa.direction in ("read", "both"))]
        tree = cell_python_tree(ca) if arguments else None
        if tree is None:
            continue
        nodes = _call_argument_nodes(tree)
        functions = [f for f in tree.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for pa in arguments:
            node = nodes.get((pa.arg.line, pa.arg.column))
            if node is None:
                continue
            fname, local = "", frozenset[str]()
            if pa.call.in_function:
                function = next((f for f in functions if f.lineno <= pa.call.line <= (f.end_lineno or f.lineno)), None)
                if function is None:
                    continue
                args = function.args
                names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a is not None}
                bindings: list[ast.AST] = []
                for n in walk_nodes(function):
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                        names.add(n.id)
                    if (isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
                            and isinstance(node, ast.Name) and n.targets[0].id == node.id):
                        bindings.append(n.value)
                built = node
                if isinstance(node, ast.Name):
                    # The local the call is given, bound once in the function above it: `url = url_template.format(…)`.
                    if len(bindings) != 1 or bindings[0].lineno > pa.call.line:
                        continue
                    built = bindings[0]
                fname, local = function.name, frozenset(names)
                lead = _leading_name(built)
            else:
                built = node
                if isinstance(node, ast.Name):
                    bound = _last_binding(ctx, node.id, ca.cell.index, pa.call.line, nested=True)
                    built = bound[0] if bound is not None else node
                lead = _leading_name(built) if _str_format_of_name(built) else None
            if lead is None or lead in local or lead not in constants:
                continue
            root = constants[lead].root or constants[lead]
            found = classify(root.value, settings, path_argument=True, url_only=True)
            if found is None or found.kind != "remote" or found.detail not in settings.web_schemes:
                continue
            if _hosted_line(ca, pa.call.line):
                continue
            written = ast.get_source_segment(ca.masked.python, built) or ""
            uses.setdefault((root.ca.cell.index, root.line, root.column), []).append((root, fname, written, pa, ca))
    if not uses:
        return
    # Where each function is called at module level: (cell, line, column), in notebook order.
    called: dict[str, list[tuple[int, int, int]]] = {}
    wanted = {u[1] for found in uses.values() for u in found if u[1]}
    for ca in ctx.cells if wanted else ():
        tree = cell_python_tree(ca)
        for stmt in tree.body if tree is not None else ():
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for n in walk_nodes(stmt):
                if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in wanted:
                    called.setdefault(n.func.id, []).append((ca.cell.index, n.lineno, n.col_offset + 1))
    for (cell, line, column), found in uses.items():
        runs = [(u, [c for c in called.get(u[1], []) if (c[0], c[1]) > (u[4].cell.index, u[3].call.line)]) for u in found]
        runs = [(u, calls) for u, calls in runs if calls or not u[1]]
        if not runs:
            continue
        (root, fname, written, pa, ca), calls = runs[0]
        built = f" as `{written}`" if written and "\n" not in written and len(written) <= 90 else ""
        where = (f" inside `{fname}`, the notebook's own function (cell {ca.cell.index}, line {pa.call.line}; called in cell "
                 f"{calls[0][0]}, line {calls[0][1]})") if fname else f" (cell {ca.cell.index}, line {pa.call.line})"
        related = [(u[4].cell, u[3].call.line, u[3].call.column) for u, _ in runs]
        related += [(cells[c].cell, ln, col) for _, cs in runs for c, ln, col in cs]
        yield Hit(
            root.ca.cell, line, column,
            f"URL {shown(root.value)} (`{root.name}`) is downloaded at run time by `{pa.shown_callee}`{built}{where}: "
            f"the notebook needs the network and the remote file {_change_note(root.value)}",
            fix="Make the URL a config value, download once into a versioned data folder, and read the local copy.",
            key=f"{fname}\x1f{root.value}",
            related=tuple(r for r in dict.fromkeys(related) if r[:2] != (root.ca.cell, line)),
        )


def _str_format_of_name(node: ast.AST) -> bool:
    """`url_template.format(…)`: `str.format` called on a name."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" and isinstance(node.func.value, ast.Name)


def _leading_name(node: ast.AST) -> Optional[str]:
    """The name a string expression starts with: `url_template.format(…)`, `BASE % (…)`, `BASE + name`,
    `f"{BASE}/{name}"`, or the bare name; None for anything else."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            node = node.left
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            node = node.func.value
        elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.FormattedValue):
            node = node.values[0].value
        else:
            return None


def _url_text(node: Optional[ast.AST]) -> Optional[str]:
    """A string literal's value, or an f-string's text with its holes as `{}` when it starts with
    a literal piece (`f"https://host/trips_{year:04d}.parquet"` → `https://host/trips_{}.parquet`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)  # type: ignore[misc]
    return None


def _url_file(url: str) -> str:
    """The last path segment of a URL (`https://h/a/b.csv?x=1` → `b.csv`): the file name a
    download of it gets by default."""
    path = re.split(r"[?#]", url.split("://", 1)[-1], maxsplit=1)[0]
    return path.rsplit("/", 1)[-1] if "/" in path else ""


def _url_folder(url: str) -> str:
    """A URL up to its last `/` (scheme, host and folder, no query): where a set of files is fetched from."""
    path = re.split(r"[?#]", url, maxsplit=1)[0]
    return path.rsplit("/", 1)[0] + "/" if path.count("/") > 2 else path


def _bound_above_in_cell(ca: CellAnalysis, name: str, line: int) -> Optional[tuple[str, int, int]]:
    """(value, line, column) of the string literal `name` is bound to by the last module-level
    statement of the cell above `line` that binds it, if that statement is `name = "<literal>"`."""
    tree = cell_python_tree(ca)
    if tree is None:
        return None
    found: Optional[tuple[str, int, int]] = None
    for stmt in _statements_before(tree.body, line):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == name:
            value = stmt.value
            found = (value.value, value.lineno, value.col_offset + 1) if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
        elif any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in ast.walk(stmt)):
            found = None  # bound another way (a loop, a tuple): no single literal
    return found


def _statements_before(body: Sequence[ast.stmt], line: int) -> Iterator[ast.stmt]:
    """The statements that run before `line` on the way to it, outermost first: those of `body` above
    the statement holding `line`, then those above it in the block of that statement that holds it
    (an `except ModuleNotFoundError:` handler's `url = "https://…"` before its `wget.download(url, path)`,
    fair check 16), and so on down. Statements in other blocks of the way (an `if`'s `else:`) are not."""
    for stmt in body:
        if stmt.lineno >= line:
            return
        if (stmt.end_lineno or stmt.lineno) < line:
            yield stmt
            continue
        blocks = [getattr(stmt, f, None) or [] for f in ("body", "orelse", "finalbody")]
        blocks += [h.body for h in getattr(stmt, "handlers", ())]
        blocks += [c.body for c in getattr(stmt, "cases", ())]
        inner = next((b for b in blocks if b and b[0].lineno <= line <= (b[-1].end_lineno or b[-1].lineno)), None)
        if inner is not None and not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield from _statements_before(inner, line)
        return


def _binds_above_in_cell(ca: CellAnalysis, name: str, line: int) -> bool:
    """Does a statement of the cell above `line` bind `name` (in any way)? True for a cell we cannot read."""
    tree = cell_python_tree(ca)
    if tree is None:
        return True
    return any(
        isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
        for stmt in tree.body if stmt.lineno < line for n in ast.walk(stmt)
    )


def _bound_in_cells_above(ctx: RuleContext, ca: CellAnalysis, name: str) -> Optional[tuple[CellAnalysis, tuple[str, int, int]]]:
    """The string literal of `name = "<literal>"` when that is the last binding of `name` in the
    nearest cell above `ca` that binds it (top to bottom, the value the call reads); None when
    that binding is another one, or a cell in between cannot be read and mentions `name`."""
    index = next(i for i, c in enumerate(ctx.cells) if c is ca)
    for above in reversed(ctx.cells[:index]):
        if cell_python_tree(above) is None:
            if name in above.cell.source:
                return None
            continue
        if _binds_above_in_cell(above, name, 1 << 30):
            literal = _bound_above_in_cell(above, name, 1 << 30)
            return None if literal is None else (above, literal)
    return None


_CHDIR_FUNCTIONS = frozenset({"os.chdir", "os.fchdir"})
_CHDIR_MAGICS = frozenset({"cd", "pushd"})


class ChangeDirectory(Rule):
    code = "PTH004"
    quiet_in_reference_sheets = True
    name = "chdir"
    family = Family.PATHS
    severity = Severity.WARNING
    summary = "The notebook changes the working directory (`os.chdir`, `%cd`, `cd`)."
    what_it_does = (
        "Reports `os.chdir(...)` (also imported as `from os import chdir`), the `%cd` and `%pushd` magics, "
        "`cd` used as an automagic, and `get_ipython().run_line_magic('cd', …)`, at the call or magic "
        "line. `!cd` is not reported: it runs in a throw-away shell and changes nothing. A return to a "
        "folder saved with `path = os.getcwd()` (`os.chdir(path)`; in a function, a name its own body "
        "binds that way, `current_dir = os.getcwd()` … `finally: os.chdir(current_dir)`) undoes the change above it: it is a "
        "related location of that change's finding, not a finding of its own. So is a return in the same "
        "cell (`%cd tools` … `%cd ..`, `%cd a/b` … `%cd ../..`, `%cd -`, `%pushd x` … `%popd`) or in a later "
        "cell (`%cd mmdetection` in one cell, `%cd ../` in a later one; `%cd {os.getcwd()}/a/b/c` or `%cd $PWD/a/b/c` goes down as `%cd a/b/c` does, "
        "and `%cd ../../..` climbs back out of it); when, in one cell, only "
        "shell lines and magics run in between (`%cd tools`, `!python setup.py develop`, `%cd ..`), the "
        "pair is no finding at all: the kernel's folder is the same after the cell, and no Python of the "
        "notebook reads a path inside it. `%cd {HOME}` (or `$HOME`), with `HOME` saved that way, is "
        "`os.chdir(HOME)`: a return, never a finding of its own. `%cd {HOME}/tool` is absolute and "
        "idempotent (the template that starts each cell with it, for that cell's shell lines): one "
        "finding per notebook at most, and only when a later cell's Python reads a relative path "
        "before the next change to an anchored, absolute or saved folder; the other anchored changes "
        "are its related locations. So a lone change into an absolute folder, a literal or a string constant (`os.chdir(Result_folder)` "
        "with `Result_folder = \"/content/drive/…/results\"`), followed by relative paths of its own cell only (`imsave(name + \"_mask.png\", …)`), "
        "no later cell reading one, running a shell line, importing a local module or changing again, is no finding. A change into a folder "
        "computed at run time (`os.chdir(QC_folder + \"/Prediction\")`, the name bound in branches) is said to depend on the start folder only if it is relative. "
        "Changes in consecutive code cells that end with a return to the saved "
        "start folder (`%cd {build}`; `%cd solver` … `%cd ../plotter`; `%cd work` … `%cd {START}`) are one "
        "setup block: one finding at its first change, the others related. A `%cd docs/notebooks` after "
        "a `%cd ../..`, in a notebook that lies in `docs/notebooks/`, goes back down to where the kernel "
        "started: a return, related to the climb's finding; so is an `os.chdir('../notebooks')` (or `%cd`) after an "
        "`os.chdir('../examples')` in a notebook that lies in `notebooks/`, and when only shell lines run in between (also in "
        "an `if`/`else` whose tests call nothing, `if sys.platform == \"darwin\":` choosing a `!gcc` line) the pair is no finding. A `%cd` into an absolute folder PTH002 reports on the same line (`%cd /content/zoo/`, or `os.chdir(\"/content/gpt-2\")`) is that finding's: one line, one fix; "
        "so is the same change repeated at the top of later cells, a related location of that PTH002 finding (one root to configure). "
        "A change in the branch a setting bound once turns off (`use_gdrive = 'no'  #@param`, then `if use_gdrive == 'yes': os.chdir(root)`) never runs: not reported; "
        "nor is one under `if False:` or in a module-level function nothing calls (as for PTH001–PTH006). "
        "A change into the folder a `git clone` below a reported change makes (`%cd drive/MyDrive` and `!git clone …/repo.git` in "
        "one cell, `%cd repo` below it or alone in the next code cell) is that setup step's: related to the first change's finding. "
        "So is a hop of a chain of relative changes: a change that climbs out of the folder a reported change went down into, "
        "with no return between (`%cd my_repo/feature_repo`, then `%cd ../../remote-online` in a later cell, then "
        "`%cd ../my_repo/feature_repo`), and a change into a sibling right after the return that undoes an earlier cell's change, "
        "in that return's cell (`os.chdir(\"app\")`, then `os.chdir(\"..\")` and `os.chdir(\"app_v2\")`): where it lands "
        "depends on the first change, and one fix covers the chain. A change guarded by the working folder's name into the notebook's "
        "own folder (`if os.path.basename(os.getcwd()) == \"tutorials\": os.chdir(\"spam\")` in a notebook that lies in "
        "`tutorials/spam/`) is no finding: it moves only a kernel started one folder up into the notebook's folder, does nothing "
        "when started there or run again, and every relative path after it resolves against the notebook's folder either way "
        "(known only when the notebook's path, as audited, names those folders). So is the change of a hosted set-up cell "
        "that, only when the folder it tests for is missing (`if not os.path.isdir(\"data\"):`, no `else:`), clones a "
        "repository and enters the notebook's own folder in the clone (`os.chdir(os.path.join(_clone, \"portfolio\", PROJECT))` "
        "with `PROJECT = \"ml/houses\"` in a notebook that lies in `portfolio/ml/houses/`): run from the notebook's folder it "
        "does nothing, elsewhere it lands in a copy of that folder."
    )
    why_bad = (
        "Every relative path after the change depends on the cell having run exactly once, from the "
        "folder the kernel started in: running the cell twice, out of order or from another folder "
        "reads or writes the wrong files. A module or pipeline step has no such hidden state."
    )
    example = 'os.chdir("../data")\ndf = pd.read_csv("train.csv")'
    use_instead = (
        "from pathlib import Path\n\n"
        'DATA_DIR = Path(os.environ.get("DATA_DIR", "data"))\n'
        'df = pd.read_csv(DATA_DIR / "train.csv")'
    )
    passing = (
        # A change to the working folder's parent taken only when it is the notebook's own folder, by
        # name, in a notebook that lies in `notebooks/`: from there or from the repository root it lands
        # on the root, and a second run does nothing (fair check 45, item 101:
        # cwd-name-guarded-chdir-to-repo-root; the same guard elsewhere stays reported, see failing).
        Example(
            cells=(
                "import os\nfrom pathlib import Path\nroot = Path.cwd().parent if Path.cwd().name == 'notebooks' else Path.cwd()\nos.chdir(root)",
                "import os\nif os.path.basename(os.getcwd()) == 'notebooks':\n    os.chdir('..')",
            ),
            path="notebooks/setup.ipynb",
        ),
        Example(cells=(
            "import os\ncwd = os.getcwd()\nfiles = os.listdir(DATA_DIR)",
            "!cd /tmp && ls",
            "cd = 3\nprint(cd + 1)",
        )),
        # A change to the directory it is already in is a no-op.
        Example(cells=("import os\nfrom pathlib import Path\nos.chdir(os.getcwd())\nos.chdir(Path.cwd())\nos.chdir('.')",)),
        # Into a sub-project for its command line and back, in one cell: the kernel ends where it began.
        Example(cells=(
            "%cd tools\n!python setup.py develop\n%cd ..",
            "%pushd reports/weekly\n!make figures \\\n    --quiet\n%popd",
        )),
        # The saved start folder: back to it, or into a folder under it for one cell's shell lines.
        Example(cells=(
            "import os\nHOME = os.getcwd()",
            "%cd {HOME}/detector\n!python train.py",
            "%cd {HOME}\nprint(HOME)",
        )),
        # Colab's `%cd /content/` at the top of each cell: PTH002's finding at the first, the repeats
        # its related locations; one root to configure, not three changes of directory (fair check 25).
        Example(cells=(
            "%cd /content/\n!pip install gdown",
            "%cd /content/\n!gdown 1-7x7qQfB7bIw2zV4Lr6\n%pip install tinycudann.whl",
            "import pandas as pd\n%cd /content\nscenes = pd.read_csv('data/scenes.csv')",
        )),
        # The same with `os.chdir` to a literal: the first is PTH002's line, the repeats its related
        # locations (fair check 28, items 88–90); a change in the opt-in branch a Colab form field
        # leaves off never runs (item 71).
        Example(cells=(
            "!git clone https://github.com/openai/gpt-2.git\nimport os\nos.chdir('/content/gpt-2')\n!pip install -r requirements.txt",
            "import os\nos.chdir('/content/gpt-2/src')\n!python train.py --dataset data.npz",
            "use_gdrive = 'no'  #@param [\"yes\", \"no\"]\nif use_gdrive == 'yes':\n    os.chdir('drive_work')\nelse:\n    print('not persisted')",
        )),
        # Into an absolute folder (a form's constant) only for the relative write below it in its
        # cell, no later cell depending on it: idempotent, not a finding (fair check 31, item 124).
        Example(cells=(
            "import os\nfrom skimage.io import imsave\nResult_folder = '/srv/results'  #@param {type:'string'}",
            "def save(name, mask):\n    os.chdir(Result_folder)\n    imsave(name + '_mask.png', mask)\nsave('a', m)",
        )),
        # A course's context-manager exercise nothing calls (another function of the notebook is
        # called): it never changes the folder (fair check 42, items 92, 93).
        Example(cells=(
            "import os\ndef double(x):\n    return 2 * x\ndouble(2)",
            "def in_dir(directory):\n    current_dir = os.getcwd()\n    os.chdir(directory)\n    try:\n        yield\n"
            "    finally:\n        os.chdir(current_dir)",
        )),
    )
    failing = (
        Example(cells=("import os\nos.chdir('/srv/alice/project')",), expect=((1, 2),)),
        # Into a shared styles folder and back to the saved one: one finding, the return related.
        Example(
            cells=("import os\npath = os.getcwd()\nos.chdir(os.path.join('..', 'styles'))\nfrom formats import load_style", "os.chdir(path)"),
            expect=((1, 3),),
        ),
        Example(
            cells=(
                "%cd ..",
                "cd data",
                "from os import chdir\nfor d in dirs:\n    chdir(d)",
                "%%time\n%cd work\nx = 1",
            ),
            expect=((1, 1), (2, 1), (3, 3), (4, 2)),
        ),
        Example(
            cells=("ip = get_ipython()\nip.run_line_magic('cd', 'notebooks')\n%pushd /tmp",),
            expect=((1, 2), (1, 3)),
        ),
        # Python between the change and the return in the same cell: one finding, the return related.
        Example(
            cells=("import pandas as pd\n%cd results\nscores = pd.read_csv('scores.csv')\n%cd ..",),
            expect=((1, 2),),
        ),
        # A setup block over consecutive cells that ends back in the saved start folder: one finding
        # at its first change, the later ones related; `%cd docs/notebooks` going back down where the
        # notebook lies after a `%cd ../..` is a return too (this example's notebook path has no folder).
        Example(
            cells=(
                "import os\nstart = os.getcwd()\nbuild_root = os.path.join(start, 'build')",
                "%cd {build_root}\n!mkdir -p solver plotter",
                "%cd solver\n!make\n%cd ../plotter\n!make",
                "%cd {start}",
            ),
            expect=((2, 1),),
        ),
        # Into a cloned tool in one cell, back out in a later one: one finding, the return related.
        Example(
            cells=(
                "!git clone https://example.org/tools/detector.git\n%cd detector",
                "from detector.config import load\ncfg = load('configs/small.yaml')",
                "%cd ../\n!ls",
            ),
            expect=((1, 2),),
        ),
        # Into a folder, clone there, and into the clone in the next cell: one setup step, one finding.
        Example(
            cells=("%cd work\n!git clone https://example.org/lab/graphs.git", "%cd graphs\n!ls"),
            expect=((1, 1),),
        ),
        # Hops of one chain: out of the folder the first change entered into a sibling, and, after
        # the return that undoes a change, into a sibling in the same cell: one finding each chain,
        # the hops related (fair check 26, item 80; fair check 27, item 94).
        Example(
            cells=(
                "%cd my_repo/feature_repo",
                "from feast import FeatureStore\nstore = FeatureStore(repo_path='.')",
                "%cd ./../../remote-online\n!feast apply",
                "%cd ./../my_repo/feature_repo\nstore = FeatureStore(repo_path='.')",
            ),
            expect=((1, 1),),
        ),
        Example(
            cells=(
                "import os\nos.chdir('app')",
                "import pickle\nmodel = pickle.load(open('model.pkl', 'rb'))",
                "os.chdir('..')\nos.chdir('app_v2')\nclf = pickle.load(open('model.pkl', 'rb'))",
            ),
            expect=((1, 2),),
        ),
        # A change in the branch a setting turns on runs (fair check 28, item 71's shape switched on).
        Example(
            cells=(
                "import os\nuse_gdrive = 'yes'  #@param [\"yes\", \"no\"]\nif use_gdrive == 'yes':\n    os.chdir('drive_work')",
                "import pandas as pd\ndf = pd.read_csv('train.csv')",
            ),
            expect=((1, 4),),
        ),
        # A change spelled from the working directory (`{os.getcwd()}/…`) goes down as a relative one:
        # a later cell climbing back out of it is its return, related (fair check 29, item 86).
        Example(
            cells=(
                "import os\n%cd {os.getcwd()}/FastChat/fastchat/llm_judge",
                "!python gen_model_answer.py --model-id dpo\nanswers = open('data/mt_bench/answers.jsonl').read()",
                "%cd ../../..\n!rm -rf FastChat",
            ),
            expect=((1, 2),),
        ),
        # Into an absolute folder that a later cell's relative read depends on; into a folder
        # computed at run time, absolute or not (fair check 31, items 124, 125's wording).
        Example(
            cells=(
                "import os\nimport pandas as pd\nos.chdir('/srv/work')\nraw = pd.read_csv('raw.csv')",
                "df = pd.read_csv('train.csv')",
                "folder = os.environ.get('QC_ROOT', '/srv/qc')\nos.chdir(folder + '/prediction')\nmasks.tofile('mask.raw')",
            ),
            expect=((1, 3), (3, 2)),
        ),
        # A change guarded by the working folder's name: a normalisation only when the notebook lies in
        # `<name>/<target>/` (fair check 40, items 73-75; tests/test_rules_paths.py audits that path).
        # Here the notebook's folder is not `tutorials/spam/`: where it lands depends on the start folder.
        Example(
            cells=(
                "import os\nif os.path.basename(os.getcwd()) == 'tutorials':\n    os.chdir('spam')",
                "import pandas as pd\ndf = pd.read_csv('data/emails.csv')",
            ),
            expect=((1, 3),),
        ),
        # ... so is one up to the parent guarded by a name that is not the notebook's folder (here it
        # lies at the top): a kernel started in some `notebooks/` ends elsewhere (fair check 45, item 101).
        Example(
            cells=(
                "import os\nif os.path.basename(os.getcwd()) == 'notebooks':\n    os.chdir('..')",
                "import pandas as pd\ndf = pd.read_csv('data/emails.csv')",
            ),
            expect=((1, 3),),
        ),
        # ... and in a function that saves where it started and goes back there in its `finally:`:
        # the change is the finding, the return related, not a second finding (fair check 42, item 93).
        Example(
            cells=(
                "import os, contextlib\n@contextlib.contextmanager\ndef in_dir(directory):\n    current_dir = os.getcwd()\n"
                "    os.chdir(directory)\n    try:\n        yield\n    finally:\n        os.chdir(current_dir)",
                "with in_dir('data'):\n    print(len(os.listdir('.')))",
            ),
            expect=((1, 5),),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        # `%cd /content/zoo/` whose absolute target PTH002 reports on the same line: one line, one
        # fix (PTH002's message names the change of directory; fair check 16, item 97); the same
        # `%cd` repeated in later cells is a related location of that finding (fair check 25).
        user_lines: Optional[frozenset[tuple[int, int]]] = None
        cells = ctx.analysis_at
        for hit in self._check(ctx):
            if hit.cell is not None and hit.line is not None:
                # `base_path = os.path.abspath("../")` above `os.chdir(base_path)`: the target's literal, related.
                targets = _chdir_target_bindings(ctx)
                here = {a.name for call in cells[hit.cell.index].facts.calls
                        if call.line == hit.line and self._changes_directory(ctx, call) for a in call.args if a.name}
                bound = [
                    (cells[cell].cell, line, column) for (cell, line, column) in targets
                    if here and any(d.name in here and d.line == line for d in cells[cell].facts.defined)
                ] if targets else []
                if bound:
                    hit = replace(hit, related=tuple(dict.fromkeys([*hit.related, *bound])))
            if hit.cell is not None and hit.line is not None and _chdir_literal_line(ctx, cells[hit.cell.index], hit.line):
                if user_lines is None:
                    user_lines = _user_path_lines(ctx)
                if (hit.cell.index, hit.line) in user_lines:
                    continue
            if hit.cell is not None and (later := _reads_after_absolute_chdir(ctx).get((hit.cell.index, hit.line), ())):
                # `os.chdir("/srv/work")`, then relative reads in later cells: they resolve against it
                # and are this finding's, not PTH006's (fair check 35, item 106).
                hit = replace(hit, related=tuple(dict.fromkeys([*hit.related, *later])))
            yield hit

    def _check(self, ctx: RuleContext) -> Iterator[Hit]:
        fix = (
            "Remove the directory change: build every path from one configured root "
            "(`DATA_DIR / \"x.csv\"`, with `DATA_DIR` from config or an environment variable)."
        )
        saved = _saved_start_folders(ctx)
        # (cell, line, column, shown, key, is a return to a saved folder), in notebook order.
        events: list[tuple[CellAnalysis, int, int, str, str, bool]] = []
        # A change the same cell undoes (`%cd tools` … `%cd ..`, `%pushd x` … `%popd`): the event
        # index of the change → (line, column) of the return, or None when only shell lines and
        # magics run in between (then neither is a finding: the kernel's folder is the same after
        # the cell, and no Python of the notebook reads a path inside it).
        undone: dict[int, Optional[tuple[int, int]]] = {}
        undoing: set[int] = set()
        # A change no cell has undone yet (`%cd mmdetection` in cell 6), innermost last, with its
        # step; a later cell's return to where it came from (`%cd ../` in cell 15) is a related
        # location of that change's finding (the same root cause), not a finding of its own.
        carried: list[tuple[int, _DirectoryStep]] = []
        returned_later: dict[int, tuple[CellAnalysis, int, int]] = {}
        # `%cd {HOME}/tool` with `HOME = os.getcwd()`: (cell, line, column) → the folder under the
        # saved start folder ("tool"). Absolute and idempotent: see `_anchored_finding`.
        anchored: dict[tuple[int, int, int], str] = {}
        # The last change up out of the start folder (`%cd ../..`: event index, folders climbed)
        # with nothing since: a later `%cd docs/notebooks/` may go back down to where it started.
        climbed: Optional[tuple[int, int]] = None
        event_steps: dict[int, _DirectoryStep] = {}  # what each change does, by event index
        changing = {id(call) for _, call in directory_changes(ctx)}  # (the facts hold the calls: ids stay theirs)
        for ca in ctx.cells:
            in_cell: list[tuple[CellAnalysis, int, int, str, str, bool]] = []
            steps: dict[tuple[int, int], _DirectoryStep] = {}
            for call in ca.facts.calls:
                if (id(call) in changing and not _to_current_directory(ca, call) and not _guarded_into_own_folder(ctx, ca, call)
                        and not _guarded_up_to_parent(ctx, ca, call)):
                    shown_call = render_call(call)
                    first = call.arg(0, ("path",))
                    back = first is not None and first.name is not None and (
                        first.name in saved or (call.in_function and (first.name, call.line) in _saved_in_function(ca)))
                    in_cell.append((ca, call.line, call.column, shown_call, shown_call, back))
                    if back:
                        steps[(call.line, call.column)] = _DirectoryStep()
                    elif first is not None:
                        steps[(call.line, call.column)] = _directory_step("cd", first.string)
            pops: list[tuple[int, int]] = []
            for magic in ca.magics:
                if magic.kind not in ("line_magic", "automagic"):
                    continue
                column = len(magic.text) - len(magic.text.lstrip()) + 1
                if magic.name in _CHDIR_MAGICS:
                    text = magic.text.strip()
                    target = _saved_folder_target(magic.args, saved)
                    in_cell.append((ca, magic.line, column, text, text, target == ""))
                    if target == "":  # `%cd {HOME}`: back to the saved start folder, as `os.chdir(HOME)`
                        steps[(magic.line, column)] = _DirectoryStep()
                        continue
                    steps[(magic.line, column)] = _directory_step(magic.name, magic.args)
                    if target is not None:
                        anchored[(ca.cell.index, magic.line, column)] = target
                elif magic.name == "popd":
                    pops.append((magic.line, column))
            in_cell.sort(key=lambda e: (e[1], e[2]))
            base = len(events)
            for k, e in enumerate(in_cell):
                event_steps[base + k] = steps.get((e[1], e[2]), _UNKNOWN_STEP)
            order = sorted(
                [(e[1], e[2], base + k) for k, e in enumerate(in_cell)] + [(line, col, -1) for line, col in pops]
            )
            open_changes: list[int] = []  # event indices of the changes not yet undone, innermost last
            for line, column, index in order:
                step = _POPD if index < 0 else steps.get((line, column), _UNKNOWN_STEP)
                if open_changes and index >= 0 and step.down:
                    change = open_changes[-1]
                    change_event = in_cell[change - base]
                    if _back_across_to_start(ctx.facts.notebook.path, steps.get((change_event[1], change_event[2]), _UNKNOWN_STEP), step):
                        open_changes.pop()
                        between = range(change_event[1] + 1, line)
                        undone[change] = None if _only_shell_lines(ca, between) else (line, column)
                        undoing.add(index)
                        climbed = None
                        continue
                if step.enters is not None:
                    if (
                        climbed is not None and index >= 0 and not open_changes and not carried
                        and _back_down_to_start(ctx.facts.notebook.path, climbed[1], step)
                    ):
                        returned_later[climbed[0]] = (ca, line, column)
                        undoing.add(index)
                        climbed = None
                        continue
                    climbed = None
                    open_changes.append(index)
                    continue
                climbed = None
                if step.leaves is None:  # back to a saved start folder
                    open_changes.clear()
                    carried.clear()
                    continue
                opened = None
                if open_changes:
                    change_event = in_cell[open_changes[-1] - base]
                    opened = steps.get((change_event[1], change_event[2]), _UNKNOWN_STEP)
                if opened is not None and _undoes(step, opened):
                    change = open_changes.pop()
                    between = range(in_cell[change - base][1] + 1, line)
                    undone[change] = None if _only_shell_lines(ca, between) else (line, column)
                    if index >= 0:
                        undoing.add(index)
                elif opened is None and carried and _undoes(step, carried[-1][1]):
                    returned_later[carried.pop()[0]] = (ca, line, column)
                    if index >= 0:
                        undoing.add(index)
                else:
                    open_changes.clear()  # where the kernel is now is not known
                    carried.clear()
                    if index >= 0 and step.leaves is not None and step.leaves > 0 and not step.popped:
                        climbed = (index, step.leaves)
            for change in open_changes:
                event = in_cell[change - base]
                carried.append((change, steps.get((event[1], event[2]), _UNKNOWN_STEP)))
            events += in_cell
        # `path = os.getcwd()` … `os.chdir("../styles")` … `os.chdir(path)`: the return to the saved
        # folder undoes the change above it, one root cause: a related location of that change's
        # finding (alone, with no change before it, it goes where it already is: a no-op).
        returns: dict[int, list[tuple]] = {}
        reported: list[int] = []
        anchor, anchor_read = _anchored_finding(ctx, events, anchored)
        # A setup block in another folder: changes in consecutive code cells (`%cd {parent}`, then
        # `%cd {repo}` … `%cd ../{other}`, then `%cd {parent}/{repo}` … `%cd work`) that ends with a
        # return to the saved start folder (`%cd {start}`) is one root cause (fair check 14: five
        # findings for one clone-patch-build block): its first change is the finding, the later
        # ones related. Without such a return each change stays a finding of its own.
        position = {c.cell.index: k for k, c in enumerate(ctx.cells)}
        chains: list[list[int]] = []
        since_return = 0  # index in `reported` of the first change after the last return
        for i, (ca, line, column, _, _, back) in enumerate(events):
            if i in undoing or (i in undone and undone[i] is None):
                continue
            if (ca.cell.index, line, column) in anchored:
                if i != anchor:
                    if anchor is not None:
                        returns.setdefault(anchor, []).append((ca.cell, line, column))
                    continue
            elif back:
                if reported:
                    returns.setdefault(reported[-1], []).append((ca.cell, line, column))
                run: list[int] = []
                expected = position[ca.cell.index]
                for r in reversed(reported[since_return:]):
                    at = position[events[r][0].cell.index]
                    if r == anchor or at not in (expected, expected - 1):
                        break
                    run.insert(0, r)
                    expected = at
                if len(run) > 1:
                    chains.append(run)
                since_return = len(reported)
                continue
            reported.append(i)
        hits: dict[int, Hit] = {}
        for i in reported:
            ca, line, column, shown_text, key, _ = events[i]
            back_at = undone.get(i)
            if i == anchor and anchor_read is not None:
                read_cell, read_text = anchor_read
                message = (
                    f"`{shown_text}` changes the working directory to a folder under the saved start folder, and "
                    f"cell {read_cell} reads a relative path ({read_text}) that depends on it: that cell gives the "
                    "wrong file when it runs without this one before it (out of order, or as a pipeline step)"
                )
                related = ()
            elif back_at is not None:
                message = (
                    f"`{shown_text}` changes the working directory until line {back_at[0]} changes it back: "
                    f"the relative paths in between depend on it, and an error before line {back_at[0]} "
                    "leaves the kernel in that folder"
                )
                related: tuple = ((ca.cell, back_at[0], back_at[1]),)
            elif i in returned_later:
                back_ca, back_line, back_column = returned_later[i]
                message = (
                    f"`{shown_text}` changes the working directory until cell {back_ca.cell.index} changes it back: "
                    "every relative path in between depends on this cell having run, once, from the folder "
                    "the kernel started in (the notebook's own under Jupyter, not under papermill or a pipeline step)"
                )
                related = ((back_ca.cell, back_line, back_column),)
            elif not _relative_paths_after(ctx, ca, line):
                # (fair check 20, item 99: no relative path follows `os.chdir(base_path)`)
                message = (
                    f"`{shown_text}` changes the working directory, but no relative path in the notebook's code comes "
                    "after it: the change looks unused, and it leaves the kernel in another folder for whatever runs next"
                )
                related = ()
            elif (source := _start_free_target(ctx, ca, line, column)) is not None:
                # `os.chdir(os.path.dirname(arcpy.env.workspace))`: where it goes does not depend on the
                # folder the kernel started in; the later paths still depend on it (fair check 20, item 98).
                message = (
                    f"`{shown_text}` changes the working directory to `{source}`: every relative path after it "
                    "depends on this cell having run before it (out of order, or in a pipeline step of its own, "
                    "they resolve against another folder)"
                )
                related = ()
            elif _absolute_target(ctx, ca, line, column):
                # `os.chdir("/srv/work")`: the same folder wherever the kernel started; what depends
                # on the change is that it ran before the paths after it (fair check 31, items 124,
                # 125's wording: not "from the folder the kernel started in").
                message = (
                    f"`{shown_text}` changes the working directory to an absolute folder: every relative path after it "
                    "depends on this cell having run before it (out of order, or in a pipeline step of its own, "
                    "they resolve against another folder)"
                )
                related = ()
            elif (computed := _computed_target(ctx, ca, line, column)) is not None:
                # `os.chdir(QC_model_folder + "/Quality Control/Prediction")`, the name bound in
                # branches: absolute or not is known only at run time, so the folder the kernel
                # started in matters only if it is relative (fair check 31, item 125's wording).
                message = (
                    f"`{shown_text}` changes the working directory to `{computed}`, computed at run time: every relative "
                    "path after it depends on this cell having run before it, and, if that folder is relative, on the "
                    "folder the kernel started in"
                )
                related = ()
            else:
                message = (
                    f"`{shown_text}` changes the working directory: every relative path after it depends on "
                    "this cell having run, once, from the folder the kernel started in (the notebook's own under Jupyter, "
                    "not under papermill or a pipeline step)"
                )
                related = ()
            hits[i] = Hit(
                ca.cell,
                line,
                column,
                message,
                fix=fix,
                key=key,
                related=related + tuple(returns.get(i, ())),
            )
        for head, *later in chains:
            first, last = events[head][0].cell.index, events[later[-1]][0].cell.index
            related = [r for i in later for r in ((events[i][0].cell, events[i][1], events[i][2]), *hits[i].related)]
            hits[head] = replace(
                hits[head],
                message=(
                    f"`{events[head][3]}` starts a setup in another folder: cells {first}–{last} change the "
                    f"working directory {len(later) + 1} times (the later changes related) until cell "
                    f"{related[-1][0].index} goes back to the saved start folder; every relative path in between "
                    "depends on these cells having run once, in order, from the folder the kernel started in"
                ) if first != last else hits[head].message,
                related=tuple(dict.fromkeys(hits[head].related + tuple(related))),
            )
            for i in later:
                del hits[i]
        # `%cd drive/MyDrive` and `!git clone …/repo.git` in one cell, `%cd repo` in the next (or
        # below the clone in the same cell): one setup step, entering the clone it made (fair check
        # 17, item 97): the second change is a related location of the first's finding.
        head: Optional[int] = None
        last: Optional[int] = None
        for i in reported:
            if i not in hits:
                continue
            if head is not None and last is not None and self._enters_clone(ctx, events, event_steps, last, i, position):
                ca, line, column, shown_text, _, _ = events[i]
                where = f"line {line}" if ca is events[last][0] else f"cell {ca.cell.index}"
                hits[head] = replace(
                    hits[head],
                    message=f"{hits[head].message}; {where} then changes into the repository cloned there (`{shown_text}`, related): one setup step",
                    related=tuple(dict.fromkeys([*hits[head].related, (ca.cell, line, column), *hits[i].related])),
                )
                del hits[i]
                last = i
                continue
            head = last = i if not events[i][5] else None
        self._fold_hops(events, event_steps, reported, hits, undone, returned_later)
        for i in reported:
            if i not in hits:
                continue
            ca, line, column = events[i][0], events[i][1], events[i][2]
            # A lone change into an absolute folder (`os.chdir(Result_folder)`, the folder a Colab
            # form binds, just before `imsave(name + "_mask.png", …)`) is idempotent and owes nothing
            # to the folder the kernel started in; when it serves relative paths of its own cell only
            # (no later cell reads one, runs a shell line, imports a local module or changes again),
            # nothing else depends on it: not a finding, as for `%cd {HOME}/tool` (fair check 31,
            # item 124: chdir-absolute-for-next-write; precedent cd-anchored-to-saved-root). A change
            # nothing relative follows stays reported (it looks unused and leaves the kernel there).
            if not hits[i].related and _absolute_target(ctx, ca, line, column) and _relative_paths_after(
                    ctx, ca, line, ending=False) and not _relative_paths_after(ctx, ca, len(ca.lines) + 1, ending=False):
                continue
            yield hits[i]

    @staticmethod
    def _fold_hops(
        events: Sequence[tuple[CellAnalysis, int, int, str, str, bool]], steps: Mapping[int, _DirectoryStep],
        reported: Sequence[int], hits: dict[int, Hit], undone: Mapping[int, Optional[tuple[int, int]]],
        returned_later: Mapping[int, tuple[CellAnalysis, int, int]],
    ) -> None:
        """A hop of a chain of relative changes: a change that climbs out of the folder a reported
        change went down into, no return between (`%cd my_repo/feature_repo`, then `%cd ../../remote`
        in a later cell), or that goes down into a sibling right after the return that undoes such a
        change, in the same cell (`os.chdir('..')` then `os.chdir('app_v2')`, after `os.chdir('app')`
        of an earlier cell): where it lands depends on the first change, and one fix (paths from a
        configured root, no change of directory) covers them all. A related location of the first
        change's finding (fair check 26, item 80; fair check 27, item 94: chdir-chain-split-per-cell)."""
        head: Optional[int] = None  # the chain's first change, whose finding stands for it
        depth = 0  # how many folders below the start the working directory is, along the chain
        hops: dict[int, list[int]] = {}
        for i in reported:
            if i not in hits:
                continue
            step = steps.get(i, _UNKNOWN_STEP)
            ca, line, column, shown_text, _, back = events[i]
            hop = False
            if head is not None and not back and not step.pushed:
                if step.up and step.up <= depth and undone.get(i) is None and i not in returned_later:
                    hop, depth = True, depth - step.up + len(step.down)
            if hop:
                hops.setdefault(head, []).append(i)
                hits[head] = replace(
                    hits[head],
                    related=tuple(dict.fromkeys([*hits[head].related, (ca.cell, line, column), *hits[i].related])),
                )
                del hits[i]
                continue
            head, depth = None, 0
            returned = returned_later.get(i)
            if step.enters and not step.pushed and not back and undone.get(i) is None:
                head, depth = i, step.enters
                if returned is not None:
                    # (a sibling entered right after the return in the return's cell: `../sibling` in two steps)
                    sibling = next((k for k in reported if k in hits and events[k][0] is returned[0]
                                    and events[k][1] > returned[1] and not events[k][5]), None)
                    later = steps.get(sibling, _UNKNOWN_STEP) if sibling is not None else _UNKNOWN_STEP
                    if (sibling is not None and later.enters and not later.pushed and undone.get(sibling) is None
                            and sibling not in returned_later
                            and not any(e[0] is returned[0] and returned[1] < e[1] < events[sibling][1] for e in events)):
                        s_ca, s_line, s_column, s_shown, _, _ = events[sibling]
                        message = f"{hits[i].message}; line {s_line} of that cell then goes into another folder from there (`{s_shown}`, related): one chain of changes, one fix"
                        if later.folders and later.folders == step.folders:
                            # `%cd yolov5`, then a re-clone cell's `%cd ..`, `!git clone …`, `%cd yolov5`:
                            # the same folder again, so the change is never undone for good (fair
                            # check 36, item 92's wording: not "changes it back", not "another folder").
                            back_text = next((e[3] for e in events if e[0] is returned[0] and e[1:3] == returned[1:3]), "")
                            message = (
                                f"`{shown_text}` changes the working directory, and the notebook never comes back for good: "
                                f"cell {returned[0].cell.index} goes back (`{back_text}`, related), then line {s_line} of that cell into "
                                f"the same folder again (`{s_shown}`, related): every relative path after this cell depends on it "
                                "having run, once, from the folder the kernel started in (the notebook's own under Jupyter, not "
                                "under papermill or a pipeline step); one chain of changes, one fix"
                            )
                        hits[i] = replace(
                            hits[i],
                            message=message,
                            related=tuple(dict.fromkeys([*hits[i].related, (s_ca.cell, s_line, s_column), *hits[sibling].related])),
                        )
                        del hits[sibling]
                    head = None
        for first, later in hops.items():
            places = [f"line {events[i][1]}" if events[i][0] is events[first][0] else f"cell {events[i][0].cell.index}" for i in later]
            shown_hops = ", ".join(f"`{events[i][3]}`" for i in later)
            where = places[0] if len(places) == 1 else f"{', '.join(places[:-1])} and {places[-1]}"
            hits[first] = replace(
                hits[first],
                message=f"{hits[first].message}; {where} then move{'s' if len(later) == 1 else ''} on from there ({shown_hops}, related): one chain of changes, one fix",
            )

    @staticmethod
    def _enters_clone(
        ctx: RuleContext, events: Sequence[tuple[CellAnalysis, int, int, str, str, bool]],
        steps: Mapping[int, _DirectoryStep], before: int, change: int, position: Mapping[int, int],
    ) -> bool:
        """Does the change `change` go down into the folder a `git clone` makes after the change
        `before`, in its cell (below it, and above `change` when both are in one cell) with `change`
        in that cell or the next code cell?"""
        first, second = events[before], events[change]
        step = steps.get(change, _UNKNOWN_STEP)
        if step.pushed or not step.enters or second[5]:
            return False
        same = first[0] is second[0]
        if not same and position[second[0].cell.index] != position[first[0].cell.index] + 1:
            return False
        for line, destination in _clone_lines(first[0]):
            if line <= first[1] or (same and line >= second[1]):
                continue
            parts = tuple(p for p in destination.replace("\\", "/").split("/") if p not in ("", "."))
            if parts and not destination.startswith(("/", "~", "$", "{")) and step.folders[:len(parts)] == parts:
                return True
        return False

    @staticmethod
    def _changes_directory(ctx: RuleContext, call: CallFact) -> bool:
        if resolve_callee(ctx.facts, ctx.catalog, call.func) in _CHDIR_FUNCTIONS:
            return True
        first = call.arg(0, ("magic_name",))
        if call.method == "run_line_magic" and first is not None:
            return first.string in _CHDIR_MAGICS
        if call.method == "magic" and first is not None and first.string is not None:
            words = first.string.lstrip("%").split()
            return bool(words) and words[0] in _CHDIR_MAGICS
        return False


def directory_changes(ctx: RuleContext) -> tuple[tuple[CellAnalysis, CallFact], ...]:
    """Every call of the notebook that changes the working directory (`ChangeDirectory._changes_directory`:
    `os.chdir(…)`, `%cd` through `run_line_magic`), with its cell, in cell and call order; found once
    per notebook: PTH004, PTH005, PTH006 and the chdir targets each asked it of every call (31,040
    questions on PythonDataScienceHandbook's 6,746 calls)."""
    # A change on a line no run reaches (an `if False:` body, a module-level function nothing calls:
    # a course's `def in_dir(directory): … os.chdir(directory)` exercise, fair check 42, item 92)
    # changes nothing.
    return ctx.shared("paths.directory_changes", lambda: tuple(
        (ca, call) for ca in ctx.cells for call in ca.facts.calls
        if ChangeDirectory._changes_directory(ctx, call) and call.line not in never_run_lines(ctx.facts, ca)
    ))


def _relative_paths_after(ctx: RuleContext, ca: CellAnalysis, line: int, ending: bool = True) -> bool:
    """Does a relative path literal of the notebook (a path argument, a shell line's, a constant's)
    come after (cell, line), other than the target of a change of directory itself? True too when
    nothing comes after it (nothing to say the change is unused: a notebook ending there; not with
    `ending=False`) and for an import of the project's own modules after it (`os.chdir("..")`, then
    `from src.utils import …`)."""
    from nbrefactor.audit.distributions import LOCAL_KIND, RELATIVE_KIND, STDLIB_KIND, import_kind, resolve

    later = [c for c in ctx.cells if c.cell.index > ca.cell.index and c.cell.source.strip()]
    if ending and not later and not any(stmt > line for stmt in _statement_lines(ca)):
        return True
    for c in ctx.cells:
        for imp in c.facts.imports:
            if (c.cell.index, imp.line) <= (ca.cell.index, line):
                continue
            kind = import_kind(imp.module, imp.level, ctx.project, ctx.catalog)
            # (a module no catalogue or installed distribution names may lie in the folder changed to)
            if kind in (LOCAL_KIND, RELATIVE_KIND) or (kind != STDLIB_KIND and resolve(imp.module, ctx.catalog).source == "import-name"):
                return True
    targets = _chdir_target_bindings(ctx)
    chdir_calls = {(c.cell.index, call.line) for c, call in directory_changes(ctx)}
    # A later change of directory (`%cd data` after `%cd ..`) goes where this one left it.
    if any((c.cell.index, ln) > (ca.cell.index, line) for c_index, ln in chdir_calls for c in ctx.cells if c.cell.index == c_index) or any(
        m.name in _CHDIR_MAGICS and (c.cell.index, m.line) > (ca.cell.index, line) for c in ctx.cells for m in c.magics
    ):
        return True
    return any(
        f.path_class.kind == "relative" and (f.ca.cell.index, f.line) > (ca.cell.index, line)
        and (f.ca.cell.index, f.line) not in chdir_calls and (f.ca.cell.index, f.line, f.column) not in targets
        for f in literal_findings(ctx)
    ) or any(
        # `image = "agriculture.tif"` handed to a call no catalogue knows: a file name all the same.
        (_plausible_generic_path(sf.value, keyword=False) or re.fullmatch(r"[\w\-./]+\.[A-Za-z][A-Za-z0-9]{1,4}", sf.value))
        and not _GENERIC_URL.match(sf.value) and not sf.value.startswith(("/", "~"))
        for c in ctx.cells for sf in c.facts.strings if (c.cell.index, sf.line) > (ca.cell.index, line)
    ) or any(
        # `%run helper.py`, `!python train.py`, `!ls`: shell and magic lines run in the folder too.
        m.kind in ("shell", "line_magic", "automagic", "cell_magic") and m.name not in _CHDIR_MAGICS
        for c in ctx.cells for m in c.magics if (c.cell.index, m.line) > (ca.cell.index, line)
        and m.name not in ("pip", "conda", "matplotlib", "load_ext", "reload_ext", "autoreload", "time", "timeit",
                           "capture", "env", "config", "who", "whos", "pinfo", "history")
    ) or any(
        # `parent = os.getcwd()` after `os.chdir("..")`: the new folder is read.
        resolve_callee(ctx.facts, ctx.catalog, call.func) in _CWD_CALLS or call.method in ("getcwd", "cwd")
        for c in ctx.cells for call in c.facts.calls if (c.cell.index, call.line) > (ca.cell.index, line)
    )


def _statement_lines(ca: CellAnalysis) -> list[int]:
    """The first lines of the cell's top-level statements (all its lines when it does not parse)."""
    tree = cell_python_tree(ca)
    return [stmt.lineno for stmt in tree.body] if tree is not None else list(range(1, len(ca.lines) + 1))


def _absolute_target(ctx: RuleContext, ca: CellAnalysis, line: int, column: int) -> bool:
    """Is the folder a change of directory goes to absolute as written: a literal, a string constant
    or an expression of them that spells `/…` (or `C:/…`): `os.chdir(Result_folder)` with
    `Result_folder = "/content/drive/…/results"`, `%cd /srv/work`? Such a change goes to the same
    folder wherever the kernel started and however often it runs."""
    value: Optional[str] = None
    magic = next((m for m in ca.magics if m.line == line and m.name in _CHDIR_MAGICS), None)
    if magic is not None:
        value = magic.args.strip().strip("\"'")
        if re.search(r"[$`{]", value):
            return False
    else:
        tree = cell_python_tree(ca)
        node = next((n for n in nodes_of(tree, ast.Call) if n.lineno == line and n.col_offset + 1 == column), None) if tree is not None else None
        if node is None or not node.args:
            return False
        value = _evaluate(node.args[0], string_constants(ctx.facts))
    return value is not None and re.match(r"(?:/|[A-Za-z]:[/\\])", value) is not None


def _computed_target(ctx: RuleContext, ca: CellAnalysis, line: int, column: int) -> Optional[str]:
    """The source of an `os.chdir(…)` target that is neither a literal nor a string constant nor
    built only from them, and whose start is not known (`QC_model_folder + "/Quality Control/Prediction"`
    with the name bound in branches; a parameter), as written, when it is short; None otherwise: a
    magic, a known folder, or one that shows it hangs off the kernel's folder (a leading relative
    literal, `..`, `os.getcwd()`, `os.path.abspath("../")`, also through the name's one module-level
    binding), for which the old wording holds."""
    tree = cell_python_tree(ca)
    node = next((n for n in nodes_of(tree, ast.Call) if n.lineno == line and n.col_offset + 1 == column), None) if tree is not None else None
    if node is None or len(node.args) != 1 or node.keywords:
        return None
    target = node.args[0]
    if _evaluate(target, string_constants(ctx.facts)) is not None or _start_dependent(target):
        return None
    names = [n for n in ast.walk(target) if isinstance(n, ast.Name) and n.id not in ctx.facts.aliases]
    if not names:
        return None
    for name in names:
        bound = _last_binding(ctx, name.id, ca.cell.index, line)
        if bound is not None and _start_dependent(bound[0]):
            return None  # `base_path = os.path.abspath("../")`: from the kernel's folder
    text = ast.unparse(target)
    return text if len(text) <= 80 else None


def _start_dependent(node: ast.AST) -> bool:
    """Does the expression show that it hangs off the working directory: a call of `getcwd`,
    `abspath`, `realpath`, `resolve`…, a `.`/`..` piece, or a leading literal that is relative?"""
    for piece in ast.walk(node):
        if isinstance(piece, ast.Call) and (dotted_name(piece.func) or "").rsplit(".", 1)[-1] in (
                "getcwd", "cwd", "getcwdb", "abspath", "realpath", "resolve", "absolute"):
            return True
        if isinstance(piece, ast.Constant) and isinstance(piece.value, str) and piece.value.lstrip("/").startswith("."):
            return True
    leading = node
    while True:
        if isinstance(leading, ast.BinOp):
            leading = leading.left
        elif isinstance(leading, ast.JoinedStr) and leading.values:
            leading = leading.values[0]
        elif isinstance(leading, ast.Call) and leading.args and (dotted_name(leading.func) or "").rsplit(".", 1)[-1] in ("join", "Path"):
            leading = leading.args[0]
        else:
            break
    return isinstance(leading, ast.Constant) and isinstance(leading.value, str) and re.match(r"(?:/|[A-Za-z]:[/\\])", leading.value) is None


def _start_free_target(ctx: RuleContext, ca: CellAnalysis, line: int, column: int) -> Optional[str]:
    """The source of an `os.chdir(name)` target that cannot depend on the folder the kernel started
    in (`workspace = os.path.dirname(arcpy.env.workspace)`: no relative literal, no `os.getcwd()`,
    no `..`), as written; None for any other change (a literal, a magic, a name bound otherwise)."""
    call = next((c for c in ca.facts.calls if c.line == line and c.column == column and ChangeDirectory._changes_directory(ctx, c)), None)
    first = call.arg(0, ("path",)) if call is not None else None
    if first is None or first.name is None:
        return None
    bound = _last_binding(ctx, first.name, ca.cell.index, line)
    if bound is None:
        return None
    value = bound[0]
    for node in ast.walk(value):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return None  # a literal piece: relative or not, the old message fits (or says too little)
        if isinstance(node, ast.Name) and node.id not in ctx.facts.aliases:
            return None  # another name of the notebook's (not an imported module): not followed here
        if isinstance(node, ast.Call) and (dotted_name(node.func) or "").rsplit(".", 1)[-1] in ("getcwd", "cwd", "getcwdb", "resolve", "absolute"):
            return None
    if not isinstance(value, (ast.Call, ast.Attribute)):
        return None
    text = ast.unparse(value)
    return text if len(text) <= 80 else None


_ABSOLUTE_WRAPPERS = frozenset({
    "os.path.abspath", "os.path.realpath", "os.path.expanduser", "os.path.normpath",
    "path.abspath", "path.realpath", "path.expanduser", "path.normpath",
})


def _chdir_target_bindings(ctx: RuleContext) -> dict[tuple[int, int, int], tuple[int, int]]:
    """`base_path = os.path.abspath("../")` whose only use is `os.chdir(base_path)`: the folder the
    notebook changes into, spelled on the line above. By (cell, line, column) of the literal, the
    (cell, line) of the binding; PTH006 leaves the literal to PTH004's finding, which relates it
    (fair check 20: chdir-target-via-abspath-constant). Only a name bound once, at module level."""
    def compute() -> dict[tuple[int, int, int], tuple[int, int]]:
        chdir_args = {
            (ca.cell.index, a.line, a.column) for ca, call in directory_changes(ctx) for a in call.args if a.name is not None
        }
        if not chdir_args:
            return {}
        out: dict[tuple[int, int, int], tuple[int, int]] = {}
        loads = name_loads(ctx)
        for ca in ctx.cells:
            tree = cell_python_tree(ca)
            for stmt in tree.body if tree is not None else ():
                if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
                    continue
                value = stmt.value
                if not (isinstance(value, ast.Call) and ctx.facts.resolve(dotted_name(value.func) or "") in _ABSOLUTE_WRAPPERS
                        and len(value.args) == 1 and isinstance(value.args[0], ast.Constant) and isinstance(value.args[0].value, str)):
                    continue
                name = stmt.targets[0].id
                if sum(1 for c in ctx.cells for d in c.facts.defined if d.name == name) != 1:
                    continue
                uses = loads.get(name, ())
                if uses and all((cell, node.lineno, node.col_offset + 1) in chdir_args for node, _, cell in uses):
                    literal = value.args[0]
                    out[(ca.cell.index, literal.lineno, literal.col_offset + 1)] = (ca.cell.index, stmt.lineno)
        return out
    return ctx.shared("paths.chdir_target_bindings", compute)


def _reads_cloned_file(ctx: RuleContext, f: LiteralFinding) -> bool:
    """Is the relative literal read under the folder a `!git clone URL [dir]` line of an earlier cell
    saved (`fastText_multilingual/alignment_matrices/nl.txt` after `!git clone
    https://github.com/Babylonpartners/fastText_multilingual.git`)? Fixing the clone (PTH007: vendor
    it or pin it under a configured root) fixes the path (fair check 23: fetched-file-read-back)."""
    if f.argument is None or f.argument.direction not in ("read", "none"):
        return False  # (a write into the clone is output of the notebook's own)
    path = _normal_path(f.value)
    for ca in ctx.cells:
        if ca.cell.index >= f.ca.cell.index:
            break
        for line, destination in _clone_lines(ca):
            folder = _relative_file(destination)
            if folder and _under(path, folder) and path != folder and not _hosted_line(ca, line):
                return True
    return False


def _clone_lines(ca: CellAnalysis) -> list[tuple[int, str]]:
    """(line, destination as written: the repository's name when none is given) of each `git clone`
    of the cell, in a `!` line or a `%%bash` body."""
    found: list[tuple[int, str]] = []
    texts = [(m.line, m.args) for m in ca.magics if m.kind == "shell"]
    if ca.masked.cell_magic in _SHELL_CELL_MAGICS:
        texts += list(enumerate(ca.lines, start=1))
    for line, text in texts:
        if "clone" in text:
            target = clone_target(text)
            if target is not None:
                found.append((line, target[1][-1]))
    return found


@dataclass(frozen=True)
class _DirectoryStep:
    """What one `%cd`/`%pushd`/`%popd`/`os.chdir` does to the folder, as far as its text says.
    `enters`: the number of folders a relative path goes down (`tools/cli` → 2), or 0 when the
    target is elsewhere (absolute, a variable); `leaves`: the number of `..` of a path made only of
    them, -1 for `%cd -` (back to the previous folder)."""

    enters: Optional[int] = None
    leaves: Optional[int] = None
    pushed: bool = False
    popped: bool = False
    folders: tuple[str, ...] = ()  # the plain folders a relative target goes down (`docs/notebooks`)
    # A target that climbs, then goes down plain folders (`../examples`: 1, ("examples",)); 0, () otherwise.
    up: int = 0
    down: tuple[str, ...] = ()


_UNKNOWN_STEP = _DirectoryStep(enters=0)
_POPD = _DirectoryStep(leaves=0, popped=True)


# The working directory spelled out at the start of a `%cd` target (`%cd {os.getcwd()}/FastChat/x`,
# `%cd $PWD/x`): the rest is relative to where the kernel is, as if written alone.
_CWD_PREFIX = re.compile(r"^(?:\{\s*os\.getcwd\(\)\s*\}|\$\{?PWD\}?|\$\(pwd\))(?=[\\/])")


def _directory_step(magic: str, argument: Optional[str]) -> _DirectoryStep:
    pushed = magic == "pushd"
    if argument is None:
        return _DirectoryStep(enters=0, pushed=pushed)
    target = cd_operand(argument)
    # `%cd {os.getcwd()}/FastChat/fastchat/llm_judge` goes three folders down, and a later `%cd
    # ../../..` climbs back out of them (fair check 29, item 86).
    target = _CWD_PREFIX.sub(".", target, count=1)
    if target == "-" and not pushed:
        return _DirectoryStep(leaves=-1)
    parts = [p for p in re.split(r"[\\/]+", target) if p not in ("", ".")]
    if parts and all(p == ".." for p in parts) and not pushed:
        return _DirectoryStep(leaves=len(parts))
    plain = (
        parts
        and not target.startswith(("/", "\\", "~", "$", "{"))
        and not re.match(r"^[A-Za-z]:", target)
        and not any(p == ".." or any(ch in p for ch in "$*?{}") for p in parts)
    )
    up = len(parts) - len(list(itertools.dropwhile(lambda p: p == "..", parts)))
    down = tuple(parts[up:])
    across = (
        not pushed and not plain and 0 < up < len(parts) and not target.startswith(("/", "\\", "~", "$", "{"))
        and all(p != ".." and not any(ch in p for ch in "$*?{}:") for p in down)
    )
    return _DirectoryStep(enters=len(parts) if plain else 0, pushed=pushed, folders=tuple(parts) if plain else (),
                          up=up if across else 0, down=down if across else ())


def _back_across_to_start(notebook_path: str, change: _DirectoryStep, back: _DirectoryStep) -> bool:
    """`os.chdir('../examples')` and then `os.chdir('../notebooks')` in a notebook that lies in
    `notebooks/`: the second climbs out of the folder the first entered and goes back down to where
    the kernel started, undoing it (fair check 19, chdir-return-to-notebook-folder)."""
    if not change.down or not back.down or back.up != len(change.down):
        return False
    folders = [p for p in notebook_path.replace("\\", "/").split("/")[:-1] if p not in ("", ".")]
    return len(back.down) == change.up and len(folders) >= change.up and tuple(folders[-change.up:]) == back.down


def _back_down_to_start(notebook_path: str, climbed: int, step: _DirectoryStep) -> bool:
    """`%cd ../..` (to the repository root, for its setup) and later `%cd docs/notebooks/` in a
    notebook that lies in `docs/notebooks/`: the second goes back down to where the kernel started,
    undoing the first (fair check 14). Known only when the notebook's path names its folders."""
    folders = [p for p in notebook_path.replace("\\", "/").split("/")[:-1] if p not in ("", ".")]
    return (
        not step.pushed and climbed > 0 and step.enters == climbed
        and len(folders) >= climbed and tuple(folders[-climbed:]) == step.folders
    )


def _undoes(back: _DirectoryStep, change: _DirectoryStep) -> bool:
    """`%popd` undoes a `%pushd`, `%cd -` any change, `%cd ../..` a `%cd` two plain folders down."""
    if back.popped:
        return change.pushed
    if back.leaves == -1:
        return True
    return not change.pushed and bool(change.enters) and change.enters == back.leaves


def _only_shell_lines(ca: CellAnalysis, lines: range) -> bool:
    """Every line of `lines` is a magic or shell escape (or its continuation), blank or a comment:
    no Python statement of the notebook runs there."""
    magic_lines = {m.line for m in ca.magics}
    python = ca.masked.python.split("\n")
    for n in lines:
        if n in magic_lines:
            continue
        text = python[n - 1].strip() if 0 < n <= len(python) else ""
        # `if sys.platform == "darwin":` / `else:` choosing between two `!gcc` lines: a test that
        # calls nothing reads no path (fair check 19, chdir-excursion-for-shell-lines).
        if text and not text.startswith("#") and not _CALL_FREE_BRANCH.match(text):
            return False
    return True


_CALL_FREE_BRANCH = re.compile(r"^(?:(?:if|elif)\b[^()]*|else\s*):\s*(?:#.*)?$")


_CURRENT_DIRECTORY = re.compile(
    r"^\s*(?:os\.getcwd\(\s*\)|(?:pathlib\.)?Path\.cwd\(\s*\)|os\.curdir|(?P<q>['\"])\.(?P=q)"
    r"|os\.path\.abspath\(\s*(?:os\.curdir|(?P<q2>['\"])\.(?P=q2))\s*\))\s*$"
)


def _may_name_current_directory(value: ast.expr) -> bool:
    """Whether `ast.unparse(value)` can match `_CURRENT_DIRECTORY` at all: each of its forms is a
    call of `getcwd`, `cwd` or `abspath`, `….curdir` or the string "."; any other value is not
    unparsed (`ast.unparse` of every module-level assignment was ~2.5 % of an audit)."""
    if isinstance(value, ast.Call):
        return isinstance(value.func, ast.Attribute) and value.func.attr in ("getcwd", "cwd", "abspath")
    if isinstance(value, ast.Attribute):
        return value.attr == "curdir"
    return isinstance(value, ast.Constant) and value.value == "."


def _saved_start_folders(ctx: RuleContext) -> frozenset[str]:
    """Names bound once in the notebook, at module level, to the working directory itself
    (`path = os.getcwd()`, `HERE = Path.cwd()`): a chdir to one of them goes back to where the
    notebook was when it saved it."""
    found: dict[str, int] = {}
    other: set[str] = set()
    for _, stmt, name in module_level_assignments(ctx.cells):
        if _may_name_current_directory(stmt.value) and _CURRENT_DIRECTORY.match(ast.unparse(stmt.value)):
            found[name] = found.get(name, 0) + 1
        else:
            other.add(name)
    # (any other binding of the name, anywhere: a loop target, a parameter, an import, …)
    other.update(d.name for ca in ctx.cells for d in ca.facts.defined if d.name not in found)
    return frozenset(n for n, times in found.items() if times == 1 and n not in other)


def _saved_in_function(ca: CellAnalysis) -> frozenset[tuple[str, int]]:
    """(name, line) for each line of a function of the cell that binds the name once, in its own
    body, to the working directory (`current_dir = os.getcwd()`), the function's parameters not
    among them: `os.chdir(current_dir)` there (in a `finally:`) goes back to the folder the call
    started in, as `os.chdir(path)` does for a module-level `path = os.getcwd()` (fair check 42,
    item 93: cd-to-saved-start-folder)."""
    if "def " not in ca.masked.python:
        return frozenset()
    tree = cell_python_tree(ca)
    if tree is None:
        return frozenset()
    out: set[tuple[str, int]] = set()
    for node in walk_nodes(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        found: dict[str, int] = {}
        saving: set[int] = set()  # the targets of those bindings
        other: set[str] = {a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)}
        for inner in walk_nodes(node):
            if (isinstance(inner, ast.Assign) and len(inner.targets) == 1 and isinstance(inner.targets[0], ast.Name)
                    and _may_name_current_directory(inner.value) and _CURRENT_DIRECTORY.match(ast.unparse(inner.value))):
                found[inner.targets[0].id] = found.get(inner.targets[0].id, 0) + 1
                saving.add(id(inner.targets[0]))
            elif isinstance(inner, ast.Name) and isinstance(inner.ctx, (ast.Store, ast.Del)) and id(inner) not in saving:
                other.add(inner.id)
        kept = [n for n, times in found.items() if times == 1 and n not in other]
        out.update((n, line) for n in kept for line in range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return frozenset(out)


_SAVED_FOLDER_TARGET = re.compile(r"^(?:\{(?P<braced>[A-Za-z_]\w*)\}|\$(?P<plain>[A-Za-z_]\w*))(?P<rest>(?:/.*)?)$")


def _saved_folder_target(argument: Optional[str], saved: Collection[str]) -> Optional[str]:
    """For `%cd {HOME}` / `%cd $HOME/` with `HOME` a saved start folder: "" (IPython expands the
    name: it is `os.chdir(HOME)`, a return). For `%cd {HOME}/yolov7/seg`: "yolov7/seg", a folder
    anchored to the saved one. None for anything else."""
    if argument is None:
        return None
    target = cd_operand(argument)
    m = _SAVED_FOLDER_TARGET.match(target)
    if m is None or (m.group("braced") or m.group("plain")) not in saved:
        return None
    return m.group("rest").strip("/")


def _relative_path_text(ca: CellAnalysis, pa: PathArgument) -> Optional[str]:
    """The relative path a catalogued call's argument names, as written (`'out.txt'`,
    `os.path.join('runs/labels', name)`), or None when it is absolute, a URL or not a literal."""
    if pa.entry.kind != "path" or pa.call.in_function:
        return None
    value = pa.arg.string
    if value is None and 0 < pa.arg.line <= len(ca.lines):
        head = re.match(
            r"(?:os\.path\.join|(?:pathlib\.)?Path)\(\s*(['\"])([^'\"]+)\1", ca.lines[pa.arg.line - 1][pa.arg.column - 1:]
        )
        value = head.group(2) if head else None
    if not value or value.startswith(("/", "\\", "~", "{", "$")) or "://" in value or re.match(r"^[A-Za-z]:", value):
        return None
    return f"`{render_call(pa.call)}`"


def _anchored_finding(
    ctx: RuleContext, events: Sequence[tuple], anchored: Mapping[tuple[int, int, int], str]
) -> tuple[Optional[int], Optional[tuple[int, str]]]:
    """`HOME = os.getcwd()` … `%cd {HOME}/yolov7` (once or in many cells): the target is absolute
    and idempotent, and a cell that needs it changes to it again at its top, for its own shell
    lines. It is one root cause per notebook, and a finding only when a later cell's Python reads a
    relative path before the next change to an anchored, absolute or saved folder (that read then
    needs this cell to have run first). Returns the event index of that finding and (cell index,
    the read), or (None, None): then every anchored change is no finding."""
    def resets(event: tuple) -> bool:
        ca, line, column, text, _, back = event
        target = re.sub(r"^%?\w+\s+", "", text.strip())
        target = cd_operand(target)
        return back or (ca.cell.index, line, column) in anchored or target.startswith(("/", "~"))

    for i, event in enumerate(events):
        ca, line, column = event[0], event[1], event[2]
        if (ca.cell.index, line, column) not in anchored:
            continue
        end = next(((e[0].cell.index, e[1]) for e in events[i + 1:] if resets(e)), None)
        for later in ctx.cells:
            if later.cell.index <= ca.cell.index or (end is not None and later.cell.index > end[0]):
                continue
            for pa in path_arguments(ctx.facts, ctx.catalog, later):
                if end is not None and (later.cell.index, pa.call.line) >= end:
                    continue
                read = _relative_path_text(later, pa)
                if read is not None:
                    return i, (later.cell.index, read)
    return None, None


def _to_current_directory(ca: CellAnalysis, call: CallFact) -> bool:
    """`os.chdir(os.getcwd())`, `os.chdir(".")`: a change to where it already is, a no-op."""
    lines = ca.lines
    if call.line != call.end_line or not 0 < call.line <= len(lines):
        return False
    text = lines[call.line - 1][call.column - 1:]
    open_at = text.find("(")
    if open_at < 0:
        return False
    depth = 0
    for i in range(open_at, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return bool(_CURRENT_DIRECTORY.match(text[open_at + 1 : i]))
    return False


# The name of the working directory, as a guard tests it (`os.path.basename(os.getcwd())`,
# `Path.cwd().name`, `Path(os.getcwd()).name`, `os.getcwd().split("/")[-1]`), as `ast.unparse` writes it.
_CWD_NAME = re.compile(
    r"^(?:os\.path\.basename\(\s*os\.getcwd\(\)\s*\)|(?:pathlib\.)?Path\.cwd\(\)\.name"
    r"|(?:pathlib\.)?Path\(\s*os\.getcwd\(\)\s*\)\.name|os\.getcwd\(\)\.split\(\s*(?P<q>['\"])/(?P=q)\s*\)\[-1\])$"
)


def _guarded_into_own_folder(ctx: RuleContext, ca: CellAnalysis, call: CallFact) -> bool:
    """`if os.path.basename(os.getcwd()) == "tutorials": os.chdir("spam")` in a notebook that lies in
    `tutorials/spam/`: the change fires only for a kernel started in the folder above the notebook's
    (a runner at the repository root) and lands in the notebook's own folder; started there (Jupyter's
    default) or run again, the guard no longer matches and nothing changes. Every relative path after it
    resolves against the notebook's folder either way: a normalisation, like a return to the notebook's
    own folder (`_back_down_to_start`), not a finding (fair check 40, items 73-75). Known only when the
    notebook's path names its folders; the guard must be the `if` holding the change alone, with no `else`.
    So is the change of a hosted set-up cell that, only when the folder it tests for is missing (`if not
    os.path.isdir("data"):`), clones a repository and enters the notebook's own folder in the clone
    (`os.chdir(os.path.join(_clone, "portfolio", PROJECT))` in a notebook that lies in
    `portfolio/<PROJECT>/`; `hosted.OwnFolderBootstrap`; fair check 43, items 98-103)."""
    if call.in_function or call.method != "chdir":
        return False
    if any(b.cell == ca.cell.index and b.chdir_line == call.line for b in own_folder_bootstraps_of(ctx)):
        return True
    target = call.arg(0, ("path",))
    if target is None or target.string is None:
        return False
    parts = [p for p in re.split(r"[\\/]+", target.string) if p not in ("", ".")]
    if not parts or any(p == ".." or any(ch in p for ch in "$*?{}~:") for p in parts) or target.string.startswith(("/", "\\", "~")):
        return False
    folders = [p for p in ctx.facts.notebook.path.replace("\\", "/").split("/")[:-1] if p not in ("", ".")]
    if len(folders) < len(parts) + 1 or folders[-len(parts):] != parts:
        return False
    statement = statement_at(cell_python_tree(ca), call.line)
    if not isinstance(statement, ast.If) or statement.orelse or len(statement.body) != 1:
        return False
    only = statement.body[0]
    if not (isinstance(only, ast.Expr) and isinstance(only.value, ast.Call) and only.lineno == call.line):
        return False
    test = statement.test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = (test.left, test.comparators[0])
    name = next((s.value for s in sides if isinstance(s, ast.Constant) and isinstance(s.value, str)), None)
    other = next((s for s in sides if not isinstance(s, ast.Constant)), None)
    return name == folders[-len(parts) - 1] and other is not None and bool(_CWD_NAME.match(ast.unparse(other)))


# The working directory's parent, as an expression gives it (`Path.cwd().parent`,
# `Path(os.getcwd()).parent`, `os.path.dirname(os.getcwd())`), as `ast.unparse` writes it.
_CWD_PARENT = re.compile(
    r"^(?:(?:(?:pathlib\.)?Path\.cwd\(\)|(?:pathlib\.)?Path\(\s*os\.getcwd\(\)\s*\))\.parent"
    r"|os\.path\.dirname\(\s*os\.getcwd\(\)\s*\))$"
)


def _tests_own_folder_name(ctx: RuleContext, test: ast.expr) -> bool:
    """`Path.cwd().name == "notebooks"` in a notebook that lies in `notebooks/`: a test that the
    working directory is the notebook's own folder, by its name."""
    folders = [p for p in ctx.facts.notebook.path.replace("\\", "/").split("/")[:-1] if p not in ("", ".")]
    if not folders or not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = (test.left, test.comparators[0])
    name = next((s.value for s in sides if isinstance(s, ast.Constant) and isinstance(s.value, str)), None)
    other = next((s for s in sides if not isinstance(s, ast.Constant)), None)
    return name == folders[-1] and other is not None and bool(_CWD_NAME.match(ast.unparse(other)))


def _guarded_up_to_parent(ctx: RuleContext, ca: CellAnalysis, call: CallFact) -> bool:
    """A module-level change to the working directory's parent taken only when the working directory
    is the notebook's own folder, by its name (`if Path.cwd().name == "notebooks": os.chdir("..")`, or
    `root = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()` then `os.chdir(root)`,
    in a notebook that lies in `notebooks/`): started there (Jupyter's default) or one folder up (a
    runner at the repository root), the kernel ends in the folder above the notebook's, and a second
    run does nothing (the guard no longer matches). Every relative path after it resolves against that
    folder either way: a normalisation, not a finding, the mirror of `_guarded_into_own_folder`
    (fair check 45, items 101 and 107: cwd-name-guarded-chdir-to-repo-root)."""
    if call.in_function or call.owner or call.method != "chdir":
        return False
    tree = cell_python_tree(ca)
    statement = statement_at(tree, call.line) if tree is not None else None
    if tree is None or statement not in tree.body:
        return False
    if isinstance(statement, ast.If):
        target = call.arg(0, ("path",))
        only = statement.body[0] if len(statement.body) == 1 else None
        return (
            not statement.orelse and isinstance(only, ast.Expr) and isinstance(only.value, ast.Call)
            and only.lineno == call.line and target is not None and target.string is not None
            and target.string.replace("\\", "/").rstrip("/") == ".." and _tests_own_folder_name(ctx, statement.test)
        )
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) and len(statement.value.args) == 1):
        return False
    argument = statement.value.args[0]
    if isinstance(argument, ast.Name):
        bindings = [
            node for node in tree_nodes(tree)
            if isinstance(node, ast.Name) and node.id == argument.id and not isinstance(node.ctx, ast.Load)
        ]
        bound = next((
            s.value for s in tree.body
            if isinstance(s, ast.Assign) and s.lineno < call.line and len(s.targets) == 1
            and isinstance(s.targets[0], ast.Name) and s.targets[0].id == argument.id
        ), None)
        if len(bindings) != 1 or bound is None:
            return False
        argument = bound
    return (
        isinstance(argument, ast.IfExp) and _tests_own_folder_name(ctx, argument.test)
        and bool(_CWD_PARENT.match(ast.unparse(argument.body)))
        and bool(_CURRENT_DIRECTORY.match(ast.unparse(argument.orelse)))
    )


def _after_guarded_up_to_parent(ctx: RuleContext, place: tuple[int, int]) -> bool:
    """Is the last change of directory above `place` (cell, line of a path's use) a
    `_guarded_up_to_parent` one (no `%cd`, `%pushd` or `%popd` between)? Then a relative path used
    there resolves against the folder above the notebook's whether the kernel started in the
    notebook's folder or there: one place, not the folder the notebook is run from (fair check 45,
    item 107: relative-after-guarded-bootstrap-chdir, a constant's list of folders made there)."""
    changes = [(ca, call) for ca, call in directory_changes(ctx) if (ca.cell.index, call.line) < place]
    if not changes:
        return False
    ca, call = changes[-1]
    if any(m.kind in ("line_magic", "automagic") and m.name in (*_CHDIR_MAGICS, "popd")
           and (ca.cell.index, call.line) < (c.cell.index, m.line) < place for c in ctx.cells for m in c.magics):
        return False
    return _guarded_up_to_parent(ctx, ca, call)


def _later_piece_only(ctx: RuleContext, f: LiteralFinding) -> bool:
    """`f` is the first piece of a join bound to a name (`sub = os.path.join("a", "b")`) that the
    notebook only ever uses as a second or later piece of another join."""
    if f.argument is None or f.source != "python" or f.argument.call.method != "join":
        return False
    tree = cell_python_tree(f.ca)
    if tree is None:
        return False
    bound = next((
        node.targets[0].id for node in tree_nodes(tree)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Call) and node.value.args
        and isinstance(node.value.args[0], ast.Constant)
        and (node.value.args[0].lineno, node.value.args[0].col_offset + 1) == (f.line, f.column)
    ), None)
    if bound is None:
        return False
    later, other = 0, 0
    for ca in ctx.cells:
        cell_tree = cell_python_tree(ca)
        if cell_tree is None:
            continue
        pieces = {
            id(a): i for node in tree_nodes(cell_tree)
            if isinstance(node, ast.Call) and dotted_name(node.func) in _JOIN_CALLS
            for i, a in enumerate(node.args)
        }
        for node in tree_nodes(cell_tree):
            if isinstance(node, ast.Name) and node.id == bound and isinstance(node.ctx, ast.Load):
                if pieces.get(id(node), 0) > 0:
                    later += 1
                else:
                    other += 1
    return later > 0 and other == 0


def _after_chdir(ctx: RuleContext, f: LiteralFinding) -> bool:
    """A relative path argument below an `os.chdir(...)` (not to the current folder) of the same
    cell and the same function body, or both at module level: it is resolved against the folder the
    change went to (`os.chdir(path)` then `ZipFile("x.zip")` in a pipeline component)."""
    if f.argument is None:
        return False
    use = f.argument.call
    return any(
        call.line < use.line and call.owner == use.owner and call.in_function == use.in_function
        and ChangeDirectory._changes_directory(ctx, call) and not _to_current_directory(f.ca, call)
        and not _guarded_into_own_folder(ctx, f.ca, call)
        for call in f.ca.facts.calls
    )


def _absolute_chdir_before(ctx: RuleContext, f: LiteralFinding) -> Optional[tuple[CellAnalysis, CallFact]]:
    """The module-level `os.chdir("/abs/folder")` of an earlier cell that sets the working directory a
    relative path argument `f` resolves against, or None. It must be the last change of directory
    above `f` (no `%cd`, `%pushd` or `%popd` after it), a statement of its cell's top level (it runs
    whenever the cell does) and go to a literal absolute folder: then `f` is resolved against that
    folder, not against the folder the notebook is run from, and the change's own finding (PTH002 on
    a user's folder, PTH004 otherwise) is what to fix (fair check 35, item 106: relative-after-chdir,
    `os.chdir('/home/nick/…/inception-v1-model/')` in cell 5, `Image.open('book_cover.jpg')` in cell
    33; the same cell is `_after_chdir`'s). Not covered: a change inside a function or an `if`, to a
    folder computed at run time or relative, or through `%cd` (its target may depend on the folder
    the kernel started in), and a path bound to a name below the change and read in a later cell."""
    if f.argument is None or f.source != "python":
        return None
    place = (f.ca.cell.index, f.argument.call.line)
    changes = [(ca, call) for ca, call in directory_changes(ctx) if (ca.cell.index, call.line) < place]
    if not changes:
        return None
    ca, call = changes[-1]
    if ca.cell.index >= place[0] or call.in_function or call.owner:
        return None
    if any(m.kind in ("line_magic", "automagic") and m.name in (*_CHDIR_MAGICS, "popd")
           and (ca.cell.index, call.line) < (c.cell.index, m.line) < place for c in ctx.cells for m in c.magics):
        return None
    tree = cell_python_tree(ca)
    target = call.arg(0, ("path",))
    if (tree is None or statement_at(tree, call.line) not in tree.body or target is None or target.string is None
            or resolve_callee(ctx.facts, ctx.catalog, call.func) != "os.chdir"):
        return None
    text = target.string
    return (ca, call) if text.startswith(("/", "~")) or _WINDOWS_DRIVE.match(text) else None


def _reads_after_absolute_chdir(ctx: RuleContext) -> dict[tuple[int, int], tuple[tuple[Cell, int, int], ...]]:
    """The relative path arguments `_absolute_chdir_before` gives to a change of directory, by the
    (cell, line) of that change: the related locations of the change's finding."""
    def find() -> dict[tuple[int, int], tuple[tuple[Cell, int, int], ...]]:
        out: dict[tuple[int, int], list[tuple[Cell, int, int]]] = {}
        for f in literal_findings(ctx):
            if f.path_class.kind == "relative" and (found := _absolute_chdir_before(ctx, f)) is not None:
                out.setdefault((found[0].cell.index, found[1].line), []).append((f.ca.cell, f.line, f.column))
        return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}
    return ctx.shared("paths.reads_after_absolute_chdir", find)


def _chdir_alias(ctx: RuleContext, f: LiteralFinding, writes: Mapping[str, tuple[int, int]]) -> Optional[tuple[int, int]]:
    """Is `f` a path the notebook wrote above, named again after `os.chdir` into a folder of it in an
    earlier cell (`pickle.dump(clf, open("movieclassifier/pkl_objects/classifier.pkl", "wb"))`, then
    `os.chdir("movieclassifier")`, then `open(os.path.join("pkl_objects", "classifier.pkl"))`)? The
    (cell, line) of that write (`writes`: normalised path → its first write), or None. Only when
    every change of directory above it is a module-level `os.chdir` of a literal relative folder
    in an earlier cell (no `%cd`), the write comes before the first of them, and the folder they
    lead to, joined to `f`, is the written path: the same file under a second name, one root to
    configure (fair check 27, item 111: chdir-alias-of-reported-folder)."""
    if f.argument is None or f.argument.direction not in ("read", "none") or not writes:
        return None
    value = _normal_path(f.value)
    if not value or value.startswith(("/", "~")) or "{" in value or "$" in value:
        return None
    place = (f.ca.cell.index, f.line)
    changes = [(ca, call) for ca, call in directory_changes(ctx) if (ca.cell.index, call.line) < place]
    if not changes or any(ca.cell.index == place[0] for ca, _ in changes):
        return None  # (none, or one in the same cell: `_after_chdir`'s)
    if any(m.kind in ("line_magic", "automagic") and m.name in (*_CHDIR_MAGICS, "popd")
           for ca in ctx.cells for m in ca.magics if (ca.cell.index, m.line) < place):
        return None
    folder = "."
    for ca, call in changes:
        tree = cell_python_tree(ca)
        statement = statement_at(tree, call.line) if tree is not None else None
        target = call.arg(0, ("path",))
        if (call.in_function or call.owner or resolve_callee(ctx.facts, ctx.catalog, call.func) != "os.chdir"
                or tree is None or statement not in tree.body or target is None or target.string is None):
            return None  # (a change the notebook makes only sometimes, or to a place known at run time)
        text = target.string.replace("\\", "/")
        if not text or text.startswith(("/", "~")) or "$" in text:
            return None
        folder = posixpath.normpath(posixpath.join(folder, text))
        if folder == ".." or folder.startswith("../"):
            return None
    if folder == ".":
        return None
    written = writes.get(_normal_path(f"{folder}/{value}"))
    first = (changes[0][0].cell.index, changes[0][1].line)
    return written if written is not None and written < first else None


_SYS_PATH_CALLS = frozenset(
    {"sys.path.append", "sys.path.insert", "sys.path.extend", "sys.path.remove", "site.addsitedir"}
)
_SYS_PATH_ASSIGN = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*\.\s*path\s*(?:\[[^\]]*\]\s*)?(?:\+|\|)?=(?!=)")


class SysPathEdit(Rule):
    code = "PTH005"
    quiet_in_reference_sheets = True
    name = "sys-path-edit"
    family = Family.PATHS
    severity = Severity.WARNING
    summary = "The notebook edits `sys.path` to make imports work."
    what_it_does = (
        "Reports `sys.path.append/insert/extend/remove(...)`, `site.addsitedir(...)` and assignments to "
        "`sys.path` (`sys.path = …`, `sys.path += […]`, `sys.path[:0] = […]`), also through "
        "`import sys as s` or `from sys import path`, at the call or the assignment. Not the working folder "
        "(`sys.path.insert(0, '.')`, `''`, `os.getcwd()`) in a notebook that imports a module it writes "
        "itself (`%%writefile helpers.py`): the notebook makes the file where it runs, so no import depends "
        "on a layout (and IPython has that folder on the path anyway). Not the parent folder (`sys.path.insert(0, '..')`) "
        "when that folder holds no module, package or folder of code any import of the notebook names (a leftover "
        "edit: every import is an installed distribution), nor when what the notebook imports from there is the project's own "
        "distribution (`sys.path.append('../')` beside a `setup.py` that builds the package: installed with `pip install -e .`, the "
        "edit changes nothing; a parent folder of code no manifest builds stays reported). Not another relative folder (not `site.addsitedir`) when every "
        "import below the edit is the standard library or a distribution the catalogue knows and none is a module of that folder "
        "as found in the repository, also without its leading parts (Colab's `sys.path.insert(0, 'drive/Fast-Pytorch/Learning_Pytorch')`, "
        "a Drive clone of the repository whose `Learning_Pytorch/` holds no module, then only `import torch`, `import os`), nor when "
        "no import follows it, unless a later call looks a module up without one (`importlib.import_module`, `pickle.load`) "
        "and the folder is not found in the repository, or holds modules; a "
        "reported edit of the same cell names it. Not a folder up from the notebook's that does not exist (`os.path.abspath(\"../../SharedModules\")`, "
        "given straight or bound above in the cell) when every import below is the standard library, a catalogued distribution "
        "or the module an absolute entry of the notebook names by its last part (`/home/toolkit`, then `import toolkit`: PTH002 "
        "reports that checkout). Not an entry that is a name no cell defines (HID003's finding: the line raises NameError). Not an edit in the body of a Kubeflow "
        "pipeline component (a function given to `func_to_container_op` or decorated `@dsl.component`): it "
        "runs in the component's image, whose layout the pipeline defines. Not an edit putting the folder a `git clone` "
        "of the notebook writes, or a folder inside it, on the path (`!git clone URL /tmp/helpers`, then `sys.path.insert(0, \"/tmp/helpers\")` "
        "or `\"/tmp/helpers/src\"`; the folder as written, also made absolute: `os.path.abspath(\"./helpers\")`, `str(Path(\"helpers\").resolve())`): PTH007 reports the clone, with the edit related (one root cause, cloned code). "
        "A call of a function of the notebook's own helper module (a `.py` file or package beside the notebook) whose "
        "body edits `sys.path` is an edit too, at the call (`from utils import fix_pythonpath_if_working_locally`, "
        "then `fix_pythonpath_if_working_locally()`); a call of one of its functions that does not, or an import "
        "without a call, is not. Not an edit that runs only in the import-error handler (`except ImportError:` or bare) of a "
        "`try` importing a module the handler imports again, when a manifest of the project declares that module or the project "
        "is its distribution (`try: import lime` / `except: sys.path.append(os.path.join(\"..\", \"..\")); import lime` in lime's "
        "own docs, `setup(name=\"lime\")`): installed, the edit never runs. Not an edit whose entry is a literal PTH002 reports "
        "(`sys.path.append(\"/Users/alice/src/models/slim\")`): that finding carries the edit as a related location (one cause, "
        "a personal checkout). The entry may be a name bound above in the cell to such a literal, also wrapped in `os.path.abspath(…)`. "
        "Not the package folder of a standard Python installation (`/usr/local/lib/python{ver}/site-packages`, "
        "`/usr/lib/python3/dist-packages`, `/opt/conda/lib/python3.11/site-packages`: where a run-time conda install put its "
        "packages; DEP003 reports the install). An absolute entry is worded as needing that folder on the machine (PTH001 leaves "
        "a literal entry to this finding: one cause), a relative "
        "one as needing the notebook's folder and layout; a silent `..` edit of the same cell is named in the message. An entry "
        "given as a name bound above in the cell to a literal (`LIB = \"/opt/team/libs\"`, then `sys.path.append(LIB)`) is "
        "read as that literal, and the binding is a related place (PTH001 leaves the literal to this finding when nothing "
        "else reads the name). When the notebook's imports name a `src` folder itself (`from src.data import DataLoader`), "
        "the fix says so: a src layout's `pip install -e .` installs the packages inside `src/` (`data`, `utils`) under their "
        "own names and never `src`, so they are imported by those names, or moved into one package of the project's name. "
        "Not an entry the cell finds above the edit by walking up from the working folder to the first folder holding a marker "
        "(`ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / \"toolkit\").is_dir())`, a `while` loop climbing "
        "`.parent` or `os.path.dirname`, or a function of the cell doing so), then `sys.path.insert(0, str(ROOT))`, when the "
        "marker is what an import below names (`from toolkit import …`; `ROOT / \"src\"` with the marker `src/toolkit`) or a "
        "project root's own marker (`pyproject.toml`, `setup.py`, `setup.cfg`, `.git`, `.here`): the imports work from any folder "
        "of the checkout; so is the working folder itself, rebound only to a folder below it where a test finds the module an import "
        "below names (`NOTEBOOK_DIR = Path.cwd()`, then `if (candidate / \"vote_parser.py\").exists(): NOTEBOOK_DIR = candidate`): the kernel has "
        "its working folder on the path already. A fixed climb (`Path.cwd().parents[1]`, `..`) stays reported. When the entry's last folder is "
        "the name of an import below it that the catalogue knows, or that an install line or text of the notebook names "
        "(`sys.path.append(\"../../../mlmachine\")`, `import mlmachine`, `print(\"pip install mlmachine\")`), the fix is to declare and pin that "
        "published package, not to make the code a package. Edits of one cell whose entries the cell "
        "computes from one working-folder root (`project_root = Path.cwd()`, then `project_root / \"src\"` and "
        "`project_root.parent.parent / \"shared\"`) are one finding at the first, the others related: one root to fix."
    )
    why_bad = (
        "Imports below the edit only work when the notebook runs from this folder with this layout; the "
        "edit usually points at a relative or personal path (`../src`, `/home/alice/libs`). Compiled "
        "into a module it breaks imports for everyone else, and tools cannot see the dependency."
    )
    example = 'import sys\nsys.path.append("../src")\nfrom features import build'
    use_instead = (
        "# pyproject.toml makes src/ an installable package; once: pip install -e .\n"
        "from myproject.features import build"
    )
    passing = (
        # An edit that climbs (`../../pyutils`), as the notebook's last line: no import follows it
        # (fair check 39, item 67).
        Example(cells=(
            "import numpy as np\nimport matplotlib.pyplot as plt\nimport sys\nsys.path.append('../../pyutils')",
            md("## Notes"),
        )),
        Example(cells=(
            "import sys\nprint(sys.path)\nfound = [p for p in sys.path if 'site' in p]",
            "import os\nos.path.join('a', 'b')\npath = ['x']\npath.append('y')",
        )),
        # The working folder, for a module the notebook writes there itself.
        Example(cells=(
            "%%writefile shapes.py\ndef area(width, height):\n    return width * height",
            "import sys\nif '.' not in sys.path:\n    sys.path.insert(0, '.')\nimport shapes",
        )),
        # The source checkout put on the path only when importing the project's own distribution
        # fails (installed, the edit never runs); a personal checkout, which PTH002 reports with
        # the edit related.
        Example(
            cells=(
                "import os, sys\ntry:\n    import sketchbook\nexcept ImportError:\n"
                "    sys.path.append(os.path.join('..', '..'))\n    import sketchbook",
                "import sys\nsys.path.append('/Users/alice/src/models/slim')",
            ),
            files={"setup.py": "from setuptools import setup\nsetup(name='sketchbook', packages=['sketchbook'])\n",
                   "sketchbook/__init__.py": ""},
        ),
        # The site-packages of the machine's own Python, for a package a run-time mamba install put there.
        Example(cells=(
            "import sys\nver = '3.10'\nif f'/usr/local/lib/python{ver}/site-packages/' not in sys.path:\n"
            "    sys.path.insert(0, f'/usr/local/lib/python{ver}/site-packages/')",
        )),
        # A folder inside the clone the notebook makes: the clone's PTH007 relates it (fair check 27, item 97).
        Example(cells=(
            "!git clone https://github.com/example-lab/cooking.git",
            "import sys\nsys.path.insert(1, 'cooking/src')\nfrom model import build",
        )),
        # ... also made absolute first (fair check 31, items 126, 127).
        Example(cells=(
            "import sys, os\n!git clone 'https://github.com/facebookresearch/detectron2'\n"
            "sys.path.insert(0, os.path.abspath('./detectron2'))",
        )),
        # A folder no import below needs: each is the standard library or a catalogued distribution
        # (Colab boilerplate; fair check 32, items 97-99).
        Example(cells=(
            "from google.colab import drive\ndrive.mount('/content/drive')\nimport sys\n"
            "sys.path.insert(0, 'drive/course/notebooks')",
            "import os\nimport torch\nimport numpy as np",
        )),
        # ... or no import below at all.
        Example(cells=("!mkdir -p drive\nimport sys\nsys.path.insert(0, 'drive/course/notebooks')\n!ls drive",)),
        # ... or a checkpoint unpickled below when the repository's folder of that name holds no module.
        Example(
            cells=("import sys\nsys.path.insert(0, 'drive/course/notebooks')", "import torch\ncheckpoint = torch.load('model.tar')"),
            files={"notebooks/datasets/notes.txt": "text\n"},
        ),
        # An entry found by walking up from the working folder to the folder holding the package the
        # imports name, or to the project's root marker: the imports work from any folder of the
        # checkout (fair check 40, items 76-79, 83-87, 89-92, 94-100: root-finder-sys-path).
        Example(cells=(
            "import sys\nimport pathlib\nROOT = next(p for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents]\n"
            "            if (p / 'shared').is_dir())\nsys.path.insert(0, str(ROOT))\nfrom shared import plots",
            "import sys\nfrom pathlib import Path\nbase = Path.cwd()\nwhile not (base / 'pyproject.toml').exists():\n"
            "    base = base.parent\nsys.path.append(str(base / 'src'))\nimport features",
            "import os, sys\ndef find_root(folder):\n    while not os.path.isdir(os.path.join(folder, 'helpers')):\n"
            "        folder = os.path.dirname(folder)\n    return folder\nHOME = find_root(os.getcwd())\nsys.path.append(HOME)\nimport helpers",
        )),
        # An entry defined in no cell: a NameError in a fresh kernel, HID003's finding (fair check 43, item 104).
        Example(cells=("import sys\nsys.path.append(modulePath) if modulePath not in sys.path else None\nimport numpy as np",)),
        # A folder up from the notebook's that does not exist, while the one import the catalogue does
        # not know is the module an absolute entry names (its checkout, PTH002's): no import resolves
        # through it (fair check 43, item 107).
        Example(cells=(
            "import os, sys\nmodulePath = os.path.abspath(os.path.join('../../SharedModules'))\n"
            "sys.path.append(modulePath) if modulePath not in sys.path else None\nimport numpy as np\n"
            "sys.path.append('/home/toolkit')\nimport toolkit",
        )),
        # The working folder, or the folder below it found holding the module the import names: the
        # kernel has the working folder on the path already, and the probe finds the module's folder
        # (fair check 44, item 114: cwd-probed-sys-path-noop).
        Example(cells=(
            "import sys\nfrom pathlib import Path\nNOTEBOOK_DIR = Path.cwd().resolve()\n"
            "if not (NOTEBOOK_DIR / 'vote_parser.py').exists():\n    candidate = NOTEBOOK_DIR / 'notebooks' / 'election'\n"
            "    if (candidate / 'vote_parser.py').exists():\n        NOTEBOOK_DIR = candidate\n"
            "if str(NOTEBOOK_DIR) not in sys.path:\n    sys.path.insert(0, str(NOTEBOOK_DIR))\nfrom vote_parser import parse",
        )),
    )
    failing = (
        Example(cells=("import sys\nsys.path.append('../src')\nfrom features import build",), expect=((1, 2),)),
        # The same missing folder where an import below names a module nothing else supplies: it may be
        # meant to come from there (fair check 43, items 105, 106: a checkout beside the repository).
        Example(cells=(
            "import os, sys\nmodulePath = os.path.abspath(os.path.join('../../SharedModules'))\n"
            "sys.path.append(modulePath)\nimport numpy as np\nimport toolkit",
        ), expect=((1, 3),)),
        # The same boilerplate where an import below is a module of that folder (`notebooks/` of the
        # repository, cloned into Drive), also when a distribution has its name.
        Example(
            cells=("import sys\nsys.path.insert(0, 'drive/course/notebooks')", "import torch\nfrom evaluate import accuracy"),
            files={"notebooks/evaluate.py": "def accuracy(pairs):\n    return 1.0\n"},
            expect=((1, 2),),
        ),
        # ... or a model unpickled below, whose class may be a module of that folder.
        Example(
            cells=("import sys\nsys.path.insert(0, 'drive/course/notebooks')", "import pickle\nmodel = pickle.load(open('model.pkl', 'rb'))"),
            expect=((1, 2),),
        ),
        Example(
            cells=(
                "import sys as system\nsystem.path.insert(0, '/opt/team/libs')",
                "from sys import path\npath.extend(['..', '../lib'])",
                "import sys\nsys.path = ['../src'] + sys.path\nsys.path += ['tools']\nsys.path[:0] = ['vendor']",
                "import site\nsite.addsitedir('plugins')",
            ),
            expect=((1, 2), (2, 2), (3, 2), (3, 3), (3, 4), (4, 2)),
        ),
        # The edit made by a function of the notebook's helper package; its other function is silent.
        Example(
            cells=(
                "from helpers import add_repo_root, plot_style\nadd_repo_root()\nplot_style()\nimport forecasting",
            ),
            files={
                "helpers/__init__.py": "from .paths import add_repo_root, plot_style\n",
                "helpers/paths.py": (
                    "import os\nimport sys\n\n\ndef add_repo_root():\n    sys.path.insert(0, os.path.dirname(os.getcwd()))\n\n\n"
                    "def plot_style():\n    print(sys.path[:1])\n"
                ),
            },
            expect=((1, 2),),
        ),
        # A fixed climb from the working folder, and a walk up to a marker no import below names: the
        # imports still depend on the folder the notebook runs from (fair check 40, items 76-100's limits).
        Example(
            cells=(
                "import sys, pathlib\nROOT = pathlib.Path.cwd().parents[1]\nsys.path.insert(0, str(ROOT))\nfrom shared import plots",
                "import sys, pathlib\nROOT = next(p for p in pathlib.Path.cwd().parents if (p / 'data').is_dir())\n"
                "sys.path.insert(0, str(ROOT))\nfrom shared import plots",
            ),
            expect=((1, 3), (2, 3)),
        ),
        # Two edits from one root the cell computes from the working folder: one finding, the second
        # related (fair check 42, item 94); an edit from another root stays a finding of its own.
        Example(
            cells=(
                "import sys\nfrom pathlib import Path\nproject_root = Path.cwd()\nsrc_dir = project_root / 'src'\n"
                "shared_dir = project_root.parent.parent / 'shared'\nsys.path.insert(0, str(src_dir))\n"
                "sys.path.insert(0, str(shared_dir))\nsys.path.append('../lib')\nfrom nlp_pipeline import run\nfrom helpers import x",
            ),
            expect=((1, 6), (1, 8)),
        ),
        # A checkout of a published package put on the path (`pip install tabkit` is the notebook's own
        # advice): the fix is to install and pin it, not to package it (fair check 43, items 105, 106).
        Example(cells=(
            "import sys\ntry:\n    import tabkit\nexcept ModuleNotFoundError:\n    sys.path.append('../../../tabkit')\n"
            "    import tabkit\nelse:\n    print('This notebook relies on tabkit: pip install tabkit')",
        ), expect=((1, 5),)),
        # The working folder tested for a marker no import below names: the entry is one layout.
        Example(cells=(
            "import sys\nfrom pathlib import Path\nHERE = Path.cwd()\nif not (HERE / 'data').exists():\n"
            "    HERE = Path('/srv/project')\nsys.path.insert(0, str(HERE))\nfrom helpers import f",
        ), expect=((1, 6),)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        fix = (
            "Make the code a package (a pyproject.toml, then `pip install -e .`) and import it normally; "
            "do not edit sys.path."
        )
        # `from src.data import DataLoader`: the imports name the `src` folder itself, which a src
        # layout never installs (`package_dir={"": "src"}` installs `data`, `utils`… as top-level
        # packages), so `pip install -e .` alone leaves them failing; the fix says what to change
        # (fair check 38, items 97-99: the advice repeated the quick start that does not help).
        src_modules = sorted({
            imp.module for _, imp in ctx.facts.imports if imp.level == 0 and imp.top_level == "src" and "." in imp.module
        })
        if src_modules:
            inner = sorted({m.split(".")[1] for m in src_modules})
            shown_inner = ", ".join(f"`{n}`" for n in inner[:4]) + (", …" if len(inner) > 4 else "")
            # No pyproject.toml or setup.py builds the project yet: the fix says to write one first
            # (fair check 40, items 80, 82: "pip install -e ." read as if a manifest existed).
            packaged = ctx.project is not None and any(m.project_name for m in ctx.project.manifests)
            fix = (
                ("" if packaged else "The project has no pyproject.toml or setup.py yet: write one for a src layout first. ")
                + f"The imports name the `src` folder itself (`from {src_modules[0]} import …`), which `pip install -e .` "
                f"of a src layout never installs: it installs the packages inside `src/` (here {shown_inner}) under their own "
                f"names. Import them by those names (`from {src_modules[0].split('.', 1)[1]} import …`, in the notebook and in "
                "the modules themselves) after `pip install -e .`, "
                "or move them into one package of the project's name (`src/<project>/`, imported as "
                f"`from <project>.{src_modules[0].split('.', 1)[1]} import …`); do not edit sys.path."
            )
        # `%%writefile mnist_setup.py`, then `import mnist_setup`: a module the notebook writes into
        # its working folder. Putting that folder on the path (where IPython has it already) ties
        # no import to a layout: the notebook makes the file wherever it runs.
        written = written_modules(ctx.facts)
        imports_written = any(imp.level == 0 and imp.top_level in written for _, imp in ctx.facts.imports)
        # `!git clone URL /tmp/repo`, then `sys.path.insert(0, "/tmp/repo")`: the clone's folder put
        # on the path is a related location of the clone's PTH007 (one root cause: cloned code).
        to_clones = {(cell, line) for _, _, cell, line, _ in cloned_path_edits(ctx.facts)}
        # `sys.path.insert(0, "..")` where the parent folder holds nothing any import of the notebook
        # names (every import an installed distribution): a leftover edit no import depends on
        # (fair check 13: a notebook moved one folder down, `..` no longer the repository root).
        parent = ctx.project.parent_modules if ctx.project is not None else None
        parent_unused = parent is not None and not any(
            imp.level == 0 and imp.top_level in parent for _, imp in ctx.facts.imports
        )
        declared = ctx.project.declared if ctx.project is not None else frozenset()
        # `sys.path.append("../")` where what the notebook imports from the parent folder is the
        # project's own distribution (AIF360's `setup(name="aif360")` beside `aif360/`, its README
        # installing the checkout with `pip install -e .`): installed, the edit changes nothing
        # (fair check 26, 6 examples judged noise). A parent folder holding code no manifest builds
        # (a course's `d2lzh/`, a book's `ml_editor/`) stays reported.
        own = {m.project_name for m in ctx.project.manifests if m.project_name} if ctx.project is not None else set()
        parent_is_own = parent is not None and bool(own) and not parent_unused and all(
            normalise_distribution(imp.top_level) in own for _, imp in ctx.facts.imports if imp.level == 0 and imp.top_level in parent
        )
        edits = _sys_path_calls(ctx)
        for ca in ctx.cells:
            events: list[tuple[int, int, str]] = []
            entry_values: dict[tuple[int, int], Optional[str]] = {}
            absolute: set[tuple[int, int]] = set()
            related: dict[tuple[int, int], tuple[tuple[Cell, int, int], ...]] = {}
            unused_parent: list[str] = []  # the cell's edits adding `..`, which no import uses
            unused_folder: list[str] = []  # the cell's edits adding another relative folder no import below uses
            for call in ca.facts.calls:
                if id(call) in edits:
                    if imports_written and _adds_working_folder(ca, call):
                        continue
                    if parent_unused and _adds_parent_folder(ca, call):
                        unused_parent.append(render_call(call))
                        continue
                    if parent_is_own and _adds_parent_folder(ca, call):
                        continue
                    # In a pipeline component's body the edit is the container's import path.
                    if in_container(_container_spans(ctx), ca.cell.index, call.line, call.column):
                        continue
                    # `try: import lime` / `except ImportError: sys.path.append(".."); import lime`
                    # with `lime` declared (here the repository's own `setup(name="lime")`): installed,
                    # the edit never runs (fair check 15, item 123).
                    if declared and _installed_fallback(ca, call.line, declared):
                        continue
                    # `sys.path.append("/Users/alice/src/models/slim")`: PTH002 reports the home-folder
                    # checkout, with this edit related (one root cause; fair check 15, item 122).
                    if (ca.cell.index, call.line, call.column) in _user_path_edits(ctx):
                        continue
                    # `sys.path.insert(0, f"/usr/local/lib/python{ver}/site-packages/")`: the package
                    # folder of the machine's own Python (where a run-time conda/mamba install into
                    # /usr/local put its packages; DEP003 reports that install), not a layout of the
                    # project's code (fair check 17, item 102).
                    entry = call.arg(1 if call.method == "insert" else 0)
                    value = entry.string if entry is not None else None
                    # `LIB = "/opt/team/libs"`, then `sys.path.append(LIB)`: the literal bound above is
                    # the entry, as if given straight; its binding is a related place, and PTH001 leaves
                    # it to this finding when the name is read nowhere else (one cause; tidy35).
                    bound = _entry_bound_literal(ca, call) if entry is not None and value is None else None
                    if bound is not None:
                        value = bound[0]
                        related[(call.line, call.column)] = ((ca.cell, bound[1], bound[2]),)
                    if value is not None and _PYTHON_PACKAGE_FOLDER.match(value):
                        continue
                    entry_values[(call.line, call.column)] = value
                    # `sys.path.append(modulePath)` with `modulePath` defined in no cell: a NameError in a
                    # fresh kernel, HID003's finding; the line edits no path (fair check 43, item 104).
                    if value is None and _entry_undefined(ctx, ca, call):
                        continue
                    # `sys.path.append(os.path.abspath("../../CustomModules"))` to a folder that does not
                    # exist, while every import below is the standard library, a catalogued distribution, or
                    # the module an absolute entry of the notebook names (`/home/mlmachine`, PTH002's): no
                    # import resolves through it (fair check 43, item 107).
                    if _absent_folder_unused(ctx, ca, call, value):
                        continue
                    if value is not None and re.match(r"^(?:/|~|[A-Za-z]:[\\/])", value):
                        absolute.add((call.line, call.column))
                    elif value is not None and _relative_folder_unused(ctx, ca, call, value):
                        # `sys.path.insert(0, 'drive/Fast-Pytorch/Learning_Pytorch')` (Colab boilerplate)
                        # with every import below the stdlib or a catalogued distribution: no import
                        # depends on the folder or layout (fair check 32, items 97-99; the `..` case above).
                        unused_folder.append(render_call(call))
                        continue
                    # `ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "toolkit").is_dir())`,
                    # then `sys.path.insert(0, str(ROOT))` and `from toolkit import …`: the entry is found by
                    # walking up to the folder holding what the imports name, so they work from any folder
                    # of the checkout (fair check 40, items 76-79, 83-87, 89-92, 94-100).
                    if _found_by_walking_up(ctx, ca, call):
                        continue
                    events.append((call.line, call.column, render_call(call)))
            helper_edits: dict[tuple[int, int], str] = {}
            for call in ca.facts.calls:
                # `from utils import fix_pythonpath_if_working_locally`, then its call: the helper beside
                # the notebook edits the import path for the imports below (darts' examples).
                edit = _helper_path_edit(ctx, call)
                if edit is not None:
                    events.append((call.line, call.column, render_call(call)))
                    helper_edits[(call.line, call.column)] = edit
            lines = ca.masked.python.split("\n")
            for ref in ca.facts.mutated:
                if ctx.facts.resolve(ref.name) != "sys" or not 0 < ref.line <= len(lines):
                    continue
                m = _SYS_PATH_ASSIGN.match(lines[ref.line - 1][ref.column - 1:])
                if m and m.group("name") == ref.name:
                    events.append((ref.line, ref.column, lines[ref.line - 1].strip()))
            # Edits of one cell whose entries all come from one root the cell computes (`project_root =
            # Path.cwd()`, then `src_dir = project_root / "src"` and `shared_dir = project_root.parent.parent
            # / "shared"` both inserted): one cause, one fix; the first edit is the finding, the others
            # related (fair check 42, item 94: sys-path-edits-split-per-line).
            roots = _entry_roots(ca, [(line, column) for line, column, _ in events]) if len(events) > 1 else {}
            first_of_root: dict[str, tuple[int, int]] = {}
            for line, column, _ in sorted(set(events)):
                root = roots.get((line, column))
                if root is not None and (ca.cell.index, line) not in to_clones and root not in first_of_root:
                    first_of_root[root] = (line, column)
            for (line, column), root in roots.items():
                head = first_of_root.get(root)
                if head is not None and head != (line, column):
                    related[head] = (*related.get(head, ()), (ca.cell, line, column), *related.get((line, column), ()))
            for line, column, text in sorted(set(events)):
                if (ca.cell.index, line) in to_clones:
                    continue
                root = roots.get((line, column))
                if root is not None and first_of_root.get(root) != (line, column):
                    continue  # (related to the first edit from the same root)
                helper = helper_edits.get((line, column))
                # An absolute entry (`/opt/team/libs`) does not depend on the folder the notebook
                # runs from, only on the machine having it (fair check 17: "from this folder" was
                # said of `/usr/local/…` too).
                where = "on machines that have this folder" if (line, column) in absolute else "from this folder and layout"
                message = (
                    f"`{text}` edits the import path: imports below only work {where}"
                    if helper is None else
                    f"`{text}` edits the import path inside the notebook's helper module (`{helper}`): imports below "
                    "only work from this folder and layout"
                )
                if unused_parent:
                    # (fair check 17, item 100: the cell's other edit was not mentioned)
                    message += (f"; the cell's `{unused_parent[0]}` is no finding of its own: the parent folder holds "
                                "no module the notebook imports, so removing it changes nothing")
                elif unused_folder:
                    message += (f"; the cell's `{unused_folder[0]}` is no finding of its own: no import below it names a "
                                "module of that folder, so removing it changes nothing")
                same_root = sorted(at for at, r in roots.items() if root is not None and r == root and at != (line, column))
                if same_root:
                    lines_text = and_listed([str(at[0]) for at in same_root])
                    message += (f"; so {'does' if len(same_root) == 1 else 'do'} the cell's edit{'s' if len(same_root) > 1 else ''} "
                                f"on line{'s' if len(same_root) > 1 else ''} {lines_text}, from the same root (related)")
                published = _published_entry_module(ctx, ca, line, entry_values.get((line, column)))
                yield Hit(ca.cell, line, column, message, fix=fix if published is None else published,
                          key=text, related=related.get((line, column), ()))


_INSTALL_HINT = re.compile(r"pip3?\s+install\s+(?:-\S+\s+)*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)")


def _published_entry_module(ctx: RuleContext, ca: CellAnalysis, line: int, value: Optional[str]) -> Optional[str]:
    """The fix for an edit putting a checkout of a published distribution on the path: the entry's
    last folder (`"../../../mlmachine"`) is the top-level name of an import below the edit
    (`import mlmachine`), and that import is one the catalogue maps to a distribution, or one the
    notebook's own install lines or text name (`print("pip install mlmachine")`). Then the code is
    no project code to package: install and pin the published package (fair check 43, items 105,
    106: the fix said "make the code a package"). None otherwise."""
    if not value:
        return None
    folder = re.split(r"[\\/]+", value.rstrip("/\\"))[-1]
    if not folder.isidentifier():
        return None
    if not any(imp.level == 0 and imp.top_level == folder and (at.cell.index, imp.line) > (ca.cell.index, line)
               for at, imp in ctx.facts.imports):
        return None
    from nbrefactor.audit.distributions import THIRD_PARTY_KIND, import_kind, resolve  # (as `_stdlib_or_known`)

    resolution = resolve(folder, ctx.catalog)
    written = install_spellings(ctx.facts).get(normalise_distribution(folder))
    if written is None:
        # (also in a printed hint, `print("\\tpip install mlmachine")`, where no word boundary precedes `pip`)
        wanted = normalise_distribution(folder)
        written = next((m.group("name") for ca_ in ctx.facts.cells if "install" in ca_.cell.source
                        for m in _INSTALL_HINT.finditer(ca_.cell.source) if normalise_distribution(m.group("name")) == wanted), None)
    # (the catalogue's tables only: what the auditing machine has installed is no fact of the notebook)
    if written is None and (resolution.source not in ("override", "namespace", "pipreqs")
                            or import_kind(folder, 0, None, ctx.catalog) != THIRD_PARTY_KIND):
        return None
    dist = written or resolution.primary
    return (f"`{folder}` is a published package (`pip install {dist}`), not this project's code: declare it in the "
            f"project's requirements, pinned (`{dist}==<version>`), import the installed package and drop the sys.path "
            "edit; a checkout of its source at this folder exists on one machine only.")


def _entry_roots(ca: CellAnalysis, places: Sequence[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """For the module-level `sys.path.insert(0, entry)`/`append(entry)` calls of the cell at `places`,
    the root their entry is computed from, when it is the working directory reached through names
    the cell binds above the call (`project_root = Path.cwd()`, `src_dir = project_root / "src"`,
    `sys.path.insert(0, str(src_dir))`), by `/`, `.parent`, `os.path.join` and wrappers (`str`,
    `.resolve()`): the binding's (line, column) as text. Edits with none are left out."""
    tree = cell_python_tree(ca)
    if tree is None:
        return {}
    calls = {(n.lineno, n.col_offset + 1): n for n in nodes_of(tree, ast.Call)}

    def bound_above(name: str, line: int) -> Optional[ast.Assign]:
        found = None
        for statement in tree.body:
            if statement.lineno >= line:
                break
            if isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in statement.targets):
                found = statement if len(statement.targets) == 1 else None
            elif any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in walk_nodes(statement)):
                found = None  # (bound some other way: not followed)
        return found

    def root(node: ast.expr, line: int, depth: int = 0) -> Optional[str]:
        while depth < 12:
            depth += 1
            if isinstance(node, ast.Call):
                func = dotted_name(node.func)
                if _CURRENT_DIRECTORY.match(ast.unparse(node)) and _may_name_current_directory(node):
                    return f"{node.lineno}:{node.col_offset}"
                if func in _ENTRY_WRAPPERS and len(node.args) == 1 and not node.keywords:
                    node = node.args[0]
                    continue
                if isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "absolute") and not node.args:
                    node = node.func.value
                    continue
                if func in ("os.path.join", "path.join") and node.args and not node.keywords:
                    node = node.args[0]
                    continue
                return None
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                node = node.left
                continue
            if isinstance(node, ast.Attribute) and node.attr == "parent":
                node = node.value
                continue
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
                node = node.value.value
                continue
            if isinstance(node, ast.Name):
                binding = bound_above(node.id, line)
                if binding is None:
                    return None
                line, node = binding.lineno, binding.value
                continue
            return None
        return None

    out: dict[tuple[int, int], str] = {}
    for line, column in places:
        node = calls.get((line, column))
        if node is None or not isinstance(node.func, ast.Attribute) or node.func.attr not in ("insert", "append"):
            continue
        if statement_index_at(tree.body, line) is None or any(
                isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and s.lineno <= line <= (s.end_lineno or s.lineno)
                for s in tree.body):
            continue
        args = node.args[1:] if node.func.attr == "insert" else node.args
        if len(args) != 1:
            continue
        found = root(args[0], line)
        if found is not None:
            out[(line, column)] = found
    return out


# Files and folders that mark a project's root folder (git's, packaging's, pyprojroot's `.here`).
_PROJECT_MARKERS = frozenset({".git", ".hg", "pyproject.toml", "setup.py", "setup.cfg", ".here", ".project-root"})
# Calls that wrap a path without changing the folder it names (`str(ROOT)`, `ROOT.resolve()`).
_ENTRY_WRAPPERS = frozenset({"str", "os.fspath", "os.path.abspath", "os.path.realpath", "os.path.normpath"})
_PATH_TESTS = frozenset({"is_dir", "exists", "is_file"})
_OS_PATH_TESTS = frozenset({"os.path.isdir", "os.path.exists", "os.path.isfile"})


def _found_by_walking_up(ctx: RuleContext, ca: CellAnalysis, call: CallFact) -> bool:
    """Is the `sys.path` edit's entry a name the cell binds above it by walking up from the working
    folder to the first folder holding a marker (`ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents]
    if (p / "toolkit").is_dir())`; a `while` climbing `p = p.parent` until `(p / "pyproject.toml").exists()`;
    a function of the cell doing either, called for the binding), the marker being what an import below
    the edit names (`toolkit/`, `toolkit.py`, `toolkit/__init__.py`) or a project root's own marker
    (`_PROJECT_MARKERS`)? Then the imports work from any folder of the checkout, not only from this one
    (fair check 40, items 76-100: `root-finder-sys-path`). The entry may be wrapped (`str(ROOT)`,
    `ROOT.resolve()`) or go down from the name (`ROOT / "src"`, `os.path.join(ROOT, "src")`: then the
    marker is what the imports name inside that folder, or a project marker). A fixed climb
    (`Path.cwd().parents[1]`, `".."`) or a test of one folder without a loop stays reported."""
    if call.in_function or call.method not in ("insert", "append"):
        return False
    tree = cell_python_tree(ca)
    if tree is None:
        return False
    node = next((n for n in nodes_of(tree, ast.Call) if n.lineno == call.line and n.col_offset + 1 == call.column), None)
    if node is None:
        return False
    args = node.args[1:] if call.method == "insert" else node.args
    entry = args[0] if len(args) == 1 else None
    down: list[str] = []  # the folders the entry goes down from the name (`ROOT / "src"`)
    while entry is not None and not isinstance(entry, ast.Name):
        if isinstance(entry, ast.Call) and not entry.keywords:
            func = dotted_name(entry.func)
            if func in _ENTRY_WRAPPERS and len(entry.args) == 1:
                entry = entry.args[0]
                continue
            if isinstance(entry.func, ast.Attribute) and entry.func.attr in ("resolve", "absolute", "as_posix") and not entry.args:
                entry = entry.func.value
                continue
            if func in ("os.path.join", "path.join", "join") and len(entry.args) > 1 and all(
                    isinstance(a, ast.Constant) and isinstance(a.value, str) for a in entry.args[1:]):
                down[:0] = [p for a in entry.args[1:] for p in re.split(r"[\\/]+", a.value) if p not in ("", ".")]
                entry = entry.args[0]
                continue
        if isinstance(entry, ast.BinOp) and isinstance(entry.op, ast.Div) and isinstance(entry.right, ast.Constant) \
                and isinstance(entry.right.value, str):
            down[:0] = [p for p in re.split(r"[\\/]+", entry.right.value) if p not in ("", ".")]
            entry = entry.left
            continue
        entry = None
    if entry is None or ".." in down:
        return False
    name = entry.id
    index = statement_index_at(tree.body, call.line)
    if index is None:
        return False
    functions = {s.name: s for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    finder: list[ast.AST] = []
    for statement in tree.body[:index]:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        nodes = walk_nodes(statement)
        if not any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in nodes):
            continue
        finder.extend(nodes)
        for n in nodes:
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in functions:
                finder.extend(walk_nodes(functions[n.func.id]))
    if not finder:
        return False
    # The walk: `.parents` gone over whole (not `parents[1]`), or `.parent` / `os.path.dirname` in a loop.
    subscripted = {id(n.value) for n in finder if isinstance(n, ast.Subscript)}
    loops = [n for n in finder if isinstance(n, (ast.While, ast.For))]
    in_loops = {id(m) for loop in loops for m in walk_nodes(loop)}
    walks = any(
        (isinstance(n, ast.Attribute) and n.attr == "parents" and id(n) not in subscripted)
        or (id(n) in in_loops and ((isinstance(n, ast.Attribute) and n.attr == "parent")
                                   or (isinstance(n, ast.Call) and dotted_name(n.func) in ("os.path.dirname", "path.dirname"))))
        for n in finder
    )
    if not walks and not _cwd_probed(finder, name):
        return False
    def texts(pieces: Sequence[ast.AST]) -> list[str]:
        values = [p.value for p in pieces if isinstance(p, ast.Constant) and isinstance(p.value, str)]
        return [part for v in values for part in re.split(r"[\\/]+", v) if part not in ("", ".")] if len(values) == len(pieces) else []

    markers: list[list[str]] = []  # each tested marker's parts (`p / "toolkit" / "__init__.py"`: toolkit, __init__.py)
    for n in finder:
        pieces: list[ast.AST] = []
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _PATH_TESTS and not n.args:
            tested = n.func.value
            while isinstance(tested, ast.BinOp) and isinstance(tested.op, ast.Div):
                pieces.insert(0, tested.right)
                tested = tested.left
            if not pieces and isinstance(tested, ast.Call) and isinstance(tested.func, ast.Attribute) and tested.func.attr == "joinpath":
                pieces = list(tested.args)
        elif isinstance(n, ast.Call) and dotted_name(n.func) in _OS_PATH_TESTS and len(n.args) == 1:
            joined = n.args[0]
            if isinstance(joined, ast.Call) and dotted_name(joined.func) in ("os.path.join", "path.join") and len(joined.args) > 1:
                pieces = list(joined.args[1:])
        parts = texts(pieces) if pieces else []
        if parts:
            markers.append(parts)
    if not markers:
        return False
    imported = {imp.top_level for at, imp in ctx.facts.imports
                if imp.level == 0 and imp.top_level and (at.cell.index, imp.line) > (ca.cell.index, call.line)}
    for parts in markers:
        if len(parts) == 1 and parts[0] in _PROJECT_MARKERS:
            return True
        if len(parts) > len(down) and parts[:len(down)] == down:
            inner = parts[len(down)]
            if inner in imported or (inner.endswith(".py") and inner[:-3] in imported):
                return True
    return False


def _cwd_probed(finder: Sequence[ast.AST], name: str) -> bool:
    """Is `name` first bound to the working folder (`Path.cwd()`, `os.getcwd()`, resolved or not),
    and rebound only to names or to folders below it, with no climb (`.parent`, `dirname`, `..`)?
    `NOTEBOOK_DIR = Path.cwd().resolve()`, then `if not (NOTEBOOK_DIR / "helpers.py").exists(): …
    NOTEBOOK_DIR = candidate` with `candidate = NOTEBOOK_DIR / "notebooks" / "election"`: with the
    marker test `_found_by_walking_up` asks for (the file an import below names), the entry is the
    kernel's working folder, already on the path, or the folder below it found holding the module
    (fair check 44, item 114: cwd-probed-sys-path-noop)."""
    stores = [n for n in finder if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)]
    if not stores or any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
                         and not any(n is t for st in stores for t in st.targets) for n in finder):
        return False  # (bound another way too: a loop, a `with`, an unpacking)
    if any((isinstance(n, ast.Attribute) and n.attr in ("parent", "parents"))
           or (isinstance(n, ast.Call) and dotted_name(n.func) in ("os.path.dirname", "path.dirname"))
           or (isinstance(n, ast.Constant) and isinstance(n.value, str) and ".." in re.split(r"[\\/]+", n.value)) for n in finder):
        return False
    first = stores[0].value
    while isinstance(first, ast.Call) and not first.args and isinstance(first.func, ast.Attribute) \
            and first.func.attr in ("resolve", "absolute"):
        first = first.func.value
    while isinstance(first, ast.Call) and dotted_name(first.func) in _ENTRY_WRAPPERS and len(first.args) == 1:
        first = first.args[0]
    if not (isinstance(first, ast.Call) and not first.args and dotted_name(first.func) in (
            "os.getcwd", "Path.cwd", "pathlib.Path.cwd")):
        return False
    return all(isinstance(st.value, ast.Name) for st in stores[1:])


# Calls after a `sys.path` edit that look modules up on it without an `import` statement: a dynamic
# import, or unpickling an object whose class is named by its module.
_PATH_LOOKUPS = frozenset({
    "importlib.import_module", "__import__", "pickle.load", "pickle.loads", "joblib.load", "torch.load",
    "dill.load", "dill.loads", "cloudpickle.load", "cloudpickle.loads", "pandas.read_pickle",
})


def _relative_folder_unused(ctx: RuleContext, ca: CellAnalysis, call: CallFact, entry: str) -> bool:
    """Does no import after the `sys.path` edit on `line` (adding the relative folder `entry`) need it?
    True when every import below the edit is absolute and names the standard library or a distribution
    the catalogue knows, and none of them is a module beside the notebook, of the project, or in the
    folder as found in the repository (`ProjectContext.path_entry_modules`: also without its leading
    parts, as `drive/Fast-Pytorch/Learning_Pytorch`, a clone of the repository in a mounted Drive, is
    the repository's own `Learning_Pytorch/`). Fair check 32, items 97-99 (Fast-Pytorch's Colab
    boilerplate, all of whose imports are torch, numpy, the stdlib and google.colab); fair check 13
    silenced the same shape for `..`. An edit no import follows is no different (Fast-Pytorch's
    Github2Drive: the edit, then only `!ls` and a clone), unless a later call looks a module up without
    an import (`importlib.import_module`, unpickling: `_PATH_LOOKUPS`) and the folder was not found, or
    was found with modules in it (ChatBot's `torch.load` of a checkpoint, with `Learning_Pytorch/`
    holding none, is no such lookup). Not `site.addsitedir` (its
    `.pth` files may add any folder), nor an edit whose folder was not looked at, nor a later import
    of a name the catalogue does not know (`sys.path.append("lib")`, then `import mytools`, with no
    `mytools` in the repository: the folder may be made elsewhere)."""
    from nbrefactor.audit.distributions import STDLIB, resolve
    project = ctx.project
    if project is None:
        return False
    if call.method not in ("insert", "append"):
        return False
    line = call.line

    def looked_up_later() -> bool:
        return any((later.cell.index, c.line) > (ca.cell.index, line) and c.func
                   and resolve_callee(ctx.facts, ctx.catalog, c.func) in _PATH_LOOKUPS
                   for later in ctx.cells for c in later.facts.calls)

    looked = next(((names, present) for written, names, present in project.path_entry_modules if written == entry), None)
    if looked is None:
        # A folder not looked at (`../../pyutils`: entries that climb are not): unused only when nothing
        # after the edit imports or looks a module up (fair check 39, item 67: the notebook's last line).
        return not any((at.cell.index, imp.line) > (ca.cell.index, line) for at, imp in ctx.facts.imports) and not looked_up_later()
    found, present = looked
    tops: set[str] = set()
    for at, imp in ctx.facts.imports:
        if (at.cell.index, imp.line) <= (ca.cell.index, line):
            continue
        if imp.level > 0 or not imp.top_level:
            return False
        tops.add(imp.top_level)
    if (not present or found) and looked_up_later():
        return False
    own = found | project.local_modules | project.project_modules | (project.parent_modules or frozenset())
    return not tops & own and all(
        top in STDLIB or resolve(top, ctx.catalog).source in ("override", "namespace", "pipreqs") for top in tops
    )


def _shown_path_constant(ctx: RuleContext, f: LiteralFinding) -> bool:
    """Is the literal the one argument of a `pathlib.Path(…)` bound at a cell's top level to a name
    (`DATA_PROCESSED = Path("../data/processed")`) the notebook binds nowhere else and reads only to
    show it: each read an argument of `print(…)`, straight or in an f-string's field? Building a
    `Path` touches no file, so no call depends on the working folder (fair check 43, item 108:
    path-constant-never-used-for-io; a constant also made (`.mkdir`), joined or given to a call stays
    reported, item 124). Not when a cell mentions the name where CPython's tree does not show it (a
    magic or `!` line, a string, a cell that does not parse): a read may hide there."""
    argument = f.argument
    if argument is None or f.source != "python" or argument.call.in_function or argument.arg.position != 0:
        return False
    call = argument.call
    if len(call.args) != 1 or resolve_callee(ctx.facts, ctx.catalog, call.func) != "pathlib.Path":
        return False
    tree = cell_python_tree(f.ca)
    statement = statement_at(tree, call.line) if tree is not None else None
    if not (isinstance(statement, ast.Assign) and statement in tree.body and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, ast.Call)
            and (statement.value.lineno, statement.value.col_offset + 1) == (call.line, call.column)):
        return False
    name = statement.targets[0].id
    if single_assignments(ctx).get(name) != (statement,) or ctx.facts.definers("print"):
        return False
    word = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
    loads = name_loads(ctx).get(name, ())
    if not loads:
        return False  # (a constant never read: left as it was)
    for ca in ctx.cells:
        if name not in ca.cell.source:
            continue
        cell_tree = cell_python_tree(ca)
        if cell_tree is None:
            return False
        seen = sum(1 for n in nodes_of(cell_tree, ast.Name) if n.id == name)
        if len(word.findall(ca.cell.source)) != seen:
            return False
    maps: dict[int, dict[int, ast.AST]] = {}
    for node, cell_tree, _ in loads:
        parents = maps.get(id(cell_tree))
        if parents is None:
            parents = maps[id(cell_tree)] = {id(c): n for n in ast.walk(cell_tree) for c in ast.iter_child_nodes(n)}
        child: ast.AST = node
        parent = parents.get(id(child))
        while isinstance(parent, (ast.FormattedValue, ast.JoinedStr)):
            child, parent = parent, parents.get(id(parent))
        if not (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "print"
                and any(a is child for a in parent.args)):
            return False
    return True


def _entry_undefined(ctx: RuleContext, ca: CellAnalysis, call: CallFact) -> bool:
    """Is the edit's entry a name (`sys.path.append(modulePath)`, also in `os.path.abspath(…)`) that no
    cell defines: no binding of it anywhere (an import, an assignment, a `def`, a loop target), no
    star import, no builtin of that name, no magic that may bind names (`%run`, `%store -r`, any
    `%` or `!` line naming it), and no cell that does not parse mentioning it? The edit then raises
    NameError in a fresh kernel and adds nothing: HID003 reports the undefined name, the finding
    (fair check 43, item 104)."""
    given = _entry_name(ca, call)
    if given is None:
        return False
    name = given.id
    if ctx.facts.definers(name) or ctx.facts.has_star_import or hasattr(builtins, name):
        return False
    for other in ctx.cells:
        if any(m.name in ("run", "store", "load", "load_ext") or name in m.text for m in other.magics):
            return False
        if name in other.cell.source and (other.facts.syntax_error is not None or not other.masked.is_python):
            return False
    return True


# The calls that keep a folder's name while making it absolute or joining it alone.
_FOLDER_WRAPPERS = frozenset({
    "os.path.abspath", "os.path.realpath", "os.path.normpath", "os.path.join", "abspath", "realpath", "normpath", "join",
})


def _entry_folder_literal(ca: CellAnalysis, call: CallFact, value: Optional[str]) -> Optional[str]:
    """The folder literal a `sys.path` edit adds: `value` when the entry is one, else the literal the
    entry's name is bound to by the last module-level assignment above the edit in the cell, also
    wrapped in `os.path.abspath(…)`, `os.path.join(…)` of that literal alone (`modulePath =
    os.path.abspath(os.path.join("../../CustomModules"))`)."""
    if value is not None:
        return value
    given = _entry_name(ca, call)
    tree = cell_python_tree(ca)
    if given is None or tree is None:
        return None
    found: Optional[str] = None
    for stmt in tree.body:
        if stmt.lineno >= call.line:
            break
        if any(isinstance(n, ast.Name) and n.id == given.id and isinstance(n.ctx, ast.Store) for n in ast.walk(stmt)):
            found = None
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                node = stmt.value
                while isinstance(node, ast.Call) and dotted_name(node.func) in _FOLDER_WRAPPERS and len(node.args) == 1 and not node.keywords:
                    node = node.args[0]
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    found = node.value
    return found


def _absent_folder_unused(ctx: RuleContext, ca: CellAnalysis, call: CallFact, value: Optional[str]) -> bool:
    """Does the edit add a climbing relative folder that does not exist (`ProjectContext.absent_entry_folders`),
    while no import below can come from it: every absolute import after the edit is the standard library,
    a distribution the catalogue knows, or the module an absolute `sys.path` entry of the notebook names by
    its last part (`sys.path.append("/home/mlmachine")`, then `import mlmachine`: that checkout, PTH002's
    finding), none a module of the project, no relative import, and no later call looking a module up
    without an import (`pickle.load`)? Fair check 43, item 107 (`../../CustomModules`, deleted from the
    repository, beside `/home/mlmachine` and `/home/prettierplot`). A folder that exists, or an import of
    a module nothing else names (`sys.path.append("../../../mlmachine")`, then `import mlmachine`: items
    105, 106), stays reported."""
    from nbrefactor.audit.distributions import STDLIB, resolve
    project = ctx.project
    if project is None or not project.absent_entry_folders or call.method not in ("insert", "append"):
        return False
    folder = _entry_folder_literal(ca, call, value)
    if folder is None or folder.replace("\\", "/").rstrip("/") not in {f.rstrip("/") for f in project.absent_entry_folders}:
        return False
    place = (ca.cell.index, call.line)
    edits = _sys_path_calls(ctx)
    named: set[str] = set()
    for other in ctx.cells:
        for c in other.facts.calls:
            entry = c.arg(1 if c.method == "insert" else 0) if id(c) in edits else None
            if entry is not None and entry.string and re.match(r"^(?:/|~/|[A-Za-z]:[\\/])", entry.string):
                named.add(entry.string.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1])
    own = project.local_modules | project.project_modules | (project.parent_modules or frozenset())
    for at, imp in ctx.facts.imports:
        if (at.cell.index, imp.line) <= place:
            continue
        top = imp.top_level
        if imp.level > 0 or not top or top in own:
            return False
        if not (top in STDLIB or top in named or resolve(top, ctx.catalog).source in ("override", "namespace", "pipreqs")):
            return False
    return not any((later.cell.index, c.line) > place and c.func and resolve_callee(ctx.facts, ctx.catalog, c.func) in _PATH_LOOKUPS
                   for later in ctx.cells for c in later.facts.calls)


_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
# The package folder of a Python installation in a standard prefix (an f-string's hole is `{}`):
# `/usr/local/lib/python3.10/site-packages`, `/usr/lib/python3/dist-packages`, `/opt/conda/lib/python3.11/site-packages`.
_PYTHON_PACKAGE_FOLDER = re.compile(r"^/(?:usr/(?:local/)?|opt/conda/)lib/python[^/]*/(?:site|dist)-packages/?$")


def _statement_imports(statements: Sequence[ast.stmt]) -> set[str]:
    """Top-level modules the statements import absolutely (`import lime`, `from lime import x`)."""
    tops: set[str] = set()
    for node in statements:
        if isinstance(node, ast.Import):
            tops.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops.add(node.module.split(".")[0])
    return tops


def _installed_fallback(ca: CellAnalysis, line: int, declared: frozenset[str]) -> bool:
    """The edit on `line` runs only in the import-error handler of a `try` importing a module the
    handler imports again after it, and a manifest of the project declares that module (or the
    project is its distribution): installed, the `try` succeeds and the edit never runs."""
    tree = cell_python_tree(ca)
    if tree is None:
        return False
    for node in tree_nodes(tree):
        if not isinstance(node, ast.Try):
            continue
        tried = _statement_imports(node.body)
        for handler in node.handlers:
            caught = handler.type
            names = [dotted_name(t).rpartition(".")[2] for t in (caught.elts if isinstance(caught, ast.Tuple) else [caught])] if caught else []
            if caught is not None and not any(n in _IMPORT_ERRORS for n in names):
                continue
            body = handler.body
            if not body or not body[0].lineno <= line <= (body[-1].end_lineno or body[-1].lineno):
                continue
            again = _statement_imports([s for s in body if s.lineno > line])
            if any(normalise_distribution(m) in declared for m in tried & again):
                return True
    return False


def _sys_path_calls(ctx: RuleContext) -> frozenset[int]:
    """The ids of the notebook's calls that edit `sys.path` (`_SYS_PATH_CALLS`, the callee resolved
    through the imports); found once per notebook: PTH005 and its literal entries each resolved every
    call's callee (the facts hold the calls, so an id stays theirs while the context lives)."""
    return ctx.shared("paths.sys_path_calls", lambda: frozenset(
        id(call) for ca in ctx.cells for call in ca.facts.calls
        if resolve_callee(ctx.facts, ctx.catalog, call.func) in _SYS_PATH_CALLS
    ))


def _sys_path_entries(ctx: RuleContext) -> dict[tuple[int, int, int], list[tuple[Cell, CallFact]]]:
    """The `sys.path` edits whose entry is a string literal (`sys.path.append("/Users/a/slim")`), by
    the literal's (cell, line, column). Not a hosted runtime's folder (`/content/stylegan2`): a
    clone there is Colab's layout, and the edit stays a PTH005 of its own."""
    def compute() -> dict[tuple[int, int, int], list[tuple[Cell, CallFact]]]:
        out: dict[tuple[int, int, int], list[tuple[Cell, CallFact]]] = {}
        hosted = path_settings(ctx.catalog).hosted_roots
        edits = _sys_path_calls(ctx)
        for ca in ctx.cells:
            for call in ca.facts.calls:
                if id(call) not in edits:
                    continue
                entry = call.arg(1 if call.method == "insert" else 0)
                if entry is None:
                    continue
                value, line = entry.string, entry.line
                if value is None:
                    # `p = "/home/alice/x/helpers.py"`, then `sys.path.append(os.path.abspath(p))`: the
                    # name's literal bound above in the cell is the entry (fair check 16, item 98).
                    bound = _entry_name_literal(ca, call)
                    if bound is None:
                        continue
                    value, line = bound
                literal = next((f for f in literal_findings(ctx) if f.ca is ca and f.line == line
                                and f.value == value and f.source == "python"), None)
                if literal is not None and not any(p.match(_normal_path(literal.value)) for p in hosted):
                    out.setdefault((ca.cell.index, literal.line, literal.column), []).append((ca.cell, call))
        return out
    return ctx.shared("sys_path_entries", compute)


_ABSOLUTE_CALLS = frozenset({"os.path.abspath", "os.path.realpath", "os.path.normpath", "path.abspath", "path.realpath"})


def _entry_name_literal(ca: CellAnalysis, call: CallFact) -> Optional[tuple[str, int]]:
    """(value, line) of the string literal a `sys.path` edit's entry names through a name bound to it
    above in the cell, also wrapped in `os.path.abspath(…)`/`realpath(…)`; None otherwise."""
    bound = _entry_bound_literal(ca, call)
    return (bound[0], bound[1]) if bound is not None else None


def _entry_bound_literal(ca: CellAnalysis, call: CallFact) -> Optional[tuple[str, int, int]]:
    """(value, line, column) of the literal `_entry_name_literal` finds; None otherwise."""
    given = _entry_name(ca, call)
    return _bound_above_in_cell(ca, given.id, call.line) if given is not None else None


def _entry_name(ca: CellAnalysis, call: CallFact) -> Optional[ast.Name]:
    """The name a top-level `sys.path` edit's entry is (`sys.path.append(LIB)`), also wrapped in
    `os.path.abspath(…)`/`realpath(…)`; None for any other entry."""
    tree = cell_python_tree(ca)
    if tree is None or call.in_function:
        return None
    node = next((n for n in nodes_of(tree, ast.Call) if n.lineno == call.line and n.col_offset + 1 == call.column), None)
    if node is None:
        return None
    args = node.args[1:] if call.method == "insert" else node.args
    given = args[0] if args else None
    if isinstance(given, ast.Call) and dotted_name(given.func) in _ABSOLUTE_CALLS and len(given.args) == 1:
        given = given.args[0]
    return given if isinstance(given, ast.Name) else None


def _user_path_edits(ctx: RuleContext) -> frozenset[tuple[int, int, int]]:
    """(cell, line, column) of the `sys.path` edits whose entry literal PTH002 reports (as its
    finding or a related place): that finding carries the edit."""
    def compute() -> frozenset[tuple[int, int, int]]:
        entries = _sys_path_entries(ctx)
        if not entries:
            return frozenset()
        places = set()
        for hit in UserSpecificPath().check(ctx):
            if hit.cell is not None:
                places.add((hit.cell.index, hit.line, hit.column))
            places.update((c.index, line, column) for c, line, column in hit.related if c is not None)
        return frozenset((cell.index, call.line, call.column) for at, edits in entries.items() if at in places for cell, call in edits)
    return ctx.shared("user_path_edits", compute)


def _reported_path_entries(ctx: RuleContext) -> frozenset[tuple[int, int, int]]:
    """(cell, line, column) of the string literals that are the entry of a `sys.path` edit PTH005
    reports: given straight (`sys.path.append("/opt/team/libs")`), or bound above in the cell to a
    name read nowhere else (`LIB = "/opt/team/libs"`, then `sys.path.append(LIB)`; PTH005 names the
    binding as related): the edit's finding is theirs. A name read elsewhere too (`os.listdir(LIB)`,
    `!ls $LIB`) keeps its literal's PTH001: the folder is used for more than imports. Not a literal
    an edit PTH005 leaves (a personal checkout, PTH002's; a clone's folder, PTH007's)."""
    def compute() -> frozenset[tuple[int, int, int]]:
        entries = _sys_path_entries(ctx)
        if not entries:
            return frozenset()
        reported = {(hit.cell.index, hit.line, hit.column) for hit in SysPathEdit().check(ctx) if hit.cell is not None}
        analysed = ctx.analysis_at
        found: set[tuple[int, int, int]] = set()
        for at, edits in entries.items():
            names: dict[str, set[tuple[int, int, int]]] = {}  # a name bound to the literal -> its reads as an entry
            straight = False
            for cell, call in edits:
                if (cell.index, call.line, call.column) not in reported:
                    continue
                entry = call.arg(1 if call.method == "insert" else 0)
                if entry is not None and entry.string is not None:
                    straight = straight or entry.line == at[1]
                    continue
                given = _entry_name(analysed[cell.index], call)
                if given is not None:
                    names.setdefault(given.id, set()).add((cell.index, given.lineno, given.col_offset))
            if straight or (names and all(_read_only_as(ctx, name, reads) for name, reads in names.items())):
                found.add(at)
        return frozenset(found)
    return ctx.shared("paths.reported_path_entries", compute)


def _read_only_as(ctx: RuleContext, name: str, reads: set[tuple[int, int, int]]) -> bool:
    """Every read of `name` in the notebook's Python is one of `reads` ((cell, line, 0-based column)),
    and no magic or shell line names it (`!ls $LIB`, `%cd {LIB}`: IPython expands those)."""
    if not all((cell, n.lineno, n.col_offset) in reads for n, _, cell in name_loads(ctx).get(name, ())):
        return False
    expanded = re.compile(r"\$\{?" + re.escape(name) + r"\b|\{[^{}]*\b" + re.escape(name) + r"\b[^{}]*\}")
    return not any(
        expanded.search(m.text) for ca in ctx.cells for m in ca.magics
    ) and not any(expanded.search(ca.cell.source) for ca in ctx.cells if not ca.masked.is_python)


def _helper_path_edit(ctx: RuleContext, call: CallFact) -> Optional[str]:
    """`module: edit` (the `sys.path` edit as written) when this call calls a function of a module
    beside the notebook that edits the path (`fix_pythonpath_if_working_locally()` imported from
    `utils`), else None."""
    editors = ctx.project.path_editors if ctx.project is not None else ()
    if not editors or not call.func or call.func.split(".")[0] not in ctx.facts.aliases:
        return None
    qualified = ctx.facts.resolve(call.func).split(".")
    if len(qualified) < 2:
        return None
    return next((f"{module}: {shown}" for module, functions, shown in editors
                 if qualified[0] == module and qualified[-1] in functions), None)


_WORKING_FOLDER_CALL = re.compile(r"^(?:os\.getcwd\(\s*\)|(?:pathlib\.)?Path\.cwd\(\s*\)|os\.curdir)\s*[,)]")


def _adds_parent_folder(ca: CellAnalysis, call: CallFact) -> bool:
    """`sys.path.insert(0, "..")`, `sys.path.append("../")`: the notebook's parent folder, as a literal,
    also wrapped in calls that keep the folder it names (`str(Path(".."))`, `os.path.abspath("..")`,
    `Path("..").resolve()`; fair check 40, item 81)."""
    entry = call.arg(1 if call.method == "insert" else 0)
    if entry is None:
        return False
    if entry.string is not None:
        return _normal_path(entry.string) == ".."
    tree = cell_python_tree(ca)
    node = next((n for n in nodes_of(tree, ast.Call) if n.lineno == call.line and n.col_offset + 1 == call.column), None) \
        if tree is not None else None
    args = (node.args[1:] if call.method == "insert" else node.args) if node is not None else []
    given = args[0] if len(args) == 1 else None
    while isinstance(given, ast.Call) and not given.keywords:
        func = dotted_name(given.func)
        if func in _ENTRY_WRAPPERS or func in ("Path", "pathlib.Path", "PurePath", "pathlib.PurePath"):
            given = given.args[0] if len(given.args) == 1 else None
        elif isinstance(given.func, ast.Attribute) and given.func.attr in ("resolve", "absolute", "as_posix") and not given.args:
            given = given.func.value
        else:
            given = None
    return isinstance(given, ast.Constant) and isinstance(given.value, str) and _normal_path(given.value) == ".."


def _adds_working_folder(ca: CellAnalysis, call: CallFact) -> bool:
    """`sys.path.insert(0, '.')`, `sys.path.append('')`, `sys.path.append(os.getcwd())`."""
    entry = call.arg(1 if call.method == "insert" else 0)
    if entry is None:
        return False
    if entry.string is not None:
        return entry.string.strip() in ("", ".", "./")
    lines = ca.lines
    text = lines[entry.line - 1][entry.column - 1:] if 0 < entry.line <= len(lines) and entry.column > 0 else ""
    return bool(_WORKING_FOLDER_CALL.match(text))


_PARAMETER_TAGS = frozenset({"parameters", "pipeline-parameters"})


def _parameters_setting(ctx: RuleContext, f: LiteralFinding) -> bool:
    """Is the literal part of a name's value set at the top level of a cell tagged `parameters`
    (papermill) or `pipeline-parameters` (Kale), built only with path constructors
    (`OUTPUT_DIR = Path("chapter/output")`, `os.path.join("data", "raw")`, `str(Path(...))`)? The
    runner sets such a name per run, as it sets a plain string constant there, which the constants
    already skip; the `Path(...)` wrapper made the literal a call's argument (fair check 18:
    parameters-cell-path-call). A read or write in that cell (`pd.read_csv("x.csv")`) stays reported."""
    if f.source != "python" or not any(t.strip().lower() in _PARAMETER_TAGS for t in f.ca.cell.tags):
        return False
    statement = statement_at(cell_python_tree(f.ca), f.line)
    if isinstance(statement, ast.Assign):
        targets, value = statement.targets, statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        targets, value = [statement.target], statement.value
    else:
        return False
    if not all(isinstance(t, ast.Name) for t in targets):
        return False
    wrappers = _JOIN_CALLS | _PATH_WRAPPERS
    return all(
        resolve_callee(ctx.facts, ctx.catalog, dotted_name(c.func)) in wrappers or dotted_name(c.func) in wrappers
        for c in ast.walk(value) if isinstance(c, ast.Call)
    )


def _loop_literals(ctx: RuleContext, ca: CellAnalysis, node: ast.AST) -> Optional[tuple[str, ...]]:
    """The string literals a top-level `for` loop of the cell goes over, when the path `node` sits in
    its body and reads its target: a literal list or tuple (`for name in ["train", "test"]:`), or a
    name bound once to one (`filename_list = ["a", "b"]`, then `for filename in filename_list:`);
    None otherwise, or when the path reads another name the audit does not know."""
    tree = cell_python_tree(ca)
    line = getattr(node, "lineno", 0)
    if tree is None or not line:
        return None
    for loop in tree.body:
        if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and loop.lineno < line <= (loop.end_lineno or 0)):
            continue
        values = loop.iter
        if isinstance(values, ast.Name):
            bound = index_single_assignments(ctx.facts).get(values.id, ())
            values = bound[0].value if len(bound) == 1 else None
        if not isinstance(values, (ast.List, ast.Tuple)) or not values.elts or not all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in values.elts):
            return None
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        if loop.target.id not in names or names - {loop.target.id} - set(string_constants(ctx.facts)):
            return None
        return tuple(e.value for e in values.elts)[:6]
    return None


def _cell_of(ctx: RuleContext, pa: PathArgument) -> int:
    for ca in ctx.cells:
        if any(c is pa.call for c in ca.facts.calls):
            return ca.cell.index
    return 0


# --- string constants through variables -----------------------------------------------------------


@dataclass(frozen=True)
class Constant:
    """A name bound to a string constant, and where."""

    name: str
    value: str
    ca: CellAnalysis
    line: int
    column: int  # 1-based, the literal's
    # The constant this one is built from (`IMAGES = os.path.join(ROOT, "images")`: ROOT), itself
    # a root: the uses of both are one root cause, fixed at the root's literal.
    root: Optional["Constant"] = None


def string_constants(facts: NotebookFacts) -> dict[str, Constant]:
    """Notebook globals bound to a string literal at module level, each bound once in the whole
    notebook (a name rebound anywhere, or to something else, has no single value): `trn =
    "input/trn.txt"`, `PATH = "data/"`. Pure string concatenations of such names count too.
    Computed once per notebook (five rules ask; a fresh dict each time, the constants are frozen)."""
    if _LAST_CONSTANTS and _LAST_CONSTANTS[0][0] is facts:
        return dict(_LAST_CONSTANTS[0][1])
    found = _string_constants(facts)
    _LAST_CONSTANTS[:] = [(facts, found)]  # holds the facts: identity cannot match a newer one by a reused id
    return dict(found)


_LAST_CONSTANTS: list[tuple[NotebookFacts, dict[str, "Constant"]]] = []


def _string_constants(facts: NotebookFacts) -> dict[str, Constant]:
    found: dict[str, Constant] = {}
    rebound: set[str] = set()
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                name = stmt.targets[0].id
                value = _evaluate(stmt.value, found)
                if name in found or name in rebound or value is None:
                    found.pop(name, None)
                    rebound.add(name)
                    continue
                literal = next((n for n in ast.walk(stmt.value) if isinstance(n, ast.Constant) and isinstance(n.value, str)), None)
                if literal is None:
                    rebound.add(name)
                    continue
                base = _uses_constant(stmt.value, found)
                root = (base.root or base) if base is not None else None
                if root is not None and _opens_with_literal(stmt.value):
                    # `OUTPUT_DIR = f"model_outputs_v{VERSION}"`: the folder starts at its own
                    # literal; a version tag filling a later hole is no root of it (fair check 13).
                    root = None
                found[name] = Constant(name, value, ca, literal.lineno, literal.col_offset + 1, root)
    # Names bound again in any other way (a loop, a function's global, an augmented assignment).
    for ca in facts.cells:
        counts: dict[str, int] = {}
        for d in ca.facts.defined:
            counts[d.name] = counts.get(d.name, 0) + 1
        for name, n in counts.items():
            c = found.get(name)
            if c is not None and (c.ca is not ca or n > 1):
                found.pop(name)
    found.update(_settings_constants(facts, found))
    return found


def _opens_with_literal(node: ast.AST) -> bool:
    """Does the string expression start with a literal piece (`f"model_outputs_v{VERSION}"`,
    `"runs/" + NAME`), not with a name (`f"{ROOT}/x"`, `os.path.join(ROOT, "x")`)?"""
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        node = node.left
    if isinstance(node, ast.JoinedStr):
        node = node.values[0] if node.values else node
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(node.value)


# Calls that make a settings object whose keyword arguments are read back as attributes
# (`args = Namespace(save_dir="model_storage/ch3")`, then `args.save_dir`) or, for `dict`, items.
_SETTINGS_CALLS = frozenset({"argparse.Namespace", "types.SimpleNamespace", "dict"})
# Methods that change a dict (or a namespace's `__dict__`) in place: after one, no key is known.
_MUTATING_METHODS = frozenset({"update", "pop", "popitem", "setdefault", "clear", "__setitem__", "__delitem__"})


def settings_key(node: ast.AST) -> Optional[str]:
    """How a read of one setting is named among the constants: `args.save_dir` for an attribute of
    a name, `config["data_dir"]` for a string item of a name; None for anything else."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    if (
        isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
        and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)
    ):
        return f'{node.value.id}["{node.slice.value}"]'
    return None


def _settings_constants(facts: NotebookFacts, strings: Mapping[str, Constant]) -> dict[str, Constant]:
    """The string settings of a settings object bound once at module level, the way a string
    constant is: `args = Namespace(surname_csv="data/surnames.csv", save_dir="model_storage/ch7")`
    gives `args.surname_csv` and `args.save_dir`; `config = {"data_dir": "data"}` gives
    `config["data_dir"]`. A setting assigned anywhere (`args.vectorizer_file = os.path.join(…)`,
    `config["data_dir"] = …`, in a function too) has no single value and is left out; so is every
    setting of an object changed wholesale (`config.update(…)`, `setattr(args, …)`, `vars(args)`,
    an item assigned by a computed key). The constant's literal is the keyword's (or item's) value:
    where a user edits the path."""
    candidates: dict[str, list[tuple[str, ast.AST, CellAnalysis]]] = {}
    bound: dict[str, int] = {}
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for stmt in tree.body:
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
                continue
            name, value = stmt.targets[0].id, stmt.value
            settings: list[tuple[str, ast.AST, CellAnalysis]] = []
            if isinstance(value, ast.Call) and not value.args and facts.resolve(dotted_name(value.func)) in _SETTINGS_CALLS:
                if any(k.arg is None for k in value.keywords):
                    continue  # `Namespace(**defaults)`: settings the audit cannot see
                dict_call = facts.resolve(dotted_name(value.func)) == "dict"
                settings = [
                    (f'{name}["{k.arg}"]' if dict_call else f"{name}.{k.arg}", k.value, ca) for k in value.keywords if k.arg
                ]
            elif isinstance(value, ast.Dict) and value.keys and all(
                isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys
            ):
                settings = [(f'{name}["{k.value}"]', v, ca) for k, v in zip(value.keys, value.values)]  # type: ignore[union-attr]
            if settings:
                candidates[name] = settings
    if not candidates:
        return {}
    # Bound once: no other module-level binding of the name, in any cell.
    for ca in facts.cells:
        for d in ca.facts.defined:
            bound[d.name] = bound.get(d.name, 0) + 1
    candidates = {name: s for name, s in candidates.items() if bound.get(name, 0) == 1 and name not in strings}
    if not candidates:
        return {}
    changed: set[str] = set()  # setting keys assigned or deleted somewhere
    wholesale: set[str] = set()  # objects changed in a way that leaves no key known
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        if tree is not None:
            cell_changed, cell_wholesale = _settings_changes(tree, candidates)
            changed |= cell_changed
            wholesale |= cell_wholesale
    found: dict[str, Constant] = {}
    for name, settings in candidates.items():
        if name in wholesale:
            continue
        for key, value_node, ca in settings:
            if key in changed:
                continue
            value = _evaluate(value_node, strings)
            literal = next((n for n in ast.walk(value_node) if isinstance(n, ast.Constant) and isinstance(n.value, str)), None)
            if value is None or literal is None:
                continue
            base = _uses_constant(value_node, strings)
            root = (base.root or base) if base is not None else None
            found[key] = Constant(key, value, ca, literal.lineno, literal.col_offset + 1, root)
    return found



def _settings_changes(tree: ast.AST, candidates: Collection[str]) -> tuple[set[str], set[str]]:
    """The setting keys of `candidates` (settings objects by name) the cell assigns or deletes
    (`args.save_dir = …`, `del config["data"]`), and the objects it changes wholesale
    (`config.update(…)`, `setattr(args, …)`, `vars(args)`, `args.__dict__`, an item by a computed key)."""
    changed: set[str] = set()
    wholesale: set[str] = set()
    # (into sets: the three classes are read one after another from `nodes_of`, not sorted
    # out of every node of the cell)
    for node in (*nodes_of(tree, ast.Attribute), *nodes_of(tree, ast.Subscript)):
        if isinstance(node.value, ast.Name) and node.value.id in candidates:
            if isinstance(node, ast.Attribute) and node.attr == "__dict__":
                wholesale.add(node.value.id)
            elif isinstance(node.ctx, (ast.Store, ast.Del)):
                key = settings_key(node)
                if key is None:
                    wholesale.add(node.value.id)
                else:
                    changed.add(key)
    for node in nodes_of(tree, ast.Call):
        func = node.func
        if (
            isinstance(func, ast.Attribute) and func.attr in _MUTATING_METHODS
            and isinstance(func.value, ast.Name) and func.value.id in candidates
        ):
            wholesale.add(func.value.id)
        elif (
            isinstance(func, ast.Name) and func.id in ("setattr", "delattr", "vars") and node.args
            and isinstance(node.args[0], ast.Name) and node.args[0].id in candidates
        ):
            wholesale.add(node.args[0].id)
    return changed, wholesale


def _evaluate(node: ast.AST, constants: Mapping[str, Constant]) -> Optional[str]:
    """The string an expression of literals and string constants spells, or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id].value
    if isinstance(node, (ast.Attribute, ast.Subscript)):
        key = settings_key(node)  # `args.save_dir`, `config["data_dir"]`: a settings object's string
        return constants[key].value if key is not None and key in constants else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _evaluate(node.left, constants), _evaluate(node.right, constants)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        # `'%s/training_set.csv' % PATH` (fair check 15: 52 reads in 13 RAPIDS notebooks).
        return _percent_formatted(node, lambda n: _evaluate(n, constants))
    if _str_format_call(node):
        # `'{}/train.csv'.format(ROOT)`: the same path as `f"{ROOT}/train.csv"`.
        return _str_formatted(node, lambda n: _evaluate(n, constants))  # type: ignore[arg-type]
    if isinstance(node, ast.JoinedStr):
        parts = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                if part.format_spec is not None or part.conversion not in (-1,):
                    return None
                value = _evaluate(part.value, constants)
            else:
                value = _evaluate(part, constants)
            if value is None:
                return None
            parts.append(value)
        return "".join(parts)
    if isinstance(node, ast.Call) and not node.keywords and node.args:
        func = node.func
        dotted = ""
        while isinstance(func, ast.Attribute):
            dotted = "." + func.attr + dotted
            func = func.value
        if isinstance(func, ast.Name):
            dotted = func.id + dotted
        if dotted in {"os.path.join", "path.join", "join", "Path", "pathlib.Path", "PurePath"}:
            parts = [_evaluate(a, constants) for a in node.args]
            if any(p is None for p in parts):
                return None
            return "/".join(p.rstrip("/") for p in parts[:-1]) + ("/" if len(parts) > 1 else "") + parts[-1] if len(parts) > 1 else parts[0]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left, right = _evaluate(node.left, constants), _evaluate(node.right, constants)
        return None if left is None or right is None else left.rstrip("/") + "/" + right
    return None


# `%s` holes only (and `%%`): a string put into a path. Any other conversion (`%d`, `%05.2f`, `%(key)s`)
# spells a number or needs a mapping, and is not followed.
_PERCENT_HOLE = re.compile(r"%(.)", re.DOTALL)


def _percent_formatted(node: ast.BinOp, evaluate: Callable[[ast.AST], Optional[str]]) -> Optional[str]:
    """The string `'%s/x.csv' % ROOT` (or `'%s/%s' % (ROOT, name)`) spells when the template is a
    literal with only `%s` holes and every value is a known string, else None."""
    if not (isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)):
        return None
    template = node.left.value
    holes = _PERCENT_HOLE.findall(template)
    if any(h not in ("s", "%") for h in holes):
        return None
    values = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
    if sum(h == "s" for h in holes) != len(values) or any(isinstance(v, ast.Starred) for v in values):
        return None
    pieces = [evaluate(v) for v in values]
    if any(p is None for p in pieces):
        return None
    filled = iter(pieces)
    return _PERCENT_HOLE.sub(lambda m: "%" if m.group(1) == "%" else next(filled), template)  # type: ignore[arg-type,return-value]


def _str_format_call(node: ast.AST) -> bool:
    """`'{}/x.csv'.format(…)`: `str.format` called on a string literal, positional arguments only."""
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)
        and bool(node.args) and not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args)
    )


def _str_formatted(node: ast.Call, evaluate: Callable[[ast.AST], Optional[str]]) -> Optional[str]:
    """The string `'{}/x.csv'.format(ROOT)` spells when every argument is a known string and the
    template has plain holes only (`{}`, `{0}`: a format spec or a field name gives None)."""
    template = node.func.value.value  # type: ignore[attr-defined]  # checked by _str_format_call

    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return None
    if any(field is not None and (field not in ("",) and not field.isdigit() or spec or conversion)
           for _, field, spec, conversion in fields):
        return None
    pieces = [evaluate(a) for a in node.args]
    if any(p is None for p in pieces):
        return None
    try:
        return template.format(*pieces)
    except (IndexError, KeyError, ValueError):
        return None


def _formatted(ctx: RuleContext, f: LiteralFinding) -> Optional[tuple[str, Optional[str]]]:
    """For an f-string literal (its holes shown as `{}`): the f-string as written, and the path it
    spells when every hole holds a string known where the f-string runs, else None for the path.
    A hole's name takes the value of its last module-level binding above the f-string, in notebook
    order (`model_checkpoint = "gpt2"`, `model_name = model_checkpoint.split("/")[-1]`): the
    notebook run top to bottom sees that value there, even if the name is bound again further down."""
    if f.source != "python" or "{}" not in f.value:
        return None
    tree = cell_python_tree(f.ca)
    if tree is None:
        return None
    for node in tree_nodes(tree):
        if isinstance(node, ast.JoinedStr) and node.lineno == f.line and node.col_offset + 1 == f.column:
            written = ast.get_source_segment(f.ca.masked.python, node)
            if not written or "\n" in written:
                return None
            return written, _value_at(ctx, node, f.ca.cell.index, f.line, depth=0)
    return None


def _value_at(ctx: RuleContext, node: ast.AST, cell: int, line: int, depth: int, *, from_cwd: bool = False, nested: bool = False) -> Optional[str]:
    """The string `node` evaluates to when run at (cell, line) of a top-to-bottom run, or None.
    With `from_cwd` (`_cwd_rest`), path building is followed too: `/` between paths, a join
    (`os.path.join`), a path wrapper (`Path(…)`, `os.path.abspath(…)`, `str(…)`), and a call that
    gives the working directory, spelled `_CWD`; a piece of a split string is not (the last
    piece of `os.getcwd().split("/")` is the folder's name, not a path below it). With `nested`, a
    name bound in the body of a top-level loop, `if`, `with` or `try` is followed too, as
    `_leading_piece` follows it."""
    if depth > 8:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        bound = _last_binding(ctx, node.id, cell, line, nested=nested)
        return None if bound is None else _value_at(ctx, bound[0], bound[1], bound[2], depth + 1, from_cwd=from_cwd, nested=nested)
    if isinstance(node, ast.BinOp) and (isinstance(node.op, ast.Add) or (from_cwd and isinstance(node.op, ast.Div))):
        left = _value_at(ctx, node.left, cell, line, depth + 1, from_cwd=from_cwd, nested=nested)
        right = _value_at(ctx, node.right, cell, line, depth + 1, from_cwd=from_cwd, nested=nested)
        if left is None or right is None:
            return None
        return left + right if isinstance(node.op, ast.Add) else left + "/" + right
    if isinstance(node, ast.JoinedStr):
        parts = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                if part.format_spec is not None or part.conversion != -1:
                    return None
                part = part.value
            value = _value_at(ctx, part, cell, line, depth + 1, from_cwd=from_cwd, nested=nested)
            if value is None:
                return None
            parts.append(value)
        return "".join(parts)
    if from_cwd:
        if isinstance(node, ast.Call) and not node.keywords:
            dotted = dotted_name(node.func)
            if dotted in _CWD_CALLS and not node.args:
                return _CWD
            if (dotted in _JOIN_CALLS or dotted in _PATH_WRAPPERS) and node.args:
                if dotted in _PATH_WRAPPERS and dotted not in ("Path", "pathlib.Path") and len(node.args) > 1:
                    return None
                pieces = [_value_at(ctx, a, cell, line, depth + 1, from_cwd=True, nested=nested) for a in node.args]
                if any(p is None for p in pieces):
                    return None
                return "/".join(pieces)  # type: ignore[arg-type]
        return None
    # `checkpoint.split("/")[-1]`: the last (or first) piece of a split string.
    if (
        isinstance(node, ast.Subscript) and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "split"
        and len(node.value.args) == 1 and not node.value.keywords
        and isinstance(node.slice, (ast.Constant, ast.UnaryOp))
    ):
        index = ast.literal_eval(node.slice) if isinstance(node.slice, (ast.Constant, ast.UnaryOp)) else None
        sep = node.value.args[0]
        whole = _value_at(ctx, node.value.func.value, cell, line, depth + 1, nested=nested)
        if whole is None or not isinstance(index, int) or not (isinstance(sep, ast.Constant) and isinstance(sep.value, str) and sep.value):
            return None
        pieces = whole.split(sep.value)
        return pieces[index] if -len(pieces) <= index < len(pieces) else None
    return None


def _last_binding(ctx: RuleContext, name: str, cell: int, line: int, nested: bool = False) -> Optional[tuple[ast.AST, int, int]]:
    """(value, cell, line) of the last module-level binding of `name` before (cell, line) when it
    is a plain `name = value` at the top of its cell (with `nested`, also in the body of a loop,
    `if`, `with` or `try` there: `for k in …: p = f"./guide_{k}.txt"`); None when it is bound
    otherwise or not at all. A binding in a branch that runs only on Colab or Kaggle (`if not
    ON_KAGGLE: path = "data/train.csv"` / `else: path = f"/kaggle/input/{c}/train.csv"`) is passed
    over for a use outside such a branch: a local run keeps the other one (fair check 37, items
    94-100, the judges' note: the local read was lost behind the Kaggle binding below it)."""
    last: Optional[tuple[CellAnalysis, int]] = None
    reader = ctx.analysis_at.get(cell)
    local_use = reader is None or not if_branch(reader, line)
    for ca in ctx.cells:
        if ca.cell.index > cell:
            break
        for d in ca.facts.defined:
            if d.name == name and (ca.cell.index < cell or d.line < line) and not (local_use and if_branch(ca, d.line)):
                if last is None or (last[0].cell.index, last[1]) <= (ca.cell.index, d.line):
                    last = (ca, d.line)
    if last is None:
        return None
    ca, at = last
    tree = cell_python_tree(ca)
    if tree is None:
        return None
    for stmt in (_module_statements(tree.body) if nested else tree.body):
        if (
            isinstance(stmt, ast.Assign) and stmt.lineno == at and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == name
        ):
            return stmt.value, ca.cell.index, at
    return None


def _module_statements(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a cell that run at module level: its top ones and those in the bodies of
    its loops, `if`, `with` and `try` blocks (not in function or class bodies)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith)):
            yield from _module_statements([*stmt.body, *getattr(stmt, "orelse", [])])
        elif isinstance(stmt, ast.Try):
            yield from _module_statements([*stmt.body, *(s for h in stmt.handlers for s in h.body), *stmt.orelse, *stmt.finalbody])


def _uses_constant(node: ast.AST, constants: Mapping[str, Constant]) -> Optional[Constant]:
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and n.id in constants:
            return constants[n.id]
        if isinstance(n, (ast.Attribute, ast.Subscript)):
            key = settings_key(n)
            if key is not None and key in constants:
                return constants[key]
    return None


def _call_argument_nodes(tree: ast.AST) -> dict[tuple[int, int], ast.AST]:
    """Every call argument's expression by its (line, 1-based column): where a `PathArgument`
    (positions from the facts) points in the cell's CPython tree."""
    nodes: dict[tuple[int, int], ast.AST] = {}
    for call in tree_nodes(tree):
        if isinstance(call, ast.Call):
            for a in call.args:
                nodes[(a.lineno, a.col_offset + 1)] = a
            for k in call.keywords:
                nodes[(k.lineno, k.col_offset + 1)] = k.value
    return nodes


def propagated_paths(ctx: RuleContext, rebound: bool = False) -> list[tuple[Constant, str, PathArgument]]:
    """(constant, the path it builds, the path argument) for every path argument that is not a
    literal itself but is built from string constants: `open(trn)`, `pd.read_csv(path + "x.csv")`,
    `f"{ROOT}/x.csv"`, `os.path.join(DATA, "x.csv")`. With `rebound`, also a bare name bound to
    several strings, at the binding that reaches the call (PTH003 follows those its own way)."""
    constants = string_constants(ctx.facts)
    if not constants and not rebound and not ctx.shared("module_string_lists", lambda: _module_string_lists(ctx)):
        return []
    out: list[tuple[Constant, str, PathArgument]] = []
    for ca in ctx.cells:
        # Not literals themselves, or f-strings opening with a hole (`f"{ROOT}/x.csv"`), which the
        # literal check cannot judge (its root is unknown there).
        arguments = [
            pa for pa in path_arguments(ctx.facts, ctx.catalog, ca)
            if pa.literal is None or (pa.literal.formatted and pa.literal.value.startswith("{"))
        ]
        if not arguments:
            continue
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        nodes = _call_argument_nodes(tree)
        in_functions = {
            n for d in tree_nodes(tree) if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
            for n in range(d.lineno, (d.end_lineno or d.lineno) + 1)
        }
        parameters = _parameters_by_line(tree)
        if parameters:
            # Unless the notebook also reads the constant where no parameter hides it (`f(out_path)`,
            # `arguments={"out_path": out_path}`): then the value may well reach the parameter. A
            # pipeline component's `OutputPath(str)`/`InputPath(...)` parameter is the exception:
            # KFP supplies that path itself, whatever the notebook passes around.
            # A function's parameter is fed the constant only by a call of that function passing the
            # name to it (`get_txt_lines(data_dir)`); read elsewhere (`DATA_PATH + fn`) it reaches no
            # parameter (fair check 15, item 133). A lambda's calls are not named: any read counts.
            read = ctx.shared("unshadowed_reads", lambda: _unshadowed_reads(ctx))
            fed = ctx.shared("fed_parameters", lambda: _fed_parameters(ctx))
            supplied = _artifact_parameters_by_line(tree)
            parameters = {
                line: (names - fed) | supplied.get(line, frozenset())
                for line, names in _parameters_by_line(tree, fed_only=read).items()
            }
        # A name the function binds itself (`for … , pickle_file in enumerate(files):`) hides the
        # constant as a parameter does, whatever a caller passes (fair check 36, items 96, 106).
        local = _locals_by_line(tree)
        for pa in arguments:
            node = nodes.get((pa.arg.line, pa.arg.column))
            if node is None:
                continue
            # `def load(..., out_path): os.makedirs(out_path)` beside a module-level `out_path = "load"`:
            # the parameter shadows the constant, so the call uses whatever the caller passes.
            shadowed = parameters.get(pa.arg.line, frozenset()) | local.get(pa.arg.line, frozenset())
            visible = {k: c for k, c in constants.items() if _object_name(k) not in shadowed} if shadowed else constants
            constant = _uses_constant(node, visible)
            value = _evaluate(node, visible)
            if (
                value is None and constant is not None and pa.arg.line not in in_functions
                and constant.value.lower().startswith(("http://", "https://", "ftp://"))
            ):
                # `"%s/ce10/bigZips/%s" % (ucsc_site, fn)` with `fn` bound to another file name in
                # an earlier cell: a URL constant's download is certain, and a top-to-bottom run
                # gives each other piece the string its last binding above the call holds.
                value = _evaluate(node, {**visible, **_rebound_pieces(ctx, node, visible, ca.cell.index, pa.arg.line)})
            if constant is None and isinstance(node, ast.Name) and node.id in shadowed:
                # `def plot(…, output_path='./song_TSNE.png'): … fig.savefig(output_path)` called
                # without `output_path` (fair check 15): the default literal is the path written.
                default = _default_used(ctx, tree, node.id, pa.arg.line)
                if default is not None:
                    constant = Constant(node.id, default.value, ca, default.lineno, default.col_offset + 1)
                    value = default.value
            if rebound and constant is None and isinstance(node, ast.Name) and pa.arg.line not in in_functions:
                # `dst = "_image.nii.gz"` … `download_url(url, dst)`, then `dst = "model.ts"` …: a
                # name bound to several strings holds, where a top-to-bottom run uses it, the one
                # its last binding above gives; the path is made there.
                constant = _rebound_constant(ctx, node.id, ca.cell.index, pa.arg.line)
                value = constant.value if constant is not None else None
                if constant is None and pa.direction != "none":
                    # `out = FIGURES / "h1.png"`, `plt.savefig(out)`, then `out = FIGURES / "h2.png"` in
                    # another cell: the last binding above joins a root constant; the call writes
                    # under that root (fair check 43, items 109, 122, 124: the root's finding said only
                    # "passed to `Path`" and named none of the savefigs). Not an existence test alone
                    # (`os.path.exists(file_path)`): it reads and writes nothing.
                    bound = _last_binding(ctx, node.id, ca.cell.index, pa.arg.line)
                    base = _uses_constant(bound[0], constants) if bound is not None and not isinstance(bound[0], ast.Constant) else None
                    if base is not None:
                        value = _evaluate(bound[0], constants)
                        constant = base if value is not None else None
                if constant is None:
                    # `for band in s2_bands: rasterio.open(band)` over a list literal of paths (fair
                    # check 18: pth006-path-list-iterated): each listed literal is a path the call uses.
                    out.extend((item, item.value, pa) for item in _iterated_literals(ctx, ca, tree, node.id, pa.arg.line))
            if (rebound and constant is None and pa.direction != "none" and isinstance(node, ast.Name)
                    and node.id in local.get(pa.arg.line, frozenset())):
                # `def plot_roadmap(): out = FIGURES / "roadmap.png"; plt.savefig(out)`: a local bound
                # once in the function, joining a root constant the function does not hide (fair
                # check 43, item 124).
                bound_in = _function_local_value(tree, node.id, pa.arg.line)
                base = _uses_constant(bound_in, visible) if bound_in is not None else None
                if base is not None:
                    value = _evaluate(bound_in, visible)
                    constant = base if value is not None else None
            if constant is None and isinstance(node, ast.Name) and pa.arg.line not in in_functions and node.id not in shadowed:
                # `web_paths = ["http://…/train.gz", "http://…/test.gz"]`, then
                # `Dataset.File.from_files(path=web_paths)`: a name bound once, at module level, to a
                # list of string literals, handed whole to a path argument, names each listed path
                # (fair check 27, T-9.4).
                out.extend((item, item.value, pa) for item in _listed_literals(ctx, node.id, ca.cell.index, pa.arg.line))
            if constant is None or value is None:
                continue
            out.append((constant, value, pa))
    return out


def _function_local_value(tree: ast.Module, name: str, line: int) -> Optional[ast.expr]:
    """The value of `name = value`, the only binding of `name` in the innermost function holding
    `line`, when it is a statement of the function's own body above that line; else None."""
    function = None
    for node in tree_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno <= line <= (node.end_lineno or node.lineno):
            if function is None or node.lineno > function.lineno:
                function = node
    if function is None:
        return None
    stores = [n for n in ast.walk(function) if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)]
    if len(stores) != 1 or name in {a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)}:
        return None
    for stmt in function.body:
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and stmt.targets[0] is stores[0]
                and (stmt.end_lineno or stmt.lineno) < line):
            return stmt.value
    return None


def _listed_literals(ctx: RuleContext, name: str, cell: int, line: int) -> list[Constant]:
    """The string literals of the list (or tuple) `name` is bound to once in the whole notebook, at
    module level, in a cell above `cell` (or above `line` in it); empty for anything else."""
    listed = ctx.shared("module_string_lists", lambda: _module_string_lists(ctx)).get(name)
    if listed is None or sum(1 for c in ctx.cells for d in c.facts.defined if d.name == name) != 1:
        return []
    where, items = listed
    if where.cell.index > cell or (where.cell.index == cell and items[0].lineno >= line):
        return []
    lines = where.masked.python.split("\n")
    return [Constant(name, e.value, where, e.lineno, _char_column(lines, e.lineno, e.col_offset)) for e in items]


def _iterated_literals(ctx: RuleContext, ca: CellAnalysis, tree: ast.Module, name: str, line: int) -> list[Constant]:
    """The string literals a module-level loop variable takes at `line`: `for band in ["a.tif",
    "b.tif"]:` or a comprehension over such a list, written in place or bound once above to a
    name (`s2_bands = [...]`, then `for band in s2_bands:`). Empty when the loop or the list is
    anything else (a list built at run time, a name bound several times, a non-string item)."""
    iterable: Optional[ast.AST] = None
    for node in tree_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            if node.lineno <= line <= (node.end_lineno or node.lineno):
                return []  # a function's name may be its parameter
            continue
        if isinstance(node, (ast.For, ast.AsyncFor)):
            if isinstance(node.target, ast.Name) and node.target.id == name and node.lineno <= line <= (node.end_lineno or node.lineno):
                iterable = node.iter
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            if node.lineno <= line <= (node.end_lineno or node.lineno):
                for generator in node.generators:
                    if isinstance(generator.target, ast.Name) and generator.target.id == name:
                        iterable = generator.iter
    if iterable is None:
        return []
    where = ca
    if isinstance(iterable, ast.Name):
        bound = _last_binding(ctx, iterable.id, ca.cell.index, getattr(iterable, "lineno", line))
        if bound is None or sum(1 for c in ctx.cells for d in c.facts.defined if d.name == iterable.id) != 1:
            return []
        value, cell, _ = bound
        where = next((c for c in ctx.cells if c.cell.index == cell), ca)
        label = iterable.id
        iterable = value
    else:
        label = name
    if not isinstance(iterable, (ast.List, ast.Tuple)) or not iterable.elts:
        return []
    if not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in iterable.elts):
        return []
    lines = where.masked.python.split("\n")
    return [
        Constant(label, e.value, where, e.lineno, _char_column(lines, e.lineno, e.col_offset))
        for e in iterable.elts
    ]


def _default_used(ctx: RuleContext, tree: ast.Module, name: str, line: int) -> Optional[ast.Constant]:
    """The string default of parameter `name` of the module-level function whose body holds `line`,
    when the function never rebinds it and some call of the function in the notebook leaves it out
    (fewer positional arguments than its place, no keyword of that name, no `*`/`**` splat)."""
    fn = next((d for d in tree.body if isinstance(d, ast.FunctionDef) and d.lineno < line <= (d.end_lineno or d.lineno)), None)
    if fn is None:
        return None
    positional = [*fn.args.posonlyargs, *fn.args.args]
    defaults = dict(zip((a.arg for a in positional[len(positional) - len(fn.args.defaults):]), fn.args.defaults))
    defaults.update((a.arg, d) for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults) if d is not None)
    default = defaults.get(name)
    if not (isinstance(default, ast.Constant) and isinstance(default.value, str)) or any(
        isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load) for n in ast.walk(fn)
    ):
        return None
    place = next((i for i, a in enumerate(positional) if a.arg == name), None)
    for other in ctx.cells:
        other_tree = cell_python_tree(other)
        if other_tree is None:
            continue
        for call in tree_nodes(other_tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == fn.name):
                continue
            if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
                continue
            if (place is None or len(call.args) <= place) and not any(k.arg == name for k in call.keywords):
                return default
    return None


def _object_name(key: str) -> str:
    """The notebook name a constant's key reads: `args` for `args.save_dir` and `args`."""
    return re.split(r"[.\[]", key, maxsplit=1)[0]


def _parameters_by_line(tree: ast.AST, fed_only: Optional[frozenset[str]] = None) -> dict[int, frozenset[str]]:
    """For each line inside a def or lambda, the parameter names of the functions enclosing it:
    names there that mean the argument, not a module-level constant of the same name. With
    `fed_only` (the names read where no parameter hides them), a lambda's parameters among them
    are left out: a lambda's calls are not named, so such a read may pass the constant to it; a
    def's parameter is left out by the caller only when a call of it passes the name."""
    out: dict[int, frozenset[str]] = {}
    for d in tree_nodes(tree):
        if not isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        a = d.args
        names = frozenset(
            p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs, *(x for x in (a.vararg, a.kwarg) if x is not None))
        )
        if fed_only is not None and isinstance(d, ast.Lambda):
            names -= fed_only
        if not names:
            continue
        for line in range(d.lineno, (d.end_lineno or d.lineno) + 1):
            out[line] = out.get(line, frozenset()) | names
    return out


def _locals_by_line(tree: ast.AST) -> dict[int, frozenset[str]]:
    """For each line inside a def, the names its body binds (an assignment, augmented or annotated,
    a `for` or `with … as` target, an `except … as` name, an import, a `del`, a walrus), not declared
    `global`/`nonlocal` there: Python makes such a name local to the whole function, so a read of it
    there never means a module-level constant of the same name, as a parameter's does not (fair check
    36, items 96, 106: `for label, pickle_file in enumerate(pickle_files): open(pickle_file, "rb")`
    inside `merge_datasets`, beside a later `pickle_file = "notMNIST.pickle"`). And for each line of
    a comprehension, anywhere, its targets (a scope of their own). Names bound in a def nested in the
    function are that def's own."""
    out: dict[int, frozenset[str]] = {}

    def add(node: ast.AST, names: set[str]) -> None:
        if names:
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                out[line] = out.get(line, frozenset()) | names

    def bound(body: Sequence[ast.AST]) -> tuple[set[str], set[str]]:
        names: set[str] = set()
        declared: set[str] = set()
        stack = list(body)
        while stack:
            n = stack.pop()
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(n.name)
                stack.extend(n.decorator_list)
                continue  # (their bodies are scopes of their own)
            if isinstance(n, ast.Lambda):
                continue  # (its parameters are `_parameters_by_line`'s)
            if isinstance(n, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                # a walrus in a comprehension binds in the function; the targets do not
                stack.extend(w.target for w in ast.walk(n) if isinstance(w, ast.NamedExpr))
                continue
            if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
                names.add(n.id)
            elif isinstance(n, ast.ExceptHandler) and n.name:
                names.add(n.name)
            elif isinstance(n, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in n.names if a.name != "*")
            elif isinstance(n, (ast.Global, ast.Nonlocal)):
                declared.update(n.names)
            stack.extend(ast.iter_child_nodes(n))
        return names, declared

    for d in tree_nodes(tree):
        if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names, declared = bound(d.body)
            add(d, names - declared)
        elif isinstance(d, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            add(d, {t.id for g in d.generators for t in ast.walk(g.target) if isinstance(t, ast.Name)})
    return out


# KFP parameter annotations whose value the pipeline runtime supplies (a path it makes), never the caller.
_ARTIFACT_ANNOTATIONS = frozenset({"InputPath", "OutputPath", "Input", "Output"})


def _artifact_parameters_by_line(tree: ast.AST) -> dict[int, frozenset[str]]:
    """Like `_parameters_by_line`, only the parameters annotated `OutputPath(str)`, `InputPath(...)`,
    `Output[Dataset]` or `Input[Model]`."""
    out: dict[int, frozenset[str]] = {}
    for d in tree_nodes(tree):
        if not isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        a = d.args
        names = frozenset(
            p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)
            if p.annotation is not None and _annotation_head(p.annotation) in _ARTIFACT_ANNOTATIONS
        )
        if names:
            for line in range(d.lineno, (d.end_lineno or d.lineno) + 1):
                out[line] = out.get(line, frozenset()) | names
    return out


def _annotation_head(node: ast.expr) -> str:
    """`OutputPath` for `OutputPath(str)`, `Output` for `dsl.Output[Dataset]`, `"OutputPath(str)"` too."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.partition("(")[0].partition("[")[0].rpartition(".")[2]
    if isinstance(node, (ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return dotted_name(node).rpartition(".")[2]


def _fed_parameters(ctx: RuleContext) -> frozenset[str]:
    """Parameter names of the notebook's functions that some call of the function passes the
    same-named module constant to (`get_txt_lines(data_dir)` for `def get_txt_lines(data_dir)`,
    positionally or as `data_dir=data_dir`), or that default to it (`def f(out=out)`)."""
    slots: dict[str, list[tuple[list[str], ast.arguments]]] = {}
    trees = [t for t in (cell_python_tree(ca) for ca in ctx.cells) if t is not None]
    for tree in trees:
        for d in tree_nodes(tree):
            if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef)):
                a = d.args
                positional = [p.arg for p in (*a.posonlyargs, *a.args)]
                slots.setdefault(d.name, []).append((positional, a))
    fed: set[str] = set()
    for signatures in slots.values():
        for positional, a in signatures:
            defaults = list(zip(positional[len(positional) - len(a.defaults):], a.defaults))
            defaults += [(p.arg, v) for p, v in zip(a.kwonlyargs, a.kw_defaults) if v is not None]
            fed.update(name for name, v in defaults if isinstance(v, ast.Name) and v.id == name)
    if not slots:
        return frozenset(fed)
    for tree in trees:
        for call in tree_nodes(tree):
            if not isinstance(call, ast.Call):
                continue
            called = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
            for positional, _ in slots.get(called or "", ()):
                # (a method called on its object: `self` is not among the arguments written)
                shift = 1 if isinstance(call.func, ast.Attribute) and positional[:1] in (["self"], ["cls"]) else 0
                for i, arg in enumerate(call.args):
                    if isinstance(arg, ast.Starred):
                        break
                    if isinstance(arg, ast.Name) and i + shift < len(positional) and positional[i + shift] == arg.id:
                        fed.add(arg.id)
                fed.update(k.arg for k in call.keywords if isinstance(k.value, ast.Name) and k.value.id == k.arg)
    return frozenset(fed)


def _unshadowed_reads(ctx: RuleContext) -> frozenset[str]:
    """Names the notebook reads somewhere no parameter of the same name hides them."""
    read: set[str] = set()
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        parameters = _parameters_by_line(tree)
        for n in tree_nodes(tree):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in parameters.get(n.lineno, ()):
                read.add(n.id)
    return frozenset(read)


_JOIN_CALLS = frozenset({"os.path.join", "path.join", "join", "posixpath.join", "ntpath.join"})
_CWD_CALLS = frozenset({"os.getcwd", "getcwd", "Path.cwd", "pathlib.Path.cwd", "os.getcwdb"})
# Calls whose result is their first argument's path, made absolute or typed: followed through.
_PATH_WRAPPERS = frozenset({"os.path.abspath", "os.path.realpath", "os.path.normpath", "os.path.expanduser", "Path", "pathlib.Path", "str"})


def _leading_piece(ctx: RuleContext, node: ast.AST, cell: int, line: int, depth: int = 0) -> Optional[tuple[ast.AST, int]]:
    """The first piece of a path built by `+`, an f-string or a join call (`"data/train/" + name`,
    `os.getcwd() + "/audio"`, `os.path.join(os.getcwd(), "out")`), following a bare name to its
    last plain binding above (cell, line): (the piece's node, the cell it is written in)."""
    if depth > 6:
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _leading_piece(ctx, node.left, cell, line, depth + 1)
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.FormattedValue) and first.format_spec is None:
            # `f"{os.getcwd()}/scene.tif"`, as `os.getcwd() + "/scene.tif"`: only the working
            # directory is taken from a leading field (a literal reached through a name there is
            # the whole-path rules' to judge, from the value they spell).
            inner = _leading_piece(ctx, first.value, cell, line, depth + 1)
            return inner if inner is not None and not isinstance(inner[0], ast.Constant) else None
        return (first, cell) if isinstance(first, ast.Constant) else None
    template = _template_head(node)
    if template is not None:
        # `"logs/{}".format(NAME)`, `"logs/%s" % NAME`: the literal text before the first hole, as
        # a leading folder (fair check 32, T-1.3: TensorBoard's log_dir with NAME bound three times).
        return template, cell
    if isinstance(node, ast.Call) and node.args:
        func, dotted = node.func, ""
        while isinstance(func, ast.Attribute):
            dotted, func = "." + func.attr + dotted, func.value
        dotted = (func.id if isinstance(func, ast.Name) else "") + dotted
        if dotted in _CWD_CALLS:
            return node, cell
        if dotted in _JOIN_CALLS or dotted in _PATH_WRAPPERS:
            return _leading_piece(ctx, node.args[0], cell, line, depth + 1)
        return None
    if isinstance(node, ast.Call) and not node.args:
        func, dotted = node.func, ""
        while isinstance(func, ast.Attribute):
            dotted, func = "." + func.attr + dotted, func.value
        dotted = (func.id if isinstance(func, ast.Name) else "") + dotted
        return (node, cell) if dotted in _CWD_CALLS else None
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and depth > 0:
        return node, cell
    if isinstance(node, ast.Name) and depth < 6:
        bound = _last_binding(ctx, node.id, cell, line, nested=True)
        if bound is None:
            return None
        return _leading_piece(ctx, bound[0], bound[1], bound[2], depth + 1)
    return None


def _template_argument(ctx: RuleContext, pa: PathArgument) -> bool:
    """Is the path argument, as written, a template filled in place whose text opens with a literal
    (`"logs/{}".format(NAME)`, `"out/%s.txt" % run`)?"""
    ca = ctx.analysis_at.get(_cell_of(ctx, pa))
    tree = cell_python_tree(ca) if ca is not None else None
    node = _call_argument_nodes(tree).get((pa.arg.line, pa.arg.column)) if tree is not None else None
    return node is not None and _template_head(node) is not None


def _template_head(node: ast.AST) -> Optional[ast.Constant]:
    """The literal text before the first hole of a template filled in place, `"logs/{}".format(NAME)`
    or `"logs/%s" % NAME`, as a constant at the template's place; None for anything else or a
    template opening with a hole."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        text, hole = node.func.value, "{"
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        text, hole = node.left, "%"
    else:
        return None
    if not isinstance(text, ast.Constant) or not isinstance(text.value, str) or hole not in text.value:
        return None
    head = text.value.split(hole, 1)[0]
    return ast.copy_location(ast.Constant(head), text) if head else None


# The working directory's calls as written alone (`_open_ended_paths`' wording).
_CWD_CALL_TEXTS = frozenset({"os.getcwd()", "Path.cwd()", "pathlib.Path.cwd()", "os.getcwdu()"})
_CWD = "\x00"  # stands for the working directory in a value `_cwd_rest` spells


def _cwd_rest(ctx: RuleContext, node: ast.AST, cell: int, line: int) -> Optional[str]:
    """For a path built from the working directory and literals (`os.getcwd() + "/train.csv"`,
    `f"{data_path}/train.zip"` with `data_path = os.getcwd()`, `os.path.join(Path.cwd(), "x")`), the
    part below it, normalised: "train.csv"; "" for the working directory itself. None when the
    value is not so built or a piece is unknown."""
    value = _value_at(ctx, node, cell, line, 0, from_cwd=True)
    if value is None or not value.startswith(_CWD) or _CWD in value[1:]:
        return None
    rest = _normal_path(value[1:].lstrip("/\\"))
    return None if rest.startswith(("/", "..")) else rest


def _path_functions(ctx: RuleContext) -> dict[str, tuple[dict[str, int], PathArgument, int]]:
    """The notebook's own module-level functions that hand one of their parameters, as it is, to
    a catalogued call's path argument: `def load_table(path): return pd.read_csv(path)` ->
    {"load_table": ({"path": 0}, that `pd.read_csv` argument, its cell)}. The nearest definition
    above wins; a later definition without such a call removes the name."""
    # PTH003 (`_wrapped_reads`) and PTH006 (`_own_function_paths`) both ask: once per notebook, read only.
    return ctx.shared("paths.path_functions", lambda: _compute_path_functions(ctx))


def _compute_path_functions(ctx: RuleContext) -> dict[str, tuple[dict[str, int], PathArgument, int]]:
    found: dict[str, tuple[dict[str, int], PathArgument, int]] = {}
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        # (a piece of a join is not where the path is used: the call given the joined path is)
        inner = [pa for pa in path_arguments(ctx.facts, ctx.catalog, ca)
                 if pa.call.in_function and pa.entry.kind == "path" and pa.arg.name is not None
                 and pa.qualified not in _JOIN_CALLS and pa.shown_callee not in _JOIN_CALLS]
        # Module-level functions by name; a module-level class's class and static methods by
        # `Class.method`, called so on the class (`SurnameDataset.load_dataset(csv)`), a class
        # method's first parameter (`cls`) not given.
        defs: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef, int]] = []
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defs.append((stmt.name, stmt, 0))
            elif isinstance(stmt, ast.ClassDef):
                for item in stmt.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        decorators = {dotted_name(d) for d in item.decorator_list}
                        if "classmethod" in decorators:
                            defs.append((f"{stmt.name}.{item.name}", item, 1))
                        elif "staticmethod" in decorators:
                            defs.append((f"{stmt.name}.{item.name}", item, 0))
        for name, stmt, skipped in defs:
            positional = [a.arg for a in (*stmt.args.posonlyargs, *stmt.args.args)][skipped:]
            params = {p: index for index, p in enumerate(positional)}
            params.update({a.arg: -1 for a in stmt.args.kwonlyargs})
            # A parameter the body rebinds (`path = os.path.join(ROOT, path)`) is not the given value;
            # a fallback only when none was given (`if not directory: directory = Path("data")`) keeps
            # the given one (fair check 37, item 108).
            fallbacks = [s for s in stmt.body if _fallback_parameter(stmt, s) is not None]
            rebound = {n.id for n in walk_nodes(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
                       and not any(f.lineno <= n.lineno <= (f.end_lineno or f.lineno) for f in fallbacks)}
            end = stmt.end_lineno or stmt.lineno
            use = next((pa for pa in inner if stmt.lineno <= pa.call.line <= end
                        and pa.arg.name in params and pa.arg.name not in rebound), None)
            if use is None:
                found.pop(name, None)
                continue
            found[name] = ({use.arg.name: params[use.arg.name]}, use, ca.cell.index)  # type: ignore[dict-item]
    return found


def _own_function_paths(
    ctx: RuleContext, known: set[str], modules: frozenset[str], taken: frozenset[tuple[int, int, int]] | set[tuple[int, int, int]] = frozenset(),
) -> Iterator[Hit]:
    """A relative path literal given to the notebook's own function that passes it on to a path
    argument (`load_table("orders_clean.csv")` with `def load_table(path): return pd.read_csv(path)`):
    the function resolves it against the working directory like the call inside it. Also a name
    given to it whose last plain binding above is such a literal or an f-string starting with a
    relative piece (`output_file = f"output/{year:04d}.parquet"`, then `apply_model(output_file=output_file)`
    around `df_result.to_parquet(output_file)`), unless another finding already sits on that literal
    (`taken`). One finding per path, at its first literal, the other calls giving it and the call
    inside the function related."""
    functions = _path_functions(ctx)
    if not functions:
        return
    settings = path_settings(ctx.catalog)
    cells = ctx.analysis_at
    constants: Optional[dict[str, Constant]] = None
    groups: dict[str, list[tuple[CellAnalysis, ast.expr, str, str, Optional[str], tuple]]] = {}
    for ca in ctx.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue  # code inside a function or class runs when called: its own arguments are not values yet
            for node in ast.walk(stmt):
                if not isinstance(node, ast.Call):
                    continue
                fname = dotted_name(node.func)
                if fname not in functions:
                    continue
                params, _, _ = functions[fname]
                (param, position), = params.items()
                given = next((k.value for k in node.keywords if k.arg == param), None)
                if given is None and 0 <= position < len(node.args) and not any(isinstance(a, ast.Starred) for a in node.args[:position + 1]):
                    given = node.args[position]
                where, name = ca, None
                key = settings_key(given) if given is not None else None
                if key is not None:
                    # `handle_dirs(args.save_dir)`: a settings object's string, at its keyword's literal.
                    if constants is None:
                        constants = string_constants(ctx.facts)
                    constant = constants.get(key)
                    literal = _literal_node(constant) if constant is not None and constant.root is None else None
                    if constant is None or literal is None or constant.value != literal.value:
                        continue
                    if any((c, ln, col) == (constant.ca.cell.index, constant.line, constant.column) for c, ln, col in taken):
                        continue
                    name, given, where = key, literal, constant.ca
                elif isinstance(given, ast.Name):
                    # The name's last plain binding above the call: `output_file = f"output/…"`.
                    bound = _last_binding(ctx, given.id, ca.cell.index, node.lineno)
                    if bound is None or bound[1] not in cells:
                        continue
                    name, given, where = given.id, bound[0], cells[bound[1]]  # type: ignore[assignment]
                    if not isinstance(given, (ast.Constant, ast.JoinedStr)):
                        continue
                    end = given.end_col_offset if given.end_lineno == given.lineno else 1 << 30
                    if any(c == where.cell.index and ln == given.lineno and given.col_offset < col <= (end or 0) + 1
                           for c, ln, col in taken):
                        continue  # that literal has its finding already (read straight by a call, open-ended)
                text = given.value if isinstance(given, ast.Constant) and isinstance(given.value, str) else (
                    _url_text(given) if name is not None else None)
                if text is None:
                    continue
                found = classify(text, settings, path_argument=True)
                if found is None or found.kind != "relative" or _module_file(text, modules):
                    continue
                if _hosted_line(ca, node.lineno):
                    continue
                value = _normal_path(text)
                if value in known:
                    continue
                groups.setdefault(value, []).append((where, given, fname, text, name, (ca.cell, node.lineno, node.col_offset + 1)))  # type: ignore[arg-type]
    fetched = _read_back_lines(ctx) if groups else {}
    for value, places in groups.items():
        ca, first, fname, text, name, call = places[0]
        _, pa, inner_cell = functions[fname]
        if pa.direction in ("read", "none") and any(
                value in files and where < (call[0].index, call[1]) for where, files in fetched.items()):
            # `train_model(params, TRAIN_PATH, …)` reading the file a `!curl … -o ../datasets/tables/train.csv`
            # line above saved: PTH003's download step (fair check 16, item 106).
            continue
        if _sample_data_round_trip(ctx, [((p[5][0].index, p[5][1]), value, pa.direction) for p in places]):
            continue  # (`read_data("data/2000-01-01.csv")` of the sample data a cell above saved: fair check 26)
        inside = cells.get(inner_cell)
        through = "" if name is None else f" (`{name}`, cell {call[0].index}, line {call[1]})"
        yield Hit(
            ca.cell,
            first.lineno,
            first.col_offset + 1,
            f"Relative path {shown(text)}{through}, given to `{fname}`, the notebook's own function, is "
            f"{pa.verb} `{pa.shown_callee}` there (cell {inner_cell}, line {pa.call.line}) and "
            "resolved against the current working directory, " + RUN_FOLDER,
            fix="Pass a path built from a configured root instead: `DATA_DIR / \"…\"`, with `DATA_DIR` from a config "
                "value or environment variable.",
            key=f"{fname}\x1f{value}",
            related=tuple(r for r in dict.fromkeys([
                *((c.cell, g.lineno, g.col_offset + 1) for c, g, _, _, _, _ in places[1:]),
                *(p[5] for p in places if p[4] is not None),
                *(((inside.cell, pa.call.line, pa.call.column),) if inside is not None else ()),
            ]) if r != (ca.cell, first.lineno, first.col_offset + 1)),  # (a setting given twice: its literal once)
        )


def _joined_into_own_function(
    ctx: RuleContext, uses: Sequence[tuple["Constant", str, PathArgument]],
) -> Optional[tuple[PathArgument, str, str, list[tuple[Cell, CallFact]], PathArgument, int]]:
    """For a root constant whose uses are joins (`TRAIN_PATH = os.path.join(BASE_DIR_PATH, "train")`),
    the first join bound to a name at the top of its cell that a module-level call of the notebook's
    own path function is given (`load_files(TRAIN_PATH)`, whose `os.listdir(file_path)` reads it;
    `_path_functions`), the name's binding there being that join: (the join, the name, the function,
    the calls of the function given a name so joined from the constant, the function's own use of its
    parameter, that use's cell). None otherwise."""
    functions = _path_functions(ctx)
    if not functions:
        return None
    joined: dict[str, tuple[PathArgument, int, int]] = {}
    for _, _, pa in uses:
        if pa.qualified not in _JOIN_CALLS and pa.shown_callee not in _JOIN_CALLS:
            continue
        cell = _cell_of(ctx, pa)
        ca = ctx.analysis_at.get(cell)
        stmt = statement_at(cell_python_tree(ca), pa.call.line) if ca is not None else None
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Call) and stmt.value.lineno == pa.call.line):
            joined.setdefault(stmt.targets[0].id, (pa, cell, stmt.lineno))
    if not joined:
        return None
    found: Optional[tuple[PathArgument, str, str]] = None
    calls: list[tuple[Cell, CallFact]] = []
    for ca in ctx.cells:
        for call in ca.facts.calls:
            if call.in_function or call.func not in functions:
                continue
            params, _, _ = functions[call.func]
            (param, position), = params.items()
            arg = call.arg(position if position >= 0 else None, (param,))
            if arg is None or arg.name not in joined:
                continue
            join, cell, line = joined[arg.name]
            bound = _last_binding(ctx, arg.name, ca.cell.index, call.line)
            if bound is None or (bound[1], bound[2]) != (cell, line):
                continue
            if found is None:
                found = (join, arg.name, call.func)
            if call.func == found[2]:
                calls.append((ca.cell, call))
    if found is None:
        return None
    join, name, function = found
    _, inner, inner_cell = functions[function]
    return join, name, function, calls, inner, inner_cell


def _literal_node(constant: Constant) -> Optional[ast.Constant]:
    """The string literal a constant's position points at in its cell's tree."""
    tree = cell_python_tree(constant.ca)
    for node in tree_nodes(tree) if tree is not None else ():
        if (
            isinstance(node, ast.Constant) and isinstance(node.value, str)
            and node.lineno == constant.line and node.col_offset + 1 == constant.column
        ):
            return node
    return None


def _open_ended_paths(
    ctx: RuleContext, chdir_arguments: set[tuple[int, int, int]], reported: set[tuple[int, int, int]],
    read_back: Optional[Callable[[str, int, PathArgument], bool]] = None,
    pieces: Optional[dict[tuple[int, int, int], str]] = None,
) -> Iterator[Hit]:
    """Paths whose rest is known only at run time but whose start is relative: a relative folder
    literal joined to a value the audit cannot know (`"models/" + model_ckpt` with `model_ckpt`
    bound several times, `"data/train/" + random.choice(classes)`), or the working directory
    itself (`os.getcwd() + "/audio"`): wherever the rest points, the path hangs off the working
    directory. One finding per leading piece, at the piece, the calls using it related. A path
    below the working directory that `read_back(rest, cell, argument)` takes (a file the notebook
    extracted or downloaded there itself, read back) is that step's, not a use here."""
    settings = path_settings(ctx.catalog)
    found: dict[tuple[int, int, int], list[tuple[str, PathArgument, str, int, bool, Optional[tuple[str, ...]]]]] = {}
    cells = ctx.analysis_at
    first_place: dict[str, tuple[int, int, int]] = {}
    places: dict[tuple[int, int, int], list[tuple[int, int, int]]] = {}
    for ca in ctx.cells:
        arguments = [pa for pa in path_arguments(ctx.facts, ctx.catalog, ca) if pa.literal is None]
        if not arguments:
            continue
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        nodes = _call_argument_nodes(tree)
        for pa in arguments:
            if (ca.cell.index, pa.arg.line, pa.arg.column) in chdir_arguments | reported or pa.entry.kind == "url":
                continue
            if pa.qualified in _JOIN_CALLS or pa.shown_callee in _JOIN_CALLS:
                continue  # a piece of a join: the call using the joined path is the use
            node = nodes.get((pa.arg.line, pa.arg.column))
            if node is None or pa.call.in_function:
                continue
            if _hosted_place(ca, pa.call.line, pa.call.column):
                continue  # Colab's set-up block writes into /content only (as for literal paths)
            if _staged_upload_use(ctx, ca.cell.index, pa, node):
                continue  # a downloaded copy only handed on to an upload (fair check 24)
            if _written_for_upload(ctx, ca, tree, pa, node):
                continue  # a file written only to be handed to an upload below (fair check 27)
            leading = _leading_piece(ctx, node, ca.cell.index, pa.arg.line)
            if leading is None:
                continue
            piece, piece_cell = leading
            if piece_cell in cells and any(t.strip().lower() in _PARAMETER_TAGS for t in cells[piece_cell].cell.tags):
                continue  # papermill/Kale parameters: already configuration, set per run
            if isinstance(piece, ast.Constant):
                value = piece.value
                if not isinstance(value, str) or not re.search(r"[/\\]", value):
                    continue  # `"run_" + name`: maybe a file name's stem, not a folder
                kind = classify(value, settings, path_argument=True)
                if kind is None or kind.kind != "relative" or _module_file(value, _imported_tops(ctx)):
                    continue
                what = shown(value)
            else:
                if _working_directory_call(node) and _listing_only_displayed(ca, pa):
                    # `"profile_store" in os.listdir(os.getcwd())`, shown: a look at the working
                    # directory, as for `os.listdir(".")` (fair check 21, item 106).
                    continue
                what = "the working directory"
                rest = _cwd_rest(ctx, node, ca.cell.index, pa.arg.line) if read_back is not None else None
                if rest and read_back is not None and read_back(rest, ca.cell.index, pa):
                    continue
            position = (piece_cell, piece.lineno, piece.col_offset + 1 + (cells[piece_cell].masked.dedent if piece_cell in cells else 0))
            if position in reported or (piece_cell, piece.lineno, piece.col_offset + 1) in reported:
                continue
            # One root cause per leading piece: the same folder literal, or the working directory,
            # wherever it is written again, is one finding at its first place, the others related.
            first = first_place.setdefault(what, position)
            if first != position:
                places.setdefault(first, []).append(position)
            position = first
            # (a path the audit knows whole, from constants, is reported at its root above: such a
            # root is in `reported`; one known only here, through a name bound several times, is shown)
            # (followed into a top-level `with` body as the leading piece was: `savedir = "nets/"` under
            # `with tf.device(…):`, then `saver.save(sess, savedir + 'dae_dr.ckpt')` is known whole, not
            # "the rest known only at run time"; fair check 30, item 97)
            known = _value_at(ctx, node, ca.cell.index, pa.arg.line, 0, nested=True)
            if known is None and _str_format_call(node):
                # `"logs/{}".format(NAME)` with NAME known where the call runs: the path it spells
                # (fair check 32, T-1.3: not "the rest known only at run time").
                known = _str_formatted(node, lambda a: _value_at(ctx, a, ca.cell.index, pa.arg.line, 0, nested=True))  # type: ignore[arg-type]
            written = shown(known) if known is not None else f"`{ast.get_source_segment(ca.masked.python, node) or ''}`"
            looped = _loop_literals(ctx, ca, node) if known is None else None
            found.setdefault(position, []).append((what, pa, written, ca.cell.index, known is not None, looped))
            if pieces is not None and isinstance(piece, ast.Constant):
                # (the leading literal, by the finding's position: its folder's finding may fold it)
                pieces.setdefault(position, piece.value)
    for (cell, line, column), uses in found.items():
        # (the message names a use that reads or writes, not an `os.path.abspath` on the way)
        what, pa, written, used_in, known, looped = next((u for u in uses if u[1].direction != "none"), uses[0])
        built = f" as {written}" if written and "\n" not in written and len(written) <= 90 else ""
        start = "Relative path " + what if what != "the working directory" else "A path built from the working directory"
        if known and what != "the working directory" and built and len({u[2] for u in uses}) == 1:
            # `SummaryWriter('runs/GAE1_experiment_' + '2d_100_epochs')`: the path, known whole, is
            # what is written, not its leading piece (fair check 18, item 106).
            start, built = "Relative path " + written, ""
        rest = "" if known or what == "the working directory" else ", the rest known only at run time"
        if rest and looped:
            # `for name in ["train", "test"]: df.to_csv("resumes/resumes_" + name + ".csv")`: the rest
            # is one of the literal values the loop goes over (fair check 34, items 88, 107).
            rest = f", the rest from the loop over {and_listed([shown(v) for v in looped])}"
        # `MNIST(os.getcwd(), train=True, download=True)` and its test split: the working directory
        # is only the root of one dataset PTH007 reports (as for a literal root; fair check 16).
        folded = "PTH007" if what == "the working directory" and _cwd_dataset_root(ctx, uses) else ""
        said = f"{start} is {pa.verb} `{pa.shown_callee}`{built}"
        if what == "the working directory" and pa.direction == "none" and written.strip("`") in _CWD_CALL_TEXTS:
            # `data_path = Path(os.getcwd())/'data'/'aclImdb'`: not "passed to `Path` as `os.getcwd()`"
            # (fair check 32, item 114's wording).
            said = f"A path is built from the working directory with `{pa.shown_callee}({written.strip('`')})`"
        yield Hit(
            cells[cell].cell, line, column,
            f"{said} (cell {used_in}, line "
            f"{pa.call.line}){rest}: it is resolved against the current working directory, "
            + RUN_FOLDER,
            fix="Build it from a configured root instead: `DATA_DIR / name`, with `DATA_DIR` from a config value or environment variable.",
            key=f"open-ended\x1f{what}",
            # (not a place on the finding's own line: `TensorBoard(log_dir="logs/{}".format(NAME))`
            # reported at the template names no other place there; fair check 32, item 114)
            related=tuple(dict.fromkeys(r for r in [
                *((cells[c].cell, p.call.line, p.call.column) for _, p, _, c, *_ in uses),
                *((cells[c].cell, ln, col) for c, ln, col in places.get((cell, line, column), ())),
            ] if (r[0].index, r[1]) != (cell, line))),
            folded_into=folded,
        )


_CWD_ITSELF = frozenset({"`os.getcwd()`", "`Path.cwd()`", "`pathlib.Path.cwd()`"})  # the working directory as written


def _cwd_dataset_root(ctx: RuleContext, uses: Sequence[tuple[str, PathArgument, str, int, bool, Optional[tuple[str, ...]]]]) -> bool:
    """Is the working directory, given as itself (`os.getcwd()`), only the root of one dataset class
    whose first call downloads it (`download=True`) and is PTH007's finding?"""
    if any(written not in _CWD_ITSELF or pa.entry.kind != "path" for _, pa, written, *_ in uses):
        return False
    first = min(uses, key=lambda u: (u[3], u[1].call.line, u[1].call.column))
    flag = first[1].call.arg(None, ("download",))
    return (
        len({u[1].qualified or u[1].shown_callee for u in uses}) == 1 and flag is not None and flag.constant == "True"
        and (first[3], first[1].call.line) in _download_steps(ctx)
    )


def _sys_path_entry_piece(ctx: RuleContext, f: LiteralFinding) -> bool:
    """The literal is a piece of a join (`os.path.join("..", "..")`) whose result is given straight
    to a `sys.path` edit (`sys.path.append(…)`, `.insert(0, …)`, `.extend([…])`): an import path entry."""
    if f.source != "python" or f.argument is None or f.argument.direction != "none":
        return False
    tree = cell_python_tree(f.ca)
    if tree is None:
        return False
    for node in tree_nodes(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        if resolve_callee(ctx.facts, ctx.catalog, dotted_name(node.func)) not in _SYS_PATH_CALLS:
            continue
        entries = list(node.args[1:] if isinstance(node.func, ast.Attribute) and node.func.attr == "insert" else node.args)
        entries = [e for x in entries for e in (x.elts if isinstance(x, (ast.List, ast.Tuple)) else (x,))]
        for entry in entries:
            entry = _absolute_entry_literal(entry)
            if isinstance(entry, ast.Constant) and entry.lineno == f.line and entry.col_offset + 1 == f.column:
                return True  # `sys.path.insert(0, os.path.abspath("./detectron2"))` (fair check 31, items 126, 127)
            if not (isinstance(entry, ast.Call) and _join_call(entry)):
                continue
            if any(isinstance(a, ast.Constant) and a.lineno == f.line and a.col_offset + 1 == f.column for a in entry.args):
                return True
    # `ROOT_DIR = os.path.abspath("../../")`, then only `sys.path.append(ROOT_DIR)`: the same folder
    # of code through a name (fair check 36, item 113). The exclusion follows the name when every
    # read of it (magics and shell lines included) is a `sys.path` entry; a name read anywhere else
    # (`os.listdir(ROOT_DIR)`, `os.path.join(ROOT_DIR, "logs")`) keeps the literal's finding.
    name = next((
        stmt.targets[0].id for stmt in _module_statements(tree.body)
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
        and _entry_holds_literal(_absolute_entry_literal(stmt.value), f)
    ), None)
    if name is None:
        return False
    reads = _sys_path_entry_reads(ctx).get(name)
    return bool(reads) and _read_only_as(ctx, name, reads)


def _entry_holds_literal(entry: ast.expr, f: LiteralFinding) -> bool:
    """`entry` (a `sys.path` entry without what only makes it absolute) is the literal `f`, or a join
    of pieces one of which is."""
    pieces = entry.args if isinstance(entry, ast.Call) and _join_call(entry) else (entry,)
    return any(isinstance(a, ast.Constant) and a.lineno == f.line and a.col_offset + 1 == f.column for a in pieces)


def _sys_path_entry_reads(ctx: RuleContext) -> Mapping[str, set[tuple[int, int, int]]]:
    """The reads of names that are `sys.path` entries (`sys.path.append(ROOT_DIR)`, also made
    absolute or a piece of a join: `sys.path.insert(0, os.path.join(ROOT_DIR, "samples"))`), by name,
    as (cell, line, 0-based column) as `_read_only_as` takes them; found once per notebook."""
    def compute() -> dict[str, set[tuple[int, int, int]]]:
        out: dict[str, set[tuple[int, int, int]]] = {}
        for ca in ctx.cells:
            tree = cell_python_tree(ca)
            if tree is None or not ca.facts.calls:
                continue
            for node in nodes_of(tree, ast.Call):
                if not node.args or resolve_callee(ctx.facts, ctx.catalog, dotted_name(node.func)) not in _SYS_PATH_CALLS:
                    continue
                entries = list(node.args[1:] if isinstance(node.func, ast.Attribute) and node.func.attr == "insert" else node.args)
                entries = [_absolute_entry_literal(e) for x in entries for e in (x.elts if isinstance(x, (ast.List, ast.Tuple)) else (x,))]
                for entry in entries:
                    for piece in (entry.args if isinstance(entry, ast.Call) and _join_call(entry) else (entry,)):
                        piece = _absolute_entry_literal(piece)
                        if isinstance(piece, ast.Name):
                            out.setdefault(piece.id, set()).add((ca.cell.index, piece.lineno, piece.col_offset))
            # `if ruta_src not in sys.path: sys.path.append(ruta_src)`: the membership test guarding the
            # edit reads the name as an entry too (fair check 40, item 110).
            for node in nodes_of(tree, ast.Compare):
                if len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)) and isinstance(node.left, ast.Name) \
                        and ctx.facts.resolve(dotted_name(node.comparators[0])) == "sys.path":
                    out.setdefault(node.left.id, set()).add((ca.cell.index, node.left.lineno, node.left.col_offset))
        return out
    return ctx.shared("paths.sys_path_entry_reads", compute)


def _absolute_entry_literal(entry: ast.expr) -> ast.expr:
    """A `sys.path` entry without what only makes it absolute or a string: `os.path.abspath(x)`,
    `realpath`, `normpath`, `str(…)`, `Path(x)`, `Path(x).resolve()`/`.absolute()` give `x`; the
    same folder, resolved against the working directory as the bare `x` is."""
    while True:
        if isinstance(entry, ast.Call) and isinstance(entry.func, ast.Attribute) and entry.func.attr in ("resolve", "absolute") \
                and not entry.args:
            entry = entry.func.value
        elif isinstance(entry, ast.Call) and len(entry.args) == 1 and not entry.keywords and (
                dotted_name(entry.func) in (*_ABSOLUTE_CALLS, "str", "Path", "pathlib.Path")):
            entry = entry.args[0]
        else:
            return entry


def _join_call(node: ast.Call) -> bool:
    """`os.path.join(…)`, `path.join(…)`, `join(…)` as written."""
    func, dotted = node.func, ""
    while isinstance(func, ast.Attribute):
        dotted, func = "." + func.attr + dotted, func.value
    return isinstance(func, ast.Name) and func.id + dotted in _JOIN_CALLS


_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?(?P<md>[^)\s>]+)>?(?:\s+[\"'][^)]*)?\)|<img\b[^>]*\bsrc\s*=\s*[\"'](?P<html>[^\"']+)[\"']", re.IGNORECASE)


def _shown_figure_only(ctx: RuleContext, value: str, uses: Sequence[tuple[int, Optional[PathArgument]]]) -> bool:
    """Every use of the path is a `savefig` in a cell (or function) that turned interactive plotting
    off with `plt.ioff()` above it, and a markdown cell of the notebook shows the file
    (`![](grid.png)`, `<img src="grid.png">`): the figure is written only to be displayed, nothing
    reads it back (fair check 15, item 128)."""
    if not uses or any(pa is None or pa.direction != "write" or not (pa.qualified or pa.shown_callee).endswith("savefig") for _, pa in uses):
        return False
    shown = ctx.shared("markdown_images", lambda: frozenset(
        _normal_path(m.group("md") or m.group("html"))
        for c in ctx.facts.notebook.cells if c.cell_type == "markdown" for m in _MARKDOWN_IMAGE.finditer(c.source)
    ))
    if _normal_path(value) not in shown:
        return False
    cells = ctx.analysis_at
    for cell, pa in uses:
        ca = cells.get(cell)
        if ca is None or pa is None or not any(
            (call.func or "").rpartition(".")[2] == "ioff" and call.line <= pa.call.line for call in ca.facts.calls
        ):
            return False
    return True


def _kaggle_input_note(value: str) -> str:
    """For `../input/<dataset>/…`: Kaggle's input mount as a kernel sees it from `/kaggle/working`
    (fair check 15, item 131), said in the message; "" for any other path."""
    if not _normal_path(value).startswith("../input/"):
        return ""
    return " (Kaggle's input folder: `/kaggle/input` seen from a kernel's `/kaggle/working`, so it resolves only in a Kaggle kernel)"


def _joined_from(ctx: RuleContext, f: LiteralFinding) -> Optional[str]:
    """The path a join call whose first piece is the literal `f` builds, as far as it is known
    where it runs (`'../tasks/msd/Task05_Prostate/{…}'`, unknown pieces as `{…}`), or None."""
    if f.source != "python":
        return None
    tree = cell_python_tree(f.ca)
    if tree is None:
        return None
    for node in tree_nodes(tree):
        if (
            isinstance(node, ast.Call) and len(node.args) > 1 and not node.keywords
            and isinstance(node.args[0], ast.Constant) and node.args[0].value == f.value
            and node.args[0].lineno == f.line and node.args[0].col_offset + 1 == f.column
        ):
            func, dotted = node.func, ""
            while isinstance(func, ast.Attribute):
                dotted, func = "." + func.attr + dotted, func.value
            if not isinstance(func, ast.Name) or func.id + dotted not in _JOIN_CALLS:
                return None
            pieces = [_value_at(ctx, a, f.ca.cell.index, f.line, 0) for a in node.args]
            return "/".join((p if p is not None else "{…}").rstrip("/") for p in pieces)
    return None


def _quoted_file_path(ctx: RuleContext, f: LiteralFinding) -> Optional[tuple[str, str]]:
    """For the literal `"__file__"` made absolute (`os.path.abspath("__file__")`, a mistake for the
    module's `__file__`, which a notebook does not have): the path built on it by the join around it
    (`os.path.join(os.path.dirname(…), "data", "x.csv")` → `data/x.csv`, "" when none) and the name it
    is bound to ("" when none); None for any other literal."""
    if f.value != "__file__" or f.source != "python" or f.argument is None or f.argument.call.method not in ("abspath", "realpath"):
        return None
    tree = cell_python_tree(f.ca)
    if tree is None:
        return "", ""

    def holds(node: ast.AST) -> bool:
        return any(isinstance(n, ast.Constant) and n.value == "__file__" and n.lineno == f.line for n in ast.walk(node))

    built, name = "", ""
    for node in tree_nodes(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and holds(node.value):
            name = node.targets[0].id
        if (isinstance(node, ast.Call) and dotted_name(node.func) in _JOIN_CALLS and len(node.args) > 1
                and holds(node.args[0]) and not built):
            pieces = [_value_at(ctx, a, f.ca.cell.index, f.line, 0) for a in node.args[1:]]
            built = "/".join((p if p is not None else "{…}").strip("/") for p in pieces)
    return built, name


def _own_function_caller(ctx: RuleContext, f: LiteralFinding) -> Optional[tuple[str, Cell, int, int]]:
    """For a literal inside a module-level function of the notebook (`os.path.join("../", base)` in
    `def get_data_directory(base)`): the function and its first call outside its own body, as
    (name, cell, line, column); None elsewhere, or for a function never called."""
    if f.argument is None or not f.argument.call.in_function or not f.argument.call.owner:
        return None
    owner = f.argument.call.owner
    for ca in ctx.cells:
        for call in ca.facts.calls:
            if call.func == owner and call.owner != owner:
                return owner, ca.cell, call.line, call.column
    return None


def _rebound_pieces(ctx: RuleContext, node: ast.AST, known: Mapping[str, Constant], cell: int, line: int) -> dict[str, Constant]:
    """For the bare names of `node` that are not string constants bound once, the string each
    holds at (cell, line) by its last plain binding above (`_rebound_constant`); names with none
    are left out, so the value stays unknown."""
    pieces: dict[str, Constant] = {}
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and n.id not in known and n.id not in pieces:
            constant = _rebound_constant(ctx, n.id, cell, line)
            if constant is not None:
                pieces[n.id] = constant
    return pieces


def _rebound_constant(ctx: RuleContext, name: str, cell: int, line: int) -> Optional[Constant]:
    """The string literal of the last plain `name = "…"` above (cell, line), as a constant."""
    bound = _last_binding(ctx, name, cell, line)
    if bound is None or not (isinstance(bound[0], ast.Constant) and isinstance(bound[0].value, str)):
        return None
    at = next((ca for ca in ctx.cells if ca.cell.index == bound[1]), None)
    if at is None:
        return None
    return Constant(name, bound[0].value, at, bound[0].lineno, bound[0].col_offset + 1)


# `helper_functions.py`, `./going_modular/engine.py`: a `.py` file of a module the notebook imports.
_MODULE_FILE = re.compile(r"^(?:\./)?([A-Za-z_]\w*)(?:/[\w/]*)?\.py$")


def _imported_tops(ctx: RuleContext) -> frozenset[str]:
    return frozenset(imp.top_level for _, imp in ctx.facts.imports if imp.level == 0)


def _module_file(value: str, modules: frozenset[str]) -> bool:
    """A cell writes (or downloads into) the source of a module the notebook imports
    (`open("helper_functions.py", "wb")` then `from helper_functions import …`): that file is code
    the import finds beside the working directory, not a data path; making it configurable would
    break the import (DEP001/DEP002 count it as local code too)."""
    match = _MODULE_FILE.match(value)
    return match is not None and match.group(1) in modules


# Calls whose first argument names a model or dataset to fetch (PTH007's), not a folder.
_FETCHED_BY_NAME = frozenset({"from_pretrained", "from_preset", "load_dataset", "snapshot_download", "hf_hub_download"})


def _model_names(ctx: RuleContext) -> frozenset[str]:
    """Names given as the model or dataset id of a fetch-by-name call (`from_pretrained(model_name)`),
    unless the notebook also saves a model under that name (`save_pretrained(out_dir)`)."""
    found: set[str] = set()
    saved: set[str] = set()  # a folder the notebook saves a model into and loads back is a folder
    for ca in ctx.cells:
        for call in ca.facts.calls:
            first = call.arg(0, ("pretrained_model_name_or_path", "path", "repo_id", "save_directory"))
            if first is None:
                continue
            # A bare name, or a settings object's (`from_pretrained(args.model_name)`).
            name = first.name or _settings_key_at(ca, first.line, first.column)
            if name is None:
                continue
            if call.method in _FETCHED_BY_NAME:
                found.add(name)
            elif call.method in ("save_pretrained", "save_model"):
                saved.add(name)
    return frozenset(found - saved)


_SETTINGS_READ = re.compile(r"""(?:[A-Za-z_]\w*\s*=(?!=)\s*)?(?P<object>[A-Za-z_]\w*)(?:\.(?P<attr>[A-Za-z_]\w*)|\[\s*(?P<q>["'])(?P<item>[^"'\\]*)(?P=q)\s*\])\s*[,)]""")


def _settings_key_at(ca: CellAnalysis, line: int, column: int) -> Optional[str]:
    """The settings key (`args.model_name`, `config["model"]`) of an argument written at (line,
    1-based column) as a settings object's attribute or string item, else None."""
    lines = ca.lines
    if not (0 < line <= len(lines)) or column < 1:
        return None
    m = _SETTINGS_READ.match(lines[line - 1], column - 1)
    if m is None:
        return None
    return f"{m['object']}.{m['attr']}" if m["attr"] else f'{m["object"]}["{m["item"]}"]'


_LIGHTNING_TRAINER = ("lightning.Trainer", "lightning.pytorch.Trainer", "lightning.pytorch.trainer.Trainer",
                      "lightning.pytorch.trainer.trainer.Trainer", "pytorch_lightning.Trainer",
                      "pytorch_lightning.trainer.Trainer", "pytorch_lightning.trainer.trainer.Trainer")
_LIGHTNING_CHECKPOINT = ("lightning.pytorch.callbacks.ModelCheckpoint", "lightning.pytorch.callbacks.model_checkpoint.ModelCheckpoint",
                         "pytorch_lightning.callbacks.ModelCheckpoint", "pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint",
                         "lightning.pytorch.ModelCheckpoint")


def _lacks(call: CallFact, position: Optional[int], keywords: Sequence[str]) -> bool:
    """The call leaves the argument out (a `*args`/`**kwargs` splat might carry it: not left out)."""
    if any(a.position is None and a.keyword is None for a in call.args):
        return False
    return call.arg(position, keywords) is None


def _splats_lack(ctx: RuleContext, ca: CellAnalysis, call: CallFact, position: Optional[int], keywords: Sequence[str]) -> bool:
    """Do the call's `**` splats all leave `keywords` out, visibly? Each is a dict literal or a call
    of a notebook function every `return` of which is a dict literal with string keys (darts'
    examples: `TCNModel(…, **generate_torch_kwargs())` with `def generate_torch_kwargs(): return
    {"pl_trainer_kwargs": {…}}`), none of them one of `keywords`. A `*args` splat may fill `position`."""
    tree = cell_python_tree(ca)
    node = next((n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.lineno == call.line
                 and n.col_offset + 1 == call.column), None) if tree is not None else None
    if node is None or (position is not None and any(isinstance(a, ast.Starred) for a in node.args)):
        return False

    def literal_without(value: ast.AST) -> bool:
        return isinstance(value, ast.Dict) and all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) and k.value not in keywords for k in value.keys
        )

    for splat in (k.value for k in node.keywords if k.arg is None):
        if literal_without(splat):
            continue
        if not (isinstance(splat, ast.Call) and isinstance(splat.func, ast.Name) and not splat.args and not splat.keywords):
            return False
        defs = [d for c in ctx.cells if (t := cell_python_tree(c)) is not None for d in t.body
                if isinstance(d, ast.FunctionDef) and d.name == splat.func.id]
        returns = [r for d in defs for r in ast.walk(d) if isinstance(r, ast.Return)]
        if not defs or not returns or not all(r.value is not None and literal_without(r.value) for r in returns):
            return False
    return True


def _method_called_without(ctx: RuleContext, ca: CellAnalysis, call: CallFact, method: str, keywords: tuple[str, ...]) -> bool:
    """Is `method` called on the object `call` builds — chained (`Predictor(…).fit(…)`) or through
    the name it is bound to at the top level of its cell (`p = Predictor(…)`, then `p.fit(…)` in any
    cell) — without any of `keywords` (which would name the folder there instead)? An object that
    only loads or predicts (AutoMM's zero-shot use) writes nothing."""
    tree = cell_python_tree(ca)
    if tree is None:
        return False
    names: set[str] = set()
    for node in tree_nodes(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == method
                and isinstance(node.func.value, ast.Call) and node.func.value.lineno == call.line):
            return not any(k.arg in keywords or k.arg is None for k in node.keywords)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and node.value.lineno == call.line:
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return any(
        c.method == method and c.receiver in names and not any(a.keyword in keywords or (a.keyword is None and a.position is None) for a in c.args)
        for other in ctx.cells for c in other.facts.calls
    )


def _first_implicit_folder(catalog: Catalog, qualified: str) -> Optional[int]:
    """The number of the first `[[implicit_folder]]` entry of io_calls.toml whose `function`
    pattern matches the callee `qualified`, or None. Kept per catalogue by callee (bounded, as
    `_entries_for_function`): every call of every notebook was matched against every entry's
    pattern (37,326 matches on PDSH), and the same callees recur in every cell."""
    patterns, known = catalog.derived("paths.implicit_folder_entries", lambda c: (
        tuple(str(dict(e).get("function", "")) for e in c.table("io_calls", "implicit_folder", []) or []), {}))
    if qualified in known:
        return known[qualified]
    found = next((i for i, pattern in enumerate(patterns) if fnmatch.fnmatchcase(qualified, pattern)), None)
    if len(known) >= 8192:
        known.clear()
    known[qualified] = found
    return found


def _implicit_folders(ctx: RuleContext) -> Iterator[Hit]:
    """Calls that write into a default folder of the working directory because the argument naming
    the folder is left out: `SummaryWriter()` → `runs/<date>_<host>/` (`[[implicit_folder]]` of
    io_calls.toml); Lightning's `Trainer()` without `default_root_dir` (and without a `logger` of its
    own) → `lightning_logs/`; `ModelCheckpoint()` without `dirpath`, when no Trainer of the notebook
    sets `default_root_dir`, → the logger's `save_dir` or the working directory."""
    entries = [dict(e) for e in ctx.catalog.table("io_calls", "implicit_folder", []) or []]
    calls = [(ca, call, ctx.facts.resolve(call.func)) for ca in ctx.cells for call in ca.facts.calls if call.func]
    by_folder: dict[str, list[tuple[CellAnalysis, CallFact, dict]]] = {}  # one finding per default folder
    for ca, call, qualified in calls:
        first = _first_implicit_folder(ctx.catalog, qualified)  # (only the first entry whose pattern matches is read)
        for entry in () if first is None else (entries[first],):
            written_by = str(entry.get("written_by", ""))
            switches = tuple(str(k) for k in entry.get("when_true", ()))
            if switches and not any((given := call.arg(None, (k,))) is not None and given.constant == "True" for k in switches):
                break  # darts writes `darts_logs/` only with `save_checkpoints=True` or `log_tensorboard=True`
            position, keywords = entry.get("position"), tuple(entry.get("keywords", ()))
            lacks = _lacks(call, position, keywords) or (
                call.arg(position, keywords) is None and _splats_lack(ctx, ca, call, position, keywords)
            )
            if lacks and (
                not written_by or _method_called_without(ctx, ca, call, written_by, tuple(entry.get("written_by_keywords", ())))
            ):
                by_folder.setdefault(str(entry.get("folder", "")), []).append((ca, call, entry))
            break
    for folder, found in by_folder.items():
        ca, call, entry = found[0]
        yield Hit(ca.cell, call.line, call.column,
                  f"`{call.func}(…)` has no `{entry['argument']}`: it writes into `{folder}` of the "
                  "current working directory, " + RUN_FOLDER,
                  fix=f"Pass `{entry['argument']}=` a folder built from a configured root (`OUTPUT_DIR / \"…\"`).",
                  key=f"implicit\x1f{folder}",
                  related=tuple((c.cell, k.line, k.column) for c, k, _ in found[1:]))
    trainers = [(ca, call) for ca, call, q in calls if q in _LIGHTNING_TRAINER]
    checkpoints = [(ca, call) for ca, call, q in calls if q in _LIGHTNING_CHECKPOINT and _lacks(call, 0, ("dirpath",))]
    if any(not _lacks(call, None, ("default_root_dir",)) for _, call in trainers):
        return  # the notebook chooses the root folder: checkpoints without `dirpath` go there
    reported = False
    for ca, call in trainers:
        if not _lacks(call, None, ("default_root_dir",)):
            continue
        quick = call.arg(None, ("fast_dev_run",))
        if quick is not None and quick.constant != "False" and quick.number != "0":
            continue  # a smoke run: Lightning turns logging and checkpointing off
        logger = call.arg(None, ("logger",))
        checkpointing = call.arg(None, ("enable_checkpointing", "checkpoint_callback"))
        if logger is not None and logger.constant == "False":
            if checkpointing is not None and checkpointing.constant == "False":
                continue
            folder, what = "checkpoints/", "its checkpoints"
        elif logger is None or logger.constant == "True":
            folder, what = "lightning_logs/", "its logs and checkpoints"
        else:
            continue  # its logger's `save_dir` decides; a checkpoint without `dirpath` is reported below
        if reported:
            continue  # one finding for the folder: the first Trainer that writes there
        reported = True
        yield Hit(ca.cell, call.line, call.column,
                  f"`{call.func}(…)` has no `default_root_dir`: Lightning writes {what} into "
                  f"`{folder}` of the current working directory, " + RUN_FOLDER,
                  fix="Pass `default_root_dir=` a folder built from a configured root (`OUTPUT_DIR / \"lightning\"`).",
                  key=f"implicit\x1f{call.func}",
                  related=tuple((c.cell, k.line, k.column) for c, k in checkpoints))
    # With a logger of its own, a Trainer saves the checkpoints under the logger's `save_dir`: the working
    # directory only when every logger the notebook builds leaves `save_dir` out (an unknown logger: no finding).
    loggers = [(q.rsplit(".", 1)[-1], call) for _, call, q in calls
               if q.startswith(("lightning.pytorch.loggers.", "pytorch_lightning.loggers.", "lightning.loggers."))]
    default_save_dir = bool(loggers) and all(
        (name == "WandbLogger" and _lacks(call, None, ("save_dir", "dir")))
        or (name in ("TensorBoardLogger", "CSVLogger") and _lacks(call, 0, ("save_dir",)))
        for name, call in loggers)
    if reported or not trainers or not default_save_dir:
        return
    for ca, call in checkpoints[:1]:
        yield Hit(ca.cell, call.line, call.column,
                  f"`{call.func}(…)` has no `dirpath` and the Trainer's logger no `save_dir`: Lightning writes the "
                  "checkpoints into the current working directory (`<project>/<run id>/checkpoints/` for a `WandbLogger`, "
                  "`lightning_logs/version_<n>/checkpoints/` for TensorBoard or CSV), " + RUN_FOLDER,
                  fix="Pass `dirpath=` a folder built from a configured root (or `default_root_dir=` to the `Trainer`).",
                  key=f"implicit\x1f{call.func}",
                  related=tuple((c.cell, k.line, k.column) for c, k in [*checkpoints[1:], *trainers]))



# --- what the notebook itself makes: extracted folders, downloaded files ---------------------------

@dataclass(frozen=True)
class _Produced:
    """A relative file or folder a step of the notebook writes itself (an archive extracted into
    `data`, a competition's zip the kaggle CLI saves), read back later by name: the read is that
    step's, not a path of its own. `anchor` is the (cell, line) of the input whose finding the read
    joins (the archive opened), or the step's own line when the step has no PTH006 finding."""

    cell: int
    line: int
    path: str  # normalised (`_normal_path`)
    folder: bool
    anchor: tuple[int, int]
    downloads: bool = False  # the step downloads what it makes (`load_zip.unzip(url, unzip_dir=…)`): PTH003's


# `load_zip` lives in autogluon.common.loaders and is re-exported as autogluon.core.utils.loaders
# (rules/io_calls.toml matches both with `autogluon.*load_zip.unzip`).
_AUTOGLUON_UNZIPS = frozenset({"autogluon.core.utils.loaders.load_zip.unzip", "autogluon.common.loaders.load_zip.unzip"})
_SUBPROCESS_CALLS = frozenset({"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output", "subprocess.Popen"})


def _kaggle_files(tokens: Sequence[str]) -> list[str]:
    """The zip a `kaggle competitions download -c ID` (`ID.zip`) or `kaggle datasets download -d
    owner/slug` (`slug.zip`) command saves, under `-p DIR` when given; none for `-f FILE` (one file
    of the competition, saved by its own name) or a line it cannot read."""
    if len(tokens) < 3 or tokens[0] != "kaggle" or tokens[1] not in ("competitions", "datasets", "c", "d") or tokens[2] != "download":
        return []
    ident, folder, single = "", "", False
    rest = list(tokens[3:])
    for i, token in enumerate(rest):
        value = rest[i + 1] if i + 1 < len(rest) else ""
        if token in ("-c", "--competition", "-d", "--dataset"):
            ident = value
        elif token in ("-p", "--path"):
            folder = value
        elif token in ("-f", "--file"):
            single = True
        elif i == 0 and not token.startswith("-"):
            ident = token  # `kaggle competitions download titanic`
    ident = ident.rstrip("/").rsplit("/", 1)[-1]
    if not ident or single or not re.fullmatch(r"[\w.\-]+", ident):
        return []
    path = _normal_path(f"{folder}/{ident}.zip" if folder else f"{ident}.zip")
    return [path] if path and not path.startswith(("/", "~", "..")) and "$" not in path else []


def _relative_text(node: Optional[ast.AST], constants: Mapping[str, Constant]) -> Optional[str]:
    value = _evaluate(node, constants) if node is not None else None
    if value is None or not value.strip() or value.startswith(("/", "~", "$")) or "://" in value or re.match(r"^[A-Za-z]:[\\/]", value):
        return None
    return _normal_path(value)


def _produced_paths(ctx: RuleContext) -> list[_Produced]:
    """Relative folders the notebook extracts archives into (`ZipFile(z).extractall("data")`,
    `tar.extractall(path="data")`, `shutil.unpack_archive(z, "data")`) and files it downloads by
    name (`wget.download(url, "x.zip")`, the kaggle CLI in a shell line or `subprocess.run([...])`).
    Found once per notebook (PTH003 and PTH006 both ask; frozen records, a fresh list each time)."""
    return list(ctx.shared("paths.produced", lambda: tuple(_find_produced_paths(ctx))))


# The callee names `_find_produced_paths` reads a call of (besides a command run as a list of words).
# The Kaggle API's downloads (`KaggleApi().dataset_download_file(…)`), which save by name.
_KAGGLE_API_DOWNLOADS = frozenset({"dataset_download_file", "competition_download_file",
                                   "dataset_download_files", "competition_download_files"})
_PRODUCING_METHODS = frozenset({"extractall", "unpack_archive", "unzip", "download", *_KAGGLE_API_DOWNLOADS})


def _kaggle_api_files(node: ast.Call, method: str, constants: Mapping[str, Constant]) -> list[str]:
    """The files the Kaggle API's download call saves, relative: `api.dataset_download_file(ref,
    file_name="podcasts.csv", path="./")` saves `podcasts.csv`, or `podcasts.csv.zip` when Kaggle
    serves it zipped (also `competition_download_file`); `dataset_download_files("owner/slug",
    path="data")` saves `data/slug.zip` (`competition_download_files(id)`: `id.zip`)."""
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    single = method.endswith("_file")
    ident = _evaluate(node.args[0], constants) if node.args else None
    if ident is None:
        key = keywords.get("dataset") or keywords.get("competition")
        ident = _evaluate(key, constants) if key is not None else None
    folder_node = node.args[2 if single else 1] if len(node.args) > (2 if single else 1) else keywords.get("path")
    folder = ""
    if folder_node is not None:
        folder = _relative_text(folder_node, constants) or ""
        if not folder and (_evaluate(folder_node, constants) or "").strip() not in (".", "./"):
            return []  # a folder elsewhere (absolute, unknown): not the working directory's
    if single:
        name_node = node.args[1] if len(node.args) > 1 else keywords.get("file_name")
        name = _evaluate(name_node, constants) if name_node is not None else None
        names = [name, f"{name}.zip"] if name and "/" not in name else []
    else:
        slug = (ident or "").rstrip("/").rsplit("/", 1)[-1]
        names = [f"{slug}.zip"] if slug and re.fullmatch(r"[\w.\-]+", slug) else []
    return [_normal_path(f"{folder}/{n}" if folder else n) for n in names]


def _shell_outputs(catalog: Catalog) -> tuple[tuple[tuple[str, ...], tuple[str, ...], str, tuple[str, ...]], ...]:
    """`[[shell_output]]` of rules/io_calls.toml: (command words, options naming the output folder,
    the folder without one, the folders a run writes there)."""
    return tuple(
        (tuple(str(w) for w in e.get("command", ())), tuple(str(o) for o in e.get("options", ())),
         str(e.get("default", ".")), tuple(str(w) for w in e.get("writes", ())))
        for e in (dict(raw) for raw in catalog.table("io_calls", "shell_output", []) or [])
        if e.get("command")
    )


def _shell_tool_folders(args: str, outputs: Sequence[tuple[tuple[str, ...], tuple[str, ...], str, tuple[str, ...]]]) -> list[str]:
    """The relative folders a shell line's tool writes (`!kb count -o out …` writes
    `out/counts_unfiltered` and `out/counts_filtered`; `!env PYTHONUNBUFFERED=true ns-train …`
    `outputs`), by the `[[shell_output]]` catalogue; none for a line it cannot read: an output
    folder spelled with a hole (`-o {name}`, `-o $dir`), absolute or above the working directory,
    or a command after a `cd` of the same line."""
    out: list[str] = []
    for segment in re.split(r"\s*(?:&&|\|\||;|\|)\s*", args):
        tokens = [t.strip("\"'") for t in segment.split()]
        if tokens and tokens[0] in ("cd", "pushd"):
            break  # (the folders below are relative to a folder the line moved into)
        if tokens and tokens[0] == "env":
            tokens = tokens[1:]
        while tokens and re.fullmatch(r"[A-Za-z_]\w*=\S*", tokens[0]):
            tokens = tokens[1:]  # (`VAR=value` set for the command)
        for command, options, default, writes in outputs:
            if tuple(tokens[:len(command)]) != command:
                continue
            folder: Optional[str] = default
            rest = tokens[len(command):]
            for i, token in enumerate(rest):
                name, eq, value = token.partition("=")
                if name in options:
                    folder = value if eq else (rest[i + 1] if i + 1 < len(rest) else None)
            if folder is None or re.search(r"[{}$`*?]", folder) or folder.startswith(("/", "~", "..")):
                continue
            out.extend(_normal_path(f"{folder}/{w}" if w else folder) for w in writes)
    return [p for p in out if p and not p.startswith("..")]


def _function_strings(ca: CellAnalysis, tree: ast.Module, line: int) -> dict[str, Constant]:
    """The names the innermost function around `line` binds once, plainly, to a string literal (none
    of its parameters), as constants: `command = "kaggle competitions download -c "`."""
    functions = [f for f in tree_nodes(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and f.lineno < line <= (f.end_lineno or f.lineno)]
    if not functions:
        return {}
    function = max(functions, key=lambda f: f.lineno)
    found: dict[str, Optional[Constant]] = {}
    plain: set[int] = set()
    for sub in walk_nodes(function):
        if isinstance(sub, ast.Assign) and len(sub.targets) == 1 and isinstance(sub.targets[0], ast.Name):
            name = sub.targets[0].id
            plain.add(id(sub.targets[0]))
            value = sub.value
            once = name not in found and isinstance(value, ast.Constant) and isinstance(value.value, str)
            found[name] = Constant(name, value.value, ca, value.lineno, value.col_offset + 1) if once else None  # type: ignore[attr-defined]
    for sub in walk_nodes(function):
        if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load) and id(sub) not in plain:
            found[sub.id] = None
        elif isinstance(sub, ast.arg):
            found[sub.arg] = None
    return {name: c for name, c in found.items() if c is not None}


def _find_produced_paths(ctx: RuleContext) -> list[_Produced]:
    constants = string_constants(ctx.facts)
    outputs = _shell_outputs(ctx.catalog)
    out: list[_Produced] = []
    for ca in ctx.cells:
        index = ca.cell.index
        for magic in ca.magics:
            if magic.kind == "shell" and magic.name.lower() == "kaggle":
                tokens = ["kaggle", *(t.strip("\"'") for t in re.split(r"\s(?:\||&&|;|\|\|)\s", magic.args, maxsplit=1)[0].split()[1:])]
                for path in _kaggle_files(tokens):
                    out.append(_Produced(index, magic.line, path, False, (index, magic.line)))
            elif magic.kind == "shell" and outputs:
                # A folder a command-line tool of the catalogue writes (`!kb count --h5ad …` makes
                # `counts_unfiltered/` here), read back later: the notebook's own step made it, so
                # the read resolves wherever the notebook runs (fair check 25, items 119, 120).
                for path in _shell_tool_folders(magic.args, outputs):
                    out.append(_Produced(index, magic.line, path, True, (index, magic.line)))
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        # `with ZipFile(z) as zf:` / `zf = ZipFile(z)`: where the archive a name holds is opened.
        # (A name reused for each archive, `with ZipFile(a) as z:` … `with ZipFile(b) as z:`: the
        # last opening above the extract.)
        opened: dict[str, list[int]] = {}
        for node in nodes_of(tree, ast.With, ast.AsyncWith, ast.Assign):
            if isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if isinstance(item.optional_vars, ast.Name) and isinstance(item.context_expr, ast.Call):
                        opened.setdefault(item.optional_vars.id, []).append(item.context_expr.lineno)
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call):
                opened.setdefault(node.targets[0].id, []).append(node.value.lineno)
        for node in nodes_of(tree, ast.Call):
            func = node.func
            method = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if method not in _PRODUCING_METHODS and not (node.args and isinstance(node.args[0], (ast.List, ast.Tuple, ast.Call))):
                continue  # (no branch below takes it, the last two only a list of words or a `.split()`: most calls)
            keywords = {k.arg: k.value for k in node.keywords if k.arg}
            target: Optional[ast.AST] = None
            anchor = node.lineno
            if method in ("extractall", "unpack_archive") and (extraction := _extraction_target(node)) is not None:
                target = extraction
                receiver = func.value if isinstance(func, ast.Attribute) else None
                if method == "extractall" and isinstance(receiver, ast.Call):
                    anchor = receiver.lineno
                elif method == "extractall" and isinstance(receiver, ast.Name):
                    anchor = max((line for line in opened.get(receiver.id, ()) if line <= node.lineno), default=anchor)
                folder = True
            elif method == "unzip" and ctx.facts.resolve(dotted_name(func) or "") in _AUTOGLUON_UNZIPS:
                # `load_zip.unzip(url, unzip_dir=folder)` downloads the zip into the folder and
                # extracts it there: the folder is the download's (PTH003 reports the URL).
                target = keywords.get("unzip_dir") or (node.args[2] if len(node.args) > 2 else None)
                path = _relative_text(target, constants)
                if path:
                    out.append(_Produced(index, node.lineno, path, True, (index, node.lineno), downloads=True))
                continue
            elif method == "download" and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                    and ctx.facts.resolve(func.value.id) == "wget":
                target = node.args[1] if len(node.args) > 1 else keywords.get("out")
                folder = False
            elif method in _KAGGLE_API_DOWNLOADS and isinstance(func, ast.Attribute) \
                    and any(imp.top_level == "kaggle" for _, imp in ctx.facts.imports):
                # The Kaggle API's download (PTH007's finding) saves the file by name: a read of it
                # is that download's (fair check 27, item 118: download-destination-split-from-download).
                for path in _kaggle_api_files(node, method, constants):
                    out.append(_Produced(index, node.lineno, path, False, (index, node.lineno)))
                continue
            elif ctx.facts.resolve(dotted_name(func) or "") in _SUBPROCESS_CALLS and node.args and isinstance(node.args[0], (ast.List, ast.Tuple)):
                tokens = [_evaluate(e, constants) for e in node.args[0].elts]
                if all(t is not None for t in tokens):
                    for path in _kaggle_files([t for t in tokens if t is not None]):
                        out.append(_Produced(index, node.lineno, path, False, (index, node.lineno)))
                continue
            elif (ctx.facts.resolve(dotted_name(func) or "") in _SUBPROCESS_CALLS and node.args
                    and isinstance(node.args[0], ast.Call) and isinstance(node.args[0].func, ast.Attribute)
                    and node.args[0].func.attr == "split" and not node.args[0].args and not node.args[0].keywords):
                # `command = "kaggle competitions download -c "` / `subprocess.run((command +
                # competition).split())` in the notebook's own function: the zip it saves, read back
                # below, is that download's (PTH007's; fair check 37, items 110, 113, 115). The
                # function's names bound once to a literal, and the module's constants.
                text = _evaluate(node.args[0].func.value, {**constants, **_function_strings(ca, tree, node.lineno)})
                if text is not None:
                    for path in _kaggle_files(text.split()):
                        out.append(_Produced(index, node.lineno, path, False, (index, node.lineno)))
                continue
            else:
                continue
            path = _relative_text(target, constants)
            if path is None and target is not None:
                # Into the working directory, named so: `os.getcwd()`, `Path.cwd()`, a name bound to
                # one, or a file below it (`f"{os.getcwd()}/train.zip"`).
                path = _cwd_rest(ctx, target, index, node.lineno)
            if path or (path == "" and folder):
                out.append(_Produced(index, node.lineno, path, folder, (index, anchor)))
    # A file an object-store or run download saves by name (`run.download_file("outputs/x.json",
    # "x.json")`, `s3.Bucket(b).download_file(key, "data/x.csv")`), read back later: the notebook
    # fetched it itself before the read, wherever it runs (fair check 27, item 123:
    # fetched-file-read-back). The step has no finding of this rule: the read goes with it.
    out.extend(_Produced(cell, line, path, False, (cell, line)) for (cell, line), path in _object_store_downloads(ctx) if path)
    return out


def _extraction_target(node: ast.Call) -> Optional[ast.AST]:
    """The folder argument of an archive extraction, the one notion of "a folder the notebook
    unpacks an archive into" (PTH006's and PTH003's produced folders, PTH001's temporary folders the
    notebook fills): `ZipFile(z).extractall("data")`, `tarfile.open(t).extractall(path="data")`,
    `shutil.unpack_archive(z, "data")`, or `extract_dir=`. None for another call, and for an
    extraction that names no folder (`zf.extractall()`: into the working directory)."""
    func = node.func
    method = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    if method == "extractall" and isinstance(func, ast.Attribute):
        return node.args[0] if node.args else keywords.get("path")
    if method == "unpack_archive":
        return node.args[1] if len(node.args) > 1 else keywords.get("extract_dir")
    return None


def _absolute_extractions(ctx: RuleContext) -> tuple[tuple[int, int, str], ...]:
    """(cell, line, folder) of each extraction into an absolute folder the notebook names by
    literal or string constant (`zip_ref.extractall("/tmp/horse-or-human")`, `extractall(base)` with
    `base = "/tmp"`), the folder normalised. Found once per notebook (PTH001 asks)."""
    def find() -> tuple[tuple[int, int, str], ...]:
        constants = string_constants(ctx.facts)
        out: list[tuple[int, int, str]] = []
        for ca in ctx.cells:
            tree = cell_python_tree(ca)
            if tree is None or ("extractall" not in ca.cell.source and "unpack_archive" not in ca.cell.source):
                continue
            for node in nodes_of(tree, ast.Call):
                target = _extraction_target(node)
                value = _evaluate(target, constants) if target is not None else None
                if value and value.startswith("/"):
                    out.append((ca.cell.index, node.lineno, _normal_path(value)))
        return tuple(out)
    return ctx.shared("paths.absolute_extractions", find)


def _extracts_fetched_archive(ctx: RuleContext, f: LiteralFinding, produced: Sequence[_Produced], written: Collection[str]) -> bool:
    """Is `f` the folder an extraction writes (`zipref.extractall("./")`) of an archive that a
    download step saved by name, a step with no finding of this rule (`api.dataset_download_file(…,
    file_name="podcasts.csv", path="./")`, then `with ZipFile("podcasts.csv.zip") as zipref:`)? The
    download's finding stands for the archive, what it holds and where it is unpacked (fair check
    27, item 118)."""
    if not produced or f.argument is None or f.argument.call.method not in ("extractall", "unpack_archive"):
        return False
    cell = f.ca.cell.index
    step = next((p for p in produced if p.folder and (p.cell, p.line) == (cell, f.argument.call.line)), None)
    if step is None:
        return False
    archives = [
        o for o in literal_findings(ctx)
        if (o.ca.cell.index, o.line) == step.anchor and o.argument is not None and o.argument.direction in ("read", "none")
    ]
    return bool(archives) and all(
        (source := _read_back(o.value, o.ca.cell.index, o.line, o.argument.direction, produced, written)) is not None
        and not source.folder and source.anchor == (source.cell, source.line)
        for o in archives
    )


def _read_back(value: str, cell: int, line: int, direction: str, produced: Sequence[_Produced], written: Collection[str] = ()) -> Optional[_Produced]:
    """The step above (cell, line) that made the relative path `value` this read opens, or None
    (None too for a path the notebook also writes: `written`, normalised)."""
    path = _normal_path(value)
    if direction not in ("read", "none") or path in written:
        return None
    # (a step naming the path's own folder or file first; else the nearest extraction into the
    # working directory above, which holds any file named bare)
    into_cwd: Optional[_Produced] = None
    for p in produced:
        if (p.cell, p.line) < (cell, line) and (_extracted_under(path, p.path) if p.folder else path == p.path):
            if not (p.folder and p.path == ""):
                return p
            into_cwd = p
    return into_cwd


_UPLOAD_METHODS = frozenset({"upload_data", "upload_file"})  # SageMaker `Session.upload_data(path=)`, boto3 `upload_file`
_UPLOAD_FILE_KEYWORDS = ("path", "Filename", "local_path", "file", "path_or_stream")  # (Azure ML's `Run.upload_file`)


# An experiment tracker's calls that copy a local file into the run: Neptune's `run["model"].upload(path)`
# (and `upload_files`), Sacred's `ex.add_artifact(filename=…)`, MLflow's `log_artifact(local_path)`.
_TRACKER_UPLOADS = frozenset({"upload", "upload_files", "add_artifact", "log_artifact"})
# (Azure ML's `Datastore.upload(src_dir=…)`, a folder uploaded whole, and `upload_files(files=[…])`, a list)
_TRACKER_FILE_KEYWORDS = ("filename", "local_path", "path", "value", "file", "src_dir", "files")


def _upload_file_arguments(ctx: RuleContext, cell: int, node: ast.Call) -> list[ast.AST]:
    """The arguments of an upload call that name the local files it sends: a tracker's upload
    (`run["model"].upload(path)`, `add_artifact(filename=…)`, `Datastore.upload(src_dir=…)`),
    SageMaker's `upload_data(path=…)`, boto3's and Azure ML's `upload_file`; the elements of a list
    given whole (`upload_files(["./features.npy", "./labels.npy"], …)`). Not an argument that names
    a place on the remote side (`upload_file(name=…)`, `target_path=`: `_in_container`'s spans)."""
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in _TRACKER_UPLOADS:
        given = node.args[:1] + [k.value for k in node.keywords if k.arg in _TRACKER_FILE_KEYWORDS]
    elif isinstance(func, ast.Attribute) and func.attr in _UPLOAD_METHODS:
        given = [*node.args, *(k.value for k in node.keywords if k.arg in _UPLOAD_FILE_KEYWORDS)]
    else:
        return []
    given = [e for g in given for e in (g.elts if isinstance(g, (ast.List, ast.Tuple)) else (g,))]
    spans = _container_spans(ctx)
    return [g for g in given if not (spans and in_container(spans, cell, g.lineno, g.col_offset))]


def _tracker_uploads(ctx: RuleContext) -> list[tuple[tuple[int, int], str]]:
    """((cell, line of the call), normalised relative path) of each file handed to an upload: a
    tracker's upload call (`run["model"].upload(path)`, `S3Uploader.upload(local_path=…)`), SageMaker's
    `upload_data(path=…)` and boto3's `upload_file(Filename, …)` (any argument), or an example a
    Gradio demo shows (`gr.Interface(…, examples=[["document.png"]])`, read back from the same
    folder when the demo starts). The path is spelled by a literal, a string constant or an f-string
    of them (`f"./{model_fname}.pth"`; fair check 24: a constant given to `upload_data(path=…)`)."""
    def compute() -> tuple[tuple[tuple[int, int], str], ...]:
        constants = string_constants(ctx.facts)
        found: list[tuple[tuple[int, int], str]] = []
        for ca in ctx.cells:
            tree = cell_python_tree(ca)
            if tree is None:
                continue
            for node in nodes_of(tree, ast.Call):
                func = node.func
                if isinstance(func, ast.Attribute) and func.attr in _TRACKER_UPLOADS | _UPLOAD_METHODS:
                    given = _upload_file_arguments(ctx, ca.cell.index, node)
                else:
                    examples = [k.value for k in node.keywords if k.arg == "examples"]
                    if not examples or not ctx.facts.resolve(dotted_name(func)).startswith("gradio."):
                        continue
                    shown_examples = examples[0]
                    if isinstance(shown_examples, ast.Name):  # `examples = [['document.png']]` above
                        bound = _last_binding(ctx, shown_examples.id, ca.cell.index, node.lineno)
                        shown_examples = bound[0] if bound is not None else shown_examples
                    given = [n for n in walk_nodes(shown_examples) if isinstance(n, (ast.Constant, ast.Name, ast.JoinedStr))]
                for g in given:
                    value = _evaluate(g, constants)
                    if value is None and isinstance(g, ast.Name):
                        value = _value_at(ctx, g, ca.cell.index, node.lineno, 0)  # (bound in several cells)
                    if value and "://" not in value and not value.startswith(("/", "~")):
                        found.append(((ca.cell.index, node.lineno), _normal_path(value)))
        return tuple(found)
    return list(ctx.shared("paths.tracker_uploads", compute))


def _upload_places(ctx: RuleContext) -> frozenset[tuple[int, int]]:
    """(cell, line) of each upload call `_tracker_uploads` finds."""
    return ctx.shared("paths.upload_places", lambda: frozenset(at for at, _ in _tracker_uploads(ctx)))


def _object_store_downloads(ctx: RuleContext) -> list[tuple[tuple[int, int], str]]:
    """((cell, line of the call), normalised relative path) of each local file an object-store
    download saves: boto3's `s3.Bucket(name).download_file(key, "data/x.csv")`,
    `client.download_file(bucket, key, "data/x.csv")`, `s3.Object(bucket, key).download_file(path)`
    (`Filename=` too), Azure ML's `run.download_file("outputs/x.json", "x.json")`
    (`output_file_path=` too), its path a literal or a string constant; not a library's
    `download_file(url, path)` of a web URL (PTH003's). The notebook writes that file (fair
    check 24: a public dataset copied into the session's bucket through a local file; fair check
    27, item 123: a run's output fetched and read back)."""
    def compute() -> tuple[tuple[tuple[int, int], str], ...]:
        constants = string_constants(ctx.facts)
        found: list[tuple[tuple[int, int], str]] = []
        for ca in ctx.cells:
            if "download_file" not in ca.cell.source:
                continue
            tree = cell_python_tree(ca)
            for node in nodes_of(tree, ast.Call) if tree is not None else ():
                func = node.func
                if not (isinstance(func, ast.Attribute) and func.attr == "download_file"):
                    continue
                receiver = func.value
                made_by = receiver.func.attr if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute) else ""
                # (Azure ML's `Run.download_file(name, output_file_path)` takes two: boto3's client
                # three, `bucket.download_file(key, path)` of a bucket held by a name two as well)
                position = {"Bucket": 1, "Object": 0}.get(made_by, 1 if len(node.args) == 2 else 2)
                given = [k.value for k in node.keywords if k.arg in ("Filename", "output_file_path")]
                source = _value_at(ctx, node.args[0], ca.cell.index, node.lineno, 0) if node.args else None
                if made_by not in ("Bucket", "Object") and (
                        "://" in (source or "") or (position == 1 and node.args and source is None)):
                    continue  # (a library's `download_file(url, path)`: a web download, PTH003's; a source unknown here may be one)
                if not given and len(node.args) > position and not any(isinstance(a, ast.Starred) for a in node.args):
                    given = [node.args[position]]
                # (a name bound in several cells, `local_path`, takes its last value above the call)
                for value in (_value_at(ctx, g, ca.cell.index, node.lineno, 0) for g in given):
                    if value and "://" not in value and not value.startswith(("/", "~")):
                        found.append(((ca.cell.index, node.lineno), _normal_path(value)))
        return tuple(found)
    return list(ctx.shared("paths.object_store_downloads", compute))


def _staged_upload_use(ctx: RuleContext, cell: int, pa: PathArgument, node: ast.AST) -> bool:
    """Is this use an upload call's (`S3Uploader.upload(local_path=local_path, …)`) of a file an
    object-store download saved above it (`local_path` bound in several cells: its value there)?
    Staging, as for a constant bound once (`_constant_staged`)."""
    at = (cell, pa.call.line)
    if at not in _upload_places(ctx):
        return False
    value = _value_at(ctx, node, cell, pa.arg.line, 0)
    return value is not None and any(
        path == _normal_path(value) and made < at for made, path in _object_store_downloads(ctx))


def _written_for_upload(ctx: RuleContext, ca: CellAnalysis, tree: ast.Module, pa: PathArgument, node: ast.AST) -> bool:
    """Is this a write to a path held by a name (`joblib.dump(value=model, filename=filename)`) that an
    upload call below in the same cell hands on, the name not bound again between them
    (`run.upload_file(name=model_name, path_or_stream=filename)`)? Staging for the upload (the file the
    tracker's run keeps), as for a literal (`_staged_for_upload`; fair check 27, item 115)."""
    if pa.direction != "write" or not isinstance(node, ast.Name) or "upload" not in ca.cell.source:
        return False
    for call in nodes_of(tree, ast.Call):
        if call.lineno <= pa.call.line or not any(
                isinstance(g, ast.Name) and g.id == node.id for g in _upload_file_arguments(ctx, ca.cell.index, call)):
            continue
        return not any(
            isinstance(n, ast.Name) and n.id == node.id and isinstance(n.ctx, ast.Store) and pa.call.line < n.lineno < call.lineno
            for n in nodes_of(tree, ast.Name))
    return False


def _staged_for_upload(ctx: RuleContext, groups: Sequence[Sequence[LiteralFinding]]) -> frozenset[str]:
    """Relative files the notebook only writes, each then handed by the same literal to an upload
    call below (`df.to_csv("data/train.csv")`, then `sess.upload_data(path="data/train.csv", …)`),
    and the folder made for them when nothing else is in it (`os.makedirs("data")`): staging for the
    upload, made wherever the notebook runs, so they fail nowhere (fair checks 12 and 13). A file an
    object-store download saved (`Bucket(…).download_file(key, "raw-data/abalone.csv")`) is written by
    the notebook too (fair check 24). The upload's remote side is another rule's (PTH003)."""
    uploads = _tracker_uploads(ctx)
    if not uploads:
        return frozenset()
    upload_calls = _upload_places(ctx)
    saved = _object_store_downloads(ctx)
    files: set[str] = set()
    folders: dict[str, bool] = {}
    for g in groups:
        path = _normal_path(g[0].value)
        # An f-string's holes filled from constants (`f"{model_fname}_arch.txt"`): the file it names.
        formatted = _formatted(ctx, g[0])
        spelled = _normal_path(formatted[1]) if formatted is not None and formatted[1] else path
        made = [at for at, value in saved if value in (path, spelled)]
        # (the upload call's own argument, when it is a path argument too, is no other use)
        kept = [o for o in g if o.argument is None or (o.ca.cell.index, o.argument.call.line) not in upload_calls]
        if not kept and not made:
            kept = list(g)
        written = all(o.argument is not None and (
            o.argument.direction == "write" or (o.ca.cell.index, o.argument.call.line) in made) for o in kept)
        first = min([(o.ca.cell.index, o.line) for o in kept] + made)
        # (the file as written: `np.savez("./data/training", …)`, then `upload_data("data/training.npz")`)
        names = {path, spelled, *(written_file(o) for o in kept)}
        # (or a file written into a folder the upload takes whole: `df.to_csv("data/train.csv")`, then
        # Azure ML's `ds.upload(src_dir="./data", …)`; fair check 27, item 99)
        if written and any((value in names or any(_under(n, value) for n in names)) and at > first for at, value in uploads):
            files.add(path)
        elif written and all(o.argument is not None and o.argument.call.method in ("makedirs", "mkdir") for o in g) or (
                # (made only when missing: `if not os.path.isdir("data"): os.mkdir("data")`)
                kept and all(o.argument is not None and (o.argument.call.method in ("makedirs", "mkdir") or o.argument.qualified in _EXISTENCE_TESTS) for o in kept)
                and any(o.argument is not None and o.argument.call.method in ("makedirs", "mkdir") for o in kept)):
            folders[path] = True
    # A folder handed to the upload whole (`upload_data(path="data")`) is staging only when nothing
    # under it is a finding of its own (a file there the notebook also reads back).
    paths = [_normal_path(g[0].value) for g in groups]
    files = {f for f in files if all(p in files or not p.startswith(f + "/") for p in paths)}
    staged_folders = {
        folder for folder in folders
        if any(f.startswith(folder + "/") for f in files)
        and all(_normal_path(g[0].value) in files or _normal_path(g[0].value) == folder
                for g in groups if _normal_path(g[0].value).startswith(folder + "/"))
    }
    return frozenset(files | staged_folders)


def _making_step(value: str, cell: int, line: int, produced: Sequence[_Produced]) -> Optional[_Produced]:
    """The step at (cell, line) that makes the folder `value` itself (the destination argument of
    `load_zip.unzip`), or None."""
    path = _normal_path(value)
    return next((p for p in produced if (p.cell, p.line) == (cell, line) and p.folder and p.path == path and path), None)


def _extracted_under(path: str, folder: str) -> bool:
    """Is `path` in the folder an archive was extracted into? Into the working directory itself
    ("", `extractall(".")`, `extractall(os.getcwd())`): a file named bare (`glove.6B.100d.txt`),
    not one in a folder of its own (`data/sample_submission.csv` is no file of the archive's
    but the project's data, whatever was extracted beside it)."""
    if folder == "":
        return bool(path) and "/" not in path and path not in (".", "..")
    return _under(path, folder)


def _with_fallback_fetches(ctx: RuleContext, hits: list[Hit]) -> list[Hit]:
    """A relative read of a committed file whose `except FileNotFoundError:` fetches the remote
    copy (`CommittedCopyFallback`): the fetch is this finding's, related, and the message says so
    (PTH003 leaves it; fair check 19, try-local-then-fetch-committed-copy)."""
    fallbacks = committed_copy_fallbacks(ctx)
    if not fallbacks:
        return hits
    out: list[Hit] = []
    for hit in hits:
        where = ({(hit.cell.index, hit.line)} if hit.cell is not None else set()) | {(c.index, line) for c, line, _ in hit.related if c is not None}
        mine = [fb for fb in fallbacks if (fb.cell.index, fb.read_line) in where]
        if not mine:
            out.append(hit)
            continue
        places = [(fb.cell, line, column) for fb in mine for line, column in fb.fetch_places]
        note = ("; the file is committed and read from the notebook's folder, and when it is missing (run from another "
                "folder) the `except FileNotFoundError` branch downloads the repository's remote copy instead (related)")
        out.append(replace(hit, message=hit.message + note, related=tuple(dict.fromkeys([*hit.related, *places]))))
    return out


# Library calls that make sample data on the spot or load a copy the package ships (no file of the
# notebook's, no download): dask's synthetic `dask.datasets.timeseries()`, scikit-image's bundled
# `skimage.data.astronaut()`, scikit-learn's `make_*` generators and bundled toy sets.
_SAMPLE_DATA_PREFIXES = ("dask.datasets.", "dask_ml.datasets.make_", "skimage.data.", "sklearn.datasets.make_")
_SAMPLE_DATA_CALLS = frozenset({
    "sklearn.datasets.load_iris", "sklearn.datasets.load_digits", "sklearn.datasets.load_wine",
    "sklearn.datasets.load_breast_cancer", "sklearn.datasets.load_diabetes", "sklearn.datasets.load_linnerud",
    "sklearn.datasets.load_sample_image", "sklearn.datasets.load_sample_images",
})


def _sample_data(ctx: RuleContext, node: ast.AST, cell: int, line: int, depth: int = 0,
                 saved: Sequence[tuple[tuple[int, int], str]] = ()) -> bool:
    """Is `node` sample data a library makes or ships (`dask.datasets.timeseries()`,
    `data.astronaut()[:256, :256]`, a name whose last plain binding above is one, a method's result
    on one: `df.head()`)? With `saved` (the places and paths such data was saved to), so is what a
    call reads back from one of those paths by literal (`dd.read_csv("data/2000-*-*.csv")`)."""
    while depth < 4:
        if isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call):
            qualified = ctx.facts.resolve(dotted_name(node.func) or "")
            if qualified in _SAMPLE_DATA_CALLS or qualified.startswith(_SAMPLE_DATA_PREFIXES):
                return True
            first = node.args[0] if node.args else None
            if saved and isinstance(first, ast.Constant) and isinstance(first.value, str) and any(
                    at < (cell, node.lineno) and fnmatch.fnmatchcase(_normal_path(first.value), written) for at, written in saved):
                return True
            if not isinstance(node.func, ast.Attribute):
                return False
            node = node.func.value  # (a method of the value: `timeseries().head()`)
        elif isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Name):
            bound = _last_binding(ctx, node.id, cell, line)
            if bound is None:
                return False
            node, cell, line = bound
            depth += 1
        else:
            return False
    return False


# Keywords of a save that take the data saved (not its description or the path).
_SAVED_DATA_KEYWORDS = frozenset({"arr", "data", "image", "img", "im", "array", "obj", "values", "frame", "df"})


def _sample_data_written(ctx: RuleContext, cell: int, pa: PathArgument, saved: Sequence[tuple[tuple[int, int], str]] = ()) -> bool:
    """Does this write save sample data a library makes or ships: the writing method's object
    (`df.to_csv("data/*.csv")` with `df = dask.datasets.timeseries()` above) or another argument of
    the call (`io.imsave(name, data.astronaut())`)?"""
    if pa.direction not in ("write", "both", "none"):
        return False
    analysis = next((c for c in ctx.cells if c.cell.index == cell), None)
    tree = cell_python_tree(analysis) if analysis is not None else None
    if tree is None:
        return False
    for node in nodes_of(tree, ast.Call):
        if node.lineno != pa.call.line or (dotted_name(node.func) or "") != pa.call.func:
            continue
        # (the path itself is no data; a call the catalogue does not know, `io.imsave(name,
        # data.astronaut())`, saves the data it is given beside the path)
        path_node = pa.arg.position is not None and pa.arg.position < len(node.args) and node.args[pa.arg.position]
        candidates: list[ast.AST] = [a for a in node.args if a is not path_node]
        # A keyword is the saved data only when named as data (`np.save(file=…, arr=…)`): others describe it
        # (`export_graphviz(clf, feature_names=iris.feature_names, out_file=…)` saves a tree trained on the
        # sample data, a result: test_realmig's tree_export, whose `.dot` path the compiler must lift).
        candidates += [k.value for k in node.keywords if k.arg in _SAVED_DATA_KEYWORDS and k.arg != pa.arg.keyword]
        if isinstance(node.func, ast.Attribute) and pa.direction != "none":
            candidates.append(node.func.value)
        if any(_sample_data(ctx, c, cell, node.lineno, saved=saved) for c in candidates):
            return True
        # (a join given as the path of a save: `io.imsave(os.path.join("tiles", "00.png"), data.astronaut()[:256])`)
        outer = next((o for o in nodes_of(tree, ast.Call) if any(a is node for a in o.args)), None)
        if outer is not None and (dotted_name(node.func) or "") in ("os.path.join", "path.join", "osp.join") and any(
                _sample_data(ctx, a, cell, outer.lineno, saved=saved) for a in outer.args if a is not node):
            return True
    return False


def _sample_data_writes(ctx: RuleContext) -> tuple[tuple[tuple[int, int], str], ...]:
    """The places and paths (normalised, globs kept: `data/*.csv`) where the notebook saves sample
    data a library makes or ships, by literal or constant."""
    def find(saved: Sequence[tuple[tuple[int, int], str]] = ()) -> tuple[tuple[tuple[int, int], str], ...]:
        out: list[tuple[tuple[int, int], str]] = []
        for f in literal_findings(ctx):
            if f.argument is not None and f.source == "python" and _sample_data_written(ctx, f.ca.cell.index, f.argument, saved):
                out.append(((f.ca.cell.index, f.argument.call.line), written_file(f) or _normal_path(f.value)))
        for _, value, pa in propagated_paths(ctx):
            cell = _cell_of(ctx, pa)
            if _sample_data_written(ctx, cell, pa, saved):
                out.append(((cell, pa.call.line), _with_suffix(_normal_path(value), pa)))
        return tuple(dict.fromkeys(out))

    def read_back(saves: Sequence[tuple[tuple[int, int], str]]) -> tuple[tuple[tuple[int, int], str], ...]:
        # (only a save some later call reads again, by a path it matches: a copy only written,
        # `load_iris(as_frame=True).frame.to_csv("iris_copy.csv")`, is an output and stays reported)
        if not saves:
            return ()
        reads = [((f.ca.cell.index, f.argument.call.line), written_file(f)) for f in literal_findings(ctx)
                 if f.argument is not None and f.source == "python" and f.argument.direction in ("read", "both", "none")]
        reads += [((_cell_of(ctx, pa), pa.call.line), _normal_path(value)) for _, value, pa in propagated_paths(ctx)
                  if pa.direction in ("read", "both", "none")]
        return tuple(save for save in saves if any(
            at > save[0] and (fnmatch.fnmatchcase(path, save[1]) or _under(save[1], path) and path != save[1])
            for at, path in reads))

    def twice() -> tuple[tuple[tuple[int, int], str], ...]:
        # (then what is saved from a read of those files: `df = dd.read_csv("data/2000-*-*.csv")`,
        # `df.to_parquet("data/2000-01.parquet")`)
        first = read_back(find())
        return read_back(find(first)) if first else first
    return ctx.shared("paths.sample_writes", twice)


def _sample_data_use(place: tuple[int, int], path: str, direction: str, writes: Sequence[tuple[tuple[int, int], str]]) -> bool:
    """Is this use of `path` at `place` (cell, line) one of sample data the notebook saved itself:
    at or after a save of it (or of a glob it matches: `data/2000-01-07.csv` of `data/*.csv`), or the
    folder such a save of the same cell writes into, made or tested above it (`if not
    os.path.exists("data"): os.mkdir("data")`)?"""
    for at, written in writes:
        if at <= place and fnmatch.fnmatchcase(path, written):
            return True
        if direction == "none" and at <= place and _under(written, path) and written != path:
            return True  # (the folder joined into a path of it: `os.path.join("temp", "astronaut.png")`)
        if (direction != "read" and path and at[0] == place[0] and place <= at
                and _under(written, path) and written != path):
            return True
    return False


def _sample_data_round_trip(ctx: RuleContext, places: Sequence[tuple[tuple[int, int], str, str]]) -> bool:
    """Is every use of this path ((cell, line), path, direction) one of sample data the notebook
    saved itself (`_sample_data_use`), a save of it among them or above? The notebook makes the
    file before any read, wherever it runs, from data no file of its own holds: nothing to
    configure (fair check 26, items 104, 105: self-consumed-staging-file)."""
    writes = _sample_data_writes(ctx)
    return bool(writes) and bool(places) and all(_sample_data_use(at, path, direction, writes) for at, path, direction in places)


def _constant_staged(ctx: RuleContext, uses: Sequence[tuple[Constant, str, PathArgument]], uploaded: Sequence[tuple[tuple[int, int], str]]) -> bool:
    """Is a constant's file written by the notebook (its calls that are no upload all write it, or an
    object-store download saves it: `local_path = "data/abalone.csv"`, `Bucket(…).download_file(key,
    local_path)`) and then handed to an upload below its first write? Staging for the upload."""
    upload_calls = _upload_places(ctx)
    value = _normal_path(uses[0][1])
    made = [at for at, path in _object_store_downloads(ctx) if path == value]
    # (the upload calls' own uses are no writes)
    others = [(at, pa) for at, pa in (((_cell_of(ctx, pa), pa.call.line), pa) for _, _, pa in uses) if at not in upload_calls]
    if not all(pa.direction == "write" or at in made for at, pa in others):
        return False
    writes = [at for at, _ in others]
    if not writes and not made:
        return False
    first = min(writes + made)
    names = {value, *(_with_suffix(value, pa) for _, pa in others)}  # (`np.save(name, …)` writes `<name>.npy`)
    return any(path in names and at > first for at, path in uploaded)


class CwdRelativePath(Rule):
    code = "PTH006"
    quiet_in_reference_sheets = True
    compile_fix = "config"
    name = "cwd-relative-path"
    family = Family.PATHS
    severity = Severity.INFO
    summary = "A relative path literal is passed to a file-reading or -writing call."
    what_it_does = (
        "Reports a relative path literal (`\"data/train.csv\"`, `\"model.pkl\"`, `\".\"`, `\"../out\"`, "
        "`\"data\\\\train.csv\"`, `f\"runs/{name}\"`) passed where a call of `rules/io_calls.toml` takes a "
        "path: `pd.read_csv`, `open`, `df.to_csv`, `np.save`, `joblib.dump`, `torch.save`, `Path`, "
        "`os.makedirs`, `glob.glob`, Unsloth's `model.save_lora`, IPython's `Image(filename=\"images/01.png\")` (a figure the notebook saved first and then shows is its own output, not an input), and the script a `!` line runs by a relative path (`! python ../.convert_notebook_to_script.py --input ch14.ipynb`, `!bash run.sh`; not `python -m`/`-c`, not after a `cd` in its chain or a `%cd` above, not a quoted container command, not a script a download or clone line above saved; one finding per folder, a folder `%mkdir`/`!mkdir` makes related to its folder's finding, none of its own)… (not a piece of a join given straight to a `sys.path` edit, "
        "`sys.path.append(os.path.join(\"..\", \"..\"))`, nor a literal only made absolute for one, `sys.path.insert(0, os.path.abspath(\"./lib\"))`, also through a name read only as such an entry, `ROOT_DIR = os.path.abspath(\"../../\")` then `sys.path.append(ROOT_DIR)` (and in `if ROOT_DIR not in sys.path:` guarding it): a folder of code put on the import path, PTH005's) A call no catalogue names counts too when the evidence is "
        "strong, and is said to use the path (read or write unknown): a keyword naming a file or folder (`path`, `file`, "
        "`filename`, `filepath`, `fname`, `directory`, `folder`, `logdir`, `outdir`, or ending `_path`, `_file`, `_dir`, `_directory`, "
        "`_folder`, `_filename`: `TabularPredictor(path=\"agModels\")`, `model.train(output_directory=\"runs\")`), or a first "
        "positional argument, literal or string constant, shaped like a data, model, archive, image, raster or AnnData file "
        "(`.csv`, `.parquet`, `.pkl`, `.pt`, `.gz`, `.zip`, `.txt`, `.npy`, `.jpg`, `.png`, `.tif`, `.shp`, `.gpkg`, `.h5ad`…; not "
        "an extension alone, `cv2.imencode(\".jpg\", frame)`) or starting with `./` or `../` (`sc.textFile(\"./kddcup.data.gz\")`, "
        "`benchmark.run(\"results.csv\")`, `K.io.load_image(\"panda.jpg\")`; a method called on another call's result only given a first "
        "literal starting with `./` or `../`, `step.get_output_data(\"processed\").download(\"./outputs\")`, not a text method's: `name().replace(\"./\", \"\")`; never an XPath or CSS selector, by the method taking it (`find_element_by_xpath`, `find_element`, `.xpath`, `.css`, `.select`) or by its shape (`.//div[@class=\"arrival\"]/time`); not a bare file name given to a file keyword beside a folder "
        "keyword of the same call, `DocEmbedder(repo_path=root, yaml_file=\"feature_store.yaml\")`: a name inside that folder), or one of the keywords that name a file only "
        "sometimes (`output`, `checkpoint`, `source`, `image`, `mask`, `input`) given such a file, literal or constant, not a URL "
        "(`tms_to_geotiff(output=\"Image.tif\")`, `SamGeo(checkpoint=\"sam_vit_h.pth\")`; not `source=\"Satellite\"`); never a call that only shows, logs, formats, matches or compares text (`print`, "
        "`logging`, `warnings`, `re`, `os.path`, `json`, str, dict and list methods, plot titles, frame column operations), a model "
        "or dataset id (`from_pretrained`, `load_dataset`, `hf_hub_download`: PTH007's; a Hub id `org/name` given to a model "
        "keyword such as `model_path=` when no other string of the notebook names `org`: deepchem's `ProtBERT(model_path=\"Rostlab/prot_bert\")`), an upload's staged file, nor the "
        "notebook's own function, class or method (followed as below; a method named like one of its classes' only on an "
        "object of unknown class, not `TabularPredictor.load(…)` nor a helper module's `helpers.load(…)`: a helper `.py` "
        "beside the notebook that opens the path it is given resolves it against the same working directory, and counts "
        "like a library). A call under `if False:` (or in the `else` of "
        "`if True:`), a template's optional variant, never runs: not reported, here or in PTH001–PTH007; nor, here or in PTH001–PTH005, "
        "one under a flag the notebook binds once to the literal False and never rebinds (`save_model = False`, then `if save_model is True:`, `if save_model:` or `if save_model == True:`). "
        "Import aliases are resolved, so `pd.read_csv` and "
        "`from pandas import read_csv` both count, and so does a name only a star import can provide "
        "(`from fastai.vision.all import *` then `get_image_files(\"bird_or_not\")`, `Path(\"sml\")`: looked up "
        "under each star-imported module and what it re-exports, `[[star_reexport]]` in io_calls.toml; a name no catalogue "
        "names there counts as a call no catalogue names, as above: `from w2v_utils import *` then "
        "`read_glove_vecs(\"data/glove.6B.50d.txt\")`; not a bare name of `%run helpers.py`), and so does a name nothing binds "
        "(an import lost, HID003's) whose catalogued namesakes all take the path alike (`Image(filename=\"../x.png\")` as "
        "IPython.display's). "
        "Other literals are not reported: a folder given to `os.chdir`, or its pieces (PTH004's), the name of a sample a "
        "library ships or caches itself (`load_sample_image(\"china.jpg\")`, `sns.load_dataset(\"tips\")`, `skimage.data`, ultralytics' model configs by their bare names (`YOLO(\"yolov8n-seg.yaml\")`), detectron2's `model_zoo.get_config_file(\"COCO-InstanceSegmentation/mask_rcnn_R_50_FPN_3x.yaml\")`, libpysal's `examples.get_path(\"mexicojoin.shp\")` and `.get_path(name)` of an example `examples.load_example(…)` returns), a relative file a Colab path of the notebook also names (`model.save(\"final_model.h5\")`, then "
        "`load_model(\"/content/final_model.h5\")`: PTH002 reports the pair, the relative use related; in a Colab notebook also a folder, "
        "`tokenizer.save_model(\"KantaiBERT\")` beside `token_dir = \"/content/KantaiBERT\"`, a path into the mounted Drive through Colab's "
        "working directory, `open(\"drive/MyDrive/files/api_key.txt\")` after `drive.mount(\"/content/drive\")`, and the file a shell line copies "
        "out of it, `!cp \"drive/MyDrive/files/api_key.txt\" \"api_key.txt\"`, then `open(\"api_key.txt\")`), the paths of nbdev's own build "
        "calls in a notebook nbdev exports (`#|default_exp cli`, then `nb_export(\"cli.ipynb\", lib_path=\".\")`: the notebook and its package), a member name given to an "
        "open archive (`with zipfile.ZipFile(…) as zin:` or `tar = tarfile.open(…)`, then `zin.open(\"lyrics.txt\")`, "
        "`tar.extractfile(…)`, `read`, `getinfo`, `getmember`, `extract`: a name inside the archive, whose own path is judged), a listing of the "
        "working directory only displayed (`sorted(n for n in os.listdir(\".\") if n.endswith(\".zip\"))` as a bare "
        "expression or in `print`, `\"profile_store\" in os.listdir(os.getcwd())`: it fails nowhere), the fallback of the notebook's own "
        "function for a parameter every call gives (`if not directory: directory = Path(\"data\")` with every call passing a directory: "
        "never run), code that runs only on Colab or Kaggle (the body of an `if` "
        "testing for them, the part of its test right of the check in an `and`: `if \"google.colab\" in sys.modules and "
        "not os.path.exists(\".setup_complete\"):` then `os.makedirs(\"helpers\")`; a hosted runtime's working directory is fixed), "
        "a folder of episode videos a recorder writes (`RecordVideo(env, video_folder=\"videos\")`, `recording = true` in "
        "io_calls.toml) and the notebook only lists to show a clip (`sorted(Path(\"videos\").iterdir())`), "
        "the root of one `download=True` dataset used only by that dataset class (`datasets.MNIST(\"../data\", train=True, download=True)` "
        "and its test split, or of one PyTorch Geometric dataset class, which downloads whenever its root lacks the files: "
        "`Planetoid(\"./data\", \"Cora\")`; PTH007 reports the download; a root two datasets share stays reported, "
        "`Planetoid(\"./data\", \"Cora\")` and `TUDataset(root=\"./data\", name=\"MUTAG\")`), and so is a root joined "
        "into a name that only a PyTorch Geometric dataset reads, for one dataset (`path = osp.join(\".\", \"data\", \"Cora\")`, then "
        "`Planetoid(path, \"Cora\")`), "
        "a path under a folder a command-line tool of a shell line above writes (`[[shell_output]]` of io_calls.toml: `!kb count "
        "--h5ad …` makes `counts_unfiltered/` in its `-o` folder, the working directory by default, then "
        "`anndata.read_h5ad(\"counts_unfiltered/adata.h5ad\")`; nerfstudio's `!ns-train …` writes `outputs/`): the notebook's own "
        "step made it where the notebook runs (a read of `counts_unfiltered/` with no such line above stays reported), "
        "sample data a library makes or ships (`dask.datasets.timeseries()`, `skimage.data.astronaut()`, scikit-learn's "
        "`make_*` and bundled toy sets) saved by the notebook and every other use of the path at or after that save (or "
        "the folder made or joined for it): `df = dask.datasets.timeseries()`, `df.to_csv(\"data/*.csv\")`, then "
        "`dd.read_csv(\"data/2000-*-*.csv\")` and what is saved from that read (`df.to_parquet(\"data/2000-01.parquet\")`); "
        "the notebook makes the file before any read, wherever it runs (a file of that folder the notebook never saves "
        "stays reported), "
        "a file a `!curl -O URL`/`!wget URL` line (or a `%%bash` cell's `curl -o` line, following its `cd` lines, or `os.system(\"wget URL\")`) "
        "saved, or the folder it saved into (`mkdir hh; cd hh; wget URL`, then `data_dir = \"hh\"`), or the stem of an archive it saved and "
        "the notebook extracts (`!unzip text8.zip`, then `\"text8\"`), or a file the saved output of that extraction lists "
        "(`!tar -xzvf images_2017_11.tar.gz` printing `2017_11/train/images.csv`, when the line is its cell's only code), read back by name (`np.load(\"state.npy\")`: PTH003 reports "
        "the download, with the read related; unless the line is a `wget -nc` of a file committed beside the notebook, which "
        "downloads nothing: then the read is this rule's); so is a file the notebook's own download helper saved (`download_image(url)` "
        "writing `url.split(\"/\")[-1]`, or the file name it is given) or a library's `download…(url, image_path)` saved, read back or "
        "tested by `os.path.exists` guarding that download, "
        "and a file an object-store or run download of the notebook saves by name above the read (Azure ML's `run.download_file(\"outputs/"
        "featurization_summary.json\", \"featurization_summary.json\")`, then `open(\"featurization_summary.json\")`; `output_file_path=`; "
        "boto3's `Bucket(…).download_file(key, \"data/x.csv\")`): the notebook fetches it itself before the read, wherever it runs (a read "
        "above the download, or of a file no download of the notebook saves, stays reported), "
        "and a folder made absolute only to change into it (`base_path = os.path.abspath(\"../\")`, then `os.chdir(base_path)`: PTH004's, related there), a file of a folder the notebook extracted an archive into (`ZipFile(z).extractall(\"data\")`, "
        "`shutil.unpack_archive(z, \"data\")`, then `pd.read_csv(\"data/train.csv\")`: a related location of the archive's finding; "
        "the working directory too, named `\".\"`, `os.getcwd()` or `Path.cwd()`, for a file named bare there: `extractall(data_path)`, then "
        "`pd.read_csv(data_path + \"/train.csv\")` with `data_path = os.getcwd()`, not `\"data/test.csv\"`) "
        "or a file it downloaded by name (`wget.download(url, \"x.zip\")`, the `<id>.zip` of `kaggle competitions download -c <id>` "
        "in a shell line or `subprocess.run([...])`, the file the Kaggle API's `dataset_download_file(ref, file_name=\"x.csv\", path=\"./\")` "
        "saves, `x.csv` or `x.csv.zip`, and the folder such an archive is extracted into: that download's finding, PTH003 or PTH007; so is a path "
        "only tested for existence in the test of an `if` whose body downloads, `if not Path(\"repo-main\").exists():` over the "
        "`urlretrieve` of the archive that unpacks to it), read back, unless the notebook also writes that path, `\"text/plain\"` "
        "is not a path, and a literal appended to a configured root (`DATA_DIR / \"x.csv\"`) is fine. "
        "URL-only arguments (`requests.get`), `\":memory:\"` and strings starting with an f-string hole "
        "are skipped (the root is unknown), but for one folder name joined to the hole by `-` or `_` "
        "(`TrainingArguments(f\"{model_name}-finetuned-xsum\")`), which is relative whatever the hole holds but a `/`: the message shows the path the f-string spells where it runs when every hole is known there (`model_checkpoint = \"gpt2\"` above gives `'gpt2-finetuned-xsum'`), else its holes, filled at run time. Paths built from string constants are followed across cells: `trn = "
        "\"input/trn.txt\"` then `open(trn)`, `PATH = \"data/\"` then `pd.read_csv(PATH + \"test.csv\")`, "
        "`f\"{PATH}x.csv\"`, `'%s/x.csv' % PATH` (only `%s` holes), `'{}/x.csv'.format(PATH)`, `os.path.join(PATH, \"x.csv\")`, a relative file name with `%` holes passed as the argument itself (`open('admix.%d' % k)`, `os.remove('tsi-%d-%d.log' % (chrom, pos))`: judged from its text, as `f\"admix.{k}\"` is; not one opening with a hole), and a string default of a "
        "parameter of the notebook's own module-level function that a call leaves out (`def plot(…, output_path='./tsne.png'): fig.savefig(output_path)`, "
        "then `plot(data)`: reported at the default); a name bound once in the notebook to a "
        "string is a constant, so is a string setting of a settings object bound once (`args = Namespace(save_dir=\"model_storage/ch3\")` "
        "read as `args.save_dir`, `SimpleNamespace(...)`, `config = {\"data_dir\": \"data\"}` read as `config[\"data_dir\"]`) unless that "
        "setting is assigned anywhere (`args.vocab_file = os.path.join(...)`) or the object is changed wholesale (`config.update(...)`, "
        "`setattr`, `vars`), reported at its keyword, and settings of one object naming files of one folder are one finding; a loop "
        "variable over a list of string literals, written in place or bound once to a name (`s2_bands = [\"../data/b02.tif\", …]`, then "
        "`for band in s2_bands: rasterio.open(band)`, or a comprehension), reported at the listed literals; and a name given bare to a call after being bound to several strings (`dst = \"scan.nii.gz\"` … "
        "`dst = \"model.ts\"`) is the string its last binding above the call gives, reported there; when that binding joins a root "
        "constant (`out = FIGURES / \"h1.png\"`, `plt.savefig(out)`, again in later cells), or a function binds a local once so "
        "(`path = FIGURES / \"roadmap.png\"` in its body), the call writes under the root: the root's finding names it, the others related. A `.` or `..` "
        "that opens a join (`os.path.join(\"..\", \"tasks\", name)`) is shown with the path it builds. Constants in a cell tagged `parameters` (papermill) or "
        "`pipeline-parameters` (Kale) are configuration already and not reported, bound to a string or built with path constructors "
        "(`OUTPUT_DIR = Path(\"chapter/output\")`, `os.path.join(\"data\", \"raw\")`); a read or write in that cell is reported. A literal of a list of candidate locations the notebook probes in turn (`for p in CANDIDATES: if p.exists(): …`, "
        "`next((p for p in CANDIDATES if p.exists()), None)`) that also holds a place built from a configured root or the home "
        "folder is not reported (nor by PTH001 and PTH002): a machine without it takes the other place. One finding per constant, at its literal, the calls using it as "
        "related locations; a constant built from another (`IMAGES_PATH = os.path.join(PROJECT_ROOT_DIR, \"images\")`) "
        "is reported at the root it is built from; a constant that is only a later piece of a path whose leading literal is reported itself (`os.path.join(\"models\", model_id + \".pkl\")`) is the file name, not a root; so is a name bound to a join of literals that is only ever joined after another piece (`sub = os.path.join(\"lab\", \"small\")`, then `os.path.join(base, sub, \"x.txt\")`). A constant is not followed into a function whose parameter of the same name hides it, unless a call of that function passes the constant by name to that parameter (`save(frame, out_path)`, `save(out_path=out_path)`) or the parameter defaults to it; a read elsewhere (`os.path.join(DATA_DIR, fn)`) reaches no parameter (a lambda's, whose calls are not named, any read unshadowed), and never into a Kubeflow `OutputPath(...)`/`InputPath(...)` parameter, whose path the pipeline supplies; nor into a function that binds the name itself, which makes it the function's own (a loop, `with … as` or `except … as` target, an assignment, an import: `for label, pickle_file in enumerate(pickle_files): open(pickle_file, \"rb\")`), nor into a comprehension whose target it is. A relative path argument below an `os.chdir(folder)` of the same function (or both at a cell's module level) is not reported: it resolves against `folder`, and PTH004 reports the change. Nor is one in a later cell whose last change of directory above it is a module-level `os.chdir` of an earlier cell into a literal absolute folder "
        "(`os.chdir(\"/home/nick/models/\")` in cell 5, `Image.open(\"cover.jpg\")` in cell 33): it resolves against that folder, a related location of the change's finding (PTH002 on a user's folder, PTH004 otherwise). Nor is a path under the folder a hosted set-up cell above tests for (`data/houses.csv` below `if not os.path.isdir(\"data\"):` that clones the notebook's repository and enters the notebook's own folder there, see PTH004), nor that test's own literal: it resolves against the notebook's folder either way. Below module-level `os.chdir` calls of earlier cells (each a literal relative folder at a cell's top level, no `%cd`), a path that, joined "
        "to the folder they lead to, is one the notebook wrote before the first change (`pickle.dump(clf, open(\"app/pkl_objects/classifier.pkl\", \"wb\"))`, "
        "`os.chdir(\"app\")`, then `open(os.path.join(\"pkl_objects\", \"classifier.pkl\"))`) is that write's, related to its finding: the same "
        "file under a second name, one root to configure (a path the notebook did not write there stays reported). A relative literal given to the notebook's own function that hands that parameter, "
        "unchanged, to a path argument (`def load_table(path): return pd.read_csv(path)`, then `load_table(\"orders.csv\")`, "
        "or a name whose last plain binding above the call is such a literal or an f-string starting with a relative piece: "
        "`output_file = f\"output/{year:04d}.parquet\"`, then `apply_model(output_file=output_file)`) "
        "is reported at the literal (a class's class or static method called on the class too: `Rows.from_csv(args.rows_csv)`, the "
        "setting reported at its keyword), the catalogued call inside the function related (not a folder the function only joins "
        "to a name: the joined path is what it uses). "
        "The paths one notebook reads or writes under one folder (`Data/rugged.csv`, `Data/tulips.csv`; a book chapter's figure "
        "exports `fig_3_1.png`, `fig_3_2.png`) hang off one location, fixed by one root constant: one finding per notebook and leading "
        "folder (`..` prefixes are part of it: `../data` is not `data`), at the first use in notebook order, reads and writes alike, "
        "the other paths and their uses related, the message naming the folder and how many files. The names of the working "
        "directory itself (`stage1.csv`, `final.jsonl`, `saved_model`) are one such group per notebook, and a bare name that is "
        "itself a grouped folder (`os.makedirs(\"./cache\")` before writing `f\"./cache/item_{i}.json\"`) is that folder's. The same literal path in several places (a frame saved, then "
        "read back as `\"my_df.csv\"`; here `\"./out/\"` and `\"out\"` are one path) is one finding at its first place, the others related (so for PTH001 and PTH002), and so are two constants naming one file "
        "(`dst = \"model.ts\"` to download it, `model_path = \"model.ts\"` to load it). A delete (`shutil.rmtree`, "
        "`os.remove`) of a path the notebook also writes, or of a folder under it (`shutil.rmtree(\"export/probs\")` "
        "before saving under `os.path.join(\"export\", \"probs\", stamp)`), clears that output: a related location of its finding. "
        "A scratch file the notebook writes first and deletes later (`open(\"tmp.txt\", \"w\")`, read back, then `os.remove(\"tmp.txt\")`; "
        "`np.memmap(\"mymmap\", mode=\"w+\")` … `!rm mymmap`; through a name too) leaves nothing to configure: not a finding of its own, but a related path of its folder's finding when the notebook has one (`examples/frame_pickle` beside `examples/ex1.csv`: one folder to configure). "
        "So for the delete of a file a call the catalogue does not know wrote above (`profile_view.write(\"my_profile.bin\")`, then "
        "`os.remove(\"./my_profile.bin\")`; a folder only deleted and named nowhere before, another tool's cache, stays a finding, "
        "said to be deleted by the call), a folder only made and named nowhere else (`os.makedirs(\"imgs/chapter_4\", exist_ok=True)` "
        "of copied set-up code: an empty folder), a file written and read back in one cell and named nowhere else (`img.save(\"out.jpg\", "
        "exif=…)`, then `Image.open(\"out.jpg\")`; not an archive the cell extracts; also through a name bound in that cell, "
        "`model_filename = \"my-model.onnx\"`, `torch.onnx.export(model, x, model_filename)`, then "
        "`writer.add_onnx_graph(model_filename)`), a file of the working folder itself (no folder part) that top-level `open(…, \"w\")` "
        "calls write before any read and top-level `open` calls read back, named in no other cell (`open(\"./stream.json\", \"w\")` "
        "filled from a feed, read back in later cells), a `Path(…)` bound to a name read only to be printed "
        "(`DATA = Path(\"../data/processed\")`, then only `print(f\"Data path: {DATA}\")`: building a `Path` touches no file), a file one library saves in a cell and loads in "
        "the next into a name nothing reads again (`why.write(profile, \"profile.bin\")`, `n_prof = why.read(\"profile.bin\")`), a file saved in a cell and loaded in the next into names later code only shows (`model.save(\"best.h5\")`, "
        "`loaded = load_model(\"best.h5\")`, then only `loaded.summary()`, `print(loaded)` or `loaded`), an empty figure a cell only makes and "
        "saves under a heading about saving (`#### Saving Figure`, then `figure = plt.figure(); figure.savefig(\"Saved.png\")`), "
        "a cell that only lists I/O calls on literal paths, a library tour's cheat sheet (`pd.read_csv(\"data.csv\")`, "
        "`df.to_csv(\"output.csv\")`, `pd.read_json(\"data.json\")`: two reads or more whose result is kept nowhere), "
        "the cells of only `fig.savefig(\"filename.png\")` (one call each) of a section under such a heading, with only markdown "
        "that names `savefig` between them and it and nothing reading the file, and "
        "a cache read only when it exists whose `else` branch gets the same names another way (`if os.path.exists(\"X.pkl\"): X = "
        "pickle.load(…)` `else: X = fetch_openml(…)`). "
        "Nor is the file a download step PTH007 reports saves (`dst = \"data.zip\"`, `gdown.download(url, dst)`, then extracted), "
        "or the destination of a Python download whose URL is a PTH003 finding (`urllib.request.urlretrieve(url, \"../data/x.fna.gz\")`, "
        "a file opened for writing with the body of `r = requests.get(url)` or of `with requests.get(url, stream=True) as r:` "
        "(or `urlopen`'s, `with urllib.request.urlopen(url) as response:` then `out_file.write(response.read())`), also "
        "behind an `os.path.exists` test of it or after the `os.makedirs` of the folder it saves into, through the constant its "
        "path is built from (`os.makedirs(DATA_DIR)`, `DATA_FILE = f\"{DATA_DIR}/x.tsv\"`); also when PTH003 reports the URL with its rest known only at run time, "
        "`urlretrieve(BASE + zipfilename, zipfilename)`), or through a join bound to the name the download is given "
        "(`data_dir = \"temp\"`, `os.makedirs(data_dir)`, `data_file = os.path.join(data_dir, \"cifar-10-binary.tar.gz\")`, "
        "`urlretrieve(url, data_file)`), and a cache of the cell's own download (`if os.path.isfile(name):` reads it, its `else:` "
        "downloads, then writes it): "
        "that finding stands for the download and what it saved. A file read under the folder a `!git clone` line of an "
        "earlier cell saved (`fastText_multilingual/alignment_matrices/nl.txt`) is the clone's, which PTH007 reports. "
        "Per-section results read from sibling folders of one parent in one cell or consecutive cells, by the same call and with "
        "parallel names (`../Section-04-…/cs_mean.pkl`, `../Section-05-…/us_mean.pkl`, each with its `_std.pkl`) are one finding "
        "at the first, the other folders related: one results root. So are a data set's split folders of the working directory "
        "read by one method in one cell (`flow_from_directory('train')`, `flow_from_directory('test')`): one data root. "
        "One file above the working directory given to the same call with more or fewer `..` in different cells "
        "(`webdriver.Chrome(executable_path='../chromedriver')`, then `'../../chromedriver'`) is one finding, the other spelling related. "
        "A download call's first argument is the remote object's name when a keyword gives its local destination "
        "(`napi.download_dataset(\"v4/train.parquet\", dest_path=local_file)`): not a path; the destination is. "
        "The `.py` file of a module the notebook imports (`open(\"helper_functions.py\", \"wb\")` writing a "
        "downloaded helper, then `from helper_functions import …`) is code, not a data path: not reported. "
        "A path whose start is a relative folder but whose rest only the run knows (`\"samples/\" + "
        "random.choice(kinds)`, `\"models/\" + ckpt` with `ckpt` bound several times) is reported at that folder literal, "
        "and one built from the working directory (`os.getcwd() + \"/audio\"`, `os.path.join(os.getcwd(), \"out\")`, `f\"{os.getcwd()}/scene.tif\"`; a file a download line saved there, read back so, is that download's) at "
        "the first `os.getcwd()`: one finding per folder (the working directory: one per notebook), the uses related. "
        "An output folder with no literal is reported too, at the call, when the argument naming it is left out "
        "(no `**kwargs`, unless each is a dict literal or a call of a notebook function that returns one, without that "
        "keyword: darts' `**generate_torch_kwargs()`): `SummaryWriter()` without `log_dir` writes `runs/<date>_<host>/` (`[[implicit_folder]]` of "
        "io_calls.toml), AutoGluon's `TabularPredictor()`/`TimeSeriesPredictor()` without `path` write `AutogluonModels/ag-<timestamp>/` "
        "when fitted, and `MultiModalPredictor()` without `path` writes `AutogluonAutoMM/ag-<timestamp>/` when the notebook calls its "
        "`fit` without `save_path` (`written_by`: a zero-shot predictor that only predicts writes nothing), a darts torch model "
        "(`TCNModel(…)`) with `save_checkpoints=True` or `log_tensorboard=True` and no `work_dir` writes `darts_logs/<model_name>/` "
        "(`when_true`; without either it writes nothing); Lightning's `Trainer()` without `default_root_dir` and without a logger of its own writes "
        "`lightning_logs/` (`checkpoints/` with `logger=False`; nothing with `fast_dev_run`), and, when no Trainer sets `default_root_dir`, "
        "`ModelCheckpoint()` without `dirpath` under loggers that leave `save_dir` out writes its checkpoints into the "
        "working directory; one finding per folder, the other calls related. "
        "A path whose rest is known only at run time, built from a relative literal (`path = f\"./guide_{k}.txt\"` bound in a "
        "loop's body too, then `open(path)`; a template filled in place, `TensorBoard(log_dir=\"logs/{}\".format(NAME))`, "
        "by the text before its first hole, `logs/`, also when `NAME` is bound once), is reported at that literal and folds with its folder's other paths, one "
        "finding per folder as for whole paths; one built from `os.getcwd()` keeps its own. "
        "A figure written by `savefig` with interactive plotting off (`plt.ioff()` above it in its cell) only for a markdown "
        "cell to show it (`![](grid.png)`, `<img src=\"grid.png\">`), read by nothing, is a display, not an output: not reported. "
        "A path under `../input/` is named as Kaggle's input folder seen from a kernel's `/kaggle/working`. "
        "A file written only to be handed to an experiment tracker below (Neptune's `run[\"map\"].upload(\"map.html\")`, "
        "Sacred's `add_artifact(filename=…)`, MLflow's `log_artifact`; by literal, constant or f-string) is staging for the "
        "upload: not reported; so is a file given to SageMaker's `upload_data(path=…)`, `S3Uploader.upload(local_path=…)`, "
        "boto3's `upload_file`, Azure ML's `run.upload_file(name, path_or_stream)` (also a name written to just above it in the "
        "cell: `joblib.dump(value=model, filename=filename)`, then `run.upload_file(name=…, path_or_stream=filename)`), the list given to "
        "`upload_files([…])`, or written into the folder `Datastore.upload(src_dir=…)` takes whole (with that folder, made when missing), "
        "or shown as a Gradio demo's `examples=`, when the notebook wrote it (boto3's "
        "`Bucket(…).download_file(key, path)` writes it too). A save that adds a suffix to a name lacking it writes the "
        "suffixed file (`np.savez(\"./data/training\", …)` writes `data/training.npz`, `np.save` adds `.npy`, "
        "`scipy.io.savemat` `.mat`: the catalogue's `appends_suffix`): an upload or read of that file is of what it wrote. "
        "The name Comet gives what a logging call logs (`experiment.log_table(\"preds.csv\", df)` with the table's data, "
        "`log_confusion_matrix(…, file_name=…)`, `log_asset(path, file_name=…)`'s `file_name`, `name=`, `figure_name=`; "
        "in a notebook that imports `comet_ml`) is the asset's label in the experiment, not a local file: no path; so is MLflow's "
        "`artifact_path=`/`artifact_file=` (`mlflow.h2o.log_model(model, artifact_path=\"model\")`, `log_text(…, artifact_file=…)`: "
        "a place in the run's artifact store; `log_artifact`'s local file stays a path). Places on a SageMaker job's side are not the notebook's: "
        "`PropertyFile(path=…)`, `JsonGet(json_path=…)`, the body of a `@step`/`@remote` function; nor are places in an Azure ML "
        "run's artifacts or a datastore, as literals or through constants: `run.register_model(model_path=…)`, the remote name "
        "of `run.download_file(name, output_file_path)` and `upload_file(name, path_or_stream)`, `download_files(prefix=…)`, "
        "`Datastore.upload(…, target_path=…)`, `upload_files(…, target_path=…)`, `Datastore.download(…, prefix=…)`, "
        "`Datastore.path(…)`, `DataReference(path_on_datastore=…)` (the local arguments of the same calls stay). The root of one `download=True` dataset is PTH007's also through a string constant "
        "(`data_directory = \"./data\"`) or as `os.getcwd()`, and so is one whose switch is a name bound once to `True` "
        "(`DOWNLOAD = True`, then `download=DOWNLOAD`; bound to `False` it downloads nothing and the root stays reported); a file a download line saved (`!curl … -o ../tables/x.csv`, "
        "`!wget ftp://…`, `wget.download(url)` with no `out=`, SageMaker's `S3Downloader.download(uri, folder)`: the "
        "key's last name in that folder) and read back through a constant or the notebook's own "
        "function is the download's. In a Colab detection `try` (`from google.colab import files` in its body), the rest "
        "of the body runs only on Colab (not reported) and its `except ImportError:` handler is the local branch (reported). A relative read of a file the repository commits whose `except FileNotFoundError:` fetches the remote copy (`try: pd.read_csv(\"../data/x.csv\")` / `except FileNotFoundError: pd.read_csv(DATA_URL + \"x.csv\")`) is reported with the fetch related, the message saying so (PTH003 leaves that fetch)."
        " Not a name the project's own helper joins under an absolute folder its module spells (`setup_df.setup_ml(\"13-car_evaluation.csv\")` with `os.path.join(self.ML_BASE_DIR, file_dir)` in the repository's `utils/SetupDataFrame.py`): a file under that folder, which PTH002 (or PTH001) reports at the call. A root constant whose uses are joins bound to names that the notebook's own path function is given (`TRAIN_PATH = os.path.join(BASE_DIR_PATH, \"train\")`, then `load_files(TRAIN_PATH)`, whose `os.listdir(file_path)` reads it) names that read."
    )
    why_bad = (
        "A relative path is resolved against the process's current working directory: the folder the notebook is "
        "run from (or wherever a `%cd` left it). Jupyter starts the kernel in the notebook's folder, but papermill, "
        "`jupyter nbconvert --execute` and a pipeline step run it from wherever they were started. As a module or "
        "pipeline step the same code reads or writes somewhere else. Even a bare `\"model.pkl\"` lands "
        "in a different folder depending on who runs it."
    )
    example = 'df = pd.read_csv("data/train.csv")\njoblib.dump(model, "model.pkl")'
    use_instead = (
        'DATA_DIR = Path(os.environ.get("DATA_DIR", "data"))\n'
        'MODEL_DIR = Path(os.environ.get("MODEL_DIR", "models"))\n'
        'df = pd.read_csv(DATA_DIR / "train.csv")\njoblib.dump(model, MODEL_DIR / "model.pkl")'
    )
    passing = (
        # A file id of an NLTK corpus reader, looked up under that corpus in nltk_data (fair check 45,
        # item 106: nltk-corpus-fileid-as-path); a reader class's root stays reported (see failing).
        Example(cells=(
            "import nltk\nfrom nltk.corpus import twitter_samples\nnltk.download('twitter_samples')\n"
            "pos = twitter_samples.strings('positive_tweets.json')\nemma = nltk.corpus.gutenberg.words('austen-emma.txt')",
        )),
        # Below a change up to the repository root guarded by the working folder's name, in a notebook
        # that lies in `notebooks/`: the folder list resolves against the repository root from either
        # start (fair check 45, item 107: relative-after-guarded-bootstrap-chdir).
        Example(
            cells=(
                "import os\nfrom pathlib import Path\nroot = Path.cwd().parent if Path.cwd().name == 'notebooks' else Path.cwd()\nos.chdir(root)",
                "for d in ['data/raw', 'models']:\n    Path(d).mkdir(parents=True, exist_ok=True)",
                "import pandas as pd\ndf = pd.read_csv('data/raw/train.csv')",
            ),
            path="notebooks/setup.ipynb",
        ),
        # A library tour's cheat sheet of I/O calls on placeholder names, the reads' results kept
        # nowhere (fair check 44, item 124).
        Example(cells=(
            "import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})",
            "# CSV\npd.read_csv('data.csv')\ndf.to_csv('output.csv', index=False)\n\n# JSON\npd.read_json('data.json')\n"
            "df.to_json('output.json', orient='records')",
        )),
        # A file a verbose extraction of a downloaded archive lists in its saved output, under the
        # archive's own top folder, not one named after the archive (fair check 44, item 119).
        Example(cells=(
            "!wget https://example.org/dumps/images_2017_11.tar.gz",
            code_cell("!tar -xzvf images_2017_11.tar.gz", 2, outputs=(
                {"output_type": "stream", "name": "stdout", "text": "2017_11/test/images.csv\n2017_11/train/images.csv\n"},)),
            "import csv\nreader = csv.reader(open('2017_11/train/images.csv'))",
        )),
        # A file of the working folder the notebook writes with `open` before reading it back: a staging
        # file made wherever it runs (fair check 43, item 127).
        Example(cells=(
            "import json\nf = open('./stream.json', 'w')\nfor item in feed.fetch(track='life'):\n    f.write(json.dumps(item) + '\\n')",
            "with open('./stream.json') as src:\n    rows = [json.loads(line) for line in src]",
        )),
        # A `Path` constant only printed: building a `Path` touches no file (fair check 43, item 108).
        Example(cells=(
            "from pathlib import Path\nDATA_PROCESSED = Path('../data/processed')\nprint('ready')\nprint(f'Data path: {DATA_PROCESSED}')",
            "print(DATA_PROCESSED)",
        )),
        # A folder joined into a download's destination, and a cache of the cell's own download: the
        # download's PTH003 finding stands for them (fair check 35, items 102, 91).
        Example(cells=(
            "import os, csv, io, requests\nfrom six.moves import urllib\ndata_dir = 'temp'\nif not os.path.exists(data_dir):\n"
            "    os.makedirs(data_dir)\ncifar10_url = 'http://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'\n"
            "data_file = os.path.join(data_dir, 'cifar-10-binary.tar.gz')\nif not os.path.isfile(data_file):\n"
            "    filepath, _ = urllib.request.urlretrieve(cifar10_url, data_file)",
            "save_file_name = 'temp_spam_data.csv'\nif os.path.isfile(save_file_name):\n    with open(save_file_name, 'r') as f:\n"
            "        text_data = list(csv.reader(f))\nelse:\n    r = requests.get('http://archive.ics.uci.edu/ml/spam.zip')\n"
            "    text_data = r.text.split('\\n')\n    with open(save_file_name, 'w') as f:\n        csv.writer(f).writerows(text_data)",
        )),
        # A relative read in a later cell after a module-level change into an absolute folder: it
        # resolves there, PTH002's or PTH004's finding relates it (fair check 35, item 106).
        Example(cells=(
            "import os\nfrom PIL import Image\nos.chdir('/home/nick/models/inception-v1-model/')",
            "img = Image.open('book_cover.jpg')",
            "os.chdir('/srv/shared/project')",
            "import pandas as pd\ndf = pd.read_csv('train.csv')",
        )),
        # A bare name the notebook defines or imports by name is not the star import's, and one of
        # `%run helpers.py` (no star import) is not judged.
        Example(
            cells=("from w2v_utils import *\nfrom glove import load_vectors as read_vectors",
                   "def read_glove_vecs(name):\n    return name.upper()\nwords = read_glove_vecs('glove.6B.50d.txt')"),
        ),
        Example(cells=("%run w2v_utils.py", "words = read_glove_vecs('data/glove.6B.50d.txt')")),
        # The file the notebook's own download helper saved (the URL's name), read back: PTH003's
        # finding relates it; and a folder made absolute only to `os.chdir` into it: PTH004's (fair check 20).
        Example(cells=(
            "import requests\ndef fetch(url, filename=''):\n    filename = url.split('/')[-1] if len(filename) == 0 else filename\n"
            "    with open(filename, 'wb') as out:\n        out.write(requests.get(url).content)\n"
            "fetch('https://media.example.org/cat.jpg')",
            "import cv2\nimage = cv2.imread('cat.jpg')",
            "import os\nbase_path = os.path.abspath('../')\nos.chdir(base_path)",
        )),
        # An extension alone names a format, a tile service's name is no file, a remote scene is no
        # local path (fair check 20).
        Example(cells=(
            "import cv2\nimport leafmap\nok, encoded = cv2.imencode('.jpg', frame)\n"
            "m = leafmap.Map()\nm.add_tile_layer(source='Satellite', name='Satellite', attribution='Esri')\n"
            "m.add_cog_layer(image='https://example.org/scenes/derna.tif', name='Derna')",
        )),
        # A member name given to an open archive is looked up inside it, not in the folder (fair check 19).
        Example(cells=(
            "import os\nimport zipfile\nwith zipfile.ZipFile(os.environ['LYRICS_ZIP']) as zin:\n    text = zin.read('lyrics.txt').decode()",
        )),
        # A PyTorch Geometric dataset's root, joined into a name it alone reads: PTH007 reports the
        # download; a papermill parameter built with `Path(...)`; a probed candidate after a
        # configured one (fair check 18).
        Example(cells=(
            "import os.path as osp\nfrom torch_geometric.datasets import Planetoid\nname = 'Cora'\nroot = osp.join('.', 'data', name)\n"
            "graph = Planetoid(root, name)",
        )),
        Example(cells=(
            "from pathlib import Path",
            code_cell("SEED = 7\nOUTPUT_DIR = Path('chapter/output')", tags=("parameters",)),
            "OUTPUT_DIR.mkdir(parents=True, exist_ok=True)",
        )),
        Example(cells=(
            "from pathlib import Path\nCANDIDATES = [DATA_ROOT / 'prices.parquet', Path('fixtures/prices.parquet')]",
            "found = next((p for p in CANDIDATES if p.exists()), None)",
        )),
        # Staging for the tracker: written, then uploaded, read by nothing else.
        Example(cells=(
            "import neptune\nrun = neptune.init_run()\nfig.write_html('map.html')\nrun['map'].upload('map.html')",
        )),
        # The suffix a save adds: `np.savez("./data/training", …)` writes `data/training.npz`, the file
        # the upload is given (staging, with the folder made for it), and `np.save("features", …)` the
        # `features.npy` the cell loads back; a name exported then handed on in its own cell (fair check 25).
        Example(cells=(
            "import os\nimport numpy as np\nos.makedirs('./data', exist_ok=True)\nnp.savez('./data/training', image=x, label=y)\n"
            "train_uri = session.upload_data('data/training.npz', key_prefix='mnist/training')",
            "np.save('features', X)\nX_back = np.load('features.npy')\nassert (X_back == X).all()",
            "import torch\nmodel_filename = 'my-model.onnx'\ntorch.onnx.export(model, dummy_input, model_filename)\n"
            "writer.add_onnx_graph(model_filename)",
        )),
        # Names given to Comet are the assets' labels in the experiment, not local files (fair check 25).
        Example(cells=(
            "import comet_ml\nexperiment = comet_ml.start()",
            "experiment.log_table('prediction_debug_table.csv', debug_df)\n"
            "experiment.log_confusion_matrix(y_true=labels, y_predicted=preds, file_name=f'confusion-matrix-epoch-{epoch}.json')",
        )),
        Example(cells=(
            "import pandas as pd\nimport sqlite3\ndf = pd.read_csv(DATA_DIR / 'train.csv')\ncon = sqlite3.connect(':memory:')",
            "import requests\nr = requests.get('example.com')\nheaders = {'Accept': 'text/plain'}\nname = 'model.pkl'",
            "df.to_json(orient='records')\nresult = df.to_csv(index=False)\nopen(f'{root}/log.txt', 'a')",
            "import torch\ntorch.save(model.state_dict(), MODEL_DIR / 'm.pt')\nx = torch.load(buffer, map_location='cpu')",
        )),
        # Files a `%%bash` cell's `curl -o` lines fetch, read back (PTH003 reports the download); the
        # root of one `download=True` dataset (PTH007 reports the download).
        Example(cells=(
            "%%bash\ncurl -L https://example.org/m3/monthly.xls -o monthly.xls",
            "import pandas as pd\nseries = pd.read_excel('monthly.xls')",
            "from torchvision import datasets\ntrain = datasets.MNIST('../data', train=True, download=True)\n"
            "test = datasets.MNIST('../data', train=False, download=True)",
            # The switch through a name bound once to True (fair check 22).
            "ROOT = 'my_path'\nDOWNLOAD = True\nmnist = datasets.MNIST(ROOT, train=True, download=DOWNLOAD)",
            # PyTorch Geometric's datasets always download into their root (fair check 18).
            "from torch_geometric.datasets import Planetoid\ncora = Planetoid('planetoid', 'Cora')\n"
            "citeseer = Planetoid(root='planetoid', name='CiteSeer')",
        )),
        # The helper module a cell downloads beside the notebook to import it.
        Example(cells=(
            "import requests\ntry:\n    from helper_functions import plot_loss_curves\nexcept ImportError:\n"
            "    with open('helper_functions.py', 'wb') as f:\n        f.write(requests.get(HELPERS_URL).content)\n"
            "    from helper_functions import plot_loss_curves",
        )),
        # A hosted runtime's set-up: the marker is looked for, and the folder made, only on Colab.
        Example(cells=(
            "import os\nimport sys\nif 'google.colab' in sys.modules and not os.path.exists('.setup_complete'):\n"
            "    os.makedirs('helpers', exist_ok=True)\n    !touch .setup_complete",
        )),
        # A file fetched by a download line, read back by name: PTH003's download step; so is one
        # `os.system` fetched, and the folder a `%%bash` cell went into to fetch.
        Example(cells=("import numpy as np\n!curl -sO https://example.org/checks/weights.npy\nw = np.load('weights.npy')",)),
        Example(cells=(
            "import os\nimport pandas as pd\nos.system('wget https://example.org/sets/degraders.csv')",
            "degraders = pd.read_csv('degraders.csv')",
            "%%bash\nmkdir hh\ncd hh\nwget https://example.org/db/families.tar.gz",
            "data_dir = 'hh'\nfamilies = sorted(os.listdir(data_dir))",
        )),
        # A Hub id given to a model wrapper's `model_path=` (it goes to `from_pretrained`): no file.
        Example(cells=("from deepchem.models.torch_models import ProtBERT\nmodel = ProtBERT(task='mlm', model_path='Rostlab/prot_bert')",)),
        # Episode videos recorded to be watched: the folder is only listed to show the last clip.
        Example(cells=(
            "import gym.wrappers\nwith gym.wrappers.Monitor(make_env(), directory='videos', force=True) as env:\n    play(env)",
            "from pathlib import Path\nfrom IPython.display import HTML\nclips = sorted(Path('videos').iterdir())\n"
            "HTML(f'<video controls src=\"{clips[-1]}\"></video>')",
        )),
        # Text that only looks like a path, given to calls no catalogue names: shown, logged,
        # formatted, compared; and the notebook's own function.
        Example(cells=(
            "import logging\nprint('./lookup/zones.csv')\nlogging.info('./out/summary.csv')\nok = name.endswith('.csv')",
            "def describe(path):\n    return path.upper()\ndescribe(path='exports/other.csv')\nmsg = '{}.csv'.format(stem)",
        )),
        # Pieces of a folder put on the import path (PTH005's); a helper's parameter no call
        # passes the same-named constant to.
        Example(cells=(
            "import os\nimport sys\nsys.path.insert(0, os.path.join('..', 'src'))\nfn = 'flows.csv'\nfull = os.path.join(DATA_DIR, fn)",
            "def header(fn):\n    with open(fn) as handle:\n        return handle.readline()\nprint(header(full))",
        )),
        # A name bound more than once has no single value; an unused constant is no path.
        Example(cells=(
            "import pandas as pd\nsplit = 'train'\nlabel = 'model.pkl'",
            "for split in ['train', 'test']:\n    frame = pd.read_csv(DATA_DIR / (split + '.csv'))",
        )),
        # Output folders the notebook names from a configured root.
        Example(cells=(
            "from torch.utils.tensorboard import SummaryWriter\nimport lightning.pytorch as pl\n"
            "from lightning.pytorch.callbacks import ModelCheckpoint",
            "writer = SummaryWriter(log_dir=OUT_DIR / 'tb')\nbest = ModelCheckpoint(monitor='val_loss')\n"
            "trainer = pl.Trainer(callbacks=[best], default_root_dir=OUT_DIR)",
        )),
        # A bundled sample's name is no file of the working directory (fair check 22).
        Example(cells=(
            "from sklearn.datasets import load_sample_image\nimport matplotlib.pyplot as plt\n"
            "flower = load_sample_image('flower.jpg')\nplt.imshow(flower)",
        )),
        # A detectron2 model-zoo key names a config of the package's own (fair check 31, items 130, 134).
        Example(cells=(
            "from detectron2 import model_zoo\nfrom detectron2.config import get_cfg\ncfg = get_cfg()\n"
            "cfg.merge_from_file(model_zoo.get_config_file('COCO-InstanceSegmentation/mask_rcnn_R_50_FPN_3x.yaml'))\n"
            "cfg.MODEL.WEIGHTS = model_zoo.get_checkpoint_url('COCO-InstanceSegmentation/mask_rcnn_R_50_FPN_3x.yaml')",
        )),
        # A folder made absolute only to go on the import path: PTH005's (fair check 31, items 126, 127).
        Example(cells=("import sys, os\nfrom pathlib import Path\nsys.path.insert(0, os.path.abspath('./lib'))\n"
                       "sys.path.append(str(Path('../tools').resolve()))",)),
        # A name a function binds itself (a loop target) hides the constant, which is only printed
        # here (fair check 36, items 96, 106).
        Example(cells=(
            "import pickle\ndef merge(files):\n    out = []\n    for pickle_file in files:\n"
            "        with open(pickle_file, 'rb') as f:\n            out.append(pickle.load(f))\n    return out",
            "pickle_file = 'notMNIST.pickle'\nprint(pickle_file)",
        )),
        # ... also through a name read only as the entry (fair check 36, item 113).
        Example(cells=("import os, sys\nROOT_DIR = os.path.abspath('../../')\nsys.path.append(ROOT_DIR)\nfrom mrcnn import utils",)),
        # ... also tested against `sys.path` before the edit (fair check 40, item 110).
        Example(cells=(
            "import os, sys\nruta_src = os.path.abspath(os.path.join('..', 'src'))\nif ruta_src not in sys.path:\n"
            "    sys.path.append(ruta_src)\nfrom features import build",
        )),
        # An ultralytics model built from a config the package ships (fair check 31, item 129).
        Example(cells=("from ultralytics import YOLO\nmodel = YOLO('yolov8n-seg.yaml')\ndetector = YOLO('yolo11s.yaml')",)),
        # nbdev's export step of a notebook nbdev exports: the notebook and its package (fair check 22).
        Example(cells=(
            "#|default_exp cli",
            "#|export\ndef main(freq: str = 'D'):\n    return freq",
            "#|hide\nfrom nbdev.export import nb_export\nnb_export('cli.ipynb', lib_path='.', name='cli')",
        )),
        # A tutorial's saving lesson (fair check 22): a model saved, loaded in the next cell and only
        # summarised; an empty figure saved under a "Saving" heading.
        Example(cells=(
            md("## 2.8 Saving and Loading the Model"),
            "cnn.save('cifar_best.h5')",
            "from keras.models import load_model\nloaded = load_model('cifar_best.h5')",
            "loaded.summary()",
        )),
        Example(cells=(
            "import matplotlib.pyplot as plt",
            md("#### Saving Figure\n\nA figure can be saved as PNG, JPG or PDF."),
            "figure = plt.figure(figsize=(8, 5))\nfigure.savefig('saved_figure.png')",
            "plt.plot([1, 2, 3])\nplt.title('A title')",
        )),
        # A course's "## Saving figures" section: cells of only `fig.savefig(…)` (and its dpi variant)
        # with markdown between them and the heading, nothing reading the file (fair check 41, item 100).
        Example(cells=(
            "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2, 3])",
            md("## Saving figures\nMatplotlib writes PNG, JPG, SVG and PDF."),
            md("To save a figure use the `savefig` method of the `Figure`:"),
            "fig.savefig('filename.png')",
            md("The resolution can be set too:"),
            "fig.savefig('filename.png', dpi=200)",
            md("## Legends"),
        )),
        # The file a Colab `/content/…` path also names: PTH002 reports the pair (fair check 22).
        Example(cells=(
            "model.save('final_model.h5')",
            "import tensorflow as tf\nloaded = tf.keras.models.load_model('/content/final_model.h5')\npreds = loaded.predict(batch)",
        )),
        # Places in an Azure ML run's artifacts or a datastore, not on this machine, as literals or
        # through constants (fair check 27, items 98, 102): a model's path in the run's outputs, the
        # remote name of a download, a datastore folder.
        Example(cells=(
            "from azureml.core import Workspace, Dataset\nws = Workspace.from_config()\nds = ws.get_default_datastore()",
            "model = best_run.register_model(model_name='tf-dnn-mnist', model_path='outputs/model')",
            "DATA_PATH = 'fc_fn_data'\nDATA_PATH_X = '{}/data_train.csv'.format(DATA_PATH)\n"
            "ds.upload(src_dir=src, target_path=DATA_PATH, overwrite=True)\n"
            "train = Dataset.Tabular.from_delimited_files(path=ds.path(DATA_PATH_X))",
            "best_run.download_file('outputs/featurization_summary.json', output_file_path=summary_path)",
        )),
        # Files written only to be uploaded by Azure ML (fair check 27, items 99, 115): into a folder
        # the datastore upload takes whole (made when missing), listed to `upload_files`, or held by a
        # name handed to the run's `upload_file`.
        Example(cells=(
            "import os\nimport numpy as np\nimport pandas as pd\nfrom azureml.core import Workspace\nds = Workspace.from_config().get_default_datastore()",
            "if not os.path.isdir('data'):\n    os.mkdir('data')\ndf.to_csv('data/data_train.csv', index=False)\n"
            "ds.upload(src_dir='./data', target_path='fc_fn_data', overwrite=True)",
            "np.save(file='train-dataset/features.npy', arr=features)",
            "ds.upload_files(['train-dataset/features.npy'], target_path='diabetes', overwrite=True)",
            "import joblib\nfor alpha in alphas:\n    run = experiment.start_logging()\n    model_name = 'model_alpha_' + str(alpha) + '.pkl'\n"
            "    filename = 'outputs/' + model_name\n    joblib.dump(value=model, filename=filename)\n"
            "    run.upload_file(name=model_name, path_or_stream=filename)\n    run.complete()",
        )),
        # The destination of a streamed download (`with requests.get(url, stream=True) as r:`): PTH003's
        # finding stands for it (fair check 27, item 114).
        Example(cells=(
            "import requests\nurl = 'https://data.example.org/releases/cord-19_2022-02-07.tar.gz'\n"
            "with requests.get(url, stream=True) as r:\n    with open('cord-19.tar.gz', 'wb') as fp:\n"
            "        for chunk in r.iter_content(chunk_size=1024):\n            fp.write(chunk)",
        )),
        # ... and of `urlopen`'s response written with `response.read()`, the file named in the cell
        # above (fair check 32, item 104).
        Example(cells=(
            "url = 'http://www.gutenberg.org/ebooks/1661.txt.utf-8'\nfile_name = 'sherlock.txt'",
            "import urllib.request\nwith urllib.request.urlopen(url) as response:\n    with open(file_name, 'wb') as out_file:\n"
            "        data = response.read()\n        out_file.write(data)",
            "text = open(file_name, 'r', encoding='utf-8').read()",
        )),
        # ... and of a download whose URL PTH003 reports with its rest known only at run time (fair
        # check 27, items 107, 109).
        Example(cells=(
            "import zipfile\nfrom urllib.request import urlretrieve\noutdirname = 'dataset.6.21.19'\n"
            "zipfilename = outdirname + '.zip'\n"
            "urlretrieve('https://publictestdatasets.example.net/data/' + zipfilename, zipfilename)\n"
            "with zipfile.ZipFile(zipfilename, 'r') as unzip:\n    unzip.extractall('/srv/data')",
        )),
        # The folder made for a download to save into, through the constant its file is built from
        # (fair check 27, item 104).
        Example(cells=(
            "import os\nimport requests\nDATA_DIR = 'tmp'\nDATA_FILE = f'{DATA_DIR}/quora_duplicate_questions.tsv'\n"
            "DATA_URL = 'https://qim.example.net/quora_duplicate_questions.tsv'\n"
            "def download_data():\n    os.makedirs(DATA_DIR, exist_ok=True)\n    if not os.path.exists(DATA_FILE):\n"
            "        r = requests.get(DATA_URL)\n        with open(DATA_FILE, 'wb') as f:\n            f.write(r.content)\n"
            "download_data()",
            "import pandas as pd\ndf = pd.read_csv(DATA_FILE, sep='\\t')",
        )),
        # A bare file name given beside a folder keyword of the same call names a file inside that
        # folder, whose own path is judged (fair check 26, item 99).
        Example(cells=(
            "import os\nfrom feast import DocEmbedder\n"
            "embedder = DocEmbedder(repo_path=os.environ['FEAST_REPO'], yaml_file='feature_store.yaml')",
        )),
        # The folder the archive a download fetches unpacks to, tested only to skip the download
        # (fair check 27, item 105).
        Example(cells=(
            "import urllib.request, zipfile\nfrom pathlib import Path\nif not Path('bird-search-example-main').exists():\n"
            "    urllib.request.urlretrieve(\n        'https://github.com/example-org/bird-search-example/archive/refs/heads/main.zip',\n        'main.zip',\n    )\n"
            "    with zipfile.ZipFile('main.zip') as zf:\n        zf.extractall()\n    Path('main.zip').unlink()",
        )),
        # The file the Kaggle API's download saves by name (zipped), its extraction and what it
        # holds: the download's PTH007 finding (fair check 27, item 118).
        Example(cells=(
            "from kaggle.api.kaggle_api_extended import KaggleApi\napi = KaggleApi()\napi.authenticate()\n"
            "api.dataset_download_file('listennotes/podcast-episodes', file_name='podcasts.csv', path='./')",
            "import zipfile\nwith zipfile.ZipFile('podcasts.csv.zip', 'r') as zipref:\n    zipref.extractall('./')",
            "import pandas as pd\npodcasts = pd.read_csv('podcasts.csv')",
        )),
        # What a command-line tool of a shell line above writes, read back: the notebook's own step
        # (`kb count` writes counts_unfiltered/ into `-o`, here the working directory; `ns-train`
        # outputs/; fair check 25, items 119, 120: shell-tool-output-read-back).
        Example(cells=(
            "%%time\n!kb count --h5ad -i index.idx -g t2g.txt -x 10xv3 -t 2 \\\nR1.fastq.gz R2.fastq.gz",
            "import anndata\nadata = anndata.read_h5ad('counts_unfiltered/adata.h5ad')",
            "!kb count -i index.idx -g t2g.txt -x 10xv2 -o sample1 --h5ad --filter bustools R1.fastq.gz R2.fastq.gz",
            "sample1 = anndata.read_h5ad('sample1/counts_filtered/adata.h5ad')",
            "!env PYTHONUNBUFFERED=true ns-train nerfacto --max-num-iterations 300 nerfstudio-data --data data/poster",
            "from pathlib import Path\nlatest = sorted(Path('./outputs/').iterdir())[-1]",
        )),
        # Sample data a library makes or ships, saved and read back: the notebook makes the files
        # wherever it runs (fair check 26, items 104, 105: self-consumed-staging-file).
        Example(cells=(
            "import dask\ndf = dask.datasets.timeseries()",
            "import os\nif not os.path.exists('data'):\n    os.mkdir('data')\ndf.to_csv('data/*.csv', index=False)",
            "import dask.dataframe as dd\ndf = dd.read_csv('data/2000-*-*.csv')\ndf.to_parquet('data/2000-01.parquet')",
            "df = dd.read_parquet('data/2000-01.parquet', columns=['name', 'x'])",
            "from skimage import data, io\nimport dask_image.imread\noutput_filename = os.path.join('temp', 'astronaut.png')\n"
            "io.imsave(output_filename, data.astronaut())\nastronaut = dask_image.imread.imread(output_filename)",
        )),
        # A text method called on another call's result: the `./` it is given is text, no place.
        Example(cells=("relative = current_path().replace('./data/', 'data/')\nshort = describe(model).strip('./')",)),
        # A run's output the notebook downloads, read back below (fair check 27, item 123: fetched-file-read-back).
        Example(cells=(
            "import json\nfrom azureml.core import Run\nbest_run.download_file('outputs/engineered_feature_names.json', 'engineered_feature_names.json')\n"
            "with open('engineered_feature_names.json') as f:\n    records = json.load(f)",
            "import pandas as pd\nremote_run.download_file('outputs/predictions.csv', 'predictions.csv')",
            "forecast = pd.read_csv('predictions.csv')",
        )),
        # Shell lines that run no file of the working directory: a module, inline code, a script after
        # `cd` in the chain or after a `%cd` above (the changed folder's: PTH004's), a container's command
        # quoted in an argument.
        Example(cells=(
            "!python -m pip list\n!python -c 'print(1)'\n!python --version\n!cd client && python test_workflow.py",
            "!kubectl patch feast/example --patch '{\"commands\": [\"cd ../ && python run.py\"]}' --type=merge",
            "%cd anomalib",
            "!python tools/train.py --config src/anomalib/models/fastflow/config.yaml",
        )),
        # A folder only made (its files a download's), and an installer a download line saved, run.
        Example(cells=(
            "!mkdir -p raw-data\n!wget -P raw-data https://example.org/data/raw.csv",
            "!wget https://example.org/Miniforge3-Linux-x86_64.sh\n!bash Miniforge3-Linux-x86_64.sh -b",
        )),
        # Colab's mounted Drive read through `/content`, a copy out of it, and a relative twin of a
        # `/content/<folder>`: PTH002's finding (fair check 28, items 91, 101, 102).
        Example(cells=(
            "from google.colab import drive\ndrive.mount('/content/drive')\n!cp drive/MyDrive/files/api_key.txt .",
            "key = open('drive/MyDrive/files/api_key.txt').read()\nagain = open('api_key.txt').read()",
            "token_dir = '/content/KantaiBERT'\ntokenizer.save_model('KantaiBERT')\nvocab = open('./KantaiBERT/vocab.json').read()",
        )),
        # The folder the notebook's own registry download helper saves into: PTH003's finding (fair check 28).
        Example(cells=(
            "import os, requests\ndef download(name, cache_dir=os.path.join('..', 'data')):\n    url, sha1_hash = DATA_HUB[name]\n"
            "    os.makedirs(cache_dir, exist_ok=True)\n    fname = os.path.join(cache_dir, url.split('/')[-1])\n"
            "    with open(fname, 'wb') as f:\n        f.write(requests.get(url).content)\n    return fname",
            "DATA_HUB = dict()\nDATA_URL = 'http://d2l-data.example.com/'\nDATA_HUB['ptb'] = (DATA_URL + 'ptb.zip', '319d85e578af0cdc')",
            "path = download('ptb')",
        )),
        # A root constant into the Drive `drive.mount` mounts, read through Colab's working directory:
        # the mount's PTH002 finding, the constant and its uses related (fair check 29, item 94).
        Example(cells=(
            "import glob\nimport pandas as pd\nfrom google.colab import drive\ndrive.mount('/content/drive')",
            "path = 'drive/My Drive/leaf-classification/'",
            "images = glob.glob(path + 'images/*.jpg')\ntrain = pd.read_csv(path + 'train.csv')",
        )),
        # A file a `!curl` line saves by redirecting its output: the download's (PTH003's) related
        # place (fair check 33, item 77).
        Example(cells=(
            "! mkdir -p data\n! curl https://example.org/notebooks/data/cars.csv > data/cars.csv",
            "import pandas as pd\ndf = pd.read_csv('data/cars.csv')",
        )),
        # A save under a flag the notebook binds once to the literal False never runs (fair check 33,
        # item 75: `save_model = False`, then `if save_model is True: torch.save(…)`; `if save_model:` too).
        Example(cells=(
            "import torch\nsave_model = False\nif save_model is True:\n    torch.save(model.state_dict(), 'awesome_model.pkl')",
            "if save_model:\n    torch.save(model.state_dict(), 'other_model.pkl')",
        )),
        # fastai resolves these names against the Learner's or the item list's own `path` (the
        # data's folder), not the working directory (fair check 34, items 98, 109).
        Example(cells=(
            "from fastai.vision import *",
            "src = (ImageItemList.from_csv(path, 'train_v2.csv', folder='train-jpg')\n       .split_by_fname_file('../valid.txt'))",
            "clf = cnn_learner(data, models.resnet34)\nclf.save('stage-1.pth')\nclf.load('stage-1.pth')",
            "learn.export('export.pkl')",
        )),
        # A bare callee the notebook binds itself is its own (`def Image(filename): …`), and one whose
        # catalogued namesakes take the path differently is not guessed (fair check 36, item T-10.7).
        Example(cells=(
            "def Image(filename):\n    return filename",
            "Image(filename='../figures/tree.png')",
        )),
        # MLflow's `artifact_path=`/`artifact_file=` name a place in the run's artifact store
        # (fair check 37, item 118); `log_artifact`'s local file stays a path.
        Example(cells=(
            "import mlflow\nimport mlflow.h2o\nwith mlflow.start_run():\n    mlflow.h2o.log_model(model, artifact_path='model')\n"
            "    mlflow.log_text('hello', artifact_file='notes/readme.txt')",
        )),
        # A function's fallback for a parameter every call gives never runs (fair check 37, item 108).
        Example(cells=(
            "import shutil\nfrom pathlib import Path\ndef unpack(archive, directory=None):\n    if not directory:\n"
            "        directory = Path('data')\n    shutil.unpack_archive(archive, directory)\n"
            "def save(df, folder=None):\n    folder = folder or Path('out')\n    df.to_csv(folder / 'x.csv')",
            "unpack(archive, Path(where))\nsave(df, folder=target)",
        )),
        # A download's first argument names the object on the server when its local file is given
        # by `dest_path=` (fair check 42, item 109); the destination is judged where it is built.
        Example(cells=(
            "import os\nfrom numerapi import NumerAPI\nnapi = NumerAPI()\nremote_file = 'v4/train_int8.parquet'\n"
            "napi.download_dataset(remote_file, dest_path=os.path.join(DATA_DIR, remote_file))",
        )),
        # XPath selectors given to Selenium's and lxml's selector methods: looked up in a page,
        # never the file system (fair check 42, items 97-135: xpath-selector-as-path).
        Example(cells=(
            "from selenium import webdriver\nfrom selenium.webdriver.common.by import By\ndriver = webdriver.Chrome()",
            "vuelo = driver.find_elements_by_xpath('//li[@class=\"flight\"]')[0]\n"
            "salida = vuelo.find_element_by_xpath('.//div[@class=\"departure\"]/time')\n"
            "precio = vuelo.find_element(By.XPATH, './/span[@class=\"price\"]')",
            "from lxml import html\ntree = html.fromstring(driver.page_source)\nrows = tree.xpath('./table/tr/td')\n"
            "import scraper_utils\ncells = scraper_utils.load_rows('.//table[@id=\"t\"]/tr/td/text()')",
        )),
        # A name the project's own helper joins under an absolute folder it spells is no path of the
        # working directory: the helper module found from an absolute `sys.path` entry by its last part
        # (the author's checkout of the repository's `helpers/`), and a module beside the notebook; the
        # folder is PTH002's or PTH001's, at the call (fair check 41, items 98, 118).
        Example(
            cells=("import sys\nsys.path.append('/home/dana/projects/churn/helpers')",
                   "from frames import FrameLoader\nloader = FrameLoader()", "df = loader.load_ml(file_dir='churn.csv')"),
            files={"helpers/frames.py": "import os\nimport pandas as pd\n\nclass FrameLoader:\n    def __init__(self):\n"
                                        "        self.ML_DIR = '/home/dana/projects/churn/ml-data'\n\n    def load_ml(self, file_dir):\n"
                                        "        path = os.path.join(self.ML_DIR, file_dir)\n        return pd.read_csv(path)\n"},
        ),
        Example(
            cells=("from loaders import load_table\nsales = load_table('sales.csv')",),
            files={"loaders.py": "import pandas as pd\nfrom pathlib import Path\nBASE = '/srv/warehouse/tables'\n\n"
                                 "def load_table(name):\n    return pd.read_csv(Path(BASE) / name)\n"},
        ),
    )
    failing = (
        # A file read before the notebook writes it: it must be there already.
        Example(cells=(
            "import json\nwith open('./stream.json') as src:\n    rows = [json.loads(line) for line in src]",
            "f = open('./stream.json', 'w')\nf.write(json.dumps(rows))",
        ), expect=((1, 2),)),
        # ... also made, or given to a call: a folder the notebook writes into (fair check 43, item 124).
        Example(cells=(
            "from pathlib import Path\nFIGURES = Path('../reports/figures')\nFIGURES.mkdir(parents=True, exist_ok=True)\nprint(FIGURES)",
        ), expect=((1, 2),)),
        # A data set's split folders in the working directory read by one method in one cell: one finding,
        # the other folder related (fair check 41, item 102).
        Example(cells=(
            "from tensorflow.keras.preprocessing.image import ImageDataGenerator\ngen = ImageDataGenerator(rescale=1 / 255)",
            "train_set = gen.flow_from_directory('train', target_size=(64, 64))\ntest_set = gen.flow_from_directory('test', target_size=(64, 64))",
        ), expect=((2, 1),)),
        # A figure saved under a heading that is not about saving, or saved in a cell that also draws
        # (a result), is still reported (beside fair check 41, item 100's section of savefig demos).
        Example(cells=(
            "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2, 3])",
            md("## Results\nThe fitted curve."),
            "fig.savefig('filename.png')",
        ), expect=((3, 1),)),
        Example(cells=(
            "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2, 3])",
            md("## Saving figures"),
            "ax.set_title('t')\nfig.savefig('filename.png')",
        ), expect=((3, 2),)),
        # ... and a "Save plot to files" step of an analysis whose text does not name the API (fair check 28's ROC notebook).
        Example(cells=(
            "import matplotlib.pyplot as plt\nplt.plot([0, 1], [0, 1])",
            md("### Save plot to files"),
            "plt.savefig('roc.pdf')",
        ), expect=((3, 1),)),
        # A function only a star import of a helper module provides, given a data file by a relative
        # path (fair check 31 recall T-6.3); a bare name of `%run helpers.py` stays unjudged.
        Example(
            cells=("import numpy as np\nfrom w2v_utils import *",
                   "words, word_to_vec_map = read_glove_vecs('data/glove.6B.50d.txt')"),
            expect=((2, 1),),
        ),
        Example(
            cells=("import pandas as pd\ndf = pd.read_csv('data/train.csv')\ndf.to_parquet('out/clean.parquet')",),
            expect=((1, 2), (1, 3)),
        ),
        Example(
            cells=(
                "import joblib\njoblib.dump(model, 'model.pkl')",
                "from pandas import read_csv as rc\nraw = rc(filepath_or_buffer='raw.csv')",
                "import os\nos.makedirs('outputs', exist_ok=True)\nfiles = os.listdir('.')",
                "with open('../notes.txt', 'w') as fh:\n    fh.write('x')\nplt.savefig(f'figs/{name}.png')",
                "import numpy as np\nnp.save(r'arrays\\x.npy', arr)\nimg.save(fp='cat.png')",
            ),
            # (one finding per folder: the working directory's files, `..`, `figs`, `arrays`)
            expect=((1, 2), (4, 1), (4, 3), (5, 2)),
        ),
        # A list of relative paths iterated into a reader (fair check 18: pth006-path-list-iterated).
        Example(
            cells=(
                "import rasterio\nbands = ['../data/s2/b02.tif', '../data/s2/b03.tif']",
                "arrays = []\nfor band in bands:\n    with rasterio.open(band) as src:\n        arrays.append(src.read(1))",
            ),
            expect=((1, 2),),
        ),
        # A root two PyTorch Geometric dataset classes share: one folder to configure (fair check 18).
        Example(
            cells=(
                "from torch_geometric.datasets import Planetoid, TUDataset",
                "cora = Planetoid('./data', 'Cora')\nmutag = TUDataset(root='./data', name='MUTAG')",
            ),
            expect=((2, 1),),
        ),
        # Through variables and concatenation: one finding at each constant, the uses related.
        Example(
            cells=(
                "import os\nimport pandas as pd\ntrn = 'input/trn.txt'\nPATH = 'data/'",
                "with open(trn) as fh:\n    rows = fh.readlines()\ntest = pd.read_csv(PATH + 'test.csv')",
                "sub = pd.read_csv(f'{PATH}sample_submission.csv')\nx = pd.read_csv(os.path.join(PATH, 'x.csv'))",
            ),
            expect=((1, 3), (1, 4)),
        ),
        # One folder name built around an f-string hole; a benchmark's result files.
        Example(
            cells=(
                "from transformers import TrainingArguments, PyTorchBenchmarkArguments\nmodel_name = checkpoint.split('/')[-1]",
                "args = TrainingArguments(f'{model_name}-finetuned-ner', num_train_epochs=3)\n"
                "bench = PyTorchBenchmarkArguments(models=[model_name], save_to_csv=True, train_time_csv_file='bench/train.csv')",
            ),
            expect=((2, 1), (2, 2)),
        ),
        # A chapter's figure exports, one per plot: one figure folder to configure, one finding.
        Example(
            cells=(
                "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.savefig('fig_1.png')",
                "plt.savefig('fig_2.png')",
                "fig, ax = plt.subplots()\nfig.savefig('fig_3.png', dpi=300)",
            ),
            expect=((1, 3),),
        ),
        # Output folders with no literal: the library's default folder in the working directory.
        Example(
            cells=(
                "from torch.utils.tensorboard import SummaryWriter\nimport lightning.pytorch as pl\n"
                "from lightning.pytorch.callbacks import ModelCheckpoint",
                "writer = SummaryWriter()\nbest = ModelCheckpoint(monitor='val_loss')\ntrainer = pl.Trainer(callbacks=[best], max_epochs=3)",
            ),
            expect=((2, 1), (2, 3)),
        ),
        # A settings object's path, read through its attribute: at its keyword.
        Example(
            cells=(
                "from argparse import Namespace\nimport pandas as pd\nargs = Namespace(train_csv='data/train.csv', epochs=3)",
                "frame = pd.read_csv(args.train_csv)",
            ),
            expect=((1, 3),),
        ),
        # A book chapter reading its data folder, one file per cell: one folder to configure.
        Example(
            cells=(
                "import pandas as pd\nheights = pd.read_csv('tables/heights.csv')",
                "weights = pd.read_csv('tables/weights.csv')",
                "notes = pd.read_table('tables/notes.dat')",
            ),
            expect=((1, 2),),
        ),
        # PyCaret's functional API takes the model first: `save_model(best, "name")` writes name.pkl
        # here; Spark's `sc.textFile` reads a relative file.
        Example(
            cells=("from pycaret.classification import *\nsave_model(best, 'final_pipeline')", "rdd = sc.textFile('data/kdd.gz')"),
            expect=((1, 2), (2, 1)),
        ),
        # AutoGluon's predictors without `path`: fitted, each writes a time-stamped folder here; AutoMM's
        # only when `fit` runs without `save_path`, so a zero-shot predictor is silent.
        Example(
            cells=(
                "from autogluon.tabular import TabularPredictor\nfrom autogluon.multimodal import MultiModalPredictor",
                "model = TabularPredictor(label='y').fit(train)",
                "clip = MultiModalPredictor(problem_type='zero_shot_image_classification')\nmm = MultiModalPredictor(label='y')\nmm.fit(train)",
            ),
            expect=((2, 1), (3, 2)),
        ),
        # Calls no catalogue names, on strong evidence: a `./` or data file first argument, a
        # keyword naming a folder (one finding per folder).
        Example(
            cells=(
                "import vaex\nzones = vaex.from_csv('./lookup/zones.csv')",
                "store.ingest('reports/results.csv')\nrunner.fit(frame, output_directory='runs')",
            ),
            expect=((1, 2), (2, 1), (2, 2)),
        ),
        # A Kaggle kernel's input folder as seen from /kaggle/working: the message names it.
        Example(
            cells=("import pandas as pd\ntrain = pd.read_csv('../input/spring-tabular/train.csv')",),
            expect=((1, 2),),
        ),
        # A relative root put into a path by `%` or `str.format` (fair check 15's `'%s/train.csv'%PATH`):
        # one finding at the root, the reads related; a `%d` template spells a number, not followed.
        Example(
            cells=(
                "import pandas as pd\nPATH = '../data'",
                "train = pd.read_csv('%s/train.csv'%PATH)\ntest = pd.read_csv('{}/test.csv'.format(PATH))",
            ),
            expect=((1, 2),),
        ),
        # A path as a parameter default of the notebook's own function, which a call leaves out: the
        # default is what is written. Silent: a default every call overrides, a separator default.
        Example(
            cells=(
                "import matplotlib.pyplot as plt\ndef plot(values, output_path='./scatter.png'):\n    fig, ax = plt.subplots()\n    fig.savefig(output_path)",
                "plot([1, 2])\ndef save(values, out='chart.png'):\n    plt.savefig(out)\nsave([1], out=OUT_FILE)\ndef label(v, sep='-'):\n    return sep.join(v)\nlabel(['a'])",
            ),
            expect=((1, 2),),
        ),
        # A relative file name with `%` holes is the path the call reads (fair check 16's
        # `open('admix.%d' % k)`); a `%` message is no path argument.
        Example(
            cells=(
                "import os\nfor k in range(2, 5):\n    with open('admix.%d' % k) as f:\n        print('K=%d' % k, f.readline())",
                "os.remove('tsi-%d-%d.log' % (1, 2))",
            ),
            expect=((1, 3),),
        ),
        # One joined root two PyTorch Geometric datasets share: a data folder to configure, not
        # one download's root (fair check 18's neighbour).
        Example(
            cells=(
                "import os.path as osp\nfrom torch_geometric.datasets import TUDataset\nroot = osp.join('.', 'data', 'TU')",
                "mutag = TUDataset(root, name='MUTAG')\nenzymes = TUDataset(root, name='ENZYMES')",
            ),
            expect=((1, 3),),
        ),
        # An image read and a raster written by calls no catalogue names: an image extension given
        # first, a file-shaped `output=` through a constant (fair check 20).
        Example(
            cells=(
                "import kornia as K\nimg = K.io.load_image('panda.jpg', K.io.ImageLoadType.RGB32)",
                "import leafmap\nimage = 'tiles/Image.tif'\nleafmap.map_tiles_to_geotiff(output=image, bounds=bbox, zoom=19)",
            ),
            expect=((1, 2), (2, 2)),
        ),
        # A model saved and loaded back, the loaded copy then used to predict: a result the notebook
        # relies on, kept (beside fair check 22's io-lesson fold).
        Example(
            cells=(
                md("## Saving and Loading the Model"),
                "cnn.save('cifar_best.h5')",
                "from keras.models import load_model\nloaded = load_model('cifar_best.h5')",
                "predictions = loaded.predict(test_images)",
            ),
            expect=((2, 1),),
        ),
        # `np.savez("arrays", …)` writes `arrays.npz`, which a later cell loads and uses: one file, one
        # finding, the read related (fair check 25).
        Example(
            cells=("import numpy as np\nnp.savez('arrays', a=a)", "data = np.load('arrays.npz')\ntotal = data['a'].sum()"),
            expect=((1, 2),),
        ),
        # An ONNX export (a write) loaded back in a later cell: a model file the notebook relies on, kept.
        Example(
            cells=(
                "import torch\nonnx_file = 'model.onnx'\ntorch.onnx.export(model, x, onnx_file)",
                "import onnxruntime as ort\nsession = ort.InferenceSession(onnx_file)",
            ),
            expect=((1, 2),),
        ),
        # Comet's `log_table` given no data uploads the local file it names: a cwd-relative read.
        Example(
            cells=("import comet_ml\nexperiment = comet_ml.start()", "experiment.log_table('reports/summary.csv')"),
            expect=((2, 1),),
        ),
        # Azure ML: the run's artifact name is remote (not reported), the file it is saved to here is
        # the notebook's (fair check 27).
        Example(
            cells=("from azureml.core import Run",
                   "best_run.download_file('outputs/predictions.csv', output_file_path='predictions/forecast.csv')"),
            expect=((2, 1),),
        ),
        # The same file name with no folder beside it is the working directory's.
        Example(
            cells=("from feast import DocEmbedder\nembedder = DocEmbedder(yaml_file='feature_store.yaml')",),
            expect=((1, 2),),
        ),
        # A Kaggle download saved into another folder: the archive read from the working directory is not it.
        Example(
            cells=(
                "from kaggle.api.kaggle_api_extended import KaggleApi\napi = KaggleApi()\n"
                "api.dataset_download_file('listennotes/podcast-episodes', file_name='podcasts.csv', path='/srv/kaggle')",
                "import zipfile\nwith zipfile.ZipFile('podcasts.csv.zip', 'r') as zipref:\n    zipref.extractall('./')",
            ),
            expect=((2, 2),),
        ),
        # An existence test over a body that downloads nothing: the folder is an input placed by hand.
        Example(
            cells=("from pathlib import Path\nif not Path('bird-search-example-main').exists():\n"
                   "    raise SystemExit('unpack the corpus first')",),
            expect=((1, 2),),
        ),
        # The tool's output read back from another folder than it wrote into (`-o sample1`), and one
        # read with no tool line above it: files placed by hand, kept.
        Example(
            cells=(
                "!kb count -i index.idx -g t2g.txt -x 10xv2 -o sample1 --h5ad R1.fastq.gz R2.fastq.gz",
                "import anndata\nadata = anndata.read_h5ad('counts_unfiltered/adata.h5ad')",
                "other = anndata.read_h5ad('sample2/counts_unfiltered/adata.h5ad')",
            ),
            expect=((2, 2), (3, 1)),
        ),
        # Sample data saved into a folder that also holds a file the notebook never saves: that file is an
        # input to place, kept; so is a file saved from a computed result and read back.
        Example(
            cells=(
                "import dask\ndf = dask.datasets.timeseries()\ndf.to_csv('data/*.csv')",
                "import pandas as pd\nimport dask.dataframe as dd\nframe = dd.read_csv('data/*.csv')\n"
                "labels = pd.read_parquet('data/labels.parquet')",
                "scores = model.evaluate(x)\npd.DataFrame(scores).to_csv('results.csv')",
                "results = pd.read_csv('results.csv')",
                "best = results['score'].idxmax()",
                # (a bundled set only copied out, never read back: an output)
                "from sklearn.datasets import load_iris\nload_iris(as_frame=True).frame.to_csv('iris/copy.csv')",
            ),
            expect=((2, 4), (3, 2), (6, 2)),
        ),
        # A method called on another call's result, given a `./` folder: an Azure ML step's output
        # downloaded into the working directory (fair check 27, T-6.7).
        Example(
            cells=("step = pipeline_run.find_step_run('train.py')[0]\nstep.get_output_data('processed_data1').download('./outputs')",),
            expect=((1, 2),),
        ),
        # A file read above the download that saves it, and one no download saves: inputs placed by hand.
        Example(
            cells=(
                "import json\nfrom azureml.core import Run\nwith open('featurization_summary.json') as f:\n    before = json.load(f)",
                "best_run.download_file('outputs/featurization_summary.json', 'featurization_summary.json')\n"
                "with open('summary/engineered_feature_names.json') as f:\n    names = json.load(f)",
            ),
            expect=((1, 3), (2, 2)),
        ),
        # After `os.chdir("app")` of an earlier cell, the folder the notebook wrote as `app/pkl_objects`,
        # named again, is that write's (related); a file it never wrote there stays reported (fair
        # check 27, item 111: chdir-alias-of-reported-folder).
        Example(
            cells=(
                "import os\nimport pickle\nos.makedirs('app/pkl_objects', exist_ok=True)\n"
                "pickle.dump(clf, open('app/pkl_objects/classifier.pkl', 'wb'))",
                "os.chdir('app')",
                "clf = pickle.load(open(os.path.join('pkl_objects', 'classifier.pkl'), 'rb'))\n"
                "words = pickle.load(open('vocab/words.pkl', 'rb'))",
            ),
            expect=((1, 3), (3, 2)),
        ),
        # An illustration the repository commits, shown by IPython's `Image(filename=…)`: read from the
        # working directory (fair check 27, T-10.6); a figure the notebook saved first and then shows is
        # its own output, reported once, at the `savefig`.
        Example(
            cells=(
                "from IPython.display import Image\nImage(filename='images/01.png', width=500)",
                "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.savefig('figures/loss.png')",
                "Image(filename='figures/loss.png')",
            ),
            expect=((1, 2), (2, 3)),
        ),
        # A script a shell line runs by a relative path (fair check 27, T-10.7), and a folder a magic
        # makes under a folder the notebook writes into: related to that folder's finding (fair check 26, T-5.7).
        Example(
            cells=(
                "import pandas as pd\n%mkdir feature_repo/data",
                "pd.DataFrame({'a': [1]}).to_parquet('feature_repo/data/wiki.parquet')",
                "! python ../.convert_notebook_to_script.py --input ch14.ipynb --output ch14.py",
            ),
            expect=((2, 1), (3, 1)),
        ),
        # A checkpoint loaded when it exists and saved by a later cell: the message names both
        # (fair check 29, item 89's wording); a dataset split saved with `save_to_disk` under a root
        # constant (item 97's: it said only "passed to `os.path.join`").
        Example(
            cells=(
                "import os\nimport torch\ncheckpoint_file = 'rnn-lm.ckpt'\nif os.path.exists(checkpoint_file):\n    model.load_state_dict(torch.load(checkpoint_file))",
                "for step in range(100):\n    train_step(model)\n    torch.save(model.state_dict(), checkpoint_file)",
                "save_dataset_path = 'data'\ntokenized['train'].save_to_disk(os.path.join(save_dataset_path, 'train'))",
            ),
            expect=((1, 3), (3, 1)),
        ),
        # A log folder filled in by `.format` with a name bound in each run's cell: the template's
        # `logs/` at the first call, the other related (fair check 32, T-1.3) ...
        Example(
            cells=("from tensorflow.keras.callbacks import TensorBoard\nNAME = 'cnn-32'\n"
                   "board = TensorBoard(log_dir='logs/{}'.format(NAME))",
                   "NAME = 'cnn-64'\nboard = TensorBoard(log_dir='logs/{}'.format(NAME))"),
            expect=((1, 3),),
        ),
        # ... also with the name bound once: the folder is the template's, not the name's literal; and a
        # path built from the working directory by `Path` alone (fair check 32, item 114's wording).
        Example(
            cells=("from tensorflow.keras.callbacks import TensorBoard\nNAME = 'cnn-32'\n"
                   "board = TensorBoard(log_dir='logs/{}'.format(NAME))",
                   "import os\nfrom pathlib import Path\ndata_path = Path(os.getcwd()) / 'data' / 'aclImdb'"),
            expect=((1, 3), (2, 3)),
        ),
        # Paths built in a loop over literal values: the message says what the rest is (fair check 34,
        # items 88, 107).
        Example(
            cells=("import pandas as pd\nnames = ['medium-followers', 'YT-earnings']",
                   "for name in names:\n    df = pd.read_csv('data/' + name + '.csv')",
                   "for split in ['train', 'test']:\n    df.to_csv('out/part_' + split + '.csv')"),
            expect=((2, 2), (3, 2)),
        ),
        # A folder constant used only by joins whose results a reader opens: the message names the
        # reader, not the join (fair check 34, item 103).
        Example(
            cells=("import os\nfrom skimage.io import imread",
                   "base_path = '04-files'\nseg_path = os.path.join(base_path, 'seg.jpg')\nseg_img = imread(seg_path)"),
            expect=((2, 1),),
        ),
        # The folder a download saves into that later cells also build the notebook's products in: a root
        # to configure, not the download's alone (fair check 35, item 94 R).
        Example(
            cells=("import os, urllib.request\ncifar_link = 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz'\n"
                   "data_dir = 'temp'\nif not os.path.isdir(data_dir):\n    os.makedirs(data_dir)\n"
                   "target_file = os.path.join(data_dir, 'cifar-10-python.tar.gz')\n"
                   "filename, headers = urllib.request.urlretrieve(cifar_link, target_file)",
                   "for label in ['cat', 'dog']:\n    os.makedirs(os.path.join(data_dir, 'train_dir', label))"),
            expect=((1, 3),),
        ),
        # `Image` never imported (HID003's finding): the catalogued readers of that name, IPython's, all
        # take the path as `filename=` (fair check 36, item T-10.7).
        Example(cells=("import numpy as np", "Image(filename='../dotfiles/iris_depth1_gini_decisionTree.png')"), expect=((2, 1),)),
        # The body of `if not ON_KAGGLE:` is the local branch: its relative path is what a local run
        # reads, not the Kaggle path bound in the `else:` below it (fair check 37, items 94-100).
        Example(
            cells=("import os\nimport pandas as pd\nON_KAGGLE = os.getenv('KAGGLE_KERNEL_RUN_TYPE') is not None",
                   "competition = 'digit-recognizer'\nif not ON_KAGGLE:\n    train_path = 'data/train.csv'\nelse:\n"
                   "    train_path = f'/kaggle/input/{competition}/train.csv'\ntrain = pd.read_csv(train_path)"),
            expect=((2, 3),),
        ),
        # ... and runs when a call gives `None` (fair check 37, item 108).
        Example(
            cells=(
                "import shutil\nfrom pathlib import Path\ndef unpack(archive, directory=None):\n    if not directory:\n"
                "        directory = Path('data')\n    shutil.unpack_archive(archive, directory)\n"
                "def save(df, folder=None):\n    folder = folder or Path('out')\n    df.to_csv(folder / 'x.csv')",
                "unpack(archive, None)\nsave(df, folder=target)",
            ),
            expect=((1, 5),),
        ),
        # The zip the Kaggle CLI saves inside the notebook's own function, read back there: PTH007's
        # download (fair check 37, items 110, 113, 115); the folder it is unpacked into stays.
        Example(
            cells=(
                "import os\nimport shutil\nimport subprocess\nimport pandas as pd\n"
                "ON_KAGGLE = os.getenv('KAGGLE_KERNEL_RUN_TYPE') is not None\n"
                "def download_competition_from_kaggle(competition):\n    command = 'kaggle competitions download -c '\n"
                "    subprocess.run((command + competition).split())\n    shutil.unpack_archive(competition + '.zip', 'data')\n"
                "    shutil.move(competition + '.zip', 'data')",
                "competition = 'titanic'\nif not ON_KAGGLE:\n    download_competition_from_kaggle(competition)\n"
                "    train_path = 'data/train.csv'\nelse:\n    train_path = f'/kaggle/input/{competition}/train.csv'\n"
                "train = pd.read_csv(train_path)",
            ),
            expect=((1, 9),),
        ),
        # A file `!wget` saves from a quoted URL holding a space, read back through a name: PTH003's
        # download, not an input here; the finding is at the input nothing fetches (fair check 38,
        # item 109: it sat at the downloaded sound file).
        Example(
            cells=(
                '!wget "http://sounds.example.edu/sound files/sax/SopSax.C6.aiff"',
                "import librosa\nimport numpy as np\naiff_file = 'SopSax.C6.aiff'\ny, sr = librosa.load(aiff_file)",
                "Xtr = np.load('uiowa_train_data.npy')\nytr = np.load('uiowa_train_labels.npy')",
            ),
            expect=((3, 1),),
        ),
        # ... while a scraper's page saved under the working directory stays reported (beside fair check 42's selectors).
        Example(cells=(
            "from selenium import webdriver\nimport scraper_utils\ndriver = webdriver.Chrome()",
            "salida = driver.find_element_by_xpath('.//div[@class=\"departure\"]/time')\n"
            "rows = scraper_utils.load_rows('./pages/vuelos.html')",
        ), expect=((2, 2),)),
        # Without a destination the download saves under its own name, in the working directory.
        Example(cells=(
            "from numerapi import NumerAPI\nnapi = NumerAPI()\nnapi.download_dataset('v4/train_int8.parquet')",
        ), expect=((1, 3),)),
        # One driver binary spelled with one `..` more in a later cell, given to the same call: one
        # finding, the other spelling related (fair check 42, item 138).
        Example(cells=(
            "from selenium import webdriver\ndriver = webdriver.Chrome(executable_path='../chromedriver')",
            "driver = webdriver.Chrome(executable_path='../../chromedriver')",
        ), expect=((1, 2),)),
        # The project's own helper joining the name under a relative folder: still the working directory's
        # (the limit of fair check 41, items 98, 118).
        Example(
            cells=("from loaders import load_table\nsales = load_table('sales.csv')",),
            files={"loaders.py": "import os\nimport pandas as pd\nBASE = 'tables'\n\ndef load_table(name):\n    return pd.read_csv(os.path.join(BASE, name))\n"},
            expect=((1, 2),),
        ),
        # A root constant written through a name each cell binds again to a file under it, or a function
        # binds once: the writes are named, the root's finding says so (fair check 43, items 109, 122, 124).
        Example(cells=(
            "from pathlib import Path\nimport matplotlib.pyplot as plt\nFIGURES = Path('../reports/figures')",
            "out = FIGURES / 'h1.png'\nplt.savefig(out)",
            "out = FIGURES / 'h2.png'\nplt.savefig(out)",
            "def roadmap():\n    path = FIGURES / 'roadmap.png'\n    plt.savefig(path)\nroadmap()",
        ), expect=((1, 3),)),
        # A cell whose reads are kept is the notebook's input (beside fair check 44, item 124).
        Example(cells=(
            "import pandas as pd\ntrain = pd.read_csv('train.csv')\npd.read_csv('test.csv')\ntrain.to_csv('out.csv')",
        ), expect=((1, 2),)),
        # A file a verbose extraction's listing does not show is not known to come out of the archive (beside fair check 44, item 119).
        Example(cells=(
            "!wget https://example.org/dumps/images_2017_11.tar.gz",
            code_cell("!tar -xzvf images_2017_11.tar.gz", 2, outputs=(
                {"output_type": "stream", "name": "stdout", "text": "2017_11/train/images.csv\n"},)),
            "import csv\nreader = csv.reader(open('2017_11/train/labels.csv'))",
        ), expect=((3, 2),)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        # A read of what the notebook extracted or downloaded itself (`extractall("data")`, then
        # `pd.read_csv("data/train.csv")`): a related location of the archive's finding, by the
        # archive's (cell, line); dropped when that step's finding is another rule's (PTH003, PTH007).
        read_back: dict[tuple[int, int], list[tuple[Cell, Optional[int], Optional[int]]]] = {}
        paths: dict[tuple[int, int, int], str] = {}
        scratch: list[tuple[str, list[tuple[Cell, Optional[int], Optional[int]]]]] = []
        hits = list(self._hits(ctx, read_back, paths, scratch))
        hits = _with_fallback_fetches(ctx, hits)
        for anchor, places in read_back.items():
            for i, hit in enumerate(hits):
                where = {(c.index, line) for c, line, _ in hit.related}
                if hit.cell is not None and ((hit.cell.index, hit.line) == anchor or anchor in where):
                    hits[i] = replace(hit, related=tuple(dict.fromkeys([*hit.related, *places])))
                    break
        folded = _fold_by_folder(hits, paths, scratch, _created_folders(ctx))
        yield from _with_shell_uses(ctx, folded, paths)

    def _hits(
        self, ctx: RuleContext, read_back: dict[tuple[int, int], list[tuple[Cell, Optional[int], Optional[int]]]],
        paths: dict[tuple[int, int, int], str],
        scratch: Optional[list[tuple[str, list[tuple[Cell, Optional[int], Optional[int]]]]]] = None,
    ) -> Iterator[Hit]:
        """PTH006's findings, one per path; `paths` gets the path each stands for, by position, for
        the folding by folder, and `scratch` the files made and deleted by the notebook, with their
        places."""
        if scratch is None:
            scratch = []
        grouped = self._constant_uses(ctx)
        # A file a download line saved (`!curl URL --create-dirs -o ../datasets/tables/train.csv`,
        # `!wget ftp://…/reads.fq.gz`), read back through a constant bound to its path: PTH003's
        # download step stands for it, as for a literal read (fair check 16, item 106).
        fetched_by_lines = _read_back_lines(ctx)
        # (their literals and uses are the download's: no open-ended path of their own either)
        fetched_constants: list[list[tuple[Constant, str, PathArgument]]] = []
        for position in [p for p, uses in grouped.items() if fetched_by_lines and all(
                pa.direction in ("read", "none") and any(
                    _fetched(_normal_path(value), files) and _fetch_before(where, (_cell_of(ctx, pa), pa.call.line), pa.direction)
                    for where, files in fetched_by_lines.items())
                for _, value, pa in uses)]:
            fetched_constants.append(grouped.pop(position))
        # A file written through a constant only to be handed to a tracker's upload below
        # (`csv_fname = "iris.csv"`, `df.to_csv(csv_fname)`, then `run["data"].upload(csv_fname)`):
        # staging for the upload, as for a literal (`_staged_for_upload`; fair check 16, items 107, 109).
        uploaded = _tracker_uploads(ctx)
        staged_constants: list[list[tuple[Constant, str, PathArgument]]] = []
        for position in [p for p, uses in grouped.items() if uploaded and _constant_staged(ctx, uses, uploaded)]:
            uses = grouped.pop(position)
            staged_constants.append(uses)
            constant = uses[0][0]
            cell_of = ctx.code_cell_at
            scratch.append((uses[0][1], [(constant.ca.cell, constant.line, constant.column), *(
                (cell_of[_cell_of(ctx, pa)], pa.call.line, pa.call.column) for _, _, pa in uses)]))
        # Sample data a library makes or ships, saved by the notebook and read back through a
        # constant (`output_filename = os.path.join("temp", "astronaut.png")`, `io.imsave(output_filename,
        # data.astronaut())`, then `imread(filename)`): made wherever it runs (fair check 26, item 105).
        for position in [p for p, uses in grouped.items() if _sample_data_round_trip(
                ctx, [((_cell_of(ctx, pa), pa.call.line), _with_suffix(_normal_path(value), pa), pa.direction) for _, value, pa in uses])]:
            uses = grouped.pop(position)
            staged_constants.append(uses)
            constant = uses[0][0]
            scratch.append((uses[0][1], [(constant.ca.cell, constant.line, constant.column), *(
                (ctx.code_cell_at[_cell_of(ctx, pa)], pa.call.line, pa.call.column) for _, _, pa in uses)]))
        # A figure saved with interactive plotting off only for a markdown cell to show it
        # (`fig.savefig("./grid.png")`, then `![](grid.png)`): a display, not an output (fair check 15).
        shown_figures: list[list[tuple[Constant, str, PathArgument]]] = []
        for position in [p for p, uses in grouped.items() if _shown_figure_only(
                ctx, uses[0][1], [(_cell_of(ctx, pa), pa) for _, _, pa in uses])]:
            shown_figures.append(grouped.pop(position))
        produced = _produced_paths(ctx)
        cells_by_index = ctx.code_cell_at
        read_back_constants: list[list[tuple[Constant, str, PathArgument]]] = []
        # (A file the notebook writes under that folder itself, `model.save("data/model")`, read back
        # later: the write's finding keeps the read.)
        written = {
            name for f in (literal_findings(ctx) if produced else ())
            if f.argument is not None and f.argument.direction in ("write", "both")
            for name in (_normal_path(f.value), written_file(f))
        }
        for position in list(grouped) if produced else ():
            uses = grouped[position]
            steps = [
                _read_back(value, _cell_of(ctx, pa), pa.call.line, pa.direction, produced, written)
                # the step that makes the folder (`load_zip.unzip(url, unzip_dir=download_dir)`)
                or _making_step(value, _cell_of(ctx, pa), pa.call.line, produced)
                for _, value, pa in uses
            ]
            if steps and all(steps):
                constant = uses[0][0]
                read_back.setdefault(steps[0].anchor, []).extend([  # type: ignore[union-attr]
                    (constant.ca.cell, constant.line, constant.column),
                    *((cells_by_index[_cell_of(ctx, pa)], pa.call.line, pa.call.column) for _, _, pa in uses),
                ])
                del grouped[position]
                read_back_constants.append(uses)

        def read_back_here(f: LiteralFinding) -> bool:
            step = _read_back(f.value, f.ca.cell.index, f.line, f.argument.direction, produced, written) if produced and f.argument else None
            if step is not None:
                read_back.setdefault(step.anchor, []).append((f.ca.cell, f.line, f.column))
            return step is not None

        # A literal that is itself a reported constant's (`datapath = os.path.join("datasets", …)`
        # is both a literal given to `os.path.join` and the constant's root): one finding, the
        # constant's, with the literal's other places added to it.
        extra: dict[tuple[int, int, int], list[LiteralFinding]] = {}
        # The same path written as a constant (`target = "data.tar.gz"`) and as a literal given
        # straight to a call (`os.path.isfile("data.tar.gz")`) is one file: the constant's finding.
        constant_of_value: dict[str, tuple[int, int, int]] = {}
        # Two constants naming one file (`dst = "model.ts"` to download it, `model_path =
        # "model.ts"` to load it): one finding at the first, the second's literal and uses related.
        same_file: dict[tuple[int, int, int], list[tuple[Constant, str, PathArgument]]] = {}
        for position in sorted(grouped):
            value = grouped[position][0][0].value
            if value in constant_of_value:
                same_file.setdefault(constant_of_value[value], []).extend(grouped.pop(position))
            else:
                constant_of_value[value] = position
        modules = _imported_tops(ctx)
        # A folder built for `os.chdir(os.path.join("..", "styles"))` is PTH004's finding: the
        # change of directory is the root cause, its pieces are not paths read or written.
        chdir_arguments = {(ca.cell.index, a.line, a.column) for ca, call in directory_changes(ctx) for a in call.args}
        # ... and so is a folder given to it as it is (`os.chdir('../examples')`): the call's own
        # position, where the literal is its argument (fair check 19, Section3_3 c117).
        chdir_arguments |= {(ca.cell.index, call.line, call.column) for ca, call in directory_changes(ctx)}
        fetched = _read_back_lines(ctx)
        # Where the notebook first writes each relative path (by a literal or through a constant): a
        # path named again after `os.chdir` into a folder of it is that write's (`_chdir_alias`).
        # Only a notebook that changes directory asks, so the table is made for those alone.
        first_writes: dict[str, tuple[int, int]] = {}
        if directory_changes(ctx):
            for at, name in sorted(
                    [((f.ca.cell.index, f.line), name) for f in literal_findings(ctx)
                     if f.argument is not None and f.argument.direction in ("write", "both")
                     for name in (_normal_path(f.value), written_file(f)) if name]
                    + [((_cell_of(ctx, pa), pa.call.line), _normal_path(value)) for uses in grouped.values()
                       for _, value, pa in uses if pa.direction in ("write", "both")]):
                first_writes.setdefault(name, at)

        def chdir_alias_here(f: LiteralFinding) -> bool:
            written = _chdir_alias(ctx, f, first_writes)
            if written is not None:
                read_back.setdefault(written, []).append((f.ca.cell, f.line, f.column))
            return written is not None

        relative = (
            f for f in literal_findings(ctx)
            if f.path_class.kind == "relative" and f.argument is not None and not _module_file(f.value, modules)
            and (f.ca.cell.index, f.argument.call.line, f.argument.call.column) not in chdir_arguments
            # A file on a remote job's side (`PropertyFile(path="evaluation.json")` of a SageMaker step).
            and not _in_container(ctx, f)
            # `base_path = os.path.abspath("../")` only for `os.chdir(base_path)`: PTH004's.
            and (f.ca.cell.index, f.line, f.column) not in _chdir_target_bindings(ctx)
            and not _displayed_listing(f)
            # `DATA_PROCESSED = Path("../data/processed")` read only by `print(f"Data path: {DATA_PROCESSED}")`.
            and not _shown_path_constant(ctx, f)
            # Colab's set-up block (`os.makedirs("dqn")` under `if IN_COLAB:`) runs in /content only.
            and not _hosted_setup(f)
            # A function's fallback for a parameter every call gives (fair check 37, item 108).
            and not _overridden_fallback(ctx, f)
            # `OUTPUT_DIR = Path("out")` in a papermill/Kale parameters cell: configuration already.
            and not _parameters_setting(ctx, f)
            # A candidate location the notebook probes (`.exists()`) after a configured one.
            and (f.ca.cell.index, f.line, f.column) not in _probed_candidates(ctx)
            # A file a `!curl -O` line fetched, read back by name: PTH003's download step.
            and not _reads_fetched_file(f, fetched)
            # A file of a repository a `!git clone` line above saved: PTH007's download step.
            and not _reads_cloned_file(ctx, f)
            # A file of a folder the notebook extracted an archive into, or a file it downloaded by name.
            and not read_back_here(f)
            # The folder an archive a download step saved is extracted into: that download's too.
            and not _extracts_fetched_archive(ctx, f, produced, written)
            # After `os.chdir(path)` above it in the same function (or module-level cell), the literal
            # resolves against `path`, not the notebook's folder: PTH004 reports that change.
            and not _after_chdir(ctx, f)
            # `data/x.csv` below a hosted set-up cell that, when `data/` is missing, clones the
            # notebook's repository and enters its own folder there: that folder either way (fair
            # check 43, items 110-112, 125).
            and not under_bootstrap_folder(own_folder_bootstraps_of(ctx), f.ca.cell.index, f.line, f.value)
            # ... and that cell's own test for the folder (`if not os.path.isdir("data"):`), which
            # holds nowhere but a hosted runtime or a folder without the notebook's data.
            and not any(b.cell == f.ca.cell.index and b.start == f.line for b in own_folder_bootstraps_of(ctx))
            # After a module-level `os.chdir("/home/nick/model/")` of an earlier cell (the last change
            # above it), the literal resolves against that folder: a related location of the change's
            # finding (PTH002, or PTH004), not a path of the folder the notebook is run from.
            and _absolute_chdir_before(ctx, f) is None
            # After `if Path.cwd().name == "notebooks": os.chdir("..")` in a notebook of `notebooks/`,
            # the literal resolves against the folder above the notebook's from either start (fair
            # check 45, item 107).
            and not _after_guarded_up_to_parent(ctx, (f.ca.cell.index, f.argument.call.line))
            # After `os.chdir("movieclassifier")` of an earlier cell, `"pkl_objects"` is the folder the
            # notebook wrote as `movieclassifier/pkl_objects` above: that write's finding, related.
            and not chdir_alias_here(f)
            # `sub = os.path.join("cs100", "lab4")` only ever joined after another root
            # (`os.path.join(base_dir, sub, "x.gz")`): a later piece of a path, not a root.
            and not _later_piece_only(ctx, f)
            # `sys.path.append(os.path.join("..", ".."))`: a folder of code put on the import path,
            # no file read or written; PTH005 reports the edit (fair check 15, item 129).
            and not _sys_path_entry_piece(ctx, f)
            # `def download(name, cache_dir=os.path.join('..', 'data'))`, the notebook's helper fetching
            # its registry's URLs there: PTH003's finding, related (fair check 28, items 103, 108, 111, 112).
            and not _registry_cache_default(ctx, f)
        )
        # `f"{ROOT}-finetuned"` with `ROOT` a reported constant: the constant's finding covers it.
        through_constant = {
            (_cell_of(ctx, pa), pa.literal.line, pa.literal.column)
            for uses in (*grouped.values(), *same_file.values()) for _, _, pa in uses if pa.literal is not None
        }
        twins = _colab_twins(ctx)
        # A root constant into Colab's mounted Drive: the mount's PTH002 finding, its literal related.
        drive_constants = [grouped.pop(position) for position in [
            p for p, uses in grouped.items() if twins.get(_normal_path(uses[0][0].value), (None, None, ""))[2] == "drive"]]
        groups = [
            g for g in _by_value(relative, normalise=True)
            if not _shown_figure_only(ctx, g[0].value, [(o.ca.cell.index, o.argument) for o in g])
            # The file a Colab `/content/…` path of the notebook also names: PTH002's finding.
            and _normal_path(g[0].value) not in twins
        ]
        # A scratch file made, used and deleted by the notebook: nothing to configure.
        removals = _shell_removals(ctx)
        kept_groups = []
        staged = _staged_for_upload(ctx, groups)
        for g in groups:
            if _scratch([((o.ca.cell.index, o.line), o.argument.direction if o.argument else "", _deletes(o)) for o in g],
                        _normal_path(g[0].value), removals) or _normal_path(g[0].value) in staged or _empty_folder_made(ctx, g) or _optional_cache(g) \
                    or _io_lesson(ctx, g) or _io_cheat_sheet(ctx, g) or _sample_data_round_trip(ctx, [
                        ((o.ca.cell.index, o.argument.call.line), written_file(o), o.argument.direction) for o in g if o.argument is not None]):
                scratch.append((g[0].value, [(o.ca.cell, o.line, o.column) for o in g]))
            elif _read_back_at_once(ctx, g) or _staged_by_open(ctx, g):
                # The notebook's own round trip is no finding in the report, but the package still
                # writes the file where the notebook did: the compiler lifts it into the config, one
                # field for the write and its read (`export_graphviz(..., out_file=cfg.x)`, then
                # `open(cfg.x)`), as when it was reported (realmig/tree_export).
                yield replace(_hit(
                    g[0],
                    f"Relative path {shown(g[0].value)}, a file the notebook writes and reads back itself, is resolved "
                    "against the current working directory, " + RUN_FOLDER,
                    "Build it from a configured root instead.",
                    g[1:],
                ), folded_into=self.code)
            else:
                kept_groups.append(g)
        groups = kept_groups
        # The file a reported download step saves (`dst = "data.zip"; gdown.download(url, dst)`, then
        # extracted): PTH007's (or PTH003's) finding stands for it, not a cwd path of its own.
        # (and a Python download PTH003 reports, `urlretrieve(url, "../data/x.fna.gz")`: its URL's
        # finding stands for the file in the report, the compiler still lifts the destination into
        # the config, as when it was reported here; fair check 21, item 129)
        pth003_downloads = frozenset(_covered_python_fetch_lines(ctx)) - _download_steps(ctx)
        downloads = _download_steps(ctx) | pth003_downloads
        # A folder joined into a download's destination (`data_file = os.path.join(data_dir, "x.tar.gz")`,
        # `urlretrieve(url, data_file)`), after only tests and the `os.makedirs` of it, and a cache of
        # the cell's own download (`if os.path.isfile(f): read f`, `else:` download, write f): the
        # download's finding stands for them (fair check 35, items 102, 91).
        for g in [g for g in groups if _joined_destination_folder(
                ctx, [((o.ca.cell.index, o.line), o.argument) for o in g if o.argument is not None])]:
            groups.remove(g)
        for position in [p for p, uses in grouped.items() if _joined_destination_folder(
                ctx, [((_cell_of(ctx, pa), pa.call.line), pa) for _, _, pa in uses])]:
            grouped.pop(position)
        if downloads:
            for g in [g for g in groups if _download_destination(
                    [((o.ca.cell.index, o.line), o.argument) for o in g if o.argument is not None], downloads)]:
                groups.remove(g)
                first = min(g, key=lambda o: (o.ca.cell.index, o.line))
                if (first.ca.cell.index, first.line) in pth003_downloads or (
                        first.argument is not None and _saved_file(first.argument)
                        and (first.ca.cell.index, first.argument.call.line) in pth003_downloads):
                    yield replace(_hit(
                        first,
                        f"Relative path {shown(first.value)}, where {first.argument.shown_callee} saves a download "
                        "(PTH003's finding), is resolved against the current working directory, " + RUN_FOLDER,
                        "Build it from a configured root instead.",
                        [o for o in g if o is not first],
                    ), folded_into="PTH003")
            # What a download makes, tested only to skip it (`if not Path("repo-main").exists():` over
            # the `urlretrieve` of the archive that extracts to it): the download's (fair check 27, item 105).
            for g in [g for g in groups if _download_guard(g, downloads)]:
                groups.remove(g)
            # A `download=True` dataset's own root: PTH007's download stands for it in the report,
            # but the compiler still lifts the root into the config, as when it was reported here.
            for g in [g for g in groups if _one_dataset_root(g, downloads)]:
                groups.remove(g)
                yield replace(_hit(
                    g[0],
                    f"Relative path {shown(g[0].value)}, the root of a dataset {g[0].argument.shown_callee} downloads "
                    "(PTH007's finding), is resolved against the current working directory, " + RUN_FOLDER,
                    "Build it from a configured root instead.",
                    g[1:],
                ), folded_into="PTH007")
            # The same for a root joined into a name (`path = osp.join(".", "data", "Cora")`) that only
            # a PyTorch Geometric dataset reads (`Planetoid(path, "Cora")`): no `download=True`,
            # but PTH007 reports the call as the download it is (fair check 18).
            for g, dataset in [(g, d) for g in groups if (d := _joined_dataset_root(ctx, g, downloads))]:
                groups.remove(g)
                yield replace(_hit(
                    g[0],
                    f"Relative path {shown(g[0].value)}, joined into the root of a dataset `{dataset}` downloads "
                    "(PTH007's finding), is resolved against the current working directory, " + RUN_FOLDER,
                    "Build it from a configured root instead.",
                    g[1:],
                ), folded_into="PTH007")
            for position in [p for p, uses in grouped.items() if _download_destination(
                    [((_cell_of(ctx, pa), pa.call.line), pa) for _, _, pa in uses], downloads)]:
                uses = grouped.pop(position)
                constant, _, pa = uses[0]
                first = min(((_cell_of(ctx, u), u.call.line) for _, _, u in uses))
                if first in pth003_downloads:
                    yield Hit(
                        constant.ca.cell, constant.line, constant.column,
                        f"Relative path {shown(constant.value)} (`{constant.name}`), where {pa.shown_callee} saves a "
                        "download (PTH003's finding), is resolved against the current working directory, " + RUN_FOLDER,
                        fix="Build it from a configured root instead.",
                        key=f"{constant.name}\x1f{constant.value}",
                        related=tuple(dict.fromkeys((cells_by_index[_cell_of(ctx, u)], u.call.line, u.call.column) for _, _, u in uses)),
                        folded_into="PTH003",
                    )
            # The same root reached through a constant (`data_directory = "./data"`, then
            # `MNIST(data_directory, train=True, download=True)` and its test split): PTH007's
            # download stands for it too (fair check 16, item 105), the compiler still lifts it.
            for position in [p for p, uses in grouped.items() if _one_dataset_root_uses(ctx, uses, downloads)]:
                uses = grouped.pop(position)
                constant, value, pa = uses[0]
                cell_of = ctx.code_cell_at
                yield Hit(
                    constant.ca.cell,
                    constant.line,
                    constant.column,
                    f"Relative path {shown(constant.value)} (`{constant.name}`), the root of a dataset {pa.shown_callee} "
                    "downloads (PTH007's finding), is resolved against the current working directory, " + RUN_FOLDER,
                    fix="Build it from a configured root instead.",
                    key=f"{constant.name}\x1f{constant.value}",
                    related=tuple(dict.fromkeys((cell_of[_cell_of(ctx, u)], u.call.line, u.call.column) for _, _, u in uses)),
                    folded_into="PTH007",
                )
        for position in [p for p, uses in grouped.items() if _scratch(
                [((_cell_of(ctx, pa), pa.call.line), pa.direction, (pa.qualified or pa.shown_callee) in _DELETE_CALLS) for _, _, pa in uses],
                _normal_path(uses[0][1]), removals)]:
            uses = grouped.pop(position)
            constant = uses[0][0]
            scratch.append((uses[0][1], [(constant.ca.cell, constant.line, constant.column), *(
                (cells_by_index[_cell_of(ctx, pa)], pa.call.line, pa.call.column) for _, _, pa in uses)]))
        # Episode videos recorded to be shown in the notebook (`RecordVideo(env, video_folder="videos")`,
        # then `Path("videos").iterdir()` for the last clip): not reported (fair check 8).
        recorded = [_normal_path(f.value) for g in groups for f in g if f.argument is not None and f.argument.entry.recording]
        groups = [g for g in groups if not _recordings_only(g, recorded)]
        # `shutil.rmtree("export/probs", ignore_errors=True)` before saving under `os.path.join("export",
        # "probs", …)`: clearing a folder the notebook writes into is the same output, not a path of
        # its own. A delete whose path is (or lies under) another reported path of the notebook is a
        # related location of that path's finding.
        cleared: dict[int, list[LiteralFinding]] = {}
        kept: list[list[LiteralFinding]] = []
        hosts = [(_normal_path(g[0].value), g) for g in groups if not all(_deletes(o) for o in g)]
        constant_roots = [(_normal_path(uses[0][0].value), position) for position, uses in grouped.items()]
        for group in groups:
            if all(_deletes(o) for o in group):
                path = _normal_path(group[0].value)
                host = next((g for root, g in hosts if _under(path, root)), None)
                if host is not None:
                    cleared.setdefault(id(host[0]), []).extend(group)
                    continue
                position = next((pos for root, pos in constant_roots if _under(path, root)), None)
                if position is not None:
                    extra.setdefault(position, []).extend(group)
                    continue
                # Only deleted, but named above by a call the catalogue does not know
                # (`profile_view.write("my_profile.bin")`, then `os.remove("./my_profile.bin")`): the
                # cleanup of the notebook's own scratch file, nothing to configure; a related path of
                # its folder's finding when there is one (fair check 21, item 128). A folder named
                # nowhere before its delete (`shutil.rmtree("joblib_cache")`, another tool's cache)
                # stays a finding (fair check 7).
                if _named_before(ctx, path, min((o.ca.cell.index, o.line) for o in group)):
                    scratch.append((group[0].value, [(o.ca.cell, o.line, o.column) for o in group]))
                    continue
            kept.append(group)
        reported_here: list[tuple[LiteralFinding, list[LiteralFinding]]] = []
        for f, *others in kept:
            others = [*others, *cleared.get(id(f), ())]
            position = (f.ca.cell.index, f.line, f.column)
            if position in through_constant:
                continue
            if position in grouped:
                extra[position] = others
                continue
            if f.value in constant_of_value:
                extra.setdefault(constant_of_value[f.value], []).extend([f, *others])
                continue
            reported_here.append((f, others))
        for f, others in reported_here:
            what = {".": "the current working directory itself", "..": "the working directory's parent"}.get(f.value, "")
            described = f"{shown(f.value)} ({what})" if what else shown(f.value)
            joined = _joined_from(ctx, f) if re.fullmatch(r"\.\.?(?:[/\\]\.\.)*[/\\]?", f.value) else None
            if joined is not None:
                # `os.path.join("..", "tasks", msd_task, name)`: '..' alone says nothing of the file.
                described = f"{shown(joined)} (joined from {shown(f.value)}{', ' + what if what else ''})"
            formatted = _formatted(ctx, f)
            if formatted is not None:
                written, value = formatted
                described = (
                    f"{shown(value)} (`{written}`)" if value is not None
                    else f"{shown(f.value)} (`{written}`, its holes filled at run time)"
                )
            paths[(f.ca.cell.index, f.line, f.column)] = formatted[1] or f.value if formatted is not None else f.value
            where = _where(f)
            quoted_file = _quoted_file_path(ctx, f)
            if quoted_file is not None:
                # `os.path.join(os.path.dirname(os.path.abspath("__file__")), "data", "x.csv")`: the quoted
                # name is a file in the working directory, not the notebook (fair check 20, item 128).
                built, name = quoted_file
                yield _hit(
                    f,
                    f"The quoted {shown(f.value)}{where} is a file name, not the notebook's path: "
                    f"`{f.argument.shown_callee}(\"__file__\")` is a path in the working directory, so "
                    f"{shown(built) if built else 'the path built from it'}{f' (`{name}`)' if name else ''} is resolved "
                    "against the current working directory, " + RUN_FOLDER,
                    "Build it from a configured root instead: `DATA_DIR / \"…\"`, with `DATA_DIR` from a config "
                    "value or environment variable (or `Path(__file__).parent` inside a package).",
                    others,
                )
                continue
            caller = _own_function_caller(ctx, f)
            if caller is not None:
                # `path = os.path.join("../", base)` in `def get_data_directory(base)`: say where it runs
                # (fair check 20, item 127: the message named only `os.path.join`).
                function, call_cell, call_line, call_column = caller
                where = f"{where[:-1]} in `{function}`, the notebook's own function (called in cell {call_cell.index}, line {call_line}),"
                others = [*others]
                caller_place = (call_cell, call_line, call_column)
            else:
                caller_place = None
            if f.argument is not None and f.argument.direction == "none":
                # `os.path.exists("weights_model")` first, the folder made and filled below: the
                # write is what the reader must move (fair check 14, item 129).
                writer = next((
                    o for o in others if o.argument is not None and o.argument.direction in ("write", "both")
                    and _normal_path(o.value) == _normal_path(f.value)
                ), None)
                if writer is not None:
                    where = (f"{where[:-1]} and {writer.argument.verb} `{writer.argument.shown_callee}` "
                             f"(cell {writer.ca.cell.index}, line {writer.line}),")
            hit = _hit(
                f,
                f"Relative path {described}{_kaggle_input_note(f.value)}{where} is resolved against the current working directory, "
                + RUN_FOLDER,
                "Build it from a configured root instead: `DATA_DIR / \"…\"`, with `DATA_DIR` from a config "
                "value or environment variable (or `Path(__file__).parent` inside a package).",
                others,
            )
            yield replace(hit, related=tuple(dict.fromkeys([*hit.related, caller_place]))) if caller_place is not None else hit
        # Through variables: one finding per constant, at its literal (where it is fixed), with
        # the calls that use it as related locations.
        # Settings of one settings object naming files of one folder (`args.raw_train_csv =
        # "data/yelp/raw_train.csv"`, `args.raw_test_csv = "data/yelp/raw_test.csv"`): one folder
        # to configure, one finding at the first, the others' keywords and uses related.
        same_folder: dict[tuple[int, int, int], list[tuple[int, int, int]]] = {}
        folder_host: dict[tuple[str, str], tuple[int, int, int]] = {}
        for position in sorted(grouped):
            constant = grouped[position][0][0]
            parent = _normal_path(constant.value).rpartition("/")[0]
            if constant.name.isidentifier() or not parent or parent.startswith(".."):
                continue
            host = folder_host.setdefault((_object_name(constant.name), parent), position)
            if host != position:
                same_folder.setdefault(host, []).append(position)
        folded = {p for ps in same_folder.values() for p in ps}
        for position, uses in grouped.items():
            if position in folded:
                continue
            if (position not in same_folder and not same_file.get(position) and not extra.get(position)
                    and _constant_read_back_at_once(ctx, uses)):
                # The notebook's own round trip through a name: no finding in the report, but the
                # compiler still lifts the file into the config, as for a literal's round trip.
                constant = uses[0][0]
                cells = ctx.code_cell_at
                yield Hit(
                    constant.ca.cell, constant.line, constant.column,
                    f"Relative path {shown(constant.value)} (`{constant.name}`), a file the notebook writes and reads "
                    "back itself, is resolved against the current working directory, " + RUN_FOLDER,
                    fix="Build it from a configured root instead.",
                    key=f"{constant.name}\x1f{constant.value}",
                    related=tuple(dict.fromkeys((cells[_cell_of(ctx, pa)], pa.call.line, pa.call.column) for _, _, pa in uses)),
                    folded_into=self.code,
                )
                continue
            # (the message names a read or write, when there is one, over a join's piece)
            # (and, when no use has a known direction, one that is not a join: `imread(seg_path)`, an
            # uncatalogued reader, with `seg_path = os.path.join(base_path, "x.jpg")`; fair check 34,
            # item 103: not "passed to `os.path.join`")
            constant, value, pa = next((u for u in uses if u[2].direction != "none"), None) or next(
                (u for u in uses if u[2].qualified not in _JOIN_CALLS and u[2].shown_callee not in _JOIN_CALLS), uses[0])
            constant = uses[0][0]
            # ... and a write of the same constant too, when the one named reads it (`checkpoint_file`
            # loaded by `torch.load` when it exists, saved by `torch.save` in a later cell: the notebook
            # makes the file; fair check 29, item 89's wording)
            writer = next((u[2] for u in uses if u[2].direction in ("write", "both")), None) if pa.direction == "read" else None
            written_too = (f", {writer.verb} `{writer.shown_callee}` (cell {_cell_of(ctx, writer)}, line {writer.call.line}),"
                           if writer is not None else "")
            through = _joined_into_own_function(ctx, uses) if pa.qualified in _JOIN_CALLS or pa.shown_callee in _JOIN_CALLS else None
            used = (f"{pa.verb} `{pa.shown_callee}` as {shown(value)} (cell {_cell_of(ctx, pa)}, line {pa.call.line})"
                    f"{written_too}")
            through_places: list[tuple[Cell, Optional[int], Optional[int]]] = []
            if through is not None:
                # `TRAIN_PATH = os.path.join(BASE_DIR_PATH, "train")`, then `load_files(TRAIN_PATH)`, whose
                # `os.listdir(file_path)` reads it: the reads are the use, not the join (fair check 41, item 116).
                join, name, function, calls, inner, inner_cell = through
                call_cell, call = calls[0]
                does = _TWIN_VERBS.get(inner.direction, "uses")
                used = (f"joined into `{name}` by `{join.shown_callee}` (cell {_cell_of(ctx, join)}, line {join.call.line}), "
                        f"which `{function}`, the notebook's own function, is given (cell {call_cell.index}, line {call.line}) "
                        f"and {does} with `{inner.shown_callee}` (cell {inner_cell}, line {inner.call.line}),")
                inside = ctx.code_cell_at.get(inner_cell)
                through_places = [*((c, k.line, k.column) for c, k in calls),
                                  *(((inside, inner.call.line, inner.call.column),) if inside is not None else ())]
            uses_cells = ctx.code_cell_at
            others = [grouped[p] for p in same_folder.get(position, ())]
            also = (
                f"; so {'is' if len(others) == 1 else 'are'} "
                + ", ".join(f"`{o[0][0].name}`" for o in others)
                + " (related), in the same folder" if others else ""
            )
            # (the folder it is grouped by is the first use's, as the literal reaches it, not the
            # directional use the message names: `PROJECT_ROOT_DIR = "."` is the working directory's)
            paths[position] = uses[0][1]
            yield Hit(
                constant.ca.cell,
                constant.line,
                constant.column,
                f"Relative path {shown(constant.value)} (`{constant.name}`) is {used}{_kaggle_input_note(constant.value)} and resolved against "
                "the current working directory, " + RUN_FOLDER + also,
                fix="Make it a configured root instead: `DATA_DIR = Path(os.environ.get(\"DATA_DIR\", \"data\"))`, and build paths from it.",
                key=f"{constant.name}\x1f{constant.value}",
                related=tuple(dict.fromkeys([
                    *((uses_cells[_cell_of(ctx, p)], p.call.line, p.call.column) for _, _, p in uses),
                    *((c.ca.cell, c.line, c.column) for o in others for c, _, _ in o[:1]),
                    *((uses_cells[_cell_of(ctx, p)], p.call.line, p.call.column) for o in others for _, _, p in o),
                    *((c.ca.cell, c.line, c.column) for c, _, _ in same_file.get(position, ())),
                    *((uses_cells[_cell_of(ctx, p)], p.call.line, p.call.column) for _, _, p in same_file.get(position, ())),
                    *((o.ca.cell, o.line, o.column) for o in extra.get(position, ())),
                    *through_places,
                ])),
            )
        reported = {(f.ca.cell.index, f.line, f.column) for f in literal_findings(ctx)} | set(grouped)
        # (a path argument a constant's finding already covers is that finding's, not a second one;
        # so is a constant's read of what the notebook extracted or downloaded itself)
        covered = {
            (_cell_of(ctx, pa), pa.arg.line, pa.arg.column)
            for uses in (*grouped.values(), *same_file.values(), *read_back_constants, *shown_figures, *fetched_constants,
                         *staged_constants, *drive_constants)
            for _, _, pa in uses
        }
        # (and a constant's file staged for an upload is no open-ended path either: fair check 27)
        reported |= {(c.ca.cell.index, c.line, c.column)
                     for uses in (*read_back_constants, *shown_figures, *fetched_constants, *staged_constants, *drive_constants)
                     for c, _, _ in uses}
        taken = reported | covered
        def read_back_below_cwd(rest: str, cell: int, pa: PathArgument) -> bool:
            step = _read_back(rest, cell, pa.call.line, pa.direction, produced, written) if produced else None
            if step is not None:
                read_back.setdefault(step.anchor, []).append((cells_by_index[cell], pa.call.line, pa.call.column))
                return True
            # A file a download line saved into the working directory, read back as
            # `f"{os.getcwd()}/scene.tif"`: PTH003's download step, as for the bare name.
            return pa.direction in ("read", "none") and any(
                _fetched(rest, files) and _fetch_before(where, (cell, pa.call.line), pa.direction)
                for where, files in fetched_by_lines.items())

        # A path whose rest is known only at run time, from a relative literal (`f"./guide_{k}.txt"`,
        # `"datasets/babynames/yob" + str(year)`), hangs off that literal's folder: one finding with
        # the folder's other paths (`_fold_by_folder`); one built from `os.getcwd()` keeps its own.
        pieces: dict[tuple[int, int, int], str] = {}
        for hit in _open_ended_paths(ctx, chdir_arguments, reported | covered, read_back_below_cwd, pieces):
            at = (hit.cell.index if hit.cell is not None else -1, hit.line or 0, hit.column or 0)
            taken.add(at)
            if at in pieces:
                paths[at] = pieces[at]
            yield hit
        yield from _implicit_folders(ctx)
        # A path the notebook already has a finding for (a literal given straight to a call, or a
        # constant) is not reported again when it is also given to one of its own functions.
        known = {_normal_path(g[0].value) for g in kept} | {_normal_path(u[0][0].value) for u in grouped.values()}
        for hit in _own_function_paths(ctx, known, modules, taken):
            paths[(hit.cell.index if hit.cell is not None else -1, hit.line or 0, hit.column or 0)] = (hit.key or "").split("\x1f", 1)[-1]
            yield hit

    @staticmethod
    def _constant_uses(ctx: RuleContext) -> dict[tuple[int, int, int], list[tuple[Constant, str, PathArgument]]]:
        """The uses of each relative root constant, by the position of the root's literal."""
        settings = path_settings(ctx.catalog)
        grouped: dict[tuple[int, int, int], list[tuple[Constant, str, PathArgument]]] = {}
        modules = _imported_tops(ctx)
        names = _model_names(ctx)
        leading: frozenset[str] | None = None
        spans = _container_spans(ctx)
        job_side = _job_side_constants(ctx)
        for constant, value, pa in propagated_paths(ctx, rebound=True):
            if _module_file(value, modules):
                continue
            # A place on a remote job's side, or in an Azure ML run's artifacts or datastore
            # (`ds.upload(src_dir="./data", target_path=DATA_PATH)`, `run.register_model(model_path=MODEL)`).
            if (constant.ca.cell.index, constant.line, constant.column) in job_side or (
                    spans and in_container(spans, _cell_of(ctx, pa), pa.arg.line, pa.arg.column)):
                continue
            found = classify(value, settings, path_argument=True, url_only=pa.entry.kind == "url", store_uri=pa.entry.kind == "store-uri")
            if found is None or found.kind != "relative":
                continue
            if (_cell_of(ctx, pa), pa.arg.line, pa.arg.column) in _helper_joins(ctx):
                continue  # a name the project's helper joins under its absolute folder (as for a literal)
            constant = constant.root or constant
            if not value.startswith(constant.value):
                # `os.path.join('models', model_id + '.pkl')`: the constant is the file name's stem;
                # the path's root is the literal before it, reported where it is written.
                if leading is None:
                    leading = frozenset(f.value.rstrip("/\\") for f in literal_findings(ctx)
                                        if f.source == "python" and f.path_class.kind == "relative")
                if any(value.startswith(root + "/") for root in leading if root):
                    continue
                if _template_argument(ctx, pa):
                    # `TensorBoard(log_dir="logs/{}".format(NAME))`: the folder to configure is the
                    # template's `logs/`, reported at the call with the open-ended paths, not NAME's
                    # literal (fair check 32, T-1.3).
                    continue
            if constant.name in names:
                # `model_name = "distilbert-base-uncased"` fetched with `from_pretrained(model_name)`
                # and also spelled into `output_dir=f"{model_name}-finetuned"`: a model id, not a
                # folder to configure (the output path's own literal part is no root either).
                continue
            if any(t.strip().lower() in _PARAMETER_TAGS for t in constant.ca.cell.tags):
                continue  # papermill/Kale parameters: already configuration, set per run
            if _after_guarded_up_to_parent(ctx, (_cell_of(ctx, pa), pa.call.line)):
                continue  # used below `if Path.cwd().name == "notebooks": os.chdir("..")` (fair check 45, item 107)
            grouped.setdefault((constant.ca.cell.index, constant.line, constant.column), []).append((constant, value, pa))
        return grouped


# --- tracking servers ----------------------------------------------------------------------------

# MLflow's calls that point the client at a server, and the argument (position, keyword) naming it.
_TRACKING_CALLS: dict[str, tuple[tuple[int, str], ...]] = {
    "mlflow.set_tracking_uri": ((0, "uri"),),
    "mlflow.set_registry_uri": ((0, "uri"),),
    "mlflow.MlflowClient": ((0, "tracking_uri"), (1, "registry_uri")),
    "mlflow.tracking.MlflowClient": ((0, "tracking_uri"), (1, "registry_uri")),
    "mlflow.client.MlflowClient": ((0, "tracking_uri"), (1, "registry_uri")),
}
# Neptune's calls that open a run, model or project, and the argument naming its project
# (`workspace/project` on the hosted service): neptune 1.x `init_run(with_id=None, *, project=…)`
# takes it by keyword only (neptune-client 0.x's `neptune.new.init_run(project, …)` took it first,
# so a positional argument is not read there); `init_project(project)` and the legacy
# `neptune.init(project_qualified_name)` take it first. Lightning's `NeptuneLogger(project=…)`
# opens a run itself. (position -1: keyword only)
_NEPTUNE_CALLS: dict[str, tuple[tuple[int, str], ...]] = {
    **{f"{module}.{call}": ((-1, "project"),) for module in ("neptune", "neptune.new")
       for call in ("init_run", "init_model", "init_model_version", "init")},
    "neptune.init_project": ((0, "project"),),
    "neptune.new.init_project": ((0, "name"), (-1, "project")),
    "neptune.init": ((0, "project_qualified_name"), (-1, "project")),
    "pytorch_lightning.loggers.NeptuneLogger": ((-1, "project"), (-1, "project_name")),
    "pytorch_lightning.loggers.neptune.NeptuneLogger": ((-1, "project"), (-1, "project_name")),
    "lightning.pytorch.loggers.NeptuneLogger": ((-1, "project"),),
    "lightning.pytorch.loggers.neptune.NeptuneLogger": ((-1, "project"),),
}
# The environment variables MLflow reads its servers from (and Neptune its project): set in the
# code, they are the call.
_TRACKING_VARIABLES = frozenset({"MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI", "NEPTUNE_PROJECT"})
# A Neptune project: `workspace/project`, both parts names (no hole, no blank).
_NEPTUNE_PROJECT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9][A-Za-z0-9_.\-]*$")
# A project named for the reader to replace (`"workspace-name/project-name"`, `"YOUR_WORKSPACE/YOUR_PROJECT"`,
# `"my_workspace/my_project"`): a blank, not a destination.
_PLACEHOLDER_PROJECT_PART = re.compile(
    r"^(?:(?:my|your|the)[-_]?)?(?:workspace|project|team|org|organization|user|username)(?:[-_]?name)?$|your|xxx|example|placeholder",
    re.IGNORECASE,
)


# Those calls, and their last names: an attribute call (`ml.set_tracking_uri`) resolves to its dotted
# name with the head replaced, so it keeps its last name.
_TRACKING_CALLEES = frozenset({*_TRACKING_CALLS, *_NEPTUNE_CALLS})
_TRACKING_LAST_NAMES = frozenset(name.rpartition(".")[2] for name in _TRACKING_CALLEES)


def _may_name_tracking(tree: ast.Module, aliases: Mapping[str, str]) -> bool:
    """A screen of PTH008 per cell, from the cell's class index: can a call of it resolve to one of
    `_TRACKING_CALLS`/`_NEPTUNE_CALLS`, or an assignment set one of `_TRACKING_VARIABLES`? An
    attribute call only with one of their last names; a plain name only through what it is bound
    to (`NotebookFacts.resolve` of a name without a dot); anything else spells no dotted callee.
    False means no node of the cell can give the rule a value (most cells): the rule resolved every
    call's dotted name."""
    for call in nodes_of(tree, ast.Call):
        func = call.func
        if func.__class__ is ast.Attribute:
            if func.attr in _TRACKING_LAST_NAMES:
                return True
        elif func.__class__ is ast.Name and aliases.get(func.id, func.id) in _TRACKING_CALLEES:
            return True
    return any(
        len(node.targets) == 1 and node.targets[0].__class__ is ast.Subscript
        and isinstance(node.targets[0].slice, ast.Constant) and node.targets[0].slice.value in _TRACKING_VARIABLES
        for node in nodes_of(tree, ast.Assign)
    )


def _tracking_destination(value: str, neptune: bool) -> Optional[str]:
    """The destination a literal names: an MLflow server address, or (for Neptune's calls and
    variable) a project that is no placeholder; None otherwise."""
    value = value.strip()
    if _SERVER_URI.match(value):
        return value.rstrip("/")
    if neptune and _NEPTUNE_PROJECT.match(value) and not any(_PLACEHOLDER_PROJECT_PART.search(part) for part in value.split("/")):
        return value
    return None
# A server address: `http(s)://host[:port][/path]` with a host (no f-string hole, no blank to fill).
_SERVER_URI = re.compile(r"^https?://(?P<host>[A-Za-z0-9.\-\[\]:]+?)(?::\d+)?(?:/\S*)?$", re.IGNORECASE)


def _opted_out_spans(ctx: RuleContext) -> dict[int, tuple[tuple[tuple[int, int], tuple[int, int]], ...]]:
    """Cell index → the stretches of code under an opt-in switch left off: a notebook global bound
    once, and nowhere else, to the literal `False` (`local = False  # set to True to run locally`),
    tested as `if local:` (its body) or `x if local else None` (the true branch); `not local` the
    other way round. As committed these never run, like the body of `if False:` (fair check 24: an
    MLflow server used only when the reader opts in; fair check 7: `USE_GOOGLE_DRIVE = False`).
    A flag bound twice, in a loop or function, or to anything but the literal is no such switch."""
    return ctx.shared("opted_out_spans", lambda: _find_opted_out_spans(ctx))


def _find_opted_out_spans(ctx: RuleContext) -> dict[int, tuple[tuple[tuple[int, int], tuple[int, int]], ...]]:
    trees = [(ca, cell_python_tree(ca)) for ca in ctx.cells]
    if not any("False" in ca.cell.source for ca, _ in trees):
        return {}
    stores: dict[str, int] = {}
    off: set[str] = set()
    for _, tree in trees:
        if tree is None:
            continue
        for node in walk_nodes(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                stores[node.id] = stores.get(node.id, 0) + 1
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                for name in node.names:
                    stores[name] = stores.get(name, 0) + 2  # (rebound in a function: not a switch)
        for stmt in tree.body:
            if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                    and isinstance(stmt.value, ast.Constant) and stmt.value.value is False):
                off.add(stmt.targets[0].id)
    off = {name for name in off if stores.get(name) == 1}
    if not off:
        return {}

    def skipped(test: ast.expr) -> Optional[bool]:
        """True: the test is the switch (its true branch is off); False: `not switch`."""
        if isinstance(test, ast.Name) and test.id in off:
            return True
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name) and test.operand.id in off:
            return False
        return None

    def span(nodes: Sequence[ast.AST]) -> tuple[tuple[int, int], tuple[int, int]]:
        first, last = nodes[0], nodes[-1]
        return ((first.lineno, first.col_offset), (last.end_lineno or last.lineno, last.end_col_offset or 0))  # type: ignore[attr-defined]

    found: dict[int, tuple[tuple[tuple[int, int], tuple[int, int]], ...]] = {}
    for ca, tree in trees:
        if tree is None:
            continue
        spans = []
        for node in walk_nodes(tree):
            if isinstance(node, (ast.If, ast.IfExp)):
                which = skipped(node.test)
                if which is None:
                    continue
                branch = node.body if which else node.orelse
                branch = branch if isinstance(branch, list) else [branch]
                if branch:
                    spans.append(span(branch))
        if spans:
            found[ca.cell.index] = tuple(spans)
    return found


def _opted_out(ctx: RuleContext, ca: CellAnalysis, node: ast.AST) -> bool:
    where = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
    return any(start <= where <= end for start, end in _opted_out_spans(ctx).get(ca.cell.index, ()))


class TrackingServerUri(Rule):
    code = "PTH008"
    quiet_in_reference_sheets = True
    compile_fix = "config"
    name = "tracking-server-uri"
    family = Family.PATHS
    severity = Severity.WARNING
    summary = "An MLflow tracking or registry server's address (`http://127.0.0.1:5000`), or a Neptune project (`common/pandas-support`), is written into the code."
    what_it_does = (
        "Reports a literal `http(s)://host[:port]` given as MLflow's tracking or registry server: the argument of "
        "`mlflow.set_tracking_uri`/`mlflow.set_registry_uri`, of `MlflowClient(tracking_uri, registry_uri)`, or "
        "the value assigned to `os.environ[\"MLFLOW_TRACKING_URI\"]` (or `MLFLOW_REGISTRY_URI`), directly or through a "
        "notebook global bound once to the literal (`TRACKING_URL = \"http://127.0.0.1:5000\"`, then "
        "`mlflow.set_tracking_uri(TRACKING_URL)`). One finding per address, at its first literal; the other literals "
        "and the calls given the name are related. A loopback address counts: nothing in the notebook starts that "
        "server. Not reported: a URI with an f-string hole for its host (a blank the reader fills), a `sqlite:///` or "
        "`file:` store (a local file: PTH006 reports a relative one), `databricks`, `os.environ.setdefault` (a default "
        "the environment overrides), and a call under an opt-in switch left off (`local = False`, bound once, then "
        "`if local:` or `… if local else None`: as committed it never runs, like `if False:`). "
        "Neptune's destination likewise: a literal `workspace/project` given as `project=` to `neptune.init_run`, "
        "`init_model`, `init_model_version` or `init_project` (also its first argument there, and the legacy "
        "`neptune.init(project_qualified_name)`), to Lightning's `NeptuneLogger(project=…)`, or assigned to "
        "`os.environ[\"NEPTUNE_PROJECT\"]`, directly or through a global bound once to it; one finding per project, "
        "saying whether the notebook logs there or only reads runs back (`mode=\"read-only\"`). Not reported: a "
        "project named for the reader to replace (`\"workspace-name/project-name\"`, `\"YOUR_WORKSPACE/YOUR_PROJECT\"`) "
        "and one built with an f-string (a blank)."
    )
    why_bad = (
        "A run then needs a server listening at that address, set up by hand outside the notebook (its backend store "
        "and artifact root included), and its runs, metrics and models go wherever that server keeps them: another "
        "machine, a pipeline pod or a colleague's laptop has no such server, and the run fails at its first `log_*` "
        "call or logs into a stranger's store. A Neptune project in the code sends every run's metadata, metrics and "
        "files to that project, whoever runs the notebook (a pipeline's runs land in a tutorial's public project)."
    )
    example = 'import mlflow\nmlflow.set_tracking_uri("http://127.0.0.1:5000")'
    use_instead = (
        "import mlflow\n"
        "# MLflow reads MLFLOW_TRACKING_URI from the environment when no URI is set in the code:\n"
        "# each machine (and the pipeline) points it at its own server.\n"
        'mlflow.set_experiment("churn")'
    )
    passing = (
        Example(cells=(
            "import os\nimport mlflow\nfrom mlflow.tracking import MlflowClient",
            "mlflow.set_tracking_uri('sqlite:///mlflow.db')\nclient = MlflowClient(tracking_uri=os.environ['MLFLOW_TRACKING_URI'])",
            "os.environ.setdefault('MLFLOW_TRACKING_URI', 'http://127.0.0.1:5000')",
        )),
        # A template's blank: the host is the reader's to fill in.
        Example(cells=("import mlflow\nHOST = ''  # the server's public name\nmlflow.set_tracking_uri(f'http://{HOST}:5000')",)),
        # A Neptune project named for the reader to replace, or left to NEPTUNE_PROJECT.
        Example(cells=(
            "import neptune\nrun = neptune.init_run(project='workspace-name/project-name')\nother = neptune.init_run()",
        )),
        # An opt-in switch left off (fair check 24): the server is used only by a reader who sets it.
        Example(cells=(
            "import mlflow",
            "# Set 'local' to True to log to your own tracking server\nlocal = False",
            "mlflow.set_tracking_uri(uri='http://127.0.0.1:8080') if local else None",
            "if local:\n    with mlflow.start_run():\n        mlflow.set_tracking_uri('http://127.0.0.1:8080')",
        )),
    )
    failing = (
        Example(
            cells=(
                "import mlflow\nfrom mlflow.tracking import MlflowClient\nmlflow.set_tracking_uri('http://127.0.0.1:5000')",
                "client = MlflowClient('http://127.0.0.1:5000')",
            ),
            expect=((1, 3),),
        ),
        Example(
            cells=(
                "import os\nimport mlflow\nTRACKING_URL = 'http://mlflow.internal.example.org:5000'",
                "mlflow.set_tracking_uri(TRACKING_URL)",
                "os.environ['MLFLOW_REGISTRY_URI'] = 'https://registry.example.org'",
            ),
            expect=((1, 3), (3, 1)),
        ),
        # A Neptune project written into the code (fair check 16): once per project.
        Example(
            cells=(
                "import neptune",
                "run = neptune.init_run(\n    project='common/pandas-support',\n    api_token=neptune.ANONYMOUS_API_TOKEN,\n)",
                "again = neptune.init_run(project='common/pandas-support', with_id='PAN-1', mode='read-only')",
            ),
            expect=((2, 2),),
        ),
        # A switch the notebook turns on (or sets twice) is no opt-in left off.
        Example(
            cells=(
                "import mlflow\nlocal = False",
                "local = True  # this run logs to the team's server",
                "if local:\n    mlflow.set_tracking_uri('http://127.0.0.1:8080')",
            ),
            expect=((3, 2),),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        constants = string_constants(ctx.facts)
        # address → [(cell, line, column) of its literal or of the call given its name]
        places: dict[str, list[tuple]] = {}
        # Neptune projects opened only with `mode="read-only"` (a notebook reading other runs back)
        writes: dict[str, bool] = {}
        for ca in ctx.cells:
            tree = cell_python_tree(ca)
            if tree is None or not _may_name_tracking(tree, ctx.facts.aliases):
                continue
            for node in nodes_of(tree, ast.Call, ast.Assign):
                if _opted_out(ctx, ca, node):
                    continue  # under an opt-in switch left off (`if local:` with `local = False`)
                values: list[ast.AST] = []
                neptune = False
                read_only = isinstance(node, ast.Call) and any(
                    k.arg == "mode" and isinstance(k.value, ast.Constant) and k.value.value == "read-only" for k in node.keywords)
                if isinstance(node, ast.Call):
                    qualified = ctx.facts.resolve(dotted_name(node.func))
                    wanted = _TRACKING_CALLS.get(qualified)
                    if wanted is None:
                        wanted = _NEPTUNE_CALLS.get(qualified)
                        neptune = wanted is not None
                    if wanted is None:
                        continue
                    for position, keyword in wanted:
                        given = [k.value for k in node.keywords if k.arg == keyword]
                        if (not given and 0 <= position < len(node.args)
                                and not any(isinstance(a, ast.Starred) for a in node.args[:position + 1])):
                            given = [node.args[position]]
                        values += given
                elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
                    target = node.targets[0]
                    key = target.slice
                    if (ctx.facts.resolve(dotted_name(target.value)) == "os.environ" and isinstance(key, ast.Constant)
                            and key.value in _TRACKING_VARIABLES):
                        values.append(node.value)
                        neptune = key.value == "NEPTUNE_PROJECT"
                for value in values:
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        address = _tracking_destination(value.value, neptune)
                        if address is not None:
                            writes[address] = writes.get(address, False) or not read_only
                            places.setdefault(address, []).append(
                                (ca, value.lineno, _char_column(ca.lines, value.lineno, value.col_offset), True))
                    elif isinstance(value, ast.Name) and value.id in constants:
                        constant = constants[value.id]
                        address = _tracking_destination(constant.value, neptune)
                        if address is not None:
                            writes[address] = writes.get(address, False) or not read_only
                            places.setdefault(address, []).append((constant.ca, constant.line, constant.column, True))
                            places[address].append(
                                (ca, value.lineno, _char_column(ca.lines, value.lineno, value.col_offset), False))
        for address, found in places.items():
            literals = [p for p in found if p[3]]
            first = min(literals, key=lambda p: (p[0].cell.index, p[1], p[2]))
            related = tuple(dict.fromkeys(
                (p[0].cell, p[1], p[2]) for p in sorted(found, key=lambda p: (p[0].cell.index, p[1], p[2]))
                if (p[0].cell.index, p[1], p[2]) != (first[0].cell.index, first[1], first[2])))
            if "://" not in address:
                yield Hit(
                    first[0].cell,
                    first[1],
                    first[2],
                    f"Neptune project `{address}` is written into the code: "
                    + ("every run of the notebook logs its metadata, metrics and files there, whoever runs it and from "
                       "wherever (a pipeline's runs included)" if writes.get(address, True) else
                       "every run of the notebook reads the runs it works on from there (`mode=\"read-only\"`), "
                       "whoever runs it and from wherever (a pipeline's runs included)")
                    + ", with the credentials the run is given",
                    fix="Leave the project to the `NEPTUNE_PROJECT` environment variable (Neptune reads it when "
                        "`project=` is not given) or make it a config value, and delete the literal",
                    key=address,
                    related=related,
                )
                continue
            loopback = _LOOPBACK.match(address, address.index("://") + 3) is not None
            yield Hit(
                first[0].cell,
                first[1],
                first[2],
                f"MLflow server `{address}` is written into the code: every run needs a server listening there"
                + (", on the machine that runs it, started by hand (nothing in the notebook starts it)" if loopback else
                   ", reachable from the machine that runs it")
                + ", and the runs and models go wherever that server stores them",
                fix="Leave the address to the `MLFLOW_TRACKING_URI` environment variable (MLflow reads it when the code "
                    "sets none) or make it a config value, and delete the literal",
                key=address,
                related=related,
            )
