"""PyTorch (float64) as the oracle: random graphs of every op in the table, on ordinary
numbers and on edge values (±0.0, subnormals, huge numbers, ±inf, nan). Values and gradients
equal PyTorch's (nan where PyTorch gives nan, the same infinities), and the engine raises
only where it refuses on purpose, with an error that names the op."""

import math
import os

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from autograd_xor import Value, cross_entropy, log_softmax, softmax, topological_order, weighted_sum
from autograd_xor.ops import OPS, op_text
from autograd_xor.testing import _call

EDGE = [0.0, -0.0, 5e-324, -5e-324, 1e-310, 2.2250738585072014e-308, 1e300, -1e300,
        1.7976931348623157e308, math.inf, -math.inf, math.nan, 1.0, -1.0, 0.5, 2.0, 20.0,
        -745.0, 710.0, 1000.0, -1000.0]
# The engine refuses these on purpose (PyTorch gives inf or nan): each error names the op.
REFUSALS = (ZeroDivisionError, ValueError, OverflowError)

UNARY = [(name, k) for name, op in OPS.items() if op.arity == 1
         for k in ((None,) if not op.parse else op.params + ((0.0, 1.0, -1.0) if name == "**k"
                                                              else ()))]
BINARY = [name for name, op in OPS.items() if op.arity == 2]


def numbers():
    return st.one_of(st.sampled_from(EDGE),
                     st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False))


def trees(n_vars):
    leaves = st.tuples(st.just("x"), st.integers(0, n_vars - 1))

    def grow(children):
        return st.one_of(st.tuples(st.just("u"), st.sampled_from(UNARY), children),
                         st.tuples(st.just("b"), st.sampled_from(BINARY), children, children))
    return st.recursive(leaves, grow, max_leaves=6)


def ours(tree, xs):
    if tree[0] == "x":
        return xs[tree[1]]
    if tree[0] == "u":
        name, k = tree[1]
        return _call(OPS[name], k)(ours(tree[2], xs))
    return _call(OPS[tree[1]], None)(ours(tree[2], xs), ours(tree[3], xs))


def theirs(tree, xs):
    if tree[0] == "x":
        return xs[tree[1]]
    if tree[0] == "u":
        name, k = tree[1]
        args = [f"a{0}"]
        env = {"torch": torch, "a0": theirs(tree[2], xs)}
    else:
        name, k = tree[1], None
        env = {"torch": torch, "a0": theirs(tree[2], xs), "a1": theirs(tree[3], xs)}
        args = ["a0", "a1"]
    expr = OPS[name].torch.format(*args, k=repr(k))
    return eval(expr, env)      # the table's own PyTorch expressions


def show(tree):
    if tree[0] == "x":
        return f"x{tree[1]}"
    if tree[0] == "u":
        name, k = tree[1]
        return f"{op_text(name, k) if k is not None else name}({show(tree[2])})"
    return f"({show(tree[2])} {tree[1]} {show(tree[3])})"


def magnitudes(root, leaves):
    """How large the numbers are that the value and each gradient are sums of: the largest
    |value| in the graph, and each leaf's gradient computed with |local derivative|s. A
    difference in the last bits of those terms is what two correct engines may show."""
    order = topological_order(root)
    value = max([1.0] + [abs(v.data) for v in order if math.isfinite(v.data)])
    g = {v: 0.0 for v in order}
    g[root] = 1.0
    for v in reversed(order):
        for p, d in zip(v._prev, v._local):
            term = abs(d) * g[v]
            g[p] += term if math.isfinite(term) else 0.0
    return value, [max(1e-300, g.get(x, 0.0)) for x in leaves]


