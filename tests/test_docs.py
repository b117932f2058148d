"""The documentation stays true to the code: public names have runnable examples, command
transcripts in the docs are what the commands print, every page is in the site's navigation,
and every figure a page shows is one the docs build draws from the code.

(The `>>>` examples of README.md and docs/ run as doctests; `make docs` builds the site.)"""

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import autograd_xor

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))


def _hooks():
    spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hooks = _hooks()


def _example_names():
    from autograd_xor import walkthroughs
    return walkthroughs.names()


@pytest.mark.parametrize("name", autograd_xor.__all__)
def test_every_public_name_has_a_docstring_with_an_example(name):
    doc = getattr(autograd_xor, name).__doc__ or ""
    assert doc.strip(), f"autograd_xor.{name} has no docstring"
    assert ">>>" in doc, f"autograd_xor.{name}'s docstring has no runnable example"


def _module_names():
    """(module, name) for each class and function in the `__all__` of every public module
    of the package (the walkthroughs' own modules are reached through `walkthroughs`)."""
    import importlib
    import inspect
    import pkgutil
    out = []
    for info in pkgutil.iter_modules(autograd_xor.__path__, "autograd_xor."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                out.append(pytest.param(module, name, id=f"{info.name}.{name}"))
    return out


@pytest.mark.parametrize("module, name", _module_names())
def test_every_public_class_and_function_of_every_module_has_an_example(module, name):
    doc = getattr(module, name).__doc__ or ""
    assert ">>>" in doc, f"{module.__name__}.{name}'s docstring has no runnable example"


def _transcripts():
    """(page, command, expected stdout) for every ```text block starting '$ autograd-xor'."""
    out = []
    for page in PAGES:
        text = (DOCS / page).read_text(encoding="utf-8")
        for block in re.findall(r"^```text\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
            first, _, rest = block.partition("\n")
            if first.startswith("$ autograd-xor "):
                out.append(pytest.param(page, first[2:], rest, id=f"{page}: {first[2:]}"))
    return out


TRANSCRIPTS = _transcripts()


def test_the_docs_have_command_transcripts():
    assert any("train" in p.values[1] for p in TRANSCRIPTS)


@pytest.mark.needs_dot
@pytest.mark.parametrize("page, command, expected", TRANSCRIPTS)
def test_command_transcripts_are_what_the_commands_print(page, command, expected, tmp_path):
    argv = shlex.split(command)
    assert argv[0] == "autograd-xor"
    r = subprocess.run([sys.executable, "-m", "autograd_xor"] + argv[1:], cwd=tmp_path,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout == expected, f"{page}: the transcript of {command!r} is out of date"


def _nav_pages():
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = text[text.index("\nnav:"):]
    return re.findall(r"([\w/.-]+\.md)\s*$", nav, re.MULTILINE)


def test_every_page_is_in_the_navigation_and_every_nav_entry_exists():
    nav = _nav_pages()
    generated = [f"walkthroughs/{n}.md" for n in _example_names()]
    assert "walkthroughs/index.md" in nav          # the hook adds one page per example after it
    listed = set(nav) | set(generated)
    assert sorted(set(PAGES) - listed) == [], "pages missing from the nav in mkdocs.yml"
    assert sorted(set(nav) - set(PAGES)) == [], "nav entries without a page"


def test_every_worked_example_gets_a_page_with_its_tables():
    for name in _example_names():
        from autograd_xor import walkthroughs
        ex = walkthroughs.get(name)
        page = (DOCS / "walkthroughs" / f"{name}.md")
        markdown = page.read_text(encoding="utf-8") if page.exists() else \
            hooks.walkthrough_page(name)
        assert re.search(rf"^<!-- walkthrough {re.escape(name)}( tables)? -->$", markdown,
                         re.MULTILINE), name
        tables = hooks.walkthrough_markdown(name)
        assert ex.render(ex.run()).rstrip("\n") in tables


def _figure_uris():
    uris = set(hooks.FIGURES)
    for name in _example_names():
        from autograd_xor import walkthroughs
        uris.add(f"walkthroughs/{name}-graph.svg")
        if walkthroughs.get(name).network() is not None:
            uris.add(f"walkthroughs/{name}-network.svg")
    return uris


def test_every_image_on_a_page_is_drawn_by_the_docs_build():
    uris = _figure_uris()
    seen = 0
    for page in PAGES:
        text = (DOCS / page).read_text(encoding="utf-8")
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text):
            uri = os.path.normpath(os.path.join(os.path.dirname(page), target))
            assert uri.replace(os.sep, "/") in uris, f"{page} shows {target}, which nothing draws"
            seen += 1
    assert seen >= 6
    assert not list(DOCS.rglob("*.svg")) and not list(DOCS.rglob("*.png")), \
        "figures are drawn at build time, not stored"


@pytest.mark.needs_dot
def test_the_figures_are_svg_drawings_of_what_they_say():
    made = {uri: make() for uri, make in hooks.FIGURES.items()}
    for uri, data in made.items():
        text = data.decode("utf-8")
        assert "<svg" in text, uri
    assert ">x1</text>" in made["figures/first-graph.svg"].decode()    # a record field label
    assert "decision boundary" in made["figures/xor-training.svg"].decode()
    assert made["figures/first-graph.svg"] == hooks.FIGURES["figures/first-graph.svg"]()


def test_the_site_is_built_offline_and_strict():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+font: false", config, re.MULTILINE)      # no web fonts
    assert re.search(r"^strict: true", config, re.MULTILINE)
    assert hooks.remote_assets('<script src="https://cdn.example/x.js"></script>')
    assert hooks.remote_assets("@font-face { src: url(https://fonts.example/a.woff) }")
    # mkdocs serve gives every page a canonical address on the local server: not a fetch
    assert hooks.remote_assets('<link rel="canonical" href="http://127.0.0.1:8000/a.html">') == []
    assert hooks.remote_assets('<link rel="icon" href="https://x.org/favicon.ico">')


def _config():
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return text


def test_the_site_reads_from_disk():
    """Every link names a file (page.html, not page/); no plugin that fetches from the
    network (Material's offline plugin injects a script from it); where search cannot work,
    from file://, the page says so."""
    config = _config()
    assert re.search(r"^use_directory_urls: false$", config, re.MULTILINE)
    assert "offline" not in re.findall(r"^  - (\w+)", config[config.index("plugins:"):],
                                       re.MULTILINE)
    assert re.search(r"^extra_javascript:\n  - assets/offline.js$", config, re.MULTILINE)
    script = (DOCS / "assets" / "offline.js").read_text(encoding="utf-8")
    assert 'location.protocol !== "file:"' in script and "make serve-docs" in script


def test_the_theme_has_what_readers_expect():
    """A light/dark toggle, copy buttons on code, the repository's link (without its star
    count, which the theme would fetch from the network) and an icon of its own."""
    config = _config()
    assert "scheme: slate" in config and "scheme: default" in config and "toggle:" in config
    assert "- content.code.copy" in config
    assert re.search(r"^repo_url: https://github.com/", config, re.MULTILINE)
    assert "favicon: assets/favicon.svg" in config and "assets/favicon.svg" in hooks.FIGURES
    source = (DOCS / "overrides" / "partials" / "source.html").read_text(encoding="utf-8")
    link = source[source.index("<a "):]
    assert "config.repo_url" in link and 'data-md-component="source"' not in link
    css = (DOCS / "assets" / "extra.css").read_text(encoding="utf-8")
    assert "white-space: pre-wrap" in css                 # code wraps, never cut off


def _yaml_list(lines, indent):
    """The nav's YAML list at `indent` (items "- page.md", "- Title: page.md" and
    "- Section:" with a list below), and the lines after it."""
    items = []
    while lines and lines[0].startswith(" " * indent + "- "):
        item = lines.pop(0)[indent + 2:].strip()
        if item.endswith(":"):
            children, lines = _yaml_list(lines, indent + 4)
            items.append({item[:-1]: children})
        elif ": " in item:
            title, page = item.split(": ", 1)
            items.append({title: page})
        else:
            items.append(item)
    return items, lines


def _built_nav():
    """[(title, page)] of the site's navigation after the hook expands it."""
    text = _config()
    lines = text[text.index("\nnav:") + 6:].split("\n\n")[0].splitlines()
    nav = hooks.expand_nav(_yaml_list(lines, 2)[0])        # what on_config makes of it
    out = []

    def walk(items, section=None):
        for item in items:
            if isinstance(item, str):
                out.append((section, item))
            else:
                (title, value), = item.items()
                if isinstance(value, list):
                    walk(value, title)
                else:
                    out.append((title, value))
    walk(nav)
    return out


def test_the_navigation_names_each_page_once_by_what_a_reader_looks_for():
    nav = _built_nav()
    pages = [page for _, page in nav]
    assert len(pages) == len(set(pages)), "a page is in the navigation twice"
    titles = {page: title for title, page in nav}
    assert titles["walkthroughs/gf.md"] == "The five-weight G/F network"
    for name in _example_names():
        from autograd_xor import walkthroughs
        title = titles[f"walkthroughs/{name}.md"]
        assert title.lower() == walkthroughs.get(name).subject.lower()
        assert len(title) <= 40 and "->" not in title and ":" not in title, title
    # the section's index page is the section itself (navigation.indexes): not a page twice
    assert titles["walkthroughs/index.md"] == "Worked examples"
    assert "- navigation.indexes" in _config()


# --- figures that read ------------------------------------------------------------------

def _all_figures():
    made = {uri: make() for uri, make in hooks.FIGURES.items()}
    made.update(hooks._walkthrough_figures())
    return made


@pytest.fixture(scope="module")
def figures():
    return _all_figures()


@pytest.mark.needs_dot
def test_figures_read_at_100_percent_or_open_at_full_size(figures):
    """Every figure is at most MAX_WIDTH px wide, except the computation graphs of the
    largest worked examples, which the pages make links to themselves at full size."""
    wide = {uri: hooks.svg_width(data) for uri, data in figures.items()
            if (hooks.svg_width(data) or 0) > hooks.MAX_WIDTH}
    assert all(uri.startswith("walkthroughs/") and uri.endswith("-graph.svg") for uri in wide), \
        wide
    assert len(wide) <= 4
    for uri in ("figures/first-graph.svg", "figures/first-graph-local.svg",
                "figures/gf-backward-step.svg", "walkthroughs/gf-graph.svg",
                "figures/xor-network.svg", "figures/xor-training.svg"):
        assert hooks.svg_width(figures[uri]) <= hooks.MAX_WIDTH, uri
    for uri, width in wide.items():
        page = uri.split("/")[0]
        html = f'<p><img alt="x" src="{uri.split("/")[1]}" /></p>'
        assert 'class="agx-zoom"' in hooks.zoomable(html, page, {uri: width})


def test_a_wide_figure_that_is_not_a_link_to_itself_fails_the_build(tmp_path):
    (tmp_path / "wide.svg").write_text('<svg width="1200pt" height="10pt"></svg>')
    (tmp_path / "narrow.svg").write_text('<svg width="600pt" height="10pt"></svg>')
    bare = '<img src="wide.svg"> <img src="narrow.svg">'
    problems = hooks.page_problems(bare, "p.html", str(tmp_path))
    assert problems == ["p.html: the figure wide.svg is 1600 px wide (at most 1000 reads at "
                        "100%) and is not a link to itself"]
    zoomed = hooks.zoomable(bare.replace(">", " />"), "", {"wide.svg": 1600.0,
                                                           "narrow.svg": 800.0})
    assert hooks.page_problems(zoomed, "p.html", str(tmp_path)) == []


@pytest.mark.needs_dot
def test_the_trained_network_of_getting_started_is_coloured(figures):
    from autograd_xor.render import DECREASE, INCREASE
    svg = figures["figures/xor-network.svg"].decode("utf-8")
    assert f'stroke="{INCREASE}"' in svg and f'stroke="{DECREASE}"' in svg
    assert 'stroke-dasharray' in svg                      # negative weights dashed


@pytest.mark.needs_dot
def test_graph_figures_are_drawn_top_to_bottom(figures):
    # the first and the last node of the G/F graph: the inputs above the error e
    svg = figures["walkthroughs/gf-graph.svg"].decode("utf-8")
    assert "rankdir" not in svg
    ys = {}
    for m in re.finditer(r'<text[^>]*\sy="([\d.-]+)"[^>]*>(w_xg1|e)</text>', svg):
        ys[m.group(2)] = float(m.group(1))
    assert ys["w_xg1"] < ys["e"]


# --- the API reference --------------------------------------------------------------------

def _public_modules():
    import pkgutil
    return sorted(info.name for info in pkgutil.iter_modules(autograd_xor.__path__,
                                                             "autograd_xor.")
                  if not any(part.startswith("_") for part in info.name.split(".")))


def test_the_api_reference_covers_every_public_module():
    api = (DOCS / "api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^::: (autograd_xor[\w.]*)$", api, re.MULTILINE))
    assert sorted(set(_public_modules()) - documented) == []
    assert "<!-- value-ops -->" in api


def test_the_api_reference_lists_every_op_and_method_of_value():
    from autograd_xor import Value
    from autograd_xor.ops import OPS
    table = hooks.value_ops_markdown()
    rows = table.strip().splitlines()[2:]
    assert len(rows) == len(OPS)
    methods = [name for name, v in vars(Value).items()
               if callable(v) and not name.startswith("_") and name not in ("backward", "item")]
    assert methods and all(f"`a.{m}(" in table for m in methods), methods
    for spelling in ("`a + b`", "`a - b`", "`a * b`", "`a / b`", "`-a`", "`a ** k`",
                     "`a ** b`"):
        assert spelling in table
