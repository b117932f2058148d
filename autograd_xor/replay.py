"""Compiled replay: trace a training step's graph, then rerun its forward and backward
passes as generated Python that creates no `Value` objects, exactly, or refuse loudly.

A training loop usually rebuilds the same graph every step: the same ops wired the same
way, only the numbers change. `compile(fn)` takes the function that builds the graph and
returns the loss (`fn(*args)` is what you would call before `loss.backward()`). Calling
the result does forward *and* backward: it fills `.grad` of the leaves that outlive `fn`
(your parameters and input `Value`s) exactly as `fn(*args).backward()` would, to the last
bit, and returns the loss as a float.

    >>> import random
    >>> from autograd_xor import MLP, compile
    >>> random.seed(1)
    >>> model = MLP(2, [4, 1])
    >>> def loss_fn(batch):
    ...     losses = [(1 - y * model(x)).relu() for x, y in batch]   # hinge loss
    ...     return sum(losses) / len(losses)
    >>> step = compile(loss_fn)
    >>> data = [([1.0, -2.0], 1.0), ([-0.5, 0.3], -1.0), ([0.7, 0.9], 1.0), ([0.2, -0.4], -1.0)]
    >>> for k in range(30):
    ...     model.zero_grad()
    ...     loss = step(data[k % 2 * 2:][:2])    # a minibatch of two points, as an argument
    ...     for p in model.parameters():
    ...         p.data -= 0.1 * p.grad
    >>> step.replays                    # calls 1 and 2 ran fn eagerly (trace, then check)
    28

How it works. Call 1 runs fn and `backward()` eagerly and traces the graph in topological
order, with what it was built from (the guards, below). Call 2 runs fn eagerly again and
compares: a graph that changed although nothing guarded did (random numbers drawn inside
fn, a counter) raises `CompileError`. From call 3 on the graph is replayed: leaves that
outlive fn are read live (`p.data`); the floats of fn's arguments, and what fn computes
from them with `+ - * / **`, are read live from the arguments; other leaves that fn
creates afresh each call (constants such as the `1` in `1 - y * s`) are baked in.
Repeated per-sample blocks of the graph are generated once, as loops (see
`autograd_xor/_replay_code.py`), so compiling a large step is quick.

The guards, checked before every replay at a cost that grows with fn's inputs, not with its
graph (see `autograd_xor/_replay_guards.py`):

* everything fn reaches through its closure, the globals it names and its defaults: the
  same Values (a parameter rebound to a new Value is a change), the same plain numbers
  (a minibatch taken from a closure variable is a change), the same shapes (a list that
  grew);
* the structure of the arguments: their types and lengths, their ints and strings, the
  Values in them by identity;
* what fn does with its traced numbers, its argument floats and every `.data` (or
  `item()`) its own code reads: a comparison (a branch on `w.data < 5`) must come out the
  same; any other use but arithmetic and showing it (`math.exp(x)`, `round(x)`, an
  exponent, a node's number that fn turns into a constant) holds the number to its bits.

When a guard fails the step runs eagerly and is traced again (`step.retraces` counts
that); when that happens on more than a quarter of the calls, `CompileError` says what
keeps changing and what to do (usually: pass the numbers that change as arguments, the
fast path). relu's kink is not a branch: the relu op is replayed, and picks its side of
the kink from the numbers each time.

Replays do not run fn: side effects in it (printing) happen on the eager calls only, and
fn may not change state that outlives it (set a Value's `.data` or `.grad`: CompileError;
append to a list it reads: traced again on every call). What the guards cannot see: numbers
fn draws from an iterator or another object whose insides are not Python attributes, lists,
dicts or arrays (`check_every=n` reruns fn eagerly every n-th call to catch those; pass
such numbers as arguments instead). Return the Values you need besides the loss (e.g.
`return loss, scores`) and the call returns their floats in the same shape. Under
`no_grad()` or `detect_anomaly()` every call runs eagerly, and when a replay meets a value
an op rejects (log of 0, division by zero) the step is rerun eagerly for the engine's own
error.
"""