def agree(a, b, scale):
    """Same classification (nan, the same infinity, finite) and, if finite, close: PyTorch
    sums and rounds in its own order, so the last bits may differ."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12 * scale)


def close(a, b, scale):
    """agree, with the absolute tolerance scaled to the terms behind the number. The two
    engines' tanh, exp and log may differ in the last bit, and a local derivative such as
    1 - tanh(z)^2 near |z| = 10 magnifies that by 1e8, hence rel_tol 1e-6."""
    if math.isnan(a) or math.isnan(b) or math.isinf(a) or math.isinf(b):
        return agree(a, b, scale)
    if max(abs(a), abs(b)) < 1e-290:
        # both finite and near underflow, where a subnormal keeps only a few bits: the order
        # of a product and a quotient decides them (PyTorch's bce backward divides g·(p - t),
        # the engine multiplies g by its stored (p - t)/p(1 - p)), and either is as right
        return True
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12 * scale)


def compare(tree, point):
    leaves = [Value(x) for x in point]
    try:
        out = ours(tree, leaves)
        out.backward()
    except REFUSALS as e:
        name = str(e).split(":", 1)[0]
        assert name and any(name.startswith(op) or op in name for op in OPS), str(e)
        return "refused"
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point]
    try:
        t_out = theirs(tree, ts)
        t_out.backward()
    except RuntimeError:                     # PyTorch refuses too (a bce out of [0, 1])
        pytest.fail(f"PyTorch refuses {show(tree)} at {point}, the engine gave {out.data!r}")
    t_grads = [0.0 if t.grad is None else t.grad.item() for t in ts]
    value_scale, grad_scales = magnitudes(out, leaves)
    assert close(out.data, t_out.item(), value_scale), \
        f"{show(tree)} at {point}: value {out.data!r}, PyTorch {t_out.item()!r}"
    for i, (v, g, scale) in enumerate(zip(leaves, t_grads, grad_scales)):
        assert close(v.grad, g, scale), \
            f"{show(tree)} at {point}: d/dx{i} = {v.grad!r}, PyTorch {g!r}"
    return "agreed"


CASES = st.integers(1, 3).flatmap(lambda n: st.tuples(trees(n), st.lists(numbers(), min_size=n,
                                                                          max_size=n)))


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(CASES)
def test_random_graphs_match_pytorch_on_ordinary_and_edge_values(case):
    tree, point = case
    compare(tree, point)


@pytest.mark.slow
@settings(max_examples=int(os.environ.get("ORACLE_EXAMPLES", "30000")), deadline=None,
          derandomize="ORACLE_NEW" not in os.environ)
@given(CASES)
def test_many_random_graphs_match_pytorch(case):
    # `make test-slow`: 30,000 more graphs (a few minutes), the same ones on every run so that
    # CI never depends on luck; `ORACLE_NEW=1 make test-slow` draws new ones to hunt with
    tree, point = case
    compare(tree, point)


@pytest.mark.parametrize("tree, point", [
    # a dead relu selects a zero: 0 × inf is not nan (PyTorch's threshold_backward)
    (("u", ("**k", 0.5), ("u", ("relu", None), ("x", 0))), [-1.0]),
    # x ** 0 has a zero slope that PyTorch masks in, even times an infinite gradient
    (("u", ("**k", 0.5), ("b", "-", ("u", ("**k", 0.0), ("x", 0)), ("x", 1))), [3.0, 1.0]),
    # d log(x) / dx for a subnormal x: g / x is finite where 1/x overflows
    (("b", "*", ("u", ("log", None), ("x", 0)), ("x", 1)), [1e-310, 1e-10]),
    (("b", "/", ("x", 1), ("x", 0)), [1e-310, 1e-10]),
    # relu and leaky_relu of nan pass the gradient (nan > 0 is false, PyTorch tests <= 0)
    (("u", ("relu", None), ("x", 0)), [math.nan]),
    (("u", ("abs", None), ("x", 0)), [0.0]),
    (("u", ("leaky_relu", 0.01), ("x", 0)), [0.0]),
    (("u", ("softplus", None), ("x", 0)), [800.0]),
    (("u", ("softplus", None), ("x", 0)), [-800.0]),
    # a gradient near underflow: PyTorch's order rounds g·(p - t) to a subnormal first
    (("b", "*", ("u", ("softplus", None), ("x", 0)), ("b", "bce", ("x", 2), ("x", 0))),
     [0.0, 0.0, 5e-324]),
    (("b", "bce", ("u", ("sigmoid", None), ("x", 0)), ("u", ("sigmoid", None), ("x", 1))),
     [-800.0, 0.3]),
])
def test_named_edge_cases(tree, point):
    assert compare(tree, point) == "agreed"


def test_softmax_log_softmax_and_cross_entropy_match_pytorch_near_1000():
    for logits, target in [([0.3, -1.2, 2.0], 2), ([1000.0, -1000.0, 999.0], 1),
                           ([-1000.0, -1000.5], 0), ([5e-324, 0.0, -0.0], 0)]:
        zs = [Value(z) for z in logits]
        t = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
        for fn, tfn in ((softmax, lambda x: F.softmax(x, 0)),
                        (log_softmax, lambda x: F.log_softmax(x, 0))):
            got = [p.data for p in fn(zs)]
            want = tfn(t).tolist()
            assert all(agree(a, b, 1.0) for a, b in zip(got, want)), (fn.__name__, got, want)
        loss = cross_entropy(zs, target)
        loss.backward()
        t_loss = F.cross_entropy(t.unsqueeze(0), torch.tensor([target]))
        t_loss.backward()
        assert agree(loss.data, t_loss.item(), 1.0)
        assert all(agree(v.grad, g, 1.0) for v, g in zip(zs, t.grad.tolist()))


def test_batched_cross_entropy_is_the_mean_as_in_pytorch():
    batch = [[0.5, -0.25, 1.5], [2.0, 1.0, -3.0]]
    targets = [2, 0]
    zs = [[Value(z) for z in row] for row in batch]
    loss = cross_entropy(zs, targets)
    loss.backward()
    t = torch.tensor(batch, dtype=torch.float64, requires_grad=True)
    t_loss = F.cross_entropy(t, torch.tensor(targets))
    t_loss.backward()
    assert agree(loss.data, t_loss.item(), 1.0)
    for row, grads in zip(zs, t.grad.tolist()):
        assert all(agree(v.grad, g, 1.0) for v, g in zip(row, grads))


def test_weighted_sum_matches_pytorch_dot():
    w = [Value(0.5), Value(-1.25), Value(2.0)]
    x = [Value(3.0), -0.3, Value(1e-310)]
    b = Value(0.1)
    s = weighted_sum(w, x, b).tanh()
    s.backward()
    tw = torch.tensor([0.5, -1.25, 2.0], dtype=torch.float64, requires_grad=True)
    tx = torch.tensor([3.0, -0.3, 1e-310], dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    torch.tanh(tb + (tw * tx).sum()).backward()
    assert agree(s.data, math.tanh(0.1 + 1.5 + 0.375 + 2e-310), 1.0)
    assert all(agree(v.grad, g, 1.0) for v, g in zip(w, tw.grad.tolist()))
    assert agree(b.grad, tb.grad.item(), 1.0)
    assert agree(x[0].grad, tx.grad[0].item(), 1.0) and agree(x[2].grad, tx.grad[2].item(), 1.0)
