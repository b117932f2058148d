"""Memory per op of a long chain (built and backward()-ed), measured with tracemalloc: a size
check, not a timing. micrograd needs about 1,270 bytes per op for the same chain with a
fresh constant per op, and cannot run backward() through it past a thousand ops."""

import gc
import tracemalloc

import pytest

from autograd_xor import Value


def peak_bytes_per_op(n, shared):
    gc.collect()
    tracemalloc.start()
    try:
        x = y = Value(0.5)
        a, b = Value(1.0), Value(0.0)
        for _ in range(n // 2):
            y = y * a + b if shared else y * 1.0 + 0.0
        y.backward()
        assert x.grad == 1.0
        return tracemalloc.get_traced_memory()[1] / n
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("shared", [True, False])
def test_chain_peak_memory_per_op(shared):
    # at most 300 bytes per op, the budget, both for y = y*a + b (shared leaves) and
    # for y*1.0 + 0.0, where a fresh constant leaf per op adds a node per op
    assert peak_bytes_per_op(100_000, shared) < 300
