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
