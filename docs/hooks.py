"""MkDocs hook: draw the site's figures from the code at build time, so they cannot drift.

Nothing drawn is stored in the repository. Where a page builds what a figure shows, the
figure runs that page's own examples (`page_namespace`) and draws their result. Each
figure is a function below, registered with
`@figure("path/in/site.svg")`; the hook adds its output to the site as a generated file, so
pages link to it like any image and `mkdocs build --strict` checks those links. A page can
also ask for a worked example's tables with the line `<!-- walkthrough NAME -->`, and for
the interactive explorer of its graph with `<!-- explorer NAME -->`.

The figures need the Graphviz `dot` program and matplotlib (the `docs` extra); without
`dot` the build stops and says how to install it. Importing this module needs neither (the
test suite collects it for doctests), so MkDocs is imported only inside the hooks.

    >>> sorted(FIGURES)[:2]
    ['figures/first-graph-local.svg', 'figures/first-graph.svg']
"""

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

def page_namespace(page):
    """Run the `>>>` examples of `docs/PAGE` in order (the test suite checks their output)
    and return the names they define, so a figure can draw exactly what the page built.

        >>> round(page_namespace("getting-started.md")["o"].data, 4)
        0.7071
    """
    import doctest
    import os
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), page)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    namespace = {}
    for example in doctest.DocTestParser().get_examples(text, page):
        try:
            exec(compile(example.source, page, "exec"), namespace)
        except Exception:
            if not example.exc_msg:              # an example that shows an error may raise
                raise
    return namespace


def first_graph():
    """The getting-started graph, `o`: one tanh neuron, o = tanh(x1*w1 + x2*w2 + b), after
    `o.backward()`, built by that page's own examples."""
    return page_namespace("getting-started.md")["o"]


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


@figure("figures/gf-backward-step.svg")
def _gf_step_svg():
    from autograd_xor import walkthroughs
    from autograd_xor.stepping import backward_steps
    steps = list(backward_steps(walkthroughs.get("gf").graph()))
    return _svg(steps[5].draw())             # step 6: z_f hands its gradient on


def _training_run():
    from autograd_xor.xor import train_xor
    return train_xor(seed=0)


@figure("figures/xor-training.svg")
def _xor_training_svg():
    from autograd_xor.plotting import training_image
    return training_image(_training_run(), "svg")


@figure("figures/xor-network.svg")
def _xor_network_svg():
    from autograd_xor import draw_network
    return _svg(draw_network(_training_run().model, show_labels=False, show_grad=False))


# --- worked examples ---------------------------------------------------------------------

_WALKTHROUGH = re.compile(r"^<!-- walkthrough ([\w-]+)( tables)? -->$", re.MULTILINE)


def walkthrough_markdown(name, figures=True):
    """The generated part of a worked example's page: the book-like text `render()` prints,
    and (unless `figures` is false) its figures, `walkthroughs/NAME-graph.svg` and, when it
    has a network, `walkthroughs/NAME-network.svg`."""
    from autograd_xor import walkthroughs
    ex = walkthroughs.get(name)
    text = ex.render(ex.run())
    parts = ["```text", text.rstrip("\n"), "```", ""]
    if not figures:
        return "\n".join(parts)
    for kind in ex.figures():
        parts += [f"![{walkthroughs.FIGURES[kind][1]}]({name}-{kind}.svg)", ""]
    return "\n".join(parts)


def _example_names():
    try:
        from autograd_xor import walkthroughs
    except ImportError:
        return []
    return walkthroughs.names()


