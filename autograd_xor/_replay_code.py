"""The compiled replay's code generation: one forward and one backward pass over a traced
graph, as the source of a Python function that creates no `Value` objects.

A training step's graph is mostly the same few hundred nodes once per data point: the same
ops, wired the same way to the same parameters, with other numbers (the point's
coordinates, its label). Written out straight, W1's graph is 75,000 lines that CPython's
compiler takes most of a second and 300 MB to compile. So the generator looks for
*blocks*: runs of the inner nodes (in topological order) that repeat with a period P, each
node having the op of the node P places before it, its parents at the same offsets, the
same shared leaves (parameters), and per-block leaves and plain numbers in the same places.
Each such run is emitted once, as the body of a forward loop over its blocks and of a
backward loop over them in reverse; the per-block numbers come from a table, and values the
backward pass needs are kept per block. A first block that differs in a few nodes (the
`0 + loss0` that `sum()` starts with) joins the loop with code of its own for those nodes.
Everything else is written out straight.

The floats stay the engine's to the last bit: every node computes what the engine
computes, in the same order, and the backward loop visits the nodes in exactly the reverse
topological order of the whole graph that `backward()` walks, so block k's contributions to
a shared parameter are added after block k+1's and before block k-1's, into the same running
sum. (Additions into one gradient may share a statement, `h = h + a + b`: Python adds left
to right, so that is the same float as two statements.)

    >>> from autograd_xor import Value
    >>> from autograd_xor.engine import topological_order
    >>> w = Value(0.5); b = Value(-1.0)
    >>> def neuron(x):                      # nine nodes per point
    ...     for _ in range(3):
    ...         x = (w * x + b).tanh()
    ...     return x
    >>> root = sum(neuron(k / 64) for k in range(64))
    >>> graph = Graph.of(topological_order(root))
    >>> source, replay = generate(graph)
    >>> "for k in range(" in source                 # the 64 points are one loop
    True
    >>> w.grad = b.grad = 0.0
    >>> replay(graph.live, []) == root.data
    True
    >>> eager = (w.grad, b.grad); w.grad = b.grad = 0.0
    >>> root.backward(); (w.grad, b.grad) == eager
    True
"""

import math
import re
from collections import Counter
from typing import Any

from .ops import WEIGHTED_SUM, lookup, sigmoid

__all__ = ["Graph", "generate", "literal"]

_builtin_compile = compile

# A run of blocks is rolled into a loop when it has at least this many blocks and nodes:
# a loop costs about ten statements per block, so code written out runs faster, and a few
# hundred nodes of it compile in a few milliseconds. The blocks of a short period (an L2
# penalty's p * p + ...) are rolled only when writing them out would make a large function.
# (The tests lower these to roll small graphs.)
MIN_BLOCKS = 3
MIN_ROLLED_NODES = 512
SHORT_PERIOD = 8
MIN_SHORT_ROLLED_NODES = 4096


class UnreplayableOp(KeyError):
    """An op the table has no row for (a micrograd-style node made by hand)."""


def literal(x):
    """A float as Python source that evaluates to exactly that float.

        >>> literal(-0.0), literal(float("inf")), literal(0.1)
        ('-0.0', 'inf', '0.1')
    """
    if math.isfinite(x):
        return repr(float(x))
    return "nan" if x != x else ("inf" if x > 0 else "-inf")


class Graph:
    """A traced graph in topological order, as the generator reads it.

    For node i: `ops[i]` its op text ("" for a leaf), `parents[i]` the parents' indices.
    A leaf is `("live", slot)` (read from `L[slot].data`; its gradient is added to
    `L[slot].grad` as backward() would), `("k", x)` (the number x, baked in) or
    `("a", name)` (a variable the `prologue` lines compute from the arguments `A`). A
    weighted sum's `plain[i]` gives each weight's input: None for a Value (a parent), else
    a number (`("k", x)` or `("a", name)`). `guards[i]` is a number that inner node i must
    have (fn's own code read it), `extras` the other nodes whose values fn returned.
    """

    def __init__(self, ops, parents, leaves, plain, extras=(), shaped=False, guards=None,
                 prologue=(), live=None):
        self.n = len(ops)
        self.ops, self.parents, self.leaves, self.plain = ops, parents, leaves, plain
        self.extras, self.shaped = list(extras), shaped
        self.guards = guards or {}
        self.prologue = list(prologue)
        self.live = live

    @classmethod
    def of(cls, order):
        """The graph of `order` (a topological order, root last) with every leaf live: a
        replay reads all their numbers and fills all their gradients."""
        index = {v: i for i, v in enumerate(order)}
        ops, parents, leaves, plain = [], [], {}, {}
        live: list[Any] = []                    # the live leaves, by slot
        for i, v in enumerate(order):
            ops.append(v._op if v._prev else "")
            parents.append(tuple(index[p] for p in v._prev))
            if not v._prev:
                leaves[i] = ("live", len(live))
                live.append(v)
            elif v._op == WEIGHTED_SUM.name:
                plain[i] = tuple(None if x is None else ("k", x) for x in weighted_inputs(v))
        return cls(ops, parents, leaves, plain, live=live)


