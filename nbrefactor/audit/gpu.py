"""Which cells need an accelerator, and why: the input of the compiler's kfp stage, which sets
accelerator type/limit, node selector and tolerations on the steps that hold those cells.

The indicators are data (`rules/gpu.toml`): CUDA calls, `.cuda()`, `.to(<cuda device>)`,
GPU-asking keywords (`device="cuda"`, `tree_method="gpu_hist"`, `task_type="GPU"`…), GPU
libraries (RAPIDS, CuPy), `%load_ext cudf.pandas`, and Keras training in a TensorFlow notebook.
Checks such as `torch.cuda.is_available()` are not needs: code uses them to fall back to the CPU.

A need belongs to the cell that *runs* the code, because that cell's step is the one scheduled
on a GPU node:
- code inside a module-level function or class runs where that function is first called (or
  passed by name, as a callback), transitively through other functions; the calling cells get the
  need. A function with a need that nothing calls keeps it in the cell defining it, so it is not lost.
- an object set up for the GPU (`model = Net().cuda()`, `clf = XGBClassifier(device="cuda")`,
  `model.to(device)`) needs it where it is used later: called (`model(x)`), trained or evaluated
  (`clf.fit(…)`), or passed to training (`trainer.fit(model)`), until the name is rebound.
  This is followed at module level only.
- GPU-only string literals (`{"tree_method": "gpu_hist"}`) and imports of GPU libraries mark the
  cell they are written in: a parameter dictionary is usually built where it is used.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from nbrefactor.audit.analysis import (
    ArgFact, CallFact, CellAnalysis, NotebookFacts, cell_python_tree, dead_branch_lines, index_single_assignments,
)
from nbrefactor.audit.facts import dotted_name, nodes_of
from nbrefactor.audit.catalog import Catalog
from nbrefactor.audit.patterns import lowered, matches_any

Position = tuple[int, int, int]  # (cell index, line, column)


@dataclass(frozen=True)
class GpuIndicator:
    """A sign that the notebook needs a GPU, and where."""

    cell: int  # 1-based index among all cells, as in reports
    line: int  # 1-based line inside the cell
    reason: str


# --- the catalogue ---------------------------------------------------------------------------------


def _fixes(data: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """(reason, fix) of every entry of every table that has both (`[[keyword]]` lists and single
    tables such as `[to_device]`); the first fix of a reason wins."""
    found: dict[str, str] = {}
    for table in data.values():
        for entry in table if isinstance(table, list) else [table]:
            if isinstance(entry, dict) and entry.get("fix") and entry.get("reason"):
                found.setdefault(str(entry["reason"]), str(entry["fix"]))
    return tuple(found.items())


def _list(entry: Mapping[str, Any], single: str, plural: str) -> tuple[str, ...]:
    values = list(entry.get(plural, []))
    if single in entry:
        values.append(entry[single])
    return tuple(values)


def _match(value: str, patterns: Iterable[str]) -> bool:
    return matches_any(value.lower(), lowered(patterns if isinstance(patterns, tuple) else tuple(patterns)))


@dataclass(frozen=True)
class _Entry:
    """One catalogue entry of GPU indicators."""

    names: tuple[str, ...]  # calls, methods, keyword (one), modules, extension (one)
    values: tuple[str, ...]
    reason: str
    not_calls: tuple[str, ...] = ()  # a keyword entry: calls it does not apply to (`autocast(device_type=)`)
    only_calls: tuple[str, ...] = ()  # a keyword entry: the only calls it applies to (`pipeline(device=0)`)
    # a keyword entry: calls that fall back to the CPU where there is no GPU (XGBoost's
    # `device="cuda"` warns and trains on the CPU): GPU code for the compiler, no GPU001 requirement
    fallback_calls: tuple[str, ...] = ()


@dataclass(frozen=True)
class GpuCatalog:
    """The catalogue's GPU indicators, read once per catalogue."""

    calls: tuple[_Entry, ...]
    methods: tuple[_Entry, ...]
    to_methods: tuple[str, ...]
    to_reason: str
    device_values: tuple[str, ...]
    keywords: tuple[_Entry, ...]
    device_calls: tuple[_Entry, ...]
    strings: tuple[_Entry, ...]
    modules: tuple[_Entry, ...]
    extensions: tuple[tuple[str, tuple[str, ...], str], ...]  # (extension, accelerated modules, reason)
    keras_imports: tuple[str, ...]
    keras_methods: tuple[str, ...]
    keras_not_models: tuple[str, ...]
    keras_reason: str
    object_uses: tuple[str, ...]
    shell_patterns: tuple[tuple[Any, str], ...] = ()  # (compiled regex, reason) for `!` lines and %%bash bodies
    fallback_checks: tuple[str, ...] = ()  # calls that test for a GPU, so code can fall back to the CPU
    # `[device_lists]`: calls placing data on each device of a list argument (`nn.parallel.scatter(x, devices)`)
    device_list_calls: tuple[str, ...] = ()
    # Flags of `[[call]]` entries, by reason: `indexed` (a need only when the result is indexed:
    # `GPUtil.getGPUs()[0]`), `once` (one GPU001 per notebook, the repeats related; `[[module]]`
    # entries take it too), `try_fallback`
    # (a `try:`/`if` block around the call is the fallback: TPU set-up falling back to the CPU).
    indexed_reasons: tuple[str, ...] = ()
    once_reasons: tuple[str, ...] = ()
    try_fallback_reasons: tuple[str, ...] = ()
    # `[[launcher]]`: calls whose `args` carry a GPU-only setting to the function they launch
    # (`notebook_launcher(training_loop, ("fp16", 42))`).
    launchers: tuple[_Entry, ...] = ()
    # such a check asserted (`assert torch.cuda.is_available()`) or raising when it fails: no CPU path
    required_reason: str = "stops when no GPU is present (it asserts a GPU check)"
    # `[[dict_key]]`: a keyword whose literal dict asks for a GPU by one of its keys
    # (AutoGluon's `fit(…, ag_args_fit={"num_gpus": 1})`); names are (keyword, key).
    dict_keys: tuple[_Entry, ...] = ()
    # (reason, fix) for entries whose library has its own way to run without a GPU (`fix` in
    # rules/gpu.toml: XGBoost's `device`, CatBoost's `task_type`, Lightning's `accelerator="auto"`);
    # GPU001 gives PyTorch's device choice for the others.
    fixes: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> GpuCatalog:
        data = catalog.section("gpu")
        to = data.get("to_device", {})
        keras = data.get("keras_fit", {})
        return cls(
            calls=tuple(_Entry(_list(e, "call", "calls"), (), e.get("reason", "calls the CUDA runtime")) for e in data.get("call", [])),
            methods=tuple(_Entry(_list(e, "method", "methods"), (), e.get("reason", "uses the GPU")) for e in data.get("method", [])),
            to_methods=tuple(to.get("methods", [])),
            to_reason=to.get("reason", "moves data to the GPU"),
            device_values=tuple(data.get("devices", {}).get("values", [])),
            keywords=tuple(
                _Entry((e["keyword"],), tuple(e.get("values", [])), e.get("reason", "asks for a GPU"), tuple(e.get("not_calls", [])),
                       tuple(e.get("calls", [])), tuple(e.get("fallback_calls", [])))
                for e in data.get("keyword", [])
            ),
            device_calls=tuple(_Entry(_list(e, "call", "calls"), tuple(e.get("values", [])), e.get("reason", "uses a GPU device")) for e in data.get("device_call", [])),
            strings=tuple(_Entry((), tuple(e.get("values", [])), e.get("reason", "configures the GPU")) for e in data.get("string", [])),
            modules=tuple(_Entry(_list(e, "module", "modules"), (), e.get("reason", "uses a GPU library")) for e in data.get("module", [])),
            extensions=tuple(
                (e["extension"], tuple(e.get("accelerates", [])), e.get("reason", "loads a GPU extension"))
                for e in data.get("accelerator_extension", [])
            ),
            keras_imports=tuple(keras.get("requires_imports", [])),
            keras_methods=tuple(keras.get("methods", [])),
            keras_not_models=tuple(keras.get("not_models", [])),
            keras_reason=keras.get("reason", "trains a Keras model"),
            object_uses=tuple(data.get("objects", {}).get("uses", [])),
            shell_patterns=tuple(
                (re.compile(str(e["regex"])), str(e.get("reason", "asks for a GPU on the command line")))
                for e in data.get("shell", [])
            ),
            fallback_checks=tuple(data.get("fallback", {}).get("calls", [])),
            device_list_calls=tuple(data.get("device_lists", {}).get("calls", [])),
            indexed_reasons=tuple(e.get("reason", "") for e in data.get("call", []) if e.get("indexed")),
            once_reasons=tuple(e.get("reason", default) for table, default in (("call", ""), ("module", "uses a GPU library"))
                               for e in data.get(table, []) if e.get("once")),
            try_fallback_reasons=tuple(e.get("reason", "") for e in data.get("call", []) if e.get("try_fallback")),
            launchers=tuple(_Entry(_list(e, "call", "calls"), tuple(e.get("values", [])), e.get("reason", "launches GPU code"))
                            for e in data.get("launcher", [])),
            required_reason=str(data.get("fallback", {}).get("required_reason", "stops when no GPU is present (it asserts a GPU check)")),
            dict_keys=tuple(_Entry((str(e["keyword"]), str(e["key"])), tuple(str(v) for v in e.get("values", [])),
                                   e.get("reason", "asks for a GPU"))
                            for e in data.get("dict_key", [])),
            fixes=_fixes(data),
        )

    def fix_for(self, reason: str) -> str | None:
        """The catalogued fix of the entry that gave `reason`, if it has one."""
        return next((fix for r, fix in self.fixes if r == reason), None)

    def module_reason(self, qualified: str) -> str | None:
        for entry in self.modules:
            for module in entry.names:
                if qualified == module or qualified.startswith(module + "."):
                    return entry.reason
        return None


