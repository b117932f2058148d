"""Neurons, layers and MLPs built from `Value`s, with micrograd's defaults.

`Neuron(nin, nonlin=True)`, `Layer(nin, nout)` and `MLP(nin, nouts)` behave as micrograd's do:
weights drawn with `random.uniform(-1, 1)` in the same order, bias 0, ReLU hidden layers, a
linear last layer, and a `Layer` of one neuron returns a bare `Value`. On top of that: an
activation per layer, explicit weights, stable parameter names, a `state_dict`, and model
files: `MLP.save(path)` writes one, `load_model(path)` (also `autograd_xor.load`) reads it.

    >>> import random; random.seed(0)
    >>> model = MLP(2, [3, 1])
    >>> model
    MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(3)]]
    >>> len(model.parameters())
    13
"""

import json
import random
from numbers import Real

from ._checks import check_whole_number
from ._collector import pause, resume
from .engine import Value, weighted_sum
from .files import write_output

__all__ = ["Module", "Neuron", "Layer", "MLP", "ACTIVATIONS", "MODEL_FORMAT", "model_json",
           "load_model"]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
_NAMES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}


class Module:
    """Anything with parameters: `parameters()`, `named_parameters()`, `zero_grad()` and a
    `state_dict()` that is a plain dict of floats (JSON-serialisable).

        >>> n = Neuron(2, weights=[0.5, -1.0], bias=0.1)
        >>> n.state_dict()
        {'w.0': 0.5, 'w.1': -1.0, 'b': 0.1}
        >>> n.load_state_dict({'w.0': 1.0, 'w.1': 2.0, 'b': 3.0}); n.w[1].data
        2.0
    """

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        """The parameters in the order of `named_parameters()` (each module lists its own
        directly, without building the names: a training loop calls this every step)."""
        return [p for _, p in self.named_parameters()]

    def named_parameters(self):
        """(name, Value) pairs in a stable order, e.g. ('layers.0.neurons.1.w.0', Value)."""
        return []

    def state_dict(self):
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state):
        """Set every parameter from `state`; all or nothing.

        The keys must be exactly those of `state_dict()` and every value a real number,
        otherwise a `KeyError`, `TypeError` or `ValueError` names the key and no parameter
        changes.
        """
        if not hasattr(state, "keys"):
            raise TypeError(f"load_state_dict: expected a dict of name -> number, got "
                            f"{type(state).__name__}")
        params = dict(self.named_parameters())
        missing = [k for k in params if k not in state]
        extra = [k for k in state if k not in params]
        if missing or extra:
            raise KeyError(f"load_state_dict: keys do not match this model "
                           f"(missing: {missing or 'none'}; unexpected: {extra or 'none'}); "
                           f"was the state saved from a model of another shape?")
        new = {}
        for name in params:
            x = state[name]
            if isinstance(x, bool) or not isinstance(x, Real):
                raise TypeError(f"load_state_dict: {name!r} must be a number, got "
                                f"{type(x).__name__} {x!r}")
            new[name] = float(x)
        for name, p in params.items():
            p.data = new[name]


def _activation(activation, nonlin):
    if activation is None:
        return "relu" if nonlin else "linear"
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {ACTIVATIONS}")
    return activation


class Neuron(Module):
    """`act(b + sum(w_i * x_i))`. `nonlin=True` means ReLU (micrograd's default); `activation`
    chooses any of `ACTIVATIONS` instead. `weights` and `bias` set the parameters exactly
    (no random draw), e.g. `Neuron(2, activation="tanh", weights=[0.6, -0.1], bias=0.3)`.

        >>> g = Neuron(2, activation="tanh", weights=[0.6, -0.1], bias=0.3)
        >>> g
        TanhNeuron(2)
        >>> round(g([-0.9, 0.1]).data, 4)      # tanh(0.3 + 0.6 * -0.9 + -0.1 * 0.1)
        -0.2449
    """

    def __init__(self, nin, nonlin=True, *, activation=None, weights=None, bias=0.0):
        check_whole_number(nin, "Neuron: nin (the number of inputs)", minimum=1)
        self.activation = _activation(activation, nonlin)
        self.nonlin = self.activation != "linear"
        if weights is None:
            self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        else:
            if len(weights) != nin:
                raise ValueError(f"Neuron: {nin} inputs need {nin} weights, got {len(weights)}")
            self.w = [Value(w) for w in weights]
        self.b = Value(bias)

    def __call__(self, x):
        if len(x) != len(self.w):
            raise ValueError(f"{self!r}: expected {len(self.w)} inputs, got {len(x)}")
        act = weighted_sum(self.w, x, self.b)
        if self.activation == "linear":
            return act
        return getattr(act, self.activation)()

    def parameters(self):
        return self.w + [self.b]

    def named_parameters(self):
        return [(f"w.{i}", w) for i, w in enumerate(self.w)] + [("b", self.b)]

    def __repr__(self):
        return f"{_NAMES[self.activation]}Neuron({len(self.w)})"


