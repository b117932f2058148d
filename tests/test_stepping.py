"""Stepping through passes: the same walk and the same gradients as backward(), the text of
each step, the plain iterator and the ipywidgets stepper."""

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from test_render import dot_nodes

from autograd_xor import MLP, Value, binary_cross_entropy, step, topological_order
from autograd_xor.stepping import (
    CURRENT,
    PARENT,
    PENDING,
    BackwardStep,
    ForwardStep,
    Steps,
    backward_steps,
    forward_steps,
)
from autograd_xor.testing import expressions, points
from autograd_xor.walkthroughs import get


def graph():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b
    d = (c + a).tanh() + c.sigmoid() * a
    d.label = "d"
    return d


def grads_by_backward(build):
    """d(root)/d(node) for every node, by one backward() from zero gradients."""
    root = build()
    for v in topological_order(root):
        v.grad = 0.0                     # (the gf example's graph comes after one backward)
    root.backward()
    return [v.grad for v in topological_order(root)]


def grads_by_stepping(build):
    root = build()
    order = topological_order(root)
    last = list(backward_steps(root))[-1]
    return [last.grads[v] for v in order]


def reused():
    a = Value(1.5, label="a")
    b = a + a
    c = b + b                            # the named regression: dc/da = 4
    return c


def xor_loss():
    net = MLP(2, [3, 1], activations=["tanh", "sigmoid"],
              weights=[[[0.5, -0.4], [0.3, 0.8], [-0.6, 0.1]], [[0.7, -0.2, 0.4]]],
              biases=[[0.1, -0.1, 0.2], [0.05]])
    xs = [[0, 0], [0, 1], [1, 0], [1, 1]]
    return sum(binary_cross_entropy(net(x), t) for x, t in zip(xs, [0, 1, 1, 0])) / 4


@pytest.mark.parametrize("build", [graph, reused, xor_loss, lambda: get("gf").graph()],
                         ids=["mixed", "reused", "xor", "gf"])
def test_stepping_gives_the_gradients_of_backward(build):
    assert grads_by_stepping(build) == grads_by_backward(build)     # exactly, same floats


def test_reused_node_gradient_is_four():
    assert grads_by_stepping(reused)[0] == 4.0


@settings(max_examples=40, deadline=None)
@given(expressions(2), points(2))
def test_stepping_matches_backward_on_random_expressions(f, xs):
    def build():
        return f(*[Value(x) for x in xs])
    assert grads_by_stepping(build) == grads_by_backward(build)


def test_stepping_changes_no_grad_and_ignores_accumulated_ones():
    root = get("gf").graph()                 # backward() already ran once
    order = topological_order(root)
    before = [v.grad for v in order]
    assert list(forward_steps(root)) and list(step(root, widget=False))
    steps = list(backward_steps(root))
    assert [v.grad for v in order] == before
    assert [steps[-1].grads[v] for v in order] == before     # one pass from zero
    root.backward()                          # leaves now hold two passes
    assert [steps[-1].grads[v] for v in order] == \
        [s.grads[v] for s in [list(backward_steps(root))[-1]] for v in order]


def test_walks_follow_the_topological_order():
    d = graph()
    order = topological_order(d)
    fwd = list(forward_steps(d))
    bwd = list(backward_steps(d))
    assert [s.node for s in fwd] == order
    assert [s.node for s in bwd] == order[::-1]
    assert all(isinstance(s, ForwardStep) for s in fwd)
    assert all(isinstance(s, BackwardStep) for s in bwd)
    assert [(s.index, s.total) for s in bwd] == [(k, len(order)) for k in range(len(order))]


def test_each_backward_step_reports_upstream_local_contribution_and_running_grads():
    d = graph()
    steps = list(backward_steps(d))
    final = steps[-1].grads
    running = {v: 0.0 for v in topological_order(d)}
    running[d] = 1.0
    for s in steps:
        assert s.upstream == final[s.node]          # complete when the node is reached
        assert s.local == s.node._local and s.parents == s.node._prev
        assert s.contributions == tuple(dv * s.upstream for dv in s.local)
        for p, c, after in zip(s.parents, s.contributions, s.parent_grads):
            running[p] += c
            assert after == running[p]
        assert s.grads == running                    # the gradients so far
    assert steps[0].upstream == 1.0 and steps[0].node is d


def test_step_texts_name_nodes_and_numbers():
    a = Value(0.5, label="a")
    t = a.tanh()                                     # unlabelled: named by its index, v1
    y = t * a
    y.label = "y"
    f = [s.text() for s in forward_steps(y)]
    assert f[0] == "forward 1/3: a = 0.5000 (a leaf)"
    assert f[1].startswith("forward 2/3: v1 = tanh(a) = tanh(0.5000) = 0.4621; "
                           "local derivatives ∂v1/∂a = 0.7864")
    b = [str(s) for s in backward_steps(y)]
    assert b[0] == ("backward 1/3: y: ∂y/∂y = 1.0000 (where backward starts); "
                    "v1.grad += 0.5000 × 1.0000 = 0.5000 (now 0.5000); "
                    "a.grad += 0.4621 × 1.0000 = 0.4621 (now 0.4621)")
    assert b[1] == ("backward 2/3: v1: ∂y/∂v1 = 0.5000; "
                    "a.grad += 0.7864 × 0.5000 = 0.3932 (now 0.8553)")
    assert b[2] == "backward 3/3: a: ∂y/∂a = 0.8553, final (a leaf)"


