"""The benchmark workloads compute the same numbers on every engine (no timings here: those
live in `benchmarks/bench.py`)."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def losses(setup, steps):
    step = setup()
    return [repr(step()) for _ in range(steps)]


def test_w3_engines_train_identically(workloads):
    W = workloads
    ours = losses(W.w3_ours, 6)
    assert losses(W.w4_w3_compiled, 6) == ours          # calls 3 to 6 are replays
    assert losses(W.w3_micrograd, 6) == ours


def test_w1_engines_train_identically(workloads):
    W = workloads
    ours = losses(W.w1_ours, 3)
    assert losses(W.w1_ops_ours, 3) == ours             # binary ops: the same floats
    assert losses(W.w4_w1_compiled, 3) == ours
    assert losses(W.w1_micrograd, 1) == ours[:1]        # one step: micrograd is slow


@pytest.mark.parametrize("kind", ["const", "shared"])
def test_w2_chain_backward(kind, workloads):
    from autograd_xor import Value
    x, y = workloads.chain(Value, 20_000, kind)
    y.backward()
    assert x.grad == 1.0 and y.data == 0.5


def test_bench_rejects_an_unknown_workload():
    r = subprocess.run([sys.executable, str(BENCH / "bench.py"), "--only", "W9"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "unknown workload" in r.stderr and "W9" in r.stderr