class Layer(Module):
    """`nout` neurons that see the same inputs. Returns a list, or a bare `Value` when
    `nout == 1` (as micrograd). `weights` is one list per neuron, `biases` one number each.

        >>> layer = Layer(2, 3, weights=[[1, 0], [0, 1], [1, 1]], biases=[0, 0, -1])
        >>> [v.data for v in layer([2.0, 3.0])]
        [2.0, 3.0, 4.0]
    """

    def __init__(self, nin, nout, nonlin=True, *, activation=None, weights=None, biases=None):
        check_whole_number(nin, "Layer: nin (the number of inputs)", minimum=1)
        check_whole_number(nout, "Layer: nout (the number of neurons)", minimum=1)
        for what, given in (("weights", weights), ("biases", biases)):
            if given is not None and len(given) != nout:
                raise ValueError(f"Layer: {nout} neurons need {nout} {what}, got {len(given)}")
        self.neurons = [Neuron(nin, nonlin, activation=activation,
                               weights=None if weights is None else weights[i],
                               bias=0.0 if biases is None else biases[i])
                        for i in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def named_parameters(self):
        return [(f"neurons.{i}.{name}", p) for i, n in enumerate(self.neurons)
                for name, p in n.named_parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A stack of layers: `MLP(nin, nouts)` has ReLU hidden layers and a linear output, as in
    micrograd. `activations` gives one activation per layer instead, e.g. the seed's G/F
    network is `MLP(2, [1, 1], activations=["tanh", "sigmoid"])`. `weights` and `biases`, one
    entry per layer, set the parameters exactly.

        >>> net = MLP(2, [1, 1], activations=["tanh", "sigmoid"],
        ...           weights=[[[0.6, -0.1]], [[0.5]]], biases=[[0.3], [-0.2]])
        >>> round(net([-0.9, 0.1]).data, 4)
        0.4201
        >>> [name for name, _ in net.named_parameters()][:3]
        ['layers.0.neurons.0.w.0', 'layers.0.neurons.0.w.1', 'layers.0.neurons.0.b']
    """

    def __init__(self, nin, nouts, *, activations=None, weights=None, biases=None):
        check_whole_number(nin, "MLP: nin (the number of inputs)", minimum=1)
        nouts = list(nouts)
        if not nouts:
            raise ValueError("MLP: nouts must list at least one layer size, e.g. [4, 1]")
        for i, n in enumerate(nouts):
            check_whole_number(n, f"MLP: nouts[{i}] (a layer size)", minimum=1)
        for what, given in (("activations", activations), ("weights", weights),
                            ("biases", biases)):
            if given is not None and len(given) != len(nouts):
                raise ValueError(f"MLP: {len(nouts)} layers need {len(nouts)} {what}, "
                                 f"got {len(given)}")
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1], nonlin=i != len(nouts) - 1,
                             activation=None if activations is None else activations[i],
                             weights=None if weights is None else weights[i],
                             biases=None if biases is None else biases[i])
                       for i in range(len(nouts))]
        for name, p in self.named_parameters():
            p.label = name

    def __call__(self, x):
        running = pause()                   # no collection walks the graph being built
        try:
            for layer in self.layers:
                # a one-neuron layer returns a bare Value: wrap it for the next layer
                x = layer([x] if isinstance(x, (Value, Real)) else x)
        finally:
            resume(running)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def named_parameters(self):
        return [(f"layers.{i}.{name}", p) for i, layer in enumerate(self.layers)
                for name, p in layer.named_parameters()]

    def save(self, path):
        """Write the model to `path` as JSON (`model_json`), atomically; `load_model(path)`
        reads it back. '-' writes to standard output."""
        write_output(path, model_json(self), "json")

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


# --- model files -------------------------------------------------------------------------

MODEL_FORMAT = "autograd_xor.mlp"          # the "format" entry of a model file


def model_json(model):
    """The text of an MLP's model file: its architecture and its `state_dict()`, as JSON.

        >>> net = MLP(1, [1], activations=["sigmoid"], weights=[[[0.5]]], biases=[[0.1]])
        >>> saved = json.loads(model_json(net))
        >>> saved["format"], saved["nin"], saved["nouts"], saved["activations"], saved["state"]
        ('autograd_xor.mlp', 1, [1], ['sigmoid'], {'layers.0.neurons.0.w.0': 0.5, 'layers.0.neurons.0.b': 0.1})
    """
    layers = model.layers
    return json.dumps({
        "format": MODEL_FORMAT,
        "nin": len(layers[0].neurons[0].w),
        "nouts": [len(layer.neurons) for layer in layers],
        "activations": [layer.neurons[0].activation for layer in layers],
        "state": model.state_dict(),
    }, indent=1) + "\n"


def load_model(path):
    """The MLP in the model file at `path`, written by `MLP.save` (or `autograd-xor train
    --save`). A file that cannot be read raises `open()`'s `OSError`; a file that is not a
    model file, or holds a broken model, a `ValueError` that names it.

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "net.json")
        >>> net = MLP(2, [2, 1], activations=["tanh", "sigmoid"])
        >>> net.save(path)
        >>> load_model(path).state_dict() == net.state_dict()
        True
        >>> load_model(os.path.join(tempfile.mkdtemp(), "none.json"))   # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        FileNotFoundError: [Errno 2] No such file or directory: '...none.json'
    """
    with open(path, encoding="utf-8") as f:
        try:
            saved = json.load(f)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path!r} is not a model file (not JSON: {e.msg} at line "
                             f"{e.lineno})") from None
    if not isinstance(saved, dict) or saved.get("format") != MODEL_FORMAT:
        raise ValueError(f"{path!r} is not a model file written by MLP.save() or "
                         f"'autograd-xor train --save'")
    try:
        model = MLP(saved["nin"], saved["nouts"], activations=saved["activations"])
        model.load_state_dict(saved["state"])
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError(f"{path!r} holds a broken model: {e}") from None
    return model
