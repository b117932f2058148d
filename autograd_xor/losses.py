"""Loss functions on `Value`s: one prediction and one target each, except `mse`.

    >>> from autograd_xor import Value
    >>> round(half_squared_error(Value(0.42), 1.0).data, 4)   # the seed's e = (y - f)^2 / 2
    0.1682
"""

import math

from .engine import Value, _as_value, _node

__all__ = ["squared_error", "half_squared_error", "mse", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "hinge"]


def squared_error(pred, target):
    """(pred - target)^2

        >>> e = squared_error(Value(0.5), 1.0); e.backward()
        >>> e.data, e._prev[0]._prev[0].grad      # d/dpred = 2 (pred - target)
        (0.25, -1.0)
    """
    return (_as_value(pred, "squared_error") - target) ** 2


def half_squared_error(pred, target):
    """(target - pred)^2 / 2, whose derivative in pred is simply pred - target (seed 004).

        >>> p = Value(0.5); e = half_squared_error(p, 1.0); e.backward()
        >>> e.data, p.grad
        (0.125, -0.5)
    """
    return (target - _as_value(pred, "half_squared_error")) ** 2 / 2


def mse(preds, targets):
    """Mean squared error over two sequences of the same length.

        >>> mse([Value(1.0), Value(2.0)], [0.0, 0.0]).data      # (1 + 4) / 2
        2.5
    """
    preds, targets = list(preds), list(targets)
    if len(preds) != len(targets) or not preds:
        raise ValueError(f"mse: needs as many targets as predictions (at least one), got "
                         f"{len(preds)} predictions and {len(targets)} targets")
    return sum(squared_error(p, t) for p, t in zip(preds, targets)) / len(preds)


def hinge(score, target):
    """max(0, 1 - target * score) for a target of -1 or +1 (micrograd's demo loss).

        >>> round(hinge(Value(0.3), 1).data, 4), hinge(Value(2.0), 1).data
        (0.7, 0.0)
    """
    return (1 - target * _as_value(score, "hinge")).relu()


def _target(t, op):
    t = float(t) if not isinstance(t, Value) else t.data
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"{op}: the target must lie in [0, 1], got {t!r}")
    return t


def binary_cross_entropy(pred, target):
    """-(t log p + (1 - t) log(1 - p)) for a probability p, as one node.

    As in PyTorch's BCELoss, each log is clamped at -100, so a saturated output (p exactly 0
    or 1) gives a large finite loss, not a math error; the derivative (p - t) / (p (1 - p))
    has its denominator clamped at 1e-12.

        >>> p = Value(0.8); loss = binary_cross_entropy(p, 1.0); loss.backward()
        >>> round(loss.data, 4), round(p.grad, 4)      # -log 0.8; (0.8 - 1) / (0.8 * 0.2)
        (0.2231, -1.25)
    """
    p = _as_value(pred, "binary_cross_entropy")
    t = _target(target, "binary_cross_entropy")
    if not 0.0 <= p.data <= 1.0:
        raise ValueError(f"binary_cross_entropy: the prediction must be a probability in "
                         f"[0, 1], got {p.data!r}; apply sigmoid() first, or use "
                         f"binary_cross_entropy_with_logits")
    log_p = max(math.log(p.data), -100.0) if p.data > 0.0 else -100.0
    log_q = max(math.log1p(-p.data), -100.0) if p.data < 1.0 else -100.0
    loss = -(t * log_p + (1.0 - t) * log_q)
    # dL/dp = (p - t) / (p (1 - p))
    return _node(loss, "bce", (p,), ((p.data - t) / max(p.data * (1.0 - p.data), 1e-12),))


def binary_cross_entropy_with_logits(logit, target):
    """binary_cross_entropy(sigmoid(z), t) computed from z in a form that never overflows:
    max(z, 0) - z t + log(1 + e^-|z|). Its derivative in z is sigmoid(z) - t (the seed's
    `delta3 = a3 - y`).

        >>> z = Value(0.0); loss = binary_cross_entropy_with_logits(z, 1.0); loss.backward()
        >>> round(loss.data, 4), z.grad                # log 2; sigmoid(0) - 1
        (0.6931, -0.5)
    """
    z = _as_value(logit, "binary_cross_entropy_with_logits")
    t = _target(target, "binary_cross_entropy_with_logits")
    x = z.data
    loss = max(x, 0.0) - x * t + math.log1p(math.exp(-abs(x)))
    s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
    return _node(loss, "bce_logits", (z,), (s - t,))              # dL/dz = S(z) - t