from __future__ import annotations

import collections
import math
from typing import Any, Callable

from . import _replay_code as code
from ._replay_guards import (
    Recorder,
    Snapshot,
    TracedFloat,
    condition_code,
    flatten_args,
    proxied_args,
    recording,
    same_bits,
    state_roots,
)
from .engine import Value, topological_order
from .modes import anomaly_enabled, is_grad_enabled

__all__ = ["CompileError", "Compiled", "compile", "replay_graph"]

_builtin_compile = compile
_WS = code.WEIGHTED_SUM.name


class CompileError(RuntimeError):
    """A graph that a compiled replay cannot reproduce exactly.

        >>> from autograd_xor import Value
        >>> w, counter = Value(3.0), iter(range(10))
        >>> step = compile(lambda: w * Value(float(next(counter))))   # another number each call
        >>> step()
        0.0
        >>> step()
        Traceback (most recent call last):
        ...
        autograd_xor.replay.CompileError: compile: fn built another graph on call 2 although nothing it reads changed: leaf 1 is a new Value on every call and its number changed (0.0, then 1.0). Numbers that fn draws or computes afresh (random numbers, a counter) cannot be replayed: pass them as arguments, step(x), or keep them in Values made outside fn and set their .data before each call
    """


def compile(fn: Callable[..., Any], *, check_every: int = 0) -> Compiled:
    """Trace `fn` (builds the graph from its arguments, returns the loss) and replay it.

    Returns a `Compiled` step: `step(*args)` does what `out = fn(*args); out.backward()`
    does and returns the loss as a float (or fn's tuple with each Value replaced by its
    float). `check_every=n` also reruns fn eagerly every n-th call and compares the graph
    (an extra check; the guards do not need it).

        >>> from autograd_xor import Value
        >>> w = Value(3.0)
        >>> step = compile(lambda x: w * w + x)
        >>> step(1.0), w.grad               # like (w * w + 1.0).backward(): d/dw = 2w
        (10.0, 6.0)
    """
    return Compiled(fn, check_every=check_every)


def replay_graph(root: Value) -> Callable[[], float]:
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
    order = topological_order(root)
    _check_ops(order)
    graph = code.Graph.of(order)
    _, replay = _generate(graph)
    leaves = graph.live
    return lambda: replay(leaves, ())


def _check_ops(order):
    for i, v in enumerate(order):
        if v._a is not None and type(v) is not Value:
            raise CompileError(f"compile: cannot replay node {i} ({v._op!r}{_label(v)}): it "
                               f"was made by hand, Value(data, children, op), and keeps its "
                               f"own _backward. Use the eager engine for this graph, or make "
                               f"the node with an op of the table (autograd_xor.ops)")


def _generate(graph):
    try:
        return code.generate(graph)
    except code.UnreplayableOp as e:
        text, node = e.args
        raise CompileError(f"compile: cannot replay the op {text!r} (node {node}): it is not "
                           f"in the op table (a node made by hand, micrograd style, keeps "
                           f"its own _backward). Use the eager engine for this graph") \
            from None


