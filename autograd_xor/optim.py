"""Stochastic gradient descent: `p.data -= lr * p.grad` for every parameter.

    >>> from autograd_xor import Value
    >>> w = Value(0.8); (w * 1.5 - 0.5).backward()
    >>> opt = SGD([w], lr=0.1); opt.step(); round(w.data, 2)
    0.65
"""

import math
from numbers import Real

from .engine import Value

__all__ = ["SGD"]


class SGD:
    """Plain SGD over a list of `Value`s (e.g. `model.parameters()`).

        >>> w = Value(1.0)
        >>> ((w - 3) ** 2).backward()            # d/dw = 2 (w - 3) = -4
        >>> opt = SGD([w], lr=0.25)
        >>> opt.step(); w.data                   # 1 - 0.25 * -4
        2.0
        >>> opt.zero_grad(); w.grad
        0.0
    """

    def __init__(self, params, lr=0.01):
        self.params = list(params)
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"SGD: parameter {i} is a {type(p).__name__}, not a Value; "
                                f"pass model.parameters()")
        if isinstance(lr, bool) or not isinstance(lr, Real) or not math.isfinite(lr) or lr <= 0:
            raise ValueError(f"SGD: lr must be a positive finite number, got {lr!r}")
        self.lr = float(lr)

    def step(self):
        """Move every parameter against its gradient; all of them or, on error, none."""
        new = [p.data - self.lr * p.grad for p in self.params]
        for p, x in zip(self.params, new):
            p.data = x

    def zero_grad(self):
        for p in self.params:
            p.grad = 0.0
