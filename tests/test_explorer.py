"""The explorer's page as data and text (no browser): the events and numbers it embeds are
the engine's, labels cannot break out of the page, the page is self-contained, big graphs
are refused before any layout, and saving is atomic. tests/test_explorer_browser.py drives
the page itself in Chromium."""

import json
import math
import os
import re
import subprocess

import pytest

import autograd_xor
import autograd_xor.walkthroughs
from autograd_xor import MLP, Value, explore, topological_order
from autograd_xor.explorer import (
    MAX_NODES,
    Explorer,
    GraphTooLargeError,
    _fmt,
    explore_model,
    node_ids,
)
from autograd_xor.files import OutputTargetError
from autograd_xor.walkthroughs import get
from autograd_xor.xor import XOR_INPUTS, XOR_TARGETS, make_xor_model

needs_dot = pytest.mark.needs_dot


def fresh_grads(root):
    """d root / d node for every node, by one backward() from zero gradients."""
    order = topological_order(root)
    for v in order:
        v.grad = 0.0
    root.backward()
    return [v.grad for v in order]


def page_data(text):
    """The graph data a page embeds (the JSON of its `agx-data` script)."""
    raw = re.search(r'<script type="application/json" class="agx-data">(.*?)</script>',
                    text, re.DOTALL).group(1)
    return json.loads(raw)


def test_explore_is_the_function_and_the_module_is_explorer():
    assert callable(autograd_xor.explore) and autograd_xor.explore is explore
    assert "explore" in autograd_xor.__all__


def test_the_events_are_two_per_node_in_the_steppers_order():
    root = get("gf").graph()
    ex = explore(root)
    order = topological_order(root)
    assert ex.events == 2 * len(order) == len(autograd_xor.step(root, widget=False))
    assert list(ex.values().values()) == [v.data for v in order]


@pytest.mark.parametrize("name", autograd_xor.walkthroughs.names())
def test_gradients_are_those_of_backward_exactly(name):
    root = get(name).graph()
    ex = explore(root)
    assert list(ex.gradients().values()) == fresh_grads(root)


def test_ids_are_labels_when_unique_else_numbered():
    a = Value(1.0, label="a")
    b = Value(2.0, label="a")
    c = Value(3.0, label="a#1")          # a label that looks like a numbered id
    root = (a + b) * c
    ids = node_ids(root)
    assert ids == ["a#0", "a#1#1", "v2", "a#1#3", "v4"]       # unique, stable


def test_numbers_have_four_significant_digits():
    assert _fmt(-0.00664) == "-0.006640"          # not -0.0066 (toFixed(4))
    assert _fmt(-0.0000664) == "-6.640e-05"
    assert _fmt(1.0) == "1.000" and _fmt(9999.7) == "1.000e+04"
    assert _fmt(float("inf")) == "inf" and _fmt(-float("inf")) == "-inf"


@needs_dot
def test_the_page_embeds_full_precision_and_no_network_reference():
    root = get("gf").graph()
    ex = explore(root)
    text = ex.html()
    data = page_data(text)
    assert [nd["v"] for nd in data["nodes"]] == [v.data for v in topological_order(root)]
    assert [nd["g"] for nd in data["nodes"]] == fresh_grads(root)
    assert [nd["id"] for nd in data["nodes"]] == ex.node_ids
    for i, nd in enumerate(data["nodes"]):
        assert f'data-node="{nd["id"]}" data-i="{i}"' in text
    # self-contained: no URL to fetch anything from, and a policy that forbids it
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:|//)', text)
    assert "@import" not in text and "url(" not in text
    assert "default-src 'none'" in text


@needs_dot
def test_non_finite_numbers_are_written_explicitly():
    x = Value(float("inf"), label="x")
    y = Value(float("nan"), label="y")
    root = x * 0.5 + y
    text = explore(root).html()
    assert "NaN" not in re.sub(r"<script>.*?</script>", "", text, flags=re.DOTALL)
    data = page_data(text)
    assert data["nodes"][0]["v"] == "inf" and data["nodes"][-1]["v"] == "nan"


