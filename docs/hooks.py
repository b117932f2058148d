"""MkDocs hook: draw the site's figures from the code at build time, so they cannot drift.

Nothing drawn is stored in the repository. Where a page builds what a figure shows, the
figure runs that page's own examples (`page_namespace`) and draws their result. Each
figure is a function below, registered with
`@figure("path/in/site.svg")`; the hook adds its output to the site as a generated file, so
pages link to it like any image and `mkdocs build --strict` checks those links. A page can
also ask for a worked example's tables with the line `<!-- walkthrough NAME -->`, for
the interactive explorer of its graph with `<!-- explorer NAME -->`, for the table of
every worked example with `<!-- walkthrough-list -->` and for the table of `Value`'s ops
with `<!-- value-ops -->`.

Every figure must read at 100% on a laptop's screen: computation graphs are drawn top to
bottom (a graph is deeper than it is wide), and a figure still wider than `MAX_WIDTH` is
made a link to itself, which opens it at full size (each worked example's page also has
the explorer, which pans and zooms).

After the build, `site_problems` checks the whole site: every link names a file (so the site
also reads from disk, file://), nothing is fetched from the network, and every figure is
narrow enough or a link to itself at full size. Any problem fails the build.

The figures need the Graphviz `dot` program and matplotlib (the `docs` extra); without
`dot` the build stops and says how to install it. Importing this module needs neither (the
test suite collects it for doctests), so MkDocs is imported only inside the hooks.

    >>> sorted(FIGURES)[:3]
    ['assets/favicon.svg', 'figures/benchmark-ratios.svg', 'figures/compile-cost.svg']
"""

import os
import posixpath
import re
import shutil
from html.parser import HTMLParser
from urllib.parse import unquote

FIGURES = {}
MAX_WIDTH = 1000            # px: a wider figure is shrunk to the page; it opens full size
FIGURE_WIDTHS = {}          # {uri: width in px} of every SVG figure this build drew


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
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), page)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    namespace = {}
    for example in doctest.DocTestParser().get_examples(text, page):
        try:
            # the page's own examples, as doctest would run them
            exec(compile(example.source, page, "exec"), namespace)  # noqa: S102
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


def graph_svg(root, **options):
    """`draw_dot(root)` as SVG, top to bottom: a graph is deeper than it is wide, so this
    keeps a figure narrow enough to read at the page's width.

        >>> from autograd_xor import Value
        >>> a = Value(2.0, label="a")
        >>> svg_width(graph_svg(a * a)) < 200
        True
    """
    from autograd_xor import draw_dot
    return _svg(draw_dot(root, rankdir="TB", **options))


def svg_width(data):
    """The width of an SVG in CSS px (Graphviz and matplotlib write it in pt: 1 pt = 4/3
    px), or None when it has no width of its own (it then fits any box).

        >>> svg_width(b'<svg width="750pt" height="20pt">'), svg_width(b'<svg viewBox="0 0 9 9">')
        (1000.0, None)
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    m = re.search(rb"<svg\b[^>]*?\swidth=\"([\d.]+)(pt|px)?\"", data)
    if m is None:
        return None
    return float(m.group(1)) * (4 / 3 if m.group(2) == b"pt" else 1)


@figure("assets/favicon.svg")
def _favicon():
    """The site's icon: two inputs feeding a neuron (drawn here, like every figure)."""
    return (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
            b'<rect width="64" height="64" rx="12" fill="#3f51b5"/>'
            b'<g stroke="#fff" stroke-width="4"><line x1="17" y1="18" x2="46" y2="32"/>'
            b'<line x1="17" y1="46" x2="46" y2="32"/></g>'
            b'<g fill="#fff"><circle cx="16" cy="18" r="7"/><circle cx="16" cy="46" r="7"/></g>'
            b'<circle cx="46" cy="32" r="10" fill="#E69F00" stroke="#fff" stroke-width="3"/>'
            b'</svg>')