# --- helpers ------------------------------------------------------------------------------------------------


def _text(arg: ArgFact) -> str | None:
    if arg.constant == "None":
        return None
    for value in (arg.string, arg.number, arg.constant, arg.name):
        if value is not None:
            return value
    return None


def _is_attribute_call(call: CallFact) -> bool:
    return bool(call.method) and not (call.receiver == "" and call.func == call.method)


def _qualified(facts: NotebookFacts, call: CallFact) -> str:
    if not call.func or call.func.split(".")[0] not in facts.aliases:
        return ""
    return facts.resolve(call.func)


def _device_names(facts: NotebookFacts, gc: GpuCatalog) -> frozenset[str]:
    """Module-level names assigned on a line that holds a CUDA device literal."""
    names = set()
    for ca in facts.cells:
        cuda_lines = {s.line for s in ca.facts.strings if _is_device_value(gc, s.value)}
        names |= {d.name for d in ca.facts.defined if d.line in cuda_lines}
    return frozenset(names)


@dataclass(frozen=True)
class _NamedEntries:
    """What of the catalogue a call's qualified name alone decides (`_Finder.direct` asked it of
    every call, ~15,000 on fair-check 8, each a pattern match per entry): the entries whose names
    match it, in catalogue order, and the keyword entries its `not_calls`/`calls` leave in force."""

    fallback: bool
    calls: tuple[_Entry, ...]
    launchers: tuple[_Entry, ...]
    device_calls: tuple[_Entry, ...]
    module: str | None
    keywords: tuple[_Entry, ...]
    # `keywords` minus the entries whose `fallback_calls` hold the call: what GPU001 requires
    required_keywords: tuple[_Entry, ...] = ()


def _named_entries(gc: GpuCatalog, qualified: str) -> _NamedEntries:
    """`_NamedEntries` of `qualified` ("" for a call not through an import), remembered per
    catalogue (a `GpuCatalog` is built once per catalogue and immutable) and name."""
    if _NAMED[0] is not gc or len(_NAMED[1]) >= 4096:
        _NAMED[:] = [gc, {}]
    memo = _NAMED[1]
    found = memo.get(qualified)
    if found is None:
        keywords = tuple(
            e for e in gc.keywords
            if not (e.not_calls and qualified and _match(qualified, e.not_calls))
            and not (e.only_calls and not (qualified and _match(qualified, e.only_calls)))
        )
        found = memo[qualified] = _NamedEntries(
            fallback=bool(qualified) and _match(qualified, gc.fallback_checks),
            calls=tuple(e for e in gc.calls if qualified and _match(qualified, e.names)),
            launchers=tuple(e for e in gc.launchers if qualified and _match(qualified, e.names)),
            device_calls=tuple(e for e in gc.device_calls if qualified and _match(qualified, e.names)),
            module=gc.module_reason(qualified) if qualified else None,
            keywords=keywords,
            required_keywords=tuple(
                e for e in keywords if not (e.fallback_calls and qualified and _match(qualified, e.fallback_calls))
            ),
        )
    return found


_NAMED: list = [None, {}]  # [the catalogue, {qualified name: _NamedEntries}]


def _is_device_value(gc: GpuCatalog, value: str) -> bool:
    """`_match(value, gc.device_values)`, remembered per catalogue and string (every string of every
    cell was matched three times per notebook: the device names, GPU001's CUDA lines, the
    definitions)."""
    return _per_string(gc, 1, value, lambda: _match(value, gc.device_values))


def _string_reasons(gc: GpuCatalog, value: str) -> tuple[str, ...]:
    """The reasons of the `gc.strings` entries `value` matches, in catalogue order, remembered per
    catalogue and string (each string was matched against every entry)."""
    return _per_string(gc, 2, value, lambda: tuple(entry.reason for entry in gc.strings if _match(value, entry.values)))


def _per_string(gc: GpuCatalog, slot: int, value: str, compute: Callable[[], Any]) -> Any:
    """`_VALUES[slot]`'s answer for `value`, computed once per catalogue (both memos start afresh for
    another catalogue, or when one holds 4,096 strings: memory stays flat)."""
    if _VALUES[0] is not gc or len(_VALUES[slot]) >= 4096:
        _VALUES[:] = [gc, {}, {}]
    memo = _VALUES[slot]
    found = memo.get(value)
    if found is None:
        found = memo[value] = compute()
    return found


def _method_reasons(gc: GpuCatalog) -> dict[str, str]:
    """{method name: the reason of the first `gc.methods` entry naming it}, made once per catalogue
    (`_Finder.direct` scanned every entry for every attribute call)."""
    if _METHODS[0] is not gc:
        reasons: dict[str, str] = {}
        for entry in gc.methods:
            for name in entry.names:
                reasons.setdefault(name, entry.reason)
        _METHODS[:] = [gc, reasons]
    return _METHODS[1]


_METHODS: list = [None, {}]  # [the catalogue, {method: reason}]


_VALUES: list = [None, {}, {}]  # [the catalogue, {string: a device value?}, {string: its string entries' reasons}]


