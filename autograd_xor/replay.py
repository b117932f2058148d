"""Compiled replay: trace a training step's graph once, then rerun its forward and backward
passes as generated straight-line Python that creates no `Value` objects.

A training loop usually rebuilds the same graph every step: the same ops wired the same
way, only the numbers change. `compile(fn)` takes a function of no arguments that builds
the graph and returns the loss (`fn()` is what you would call before `loss.backward()`).
Calling the result does forward *and* backward: it fills `.grad` of the leaves that outlive
`fn` (your parameters and input `Value`s) exactly as `fn().backward()` would, to the last
bit, and returns the loss as a float.

    >>> import random
    >>> from autograd_xor import MLP, compile
    >>> random.seed(1)
    >>> model = MLP(2, [4, 1])
    >>> data = [([1.0, -2.0], 1.0), ([-0.5, 0.3], -1.0), ([0.7, 0.9], 1.0)]
    >>> def loss_fn():
    ...     losses = [(1 - y * model(x)).relu() for x, y in data]   # hinge loss
    ...     return sum(losses) / len(losses)
    >>> step = compile(loss_fn)
    >>> for k in range(30):
    ...     model.zero_grad()
    ...     loss = step()               # forward and backward, no Value objects
    ...     for p in model.parameters():
    ...         p.data -= 0.1 * p.grad
    >>> step.replays                    # calls 1 and 2 ran fn eagerly (trace, then check)
    28
    >>> loss < 0.5
    True

How it works. Call 1 runs `fn()` and `backward()` eagerly and records the graph in
topological order. Call 2 does the same and compares: a graph whose ops or wiring changed
(a branch on `.data`, a loop whose length depends on data) raises `CompileError`, because
a replay could not follow it. (relu's kink is not such a branch: the relu op is replayed,
and it picks its side of the kink from the numbers each time.) From call 3 on the graph
is replayed: leaves that outlive `fn` are read live (`p.data`), leaves that `fn` creates
afresh each call (constants such as the `1` in `1 - y * s`, or `Value(x)` wrappers) are
baked in as the numbers they had, and must stay the same from call to call.
`check_every=n` repeats the eager check every n-th call, to catch a branch that flips
later in training.

Replays do not run `fn`: side effects in it (printing, appending to a list) happen on the
eager calls only. Return the Values you need besides the loss (e.g. `return loss, scores`)
and the call returns their floats in the same shape. Under `no_grad()` or
`detect_anomaly()` every call runs eagerly, and when a replay meets a value an op rejects
(log of 0, division by zero, overflow) the step is rerun eagerly for the engine's own error.
"""

import math

from .engine import Value, topological_order
from .modes import anomaly_enabled, is_grad_enabled
from .ops import WEIGHTED_SUM, lookup, sigmoid

__all__ = ["compile", "Compiled", "CompileError", "replay_graph"]

_builtin_compile = compile


class CompileError(RuntimeError):
    """A graph that a compiled replay cannot reproduce.

        >>> from autograd_xor import Value
        >>> w = Value(3.0); calls = []
        >>> def branchy():                  # the op depends on how often it was called
        ...     calls.append(1)
        ...     return w * 2 if len(calls) % 2 else w + 2
        >>> step = compile(branchy)
        >>> step()
        6.0
        >>> step()
        Traceback (most recent call last):
        ...
        autograd_xor.replay.CompileError: compile: the graph changed between calls: node 2 was * of (0, 1), now + of (0, 1). Its shape depends on data (e.g. a branch on .data), which a replay cannot follow; call fn().backward() eagerly instead
    """


def compile(fn, *, check_every=0):
    """Trace `fn` (no arguments; builds the graph, returns the loss) and replay it.

    Returns a `Compiled` step: `step()` does what `out = fn(); out.backward()` does and
    returns the loss as a float (or fn's tuple with each Value replaced by its float).

        >>> from autograd_xor import Value
        >>> w = Value(3.0)
        >>> step = compile(lambda: w * w + 1)
        >>> step(), w.grad                  # like (w * w + 1).backward(): d/dw = 2w
        (10.0, 6.0)
    """
    return Compiled(fn, check_every=check_every)


