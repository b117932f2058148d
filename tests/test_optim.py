"""optim: SGD (momentum, weight decay, Nesterov), Adam and AdamW agree with torch.optim in
float64; a micrograd-style Adam runs unchanged; state_dict round trips; clear errors."""

import json
import math
import random

import micrograd.engine as micrograd_engine
import micrograd.nn as micrograd_nn
import pytest
import torch

import autograd_xor.engine as our_engine
import autograd_xor.nn as our_nn
from autograd_xor import MLP, SGD, Adam, AdamW, Value, cross_entropy, datasets

# --- the same model and loss here and in PyTorch -----------------------------------------

X, Y = datasets.spiral(n=12, classes=3, seed=3)


def make_model(seed=5):
    random.seed(seed)
    return MLP(2, [5, 4, 3], activations=["tanh", "relu", "linear"])


def loss_of(model):
    return cross_entropy([model(x) for x in X], Y)


def train(model, opt, steps):
    for _ in range(steps):
        loss = loss_of(model)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return [p.data for p in model.parameters()]


def torch_train(model, make_opt, steps):
    """The same network in PyTorch, float64, one weight matrix and bias vector per layer,
    started from `model`'s parameters; returns the parameters in `model.parameters()`'s
    order after `steps` steps of `make_opt(tensors)`."""
    layers = []
    for layer in model.layers:
        W = torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64,
                         requires_grad=True)
        b = torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64,
                         requires_grad=True)
        layers.append((W, b, layer.neurons[0].activation))
    opt = make_opt([t for W, b, _ in layers for t in (W, b)])
    x = torch.tensor(X, dtype=torch.float64)
    y = torch.tensor(Y)
    acts = {"tanh": torch.tanh, "relu": torch.relu, "linear": lambda z: z}
    for _ in range(steps):
        h = x
        for W, b, act in layers:
            h = acts[act](h @ W.T + b)
        loss = torch.nn.functional.cross_entropy(h, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return [v for W, b, _ in layers for row, bias in zip(W.tolist(), b.tolist())
            for v in row + [bias]]


def max_relative_difference(ours, theirs):
    assert len(ours) == len(theirs)
    return max(abs(a - b) / max(abs(a), abs(b)) if a != b else 0.0
               for a, b in zip(ours, theirs))


def max_change(before, after):
    return max(abs(a - b) for a, b in zip(before, after))


CONFIGS = [
    ("SGD()", lambda ps: SGD(ps), lambda ts: torch.optim.SGD(ts, lr=0.01, foreach=False)),
    ("SGD(momentum)", lambda ps: SGD(ps, lr=0.1, momentum=0.9),
     lambda ts: torch.optim.SGD(ts, lr=0.1, momentum=0.9, foreach=False)),
    ("SGD(momentum, weight_decay, nesterov)",
     lambda ps: SGD(ps, lr=0.05, momentum=0.8, weight_decay=0.01, nesterov=True),
     lambda ts: torch.optim.SGD(ts, lr=0.05, momentum=0.8, weight_decay=0.01, nesterov=True,
                                foreach=False)),
    ("Adam()", lambda ps: Adam(ps), lambda ts: torch.optim.Adam(ts, foreach=False)),
    ("Adam(lr, weight_decay)", lambda ps: Adam(ps, lr=0.02, weight_decay=0.1),
     lambda ts: torch.optim.Adam(ts, lr=0.02, weight_decay=0.1, foreach=False)),
    # beta1 < 0.5: torch.lerp computes from the other end
    ("Adam(betas=(0.3, 0.8), eps)", lambda ps: Adam(ps, lr=0.02, betas=(0.3, 0.8), eps=1e-6),
     lambda ts: torch.optim.Adam(ts, lr=0.02, betas=(0.3, 0.8), eps=1e-6, foreach=False)),
    ("AdamW()", lambda ps: AdamW(ps), lambda ts: torch.optim.AdamW(ts, foreach=False)),
    ("AdamW(lr, weight_decay)", lambda ps: AdamW(ps, lr=0.02, weight_decay=0.5),
     lambda ts: torch.optim.AdamW(ts, lr=0.02, weight_decay=0.5, foreach=False)),
]


@pytest.mark.parametrize("ours, theirs", [pytest.param(o, t, id=name)
                                          for name, o, t in CONFIGS])
def test_parameters_after_30_steps_equal_torch_optims_in_float64(ours, theirs):
    model = make_model()
    start = [p.data for p in model.parameters()]
    expected = torch_train(model, theirs, 30)
    got = train(model, ours(model.parameters()), 30)
    assert max_change(got, start) > 1e-2                      # the steps did move them
    assert max_relative_difference(got, expected) < 1e-12


# --- a micrograd-style Adam, as a learner writes it --------------------------------------

class MicrogradAdam:
    """Adam the way one adds it to micrograd: the moments live on each parameter as p.m and
    p.v, and the update is the textbook one (Kingma and Ba, Algorithm 1)."""

    def __init__(self, params, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.params, self.lr, self.beta1, self.beta2, self.eps = params, lr, beta1, beta2, eps
        self.t = 0
        for p in self.params:
            p.m = 0.0
            p.v = 0.0

    def step(self):
        self.t += 1
        for p in self.params:
            p.m = self.beta1 * p.m + (1 - self.beta1) * p.grad
            p.v = self.beta2 * p.v + (1 - self.beta2) * p.grad ** 2
            m_hat = p.m / (1 - self.beta1 ** self.t)
            v_hat = p.v / (1 - self.beta2 ** self.t)
            p.data -= self.lr * m_hat / (math.sqrt(v_hat) + self.eps)

    def zero_grad(self):
        for p in self.params:
            p.grad = 0.0


def test_a_micrograd_style_adam_runs_unchanged_and_agrees_with_adam_and_torch():
    model = make_model()
    start = [p.data for p in model.parameters()]
    expected = torch_train(model, lambda ts: torch.optim.Adam(ts, lr=0.01, foreach=False), 30)
    learner = train(model, MicrogradAdam(model.parameters(), lr=0.01), 30)
    assert all(isinstance(p.m, float) and p.v > 0 for p in model.parameters())
    other = make_model()
    ours = train(other, Adam(other.parameters(), lr=0.01), 30)
    assert max_change(learner, start) > 1e-2
    assert max_relative_difference(learner, ours) < 1e-10
    assert max_relative_difference(learner, expected) < 1e-10


def micrograd_run(engine, nn, opt_class, steps=5):
    """The same learner code on micrograd's Value and MLP, or on autograd_xor's."""
    random.seed(1)
    X2, y2 = datasets.moons(n=16, noise=0.1, seed=2)
    model = nn.MLP(2, [6, 6, 1])
    opt = opt_class(model.parameters(), lr=0.05)
    for _ in range(steps):
        scores = [model([engine.Value(a) for a in x]) for x in X2]
        loss = sum((1 + -(2 * t - 1) * s).relu() for t, s in zip(y2, scores)) * (1 / len(X2))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return [p.data for p in model.parameters()]


def test_the_micrograd_style_adam_gives_the_same_numbers_on_micrograd_itself():
    theirs = micrograd_run(micrograd_engine, micrograd_nn, MicrogradAdam)
    ours = micrograd_run(our_engine, our_nn, MicrogradAdam)
    start = micrograd_run(our_engine, our_nn, MicrogradAdam, steps=0)
    assert max_change(ours, start) > 1e-2
    assert max_relative_difference(ours, theirs) < 1e-12  # a gradient summed in another order
    assert micrograd_run(our_engine, our_nn, Adam) == pytest.approx(ours, rel=1e-10)


# --- hand-derived steps ------------------------------------------------------------------

@pytest.mark.parametrize("g", [-4.0, -0.01, 3e-5, 250.0])
def test_adams_first_step_moves_each_parameter_by_lr_against_its_gradient(g):
    # bias correction: m̂ = g and v̂ = g² after one step, so p moves by lr · g / (|g| + eps)
    w = Value(1.0)
    w.grad = g
    Adam([w], lr=0.1).step()
    assert w.data == pytest.approx(1.0 - 0.1 * g / (abs(g) + 1e-8), rel=1e-14)
    assert abs(w.data - (1.0 - 0.1 * math.copysign(1.0, g))) < 1e-4


def test_adam_weight_decay_is_added_to_the_gradient_and_adamw_shrinks_the_parameter():
    a, b = Value(2.0), Value(2.0)                # no gradient: only weight decay acts
    Adam([a], lr=0.1, weight_decay=0.5).step()   # g = 0.5 · 2 = 1: a moves by lr
    AdamW([b], lr=0.1, weight_decay=0.5).step()  # b · (1 − 0.1 · 0.5), and m = v = 0
    assert a.data == pytest.approx(1.9, rel=1e-9)
    assert b.data == 2.0 * (1 - 0.1 * 0.5)


def test_sgd_momentum_and_nesterov_by_hand():
    w = Value(0.0)
    opt = SGD([w], lr=0.1, momentum=0.5)
    for _ in range(3):
        w.grad = 1.0
        opt.step()                               # buffers 1, 1.5, 1.75
    assert w.data == pytest.approx(-0.1 * (1 + 1.5 + 1.75))
    assert opt.state[0]["momentum_buffer"] == 1.75
    v = Value(0.0)
    opt = SGD([v], lr=0.1, momentum=0.5, nesterov=True)
    for _ in range(2):
        v.grad = 1.0
        opt.step()                               # g + 0.5 · buffer: 1.5, then 1.75
    assert v.data == pytest.approx(-0.1 * (1.5 + 1.75))


def test_sgd_weight_decay_by_hand():
    w = Value(2.0)
    w.grad = 1.0
    SGD([w], lr=0.1, weight_decay=0.5).step()    # g = 1 + 0.5 · 2 = 2
    assert w.data == pytest.approx(1.8)


def test_plain_sgd_is_still_p_minus_lr_times_grad():
    ps = [Value(0.3), Value(-1.7)]
    ps[0].grad, ps[1].grad = 0.7, -0.2
    SGD(ps, lr=0.25).step()
    assert [p.data for p in ps] == [0.3 - 0.25 * 0.7, -1.7 - 0.25 * -0.2]


# --- state_dict --------------------------------------------------------------------------

OPTIMIZERS = [
    pytest.param(lambda ps: SGD(ps, lr=0.05, momentum=0.9, weight_decay=1e-3), id="SGD"),
    pytest.param(lambda ps: Adam(ps, lr=0.01, betas=(0.8, 0.99)), id="Adam"),
    pytest.param(lambda ps: AdamW(ps, lr=0.01), id="AdamW"),
]


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_state_dict_is_json_and_resuming_from_it_continues_exactly(make):
    model = make_model()
    straight = train(model, make(model.parameters()), 8)

    model = make_model()
    opt = make(model.parameters())
    train(model, opt, 4)
    saved = json.dumps({"model": model.state_dict(), "optimizer": opt.state_dict()})
    assert json.loads(saved)["optimizer"] == opt.state_dict()     # plain JSON, no loss

    resumed = make_model()
    resumed.load_state_dict(json.loads(saved)["model"])
    opt2 = make(resumed.parameters())
    opt2.load_state_dict(json.loads(saved)["optimizer"])
    assert opt2.steps == 4
    assert train(resumed, opt2, 4) == straight

    restarted = make_model()                     # the model's state alone does not resume
    restarted.load_state_dict(json.loads(saved)["model"])
    assert train(restarted, make(restarted.parameters()), 4) != straight


def test_state_dict_layout():
    opt = Adam([Value(1.0), Value(2.0)], lr=0.01)
    assert opt.state_dict() == {
        "optimizer": "Adam",
        "hyperparameters": {"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-8,
                            "weight_decay": 0.0},
        "step": 0,
        "state": {"0": {"exp_avg": 0.0, "exp_avg_sq": 0.0},
                  "1": {"exp_avg": 0.0, "exp_avg_sq": 0.0}}}
    sgd = SGD([Value(1.0)], momentum=0.9)
    assert sgd.state_dict()["state"] == {"0": {"momentum_buffer": None}}
    assert sgd.state_dict()["hyperparameters"] == {"lr": 0.01, "momentum": 0.9,
                                                   "weight_decay": 0.0, "nesterov": False}


def _saved_adam():
    w = [Value(1.0), Value(2.0)]
    opt = Adam(w, lr=0.01)
    w[0].grad, w[1].grad = 0.5, -0.5
    opt.step()
    return opt.state_dict()


def _changed(state, path, value):
    state = json.loads(json.dumps(state))
    *keys, last = path
    d = state
    for k in keys:
        d = d[k]
    if value is KeyError:
        del d[last]
    else:
        d[last] = value
    return state


@pytest.mark.parametrize("path, value, error, match", [
    (("optimizer",), "SGD", ValueError, "state of 'SGD', not of Adam"),
    (("step",), KeyError, KeyError, r"missing: \['step'\]"),
    (("extra",), 1, KeyError, r"unexpected: \['extra'\]"),
    (("hyperparameters", "lr"), -0.5, ValueError, "lr must be a positive.*-0.5"),
    (("hyperparameters", "betas"), [0.9, 1.5], ValueError, r"betas\[1\] must be in \[0, 1\)"),
    (("hyperparameters", "momentum"), 0.9, KeyError, r"unexpected: \['momentum'\]"),
    (("step",), -1, ValueError, "'step' must be an int of 0 or more, got -1"),
    (("step",), 2.5, ValueError, "'step' must be an int"),
    (("state", "1"), KeyError, ValueError, "state is for 1 parameters.*this optimizer has 2"),
    (("state", "2"), {"exp_avg": 0.0, "exp_avg_sq": 0.0}, ValueError, "state is for 3"),
    (("state", "0", "exp_avg"), "0.1", TypeError, "exp_avg of parameter 0 must be a number"),
    (("state", "1", "exp_avg_sq"), -1.0, ValueError, "exp_avg_sq of parameter 1 must be 0"),
    (("state", "1", "exp_avg_sq"), None, TypeError, "exp_avg_sq of parameter 1"),
    (("state", "0", "momentum_buffer"), 0.0, KeyError, "unexpected: \\['momentum_buffer'\\]"),
])
def test_load_state_dict_rejects_a_mismatched_state_and_changes_nothing(path, value, error,
                                                                        match):
    w = [Value(1.0), Value(2.0)]
    opt = Adam(w, lr=0.5, betas=(0.5, 0.5))
    before = opt.state_dict()
    with pytest.raises(error, match=match):
        opt.load_state_dict(_changed(_saved_adam(), path, value))
    assert opt.state_dict() == before
    opt.load_state_dict(_saved_adam())                          # the unchanged state loads
    assert opt.state_dict() == _saved_adam()


def test_load_state_dict_rejects_what_is_not_a_state():
    opt = SGD([Value(1.0)])
    with pytest.raises(TypeError, match="the state must be a dict, got list"):
        opt.load_state_dict([1, 2])
    with pytest.raises(KeyError, match="missing"):
        opt.load_state_dict({"optimizer": "SGD"})


# --- bad arguments -----------------------------------------------------------------------

@pytest.mark.parametrize("make, error, match", [
    (lambda: SGD([Value(1.0)], lr=-0.1), ValueError, r"SGD: lr must be .*-0.1; use .*lr=0.01"),
    (lambda: Adam([Value(1.0)], lr=-1e-3), ValueError, r"Adam: lr must be .*-0.001.*lr=0.001"),
    (lambda: AdamW([Value(1.0)], lr=0), ValueError, "AdamW: lr must be a positive"),
    (lambda: Adam([Value(1.0)], betas=(1.0, 0.999)), ValueError,
     r"Adam: betas\[0\] must be in \[0, 1\), got 1.0; use betas=\(0.9, 0.999\)"),
    (lambda: AdamW([Value(1.0)], betas=(0.9, -0.1)), ValueError, r"betas\[1\] .* got -0.1"),
    (lambda: Adam([Value(1.0)], betas=0.9), TypeError, "betas must be a pair"),
    (lambda: Adam([Value(1.0)], betas=(0.9, 0.99, 0.999)), TypeError, "betas must be a pair"),
    (lambda: Adam([Value(1.0)], betas=("0.9", 0.999)), TypeError, r"betas\[0\] must be a num"),
    (lambda: Adam([Value(1.0)], eps=-1e-8), ValueError, "eps must be 0 or more, got -1e-08"),
    (lambda: Adam([Value(1.0)], eps=float("nan")), ValueError, "eps must be finite, got nan"),
    (lambda: Adam([Value(1.0)], weight_decay=-0.01), ValueError,
     "weight_decay must be 0 or more, got -0.01"),
    (lambda: SGD([Value(1.0)], weight_decay=-1), ValueError, "weight_decay must be 0 or more"),
    (lambda: SGD([Value(1.0)], momentum=-0.9), ValueError,
     "SGD: momentum must be 0 or more, got -0.9; use 0 for none"),
    (lambda: SGD([Value(1.0)], momentum="0.9"), TypeError, "momentum must be a number"),
    (lambda: SGD([Value(1.0)], nesterov=True), ValueError,
     "nesterov=True needs momentum > 0, got momentum=0.0; set momentum=0.9"),
    (lambda: SGD([Value(1.0)], momentum=0.9, nesterov=1), TypeError,
     "nesterov must be True or False, got int 1"),
    (lambda: Adam([]), ValueError, "Adam: the parameter list is empty"),
    (lambda: SGD(iter([])), ValueError, "SGD: the parameter list is empty"),
    (lambda: Adam([Value(1.0), 2.0]), TypeError, "Adam: parameter 1 is a float, not a Value"),
    (lambda: Adam(Value(1.0)), TypeError, r"got a single Value; wrap it in a list, e.g. Adam"),
    (lambda: AdamW(3), TypeError, "params must be a list of Values, got int 3"),
    (lambda: SGD([w := Value(1.0), Value(2.0), w]), ValueError,
     "parameter 2 is the same Value as parameter 0; list each parameter once"),
])
def test_bad_arguments_name_the_option_the_value_and_a_fix(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_a_long_bad_value_is_shortened_in_the_message():
    with pytest.raises(TypeError) as info:
        Adam([Value(1.0)], eps="x" * 500)
    assert "(502 characters)" in str(info.value) and len(str(info.value)) < 200


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_step_is_all_or_nothing_and_names_the_bad_parameter(make):
    a, b = Value(1.0), Value(2.0, label="w2")
    opt = make([a, b])
    a.grad, b.grad = 0.5, 0.5
    opt.step()
    before = (a.data, b.data, opt.state_dict())
    a.grad, b.grad = 1.0, "oops"
    with pytest.raises(TypeError, match=r"step: parameter 1 \('w2'\) has .grad = str 'oops', "
                                        r"not a number.*no parameter was changed"):
        opt.step()
    assert (a.data, b.data, opt.state_dict()) == before


def test_adam_with_eps_0_and_no_gradient_says_so_instead_of_writing_nan():
    w = Value(1.0)
    opt = Adam([w], eps=0)
    with pytest.raises(ZeroDivisionError, match=r"parameter 0: sqrt\(v\) \+ eps is 0 .* "
                                                r"use eps > 0"):
        opt.step()
    assert w.data == 1.0 and opt.steps == 0


def test_repr_and_zero_grad():
    w = Value(1.0)
    w.grad = 3.0
    opt = AdamW([w])
    assert repr(opt) == ("AdamW(1 parameters, lr=0.001, betas=(0.9, 0.999), eps=1e-08, "
                         "weight_decay=0.01)")
    opt.zero_grad()
    assert w.grad == 0.0
