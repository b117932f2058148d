"""Seed 003's AND-network output-layer step, on the network we assumed (its figure is missing)."""

import math

import pytest

from autograd_xor import MLP, topological_order
from autograd_xor.walkthroughs import and_layer, get

EX = get("and")


def S(z):
    return 1 / (1 + math.exp(-z))


def by_hand():
    """The book's procedure in floats, on the assumed weights."""
    a = and_layer.ASSUMED
    x = [1.0, 0.0]
    h = [S(b + sum(w * xi for w, xi in zip(ws, x)))
         for ws, b in zip(a["hidden weights"], a["hidden biases"])]
    out = [S(b + sum(w * hi for w, hi in zip(ws, h)))
           for ws, b in zip(a["output weights"], a["output biases"])]
    cost = [t - o for t, o in zip([1.0, 0.0], out)]
    fprime = [o * (1 - o) for o in out]
    grad = [c * f for c, f in zip(cost, fprime)]
    dW00 = h[0] * grad[0]
    return h, out, cost, fprime, grad, dW00


@pytest.fixture(scope="module")
def result():
    return EX.run()


def test_printed_figures(result):
    v = result["values"]
    two = lambda x: f"{x:.2f}"
    assert [two(v["output[0]"]), two(v["output[1]"])] == ["0.56", "0.61"]
    assert [two(v["cost[0]"]), two(v["cost[1]"])] == ["0.44", "-0.61"]
    assert [two(v["1 − output[0]"]), two(v["1 − output[1]"])] == ["0.44", "0.39"]
    assert [two(v["f′[0]"]), two(v["f′[1]"])] == ["0.25", "0.24"]
    assert [two(v["gradient[0]"]), two(v["gradient[1]"])] == ["0.11", "-0.15"]
    assert two(v["f(x)₀"]) == "0.64"
    assert two(v["ΔW₀₀"]) == "0.07"
    assert result["assumed"]["output weights"][0][0] == -0.08
    assert two(v["new W₀₀"]) == "-0.01"
    assert all(f["agrees"] for f in result["figures"].values())


def test_full_precision_by_hand(result):
    h, out, cost, fprime, grad, dW00 = by_hand()
    v = result["values"]
    for j in range(2):
        assert v[f"output[{j}]"] == pytest.approx(out[j], rel=1e-14)
        assert v[f"cost[{j}]"] == pytest.approx(cost[j], rel=1e-13)
        assert v[f"f′[{j}]"] == pytest.approx(fprime[j], rel=1e-13)
        assert v[f"gradient[{j}]"] == pytest.approx(grad[j], rel=1e-13)
    assert v["ΔW₀₀"] == pytest.approx(dW00, rel=1e-13)
    assert v["new W₀₀"] == pytest.approx(-0.08 + dW00, rel=1e-12)
    for name, d in result["weights"].items():
        j, k = "₀₁".index(name[1]), "₀₁".index(name[2])
        assert d["ΔW"] == pytest.approx(h[k] * grad[j], rel=1e-13), name


def test_the_assumptions_are_stated(result):
    text = EX.render(result)
    assert "missing" in result["assumptions"] and "assumed" in result["assumptions"]
    assert result["assumptions"] in text
    assert "[1, 0]" in text and "−0.08" in text


def test_graph_and_network():
    E = EX.graph()
    nodes = {v.label: v for v in topological_order(E)}
    assert {"W₀₀", "W₀₁", "W₁₀", "W₁₁", "f(x)₀", "z0", "output0", "E", "x0"} <= set(nodes)
    _, out, _, _, grad, dW00 = by_hand()
    assert E.data == pytest.approx(((1 - out[0]) ** 2 + out[1] ** 2) / 2, rel=1e-14)
    assert -nodes["z0"].grad == pytest.approx(grad[0], rel=1e-13)
    model = EX.network()
    assert isinstance(model, MLP)
    W00 = model.layers[1].neurons[0].w[0]
    assert W00.data == -0.08 and -W00.grad == pytest.approx(dW00, rel=1e-13)
