"""Seed 001's 2-3-1 sigmoid XOR and seed 000's ReLU XOR: seeded, reproducible, and the seeds'
update rules agree with the engine's gradients."""

import pytest

from autograd_xor import MLP, topological_order
from autograd_xor.walkthroughs import get, xor_relu, xor_sigmoid

XOR_Y = [0.0, 1.0, 1.0, 0.0]


@pytest.fixture(scope="module")
def sig():
    return get("xor-sigmoid").run()


@pytest.fixture(scope="module")
def relu():
    return get("xor-relu").run()


def test_xor_sigmoid_learns_like_the_seed(sig):
    assert sig["inputs"]["alpha"] == 0.1 and sig["inputs"]["epochs"] == 10_000
    out = sig["outputs"]
    assert [round(o) for o in out] == [0, 1, 1, 0]
    assert all(abs(o - y) < 0.05 for o, y in zip(out, XOR_Y))    # the seed: 0.012 … 0.022
    assert sig["learned"]
    assert sig["cost"]["last"] < sig["cost"]["first"] / 10


def test_xor_sigmoid_delta3_is_a3_minus_y(sig):
    d = sig["delta3 check"]
    assert d["equal"]
    engine, seed = d["m · ∂C/∂z3 (engine)"], d["a3 − y (tutorial)"]
    assert engine == pytest.approx(seed, abs=1e-15)
    # at the start every output is near 0.5: delta3 ≈ ±0.5
    assert all(0.4 < abs(s) < 0.6 for s in seed)


def test_xor_sigmoid_is_reproducible_and_seeded():
    a = get("xor-sigmoid").run(epochs=50, seed=3)
    b = get("xor-sigmoid").run(epochs=50, seed=3)
    c = get("xor-sigmoid").run(epochs=50, seed=4)
    assert a == b
    assert a["outputs"] != c["outputs"]


def test_xor_sigmoid_one_epoch_by_hand():
    """One full-batch step written out with the seed's delta rule, against the engine's."""
    import math
    model = xor_sigmoid.make_model(0)
    sd = model.state_dict()
    S = lambda z: 1 / (1 + math.exp(-z))
    W1 = [[sd[f"layers.0.neurons.{j}.w.{i}"] for i in range(2)] for j in range(3)]
    b1 = [sd[f"layers.0.neurons.{j}.b"] for j in range(3)]
    W2 = [sd[f"layers.1.neurons.0.w.{j}"] for j in range(3)]
    b2 = sd["layers.1.neurons.0.b"]
    g_W2, g_b2 = [0.0] * 3, 0.0
    for x, y in zip(xor_sigmoid.XOR_X, XOR_Y):
        a2 = [S(b1[j] + W1[j][0] * x[0] + W1[j][1] * x[1]) for j in range(3)]
        a3 = S(b2 + sum(w * a for w, a in zip(W2, a2)))
        delta3 = a3 - y
        g_W2 = [g + delta3 * a / 4 for g, a in zip(g_W2, a2)]
        g_b2 += delta3 / 4
    xor_sigmoid.train(epochs=1, model=model)
    after = model.state_dict()
    for j in range(3):
        assert after[f"layers.1.neurons.0.w.{j}"] == pytest.approx(W2[j] - 0.1 * g_W2[j],
                                                                   rel=1e-12)
    assert after["layers.1.neurons.0.b"] == pytest.approx(b2 - 0.1 * g_b2, rel=1e-12)


def test_xor_sigmoid_graph_and_network():
    C = get("xor-sigmoid").graph()
    labels = {v.label for v in topological_order(C)}
    assert {"C", "z3[0]", "x1", "x2"} <= labels
    assert C.grad == 1.0 and 0.6 < C.data < 0.8
    model = get("xor-sigmoid").network()
    assert isinstance(model, MLP) and any(p.grad != 0.0 for p in model.parameters())


def test_xor_relu_states_its_choices_and_learns(relu):
    c = relu["choices"]
    assert c["hidden units"] == 4 and c["alpha"] == 0.2 and c["epochs"] == 60
    assert c["seed"] == 0 and "biases" in c and "loss" in c
    assert [round(o) for o in relu["outputs"]] == [0, 1, 1, 0]
    assert relu["learned"]
    assert relu["errors"]["last epoch"] < 1e-3 < relu["errors"]["first epoch"]
    assert all(v == 0.0 for k, v in relu["final weights"].items() if k.endswith(".b"))
    text = get("xor-relu").render(relu)
    assert "weight -= alpha * activation * (output - target)" in text
    assert "missing" in text and "alpha: 0.2" in text


def test_xor_relu_update_rule_agrees_with_the_engine(relu):
    u = relu["update rule"]
    assert u["output weights equal"]
    assert u["hidden weights max |difference|"] < 1e-15
    moved = [r for rs in u["by example"].values() for r in rs if r["engine"] != 0.0]
    assert len(moved) >= 4                     # the check is not vacuous
    for r in moved:
        assert r["post"] == pytest.approx(r["engine"], rel=1e-14)


def test_xor_relu_rule_written_out_by_hand():
    model = xor_relu.make_model(0)
    hidden, out = model.layers
    x, t = [1.0, 1.0], 0.0
    H = [max(0.0, n.w[0].data * x[0] + n.w[1].data * x[1]) for n in hidden.neurons]
    O = sum(w.data * h for w, h in zip(out.neurons[0].w, H))
    rows = {r["weight"]: r for r in xor_relu.update_rule_check(model, x, t)}
    for j, h in enumerate(H):
        assert rows[f"w_ho[{j}]"]["engine"] == pytest.approx(h * (O - t), rel=1e-14, abs=0)


def test_xor_relu_is_reproducible():
    a = get("xor-relu").run(epochs=5, seed=7)
    assert a == get("xor-relu").run(epochs=5, seed=7)
    assert a["outputs"] != get("xor-relu").run(epochs=5, seed=8)["outputs"]


def test_xor_relu_graph_and_network():
    E = get("xor-relu").graph()
    labels = {v.label for v in topological_order(E)}
    assert {"error", "O", "A", "B", "w_ho[0]", "w_ih_A[0]"} <= labels
    model = get("xor-relu").network()
    assert isinstance(model, MLP)


@pytest.mark.parametrize("name", ["xor-sigmoid", "xor-relu"])
@pytest.mark.parametrize("bad", [{"epochs": 0}, {"seed": 1.5}])
def test_bad_options(name, bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        get(name).run(**bad)
