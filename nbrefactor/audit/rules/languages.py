"""STR006: cells that run another language's code through a bridge magic (`%%R` from rpy2)."""

from __future__ import annotations

from typing import Iterator

from nbrefactor.audit.dataflow import bridge_outputs
from nbrefactor.audit.types import Family, Severity
from nbrefactor.audit.rules import Example, Hit, Rule, RuleContext

# Cell magics whose body is a program of another language that a bridge extension runs in an
# interpreter of its own, exchanging variables with the kernel: (language, bridge distribution).
# Not the shell and display magics (`%%bash`, `%%html`, `%%javascript`): the compiler turns a shell
# cell into `subprocess.run` and drops a display-only one, while a body in R has no translation.
_BRIDGES = {
    "R": ("R", "rpy2"),
    "julia": ("Julia", "julia (PyJulia)"),
    "octave": ("Octave", "oct2py"),
}


def _names(names: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names[:5]) + (" …" if len(names) > 5 else "")


class OtherLanguageCell(Rule):
    code = "STR006"
    name = "other-language-cell"
    family = Family.STRUCTURE
    severity = Severity.WARNING
    summary = "A cell runs another language's code through a bridge magic (`%%R`, `%%julia`, `%%octave`)."
    what_it_does = (
        "Reports the code cells whose body is a program of another language run by a bridge extension: rpy2's "
        "`%%R`, PyJulia's `%%julia`, oct2py's `%%octave`. One finding per notebook, at the first such cell; the "
        "others are related locations. The message names the Python variables a cell hands back (`%%R -o forecast`), "
        "and those the bridge's line magic hands back elsewhere (`%R -i data -o out out = fit(data)`), "
        "which later Python cells then depend on. Shell and display cell magics (`%%bash`, `%%html`, `%%javascript`), "
        "`%%writefile` of an `.R` file and a `%load_ext rpy2.ipython` with no R cell are not reported. A notebook "
        "whose kernel is R is STR002's."
    )
    why_bad = (
        "The notebook needs a second language installed (R with its packages, Julia, Octave) besides the bridge, and "
        "nothing in a Python manifest declares it. A Python module cannot run the cell: exported as a script or "
        "compiled into a package the R code is left for a person to translate, and whatever Python below reads "
        "from it is gone."
    )
    example = "# [1]\n%load_ext rpy2.ipython\n# [2]\n%%R -o fitted\nfit <- lm(mpg ~ wt, data = mtcars)\nfitted <- fitted(fit)"
    use_instead = (
        "# the same step in Python, or the R part as a separate R script step with its own renv.lock:\n"
        "import statsmodels.formula.api as smf\n"
        "fitted = smf.ols(\"mpg ~ wt\", data=mtcars).fit().fittedvalues"
    )
    passing = (
        Example(cells=("%%bash\necho ready", "%%html\n<b>done</b>", "%%writefile plot.R\nplot(1:10)")),
        Example(cells=("%load_ext rpy2.ipython", "import pandas as pd\nframe = pd.DataFrame({'y': [1, 2]})")),
    )
    failing = (
        Example(
            cells=(
                "%load_ext rpy2.ipython\nimport pandas as pd",
                "%%R -o fitted\nfit <- lm(mpg ~ wt, data = mtcars)\nfitted <- fitted(fit)",
                "print(fitted[:3])",
                "%%R\nsummary(fit)",
            ),
            expect=((2, 1),),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        found: list[tuple] = []
        for ca in ctx.facts.cells:
            name = ca.masked.cell_magic
            if name not in _BRIDGES:
                continue
            header = next((m for m in ca.masked.magics if m.kind == "cell_magic"), None)
            if header is None or not any(line.strip() for line in ca.lines[header.line:]):
                continue  # a header with no body runs nothing
            found.append((ca.cell, header.line, name, bridge_outputs(header.args)))
        if not found:
            return
        cell, line, name, _ = found[0]
        language, bridge = _BRIDGES[name]
        handed = list(dict.fromkeys(n for *_, outputs in found for n in outputs))
        # The bridge's line magic hands values back too (`%R -i data -o out out = make_soup(data)`
        # inside a Python function; fair check 20: the message named nothing handed back).
        by_line: dict[str, int] = {}
        for ca in ctx.facts.cells:
            for magic in ca.masked.magics:
                if magic.kind == "line_magic" and magic.name == name:
                    for n in bridge_outputs(magic.args):
                        by_line.setdefault(n, ca.cell.index)
        count = len(found)
        cells = "a cell" if count == 1 else f"{count} cells"
        back = (f"; Python reads {_names(handed)} back from {'it' if count == 1 else 'them'}" if handed else "")
        lines = [n for n in by_line if n not in handed]
        if lines:
            places = sorted({by_line[n] for n in lines})
            where = f"cell{'s' if len(places) > 1 else ''} {', '.join(map(str, places))}"
            back += f"; the `%{name}` line magic of {where} hands {_names(lines)} back to Python"
        yield Hit(
            cell,
            line,
            1,
            f"`%%{name}`: {cells} of this notebook {'runs' if count == 1 else 'run'} {language} code through {bridge}{back}. "
            f"A Python module cannot run {'it' if count == 1 else 'them'}, and the run needs {language} (with its packages) "
            "installed beside the bridge, which no Python manifest declares",
            fix=(f"Translate the {language} cells into Python, or drop them when they only repeat what the Python cells do; "
                 f"if the {language} step must stay, make it a script step of its own with its environment pinned."),
            key=f"other-language:{name}",
            related=tuple((c, ln, 1) for c, ln, *_ in found[1:]),
        )
