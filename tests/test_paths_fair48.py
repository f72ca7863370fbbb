"""Fair check 48's path and download classes (PTH001-PTH008): one finding per root cause."""

from __future__ import annotations

from test_rules_paths import PATH_RULES, audit, found
from nbrefactor.audit.rules.downloads import RuntimeDownload

ALL = (*PATH_RULES, RuntimeDownload)


def test_torchvision_weights_of_many_models_are_one_finding() -> None:
    """Fair check 48, items 124, 126-128, 130: a notebook building twenty torchvision models with
    `pretrained=True`, one per cell, needs one thing: the network or a provisioned torch cache.
    One finding at the first model, the others related."""
    cells = ("from torchvision import models",
             "alexnet = models.alexnet(pretrained=True)",
             "vgg11 = models.vgg11(pretrained=True)",
             "resnet18 = models.resnet18(weights='IMAGENET1K_V1')",
             "vgg11b = models.vgg11(pretrained=True)")
    hits = [d for d in audit(cells, [RuntimeDownload]) if d.code == "PTH007"]
    assert found(hits) == [("PTH007", 2, 1)]
    assert len(hits[0].related) == 3
    assert "so do the notebook's 2 other torchvision models" in hits[0].message
    # the same model spelled through another name is the same model built again, not another one
    again = ("import torchvision\nfrom torchvision import models", "net = models.resnet18(pretrained=True)",
             "vgg = models.vgg16(pretrained=True)", "net = torchvision.models.resnet18(pretrained=True)")
    hit = next(d for d in audit(again, [RuntimeDownload]) if d.code == "PTH007")
    assert "so does the notebook's other torchvision model built" in hit.message and "cell 4 builds the same" in hit.message


def test_a_url_given_to_gdown_is_pth003s_alone() -> None:
    """Fair check 48, item 125: `gdown.download(url, output)` of a Drive URL bound above is PTH003's
    finding (the URL, the call related); PTH007 does not report the call again. A Drive id alone
    (`id=`) names no URL PTH003 could see: PTH007's."""
    cells = ("import gdown",
             "output = 'images.zip'\nurl = 'https://drive.google.com/uc?id=abc&export=download'\ngdown.download(url, output, quiet=True)",
             "gdown.download('https://drive.google.com/uc?id=def', 'masks.zip')",
             "gdown.download(id='ghi', output='more.zip')")
    diagnostics = audit(cells, ALL)
    assert [(c, cell) for c, cell, _ in found(diagnostics) if c in ("PTH003", "PTH007")] == [
        ("PTH003", 2), ("PTH003", 3), ("PTH007", 4)]


def test_a_literal_concatenated_into_sys_path_is_pth005s() -> None:
    """Fair check 48, item 81: `sys.path = ['/app/src'] + sys.path` is PTH005's finding, its
    literal the entry, as for `sys.path.insert(0, '/app/src')`: no PTH001 of its own."""
    for edit in ("sys.path = ['/app/src'] + sys.path", "sys.path += ['/app/src']", "sys.path[:0] = ['/app/src']",
                 "sys.path.insert(0, '/app/src')"):
        diagnostics = audit(("import sys\n" + edit + "\nimport utils",))
        assert [c for c, _, _ in found(diagnostics)] == ["PTH005"], edit
    # a literal the line uses otherwise stays PTH001's
    diagnostics = audit(("import sys\nsys.path = ['/app/src'] + sys.path\ndata = open('/app/src/data.csv').read()",))
    assert ("PTH001", 1, 3) in found(diagnostics)


def test_a_sys_path_edit_in_a_function_nothing_calls_edits_nothing() -> None:
    """Fair check 48, item 98: `sys.path.insert` in the body of `go_up_from_current_directory`, which
    no cell calls (the notebook's only function): the import path is never edited. Called, it is."""
    body = ("def go_up(*, go_up: int = 1) -> None:\n    import os\n    import sys\n"
            "    sys.path.insert(0, os.path.abspath(os.path.join('..', '../' * go_up)))")
    assert [c for c, _, _ in found(audit((body, "import torch")))] == []
    assert [c for c, _, _ in found(audit((body, "go_up(go_up=2)\nimport helpers")))] == ["PTH005"]


