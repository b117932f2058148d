"""The benchmark workloads, each as a set of *contestants*: one per engine, same math.

Not run on its own: `benchmarks/bench.py` imports it. A contestant is a function that sets
up a model and returns `step()`, one training step (or one backward pass, for W2) that
returns the loss as a float, so the runner can check that the engines agree.

- W1: micrograd's demo: 100-point two-moons, MLP 2-16-16-1, hinge loss + 1e-4 L2,
  full-batch SGD with micrograd's learning-rate schedule.
- W1-ops: the same, with micrograd's plain `b + sum(w * x)` neurons written on our `Value`
  (binary ops only): the engine alone, without the fused `weighted_sum` node.
- W2: `backward()` through a chain of n ops (`chain`).
- W3: the seed's XOR network (seed 001): 2-3-1, sigmoid units, mean binary cross-entropy,
  full-batch SGD with lr 0.1, for a number of epochs.
- W4: the compiled replay (`autograd_xor.compile`) on W1 and W3.
- W1 by hand: the W1 step written out over lists of floats (`w1_by_hand`), the bar a
  compiled replay is held to; it gives the engine's loss and gradients bit for bit.
- A wide graph (`wide`): many small sums joined at the end, for the garbage collector's cost
  on big graphs.
"""

import math
import random

import autograd_xor as ax
from autograd_xor.xor import XOR_INPUTS as XOR_X, XOR_TARGETS as XOR_Y

DEMO_SEED = 1337          # micrograd's demo notebook seeds `random` with 1337


def two_moons(n=100, noise=0.1, seed=1):
    """Two interleaved half circles with Gaussian noise, labels -1/+1 (as sklearn's
    make_moons(n, noise=0.1) in micrograd's demo, drawn with Python's random instead)."""
    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        t = math.pi * rng.random()
        if i % 2 == 0:
            x, y, label = math.cos(t), math.sin(t), 1.0
        else:
            x, y, label = 1.0 - math.cos(t), 0.5 - math.sin(t), -1.0
        xs.append([x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)])
        ys.append(label)
    return xs, ys


# --- W1 / W1-ops / W4: micrograd's demo -------------------------------------------------

class OpsMLP:
    """micrograd's MLP (ReLU hidden layers, linear output, `b + sum(w * x)` neurons) over any
    `Value` class: with autograd_xor's Value it is W1-ops."""

    def __init__(self, value_cls, nin, nouts):
        sizes = [nin] + list(nouts)
        self.layers = []
        for i in range(len(nouts)):
            relu = i != len(nouts) - 1
            neurons = [([value_cls(random.uniform(-1, 1)) for _ in range(sizes[i])],
                        value_cls(0), relu) for _ in range(sizes[i + 1])]
            self.layers.append(neurons)

    def __call__(self, x):
        for neurons in self.layers:
            out = []
            for w, b, relu in neurons:
                act = sum((wi * xi for wi, xi in zip(w, x)), b)
                out.append(act.relu() if relu else act)
            x = out
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for neurons in self.layers for w, b, _ in neurons for p in w + [b]]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0


