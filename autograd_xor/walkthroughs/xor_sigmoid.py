"""The sigmoid XOR network of a tutorial: 2-3-1 sigmoid units learn XOR with
delta3 = a3 − y.

The tutorial's network has 2 inputs, 3 sigmoid hidden units and 1 sigmoid output, each layer
with a bias. Its output delta, delta3 = a3 − y, is the gradient of the cross-entropy cost
at the output's weighted sum z3, so here the loss is the mean
`binary_cross_entropy_with_logits(z3, y)` over the four examples (its derivative at z3 is
exactly S(z3) − y, divided by m = 4 for the mean). Full batch, alpha = 0.1, 10,000 epochs:
the tutorial printed 0.012, 0.983, 0.989, 0.022.

Initial weights follow the tutorial's recipe, 0.5·sqrt(6 / (fan_in + fan_out))·N(0, 1),
drawn from `random.Random(seed)`; the tutorial's own draw is unknown, so the figures differ
from its digits but not in kind.

    >>> r = run(epochs=1)
    >>> r["delta3 check"]["equal"]
    True
"""

from __future__ import annotations

import math
import random
from typing import Any, cast

from ..engine import Value
from ..losses import binary_cross_entropy_with_logits
from ..nn import MLP
from ..optim import SGD
from ..xor import XOR_INPUTS, XOR_TARGETS, learned_xor
from ._base import Walkthrough, check_option, fmt, table

__all__ = ["ALPHA", "EPOCHS", "SEED", "WALKTHROUGH", "XOR_X", "XOR_Y", "after_backward", "loss",
           "make_model", "render", "run", "train"]

XOR_X, XOR_Y = XOR_INPUTS, XOR_TARGETS        # the tutorial's names for the truth table
ALPHA, EPOCHS, SEED = 0.1, 10_000, 0
PRINTED_OUTPUTS = [0.01205117, 0.9825991, 0.98941642, 0.02203315]   # as the tutorial printed


def make_model(seed: int = SEED) -> MLP:
    """The 2-3-1 sigmoid network with the tutorial's initialisation recipe, drawn
    reproducibly from the random seed `seed`."""
    rng = random.Random(seed)
    s1, s2 = 0.5 * math.sqrt(6 / (2 + 3)), 0.5 * math.sqrt(6 / (3 + 1))
    hidden = [[s1 * rng.gauss(0.0, 1.0) for _ in range(3)] for _ in range(3)]  # w1, w2, bias
    out = [s2 * rng.gauss(0.0, 1.0) for _ in range(4)]                        # w1..w3, bias
    return MLP(2, [3, 1], activations=["sigmoid", "sigmoid"],
               weights=[[h[:2] for h in hidden], [out[:3]]],
               biases=[[h[2] for h in hidden], [out[3]]])


def loss(model: MLP, labelled: bool = False) -> tuple[Value, list[Value], list[Value]]:
    """Mean cross-entropy over the four examples, taken at each output's weighted sum z3
    (so the gradient there is exactly (a3 − y) / m). Returns `(loss, a3s, z3s)`."""
    a3s, z3s, terms = [], [], []
    for i, (x, y) in enumerate(zip(XOR_X, XOR_Y)):
        xs = [Value(v, label=f"x{j + 1}") for j, v in enumerate(x)] if labelled else x
        a3 = cast(Value, model(xs))          # one output: a Value
        z3 = a3._prev[0]                     # the output sigmoid's one parent
        if labelled:
            a3.label, z3.label = f"a3[{i}]", f"z3[{i}]"
        a3s.append(a3)
        z3s.append(z3)
        terms.append(binary_cross_entropy_with_logits(z3, y))
    C = cast(Value, sum(terms) / len(terms))  # (sum starts from 0; 0 + a Value is a Value)
    if labelled:
        C.label = "C"
    return C, a3s, z3s


def train(epochs: int = EPOCHS, seed: int = SEED, model: MLP | None = None
          ) -> tuple[MLP, list[float]]:
    """Full-batch gradient descent: every weight moves by −alpha · (1/m) Σ its gradient."""
    model = make_model(seed) if model is None else model
    opt = SGD(model.parameters(), lr=ALPHA)
    costs = []
    for _ in range(epochs):
        C, _, _ = loss(model)
        opt.zero_grad()
        C.backward()
        opt.step()
        costs.append(C.data)
    return model, costs