class _Finder:
    def __init__(self, facts: NotebookFacts, gc: GpuCatalog):
        self.facts = facts
        self.gc = gc
        self.devices = _device_names(facts, gc)
        self.imported = {imp.top_level for _, imp in facts.imports}
        self.keras = any(m in self.imported for m in gc.keras_imports)

    def _is_device(self, arg: ArgFact) -> bool:
        if arg.name is not None:
            return arg.name in self.devices
        return arg.string is not None and _is_device_value(self.gc, arg.string)

    def direct(self, ca: CellAnalysis, call: CallFact, required: bool = False) -> str | None:
        """The reason this call needs a GPU by itself, or None; `required`: only what fails
        without a GPU (not a keyword the call falls back to the CPU from)."""
        gc = self.gc
        qualified = _qualified(self.facts, call)
        named = _named_entries(gc, qualified)
        if named.fallback and requires_gpu(ca, call.line):
            return gc.required_reason
        if qualified:
            for entry in named.calls:
                if entry.reason in gc.indexed_reasons and not self._result_indexed(ca, call):
                    continue
                return entry.reason
            for entry in named.launchers:
                if self._launches_with(ca, call, entry.values):
                    return entry.reason
            for entry in named.device_calls:
                first = call.arg(0, ("device_name", "name"))
                if first is not None and first.string and _match(first.string, entry.values):
                    return entry.reason
            if named.module is not None:
                return named.module
        if _is_attribute_call(call):
            reason = _method_reasons(gc).get(call.method)
            if reason is not None:
                return reason
            if call.method in gc.to_methods and self._moves_to_cuda(ca, call):
                return gc.to_reason
        # (an entry below asks for a keyword the call passes: most calls pass none of them)
        words = {a.keyword for a in call.args if a.keyword is not None}
        if not words:
            return None
        for entry in named.required_keywords if required else named.keywords:
            keyword = entry.names[0]
            if keyword not in words:
                continue
            for arg in call.args:
                if arg.keyword != keyword:
                    continue
                if keyword == "device" and arg.name is not None and arg.name in self.devices:
                    return entry.reason
                value = _text(arg)
                if value is None:
                    continue
                if arg.name is not None:
                    # A bare name's value is unknown: only "any value" entries (`gpu_id=`) match it.
                    if entry.values == ("*",):
                        return entry.reason
                elif _match(value, entry.values):
                    return entry.reason
        for entry in gc.dict_keys:
            if entry.names[0] in words and self._dict_key_asks(ca, call, entry):
                return entry.reason
        return None

    def _dict_key_asks(self, ca: CellAnalysis, call: CallFact, entry: _Entry) -> bool:
        """Does the call's `entry.names[0]=` keyword get a literal dict whose `entry.names[1]` key
        holds a literal matching the entry's values (`ag_args_fit={"num_gpus": 1}`)?"""
        tree = cell_python_tree(ca)
        if tree is None:
            return False
        keyword, key = entry.names
        for node in nodes_of(tree, ast.Call):
            if not isinstance(node, ast.Call) or node.lineno != call.line:
                continue
            for kw in node.keywords:
                if kw.arg != keyword or not isinstance(kw.value, ast.Dict):
                    continue
                for k, v in zip(kw.value.keys, kw.value.values):
                    if (isinstance(k, ast.Constant) and k.value == key and isinstance(v, ast.Constant)
                            and not isinstance(v.value, bool) and _match(str(v.value), entry.values)):
                        return True
        return False

    def _moves_to_cuda(self, ca: CellAnalysis, call: CallFact) -> bool:
        first = call.arg(0, ("device",))
        if first is None:
            return False
        if self._is_device(first):
            return True
        if _text(first) is None:
            # `.to(torch.device("cuda"))`: the device is built inside the argument.
            for inner in ca.facts.calls:
                if (
                    inner.line == call.line and inner.column > call.column and inner is not call
                    and _qualified(self.facts, inner) == "torch.device"
                    and any(a.string and _match(a.string, self.gc.device_values) for a in inner.args)
                ):
                    return True
        return False

    def _result_indexed(self, ca: CellAnalysis, call: CallFact) -> bool:
        """`GPUtil.getGPUs()[0]`, or `gpus = GPUtil.getGPUs()` then `gpus[0]` at module level below:
        the first GPU is taken as if there always were one."""
        lines = ca.lines
        text = lines[call.line - 1] if 0 < call.line <= len(lines) else ""
        if re.search(re.escape(call.method) + r"\([^()]*\)\s*\[", text):
            return True
        bound = re.match(r"\s*([A-Za-z_]\w*)\s*=\s*[\w.]*" + re.escape(call.method) + r"\(", text)
        if not bound:
            return False
        used = re.compile(r"\b" + re.escape(bound.group(1)) + r"\s*\[")
        for other in self.facts.cells:
            if other.cell.index < ca.cell.index:
                continue
            start = call.line if other.cell.index == ca.cell.index else 0
            if any(used.search(line.split("#", 1)[0]) for line in other.lines[start:]):
                return True
        return False

    def _launches_with(self, ca: CellAnalysis, call: CallFact, values: tuple[str, ...]) -> bool:
        """The launched function's `args` hold one of `values` as a string literal: written in the
        call, or in the tuple a name is bound to above (`args = ("fp16", 42, 64)`)."""
        arg = call.arg(1, ("args",))
        if arg is None:
            return False
        if arg.string is not None:
            return _match(arg.string, values)
        texts: list[str] = []
        if arg.name is not None:
            for other in self.facts.cells:
                if other.cell.index > ca.cell.index:
                    break
                texts += [other.lines[d.line - 1] for d in other.facts.defined
                          if d.name == arg.name and 0 < d.line <= len(other.lines)
                          and (other.cell.index, d.line) < (ca.cell.index, call.line)][-1:]
            texts = texts[-1:]
        else:
            texts = ca.lines[call.line - 1: call.end_line]
        quoted = re.compile(r"""["']([^"'\\]+)["']""")
        return any(_match(m.group(1), values) for text in texts for m in quoted.finditer(text.split("#", 1)[0]))

    def keras_fit(self, call: CallFact) -> bool:
        return self.keras and _is_attribute_call(call) and call.method in self.gc.keras_methods and call.receiver != ""


# --- the analysis ------------------------------------------------------------------------------------------


@dataclass
class _Binding:
    """A name's binding: where, whether the object is on the GPU, and what made it."""

    at: Position
    gpu: str | None  # why the object is on the GPU, or None
    origins: tuple[str, ...]  # qualified callees on the binding line


def gpu_indicators(facts: NotebookFacts, catalog: Catalog) -> tuple[GpuIndicator, ...]:
    gc = catalog.derived("gpu", GpuCatalog.from_catalog)  # once per catalogue (immutable)
    finder = _Finder(facts, gc)
    found: list[GpuIndicator] = []
    top_level = {ref.name for ca in facts.cells for ref in (*ca.facts.functions, *ca.facts.classes)}

    def mentions(call: CallFact) -> list[str]:
        names = [a.name for a in call.args if a.name in top_level]
        if call.func in top_level:
            names.insert(0, call.func)
        return names

    # Needs of functions: their own indicators, then those of the functions they call.
    fn_need: dict[str, tuple[str, int, int]] = {}  # function → (reason, cell, line) of one indicator
    own_sites: dict[str, list[GpuIndicator]] = {}
    edges: list[tuple[str, str]] = []
    for ca in facts.cells:
        for call in ca.facts.calls:
            if not (call.in_function and call.owner):
                continue
            reason = finder.direct(ca, call) or (gc.keras_reason if finder.keras_fit(call) else None)
            if reason is not None:
                fn_need.setdefault(call.owner, (reason, ca.cell.index, call.line))
                own_sites.setdefault(call.owner, []).append(GpuIndicator(ca.cell.index, call.line, reason))
            edges.extend((call.owner, name) for name in mentions(call) if name != call.owner)
    function_lines = {(site.cell, site.line) for sites in own_sites.values() for site in sites}
    changed = True
    while changed:
        changed = False
        for caller, callee in edges:
            if callee in fn_need and caller not in fn_need:
                fn_need[caller] = fn_need[callee]
                changed = True

    bindings: dict[str, _Binding] = {}
    ran: set[str] = set()
    for ca in facts.cells:
        index = ca.cell.index
        module_calls = sorted((c for c in ca.facts.calls if not (c.in_function and c.owner)), key=lambda c: (c.line, c.column))
        flagged_lines: dict[int, str] = {}
        by_line: dict[int, list[CallFact]] = {}
        for call in module_calls:
            by_line.setdefault(call.line, []).append(call)
        defined_lines = {d.line for d in ca.facts.defined}
        for line in sorted(set(by_line) | defined_lines):
            for call in by_line.get(line, []):
                reason = _module_reason(finder, gc, ca, call, fn_need, bindings, mentions, ran)
                if reason is not None:
                    found.append(GpuIndicator(index, call.line, reason))
                    flagged_lines.setdefault(call.line, reason)
                    if call.method in (*gc.to_methods, *(n for e in gc.methods for n in e.names)) and call.receiver.isidentifier():
                        bindings[call.receiver] = _Binding((index, call.line, call.column), reason, ())
            origins = tuple(q for q in (_qualified(facts, c) for c in by_line.get(line, [])) if q)
            for ref in ca.facts.defined:
                if ref.line == line:
                    bindings[ref.name] = _Binding((index, ref.line, ref.column), flagged_lines.get(line), origins)
        for imp in ca.facts.imports:
            reason = gc.module_reason(imp.module) or gc.module_reason(imp.qualified if imp.bound != "*" else imp.module)
            if reason is not None:
                found.append(GpuIndicator(index, imp.line, reason))
        for string in ca.facts.strings:
            if string.line in flagged_lines or (index, string.line) in function_lines:
                continue  # `XGBClassifier(tree_method="gpu_hist")`: the call already says so
            for reason in _string_reasons(gc, string.value):
                found.append(GpuIndicator(index, string.line, reason))
    # Functions called by functions that run, run too. Those with a need that never run keep it
    # where they are written, so it is not lost.
    changed = True
    while changed:
        changed = False
        for caller, callee in edges:
            if caller in ran and callee not in ran:
                ran.add(callee)
                changed = True
    for name, sites in own_sites.items():
        if name not in ran:
            found.extend(sites)
    found.extend(_extension_needs(facts, gc))
    found.extend(_shell_needs(facts, gc))
    unique = sorted(set(found), key=lambda i: (i.cell, i.line, i.reason))
    return tuple(unique)


