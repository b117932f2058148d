"""The explorer: any computation graph as one self-contained, offline HTML page.

`explore(root)` turns the graph behind `root` into a page that needs no server, no Jupyter
and no network: it opens by double-click and can be emailed or put on a course page. In it
the learner

* steps through the forward pass node by node (values appear in topological order) and
  then the backward pass (each node's complete gradient appears, in the reverse order),
  forwards and back, with the arrow keys, Home and End, or the buttons;
* clicks a node to see its chain-rule derivation with the numbers put in: its gradient as
  the sum, over every node that uses it, of that node's gradient times the local derivative
  (the op table's formula, with its values);
* switches on practice mode and types each gradient before it is revealed; Enter checks
  it (right when it agrees to 4 significant digits), a wrong answer offers the derivation
  as a hint, and a score is kept.

The events are those of `autograd_xor.step(root)`: for a graph of N nodes there are 2N.
Graphviz's `dot` lays the graph out (in Python, once); the page draws it as SVG and a small
script written here, inlined, does the rest.

    >>> from autograd_xor import Value, explore
    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> c = a * b; c.label = "c"
    >>> ex = explore(c, title="c = a * b")
    >>> ex.node_ids, ex.events
    (['a', 'b', 'c'], 6)
    >>> ex.gradients()                     # what the backward events reveal, by node id
    {'a': -3.0, 'b': 2.0, 'c': 1.0}
    >>> page = ex.html()                   # the whole page (laid out by Graphviz's dot)
    >>> page.startswith("<!DOCTYPE html>") and 'data-node="c"' in page
    True

The page's contract, which tests and users' scripts rely on: every node is an element with
`data-node="ID"` (`node_ids`) holding `data-role="value"` and `data-role="grad"` elements,
empty until revealed; `data-role="step"` shows `k / n`; clicking a node fills
`data-role="explain"`; `data-role="practice"` toggles practice mode, whose
`input[data-role="answer"]` is checked by Enter and answered in `data-role="feedback"`.
"""

from __future__ import annotations

import html
import json
import math
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Union

from ._explorer_page import SCRIPT, STYLE
from .engine import Value, topological_order
from .files import write_output
from .ops import lookup, written as write_op
from .render import DotNotFoundError

if TYPE_CHECKING:
    from .nn import MLP

# which nodes practice mode asks about: all of them (True), none (False), or these
Practice = Union[bool, Value, str, Iterable[Union[Value, str]]]

__all__ = ["MAX_NODES", "Explorer", "GraphTooLargeError", "explore", "explore_model", "node_ids"]

# Graphviz lays out 2,000 nodes (and their op nodes) in seconds; a graph larger than that is
# no longer readable as one drawing, and dot's time grows quickly beyond it.
MAX_NODES = 2000
DOT_SECONDS = 120          # never wait longer than this for a layout

_CHAR = 7.9                # px per character of the 13 px monospace font the drawing uses
_ROW = 17                  # px per text row of a node
_NAME_CHARS = 24           # longer labels are cut in the drawing (the id keeps them whole)


class GraphTooLargeError(ValueError):
    """The graph has more nodes than the explorer lays out (`MAX_NODES`).

        >>> "MAX_NODES" in str(GraphTooLargeError(5000))
        True
    """

    def __init__(self, count: int) -> None:
        super().__init__(
            f"explore: the graph has {count:,} nodes, more than the explorer lays out "
            f"(MAX_NODES = {MAX_NODES:,}); a graph that size is not readable as one drawing. "
            f"Explore a smaller graph: the loss of one input rather than a whole batch, or a "
            f"narrower network")
        self.count = count


def node_ids(root: Value | Iterable[Value]) -> list[str]:
    """The `data-node` id of every node of the graph behind `root`, in topological order.

    A node's id is its label when that label is unique in the graph; nodes without a label
    are called `v<i>` (their index in `topological_order(root)`, as the stepper names them);
    a name that several nodes share gets `#<i>` added.

        >>> from autograd_xor import Value
        >>> x = Value(3.0, label="x"); y = x * 2 + x * 3; y.label = "y"
        >>> node_ids(y)
        ['x', 'v1', 'v2', 'v3', 'v4', 'y']
        >>> a = Value(1.0, label="a"); b = Value(2.0, label="a")
        >>> node_ids(a + b)
        ['a#0', 'a#1', 'v2']
    """
    order = topological_order(root) if isinstance(root, Value) else list(root)
    ids = [str(v.label) if v.label not in ("", None) else f"v{i}" for i, v in enumerate(order)]
    while True:
        counts = Counter(ids)
        if len(counts) == len(ids):
            return ids
        ids = [x if counts[x] == 1 else f"{x}#{i}" for i, x in enumerate(ids)]


