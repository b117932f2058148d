"""Hypothesis strategies for property-testing gradients (needs the `testing` extra).

`expressions(n)` draws random expression trees over `n` variables, built as data with
`st.recursive`, and every op is applied in a form that is defined and differentiable for
every real input (e.g. `log(1 + a^2)`, `a / (1 + b^2)`), so no draw has to be thrown away for
leaving a domain. Each drawn `Expression` is a function of `n` Values that prints as a formula.

    >>> from hypothesis import given
    >>> from autograd_xor import gradcheck
    >>> @given(expressions(2), points(2))
    ... def test_gradients(f, xs):
    ...     if kink_margin(f, xs) > 1e-3:          # finite differences need distance from a kink
    ...         assert gradcheck(f, xs, atol=1e-4, rtol=1e-3)
    >>> test_gradients()
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any, Callable

from hypothesis import strategies as st

from .engine import Value, apply_op, topological_order
from .ops import OPS, lookup, op_text

__all__ = ["BINARY", "UNARY", "Expression", "expressions", "kink_margin", "points"]

_INFIX = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
          "**": operator.pow}


def _call(op, k):
    """How an expression applies op: the Python operator or Value method users write
    (so the engine's own fast code is tested), else the engine's `apply_op`."""
    if op.name in _INFIX:
        return _INFIX[op.name]
    if op.name == "neg":
        return operator.neg
    if op.name == "**k":
        return lambda a: a ** k
    if op.method and op.parse:
        return lambda a: getattr(a, op.method)(k)
    if op.method:
        return lambda a: getattr(a, op.method)()
    return lambda *xs: apply_op(op.name, *xs, k=k)


def _safe(op, k):
    """(fn, text): op applied to operands moved into its domain by the table's `safe`."""
    moves = op.safe or (None,) * op.arity
    call = _call(op, k)
    fns = [m[0] if m else (lambda a: a) for m in moves]
    texts = [m[1] if m else "{}" for m in moves]
    written = op.written.replace("{k}", op_text("**k", k)[2:] if k is not None else "")
    if "({0}" not in written:                      # an operator, as "(a * b)" or "-(a)"
        texts = [t if op.arity == 2 and t == "{}" else f"({t})" for t in texts]
        written = f"({written})" if op.arity == 2 else written
    return (lambda *xs: call(*[f(x) for f, x in zip(fns, xs)])), written.format(*texts)


def _rows(arity):
    rows = {}
    for op in OPS.values():
        if op.arity != arity:
            continue
        for k in op.params or (None,):
            rows[op_text(op.name, k) if k is not None else op.name] = _safe(op, k)
    return rows


# op text -> (how the op is applied, how it prints), from the op table's safe domains
UNARY = _rows(1)
BINARY = _rows(2)


class Expression:
    """A function of `n_vars` Values given as a tree of tuples:
    `("x", i)`, `("c", number)`, `(unary_name, child)` or `(binary_name, left, right)`.

        >>> f = Expression(("*", ("x", 0), ("tanh", ("x", 1))), 2)
        >>> f
        (x0 * tanh(x1))
        >>> round(f(2.0, 0.5).data, 6)            # 2 tanh(0.5)
        0.924234
    """

    def __init__(self, tree: tuple[Any, ...], n_vars: int) -> None:
        self.tree, self.n_vars = tree, n_vars

    def __call__(self, *xs: Value | float) -> Value:
        if len(xs) != self.n_vars:
            raise ValueError(f"{self}: expected {self.n_vars} inputs, got {len(xs)}")
        return _build(self.tree, [x if isinstance(x, Value) else Value(x) for x in xs])

    def __repr__(self) -> str:
        return _show(self.tree)


def _build(tree: tuple[Any, ...], xs: list[Value]) -> Value:
    kind = tree[0]
    if kind == "x":
        return xs[tree[1]]
    if kind == "c":
        return Value(tree[1])
    if kind in UNARY:
        return UNARY[kind][0](_build(tree[1], xs))
    return BINARY[kind][0](_build(tree[1], xs), _build(tree[2], xs))


def _show(tree):
    kind = tree[0]
    if kind == "x":
        return f"x{tree[1]}"
    if kind == "c":
        return repr(tree[1])
    if kind in UNARY:
        return UNARY[kind][1].format(_show(tree[1]))
    return BINARY[kind][1].format(_show(tree[1]), _show(tree[2]))


def _finite(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def _with_var(draw, n_vars, trees):
    """Make sure variable 0..n-1 appear: add each missing one into the tree."""
    tree = draw(trees)
    used = set()
    stack = [tree]
    while stack:
        t = stack.pop()
        if t[0] == "x":
            used.add(t[1])
        elif t[0] != "c":
            stack.extend(t[1:])
    for i in range(n_vars):
        if i not in used:
            tree = ("+", tree, ("x", i))
    return Expression(tree, n_vars)


def expressions(n_vars: int = 2, max_leaves: int = 10) -> st.SearchStrategy[Expression]:
    """A strategy of `Expression`s in which every one of the `n_vars` variables appears.

        >>> from hypothesis import given, settings
        >>> @settings(max_examples=20, deadline=None)
        ... @given(expressions(3))
        ... def every_variable_appears(f):
        ...     assert all(f"x{i}" in repr(f) for i in range(3))
        >>> every_variable_appears()
    """
    leaves = st.one_of(st.tuples(st.just("x"), st.integers(0, n_vars - 1)),
                       st.tuples(st.just("c"), _finite(-2, 2)))

    def grow(children):
        return st.one_of(st.tuples(st.sampled_from(sorted(UNARY)), children),
                         st.tuples(st.sampled_from(sorted(BINARY)), children, children))

    trees = st.recursive(leaves, grow, max_leaves=max_leaves)
    return _with_var(n_vars, trees)


def points(n_vars: int = 2, lo: float = -2.0,
           hi: float = 2.0) -> st.SearchStrategy[list[float]]:
    """A strategy of input points: lists of `n_vars` finite floats in [lo, hi].

        >>> from hypothesis import given, settings
        >>> @settings(max_examples=20, deadline=None)
        ... @given(points(2, lo=-1.0, hi=1.0))
        ... def in_range(xs):
        ...     assert len(xs) == 2 and all(-1.0 <= x <= 1.0 for x in xs)
        >>> in_range()
    """
    return st.lists(_finite(lo, hi), min_size=n_vars, max_size=n_vars)


def kink_margin(f: Callable[..., Value], xs: Sequence[Value | float]) -> float:
    """How far the input of every op with a kink (relu, abs, leaky_relu: the table's
    `kinks`) in `f(*xs)` is from its kink (inf if there is none). Finite differences are
    only meaningful when this is larger than the step.

        >>> f = Expression(("relu", ("-", ("x", 0), ("c", 0.5))), 1)
        >>> kink_margin(f, [0.75]), kink_margin(Expression(("tanh", ("x", 0)), 1), [0.3])
        (0.25, inf)
    """
    root = f(*xs)
    margins = [float("inf")]
    for v in topological_order(root):
        if v._prev:
            kinks = lookup(v._op)[0].kinks
            margins += [abs(v._prev[0].data - kink) for kink in kinks]
    return min(margins)