class Compiled:
    """A traced training step; call it with fn's arguments to run forward and backward.
    See `compile`. `calls` counts the calls, `replays` those the replay served, `retraces`
    those traced again because a guard failed; `source` is the generated Python.

        >>> from autograd_xor import Value
        >>> w = Value(3.0)
        >>> step = Compiled(lambda: w * w + 1)
        >>> for _ in range(3):
        ...     w.grad = 0.0
        ...     loss = step()
        >>> loss, w.grad, step.calls, step.replays     # calls 1, 2 eager; call 3 replayed
        (10.0, 6.0, 3, 1)
    """

    _replay_opaque = True       # the guards do not look inside a Compiled fn reaches

    def __init__(self, fn: Callable[..., Any], *, check_every: int = 0) -> None:
        if not callable(fn):
            raise TypeError(f"compile: expected a function that builds the graph and returns "
                            f"the loss Value, got {type(fn).__name__} {fn!r}")
        if isinstance(check_every, bool) or not isinstance(check_every, int) or check_every < 0:
            raise ValueError(f"compile: check_every must be an int >= 0 (0: no extra eager "
                             f"checks), got {check_every!r}")
        self.fn = fn
        self.check_every = check_every
        self.calls = 0          # every call
        self.replays = 0        # calls served by the replay
        self.retraces = 0       # calls traced again because a guard failed
        self.source: str | None = None      # the generated Python, once there is one
        self._entry = None      # the replay and its guards
        self._pending = None    # call 1's trace, until call 2 checks it
        self._proxies = True    # trace with TracedFloats (off if fn cannot take them)
        self._why: collections.deque[str] = collections.deque(maxlen=8)   # why it retraced

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # the loss as a float, or fn's tuple with each Value replaced by its float
        if not is_grad_enabled() or anomaly_enabled():
            return self._plain(args, kwargs)
        self.calls += 1
        key = (args, tuple(sorted(kwargs.items())))
        entry = self._entry
        if entry is not None:
            floats, why = entry.guards.check(key, self.fn)
            if why is None and not (self.check_every and self.calls % self.check_every == 0):
                try:
                    result = entry.replay(entry.leaves, floats)
                except code.Changed as e:
                    why = entry.guards.inner[e.node]
                except (ArithmeticError, ValueError):
                    # an op met a value it rejects: run eagerly, for the engine's own error
                    return self._plain(args, kwargs)
                else:
                    self.replays += 1
                    return result if entry.shape is None else _fill(entry.shape, iter(result))
            if why is None:                     # check_every: an eager run, compared
                out, trace = self._trace(args, kwargs, proxies=False, record=False)
                _compare(entry.trace, trace, "check_every")
                return out
            self._retrace(why)
        pending = self._pending
        if pending is not None:
            why = pending.still_holds(key, self.fn)
            if why is not None:
                self._retrace(why)
                pending = None
        if pending is None:
            out, self._pending = self._trace(args, kwargs, proxies=self._proxies)
            return out
        self._pending = None
        out, trace = self._trace(args, kwargs, proxies=False, record=False)
        try:
            self._entry = _Entry(pending, trace)
        except _ProxiesFailed:
            self._proxies = False               # trace again, arguments as plain floats
            return out
        self.source = self._entry.source
        if not self.check_every:
            self._entry.trace = None            # only check_every compares with it
        return out

    def _plain(self, args, kwargs):
        """fn and backward() with the ordinary engine, nothing recorded."""
        out = self.fn(*args, **kwargs)
        if is_grad_enabled():
            _outputs(out)[0].backward()
        return _floats(out)

    def _trace(self, args, kwargs, proxies, record=True):
        """Run fn and backward() eagerly and trace the graph; `record`: with what the graph
        depends on (fn's reads and writes, the stand-ins for its argument floats)."""
        getters: list[Any] = []
        snapshot = Snapshot(state_roots(self.fn, getters), getters)
        key = (args, tuple(sorted(kwargs.items())))
        picture, floats = flatten_args(key)
        rec = Recorder(len(floats), proxies=proxies)
        if not record:
            out = self.fn(*args, **kwargs)
        elif proxies:
            pargs, pkw = proxied_args(key, rec) if floats else key
            try:
                with recording(rec):
                    out = self.fn(*pargs, **dict(pkw))
            except Exception:  # noqa: BLE001  (whatever fn raised: it is tried again below)
                # if fn works with plain floats, it could not work with the stand-ins (e.g.
                # isinstance(x, float)): from now on trace with plain floats, each held to
                # its number; if not, its error is its own
                rec = Recorder(len(floats), proxies=False)
                with recording(rec):
                    out = self.fn(*args, **kwargs)
                self._proxies = proxies = False
        else:
            with recording(rec):
                out = self.fn(*args, **kwargs)
        root, extras = _outputs(out)
        if not root._prev:
            raise CompileError("compile: fn returned a leaf Value, not the result of an op; "
                               "there is no graph to replay")
        trace = _Trace(root, extras, rec, snapshot, picture, floats, record and proxies)
        trace.shape = None if isinstance(out, Value) else _skeleton(out)
        root.backward()
        return _floats(out), trace

    def _retrace(self, why):
        """A guard failed: drop the replay (this call and the next run eagerly), and give up
        when that happens on more than a quarter of the calls."""
        self._entry = None
        self.retraces += 1
        self._why.append(why)
        if self.retraces >= 3 and 4 * self.retraces > self.calls:
            reasons = collections.Counter(self._why).most_common()
            raise CompileError(f"compile: fn had to be traced again on {self.retraces} of "
                               f"{self.calls} calls, so a replay cannot keep up: "
                               f"{reasons[0][0]}. {_advice(reasons[0][0])}")

    def __repr__(self) -> str:
        state = "replaying" if self._entry else "tracing"
        return f"<Compiled {getattr(self.fn, '__name__', 'fn')}: {state}, {self.calls} calls>"


