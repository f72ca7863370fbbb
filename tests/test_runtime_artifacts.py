"""Values crossing a step boundary (nbrefactor-runtime `artifacts.save` / `load`): DataFrames as
Parquet and numpy arrays as `.npy` when they round-trip exactly, read back by pyarrow and numpy
themselves; pickle for what has no better format and for the frames Parquet would change."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from nbrefactor_runtime import artifacts
from deadlines import HANG_GUARD


def _exactly_equal(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(left, right, check_exact=True, check_dtype=True, check_index_type=True,
                                  check_column_type=True, check_names=True, check_freq=True, check_flags=True)
    assert list(left.dtypes) == list(right.dtypes)
    assert type(left.index) is type(right.index) and type(left.columns) is type(right.columns)
    assert left.attrs == right.attrs


def test_a_plain_frame_is_written_as_parquet_and_read_back_exactly(tmp_path):
    frame = pd.DataFrame(
        {
            "age": np.array([31, 45, 27], dtype="int32"),
            "income": [52_000.5, np.nan, 38_100.25],
            "plan": pd.Categorical(["basic", "pro", "basic"]),
            "signed_up": pd.to_datetime(["2021-03-01", "2022-07-15", "2020-01-31"]),
            "churned": pd.array([True, None, False], dtype="boolean"),
            "visits": pd.array([3, None, 7], dtype="Int64"),
        },
        index=pd.Index(["c1", "c2", "c3"], name="customer"),
    )
    path = tmp_path / "out_df"
    assert artifacts.save(frame, str(path)) == "parquet"
    # A real Parquet file: pyarrow opens it without nbrefactor.
    assert pq.read_table(path).num_rows == 3
    assert path.read_bytes()[:4] == b"PAR1"
    _exactly_equal(frame, artifacts.load(str(path)))


def test_a_range_index_with_a_step_survives_parquet(tmp_path):
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=pd.RangeIndex(10, 16, 2))
    assert artifacts.save(frame, str(tmp_path / "f")) == "parquet"
    back = artifacts.load(str(tmp_path / "f"))
    assert isinstance(back.index, pd.RangeIndex) and back.index.step == 2
    _exactly_equal(frame, back)


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"mixed": [1, "a", 2.5]}),  # object column of mixed types: pyarrow refuses it
        pd.DataFrame({0: [1, 2], 1: [3, 4]}),  # non-string column labels: Parquet gives strings back
        pd.DataFrame({"s": ["x", "y"]}).astype(object),  # object strings would come back as str
        pd.DataFrame([[1, 2]], columns=["a", "a"]),  # duplicate labels
        pd.DataFrame({"v": [1, 2]}, index=pd.date_range("2024-01-01", periods=2, freq="D")),  # freq is lost
        pd.DataFrame({"v": [1, 2]}, index=pd.MultiIndex.from_tuples([(1, "x"), ("b", "y")])),  # a level of mixed types
    ],
    ids=["mixed-object", "int-labels", "object-strings", "duplicate-labels", "index-freq", "multiindex-mixed-level"],
)
def test_frames_parquet_would_change_are_pickled_and_round_trip(tmp_path, frame):
    path = tmp_path / "out"
    assert artifacts.save(frame, str(path)) == "pickle"
    _exactly_equal(frame, artifacts.load(str(path)))


def test_a_multiindex_frame_goes_to_parquet_only_when_it_comes_back_exactly(tmp_path):
    frame = pd.DataFrame({"v": [1.5, 2.5]}, index=pd.MultiIndex.from_tuples([(1, "x"), (2, "y")], names=["k", "s"]))
    fmt = artifacts.save(frame, str(tmp_path / "m"))
    back = artifacts.load(str(tmp_path / "m"))
    _exactly_equal(frame, back)
    assert back.index.levels[0].dtype == frame.index.levels[0].dtype
    # Which format it took is the round-trip check's call; whichever, it is a format load reads.
    assert fmt in ("parquet", "pickle") and artifacts.format_of((tmp_path / "m").read_bytes()) == fmt


def test_arrays_are_npy_without_pickle_and_object_arrays_are_pickled(tmp_path):
    array = np.asfortranarray(np.arange(12, dtype="float32").reshape(3, 4))
    assert artifacts.save(array, str(tmp_path / "a")) == "npy"
    # numpy reads it with pickling refused: no code runs on load
    direct = np.load(tmp_path / "a", allow_pickle=False)
    back = artifacts.load(str(tmp_path / "a"))
    for got in (direct, back):
        assert got.dtype == np.float32 and got.shape == (3, 4) and got.flags.f_contiguous
        assert np.array_equal(got, array)
    stamps = np.array(["2024-01-01T10:00"], dtype="datetime64[m]")
    assert artifacts.save(stamps, str(tmp_path / "t")) == "npy"
    assert artifacts.load(str(tmp_path / "t")).dtype == stamps.dtype
    objects = np.array([{"a": 1}, None], dtype=object)
    assert artifacts.save(objects, str(tmp_path / "o")) == "pickle"
    assert artifacts.load(str(tmp_path / "o")).tolist() == [{"a": 1}, None]
    masked = np.ma.masked_array([1, 2], mask=[0, 1])  # a subclass: .npy would drop the mask
    assert artifacts.save(masked, str(tmp_path / "ma")) == "pickle"
    assert artifacts.load(str(tmp_path / "ma")).mask.tolist() == [False, True]


def test_other_values_are_pickled_with_their_functions(tmp_path):
    def scale(x):
        return 2 * x

    value = {"fn": scale, "series": pd.Series([1, 2], name="y"), "n": 3}  # a dict: pickled whole
    assert artifacts.save(value, str(tmp_path / "v")) == "pickle"
    back = artifacts.load(str(tmp_path / "v"))
    assert back["fn"](21) == 42 and back["n"] == 3
    pd.testing.assert_series_equal(back["series"], value["series"])
    # Files an older runtime wrote (plain pickle) still load.
    (tmp_path / "old").write_bytes(pickle.dumps([1, 2, 3], protocol=4))
    assert artifacts.load(str(tmp_path / "old")) == [1, 2, 3]


def test_saving_replaces_the_file_atomically_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "deep" / "out"
    artifacts.save([1], str(path))
    artifacts.save(np.zeros(2), str(path))
    assert sorted(p.name for p in path.parent.iterdir()) == ["out"]
    assert artifacts.format_of(path.read_bytes()) == "npy"


class _Artifact:
    """What kfp hands a component for an `Output[Dataset]`: a path and a metadata dict."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.metadata: dict = {}


