"""Code written for micrograd runs unchanged: the lecture's manual backpropagation node by
node, its drawing code, hand-made ops with their own `_backward`, and forks that store new
attributes on Values and modules. The cells below are written in the lecture's style."""

import math
import random

import pytest

from autograd_xor import MLP, Value
from autograd_xor.nn import Module


def neuron():
    """The lecture's neuron: o = tanh(x1·w1 + x2·w2 + b), every node labelled."""
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1; x1w1.label = "x1*w1"
    x2w2 = x2 * w2; x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b; n.label = "n"
    o = n.tanh(); o.label = "o"
    return {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "x1w1": x1w1, "x2w2": x2w2,
            "x1w1x2w2": x1w1x2w2, "n": n, "o": o}


def test_manual_backpropagation_node_by_node():
    v = neuron()
    v["o"].grad = 1.0
    v["o"]._backward()
    v["n"]._backward()
    v["b"]._backward()                  # a leaf: nothing to do
    v["x1w1x2w2"]._backward()
    v["x2w2"]._backward()
    v["x1w1"]._backward()
    assert v["n"].grad == pytest.approx(0.5)          # 1 - tanh(n)^2 with tanh(n) = 0.7071
    assert v["x1"].grad == pytest.approx(-1.5) and v["w1"].grad == pytest.approx(1.0)
    assert v["x2"].grad == pytest.approx(0.5) and v["w2"].grad == 0.0
    assert v["o"].data == pytest.approx(0.7071, abs=1e-4)


def test_manual_backward_over_the_lectures_own_topological_sort_equals_backward():
    v = neuron()
    topo, visited = [], set()

    def build_topo(node):              # the lecture's recursive sort, over _prev
        if node not in visited:
            visited.add(node)
            for child in node._prev:
                build_topo(child)
            topo.append(node)
    build_topo(v["o"])
    v["o"].grad = 1.0
    for node in reversed(topo):
        node._backward()
    manual = {k: x.grad for k, x in v.items()}
    w = neuron()
    w["o"].backward()
    assert manual == {k: x.grad for k, x in w.items()}      # the same floats


def test_the_lectures_drawing_code_reads_the_graph():
    graphviz = pytest.importorskip("graphviz", reason="the test extra installs graphviz")

    def trace(root):
        nodes, edges = set(), set()

        def build(v):
            if v not in nodes:
                nodes.add(v)
                for child in v._prev:
                    edges.add((child, v))
                    build(child)
        build(root)
        return nodes, edges

    def draw_dot(root):
        dot = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
        nodes, edges = trace(root)
        for n in nodes:
            uid = str(id(n))
            # micrograd's own code, as its README draws a graph
            dot.node(name=uid, label="{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad),  # noqa: UP031
                     shape="record")
            if n._op:
                dot.node(name=uid + n._op, label=n._op)
                dot.edge(uid + n._op, uid)
        for n1, n2 in edges:
            dot.edge(str(id(n1)), str(id(n2)) + n2._op)
        return dot

    v = neuron()
    v["o"].backward()
    source = draw_dot(v["o"]).source
    assert "label=tanh" in source and "label=\"+\"" in source and "label=\"*\"" in source
    assert "x1 | data 2.0000 | grad -1.5000" in source
    assert source.count("->") == 9 + 5          # 9 edges into ops, one op->node edge per op


def test_micrograds_constructor_positional_and_by_keyword():
    a = Value(2.0, (), "", "a")
    b = Value(-3.0, label="b")
    c = Value(a.data * b.data, (a, b), "*", "c")
    assert (a.label, c.label, c._op, c._prev) == ("a", "c", "*", (a, b))
    with pytest.raises(TypeError, match="_children must be the Values"):
        Value(1.0, (a, 2.0), "+")


def sin(x):
    """A user-defined op, the micrograd way."""
    out = Value(math.sin(x.data), (x,), "sin")

    def _backward():
        x.grad += math.cos(x.data) * out.grad
    out._backward = _backward
    return out


def test_user_defined_ops_mix_with_built_in_ones():
    x = Value(0.7, label="x")
    w = Value(-1.3, label="w")
    y = (sin(x * w) * x + sin(x)).tanh()
    y.backward()
    s1, s2 = math.sin(0.7 * -1.3), math.sin(0.7)
    t = math.tanh(s1 * 0.7 + s2)
    dy = 1 - t * t
    assert y.data == pytest.approx(t, rel=1e-15)
    assert x.grad == pytest.approx(dy * (math.cos(0.7 * -1.3) * -1.3 * 0.7 + s1 + math.cos(0.7)))
    assert w.grad == pytest.approx(dy * math.cos(0.7 * -1.3) * 0.7 * 0.7)
    # a second pass adds the same gradient again, as for built-in ops
    first = x.grad
    y.backward()
    assert x.grad == 2 * first


def test_a_hand_made_node_without_backward_passes_nothing_back():
    x = Value(1.0)
    y = Value(x.data * 2, (x,), "double")         # the author forgot _backward
    (y * 3).backward()
    assert x.grad == 0.0                          # as micrograd's default lambda: None


def test_new_attributes_on_values_and_modules():
    random.seed(0)
    model = MLP(2, [3, 1])
    model.name = "classifier"                      # a fork's bookkeeping on a module
    for p in model.parameters():
        p.m, p.v = 0.0, 0.0                        # an optimizer's state on each parameter
    assert model.name == "classifier" and all(p.m == 0.0 for p in model.parameters())
    x = Value(1.0)
    x.velocity = 0.5
    assert x.velocity == 0.5
    assert isinstance(Module(), Module)


def test_values_made_by_ops_stay_small():
    a = Value(1.0)
    b = a * 2
    assert not hasattr(b, "__dict__")
    with pytest.raises(AttributeError):
        b.note = "ops make slotted nodes"
