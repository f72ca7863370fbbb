"""Older fair checks' (27-44) path and download classes still kept: one finding per root cause."""

from __future__ import annotations

from test_rules_paths import PATH_RULES, audit, found
from nbrefactor.audit.rules.downloads import RuntimeDownload


def test_fastai_learners_on_one_backbone_are_one_finding() -> None:
    """Fair check 34, item 125: `unet_learner(data, models.resnet34, …)` in cell 27 and again for
    bigger images in cell 43 fetch one weights file into torch's cache: one finding at the first,
    the later related; a learner on another backbone is counted as another model."""
    cells = ("from fastai.vision import *",
             "learn = unet_learner(data, models.resnet34, metrics=metrics)",
             "learn = unet_learner(data, models.resnet34, metrics=metrics, wd=wd)",
             "learn2 = cnn_learner(data, arch=models.resnet50)")
    hits = [d for d in audit(cells, [RuntimeDownload]) if d.code == "PTH007"]
    assert found(hits) == [("PTH007", 2, 1)]
    assert len(hits[0].related) == 2
    assert "cell 3 builds a learner on the same pretrained backbone again" in hits[0].message
    assert "so does the notebook's other model built with pretrained weights" in hits[0].message


def test_an_nltk_download_nothing_uses_is_no_finding() -> None:
    """Fair check 44, item 141: `import nltk; nltk.download('punkt')` in a notebook that tokenizes
    with Hugging Face's tokenizers and never names NLTK again fetches data nothing reads (and an
    offline `nltk.download` prints an error, raising none). Any use of NLTK, a library that reads
    NLTK data itself or a metric script keeps the finding."""
    head = "import torch\nimport nltk\nnltk.download('punkt')"
    unused = (head, "from tokenizers import Tokenizer\ntok = Tokenizer.from_file('t.json')  # not nltk.word_tokenize")
    assert not [d for d in audit(unused, [RuntimeDownload]) if d.code == "PTH007"]
    for use in ("tokens = nltk.word_tokenize(text)", "from nltk.tokenize import word_tokenize",
                "from textblob import TextBlob\nTextBlob(text).sentences", "tokenize = nltk.word_tokenize",
                "from datasets import load_metric\nmeteor = load_metric('meteor')", "!python preprocess.py"):
        hits = [d for d in audit((head, use), [RuntimeDownload]) if d.code == "PTH007" and "NLTK" in d.message]
        assert found(hits) == [("PTH007", 1, 3)], use


def test_a_folder_an_extraction_is_guarded_by_is_the_archives() -> None:
    """Fair check 35, item 101: `if not isdir(folder): tarfile.open('x.tar.gz').extractall()` (into
    the working directory) makes `folder`, the archive's top folder: its test and the reads under
    it are that download step's (PTH003 reports the URL), no PTH006 of their own. Unguarded, a
    folder beside an extraction into the working directory is no file of the archive's."""
    download = ("import tarfile, pickle\nfrom os.path import isdir, isfile\nfrom urllib.request import urlretrieve\n"
                "folder = 'cifar-10-batches-py'\n"
                "if not isfile('cifar.tar.gz'):\n    urlretrieve('https://example.org/cifar.tar.gz', 'cifar.tar.gz')\n")
    guarded = download + "if not isdir(folder):\n    with tarfile.open('cifar.tar.gz') as tar:\n        tar.extractall()\n"
    read = "with open(folder + '/test_batch', mode='rb') as f:\n    batch = pickle.load(f)"
    assert [c for c, _, _ in found(audit((guarded, read)))] == ["PTH003"]
    unguarded = download + "with tarfile.open('cifar.tar.gz') as tar:\n    tar.extractall()\n"
    assert "PTH006" in [c for c, _, _ in found(audit((unguarded, read)))]


def test_a_member_named_as_its_downloaded_archive_is_read_back() -> None:
    """Fair check 35, item 104: a `%%bash` cell's `wget …/AirQualityUCI.zip` and `unzip
    AirQualityUCI.zip`, then `pd.read_csv('AirQualityUCI.csv')`: the bare file named as the archive
    is its member, read back: the download's (PTH003), no PTH006. Without the extraction, the read
    is a path of its own."""
    fetch = "%%bash\nwget https://example.org/data/AirQualityUCI.zip\n"
    read = "import pandas as pd\ndf = pd.read_csv('AirQualityUCI.csv', sep=';')"
    assert [c for c, _, _ in found(audit((fetch + "unzip AirQualityUCI.zip", read)))] == ["PTH003"]
    assert [c for c, _, _ in found(audit((fetch, read)))] == ["PTH003", "PTH006"]


