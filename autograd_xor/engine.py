"""The engine: a scalar `Value` that records the computation graph, and `backward()`.

Each op computes its result *and* its local derivatives (one float per parent) at forward
time; `backward()` only multiplies and adds. The math of every op lives in one table,
`autograd_xor.ops`; the hottest ops (`+`, `-`, `*`, `tanh`, `sigmoid`, `relu` and
`weighted_sum`) are written out here for speed, and a test holds them to the table.

    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> c = a * b + a ** 2
    >>> c.backward()
    >>> c.data, a.grad, b.grad
    (-2.0, 1.0, 2.0)

How a node stores its parents (one layout per kind, so that a node made by an op is small,
keeps no closure and holds no tuple for one or two parents):

* a leaf: `_a` is None;
* one parent: `_a` the parent, `_da` the local derivative (None: a zero that PyTorch
  *selects*, such as a dead ReLU's, which passes back 0 even times an infinite gradient);
* two parents: `_a`, `_b` and their local derivatives `_da`, `_db`;
* n parents (`weighted_sum`): `_a` a tuple, `_da` a tuple of local derivatives, `_db` a
  bitmask of the weights whose input was a plain number (stored only as a local derivative);
* a node whose local derivative is not a finite float (`1/x` of a subnormal x overflows)
  or that selects a zero among several parents: `_a` a tuple, `_da` None and `_db` the
  function g -> contributions that applies the op's own backward formula from the table;
* a micrograd-style node made with `Value(data, children, op)`: `_a` a tuple, `_da` and
  `_db` None; its author's `_backward` function does its share of the chain rule.
"""

from __future__ import annotations

import math
from itertools import filterfalse
from numbers import Real
from typing import TYPE_CHECKING, Any

from . import modes as _modes
from ._checks import shorten
from ._collector import Pool
from .modes import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .ops import OPS, op_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from typing_extensions import Self

__all__ = ["Value", "apply_op", "detect_anomaly", "enable_grad", "is_grad_enabled", "no_grad",
           "topological_order", "weighted_sum"]

_new = object.__new__


# --- Value: a node of the graph and its ops ----------------------------------------------

