"""Neurons, layers and MLPs built from `Value`s, with micrograd's defaults.

`Neuron(nin, nonlin=True)`, `Layer(nin, nout)` and `MLP(nin, nouts)` behave as micrograd's do:
weights drawn with `random.uniform(-1, 1)` in the same order, bias 0, ReLU hidden layers, a
linear last layer, and a `Layer` of one neuron returns a bare `Value`. On top of that: an
activation per layer, explicit weights, stable parameter names, a `state_dict`, and model
files: `model.save(path)` writes one for a Neuron, Layer or MLP, `load_model(path)` (also
`autograd_xor.load`) reads it back (the format: `docs/model-files.md`).

    >>> import random; random.seed(0)
    >>> model = MLP(2, [3, 1])
    >>> model
    MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(3)]]
    >>> len(model.parameters())
    13
"""

from __future__ import annotations

import json
import math
import os
import random
import stat
from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

from ._checks import check_keys, check_whole_number, shorten
from ._collector import pause, resume
from .engine import Value, weighted_sum
from .files import write_output

__all__ = ["ACTIVATIONS", "MAX_MODEL_BYTES", "MAX_PARAMETERS", "MLP", "MODEL_FORMAT",
           "MODEL_VERSION", "TASKS", "Layer", "ModelFileError", "Module", "Neuron", "load_model",
           "model_json"]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
_NAMES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}


class Module:
    """Anything with parameters: `parameters()`, `named_parameters()`, `zero_grad()`, a
    `state_dict()` that is a plain dict of floats (JSON-serialisable), and `save(path)`.

    `task` and `loss` say what the model was trained for, when it is known ('binary' or
    'multiclass', and the loss's name in `TASKS`): `save` records them in the model file
    and `load_model` sets them again. They are None by default.

        >>> n = Neuron(2, weights=[0.5, -1.0], bias=0.1)
        >>> n.state_dict()
        {'w.0': 0.5, 'w.1': -1.0, 'b': 0.1}
        >>> n.load_state_dict({'w.0': 1.0, 'w.1': 2.0, 'b': 3.0}); n.w[1].data
        2.0
    """

    task: str | None = None     # 'binary' or 'multiclass' when known (recorded by save)
    loss: str | None = None     # the loss it was trained with, e.g. 'cross_entropy'

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self) -> list[Value]:
        """The parameters in the order of `named_parameters()` (each module lists its own
        directly, without building the names: a training loop calls this every step)."""
        return [p for _, p in self.named_parameters()]

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(name, Value) pairs in a stable order, e.g. ('layers.0.neurons.1.w.0', Value)."""
        return []

    def state_dict(self) -> dict[str, float]:
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Set every parameter from `state`; all or nothing.

        The keys must be exactly those of `state_dict()` and every value a real number,
        otherwise a `KeyError`, `TypeError` or `ValueError` names the key and no parameter
        changes.
        """
        if not hasattr(state, "keys"):
            raise TypeError(f"load_state_dict: expected a dict of name -> number, got "
                            f"{type(state).__name__}")
        params = dict(self.named_parameters())
        check_keys(state, params, "load_state_dict: the state",
                   "was it saved from a model of another shape?")
        new: dict[str, float] = {}
        for name in params:
            x = state[name]
            if isinstance(x, bool) or not isinstance(x, Real):
                raise TypeError(f"load_state_dict: {name!r} must be a number, got "
                                f"{type(x).__name__} {x!r}")
            new[name] = float(x)
        for name, p in params.items():
            p.data = new[name]

    def save(self, path: str | os.PathLike[str], *, task: str | None = None,
             loss: str | None = None) -> None:
        """Write the model (a `Neuron`, `Layer` or `MLP`) to `path` as a model file
        (`model_json`): whole or not at all, through `autograd_xor.files.write_output`; '-'
        writes it to standard output. `task` and `loss` record what it was trained for
        (default: the model's own `task` and `loss`). `load_model(path)` reads it back.

            >>> import os, tempfile
            >>> path = os.path.join(tempfile.mkdtemp(), "neuron.json")
            >>> Neuron(2, activation="sigmoid", weights=[0.5, -1.0], bias=0.1).save(path)
            >>> load_model(path)
            SigmoidNeuron(2)
        """
        text = model_json(self, task=task, loss=loss)
        write_output(path, text, "json")


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

    def __init__(self, nin: int, nonlin: bool = True, *, activation: str | None = None,
                 weights: Sequence[float] | None = None, bias: float = 0.0) -> None:
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

    def __call__(self, x: Sequence[Value | float]) -> Value:
        try:
            act = weighted_sum(self.w, x, self.b)
        except ValueError:
            if len(x) != len(self.w):
                raise ValueError(f"{self!r}: expected {len(self.w)} inputs, got {len(x)}") \
                    from None
            raise
        activation = self.activation
        if activation == "relu":                  # the method itself, without a lookup by name
            return act.relu()
        if activation == "tanh":
            return act.tanh()
        if activation == "sigmoid":
            return act.sigmoid()
        return act

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [(f"w.{i}", w) for i, w in enumerate(self.w)] + [("b", self.b)]

    def __repr__(self) -> str:
        return f"{_NAMES[self.activation]}Neuron({len(self.w)})"