_NO_NUMBERS: dict[Any, Any] = {}


def weighted_inputs(v):
    """Each weight's input of weighted-sum node v: None where it is a Value (a parent),
    else the plain number, as the node's bitmask `_db` records it."""
    local, mask = v._da, v._db
    if not mask:                              # every input a Value
        n = (len(local) - 1) // 2
        inputs = _NO_NUMBERS.get(n)
        if inputs is None:
            inputs = _NO_NUMBERS[n] = (None,) * n
        return inputs
    inputs, pos, last = [], 0, len(local) - 1
    while pos < last:
        if mask >> len(inputs) & 1:
            inputs.append(local[pos])
            pos += 1
        else:
            inputs.append(None)
            pos += 2
    return tuple(inputs)


# --- finding the repeated blocks --------------------------------------------------------

def _signatures(g, inner, keyed, lo, hi):
    """One code per inner node of inner[lo:hi] that is the same for nodes that can be the
    same node of two blocks: the op, the offset back to each inner parent among the inner
    nodes, and the kind of each leaf parent (`keyed`: a live leaf by its index, so that
    only blocks sharing the same parameters match)."""
    ops, parents, plain = g.ops, g.parents, g.plain
    position, leaf = {}, {}
    for j, kind in g.leaves.items():
        leaf[j] = ("L", j) if kind[0] == "live" and keyed else \
            "L" if kind[0] == "live" else "c"
    for p, i in enumerate(inner):
        position[i] = p
    where, what = position.get, leaf.get
    codes: list[int] = []
    intern: dict[tuple[Any, ...], int] = {}
    only = set(g.guards) | {g.n - 1}
    for p in range(lo, hi):
        i = inner[p]
        pars = parents[i]
        # (p - q for an inner parent at q; a leaf's p - None is NotImplemented, named below:
        # on purpose, so mypy's complaint that p.__sub__ takes no None is ignored)
        parts = (ops[i], tuple(map(p.__sub__, map(where, pars))),  # type: ignore[arg-type]
                 tuple(map(what, pars)),
                 plain.get(i) and tuple(map(type, plain[i])),     # None or a number
                 i in only and i)                 # the root and guarded nodes stay straight
        codes.append(intern.setdefault(parts, len(intern)))
    return codes


def _periodic_runs(codes, lo, hi, depth=0):
    """(start, period, blocks, first) of the runs in codes[lo:hi] that repeat with a period
    (`first`: the positions where the first block differs, see _first_differences): the
    longest period that covers at least half as much as the period that covers most (so
    per-sample blocks win over the short runs inside each of them), then the same in the
    gaps between its runs."""
    if hi - lo < MIN_ROLLED_NODES or depth > 3:
        return []
    last: dict[int, int] = {}                # code -> where it was last seen
    gaps: Counter[int] = Counter()
    for p in range(lo, hi):
        c = codes[p]
        if c in last:
            gaps[p - last[c]] += 1
        last[c] = p
    found = []
    for period, count in gaps.most_common(4):
        if count < MIN_BLOCKS - 1:
            break
        runs: list[tuple[int, int, int, Any]] = []    # (start, period, blocks, first)
        p = lo
        while p + period < hi:
            if codes[p] != codes[p + period]:
                p += 1
                continue
            q = p
            while q + period < hi and codes[q] == codes[q + period]:
                q += 1
            blocks = (q - p) // period + 1
            if blocks >= MIN_BLOCKS and blocks * period >= (
                    MIN_ROLLED_NODES if period >= SHORT_PERIOD else MIN_SHORT_ROLLED_NODES):
                end = p + blocks * period
                first = _first_differences(codes, p, period, runs[-1][0] + runs[-1][1] *
                                           runs[-1][2] if runs else lo)
                if first:                   # the block before joins, with code of its own
                    p, blocks = p - period, blocks + 1
                runs.append((p, period, blocks, first or ()))
                p = end
            else:
                p = q + 1
        found.append((sum(b * per for _, per, b, _ in runs), period, runs))
    most = max((cover for cover, _, _ in found), default=0)
    best = max(((period, runs) for cover, period, runs in found if cover and 2 * cover >= most),
               default=(0, []))[1]
    out, start = [], lo
    for run in best + [(hi, 0, 0, ())]:
        out += _periodic_runs(codes, start, run[0], depth + 1)
        if run[1]:
            out.append(run)
            start = run[0] + run[1] * run[2]
    return out


