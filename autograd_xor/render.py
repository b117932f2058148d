"""Drawing computation graphs and networks with Graphviz (needs the `render` extra).

Two pictures:

* `draw_dot(root)`: every `Value` the root depends on, as a record `{ label | data | grad }`,
  and every op as its own small node (`+`, `*`, `tanh`, `**2`, `Σw·x+b`, ...), laid out left
  to right. Node ids are indices in `topological_order(root)` (never `id()`), so the same
  graph always gives the same DOT text and the same SVG.
* `draw_network(model)`: the neuron-level picture of an `MLP`, `Layer` or `Neuron`: inputs,
  a `+1` bias input per layer, neurons as circles with their activation and the weights as
  labelled edges, each layer's nodes in order from top to bottom. After a backward pass
  each edge is coloured by the sign of the adjustment `-grad` (blue and solid: gradient
  descent raises the weight; orange and dashed: lowers it), its width by the size.

The colours are a blue/orange pair that reads with every common colour-vision deficiency,
and the sign is also in the line style and in the number on the edge.

`to_dot()` and `network_to_dot()` build the DOT text in plain Python: they need neither the
`graphviz` package nor the `dot` program. `draw_dot()`/`draw_network()` wrap that text in a
`graphviz.Digraph`, which shows itself as SVG in Jupyter; turning it into SVG or PNG needs the
`dot` program, and when it is missing the error says how to install it.

    >>> from autograd_xor import Value
    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> c = a * b; c.label = "c"
    >>> c.backward()
    >>> print(to_dot(c))
    digraph {
      graph [rankdir=LR fontname=Helvetica]
      node [fontname=Helvetica fontsize=11]
      edge [fontname=Helvetica fontsize=10]
      n0 [label="{ a | data 2.0000 | grad -3.0000 }" shape=record]
      n1 [label="{ b | data -3.0000 | grad 2.0000 }" shape=record]
      n2 [label="{ c | data -6.0000 | grad 1.0000 }" shape=record]
      n2op [label="*" shape=ellipse]
      n2op -> n2
      n0 -> n2op
      n1 -> n2op
    }
    <BLANKLINE>
"""

from __future__ import annotations

import math
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .engine import Value, topological_order
from .files import formats_for
from .ops import lookup

if TYPE_CHECKING:
    import graphviz

    from .nn import Module

__all__ = ["DECREASE", "HIGHLIGHT", "INCREASE", "INSTALL_GRAPHVIZ", "DotNotFoundError", "draw_dot",
           "draw_network", "network_to_dot", "render", "to_dot"]

INSTALL_GRAPHVIZ = ("install Graphviz: 'sudo apt-get install graphviz' (Debian/Ubuntu), "
                    "'brew install graphviz' (macOS) or 'conda install -c conda-forge graphviz'")
HIGHLIGHT = "#ffcc80"        # the fill of highlighted nodes (orange)
INCREASE = "#0072b2"         # blue, solid: the update raises the weight (-grad > 0), or a
                             # positive weight
DECREASE = "#e66100"         # orange, dashed: the update lowers the weight (-grad < 0), or
                             # a negative weight
UNCHANGED = "#9e9e9e"        # grey: a zero gradient (or weight)
# Stepping through a pass (the stepper, the explorer):
CURRENT = "#ffcc80"          # the node of this step (orange)
PARENT = "#b3e5fc"           # its parents (light blue)
PENDING = "#eeeeee"          # forward: nodes not computed yet (grey)


class DotNotFoundError(RuntimeError):
    """The Graphviz `dot` program, which turns DOT text into SVG or PNG, is not installed.

        >>> "apt-get install graphviz" in str(DotNotFoundError("png"))
        True
    """

    def __init__(self, format: str = "svg") -> None:
        super().__init__(
            f"the Graphviz 'dot' program is not installed (or not on PATH), so the graph "
            f"cannot be drawn as {format}; {INSTALL_GRAPHVIZ}. DOT text needs no Graphviz: "
            f"use to_dot() or 'autograd-xor graph NAME --format dot'")


