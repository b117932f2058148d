"""Rendering: DOT text and SVG of computation graphs and networks, and the missing-Graphviz
errors. Tests that run the `dot` program are marked `needs_dot`."""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from autograd_xor import MLP, Layer, Neuron, Value, half_squared_error, render, topological_order
from autograd_xor.render import (
    DECREASE,
    HIGHLIGHT,
    INCREASE,
    UNCHANGED,
    DotNotFoundError,
    draw_dot,
    draw_network,
    network_to_dot,
    to_dot,
)

SVG = "{http://www.w3.org/2000/svg}"


def small_graph():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    d = (c + a).tanh() ** 2
    d.label = "d"
    d.backward()
    return a, b, c, d


def gf_network():
    """The seed's G/F network after one backward pass of the half squared error, with the
    book's names (w_xg0 and w_gf0 are the biases)."""
    net = MLP(2, [1, 1], activations=["tanh", "sigmoid"], weights=[[[0.6, -0.1]], [[0.5]]],
              biases=[[0.3], [-0.2]])
    for p, name in zip(net.parameters(), ["w_xg1", "w_xg2", "w_xg0", "w_gf1", "w_gf0"]):
        p.label = name
    loss = half_squared_error(net([-0.9, 0.1]), 1.0)
    loss.backward()
    return net, loss


def dot_nodes(text):
    """{node id: attribute dict} from our DOT text."""
    out = {}
    for m in re.finditer(r"^  (\w+) \[(.*)\]$", text, re.MULTILINE):
        out[m.group(1)] = attrs(m.group(2))
    return out


def dot_edges(text):
    """[(tail, head, attribute dict)] from our DOT text, in order."""
    return [(m.group(1), m.group(2), attrs(m.group(3) or ""))
            for m in re.finditer(r"^  (\w+) -> (\w+)(?: \[(.*)\])?$", text, re.MULTILINE)]


def attrs(text):
    return {k: v[1:-1] if v.startswith('"') else v
            for k, v in re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)', text)}


def svg_texts(svg):
    root = ET.fromstring(svg)          # raises on malformed XML
    return [t.text for t in root.iter(SVG + "text") if t.text]


# --- DOT text ------------------------------------------------------------------------------

def test_dot_ids_follow_the_topological_order():
    a, _b, _c, d = small_graph()
    order = topological_order(d)
    nodes = dot_nodes(to_dot(d))
    for i, v in enumerate(order):
        label = nodes[f"n{i}"]["label"]
        assert label.startswith("{ " + v.label + " |"), (i, label)
        assert f"data {v.data:.4f}" in label and f"grad {v.grad:.4f}" in label
        assert (f"n{i}op" in nodes) == bool(v._prev)
        if v._prev:
            assert nodes[f"n{i}op"]["label"] == v._op
    assert "id(" not in to_dot(d) and str(id(a)) not in to_dot(d)


def test_edges_go_parent_to_op_to_result():
    _a, _b, _c, d = small_graph()
    order = topological_order(d)
    index = {v: i for i, v in enumerate(order)}
    edges = {(t, h) for t, h, _ in dot_edges(to_dot(d))}
    expected = set()
    for i, v in enumerate(order):
        if v._prev:
            expected.add((f"n{i}op", f"n{i}"))
            expected |= {(f"n{index[p]}", f"n{i}op") for p in v._prev}
    assert edges == expected


def test_same_graph_same_dot():
    first = to_dot(small_graph()[-1])
    second = to_dot(small_graph()[-1])          # new objects, same graph
    assert first == second
    assert draw_dot(small_graph()[-1]).source == first


def test_a_reused_node_has_one_edge_per_use():
    a = Value(1.5, label="a")
    b = a + a
    b.label = "b"
    c = b + b
    edges = [(t, h) for t, h, _ in dot_edges(to_dot(c))]
    assert edges.count(("n0", "n1op")) == 2 and edges.count(("n1", "n2op")) == 2


