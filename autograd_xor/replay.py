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

from .engine import Value, _mode, _pow, topological_order

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
        if not _mode.grad_enabled or _mode.anomaly:
            out = self.fn()
            if _mode.grad_enabled:                 # detect_anomaly: its checks, eagerly
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
    """What a replay needs beyond the parents' numbers, e.g. the pairs of a weighted sum."""
    op = v._op
    if op == "Σw·x+b":
        return _weighted_sum_layout(v)
    if op in ("bce", "bce_logits"):
        return _loss_target(v)
    if op.startswith("**") and op != "**":
        return float(op[2:])
    return None


def _weighted_sum_layout(v):
    """For each weight: the index of its Value input in _prev, or its plain-number input."""
    prev, local = v._prev, v._local
    layout, i, last = [], 0, len(prev) - 1
    while i < last:
        if i + 1 < last and local[i] is prev[i + 1].data and local[i + 1] is prev[i].data:
            layout.append(("pair", i))
            i += 2
        else:
            layout.append(("plain", local[i]))
            i += 1
    # rebuild in the engine's order and check that we read the node right
    s = prev[-1].data
    pos = 0
    for kind, x in layout:
        if kind == "pair":
            s += prev[pos].data * prev[pos + 1].data
            pos += 2
        else:
            s += prev[pos].data * x
            pos += 1
    if _key(s) != _key(v.data):
        raise CompileError("compile: could not read the inputs of a weighted_sum node; "
                           "build it with autograd_xor.weighted_sum")
    return tuple(layout)


def _loss_target(v):
    """The 0/1 target of a bce / bce_logits node, read back from its value and slope."""
    x = v._prev[0].data
    for t in (0.0, 1.0):
        loss, d = (_bce if v._op == "bce" else _bce_logits)(x, t)
        if _key(loss) == _key(v.data) and _key(d) == _key(v._local[0]):
            return t
    raise CompileError(f"compile: cannot replay {v._op} with a target other than 0 or 1 "
                       f"(the node stores only its slope); use the eager engine, or write "
                       f"the loss with Value ops")


def _bce(p, t):
    """binary_cross_entropy's value and slope (autograd_xor.losses), on floats."""
    if not 0.0 <= p <= 1.0:
        raise ValueError("binary_cross_entropy: prediction outside [0, 1]")
    log_p = max(math.log(p), -100.0) if p > 0.0 else -100.0
    log_q = max(math.log1p(-p), -100.0) if p < 1.0 else -100.0
    return -(t * log_p + (1.0 - t) * log_q), (p - t) / max(p * (1.0 - p), 1e-12)


def _bce_logits(x, t):
    """binary_cross_entropy_with_logits's value and slope, on floats."""
    loss = max(x, 0.0) - x * t + math.log1p(math.exp(-abs(x)))
    s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
    return loss, s - t


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


