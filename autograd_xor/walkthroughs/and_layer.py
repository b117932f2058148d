"""The AND layer: one output-layer step of the 'AND' network of a course's notes, in their
words.

The notes' outputs are [0.56, 0.61] for the expected [1, 0]; its Cost = Expected − Actual is
[0.44, −0.61], f′ = f(1 − f) is [0.25, 0.24], Gradient = Cost · f′ is [0.11, −0.15], and
ΔW₀₀ = 0.64 · 0.11 ≈ 0.07 takes W₀₀ from −0.08 to −0.01. Here every one of those is read
off the engine after `E.backward()` for E = ½ Σ (expected − actual)²:

    Cost = −∂E/∂actual,   f′ = the sigmoid's local derivative,   Gradient = −∂E/∂z,
    ΔW = −∂E/∂W  (a learning rate of 1: the notes add the whole change).

The notes' figure of the network is missing, so its inputs and weights are assumed (see
`ASSUMED`): chosen with two decimals, like the printed −0.08, so the printed values come out.

    >>> r = run()
    >>> [r["figures"][k]["rounded"] for k in ("gradient[0]", "gradient[1]", "ΔW₀₀", "new W₀₀")]
    ['0.11', '-0.15', '0.07', '-0.01']
"""

from __future__ import annotations

from typing import Any, cast

from ..engine import Value
from ..losses import half_squared_error
from ..nn import MLP
from ._base import FIGURE_HEADERS, Walkthrough, figure, figure_rows, fmt, table

__all__ = ["ASSUMED", "EXPECTED", "INPUTS", "WALKTHROUGH", "after_backward", "build", "render",
           "run"]

INPUTS = [1.0, 0.0]          # "our inputs are 1 and 0"
EXPECTED = [1.0, 0.0]        # "our output vector should be [1, 0]"
# Assumed (the figure is missing): a 2-2-2 sigmoid network with biases. Rows are neurons.
ASSUMED: dict[str, list[Any]] = {
    "hidden weights": [[0.35, 0.12], [-0.41, 0.27]], "hidden biases": [0.23, 0.55],
    "output weights": [[-0.08, 0.31], [0.44, 0.23]], "output biases": [0.13, 0.05],
}
ASSUMPTIONS = (
    "The notes' figure of the network is missing; assumed: inputs [1, 0], a 2-2-2 network of "
    "sigmoid neurons with biases, hidden weights {hw} and biases {hb}, output weights {ow} "
    "(W₀₀ = −0.08 as printed) and biases {ob}. They are chosen so that hidden output 0 is "
    "0.64 and the outputs are [0.56, 0.61] at the printed precision; the other printed numbers "
    "then follow from the engine.").format(
        hw=ASSUMED["hidden weights"], hb=ASSUMED["hidden biases"],
        ow=ASSUMED["output weights"], ob=ASSUMED["output biases"])

PRINTED = {
    "output[0]": "0.56", "output[1]": "0.61",
    "cost[0]": "0.44", "cost[1]": "-0.61",
    "1 − output[0]": "0.44", "1 − output[1]": "0.39",
    "f′[0]": "0.25", "f′[1]": "0.24",
    "gradient[0]": "0.11", "gradient[1]": "-0.15",
    "f(x)₀": "0.64", "ΔW₀₀": "0.07", "new W₀₀": "-0.01",
}


def build() -> tuple[MLP, dict[str, Value]]:
    """The assumed network after one forward pass on [1, 0] and `E.backward()`.

    Returns `(model, nodes)` with the notes' names: inputs x0, x1; hidden outputs f(x)₀,
    f(x)₁; the output layer's weighted sums z0, z1, outputs output0, output1; the output
    weights W₀₀ W₀₁ W₁₀ W₁₁ (Wⱼₖ from hidden k to output j, as the notes' [0, 0] 'between
    the top two neurons') and E.
    """
    a = ASSUMED
    model = MLP(2, [2, 2], activations=["sigmoid", "sigmoid"],
                weights=[a["hidden weights"], a["output weights"]],
                biases=[a["hidden biases"], a["output biases"]])
    hidden, output = model.layers
    nodes: dict[str, Value] = {}
    for j, neuron in enumerate(output.neurons):
        for k, w in enumerate(neuron.w):
            w.label = f"W{'₀₁'[j]}{'₀₁'[k]}"
            nodes[w.label] = w
        neuron.b.label = f"b{j}"
    xs = [Value(x, label=f"x{i}") for i, x in enumerate(INPUTS)]
    hs = cast("list[Value]", hidden(xs))      # layers of two neurons: lists of Values
    outs = cast("list[Value]", output(hs))
    for k, h in enumerate(hs):
        h.label = f"f(x){'₀₁'[k]}"
        nodes[h.label] = h
    for j, o in enumerate(outs):
        o.label = f"output{j}"
        o._prev[0].label = f"z{j}"             # the sigmoid's one parent: its weighted sum
        nodes[f"output{j}"], nodes[f"z{j}"] = o, o._prev[0]
    E = cast(Value, sum(half_squared_error(o, t) for o, t in zip(outs, EXPECTED)))  # (0 + a Value)
    E.label = "E"
    E.backward()
    nodes.update({"x0": xs[0], "x1": xs[1], "E": E})
    return model, nodes