def _fmt(x):
    """A number as the page shows it: at least 4 significant digits, plain from 0.001 to
    9999, e-notation outside (the script's `fmt` writes the same text).

        >>> _fmt(-0.00664), _fmt(-0.0000664), _fmt(12345.6), _fmt(0.0), _fmt(float("nan"))
        ('-0.006640', '-6.640e-05', '1.235e+04', '0.000', 'nan')
    """
    if x != x:
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0.000"
    if 1e-3 <= abs(x) < 1e4:
        text = f"{x:#.4g}"
        if "e" not in text:
            return text
    return f"{x:.3e}"


def _jnum(x):
    """A float for JSON: itself (written in full by repr), or "nan"/"inf"/"-inf"."""
    x = float(x)
    if math.isfinite(x):
        return x
    return "nan" if x != x else ("inf" if x > 0 else "-inf")


def _literal(x):
    """A plain number inside a formula."""
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


# --- the graph as data -------------------------------------------------------------------

def _probe(v):
    """The local derivatives of a micrograd-style node made by hand (its op is not in the
    table, so only its own `_backward` knows them): run that `_backward` once with an
    upstream gradient of 1 and read what it adds to each parent, then put every `.grad`
    back. A parent that appears twice gets the sum at its first place."""
    parents = v._prev
    saved = [(p, p.grad) for p in parents] + [(v, v.grad)]
    try:
        for p in parents:
            p.grad = 0.0
        v.grad = 1.0
        v._backward()
        seen, out = set(), []
        for p in parents:
            out.append(0.0 if id(p) in seen else float(p.grad))
            seen.add(id(p))
        return out
    except Exception:  # noqa: BLE001       # its _backward cannot run alone: no derivatives
        return [0.0] * len(parents)
    finally:
        for p, g in saved:
            p.grad = g


def _handmade(v):
    try:
        lookup(v._op)
    except KeyError:
        return True
    return False


def _weighted_sum_parts(v):
    """For a weighted-sum node (bias + Σ w·x): per parent, ('w', input position or None
    for a plain number), ('x', its weight's position) or ('b', None); None if the node does
    not have the engine's layout."""
    prev, mask = v._prev, v._db
    if not isinstance(mask, int) or isinstance(mask, bool) or not prev:
        return None
    parts: list[Any] = [None] * len(prev)
    pos, i, last = 0, 0, len(prev) - 1
    while pos < last:
        if mask >> i & 1:
            parts[pos] = ("w", None)
            pos += 1
        else:
            parts[pos], parts[pos + 1] = ("w", pos + 1), ("x", pos)
            pos += 2
        i += 1
    if pos != last:
        return None
    parts[last] = ("b", None)
    return parts


def _templates(v, local):
    """(written, derivatives, formula) of node v: the op written with its operands as {0},
    {1}, ... (the page puts in names or numbers), each operand's local derivative in the
    same form ({out} is the result), and the op table's formula. None where unknown."""
    n = len(v._prev)
    places = [f"{{{j}}}" for j in range(n)]
    if _handmade(v):
        return (write_op(v._op, places), [None] * n,
                f"'{v._op}' is not in the op table: its own _backward gives the derivative")
    row, k = lookup(v._op)
    parts = _weighted_sum_parts(v) if row.name == "Σw·x+b" else None
    if parts is not None:
        terms = [f"{{{j}}} * " + (f"{{{x}}}" if x is not None else _literal(local[j]))
                 for j, (kind, x) in enumerate(parts) if kind == "w"]
        written = " + ".join([f"{{{n - 1}}}"] + terms)
        derivs = [(f"{{{x}}}" if x is not None else _literal(local[j])) if kind == "w"
                  else f"{{{x}}}" if kind == "x" else "1" for j, (kind, x) in enumerate(parts)]
        return written, derivs, row.formula
    if row.name == "cross_entropy":
        written = f"cross_entropy({', '.join(places)}; y={k})"
        derivs = [f"softmax({', '.join(places)})[{j}] − {1 if j == k else 0}" for j in range(n)]
        return written, derivs, row.formula
    if row.arity == 0 or len(row.derivative) != n:
        return write_op(v._op, places), [None] * n, row.formula
    ktext = v._op[2:] if row.name == "**k" else str(k)
    return write_op(v._op, places), [t.replace("{k}", ktext) for t in row.derivative], row.formula