_SHELL_CELL_MAGICS = frozenset({"bash", "sh", "script", "system"})


def _shell_needs(facts: NotebookFacts, gc: GpuCatalog) -> list[GpuIndicator]:
    """`!python train.py --device 0`, `!yolo train device=0`: a GPU asked for on a command line."""
    out: list[GpuIndicator] = []
    for ca in facts.cells:
        lines: list[tuple[int, str]] = [(m.line, m.args) for m in ca.magics if m.kind == "shell"]
        if ca.masked.cell_magic in _SHELL_CELL_MAGICS:
            lines += [(n, text) for n, text in enumerate(ca.lines, start=1) if n > 1]
        for number, text in lines:
            for pattern, reason in gc.shell_patterns:
                if pattern.search(text):
                    out.append(GpuIndicator(ca.cell.index, number, reason))
                    break
    return out


# --- hard requirements: the audit's view (GPU001) -----------------------------------------------------------


@dataclass(frozen=True)
class GpuRequirement:
    """A line of code that only runs with a GPU present, and no CPU fallback guards it."""

    cell: int
    line: int
    column: int
    reason: str
    # For a device defined as CUDA (`device = torch.device("cuda")`): the requirement sits at the
    # definition, the root cause, and the lines that move things to it are listed here.
    uses: tuple[tuple[int, int, int], ...] = ()


def gpu_requirements(facts: NotebookFacts, catalog: Catalog, import_fallbacks: bool = True) -> tuple[GpuRequirement, ...]:
    """The lines that *are* GPU code (the root causes; the compiler's `gpu_needs` also follows them
    to the cells that use their objects or call their functions), read with the same catalogue and
    finder as `gpu_indicators`, minus what falls back to the CPU: a line holding a GPU check
    (`"cuda" if torch.cuda.is_available() else "cpu"`), a device name defined on such a line, code
    nested under a GPU check (`if torch.cuda.is_available():`), and Keras training (TensorFlow
    uses a GPU only when one is present).

    `import_fallbacks`: a GPU library imported with a CPU library bound to the same name where the
    import fails (`try: import cudf` / `except ImportError: import pandas as cudf`), and the calls
    through that name, fall back too: where the library is not installed (a laptop, a CI runner)
    the notebook runs on the CPU. GPU001 reads the notebook so. The compiler does not
    (`import_fallbacks=False`): the package's requirements install the library, and installed, CuPy
    imports without a GPU and fails at its first array, so the `except ImportError` never runs."""
    gc = catalog.derived("gpu", GpuCatalog.from_catalog)  # once per catalogue (immutable)
    if not _may_require(facts, gc):
        return ()
    finder = _Finder(facts, gc)
    fallback_imports, fallback_names = import_fallback_bindings(facts, gc) if import_fallbacks else (frozenset(), frozenset())
    checks = tuple(gc.fallback_checks)
    # The lines of each cell holding a GPU check, found once (the flags and both passes below read them).
    checked = {ca.cell.index: {c.line for c in ca.facts.calls if _is_check(facts, c, checks, ca)} for ca in facts.cells}
    flags = _check_flags(facts, checked) | _switched_off_flags(facts)
    guarded_devices = set()
    # A device named "cuda" only under a GPU check (`if torch.cuda.is_available(): device = "cuda"`
    # `else: device = "cpu"`) has its fallback: every CUDA definition of it guarded.
    cuda_definitions: dict[str, list[bool]] = {}
    for ca in facts.cells:
        check_lines = checked[ca.cell.index] | _flag_conditional_lines(ca, flags)
        guarded_devices |= {d.name for d in ca.facts.defined if d.line in check_lines}
        cuda_lines = {s.line for s in ca.facts.strings if _is_device_value(gc, s.value)}
        for d in ca.facts.defined:
            if d.name in finder.devices and d.line in cuda_lines:
                cuda_definitions.setdefault(d.name, []).append(_guarded(ca, d.line, check_lines))
    guarded_devices |= {name for name, guarded in cuda_definitions.items() if all(guarded)}
    finder.devices = frozenset(finder.devices - guarded_devices)
    # `train_on_gpu = torch.cuda.is_available()`, then `if train_on_gpu:` guards like the call; so
    # does a flag set so in a function body (`gpu_available = …` then `if gpu_available:` inside
    # `def setup_llm_gpu():`), which `defined` (module-level names) leaves out but `_check_flags`
    # holds (fair check 31, item 74: cuda-flag-guard-in-function-missed).
    guards = guarded_devices | flags
    flag = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(guards)) + r")\b") if guards else None
    found: list[GpuRequirement] = []
    device_uses: dict[str, list[tuple[int, int, int]]] = {}
    device_parameters = _device_parameters(facts, gc) if finder.devices else {}
    for ca in facts.cells:
        check_lines = checked[ca.cell.index] | _flag_conditional_lines(ca, flags)
        if flag is not None:
            check_lines |= {n for n, text in enumerate(ca.lines, start=1) if _opens_block(text) and flag.search(text)}
        # `if inputs.is_cuda: output = output.cuda()`: follows where the input already is, so the
        # body runs only where a GPU is in use (fair check 20, item 53: the anchor of a finding).
        # (the pattern's literal `.is_cuda` first: most lines hold none)
        check_lines |= {n for n, text in enumerate(ca.lines, start=1)
                        if ".is_cuda" in text and _opens_block(text) and _TENSOR_ON_GPU_TEST.match(text)}
        # The string keywords of a call that is a requirement itself (`XGBClassifier(…,
        # tree_method="gpu_hist", predictor="gpu_predictor")` over several lines): the call's
        # finding covers them, not a second one at the literal (fair check 13).
        keyword_strings: set[tuple[int, str]] = set()
        for call in ca.facts.calls:
            reason = finder.direct(ca, call, required=True)
            if reason is None and gc.device_list_calls and not call.in_function and not _guarded(ca, call.line, check_lines) \
                    and (qualified := _qualified(facts, call)) and _match(qualified, gc.device_list_calls):
                # `nn.parallel.scatter(data_, devices)` with `devices = [torch.device('cuda:0'), …]` (at
                # module level: in a function, `devices` may be a parameter of the same name).
                device = next((a.name for a in call.args if a.name in finder.devices and (
                    (a.keyword is None and a.position is not None and a.position > 0) or a.keyword in ("devices", "target_gpus"))), None)
                if device is not None:
                    device_uses.setdefault(device, []).append((ca.cell.index, call.line, call.column))
                continue
            if reason is None and call.func in device_parameters and not _guarded(ca, call.line, check_lines):
                # `get_params(params, gpu0)`, the notebook's own function moving its argument
                # there (`p.to(device)`): a use of the CUDA device, as `.to(gpu0)` is.
                positions, keywords = device_parameters[call.func]
                device = next((a.name for a in call.args if a.name in finder.devices
                               and (a.position in positions if a.keyword is None else a.keyword in keywords)), None)
                if device is not None:
                    device_uses.setdefault(device, []).append((ca.cell.index, call.line, call.column))
                continue
            if reason is None or _guarded(ca, call.line, check_lines):
                continue
            keyword_strings |= {(a.line, a.string) for a in call.args if a.keyword and a.string is not None}
            if reason in gc.try_fallback_reasons and in_branch(ca, call.line):
                continue
            if call.func.split(".")[0] in fallback_names and reason == _named_entries(gc, _qualified(facts, call)).module:
                continue  # `cudf.read_csv(…)` with `cudf` pandas where cuDF does not import
            device = next(
                (a.name for a in call.args if a.name in finder.devices and (a.position == 0 or a.keyword == "device")),
                None,
            )
            if device is not None:
                device_uses.setdefault(device, []).append((ca.cell.index, call.line, call.column))
                continue
            found.append(GpuRequirement(ca.cell.index, call.line, call.column, reason))
        for imp in ca.facts.imports:
            reason = gc.module_reason(imp.module) or gc.module_reason(imp.qualified if imp.bound != "*" else imp.module)
            if reason is not None and not _guarded(ca, imp.line, check_lines) and (ca.cell.index, imp.line) not in fallback_imports:
                found.append(GpuRequirement(ca.cell.index, imp.line, imp.column, reason))
        flagged = {r.line for r in found if r.cell == ca.cell.index}
        for string in ca.facts.strings:
            if string.line in flagged or _guarded(ca, string.line, check_lines) or (string.line, string.value) in keyword_strings:
                continue
            for reason in _string_reasons(gc, string.value):
                found.append(GpuRequirement(ca.cell.index, string.line, string.column, reason))
    for need in (*_shell_needs(facts, gc), *(n for n in _extension_needs(facts, gc) if "loaded in cell" not in n.reason)):
        found.append(GpuRequirement(need.cell, need.line, 1, need.reason))
    for device, uses in device_uses.items():
        where = _device_definition(facts, gc, device)
        if where is None:
            where = uses[0]
        found.append(GpuRequirement(
            where[0], where[1], where[2],
            f"defines `{device}` as a CUDA device, which {len(uses)} line{'s' if len(uses) > 1 else ''} move{'' if len(uses) > 1 else 's'} tensors or modules to",
            tuple(u for u in uses if u != where),
        ))
    if found and gc.device_calls:
        # `with tf.device("/GPU:0"):` falls back to the CPU unless the notebook turns TensorFlow's
        # soft placement off (`tf_placements_fall_back`): TF2's eager default, and TF1 sessions told
        # `allow_soft_placement=True` (fair check 46, items 60, 61; fair check 30).
        device_reasons = frozenset(e.reason for e in gc.device_calls)
        if any(r.reason in device_reasons for r in found) and tf_placements_fall_back(facts):
            found = [r for r in found if r.reason not in device_reasons]
    if found:
        # A GPU setting probed in a `try:` whose handler returns or assigns a CPU configuration
        # (`except Exception: return {"tree_method": "hist"}, "cpu"`) has its fallback (fair
        # check 44, items 48 and 49: xgboost-gpu-probe-try-except-fallback).
        probed = _cpu_fallback_try_lines(facts, {r.cell for r in found})
        found = [r for r in found if (r.cell, r.line) not in probed]
    if len(found) > 1:
        # The same need on a line that does not run as saved (`if HP_SEARCH:` below `HP_SEARCH = False`) and on one that
        # does: the live line is the requirement, for GPU001's anchor and the pipeline's GPU request alike (fair check
        # 47, item 44: `fp16=True` in the switched-off search, then in the training cell). A need only under such a
        # switch stays: what the notebook does once the reader turns it on (GPU001 says so).
        off = _switched_off_lines(facts)
        if off:
            live = {r.reason for r in found if r.line not in off.get(r.cell, ())}
            found = [r for r in found if r.line not in off.get(r.cell, ()) or r.reason not in live]
    by_line: dict[tuple[int, int], GpuRequirement] = {}
    for r in sorted(found, key=lambda r: (r.cell, r.line, r.column)):
        by_line.setdefault((r.cell, r.line), r)  # one per line: the first reason on it
    return tuple(by_line.values())