@figure("figures/first-graph.svg")
def _first_graph_svg():
    return graph_svg(first_graph())


@figure("figures/first-graph-local.svg")
def _first_graph_local_svg():
    return graph_svg(first_graph(), show_local=True)


@figure("figures/gf-backward-step.svg")
def _gf_step_svg():
    from autograd_xor import walkthroughs
    from autograd_xor.stepping import backward_steps
    steps = list(backward_steps(walkthroughs.get("gf").graph()))
    return _svg(steps[5].draw("TB"))         # step 6: z_f hands its gradient on


def _training_run():
    from autograd_xor.xor import train_xor
    return train_xor(seed=0)


@figure("figures/xor-training.svg")
def _xor_training_svg():
    from autograd_xor.plotting import training_image
    return training_image(_training_run(), "svg")


@figure("figures/xor-network.svg")
def _xor_network_svg():
    """What `autograd-xor train --graph` draws: each weight coloured by its sign."""
    from autograd_xor import draw_network
    return _svg(draw_network(_training_run().model, show_labels=False, weight_colours=True))


# --- worked examples ---------------------------------------------------------------------

_WALKTHROUGH = re.compile(r"^<!-- walkthrough ([\w-]+)( tables)? -->$", re.MULTILINE)


def walkthrough_markdown(name, figures=True):
    """The generated part of a worked example's page: the text `render()` prints,
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


_WALKTHROUGH_LIST = re.compile(r"^<!-- walkthrough-list -->$", re.MULTILINE)


def walkthrough_list_markdown():
    """The rows of the worked examples' table: each page by its subject, what it shows and
    the text it comes from.

        >>> walkthrough_list_markdown().splitlines()[0]
        '| [The five-weight G/F network](gf.md) | one step of backpropagation, worked by hand | the textbook section “Using Backpropagation to Compute the Gradient” (chapter 3, figure 3-5) |'
    """
    from autograd_xor import walkthroughs
    return "\n".join(f"| [{nav_title(n)}]({n}.md) | {walkthroughs.get(n).title.replace('|', '∣')} "
                     f"| {walkthroughs.get(n).source} |" for n in _example_names()) + "\n"


def _example_names():
    try:
        from autograd_xor import walkthroughs
    except ImportError:
        return []
    return walkthroughs.names()


def nav_title(name):
    """What the navigation calls a worked example's page: its subject.

        >>> nav_title("gf"), nav_title("descent")
        ('The five-weight G/F network', 'Gradient descent on x⁴ − 3x³ + 2')
    """
    from autograd_xor import walkthroughs
    subject = walkthroughs.get(name).subject
    return subject[:1].upper() + subject[1:]


def walkthrough_page(name):
    """The page of a worked example that has no hand-written page in docs/walkthroughs/."""
    from autograd_xor import walkthroughs
    ex = walkthroughs.get(name)
    return (f"# {nav_title(name)}\n\n*{ex.title[:1].upper() + ex.title[1:]}*, from "
            f"{ex.source}.\n\n{ex.intro}\n\n"
            f"Every number below comes from a forward pass and `backward()`; the table puts "
            f"the engine's full-precision value, that value rounded as the source rounds "
            f"it, and the printed figure side by side.\n\n"
            f"Print it yourself with `autograd-xor walkthrough {name}` (add `--json` for every "
            f"figure in full precision), draw it with `autograd-xor graph {name} --out "
            f"{name}.svg`.\n\n<!-- walkthrough {name} -->\n\n"
            f"## Step through it\n\nThe forward pass, node by node, then the backward pass: "
            f"press → (or Next) with the explorer in focus, click a node for its chain-rule "
            f"derivation, or switch on Practice to work out each gradient before it shows "
            f"([the explorer](../explorer.md); `autograd-xor explore {name} --out "
            f"{name}.html` writes it as a page of its own).\n\n<!-- explorer {name} -->\n")


def _walkthrough_figures():
    """{uri: bytes} for every figure of every worked example: its computation graph, top to
    bottom, and its network, if it has one."""
    from autograd_xor import walkthroughs
    out = {}
    for name in _example_names():
        for kind, drawn in walkthroughs.get(name).figures().items():
            data = graph_svg(drawn) if kind == "graph" else _svg(drawn)
            out[f"walkthroughs/{name}-{kind}.svg"] = data
    return out


# --- wide figures open at full size -----------------------------------------------------

_IMG_SVG = re.compile(r'<img\b[^>]*?\bsrc="([^"]+\.svg)"[^>]*>')


def zoomable(html, page_dir, widths):
    """Make each figure of `html` (a page in folder `page_dir` of the site) that is wider
    than `MAX_WIDTH` px a link to itself, with a line saying so: clicking opens it at full
    size, where it reads at 100%.

        >>> html = '<p><img alt="g" src="g.svg" /></p>'
        >>> zoomable(html, "walkthroughs", {"walkthroughs/g.svg": 900.0}) == html
        True
        >>> print(zoomable(html, "walkthroughs", {"walkthroughs/g.svg": 2400.0}))
        <p><a class="agx-zoom" href="g.svg" title="Open the figure at full size"><img alt="g" src="g.svg" /></a><span class="agx-zoom-hint">This figure is 2400 px wide: click it to open it at full size.</span></p>
    """
    def wrap(m):
        src = m.group(1)
        uri = posixpath.normpath(posixpath.join(page_dir, src))
        width = widths.get(uri)
        if width is None or width <= MAX_WIDTH:
            return m.group(0)
        return (f'<a class="agx-zoom" href="{src}" title="Open the figure at full size">'
                f'{m.group(0)}</a><span class="agx-zoom-hint">This figure is {width:.0f} px '
                f'wide: click it to open it at full size.</span>')
    return _IMG_SVG.sub(wrap, html)


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


# --- the API page: Value's ops, from the op table ------------------------------------------

_VALUE_OPS = re.compile(r"^<!-- value-ops -->$", re.MULTILINE)

# How each row of the op table is written in code (a and b Values, k a plain number);
# rows with a `Value` method are written `a.method()`.
_SPELLING = {
    "+": "`a + b`, `a + 2`, `2 + a`, `sum(...)`", "-": "`a - b`, `a - 2`, `2 - a`",
    "*": "`a * b`, `2 * a`", "/": "`a / b`, `a / 2`, `2 / a`", "neg": "`-a`",
    "**k": "`a ** k` (k a number)", "**": "`a ** b`, `2 ** b` (b a Value)",
    "leaky_relu": "`a.leaky_relu(slope=0.01)`",
    "bce": "`binary_cross_entropy(p, t)`", "bce_logits": "`binary_cross_entropy_with_logits(z, t)`",
    "Σw·x+b": "`weighted_sum(ws, xs, b)` (what a `Neuron` computes)",
    "cross_entropy": "`cross_entropy(logits, y)`",
}


def value_ops_markdown():
    """The table of `Value`'s ops on the API page, one row per row of the op table
    (`autograd_xor.ops.OPS`): how to write it, its local derivative(s), and what it does at
    awkward points.

        >>> "| `a.tanh()` | d tanh(z)/dz = 1 − tanh(z)² |" in value_ops_markdown()
        True
    """
    from autograd_xor.ops import OPS
    rows = ["| written | local derivative | at edge values |", "|---|---|---|"]
    for op in OPS.values():
        spelling = _SPELLING.get(op.name) or f"`a.{op.method}()`"
        edges = " ".join(op.edges.split()).replace("|", "\\|")
        rows.append(f"| {spelling} | {op.formula.replace('|', '∣')} | {edges} |")
    return "\n".join(rows) + "\n"


# --- the benchmark results: recorded, not run at build time -------------------------------

_BENCHMARKS = re.compile(r"^<!-- benchmarks -->$", re.MULTILINE)
RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "benchmarks.json")


def recorded_results():
    """The last results `python benchmarks/bench.py --record` wrote (docs/benchmarks.json).

        >>> sorted(recorded_results())[:2]
        ['CLIFF', 'COMPILE']
    """
    import json
    with open(RESULTS, encoding="utf-8") as f:
        return json.load(f)


def benchmark_markdown():
    """The recorded results as the performance page shows them: where and when they were
    measured, every target with PASS or FAIL, and the W1 race.

        >>> "| target |" in benchmark_markdown()
        True
    """
    res = recorded_results()
    m = res["machine"]
    kind = "quick" if res.get("quick") else "full"
    out = [f"Recorded on {m['date']} with Python {m['python']} ({m['implementation']}) on "
           f"{m['system']} {m['machine']}, {m['cores']} cores, by the {kind} run of "
           f"`python benchmarks/bench.py --record`.", "",
           "| what | measured | target | |", "|---|---|---|---|"]
    for t in res["targets"]:
        out.append(f"| {t['what']} | {t['measured']} | {t['target']} | "
                   f"{'PASS' if t['passed'] else '**FAIL**'} |")
    out += ["", "W1, micrograd's demo step (CPU time per step, best of alternating rounds; "
                "garbage collector on):", "", "| engine | per step | vs micrograd |",
            "|---|---|---|"]
    w1 = res["W1"]
    base = w1["micrograd"]["best_s"]
    for name, row in w1.items():
        ratio = row.get("ratio", base / row["best_s"])
        note = f" ({row['note']})" if "note" in row else ""
        out.append(f"| {name}{note} | {row['best_s'] * 1e3:.3f} ms | {ratio:.1f}x |")
    return "\n".join(out) + "\n"


def _bar_chart(res):
    from matplotlib.figure import Figure
    w1 = res["W1"]
    base = w1["micrograd"]["best_s"]
    names = [n for n in w1 if n != "micrograd"]
    ratios = [w1[n].get("ratio", base / w1[n]["best_s"]) for n in names]
    fig = Figure(figsize=(7.5, 0.42 * len(names) + 1.2), layout="constrained")
    ax = fig.subplots()
    ax.barh(names[::-1], ratios[::-1], color="#0072b2")
    ax.set_xscale("log")
    ax.axvline(90, color="#e66100", linestyle="--", linewidth=1)
    ax.text(90, len(names) - 0.4, " 90x target (eager)", color="#e66100", fontsize=8)
    ax.set_xlabel("speed-up over micrograd, W1 (log scale)")
    for i, r in enumerate(ratios[::-1]):
        ax.text(r, i, f" {r:.0f}x", va="center", fontsize=8)
    return fig


def _compile_chart(res):
    from matplotlib.figure import Figure
    rows = res["COMPILE"]
    widths = [int(w) for w in rows]
    fig = Figure(figsize=(7.5, 3.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    left.plot(widths, [rows[str(w)]["cpu_seconds"] for w in widths], "o-", color="#0072b2")
    left.plot(widths, [0.2, 2.0, 5.0][:len(widths)], "s--", color="#e66100", label="target")
    left.set(xlabel="MLP width (2-w-w-1, 100 points)", ylabel="CPU seconds",
             title="compile time (first two calls)")
    right.plot(widths, [rows[str(w)]["peak_mb"] for w in widths], "o-", color="#0072b2")
    right.plot(widths, [50, 300, 1000][:len(widths)], "s--", color="#e66100", label="target")
    right.set(xlabel="MLP width (2-w-w-1, 100 points)", ylabel="peak MB",
              title="compile memory")
    for ax in (left, right):
        ax.legend(fontsize=8)
        ax.grid(True, alpha=0.3)
    return fig


def _plot_svg(fig):
    import io
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


@figure("figures/benchmark-ratios.svg")
def benchmark_ratios():
    """The recorded W1 ratios to micrograd, as bars (from docs/benchmarks.json)."""
    return _plot_svg(_bar_chart(recorded_results()))


@figure("figures/compile-cost.svg")
def compile_cost():
    """The recorded compile time and memory by MLP width (from docs/benchmarks.json)."""
    return _plot_svg(_compile_chart(recorded_results()))


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


def expand_nav(nav):
    """The navigation with the entry `walkthroughs/index.md` expanded into that page and one
    page per worked example, each named by its subject (no MkDocs needed).

        >>> expand_nav(["index.md", {"Worked examples": ["walkthroughs/index.md"]}])[1]["Worked examples"][1]
        {'The five-weight G/F network': 'walkthroughs/gf.md'}
    """
    out = []
    for item in nav:
        if item == "walkthroughs/index.md":
            out += [item] + [{nav_title(n): f"walkthroughs/{n}.md"} for n in _example_names()]
        elif isinstance(item, dict):
            out.append({k: expand_nav(v) if isinstance(v, list) else v
                        for k, v in item.items()})
        else:
            out.append(item)
    return out


def on_config(config):
    """Expand the walkthroughs' nav entry (`expand_nav`) and show bare doctest lines
    (docstring examples) as code."""
    config.markdown_extensions.append(_doctest_extension())
    config["nav"] = expand_nav(config["nav"])
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
    FIGURE_WIDTHS.clear()
    FIGURE_WIDTHS.update({uri: svg_width(data) for uri, data in made.items()
                          if uri.endswith(".svg")})
    for name in _example_names():
        uri = f"walkthroughs/{name}.md"
        if files.get_file_from_path(uri) is None:
            made[uri] = walkthrough_page(name)
    for uri, content in made.items():
        files.append(File.generated(config, uri, content=content))
    return files


def on_page_markdown(markdown, page, config, files):
    markdown = _VALUE_OPS.sub(lambda m: value_ops_markdown(), markdown)
    markdown = _WALKTHROUGH_LIST.sub(lambda m: walkthrough_list_markdown(), markdown)
    markdown = _BENCHMARKS.sub(lambda m: benchmark_markdown(), markdown)
    return _WALKTHROUGH.sub(lambda m: walkthrough_markdown(m.group(1), not m.group(2)),
                            markdown)


def on_page_content(html, page, config, files):
    if page is not None:
        html = zoomable(html, posixpath.dirname(page.file.dest_uri), FIGURE_WIDTHS)
    return _EXPLORER.sub(lambda m: explorer_html(m.group(1), m.group(2)), html)


# --- offline: the built site must not fetch anything ----------------------------------------

# <link> elements that only name a page (where it lives, its other versions): a browser
# fetches nothing for them. Every other <link> (stylesheet, icon, preload, ...) it fetches.
_NAMING_RELS = {"canonical", "alternate", "author", "license", "help", "next", "prev", "me"}

_REMOTE_ASSET = re.compile(
    r"""<script[^>]*\ssrc=["']?(?:https?:)?//"""          # a script from elsewhere
    r"""|<link[^>]*\shref=["']?(?:https?:)?//[^>]*>"""     # a stylesheet, font, icon, ...
    r"""|<img[^>]*\ssrc=["']?(?:https?:)?//"""             # an image from elsewhere
    r"""|@import\s+(?:url\()?["']?(?:https?:)?//"""        # CSS pulling in more CSS
    r"""|url\(["']?(?:https?:)?//""",                       # fonts and images from CSS
    re.IGNORECASE)


