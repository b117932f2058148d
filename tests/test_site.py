"""The built documentation site, as a reader opens it: from disk (file://), where every link
must name a file, nothing may come from the network and search says it needs a server; and
from `make serve-docs`. Slow ('make test-slow', which installs the docs extra): each test
builds or serves the whole site."""

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [pytest.mark.slow, pytest.mark.needs_dot]


def _hooks():
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _mkdocs():
    if importlib.util.find_spec("mkdocs") is None:
        message = "MkDocs is not installed: pip install -e '.[docs]' (make test-slow does)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return [sys.executable, "-m", "mkdocs"]


ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site, built strictly (any warning or failed check of the hook fails the build)."""
    out = tmp_path_factory.mktemp("site")
    r = subprocess.run(_mkdocs() + ["build", "--strict", "--site-dir", str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=900, env=ENV)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return out


def test_every_link_names_a_file_and_nothing_comes_from_the_network(site):
    assert _hooks().site_problems(str(site)) == []
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert "walkthroughs/gf.html" in pages and "getting-started.html" in pages
    assert not [p for p in site.rglob("*") if p.is_dir() and (p / "index.html").exists()
                and p != site and p.name != "walkthroughs"], "a page as folder/index.html"


def test_wide_figures_are_links_to_themselves(site):
    hooks = _hooks()
    html = (site / "walkthroughs" / "xor-sigmoid.html").read_text(encoding="utf-8")
    assert 'class="agx-zoom" href="xor-sigmoid-graph.svg"' in html
    widths = [hooks.svg_width(p.read_bytes()) for p in site.rglob("*.svg")]
    assert sum(1 for w in widths if w and w > hooks.MAX_WIDTH) <= 4


def test_the_api_reference_has_every_public_class_and_function(site):
    import importlib
    import inspect
    api = (site / "api.html").read_text(encoding="utf-8")
    modules = re.findall(r"^::: (autograd_xor[\w.]*)$",
                         (ROOT / "docs" / "api.md").read_text(encoding="utf-8"), re.MULTILINE)
    missing = []
    for name in modules:
        module = importlib.import_module(name)
        for public in getattr(module, "__all__", []):
            obj = getattr(module, public)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and \
                    f'id="{name}.{public}"' not in api:
                missing.append(f"{name}.{public}")
    assert missing == []
    assert 'id="autograd_xor.jupyter.Stepper"' in api and "check_every" in api
    assert "<code>a.tanh()</code>" in api                    # the table of Value's ops


def test_the_site_opened_from_disk(site):
    """In a browser, from file://: the pages load with no request to the network, a link
    leads to its page, and where the search box would be the page says search needs a
    server."""
    if CHROMIUM is None:
        if IN_CI:
            pytest.fail("CI must run the browser tests: Chromium is missing")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1366, "height": 800})
        remote, errors = [], []
        page.on("request", lambda r: remote.append(r.url)
                if not r.url.startswith(("file:", "data:", "blob:")) else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((site / "index.html").as_uri())
        page.wait_for_timeout(1000)
        note = page.locator(".agx-no-search")
        assert note.is_visible() and "make serve-docs" in note.inner_text()
        page.click("nav.md-nav--primary >> text=Getting started")
        page.wait_for_load_state()
        assert page.url.endswith("/getting-started.html")
        assert page.locator("h1").inner_text().startswith("Getting started")
        page.goto((site / "walkthroughs" / "gf.html").as_uri())
        page.wait_for_timeout(500)
        browser.close()
    assert remote == [] and errors == []


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_docs_serves_the_site_and_says_where(tmp_path):
    """What `make serve-docs` runs: the site on localhost (the pages' canonical addresses
    there pass the build's offline check)."""
    port = _free_port()
    make = subprocess.run(["make", "-n", "serve-docs", f"DOCS_ADDR=127.0.0.1:{port}"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout
    assert f"http://127.0.0.1:{port}/" in make and f"--dev-addr 127.0.0.1:{port}" in make
    log = open(tmp_path / "serve.log", "w+")    # noqa: SIM115  (closed in the finally below)
    server = subprocess.Popen(_mkdocs() + ["serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True,
                              env=ENV)
    try:
        deadline = time.monotonic() + 600
        page = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html",
                                            timeout=5) as r:
                    page = r.read().decode("utf-8")
                break
            except OSError:
                time.sleep(2)
        log.seek(0)
        assert server.poll() is None, log.read()[-3000:]
        assert page is not None and "autograd_xor" in page
        assert f'<link rel="canonical" href="http://127.0.0.1:{port}/index.html">' in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/walkthroughs/gf.html") as r:
            assert r.status == 200
    finally:
        log.close()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
