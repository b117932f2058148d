"""gradcheck itself, and Hypothesis property tests of backward() against finite differences."""

import math
import re

import pytest
from hypothesis import given, settings, strategies as st

from autograd_xor import GradcheckError, Value, gradcheck, numerical_grad
from autograd_xor.engine import _node
from autograd_xor.testing import Expression, expressions, kink_margin, points


def wrong_square(x):
    # x^2 with a deliberately wrong local derivative: x instead of 2x
    return _node(x.data ** 2, "bad_square", (x,), (x.data,))


def test_gradcheck_passes_and_leaves_inputs_alone():
    a = Value(0.3, label="a")
    assert gradcheck(lambda a, b: a * b + a.tanh(), [a, -1.2]) is True
    assert a.grad == 0.0 and a.data == 0.3


def test_gradcheck_error_names_input_point_and_both_values():
    x = Value(1.5, label="w_gf1")
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda y, x: y + wrong_square(x), [2.0, x])
    msg = str(info.value)
    assert "input 1 ('w_gf1')" in msg
    assert "[2.0, 1.5]" in msg
    assert re.search(r"numerical:\s+(2\.9999|3\.0000)", msg)
    assert "analytical: 1.5" in msg
    assert "atol" in msg and "rtol" in msg


def test_gradcheck_can_return_false():
    assert gradcheck(wrong_square, [1.5], raise_exception=False) is False


def test_gradcheck_rejects_functions_that_do_not_return_a_value():
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda x: 3.0, [1.0])


def test_numerical_grad_central_differences():
    g = numerical_grad(lambda x, y: x * x * y, [3.0, 2.0])
    assert g == pytest.approx([12.0, 9.0], rel=1e-6)


def test_gradcheck_is_strict_enough_to_catch_a_small_error():
    # a local derivative off by 1% is caught at the default tolerances
    off = lambda x: _node(math.sin(x.data), "sin", (x,), (1.01 * math.cos(x.data),))
    assert not gradcheck(off, [0.4], raise_exception=False)
    ok = lambda x: _node(math.sin(x.data), "sin", (x,), (math.cos(x.data),))
    assert gradcheck(ok, [0.4])


# --- property tests: random expression graphs against central differences ------------------

@settings(max_examples=2000, deadline=None)
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(expressions(n), points(n))))
def test_backward_matches_finite_differences(case):
    f, xs = case
    if kink_margin(f, xs) > 1e-3:                 # central differences straddle no relu kink
        assert gradcheck(f, xs, eps=1e-6, atol=1e-4, rtol=1e-3)


@settings(max_examples=300, deadline=None)
@given(expressions(2), points(2))
def test_second_backward_doubles_leaf_gradients(f, xs):
    # each pass sums its gradient in a fresh buffer and adds it to .grad once (as PyTorch),
    # so the second pass adds exactly the same number: twice the first, bit for bit
    leaves = [Value(x) for x in xs]
    out = f(*leaves)
    out.backward()
    first = [v.grad for v in leaves]
    out.backward()
    for g1, v in zip(first, leaves):
        assert v.grad == 2 * g1 or (math.isnan(g1) and math.isnan(v.grad))


def test_second_backward_adds_the_pass_total_once():
    # Hypothesis found this one: adding term by term into the running .grad left 1.39e-17
    # after two passes where twice the first pass's 1.39e-17 was due
    x0, x1 = Value(0.5), Value(0.0)
    t = x0.tanh()
    out = (t ** 3 - (x0 * 1.0).tanh() ** 3) + x1
    out.backward()
    first = x0.grad
    out.backward()
    assert x0.grad == 2 * first and x1.grad == 2.0


def test_expression_prints_as_a_formula_and_checks_arity():
    f = Expression(("*", ("x", 0), ("tanh", ("x", 1))), 2)
    assert repr(f) == "(x0 * tanh(x1))"
    assert f(2.0, 0.5).data == pytest.approx(2 * math.tanh(0.5))
    with pytest.raises(ValueError, match="expected 2 inputs"):
        f(1.0)