def _graph(order, ids):
    """Every node as the page's data: value, gradient, parents and their local derivatives,
    the nodes that use it, and the templates of its op. The gradients are those of one
    `backward()` from zero (the stepper's walk: local × upstream, added in reverse order)."""
    pos = {v: i for i, v in enumerate(order)}
    n = len(order)
    local = [list(v._local) if (v._local or not v._prev) else _probe(v) for v in order]
    grads = [0.0] * n
    grads[-1] = 1.0
    consumers: list[list[Any]] = [[] for _ in range(n)]
    for i in range(n - 1, -1, -1):
        for at, (p, d) in enumerate(zip(order[i]._prev, local[i])):
            j = pos[p]
            grads[j] += d * grads[i]
            consumers[j].append([i, at])
    nodes = []
    for i, v in enumerate(order):
        written, derivs, formula = (None, [], None) if not v._prev else _templates(v, local[i])
        nodes.append({
            "id": ids[i], "name": str(v.label) if v.label not in ("", None) else f"v{i}",
            "op": v._op, "v": _jnum(v.data), "g": _jnum(grads[i]),
            "p": [pos[p] for p in v._prev], "d": [_jnum(x) for x in local[i]],
            "w": written, "t": derivs, "f": formula, "c": consumers[i],
        })
    return nodes, grads


# --- the layout ----------------------------------------------------------------------------

def _clip(text, limit):
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _sizes(nodes):
    """(width, height) in px of each value node and each op node."""
    boxes, ovals = [], []
    for nd in nodes:
        chars = max(len(_clip(nd["name"], _NAME_CHARS)), 15)      # "grad -6.640e-03"
        boxes.append((round(chars * _CHAR + 16), 3 * _ROW + 8))
        op = _clip(nd["op"], 18)
        ovals.append((round(max(len(op), 1) * _CHAR + 26), 28) if nd["p"] else None)
    return boxes, ovals


def _dot_source(nodes, boxes, ovals, rankdir):
    lines = ["digraph {", f"  graph [rankdir={rankdir} nodesep=0.15 ranksep=0.3]",
             '  node [fixedsize=true label="" shape=box]']
    for i, nd in enumerate(nodes):
        w, h = boxes[i]
        lines.append(f"  n{i} [width={w / 72:.4f} height={h / 72:.4f}]")
        if ovals[i]:
            w, h = ovals[i]
            lines.append(f"  o{i} [shape=ellipse width={w / 72:.4f} height={h / 72:.4f}]")
            lines.append(f"  o{i} -> n{i}")
            lines += [f"  n{p} -> o{i}" for p in nd["p"]]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _points(text):
    x, y = text.split(",")
    return float(x), float(y)


def _layout(nodes, rankdir="LR"):
    """Graphviz's layout: {name: (x, y)} of the node centres, the edges' splines, in px with
    y downwards, the drawing's size, and the sizes of the value and op nodes."""
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be one of 'LR', 'RL', 'TB', 'BT', got {rankdir!r}")
    boxes, ovals = _sizes(nodes)
    dot = shutil.which("dot")
    if dot is None:
        raise DotNotFoundError("an explorer page")
    try:
        run = subprocess.run([dot, "-Tjson0"], input=_dot_source(nodes, boxes, ovals, rankdir),
                             capture_output=True, text=True, timeout=DOT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"explore: Graphviz took more than {DOT_SECONDS} s to lay out "
                           f"{len(nodes):,} nodes; explore a smaller graph") from None
    if run.returncode != 0:
        raise RuntimeError(f"explore: Graphviz's dot failed: {run.stderr.strip()[:300]}")
    out = json.loads(run.stdout)
    height = float(out["bb"].split(",")[3])
    width = float(out["bb"].split(",")[2])
    names, centres = [], {}
    for obj in out.get("objects", []):
        x, y = _points(obj["pos"])
        centres[obj["name"]] = (x, height - y)
        names.append(obj["name"])
    edges = []
    for e in out.get("edges", []):
        tokens = e["pos"].split()
        tip = None
        spline = []
        for t in tokens:
            if t.startswith("e,"):
                tip = _points(t[2:])
            elif not t.startswith("s,"):
                spline.append(_points(t))
        spline = [(x, height - y) for x, y in spline]
        tip = (tip[0], height - tip[1]) if tip else None
        edges.append((names[e["tail"]], names[e["head"]], spline, tip))
    return centres, edges, (width, height), boxes, ovals


# --- the SVG and the page ------------------------------------------------------------------

