"""The compiled replay gives the eager engine's numbers to the last bit, and refuses graphs
it cannot replay. Numbers are compared by repr, so -0.0 vs 0.0 or a changed nan would fail."""

import math
import random

import pytest
from hypothesis import given, settings, strategies as st

from autograd_xor import MLP, SGD, CompileError, Value, compile, detect_anomaly, no_grad
from autograd_xor.losses import binary_cross_entropy, binary_cross_entropy_with_logits
from autograd_xor.replay import replay_graph
from autograd_xor.testing import expressions, points
from autograd_xor.xor import XOR_INPUTS, XOR_TARGETS, make_xor_model, train_xor


def same(a, b):
    return repr(a) == repr(b)


def bits(values):
    return [repr(v) for v in values]


# --- micrograd's demo (a small version of it) -------------------------------------------

def moons(n):
    rng = random.Random(3)
    pts = [[rng.uniform(-1.5, 2.5), rng.uniform(-1, 1.5)] for _ in range(n)]
    return pts, [1.0 if i % 2 else -1.0 for i in range(n)]


def demo_loss(model, xs, ys):
    inputs = [list(map(Value, x)) for x in xs]
    scores = list(map(model, inputs))
    losses = [(1 + -y * s).relu() for y, s in zip(ys, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    return data_loss + 1e-4 * sum(p * p for p in model.parameters()), scores


def test_micrograd_demo_trains_identically():
    xs, ys = moons(12)
    random.seed(1337)
    eager = MLP(2, [8, 8, 1])
    random.seed(1337)
    model = MLP(2, [8, 8, 1])
    step = compile(lambda: demo_loss(model, xs, ys))
    for k in range(8):
        loss, scores = demo_loss(eager, xs, ys)
        eager.zero_grad()
        loss.backward()
        model.zero_grad()
        c_loss, c_scores = step()
        assert same(c_loss, loss.data)
        assert bits(c_scores) == bits(s.data for s in scores)
        assert bits(p.grad for p in model.parameters()) == bits(p.grad for p in eager.parameters())
        lr = 1.0 - 0.9 * k / 100
        for m in (eager, model):
            for p in m.parameters():
                p.data -= lr * p.grad
    assert step.replays == 6 and step.calls == 8
    assert "Value" not in step.source          # the replay makes no Value objects


def test_leaf_gradients_accumulate_like_backward():
    # without zero_grad, backward() adds to .grad: so does the replay
    w = Value(0.3)
    step = compile(lambda: (w * w).tanh())
    eager_w = Value(0.3)
    for _ in range(4):
        step()
        (eager_w * eager_w).tanh().backward()
        assert same(w.grad, eager_w.grad)


# --- XOR, as autograd_xor.xor trains it -------------------------------------------------

def xor_loss(model):
    outs = [model(x) for x in XOR_INPUTS]
    return sum(binary_cross_entropy(o, t) for o, t in zip(outs, XOR_TARGETS)) / len(outs)


def test_xor_training_matches_train_xor():
    expected = train_xor(hidden=3, epochs=40, lr=0.5, seed=2)
    model = make_xor_model(hidden=3, seed=2)
    opt = SGD(model.parameters(), lr=0.5)
    step = compile(lambda: xor_loss(model))
    losses = []
    for _ in range(40):
        opt.zero_grad()
        losses.append(step())
        opt.step()
    assert bits(losses) == bits(expected.losses)
    assert bits(model.state_dict().values()) == bits(expected.model.state_dict().values())


def test_bce_with_logits_and_sigmoid_network():
    model = MLP(2, [3, 1], activations=["sigmoid", "linear"], weights=[
        [[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]], [[1.0, -2.0, 0.5]]])
    step = compile(lambda: sum(binary_cross_entropy_with_logits(model(x), t)
                               for x, t in zip(XOR_INPUTS, XOR_TARGETS)))
    for _ in range(5):
        model.zero_grad()
        got = step()
        grads = bits(p.grad for p in model.parameters())
        model.zero_grad()
        loss = sum(binary_cross_entropy_with_logits(model(x), t)
                   for x, t in zip(XOR_INPUTS, XOR_TARGETS))
        loss.backward()
        assert same(got, loss.data) and grads == bits(p.grad for p in model.parameters())
        for p in model.parameters():
            p.data -= 0.3 * p.grad


# --- random graphs ----------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(expressions(3, max_leaves=12), st.lists(points(3), min_size=3, max_size=5))
def test_random_graphs_replay_bit_for_bit(f, pts):
    xs = [Value(0.0) for _ in range(3)]
    step = compile(lambda: f(*xs) * 1.0)         # * 1.0: the root is an op even for f = x
    for pt in pts:
        for x, v in zip(xs, pt):
            x.data, x.grad = v, 0.0
        got = step()
        ref = [Value(v) for v in pt]
        out = f(*ref) * 1.0
        out.backward()
        assert same(got, out.data)
        assert bits(x.grad for x in xs) == bits(r.grad for r in ref)
    assert step.replays == len(pts) - 2


# --- the worked examples ----------------------------------------------------------------

def _examples():
    try:
        from autograd_xor.walkthroughs import WALKTHROUGHS
    except ImportError:
        return []
    return sorted(WALKTHROUGHS)


@pytest.mark.parametrize("name", _examples())
def test_every_walkthrough_graph_replays(name):
    from autograd_xor.engine import topological_order
    from autograd_xor.walkthroughs import get
    root = get(name).graph()                    # after one eager backward()
    leaves = [v for v in topological_order(root) if not v._prev]
    eager = bits(v.grad for v in leaves)
    for v in leaves:
        v.grad = 0.0
    assert same(replay_graph(root)(), root.data)
    assert bits(v.grad for v in leaves) == eager


def test_examples_are_there():
    assert len(_examples()) >= 1


# --- what it refuses, and when it falls back to the eager engine ------------------------

def test_a_branch_on_data_is_retraced_when_it_flips():
    w = Value(1.0, label="w")

    def fn():
        return w * w if w.data > 0 else -w      # the graph's shape depends on w.data
    step = compile(fn)
    for v in [1.0, 0.5, 2.0, -1.0, -0.5, -2.0, -3.0]:
        w.data, w.grad = v, 0.0
        got = step()
        ref = Value(v)
        out = ref * ref if v > 0 else -ref
        out.backward()
        assert same(got, out.data) and same(w.grad, ref.grad)
    # the condition w.data > 0 held on calls 2 and 3, flipped on call 4 (traced again,
    # checked on call 5); calls 3, 6 and 7 are replays
    assert step.replays == 3 and step.retraces == 1


def test_check_every_reruns_fn_eagerly_and_compares():
    # numbers drawn from an iterator inside fn are invisible to the guards: check_every
    # (an extra eager check) catches the change; passing them as arguments avoids it
    import itertools
    w = Value(1.0)
    draws = itertools.cycle([1.0, 1.0, 2.0])
    step = compile(lambda: w * Value(next(draws)), check_every=3)
    step(), step()                               # trace and check: 1.0 both times
    with pytest.raises(CompileError, match="leaf 1 changed from 1.0 to 2.0"):
        step()                                   # call 3: the extra check draws 2.0


def test_relu_kink_is_not_a_branch():
    w = Value(2.0)
    step = compile(lambda: (w * 1.5 - 1.0).relu() * w)
    grads = []
    for v in [2.0, 1.0, -1.0, 0.0, 3.0]:         # crosses the kink both ways while replaying
        w.data, w.grad = v, 0.0
        out = step()
        ref = Value(v)
        eager = (ref * 1.5 - 1.0).relu() * ref
        eager.backward()
        assert same(out, eager.data) and same(w.grad, ref.grad)
        grads.append(w.grad)
    assert step.replays == 3 and grads[2] == 0.0


def test_numbers_that_change_inside_fn_are_refused():
    counter = iter(range(10))
    w = Value(1.0)
    step = compile(lambda: w * Value(float(next(counter))))
    step()
    with pytest.raises(CompileError, match="new Value on every call and its number changed"):
        step()


def test_bad_returns_and_arguments():
    w = Value(1.0)
    with pytest.raises(CompileError, match="returned a float at output.1."):
        compile(lambda: (w * 2, 3.0))()
    with pytest.raises(CompileError, match="must return the loss Value"):
        compile(lambda: 3.0)()
    with pytest.raises(CompileError, match="leaf Value"):
        compile(lambda: w)()
    with pytest.raises(TypeError, match="expected a function"):
        compile(w)
    with pytest.raises(ValueError, match="check_every"):
        compile(lambda: w * 2, check_every=-1)


def test_an_op_it_cannot_replay_is_named():
    from autograd_xor.engine import _node
    w = Value(1.0)
    step = compile(lambda: _node(w.data * 3.0, "triple", (w,), (3.0,)))
    step()
    with pytest.raises(CompileError, match="cannot replay the op 'triple'"):
        step()


def test_replay_errors_are_the_engine_errors():
    x = Value(1.0, label="x")
    step = compile(lambda: (x * 1.0).log())
    step(), step(), step()
    x.data = 0.0
    with pytest.raises(ValueError, match=r"log: log\(0.0\).*positive input"):
        step()


def test_no_grad_and_detect_anomaly_run_eagerly():
    x = Value(2.0)
    step = compile(lambda: x * x)
    step(), step(), step()
    assert step.replays == 1
    with no_grad():
        assert step() == 4.0
    x.data = math.inf
    with detect_anomaly(), pytest.raises(FloatingPointError, match="detect_anomaly"):
        step()
    assert step.replays == 1


def test_a_wide_neuron_compiles_and_matches():
    # 3,000 inputs: the replay's sum is split into chunks, in the engine's order
    from autograd_xor import Neuron
    rng = random.Random(5)
    n = Neuron(3000, activation="tanh", weights=[rng.uniform(-1, 1) for _ in range(3000)])
    xs = [Value(rng.uniform(-0.05, 0.05)) for _ in range(3000)]
    step = compile(lambda: n(xs) * 2.0)
    for _ in range(3):
        n.zero_grad()
        got = step()
    grads = bits(p.grad for p in n.parameters())
    n.zero_grad()
    out = n(xs) * 2.0
    out.backward()
    assert same(got, out.data) and grads == bits(p.grad for p in n.parameters())