def test_the_step_runner_records_each_output_s_format_in_the_kfp_artifact_metadata(tmp_path, monkeypatch):
    import sys
    import types

    from nbrefactor_runtime import steps
    from nbrefactor_runtime.spec import PackageSpec, StepSpec

    package = types.ModuleType("typed_pkg")
    package.__path__ = []  # type: ignore[attr-defined]
    module = types.ModuleType("typed_pkg.steps_mod")

    def make(cfg):
        return pd.DataFrame({"a": [1, 2]}), np.arange(3), {"k": "v"}

    def use(cfg, frame, array, mapping):
        return float(frame["a"].sum() + array.sum()) if mapping["k"] == "v" else -1.0

    module.make, module.use = make, use
    monkeypatch.setitem(sys.modules, "typed_pkg", package)
    monkeypatch.setitem(sys.modules, "typed_pkg.steps_mod", module)

    class Config:
        def __init__(self, artifacts_dir: str = str(tmp_path / "figs")) -> None:
            self.artifacts_dir = artifacts_dir

    spec = PackageSpec(package="typed_pkg", model_name="m", env_prefix="TYPED_PKG", steps={
        "make": StepSpec("steps_mod", (), ("frame", "array", "mapping")),
        "use": StepSpec("steps_mod", ("frame", "array", "mapping"), ("total",)),
    })
    outs = {n: _Artifact(str(tmp_path / f"out_{n}")) for n in ("frame", "array", "mapping")}
    steps.run_step(spec, Config, "make", {}, {}, outs)
    assert {n: a.metadata for n, a in outs.items()} == {"frame": {"format": "parquet"}, "array": {"format": "npy"}, "mapping": {"format": "pickle"}}
    steps.run_step(spec, Config, "use", {}, outs, {"total": str(tmp_path / "total")})
    assert artifacts.load(str(tmp_path / "total")) == 6.0


# PyTorch with the real library (the CPU build scripts/venv.sh installs with the test extras). No
# GPU here, so "what a GPU step wrote" is made as torch.save makes it on a GPU: the same archive,
# each storage tagged with its location `cuda:0` (torch.serialization.location_tag, patched while
# saving). A plain torch.load of that file fails on this machine, which the tests check first.
TORCH_MISSING = "torch is not installed (scripts/venv.sh installs torch==2.13.0+cpu with the test extras and warns when it cannot): the torch format and device mapping were not run"


def _as_if_on_a_gpu(save):
    """Run `save()` with every storage it writes tagged `cuda:0`, as on a GPU machine."""
    from unittest import mock

    import torch.serialization

    with mock.patch.object(torch.serialization, "location_tag", lambda storage: "cuda:0"):
        return save()