def _n(x):
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _edge_svg(spline, tip, target):
    d = f"M{_n(spline[0][0])},{_n(spline[0][1])}"
    for k in range(1, len(spline) - 2, 3):
        (ax, ay), (bx, by), (cx, cy) = spline[k:k + 3]
        d += f"C{_n(ax)},{_n(ay)} {_n(bx)},{_n(by)} {_n(cx)},{_n(cy)}"
    out = f'<path class="agx-edge" data-i="{target}" d="{d}" fill="none" stroke="#666"/>'
    if tip:
        (ex, ey), (lx, ly) = tip, spline[-1]
        dx, dy = ex - lx, ey - ly
        length = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / length * 3.5, dx / length * 3.5
        out += (f'<polygon class="agx-head" data-i="{target}" fill="#666" '
                f'points="{_n(ex)},{_n(ey)} {_n(lx + nx)},{_n(ly + ny)} '
                f'{_n(lx - nx)},{_n(ly - ny)}"/>')
    return out


def _shown(i, k, n_nodes):
    """(value shown, gradient shown) of node i after the first k events."""
    return k > n_nodes or i < k, k > n_nodes and i >= 2 * n_nodes - k


def _marks(k, nodes):
    """{node index: 'current' | 'parent'} for step k: the event's node and the nodes its
    value comes from (forward) or its gradient goes to (backward)."""
    n_nodes = len(nodes)
    if k == 0:
        return {}
    cur = k - 1 if k <= n_nodes else 2 * n_nodes - k
    marks = {p: "parent" for p in nodes[cur]["p"]}
    marks[cur] = "current"
    return marks


# How a standalone drawing (the Jupyter stepper's, a figure) shows a step without the page's
# style sheet: the project's stepping colours, and a line style for each mark as well.
_STANDALONE_STYLE = (".agx-g text{font-family:ui-monospace,Menlo,Consolas,'DejaVu Sans Mono',"
                     "monospace;font-size:13px;fill:#111}.agx-g .agx-name{font-weight:700}"
                     ".agx-g .agx-key{fill:#555}.agx-g .agx-ring{visibility:hidden}")


def _paint(mark, pending, standalone):
    """The fill and line attributes of a node's shape: plain on the page (its style sheet
    marks the steps); in a standalone drawing, the step's marks in the project's stepping
    colours, each with its own line as well."""
    from .render import CURRENT, PARENT, PENDING
    if standalone and mark == "current":
        return f'fill="{CURRENT}" stroke="#000" stroke-width="3"'
    if standalone and mark == "parent":
        return f'fill="{PARENT}" stroke="#333" stroke-width="2"'
    if standalone and pending:
        return f'fill="{PENDING}" stroke="#333" stroke-dasharray="5 3"'
    return 'fill="#fff" stroke="#333"'


