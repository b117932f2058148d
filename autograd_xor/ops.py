"""The op table: every op of the engine, its math and how each part of the project shows it.

One row per op, keyed by the name a node records in `Value._op`:

* `forward(xs, k)`: the result on floats (`xs` the operands' numbers, `k` the op's parameter,
  e.g. the exponent of `x ** 3`), raising a clear error for inputs the engine refuses;
* `backward(g, xs, out, k)`: each operand's share of an upstream gradient `g`, written as
  PyTorch writes it (the gradient first, in PyTorch's order of operations), `None` where PyTorch
  *selects* a zero instead of multiplying (a dead ReLU passes back 0, even times an infinite
  gradient). The engine stores `backward(1.0, ...)` on each node at forward time, the op's
  *local derivatives*, so `Value.backward()` only multiplies and adds; where a local
  derivative is not a finite number (`1/x` for a subnormal x overflows), the node keeps the
  op and applies `backward(g, ...)` itself, so the gradient is PyTorch's;
* `derivative`: each local derivative in words, for stepping and the explorer, and `written`,
  the op written with its operands ("{0} * {1}", "tanh({0})");
* `replay`: the code a compiled replay inlines for the forward value and each local
  derivative (None: the replay calls `forward`/`backward`);
* `domain` and `safe`: where property tests draw each operand so that finite differences hold,
  and how random expressions apply the op to any real number;
* `torch`: the same op in PyTorch (float64), for the oracle tests.

    >>> op, k = lookup("**3")
    >>> op.forward((2.0,), k), op.backward(1.0, (2.0,), 8.0, k)
    (8.0, (12.0,))
    >>> lookup("tanh")[0].formula
    'd tanh(z)/dz = 1 − tanh(z)²'

Adding an op is one `Op(...)` row in `OPS` (the engine then gives `Value` a method for a
unary op with `method=` set), plus its tests; `tests/test_ops.py` holds every row to the
engine, to finite differences and to the replay.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["BCE_EPSILON", "OPS", "WEIGHTED_SUM", "Op", "bce_logits_value", "bce_value", "logsumexp",
           "lookup", "op_text", "sigmoid", "softmax_floats", "written"]

# PyTorch's binary_cross_entropy clamps the derivative's denominator at EPSILON = 1e-12,
# a C float: 1e-12 rounded to single precision.
BCE_EPSILON = 9.999999960041972e-13


@dataclass(frozen=True)
class Op:
    """One row of the op table. See the module docstring for what each field is for.

        >>> row = OPS["tanh"]
        >>> row.written.format("z"), row.derivative[0].format(out="t"), row.method
        ('tanh(z)', '1 − t²', 'tanh')
        >>> row.backward(2.0, (0.0,), row.forward((0.0,), None), None)   # 2 * (1 - 0²)
        (2.0,)
    """
    name: str
    arity: int                                  # operands; 0 means any number of them
    forward: Callable[..., float]
    backward: Callable[..., tuple[float | None, ...]]
    formula: str                                # the local derivative(s), in words
    derivative: tuple[str, ...]                 # per operand, with {0} {1} {out} {k}
    written: str                                # the op with its operands: "tanh({0})"
    replay: tuple[str, tuple[str, ...]] | None
    domain: tuple[tuple[float, float], ...]     # per operand: where it is smooth
    torch: str                                  # the PyTorch expression, {0} {1} {k}
    safe: tuple[Any, ...] = ()                  # per operand: (fn of a Value, text) or None
    kinks: tuple[float, ...] = ()               # operand values where the slope jumps
    params: tuple[Any, ...] = ()                # parameters property tests try
    method: str | None = None                   # Value method the engine makes from this row
    parse: Callable[[str], Any] | None = None   # the parameter from the op's text
    edges: str = ""                             # what it does at 0, ±inf, nan, ... and why


def _slope_text(k: float) -> str:
    """A number as an op's text shows it: 2 for 2.0, otherwise its repr."""
    return str(int(k)) if float(k).is_integer() and abs(k) < 1e15 else repr(float(k))


def op_text(name: str, k: float | None = None) -> str:
    """The text a node records as `_op`: the name, with the parameter where it has one.

        >>> op_text("**k", 2.0), op_text("leaky_relu", 0.01), op_text("tanh")
        ('**2', 'leaky_relu(0.01)', 'tanh')
    """
    if k is None:
        return name
    if name == "**k":
        return "**" + _slope_text(k)
    if name == "cross_entropy":
        return f"cross_entropy(y={k})"
    return f"{name}({_slope_text(k)})"