# TensorFlow 1's sessions and their configuration (`tf.Session()`, `tf.ConfigProto(…)`), also
# through `tf.compat.v1`: graph code, where a device placement falls back only by the session's config.
TF1_SESSION_CALLS = frozenset(
    f"tensorflow.{prefix}{name}" for prefix in ("", "compat.v1.") for name in ("Session", "InteractiveSession", "ConfigProto")
)


def tf1_session_config(facts: NotebookFacts) -> tuple[bool, bool, bool]:
    """(Does the notebook create a TensorFlow 1 session or session config (`TF1_SESSION_CALLS`)?,
    does it configure them for soft placement, passing `allow_soft_placement=True` to a
    `tf.ConfigProto(…)` or setting `config.allow_soft_placement = True`?, does it turn soft
    placement off, `tf.config.set_soft_device_placement(False)`?) One pass answers all three."""
    sessions = soft = hard = False
    for ca in facts.cells:
        source = ca.cell.source
        may_soft = not soft and "allow_soft_placement" in source
        may_session = not sessions and ("Session" in source or "ConfigProto" in source)
        may_hard = not hard and "set_soft_device_placement" in source
        if not (may_soft or may_session or may_hard):
            continue
        tree = cell_python_tree(ca)
        if tree is None:
            continue
        for node in nodes_of(tree, ast.Call, ast.Assign):
            if isinstance(node, ast.Call):
                called = facts.resolve(dotted_name(node.func))
                if may_hard and called == "tensorflow.config.set_soft_device_placement" and node.args \
                        and isinstance(node.args[0], ast.Constant) and node.args[0].value is False:
                    hard = True
                if called not in TF1_SESSION_CALLS:
                    continue
                sessions = sessions or may_session  # (a cell naming neither is read for soft placement only)
                if may_soft and any(k.arg == "allow_soft_placement" and isinstance(k.value, ast.Constant)
                                    and k.value.value is True for k in node.keywords):
                    soft = True
            elif may_soft and isinstance(node.value, ast.Constant) and node.value.value is True and any(
                isinstance(t, ast.Attribute) and t.attr == "allow_soft_placement" for t in node.targets
            ):
                soft = True
    return sessions, soft, hard


def tf_placements_fall_back(facts: NotebookFacts) -> bool:
    """Does an op pinned to a missing GPU by `tf.device("/GPU:0")` run on the CPU instead? TF2's
    eager context places softly by default (`allow_soft_placement = executing_eagerly()`,
    tensorflow/python/eager/context.py), so do Keras' own sessions, and so do TF1 sessions told
    `allow_soft_placement=True`. Not where the notebook makes TF1 sessions (`tf.Session()`,
    `tf.ConfigProto()`) without soft placement (its default is off: "Cannot assign a device"), nor
    where it calls `tf.config.set_soft_device_placement(False)` (fair check 46, items 60, 61)."""
    sessions, soft, hard = tf1_session_config(facts)
    return not hard and (soft or not sessions)


