"""DEP005: the notebook uses a module or attribute that the release of its distribution a fresh
environment installs no longer has (`sklearn.cross_validation`, `np.float`, `tf.Session`).

The removals are data (`rules/removed_apis.toml`: API, distribution, first release without it,
replacement, source); what the project declares comes from its manifests and from the notebook's
own install lines. Nothing installed on the host is looked at: the same notebook and manifests give
the same findings everywhere.
"""

from __future__ import annotations

import ast
import re
from collections import ChainMap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator, Mapping, Optional

from nbrefactor.audit.analysis import (
    CellAnalysis, NotebookFacts, cell_python_tree, module_level_assignments, nodes_of, print_statement_tree,
    switched_off_method_lines, tree_nodes,
)
from nbrefactor.audit.catalog import Catalog
from nbrefactor.audit.distributions import install_commands
from nbrefactor.audit.facts import dotted_name, node_classes
from nbrefactor.audit.hosted import hosted_only
from nbrefactor.audit.project import normalise
from nbrefactor.audit.rules import Example, Hit, Rule, RuleContext, is_suppressed, single_assignments
from nbrefactor.audit.types import Family, Severity

if TYPE_CHECKING:  # imported where used: only a notebook with a removed API compares versions
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version


@dataclass(frozen=True)
class Removal:
    """A catalogued API a release of its distribution removed, and its replacement."""

    api: str
    distribution: str
    removed_in: str
    replacement: str
    # A removed method of the library's objects (`model.predict_classes(…)`), which no import path
    # reaches: matched by name on any receiver, in a notebook that imports one of `modules`.
    method: str = ""
    modules: tuple[str, ...] = ()
    # A removed keyword argument of a function (`api` the function, `mean_squared_error(…,
    # squared=False)`) or of a method (`method`, `model.fit(…, nb_epoch=5)`): matched only on calls
    # that pass it, whatever its value (the parameter is gone, not one of its values).
    keyword: str = ""
    # Where the removal bites only for some paths: a call whose first argument is a string literal
    # ending in one of these still works (Keras 3 only warns on `save("m.h5", save_format="h5")`).
    unless_path_suffix: tuple[str, ...] = ()
    # A removed VALUE of an argument (`plt.style.use("seaborn")`: matplotlib 3.8 dropped the style
    # names, not the function): matched on calls of `api` whose argument at position `argument`
    # (or passed as `argument_name=`) is a string literal in `values`, or a list/tuple literal
    # holding one. Any other value, or one the notebook computes, is not reported.
    argument: int = -1
    argument_name: str = ""
    values: tuple[str, ...] = ()
    # With `values`: the argument is a parameter dict and `key` the removed parameter in it
    # (`xgb.train({"tree_method": "gpu_hist"}, dtrain)`): a dict literal at the call, or a name every
    # binding of which in the notebook is a plain assignment of one dict literal and which nothing
    # changes in place (no `params[k] = …`, no `params.update(…)`: the value at the call is that literal's).
    key: str = ""
    # A method whose name other libraries' objects share (`get_feature_names`): matched only on a
    # receiver known to be made by one of these callables (qualified through the imports): the call
    # itself (`CountVectorizer().fit(docs).get_feature_names()`) or a name every binding of which,
    # in the whole notebook, is such a call (`vec = TfidfVectorizer(); …; vec.get_feature_names()`).
    receivers: tuple[str, ...] = ()
    # An indexer attribute (`df.ix[…]`): matched where it is subscripted, never as a call.
    indexer: bool = False
    # Not matched in a notebook importing one of these, whose objects have a method of that name
    # (the `.next()` of TensorFlow's, Keras's and MXNet's iterators), nor in a Python 2 notebook (STR004's test: builtin dicts
    # have `iteritems` there) when `unless_python2`.
    unless_modules: tuple[str, ...] = ()
    unless_python2: bool = False
    # With `method`: other libraries whose objects have a method of that name on Python 3 (gensim's
    # `Dictionary.iteritems`, lxml's `element.attrib.iteritems()`): in a notebook importing one of
    # these, matched only on a receiver known to be made by a callable of `modules` (the call itself,
    # `pd.read_csv(p).iteritems()`, or a name every plain assignment of which is one, possibly through
    # `_SAME_KIND_METHODS`); a receiver of unknown origin there may be the other library's object
    # (fair check 30, item 19: `node.attrib.iteritems()` on an lxml element, read as pandas').
    shared_with: tuple[str, ...] = ()
    # With `method`: not on a receiver known to be made by a callable of one of these modules
    # (qualified through the imports; the call itself, or a name every plain assignment of which is
    # one): DeepChem's `dc.models.KerasModel(…)` wraps a Keras model and keeps its own `fit(dataset,
    # nb_epoch=…)` and `fit_generator`, current API. A receiver of unknown origin is still matched.
    unless_receivers: tuple[str, ...] = ()
    # How the message names what was removed, when the dotted `api` would say more than is true
    # (fair check 20: `statsmodels.tsa.arima_model` still imports, only its ARMA and ARIMA raise;
    # `iteritems` is gone from Series and DataFrame alike, whichever the receiver is).
    said: str = ""
    # A changed return type, not a removed name: calls of `api` whose result is unpacked into names
    # (`lbvalue, pvalue = acorr_ljungbox(x, lags)`, fair check 23 item B-1.5): the release returns
    # another object (a DataFrame), whose unpacking binds something else (its column labels). Not on
    # calls passing one of `unless_keywords` (`return_df=False` still asks for the old tuple); with
    # `keyword`, only on calls passing it as `False` (`return_df=False`, whose tuple a later release dropped).
    unpacked: bool = False
    unless_keywords: tuple[str, ...] = ()
    # Removed positional arguments: calls of `api` passing more than this many arguments by position
    # (no `*args`): seaborn 0.12 made everything after `data` keyword-only (`sns.regplot(x, y)`).
    positional: int = -1
    # How the release removed it, when it did not raise (said in parentheses after "removed in"):
    # keras 2.13's `keras.optimizers` drop `lr=` with only a warning, so training silently runs at the
    # default rate (fair check 31, items 68 and 70: the message said "removed in keras 3.0.0" and the fix
    # offered `keras<3.0.0`, which installs 2.15).
    note: str = ""
    # With `values`: (old prefix, new prefix) of a renamed value; `{renamed}` in `replacement` becomes the
    # value the notebook passed under its new name (`seaborn-colorblind` → `seaborn-v0_8-colorblind`; fair
    # check 32, item 34: the fix named `seaborn-v0_8-whitegrid` for every old style).
    rename: tuple[str, ...] = ()
    # With `keyword`: the value, as a literal (`False`), that asks for what the releases without the
    # keyword do (`normalize=False`: they never normalise). A call passing it loses nothing when the
    # keyword is deleted, so that is its fix, not the replacement for what the other values asked
    # (fair check 33, item 31: `LinearRegression(normalize=False)` was told to scale its features first).
    same_without: str = ""
    # (argument position, argument name, values, what to add to the replacement): a call of `api` that passes
    # one of the values there needs more than the replacement's name (fair check 34, item 45:
    # `Imputer(missing_values='NaN')` → `SimpleImputer(missing_values=np.nan)`: SimpleImputer refuses the string).
    passed: tuple = ()
    # A changed number of values (fair check 35, recall T-7.2: gym 0.26's `env.step(a)` returns five values,
    # `env.reset()` the pair `(obs, info)`): calls of `api` (or of `method`) whose result is assigned to exactly
    # this many targets, a tuple or list of them (4: `obs, reward, done, info = env.step(a)`, no starred one),
    # or, with 1, a single target (`obs = env.reset()`). Where the release's count differs, the old count
    # tells the old code; a result used any other way (`env.step(a)[0]`, `r = env.step(a)`) is not reported.
    targets: int = 0
    # Reported only in a notebook where the entry whose `api` this names is used too (and not guarded):
    # `obs = env.reset()` is code for gym 0.26 as well where `obs` is then unpacked or indexed, so it is read as
    # the old API only beside an old `step` the same notebook unpacks into four names.
    along: str = ""
    # No release before `removed_in` works either (what it reached is gone: Google's finance API behind
    # pandas-datareader's `data_source="google"`, fair check 36, item T-7.7): the fix offers no pin.
    unpinnable: bool = False
    # The requirement that keeps the old API, where a bound on `distribution` cannot (fair check 36, item 34:
    # `tf.keras.optimizers.Adam(lr=…)` is Keras 3's from TensorFlow 2.16, which requires keras>=3, so "pin
    # keras<3.0.0" beside an unpinned tensorflow keeps nothing; and from TensorFlow 2.11 tf.keras' optimizers drop
    # `lr` with a warning: `tensorflow<2.11` keeps it); `pin_why` says why.
    pin: str = ""
    pin_why: str = ""
    # With `values`: a value may also be written with a number before it and an anchor after it, as pandas'
    # frequency strings are (`'2M'`, `'3Q'`, `'15T'`, `'Q-DEC'` for `M`, `Q`, `T`, `Q`): the literal is matched
    # when its name between them is in `values` (fair check 40, recall T-10.5: `df.resample('Q')`, whose alias
    # pandas 3.0 refuses, "ValueError: Invalid frequency: Q").
    multiplied: bool = False
    # With `values`: (old, new) pairs, each value's new name: `{renamed}` in `replacement` is the value the
    # notebook passed with its name so renamed, number and anchor kept (`'2M'` → `'2ME'`).
    renames: tuple[tuple[str, str], ...] = ()
    # With `keyword`: a keyword still accepted, refused only without this other keyword set to True
    # (scikit-learn 0.24's `KFold(random_state=1)`: "ValueError: Setting a random_state has no effect since
    # shuffle is False"; fair check 43, recall T-9.6 and T-10.5). Matched on calls passing `keyword` as
    # anything but the literal None and this keyword not at all or as the literal False, with at most one
    # positional argument and no `**options` (where this keyword may be passed unseen).
    unless_true: str = ""
    # With `values`: matched only on the string literal passed itself, not inside a list or tuple (Keras 3's
    # `compile(metrics='accuracy')` raises "ValueError: Expected `metrics` argument to be a list, tuple, or dict",
    # its `metrics=['accuracy']` is current; fair check 45, recall T-5.3); `{renamed}` in `replacement` is the value.
    bare: bool = False
    # A module that stays with a few of its names, the rest removed (langchain 1.0's `langchain.embeddings`
    # keeps `Embeddings` and `init_embeddings`, its integrations went to langchain-classic and
    # langchain-community; fair check 46, recall T-7.13): the names (and submodules) it still has. A use of the
    # module itself or of one of these is not matched, a use of any other name under it is.
    kept: tuple[str, ...] = ()

    def keeps(self, qualified: str) -> bool:
        """`qualified`, which this entry's api is or prefixes, is the module itself or a name it `kept`."""
        return bool(self.kept) and (qualified == self.api or qualified[len(self.api) + 1:].split(".", 1)[0] in self.kept)

    # With `method` and `receivers`: (maker, api) pairs, the API named instead of `api` where the receiver is known to
    # be made by that one callable (`_receiver_kinds`): pandas 2.0 removed `DataFrame.append` and `Series.append`
    # alike, and on `food = pd.Series(…)` the call `food.append(…)` is the second (fair check 49, item 45).
    receiver_apis: tuple[tuple[str, str], ...] = ()
    # With `method` and `receivers`: `method` names a removed attribute of the fitted object, matched where it is
    # read on a receiver known to be made by one of `receivers` (the call itself, `GaussianNB().fit(X, y).sigma_`, or a
    # name every plain assignment of which is one, `clf = GaussianNB()`), not where it is called or assigned
    # (scikit-learn 1.2 removed GaussianNB's `sigma_`, renamed `var_`: fair check 46, recall T-3.3).
    attribute: bool = False
    # With `method`: only on a receiver written as this accessor attribute of something (`str`: `df['c'].str.split(…)`,
    # pandas' string methods), never on another object with a method of that name (Python's own `line.split(',', 1)`).
    accessor: str = ""
    # A changed default, not a removed name (fair check 52, recall T-9.3/T-10.3; fair check 35, T-3.2): the keyword
    # whose default `removed_in` changed (pandas 2.0's `Series.str.replace`, `regex=True` → `regex=False`), matched on
    # calls that leave it out, so that the release's new default applies. With `regex_pattern`, only where the argument
    # at `argument` (or `argument_name=`) is a string literal of more than one character holding a regular
    # expression's metacharacter (`'[^a-zA-Z]'`, `r'\d+'`, `'.png|/home'`): a plain literal (`','`) is replaced alike
    # under both defaults, and pandas before 2.0 read a one-character pattern (`'.'`) literally even with `regex=True`.
    default_changed: str = ""
    regex_pattern: bool = False

    @property
    def path_suffix(self) -> bool:
        """A path argument's suffix (`ModelCheckpoint("best.hdf5")`: Keras 3 saves only to `.keras`/`.h5`):
        `unless_path_suffix` without a keyword or values, on the argument at `argument`/`argument_name`."""
        return bool(self.unless_path_suffix) and not (self.keyword or self.values) and (self.argument >= 0 or bool(self.argument_name))

    @property
    def on_path(self) -> bool:
        """Matched on import paths and attribute chains (`_match`), not on calls or subscripts."""
        return not (self.method or self.keyword or self.values or self.unpacked or self.targets or self.positional >= 0
                    or self.path_suffix or self.default_changed)


def _catalogue(catalog: Catalog) -> tuple[tuple[Removal, ...], dict[str, frozenset[str]]]:
    data = catalog.section("removed_apis")
    entries = tuple(
        Removal(
            e["api"], e["distribution"], str(e["removed_in"]), e.get("replacement", ""),
            str(e.get("method", "")), tuple(str(m) for m in e.get("modules", [])),
            str(e.get("keyword", "")), tuple(str(s) for s in e.get("unless_path_suffix", [])),
            int(e.get("argument", -1)), str(e.get("argument_name", "")), tuple(str(v) for v in e.get("values", [])),
            str(e.get("key", "")),
            tuple(str(r) for r in e.get("receivers", [])), bool(e.get("indexer", False)),
            tuple(str(m) for m in e.get("unless_modules", [])), bool(e.get("unless_python2", False)),
            tuple(str(m) for m in e.get("shared_with", [])),
            tuple(str(m) for m in e.get("unless_receivers", [])),
            str(e.get("said", "")),
            bool(e.get("unpacked", False)), tuple(str(k) for k in e.get("unless_keywords", [])),
            int(e.get("positional", -1)), str(e.get("note", "")),
            tuple(str(v) for v in e.get("rename", [])),
            repr(e["same_without"]) if "same_without" in e else "",
            _passed(e.get("passed")),
            int(e.get("targets", 0)), str(e.get("along", "")), bool(e.get("unpinnable", False)),
            str(e.get("pin", "")), str(e.get("pin_why", "")),
            multiplied=bool(e.get("multiplied", False)),
            renames=tuple((str(k), str(v)) for k, v in sorted(dict(e.get("renames", {})).items())),
            unless_true=str(e.get("unless_true", "")),
            bare=bool(e.get("bare", False)),
            kept=tuple(str(k) for k in e.get("kept", [])),
            attribute=bool(e.get("attribute", False)) and bool(e.get("receivers")),
            receiver_apis=tuple((str(k), str(v)) for k, v in sorted(dict(e.get("receiver_apis", {})).items())),
            accessor=str(e.get("accessor", "")),
            default_changed=str(e.get("default_changed", "")),
            regex_pattern=bool(e.get("regex_pattern", False)),
        )
        for e in _one_per_method(data.get("removed", []))
        if e.get("api") and e.get("distribution") and e.get("removed_in") and (not e.get("method") or e.get("modules"))
        # a value entry names where the value is passed; an incomplete one would match every call
        and (not e.get("values") or "argument" in e or e.get("argument_name"))
    )
    names: dict[str, frozenset[str]] = {}
    for entry in entries:
        extra = data.get("aliases", {}).get(entry.distribution, [])
        names[entry.distribution] = frozenset(normalise(n) for n in [entry.distribution, *extra])
    return entries, names


def _one_per_method(entries: list) -> Iterator[dict]:
    """The catalogue's entries, an entry with a `methods` table (method name → replacement: a family
    of removed methods, selenium's sixteen `find_element(s)_by_*`) as one entry per method, with
    `{method}` in its `api` and `said` filled in."""
    for e in entries:
        methods = e.get("methods")
        if not isinstance(methods, dict):
            yield e
            continue
        for method, replacement in sorted(methods.items()):
            one = {k: v for k, v in e.items() if k != "methods"}
            one.update(
                method=str(method),
                replacement=str(replacement),
                api=str(e.get("api", "")).replace("{method}", str(method)),
                said=str(e.get("said", "")).replace("{method}", str(method)),
            )
            yield one


def _passed(table: object) -> tuple:
    """An entry's `passed` table as (argument, argument_name, values, fix); () when absent or incomplete."""
    if not isinstance(table, dict) or not table.get("values") or not table.get("fix"):
        return ()
    return (int(table.get("argument", -1)), str(table.get("argument_name", "")),
            tuple(str(v) for v in table["values"]), str(table["fix"]))


def _passed_fixes(ctx: RuleContext, entries: set[Removal]) -> dict[Removal, str]:
    """For each entry with `passed`: its extra fix when a call of the entry's API in the notebook passes one of
    its values (a string literal) where it says; the import is where the finding is, the call elsewhere."""
    found: dict[Removal, str] = {}
    wanted = {e.api: e for e in entries if e.passed}
    if not wanted:
        return found
    for ca in ctx.cells:
        if not any(api.rsplit(".", 1)[-1] in ca.cell.source for api in wanted):
            continue
        tree = cell_python_tree(ca)
        for call in nodes_of(tree, ast.Call) if tree is not None else ():
            dotted = dotted_name(call.func)
            entry = wanted.get(ctx.facts.resolve(dotted)) if dotted else None
            if entry is None or entry in found:
                continue
            argument, name, values, fix = entry.passed
            arg = (call.args[argument] if 0 <= argument < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: argument + 1])
                   else next((k.value for k in call.keywords if k.arg == name), None) if name else None)
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value in values:
                found[entry] = fix
    return found


# --- where the notebook uses a removed API -------------------------------------------------


def _cell_tree(ca: CellAnalysis) -> Optional[ast.Module]:
    """CPython's tree of the cell (`cell_python_tree`); for a cell that does not parse only because
    of its Python 2 print statements, the tree of the cell with them written as calls, every
    position the cell's own (`analysis.print_statement_tree`, shared with RND001), so a removed call
    found there is reported at its place (fair check 19: `pd.rolling_std` in a cell ending with two
    print statements was missed). Any other Python 2 syntax: None. Unlike RND001 this reads such a
    cell in any notebook, not only in one STR004 names: a removed API there is removed all the same
    (failing example 10 is a Python 3 notebook with one such cell)."""
    return cell_python_tree(ca) or print_statement_tree(ca)


def _kept_as_without(use: "_Use") -> bool:
    """A keyword use passing the entry's `same_without` value (`LinearRegression(normalize=False)`)."""
    entry = use.entry
    return bool(entry.keyword and entry.same_without) and use.shown == f"{entry.api}({entry.keyword}={entry.same_without})"