def _devices(value) -> list[str]:
    """The device of every tensor and `torch.device` in `value`, in order."""
    import torch

    if isinstance(value, torch.Tensor):
        return [str(value.device)]
    if isinstance(value, torch.device):
        return [f"device:{value}"]
    if isinstance(value, torch.nn.Module):
        return [str(p.device) for p in value.parameters()]
    if isinstance(value, dict):
        return [d for v in value.values() for d in _devices(v)]
    if isinstance(value, (list, tuple)):
        return [d for v in value for d in _devices(v)]
    if hasattr(value, "__dict__"):
        return _devices(vars(value))
    return []


class _Holder:
    """A notebook's own object with a model inside (pickled by reference: this module is importable)."""

    def __init__(self, net) -> None:
        self.net = net
        self.label = "holder"


def _nested(torch):
    torch.manual_seed(0)
    weights = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    return {
        "tensors": [weights, (weights * 2, {"bias": torch.ones(2)})],
        "holder": _Holder(torch.nn.Linear(3, 1)),
        "device": torch.device("cuda:0"),
        "epochs": 3,
    }


def test_torch_values_a_gpu_step_wrote_load_onto_the_steps_device(tmp_path):
    torch = pytest.importorskip("torch", reason=TORCH_MISSING)
    tensor = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    model = torch.nn.Linear(3, 1)
    for name, value in (("t", tensor), ("m", model)):
        path = str(tmp_path / name)
        assert _as_if_on_a_gpu(lambda value=value, path=path: artifacts.save(value, path)) == "torch"
        if not torch.cuda.is_available():  # the file really is a GPU step's: unmapped, it does not load here
            with pytest.raises(RuntimeError, match="CUDA"):
                torch.load(path, weights_only=False)
        on_cpu = artifacts.load(path, "cpu")
        assert _devices(on_cpu) == ["cpu"] * len(_devices(value))
        # The mapping is the step's device, not a CPU fallback: the "meta" device (shapes, no data).
        assert set(_devices(artifacts.load(path, "meta"))) == {"meta"}
        if not torch.cuda.is_available():  # no device configured: the CPU when there is no GPU
            assert set(_devices(artifacts.load(path))) == {"cpu"}
    assert torch.equal(artifacts.load(str(tmp_path / "t"), "cpu"), tensor)
    assert torch.equal(artifacts.load(str(tmp_path / "m"), "cpu").weight, model.weight)


def test_containers_and_objects_holding_tensors_are_saved_with_torch_and_mapped_too(tmp_path):
    torch = pytest.importorskip("torch", reason=TORCH_MISSING)
    value = _nested(torch)
    path = str(tmp_path / "nested")
    assert _as_if_on_a_gpu(lambda: artifacts.save(value, path)) == "torch"
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA"):
            torch.load(path, weights_only=False)
    back = artifacts.load(path, "cpu")
    # every tensor at every depth, the module inside the object, and the torch.device value
    assert _devices(back) == ["cpu", "cpu", "cpu", "cpu", "cpu", "device:cpu"]
    assert torch.equal(back["tensors"][1][0], value["tensors"][0] * 2) and torch.equal(back["tensors"][1][1]["bias"], torch.ones(2))
    assert torch.equal(back["holder"].net.weight, value["holder"].net.weight) and back["holder"].label == "holder" and back["epochs"] == 3
    assert _devices(artifacts.load(path, "meta")) == ["meta"] * 5 + ["device:meta"]
    # A value holding no tensor is still pickled, byte for byte as before.
    assert artifacts.save({"epochs": 3, "device": torch.device("cuda:0")}, str(tmp_path / "plain")) == "pickle"
    assert _devices(artifacts.load(str(tmp_path / "plain"), "cpu")) == ["device:cpu"]


