"""The main job grown up: train a classifier on a 2-D data set (XOR, moons, circles, spiral)
and say how well it does on its training points and on held-out ones.

Binary tasks have one output: a sigmoid probability trained with binary cross-entropy, or
a score trained with the hinge (max-margin) loss on labels -1/+1, as micrograd's demo.
Multi-class tasks have one logit per class, trained with `losses.cross_entropy`. The
optimizer is `optim.Adam` or `optim.SGD`; the data comes from `autograd_xor.datasets`, split
into training and held-out points by `datasets.split` (XOR's four points are all used for
training: there is nothing to hold out).

Training uses `autograd_xor.compile` for 60 epochs or more, where it pays: the examples are
cut into minibatches once (the last one may be smaller), each minibatch gets its own
compiled step, and every epoch visits the minibatches in a new order. A compiled step bakes
the numbers that `fn` creates (the inputs, the targets, cross-entropy's class indices) into
its replay, so each step only ever sees its own fixed minibatch: its replays are exact (the
same floats as the eager engine, which a test checks), whatever the replay's guards. The
default is the full batch: one step per epoch.

    >>> result = train_classifier("moons", points=100, epochs=60, seed=0)
    >>> result.task, result.loss, result.model.task, len(result.losses)
    ('binary', 'binary_cross_entropy', 'binary', 60)
    >>> result.train_accuracy > 0.8
    True
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Callable, TypedDict, cast

from . import datasets
from ._checks import check_whole_number, shorten
from .engine import Value, no_grad
from .losses import binary_cross_entropy, cross_entropy, hinge
from .nn import MLP, TASKS, Module
from .optim import SGD, Adam
from .replay import compile

__all__ = ["DATASETS", "DEFAULTS", "LEARNED", "OPTIMIZERS", "ClassifierResult", "DataSet",
           "accuracy", "fit_loss", "load_data", "make_classifier", "predict", "train_classifier"]


@dataclass(frozen=True)
class DataSet:
    """One data set the trainer knows: `make(n, classes, seed)` gives its `(X, y)`, `points`
    is its default number of points, `takes_classes` whether it has a number of classes to
    choose (the others have 2), and `about` what it is.

        >>> DATASETS["spiral"].points, DATASETS["spiral"].takes_classes
        (300, True)
    """
    make: Callable[[int, int, int], tuple[list[list[float]], list[int]]]
    points: int
    takes_classes: bool
    about: str


DATASETS = {
    "xor": DataSet(lambda n, classes, seed: datasets.xor(), 4, False,
                   "the four corners of the XOR truth table"),
    "moons": DataSet(lambda n, classes, seed: datasets.moons(n=n, noise=0.1, seed=seed), 200,
                     False, "two interleaving half circles (noise 0.1)"),
    "circles": DataSet(lambda n, classes, seed: datasets.circles(n=n, noise=0.05, seed=seed),
                       200, False, "a circle inside another (noise 0.05)"),
    "spiral": DataSet(lambda n, classes, seed: datasets.spiral(n=n, classes=classes,
                                                               noise=0.2, seed=seed),
                      300, True, "interleaved spiral arms, one per class (noise 0.2)"),
}
OPTIMIZERS: dict[str, type[SGD | Adam]] = {"adam": Adam, "sgd": SGD}


class _Defaults(TypedDict):
    """The entries of `DEFAULTS`, for the type checker."""
    hidden: tuple[int, ...]
    activation: str
    optimizer: str
    lr: dict[str, float]                # per optimizer
    epochs: int
    classes: int


# The settings that reach >= 95% training accuracy on moons and circles and >= 90% on a
# 3-class spiral in seconds (tests/test_classify.py checks it, marked slow, for 3 seeds).
DEFAULTS: _Defaults = {"hidden": (16, 16), "activation": "tanh", "optimizer": "adam",
                       "lr": {"adam": 0.01, "sgd": 0.1}, "epochs": 300, "classes": 3}
LEARNED = 0.9            # a run has learned when its training accuracy is at least this
HELD_OUT = 0.2           # the fraction of the points held out (none for XOR)
COMPILE_FROM = 60        # epochs from which compiled replays pay off (measured on moons)


def load_data(name: str, points: int | None = None, classes: int | None = None, seed: int = 0
              ) -> tuple[list[list[float]], list[int], int]:
    """`(X, y, classes)` for the data set `name` in `DATASETS`: `points` of them (its
    default for None), with `classes` classes for the spiral (default 3; the others have 2).

        >>> X, y, k = load_data("spiral", points=30, classes=3, seed=0)
        >>> len(X), sorted(set(y)), k
        (30, [0, 1, 2], 3)
    """
    if name not in DATASETS:
        raise ValueError(f"load_data: unknown data set {shorten(name)}; choose one of "
                         f"{list(DATASETS)}")
    ds = DATASETS[name]
    if not ds.takes_classes and classes not in (None, 2):
        raise ValueError(f"load_data: the {name} data set has 2 classes, not "
                         f"{shorten(classes)}; leave classes out (it is for the spiral)")
    if name == "xor" and points not in (None, 4):
        raise ValueError(f"load_data: the xor data set has exactly 4 points, not "
                         f"{shorten(points)}; leave points out")
    classes = (classes or DEFAULTS["classes"]) if ds.takes_classes else 2
    X, y = ds.make(ds.points if points is None else points, classes, seed)
    return X, y, classes


def _task(loss):
    return next(task for task, losses in TASKS.items() if loss in losses)


def make_classifier(hidden: Sequence[int] = (16, 16), classes: int = 2, loss: str | None = None,
                    activation: str = "tanh", seed: int = 0) -> MLP:
    """A 2-input MLP for `classes` classes: `hidden` layers of `activation` units, then one
    sigmoid output for 'binary_cross_entropy', one linear score for 'hinge', or one linear
    logit per class for 'cross_entropy' (the default: binary cross-entropy for 2 classes,
    cross-entropy for more). Weights from `random.Random(seed)`, drawn through the global
    `random` as micrograd does (its state is restored). Its `task` and `loss` are set.

        >>> net = make_classifier((8,), classes=3)
        >>> net, net.task, net.loss
        (MLP of [Layer of [TanhNeuron(2), TanhNeuron(2), TanhNeuron(2), TanhNeuron(2), TanhNeuron(2), TanhNeuron(2), TanhNeuron(2), TanhNeuron(2)], Layer of [LinearNeuron(8), LinearNeuron(8), LinearNeuron(8)]], 'multiclass', 'cross_entropy')
    """
    check_whole_number(classes, "make_classifier: classes", minimum=2)
    loss = loss or ("binary_cross_entropy" if classes == 2 else "cross_entropy")
    if loss not in ("binary_cross_entropy", "hinge", "cross_entropy"):
        raise ValueError(f"make_classifier: unknown loss {shorten(loss)}; use "
                         f"'binary_cross_entropy', 'hinge' or 'cross_entropy'")
    if loss != "cross_entropy" and classes != 2:
        raise ValueError(f"make_classifier: {loss} is for 2 classes, not {classes}; use "
                         f"'cross_entropy' for {classes} classes")
    outputs = classes if loss == "cross_entropy" else 1
    last = "sigmoid" if loss == "binary_cross_entropy" else "linear"
    hidden = list(hidden)
    state = random.getstate()
    random.seed(seed)
    try:
        model = MLP(2, hidden + [outputs], activations=[activation] * len(hidden) + [last])
    finally:
        random.setstate(state)
    model.task, model.loss = _task(loss), loss
    return model


def fit_loss(model: Module, classes: int, loss: str | None = None) -> str:
    """The loss to train `model` with on `classes` classes: `loss` if given, else the one the
    model records, else the one its output suits (a sigmoid output: binary cross-entropy;
    one linear output: hinge; several: cross-entropy). A `ValueError` says why the model
    does not fit the task (another number of inputs, outputs or another loss).

        >>> fit_loss(make_classifier((4,), classes=2), 2)
        'binary_cross_entropy'
        >>> fit_loss(make_classifier((4,), classes=3), 2)
        Traceback (most recent call last):
        ...
        ValueError: the model is a 3-class model (3 outputs); this data set has 2 classes
    """
    layers = getattr(model, "layers", None)
    if layers is None:
        raise ValueError(f"the model is a {type(model).__name__}, not an MLP; a classifier "
                         f"is an MLP")
    nin, outputs = len(layers[0].neurons[0].w), len(layers[-1].neurons)
    last = layers[-1].neurons[0].activation
    if nin != 2:
        raise ValueError(f"the model takes {nin} inputs; the data sets have 2")
    if outputs > 1 and outputs != classes:
        raise ValueError(f"the model is a {outputs}-class model ({outputs} outputs); this "
                         f"data set has {classes} classes")
    if outputs == 1 and classes != 2:
        raise ValueError(f"the model is a binary model (one output); this data set has "
                         f"{classes} classes")
    recorded = model.loss or ("cross_entropy" if outputs > 1 else
                              "binary_cross_entropy" if last == "sigmoid" else "hinge")
    if loss is not None and loss != recorded:
        raise ValueError(f"the model was trained with {recorded}, not {loss}; leave the loss "
                         f"out to continue with {recorded}")
    if recorded == "binary_cross_entropy" and last != "sigmoid":
        raise ValueError(f"binary cross-entropy needs a sigmoid output; the model's is {last}")
    if recorded not in ("binary_cross_entropy", "hinge", "cross_entropy"):
        raise ValueError(f"the model was trained with {recorded}, which this trainer does not "
                         f"use; use binary_cross_entropy, hinge or cross_entropy")
    return recorded


def predict(model: MLP, x: Sequence[float], loss: str) -> int:
    """The class `model` predicts for the point `x`: for 'binary_cross_entropy', 1 when the
    probability is above 0.5; for 'hinge', 1 when the score is above 0; for
    'cross_entropy', the class of the largest logit (the first, on a tie).

        >>> net = make_classifier((4,), classes=2, seed=0)
        >>> predict(net, [0.0, 0.0], "binary_cross_entropy") in (0, 1)
        True
    """
    with no_grad():
        out = model(x)
    if loss == "cross_entropy":                  # one logit per class
        scores = [v.data for v in cast("list[Value]", out)]
        return scores.index(max(scores))
    return int(cast(Value, out).data > (0.5 if loss == "binary_cross_entropy" else 0.0))


def accuracy(model: MLP, X: Sequence[Sequence[float]], y: Sequence[int], loss: str
             ) -> float | None:
    """The fraction of the points `X` whose class `predict` gets right (None for no points).

        >>> from autograd_xor import MLP
        >>> net = MLP(2, [1], activations=["sigmoid"], weights=[[[10.0, 0.0]]], biases=[[0.0]])
        >>> accuracy(net, [[1.0, 0.0], [-1.0, 0.0], [2.0, 0.0]], [1, 0, 0], "binary_cross_entropy")
        0.6666666666666666
    """
    if not X:
        return None
    return sum(predict(model, x, loss) == t for x, t in zip(X, y)) / len(X)


def _batch_loss(model, X, y, loss):
    """The mean loss over the examples (X, y), as a graph."""
    if loss == "cross_entropy":
        return cross_entropy([model(x) for x in X], y)
    if loss == "hinge":
        terms = [hinge(model(x), 2 * t - 1) for x, t in zip(X, y)]
    else:
        terms = [binary_cross_entropy(model(x), float(t)) for x, t in zip(X, y)]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total / len(terms)


@dataclass
class ClassifierResult:
    """What `train_classifier` returns: the trained model, the data and its split, the
    settings, the mean training loss of each epoch (before its updates), and the training
    and held-out accuracies (`test_accuracy` is None when nothing was held out).
    `learned` says whether the training accuracy reached `LEARNED`.

        >>> r = train_classifier("xor", hidden=(4,), epochs=3)
        >>> len(r.losses), r.test_accuracy, r.X_test
        (3, None, [])
    """
    model: MLP
    data: str
    classes: int
    task: str
    loss: str
    optimizer: str
    lr: float
    batch_size: int
    epochs: int
    seed: int
    X_train: list[list[float]]
    y_train: list[int]
    X_test: list[list[float]]
    y_test: list[int]
    losses: list[float] = field(default_factory=list)
    train_accuracy: float = float("nan")
    test_accuracy: float | None = None

    @property
    def learned(self) -> bool:
        """The training accuracy is at least `LEARNED`."""
        return self.train_accuracy >= LEARNED

    @property
    def hidden(self) -> list[int]:
        """The hidden layer sizes."""
        return [len(layer.neurons) for layer in self.model.layers[:-1]]


class Diverged(FloatingPointError):
    """The training loss stopped being a finite number.

        >>> issubclass(Diverged, ArithmeticError)
        True
    """


def train_classifier(data: str = "moons", *, hidden: Sequence[int] = DEFAULTS["hidden"],
                     activation: str = DEFAULTS["activation"], loss: str | None = None,
                     optimizer: str = DEFAULTS["optimizer"], lr: float | None = None,
                     batch_size: int | None = None, epochs: int = DEFAULTS["epochs"],
                     seed: int = 0, points: int | None = None, classes: int | None = None,
                     model: MLP | None = None,
                     callback: Callable[[int, float], object] | None = None,
                     compiled: bool | None = None) -> ClassifierResult:
    """Train a classifier on the data set `data` (a name in `DATASETS`) and measure it.

    `hidden`, `activation`, `loss` and `seed` make the model (`make_classifier`), unless
    `model` is given to continue training (`fit_loss` checks that it fits). `points` and
    `classes` choose the data (`load_data`; a loaded multi-class model's number of classes
    is the spiral's default). `optimizer` is
    'adam' or 'sgd' with learning rate `lr` (default 0.01 for Adam, 0.1 for SGD);
    `batch_size` examples per update (default: all of them), `epochs` passes over the
    training points. `callback(epoch, loss)` is called after each epoch. `compiled` chooses
    compiled replays (True) or the eager engine (False); they give the same numbers. The
    default compiles from COMPILE_FROM epochs on: tracing and compiling a step costs about
    as much as 30 to 50 eager epochs, and then each epoch runs 4 to 8 times faster.
    Raises `Diverged` when the loss becomes inf or nan.

        >>> r = train_classifier("spiral", points=60, hidden=(8,), epochs=20, seed=1)
        >>> r.task, r.classes, len(r.X_train), len(r.X_test), r.model.layers[-1].neurons[0]
        ('multiclass', 3, 48, 12, LinearNeuron(8))
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"train_classifier: unknown optimizer {shorten(optimizer)}; choose one "
                         f"of {list(OPTIMIZERS)}")
    check_whole_number(epochs, "train_classifier: epochs", minimum=0)
    if classes is None and model is not None and data in DATASETS and \
            DATASETS[data].takes_classes and getattr(model, "layers", None):
        outputs = len(model.layers[-1].neurons)
        classes = outputs if outputs > 1 else 2
    X, y, classes = load_data(data, points, classes, seed)
    X_test: list[list[float]]
    y_test: list[int]
    if data == "xor":
        X_train, y_train, X_test, y_test = X, y, [], []
    else:
        X_train, y_train, X_test, y_test = datasets.split(X, y, test=HELD_OUT, seed=seed)
    if model is None:
        model = make_classifier(hidden, classes, loss, activation, seed)
        loss = cast(str, model.loss)         # make_classifier sets it
    else:
        loss = fit_loss(model, classes, loss)
        model.task, model.loss = _task(loss), loss
    lr = DEFAULTS["lr"][optimizer] if lr is None else lr
    n = len(X_train)
    size = n if batch_size is None else min(check_whole_number(
        batch_size, "train_classifier: batch_size", minimum=1), n)
    order = list(range(n))
    rng = random.Random(seed)
    rng.shuffle(order)
    batches = [([X_train[i] for i in order[k:k + size]], [y_train[i] for i in order[k:k + size]])
               for k in range(0, n, size)]
    if compiled is None:
        compiled = epochs >= COMPILE_FROM
    steps = [_step(model, Xb, yb, loss, compiled) for Xb, yb in batches]
    opt = OPTIMIZERS[optimizer](model.parameters(), lr=lr)
    result = ClassifierResult(model=model, data=data, classes=classes, task=_task(loss),
                              loss=loss, optimizer=optimizer, lr=lr, batch_size=size,
                              epochs=epochs, seed=seed, X_train=X_train, y_train=y_train,
                              X_test=X_test, y_test=y_test)
    visit = list(range(len(steps)))
    for epoch in range(1, epochs + 1):
        if len(visit) > 1:
            rng.shuffle(visit)
        total = 0.0
        for b in visit:
            opt.zero_grad()
            total += steps[b]() * len(batches[b][1])
            opt.step()
        mean = total / n
        if not math.isfinite(mean):
            raise Diverged(f"the training loss became {mean} at epoch {epoch}; try a smaller "
                           f"learning rate (lr={lr:g})")
        result.losses.append(mean)
        if callback is not None:
            callback(epoch, mean)
    # (not None: there is always a training point)
    result.train_accuracy = cast(float, accuracy(model, X_train, y_train, loss))
    result.test_accuracy = accuracy(model, X_test, y_test, loss)
    return result


def _step(model, X, y, loss, compiled):
    """One minibatch's forward and backward pass: returns its mean loss and adds its gradient
    to the parameters' `.grad`, by a compiled replay or by the eager engine."""
    def batch_loss():
        return _batch_loss(model, X, y, loss)
    if compiled:
        return compile(batch_loss)

    def eager():
        out = batch_loss()
        out.backward()
        return out.data
    return eager
