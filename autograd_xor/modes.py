"""Grad modes: `no_grad()`, `enable_grad()` and `detect_anomaly()`, per thread and per task.

As in PyTorch, a mode holds for the thread that enters it (and, with asyncio, for the task):
a `no_grad()` block in one thread does not stop another thread from recording its graph.
The modes live in `contextvars`, which give both. So that ops pay nothing for this while no
mode is on anywhere, `open_blocks` counts the mode blocks open in all threads and tasks, and
an op looks at its own thread's modes only while that count is not zero.

    >>> from autograd_xor import Value
    >>> with no_grad():
    ...     y = Value(2.0) * 3
    >>> y.data, y._prev, is_grad_enabled()
    (6.0, (), True)
"""

from __future__ import annotations

import contextvars
import math
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

__all__ = ["anomaly_enabled", "detect_anomaly", "enable_grad", "is_grad_enabled", "no_grad"]

_GRAD = contextvars.ContextVar("autograd_xor_grad_enabled", default=True)
_ANOMALY = contextvars.ContextVar("autograd_xor_detect_anomaly", default=False)
open_blocks = 0                   # mode blocks open in any thread or task
_lock = threading.Lock()


def apply(out: Any) -> None:
    """An op's result under the modes of the thread or task that made it: detect_anomaly's
    forward check, and no_grad, which makes the result a leaf."""
    if _ANOMALY.get() and not math.isfinite(out.data):
        args = ", ".join(f"{p.data!r}{_where(p)}" for p in out._prev)
        raise FloatingPointError(f"detect_anomaly: the forward pass of {out._op} on ({args}) "
                                 f"produced {out.data!r}")
    if not _GRAD.get():
        out._op = ""
        out._a = out._b = None


def check_backward(v: Any) -> None:
    """detect_anomaly's backward check, after node v passed its gradient to its parents."""
    for p, d in zip(v._prev, v._local):
        if not math.isfinite(p.grad):
            raise FloatingPointError(
                f"detect_anomaly: the backward pass of {v._op}{_where(v)} (value {v.data!r}, "
                f"upstream gradient {v.grad!r}, local derivative {d!r}) gave a gradient of "
                f"{p.grad!r} to its input {p.data!r}{_where(p)}")


def _where(v):
    return f" (node {v.label!r})" if v.label else ""


@contextmanager
def _block(var: contextvars.ContextVar[bool], value: bool) -> Iterator[None]:
    global open_blocks
    with _lock:
        open_blocks += 1
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)
        with _lock:
            open_blocks -= 1


def no_grad() -> AbstractContextManager[None]:
    """Ops inside record no graph: their results are leaves (for evaluation and updates).
    It holds for the thread (and asyncio task) that enters it, as in PyTorch.

        >>> from autograd_xor import Value
        >>> x = Value(2.0)
        >>> with no_grad():
        ...     y = x * 3
        >>> y.data, y._prev
        (6.0, ())
    """
    return _block(_GRAD, False)


def enable_grad() -> AbstractContextManager[None]:
    """Turn graph recording back on inside a `no_grad()` block.

        >>> from autograd_xor import Value
        >>> with no_grad():
        ...     with enable_grad():
        ...         y = Value(2.0) * 3
        >>> len(y._prev)
        2
    """
    return _block(_GRAD, True)


def is_grad_enabled() -> bool:
    """True when ops record the graph (outside `no_grad()`), in this thread or task.

        >>> with no_grad():
        ...     inside = is_grad_enabled()
        >>> inside, is_grad_enabled()
        (False, True)
    """
    return _GRAD.get()


def detect_anomaly() -> AbstractContextManager[None]:
    """Raise `FloatingPointError` at the first non-finite value an op or backward() makes,
    in this thread or task.

        >>> from autograd_xor import Value
        >>> x = Value(float("inf"), label="x")
        >>> with detect_anomaly():
        ...     x - x
        Traceback (most recent call last):
        ...
        FloatingPointError: detect_anomaly: the forward pass of - on (inf (node 'x'), inf (node 'x')) produced nan
    """
    return _block(_ANOMALY, True)


def anomaly_enabled() -> bool:
    """True inside `detect_anomaly()`, in this thread or task.

        >>> with detect_anomaly():
        ...     inside = anomaly_enabled()
        >>> inside, anomaly_enabled()
        (True, False)
    """
    return _ANOMALY.get()