def test_pickles_holding_tensors_from_earlier_runtime_versions_load_onto_the_steps_device(tmp_path):
    """Before tensors in containers were saved with torch, they were pickled: such a file still
    loads onto the step's device (each storage's own torch.load gets the map_location)."""
    torch = pytest.importorskip("torch", reason=TORCH_MISSING)
    import cloudpickle

    value = _nested(torch)
    path = tmp_path / "old"
    path.write_bytes(_as_if_on_a_gpu(lambda: cloudpickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
    assert artifacts.format_of(path.read_bytes()) == "pickle"
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA"):
            pickle.loads(path.read_bytes())
    assert _devices(artifacts.load(str(path), "cpu")) == ["cpu"] * 5 + ["device:cpu"]


def test_the_step_runner_loads_a_gpu_steps_outputs_onto_the_device_its_config_names(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch", reason=TORCH_MISSING)
    import sys
    import types

    from nbrefactor_runtime import steps
    from nbrefactor_runtime.spec import PackageSpec, StepSpec

    package = types.ModuleType("torch_pkg")
    package.__path__ = []  # type: ignore[attr-defined]
    module = types.ModuleType("torch_pkg.steps_mod")
    seen: dict = {}

    def train(cfg):
        return torch.nn.Linear(3, 1), [torch.ones(2, 3), {"scale": torch.tensor(2.0)}]

    def evaluate(cfg, model, batches):
        seen["devices"] = _devices([model, batches])
        return "done"

    module.train, module.evaluate = train, evaluate
    monkeypatch.setitem(sys.modules, "torch_pkg", package)
    monkeypatch.setitem(sys.modules, "torch_pkg.steps_mod", module)

    class Config:
        def __init__(self, artifacts_dir: str = str(tmp_path / "a"), device: str = "cpu") -> None:
            self.artifacts_dir, self.device = artifacts_dir, device

    spec = PackageSpec(package="torch_pkg", model_name="m", env_prefix="TORCH_PKG", device_field="device", steps={
        "train": StepSpec("steps_mod", (), ("model", "batches")),
        "evaluate": StepSpec("steps_mod", ("model", "batches"), ("status",)),
    })
    outs = {n: _Artifact(str(tmp_path / f"out_{n}")) for n in ("model", "batches")}
    _as_if_on_a_gpu(lambda: steps.run_step(spec, Config, "train", {"device": "cuda"}, {}, outs))
    assert {n: a.metadata for n, a in outs.items()} == {"model": {"format": "torch"}, "batches": {"format": "torch"}}
    for device in ("cpu", "meta"):
        steps.run_step(spec, Config, "evaluate", {"device": device}, outs, {"status": str(tmp_path / "status")})
        assert seen["devices"] == [device] * 4


def test_a_series_is_parquet_with_its_name_and_pickled_when_parquet_would_change_it(tmp_path):
    target = pd.Series([0, 1, 1], name="churned", index=pd.Index([7, 3, 9], name="row"), dtype="int8")
    assert artifacts.save(target, str(tmp_path / "y")) == "parquet"
    back = artifacts.load(str(tmp_path / "y"))
    assert isinstance(back, pd.Series) and back.name == "churned" and back.dtype == np.int8
    pd.testing.assert_series_equal(back, target, check_exact=True)
    assert list(back.index) == [7, 3, 9] and back.index.name == "row"
    unnamed = pd.Series([1.5, np.nan])
    assert artifacts.save(unnamed, str(tmp_path / "u")) == "parquet"
    assert artifacts.load(str(tmp_path / "u")).name is None
    # A tuple name would come back as a JSON list; mixed objects do not fit Parquet at all.
    for name, series in (("tuple", pd.Series([1, 2], name=("a", 1))), ("mixed", pd.Series([1, "a"]))):
        assert artifacts.save(series, str(tmp_path / name)) == "pickle", name
        back = artifacts.load(str(tmp_path / name))
        pd.testing.assert_series_equal(back, series, check_exact=True)
        assert back.name == series.name


def test_saving_and_loading_a_frame_starts_no_arrow_thread(tmp_path):
    # A process that exits with Arrow's C++ thread pools alive aborts now and then (exit -6,
    # "terminate called without an active exception"); CI saw it in a generated package's step.
    # The abort is rare, so the test checks its cause: the threads. Linux's /proc lists them.
    import subprocess
    import sys

    script = (
        "import os, sys, pandas as pd, numpy as np\n"
        "from nbrefactor_runtime import artifacts\n"
        "threads = lambda: len(os.listdir('/proc/self/task'))\n"
        "frame = pd.DataFrame({'a': np.arange(50_000), 'b': ['x', 'y'] * 25_000, 'c': pd.Categorical(['p', 'q'] * 25_000)})\n"
        "frame.attrs = {'source': 'test'}\n"
        "before = threads()\n"
        "assert artifacts.save(frame, sys.argv[1]) == 'parquet'\n"
        "back = artifacts.load(sys.argv[1])\n"
        "pd.testing.assert_frame_equal(back, frame)\n"
        "print(before, threads(), back.attrs)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "frame")], capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr[-2000:]
    before, after, attrs = done.stdout.split(maxsplit=2)
    assert int(after) == int(before), f"Arrow started {int(after) - int(before)} thread(s)"
    assert attrs.strip() == "{'source': 'test'}"