def run(epochs: int = EPOCHS, seed: int = SEED) -> dict[str, Any]:
    check_option("xor-sigmoid", "epochs", epochs)
    check_option("xor-sigmoid", "seed", seed)
    model = make_model(seed)
    initial = model.state_dict()
    # delta3 = a3 − y: check it on the first epoch, before any update.
    C, a3s, z3s = loss(model)
    C.backward()
    m = len(XOR_Y)
    engine = [z.grad * m for z in z3s]
    printed_rule = [a.data - y for a, y in zip(a3s, XOR_Y)]
    model.zero_grad()
    model, costs = train(epochs, seed, model)
    _, a3s, _ = loss(model)
    outputs = [a.data for a in a3s]
    return {
        "name": "xor-sigmoid", "source": WALKTHROUGH.source,
        "source_file": WALKTHROUGH.source_file,
        "inputs": {"X": XOR_X, "y": XOR_Y, "alpha": ALPHA, "epochs": epochs, "seed": seed,
                   "initial weights": initial},
        "delta3 check": {"m · ∂C/∂z3 (engine)": engine, "a3 − y (tutorial)": printed_rule,
                         "equal": all(abs(a - b) <= 1e-15 for a, b in zip(engine, printed_rule))},
        "cost": {"first": costs[0], "last": costs[-1]},
        "outputs": outputs,
        "tutorial's outputs": PRINTED_OUTPUTS,
        "learned": learned_xor(outputs),
        "final weights": model.state_dict(),
    }


def render(result: dict[str, Any]) -> str:
    inp = result["inputs"]
    d = result["delta3 check"]
    (ke, ve), (ks, vs), _ = d.items()
    out = [
        WALKTHROUGH.heading(),
        f"  alpha = {inp['alpha']}, {inp['epochs']} epochs, full batch (the gradient is the "
        f"mean over the 4 examples), random seed {inp['seed']}",
        "  loss: mean cross-entropy, whose gradient at the output's weighted sum z3 is "
        "a3 − y (the tutorial's delta3)",
        "  initial weights: 0.5·sqrt(6/(fan_in + fan_out))·N(0, 1), as the tutorial's, from "
        f"random.Random({inp['seed']}); the tutorial's own draw is unknown",
        "",
        "delta3 = a3 − y AGAINST THE ENGINE (first epoch, before any update)",
        table(["x1", "x2", ks, ke],
              [[f"{x[0]:.0f}", f"{x[1]:.0f}", fmt(s), fmt(e)]
               for x, s, e in zip(XOR_X, vs, ve)]),
        f"  equal: {d['equal']}",
        "",
        f"AFTER {inp['epochs']} EPOCHS (cost {result['cost']['first']:.6f} -> "
        f"{result['cost']['last']:.6f})",
        table(["x1", "x2", "target", "output", "rounded", "the tutorial's output"],
              [[f"{x[0]:.0f}", f"{x[1]:.0f}", f"{y:.0f}", fmt(o), f"{o:.3f}", s]
               for x, y, o, s in zip(XOR_X, XOR_Y, result["outputs"],
                                     result["tutorial's outputs"])]),
        "  learned XOR: every output within 0.5 of its target" if result["learned"] else
        "  did NOT learn XOR with this random seed: try another --seed or more --epochs",
    ]
    return "\n".join(out)


def after_backward() -> tuple[MLP, Value]:
    """The 2-3-1 network at its initial weights (random seed 0) and the mean cost C, after one
    backward()."""
    model = make_model(SEED)
    for name, p in model.named_parameters():
        layer, _, neuron, kind = name.split(".")[1:5]
        idx = name.split(".")[5] if kind == "w" else ""
        p.label = (f"θ{int(layer) + 1}[{'bias' if kind == 'b' else int(idx) + 1}→"
                   f"{int(neuron) + 1}]")
    C, _, _ = loss(model, labelled=True)
    C.backward()
    return model, C


INTRO = """A 2-3-1 sigmoid network learns XOR with the tutorial's output delta,
delta3 = a3 − y (the gradient of the cross-entropy at the output's weighted sum),
alpha = 0.1, 10,000 full-batch epochs, from a fixed random seed."""

WALKTHROUGH = Walkthrough(
    name="xor-sigmoid", subject="the sigmoid XOR network",
    title="2-3-1 sigmoid units learn XOR with delta3 = a3 − y",
    source="the tutorial “Gradient Descent with Backpropagation”, its XOR network",
    source_file="001_17a4aeef49c46129.txt", intro=INTRO, run=run, render=render,
    after_backward=after_backward, options={"epochs": EPOCHS, "seed": SEED},
    cells=(("markdown", "The trained outputs beside the tutorial's:"),
           ("code", 'list(zip([round(o, 3) for o in result["outputs"]], '
                    'result["tutorial\'s outputs"]))')))
