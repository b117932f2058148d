"""The main job grown up, `autograd_xor.classify`: classifiers on XOR, moons, circles and
spirals. The tests of the defaults' accuracy train for seconds each: they are marked `slow`
and run by `make test-slow`."""

import math
import time

import pytest

from autograd_xor import MLP, classify, load
from autograd_xor.classify import (
    DEFAULTS,
    Diverged,
    accuracy,
    fit_loss,
    load_data,
    make_classifier,
    predict,
    train_classifier,
)


def state(model):
    return [repr(x) for x in model.state_dict().values()]


@pytest.mark.parametrize("data, kwargs", [
    ("moons", {"points": 40, "batch_size": 16}),
    ("spiral", {"points": 30, "batch_size": 7}),
    ("circles", {"points": 40, "loss": "hinge", "optimizer": "sgd"}),
])
def test_compiled_replays_give_the_eager_numbers_bit_for_bit(data, kwargs):
    runs = [train_classifier(data, hidden=(4,), epochs=65, seed=3, compiled=compiled, **kwargs)
            for compiled in (True, False)]
    assert [repr(x) for x in runs[0].losses] == [repr(x) for x in runs[1].losses]
    assert state(runs[0].model) == state(runs[1].model)
    assert runs[0].train_accuracy == runs[1].train_accuracy


def test_compiling_is_chosen_from_the_number_of_epochs(monkeypatch):
    made = []
    real = classify.compile

    def counting(fn):
        made.append(fn)
        return real(fn)
    monkeypatch.setattr(classify, "compile", counting)
    train_classifier("xor", hidden=(2,), epochs=classify.COMPILE_FROM - 1)
    assert made == []
    train_classifier("xor", hidden=(2,), epochs=classify.COMPILE_FROM)
    assert len(made) == 1
    train_classifier("moons", points=20, hidden=(2,), epochs=classify.COMPILE_FROM,
                     batch_size=5)
    assert len(made) == 1 + 4                     # one compiled step per fixed minibatch


def test_minibatches_cover_the_training_points_once_per_epoch(monkeypatch):
    seen = []
    real = classify._batch_loss

    def spy(model, X, y, loss):
        seen.append(tuple(map(tuple, X)))
        return real(model, X, y, loss)
    monkeypatch.setattr(classify, "_batch_loss", spy)
    r = train_classifier("moons", points=20, hidden=(2,), epochs=3, batch_size=6,
                         compiled=False)
    assert len(r.X_train) == 16 and len(seen) == 3 * 3        # batches of 6, 6 and 4
    assert sorted(len(b) for b in seen[:3]) == [4, 6, 6]
    for epoch in range(3):
        points = [p for batch in seen[3 * epoch:3 * epoch + 3] for p in batch]
        assert sorted(points) == sorted(map(tuple, r.X_train))
    assert set(seen[:3]) == set(seen[3:6]) == set(seen[6:9])   # the same fixed batches...
    assert seen[:3] != seen[3:6] or seen[3:6] != seen[6:9]      # ...in a new order
    assert r.batch_size == 6 and len(r.losses) == 3


def test_a_batch_larger_than_the_data_is_the_full_batch():
    a = train_classifier("xor", hidden=(3,), epochs=20, batch_size=100)
    b = train_classifier("xor", hidden=(3,), epochs=20)
    assert a.batch_size == b.batch_size == 4 and state(a.model) == state(b.model)


def test_the_heads_of_each_loss():
    bce = make_classifier((3,), 2)
    hinge = make_classifier((3,), 2, loss="hinge")
    ce = make_classifier((3,), 4)
    assert [(len(m.layers[-1].neurons), m.layers[-1].neurons[0].activation, m.task, m.loss)
            for m in (bce, hinge, ce)] == [
        (1, "sigmoid", "binary", "binary_cross_entropy"), (1, "linear", "binary", "hinge"),
        (4, "linear", "multiclass", "cross_entropy")]
    with pytest.raises(ValueError, match="hinge is for 2 classes, not 3"):
        make_classifier((3,), 3, loss="hinge")