def _shown_use(use: "_Use", calls: bool = True) -> str:
    """What a fix names for a use: the value a removed-value entry's call passed, the keyword's value where
    it is the entry's `same_without` (its fix differs), a removed method's call as written (`dataiter.next()`;
    with `calls`), else the entry."""
    if use.receiver and calls:
        return f"{use.receiver}.{use.entry.method}" + ("" if use.entry.attribute else "()")
    return use.shown if use.entry.values or _kept_as_without(use) else _api(use)


def _indexed(subscript: ast.Subscript) -> str:
    """What a removed indexer's subscript holds: "labels" when every indexer is a string literal (or a slice or list of
    them), "positions" when the rows are taken whole (`:`) and the columns by integer literals (`df.ix[:, 0:4]`,
    `df.ix[:, 4]`), else "". `.ix` read an integer as a label on an axis labelled by integers and as a position
    otherwise: the rows' default index is integers, so integers on the rows are either; columns are labelled by
    integers only when a frame was read without a header (fair check 36, item 39: `.ix[:, 0:4]` on the named iris
    columns was offered `.loc`, which raises there)."""

    def kind(node: ast.expr) -> str:
        if isinstance(node, ast.Slice):
            bounds = [kind(b) for b in (node.lower, node.upper, node.step) if b is not None]
            return "all" if not bounds else bounds[0] if len(set(bounds)) == 1 and bounds[0] != "all" else ""
        if isinstance(node, (ast.List, ast.Tuple)):
            kinds = {kind(e) for e in node.elts}
            return kinds.pop() if len(kinds) == 1 and kinds <= {"int", "str"} else ""
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return kind(node.operand)
        if isinstance(node, ast.Constant) and not isinstance(node.value, bool):
            return "int" if isinstance(node.value, int) else "str" if isinstance(node.value, str) else ""
        return ""

    index = subscript.slice
    axes = [kind(e) for e in index.elts] if isinstance(index, ast.Tuple) and index.elts else [kind(index)]
    if "" in axes:
        return ""
    if all(k in ("str", "all") for k in axes) and "str" in axes:
        return "labels"
    if len(axes) == 2 and axes[0] == "all" and axes[1] == "int":
        return "positions"
    return ""


def _integer_labelled_frames(ctx: RuleContext) -> frozenset[str]:
    """Names the notebook subscripts with an integer literal (`df[0]`: a column labelled 0) or binds to a call passing
    `header=None` (`pd.read_csv(p, header=None)`, columns 0, 1, …): frames whose columns may be labelled by integers;
    not one whose columns a `df.columns = [<strings>]` relabels (fair check 36, item 39: the iris table is read with
    `header=None`, then named)."""
    names: set[str] = set()
    named: set[str] = set()
    for ca in ctx.cells:
        tree = _cell_tree(ca)
        for node in nodes_of(tree, ast.Subscript, ast.Assign) if tree is not None else ():
            if isinstance(node, ast.Subscript):
                key = node.slice
                if (isinstance(node.value, ast.Name) and isinstance(key, ast.Constant) and isinstance(key.value, int)
                        and not isinstance(key.value, bool)):
                    names.add(node.value.id)
            elif (isinstance(node.value, (ast.List, ast.Tuple)) and node.value.elts
                  and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.value.elts)):
                named.update(t.value.id for t in node.targets
                             if isinstance(t, ast.Attribute) and t.attr == "columns" and isinstance(t.value, ast.Name))
            elif (isinstance(node.value, ast.Call) and any(k.arg == "header" and isinstance(k.value, ast.Constant)
                                                           and k.value.value is None for k in node.value.keywords)):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return frozenset(names - named)


# (fair check 36, item 39: the indexer's replacement as its subscript reads)
_INDEXED = {"positions": "`.iloc[…]` (its column indexers are integers: positions, unless the columns are labelled by integers)",
            "labels": "`.loc[…]` (its indexers are labels)"}


def _replacement(use: "_Use", indexed: str = "") -> str:
    """The entry's replacement, `{renamed}` filled with the passed value's new name (`rename`); for a
    keyword passed as the value the later releases behave as (`normalize=False`), deleting it; for a removed
    indexer whose every use reads alike (`indexed`, `_indexed`), the one that does what it did."""
    entry = use.entry
    if entry.indexer and indexed in _INDEXED:
        return _INDEXED[indexed]
    if use.unread:
        return f"delete `{use.unread}` from the import (the notebook never uses it)"
    if _kept_as_without(use):
        return (f"delete `{entry.keyword}={entry.same_without}` (the releases without `{entry.keyword}=` do what "
                f"{entry.same_without} asked for, so the call behaves the same)")
    if "{receiver}" in entry.replacement:
        # (a use found without its receiver, written into the replacement as the catalogue's own word)
        return entry.replacement.replace("{receiver}", use.receiver or "iterator")
    if "{renamed}" in entry.replacement and (entry.renames or entry.bare):
        written = _VALUE_SHOWN.search(use.shown)
        value = next((v for v in written.groups() if v is not None), "") if written else ""
        return entry.replacement.replace("{renamed}", _renamed(value, entry))
    if "{renamed}" not in entry.replacement or len(entry.rename) != 2:
        return entry.replacement
    old, new = entry.rename
    # (a value entry's `shown` ends with the value as the call passed it: `style.use('seaborn-colorblind')`)
    value = next((v for v in sorted(entry.values, key=len, reverse=True) if use.shown.endswith(f"{v!r})")), "")
    renamed = new + value[len(old):] if value.startswith(old) else new
    return entry.replacement.replace("{renamed}", renamed)


@dataclass(frozen=True)
class _Use:
    """A use of a removed API in a cell."""

    entry: Removal
    ca: CellAnalysis
    line: int
    column: int
    shown: str  # what the notebook wrote, qualified (`sklearn.cross_validation.train_test_split`)
    # The name a `from … import` of the removed API binds, when no cell of the notebook reads it
    # (`from sklearn.datasets import load_boston, load_iris` with only `load_iris()` called): the fix
    # is to drop it from the import, not the replacement of a call (fair check 33, items 24, 26, 29, 35).
    unread: str = ""
    # A removed method's receiver as the notebook wrote it (`dataiter` of `dataiter.next()`): the fix names the
    # user's call, not the library's private class that had the method (fair check 34, item 44:
    # `torch.utils.data.dataloader._BaseDataLoaderIter.next` → `next(dataiter)`).
    receiver: str = ""
    # A removed indexer's subscript read (`_indexed`): "positions" (`df.ix[:, 0:4]`), "labels" (`df.ix[:, "a"]`) or
    # "" (mixed, computed, or integers on the rows, which `.ix` read as labels on an integer index).
    indexed: str = ""
    # The API named for this use where its receiver's maker says which class's method it is (`Removal.receiver_apis`).
    api: str = ""


def _api(use: "_Use") -> str:
    """The removed API a use is named by: the one its receiver's class gives (`_Use.api`), else the entry's."""
    return use.api or _shown(use.entry)


_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "AttributeError", "Exception", "BaseException"})
# A removed keyword raises TypeError ("unexpected keyword argument"), or ValueError where the
# library checks it itself (Keras 3's `save_format`).
_CALL_ERRORS = _IMPORT_ERRORS | {"TypeError", "ValueError"}
# A removed argument value: matplotlib 3.8's `style.use("seaborn")` raises OSError ("'seaborn' is
# not a valid package style, path of style file, URL of style file, or library style name").
_VALUE_ERRORS = _CALL_ERRORS | {"OSError", "IOError", "FileNotFoundError"}


def _catches(handler: ast.excepthandler, errors: frozenset[str]) -> bool:
    kind = handler.type
    if kind is None:
        return True
    names = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    return any(isinstance(n, ast.Name) and n.id in errors for n in names)


# What a handler may do and still only record a failure: show it, log it, note the item, count it.
_RECORDING_CALLS = frozenset({"print", "display", "append", "add", "warn", "print_exc", "debug", "info", "warning",
                              "error", "exception", "write"})


def _only_records(handler: ast.excepthandler) -> bool:
    """A catch-all handler (`except:`, `except Exception:`) whose body only records the failure: `pass`,
    `continue`, `break`, a print or log line, an append to a list of failures, a counter (`j = j + 1`,
    `j += 1`). It catches the removal's error and goes on as if the step had failed for its own reasons: the
    code under its `try:` never works again, silently (fair check 51, recall T-5.4: pytrends'
    `get_historical_interest` under `except: print(…); not_data.append(i)`). Such a handler is no fallback;
    one that does anything else instead (another call, another import) is."""
    kind = handler.type
    if kind is not None and not (isinstance(kind, ast.Name) and kind.id in ("Exception", "BaseException")):
        return False
    for statement in handler.body:
        if isinstance(statement, (ast.Pass, ast.Continue, ast.Break, ast.AugAssign)):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            func = statement.value.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in _RECORDING_CALLS:
                continue
        if (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
                and isinstance(statement.value, ast.BinOp) and isinstance(statement.value.left, ast.Name)
                and statement.value.left.id == statement.targets[0].id and isinstance(statement.value.right, ast.Constant)):
            continue  # (a counter: `j = j + 1`)
        return False
    return True


def _version_test(test: ast.expr) -> bool:
    """`if sklearn.__version__ < "0.20":`, `if hasattr(np, "float"):`: the branch is chosen by
    what is installed, so the code under it is a deliberate fallback."""
    for node in ast.walk(test):
        if isinstance(node, ast.Attribute) and node.attr in ("__version__", "version"):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "hasattr":
            return True
    return False


# The node classes under which `_guarded` can answer yes.
_GUARD_CLASSES = frozenset({ast.Try, ast.If, ast.IfExp})


def _guarded(node: ast.AST, parents: dict[ast.AST, ast.AST], errors: frozenset[str] = _IMPORT_ERRORS) -> bool:
    """Inside a `try:` (or its handler) that catches the error the removal raises (`errors`:
    ImportError/AttributeError, TypeError for a keyword) — the notebook has a fallback — or under
    a test of the installed version. A catch-all handler that only records the failure (`_only_records`)
    is no fallback for a call or an attribute; an import under it stays an optional import."""
    imported = isinstance(node, (ast.Import, ast.ImportFrom))
    child, parent = node, parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.Try) and any(_catches(h, errors) and not (imported is False and _only_records(h)) for h in parent.handlers):
            if child in parent.body or child in parent.handlers:
                return True
        if isinstance(parent, ast.ExceptHandler):
            grand = parents.get(parent)
            if isinstance(grand, ast.Try) and _catches(parent, errors):
                return True
        if isinstance(parent, (ast.If, ast.IfExp)) and _version_test(parent.test):
            return True
        child, parent = parent, parents.get(parent)
    return False


def _match(qualified: str, entries: tuple[Removal, ...]) -> Optional[Removal]:
    """The first entry, in catalogue order, removing `qualified` or a module it is in (its api is
    `qualified` or a dotted prefix of it). The reference for `_match_path`, which `_uses` calls."""
    for entry in entries:
        if not entry.on_path:
            continue  # matched on calls (`_uses`), not on paths
        if (qualified == entry.api or qualified.startswith(entry.api + ".")) and not entry.keeps(qualified):
            return entry
    return None


def _path_index(entries: tuple[Removal, ...]) -> dict[str, tuple[int, Removal]]:
    """The entries matched on paths (no method, no keyword) by api, each api's first with its place
    in the catalogue: `_uses` asks for every import and attribute chain of the notebook, each a
    scan of the whole catalogue with `_match`."""
    index: dict[str, tuple[int, Removal]] = {}
    for at, entry in enumerate(entries):
        if entry.on_path:
            index.setdefault(entry.api, (at, entry))
    return index


def _match_path(qualified: str, index: dict[str, tuple[int, Removal]]) -> Optional[Removal]:
    """`_match(qualified, entries)` from `_path_index(entries)`: an entry matches when its api is
    `qualified` or `qualified` up to one of its dots, and it does not keep that name (`kept`); the first in
    catalogue order wins."""
    best = index.get(qualified)
    if best is not None and best[1].kept and best[1].keeps(qualified):
        best = None
    dot = qualified.find(".")
    while dot != -1:
        hit = index.get(qualified[:dot])
        if hit is not None and (best is None or hit[0] < best[0]) and not (hit[1].kept and hit[1].keeps(qualified)):
            best = hit
        dot = qualified.find(".", dot + 1)
    return best[1] if best is not None else None


def _passes(call: ast.Call, keyword: str) -> bool:
    return any(k.arg == keyword for k in call.keywords)


def _refused_without(call: ast.Call, keyword: str, switch: str) -> bool:
    """`keyword` passed as anything but the literal None, and `switch` not passed or passed as the
    literal False (`KFold(n_splits=5, random_state=1)`, `KFold(shuffle=False, random_state=0)`): a
    call a release refuses unless `switch=True` (an entry's `unless_true`). Not where the switch may
    be passed unseen: by position (a second positional argument, `*args`) or in `**options`."""
    if len(call.args) > 1 or any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return False
    value = next((k.value for k in call.keywords if k.arg == keyword), None)
    if value is None or (isinstance(value, ast.Constant) and value.value is None):
        return False
    switched = next((k.value for k in call.keywords if k.arg == switch), None)
    return switched is None or (isinstance(switched, ast.Constant) and switched.value is False)


# Where a removed value is written when not at the call itself: the cell and the string literal
# (a parameter dict's value, `params = {"tree_method": "gpu_hist"}` in another cell).
_Written = tuple[CellAnalysis, ast.Constant]
# For each name bound once, by a plain assignment of a dict literal that nothing changes in place:
# that literal and its cell (`_dict_bindings`).
_DictBindings = dict[str, tuple[CellAnalysis, ast.Dict]]
# A module-level statement on a name that may hold a parameter dict, in notebook order (`_dict_steps`):
# (cell index, first line, last line, the cell, what it does), what it does being the dict literal
# bound (`params = {…}`), the (key, value) an item assignment sets (`params['tree_method'] = …`),
# or None for anything else that binds or changes the name (its value is then unknown).
_DictStep = tuple[int, int, int, CellAnalysis, "ast.Dict | tuple[str, ast.expr] | None"]


class _Dicts:
    """What `_dict_value` reads of the notebook's parameter dicts, each table built when first asked
    for: the names bound once to a dict literal (`_dict_bindings`), and for the others the
    module-level steps that build them (`_dict_steps`)."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self._once: Optional[_DictBindings] = None
        self._steps: Optional[tuple[dict[str, list[_DictStep]], dict[int, list[tuple[int, int]]]]] = None

    def once(self) -> _DictBindings:
        if self._once is None:
            self._once = _dict_bindings(self.ctx)
        return self._once

    def steps(self) -> tuple[dict[str, list[_DictStep]], dict[int, list[tuple[int, int]]]]:
        if self._steps is None:
            self._steps = _dict_steps(self.ctx)
        return self._steps


class _Qualified(str):
    """A removed value that is a name of the library (`numpy.integer`), shown as written, unquoted."""

    def __repr__(self) -> str:
        return str(self)


# A frequency string as pandas reads it: a number, the name, an anchor (`'2M'`, `'Q-DEC'`, `'1.5H'`).
_MULTIPLIED = re.compile(r"(\d+(?:\.\d+)?)?([A-Za-z]+)(-[A-Za-z]+)?")
# The string literal a removed value's `shown` ends with (`pandas.DataFrame.resample('2M')`).
_VALUE_SHOWN = re.compile(r"""(?:'([^'\\]*)'|"([^"\\]*)")\)$""")


def _value_in(value: str, entry: Removal) -> bool:
    """The string is one of the entry's removed values, or with `multiplied` one written with a number
    and an anchor around it (`'2M'`, `'Q-DEC'`)."""
    if value in entry.values:
        return True
    if not entry.multiplied:
        return False
    written = _MULTIPLIED.fullmatch(value)
    return written is not None and written.group(2) in entry.values


def _renamed(value: str, entry: Removal) -> str:
    """The value under its new name (`renames`), number and anchor kept: `'2M'` → `'2ME'`."""
    new = dict(entry.renames)
    written = _MULTIPLIED.fullmatch(value) if entry.multiplied else None
    if written is None:
        return new.get(value, value)
    number, name, anchor = written.groups()
    return f"{number or ''}{new.get(name, name)}{anchor or ''}"


def _removed_value(call: ast.Call, entry: Removal, ca: CellAnalysis, dicts: Callable[[], _Dicts],
                   resolve: Optional[Callable[[str], str]] = None) -> Optional[tuple[str, bool, Optional[_Written]]]:
    """The removed value the call passes where `entry` says — a string literal, or one inside a
    list/tuple literal (`plt.style.use(["seaborn", "custom.mplstyle"])`); with `key`, the key's
    value in the parameter dict passed there; for a keyword entry also the keyword inside a dict
    unpacked into the call (`XGBClassifier(**params)`) — with whether it was passed by position and,
    for a dict's value, where that value is written; else None."""
    arg: Optional[ast.expr] = None
    positional = False
    if 0 <= entry.argument < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: entry.argument + 1]):
        arg, positional = call.args[entry.argument], True
    elif entry.argument_name:
        arg = next((k.value for k in call.keywords if k.arg == entry.argument_name), None)
    if entry.key:
        written = _dict_value(arg, entry.key, ca, dicts) if arg is not None else None
        if written is not None and written[1].value in entry.values:
            return written[1].value, positional, written
        return None
    items = arg.elts if isinstance(arg, (ast.List, ast.Tuple)) and not entry.bare else [arg]
    for item in items:
        if isinstance(item, ast.Constant) and isinstance(item.value, str) and _value_in(item.value, entry):
            return item.value, positional, None
        # A value that is a name of the library, qualified through the imports (`y.astype(np.integer)`:
        # an abstract NumPy type, which NumPy 2.3 no longer converts to a dtype; fair check 27 recall T-10.4).
        dotted = dotted_name(item) if resolve is not None and isinstance(item, (ast.Name, ast.Attribute)) else ""
        if dotted and resolve(dotted) in entry.values:
            return _Qualified(resolve(dotted)), positional, None
    if arg is None and entry.argument_name:
        for unpacked in (k.value for k in call.keywords if k.arg is None):
            written = _dict_value(unpacked, entry.argument_name, ca, dicts)
            if written is not None and written[1].value in entry.values:
                return written[1].value, False, written
    return None


def _dict_value(expr: ast.expr, key: str, ca: CellAnalysis, dicts: Callable[[], _Dicts]) -> Optional[_Written]:
    """The string literal `key` maps to in `expr`, a dict literal or a name `_dict_bindings` knows
    the one dict literal of; None when it is not such a dict, has no such key, maps it to anything
    but a string literal, or unpacks another dict after it (`{"tree_method": "gpu_hist", **over}`)."""
    if isinstance(expr, ast.Name):
        bound = dicts().once().get(expr.id)
        if bound is None:
            return _reaching_value(expr, key, ca, dicts())
        ca, expr = bound
    if not isinstance(expr, ast.Dict):
        return None
    found: Optional[ast.expr] = None
    for k, v in zip(expr.keys, expr.values):
        if k is None:
            found = None  # a later `**other` may set the key again
        elif isinstance(k, ast.Constant) and k.value == key:
            found = v
    if isinstance(found, ast.Constant) and isinstance(found.value, str):
        return ca, found
    return None


