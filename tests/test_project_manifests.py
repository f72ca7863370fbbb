"""nbrefactor.audit.project: manifest parsing (pure) and discovery around a notebook (files in tmp_path)."""

from __future__ import annotations

import textwrap

from nbrefactor.audit.project import (
    discover_project,
    normalise,
    parse_environment_yml,
    parse_manifest,
    parse_pyproject,
    parse_requirements_txt,
    parse_setup_cfg,
    with_installed_requirements,
)


def reqs(manifest):
    return [(r.name, r.line, r.pinned) for r in manifest.requirements]


def test_normalise_is_pep503():
    assert normalise("Scikit_Learn") == "scikit-learn"
    assert normalise("zope.interface") == "zope-interface"
    assert normalise("A--B__c..D") == "a-b-c-d"


def test_normalise_without_its_pattern_for_plain_names_is_the_pattern_on_every_name():
    """Round 25: a name without `_`, `.` or `--` skips `re.sub`; every name pipreqs' mapping, the
    installed distributions and the catalogue hold, and written edge cases, normalise as the pattern
    alone made them."""
    import re

    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.distributions import installed_distributions, pipreqs_mapping

    def by_pattern(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower().strip()

    names = {"", "-", "--", "a-", "-a", "a--b", "a-b", " A-B ", "a-_-b", "a-.b", "Äpfel-Baum", "x\u00df-y", "a\t-b", "-\n"}
    for key, candidates in pipreqs_mapping().items():
        names.add(key)
        names.update(candidates)
    for module, distributions in installed_distributions().items():
        names.add(module)
        names.update(distributions)
    stack: list = [load_catalog(()).data]  # every key and short string of the catalogue
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            names.update(str(k) for k in item)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, str) and len(item) < 80:
            names.add(item)
    assert len(names) > 1000
    plain = [n for n in names if "_" not in n and "." not in n and "--" not in n]
    assert 100 < len(plain) < len(names)
    for name in sorted(names):
        assert normalise(name) == by_pattern(name), name


def test_requirements_txt_pins_ranges_comments_and_options():
    text = textwrap.dedent(
        """\
        # comment
        numpy==1.26.4
        pandas>=2.0,<3  # a range
        scikit-learn == 1.5.1
        torch===2.3.1
        xgboost==2.*
        requests[socks]==2.32.3 ; python_version >= "3.8"
        -r other.txt
        --index-url https://example.org/simple
        -e git+https://github.com/org/repo.git#egg=repo
        mypkg @ https://example.org/mypkg-1.0.tar.gz
        lightgbm==4.1.0 \\
            --hash=sha256:0123456789abcdef
        Pillow
        """
    )
    assert reqs(parse_requirements_txt("requirements.txt", text)) == [
        ("numpy", 2, True),
        ("pandas", 3, False),
        ("scikit-learn", 4, True),
        ("torch", 5, True),
        ("xgboost", 6, False),
        ("requests", 7, True),
        ("repo", 10, False),
        ("mypkg", 11, True),
        ("lightgbm", 12, True),
        ("pillow", 14, False),
    ]


def test_requirements_pin_with_a_second_constraint_is_not_one_version():
    assert reqs(parse_requirements_txt("r.txt", "numpy==1.26.4,<2\n")) == [("numpy", 1, False)]


def test_conda_spec_list_named_requirements_txt_is_read_as_conda():
    """Fair check 25: `conda list --export` saved as requirements.txt (`conda create --name <env> --file
    requirements.txt`): its `name=version=build` lines each select one version; python is the
    interpreter, not a requirement. A pip file with a stray single `=` stays pip's."""
    export = ("# This file may be used to create an environment using:\n# $ conda create --name <env> --file <this file>\n"
              "# platform: osx-64\nnetcdf4=1.6.2=nompi_py311h41bc3eb_100\npandas=1.5.3=py311hd84f3f5_0\n"
              "pip=22.3.1=pyhd8ed1ab_0\npython=3.11.0=he7542f4_1_cpython\nutm=0.7.0=pyhd8ed1ab_0\n")
    manifest = parse_requirements_txt("requirements.txt", export)
    assert reqs(manifest) == [("netcdf4", 4, True), ("pandas", 5, True), ("utm", 8, True)]
    assert manifest.python_requires == "=3.11.0"
    # Without the header, every line in conda's shape is the same list.
    assert reqs(parse_requirements_txt("requirements.txt", "numpy=1.24.1\nscipy=1.10.0=py311h_0\n")) == [
        ("numpy", 1, True), ("scipy", 2, True)]
    # A pip file: `pandas>=2` is a range, and `numpy=1.24` is no pin to pip.
    assert reqs(parse_requirements_txt("requirements.txt", "pandas>=2\nnumpy=1.24\n")) == [("pandas", 1, False), ("numpy", 2, False)]


def test_environment_yml_conda_and_pip_sections():
    text = textwrap.dedent(
        """\
        name: demo
        channels:
          - conda-forge
        dependencies:
          - python=3.11
          - numpy=1.26.4
          - conda-forge::pandas>=2
          - pytorch=2.3.1=py3.11_cpu_0
          - scipy=1.*
          - pip
          - pip:
            - transformers==4.41.2
            - datasets>=2
          - matplotlib
        """
    )
    assert reqs(parse_environment_yml("environment.yml", text)) == [
        ("numpy", 6, True),
        ("pandas", 7, False),
        ("pytorch", 8, True),
        ("scipy", 9, False),
        ("transformers", 12, True),
        ("datasets", 13, False),
        ("matplotlib", 14, False),
    ]


def test_environment_yml_items_at_column_zero_and_deep_indentation():
    text = "name: x\ndependencies:\n- numpy=1.26\n- pip:\n  - requests==2.32.3\n- scipy\nvariables:\n  A: b\n"
    assert reqs(parse_environment_yml("environment.yml", text)) == [
        ("numpy", 3, True),
        ("requests", 5, True),
        ("scipy", 6, False),
    ]
    deep = "dependencies:\n    - numpy=1.26\n    - pip:\n        - requests>=2\n"
    assert reqs(parse_environment_yml("environment.yml", deep)) == [("numpy", 2, True), ("requests", 4, False)]


def test_pyproject_pep621_optional_groups_and_line_numbers():
    text = textwrap.dedent(
        """\
        [project]
        name = "Demo_Project"
        dependencies = [
          "numpy-financial>=1",
          "numpy==1.26.4",
          "pandas>=2",
        ]

        [project.optional-dependencies]
        plots = ["matplotlib==3.9.0"]

        [dependency-groups]
        dev = ["pytest>=8"]
        """
    )
    manifest = parse_pyproject("pyproject.toml", text)
    assert reqs(manifest) == [
        ("numpy-financial", 4, False),
        ("numpy", 5, True),
        ("pandas", 6, False),
        ("matplotlib", 10, True),
        ("pytest", 13, False),
    ]
    assert manifest.project_name == "demo-project"


