"""Pictures of a training run: the loss curve with the learned XOR decision boundary, or,
for a classifier trained on a data set (`autograd_xor.classify`), with its decision regions.

The numbers behind the picture need nothing but the engine; drawing it needs matplotlib (the
`plot` extra: `pip install 'autograd_xor[plot]'`). Figures are drawn with matplotlib's Agg
canvas, never `pyplot`, so no window opens and no global state changes, and the file is
written atomically.

    >>> from autograd_xor.xor import train_xor
    >>> result = train_xor(seed=0)
    >>> xs, ys, grid = decision_grid(result.model, n=2, lo=0.0, hi=1.0)
    >>> xs
    [0.0, 1.0]
    >>> [[round(out) for out in row] for row in grid]     # rows are x2 = 0, then x2 = 1
    [[0, 1], [1, 0]]
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from ._checks import check_whole_number
from .engine import Value, no_grad
from .files import FORMATS, format_of, write_output

if TYPE_CHECKING:
    import os

    from matplotlib.figure import Figure

    from .classify import ClassifierResult
    from .nn import MLP, Module
    from .xor import XORResult

__all__ = ["MARKERS", "PALETTE", "TARGETS", "MissingExtraError", "check_graph_path",
           "check_plot_path", "class_grid", "classifier_figure", "decision_grid", "plot_training",
           "training_figure", "training_image", "write_network"]

# The classes' colours: the Okabe-Ito palette, told apart with every common colour-vision
# deficiency (orange, blue, bluish green, reddish purple, sky blue, vermillion, yellow), and
# a marker shape per class as well, so that the picture reads in grey too.
PALETTE = ("#E69F00", "#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")


# The marker and colour of each XOR target: the first two of the above, orange and blue, the
# colours of the drawings too.
TARGETS = {c: (MARKERS[c], PALETTE[c]) for c in (0, 1)}


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message names the extra to install.

        >>> issubclass(MissingExtraError, ImportError)     # `except ImportError` catches it
        True
    """


def _matplotlib():
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError(
            "plotting needs matplotlib, which is not installed; install the plot extra: "
            "pip install 'autograd_xor[plot]'") from None
    return Figure


def decision_grid(model: MLP, n: int = 61, lo: float = -0.5, hi: float = 1.5
                  ) -> tuple[list[float], list[float], list[list[float]]]:
    """The model's output on an n-by-n grid over [lo, hi]^2: `(xs, ys, grid)` with
    `grid[j][i] = model([xs[i], ys[j]])`, computed without recording a graph.

        >>> from autograd_xor import MLP
        >>> net = MLP(2, [1], activations=["linear"], weights=[[[1.0, 10.0]]], biases=[[0.0]])
        >>> decision_grid(net, n=2, lo=0.0, hi=1.0)[2]
        [[0.0, 1.0], [10.0, 11.0]]
    """
    check_whole_number(n, "decision_grid: n (points per side)", minimum=2)
    if not lo < hi:
        raise ValueError(f"decision_grid: needs lo < hi, got lo={lo!r}, hi={hi!r}")
    step = (hi - lo) / (n - 1)
    xs = [lo + i * step for i in range(n)]
    with no_grad():
        grid = [[cast(Value, model([x, y])).data for x in xs] for y in xs]   # one output
    return xs, list(xs), grid


def class_grid(model: MLP, loss: str, lo: Sequence[float], hi: Sequence[float], n: int = 71
               ) -> tuple[list[float], list[float], list[list[int]]]:
    """The class the model predicts (`classify.predict`) on an n-by-n grid over the box from
    the corner `lo` = (x1, x2) to `hi`: `(xs, ys, grid)` with `grid[j][i]` the class at
    `(xs[i], ys[j])`, computed without recording a graph.

        >>> from autograd_xor import MLP
        >>> net = MLP(2, [1], activations=["sigmoid"], weights=[[[1.0, 0.0]]], biases=[[0.0]])
        >>> class_grid(net, "binary_cross_entropy", (-1.0, 0.0), (1.0, 1.0), n=3)[2]
        [[0, 0, 1], [0, 0, 1], [0, 0, 1]]
    """
    from .classify import predict
    check_whole_number(n, "class_grid: n (points per side)", minimum=2)
    xs = [lo[0] + i * (hi[0] - lo[0]) / (n - 1) for i in range(n)]
    ys = [lo[1] + j * (hi[1] - lo[1]) / (n - 1) for j in range(n)]
    return xs, ys, [[predict(model, [x, y], loss) for x in xs] for y in ys]


def _loss_panel(ax, losses, ylabel, title, colour):
    ax.plot(list(range(1, len(losses) + 1)), losses, color=colour)
    if losses and min(losses) > 0:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)


_LOSS_NAMES = {"binary_cross_entropy": "mean binary cross-entropy", "hinge": "mean hinge loss",
               "cross_entropy": "mean cross-entropy"}


