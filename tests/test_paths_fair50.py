"""Path-family classes of fair check 50."""

from __future__ import annotations

from test_rules_paths import PATH_RULES, audit, found  # noqa: F401


def test_the_repositorys_own_lfs_file_from_media_githubusercontent_is_its_committed_copy(tmp_path) -> None:
    """Fair check 50, items 95, 96, 98, 99 (message defects): `media.githubusercontent.com/media/<owner>/
    <repo>/<branch>/<path>` serves a Git LFS file of the repository as raw.githubusercontent.com
    does any other: a file of that name beside the notebook, or at that path in the repository, is
    the committed copy the message points at."""
    from nbrefactor.audit.project import ProjectContext, with_downloads_present

    (tmp_path / ".git").mkdir()
    (tmp_path / "25-Stock").mkdir()
    (tmp_path / "25-Stock" / "RELIANCE.csv").write_text("a\n", encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.csv").write_text("a\n", encoding="utf-8")
    nb = tmp_path / "25-Stock" / "nb.ipynb"
    sources = ["!wget https://media.githubusercontent.com/media/me/projects/master/25-Stock/RELIANCE.csv",
               "url = 'https://media.githubusercontent.com/media/me/projects/refs/heads/main/data/train.csv'"]
    project = with_downloads_present(ProjectContext(), nb, sources)
    assert "RELIANCE.csv" in project.committed_copies
    assert dict(project.committed_repo_copies).get("data/train.csv") == "../data/train.csv"


def test_wgets_numbered_copy_of_a_download_is_the_downloads_file() -> None:
    """Fair check 50, item 110: `!wget …/image.png` into a folder already holding `image.png` saves
    `image.png.1`, and `cv2.imread('image.png.1')` reads that download: one step with the PTH003,
    no PTH006 of its own."""
    cells = ("!wget https://raw.githubusercontent.com/me/projects/master/5-OCR/image.png",
             "import cv2\nimage = cv2.imread('image.png.1')\nprint(image.shape)")
    assert [c for c, _, _ in found(audit(cells))] == ["PTH003"]
    other = (cells[0], cells[1].replace("image.png.1", "photo.png.1"))
    assert "PTH006" in [c for c, _, _ in found(audit(other))]


def test_a_cd_excursion_across_cells_over_shell_lines_and_imports_ends_where_it_started() -> None:
    """Fair check 50, items 100, 101: `%cd dataset` in one cell, `%cd ..` a few cells later, with
    only `!kaggle` lines and imports of installed libraries between: no Python reads a path in the
    folder, and the kernel ends where it started. A Python line reading a path there, or an import
    of a module the folder may hold, keeps the finding."""
    cells = ("!mkdir dataset\n%cd dataset", "import numpy as np\nimport os", "!kaggle datasets list -s x",
             "!kaggle datasets download o/x\n%cd ..", "!unzip dataset/x.zip -d dataset")
    assert "PTH004" not in [c for c, _, _ in found(audit(cells))]
    reading = cells[:2] + ("print(os.listdir('.'))",) + cells[3:]
    assert "PTH004" in [c for c, _, _ in found(audit(reading))]
    local = (cells[0], "import helpers") + cells[2:]
    assert "PTH004" in [c for c, _, _ in found(audit(local))]


def test_output_folders_given_to_one_call_are_one_output_root() -> None:
    """Fair check 50, item 121 (cwd-outputs-split-per-file): `saved_plot_folder="All_plots/…"` and
    `saved_data_folder="All_results/…"` of one call are the call's outputs, one root to configure: one
    finding at the first, the other related. Its input `folder="prepared_data/…"` keeps its own
    finding (item 128 of the sibling notebook is R), and so do output folders of two calls."""
    cells = ("import helpers as js\nmodel = js.GM()\n"
             "model.run(folder='prepared_data/p1/SiouxFall',\n"
             "          saved_plot_folder='All_plots/Plots1/exp',\n"
             "          saved_data_folder='All_results/Results1/data')",)
    assert [line for c, _, line in found(audit(cells)) if c == "PTH006"] == [3, 4]
    split = (cells[0].replace(",\n          saved_data_folder='All_results/Results1/data')", ")")
             + "\nmodel.export(saved_data_folder='All_results/Results1/data')",)
    assert len([c for c, _, _ in found(audit(split)) if c == "PTH006"]) == 3


def test_folders_keras_training_callbacks_write_are_one_output_root() -> None:
    """Fair check 50, item 107 (cwd-outputs-split-per-file): TensorBoard's `logs/` and
    ModelCheckpoint's `models/` are the one training's logs and checkpoints: one finding, at the
    first (item 127, R), the checkpoints related. A folder another call writes stays its own."""
    cells = ("from tensorflow.keras.callbacks import TensorBoard, ModelCheckpoint\nname = 'run1'",
             "tensorboard = TensorBoard(log_dir=f'logs/{name}')",
             "checkpoint = ModelCheckpoint('models/{}.model'.format(name), save_best_only=True)")
    assert [cell for c, cell, _ in found(audit(cells)) if c == "PTH006"] == [2]
    other = cells[:2] + ("import pandas as pd\npd.DataFrame().to_csv(f'results/{name}.csv')",)
    assert len([c for c, _, _ in found(audit(other)) if c == "PTH006"]) == 2