def test_pyproject_poetry_versions():
    text = textwrap.dedent(
        """\
        [tool.poetry]
        name = "demo"

        [tool.poetry.dependencies]
        python = "^3.11"
        pandas = "2.2.2"
        numpy = "^1.26"
        scipy = "==1.13.1"
        torch = { version = "2.3.1", source = "pytorch" }

        [tool.poetry.group.dev.dependencies]
        pytest = ">=8"
        """
    )
    assert reqs(parse_pyproject("pyproject.toml", text)) == [
        ("pandas", 6, True),
        ("numpy", 7, False),
        ("scipy", 8, True),
        ("torch", 9, True),
        ("pytest", 12, False),
    ]


def test_a_projects_own_extras_are_no_requirement_of_it():
    """Fair check 26: feast's `image = ["feast[pytorch]", "timm>=0.6.0"]` includes another of its own
    extras; it is no requirement on a release of feast (nothing to pin, nothing declared)."""
    text = textwrap.dedent(
        """\
        [project]
        name = "Feast"
        dependencies = ["click>=7.0"]

        [project.optional-dependencies]
        pytorch = ["torch==2.2.2"]
        image = ["feast[pytorch]", "timm>=0.6.0"]
        """
    )
    manifest = parse_pyproject("pyproject.toml", text)
    assert [r.name for r in manifest.requirements] == ["click", "torch", "timm"]
    assert manifest.project_name == "feast"


def test_pyproject_without_dependencies_is_not_a_manifest():
    assert parse_pyproject("pyproject.toml", '[project]\nname = "x"\n\n[tool.nbrefactor]\n') is None
    assert parse_pyproject("pyproject.toml", "not [ toml") is None


def test_setup_cfg_install_requires_extras_and_name():
    text = textwrap.dedent(
        """\
        [metadata]
        name = demo_pkg

        [options]
        install_requires =
            numpy==1.26.4
            pandas>=2

        [options.extras_require]
        plots =
            matplotlib
        """
    )
    manifest = parse_setup_cfg("setup.cfg", text)
    assert reqs(manifest) == [("numpy", 6, True), ("pandas", 7, False), ("matplotlib", 11, False)]
    assert manifest.project_name == "demo-pkg"


def test_parse_manifest_dispatches_on_file_name():
    assert parse_manifest("a/requirements-dev.txt", "x==1\n").kind == "requirements"
    assert parse_manifest("environment.yaml", "dependencies:\n  - x\n").kind == "environment"
    assert parse_manifest("setup.cfg", "[options]\ninstall_requires = x\n").kind == "setup.cfg"


def test_discover_project_walks_up_to_the_root_and_collects_project_modules(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "requirements.txt").write_text("numpy==1.26.4\n", encoding="utf-8")
    (tmp_path / "src" / "mypkg").mkdir(parents=True)
    (tmp_path / "src" / "mypkg" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "run.py").write_text("", encoding="utf-8")  # no __init__: not a package above
    (tmp_path / "tasks.py").write_text("", encoding="utf-8")
    nbdir = tmp_path / "notebooks" / "eda"
    nbdir.mkdir(parents=True)
    (nbdir / "helpers.py").write_text("", encoding="utf-8")
    (nbdir / "requirements-nb.txt").write_text("pandas>=2\n", encoding="utf-8")
    (nbdir / "pieces").mkdir()
    (nbdir / "pieces" / "a.py").write_text("", encoding="utf-8")
    project = discover_project(nbdir / "analysis.ipynb")
    assert sorted(r.name for m in project.manifests for r in m.requirements) == ["numpy", "pandas"]
    assert project.local_modules == frozenset({"helpers", "pieces"})
    assert {"mypkg", "lib", "tasks"} <= project.project_modules
    assert "scripts" not in project.project_modules


def test_discover_project_collects_the_src_packages_of_a_sub_project_on_the_way(tmp_path):
    """Fair check 37, items 2, 8: a portfolio's sub-project with its own pyproject.toml and `src/`
    layout, its notebook in `notebooks/`; its package is the project's own, not a distribution."""
    (tmp_path / ".git").mkdir()
    sub = tmp_path / "spatial" / "disturbance-detection"
    (sub / "src" / "disturb").mkdir(parents=True)
    (sub / "src" / "disturb" / "__init__.py").write_text("", encoding="utf-8")
    (sub / "pyproject.toml").write_text('[project]\nname = "disturbance-detection"\n', encoding="utf-8")
    (sub / "notebooks").mkdir()
    # A `src/` without a build file beside it is not a sub-project.
    (tmp_path / "other" / "src" / "loose").mkdir(parents=True)
    (tmp_path / "other" / "src" / "loose" / "__init__.py").write_text("", encoding="utf-8")
    assert "disturb" in discover_project(sub / "notebooks" / "01.ipynb").project_modules
    assert "disturb" in discover_project(sub / "01.ipynb").project_modules  # the notebook beside src/
    assert "loose" not in discover_project(tmp_path / "other" / "nb" / "x.ipynb").project_modules


def test_discover_project_lists_the_unbuilt_src_modules_of_the_notebooks_sub_project(tmp_path):
    """Fair check 42, item 2: a portfolio's `projects/02-risk/src/etl.py`, no build file, the notebook
    in `projects/02-risk/notebooks/` importing `etl`: the project's own module where no distribution
    table knows the name; a sibling sub-project's `src/` is not the notebook's."""
    from nbrefactor.audit.catalog import load_catalog
    from nbrefactor.audit.distributions import import_kind

    (tmp_path / ".git").mkdir()
    sub = tmp_path / "projects" / "02-risk"
    (sub / "src").mkdir(parents=True)
    (sub / "src" / "etl.py").write_text("", encoding="utf-8")
    (sub / "src" / "requests.py").write_text("", encoding="utf-8")
    (sub / "notebooks").mkdir()
    (tmp_path / "projects" / "03-other" / "src").mkdir(parents=True)
    (tmp_path / "projects" / "03-other" / "src" / "cleaning.py").write_text("", encoding="utf-8")
    project = discover_project(sub / "notebooks" / "analysis.ipynb")
    assert project.unbuilt_src_modules == frozenset({"etl", "requests"})
    catalog = load_catalog()
    assert import_kind("etl", project=project, catalog=catalog) == "local"
    assert import_kind("requests", project=project, catalog=catalog) == "third-party"  # a name the tables know
    assert import_kind("cleaning", project=project, catalog=catalog) == "third-party"