def demo_loss(model, value_cls, xs, ys):
    """micrograd's demo loss: mean hinge loss + 1e-4 * sum of squared parameters."""
    inputs = [list(map(value_cls, x)) for x in xs]
    scores = list(map(model, inputs))
    losses = [(1 + -y * s).relu() for y, s in zip(ys, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    return data_loss + reg_loss, scores


def _demo_trainer(model, value_cls, xs, ys, compiled=False):
    params = model.parameters()
    state = {"k": 0}
    if compiled:
        run = ax.compile(lambda: demo_loss(model, value_cls, xs, ys)[0])

    def step():
        if compiled:
            model.zero_grad()
            loss = run()
        else:
            total, _ = demo_loss(model, value_cls, xs, ys)
            model.zero_grad()
            total.backward()
            loss = total.data
        lr = 1.0 - 0.9 * (state["k"] % 100) / 100
        for p in params:
            p.data -= lr * p.grad
        state["k"] += 1
        return loss
    return step


def w1_micrograd():
    from micrograd.engine import Value
    from micrograd.nn import MLP
    random.seed(DEMO_SEED)
    return _demo_trainer(MLP(2, [16, 16, 1]), Value, *two_moons())


def w1_ours():
    random.seed(DEMO_SEED)
    return _demo_trainer(ax.MLP(2, [16, 16, 1]), ax.Value, *two_moons())


def w1_ops_ours():
    random.seed(DEMO_SEED)
    return _demo_trainer(OpsMLP(ax.Value, 2, [16, 16, 1]), ax.Value, *two_moons())


def w4_w1_compiled():
    random.seed(DEMO_SEED)
    return _demo_trainer(ax.MLP(2, [16, 16, 1]), ax.Value, *two_moons(), compiled=True)


def _torch_demo_params(torch):
    random.seed(DEMO_SEED)
    sizes, layers = [2, 16, 16, 1], []
    for i in range(3):       # micrograd's draw order: neuron by neuron, weights then bias 0
        rows = [[random.uniform(-1, 1) for _ in range(sizes[i])] for _ in range(sizes[i + 1])]
        layers.append((rows, [0.0] * sizes[i + 1]))
    return layers


def _torch_sgd_step(torch, params, total, state):
    """backward() and micrograd's demo update (lr from 1.0 down to 0.1); the loss as a float."""
    for p in params:
        p.grad = None
    total.backward()
    lr = 1.0 - 0.9 * (state["k"] % 100) / 100
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
    state["k"] += 1
    return total.item()


def w1_torch_scalar():
    """Every scalar a 0-d tensor: micrograd's algorithm on PyTorch's autograd."""
    import torch
    xs, ys = two_moons()
    layers = [([[torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in row]
                for row in rows], [torch.tensor(b, dtype=torch.float64, requires_grad=True)
                                   for b in bs]) for rows, bs in _torch_demo_params(torch)]
    params = [p for rows, bs in layers for row, b in zip(rows, bs) for p in row + [b]]
    state = {"k": 0}

    def model(x):
        for i, (rows, bs) in enumerate(layers):
            out = [sum((w * xi for w, xi in zip(row, x)), b) for row, b in zip(rows, bs)]
            x = [o.relu() for o in out] if i < 2 else out
        return x[0]

    def step():
        inputs = [[torch.tensor(v, dtype=torch.float64) for v in x] for x in xs]
        scores = [model(x) for x in inputs]
        losses = [(1 + -y * s).relu() for y, s in zip(ys, scores)]
        total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)
        return _torch_sgd_step(torch, params, total, state)
    return step


def w1_torch_batched():
    """The same network and loss as three matrix products on the whole batch."""
    import torch
    xs, ys = two_moons()
    X = torch.tensor(xs, dtype=torch.float64)
    Y = torch.tensor(ys, dtype=torch.float64)
    ws = [(torch.tensor(rows, dtype=torch.float64, requires_grad=True),
           torch.tensor(bs, dtype=torch.float64, requires_grad=True))
          for rows, bs in _torch_demo_params(torch)]
    params = [p for pair in ws for p in pair]
    state = {"k": 0}

    def step():
        h = X
        for i, (W, b) in enumerate(ws):
            h = h @ W.T + b
            if i < 2:
                h = h.relu()
        scores = h[:, 0]
        total = (1 - Y * scores).relu().mean() + 1e-4 * sum((p * p).sum() for p in params)
        return _torch_sgd_step(torch, params, total, state)
    return step


# --- W3 / W4: the seed's XOR network ----------------------------------------------------

XOR_SEED = 0                # the truth table XOR_X, XOR_Y is autograd_xor.xor's


def _micrograd_ops():
    """sigmoid and binary cross-entropy for micrograd's Value, which has neither, written in
    micrograd's own style (a `_backward` closure per node) with our formulas."""
    from micrograd.engine import Value

    def sigmoid(v):
        x = v.data
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0.0 else math.exp(x) / (1.0 + math.exp(x))
        out = Value(s, (v,), "sigmoid")

        def _backward():
            v.grad += s * (1.0 - s) * out.grad
        out._backward = _backward
        return out

    def bce(p, t):
        x = p.data
        log_p = max(math.log(x), -100.0) if x > 0.0 else -100.0
        log_q = max(math.log1p(-x), -100.0) if x < 1.0 else -100.0
        out = Value(-(t * log_p + (1.0 - t) * log_q), (p,), "bce")

        def _backward():
            p.grad += (x - t) / max(x * (1.0 - x), 1e-12) * out.grad
        out._backward = _backward
        return out
    return Value, sigmoid, bce


def _xor_weights(hidden=3):
    rng = random.Random(XOR_SEED)
    w1 = [[rng.uniform(-1, 1) for _ in range(2)] for _ in range(hidden)]
    w2 = [[rng.uniform(-1, 1) for _ in range(hidden)]]
    return w1, w2


def _xor_trainer(loss_fn, params, zero_grad, compiled=False, lr=0.1):
    run = ax.compile(loss_fn) if compiled else None

    def step():
        if run is not None:
            zero_grad()
            loss = run()
        else:
            total = loss_fn()
            zero_grad()
            total.backward()
            loss = total.data
        for p in params:
            p.data -= lr * p.grad
        return loss
    return step


def _xor_ours(compiled):
    w1, w2 = _xor_weights()
    model = ax.MLP(2, [3, 1], activations=["sigmoid", "sigmoid"], weights=[w1, w2])

    def loss_fn():
        outs = [model(x) for x in XOR_X]
        return sum(ax.binary_cross_entropy(o, t) for o, t in zip(outs, XOR_Y)) / len(outs)
    opt = ax.SGD(model.parameters(), lr=0.1)        # as autograd_xor.xor.train_xor
    return _xor_trainer(loss_fn, opt.params, opt.zero_grad, compiled)


def w3_ours():
    return _xor_ours(False)


def w4_w3_compiled():
    return _xor_ours(True)


def w3_micrograd():
    Value, sigmoid, bce = _micrograd_ops()
    w1, w2 = _xor_weights()
    layers = [[([Value(w) for w in row], Value(0.0)) for row in w] for w in (w1, w2)]
    params = [p for layer in layers for ws, b in layer for p in ws + [b]]

    def model(x):
        for layer in layers:
            x = [sigmoid(sum((wi * xi for wi, xi in zip(ws, x)), b)) for ws, b in layer]
        return x[0]

    def loss_fn():
        outs = [model(x) for x in XOR_X]
        return sum(bce(o, t) for o, t in zip(outs, XOR_Y)) / len(outs)

    def zero_grad():
        for p in params:
            p.grad = 0
    return _xor_trainer(loss_fn, params, zero_grad)


def w3_torch_batched():
    import torch
    w1, w2 = _xor_weights()
    X, Y = torch.tensor(XOR_X, dtype=torch.float64), torch.tensor(XOR_Y, dtype=torch.float64)
    ws = [(torch.tensor(w, dtype=torch.float64, requires_grad=True),
           torch.zeros(len(w), dtype=torch.float64, requires_grad=True)) for w in (w1, w2)]
    params = [p for pair in ws for p in pair]

    def step():
        h = X
        for W, b in ws:
            h = torch.sigmoid(h @ W.T + b)
        total = torch.nn.functional.binary_cross_entropy(h[:, 0], Y)
        for p in params:
            p.grad = None
        total.backward()
        with torch.no_grad():
            for p in params:
                p -= 0.1 * p.grad
        return total.item()
    return step


# --- W2: a long chain -------------------------------------------------------------------

def chain(value_cls, n, kind):
    """A chain of n ops from one leaf. kind "const": y = y * 1.0 + 0.0 (each op makes a new
    constant leaf, as micrograd's own code does); kind "shared": y = y * a + b with two
    shared leaves (a recurrence such as an unrolled RNN). Returns (x, y)."""
    x = value_cls(0.5)
    y = x
    if kind == "const":
        for _ in range(n // 2):
            y = y * 1.0 + 0.0
    else:
        a, b = value_cls(1.0), value_cls(0.0)
        for _ in range(n // 2):
            y = y * a + b
    return x, y


# --- W1 by hand: the same step over lists of floats, no graph -----------------------------

def w1_by_hand():
    """micrograd's demo step written out by hand over lists of floats: the forward pass per
    point, then the backward pass in the order `backward()` walks the graph (the L2 term
    first, then the points from last to first, and in each point the layers from the output
    down), so that the loss and every gradient are the engine's, bit for bit. What a compiled
    replay is measured against."""
    random.seed(DEMO_SEED)
    model = ax.MLP(2, [16, 16, 1])                 # only to draw micrograd's initial weights
    layers = [[([w.data for w in n.w], n.b.data) for n in layer.neurons]
              for layer in model.layers]
    xs, ys = two_moons()
    state = {"k": 0, "grads": None}

    def step():
        # forward: every weighted sum and activation of every point, as the engine adds them
        acts = []
        scores = []
        for x in xs:
            a0 = x
            per = [a0]
            for li, layer in enumerate(layers):
                out = []
                for w, b in layer:
                    s = b
                    for wi, xi in zip(w, a0):
                        s += wi * xi
                    out.append(s)
                a0 = [0.0 if s < 0.0 else s for s in out] if li < 2 else out
                per.append((out, a0))
            acts.append(per)
            scores.append(a0[0])
        losses = []
        for y, s in zip(ys, scores):
            z = 1.0 + (-y) * s
            losses.append(0.0 if z < 0.0 else z)
        total_data = 0.0
        for v in losses:
            total_data += v
        data_loss = total_data * (1.0 / len(losses))
        params = [p for layer in layers for w, b in layer for p in w + [b]]
        reg_sum = 0.0
        for p in params:
            reg_sum += p * p
        loss = data_loss + 1e-4 * reg_sum
        # backward: L2 first (d/dp of p*p, twice), then the points from last to first
        gw = [[[p * 1e-4 + p * 1e-4 for p in w] for w, _ in layer] for layer in layers]
        gb = [[b * 1e-4 + b * 1e-4 for _, b in layer] for layer in layers]
        g_loss = 1.0 * (1.0 / len(losses))
        for i in range(len(xs) - 1, -1, -1):
            y, per = ys[i], acts[i]
            z = 1.0 + (-ys[i]) * scores[i]
            g_s = ((1.0 * g_loss) if z > 0.0 else 0.0) * (-y)
            g_out = [g_s]
            for li in range(len(layers) - 1, -1, -1):
                out, _a = per[li + 1]
                below = per[li][1] if li > 0 else per[0]
                if li < 2:                              # relu: a selected zero below 0
                    g_out = [g if s > 0.0 else 0.0 for g, s in zip(g_out, out)]
                g_below = [0.0] * len(below)
                for j in range(len(layers[li]) - 1, -1, -1):
                    w, _ = layers[li][j]
                    g = g_out[j]
                    for k in range(len(w)):
                        gw[li][j][k] += below[k] * g
                        g_below[k] += w[k] * g
                    gb[li][j] += 1.0 * g
                g_out = g_below
        lr = 1.0 - 0.9 * (state["k"] % 100) / 100
        for layer, gl, bl in zip(layers, gw, gb):
            for j, (w, b) in enumerate(layer):
                layer[j] = ([wi - lr * gi for wi, gi in zip(w, gl[j])], b - lr * bl[j])
        state["k"] += 1
        state["grads"] = [g for gl, bl in zip(gw, gb) for gj, bj in zip(gl, bl) for g in gj + [bj]]
        return loss
    step.state = state
    return step


def check_w1_by_hand(steps=3):
    """True when the hand-written step gives the engine's loss and gradients, bit for bit,
    for `steps` steps of training."""
    by_hand = w1_by_hand()
    random.seed(DEMO_SEED)
    model = ax.MLP(2, [16, 16, 1])
    xs, ys = two_moons()
    for k in range(steps):
        total, _ = demo_loss(model, ax.Value, xs, ys)
        model.zero_grad()
        total.backward()
        if by_hand() != total.data or by_hand.state["grads"] != [p.grad for p in
                                                                 model.parameters()]:
            return False
        lr = 1.0 - 0.9 * (k % 100) / 100
        for p in model.parameters():
            p.data -= lr * p.grad
    return True


# --- a wide graph: the garbage collector's cliff ------------------------------------------

def wide(n):
    """About n nodes: n/4 leaves, each through `x * 0.5 + 1.0` (two constants, a product
    and a sum), the sums joined pairwise into one root. Returns (leaves, root)."""
    leaves = [ax.Value(float(i % 7) * 0.1) for i in range(n // 4)]
    parts = [x * 0.5 + 1.0 for x in leaves]
    while len(parts) > 1:
        parts = [parts[i] + parts[i + 1] if i + 1 < len(parts) else parts[i]
                 for i in range(0, len(parts), 2)]
    return leaves, parts[0]
