"""The explorer's page in a real browser (Playwright driving the system Chromium).

Each test opens a page `explore()` wrote and reads it through its contract: `data-node`
elements with `data-role="value"`/`"grad"`, `data-role="step"`, the keys, the derivation
panel and practice mode. Every test also checks that the page made no network request and
logged no console error, and takes a screenshot that must not be blank.

Locally these tests skip (with the reason) when Chromium or Playwright is missing; with CI
set they fail instead. `make test` installs both (Chromium with apt-get as root). Browsers
are never downloaded: the tests use the system's `chromium`.
"""

import math
import os
import re
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from test_explorer import fresh_grads

from autograd_xor import Value, binary_cross_entropy, explore, topological_order
from autograd_xor.testing import expressions, points
from autograd_xor.walkthroughs import get
from autograd_xor.xor import XOR_INPUTS, XOR_TARGETS, make_xor_model, train_xor

pytestmark = pytest.mark.needs_dot

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _unavailable(reason):
    if IN_CI:
        pytest.fail(f"CI must run the browser tests: {reason} (make test installs it)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    if CHROMIUM is None:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


class Opened:
    """A page open in the browser, with what it logged and fetched."""

    def __init__(self, browser, url, shots, name, javascript=True):
        self.context = browser.new_context(viewport={"width": 1280, "height": 860},
                                           java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.errors, self.requests, self.dialogs = [], [], []
        self.page.on("console", lambda m: m.type in ("error", "warning") and
                     self.errors.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.url, self.shots, self.name = url, shots, name
        self.page.goto(url)

    def role(self, name):
        return self.page.locator(f'[data-role="{name}"]').first

    def state(self):
        """The step text and every node's value and gradient text, by id."""
        return self.page.evaluate("""() => {
            const out = {step: document.querySelector('[data-role="step"]').textContent,
                         value: {}, grad: {}};
            for (const g of document.querySelectorAll('[data-node]')) {
              out.value[g.dataset.node] = g.querySelector('[data-role="value"]').textContent;
              out.grad[g.dataset.node] = g.querySelector('[data-role="grad"]').textContent;
            }
            return out; }""")

    def press(self, key, times=1):
        for _ in range(times):
            self.page.keyboard.press(key)

    def close(self):
        path = os.path.join(self.shots, f"{self.name}.png")
        self.page.screenshot(path=path)
        assert not blank(path), f"the screenshot {path} is blank"
        own = [u for u in self.requests if u != self.url and not u.startswith("data:")]
        assert own == [], f"the page made network requests: {own}"
        assert self.errors == [], self.errors
        assert self.dialogs == [], f"the page opened dialogs: {self.dialogs}"
        self.context.close()


def blank(path):
    """True when the PNG at `path` is (nearly) one colour."""
    from PIL import Image, ImageStat
    with Image.open(path) as im:
        return max(ImageStat.Stat(im.convert("L")).stddev) < 2.0


@pytest.fixture
def opener(browser, tmp_path, request):
    """open(explorer or html text) -> Opened; checks and closes every page at the end."""
    shots = tmp_path / "screenshots"
    shots.mkdir()
    opened = []

    def open_(what, javascript=True, name=None):
        path = tmp_path / f"page{len(opened)}.html"
        if isinstance(what, str):
            path.write_text(what, encoding="utf-8")
        else:
            what.save(path)
        page = Opened(browser, path.as_uri(), str(shots),
                      name or f"{request.node.name}-{len(opened)}", javascript)
        opened.append(page)
        return page

    yield open_
    for page in opened:
        page.close()


# --- what the page must show at each step ---------------------------------------------------

NUMBER = re.compile(r"-?(\d+\.\d+|\d\.\d{3,}e[+-]\d+)|-?inf|nan")


def agrees(text, truth):
    """`text` shows `truth` to at least 4 significant digits."""
    assert NUMBER.fullmatch(text), f"{text!r} is not a number as the page writes them"
    if math.isnan(truth) or math.isinf(truth):
        return float(text) == truth or (math.isnan(truth) and text == "nan")
    if "e" not in text and truth != 0:
        digits = text.lstrip("-").replace(".", "").lstrip("0")
        assert len(digits) >= 4, f"{text!r} has fewer than 4 significant digits"
    return abs(float(text) - truth) <= 5e-4 * abs(truth)


def check(opened, ex, root, k, grads=None):
    """The page at step k shows exactly the values and gradients the first k events reveal."""
    order = topological_order(root)
    N, n = len(order), 2 * len(order)
    grads = fresh_grads(root) if grads is None else grads
    st = opened.state()
    assert st["step"] == f"{k} / {n}"
    for i, (node_id, v) in enumerate(zip(ex.node_ids, order)):
        value, grad = st["value"][node_id], st["grad"][node_id]
        if k > N or i < k:
            assert agrees(value, v.data), (k, node_id, value, v.data)
        else:
            assert value == "", (k, node_id, "value shown too early", value)
        if k > N and i >= n - k:
            assert agrees(grad, grads[i]), (k, node_id, grad, grads[i])
        else:
            assert grad == "", (k, node_id, "gradient shown too early", grad)


def walk(opened, ex, root):
    """Every step forward, every step back, then End and Home."""
    grads = fresh_grads(root)
    n = ex.events
    check(opened, ex, root, 0, grads)
    for k in range(1, n + 1):
        opened.press("ArrowRight")
        check(opened, ex, root, k, grads)
    opened.press("ArrowRight")                    # nothing past the end
    check(opened, ex, root, n, grads)
    for k in range(n - 1, -1, -1):
        opened.press("ArrowLeft")
        check(opened, ex, root, k, grads)
    opened.press("End")
    check(opened, ex, root, n, grads)
    opened.press("Home")
    check(opened, ex, root, 0, grads)


# --- the tests ----------------------------------------------------------------------------

def test_gf_steps_through_both_passes_and_back(opener):
    root = get("gf").graph()
    ex = explore(root)
    walk(opener(ex), ex, root)


@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(expressions(2), points(2))
def test_random_graphs_show_the_engines_numbers(opener, f, xs):
    root = f(*[Value(x, label=f"x{i}") for i, x in enumerate(xs)])
    ex = explore(root)
    walk(opener(ex), ex, root)


def xor_loss():
    model = train_xor(epochs=20).model
    loss = sum(binary_cross_entropy(model(x), t) for x, t in zip(XOR_INPUTS, XOR_TARGETS))
    loss = loss / len(XOR_INPUTS)
    loss.label = "loss"
    return loss


def in_view(opened, node_id):
    """The node's box lies inside the graph's view."""
    return opened.page.evaluate("""(id) => {
        const v = document.querySelector('[data-role="view"]').getBoundingClientRect();
        const r = document.querySelector(`[data-node="${CSS.escape(id)}"] .agx-box`)
                  .getBoundingClientRect();
        return r.left >= v.left - 1 && r.right <= v.right + 1 && r.top >= v.top - 1 &&
               r.bottom <= v.bottom + 1; }""", node_id)


def test_the_xor_mlp_graph_is_usable(opener):
    root = xor_loss()
    ex = explore(root)
    order = topological_order(root)
    N = len(order)
    assert N >= 60
    opened = opener(ex)
    grads = fresh_grads(root)
    # the current node is highlighted and kept in view at every step, both passes
    for k in range(1, ex.events + 1):
        opened.press("ArrowRight")
        current = ex.node_ids[k - 1] if k <= N else ex.node_ids[2 * N - k]
        cls = opened.page.locator(f'[data-node="{current}"]').get_attribute("class")
        assert "agx-current" in cls and in_view(opened, current), (k, current)
        if k in (1, N, N + 1, 2 * N):
            check(opened, ex, root, k, grads)
    opened.press("ArrowLeft", 3)
    check(opened, ex, root, 2 * N - 3, grads)
    opened.press("Home")
    check(opened, ex, root, 0, grads)
    # zoom and fit: the whole graph fits, and zooming changes the scale
    opened.role("fit").click()
    fitted = opened.role("zoom").text_content()
    opened.press("+")
    assert opened.role("zoom").text_content() != fitted
    opened.press("f")
    assert opened.role("zoom").text_content() == fitted
    for node_id in (ex.node_ids[0], ex.node_ids[-1]):
        assert in_view(opened, node_id)


def click(opened, node_id):
    """Click a node, after focusing it (which brings it into view, as Tab does)."""
    node = opened.page.locator(f'[data-node="{node_id}"]')
    node.focus()
    node.click()


def derivation(opened):
    return opened.page.evaluate("""() => {
        const e = document.querySelector('[data-role="explain"]');
        const num = (el, r) => { const x = el.querySelector(`[data-role="${r}"]`);
                                 return x ? x.textContent : null; };
        return {node: e.dataset.explains, text: e.textContent,
                total: num(e, 'total'), partial: num(e, 'partial'),
                terms: [...e.querySelectorAll('[data-role="term"]')].map(t => ({
                    consumer: t.dataset.consumer, upstream: num(t, 'upstream'),
                    local: num(t, 'local'), contribution: num(t, 'contribution')}))}; }""")


def test_clicking_a_node_shows_its_derivation_with_the_numbers(opener):
    root = get("gf").graph()
    ex = explore(root)
    order = topological_order(root)
    grads = fresh_grads(root)
    pos = {v: i for i, v in enumerate(order)}
    opened = opener(ex)
    opened.press("End")
    for i, v in enumerate(order):
        click(opened, ex.node_ids[i])
        got = derivation(opened)
        assert got["node"] == ex.node_ids[i]
        assert agrees(got["total"], grads[i])
        if v is root:
            assert got["terms"] == [] and "∂e/∂e = 1" in got["text"]
            continue
        want = [(c, at) for c in reversed(order) for at, p in enumerate(c._prev) if p is v]
        assert [t["consumer"] for t in got["terms"]] == [ex.node_ids[pos[c]] for c, _ in want]
        for term, (c, at) in zip(got["terms"], want):
            assert agrees(term["upstream"], grads[pos[c]])
            assert agrees(term["local"], c._local[at])
            assert agrees(term["contribution"], c._local[at] * grads[pos[c]])
    # the local derivative's formula from the op table, with its numbers
    click(opened, "z_g")
    text = derivation(opened)["text"]
    assert "∂y_g/∂z_g = 1 − y_g² = 1 − (-0.2449)² = 0.9400" in text
    assert "d tanh(z)/dz = 1 − tanh(z)²" in text
    click(opened, "y_g")                           # a weighted sum's input: its weight
    assert "∂z_f/∂y_g = w_gf1 = 0.5000   (" in derivation(opened)["text"]


def test_a_node_used_twice_shows_running_sums_before_its_gradient_is_complete(opener):
    a = Value(1.5, label="a")
    b = a * a
    b.label = "b"
    c = b + a
    c.label = "c"
    ex = explore(c)                                # order: a, b, c
    opened = opener(ex)
    opened.press("End")
    opened.press("ArrowLeft")                      # a's gradient not yet complete
    click(opened, "a")
    got = derivation(opened)
    assert got["total"] is None and got["partial"] is not None
    assert [t["consumer"] for t in got["terms"]] == ["c", "b", "b"]
    assert all(t["upstream"] is not None for t in got["terms"])    # c and b have passed
    assert agrees(got["partial"], 1.0 + 1.5 + 1.5)
    assert opened.state()["grad"]["a"] == ""      # never a running sum on the node
    opened.press("Home")
    opened.press("ArrowRight", 2)                  # b computed, c not: no gradients at all
    got = derivation(opened)
    assert all(t["upstream"] is None for t in got["terms"]) and agrees(got["partial"], 0.0)
    opened.press("End")
    assert agrees(derivation(opened)["total"], 4.0)


def test_practice_mode_checks_answers_and_keeps_score(opener):
    root = get("gf").graph()
    ex = explore(root)
    grads = dict(zip(ex.node_ids, fresh_grads(root)))
    N = len(ex.node_ids)
    opened = opener(ex)
    opened.press("ArrowRight", 3)
    opened.role("practice").click()
    assert opened.role("practice").get_attribute("aria-pressed") == "true"
    assert opened.state()["step"] == f"3 / {2 * N}"                 # the position is kept
    assert opened.role("answer").is_disabled()                     # questions start backward
    opened.page.evaluate("document.activeElement.blur()")
    opened.press("ArrowRight", N - 3)
    answer = opened.role("answer")
    assert not answer.is_disabled() and "∂e/∂e" in opened.role("question").text_content()
    answer.fill("2")
    answer.press("Enter")
    assert opened.role("feedback").text_content().startswith("wrong")
    assert opened.role("score").text_content() == "score: 0 right, 1 wrong"
    opened.role("hint").click()
    assert "Hint" in derivation(opened)["text"]
    answer.fill("1")
    answer.press("Enter")
    assert opened.role("feedback").text_content().startswith("right")
    assert opened.state()["step"] == f"{N + 1} / {2 * N}"
    # the next node, e's parent y_f... whatever it is: answer to 4 significant digits
    nxt = ex.node_ids[N - 2]
    answer.press("ArrowRight")                    # in the answer box the keys do not step
    assert opened.state()["step"] == f"{N + 1} / {2 * N}"
    close = f"{grads[nxt] * 1.003:.4g}"
    answer.fill(close)
    answer.press("Enter")
    assert "wrong" in opened.role("feedback").text_content() and \
        "4 significant digits" in opened.role("feedback").text_content()
    opened.role("hint").click()
    hint = derivation(opened)
    assert hint["node"] == nxt and hint["total"] is None and "= ?" in hint["text"]
    answer.fill(f"{grads[nxt]:.4g}".replace("-", "−"))
    answer.press("Enter")
    assert opened.role("feedback").text_content().startswith("right")
    assert agrees(opened.state()["grad"][nxt], grads[nxt])
    assert opened.role("score").text_content() == "score: 2 right, 2 wrong"
    answer.fill("not a number")
    answer.press("Enter")
    assert opened.role("score").text_content() == "score: 2 right, 2 wrong"
    opened.page.evaluate("document.activeElement.blur()")
    opened.press("ArrowLeft")                     # outside the box the keys step again
    assert opened.state()["step"] == f"{N + 1} / {2 * N}"
    opened.role("practice").click()
    assert opened.role("practice-panel").is_hidden()
    assert opened.state()["step"] == f"{N + 1} / {2 * N}"


def test_practice_on_the_five_weights_of_the_gf_network(opener):
    root = get("gf").graph()
    weights = ["w_xg0", "w_xg1", "w_xg2", "w_gf0", "w_gf1"]
    ex = explore(root, practice=weights)
    grads = dict(zip(ex.node_ids, fresh_grads(root)))
    backward = [x for x in reversed(ex.node_ids) if x in weights]
    opened = opener(ex)
    assert opened.role("practice").get_attribute("aria-pressed") == "true"
    opened.press("End")
    opened.press("Home")
    opened.page.evaluate("document.activeElement.blur()")
    opened.press("ArrowRight", len(ex.node_ids))
    answer = opened.role("answer")
    for w in backward:
        assert f"∂e/∂{w}?" in opened.role("question").text_content()
        answer.fill(repr(grads[w]))
        answer.press("Enter")
        assert opened.role("feedback").text_content().startswith("right")
        assert opened.state()["step"] == f"{2 * len(ex.node_ids) - ex.node_ids.index(w)} / " \
                                         f"{ex.events}"
    assert opened.role("score").text_content() == "score: 5 right, 0 wrong"
    assert "No questions left" in opened.role("question").text_content()


def test_labels_cannot_inject_into_the_page(opener):
    evil = '</script><img src=x onerror="alert(1)">'
    a = Value(0.25, label=evil)
    b = Value(-2.0, label="<b>bold</b>")
    root = (a * b).tanh()
    root.label = '"><svg onload=alert(2)>'
    ex = explore(root, title="<script>alert(3)</script>")
    opened = opener(ex)
    assert opened.page.locator("img").count() == 0
    assert opened.page.locator("b").count() == 0
    assert opened.page.locator("svg").count() == 1
    assert opened.page.locator("[data-node]").first.get_attribute("data-node") == evil
    assert opened.page.title() == "<script>alert(3)</script>"
    walk(opened, ex, root)
    opened.page.locator("[data-node]").nth(1).click()
    assert "<b>bold</b>" in derivation(opened)["text"]


def test_keyboard_only_with_visible_focus(opener):
    root = get("gf").graph()
    ex = explore(root)
    opened = opener(ex)
    opened.press("End")
    opened.page.locator('[data-role="zoom-in"]').focus()
    opened.press("Tab")                            # on to the first node of the drawing
    focused = opened.page.evaluate("document.activeElement.dataset.node")
    assert focused in ex.node_ids
    ring = opened.page.evaluate(
        "getComputedStyle(document.activeElement.querySelector('.agx-ring')).visibility")
    assert ring == "visible"
    opened.press("Enter")
    assert derivation(opened)["node"] == focused
    label = opened.page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused in label and "gradient" in label


def test_blocked_scripts_leave_a_note_and_the_finished_graph(opener):
    root = get("gf").graph()
    ex = explore(root)
    static = opener(ex, javascript=False, name="no-script")
    assert static.role("blocked").is_visible()
    assert "Scripts are blocked" in static.role("blocked").text_content()
    n = ex.events
    check(static, ex, root, n)                     # the end of both passes, drawn in Python
    live = opener(ex)
    assert live.role("blocked").is_hidden()
    check(live, ex, root, 0)


def test_two_explorers_in_one_notebook_page_step_separately(opener):
    first = explore(get("gf").graph())
    second = explore(get("perceptron").graph())
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
            "<p>a notebook</p>" + first._repr_html_() + second._repr_html_() + "</body></html>")
    opened = opener(page)
    steps = opened.page.locator('[data-role="step"]')
    assert steps.count() == 2
    opened.press("ArrowRight")                     # focus is outside both: nothing moves
    assert steps.nth(0).text_content() == f"0 / {first.events}"
    opened.page.locator('[data-role="next"]').nth(1).click()
    opened.press("ArrowRight")
    assert steps.nth(0).text_content() == f"0 / {first.events}"
    assert steps.nth(1).text_content() == f"2 / {second.events}"
    opened.page.locator('.agx').nth(0).locator('[data-role="end"]').click()
    assert steps.nth(0).text_content() == f"{first.events} / {first.events}"


@pytest.mark.slow
def test_a_width_64_network_is_drawn_and_steps(opener):
    model = make_xor_model(hidden=64)
    loss = sum(binary_cross_entropy(model(x), t) for x, t in zip(XOR_INPUTS, XOR_TARGETS)) / 4
    ex = explore(loss)
    assert len(ex.node_ids) > 700
    opened = opener(ex)
    grads = fresh_grads(loss)
    opened.press("End")
    check(opened, ex, loss, ex.events, grads)
    opened.press("Home")
    opened.press("ArrowRight", 5)
    check(opened, ex, loss, 5, grads)


def test_a_hand_made_node_and_a_lone_leaf(opener):
    x = Value(0.5, label="x")
    s = Value(math.sin(0.5), (x,), "sin", label="s")

    def _backward():
        x.grad += math.cos(x.data) * s.grad
    s._backward = _backward
    root = s * x
    root.label = "r"
    ex = explore(root)
    opened = opener(ex)
    walk(opened, ex, root)
    opened.press("End")
    click(opened, "x")
    got = derivation(opened)
    assert "∂s/∂x: 'sin' is not in the op table" in got["text"]
    assert agrees(got["total"], math.sin(0.5) + 0.5 * math.cos(0.5))
    click(opened, "s")
    assert "s = sin(x) = sin(0.5000) = 0.4794" in derivation(opened)["text"]
    leaf = Value(3.0, label="only")
    lone = explore(leaf)
    walk(opener(lone), lone, leaf)