def test_predict_and_accuracy_by_loss():
    net = MLP(2, [1], activations=["linear"], weights=[[[1.0, 0.0]]], biases=[[0.0]])
    assert [predict(net, [x, 0.0], "hinge") for x in (-1.0, 0.0, 0.5)] == [0, 0, 1]
    three = MLP(2, [3], activations=["linear"], weights=[[[1, 0], [0, 1], [0, 0]]],
                biases=[[0, 0, 0.5]])
    assert [predict(three, x, "cross_entropy") for x in ([2, 0], [0, 2], [0, 0], [0.5, 0.5])] \
        == [0, 1, 2, 0]
    assert accuracy(three, [[2, 0], [0, 2]], [0, 2], "cross_entropy") == 0.5
    assert accuracy(three, [], [], "cross_entropy") is None


@pytest.mark.parametrize("model, classes, loss, words", [
    (lambda: make_classifier((3,), 3), 2, None, "3-class model (3 outputs); this data set has "
                                               "2 classes"),
    (lambda: make_classifier((3,), 2), 3, None, "a binary model (one output); this data set "
                                               "has 3 classes"),
    (lambda: make_classifier((3,), 2), 2, "hinge", "trained with binary_cross_entropy, not "
                                                  "hinge"),
    (lambda: MLP(3, [2, 1]), 2, None, "takes 3 inputs; the data sets have 2"),
    (lambda: MLP(2, [2, 1], activations=["tanh", "tanh"]), 2, "binary_cross_entropy",
     "binary cross-entropy needs a sigmoid output"),
])
def test_fit_loss_says_why_a_model_does_not_fit(model, classes, loss, words):
    m = model()
    if loss == "binary_cross_entropy":
        m.task, m.loss = "binary", loss
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        fit_loss(m, classes, loss if loss != "binary_cross_entropy" else None)


def test_a_loaded_model_continues_with_its_loss_and_classes(tmp_path):
    r = train_classifier("spiral", points=40, classes=4, hidden=(6,), epochs=5, seed=2)
    r.model.save(tmp_path / "m.json")
    back = load(tmp_path / "m.json")
    assert (back.task, back.loss) == ("multiclass", "cross_entropy")
    again = train_classifier("spiral", points=40, model=back, epochs=0, seed=2)
    assert again.classes == 4 and again.train_accuracy == r.train_accuracy


def test_a_loss_that_becomes_infinite_raises_diverged():
    model = make_classifier((2,), 2, loss="hinge", activation="relu")
    for p in model.parameters():
        p.data = 1e200
    with pytest.raises(Diverged, match="the training loss became inf at epoch 1; try a "
                                       "smaller learning rate"):
        train_classifier("moons", points=20, model=model, epochs=3)


def test_bad_arguments_name_the_fix():
    with pytest.raises(ValueError, match="unknown data set 'mnist'"):
        load_data("mnist")
    with pytest.raises(ValueError, match="the moons data set has 2 classes, not 3"):
        load_data("moons", classes=3)
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'"):
        train_classifier("moons", optimizer="rmsprop")


def test_xor_with_the_defaults_learns_in_a_fraction_of_a_second():
    start = time.monotonic()
    r = train_classifier("xor")
    assert r.learned and r.train_accuracy == 1.0 and r.test_accuracy is None
    assert time.monotonic() - start < 10


# --- the defaults reach their accuracy (slow: seconds each) ------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("data, least", [("moons", 0.95), ("circles", 0.95), ("spiral", 0.90)])
def test_the_defaults_reach_their_accuracy_within_a_minute(data, least, seed):
    start = time.monotonic()
    r = train_classifier(data, seed=seed)
    took = time.monotonic() - start
    assert r.train_accuracy >= least, (data, seed, r.train_accuracy)
    assert r.test_accuracy >= least - 0.1                     # and it generalises
    assert r.epochs == DEFAULTS["epochs"] and math.isfinite(r.losses[-1])
    assert (data != "spiral") or r.classes == 3
    assert took < 60, took