def test_discover_project_stops_at_the_root(tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy\n", encoding="utf-8")  # above the root: ignored
    root = tmp_path / "repo"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.nbrefactor]\n", encoding="utf-8")
    project = discover_project(root / "nb.ipynb")
    assert project.manifests == ()


def test_setup_py_is_read_statically_never_run(tmp_path):
    from nbrefactor.audit.project import parse_setup_py

    marker = tmp_path / "ran"
    text = (
        "import os\n"
        f"open({str(marker)!r}, 'w').close()\n"  # would leave a file if setup.py were executed
        "from setuptools import setup\n"
        "BASE = [\n"
        "    'numpy',\n"
        "    'pandas==2.2.2',\n"
        "]\n"
        "tf_ver = '2.15'\n"
        "EXTRAS = {'plots': ('matplotlib~=3.8.0',), 'dyn': compute()}\n"
        "if os.environ.get('X'):\n"
        "    BASE.append('tensorflow>=' + tf_ver)\n"
        "setup(\n"
        "    name='demo_pkg',\n"
        "    install_requires=BASE + ['requests'],\n"
        "    extras_require=EXTRAS,\n"
        ")\n"
    )
    manifest = parse_setup_py("setup.py", text)
    assert not marker.exists()
    assert reqs(manifest) == [("numpy", 5, False), ("pandas", 6, True), ("tensorflow", 11, False),
                              ("requests", 14, False), ("matplotlib", 9, False)]
    assert manifest.kind == "setup.py" and manifest.project_name == "demo-pkg"
    assert parse_manifest("sub/setup.py", text).kind == "setup.py"


def test_setup_py_with_computed_requirements_or_no_setup_call_is_not_a_manifest():
    from nbrefactor.audit.project import parse_setup_py

    assert parse_setup_py("setup.py", "from setuptools import setup\nsetup(name='x', install_requires=open('r.txt').read().split())\n") is None
    assert parse_setup_py("setup.py", "print('a script called setup.py')\n") is None
    assert parse_setup_py("setup.py", "setup(install_requires=[\n") is None  # does not parse
    # No install_requires at all: the package declares no dependencies.
    assert reqs(parse_setup_py("setup.py", "from setuptools import setup\nsetup(name='x')\n")) == []


def test_setup_py_is_discovered_and_its_pins_reach_the_compiler(tmp_path):
    from nbrefactor.audit.project import discover_project
    from nbrefactor.migrate.one_model import _manifest_pins

    (tmp_path / ".git").mkdir()
    (tmp_path / "setup.py").write_text(
        "from setuptools import setup\nDEPS = ['numpy==1.26.4', 'pandas']\nsetup(name='demo', install_requires=DEPS)\n",
        encoding="utf-8",
    )
    (tmp_path / "nb").mkdir()
    (tmp_path / "binder").mkdir()
    (tmp_path / "binder" / "setup.py").write_text("from setuptools import setup\nsetup(install_requires=['scipy'])\n", encoding="utf-8")
    project = discover_project(tmp_path / "nb" / "a.ipynb")
    assert [(m.path.rsplit("/", 1)[-1], m.kind) for m in project.manifests] == [("setup.py", "setup.py")]
    assert {"numpy", "pandas", "demo"} <= project.declared and "scipy" not in project.declared
    assert _manifest_pins(project) == {"numpy": "1.26.4"}


def test_a_requirements_file_the_notebook_installs_is_a_manifest(tmp_path):
    (tmp_path / "lab").mkdir()
    (tmp_path / "lab" / "lab_requirements.txt").write_text("numpy==1.26.4\n", encoding="utf-8")
    (tmp_path / "lab" / "requirements.txt").write_text("pandas==2.2.2\n", encoding="utf-8")
    notebook = tmp_path / "lab" / "nb.ipynb"
    base = discover_project(notebook, display_root=tmp_path)
    sources = [
        "!pip install -q -r lab_requirements.txt\n%pip install --requirement=requirements.txt",
        "%cd yolov5\n!pip install -r missing_requirements.txt\n!pip install -r /abs/reqs.txt",
    ]
    project = with_installed_requirements(base, notebook, sources)
    assert {"numpy", "pandas"} <= project.declared
    # requirements.txt was found already; a file that is not there (or absolute) adds nothing
    assert len(project.manifests) == len(base.manifests) + 1
    assert with_installed_requirements(base, notebook, ["import numpy"]) is base


