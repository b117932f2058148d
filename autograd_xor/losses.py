"""Loss functions on `Value`s: one prediction and one target each, except `mse`.

    >>> from autograd_xor import Value
    >>> round(half_squared_error(Value(0.42), 1.0).data, 4)   # the G/F network's (y - f)^2 / 2
    0.1682
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .engine import Value, _constant, _number, apply_op

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy",
           "half_squared_error", "hinge", "log_softmax", "mse", "softmax", "squared_error"]


def _value(x: Value | float, fn: str) -> Value:
    """x as a Value: a plain number becomes a constant leaf, as in `a * 2`."""
    return x if isinstance(x, Value) else _constant(_number(x, fn))


def squared_error(pred: Value | float, target: Value | float) -> Value:
    """(pred - target)^2

        >>> e = squared_error(Value(0.5), 1.0); e.backward()
        >>> e.data, e._prev[0]._prev[0].grad      # d/dpred = 2 (pred - target)
        (0.25, -1.0)
    """
    return (_value(pred, "squared_error") - target) ** 2


def half_squared_error(pred: Value | float, target: Value | float) -> Value:
    """(target - pred)^2 / 2, whose derivative in pred is simply pred - target.

        >>> p = Value(0.5); e = half_squared_error(p, 1.0); e.backward()
        >>> e.data, p.grad
        (0.125, -0.5)
    """
    return (target - _value(pred, "half_squared_error")) ** 2 / 2


def mse(preds: Iterable[Value | float], targets: Iterable[Value | float]) -> Value:
    """Mean squared error over two sequences of the same length.

        >>> mse([Value(1.0), Value(2.0)], [0.0, 0.0]).data      # (1 + 4) / 2
        2.5
    """
    preds, targets = list(preds), list(targets)
    if len(preds) != len(targets) or not preds:
        raise ValueError(f"mse: needs as many targets as predictions (at least one), got "
                         f"{len(preds)} predictions and {len(targets)} targets")
    # (sum starts from the int 0, and 0 + a Value is a Value)
    return sum(squared_error(p, t) for p, t in zip(preds, targets)) / len(preds)  # type: ignore[return-value]


def hinge(score: Value | float, target: Value | float) -> Value:
    """max(0, 1 - target * score) for a target of -1 or +1 (micrograd's demo loss).

        >>> round(hinge(Value(0.3), 1).data, 4), hinge(Value(2.0), 1).data
        (0.7, 0.0)
    """
    return (1 - target * _value(score, "hinge")).relu()


def binary_cross_entropy(pred: Value | float, target: Value | float) -> Value:
    """-(t log p + (1 - t) log(1 - p)) for a probability p, as one node.

    As in PyTorch's BCELoss, each log is clamped at -100, so a saturated output (p exactly 0
    or 1) gives a large finite loss, not a math error; the derivative (p - t) / (p (1 - p))
    has its denominator clamped at 1e-12. The target may be a number or a `Value` (its
    gradient is -ln(p / (1 - p)), as in PyTorch).

        >>> p = Value(0.8); loss = binary_cross_entropy(p, 1.0); loss.backward()
        >>> round(loss.data, 4), round(p.grad, 4)      # -log 0.8; (0.8 - 1) / (0.8 * 0.2)
        (0.2231, -1.25)
    """
    return apply_op("bce", _value(pred, "binary_cross_entropy"),
                    _value(target, "binary_cross_entropy"))


def binary_cross_entropy_with_logits(logit: Value | float, target: Value | float) -> Value:
    """binary_cross_entropy(sigmoid(z), t) computed from z in a form that never overflows:
    max(z, 0) - z t + log(1 + e^-|z|). Its derivative in z is sigmoid(z) - t (the XOR
    network's output delta, `delta3 = a3 - y`).

        >>> z = Value(0.0); loss = binary_cross_entropy_with_logits(z, 1.0); loss.backward()
        >>> round(loss.data, 4), z.grad                # log 2; sigmoid(0) - 1
        (0.6931, -0.5)
    """
    return apply_op("bce_logits", _value(logit, "binary_cross_entropy_with_logits"),
                    _value(target, "binary_cross_entropy_with_logits"))


def _logits(logits: Iterable[Value | float], fn: str) -> list[Value]:
    z = [_value(x, fn) for x in logits]
    if not z:
        raise ValueError(f"{fn}: needs at least one logit, got none")
    return z


def _total(values: Sequence[Value]) -> Value:
    """v0 + v1 + ..., left to right, with no leading constant 0 (as sum() would add)."""
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total


def softmax(logits: Iterable[Value | float]) -> list[Value]:
    """exp(z_i) / sum_j exp(z_j) for a list of logits, a list of Values that sums to 1. The
    largest logit is subtracted first (a constant, so the gradients are unchanged), so
    logits near ±1000 do not overflow.

        >>> [round(p.data, 4) for p in softmax([Value(1.0), Value(2.0), Value(3.0)])]
        [0.09, 0.2447, 0.6652]
        >>> [p.data for p in softmax([Value(-1000.0), Value(1000.0)])]
        [0.0, 1.0]
    """
    z = _logits(logits, "softmax")
    m = apply_op("max_nograd", *z)            # a node, so a compiled step recomputes it
    e = [(v - m).exp() for v in z]
    s = _total(e)
    return [x / s for x in e]


def log_softmax(logits: Iterable[Value | float]) -> list[Value]:
    """z_i - log(sum_j exp(z_j)) for a list of logits, computed as (z_i - m) - log(sum_j
    exp(z_j - m)) with m the largest logit, so nothing overflows.

        >>> [round(p.data, 4) for p in log_softmax([Value(0.0), Value(0.0)])]
        [-0.6931, -0.6931]
    """
    z = _logits(logits, "log_softmax")
    m = apply_op("max_nograd", *z)
    shifted = [v - m for v in z]
    log_total = _total([x.exp() for x in shifted]).log()
    return [x - log_total for x in shifted]


def _class(target, n, fn):
    if isinstance(target, Value):
        target = target.data
    if isinstance(target, float) and target.is_integer():
        target = int(target)
    if isinstance(target, bool) or not isinstance(target, int):
        raise TypeError(f"{fn}: the target must be a class index (an int from 0 to {n - 1}), "
                        f"got {type(target).__name__} {target!r}")
    if not 0 <= target < n:
        raise IndexError(f"{fn}: the target class {target} is out of range for {n} logits; "
                         f"use an index from 0 to {n - 1}")
    return target


def cross_entropy(logits: Iterable[Value | float] | Iterable[Sequence[Value | float]],
                  target: Value | float | Sequence[Value | float]) -> Value:
    """-log softmax(logits)[target] for one example (a list of logits and an int class
    index), or the mean over a batch (a list of such lists and a list of indices), as
    `torch.nn.functional.cross_entropy`. Each example is one node, whose local derivatives
    are softmax(z) - onehot(target); logits near ±1000 do not overflow.

        >>> z = [Value(1.0), Value(2.0), Value(3.0)]
        >>> loss = cross_entropy(z, 2); loss.backward()
        >>> round(loss.data, 4), [round(v.grad, 4) for v in z]
        (0.4076, [0.09, 0.2447, -0.3348])
        >>> round(cross_entropy([[0.0, 0.0], [5.0, 0.0]], [0, 0]).data, 4)   # a batch: the mean
        0.3499
    """
    rows: list[Any] = list(logits)
    if rows and isinstance(rows[0], (list, tuple)):
        targets = list(target) if isinstance(target, (list, tuple)) else None
        if targets is None or len(targets) != len(rows):
            raise ValueError(f"cross_entropy: a batch of {len(rows)} examples needs a list "
                             f"of {len(rows)} class indices, got {target!r}")
        return _total([cross_entropy(z, t) for z, t in zip(rows, targets)]) / len(rows)
    z = _logits(rows, "cross_entropy")
    return apply_op("cross_entropy", *z, k=_class(target, len(z), "cross_entropy"))