def test_op_formulas():
    x = Value(2.0, label="x")
    cases = [(-x, "-x"), (x ** 3, "x**3"), (x - x, "x - x"), (x / 4, "x / v1"),
             (x.exp(), "exp(x)"), (x.relu(), "relu(x)")]
    for root, want in cases:
        assert list(forward_steps(root))[-1].formula() == want


def test_steps_iterator():
    d = graph()
    n = len(topological_order(d))
    s = step(d, widget=False)                        # not in a kernel: the iterator anyway
    assert isinstance(s, Steps) and isinstance(step(d), Steps)
    assert len(s) == 2 * n
    first = next(s)
    assert isinstance(first, ForwardStep) and first.index == 0
    rest = list(s)
    assert len(rest) == 2 * n - 1 and isinstance(rest[-1], BackwardStep)
    with pytest.raises(StopIteration):
        next(s)
    assert len(step(d, "forward", widget=False)) == n
    assert isinstance(step(d, "backward", widget=False)[0], BackwardStep)
    with pytest.raises(ValueError, match="passes must be 'forward', 'backward' or 'both'"):
        step(d, "sideways")
    with pytest.raises(TypeError, match="step: expected the Value at the root"):
        step([d])


def test_step_drawings_highlight_the_node_its_parents_and_show_grads_so_far():
    d = graph()
    order = topological_order(d)
    bwd = list(backward_steps(d))
    s = bwd[1]
    nodes = dot_nodes(s.to_dot())
    i = order.index(s.node)
    assert nodes[f"n{i}"]["fillcolor"] == CURRENT
    for p in s.parents:
        assert nodes[f"n{order.index(p)}"]["fillcolor"] == PARENT
    for j, v in enumerate(order):
        assert f"grad {s.grads[v]:.4f}" in nodes[f"n{j}"]["label"]
    fwd = list(forward_steps(d))[2]
    nodes = dot_nodes(fwd.to_dot())
    assert all(nodes[f"n{j}"]["fillcolor"] == PENDING for j in range(3, len(order)))
    assert nodes["n2"]["fillcolor"] == CURRENT
    assert all("grad 0.0000" in nodes[f"n{j}"]["label"] for j in range(len(order)))


@pytest.mark.needs_dot
def test_a_step_displays_its_text_and_graph():
    s = next(iter(backward_steps(graph())))
    html = s._repr_html_()
    assert "backward 1/" in html
    ET.fromstring(html[html.index("<svg"):])         # a well-formed SVG follows the text


def test_a_step_without_dot_still_displays_its_text(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    html = next(iter(forward_steps(graph())))._repr_html_()
    assert "forward 1/" in html and "no drawing" in html and "apt-get install graphviz" in html


def test_stepper_widget_moves_with_buttons_slider_and_code():
    from autograd_xor.jupyter import Stepper
    d = graph()
    w = Stepper(Steps(d), draw=False)
    n = len(w.steps)
    assert w.slider.max == n - 1 and w.prev_button.disabled and not w.next_button.disabled
    assert w.current.text() in w.text.value
    w.next_button.click()
    assert w.slider.value == 1 and w.counter.value == f"2 / {n}"
    w.prev_button.click()
    assert w.slider.value == 0
    w.show(-1)
    assert w.slider.value == n - 1 and w.next_button.disabled
    w.next()                                          # stays at the end
    assert w.slider.value == n - 1
    assert "final (a leaf)" in w.text.value
    w.slider.value = 3
    assert "forward 4/" in w.text.value
    with pytest.raises(IndexError, match="step 99 is out of range"):
        w.show(99)


def shown_by_stepper(w):
    """Every drawing the stepper's graph widget shows, in order."""
    shown = [w.graph.value]
    w.graph.observe(lambda change: shown.append(change["new"]), names="value")
    return shown


@pytest.mark.needs_dot
def test_stepper_draws_the_current_step():
    from autograd_xor.jupyter import Stepper
    w = Stepper(Steps(graph()), draw=True)
    shown = shown_by_stepper(w)
    w.show(-1)
    svg = shown[-1]                                    # the value of an HTML widget
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "a" in texts and f'fill="{CURRENT}"' in svg
    assert len(shown) == 2                             # the first step, then the last


def test_stepper_without_dot_says_so_and_keeps_going(monkeypatch, tmp_path):
    from autograd_xor.jupyter import Stepper
    monkeypatch.setenv("PATH", str(tmp_path))
    w = Stepper(Steps(graph()), draw=True)
    w.next()
    assert "no drawing" in w.graph.value and "apt-get install graphviz" in w.graph.value
    assert w.slider.value == 1 and "forward 2/" in w.text.value


def test_stepper_draws_without_output_widgets():
    """No display into an Output widget (see the comment in Stepper.__init__): nbclient
    would send comm messages on the shell channel while a cell runs."""
    import ipywidgets

    from autograd_xor.jupyter import Stepper
    w = Stepper(Steps(graph()), draw=False)
    parts, seen = [w], []
    while parts:
        part = parts.pop()
        seen.append(part)
        parts += list(getattr(part, "children", ()))
    assert not any(isinstance(p, ipywidgets.Output) for p in seen)
    assert w.graph in seen and isinstance(w.graph, ipywidgets.HTML)


def test_deep_graph_steps_without_recursion():
    x = Value(0.5, label="x")
    y = x
    for _ in range(20000):
        y = y * 1.0
    steps = list(backward_steps(y))
    assert len(steps) == 40001                  # x, 20000 constants and 20000 products
    assert steps[-1].node is x and steps[-1].upstream == 1.0