def replay_graph(root):
    """A replay of the graph under `root` as it stands (for checking and for graphs built
    once): each call recomputes it from its leaves' current `.data`, adds the gradients to
    their `.grad` as `root.backward()` would, and returns root's value.

        >>> from autograd_xor import Value
        >>> a, b = Value(2.0), Value(-3.0)
        >>> run = replay_graph(a * b + a ** 2)
        >>> a.data = 1.0
        >>> run(), a.grad, b.grad
        (-2.0, -1.0, 1.0)
    """
    if not isinstance(root, Value) or not root._prev:
        raise CompileError(f"replay_graph: expected the Value result of an op, got {root!r}")
    trace = _Trace(root, [])
    trace.shape = None
    trace.live = [i for i in range(trace.n) if not trace.ops[i]]
    _, replay = _generate(trace)
    leaves = [trace.nodes[i] for i in trace.live]
    return lambda: replay(leaves)


class Compiled:
    """A traced training step; call it to run forward and backward. See `compile`.

        >>> from autograd_xor import Value
        >>> w = Value(3.0)
        >>> step = Compiled(lambda: w * w + 1)
        >>> for _ in range(3):
        ...     w.grad = 0.0
        ...     loss = step()
        >>> loss, w.grad, step.calls, step.replays     # calls 1, 2 eager; call 3 replayed
        (10.0, 6.0, 3, 1)
    """

    def __init__(self, fn, *, check_every=0):
        if not callable(fn):
            raise TypeError(f"compile: expected a function that builds the graph and returns "
                            f"the loss Value, got {type(fn).__name__} {fn!r}")
        if isinstance(check_every, bool) or not isinstance(check_every, int) or check_every < 0:
            raise ValueError(f"compile: check_every must be an int >= 0 (0: check on the "
                             f"second call only), got {check_every!r}")
        self.fn = fn
        self.check_every = check_every
        self.calls = 0          # every call
        self.replays = 0        # calls served by the replay
        self.source = None      # the generated Python, once there is one
        self._trace = None
        self._replay = None
        self._leaves = None     # the live leaves, in the order the replay reads them
        self._shape = None      # fn's return value with each Value replaced by None

    def __call__(self):
        if not is_grad_enabled() or anomaly_enabled():
            out = self.fn()
            if is_grad_enabled():                  # detect_anomaly: its checks, eagerly
                _outputs(out)[0].backward()
            return _floats(out)                    # no_grad: nothing to differentiate
        self.calls += 1
        if self._replay is None or (self.check_every and self.calls % self.check_every == 0):
            out, trace = self._eager()
            if self._trace is None:
                self._trace = trace
                return out
            _same_graph(self._trace, trace)
            if self._replay is None:
                self.source, self._replay = _generate(trace)
                self._leaves = [trace.nodes[i] for i in trace.live]
                self._shape = trace.shape
                self._trace = trace
            trace.nodes = None              # keep the leaves, not the whole graph
            return out
        try:
            result = self._replay(self._leaves)
        except (ArithmeticError, ValueError):
            # an op met a value it rejects: run eagerly, which raises the engine's own error
            return self._eager()[0]
        self.replays += 1
        if self._shape is None:
            return result
        return _fill(self._shape, iter(result))

    def _eager(self):
        """`fn()` and `backward()` with the ordinary engine; returns (floats, trace)."""
        out = self.fn()
        root, extras = _outputs(out)
        if not root._prev:
            raise CompileError("compile: fn returned a leaf Value, not the result of an op; "
                               "there is no graph to replay")
        trace = _Trace(root, extras)
        trace.shape = None if isinstance(out, Value) else _skeleton(out)
        root.backward()
        return _floats(out), trace

    def __repr__(self):
        state = "replaying" if self._replay else "tracing"
        return f"<Compiled {getattr(self.fn, '__name__', 'fn')}: {state}, {self.calls} calls>"


def _outputs(out):
    """The root Value and the other Values that fn returned (for their floats)."""
    items = list(out) if isinstance(out, (tuple, list)) else [out]
    if not items or not isinstance(items[0], Value):
        raise CompileError(f"compile: fn must return the loss Value (or a tuple whose first "
                           f"item is the loss), got {type(out).__name__} {out!r}")
    extras = []

    def walk(x, where):
        if isinstance(x, Value):
            extras.append(x)
        elif isinstance(x, (tuple, list)):
            for i, y in enumerate(x):
                walk(y, f"{where}[{i}]")
        else:
            raise CompileError(f"compile: fn returned a {type(x).__name__} at {where}; a "
                               f"replay does not run fn, so return Values and compute from "
                               f"their floats after the call")
    for i, x in enumerate(items[1:], 1):
        walk(x, f"output[{i}]")
    return items[0], extras


def _floats(out):
    if isinstance(out, Value):
        return out.data
    return type(out)(_floats(x) for x in out) if isinstance(out, (tuple, list)) else out