def sigmoid(x: float) -> float:
    """1 / (1 + e^-x), as PyTorch computes it: 0.0 where e^-x overflows (x below -709.78).

        >>> sigmoid(0.0), sigmoid(-1000.0), sigmoid(1000.0)
        (0.5, 0.0, 1.0)
    """
    try:
        return 1.0 / (1.0 + math.exp(-x))
    except OverflowError:
        return 0.0


def logsumexp(xs: Sequence[float]) -> float:
    """log(sum(e^x)) with the largest x taken out first, so nothing overflows.

        >>> logsumexp([0.0, 0.0]) == math.log(2), logsumexp([1000.0, 1000.0]) > 1000.69
        (True, True)
    """
    m = max(xs)
    if math.isinf(m) or m != m:
        return m if m > 0 or m != m else -math.inf
    return m + math.log(math.fsum(math.exp(x - m) for x in xs))


def softmax_floats(xs: Sequence[float]) -> list[float]:
    """e^x / sum(e^x) for each x, the largest x subtracted first.

        >>> softmax_floats([0.0, 0.0]), softmax_floats([-1000.0, 1000.0])
        ([0.5, 0.5], [0.0, 1.0])
    """
    lse = logsumexp(xs)
    return [math.exp(x - lse) for x in xs]


def bce_value(p: float, t: float) -> float:
    """PyTorch's binary cross-entropy of a probability p against a target t, each log
    clamped at -100 so that p = 0 or 1 gives a large finite loss.

        >>> round(bce_value(0.8, 1.0), 4), bce_value(0.0, 1.0)     # -log 0.8; the clamp
        (0.2231, 100.0)
    """
    log_p = max(math.log(p), -100.0) if p > 0.0 else -100.0
    log_q = max(math.log1p(-p), -100.0) if p < 1.0 else -100.0
    return (t - 1.0) * log_q - t * log_p         # PyTorch's order: the same signed zeros


def bce_logits_value(x: float, t: float) -> float:
    """binary_cross_entropy(sigmoid(x), t) from the logit x, in PyTorch's form, which never
    overflows: (1 - t) x - log σ(x), with log σ(x) = min(x, 0) - log(1 + e^-|x|).

        >>> round(bce_logits_value(0.0, 1.0), 4), bce_logits_value(-1000.0, 0.0)
        (0.6931, 0.0)
    """
    return (1.0 - t) * x - (min(x, 0.0) - math.log1p(math.exp(-abs(x))))


# --- the forward and backward math, op by op ---------------------------------------------

def _refuse(kind, template, *xs):
    """The error for an input an op refuses. `template` names operand i's number as {i} and
    the place for its label as {wi}; the engine fills in the labels of its nodes."""
    error = kind(template.format(*map(repr, xs), **{f"w{i}": "" for i in range(len(xs))}))
    error.template, error.operands = template, xs
    return error


def _div(a, b):
    """a / b as IEEE 754 divides: ±inf or nan where Python raises ZeroDivisionError."""
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0.0 or a != a:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _odd(b):
    return b == b and abs(b) < 2.0 ** 53 and b.is_integer() and b % 2.0 == 1.0


def _c_pow(a, b):
    """C's pow(a, b): ±inf or nan where Python raises or answers with a complex number."""
    try:
        r = a ** b
    except ZeroDivisionError:               # 0 ** negative
        return math.copysign(math.inf, a) if _odd(b) else math.inf
    except OverflowError:
        return -math.inf if a < 0.0 and _odd(b) else math.inf
    return math.nan if isinstance(r, complex) else r


def _scalar_pow(a, k):
    """a ** k for a plain-number exponent k, as PyTorch computes it: its CPU kernel takes
    a·a for 2, a·a·a for 3, sqrt for 0.5 (so (-0.0) ** 0.5 = -0.0, (-inf) ** 0.5 = nan),
    1/sqrt for -0.5, 1/a for -1 and 1/(a·a) for -2; C's pow otherwise."""
    if k == 2.0:
        return a * a
    if k == 3.0:
        return a * a * a
    if k == 0.5 or k == -0.5:
        root = math.sqrt(a) if a >= 0.0 else math.nan
        return root if k > 0.0 else _div(1.0, root)
    if k == -1.0:
        return _div(1.0, a)
    if k == -2.0:
        return _div(1.0, a * a)
    return _c_pow(a, k)


