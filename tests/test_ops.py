"""The op table is the reference: every row is complete, the engine computes exactly what the
row says (its hand-written hot ops included), the row's derivative agrees with finite
differences, and a compiled replay reproduces it bit for bit."""

import random

import pytest

from autograd_xor import Value, compile, cross_entropy, gradcheck, weighted_sum
from autograd_xor.engine import apply_op
from autograd_xor.ops import OPS, lookup, op_text
from autograd_xor.testing import _call

ROWS = sorted(OPS)
FIXED = [name for name in ROWS if OPS[name].arity > 0]


def cases():
    """(row, parameter) for every fixed-arity row and each parameter the row lists."""
    return [(name, k) for name in FIXED for k in (OPS[name].params or (None,))]


def points(op, k, n=12, seed=0):
    """Points inside the row's domain, at least 0.05 from any kink."""
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        xs = [rng.uniform(lo, hi) for lo, hi in op.domain]
        if all(abs(x - kink) > 0.05 for x in xs[:1] for kink in op.kinks):
            out.append(xs)
    return out


@pytest.mark.parametrize("name", ROWS)
def test_every_row_is_complete(name):
    op = OPS[name]
    assert op.name == name and op.formula and op.written
    assert op.derivative and all(isinstance(d, str) and d for d in op.derivative)
    assert op.domain and all(lo < hi for lo, hi in op.domain)
    if op.arity:
        assert len(op.domain) == op.arity and len(op.derivative) == op.arity
        assert not op.safe or len(op.safe) == op.arity
    assert op.torch is not None
    if op.parse:
        for k in op.params or (2,):
            assert lookup(op_text(name, k)) == (op, k)
    else:
        assert lookup(name) == (op, None)
    if op.replay is not None:
        code, local = op.replay
        assert "{0}" in code and len(local) == op.arity


@pytest.mark.parametrize("name, k", cases())
def test_engine_computes_what_the_row_says(name, k):
    """The node's value and local derivatives are the row's forward and backward(1.0), to the
    last bit, whether the engine writes the op out by hand or makes it from the row."""
    op = OPS[name]
    for xs in points(op, k):
        args = [Value(x) for x in xs]
        node = _call(op, k)(*args)
        assert node._op == op_text(name, k)
        assert [p is a for p, a in zip(node._prev, args)] == [True] * op.arity
        out = op.forward(tuple(xs), k)
        assert node.data == out
        want = tuple(0.0 if d is None else d for d in op.backward(1.0, tuple(xs), out, k))
        assert node._local == want


@pytest.mark.parametrize("name, k", cases())
def test_row_derivative_agrees_with_finite_differences(name, k):
    op = OPS[name]
    for xs in points(op, k, n=6, seed=1):
        assert gradcheck(_call(op, k), xs, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("name, k", cases())
def test_replay_reproduces_the_row_bit_for_bit(name, k):
    op = OPS[name]
    xs = [Value(x) for x in points(op, k, n=1, seed=2)[0]]
    fn = _call(op, k)
    step = compile(lambda: fn(*xs) * 1.5)
    for new in points(op, k, n=4, seed=3):
        for v, x in zip(xs, new):
            v.data, v.grad = x, 0.0
        got = step()
        replayed = [v.grad for v in xs]
        for v in xs:
            v.grad = 0.0
        eager = fn(*xs) * 1.5
        eager.backward()
        assert got == eager.data
        assert replayed == [v.grad for v in xs]
    assert step.replays >= 2


def test_weighted_sum_row():
    op = OPS["Σw·x+b"]
    w, x, b = [Value(0.5), Value(-1.5)], [Value(2.0), 3.0], Value(0.25)
    s = weighted_sum(w, x, b)
    inputs = (None, 3.0)                    # the first input is a Value, the second a number
    xs = (0.5, 2.0, -1.5, 0.25)
    assert s.data == op.forward(xs, inputs) == 0.25 + 0.5 * 2.0 + -1.5 * 3.0
    assert s._local == op.backward(1.0, xs, s.data, inputs) == (2.0, 0.5, 3.0, 1.0)
    assert s._db == 0b10                    # the bitmask of plain-number inputs
    assert gradcheck(lambda a, c, d: weighted_sum([a, c], [d, 3.0], b), [0.5, -1.5, 2.0])


def test_cross_entropy_row():
    op = OPS["cross_entropy"]
    zs = (0.3, -1.2, 2.0)
    node = cross_entropy([Value(z) for z in zs], 1)
    assert node._op == "cross_entropy(y=1)" and lookup(node._op) == (op, 1)
    assert node.data == op.forward(zs, 1)
    assert node._local == op.backward(1.0, zs, node.data, 1)
    assert gradcheck(lambda a, b, c: cross_entropy([a, b, c], 1), list(zs))


def test_apply_op_labels_the_operands_in_errors():
    with pytest.raises(ValueError, match=r"log\(-1.0\) \(node 'q'\)"):
        apply_op("log", Value(-1.0, label="q"))


def test_an_op_missing_from_the_table_is_named():
    with pytest.raises(KeyError, match="'sin' is not in the op table"):
        lookup("sin")


def test_softmax_compiles_and_replays_exactly():
    # the softmax shift is a node (max_nograd), not a number read from .data, so a compiled
    # step recomputes it from the new logits instead of refusing or baking it in
    import random

    from autograd_xor import log_softmax, softmax
    zs = [Value(0.0) for _ in range(4)]
    step = compile(lambda: log_softmax(zs)[1] + softmax(zs)[3] * 2.0)
    rng = random.Random(5)
    for _ in range(6):
        for v in zs:
            v.data, v.grad = rng.uniform(-900.0, 900.0), 0.0
        got, grads = step(), [v.grad for v in zs]
        for v in zs:
            v.grad = 0.0
        eager = log_softmax(zs)[1] + softmax(zs)[3] * 2.0
        eager.backward()
        assert got == eager.data and grads == [v.grad for v in zs]
    assert step.replays >= 3
