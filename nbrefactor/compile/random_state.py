"""The global random state travels between steps like any other value.

A notebook seeds once (`np.random.seed(7)`, cell 2) and draws later (`np.random.normal(...)` in
cell 5, `KMeans(n_init=10)` without `random_state` in cell 8). In one process the package's steps
draw the same numbers as the notebook: the global generator simply goes on. Run as a pipeline,
each step is a process of its own (a kfp component), with a fresh, unseeded generator: the draws
differ from the notebook's and from run to run (issue 9, point 3).

Decision: the generator's state is made a value of the pipeline. From the step that seeds (the
seeding calls are randomness.toml's [[seed]] entries) to the last step that draws (its draws:
the catalogue's global-state draws of that library — a shuffling DataLoader where it is iterated,
not where it is built — and for NumPy the [[random_state]] calls made
without their seed keyword, such as scikit-learn estimators, which draw from NumPy's global
generator), every step returns the state it ends with (`random.getstate()`,
`numpy.random.get_state()`, `torch.get_rng_state()`) and every step after the seeding one starts by restoring the state the
previous one returned. In one process that restore changes nothing (the state is already that
one), so the package still computes the notebook's numbers; across processes it carries on the
exact sequence the notebook drew. Steps in between that draw nothing the catalogue knows are in the
chain too, so a restore never rewinds the generator past a draw.

Rejected: merging the seeding step with every step that draws (it collapses a seeded notebook
into one step: `segments` would lose all of its structure), and re-seeding with the config seed
at the top of each drawing step (the second drawing step would restart the sequence that in the
notebook goes on, so the package would no longer compute the notebook's numbers).

The names carried (`_nbrefactor_numpy_random_state`, `_nbrefactor_python_random_state`,
`_nbrefactor_torch_random_state`) are
compiler-made: verify skips them (the notebook has no such variable) and no notebook name can take
them (the prefix is reserved).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from nbrefactor.audit.catalog import Catalog, load_catalog

PREFIX = "_nbrefactor_"
# library id (randomness.toml) → (carried name, import line, restore statement, capture expression)
STATES = {
    "python": (
        f"{PREFIX}python_random_state",
        f"import random as {PREFIX}random",
        f"{PREFIX}random.setstate({{name}})",
        f"{PREFIX}random.getstate()",
    ),
    "numpy": (
        f"{PREFIX}numpy_random_state",
        f"import numpy as {PREFIX}numpy",
        f"{PREFIX}numpy.random.set_state({{name}})",
        f"{PREFIX}numpy.random.get_state()",
    ),
    # torch's default CPU generator (`torch.manual_seed`): weight initialisation, `torch.randn`, a
    # shuffling DataLoader's order. A CUDA generator's state is not carried. Carried as a list of
    # its bytes (compared by value), not as a tensor, and not as a NumPy array: torch does not
    # depend on NumPy, and a package whose notebook imports only torch has no NumPy to install.
    "torch": (
        f"{PREFIX}torch_random_state",
        f"import torch as {PREFIX}torch",
        f"{PREFIX}torch.set_rng_state({PREFIX}torch.tensor({{name}}, dtype={PREFIX}torch.uint8))",
        f"{PREFIX}torch.get_rng_state().tolist()",
    ),
}
CARRIED = frozenset(state[0] for state in STATES.values())


@dataclass(frozen=True)
class UncarriedState:
    """A library whose global generator the notebook seeds in one step and a later step draws from,
    and whose state the compiler cannot carry (not in STATES): TensorFlow's global seed and op
    counter have no state to get and set. In one process the later step draws as the notebook did
    (the generator simply goes on); run as a process of its own it draws unseeded."""

    library: str  # the catalogue's label ("TensorFlow/Keras")
    seed_cell: int
    draw_cell: int
    draw_step: int  # index of the first later drawing step


def carry_random_state(sections: Sequence, inputs: list[list[str]], outputs: list[set[str]], facts, catalog: Optional[Catalog] = None) -> list[UncarriedState]:  # noqa: ANN001
    """Adds the carried states to the steps' `inputs` and `outputs` (per step, in order; changed in
    place: the planner's own working lists). Returns the seeded libraries drawn from in a later
    step whose state is not carried (for the review list: never a silent difference)."""
    from nbrefactor.audit.rules.randomness import RandomnessCatalog, _keyword_given, _matches, analyse_randomness

    randomness = RandomnessCatalog.from_catalog(catalog if catalog is not None else load_catalog())
    found = analyse_randomness(facts, randomness)
    step_of = {ca.cell.index: i for i, section in enumerate(sections) for ca in section.cells}
    uncarried: list[UncarriedState] = []
    for library in dict.fromkeys([*STATES, *(lib.id for lib in randomness.libraries)]):
        seeds = sorted((step_of[s.ca.cell.index], s.ca.cell.index) for s in found.seeds
                       if library in s.libraries and not s.call.in_function and s.ca.cell.index in step_of)
        if not seeds:
            continue
        first = seeds[0][0]
        drawing: dict[int, int] = {}  # step → the first drawing cell in it

        def draws_in(step: int, cell: int) -> None:
            drawing[step] = min(cell, drawing.get(step, cell))

        for d in found.draws:
            if d.library != library:
                continue
            if d.iteration is None:
                if d.ca.cell.index in step_of:
                    draws_in(step_of[d.ca.cell.index], d.ca.cell.index)
                continue
            # `loader = DataLoader(..., shuffle=True)` draws nothing when built: each iteration
            # draws its order. The steps that iterate it draw: the first iteration's, and every
            # later step that takes the loader as an input (another epoch, an evaluation loop).
            if d.iteration.ca is None or d.ca.cell.index not in step_of:
                continue  # never iterated: draws nothing
            built = step_of[d.ca.cell.index]
            if d.iteration.ca.cell.index in step_of:
                draws_in(step_of[d.iteration.ca.cell.index], d.iteration.ca.cell.index)
            for i in range(built + 1, len(sections)):
                if d.iteration.name in inputs[i]:
                    draws_in(i, min(ca.cell.index for ca in sections[i].cells))
        if library == "numpy":
            for i, section in enumerate(sections):
                for ca in section.cells:
                    for call in ca.facts.calls:
                        qualified = facts.resolve(call.func) if call.func and call.func.split(".")[0] in facts.aliases else ""
                        for spec in randomness.random_state:
                            if qualified and _matches(qualified, spec.calls) and _keyword_given(call, spec.keywords) is None:
                                draws_in(i, ca.cell.index)
        later = sorted(i for i in drawing if i > first)
        if not later:
            continue  # nothing draws after the seeding step: each process seeds where it draws
        if library not in STATES:
            uncarried.append(UncarriedState(randomness.library(library).label, seeds[0][1], drawing[later[0]], later[0]))
            continue
        name = STATES[library][0]
        last = later[-1]
        for i in range(first, last + 1):
            if i > first:
                inputs[i].append(name)
            if i < last:
                outputs[i].add(name)
    return uncarried


def restore_lines(step_inputs: Sequence[str]) -> list[str]:
    return [restore.format(name=name) for name, _, restore, _ in STATES.values() if name in step_inputs]


def capture_lines(step_outputs: Sequence[str]) -> list[str]:
    return [f"{name} = {capture}" for name, _, _, capture in STATES.values() if name in step_outputs]


def import_lines(names: Sequence[str]) -> list[str]:
    return [line for name, line, _, _ in STATES.values() if name in names]


__all__ = ["carry_random_state", "UncarriedState", "restore_lines", "capture_lines", "import_lines", "CARRIED", "PREFIX"]
