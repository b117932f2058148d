"""nn: micrograd's defaults, the extensions, state_dict, losses and SGD."""

import json
import math
import random

import pytest

from autograd_xor import (
    MLP,
    SGD,
    Layer,
    Neuron,
    Value,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    gradcheck,
    half_squared_error,
    hinge,
    mse,
    squared_error,
)


def test_neuron_draws_weights_like_micrograd():
    random.seed(42)
    n = Neuron(3)
    random.seed(42)
    expected = [random.uniform(-1, 1) for _ in range(3)]
    assert [w.data for w in n.w] == expected
    assert n.b.data == 0.0 and n.nonlin and repr(n) == "ReLUNeuron(3)"


def test_neuron_forward_is_activation_of_weighted_sum():
    n = Neuron(2, activation="tanh", weights=[0.6, -0.1], bias=0.3)
    out = n([-0.9, 0.1])
    assert out.data == pytest.approx(math.tanh(0.3 + 0.6 * -0.9 - 0.1 * 0.1))
    out.backward()
    d = 1 - out.data ** 2
    assert [w.grad for w in n.w] == pytest.approx([d * -0.9, d * 0.1])
    assert n.b.grad == pytest.approx(d)


def test_weighted_sum_gradient_flows_to_value_inputs():
    n = Neuron(2, nonlin=False, weights=[2.0, -3.0], bias=0.5)
    x = [Value(1.5), Value(-0.5)]
    out = n(x)
    out.backward()
    assert out.data == 0.5 + 2.0 * 1.5 + -3.0 * -0.5
    assert [xi.grad for xi in x] == [2.0, -3.0]
    assert [w.grad for w in n.w] == [1.5, -0.5]
    assert gradcheck(lambda a, b: n([a, b]), [1.5, -0.5])


def test_layer_returns_bare_value_for_one_neuron():
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Value)
    out = Layer(2, 3)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3


def test_mlp_defaults_relu_hidden_linear_output():
    random.seed(0)
    m = MLP(2, [3, 2, 1])
    assert [n.activation for layer in m.layers for n in layer.neurons] == ["relu"] * 5 + ["linear"]
    assert len(m.parameters()) == 3 * 3 + 2 * 4 + 3


def test_mlp_with_hidden_layer_of_one_neuron():
    # the seed's G/F network: micrograd's MLP cannot feed a one-neuron layer forward
    m = MLP(2, [1, 1], activations=["tanh", "sigmoid"], weights=[[[0.6, -0.1]], [[0.5]]],
            biases=[[0.3], [-0.2]])
    out = m([-0.9, 0.1])
    g = math.tanh(0.3 + 0.6 * -0.9 + -0.1 * 0.1)
    assert out.data == pytest.approx(1 / (1 + math.exp(-(-0.2 + 0.5 * g))))


def test_named_parameters_and_labels_are_stable():
    random.seed(1)
    m = MLP(2, [2, 1])
    names = [n for n, _ in m.named_parameters()]
    assert names == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b",
                     "layers.0.neurons.1.w.0", "layers.0.neurons.1.w.1", "layers.0.neurons.1.b",
                     "layers.1.neurons.0.w.0", "layers.1.neurons.0.w.1", "layers.1.neurons.0.b"]
    assert [p.label for p in m.parameters()] == names


def test_state_dict_json_round_trip_is_bit_exact():
    random.seed(3)
    a = MLP(2, [4, 1])
    random.seed(4)
    b = MLP(2, [4, 1])
    b.load_state_dict(json.loads(json.dumps(a.state_dict())))
    assert [p.data for p in b.parameters()] == [p.data for p in a.parameters()]


@pytest.mark.parametrize("mutate, error, match", [
    (lambda s: s.pop("layers.0.neurons.0.b"), KeyError, "missing"),
    (lambda s: s.update({"layers.9.neurons.0.b": 1.0}), KeyError, "unexpected"),
    (lambda s: s.update({"layers.1.neurons.0.b": "x"}), TypeError, "layers.1.neurons.0.b"),
    (lambda s: s.update({"layers.1.neurons.0.b": None}), TypeError, "NoneType"),
])
def test_bad_state_dict_leaves_model_untouched(mutate, error, match):
    random.seed(5)
    m = MLP(2, [2, 1])
    before = m.state_dict()
    state = {k: v + 1.0 for k, v in before.items()}
    mutate(state)
    with pytest.raises(error, match=match):
        m.load_state_dict(state)
    assert m.state_dict() == before


def test_load_state_dict_from_a_model_of_another_shape_fails():
    with pytest.raises(KeyError, match="another shape"):
        MLP(2, [2, 1]).load_state_dict(MLP(2, [3, 1]).state_dict())