@needs_dot
def test_labels_cannot_break_out_of_the_page():
    evil = '</script><img src=x onerror="alert(1)">&amp;"\u2028'
    a = Value(1.5, label=evil)
    b = Value(2.0, label="b")
    root = a * b
    root.label = "<b>root</b>"
    ex = explore(root, title="</title><script>alert(2)</script>")
    text = ex.html()
    assert text.count("</script>") == 2          # the data block and the page's script
    assert "<img" not in text and "<b>" not in text and "<script>alert" not in text
    data = page_data(text)
    assert data["nodes"][0]["id"] == evil and data["nodes"][-1]["name"] == "<b>root</b>"


@needs_dot
def test_the_fragment_is_embeddable_and_says_when_scripts_are_blocked():
    ex = explore(get("gf").graph())
    frag = ex._repr_html_()
    assert frag == ex.fragment()
    assert frag.startswith('<div class="agx agx-embed" data-mode="embed"')
    assert "<!DOCTYPE" not in frag and "<html" not in frag
    assert 'data-role="blocked"' in frag and "Scripts are blocked" in frag
    assert " id=" not in frag and " onclick" not in frag      # nothing a sanitizer rewrites


def test_graphs_beyond_the_limit_are_refused_before_any_layout(monkeypatch):
    def no_dot(*args, **kwargs):
        raise AssertionError("dot was called")
    monkeypatch.setattr(subprocess, "run", no_dot)
    net = make_xor_model(hidden=200)
    loss = sum(autograd_xor.binary_cross_entropy(net(x), t)
               for x, t in zip(XOR_INPUTS, XOR_TARGETS)) / 4
    with pytest.raises(GraphTooLargeError) as e:
        explore(loss)
    assert len(topological_order(loss)) > MAX_NODES
    assert "MAX_NODES = 2,000" in str(e.value) and f"{e.value.count:,} nodes" in str(e.value)


def test_explore_refuses_what_is_not_a_graph():
    with pytest.raises(TypeError, match="expected the Value at the root"):
        explore(3.0)


def test_practice_names_nodes_by_value_label_or_id():
    root = get("gf").graph()
    weights = ["w_xg0", "w_xg1", "w_xg2", "w_gf0", "w_gf1"]
    ex = explore(root, practice=weights)
    assert ex.practice and [ex.node_ids[i] for i in ex._asked] == sorted(
        weights, key=ex.node_ids.index)
    assert explore(root, practice=True)._asked is None
    with pytest.raises(ValueError, match="practice='w_nope' names no node"):
        explore(root, practice=["w_nope"])
    with pytest.raises(ValueError, match="not in the graph"):
        explore(root, practice=[Value(1.0)])


def test_a_hand_made_node_shows_generically_with_its_own_derivative():
    x = Value(0.5, label="x")
    out = Value(math.sin(x.data), (x,), "sin", label="s")

    def _backward():
        x.grad += math.cos(x.data) * out.grad
    out._backward = _backward
    root = out * 2.0
    ex = explore(root)
    assert ex.gradients()["x"] == fresh_grads(root)[0] == 2.0 * math.cos(0.5)
    nodes, _ = ex._data()
    sin = nodes[ex.node_ids.index("s")]
    assert sin["w"] == "sin({0})" and sin["t"] == [None] and "not in the op table" in sin["f"]
    assert x.grad == 2.0 * math.cos(0.5)          # (set by fresh_grads) and left alone


def test_derivative_templates_come_from_the_op_table():
    root = get("gf").graph()
    ex = explore(root)
    nodes, _ = ex._data()
    by_id = dict(zip(ex.node_ids, nodes))
    assert by_id["y_g"]["t"] == ["1 − {out}²"] and by_id["y_g"]["w"] == "tanh({0})"
    z_g = by_id["z_g"]
    names = [nodes[p]["name"] for p in z_g["p"]]
    assert names == ["w_xg1", "x1", "w_xg2", "x2", "w_xg0"]
    assert z_g["w"] == "{4} + {0} * {1} + {2} * {3}"
    assert z_g["t"] == ["{1}", "{0}", "{3}", "{2}", "1"]
    # each node's consumers: the (node, operand position) pairs that use it, in the order
    # backward() adds their terms
    assert [(nodes[c]["name"], at) for c, at in by_id["y_g"]["c"]] == [("z_f", 1)]