def _dict_bindings(ctx: RuleContext) -> _DictBindings:
    """Names bound exactly once in the notebook, by `name = {…}` (a dict literal), and never changed
    in place (`name[k] = …`, `del name[k]`, `name |= …`, `name.update(…)`/`setdefault`/`pop`/
    `popitem`/`clear`): the value a call passing the name gets is that literal's. A name bound any
    other way too (twice, a loop target, a parameter, an import) is left out."""
    bound: dict[str, list[tuple[CellAnalysis, Optional[ast.Dict]]]] = {}
    changed: set[str] = set()
    for ca in ctx.cells:
        tree = _cell_tree(ca)
        if tree is None:
            continue
        for node in tree_nodes(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        literal = node.value if isinstance(node.value, ast.Dict) and len(targets) == 1 else None
                        bound.setdefault(target.id, []).append((ca, literal))
                    else:
                        changed |= _stored(target)
                        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                            changed.add(target.value.id)  # `params["tree_method"] = "hist"`
            elif isinstance(node, ast.Delete):
                changed.update(t.value.id for t in node.targets if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name))
                changed.update(n for t in node.targets for n in _stored(t))
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension, ast.AugAssign, ast.NamedExpr)):
                changed |= _stored(node.target)
                if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Subscript) and isinstance(node.target.value, ast.Name):
                    changed.add(node.target.value.id)
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                changed |= _stored(node.optional_vars)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                changed.add(node.name)
            elif isinstance(node, ast.arg):
                changed.add(node.arg)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                changed.update(node.names)
            elif (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in _DICT_CHANGES and isinstance(node.func.value, ast.Name)
            ):
                changed.add(node.func.value.id)
    changed.update(imp.bound for _, imp in ctx.facts.imports)
    return {
        name: (places[0][0], places[0][1])
        for name, places in bound.items()
        if len(places) == 1 and places[0][1] is not None and name not in changed
    }


_DICT_CHANGES = frozenset({"update", "setdefault", "pop", "popitem", "clear", "__setitem__"})


def _changed_names(node: ast.AST) -> set[str]:
    """The names a statement (with what it holds) binds or may change in place: stored or deleted
    names, the dicts of item assignments and deletions, `_DICT_CHANGES` calls, functions' and
    classes' names, parameters, `global` names."""
    changed: set[str] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            changed.add(n.id)
        elif isinstance(n, ast.Subscript) and isinstance(n.ctx, (ast.Store, ast.Del)) and isinstance(n.value, ast.Name):
            changed.add(n.value.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            changed.add(n.name)
        elif isinstance(n, ast.arg):
            changed.add(n.arg)
        elif isinstance(n, (ast.Global, ast.Nonlocal)):
            changed.update(n.names)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _DICT_CHANGES and isinstance(n.func.value, ast.Name):
            changed.add(n.func.value.id)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            changed.update((a.asname or a.name).split(".")[0] for a in n.names)
    return changed


def _dict_steps(ctx: RuleContext) -> tuple[dict[str, list[_DictStep]], dict[int, list[tuple[int, int]]]]:
    """A parameter dict built step by step at module level (`param = {}`, then `param['tree_method'] =
    'gpu_hist'` in a later cell; fair check 36, item T-5.12): for each name, its module-level
    statements in notebook order (`_DictStep`), and for each cell the lines of its top-level
    functions and classes (a call there runs later: its dict is not known). A name a function or
    class body changes (when called: unknown when), or that is bound to another name too
    (`other = param`), has no steps."""
    steps: dict[str, list[_DictStep]] = {}
    deferred: dict[int, list[tuple[int, int]]] = {}
    later: set[str] = set()  # changed inside a function or class body
    for ca in ctx.cells:
        tree = _cell_tree(ca)
        if tree is None:
            continue
        # `other = param`: a second name for the dict, whose changes this does not follow.
        later.update(n.value.id for n in nodes_of(tree, ast.Assign) if isinstance(n.value, ast.Name))
        for stmt in tree.body:
            at = (ca.cell.index, stmt.lineno, stmt.end_lineno or stmt.lineno, ca)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                deferred.setdefault(ca.cell.index, []).append((stmt.lineno, stmt.end_lineno or stmt.lineno))
                later |= _changed_names(stmt) - {stmt.name}
                steps.setdefault(stmt.name, []).append((*at, None))
                continue
            target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
            if isinstance(target, ast.Name) and isinstance(stmt.value, ast.Dict) and not _changed_names(stmt.value):
                steps.setdefault(target.id, []).append((*at, stmt.value))
                continue
            if (
                isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and isinstance(target.slice, ast.Constant)
                and isinstance(target.slice.value, str) and not _changed_names(stmt.value)
            ):
                steps.setdefault(target.value.id, []).append((*at, (target.slice.value, stmt.value)))
                continue
            for name in _changed_names(stmt):
                steps.setdefault(name, []).append((*at, None))
    for name in later:
        steps.pop(name, None)
    return steps, deferred


def _reaching_value(name: ast.Name, key: str, ca: CellAnalysis, dicts: _Dicts) -> Optional[_Written]:
    """The string literal `key` maps to in the dict `name` holds where a module-level call reads it,
    top to bottom: the dict literal last bound to it above, with the item assignments after that
    binding (`param = {}` … `param['tree_method'] = 'gpu_hist'`); None when anything else bound or
    changed it since, or the call is in a function or class body (it runs later)."""
    steps, deferred = dicts.steps()
    here = ca.cell.index
    if any(start <= name.lineno <= end for start, end in deferred.get(here, ())):
        return None
    items: Optional[dict[str, tuple[CellAnalysis, ast.expr]]] = None
    for cell, _, end, where, step in steps.get(name.id, ()):
        if (cell, end) >= (here, name.lineno):
            break
        if isinstance(step, ast.Dict):
            items = {}
            for k, v in zip(step.keys, step.values):
                if k is None:
                    items.clear()  # `**other`: the keys before it may be set again
                elif isinstance(k, ast.Constant) and isinstance(k.value, str):
                    items[k.value] = (where, v)
        elif isinstance(step, tuple) and items is not None:
            items[step[0]] = (where, step[1])
        else:
            items = None
    found = items.get(key) if items is not None else None
    if found is not None and isinstance(found[1], ast.Constant) and isinstance(found[1].value, str):
        return found[0], found[1]
    return None


def _path_kept(call: ast.Call, suffixes: tuple[str, ...]) -> bool:
    """The call's path (first argument or `filepath=`) is a string literal, or an f-string whose
    last part is one, ending in a suffix for which the library still accepts the call."""
    if not suffixes:
        return False
    path = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "filepath"), None)
    if isinstance(path, ast.JoinedStr) and path.values:
        path = path.values[-1]
    return isinstance(path, ast.Constant) and isinstance(path.value, str) and path.value.lower().endswith(suffixes)


def _other_suffix(call: ast.Call, entry: Removal) -> bool:
    """The call's path (at `argument`, or `argument_name=`) is a string literal, or an f-string whose
    last part is one, ending in none of the entry's `unless_path_suffix` (a computed path is not read)."""
    path: Optional[ast.expr] = None
    if 0 <= entry.argument < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: entry.argument + 1]):
        path = call.args[entry.argument]
    elif entry.argument_name:
        path = next((k.value for k in call.keywords if k.arg == entry.argument_name), None)
    if isinstance(path, ast.JoinedStr) and path.values:
        path = path.values[-1]
    return (isinstance(path, ast.Constant) and isinstance(path.value, str) and bool(path.value.strip())
            and not path.value.lower().endswith(entry.unless_path_suffix))


# A regular expression's metacharacters: a pattern holding none matches the same text read literally.
_REGEX_METACHARACTERS = frozenset(".^$*+?{}[]\\|()")


def _regex_pattern(call: ast.Call, entry: Removal) -> bool:
    """The call's pattern (at `argument`, or `argument_name=`) is a string literal of more than one character
    holding a regular expression's metacharacter other than `.` (`'[^a-zA-Z]'`, `r'\\d+'`): read as a regular
    expression only under the old default. A computed pattern, or a one-character one (pandas before 2.0 read it
    literally even so), is not known to change."""
    pattern: Optional[ast.expr] = None
    if 0 <= entry.argument < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: entry.argument + 1]):
        pattern = call.args[entry.argument]
    elif entry.argument_name:
        pattern = next((k.value for k in call.keywords if k.arg == entry.argument_name), None)
    # (a `.` alone, `'sq.m.'`, `" vs. "`, `'0.0'`: the literal text it names is replaced under both defaults, the
    # regular expression only matching more; fair checks 37-47 regression: nothing to change there)
    return (isinstance(pattern, ast.Constant) and isinstance(pattern.value, str) and len(pattern.value) > 1
            and not (_REGEX_METACHARACTERS - {"."}).isdisjoint(pattern.value))


# A use found at a call: the entry, what to show, and where the removed value is written when that
# is not the call itself (a parameter dict's value: the place every call passing the dict shares).
_Match = tuple[Removal, str, Optional[_Written]]


def _call_match(call: ast.Call, candidates: list[Removal], ca: CellAnalysis, dicts: Callable[[], _Dicts],
                shape: int = 0, resolve: Optional[Callable[[str], str]] = None) -> list[_Match]:
    """Every catalogued removal a call hits, with what to show: a removed method (no keyword), each
    removed keyword the call passes (`fit(X, y, early_stopping_rounds=5, eval_metric="auc")` is two,
    of one release: one finding naming both), or a removed value it passes; a changed return type
    where the call's result is unpacked into names, or assigned to as many targets as an entry's
    `targets` (`shape`, `_shapes`)."""
    found: list[_Match] = []
    for entry in candidates:
        if entry.targets:
            # (before a removed method's `break` below: the method is still there, its result changed)
            if shape == entry.targets:
                found.append((entry, _shown(entry), None))
            continue
        if entry.unpacked:
            asked = not entry.keyword or any(
                k.arg == entry.keyword and isinstance(k.value, ast.Constant) and k.value.value is False for k in call.keywords)
            if (shape > 1 or shape < 0) and asked and not any(_passes(call, k) for k in entry.unless_keywords):
                found.append((entry, _shown(entry), None))
            continue
        if entry.values:
            hit = _removed_value(call, entry, ca, dicts, resolve)
            if hit is not None:
                value, positional, written = hit
                if entry.key:
                    # The removed setting itself (`{'tree_method': 'gpu_hist'}`), not the calls: one
                    # dict handed to `xgb.train` and `xgb.cv` is one thing to change, named once.
                    found.append((entry, f"{{{entry.key!r}: {value!r}}}", written))
                else:
                    # As the call passed it: `plt.style.use('seaborn')`, `XGBClassifier(tree_method='gpu_hist')`.
                    found.append((entry, f"{entry.api}({'' if positional else entry.argument_name + '='}{value!r})", written))
            continue
        if entry.path_suffix:
            if _other_suffix(call, entry):
                found.append((entry, _shown(entry), None))
            continue
        if entry.positional >= 0:
            if len(call.args) > entry.positional and not any(isinstance(a, ast.Starred) for a in call.args):
                found.append((entry, _shown(entry), None))
            continue
        if entry.default_changed:
            # (left out, so the release's default applies; `**options` may pass it unseen)
            if (not _passes(call, entry.default_changed) and not any(k.arg is None for k in call.keywords)
                    and (not entry.regex_pattern or _regex_pattern(call, entry))):
                found.append((entry, _shown(entry), None))
            continue
        if not entry.keyword:
            # (not again beside its own keyword's entry, `df.append(row, ignore_index=True)`: one removed
            # method, which the message named twice once the receiver `book.head(3)` was known to be a frame)
            if not any(e.api == entry.api and e.keyword for e, _, _ in found):
                found.append((entry, _shown(entry), None))
            break  # a removed method: the call is that method's, whatever it passes
        if entry.unless_true and not _refused_without(call, entry.keyword, entry.unless_true):
            continue
        if _passes(call, entry.keyword) and not _path_kept(call, entry.unless_path_suffix):
            # (`normalize=False`, the value the later releases behave as: shown with it, its fix is to delete it)
            passed = next(k.value for k in call.keywords if k.arg == entry.keyword)
            kept = entry.same_without and isinstance(passed, ast.Constant) and repr(passed.value) == entry.same_without
            found.append((entry, f"{entry.api}({entry.keyword}={entry.same_without})" if kept else _shown(entry), None))
    return found


def _shapes(tree: ast.Module) -> dict[int, int]:
    """For each call a cell assigns (by id): how many targets take its value. n >= 2 for a tuple or list of
    n names (`a, b = f()`), 1 for a single target (`x = f()`, `self.x = f()`, `x: T = f()`), -1 for
    another unpacking (a starred target, `a, = f()`); a call assigned to several targets (`x = a, b = f()`)
    takes its first unpacking. A call not assigned whole is not in it (`f()[0]`, `g(f())`)."""
    shapes: dict[int, int] = {}
    for node in nodes_of(tree, ast.Assign, ast.AnnAssign):
        if not isinstance(node.value, ast.Call):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        unpacking = next((t for t in targets if isinstance(t, (ast.Tuple, ast.List))), None)
        if unpacking is None:
            shapes[id(node.value)] = 1
        elif len(unpacking.elts) > 1 and not any(isinstance(e, ast.Starred) for e in unpacking.elts):
            shapes[id(node.value)] = len(unpacking.elts)
        else:
            shapes[id(node.value)] = -1
    return shapes


def _shown(entry: Removal) -> str:
    return f"{entry.api}({entry.keyword}=…)" if entry.keyword else entry.api


# Methods whose result is an object of the kind their receiver is: scikit-learn's `fit` and
# `set_params` return the estimator itself; these pandas methods return a new frame (or series) of
# the same kind (`pd.read_csv(path).dropna()` is a DataFrame as `pd.read_csv(path)` is). Followed
# back to the call that made the receiver; a name rebound so from itself (`df = df.dropna()`,
# `df = df.append(row)`) keeps the kind its other bindings give it.
_SAME_KIND_METHODS = frozenset({
    "fit", "set_params",
    "dropna", "fillna", "copy", "reset_index", "set_index", "drop", "drop_duplicates", "sort_values",
    "sort_index", "rename", "astype", "query", "assign", "head", "tail", "append", "sample",
})
# Attributes that hold an object of the kind their owner is: gym's `env.unwrapped`, the environment under
# `gym.make`'s wrappers, whose `step`, `reset` and `render` changed with theirs in 0.26 (fair check 31:
# MorvanZhou's `env = gym.make('CartPole-v0')`, then `env = env.unwrapped`).
_SAME_KIND_ATTRIBUTES = frozenset({"unwrapped"})
# A boolean mask (`df.x == 0`, `(a > 1) & (b < 2)`, `~m`): indexing a frame or series with one selects rows
# and keeps its kind.
_MASK_OPERATORS = (ast.BitAnd, ast.BitOr, ast.BitXor)


def _keeps_kind(subscript: ast.Subscript) -> bool:
    """A subscript that gives an object of the kind it indexes when that is a pandas frame or series: rows
    by a boolean mask or a slice (`df[df.default2 == 0]`, `df[10:]`), columns by a list (`df[["a", "b"]]`),
    `.loc`/`.iloc` with rows so chosen or by a list (`df.loc[mask, "a"]` is a series, which lost the same
    methods). A single label (`df["a"]`, a series of a frame, a scalar of a series) is not: what it gives
    depends on what is indexed (fair check 33: `df_no = df[df.default2 == 0].sample(frac=0.15)`)."""
    index = subscript.slice
    located = isinstance(subscript.value, ast.Attribute) and subscript.value.attr in ("loc", "iloc")
    rows = index.elts[0] if located and isinstance(index, ast.Tuple) and index.elts else index
    return (isinstance(rows, (ast.Compare, ast.Slice, ast.List))
            or (isinstance(rows, ast.BinOp) and isinstance(rows.op, _MASK_OPERATORS))
            or (isinstance(rows, ast.UnaryOp) and isinstance(rows.op, ast.Invert)))


def _same_kind_root(value: ast.expr) -> ast.expr:
    """`value` with its trailing `_SAME_KIND_METHODS` calls, `_SAME_KIND_ATTRIBUTES` and `_keeps_kind`
    subscripts taken off (`pd.read_csv(p).dropna()` → `pd.read_csv(p)`; `df.dropna().reset_index()` → `df`;
    `df[df.x == 0].copy()` and `df.loc[mask]` → `df`; `gym.make(i).unwrapped` → `gym.make(i)`)."""
    while True:
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in _SAME_KIND_METHODS:
            value = value.func.value
        elif isinstance(value, ast.Attribute) and value.attr in _SAME_KIND_ATTRIBUTES:
            value = value.value
        elif isinstance(value, ast.Subscript) and _keeps_kind(value):
            value = value.value
            if isinstance(value, ast.Attribute) and value.attr in ("loc", "iloc"):
                value = value.value
        else:
            return value


def _made_by(value: ast.expr, facts: NotebookFacts, rebound: frozenset[str]) -> str:
    """What made `value`, qualified through the imports, when it is a call of an imported callable,
    possibly followed by calls that return an object of the same kind (`_SAME_KIND_METHODS`:
    `TfidfVectorizer(min_df=2).fit(docs)` → `sklearn.feature_extraction.text.TfidfVectorizer`,
    `pd.read_csv(path).dropna()` → `pandas.read_csv`); else ""."""
    root = _same_kind_root(value)
    if isinstance(root, ast.Call):
        value = root
    if not isinstance(value, ast.Call):
        return ""
    if (isinstance(value.func, ast.Name) and value.func.id == "iter" and "iter" not in facts.aliases
            and "iter" not in rebound and len(value.args) == 1 and not value.keywords):
        # `dataiter = iter(trainloader)`: the builtin, an iterator of whatever it is given (`receivers =
        # ["iter"]`: torch's DataLoader iterator lost its Python 2 `.next()`, which no Python 3 iterator has).
        return "iter"
    dotted = dotted_name(value.func)
    head = dotted.split(".", 1)[0] if dotted else ""
    if not dotted or head not in facts.aliases or head in rebound:
        return ""
    return facts.resolve(dotted)


def _stored(target: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}