# --- DOT text ----------------------------------------------------------------------------

def _quote(text):
    """A DOT double-quoted string."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _record_field(text):
    """Text that is safe inside one field of a record label."""
    out = str(text).replace("\\", "\\\\")
    for ch in '{}|<>"':
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", "\\n")


class _Raw(str):
    """An attribute value already in DOT syntax (a quoted record label)."""


def _attrs(**attrs):
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, _Raw):
            parts.append(f"{key}={value}")
        else:
            parts.append(f"{key}={_quote(value) if not _plain(value) else value}")
    return "[" + " ".join(parts) + "]"


def _plain(value):
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(value)) is not None


def _num(x):
    """x with 4 decimals; never "-0.0000" (a value that rounds to zero has no sign).

        >>> _num(-0.00004), _num(-1.5)
        ('0.0000', '-1.5000')
    """
    text = f"{x:.4f}"
    return "0.0000" if text == "-0.0000" else text


def _wrap(lines, rankdir):
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be one of 'LR', 'RL', 'TB', 'BT', got {rankdir!r}")
    head = [f"  graph [rankdir={rankdir} fontname=Helvetica]\n",
            "  node [fontname=Helvetica fontsize=11]\n",
            "  edge [fontname=Helvetica fontsize=10]\n"]
    return head + lines


def _colours(highlight, order):
    """{Value: fill colour} from a mapping, or from an iterable of Values/labels."""
    if isinstance(highlight, (Value, str)):
        highlight = [highlight]
    if isinstance(highlight, Mapping):
        return dict(highlight)
    wanted = list(highlight)
    labels = {h for h in wanted if isinstance(h, str)}
    for h in wanted:
        if not isinstance(h, (str, Value)):
            raise TypeError(f"highlight: expected Values or labels (str), got "
                            f"{type(h).__name__} {h!r}")
    known = {v.label for v in order}
    missing = sorted(labels - known)
    if missing:
        raise ValueError(f"highlight: no node is labelled {', '.join(map(repr, missing))}; "
                         f"labels in this graph: {sorted(x for x in known if x)}")
    out = {h: HIGHLIGHT for h in wanted if isinstance(h, Value)}
    out.update({v: HIGHLIGHT for v in order if v.label in labels})
    return out


def _graph_lines(root, *, show_local=False, highlight=(), grads=None):
    if not isinstance(root, Value):
        raise TypeError(f"draw_dot: expected the Value at the root of a graph, got "
                        f"{type(root).__name__}; for a network use draw_network(model)")
    order = topological_order(root)
    index = {v: i for i, v in enumerate(order)}
    fills = _colours(highlight, order)
    grads = {} if grads is None else grads
    lines = []
    for i, v in enumerate(order):
        grad = grads.get(v, v.grad)
        # a DOT record's braces read better here than doubled in an f-string
        label = _Raw('"{ %s | data %s | grad %s }"' % (  # noqa: UP031
            _record_field(v.label), _num(v.data), _num(grad)))
        fill = fills.get(v)
        style = {"style": "filled", "fillcolor": fill, "penwidth": "2"} if fill else {}
        lines.append(f"  n{i} {_attrs(label=label, shape='record', **style)}\n")
        if v._prev:
            fused = len(v._prev) > 2 or v._op == "Σw·x+b"
            shape = "box" if fused else "ellipse"
            op_style = {"style": "filled", "fillcolor": fill} if fill else {}
            roles = _operand_roles(v)
            op_label = _op_label(v._op, roles)
            lines.append(f"  n{i}op {_attrs(label=op_label, shape=shape, **op_style)}\n")
            lines.append(f"  n{i}op -> n{i}\n")
            for k, (p, d) in enumerate(zip(v._prev, v._local)):
                # Edges into a fused node always carry their factor: a plain-number input
                # of a neuron is not a node, so this is the only place it shows.
                text = [roles[k]] if roles else []
                if show_local or fused:
                    text.append(f"×{_num(d)}")
                edge = f" {_attrs(label=' '.join(text))}" if text else ""
                lines.append(f"  n{index[p]} -> n{i}op{edge}\n")
    return lines


_COMMUTATIVE = {"+", "*"}


def _operand_roles(v):
    """("a", "b") for the two operands of an op whose order matters (`a - b`, `a / b`,
    `a ** b`, ...), so the drawing can say which edge is which; () otherwise."""
    if len(v._prev) != 2 or v._op in _COMMUTATIVE:
        return ()
    return ("a", "b")


def _op_label(op, roles):
    """The op node's text: the op itself, or with two ordered operands the op written out
    with them, e.g. `a - b`.

        >>> _op_label("-", ("a", "b")), _op_label("tanh", ())
        ('a - b', 'tanh')
    """
    if not roles:
        return op
    try:
        written = lookup(op)[0].written
    except KeyError:                         # a micrograd-style node with an op of its own
        return f"{op}(a, b)"
    return written.format(*roles)


def to_dot(root: Value, rankdir: str = "LR", *, show_local: bool = False,
           highlight: Iterable[Value | str] | Mapping[Value, str] = (),
           grads: Mapping[Value, float] | None = None) -> str:
    """The DOT text of the graph behind `root`, in plain Python (no Graphviz needed).

    `show_local=True` writes each edge's local derivative on it (`×0.5000`: the factor the
    gradient is multiplied by on its way back along that edge); edges into a fused neuron
    node (`Σw·x+b`) always show it. An op whose operands' order matters is written out
    (`a - b`, `a / b`) and its two edges are labelled `a` and `b`. `highlight` fills nodes: Values or labels, or a mapping
    {Value: colour}. `grads` ({Value: number}) shows other gradients than `.grad`, e.g. the
    gradients part way through a backward pass (the stepper uses this).

        >>> from autograd_xor import Value
        >>> x = Value(0.5, label="x"); y = (2 * x).tanh()
        >>> "tanh" in to_dot(y) and to_dot(y) == to_dot(y)
        True
    """
    lines = _graph_lines(root, show_local=show_local, highlight=highlight, grads=grads)
    return "digraph {\n" + "".join(_wrap(lines, rankdir)) + "}\n"


# --- networks ----------------------------------------------------------------------------

def _layers(model):
    """The model as a list of layers, each a list of neurons."""
    from .nn import MLP, Layer, Neuron
    if isinstance(model, MLP):
        return [list(layer.neurons) for layer in model.layers]
    if isinstance(model, Layer):
        return [list(model.neurons)]
    if isinstance(model, Neuron):
        return [[model]]
    raise TypeError(f"draw_network: expected an MLP, Layer or Neuron from autograd_xor.nn, "
                    f"got {type(model).__name__}; for a computation graph use draw_dot(value)")


_ACT = {"tanh": "tanh", "sigmoid": "sigmoid", "relu": "ReLU", "linear": "linear"}


def _names(given, n, default, what):
    if given is None:
        return [default(k) for k in range(n)]
    given = list(given)
    if len(given) != n:
        raise ValueError(f"draw_network: {what} needs {n} names, got {len(given)}")
    return [str(g) for g in given]


def _network_lines(model, *, input_labels=None, output_labels=None, neuron_labels=None,
                   show_labels=True, show_grad=None, weight_colours=False):
    layers = _layers(model)
    nin = len(layers[0][0].w)
    inputs = _names(input_labels, nin, lambda k: f"x{k + 1}", "input_labels")
    nout = len(layers[-1])
    outputs = _names(output_labels, nout,
                     lambda k: "output y" if nout == 1 else f"output y{k + 1}", "output_labels")
    if neuron_labels is not None and len(neuron_labels) != len(layers):
        raise ValueError(f"draw_network: neuron_labels needs one list per layer "
                         f"({len(layers)}), got {len(neuron_labels)}")
    params = [p for layer in layers for n in layer for p in n.w + [n.b]]
    biggest = max((abs(p.grad) for p in params), default=0.0)
    if show_grad is None:
        show_grad = biggest > 0.0 and not weight_colours
    if show_grad and weight_colours:
        raise ValueError("draw_network: colour edges by the gradient (show_grad) or by the "
                         "weight (weight_colours), not both")
    heaviest = max((abs(p.data) for p in params), default=0.0)
    lines = [_SPACING]
    for k, name in enumerate(inputs):
        lines.append(f"  x{k} {_attrs(label=name, shape='circle')}\n")
    prev = [f"x{k}" for k in range(nin)]
    for li, layer in enumerate(layers):
        names = None if neuron_labels is None else list(neuron_labels[li])
        if names is not None and len(names) != len(layer):
            raise ValueError(f"draw_network: neuron_labels[{li}] needs {len(layer)} names, "
                             f"got {len(names)}")
        lines.append(f"  b{li} {_attrs(label='+1', shape='circle', style='dashed')}\n")
        lines.append(_column(prev + [f"b{li}"]))
        for ni, neuron in enumerate(layer):
            act = _ACT[neuron.activation]
            text = act if names is None else f"{names[ni]}\n{act}"
            nid = f"l{li}n{ni}"
            lines.append(f"  {nid} {_attrs(label=text, shape='circle')}\n")
            for src, p in list(zip(prev, neuron.w)) + [(f"b{li}", neuron.b)]:
                edge = (_weight_edge(p, heaviest, show_labels) if weight_colours
                        else _edge(p, biggest, show_labels, show_grad))
                lines.append(f"  {src} -> {nid} {edge}\n")
        prev = [f"l{li}n{ni}" for ni in range(len(layer))]
    lines.append(_column(prev))
    for k, name in enumerate(outputs):
        lines.append(f"  y{k} {_attrs(label=name, shape='plaintext')}\n")
        lines.append(f"  {prev[k]} -> y{k}\n")
    lines.append(_column([f"y{k}" for k in range(nout)]))
    if show_grad:
        lines.append("  graph " + _attrs(
            label="edge colour and line: the sign of -grad (blue, solid: a descent step "
                  "raises the weight; orange, dashed: lowers it); width: its size",
            labelloc="b", fontsize="10") + "\n")
    if weight_colours:
        lines.append("  graph " + _attrs(
            label="edge colour and line: the sign of the weight (blue, solid: positive; "
                  "orange, dashed: negative); width: its size", labelloc="b",
            fontsize="10") + "\n")
    return lines


# Room between the layers for the weights' labels, which dot places beside their own edges
# (never on top of each other); `decorate` underlines each and ties it to its edge.
_SPACING = "  graph [ranksep=1.2 nodesep=0.3]\n"


def _column(ids):
    """DOT that puts `ids` in one layer's column (rank=same), in this order from top to
    bottom (invisible edges fix the order; dot would otherwise reorder them freely).

        >>> _column(["x0", "x1", "b0"])
        '  { rank=same x0 -> x1 -> b0 [style=invis] }\\n'
    """
    if len(ids) < 2:
        return f"  {{ rank=same {' '.join(ids)} }}\n"
    return f"  {{ rank=same {' -> '.join(ids)} [style=invis] }}\n"


def _width(x, biggest):
    return 1.0 + 4.0 * abs(x) / biggest if biggest > 0 and math.isfinite(biggest) else 1.0


def _signed(x):
    """The colour and line style of a signed quantity: blue solid, orange dashed, grey."""
    if x > 0:
        return {"color": INCREASE, "fontcolor": INCREASE}
    if x < 0:
        return {"color": DECREASE, "fontcolor": DECREASE, "style": "dashed"}
    return {"color": UNCHANGED, "fontcolor": UNCHANGED}


def _weight_edge(p, heaviest, show_labels):
    text = f"{p.label} = {_num(p.data)}" if (show_labels and p.label) else _num(p.data)
    return _attrs(label=text, decorate="true", **_signed(p.data),
                  penwidth=f"{_width(p.data, heaviest):.2f}")


def _edge(p, biggest, show_labels, show_grad):
    text = f"{p.label} = {_num(p.data)}" if (show_labels and p.label) else _num(p.data)
    if not show_grad:
        return _attrs(label=text, decorate="true")
    step = -p.grad
    signed = f"{step:+.4f}"
    text += f"\n-grad {'0.0000' if signed[1:] == '0.0000' else signed}"
    return _attrs(label=text, decorate="true", **_signed(step),
                  penwidth=f"{_width(step, biggest):.2f}")


def network_to_dot(model: Module, rankdir: str = "LR", *,
                   input_labels: Sequence[str] | None = None,
                   output_labels: Sequence[str] | None = None,
                   neuron_labels: Sequence[Sequence[str]] | None = None,
                   show_labels: bool = True, show_grad: bool | None = None,
                   weight_colours: bool = False) -> str:
    """The DOT text of `draw_network(model)`, in plain Python (no Graphviz needed).

        >>> from autograd_xor import Neuron
        >>> print(network_to_dot(Neuron(1, activation="tanh", weights=[0.5], bias=0.1)))
        digraph {
          graph [rankdir=LR fontname=Helvetica]
          node [fontname=Helvetica fontsize=11]
          edge [fontname=Helvetica fontsize=10]
          graph [ranksep=1.2 nodesep=0.3]
          x0 [label=x1 shape=circle]
          b0 [label="+1" shape=circle style=dashed]
          { rank=same x0 -> b0 [style=invis] }
          l0n0 [label=tanh shape=circle]
          x0 -> l0n0 [label="0.5000" decorate=true]
          b0 -> l0n0 [label="0.1000" decorate=true]
          { rank=same l0n0 }
          y0 [label="output y" shape=plaintext]
          l0n0 -> y0
          { rank=same y0 }
        }
        <BLANKLINE>
    """
    lines = _network_lines(model, input_labels=input_labels, output_labels=output_labels,
                           neuron_labels=neuron_labels, show_labels=show_labels,
                           show_grad=show_grad, weight_colours=weight_colours)
    return "digraph {\n" + "".join(_wrap(lines, rankdir)) + "}\n"


# --- Graphviz objects --------------------------------------------------------------------

def _graphviz():
    try:
        import graphviz
    except ImportError:
        raise ImportError('drawing graphs needs the graphviz package: '
                          'pip install "autograd_xor[render]" (and the Graphviz dot program: '
                          f'{INSTALL_GRAPHVIZ}); to_dot() needs neither') from None
    return graphviz


_DRAWING = None


def _drawing_class():
    """A `graphviz.Digraph` whose rendering errors say how to install Graphviz."""
    global _DRAWING
    if _DRAWING is None:
        graphviz = _graphviz()

        # (mypy reads the `graphviz` imported at run time as a variable, not a module)
        class Drawing(graphviz.Digraph):  # type: ignore[name-defined]
            """A `graphviz.Digraph` (shows itself as SVG in Jupyter) with clear errors."""

            def pipe(self, format=None, *args, **kwargs):
                try:
                    return super().pipe(format, *args, **kwargs)
                except graphviz.ExecutableNotFound:
                    raise DotNotFoundError(format or self.format) from None

            def render(self, *args, **kwargs):
                # graphviz saves the DOT source before it runs dot: check first, write nothing
                if shutil.which(self.engine) is None:
                    raise DotNotFoundError(kwargs.get("format") or self.format)
                try:
                    return super().render(*args, **kwargs)
                except graphviz.ExecutableNotFound:
                    raise DotNotFoundError(kwargs.get("format") or self.format) from None

        _DRAWING = Drawing
    return _DRAWING


def _check_format(format):
    if format not in ("svg", "png"):
        raise ValueError(f"format must be 'svg' or 'png', got {format!r} "
                         f"(for DOT text use to_dot())")


def _digraph(lines, rankdir, format):
    _check_format(format)
    return _drawing_class()(body=_wrap(lines, rankdir), format=format)


def draw_dot(root: Value, rankdir: str = "LR", *, show_local: bool = False,
             highlight: Iterable[Value | str] | Mapping[Value, str] = (),
             grads: Mapping[Value, float] | None = None, format: str = "svg") -> graphviz.Digraph:
    """The graph behind `root` as a `graphviz.Digraph` (it displays itself in Jupyter).

    The options are those of `to_dot()`, whose text is the Digraph's `.source`; `format` is
    what `.pipe()` and Jupyter produce ('svg' or 'png'). Needs the `render` extra
    (`pip install "autograd_xor[render]"`); SVG and PNG need the Graphviz `dot` program.

        >>> from autograd_xor import Value
        >>> a = Value(2.0, label="a"); b = (a * a).relu(); b.backward()
        >>> g = draw_dot(b)
        >>> g.source == to_dot(b)
        True
    """
    lines = _graph_lines(root, show_local=show_local, highlight=highlight, grads=grads)
    return _digraph(lines, rankdir, format)


def draw_network(model: Module, rankdir: str = "LR", *,
                 input_labels: Sequence[str] | None = None,
                 output_labels: Sequence[str] | None = None,
                 neuron_labels: Sequence[Sequence[str]] | None = None,
                 show_labels: bool = True, show_grad: bool | None = None,
                 weight_colours: bool = False, format: str = "svg") -> graphviz.Digraph:
    """The neuron-level picture of an `MLP`, `Layer` or `Neuron` as a `graphviz.Digraph`.

    Inputs are named `x1, x2, ...` (or `input_labels`), outputs `output y` (or
    `output_labels`); `neuron_labels` gives one list of names per layer (e.g.
    `[["g"], ["f"]]`). Each layer's nodes stand in order from top to bottom, its `+1` bias
    input last. Each weight edge shows the parameter's `.label` (when `show_labels` and it
    has one) and its value, beside its own edge. `show_grad` (default: whenever some
    parameter has a non-zero gradient) colours each edge by the sign of `-grad`, blue and
    solid for an increase, orange and dashed for a decrease, with a width from 1 to 5 in
    proportion to its size, and writes `-grad` under the value. `weight_colours=True`
    colours each edge by the sign of the weight itself instead (blue solid positive, orange
    dashed negative, width by size): the picture of a trained network.

        >>> from autograd_xor import MLP
        >>> net = MLP(2, [1], weights=[[[0.6, -0.1]]], biases=[[0.3]])
        >>> draw_network(net).source == network_to_dot(net)
        True
    """
    lines = _network_lines(model, input_labels=input_labels, output_labels=output_labels,
                           neuron_labels=neuron_labels, show_labels=show_labels,
                           show_grad=show_grad, weight_colours=weight_colours)
    return _digraph(lines, rankdir, format)


def render(graph: Value | Module | graphviz.Digraph, format: str = "svg") -> bytes:
    """The drawing as bytes in `format` ('svg', 'png' or 'dot'): `graph` is a `Value`, a model
    or a `Digraph` from `draw_dot`/`draw_network`. 'dot' needs no Graphviz at all; the others
    raise `DotNotFoundError` (saying how to install Graphviz) when `dot` is missing.

        >>> from autograd_xor import Value
        >>> a = Value(2.0, label="a")
        >>> render(a * a, "dot")[:9]
        b'digraph {'
    """
    if format not in formats_for("graph"):
        raise ValueError(f"format must be one of {formats_for('graph')}, got {format!r}")
    drawing: Any = graph
    if isinstance(graph, Value) or not hasattr(graph, "source"):
        if format == "dot":
            text = to_dot(graph) if isinstance(graph, Value) else network_to_dot(graph)
            return text.encode("utf-8")
        drawing = draw_dot(graph) if isinstance(graph, Value) else draw_network(graph)
    if format == "dot":
        return drawing.source.encode("utf-8")
    graphviz = _graphviz()
    try:
        return drawing.pipe(format=format)
    except graphviz.ExecutableNotFound:
        raise DotNotFoundError(format) from None