def test_plain_number_inputs_of_a_neuron_are_written_as_numbers():
    net = MLP(2, [1], activations=["tanh"], weights=[[[0.5, -0.25]]], biases=[[0.1]])
    ex = explore(net([1.0, -2.0]))
    nodes, _ = ex._data()
    z = nodes[-2]
    assert z["w"] == "{2} + {0} * 1.0 + {1} * (-2.0)" and z["t"] == ["1.0", "(-2.0)", "1"]


@needs_dot
def test_save_writes_the_page_atomically(tmp_path):
    ex = explore(get("gf").graph())
    path = tmp_path / "gf.html"
    assert ex.save(path) == str(path)
    assert path.read_text(encoding="utf-8") == ex.html()
    assert os.listdir(tmp_path) == ["gf.html"]             # no temp file left
    assert oct(path.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    with pytest.raises(OutputTargetError, match="missing-folder.*does not exist"):
        ex.save(tmp_path / "missing-folder" / "x.html")      # the one writer's refusal
    assert os.listdir(tmp_path) == ["gf.html"]


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_model_on_one_input_with_and_without_its_loss(tmp_path):
    from autograd_xor.xor import train_xor
    path = tmp_path / "m.json"
    train_xor(epochs=5).model.save(path)
    ex = explore_model(str(path), [0, 1])
    assert ex.node_ids[-1] == "y" and "x1" in ex.node_ids and "z1.1" in ex.node_ids
    y = ex.values()["y"]
    loss = explore_model(str(path), [0, 1], target=1)
    assert loss.node_ids[-1] == "loss" and "t" in loss.node_ids
    assert math.isclose(loss.values()["loss"], -math.log(y), rel_tol=1e-12)
    with pytest.raises(ValueError, match="takes 2 inputs, got 3"):
        explore_model(str(path), [0, 1, 1])


def test_explorer_repr():
    ex = explore(get("gf").graph())
    assert isinstance(ex, Explorer) and "32 steps" in repr(ex)


# --- the Jupyter stepper draws as the explorer does -----------------------------------------

def stepper_svgs(monkeypatch, root, **options):
    """A stepper and the list of every drawing its graph widget shows, in order."""
    from autograd_xor import jupyter
    from autograd_xor.stepping import Steps
    w = jupyter.Stepper(Steps(root), **options)
    shown = [w.graph.value]
    w.graph.observe(lambda change: shown.append(change["new"]), names="value")
    return w, shown


def shown_numbers(svg):
    """{node id: (value text, gradient text)} of a drawing."""
    import xml.etree.ElementTree as ET
    ns = "{http://www.w3.org/2000/svg}"
    out = {}
    for g in ET.fromstring(svg).iter(f"{ns}g"):
        if "data-node" in g.attrib:
            spans = {t.get("data-role"): (t.text or "") for t in g.iter(f"{ns}tspan")}
            out[g.get("data-node")] = (spans["value"], spans["grad"])
    return out


@needs_dot
def test_the_stepper_shows_only_what_is_computed(monkeypatch):
    root = get("gf").graph()
    ids = node_ids(root)
    w, shown = stepper_svgs(monkeypatch, root)
    w.whole_button.value = True                         # every node in the window
    N = len(ids)
    for i in range(2 * N):
        w.show(i)
        numbers = shown_numbers(shown[-1])
        for j, node_id in enumerate(ids):
            value, grad = numbers[node_id]
            assert (value != "") == (i >= N or j <= i), (i, node_id, value)
            assert (grad != "") == (i >= N and j >= 2 * N - 1 - i), (i, node_id, grad)


@needs_dot
def test_the_stepper_keeps_the_current_node_in_view_and_its_zoom(monkeypatch):
    from autograd_xor import jupyter
    root = train_loss()
    w, shown = stepper_svgs(monkeypatch, root)
    ex = explore(root)
    (width, _height), boxes = ex.size()
    assert width > jupyter.VIEW[0]                      # the graph is wider than the window
    w.set_zoom(1.25)
    windows = []
    for i in range(len(w.steps)):
        w.show(i)
        svg = shown[-1]
        x0, y0, vw, vh = map(float, re.search(r'viewBox="([^"]+)"', svg).group(1).split())
        assert re.search(r'width="([^"]+)"', svg).group(1) == f"{vw * 1.25:.1f}".rstrip(
            "0").rstrip(".")
        node = i if i < len(boxes) else 2 * len(boxes) - 1 - i
        x, y, bw, bh = boxes[node]
        assert x0 <= x - bw / 2 and x + bw / 2 <= x0 + vw, (i, "current node out of view")
        assert y0 <= y - bh / 2 and y + bh / 2 <= y0 + vh, (i, "current node out of view")
        windows.append((x0, y0))
    assert len(set(windows)) < len(windows) / 2         # the window moves only when it must
    w.whole_button.value = True
    svg = shown[-1]
    assert re.search(r'viewBox="0 0 ', svg) and w.zoom == 1.25


def train_loss():
    from autograd_xor.xor import train_xor
    model = train_xor(epochs=5).model
    loss = sum(autograd_xor.binary_cross_entropy(model(x), t)
               for x, t in zip(XOR_INPUTS, XOR_TARGETS)) / 4
    loss.label = "loss"
    return loss


def test_without_graphviz_the_page_says_how_to_install_it(monkeypatch, tmp_path):
    from autograd_xor.render import DotNotFoundError
    monkeypatch.setenv("PATH", str(tmp_path))
    ex = explore(get("gf").graph())
    assert ex.events == 32                             # the data needs no Graphviz
    with pytest.raises(DotNotFoundError, match="apt-get install graphviz"):
        ex.html()
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(DotNotFoundError):
        ex.save(tmp_path / "gf.html")
    assert list(tmp_path.iterdir()) == []              # nothing written


# --- the docs embed the explorer on the walkthrough pages ------------------------------------

def docs_hooks():
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent / "docs" / "hooks.py"
    spec = importlib.util.spec_from_file_location("docs_hooks_for_explorer", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, path.parent


@needs_dot
def test_every_walkthrough_page_embeds_its_explorer_and_gf_asks_for_its_weights():
    hooks, docs = docs_hooks()
    for name in autograd_xor.walkthroughs.names():
        written = docs / "walkthroughs" / f"{name}.md"
        page = written.read_text(encoding="utf-8") if written.exists() else \
            hooks.walkthrough_page(name)
        marks = hooks._EXPLORER.findall(page)
        assert len(marks) == 1 and marks[0][0] == name, name
    (name, practice), = hooks._EXPLORER.findall((docs / "walkthroughs" / "gf.md").read_text(
        encoding="utf-8"))
    weights = ["w_xg0", "w_xg1", "w_xg2", "w_gf0", "w_gf1"]
    assert sorted(practice.split(",")) == sorted(weights)
    html = hooks.on_page_content(f"<p>before</p>\n<!-- explorer gf practice={practice} -->",
                                 None, None, None)
    data = page_data(html)
    asked = [data["nodes"][i]["id"] for i in data["practice"]]
    assert sorted(asked) == sorted(weights) and data["startPractice"]
    assert html.startswith("<p>before</p>\n<div class=\"agx agx-embed\"")


def test_explore_model_names_a_model_that_is_not_an_mlp(tmp_path):
    from autograd_xor import Neuron
    from autograd_xor.explorer import explore_model
    path = tmp_path / "neuron.json"
    Neuron(2, weights=[0.5, -0.5]).save(path)
    with pytest.raises(TypeError, match="the model is a Neuron, not an MLP"):
        explore_model(path, [0.0, 1.0])