@dataclass(frozen=True)
class _Screen:
    """What of the catalogue `_may_require` tests a notebook against (`_screen`)."""

    # the first dotted part (lower case) of every qualified-name pattern a call or an import is
    # matched against; None when one of them holds a wildcard there (the screen then never rules out)
    heads: frozenset[str] | None
    words: tuple[str, ...]  # the keyword names and `.method()` names a need may be written with
    keywords: frozenset[str]
    methods: frozenset[str]


def _screen(gc: GpuCatalog) -> _Screen:
    """`_Screen` of the catalogue, made once per catalogue."""
    if _SCREEN[0] is not gc:
        patterns = [
            *(n for e in (*gc.calls, *gc.launchers, *gc.device_calls, *gc.modules) for n in e.names),
            *gc.fallback_checks, *gc.device_list_calls,
        ]
        firsts = {p.partition(".")[0].lower() for p in patterns}
        heads = None if any(_WILDCARD.search(f) or not f for f in firsts) else frozenset(firsts)
        keywords = frozenset({e.names[0] for e in gc.keywords} | {e.names[0] for e in gc.dict_keys})
        methods = frozenset(n for e in gc.methods for n in e.names)
        # (a word holding another is found whenever that one is: only the shortest are searched)
        every = sorted(keywords | methods, key=len)
        words = tuple(w for k, w in enumerate(every) if not any(o in w for o in every[:k]))
        _SCREEN[:] = [gc, _Screen(heads, words, keywords, methods)]
    return _SCREEN[1]


_SCREEN: list = [None, None]  # [the catalogue, its _Screen]
_WILDCARD = re.compile(r"[*?\[]")


def _may_require(facts: NotebookFacts, gc: GpuCatalog) -> bool:
    """False only when `gpu_requirements` finds nothing in the notebook whatever its guards (issue 15,
    thirtieth round): every requirement comes from
    - a call whose qualified name matches a `[[call]]`, `[[launcher]]`, `[[device_call]]`,
      `[[module]]` or `[fallback]` entry (the asserted check), or a `[device_lists]` call: its
      qualified name is an import's alias resolved (`_qualified`), so that alias's first part is
      the pattern's (`heads`; `_match` compares lower case);
    - an import of a `[[module]]` library (`module_reason` of the module or the bound name);
    - a `.cuda()` method (`[[method]]`) or a catalogued keyword (`[[keyword]]`, `[[dict_key]]`) in a
      call: its name is written in the cell's Python (CPython normalises non-ASCII identifiers
      (NFKC), so a non-ASCII cell's calls are read instead of its text);
    - a string literal that is a CUDA device value or a `[[string]]` value (also every device name,
      `.to(<cuda device>)`, and a device passed to the notebook's own function or to
      `nn.parallel.scatter`: all need such a string, and a call's string argument is among its
      cell's strings);
    - a shell line or a loaded extension (`_shell_needs`, `_extension_needs`)."""
    screen = _screen(gc)
    heads = screen.heads
    if heads is None:
        return True
    for target in facts.aliases.values():
        if target.partition(".")[0].lower() in heads:
            return True
    words = screen.words
    strings = _SCREENED_STRINGS if _SCREENED_STRINGS[0] is gc and len(_SCREENED_STRINGS[1]) < 4096 else _screened_strings(gc)
    for ca in facts.cells:
        for imp in ca.facts.imports:
            # (`module_reason` of the module, or of the bound name's qualified name, needs that name's
            # first part to be a module entry's: the module's, or for a relative import the name's)
            if (imp.module or imp.imported or "").partition(".")[0].lower() in heads:
                return True
        python = ca.masked.python
        if python.isascii():
            for word in words:
                if word in python:
                    return True
        else:
            for call in ca.facts.calls:
                if call.method in screen.methods or any(a.keyword in screen.keywords for a in call.args):
                    return True
        for string in ca.facts.strings:
            value = string.value
            found = strings[1].get(value)
            if found is None:
                found = strings[1][value] = _is_device_value(gc, value) or bool(_string_reasons(gc, value))
            if found:
                return True
    return bool(_shell_needs(facts, gc)) or bool(_extension_needs(facts, gc))


def _screened_strings(gc: GpuCatalog) -> list:
    """`_SCREENED_STRINGS` started afresh for `gc` (another catalogue, or 4,096 strings held)."""
    _SCREENED_STRINGS[:] = [gc, {}]
    return _SCREENED_STRINGS


_SCREENED_STRINGS: list = [None, {}]  # [the catalogue, {string: a CUDA device value or a [[string]] value?}]


def _device_parameters(facts: NotebookFacts, gc: GpuCatalog) -> dict[str, tuple[frozenset[int], frozenset[str]]]:
    """The notebook's own module-level functions that move something to a device their caller
    passes, by name: the positions and names of the parameters that reach `.to(p)`, `.cuda(p)` or
    a `device=p` keyword in the body (`def get_params(params, device): return [p.clone().to(device)
    for p in params]`), read directly. A function defined twice, or decorated, is left out (which
    body runs is not known). Fair check 28: d2l's `get_params(params, gpu0)` after `gpu0 =
    torch.device('cuda:0')` was no GPU001."""
    found: dict[str, tuple[frozenset[int], frozenset[str]]] = {}
    seen: set[str] = set()
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        for node in tree.body if tree is not None else ():
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if node.name in seen or node.decorator_list:
                found.pop(node.name, None)
                seen.add(node.name)
                continue
            seen.add(node.name)
            parameters = [*node.args.posonlyargs, *node.args.args]
            names = {a.arg for a in (*parameters, *node.args.kwonlyargs)}
            rebound = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
            reaching: set[str] = set()
            for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
                if isinstance(call.func, ast.Attribute) and call.func.attr in (*gc.to_methods, "cuda") and call.args \
                        and isinstance(call.args[0], ast.Name):
                    reaching.add(call.args[0].id)
                reaching.update(k.value.id for k in call.keywords if k.arg == "device" and isinstance(k.value, ast.Name))
            reaching &= names - rebound
            if reaching:
                found[node.name] = (
                    frozenset(k for k, a in enumerate(parameters) if a.arg in reaching),
                    frozenset(reaching),
                )
    return found


def _check_flags(facts: NotebookFacts, checked: dict[int, set[int]]) -> frozenset[str]:
    """Names and attributes assigned on a line holding a GPU check: `cuda = torch.cuda.is_available()`,
    `args.cuda = not args.no_cuda and torch.cuda.is_available()`. A conditional testing one of them
    chooses between the GPU and a CPU path like the check itself (fair check 18). `checked`: the lines
    of each cell (by index) holding a GPU check (`_is_check`)."""
    flags: set[str] = set()
    for ca in facts.cells:
        check_lines = checked[ca.cell.index]
        if not check_lines:
            continue
        tree = cell_python_tree(ca)
        for node in nodes_of(tree, ast.Assign, ast.AnnAssign) if tree is not None else ():
            if node.lineno not in check_lines:
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            flags |= {d for t in targets if (d := dotted_name(t))}
    return frozenset(flags)


# A flag's name that says it tells whether a GPU is in use (`is_cuda`, `use_gpu`, `CUDA`).
_GPU_FLAG_NAME = re.compile(r"cuda|gpu", re.IGNORECASE)