def test_the_destination_a_download_helper_writes_and_the_notebook_reads_back_is_the_downloads() -> None:
    """Fair check 33, item 83: `save_image(url, image_path)`, the notebook's helper writing the
    `requests.get` body to `image_path`, then `encode(image_path)` reading it back: the download's
    destination (PTH003 reports the URL through the helper), no PTH006 of its own."""
    helpers = ("import requests, base64\n\ndef save_image(url, image_path):\n    response = requests.get(url, stream=True)\n"
               "    with open(image_path, 'wb') as file:\n        file.write(response.content)\n\n"
               "def encode(image_path):\n    with open(image_path, 'rb') as f:\n        return base64.b64encode(f.read())")
    use = ("url = 'https://example.org/photos/room.jpg'\nimage_path = './images/room.jpg'\nsave_image(url, image_path)\n"
           "image = encode(image_path)")
    other = "url = 'https://example.org/photos/text.jpg'\nimage_path = './images/text.jpg'\nsave_image(url, image_path)\nimage = encode(image_path)"
    codes = [c for c, _, _ in found(audit((helpers, use, other)))]
    assert "PTH003" in codes and "PTH006" not in codes, codes


def test_a_sys_path_entry_into_a_gitpython_clone_is_the_clones() -> None:
    """Fair check 35, item 88: `Repo.clone_from(url, local_repository)` then `sys.path.insert(0,
    'temp/seq2seq/nmt/')`, a folder inside the clone: the notebook runs code it clones, PTH007's
    finding (the edit related), as after `!git clone URL temp/seq2seq`; no PTH005 of its own."""
    cells = ("import os, sys\nlocal_repository = 'temp/seq2seq'",
             "if not os.path.exists(local_repository):\n    from git import Repo\n"
             "    Repo.clone_from('https://github.com/tensorflow/nmt/', local_repository)\n"
             "    sys.path.insert(0, 'temp/seq2seq/nmt/')\nimport nmt_utils")
    diagnostics = audit(cells, [*PATH_RULES, RuntimeDownload])
    assert "PTH005" not in [c for c, _, _ in found(diagnostics)]
    clone = next(d for d in diagnostics if d.code == "PTH007")
    assert (2, 4) in {(c, line) for c, line, _ in ((r.cell, r.line, r.column) for r in clone.related)}


def test_the_guard_of_an_extraction_is_the_archives_too() -> None:
    """Fair check 35, item 101's class: the literal of `if not os.path.isdir('aclImdb'):` over the
    extraction into the working directory is the test whether that step ran, no path of its own."""
    cells = ("import os, tarfile, urllib.request\ntarget = 'aclImdb_v1.tar.gz'\n"
             "urllib.request.urlretrieve('https://example.org/aclImdb_v1.tar.gz', target)",
             "if not os.path.isdir('aclImdb'):\n    with tarfile.open(target, 'r:gz') as tar:\n        tar.extractall()",
             "basepath = 'aclImdb'\nfiles = os.listdir(os.path.join(basepath, 'train'))")
    assert "PTH006" not in [c for c, _, _ in found(audit(cells))]


def _audit_named(path: str, cells: tuple[str, ...]):
    """PTH006's findings of a notebook saved under `path` (the notebook's name is the signal)."""
    import json

    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.engine import audit_notebook
    from nbrefactor.audit.loader import parse_notebook
    from nbrefactor.audit.project import ProjectContext
    from nbrefactor.audit.rules import Example
    from nbrefactor.config import Settings

    nb = parse_notebook(path, json.dumps(Example(cells=cells).notebook_json()).encode("utf-8"))
    result = audit_notebook(nb, Settings(), ProjectContext(), load_catalog(), rules=list(PATH_RULES)).result
    return [(d.location.cell, d.location.line) for d in result.diagnostics if d.code == "PTH006"]


def test_a_library_tours_write_nothing_reads_is_the_demonstration() -> None:
    """Fair check 29, items 88, 107; fair check 38, item 113 (library-tour-io-demo): `df.to_csv('foo.csv')`
    in `Pandas.ipynb`, `plt.savefig('./sine.pdf')` in `Matplotlib.ipynb`, read by nothing: the tour
    shows the API. The same write in a notebook named otherwise, or read back anywhere, stays."""
    cells = ("import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})\ndf.to_csv('foo.csv')",)
    assert _audit_named("machine_learning/Pandas/Pandas.ipynb", cells) == []
    assert _audit_named("Introduction-to-pandas.ipynb", cells) == []
    assert _audit_named("sales_analysis.ipynb", cells) == [(1, 3)]
    assert _audit_named("Pandas.ipynb", cells + ("!head foo.csv",)) != []
    figure = ("import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.savefig('./sine.pdf')",)
    assert _audit_named("Matplotlib.ipynb", figure) == []
    # (a pandas write in a Matplotlib tour is not the library's)
    assert _audit_named("Matplotlib.ipynb", cells) == [(1, 3)]