def _skeleton(out):
    if isinstance(out, Value):
        return None
    return type(out)(_skeleton(x) for x in out)


def _fill(shape, values):
    if shape is None:
        return next(values)
    return type(shape)(_fill(x, values) for x in shape)


def _key(x):
    return repr(x)          # tells -0.0 from 0.0, and nan equals nan


class _Trace:
    """The graph in topological order: for node i its op, parent indices and constants."""

    def __init__(self, root, extras):
        order = topological_order(root)
        index = {v: i for i, v in enumerate(order)}
        self.n = len(order)
        self.nodes = order            # kept until the code is generated, then dropped
        self.ops = [v._op for v in order]
        self.parents = [tuple(index[p] for p in v._prev) for v in order]
        self.consts = [_constants(v) for v in order]
        self.data = [v.data for v in order]
        try:
            self.extras = [index[x] for x in extras]
        except KeyError:
            raise CompileError("compile: a Value that fn returned besides the loss is not "
                               "part of the loss's graph; return only Values the loss "
                               "depends on") from None
        self.leaves = {i: v for i, v in enumerate(order) if not v._prev}
        self.live = ()                # leaves that outlive fn (set by _same_graph)


def _constants(v):
    """What a replay needs beyond the parents' numbers: the op's parameter (the 2 of `**2`;
    for a weighted sum, each weight's plain-number input or None)."""
    if not v._prev:
        return None
    try:
        op, k = lookup(v._op)
    except KeyError:
        return None                   # _generate names it
    if op is WEIGHTED_SUM:
        local, plain = v._local, v._db
        inputs, pos = [], 0
        for i in range(len(v._prev)):
            if pos >= len(local) - 1:
                break
            if plain >> len(inputs) & 1:
                inputs.append(local[pos])
                pos += 1
            else:
                inputs.append(None)
                pos += 2
        return tuple(inputs)
    return k


def _same_graph(old, new):
    """Raise CompileError unless `new` has the ops, wiring and constants of `old`; then set
    `new.live`: the leaves that are the same object both times (they outlive fn)."""
    what = None
    if old.n != new.n:
        what = f"it had {old.n} nodes, now {new.n}"
    for i in range(new.n) if what is None else ():
        b = new.nodes[i]
        if old.ops[i] != new.ops[i] or old.parents[i] != new.parents[i]:
            what = (f"node {i} was {old.ops[i] or 'a leaf'} of {old.parents[i]}, now "
                    f"{new.ops[i] or 'a leaf'} of {new.parents[i]}")
        elif _key(old.consts[i]) != _key(new.consts[i]):
            what = f"node {i} ({new.ops[i]}) has other constants: {new.consts[i]!r}"
        elif b._prev and old.nodes is not None and old.nodes[i] is b:
            raise CompileError(f"compile: fn uses node {i} ({b._op}{_label(b)}) that was "
                               f"built before fn ran; a replay would recompute it. Build "
                               f"the whole graph inside fn")
        elif not b._prev and old.leaves[i] is not b:
            if i in old.live:
                what = f"leaf {i}{_label(b)} is another Value than before"
            elif _key(old.data[i]) != _key(b.data):
                what = (f"leaf {i}{_label(b)} is a new Value on every call and its number "
                        f"changed ({old.data[i]!r}, then {b.data!r}). Numbers that change "
                        f"between steps must live in Values created outside fn (set their "
                        f".data before each call)")
        if what:
            break
    if what:
        raise CompileError(f"compile: the graph changed between calls: {what}. Its shape "
                           f"depends on data (e.g. a branch on .data), which a replay cannot "
                           f"follow; call fn().backward() eagerly instead")
    new.live = [i for i in range(new.n) if not new.ops[i] and old.leaves[i] is new.nodes[i]]


def _label(v):
    return f" {v.label!r}" if v.label else ""


# --- code generation --------------------------------------------------------------------

def _num(x):
    if math.isfinite(x):
        return repr(x)
    return "nan" if x != x else ("inf" if x > 0 else "-inf")


def _fb(op, xs, k):
    """A table op's forward value and what its backward needs, as the engine decides it:
    finite local derivatives (floats, None for a selected zero) or its backward function."""
    out = op.forward(xs, k)
    local = op.backward(1.0, xs, out, k)
    if all(type(d) is float and d - d == 0.0 for d in local) or \
            (len(xs) == 1 and local[0] is None):
        return out, local
    return out, (lambda g: op.backward(g, xs, out, k))


