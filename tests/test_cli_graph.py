"""`autograd-xor graph NAME --out FILE [--view ops|network] [--format svg|png|dot]` as a user
runs it."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from test_render import svg_texts

from autograd_xor.render import DECREASE, INCREASE, network_to_dot, to_dot
from autograd_xor.walkthroughs import get, names

CMD = [sys.executable, "-m", "autograd_xor", "graph"]


def run(*args, cwd=None, env=None):
    return subprocess.run(CMD + list(args), capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120)


def no_dot_env(tmp_path):
    """The environment with a PATH on which there is no Graphviz `dot` program."""
    empty = tmp_path / "no-dot-here"
    empty.mkdir(exist_ok=True)
    return {**os.environ, "PATH": str(empty)}


@pytest.mark.needs_dot
def test_gf_graph_as_svg_with_the_five_weights(tmp_path):
    r = run("gf", "--out", "gf.svg", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    texts = svg_texts((tmp_path / "gf.svg").read_text(encoding="utf-8"))
    for name in ("w_xg0", "w_xg1", "w_xg2", "w_gf0", "w_gf1", "e", "y_f", "y_g"):
        assert name in texts, name
    for op in ("Σw·x+b", "tanh", "sigmoid", "**2", "a / b"):
        assert op in texts, op
    root = get("gf").graph()
    assert f"data {root.data:.4f}" in texts and "grad 1.0000" in texts
    assert [p.name for p in tmp_path.iterdir()] == ["gf.svg"]       # no temporary left


def test_dot_to_stdout_is_the_graph_source():
    r = run("gf", "--out", "-", "--format", "dot")
    assert r.returncode == 0, r.stderr
    assert r.stdout == to_dot(get("gf").graph())


def test_format_follows_the_suffix(tmp_path):
    r = run("gf", "--view", "network", "--out", "net.gv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "net.gv").read_text(encoding="utf-8") == \
        network_to_dot(get("gf").network())


@pytest.mark.needs_dot
def test_network_view_colours_edges(tmp_path):
    r = run("gf", "--view", "network", "--out", str(tmp_path / "net.svg"))
    assert r.returncode == 0, r.stderr
    svg = (tmp_path / "net.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    strokes = [g.find("{http://www.w3.org/2000/svg}path").get("stroke")
               for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "edge"]
    assert strokes.count(INCREASE) == 3 and strokes.count(DECREASE) == 2
    assert "w_xg1 = 0.6000" in svg_texts(svg)


@pytest.mark.needs_dot
def test_png_and_svg_to_stdout(tmp_path):
    r = run("gf", "--out", "g.png", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "g.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    r = run("gf", "--out", "-")
    assert r.returncode == 0, r.stderr
    ET.fromstring(r.stdout)


@pytest.mark.parametrize("name", names())
def test_every_example_draws_as_dot(name, tmp_path):
    r = run(name, "--out", "-", "--format", "dot")
    assert r.returncode == 0, r.stderr
    assert r.stdout == to_dot(get(name).graph())
    r = run(name, "--view", "network", "--out", "net.dot", cwd=tmp_path)
    if get(name).network() is None:                         # a one-line error, no file
        assert r.returncode == 2 and r.stderr.count("\n") == 1
        assert f"the example '{name}' has no network to draw; use --view ops" in r.stderr
        assert not list(tmp_path.iterdir())
    else:
        assert r.returncode == 0, r.stderr
        assert (tmp_path / "net.dot").read_text(encoding="utf-8") == \
            network_to_dot(get(name).network())


def test_unknown_example_lists_the_names(tmp_path):
    r = run("nope", "--out", "x.svg", cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "no worked example called 'nope'" in r.stderr and "gf" in r.stderr
    assert not list(tmp_path.iterdir())


def test_missing_dot_says_how_to_install_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    r = run("gf", "--out", str(out / "gf.svg"), env=no_dot_env(tmp_path))
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith("autograd-xor: error: the Graphviz 'dot' program is not installed")
    for how in ("apt-get install graphviz", "brew install graphviz", "conda install"):
        assert how in r.stderr
    assert not list(out.iterdir())                          # no partial or temporary file
    r = run("gf", "--out", str(out / "gf.dot"), env=no_dot_env(tmp_path))
    assert r.returncode == 0, r.stderr                      # DOT needs no Graphviz
    assert (out / "gf.dot").read_text(encoding="utf-8").startswith("digraph {")


def test_bad_options_and_unwritable_output(tmp_path):
    r = run("gf", "--out", "x.svg", "--format", "pdf", cwd=tmp_path)
    assert r.returncode == 2 and "invalid choice: 'pdf'" in r.stderr
    r = run("gf", "--format", "dot")
    assert r.returncode == 2 and "--out" in r.stderr
    r = run("gf", "--out", "g.pdf", cwd=tmp_path)
    assert r.returncode == 2 and "cannot tell the format of 'g.pdf'" in r.stderr
    assert not list(tmp_path.iterdir())
    r = run("gf", "--format", "dot", "--out", str(tmp_path / "missing" / "g.dot"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
