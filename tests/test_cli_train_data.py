"""`autograd-xor train --data ...` as a user runs it: binary and multi-class classifiers on
the data sets, their reports, model files and pictures, and the combinations it refuses.
(Each default reaching its accuracy is tests/test_classify.py's slow test.)"""

import json
import os
import subprocess
import sys

import pytest

from autograd_xor import MLP, load

CMD = [sys.executable, "-m", "autograd_xor", "train"]
PNG = b"\x89PNG\r\n\x1a\n"


def run(*args, cwd=None):
    return subprocess.run(CMD + [str(a) for a in args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_xor_data_json():
    r = run("--data", "xor", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["learned"] is True and out["train_accuracy"] == 1.0
    assert out["test_accuracy"] is None and (out["train_points"], out["test_points"]) == (4, 0)
    assert (out["task"], out["loss_function"], out["classes"]) == \
        ("binary", "binary_cross_entropy", 2)
    assert (out["hidden"], out["activation"], out["optimizer"], out["lr"], out["epochs"],
            out["batch_size"]) == ([16, 16], "tanh", "adam", 0.01, 300, 4)


def test_a_spiral_report_in_text(tmp_path):
    r = run("--data", "spiral", "--points", "60", "--classes", "3", "--hidden", "8",
            "--epochs", "40", "--batch-size", "16", "--seed", "1", "--save", "s.json",
            cwd=tmp_path)
    lines = r.stdout.splitlines()
    assert lines[0] == ("Training a 2-8-3 network (tanh hidden layer, 3 linear outputs) on "
                        "spiral: 60 points (48 for training, 12 held out), cross-entropy, Adam "
                        "(lr 0.01), batches of 16, 40 epochs, seed 1")
    assert lines[2].startswith("final loss (mean cross-entropy, last epoch): ")
    assert lines[3].startswith("training accuracy: ") and lines[3].endswith(" of 48)")
    assert lines[4].startswith("held-out accuracy: ") and lines[4].endswith(" of 12)")
    assert lines[5] == "model saved to s.json"
    saved = json.loads((tmp_path / "s.json").read_text())
    assert (saved["task"], saved["loss"], saved["nouts"]) == ("multiclass", "cross_entropy",
                                                              [8, 3])
    # learned or not, the status says so
    assert r.returncode == (0 if "learned spiral" in r.stdout else 1)


def test_the_other_losses_and_sgd():
    r = run("--data", "moons", "--loss", "hinge", "--optimizer", "sgd", "--epochs", "30",
            "--points", "40", "--json")
    out = json.loads(r.stdout)
    assert (out["loss_function"], out["optimizer"], out["lr"]) == ("hinge", "sgd", 0.1)
    r = run("--data", "circles", "--loss", "cross-entropy", "--epochs", "5", "--points", "40",
            "--json", "--hidden", "3,3")
    out = json.loads(r.stdout)
    assert (out["task"], out["classes"], out["hidden"]) == ("multiclass", 2, [3, 3])


def test_save_then_load_continues_the_same_model(tmp_path):
    model = tmp_path / "moons.json"
    first = json.loads(run("--data", "moons", "--points", "40", "--epochs", "70", "--json",
                           "--save", model, "--activation", "relu").stdout)
    again = json.loads(run("--data", "moons", "--points", "40", "--epochs", "0", "--json",
                           "--load", model).stdout)
    assert again["train_accuracy"] == first["train_accuracy"]
    assert again["activation"] == "relu" and again["hidden"] == [16, 16]


@pytest.mark.parametrize("args, words", [
    (["--hidden", "4"], "--hidden 4 does not match the loaded model's hidden layers 16,16"),
    (["--activation", "relu"], "--activation relu does not match the loaded model's tanh"),
    (["--loss", "hinge"], "the model was trained with binary_cross_entropy, not hinge"),
])
def test_options_that_contradict_the_loaded_model_are_refused(tmp_path, args, words):
    model = tmp_path / "m.json"
    assert run("--data", "xor", "--save", model).returncode == 0
    r = run("--data", "moons", "--load", model, *args)
    assert r.returncode == 2 and r.stdout == "" and words in r.stderr, r.stderr


def test_a_neuron_file_is_not_a_network_to_train(tmp_path):
    from autograd_xor import Neuron
    Neuron(2).save(tmp_path / "n.json")
    r = run("--data", "moons", "--load", tmp_path / "n.json")
    assert r.returncode == 2 and "holds a Neuron, not a network (MLP)" in r.stderr


def test_a_diverging_run_exits_1_and_writes_nothing(tmp_path):
    net = MLP(2, [2, 1], activations=["relu", "linear"])
    for p in net.parameters():
        p.data = 1e200
    net.save(tmp_path / "huge.json", task="binary", loss="hinge")
    r = run("--data", "moons", "--load", "huge.json", "--save", "out.json", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.endswith("autograd-xor: error: training diverged: the training loss became "
                             "inf at epoch 1; try a smaller learning rate (lr=0.01)\n")
    assert sorted(os.listdir(tmp_path)) == ["huge.json"]


def test_plot_and_graph_of_a_classifier(tmp_path):
    r = run("--data", "spiral", "--points", "30", "--hidden", "4", "--epochs", "3", "--plot",
            "s.png", "--graph", "s.dot", cwd=tmp_path)
    assert r.returncode == 1                                 # 3 epochs: not learned, drawn
    assert (tmp_path / "s.png").read_bytes().startswith(PNG)
    dot = (tmp_path / "s.dot").read_text()
    assert dot.startswith("digraph") and dot.count("linear") == 3
    assert "plot saved to s.png" in r.stdout and "network figure saved to s.dot" in r.stdout


def test_the_classic_xor_demo_is_unchanged_without_data():
    r = run("--epochs", "600", "--seed", "1")
    assert r.stdout.splitlines()[0] == ("Training a 2-4-1 network (tanh hidden layer, sigmoid "
                                        "output) on XOR: 600 epochs, lr 0.5, seed 1")
    assert json.loads(run("--json").stdout)["hidden"] == 4


def test_the_classic_demo_saves_a_version_2_binary_model(tmp_path):
    assert run("--save", tmp_path / "x.json").returncode == 0
    model = load(tmp_path / "x.json")
    assert (model.task, model.loss) == ("binary", "binary_cross_entropy")