def _advice(why):
    """What to do about a guard that keeps failing."""
    for words, advice in _ADVICE:
        if any(w in why for w in words):
            return advice
    return _ADVICE[-1][1]


_ADVICE = [
    (("structure",),
     "The arguments' shape (a batch of another size) and the ints and strings in them are "
     "part of the graph (a class index picks the op cross_entropy(y=k)): keep them the same "
     "from call to call, or call fn(...).backward() eagerly"),
    (("condition",),
     "A replay holds while the comparisons fn makes on its numbers come out the same; a "
     "branch that flips on most calls cannot be replayed: compute it with ops (relu, abs) "
     "instead of an if, or call fn(...).backward() eagerly"),
    (("read .",),
     "A replay is held to the numbers of the nodes fn's own code reads; compute what "
     "depends on them outside fn and pass it as an argument, or read it from the step's "
     "result (return the Values you need besides the loss)"),
    (("in a way a replay cannot follow", "compares or computes"),
     "The replay follows + - * / ** on traced numbers and comparisons, not math "
     "functions, conversions or exponents: do those with Values (Value(x).exp()) inside "
     "fn, or call fn(...).backward() eagerly"),
    (("another object",),
     "Keep the same Value objects from step to step (set p.data = ... instead of making a "
     "new Value)"),
    ((),
     "Pass numbers that change between calls as arguments: compile(lambda batch: ...) "
     "and step(batch); or call fn().backward() eagerly"),
]


class _ProxiesFailed(Exception):
    """Call 2 (plain floats) disagrees with call 1 (TracedFloats): trace without them."""


# --- the trace ---------------------------------------------------------------------------