def test_folders_above_that_no_import_can_name_are_not_looked_into(tmp_path, monkeypatch):
    """Above the notebook (strict listing), a folder whose name has an ASCII character other than
    a letter, a digit or `_` (`tmp.x1`, `pip-build`: mktemp's and pip's folders in `/tmp`) cannot
    be named by an `import`, so its `__init__.py` is not even looked for; an identifier, ASCII or
    not, still is. Beside the notebook nothing changes."""
    from nbrefactor.audit import project as project_mod

    (tmp_path / ".git").mkdir()
    for name in ("tmp.x1", "pip-build", "with space", "café", "plain_pkg", "v2"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("", encoding="utf-8")
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    (nbdir / "side.pkg").mkdir()
    (nbdir / "side.pkg" / "__init__.py").write_text("", encoding="utf-8")
    looked: list[str] = []
    real = project_mod._exists
    monkeypatch.setattr(project_mod, "_exists", lambda path: looked.append(path) or real(path))
    project_mod._local_modules.cache_clear()
    project_mod._upward.cache_clear()
    project_mod._discover_folder.cache_clear()
    try:
        found = discover_project(nbdir / "a.ipynb")
    finally:
        project_mod._local_modules.cache_clear()
        project_mod._upward.cache_clear()
        project_mod._discover_folder.cache_clear()
    assert {"café", "plain_pkg", "v2"} <= found.project_modules
    assert not {"tmp.x1", "pip-build", "with space"} & found.project_modules
    assert not [p for p in looked if any(n in p for n in ("tmp.x1", "pip-build", "with space"))]
    assert "side.pkg" in found.local_modules  # beside the notebook: listed as before
    assert project_mod.NOT_IN_NAMES == frozenset(" !\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~\x7f" + "".join(map(chr, range(32))))


def test_dockerfile_run_lines_are_requirements():
    """Fair check 8: book repositories declare their environment in a Dockerfile."""
    text = textwrap.dedent(
        """\
        FROM jupyter/scipy-notebook:e7000ca1416d AS base
        # comment
        RUN pip install --upgrade pip==24.0 && \\
            # a comment line inside the instruction
            pip install --no-cache-dir -i https://pypi.example.org/simple keras==2.2.0 \\
                https://example.org/wheels/tensorflow-1.8.0-cp36-cp36m-linux_x86_64.whl \\
                'scipy<2' $EXTRA -e . && \\
            python -m pip install gensim
        RUN conda install -y -c conda-forge numpy=1.26.4 && su jovyan -c "pip3 install nltk==3.3"
        RUN ["pip", "install", "h5py==2.8.0"]
        RUN apt-get update && apt-get install -y graphviz
        """
    )
    manifest = parse_manifest("Dockerfile", text)
    assert manifest is not None and manifest.kind == "dockerfile"
    assert reqs(manifest) == [
        ("keras", 5, True), ("tensorflow", 6, True), ("scipy", 7, False), ("gensim", 8, False),
        ("numpy", 9, True), ("nltk", 9, True), ("h5py", 10, True),
    ]
    assert manifest.requirements[1].spec == "tensorflow==1.8.0"
    assert manifest.base_images == (("jupyter/scipy-notebook:e7000ca1416d", 1),)


def test_dockerfile_without_python_installs_declares_only_its_image():
    from nbrefactor.audit.project import ProjectContext, with_image_packages

    system = parse_manifest("Dockerfile", "FROM ubuntu:22.04\nRUN apt-get install -y graphviz\n")
    stack = parse_manifest("Dockerfile", "FROM quay.io/jupyter/scipy-notebook:latest\n")
    stacks = {"jupyter/scipy-notebook": ["numpy", "pandas"]}
    assert with_image_packages(ProjectContext(manifests=(system,)), stacks).manifests == ()
    expanded = with_image_packages(ProjectContext(manifests=(stack,)), stacks).manifests
    assert reqs(expanded[0]) == [("numpy", 1, False), ("pandas", 1, False)]  # `latest` pins nothing


def test_a_stock_image_named_with_its_version_is_its_build_even_latest():
    # Kubeflow's notebook images carry TensorFlow's version in the name and are no longer published:
    # `tensorflow-1.7.0-notebook-gpu:latest` is one build (fair check 10: three DEP004s were noise).
    # Its packages are `named_build` (DEP004 leaves them) but not pinned (no pin for other
    # manifests); TensorFlow's line carries the name's version for the version readers. A name
    # without a version stays unpinned when untagged or `latest`, a tag pins as before.
    from nbrefactor.audit.project import ProjectContext, with_image_packages

    stacks = {"kubeflow-images-public/tensorflow-*-notebook-*": ["tensorflow", "pandas"], "tensorflow/tensorflow": ["numpy"],
              "example/*-notebook": ["pandas"]}

    def expand(reference):
        manifest = parse_manifest("Dockerfile", f"FROM {reference}\n")
        return with_image_packages(ProjectContext(manifests=(manifest,)), stacks).manifests[0].requirements

    for reference, version in (("gcr.io/kubeflow-images-public/tensorflow-1.7.0-notebook-gpu:latest", "1.7.0"),
                               ("gcr.io/kubeflow-images-public/tensorflow-1.6.0-notebook-cpu", "1.6.0")):
        tensorflow, pandas = expand(reference)
        assert (tensorflow.pinned, tensorflow.named_build, pandas.pinned, pandas.named_build) == (False, True, False, True)
        assert tensorflow.spec.startswith(f"tensorflow=={version}  #") and pandas.spec.startswith("pandas  # in the image")
    tagged = expand("gcr.io/kubeflow-images-public/tensorflow-1.7.0-notebook-gpu:v0.5.0")
    assert all(r.pinned and not r.named_build for r in tagged)
    for reference in ("tensorflow/tensorflow", "tensorflow/tensorflow:latest", "example/data-notebook:latest"):
        assert all(not r.pinned and not r.named_build for r in expand(reference))


def test_dockerfile_installs_a_copied_in_requirements_file(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "base.txt").write_text("pandas==2.2.2\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nCOPY env/base.txt /tmp/base.txt\nRUN pip install -r /tmp/base.txt\n")
    (tmp_path / "nb.ipynb").write_text("{}")
    project = discover_project(tmp_path / "nb.ipynb")
    assert [m.path.rsplit("/", 1)[-1] for m in project.manifests] == ["Dockerfile", "base.txt"]
    assert project.declared == frozenset({"pandas"})


def test_conda_file_of_any_name_is_a_manifest_and_other_yaml_is_not():
    conda = parse_manifest("deep-learning.yml", "name: dl\nchannels:\n- defaults\ndependencies:\n- numpy=1.11.1=py35_0\n- pip:\n  - keras==1.0.7\n")
    assert reqs(conda) == [("numpy", 5, True), ("keras", 7, True)]
    assert parse_manifest("mkdocs.yml", "site_name: docs\nnav:\n- index.md\n") is None
    assert parse_manifest("Chart.yaml", "name: app\ndependencies:\n- name: redis\n  version: 1.2.3\n") is None


def test_a_folder_of_notebooks_above_does_not_hide_a_distribution(tmp_path):
    from nbrefactor.audit.distributions import import_kind

    (tmp_path / ".git").mkdir()
    for name in ("numpy", "pandas", "helpers"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / "numpy" / "numpy_intro.ipynb").write_text("{}")
    (tmp_path / "helpers" / "plots.ipynb").write_text("{}")
    (tmp_path / "pandas" / "frames.ipynb").write_text("{}")
    project = discover_project(tmp_path / "pandas" / "frames.ipynb")
    assert {name for name, _, _ in project.project_packages} >= {"numpy", "helpers"}
    assert import_kind("numpy", 0, project) == "third-party"
    assert import_kind("pandas.api", 0, project) == "third-party"
    assert import_kind("helpers", 0, project) == "local"  # no distribution of that name is catalogued


def test_pipfile_declares_its_packages_pinned_by_equals_or_by_its_lock():
    from nbrefactor.audit.project import parse_pipfile

    text = textwrap.dedent(
        """\
        [[source]]
        url = "https://pypi.org/simple"
        name = "pypi"

        [packages]
        numpy = "*"
        scikit-learn = "==1.5.0"
        requests = {version = ">=2", extras = ["socks"]}
        toolkit = {git = "https://example.org/lab/toolkit.git", ref = "0123abc"}
        mylib = {path = ".", editable = true}

        [dev-packages]
        pytest = "*"
        """
    )
    lock = '{"default": {"numpy": {"version": "==1.26.4"}, "requests": {"version": ">=2"}}, "develop": {}}'
    manifest = parse_pipfile("Pipfile", text, lock)
    assert manifest is not None and manifest.kind == "pipfile"
    assert reqs(manifest) == [("numpy", 6, True), ("scikit-learn", 7, True), ("requests", 8, False),
                              ("toolkit", 9, True), ("pytest", 13, False)]
    assert manifest.requirements[0].spec.startswith("numpy==1.26.4")  # what the version readers see
    assert manifest.requirements[2].spec == "requests[socks]>=2"
    assert manifest.project_name == "mylib"
    assert reqs(parse_manifest("Pipfile", text))[0] == ("numpy", 6, False)  # no lock: `*` is open
    assert parse_manifest("Pipfile.lock", lock) is None
    assert parse_pipfile("Pipfile", "[packages\n") is None


def test_dockerfile_pipenv_install_of_a_copied_pipfile_includes_it(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Pipfile").write_text('[packages]\nnumpy = "==1.26.4"\n', encoding="utf-8")
    (tmp_path / "svc" / "serve.dockerfile").write_text(
        'FROM python:3.11-slim\nRUN pip install pipenv\nCOPY ["svc/Pipfile", "./"]\nRUN pipenv install --system --deploy\n',
        encoding="utf-8",
    )
    docker = parse_manifest("serve.dockerfile", (tmp_path / "svc" / "serve.dockerfile").read_text(encoding="utf-8"))
    assert docker is not None and docker.kind == "dockerfile"
    assert docker.requirements == ()  # pipenv itself is a packaging tool, not a dependency
    assert docker.includes == ("svc/Pipfile",)
    named = parse_manifest("Dockerfile", "FROM python:3.11\nRUN pip install pipenv && pipenv install flask==3.0.3\n")
    assert reqs(named) == [("flask", 2, True)]
    project = discover_project(tmp_path / "svc" / "nb.ipynb", tmp_path)
    assert [m.kind for m in project.manifests] == ["dockerfile", "pipfile"]
    assert "numpy" in project.declared


def test_a_bare_git_line_declares_the_project_its_egg_or_repository_names():
    text = ("git+https://github.com/kubeflow/fairing.git@v1.0.1\n"
            "git+https://github.com/example-lab/tools.git#egg=lab_tools\n"
            "git+ssh://git@example.org/team/helpers\n"
            "https://example.org/archive.zip\n")
    assert reqs(parse_requirements_txt("requirements.txt", text)) == [
        ("fairing", 1, True), ("lab-tools", 2, False), ("helpers", 3, False)]


def test_an_editable_git_line_declares_the_project_as_the_bare_line_does():
    # Fair check 49, item 3: `-e git+https://github.com/chengs/tqdm.git@colab#egg=tqdm` installs tqdm.
    text = ("-e git+https://github.com/chengs/tqdm.git@colab#egg=tqdm\n"
            "--editable git+https://github.com/kubeflow/fairing.git@v1.0.1\n"
            "--editable=git+https://github.com/example-lab/tools.git#egg=lab_tools\n"
            "-e .\n"
            "-e ./lib[dev]\n")
    manifest = parse_requirements_txt("requirements.txt", text)
    assert reqs(manifest) == [("tqdm", 1, False), ("fairing", 2, True), ("lab-tools", 3, False)]
    assert manifest.projects == ((".", ()), ("./lib", ("dev",)))


def test_a_local_project_a_requirements_file_installs_editable_declares_its_name_and_dependencies(tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy\n-e ./helpers\n")
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "setup.py").write_text(
        "from setuptools import setup\nsetup(name='lab_helpers', install_requires=['scipy>=1.0'])\n")
    (tmp_path / "nb.ipynb").write_text("{}")
    project = discover_project(tmp_path / "nb.ipynb", tmp_path)
    assert {"numpy", "lab-helpers", "scipy"} <= project.declared


def test_a_dockerfile_from_a_build_argument_reads_the_arguments_default_image():
    from nbrefactor.audit.project import parse_dockerfile

    text = "ARG BASE_IMAGE=gcr.io/kubeflow-images-public/tensorflow-1.15.2-notebook-cpu:1.0.0\nFROM ${BASE_IMAGE}\nRUN pip install x==1\n"
    assert parse_dockerfile("Dockerfile", text).base_images == (("gcr.io/kubeflow-images-public/tensorflow-1.15.2-notebook-cpu:1.0.0", 2),)
    assert parse_dockerfile("Dockerfile", "ARG BASE\nFROM $BASE\nRUN pip install x==1\n").base_images == ()


_WORKSPACE_ROOT = '[tool.uv.workspace]\nmembers = ["core", "tabular"]\n'
_WORKSPACE_LOCK = textwrap.dedent(
    """\
    version = 1

    [[package]]
    name = "pandas"
    version = "2.2.2"
    source = { registry = "https://pypi.org/simple" }

    [[package]]
    name = "stack.core"
    source = { editable = "core" }

    [[package]]
    name = "stack-tabular"
    source = { editable = "tabular" }
    dependencies = [
        { name = "pandas" },
    ]
    """
)


def test_uv_workspace_lock_declares_what_it_locks_and_its_members():
    from nbrefactor.audit.project import uv_workspace_lock

    lock = uv_workspace_lock("uv.lock", _WORKSPACE_ROOT, _WORKSPACE_LOCK)
    assert lock is not None and lock.kind == "uv.lock"
    assert reqs(lock) == [("pandas", 4, True), ("stack-core", 9, True), ("stack-tabular", 13, True)]
    assert lock.members == ("stack-core", "stack-tabular")
    assert lock.requirements[0].spec == "pandas==2.2.2  # locked in uv.lock"
    # A single project's lock (no workspace table) also pins what dependencies pull in: not read.
    assert uv_workspace_lock("uv.lock", "[project]\nname = 'one'\ndependencies = []\n", _WORKSPACE_LOCK) is None
    assert uv_workspace_lock("uv.lock", _WORKSPACE_ROOT, None) is None
    assert uv_workspace_lock("uv.lock", _WORKSPACE_ROOT, "not = [toml") is None


def test_a_workspace_lock_is_the_environment_of_notebooks_importing_a_member(tmp_path):
    from nbrefactor.audit.project import scoped_to_workspace

    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(_WORKSPACE_ROOT)
    (tmp_path / "uv.lock").write_text(_WORKSPACE_LOCK)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "requirements_doc.txt").write_text("sphinx==7.3.7\n")
    notebook = tmp_path / "docs" / "tour.ipynb"
    notebook.write_text("{}")
    project = discover_project(notebook, tmp_path)
    assert [m.path for m in project.manifests] == ["docs/requirements_doc.txt", "uv.lock"]
    assert "pandas" in project.declared
    member = scoped_to_workspace(project, ["pandas", "stack.tabular.models"])
    assert member is project
    other = scoped_to_workspace(project, ["pandas", "boto3", "stack"])
    assert [m.path for m in other.manifests] == ["docs/requirements_doc.txt"]
    assert scoped_to_workspace(project, ["stack.core"]) is project


def test_a_local_project_copied_in_and_pip_installed_is_read_with_its_extras():
    # Fair check 14 (facebook/prophet): `COPY . .`, `WORKDIR python`, `pip install -e ".[dev, parallel]"`.
    from nbrefactor.audit.project import parse_dockerfile

    prophet_like = parse_dockerfile("Dockerfile", (
        "FROM python:3.10-slim\nRUN pip install --upgrade pip\nCOPY . .\nWORKDIR python\n"
        "RUN python -m pip install -e \".[dev, parallel]\"\nWORKDIR /\n"))
    assert prophet_like.projects == (("python", ("dev", "parallel")),) and prophet_like.requirements == ()
    # `cd` on the RUN line, a copy into another folder, a sub-folder with extras.
    moved = parse_dockerfile("Dockerfile", "FROM python:3.11\nCOPY . /app\nRUN cd /app/lib && pip install . ./tools[cli]\n")
    assert moved.projects == (("lib", ()), ("lib/tools", ("cli",)))
    # A folder never copied in (a volume at run time), a bare name, an archive: no local project.
    none = parse_dockerfile("Dockerfile", "FROM python:3.11\nRUN pip install -e /mnt/src && pip install lib ./dist/x-1.0.tar.gz\n")
    assert none.projects == () and [r.name for r in none.requirements] == ["lib"]


def test_a_rapids_tag_pins_the_image_only_when_it_leads_with_the_release():
    # RAPIDS tagged each build `<release>-cuda…` and moved `cuda9.2-runtime-ubuntu16.04` to every
    # release (fair check 15): only the first pins the packages the image brings.
    from nbrefactor.audit.project import ProjectContext, with_image_packages

    stacks = {"rapidsai/rapidsai": ["cudf", "pandas"], "nvidia/rapidsai/rapidsai": ["cudf"], "jupyter/scipy-notebook": ["numpy"]}
    release_tagged = ("rapidsai/*", "nvidia/rapidsai/*")

    def pins(reference):
        manifest = parse_manifest("Dockerfile", f"FROM {reference}\n")
        expanded = with_image_packages(ProjectContext(manifests=(manifest,)), stacks, release_tagged).manifests
        return [(r.name, r.pinned) for r in expanded[0].requirements]

    assert pins("rapidsai/rapidsai:cuda9.2-runtime-ubuntu16.04") == [("cudf", False), ("pandas", False)]
    assert pins("nvcr.io/nvidia/rapidsai/rapidsai:0.7-cuda10.0-runtime-ubuntu18.04-gcc7-py3.7") == [("cudf", True)]
    assert pins("rapidsai/rapidsai:21.06-cuda11.0-runtime-ubuntu18.04") == [("cudf", True), ("pandas", True)]
    # Other images keep their rule: any tag but `latest` pins.
    assert pins("jupyter/scipy-notebook:2024-05-27") == [("numpy", True)]


def test_project_names_read_from_each_kind_of_package_file():
    from nbrefactor.audit.project import project_name_of

    assert project_name_of("setup.py", "from setuptools import setup\nNAME = 'Glass_Box'\nsetup(name=NAME)\n") == "glass-box"
    assert project_name_of("setup.py", "import setuptools\nsetuptools.setup(name='tidecast', version='1')\n") == "tidecast"
    assert project_name_of("setup.py", "from setuptools import setup\nsetup(name=compute_name())\n") is None
    assert project_name_of("pyproject.toml", "[project]\nname = 'powerlift'\n") == "powerlift"
    assert project_name_of("pyproject.toml", "[tool.poetry]\nname = 'shelf.recs'\n") == "shelf-recs"
    assert project_name_of("pyproject.toml", "[tool.nbrefactor]\n") is None
    assert project_name_of("setup.cfg", "[metadata]\nname = course_tools\n") == "course-tools"


def test_the_repository_s_own_packages_are_every_package_file_below_its_root(tmp_path):
    from nbrefactor.audit.project import discover_project

    (tmp_path / ".git").mkdir()
    (tmp_path / "python" / "mylib-core").mkdir(parents=True)
    (tmp_path / "python" / "mylib-core" / "setup.py").write_text("from setuptools import setup\nsetup(name='mylib-core')\n")
    (tmp_path / "python" / "bench").mkdir()
    (tmp_path / "python" / "bench" / "pyproject.toml").write_text("[project]\nname = 'mybench'\n")
    # Installed third-party code and hidden folders are not the repository's.
    (tmp_path / ".venv" / "lib" / "requests").mkdir(parents=True)
    (tmp_path / ".venv" / "lib" / "requests" / "setup.py").write_text("from setuptools import setup\nsetup(name='requests')\n")
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "env" / "pyproject.toml").write_text("[project]\nname = 'vendored'\n")
    (tmp_path / "docs").mkdir()
    notebook = tmp_path / "docs" / "tour.ipynb"
    notebook.write_text("{}")
    assert discover_project(notebook).repository_projects == frozenset({"mylib-core", "mybench"})


