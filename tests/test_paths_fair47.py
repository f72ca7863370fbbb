"""Fair check 47's classes of the path rules (PTH001, PTH002, PTH004, PTH006): a path the notebook
itself fetched or unpacked is the download's, a settings root named once is one finding, a constant
nothing reads is no path."""

from __future__ import annotations

from test_rules_paths import audit, found


def test_a_fetched_file_copied_into_a_folder_is_the_downloads():
    # fair check 47, item 100: `!wget` saves train.txt, `!cp` puts it into data/classes, read there
    cells = (
        "!wget https://raw.githubusercontent.com/o/r/master/data/classes/train.txt\n"
        "!wget https://raw.githubusercontent.com/o/r/master/data/classes/test.txt\n"
        "!mkdir data data/classes\n!cp train.txt data/classes\n!mv test.txt data/classes/",
        "train = open('data/classes/train.txt').read()\ntest = open('data/classes/test.txt').read()",
    )
    diagnostics = audit(cells)
    assert [c for c, _, _ in found(diagnostics)] == ["PTH003"]
    related = {(r.cell, r.line) for d in diagnostics for r in d.related}
    assert (2, 1) in related
    # a file the notebook did not fetch, copied so, stays reported
    assert "PTH006" in [c for c, _, _ in found(audit((cells[0].replace("!cp train.txt", "!cp other.txt"), "x = open('data/classes/other.txt').read()")))]


def test_the_stem_of_an_archive_python_extracts_into_the_working_directory_is_the_downloads():
    # fair check 47, item 101: as `!unzip pizza_steak.zip` is
    cells = (
        "import zipfile\n!wget https://storage.googleapis.com/c/pizza_steak.zip\n"
        "zip_ref = zipfile.ZipFile('pizza_steak.zip', 'r')\nzip_ref.extractall()\nzip_ref.close()",
        "import os\nfor d, _, fs in os.walk('pizza_steak'):\n    print(d, len(fs))",
        "n = len(os.listdir('pizza_steak/train/steak'))",
    )
    diagnostics = audit(cells)
    assert [c for c, _, _ in found(diagnostics)] == ["PTH003"]
    # an archive of the same name the notebook did not fetch stays reported
    assert "PTH006" in [c for c, _, _ in found(audit((cells[0].replace("!wget", "#"), *cells[1:])))]


def test_the_folder_opendatasets_saves_into_is_the_downloads():
    # fair check 47, item 115: `od.download(url)` saves into the URL's last segment
    cells = (
        "import opendatasets as od\nimport os\nimport pandas as pd",
        "od.download('https://www.kaggle.com/c/rossmann-store-sales')",
        "os.listdir('rossmann-store-sales')",
        "df = pd.read_csv('./rossmann-store-sales/train.csv')",
    )
    assert "PTH006" not in [c for c, _, _ in found(audit(cells))]
    # another folder stays reported
    assert "PTH006" in [c for c, _, _ in found(audit((*cells[:3], "df = pd.read_csv('./other/train.csv')")))]


def test_a_dotenv_file_probed_for_python_dotenv_is_no_data_path():
    # fair check 47, item 125
    cells = ("import os\nif os.path.exists('.env'):\n    from dotenv import load_dotenv\n    load_dotenv()",)
    assert found(audit(cells)) == []
    # without python-dotenv it is a file like any other
    assert [c for c, _, _ in found(audit(("import os\nif os.path.exists('.env'):\n    print(open('.env').read())",)))] == ["PTH006"]


def test_a_folder_below_the_working_directory_only_made_is_no_finding():
    # fair check 47, item 113: `os.makedirs` of a folder nothing else names
    cells = (
        "import os\ndata_folder = os.path.join(os.getcwd(), 'data/news')\nprint(data_folder)\nos.makedirs(data_folder, exist_ok=True)",
    )
    assert found(audit(cells)) == []
    # a folder the notebook then writes into stays reported
    written = (cells[0] + "\nopen(os.path.join(data_folder, 'x.csv'), 'w').write('a')",)
    assert [c for c, _, _ in found(audit(written))] == ["PTH006"]


def test_a_download_root_through_a_constant_made_ready_for_it_is_the_downloads():
    # fair check 47, item 102: `root = './data'` tested, made, then only the root of one download=True dataset
    cells = (
        "import os\nimport torchvision.datasets as dset\nroot = './data'\nif not os.path.exists(root):\n    os.mkdir(root)\n"
        "train = dset.MNIST(root=root, train=True, download=True)\ntest = dset.MNIST(root=root, train=False, download=True)",
    )
    assert "PTH006" not in [c for c, _, _ in found(audit(cells))]
    # a root also read otherwise stays reported
    read = (cells[0] + "\nprint(open(os.path.join(root, 'notes.txt')).read())",)
    assert "PTH006" in [c for c, _, _ in found(audit(read))]