def test_show_local_writes_each_local_derivative_on_its_edge():
    _a, _b, _c, d = small_graph()
    order = topological_order(d)
    plain = dot_edges(to_dot(d))
    assert all("label" not in at for _, _, at in plain)
    shown = dot_edges(to_dot(d, show_local=True))
    index = {v: i for i, v in enumerate(order)}
    labels = [(t, h, at.get("label")) for t, h, at in shown if h.endswith("op")]
    expected = [(f"n{index[p]}", f"n{i}op", f"×{dv:.4f}")
                for i, v in enumerate(order) for p, dv in zip(v._prev, v._local)]
    assert labels == expected


def test_fused_neuron_node_is_a_box_with_its_factors_on_the_edges():
    n = Neuron(2, activation="tanh", weights=[0.6, -0.1], bias=0.3)
    out = n([-0.9, 0.1])
    text = to_dot(out)
    nodes = dot_nodes(text)
    fused = [k for k, at in nodes.items() if at.get("label") == "Σw·x+b"]
    assert len(fused) == 1 and nodes[fused[0]]["shape"] == "box"
    into = [at["label"] for t, h, at in dot_edges(text) if h == fused[0]]
    assert into == ["×-0.9000", "×0.1000", "×1.0000"]     # the inputs x, and 1 for the bias


def test_highlight_by_value_label_or_mapping():
    a, _b, c, d = small_graph()
    i_c = topological_order(d).index(c)
    for highlight in ([c], ["c"], {c: HIGHLIGHT}, c, "c"):
        nodes = dot_nodes(to_dot(d, highlight=highlight))
        assert nodes[f"n{i_c}"]["fillcolor"] == HIGHLIGHT
        assert nodes[f"n{i_c}op"]["fillcolor"] == HIGHLIGHT
        assert sum("fillcolor" in at for at in nodes.values()) == 2
    nodes = dot_nodes(to_dot(d, highlight={a: "#123456"}))
    assert nodes["n0"]["fillcolor"] == "#123456"


def test_highlight_errors_name_the_problem():
    d = small_graph()[-1]
    with pytest.raises(ValueError, match=r"no node is labelled 'zz'.*labels in this graph"):
        to_dot(d, highlight=["zz"])
    with pytest.raises(TypeError, match="highlight: expected Values or labels"):
        to_dot(d, highlight=[3])


def test_grads_override_shows_other_gradients():
    a, b, _c, d = small_graph()
    nodes = dot_nodes(to_dot(d, grads={a: 0.25}))
    assert "grad 0.2500" in nodes["n0"]["label"]
    assert f"grad {b.grad:.4f}" in nodes["n1"]["label"]


LABEL = 'we{i|rd} "<x>" \\ ok'


def test_labels_with_dot_and_record_syntax_are_escaped():
    y = Value(1.0, label=LABEL) * 2
    nodes = dot_nodes(to_dot(y))
    assert nodes["n0"]["label"].startswith(r'{ we\{i\|rd\} \"\<x\>\" \\ ok |')


@pytest.mark.needs_dot
def test_escaped_labels_come_out_as_written():
    y = Value(1.0, label=LABEL) * 2
    assert LABEL in svg_texts(draw_dot(y).pipe(format="svg").decode("utf-8"))


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="draw_dot: expected the Value.*draw_network"):
        to_dot(MLP(2, [1]))
    with pytest.raises(ValueError, match="rankdir must be one of"):
        to_dot(Value(1.0), rankdir="XY")
    with pytest.raises(ValueError, match="format must be 'svg' or 'png'"):
        draw_dot(Value(1.0), format="dot")
    with pytest.raises(TypeError, match="draw_network: expected an MLP, Layer or Neuron"):
        network_to_dot(Value(1.0))


# --- networks ------------------------------------------------------------------------------

def weight_edges(text):
    return [(t, h, at) for t, h, at in dot_edges(text) if not h.startswith("y")]


