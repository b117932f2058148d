"""Model files: `model.save(path)` for a Neuron, Layer or MLP and `autograd_xor.load(path)`,
the format's versions, its JSON schema, and every way a file can be broken."""

import json
import os
import random
import tracemalloc
from pathlib import Path

import jsonschema
import pytest

import autograd_xor
from autograd_xor import MLP, Layer, Neuron
from autograd_xor.nn import (
    ACTIVATIONS,
    MAX_MODEL_BYTES,
    MAX_PARAMETERS,
    MODEL_VERSION,
    TASKS,
    ModelFileError,
    load_model,
    model_json,
)

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs" /
                     "model-file.schema.json").read_text(encoding="utf-8"))

# a model file as autograd-xor wrote them before files had versions (version 1)
VERSION_1 = """{
 "format": "autograd_xor.mlp",
 "nin": 2,
 "nouts": [2, 1],
 "activations": ["tanh", "sigmoid"],
 "state": {
  "layers.0.neurons.0.w.0": 0.5, "layers.0.neurons.0.w.1": -0.25, "layers.0.neurons.0.b": 0.1,
  "layers.0.neurons.1.w.0": 1, "layers.0.neurons.1.w.1": 2.0, "layers.0.neurons.1.b": -3.5,
  "layers.1.neurons.0.w.0": 0.75, "layers.1.neurons.0.w.1": -1.5, "layers.1.neurons.0.b": 0.0
 }
}
"""


def good():
    """A valid version 2 file's content, as a dict to break."""
    return json.loads(model_json(MLP(2, [2, 1], activations=["tanh", "sigmoid"],
                                     weights=[[[0.5, -0.25], [1.0, 2.0]], [[0.75, -1.5]]],
                                     biases=[[0.1, -3.5], [0.0]]),
                                 task="binary", loss="binary_cross_entropy"))


def write(tmp_path, content, name="model.json"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


# --- round trips ---------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: Neuron(3, activation="tanh", weights=[0.1 + 0.2, -0.0, 5e-324], bias=1e308),
    lambda: Layer(2, 3, activation="relu"),
    lambda: MLP(2, [4, 4, 3], activations=["tanh", "relu", "linear"]),
    lambda: MLP(3, [1]),
], ids=["Neuron", "Layer", "MLP", "one-layer MLP"])
def test_save_and_load_round_trip_bit_for_bit(tmp_path, make):
    model = make()
    path = tmp_path / "m.json"
    model.save(path)
    back = autograd_xor.load(path)
    assert type(back) is type(model) and repr(back) == repr(model)
    assert [repr(x) for x in back.state_dict().values()] == \
        [repr(x) for x in model.state_dict().values()]          # -0.0, 5e-324, 1e308 too
    assert list(back.state_dict()) == list(model.state_dict())
    assert (back.task, back.loss) == (None, None)
    jsonschema.validate(json.loads(path.read_text()), SCHEMA)


def test_task_and_loss_are_recorded_and_restored(tmp_path):
    model = MLP(2, [3, 3], activations=["tanh", "linear"])
    model.save(tmp_path / "m.json", task="multiclass", loss="cross_entropy")
    back = load_model(tmp_path / "m.json")
    assert (back.task, back.loss) == ("multiclass", "cross_entropy")
    back.save(tmp_path / "again.json")                         # the model's own, by default
    assert json.loads((tmp_path / "again.json").read_text())["loss"] == "cross_entropy"


def test_loading_draws_no_random_numbers(tmp_path):
    MLP(2, [8, 1]).save(tmp_path / "m.json")
    random.seed(7)
    expected = random.random()
    random.seed(7)
    load_model(tmp_path / "m.json")
    assert random.random() == expected


def test_version_1_files_still_load(tmp_path):
    model = load_model(write(tmp_path, VERSION_1))
    assert repr(model) == "MLP of [Layer of [TanhNeuron(2), TanhNeuron(2)], " \
                          "Layer of [SigmoidNeuron(2)]]"
    assert model.state_dict()["layers.0.neurons.1.w.0"] == 1.0 and model.task is None
    jsonschema.validate(json.loads(VERSION_1), SCHEMA)


