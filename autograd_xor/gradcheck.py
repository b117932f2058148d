"""Check `backward()` against central finite differences, PyTorch-style.

    >>> gradcheck(lambda a, b: (a * b).tanh(), [0.3, -1.2])
    True
"""

import math

from .engine import Value, no_grad

__all__ = ["gradcheck", "numerical_grad", "GradcheckError"]


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


def numerical_grad(fn, point, eps=1e-6):
    """[(f(x + eps e_i) - f(x - eps e_i)) / 2 eps for each i], f evaluated without a graph.

        >>> [round(g, 6) for g in numerical_grad(lambda a, b: a * b, [3.0, 4.0])]
        [4.0, 3.0]
    """
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


def gradcheck(fn, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """True when `fn(*inputs).backward()` gives every input the gradient that central
    differences give, within `atol + rtol * |numerical|`.

    `inputs` are numbers or `Value`s (only their `.data` and `.label` are used; they are not
    modified). On a mismatch, raises `GradcheckError` naming the input, the point, both values
    and the tolerance, or returns False when `raise_exception=False`.

        >>> gradcheck(lambda x: x.sigmoid() * x, [0.7])
        True
        >>> gradcheck(lambda x: Value(x.data) * x, [0.7], raise_exception=False)
        False
    """
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