def test_network_layout_labels_and_values():
    net, _ = gf_network()
    text = network_to_dot(net, input_labels=["x_0", "x_1"], neuron_labels=[["g"], ["f"]])
    nodes = dot_nodes(text)
    assert nodes["x0"]["label"] == "x_0" and nodes["x1"]["label"] == "x_1"
    assert nodes["l0n0"] == {"label": "g\\ntanh", "shape": "circle"}
    assert nodes["l1n0"] == {"label": "f\\nsigmoid", "shape": "circle"}
    assert nodes["b0"]["label"] == "+1" and nodes["b1"]["label"] == "+1"
    pairs = [(t, h) for t, h, _ in weight_edges(text)]
    assert pairs == [("x0", "l0n0"), ("x1", "l0n0"), ("b0", "l0n0"), ("l0n0", "l1n0"),
                     ("b1", "l1n0")]
    labels = [at["label"].split("\\n")[0] for _, _, at in weight_edges(text)]
    assert labels == ["w_xg1 = 0.6000", "w_xg2 = -0.1000", "w_xg0 = 0.3000", "w_gf1 = 0.5000",
                      "w_gf0 = -0.2000"]
    bare = network_to_dot(net, show_labels=False)
    assert [at["label"].split("\\n")[0] for _, _, at in weight_edges(bare)] == \
        ["0.6000", "-0.1000", "0.3000", "0.5000", "-0.2000"]


def test_network_edges_follow_sign_and_size_of_minus_grad():
    net, _ = gf_network()
    params = net.parameters()
    edges = weight_edges(network_to_dot(net))
    biggest = max(abs(p.grad) for p in params)
    assert biggest > 0
    for p, (_, _, at) in zip(params, edges):
        want = INCREASE if -p.grad > 0 else DECREASE
        assert at["color"] == want, (p.label, p.grad, at)
        assert float(at["penwidth"]) == pytest.approx(1 + 4 * abs(p.grad) / biggest, abs=0.01)
        assert f"-grad {-p.grad:+.4f}" in at["label"]
    # the seed's G/F pass: w_xg1 and w_gf1 go down, the rest up
    assert [at["color"] for _, _, at in edges] == [DECREASE, INCREASE, INCREASE, DECREASE,
                                                   INCREASE]
    widths = [float(at["penwidth"]) for _, _, at in edges]
    assert max(widths) == 5.0 and widths.index(5.0) == 4     # w_gf0 has the largest gradient


def test_network_colours_from_set_gradients_including_zero():
    n = Neuron(2, weights=[1.0, 2.0], bias=0.0)
    n.w[0].grad, n.w[1].grad, n.b.grad = 0.5, -0.25, 0.0
    edges = weight_edges(network_to_dot(n))
    assert [at["color"] for _, _, at in edges] == [DECREASE, INCREASE, UNCHANGED]
    assert [at["penwidth"] for _, _, at in edges] == ["5.00", "3.00", "1.00"]


def test_network_coloured_by_weight_sign_and_size():
    n = Neuron(2, weights=[-2.0, 1.0], bias=0.0)
    n.w[0].grad = 3.0                               # gradients are ignored in this view
    text = network_to_dot(n, weight_colours=True)
    edges = weight_edges(text)
    assert [at["color"] for _, _, at in edges] == [DECREASE, INCREASE, UNCHANGED]
    assert [at["penwidth"] for _, _, at in edges] == ["5.00", "3.00", "1.00"]
    assert "-grad" not in text and "sign of the weight" in text
    with pytest.raises(ValueError, match="not both"):
        network_to_dot(n, weight_colours=True, show_grad=True)


def test_network_without_gradients_is_plain():
    net = MLP(2, [2, 1], weights=[[[1, 2], [3, 4]], [[5, 6]]], biases=[[0, 0], [0]])
    text = network_to_dot(net)
    assert "color" not in text and "-grad" not in text
    forced = network_to_dot(net, show_grad=True)
    assert forced.count(UNCHANGED) >= 9


def test_layer_and_neuron_draw_too():
    layer = Layer(3, 2, activation="sigmoid")
    text = network_to_dot(layer, output_labels=["p", "q"])
    nodes = dot_nodes(text)
    assert {"x0", "x1", "x2", "l0n0", "l0n1", "b0"} <= set(nodes)
    assert nodes["y0"]["label"] == "p" and nodes["y1"]["label"] == "q"
    with pytest.raises(ValueError, match="input_labels needs 3 names, got 1"):
        network_to_dot(layer, input_labels=["a"])
    with pytest.raises(ValueError, match=r"neuron_labels\[0\] needs 2 names"):
        network_to_dot(layer, neuron_labels=[["a"]])


# --- SVG (needs dot) -----------------------------------------------------------------------

