"""`audit.container_code`: which stretches of a notebook run in a pipeline component's container
(the shared answer for the paths and dependencies families)."""

from nbrefactor.audit.analysis import analyse_notebook
from nbrefactor.audit.container_code import container_spans, in_container, pipeline_step_bodies
from nbrefactor.audit.types import Cell, Notebook


def _facts(*sources: str):
    return analyse_notebook(Notebook("nb.ipynb", tuple(Cell(index=i, cell_type="code", source=s) for i, s in enumerate(sources))))


def test_a_function_given_to_a_component_factory_is_container_code():
    facts = _facts(
        "from kfp.components import func_to_container_op, create_component_from_func",
        "def load():\n    open('/mnt/a.csv')\n\ndef train():\n    open('/mnt/b.csv')\n\ndef local():\n    open('/mnt/c.csv')",
        "load_op = func_to_container_op(load, base_image='img')\ntrain_op = create_component_from_func(func=train)",
    )
    assert [(cell, first) for cell, first, _ in pipeline_step_bodies(facts)] == [(1, 1), (1, 4)]
    spans = container_spans(facts)
    assert in_container(spans, 1, 2) and in_container(spans, 1, 5)
    assert not in_container(spans, 1, 8)


def test_a_component_decorator_makes_container_code_only_in_a_kfp_notebook():
    body = "@dsl.component(base_image='python:3.11')\ndef step():\n    open('/mnt/a.csv')"
    assert in_container(container_spans(_facts("from kfp import dsl", body)), 1, 3)
    assert container_spans(_facts("from haystack import component as dsl", body)) == ()


def test_container_op_keywords_and_fairing_path_prefix_name_places_in_the_image():
    spans = container_spans(_facts(
        "import kfp.dsl as dsl",
        "op = dsl.ContainerOp(name='t', image='i',\n    file_outputs={'out': '/app/out.txt'})\nx = '/app/local'",
    ))
    assert in_container(spans, 1, 2, 25) and not in_container(spans, 1, 3, 5)
    fairing = container_spans(_facts(
        "from kubeflow import fairing",
        "pre = fairing.preprocessors.base.BasePreProcessor(path_prefix='/app', output_map={})",
    ))
    assert in_container(fairing, 1, 1, 63)


def test_component_steps_read_the_image_and_packages_of_each_factory_call():
    from nbrefactor.audit.container_code import component_steps

    facts = _facts(
        "from kfp import dsl\nfrom kfp.components import create_component_from_func\nPKGS = ['pandas==2.2.2']",
        "@dsl.component(packages_to_install=PKGS)\ndef a():\n    import pandas",
        "def b():\n    import nltk\n\nb_op = create_component_from_func(b, base_image='team/nlp:1')",
        "def c():\n    import numpy\n\nc_op = create_component_from_func(c, base_image='python:3.10-slim', packages_to_install=make())",
    )
    steps = {s.function: s for s in component_steps(facts)}
    assert steps["a"].on_stock_python and steps["a"].installs() == {"pandas"}
    assert steps["b"].image == "team/nlp:1" and not steps["b"].on_stock_python
    assert steps["c"].on_stock_python and steps["c"].packages is None