def _makers(ctx: RuleContext, rebound: frozenset[str]) -> dict[str, frozenset[str]]:
    """For each name the notebook binds only by plain assignments (`vec = CountVectorizer()`;
    `rules.single_assignments`), what made its values (`_made_by`; "" for a value of another kind,
    or none). A name bound any other way too (a loop or `with` target, an unpacking, a parameter,
    an import, a `def`, `del`) is left out: its value at a use is not known."""
    own: dict[str, set[str]] = {}
    links: dict[str, set[str]] = {}  # name → the names its values were made from (`df_no = df[mask]`)
    for name, assignments in single_assignments(ctx).items():
        made: set[str] = set()
        for node in assignments:
            if node.value is None:
                made.add("")
                continue
            root = _same_kind_root(node.value)
            if isinstance(root, ast.Name) and root.id == name:
                continue  # `df = df.dropna()`: of the kind its other bindings give it
            if isinstance(root, ast.Name) and root.id not in ctx.facts.aliases:
                # `df_yes = df[df.default2 == 1]`, `df2 = df`: of the kind the other name's values are (fair
                # check 33: `df_no.append(df_yes)`, where `df = pd.read_excel(…)`).
                links.setdefault(name, set()).add(root.id)
                continue
            made.add(_made_by(node.value, ctx.facts, rebound))
        own[name] = made

    makers: dict[str, frozenset[str]] = {}

    def resolve(name: str, seen: frozenset[str]) -> frozenset[str]:
        if name in makers:
            return makers[name]
        if name not in own:
            return frozenset({""})  # bound otherwise too (a loop target, a parameter): not known
        made = set(own[name])
        for other in links.get(name, ()):
            if other not in seen:  # (a cycle, `a = b` / `b = a[m]`, adds nothing)
                made |= resolve(other, seen | {name})
        return frozenset(made)

    for name in own:
        makers[name] = resolve(name, frozenset())
    return makers


def _reaching_maker(read: ast.Attribute, ca: CellAnalysis, tree: ast.Module, ctx: RuleContext, rebound: frozenset[str]) -> str:
    """What made the value of a name receiver at a read of its attribute at a cell's top level (`clf.sigma_`): the
    last `name = value` before the read, in the notebook's order (`name = name.fit(…)` passed over, as of the kind
    its earlier value is), qualified as `_made_by` does; "" when not known. Only where every binding of the name
    is such a statement at a cell's top level (no loop, branch or function binds it) and the read is not inside a
    function, class or lambda: the cells, run top to bottom, give it that value. A name the notebook rebinds to
    several estimators (`clf = CategoricalNB()`, later `clf = GaussianNB()`) is known at each read so (fair check
    46, recall T-3.3), which `_makers`, one answer for the whole notebook, cannot say."""
    receiver = read.value
    if not isinstance(receiver, ast.Name) or receiver.id in ctx.facts.aliases:
        return ""
    name = receiver.id
    plain = single_assignments(ctx).get(name)
    if not plain:
        return ""
    for scope in nodes_of(tree, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef):
        if any(n is read for n in ast.walk(scope)):
            return ""
    order = {id(c): i for i, c in enumerate(ctx.cells)}
    top = [(order[id(c)], statement) for c, statement, bound in module_level_assignments(ctx.cells) if bound == name]
    if len(top) != len(plain):
        return ""  # bound in a loop, a branch, a function, or with other targets too: which value reaches is unknown
    here = (order[id(ca)], read.lineno, read.col_offset)
    for at, statement in reversed(top):
        if (at, statement.end_lineno or statement.lineno, statement.end_col_offset or 0) > here:
            continue
        root = _same_kind_root(statement.value)
        if isinstance(root, ast.Name) and root.id == name:
            continue  # `clf = clf.fit(X, y)`: the estimator its earlier binding made
        return _made_by(statement.value, ctx.facts, rebound)
    return ""