def _example_with_halves(root, script=True, notebook_folder="notebooks"):
    (root / ".git").mkdir()
    (root / "requirements.txt").write_text("nbconvert==7.16.4\n")  # the repository's CI tooling
    example = root / "examples" / "tune"
    (example / notebook_folder).mkdir(parents=True)
    (example / "scripts").mkdir()
    (example / "scripts" / "requirements.txt").write_text("optuna\nscikit-learn\n")
    if script:
        (example / "scripts" / "tune.py").write_text("import optuna\n")
    notebook = example / notebook_folder / "tune.ipynb"
    notebook.write_text("{}")
    return notebook


def test_an_example_s_requirements_in_a_sibling_folder_declare_when_the_notebook_installs_the_same(tmp_path):
    notebook = _example_with_halves(tmp_path)
    project = with_installed_requirements(discover_project(notebook), notebook, ["! pip install -U optuna scikit-learn"])
    sibling = [m for m in project.manifests if m.sibling]
    assert [m.path.rsplit("/", 2)[-2:] for m in sibling] == [["scripts", "requirements.txt"]]
    assert {"optuna", "scikit-learn"} <= project.declared


def test_a_sibling_requirements_file_is_not_read_without_the_notebook_s_matching_install_or_a_script(tmp_path):
    notebook = _example_with_halves(tmp_path)
    # It installs something else (a Colab notebook beside unrelated folders), or nothing.
    for sources in (["!pip install xgboost==2.1.1"], ["import optuna"], ["!pip install {packages}"]):
        project = with_installed_requirements(discover_project(notebook), notebook, sources)
        assert not any(m.sibling for m in project.manifests), sources
    # No script beside the file: no example's other half.
    other = tmp_path / "other"
    other.mkdir()
    notebook = _example_with_halves(other, script=False)
    project = with_installed_requirements(discover_project(notebook), notebook, ["! pip install -U optuna scikit-learn"])
    assert not any(m.sibling for m in project.manifests)


