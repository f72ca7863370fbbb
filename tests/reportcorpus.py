"""A small batch for the batch and report tests: a clean model, a model with review items, a
notebook that tries to inject HTML and script (code, markdown and outputs) and carries a secret,
and a blocked one in another folder."""

from __future__ import annotations

from pathlib import Path

from nbfactory import project, write_notebook

DATA = "a,b,y\n" + "\n".join(f"{i},{(i * 7) % 11},{i % 2}" for i in range(40)) + "\n"
SECRET = "AKIAZ7Q2MN4RT8VW3XYP"  # the shape of an AWS access key id; never real
GITHUB_TOKEN = "ghp_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78"

# Every payload would set window.__pwned (or open a dialog) if the report let it run.
MD_PAYLOAD = "# Evil <script>window.__pwned = 'md-script'</script>\n\n<img src=x onerror=\"window.__pwned='md-img'; alert('md')\">"
CODE_PAYLOAD = (
    "import pandas as pd\n"
    "note = \"</span></div><script>window.__pwned = 'code-script'</script>\"\n"
    "img = '<img src=x onerror=\"window.__pwned=1; alert(1)\">'  # <script>window.__pwned='comment'</script>\n"
    f"aws_key = \"{SECRET}\"\n"
    "df = pd.read_csv('data.csv')\n"
    "print(note, img)"
)
OUTPUTS = [
    {"output_type": "stream", "name": "stdout", "text": f"<script>window.__pwned='out-script'</script> {SECRET}\n"},
    {
        "output_type": "display_data",
        "metadata": {},
        "data": {
            "text/plain": "<img src=x onerror=\"window.__pwned='out-plain'\">",
            "text/html": "<img src=x onerror=\"window.__pwned='out-html'; alert(2)\"><script>window.__pwned='out-html-script'</script>",
        },
    },
    {
        "output_type": "error",
        "ename": "<script>window.__pwned='ename'</script>",
        "evalue": "<img src=x onerror=\"window.__pwned='evalue'\">",
        "traceback": ["\u001b[0;31m<script>window.__pwned='tb'</script>\u001b[0m", f"token {GITHUB_TOKEN}"],
    },
]


def churn_cells() -> list:
    return [
        ("md", "# Load"),
        ("code", "import pandas as pd\nimport numpy as np\ndf = pd.read_csv('data.csv')\ndf.shape", {"count": 1, "outputs": [{"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"text/plain": "(40, 3)"}}]}),
        ("md", "# Train"),
        ("code", "from sklearn.linear_model import LogisticRegression\nnoise = np.random.rand(len(df))\nmodel = LogisticRegression(max_iter=200)\nmodel.fit(df[['a', 'b']], df.y)\naccuracy = model.score(df[['a', 'b']], df.y)", {"count": 2}),
        ("code", "df.to_csv('scored.csv')\nround(accuracy, 4)", {"count": 3, "outputs": []}),
    ]


def evil_cells() -> list:
    return [
        ("md", MD_PAYLOAD),
        ("code", CODE_PAYLOAD, {"count": 1, "outputs": OUTPUTS}),
        ("code", "rows = len(df)\nrows", {"count": 2}),
    ]


def build_corpus(root: Path) -> Path:
    """`root/models/{churn,evil}/` and `root/legacy/stale.ipynb` (blocked: a name defined nowhere)."""
    project(root, {"models/churn/data.csv": DATA, "models/evil/data.csv": DATA})
    write_notebook(root / "models" / "churn" / "churn.ipynb", churn_cells())
    write_notebook(root / "models" / "evil" / "evil.ipynb", evil_cells())
    write_notebook(root / "legacy" / "stale.ipynb", ["total = undefined_total + 1"], executed=True)
    return root