def _receiver_kinds(receiver: ast.expr, facts: NotebookFacts, rebound: frozenset[str],
                    makers: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """What made a method's receiver: a name's makers, through `_SAME_KIND_METHODS` calls and
    `_keeps_kind` subscripts (`df[df.x == 0].append(o)` is of the kind `df` is), or the call that made it."""
    root = _same_kind_root(receiver)
    if isinstance(root, ast.Name) and root.id not in facts.aliases:
        return makers.get(root.id, frozenset())
    made = _made_by(receiver, facts, rebound)
    return frozenset({made}) if made else frozenset()


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _own_scope_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """The nodes of a function's body, the bodies of the functions, lambdas and classes it defines
    left out (their names are theirs), their decorators, defaults and bases kept."""
    stack: list[ast.AST] = list(reversed(function.body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, _SCOPES):
            outer = [*getattr(node, "decorator_list", ()), *getattr(node, "bases", ()), *getattr(node, "keywords", ())]
            if not isinstance(node, ast.ClassDef):
                outer += [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
            stack.extend(reversed(outer))
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _local_makers(call: ast.Call, tree: ast.Module, facts: NotebookFacts, rebound: frozenset[str]) -> Optional[frozenset[str]]:
    """What made a name receiver of a method called inside a function, when the innermost function
    around the call binds that name as a local only by plain assignments (`model = lgbm.LGBMClassifier(
    **params)`, then `model.fit(…, early_stopping_rounds=100)` inside an optuna objective): those
    assignments alone, as `_made_by` reads them. The notebook-wide `_makers` cannot say it when other
    functions bind the same local name to other estimators (each `objective` of a notebook its own
    `model`) or bind it otherwise (a parameter, a loop target): fair check 52, recall T-5.6. None when
    the call is in no function, or the name is a parameter, declared global/nonlocal, or bound there
    any other way (a loop, an unpacking, `with`): the notebook-wide answer stands then."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if not isinstance(receiver, ast.Name) or receiver.id in facts.aliases:
        return None
    name = receiver.id
    around = [
        f for f in nodes_of(tree, ast.FunctionDef, ast.AsyncFunctionDef)
        if f.lineno <= call.lineno <= (f.end_lineno or f.lineno) and any(n is call for n in _own_scope_nodes(f))
    ]
    if len(around) != 1:
        return None  # in no function, or in a nested one (a closure may read its outer function's name)
    function = around[0]
    arguments = function.args
    if name in {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                                *(x for x in (arguments.vararg, arguments.kwarg) if x is not None))}:
        return None
    made: set[str] = set()
    plain: set[int] = set()  # the name's targets in plain assignments (an assignment comes before its targets)
    for node in _own_scope_nodes(function):
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return None
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                plain.update(id(t) for t in targets)
                if node.value is None:
                    return None  # `model: LGBMClassifier` alone binds nothing here
                root = _same_kind_root(node.value)
                if not (isinstance(root, ast.Name) and root.id == name):  # (`model = model.fit(…)`)
                    made.add(_made_by(node.value, facts, rebound))
                continue
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            if id(node) not in plain:
                return None  # a loop, `with` or unpacking target, `del`
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and getattr(node, "name", None) == name:
            return None
        elif isinstance(node, _SCOPES) and getattr(node, "name", None) == name:
            return None
        elif isinstance(node, ast.alias) and (node.asname or node.name).split(".")[0] == name:
            return None
    return frozenset(made) if made else None


def _receiver_known(receiver: ast.expr, entry: Removal, ctx: RuleContext, rebound: frozenset[str], makers: Mapping[str, frozenset[str]]) -> bool:
    """The method's receiver is made by one of the entry's `receivers` (see `Removal.receivers`)."""
    made = _receiver_kinds(receiver, ctx.facts, rebound, makers)
    return bool(made) and made <= set(entry.receivers)


def _receiver_from(receiver: ast.expr, modules: tuple[str, ...], ctx: RuleContext, rebound: frozenset[str], makers: dict[str, frozenset[str]]) -> bool:
    """The method's receiver is made by a callable of one of `modules` (see `Removal.unless_receivers`):
    the call itself, or a name every plain assignment of which is such a call."""

    def inside(qualified: str) -> bool:
        return any(qualified == m or qualified.startswith(m + ".") for m in modules)

    made = _receiver_kinds(receiver, ctx.facts, rebound, makers)
    return bool(made) and all(inside(m) for m in made)


# The node types `_rebound` and `_uses` read (CPython's parser makes no subclasses of them).
_BINDING_CLASSES = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_BINDINGS = frozenset(_BINDING_CLASSES)
_USE_NODE_CLASSES = (ast.Import, ast.ImportFrom, ast.Call, ast.Attribute, ast.Subscript)  # (tuples: one memo key for `nodes_of`)
_USE_NODES = frozenset(_USE_NODE_CLASSES)


def _last_part(func: ast.AST) -> Optional[str]:
    """`dotted_name(func).rsplit(".", 1)[-1]` when `dotted_name(func)` is not empty, read without
    building the dotted name: the attribute's (or the name's) own name; None for a callee that is
    neither (`f()(x)`, `d[k](x)`). A name that `dotted_name` refuses further down the chain
    (`f().x`) still gives its last part: the caller builds the dotted name after this screen."""
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _root_name(node: ast.AST) -> Optional[str]:
    """The head of `dotted_name(node)` (its part before the first dot) when that is not empty,
    read without joining the chain: the `Name` at the bottom of an attribute chain; None when the
    chain starts elsewhere (`f().x`, `a[0].b`), where `dotted_name` is empty."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _rebound(ctx: RuleContext) -> frozenset[str]:
    """Names the notebook assigns itself (`tf = tf.compat.v1`): an attribute chain through such a
    name is not the imported module any more."""
    names: set[str] = set()
    for ca in ctx.cells:
        tree = _cell_tree(ca)
        if tree is None:
            continue
        for node in nodes_of(tree, *_BINDING_CLASSES):  # (a set of names: the order is no matter)
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update(t.id for t in targets if isinstance(t, ast.Name))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)  # `def mean_squared_error(…)`: the notebook's own, not the import
    # A name two imports bind to different modules (`import tensorflow as tf`, later `import
    # tensorflow.compat.v1 as tf`): which one a use sees depends on the order cells ran.
    targets: dict[str, set[str]] = {}
    for _, imp in ctx.facts.imports:
        if imp.bound != "*":
            targets.setdefault(imp.bound, set()).add(imp.qualified)
    names.update(name for name, qualified in targets.items() if len(qualified) > 1)
    return frozenset(names)


# The tables `_uses` reads from the catalogue's entries alone, kept for the entries last asked about
# (held, so their identity stands for them): they were made again for every notebook.
_ENTRY_TABLES: Optional[tuple[tuple[Removal, ...], dict[str, tuple[int, Removal]], dict[str, list[Removal]], frozenset[str]]] = None


def _entry_tables(entries: tuple[Removal, ...]) -> tuple[dict[str, tuple[int, Removal]], dict[str, list[Removal]], frozenset[str]]:
    """(`_path_index(entries)`, the functions matched on calls by api, their names' last parts)
    for `entries`, made once per catalogue. Never modify what it returns."""
    global _ENTRY_TABLES
    kept = _ENTRY_TABLES
    if kept is not None and kept[0] is entries:
        return kept[1], kept[2], kept[3]
    functions: dict[str, list[Removal]] = {}
    for e in entries:
        if (e.keyword or e.values or e.unpacked or e.targets or e.positional >= 0 or e.path_suffix) and not e.method:
            functions.setdefault(e.api, []).append(e)
    # The last part of each such function's name: a call of another name is not resolved at all.
    function_names = frozenset(api.rsplit(".", 1)[-1] for api in functions)
    paths = _path_index(entries)
    _ENTRY_TABLES = (entries, paths, functions, function_names)
    return paths, functions, function_names


def _read_names(ctx: RuleContext) -> Optional[frozenset[str]]:
    """Every name a code cell of the notebook reads (`load_iris` of `load_iris()`, anywhere, in any
    cell), with the words of its magics and shell lines (`%timeit f()`); None when a code cell has no
    tree to read (whether it uses a name is unknown)."""
    names: set[str] = set()
    for ca in ctx.cells:
        tree = _cell_tree(ca)
        if tree is None:
            if ca.cell.source.strip():
                return None
            continue
        names.update(n.id for n in nodes_of(tree, ast.Name) if not isinstance(n.ctx, ast.Store))
        names.update(re.findall(r"[A-Za-z_]\w*", " ".join(
            line for line in ca.cell.source.splitlines() if line.lstrip().startswith(("%", "!")))))
    return frozenset(names)


def _uses(ctx: RuleContext, entries: tuple[Removal, ...]) -> list[_Use]:
    uses: list[_Use] = []
    aliases = ctx.facts.aliases
    rebound = _rebound(ctx)
    paths, functions, function_names = _entry_tables(entries)
    imported = {imp.qualified.split(".", 1)[0] for _, imp in ctx.facts.imports}
    python2: Optional[bool] = None
    methods: dict[str, list[Removal]] = {}
    indexers: dict[str, list[Removal]] = {}
    attributes: dict[str, list[Removal]] = {}  # removed attributes of a known receiver (`clf.sigma_`), by name
    shared: set[int] = set()  # ids of the entries matched here only on a receiver the library made
    for e in entries:
        if not e.method or not imported.intersection(e.modules) or imported.intersection(e.unless_modules):
            continue
        if imported.intersection(e.shared_with):
            shared.add(id(e))
        if e.unless_python2:
            if python2 is None:
                from nbrefactor.audit.rules.structure import is_python2

                python2 = is_python2(ctx.facts)
            if python2:
                continue
        (attributes if e.attribute else indexers if e.indexer else methods).setdefault(e.method, []).append(e)
    makers: Optional[dict[str, frozenset[str]]] = None  # built once, when a `receivers` entry needs it
    bindings = _Dicts(ctx)  # built when a call passes a name where a dict may be

    def dicts() -> _Dicts:
        return bindings

    own: Optional[frozenset[str]] = None  # the notebook's own function names, built at a method call
    integer_labelled: Optional[frozenset[str]] = None  # `_integer_labelled_frames`, built at an `.ix` read as positions
    read: Optional[frozenset[str]] = None  # the names the notebook reads, built at a removed `from … import`
    for ca in ctx.cells:
        tree = _cell_tree(ca)
        if tree is None:
            continue
        # Whether an attribute is the `.value` of another (a prefix of a longer chain), without
        # the parent map, which only a use's guard test needs (built then, once per cell).
        chained = {id(n.value) for n in nodes_of(tree, ast.Attribute)}
        parents: Optional[dict[ast.AST, ast.AST]] = None
        shapes: Optional[dict[int, int]] = None  # how many targets a call's result is assigned to (`_shapes`)
        for node in nodes_of(tree, *_USE_NODE_CLASSES):  # (in `ast.walk`'s order: ties of the sort below keep it)
            kind = type(node)
            found: Optional[_Match] = None
            also: list[_Match] = []  # an import's other removed names, a call's other removed keywords
            if kind is ast.Subscript:
                # `df.ix[rows, cols]`: a removed indexer of the library's objects.
                owner = node.value
                if indexers and isinstance(owner, ast.Attribute) and owner.attr in indexers and not _module_receiver(owner.value, aliases, rebound):
                    entry = indexers[owner.attr][0]
                    found = (entry, entry.api, None)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                # Every removed name the statement imports: `from sklearn.metrics import
                # plot_roc_curve, jaccard_similarity_score` uses two removals (1.2 and 0.23).
                prefix = "" if isinstance(node, ast.Import) else f"{node.module}." if node.module and not node.level else None
                if prefix is not None:
                    for alias in node.names:
                        entry = _match_path(prefix + alias.name, paths)
                        if entry:
                            also.append((entry, prefix + alias.name, None))
                    found = also.pop(0) if also else None
            elif (
                methods and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in methods and not isinstance(node.func.value, ast.Constant)
                and not _module_receiver(node.func.value, aliases, rebound)
            ):
                # `model.predict_classes(x)`: a removed method of the library's models;
                # `model.fit(x, y, nb_epoch=5)`: a removed keyword of one. Not on a module
                # (`six.iteritems(d)` is a function), and a removed method not where the notebook
                # defines a function of that name (a class of its own has the method).
                if own is None:
                    own = _own_functions(ctx)
                # (an entry with `receivers` is decided by its receiver, made by the library: a
                # class of the notebook's own with a method of that name is another object)
                candidates = [e for e in methods[node.func.attr] if e.keyword or e.receivers or e.method not in own]
                if any(e.accessor for e in candidates):
                    # (`s.str.split(',', 3)`: pandas' string accessor, not a `str`'s own `line.split(',', 3)`)
                    written_on = node.func.value.attr if isinstance(node.func.value, ast.Attribute) else ""
                    candidates = [e for e in candidates if not e.accessor or e.accessor == written_on]
                if any(e.receivers or e.unless_receivers or id(e) in shared for e in candidates):
                    if makers is None:
                        makers = _makers(ctx, rebound)
                    known: Mapping[str, frozenset[str]] = makers
                    if isinstance(node.func.value, ast.Name) and any(e.receivers for e in candidates):
                        # (a local of the function the call is in: that function's own assignments say what made it)
                        local = _local_makers(node, tree, ctx.facts, rebound)
                        if local is not None:
                            known = ChainMap({node.func.value.id: local}, makers)
                    candidates = [
                        e for e in candidates
                        if (not e.receivers or _receiver_known(node.func.value, e, ctx, rebound, known))
                        and not (e.unless_receivers and _receiver_from(node.func.value, e.unless_receivers, ctx, rebound, makers))
                        and (id(e) not in shared or _receiver_from(node.func.value, e.modules, ctx, rebound, makers))
                    ]
                if shapes is None and any(e.targets for e in candidates):
                    shapes = _shapes(tree)
                also = _call_match(node, candidates, ca, dicts, shapes.get(id(node), 0) if shapes else 0,
                                   resolve=ctx.facts.resolve)
                found = also.pop(0) if also else None
            elif (
                functions and isinstance(node, ast.Call) and (node.keywords or node.args)
                and _last_part(node.func) in function_names
            ):
                # `mean_squared_error(y, p, squared=False)`, `plt.style.use("seaborn")`: the callee
                # resolved through the imports. (Its last name part first: most calls are of
                # another name, and their dotted names were built only to be refused.)
                dotted = dotted_name(node.func)
                if dotted and dotted.rsplit(".", 1)[-1] in function_names:
                    head = dotted.split(".", 1)[0]
                    if head in aliases and head not in rebound:
                        if shapes is None:
                            shapes = _shapes(tree)
                        also = _call_match(node, functions.get(ctx.facts.resolve(dotted), []), ca, dicts, shapes.get(id(node), 0),
                                           resolve=ctx.facts.resolve)
                        found = also.pop(0) if also else None
            elif (
                attributes and kind is ast.Attribute and node.attr in attributes and isinstance(node.ctx, ast.Load)
                and not _module_receiver(node.value, aliases, rebound)
            ):
                # `clf.sigma_`: a removed attribute, read on a receiver the catalogued class made (`clf = GaussianNB()`);
                # called (`clf.sigma_()`) it would be the notebook's own method, which no fitted estimator has.
                if makers is None:
                    makers = _makers(ctx, rebound)
                called = any(call.func is node for call in nodes_of(tree, ast.Call))
                reaching: Optional[str] = None  # what made the binding the read sees (`_reaching_maker`), asked once
                entry = None
                for e in attributes[node.attr] if not called else ():
                    if _receiver_known(node.value, e, ctx, rebound, makers):
                        entry = e
                        break
                    if reaching is None:
                        reaching = _reaching_maker(node, ca, tree, ctx, rebound)
                    if reaching in e.receivers:
                        entry = e
                        break
                if entry is not None:
                    found = (entry, entry.api, None)
            elif isinstance(node, ast.Attribute) and id(node) not in chained and _root_name(node) in aliases:
                # The whole chain only (`tf.contrib.layers.flatten`, not each prefix of it), and
                # only a chain from an imported name (`df.shape.x` is never built: its head is not).
                dotted = dotted_name(node)
                if dotted:
                    head = dotted.split(".", 1)[0]
                    if head in aliases and head not in rebound:
                        qualified = ctx.facts.resolve(dotted)
                        entry = _match_path(qualified, paths)
                        if entry:
                            found = (entry, qualified, None)
            if found and parents is None:
                # (`_guarded` answers yes only under a `try:`, an `if` or a conditional expression: a
                # cell holding none is answered without its parent map, most cells with a use)
                parents = ({child: parent for parent in tree_nodes(tree) for child in ast.iter_child_nodes(parent)}
                           if not node_classes(tree).isdisjoint(_GUARD_CLASSES) else {})
            for entry, shown, written in (found, *also) if found else ():
                if parents and _guarded(node, parents, _errors(entry)):
                    continue
                if written is None and kind is ast.ImportFrom:
                    bound = next((a.asname or a.name for a in node.names if shown == f"{node.module}.{a.name}"), "")
                    if read is None:
                        read = _read_names(ctx)
                    uses.append(_Use(entry, ca, node.lineno, node.col_offset + 1, shown,
                                     unread=bound if bound and read is not None and bound not in read else ""))
                elif written is None:
                    # (a removed method itself, not a keyword or value of it, on a short dotted receiver: `dataiter`, `self.df`)
                    receiver = ((dotted_name(node.func.value) or "") if entry.method and not (entry.keyword or entry.values)
                                and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                                and node.func.attr == entry.method else
                                (dotted_name(node.value) or "") if entry.attribute and kind is ast.Attribute else "")
                    indexed = _indexed(node) if entry.indexer and kind is ast.Subscript else ""
                    if indexed == "positions" and isinstance(node.value.value, ast.Name):
                        # A frame whose columns are labelled by integers (`df[0]`, or read with `header=None`):
                        # `.ix` read the integers as labels there (fair check 36: `df_higgs_train.ix[:, 1:29]` beside
                        # `df_higgs_train[0]`), so the reading is not known to be positions.
                        if integer_labelled is None:
                            integer_labelled = _integer_labelled_frames(ctx)
                        if node.value.value.id in integer_labelled:
                            indexed = ""
                    api = ""
                    if entry.receiver_apis and receiver is not None and isinstance(node, ast.Call) and not entry.keyword:
                        if makers is None:
                            makers = _makers(ctx, rebound)
                        kinds = _receiver_kinds(node.func.value, ctx.facts, rebound, makers)
                        api = dict(entry.receiver_apis).get(next(iter(kinds)), "") if len(kinds) == 1 else ""
                    uses.append(_Use(entry, ca, node.lineno, node.col_offset + 1, shown,
                                     receiver=receiver if 0 < len(receiver) <= 40 else "", indexed=indexed, api=api))
                else:  # at the dict's value: the root every call passing that dict shares
                    uses.append(_Use(entry, written[0], written[1].lineno, written[1].col_offset + 1, shown))
    order = {id(ca): i for i, ca in enumerate(ctx.cells)}
    uses.sort(key=lambda u: (order[id(u.ca)], u.line, u.column))
    return _along(uses)


def _along(uses: list[_Use]) -> list[_Use]:
    """The uses without those of an entry whose `along` entry the notebook does not use (`obs = env.reset()`
    is read as gym's old API only beside a four-name `env.step`)."""
    if not any(u.entry.along for u in uses):
        return uses
    used = {u.entry.api for u in uses}
    return [u for u in uses if not u.entry.along or u.entry.along in used]


def _own_functions(ctx: RuleContext) -> frozenset[str]:
    names: set[str] = set()
    for ca in ctx.cells:
        tree = _cell_tree(ca)
        if tree is not None:
            names.update(n.name for n in (*nodes_of(tree, ast.FunctionDef), *nodes_of(tree, ast.AsyncFunctionDef)))
    return frozenset(names)


def _module_receiver(receiver: ast.expr, aliases: dict[str, str], rebound: frozenset[str]) -> bool:
    """The receiver is a name the imports bind (`six` in `six.iteritems(d)`, `K` in
    `K.get_value(x)`): a module's function is called, not a method of the library's objects."""
    dotted = dotted_name(receiver)
    head = dotted.split(".", 1)[0] if dotted else ""
    return bool(head) and head in aliases and head not in rebound


def _errors(entry: Removal) -> frozenset[str]:
    """What the removal raises, which a `try:` around the use must catch to be a fallback."""
    if entry.targets:
        # Unpacking into another count raises ValueError ("too many values to unpack"); a single name
        # takes whatever comes, nothing is raised.
        return frozenset({"ValueError", "Exception", "BaseException"}) if entry.targets > 1 else frozenset()
    if entry.unpacked:
        return frozenset()  # nothing is raised: the names get other values
    if entry.values:
        return _VALUE_ERRORS
    return _CALL_ERRORS if entry.keyword else _IMPORT_ERRORS


# --- what the project declares ---------------------------------------------------------------

def _keras_only_through_tensorflow(ctx: RuleContext) -> bool:
    """Does the notebook import TensorFlow and never Keras itself (`import keras`, `from keras import …`)? Then
    its Keras is `tf.keras`, the one TensorFlow's release installs."""
    tops = {imp.top_level for _, imp in ctx.facts.imports}
    return "tensorflow" in tops and "keras" not in tops


_NAME = re.compile(r"^\s*-?\s*(?:[A-Za-z0-9_.-]+::)?([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?")
# Colab's `%tensorflow_version 1.x` names the major release the notebook was written for. It no
# longer provides it: since August 2022 Colab's magic raises "Tensorflow 1 is unsupported in Colab"
# (tensorflow/tflite-micro#1426; google/colab `_tensorflow_magics.py`), and other kernels have no
# such magic. A 1.x request is its own kind (`colab-tf1`): the notebook says it needs TensorFlow 1,
# which no fresh environment gives it. `2.x` selects what every environment has anyway: TensorFlow 2,
# its newest release on a fresh install; it is read as `==2.*` against TensorFlow's own release of
# the removal (`[alias_releases]`: a keras 3.0.0 removal comes with tensorflow 2.16.0), so for
# Keras 3's removals it is a range whose newest releases lack the API (fair check 30, items 18 and
# 31: compared with keras's 3.0.0 it admitted only "older" releases and was called a TensorFlow 1 request).
_TF_VERSION_MAGIC = re.compile(r"^\s*(\d+)\.x\s*$")
_TF_MAGIC_WHERE = "the notebook's `%tensorflow_version` magic"


def _specifier(rest: str) -> Optional[SpecifierSet]:
    """The version constraint of a requirement once its name is cut off: pip's (`>=5.0.1`,
    `==1.3`, `<0.20,>=0.18`), conda's (`=1.26` is 1.26.*, `=1.26.4=build`), or None when it
    cannot be read (a URL, a Poetry caret…)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    rest = re.split(r"\s#|^#", rest, maxsplit=1)[0].split(";")[0].strip().strip("'\"")
    if not rest:
        return SpecifierSet("")
    if rest.startswith("@"):
        return None
    if re.match(r"^=[^=]", rest):  # conda: `=1.2`, `=1.2.*`, `=1.2.3=build`
        version = rest[1:].split("=")[0].strip()
        rest = f"=={version}" if version.endswith("*") else f"=={version}.*" if version.count(".") < 2 else f"=={version}"
    try:
        return SpecifierSet(rest.replace(" ", ""))
    except InvalidSpecifier:
        return None


def _probe_versions(spec: SpecifierSet, removed: Version) -> list[Version]:
    """The versions whose admission tells where the constraint lies: the removal release, each
    version the constraint names (and just after it), a very old and a very new release."""
    from packaging.version import InvalidVersion, Version

    probes = [removed, Version("0"), Version("0.0.1"), Version("99999")]
    for item in spec:
        text = item.version.rstrip(".*")
        try:
            version = Version(text)
        except InvalidVersion:
            continue
        release = list(version.release)
        probes.append(version)
        bumped = release[:-1] + [release[-1] + 1]
        probes.append(Version(".".join(map(str, bumped))))
        probes.append(Version(".".join(map(str, release + [99]))))
    return probes


def _classify(spec: Optional[SpecifierSet], removed: Version) -> str:
    """`unknown`, `any` (no constraint), `old` (every admitted release still has the API), `new`
    (none has it) or `mixed` (pip takes the newest admitted, which lacks it). Decided on a few probe
    versions, not on the index's list of releases: hermetic, and exact for the usual `==`, `>=`,
    `<`, `~=` and conda `=` constraints."""
    if spec is None:
        return "unknown"
    if not str(spec):
        return "any"
    admitted = [v for v in _probe_versions(spec, removed) if spec.contains(v, prereleases=True)]
    if not admitted:
        return "unknown"
    has_old = any(v < removed for v in admitted)
    has_new = any(v >= removed for v in admitted)
    if has_old and not has_new:
        return "old"
    if has_new and not has_old:
        return "new"
    return "mixed"


@dataclass(frozen=True)
class _Declaration:
    """Where the project or notebook declares a distribution, and how."""

    where: str  # `requirements.txt`, `the notebook's install line`
    text: str  # the requirement as written
    kind: str  # see _classify
    alias: bool = False  # a declaration of one of the distribution's aliases (tensorflow for keras)


def _alias_removal(steps: object, removed: Version) -> Optional[Version]:
    """The release of the distribution's aliases that brings a removal of the distribution at
    `removed`, per `[alias_releases]` (keras 3.0.0 comes with tensorflow 2.16.0): the step at the
    highest key not above `removed`; None when no step applies (the numbers are shared)."""
    from packaging.version import InvalidVersion, Version

    if not isinstance(steps, dict):
        return None
    best: Optional[tuple[Version, Version]] = None
    for key, value in steps.items():
        try:
            at, brings = Version(str(key)), Version(str(value))
        except InvalidVersion:
            continue
        if at <= removed and (best is None or at > best[0]):
            best = (at, brings)
    return best[1] if best else None


def _declarations(
    ctx: RuleContext, names: frozenset[str], removed: Version, own: str = "", alias_removed: Optional[Version] = None,
) -> list[_Declaration]:
    """Every declaration of the distribution (`names`: it and its aliases) with its kind against
    `removed`; a declaration of an alias (a name other than `own`) is compared with `alias_removed`
    when given: tensorflow 2.16 installs keras 3, so `tensorflow==2.16.1` admits no release with an
    API keras 3.0.0 removed. The distribution's own declarations come first, so the message names the
    line that installs it (fair check 29, item 34: `predict_classes` on a standalone-keras model was
    said to be unversioned through `tensorflow`, the file's first line, where `keras` is the line)."""
    from packaging.specifiers import SpecifierSet

    def against(name: str) -> Version:
        return alias_removed if alias_removed is not None and own and name != own else removed

    found: list[_Declaration] = []
    for manifest in ctx.project.manifests:
        for req in manifest.requirements:
            if req.name not in names:
                continue
            m = _NAME.match(req.spec)
            spec = _specifier(req.spec[m.end():]) if m else None
            # A note the reader added to the spec (`# locked in poetry.lock`) goes with the file, not inside the quote.
            text, _, note = req.spec.partition("  # ")
            where = f"{manifest.path}, {note.strip()}" if note.strip() else manifest.path
            found.append(_Declaration(where, text.strip() or req.spec, _classify(spec, against(req.name)),
                                      alias=bool(own) and req.name != own))
    for command in install_commands(ctx.facts):
        for package in command.packages:
            if package.normalised in names:
                spec = _specifier(package.constraint) if package.constraint else SpecifierSet("")
                kind = _classify(spec, against(package.normalised))
                if kind == "old" and _import_fallback(ctx, command):
                    # `try: import openai` / `except: !pip install openai==0.28`: the pin holds only where the
                    # import fails; a kernel that has the distribution already (Colab's openai 1.x) keeps its
                    # own release (fair check 28 recall T-2.3).
                    kind = "fallback"
                found.append(_Declaration("the notebook's install line", package.spec, kind,
                                          alias=bool(own) and package.normalised != own))
    if "tensorflow" in names:
        for ca in ctx.cells:
            for magic in ca.magics:
                m = _TF_VERSION_MAGIC.match(magic.args) if magic.name == "tensorflow_version" else None
                if m:
                    spec = SpecifierSet(f"=={m.group(1)}.*")
                    kind = _classify(spec, against("tensorflow"))
                    found.append(_Declaration(_TF_MAGIC_WHERE, magic.text.strip(),
                                              "colab-tf1" if kind == "old" and m.group(1) == "1" else kind,
                                              alias=bool(own) and own != "tensorflow"))
    return sorted(found, key=lambda d: d.alias)  # (stable: each side keeps the manifests' order)


def _import_fallback(ctx: RuleContext, command) -> bool:
    """Does the install line run only where an import fails (the handler of a `try:` importing,
    `except ImportError:` or a bare `except:`), and not because it is Colab's own set-up?"""
    ca = ctx.analysis_at.get(command.cell.index)
    if ca is None:
        return False
    return (hosted_only(ca.lines, command.line, if_guards=False)
            and not hosted_only(ca.lines, command.line, import_fallback=False, if_guards=False))


def _python_rules_out(ctx: RuleContext, first_python: object) -> bool:
    """A manifest of the project bounds Python below `first_python`, the oldest Python the removal
    release installs on (`[first_python]` of the catalogue): no environment of the project can get
    that release or a later one (`python_requires=">=3.6, <3.9"` and numpy 2.0, which needs 3.9)."""
    if not isinstance(first_python, str):
        return False
    # The answer is the strings' alone: kept by them. Every notebook of a folder has the same
    # manifests, and the check asked it for each candidate removal of each (53 times on PDSH, each
    # building ~100 versions and testing each specifier against them).
    key = (first_python, tuple(manifest.python_requires or "" for manifest in ctx.project.manifests))
    known = _RULED_OUT.get(key)
    if known is None:
        if len(_RULED_OUT) >= 256:
            _RULED_OUT.clear()
        known = _RULED_OUT[key] = _python_bounds_rule_out(*key)
    return known


_RULED_OUT: dict[tuple[str, tuple[str, ...]], bool] = {}


def _python_bounds_rule_out(first_python: str, python_requires: tuple[str, ...]) -> bool:
    """`_python_rules_out` of manifests whose Python bounds (`python_requires`, "" for none) are
    these, in order."""
    from packaging.version import InvalidVersion, Version

    try:
        first = Version(first_python)
    except InvalidVersion:
        return False
    major, minor = first.release[0], first.release[1] if len(first.release) > 1 else 0
    # Every Python from the first one on, as a release and late in its patch series (`<=3.8` admits
    # 3.8 but not 3.8.5; `<3.9.0` neither 3.9 nor 3.9.1).
    newer = [Version(f"{major}.{m}{patch}") for m in range(minor, 40) for patch in ("", ".0", ".99")]
    for requires in python_requires:
        text = requires.strip()
        if re.match(r"^\d", text):  # conda's `python 3.8` (a space, no operator)
            text = "=" + text
        spec = _specifier(text) if text else None
        if spec is not None and str(spec) and not any(spec.contains(v, prereleases=True) for v in newer):
            return True
    return False


# --- the rule ------------------------------------------------------------------------------


def _listing(items: list[str], limit: int = 3) -> str:
    shown = ", ".join(f"`{i}`" for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


@dataclass(frozen=True)
class _Finding:
    """What the removals of one release (`removed_in`) used in a notebook would report: the uses
    (`group`, the first one's place the finding's), how the message names them (`said`), and the
    message and severity from what the project declares; folded per distribution by `check`."""

    removed_in: str
    version: Version
    group: list[_Use]
    said: list[str]
    apis: list[str]
    replacements: list[str]
    message: str
    severity: Optional[Severity]


def _said(said: list[str]) -> str:
    return ", ".join(said[:3]) + (f" and {len(said) - 3} more" if len(said) > 3 else "")


# A class whose `show` only the opt-in switch `report=` of `__init__` runs (fair check 42, item 24).
_SWITCHED_CLASS = ("class Survey:\n    def __init__(self, size, report=False):\n        self.size = size\n        if report:\n"
                   "            self.show()\n\n    def show(self):\n        from sklearn.datasets import load_boston\n"
                   "        print(load_boston().data[:self.size])\n\n    def mean(self):\n        return self.size / 2")


class UsesRemovedApi(Rule):
    code = "DEP005"
    name = "removed-api"
    family = Family.DEPENDENCIES
    severity = Severity.WARNING
    summary = "The notebook uses a module or attribute that the release a fresh install gets no longer has."
    what_it_does = (
        "Reads every cell CPython parses, and a cell that does not parse only "
        "because of its Python 2 print statements (`print 'mean:', x`) with them written as calls, every position in place "
        "(RND001 reads them the same way in a Python 2 notebook). Reports imports and attribute uses (`from sklearn.cross_validation import …`, `np.float`, "
        "`tf.Session()`, `tf.contrib…`, `torchtext.legacy`, `from torchtext.data import Field` (moved out in 0.9), PyMC 2's `pm.MCMC`), and calls of removed "
        "methods of a library's objects on any variable (`model.predict_classes(x)` in a notebook that imports "
        "Keras or TensorFlow; a method name another library shares, such as `predict_proba`, is not catalogued), and "
        "calls passing a removed keyword argument (`mean_squared_error(y, p, squared=False)` when the callee is "
        "scikit-learn's through the notebook's imports; `model.fit(x, y, nb_epoch=5)`, `model.save(path, "
        "save_format=\"tf\")` on any variable in a notebook importing Keras or TensorFlow; any value of the "
        "keyword counts, a call without it does not), calls passing a keyword a release refuses without another set to "
        "True (`KFold(n_splits=5, random_state=1)`: scikit-learn 0.24 raises ValueError without `shuffle=True`; not "
        "`random_state=None`, nor a `shuffle=` the notebook computes), calls passing a removed argument value as a string literal "
        "(`plt.style.use(\"seaborn\")`: matplotlib 3.8 dropped the old seaborn style names; `\"seaborn-v0_8\"` and "
        "computed names are not reported; a value refused only on its own, not in a list: Keras 3's `model.compile(…, "
        "metrics=\"accuracy\")`, where `metrics=[\"accuracy\"]` is current; a removed parameter value in a parameter dict, `xgb.train({\"tree_method\": "
        "\"gpu_hist\"}, d)` or `XGBClassifier(**params)`; pandas-datareader's `DataReader(name, \"google\")`, whose service is gone, "
        "so its fix offers no pin; when the dict is a literal at the call or a name bound once "
        "to one that nothing changes in place, or, for a call at module level, a name whose value there is known top to "
        "bottom from module-level statements only: the dict literal last bound to it, then item assignments of literal keys "
        "(`param = {}` … `param['tree_method'] = 'gpu_hist'`; not when a function or class body changes it, nor after "
        "any other change), reported at the dict's value, which every call passing it shares), "
        "every removed keyword a call passes (`lgb_model.fit(X, y, early_stopping_rounds=5, verbose=10)`: both), removed methods whose name other libraries share only on a receiver the "
        "notebook made with the catalogued class (`vec = TfidfVectorizer(); vec.get_feature_names()`; not "
        "`pipe.named_steps[\"vec\"].get_feature_names()`), followed through calls returning an object of the same kind "
        "(`fit`, and a frame's `dropna`, `copy`, `reset_index`…: `penguins = pd.read_csv(p).dropna()`, then "
        "`penguins = penguins.append(penguins)`, whose rebinding from itself keeps the kind; pandas 2.0 removed "
        "`DataFrame.append`, also reported with `ignore_index=` on any receiver, and `Series.append`, named so where "
        "`pd.Series(…)` alone made the receiver), and removed indexers where subscripted (`df.ix[0, \"a\"]`: the fix names `.loc` where every indexer is a label, "
        "`.iloc` where the rows are taken whole and the columns by integers, `df.ix[:, 0:4]`, on a frame whose columns are not "
        "known to be labelled by integers (`df[0]`, or read with `header=None` and not renamed), and both otherwise, since `.ix` "
        "read integers as labels on an axis labelled by integers, as a default row index is); "
        "also a changed return type where the notebook unpacks the result (`lbvalue, pvalue = acorr_ljungbox(x, lags)`: "
        "statsmodels 0.13 returns a DataFrame, whose unpacking binds its column labels; not a call passing `return_df=`, "
        "and `return_df=False` unpacked only against 0.14, which returns the frame whatever it says), and a changed "
        "number of values where the notebook assigns the result to the old count (gym 0.26: `obs, reward, done, info = "
        "env.step(a)` on an environment `gym.make` made, or its `.unwrapped`, raises ValueError, as `step` returns five "
        "values; `obs = env.reset()`, which binds the pair `(obs, info)` since, only beside such a `step`: alone, a single "
        "name is code for 0.26 too where it is unpacked or indexed later; not a notebook's own environment class); "
        "calls passing more arguments by position than a release takes (`sns.regplot(x, y)`: seaborn 0.12 takes only `data` "
        "by position; not with `*args`); and `.next()` on an iterator the builtin `iter(…)` made in a notebook importing torch "
        "(`dataiter = iter(trainloader); dataiter.next()`: torch 1.13 dropped the DataLoader iterator's Python 2 method, and "
        "no Python 3 iterator of the standard library has it; not where TensorFlow, Keras or MXNet, whose iterators keep it, "
        "are imported, nor in a Python 2 notebook); a removed attribute read on an estimator the catalogued class made "
        "(`clf = GaussianNB()`, `clf.sigma_`: scikit-learn 1.2; where the name is rebound to other estimators, the "
        "top-level binding the read sees, cells run top to bottom; not called, not assigned); a module a release kept with "
        "only a few names (langchain 1.0's `langchain.embeddings`), on its other names only; and a changed default "
        "(`default_changed` in the catalogue): pandas 2.0 changed `Series.str.replace`'s `regex` from True to False, so "
        "`df.text.str.replace('[^a-zA-Z ]', '')` without `regex=` is matched as literal text and silently replaces nothing "
        "(only on the `.str` accessor, for a literal pattern longer than one character holding a regular expression's "
        "metacharacter other than `.`: a plain pattern, `','` or `'sq.m.'`, or a single character, which pandas before 2.0 read literally too, is replaced "
        "alike; not with `regex=` passed; the fix passes `regex=True`). "
        "A pin of the notebook's own install line that runs only where the import fails (the handler of `try: import openai`, "
        "`except ImportError:` or a bare `except:`) keeps the old release only where the package is missing: without a manifest "
        "that keeps it, the finding says a kernel that has the package already (a hosted runtime's openai 1.x) keeps its own "
        "release. A literal path argument a release refuses is reported too (`ModelCheckpoint(filepath=\"best.hdf5\")`: Keras 3 "
        "saves only to `.keras`/`.h5`; a computed path is not read). "
        "A method call on a module (`six.iteritems(d)`) is never one of an object's removed methods, nor is a method the "
        "notebook defines itself (unless the receiver is known to be the library's, as above); `x.iteritems()` is not reported in a Python 2 notebook, nor in one importing gensim or lxml, whose "
        "`Dictionary` and element `.attrib` keep `iteritems` on Python 3, unless the receiver is known to be made by pandas "
        "(`df = pd.read_csv(p)`), nor "
        "`x.as_matrix()` in one importing cuDF, dask-cuDF or cuML (their 0.x frames had the method). The "
        "removals are read from the catalogue `rules/removed_apis.toml` "
        "(API, distribution, first release without it, replacement, source). One finding per "
        "notebook and distribution, at the first use, the other uses as related locations; where the notebook uses "
        "removals of several releases (TensorFlow 0.x code: `tf.mul`, gone in 1.0, and `tf.Session`, gone in 2.0), the "
        "finding is the oldest release's, at its first use, pinning below it (`tensorflow<1.0`: a `<2.0` pin still "
        "lacks `tf.mul`), and names the later releases' APIs, whose uses are related locations. What the project declares decides: a manifest (or the notebook's own "
        "`%pip install`) whose constraint admits only "
        "releases without the API is an error (`pymc>=5.0.1`, `scikit-learn==1.3`), and so is TensorFlow 1 "
        "code under Colab's `%tensorflow_version 1.x` (Colab refuses it since August 2022, other kernels "
        "have no such magic; `%tensorflow_version 2.x` admits every TensorFlow 2 release, read against TensorFlow's own release of "
        "a Keras removal: TensorFlow 2.16 brings Keras 3, so Keras 3's removals are a warning under it); a range that "
        "lets pip take the newest release, a requirement without a version, or no declaration at "
        "all is a warning (a fresh install takes the newest release, which lacks it); a constraint "
        "that admits only releases that still have it (`scikit-learn==0.19.2`, `tensorflow<2`) is "
        "no finding, nor is one it cannot read (a URL: it may keep an old release). A declaration of an alias counts "
        "for the distribution (a tensorflow pin decides which keras a fresh install gets), read against the alias's "
        "own release where the numbers part (`[alias_releases]`: `tensorflow==2.16.1` installs Keras 3, so it admits "
        "no release with what keras 3.0.0 removed); the message names the distribution's own line when there is one (`keras` beside `tensorflow`). A Poetry caret or tilde is the range it stands for (`^0.24.1` admits 0.24.x only), and a `poetry.lock` beside the pyproject.toml pins what it locks. Not reported: uses inside a `try:` (or its handler) catching ImportError or "
        "AttributeError, a removed keyword's call inside a `try:` catching TypeError or ValueError (a removed value's: or OSError), "
        "except a call or attribute under a catch-all handler (`except:`, `except Exception:`) that only records the failure "
        "(prints or logs it, appends the item to a list, counts it, `pass`, `continue`): that handler swallows the removal's "
        "error and the code never works again, no fallback (pytrends' `get_historical_interest` under `except: print(…); "
        "not_data.append(i)`); uses under `if` tests of a `.__version__` attribute or `hasattr`, anything reached "
        "through `tf.compat.v1` (`import tensorflow.compat.v1 as tf` included), and uses through a name "
        "the notebook rebinds or imports as two different modules; nor Keras's `fit(…, nb_epoch=…)` and `fit_generator` on a "
        "receiver made by DeepChem (`model = dc.models.GraphConvModel(…)`: DeepChem's models keep both as current API), nor a "
        "removal whose release needs a newer Python than a manifest of the project admits (`python_requires=\">=3.6, <3.9\"`, "
        "`requires-python`, a Poetry `python` range or conda's `python=3.8`, against the oldest Python of the release in "
        "`[first_python]` of the catalogue: NumPy 2.0 needs 3.9, so such a project gets NumPy 1.24, which has `np.product`). Nothing installed "
        "on the host is consulted: the catalogue decides. A use in a method of the notebook's own class that only an "
        "opt-in switch of its `__init__` runs (`if run_default_script: self.main_script()`, the parameter defaulting to "
        "False or None) is not reported when every mention of the class is a call passing no value for the switch and "
        "the method's name appears nowhere else: no run of the notebook reaches it."
    )
    why_bad = (
        "The notebook, and the package compiled from it, fails at import time on a clean install: "
        "the code was written against an older release than the one the environment now resolves. "
        "The fix is either the replacement API or a pin to the last release that has it; for a removed name a "
        "`from … import` brings in and no cell reads, deleting it from the import; for a removed keyword passed as the "
        "value the later releases behave as (`LinearRegression(normalize=False)`), deleting the keyword. A removed "
        "method's fix names the call as the notebook wrote it (`dataiter.next()` → `next(dataiter)`), and a replacement "
        "that needs an argument changed says so where a call passes it (`Imputer(missing_values='NaN')` → "
        "`SimpleImputer(missing_values=np.nan)`). Where a bound on the distribution cannot keep the API, the pin named is "
        "the catalogue's own (`tf.keras.optimizers.Adam(lr=…)`: `tensorflow<2.11`, since TensorFlow 2.16 requires Keras 3 "
        "and from 2.11 its optimizers drop `lr=`)."
    )
    example = "# requirements.txt: scikit-learn==1.3\nfrom sklearn.cross_validation import train_test_split"
    use_instead = "from sklearn.model_selection import train_test_split"
    passing = (
        # A Poetry caret admits 0.24.x only, which still has `load_boston` (removed in 1.2).
        Example(
            cells=("from sklearn.datasets import load_boston",),
            files={"pyproject.toml": "[tool.poetry.dependencies]\nscikit-learn = \"^0.24.1\"\n\n[tool.nbrefactor]\n"},
        ),
        # The pin keeps a release that still has the module.
        Example(
            cells=("from sklearn.cross_validation import train_test_split",),
            files={"requirements.txt": "scikit-learn==0.19.2\n"},
        ),
        # GaussianNB's current `var_`, and a `sigma_` of an object no catalogued class made (fair check 46, recall T-3.3).
        Example(
            cells=("from sklearn.naive_bayes import GaussianNB\nclf = GaussianNB().fit(X_train, y_train)\nprint(clf.var_)\n"
                   "print(kde.sigma_)",),
        ),
        # Fair check 46, recall T-7.13: langchain 1.0 kept `langchain.embeddings` and `langchain.chat_models` with a
        # few names (`kept`): those, and the module itself, still import; and a pin below 1.0 keeps the 0.x modules.
        Example(
            cells=("from langchain.embeddings import init_embeddings\nfrom langchain.chat_models import init_chat_model\n"
                   "from langchain import embeddings\nemb = init_embeddings('openai:text-embedding-3-small')",),
        ),
        Example(
            cells=("from langchain.vectorstores import Chroma\nfrom langchain.embeddings import HuggingFaceEmbeddings",),
            files={"requirements.txt": "langchain<1.0\n"},
        ),
        # A fallback import: the notebook runs on either side of the removal.
        Example(
            cells=(
                "try:\n    from sklearn.model_selection import train_test_split\n"
                "except ImportError:\n    from sklearn.cross_validation import train_test_split",
            ),
            files={"requirements.txt": "scikit-learn>=1.3\n"},
        ),
        # TF 1 graph code through tf.compat.v1 runs on TensorFlow 2.
        Example(
            cells=(
                "import tensorflow as tf\nsess = tf.compat.v1.Session()",
                "import tensorflow.compat.v1 as tfv1\nx = tfv1.placeholder('float32', [None, 3])",
            ),
            files={"requirements.txt": "tensorflow==2.15.0\n"},
        ),
        # `np.float64` is not `np.float`.
        Example(cells=("import numpy as np\nx = np.zeros(3, dtype=np.float64)",), files={"requirements.txt": "numpy==1.26.4\n"}),
        # A method only an opt-in switch of `__init__` runs (default False), which no call of the class passes:
        # no run of the notebook reaches its removed import (fair check 42, item 24).
        Example(cells=(_SWITCHED_CLASS, "s = Survey(10)\ns.mean()"), files={"requirements.txt": "scikit-learn>=1.3\n"}),
        # The notebook installs TensorFlow 1 itself: it has tf.Session.
        Example(cells=("%pip install tensorflow==1.15.5\nimport tensorflow as tf\nsess = tf.Session()",)),
        # `tf` is TensorFlow 2 in one cell and its compat.v1 module in the next: not knowable.
        Example(
            cells=("import tensorflow as tf", "import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\nx = tf.placeholder('float32')"),
            files={"requirements.txt": "tensorflow==2.15.0\n"},
        ),
        # tensorflow==2.10.1 installs keras 2.10, which still has the scikit-learn wrappers.
        Example(
            cells=("import tensorflow as tf\nfrom keras.wrappers.scikit_learn import KerasClassifier",),
            files={"requirements.txt": "tensorflow==2.10.1\n"},
        ),
        # scikit-learn 1.5 still takes `squared`; a notebook's own `mean_squared_error` is not scikit-learn's.
        Example(
            cells=(
                "from sklearn.metrics import mean_squared_error\nrmse = mean_squared_error([1.0, 2.0], [1.5, 2.5], squared=False)",
            ),
            files={"requirements.txt": "scikit-learn==1.5.2\n"},
        ),
        Example(
            cells=(
                "def mean_squared_error(a, b, squared=True):\n    e = sum((x - y) ** 2 for x, y in zip(a, b)) / len(a)\n    return e if squared else e ** 0.5",
                "rmse = mean_squared_error([1.0, 2.0], [1.5, 2.5], squared=False)",
            ),
            files={"requirements.txt": "scikit-learn>=1.6\n"},
        ),
        # Keras 2.15 (TensorFlow 2.15) still takes `compile(metrics='accuracy')` and `fit(workers=…)`; NumPy 2.3 still takes `interpolation=`, its
        # successor `method=` is current, and pandas' own `quantile(interpolation=…)` is not NumPy's.
        Example(
            cells=("import numpy as np\nimport pandas as pd\nimport tensorflow as tf\nnet = tf.keras.Sequential([tf.keras.layers.Dense(1)])",
                   "net.compile(loss='mse', metrics='accuracy')\nnet.fit([[0.0]], [0.0], epochs=2, workers=4)\nlo = np.quantile([1.0, 2.0], 0.25, interpolation='lower')",
                   "hi = np.nanpercentile([1.0, 2.0], 75, method='midpoint')\nmid = pd.Series([1.0, 2.0]).quantile(0.5, interpolation='midpoint')"),
            files={"requirements.txt": "tensorflow==2.15.1\nnumpy==2.3.5\npandas\n"},
        ),
        # Keras 3 still saves to a `.h5` path given `save_format` (with a warning).
        Example(
            cells=("import keras\nnet = keras.Sequential([keras.layers.Dense(1)])\nnet.save('net.h5', save_format='h5')",),
            files={"requirements.txt": "keras>=3\n"},
        ),
        # Names that are still there: NumPy 2's `np.float64`, matplotlib's `seaborn-v0_8` styles, `load_iris`; a
        # style name the notebook computes is not read.
        Example(
            cells=(
                "import numpy as np\nimport matplotlib.pyplot as plt\nfrom sklearn.datasets import load_iris",
                "plt.style.use('seaborn-v0_8-whitegrid')\nname = 'seaborn'\nplt.style.use(name)\nx = np.zeros(2, dtype=np.float64)",
            ),
            files={"requirements.txt": "numpy>=2\nmatplotlib>=3.8\nscikit-learn>=1.2\n"},
        ),
        # `get_feature_names` on a receiver of unknown class (category_encoders has one too); `six.iteritems`
        # is a function; a class of the notebook's own has its `iteritems`.
        Example(
            cells=(
                "import pandas as pd\nimport six\nfrom sklearn.pipeline import Pipeline",
                "names = pipe.named_steps['vec'].get_feature_names()\npairs = list(six.iteritems({'a': 1}))",
                "class Bag:\n    def iteritems(self):\n        return iter(())\nfor k, v in Bag().iteritems():\n    pass",
            ),
            files={"requirements.txt": "pandas>=2\nscikit-learn>=1.2\n"},
        ),
        # lxml's element `.attrib` keeps `iteritems` on Python 3: in a notebook importing lxml, a receiver pandas did
        # not make is not taken for a DataFrame (fair check 30, item 19).
        Example(
            cells=(
                "import pandas as pd\nfrom lxml import etree",
                "def show(node):\n    print(' '.join('%s=%s' % (k, v) for k, v in node.attrib.iteritems()))\n"
                "show(etree.fromstring(b'<rss version=\"2.0\"/>'))",
            ),
            files={"requirements.txt": "pandas>=2\nlxml\n"},
        ),
        # pandas 0.18 still had the module-level rolling functions.
        Example(
            cells=("import pandas as pd\nsmooth = pd.rolling_mean(pd.Series([1.0, 2.0, 4.0]), 2)",),
            files={"requirements.txt": "pandas==0.18.1\n"},
        ),
        # DeepChem's models keep `fit(dataset, nb_epoch=…)` and `fit_generator`: not Keras's removed ones.
        Example(
            cells=("import deepchem as dc\nimport tensorflow as tf\nmodel = dc.models.GraphConvModel(2, mode='classification')",
                   "model.fit(train_set, nb_epoch=50)\nmodel.fit_generator(batches(train_set))"),
            files={"requirements.txt": "tensorflow\ndeepchem\n"},
        ),
        # A project bounded to Python < 3.9 cannot install NumPy 2.0 (it needs 3.9): `np.product` stays.
        Example(
            cells=("import numpy as np\ncells = np.product([3, 4])",),
            files={"setup.py": "from setuptools import setup\nsetup(name='grids', install_requires=['numpy>=1.14'], "
                               "python_requires='>=3.6, <3.9')\n"},
        ),
        # A cuDF frame has its own `as_matrix` (cuDF 0.x): not pandas' removal, pandas imported or not.
        Example(
            cells=("import cudf\nimport pandas as pd\nsensors = cudf.read_csv('sensors.csv')",
                   "features = sensors[['t', 'v']].as_matrix()\nlabels = sensors['ok'].to_array()"),
            files={"requirements.txt": "pandas>=1.0\n"},
        ),
        # A concrete NumPy type, or an abstract one where it is no dtype (`isinstance`), is current API.
        Example(
            cells=("import numpy as np\nlabels = np.array([0.0, 1.0])\ny = labels.astype(np.int64)\n"
                   "ok = isinstance(y[0], np.integer)\nz = labels.astype(dtype=np.float32)",),
            files={"requirements.txt": "numpy>=2.0\n"},
        ),
        # The builtin `next(dataiter)`, and `.next()` of an iterator where TensorFlow is imported (its
        # dataset iterators keep the method), are current API; so is `data` alone by position, and every
        # keyword, in seaborn; and the pins that keep torch 1.12, keras 2.12, seaborn 0.11, transformers 4.
        Example(
            cells=("import torch\nloader = torch.utils.data.DataLoader(range(8), batch_size=4)\n"
                   "dataiter = iter(loader)\nfirst = next(dataiter)\nsecond = iter(loader).next()",),
            files={"requirements.txt": "torch==1.12.1\n"},
        ),
        Example(
            cells=("from keras.utils import np_utils",
                   "import seaborn as sns\nimport pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})\n"
                   "sns.regplot(df, x='a', y='a')\nsns.heatmap(df.corr())",
                   "from transformers import ViTFeatureExtractor"),
            files={"requirements.txt": "keras==2.12.0\nseaborn==0.11.2\npandas==2.2.2\ntransformers==4.57.6\n"},
        ),
        Example(
            cells=("import torch\nimport tensorflow as tf\ndataset = tf.data.Dataset.range(4)\n"
                   "dataiter = iter(dataset)\nfirst = dataiter.next()",),
            files={"requirements.txt": "torch>=2.0\ntensorflow==2.15.0\n"},
        ),
        Example(
            cells=("import seaborn as sns\nsns.regplot(x=[1, 2], y=[1, 2])\nsns.histplot([1, 2], [1, 2])\nsns.regplot(*pair)",),
            files={"requirements.txt": "seaborn>=0.13\n"},
        ),
        # A `.keras` or `.h5` path, or one the notebook computes, is not read as refused.
        Example(
            cells=("from keras.callbacks import ModelCheckpoint\nbest = ModelCheckpoint('best.keras', save_best_only=True)\n"
                   "old = ModelCheckpoint(filepath='model.h5')\nmine = ModelCheckpoint(filepath=path)",),
            files={"requirements.txt": "keras>=3.0\n"},
        ),
        # An unguarded pin of the old release, or the same fallback beside a manifest that pins it, keeps the API.
        Example(
            cells=("!pip install openai==0.28", "import openai\nreply = openai.ChatCompletion.create(model='gpt-3.5-turbo', messages=[])"),
        ),
        Example(
            cells=("try:\n  import openai\nexcept ImportError:\n  !pip install openai==0.28\n  import openai",
                   "reply = openai.ChatCompletion.create(model='gpt-3.5-turbo', messages=[])"),
            files={"requirements.txt": "openai==0.28.1\n"},
        ),
        # TensorFlow 0.12 still exports the summary ops and `tf.train.SummaryWriter` (and `tf.placeholder`).
        Example(
            cells=("import tensorflow as tf\nx = tf.placeholder(tf.float32)\ntf.scalar_summary('x', x)\nwriter = tf.train.SummaryWriter('logs')",),
            files={"requirements.txt": "tensorflow==0.12.1\n"},
        ),
        # A list's `append` stays unreported where the list comes from a frame's column or from a slice of a
        # list: a single label (`df["tags"][0]`) may hold anything, and `rows[:2]` of a list is a list.
        Example(
            cells=("import pandas as pd\ndf = pd.read_csv('d.csv')\ntags = df['tags'][0]\ntags.append('x')",
                   "rows = []\nfirst = rows[:2]\nfirst.append(1)\nalias = rows\nalias.append(2)"),
        ),
        # gym 0.26's API (five values from `step`, `(obs, info)` from `reset`), and a single name for `reset` with no
        # four-name `step` beside it: code for 0.26 may unpack or index it later (fair check 35, recall T-7.2).
        Example(
            cells=("import gym\nenv = gym.make('CartPole-v1')",
                   "obs, info = env.reset(seed=0)\nobs, reward, terminated, truncated, info = env.step(0)\n"
                   "state = env.reset()\nstate = state[0]"),
        ),
        # A parameter dict built by item assignments whose removed value is set back before the call, or
        # changed where the order is not known (in a function, under an `if`, through another name):
        # not reported (fair check 36, item T-5.12).
        Example(
            cells=("import xgboost as xgb\nparam = {}\nparam['tree_method'] = 'gpu_hist'\nparam['tree_method'] = 'hist'\n"
                   "xgb.train(param, dtrain)",
                   "opts = {}\nopts['tree_method'] = 'gpu_hist'\nif use_cpu:\n    opts['tree_method'] = 'hist'\nxgb.train(opts, dtrain)",
                   "cfg = {'tree_method': 'gpu_hist'}\ndef to_cpu():\n    cfg['tree_method'] = 'hist'\nto_cpu()\nxgb.train(cfg, dtrain)",
                   "base = {'tree_method': 'gpu_hist'}\nalias = base\nalias['tree_method'] = 'hist'\nbase['eta'] = 0.1\nxgb.train(base, dtrain)"),
            files={"requirements.txt": "xgboost\n"},
        ),
        # Fair check 40, recall T-10.5/T-10.6: what pandas 3.0 still takes. The offset aliases it reads (`'ME'`,
        # `'QE'`, `'h'`, `'15min'`), the period aliases `'M'`/`'Q'` of `to_period` and `period_range`, an `asfreq('M')`
        # (a period on a period index), and `first`/`last` with no offset: of grouped and resampled objects.
        Example(
            cells=("import pandas as pd\ndf = pd.read_csv('prices.csv', parse_dates=['date'], index_col='date')",
                   "monthly = df.resample('ME').mean()\nquarterly = df.resample('QE').last()\nhourly = df.resample('h').sum()\n"
                   "periods = df.to_period('M')\nspan = pd.period_range('2020-01', periods=4, freq='Q')\n"
                   "idx = pd.date_range('2020-01-01', periods=4, freq='15min')\nsame = periods.asfreq('M')",
                   "top = df.groupby('ticker').first()\nend = df.resample('D').last()\nstart = df.first_valid_index()"),
        ),
        # The same removed alias where the manifest keeps pandas below 3.0: it only warns there.
        Example(
            cells=("import pandas as pd\ndf = pd.read_csv('prices.csv', parse_dates=['date'], index_col='date')\n"
                   "quarterly = df.resample('Q').last()\nrecent = df.last('2Y')",),
            files={"requirements.txt": "pandas<3\n"},
        ),
        # `random_state=` beside `shuffle=True`, as None, or beside a switch the notebook computes: no
        # release refuses it (fair check 43, recall T-9.6).
        Example(
            cells=("from sklearn.model_selection import KFold, StratifiedKFold\nshuffle = True\n"
                   "a = KFold(n_splits=5, shuffle=True, random_state=0)\nb = StratifiedKFold(5, random_state=None)\n"
                   "c = KFold(n_splits=5, shuffle=shuffle, random_state=1)",),
            files={"requirements.txt": "scikit-learn\n"},
        ),
        # Below 0.24 it only warns.
        Example(
            cells=("from sklearn.model_selection import KFold\nfolds = KFold(n_splits=5, random_state=0)",),
            files={"requirements.txt": "scikit-learn==0.23.2\n"},
        ),
        # A function's `model` bound otherwise too (a loop over estimators of several libraries): not known there.
        Example(
            cells=("import lightgbm as lgbm\nimport xgboost as xgb",
                   "def compare(X, y):\n    model = lgbm.LGBMClassifier()\n"
                   "    for model in (model, xgb.XGBClassifier(early_stopping_rounds=5)):\n"
                   "        model.fit(X, y, eval_set=[(X, y)], early_stopping_rounds=5)",),
            files={"requirements.txt": "lightgbm==4.5.0\nxgboost==2.0.3\n"},
        ),
        # `Series.str.replace` with `regex=` passed, a plain or one-character pattern (replaced alike under both
        # defaults), a computed pattern, and Python's own `str.replace`; and, under `pandas<2`, the old default itself.
        Example(
            cells=("import pandas as pd\ndf = pd.read_csv('tweets.csv')\npat = '[0-9]'",
                   "a = df.text.str.replace(r'\\d+', '', regex=True)\nb = df.text.str.replace(',', '')\nc = df.text.str.replace('.', '')\n"
                   "d = df.text.str.replace(pat, '')\ne = 'a-b'.replace('[^a]', '')\nf = df.text.str.replace('[^a]', '', regex=False)\n"
                   "g = df.text.str.replace(' vs. ', ' @ ')"),
            files={"requirements.txt": "pandas\n"},
        ),
        Example(
            cells=("import pandas as pd\ndf = pd.read_csv('tweets.csv')\ndf['text'] = df.text.str.replace('[^a-zA-Z ]', '')",),
            files={"requirements.txt": "pandas<2\n"},
        ),
    )
    failing = (
        # `random_state=` without `shuffle=True`: scikit-learn 0.24 raises ValueError (fair check 43, recall
        # T-9.6 and T-10.5); one finding for the release, the other call related.
        Example(
            cells=("from sklearn.model_selection import KFold, StratifiedKFold\nfolds = KFold(n_splits=5, shuffle=False, random_state=0)",
                   "from sklearn import model_selection\nstrata = model_selection.StratifiedKFold(n_splits=10, random_state=1)"),
            files={"requirements.txt": "scikit-learn\n"},
            expect=((1, 2),),
        ),
        # The manifest admits only releases without the module: an error.
        Example(
            cells=("import numpy as np", "from sklearn.cross_validation import train_test_split"),
            files={"requirements.txt": "numpy==1.26.4\nscikit-learn==1.3\n"},
            expect=((2, 1),),
        ),
        # PyMC 2 code under `pymc>=5`: one finding for the removal, the other uses related.
        Example(
            cells=(
                "import pymc as pm\nrate = pm.Exponential('rate', 1.0)",
                "@pm.deterministic\ndef doubled(r=rate):\n    return 2 * r",
                "mcmc = pm.MCMC([rate, doubled])\nmcmc.sample(1000)",
            ),
            files={"requirements.txt": "pymc>=5.0.1\n"},
            expect=((2, 1),),
        ),
        # Undeclared or unpinned: a fresh install takes the newest NumPy, without `np.float`.
        Example(
            cells=("import numpy as np\nweights = np.ones(4, dtype=np.float)",),
            files={"requirements.txt": "numpy\n"},
            expect=((1, 2),),
        ),
        # A keyword scikit-learn 1.6 removed, through a module alias; any value of it raises.
        Example(
            cells=("from sklearn import metrics\nerror = metrics.mean_squared_error([1.0, 2.0], [1.5, 2.5], squared=True)",),
            files={"requirements.txt": "scikit-learn\n"},
            expect=((1, 2),),
        ),
        # Keywords scikit-learn 1.4 removed (renamed in 1.2): `sparse=`, `base_estimator=`; one finding, the other use
        # related (fair check 32, recall T-6.3).
        Example(
            cells=("from sklearn.preprocessing import OneHotEncoder\nenc = OneHotEncoder(sparse=False)",
                   "from sklearn.ensemble import BaggingClassifier\nfrom sklearn.tree import DecisionTreeClassifier\n"
                   "bag = BaggingClassifier(base_estimator=DecisionTreeClassifier(), n_estimators=50)"),
            expect=((1, 2),),
        ),
        # `RidgeCV(store_cv_values=True)`: renamed `store_cv_results` in 1.5, gone in 1.7 (fair check 32, item 36's note).
        Example(
            cells=("from sklearn.linear_model import RidgeCV\nridge = RidgeCV(alphas=[0.1, 1.0], store_cv_values=True)",),
            files={"requirements.txt": "scikit-learn>=1.7\n"},
            expect=((1, 2),),
        ),
        # torchtext's legacy pipeline imported from `torchtext.data`, where 0.9 removed it (fair check 23).
        Example(
            cells=("import torch\nfrom torchtext.data import Field, BucketIterator",
                   "TEXT = Field(lower=True)\ntrain_iter = BucketIterator(train, batch_size=32)"),
            files={"requirements.txt": "torch==2.3.1\ntorchtext>=0.15\n"},
            expect=((1, 2),),
        ),
        # TensorFlow 1's RMSProp optimizer, gone from `tf.train` in 2.0 (fair check 24: an A3C notebook).
        Example(
            cells=("import tensorflow as tf",
                   "class ActorCritic(object):\n    def __init__(self, lr_a):\n        self.actor_optimizer = tf.train.RMSPropOptimizer(lr_a, name='RMSPropA')"),
            files={"requirements.txt": "tensorflow>=2.4\n"},
            expect=((2, 3),),
        ),
        # The Keras 1 name of `epochs`, on any model variable of a notebook importing Keras.
        Example(
            cells=("from keras.models import Sequential\nnet = Sequential()", "net.fit([[0.0]], [0.0], nb_epoch=3)"),
            expect=((2, 1),),
        ),
        # Keras 3's `fit` has no data-loading keywords (fair check 45, recall T-5.4: `model.fit(…, workers=4)` under
        # an undeclared TensorFlow, which installs Keras 3 from 2.16); and NumPy 2.4 dropped `interpolation=` of
        # the percentile functions (fair check 45, recall T-8.4).
        Example(
            cells=("import numpy as np\nfrom tensorflow import keras\nnet = keras.Sequential([keras.layers.Dense(1)])",
                   "net.fit([[0.0]], [0.0], epochs=2, workers=4, use_multiprocessing=True)",
                   "cut = np.percentile([1.0, 2.0, 9.0], 75, interpolation='midpoint')"),
            files={"requirements.txt": "numpy>=2.4\n"},
            expect=((2, 1), (3, 1)),
        ),
        # Keras 3's `compile` refuses a bare metric name (fair check 45, recall T-5.3); a list of one is current.
        Example(
            cells=("import keras\nnet = keras.Sequential([keras.layers.Dense(1)])",
                   "net.compile(optimizer='adam', loss='mse', metrics='mae')",
                   "net.compile(optimizer='adam', loss='mse', metrics=['mae'])"),
            files={"requirements.txt": "keras>=3\n"},
            expect=((2, 1),),
        ),
        # Colab's `%tensorflow_version 1.x` no longer gives TensorFlow 1 (an error since August 2022).
        Example(
            cells=("%tensorflow_version 1.x", "import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 2])\nsess = tf.Session()"),
            expect=((2, 2),),
        ),
        # A style name matplotlib 3.8 removed, passed as a literal: one finding for the release.
        Example(
            cells=("import matplotlib.pyplot as plt\nplt.style.use('seaborn-whitegrid')",),
            files={"requirements.txt": "matplotlib>=3.8\n"},
            expect=((1, 2),),
        ),
        # A transformer the notebook made with the class that lost the method, and pandas 1.0's `.ix`.
        Example(
            cells=(
                "import pandas as pd\nfrom sklearn.feature_extraction.text import CountVectorizer",
                "vec = CountVectorizer()\ncounts = vec.fit_transform(['a b', 'b c'])\nwords = vec.get_feature_names()",
                "frame = pd.DataFrame({'a': [1]})\nfirst = frame.ix[0, 'a']",
            ),
            files={"requirements.txt": "scikit-learn==1.3.2\npandas==1.5.3\n"},
            expect=((2, 3), (3, 2)),
        ),
        # The version poetry.lock locks (0.24.2) has no `Imputer` (removed in 0.22): an error.
        Example(
            cells=("from sklearn.preprocessing import Imputer",),
            files={"pyproject.toml": "[tool.poetry.dependencies]\nscikit-learn = \"^0.24.1\"\n\n[tool.nbrefactor]\n",
                   "poetry.lock": "[[package]]\nname = \"scikit-learn\"\nversion = \"0.24.2\"\n"},
            expect=((1, 1),),
        ),
        # A Python 2 cell that does not parse only because of its print statements is read with them
        # written as calls: the removed function is found there.
        Example(
            cells=("import pandas as pd\nprices = pd.Series([1.0, 2.0, 4.0])",
                   "smooth = pd.rolling_mean(prices, 2)\nprint 'last:', smooth.iloc[-1]"),
            files={"requirements.txt": "pandas==2.2.2\n"},
            expect=((2, 1),),
        ),
        # NumPy 2.3 no longer converts an abstract type to a dtype (fair check 27 recall T-10.4).
        Example(
            cells=("import numpy as np\ny_valid = np.array([0.0, 1.0])\nlabels = y_valid.astype(np.integer)",),
            files={"requirements.txt": "numpy>=1.21\n"},
            expect=((1, 3),),
        ),
        # Fair check 28 recall: torch 1.13 dropped the DataLoader iterator's `.next()` (T-3.4, T-4.7, T-5.4),
        # keras 2.13 `keras.utils.np_utils` (T-8.4), seaborn 0.12 positional `x, y` (T-6.6), transformers 5
        # `ViTFeatureExtractor` (T-1.2).
        Example(
            cells=("import torch\nfrom torchvision import datasets\n"
                   "trainloader = torch.utils.data.DataLoader(datasets.MNIST('data', download=True), batch_size=64)\n"
                   "dataiter = iter(trainloader)\nimages, labels = dataiter.next()",
                   "images, labels = iter(trainloader).next()"),
            files={"requirements.txt": "torch>=1.10\ntorchvision>=0.11\n"},
            expect=((1, 5),),
        ),
        Example(
            cells=("from keras.utils import np_utils\ny = np_utils.to_categorical([0, 1])",
                   "import seaborn as sns\nax = sns.regplot(y, y, scatter_kws={'alpha': 0.4})",
                   "from transformers import ViTFeatureExtractor"),
            files={"requirements.txt": "keras>=2.4\nseaborn>=0.11\ntransformers>=4.20\n"},
            expect=((1, 1), (2, 2), (3, 1)),
        ),
        # Fair check 31 recall: keras 2.13 `keras.utils.data_utils` (T-3.5), transformers 5 `TextDataset` (T-5.3),
        # SciPy 1.3 `scipy.ndimage.imread` (items 67, 72).
        Example(
            cells=("from keras.utils.data_utils import get_file",
                   "from transformers import GPT2Tokenizer, TextDataset, DataCollatorForLanguageModeling",
                   "import scipy.ndimage\nimg = scipy.ndimage.imread('cell.png')"),
            files={"requirements.txt": "keras>=2.4\ntransformers>=4.20\nscipy>=1.0\n"},
            expect=((1, 1), (2, 1), (3, 2)),
        ),
        # The notebook's pin of the old release runs only where the import fails: a kernel that has
        # openai 1.x already keeps it (fair check 28 recall T-2.3).
        Example(
            cells=("try:\n  import openai\nexcept:\n  !pip install openai==0.28\n  import openai",
                   "reply = openai.ChatCompletion.create(model='gpt-3.5-turbo', messages=[])"),
            expect=((2, 1),),
        ),
        # Keras 3's ModelCheckpoint refuses an `.hdf5` path (fair check 28 recall T-8.8), through tf.keras too.
        Example(
            cells=("from keras.callbacks import ModelCheckpoint\nbest = ModelCheckpoint(filepath='mnist.model.best.hdf5', save_best_only=True)",
                   "import tensorflow as tf\nlast = tf.keras.callbacks.ModelCheckpoint(f'runs/{1}/last.hdf5')"),
            files={"requirements.txt": "keras>=2.4\ntensorflow>=2.10\n"},
            expect=((1, 2),),
        ),
        # Standalone Keras beside TensorFlow, both bare: the message names the `keras` line, not the
        # file's first one (fair check 29, item 34).
        Example(
            cells=("from keras.models import Sequential\nmodel = Sequential()", "labels = model.predict_classes([[0.0]])"),
            files={"requirements.txt": "tensorflow\nkeras\n"},
            expect=((2, 1),),
        ),
        # `%tensorflow_version 2.x` selects TensorFlow 2, whose newest releases (2.16 on) carry Keras 3, which
        # rejects `lr=`: a warning, not a request for TensorFlow 1 (fair check 30, items 18 and 31).
        Example(
            cells=("%tensorflow_version 2.x", "import tensorflow as tf\nopt = tf.keras.optimizers.SGD(lr=0.01)"),
            expect=((2, 2),),
        ),
        # TensorFlow 0.x names TensorFlow 1.0 dropped (`tf.scalar_summary`, `tf.train.SummaryWriter`, `tf.mul`): 1.15 lacks
        # them too, so the finding pins below 1.0, apart from the 2.0 one for `tf.placeholder` (fair check 30, items 17,
        # 23, 25, 27, 29, 32).
        Example(
            cells=("import tensorflow as tf\nx = tf.placeholder(tf.float32)",
                   "tf.scalar_summary('x', x)\nsquare = tf.mul(x, x)\nwriter = tf.train.SummaryWriter('logs')"),
            files={"requirements.txt": "tensorflow==1.15.5\n"},
            expect=((2, 1),),
        ),
        # TensorFlow 0.x code with nothing declared: `tf.placeholder`/`tf.Session` (gone in 2.0) and `tf.mul` (gone in
        # 1.0) are one finding, the 1.0 one, which pins below 1.0 and names the 2.0 removals, their uses related: a
        # `tensorflow<2.0` finding beside it would be a second report of one cause, and its pin not enough.
        Example(
            cells=("import tensorflow as tf\nx = tf.placeholder(tf.float32)\nsess = tf.Session()",
                   "square = tf.mul(x, x)\ntf.scalar_summary('x', x)"),
            expect=((2, 1),),
        ),
        # `DataFrame.append` on a frame made by filtering or copying a frame the notebook read (fair check 33:
        # ISLR Chapter 4's `df_no = df[df.default2 == 0].sample(frac=0.15)` … `df_no.append(df_yes)`).
        Example(
            cells=("import pandas as pd\ndf = pd.read_excel('Default.xlsx')",
                   "df_no = df[df.default2 == 0].sample(frac=0.15)\ndf_yes = df.loc[df.default2 == 1].copy()\n"
                   "df_ = df_no.append(df_yes)"),
            expect=((2, 3),),
        ),
        # gym's API from before 0.26 with gym unpinned (fair check 35, recall T-7.2: deepschool.io's CartPole policy
        # gradients): `env.step` unpacked into four names raises ValueError on 0.26, which returns five, and `observation
        # = env.reset()` binds the pair `(obs, info)`; one finding at the first use, the reset, the step related.
        Example(
            cells=("!pip install gym\nimport gym\nenv = gym.make('CartPole-v0')",
                   "observation = env.reset()\nfor t in range(200):\n"
                   "    observation, reward, done, info = env.step(env.action_space.sample())\n    if done:\n        break"),
            expect=((2, 1),),
        ),
        # Fair check 36, item T-5.12: a parameter dict filled by item assignments at module level, top to
        # bottom (`param = {}`, then `param['tree_method'] = 'gpu_hist'` in the training cell), later
        # rebound for `xgb.dask.train`: the value the call reads is known, reported where it is set.
        Example(
            cells=("import xgboost as xgb\nparam = {}\nparam['objective'] = 'binary:logitraw'\nparam['tree_method'] = 'hist'\n"
                   "xgb.train(param, dtrain)",
                   "param['tree_method'] = 'gpu_hist'\nxgb.train(param, dtrain)",
                   "param = {}\nparam['tree_method'] = 'gpu_hist'\noutput = xgb.dask.train(client, param, ddtrain)"),
            files={"requirements.txt": "xgboost\n"},
            expect=((2, 1),),
        ),
        # Fair check 36, item T-7.7: pandas-datareader's Google Finance source, by position or keyword; Google
        # shut the service down, so the fix offers no pin (`unpinnable`).
        Example(
            cells=("import pandas_datareader.data as web\nfrom pandas_datareader import data",
                   "goog = data.DataReader('GOOG', 'google', '2009-03-14', '2016-04-14')",
                   "aapl = web.DataReader('AAPL', data_source='google')\nfred = web.DataReader('GDP', 'fred')"),
            expect=((2, 1),),
        ),
        # Fair check 40, recall T-10.5 and T-10.6 (pandas unpinned): the offset aliases pandas 3.0 refuses ("Invalid
        # frequency: Q"), with a number too (`'2M'`), and `last(offset)`, gone from frames and series; one finding at the
        # first, the others related. (Pandas 2.3.3 warns on each and pandas 3.0.0 raises: checked in venvs, session 56.)
        Example(
            cells=("import pandas as pd\ndf = pd.read_csv('prices.csv', parse_dates=['date'], index_col='date')",
                   "quarterly = df.resample('Q').last()\nbimonthly = df.resample('2M').mean()",
                   "returns = df['close'].pct_change()\nrecent = returns.last('2Y')"),
            expect=((2, 1),),
        ),
        # Fair check 42, recall T-3.2/T-3.3 (selenium undeclared): a family of removed methods (`find_element_by_*`,
        # gone in 4.3.0, one catalogue entry per method) on the driver and on the elements it returns, and the
        # drivers' `executable_path=` (gone in 4.10.0). One finding at the first 4.3.0 removal, the others related.
        Example(
            cells=("from selenium import webdriver\ndriver = webdriver.Chrome(executable_path='./chromedriver')",
                   "driver.get('https://example.org')\nrows = driver.find_elements_by_xpath('//tr')",
                   "cells = [row.find_element_by_tag_name('td').text for row in rows]"),
            expect=((2, 2),),
        ),
        # The same method with the switch turned on by a call: reached (fair check 42, item 24's true case).
        Example(cells=(_SWITCHED_CLASS, "s = Survey(10, report=True)"), files={"requirements.txt": "scikit-learn>=1.3\n"},
                expect=((1, 8),)),
        # Fair check 46, recall T-3.3 (scikit-learn unpinned): GaussianNB's `sigma_`, removed in 1.2 (renamed `var_`),
        # read on the fitted estimator the notebook made.
        Example(
            cells=("from sklearn.naive_bayes import GaussianNB\nclf = GaussianNB()\nclf.fit(X_train, y_train)",
                   "print(clf.theta_)\nprint(clf.sigma_)"),
            expect=((2, 2),),
        ),
        # Fair check 46, recall T-7.13 (langchain unpinned): langchain 1.0 moved its 0.x modules to langchain-classic
        # and kept in `langchain.embeddings` only `Embeddings` and `init_embeddings`: a removed module and a removed
        # name of a kept module, one finding at the first, the other related.
        Example(
            cells=("from langchain.embeddings import HuggingFaceInstructEmbeddings\nfrom langchain.llms import LlamaCpp\n"
                   "emb = HuggingFaceInstructEmbeddings(model_name='hkunlp/instructor-large')",),
            expect=((1, 1),),
        ),
        # Fair check 52, recall T-5.6: a local `model` of each optuna objective, LightGBM's in one, XGBoost's in
        # another of the same name: the function's own assignment says what made the receiver of its `fit`.
        Example(
            cells=("import lightgbm as lgbm\nimport xgboost as xgb",
                   "def objective(trial):\n    params = {'num_leaves': trial.suggest_int('num_leaves', 20, 100)}\n"
                   "    model = lgbm.LGBMClassifier(**params, random_state=12)\n"
                   "    model.fit(X, y, eval_set=[(Xv, yv)], early_stopping_rounds=100)\n    return model.best_score_",
                   "def objective(trial):\n    model = xgb.XGBClassifier(max_depth=trial.suggest_int('max_depth', 2, 8))\n"
                   "    model.fit(X, y)\n    return model.best_score",),
            files={"requirements.txt": "lightgbm==4.5.0\nxgboost==2.0.3\n"},
            expect=((2, 4),),
        ),
        # Fair check 52, recall T-9.3/T-10.3 (pandas unpinned), as fair check 35, T-3.2: pandas 2.0 changed the default of
        # `Series.str.replace` to `regex=False`, so patterns with metacharacters passed without `regex=` are matched as
        # literal text and silently replace nothing. One finding at the first, the other related.
        Example(
            cells=("import pandas as pd\ndf = pd.read_csv('tweets.csv')",
                   "df['text'] = df.text.str.replace(r'http[\\w:/\\.]+', '')\ndf['text'] = df['text'].str.replace('[^a-zA-Z ]', '')"),
            files={"requirements.txt": "pandas\n"},
            expect=((2, 1),),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        entries, names = ctx.catalog.derived("removed_apis", _catalogue)
        if not entries:
            return
        # (`_along` again: the use another's stands on may be suppressed)
        uses = _along([u for u in _uses(ctx, entries) if not is_suppressed(u.ca.cell, u.line, u.line, self.code)])
        if uses:
            # A method only an opt-in switch of `__init__` runs, which no call of the class turns on
            # (`if run_default_script: self.main_script()`, default False): no run of the notebook reaches
            # its removed import (fair check 42, item 24).
            off = switched_off_method_lines(ctx.facts)
            uses = [u for u in uses if u.line not in off.get(u.ca.cell.index, frozenset())] if off else uses
        if uses:
            from packaging.version import InvalidVersion, Version
        # One release spelled two ways in the catalogue (keras `2.13` and `2.13.0`) is one release: the shortest
        # spelling names it (fair check 32, items 35, 41: "removed in keras 2.13 (…) and 2.13.0 (…)").
        spelling: dict[tuple[str, object], str] = {}
        for use in uses:
            try:
                release: object = Version(use.entry.removed_in)
            except InvalidVersion:
                release = use.entry.removed_in
            known = spelling.setdefault((use.entry.distribution, release), use.entry.removed_in)
            if len(use.entry.removed_in) < len(known):
                spelling[(use.entry.distribution, release)] = use.entry.removed_in
        groups: dict[tuple[str, str], list[_Use]] = {}
        for use in uses:
            try:
                release = Version(use.entry.removed_in)
            except InvalidVersion:
                release = use.entry.removed_in
            groups.setdefault((use.entry.distribution, spelling[(use.entry.distribution, release)]), []).append(use)
        # The findings each release's removals would give, by distribution: folded below into one.
        found: dict[str, list[_Finding]] = {}
        for (distribution, removed_in), group in groups.items():
            try:
                removed = Version(removed_in)
            except InvalidVersion:
                continue
            if _python_rules_out(ctx, ctx.catalog.section("removed_apis").get("first_python", {}).get(distribution, {}).get(removed_in)):
                continue  # the project's Python cannot install the release without the API
            steps = ctx.catalog.section("removed_apis").get("alias_releases", {}).get(distribution)
            alias_removed = _alias_removal(steps, removed)
            declarations = _declarations(ctx, names.get(distribution, frozenset({normalise(distribution)})), removed,
                                         normalise(distribution), alias_removed)
            kinds = {d.kind for d in declarations}
            if kinds & {"old", "unknown"}:
                continue  # a constraint keeps a release with the API (or one we cannot read)
            # A removed value shows the value the notebook passed (`matplotlib.pyplot.style.use('seaborn')`).
            apis = list(dict.fromkeys(u.shown if u.entry.values else _api(u) for u in group))
            # (an entry's `said` is written as the message says it, quotes included)
            said = list(dict.fromkeys(u.entry.said if u.entry.said and not u.entry.values else
                                      f"`{u.shown if u.entry.values else _api(u)}`" for u in group))
            passed = _passed_fixes(ctx, {u.entry for u in group})
            # Uses with one replacement are named together (`green_df.append()`, `yellow_df.append()` → `pd.concat(…)`):
            # as the notebook calls them, up to three calls on dotted receivers; else by the API's name.
            # A removed indexer read alike at every use (`df.ix[:, 0:4]`, `df.ix[:, 4]`: positions) is given the one
            # replacement that does what it did; read both ways, or unknown, both (fair check 36, item 39).
            readings = {e: {u.indexed for u in group if u.entry is e} for e in {u.entry for u in group if u.entry.indexer}}
            replaced: dict[str, list[_Use]] = {}
            for u in group:
                if u.entry.replacement:
                    reading = next(iter(readings[u.entry])) if u.entry.indexer and len(readings[u.entry]) == 1 else ""
                    replaced.setdefault(_replacement(u, reading) + (f" {passed[u.entry]}" if u.entry in passed else ""), []).append(u)
            replacements = []
            for replacement, users in replaced.items():
                calls = all(u.receiver for u in users) and len({_shown_use(u) for u in users}) <= 3
                shown = dict.fromkeys(f"`{_shown_use(u, calls)}`" for u in users)
                replacements.append(f"{', '.join(shown)} → {replacement}")
            verb, it = ("was", "it") if len(said) == 1 and " and " not in said[0] else ("were", "them")
            notes = list(dict.fromkeys(u.entry.note for u in group if u.entry.note))
            # (a changed default, `regex=True` of `Series.str.replace`, was changed, not removed, by the release)
            changed = "changed" if all(u.entry.default_changed for u in group) else "removed"
            head = f"{_said(said)} {verb} {changed} in {distribution} {removed_in}" + (f" ({'; '.join(notes)})" if notes else "")
            severity = None
            if "new" in kinds or "colab-tf1" in kinds:
                severity = Severity.ERROR
            if "new" in kinds:
                d = next(d for d in declarations if d.kind == "new")
                # (a removal the release only warns about, `lr=` in keras 2.13, does not fail: it changes the run)
                state = (f"`{d.text}` ({d.where}) admits only releases without {it}: "
                         + ("on a clean install the notebook does not run as written" if notes else "the notebook fails on a clean install"))
            elif "colab-tf1" in kinds:
                d = next(d for d in declarations if d.kind == "colab-tf1")
                state = (
                    f"`{d.text}` asks for TensorFlow 1, which Colab refuses since August 2022 (\"Tensorflow 1 is "
                    "unsupported in Colab\") and other kernels do not know: a fresh environment has TensorFlow 2"
                )
            elif "mixed" in kinds:
                d = next(d for d in declarations if d.kind == "mixed")
                if d.where == _TF_MAGIC_WHERE:
                    # Not a pip request: the magic selects TensorFlow 2, whose newest release a fresh environment has.
                    brings = (f" (TensorFlow {alias_removed.base_version} and later install {distribution} {removed_in})"
                              if d.alias and alias_removed is not None else "")
                    state = f"`{d.text}` selects TensorFlow 2, and a fresh environment has its newest release{brings}, which lacks {it}"
                else:
                    state = f"`{d.text}` ({d.where}) lets pip install the newest release, which lacks {it}"
            elif "fallback" in kinds:
                d = next(d for d in declarations if d.kind == "fallback")
                state = (f"`{d.text}` ({d.where}) runs only where the import fails: a kernel that has {distribution} "
                         f"already (a hosted runtime preinstalls it) keeps its own release, which may lack {it}")
            elif declarations:
                d = declarations[0]
                state = f"`{d.text}` ({d.where}) has no version: a fresh install takes the newest release, which lacks {it}"
            else:
                state = f"{distribution} is not declared in any manifest: a fresh install takes the newest release, which lacks {it}"
            found.setdefault(distribution, []).append(
                _Finding(removed_in, removed, group, said, apis, replacements, f"{head}; {state}", severity))
        order = {id(u): i for i, u in enumerate(uses)}  # (`_uses` gives them in the notebook's order)
        for distribution, releases in found.items():
            # One finding per notebook and distribution (issue 11: one per root cause). Removals of
            # several releases (TensorFlow 0.x code: `tf.mul`, gone in 1.0, beside `tf.Session`, gone
            # in 2.0) are one cause, code written for a release older than all of them, and one pin
            # settles it, below the oldest: `tensorflow<2.0` alone still lacks `tf.mul` (fair check
            # 30, items 17, 23, 25, 27, 29, 32: sjchoi86/Tensorflow-101 got a <1.0 and a <2.0 finding). The oldest
            # release's finding stands, at its first use; the later releases' APIs are named in its
            # message and fix, their uses related locations (as several uses of one release are).
            releases.sort(key=lambda f: f.version)
            lowest, later = releases[0], releases[1:]
            first = lowest.group[0]
            also = [f"{f.removed_in} ({_said(f.said)})" for f in later]
            message = lowest.message + (
                f"; it also uses APIs removed in {distribution} {', '.join(also[:-1]) + ' and ' if also[:-1] else ''}{also[-1]}: "
                f"no release from {lowest.removed_in} on has them all" if later else "")
            replacements = list(dict.fromkeys(r for f in releases for r in f.replacements))
            severity = Severity.ERROR if any(f.severity is Severity.ERROR for f in releases) else lowest.severity
            # (not the first use's own place again: one import of two removed names is two uses there;
            # in the notebook's order, the later releases' uses among the oldest's)
            others = sorted((*lowest.group[1:], *(u for f in later for u in f.group)), key=lambda u: order[id(u)])
            related = tuple(dict.fromkeys(
                (u.ca.cell, u.line, u.column) for u in others if (u.ca, u.line, u.column) != (first.ca, first.line, first.column)
            ))
            # (Only what the catalogue knows is said: every release from the oldest removal on lacks an
            # API the notebook uses; when the later-removed APIs first appeared, it does not know.)
            # (fair check 32, items 35, 41: "(a pin below 2.13, 2.13.0 alone …)" read garbled)
            keeps = (f" (not {' or '.join(f'`{distribution}<{f.removed_in}`' for f in later)} alone: "
                     f"{'that' if len(later) == 1 else 'each'} still lacks the {lowest.removed_in} removals)" if later else "")
            # The requirement that keeps the oldest release's APIs: the bound on the distribution, or an entry's own
            # `pin` where that bound cannot (`tf.keras` is the Keras TensorFlow requires: `tensorflow<2.11`, fair
            # check 36, item 34).
            # A notebook that reaches Keras only through TensorFlow (`tf.keras…`, `from tensorflow.keras import …`, no
            # `import keras`): TensorFlow 2.16 and later require Keras 3, so `keras<3.0.0` beside an unpinned tensorflow
            # keeps nothing; `tensorflow<2.16` keeps the old API (fair check 51, item 40, as item 34 of fair check 36).
            through_tf = distribution == "keras" and lowest.removed_in == "3.0.0" and _keras_only_through_tensorflow(ctx)
            default = "tensorflow<2.16" if through_tf else f"{distribution}<{lowest.removed_in}"
            pins = list(dict.fromkeys(u.entry.pin or default for u in lowest.group))
            whys = list(dict.fromkeys(u.entry.pin_why for u in lowest.group if u.entry.pin and u.entry.pin_why))
            if through_tf and any(p.startswith("tensorflow<") and p != default for p in pins):
                pins = [p for p in pins if p != default]  # (`tensorflow<2.11` already keeps Keras 2)
            elif through_tf and any(not u.entry.pin for u in lowest.group):
                whys.append("the notebook uses Keras through TensorFlow, and TensorFlow 2.16 and later install Keras 3")
            pin = " and ".join(f"`{p}`" for p in pins) + (f" ({'; '.join(whys)})" if whys else "")
            yield Hit(
                first.ca.cell,
                first.line,
                first.column,
                message,
                fix=("Use " + "; ".join(replacements) if replacements else "Use the replacement API")
                + ("" if any(u.entry.unpinnable for f in releases for u in f.group)
                   else f", or pin {pin}{keeps} if the notebook must keep the old API"),
                key=f"{distribution}<{lowest.removed_in}",
                related=related,
                data=(("distribution", distribution), ("removed_in", lowest.removed_in),
                      ("apis", ",".join(dict.fromkeys(a for f in releases for a in f.apis))))
                + ((("also_removed_in", ",".join(f.removed_in for f in later)),) if later else ()),
                severity=severity,
            )