def test_a_cd_excursion_over_shell_lines_and_prints_ends_where_it_started() -> None:
    """Fair check 48, items 96, 97: `%cd temp_repo` … `%cd ..` in one cell with only `!git`/`!mv`
    lines and `print("…")` calls between: no Python reads a path in the folder, and the kernel ends
    where it started. A Python line reading a path there keeps the finding."""
    cell = ("print('Cloning...')\n!git clone --no-checkout --depth 1 https://github.com/o/r.git temp_repo\n"
            "%cd temp_repo\nprint('Setting sparse checkout...')\n!git sparse-checkout set data\n"
            "print(\"Moving 'data' folder...\")\n!mv data /content/data\n%cd ..\n!rm -rf temp_repo")
    assert "PTH004" not in [c for c, _, _ in found(audit((cell,)))]
    reading = cell.replace("print('Setting sparse checkout...')", "print(open('README.md').read())")
    assert "PTH004" in [c for c, _, _ in found(audit((reading,)))]


def test_the_destination_of_an_object_store_copy_is_the_copys() -> None:
    """Fair check 48, item 117: `!aws s3 cp s3://b/x.jsonl data/x.jsonl`, then the notebook reads
    'data/x.jsonl' (through a constant): PTH003 reports the copy; the read is its related location,
    as a read of a `!wget -O` destination is."""
    cells = ("import pandas as pd\n!aws s3 cp s3://team-bucket/prod/2019_x.jsonl data/x.jsonl",
             "profiles = 'data/x.jsonl'\ndf = pd.read_json(profiles, lines=True)",
             "!gsutil cp gs://team-bucket/y.csv .",
             "other = pd.read_csv('y.csv')")
    diagnostics = audit(cells)
    assert [(c, cell) for c, cell, _ in found(diagnostics)] == [("PTH003", 1), ("PTH003", 3)]
    related = {(r.cell, r.line) for d in diagnostics for r in d.related}
    assert (2, 1) in related or (2, 2) in related
    assert (4, 1) in related


def test_a_torchtext_dataset_given_root_downloads_and_its_files_are_the_downloads() -> None:
    """Fair check 48, item 101: `YelpReviewPolarity(root='.', split=(…))` fetches the archive into
    root (torchtext 0.9+ has no `download=` switch): PTH007 reports it, and reading its train.csv
    back under that root is the download's, not a PTH006 of its own."""
    cells = ("import pandas as pd\nfrom torchtext.datasets import YelpReviewPolarity",
             "YelpReviewPolarity(root='.', split=('train', 'test'))\n"
             "train = pd.read_csv('YelpReviewPolarity/yelp_review_polarity_csv/train.csv')\n"
             "test = pd.read_csv('YelpReviewPolarity/yelp_review_polarity_csv/test.csv')")
    diagnostics = audit(cells, ALL)
    assert [(c, cell) for c, cell, _ in found(diagnostics)] == [("PTH007", 2)]


def test_a_google_drive_downloader_fetch_is_a_download_and_its_destination_the_downloads() -> None:
    """Fair check 48, item 123: `gdd.download_file_from_google_drive(file_id=…, dest_path=DATA_PATH)`
    under `if not Path(DATA_PATH).is_file():` fetches a Drive file at run time (PTH007); DATA_PATH,
    read back below, is that download's destination, not a PTH006 of its own."""
    cells = ("from pathlib import Path\nfrom google_drive_downloader import GoogleDriveDownloader as gdd",
             "DATA_PATH = 'data/english_to_french.txt'\nif not Path(DATA_PATH).is_file():\n"
             "    gdd.download_file_from_google_drive(\n        file_id='1Jf7QoW2NK6_ayEXZji6DAXDSIRMvapm3',\n"
             "        dest_path=DATA_PATH,\n    )",
             "text = open(DATA_PATH).read()")
    diagnostics = audit(cells, ALL)
    assert [(c, cell) for c, cell, _ in found(diagnostics)] == [("PTH007", 2)]