def _svg(nodes, grads, lay, k=None, window=None, scale=1.0):
    """The drawing: one `<g data-node=ID>` per node with its name, `data-role="value"` and
    `data-role="grad"`, one ellipse per op, and the edges. `k=None` draws the end of both
    passes, plain, for the page (whose script clears and marks it); a step `k` draws what
    the first k events show, marked with inline colours (a standalone drawing). `window`
    (x, y, width, height in the layout's px) crops it (leaving out what it does not show),
    drawn `scale` times its size."""
    centres, edges, (width, height), boxes, ovals = lay
    n_nodes = len(nodes)
    standalone = k is not None
    k = 2 * n_nodes if k is None else k
    marks = _marks(k, nodes) if standalone else {}
    parts = ["<style>" + _STANDALONE_STYLE + "</style>"] if standalone else []
    x0, y0, ww, wh = window if window is not None else (0.0, 0.0, width, height)

    def seen(xs, ys):                 # does a shape spanning xs, ys show in the window?
        return min(xs) <= x0 + ww and max(xs) >= x0 and min(ys) <= y0 + wh and max(ys) >= y0

    for tail, head, spline, tip in edges:
        target = int(head[1:])
        if spline and seen([p[0] for p in spline], [p[1] for p in spline]):
            parts.append(_edge_svg(spline, tip, target))
    for i, nd in enumerate(nodes):
        if ovals[i]:
            x, y = centres[f"o{i}"]
            w, h = ovals[i]
            if not seen((x - w / 2, x + w / 2), (y - h / 2, y + h / 2)):
                continue
            mark = marks.get(i) if marks.get(i) == "current" else None     # the op at work
            paint = _paint(mark, i >= k and k <= n_nodes, standalone)
            parts.append(
                f'<g class="agx-op" data-i="{i}" aria-hidden="true">'
                f'<ellipse class="agx-oval" cx="{_n(x)}" cy="{_n(y)}" rx="{_n(w / 2)}" '
                f'ry="{_n(h / 2)}" {paint}/>'
                f'<text x="{_n(x)}" y="{_n(y + 4.5)}" text-anchor="middle">'
                f'{html.escape(_clip(nd["op"], 18))}</text></g>')
    for i, nd in enumerate(nodes):
        x, y = centres[f"n{i}"]
        w, h = boxes[i]
        left, top = x - w / 2, y - h / 2
        if not seen((left, left + w), (top, top + h)):
            continue
        show_value, show_grad = _shown(i, k, n_nodes)
        value = _fmt(float(nd["v"])) if show_value else ""
        grad = _fmt(grads[i]) if show_grad else ""
        paint = _paint(marks.get(i), not show_value, standalone)
        name = html.escape(_clip(nd["name"], _NAME_CHARS))
        rows = [top + 4 + _ROW * (r + 1) - 4.5 for r in range(3)]
        label = html.escape(f"{nd['name']}: value {value or 'not computed yet'}, "
                            f"gradient {grad or 'not computed yet'}")
        parts.append(
            f'<g class="agx-node" data-node="{html.escape(nd["id"])}" data-i="{i}" '
            f'tabindex="0" role="button" aria-label="{label}">'
            f'<rect class="agx-ring" x="{_n(left - 4)}" y="{_n(top - 4)}" width="{_n(w + 8)}" '
            f'height="{_n(h + 8)}" rx="6" fill="none"/>'
            f'<rect class="agx-box" x="{_n(left)}" y="{_n(top)}" width="{w}" height="{h}" '
            f'rx="4" {paint}/>'
            f'<line class="agx-rule" x1="{_n(left)}" x2="{_n(left + w)}" '
            f'y1="{_n(top + 4 + _ROW)}" y2="{_n(top + 4 + _ROW)}" stroke="#999"/>'
            f'<text x="{_n(left + 8)}" y="{_n(rows[0])}" class="agx-name">{name}</text>'
            f'<text x="{_n(left + 8)}" y="{_n(rows[1])}"><tspan class="agx-key">data </tspan>'
            f'<tspan data-role="value">{value}</tspan></text>'
            f'<text x="{_n(left + 8)}" y="{_n(rows[2])}"><tspan class="agx-key">grad </tspan>'
            f'<tspan data-role="grad">{grad}</tspan></text></g>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="agx-g" width="{_n(ww * scale)}" '
            f'height="{_n(wh * scale)}" viewBox="{_n(x0)} {_n(y0)} {_n(ww)} {_n(wh)}" '
            f'preserveAspectRatio="xMidYMid meet" role="group" '
            f'aria-label="the computation graph: {n_nodes} nodes">' + "".join(parts) + "</svg>")


def _json_for_script(obj):
    """JSON that is safe inside a `<script>` element: no `<`, `>` or `&` (so no `</script>`)."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_KEYS = ("→ / ←: one step forward / back; Home / End: the start / the end; click a node "
         "(or Tab to it and press Enter) for its derivation; drag to pan; + / − or the "
         "wheel to zoom; F to fit the graph to the screen.")


def _fragment(ex, mode):
    nodes, _grads = ex._data()
    svg, boxes, size = ex._drawing()
    n_nodes = len(nodes)
    n = 2 * n_nodes
    data = {"nodes": nodes, "boxes": boxes, "size": list(size),
            "practice": ex._asked, "startPractice": bool(ex.practice)}
    title = html.escape(ex.title)
    root = html.escape(nodes[-1]["name"])
    wheel = "the wheel" if mode == "page" else "Ctrl + the wheel"
    heading = (f'<h1 class="agx-title">{title}</h1>' if mode == "page"
               else f'<p class="agx-title">{title}</p>')
    style = "" if mode == "page" else f"<style>{STYLE}</style>"
    return f"""<div class="agx agx-{mode}" data-mode="{mode}" tabindex="-1" role="region" \