@pytest.mark.needs_dot
def test_svg_is_well_formed_and_carries_labels_values_grads_and_ops():
    _a, _b, _c, d = small_graph()
    n = Neuron(1, activation="sigmoid", weights=[0.5], bias=0.1)
    e = n([d]) * 1.0
    e.backward()
    svg = draw_dot(e).pipe(format="svg").decode("utf-8")
    texts = svg_texts(svg)
    for v in topological_order(e):
        if v.label:
            assert v.label in texts
        assert f"data {v.data:.4f}" in texts
        assert f"grad {v.grad:.4f}" in texts
    for op in ("*", "+", "tanh", "**2", "Σw·x+b", "sigmoid"):
        assert op in texts, op


@pytest.mark.needs_dot
def test_same_graph_same_svg():
    one = draw_dot(small_graph()[-1]).pipe(format="svg")
    two = draw_dot(small_graph()[-1]).pipe(format="svg")
    assert one == two


@pytest.mark.needs_dot
def test_network_svg_edges_carry_the_colours_and_widths():
    net, _ = gf_network()
    svg = draw_network(net, neuron_labels=[["g"], ["f"]]).pipe(format="svg").decode("utf-8")
    root = ET.fromstring(svg)
    strokes = []
    for g in root.iter(SVG + "g"):
        if g.get("class") == "edge":
            path = g.find(SVG + "path")
            strokes.append((path.get("stroke"), path.get("stroke-width")))
    coloured = [s for s in strokes if s[0] in (INCREASE, DECREASE)]
    assert sorted(coloured) == sorted([(DECREASE, "2.69"), (INCREASE, "1.19"),
                                       (INCREASE, "2.88"), (DECREASE, "1.98"),
                                       (INCREASE, "5")])
    texts = svg_texts(svg)
    assert "w_xg1 = 0.6000" in texts and "tanh" in texts and "sigmoid" in texts


@pytest.mark.needs_dot
def test_digraph_displays_itself_as_svg_in_jupyter():
    bundle = draw_dot(small_graph()[-1])._repr_mimebundle_()
    ET.fromstring(bundle["image/svg+xml"])


@pytest.mark.needs_dot
def test_png_render():
    data = render.render(small_graph()[-1], "png")
    assert data.startswith(b"\x89PNG\r\n\x1a\n")


# --- without Graphviz ----------------------------------------------------------------------

def test_missing_dot_says_how_to_install_graphviz(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))           # a PATH without the dot program
    d = small_graph()[-1]
    for make in (lambda: draw_dot(d).pipe(), lambda: draw_dot(d)._repr_mimebundle_(),
                 lambda: render.render(d, "png"), lambda: draw_network(MLP(1, [1])).pipe()):
        with pytest.raises(DotNotFoundError) as err:
            make()
        msg = str(err.value)
        assert "Graphviz 'dot' program is not installed" in msg
        for how in ("apt-get install graphviz", "brew install graphviz",
                    "conda install -c conda-forge graphviz", "to_dot()"):
            assert how in msg
    assert render.render(d, "dot").decode("utf-8") == to_dot(d)     # DOT needs no Graphviz
    assert draw_dot(d).source == to_dot(d)


def test_rendering_to_a_file_without_dot_leaves_no_file(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(DotNotFoundError):
        draw_dot(small_graph()[-1]).render(tmp_path / "g", format="svg")
    assert list(tmp_path.iterdir()) == []                   # not even the DOT source


def test_missing_graphviz_package_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)     # makes `import graphviz` fail
    monkeypatch.setattr(render, "_DRAWING", None)
    d = small_graph()[-1]
    with pytest.raises(ImportError, match=r'pip install "autograd_xor\[render\]"'):
        draw_dot(d)
    assert "digraph" in to_dot(d)


def test_importing_the_package_needs_neither_graphviz_nor_ipywidgets():
    code = ("import sys; import autograd_xor; "
            "print(sorted(m for m in ('graphviz', 'ipywidgets', 'IPython') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": ""})
    assert out.stdout.strip() == "[]"


# --- reading the pictures: order, labels, colours ------------------------------------------