def _first_differences(codes, first, period, free):
    """The positions where the block before a run (from codes[free] on, if it is there)
    differs from the run's blocks, if it differs in a few only: the first term of a running
    sum (`0 + loss0` where the others are `total + loss_k`) is such a position. None if it
    cannot join the run."""
    if first - period < free:
        return None
    differ = [r for r in range(period) if codes[first - period + r] != codes[first + r]]
    return differ if len(differ) <= max(2, period // 16) else None


class _Block:
    """A rolled run: inner positions [start, start + period * blocks) of the graph, the
    nodes of block k being nodes[k]. Where `first` names positions, block 0's node there
    is another op (or wired otherwise) than the other blocks', and has code of its own."""

    def __init__(self, start, period, blocks, inner, first=()):
        self.number = 0
        self.start, self.period, self.blocks = start, period, blocks
        self.nodes = [inner[start + k * period: start + (k + 1) * period] for k in range(blocks)]
        self.first = dict.fromkeys(first)
        self.inner = inner


def _plan_block(g, blk, position, keyed):
    """How the loop body reads each operand: the same block's node (`v`), the block
    before's (`c`), a leaf or number shared by all blocks, or a column of the block's table
    (`t`); and the same for block 0's own nodes. Returns False if the run cannot be rolled
    after all."""
    blk.operands, blk.numbers = [], []
    blk.columns, blk.carried, blk.before = [], set(), {}
    inner_at = blk.inner.__getitem__
    # (kind, per-block leaves or numbers) -> column number
    columns: dict[tuple[str, tuple[Any, ...]], int] = {}
    last = blk.nodes[-1]
    for r, i in enumerate(last):
        ops = []
        skip = 1 if r in blk.first else 0       # block 0's node here has code of its own
        for s, j in enumerate(g.parents[i]):
            if g.ops[j]:
                back = position[i] - position[j]
                if back <= r:
                    ops.append(("v", r - back))
                elif back <= r + blk.period:
                    ops.append(("c", r - back + blk.period))
                    blk.carried.add(r - back + blk.period)
                    if r not in blk.first:    # block 0 reads the node before the run
                        if position[i] - back - (blk.blocks - 1) * blk.period < 0:
                            return False
                        blk.before[r - back + blk.period] = \
                            inner_at(position[i] - back - (blk.blocks - 1) * blk.period)
                else:
                    return False      # a reference two blocks back
            elif keyed and g.leaves[j][0] == "live":
                ops.append(("shared", j))     # the same in every block (its signature)
            else:
                per_block = tuple(g.parents[nodes[r]][s] for nodes in blk.nodes[skip:])
                if all(j == per_block[0] for j in per_block):
                    ops.append(("shared", j))
                    continue
                if len({g.leaves[j][0] == "live" for j in per_block}) > 1:
                    return False      # live in some blocks, a number in others
                ops.append(_column("leaf", (None,) * skip + per_block,
                                   [g.leaves[j] for j in per_block], columns, blk))
        blk.operands.append(ops)
        nums: list[tuple[str, Any] | None] = []
        for w, x in enumerate(g.plain.get(i, ())):
            if x is None:
                nums.append(None)
            else:
                per_block = tuple(g.plain[nodes[r]][w] for nodes in blk.nodes[skip:])
                nums.append(_column("number", (None,) * skip + per_block, per_block,
                                    columns, blk))
        blk.numbers.append(nums)
    for r in blk.first:                # block 0's own nodes: read its block or what is before
        i = blk.nodes[0][r]
        ops = []
        for j in g.parents[i]:
            if not g.ops[j]:
                ops.append(("shared", j))
            elif position[j] < blk.start:
                ops.append(("out", j))
            elif position[j] < blk.start + r:
                ops.append(("v", position[j] - blk.start))
            else:
                return False
        blk.first[r] = (i, ops)
    # a live leaf that changes from block to block keeps its gradient in its block's slot of
    # a list: it may appear in one block and one column only, and nowhere else in the run
    seen: dict[int, tuple[int, int]] = {}            # live leaf -> (block, column)
    for c, (kind, per_block) in enumerate(blk.columns):
        if kind == "leaf" and _is_live(g, per_block):
            for k, j in enumerate(per_block):
                if j is not None and seen.setdefault(j, (k, c)) != (k, c):
                    return False
    every = [op for ops in blk.operands for op in ops] + \
        [op for _, ops in blk.first.values() for op in ops]
    return not any(op[0] == "shared" and op[1] in seen for op in every)


def _is_live(g, per_block):
    return any(j is not None and g.leaves[j][0] == "live" for j in per_block)


def _column(kind, per_block, values, columns, blk):
    """The operand of one parent slot (or plain number) across the blocks: ("k", x) when
    every block has the same baked-in number x, else ("t", its column in the table).
    `per_block` is None for block 0 where its node has code of its own."""
    if all(v[0] == "k" for v in values) and len({repr(v[1]) for v in values}) == 1:
        return ("k", values[0][1])
    key = (kind, per_block)
    if key not in columns:
        columns[key] = len(blk.columns)
        blk.columns.append(key)
    return ("t", columns[key])


# --- emitting code ----------------------------------------------------------------------

class _Ops:
    """The code of each op: forward, local derivatives and backward lines."""

    def __init__(self, env):
        self.env = env
        self.rows = {}

    def row(self, text, where):
        if text not in self.rows:
            try:
                op, k = lookup(text)
            except KeyError:
                raise UnreplayableOp(text, where) from None
            name = None
            if op is not WEIGHTED_SUM and op.replay is None:
                name = f"F{len(self.rows)}"
                self.env[name] = op
                self.env[f"K{len(self.rows)}"] = k
            self.rows[text] = (op, k, name)
        return self.rows[text]

    def forward(self, text, operands, numbers, out, lname):
        """Lines that set `out` (and `lname`, the local derivatives of a table op)."""
        op, _k, name = self.rows[text]
        if op is WEIGHTED_SUM:
            terms, pos = [operands[-1]], 0
            for x in numbers:
                if x is None:
                    terms.append(f"{operands[pos]} * {operands[pos + 1]}")
                    pos += 2
                else:
                    terms.append(f"{operands[pos]} * {x}")
                    pos += 1
            # left to right as the engine sums; in chunks, as Python's compiler recurses
            lines = [f"{out} = {' + '.join(terms[:64])}"]
            for c in range(64, len(terms), 64):
                lines.append(f"{out} = {out} + {' + '.join(terms[c:c + 64])}")
            return lines
        if op.replay is not None:
            return [f"{out} = " + op.replay[0].format(*operands, out=out)]
        args = "".join(x + ", " for x in operands)
        return [f"{out}, {lname} = _fb({name}, ({args}), K{name[1:]})"]

    def backward(self, text, operands, numbers, out, lname, grad, targets):
        """Lines that add this node's share of `grad` into each target (an lvalue, or None
        for a parent whose gradient nobody needs), in parent order as backward() does."""
        op, _k, _name = self.rows[text]
        lines = []
        if op is WEIGHTED_SUM:
            local, pos = [], 0
            for x in numbers:
                if x is None:
                    local += [operands[pos + 1], operands[pos]]
                    pos += 2
                else:
                    local.append(x)
                    pos += 1
            local.append("1.0")
        elif op.replay is not None:
            local = [d.format(*operands, out=out) for d in op.replay[1]]
        else:
            if any(targets):
                lines.append(f"c = _bk({lname}, {grad})")
            for s, t in enumerate(targets):
                if t:
                    lines.append(f"if c[{s}] is not None: {t} = {t} + c[{s}]")
            return lines
        for t, d in zip(targets, local):
            if not t:
                continue
            if " else None" in d:               # a selected zero: add nothing
                cond = d.split(" if ", 1)[1].split(" else None")[0]
                lines.append(f"if {cond}: {t} = {t} + {grad}")
            elif d == "1.0":
                lines.append(f"{t} = {t} + {grad}")
            elif d == "-1.0":
                lines.append(f"{t} = {t} - {grad}")
            else:
                lines.append(f"{t} = {t} + ({d}) * {grad}")
        return lines


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


class Changed(Exception):
    """Raised by a replay when a node that fn's own code read has another value now."""

    def __init__(self, node):
        super().__init__(node)
        self.node = node


def _same(a, b):
    """a and b are the same float (0.0 is not -0.0, nan is nan)."""
    return a == b and (a != 0.0 or math.copysign(1.0, a) == math.copysign(1.0, b)) or \
        (a != a and b != b)


_NAMES = re.compile(r"\b[vcq]\d+\b")
_COLUMNS = re.compile(r"\bt\d+\b")


def generate(g):
    """(source, function) of the replay of graph g (a `Graph`). The function takes the live
    leaves `L` and the argument numbers `A`, runs forward and backward, adds the live
    leaves' gradients and returns the root's value (with the extras' if g.shaped).

    Raises `UnreplayableOp(op text, node)` for an op the table does not have."""
    return _Generator(g).run()


class _Generator:
    def __init__(self, g):
        self.g = g
        self.env = {"tanh": math.tanh, "exp": math.exp, "sigmoid": sigmoid, "_fb": _fb,
                    "_bk": _bk, "inf": math.inf, "nan": math.nan, "_same": _same,
                    "Changed": Changed}
        self.ops = _Ops(self.env)

    def run(self):
        g = self.g
        self.inner = inner = [i for i in range(g.n) if g.ops[i]]
        for i in inner:
            self.ops.row(g.ops[i], i)
        self.position = {i: p for p, i in enumerate(inner)}
        self.live = sorted((i for i in g.leaves if g.leaves[i][0] == "live"),
                           key=lambda i: g.leaves[i][1])
        self.blocks = self._find_blocks()
        self.owner = {}                         # inner node -> (block, k, r)
        for blk in self.blocks:
            for k, nodes in enumerate(blk.nodes):
                for r, i in enumerate(nodes):
                    self.owner[i] = (blk, k, r)
        self.wanted = self._wanted()
        self._exports()
        fwd = self._prologue() + self._forward()
        bwd = self._backward()
        end = []
        if self.live:
            grads = ", ".join(f"g{i}" for i in self.live)
            end.append(f"for v, s, g in zip(L, S, ({grads},)):")
            end.append("    v.grad = s + g if s else g")
        outs = "".join(f", {self._value(j)}" for j in g.extras)
        root = self._value(g.n - 1)
        end.append(f"return ({root}{outs})" if g.shaped else f"return {root}")
        source = "def replay(L, A):\n    " + "\n    ".join(fwd + bwd + end) + "\n"
        # the replay is code generated here from the traced graph, not from user input
        exec(_builtin_compile(source, "<autograd_xor.compile replay>", "exec"),  # noqa: S102
             self.env)
        return source, self.env["replay"]

    # which nodes go into loops

    def _find_blocks(self):
        """The rolled runs: first those that share their parameters (live leaves by
        identity), then, in what is left, those whose live leaves change from block to block
        (e.g. the terms of an L2 penalty, one parameter each)."""
        g, inner = self.g, self.inner
        found, spans = [], [(0, len(inner))]
        for keyed in (True, False):
            left = []
            for lo, hi in spans:
                codes = _signatures(g, inner, keyed, lo, hi) if hi - lo >= MIN_ROLLED_NODES \
                    else []
                start = lo
                for first, period, count, differ in _periodic_runs(codes, 0, len(codes)):
                    blk = _Block(lo + first, period, count, inner, differ)
                    if not _plan_block(g, blk, self.position, keyed):
                        if not differ:
                            continue
                        blk = _Block(lo + first + period, period, count - 1, inner)
                        if not _plan_block(g, blk, self.position, keyed):
                            continue
                    found.append(blk)
                    left.append((start, blk.start))
                    start = blk.start + period * blk.blocks
                left.append((start, hi))
            spans = left
        found.sort(key=lambda b: b.start)
        for number, blk in enumerate(found):
            blk.number = number
        return found

    def _wanted(self):
        """Which nodes lead to a live leaf: only their gradients are worth computing (for a
        block's node: whether it does in any block)."""
        g, inner = self.g, self.inner
        wanted = [False] * g.n
        for j in self.live:
            wanted[j] = True
        starts = {blk.start: blk for blk in self.blocks}
        p = 0
        while p < len(inner):
            blk = starts.get(p)
            if blk is None:
                i = inner[p]
                wanted[i] = any(map(wanted.__getitem__, g.parents[i]))
                p += 1
                continue
            before = {r: blk.before.get(r) is not None and wanted[blk.before[r]]
                      for r in blk.carried}
            blk.wanted = w = [False] * blk.period

            def leads(op):                    # (used only in this turn of the loop)
                kind, x = op
                return (w[x] if kind == "v" else w[x] or before[x] if kind == "c" else  # noqa: B023
                        wanted[x] if kind in ("shared", "out") else
                        kind == "t" and self._live_column(blk, x))  # noqa: B023
            changed = True
            while changed:                    # until the blocks agree
                changed = False
                for r, ops in enumerate(blk.operands):
                    first = blk.first.get(r)
                    if not w[r] and (any(map(leads, ops)) or
                                     first is not None and any(map(leads, first[1]))):
                        w[r] = changed = True
            for nodes in blk.nodes:
                for r, i in enumerate(nodes):
                    wanted[i] = w[r]
            for r, j in blk.before.items():   # the node before the first block
                wanted[j] = wanted[j] or w[r]
            p += blk.period * blk.blocks
        return wanted

    def _exports(self):
        """A block's node that code outside its loop reads gets a plain variable after the
        loop (d{i}, and g{i} for its gradient)."""
        g, owner = self.g, self.owner
        self.exported: set[int] = set()
        for i in self.inner:
            if i not in owner:
                self.exported.update(j for j in g.parents[i] if j in owner)
        for blk in self.blocks:
            self.exported.update(blk.before.values())
            for _, ops in blk.first.values():
                self.exported.update(x for kind, x in ops if kind == "out")
        self.exported.update(g.extras)
        self.exported &= owner.keys()

    # operands

    def _value(self, j):
        """The expression of node j's value in straight code."""
        if self.g.ops[j]:
            return f"d{j}"
        leaf = self.g.leaves[j]
        return f"d{j}" if leaf[0] == "live" else self._number(leaf)

    @staticmethod
    def _number(x):
        return literal(x[1]) if x[0] == "k" else x[1]

    def _target(self, j):
        """Where straight code adds node j's gradient (None: nobody needs it)."""
        return f"g{j}" if self.wanted[j] else None

    # forward

    def _prologue(self):
        lines = list(self.g.prologue)
        if self.live:
            lines.append(f"{', '.join(f'd{i}' for i in self.live)}, = [v.data for v in L]")
        return lines

    def _forward(self):
        g, lines = self.g, []
        starts = {blk.start: blk for blk in self.blocks}
        p = 0
        while p < len(self.inner):
            blk = starts.get(p)
            if blk is not None:
                lines += self._forward_loop(blk)
                p += blk.period * blk.blocks
                continue
            i = self.inner[p]
            operands = [self._value(j) for j in g.parents[i]]
            numbers = [None if x is None else self._number(x) for x in g.plain.get(i, ())]
            lines += self.ops.forward(g.ops[i], operands, numbers, f"d{i}", f"l{i}")
            if i in g.guards:
                name = f"X{i}"
                self.env[name] = g.guards[i]
                lines.append(f"if not _same(d{i}, {name}): raise Changed({i})")
            p += 1
        return lines

    def _operand(self, op):
        kind, x = op
        if kind in ("v", "c"):
            return f"{kind}{x}"
        if kind == "t":
            return f"t{x}"
        if kind == "k":
            return literal(x)
        if kind == "a":
            return x
        return self._value(x)                  # "shared" leaf or number, "out" node

    def _body_numbers(self, blk, r):
        return [None if op is None else self._operand(op) for op in blk.numbers[r]]

    def _first_numbers(self, i):
        return [None if x is None else self._number(x) for x in self.g.plain.get(i, ())]

    def _table(self, blk):
        """Lines that make the block's table T{n}: one tuple of numbers per block. A table
        of baked-in numbers is made once; one that reads live leaves or the arguments is
        made on every call."""
        g, n = self.g, blk.number
        if not blk.columns:
            return []
        rows, constant = [], True
        for k in range(blk.blocks):
            row = []
            for kind, per_block in blk.columns:
                x = per_block[k]
                if x is None:                   # block 0's own node does not read it
                    x = ("k", 0.0)
                elif kind == "leaf":
                    x = g.leaves[x] if g.leaves[x][0] != "live" else ("live", x)
                if x[0] == "k":
                    row.append(x[1])
                else:
                    constant = False
                    row.append(f"d{x[1]}" if x[0] == "live" else x[1])
            rows.append(row)
        if constant:
            self.env[f"T{n}"] = tuple(tuple(row) for row in rows)
            return []
        cells = ("(" + "".join((literal(x) if isinstance(x, float) else x) + ", "
                               for x in row) + ")" for row in rows)
        return [f"T{n} = ({', '.join(cells)},)"]

    def _forward_loop(self, blk):
        g, n = self.g, blk.number
        lines = self._table(blk)
        for r in sorted(blk.carried):
            before = blk.before.get(r)
            lines.append(f"v{r} = {'0.0' if before is None else self._value(before)}")
        # the backward body first: it says which values each block must keep
        self._body_backward(blk)
        lines.append(f"S{n} = []")
        lines.append(f"for k in range({blk.blocks}):")
        body = [f"c{r} = v{r}" for r in sorted(blk.carried)]
        if blk.columns:
            body.append(f"{self._columns(blk)}, = T{n}[k]")
        for r, i in enumerate(blk.nodes[-1]):
            code = self.ops.forward(g.ops[i], [self._operand(op) for op in blk.operands[r]],
                                    self._body_numbers(blk, r), f"v{r}", f"q{r}")
            if r in blk.first:
                j, ops = blk.first[r]
                code = _branch(code, self.ops.forward(g.ops[j], list(map(self._operand, ops)),
                                                      self._first_numbers(j), f"v{r}",
                                                      f"q{r}"))
            body += code
        exported = {r for j in self.exported if self.owner.get(j, (None,))[0] is blk
                    for r in [self.owner[j][2]]}
        keep = sorted(blk.keep | {f"v{r}" for r in exported}, key=_natural)
        blk.kept = keep
        if keep:
            body.append(f"S{n}.append(({', '.join(keep)},))")
        lines += ["    " + line for line in body]
        for j in sorted(self.exported):
            owner = self.owner.get(j)
            if owner and owner[0] is blk:
                _, k, r = owner
                lines.append(f"d{j} = S{n}[{k}][{keep.index(f'v{r}')}]")
        return lines

    @staticmethod
    def _columns(blk):
        return ", ".join(f"t{c}" for c in range(len(blk.columns)))

    # backward

    def _backward(self):
        g, lines = self.g, []
        if self.live:
            # as backward(): a leaf's gradient so far is set aside, and added back at the end
            lines.append("S = [v.grad for v in L]")
            lines.append(f"{', '.join(f'g{i}' for i in self.live)}, = "
                         f"[0.0 if s else s for s in S]")
        root = g.n - 1
        lines.append(f"g{root} = 1.0")
        start = len(lines)
        ends = {blk.start + blk.period * blk.blocks - 1: blk for blk in self.blocks}
        p = len(self.inner) - 1
        while p >= 0:
            blk = ends.get(p)
            if blk is not None:
                lines += self._backward_loop(blk)
                p = blk.start - 1
                continue
            i = self.inner[p]
            p -= 1
            if not self.wanted[i]:
                continue
            operands = [self._value(j) for j in g.parents[i]]
            numbers = [None if x is None else self._number(x) for x in g.plain.get(i, ())]
            targets = [self._target(j) for j in g.parents[i]]
            lines += self.ops.backward(g.ops[i], operands, numbers, f"d{i}", f"l{i}",
                                       f"g{i}", targets)
        zero = [f"g{i}" for i in self.inner if self.wanted[i] and i != root and
                (i not in self.owner or i in self.exported)]
        rest, zero = _first_adds(lines[start:], zero)
        inits = [" = ".join(zero[c:c + 256]) + " = 0.0" for c in range(0, len(zero), 256)]
        return lines[:start] + inits + _gathered(rest)

    def _body_target(self, blk, op):
        kind, x = op
        if kind == "v":
            return f"h{x}" if blk.wanted[x] else None
        if kind == "c":
            return f"gc{x}" if blk.wanted[x] else None
        if kind in ("shared", "out"):
            return self._target(x)
        if kind == "t" and self._live_column(blk, x):
            return f"gt{x}"
        return None

    def _body_backward(self, blk):
        """The backward loop body of a block (kept on blk), and the names it reads."""
        g = self.g
        body = []
        for r in range(blk.period - 1, -1, -1):
            if not blk.wanted[r]:
                continue
            i = blk.nodes[-1][r]
            code = self.ops.backward(
                g.ops[i], [self._operand(op) for op in blk.operands[r]],
                self._body_numbers(blk, r), f"v{r}", f"q{r}", f"h{r}",
                [self._body_target(blk, op) for op in blk.operands[r]])
            if r in blk.first:
                j, ops = blk.first[r]
                code = _branch(code, self.ops.backward(
                    g.ops[j], list(map(self._operand, ops)), self._first_numbers(j),
                    f"v{r}", f"q{r}", f"h{r}", [self._body_target(blk, op) for op in ops]))
            body += code
        blk.backward_body = body
        names = set(_NAMES.findall("\n".join(body)))
        blk.keep = {x for x in names if x[0] in "vq" or int(x[1:]) in blk.carried}

    def _live_column(self, blk, c):
        kind, per_block = blk.columns[c]
        return kind == "leaf" and _is_live(self.g, per_block)

    def _backward_loop(self, blk):
        n, m = blk.number, blk.blocks
        lines = []
        # the gradient each block's node starts from: what code after the loop added
        starts: dict[int, dict[int, str]] = {}      # r -> {k: the gradient's variable}
        for j in self.exported:
            owner = self.owner.get(j)
            if owner and owner[0] is blk and self.wanted[j]:
                starts.setdefault(owner[2], {})[owner[1]] = f"g{j}"
        for r in sorted(blk.carried):
            if not blk.wanted[r]:
                continue
            before = blk.before.get(r)
            cells = ["0.0" if before is None else f"g{before}"] + \
                [starts.get(r, {}).get(k, "0.0") for k in range(m)]
            lines.append(f"I{n}_{r} = [{', '.join(cells)}]")
            lines.append(f"gc{r} = I{n}_{r}[{m}]")
        for r, ks in sorted(starts.items()):
            if r not in blk.carried:
                cells = [ks.get(k, "0.0") for k in range(m)]
                lines.append(f"I{n}_{r} = [{', '.join(cells)}]")
        live_columns = [c for c in range(len(blk.columns)) if self._live_column(blk, c)]
        for c in live_columns:
            leaves = blk.columns[c][1]
            cells = ["0.0" if j is None else f"g{j}" for j in leaves]
            lines.append(f"G{n}_{c} = [{', '.join(cells)}]")
        lines.append(f"for k in range({m - 1}, -1, -1):")
        body = []
        if blk.kept:
            body.append(f"{', '.join(blk.kept)}, = S{n}[k]")
        if blk.columns and _COLUMNS.search("\n".join(blk.backward_body)):
            body.append(f"{self._columns(blk)}, = T{n}[k]")
        zero = []
        for r in range(blk.period):
            if not blk.wanted[r]:
                continue
            if r in blk.carried:
                body.append(f"h{r} = gc{r}")
                body.append(f"gc{r} = I{n}_{r}[k]")
            elif r in starts:
                body.append(f"h{r} = I{n}_{r}[k]")
            else:
                zero.append(f"h{r}")
        for c in live_columns:
            body.append(f"gt{c} = G{n}_{c}[k]")
        rest, zero = _first_adds(blk.backward_body, zero)
        if zero:
            body.append(" = ".join(zero) + " = 0.0")
        body += _gathered(rest)
        for c in live_columns:
            body.append(f"G{n}_{c}[k] = gt{c}")
        lines += ["    " + line for line in body]
        for r, before in sorted(blk.before.items()):
            if blk.wanted[r]:
                lines.append(f"g{before} = gc{r}")
        for c in live_columns:
            leaves = blk.columns[c][1]
            lines.append(f"{', '.join('_' if j is None else f'g{j}' for j in leaves)}, "
                         f"= G{n}_{c}")
        return lines


_ADD = re.compile(r"(\w+) = ([\w.]+) ([+-]) (.*)$")
_GRADS = re.compile(r"\b(?:gc|gt|g|h)\d+\b")


def _first_adds(lines, zero):
    """Start each gradient in `zero` (0.0 until something is added to it) with its first
    unconditional addition, `g = 0.0 + x`, the float backward() computes, one statement
    fewer. Returns the lines and the gradients that still need `= 0.0` first."""
    zero, merged, seen, out = set(zero), set(), set(), []
    for line in lines:
        m = _ADD.match(line)
        if m and m.group(1) == m.group(2) and m.group(1) in zero and m.group(1) not in seen:
            target = m.group(1)
            line = f"{target} = 0.0 {m.group(3)} {m.group(4)}"
            merged.add(target)
        seen.update(_GRADS.findall(line))
        out.append(line)
    return out, [x for x in sorted(zero - merged, key=_natural)]


def _gathered(lines):
    """The same additions with fewer statements: the unconditional additions into one
    gradient, `h = h + a` ... `h = h + b`, become `h = h + a + b` at the place of the last,
    which Python sums left to right, so the float is the same. (Nothing reads a gradient
    while its node's consumers add into it, and what they add is final by then.)"""
    out = list(lines)
    # gradient -> [(line number, start, op, term)]
    runs: dict[str, list[tuple[int, str, str, str]]] = {}

    def close(name):
        run = runs.pop(name, None)
        if run and len(run) > 1:
            last = run[-1][0]
            for k, *_ in run[:-1]:
                out[k] = None
            terms = [f"{op} {term}" for _, _, op, term in run]
            code = [f"{name} = {run[0][1]} {' '.join(terms[:64])}"]
            for c in range(64, len(terms), 64):
                code.append(f"{name} = {name} {' '.join(terms[c:c + 64])}")
            out[last] = "\n".join(code)

    for k, line in enumerate(lines):
        m = _ADD.match(line)
        if m and m.group(2) in (m.group(1), "0.0"):
            name = m.group(1)
            for other in _GRADS.findall(m.group(4)):
                close(other)
            if m.group(2) == "0.0":
                close(name)
            runs.setdefault(name, []).append((k, m.group(2), m.group(3), m.group(4)))
        else:
            for name in _GRADS.findall(line):
                close(name)
    for name in list(runs):
        close(name)
    return [x for line in out if line is not None for x in line.split("\n")]


def _branch(rest, first):
    """Code that runs `first` for block 0 and `rest` for the others."""
    return ["if k:"] + ["    " + x for x in rest or ["pass"]] + \
        ["else:"] + ["    " + x for x in first or ["pass"]]


def _natural(name):
    return name[0], int(name[1:])