class Value:
    """A scalar in a computation graph: `data`, its gradient `grad`, and how it was made.

    The constructor is micrograd's, `Value(data, _children=(), _op='', label='')`: `label`
    names the node in drawings and error messages; `_children` and `_op` make a node by hand,
    micrograd style, whose `_backward` you assign yourself. `_op` is the op that made a node
    ("" for a leaf), `_prev` its parents (an ordered tuple) and `_local` the local derivative
    with respect to each parent, as floats. Values you make carry attributes of your own
    (`p.m = 0.0` for an optimizer); the nodes that ops make are kept small and do not.

    `data` holds a float. Assigning an int is allowed (each op treats it as the float it
    converts to, and its result is a float); anything else raises at the next op, naming it.

        >>> x = Value(3, label="x")
        >>> x
        Value(data=3.0, grad=0.0, label='x')
    """

    __slots__ = ("data", "grad", "label", "_op", "_a", "_b", "_da", "_db")
    data: float
    grad: float
    label: str
    _op: str
    _a: Any            # the parents, _da and _db their local derivatives: one layout per kind
    _b: Any            # of node (the module docstring)
    _da: Any
    _db: Any

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        # Values made by calling Value(...) are the user's: they may carry attributes.
        if cls is not Value:
            return _new(cls)
        return _take_user() if _user_pool else _user_pool.refill()

    def __init__(self, data: float, _children: Iterable[Value] = (), _op: str = "",
                 label: str = "") -> None:
        self.data = _number(data, "Value")
        self.grad = 0.0
        self.label = label
        self._op = _op
        self._a = self._b = self._da = self._db = None
        if _children:                     # micrograd style: its _backward is the author's
            self._a = tuple(_children)
            bad = next((c for c in self._a if not isinstance(c, Value)), self)
            if bad is not self:
                raise TypeError(f"Value: _children must be the Values this one is made "
                                f"from, got {type(bad).__name__} {shorten(bad)}")

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The parents, an ordered tuple (empty for a leaf)."""
        a, b = self._a, self._b
        return (a, b) if b is not None else () if a is None else a if type(a) is tuple else (a,)

    @property
    def _local(self) -> tuple[float, ...]:
        """d(self)/d(parent) for each parent, floats in the order of `_prev` (0.0 for a
        selected zero; empty for a hand-made node, whose derivatives only its
        `_backward` knows)."""
        a, b = self._a, self._b
        if a is None or b is not None:
            return () if a is None else (self._da, self._db)
        da = self._da
        if type(a) is not tuple or da is not None:
            return da if type(a) is tuple else (0.0 if da is None else da,)
        return tuple(0.0 if d is None else d for d in self._db(1.0)) if self._db else ()

    def _backward(self) -> None:
        """micrograd's `_backward`: add this node's share of the chain rule, local derivative
        × `self.grad`, into each parent's `.grad` (nothing for a leaf).

            >>> x = Value(3.0); y = x * x
            >>> y.grad = 1.0; y._backward(); x.grad
            6.0
        """
        a, b, g = self._a, self._b, self.grad
        if a is None:
            return
        if b is not None:
            a.grad += self._da * g
            b.grad += self._db * g
        elif type(a) is not tuple:
            if self._da is not None:
                a.grad += self._da * g
        elif self._da is not None:
            for p, d in zip(a, self._da):
                p.grad += d * g
        elif self._db is not None:
            for p, d in zip(a, self._db(g)):
                if d is not None:         # a selected zero adds nothing
                    p.grad += d

    # The hot ops, written out: forward value and local derivative(s) side by side.

    def __add__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else _constant(_number(other, "+"))
        try:
            return _node_of_two(self.data + other.data, "+", self, other, 1.0, 1.0)
        except (TypeError, OverflowError):                     # d(a + b) = 1, 1
            raise _bad_data("+", self, other) from None

    def __mul__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else _constant(_number(other, "*"))
        try:
            return _node_of_two(self.data * other.data, "*", self, other,
                                other.data, self.data)     # d(ab)/da = b, d(ab)/db = a
        except (TypeError, OverflowError):
            raise _bad_data("*", self, other) from None

    def __sub__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else _constant(_number(other, "-"))
        try:
            return _node_of_two(self.data - other.data, "-", self, other, 1.0, -1.0)
        except (TypeError, OverflowError):                     # d(a - b) = 1, -1
            raise _bad_data("-", self, other) from None

    def __neg__(self) -> Value:
        return _node_of_one(-self.data, "neg", self, -1.0)       # d(-a)/da = -1

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return _node_of_one(t, "tanh", self, 1.0 - t * t)       # d tanh(z)/dz = 1 - tanh(z)^2

    def sigmoid(self) -> Value:
        try:
            s = 1.0 / (1.0 + math.exp(-self.data))
        except OverflowError:                                  # e^-z overflows: S(z) is 0
            s = 0.0
        return _node_of_one(s, "sigmoid", self, (1.0 - s) * s)  # dS/dz = S(z) (1 - S(z))

    def relu(self) -> Value:
        x = self.data
        # d relu(z)/dz = 1 for z > 0, else a selected 0 (at the kink z = 0 too, as PyTorch)
        return _node_of_one(0.0 if x < 0.0 else x, "relu", self,
                            1.0 if x > 0.0 or x != x else None)

    # The other ops come from the table (autograd_xor.ops).

    def __truediv__(self, other: Value | float) -> Value:
        return apply_op("/", self, other)

    def __pow__(self, other: Value | float) -> Value:
        if isinstance(other, Value):
            return apply_op("**", self, other)
        return apply_op("**k", self, k=_number(other, "**"))

    def exp(self) -> Value:
        return apply_op("exp", self)

    def log(self) -> Value:
        return apply_op("log", self)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x for x > 0, else slope·x (PyTorch's default slope, 0.01)."""
        return apply_op("leaky_relu", self, k=_number(slope, "leaky_relu"))

    __radd__ = __add__                   # other + self is self + other, as in micrograd
    __rmul__ = __mul__                   # other * self is self * other

    def __rsub__(self, other: float) -> Value:                                 # other - self
        return _constant(_number(other, "-")) - self

    def __rtruediv__(self, other: float) -> Value:                             # other / self
        return apply_op("/", _constant(_number(other, "/")), self)

    def __rpow__(self, other: float) -> Value:                                 # other ** self
        return apply_op("**", _constant(_number(other, "**")), self)

    def item(self) -> float:
        """The number, as PyTorch's `tensor.item()`: `v.item() == v.data`."""
        return self.data

    def __format__(self, spec: str) -> str:
        return format(self.data, spec) if spec else str(self)

    def backward(self) -> None:
        """Fill `.grad` of every node this one depends on with d(self)/d(node).

        As in PyTorch, each call computes the whole pass's gradient of every leaf in a fresh
        buffer and adds it to the leaf's `.grad` once, so a second call adds exactly the same
        gradient again, bit for bit; the gradients of inner nodes are this pass's alone. A
        node made by hand (micrograd style) passes its gradient on with its own `_backward`:
        the same holds through it as long as that function adds (`+=`) to `.grad`, as
        micrograd's do, and computes the same numbers each time. A node whose gradient is
        zero passes nothing on (each parent would get ±0.0, which changes no bit), unless a
        local derivative is infinite or NaN: 0 · inf is NaN, as in PyTorch.
        """
        stash: list[tuple[Value, float]] = []
        inner = _walk(self, False, stash)       # inner nodes, zeroed; leaves' grads stashed
        self.grad = 1.0                           # d self / d self (a leaf root: stashed too)
        check = _modes.open_blocks and _modes.anomaly_enabled()
        try:
            for v in reversed(inner):             # p.grad += local * g for each parent; if
                g = v.grad                        # g is 0 and the locals finite, each adds
                b = v._b                          # ±0.0 to a sum that began at +0.0 (the
                if b is not None:                 # walk saw to it): nothing, so skipped
                    if g or v._da - v._da or v._db - v._db:     # two parents
                        v._a.grad += v._da * g
                        b.grad += v._db * g
                else:
                    a = v._a
                    if type(a) is not tuple:      # one parent
                        da = v._da
                        if da is not None and (g or da - da):
                            a.grad += da * g
                    elif v._da is not None:       # n parents
                        if g or not math.isfinite(sum(v._da)):
                            for p, d in zip(a, v._da):
                                p.grad += d * g
                    else:                         # its rule, or its author's _backward
                        v._backward()
                if check:
                    _modes.check_backward(v)
        finally:
            for leaf, before in stash:            # add this pass's total once
                leaf.grad = before + leaf.grad

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    if TYPE_CHECKING:                  # made from the op table below
        def abs(self) -> Value: ...
        def sqrt(self) -> Value: ...
        def softplus(self) -> Value: ...
        def __abs__(self) -> Value: ...