def _bk(local, g):
    """The contributions of a node replayed by `_fb` for its upstream gradient g."""
    if type(local) is tuple:
        return tuple(None if d is None else d * g for d in local)
    return local(g)


def _generate(trace):
    """Straight-line Python for one forward and backward pass over `trace`."""
    n, ops, par, consts = trace.n, trace.ops, trace.parents, trace.consts
    live = {i: k for k, i in enumerate(trace.live)}
    fwd, bwd = [], []
    env = {"tanh": math.tanh, "exp": math.exp, "sigmoid": sigmoid, "_fb": _fb, "_bk": _bk,
           "inf": math.inf, "nan": math.nan}
    local = {}              # node -> local derivative expressions, or "call" for _fb
    for i in range(n):
        op_text, p = ops[i], [f"d{j}" for j in par[i]]
        if not op_text:
            fwd.append(f"d{i} = L[{live[i]}].data" if i in live else f"d{i} = {_num(trace.data[i])}")
            continue
        try:
            op, _ = lookup(op_text)
        except KeyError:
            raise CompileError(f"compile: cannot replay the op {op_text!r} (node {i}): it is not "
                               f"in the op table (a node made by hand, micrograd style, keeps "
                               f"its own _backward). Use the eager engine for this graph") \
                from None
        if op is WEIGHTED_SUM:
            terms, loc, pos = [p[-1]], [], 0
            for x in consts[i]:
                if x is None:
                    terms.append(f"{p[pos]} * {p[pos + 1]}")
                    loc += [p[pos + 1], p[pos]]
                    pos += 2
                else:
                    terms.append(f"{p[pos]} * {_num(x)}")
                    loc.append(_num(x))
                    pos += 1
            # left to right as the engine sums; in chunks, as Python's compiler recurses
            fwd.append(f"d{i} = {' + '.join(terms[:64])}")
            for k in range(64, len(terms), 64):
                fwd.append(f"d{i} = d{i} + {' + '.join(terms[k:k + 64])}")
            local[i] = loc + ["1.0"]
        elif op.replay is not None:
            code, loc = op.replay
            fwd.append(f"d{i} = " + code.format(*p, out=f"d{i}"))
            local[i] = [d.format(*p, out=f"d{i}") for d in loc]
        else:
            env[f"O{i}"], env[f"K{i}"] = op, consts[i]
            fwd.append(f"d{i}, l{i} = _fb(O{i}, ({''.join(x + ', ' for x in p)}), K{i})")
            local[i] = None
    # which nodes lead to a live leaf: only their gradients are worth computing
    wanted = [False] * n
    for i in range(n):
        wanted[i] = i in live or any(wanted[j] for j in par[i])
    root = n - 1
    for i in range(n):
        if wanted[i] and i != root:
            if i in live:       # as backward(): a leaf's gradient so far is set aside
                bwd += [f"s{i} = L[{live[i]}].grad", f"g{i} = 0.0 if s{i} else s{i}"]
            else:
                bwd.append(f"g{i} = 0.0")
    bwd.append(f"g{root} = 1.0")
    for i in range(n - 1, -1, -1):
        if not ops[i] or not wanted[i]:
            continue
        if local[i] is None:
            bwd.append(f"c = _bk(l{i}, g{i})")
        for pos, j in enumerate(par[i]):
            if not wanted[j]:
                continue
            if local[i] is None:
                bwd.append(f"if c[{pos}] is not None: g{j} = g{j} + c[{pos}]")
                continue
            d = local[i][pos]
            if " else None" in d:               # a selected zero: add nothing
                cond = d.split(" if ", 1)[1].split(" else None")[0]
                bwd.append(f"if {cond}: g{j} = g{j} + g{i}")
            elif d == "1.0":
                bwd.append(f"g{j} = g{j} + g{i}")
            elif d == "-1.0":
                bwd.append(f"g{j} = g{j} - g{i}")
            else:
                bwd.append(f"g{j} = g{j} + ({d}) * g{i}")
    writes = [f"L[{k}].grad = s{i} + g{i} if s{i} else g{i}" for i, k in live.items()
              if i != root]
    outs = "".join(f", d{j}" for j in trace.extras)
    ret = f"d{root}" if trace.shape is None else f"(d{root}{outs})"
    body = fwd + bwd + writes + [f"return {ret}"]
    source = "def replay(L):\n    " + "\n    ".join(body) + "\n"
    exec(_builtin_compile(source, "<autograd_xor.compile replay>", "exec"), env)
    return source, env["replay"]
