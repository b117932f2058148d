"""The engine: a scalar `Value` that records the computation graph, and `backward()`.

Each op computes its result *and* its local derivatives (one float per parent) at forward
time; `backward()` only multiplies and adds. No closure is kept per node, so a graph is freed
by reference counting alone, and `__slots__` keeps each node small: a node of one or two
parents keeps them and their derivatives in its own slots, allocating no tuples (fewer
objects for Python's garbage collector to walk while a graph is being built).

    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> c = a * b + a ** 2
    >>> c.backward()
    >>> c.data, a.grad, b.grad
    (-2.0, 1.0, 2.0)
"""

import math
from contextlib import contextmanager
from numbers import Real

__all__ = ["Value", "no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly",
           "topological_order", "weighted_sum"]


class _Mode:
    """Process-wide switches: graph recording (`no_grad`) and anomaly detection."""
    grad_enabled = True
    anomaly = False


_mode = _Mode()
_new = object.__new__


def _where(v):
    return f" (node {v.label!r})" if getattr(v, "label", "") else ""


def _number(x, op):
    """Return x as a float, or raise a TypeError that names the op and the type."""
    if type(x) is float:                   # the common case, without the slower ABC check
        return x
    if isinstance(x, Real) and not isinstance(x, Value):
        return float(x)
    raise TypeError(f"{op}: expected an int, float or Value, got {type(x).__name__} {x!r}; "
                    f"convert it to a number first, e.g. float(x)")


def _as_value(x, op):
    return x if isinstance(x, Value) else Value(_number(x, op))


def _node(data, op, parents, local):
    """Make the result of an op. `local[i]` is d(result)/d(parents[i]), a float."""
    if len(parents) == 2:
        return _node2(data, op, parents[0], parents[1], local[0], local[1])
    if len(parents) == 1:
        return _node1(data, op, parents[0], local[0])
    if not parents:
        return _node1(data, op, None, None)                   # no parents: a leaf
    return _node1(data, op, tuple(parents), tuple(local))     # n parents: tuples in _a, _da


def _node1(data, op, a, da):
    """The result of an op with one parent `a` (or a tuple of n), d(result)/da = `da`."""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._op = op
    out._a = a
    out._b = None
    out._da = da
    if _mode.anomaly or not _mode.grad_enabled:
        _unusual(out)
    return out


def _node2(data, op, a, b, da, db):
    """The result of an op with parents `a`, `b` and local derivatives `da`, `db`."""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._op = op
    out._a = a
    out._b = b
    out._da = da
    out._db = db
    if _mode.anomaly or not _mode.grad_enabled:
        _unusual(out)
    return out


def _unusual(out):
    """detect_anomaly's forward check, and no_grad: the result becomes a leaf."""
    if _mode.anomaly and not math.isfinite(out.data):
        args = ", ".join(f"{p.data!r}{_where(p)}" for p in out._prev)
        raise FloatingPointError(f"detect_anomaly: the forward pass of {out._op} on ({args}) "
                                 f"produced {out.data!r}")
    if not _mode.grad_enabled:
        out._op = ""
        out._a = out._b = None


def _pow(a, b, op, want_db):
    """a ** b for floats, with d/da and (if want_db) d/db, and errors that say what went wrong.

    Conventions (PyTorch's): d/da at a == 0 with 0 < b < 1 is +inf; d/db is 0 where a == 0 and
    b >= 0; d/db is nan for a negative base, where a ** b is only defined for integer b.
    """
    if a == 0.0 and b < 0.0 and b != -math.inf:
        raise ZeroDivisionError(f"{op}: 0.0 ** {b!r} is a division by zero; keep the base away "
                                f"from zero or use a non-negative exponent")
    if a < 0.0 and a != -math.inf and math.isfinite(b) and not b.is_integer():
        raise ValueError(f"{op}: a negative base {a!r} to the fractional power {b!r} is not a "
                         f"real number; use an integer exponent or a positive base")
    try:
        out = a ** b
    except OverflowError:
        raise OverflowError(f"{op}: {a!r} ** {b!r} overflows a float") from None
    if b == 0.0:
        da = 0.0                          # d(a^0)/da = 0
    elif a == 0.0 and b < 1.0:
        da = math.inf                     # d(a^b)/da = b a^(b-1) -> inf as a -> 0 for 0 < b < 1
    else:
        try:
            da = b * a ** (b - 1.0)       # d(a^b)/da = b a^(b-1)
        except OverflowError:             # the result fits a float, its slope does not
            da = math.copysign(math.inf, b * (1.0 if a > 0.0 or (b - 1.0) % 2 == 0 else -1.0))
    if not want_db:
        return out, da, 0.0
    if a > 0.0:
        db = out * math.log(a)            # d(a^b)/db = a^b ln a
    elif a == 0.0:
        db = 0.0
    else:
        db = math.nan
    return out, da, db