def test_a_dockerfile_that_clones_the_repository_and_works_in_the_notebooks_folder_declares(tmp_path):
    from nbrefactor.audit.project import _docker_clones_below

    _docker_clones_below.cache_clear()
    (tmp_path / ".git").mkdir()
    (tmp_path / "docker" / "3").mkdir(parents=True)
    (tmp_path / "docker" / "3" / "Dockerfile").write_text(
        "FROM ubuntu:22.04\nRUN pip install pysam==0.22.1\nRUN git clone https://github.com/example-lab/genome-notes.git\n"
        "WORKDIR /genome-notes/notebooks\nCMD jupyter notebook\n")
    # A second image whose clone lands elsewhere (a relative WORKDIR left in force): its WORKDIR is
    # an empty folder, not the clone's notebooks.
    (tmp_path / "docker" / "2").mkdir()
    (tmp_path / "docker" / "2" / "Dockerfile").write_text(
        "FROM ubuntu:22.04\nRUN pip install numpy==1.26.4\nWORKDIR build/src\nRUN git clone https://github.com/example-lab/genome-notes.git\n"
        "WORKDIR /genome-notes/notebooks\n")
    (tmp_path / "notebooks" / "reads").mkdir(parents=True)
    (tmp_path / "scripts").mkdir()
    inside = tmp_path / "notebooks" / "reads" / "depth.ipynb"
    outside = tmp_path / "scripts" / "depth.ipynb"
    for notebook in (inside, outside):
        notebook.write_text("{}")
    declared = discover_project(inside).declared
    assert "pysam" in declared and "numpy" not in declared
    assert "pysam" not in discover_project(outside).declared