class _UserValue(Value):
    """A Value made by calling `Value(...)`: a leaf, or a node made by hand. Unlike the
    nodes that ops make, it may carry attributes of its own (`_backward`, `p.m`, ...)."""


def _make_unary_method(op: Any) -> Any:
    def method(self: Value) -> Value:
        return apply_op(op.name, self)
    method.__name__ = method.__qualname__ = op.method    # (its __doc__ is set below)
    return method


_OPERATORS = {"+": "__add__", "-": "__sub__", "*": "__mul__", "/": "__truediv__",
              "neg": "__neg__", "**k": "__pow__"}
for _op in OPS.values():               # unary ops the class does not write out; the docs
    if _op.method and not hasattr(Value, _op.method):
        setattr(Value, _op.method, _make_unary_method(_op))
    _name = _op.method or _OPERATORS.get(_op.name)
    if _name:
        getattr(Value, _name).__doc__ = (f"{_op.written.format('x', 'y', k='k')}: {_op.formula}."
                                         f"\n\nAt edge values: {_op.edges}")
Value.__abs__ = Value.abs                # type: ignore[method-assign]  # abs(v), as v.abs()


# --- making nodes ------------------------------------------------------------------------

def _number(x, op):
    """Return x as a float, or raise an error that names the op, the value and a fix."""
    if type(x) is float:                   # the common case, without the slower ABC check
        return x
    if type(x) is int or isinstance(x, Real) and not isinstance(x, Value):
        try:
            return float(x)
        except OverflowError:
            raise OverflowError(f"{op}: {shorten(x)} is too large for a float (the largest is "
                                f"about 1.8e308); scale it down first") from None
    raise TypeError(f"{op}: expected an int, float or Value, got {type(x).__name__} "
                    f"{shorten(x)}; convert it to a number first, e.g. float(x)")


def _where(v):
    return f" (node {v.label!r})" if getattr(v, "label", "") else ""


def _bad_data(op, *operands):
    """The error for an op whose operand's `.data` is not a number a float can hold."""
    v = next((v for v in operands if type(v.data) is not float and
              (not isinstance(v.data, int) or abs(v.data) > 1.8e308)), operands[0])
    return (OverflowError if isinstance(v.data, int) else TypeError)(
        f"{op}: an operand's .data is {type(v.data).__name__} {shorten(v.data)}{_where(v)}, "
        f"not a number a float can hold; assign floats to .data")