class _Trace:
    """One eager call: the graph in topological order (op, parent indices, a weighted sum's
    plain inputs, the leaves), and what it depended on (the recorder, the state snapshot,
    the arguments' picture and floats)."""

    def __init__(self, root, extras, rec, snapshot, picture, floats, proxied):
        order = topological_order(root)
        _check_ops(order)
        index = dict(zip(order, range(len(order))))
        at = index.__getitem__
        ops, plain, leaves = [], {}, {}
        parents: list[tuple[int, ...]] = []
        for i, v in enumerate(order):
            a = v._a
            if a is None:
                ops.append("")
                parents.append(())
                leaves[i] = v
                continue
            ops.append(v._op)
            b = v._b
            parents.append((at(a), at(b)) if b is not None else
                           tuple(map(at, a)) if type(a) is tuple else (at(a),))
            if v._op == _WS:
                plain[i] = code.weighted_inputs(v)
        self.n, self.ops, self.parents, self.plain, self.leaves = \
            len(order), ops, parents, plain, leaves
        self.order = order
        try:
            self.extras = [index[x] for x in extras]
        except KeyError:
            raise CompileError("compile: a Value that fn returned besides the loss is not "
                               "part of the loss's graph; return only Values the loss "
                               "depends on") from None
        self.index = index
        self.rec, self.snapshot = rec, snapshot
        self.picture, self.floats, self.proxied = picture, floats, proxied
        self.shape = None

    def still_holds(self, key, fn):
        """None if what this (first) call's graph depended on is as it was, else what
        changed (the guards of call 1, checked on call 2)."""
        picture, floats = flatten_args(key)
        if picture[0] != self.picture[0] or picture[2] != self.picture[2] or \
                len(picture[1]) != len(self.picture[1]) or \
                not all(a is b for a, b in zip(picture[1], self.picture[1])):
            return "the arguments' structure (types, lengths, objects) changed"
        rec = self.rec
        then = self.floats + [x for _, _, x in rec.sources[len(floats):]]
        now = floats + [v.data for v, _, _ in rec.sources[len(floats):]]
        pinned = rec.tainted if self.proxied else range(len(floats))
        for slot in pinned:
            if not same_bits(now[slot], then[slot]):
                return "a number that fn computes with in a way a replay cannot follow changed"
        env = {"A": now, "inf": math.inf, "nan": math.nan}
        for op, left, right, result, where in rec.conditions:
            if eval(condition_code(op, left, right, _slot), env) != result:
                return f"the condition at {where} is not {result} any more"
        why = _state_changed(self.snapshot, fn)
        if why is not None:
            return why
        for v, attr, x, where in rec.reads:
            if v._a is None and not same_bits(getattr(v, attr), x):
                return (f"fn's own code read .{attr} of {_label(v).strip() or 'a Value'} "
                        f"at {where}, and it is not {x!r} any more")
        return None


def _state_changed(snapshot, fn):
    """None if what fn can reach is as in the snapshot, else what changed."""
    if snapshot.holds():
        return None
    getters: list[Any] = []
    return snapshot.differs(state_roots(fn, getters), getters)


def _label(v):
    return f" {v.label!r}" if getattr(v, "label", "") else ""


def _other_graph(old, new):
    """How the graph of trace `new` differs from that of `old` (ops and wiring), or None."""
    if old.n != new.n:
        return f"it had {old.n} nodes, now {new.n}"
    for i in range(new.n):
        if old.ops[i] != new.ops[i] or old.parents[i] != new.parents[i]:
            return (f"node {i} was {old.ops[i] or 'a leaf'} of {old.parents[i]}, now "
                    f"{new.ops[i] or 'a leaf'} of {new.parents[i]}")
    return None


def _compare(old, new, when):
    """Raise CompileError unless `new` (a later eager run) has the graph of `old`."""
    what = _other_graph(old, new)
    if what is None:
        for i, leaf in old.leaf_kinds.items():
            v = new.leaves[i]
            if leaf[0] == "live" and old.live[leaf[1]] is not v:
                what = f"leaf {i}{_label(v)} is another Value than before"
            elif leaf[0] == "k" and not same_bits(leaf[1], v.data):
                what = f"leaf {i}{_label(v)} changed from {leaf[1]!r} to {v.data!r}"
            if what:
                break
    if what:
        raise CompileError(f"compile: the graph changed ({when}): {what}, although nothing "
                           f"the replay guards changed. fn depends on something else "
                           f"(random numbers, a counter); call fn().backward() eagerly "
                           f"instead")


class _Entry:
    """A replay: the generated function, the live leaves it reads, its guards."""

    def __init__(self, first, second):
        graph, self.guards, self.leaves = _plan(first, second)
        self.source, self.replay = _generate(graph)
        self.shape = second.shape
        first.order = first.index = first.leaves = None
        second.order = second.index = None       # keep the leaves, not the whole graph
        second.leaves = {i: v for i, v in second.leaves.items() if v in self.guards.live}
        self.trace = second