class Value:
    """A scalar in a computation graph: `data`, its gradient `grad`, and how it was made.

    `label` names the node in drawings and error messages. `_op` is the op that made it
    ("" for a leaf), `_prev` its parents (an ordered tuple) and `_local` the local derivative
    with respect to each parent, as floats. (They are stored in the slots `_a`, `_b`, `_da`,
    `_db`: one or two parents directly, n parents as tuples in `_a` and `_da`.)

        >>> x = Value(3, label="x")
        >>> x
        Value(data=3.0, grad=0.0, label='x')
    """

    __slots__ = ("data", "grad", "label", "_op", "_a", "_b", "_da", "_db")

    def __init__(self, data, label=""):
        self.data = _number(data, "Value")
        self.grad = 0.0
        self.label = label
        self._op = ""
        self._a = self._b = None

    @property
    def _prev(self):
        """The parents, an ordered tuple (empty for a leaf)."""
        a, b = self._a, self._b
        if b is not None:
            return (a, b)
        if a is None:
            return ()
        return a if type(a) is tuple else (a,)

    @property
    def _local(self):
        """d(self)/d(parent) for each parent, floats in the order of `_prev`."""
        a, b = self._a, self._b
        if b is not None:
            return (self._da, self._db)
        if a is None:
            return ()
        return self._da if type(a) is tuple else (self._da,)

    # --- the ops: forward value and local derivative(s) side by side -------------------

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(_number(other, "+"))
        return _node2(self.data + other.data, "+", self, other, 1.0, 1.0)  # d(a+b) = 1, 1

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(_number(other, "*"))
        return _node2(self.data * other.data, "*", self, other,
                      other.data, self.data)                       # d(ab)/da = b, d(ab)/db = a

    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(_number(other, "-"))
        return _node2(self.data - other.data, "-", self, other, 1.0, -1.0)  # d(a-b) = 1, -1

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(_number(other, "/"))
        a, b = self.data, other.data
        if b == 0.0:
            raise ZeroDivisionError(f"/: division of {a!r}{_where(self)} by zero"
                                    f"{_where(other)}; keep the divisor away from zero")
        q = a / b
        return _node2(q, "/", self, other, 1.0 / b, -q / b)    # d(a/b)/da = 1/b, /db = -a/b^2

    def __neg__(self):
        return _node1(-self.data, "neg", self, -1.0)              # d(-a)/da = -1

    def __pow__(self, other):
        if isinstance(other, Value):
            out, da, db = _pow(self.data, other.data, "**", True)
            return _node(out, "**", (self, other), (da, db))
        k = _number(other, "**")
        out, da, _ = _pow(self.data, k, f"**{_fmt(k)}", False)
        return _node(out, f"**{_fmt(k)}", (self,), (da,))          # d(a^k)/da = k a^(k-1)

    def __radd__(self, other):                                     # other + self
        return self + other

    def __rmul__(self, other):                                     # other * self
        return self * other

    def __rsub__(self, other):                                     # other - self
        return Value(_number(other, "-")) - self

    def __rtruediv__(self, other):                                 # other / self
        return Value(_number(other, "/")) / self

    def __rpow__(self, other):                                     # other ** self
        return Value(_number(other, "**")) ** self

    def tanh(self):
        t = math.tanh(self.data)
        return _node1(t, "tanh", self, 1.0 - t * t)               # d(tanh z)/dz = 1 - tanh(z)^2

    def sigmoid(self):
        x = self.data
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:                                                      # no overflow for large -x
            e = math.exp(x)
            s = e / (1.0 + e)
        return _node1(s, "sigmoid", self, s * (1.0 - s))          # dS(z)/dz = S(z)(1 - S(z))

    def relu(self):
        x = self.data
        # d relu(z)/dz = 1 for z > 0, else 0 (at the kink z = 0 we take 0, as micrograd/PyTorch)
        return _node1(0.0 if x < 0.0 else x, "relu", self, 1.0 if x > 0.0 else 0.0)

    def exp(self):
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp: exp({self.data!r}){_where(self)} overflows a float "
                                f"(inputs above about 709.78 do); scale the input down") from None
        return _node1(e, "exp", self, e)                          # d(e^z)/dz = e^z

    def log(self):
        x = self.data
        if x <= 0.0:
            raise ValueError(f"log: log({x!r}){_where(self)} is undefined; log needs a "
                             f"positive input (clamp it, e.g. with a small epsilon)")
        return _node1(math.log(x), "log", self, 1.0 / x)          # d(ln z)/dz = 1/z

    # --- the graph walk ----------------------------------------------------------------

    def backward(self):
        """Fill `.grad` of every node this one depends on with d(self)/d(node).

        Leaves accumulate (a second call adds a second gradient, as in PyTorch); the
        gradients of inner nodes are recomputed from zero on every call.
        """
        inner = topological_order(self, leaves=False)
        for v in inner:
            v.grad = 0.0
        self.grad += 1.0
        if _mode.anomaly:
            for v in reversed(inner):
                g = v.grad
                for p, d in zip(v._prev, v._local):
                    p.grad += d * g
                _check_backward(v)
            return
        for v in reversed(inner):              # p.grad += d * g for each parent, in order
            g = v.grad
            b = v._b
            if b is not None:                  # two parents
                v._a.grad += v._da * g
                b.grad += v._db * g
            else:
                a = v._a
                if type(a) is tuple:           # n parents
                    for p, d in zip(a, v._da):
                        p.grad += d * g
                else:                          # one parent
                    a.grad += v._da * g

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"


