"""Pictures of a training run: the loss curve and the learned XOR decision boundary.

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

import io

from ._checks import check_whole_number
from .engine import no_grad
from .files import FORMATS, format_of, write_output

__all__ = ["MissingExtraError", "TARGETS", "decision_grid", "training_figure", "training_image",
           "plot_training", "check_plot_path", "write_network", "check_graph_path"]


# The marker and colour of each target (class): Okabe-Ito orange and blue, the colours of
# the drawings too, and a shape each, so that the picture also reads in grey.
TARGETS = {0: ("o", "#E69F00"), 1: ("s", "#0072B2")}


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


def decision_grid(model, n=61, lo=-0.5, hi=1.5):
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
        grid = [[model([x, y]).data for x in xs] for y in xs]
    return xs, list(xs), grid


def training_figure(result, title=None):
    """A matplotlib `Figure`: the loss per epoch (left) and the model's output over the plane
    with the four XOR points and the 0.5 contour, where the decision flips (right).

    `result` is what `train_xor` returns (its `.losses`, `.model`, `.predictions`).

        >>> from autograd_xor.xor import train_xor
        >>> fig = training_figure(train_xor(seed=0, epochs=50))
        >>> [ax.get_title() for ax in fig.axes[:2]]
        ['loss before each update', 'learned decision boundary (output = 0.5)']
    """
    from .xor import XOR_INPUTS, XOR_TARGETS

    Figure = _matplotlib()
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    loss_ax, plane_ax = fig.subplots(1, 2)

    epochs = range(1, len(result.losses) + 1)
    loss_ax.plot(list(epochs), result.losses, color="#1f77b4")
    if result.losses and min(result.losses) > 0:
        loss_ax.set_yscale("log")
    loss_ax.set_xlabel("epoch")
    loss_ax.set_ylabel("mean binary cross-entropy")
    loss_ax.set_title("loss before each update")
    loss_ax.grid(True, alpha=0.3)

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


def training_image(result, format="png", title=None):
    """`training_figure(result)` as the bytes of a .png, .svg or .pdf file, with no dates or
    versions in it, so the same run gives the same bytes.

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


def plot_training(result, path, title=None):
    """Draw `training_figure(result)` into `path` (.png, .svg or .pdf; '-' for PNG on
    standard output). The file appears whole or not at all.

        >>> import os, tempfile
        >>> from autograd_xor.xor import train_xor
        >>> path = os.path.join(tempfile.mkdtemp(), "xor.png")
        >>> plot_training(train_xor(seed=0, epochs=50), path)
        >>> open(path, "rb").read(4)[1:]            # a PNG file starts with \\x89PNG
        b'PNG'
    """
    fmt = format_of(path, "plot")
    write_output(path, training_image(result, fmt, title), fmt)


def check_plot_path(path):
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

def check_graph_path(path):
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


def write_network(model, path):
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
    if fmt == "dot":
        data = network_to_dot(model, show_labels=False, weight_colours=True)
    else:
        check_graph_path(path)
        drawing = draw_network(model, show_labels=False, weight_colours=True, format=fmt)
        data = render(drawing, format=fmt)
    write_output(path, data, fmt)