def classifier_figure(result: ClassifierResult, title: str | None = None) -> Figure:
    """A matplotlib `Figure` of a `classify.ClassifierResult`: the mean training loss per
    epoch (left) and the plane coloured by the class the model predicts, with the training
    points (filled) and the held-out points (hollow), each class in its own colour
    (`PALETTE`) and marker shape (`MARKERS`) (right).

        >>> from autograd_xor.classify import train_classifier
        >>> fig = classifier_figure(train_classifier("spiral", points=60, hidden=(8,), epochs=5))
        >>> [ax.get_title() for ax in fig.axes[:2]]
        ['training loss per epoch', 'decision regions (3 classes)']
    """
    Figure = _matplotlib()
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    loss_ax, plane_ax = fig.subplots(1, 2)
    _loss_panel(loss_ax, result.losses, _LOSS_NAMES.get(result.loss, "mean loss"),
                "training loss per epoch", PALETTE[1])

    points = result.X_train + result.X_test
    lo = [min(p[i] for p in points) for i in (0, 1)]
    hi = [max(p[i] for p in points) for i in (0, 1)]
    pad = [0.15 * (h - l or 1.0) for l, h in zip(lo, hi)]
    lo = [l - d for l, d in zip(lo, pad)]
    hi = [h + d for h, d in zip(hi, pad)]
    k = result.classes
    colours = [PALETTE[c % len(PALETTE)] for c in range(k)]
    xs, ys, grid = class_grid(result.model, result.loss, lo, hi)
    levels = [c - 0.5 for c in range(k + 1)]
    plane_ax.contourf(xs, ys, grid, levels=levels, colors=colours, alpha=0.28)
    plane_ax.contour(xs, ys, grid, levels=levels[1:-1], colors="#444444", linewidths=0.8)
    for c in range(k):
        marker = MARKERS[c % len(MARKERS)]
        for X, y, held in ((result.X_train, result.y_train, False),
                           (result.X_test, result.y_test, True)):
            mine = [x for x, t in zip(X, y) if t == c]
            if not mine:
                continue
            plane_ax.scatter([p[0] for p in mine], [p[1] for p in mine], s=26, marker=marker,
                             c="white" if held else colours[c], edgecolors=colours[c] if held
                             else "black", linewidths=1.2 if held else 0.4, zorder=3,
                             label=f"class {c}" + (" (held out)" if held else ""))
    plane_ax.legend(loc="best", fontsize="x-small", framealpha=0.9)
    plane_ax.set_xlim(lo[0], hi[0])
    plane_ax.set_ylim(lo[1], hi[1])
    plane_ax.set_xlabel("x1")
    plane_ax.set_ylabel("x2")
    plane_ax.set_aspect("equal")
    plane_ax.set_title(f"decision regions ({k} classes)")
    tested = "" if result.test_accuracy is None else \
        f", held-out accuracy {100 * result.test_accuracy:.1f}%"
    fig.suptitle(title or f"{result.data}: training accuracy "
                          f"{100 * result.train_accuracy:.1f}%{tested} ({result.optimizer}, lr "
                          f"{result.lr:g}, {result.epochs} epochs, seed {result.seed})")
    return fig


def training_figure(result: XORResult | ClassifierResult, title: str | None = None
                    ) -> Figure:
    """A matplotlib `Figure`: the loss per epoch (left) and the model's output over the plane
    with the four XOR points and the 0.5 contour, where the decision flips (right).

    `result` is what `train_xor` returns (its `.losses`, `.model`, `.predictions`); for a
    `classify.ClassifierResult` it is `classifier_figure(result)`.

        >>> from autograd_xor.xor import train_xor
        >>> fig = training_figure(train_xor(seed=0, epochs=50))
        >>> [ax.get_title() for ax in fig.axes[:2]]
        ['loss before each update', 'learned decision boundary (output = 0.5)']
    """
    from .datasets import XOR_INPUTS, XOR_TARGETS
    from .xor import XORResult

    if not isinstance(result, XORResult):
        return classifier_figure(result, title)
    Figure = _matplotlib()
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    loss_ax, plane_ax = fig.subplots(1, 2)
    _loss_panel(loss_ax, result.losses, "mean binary cross-entropy", "loss before each update",
                "#1f77b4")

    from matplotlib.colors import LinearSegmentedColormap

    xs, ys, grid = decision_grid(result.model)
    # orange (output 0) to blue (output 1) through white: safe for colour-blind readers
    cmap = LinearSegmentedColormap.from_list("orange_blue", [TARGETS[0][1], "#ffffff",
                                                             TARGETS[1][1]])
    filled = plane_ax.contourf(xs, ys, grid, levels=20, cmap=cmap, vmin=0.0, vmax=1.0,
                               alpha=0.45)           # light, so the points stand out
    plane_ax.contour(xs, ys, grid, levels=[0.5], colors="black", linewidths=1.5)
    fig.colorbar(filled, ax=plane_ax, label="network output")
    for (x1, x2), t, p in zip(XOR_INPUTS, XOR_TARGETS, result.predictions):
        first = (x1, x2) in ((0.0, 0.0), (0.0, 1.0))        # one legend entry per target
        marker, colour = TARGETS[int(t)]
        plane_ax.scatter([x1], [x2], s=120, marker=marker, c=colour, edgecolors="black",
                         linewidths=1.5, zorder=3, label=f"target {t:.0f}" if first else None)
        plane_ax.annotate(f"{p:.2f}", (x1, x2), textcoords="offset points", xytext=(8, 8))
    plane_ax.legend(loc="upper center", fontsize="small", framealpha=0.9)
    plane_ax.set_xlabel("x1")
    plane_ax.set_ylabel("x2")
    plane_ax.set_aspect("equal")
    plane_ax.set_title("learned decision boundary (output = 0.5)")
    fig.suptitle(title or f"XOR, seed {result.seed}, lr {result.lr}, {result.epochs} epochs")
    return fig


