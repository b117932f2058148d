"""Stepping through the forward and the backward pass, one node at a time.

Both passes walk `topological_order(root)`, the order `backward()` uses: the forward steps in
that order (each node's value and the local derivatives it stored), the backward steps in
reverse (each node's upstream gradient, and for each parent the local derivative, the
gradient it adds and that parent's gradient so far).

Stepping never changes a `.grad`: it keeps its own table of gradients, starting from zero
with the root's set to 1, as a single `backward()` on a fresh graph would. So the last
step holds exactly the gradients `backward()` computes, and stepping through a graph you
already called `backward()` on shows the numbers that call put there (leaves accumulate over
several `backward()` calls; the stepper shows one pass).

    >>> from autograd_xor import Value
    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> c = a * b; c.label = "c"
    >>> for s in forward_steps(c): print(s)
    forward 1/3: a = 2.0000 (a leaf)
    forward 2/3: b = -3.0000 (a leaf)
    forward 3/3: c = a * b = 2.0000 * -3.0000 = -6.0000; local derivatives ∂c/∂a = -3.0000, ∂c/∂b = 2.0000
    >>> for s in backward_steps(c): print(s)
    backward 1/3: c: ∂c/∂c = 1.0000 (where backward starts); a.grad += -3.0000 × 1.0000 = -3.0000 (now -3.0000); b.grad += 2.0000 × 1.0000 = 2.0000 (now 2.0000)
    backward 2/3: b: ∂c/∂b = 2.0000, final (a leaf)
    backward 3/3: a: ∂c/∂a = -3.0000, final (a leaf)
    >>> a.grad, b.grad          # untouched
    (0.0, 0.0)

In Jupyter, `step(loss)` gives a widget (a slider and previous/next buttons) that redraws the
graph with the current node highlighted; elsewhere it gives an iterator over the same steps,
each of which displays itself (a line of text, and the graph in a notebook).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .engine import Value, topological_order
from .ops import written
from .render import CURRENT, PARENT, PENDING

if TYPE_CHECKING:
    import graphviz

    from .jupyter import Stepper

__all__ = ["CURRENT", "PARENT", "PENDING", "BackwardStep", "ForwardStep", "Steps", "backward_steps",
           "forward_steps", "step"]


def _n(x):
    text = f"{x:.4f}"
    return "0.0000" if text == "-0.0000" else text       # a value that rounds to 0 has no sign


def _names(order):
    """The label of each node, or `v<index>` for nodes without one (as in the drawings)."""
    return [v.label or f"v{i}" for i, v in enumerate(order)]


class _Step:
    """What forward and backward steps share: where they are and how they show."""

    __slots__ = ("index", "total", "node", "order", "_names", "_pos")

    if TYPE_CHECKING:                   # what each kind of step defines
        def text(self) -> str: ...
        def _drawing(self) -> dict[str, Any]: ...

    @property
    def parents(self) -> tuple[Value, ...]:
        return self.node._prev

    @property
    def local(self) -> tuple[float, ...]:
        return self.node._local

    def __init__(self, index: int, total: int, node: Value, order: list[Value],
                 names: list[str], pos: dict[Value, int]) -> None:
        self.index, self.total, self.node, self.order = index, total, node, order
        self._names, self._pos = names, pos

    def name(self, v: Value) -> str:
        """How this step names node `v` (its label, or `v<topological index>`)."""
        return self._names[self._pos[v]]

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return self.text()

    def draw(self, rankdir: str = "LR") -> graphviz.Digraph:
        """The graph with this step's node highlighted, as a `graphviz.Digraph`."""
        from .render import draw_dot
        return draw_dot(self.order[-1], rankdir, **self._drawing())

    def to_dot(self, rankdir: str = "LR") -> str:
        """The DOT text of `draw()` (no Graphviz needed)."""
        from .render import to_dot
        return to_dot(self.order[-1], rankdir, **self._drawing())

    def _repr_html_(self) -> str:
        from .render import DotNotFoundError
        text = f"<p><code>{html.escape(self.text())}</code></p>"
        try:
            svg = self.draw().pipe(format="svg").decode("utf-8")
        except (ImportError, DotNotFoundError) as e:
            return text + f"<p><i>(no drawing: {html.escape(str(e))})</i></p>"
        return text + svg


