"""The explorer page's style sheet and script, inlined into every page `explore()` writes.

Hand-written, no build step and nothing loaded from the network. The script reads the
graph from the page's `<script type="application/json" class="agx-data">` block, starts
every explorer on the page that has not started yet (a notebook may show several) and
hides the "scripts are blocked" note. `explorer.py` writes the markup both refer to.

    >>> "data-role" in SCRIPT and ".agx" in STYLE
    True
"""

__all__ = ["SCRIPT", "STYLE"]

# Okabe-Ito colours: orange #E69F00 (this step's node), sky blue #56B4E9 (its operands, or
# the nodes it passes its gradient to), blue #0072B2 (the clicked node and its consumers),
# vermillion #D55E00 (the practice question). Each also has a line style, so no meaning
# rests on colour alone.
STYLE = """
.agx { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: #111; background: #fff; max-width: 100%; }
.agx *:focus-visible { outline: 3px solid #0072B2; outline-offset: 2px; }
.agx-title { font-size: 1.25em; font-weight: 600; margin: 0 0 .3em; }
.agx-blocked { border: 2px solid #D55E00; padding: .4em .6em; margin: .3em 0; background: #fff4ec; }
.agx-bar, .agx-practice { display: flex; flex-wrap: wrap; gap: .35em .5em; align-items: center;
  margin: .3em 0; }
.agx button { font: inherit; padding: .2em .65em; border: 1px solid #555; border-radius: 4px;
  background: #f3f3f3; color: #111; cursor: pointer; min-height: 2em; }
.agx button:hover { background: #e4e4e4; }
.agx button[aria-pressed="true"] { background: #0072B2; color: #fff; border-color: #0072B2; }
.agx button:disabled { color: #777; cursor: default; }
.agx-step { font-variant-numeric: tabular-nums; font-weight: 600; min-width: 6em; }
.agx-phase { color: #333; }
.agx-practice { border: 2px dashed #D55E00; border-radius: 6px; padding: .3em .6em; }
.agx-practice[hidden] { display: none; }
.agx-practice input { font: 15px ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace;
  width: 11em; padding: .2em .4em; border: 1px solid #333; border-radius: 3px; }
.agx-feedback { font-weight: 600; }
.agx-feedback[data-verdict="right"] { color: #005a8c; }
.agx-feedback[data-verdict="wrong"] { color: #a33a00; }
.agx-status { margin: .2em 0 .4em; min-height: 1.45em; }
.agx-main { display: flex; flex-wrap: wrap; gap: .6em; align-items: flex-start; }
.agx-view { flex: 3 1 480px; min-width: 280px; border: 1px solid #999; border-radius: 4px;
  overflow: auto; max-height: 75vh; background: #fff; position: relative; }
.agx-live .agx-view { overflow: hidden; height: 460px; max-height: none; touch-action: none;
  cursor: grab; }
.agx-page.agx-live .agx-view { height: calc(100vh - 13.5em); min-height: 320px; }
.agx-live .agx-view svg { display: block; width: 100%; height: 100%; }
.agx-explain { flex: 1 1 300px; min-width: 260px; max-height: 75vh; overflow: auto;
  border: 1px solid #999; border-radius: 4px; padding: .4em .7em; }
.agx-explain h3 { font-size: 1.05em; margin: .2em 0 .4em; }
.agx-explain ul { padding-left: 1.2em; margin: .3em 0; }
.agx-explain li { margin: .3em 0; }
.agx-math { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace;
  font-size: 14px; overflow-wrap: anywhere; }
.agx-note { color: #444; font-size: .92em; }
.agx-help { margin-top: .4em; font-size: .92em; }
.agx-legend { font-size: .92em; color: #333; }
.agx-swatch { display: inline-block; width: 1em; height: .8em; border: 1px solid #000;
  vertical-align: -1px; margin: 0 .2em; }
.agx svg text { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace;
  font-size: 13px; fill: #111; }
.agx svg .agx-name { font-weight: 700; }
.agx svg .agx-key { fill: #555; }
.agx .agx-box, .agx .agx-oval { fill: #fff; stroke: #333; stroke-width: 1.2; }
.agx .agx-rule { stroke: #999; stroke-width: 1; }
.agx .agx-edge { fill: none; stroke: #666; stroke-width: 1.2; }
.agx .agx-head { fill: #666; }
.agx .agx-node { cursor: pointer; }
.agx .agx-node:focus { outline: none; }
.agx .agx-ring { fill: none; stroke: #000; stroke-width: 2.5; stroke-dasharray: 5 3;
  visibility: hidden; }
.agx .agx-node:focus .agx-ring, .agx .agx-node:focus-visible .agx-ring { visibility: visible; }
.agx .agx-pending .agx-box, .agx .agx-pending .agx-oval { fill: #f2f2f2; stroke-dasharray: 5 3; }
.agx .agx-pending text { fill: #444; }
.agx .agx-parent .agx-box, .agx .agx-parent .agx-oval { fill: #56B4E9; stroke-width: 2;
  stroke-dasharray: none; }
.agx .agx-current .agx-box, .agx .agx-current .agx-oval { fill: #E69F00; stroke: #000;
  stroke-width: 3.5;
  stroke-dasharray: none; }
.agx .agx-consumer .agx-box { stroke: #0072B2; stroke-width: 3; stroke-dasharray: 9 3; }
.agx .agx-selected .agx-box { stroke: #0072B2; stroke-width: 4.5; stroke-dasharray: none; }
.agx .agx-question .agx-box { stroke: #D55E00; stroke-width: 4.5; stroke-dasharray: 3 2; }
.agx .agx-edge.agx-live-edge { stroke: #0072B2; stroke-width: 2.6; }
.agx .agx-head.agx-live-edge { fill: #0072B2; }
.agx-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
"""