def remote_assets(text):
    """The places in an HTML or CSS text that would make a browser fetch from the network.
    Plain links (`<a href="https://...">`) are fine: following one is the reader's choice;
    so is a `<link>` that only names a page, such as the canonical address `mkdocs serve`
    gives each page.

        >>> remote_assets('<a href="https://example.org">x</a> <img src="figures/a.svg">')
        []
        >>> remote_assets('<link rel="canonical" href="http://127.0.0.1:8000/index.html">')
        []
        >>> remote_assets('<link rel="stylesheet" href="https://fonts.example/css">')
        ['<link rel="stylesheet" href="https://fonts.example/css">']
    """
    found = []
    for m in _REMOTE_ASSET.finditer(text):
        rel = re.search(r"""\srel=["']?([^"'>]+)""", m.group(0))
        if m.group(0).lower().startswith("<link") and rel and \
                set(rel.group(1).lower().split()) <= _NAMING_RELS:
            continue
        found.append(m.group(0))
    return found


class _References(HTMLParser):
    """Every address an HTML page refers to, and each SVG image with the link around it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs, self.images, self._links = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self._links.append(attrs.get("href"))
        for key in ("href", "src"):
            if attrs.get(key) is not None:
                self.refs.append((tag, attrs[key]))
        if tag == "img" and (attrs.get("src") or "").endswith(".svg"):
            self.images.append((attrs["src"], self._links[-1] if self._links else None))

    def handle_endtag(self, tag):
        if tag == "a" and self._links:
            self._links.pop()


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


def page_problems(html, page, site_dir):
    """What is wrong with one built page (`page`, its path in `site_dir`): addresses that
    do not name a file of the site (a folder, a missing file), and figures wider than
    `MAX_WIDTH` that are not a link to themselves at full size.

        >>> import tempfile
        >>> site = tempfile.mkdtemp()
        >>> open(os.path.join(site, "a.html"), "w").close()
        >>> os.mkdir(os.path.join(site, "sub"))
        >>> page_problems('<a href="a.html#x">ok</a> <a href="https://x.org">ok</a>', "b.html", site)
        []
        >>> page_problems('<a href="sub/">folder</a> <script src="no.js"></script>', "b.html", site)
        ['b.html: a href="sub/" does not name a file', 'b.html: script src="no.js" does not name a file']
    """
    parser = _References()
    parser.feed(html)
    here = posixpath.dirname(page)
    problems = []
    for tag, ref in parser.refs:
        key = "href" if tag in ("a", "link") else "src"
        if ref.startswith("#") or _SCHEME.match(ref):
            continue
        path = unquote(ref.split("#", 1)[0].split("?", 1)[0])
        target = posixpath.normpath(posixpath.join(here, path)) if path else page
        if target.startswith("../") or not os.path.isfile(os.path.join(site_dir, target)):
            problems.append(f'{page}: {tag} {key}="{ref}" does not name a file')
    for src, link in parser.images:
        target = posixpath.normpath(posixpath.join(here, src))
        path = os.path.join(site_dir, target)
        if not os.path.isfile(path):
            continue                                  # reported above
        with open(path, "rb") as f:
            width = svg_width(f.read(4096))
        if width is not None and width > MAX_WIDTH and link != src:
            problems.append(f"{page}: the figure {src} is {width:.0f} px wide (at most "
                            f"{MAX_WIDTH} reads at 100%) and is not a link to itself")
    return problems


def site_problems(site_dir):
    """Every problem of the built site: `page_problems` of each page, and anything a page or
    stylesheet would fetch from the network (`remote_assets`). The 404 page is left out of
    the link check: only a web server shows it, with addresses from the site's root."""
    problems = []
    for folder, _, names in sorted(os.walk(site_dir)):
        for name in sorted(names):
            if not name.endswith((".html", ".css")):
                continue
            path = os.path.join(folder, name)
            page = os.path.relpath(path, site_dir).replace(os.sep, "/")
            with open(path, encoding="utf-8") as f:
                text = f.read()
            problems += [f"{page}: loads from the network: {hit}" for hit in remote_assets(text)]
            if name.endswith(".html") and page != "404.html":
                problems += page_problems(text, page, site_dir)
    return problems


def on_post_build(config):
    from mkdocs.exceptions import PluginError
    bad = site_problems(config["site_dir"])
    if bad:
        raise PluginError("the site must read offline and from disk, with every figure "
                          "readable, but:\n  " + "\n  ".join(bad[:20]))