def _number_pow(a, k):
    """a ** k for a plain-number exponent: Python's (C's) pow, so that the value is
    micrograd's to the last bit, except where PyTorch's kernel (sqrt for 0.5) differs in
    kind: (-0.0) ** 0.5 is -0.0 and (-inf) ** 0.5 is nan."""
    if k == 0.5 and (a == -math.inf or (a == 0.0 and math.copysign(1.0, a) < 0.0)):
        return _scalar_pow(a, k)
    return _c_pow(a, k)


def _pow_forward(a, b, op, power):
    if a == 0.0 and b < 0.0 and b != -math.inf:
        raise _refuse(ZeroDivisionError, op + ": 0.0 ** {1} is a division by zero; keep the "
                      "base away from zero or use a non-negative exponent", a, b)
    if a < 0.0 and a != -math.inf and math.isfinite(b) and not b.is_integer():
        raise _refuse(ValueError, op + ": a negative base {0}{w0} to the fractional power {1} "
                      "is not a real number; use an integer exponent or a positive base", a, b)
    out = power(a, b)
    if math.isinf(out) and math.isfinite(a) and math.isfinite(b):
        raise _refuse(OverflowError, op + ": {0}{w0} ** {1} overflows a float (the largest is "
                      "about 1.8e308); scale the base or the exponent down", a, b)
    return out


def _pow_k_backward(g, xs, out, k):
    # PyTorch's pow_backward: zero where the exponent is 0, else grad * (k * a^(k-1))
    return (None if k == 0.0 else g * (k * _scalar_pow(xs[0], k - 1.0)),)


def _pow_backward(g, xs, out, k):
    a, b = xs
    da = None if b == 0.0 else g * (b * _c_pow(a, b - 1.0))     # selected where b == 0
    if a == 0.0 and b >= 0.0:
        slope = 0.0                         # PyTorch takes 0 here (a zero it multiplies by)
    else:
        slope = out * (math.log(a) if a > 0.0 else -math.inf if a == 0.0 else math.nan)
    return da, g * slope


def _log_forward(xs, k):
    x = xs[0]
    if x <= 0.0:
        raise _refuse(ValueError, "log: log({0}){w0} is undefined; log needs a positive input "
                      "(clamp it, e.g. with a small epsilon)", x)
    return math.log(x)


def _exp_forward(xs, k):
    try:
        return math.exp(xs[0])
    except OverflowError:
        raise _refuse(OverflowError, "exp: exp({0}){w0} overflows a float (inputs above about "
                      "709.78 do); scale the input down", xs[0]) from None


def _div_forward(xs, k):
    a, b = xs
    if b == 0.0:
        raise _refuse(ZeroDivisionError, "/: division of {0}{w0} by zero{w1}; keep the divisor "
                      "away from zero", a, b)
    return a / b


def _sqrt_forward(xs, k):
    x = xs[0]
    if x < 0.0:
        raise _refuse(ValueError, "sqrt: sqrt({0}){w0} of a negative number is not real; clamp "
                      "the input at 0 first", x)
    return math.sqrt(x)


def _relu_backward(g, xs, out, k):
    return (None if out <= 0.0 else g,)     # PyTorch's threshold_backward: select, not multiply


def _abs_backward(g, xs, out, k):
    x = xs[0]
    return (g * (1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0),)     # g * sign(x); sign(0) = 0


def _leaky_backward(g, xs, out, k):
    return (g if xs[0] > 0.0 else g * k,)


def _softplus_forward(xs, k):
    x = xs[0]
    return x if x > 20.0 else math.log1p(math.exp(x))     # PyTorch's threshold 20: exactly x


def _softplus_backward(g, xs, out, k):
    x = xs[0]
    if x > 20.0:
        return (g,)
    z = math.exp(x)
    return (g * z / (z + 1.0),)


def _bce_forward(xs, k):
    p, t = xs
    if not 0.0 <= p <= 1.0:
        raise _refuse(ValueError, "binary_cross_entropy: the prediction must be a probability "
                      "in [0, 1], got {0}{w0}; apply sigmoid() first, or use "
                      "binary_cross_entropy_with_logits", p, t)
    if not 0.0 <= t <= 1.0:
        raise _refuse(ValueError, "binary_cross_entropy: the target must lie in [0, 1], got "
                      "{1}{w1}", p, t)
    return bce_value(p, t)


