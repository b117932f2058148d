"""Optimizers that update a list of `Value`s from their `.grad`s as `torch.optim` does:
`SGD` (with momentum, weight decay and Nesterov), `Adam` and `AdamW`.

Each follows the single-tensor code of PyTorch's optimizer (torch/optim/sgd.py, adam.py),
operation for operation, so that the same model and loss give the same parameters as
`torch.optim` in float64 after many steps (PyTorch's kernels fuse some multiply-adds
into one rounding where the CPU can, so the last digit may differ). Every parameter is
updated at every step, as in PyTorch with gradients zeroed rather than set to None.

    >>> from autograd_xor import Value
    >>> w = Value(0.8); (w * 1.5 - 0.5).backward()
    >>> opt = SGD([w], lr=0.1); opt.step(); round(w.data, 2)
    0.65
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from numbers import Real
from typing import TYPE_CHECKING, Any

from ._checks import check_keys, shorten
from ._options import finite_number, non_negative
from .engine import Value

__all__ = ["SGD", "Adam", "AdamW"]


# --- checking what the user gives -------------------------------------------------------

def _parameters(params, who):
    """params as a list of distinct Values, or an error that says what to pass."""
    if isinstance(params, Value):
        raise TypeError(f"{who}: params must be a list of Values, got a single Value; "
                        f"wrap it in a list, e.g. {who}([w])")
    try:
        params = list(params)
    except TypeError:
        raise TypeError(f"{who}: params must be a list of Values, got "
                        f"{type(params).__name__} {shorten(params)}; "
                        f"pass model.parameters()") from None
    if not params:
        raise ValueError(f"{who}: the parameter list is empty; pass model.parameters() of a "
                         f"model that has parameters, or a list of Values")
    first: dict[int, int] = {}
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"{who}: parameter {i} is a {type(p).__name__}, not a Value; "
                            f"pass model.parameters()")
        if id(p) in first:
            raise ValueError(f"{who}: parameter {i} is the same Value as parameter "
                             f"{first[id(p)]}; list each parameter once (it would be "
                             f"updated twice per step)")
        first[id(p)] = i
    return params


def _lr(who, lr, default):
    fix = f"use a small positive number such as lr={default}"
    if isinstance(lr, bool) or not isinstance(lr, Real) or not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"{who}: lr must be a positive finite number, got {shorten(lr)}; {fix}")
    return float(lr)


def _betas(who, betas):
    fix = "use betas=(0.9, 0.999), PyTorch's default"
    if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2:
        raise TypeError(f"{who}: betas must be a pair (beta1, beta2), got "
                        f"{type(betas).__name__} {shorten(betas)}; {fix}")
    out = []
    for i, b in enumerate(betas):
        b = finite_number(who, f"betas[{i}]", b, fix)
        if not 0.0 <= b < 1.0:
            raise ValueError(f"{who}: betas[{i}] must be in [0, 1), got {b!r}; {fix}")
        out.append(b)
    return tuple(out)


def _bad_step(who, i, p, error):
    """The error for a parameter whose .data or .grad is not a number step() can use."""
    label = f" ({p.label!r})" if getattr(p, "label", "") else ""
    for name in ("grad", "data"):
        x = getattr(p, name)
        if isinstance(x, bool) or not isinstance(x, Real):
            return TypeError(f"{who}.step: parameter {i}{label} has .{name} = "
                             f"{type(x).__name__} {shorten(x)}, not a number; assign floats "
                             f"to .{name} (no parameter was changed)")
    return type(error)(f"{who}.step: parameter {i}{label}: {error} (no parameter was "
                       f"changed)")


# --- the common part: parameters, state, step, zero_grad, state_dict ---------------------

class _Optimizer:
    """What every optimizer here has: `params`, one state dict per parameter (`state[i]`),
    a step count `steps`, and `step()`, `zero_grad()`, `state_dict()` and
    `load_state_dict()`. A subclass names its hyperparameters (`_HYPER`), checks them
    (`_check`) and says how one parameter moves (`_update`)."""

    _HYPER: tuple[str, ...] = ()        # names of the hyperparameters, in state_dict order
    _STATE: tuple[str, ...] = ()        # names of each parameter's state
    _NULLABLE: tuple[str, ...] = ()     # state that may be None (not made yet)
    params: list[Value]
    state: list[dict[str, Any]]
    steps: int

    if TYPE_CHECKING:                   # what each optimizer defines
        def _check(self, *args: Any, **hyper: Any) -> dict[str, Any]: ...
        def _initial_state(self) -> dict[str, Any]: ...
        def _prepare(self, t: int) -> Any: ...
        def _update(self, p: float, g: float, state: dict[str, Any],
                    at_step: Any) -> tuple[float, dict[str, Any]]: ...

    def __init__(self, params: Iterable[Value], **hyper: Any) -> None:
        who = type(self).__name__
        self.params = _parameters(params, who)
        for name, value in self._check(**hyper).items():
            setattr(self, name, value)
        self.steps = 0
        self.state = [self._initial_state() for _ in self.params]

    def step(self) -> None:
        """Move every parameter once; all of them or, on error, none (state included)."""
        who = type(self).__name__
        new_data, new_state = [], []
        at_step = self._prepare(self.steps + 1)
        for i, (p, s) in enumerate(zip(self.params, self.state)):
            try:
                data, state = self._update(p.data, p.grad, s, at_step)
            except (TypeError, ArithmeticError) as e:
                raise _bad_step(who, i, p, e) from None
            new_data.append(data)
            new_state.append(state)
        for p, data in zip(self.params, new_data):
            p.data = data
        self.state = new_state
        self.steps += 1

    def zero_grad(self) -> None:
        """Set every parameter's `.grad` to 0.0 (call it before each `backward()`)."""
        for p in self.params:
            p.grad = 0.0

    def state_dict(self) -> dict[str, Any]:
        """A plain dict that `json.dumps` can write: the optimizer's name, its
        hyperparameters, the step count and each parameter's state by its index (as a
        string, as JSON keys are)."""
        hyper = {name: getattr(self, name) for name in self._HYPER}
        hyper = {k: list(v) if isinstance(v, tuple) else v for k, v in hyper.items()}
        return {"optimizer": type(self).__name__, "hyperparameters": hyper,
                "step": self.steps,
                "state": {str(i): dict(s) for i, s in enumerate(self.state)}}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set the hyperparameters, step count and per-parameter state from a
        `state_dict()`; all or nothing. A state of another optimizer, of another number of
        parameters, with missing or unexpected keys or with values that are not numbers
        raises an error that says which, and changes nothing."""
        who = f"{type(self).__name__}.load_state_dict"
        _keys(who, "the state", state, ("optimizer", "hyperparameters", "step", "state"))
        if state["optimizer"] != type(self).__name__:
            raise ValueError(f"{who}: this is the state of {shorten(state['optimizer'])}, not "
                             f"of {type(self).__name__}; load it into the optimizer that "
                             f"saved it")
        _keys(who, "'hyperparameters'", state["hyperparameters"], self._HYPER)
        hyper = self._check(**state["hyperparameters"])
        steps = state["step"]
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
            raise ValueError(f"{who}: 'step' must be an int of 0 or more, got "
                             f"{shorten(steps)}")
        per = state["state"]
        if not hasattr(per, "keys"):
            raise TypeError(f"{who}: 'state' must be a dict of parameter index -> state, got "
                            f"{type(per).__name__}")
        n = len(self.params)
        indices = sorted(str(k) for k in per)
        if indices != sorted(str(i) for i in range(n)):
            raise ValueError(f"{who}: the state is for {len(per)} parameters (indices "
                             f"{shorten(indices)}), but this optimizer has {n} (0 to {n - 1}); "
                             f"was it saved for a model of another shape?")
        by_index = {str(k): v for k, v in per.items()}
        new = [self._checked_state(who, i, by_index[str(i)]) for i in range(n)]
        for name, value in hyper.items():
            setattr(self, name, value)
        self.steps = steps
        self.state = new

    def _checked_state(self, who, i, s):
        _keys(who, f"the state of parameter {i}", s, self._STATE)
        out: dict[str, float | None] = {}
        for name in self._STATE:
            x = s[name]
            if x is None and name in self._NULLABLE:
                out[name] = None
                continue
            if isinstance(x, bool) or not isinstance(x, Real):
                raise TypeError(f"{who}: {name} of parameter {i} must be a number"
                                f"{' or None' if name in self._NULLABLE else ''}, got "
                                f"{type(x).__name__} {shorten(x)}")
            out[name] = float(x)
        return out

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._HYPER)
        return f"{type(self).__name__}({len(self.params)} parameters, {hyper})"


def _keys(who, what, d, expected):
    if not hasattr(d, "keys"):
        raise TypeError(f"{who}: {what} must be a dict, got {type(d).__name__} {shorten(d)}; "
                        f"pass what state_dict() returned")
    check_keys(d, expected, f"{who}: {what}",
               "pass what state_dict() of the same optimizer returned")


# --- SGD ---------------------------------------------------------------------------------

class SGD(_Optimizer):
    """Stochastic gradient descent, as `torch.optim.SGD` (without dampening): for each
    parameter p with gradient g, at each step

        g ← g + weight_decay · p                         (if weight_decay ≠ 0)
        b ← g at the first step, else momentum · b + g   (if momentum ≠ 0)
        g ← g + momentum · b if nesterov, else b         (if momentum ≠ 0)
        p ← p − lr · g

    With the defaults that is plain `p.data -= lr * p.grad`.

        >>> w = Value(1.0)
        >>> ((w - 3) ** 2).backward()            # d/dw = 2 (w - 3) = -4
        >>> opt = SGD([w], lr=0.25)
        >>> opt.step(); w.data                   # 1 - 0.25 * -4
        2.0
        >>> opt.zero_grad(); w.grad
        0.0
        >>> opt = SGD([w], lr=0.1, momentum=0.9)
        >>> w.grad = 1.0; opt.step(); opt.step(); round(w.data, 2)   # moves 0.1, then 0.19
        1.71
    """

    _HYPER = ("lr", "momentum", "weight_decay", "nesterov")
    _STATE = ("momentum_buffer",)
    _NULLABLE = ("momentum_buffer",)
    lr: float
    momentum: float
    weight_decay: float
    nesterov: bool

    def __init__(self, params: Iterable[Value], lr: float = 0.01, momentum: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False) -> None:
        super().__init__(params, lr=lr, momentum=momentum, weight_decay=weight_decay,
                         nesterov=nesterov)

    def _check(self, lr, momentum, weight_decay, nesterov):
        who = type(self).__name__
        lr = _lr(who, lr, 0.01)
        momentum = non_negative(who, "momentum", momentum,
                                 "use 0 for none or a number such as momentum=0.9")
        weight_decay = non_negative(who, "weight_decay", weight_decay,
                                     "use 0 for none or a small number such as 1e-4")
        if not isinstance(nesterov, bool):
            raise TypeError(f"{who}: nesterov must be True or False, got "
                            f"{type(nesterov).__name__} {shorten(nesterov)}")
        if nesterov and momentum == 0:
            raise ValueError(f"{who}: nesterov=True needs momentum > 0, got momentum="
                             f"{momentum!r}; set momentum=0.9, say, or nesterov=False")
        return {"lr": lr, "momentum": momentum, "weight_decay": weight_decay,
                "nesterov": nesterov}

    def _initial_state(self):
        return {"momentum_buffer": None}

    def _prepare(self, t):
        return None

    def _update(self, p, g, state, _):
        # torch/optim/sgd.py, _single_tensor_sgd, with dampening 0
        if self.weight_decay != 0:
            g = g + self.weight_decay * p
        momentum = self.momentum
        buf = state["momentum_buffer"]
        if momentum != 0:
            buf = g if buf is None else buf * momentum + g
            g = g + momentum * buf if self.nesterov else buf
        return p - self.lr * g, {"momentum_buffer": buf}


# --- Adam and AdamW ----------------------------------------------------------------------

def _lerp(start, end, weight):
    """start + weight · (end − start), computed as torch.lerp does (from the nearer end)."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