def test_a_newer_version_is_refused_with_what_to_do(tmp_path):
    newer = dict(good(), version=MODEL_VERSION + 1)
    path = write(tmp_path, json.dumps(newer))
    with pytest.raises(ModelFileError, match=r"version 3 model file, newer than this "
                                             r"autograd_xor reads \(versions 1 to 2\); upgrade"):
        load_model(path)


# --- broken files: each refused, naming the file, in a bounded message --------------------

def _set(key, value):
    def change(d):
        d[key] = value
        return json.dumps(d)
    return change


def _state(name, value):
    def change(d):
        d["state"][name] = value
        return json.dumps(d)
    return change


def _drop_state(name):
    def change(d):
        del d["state"][name]
        return json.dumps(d)
    return change


BROKEN = {
    "binary garbage": (b"\x7fELF\x02\x01\x01\x00\xff\xfe\x00\x00garbage", "not UTF-8 text"),
    "non-UTF-8 byte in a string": (json.dumps(good()).replace('"tanh"', '"t\udcffh"').encode(
        "utf-8", "surrogateescape"), "not UTF-8 text (byte 0xff"),
    "truncated JSON": (lambda d: json.dumps(d)[:-40], "not JSON"),
    "empty file": (b"", "not JSON"),
    "NaN weight": (lambda d: json.dumps(d).replace("0.75", "NaN"), "holds NaN"),
    "Infinity weight": (lambda d: json.dumps(d).replace("0.75", "-Infinity"), "-Infinity"),
    "1e400 weight": (lambda d: json.dumps(d).replace("0.75", "1e400"), "is inf; a model file "
                                                                     "holds finite numbers"),
    "10**400 weight": (lambda d: json.dumps(d).replace("0.75", str(10 ** 400)),
                       "a number with 401 digits"),
    "deeply nested JSON": (lambda d: json.dumps(d)[:-1] + ', "x": ' + "[" * 100_000 + "]" *
                           100_000 + "}", "nested too deeply"),
    "not an object": (b"[1, 2, 3]", "no \"format\""),
    "another format": (_set("format", "onnx"), "no \"format\""),
    "unknown activation": (lambda d: json.dumps(d).replace('"sigmoid"', '"swish"'),
                           "'activations'[1] is 'swish', not one of"),
    "a billion weights": (_set("nouts", [1_000_000_000, 1]), "declares 4,000,000,001 "
                                                            "parameters, more than"),
    "nin as text": (_set("nin", "2"), "'nin' (the number of inputs) must be a whole number, "
                                      "got str '2'"),
    "nin as a boolean": (_set("nin", True), "got bool True"),
    "nouts as text": (_set("nouts", "21"), "'nouts' must be a non-empty list, got str"),
    "a float layer size": (_set("nouts", [2.0, 1]), "'nouts'[0] (a layer size) must be a "
                                                     "whole number, got float"),
    "state as a list": (_set("state", [0.5, 0.25]), "'state' must be an object"),
    "a weight as text": (_state("layers.1.neurons.0.b", "0.0"), "must be a number, got str"),
    "a weight as a boolean": (_state("layers.1.neurons.0.b", False), "must be a number, got "
                                                                      "bool"),
    "a missing weight": (_drop_state("layers.1.neurons.0.b"), "has 8 parameters, but the "
                                                              "architecture needs 9"),
    "a renamed weight": (lambda d: json.dumps(d).replace("layers.1.neurons.0.b", "layers.1.b"),
                         "no parameter 'layers.1.neurons.0.b'"),
    "an unexpected key": (_set("optimizer", "adam"), "unexpected key 'optimizer'"),
    "a key twice": (lambda d: json.dumps(d)[:-1] + ', "nin": 3}', "the key 'nin' appears "
                                                                   "twice"),
    "version as text": (_set("version", "2"), "version '2' is not a version number"),
    "version 0": (_set("version", 0), "version 0 is not a version number"),
    "an unknown module": (_set("module", "Transformer"), "'module' must be one of"),
    "a multiclass model with one output": (
        lambda d: json.dumps(dict(d, task="multiclass", loss=None)), "a multiclass model has "
        "one output per class (2 or more), this one has 1"),
    "a loss of another task": (_set("loss", "cross_entropy"), "not one of the binary task's"),
    "a task of the wrong type": (_set("task", ["binary"]), "'task' must be a name or null"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_file_is_refused_naming_the_file_and_the_problem(tmp_path, case):
    content, words = BROKEN[case]
    if callable(content):
        content = content(good())
    path = write(tmp_path, content, "my-model.json")
    with pytest.raises(ModelFileError) as caught:
        load_model(path)
    message = str(caught.value)
    assert message.startswith(repr(str(path))) and words in message, message
    assert len(message) < 700 and "\n" not in message
    assert "save the model again" in message or "give a" in message or "upgrade" in message


def test_a_billion_weights_are_refused_before_anything_is_allocated(tmp_path):
    path = write(tmp_path, _set("nouts", [1_000_000_000, 1])(good()))
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match="more than a model file may hold"):
            load_model(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200_000


def test_a_10_MB_string_is_not_echoed_whole(tmp_path):
    path = write(tmp_path, _set("module", "x" * 10_000_000)(good()))
    with pytest.raises(ModelFileError) as caught:
        load_model(path)
    message = str(caught.value)
    assert len(message) < 500 and "(10000002 characters)" in message and "…" in message


def test_a_file_larger_than_the_limit_is_refused_unread(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.truncate(MAX_MODEL_BYTES + 1)                       # sparse: nothing to read
    with pytest.raises(ModelFileError, match=r"33,554,433 bytes, more than a model file may "
                                             r"have \(33,554,432\)"):
        load_model(path)


def test_a_pipe_does_not_hang_and_a_folder_or_missing_file_is_an_os_error(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ModelFileError, match="not a regular file"):
        load_model(fifo)                                  # no writer: open must not block
    with pytest.raises(IsADirectoryError):
        load_model(tmp_path)
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "none.json")
    with pytest.raises(FileNotFoundError, match="empty file name"):
        load_model("")


# --- saving -------------------------------------------------------------------------------

def test_save_refuses_what_a_model_file_cannot_hold(tmp_path):
    net = MLP(2, [2, 1])
    net.layers[0].neurons[1].w[0].data = float("nan")
    with pytest.raises(ValueError, match=r"parameter 'layers.0.neurons.1.w.0' is nan"):
        net.save(tmp_path / "m.json")
    mixed = Layer(2, 2, activation="tanh")
    mixed.neurons[1].activation = "relu"
    with pytest.raises(ValueError, match=r"layer 0 mixes activations \['relu', 'tanh'\]"):
        mixed.save(tmp_path / "m.json")
    with pytest.raises(ValueError, match="a binary model has one output, this one has 3"):
        MLP(2, [3]).save(tmp_path / "m.json", task="binary")
    with pytest.raises(ValueError, match="loss 'hinge' is given without a task"):
        MLP(2, [1]).save(tmp_path / "m.json", loss="hinge")

    class Mine(autograd_xor.Module):
        pass
    with pytest.raises(TypeError, match="only a Neuron, Layer or MLP can be saved"):
        Mine().save(tmp_path / "m.json")
    assert list(tmp_path.iterdir()) == []                     # nothing was written


# --- the schema says what the code does ---------------------------------------------------

def test_the_schema_lists_what_the_code_accepts():
    props = SCHEMA["properties"]
    assert props["version"]["enum"] == [MODEL_VERSION]
    assert props["activations"]["items"]["enum"] == list(ACTIVATIONS)
    assert props["task"]["enum"] == list(TASKS) + [None]
    assert props["loss"]["enum"] == [loss for losses in TASKS.values() for loss in losses] + \
        [None]
    assert props["state"]["maxProperties"] == MAX_PARAMETERS
    assert "33554432 bytes" in SCHEMA["description"] and str(MAX_MODEL_BYTES) == "33554432"


@pytest.mark.parametrize("case", ["an unexpected key", "nin as text", "a task of the wrong type",
                                  "unknown activation", "a loss of another task",
                                  "a weight as text", "version as text"])
def test_the_schema_refuses_what_the_code_refuses(case):
    content, _ = BROKEN[case]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(content(good())), SCHEMA)