def _switched_off_flags(facts: NotebookFacts) -> frozenset[str]:
    """GPU flags an `if` tests (`if is_cuda: model = model.cuda()`) that the notebook binds nowhere
    but to `False` or `None` (`is_cuda = False`), or not at all: the block runs on no machine as
    the notebook stands (unbound, the test raises NameError first, HID003's finding), so it is no
    GPU requirement; the textbook's `if is_cuda:` placements are switched off and its unguarded
    `.cuda()` lines are the ones to report (fair check 43, items 43 and 44: the anchor sat on a
    guarded line). A notebook with a `%run`, a star import or a cell that does not parse naming a
    GPU word may bind it otherwise, and so may a magic naming the flag: nothing is taken then."""
    if facts.has_star_import:
        return frozenset()
    tested: set[str] = set()
    trees = []
    for ca in facts.cells:
        tree = cell_python_tree(ca)
        if tree is None:
            if _GPU_FLAG_NAME.search(ca.cell.source):
                return frozenset()
            continue
        if any(m.name == "run" for m in ca.magics):
            return frozenset()
        trees.append((ca, tree))
        for node in nodes_of(tree, ast.If):
            tested |= {n.id for n in ast.walk(node.test) if isinstance(n, ast.Name) and _GPU_FLAG_NAME.search(n.id)}
    off = set(tested)
    for ca, tree in trees if off else ():
        off = {name for name in off if not any(re.search(rf"\b{re.escape(name)}\b", m.text) for m in ca.magics)}
        # The targets of `name = False` / `name = None`: the one binding a switched-off flag may have.
        switched_off = {id(node.targets[0]) for node in nodes_of(tree, ast.Assign)
                        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                        and isinstance(node.value, ast.Constant) and (node.value.value is False or node.value.value is None)}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                off -= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                off.discard(node.name)
            elif isinstance(node, ast.arg):
                off.discard(node.arg)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                off -= set(node.names)
            elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load) and id(node) not in switched_off:
                off.discard(node.id)
    return frozenset(off)


def _switched_off_lines(facts: NotebookFacts) -> dict[int, frozenset[int]]:
    """By cell index, the lines that do not run as saved: an `if False:` body (`dead_branch_lines`), and the body of
    `if NAME:` where the notebook binds NAME once, to `False` or `None`, at the top level of that cell above the `if`
    or of a cell before it (`HP_SEARCH = False`, then `if HP_SEARCH:`; GPU001's `_switched_off` reads the same kind
    of switch). A name bound any other way anywhere is no such switch (`index_single_assignments`)."""
    bound = index_single_assignments(facts)
    trees = [(ca, cell_python_tree(ca)) for ca in facts.cells if "if" in ca.masked.python]
    tops = {id(stmt): (ca.cell.index, stmt.lineno) for ca in facts.cells if (tree := cell_python_tree(ca)) is not None
            for stmt in tree.body if isinstance(stmt, (ast.Assign, ast.AnnAssign))} if trees else {}
    result: dict[int, frozenset[int]] = {}
    for ca, tree in trees:
        lines = set(dead_branch_lines(ca))
        for node in nodes_of(tree, ast.If) if tree is not None else ():
            if not isinstance(node.test, ast.Name):
                continue
            statements = bound.get(node.test.id, ())
            value = statements[0].value if len(statements) == 1 else None
            if not isinstance(value, ast.Constant) or not (value.value is False or value.value is None):
                continue
            where = tops.get(id(statements[0]))
            if where is None or where >= (ca.cell.index, node.lineno):
                continue
            lines.update(range(node.body[0].lineno, (node.body[-1].end_lineno or node.body[-1].lineno) + 1))
        if lines:
            result[ca.cell.index] = frozenset(lines)
    return result


def _flag_conditional_lines(ca: CellAnalysis, flags: frozenset[str]) -> set[int]:
    """The lines of a conditional expression whose test reads a check flag (`_check_flags`):
    `torch.device("cuda" if cuda else "cpu")`, `torch.cuda.FloatTensor if cuda else
    torch.FloatTensor`. The expression holds its own CPU arm, as `"cuda" if
    torch.cuda.is_available() else "cpu"` does."""
    if not flags:
        return set()
    tree = cell_python_tree(ca)
    lines: set[int] = set()
    for node in nodes_of(tree, ast.IfExp) if tree is not None else ():
        if any(dotted_name(n) in flags for n in ast.walk(node.test) if isinstance(n, (ast.Name, ast.Attribute))):
            lines |= set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


# Handlers that catch a failed import: `except ImportError:`, `ModuleNotFoundError`, `Exception`,
# a bare `except:`, or a tuple holding one of them.
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    if caught is None:
        return True
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any(isinstance(n, ast.Name) and n.id in _IMPORT_ERRORS for n in names)


def _names_bound_without_a_gpu(statements: list[ast.stmt], gc: GpuCatalog) -> set[str]:
    """Names the statements of a handler bind (not inside a def or class): by an import of a
    library that is not a GPU library (`import pandas as cudf`, `import numpy as xp`), or by an
    assignment (`xp = np`)."""
    bound: set[str] = set()
    pending = list(statements)
    while pending:
        st = pending.pop()
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(st, ast.Import):
            bound |= {a.asname or a.name.split(".")[0] for a in st.names if gc.module_reason(a.name) is None}
        elif isinstance(st, ast.ImportFrom):
            module = st.module or ""
            bound |= {a.asname or a.name for a in st.names
                      if a.name != "*" and (st.level or gc.module_reason(f"{module}.{a.name}") is None)}
        elif isinstance(st, (ast.Assign, ast.AnnAssign)):
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            bound |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        for field in ("body", "orelse", "handlers", "finalbody"):
            pending.extend(getattr(st, field, ()) or ())
    return bound


def import_fallback_bindings(facts: NotebookFacts, gc: GpuCatalog) -> tuple[frozenset[tuple[int, int]], frozenset[str]]:
    """The imports of a GPU library (rules/gpu.toml `[[module]]`) written with a CPU fallback, as
    (cell, line) of their import facts, and the names that only such imports bind a GPU library
    to. A fallback: the import is in the body of a `try:` one of whose handlers catches the failed
    import and binds the same name without a GPU library (`try: import cupy as xp` / `except
    ImportError: import numpy as xp`). An `except ImportError: print("no cuDF")` is no fallback:
    the name is left unbound and the code after it fails on the CPU. A name also bound by an
    import without a fallback (a later plain `import cudf`) is no fallback name."""
    lines: set[tuple[int, int]] = set()
    names: set[str] = set()
    plain: set[str] = set()
    for ca in facts.cells:
        gpu_imports = [imp for imp in ca.facts.imports
                       if gc.module_reason(imp.module) or gc.module_reason(imp.qualified if imp.bound != "*" else imp.module)]
        if not gpu_imports:
            continue
        tree = cell_python_tree(ca)
        spans: list[tuple[int, int, set[str]]] = []  # (first, last line of a `try` body, names its handlers bind)
        for node in nodes_of(tree, ast.Try, ast.TryStar) if tree is not None else ():
            bound: set[str] = set()
            for handler in node.handlers:
                if _catches_import_error(handler):
                    bound |= _names_bound_without_a_gpu(handler.body, gc)
            if bound and node.body:
                spans.append((node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno, bound))
        for imp in gpu_imports:
            if any(first <= imp.line <= last and imp.bound in bound for first, last, bound in spans):
                lines.add((ca.cell.index, imp.line))
                names.add(imp.bound)
            else:
                plain.add(imp.bound)
    return frozenset(lines), frozenset(names - plain)


# A CPU device or configuration value: "cpu", "CPU", "cpu:0", "/cpu:0", "/device:CPU:0".
_CPU_VALUE = re.compile(r"(?:/(?:device:)?)?cpu(?::\d+)?", re.IGNORECASE)


def _gives_cpu_value(statements: list[ast.stmt]) -> bool:
    """Does one of the statements (not inside a def or class) return or assign a value holding a
    CPU literal (`return {"tree_method": "hist"}, "cpu"`, `device = "cpu"`, `task_type="CPU"`)?"""
    pending = list(statements)
    while pending:
        st = pending.pop()
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(st, (ast.Return, ast.Assign, ast.AnnAssign)) and st.value is not None and any(
                isinstance(n, ast.Constant) and isinstance(n.value, str) and _CPU_VALUE.fullmatch(n.value)
                for n in ast.walk(st.value)):
            return True
        for field in ("body", "orelse", "handlers", "finalbody"):
            pending.extend(getattr(st, field, ()) or ())
    return False