class ForwardStep(_Step):
    """Node `index` (from 0) of the forward pass: its value and the local derivatives it
    stored for `backward()`. `parents` and `local` are the node's `_prev` and `_local`.

        >>> from autograd_xor import Value
        >>> x = Value(3.0, label="x"); y = x.tanh(); y.label = "y"
        >>> s = list(forward_steps(y))[1]
        >>> s.formula(), [p.label for p in s.parents], round(s.local[0], 6)
        ('tanh(x)', ['x'], 0.009866)
    """

    __slots__ = ()

    def formula(self) -> str:
        """The op written with the parents' names, e.g. `a * b` or `tanh(n)`."""
        return written(self.node._op, [self.name(p) for p in self.node._prev])

    def text(self) -> str:
        v, me = self.node, self.name(self.node)
        head = f"forward {self.index + 1}/{self.total}: {me} = "
        if not v._prev:
            return head + f"{_n(v.data)} (a leaf)"
        bracket = v._op == "neg" or v._op.startswith("**") and v._op != "**"
        numbers = written(v._op, [f"({_n(p.data)})" if bracket else _n(p.data) for p in v._prev])
        local = ", ".join(f"∂{me}/∂{self.name(p)} = {_n(d)}" for p, d in zip(v._prev, v._local))
        return head + f"{self.formula()} = {numbers} = {_n(v.data)}; local derivatives {local}"

    def _drawing(self) -> dict[str, Any]:
        fills = {v: PENDING for v in self.order[self.index + 1:]}
        fills.update({p: PARENT for p in self.node._prev})
        fills[self.node] = CURRENT
        return {"highlight": fills, "show_local": True, "grads": {v: 0.0 for v in self.order}}


class BackwardStep(_Step):
    """One node of the backward pass, visited in reverse topological order.

    `upstream` is d(root)/d(node), complete when the node is reached; for each parent,
    `local[i]` is the stored local derivative, `contributions[i] = local[i] * upstream` what
    this step adds to that parent's gradient and `parent_grads[i]` its gradient after that.
    `grads` maps every node to its gradient so far (after this step).

        >>> from autograd_xor import Value
        >>> x = Value(3.0, label="x"); y = x * x; y.label = "y"
        >>> s = list(backward_steps(y))[0]   # y passes its gradient to x, twice (x * x)
        >>> s.upstream, s.local, s.contributions, s.parent_grads
        (1.0, (3.0, 3.0), (3.0, 3.0), (3.0, 6.0))
    """

    __slots__ = ("upstream", "contributions", "parent_grads", "_walk")

    def __init__(self, index: int, total: int, node: Value, order: list[Value],
                 names: list[str], pos: dict[Value, int], upstream: float,
                 contributions: tuple[float, ...], parent_grads: tuple[float, ...],
                 walk: list[BackwardStep]) -> None:
        super().__init__(index, total, node, order, names, pos)
        self.upstream, self.contributions = upstream, contributions
        self.parent_grads, self._walk = parent_grads, walk

    @property
    def grads(self) -> dict[Value, float]:
        # Rebuilt on request from the steps so far, so a step costs no copy of the table.
        g = [0.0] * self.total
        g[-1] = 1.0
        for s in self._walk[:self.index + 1]:
            for p, after in zip(s.node._prev, s.parent_grads):
                g[self._pos[p]] = after
        return dict(zip(self.order, g))

    def text(self) -> str:
        v, root = self.node, self.name(self.order[-1])
        me = self.name(v)
        start = " (where backward starts)" if v is self.order[-1] else ""
        head = f"backward {self.index + 1}/{self.total}: {me}: ∂{root}/∂{me} = " \
               f"{_n(self.upstream)}{start}"
        if not v._prev:
            return head + ", final (a leaf)"
        parts = [f"{self.name(p)}.grad += {_n(d)} × {_n(self.upstream)} = {_n(c)} "
                 f"(now {_n(g)})"
                 for p, d, c, g in zip(v._prev, v._local, self.contributions,
                                       self.parent_grads)]
        return head + "; " + "; ".join(parts)

    def _drawing(self) -> dict[str, Any]:
        fills = {p: PARENT for p in self.node._prev}
        fills[self.node] = CURRENT
        return {"highlight": fills, "show_local": True, "grads": self.grads}


def forward_steps(root: Value) -> Iterator[ForwardStep]:
    """The forward pass as steps, one per node of `topological_order(root)`.

        >>> from autograd_xor import Value
        >>> x = Value(3.0, label="x"); y = x * x; y.label = "y"
        >>> [s.node.label for s in forward_steps(y)]
        ['x', 'y']
    """
    order = topological_order(_check_root(root, "forward_steps"))
    names, pos = _names(order), {v: i for i, v in enumerate(order)}
    for i, v in enumerate(order):
        yield ForwardStep(i, len(order), v, order, names, pos)