def test_the_folder_a_helper_extracts_an_archive_into_is_the_archives():
    # fair check 47, items 105, 114: `extract_zip(filepath=archive, folder="./data")`, as `extractall("./data")`
    cells = (
        "import so_ml_tools as soml\n"
        "soml.util.io.download_file(source='https://storage.googleapis.com/c/food.zip', filepath='./food.zip')\n"
        "soml.util.io.extract_zip(filepath='./food.zip', folder='./data')\ntrain_dir = './data/food/train'",
        "import pandas as pd\ndf = pd.read_csv(train_dir + '/x.csv')",
    )
    diagnostics = [d for d in audit(cells) if d.code == "PTH006"]
    assert [(d.location.cell, d.location.line) for d in diagnostics] == [(1, 2)]
    assert {(1, 3), (1, 4), (2, 2)} <= {(r.cell, r.line) for r in diagnostics[0].related}
    # a call that names no archive is no extraction
    other = (cells[0].replace("extract_zip(filepath='./food.zip'", "extract_zip(filepath='./food.csv'"), cells[1])
    assert len([d for d in audit(other) if d.code == "PTH006"]) == 2


def test_a_legacy_openers_retrieve_is_a_download():
    # fair check 47, item 103: `URLopener().retrieve(url, file)` is `urlretrieve` by another name
    cells = (
        "import urllib.request\nimport tarfile\nMODEL_FILE = 'ssd_mobilenet.tar.gz'\nBASE = 'http://download.example.org/models/'",
        "opener = urllib.request.URLopener()\nopener.retrieve(BASE + MODEL_FILE, MODEL_FILE)",
        "tar_file = tarfile.open(MODEL_FILE)",
    )
    assert [c for c, _, _ in found(audit(cells))] == ["PTH003"]
    # `retrieve` of another object is no download
    other = (cells[0], "from llama_index import Index\nopener = Index()\nopener.retrieve(BASE + MODEL_FILE, MODEL_FILE)", cells[2])
    assert "PTH003" not in [c for c, _, _ in found(audit(other))]


def test_paths_under_an_own_top_level_folder_two_deep_are_one_root_across_cells():
    # fair check 47, items 85, 87: `/shared/data` (a cluster's shared mount) named in several cells
    cells = (
        "test_dir = '/shared/data/test_data/'\ndf_test.to_csv(test_dir)",
        "with open('/shared/data/test.csv', 'w') as fp:\n    fp.write('x')",
        "dirname = '/shared/data/pubmed/abstracts/'\nimport os\nos.makedirs(dirname)",
    )
    pth001 = [d for d in audit(cells) if d.code == "PTH001"]
    assert [(d.location.cell, d.location.line) for d in pth001] == [(1, 1)]
    assert {2, 3} <= {r.cell for r in pth001[0].related}
    # a system folder two deep holds unrelated things: `/usr/share/fonts`, `/usr/share/dict`
    system = ("f = open('/usr/share/dict/words').read()", "g = open('/usr/share/fonts/x.ttf', 'rb').read()")
    assert len([d for d in audit(system) if d.code == "PTH001"]) == 2


def test_a_path_constant_nothing_reads_is_no_finding():
    # fair check 47, items 88, 91: a user's path bound to a name no code or shell line reads
    cells = (
        "location = '/Users/YourUsername/Desktop/RocketML/config.py'",
        "!cfncluster create RmlCluster -config location",
    )
    assert [c for c, _, _ in found(audit(cells))] == []
    # read by a shell line (`$location`) or by code, it stays reported
    assert [c for c, _, _ in found(audit((cells[0], "!cfncluster create RmlCluster -config $location")))] == ["PTH002"]
    assert [c for c, _, _ in found(audit((cells[0], "print(open(location).read())")))] == ["PTH002"]


def test_sibling_folder_settings_of_one_cell_right_below_a_home_are_one_finding():
    # fair check 47, item 92
    cells = (
        "AudiodirName = '/home/ubuntu/SoundDir'\nModeldirName = '/home/ubuntu/deepspeech'\nDirList = [AudiodirName, ModeldirName]",
        "import os\nfor d in DirList:\n    os.mkdir(d)",
    )
    pth002 = [d for d in audit(cells) if d.code == "PTH002"]
    assert [(d.location.cell, d.location.line) for d in pth002] == [(1, 1)]
    # files right below a home stay settings of their own (fair check 9)
    files = ("train = '/home/ubuntu/train.csv'\nvalid = '/home/ubuntu/valid.csv'\nimport pandas as pd\na, b = pd.read_csv(train), pd.read_csv(valid)",)
    assert len([d for d in audit(files) if d.code == "PTH002"]) == 2


def test_a_change_into_a_reported_constants_folder_is_that_findings():
    # fair check 47, items 97, 98: `os.chdir(way)` with `way` a PTH002-reported folder
    cells = (
        "import os\nimport numpy as np\nway = '/home/ann/kaggle/sisr/data'",
        "os.chdir(way)\nnp.save('x1.npy', np.zeros(3))",
        "os.chdir(way)\nnp.save('y.npy', np.zeros(3))",
    )
    diagnostics = audit(cells)
    assert [c for c, _, _ in found(diagnostics)] == ["PTH002"]
    assert {(2, 1), (3, 1)} <= {(r.cell, r.line) for r in diagnostics[0].related}
    # a change into a folder joined below it stays PTH004's
    joined = (cells[0], "os.chdir(way + '/bsd200')", "x = np.load('x1.npy')")
    assert "PTH004" in [c for c, _, _ in found(audit(joined))]