def walkthrough_page(name):
    """The page of a worked example that has no hand-written page in docs/walkthroughs/."""
    from autograd_xor import walkthroughs
    ex = walkthroughs.get(name)
    return (f"# {ex.title[:1].upper() + ex.title[1:]}\n\n{ex.intro}\n\n"
            f"The worked example of the seed document `{ex.seed}`, reproduced by the engine. "
            f"Every number below comes from a forward pass and `backward()`; the table puts "
            f"the engine's full-precision value, that value rounded as the book rounds it, "
            f"and the book's own figure side by side.\n\n"
            f"Print it yourself with `autograd-xor walkthrough {name}` (add `--json` for every "
            f"figure in full precision), draw it with `autograd-xor graph {name} --out "
            f"{name}.svg`.\n\n<!-- walkthrough {name} -->\n\n"
            f"## Step through it\n\nThe forward pass, node by node, then the backward pass: "
            f"press → (or Next) with the explorer in focus, click a node for its chain-rule "
            f"derivation, or switch on Practice to work out each gradient before it shows "
            f"([the explorer](../explorer.md); `autograd-xor explore {name} --out "
            f"{name}.html` writes it as a page of its own).\n\n<!-- explorer {name} -->\n")


def _walkthrough_figures():
    """{uri: bytes} for every figure of every worked example."""
    from autograd_xor import walkthroughs
    out = {}
    for name in _example_names():
        for kind, drawn in walkthroughs.get(name).figures().items():
            out[f"walkthroughs/{name}-{kind}.svg"] = _svg(drawn)
    return out


# --- explorers -----------------------------------------------------------------------------

_EXPLORER = re.compile(r"<!-- explorer ([\w-]+)(?: practice=([\w,.#-]+))? -->")


def explorer_html(name, practice=None):
    """The interactive explorer of worked example `name`'s graph (`autograd_xor.explore`),
    which a page embeds with the line `<!-- explorer NAME -->`; with
    `<!-- explorer NAME practice=a,b -->` it opens in practice mode and asks for the
    gradients of the nodes labelled a and b. (Replaced in the built HTML, so Markdown never
    sees the page's script.)

        >>> _EXPLORER.search("<!-- explorer gf practice=w_xg0,w_gf1 -->").groups()
        ('gf', 'w_xg0,w_gf1')
    """
    from autograd_xor import explore, walkthroughs
    ex = walkthroughs.get(name)
    asked = practice.split(",") if practice else False
    return explore(ex.graph(), title=ex.title, practice=asked).fragment()


# --- the benchmark table ------------------------------------------------------------------

_BENCHMARKS = re.compile(r"^<!-- benchmarks -->$", re.MULTILINE)
_bench_output = {}


def benchmark_markdown(root):
    """`python benchmarks/bench.py --quick`, run now, as a text block (once per process, so
    `mkdocs serve` does not rerun it on every edit)."""
    import os
    import subprocess
    import sys
    import tempfile
    if "text" not in _bench_output:
        from mkdocs.exceptions import PluginError
        with tempfile.TemporaryDirectory() as tmp:
            r = subprocess.run([sys.executable, os.path.join(root, "benchmarks", "bench.py"),
                                "--quick", "--json", os.path.join(tmp, "results.json")],
                               capture_output=True, text=True, cwd=root, timeout=600)
        if r.returncode != 0:
            raise PluginError("the performance page runs benchmarks/bench.py --quick, which "
                              f"failed (install the docs extra: pip install -e '.[docs]'):\n"
                              f"{r.stderr.strip() or r.stdout.strip()}")
        lines = [line for line in r.stdout.strip("\n").splitlines()
                 if not line.startswith("wrote ")]
        _bench_output["text"] = "\n".join(lines).strip("\n")
    return "```text\n" + _bench_output["text"] + "\n```\n"


# --- the MkDocs hooks --------------------------------------------------------------------

def doctest_blocks(lines):
    """Wrap each run of doctest lines (from a `>>>` line to the next blank line) that is not
    already inside a fenced block in a ```pycon fence, so that docstring examples, which
    lose their indentation in the API reference, still show as code.

        >>> doctest_blocks(["Adds.", "", ">>> 1 + 1", "2", "", "```", ">>> x", "```"])
        ['Adds.', '', '```pycon', '>>> 1 + 1', '2', '```', '', '```', '>>> x', '```']
    """
    out, fence, in_example = [], None, False
    for line in lines:
        stripped = line.strip()
        if in_example and not stripped:
            out.append("```")
            in_example = False
        if fence is None and not in_example and line.startswith(">>>"):
            out.append("```pycon")
            in_example = True
        elif not in_example and stripped[:3] in ("```", "~~~"):
            marker = stripped[:3]
            fence = marker if fence is None else (None if fence == marker else fence)
        out.append(line)
    if in_example:
        out.append("```")
    return out