def test_a_cloning_dockerfile_brings_the_requirements_file_it_copies_in(tmp_path):
    """Fair check 24: a Dockerfile found as the notebooks' image away from their folders reads the
    files it copies in and installs from its own folder, the build context (no folder of the
    notebook's, so no manifest of it otherwise)."""
    from nbrefactor.audit.project import _docker_clones_below

    _docker_clones_below.cache_clear()
    (tmp_path / ".git").mkdir()
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "Dockerfile").write_text(
        "FROM ubuntu:22.04\nCOPY requirements.txt /tmp/requirements.txt\nRUN pip install -r /tmp/requirements.txt\n"
        "RUN git clone https://github.com/example-lab/genome-notes.git\nWORKDIR /genome-notes/notebooks\n")
    (tmp_path / "docker" / "requirements.txt").write_text("pysam==0.22.1\nbiopython\n")
    (tmp_path / "notebooks").mkdir()
    notebook = tmp_path / "notebooks" / "depth.ipynb"
    notebook.write_text("{}")
    project = discover_project(notebook)
    assert {"pysam", "biopython"} <= project.declared
    assert [m.path.rsplit("/", 2)[-2:] for m in project.manifests if m.kind == "requirements"] == [["docker", "requirements.txt"]]


def test_pip_global_options_before_install_do_not_hide_it():
    """Fair check 24: ml-basics' dev container installs each package with `pip
    --disable-pip-version-check --no-cache-dir install …`; options with a value (`--timeout 60`) skip it."""
    manifest = parse_manifest("Dockerfile", (
        "FROM continuumio/anaconda3\n"
        "RUN pip --disable-pip-version-check --no-cache-dir install numpy \\\n"
        "    && python -m pip -q --timeout 60 install pandas==2.2.2 \\\n"
        "    && pip3 --proxy http://proxy:3128 install scipy==1.13.1 && pip --version\n"))
    assert reqs(manifest) == [("numpy", 2, False), ("pandas", 3, True), ("scipy", 4, True)]


def test_poetry_carets_are_ranges_and_its_lock_pins():
    text = "[tool.poetry.dependencies]\nscikit-learn = \"^0.24.1\"\ntorch = \"~1.7.1\"\nnumpy = \"^1.20\"\n"
    specs = {r.name: r.spec for r in parse_pyproject("pyproject.toml", text).requirements}
    assert specs == {"scikit-learn": "scikit-learn>=0.24.1,<0.25", "torch": "torch>=1.7.1,<1.8", "numpy": "numpy>=1.20,<2"}
    lock = "[[package]]\nname = \"scikit-learn\"\nversion = \"0.24.2\"\n"
    locked = {r.name: (r.spec, r.pinned) for r in parse_pyproject("pyproject.toml", text, lock).requirements}
    assert locked["scikit-learn"] == ("scikit-learn==0.24.2  # locked in poetry.lock", True)
    assert locked["numpy"][1] is False


def test_each_manifest_kind_reads_the_python_it_admits():
    """The Python bound a project declares (fair check 17: stellargraph's `python_requires=">=3.6.0,
    <3.9.0"` keeps NumPy 2.0 out), as written, from each kind that can say it; None when it says nothing."""
    setup_py = parse_manifest("setup.py", 'from setuptools import setup\nsetup(name="g", install_requires=["numpy>=1.14"],\n'
                              '      python_requires=">=3.6.0, <3.9.0")\n')
    setup_cfg = parse_setup_cfg("setup.cfg", "[metadata]\nname = g\n[options]\ninstall_requires =\n    numpy\npython_requires = >=3.7\n")
    project = parse_pyproject("pyproject.toml", '[project]\nname = "g"\nrequires-python = "<3.9"\ndependencies = ["numpy"]\n')
    poetry = parse_pyproject("pyproject.toml", '[tool.poetry.dependencies]\npython = "~3.8"\nnumpy = "^1.20"\n')
    conda = parse_environment_yml("environment.yml", "dependencies:\n  - python=3.8\n  - numpy\n  - pip:\n    - tqdm\n")
    plain = parse_requirements_txt("requirements.txt", "numpy\n")
    assert [m.python_requires for m in (setup_py, setup_cfg, project, poetry, conda, plain)] == [
        ">=3.6.0, <3.9.0", ">=3.7", "<3.9", ">=3.8,<3.9", "=3.8", None]
    assert [r.name for r in conda.requirements] == ["numpy", "tqdm"]  # the python line is no requirement


