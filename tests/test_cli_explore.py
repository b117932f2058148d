"""`autograd-xor explore NAME --out FILE.html` and `autograd-xor explore --model FILE --input
0,1 [--target 1] --out FILE.html` as a user runs them."""

import html
import json
import os
import re
import subprocess
import sys

import pytest

from autograd_xor.explorer import node_ids
from autograd_xor.nn import load_model
from autograd_xor.walkthroughs import get, names

CMD = [sys.executable, "-m", "autograd_xor", "explore"]


def run(*args, cwd=None, env=None):
    return subprocess.run(CMD + list(args), capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120)


def page_data(text):
    raw = re.search(r'<script type="application/json" class="agx-data">(.*?)</script>',
                    text, re.DOTALL).group(1)
    return json.loads(raw)


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model")
    r = subprocess.run([sys.executable, "-m", "autograd_xor", "train", "--epochs", "300",
                        "--save", "m.json", "--json"], cwd=folder, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode in (0, 1), r.stderr
    return folder / "m.json"


@pytest.mark.needs_dot
@pytest.mark.parametrize("name", names())
def test_every_walkthrough_has_an_explorer(tmp_path, name):
    r = run(name, "--out", "page.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "page.html").read_text(encoding="utf-8")
    walkthrough = get(name)
    root = walkthrough.graph()
    assert text.startswith("<!DOCTYPE html>")
    assert f"<title>{html.escape(walkthrough.title)}</title>" in text
    assert [nd["id"] for nd in page_data(text)["nodes"]] == node_ids(root)
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]      # no temporary left


@pytest.mark.needs_dot
def test_a_saved_model_on_one_input_with_its_loss(tmp_path, model_file):
    r = run("--model", str(model_file), "--input", "0,1", "--target", "1", "--practice",
            "--out", "-")
    assert r.returncode == 0, r.stderr
    data = page_data(r.stdout)
    assert data["startPractice"] is True
    ids = [nd["id"] for nd in data["nodes"]]
    assert ids[-1] == "loss" and {"x1", "x2", "t", "y", "z1.1", "a1.1", "layers.1.neurons.0.w.0"} <= set(ids)
    model = load_model(model_file)
    assert data["nodes"][ids.index("y")]["v"] == model([0.0, 1.0]).data
    r = run("--model", str(model_file), "--input", "1,1", "--out", "y.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert page_data((tmp_path / "y.html").read_text(encoding="utf-8"))["nodes"][-1]["id"] == "y"


@pytest.mark.parametrize("args, message", [
    (["nope", "--out", "x.html"], "no worked example called 'nope'; choose one of: gf"),
    (["gf", "--out", "gf.svg"], "name the file 'gf.svg' with .html, e.g. --out gf.html"),
    (["gf", "--model", "m.json", "--out", "x.html"], "give a walkthrough NAME or --model FILE"),
    (["gf", "--input", "0,1", "--out", "x.html"], "--input goes with --model FILE"),
    (["--out", "x.html"], "name a walkthrough"),
    (["--model", "MODEL", "--out", "x.html"], "--model needs --input"),
    (["--model", "MODEL", "--input", "0,x", "--out", "x.html"],
     "--input takes finite numbers, got 'x'; e.g. --input 0,1"),
    (["--model", "MODEL", "--input", "0,1", "--target", "nan", "--out", "x.html"],
     "--target takes finite numbers, got 'nan'"),
    (["--model", "MODEL", "--input", "0,1,1", "--out", "x.html"],
     "the model takes 2 inputs, got 3 (0, 1, 1); give 2 numbers, e.g. --input 0,0"),
    (["--model", "missing.json", "--input", "0,1", "--out", "x.html"],
     "cannot read the model file 'missing.json': No such file or directory"),
])
def test_user_errors_are_one_line_and_write_nothing(tmp_path, model_file, args, message):
    args = [str(model_file) if a == "MODEL" else a for a in args]
    r = run(*args, cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("autograd-xor: error: explore") and message in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.html").exists()


@pytest.mark.parametrize("kind", ["Neuron", "Layer"])
def test_a_model_file_of_one_neuron_or_layer_is_refused_in_one_line(tmp_path, kind):
    # (it was an AttributeError's traceback: the explorer follows an MLP's layers)
    from autograd_xor.nn import Layer, Neuron
    model = Neuron(2, activation="sigmoid") if kind == "Neuron" else \
        Layer(2, 1, activation="sigmoid")
    model.save(tmp_path / "one.json")
    r = run("--model", "one.json", "--input", "0,1", "--out", "x.html", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr, r.stderr
    assert r.stderr == (f"autograd-xor: error: explore: --model 'one.json' holds a {kind}, not a "
                        f"network (MLP); explore a model saved by 'autograd-xor train --save'\n")
    assert not (tmp_path / "x.html").exists()


def test_a_graph_beyond_the_limit_is_refused_before_any_layout(tmp_path):
    from autograd_xor import MLP
    net = MLP(2, [800, 1], activations=["tanh", "sigmoid"])
    net.save(tmp_path / "wide.json")
    empty = tmp_path / "no-dot-here"                   # the refusal needs no Graphviz
    empty.mkdir()
    r = run("--model", "wide.json", "--input", "0,1", "--out", "w.html", cwd=tmp_path,
            env={**os.environ, "PATH": str(empty)})
    assert r.returncode == 2
    assert "the graph has 4,805 nodes" in r.stderr and "MAX_NODES = 2,000" in r.stderr
    assert not (tmp_path / "w.html").exists()


def test_without_graphviz_it_says_how_to_install_it(tmp_path):
    empty = tmp_path / "no-dot-here"
    empty.mkdir()
    r = run("gf", "--out", "gf.html", cwd=tmp_path, env={**os.environ, "PATH": str(empty)})
    assert r.returncode == 2 and "apt-get install graphviz" in r.stderr
    assert not (tmp_path / "gf.html").exists()
