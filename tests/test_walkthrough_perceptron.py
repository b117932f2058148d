"""Seed 002: a = i·w, C = (a − y)², r = 0.1: 1.2, 0.59, ... 0.3333."""

import pytest

from autograd_xor import Neuron, topological_order
from autograd_xor.walkthroughs import get

EX = get("perceptron")


def hand_sequence(n, w=0.8, i=1.5, y=0.5, r=0.1):
    """w ← w − r · 2(i·w − y)·i, written out by hand."""
    out = [w]
    for _ in range(n):
        w = w - r * 2 * (i * w - y) * i
        out.append(w)
    return out


def test_printed_figures():
    r = EX.run()
    v = r["values"]
    assert f"{v['a']:.1f}" == "1.2"
    assert f"{v['w1']:.2f}" == "0.59"
    assert f"{v['final w']:.4f}" == "0.3333"
    assert all(f["agrees"] for f in r["figures"].values())


def test_full_precision_sequence():
    r = EX.run(steps=25)
    hand = hand_sequence(25)
    got = [s["w"] for s in r["sequence"]] + [r["values"]["final w"]]
    assert got == pytest.approx(hand, rel=1e-14)
    assert r["values"]["dC/dw"] == pytest.approx(2 * (1.5 * 0.8 - 0.5) * 1.5, rel=1e-14)
    assert r["values"]["C"] == pytest.approx((1.2 - 0.5) ** 2, rel=1e-13)
    # it converges to y / i = 1/3 from above, geometrically with ratio 0.55
    assert all(a > b > 1 / 3 for a, b in zip(got, got[1:]))
    assert (got[-1] - 1 / 3) / (got[-2] - 1 / 3) == pytest.approx(0.55, rel=1e-6)


def test_too_few_steps_do_not_reach_the_books_digits():
    r = EX.run(steps=5)
    assert r["figures"]["limit"]["rounded"] != "0.3333"
    assert not r["figures"]["limit"]["agrees"]


def test_graph_and_network():
    C = EX.graph()
    nodes = {v.label: v for v in topological_order(C)}
    assert {"i", "w", "y", "a", "C"} <= set(nodes)
    assert nodes["w"].grad == pytest.approx(2.1, rel=1e-14)
    assert nodes["a"].data == pytest.approx(1.2, rel=1e-15)
    n = EX.network()
    assert isinstance(n, Neuron)
    assert n.w[0].data == 0.8 and n.w[0].grad == pytest.approx(2.1, rel=1e-14)
    assert n.b.data == 0.0


def test_render():
    text = EX.render(EX.run(steps=17))
    assert "0.59" in text and "0.3333" in text and "17 updates" in text
    with pytest.raises(ValueError, match="steps"):
        EX.run(steps=0)