def test_pixi_toml_declares_conda_and_index_packages_pinned_by_version_or_its_lock(tmp_path):
    """Fair check 37: pixi's manifest was never read (14 projects of mbongowo/Data-science-Portfolio)."""
    from nbrefactor.audit.project import parse_pixi, pixi_lock_pins

    text = textwrap.dedent(
        """\
        [workspace]
        name = "ratings"
        channels = ["conda-forge"]

        [dependencies]
        python = ">=3.10,<3.13"
        numpy = "1.26.4"
        pandas = ">=2.0"
        scipy = "1.11.*"
        pytorch = { version = "==2.3.1", channel = "pytorch" }

        [pypi-dependencies]
        ratings = { path = ".", editable = true }
        requests = "*"
        toolkit = { git = "https://example.org/lab/toolkit.git", rev = "0123abc" }

        [feature.dev.dependencies]
        pytest = ">=8"

        [target.linux-64.pypi-dependencies]
        nvidia-ml-py = "==12.535.133"
        """
    )
    lock = textwrap.dedent(
        """\
        version: 6
        environments:
          default:
            packages:
              linux-64:
              - pypi: https://files.pythonhosted.org/packages/f9/9b/requests-2.32.3-py3-none-any.whl
        packages:
        - conda: https://conda.anaconda.org/conda-forge/linux-64/pandas-2.2.2-py311h14de704_1.conda
          sha256: 0000
        - conda: https://conda.anaconda.org/conda-forge/osx-arm64/pandas-2.2.1-py311hfbe21a1_0.conda
        - pypi: https://files.pythonhosted.org/packages/f9/9b/requests-2.32.3-py3-none-any.whl
          name: requests
          version: 2.32.3
        - pypi: .
          name: ratings
          version: 0.1.0
        """
    )
    assert pixi_lock_pins(lock) == {"pandas": frozenset({"2.2.2", "2.2.1"}), "requests": frozenset({"2.32.3"})}
    manifest = parse_pixi("pixi.toml", text, lock)
    assert manifest is not None and manifest.kind == "pixi"
    assert manifest.project_name == "ratings" and manifest.python_requires == ">=3.10,<3.13"
    assert reqs(manifest) == [("numpy", 7, True), ("pandas", 8, True), ("scipy", 9, False), ("pytorch", 10, True),
                              ("requests", 14, True), ("toolkit", 15, True), ("pytest", 18, False), ("nvidia-ml-py", 21, True)]
    assert [r.conda for r in manifest.requirements] == [True, True, True, True, False, False, True, False]
    assert manifest.requirements[2].patch_range  # conda's series `=1.11.*`, as an environment file's
    assert manifest.requirements[4].spec.startswith("requests==2.32.3")  # what the version readers see
    # Discovered beside a notebook, and in a pyproject's `[tool.pixi.*]` tables.
    (tmp_path / ".git").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "pixi.toml").write_text(text, encoding="utf-8")
    (tmp_path / "a" / "pixi.lock").write_text(lock, encoding="utf-8")
    project = discover_project(tmp_path / "a" / "nb.ipynb", tmp_path)
    assert [m.kind for m in project.manifests] == ["pixi"] and {"numpy", "pytorch", "requests", "ratings"} <= project.declared
    assert project.manifests[0].requirements[1].pinned  # pandas, locked
    # The compiler's requirements.txt takes the pins (a version per platform is no one pin; scipy's series none).
    from nbrefactor.migrate.one_model import _manifest_pins

    assert _manifest_pins(project) == {"numpy": "1.26.4", "pytorch": "2.3.1", "requests": "2.32.3", "nvidia-ml-py": "12.535.133"}
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "pyproject.toml").write_text(
        '[project]\nname = "b"\ndependencies = ["requests>=2"]\n\n[tool.pixi.workspace]\nchannels = ["conda-forge"]\n\n'
        '[tool.pixi.dependencies]\nnumpy = "1.26.4"\n\n[tool.pixi.feature.test.pypi-dependencies]\npytest = "==8.3.2"\n',
        encoding="utf-8")
    project = discover_project(tmp_path / "b" / "nb.ipynb", tmp_path)
    assert [m.kind for m in project.manifests] == ["pyproject", "pixi"]
    assert reqs(project.manifests[1]) == [("numpy", 9, True), ("pytest", 12, True)]


def test_a_readme_install_after_a_cd_names_that_folder_s_file(tmp_path):
    # Fair check 49, item 5: `cd Deep-Learning-Projects/context-aware-chatbot-rag` then `pip install -r
    # requirements.txt` is the chatbot's file, not a root requirements.txt the other notebooks would use.
    (tmp_path / "README.md").write_text(
        "# Projects\n## Chatbot\n```bash\ncd Projects/chatbot\n\n# deps\npip install -r requirements.txt\n```\n"
        "## Churn\n#### Quick Start\n```bash\ncd churn\npython run.py\n```\n#### Workflow\n```bash\n"
        "pip install -r requirements.txt\n```\n")
    for sub in ("chatbot", "churn", "lora"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "nb.ipynb").write_text("{}")
    (tmp_path / "churn" / "requirements.txt").write_text("pandas\n")
    lora = discover_project(tmp_path / "lora" / "nb.ipynb", tmp_path)
    assert lora.promised_manifests == ()
    chatbot = discover_project(tmp_path / "chatbot" / "nb.ipynb", tmp_path)
    assert [(p[0].endswith("chatbot/requirements.txt"), p[1]) for p in chatbot.promised_manifests] == [
        (True, "pip install -r requirements.txt")]
    assert discover_project(tmp_path / "churn" / "nb.ipynb", tmp_path).promised_manifests == ()


def test_a_cd_of_another_section_does_not_move_a_readme_install(tmp_path):
    # A `cd docs` of another section, whose folder lacks the file: the command's file is still the README's folder's.
    (tmp_path / "README.md").write_text(
        "# Lib\n## Docs\n```bash\ncd docs\nmake html\n```\n## Install\n```bash\npip install -r requirements.txt\n```\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "nbs").mkdir()
    (tmp_path / "nbs" / "nb.ipynb").write_text("{}")
    project = discover_project(tmp_path / "nbs" / "nb.ipynb", tmp_path)
    assert [p[0].rsplit("/", 1)[-1] for p in project.promised_manifests] == ["requirements.txt"]
    assert not project.promised_manifests[0][0].endswith("docs/requirements.txt")
