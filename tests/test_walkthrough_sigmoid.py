"""Seed 001's one-weight sigmoid net: the printed figures from the seed's own formula, the
engine's true gradient, and gradcheck deciding between them."""

import math

import pytest

from autograd_xor import GradcheckError, Neuron, gradcheck, topological_order
from autograd_xor.walkthroughs import get, sigmoid as ex_sigmoid

EX = get("sigmoid")
X = [0.1, 0.25, 0.5, 0.75, 1.0]


def S(z):
    return 1 / (1 + math.exp(-z))


def seed_training(w=5.0, alpha=0.5, epochs=2000):
    """The seed's loop, written out in floats: its update has no x and no 2/m."""
    for _ in range(epochs):
        h = [S(x * w) for x in X]
        w = w - alpha * sum(hi * (hi * (1 - hi)) for hi in h)
    return w


def true_training(w=5.0, alpha=0.5, epochs=2000):
    """The same loop with dC/dW = (2/m) Σ h(1 − h)·h·x for C = (1/m) Σ h², by hand."""
    for _ in range(epochs):
        w = w - alpha * sum(2 / 5 * S(x * w) * S(x * w) * (1 - S(x * w)) * x for x in X)
    return w


def cost(w):
    return sum(S(x * w) ** 2 for x in X) / 5


@pytest.fixture(scope="module")
def result():
    return EX.run()


def test_the_seeds_printed_figures(result):
    v = result["values"]
    assert f"{v['cost before']:.12f}" == "0.757384221746"
    assert f"{v['tutorial: final W']:.7f}" == "-24.3428836"
    assert f"{v['tutorial: final cost']:.14f}" == "0.00130014553005"
    assert [f"{h:.2f}" for h in v["tutorial: outputs"]] == ["0.08", "0.00", "0.00", "0.00",
                                                            "0.00"]
    assert f"{v['h(0.1) at W = 0.3']:.2f}" == "0.51" and f"{v['h(0.25) at W = 0.3']:.2f}" == "0.52"


def test_full_precision_against_the_seeds_loop(result):
    v = result["values"]
    assert v["tutorial: final W"] == pytest.approx(seed_training(), rel=1e-13)
    assert v["tutorial: final cost"] == pytest.approx(cost(seed_training()), rel=1e-10)
    assert v["cost before"] == pytest.approx(cost(5.0), rel=1e-14)


def test_the_engines_true_gradient(result):
    v = result["values"]
    assert f"{v['engine: final W']:.4f}" == "-8.6432"
    assert v["engine: final W"] == pytest.approx(true_training(), rel=1e-12)
    assert result["figures"]["engine: final W"]["agrees"]


def test_gradcheck_says_which_gradient_is_right(result):
    for c in result["gradcheck"]:
        assert c["gradcheck engine"] is True
        assert c["gradcheck tutorial formula"] is False
        assert "numerical" in c["tutorial formula error"]
        assert c["engine"] == pytest.approx(c["numerical"], rel=1e-6)
        assert c["tutorial formula"] != pytest.approx(c["numerical"], rel=0.5)
    # and directly, with the public gradcheck
    assert gradcheck(ex_sigmoid.cost, [5.0])
    with pytest.raises(GradcheckError, match="analytical"):
        gradcheck(ex_sigmoid._with_tutorial_slope, [5.0])


def test_the_books_hand_cost_uses_rounded_outputs(result):
    f = result["figures"]["C(0.3), first two examples"]
    assert f["printed"] == "0.133" and f["rounded"] == "0.132" and not f["agrees"]
    assert f"{(0.51 ** 2 + 0.52 ** 2) / 4:.3f}" == "0.133"


def test_render_says_it_plainly(result):
    text = EX.render(result)
    assert "-24.3428836" in text and "0.00130014553005" in text and "-8.6432" in text
    assert "drops the x" in text and "gradcheck passes the engine's gradient" in text


def test_graph_and_network():
    C = EX.graph()
    nodes = {v.label: v for v in topological_order(C)}
    assert C.data == pytest.approx(cost(5.0), rel=1e-14)
    want = sum(2 / 5 * S(5 * x) ** 2 * (1 - S(5 * x)) * x for x in X)
    assert nodes["W1"].grad == pytest.approx(want, rel=1e-13)
    n = EX.network()
    assert isinstance(n, Neuron) and n.w[0].data == 5.0
    assert n.w[0].grad == pytest.approx(want, rel=1e-13)