def _bce_backward(g, xs, out, k):
    p, t = xs
    dp = g * (p - t) / max((1.0 - p) * p, BCE_EPSILON)
    ratio = p / (1.0 - p) if p != 1.0 else math.inf
    dt = -(math.log(ratio) if ratio > 0.0 else -math.inf) * g     # -logit(p) * g
    return dp, dt


def _bce_logits_forward(xs, k):
    x, t = xs
    if not 0.0 <= t <= 1.0:
        raise _refuse(ValueError, "binary_cross_entropy_with_logits: the target must lie in "
                      "[0, 1], got {1}{w1}", x, t)
    return bce_logits_value(x, t)


def _bce_logits_backward(g, xs, out, k):
    x, t = xs
    return g * (sigmoid(x) - t), -g * x


def _weighted_sum_terms(xs, inputs):
    """(weight, input) pairs of a weighted sum: `xs` are its operands' numbers (each weight,
    then its input where the input is a Value; the bias last); `inputs[i]` is None where
    weight i's input is such an operand, else the plain number it was fed."""
    pos = 0
    for x in inputs:
        if x is None:
            yield pos, xs[pos + 1]
            pos += 2
        else:
            yield pos, x
            pos += 1


def _weighted_sum_forward(xs, inputs):
    s = xs[-1]                                  # bias + w0 x0 + w1 x1 + ..., left to right
    for pos, x in _weighted_sum_terms(xs, inputs):
        s += xs[pos] * x
    return s


def _weighted_sum_backward(g, xs, inputs):
    grads = []
    for (pos, x), given in zip(_weighted_sum_terms(xs, inputs), inputs):
        grads.append(g * x)                     # d/dw = x
        if given is None:
            grads.append(g * xs[pos])           # d/dx = w
    return tuple(grads) + (g,)                  # d/db = 1


def _cross_entropy_forward(xs, t):
    if not 0 <= t < len(xs):
        raise IndexError(f"cross_entropy: the target class {t!r} is not one of the "
                         f"{len(xs)} classes 0..{len(xs) - 1}")
    return logsumexp(xs) - xs[t]


def _cross_entropy_backward(g, xs, out, t):
    p = softmax_floats(xs)
    return tuple(g * (q - 1.0 if i == t else q) for i, q in enumerate(p))


def _float(text):
    return float(text)


def _class_index(text):
    return int(text.removeprefix("y="))


_ANY = (-2.0, 2.0)
_POSITIVE = ((lambda a: 1 + a * a), "1 + ({})**2")
_UNIT = ((lambda a: a.sigmoid()), "sigmoid({})")