def test_a_loopback_tracking_uri_of_the_server_the_notebook_starts_is_no_finding() -> None:
    """Fair check 48, item 133: `MLFLOW_TRACKING_URI = 'http://127.0.0.1:5000'`, the address the
    `mlflow server` the notebook launches (`subprocess.Popen([...])`, defaults 127.0.0.1:5000, or
    `!mlflow ui --port 8080`) listens on: no external endpoint. Another port stays reported."""
    from nbrefactor.audit.rules.paths import TrackingServerUri
    popen = ("import subprocess\nsubprocess.Popen(['mlflow', 'server', '--backend-store-uri', 'sqlite:///mlflow.db',"
             " '--default-artifact-root', 's3://bucket'])")
    uri = "import mlflow\nMLFLOW_TRACKING_URI = 'http://127.0.0.1:5000'\nmlflow.set_tracking_uri(MLFLOW_TRACKING_URI)"
    assert audit((uri, popen), [TrackingServerUri]) == []
    assert audit(("!mlflow ui --port 8080 &", "import mlflow\nmlflow.set_tracking_uri('http://localhost:8080')"), [TrackingServerUri]) == []
    assert len(audit((uri.replace("5000", "5001"), popen), [TrackingServerUri])) == 1
    assert len(audit((uri,), [TrackingServerUri])) == 1


def test_fetch_openml_by_data_id_names_a_fixed_version() -> None:
    """Fair check 48, item 129: `fetch_openml(data_id=1590)` names one OpenML dataset version,
    whose data never changes: the message says the network/cache dependency, not "whatever the
    remote side serves on the day"."""
    cells = ("from sklearn.datasets import fetch_openml\ndf = fetch_openml(data_id=1590, as_frame=True)",)
    hits = [d for d in audit(cells, [RuntimeDownload]) if d.code == "PTH007"]
    assert len(hits) == 1
    assert "whatever the remote side serves" not in hits[0].message
    assert "`data_id=1590`" in hits[0].message and "scikit-learn's local cache" in hits[0].message


def test_the_repositorys_own_file_under_a_moved_branch_ref_or_a_committed_destination_is_its_committed_copy(tmp_path) -> None:
    """Fair check 48, items 87, 93 (message defects): the repository's own file fetched as
    `…/raw/refs/heads/main/Python/sampling/data/attrition.feather` (the `refs/heads/<branch>`
    form, under an older repository name) is found at its committed path; an unquoted `!wget URL
    -O data/sales.csv` whose destination is committed says that each run overwrites that copy."""
    from nbrefactor.audit.project import ProjectContext, with_downloads_present

    (tmp_path / ".git").mkdir()
    (tmp_path / "Python" / "sampling" / "data").mkdir(parents=True)
    (tmp_path / "Python" / "sampling" / "data" / "attrition.feather").write_bytes(b"x")
    (tmp_path / "Python" / "sampling" / "data" / "sales.csv").write_text("a\n", encoding="utf-8")
    nb = tmp_path / "Python" / "sampling" / "nb.ipynb"
    wget = "https://raw.githubusercontent.com/me/Datacamp-Notebooks/refs/heads/main/Python/Data%20Sampling/data/sales.csv"
    sources = ["url = 'https://github.com/me/old-name/raw/refs/heads/main/Python/sampling/data/attrition.feather'",
               f"!wget -q {wget} -O data/sales.csv\n!wget -q https://h.org/gone.csv -O data/gone.csv"]
    project = with_downloads_present(ProjectContext(), nb, sources)
    assert dict(project.committed_repo_copies).get("Python/sampling/data/attrition.feather") == "data/attrition.feather"
    assert project.committed_destinations == ((wget, "data/sales.csv"),)