def training_image(result: XORResult | ClassifierResult, format: str = "png",
                   title: str | None = None) -> bytes:
    """`training_figure(result)` (XOR or a classifier) as the bytes of a .png, .svg or .pdf
    file, with no dates or versions in it, so the same run gives the same bytes.

        >>> from autograd_xor.xor import train_xor
        >>> training_image(train_xor(seed=0, epochs=50), "pdf")[:4]
        b'%PDF'
    """
    fig = training_figure(result, title)
    buf = io.BytesIO()
    no_stamp = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                "pdf": {"CreationDate": None, "Creator": None, "Producer": None}}[format]
    fig.savefig(buf, format=format, dpi=120, metadata=no_stamp)
    return buf.getvalue()


def plot_training(result: XORResult | ClassifierResult, path: str | os.PathLike[str],
                  title: str | None = None) -> None:
    """Draw `training_figure(result)` (XOR or a classifier) into `path` (.png, .svg or .pdf;
    '-' for PNG on standard output). The file appears whole or not at all.

        >>> import os, tempfile
        >>> from autograd_xor.xor import train_xor
        >>> path = os.path.join(tempfile.mkdtemp(), "xor.png")
        >>> plot_training(train_xor(seed=0, epochs=50), path)
        >>> open(path, "rb").read(4)[1:]            # a PNG file starts with \\x89PNG
        b'PNG'
    """
    fmt = format_of(path, "plot")
    write_output(path, training_image(result, fmt, title), fmt)


def check_plot_path(path: str | os.PathLike[str]) -> None:
    """Raise now, before any training, if `plot_training` could not write `path`: an unknown
    image format (`ValueError`) or no matplotlib (`MissingExtraError`).

        >>> check_plot_path("xor.jpg")
        Traceback (most recent call last):
        ...
        ValueError: cannot tell the image format of 'xor.jpg'; end the file name with one of .png, .svg, .pdf
    """
    format_of(path, "plot")
    _matplotlib()


# --- the network figure: the trained weights drawn by autograd_xor.render ----------------

def check_graph_path(path: str | os.PathLike[str]) -> None:
    """Raise now, before any training, if `write_network` could not write `path`: an unknown
    format (`ValueError`), no graphviz package (`MissingExtraError`) or, for SVG and PNG, no
    Graphviz `dot` program (`autograd_xor.render.DotNotFoundError`).

        >>> check_graph_path("net.dot")             # DOT text needs no Graphviz: no error
        >>> check_graph_path("net.gif")
        Traceback (most recent call last):
        ...
        ValueError: cannot tell the drawing format of 'net.gif'; end the file name with one of .svg, .png, .dot
    """
    import shutil

    from .render import INSTALL_GRAPHVIZ, DotNotFoundError
    fmt = format_of(path, "graph")
    if FORMATS[fmt].kinds["graph"] is None:         # DOT text: plain Python
        return
    try:
        import graphviz  # noqa: F401
    except ImportError:
        raise MissingExtraError(
            "drawing the network needs the graphviz package, which is not installed; install "
            "the render extra: pip install 'autograd_xor[render]' (and the Graphviz dot "
            f"program: {INSTALL_GRAPHVIZ})") from None
    if shutil.which("dot") is None:
        raise DotNotFoundError(fmt)


def write_network(model: Module, path: str | os.PathLike[str]) -> None:
    """Write the network figure of `model` (`autograd_xor.render.draw_network`: inputs,
    neurons, every weight on its edge, coloured by its sign, width by its size) to `path` as
    .svg, .png or .dot/.gv ('-': SVG on standard output), atomically.

        >>> import os, tempfile
        >>> from autograd_xor import MLP
        >>> path = os.path.join(tempfile.mkdtemp(), "net.dot")
        >>> write_network(MLP(2, [2, 1], activations=["tanh", "sigmoid"]), path)
        >>> open(path).read().count("tanh")
        2
    """
    from .render import draw_network, network_to_dot, render
    fmt = format_of(path, "graph")
    # the weights as trained, coloured by sign; the last step's gradients would only distract
    data: str | bytes
    if fmt == "dot":
        data = network_to_dot(model, show_labels=False, weight_colours=True)
    else:
        check_graph_path(path)
        drawing = draw_network(model, show_labels=False, weight_colours=True, format=fmt)
        data = render(drawing, format=fmt)
    write_output(path, data, fmt)