OPS = {op.name: op for op in [
    Op("+", 2, lambda xs, k: xs[0] + xs[1], lambda g, xs, out, k: (g, g),
       "d(a + b)/da = 1, d(a + b)/db = 1", ("1", "1"), "{0} + {1}",
       ("{0} + {1}", ("1.0", "1.0")), (_ANY, _ANY), "{0} + {1}",
       edges=("IEEE sums: inf + (-inf) is nan, as in PyTorch; never an error.")),
    Op("-", 2, lambda xs, k: xs[0] - xs[1], lambda g, xs, out, k: (g, -g),
       "d(a − b)/da = 1, d(a − b)/db = −1", ("1", "−1"), "{0} - {1}",
       ("{0} - {1}", ("1.0", "-1.0")), (_ANY, _ANY), "{0} - {1}",
       edges=("IEEE differences: inf - inf is nan, as in PyTorch; never an error.")),
    Op("*", 2, lambda xs, k: xs[0] * xs[1], lambda g, xs, out, k: (g * xs[1], g * xs[0]),
       "d(a·b)/da = b, d(a·b)/db = a", ("{1}", "{0}"), "{0} * {1}",
       ("{0} * {1}", ("{1}", "{0}")), (_ANY, _ANY), "{0} * {1}",
       edges=("IEEE products: 0 · inf is nan (also in the backward pass: a zero input times an "
              "infinite gradient), as in PyTorch.")),
    Op("/", 2, _div_forward,
       lambda g, xs, out, k: (_div(g, xs[1]), -g * _div(_div(xs[0], xs[1]), xs[1])),
       "d(a/b)/da = 1/b, d(a/b)/db = −a/b²", ("1/{1}", "−{0}/{1}²"), "{0} / {1}",
       None, (_ANY, (0.5, 2.0)), "{0} / {1}",
       safe=(None, _POSITIVE),
       edges=("Division by zero is refused with ZeroDivisionError (PyTorch gives ±inf or nan): "
              "a learner's x / 0 is almost always a bug. The backward pass divides as PyTorch "
              "does (g / b, −g·((a / b) / b)), so a subnormal divisor gives a finite gradient "
              "where 1/b would overflow.")),
    Op("neg", 1, lambda xs, k: -xs[0], lambda g, xs, out, k: (-g,),
       "d(−a)/da = −1", ("−1",), "-{0}", ("-{0}", ("-1.0",)), (_ANY,), "-{0}",
       edges=("Exact; -(0.0) is -0.0.")),
    Op("**k", 1, lambda xs, k: _pow_forward(xs[0], k, op_text("**k", k), _number_pow),
       _pow_k_backward,
       "d(a^k)/da = k·a^(k−1)", ("{k}·{0}^({k} − 1)",), "{0}**{k}", None, ((0.5, 2.0),),
       "{0} ** {k}", safe=(((lambda a: 1 + a.sigmoid()), "1 + sigmoid({})"),),
       params=(2.0, 3.0, 0.5, -1.5), parse=_float,
       edges=("Python's pow, so the value is micrograd's to the last bit, but as PyTorch's "
              "sqrt at 0.5: (−0.0) ** 0.5 is −0.0 and (−inf) ** 0.5 is nan. The slope "
              "k·a^(k−1) takes a^(k−1) as PyTorch's kernel does (1/sqrt for −0.5, so −inf at "
              "−0.0). Refused: 0 to a negative power (ZeroDivisionError), a negative base to a "
              "fractional power (ValueError), a finite result that overflows (OverflowError); "
              "PyTorch gives inf or nan. The slope of a ** 0 is a selected 0, even times an "
              "infinite gradient; the slope at a = 0 for 0 < k < 1 is inf.")),
    Op("**", 2, lambda xs, k: _pow_forward(xs[0], xs[1], "**", _c_pow), _pow_backward,
       "d(a^b)/da = b·a^(b−1), d(a^b)/db = a^b·ln a", ("{1}·{0}^({1} − 1)", "{out}·ln {0}"),
       "{0} ** {1}", None, ((0.5, 2.0), _ANY), "{0} ** {1}",
       safe=(((lambda a: 1 + a.sigmoid()), "1 + sigmoid({})"),
             ((lambda b: b.tanh()), "tanh({})")),
       edges=("As C's pow, with the refusals of a ** k. d/da is a selected 0 where b = 0; d/db "
              "is 0 where a = 0 and b ≥ 0 (a zero PyTorch multiplies by, so an infinite "
              "gradient gives nan), a^b·ln a otherwise (nan for a negative base).")),
    Op("tanh", 1, lambda xs, k: math.tanh(xs[0]),
       lambda g, xs, out, k: (g * (1.0 - out * out),),
       "d tanh(z)/dz = 1 − tanh(z)²", ("1 − {out}²",), "tanh({0})",
       ("tanh({0})", ("1.0 - {out} * {out}",)), (_ANY,), "torch.tanh({0})", method="tanh",
       edges=("Finite everywhere: tanh(±inf) = ±1 with slope 0; tanh(nan) is nan.")),
    Op("sigmoid", 1, lambda xs, k: sigmoid(xs[0]),
       lambda g, xs, out, k: (g * (1.0 - out) * out,),
       "dσ(z)/dz = σ(z)·(1 − σ(z))", ("{out}·(1 − {out})",), "sigmoid({0})",
       ("sigmoid({0})", ("(1.0 - {out}) * {out}",)), (_ANY,), "torch.sigmoid({0})",
       method="sigmoid",
       edges=("1/(1 + e^−z) as PyTorch: 0.0 below z ≈ −709.78 (where e^−z overflows), 1.0 far "
              "above; slope σ(1 − σ), 0 at both ends.")),
    Op("relu", 1, lambda xs, k: 0.0 if xs[0] < 0.0 else xs[0], _relu_backward,
       "d relu(z)/dz = 1 for z > 0, else 0", ("1 if {0} > 0 else 0",), "relu({0})",
       ("0.0 if {0} < 0.0 else {0}", ("1.0 if {0} > 0.0 or {0} != {0} else None",)), (_ANY,),
       "torch.relu({0})", kinks=(0.0,),
       method="relu",
       edges=("The slope is a selected 0 for z ≤ 0 (the kink included, as micrograd and "
              "PyTorch), so a dead unit passes back 0 even times an infinite gradient; "
              "relu(nan) is nan and passes the gradient on (PyTorch tests z ≤ 0).")),
    Op("exp", 1, _exp_forward, lambda g, xs, out, k: (g * out,),
       "d e^z/dz = e^z", ("{out}",), "exp({0})", ("exp({0})", ("{out}",)), ((-2.0, 2.0),),
       "torch.exp({0})", safe=(((lambda a: a.tanh()), "tanh({})"),), method="exp",
       edges=("Refused with OverflowError above z ≈ 709.78 (PyTorch gives inf): an overflowing "
              "exp is almost always a scaling bug. exp(inf) is inf, exp(−inf) is 0.")),
    Op("log", 1, _log_forward, lambda g, xs, out, k: (_div(g, xs[0]),),
       "d ln(z)/dz = 1/z", ("1/{0}",), "log({0})", None,
       ((0.2, 4.0),), "torch.log({0})", safe=(_POSITIVE,), method="log",
       edges=("Refused with ValueError for z ≤ 0 (PyTorch gives −inf or nan). The backward pass "
              "is g / z, so a subnormal z gives a finite gradient where 1/z would overflow.")),
    Op("abs", 1, lambda xs, k: abs(xs[0]), _abs_backward,
       "d|z|/dz = sign(z) (0 at z = 0)", ("sign({0})",), "abs({0})", None, (_ANY,),
       "torch.abs({0})", kinks=(0.0,), method="abs",
       edges=("The slope at 0 is 0 (sign(0) = 0, a zero that multiplies, as PyTorch), and at "
              "nan it is 0 too.")),
    Op("sqrt", 1, _sqrt_forward, lambda g, xs, out, k: (_div(g, 2.0 * out),),
       "d √z/dz = 1/(2√z)", ("1/(2·{out})",), "sqrt({0})", None, ((0.2, 4.0),),
       "torch.sqrt({0})", safe=(_POSITIVE,), method="sqrt",
       edges=("Refused with ValueError for z < 0 (PyTorch gives nan); sqrt(−0.0) is −0.0. The "
              "backward pass is g / (2·sqrt z): ±inf at 0, as PyTorch.")),
    Op("leaky_relu", 1, lambda xs, k: xs[0] if xs[0] > 0.0 else xs[0] * k, _leaky_backward,
       "d leaky_relu(z)/dz = 1 for z > 0, else the slope", ("1 if {0} > 0 else {k}",),
       "leaky_relu({0}, {k})", None, (_ANY,),
       "torch.nn.functional.leaky_relu({0}, {k})", kinks=(0.0,), params=(0.01, 0.2),
       method="leaky_relu", parse=_float,
       edges=("z for z > 0, else slope·z; the slope at 0 (and at nan) is the negative side's, "
              "as PyTorch.")),
    Op("softplus", 1, _softplus_forward, _softplus_backward,
       "d softplus(z)/dz = σ(z) (1 above z = 20, where softplus(z) = z)", ("σ({0})",),
       "softplus({0})", None, (_ANY,), "torch.nn.functional.softplus({0})",
       method="softplus",
       edges=("log(1 + e^z) below z = 20 and z itself above, as PyTorch's threshold 20; finite "
              "for any z (softplus(−800) is 0, softplus(800) is 800).")),
    Op("bce", 2, _bce_forward, _bce_backward,
       "dL/dp = (p − t)/(p(1 − p)), dL/dt = −ln(p/(1 − p))",
       ("({0} − {1})/({0}(1 − {0}))", "−ln({0}/(1 − {0}))"), "bce({0}, {1})", None,
       ((0.1, 0.9), (0.0, 1.0)), "torch.nn.functional.binary_cross_entropy({0}, {1}, reduction='none')",
       safe=(_UNIT, _UNIT),
       edges=("PyTorch's BCELoss: each log is clamped at −100, so p = 0 or 1 gives a large "
              "finite loss; the slope (p − t)/max(p(1 − p), 1e−12) (the 1e−12 a C float, as "
              "PyTorch); the target's slope −ln(p/(1 − p)) is ±inf at p = 1 or 0. A p or t "
              "outside [0, 1] is refused with ValueError (PyTorch raises too).")),
    Op("bce_logits", 2, _bce_logits_forward, _bce_logits_backward,
       "dL/dz = σ(z) − t, dL/dt = −z", ("σ({0}) − {1}", "−{0}"), "bce_logits({0}, {1})",
       None, (_ANY, (0.0, 1.0)),
       "torch.nn.functional.binary_cross_entropy_with_logits({0}, {1}, reduction='none')",
       safe=(None, _UNIT),
       edges=("PyTorch's form (1 − t)·z − log σ(z), which never overflows; slopes σ(z) − t and "
              "−z. A t outside [0, 1] is refused with ValueError.")),
    Op("Σw·x+b", 0, _weighted_sum_forward,
       lambda g, xs, out, k: _weighted_sum_backward(g, xs, k),
       "d(b + Σ wᵢxᵢ)/dwᵢ = xᵢ, d/dxᵢ = wᵢ, d/db = 1", ("xᵢ", "wᵢ", "1"), "Σw·x+b", None,
       (_ANY,), "",
       edges=("The same floats as micrograd's chain of * and + (b first, then each w·x left to "
              "right); IEEE throughout.")),
    Op("max_nograd", 0, lambda xs, k: max(xs), lambda g, xs, out, k: (None,) * len(xs),
       "no gradient: the largest input, held constant", ("0",), "max_nograd",
       None, (_ANY,), "torch.max(torch.stack([{0}])).detach()",
       edges=("The largest input (nan if any input is nan, as Python's max may not say: the "
              "softmax that uses it gives nan either way); no gradient flows through it, so "
              "softmax(z) can subtract it from every logit without changing any gradient.")),
    Op("cross_entropy", 0, _cross_entropy_forward, _cross_entropy_backward,
       "dL/dzᵢ = softmax(z)ᵢ − [i = y]", ("softmax(z)ᵢ − [i = {k}]",),
       "cross_entropy({0}, y={k})", None, (_ANY,),
       "torch.nn.functional.cross_entropy({0}, {k})", parse=_class_index,
       edges=("log Σ e^z − z_y with the largest logit taken out first, so logits near ±1000 do "
              "not overflow; slopes softmax(z) − onehot(y). A class index out of range is "
              "refused with IndexError.")),
]}

