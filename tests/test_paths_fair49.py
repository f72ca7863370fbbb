"""Fair check 49's path and download classes (PTH001-PTH007): one finding per root cause."""

from __future__ import annotations

from test_rules_paths import PATH_RULES, audit, found
from nbrefactor.audit.rules.downloads import RuntimeDownload

ALL = (*PATH_RULES, RuntimeDownload)


def test_a_sys_path_extend_of_a_clone_and_its_editable_checkout_is_the_clones() -> None:
    """Fair check 49, item 107: `sys.path.extend(("./repo", "./src/tqdm"))` below `!git clone` of the
    repository and `!pip install -r repo/requirements.txt` (whose `-e git+…#egg=tqdm` pip checks out
    into `./src/tqdm`): one cause, the clone's PTH007, the edit related. An entry the clone does not
    explain keeps the edit a PTH005 of its own."""
    clone = "import sys\n!git clone https://github.com/alice/repo.git\n!pip install -q -r repo/requirements.txt\n"
    diagnostics = audit((clone + "sys.path.extend(('./repo', './src/tqdm'))", "import models"), ALL)
    assert [(c, cell, line) for c, cell, line in found(diagnostics) if c in ("PTH005", "PTH007")] == [("PTH007", 1, 2)]
    hit = next(d for d in diagnostics if d.code == "PTH007")
    assert any((r.cell, r.line) == (1, 4) for r in hit.related)
    diagnostics = audit((clone + "sys.path.extend(['./repo', './helpers'])", "import models"), ALL)
    assert ("PTH005", 1, 4) in found(diagnostics)


def test_a_sys_path_extend_of_user_folders_is_pth002s() -> None:
    """Fair check 49, item 108: `sys.path.extend(('/home/cc/repo', '/home/cc/src/tqdm'))`: both
    literals are PTH002's finding on the same line; the edit is no PTH005 of its own."""
    diagnostics = audit(("import sys\nsys.path.extend(('/home/cc/repo', '/home/cc/src/tqdm'))", "import models"), ALL)
    assert [c for c, _, _ in found(diagnostics)] == ["PTH002"]
    # one entry PTH002 does not report: the edit stays reported
    diagnostics = audit(("import sys\nsys.path.extend(['/home/cc/repo', 'helpers'])", "import models"), ALL)
    assert "PTH005" in [c for c, _, _ in found(diagnostics)]


def test_a_keras_diagram_nothing_reads_is_a_display_when_it_is_the_only_cwd_path() -> None:
    """Fair check 49, item 115: `plot_model(model, to_file='model_architecture.png')` writes the
    diagram only because plot_model shows the inline image from that file; nothing reads it and it
    is the notebook's only working-directory path: a display, no finding. Beside other outputs of
    the working directory (fair check 22, item 114: the diagram and `model.save('forest_model.h5')`)
    the notebook's output folder stays reported, the diagram with it."""
    model = "from tensorflow.keras.utils import plot_model\nmodel = build()"
    assert audit((model, "plot_model(model, to_file='model_architecture.png', show_shapes=True)")) == []
    diagnostics = audit((model, "plot_model(model, to_file='model.png')", "model.save('forest_model.h5')",
                         "from tensorflow.keras.models import load_model\nm = load_model('forest_model.h5')"))
    assert [(c, cell) for c, cell, _ in found(diagnostics)] == [("PTH006", 2)]
    # read back, the diagram is an input of a later step: reported
    diagnostics = audit((model, "plot_model(model, to_file='model.png')", "import matplotlib.image as mpimg\nim = mpimg.imread('model.png')\nprint(im.shape)"))
    assert [c for c, _, _ in found(diagnostics)] == ["PTH006"]


