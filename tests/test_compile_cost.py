"""What compiling a training step costs, checked without timings (those live in
`benchmarks/compile_cost.py`): micrograd's demo (W1) compiles within 50 MB, its per-point
blocks become loops, and a wide MLP (2-64-64-1 on 100 points) compiles and replays bit for
bit like the eager engine (issue 14)."""

import gc
import importlib.util
import struct
import tracemalloc
from pathlib import Path

from autograd_xor import compile

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


_spec = importlib.util.spec_from_file_location("compile_cost", BENCH / "compile_cost.py")
compile_cost = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compile_cost)


def demo(width, points=100):
    """micrograd's demo step on an MLP 2-width-width-1, and its loss function."""
    model, step = compile_cost._compiled_step(width, points)
    return model, step.fn


def keys(xs):
    return ["nan" if x != x else struct.pack("<d", x) for x in xs]


def test_w1_compiles_within_50_mb_into_loops():
    _model, loss_fn = demo(16)
    step = compile(loss_fn)
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        step()
        step()                                   # trace, check and generate the code
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert peak < 50e6, f"compiling W1 peaked at {peak / 1e6:.1f} MB"
    # the 100 points are one forward loop and one backward loop, not 75,000 lines
    assert "for k in range(100):" in step.source and step.source.count("\n") < 5000


def test_a_width_64_mlp_compiles_and_replays_like_eager():
    model, loss_fn = demo(64)
    step = compile(loss_fn)
    params = model.parameters()
    for k in range(3):
        model.zero_grad()
        got, grads = step(), keys(p.grad for p in params)
        model.zero_grad()
        out = loss_fn()
        out.backward()
        assert keys([got]) == keys([out.data]) and grads == keys(p.grad for p in params)
        for p in params:
            p.data -= 0.5 * p.grad
    assert step.replays == 1
