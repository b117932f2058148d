"""The ReLU XOR network of a blog post: a ReLU hidden layer, squared error and a fixed
learning rate alpha.

The post describes H = relu([A, B] · w_ih), O = H · w_ho (no biases), error = (O − target)²
and the update `weight -= alpha * activation * (output - target)` for a hidden-to-output
weight, with (O − target) · reluDeriv(A · w_ih) · A · w_ho for an input-to-hidden one. Its
code listing is missing, so the choices here are ours (`CHOICES`): 4 hidden units, weights
uniform in [−1, 1) from `random.Random(seed)`, no biases (fixed at 0), alpha = 0.2, one
update per example, 60 epochs, random seed 0. The loss is (O − target)²/2: its gradient is
exactly the post's rule; the post's (O − target)² only doubles it, which the post's
"derivative ~" leaves out.

    >>> r = run()
    >>> r["update rule"]["output weights equal"], [round(o) for o in r["outputs"]]
    (True, [0, 1, 1, 0])
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, cast

from ..engine import Value
from ..losses import half_squared_error
from ..nn import MLP
from ..xor import XOR_INPUTS, XOR_TARGETS, learned_xor
from ._base import Walkthrough, check_option, fmt, table

__all__ = ["CHOICES", "WALKTHROUGH", "XOR_X", "XOR_Y", "after_backward", "make_model", "render",
           "run", "train", "update_rule_check"]

XOR_X, XOR_Y = XOR_INPUTS, XOR_TARGETS        # the post's names for the truth table
HIDDEN, ALPHA, EPOCHS, SEED = 4, 0.2, 60, 0
CHOICES = {
    "hidden units": HIDDEN, "alpha": ALPHA, "epochs": EPOCHS, "seed": SEED,
    "initial weights": "uniform in [-1, 1) from random.Random(seed): w_ih row by row, then w_ho",
    "biases": "none (fixed at 0 and never updated), as the post's nodes · weights",
    "updates": "one per training example, in the order (0,0), (0,1), (1,0), (1,1)",
    "loss": "(O - target)^2 / 2, whose gradient is the post's rule exactly",
}


def make_model(seed: int = SEED) -> MLP:
    """2 inputs, `HIDDEN` ReLU units, one linear output; biases stay at 0."""
    rng = random.Random(seed)
    w_ih = [[rng.uniform(-1, 1) for _ in range(2)] for _ in range(HIDDEN)]
    w_ho = [rng.uniform(-1, 1) for _ in range(HIDDEN)]
    model = MLP(2, [HIDDEN, 1], activations=["relu", "linear"], weights=[w_ih, [w_ho]])
    hidden, out = model.layers
    for j, n in enumerate(hidden.neurons):
        n.w[0].label, n.w[1].label = f"w_ih_A[{j}]", f"w_ih_B[{j}]"
        n.b.label = f"b_h[{j}] (fixed at 0)"
    for j, w in enumerate(out.neurons[0].w):
        w.label = f"w_ho[{j}]"
    out.neurons[0].b.label = "b_o (fixed at 0)"
    return model


def _weights(model):
    hidden, out = model.layers
    return [w for n in hidden.neurons for w in n.w] + list(out.neurons[0].w)


def _forward(model, x, target, labelled=False):
    """Returns (error, H list, O) for one example; the error is (O − target)²/2."""
    hidden, out = model.layers
    xs = [Value(v, label=n) for v, n in zip(x, "AB")] if labelled else x
    H = hidden(xs)
    O = out(H)
    E = half_squared_error(O, target)
    if labelled:
        for j, h in enumerate(H):
            h.label = f"H[{j}]"
        O.label, E.label = "O", "error"
    return E, H, O


def update_rule_check(model: MLP, x: Sequence[float], target: float
                      ) -> list[dict[str, Any]]:
    """The post's derivatives beside the engine's gradients, for one example.

    The post's update is `weight -= alpha * (its derivative)`, the engine's
    `weight -= alpha * weight.grad`: the same update when the two derivatives agree."""
    E, H, O = _forward(model, x, target)
    model.zero_grad()
    E.backward()
    hidden, out = model.layers
    err = O.data - target
    rows = []
    for j, w in enumerate(out.neurons[0].w):
        rows.append({"weight": f"w_ho[{j}]", "post": H[j].data * err + 0.0,   # activation *
                     "engine": w.grad})                                  # (output - target)
    for j, n in enumerate(hidden.neurons):
        z = sum(w.data * a for w, a in zip(n.w, x))
        relu_deriv = 1.0 if z > 0 else 0.0
        w_ho = out.neurons[0].w[j].data
        for i, name in enumerate("AB"):
            rows.append({"weight": f"w_ih_{name}[{j}]",
                         "post": err * relu_deriv * x[i] * w_ho + 0.0,   # + 0.0: no -0.0
                         "engine": n.w[i].grad})
    model.zero_grad()
    return rows


def train(model: MLP, epochs: int = EPOCHS, alpha: float = ALPHA) -> list[float]:
    """Online gradient descent on the weights (the biases stay at 0). Returns the summed
    squared error (O − target)² of each epoch."""
    weights = _weights(model)
    errors = []
    for _ in range(epochs):
        total = 0.0
        for x, t in zip(XOR_X, XOR_Y):
            E, _, O = _forward(model, x, t)
            for w in weights:
                w.grad = 0.0
            E.backward()
            for w in weights:
                w.data -= alpha * w.grad        # weight -= alpha * activation * (output - target)
            total += (O.data - t) ** 2
        errors.append(total)
    return errors


def run(epochs: int = EPOCHS, seed: int = SEED) -> dict[str, Any]:
    check_option("xor-relu", "epochs", epochs)
    check_option("xor-relu", "seed", seed)
    model = make_model(seed)
    initial = model.state_dict()
    # The update rule on the first example with a non-zero output, at the initial weights.
    rules = {}
    for x, t in zip(XOR_X, XOR_Y):
        rules[str(x)] = update_rule_check(model, x, t)
    rows = [r for rs in rules.values() for r in rs]
    out_rows = [r for r in rows if r["weight"].startswith("w_ho")]
    in_rows = [r for r in rows if not r["weight"].startswith("w_ho")]
    errors = train(model, epochs)
    outputs = [cast(Value, model(x)).data for x in XOR_X]      # one output: a Value
    return {
        "name": "xor-relu", "source": WALKTHROUGH.source,
        "source_file": WALKTHROUGH.source_file,
        "choices": dict(CHOICES, epochs=epochs, seed=seed),
        "initial weights": initial,
        "update rule": {
            "by example": rules,
            "output weights equal": all(r["post"] == r["engine"] for r in out_rows),
            "hidden weights max |difference|": max(abs(r["post"] - r["engine"])
                                                   for r in in_rows),
        },
        "errors": {"first epoch": errors[0], "last epoch": errors[-1]},
        "outputs": outputs,
        "learned": learned_xor(outputs),
        "final weights": model.state_dict(),
    }


def render(result: dict[str, Any]) -> str:
    c = result["choices"]
    u = result["update rule"]
    # show the example where the most weights move
    first = max(u["by example"], key=lambda k: sum(r["engine"] != 0.0
                                                    for r in u["by example"][k]))
    out = [
        WALKTHROUGH.heading(),
        "  H = relu([A, B] · w_ih),  O = H · w_ho,  error = (O − target)²",
        "",
        "CHOICES (the post's code listing is missing):",
    ] + [f"  {k}: {v}" for k, v in c.items()] + [
        "",
        f"THE POST'S UPDATE RULE vs THE ENGINE'S GRADIENT (initial weights, example {first})",
        "  output weights: weight -= alpha * activation * (output - target)",
        "  hidden weights: weight -= alpha * (output - target) * reluDeriv(A·w_ih) * A * w_ho",
        "  the engine: weight -= alpha * weight.grad, so the two agree when the factors after "
        "alpha equal weight.grad:",
        table(["weight", "the post's factor after alpha", "weight.grad (engine)"],
              [[r["weight"], fmt(r["post"]), fmt(r["engine"])] for r in u["by example"][first]]),
        f"  over all four examples: output-weight factors equal weight.grad exactly: "
        f"{u['output weights equal']}; hidden-weight factors differ by at most "
        f"{u['hidden weights max |difference|']:.1e} (the same product in another order)",
        "  (for error = (O − target)² the gradient is twice this; the post's 'derivative ~' "
        "drops the 2, which alpha absorbs)",
        "",
        f"TRAINING: summed squared error {result['errors']['first epoch']:.6f} in the first "
        f"epoch -> {result['errors']['last epoch']:.3e} in epoch {c['epochs']}",
        table(["A", "B", "target", "output", "rounded"],
              [[f"{x[0]:.0f}", f"{x[1]:.0f}", f"{t:.0f}", fmt(o), f"{o:.3f}"]
               for x, t, o in zip(XOR_X, XOR_Y, result["outputs"])]),
        "  learned XOR: every output within 0.5 of its target" if result["learned"] else
        "  did NOT learn XOR with this random seed: try another --seed or more --epochs",
    ]
    return "\n".join(out)


def after_backward() -> tuple[MLP, Value]:
    """The 2-4-1 ReLU network at its initial weights and the error for the example (0, 1),
    after one backward()."""
    model = make_model(SEED)
    E, _, _ = _forward(model, XOR_X[1], XOR_Y[1], labelled=True)
    E.backward()
    return model, E


INTRO = """XOR with a ReLU hidden layer and squared error. The post's code listing is missing,
so the walkthrough states its choices, and shows the post's rule
`weight -= alpha * activation * (output - target)` agreeing with the engine's gradient."""

WALKTHROUGH = Walkthrough(
    name="xor-relu", subject="the ReLU XOR network",
    title="weight -= alpha·activation·(output − target)",
    source="a blog series' post on backpropagation for an XOR network (its part 2)",
    source_file="000_e067b7677071b154.txt", intro=INTRO, run=run, render=render,
    after_backward=after_backward, options={"epochs": EPOCHS, "seed": SEED},
    cells=(("markdown", "The choices the walkthrough made where the post's listing is missing:"),
           ("code", 'result["choices"]')))