def test_a_torchtext_dataset_function_without_root_downloads_into_dot_data() -> None:
    """Fair check 49, recall T-4.5: `AG_NEWS(split="train")` and `AG_NEWS()` (torchtext's dataset
    functions, 0.9 on) fetch the archive into the working directory's `.data` whenever it lacks it.
    A `split=` keyword, or no argument at all, tells them from the legacy classes of the same name
    (`IMDB(path, text_field, label_field)`, which read a folder and fetch nothing)."""
    for call in ("AG_NEWS(split='train')", "AG_NEWS()", "AG_NEWS(root='.data', split='train')"):
        diagnostics = audit(("from torchtext.datasets import AG_NEWS", f"train_iter = {call}"), [RuntimeDownload])
        assert [(c, cell) for c, cell, _ in found(diagnostics)] == [("PTH007", 2)], call
    diagnostics = audit(("from torchtext.datasets import AG_NEWS", "a = AG_NEWS(split='train')", "b, c = AG_NEWS()"), [RuntimeDownload])
    assert [(c, cell) for c, cell, _ in found(diagnostics)] == [("PTH007", 2)]
    # wrapped in `iter(…)`, the same function called again
    diagnostics = audit(("from torchtext.datasets import AG_NEWS", "it = iter(AG_NEWS(split='train'))", "a = AG_NEWS(split='train')"),
                        [RuntimeDownload])
    assert [(c, cell) for c, cell, _ in found(diagnostics)] == [("PTH007", 2)]
    legacy = ("from torchtext.datasets import IMDB", "train = IMDB('aclImdb/train', text_field, label_field)")
    assert audit(legacy, [RuntimeDownload]) == []


def test_an_f_string_of_a_lone_parameter_is_the_parameter() -> None:
    """Fair check 49, recall T-10.7: `open(f'{image_path}', 'rb')` inside a dict literal, in the
    notebook's own function given `image_path='images/dog.jpeg'`, opens the relative path as
    `open(image_path)` would: PTH006 at the literal. An f-string adding anything keeps its own
    meaning (`f'{root}/x.png'` is no longer the parameter)."""
    body = "def show(image_path: str, k=None) -> None:\n    files = {'file': open(f'{image_path}', 'rb')}\n    return files['file'].read()"
    call = "show(image_path='images/dog.jpeg', k=1)"
    assert found(audit((body, call))) == [("PTH006", 2, 1)]
    other = body.replace("f'{image_path}'", "f'{image_path}.bak'")
    assert found(audit((other, call))) == []


def test_random_data_the_notebook_generates_saves_and_reads_back_is_no_finding() -> None:
    """Fair check 49, item 114: `data.to_csv('stock_prices.csv')` of a frame the cell builds from a
    seeded `np.random` draw (`trend + noise`), read straight back by the next cell: the notebook
    makes the file before every read, wherever it runs, from data no file holds (as for a library's
    sample data, fair check 26: self-consumed-staging-file). Data the notebook read, or a written
    copy nothing reads back, stays reported."""
    make = ("import numpy as np\nimport pandas as pd\nnp.random.seed(42)\ntrend = np.linspace(100, 200, 2000)\n"
            "noise = np.random.normal(0, 2, 2000)\nsynthetic = trend + noise\n"
            "data = pd.DataFrame(synthetic, columns=['Close'])\ndata.to_csv('stock_prices.csv', index=False)")
    read = "data = pd.read_csv('stock_prices.csv')\nvalues = data[['Close']].values"
    assert found(audit((make, read))) == []
    rng = ("import numpy as np\nimport pandas as pd\nrng = np.random.default_rng(0)\n"
           "df = pd.DataFrame({'x': rng.normal(size=100), 'y': np.arange(100)})\ndf.to_csv('points.csv')")
    assert found(audit((rng, "df = pd.read_csv('points.csv')"))) == []
    # written only, an output: reported
    assert [c for c, _, _ in found(audit((make,)))] == ["PTH006"]
    # a frame of real data (read from a file) saved and read back: reported
    real = ("import pandas as pd\nraw = pd.read_csv('raw.csv')\nnoise = raw['x'] * 2\n"
            "data = pd.DataFrame(noise)\ndata.to_csv('stock_prices.csv')")
    assert "PTH006" in [c for c, _, _ in found(audit((real, read)))]