class Adam(_Optimizer):
    """Adam, as `torch.optim.Adam` (without amsgrad): for each parameter p with gradient g,
    at step t = 1, 2, ...

        g ← g + weight_decay · p     (if weight_decay ≠ 0: L2, in g)
        m ← m + (1 − β1) · (g − m)   (= β1 m + (1 − β1) g)
        v ← β2 · v + (1 − β2) · g²
        p ← p − lr / (1 − β1^t) · m / (√v / √(1 − β2^t) + eps)

    m and v start at 0; `state[i]` holds them as `exp_avg` and `exp_avg_sq`.

        >>> w = Value(1.0); opt = Adam([w], lr=0.1)
        >>> ((w - 3) ** 2).backward(); opt.step()
        >>> round(w.data, 6)                     # the first step moves by about lr
        1.1
        >>> opt.steps, round(opt.state[0]["exp_avg"], 6)   # (1 - 0.9) * -4
        (1, -0.4)
    """

    _HYPER = ("lr", "betas", "eps", "weight_decay")
    _STATE = ("exp_avg", "exp_avg_sq")
    _DECOUPLED = False      # AdamW: weight decay applied to p directly, not added to g
    lr: float
    betas: tuple[float, float]
    eps: float
    weight_decay: float

    def __init__(self, params: Iterable[Value], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)

    def _check(self, lr, betas, eps, weight_decay):
        who = type(self).__name__
        return {"lr": _lr(who, lr, 0.001), "betas": _betas(who, betas),
                "eps": non_negative(who, "eps", eps, "use a small number such as 1e-8"),
                "weight_decay": non_negative(who, "weight_decay", weight_decay,
                                              "use 0 for none or a small number such as "
                                              "0.01")}

    def _checked_state(self, who, i, s):
        out = super()._checked_state(who, i, s)
        if not out["exp_avg_sq"] >= 0:
            raise ValueError(f"{who}: exp_avg_sq of parameter {i} must be 0 or more (a "
                             f"mean of squares), got {out['exp_avg_sq']!r}")
        return out

    def _initial_state(self):
        return {"exp_avg": 0.0, "exp_avg_sq": 0.0}

    def _prepare(self, t):
        # the same for every parameter at step t: the step size and √(bias correction 2)
        beta1, beta2 = self.betas
        bias_correction1 = 1 - beta1 ** t
        bias_correction2 = 1 - beta2 ** t
        return self.lr / bias_correction1, bias_correction2 ** 0.5

    def _update(self, p, g, state, at_step):
        # torch/optim/adam.py, _single_tensor_adam, neither capturable nor differentiable
        step_size, bias_correction2_sqrt = at_step
        beta1, beta2 = self.betas
        if self.weight_decay != 0:
            if self._DECOUPLED:
                p = p * (1 - self.lr * self.weight_decay)
            else:
                g = g + self.weight_decay * p
        m = _lerp(state["exp_avg"], g, 1 - beta1)
        v = state["exp_avg_sq"] * beta2 + (1 - beta2) * g * g
        denom = math.sqrt(v) / bias_correction2_sqrt + self.eps
        if denom == 0:                  # PyTorch would write nan (0/0) into the parameter
            raise ZeroDivisionError(f"sqrt(v) + eps is 0 (its gradients so far are 0, or "
                                    f"too small to square, and eps={self.eps!r}); use "
                                    f"eps > 0, e.g. 1e-8")
        return p + -step_size * m / denom, {"exp_avg": m, "exp_avg_sq": v}


class AdamW(Adam):
    """Adam with decoupled weight decay, as `torch.optim.AdamW` (Loshchilov and Hutter):
    the parameter itself shrinks by lr · weight_decay · p before the Adam step, instead of
    weight_decay · p being added to the gradient:

        p ← p · (1 − lr · weight_decay)
        then Adam's update of m, v and p, with g unchanged

    PyTorch's defaults, weight_decay=0.01 included.

        >>> w = Value(2.0); opt = AdamW([w], lr=0.1, weight_decay=0.5)
        >>> w.grad = 0.0; opt.step(); w.data     # no gradient: only the decay, 2 (1 - 0.05)
        1.9
    """

    _DECOUPLED = True

    def __init__(self, params: Iterable[Value], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
