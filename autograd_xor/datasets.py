"""Small 2-D classification data sets and minibatches, in plain Python lists.

Each data set returns `(X, y)`: `X` a list of `[x1, x2]` rows of floats, `y` a list of int
class labels 0, 1, ...; `n` is the total number of points, split evenly over the classes,
and the points come in shuffled order. A `seed` makes them reproducible: each call draws
from its own `random.Random(seed)`, never from the global `random` (so it neither depends
on nor disturbs `random.seed`). No NumPy is needed.

    >>> from autograd_xor import datasets
    >>> X, y = datasets.moons(n=100, noise=0.1, seed=0)
    >>> len(X), X[0] == datasets.moons(n=100, noise=0.1, seed=0)[0][0], sorted(set(y))
    (100, True, [0, 1])
    >>> X_train, y_train, X_test, y_test = datasets.split(X, y, test=0.2, seed=0)
    >>> len(X_train), len(X_test)
    (80, 20)
    >>> [len(yb) for Xb, yb in datasets.batches(X_train, y_train, size=32, seed=0)]
    [32, 32, 16]
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator
from typing import TypeVar

from ._checks import shorten
from ._options import finite_number, non_negative

Row = TypeVar("Row")            # an example (a row of X) and its label, whatever they are
Label = TypeVar("Label")

__all__ = ["batches", "circles", "moons", "spiral", "split", "xor"]

# The XOR truth table, as floats: the main job's data (autograd_xor.xor trains on it).
XOR_INPUTS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_TARGETS = [0.0, 1.0, 1.0, 0.0]


# --- checking arguments ------------------------------------------------------------------

def _count(who, name, n, fix):
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{who}: {name} must be an int, got {type(n).__name__} {shorten(n)}; "
                        f"{fix}")
    if n < 1:
        raise ValueError(f"{who}: {name} must be 1 or more, got {n}; {fix}")
    return n


def _per_class(who, n, classes):
    """n / classes points per class, or an error saying which n would do."""
    _count(who, "n (the number of points)", n, f"e.g. n={100 * classes}")
    if n % classes:
        lower = n - n % classes
        near = f"n={lower} or n={lower + classes}" if lower else f"n={classes}"
        raise ValueError(f"{who}: n={n} points do not split evenly over {classes} classes; "
                         f"use a multiple of {classes}, e.g. {near}")
    return n // classes


def _rng(who, seed):
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise TypeError(f"{who}: seed must be an int or None, got {type(seed).__name__} "
                        f"{shorten(seed)}; e.g. seed=0")
    return random.Random(seed)


def _examples(who: str, X: Iterable[Row], y: Iterable[Label]) -> tuple[list[Row], list[Label]]:
    """X and y as lists of the same, non-zero length."""
    try:
        X, y = list(X), list(y)
    except TypeError:
        raise TypeError(f"{who}: X and y must be lists (X of rows, y of labels), got "
                        f"{type(X).__name__} and {type(y).__name__}") from None
    if len(X) != len(y):
        raise ValueError(f"{who}: X has {len(X)} rows but y has {len(y)} labels; pass one "
                         f"label per row")
    if not X:
        raise ValueError(f"{who}: there are no examples (X and y are empty)")
    return X, y


def _shuffled(rng: random.Random, X: list[Row], y: list[Label]) -> tuple[list[Row], list[Label]]:
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def _linspace(start, stop, k, endpoint=True):
    """k evenly spaced numbers from start to stop (numpy.linspace's, in plain Python)."""
    div = (k - 1 if endpoint else k) or 1
    step = (stop - start) / div
    return [start + i * step for i in range(k)]


# --- the data sets -----------------------------------------------------------------------

def xor() -> tuple[list[list[float]], list[int]]:
    """The four XOR points and their labels, y = x1 XOR x2 (the XOR trainer's data, with
    int labels; a new list each call).

        >>> X, y = xor()
        >>> X, y
        ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    return [list(row) for row in XOR_INPUTS], [int(t) for t in XOR_TARGETS]


def moons(n: int = 100, noise: float = 0.1,
          seed: int | None = None) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles, as scikit-learn's `make_moons`: n / 2 points of class 0
    on the upper arc (cos t, sin t) and n / 2 of class 1 on the lower arc (1 − cos t,
    0.5 − sin t), t evenly spaced over [0, π], plus Gaussian noise of standard deviation
    `noise` on each coordinate.

        >>> X, y = moons(n=4, noise=0.0, seed=0)
        >>> sorted((round(a, 3), round(b, 3), c) for (a, b), c in zip(X, y))
        [(-1.0, 0.0, 0), (0.0, 0.5, 1), (1.0, 0.0, 0), (2.0, 0.5, 1)]
    """
    who = "moons"
    k = _per_class(who, n, 2)
    noise = non_negative(who, "noise", noise,
                         "e.g. noise=0.1 (a standard deviation; 0 for none)")
    rng = _rng(who, seed)
    X, y = [], []
    for t in _linspace(0.0, math.pi, k):
        X.append([math.cos(t), math.sin(t)])
        y.append(0)
    for t in _linspace(0.0, math.pi, k):
        X.append([1.0 - math.cos(t), 0.5 - math.sin(t)])
        y.append(1)
    return _shuffled(rng, _jitter(rng, X, noise), y)


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5,
            seed: int | None = None) -> tuple[list[list[float]], list[int]]:
    """A circle inside another, as scikit-learn's `make_circles`: n / 2 points of class 0 on
    the unit circle (cos t, sin t) and n / 2 of class 1 on the circle of radius `factor`
    (factor · cos t, factor · sin t), t evenly spaced over [0, 2π), plus Gaussian noise of
    standard deviation `noise` on each coordinate.

        >>> X, y = circles(n=8, noise=0.0, factor=0.5, seed=0)
        >>> sorted({round(math.hypot(a, b), 6): c for (a, b), c in zip(X, y)}.items())
        [(0.5, 1), (1.0, 0)]
    """
    who = "circles"
    k = _per_class(who, n, 2)
    noise = non_negative(who, "noise", noise,
                         "e.g. noise=0.05 (a standard deviation; 0 for none)")
    factor = finite_number(who, "factor", factor, "e.g. factor=0.5")
    if not 0.0 < factor < 1.0:
        raise ValueError(f"{who}: factor (the inner circle's radius) must be between 0 and "
                         f"1, got {factor!r}; e.g. factor=0.5")
    rng = _rng(who, seed)
    X, y = [], []
    for radius, label in ((1.0, 0), (factor, 1)):
        for t in _linspace(0.0, 2 * math.pi, k, endpoint=False):
            X.append([radius * math.cos(t), radius * math.sin(t)])
            y.append(label)
    return _shuffled(rng, _jitter(rng, X, noise), y)


