"""MkDocs hook: draw the site's figures from the code at build time, so they cannot drift.

Nothing drawn is stored in the repository. Each figure is a function below, registered with
`@figure("path/in/site.svg")`; the hook adds its output to the site as a generated file, so
pages link to it like any image and `mkdocs build --strict` checks those links. A page can
also ask for a worked example's tables with the line `<!-- walkthrough NAME -->`.

The figures need the Graphviz `dot` program and matplotlib (the `docs` extra); without
`dot` the build stops and says how to install it. Importing this module needs neither (the
test suite collects it for doctests), so MkDocs is imported only inside the hooks.

    >>> sorted(FIGURES)[:2]
    ['figures/first-graph.svg', 'figures/gf-graph.svg']
"""

import io
import re
import shutil

FIGURES = {}


def figure(uri):
    """Register a function returning the bytes of the figure at `uri` in the site."""
    def register(make):
        FIGURES[uri] = make
        return make
    return register


# --- the figures -------------------------------------------------------------------------

def first_graph():
    """The getting-started graph: one tanh neuron, o = tanh(x1*w1 + x2*w2 + b)."""
    from autograd_xor import Value
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1; x1w1.label = "x1*w1"                       # noqa: E702
    x2w2 = x2 * w2; x2w2.label = "x2*w2"                       # noqa: E702
    n = x1w1 + x2w2 + b; n.label = "n"                         # noqa: E702
    o = n.tanh(); o.label = "o"                                # noqa: E702
    o.backward()
    return o


def gf_network():
    """The G/F network of the book's figure 3-5 with its weights, and its loss for one
    example, after one backward pass."""
    from autograd_xor import MLP, half_squared_error
    net = MLP(2, [1, 1], activations=["tanh", "sigmoid"],
              weights=[[[0.6, -0.1]], [[0.5]]], biases=[[0.3], [-0.2]])
    y_f = net([-0.9, 0.1]); y_f.label = "y_f"                  # noqa: E702
    loss = half_squared_error(y_f, 1.0); loss.label = "e"      # noqa: E702
    loss.backward()
    return net, loss


def _svg(drawing):
    from autograd_xor.render import render
    return render(drawing, format="svg")


@figure("figures/first-graph.svg")
def _first_graph_svg():
    from autograd_xor import draw_dot
    return _svg(draw_dot(first_graph()))


@figure("figures/first-graph-local.svg")
def _first_graph_local_svg():
    from autograd_xor import draw_dot
    return _svg(draw_dot(first_graph(), show_local=True))


@figure("figures/gf-graph.svg")
def _gf_graph_svg():
    from autograd_xor import draw_dot
    return _svg(draw_dot(gf_network()[1]))


@figure("figures/gf-network.svg")
def _gf_network_svg():
    from autograd_xor import draw_network
    return _svg(draw_network(gf_network()[0], neuron_labels=[["G"], ["F"]],
                             output_labels=["y_f"]))


def _training_run():
    from autograd_xor.xor import train_xor
    return train_xor(seed=0)


@figure("figures/xor-training.svg")
def _xor_training_svg():
    from autograd_xor.plotting import training_figure
    buf = io.BytesIO()
    training_figure(_training_run()).savefig(buf, format="svg",
                                             metadata={"Date": None, "Creator": None})
    return buf.getvalue()


@figure("figures/xor-network.svg")
def _xor_network_svg():
    from autograd_xor import draw_network
    return _svg(draw_network(_training_run().model, show_labels=False, show_grad=False))


# --- worked examples ---------------------------------------------------------------------

_WALKTHROUGH = re.compile(r"^<!-- walkthrough (\w+) -->$", re.MULTILINE)


def walkthrough_markdown(name):
    """The generated part of a worked example's page: the book-like text `render()` prints,
    and its two figures (`walkthroughs/NAME-graph.svg`, `walkthroughs/NAME-network.svg`)."""
    from autograd_xor import examples
    ex = examples.get(name)
    text = ex.render(ex.run())
    parts = ["```text", text.rstrip("\n"), "```", "",
             f"![The computation graph of {name} after one backward pass]({name}-graph.svg)"]
    if ex.network() is not None:
        parts += ["", f"![The network of {name}, edges coloured by the sign of -grad]"
                      f"({name}-network.svg)"]
    return "\n".join(parts) + "\n"


def _walkthrough_figures():
    """{uri: bytes} for every worked example that exists."""
    try:
        from autograd_xor import examples
    except ImportError:
        return {}
    out = {}
    for name in examples.names():
        ex = examples.get(name)
        out[f"walkthroughs/{name}-graph.svg"] = _svg_of(ex.graph())
        net = ex.network()
        if net is not None:
            out[f"walkthroughs/{name}-network.svg"] = _svg_of(net)
    return out


def _svg_of(thing):
    from autograd_xor.render import render
    return render(thing, format="svg")


# --- the MkDocs hooks --------------------------------------------------------------------

def on_files(files, config):
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File
    if shutil.which("dot") is None:
        from autograd_xor.render import INSTALL_GRAPHVIZ
        raise PluginError("the docs draw their figures with the Graphviz 'dot' program, which "
                          f"is not installed: {INSTALL_GRAPHVIZ} (or run 'make docs', which "
                          "installs it where it can)")
    made = {uri: make() for uri, make in FIGURES.items()}
    made.update(_walkthrough_figures())
    for uri, content in made.items():
        files.append(File.generated(config, uri, content=content))
    return files


def on_page_markdown(markdown, page, config, files):
    return _WALKTHROUGH.sub(lambda m: walkthrough_markdown(m.group(1)), markdown)