class Layer(Module):
    """`nout` neurons that see the same inputs. Returns a list, or a bare `Value` when
    `nout == 1` (as micrograd). `weights` is one list per neuron, `biases` one number each.

        >>> layer = Layer(2, 3, weights=[[1, 0], [0, 1], [1, 1]], biases=[0, 0, -1])
        >>> [v.data for v in layer([2.0, 3.0])]
        [2.0, 3.0, 4.0]
    """

    def __init__(self, nin: int, nout: int, nonlin: bool = True, *, activation: str | None = None,
                 weights: Sequence[Sequence[float]] | None = None,
                 biases: Sequence[float] | None = None) -> None:
        check_whole_number(nin, "Layer: nin (the number of inputs)", minimum=1)
        check_whole_number(nout, "Layer: nout (the number of neurons)", minimum=1)
        for what, given in (("weights", weights), ("biases", biases)):
            if given is not None and len(given) != nout:
                raise ValueError(f"Layer: {nout} neurons need {nout} {what}, got {len(given)}")
        self.neurons = [Neuron(nin, nonlin, activation=activation,
                               weights=None if weights is None else weights[i],
                               bias=0.0 if biases is None else biases[i])
                        for i in range(nout)]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [(f"neurons.{i}.{name}", p) for i, n in enumerate(self.neurons)
                for name, p in n.named_parameters()]

    def __repr__(self) -> str:
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

    def __init__(self, nin: int, nouts: Sequence[int], *,
                 activations: Sequence[str | None] | None = None,
                 weights: Sequence[Sequence[Sequence[float]] | None] | None = None,
                 biases: Sequence[Sequence[float] | None] | None = None) -> None:
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

    def __call__(self, x: Value | float | Sequence[Value | float]) -> Value | list[Value]:
        out: Any = x                        # the inputs, then each layer's outputs
        running = pause()                   # no collection walks the graph being built
        try:
            for layer in self.layers:
                # a one-neuron layer returns a bare Value: wrap it for the next layer
                if type(out) is not list and isinstance(out, (Value, Real)):
                    out = [out]
                out = layer(out)
        finally:
            resume(running)
        return out

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [(f"layers.{i}.{name}", p) for i, layer in enumerate(self.layers)
                for name, p in layer.named_parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


# --- model files -------------------------------------------------------------------------
#
# A model file is one JSON object (the format is docs/model-files.md, its JSON schema
# docs/model-file.schema.json):
#   {"format": "autograd_xor.mlp", "version": 2, "module": "MLP", "nin": 2, "nouts": [4, 1],
#    "activations": ["tanh", "sigmoid"], "task": "binary", "loss": "binary_cross_entropy",
#    "state": {"layers.0.neurons.0.w.0": 0.1, ...}}
# Version 1 (files from before versions existed) has no "version", "module", "task" or
# "loss": it is an MLP. Reading checks everything before it builds anything.

MODEL_FORMAT = "autograd_xor.mlp"          # the "format" entry of a model file
MODEL_VERSION = 2                          # the version this code writes (and the newest it reads)
MAX_MODEL_BYTES = 32 * 2 ** 20             # a model file larger than this is refused unread
MAX_PARAMETERS = 250_000                   # so is one that declares more parameters
# Each task: the losses it is trained with (the first is the usual one).
TASKS = {"binary": ("binary_cross_entropy", "hinge", "binary_cross_entropy_with_logits"),
         "multiclass": ("cross_entropy",)}
_MODULES = ("MLP", "Layer", "Neuron")
_KEYS = {1: ("format", "nin", "nouts", "activations", "state"),
         2: ("format", "version", "module", "nin", "nouts", "activations", "task", "loss",
             "state")}
_RESAVE = "save the model again with model.save() or 'autograd-xor train --save'"


class ModelFileError(ValueError):
    r"""A file that is not a model file this version can read, or that holds a broken model;
    the message names the file, what is wrong with it and what to do. Nothing was built.

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "junk.json")
        >>> with open(path, "wb") as f:
        ...     _ = f.write(b"\x89PNG")
        >>> load_model(path)          # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        autograd_xor.nn.ModelFileError: '...junk.json' is not a model file: it is not UTF-8 text (byte 0x89 at offset 0); give a file written by model.save() or 'autograd-xor train --save'
    """


def _architecture(module):
    """(module kind, nin, nouts, activations) of a Neuron, Layer or MLP."""
    if isinstance(module, MLP):
        kind, layers = "MLP", [layer.neurons for layer in module.layers]
    elif isinstance(module, Layer):
        kind, layers = "Layer", [module.neurons]
    elif isinstance(module, Neuron):
        kind, layers = "Neuron", [[module]]
    else:
        raise TypeError(f"save: only a Neuron, Layer or MLP can be saved as a model file, got "
                        f"{type(module).__name__}; for your own Module, save its state_dict() "
                        f"with json")
    activations = []
    for i, neurons in enumerate(layers):
        kinds = {n.activation for n in neurons}
        if len(kinds) != 1:
            raise ValueError(f"save: layer {i} mixes activations {sorted(kinds)}; a model file "
                             f"holds one activation per layer")
        activations.append(kinds.pop())
    return kind, len(layers[0][0].w), [len(neurons) for neurons in layers], activations


def _check_task(task, loss, outputs, who, fix):
    """task and loss, checked against each other and the number of outputs; a ValueError
    starting with `who` and ending with `fix` (if any) otherwise."""
    fix = f"; {fix}" if fix else ""
    if task is None:
        if loss is not None:
            raise ValueError(f"{who}: loss {shorten(loss)} is given without a task; give the "
                             f"task too ({' or '.join(TASKS)}){fix}")
        return None, None
    if task not in TASKS:
        raise ValueError(f"{who}: unknown task {shorten(task)}; use one of {list(TASKS)}{fix}")
    if loss is not None and loss not in TASKS[task]:
        raise ValueError(f"{who}: the loss {shorten(loss)} is not one of the {task} task's "
                         f"{list(TASKS[task])}{fix}")
    if (task == "binary") != (outputs == 1):
        shape = "one output" if task == "binary" else "one output per class (2 or more)"
        raise ValueError(f"{who}: a {task} model has {shape}, this one has {outputs}{fix}")
    return task, loss


def model_json(model: Module, *, task: str | None = None, loss: str | None = None) -> str:
    """The text of a model file for a `Neuron`, `Layer` or `MLP`: its architecture, what it
    was trained for (`task`, `loss`: given here, else the model's own) and its
    `state_dict()`, as JSON. Every parameter must be a finite number.

        >>> net = MLP(1, [1], activations=["sigmoid"], weights=[[[0.5]]], biases=[[0.1]])
        >>> saved = json.loads(model_json(net, task="binary", loss="binary_cross_entropy"))
        >>> saved["format"], saved["version"], saved["module"], saved["nouts"], saved["task"]
        ('autograd_xor.mlp', 2, 'MLP', [1], 'binary')
        >>> saved["state"]
        {'layers.0.neurons.0.w.0': 0.5, 'layers.0.neurons.0.b': 0.1}
    """
    kind, nin, nouts, activations = _architecture(model)
    task, loss = _check_task(task if task is not None else model.task,
                             loss if loss is not None else (model.loss if task is None else None),
                             nouts[-1], "save", "e.g. task='binary', loss='binary_cross_entropy'")
    state = model.state_dict()
    for name, x in state.items():
        if isinstance(x, bool) or not isinstance(x, Real) or not math.isfinite(x):
            raise ValueError(f"save: parameter {name!r} is {shorten(x)}; a model file holds "
                             f"finite numbers only (did training diverge? try a smaller lr)")
    return json.dumps({
        "format": MODEL_FORMAT, "version": MODEL_VERSION, "module": kind, "nin": nin,
        "nouts": nouts, "activations": activations, "task": task, "loss": loss,
        "state": {name: float(x) for name, x in state.items()},
    }, indent=1, allow_nan=False) + "\n"


class _Refused(Exception):
    """Why the file is refused (inside load_model; becomes a ModelFileError)."""


def _no_constants(name):
    raise _Refused(f"it holds {name}, which is not a number a model file may hold; "
                   f"{_RESAVE}")


def _bounded_int(text):
    if len(text.lstrip("-")) > 300:          # beyond any float: 10**400 and such
        raise _Refused(f"it holds a number with {len(text)} digits, too large for a "
                       f"float; {_RESAVE}")
    return int(text)


def _unique_keys(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _Refused(f"the key {shorten(key)} appears twice in one object; {_RESAVE}")
        seen[key] = value
    return seen


def _read_text(path):
    """The file's text: a regular file of at most MAX_MODEL_BYTES, UTF-8. OSError (from the
    system) or _Refused."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(21, "Is a directory", path)
        if not stat.S_ISREG(st.st_mode):
            raise _Refused("it is not a regular file (a device, pipe or socket); give a "
                           "model file")
        if st.st_size > MAX_MODEL_BYTES:
            raise _Refused(f"it has {st.st_size:,} bytes, more than a model file may have "
                           f"({MAX_MODEL_BYTES:,}); give a model file")
        chunks, size = [], 0
        while size <= MAX_MODEL_BYTES:           # in pieces: read(n) would reserve n bytes
            chunk = f.read(min(max(st.st_size + 1 - size, 4096), 2 ** 20,
                               MAX_MODEL_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    if len(data) > MAX_MODEL_BYTES:
        raise _Refused(f"it has more than {MAX_MODEL_BYTES:,} bytes, more than a model file "
                       f"may have; give a model file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _Refused(f"it is not UTF-8 text (byte 0x{data[e.start]:02x} at offset "
                       f"{e.start}); give a file written by model.save() or 'autograd-xor "
                       f"train --save'") from None


def _parse(text):
    try:
        return json.loads(text, parse_constant=_no_constants, parse_int=_bounded_int,
                          object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as e:
        raise _Refused(f"it is not JSON ({e.msg} at line {e.lineno}, column {e.colno}); "
                       f"give a file written by model.save() or 'autograd-xor train "
                       f"--save'") from None
    except RecursionError:
        raise _Refused("its JSON is nested too deeply for a model file; give a model "
                       "file") from None


class _Broken(Exception):
    """The file is a model file but its model is broken (becomes a ModelFileError)."""


def _whole(x, what, least=1):
    if isinstance(x, bool) or not isinstance(x, int):
        raise _Broken(f"{what} must be a whole number, got {type(x).__name__} {shorten(x)}")
    if x < least:
        raise _Broken(f"{what} must be at least {least}, got {shorten(x)}")
    return x


def _parameter_names(kind, nin, nouts):
    """The state_dict keys of the module, in order, without building it."""
    fan_in = [nin] + nouts
    for layer, n in enumerate(nouts):
        for j in range(n):
            prefix = {"MLP": f"layers.{layer}.neurons.{j}.", "Layer": f"neurons.{j}.",
                      "Neuron": ""}[kind]
            for i in range(fan_in[layer]):
                yield f"{prefix}w.{i}"
            yield f"{prefix}b"


def _checked(saved, version):
    """(kind, nin, nouts, activations, task, loss, state as floats) from a parsed model file,
    or _Broken saying what is wrong; nothing is built."""
    extra = [k for k in saved if k not in _KEYS[version]]
    if extra:
        raise _Broken(f"unexpected key {shorten(extra[0])} for a version {version} model file")
    if version >= 2 and "module" not in saved:
        raise _Broken("the key 'module' is missing (a version 2 file names its module: "
                      "'MLP', 'Layer' or 'Neuron')")
    kind = saved["module"] if version >= 2 else "MLP"
    if kind not in _MODULES:
        raise _Broken(f"'module' must be one of {list(_MODULES)}, got {shorten(kind)}")
    for key in ("nin", "nouts", "activations", "state"):
        if key not in saved:
            raise _Broken(f"the key {key!r} is missing")
    nin = _whole(saved["nin"], "'nin' (the number of inputs)")
    nouts, activations = saved["nouts"], saved["activations"]
    for key, value in (("nouts", nouts), ("activations", activations)):
        if not isinstance(value, list) or not value:
            raise _Broken(f"{key!r} must be a non-empty list, got {type(value).__name__} "
                          f"{shorten(value)}")
    if len(activations) != len(nouts):
        raise _Broken(f"{len(nouts)} layers ('nouts') need {len(nouts)} activations, got "
                      f"{len(activations)}")
    if kind != "MLP" and len(nouts) != 1:
        raise _Broken(f"a {kind} has one layer, but 'nouts' lists {len(nouts)}")
    if kind == "Neuron" and nouts != [1]:
        raise _Broken(f"a Neuron has one output, but 'nouts' is {shorten(nouts)}")
    for i, (n, act) in enumerate(zip(nouts, activations)):
        _whole(n, f"'nouts'[{i}] (a layer size)")
        if not isinstance(act, str) or act not in ACTIVATIONS:
            raise _Broken(f"'activations'[{i}] is {shorten(act)}, not one of {ACTIVATIONS}")
    count = sum((fan_in + 1) * n for fan_in, n in zip([nin] + nouts, nouts))
    if count > MAX_PARAMETERS:
        raise _Broken(f"it declares {count:,} parameters, more than a model file may hold "
                      f"({MAX_PARAMETERS:,})")
    state = saved["state"]
    if not isinstance(state, dict):
        raise _Broken(f"'state' must be an object of parameter name -> number, got "
                      f"{type(state).__name__} {shorten(state)}")
    if len(state) != count:
        raise _Broken(f"'state' has {len(state):,} parameters, but the architecture needs "
                      f"{count:,}")
    floats = {}
    for name in _parameter_names(kind, nin, nouts):
        if name not in state:
            raise _Broken(f"'state' has no parameter {name!r} (was it saved from a model of "
                          f"another shape?)")
        x = state[name]
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise _Broken(f"parameter {name!r} must be a number, got {type(x).__name__} "
                          f"{shorten(x)}")
        try:
            x = float(x)
        except OverflowError:
            x = math.inf
        if not math.isfinite(x):
            raise _Broken(f"parameter {name!r} is {x!r}; a model file holds finite numbers "
                          f"only")
        floats[name] = x
    task, loss = (saved.get("task"), saved.get("loss")) if version >= 2 else (None, None)
    for key, value in (("task", task), ("loss", loss)):
        if value is not None and not isinstance(value, str):
            raise _Broken(f"{key!r} must be a name or null, got {type(value).__name__} "
                          f"{shorten(value)}")
    try:
        _check_task(task, loss, nouts[-1], "the model", None)
    except ValueError as e:
        raise _Broken(str(e)[len("the model: "):]) from None
    return kind, nin, nouts, activations, task, loss, floats


def _build(kind, nin, nouts, activations, floats):
    """The module with these parameters (exact weights: no random draw)."""
    values = iter(floats.values())
    fan_in = [nin] + nouts
    weights, biases = [], []
    for layer, n in enumerate(nouts):
        w_layer, b_layer = [], []
        for _ in range(n):
            w_layer.append([next(values) for _ in range(fan_in[layer])])
            b_layer.append(next(values))
        weights.append(w_layer)
        biases.append(b_layer)
    if kind == "Neuron":
        return Neuron(nin, activation=activations[0], weights=weights[0][0], bias=biases[0][0])
    if kind == "Layer":
        return Layer(nin, nouts[0], activation=activations[0], weights=weights[0],
                     biases=biases[0])
    return MLP(nin, nouts, activations=activations, weights=weights, biases=biases)


def load_model(path: str | os.PathLike[str]) -> Module:
    """The model (`Neuron`, `Layer` or `MLP`) in the model file at `path`, written by
    `model.save` (or `autograd-xor train --save`), with its `task` and `loss` set from the
    file (None when it does not say).

    All or nothing: everything in the file is checked before anything is built, and nothing
    else changes (not even the `random` module's state). A file that cannot be opened raises
    `open()`'s `OSError`; anything else wrong a `ModelFileError` (a `ValueError`) that names
    the file and the problem: not UTF-8, not JSON, not a model file, a newer version, larger
    than `MAX_MODEL_BYTES` or declaring more than `MAX_PARAMETERS` parameters, an unknown
    activation, a parameter that is missing, not a number or not finite, and so on.

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "net.json")
        >>> net = MLP(2, [2, 1], activations=["tanh", "sigmoid"])
        >>> net.save(path, task="binary", loss="binary_cross_entropy")
        >>> back = load_model(path)
        >>> back.state_dict() == net.state_dict(), back.task, back.loss
        (True, 'binary', 'binary_cross_entropy')
        >>> load_model(os.path.join(tempfile.mkdtemp(), "none.json"))   # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        FileNotFoundError: [Errno 2] No such file or directory: '...none.json'
    """
    name = os.fspath(path)
    if name in ("", b""):
        raise FileNotFoundError(2, "No such file or directory (an empty file name)", name)
    shown = shorten(name, 200)
    try:
        saved = _parse(_read_text(name))
        if not isinstance(saved, dict) or saved.get("format") != MODEL_FORMAT:
            raise _Refused(f"it has no \"format\": {MODEL_FORMAT!r} entry; give a file written "
                           f"by model.save() or 'autograd-xor train --save'")
        version = saved.get("version", 1)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise _Refused(f"its version {shorten(version)} is not a version number (1, 2, "
                           f"...); {_RESAVE}")
        if version > MODEL_VERSION:
            raise _Refused(f"it is a version {version} model file, newer than this "
                           f"autograd_xor reads (versions 1 to {MODEL_VERSION}); upgrade "
                           f"autograd_xor (pip install -U autograd_xor)")
        if version == 1 and "version" in saved:
            raise _Refused(f"a version 1 file has no \"version\" entry; {_RESAVE}")
        kind, nin, nouts, activations, task, loss, floats = _checked(saved, version)
    except _Refused as e:
        raise ModelFileError(f"{shown} is not a model file: {e}") from None
    except _Broken as e:
        raise ModelFileError(f"{shown} holds a broken model: {e}; {_RESAVE}") from None
    model = _build(kind, nin, nouts, activations, floats)
    model.task, model.loss = task, loss
    return model