def test_input_length_mismatch_raises_instead_of_truncating():
    with pytest.raises(ValueError, match="expected 2 inputs, got 3"):
        MLP(2, [2, 1])([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="expected 2 inputs, got 1"):
        Neuron(2)([1.0])


@pytest.mark.parametrize("make", [
    lambda: MLP(0, [1]), lambda: MLP(2, [0, 1]), lambda: MLP(2, []), lambda: Layer(2, 0),
    lambda: Neuron(-1), lambda: MLP(2.5, [1]), lambda: Neuron(2, weights=[1.0]),
    lambda: MLP(2, [1, 1], activations=["tanh"]),
])
def test_invalid_sizes_raise_value_error(make):
    with pytest.raises(ValueError):
        make()


def test_unknown_activation_names_the_choices():
    with pytest.raises(ValueError, match="unknown activation 'softmax'.*sigmoid"):
        Neuron(2, activation="softmax")


def test_zero_grad():
    m = MLP(2, [2, 1])
    m([1.0, -1.0]).backward()
    assert any(p.grad for p in m.parameters())
    m.zero_grad()
    assert all(p.grad == 0.0 for p in m.parameters())


# --- losses --------------------------------------------------------------------------

def test_losses_values():
    assert squared_error(Value(3.0), 1.0).data == 4.0
    assert half_squared_error(Value(3.0), 1.0).data == 2.0
    assert mse([Value(3.0), Value(0.0)], [1.0, 1.0]).data == 2.5
    assert hinge(Value(0.2), 1).data == pytest.approx(0.8)
    assert hinge(Value(2.0), 1).data == 0.0
    assert binary_cross_entropy(Value(0.8), 1.0).data == pytest.approx(-math.log(0.8))
    assert binary_cross_entropy(Value(0.8), 0.0).data == pytest.approx(-math.log(0.2))
    z = 0.7
    assert binary_cross_entropy_with_logits(Value(z), 1.0).data == pytest.approx(
        -math.log(1 / (1 + math.exp(-z))))


@pytest.mark.parametrize("loss, target", [
    (squared_error, 0.3), (half_squared_error, 0.3), (hinge, -1.0),
    (binary_cross_entropy, 1.0), (binary_cross_entropy, 0.25),
    (binary_cross_entropy_with_logits, 1.0), (binary_cross_entropy_with_logits, 0.0),
])
@pytest.mark.parametrize("x", [-0.8, 0.6])
def test_loss_gradients(loss, target, x):
    if loss is binary_cross_entropy:
        assert gradcheck(lambda z: loss(z.sigmoid(), target), [x])
    else:
        assert gradcheck(lambda z: loss(z, target), [x])


def test_half_squared_error_gradient_is_f_minus_y():
    f = Value(0.42)
    half_squared_error(f, 1.0).backward()
    assert f.grad == pytest.approx(0.42 - 1.0)


def test_bce_with_logits_gradient_is_prediction_minus_target():
    z = Value(1.3)
    binary_cross_entropy_with_logits(z, 1.0).backward()
    assert z.grad == pytest.approx(1 / (1 + math.exp(-1.3)) - 1.0)


def test_bce_is_finite_for_saturated_outputs():
    for p, t in [(1.0, 0.0), (0.0, 1.0), (1.0, 1.0)]:
        pv = Value(p)
        loss = binary_cross_entropy(pv, t)
        loss.backward()
        assert math.isfinite(loss.data) and math.isfinite(pv.grad)
    big = Value(1000.0)
    loss = binary_cross_entropy(big.sigmoid(), 0.0)
    assert loss.data == 100.0                      # the log is clamped at -100, as in PyTorch
    assert binary_cross_entropy_with_logits(Value(1000.0), 0.0).data == 1000.0


def test_loss_input_errors():
    with pytest.raises(ValueError, match="probability"):
        binary_cross_entropy(Value(1.5), 1.0)
    with pytest.raises(ValueError, match="target"):
        binary_cross_entropy(Value(0.5), 2.0)
    with pytest.raises(ValueError, match="2 predictions and 1 targets"):
        mse([Value(1.0), Value(2.0)], [1.0])


# --- SGD -----------------------------------------------------------------------------

def test_sgd_step_and_zero_grad():
    w = Value(0.8)
    loss = (w * 1.5 - 0.5) ** 2                   # seed 002: C = (a - y)^2, a = i w
    loss.backward()
    assert w.grad == pytest.approx(2 * (1.2 - 0.5) * 1.5)
    opt = SGD([w], lr=0.1)
    opt.step()
    assert w.data == pytest.approx(0.8 - 0.1 * 2.1)   # 0.59, as the seed prints
    opt.zero_grad()
    assert w.grad == 0.0


def test_sgd_rejects_bad_arguments():
    with pytest.raises(TypeError, match="parameter 1 is a float"):
        SGD([Value(1.0), 2.0], lr=0.1)
    for lr in (0, -1.0, float("nan"), float("inf"), "0.1"):
        with pytest.raises(ValueError, match="lr"):
            SGD([Value(1.0)], lr=lr)


def test_sgd_step_is_all_or_nothing():
    a, b = Value(1.0), Value(2.0)
    a.grad, b.grad = 1.0, "oops"
    with pytest.raises(TypeError):
        SGD([a, b], lr=0.1).step()
    assert (a.data, b.data) == (1.0, 2.0)
