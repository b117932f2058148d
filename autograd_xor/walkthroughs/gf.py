"""The five-weight G/F network: one training step of a textbook, worked by hand.

    G = tanh(w_xg0 + w_xg1·x1 + w_xg2·x2),  F = S(w_gf0 + w_gf1·G),  e = (y − f)²/2

with w = (0.3, 0.6, −0.1, −0.2, 0.5), x = (−0.9, 0.1), y = 1.0 and lr = 0.1. Every number
comes from the engine's forward pass and one `backward()`: the textbook's "error term" of a
neuron is the gradient of e at that neuron's weighted sum (z_f, z_g), and each weight's
delta is −lr times its gradient.

    >>> r = run()
    >>> r["figures"]["error term g"]["rounded"], r["figures"]["new w_gf0"]["rounded"]
    ('-0.066', '-0.1859')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from ..engine import Value
from ..losses import half_squared_error
from ..nn import MLP
from ..optim import SGD
from ._base import FIGURE_HEADERS, Walkthrough, check_option, figure, figure_rows, fmt, table

__all__ = ["LR", "WALKTHROUGH", "WEIGHTS", "X1", "X2", "Y", "after_backward", "build", "render",
           "run"]

NAMES = ("w_xg0", "w_xg1", "w_xg2", "w_gf0", "w_gf1")
WEIGHTS = {"w_xg0": 0.3, "w_xg1": 0.6, "w_xg2": -0.1, "w_gf0": -0.2, "w_gf1": 0.5}
X1, X2, Y, LR = -0.9, 0.1, 1.0, 0.1

# The textbook's figures for the first step, as printed.
PRINTED = {
    "y_g": "-0.25", "y_f": "0.42", "e": "0.17",
    "MSE'": "-0.58", "error term f": "-0.14", "error term g": "-0.066",
    "Δw_xg0": "0.0066", "Δw_xg1": "-0.0060", "Δw_xg2": "0.00066",
    "Δw_gf0": "0.014", "Δw_gf1": "-0.0035",
    "new w_xg0": "0.3066", "new w_xg1": "0.5940", "new w_xg2": "-0.0993",
    "new w_gf0": "-0.1859", "new w_gf1": "0.4965",
}

Y_G_NOTE = ("the textbook prints y_g ≈ −0.25, the value of z_g; tanh(−0.25) rounds to −0.24, "
            "the value its own tanh′ line (1 − (−0.24)²) uses")


def build(weights: Mapping[str, float] | None = None) -> tuple[MLP, dict[str, Value]]:
    """The network at `weights` (default: the textbook's) after one forward and backward
    pass.

    Returns `(model, nodes)`: `model` is `MLP(2, [1, 1], activations=["tanh", "sigmoid"])`
    with its parameters labelled by the textbook's names, and `nodes` maps those names
    (x1, x2, y, z_g, y_g, z_f, y_f, e and the five weights) to the graph's `Value`s.
    """
    w = dict(WEIGHTS if weights is None else weights)
    model = MLP(2, [1, 1], activations=["tanh", "sigmoid"],
                weights=[[[w["w_xg1"], w["w_xg2"]]], [[w["w_gf1"]]]],
                biases=[[w["w_xg0"]], [w["w_gf0"]]])
    g, f = model.layers[0].neurons[0], model.layers[1].neurons[0]
    params = {"w_xg0": g.b, "w_xg1": g.w[0], "w_xg2": g.w[1], "w_gf0": f.b, "w_gf1": f.w[0]}
    for name, p in params.items():
        p.label = name
    x1, x2, y = Value(X1, label="x1"), Value(X2, label="x2"), Value(Y, label="y")
    # the same computation as model([x1, x2]); a layer of one neuron gives a Value
    y_g = cast(Value, model.layers[0]([x1, x2]))
    y_f = cast(Value, model.layers[1]([y_g]))
    e = half_squared_error(y_f, y)           # (y − y_f)² / 2
    z_g, z_f = y_g._prev[0], y_f._prev[0]    # each activation's one parent: its weighted sum
    for name, v in (("z_g", z_g), ("y_g", y_g), ("z_f", z_f), ("y_f", y_f), ("e", e)):
        v.label = name
    e.backward()
    nodes = dict(params, x1=x1, x2=x2, y=y, z_g=z_g, y_g=y_g, z_f=z_f, y_f=y_f, e=e)
    return model, nodes


def _step(weights):
    """One iteration of the textbook's algorithm at `weights`: every figure, and the new
    weights."""
    _model, n = build(weights)
    grads = {k: n[k].grad for k in NAMES}
    deltas = {k: -LR * grads[k] for k in NAMES}
    params = [n[k] for k in NAMES]
    SGD(params, lr=LR).step()                # w ← w − lr · ∂e/∂w
    new = {k: n[k].data for k in NAMES}
    yf, ygv = n["y_f"].data, n["y_g"].data
    values = {
        "z_g": n["z_g"].data, "y_g": ygv, "z_f": n["z_f"].data, "y_f": yf, "e": n["e"].data,
        "MSE'": n["y_f"].grad, "error term f": n["z_f"].grad, "error term g": n["z_g"].grad,
    }
    values.update({f"Δ{k}": deltas[k] for k in NAMES})
    values.update({f"new {k}": new[k] for k in NAMES})
    # The textbook's own formulas, evaluated on the forward values, beside the engine's.
    printed_f = -(Y - yf) * yf * (1 - yf)
    printed_g = values["error term f"] * weights["w_gf1"] * (1 - ygv * ygv)
    checks = {
        "error term f": {"engine (∂e/∂z_f)": n["z_f"].grad,
                         "textbook: −(y − y_f)·y_f·(1 − y_f)": printed_f},
        "error term g": {"engine (∂e/∂z_g)": n["z_g"].grad,
                         "textbook: error_f·w_gf1·(1 − y_g²)": printed_g},
    }
    return values, grads, new, checks


def run(steps: int = 1) -> dict[str, Any]:
    """The textbook's walkthrough: the first step's figures and `steps` iterations in all."""
    check_option("gf", "steps", steps)
    weights = dict(WEIGHTS)
    iterations = []
    first: tuple[dict[str, float], dict[str, float], dict[str, dict[str, float]]] | None = None
    for i in range(steps):
        values, grads, new, checks = _step(weights)
        if first is None:
            first = (values, grads, checks)
        iterations.append({"step": i + 1, "e": values["e"], "y_f": values["y_f"],
                           "gradients": grads, "weights": new})
        weights = new
    assert first is not None                 # steps >= 1 (check_option)
    values, grads, checks = first
    return {
        "name": "gf", "source": WALKTHROUGH.source, "source_file": WALKTHROUGH.source_file,
        "inputs": {"x1": X1, "x2": X2, "y": Y, "lr": LR, "weights": dict(WEIGHTS)},
        "values": values,
        "gradients": grads,
        "figures": {k: figure(values[k], text) for k, text in PRINTED.items()},
        "notes": {"y_g": Y_G_NOTE},
        "checks": checks,
        "iterations": iterations,
    }


def render(result: dict[str, Any]) -> str:
    v, f = result["values"], result["figures"]
    out = [
        WALKTHROUGH.heading(),
        "  G = tanh(w_xg0 + w_xg1·x1 + w_xg2·x2)   F = S(w_gf0 + w_gf1·G)   e = (y − f)²/2",
        "  initial weights: " + ", ".join(f"{k} = {WEIGHTS[k]}" for k in NAMES),
        f"  training example: x1 = {X1}, x2 = {X2}, y = {Y};  learning rate lr = {LR}",
        "  (full precision from the engine; 'rounded' is that value at the printed precision;"
        " (*) marks a printed figure that differs, see the note)",
        "",
        "FORWARD PASS",
        table(FIGURE_HEADERS, [["z_g", fmt(v["z_g"]), "", "", "w_xg0 + w_xg1·x1 + w_xg2·x2"]]
              + figure_rows(f, ["y_g"], {"y_g": "tanh(z_g)"})
              + [["z_f", fmt(v["z_f"]), "", "", "w_gf0 + w_gf1·y_g"]]
              + figure_rows(f, ["y_f", "e"], {"y_f": "S(z_f)", "e": "(y − y_f)²/2"})),
        f"  (*) {Y_G_NOTE}",
        "",
        "BACKWARD PASS (gradients from e.backward())",
        table(FIGURE_HEADERS, figure_rows(f, ["MSE'", "error term f", "error term g"], {
            "MSE'": "∂e/∂y_f = −(y − y_f)",
            "error term f": "∂e/∂z_f = MSE′ · y_f(1 − y_f)",
            "error term g": "∂e/∂z_g = error_f · w_gf1 · (1 − y_g²)"})),
        "  the error terms are the engine's gradients at z_f and z_g; the textbook's formulas "
        "agree:",
    ]
    for name, pair in result["checks"].items():
        (ka, a), (kb, b) = pair.items()
        out.append(f"    {name}: {ka} = {fmt(a)};  {kb} = {fmt(b)};  |difference| = "
                   f"{abs(a - b):.1e}")
    inputs = {"w_xg0": "1", "w_xg1": "x1", "w_xg2": "x2", "w_gf0": "1", "w_gf1": "y_g"}
    terms = {"w_xg0": "g", "w_xg1": "g", "w_xg2": "g", "w_gf0": "f", "w_gf1": "f"}
    out += ["", "WEIGHT ADJUSTMENT (Δw = −lr · ∂e/∂w = −lr · input · error term)",
            table(FIGURE_HEADERS, figure_rows(f, [f"Δ{k}" for k in NAMES], {
                f"Δ{k}": f"−lr · {inputs[k]} · error term {terms[k]}" for k in NAMES})),
            "", "NEW WEIGHTS (w + Δw)",
            table(FIGURE_HEADERS, figure_rows(f, [f"new {k}" for k in NAMES]))]
    its = result["iterations"]
    if len(its) > 1:
        out += ["", "ITERATIONS (the textbook's spreadsheet: e and y_f before each update, "
                    "weights after it)",
                table(["step", "e", "y_f"] + list(NAMES),
                      [[it["step"], f"{it['e']:.6f}", f"{it['y_f']:.6f}"]
                       + [f"{it['weights'][k]:.6f}" for k in NAMES] for it in its])]
    return "\n".join(out)


def after_backward() -> tuple[MLP, Value]:
    """The G -> F network at the textbook's weights and its loss e, after one backward()."""
    model, nodes = build()
    return model, nodes["e"]


INTRO = """A textbook's five-weight network: G = tanh(w_xg0 + w_xg1·x1 + w_xg2·x2),
F = S(w_gf0 + w_gf1·G) and e = (y − f)²/2, one training step worked by hand. The textbook's
"error term" of a neuron is the engine's gradient at that neuron's weighted sum (z_f, z_g),
and each weight's delta is −lr times its gradient."""

WALKTHROUGH = Walkthrough(
    name="gf", subject="the five-weight G/F network",
    title="one step of backpropagation, worked by hand",
    source="the textbook section “Using Backpropagation to Compute the Gradient” (chapter 3, "
           "figure 3-5)",
    source_file="004_3e1abb465e600071.txt", intro=INTRO, run=run, render=render,
    after_backward=after_backward, options={"steps": 1},
    cells=(("markdown", "The textbook's spreadsheet continues the iterations: the error falls "
                        "step by step."),
           ("code", 'more = ex.run(steps=10)\n'
                    '[(it["step"], round(it["e"], 6)) for it in more["iterations"]]')))