def _fmt(k):
    return str(int(k)) if k.is_integer() and abs(k) < 1e15 else repr(k)


def _check_backward(v):
    for p, d in zip(v._prev, v._local):
        if not math.isfinite(p.grad):
            raise FloatingPointError(
                f"detect_anomaly: the backward pass of {v._op}{_where(v)} (value {v.data!r}, "
                f"upstream gradient {v.grad!r}, local derivative {d!r}) gave a gradient of "
                f"{p.grad!r} to its input {p.data!r}{_where(p)}")


def topological_order(root, leaves=True):
    """Every node `root` depends on, parents before children, `root` last.

    Iterative depth-first search in the order of each node's parents, so the order is the
    same every time for the same graph, and graphs of any depth work. `backward()`, the
    renderer and the stepper all walk this one order (`backward()` with `leaves=False`: the
    inner nodes only, in the same order, which saves memory on graphs with many constants).

        >>> a = Value(1.0, label="a"); k = Value(2.0, label="k")
        >>> b = a * k; b.label = "b"
        >>> c = b + a; c.label = "c"
        >>> [v.label for v in topological_order(c)]
        ['a', 'k', 'b', 'c']
    """
    order, seen = [], set()
    stack = [root]
    push, pop, append, see = stack.append, stack.pop, order.append, seen.add
    while stack:
        v = pop()
        if v is _DONE:                 # every parent of the node below is in order: add it
            append(pop())
        elif v not in seen:
            a = v._a
            if a is None:              # a leaf
                if leaves:
                    see(v)
                    append(v)
                continue
            see(v)
            push(v)
            push(_DONE)                # a marker, not a (node, flag) tuple: less memory
            b = v._b
            if b is not None:          # parents pushed last-first, so the first pops first
                if b not in seen:
                    push(b)
                if a not in seen:
                    push(a)
            elif type(a) is tuple:
                for p in reversed(a):
                    if p not in seen:
                        push(p)
            elif a not in seen:
                push(a)
    return order


_DONE = object()


def weighted_sum(weights, inputs, bias):
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
    parents, local = [], []
    add_parent, add_local = parents.append, local.append          # no temporary tuples
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
    add_parent(bias)
    add_local(1.0)                                                 # d/db = 1
    return _node(s, "Σw·x+b", tuple(parents), tuple(local))


@contextmanager
def no_grad():
    """Ops inside record no graph: their results are leaves (for evaluation and updates).

        >>> x = Value(2.0)
        >>> with no_grad():
        ...     y = x * 3
        >>> y.data, y._prev
        (6.0, ())
    """
    before = _mode.grad_enabled
    _mode.grad_enabled = False
    try:
        yield
    finally:
        _mode.grad_enabled = before


@contextmanager
def enable_grad():
    """Turn graph recording back on inside a `no_grad()` block.

        >>> with no_grad():
        ...     with enable_grad():
        ...         y = Value(2.0) * 3
        >>> len(y._prev)
        2
    """
    before = _mode.grad_enabled
    _mode.grad_enabled = True
    try:
        yield
    finally:
        _mode.grad_enabled = before


def is_grad_enabled():
    """True when ops record the graph (outside `no_grad()`).

        >>> with no_grad():
        ...     inside = is_grad_enabled()
        >>> inside, is_grad_enabled()
        (False, True)
    """
    return _mode.grad_enabled


@contextmanager
def detect_anomaly():
    """Raise `FloatingPointError` at the first non-finite value an op or backward() makes.

        >>> x = Value(float("inf"), label="x")
        >>> with detect_anomaly():
        ...     x - x
        Traceback (most recent call last):
        ...
        FloatingPointError: detect_anomaly: the forward pass of - on (inf (node 'x'), inf (node 'x')) produced nan
    """
    before = _mode.anomaly
    _mode.anomaly = True
    try:
        yield
    finally:
        _mode.anomaly = before