def _cpu_fallback_try_lines(facts: NotebookFacts, cells: set[int]) -> frozenset[tuple[int, int]]:
    """(cell, line) of the lines in the body of a `try:` one of whose handlers returns or assigns a
    CPU configuration: the GPU setting probed there falls back to the CPU where it fails
    (`try: probe = XGBClassifier(tree_method="gpu_hist"); probe.fit(X, y); return
    {"tree_method": "gpu_hist"}, "gpu"` / `except Exception: return {"tree_method": "hist"}, "cpu"`).
    A handler that only prints or re-raises is no fallback."""
    lines: set[tuple[int, int]] = set()
    for ca in facts.cells:
        if ca.cell.index not in cells:
            continue
        tree = cell_python_tree(ca)
        for node in nodes_of(tree, ast.Try, ast.TryStar) if tree is not None else ():
            if node.body and any(_gives_cpu_value(h.body) for h in node.handlers):
                first, last = node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno
                lines |= {(ca.cell.index, n) for n in range(first, last + 1)}
    return frozenset(lines)


def _device_definition(facts: NotebookFacts, gc: GpuCatalog, name: str) -> tuple[int, int, int] | None:
    for ca in facts.cells:
        cuda_lines = {s.line for s in ca.facts.strings if _is_device_value(gc, s.value)}
        for d in ca.facts.defined:
            if d.name == name and d.line in cuda_lines:
                return (ca.cell.index, d.line, d.column)
    return None


_BRANCH = re.compile(r"\s*(?:try|except|if|elif|else)\b")


def in_branch(ca: CellAnalysis, line: int) -> bool:
    """Nested in a `try:` (or an `if`/`else`) block: `try: resolver = TPUClusterResolver() …
    except ValueError: strategy = tf.distribute.get_strategy()` has its fallback."""
    lines = ca.lines
    if not 0 < line <= len(lines):
        return False
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    for above in range(line - 1, 0, -1):
        text = lines[above - 1]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        level = len(text) - len(text.lstrip())
        if level < indent:
            if _BRANCH.match(text) and _opens_block(text):
                return True
            indent = level
    return False


def _is_check(facts: NotebookFacts, call: CallFact, checks: tuple[str, ...], ca: CellAnalysis | None = None) -> bool:
    """A GPU check code falls back from; not one that is asserted (see `requires_gpu`)."""
    qualified = _qualified(facts, call)
    return bool(qualified) and _match(qualified, checks) and not (ca is not None and requires_gpu(ca, call.line))


_ASSERT = re.compile(r"^\s*assert\b")
# `assert not tf.test.is_gpu_available(), "do this on a CPU"`, `assert len(…("GPU")) == 0`: the
# notebook demands that NO GPU be present; it runs on a CPU (fair check 8).
_ASSERT_ABSENT = re.compile(r"^\s*assert\s*(?:\(\s*)?not\b|^\s*assert\b[^,#]*(?:==\s*0|<\s*1)\b")
_IF_NOT = re.compile(r"^\s*if\s+not\b")
_RAISE = re.compile(r"^\s*raise\b")


def requires_gpu(ca: CellAnalysis, line: int) -> bool:
    """The GPU check on `line` leaves no CPU path: `assert torch.cuda.is_available()`,
    `assert len(tf.config.list_physical_devices("GPU")) > 0`, or `if not …:` whose body raises.
    An assert that no GPU is present (`assert not torch.cuda.is_available()`) needs a CPU instead."""
    lines = ca.lines
    if not 0 < line <= len(lines):
        return False
    text = lines[line - 1]
    if _ASSERT.match(text):
        return not _ASSERT_ABSENT.match(text)
    if not _IF_NOT.match(text):
        return False
    _, colon, rest = text.partition(":")
    if colon and rest.strip() and not rest.strip().startswith("#"):
        return _RAISE.match(rest) is not None  # `if not ok: raise …` on one line
    body = next((l for l in lines[line:] if l.strip() and not l.strip().startswith("#")), "")
    return _RAISE.match(body) is not None and len(body) - len(body.lstrip()) > len(text) - len(text.lstrip())


_BLOCK_OPENER = re.compile(r":\s*(?:#.*)?$")
# `if x.is_cuda:`, `elif batch[0].is_cuda:`: a test of where a tensor already is.
_TENSOR_ON_GPU_TEST = re.compile(r"\s*(?:if|elif)\s+[\w.\[\]]+\.is_cuda\s*:")


def _opens_block(text: str) -> bool:
    """`if torch.cuda.is_available():`, also with a comment after the colon."""
    return _BLOCK_OPENER.search(text.rstrip()) is not None


def _guarded(ca: CellAnalysis, line: int, check_lines: set[int]) -> bool:
    """On a line holding a GPU check, or nested under one (a less indented line above holding it)."""
    if line in check_lines:
        return True
    lines = ca.lines
    if not 0 < line <= len(lines):
        return False
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip())
    for above in sorted((n for n in check_lines if n < line), reverse=True):
        text = lines[above - 1]
        if len(text) - len(text.lstrip()) < indent and _opens_block(text):
            return True
    return False


def _module_reason(
    finder: _Finder,
    gc: GpuCatalog,
    ca: CellAnalysis,
    call: CallFact,
    fn_need: Mapping[str, tuple[str, int, int]],
    bindings: Mapping[str, _Binding],
    mentions: Callable[[CallFact], list[str]],
    ran: set[str],
) -> str | None:
    ran.update(mentions(call))
    reason = finder.direct(ca, call)
    if reason is not None:
        return reason
    for name in mentions(call):
        if name in fn_need:
            why, cell, line = fn_need[name]
            return f"calls `{name}`, whose code {why} (cell {cell}, line {line})"
    used = _used_object(gc, call)
    for name in used:
        binding = bindings.get(name)
        if binding is not None and binding.gpu is not None:
            return f"uses `{name}`, set up for the GPU in cell {binding.at[0]}, line {binding.at[1]}"
    if finder.keras_fit(call):
        head = call.receiver.split(".")[0]
        binding = bindings.get(head)
        if head in finder.facts.aliases:
            return None
        if binding is not None and any(_match(o, gc.keras_not_models) for o in binding.origins):
            return None
        return gc.keras_reason
    return None


def _used_object(gc: GpuCatalog, call: CallFact) -> list[str]:
    names = []
    if call.receiver == "" and call.func and call.func == call.method:
        names.append(call.func)  # `model(x)`
    if _is_attribute_call(call) and call.method in gc.object_uses:
        if call.receiver.isidentifier():
            names.append(call.receiver)  # `clf.fit(X, y)`
        names.extend(a.name for a in call.args if a.name)  # `trainer.fit(model)`
    return names


def _extension_needs(facts: NotebookFacts, gc: GpuCatalog) -> list[GpuIndicator]:
    """`%load_ext cudf.pandas`: the magic's cell, then every later cell that calls pandas."""
    out: list[GpuIndicator] = []
    active: list[tuple[tuple[str, ...], str, int]] = []
    for ca in facts.cells:
        for magic in ca.magics:
            if magic.name != "load_ext":
                continue
            for extension, modules, reason in gc.extensions:
                if extension in magic.args.split():
                    out.append(GpuIndicator(ca.cell.index, magic.line, reason))
                    active.append((modules, reason, ca.cell.index))
        for modules, reason, since in active:
            for call in ca.facts.calls:
                qualified = _qualified(facts, call)
                if qualified.split(".")[0] in modules and ca.cell.index >= since:
                    out.append(GpuIndicator(ca.cell.index, call.line, f"{reason} (loaded in cell {since})"))
    return out


def gpu_needs(facts: NotebookFacts, catalog: Catalog) -> dict[int, tuple[str, ...]]:
    """Cell index (1-based over all cells) → the reasons that cell needs a GPU, as
    "line N: reason", in line order. Cells without a need are absent."""
    needs: dict[int, list[str]] = {}
    for indicator in gpu_indicators(facts, catalog):
        text = f"line {indicator.line}: {indicator.reason}"
        reasons = needs.setdefault(indicator.cell, [])
        if text not in reasons:
            reasons.append(text)
    return {cell: tuple(reasons) for cell, reasons in sorted(needs.items())}