def test_a_change_into_a_reported_constants_folder_a_later_cell_relies_on_stays_pth004():
    # fair check 47, item 99 (R): `os.chdir(ModeldirName)`, then `!tar -xvzf …` in the next cell; the line
    # above it moved a script out of the start folder, and a later cell moves again
    cells = (
        "import os, subprocess\nAudiodirName = '/home/ubuntu/SoundDir'\nModeldirName = '/home/ubuntu/deepspeech'",
        "subprocess.call(['mv', 'transcribe.py', AudiodirName])\nos.chdir(ModeldirName)\n!wget https://example.org/models.tar.gz",
        "!tar -xvzf models.tar.gz",
        "os.chdir(AudiodirName)\n!wget https://example.org/book.zip",
    )
    assert "PTH004" in [c for c, _, _ in found(audit(cells))]
    # without the use of the start folder above it, the second change alone keeps it
    assert "PTH004" in [c for c, _, _ in found(audit((cells[0], cells[1].split("\n", 1)[1], *cells[2:])))]
    # a shell line above it, in an earlier cell, uses the start folder too
    assert "PTH004" in [c for c, _, _ in found(audit((cells[0], "!ls", cells[1].split("\n", 1)[1], cells[2])))]


def test_the_only_change_into_a_reported_constants_folder_from_the_start_is_that_findings():
    # fair check 51, item 109 (N): the set-up cell enters the Drive project root every later cell relies on; nothing
    # before it used the start folder and the notebook never moves again: one root, PTH002's fix
    cells = (
        "# from google.colab import drive\n# drive.mount('/content/drive')",
        "import os\nproject_dir = '/content/drive/My Drive/BMG_Case_Study'\nos.chdir(project_dir)",
        "!pip install -r requirements.txt --quiet",
        "import pandas as pd\n%run model.py",
        "df = pd.read_csv('charts.csv')",
    )
    diagnostics = audit(cells)
    assert "PTH004" not in [c for c, _, _ in found(diagnostics)]
    pth002 = [d for d in diagnostics if d.code == "PTH002"]
    assert [(d.location.cell, d.location.line) for d in pth002] == [(2, 2)]
    assert (2, 3) in {(r.cell, r.line) for r in pth002[0].related}


def test_an_alternative_path_constant_beside_the_read_one_is_no_finding():
    # fair check 47, item 91: `location1` (unread) beside the `location4` the code reads
    cells = ("location1 = '/home/ubuntu/test_folder/object_detection/'\nlocation4 = '/home/ubuntu/rml/ssd/'\n"
             "import cv2\nnet = cv2.dnn.readNetFromTensorflow(location4 + 'graph.pb')",)
    assert [(c, cell, line) for c, cell, line in found(audit(cells))] == [("PTH002", 1, 2)]
    # a lone user path nothing reads is still one user's path written down
    assert [c for c, _, _ in found(audit(("location1 = '/home/ubuntu/test_folder/object_detection/'",)))] == ["PTH002"]


def test_a_data_dir_the_notebook_gives_opendatasets_stays_its_data_root():
    # fair check 37, item 128 (R): `od.download(url, './data/raw')`, the root also holds the stages written beside it
    cells = (
        "import opendatasets as od\nimport os, shutil\nimport pandas as pd",
        "od.download('https://www.kaggle.com/anmolkumar/health-insurance', './data/raw')",
        "raw_path = './data/raw/health-insurance/'\nos.listdir(raw_path)",
        "for f in os.listdir(raw_path):\n    shutil.copy(raw_path + f, './data/input/' + f)",
        "df = pd.read_csv('data/input/train.csv')",
    )
    pth006 = [d for d in audit(cells) if d.code == "PTH006"]
    assert [(d.location.cell, d.location.line) for d in pth006] == [(3, 1)]


def test_a_folder_below_the_working_directory_handed_on_by_name_stays_reported():
    # (beside item 113) `logdir` joined, made, then given to an exporter no catalogue names: it writes there
    cells = ("import os\nfrom azureml.tensorboard.export import export_to_tensorboard\nlogdir = 'exportedTBlogs'\n"
             "log_path = os.path.join(os.getcwd(), logdir)\nos.mkdir(log_path)\nexport_to_tensorboard(run, logdir)",)
    assert "PTH006" in [c for c, _, _ in found(audit(cells))]
    handed = ("import os\ndata_folder = os.path.join(os.getcwd(), 'data/news')\nos.makedirs(data_folder)\nexport(data_folder)",)
    assert "PTH006" in [c for c, _, _ in found(audit(handed))]