def test_an_xarray_save_and_load_round_trip_of_a_tour_is_a_lesson() -> None:
    """Fair check 48, item 106: `ds.to_netcdf('example.nc')` under "Saving and loading", then
    `x = xr.open_dataset('example.nc')` in the next code cell, only displayed: the tour's
    demonstration (io-lesson-demo), once xarray's save and load are catalogued."""
    cells = ("import numpy as np\nimport xarray as xr\nds = xr.Dataset({'bar': ('x', [1, 2])})",
             "ds.to_netcdf('example.nc')",
             "x = xr.open_dataset('example.nc')\nx",
             "latitude = [f'lat_{x}' for x in range(5)]")  # (another `x`, the comprehension's own)
    assert [c for c, _, _ in found(audit(cells))] == []
    # read back and used by later code: a file of the pipeline, reported
    used = cells[:2] + ("x = xr.open_dataset('example.nc')\nmean = x['bar'].mean()",)
    assert [c for c, _, _ in found(audit(used))] == ["PTH006"]


def test_a_sqlite_scratch_database_whose_tables_each_cell_creates_and_drops_is_no_finding() -> None:
    """Fair check 48, item 115: `with connect('test.db') as conn:` in a context-manager lesson,
    which creates table `point`, queries it and drops it in the same cell: the database is the
    demo's prop, left as it was found. A database a cell fills and keeps stays reported."""
    demo = ("from sqlite3 import connect\nwith connect('test.db') as conn:\n    cur = conn.cursor()\n"
            "    cur.execute('Create table point (x int, y int)')\n    cur.execute('insert into point (x,y) values(1,1)')\n"
            "    for row in cur.execute('select x,y from point'):\n        print(row)\n    cur.execute('drop table point')")
    assert [c for c, _, _ in found(audit((demo,)))] == []
    kept = demo.replace("\n    cur.execute('drop table point')", "")
    assert [c for c, _, _ in found(audit((kept,)))] == ["PTH006"]


def test_folders_filled_from_the_notebooks_own_extract_are_the_downloads() -> None:
    """Fair check 48, item 121: `!wget …/train.zip`, `extractall('.')`, then `os.makedirs('val/dogs')`
    and `os.rename(f'train/dog.{i}.jpg', f'val/dogs/dog.{i}.jpg')`, read back later: folders the
    notebook makes and fills from its own extract are that download's (PTH003's finding), related,
    not PTH006 findings of their own, sibling folders included."""
    cells = ("!wget https://github.com/o/large-datasets/releases/download/dogs-cats/train.zip",
             "import zipfile\nwith zipfile.ZipFile('train.zip', 'r') as zip_ref:\n    zip_ref.extractall('.')",
             "import os\nos.makedirs('train/dogs')\nos.makedirs('val/dogs')\nos.makedirs('val/cats')",
             "for i in range(0, 10000):\n    os.rename(f'train/dog.{i}.jpg', f'train/dogs/dog.{i}.jpg')\n"
             "for i in range(10000, 12500):\n    os.rename(f'train/dog.{i}.jpg', f'val/dogs/dog.{i}.jpg')\n"
             "    os.rename(f'train/cat.{i}.jpg', f'val/cats/cat.{i}.jpg')",
             "import pandas as pd\nimages = os.listdir('val/dogs')\ncats = os.listdir('./val/cats')",
             "path = './val/cats/cat.10222.jpg'\nimg = open(path, 'rb').read()")
    diagnostics = audit(cells)
    assert [c for c, _, _ in found(diagnostics)] == ["PTH003"]
    related = {(r.cell, r.line) for d in diagnostics for r in d.related}
    assert {(3, 3), (4, 4), (5, 2)} <= related
