"""Check `backward()` against central finite differences, PyTorch-style.

    >>> gradcheck(lambda a, b: (a * b).tanh(), [0.3, -1.2])
    True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from numbers import Real
from typing import Callable

from ._checks import shorten
from .engine import Value, no_grad

__all__ = ["GradcheckError", "gradcheck", "numerical_grad"]


class GradcheckError(AssertionError):
    """An analytical gradient disagrees with the numerical one.

        >>> try:
        ...     gradcheck(lambda x: Value(x.data) * x, [0.7])    # .data leaves the graph
        ... except GradcheckError as e:
        ...     print(str(e).splitlines()[0])
        gradcheck: <lambda>: the gradient of input 0 at the point [0.7] is wrong:
    """


def _name(fn):
    return getattr(fn, "__qualname__", None) or repr(fn)


def _call(fn, values):
    out = fn(*values)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: {_name(fn)} must return a Value, got "
                        f"{type(out).__name__}")
    return out


def _check_options(who, eps, atol=0.0, rtol=0.0):
    """eps > 0, atol >= 0 and rtol >= 0, finite numbers; a ValueError (TypeError for a
    non-number) naming the option, its value and a fix otherwise."""
    for name, x, positive, usual in (("eps", eps, True, "1e-6"), ("atol", atol, False, "1e-5"),
                                     ("rtol", rtol, False, "1e-3")):
        if isinstance(x, bool) or not isinstance(x, Real):
            raise TypeError(f"{who}: {name} must be a number, got {type(x).__name__} "
                            f"{shorten(x)}; e.g. {name}={usual}")
        if not math.isfinite(x) or (x <= 0 if positive else x < 0):
            need = "a positive finite number (the finite-difference step)" if positive else \
                "a finite number of 0 or more (a tolerance)"
            raise ValueError(f"{who}: {name} must be {need}, got {shorten(x)}; e.g. "
                             f"{name}={usual}")


def numerical_grad(fn: Callable[..., Value], point: Sequence[float],
                   eps: float = 1e-6) -> list[float]:
    """[(f(x + eps e_i) - f(x - eps e_i)) / 2 eps for each i], f evaluated without a graph.
    `eps` must be a positive finite number.

        >>> [round(g, 6) for g in numerical_grad(lambda a, b: a * b, [3.0, 4.0])]
        [4.0, 3.0]
        >>> numerical_grad(lambda a: a * a, [1.0], eps=0)
        Traceback (most recent call last):
        ...
        ValueError: numerical_grad: eps must be a positive finite number (the finite-difference step), got 0; e.g. eps=1e-6
    """
    _check_options("numerical_grad", eps)
    grads = []
    with no_grad():
        for i in range(len(point)):
            up, down = list(point), list(point)
            up[i] += eps
            down[i] -= eps
            f_up = _call(fn, [Value(x) for x in up]).data
            f_down = _call(fn, [Value(x) for x in down]).data
            grads.append((f_up - f_down) / (2 * eps))
    return grads


def gradcheck(fn: Callable[..., Value], inputs: Iterable[Value | float], *, eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True) -> bool:
    """True when `fn(*inputs).backward()` gives every input the gradient that central
    differences give, within `atol + rtol * |numerical|`.

    `inputs` are numbers or `Value`s (only their `.data` and `.label` are used; they are not
    modified). On a mismatch, raises `GradcheckError` naming the input, the point, both values
    and the tolerance, or returns False when `raise_exception=False`. `eps` must be positive,
    `atol` and `rtol` 0 or more (all finite), or a `ValueError` says which.

        >>> gradcheck(lambda x: x.sigmoid() * x, [0.7])
        True
        >>> gradcheck(lambda x: Value(x.data) * x, [0.7], raise_exception=False)
        False
        >>> gradcheck(lambda x: x * x, [0.7], atol=-1e-5)
        Traceback (most recent call last):
        ...
        ValueError: gradcheck: atol must be a finite number of 0 or more (a tolerance), got -1e-05; e.g. atol=1e-5
    """
    _check_options("gradcheck", eps, atol, rtol)
    inputs = list(inputs)
    labels = [x.label if isinstance(x, Value) else "" for x in inputs]
    point = [x.data if isinstance(x, Value) else Value(x).data for x in inputs]
    leaves = [Value(x, label=lab) for x, lab in zip(point, labels)]
    _call(fn, leaves).backward()
    numerical = numerical_grad(fn, point, eps)
    for i, (leaf, num) in enumerate(zip(leaves, numerical)):
        tol = atol + rtol * abs(num)
        if not abs(leaf.grad - num) <= tol:      # also fails on nan
            if not raise_exception:
                return False
            label = f" ({leaf.label!r})" if leaf.label else ""
            raise GradcheckError(
                f"gradcheck: {_name(fn)}: the gradient of input {i}{label} at the point "
                f"{point} is wrong:\n  numerical:  {num!r}\n  analytical: {leaf.grad!r}\n"
                f"  |difference| {abs(leaf.grad - num)!r} exceeds atol + rtol*|numerical| = "
                f"{tol!r} (eps={eps}, atol={atol}, rtol={rtol})")
    return True