def _plan(first, second):
    """Compare call 1's trace with call 2's and plan the replay: how it reads each leaf,
    and its guards. Call 2 ran fn on plain floats: where call 1 ran it on TracedFloats,
    every number call 1 traced back to its sources must come out of call 2's numbers the
    same way, or the tracing missed something (_ProxiesFailed: trace again without them)."""
    rec = first.rec                       # call 1 ran recorded, call 2 did not
    proxied = first.proxied and bool(rec.sources)      # with stand-ins for some numbers
    what = _other_graph(first, second)
    if what is not None:
        _mismatch(what, proxied, rec)
    for i in range(second.n):
        if second.ops[i] and first.order[i] is second.order[i]:
            v = second.order[i]
            raise CompileError(f"compile: fn uses node {i} ({v._op}{_label(v)}) that was "
                               f"built before fn ran; a replay would recompute it. Build "
                               f"the whole graph inside fn")
    live = [v2 for i, v2 in second.leaves.items() if first.leaves[i] is v2]
    outlives = first.snapshot.object_ids() | {id(v) for v in live} | \
        {id(x) for x in first.picture[1]}             # (all kept alive)
    sources = _Sources(first, second, outlives)
    conversions = rec.conversions
    used = set()

    def number(x1, x2, where):
        """How the replay gets a number that was x1 in call 1 and x2 in call 2."""
        conv = conversions.get(id(x1))
        if conv is not None and conv[0] is x1:
            used.add(id(x1))
            proxy = conv[1]
            if not same_bits(sources.value(proxy), x2):
                _mismatch(f"{where} does not follow from fn's numbers as traced", True, rec)
            if sources.follows(proxy):
                return ("a", sources.name(proxy))
            sources.pin(proxy, where)
        elif not same_bits(x1, x2):
            _mismatch(f"{where} is a new Value on every call and its number changed "
                      f"({x1!r}, then {x2!r})", proxied, rec)
        return ("k", x2)

    leaves, slots = {}, 0
    for i, v1 in first.leaves.items():
        v2 = second.leaves[i]
        if v1 is v2:
            leaves[i] = ("live", slots)
            slots += 1
        else:
            leaves[i] = number(v1.data, v2.data, f"leaf {i}{_label(v2)}")
    plain = {}
    for i, inputs in first.plain.items():
        if inputs.count(None) == len(inputs):
            plain[i] = inputs                 # every input a Value: no numbers
        else:
            plain[i] = tuple(None if x is None else number(x, y, f"node {i}'s input {w}")
                             for w, (x, y) in enumerate(zip(inputs, second.plain[i])))
    for key, (x, proxy) in conversions.items():
        if key not in used:                 # e.g. an exponent: baked into the op's text
            sources.pin(proxy, "an op's parameter (e.g. an exponent)")
    guards = _Guards(first, second, sources, set(live))
    for v, attr, x, where in rec.reads:      # numbers held as they are
        i = first.index.get(v)
        if i is not None and first.ops[i]:
            if attr == "data":
                guards.node(i, v, x, where)
        elif id(v) in outlives:
            guards.reads.append((v, attr, x, where))
        elif i is None and v._a is not None:
            raise CompileError(f"compile: fn's own code reads .{attr} of a node the loss does "
                               f"not depend on ({v._op}{_label(v)}) at {where}; a replay "
                               f"cannot recompute it. Compute it outside fn, or return it "
                               f"with the loss")
    for v, attr, where in rec.writes:
        i = first.index.get(v)
        if id(v) in outlives or i is not None and first.ops[i]:
            raise CompileError(f"compile: fn sets .{attr} of a Value that outlives it or that "
                               f"the loss depends on ({_label(v).strip() or repr(v)}) at "
                               f"{where}; a replay does not run fn, so that would not happen. "
                               f"Do it before or after the step (e.g. model.zero_grad() "
                               f"before calling it)")
    sources.guard_nodes(guards)
    graph = code.Graph(second.ops, second.parents, leaves, plain, second.extras,
                       second.shape is not None, guards.values, sources.lines)
    second.leaf_kinds = {i: leaves[i] for i in second.leaves}
    second.live = live
    return graph, guards, live


