"""The one-weight perceptron of an article: no bias, a = i·w and C = (a − y)², trained by
gradient descent.

With i = 1.5, y = 0.5, w = 0.8 and r = 0.1 the output is a = 1.2, the first update takes
w to 0.59, and the updates w ← w − r·dC/dw converge to 1/3 (where a = y).

    >>> r = run()
    >>> r["figures"]["a"]["rounded"], r["figures"]["w1"]["rounded"], r["figures"]["limit"]["rounded"]
    ('1.2', '0.59', '0.3333')
"""

from __future__ import annotations

from typing import Any

from ..engine import Value
from ..nn import Neuron
from ._base import FIGURE_HEADERS, Walkthrough, check_option, figure, figure_rows, fmt, table

__all__ = ["W0", "WALKTHROUGH", "I", "R", "Y", "after_backward", "build", "render", "run"]

I, Y, W0, R = 1.5, 0.5, 0.8, 0.1
STEPS = 20      # enough for w to round to the article's 0.3333


def build(w: float = W0) -> tuple[Neuron, dict[str, Value]]:
    """The one-weight network at weight `w` after one forward and backward pass.

    Returns `(neuron, nodes)`: a linear `Neuron(1)` whose bias is fixed at 0 (the article's
    network has no bias; it is never updated), and the article's names i, w, y, a, C.
    """
    neuron = Neuron(1, activation="linear", weights=[w], bias=0.0)
    neuron.w[0].label, neuron.b.label = "w", "b (fixed at 0)"
    i, y = Value(I, label="i"), Value(Y, label="y")
    a = neuron([i])                       # a = i·w (+ the bias, 0)
    C = (a - y) ** 2
    a.label, C.label = "a", "C"
    C.backward()
    return neuron, {"i": i, "w": neuron.w[0], "y": y, "a": a, "C": C}


def run(steps: int = STEPS) -> dict[str, Any]:
    """`steps` updates w ← w − r·dC/dw from w = 0.8, dC/dw from the engine."""
    check_option("perceptron", "steps", steps)
    w = W0
    sequence = []
    for k in range(steps):
        _, n = build(w)
        grad = n["w"].grad
        new = w - R * grad
        sequence.append({"step": k + 1, "w": w, "a": n["a"].data, "C": n["C"].data,
                         "dC/dw": grad, "new w": new})
        w = new
    first = sequence[0]
    return {
        "name": "perceptron", "source": WALKTHROUGH.source,
        "source_file": WALKTHROUGH.source_file,
        "inputs": {"i": I, "y": Y, "w": W0, "r": R, "steps": steps},
        "values": {"a": first["a"], "C": first["C"], "dC/dw": first["dC/dw"],
                   "w1": first["new w"], "final w": w, "limit": Y / I},
        "figures": {"a": figure(first["a"], "1.2"), "w1": figure(first["new w"], "0.59"),
                    "limit": figure(w, "0.3333")},
        "sequence": sequence,
    }


def render(result: dict[str, Any]) -> str:
    v, f = result["values"], result["figures"]
    n = result["inputs"]["steps"]
    out = [
        WALKTHROUGH.heading(),
        f"  i = {I}, y = {Y}, w = {W0}, learning rate r = {R}",
        "",
        "FORWARD AND BACKWARD PASS at w = 0.8",
        table(FIGURE_HEADERS, figure_rows(f, ["a"], {"a": "i·w"})
              + [["C", fmt(v["C"]), "", "", "(a − y)²"],
                 ["dC/dw", fmt(v["dC/dw"]), "", "", "from C.backward(): dC/da · da/dw "
                                                     "= 2(a − y) · i"]]),
        "",
        "FIRST UPDATE  w1 = w0 − r · dC/dw",
        table(FIGURE_HEADERS, figure_rows(f, ["w1"])),
        "",
        f"THE SEQUENCE ({n} updates; the article's table of them is an image we do not have)",
        table(["step", "w", "a", "C", "dC/dw", "new w"],
              [[s["step"], fmt(s["w"]), f"{s['a']:.6f}", f"{s['C']:.3e}",
                f"{s['dC/dw']:.6f}", fmt(s["new w"])] for s in result["sequence"]]),
        "",
        f"after {n} updates (the article: 'particularly to 0.3333…'):",
        table(FIGURE_HEADERS, figure_rows(f, ["limit"], {"limit": f"y / i = {fmt(v['limit'])}"
                                                         " is where a = y"})),
        "  each update multiplies w − 1/3 by 1 − 2·r·i² = 0.55, so w approaches 1/3 "
        "geometrically",
    ]
    return "\n".join(out)


def after_backward() -> tuple[Neuron, Value]:
    """The one-weight neuron at w = 0.8 and C, after one backward(); nodes i, w, y, a, C."""
    neuron, nodes = build()
    return neuron, nodes["C"]


INTRO = """One weight and no bias: a = i·w, C = (a − y)², with i = 1.5, y = 0.5, w = 0.8 and
r = 0.1. The output is 1.2, the first update takes w to 0.59, and the updates converge to
1/3."""

WALKTHROUGH = Walkthrough(
    name="perceptron", subject="the one-weight perceptron",
    title="a = i·w, C = (a − y)²: w goes 0.8, 0.59, …, 0.3333",
    source="the article “Understanding Neural Network Backpropagation Learning Algorithm”",
    source_file="002_37752c1349826d31.txt", intro=INTRO, run=run, render=render,
    after_backward=after_backward, options={"steps": STEPS},
    cells=(("markdown", "Each update multiplies the distance to 1/3 by 1 − 2·r·i² = 0.55:"),
           ("code", 'seq = [s["w"] for s in result["sequence"]]\n'
                    '[round((b - 1/3) / (a - 1/3), 6) for a, b in zip(seq, seq[1:])][:5]')))