def spiral(n: int = 300, classes: int = 3, noise: float = 0.2,
           seed: int | None = None) -> tuple[list[list[float]], list[int]]:
    """Interleaved spiral arms, one per class, as in Stanford's CS231n notes: for class j,
    n / classes points at radius r evenly spaced over [0, 1] and angle
    θ = 4j + 4r + (Gaussian noise of standard deviation `noise`), at
    (r sin θ, r cos θ). Not linearly separable: a linear model gets about 1 / classes
    right, a small MLP nearly all.

        >>> X, y = spiral(n=90, classes=3, seed=0)
        >>> len(X), [y.count(c) for c in range(3)]
        (90, [30, 30, 30])
        >>> max(math.hypot(a, b) for a, b in X) <= 1.0
        True
    """
    who = "spiral"
    _count(who, "classes", classes, "e.g. classes=3")
    k = _per_class(who, n, classes)
    noise = non_negative(who, "noise", noise,
                         "e.g. noise=0.2 (the angle's standard deviation; 0 for none)")
    rng = _rng(who, seed)
    X, y = [], []
    for j in range(classes):
        for r, t in zip(_linspace(0.0, 1.0, k), _linspace(4.0 * j, 4.0 * (j + 1), k)):
            t += rng.gauss(0.0, noise) if noise else 0.0
            X.append([r * math.sin(t), r * math.cos(t)])
            y.append(j)
    return _shuffled(rng, X, y)


def _jitter(rng, X, noise):
    if not noise:
        return X
    return [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in X]


# --- minibatches and train/test splits --------------------------------------------------

def batches(X: Iterable[Row], y: Iterable[Label], size: int,
            seed: int | None = None) -> Iterator[tuple[list[Row], list[Label]]]:
    """Yield `(X_batch, y_batch)` minibatches of `size` examples for one epoch: the examples
    are shuffled (with `random.Random(seed)`) and every one appears in exactly one batch;
    the last batch is smaller when `size` does not divide the number of examples. Call it
    once per epoch; with a fixed seed every epoch gets the same order, so pass e.g.
    `seed=epoch` for a new, still reproducible, order each epoch.

        >>> X, y = [[0.0], [1.0], [2.0], [3.0], [4.0]], [0, 1, 0, 1, 0]
        >>> for Xb, yb in batches(X, y, size=2, seed=0):
        ...     print(Xb, yb)
        [[2.0], [1.0]] [0, 1]
        [[0.0], [4.0]] [0, 0]
        [[3.0]] [1]
    """
    who = "batches"
    X, y = _examples(who, X, y)
    _count(who, "size (examples per batch)", size, "e.g. size=32")
    X, y = _shuffled(_rng(who, seed), X, y)
    return ((X[i:i + size], y[i:i + size]) for i in range(0, len(X), size))


def split(X: Iterable[Row], y: Iterable[Label], test: float = 0.2, seed: int | None = None
          ) -> tuple[list[Row], list[Label], list[Row], list[Label]]:
    """Split into a training and a test set: `(X_train, y_train, X_test, y_test)`, in that
    order. The examples are shuffled (with `random.Random(seed)`); the last
    ceil(test · len(X)) of them are the test set, the others the training set. Both must
    have at least one example.

        >>> X, y = [[0.0], [1.0], [2.0], [3.0], [4.0]], [0, 1, 0, 1, 0]
        >>> X_train, y_train, X_test, y_test = split(X, y, test=0.4, seed=0)
        >>> X_train, y_train, X_test, y_test
        ([[2.0], [1.0], [0.0]], [0, 1, 0], [[4.0], [3.0]], [0, 1])
    """
    who = "split"
    X, y = _examples(who, X, y)
    test = finite_number(who, "test", test, "e.g. test=0.2 for a fifth of the examples")
    if not 0.0 < test < 1.0:
        raise ValueError(f"{who}: test (the fraction of examples for testing) must be "
                         f"between 0 and 1, got {test!r}; e.g. test=0.2")
    n = len(X)
    k = math.ceil(round(test * n, 9))    # round: 0.07 * 100 is 7.000000000000001
    if k >= n:
        raise ValueError(f"{who}: test={test!r} of {n} examples leaves none for training; "
                         f"use a smaller test or more examples")
    X, y = _shuffled(_rng(who, seed), X, y)
    return X[:n - k], y[:n - k], X[n - k:], y[n - k:]