def _doctest_extension():
    from markdown.extensions import Extension
    from markdown.preprocessors import Preprocessor

    class DoctestBlocks(Preprocessor):
        def run(self, lines):
            return doctest_blocks(lines)

    class DoctestExtension(Extension):
        def extendMarkdown(self, md):
            # before the fenced-code preprocessors (priority 25 and above), so they see it
            md.preprocessors.register(DoctestBlocks(md), "doctest_blocks", 40)

    return DoctestExtension()


def on_config(config):
    """Expand the nav entry `walkthroughs/index.md` into that page and one per example, and
    show bare doctest lines (docstring examples) as code."""
    config.markdown_extensions.append(_doctest_extension())
    def expand(items):
        out = []
        for item in items:
            if item == "walkthroughs/index.md":
                out += [item] + [f"walkthroughs/{n}.md" for n in _example_names()]
            elif isinstance(item, dict):
                out.append({k: expand(v) if isinstance(v, list) else v
                            for k, v in item.items()})
            else:
                out.append(item)
        return out
    config["nav"] = expand(config["nav"])
    return config


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
    for name in _example_names():
        uri = f"walkthroughs/{name}.md"
        if files.get_file_from_path(uri) is None:
            made[uri] = walkthrough_page(name)
    for uri, content in made.items():
        files.append(File.generated(config, uri, content=content))
    return files


def on_page_markdown(markdown, page, config, files):
    import os
    markdown = _BENCHMARKS.sub(
        lambda m: benchmark_markdown(os.path.dirname(config["config_file_path"])), markdown)
    return _WALKTHROUGH.sub(lambda m: walkthrough_markdown(m.group(1), not m.group(2)),
                            markdown)


def on_page_content(html, page, config, files):
    return _EXPLORER.sub(lambda m: explorer_html(m.group(1), m.group(2)), html)


# --- offline: the built site must not fetch anything ----------------------------------------

_REMOTE_ASSET = re.compile(
    r"""<script[^>]*\ssrc=["']?(?:https?:)?//"""          # a script from elsewhere
    r"""|<link[^>]*\shref=["']?(?:https?:)?//[^>]*>"""     # a stylesheet, font, icon, ...
    r"""|<img[^>]*\ssrc=["']?(?:https?:)?//"""             # an image from elsewhere
    r"""|@import\s+(?:url\()?["']?(?:https?:)?//"""        # CSS pulling in more CSS
    r"""|url\(["']?(?:https?:)?//""",                       # fonts and images from CSS
    re.IGNORECASE)


def remote_assets(text):
    """The places in an HTML or CSS text that would make a browser fetch from the network.
    Plain links (`<a href="https://...">`) are fine: following one is the reader's choice.

        >>> remote_assets('<a href="https://example.org">x</a> <img src="figures/a.svg">')
        []
        >>> remote_assets('<link rel="stylesheet" href="https://fonts.example/css">')
        ['<link rel="stylesheet" href="https://fonts.example/css">']
    """
    return [m.group(0) for m in _REMOTE_ASSET.finditer(text)]


def on_post_build(config):
    import os

    from mkdocs.exceptions import PluginError
    bad = []
    for folder, _, names in os.walk(config["site_dir"]):
        for name in names:
            if name.endswith((".html", ".css")):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    bad += [f"{os.path.relpath(path, config['site_dir'])}: {hit}"
                            for hit in remote_assets(f.read())]
    if bad:
        raise PluginError("the site must build and read offline, but it loads from the "
                          "network:\n  " + "\n  ".join(bad[:10]))
