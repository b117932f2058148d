"""backward()'s shortcuts give the numbers of the plain chain rule, bit for bit.

Three things make backward() fast without changing a number: the walk goes down a chain of
first parents in one loop, a weighted sum whose parents are all seen is passed over at
once, and a node whose gradient is zero passes nothing on (each parent would get ±0.0 added
to a sum that began the pass at +0.0) unless a local derivative is infinite or NaN, where
0 · inf must still give NaN. The reference here is micrograd's own loop: every node's
`_backward()` in reverse topological order, with no shortcut at all.
"""

import gc
import math
import random

import pytest

from autograd_xor import MLP, Value, topological_order, weighted_sum
from autograd_xor._collector import BATCH, Pool


def _reference_grads(root, leaves):
    """The plain chain rule: zero every gradient, then each node's `_backward()`."""
    order = topological_order(root)
    for v in order:
        v.grad = 0.0
    root.grad = 1.0
    for v in reversed(order):
        v._backward()
    return [p.grad.hex() for p in leaves]


@pytest.mark.parametrize("kind", ["nn.MLP (weighted sums)", "micrograd's neurons (+ and *)"])
def test_skipping_zero_gradients_changes_no_bit_at_the_demo_size(kind, workloads):
    # micrograd's demo, 2-16-16-1 on 100 moons, trained until most points are past the
    # hinge's margin: most of the graph then has a zero gradient, and backward() skips it
    random.seed(workloads.DEMO_SEED)
    model = (MLP(2, [16, 16, 1]) if kind.startswith("nn") else
             workloads.OpsMLP(Value, 2, [16, 16, 1]))
    X, y = workloads.two_moons()
    params = model.parameters()
    for step in range(30):
        loss, _ = workloads.demo_loss(model, Value, X, y)
        for p in params:
            p.grad = 0          # micrograd's zero_grad sets the int 0
        loss.backward()
        fast = [p.grad.hex() for p in params]
        if step in (0, 29):
            inner = [v for v in topological_order(loss) if v._prev]
            zero = sum(v.grad == 0.0 for v in inner)
            assert fast == _reference_grads(loss, params), f"step {step}"
            assert all(type(p.grad) is float for p in params)
        for p in params:
            p.data -= 0.5 * p.grad
    assert zero > len(inner) / 2            # the skip was really exercised at step 29


def test_a_zero_gradient_still_carries_nan_through_an_infinite_local_derivative():
    # PyTorch: d(0 * (w * inf))/dw = 0 * inf = nan, not 0
    w, x = Value(2.0), Value(math.inf)
    ((w * x) * 0.0).backward()
    assert math.isnan(w.grad)

    w, b = Value(2.0), Value(0.0)
    (weighted_sum([w], [Value(math.inf)], b) * 0.0).backward()
    assert math.isnan(w.grad) and b.grad == 0.0

    w = Value(2.0)                  # a plain-number input of inf: its local derivative too
    (weighted_sum([w], [math.inf], Value(0.0)) * 0.0).backward()
    assert math.isnan(w.grad)


def test_a_leaf_that_no_gradient_reaches_ends_with_the_float_zero():
    # micrograd's zero_grad sets the int 0 (and a user may leave -0.0): after a pass that
    # passes only zeros to it, the leaf holds +0.0, the float the chain rule gives
    for start in (0, -0.0, 0.0):
        w, x = Value(1.5), Value(-2.0)
        w.grad = x.grad = start
        s = weighted_sum([w], [x], Value(0.0))        # -3.0: a dead ReLU below
        m = w * x
        (s.relu() + m.relu()).backward()
        for leaf in (w, x):
            assert type(leaf.grad) is float and leaf.grad.hex() == "0x0.0p+0", start


def test_a_leaf_gradient_is_kept_and_a_second_pass_adds_exactly_once_more():
    w, x = Value(0.5), Value(3.0)
    w.grad = 10.0
    y = (w * x).relu() + weighted_sum([w], [x], Value(1.0))
    y.backward()
    assert w.grad == 10.0 + 2 * 3.0
    y.backward()
    assert w.grad == 10.0 + 4 * 3.0


def test_the_walk_down_first_parents_keeps_the_depth_first_order():
    # a chain of + whose second parents are shared nodes and leaves: the order is the one a
    # plain recursive depth-first walk gives, parents in order
    random.seed(5)
    xs = [Value(random.random(), label=f"x{i}") for i in range(6)]
    nodes = list(xs)
    for i in range(200):
        a, b = random.choice(nodes), random.choice(nodes)
        op = random.choice(["+", "*", "relu", "ws"])
        v = (a + b if op == "+" else a * b if op == "*" else a.relu() if op == "relu"
             else weighted_sum([a, b], [b, 2.0], xs[0]))
        nodes.append(v)
    root = sum(nodes[-20:], Value(0.0))

    def recursive(v, seen, out):
        if id(v) in seen:
            return
        seen.add(id(v))
        for p in v._prev:
            recursive(p, seen, out)
        out.append(v)
    expected = []
    recursive(root, set(), expected)
    assert [id(v) for v in topological_order(root)] == [id(v) for v in expected]
    inner = [id(v) for v in expected if v._prev]
    assert [id(v) for v in topological_order(root, leaves=False)] == inner


class _Node:
    __slots__ = ("x",)


def _refill_counting_collections(pool):
    """`pool.refill()`, and the generation of each collection that ran during it."""
    collections = []

    def seen(phase, info):
        if phase == "start":
            collections.append(info["generation"])
    gc.callbacks.append(seen)
    try:
        pool.refill()
    finally:
        gc.callbacks.remove(seen)
    return collections


def test_a_refill_runs_the_young_collection_while_the_nodes_are_blank():
    pool = Pool(_Node)
    assert 0 in _refill_counting_collections(pool)
    young = {id(o) for o in gc.get_objects(generation=0)}
    assert not any(id(o) in young for o in pool)     # they left the young generation
    assert len(pool) == BATCH - 1


def test_a_refill_leaves_a_collector_you_turned_off_alone():
    gc.disable()
    try:
        assert _refill_counting_collections(Pool(_Node)) == []
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_finalizer_that_empties_the_pool_during_the_collection():
    pool = Pool(_Node)
    emptied = []

    class Cycle:
        def __init__(self):
            self.me = self

        def __del__(self):
            emptied.append(len(pool))
            del pool[:]                     # takes every node the batch just made

    gc.collect()                            # (so that nothing collects the cycle earlier)
    Cycle()                                 # young cyclic garbage: the refill's collection
    node = pool.refill()                    # finalizes it
    assert emptied == [BATCH]
    assert type(node) is _Node