WEIGHTED_SUM = OPS["Σw·x+b"]

_PREFIXED = [("**", OPS["**k"]), ("leaky_relu(", OPS["leaky_relu"]),
             ("cross_entropy(", OPS["cross_entropy"])]


def lookup(text: str) -> tuple[Op, Any]:
    """The table row and the parameter for a node's `_op` text, e.g. "**2" -> (**k, 2.0).

    A `KeyError` names the op when the table has no row for it (a micrograd-style node
    made with `Value(data, children, op)` records whatever op text its author chose).

        >>> lookup("leaky_relu(0.2)")[1], lookup("+")[0].formula
        (0.2, 'd(a + b)/da = 1, d(a + b)/db = 1')
    """
    op = OPS.get(text)
    if op is not None and not op.parse:
        return op, None
    for prefix, row in _PREFIXED:
        if text.startswith(prefix) and text != prefix:
            inner = text[len(prefix):].removesuffix(")")
            assert row.parse is not None            # every prefixed row reads its parameter
            try:
                return row, row.parse(inner)
            except ValueError:
                break
    raise KeyError(f"the op {text!r} is not in the op table (autograd_xor.ops.OPS); a node "
                   f"made with Value(data, children, op) keeps its own _backward")


def written(text: str, args: Sequence[str]) -> str:
    """The op whose `_op` text is `text`, written with `args` (names or numbers) as the table
    writes it; an op the table does not know (a node made by hand) as `op(args)`.

        >>> written("*", ["a", "b"]), written("tanh", ["n"]), written("**2", ["a"])
        ('a * b', 'tanh(n)', 'a**2')
        >>> written("sin", ["x"]), written("Σw·x+b", ["w", "x", "b"])
        ('sin(x)', 'Σw·x+b(w, x, b)')
    """
    try:
        op, k = lookup(text)
    except KeyError:
        op = None
    if op is None or op.arity == 0:
        return f"{text}({', '.join(args)})"
    return op.written.replace("{k}", text[2:] if op.name == "**k" else str(k)).format(*args)