# Fresh nodes come from pools made with the garbage collector paused (see _collector.py).
_pool, _user_pool = Pool(Value), Pool(_UserValue)
_take, _take_user = _pool.pop, _user_pool.pop


def _constant(x):
    """A leaf for a plain number that an op met (the 2 of `a * 2`)."""
    out = _take() if _pool else _pool.refill()
    out.data = x
    out.grad = 0.0
    out.label = ""
    out._op = ""
    out._a = out._b = None
    return out


def _node_of_one(data, op, a, da):
    """The result of an op with one parent `a`, d(result)/da = `da`."""
    out = _take() if _pool else _pool.refill()
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._op = op
    out._a = a
    out._b = None
    out._da = da
    if _modes.open_blocks:
        _modes.apply(out)
    return out


def _node_of_two(data, op, a, b, da, db):
    """The result of an op with parents `a`, `b` and local derivatives `da`, `db`."""
    out = _take() if _pool else _pool.refill()
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._op = op
    out._a = a
    out._b = b
    out._da = da
    out._db = db
    if _modes.open_blocks:
        _modes.apply(out)
    return out


def _node_of_many(data, op, parents, local, plain=0):
    """The result of an op with a tuple of parents and a tuple of local derivatives."""
    out = _node_of_one(data, op, parents, local)
    out._db = plain
    return out


def apply_op(name: str, *operands: Value | float, k: float | None = None) -> Value:
    """The node for op `name` of the table on `operands` (Values or numbers), with the
    op's parameter `k` (the 3 of `x ** 3`): how the engine makes every op it does not
    write out, and how code outside the engine makes nodes of table ops (losses, tests).

        >>> apply_op("**k", Value(3.0), k=2.0)._op, apply_op("log", 1.0).data
        ('**2', 0.0)
    """
    op = OPS[name]
    args = tuple(x if isinstance(x, Value) else _constant(_number(x, name)) for x in operands)
    xs = tuple(a.data for a in args)
    text = op_text(op.name, k) if op.parse else op.name
    try:
        out = op.forward(xs, k)
        local = op.backward(1.0, xs, out, k)
    except (ArithmeticError, ValueError, TypeError) as e:
        template, operands = getattr(e, "template", None), getattr(e, "operands", ())
        if template is None:                      # (ops._refuse's errors carry both)
            raise _bad_data(text, *args) from None
        labels = {f"w{i}": _where(args[i]) if i < len(args) else "" for i in range(len(operands))}
        raise type(e)(template.format(*map(repr, operands), **labels)) from None
    return _node(out, text, args, local, lambda: lambda g: op.backward(g, xs, out, k))


def _node(data, op, parents, local, rule=None):
    """The result of op `op` (its text) on `parents`, with `local[i]` = d(result)/d(parents[i])
    (None for a selected zero): a node of the layout that fits. Where a local derivative is
    not a finite float, `rule()` gives the node its backward function (without one, the node
    keeps the floats as they are)."""
    if rule is None or all(type(d) is float and d - d == 0.0 for d in local) or \
            (len(parents) == 1 and local[0] is None):
        if len(parents) < 3:
            return (_node_of_one(data, op, parents[0], local[0]) if len(parents) == 1 else
                    _node_of_two(data, op, parents[0], parents[1], local[0], local[1]))
        return _node_of_many(data, op, tuple(parents), tuple(local))
    node = _node_of_one(data, op, tuple(parents), None)
    if node._a is not None:                       # (no_grad makes it a leaf)
        node._db = rule()
    return node


