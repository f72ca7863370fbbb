"""`_gpu_count_assert` gives `_GPU_COUNT_ASSERT.search`'s count on every line shape, tried only from
the first `assert` (review of session 35: the search from every `assert` was quadratic)."""
import pytest

from nbrefactor.audit.rules import accelerators

LINES = [
    "assert torch.cuda.device_count() >= 2",
    "assert torch.cuda.device_count() > 1, 'needs two'",
    "x = 1; assert len(gpus) == 4",
    "assert ok; assert torch.cuda.device_count() >= 8",
    "assert flag  # then assert len(devices) >= 3",
    "assertion = torch.cuda.device_count() >= 2",
    "n = torch.cuda.device_count() >= 2",
    "assert torch.cuda.is_available()",
    "if multi: assert len(tf.config.list_physical_devices('GPU')) >= 2",
    "assert len(a) >= 1 and assert_len(b) == 2",
    "",
    "assert " * 50 + "torch.cuda.device_count() >= 2",
]


@pytest.mark.parametrize("line", LINES)
def test_the_first_assert_gives_the_search_s_answer(line):
    expected = accelerators._GPU_COUNT_ASSERT.search(line)
    got = accelerators._gpu_count_assert(line)
    assert (got is None) == (expected is None)
    if expected is not None:
        assert (got.group("op"), got.group("n"), got.end()) == (expected.group("op"), expected.group("n"), expected.end())


def test_a_count_is_read():
    assert accelerators._asserted_gpu_count("import torch\nassert torch.cuda.device_count() > 1\n", 2) == 2
    assert accelerators._asserted_gpu_count("assert ready\n", 1) == 0
