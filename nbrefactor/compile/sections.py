"""Split a notebook into sections: Kale cell tags first, then markdown headings, else one section.

Pure: facts in, sections out. Kale's vocabulary is accepted so teams coming from Kale keep their
work: `block:NAME`/`step:NAME` start a step, untagged cells continue the step above, `prev:NAME`
is recorded (our data-flow decides the real inputs), `skip` leaves a cell out, `imports` and
`functions` cells are hoisted, `pipeline-parameters` cells become config, `pipeline-metrics`
cells give the final values.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

from nbrefactor.audit.analysis import BUILTIN_NAMES, CellAnalysis, NotebookFacts

KALE_SPECIAL = ("imports", "functions", "pipeline-parameters", "pipeline-metrics", "skip")
_HEADING = re.compile(r"^\s{0,3}(#{1,3})\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Section:
    name: str  # a valid, unique Python identifier
    title: str  # as written (heading text, Kale block name, or notebook name)
    cells: tuple[CellAnalysis, ...]
    role: str = "step"  # step | imports | functions | parameters | metrics
    prev: tuple[str, ...] = ()  # Kale `prev:` names, informational

    @property
    def cell_indices(self) -> tuple[int, ...]:
        return tuple(ca.cell.index for ca in self.cells)


@dataclass(frozen=True)
class Sectioning:
    source: str  # kale-tags | markdown-headings | whole-notebook
    sections: tuple[Section, ...]
    skipped: tuple[CellAnalysis, ...] = ()


MAX_IDENTIFIER = 48


def identifier(text: str, fallback: str = "step") -> str:
    """`"1. Load the data!"` → `load_the_data`; always a valid, non-keyword identifier, cut at a
    word boundary to at most 48 characters."""
    name = full_identifier(text, fallback)
    return cut_at_word(name, MAX_IDENTIFIER) or fallback


# Cyrillic and Greek letters spelled in Latin ones (the common Russian/Ukrainian and ISO 843 forms):
# NFKD has no ASCII form for them, so a Russian course's headings all became the fallback and the
# steps were `step`, `step_step`, `step_step_2` (mig15: ml-course-hse). Other scripts (CJK…) have no
# short spelling: their sections are numbered instead (`step_3`).
_TRANSLITERATION = str.maketrans({
    **dict(zip("абвгдезийклмнопрстуфцыэ", "abvgdeziyklmnoprstufcye", strict=True)),
    "ё": "e", "ж": "zh", "х": "kh", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ь": "", "ю": "yu", "я": "ya",
    "є": "ye", "і": "i", "ї": "yi", "ґ": "g", "ў": "u",
    **dict(zip("αβγδεζηικλμνξοπρστυφχωάέήίόύώϊϋς", "avgdeziiklmnxoprstyfhoaeiioyoiys", strict=True)),
    "θ": "th", "ψ": "ps",
})


def full_identifier(text: str, fallback: str = "step") -> str:
    """`identifier` without the length cut."""
    ascii_text = unicodedata.normalize("NFKD", text.lower().translate(_TRANSLITERATION)).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[A-Za-z0-9]+", ascii_text.lower())
    name = "_".join(words)
    name = re.sub(r"^[0-9_]+", "", name) or fallback
    if keyword.iskeyword(name) or name in {"run", "main", "config", "pipeline"}:
        name = f"{name}_step"
    return name


def cut_at_word(name: str, limit: int) -> str:
    """The longest prefix of `name` of at most `limit` characters that ends at a word (`_`)
    boundary; a single overlong word is cut hard."""
    if len(name) <= limit:
        return name
    head = name[: limit + 1]
    boundary = head.rfind("_")
    cut = head[:boundary] if boundary >= limit // 3 else name[:limit]
    return cut.rstrip("_")


def unique(name: str, taken: set[str]) -> str:
    candidate = name
    n = 2
    while candidate in taken:
        candidate = f"{name}_{n}"
        n += 1
    taken.add(candidate)
    return candidate


# Names the generated step modules bind themselves (helpers, the config class and parameter).
GENERATED_NAMES = frozenset(
    {"Config", "save_figure", "os", "subprocess", "runpy", "pathlib", "cfg", "config", "settings", "run_config",
     "nbrefactor_config", "_run_program", "_run_namespace", "functions", "artifacts", "tracking", "annotations", "nbrefactor_runtime", "runtime", "RUNTIME"}
)


def notebook_names(facts: NotebookFacts) -> frozenset[str]:
    """Every name the notebook binds, imports or reads (builtins included): a step function named
    like one of them would shadow it inside the module (`## Dot product` → `def dot_product` would
    make the notebook's own `dot_product(u, v)` call the step)."""
    names: set[str] = set(BUILTIN_NAMES) | GENERATED_NAMES
    for ca in facts.cells:
        f = ca.facts
        names |= {r.name for r in (*f.defined, *f.reads, *f.deferred_reads, *f.mutated, *f.deleted)}
        names |= {imp.bound for imp in f.imports}
        names |= {imp.top_level for imp in f.imports if imp.top_level}
    return frozenset(names)


def step_name(title: str, taken: set[str], fallback: str = "step") -> str:
    """A unique step function name from a title; a name already taken (by the notebook or another
    step) gets `_step`, then a number."""
    base = identifier(title, fallback)
    if base in taken:
        base = cut_at_word(f"{base}_step", MAX_IDENTIFIER + 5)
    return unique(base, taken)


def split_sections(facts: NotebookFacts, notebook_title: str) -> Sectioning:
    reserved = notebook_names(facts)
    if _has_kale_tags(facts):
        return _by_kale_tags(facts, reserved)
    by_headings = _by_headings(facts, reserved)
    if by_headings is not None:
        return by_headings
    code_cells = tuple(ca for ca in facts.cells if ca.cell.source.strip())
    name = step_name(notebook_title, set(reserved), "run_notebook")
    return Sectioning("whole-notebook", (Section(name, notebook_title, code_cells),))


def _has_kale_tags(facts: NotebookFacts) -> bool:
    for ca in facts.cells:
        for tag in ca.cell.tags:
            if tag.startswith(("block:", "step:")) or tag in KALE_SPECIAL:
                return True
    return False


def _by_kale_tags(facts: NotebookFacts, reserved: frozenset[str] = frozenset()) -> Sectioning:
    taken: set[str] = set(reserved)
    steps: list[tuple[str, str, list[CellAnalysis], list[str]]] = []  # (role, title, cells, prev)
    special: dict[str, list[CellAnalysis]] = {"imports": [], "functions": [], "parameters": [], "metrics": []}
    skipped: list[CellAnalysis] = []
    current: Optional[tuple[str, str, list[CellAnalysis], list[str]]] = None
    for ca in facts.cells:
        tags = ca.cell.tags
        if not ca.cell.source.strip():
            continue
        if "skip" in tags:
            skipped.append(ca)
            continue
        role = next((t for t in tags if t in ("imports", "functions", "pipeline-parameters", "pipeline-metrics")), None)
        if role is not None:
            key = {"pipeline-parameters": "parameters", "pipeline-metrics": "metrics"}.get(role, role)
            special[key].append(ca)
            continue
        block = next((_redacted(t.split(":", 1)[1]) for t in tags if t.startswith(("block:", "step:")) and ":" in t), None)
        prev = [_redacted(t.split(":", 1)[1]) for t in tags if t.startswith("prev:")]
        if block is not None:
            if current is not None and current[1] == block:
                current[2].append(ca)
                continue
            # Kale merges non-adjacent cells with the same block name; order is kept here.
            existing = next((s for s in steps if s[1] == block), None)
            if existing is not None:
                existing[2].append(ca)
                current = existing
                continue
            current = ("step", block, [ca], prev)
            steps.append(current)
        elif current is not None:
            current[2].append(ca)
        else:
            current = ("step", "setup", [ca], [])
            steps.append(current)
    sections: list[Section] = []
    for key, role in (("imports", "imports"), ("functions", "functions"), ("parameters", "parameters")):
        if special[key]:
            sections.append(Section(step_name(key, taken), key, tuple(special[key]), role))
    ordered = sorted(steps, key=lambda s: s[2][0].cell.index)
    for role, title, cells, prev in ordered:
        cells_sorted = tuple(sorted(cells, key=lambda c: c.cell.index))
        sections.append(Section(step_name(title, taken), title, cells_sorted, role, tuple(prev)))
    if special["metrics"]:
        sections.append(Section(step_name("metrics", taken), "pipeline-metrics", tuple(special["metrics"]), "metrics"))
    return Sectioning("kale-tags", tuple(sections), tuple(skipped))


_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _heading(text: str) -> Optional[str]:
    match = _HEADING.search(text)
    return _redacted(_plain_heading(match.group(2).strip())) if match else None


def _plain_heading(heading: str) -> str:
    """The heading as a reader sees it: a table-of-contents anchor (`## 8. Implementation <a
    class="anchor" id="implementation"></a>`) or a link target is markup, not words, and named
    every step `..._a_class_anchor_id_...`. A heading that is only markup stays as written."""
    plain = _MARKDOWN_LINK.sub(r"\1", _HTML_TAG.sub(" ", heading))
    plain = re.sub(r"\s+", " ", plain).strip()
    return plain or heading


def _redacted(text: str) -> str:
    """A title with its secrets masked before any name (step, file) is derived from it."""
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.secrets import redact

    return redact(text, load_catalog())


def _by_headings(facts: NotebookFacts, reserved: frozenset[str] = frozenset()) -> Optional[Sectioning]:
    notebook = facts.notebook
    by_index = {ca.cell.index: ca for ca in facts.cells}
    groups: list[tuple[str, list[CellAnalysis]]] = []
    title: Optional[str] = None
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            heading = _heading(cell.source)
            if heading is not None:
                title = heading
                groups.append((title, []))
            continue
        ca = by_index.get(cell.index)
        if ca is None or not cell.source.strip():
            continue
        if not groups:
            groups.append(("setup", []))
        groups[-1][1].append(ca)
    groups = [(t, cells) for t, cells in groups if cells]
    if len(groups) < 2:
        return None
    taken: set[str] = set(reserved)
    # A heading with no Latin spelling names its step by its place (`step_3`), not `step_step_2`.
    sections = tuple(Section(step_name(t, taken, f"step_{n}"), t, tuple(cells)) for n, (t, cells) in enumerate(groups, start=1))
    return Sectioning("markdown-headings", sections)