def _generate(trace):
    """Straight-line Python for one forward and backward pass over `trace`."""
    n, ops, par, consts = trace.n, trace.ops, trace.parents, trace.consts
    live = {i: k for k, i in enumerate(trace.live)}
    fwd, bwd = [], []
    local = {}              # (node, parent position) -> expression of the local derivative
    for i in range(n):
        op, p = ops[i], [f"d{j}" for j in par[i]]
        if not op:
            fwd.append(f"d{i} = L[{live[i]}].data" if i in live else f"d{i} = {_num(trace.data[i])}")
            continue
        a = p[0]
        b = p[1] if len(p) > 1 else None
        if op == "+":
            fwd.append(f"d{i} = {a} + {b}")
            local[i] = ["1.0", "1.0"]
        elif op == "*":
            fwd.append(f"d{i} = {a} * {b}")
            local[i] = [b, a]
        elif op == "-":
            fwd.append(f"d{i} = {a} - {b}")
            local[i] = ["1.0", "-1.0"]
        elif op == "/":
            fwd.append(f"d{i} = {a} / {b}")
            local[i] = [f"(1.0 / {b})", f"(-d{i} / {b})"]
        elif op == "neg":
            fwd.append(f"d{i} = -{a}")
            local[i] = ["-1.0"]
        elif op == "**":
            fwd.append(f"d{i}, l{i}_0, l{i}_1 = _pow({a}, {b}, '**', True)")
            local[i] = [f"l{i}_0", f"l{i}_1"]
        elif op.startswith("**"):
            fwd.append(f"d{i}, l{i}_0, _ = _pow({a}, {_num(consts[i])}, {op!r}, False)")
            local[i] = [f"l{i}_0"]
        elif op == "tanh":
            fwd.append(f"d{i} = tanh({a})")
            local[i] = [f"(1.0 - d{i} * d{i})"]
        elif op == "sigmoid":
            fwd.append(f"d{i} = 1.0 / (1.0 + exp(-{a})) if {a} >= 0.0 else "
                       f"exp({a}) / (1.0 + exp({a}))")
            local[i] = [f"(d{i} * (1.0 - d{i}))"]
        elif op == "relu":
            fwd.append(f"d{i} = 0.0 if {a} < 0.0 else {a}")
            local[i] = [f"(1.0 if {a} > 0.0 else 0.0)"]
        elif op == "exp":
            fwd.append(f"d{i} = exp({a})")
            local[i] = [f"d{i}"]
        elif op == "log":
            fwd.append(f"d{i} = log({a})")
            local[i] = [f"(1.0 / {a})"]
        elif op == "bce":             # as autograd_xor.losses.binary_cross_entropy
            t = _num(consts[i])
            fwd += [f"if not 0.0 <= {a} <= 1.0: raise ValueError",
                    f"lp = max(log({a}), -100.0) if {a} > 0.0 else -100.0",
                    f"lq = max(log1p(-{a}), -100.0) if {a} < 1.0 else -100.0",
                    f"d{i} = -({t} * lp + (1.0 - {t}) * lq)",
                    f"l{i}_0 = ({a} - {t}) / max({a} * (1.0 - {a}), 1e-12)"]
            local[i] = [f"l{i}_0"]
        elif op == "bce_logits":
            fwd.append(f"d{i}, l{i}_0 = _bce_logits({a}, {_num(consts[i])})")
            local[i] = [f"l{i}_0"]
        elif op == "Σw·x+b":
            terms, loc, pos = [p[-1]], [], 0
            for kind, x in consts[i]:
                if kind == "pair":
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
        else:
            raise CompileError(f"compile: cannot replay the op {op!r} (node {i}); it supports "
                               f"the engine's ops, weighted_sum and the losses module's. "
                               f"Use the eager engine for this graph")
    # which nodes lead to a live leaf: only their gradients are worth computing
    wanted = [False] * n
    for i in range(n):
        wanted[i] = i in live or any(wanted[j] for j in par[i])
    started = set()
    root = n - 1
    bwd.append(f"g{root} = 1.0")
    for i in trace.live:
        if i != root:
            bwd.append(f"g{i} = L[{live[i]}].grad")
            started.add(i)
    for i in range(n - 1, -1, -1):
        if not ops[i] or not wanted[i]:
            continue
        for j, d in zip(par[i], local[i]):
            if not wanted[j]:
                continue
            term = f"g{i}" if d == "1.0" else (f"-g{i}" if d == "-1.0" else f"{d} * g{i}")
            if j in started:
                bwd.append(f"g{j} = g{j} + {term}" if term[0] != "-" else f"g{j} = g{j} - g{i}")
            else:
                # an inner node's gradient starts at 0.0, as in backward()
                bwd.append(f"g{j} = 0.0 + {term}" if term[0] != "-" else f"g{j} = 0.0 - g{i}")
                started.add(j)
    writes = [f"L[{k}].grad = g{i}" for i, k in live.items()]
    outs = "".join(f", d{j}" for j in trace.extras)
    ret = f"d{root}" if trace.shape is None else f"(d{root}{outs})"
    body = fwd + bwd + writes + [f"return {ret}"]
    source = "def replay(L):\n    " + "\n    ".join(body) + "\n"
    env = {"_pow": _pow, "tanh": math.tanh, "exp": math.exp, "log": math.log, "log1p": math.log1p,
           "_bce": _bce, "_bce_logits": _bce_logits, "inf": math.inf, "nan": math.nan}
    exec(_builtin_compile(source, "<autograd_xor.compile replay>", "exec"), env)
    return source, env["replay"]