def test_network_columns_keep_inputs_and_units_in_order():
    net = MLP(2, [4, 1], activations=["tanh", "sigmoid"])
    text = network_to_dot(net)
    columns = re.findall(r"^  \{ rank=same (.*?)(?: \[style=invis\])? \}$", text, re.MULTILINE)
    assert columns == ["x0 -> x1 -> b0", "l0n0 -> l0n1 -> l0n2 -> l0n3 -> b1", "l1n0", "y0"]
    # every weight label sits on its own edge, tied to it by a line
    assert all(at.get("decorate") == "true" for _, _, at in weight_edges(text))


@pytest.mark.needs_dot
def test_network_drawing_puts_inputs_and_units_top_to_bottom():
    from autograd_xor.xor import train_xor
    net = train_xor(seed=0).model
    svg = draw_network(net, neuron_labels=[["h1", "h2", "h3", "h4"], ["out"]]).pipe(format="svg")
    root = ET.fromstring(svg)
    heights = {}
    for g in root.iter(SVG + "g"):
        if g.get("class") == "node":
            title = g.find(SVG + "title").text
            ellipse = g.find(SVG + "ellipse")
            if ellipse is not None:
                heights[title] = float(ellipse.get("cy"))   # SVG y grows downwards
    assert heights["x0"] < heights["x1"] < heights["b0"]
    units = [heights[f"l0n{i}"] for i in range(4)]
    assert units == sorted(units) and units[-1] < heights["b1"]


def test_the_output_says_what_it_is():
    assert dot_nodes(network_to_dot(Neuron(2)))["y0"]["label"] == "output y"
    nodes = dot_nodes(network_to_dot(Layer(2, 2)))
    assert nodes["y0"]["label"] == "output y1" and nodes["y1"]["label"] == "output y2"


def test_the_sign_is_in_the_line_style_as_well_as_the_colour():
    n = Neuron(2, weights=[-2.0, 1.0], bias=0.0)
    edges = weight_edges(network_to_dot(n, weight_colours=True))
    assert [at.get("style") for _, _, at in edges] == ["dashed", None, None]
    n.w[0].grad, n.w[1].grad = -0.5, 0.25           # -grad: up, down
    edges = weight_edges(network_to_dot(n))
    assert [at.get("style") for _, _, at in edges[:2]] == [None, "dashed"]
    assert [at["color"] for _, _, at in edges[:2]] == [INCREASE, DECREASE]


def test_colours_are_safe_for_colour_blind_readers():
    """Blue/orange, never the green/red pair, anywhere in the package, docs or notebooks."""
    assert (INCREASE, DECREASE) == ("#0072b2", "#e66100")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    found = []
    for folder in ("autograd_xor", "docs", "notebooks", "benchmarks"):
        for dirpath, _, names in os.walk(os.path.join(root, folder)):
            for name in names:
                if name.endswith((".py", ".md", ".ipynb", ".css", ".js", ".html", ".yml")):
                    path = os.path.join(dirpath, name)
                    with open(path, encoding="utf-8") as f:
                        text = f.read().lower()
                    found += [f"{path}: {c}" for c in ("#2e7d32", "#c62828") if c in text]
    assert found == []


def test_ordered_operands_are_named_on_their_edges():
    p, q = Value(2.0, label="p"), Value(4.0, label="q")
    r = q - p
    r.label = "r"
    d = r / p
    text = to_dot(d)
    order = topological_order(d)
    ids = {v.label: f"n{i}" for i, v in enumerate(order)}
    nodes = dot_nodes(text)
    assert nodes[ids["r"] + "op"]["label"] == "a - b"
    assert nodes[f"n{len(order) - 1}op"]["label"] == "a / b"
    into = {(t, h): at.get("label") for t, h, at in dot_edges(text)}
    assert into[(ids["q"], ids["r"] + "op")] == "a"           # q - p: q is a, p is b
    assert into[(ids["p"], ids["r"] + "op")] == "b"
    assert into[(ids["r"], f"n{len(order) - 1}op")] == "a"     # r / p
    assert "a ×" in to_dot(d, show_local=True)
    s = p + q
    assert all("label" not in at for t, h, at in dot_edges(to_dot(s)) if h == "n2op")


def test_no_minus_zero():
    z = Value(-1e-9, label="z")
    y = z * 1.0
    y.backward()
    assert "-0.0000" not in to_dot(y)
    n = Neuron(1, weights=[-0.00001], bias=0.0)
    n.w[0].grad = 0.00001
    assert "-0.0000" not in network_to_dot(n)