aria-label="backpropagation explorer: {title}">{style}
{heading}
<p class="agx-blocked" data-role="blocked">Scripts are blocked here, so this explorer cannot \
step: it shows the end of both passes. Open the saved .html file in a browser \
(<code>explore(root).save("graph.html")</code>) to step through it.</p>
<div class="agx-bar" role="toolbar" aria-label="step through the passes">
<button type="button" data-role="start" aria-label="to the start (Home)">« Start</button>
<button type="button" data-role="back" aria-label="one step back (left arrow)">◀ Back</button>
<button type="button" data-role="next" aria-label="one step forward (right arrow)">Next ▶</button>
<button type="button" data-role="end" aria-label="to the end (End)">End »</button>
<span class="agx-step" data-role="step" aria-label="step">{n} / {n}</span>
<span class="agx-phase" data-role="phase">the end of both passes</span>
<button type="button" data-role="practice" aria-pressed="false">Practice</button>
<button type="button" data-role="fit" aria-label="fit the graph to the screen (F)">Fit</button>
<button type="button" data-role="zoom-out" aria-label="zoom out (minus)">−</button>
<span data-role="zoom" aria-label="zoom">100%</span>
<button type="button" data-role="zoom-in" aria-label="zoom in (plus)">+</button>
</div>
<div class="agx-practice" data-role="practice-panel" hidden>
<label><span data-role="question">What is the next gradient?</span>
<input type="text" data-role="answer" inputmode="decimal" autocomplete="off" spellcheck="false" \
aria-label="your answer: the gradient"></label>
<button type="button" data-role="check">Check</button>
<span class="agx-feedback" data-role="feedback" aria-live="assertive"></span>
<button type="button" data-role="hint" hidden>Show the derivation (hint)</button>
<span data-role="score" aria-live="polite">score: 0 right, 0 wrong</span>
</div>
<p class="agx-status" data-role="status" aria-live="polite">{n_nodes} nodes: steps 1 to \
{n_nodes} compute the values (the forward pass), steps {n_nodes + 1} to {n} the gradients \
∂{root}/∂node (the backward pass).</p>
<div class="agx-main">
<div class="agx-view" data-role="view">{svg}</div>
<div class="agx-explain" data-role="explain" aria-live="polite">Click a node to see how its \
gradient comes from the nodes that use it (the chain rule, with the numbers).</div>
</div>
<p class="agx-legend"><span class="agx-swatch" style="background:#E69F00"></span>this step's \
node (thick border) · <span class="agx-swatch" style="background:#56B4E9"></span>its operands \
(forward) or the nodes it passes its gradient to (backward) · dashed grey: not computed yet · \
<span class="agx-swatch" style="background:#fff;border:3px solid #0072B2"></span>the clicked \
node, its users dashed</p>
<details class="agx-help"><summary>Keys and controls</summary><p>{html.escape(_KEYS).replace(
        "the wheel", wheel)} In practice mode, type the gradient of the next node (outlined in \
dashed vermillion) and press Enter: it is right when it agrees to 4 significant digits.</p>\
</details>
<script type="application/json" class="agx-data">{_json_for_script(data)}</script>
<script>{SCRIPT}</script>
</div>"""


def _page(ex):
    title = html.escape(ex.title)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>body {{ margin: .8em 1em; background: #fff; }}{STYLE}</style>
</head>
<body>
{_fragment(ex, "page")}
</body>
</html>
"""