def backward_steps(root: Value) -> Iterator[BackwardStep]:
    """The backward pass as steps, in the reverse of `topological_order(root)`: the walk of
    `backward()`, on a table of its own (no `.grad` changes), starting from zero.

        >>> from autograd_xor import Value
        >>> x = Value(3.0, label="x"); y = x * x; y.label = "y"
        >>> [(s.node.label, s.upstream) for s in backward_steps(y)], x.grad
        ([('y', 1.0), ('x', 6.0)], 0.0)
    """
    order = topological_order(_check_root(root, "backward_steps"))
    names, pos = _names(order), {v: i for i, v in enumerate(order)}
    n = len(order)
    grads = [0.0] * n
    grads[-1] = 1.0                                   # d(root)/d(root) = 1
    walk: list[BackwardStep] = []                     # the steps so far, for `.grads`
    for k, i in enumerate(range(n - 1, -1, -1)):
        v = order[i]
        g = grads[i]
        contributions, after = [], []
        for p, d in zip(v._prev, v._local):
            j = pos[p]
            grads[j] += d * g                         # the chain rule: local × upstream
            contributions.append(d * g)
            after.append(grads[j])
        s = BackwardStep(k, n, v, order, names, pos, g, tuple(contributions), tuple(after),
                         walk)
        walk.append(s)
        yield s


def _check_root(root: object, fn: str) -> Value:
    if not isinstance(root, Value):
        raise TypeError(f"{fn}: expected the Value at the root of a graph (e.g. a loss), got "
                        f"{type(root).__name__}")
    return root


class Steps:
    """The steps of a pass (or both passes) as a plain iterator: `next(steps)` gives the
    next step, which displays itself; `len()` and indexing work too.

        >>> from autograd_xor import Value
        >>> x = Value(0.5, label="x"); y = x.tanh(); y.label = "y"
        >>> steps = Steps(y)
        >>> len(steps), next(steps)
        (4, forward 1/2: x = 0.5000 (a leaf))
        >>> steps[-1]
        backward 2/2: x: ∂y/∂x = 0.7864, final (a leaf)
    """

    def __init__(self, root: Value, passes: str = "both") -> None:
        if passes not in ("forward", "backward", "both"):
            raise ValueError(f"step: passes must be 'forward', 'backward' or 'both', "
                             f"got {passes!r}")
        self.root = _check_root(root, "step")
        self.steps: list[ForwardStep | BackwardStep] = []
        if passes in ("forward", "both"):
            self.steps += forward_steps(root)
        if passes in ("backward", "both"):
            self.steps += backward_steps(root)
        self._at = 0

    def __iter__(self) -> Steps:
        return self

    def __next__(self) -> ForwardStep | BackwardStep:
        if self._at >= len(self.steps):
            raise StopIteration
        self._at += 1
        return self.steps[self._at - 1]

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, i: int) -> ForwardStep | BackwardStep:
        return self.steps[i]

    def __repr__(self) -> str:
        return f"<{len(self.steps)} steps through {self.root!r}; next is {self._at + 1}>"


def _in_kernel():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    ip = get_ipython()
    return ip is not None and hasattr(ip, "kernel")


def step(root: Value, passes: str = "both", *, widget: bool | None = None,
         rankdir: str = "LR") -> Steps | Stepper:
    """Step through the forward and backward passes of the graph behind `root`.

    In a Jupyter kernel with ipywidgets installed (the `jupyter` extra) this returns a
    `Stepper` widget: a slider and previous/next buttons that redraw the graph with the
    current node highlighted and explain the step in a line of text. Elsewhere (or with
    `widget=False`) it returns `Steps`, an iterator whose steps display themselves.
    `passes` is 'forward', 'backward' or 'both' (forward first).

        >>> from autograd_xor import Value
        >>> x = Value(3.0, label="x"); y = x * x; y.label = "y"
        >>> s = step(y, "backward", widget=False)
        >>> next(s)
        backward 1/2: y: ∂y/∂y = 1.0000 (where backward starts); x.grad += 3.0000 × 1.0000 = 3.0000 (now 3.0000); x.grad += 3.0000 × 1.0000 = 3.0000 (now 6.0000)
    """
    steps = Steps(root, passes)
    if widget is None:
        widget = _in_kernel()
        if widget:
            try:
                import ipywidgets  # noqa: F401
            except ImportError:
                widget = False
    if not widget:
        return steps
    from .jupyter import Stepper
    return Stepper(steps, rankdir=rankdir)