def _mismatch(what, proxied, rec):
    if proxied:
        raise _ProxiesFailed(what)
    nodes = [(v, where) for v, attr, x, where in rec.reads if v._a is not None]
    if nodes:
        v, where = nodes[0]
        raise CompileError(f"compile: fn built another graph on call 2: {what}. fn's own code "
                           f"reads .data of a node ({v._op}{_label(v)}) at {where}, whose "
                           f"number changes from call to call, and builds the graph from "
                           f"it, which a replay cannot follow; call fn().backward() eagerly "
                           f"(or compute that number from Values, inside the graph)")
    raise CompileError(f"compile: fn built another graph on call 2 although nothing it reads "
                       f"changed: {what}. Numbers that fn draws or computes afresh (random "
                       f"numbers, a counter) cannot be replayed: pass them as arguments, "
                       f"step(x), or keep them in Values made outside fn and set their "
                       f".data before each call")


class _Sources:
    """The traced numbers of call 1 (see Recorder): which the replay can follow (the
    arguments' floats, and reads of Values that outlive fn), the code that computes
    TracedFloats from them (one variable each, once per call, from `A`), and the slots a
    replay holds to their numbers (pinned)."""

    def __init__(self, first, second, outlives):
        rec = first.rec
        self.rec, self.first = rec, first
        self.n_args = len(first.floats)
        # per slot: the Value read (None for an argument), and whether the replay follows it
        reads = rec.sources[self.n_args:]
        self.read = [None] * self.n_args + [v for v, _, _ in reads]
        self.live = [True] * self.n_args + [id(v) in outlives for v, _, _ in reads]
        self.recorded = list(first.floats) + [x for _, _, x in reads]
        # call 2's numbers for each slot: its arguments, and the Values read as they are now
        self.now = list(second.floats) + [v.data if id(v) in outlives else x
                                          for v, _, x in reads]
        self.pinned = dict(rec.tainted)
        self.names, self.lines = {}, []
        self.conditions = []
        for op, left, right, result, where in rec.conditions:
            used = left.slots() | (right.slots() if type(right) is TracedFloat else set())
            if all(self.live[s] for s in used):
                self.conditions.append((condition_code(op, left, right, _slot), result, where))
            else:
                for s in used:
                    self.pinned.setdefault(s, where)

    def follows(self, proxy):
        return all(self.live[s] for s in proxy.slots())

    def pin(self, proxy, where):
        for s in proxy.slots():
            self.pinned.setdefault(s, where)

    def value(self, proxy):
        """The proxy's number computed from call 2's numbers."""
        env = {"A": self.now, "inf": math.inf, "nan": math.nan}
        return eval(_builtin_compile(proxy.code(_slot), "<traced>", "eval"), env)

    def name(self, proxy):
        """The variable that holds the proxy's number in the replay (computing the numbers
        it is made of first, without recursion)."""
        stack = [(proxy, False)]
        while stack:
            p, ready = stack.pop()
            if id(p) in self.names:
                continue
            children = [a for a in p._args if type(a) is TracedFloat] if p._op else []
            if ready or not children:
                var = f"x{len(self.names)}"
                self.lines.append(f"{var} = " + p.code(_slot, self.names))
                self.names[id(p)] = var
            else:
                stack.append((p, True))
                stack.extend((a, False) for a in children)
        return self.names[id(proxy)]

    def guard_nodes(self, guards):
        """Pinned reads of nodes: the replay checks their numbers as it computes them; of
        leaves fn made that hold a traced number: pin what that number came from."""
        first, done = self.first, set()
        todo = list(self.pinned)
        while todo:
            slot = todo.pop()
            v = self.read[slot]
            if slot in done or v is None or self.live[slot]:
                continue
            done.add(slot)
            where = self.pinned[slot]
            i = first.index.get(v)
            if i is not None and first.ops[i]:
                guards.node(i, v, self.recorded[slot], where)
            elif i is None and v._a is not None:
                raise CompileError(f"compile: fn's own code reads .data of a node the loss "
                                   f"does not depend on ({v._op}{_label(v)}) at {where}; a "
                                   f"replay cannot recompute it. Compute it outside fn, or "
                                   f"return it with the loss")
            else:
                conv = self.rec.conversions.get(id(self.recorded[slot]))
                if conv is not None and conv[0] is self.recorded[slot]:
                    for s in conv[1].slots():
                        if s not in self.pinned:
                            self.pinned[s] = where
                            todo.append(s)