class Explorer:
    """The explorer of one graph: `.html()` is the page, `.save(path)` writes it, and in
    Jupyter it displays itself (`_repr_html_`). Made by `explore()`.

    `node_ids` are the nodes' `data-node` ids in topological order (the forward events'
    order), `events` the number of steps (two per node), `values()` and `gradients()` what
    the forward and backward events reveal, by id.

        >>> from autograd_xor import Value
        >>> x = Value(0.5, label="x"); y = x.tanh(); y.label = "y"
        >>> ex = explore(y)
        >>> ex.title, ex.values()["y"] == y.data, ex.gradients()["x"] == 1 - y.data ** 2
        ('the graph of y (2 nodes)', True, True)
    """

    def __init__(self, root: Value, order: list[Value], title: str,
                 practice: Practice) -> None:
        self.root, self.order, self.title = root, order, title
        self.node_ids = node_ids(order)
        self.events = 2 * len(order)
        self.practice = bool(practice)
        self._asked = _practice_nodes(practice, order, self.node_ids)
        self._cache: dict[Any, Any] = {}

    def _data(self):
        if "data" not in self._cache:
            self._cache["data"] = _graph(self.order, self.node_ids)
        return self._cache["data"]

    def _layout(self, rankdir="LR"):
        key = ("layout", rankdir)
        if key not in self._cache:
            self._cache[key] = _layout(self._data()[0], rankdir)
        return self._cache[key]

    def _drawing(self):
        """The page's drawing, the positions of the nodes and the drawing's size."""
        nodes, grads = self._data()
        centres, _, size, boxes, _ = lay = self._layout()
        boxes_data = [[round(centres[f"n{i}"][0], 1), round(centres[f"n{i}"][1], 1),
                       boxes[i][0], boxes[i][1]] for i in range(len(nodes))]
        return _svg(nodes, grads, lay), boxes_data, (round(size[0], 1), round(size[1], 1))

    def svg(self, step: int | None = None, *, window: Sequence[float] | None = None,
            scale: float = 1.0, rankdir: str = "LR") -> str:
        """The drawing after `step` events (0 to `events`; default: the end) as standalone
        SVG text: what the page shows at that step, with the event's node in orange and the
        nodes its value comes from (forward) or its gradient goes to (backward) in blue.
        `window` = (x, y, width, height) crops it (in the drawing's px), `scale` sizes it.

            >>> from autograd_xor import Value
            >>> x = Value(2.0, label="x"); y = x * x; y.label = "y"
            >>> svg = explore(y).svg(1)          # after the first event: x's value only
            >>> svg.count('<tspan data-role="value">2.000</tspan>'), "4.000" in svg
            (1, False)
        """
        step = self.events if step is None else step
        if not 0 <= step <= self.events:
            raise ValueError(f"svg: step must be from 0 to {self.events}, got {step!r}")
        nodes, grads = self._data()
        return _svg(nodes, grads, self._layout(rankdir), step, window, scale)

    def size(self, rankdir: str = "LR") -> tuple[Any, list[tuple[float, ...]]]:
        """The drawing's (width, height) in px at 100%, and each node's box (x, y, width,
        height; x and y its centre), in topological order.

            >>> from autograd_xor import Value
            >>> size, boxes = explore(Value(1.0, label="a") * 2).size()
            >>> len(boxes), size[0] > boxes[0][2]
            (3, True)
        """
        centres, _, size, boxes, _ = self._layout(rankdir)
        return size, [(*centres[f"n{i}"], *boxes[i]) for i in range(len(boxes))]

    def values(self) -> dict[str, float]:
        """{id: value} of every node, as the forward events reveal them."""
        return {i: v.data for i, v in zip(self.node_ids, self.order)}

    def gradients(self) -> dict[str, float]:
        """{id: d root / d node}, as the backward events reveal them: one backward pass
        from zero (the numbers `backward()` gives a fresh graph)."""
        return dict(zip(self.node_ids, self._data()[1]))

    def html(self) -> str:
        """The whole page: one self-contained HTML file, no network, no server."""
        return _page(self)

    def fragment(self) -> str:
        """The explorer as a `<div>` to embed in another page (a notebook, a docs page):
        its own style and script, keys active while focus is inside it."""
        return _fragment(self, "embed")

    def _repr_html_(self) -> str:
        return self.fragment()

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the page to `path` whole or not at all (`autograd_xor.files.write_output`:
        a temp file beside it, fsync, rename) and return the path."""
        write_output(path, self.html(), "html")
        return os.fspath(path)

    def __repr__(self) -> str:
        return f"<Explorer of {self.title!r}: {self.events} steps>"


def _practice_nodes(practice, order, ids):
    """Topological indices of the nodes practice mode asks about (None: all of them)."""
    if practice is True or practice is False or practice is None:
        return None
    if isinstance(practice, (str, Value)):
        practice = [practice]
    where = {v: i for i, v in enumerate(order)}
    by_id = {x: i for i, x in enumerate(ids)}
    by_label: dict[str, list[int]] = {}
    for i, v in enumerate(order):
        if v.label:
            by_label.setdefault(str(v.label), []).append(i)
    asked = set()
    for item in practice:
        if isinstance(item, Value):
            if item not in where:
                raise ValueError(f"explore: practice names {item!r}, which is not in the graph "
                                 f"of the root")
            asked.add(where[item])
        elif isinstance(item, str) and (item in by_id or item in by_label):
            asked.update([by_id[item]] if item in by_id else by_label[item])
        else:
            known = ", ".join(ids[:12]) + (", ..." if len(ids) > 12 else "")
            raise ValueError(f"explore: practice={item!r} names no node of the graph; give "
                             f"Values, labels or ids such as {known}; or practice=True for "
                             f"every gradient")
    if not asked:
        raise ValueError("explore: practice is empty; give practice=True to ask for every "
                         "gradient, or some nodes to ask about")
    return sorted(asked)


def explore(root: Value, *, title: str | None = None, practice: Practice = False) -> Explorer:
    """The interactive explorer of the graph behind `root` (e.g. a loss): an `Explorer`,
    whose `.save("graph.html")` writes one self-contained offline page and which displays
    itself in Jupyter.

    `title` heads the page (default: "the graph of ROOT (N nodes)"). `practice=True` opens
    the page in practice mode, asking for every gradient before it is revealed; a list of
    nodes (Values, labels or ids) asks only for theirs. Graphs of more than `MAX_NODES`
    nodes are refused (`GraphTooLargeError`) before any layout is tried. Drawing needs the
    Graphviz `dot` program.

        >>> from autograd_xor import Value
        >>> w = Value(0.5, label="w"); x = Value(2.0, label="x")
        >>> loss = (w * x - 1.0) ** 2; loss.label = "loss"
        >>> ex = explore(loss, practice=["w"])
        >>> ex.events, ex.gradients()["w"]
        (12, 0.0)
    """
    if not isinstance(root, Value):
        raise TypeError(f"explore: expected the Value at the root of a graph (e.g. a loss), "
                        f"got {type(root).__name__}")
    order = topological_order(root)
    if len(order) > MAX_NODES:
        raise GraphTooLargeError(len(order))
    if title is None:
        name = root.label or f"v{len(order) - 1}"
        title = f"the graph of {name} ({len(order)} node{'s' if len(order) != 1 else ''})"
    return Explorer(root, order, str(title), practice)


# --- a saved model on one input (`autograd-xor explore --model`) ----------------------------

def _label_model_graph(model, inputs):
    """The model's output on `inputs` with readable labels: inputs x1, x2, ...; each
    neuron's weighted sum z<layer>.<neuron> and activation a<layer>.<neuron> (from 1). The
    parameters keep their labels (an MLP's are its `state_dict` names)."""
    xs = [Value(float(x), label=f"x{i + 1}") for i, x in enumerate(inputs)]
    out = xs
    for li, layer in enumerate(model.layers, 1):
        got = layer(out)
        out = got if isinstance(got, list) else [got]
        for ni, o in enumerate(out, 1):
            if o._op == "Σw·x+b":
                o.label = f"z{li}.{ni}"
            else:
                o.label = f"a{li}.{ni}"
                if o._prev and o._prev[0]._op == "Σw·x+b":
                    o._prev[0].label = f"z{li}.{ni}"
    return out


def explore_model(model: MLP | str | os.PathLike[str], inputs: Sequence[float],
                  target: float | None = None, *, practice: Practice = False) -> Explorer:
    """The explorer of a trained model on one input, for `autograd-xor explore --model FILE
    --input 0,1 [--target 1]`: the output's graph, or with `target` the loss's (binary
    cross-entropy after a sigmoid output, half the squared error otherwise). `model` is an
    `MLP` or the path of a file written by `autograd-xor train --save`.

        >>> from autograd_xor import MLP
        >>> net = MLP(2, [2, 1], activations=["tanh", "sigmoid"],
        ...           weights=[[[0.5, -0.5], [0.3, 0.8]], [[1.0, -1.0]]], biases=[[0, 0], [0]])
        >>> ex = explore_model(net, [0, 1], target=1)
        >>> ex.node_ids[-1], ex.title
        ('loss', 'the 2-2-1 network on x = (0, 1), target 1: binary cross-entropy')
    """
    from .losses import binary_cross_entropy, half_squared_error
    from .nn import MLP, load_model
    net: Any = model                    # an MLP, or one read from the file
    if isinstance(model, (str, os.PathLike)):
        net = load_model(model)
    if not isinstance(net, MLP):
        raise TypeError(f"explore: the model is a {type(net).__name__}, not an MLP; the "
                         f"explorer follows an MLP's layers (save one with MLP.save)")
    nin = len(net.layers[0].neurons[0].w)
    xs = [float(x) for x in inputs]
    if len(xs) != nin:
        raise ValueError(f"explore: the model takes {nin} inputs, got {len(xs)} "
                         f"({', '.join(map(_plain, xs))}); give {nin} numbers, e.g. "
                         f"--input {','.join(['0'] * nin)}")
    outputs = _label_model_graph(net, xs)
    if len(outputs) != 1:
        raise ValueError(f"explore: the model has {len(outputs)} outputs; the explorer "
                         f"follows one root, so give a model with one output")
    root = outputs[0]
    root.label = "y"
    shape = "-".join(str(s) for s in [nin] + [len(layer.neurons) for layer in net.layers])
    title = f"the {shape} network on x = ({', '.join(map(_plain, xs))})"
    if target is not None:
        t = Value(float(target), label="t")
        sigmoid = net.layers[-1].neurons[0].activation == "sigmoid"
        root = binary_cross_entropy(root, t) if sigmoid else half_squared_error(root, t)
        root.label = "loss"
        title += f", target {_plain(float(target))}: " + \
            ("binary cross-entropy" if sigmoid else "half the squared error")
    return explore(root, title=title, practice=practice)


def _plain(x):
    return str(int(x)) if float(x).is_integer() else repr(x)