SCRIPT = r"""
(function () {
  "use strict";
  function num(x) {
    if (typeof x !== "string") return x;
    return x === "nan" ? NaN : (x === "inf" ? Infinity : -Infinity);
  }
  // At least four significant digits: plain decimals from 0.001 to 9999, e-notation outside
  // (the same text as Python's explorer._fmt).
  function fmt(x) {
    if (x !== x) return "nan";
    if (x === Infinity) return "inf";
    if (x === -Infinity) return "-inf";
    if (x === 0) return "0.000";
    var a = Math.abs(x), s;
    if (a >= 1e-3 && a < 1e4) {
      s = x.toPrecision(4);
      if (s.indexOf("e") < 0) return s;
    }
    return x.toExponential(3).replace(/e([+-])(\d)$/, "e$10$2");
  }
  // A number put into a formula: in brackets when negative, unless the formula brackets it.
  function fill(template, names, out, brackets) {
    return template.replace(/\{(\d+|out)\}/g, function (m, key, at) {
      var text = key === "out" ? out : names[+key];
      var before = template.charAt(at - 1), after = template.charAt(at + m.length);
      var bare = !brackets || text.charAt(0) !== "-" ||
                 ((before === "(" || before === " " && template.charAt(at - 2) === ",") &&
                  (after === ")" || after === ","));
      return bare ? text : "(" + text + ")";
    });
  }

  function start(root) {
    var D = JSON.parse(root.querySelector("script.agx-data").textContent);
    var nodes = D.nodes, N = nodes.length, n = 2 * N, rootName = nodes[N - 1].name;
    var page = root.getAttribute("data-mode") === "page";
    function role(r) { return root.querySelector('[data-role="' + r + '"]'); }
    var view = role("view"), svg = view.querySelector("svg");
    var stepEl = role("step"), phaseEl = role("phase"), statusEl = role("status");
    var explainEl = role("explain"), practiceBtn = role("practice");
    var panel = role("practice-panel"), answer = role("answer"), questionEl = role("question");
    var feedback = role("feedback"), score = role("score"), hintBtn = role("hint");
    var zoomEl = role("zoom");
    var els = [], ops = [], edgesTo = [];
    var i, j;
    for (i = 0; i < N; i++) {
      var nd = nodes[i];
      nd.v = num(nd.v); nd.g = num(nd.g);
      for (j = 0; j < nd.d.length; j++) nd.d[j] = num(nd.d[j]);
      edgesTo.push([]);
    }
    var found = root.querySelectorAll("[data-i]");
    for (i = 0; i < found.length; i++) {
      var part = found[i], k = +part.getAttribute("data-i");
      if (part.classList.contains("agx-node")) {
        els[k] = { g: part, value: part.querySelector('[data-role="value"]'),
                   grad: part.querySelector('[data-role="grad"]') };
      } else if (part.classList.contains("agx-op")) {
        ops[k] = part;
      } else {
        edgesTo[k].push(part);
      }
    }
    var pos = 0, selected = -1, practice = false, right = 0, wrong = 0;
    var asked = D.practice ? {} : null;
    if (D.practice) for (i = 0; i < D.practice.length; i++) asked[D.practice[i]] = true;
    var shownV = [], shownG = [], marks = [];

    function current(k) { return k === 0 ? -1 : (k <= N ? k - 1 : n - k); }
    function valueShown(i, k) { return k > N || i < k; }
    function gradShown(i, k) { return k > N && i >= n - k; }
    function d(i) { return "\u2202" + rootName + "/\u2202" + nodes[i].name; }

    function setClass(i, cls) {
      if (marks[i] === cls) return;
      var g = els[i].g, o = ops[i], names = ["agx-pending", "agx-current", "agx-parent"];
      for (var m = 0; m < names.length; m++) {
        g.classList.toggle(names[m], names[m] === cls);
        if (o) o.classList.toggle(names[m], names[m] === cls && cls !== "agx-parent");
      }
      marks[i] = cls;
    }

    function label(i) {
      var nd = nodes[i], v = shownV[i] ? "value " + fmt(nd.v) : "value not computed yet";
      var g = shownG[i] ? "gradient " + fmt(nd.g) : "gradient not computed yet";
      return nd.name + (nd.op ? " = " + nd.op : "") + ": " + v + ", " + g;
    }

    function render() {
      var k = pos, cur = current(k), i;
      var near = {};
      if (cur >= 0) for (i = 0; i < nodes[cur].p.length; i++) near[nodes[cur].p[i]] = true;
      for (i = 0; i < N; i++) {
        var sv = valueShown(i, k), sg = gradShown(i, k);
        if (shownV[i] !== sv || shownG[i] !== sg) {
          els[i].value.textContent = sv ? fmt(nodes[i].v) : "";
          els[i].grad.textContent = sg ? fmt(nodes[i].g) : "";
          shownV[i] = sv; shownG[i] = sg;
          els[i].g.setAttribute("aria-label", label(i));
        }
        setClass(i, i === cur ? "agx-current" :
                    (near[i] ? "agx-parent" : (sv ? "" : "agx-pending")));
      }
      var live = root.querySelectorAll(".agx-live-edge");
      for (i = 0; i < live.length; i++) live[i].classList.remove("agx-live-edge");
      if (cur >= 0) {
        for (i = 0; i < edgesTo[cur].length; i++) edgesTo[cur][i].classList.add("agx-live-edge");
      }
      stepEl.textContent = k + " / " + n;
      phaseEl.textContent = k === 0 ? "before the forward pass" :
        (k <= N ? "forward pass: values" : "backward pass: gradients");
      statusEl.textContent = describe(k);
      role("start").disabled = role("back").disabled = k === 0;
      role("next").disabled = role("end").disabled = k === n;
      if (selected >= 0) explain(selected, false);
      if (practice) ask();
      if (cur >= 0) keepInView(cur);
    }

    function written(i, values) {
      var nd = nodes[i], args = [];
      for (var j = 0; j < nd.p.length; j++) {
        var p = nodes[nd.p[j]];
        args.push(values ? fmt(p.v) : p.name);
      }
      return fill(nd.w, args, "", values);
    }

    function describe(k) {
      if (k === 0) {
        return "Nothing is computed yet. Step forward (\u2192 or Next) to compute the " +
               "values, one node at a time.";
      }
      var i = current(k), nd = nodes[i];
      if (k <= N) {
        if (!nd.p.length) {
          return "Forward " + k + " of " + N + ": " + nd.name + " = " + fmt(nd.v) +
                 " (a leaf: given, not computed).";
        }
        return "Forward " + k + " of " + N + ": " + nd.name + " = " + written(i, false) + " = " +
          written(i, true) + " = " + fmt(nd.v) + ".";
      }
      var text = "Backward " + (k - N) + " of " + N + ": " + d(i) + " = " + fmt(nd.g);
      text += i === N - 1 ? " (where backward starts: the root's gradient with respect to itself)." :
        " (complete: every node that uses " + nd.name + " has passed its share back).";
      if (nd.p.length) {
        var to = [];
        for (var j = 0; j < nd.p.length; j++) to.push(nodes[nd.p[j]].name);
        text += " It passes " + d(i) + " \u00d7 the local derivative on to " + to.join(", ") + ".";
      } else text += " A leaf: it passes nothing on.";
      if (k === n) text += " Done: every value and gradient is shown.";
      return text;
    }

    function go(k) {
      k = Math.max(0, Math.min(n, k));
      if (k === pos) return;
      pos = k;
      clearFeedback();
      render();
    }

    // --- the derivation panel -------------------------------------------------------------
    function el(tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text !== undefined) e.textContent = text;
      return e;
    }
    function numSpan(r, x) {
      var s = el("span", "", fmt(x));
      s.setAttribute("data-role", r);
      return s;
    }

    function explain(i, hint) {
      var nd = nodes[i], k = pos, hide = hint || (practice && !gradShown(i, k));
      explainEl.textContent = "";
      explainEl.setAttribute("data-explains", nd.id);
      explainEl.appendChild(el("h3", "", (hint ? "Hint: " : "") + nd.name +
                               (nd.id !== nd.name ? "  (" + nd.id + ")" : "")));
      var p = el("p", "agx-math");
      if (!nd.p.length) {
        p.textContent = nd.name + " is a leaf" + (valueShown(i, k) ?
          ": " + nd.name + " = " + fmt(nd.v) : "; its value appears at step " + (i + 1) + ".");
      } else if (valueShown(i, k)) {
        p.textContent = nd.name + " = " + written(i, false) + " = " + written(i, true) +
                        " = " + fmt(nd.v);
      } else {
        p.textContent = nd.name + " = " + written(i, false) + ": computed at step " + (i + 1) + ".";
      }
      explainEl.appendChild(p);
      if (i === N - 1) {
        var s = el("p", "agx-math", d(i) + " = ");
        s.appendChild(numSpan("total", 1));
        s.appendChild(document.createTextNode(
          "  (where backward starts: the root's gradient with respect to itself, at step " + (N + 1) + ")"));
        explainEl.appendChild(s);
        return;
      }
      explainEl.appendChild(el("p", "", "The chain rule: " + d(i) +
        " is the sum, over every node that uses " + nd.name +
        ", of that node's gradient \u00d7 its local derivative with respect to " + nd.name + ":"));
      var ul = el("ul"), sum = 0, known = 0;
      for (var t = 0; t < nd.c.length; t++) {
        var c = nd.c[t][0], at = nd.c[t][1], cn = nodes[c];
        var li = el("li", "agx-math");
        li.setAttribute("data-role", "term");
        li.setAttribute("data-consumer", cn.id);
        var dc = "\u2202" + rootName + "/\u2202" + cn.name;
        var local = "\u2202" + cn.name + "/\u2202" + nd.name;
        li.appendChild(document.createTextNode(dc + " \u00d7 " + local + " = "));
        if (gradShown(c, k)) li.appendChild(numSpan("upstream", cn.g));
        else li.appendChild(document.createTextNode("(" + dc + " comes at step " + (n - c) + ")"));
        li.appendChild(document.createTextNode(" \u00d7 "));
        if (valueShown(c, k)) li.appendChild(numSpan("local", cn.d[at]));
        else li.appendChild(document.createTextNode("(" + local + " is computed at step " +
                                                    (c + 1) + ")"));
        if (gradShown(c, k)) {
          var contribution = cn.d[at] * cn.g;
          sum += contribution; known++;
          li.appendChild(document.createTextNode(" = "));
          if (hide) li.appendChild(document.createTextNode("?"));
          else li.appendChild(numSpan("contribution", contribution));
        }
        var why = el("div", "agx-note");
        var rule = cn.t[at];
        if (rule === null) {
          why.textContent = local + ": '" + cn.op + "' is not in the op table; this is " +
                            "what its own _backward gives.";
        }
        else {
          var names = [], vals = [];
          for (var q = 0; q < cn.p.length; q++) {
            names.push(nodes[cn.p[q]].name);
            vals.push(fmt(nodes[cn.p[q]].v));
          }
          var text = local + " = " + fill(rule, names, cn.name, false);
          if (valueShown(c, k)) {
            var filled = fill(rule, vals, fmt(cn.v), true), value = fmt(cn.d[at]);
            if (filled !== rule) text += " = " + filled;
            if (filled !== value) text += " = " + value;
          }
          why.textContent = text + "   (" + cn.f + ")";
        }
        li.appendChild(why);
        ul.appendChild(li);
      }
      explainEl.appendChild(ul);
      var total = el("p", "agx-math");
      if (gradShown(i, k) && !hide) {
        total.appendChild(document.createTextNode(d(i) + " = "));
        total.appendChild(numSpan("total", nd.g));
        total.appendChild(document.createTextNode("  (complete at step " + (n - i) + ")"));
      } else if (hide) {
        total.textContent = d(i) + " = the sum of these terms = ?";
      } else {
        total.textContent = d(i) + " so far (" + known + " of " + nd.c.length + " terms): ";
        total.appendChild(numSpan("partial", sum));
        total.appendChild(document.createTextNode("; complete at step " + (n - i)));
      }
      explainEl.appendChild(total);
    }

    function select(i) {
      if (selected >= 0) {
        els[selected].g.classList.remove("agx-selected");
        var old = nodes[selected].c;
        for (var t = 0; t < old.length; t++) els[old[t][0]].g.classList.remove("agx-consumer");
      }
      selected = i;
      els[i].g.classList.add("agx-selected");
      for (var u = 0; u < nodes[i].c.length; u++) {
        els[nodes[i].c[u][0]].g.classList.add("agx-consumer");
      }
      explain(i, false);
    }

    // --- practice ---------------------------------------------------------------------------
    function nextQuestion() {
      if (pos < N) return -1;
      for (var k = pos + 1; k <= n; k++) {
        var i = current(k);
        if (!asked || asked[i]) return k;
      }
      return -1;
    }
    var question = -1;
    function ask() {
      var q = nextQuestion(), was = question;
      question = q;
      if (was >= 0) els[current(was)].g.classList.remove("agx-question");
      answer.disabled = q < 0;
      role("check").disabled = q < 0;
      if (pos < N) {
        questionEl.textContent = "The questions start with the backward pass (step " +
                                 (N + 1) + "): step forward to it first.";
      } else if (q < 0) {
        questionEl.textContent = "No questions left: every gradient asked about is shown.";
      } else {
        els[current(q)].g.classList.add("agx-question");
        questionEl.textContent = "What is " + d(current(q)) + "?";
      }
    }
    function clearFeedback() {
      feedback.textContent = "";
      feedback.removeAttribute("data-verdict");
      hintBtn.hidden = true;
    }
    function parse(text) {
      var s = text.replace(/\u2212/g, "-").replace(/\s+/g, "").toLowerCase();
      if (s === "nan") return NaN;
      if (s === "inf" || s === "+inf" || s === "infinity") return Infinity;
      if (s === "-inf" || s === "-infinity") return -Infinity;
      if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) return null;
      return Number(s);
    }
    function agrees(a, g) {
      if (g !== g) return a !== a;
      if (!isFinite(g)) return a === g;
      return Math.abs(a - g) <= 5e-4 * Math.abs(g) * (1 + 1e-9);
    }
    function check() {
      var q = nextQuestion();
      if (q < 0) return;
      var i = current(q), a = parse(answer.value), g = nodes[i].g;
      if (a === null) {
        feedback.textContent = "Type a number, e.g. -0.006640 or -6.64e-3.";
        feedback.removeAttribute("data-verdict");
        return;
      }
      if (agrees(a, g)) {
        right++;
        answer.value = "";
        go(q);
        feedback.textContent = "right: " + d(i) + " = " + fmt(g) + ".";
        feedback.setAttribute("data-verdict", "right");
      } else {
        wrong++;
        var close = isFinite(g) && g !== 0 && Math.abs(a - g) <= 0.01 * Math.abs(g);
        feedback.textContent = "wrong: " + d(i) + " is not " + fmt(a) +
          (close ? " (close: give 4 significant digits)." : ".");
        feedback.setAttribute("data-verdict", "wrong");
        hintBtn.hidden = false;
      }
      score.textContent = "score: " + right + " right, " + wrong + " wrong";
    }
    function setPractice(on) {
      practice = on;
      practiceBtn.setAttribute("aria-pressed", on ? "true" : "false");
      panel.hidden = !on;
      if (!on && question >= 0) {
        els[current(question)].g.classList.remove("agx-question");
        question = -1;
      }
      clearFeedback();
      render();
    }

    // --- pan and zoom -------------------------------------------------------------------------
    var W = D.size[0], H = D.size[1], cam = { x: W / 2, y: H / 2, s: 1 };
    function box() { return [view.clientWidth || 600, view.clientHeight || 400]; }
    function apply() {
      var b = box();
      svg.setAttribute("viewBox", [cam.x - b[0] / 2 / cam.s, cam.y - b[1] / 2 / cam.s,
                                   b[0] / cam.s, b[1] / cam.s].join(" "));
      zoomEl.textContent = Math.round(cam.s * 100) + "%";
    }
    function fitScale() { var b = box(); return Math.min(b[0] / (W + 16), b[1] / (H + 16)); }
    function fit() { cam = { x: W / 2, y: H / 2, s: Math.min(fitScale(), 1.5) }; apply(); }
    function zoom(f, px, py) {
      var b = box();
      if (px === undefined) { px = b[0] / 2; py = b[1] / 2; }
      var gx = cam.x + (px - b[0] / 2) / cam.s, gy = cam.y + (py - b[1] / 2) / cam.s;
      cam.s = Math.max(0.05, Math.min(4, cam.s * f));
      cam.x = gx - (px - b[0] / 2) / cam.s; cam.y = gy - (py - b[1] / 2) / cam.s;
      apply();
    }
    function keepInView(i) {
      var b = box(), r = D.boxes[i], hw = b[0] / 2 / cam.s, hh = b[1] / 2 / cam.s, m = 12 / cam.s;
      if (r[0] - r[2] / 2 < cam.x - hw + m || r[0] + r[2] / 2 > cam.x + hw - m ||
          r[1] - r[3] / 2 < cam.y - hh + m || r[1] + r[3] / 2 > cam.y + hh - m) {
        cam.x = clampTo(r[0], W, b[0]); cam.y = clampTo(r[1], H, b[1]); apply();
      }
    }
    // Centre on x, but show no empty margin where the drawing is larger than the view.
    function clampTo(x, size, px) {
      var half = px / 2 / cam.s, pad = 8 / cam.s;
      if (size + 2 * pad <= 2 * half) return size / 2;
      return Math.max(half - pad, Math.min(size - half + pad, x));
    }
    var drag = null, moved = false;
    view.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, cx: cam.x, cy: cam.y, id: e.pointerId };
      moved = false;
    });
    view.addEventListener("pointermove", function (e) {
      if (!drag) return;
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (!moved && Math.abs(dx) + Math.abs(dy) > 4) {
        moved = true;
        try { view.setPointerCapture(drag.id); } catch (err) { /* the pointer is gone */ }
      }
      if (moved) { cam.x = drag.cx - dx / cam.s; cam.y = drag.cy - dy / cam.s; apply(); }
    });
    function endDrag() { drag = null; }
    view.addEventListener("pointerup", endDrag);
    view.addEventListener("pointercancel", endDrag);
    view.addEventListener("wheel", function (e) {
      if (!page && !e.ctrlKey && !e.metaKey) return;     // embedded: the page scrolls
      e.preventDefault();
      var r = view.getBoundingClientRect();
      zoom(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    if (window.ResizeObserver) new ResizeObserver(apply).observe(view);
    else window.addEventListener("resize", apply);

    // --- controls -----------------------------------------------------------------------------
    for (i = 0; i < N; i++) (function (i) {
      els[i].g.addEventListener("click", function () { if (!moved) select(i); });
      els[i].g.addEventListener("focus", function () { keepInView(i); });
    })(i);
    role("start").addEventListener("click", function () { go(0); });
    role("back").addEventListener("click", function () { go(pos - 1); });
    role("next").addEventListener("click", function () { go(pos + 1); });
    role("end").addEventListener("click", function () { go(n); });
    role("fit").addEventListener("click", fit);
    role("zoom-in").addEventListener("click", function () { zoom(1.25); });
    role("zoom-out").addEventListener("click", function () { zoom(0.8); });
    practiceBtn.addEventListener("click", function () { setPractice(!practice); });
    role("check").addEventListener("click", check);
    hintBtn.addEventListener("click", function () {
      var q = nextQuestion();
      if (q >= 0) explain(current(q), true);
    });
    answer.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); check(); }
    });
    function onKey(e) {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      var t = e.target, tag = t && t.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" ||
          (t && t.isContentEditable)) return;
      var node = t && t.getAttribute && t.getAttribute("data-i");
      switch (e.key) {
        case "ArrowRight": go(pos + 1); break;
        case "ArrowLeft": go(pos - 1); break;
        case "Home": go(0); break;
        case "End": go(n); break;
        case "+": case "=": zoom(1.25); break;
        case "-": zoom(0.8); break;
        case "f": case "0": fit(); break;
        case "Enter": case " ":
          if (node === null || node === undefined || t.tagName === "BUTTON") return;
          select(+node); break;
        default: return;
      }
      e.preventDefault();
    }
    (page ? document : root).addEventListener("keydown", onKey);
    root.addEventListener("pointerdown", function (e) {
      var t = e.target;
      if (!page && !(t.closest && t.closest("button, input, [data-i]"))) {
        root.focus({ preventScroll: true });
      }
    });

    // --- start: nothing shown, the whole graph (or a readable part of it) in view ------------
    root.classList.add("agx-live");
    var blocked = role("blocked");
    if (blocked) blocked.hidden = true;
    svg.removeAttribute("width"); svg.removeAttribute("height");
    var s = fitScale();
    if (s >= 0.7) fit();
    else {
      cam.s = 0.9;
      var b0 = box();
      cam.x = clampTo(D.boxes[0][0], W, b0[0]); cam.y = clampTo(D.boxes[0][1], H, b0[1]);
      apply();
    }
    if (D.startPractice) setPractice(true);
    render();
    if (D.startPractice) ask();
  }

  var roots = document.querySelectorAll(".agx");
  for (var r = 0; r < roots.length; r++) {
    if (roots[r].getAttribute("data-ready")) continue;
    roots[r].setAttribute("data-ready", "1");
    try { start(roots[r]); }
    catch (err) {
      var note = roots[r].querySelector('[data-role="blocked"]');
      if (note) note.textContent = "The explorer could not start: " + err;
    }
  }
})();
"""