def weighted_sum(weights: Sequence[Value], inputs: Sequence[Value | float], bias: Value) -> Value:
    """One node for `bias + sum(w * x)`: a neuron's pre-activation in a single step.

    It computes the same float as micrograd's chain of `*` and `+` nodes, in the same order,
    with the local derivatives of each `w` (its `x`) and of each Value `x` (its `w`) stored
    on the node. Plain-number inputs (a first layer's) are not graph nodes.

        >>> w = [Value(0.5), Value(-1.0)]; b = Value(0.25)
        >>> s = weighted_sum(w, [2.0, 3.0], b)
        >>> s.data, s._op
        (-1.75, 'Σw·x+b')
        >>> s.backward(); [p.grad for p in w], b.grad
        ([2.0, 3.0], 1.0)
    """
    if len(weights) != len(inputs):
        raise ValueError(f"weighted_sum: {len(weights)} weights but {len(inputs)} inputs; "
                         f"pass one input per weight")
    s = bias.data
    parents: list[Value] = []
    local: list[float] = []
    add_parent, add_local = parents.append, local.append          # no temporary tuples
    plain = False
    for w, x in zip(weights, inputs):
        if isinstance(x, Value):
            wd, xd = w.data, x.data
            s += wd * xd
            add_parent(w)
            add_parent(x)
            add_local(xd)                                          # d(wx)/dw = x
            add_local(wd)                                          # d(wx)/dx = w
        else:
            xf = _number(x, "weighted_sum")
            s += w.data * xf
            add_parent(w)
            add_local(xf)
            plain = True
    add_parent(bias)
    add_local(1.0)                                                 # d/db = 1
    mask = sum(1 << i for i, x in enumerate(inputs) if not isinstance(x, Value)) if plain else 0
    return _node_of_many(s, "Σw·x+b", tuple(parents), tuple(local), mask)


# --- the graph walk ----------------------------------------------------------------------

_DONE = object()       # on the stack: every parent of the node below it is in order
_ZERO = 0.0            # a leaf's gradient at the start of a pass (see _set_aside)


def _walk(root, leaves, stash):
    """Depth-first, parents in order, each node after its parents; iterative, so graphs of
    any depth work. With `leaves` False, leaves are left out of the order; with a `stash`
    list (backward), every node's gradient starts at +0.0, a leaf's gradient moved into the
    stash first as (leaf, grad) if it is not zero. The parents of an n-parent
    node (`weighted_sum`) not yet seen are pushed by C code (`filterfalse`), so a weight
    shared by many neurons costs Python work once per walk, not once per edge; the first
    parent of a one- or two-parent node is walked at once, not pushed and popped (a chain
    of `+`, as micrograd's neurons make, goes down in one loop); their leaves stay out of
    `seen`, which keeps a long chain's walk small."""
    order: list[Value] = []
    seen: set[Value] = set()
    stack = [root]
    push, pop, extend, append, see = stack.append, stack.pop, stack.extend, order.append, seen.add
    zero = stash is not None
    while stack:
        v = pop()
        if v is _DONE:
            v = pop()
            if zero:
                v.grad = 0.0
            append(v)
            continue
        while v not in seen:           # v, then its first parent, its first parent's...
            see(v)
            a = v._a
            if a is None:              # a leaf an n-parent node pushed, or a wanted leaf
                if leaves:
                    append(v)
                elif zero and v.grad is not _ZERO:
                    _set_aside(stash, v)
                break
            push(v)
            push(_DONE)
            if type(a) is tuple:       # n parents: C code skips those seen, so a weight
                if not seen.issuperset(a):                           # shared by many: once
                    extend(filterfalse(seen.__contains__, reversed(a)))
                break
            b = v._b                   # a second parent waits on the stack, the first is
            if b is not None:          # walked at once; a leaf is dealt with here and kept
                if b._a is not None or leaves:                       # out of `seen`
                    if b not in seen:
                        push(b)
                elif zero and b.grad is not _ZERO:
                    _set_aside(stash, b)
            if a._a is None and not leaves:
                if zero and a.grad is not _ZERO:
                    _set_aside(stash, a)
                break
            v = a
    return order


def _set_aside(stash, leaf):
    """Start a leaf's gradient for this pass at +0.0, the one `_ZERO` object that the walk
    knows again at its next visit; a gradient the leaf holds is moved into `stash`, and
    backward() adds this pass's total to it once."""
    if leaf.grad:
        stash.append((leaf, leaf.grad))
    leaf.grad = _ZERO


def topological_order(root: Value, leaves: bool = True) -> list[Value]:
    """Every node `root` depends on, parents before children, `root` last.

    Iterative depth-first search in the order of each node's parents, so the order is the
    same every time for the same graph, and graphs of any depth work. `backward()`, the
    renderer and the stepper all walk this one order (`backward()` the inner nodes only:
    `leaves=False` gives them, in the same order).

        >>> a = Value(1.0, label="a"); k = Value(2.0, label="k")
        >>> b = a * k; b.label = "b"
        >>> c = b + a; c.label = "c"
        >>> [v.label for v in topological_order(c)]
        ['a', 'k', 'b', 'c']
    """
    return _walk(root, leaves, None)