def _slot(slot):
    return f"A[{slot}]"


_NO_ARGUMENTS = ((), ())


class _Guards:
    """What the replay assumes: checked by `check` before each replay, and (`inner`) by
    the replay itself for the nodes fn's own code read."""

    no_arguments = flatten_args(_NO_ARGUMENTS)

    def __init__(self, first, second, sources, live):
        self.snapshot = first.snapshot
        self.picture = first.picture
        self.n_args = sources.n_args
        self.reads_from = [(k, v) for k, v in enumerate(sources.read)
                           if v is not None and sources.live[k]]
        self.recorded = sources.recorded
        self.pinned = [(slot, where) for slot, where in sorted(sources.pinned.items())
                       if sources.live[slot]]
        if not first.proxied:
            self.pinned = [(slot, "fn (traced with plain floats)")
                           for slot in range(sources.n_args)]
        self.conditions = sources.conditions
        holds = " and ".join(f"{code} == {result!r}" for code, result, _ in self.conditions)
        self.holds = eval(_builtin_compile(f"lambda A: {holds or 'True'}", "<guards>",
                                           "eval"), {"inf": math.inf, "nan": math.nan})
        self.reads = []          # (Value, attribute, number, where): held to their numbers
        self.inner = {}          # node -> what to say when its number changed
        self.values = {}         # node -> the number it must have
        self.live = live

    def node(self, i, v, x, where):
        self.inner[i] = (f"fn's own code read .data of node {i} ({v._op}{_label(v)}) at "
                         f"{where}, and it is not {x!r} any more")
        self.values[i] = x

    def check(self, key, fn):
        """(the traced numbers `A`, None), or (None, what changed)."""
        picture, floats = flatten_args(key) if key != _NO_ARGUMENTS else self.no_arguments
        vals, objs, nums = self.picture
        if picture[0] != vals:
            return None, "the arguments' structure (types, lengths, ints, strings) changed"
        if len(picture[1]) != len(objs) or not all(a is b for a, b in zip(picture[1], objs)):
            return None, "an argument holds another object than when fn was traced"
        if picture[2] != nums:
            return None, "numbers inside an argument's object changed"
        numbers = floats + self.recorded[self.n_args:]
        for k, v in self.reads_from:
            numbers[k] = v.data
        for slot, where in self.pinned:
            if not same_bits(numbers[slot], self.recorded[slot]):
                return None, (f"{self._name(slot)} changed ({self.recorded[slot]!r}, now "
                              f"{numbers[slot]!r}), and fn uses it at {where} in a way a "
                              f"replay cannot follow")
        if not self.holds(numbers):
            for code, result, where in self.conditions:
                env = {"A": numbers, "inf": math.inf, "nan": math.nan}
                if eval(code, env) != result:
                    return None, (f"the condition at {where} ({code.replace('A[', 'number[')}) "
                                  f"is not {result} any more")
        why = _state_changed(self.snapshot, fn)
        if why is not None:
            return None, why
        for v, attr, x, where in self.reads:
            if not same_bits(getattr(v, attr), x):
                return None, (f"fn's own code read .{attr} of {_label(v).strip() or 'a Value'} "
                              f"at {where}, and it is not {x!r} any more")
        return numbers, None

    def _name(self, slot):
        if slot < self.n_args:
            return f"argument float {slot}"
        v = dict(self.reads_from)[slot]
        return f".data of {_label(v).strip() or 'a Value'} read by fn"


# --- fn's return value -------------------------------------------------------------------

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