def run() -> dict[str, Any]:
    _model, n = build()
    values = {}
    for j in range(2):
        out = n[f"output{j}"]
        values[f"output[{j}]"] = out.data
        values[f"cost[{j}]"] = -out.grad                  # = expected − actual
        values[f"1 − output[{j}]"] = 1.0 - out.data
        values[f"f′[{j}]"] = out._local[0]                 # the sigmoid's stored local derivative
        values[f"gradient[{j}]"] = -n[f"z{j}"].grad        # = cost · f′
    values["f(x)₀"] = n["f(x)₀"].data
    values["f(x)₁"] = n["f(x)₁"].data
    deltas = {}
    for name in ("W₀₀", "W₀₁", "W₁₀", "W₁₁"):
        w = n[name]
        deltas[name] = {"old": w.data, "gradient ∂E/∂W": w.grad, "ΔW": -w.grad,
                        "new": w.data + -w.grad}
    values["ΔW₀₀"] = deltas["W₀₀"]["ΔW"]
    values["new W₀₀"] = deltas["W₀₀"]["new"]
    return {
        "name": "and", "source": WALKTHROUGH.source, "source_file": WALKTHROUGH.source_file,
        "assumed": dict(ASSUMED, inputs=INPUTS, expected=EXPECTED, learning_rate=1.0),
        "assumptions": ASSUMPTIONS,
        "values": values,
        "figures": {k: figure(values[k], text) for k, text in PRINTED.items()},
        "weights": deltas,
        "E": n["E"].data,
    }


def render(result: dict[str, Any]) -> str:
    f = result["figures"]
    out = [
        WALKTHROUGH.heading(),
        "",
        "ASSUMED",
        "  " + result["assumptions"],
        "",
        "E = ½ Σ (expected − actual)²; the notes' words in engine terms:",
        "  Cost = expected − actual = −∂E/∂actual;  f′ = actual·(1 − actual), the sigmoid's "
        "local derivative;",
        "  Gradient = Cost · f′ = −∂E/∂z;  ΔW = f(x)_previous · Gradient = −∂E/∂W (learning "
        "rate 1).",
        "",
        "OUTPUT LAYER, expected [1, 0]",
        table(FIGURE_HEADERS, figure_rows(f, [
            "output[0]", "output[1]", "cost[0]", "cost[1]", "1 − output[0]", "1 − output[1]",
            "f′[0]", "f′[1]", "gradient[0]", "gradient[1]"], {
            "cost[0]": "−output0.grad", "cost[1]": "−output1.grad",
            "gradient[0]": "−z0.grad", "gradient[1]": "−z1.grad"})),
        "",
        "STRENGTHENING AND WEAKENING: ΔW₀₀ = f(x)₀ · gradient[0]",
        table(FIGURE_HEADERS, figure_rows(f, ["f(x)₀", "ΔW₀₀", "new W₀₀"], {
            "ΔW₀₀": "−W₀₀.grad (the notes: 0.64 · 0.11 = 0.07)",
            "new W₀₀": "W₀₀ + ΔW₀₀ (the notes: −0.08 + 0.07)"})),
        "",
        "EVERY OUTPUT WEIGHT (Wⱼₖ: hidden k -> output j)",
        table(["weight", "old", "∂E/∂W", "ΔW = −∂E/∂W", "new"],
              [[k, fmt(d["old"]), fmt(d["gradient ∂E/∂W"]), fmt(d["ΔW"]), fmt(d["new"])]
               for k, d in result["weights"].items()]),
    ]
    return "\n".join(out)


def after_backward() -> tuple[MLP, Value]:
    """The assumed 2-2-2 AND network and E, after one backward(), labelled with the notes'
    names."""
    model, nodes = build()
    return model, nodes["E"]


INTRO = """One output-layer step of the AND network: Cost = Expected − Actual, f′,
Gradient = Cost·f′ and ΔW₀₀. The notes' figure of the network is missing, so the walkthrough
states the inputs and weights it assumed."""

WALKTHROUGH = Walkthrough(
    name="and", subject="the AND layer",
    title="its output layer's cost, f′, gradient and ΔW₀₀",
    source="QMIND Educate's “Neural Network Package, Module 3: Back Propagation and Gradient "
           "Descent”, by Andrew Farley",
    source_file="003_7c76ce68904d730c.txt", intro=INTRO, run=run, render=render,
    after_backward=after_backward,
    cells=(("markdown", "The assumed weights, as the walkthrough states them:"),
           ("code", 'print(result["assumptions"])')))
