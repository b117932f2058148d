"""Pictures from the main job: `autograd_xor.plotting` and `autograd-xor train --plot/--graph`."""

import os
import subprocess
import sys

import pytest

from autograd_xor import MLP, plotting
from autograd_xor.plotting import (
    MissingExtraError,
    check_plot_path,
    decision_grid,
    plot_training,
    write_network,
)
from autograd_xor.render import DECREASE
from autograd_xor.xor import XOR_INPUTS, train_xor

PNG = b"\x89PNG\r\n\x1a\n"
CMD = [sys.executable, "-m", "autograd_xor"]


@pytest.fixture(scope="module")
def result():
    return train_xor(seed=0, epochs=300)


def run(*args, cwd):
    return subprocess.run(CMD + list(args), capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_decision_grid_is_the_model_on_a_grid(result):
    xs, ys, grid = decision_grid(result.model, n=5, lo=-1.0, hi=1.0)
    assert xs == ys == [-1.0, -0.5, 0.0, 0.5, 1.0]
    for j, y in enumerate(ys):
        for i, x in enumerate(xs):
            assert grid[j][i] == result.model([x, y]).data
    # the corners of the unit square are the four XOR inputs
    _, _, unit = decision_grid(result.model, n=2, lo=0.0, hi=1.0)
    assert [unit[0][0], unit[1][0], unit[0][1], unit[1][1]] == \
        [result.model(x).data for x in XOR_INPUTS]


def test_decision_grid_records_no_graph():
    net = MLP(2, [2, 1], activations=["tanh", "sigmoid"])
    _, _, grid = decision_grid(net, n=3)
    assert all(0.0 < v < 1.0 for row in grid for v in row)
    assert all(p.grad == 0.0 for p in net.parameters())


@pytest.mark.parametrize("kwargs, words", [
    ({"n": 1}, "n (points per side)"), ({"n": 2.5}, "n (points per side)"),
    ({"lo": 1.0, "hi": 0.0}, "lo < hi"),
])
def test_decision_grid_rejects_bad_options(kwargs, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        decision_grid(MLP(2, [1]), **kwargs)


def test_plot_training_writes_a_png(result, tmp_path):
    out = tmp_path / "run.png"
    plot_training(result, out)
    data = out.read_bytes()
    assert data.startswith(PNG) and len(data) > 20_000     # two panels of pixels, not a stub
    assert [p.name for p in tmp_path.iterdir()] == ["run.png"]   # no temporary file left


def test_plot_training_svg_and_pdf_are_what_they_say(result, tmp_path):
    plot_training(result, tmp_path / "run.svg")
    plot_training(result, tmp_path / "run.pdf")
    svg = (tmp_path / "run.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "decision boundary" in svg and "epoch" in svg     # titles are text in an SVG
    assert (tmp_path / "run.pdf").read_bytes().startswith(b"%PDF")


def test_same_run_same_bytes(result, tmp_path):
    plot_training(result, tmp_path / "a.png")
    plot_training(result, tmp_path / "b.png")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


def test_unknown_format_is_refused_and_writes_nothing(result, tmp_path):
    with pytest.raises(ValueError, match=r"'.*run\.jpg'.*\.png, \.svg, \.pdf"):
        plot_training(result, tmp_path / "run.jpg")
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_drawing_leaves_no_partial_file(result, tmp_path, monkeypatch):
    out = tmp_path / "run.png"
    out.write_bytes(b"old picture")

    def broken(*args, **kwargs):
        raise RuntimeError("drawing failed")
    monkeypatch.setattr(plotting, "training_figure", broken)
    with pytest.raises(RuntimeError, match="drawing failed"):
        plot_training(result, out)
    assert out.read_bytes() == b"old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["run.png"]


def test_missing_matplotlib_names_the_extra(monkeypatch):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)     # import matplotlib -> ImportError
    with pytest.raises(MissingExtraError, match=r"autograd_xor\[plot\]"):
        check_plot_path("run.png")


def test_write_network_dot_needs_no_graphviz(result, tmp_path):
    write_network(result.model, tmp_path / "net.dot")
    text = (tmp_path / "net.dot").read_text()
    assert text.startswith("digraph {") and text.count("tanh") == 4 and "sigmoid" in text
    w = result.model.layers[1].neurons[0].w[0].data
    assert f"{w:.4f}" in text                                 # the trained weights are drawn
    # coloured by the sign of each weight: as many orange edges as negative weights
    negative = sum(p.data < 0 for p in result.model.parameters())
    assert text.count(f' color="{DECREASE}"') == negative and "sign of the weight" in text


def test_each_target_has_its_marker_and_colour(result):
    from matplotlib.collections import PathCollection
    from matplotlib.colors import to_hex

    from autograd_xor.plotting import TARGETS, training_figure
    plane = training_figure(result).axes[1]
    points = [c for c in plane.collections if type(c) is PathCollection]
    assert len(points) == 4
    for c in points:
        (x1, x2), = c.get_offsets()
        target = int(x1 != x2)                               # XOR
        assert to_hex(c.get_facecolor()[0]) == TARGETS[target][1].lower()
    assert sorted(plane.get_legend_handles_labels()[1]) == ["target 0", "target 1"]


def test_the_notebooks_plot_what_the_command_plots():
    """The XOR notebook shows `training_image`, the picture `train --plot` writes, so the
    markers and colours are the same; no notebook draws points of its own."""
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "notebooks", "build_notebooks.py")
    spec = importlib.util.spec_from_file_location("build_notebooks", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    code = {name: "\n".join(c.source for c in cells if c.cell_type == "code")
            for name, cells in script.NOTEBOOKS.items()}
    assert "training_image(result" in code["03_xor_training.ipynb"]
    assert not any("scatter(" in text or "plt.plot(" in text for text in code.values())


@pytest.mark.needs_dot
def test_write_network_svg(result, tmp_path):
    write_network(result.model, tmp_path / "net.svg")
    svg = (tmp_path / "net.svg").read_text()
    assert "<svg" in svg and svg.count(">tanh<") == 4 and ">sigmoid<" in svg


# --- the command, as a user runs it -----------------------------------------------------

@pytest.mark.needs_dot
def test_train_plot_and_graph(tmp_path):
    r = run("train", "--epochs", "400", "--plot", "curve.png", "--graph", "net.svg",
            cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "plot saved to curve.png" in r.stdout
    assert "network figure saved to net.svg" in r.stdout
    png = (tmp_path / "curve.png").read_bytes()
    assert png.startswith(PNG) and len(png) > 20_000
    assert "<svg" in (tmp_path / "net.svg").read_text()
    assert sorted(os.listdir(tmp_path)) == ["curve.png", "net.svg"]


def test_train_plot_with_json_keeps_stdout_json(tmp_path):
    import json
    r = run("train", "--epochs", "400", "--json", "--plot", "curve.svg", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["learned"] is True
    assert "<svg" in (tmp_path / "curve.svg").read_text()


@pytest.mark.parametrize("args, words", [
    (["--plot", "curve.jpg"], ["--plot", "curve.jpg", ".png"]),
    (["--graph", "net.gif"], ["--graph", "net.gif", ".svg"]),
    (["--plot", "-"], ["--plot", "file name"]),
    (["--plot", "no/such/folder/curve.png"], ["no/such/folder/curve.png"]),
])
def test_train_bad_picture_options_fail_in_one_line(tmp_path, args, words):
    r = run("train", "--epochs", "50", *args, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("autograd-xor: error:") and r.stderr.count("\n") == 1
    for w in words:
        assert w in r.stderr
    assert os.listdir(tmp_path) == []


def test_train_plot_without_matplotlib_names_the_extra(tmp_path):
    # a sitecustomize-free way to hide matplotlib: a module on the path that fails to import
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "matplotlib.py").write_text("raise ImportError('No module named matplotlib')\n")
    env = dict(os.environ, PYTHONPATH=str(fake))
    r = subprocess.run(CMD + ["train", "--plot", "curve.png"], capture_output=True, text=True,
                       cwd=tmp_path, env=env, timeout=300)
    assert r.returncode == 2
    assert "autograd_xor[plot]" in r.stderr and "--plot" in r.stderr
    assert "Training" not in r.stdout                        # it failed before training
    assert not (tmp_path / "curve.png").exists()
